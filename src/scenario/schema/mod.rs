//! The scenario schema: serde types for everything a scenario file can say (docs/scenario-format.md is the reference).
//!
//! Every struct denies unknown fields (a typo such as `budjet` is an error, never ignored). Every field
//! that may be omitted has its default documented on the field and in docs/scenario-format.md.
//! Real numbers are [`Param`]s (fixed or a distribution); counts and months are plain integers.
//! Entities refer to each other by `id` strings, checked by [`super::validate`].

mod actions;
mod actor;
mod country;
mod events;
mod indicator;
mod mechanisms;
mod observation;
mod outcome;
mod sweep;
mod voters;
mod world;

pub use actions::*;
pub use actor::*;
pub use country::*;
pub use events::*;
pub use indicator::*;
pub use mechanisms::*;
pub use observation::*;
pub use outcome::*;
pub use sweep::*;
pub use voters::*;
pub use world::*;

pub use super::param::{Dist, Param};
use serde::{Deserialize, Serialize};

/// The format version this build reads (`format: 1`).
pub const FORMAT_VERSION: u32 = 1;

/// A whole scenario, after `extends` and `--set` have been resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must equal [`FORMAT_VERSION`].
    pub format: u32,
    /// Path of the scenario this one extends (resolved away by the loader; kept for the record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Run settings: name, dates, default runs and seed.
    pub run: RunSettings,
    /// Opinion dimensions citizens hold, each in [0, 1].
    pub dimensions: Vec<Dimension>,
    pub countries: Vec<Country>,
    pub actors: Vec<Actor>,
    /// Negotiated issues (positions on 0..100). Default: none.
    #[serde(default)]
    pub issues: Vec<Issue>,
    /// Infrastructure projects. Default: none.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Trade routes. Default: none.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Elections. Default: none.
    #[serde(default)]
    pub elections: Vec<Election>,
    /// The process (phases and transition rules). Default: a single phase `none`, no transitions.
    #[serde(default)]
    pub process: Process,
    /// Scheduled and stochastic events. Default: none.
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// What is measured at the end of each run.
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    /// Named outcome classes, first matching rule wins. Default: none.
    #[serde(default)]
    pub outcome_classes: Vec<OutcomeClass>,
    /// Regional mechanisms' parameters (tension, influence, economy). Every field has a default.
    #[serde(default)]
    pub world: WorldParams,
    /// Recording: which indicators go into series.csv. Default: all of them.
    #[serde(default)]
    pub record: RecordSettings,
    /// A parameter sweep for `crossroads sweep FILE` (flags override its fields). The model ignores
    /// it. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSpec>,
    /// What was observed in the real world, for `crossroads calibrate` and `crossroads score`. The
    /// model ignores it. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
}

/// Run settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// Short name; also the default output folder `outputs/<name>`. Letters, digits, `-`, `_`.
    pub name: String,
    /// One paragraph saying what the scenario models. Default: empty.
    #[serde(default)]
    pub description: String,
    /// First month simulated, `"YYYY-MM"`.
    pub start: String,
    /// Number of monthly ticks (at least 1).
    pub horizon: u32,
    /// Default number of runs for `crossroads run`. Default: 1000.
    #[serde(default = "default_runs")]
    pub runs: u64,
    /// Default root seed. Default: 1.
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_runs() -> u64 {
    1000
}
fn default_seed() -> u64 {
    1
}

/// An opinion dimension (e.g. support for the peace deal), values in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub id: String,
    /// Human label for charts. Default: the id.
    #[serde(default)]
    pub label: String,
    /// What 1.0 means (0.0 is its opposite). Default: empty.
    #[serde(default)]
    pub description: String,
}

/// Which indicators are recorded per tick into series.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSettings {
    /// Also record per-dimension sd, polarisation and cluster counts in series.csv. They cost about a
    /// quarter of a run's time at the default population, so they are off unless asked for. Default: false.
    #[serde(default)]
    pub population_detail: bool,
    /// `opinion_share` counts citizens with an opinion strictly above this. Default: 0.5.
    #[serde(default = "half")]
    pub share_threshold: f64,
    /// Sorted opinions further apart than this start a new cluster (`clusters`). Default: 0.05.
    #[serde(default = "cluster_gap")]
    pub cluster_gap: f64,
    /// A cluster counts only if it holds at least this share of citizens. Default: 0.01.
    #[serde(default = "cluster_min")]
    pub cluster_min_share: f64,
    /// Series also written run by run to runs_series.csv (a tidy long file: run, tick, date,
    /// indicator, entity, value): `"all"`, an indicator (`"opinion"`, every entity) or
    /// `"indicator:entity"` (`"opinion:armenia/peace_support"`). `run --per-run-series` adds to it.
    /// Default: none.
    #[serde(default)]
    pub per_run: Vec<String>,
}

fn half() -> f64 {
    0.5
}
fn cluster_gap() -> f64 {
    0.05
}
fn cluster_min() -> f64 {
    0.01
}

impl Default for RecordSettings {
    fn default() -> Self {
        RecordSettings {
            population_detail: false,
            share_threshold: 0.5,
            cluster_gap: 0.05,
            cluster_min_share: 0.01,
            per_run: Vec::new(),
        }
    }
}

/// Parses `"YYYY-MM"` into (year, month 1..=12).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (1..=12).contains(&m).then_some((y, m))
}

/// Months from `start` to `month` (both `"YYYY-MM"`): the tick at which `month` happens.
pub fn month_offset(start: &str, month: &str) -> Option<i64> {
    let (y0, m0) = parse_month(start)?;
    let (y1, m1) = parse_month(month)?;
    Some((y1 as i64 - y0 as i64) * 12 + (m1 as i64 - m0 as i64))
}

/// The month whose end tick `tick` records (the one time convention of every output: trace, series.csv,
/// events.csv, charts): tick `t ≥ 1` is the state at the end of month `t`, month 1 being `start`, so
/// it is dated `start + (t − 1)` months, and an event or decision made while simulating tick `t`
/// carries that date too; tick 0, the initial state (the start of `start`), is dated the month
/// before `start` (its end). With `start: "2025-11"`: tick 0 `2025-10`, tick 1 `2025-11`, tick 21
/// `2027-07`.
pub fn tick_month(start: &str, tick: u32) -> String {
    let (y0, m0) = parse_month(start).unwrap_or((2000, 1));
    let total = y0 as i64 * 12 + (m0 as i64 - 1) + tick as i64 - 1;
    format!(
        "{:04}-{:02}",
        total.div_euclid(12),
        total.rem_euclid(12) + 1
    )
}

/// The `"YYYY-MM"` label of `start` plus `tick` months.
pub fn tick_date(start: &str, tick: u32) -> String {
    let (y0, m0) = parse_month(start).unwrap_or((2000, 1));
    let total = y0 as i64 * 12 + (m0 as i64 - 1) + tick as i64;
    format!(
        "{:04}-{:02}",
        total.div_euclid(12),
        total.rem_euclid(12) + 1
    )
}
