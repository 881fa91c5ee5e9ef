//! [`Summary`]: the per-indicator / per-outcome aggregate combining exact
//! [`Moments`], mergeable [`Quantiles`] and a count of missing values.

use serde::{Deserialize, Serialize};

use super::{Moments, Quantiles};

/// Streaming summary of a numeric outcome or indicator across runs.
///
/// `add(None)` counts a missing value (e.g. an indicator a run never
/// produced). `add(Some(x))` feeds both the moments and the quantiles; a
/// non-finite `x` is counted by both as invalid (see
/// [`Summary::invalid`]) and does not affect any statistic. Merging is exact,
/// so shards merge to exactly the summary of the whole batch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Count, exact sum and sum of squares (mean, sd).
    pub moments: Moments,
    /// Quantiles (exact for few distinct values) with exact min / max.
    pub quantiles: Quantiles,
    /// Number of `None` values.
    pub missing: u64,
}

impl Summary {
    /// An empty summary with the default sketch accuracy.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty summary whose sketch has relative accuracy `alpha`.
    pub fn with_alpha(alpha: f64) -> Self {
        Self {
            quantiles: Quantiles::with_alpha(alpha),
            ..Self::default()
        }
    }

    /// Adds one observation; `None` is counted as missing.
    #[inline]
    pub fn add(&mut self, x: Option<f64>) {
        match x {
            Some(v) => {
                self.moments.add(v);
                self.quantiles.add(v);
            }
            None => self.missing += 1,
        }
    }

    /// Adds all of `other`'s observations (exact).
    ///
    /// # Panics
    /// If the sketches have different accuracies.
    pub fn merge(&mut self, other: &Self) {
        self.quantiles.merge(&other.quantiles);
        self.moments.merge(&other.moments);
        self.missing += other.missing;
    }

    /// Number of finite values observed.
    pub fn count(&self) -> u64 {
        self.quantiles.count()
    }

    /// Number of `None` values.
    pub fn missing(&self) -> u64 {
        self.missing
    }

    /// Number of non-finite values observed.
    pub fn invalid(&self) -> u64 {
        self.quantiles.non_finite()
    }

    /// Mean of the finite values (those with `|x| < 2^96`, see [`Moments`]);
    /// `None` when there are none.
    pub fn mean(&self) -> Option<f64> {
        self.moments.mean()
    }

    /// Sample standard deviation (n − 1); 0 for fewer than two values.
    pub fn sd(&self) -> f64 {
        self.moments.sd()
    }

    /// Quantile by the lower-order-statistic rule; see [`Quantiles::quantile`].
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.quantiles.quantile(q)
    }

    /// Exact minimum of the finite values.
    pub fn min(&self) -> Option<f64> {
        self.quantiles.min()
    }

    /// Exact maximum of the finite values.
    pub fn max(&self) -> Option<f64> {
        self.quantiles.max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn summary_of(xs: &[Option<f64>]) -> Summary {
        let mut s = Summary::new();
        for &x in xs {
            s.add(x);
        }
        s
    }

    #[test]
    fn basic_statistics() {
        let s = summary_of(&[Some(1.0), None, Some(2.0), Some(f64::NAN), Some(3.0), None]);
        assert_eq!(s.count(), 3);
        assert_eq!(s.missing(), 2);
        assert_eq!(s.invalid(), 1);
        assert_eq!(s.mean(), Some(2.0));
        assert_eq!(s.sd(), 1.0);
        assert_eq!(s.min(), Some(1.0));
        assert_eq!(s.max(), Some(3.0));
        assert_eq!(s.quantile(0.5), Some(2.0));
        let empty = summary_of(&[None]);
        assert_eq!(empty.mean(), None);
        assert_eq!(empty.quantile(0.5), None);
        assert_eq!(empty.missing(), 1);
    }

    #[test]
    fn serde_roundtrip() {
        let s = summary_of(&[Some(0.1), Some(-7.25), None, Some(1e10), Some(0.0)]);
        let json = serde_json::to_string(&s).unwrap();
        let back: Summary = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    proptest! {
        #[test]
        fn shards_merge_to_the_whole(
            xs in prop::collection::vec(prop::option::weighted(0.9, -1e9f64..1e9), 0..200),
            cut in any::<prop::sample::Index>(),
        ) {
            let k = cut.index(xs.len() + 1);
            let mut a = summary_of(&xs[..k]);
            a.merge(&summary_of(&xs[k..]));
            prop_assert_eq!(
                serde_json::to_string(&a).unwrap(),
                serde_json::to_string(&summary_of(&xs)).unwrap()
            );
        }
    }
}
