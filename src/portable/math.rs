//! Portable mathematical functions (see the module [`super`] for why they are portable): the
//! natural logarithm, the exponential, the standard normal CDF and quantile, log-gamma, the beta
//! density, the regularised incomplete beta function and its inverse.

use std::f64::consts::{PI, SQRT_2};

/// Natural logarithm with only IEEE basic operations and bit manipulation, so it gives the same
/// bits on every platform (the platform `ln` may differ in the last ulp). Accuracy: a few ulp.
/// `ln(0) = −inf`, `ln(+inf) = +inf`, negative or NaN gives NaN; subnormals are scaled into the
/// normal range first.
///
/// Method: `x = 2^e m` with `m` in `[sqrt(1/2), sqrt(2))`; `ln m = 2 atanh(s)` with
/// `s = (m − 1)/(m + 1)`, `|s| ≤ 0.1716`, summed as the odd series `2s(1 + s²/3 + … + s²⁰/21)`
/// (the omitted terms are below 1e-18 relative); `e ln 2` with `ln 2` split into a high part
/// with trailing zeros (so `e × hi` is exact) and a low correction.
///
/// This is the project's one logarithm: the quantile sketch's bucket keys (`stats::sketch`) and
/// every sampler use it.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    let (mut x, mut e) = (x, 0i32);
    if x < f64::MIN_POSITIVE {
        x *= (1u64 << 54) as f64; // subnormal: scale into the normal range (exact)
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i32 - 1023;
    // Mantissa in [1, 2).
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    // Horner from the innermost term: 1 + s²(1/3 + s²(1/5 + ... + s²(1/19 + s²/21))).
    const C: [f64; 10] = [
        1.0 / 3.0,
        1.0 / 5.0,
        1.0 / 7.0,
        1.0 / 9.0,
        1.0 / 11.0,
        1.0 / 13.0,
        1.0 / 15.0,
        1.0 / 17.0,
        1.0 / 19.0,
        1.0 / 21.0,
    ];
    let mut q = C[9];
    for &c in C[..9].iter().rev() {
        q = c + s2 * q;
    }
    let p = 1.0 + s2 * q;
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    let ef = f64::from(e);
    ef * LN2_HI + (ef * LN2_LO + 2.0 * s * p)
}

/// `e^x` (pure-Rust `libm`, pinned; < 1 ulp).
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// `ln(1 + x)`, accurate for small `x` (pure-Rust `libm`, pinned).
#[inline]
pub fn ln_1p(x: f64) -> f64 {
    libm::log1p(x)
}

/// `ln Γ(x)` for `x > 0` (pure-Rust `libm`'s `lgamma`, pinned).
#[inline]
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// The complementary error function (pure-Rust `libm`, pinned; < 1 ulp, also far in the tail).
#[inline]
pub fn erfc(x: f64) -> f64 {
    libm::erfc(x)
}

/// Standard normal CDF `Φ(x)`, accurate in the lower tail (`Φ(−37) ≈ 6e-300`).
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

/// Standard normal upper tail `1 − Φ(x) = Φ(−x)`, accurate in the upper tail.
pub fn norm_sf(x: f64) -> f64 {
    0.5 * erfc(x / SQRT_2)
}

/// Standard normal density.
pub fn norm_pdf(x: f64) -> f64 {
    exp(-0.5 * x * x) / (2.0 * PI).sqrt()
}

/// Standard normal quantile `Φ⁻¹(p)`: Acklam's rational approximation (relative error < 1.2e-9)
/// refined by one Halley step on [`norm_cdf`] (Acklam 2003), which brings it to about full double
/// precision. `p ≤ 0` gives `−inf`, `p ≥ 1` `+inf`, NaN gives NaN. Computed in the lower half and
/// mirrored (`Φ⁻¹(p) = −Φ⁻¹(1 − p)`), so the lower tail keeps its relative accuracy.
pub fn norm_ppf(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -norm_ppf_lower(1.0 - p);
    }
    norm_ppf_lower(p)
}

/// [`norm_ppf`] for `0 < p ≤ 0.5`.
fn norm_ppf_lower(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let x = if p < LOW {
        let q = (-2.0 * ln(p)).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step: e = Φ(x) − p, u = e / φ(x).
    let e = norm_cdf(x) - p;
    let u = e * (2.0 * PI).sqrt() * exp(0.5 * x * x);
    x - u / (1.0 + 0.5 * x * u)
}

/// `ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b)`.
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Beta(`a`, `b`) density at `x` in `[0, 1]` (0 outside; at an end where it is unbounded, `+inf`).
pub fn beta_pdf(a: f64, b: f64, x: f64) -> f64 {
    if !(0.0..=1.0).contains(&x) {
        return 0.0;
    }
    let lx = if x == 0.0 {
        if a == 1.0 {
            0.0
        } else {
            return if a < 1.0 { f64::INFINITY } else { 0.0 };
        }
    } else {
        (a - 1.0) * ln(x)
    };
    let l1x = if x == 1.0 {
        if b == 1.0 {
            0.0
        } else {
            return if b < 1.0 { f64::INFINITY } else { 0.0 };
        }
    } else {
        (b - 1.0) * ln_1p(-x)
    };
    exp(lx + l1x - ln_beta(a, b))
}

/// Continued fraction of the incomplete beta function (modified Lentz; Press et al., Numerical
/// Recipes, 3rd ed., §6.4 `betacf`), to relative 1e-15 or 300 terms.
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// The regularised incomplete beta function `I_x(a, b)` (the Beta(`a`, `b`) CDF at `x`), `a, b > 0`:
/// the continued fraction on the side where it converges fast (`x < (a+1)/(a+b+2)`, else through
/// `1 − I_{1−x}(b, a)`).
pub fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = exp(a * ln(x) + b * ln_1p(-x) - ln_beta(a, b));
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// The Beta(`a`, `b`) quantile: the `x` in `[0, 1]` with `I_x(a, b) = u` (`u` clamped to `[0, 1]`).
/// Safeguarded Newton on [`beta_inc`] inside a bracket that bisection keeps valid, to an absolute
/// `1e-14` in `x` (at most 200 steps).
pub fn beta_ppf(a: f64, b: f64, u: f64) -> f64 {
    let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
    if u == 0.0 {
        return 0.0;
    }
    if u == 1.0 {
        return 1.0;
    }
    solve_increasing(
        |x| beta_inc(a, b, x) - u,
        |x| beta_pdf(a, b, x),
        0.0,
        1.0,
        a / (a + b),
    )
}

/// The root of an increasing `f` in `[lo, hi]` (with `f(lo) ≤ 0 ≤ f(hi)`), by Newton steps with the
/// derivative `df` from `start`, falling back to bisection whenever a step leaves the bracket or the
/// derivative is not positive and finite; stops when the bracket or the step is below `1e-14`, or
/// after 200 steps. Deterministic (same operations in the same order everywhere).
pub fn solve_increasing(
    f: impl Fn(f64) -> f64,
    df: impl Fn(f64) -> f64,
    mut lo: f64,
    mut hi: f64,
    start: f64,
) -> f64 {
    const TOL: f64 = 1e-14;
    let mut x = start.clamp(lo, hi);
    for _ in 0..200 {
        let fx = f(x);
        if fx == 0.0 {
            return x;
        }
        if fx < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        if hi - lo <= TOL {
            break;
        }
        let d = df(x);
        let newton = x - fx / d;
        let next = if d > 0.0 && d.is_finite() && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= TOL {
            return next;
        }
        x = next;
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn ln_matches_std_within_a_few_ulp() {
        let mut s = 0x1234_5678u64;
        for _ in 0..100_000 {
            let bits = crate::portable::sample::splitmix64_for_tests(&mut s);
            // positive finite doubles over the whole exponent range
            let x = f64::from_bits(bits >> 1);
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            let (a, b) = (ln(x), x.ln());
            assert!(
                (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1.0),
                "{x}: {a} {b}"
            );
        }
        for x in [1.0, 2.0, 0.5, 1e-300, 5e-324, 1e300, std::f64::consts::E] {
            let (a, b) = (ln(x), x.ln());
            assert!(
                (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1.0),
                "{x}: {a} {b}"
            );
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        // pinned bits: the quantile sketch's bucket keys depend on them
        assert_eq!(ln(10.0).to_bits(), 0x4002_6bb1_bbb5_5516);
        assert_eq!(ln(0.3).to_bits(), 0xbff3_4378_fcbd_a721);
    }

    #[test]
    fn normal_cdf_and_quantile_match_tables() {
        // Abramowitz & Stegun 26.2 / standard tables
        assert!(close(norm_cdf(1.0), 0.841_344_746_068_542_9, 1e-15));
        assert!(close(norm_cdf(-1.959_963_984_540_054), 0.025, 1e-15));
        assert!(close(norm_cdf(-5.0) / 2.866_515_718_791_939e-7, 1.0, 1e-13));
        assert!(close(norm_sf(5.0) / 2.866_515_718_791_939e-7, 1.0, 1e-13));
        assert!(close(norm_ppf(0.975), 1.959_963_984_540_054, 1e-14));
        assert!(close(norm_ppf(0.5), 0.0, 1e-15));
        assert!(close(norm_ppf(0.001), -3.090_232_306_167_813_5, 1e-13));
        assert!(close(norm_ppf(1e-10), -6.361_340_902_404_056, 1e-12));
        for p in [
            1e-300,
            1e-20,
            1e-9,
            0.01,
            0.3,
            0.5,
            0.77,
            0.999,
            1.0 - 1e-12,
        ] {
            let x = norm_ppf(p);
            let back = if p < 0.5 {
                norm_cdf(x)
            } else {
                1.0 - norm_sf(x)
            };
            assert!(close(back / p, 1.0, 1e-12), "{p}: {x} {back}");
        }
        assert_eq!(norm_ppf(0.0), f64::NEG_INFINITY);
        assert_eq!(norm_ppf(1.0), f64::INFINITY);
        assert!(close(norm_pdf(0.0), 0.398_942_280_401_432_7, 1e-16));
    }

    #[test]
    fn beta_functions_match_closed_forms() {
        // Beta(2, 1): CDF x², quantile sqrt(u); Beta(1, 1) uniform; Beta(0.5, 0.5) arcsine.
        for x in [0.0, 0.1, 0.37, 0.5, 0.9, 1.0] {
            assert!(close(beta_inc(2.0, 1.0, x), x * x, 1e-14), "{x}");
            assert!(close(beta_inc(1.0, 1.0, x), x, 1e-14));
            let arcsine = 2.0 / PI * x.sqrt().asin();
            assert!(close(beta_inc(0.5, 0.5, x), arcsine, 1e-13), "{x}");
            assert!(close(beta_pdf(2.0, 1.0, x), 2.0 * x, 1e-13));
        }
        for u in [0.01, 0.36, 0.5, 0.99] {
            assert!(close(beta_ppf(2.0, 1.0, u), u.sqrt(), 1e-13), "{u}");
            for (a, b) in [(0.3, 0.7), (2.0, 5.0), (30.0, 2.0), (0.5, 0.5)] {
                let x = beta_ppf(a, b, u);
                assert!(close(beta_inc(a, b, x), u, 1e-12), "{a} {b} {u}: {x}");
            }
        }
        assert!(close(beta_inc(2.0, 3.0, 0.4), 0.5248, 1e-14)); // 1 − (1−x)^4 − 4x(1−x)^3 at 0.4
        assert!(close(ln_gamma(0.5), 0.5 * PI.ln(), 1e-15));
        assert!(close(ln_gamma(10.0), 362_880f64.ln(), 1e-13));
    }
}
