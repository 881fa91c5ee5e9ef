//! Exactly associative summation of `f64` values ([`ExactSum`]) and the
//! small fixed-width integer arithmetic behind it.
//!
//! Plain `f64` running sums depend on the order of additions, so a batch split
//! into shards and merged would not reproduce the bits of the whole batch.
//! [`ExactSum`] instead converts every value to a 384-bit two's-complement
//! fixed-point integer with resolution 2^-128 and adds integers, which is exactly
//! associative and commutative: any order, any partition, any merge tree gives
//! the same state, bit for bit.

use serde::{Deserialize, Serialize};

/// Number of 64-bit limbs of the accumulator (384 bits).
pub const LIMBS: usize = 6;

/// Number of fractional bits of the fixed-point representation (resolution 2^-128).
pub const FRAC_BITS: i32 = 128;

/// Values with `|x| >= 2^MAX_VALUE_EXP` are rejected by [`ExactSum::add`].
pub const MAX_VALUE_EXP: i32 = 192;

/// An exact, order-independent accumulator of `f64` values.
///
/// * **Resolution**: each added value is truncated toward zero to a multiple of
///   2^-128 (≈ 2.9e-39); values with `|x| < 2^-128` contribute nothing. Any
///   `f64` with `|x| >= 2^-75` is represented exactly (its last mantissa bit is
///   at or above 2^-128). This per-value truncation is the only rounding before
///   [`value`](Self::value).
/// * **Range**: a single value must satisfy `|x| < 2^192` (≈ 6.3e57); larger
///   finite values are counted in [`out_of_range`](Self::out_of_range) and not
///   added. The running total is held in 384 bits (255 integer bits), so 2^63
///   maximal values can be added before the total could wrap. Wrapping
///   arithmetic is used, so even then merging stays exact; only `value()`
///   would be meaningless.
/// * **Non-finite** inputs (NaN, ±inf) are counted in
///   [`non_finite`](Self::non_finite) and never added.
///
/// `value()` rounds the exact total to the nearest `f64` (ties to even).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExactSum {
    /// Little-endian 64-bit limbs of the two's-complement total, in units of 2^-128.
    limbs: [u64; LIMBS],
    /// Number of values accepted (finite and in range), including those that
    /// truncate to zero.
    n: u64,
    non_finite: u64,
    out_of_range: u64,
}

impl ExactSum {
    /// An empty sum (value 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `x` exactly (after truncation to the 2^-128 grid). Non-finite and
    /// out-of-range values are counted and skipped.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.non_finite += 1;
            return;
        }
        if x.abs() >= MAX_VALUE {
            self.out_of_range += 1;
            return;
        }
        self.n += 1;
        let (neg, mag) = to_fixed(x);
        if neg {
            sub_assign(&mut self.limbs, &mag);
        } else {
            add_assign(&mut self.limbs, &mag);
        }
    }

    /// Adds all of `other`'s values. Exact: the result is identical to having
    /// added `other`'s values to `self` directly, in any order.
    pub fn merge(&mut self, other: &Self) {
        add_assign(&mut self.limbs, &other.limbs);
        self.n += other.n;
        self.non_finite += other.non_finite;
        self.out_of_range += other.out_of_range;
    }

    /// The exact total rounded to the nearest `f64` (ties to even).
    pub fn value(&self) -> f64 {
        let (neg, mag) = signed_magnitude(&self.limbs);
        let v = to_f64_scaled(&mag, -FRAC_BITS);
        if neg { -v } else { v }
    }

    /// Number of accepted values (finite, `|x| < 2^192`).
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Number of non-finite inputs (NaN, ±inf) that were skipped.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// Number of finite inputs with `|x| >= 2^192` that were skipped.
    pub fn out_of_range(&self) -> u64 {
        self.out_of_range
    }

    /// The raw total: `(negative, magnitude limbs)` in units of 2^-128.
    pub(crate) fn signed_limbs(&self) -> (bool, [u64; LIMBS]) {
        signed_magnitude(&self.limbs)
    }
}

/// 2^192 as an `f64`.
const MAX_VALUE: f64 = pow2(MAX_VALUE_EXP);

/// `2^e` for `e` in the normal range `[-1022, 1023]`, built exactly from bits.
pub(crate) const fn pow2(e: i32) -> f64 {
    assert!(e >= -1022 && e <= 1023);
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// Converts a finite `x` with `|x| < 2^192` to `(negative, |x| * 2^128)`,
/// truncated toward zero, as a 384-bit magnitude.
#[inline]
fn to_fixed(x: f64) -> (bool, [u64; LIMBS]) {
    let bits = x.to_bits();
    let neg = bits >> 63 == 1;
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    let mut out = [0u64; LIMBS];
    // |x| * 2^128 = m * 2^(e + 128)
    let s = e + FRAC_BITS;
    if s >= 0 {
        let limb = (s / 64) as usize;
        let bit = (s % 64) as u32;
        out[limb] = m << bit;
        if bit > 0 && limb + 1 < LIMBS {
            out[limb + 1] = m >> (64 - bit);
        }
    } else if s > -64 {
        out[0] = m >> (-s) as u32;
    }
    (neg, out)
}

/// `a += b` (wrapping, two's complement).
#[inline]
pub(crate) fn add_assign<const N: usize>(a: &mut [u64; N], b: &[u64; N]) {
    let mut carry = false;
    for i in 0..N {
        let (s1, c1) = a[i].overflowing_add(b[i]);
        let (s2, c2) = s1.overflowing_add(carry as u64);
        a[i] = s2;
        carry = c1 | c2;
    }
}

/// `a -= b` (wrapping); returns `true` if it borrowed out of the top limb,
/// i.e. `b > a` as unsigned numbers.
#[inline]
pub(crate) fn sub_assign<const N: usize>(a: &mut [u64; N], b: &[u64; N]) -> bool {
    let mut borrow = false;
    for i in 0..N {
        let (d1, b1) = a[i].overflowing_sub(b[i]);
        let (d2, b2) = d1.overflowing_sub(borrow as u64);
        a[i] = d2;
        borrow = b1 | b2;
    }
    borrow
}

/// Splits a two's-complement number into `(negative, magnitude)`.
fn signed_magnitude<const N: usize>(a: &[u64; N]) -> (bool, [u64; N]) {
    if a[N - 1] >> 63 == 0 {
        return (false, *a);
    }
    let mut m = [0u64; N];
    for i in 0..N {
        m[i] = !a[i];
    }
    let mut one = [0u64; N];
    one[0] = 1;
    add_assign(&mut m, &one);
    (true, m)
}

/// Full product of two `N`-limb unsigned numbers into `M = 2N` limbs.
pub(crate) fn mul_wide<const N: usize, const M: usize>(a: &[u64; N], b: &[u64; N]) -> [u64; M] {
    assert_eq!(M, 2 * N);
    let mut out = [0u64; M];
    for i in 0..N {
        let mut carry: u128 = 0;
        for j in 0..N {
            let t = a[i] as u128 * b[j] as u128 + out[i + j] as u128 + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        out[i + N] = carry as u64;
    }
    out
}

/// `a * k` for an `N`-limb unsigned `a`, widened to `M` limbs and shifted left
/// by `limb_shift` whole limbs (bits shifted past the top are dropped).
pub(crate) fn mul_small_shifted<const N: usize, const M: usize>(
    a: &[u64; N],
    k: u64,
    limb_shift: usize,
) -> [u64; M] {
    let mut out = [0u64; M];
    let mut carry: u128 = 0;
    for i in 0..N {
        let t = a[i] as u128 * k as u128 + carry;
        if i + limb_shift < M {
            out[i + limb_shift] = t as u64;
        }
        carry = t >> 64;
    }
    if N + limb_shift < M {
        out[N + limb_shift] = carry as u64;
    }
    out
}

/// Rounds the unsigned integer `mag` (little-endian limbs) times `2^scale_exp`
/// to the nearest `f64`, ties to even. The caller guarantees the result is in
/// the normal `f64` range (true for all uses in this module).
pub(crate) fn to_f64_scaled(mag: &[u64], scale_exp: i32) -> f64 {
    let Some(top) = mag.iter().rposition(|&l| l != 0) else {
        return 0.0;
    };
    // Position of the highest set bit, counted from bit 0 of limb 0.
    let p = top as i32 * 64 + 63 - mag[top].leading_zeros() as i32;
    if p < 64 {
        // Fits in a u64: a single conversion rounds correctly.
        return mag[0] as f64 * pow2(scale_exp);
    }
    // Take the 64 bits [p-63, p]; fold everything below into a sticky bit.
    // The 11 bits below the f64 mantissa make the sticky bit decide ties correctly.
    let lo_bit = p - 63;
    let limb = (lo_bit / 64) as usize;
    let bit = (lo_bit % 64) as u32;
    let mut window = mag[limb] >> bit;
    if bit > 0 {
        window |= mag[limb + 1] << (64 - bit);
    }
    let below_in_limb = if bit > 0 {
        mag[limb] & ((1u64 << bit) - 1)
    } else {
        0
    };
    let sticky = below_in_limb != 0 || mag[..limb].iter().any(|&l| l != 0);
    window |= sticky as u64;
    (window as f64) * pow2(lo_bit + scale_exp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn sum_of(xs: &[f64]) -> ExactSum {
        let mut s = ExactSum::new();
        for &x in xs {
            s.add(x);
        }
        s
    }

    fn kahan(xs: &[f64]) -> f64 {
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for &x in xs {
            let y = x - c;
            let t = s + y;
            c = (t - s) - y;
            s = t;
        }
        s
    }

    #[test]
    fn simple_values_are_exact() {
        let s = sum_of(&[1.5, -0.25, 1e6, -3.0]);
        assert_eq!(s.value(), 1.5 - 0.25 + 1e6 - 3.0);
        assert_eq!(s.count(), 4);
        assert_eq!(sum_of(&[]).value(), 0.0);
        assert_eq!(sum_of(&[-2.5]).value(), -2.5);
        // 0.1's last mantissa bit is 2^-56, so it is exact on the 2^-128 grid.
        // Ten of them sum to 1 + 5.55e-17, which rounds to 1.0.
        assert_eq!(sum_of(&[0.1; 10]).value(), 1.0);
        // 0.1 + 0.2 is an exact tie; ties-to-even agrees with IEEE addition.
        assert_eq!(sum_of(&[0.1, 0.2]).value(), 0.1 + 0.2);
    }

    #[test]
    fn catastrophic_cancellation_is_exact() {
        // Naive f64 summation gives 1 here; the exact sum is 2.
        let xs = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(xs.iter().sum::<f64>(), 1.0); // the naive sum is wrong
        assert_eq!(sum_of(&xs).value(), 2.0);
        let ys = [1e40, 3.0, -1e40, -1.0];
        assert_eq!(sum_of(&ys).value(), 2.0);
    }

    #[test]
    fn non_finite_and_out_of_range_are_counted_not_added() {
        let s = sum_of(&[
            1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e60,
            -1e58,
            2.0,
        ]);
        assert_eq!(s.value(), 3.0);
        assert_eq!(s.count(), 2);
        assert_eq!(s.non_finite(), 3);
        assert_eq!(s.out_of_range(), 2);
        // Just below the limit is accepted and exact.
        let big = pow2(MAX_VALUE_EXP) * (1.0 - f64::EPSILON);
        let s = sum_of(&[big, -big, big]);
        assert_eq!(s.value(), big);
        assert_eq!(s.out_of_range(), 0);
    }

    #[test]
    fn tiny_values_truncate_toward_zero() {
        assert_eq!(sum_of(&[pow2(-129)]).value(), 0.0);
        assert_eq!(sum_of(&[pow2(-128)]).value(), pow2(-128));
        assert_eq!(sum_of(&[-pow2(-128) * 1.5]).value(), -pow2(-128));
        assert_eq!(sum_of(&[f64::MIN_POSITIVE, 5e-324]).value(), 0.0);
    }

    #[test]
    fn value_rounds_to_nearest_even() {
        // 2^53 + 1 is not representable: tie between 2^53 and 2^53 + 2, even wins.
        let s = sum_of(&[pow2(53), 1.0]);
        assert_eq!(s.value(), pow2(53));
        // 2^53 + 1 + 2^-30 is above the tie: rounds up.
        let s = sum_of(&[pow2(53), 1.0, pow2(-30)]);
        assert_eq!(s.value(), pow2(53) + 2.0);
        // 2^53 + 3: tie between +2 and +4, even (+4) wins.
        let s = sum_of(&[pow2(53), 3.0]);
        assert_eq!(s.value(), pow2(53) + 4.0);
        // Sticky bit from a far lower limb.
        let s = sum_of(&[pow2(120), pow2(67), pow2(-60)]);
        assert_eq!(s.value(), pow2(120) + pow2(68));
    }

    #[test]
    fn accuracy_matches_kahan_on_random_data() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let xs: Vec<f64> = (0..100_000)
            .map(|_| (rng.random::<f64>() - 0.5) * 10f64.powi(rng.random_range(-3..6)))
            .collect();
        let exact = sum_of(&xs).value();
        let k = kahan(&xs);
        let scale: f64 = xs.iter().map(|x| x.abs()).sum();
        assert!(
            (exact - k).abs() <= scale * 1e-15,
            "exact {exact} vs kahan {k}"
        );
        let naive: f64 = xs.iter().sum();
        assert!((exact - naive).abs() <= scale * 1e-12);
    }

    #[test]
    fn wide_multiplication() {
        let a = [u64::MAX; 4];
        let p: [u64; 8] = mul_wide(&a, &a);
        // (2^256 - 1)^2 = 2^512 - 2^257 + 1
        assert_eq!(p, [1, 0, 0, 0, u64::MAX - 1, u64::MAX, u64::MAX, u64::MAX]);
        let q: [u64; 8] = mul_small_shifted(&[3, 0, 0, 1], 5, 1);
        assert_eq!(q, [0, 15, 0, 0, 5, 0, 0, 0]);
        assert_eq!(to_f64_scaled(&p, -512), 1.0);
    }

    fn value_strategy() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e6f64..1e6,
            -1.0f64..1.0,
            (-1e15f64..1e15),
            any::<f64>(),
            Just(0.0),
        ]
    }

    proptest! {
        #[test]
        fn merge_is_exact_for_any_partition_and_order(
            xs in prop::collection::vec(value_strategy(), 0..200),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
            seed in any::<u64>(),
        ) {
            let whole = sum_of(&xs);
            // Split at random cut points, shuffle each shard, merge in a random order.
            let mut idx: Vec<usize> = cuts.iter().map(|c| c.index(xs.len() + 1)).collect();
            idx.push(0);
            idx.push(xs.len());
            idx.sort_unstable();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut shards: Vec<ExactSum> = idx
                .windows(2)
                .map(|w| {
                    let mut part = xs[w[0]..w[1]].to_vec();
                    for i in (1..part.len()).rev() {
                        part.swap(i, rng.random_range(0..=i));
                    }
                    sum_of(&part)
                })
                .collect();
            for i in (1..shards.len()).rev() {
                shards.swap(i, rng.random_range(0..=i));
            }
            // Merge as a tree (pairwise), not just left to right.
            while shards.len() > 1 {
                let b = shards.pop().unwrap();
                let a = shards.pop().unwrap();
                let mut m = b;
                m.merge(&a);
                shards.insert(0, m);
            }
            let merged = shards.pop().unwrap_or_default();
            prop_assert_eq!(&merged, &whole);
            prop_assert_eq!(merged.value().to_bits(), whole.value().to_bits());
        }

        #[test]
        fn value_of_two_values_is_correctly_rounded(a in -1e30f64..1e30, b in -1e30f64..1e30) {
            // IEEE addition of two doubles is the correctly rounded exact sum,
            // so it is a reference for value() whenever both inputs are exact
            // on the 2^-128 grid (true for |x| >= 2^-75).
            prop_assume!(a.abs() >= pow2(-75) && b.abs() >= pow2(-75));
            prop_assert_eq!(sum_of(&[a, b]).value().to_bits(), (a + b).to_bits());
        }

        #[test]
        fn value_of_single_grid_value_roundtrips(x in -1e30f64..1e30) {
            // Values on the 2^-64 grid with at most 53 significant bits are exact.
            let on_grid = (x * pow2(20)).trunc() * pow2(-20);
            prop_assert_eq!(sum_of(&[on_grid]).value(), on_grid);
        }
    }
}
