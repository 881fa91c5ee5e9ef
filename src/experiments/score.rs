//! Forecast verification, pure (the numerical core of `crossroads score`): proper scores of a
//! forecast against what happened, and the diagnostics of calibration.
//!
//! - Binary events: the Brier score `(p − y)²` (Brier 1950, Mon. Weather Rev. 78(1)) and the
//!   logarithmic score `−ln p_y` (Good 1952), both negatively oriented (smaller is better), and the
//!   bins of a reliability diagram (forecast probability against observed frequency; Murphy & Winkler
//!   1977, Appl. Stat. 26(1)).
//! - Numeric quantities: the continuous ranked probability score. From an ensemble (a run folder's
//!   runs) in its energy form `CRPS = E|X − y| − ½ E|X − X'|` over the empirical distribution
//!   (Gneiting & Raftery 2007, JASA 102(477), eq. 21), computed exactly from the sorted members; from
//!   quantiles (a series' quantile sketch) as `2 ∫₀¹ ρ_τ(y − F⁻¹(τ)) dτ`, the quantile-score
//!   representation (Laio & Tamea 2007, HESS 11(4); Gneiting & Ranjan 2011), by the midpoint rule on
//!   `K` levels `τ_k = (k − ½)/K`. The probability integral transform `F(y)` (Dawid 1984; for an
//!   ensemble the mid-rank `(#{x < y} + ½ #{x = y}) / n`), whose histogram over many forecasts is flat
//!   for calibrated forecasts (Gneiting, Balabdaoui & Raftery 2007, JRSS B 69(2)); and whether `y`
//!   fell in the central 50% and 90% bands.

/// Brier score of probability `p` for an event that happened (`y`) or not.
pub fn brier(p: f64, y: bool) -> f64 {
    let o = f64::from(u8::from(y));
    (p - o) * (p - o)
}

/// Logarithmic score `−ln p` if the event happened, `−ln(1 − p)` if not (infinite for a probability
/// 0 given to what happened: callers bound `p` away from 0 and 1).
pub fn log_score(p: f64, y: bool) -> f64 {
    -(if y { p } else { 1.0 - p }).ln()
}

/// CRPS of the empirical distribution of `xs` at `y` (energy form; exact). NaN for no members.
pub fn crps_ensemble(xs: &[f64], y: f64) -> f64 {
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let nf = n as f64;
    let e_xy = s.iter().map(|x| (x - y).abs()).sum::<f64>() / nf;
    // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n + 1) x_(i), i from 0.
    let pairs: f64 = s
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * i as f64 - nf + 1.0) * x)
        .sum::<f64>()
        * 2.0;
    e_xy - 0.5 * pairs / (nf * nf)
}

/// The pinball (quantile) loss `ρ_τ(u) = u (τ − 1[u < 0])` of quantile `q` at level `tau` for `y`.
pub fn pinball(tau: f64, q: f64, y: f64) -> f64 {
    let u = y - q;
    u * (tau - if u < 0.0 { 1.0 } else { 0.0 })
}

/// The levels `(k − ½)/K`, `k = 1..=K`.
pub fn midpoint_levels(k: usize) -> Vec<f64> {
    (1..=k).map(|i| (i as f64 - 0.5) / k as f64).collect()
}

/// CRPS from the quantile function `q(τ)` on the midpoint levels of [`midpoint_levels`]`(k)`:
/// `(2/K) Σ_k ρ_{τ_k}(y − q(τ_k))`.
pub fn crps_quantiles(q: &dyn Fn(f64) -> f64, k: usize, y: f64) -> f64 {
    let levels = midpoint_levels(k);
    2.0 * levels.iter().map(|&t| pinball(t, q(t), y)).sum::<f64>() / k as f64
}

/// CRPS of Normal(`mu`, `sd`) at `y`, closed form: `sd [z (2Φ(z) − 1) + 2φ(z) − 1/√π]` with
/// `z = (y − mu)/sd` (Gneiting, Raftery, Westveld & Goldman 2005, Mon. Weather Rev. 133(5), eq. 5).
pub fn crps_normal(mu: f64, sd: f64, y: f64) -> f64 {
    if sd <= 0.0 {
        return (y - mu).abs();
    }
    let z = (y - mu) / sd;
    let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    sd * (z * (2.0 * crate::portable::math::norm_cdf(z) - 1.0) + 2.0 * pdf
        - 1.0 / std::f64::consts::PI.sqrt())
}

/// Mid-rank PIT of `y` in the ensemble `xs`: `(#{x < y} + ½ #{x = y}) / n`.
pub fn pit_ensemble(xs: &[f64], y: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let below = xs.iter().filter(|x| **x < y).count() as f64;
    let tie = xs.iter().filter(|x| **x == y).count() as f64;
    (below + 0.5 * tie) / xs.len() as f64
}

/// PIT from a non-decreasing quantile function `q` on [0, 1]: the middle of the levels where
/// `q(τ) = y`, i.e. `(sup{τ: q(τ) < y} + sup{τ: q(τ) ≤ y}) / 2` (one point where `q` is strictly
/// increasing; the middle of an atom), each by bisection (60 halvings).
pub fn pit_quantiles(q: &dyn Fn(f64) -> f64, y: f64) -> f64 {
    let sup = |le: bool| {
        let holds = |t: f64| if le { q(t) <= y } else { q(t) < y };
        if !holds(0.0) {
            return 0.0;
        }
        if holds(1.0) {
            return 1.0;
        }
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if holds(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    };
    0.5 * (sup(false) + sup(true))
}

/// The empirical quantile of sorted `s` at `tau` (linear interpolation between order statistics,
/// Hyndman & Fan 1996 type 7).
pub fn quantile_sorted(s: &[f64], tau: f64) -> f64 {
    if s.is_empty() {
        return f64::NAN;
    }
    let h = (s.len() - 1) as f64 * tau.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

/// Whether `y` lies in the central band of coverage `c` of the quantile function `q`:
/// `q((1 − c)/2) ≤ y ≤ q((1 + c)/2)`.
pub fn covered(q: &dyn Fn(f64) -> f64, c: f64, y: f64) -> bool {
    q(0.5 * (1.0 - c)) <= y && y <= q(0.5 * (1.0 + c))
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct ReliabilityBin {
    /// The bin's forecast range `[lo, hi)` (the last bin includes 1).
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// Mean forecast probability in the bin (NaN when empty).
    pub mean_forecast: f64,
    /// Share of the bin's events that happened (NaN when empty).
    pub observed: f64,
}

/// Reliability diagram: `(p, y)` pairs in `bins` equal-width bins of the forecast probability.
pub fn reliability(pairs: &[(f64, bool)], bins: usize) -> Vec<ReliabilityBin> {
    let b = bins.max(1);
    let mut sum_p = vec![0.0; b];
    let mut hits = vec![0usize; b];
    let mut count = vec![0usize; b];
    for &(p, y) in pairs {
        let k = ((p * b as f64).floor() as usize).min(b - 1);
        sum_p[k] += p;
        hits[k] += usize::from(y);
        count[k] += 1;
    }
    (0..b)
        .map(|k| ReliabilityBin {
            lo: k as f64 / b as f64,
            hi: (k + 1) as f64 / b as f64,
            count: count[k],
            mean_forecast: if count[k] > 0 {
                sum_p[k] / count[k] as f64
            } else {
                f64::NAN
            },
            observed: if count[k] > 0 {
                hits[k] as f64 / count[k] as f64
            } else {
                f64::NAN
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn brier_and_log_by_hand() {
        // (0.7 − 1)² = 0.09; (0.7 − 0)² = 0.49.
        assert!(close(brier(0.7, true), 0.09));
        assert!(close(brier(0.7, false), 0.49));
        // −ln 0.8 = 0.2231435513; −ln(1 − 0.8) = 1.6094379124.
        assert!((log_score(0.8, true) - 0.223_143_551_3).abs() < 1e-9);
        assert!((log_score(0.8, false) - 1.609_437_912_4).abs() < 1e-9);
    }

    #[test]
    fn crps_ensemble_by_hand() {
        // Members 1, 2, 4 at y = 3: E|X − y| = (2 + 1 + 1)/3 = 4/3; the 9 ordered pairs' |x − x'|
        // sum to 2 (1 + 3 + 2) = 12, so ½ E|X − X'| = 6/9 = 2/3; CRPS = 4/3 − 2/3 = 2/3.
        assert!(close(crps_ensemble(&[4.0, 1.0, 2.0], 3.0), 2.0 / 3.0));
        // One member: the absolute error.
        assert!(close(crps_ensemble(&[2.5], 1.0), 1.5));
        // Direct double sum agrees on a less regular ensemble.
        let xs: [f64; 5] = [0.3, -1.2, 2.2, 0.3, 5.0];
        let y: f64 = 0.7;
        let n = xs.len() as f64;
        let a: f64 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
        let b: f64 = xs
            .iter()
            .flat_map(|x| xs.iter().map(move |z| (x - z).abs()))
            .sum::<f64>()
            / (n * n);
        assert!((crps_ensemble(&xs, y) - (a - 0.5 * b)).abs() < 1e-12);
    }

    #[test]
    fn crps_from_quantiles_by_hand() {
        // U(0, 1), y = 0.5, K = 4: levels 0.125, 0.375, 0.625, 0.875 with q(τ) = τ; each pinball loss is
        // 0.375 · 0.125 = 0.046875 (u = 0.375 at τ = 0.125; u = 0.125 at 0.375; u = −0.125 at 0.625:
        // 0.125 · 0.375; u = −0.375 at 0.875: 0.375 · 0.125); CRPS ≈ 2 · 0.046875 = 0.09375.
        let q = |t: f64| t;
        assert!(close(crps_quantiles(&q, 4, 0.5), 0.09375));
        // Exact: ∫₀^½ x² dx + ∫_½¹ (1 − x)² dx = 2 · (1/24) = 1/12; the midpoint rule converges to it.
        assert!((crps_quantiles(&q, 2000, 0.5) - 1.0 / 12.0).abs() < 1e-6);
    }

    #[test]
    fn crps_normal_by_hand() {
        // N(0, 1) at 0: 2φ(0) − 1/√π = 0.7978845608 − 0.5641895835 = 0.2336949773.
        assert!((crps_normal(0.0, 1.0, 0.0) - 0.233_694_977_3).abs() < 1e-7);
        // Scale and shift: N(2, 3) at 2 is 3 times that.
        assert!((crps_normal(2.0, 3.0, 2.0) - 3.0 * 0.233_694_977_3).abs() < 1e-6);
        // Agrees with the quantile form on a fine grid (the quantile form's own check above).
        let q = |t: f64| crate::portable::math::norm_ppf(t.clamp(1e-12, 1.0 - 1e-12));
        assert!((crps_quantiles(&q, 20000, 0.7) - crps_normal(0.0, 1.0, 0.7)).abs() < 1e-4);
    }

    #[test]
    fn pit_and_coverage_by_hand() {
        // 1, 2, 3, 3, 5 at y = 3: two below, two tied: (2 + 1)/5 = 0.6.
        assert!(close(pit_ensemble(&[1.0, 2.0, 3.0, 3.0, 5.0], 3.0), 0.6));
        // Quantile function of U(2, 6): 2 + 4τ; y = 3 is at τ = 0.25.
        let q = |t: f64| 2.0 + 4.0 * t;
        assert!((pit_quantiles(&q, 3.0) - 0.25).abs() < 1e-12);
        assert_eq!(pit_quantiles(&q, 1.0), 0.0);
        assert_eq!(pit_quantiles(&q, 7.0), 1.0);
        // An atom: q = 0 on [0, 0.4], then rising; y = 0 has PIT 0.2 (middle of the atom).
        let a = |t: f64| if t <= 0.4 { 0.0 } else { t - 0.4 };
        assert!((pit_quantiles(&a, 0.0) - 0.2).abs() < 1e-9);
        // 50% band of U(2, 6) is [3, 5]; 90% band [2.2, 5.8].
        assert!(covered(&q, 0.5, 3.5) && !covered(&q, 0.5, 5.5) && covered(&q, 0.9, 5.5));
        assert!(close(quantile_sorted(&[1.0, 2.0, 4.0], 0.75), 3.0));
    }

    #[test]
    fn reliability_bins_by_hand() {
        let b = reliability(
            &[(0.05, false), (0.15, true), (0.12, false), (0.95, true)],
            10,
        );
        assert_eq!(b.len(), 10);
        assert_eq!((b[0].count, b[1].count, b[9].count), (1, 2, 1));
        // Bin 1: mean forecast (0.15 + 0.12)/2 = 0.135; one of two happened.
        assert!(close(b[1].mean_forecast, 0.135) && close(b[1].observed, 0.5));
        assert!(b[5].mean_forecast.is_nan());
        // p = 1 falls in the last bin.
        assert_eq!(reliability(&[(1.0, true)], 10)[9].count, 1);
    }
}
