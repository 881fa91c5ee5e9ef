//! [`Quantiles`]: the mergeable quantile estimator behind series.csv, summary.json and the experiment
//! tables. Exact while a quantity takes few distinct values across runs (months, counts, 0/1 states,
//! a constant), a [`Sketch`] beyond that; the extremes and how many runs sit on them are always exact.
//!
//! # Rank rule
//!
//! With `n` values the `q`-quantile is the value of 0-based rank `⌊q·(n−1)⌋` in sorted order: the
//! lower order statistic, no interpolation (numpy `method="lower"`, pandas `interpolation="lower"`).
//! A quantile of an integer-valued quantity is therefore an integer, one of the values the runs had.
//!
//! # Accuracy (the documented error)
//!
//! * At most [`EXACT_DISTINCT`] distinct values across all runs: every quantile is exact.
//! * More: a rank that falls on the smallest or largest value (for instance the many runs at exactly
//!   1.0 of a share that saturates) gives that value exactly; any other rank gives the sketch's
//!   bucket value, within a relative error `α` of the exact order statistic (`|error| ≤ α·|v|`, so at
//!   most `α` in absolute terms for a quantity in [0, 1]), clamped to the exact minimum and maximum.
//!
//! # Merging
//!
//! The state is a function of the multiset of values alone: the exact list while the multiset has at
//! most [`EXACT_DISTINCT`] distinct values, else the sketch of the multiset (which is what adding the
//! values one by one gives: bucket counts add). Distinct counts only grow under union, so any
//! split into shards merged in any order reaches the same state, byte for byte once serialised.

use serde::{Deserialize, Serialize};

use super::f64_text;
use super::sketch::{Sketch, SketchError};

/// Distinct values kept exactly; a quantity with more switches to the sketch.
pub const EXACT_DISTINCT: usize = 128;

/// Mergeable quantiles of a stream of numbers; see the module documentation for the rank rule and
/// the error bound. Non-finite inputs are counted in [`non_finite`](Self::non_finite) and otherwise
/// ignored; `-0.0` is treated as `0.0`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Repr", into = "Repr")]
pub struct Quantiles {
    /// Relative accuracy of the sketch used once the values are too many to keep.
    alpha: f64,
    /// Distinct finite values with their counts, ascending, while there are at most
    /// [`EXACT_DISTINCT`]; `None` once there were more.
    exact: Option<Vec<(f64, u64)>>,
    /// The sketch of all finite values; empty (unused) while `exact` is `Some`.
    sketch: Sketch,
    count: u64,
    non_finite: u64,
    /// `+inf` / `-inf` while empty.
    min: f64,
    max: f64,
    /// How many values equal `min` / `max`.
    min_count: u64,
    max_count: u64,
}

impl Quantiles {
    /// Empty, with sketch accuracy `alpha` (see [`Sketch::with_alpha`]).
    ///
    /// # Panics
    /// If `alpha` is not in `[1e-4, 0.5]`.
    pub fn with_alpha(alpha: f64) -> Self {
        Quantiles {
            alpha,
            exact: Some(Vec::new()),
            sketch: Sketch::with_alpha(alpha),
            count: 0,
            non_finite: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            min_count: 0,
            max_count: 0,
        }
    }

    /// Empty, with the sketch's default accuracy.
    pub fn new() -> Self {
        Self::with_alpha(super::DEFAULT_ALPHA)
    }

    /// The sketch accuracy α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Adds one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.non_finite += 1;
            return;
        }
        let x = x + 0.0; // -0.0 -> 0.0
        self.count += 1;
        self.extremes(x, 1, x, 1);
        match &mut self.exact {
            Some(list) => {
                match list.binary_search_by(|e| e.0.total_cmp(&x)) {
                    Ok(i) => list[i].1 += 1,
                    Err(i) => list.insert(i, (x, 1)),
                }
                if list.len() > EXACT_DISTINCT {
                    self.spill_to_sketch();
                }
            }
            None => self.sketch.add(x),
        }
    }

    /// Folds another stream's extremes (`lo` seen `nlo` times, `hi` seen `nhi` times) into ours.
    fn extremes(&mut self, lo: f64, nlo: u64, hi: f64, nhi: u64) {
        if nlo > 0 {
            if lo < self.min {
                (self.min, self.min_count) = (lo, nlo);
            } else if lo == self.min {
                self.min_count += nlo;
            }
        }
        if nhi > 0 {
            if hi > self.max {
                (self.max, self.max_count) = (hi, nhi);
            } else if hi == self.max {
                self.max_count += nhi;
            }
        }
    }

    /// Drops the exact list for the sketch of the same values.
    fn spill_to_sketch(&mut self) {
        if let Some(list) = self.exact.take() {
            for (v, c) in list {
                self.sketch.add_n(v, c);
            }
        }
    }

    /// Adds all of `other`'s values; the result is identical (including its serialisation) to the
    /// state of one stream fed both.
    pub fn merge(&mut self, other: &Self) {
        self.try_merge(other).expect("cannot merge quantiles")
    }

    /// Like [`merge`](Self::merge), but an error (leaving `self` unchanged) when the accuracies differ.
    pub fn try_merge(&mut self, other: &Self) -> Result<(), SketchError> {
        if self.alpha.to_bits() != other.alpha.to_bits() {
            return Err(SketchError::new(format!(
                "alpha mismatch: {} vs {}",
                self.alpha, other.alpha
            )));
        }
        self.count += other.count;
        self.non_finite += other.non_finite;
        self.extremes(other.min, other.min_count, other.max, other.max_count);
        match (&mut self.exact, &other.exact) {
            (Some(a), Some(b)) => {
                *a = super::store::merge_counted(a, b, f64::total_cmp);
                if a.len() > EXACT_DISTINCT {
                    self.spill_to_sketch();
                }
            }
            (Some(_), None) => {
                self.spill_to_sketch();
                self.sketch.merge(&other.sketch);
            }
            (None, Some(b)) => {
                for &(v, c) in b {
                    self.sketch.add_n(v, c);
                }
            }
            (None, None) => self.sketch.merge(&other.sketch),
        }
        Ok(())
    }

    /// Number of finite values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of non-finite values skipped.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// Whether every quantile is exact (at most [`EXACT_DISTINCT`] distinct values).
    pub fn is_exact(&self) -> bool {
        self.exact.is_some()
    }

    /// Exact smallest value; `None` when empty.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Exact largest value; `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// The `q`-quantile by the rank rule of the module documentation; `None` when empty or `q` is
    /// not in `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let n = self.count;
        let rank = ((q * (n - 1) as f64).floor() as u64).min(n - 1);
        if let Some(list) = &self.exact {
            let mut seen = 0;
            for &(v, c) in list {
                seen += c;
                if seen > rank {
                    return Some(v);
                }
            }
            return Some(self.max);
        }
        if rank < self.min_count {
            return Some(self.min);
        }
        if rank >= n - self.max_count {
            return Some(self.max);
        }
        self.sketch.quantile(q).map(|v| v.clamp(self.min, self.max))
    }
}

impl Default for Quantiles {
    fn default() -> Self {
        Self::new()
    }
}

/// One exact value with its count, the value as exact text.
#[derive(Serialize, Deserialize)]
struct Entry(#[serde(with = "f64_text")] f64, u64);

/// Serialised form: only the real state, floats as exact text.
#[derive(Serialize, Deserialize)]
struct Repr {
    #[serde(with = "f64_text")]
    alpha: f64,
    count: u64,
    non_finite: u64,
    #[serde(with = "f64_text::option")]
    min: Option<f64>,
    #[serde(with = "f64_text::option")]
    max: Option<f64>,
    min_count: u64,
    max_count: u64,
    /// The distinct values and counts while exact.
    exact: Option<Vec<Entry>>,
    /// The sketch once not exact.
    sketch: Option<Sketch>,
}

impl From<Quantiles> for Repr {
    fn from(q: Quantiles) -> Self {
        let (exact, sketch) = match q.exact {
            Some(l) => (
                Some(l.into_iter().map(|(v, c)| Entry(v, c)).collect()),
                None,
            ),
            None => (None, Some(q.sketch)),
        };
        Repr {
            alpha: q.alpha,
            count: q.count,
            non_finite: q.non_finite,
            min: (q.count > 0).then_some(q.min),
            max: (q.count > 0).then_some(q.max),
            min_count: q.min_count,
            max_count: q.max_count,
            exact,
            sketch,
        }
    }
}

impl TryFrom<Repr> for Quantiles {
    type Error = SketchError;

    fn try_from(r: Repr) -> Result<Self, SketchError> {
        let bad = |m: &str| Err(SketchError::new(m.to_string()));
        if !(1e-4..=0.5).contains(&r.alpha) {
            return bad("alpha not in [1e-4, 0.5]");
        }
        let mut q = Quantiles::with_alpha(r.alpha);
        match (r.min, r.max) {
            (None, None) if r.count == 0 && r.min_count == 0 && r.max_count == 0 => {}
            (Some(lo), Some(hi))
                if r.count > 0
                    && lo.is_finite()
                    && hi.is_finite()
                    && lo <= hi
                    && (1..=r.count).contains(&r.min_count)
                    && (1..=r.count).contains(&r.max_count) =>
            {
                (q.min, q.max) = (lo, hi);
            }
            _ => return bad("min/max inconsistent with count"),
        }
        match (r.exact, r.sketch) {
            (Some(list), None) => {
                if list.len() > EXACT_DISTINCT {
                    return bad("too many exact values");
                }
                let list: Vec<(f64, u64)> = list.into_iter().map(|Entry(v, c)| (v, c)).collect();
                let ascending = list.windows(2).all(|w| w[0].0 < w[1].0);
                let total = list.iter().try_fold(0u64, |t, &(v, c)| {
                    (c > 0 && v.is_finite()).then(|| t.checked_add(c)).flatten()
                });
                if !ascending || total != Some(r.count) {
                    return bad("exact values not ascending or not adding up to count");
                }
                if let (Some(f), Some(l)) = (list.first(), list.last())
                    && (f.0 != q.min || l.0 != q.max || f.1 != r.min_count || l.1 != r.max_count)
                {
                    return bad("exact values disagree with min/max");
                }
                q.exact = Some(list);
            }
            (None, Some(s)) => {
                if s.count() != r.count || s.alpha().to_bits() != r.alpha.to_bits() {
                    return bad("sketch disagrees with count or alpha");
                }
                q.exact = None;
                q.sketch = s;
            }
            _ => return bad("exactly one of `exact` and `sketch` must be present"),
        }
        q.count = r.count;
        q.non_finite = r.non_finite;
        q.min_count = r.min_count;
        q.max_count = r.max_count;
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn of(xs: &[f64], alpha: f64) -> Quantiles {
        let mut q = Quantiles::with_alpha(alpha);
        for &x in xs {
            q.add(x);
        }
        q
    }

    /// numpy.quantile(xs, q, method="lower").
    fn lower(xs: &[f64], q: f64) -> f64 {
        let mut s: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        s.sort_by(f64::total_cmp);
        s[(q * (s.len() - 1) as f64).floor() as usize]
    }

    const QS: [f64; 7] = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];

    #[test]
    fn integer_valued_quantities_are_exact() {
        // A month in 20..=36 and a count in 0..=2, as treaty_month and clash_count: the sketch gave
        // 21.12 and 0.99 for these ranks; the exact list gives the order statistic itself.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let months: Vec<f64> = (0..563)
            .map(|_| 20.0 + (rng.random::<f64>().powi(3) * 17.0).floor())
            .collect();
        let counts: Vec<f64> = (0..1000)
            .map(|i| {
                if i % 9 == 0 {
                    1.0
                } else if i % 97 == 0 {
                    2.0
                } else {
                    0.0
                }
            })
            .collect();
        for xs in [&months, &counts] {
            let q = of(xs, 0.01);
            assert!(q.is_exact());
            for &p in &QS {
                assert_eq!(q.quantile(p), Some(lower(xs, p)), "q = {p}");
            }
        }
        // p95 of 1000 runs with 111 ones among zeros is 1, exactly.
        assert_eq!(of(&counts, 0.01).quantile(0.95), Some(1.0));
    }

    #[test]
    fn mass_at_the_maximum_is_exact_beyond_the_exact_list() {
        // 85% of runs at exactly 1.0 and 15% spread below (party support that saturates): the sketch
        // alone reported 0.99 for every quantile at α = 0.01, below a mean of 0.98.
        let mut xs: Vec<f64> = (0..850).map(|_| 1.0).collect();
        xs.extend((0..150).map(|i| 0.85 + i as f64 * 0.001));
        let q = of(&xs, 0.01);
        assert!(!q.is_exact());
        for p in [0.25, 0.5, 0.75, 0.95, 1.0] {
            assert_eq!(q.quantile(p), Some(1.0), "q = {p}");
        }
        let p05 = q.quantile(0.05).unwrap();
        assert!(
            (p05 - lower(&xs, 0.05)).abs() <= 0.01 * lower(&xs, 0.05),
            "{p05}"
        );
    }

    #[test]
    fn continuous_quantities_are_within_alpha() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let xs: Vec<f64> = (0..5000).map(|_| rng.random::<f64>()).collect();
        for alpha in [0.01, 0.001] {
            let q = of(&xs, alpha);
            assert!(!q.is_exact());
            for &p in &QS {
                let (got, want) = (q.quantile(p).unwrap(), lower(&xs, p));
                assert!(
                    (got - want).abs() <= alpha * want * (1.0 + 1e-9),
                    "{p}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn non_finite_and_empty() {
        let q = of(&[f64::NAN, f64::INFINITY], 0.01);
        assert_eq!(q.quantile(0.5), None);
        assert_eq!((q.count(), q.non_finite()), (0, 2));
        let q = of(&[-0.0, 0.0, 2.0], 0.01);
        assert_eq!(q.quantile(0.0).unwrap().to_bits(), 0.0f64.to_bits());
        assert_eq!(q.quantile(1.1), None);
    }

    #[test]
    fn serde_round_trip_is_exact_and_checked() {
        for xs in [
            vec![],
            vec![1.5, 2.0, 2.0],
            (0..500).map(|i| i as f64 * 0.37).collect(),
        ] {
            let q = of(&xs, 0.01);
            let json = serde_json::to_string(&q).unwrap();
            let back: Quantiles = serde_json::from_str(&json).unwrap();
            assert_eq!(back, q);
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
        }
        let json = serde_json::to_string(&of(&[1.0, 2.0], 0.01)).unwrap();
        let bad = json.replace("\"count\":2", "\"count\":3");
        assert!(serde_json::from_str::<Quantiles>(&bad).is_err());
    }

    fn values() -> impl Strategy<Value = f64> {
        prop_oneof![
            (0u8..6).prop_map(f64::from),
            0.0f64..1.0,
            Just(1.0),
            -1e3f64..1e3,
            Just(f64::NAN),
        ]
    }

    proptest! {
        #[test]
        fn shards_merged_in_any_order_equal_the_whole(
            xs in prop::collection::vec(values(), 0..400),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
            seed in any::<u64>(),
        ) {
            let whole = serde_json::to_string(&of(&xs, 0.01)).unwrap();
            let mut idx: Vec<usize> = cuts.iter().map(|c| c.index(xs.len() + 1)).collect();
            idx.extend([0, xs.len()]);
            idx.sort_unstable();
            let mut shards: Vec<Quantiles> = idx.windows(2).map(|w| of(&xs[w[0]..w[1]], 0.01)).collect();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for i in (1..shards.len()).rev() {
                shards.swap(i, rng.random_range(0..=i));
            }
            let mut merged = Quantiles::with_alpha(0.01);
            for s in &shards {
                let s: Quantiles = serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap();
                merged.merge(&s);
            }
            prop_assert_eq!(serde_json::to_string(&merged).unwrap(), whole);
        }
    }
}
