//! stats: streaming, mergeable, deterministic aggregates of run outcomes.
//!
//! Everything here is pure (no IO, no threads) and deterministic: the same
//! inputs in the same order give the same bits, and every `merge` is exact, so
//! a batch split into shards and merged is byte-identical to the batch run
//! whole.
//!
//! * [`ExactSum`], [`Moments`]: exact fixed-point sums, mean and sd.
//! * [`Sketch`]: fixed-range logarithmic quantile sketch (relative accuracy α); its buckets live in
//!   a [`store::Store`] whose memory is bounded by the values' range, not their number.
//! * [`Quantiles`]: exact quantiles while a quantity has few distinct values, the sketch beyond,
//!   exact extremes; what the outputs report.
//! * [`Summary`]: moments + sketch + missing count for one indicator/outcome.
//! * [`BinaryCount`], [`wilson`]: probabilities with Wilson score intervals.
//! * [`icd203_words`]: ICD 203 words of estimative probability.
//! * [`quantile_exact`], [`freedman_diaconis_bins`], [`histogram`]: exact
//!   helpers for tests and charts.

pub mod binary;
pub mod exact;
pub mod f64_text;
pub mod icd203;
pub mod moments;
pub mod quantile;
pub mod quantiles;
pub mod sketch;
pub mod store;
pub mod summary;

pub use binary::{BinaryCount, Z95, wilson};
pub use exact::ExactSum;
pub use icd203::{icd203_span, icd203_words};
pub use moments::Moments;
pub use quantile::{Histogram, freedman_diaconis_bins, histogram, quantile_exact};
pub use quantiles::{EXACT_DISTINCT, Quantiles};
pub use sketch::{DEFAULT_ALPHA, Sketch, SketchError};
pub use summary::Summary;
