//! Exactly mergeable first and second moments ([`Moments`]): count, mean and
//! sample standard deviation built on [`ExactSum`].

use serde::{Deserialize, Serialize};

use super::exact::{
    ExactSum, FRAC_BITS, LIMBS, mul_small_shifted, mul_wide, pow2, sub_assign, to_f64_scaled,
};

/// Values with `|x| >= 2^96` (≈ 7.9e28) are rejected by [`Moments::add`] so
/// that `x²` stays inside [`ExactSum`]'s range.
pub const MOMENTS_MAX_ABS: f64 = pow2(96);

/// Count, sum and sum of squares of a stream of values, merged exactly.
///
/// `sum_sq` receives `x²` as an exact two-term split (`x*x` plus its
/// rounding error, by Dekker's product), so both sums are exact for `|x| >= 2^-10` (below that only
/// [`ExactSum`]'s 2^-128 truncation applies). [`sd`](Self::sd) evaluates
/// `n·Σx² − (Σx)²` in exact 768-bit integer arithmetic, so there is no
/// catastrophic cancellation even when the mean is huge relative to the
/// spread, and constant data gives exactly 0.
///
/// Non-finite values and values with `|x| >= 2^96` are counted in
/// [`rejected`](Self::rejected) and otherwise ignored; `n` counts only
/// accepted values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Moments {
    /// Number of accepted values.
    pub n: u64,
    /// Exact sum of accepted values.
    pub sum: ExactSum,
    /// Exact sum of squares of accepted values.
    pub sum_sq: ExactSum,
    /// Number of non-finite or out-of-range values that were skipped.
    pub rejected: u64,
}

impl Moments {
    /// Empty moments.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x.is_nan() || x.abs() >= MOMENTS_MAX_ABS {
            self.rejected += 1;
            return;
        }
        self.n += 1;
        self.sum.add(x);
        let (hi, lo) = two_square(x);
        self.sum_sq.add(hi);
        self.sum_sq.add(lo);
    }

    /// Adds all of `other`'s values (exact).
    pub fn merge(&mut self, other: &Self) {
        self.n += other.n;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
        self.rejected += other.rejected;
    }

    /// Mean of the accepted values; `None` when there are none.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum.value() / self.n as f64)
    }

    /// Sample variance (divisor `n − 1`); 0 when `n < 2`.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let (a_neg, a) = self.sum.signed_limbs();
        let _ = a_neg; // (Σx)² does not depend on the sign.
        let (b_neg, b) = self.sum_sq.signed_limbs();
        if b_neg {
            return 0.0;
        }
        // n·Σx² − (Σx)² = (n·B·2^F − A²)·2^-2F with A, B the fixed-point limbs
        // (F = FRAC_BITS = 128 = two limbs).
        let mut d: [u64; 2 * LIMBS] = mul_small_shifted(&b, self.n, (FRAC_BITS / 64) as usize);
        let a2: [u64; 2 * LIMBS] = mul_wide(&a, &a);
        if sub_assign(&mut d, &a2) {
            // Negative only through per-value truncation of tiny values.
            return 0.0;
        }
        let nn = self.n as f64 * (self.n - 1) as f64;
        to_f64_scaled(&d, -2 * FRAC_BITS) / nn
    }

    /// Sample standard deviation (divisor `n − 1`); 0 when `n < 2`.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }
}

/// Dekker's exact product for `x·x`: returns `(hi, lo)` with `hi = fl(x·x)`
/// and `hi + lo = x²` exactly (for `|x| < 2^96`, barring underflow far below
/// `ExactSum`'s resolution). Uses only `+ − ×`, so it needs no (possibly
/// software-emulated) fma and gives the same bits everywhere.
#[inline]
fn two_square(x: f64) -> (f64, f64) {
    const SPLIT: f64 = 134_217_729.0; // 2^27 + 1
    let hi = x * x;
    let c = SPLIT * x;
    let xh = c - (c - x);
    let xl = x - xh;
    let lo = ((xh * xh - hi) + 2.0 * xh * xl) + xl * xl;
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn moments_of(xs: &[f64]) -> Moments {
        let mut m = Moments::new();
        for &x in xs {
            m.add(x);
        }
        m
    }

    /// Two-pass reference computation.
    fn direct(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        (mean, (ss / (n - 1.0)).sqrt())
    }

    #[test]
    fn small_known_values() {
        let m = moments_of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(m.n, 8);
        assert_eq!(m.mean(), Some(5.0));
        // Population sd is 2; sample variance is 32/7.
        assert!((m.variance() - 32.0 / 7.0).abs() < 1e-15);
        assert!((m.sd() - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn degenerate_counts() {
        assert_eq!(Moments::new().mean(), None);
        assert_eq!(Moments::new().sd(), 0.0);
        let one = moments_of(&[3.5]);
        assert_eq!(one.mean(), Some(3.5));
        assert_eq!(one.sd(), 0.0);
        let constant = moments_of(&[0.1; 1000]);
        assert_eq!(constant.sd(), 0.0);
    }

    #[test]
    fn rejects_non_finite_and_huge() {
        let m = moments_of(&[1.0, f64::NAN, 3.0, f64::INFINITY, 1e30, -1e29]);
        assert_eq!(m.n, 2);
        assert_eq!(m.rejected, 4);
        assert_eq!(m.mean(), Some(2.0));
        assert!((m.sd() - 2f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn matches_direct_computation_on_random_data() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for &(loc, scale) in &[(0.0, 1.0), (-50.0, 3.0), (1e3, 1e-2), (0.0, 1e8)] {
            let xs: Vec<f64> = (0..10_000)
                .map(|_| loc + scale * (rng.random::<f64>() * 2.0 - 1.0))
                .collect();
            let m = moments_of(&xs);
            let (mean, sd) = direct(&xs);
            let got_mean = m.mean().unwrap();
            assert!(
                (got_mean - mean).abs() <= 1e-12 * (mean.abs() + scale),
                "{got_mean} vs {mean}"
            );
            assert!((m.sd() - sd).abs() <= 1e-10 * sd, "{} vs {sd}", m.sd());
        }
    }

    #[test]
    fn no_cancellation_with_large_offset() {
        // mean 1e9, sd ~1: the textbook one-pass formula in f64 loses all digits.
        let xs: Vec<f64> = (0..1000).map(|i| 1e9 + (i % 7) as f64).collect();
        let (mean, sd) = direct(&xs);
        let m = moments_of(&xs);
        assert_eq!(m.mean().unwrap(), mean);
        assert!((m.sd() - sd).abs() <= 1e-12 * sd, "{} vs {sd}", m.sd());
    }

    proptest! {
        #[test]
        fn two_square_matches_fma(x in -1e28f64..1e28) {
            let (hi, lo) = two_square(x);
            prop_assert_eq!(hi.to_bits(), (x * x).to_bits());
            prop_assert_eq!(lo.to_bits(), x.mul_add(x, -hi).to_bits());
        }

        #[test]
        fn merge_equals_whole(
            xs in prop::collection::vec(-1e12f64..1e12, 0..100),
            cut in any::<prop::sample::Index>(),
        ) {
            let k = cut.index(xs.len() + 1);
            let mut a = moments_of(&xs[..k]);
            let b = moments_of(&xs[k..]);
            a.merge(&b);
            let whole = moments_of(&xs);
            prop_assert_eq!(&a, &whole);
            prop_assert_eq!(a.sd().to_bits(), whole.sd().to_bits());
        }
    }
}
