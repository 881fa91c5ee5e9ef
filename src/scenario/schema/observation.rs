//! The optional `observations:` block: what was observed in the real world, with how it was measured,
//! for `crossroads calibrate` (which fits the uncertain parameters to the observations dated up to
//! `--until`) and `crossroads score` (which scores a run folder's forecasts against them). The model
//! never reads it: a file with observations runs exactly as the same file without them.
//!
//! An observation names a recorded series the way series.csv does (`indicator` + `entity`, e.g.
//! `party_support` + `civil_contract`), so any series the model records can be observed without a code
//! change; two derived selectors add `phase_reached` (entity: a phase id; 1 if the process was in that
//! phase at some tick up to the month, else 0) and `outcome` (entity: an outcome id; the run's outcome,
//! for `score` only). Which selectors exist is checked against the model's series layout by the
//! commands that use the block (`validate`, `calibrate`, `score`); this file holds the plain data.

use serde::{Deserialize, Serialize};

/// One observation of the real world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// Unique id (letters, digits, `_`, `-`), the observation's name in every output.
    pub id: String,
    /// The month observed, `"YYYY-MM"`: compared with the state after that month (the row of tick
    /// `offset + 1`, dated the following month in series.csv), the convention of outcomes `At: Month`.
    /// Must fall within the run (`start` to `start + horizon - 1`).
    pub month: String,
    /// The series' indicator as in series.csv (`opinion`, `growth`, `route_volume`, `party_support`,
    /// ...), or `phase_reached`, or `outcome`.
    pub indicator: String,
    /// The series' entity as in series.csv (`armenia/peace_support`, `armenia`, `region`, a party id,
    /// ...); for `phase_reached` a phase id, for `outcome` an outcome id.
    pub entity: String,
    /// How it was measured, with the observed value.
    pub measured: Measurement,
    /// Where the observation comes from (publisher, date, page). Default: empty.
    #[serde(default)]
    pub source: String,
}

/// How an observation was measured, with the observed value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Measurement {
    /// A survey share: `share` of `n` respondents (the respondents the share is computed among, e.g.
    /// the decided ones for a share among decided voters). Sampling error is binomial with an
    /// effective sample size `n / design_effect`; shares of one survey that name the same `survey`
    /// id are one multinomial draw (their errors are negatively correlated).
    Poll {
        /// The observed share, in [0, 1].
        share: f64,
        /// Respondents, > 0.
        n: f64,
        /// Variance inflation of the survey design (clustering, weighting), > 0. Default: 1 (simple
        /// random sampling).
        #[serde(default = "one")]
        design_effect: f64,
        /// Survey id grouping the shares of one questionnaire (same month, `n` and `design_effect`;
        /// shares summing to at most 1). Default: none (a binomial share on its own).
        #[serde(default)]
        survey: Option<String>,
    },
    /// A value with a Gaussian standard error `se` > 0.
    Value { value: f64, se: f64 },
    /// The value is known to lie in `[lo, hi]` (`lo < hi`), nothing more.
    Interval { lo: f64, hi: f64 },
}

fn one() -> f64 {
    1.0
}

impl Measurement {
    /// The observed value as a point: the share, the value, or the interval's midpoint.
    pub fn point(&self) -> f64 {
        match *self {
            Measurement::Poll { share, .. } => share,
            Measurement::Value { value, .. } => value,
            Measurement::Interval { lo, hi } => 0.5 * (lo + hi),
        }
    }

    /// The measurement's standard error: `sqrt(design_effect · p(1 − p) / n)` for a poll (with the
    /// observed share), `se` for a value, the half-width over √3 for an interval (a uniform
    /// distribution's sd).
    pub fn sd(&self) -> f64 {
        match *self {
            Measurement::Poll {
                share,
                n,
                design_effect,
                ..
            } => (design_effect * share * (1.0 - share) / n).sqrt(),
            Measurement::Value { se, .. } => se,
            Measurement::Interval { lo, hi } => 0.5 * (hi - lo) / 3f64.sqrt(),
        }
    }
}

/// The derived selector: whether the process was in a phase at some tick up to the month.
pub const PHASE_REACHED: &str = "phase_reached";
/// The derived selector: a run's outcome (for `score`).
pub const OUTCOME: &str = "outcome";
