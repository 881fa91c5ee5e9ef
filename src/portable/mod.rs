//! Portable numerics: functions and random samplers that give the same bits on every platform and
//! for every version of the crates around them, so that run `i` of seed `S` is the same run
//! everywhere.
//!
//! - [`math`]: the natural logarithm ([`math::ln`], the project's one), the exponential and the
//!   special functions the samplers and inverse CDFs need (normal CDF and quantile, log-gamma,
//!   regularised incomplete beta and its inverse).
//! - [`sample`]: the samplers every random draw of the project goes through: uniform reals and
//!   integers, Bernoulli, a ziggurat standard normal, truncated normal, gamma, beta, triangular,
//!   log-normal, uniform choice.
//!
//! **Why they are portable.** Everything here is written with IEEE 754 basic operations
//! (`+ − × ÷`, `sqrt`, conversions: all correctly rounded, so exactly specified; Rust never
//! contracts them into fused multiply-adds) and integer operations, or calls the pure-Rust `libm`
//! crate, pinned to one version in Cargo.toml (`=0.2.16`: a port of musl's libm, itself built from
//! the same basic operations; its optional hardware paths are only the correctly rounded `sqrt`,
//! `fma`, `rint`, `floor`, `ceil`, `trunc`), never the platform's C library, whose `exp`, `log`, `sin`
//! may differ in the last bit from one system to another. Nothing here depends on `rand`'s or
//! `rand_distr`'s algorithms, which may change between versions: only on the raw `next_u32` /
//! `next_u64` output of a generator (ChaCha8 in the model, a published algorithm). Tests pin first
//! draws for fixed seeds, so any change to a sampler shows.
//!
//! This module sits below every stage (scenario, model, stats, experiments use it) and uses nothing
//! of the crate.

pub mod linalg;
pub mod math;
pub mod sample;
