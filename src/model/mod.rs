//! The simulation model: one run of a scenario, tick by tick.
//!
//! Architecture invariant: the model does no IO and knows nothing of threads, files or charts. It takes
//! a realised scenario and named random streams and returns a [`RunOutput`] (the contract the batch
//! runner and `crossroads trace` build on). `schedule` is the tick, readable top to bottom.

pub mod actions;
pub mod bargaining;
pub mod citizens;
pub mod compile;
pub mod decisions;
pub mod drift;
pub mod economy;
pub mod elections;
pub mod events;
pub mod initial;
pub mod institutions;
pub mod log;
pub mod negotiation;
pub mod network;
pub mod opinion;
pub mod opinion_vector;
pub mod outcomes;
pub mod persuasion;
pub mod process;
pub mod projects;
pub mod record;
pub mod rng;
pub mod schedule;
pub mod voters;
pub mod world;

use crate::scenario::Resolved;

/// What a run should record beyond outcomes and series.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Record typed events (actions taken, elections, phase changes, fired events).
    pub events: bool,
    /// Also record each decision's alternatives with expected utilities and probabilities (trace --explain).
    pub explain: bool,
}

/// One outcome's value in one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutcomeValue {
    Bool(bool),
    /// `None`: the quantity never happened (e.g. a project that never became operational).
    Num(Option<f64>),
}

/// One recorded series: an indicator for one entity (e.g. `opinion`, `armenia/peace_support`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesKey {
    pub indicator: String,
    pub entity: String,
}

/// A typed event of a run (a row of events.csv; a line of a trace).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub tick: u32,
    /// Acting actor id; empty for world events (elections, phase changes, fired events).
    pub actor: String,
    /// Action name (`disinformation`, ...) or `election`, `phase`, `event`.
    pub action: String,
    /// Target id (country, project, party, issue, route) or the new phase / event id.
    pub target: String,
    /// Size of the act (budget spent, vote share, ...), see docs/outputs.md.
    pub magnitude: f64,
    /// What happened (`ok`, `detected`, `backfired`, winner id, ...).
    pub result: String,
}

/// One decision with the alternatives weighed (recorded with `explain`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub tick: u32,
    pub actor: String,
    /// (option label, expected utility, choice probability), "do nothing" included.
    pub options: Vec<(String, f64, f64)>,
    /// Index into `options` of the chosen one.
    pub chosen: usize,
}

/// Everything one run produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunOutput {
    /// Sampled values of the uncertain parameters, `(path, value)` in document order.
    pub params: Vec<(String, f64)>,
    /// One value per `scenario.outcomes`, same order.
    pub outcomes: Vec<OutcomeValue>,
    /// Index into `scenario.outcome_classes` of the run's class, if any matched.
    pub class: Option<usize>,
    /// Recorded indicators, row-major: `(horizon + 1)` rows (tick 0 = initial state) of
    /// `series_layout(..).len()` values.
    pub series: Vec<f64>,
    pub events: Vec<Event>,
    pub decisions: Vec<Decision>,
}

/// A model failure inside one run (a bug or an impossible state), reported with the run's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelError(pub String);

/// The series recorded for a scenario, in column order of [`RunOutput::series`].
pub fn series_layout(s: &crate::scenario::Scenario) -> Vec<SeriesKey> {
    record::layout(s).0
}

/// Runs run `run` of root seed `seed`: realises the uncertain parameters (each from its own stream
/// `param/<path>`) and simulates. A scenario without uncertain parameters is used as it is.
pub fn run_one(
    r: &Resolved,
    seed: u64,
    run: u64,
    opts: &RunOptions,
) -> Result<RunOutput, ModelError> {
    let streams = rng::Streams::new(seed, run);
    let (realised, params) = realise(r, &streams)?;
    let mut out = schedule::simulate(realised.as_ref().unwrap_or(&r.scenario), &streams, opts)?;
    out.params = params;
    Ok(out)
}

/// [`run_one`] driven month by month, asking `stop` before each month: `Ok(None)` when it answered
/// true (the run is abandoned). The same run as [`run_one`], bit for bit; the caller decides what
/// `stop` means (the batch: Ctrl-C), the model only asks.
pub fn run_one_until(
    r: &Resolved,
    seed: u64,
    run: u64,
    opts: &RunOptions,
    stop: &dyn Fn() -> bool,
) -> Result<Option<RunOutput>, ModelError> {
    let streams = rng::Streams::new(seed, run);
    let (realised, params) = realise(r, &streams)?;
    let scenario = realised.as_ref().unwrap_or(&r.scenario);
    let mut sim = schedule::Simulation::new(scenario, &streams, opts)?;
    for _ in 0..scenario.run.horizon {
        if stop() {
            return Ok(None);
        }
        sim.step()?;
    }
    let mut out = sim.finish()?;
    out.params = params;
    Ok(Some(out))
}

/// The run's scenario with its uncertain parameters drawn (`None`: it has none, use it as it is) and
/// the values drawn.
#[allow(clippy::type_complexity)]
fn realise(
    r: &Resolved,
    streams: &rng::Streams,
) -> Result<(Option<crate::scenario::Scenario>, Vec<(String, f64)>), ModelError> {
    if crate::scenario::param::dist_nodes(&r.tree).is_empty() {
        return Ok((None, Vec::new()));
    }
    // the same scenario as `r.realise(..)`, re-reading only the entries that hold a distribution
    let (s, drawn) = crate::scenario::param::realise_scenario(&r.tree, &r.scenario, &mut |path| {
        streams.get(&format!("param/{path}"))
    })
    .map_err(|e| ModelError(format!("realising the uncertain parameters: {e}")))?;
    Ok((Some(s), drawn))
}
