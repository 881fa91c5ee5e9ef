//! Binary outcomes: [`BinaryCount`] (successes out of n, exactly mergeable)
//! and the Wilson score interval ([`wilson`]).

use serde::{Deserialize, Serialize};

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959963984540054;

/// Number of successes out of `n` trials.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BinaryCount {
    /// Trials that came out `true`.
    pub successes: u64,
    /// All trials.
    pub n: u64,
}

impl BinaryCount {
    /// No trials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one trial.
    #[inline]
    pub fn add(&mut self, success: bool) {
        self.successes += success as u64;
        self.n += 1;
    }

    /// Adds `other`'s trials (exact).
    pub fn merge(&mut self, other: &Self) {
        self.successes += other.successes;
        self.n += other.n;
    }

    /// `successes / n`; `None` when `n = 0`.
    pub fn probability(&self) -> Option<f64> {
        (self.n > 0).then(|| self.successes as f64 / self.n as f64)
    }

    /// Wilson score interval at the given `z`; see [`wilson`].
    pub fn wilson(&self, z: f64) -> (f64, f64) {
        wilson(self.successes, self.n, z)
    }

    /// 95 % Wilson score interval.
    pub fn wilson95(&self) -> (f64, f64) {
        wilson(self.successes, self.n, Z95)
    }
}

/// Wilson score interval `(lo, hi)` for `successes` out of `n` with normal
/// quantile `z` (use [`Z95`] for 95 %):
/// `(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)`.
///
/// `n = 0` gives `(0, 1)`. `successes = 0` gives exactly `lo = 0` and
/// `successes = n` exactly `hi = 1`; bounds are clamped to `[0, 1]`.
/// `successes > n` is clamped to `n`.
pub fn wilson(successes: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let s = successes.min(n);
    let nf = n as f64;
    let p = s as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let center = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    let lo = if s == 0 {
        0.0
    } else {
        (center - half).clamp(0.0, 1.0)
    };
    let hi = if s == n {
        1.0
    } else {
        (center + half).clamp(0.0, 1.0)
    };
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: (f64, f64), want: (f64, f64)) {
        assert!(
            (got.0 - want.0).abs() < 1e-4 && (got.1 - want.1).abs() < 1e-4,
            "{got:?} vs {want:?}"
        );
    }

    #[test]
    fn known_values_95() {
        close(wilson(8, 10, Z95), (0.4902, 0.9433));
        close(wilson(0, 10, Z95), (0.0, 0.2775));
        close(wilson(10, 10, Z95), (0.7225, 1.0));
        close(wilson(50, 100, Z95), (0.4038, 0.5962));
        close(wilson(1, 1000, Z95), (0.000177, 0.005643));
        assert_eq!(wilson(0, 0, Z95), (0.0, 1.0));
        assert_eq!(wilson(0, 10, Z95).0, 0.0);
        assert_eq!(wilson(10, 10, Z95).1, 1.0);
    }

    #[test]
    fn other_z_and_symmetry() {
        // 90 %: z = 1.6448536269514722; 8/10 -> (0.5408, 0.9314)
        close(wilson(8, 10, 1.6448536269514722), (0.5408, 0.9314));
        let (lo, hi) = wilson(3, 17, Z95);
        let (lo2, hi2) = wilson(14, 17, Z95);
        assert!((lo - (1.0 - hi2)).abs() < 1e-12 && (hi - (1.0 - lo2)).abs() < 1e-12);
        // Wider z, wider interval.
        let (a, b) = wilson(3, 17, 1.0);
        assert!(a > lo && b < hi);
    }

    #[test]
    fn counting_and_merge() {
        let mut a = BinaryCount::new();
        assert_eq!(a.probability(), None);
        assert_eq!(a.wilson95(), (0.0, 1.0));
        for i in 0..10 {
            a.add(i < 8);
        }
        assert_eq!(
            a,
            BinaryCount {
                successes: 8,
                n: 10
            }
        );
        assert_eq!(a.probability(), Some(0.8));
        let mut b = BinaryCount {
            successes: 42,
            n: 90,
        };
        b.merge(&a);
        assert_eq!(
            b,
            BinaryCount {
                successes: 50,
                n: 100
            }
        );
        close(b.wilson95(), (0.4038, 0.5962));
    }
}
