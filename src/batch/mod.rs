//! The Monte Carlo batch: runs `[first, end)` of a batch with root seed `S` on a rayon pool, delivered
//! to a single consumer **in run order** through a bounded reorder window.
//!
//! Invariants:
//! - Run `i` depends on `(S, i)` alone (the model derives its streams from them), so results do not
//!   depend on threads, shards or completion order.
//! - Workers take the next run index from a shared counter only while it is within `window` of the
//!   next run the consumer is waiting for, so at most `window` runs are in flight or buffered: memory is
//!   flat in the number of runs.
//! - The consumer sees runs strictly in order; a failure (panic or model error) at run `k` ends the
//!   batch with runs `< k` delivered and nothing after.
//! - A run whose sampled parameters, outcomes or series hold a NaN or an infinity fails (with its run
//!   index and seed, like a model error) instead of reaching the aggregates as a missing value.
//! - The stop flag (Ctrl-C, SIGTERM) is checked before each month of a run, so even one long run ends
//!   within a month's work: runs in flight are abandoned, the runs delivered stay.
//! - [`budget`] estimates a batch's time per run and memory before it starts.

pub mod aggregate;
pub mod budget;
#[doc(hidden)]
pub mod fake;
mod reorder;

pub use aggregate::{Aggregates, BlockFold, Cell, OutcomeAgg, QUANTILES};

use crate::model::{self, ModelError, RunOptions, RunOutput, SeriesKey};
use crate::scenario::Resolved;
use std::sync::atomic::AtomicBool;

/// Something that computes one run of a batch: the real model, or a fake in tests.
pub trait Simulate: Sync {
    /// The series columns every run records, in order.
    fn layout(&self) -> &[SeriesKey];
    /// Rows of series per run (horizon + 1).
    fn ticks(&self) -> u32;
    /// Runs run `run` of root seed `seed`.
    fn run(&self, seed: u64, run: u64, opts: &RunOptions) -> Result<RunOutput, ModelError>;
    /// Like [`Simulate::run`], abandoning the run (`Ok(None)`) as soon as `stop` answers true (the
    /// model asks before each month). The default asks only before the run.
    fn run_until(
        &self,
        seed: u64,
        run: u64,
        opts: &RunOptions,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<RunOutput>, ModelError> {
        if stop() {
            return Ok(None);
        }
        self.run(seed, run, opts).map(Some)
    }
}

/// The real model behind [`Simulate`].
pub struct ModelSim<'a> {
    resolved: &'a Resolved,
    layout: Vec<SeriesKey>,
}

impl<'a> ModelSim<'a> {
    pub fn new(resolved: &'a Resolved) -> Self {
        ModelSim {
            layout: model::series_layout(&resolved.scenario),
            resolved,
        }
    }

    /// The scenario's path as given on the command line.
    pub fn path(&self) -> &str {
        &self.resolved.path
    }
}

impl Simulate for ModelSim<'_> {
    fn layout(&self) -> &[SeriesKey] {
        &self.layout
    }
    fn ticks(&self) -> u32 {
        self.resolved.scenario.run.horizon + 1
    }
    fn run(&self, seed: u64, run: u64, opts: &RunOptions) -> Result<RunOutput, ModelError> {
        model::run_one(self.resolved, seed, run, opts)
    }
    fn run_until(
        &self,
        seed: u64,
        run: u64,
        opts: &RunOptions,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<RunOutput>, ModelError> {
        model::run_one_until(self.resolved, seed, run, opts, stop)
    }
}

/// Environment variables that give the shard index for `--shard auto/N`, in order of precedence,
/// with the number their first task has (0 or 1).
pub const SHARD_ENV_VARS: [(&str, u64); 3] = [
    ("SLURM_ARRAY_TASK_ID", 0),
    ("JOB_COMPLETION_INDEX", 0),
    ("PARALLEL_SEQ", 1),
];

/// The I-th of N contiguous slices of a batch's run indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `I/N` (0-based `I < N`).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Parses `I/N`, or `auto/N` with the index taken from the environment `env` (see
    /// [`Shard::index_from_env`]).
    pub fn parse_with_env(
        s: &str,
        env: &std::collections::HashMap<String, String>,
    ) -> Result<Shard, String> {
        match s.trim().strip_prefix("auto/") {
            Some(n) => {
                let count: u64 = n.trim().parse().ok().filter(|&c| c > 0).ok_or_else(|| {
                    format!("--shard {s:?}: expected auto/N with N >= 1, e.g. auto/4")
                })?;
                let index = Shard::index_from_env(count, env)?;
                Ok(Shard { index, count })
            }
            None => Shard::parse(s),
        }
    }

    /// The shard index for `--shard auto/N`, from the first variable set (non-empty) among
    /// [`SHARD_ENV_VARS`]: `SLURM_ARRAY_TASK_ID` (Slurm job arrays, 0-based as generated by
    /// `crossroads slurm`), `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs, 0-based) and
    /// `PARALLEL_SEQ` (GNU parallel, 1-based: index = PARALLEL_SEQ − 1). The value must be a number
    /// whose index lies in `[0, count)`.
    pub fn index_from_env(
        count: u64,
        env: &std::collections::HashMap<String, String>,
    ) -> Result<u64, String> {
        let found = SHARD_ENV_VARS
            .iter()
            .find_map(|&(var, base)| {
                env.get(var)
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .map(|v| (var, base, v))
            })
            .ok_or_else(|| {
                format!(
                    "--shard auto/{count}: no shard index in the environment: set one of {} \
                     (Slurm job array, Kubernetes Indexed Job, GNU parallel), or give --shard I/{count}",
                    SHARD_ENV_VARS
                        .iter()
                        .map(|(v, _)| *v)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        let (var, base, value) = found;
        let based = if base == 1 { ", 1-based" } else { "" };
        let n: u64 = value.parse().map_err(|_| {
            format!("--shard auto/{count}: {var}={value:?} is not a non-negative integer")
        })?;
        match n.checked_sub(base) {
            Some(i) if i < count => Ok(i),
            _ => Err(format!(
                "--shard auto/{count}: {var}={value} is out of range: expected {}..={}{based} \
                 (shard index 0..{count})",
                base,
                count - 1 + base
            )),
        }
    }

    /// The shard's run indices `[first, end)` in a batch of `runs`:
    /// `[floor(I·N/K), floor((I+1)·N/K))`.
    pub fn range(&self, runs: u64) -> (u64, u64) {
        let at = |i: u64| ((i as u128 * runs as u128) / self.count as u128) as u64;
        (at(self.index), at(self.index + 1))
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct BatchSpec {
    pub seed: u64,
    pub first: u64,
    pub end: u64,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Reorder window (runs in flight or buffered); 0 means `4 × threads`.
    pub window: usize,
    pub opts: RunOptions,
}

/// Why a batch stopped early.
#[derive(Debug, Clone, PartialEq)]
pub enum FailureKind {
    /// The model panicked.
    Panic,
    /// The model returned an error.
    Model,
    /// The consumer failed (an IO error, or an output of the wrong shape).
    Consumer,
}

/// A run that failed, with what reproduces it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub run: u64,
    pub seed: u64,
    pub kind: FailureKind,
    pub message: String,
}

impl Failure {
    /// `run 17 (seed 42) panicked: <msg>; reproduce with: crossroads trace FILE --run 17 --seed 42`.
    pub fn describe(&self, file: &str) -> String {
        let what = match self.kind {
            FailureKind::Panic => "panicked",
            FailureKind::Model => "failed",
            FailureKind::Consumer => "could not be recorded",
        };
        let mut s = format!(
            "run {} (seed {}) {}: {}",
            self.run, self.seed, what, self.message
        );
        if self.kind != FailureKind::Consumer {
            s += &format!(
                "; reproduce with: crossroads trace {file} --run {} --seed {}",
                self.run, self.seed
            );
        }
        s
    }
}

/// How a batch ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    Complete,
    /// The stop flag was raised (Ctrl-C): finished runs were delivered, no new ones started.
    Interrupted,
    Failed(Failure),
}

/// The first value of a run's output that is not finite, as a message (none: all finite).
pub fn non_finite(out: &RunOutput, layout: &[SeriesKey], ticks: u32) -> Option<String> {
    if let Some((p, v)) = out.params.iter().find(|(_, v)| !v.is_finite()) {
        return Some(format!("the sampled parameter {p} is {v}"));
    }
    if let Some((k, v)) = out.outcomes.iter().enumerate().find_map(|(k, v)| match v {
        model::OutcomeValue::Num(Some(x)) if !x.is_finite() => Some((k, *x)),
        _ => None,
    }) {
        return Some(format!("outcome {} (in scenario order) is {v}", k + 1));
    }
    let width = layout.len().max(1);
    if let Some(i) = out.series.iter().position(|v| !v.is_finite()) {
        let (t, k) = (i / width, i % width);
        let key = layout
            .get(k)
            .map_or(String::new(), |k| format!(" {} {}", k.indicator, k.entity));
        return Some(format!(
            "the series{key} became {} at month {t} (of {})",
            out.series[i],
            ticks.saturating_sub(1)
        ));
    }
    None
}

/// The result of [`run_batch`].
#[derive(Debug, Clone, PartialEq)]
pub struct BatchEnd {
    pub stop: Stop,
    /// Runs delivered to the consumer: `[first, first + completed)`.
    pub completed: u64,
    /// The reorder window used.
    pub window: usize,
    /// The largest number of runs ever in flight or buffered at once (always `<= window`).
    pub max_in_flight: usize,
}

/// Runs the batch: `consume(run, output)` is called on the calling thread for each run in order.
/// Raising `stop` makes workers take no new runs; the runs already started are finished and delivered.
/// A consumer error stops the batch like a failed run.
pub fn run_batch<S, F>(sim: &S, spec: &BatchSpec, stop: &AtomicBool, consume: F) -> BatchEnd
where
    S: Simulate + ?Sized,
    F: FnMut(u64, RunOutput) -> Result<(), String>,
{
    reorder::run(sim, spec, stop, consume)
}

/// All cores (at least 1).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn auto_shard_takes_the_index_from_the_environment() {
        let p = |s: &str, e: &[(&str, &str)]| Shard::parse_with_env(s, &env(e));
        let sh = |index, count| Ok(Shard { index, count });
        assert_eq!(p("auto/4", &[("SLURM_ARRAY_TASK_ID", "3")]), sh(3, 4));
        assert_eq!(p("auto/4", &[("JOB_COMPLETION_INDEX", "0")]), sh(0, 4));
        // GNU parallel counts from 1.
        assert_eq!(p("auto/4", &[("PARALLEL_SEQ", "1")]), sh(0, 4));
        assert_eq!(p("auto/4", &[("PARALLEL_SEQ", "4")]), sh(3, 4));
        // Precedence: Slurm, then Kubernetes, then GNU parallel; empty values count as unset.
        let all = [
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("JOB_COMPLETION_INDEX", "2"),
            ("PARALLEL_SEQ", "4"),
        ];
        assert_eq!(p("auto/4", &all), sh(1, 4));
        assert_eq!(p("auto/4", &all[1..]), sh(2, 4));
        assert_eq!(
            p(
                "auto/4",
                &[("SLURM_ARRAY_TASK_ID", ""), ("PARALLEL_SEQ", "2")]
            ),
            sh(1, 4)
        );
        // An explicit I/N ignores the environment.
        assert_eq!(p("2/4", &all), sh(2, 4));
        assert_eq!(p(" auto/1 ", &[("SLURM_ARRAY_TASK_ID", " 0 ")]), sh(0, 1));
    }

    #[test]
    fn auto_shard_errors_name_the_variables() {
        let p = |s: &str, e: &[(&str, &str)]| Shard::parse_with_env(s, &env(e)).unwrap_err();
        let none = p("auto/4", &[("HOME", "/root")]);
        for v in [
            "SLURM_ARRAY_TASK_ID",
            "JOB_COMPLETION_INDEX",
            "PARALLEL_SEQ",
        ] {
            assert!(none.contains(v), "{none}");
        }
        assert!(
            p("auto/4", &[("SLURM_ARRAY_TASK_ID", "4")])
                .contains("SLURM_ARRAY_TASK_ID=4 is out of range")
        );
        assert!(
            p("auto/4", &[("SLURM_ARRAY_TASK_ID", "x")])
                .contains("SLURM_ARRAY_TASK_ID=\"x\" is not")
        );
        assert!(
            p("auto/4", &[("JOB_COMPLETION_INDEX", "-1")]).contains("not a non-negative integer")
        );
        assert!(
            p("auto/4", &[("PARALLEL_SEQ", "0")])
                .contains("PARALLEL_SEQ=0 is out of range: expected 1..=4, 1-based")
        );
        assert!(p("auto/4", &[("PARALLEL_SEQ", "5")]).contains("out of range"));
        for bad in ["auto/0", "auto/x", "auto/", "auto"] {
            assert!(
                p(bad, &[("SLURM_ARRAY_TASK_ID", "0")]).contains("--shard"),
                "{bad}"
            );
        }
    }

    #[test]
    fn shards_cover_the_runs_contiguously() {
        assert_eq!(Shard::parse("2/4").unwrap().range(1000), (500, 750));
        for runs in [0u64, 1, 7, 100, 1001] {
            for count in 1..9 {
                let mut at = 0;
                for index in 0..count {
                    let (a, b) = Shard { index, count }.range(runs);
                    assert_eq!(a, at);
                    assert!(b >= a);
                    at = b;
                }
                assert_eq!(at, runs);
            }
        }
        for bad in ["4/4", "1", "a/2", "0/0", "-1/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wrong_series_shape_is_a_model_failure_with_its_run() {
        struct Bad;
        impl Simulate for Bad {
            fn layout(&self) -> &[SeriesKey] {
                &[]
            }
            fn ticks(&self) -> u32 {
                1
            }
            fn run(&self, _: u64, run: u64, _: &RunOptions) -> Result<RunOutput, ModelError> {
                Ok(RunOutput {
                    series: vec![0.0; (run == 4) as usize],
                    ..RunOutput::default()
                })
            }
        }
        let spec = BatchSpec {
            seed: 1,
            first: 0,
            end: 10,
            threads: 2,
            window: 0,
            opts: RunOptions::default(),
        };
        let end = run_batch(&Bad, &spec, &AtomicBool::new(false), |_, _| Ok(()));
        assert_eq!(end.completed, 4);
        match end.stop {
            Stop::Failed(f) => {
                assert_eq!((f.run, &f.kind), (4, &FailureKind::Model));
                assert!(
                    f.describe("x.ron")
                        .ends_with("crossroads trace x.ron --run 4 --seed 1")
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
