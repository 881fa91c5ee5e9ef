//! Words of estimative probability from ICD 203 (Analytic Standards), used to
//! state a probability in the report's prose.

/// The ICD 203 likelihood term for probability `p`.
///
/// | term                 | range            |
/// |----------------------|------------------|
/// | almost no chance     | `p < 0.05`       |
/// | very unlikely        | `0.05 ≤ p < 0.20`|
/// | unlikely             | `0.20 ≤ p < 0.45`|
/// | roughly even chance  | `0.45 ≤ p ≤ 0.55`|
/// | likely               | `0.55 < p ≤ 0.80`|
/// | very likely          | `0.80 < p ≤ 0.95`|
/// | almost certain       | `p > 0.95`       |
///
/// Boundary convention: ICD 203 lists shared endpoints; here a boundary value
/// belongs to the **less extreme** term (the one closer to "roughly even
/// chance"), so the scale is symmetric: `p` and `1 − p` get mirror terms when
/// both are exact. Values below 0 or above 1 are treated as 0 and 1; NaN
/// gives `"unknown"`.
pub fn icd203_words(p: f64) -> &'static str {
    if p.is_nan() {
        "unknown"
    } else if p < 0.05 {
        "almost no chance"
    } else if p < 0.20 {
        "very unlikely"
    } else if p < 0.45 {
        "unlikely"
    } else if p <= 0.55 {
        "roughly even chance"
    } else if p <= 0.80 {
        "likely"
    } else if p <= 0.95 {
        "very likely"
    } else {
        "almost certain"
    }
}

/// The ICD 203 terms a 95% interval `[lo, hi]` covers: one term when both ends fall in it, else
/// `"<term of lo> to <term of hi>"` (`"likely to very likely"`), so a reader sees when the estimate
/// cannot be put in one term.
pub fn icd203_span(lo: f64, hi: f64) -> String {
    let (a, b) = (icd203_words(lo), icd203_words(hi));
    if a == b {
        a.to_string()
    } else {
        format!("{a} to {b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_across_a_boundary_names_both_terms() {
        // 563 of 1000: 53.2%–59.3%, across the 55% boundary.
        assert_eq!(icd203_span(0.532, 0.593), "roughly even chance to likely");
        assert_eq!(icd203_span(0.60, 0.66), "likely");
        assert_eq!(icd203_span(0.0, 0.3), "almost no chance to unlikely");
    }

    #[test]
    fn boundaries() {
        let cases = [
            (-0.1, "almost no chance"),
            (0.0, "almost no chance"),
            (0.049_999, "almost no chance"),
            (0.05, "very unlikely"),
            (0.199_999, "very unlikely"),
            (0.20, "unlikely"),
            (0.449_999, "unlikely"),
            (0.45, "roughly even chance"),
            (0.5, "roughly even chance"),
            (0.55, "roughly even chance"),
            (0.550_001, "likely"),
            (0.80, "likely"),
            (0.800_001, "very likely"),
            (0.95, "very likely"),
            (0.950_001, "almost certain"),
            (1.0, "almost certain"),
            (1.5, "almost certain"),
            (f64::NAN, "unknown"),
        ];
        for (p, want) in cases {
            assert_eq!(icd203_words(p), want, "p = {p}");
        }
    }

    #[test]
    fn symmetric_scale() {
        let mirror = |w: &str| match w {
            "almost no chance" => "almost certain",
            "very unlikely" => "very likely",
            "unlikely" => "likely",
            "roughly even chance" => "roughly even chance",
            "likely" => "unlikely",
            "very likely" => "very unlikely",
            "almost certain" => "almost no chance",
            _ => unreachable!(),
        };
        // Multiples of 1/1000 whose mirrors are exact in f64 terms (k and 1000 − k).
        for k in 0..=1000 {
            let p = k as f64 / 1000.0;
            let q = (1000 - k) as f64 / 1000.0;
            assert_eq!(icd203_words(q), mirror(icd203_words(p)), "p = {p}");
        }
    }
}
