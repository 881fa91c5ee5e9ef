//! `crossroads sweep`'s orchestration: the settings (flags over the scenario's `sweep:` block), the
//! design's points checked at both ends of every range, then one batch of runs `0..R` per point
//! (common random numbers: points differ only through their values), each finished point a row of
//! points.csv, the manifest `complete`, `partial` (stop flag) or `failed` at the end
//! (docs/outputs.md, "Experiment folders").

use super::points::{Agg, Runs, evaluate, run_design};
use super::{End, Error, Progress, out_path, outcome_refs, output_error, scenario_ref};
use crate::batch::budget::Plan;
use crate::experiments::posterior::{Posterior, PosteriorSim};
use crate::experiments::sweep;
use crate::outputs::OutputDir;
use crate::outputs::experiment::{CsvStream, SweepManifest, SweepParam, num, points_header};
use crate::outputs::manifest::{Status, now_utc};
use crate::scenario::schema::SweepSpec;
use crate::scenario::{Resolved, Sources};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// The most points a sweep design may have (any design; a grid's limit is the scenario format's).
pub const MAX_SWEEP_POINTS: usize = crate::scenario::schema::SWEEP_MAX_GRID_POINTS as usize;

/// What the command line asks for (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub file: PathBuf,
    /// `--param PATH=LO..HI`, as given.
    pub params: Vec<String>,
    pub design: Option<String>,
    pub samples: Option<usize>,
    pub runs_per_point: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub out: Option<PathBuf>,
    pub sets: Vec<String>,
    pub allow_large: bool,
    /// `--posterior`: a calibration folder whose weighted posterior gives each point's uncertain
    /// parameters that are not swept.
    pub posterior: Option<PathBuf>,
}

/// The settings of a sweep: the scenario's `sweep:` block with the flags over it.
pub struct SweepPlan {
    pub params: Vec<sweep::ParamRange>,
    pub kind: sweep::DesignKind,
    pub samples: usize,
    pub runs_per_point: u64,
    pub settings_from: &'static str,
    pub description: String,
}

/// Defaults of the sweep settings when neither the flags nor the block give them.
const DEFAULT_DESIGN: sweep::DesignKind = sweep::DesignKind::Grid;
const DEFAULT_SAMPLES: usize = crate::scenario::schema::SWEEP_DEFAULT_SAMPLES as usize;
const DEFAULT_RUNS_PER_POINT: u64 = crate::scenario::schema::SWEEP_DEFAULT_RUNS_PER_POINT;

/// Precedence, field by field: a flag, else the block's field, else the default. `--param` replaces
/// the block's whole parameter list.
pub fn sweep_plan(args: &Request, block: Option<&SweepSpec>) -> Result<SweepPlan, Error> {
    let flags = args
        .params
        .iter()
        .map(|p| sweep::ParamRange::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::Usage)?;
    // The block's rules (validate::sweep_block) hold for flags too: each path swept once.
    for (i, p) in flags.iter().enumerate() {
        if flags[..i].iter().any(|q| q.path == p.path) {
            return Err(Error::Usage(format!(
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
            return Err(Error::Usage(format!(
                "{}: nothing to sweep: give --param PATH=LO..HI (repeatable), or write a `sweep:` block \
                 in the scenario, e.g. sweep: (params: [(path: \"actors.russia.budget\", lo: 80, hi: 120)]) \
                 (docs/scenario-format.md, section 22)",
                args.file.display()
            )));
        }
    };
    let kind = match (&args.design, block) {
        (Some(d), _) => sweep::DesignKind::parse(d).map_err(Error::Usage)?,
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

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
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

/// A sweep checked and ready to run: its settings, points and output folder.
pub struct Sweep {
    req: Request,
    sources: Sources,
    base: Resolved,
    pub plan: SweepPlan,
    pub seed: u64,
    /// The output folder (`--out`, else outputs/<scenario name>-sweep), checked against the inputs.
    pub out: PathBuf,
    pub points: Vec<Vec<f64>>,
    posterior: Option<Posterior>,
    /// The posterior's parameters the points do not take (swept or fixed in the scenario).
    posterior_unused: Vec<String>,
}

/// How a sweep ended.
pub struct Finished {
    pub manifest: SweepManifest,
    pub end: End,
    /// Points written.
    pub done: u64,
}

/// Reads the scenario once and checks everything before a folder exists: the settings, the output
/// folder's place, the work per point (`allow_large`), the design, and every swept path at both ends
/// of its range.
pub fn prepare(req: Request) -> Result<Sweep, Error> {
    let threads = req.threads;
    let args = &req;
    // The scenario is read once: every point applies its values to this copy.
    let sources = Sources::read(&args.file)?;
    let base = sources.load(&args.sets)?;
    let plan = sweep_plan(args, base.scenario.sweep.as_ref())?;
    if plan.runs_per_point == 0 {
        return Err(Error::Usage("--runs-per-point must be at least 1".into()));
    }
    if plan.kind != sweep::DesignKind::Grid && plan.samples > MAX_SWEEP_POINTS {
        return Err(Error::Usage(format!(
            "--samples {}: a {} design has at most {MAX_SWEEP_POINTS} points",
            plan.samples,
            plan.kind.as_str()
        )));
    }
    let seed = args.seed.unwrap_or(base.scenario.run.seed);
    let out = out_path(&args.out, format!("{}-sweep", base.scenario.run.name));
    crate::outputs::place::check_out(&out, &sources.paths()).map_err(output_error)?;
    Plan::batch(&base.scenario, plan.runs_per_point, threads, false)
        .check(&args.file.display().to_string(), args.allow_large)
        .map_err(Error::Usage)?;
    let posterior = req
        .posterior
        .as_deref()
        .map(Posterior::load)
        .transpose()
        .map_err(Error::Usage)?;
    let mut posterior_unused = Vec::new();
    let params = &plan.params;
    let points = sweep::points(params, plan.kind, plan.samples, seed).map_err(Error::Usage)?;
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
            .map_err(Error::Usage)?;
    }
    Ok(Sweep {
        req,
        sources,
        base,
        plan,
        seed,
        out,
        points,
        posterior,
        posterior_unused,
    })
}

impl Sweep {
    /// The files read (the inputs the output folder may not be).
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.sources
            .paths()
            .into_iter()
            .chain(self.req.posterior.clone())
            .collect()
    }

    /// Runs the points into `dir` (opened by the caller at [`Sweep::out`]), writing the manifest
    /// first, a row per finished point, the final manifest last. Errors are the folder's.
    pub fn run(
        &self,
        dir: &OutputDir,
        stop: &AtomicBool,
        progress: &mut dyn Progress,
    ) -> Result<Finished, Error> {
        let (args, plan, points) = (&self.req, &self.plan, &self.points);
        let (seed, threads, params) = (self.seed, args.threads, &plan.params);
        let mut m = SweepManifest {
            kind: "sweep".into(),
            crossroads_version: env!("CARGO_PKG_VERSION").into(),
            status: Status::Running,
            completed_points: 0,
            points: points.len() as u64,
            scenario: scenario_ref(&args.file, &self.base),
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
            outcomes: outcome_refs(&self.base),
            threads,
            started_at: now_utc(),
            finished_at: None,
            error: None,
            posterior: self.posterior.as_ref().map(|p| p.reference.clone()),
            posterior_unused: self.posterior_unused.clone(),
            files: vec![],
        };
        dir.manifest(&mut m).map_err(output_error)?;
        let mut table =
            CsvStream::create(dir, "points.csv", &points_header(&m.params, &m.outcomes))
                .map_err(output_error)?;
        let runs = Runs {
            seed,
            first: 0,
            runs: plan.runs_per_point,
            threads,
        };
        let end = run_design(
            points.len(),
            "points",
            progress,
            stop,
            |i| {
                let sets = [args.sets.clone(), sweep::sets(params, &points[i])].concat();
                evaluate(&self.sources, &sets, runs, stop, self.posterior.as_ref())
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
        Ok(Finished {
            manifest: m,
            end,
            done,
        })
    }
}
