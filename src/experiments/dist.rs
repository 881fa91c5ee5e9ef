//! Inverse cumulative distribution functions: map a unit-cube coordinate `u` in `[0, 1)` onto a
//! scenario distribution ([`Dist`]), so that designs made in the unit cube become parameter values.
//!
//! - Normal: [`crate::portable::math::norm_ppf`] (Acklam's rational approximation refined by one
//!   Halley step on the pinned `erfc`: about full double precision).
//! - TruncNormal: `Φ⁻¹(Φ(a) + u (Φ(b) − Φ(a)))` with `a, b` the standardised bounds (computed in the
//!   upper tail by symmetry when both bounds are above the mean, for accuracy).
//! - Beta: bisection (60 halvings) on the regularised incomplete beta function
//!   ([`crate::portable::math::beta_inc`]: Lentz continued fraction, Numerical Recipes `betacf`).
//! - LogNormal: `exp(μ + σ Φ⁻¹(u))`; Triangular: closed form; Choice: value `floor(u n)`.
//!
//! `u` is clamped into `[1e-12, 1 − 1e-12]` for the unbounded distributions, so no value is infinite.

use crate::portable::math::{beta_inc, norm_cdf, norm_ppf};
use crate::scenario::Dist;

/// The value of `dist` at quantile `u` (`u` in `[0, 1)`).
pub fn inverse_cdf(dist: &Dist, u: f64) -> f64 {
    let u = if u.is_finite() {
        u.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let open = u.clamp(1e-12, 1.0 - 1e-12);
    match *dist {
        Dist::Uniform(lo, hi) => lo + u * (hi - lo),
        Dist::Normal(m, sd) => m + sd * norm_ppf(open),
        Dist::TruncNormal(m, sd, lo, hi) => {
            if sd <= 0.0 || lo >= hi {
                return m.clamp(lo, hi.max(lo));
            }
            let (a, b) = ((lo - m) / sd, (hi - m) / sd);
            let z = if a > 0.0 {
                // Both bounds in the upper tail: work with 1 − Φ for accuracy.
                let (qa, qb) = (norm_cdf(-a), norm_cdf(-b));
                -norm_ppf((qa - u * (qa - qb)).clamp(1e-300, 1.0))
            } else {
                let (pa, pb) = (norm_cdf(a), norm_cdf(b));
                norm_ppf((pa + u * (pb - pa)).clamp(1e-300, 1.0 - 1e-16))
            };
            (m + sd * z).clamp(lo, hi)
        }
        Dist::Beta(a, b) => {
            let (mut lo, mut hi) = (0.0f64, 1.0f64);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if beta_inc(a, b, mid) < u {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            0.5 * (lo + hi)
        }
        Dist::Triangular(lo, mode, hi) => {
            if hi <= lo {
                return lo;
            }
            let f = (mode - lo) / (hi - lo);
            if u < f {
                lo + (u * (hi - lo) * (mode - lo)).sqrt()
            } else {
                hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
            }
        }
        Dist::LogNormal(mu, s) => (mu + s * norm_ppf(open)).exp(),
        Dist::Choice(ref v) => {
            if v.is_empty() {
                return f64::NAN;
            }
            let i = ((u * v.len() as f64).floor() as usize).min(v.len() - 1);
            v[i]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn inverse_cdfs_round_trip() {
        assert_eq!(inverse_cdf(&Dist::Uniform(80.0, 120.0), 0.25), 90.0);
        let t = Dist::Triangular(0.0, 1.0, 4.0);
        // CDF at the mode is (mode - lo) / (hi - lo) = 0.25.
        assert!(close(inverse_cdf(&t, 0.25), 1.0, 1e-12));
        assert!(close(inverse_cdf(&Dist::Beta(2.0, 2.0), 0.5), 0.5, 1e-9));
        // Beta(2, 1): CDF x², so the quantile of u is sqrt(u).
        assert!(close(inverse_cdf(&Dist::Beta(2.0, 1.0), 0.36), 0.6, 1e-9));
        assert!(close(beta_inc(0.5, 0.5, 0.5), 0.5, 1e-12));
        let ln = inverse_cdf(&Dist::LogNormal(1.0, 0.5), 0.5);
        assert!(close(ln, 1f64.exp(), 1e-9));
        let tn = Dist::TruncNormal(0.0, 1.0, -1.0, 1.0);
        assert!(close(inverse_cdf(&tn, 0.5), 0.0, 1e-7));
        assert!(inverse_cdf(&tn, 0.0) >= -1.0 && inverse_cdf(&tn, 0.999_999) <= 1.0);
        let tail = Dist::TruncNormal(0.0, 1.0, 5.0, 6.0);
        let x = inverse_cdf(&tail, 0.5);
        assert!((5.0..5.3).contains(&x), "{x}");
        let c = Dist::Choice(vec![1.0, 2.0, 3.0]);
        assert_eq!(
            [0.0, 0.34, 0.67, 0.999_999].map(|u| inverse_cdf(&c, u)),
            [1.0, 2.0, 3.0, 3.0]
        );
    }
}
