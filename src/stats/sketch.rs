//! [`Sketch`]: a mergeable, fixed-range logarithmic-bucket quantile sketch
//! (DDSketch-style) whose merge is exact integer addition of bucket counts.
//!
//! Bucketing uses the project's portable logarithm ([`crate::portable::math::ln`], built only from
//! IEEE-754 `+ − × ÷`, no libm), so the bucket a value lands in, and therefore the whole serialized
//! state, is the same on every platform.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::f64_text;
use super::store::Store;
use crate::portable::math::ln;

/// Default relative accuracy of [`Sketch`] quantiles.
pub const DEFAULT_ALPHA: f64 = 0.005;

/// Values with `|x| < ZERO_THRESHOLD` are counted in the zero bucket.
pub const ZERO_THRESHOLD: f64 = 1e-9;

/// Largest magnitude with its own bucket; larger magnitudes are clamped into
/// the top bucket of their side (their quantiles are then only bounded by
/// [`Sketch::max`] / [`Sketch::min`]).
pub const MAX_TRACKED: f64 = 1e18;

/// A quantile sketch with relative accuracy `alpha`.
///
/// * Bucket `k` of a side holds magnitudes in `(γ^(k−1), γ^k]` with
///   `γ = (1+α)/(1−α)`; its representative value `2γ^k/(γ+1)` is within a
///   relative error `α` of every magnitude in the bucket.
/// * `|x| < 1e-9` goes to a zero bucket (represented by 0); positive and
///   negative values have separate bucket sets.
/// * Bucket indices are clamped to the fixed range that covers
///   `[1e-9, 1e18]` (about 6,200 buckets per side at α = 0.005), so the sketch
///   never collapses buckets and [`merge`](Self::merge) is exact integer
///   addition of counts.
/// * Storage ([`Store`], per side): a sorted list of `(index, count)` (16 bytes a bucket) while few
///   buckets are in use, then, once that list would be larger than a dense array of counts over the
///   range of indices in use ([`DENSE_FACTOR`]), that array: 2 bytes a bucket (4, then 8, only for
///   a bucket holding more than 65,535, then 2³² − 1 values). Memory is therefore bounded by the
///   range of the values and α (at most about 6,200/α·0.005 buckets per side), not by how many values
///   were added; the representation never changes a quantile or the serialised state.
/// * Non-finite inputs are counted in [`non_finite`](Self::non_finite) and
///   otherwise ignored. `-0.0` is treated as `0.0`.
/// * [`min`](Self::min) and [`max`](Self::max) are exact.
///
/// Serializes (serde) to a plain structure whose floats are written as
/// shortest round-trip decimal strings, so a JSON round trip is bit-exact.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "SketchRepr", into = "SketchRepr")]
pub struct Sketch {
    alpha: f64,
    /// `1 / ln γ`, derived from `alpha`.
    inv_ln_gamma: f64,
    /// `ln γ`, derived from `alpha`.
    ln_gamma: f64,
    /// Fixed index range (inclusive), derived from `alpha`.
    min_key: i32,
    max_key: i32,
    /// Buckets of positive values.
    pos: Store,
    /// Buckets of negative values (by magnitude).
    neg: Store,
    zero: u64,
    count: u64,
    non_finite: u64,
    /// `+inf` / `-inf` while empty.
    min: f64,
    max: f64,
}

/// Error from [`Sketch::try_merge`] or from deserializing an invalid sketch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SketchError(String);

impl fmt::Display for SketchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid sketch: {}", self.0)
    }
}

impl std::error::Error for SketchError {}

impl SketchError {
    pub(crate) fn new(msg: String) -> Self {
        SketchError(msg)
    }
}

impl PartialEq for Sketch {
    /// Equal when they hold the same state (what they serialise to), whatever the stores'
    /// representation.
    fn eq(&self, o: &Self) -> bool {
        self.alpha.to_bits() == o.alpha.to_bits()
            && (self.count, self.zero, self.non_finite) == (o.count, o.zero, o.non_finite)
            && self.min == o.min
            && self.max == o.max
            && self.pos == o.pos
            && self.neg == o.neg
    }
}

impl Default for Sketch {
    fn default() -> Self {
        Self::new()
    }
}

impl Sketch {
    /// An empty sketch with relative accuracy [`DEFAULT_ALPHA`] (0.5 %).
    pub fn new() -> Self {
        Self::with_alpha(DEFAULT_ALPHA)
    }

    /// An empty sketch with relative accuracy `alpha`.
    ///
    /// # Panics
    /// If `alpha` is not in `[1e-4, 0.5]` (smaller values would need too many
    /// buckets for the fixed range).
    pub fn with_alpha(alpha: f64) -> Self {
        Self::try_with_alpha(alpha).expect("Sketch alpha must be in [1e-4, 0.5]")
    }

    fn try_with_alpha(alpha: f64) -> Result<Self, SketchError> {
        if !(1e-4..=0.5).contains(&alpha) {
            return Err(SketchError(format!("alpha {alpha} not in [1e-4, 0.5]")));
        }
        let gamma = (1.0 + alpha) / (1.0 - alpha);
        let ln_gamma = ln(gamma);
        let inv_ln_gamma = 1.0 / ln_gamma;
        let raw_key = |x: f64| (ln(x) * inv_ln_gamma).ceil() as i32;
        Ok(Self {
            alpha,
            inv_ln_gamma,
            ln_gamma,
            min_key: raw_key(ZERO_THRESHOLD),
            max_key: raw_key(MAX_TRACKED),
            pos: Store::default(),
            neg: Store::default(),
            zero: 0,
            count: 0,
            non_finite: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        })
    }

    /// The relative accuracy this sketch was built with.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Bucket index of a magnitude `a >= ZERO_THRESHOLD`, clamped to the fixed range.
    #[inline]
    fn key(&self, a: f64) -> i32 {
        let k = (ln(a) * self.inv_ln_gamma).ceil() as i32;
        k.clamp(self.min_key, self.max_key)
    }

    /// Representative magnitude of bucket `k`: `2γ^k/(γ+1)`.
    fn bucket_value(&self, k: i32) -> f64 {
        let gamma = (1.0 + self.alpha) / (1.0 - self.alpha);
        2.0 * (k as f64 * self.ln_gamma).exp() / (gamma + 1.0)
    }

    /// Adds one value. No allocation unless `x` opens a new bucket.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_n(x, 1);
    }

    /// Adds `n` copies of `x`: the same state as `n` calls of [`add`](Self::add) (bucket counts are
    /// additive), so a multiset can be turned into its sketch in one pass over its distinct values.
    #[inline]
    pub fn add_n(&mut self, x: f64, n: u64) {
        if n == 0 {
            return;
        }
        if !x.is_finite() {
            self.non_finite += n;
            return;
        }
        let x = x + 0.0; // -0.0 -> 0.0
        self.count += n;
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
        let a = x.abs();
        if a < ZERO_THRESHOLD {
            self.zero += n;
            return;
        }
        let k = self.key(a);
        let range = (self.min_key, self.max_key);
        if x > 0.0 {
            self.pos.add(k, n, range);
        } else {
            self.neg.add(k, n, range);
        }
    }

    /// Adds all of `other`'s values; the result is identical (including its
    /// serialization) to a sketch that was fed both streams.
    ///
    /// # Panics
    /// If the sketches have different `alpha`; see [`try_merge`](Self::try_merge).
    pub fn merge(&mut self, other: &Self) {
        self.try_merge(other).expect("cannot merge sketches")
    }

    /// Like [`merge`](Self::merge) but returns an error (leaving `self`
    /// unchanged) if the sketches have different `alpha`.
    pub fn try_merge(&mut self, other: &Self) -> Result<(), SketchError> {
        if self.alpha.to_bits() != other.alpha.to_bits() {
            return Err(SketchError(format!(
                "alpha mismatch: {} vs {}",
                self.alpha, other.alpha
            )));
        }
        let range = (self.min_key, self.max_key);
        self.pos.merge(&other.pos, range);
        self.neg.merge(&other.neg, range);
        self.zero += other.zero;
        self.count += other.count;
        self.non_finite += other.non_finite;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        Ok(())
    }

    /// Number of finite values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// `true` when no finite value has been added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Number of non-finite values that were skipped.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// Number of non-empty buckets (excluding the zero bucket): the memory in use.
    pub fn bucket_count(&self) -> usize {
        self.pos.nonzero().count() + self.neg.nonzero().count()
    }

    /// Bytes the bucket stores hold on the heap (their capacity): what [`Store`] bounds.
    pub fn heap_bytes(&self) -> usize {
        self.pos.heap_bytes() + self.neg.heap_bytes()
    }

    /// Exact smallest value added; `None` when empty.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Exact largest value added; `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Approximate `q`-quantile; `None` when empty or `q` is not in `[0, 1]`.
    ///
    /// Rank rule (as in the reference DDSketch implementations): with `n`
    /// values, the target is the value of 0-based rank `⌊q·(n−1)⌋` in sorted
    /// order (the lower order statistic, no interpolation). The sketch returns
    /// the representative of the bucket holding that rank, clamped to
    /// `[min, max]`, so `q = 0` and `q = 1` give the exact min and max. For a
    /// target `v` with `1e-9 <= |v| <= 1e18` the result is within `α·|v|` of
    /// `v`; a target in the zero bucket yields 0 (clamped), i.e. is within
    /// `1e-9` absolutely.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = (q * (self.count - 1) as f64).floor() as u64;
        let rank = rank.min(self.count - 1);
        if rank == 0 {
            return Some(self.min);
        }
        if rank == self.count - 1 {
            return Some(self.max);
        }
        let mut seen = 0u64;
        let mut v = None;
        // Ascending value order: negatives from the largest magnitude down,
        // then zero, then positives from the smallest magnitude up.
        for (k, c) in self.neg.nonzero().rev() {
            seen += c;
            if seen > rank {
                v = Some(-self.bucket_value(k));
                break;
            }
        }
        if v.is_none() {
            seen += self.zero;
            if seen > rank {
                v = Some(0.0);
            }
        }
        if v.is_none() {
            for (k, c) in self.pos.nonzero() {
                seen += c;
                if seen > rank {
                    v = Some(self.bucket_value(k));
                    break;
                }
            }
        }
        // The counts always add up to `count`, so a bucket was found.
        v.map(|v| v.clamp(self.min, self.max))
    }
}

/// Serialized form of [`Sketch`]: only the real state, floats as exact text.
#[derive(Serialize, Deserialize)]
struct SketchRepr {
    #[serde(with = "f64_text")]
    alpha: f64,
    count: u64,
    zero: u64,
    non_finite: u64,
    #[serde(with = "f64_text::option")]
    min: Option<f64>,
    #[serde(with = "f64_text::option")]
    max: Option<f64>,
    /// `(bucket index, count)` of positive values, ascending index.
    pos: Vec<(i32, u64)>,
    /// `(bucket index, count)` of negative values by magnitude, ascending index.
    neg: Vec<(i32, u64)>,
}

impl From<Sketch> for SketchRepr {
    fn from(s: Sketch) -> Self {
        SketchRepr {
            alpha: s.alpha,
            count: s.count,
            zero: s.zero,
            non_finite: s.non_finite,
            min: s.min(),
            max: s.max(),
            pos: s.pos.nonzero().collect(),
            neg: s.neg.nonzero().collect(),
        }
    }
}

impl TryFrom<SketchRepr> for Sketch {
    type Error = SketchError;

    fn try_from(r: SketchRepr) -> Result<Self, SketchError> {
        let mut s = Sketch::try_with_alpha(r.alpha)?;
        let check = |store: &[(i32, u64)]| -> Result<u64, SketchError> {
            let mut total = 0u64;
            for (i, &(k, c)) in store.iter().enumerate() {
                if c == 0 || k < s.min_key || k > s.max_key {
                    return Err(SketchError(format!("bad bucket ({k}, {c})")));
                }
                if i > 0 && store[i - 1].0 >= k {
                    return Err(SketchError("bucket indices not ascending".into()));
                }
                total = total
                    .checked_add(c)
                    .ok_or_else(|| SketchError("count overflow".into()))?;
            }
            Ok(total)
        };
        let total = check(&r.pos)?
            .checked_add(check(&r.neg)?)
            .and_then(|t| t.checked_add(r.zero));
        if total != Some(r.count) {
            return Err(SketchError("bucket counts do not add up to count".into()));
        }
        match (r.min, r.max) {
            (None, None) if r.count == 0 => {}
            (Some(lo), Some(hi)) if r.count > 0 && lo <= hi && lo.is_finite() && hi.is_finite() => {
                s.min = lo;
                s.max = hi;
            }
            _ => return Err(SketchError("min/max inconsistent with count".into())),
        }
        s.count = r.count;
        s.zero = r.zero;
        s.non_finite = r.non_finite;
        let range = (s.min_key, s.max_key);
        s.pos = Store::from_sorted(&r.pos, range);
        s.neg = Store::from_sorted(&r.neg, range);
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile::quantile_exact;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, LogNormal, Normal};

    fn sketch_of(xs: &[f64]) -> Sketch {
        let mut s = Sketch::new();
        for &x in xs {
            s.add(x);
        }
        s
    }

    const QS: [f64; 13] = [
        0.0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0,
    ];

    /// Checks every quantile in `QS` against the exact lower order statistic.
    fn check_accuracy(name: &str, xs: &[f64]) {
        let s = sketch_of(xs);
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        for &q in &QS {
            let exact = sorted[(q * (n - 1) as f64).floor() as usize];
            let got = s.quantile(q).unwrap();
            let tol = DEFAULT_ALPHA * exact.abs() * (1.0 + 1e-12) + ZERO_THRESHOLD;
            assert!(
                (got - exact).abs() <= tol,
                "{name}: q={q}: sketch {got} vs exact {exact}"
            );
        }
        assert_eq!(s.min(), Some(sorted[0]));
        assert_eq!(s.max(), Some(sorted[n - 1]));
        assert_eq!(s.count(), n as u64);
    }

    #[test]
    fn portable_ln_matches_libm() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..100_000 {
            let x = 10f64.powf(rng.random::<f64>() * 40.0 - 20.0);
            let (a, b) = (ln(x), x.ln());
            assert!(
                (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1.0),
                "{x}: {a} vs {b}"
            );
        }
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn quantile_accuracy_on_generated_data() {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let n = 20_000;
        let uniform: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 100.0).collect();
        check_accuracy("uniform", &uniform);
        let ln = LogNormal::new(0.0, 2.0).unwrap();
        let lognormal: Vec<f64> = (0..n).map(|_| ln.sample(&mut rng)).collect();
        check_accuracy("lognormal", &lognormal);
        let nd = Normal::new(0.5, 3.0).unwrap();
        let normal: Vec<f64> = (0..n).map(|_| nd.sample(&mut rng)).collect();
        assert!(normal.iter().any(|&x| x < 0.0));
        check_accuracy("normal", &normal);
        check_accuracy("constant", &vec![3.7; 1000]);
        check_accuracy("negative constant", &[-1234.5; 10]);
        let with_zeros: Vec<f64> = (0..n)
            .map(|i| if i % 3 == 0 { 0.0 } else { nd.sample(&mut rng) })
            .collect();
        check_accuracy("with zeros", &with_zeros);
        let tiny: Vec<f64> = (0..1000).map(|i| (i as f64 - 500.0) * 1e-12).collect();
        check_accuracy("below zero threshold", &tiny);
        check_accuracy("single", &[-2.5]);
    }

    #[test]
    fn rank_rule_is_lower_order_statistic() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = sketch_of(&xs);
        // rank ⌊0.5·99⌋ = 49 -> the 50th value.
        let median = s.quantile(0.5).unwrap();
        assert!((median - 50.0).abs() <= 50.0 * DEFAULT_ALPHA, "{median}");
        // ⌊0.999·99⌋ = 98 -> 99, not 100.
        let p999 = s.quantile(0.999).unwrap();
        assert!((p999 - 99.0).abs() <= 99.0 * DEFAULT_ALPHA, "{p999}");
        assert_eq!(s.quantile(0.0), Some(1.0));
        assert_eq!(s.quantile(1.0), Some(100.0));
        // The type-7 interpolated median is 50.5; the sketch is not interpolating.
        assert_eq!(quantile_exact(&xs, 0.5), Some(50.5));
        assert!((median - 50.5).abs() > 50.5 * DEFAULT_ALPHA / 2.0);
    }

    #[test]
    fn empty_and_invalid() {
        let s = Sketch::new();
        assert_eq!(s.quantile(0.5), None);
        assert_eq!(s.min(), None);
        assert_eq!(s.count(), 0);
        let s = sketch_of(&[1.0, f64::NAN, f64::INFINITY]);
        assert_eq!(s.count(), 1);
        assert_eq!(s.non_finite(), 2);
        assert_eq!(s.quantile(-0.1), None);
        assert_eq!(s.quantile(1.5), None);
        assert_eq!(s.quantile(f64::NAN), None);
        assert_eq!(s.quantile(0.3), Some(1.0));
    }

    #[test]
    fn range_is_fixed_and_extremes_clamp() {
        let mut s = Sketch::new();
        for i in -300..=300 {
            let x: f64 = format!("1e{i}").parse().unwrap();
            s.add(x);
            s.add(-x);
        }
        let per_side = (s.max_key - s.min_key + 1) as usize;
        assert!(per_side < 6300, "{per_side}");
        assert!(s.bucket_count() <= 2 * per_side);
        assert_eq!(s.max(), Some(1e300));
        assert_eq!(s.min(), Some(-1e300));
        // The 99th percentile is a clamped value: bounded by the top bucket, not accurate.
        let p = s.quantile(0.99).unwrap();
        assert!((MAX_TRACKED * (1.0 - DEFAULT_ALPHA)..=1e300).contains(&p));
    }

    #[test]
    fn sign_of_zero_does_not_matter() {
        let a = sketch_of(&[0.0, -0.0, 1.0]);
        let b = sketch_of(&[-0.0, 0.0, 1.0]);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        assert_eq!(a.min().unwrap().to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn serde_roundtrip_is_exact() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let nd = Normal::new(0.0, 1e3).unwrap();
        let xs: Vec<f64> = (0..5000).map(|_| nd.sample(&mut rng)).collect();
        for s in [sketch_of(&xs), Sketch::new(), Sketch::with_alpha(0.01)] {
            let json = serde_json::to_string(&s).unwrap();
            let back: Sketch = serde_json::from_str(&json).unwrap();
            assert_eq!(back, s);
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
    }

    #[test]
    fn deserialize_rejects_inconsistent_state() {
        let s = sketch_of(&[1.0, 2.0, -3.0]);
        let json = serde_json::to_string(&s).unwrap();
        let bad_count = json.replace("\"count\":3", "\"count\":4");
        assert!(serde_json::from_str::<Sketch>(&bad_count).is_err());
        let bad_alpha = json.replace("\"alpha\":\"0.005\"", "\"alpha\":\"2.0\"");
        assert_ne!(bad_alpha, json);
        assert!(serde_json::from_str::<Sketch>(&bad_alpha).is_err());
    }

    #[test]
    fn merge_rejects_different_alpha() {
        let mut a = sketch_of(&[1.0]);
        let mut b = Sketch::with_alpha(0.01);
        b.add(2.0);
        assert!(a.try_merge(&b).is_err());
        assert_eq!(a, sketch_of(&[1.0]));
    }

    fn value_strategy() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e6f64..1e6,
            -1e-8f64..1e-8,
            Just(0.0),
            Just(-0.0),
            any::<f64>(),
        ]
    }

    proptest! {
        #[test]
        fn merge_equals_sketch_of_union(
            xs in prop::collection::vec(value_strategy(), 0..300),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
            seed in any::<u64>(),
        ) {
            let whole = serde_json::to_string(&sketch_of(&xs)).unwrap();
            let mut idx: Vec<usize> = cuts.iter().map(|c| c.index(xs.len() + 1)).collect();
            idx.push(0);
            idx.push(xs.len());
            idx.sort_unstable();
            let mut shards: Vec<Sketch> = idx.windows(2).map(|w| sketch_of(&xs[w[0]..w[1]])).collect();
            // Merge shards in a random order: the result must not depend on it.
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for i in (1..shards.len()).rev() {
                shards.swap(i, rng.random_range(0..=i));
            }
            let mut merged = Sketch::new();
            for s in &shards {
                // Round-trip each shard through JSON as the runner does.
                let s: Sketch = serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap();
                merged.merge(&s);
            }
            prop_assert_eq!(serde_json::to_string(&merged).unwrap(), whole);
        }
    }
}
