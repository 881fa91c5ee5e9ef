//! What `sweep` and `sensitivity` share: a design evaluated point by point, each point (an
//! evaluation) a batch of R runs with root seed S, its values applied as `--set` overrides on the
//! scenario read once ([`evaluate`]); the design's rows evaluated in order, each finished one handed to
//! the caller to write, ending at the first failure or at the stop flag ([`run_design`]).

use super::{End, Error, Progress};
use crate::batch::{BatchSpec, ModelSim, Stop, run_batch};
use crate::experiments::posterior::{Posterior, PosteriorSim};
use crate::model::{OutcomeValue, RunOptions};
use crate::scenario::Sources;
use crate::stats::{BinaryCount, Summary};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// One outcome's aggregate over the R runs of a point.
#[derive(Debug, Clone)]
pub enum Agg {
    Binary(BinaryCount),
    Numeric(Box<Summary>),
}

impl Agg {
    /// The point's model output: probability, or mean (NaN when no run had a value).
    pub fn value(&self) -> f64 {
        match self {
            Agg::Binary(b) => b.probability().unwrap_or(f64::NAN),
            Agg::Numeric(s) => s.mean().unwrap_or(f64::NAN),
        }
    }

    /// The Monte Carlo variance of [`value`](Self::value): `p(1−p)/n`, or `sd²/n`.
    pub fn noise(&self) -> f64 {
        match self {
            Agg::Binary(b) => b.probability().map_or(0.0, |p| p * (1.0 - p) / b.n as f64),
            Agg::Numeric(s) => match s.count() {
                0 => 0.0,
                n => s.sd().powi(2) / n as f64,
            },
        }
    }
}

/// The runs of one point: `first..first + runs` of `seed` on `threads` workers.
#[derive(Debug, Clone, Copy)]
pub struct Runs {
    pub seed: u64,
    pub first: u64,
    pub runs: u64,
    pub threads: usize,
}

/// Runs one point: the scenario (read once, when the command started) with `sets`, runs
/// `first..first + runs` of `seed`. A scenario the point's values make invalid is a usage error
/// (exit 2), a failed run a failure (exit 1). `Ok(None)`: `stop` was raised during the point's batch
/// (its runs in flight were abandoned, no new ones started); the point is incomplete and is not
/// reported. With `posterior`, each run's uncertain parameters are drawn from it where the scenario
/// has them (`sweep --posterior`).
pub fn evaluate(
    sources: &Sources,
    sets: &[String],
    runs: Runs,
    stop: &AtomicBool,
    posterior: Option<&Posterior>,
) -> Result<Option<Vec<Agg>>, Error> {
    let Runs {
        seed,
        first,
        runs,
        threads,
    } = runs;
    let file = Path::new(sources.name());
    let resolved = sources.load(sets)?;
    let mut aggs: Vec<Agg> = resolved
        .scenario
        .outcomes
        .iter()
        .map(|o| {
            if o.kind.is_binary() {
                Agg::Binary(BinaryCount::new())
            } else {
                Agg::Numeric(Box::new(Summary::new()))
            }
        })
        .collect();
    let model = ModelSim::new(&resolved);
    // sweep --posterior: the point's uncertain parameters from the posterior (the swept ones are set).
    let drawn = posterior.map(|p| PosteriorSim::matching(&resolved, p).0);
    let sim: &dyn crate::batch::Simulate = match &drawn {
        Some(d) => d,
        None => &model,
    };
    let spec = BatchSpec {
        seed,
        first,
        end: first + runs,
        threads,
        window: 0,
        opts: RunOptions::default(),
    };
    let end = run_batch(sim, &spec, stop, |_, out| {
        for (a, v) in aggs.iter_mut().zip(&out.outcomes) {
            match (a, v) {
                (Agg::Binary(b), OutcomeValue::Bool(x)) => b.add(*x),
                (Agg::Numeric(s), OutcomeValue::Num(x)) => s.add(*x),
                _ => return Err("outcome of the wrong type".into()),
            }
        }
        Ok(())
    });
    match end.stop {
        Stop::Complete => Ok(Some(aggs)),
        Stop::Interrupted => Ok(None),
        Stop::Failed(f) => Err(Error::Failure(format!(
            "{} (with {})",
            f.describe(&file.display().to_string()),
            sets.join(" ")
        ))),
    }
}

/// Evaluates `n` design rows in order, handing each finished one to `row` (which writes it); ends
/// at the first failure, or when `stop` is raised: before a new evaluation, or when `eval` returns
/// `Ok(None)` (interrupted within an evaluation, which is then dropped). `progress` counts `what`.
pub fn run_design(
    n: usize,
    what: &str,
    progress: &mut dyn Progress,
    stop: &AtomicBool,
    mut eval: impl FnMut(usize) -> Result<Option<Vec<Agg>>, Error>,
    mut row: impl FnMut(usize, Vec<Agg>) -> Result<(), Error>,
) -> Result<End, Error> {
    progress.start(n as u64, what);
    let mut end = End::Complete;
    for i in 0..n {
        if stop.load(Ordering::SeqCst) {
            end = End::Interrupted;
            break;
        }
        match eval(i) {
            Ok(Some(aggs)) => row(i, aggs)?,
            Ok(None) => {
                end = End::Interrupted;
                break;
            }
            Err(e) => {
                end = End::Failed(e);
                break;
            }
        }
        progress.set(i as u64 + 1);
    }
    progress.finish();
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::Status;

    #[test]
    fn a_failed_evaluation_ends_the_design_and_keeps_the_rows_before_it() {
        let stop = AtomicBool::new(false);
        let mut rows = Vec::new();
        let end = run_design(
            10,
            "points",
            &mut (),
            &stop,
            |i| {
                if i == 3 {
                    Err(Error::Failure("run 1 (seed 7) failed: boom".into()))
                } else {
                    Ok(Some(vec![]))
                }
            },
            |i, _| {
                rows.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(rows, [0, 1, 2]);
        assert_eq!(end.status(), Status::Failed);
        assert_eq!(end.error().as_deref(), Some("run 1 (seed 7) failed: boom"));
    }

    #[test]
    fn a_stop_between_evaluations_starts_no_other() {
        let stop = AtomicBool::new(false);
        let mut rows = Vec::new();
        let end = run_design(
            10,
            "points",
            &mut (),
            &stop,
            |i| {
                if i == 4 {
                    stop.store(true, Ordering::SeqCst);
                }
                Ok(Some(vec![]))
            },
            |i, _| {
                rows.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(rows, [0, 1, 2, 3, 4]);
        assert_eq!(end.status(), Status::Partial);
    }

    #[test]
    fn an_evaluation_interrupted_inside_its_batch_is_dropped() {
        let stop = AtomicBool::new(false);
        let mut rows = Vec::new();
        let mut calls = 0;
        let end = run_design(
            10,
            "points",
            &mut (),
            &stop,
            |i| {
                calls += 1;
                Ok(if i == 2 { None } else { Some(vec![]) })
            },
            |i, _| {
                rows.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(rows, [0, 1]);
        assert_eq!(calls, 3);
        assert_eq!(end.status(), Status::Partial);
    }
}
