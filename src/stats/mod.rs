//! stats: streaming, mergeable, deterministic aggregates of run outcomes.
//!
//! Everything here is pure (no IO, no threads) and deterministic: the same
//! inputs in the same order give the same bits, and every `merge` is exact, so
//! a batch split into shards and merged is byte-identical to the batch run
//! whole.

pub mod exact;
pub mod moments;

pub use exact::ExactSum;
pub use moments::Moments;
