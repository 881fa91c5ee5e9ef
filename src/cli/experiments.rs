//! `crossroads sweep`, `crossroads sensitivity` and `crossroads discover`: experiments over many
//! batches (see [`crate::experiments`] for the numerical cores and docs/outputs.md for the files).
//!
//! Every model evaluation is a batch of R runs with root seed S, with the point's values applied as
//! `--set` overrides on the scenario file. A sweep's points all use runs `0..R` (common random
//! numbers: points differ only through their values); a sensitivity design's block of evaluations
//! around one base point uses runs `[b·R, (b+1)·R)` (common random numbers inside the block, new
//! random histories across blocks: see [`crate::experiments::sensitivity`]).
//!
//! The folder is written as the work goes: manifest.json with status `running` first, then one row of points.csv / samples.csv per finished evaluation (flushed to its
//! `.tmp` file), and at the end the final manifest (`complete`, `partial` after Ctrl-C, `failed`).
//! On Ctrl-C the evaluation in progress stops (runs in flight finish) and is dropped. Charts and report.html
//! are drawn from the folder's files by [`crate::report::experiments::plot_folder`], the function
//! `crossroads plot` calls.

use super::run::{install_stop_handler, output_error, progress_bar_of, threads_arg};
use super::{CliError, DiscoverArgs, EXIT_INTERRUPTED, SensitivityArgs, SweepArgs, term};
use crate::batch::budget::Plan;
use crate::batch::{BatchSpec, ModelSim, Stop, run_batch};
use crate::experiments::posterior::{Posterior, PosteriorSim};
use crate::experiments::{dist, morris, prim, sensitivity, sweep};
use crate::model::{OutcomeValue, RunOptions};
use crate::outputs::experiment::{
    CsvStream, DiscoverManifest, OutcomeRef, ScenarioRef, SensitivityManifest, SweepManifest,
    SweepParam, num, points_header,
};
use crate::outputs::manifest::{ParamInfo, now_utc};
use crate::outputs::{FolderKind, OutputDir, Status};
use crate::scenario::schema::SweepSpec;
use crate::scenario::{Resolved, Sources};
use crate::stats::{BinaryCount, Summary};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The most points a sweep design may have (any design; a grid's limit is the scenario format's).
pub const MAX_SWEEP_POINTS: usize = crate::scenario::schema::SWEEP_MAX_GRID_POINTS as usize;
/// The most model evaluations a sensitivity design may have (`N (k + 2)` or `r (k + 1)`).
pub const MAX_EVALUATIONS: usize = 1_000_000;
/// The most Morris trajectories (`--samples` with `--method morris`): their greedy selection among
/// 4r candidates grows with r³.
pub const MAX_MORRIS_TRAJECTORIES: usize = 500;
/// The most bootstrap resamples (`--bootstrap`).
pub const MAX_BOOTSTRAP: usize = 10_000;

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

/// The scenario's outcomes as the experiment manifests record them.
fn outcome_refs(r: &Resolved) -> Vec<OutcomeRef> {
    r.scenario
        .outcomes
        .iter()
        .map(|o| OutcomeRef {
            id: o.id.clone(),
            label: if o.label.is_empty() {
                o.id.clone()
            } else {
                o.label.clone()
            },
            units: o.units.clone(),
            kind_type: if o.kind.is_binary() {
                "binary"
            } else {
                "numeric"
            }
            .into(),
        })
        .collect()
}

fn scenario_ref(file: &Path, r: &Resolved) -> ScenarioRef {
    ScenarioRef {
        path: file.display().to_string(),
        name: r.scenario.run.name.clone(),
        description: r.scenario.run.description.clone(),
        sha256: r.sha256.clone(),
    }
}

/// Runs one point: the scenario (read once, when the command started) with `sets`, runs
/// `first..first + runs` of `seed`. A scenario the point's values make invalid is a usage error
/// (exit 2), a failed run a failure (exit 1). `Ok(None)`: `stop` was raised during the point's batch
/// (its runs in flight were abandoned, no new ones started); the point is incomplete and is not
/// reported.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    sources: &Sources,
    sets: &[String],
    seed: u64,
    first: u64,
    runs: u64,
    threads: usize,
    stop: &AtomicBool,
    posterior: Option<&Posterior>,
) -> Result<Option<Vec<Agg>>, CliError> {
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
        Stop::Failed(f) => Err(CliError::failure(format!(
            "{} (with {})",
            f.describe(&file.display().to_string()),
            sets.join(" ")
        ))),
    }
}

/// How the loop over a design ended.
enum End {
    Complete,
    Interrupted,
    Failed(CliError),
}

impl End {
    fn status(&self) -> Status {
        match self {
            End::Complete => Status::Complete,
            End::Interrupted => Status::Partial,
            End::Failed(_) => Status::Failed,
        }
    }
    fn error(&self) -> Option<String> {
        match self {
            End::Failed(e) => Some(e.message.trim_end().to_string()),
            _ => None,
        }
    }
}

/// Evaluates `n` design rows in order, handing each finished one to `row` (which writes it); ends
/// at the first failure, or when `stop` is raised: before a new evaluation, or when `eval` returns
/// `Ok(None)` (interrupted within an evaluation, which is then dropped).
fn run_design(
    n: usize,
    what: &str,
    quiet: bool,
    stop: &AtomicBool,
    mut eval: impl FnMut(usize) -> Result<Option<Vec<Agg>>, CliError>,
    mut row: impl FnMut(usize, Vec<Agg>) -> Result<(), CliError>,
) -> Result<End, CliError> {
    let bar = progress_bar_of(n as u64, what, quiet);
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
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(end)
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
}

fn out_path(out: &Option<PathBuf>, default: String) -> PathBuf {
    out.clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(default))
}

/// Charts and report.html from the folder's files: the code path of `crossroads plot`; recorded in
/// the manifest.
fn plot(dir: &OutputDir) -> Result<usize, CliError> {
    let drawn = crate::report::experiments::plot_folder(dir.path()).map_err(|e| {
        CliError::failure(format!(
            "{}: writing charts and report: {e}",
            dir.path().display()
        ))
    })?;
    super::record_drawn(dir, &drawn)?;
    Ok(drawn.0.len() / 2)
}

/// The exit of an experiment that did not complete: 130 after Ctrl-C, the failure's code otherwise.
fn unfinished(end: End, done: u64, total: u64, what: &str, dir: &Path, extra: &str) -> CliError {
    match end {
        End::Complete => CliError::failure(""),
        End::Interrupted => CliError {
            code: EXIT_INTERRUPTED,
            message: format!(
                "interrupted: {done} of {total} {what} written to {} (manifest status partial){extra}",
                dir.display()
            ),
        },
        End::Failed(e) => CliError {
            code: e.code,
            message: format!(
                "{}\n{done} {what} before it are in {} (manifest status failed)",
                e.message.trim_end(),
                dir.display()
            ),
        },
    }
}

/// The settings of a sweep: the scenario's `sweep:` block with the flags over it.
struct SweepPlan {
    params: Vec<sweep::ParamRange>,
    kind: sweep::DesignKind,
    samples: usize,
    runs_per_point: u64,
    settings_from: &'static str,
    description: String,
}

/// Defaults of the sweep settings when neither the flags nor the block give them.
const DEFAULT_DESIGN: sweep::DesignKind = sweep::DesignKind::Grid;
const DEFAULT_SAMPLES: usize = crate::scenario::schema::SWEEP_DEFAULT_SAMPLES as usize;
const DEFAULT_RUNS_PER_POINT: u64 = crate::scenario::schema::SWEEP_DEFAULT_RUNS_PER_POINT;

/// Precedence, field by field: a flag, else the block's field, else the default. `--param` replaces
/// the block's whole parameter list.
fn sweep_plan(args: &SweepArgs, block: Option<&SweepSpec>) -> Result<SweepPlan, CliError> {
    let flags = args
        .params
        .iter()
        .map(|p| sweep::ParamRange::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::usage)?;
    // The block's rules (validate::sweep_block) hold for flags too: each path swept once.
    for (i, p) in flags.iter().enumerate() {
        if flags[..i].iter().any(|q| q.path == p.path) {
            return Err(CliError::usage(format!(
                "--param {}: `{}` is swept twice",
                args.params[i], p.path
            )));
        }
    }
    let mut from_block = false;
    let params = match (flags.is_empty(), block) {
        (false, _) => flags,
        (true, Some(b)) => {
            from_block = true;
            b.params
                .iter()
                .map(|p| sweep::ParamRange {
                    path: p.path.clone(),
                    lo: p.lo,
                    hi: p.hi,
                })
                .collect()
        }
        (true, None) => {
            return Err(CliError::usage(format!(
                "{}: nothing to sweep: give --param PATH=LO..HI (repeatable), or write a `sweep:` block \
                 in the scenario, e.g. sweep: (params: [(path: \"actors.russia.budget\", lo: 80, hi: 120)]) \
                 (docs/scenario-format.md, section 22)",
                args.file.display()
            )));
        }
    };
    let kind = match (&args.design, block) {
        (Some(d), _) => sweep::DesignKind::parse(d).map_err(CliError::usage)?,
        (None, Some(b)) => {
            from_block = true;
            b.design.into()
        }
        (None, None) => DEFAULT_DESIGN,
    };
    let samples = match (args.samples, block) {
        (Some(s), _) => s,
        (None, Some(b)) => {
            from_block = true;
            b.samples as usize
        }
        (None, None) => DEFAULT_SAMPLES,
    };
    let runs_per_point = match (args.runs_per_point, block) {
        (Some(r), _) => r,
        (None, Some(b)) => {
            from_block = true;
            b.runs_per_point
        }
        (None, None) => DEFAULT_RUNS_PER_POINT,
    };
    let any_flag = !args.params.is_empty()
        || args.design.is_some()
        || args.samples.is_some()
        || args.runs_per_point.is_some();
    let settings_from = match (from_block, any_flag) {
        (true, true) => "scenario+flags",
        (true, false) => "scenario",
        (false, _) => "flags",
    };
    let description = match block {
        Some(b) if args.params.is_empty() => b.description.clone(),
        _ => String::new(),
    };
    Ok(SweepPlan {
        params,
        kind,
        samples,
        runs_per_point,
        settings_from,
        description,
    })
}

/// One row of points.csv.
fn point_row(i: usize, values: &[f64], aggs: &[Agg]) -> Vec<String> {
    let mut r = vec![i.to_string()];
    r.extend(values.iter().map(|v| num(*v)));
    for a in aggs {
        match a {
            Agg::Binary(b) => {
                let (lo, hi) = b.wilson95();
                r.extend([opt(b.probability()), num(lo), num(hi)]);
            }
            Agg::Numeric(s) => r.extend([
                opt(s.mean()),
                opt(s.quantile(0.05)),
                opt(s.quantile(0.5)),
                opt(s.quantile(0.95)),
            ]),
        }
    }
    r
}

/// `crossroads sweep`.
pub fn exec_sweep(args: SweepArgs) -> Result<(), CliError> {
    let threads = threads_arg(args.threads)?;
    // The scenario is read once: every point applies its values to this copy.
    let sources = Sources::read(&args.file)?;
    let base = sources.load(&args.sets)?;
    let plan = sweep_plan(&args, base.scenario.sweep.as_ref())?;
    if plan.runs_per_point == 0 {
        return Err(CliError::usage("--runs-per-point must be at least 1"));
    }
    if plan.kind != sweep::DesignKind::Grid && plan.samples > MAX_SWEEP_POINTS {
        return Err(CliError::usage(format!(
            "--samples {}: a {} design has at most {MAX_SWEEP_POINTS} points",
            plan.samples,
            plan.kind.as_str()
        )));
    }
    let seed = args.seed.unwrap_or(base.scenario.run.seed);
    let out = out_path(&args.out, format!("{}-sweep", base.scenario.run.name));
    super::check_out(&out, &sources.paths())?;
    Plan::batch(&base.scenario, plan.runs_per_point, threads, false)
        .check(&args.file.display().to_string(), args.allow_large)
        .map_err(CliError::usage)?;
    let posterior = args
        .posterior
        .as_deref()
        .map(Posterior::load)
        .transpose()
        .map_err(CliError::usage)?;
    let mut posterior_unused = Vec::new();
    let params = &plan.params;
    let points = sweep::points(params, plan.kind, plan.samples, seed).map_err(CliError::usage)?;
    // Check every path at both ends of its range up front (a bad path is a usage error before any run).
    for end in [0, 1] {
        let corner: Vec<f64> = params
            .iter()
            .map(|p| if end == 0 { p.lo } else { p.hi })
            .collect();
        let s = sources.load(&[args.sets.clone(), sweep::sets(params, &corner)].concat())?;
        if let Some(p) = &posterior {
            posterior_unused = PosteriorSim::matching(&s, p).1;
        }
        Plan::batch(&s.scenario, plan.runs_per_point, threads, false)
            .check(&args.file.display().to_string(), args.allow_large)
            .map_err(CliError::usage)?;
    }
    let read: Vec<PathBuf> = sources
        .paths()
        .into_iter()
        .chain(args.posterior.clone())
        .collect();
    let dir = super::open_folder(&out, FolderKind::Sweep, args.force, &read)?;
    let mut m = SweepManifest {
        kind: "sweep".into(),
        crossroads_version: env!("CARGO_PKG_VERSION").into(),
        status: Status::Running,
        completed_points: 0,
        points: points.len() as u64,
        scenario: scenario_ref(&args.file, &base),
        sets: args.sets.clone(),
        seed,
        settings_from: plan.settings_from.into(),
        description: plan.description.clone(),
        design: plan.kind.as_str().into(),
        samples: plan.samples,
        runs_per_point: plan.runs_per_point,
        params: params
            .iter()
            .map(|p| SweepParam {
                path: p.path.clone(),
                lo: p.lo,
                hi: p.hi,
            })
            .collect(),
        outcomes: outcome_refs(&base),
        threads,
        started_at: now_utc(),
        finished_at: None,
        error: None,
        posterior: posterior.as_ref().map(|p| p.reference.clone()),
        posterior_unused,
        files: vec![],
    };
    dir.manifest(&mut m).map_err(output_error)?;
    let mut table = CsvStream::create(&dir, "points.csv", &points_header(&m.params, &m.outcomes))
        .map_err(output_error)?;
    let stop = install_stop_handler();
    let end = run_design(
        points.len(),
        "points",
        args.quiet,
        stop,
        |i| {
            let sets = [args.sets.clone(), sweep::sets(params, &points[i])].concat();
            evaluate(
                &sources,
                &sets,
                seed,
                0,
                plan.runs_per_point,
                threads,
                stop,
                posterior.as_ref(),
            )
        },
        |i, aggs| {
            table
                .row(&point_row(i, &points[i], &aggs))
                .map_err(output_error)
        },
    )?;
    let done = table.rows();
    table.finish().map_err(output_error)?;
    m.completed_points = done;
    m.status = end.status();
    m.error = end.error();
    m.finished_at = Some(now_utc());
    dir.manifest(&mut m).map_err(output_error)?;
    let charts = if args.no_charts || m.status == Status::Failed {
        0
    } else {
        plot(&dir)?
    };
    if let End::Complete = end {
        if args.quiet {
            return Ok(());
        }
        term::errln(&format!(
            "{} points × {} runs written to {} ({charts} charts)",
            points.len(),
            plan.runs_per_point,
            dir.path().display()
        ));
        return Ok(());
    }
    Err(unfinished(end, done, m.points, "points", dir.path(), ""))
}

/// `crossroads sensitivity`.
pub fn exec_sensitivity(args: SensitivityArgs) -> Result<(), CliError> {
    if args.posterior.is_some() {
        return Err(CliError::usage(
            crate::experiments::posterior::SENSITIVITY_REFUSAL,
        ));
    }
    if args.runs_per_point == 0 || args.samples == 0 {
        return Err(CliError::usage(
            "--samples and --runs-per-point must be at least 1",
        ));
    }
    let threads = threads_arg(args.threads)?;
    // The scenario is read once: every evaluation applies its values to this copy.
    let sources = Sources::read(&args.file)?;
    let base = sources.load(&args.sets)?;
    let seed = args.seed.unwrap_or(base.scenario.run.seed);
    let unc = base.uncertain();
    let k = unc.len();
    if k == 0 {
        return Err(CliError::usage(format!(
            "{}: the scenario has no uncertain parameters (write a distribution such as Uniform(lo, hi) in place of a number)",
            args.file.display()
        )));
    }
    let morris_method = match args.method.as_str() {
        "sobol" => false,
        "morris" => true,
        m => {
            return Err(CliError::usage(format!(
                "--method {m:?}: expected sobol or morris"
            )));
        }
    };
    // Sizes first: the designs are built in memory.
    let per = if morris_method { k + 1 } else { k + 2 };
    if args.samples.saturating_mul(per) > MAX_EVALUATIONS {
        return Err(CliError::usage(format!(
            "--samples {}: {} × {per} evaluations is more than the {MAX_EVALUATIONS} allowed",
            args.samples, args.samples
        )));
    }
    if morris_method && args.samples > MAX_MORRIS_TRAJECTORIES {
        return Err(CliError::usage(format!(
            "--samples {}: Morris screening takes at most {MAX_MORRIS_TRAJECTORIES} trajectories \
             (10 to 50 are usual)",
            args.samples
        )));
    }
    if args.bootstrap > MAX_BOOTSTRAP {
        return Err(CliError::usage(format!(
            "--bootstrap {}: at most {MAX_BOOTSTRAP} resamples (200 to 1000 are usual)",
            args.bootstrap
        )));
    }
    let out = out_path(&args.out, format!("{}-sensitivity", base.scenario.run.name));
    super::check_out(&out, &sources.paths())?;
    Plan::batch(&base.scenario, args.runs_per_point, threads, false)
        .check(&args.file.display().to_string(), args.allow_large)
        .map_err(CliError::usage)?;
    let (saltelli, mdesign) = if morris_method {
        let candidates = morris::CANDIDATES_PER_TRAJECTORY * args.samples;
        let d = morris::morris_design(args.samples, k, candidates, seed);
        (None, Some(d))
    } else {
        let d = sensitivity::saltelli_design(args.samples, k, seed).map_err(CliError::usage)?;
        (Some(d), None)
    };
    let unit_rows: &[Vec<f64>] = match (&saltelli, &mdesign) {
        (Some(d), _) => &d.rows,
        (None, Some(d)) => &d.rows,
        (None, None) => &[], // not reached: one design is built above
    };
    let values: Vec<Vec<f64>> = unit_rows
        .iter()
        .map(|u| {
            u.iter()
                .zip(&unc)
                .map(|(x, p)| dist::inverse_cdf(&p.dist, *x))
                .collect()
        })
        .collect();
    let outs = outcome_refs(&base);
    let dir = super::open_folder(&out, FolderKind::Sensitivity, args.force, &sources.paths())?;
    let mut m = SensitivityManifest {
        kind: "sensitivity".into(),
        crossroads_version: env!("CARGO_PKG_VERSION").into(),
        status: Status::Running,
        completed_evaluations: 0,
        evaluations: values.len() as u64,
        scenario: scenario_ref(&args.file, &base),
        sets: args.sets.clone(),
        seed,
        method: args.method.clone(),
        samples: args.samples,
        runs_per_point: args.runs_per_point,
        bootstrap_resamples: if morris_method {
            None
        } else {
            Some(args.bootstrap)
        },
        params: unc
            .iter()
            .map(|p| ParamInfo {
                path: p.path.clone(),
                distribution: p.dist.to_string(),
            })
            .collect(),
        outcomes: outs.clone(),
        threads,
        indices: false,
        started_at: now_utc(),
        finished_at: None,
        note: None,
        error: None,
        files: vec![],
    };
    dir.manifest(&mut m).map_err(output_error)?;

    // samples.csv: one row per evaluation in design order, with the model outputs.
    let mut header = vec![
        "eval".to_string(),
        "base".to_string(),
        "block_row".to_string(),
        "first_run".to_string(),
    ];
    header.extend(unc.iter().map(|p| p.path.clone()));
    header.extend(outs.iter().map(|o| o.id.clone()));
    let mut table = CsvStream::create(&dir, "samples.csv", &header).map_err(output_error)?;
    let block = if morris_method { k + 1 } else { k + 2 };
    let mut y: Vec<Vec<f64>> = vec![Vec::with_capacity(values.len()); outs.len()];
    let mut noise: Vec<Vec<f64>> = vec![Vec::with_capacity(values.len()); outs.len()];
    let first_run = |i: usize| sensitivity::first_run(i, block, args.runs_per_point);
    let stop = install_stop_handler();
    let end = run_design(
        values.len(),
        "evaluations",
        args.quiet,
        stop,
        |i| {
            let mut sets = args.sets.clone();
            sets.extend(
                unc.iter()
                    .zip(&values[i])
                    .map(|(p, x)| format!("{}={x:?}", p.path)),
            );
            evaluate(
                &sources,
                &sets,
                seed,
                first_run(i),
                args.runs_per_point,
                threads,
                stop,
                None,
            )
        },
        |i, aggs| {
            let mut r = vec![
                i.to_string(),
                (i / block).to_string(),
                (i % block).to_string(),
                first_run(i).to_string(),
            ];
            r.extend(values[i].iter().map(|x| num(*x)));
            for ((o, z), a) in y.iter_mut().zip(noise.iter_mut()).zip(&aggs) {
                o.push(a.value());
                z.push(a.noise());
                r.push(num(a.value()));
            }
            table.row(&r).map_err(output_error)
        },
    )?;
    let done = table.rows();
    table.finish().map_err(output_error)?;

    if let End::Complete = end {
        let mut w = csv::Writer::from_writer(Vec::new());
        let cols: &[&str] = if morris_method {
            &["outcome", "parameter", "mu_star", "mu", "sigma"]
        } else {
            &[
                "outcome",
                "parameter",
                "S1",
                "S1_low",
                "S1_high",
                "ST",
                "ST_low",
                "ST_high",
                "resolved",
                "note",
            ]
        };
        let mut rows = vec![cols.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        for (o, out) in outs.iter().enumerate() {
            if let Some(d) = &mdesign {
                for (p, e) in unc.iter().zip(morris::morris_effects(d, &y[o])) {
                    rows.push(vec![
                        out.id.clone(),
                        p.path.clone(),
                        num(e.mu_star),
                        num(e.mu),
                        num(e.sigma),
                    ]);
                }
            } else if let Some(d) = &saltelli {
                let ix = sensitivity::sobol_indices(&y[o], d.k, args.bootstrap, seed);
                let res = sensitivity::resolution(&y[o], &noise[o], d.k, &ix, args.runs_per_point);
                for ((p, x), r) in unc.iter().zip(ix).zip(res) {
                    rows.push(vec![
                        out.id.clone(),
                        p.path.clone(),
                        num(x.s1),
                        num(x.s1_low),
                        num(x.s1_high),
                        num(x.st),
                        num(x.st_low),
                        num(x.st_high),
                        u8::from(r.resolved).to_string(),
                        r.note,
                    ]);
                }
            }
        }
        for r in &rows {
            w.write_record(r)
                .map_err(|e| CliError::failure(e.to_string()))?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| CliError::failure(e.to_string()))?;
        dir.write("sensitivity.csv", &bytes).map_err(output_error)?;
        m.indices = true;
    } else {
        m.note = Some(format!(
            "sensitivity.csv not written: the indices need every evaluation of the design ({done} of {} done)",
            values.len()
        ));
    }
    m.completed_evaluations = done;
    m.status = end.status();
    m.error = end.error();
    m.finished_at = Some(now_utc());
    dir.manifest(&mut m).map_err(output_error)?;
    let charts = if args.no_charts || m.status == Status::Failed {
        0
    } else {
        plot(&dir)?
    };
    if let End::Complete = end {
        if args.quiet {
            return Ok(());
        }
        term::errln(&format!(
            "{} evaluations × {} runs written to {} ({charts} charts)",
            values.len(),
            args.runs_per_point,
            dir.path().display()
        ));
        return Ok(());
    }
    Err(unfinished(
        end,
        done,
        m.evaluations,
        "evaluations",
        dir.path(),
        "; no sensitivity.csv: the indices need every evaluation of the design",
    ))
}

/// `crossroads discover`.
pub fn exec_discover(args: DiscoverArgs) -> Result<(), CliError> {
    let started_at = now_utc();
    let bad = |m: String| CliError::usage(m);
    // The folder must be a batch and what its manifest says (runs.csv's rows, 0/1 in binary columns,
    // numbers in parameter columns) before PRIM reads it.
    let v = crate::outputs::verify::folder(&args.dir).map_err(output_error)?;
    let mpath = args.dir.join("manifest.json");
    let Some(m) = v.batch else {
        return Err(bad(format!(
            "{}: a {} folder; discover reads the folder of `crossroads run` (or `merge`)",
            args.dir.display(),
            v.kind.as_str()
        )));
    };
    let params: Vec<String> = m.uncertain_params.iter().map(|p| p.path.clone()).collect();
    if params.is_empty() {
        return Err(bad(format!(
            "{}: the batch sampled no uncertain parameters",
            args.dir.display()
        )));
    }
    let outcome = m
        .outcomes
        .iter()
        .find(|o| o.id == args.outcome)
        .ok_or_else(|| {
            bad(format!(
                "--outcome {:?}: no such outcome in {}",
                args.outcome,
                mpath.display()
            ))
        })?;
    let binary = outcome.is_binary();
    match (binary, args.value) {
        (false, None) => {
            return Err(bad(format!(
                "--outcome {:?} is numeric: give --value V (cases of interest: value >= V)",
                args.outcome
            )));
        }
        (true, Some(_)) => {
            return Err(bad(format!(
                "--value applies to numeric outcomes; {:?} is binary (its cases of interest are the \
                 runs where it happened): leave --value out",
                args.outcome
            )));
        }
        (false, Some(x)) if !x.is_finite() => {
            return Err(bad(format!("--value {x}: expected a finite number")));
        }
        _ => {}
    }
    if !(0.0 < args.peel
        && args.peel < 0.5
        && (0.0..1.0).contains(&args.min_support)
        && (0.0..0.5).contains(&args.paste))
    {
        return Err(bad(
            "--peel must be in (0, 0.5), --paste in [0, 0.5) and --min-support in [0, 1)".into(),
        ));
    }
    let scenario = Some(ScenarioRef {
        path: m.scenario.path.clone(),
        name: m.scenario.name.clone(),
        description: m.scenario.description.clone(),
        sha256: m.scenario.sha256.clone(),
    });
    let rpath = args.dir.join("runs.csv");
    let mut rd =
        csv::Reader::from_path(&rpath).map_err(|e| bad(format!("{}: {e}", rpath.display())))?;
    let head = rd
        .headers()
        .map_err(|e| bad(format!("{}: {e}", rpath.display())))?
        .clone();
    let col = |name: &str| head.iter().position(|h| h == name);
    let pcols: Vec<usize> = params
        .iter()
        .map(|p| col(p).ok_or_else(|| bad(format!("{}:1: no column {p}", rpath.display()))))
        .collect::<Result<_, _>>()?;
    let ocol = col(&args.outcome)
        .ok_or_else(|| bad(format!("{}:1: no column {}", rpath.display(), args.outcome)))?;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for rec in rd.records() {
        let rec = rec.map_err(|e| bad(format!("{}: {e}", rpath.display())))?;
        // Verified: parameter cells are numbers or empty (a parameter a run did not report).
        let row: Option<Vec<f64>> = pcols.iter().map(|&c| rec[c].parse().ok()).collect();
        let Some(row) = row else { continue };
        let v = &rec[ocol];
        let hit = if binary {
            v == "1"
        } else {
            v.parse::<f64>()
                .is_ok_and(|z| z >= args.value.unwrap_or(f64::INFINITY))
        };
        x.push(row);
        y.push(hit);
    }
    if x.is_empty() {
        return Err(bad(format!("{}: no runs", rpath.display())));
    }
    let mut traj = prim::peel(&x, &y, args.peel, args.min_support);
    let peeled = traj.len();
    if args.paste > 0.0
        && let Some(last) = traj.last()
    {
        let pasted = prim::paste(&x, &y, last, args.paste);
        if pasted != *last {
            traj.push(pasted);
        }
    }
    // Quasi-p-values of every restriction of every box, and the recommended box
    // (experiments::prim, "Choosing a box").
    let full = traj.first().map(|b| b.limits.clone()).unwrap_or_default();
    let qps: Vec<Vec<Option<f64>>> = traj
        .iter()
        .map(|b| {
            (0..params.len())
                .map(|j| prim::quasi_p(&x, &y, b, &full, j))
                .collect()
        })
        .collect();
    let recommended = prim::recommend(&traj, &qps);
    let mut header = vec![
        "step".to_string(),
        "stage".into(),
        "coverage".into(),
        "density".into(),
        "support".into(),
        "n".into(),
        "restricted".into(),
        "recommended".into(),
    ];
    for p in &params {
        header.push(format!("{p}.lo"));
        header.push(format!("{p}.hi"));
    }
    for p in &params {
        header.push(format!("{p}.qp"));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let mut name = args.dir.file_name().unwrap_or_default().to_os_string();
        name.push(format!("-discover-{}", args.outcome));
        args.dir.with_file_name(name)
    });
    let dir = super::open_folder(
        &out,
        FolderKind::Discover,
        args.force,
        std::slice::from_ref(&args.dir),
    )?;
    let mut manifest = DiscoverManifest {
        kind: "discover".into(),
        crossroads_version: env!("CARGO_PKG_VERSION").into(),
        status: Status::Running,
        source: args.dir.display().to_string(),
        scenario,
        outcome: args.outcome.clone(),
        outcome_label: outcome.label.clone(),
        value: args.value,
        cases_of_interest: y.iter().filter(|&&b| b).count() as u64,
        cases: y.len() as u64,
        peel_alpha: args.peel,
        min_support: args.min_support,
        paste_alpha: args.paste,
        pasted: traj.len() > peeled,
        params,
        boxes: 0,
        recommended: None,
        started_at,
        finished_at: None,
        error: None,
        files: vec![],
    };
    dir.manifest(&mut manifest).map_err(output_error)?;
    let mut table = CsvStream::create(&dir, "boxes.csv", &header).map_err(output_error)?;
    for (i, b) in traj.iter().enumerate() {
        let mut r = vec![
            i.to_string(),
            if i < peeled { "peel" } else { "paste" }.to_string(),
            num(b.coverage),
            num(b.density),
            num(b.support),
            b.n.to_string(),
            prim::restricted(b, &full).len().to_string(),
            u8::from(recommended == Some(i)).to_string(),
        ];
        for (lo, hi) in &b.limits {
            r.push(num(*lo));
            r.push(num(*hi));
        }
        for q in &qps[i] {
            r.push(q.map_or(String::new(), num));
        }
        table.row(&r).map_err(output_error)?;
    }
    table.finish().map_err(output_error)?;
    manifest.status = Status::Complete;
    manifest.boxes = traj.len() as u64;
    manifest.recommended = recommended.map(|r| r as u64);
    manifest.finished_at = Some(now_utc());
    dir.manifest(&mut manifest).map_err(output_error)?;
    if !args.no_charts {
        plot(&dir)?;
    }
    let last = traj
        .last()
        .map(|b| (b.coverage, b.density, b.support))
        .unwrap_or_default();
    if args.quiet {
        return Ok(());
    }
    term::errln(&format!(
        "{} boxes written to {} (last: coverage {:.2}, density {:.2}, support {:.2})",
        traj.len(),
        dir.path().display(),
        last.0,
        last.1,
        last.2
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_evaluation_ends_the_design_and_keeps_the_rows_before_it() {
        let stop = AtomicBool::new(false);
        let mut rows = Vec::new();
        let end = run_design(
            10,
            "points",
            true,
            &stop,
            |i| {
                if i == 3 {
                    Err(CliError::failure("run 1 (seed 7) failed: boom"))
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
        let e = unfinished(end, 3, 10, "points", Path::new("out"), "");
        assert_eq!(e.code, crate::cli::EXIT_FAILURE);
        assert!(
            e.message
                .contains("boom\n3 points before it are in out (manifest status failed)")
        );
    }

    #[test]
    fn a_stop_between_evaluations_starts_no_other() {
        let stop = AtomicBool::new(false);
        let mut rows = Vec::new();
        let end = run_design(
            10,
            "points",
            true,
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
        let e = unfinished(end, 5, 10, "points", Path::new("out"), "");
        assert_eq!(e.code, EXIT_INTERRUPTED);
        assert!(
            e.message
                .starts_with("interrupted: 5 of 10 points written to out")
        );
    }

    #[test]
    fn an_evaluation_interrupted_inside_its_batch_is_dropped() {
        let stop = AtomicBool::new(false);
        let mut rows = Vec::new();
        let mut calls = 0;
        let end = run_design(
            10,
            "points",
            true,
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
