//! Small statistics helpers for the charts (quantiles, bins); Wilson intervals and ICD 203 words come
//! from `crate::stats`, the same code as summary.json.

/// Wilson score 95% interval: (p, low, high) for `k` successes in `n` trials; (0, 0, 1) when n = 0.
/// The same computation as summary.json's (`crate::stats::wilson`), so charts and tables agree.
pub fn wilson(k: u64, n: u64) -> (f64, f64, f64) {
    let p = if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let (lo, hi) = crate::stats::wilson(k, n, crate::stats::Z95);
    (p, lo, hi)
}

/// The ICD 203 expression of likelihood for a probability (`crate::stats::icd203_words`, the same
/// words and boundaries as summary.json).
pub fn icd203_words(p: f64) -> &'static str {
    crate::stats::icd203_words(p)
}

/// Quantile of sorted data by linear interpolation (type 7); None for empty data.
pub fn quantile_sorted(xs: &[f64], q: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (xs.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    Some(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64))
}

/// Sorted copy of the data (NaN-free input assumed; NaNs sort last).
pub fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        Some(xs.iter().sum::<f64>() / xs.len() as f64)
    }
}

/// Histogram bins: (left edge, width, count). Freedman–Diaconis width, clamped to 5..=40 bins; integer
/// data gets integer-aligned bins at least 1 wide; constant data gets one bin centred on the value.
pub fn histogram(xs: &[f64]) -> Vec<(f64, f64, usize)> {
    let s = sorted(xs);
    let (Some(&min), Some(&max)) = (s.first(), s.last()) else {
        return Vec::new();
    };
    let integer = s.iter().all(|x| x.fract() == 0.0);
    if max - min <= f64::EPSILON * max.abs().max(1.0) {
        let w = if integer {
            1.0
        } else {
            (min.abs() * 0.1).max(0.1)
        };
        return vec![(min - w / 2.0, w, s.len())];
    }
    let n = s.len() as f64;
    let iqr = quantile_sorted(&s, 0.75).unwrap_or(max) - quantile_sorted(&s, 0.25).unwrap_or(min);
    let range = max - min;
    let mut width = if iqr > 0.0 {
        2.0 * iqr / n.cbrt()
    } else {
        range / (n.log2().ceil() + 1.0) // Sturges when the IQR is zero
    };
    width = width.clamp(range / 40.0, range / 5.0);
    let (start, width) = if integer {
        let w = width.round().max(1.0);
        (min - 0.5, w)
    } else {
        // Readable edges, unless rounding up would leave fewer than five bins.
        let nice = nice_width(width);
        let w = if range / nice >= 5.0 { nice } else { width };
        ((min / w).floor() * w, w)
    };
    let nbins = (((max - start) / width).floor() as usize + 1).max(1);
    let mut counts = vec![0usize; nbins];
    for &x in &s {
        let i = (((x - start) / width).floor() as usize).min(nbins - 1);
        counts[i] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| (start + i as f64 * width, width, c))
        .collect()
}

/// Rounds a bin width to 1, 2, 2.5 or 5 times a power of ten (readable bin edges).
fn nice_width(w: f64) -> f64 {
    let e = w.log10().floor();
    let base = 10f64.powf(e);
    let f = w / base;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_edges() {
        let (p, lo, hi) = wilson(0, 10);
        assert_eq!(p, 0.0);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.2 && hi < 0.35);
        let (p, lo, hi) = wilson(10, 10);
        assert_eq!(p, 1.0);
        assert!(lo > 0.65 && lo < 0.8);
        assert_eq!(hi, 1.0);
        assert_eq!(wilson(0, 0), (0.0, 0.0, 1.0));
    }

    #[test]
    fn words_follow_icd203() {
        assert_eq!(icd203_words(0.0), "almost no chance");
        assert_eq!(icd203_words(0.5), "roughly even chance");
        assert_eq!(icd203_words(1.0), "almost certain");
    }

    #[test]
    fn histogram_counts_every_value() {
        let xs: Vec<f64> = (0..200)
            .map(|i| (i as f64 * 0.37).sin() * 3.0 + 5.0)
            .collect();
        let h = histogram(&xs);
        assert!((5..=41).contains(&h.len()), "{}", h.len());
        assert_eq!(h.iter().map(|b| b.2).sum::<usize>(), 200);
        let c = histogram(&[4.0, 4.0, 4.0]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].2, 3);
        let ints = histogram(&[1.0, 2.0, 2.0, 3.0, 10.0]);
        assert!(ints.iter().all(|b| b.1 >= 1.0 && b.1.fract() == 0.0));
        assert_eq!(ints.iter().map(|b| b.2).sum::<usize>(), 5);
        assert!(histogram(&[]).is_empty());
    }

    #[test]
    fn quantiles_interpolate() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&s, 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&s, 0.0), Some(1.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }
}
