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
//! pin the first outputs. The samplers re-exported here ([`uniform01`], [`below`], [`bernoulli`],
//! [`std_normal`], [`TruncNormal`], [`ln`]; the rest in [`crate::portable::sample`]) are our own
//! (see [`crate::portable`]): they do not change when `rand`/`rand_distr` change their algorithms,
//! and do not depend on the platform's `libm`. Prefer them to `rand::RngExt` methods anywhere
//! results must be reproducible.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use crate::portable::math::ln;

/// The version of the draws: how a run's random numbers are turned into the model's values (the
/// streams, the samplers, the order of draws). It moves whenever the same seed gives other draws,
/// and every output folder records it (`manifest.json`, `streams`) next to the crossroads version.
///
/// - 1: the draws before issue 13 (`rand_distr` and the platform's libm for uncertain parameters,
///   Box–Muller normals, resampled truncated normals).
/// - 2: every distribution through `crate::portable` (pinned pure-Rust libm, ziggurat normal, exact
///   truncated normal by inversion or rejection, Marsaglia–Tsang gamma), two generator calls per
///   Deffuant–Weisbuch encounter, voters' attachment fitting on `portable::math::exp`.
pub const STREAMS_VERSION: u32 = 2;
pub use crate::portable::sample::{TruncNormal, below, bernoulli, std_normal, uniform01};

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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

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
        // If this fails, every recorded result of every scenario changes: do not update lightly (bump
        // the manifest's `streams` version and say so in CHANGELOG.md).
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
                13_833_578_261_068_860_704,
                4_606_217_856_702_804_899,
                4_602_922_639_290_336_996
            ]
        );
        assert_eq!(k, [865, 905, 89]);
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
}
