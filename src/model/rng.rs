//! Named random streams and the few portable samplers the model uses.
//!
//! # Streams
//!
//! Every run of a scenario is identified by the root seed `S` and the run index `i`. From `(S, i)`
//! alone we derive one 256-bit ChaCha key (see [`Streams::new`]); every mechanism then draws from
//! its own ChaCha8 *stream* under that key, the stream id being the FNV-1a 64 hash of the
//! mechanism's name (`"network/armenia"`, `"citizens/armenia"`, `"decide/russia"`,
//! `"param/actors.russia.budget"`, ...). ChaCha streams under one key are independent sequences,
//! so an extra draw in one mechanism never shifts the numbers another mechanism sees, and run `i`
//! of seed `S` does not depend on any other run.
//!
//! # Stability
//!
//! The key mixer (SplitMix64), the name hash (FNV-1a 64) and ChaCha8 itself are fixed,
//! published algorithms on integers, so the streams are bit-identical on every platform. The tests
//! pin the first outputs. The samplers below ([`uniform01`], [`below`], [`bernoulli`],
//! [`std_normal`], [`ln`]) are our own, written only with `+ - * /`, `sqrt` and integer
//! operations (all exactly specified by IEEE 754; Rust never contracts them into FMAs), so they do
//! not change when `rand`/`rand_distr` change their algorithms, and do not depend on the platform's
//! `libm`. Prefer them to `rand::RngExt` methods anywhere results must be reproducible.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The SplitMix64 increment (the golden ratio, 2^64 / phi).
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// One step of SplitMix64 (Steele, Lea & Flood 2014; the reference `splitmix64.c` of Vigna):
/// advances `state` by the golden gamma and returns the mixed output.
#[inline]
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN_GAMMA);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, 64-bit (Fowler, Noll & Vo): offset basis `0xcbf29ce484222325`, prime `0x100000001b3`.
#[inline]
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The named random streams of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streams {
    key: [u8; 32],
}

impl Streams {
    /// Derives the run's ChaCha key from `(seed, run)`:
    ///
    /// ```text
    /// state = seed
    /// state = splitmix64(&mut state) ^ run      // the seed, mixed, then the run index
    /// key   = splitmix64(&mut state) as 8 little-endian bytes, four times (32 bytes)
    /// ```
    ///
    /// For a fixed seed the map `run -> key` is injective (xor, then the SplitMix64 output
    /// bijection), so two runs of the same seed never share a key.
    pub fn new(seed: u64, run: u64) -> Self {
        let mut state = seed;
        state = splitmix64(&mut state) ^ run;
        let mut key = [0u8; 32];
        for chunk in key.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        Streams { key }
    }

    /// The run's 256-bit ChaCha key.
    pub fn key(&self) -> [u8; 32] {
        self.key
    }

    /// The stream id used for `name`: its FNV-1a 64 hash (UTF-8 bytes).
    pub fn stream_id(name: &str) -> u64 {
        fnv1a64(name.as_bytes())
    }

    /// A fresh generator for the mechanism `name`, positioned at the start of its stream.
    /// Calling `get` twice with the same name gives two generators producing the same sequence.
    pub fn get(&self, name: &str) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(Self::stream_id(name));
        rng
    }
}

/// A uniform `f64` in `[0, 1)`: the top 53 bits of one `next_u64`, times 2^-53.
#[inline]
pub fn uniform01<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in `0..n` (`n > 0`), without bias, from 32-bit draws (Lemire 2019, "Fast
/// random integer generation in an interval", ACM TOMACS 29(1)): multiply-shift with rejection of
/// the `2^32 mod n` low products. Usually one `next_u32` per call.
#[inline]
pub fn below<R: Rng + ?Sized>(rng: &mut R, n: u32) -> u32 {
    debug_assert!(n > 0, "below(0)");
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    let mut low = m as u32;
    if low < n {
        let threshold = n.wrapping_neg() % n;
        while low < threshold {
            m = u64::from(rng.next_u32()) * u64::from(n);
            low = m as u32;
        }
    }
    (m >> 32) as u32
}

/// `true` with probability `p` (one `uniform01` draw; `p <= 0` never, `p >= 1` always, and the
/// draw is made in every case so the stream position does not depend on `p`).
#[inline]
pub fn bernoulli<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    uniform01(rng) < p
}

/// Natural logarithm with only `+ - * /` and bit operations, so it gives the same bits on every
/// platform (the platform `ln` may differ in the last ulp). For finite `x > 0` (normal numbers);
/// `ln(0) = -inf`, negative or NaN gives NaN. Accuracy: a few ulp.
///
/// Method: `x = 2^e m` with `m` in `[sqrt(1/2), sqrt(2))`, `ln m = 2 atanh(f)` with
/// `f = (m-1)/(m+1)`, `|f| < 0.1716`, summed as the odd series to `f^25` (error < 1e-19).
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
    let (mut x, mut e) = (x, 0i64);
    if x < f64::MIN_POSITIVE {
        x *= (1u64 << 54) as f64; // subnormal: scale into the normal range
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let f = (m - 1.0) / (m + 1.0);
    let s = f * f;
    // Horner on sum_{k=0..12} s^k / (2k+1)
    let mut p = 1.0 / 25.0;
    let mut k = 11i32;
    while k >= 0 {
        p = p * s + 1.0 / f64::from(2 * k + 1);
        k -= 1;
    }
    e as f64 * std::f64::consts::LN_2 + 2.0 * f * p
}

/// A standard normal deviate by Marsaglia's polar method (Marsaglia & Bray 1964), using the
/// portable [`ln`]; the second deviate of each accepted pair is discarded (stateless).
#[inline]
pub fn std_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    loop {
        let u = 2.0 * uniform01(rng) - 1.0;
        let v = 2.0 * uniform01(rng) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * ln(s) / s).sqrt();
        }
    }
}

/// How many rejections [`truncated_normal01`] tries before giving up.
pub const TRUNCATION_TRIES: u32 = 10_000;

/// A normal `(mean, sd)` deviate truncated to `[0, 1]` by resampling. `sd <= 0` (or not finite
/// parameters) gives `mean` clamped to `[0, 1]` without drawing; if [`TRUNCATION_TRIES`] draws all
/// fall outside (the mass in `[0, 1]` is negligible), the result is `mean` clamped to `[0, 1]`.
pub fn truncated_normal01<R: Rng + ?Sized>(rng: &mut R, mean: f64, sd: f64) -> f64 {
    if !(sd > 0.0 && sd.is_finite() && mean.is_finite()) {
        return if mean.is_nan() {
            0.5
        } else {
            mean.clamp(0.0, 1.0)
        };
    }
    for _ in 0..TRUNCATION_TRIES {
        let x = mean + sd * std_normal(rng);
        if (0.0..=1.0).contains(&x) {
            return x;
        }
    }
    mean.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn splitmix64_reference_vectors() {
        // Vigna's splitmix64.c seeded with 1234567.
        let mut s = 1_234_567u64;
        let got: Vec<u64> = (0..5).map(|_| splitmix64(&mut s)).collect();
        assert_eq!(
            got,
            vec![
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn pinned_first_outputs() {
        // If this fails, every recorded result of every scenario changes: do not update lightly.
        let s = Streams::new(42, 0);
        let mut a = s.get("citizens/armenia");
        let got: Vec<u64> = (0..3).map(|_| a.next_u64()).collect();
        assert_eq!(
            got,
            [
                17_135_810_481_038_756_187,
                13_521_926_692_984_185_519,
                6_533_597_912_997_406_855
            ]
        );
        // and the portable samplers on top of it
        let mut b = s.get("citizens/armenia");
        let z: Vec<u64> = (0..3).map(|_| std_normal(&mut b).to_bits()).collect();
        let k: Vec<u32> = (0..3).map(|_| below(&mut b, 1000)).collect();
        assert_eq!(
            z,
            [
                4_598_575_773_256_963_034,
                13_821_729_023_773_767_166,
                13_826_387_174_737_993_083
            ]
        );
        assert_eq!(k, [224, 632, 57]);
    }

    #[test]
    fn streams_are_independent_and_repeatable() {
        let s = Streams::new(7, 3);
        let mut a1 = s.get("actor/russia");
        let mut a2 = s.get("actor/russia");
        let mut b = s.get("actor/turkey");
        let x1: Vec<u64> = (0..8).map(|_| a1.next_u64()).collect();
        // an extra draw in "actor/turkey" does not move "actor/russia"
        let _ = b.next_u64();
        let x2: Vec<u64> = (0..8).map(|_| a2.next_u64()).collect();
        assert_eq!(x1, x2);
        let y: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        assert_ne!(x1, y);
        // the run index and the seed both matter
        assert_ne!(Streams::new(7, 3), Streams::new(7, 4));
        assert_ne!(Streams::new(7, 3), Streams::new(8, 3));
        assert_eq!(Streams::new(7, 3), Streams::new(7, 3));
    }

    #[test]
    fn portable_ln_matches_std() {
        let mut rng = Streams::new(1, 1).get("test/ln");
        for _ in 0..100_000 {
            let x = uniform01(&mut rng);
            if x == 0.0 {
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
        assert!(ln(-1.0).is_nan());
    }

    #[test]
    fn samplers_have_the_right_moments() {
        let mut rng = Streams::new(2, 0).get("test/samplers");
        let n = 200_000;
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z = std_normal(&mut rng);
            s1 += z;
            s2 += z * z;
        }
        let mean = s1 / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[below(&mut rng, 7) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
        for _ in 0..10_000 {
            let x = truncated_normal01(&mut rng, 0.9, 0.3);
            assert!((0.0..=1.0).contains(&x));
        }
        assert_eq!(truncated_normal01(&mut rng, 1.7, 0.0), 1.0);
        assert_eq!(truncated_normal01(&mut rng, 50.0, 0.01), 1.0);
    }
}
