//! Runs a batch into an output folder: scenario.ron and a `running` manifest first, runs.csv (and
//! events.csv) streamed in run order as runs finish, then aggregates.json, series.csv, summary.json and
//! the final manifest (complete, partial or failed).

use super::export::{EventsCsv, RunsCsv, ScenarioRon, SeriesCsv, Summary};
use super::manifest::{
    ClassInfo, Manifest, OutcomeInfo, ParamInfo, ScenarioInfo, SeriesInfo, Status, now_utc,
};
use super::runs_series::RunsSeriesCsv;
use super::{OutputDir, OutputError};
use crate::batch::{Aggregates, BatchEnd, BatchSpec, BlockFold, Simulate, Stop, run_batch};
use crate::model::RunOptions;
use std::sync::atomic::AtomicBool;

/// What [`write_batch`] produced.
#[derive(Debug)]
pub struct Finished {
    /// The manifest as written.
    pub manifest: Manifest,
    /// summary.json as written.
    pub summary: Summary,
    /// How the batch ended (runs completed, reorder window use).
    pub batch: BatchEnd,
}

/// Hex SHA-256 of bytes (defined once, with the scenario hash).
pub use crate::scenario::load::sha256_hex;

/// Runs the batch described by `template` (seed, runs, shard, threads, events, scenario, outcomes)
/// into `dir`. The template's status, times, sha256, series and error are filled in here.
/// `progress(completed)` is called after each run is recorded. Raise `stop` to interrupt.
pub fn write_batch<S: Simulate + ?Sized>(
    dir: &OutputDir,
    sim: &S,
    template: &Manifest,
    scenario_ron: &str,
    window: usize,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(u64),
) -> Result<Finished, OutputError> {
    let mut m = template.clone();
    m.crossroads_version = env!("CARGO_PKG_VERSION").to_string();
    m.streams = crate::model::rng::STREAMS_VERSION;
    m.status = Status::Running;
    m.completed_runs = 0;
    m.started_at = now_utc();
    m.finished_at = None;
    m.error = None;
    m.scenario.sha256 = sha256_hex(scenario_ron.as_bytes());
    m.series = sim
        .layout()
        .iter()
        .map(|k| SeriesInfo {
            indicator: k.indicator.clone(),
            entity: k.entity.clone(),
        })
        .collect();
    let (first, end) = m.range();
    let threads = m.threads.unwrap_or(1).max(1);

    // The manifest first: a folder holding anything holds a manifest saying what it is.
    dir.manifest(&mut m)?;
    dir.export(&ScenarioRon(scenario_ron))?;

    let binary: Vec<bool> = m.outcomes.iter().map(OutcomeInfo::is_binary).collect();
    let mut aggs = BlockFold::new(Aggregates::new(
        first,
        sim.ticks(),
        m.series.len(),
        &binary,
        m.outcome_classes.len(),
    ));
    let mut runs = RunsCsv::new(dir.stream("runs.csv")?, &m);
    let mut events = if m.events {
        Some(EventsCsv::new(dir.stream("events.csv")?, &m)?)
    } else {
        None
    };
    let mut per_run = if m.per_run_series.is_empty() {
        None
    } else {
        Some(RunsSeriesCsv::new(
            dir.stream("runs_series.csv")?,
            &m,
            sim.ticks(),
        )?)
    };
    let spec = BatchSpec {
        seed: m.seed,
        first,
        end,
        threads,
        window,
        opts: RunOptions {
            events: m.events,
            explain: false,
        },
    };
    let mut extra = Vec::new();
    // `--until-ci`: blocks of runs until every binary outcome's 95% Wilson interval is narrower than
    // the target (or the cap, `end`, is reached); the folder is then the one a fixed batch of that
    // many runs gives, each run computed once.
    let until = m.until_ci.clone();
    let block = until.as_ref().map_or(end - first, |u| u.block.max(1));
    let binary_ix: Vec<usize> = (0..binary.len()).filter(|&i| binary[i]).collect();
    let mut counts = vec![crate::stats::BinaryCount::new(); binary_ix.len()];
    let mut batch = BatchEnd {
        stop: Stop::Complete,
        completed: 0,
        window,
        max_in_flight: 0,
    };
    let mut lo = first;
    while lo < end {
        let hi = (lo + block).min(end);
        let b = run_batch(
            sim,
            &BatchSpec {
                first: lo,
                end: hi,
                ..spec.clone()
            },
            stop,
            |run, out| {
                aggs.fold(run, &out)?;
                extra.extend(runs.extra_params(&out));
                runs.row(run, &out)?;
                if let Some(ev) = events.as_mut() {
                    ev.rows(run, &out.events)?;
                }
                if let Some(p) = per_run.as_mut() {
                    p.rows(run, &out)?;
                }
                for (c, &i) in counts.iter_mut().zip(&binary_ix) {
                    c.add(matches!(
                        out.outcomes.get(i),
                        Some(crate::model::OutcomeValue::Bool(true))
                    ));
                }
                progress(run + 1 - first);
                Ok(())
            },
        );
        batch.completed += b.completed;
        batch.window = b.window;
        batch.max_in_flight = batch.max_in_flight.max(b.max_in_flight);
        batch.stop = b.stop;
        lo = hi;
        if !matches!(batch.stop, Stop::Complete) {
            break;
        }
        if let (Some(u), Some(mu)) = (until.as_ref(), m.until_ci.as_mut()) {
            let widest = counts
                .iter()
                .map(|c| {
                    let (l, h) = c.wilson95();
                    h - l
                })
                .fold(0.0, f64::max);
            mu.widest = widest;
            mu.reached = widest < u.width;
            if mu.reached {
                break;
            }
        }
    }
    if until.is_some() && matches!(batch.stop, Stop::Complete) {
        // The batch is the runs made: a fixed `--runs` of that many gives the same folder.
        m.runs = lo;
    }
    runs.finish()?;
    if let Some(ev) = events {
        ev.finish()?;
    }
    if let Some(p) = per_run {
        p.finish()?;
    }
    m.uncertain_params
        .extend(extra.into_iter().map(|path| ParamInfo {
            path,
            distribution: "unknown".into(),
        }));

    let aggs = aggs.finish();
    aggs.write_to(dir)?;
    dir.export(&SeriesCsv {
        aggs: &aggs,
        manifest: &m,
    })?;
    let summary = Summary::new(&aggs, &m);
    dir.export(&summary)?;

    m.completed_runs = batch.completed;
    m.finished_at = Some(now_utc());
    match &batch.stop {
        Stop::Complete => m.status = Status::Complete,
        Stop::Interrupted => m.status = Status::Partial,
        Stop::Failed(f) => {
            m.status = Status::Failed;
            m.error = Some(f.describe(&m.scenario.path));
        }
    }
    dir.manifest(&mut m)?;
    Ok(Finished {
        manifest: m,
        summary,
        batch,
    })
}

/// A manifest template with everything but the scenario's outcomes and identity set (used by the
/// CLI and by tests): status running, no times.
#[allow(clippy::too_many_arguments)]
pub fn template(
    scenario: ScenarioInfo,
    sets: Vec<String>,
    seed: u64,
    runs: u64,
    shard: Option<crate::batch::Shard>,
    threads: usize,
    events: bool,
    uncertain_params: Vec<ParamInfo>,
    outcomes: Vec<OutcomeInfo>,
    outcome_classes: Vec<ClassInfo>,
) -> Manifest {
    Manifest {
        crossroads_version: env!("CARGO_PKG_VERSION").to_string(),
        streams: crate::model::rng::STREAMS_VERSION,
        status: Status::Running,
        completed_runs: 0,
        scenario,
        sets,
        seed,
        runs,
        shard: shard.map(|s| {
            let (first_run, end_run) = s.range(runs);
            super::manifest::ShardInfo {
                index: s.index,
                count: s.count,
                first_run,
                end_run,
            }
        }),
        threads: Some(threads),
        started_at: String::new(),
        finished_at: None,
        uncertain_params,
        outcomes,
        outcome_classes,
        series: vec![],
        events,
        error: None,
        per_run_series: vec![],
        labels: Default::default(),
        until_ci: None,
        split_by: None,
        posterior: None,
        files: vec![],
    }
}

/// The manifest template matching [`crate::batch::fake::FakeSim`] (tests only).
#[doc(hidden)]
pub fn fake_template(
    seed: u64,
    runs: u64,
    shard: Option<crate::batch::Shard>,
    threads: usize,
    events: bool,
) -> Manifest {
    let outcome = |id: &str, t: &str, units: &str| OutcomeInfo {
        id: id.into(),
        label: id.replace('_', " "),
        units: units.into(),
        kind_type: t.into(),
        kind: serde_json::json!({"Fake": id}),
    };
    template(
        ScenarioInfo {
            path: "fake.ron".into(),
            sha256: String::new(),
            name: "fake".into(),
            description: "the fake model".into(),
            start: "2026-01".into(),
            horizon: 6,
        },
        vec![],
        seed,
        runs,
        shard,
        threads,
        events,
        vec![ParamInfo {
            path: "actors.power.budget".into(),
            distribution: "Uniform(80, 120)".into(),
        }],
        vec![
            outcome("deal", "binary", ""),
            outcome("deal_month", "numeric", "months"),
        ],
        vec![
            ClassInfo {
                id: "settled".into(),
                label: "Settled".into(),
            },
            ClassInfo {
                id: "open".into(),
                label: "Open".into(),
            },
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::fake::FakeSim;
    use std::path::Path;
    use std::time::Duration;

    fn rows(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(dir.join("runs.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(String::from)
            .collect()
    }

    fn go(sim: &FakeSim, dir: &Path, stop: &AtomicBool, runs: u64) -> Finished {
        let out = OutputDir::prepare(dir, false).unwrap();
        let t = fake_template(9, runs, None, 2, true);
        write_batch(&out, sim, &t, "()\n", 0, stop, &mut |_| {}).unwrap()
    }

    #[test]
    fn a_panic_fails_the_batch_and_keeps_the_runs_before_it() {
        let tmp = tempfile::tempdir().unwrap();
        let sim = FakeSim {
            panic_at: Some(17),
            jitter: Duration::from_micros(200),
            ..FakeSim::default()
        };
        let f = go(&sim, tmp.path(), &AtomicBool::new(false), 100);
        assert_eq!(f.manifest.status, Status::Failed);
        assert_eq!(f.manifest.completed_runs, 17);
        let err = f.manifest.error.unwrap();
        assert!(
            err.starts_with("run 17 (seed 9) panicked: fake model bug in run 17; reproduce with: crossroads trace fake.ron --run 17 --seed 9"),
            "{err}"
        );
        let r = rows(tmp.path());
        assert_eq!(r.len(), 17);
        assert!(r[16].starts_with("16,"));
        assert_eq!(f.summary.runs, 17);
        assert!(!tmp.path().join("runs.csv.tmp").exists());
    }

    #[test]
    fn a_model_error_fails_the_batch() {
        let tmp = tempfile::tempdir().unwrap();
        let sim = FakeSim {
            fail_at: Some(3),
            ..FakeSim::default()
        };
        let f = go(&sim, tmp.path(), &AtomicBool::new(false), 10);
        assert_eq!(f.manifest.status, Status::Failed);
        assert_eq!(f.manifest.completed_runs, 3);
        assert!(f.manifest.error.unwrap().contains("run 3 (seed 9) failed"));
    }

    #[test]
    fn a_non_finite_value_fails_the_batch_instead_of_an_empty_cell() {
        let tmp = tempfile::tempdir().unwrap();
        let sim = FakeSim {
            non_finite_at: Some(4),
            ..FakeSim::default()
        };
        let f = go(&sim, tmp.path(), &AtomicBool::new(false), 10);
        assert_eq!(f.manifest.status, Status::Failed);
        assert_eq!(f.manifest.completed_runs, 4);
        let err = f.manifest.error.unwrap();
        assert!(
            err.starts_with("run 4 (seed 9) failed: a value is not finite"),
            "{err}"
        );
        assert!(err.contains("outcome 2") && err.contains("inf"), "{err}");
        assert_eq!(rows(tmp.path()).len(), 4);
    }

    #[test]
    fn interruption_flushes_finished_runs_and_marks_partial() {
        let tmp = tempfile::tempdir().unwrap();
        let sim = FakeSim {
            sleep: Duration::from_millis(5),
            ..FakeSim::default()
        };
        let stop = AtomicBool::new(false);
        let out = OutputDir::prepare(tmp.path(), false).unwrap();
        let t = fake_template(9, 100_000, None, 2, true);
        let f = write_batch(&out, &sim, &t, "()\n", 0, &stop, &mut |done| {
            if done == 25 {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .unwrap();
        assert_eq!(f.manifest.status, Status::Partial);
        let done = f.manifest.completed_runs;
        assert!((25..=25 + 8).contains(&done), "{done}");
        assert_eq!(rows(tmp.path()).len() as u64, done);
        let m: Manifest =
            serde_json::from_slice(&std::fs::read(tmp.path().join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(m.status, Status::Partial);
        assert_eq!(m.completed_runs, done);
    }

    #[test]
    fn existing_folder_needs_force_and_force_replaces_only_what_crossroads_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("o");
        go(&FakeSim::default(), &d, &AtomicBool::new(false), 5);
        assert!(matches!(
            OutputDir::prepare(&d, false),
            Err(OutputError::Exists(_))
        ));
        std::fs::write(d.join("notes.txt"), "keep").unwrap();
        let again = OutputDir::prepare(&d, true).unwrap();
        assert!(!d.join("runs.csv").exists(), "replaced");
        assert_eq!(
            std::fs::read_to_string(d.join("notes.txt")).unwrap(),
            "keep"
        );
        assert!(
            again.notes()[0].contains("notes.txt"),
            "{:?}",
            again.notes()
        );
        drop(again);
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("thesis.txt"), "precious").unwrap();
        assert!(matches!(
            OutputDir::prepare(&other, true),
            Err(OutputError::NotOutputFolder(..))
        ));
        assert!(other.join("thesis.txt").exists());
    }
}
