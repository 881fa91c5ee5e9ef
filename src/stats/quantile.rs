//! Exact sample quantiles ([`quantile_exact`]) and histogram helpers for the
//! charts ([`freedman_diaconis_bins`], [`histogram`]).

/// Type-7 sample quantile of already **sorted** data (linear interpolation
/// between order statistics; numpy's and R's default): with `h = (n−1)·q`,
/// the result is `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`.
///
/// Returns `None` for empty input or `q` outside `[0, 1]` (or NaN). The input
/// must be sorted ascending (checked in debug builds).
pub fn quantile_exact(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    debug_assert!(
        sorted
            .windows(2)
            .all(|w| w[0] <= w[1] || w[0].is_nan() || w[1].is_nan()),
        "quantile_exact needs sorted input"
    );
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    let a = sorted[lo];
    if frac == 0.0 || lo + 1 >= sorted.len() {
        return Some(a);
    }
    let b = sorted[lo + 1];
    Some(a + frac * (b - a))
}

/// Smallest and largest number of bins [`freedman_diaconis_bins`] returns.
pub const MIN_BINS: usize = 1;
/// See [`MIN_BINS`].
pub const MAX_BINS: usize = 60;

/// Number of equal-width histogram bins for `values` by the
/// Freedman–Diaconis rule: bin width `2·IQR/n^(1/3)` over the data range, with
/// IQR from type-7 quartiles. Falls back to Sturges' rule
/// (`⌈log2 n⌉ + 1`) when the IQR is 0. Non-finite values are ignored; with
/// fewer than two distinct finite values the answer is 1. Always in
/// `[1, 60]`.
pub fn freedman_diaconis_bins(values: &[f64]) -> usize {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n < 2 || v[0] == v[n - 1] {
        return MIN_BINS;
    }
    let range = v[n - 1] - v[0];
    let iqr = quantile_exact(&v, 0.75).unwrap_or(0.0) - quantile_exact(&v, 0.25).unwrap_or(0.0);
    let bins = if iqr > 0.0 {
        let width = 2.0 * iqr / (n as f64).cbrt();
        (range / width).ceil()
    } else {
        // ⌈log2 n⌉ + 1, computed exactly.
        (n.next_power_of_two().trailing_zeros() + 1) as f64
    };
    (bins as usize).clamp(MIN_BINS, MAX_BINS)
}

/// Equal-width histogram: `counts[i]` is the number of values in
/// `[edges[i], edges[i+1])`, the last bin also including its right edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// `counts.len() + 1` ascending bin edges.
    pub edges: Vec<f64>,
    /// Count per bin.
    pub counts: Vec<u64>,
}

/// Bins the finite `values` into `bins` equal-width bins spanning their range
/// (`bins` is raised to at least 1). When all values are equal, the single
/// range is widened to `[x − 0.5, x + 0.5]`. Returns `None` when there is no
/// finite value.
pub fn histogram(values: &[f64], bins: usize) -> Option<Histogram> {
    let finite = || values.iter().copied().filter(|x| x.is_finite());
    let lo = finite().reduce(f64::min)?;
    let hi = finite().reduce(f64::max)?;
    let (lo, hi) = if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    };
    let bins = bins.max(1);
    let width = (hi - lo) / bins as f64;
    let mut edges: Vec<f64> = (0..bins).map(|i| lo + i as f64 * width).collect();
    edges.push(hi);
    let mut counts = vec![0u64; bins];
    for x in finite() {
        let i = (((x - lo) / width) as usize).min(bins - 1);
        // Guard against rounding putting x just outside its edges.
        let i = if x < edges[i] {
            i.saturating_sub(1)
        } else if i + 1 < bins && x >= edges[i + 1] {
            i + 1
        } else {
            i
        };
        counts[i] += 1;
    }
    Some(Histogram { edges, counts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_matches_numpy() {
        let x = [1.0, 2.0, 3.0, 4.0];
        // numpy.quantile([1,2,3,4], [0, .25, .5, .9, 1]) = [1, 1.75, 2.5, 3.7, 4]
        assert_eq!(quantile_exact(&x, 0.0), Some(1.0));
        assert_eq!(quantile_exact(&x, 0.25), Some(1.75));
        assert_eq!(quantile_exact(&x, 0.5), Some(2.5));
        assert!((quantile_exact(&x, 0.9).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(quantile_exact(&x, 1.0), Some(4.0));
        assert_eq!(quantile_exact(&[7.0], 0.3), Some(7.0));
        assert_eq!(quantile_exact(&[], 0.5), None);
        assert_eq!(quantile_exact(&x, 1.1), None);
        assert_eq!(quantile_exact(&x, f64::NAN), None);
        // numpy.quantile([-5, 0, 10], 0.75) = 5
        assert_eq!(quantile_exact(&[-5.0, 0.0, 10.0], 0.75), Some(5.0));
    }

    #[test]
    fn fd_bins() {
        // 8 points 0..8: IQR = 5.25 - 1.75 = 3.5, width = 2·3.5/2 = 3.5, range 7 -> 2 bins.
        let v: Vec<f64> = (0..8).map(f64::from).collect();
        assert_eq!(freedman_diaconis_bins(&v), 2);
        // Cubes of 0..125: IQR = 93³ − 31³ = 774566, width = 309826.4, range 124³ -> 6.15 -> 7.
        let c: Vec<f64> = (0..125).rev().map(|i| f64::from(i * i * i)).collect();
        assert_eq!(freedman_diaconis_bins(&c), 7);
        assert_eq!(freedman_diaconis_bins(&[]), 1);
        assert_eq!(freedman_diaconis_bins(&[3.0; 50]), 1);
        assert_eq!(freedman_diaconis_bins(&[f64::NAN, 1.0]), 1);
        // IQR 0 but range > 0: Sturges, ⌈log2 100⌉ + 1 = 8.
        let mut w = vec![5.0; 98];
        w.push(0.0);
        w.push(10.0);
        assert_eq!(freedman_diaconis_bins(&w), 8);
        // Heavy outlier: clamped to 60.
        let mut o: Vec<f64> = (0..100).map(f64::from).collect();
        o.push(1e9);
        assert_eq!(freedman_diaconis_bins(&o), 60);
    }

    #[test]
    fn histogram_counts() {
        let h = histogram(&[0.0, 1.0, 2.0, 3.0, 4.0, f64::NAN], 4).unwrap();
        assert_eq!(h.edges, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(h.counts, vec![1, 1, 1, 2]);
        let c = histogram(&[2.0, 2.0], 3).unwrap();
        assert_eq!(c.counts.iter().sum::<u64>(), 2);
        assert_eq!(c.edges.first(), Some(&1.5));
        assert_eq!(histogram(&[f64::NAN], 3), None);
        let v: Vec<f64> = (0..997).map(|i| (i as f64 * 0.37).sin()).collect();
        let h = histogram(&v, 13).unwrap();
        assert_eq!(h.counts.iter().sum::<u64>(), 997);
        for (i, &x) in v.iter().enumerate() {
            let b = h.edges.windows(2).position(|e| x >= e[0] && x < e[1]);
            let b = b.unwrap_or(12);
            assert!(h.counts[b] > 0, "value {i}");
        }
    }
}
