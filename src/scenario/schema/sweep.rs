//! The optional `sweep:` block: a parameter sweep stored with the scenario, which `crossroads sweep
//! FILE` runs when no `--param` is given (flags override its fields). The model never reads it: a
//! file with a sweep block runs exactly as the same file without it.

use serde::{Deserialize, Serialize};

/// A parameter sweep over the scenario: parameters with ranges, a design, and the runs per point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// What the sweep asks, in a sentence (shown in the experiment's report). Default: empty.
    #[serde(default)]
    pub description: String,
    /// The swept parameters, each a `--set` path with a range. Required, at least one.
    pub params: Vec<SweepParam>,
    /// How points are placed in the ranges. Default: `Grid`.
    #[serde(default)]
    pub design: SweepDesign,
    /// Levels per parameter (`Grid`: `samples^d` points) or points (`Lhs`, `Sobol`), at least 1.
    /// Default: 5.
    #[serde(default = "d_samples")]
    pub samples: u32,
    /// Runs per point (runs `0..R` of the seed at every point: common random numbers), at least 1.
    /// Default: 100.
    #[serde(default = "d_runs_per_point")]
    pub runs_per_point: u64,
}

/// One swept parameter: a path to a numeric parameter and the range `[lo, hi]` it is swept over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepParam {
    /// The parameter's path in the `--set` syntax (`actors.russia.budget`); it must name a real-valued
    /// parameter (a Param or a plain number), and both ends of the range must be valid values of it.
    pub path: String,
    /// Lower end of the range (a plain number). Required.
    pub lo: f64,
    /// Upper end of the range (a plain number), greater than `lo`. Required.
    pub hi: f64,
}

/// The designs of `crossroads sweep` (`--design grid|lhs|sobol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SweepDesign {
    /// `samples` evenly spaced levels per parameter, every combination.
    #[default]
    Grid,
    /// Latin hypercube: `samples` points, one per stratum per parameter.
    Lhs,
    /// The first `samples` points of a scrambled Sobol sequence (up to 21 parameters).
    Sobol,
}

impl SweepDesign {
    /// The design's name as `--design` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SweepDesign::Grid => "grid",
            SweepDesign::Lhs => "lhs",
            SweepDesign::Sobol => "sobol",
        }
    }
}

/// `samples` when neither the block nor `--samples` gives it.
pub const SWEEP_DEFAULT_SAMPLES: u32 = 5;
/// `runs_per_point` when neither the block nor `--runs-per-point` gives it.
pub const SWEEP_DEFAULT_RUNS_PER_POINT: u64 = 100;

fn d_samples() -> u32 {
    SWEEP_DEFAULT_SAMPLES
}
fn d_runs_per_point() -> u64 {
    SWEEP_DEFAULT_RUNS_PER_POINT
}

/// The most points a `Grid` sweep may have (`samples^d`).
pub const SWEEP_MAX_GRID_POINTS: f64 = 1e6;

/// The most parameters a `Sobol` sweep may have (the dimensions of the Joe–Kuo table,
/// `experiments::design::SOBOL_MAX_DIM`).
pub const SWEEP_SOBOL_MAX_PARAMS: usize = 21;
