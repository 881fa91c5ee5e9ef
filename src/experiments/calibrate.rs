//! `crossroads calibrate`'s orchestration: the scenario's uncertain parameters (their distributions as
//! priors) fitted by ABC-SMC ([`super::abc`]) to its observations dated up to a month
//! ([`super::observe`]), each particle simulated only up to that month, written into a calibration
//! folder as the generations finish (docs/outputs.md, "Calibration folders").
//!
//! Files: manifest.json (`running` first, then after each generation, and at the end `complete`,
//! `partial` after the stop flag, `failed`); prior.csv (generation 0) once; posterior.csv (the last
//! finished generation), predictive.csv (the model's value of each observation for generation 0 and
//! the last one) and generations.csv rewritten after every generation, so an interruption keeps the
//! finished generations; calibration.json (posterior summaries) at the end. Charts and report.html are
//! drawn from these files by `crate::report::calibration` (as `crossroads plot` does).
//!
//! A particle's simulation: the scenario's tree with each distribution replaced by the particle's
//! value (the same substitution a run's realisation makes), deserialized, and stepped
//! `until + 1 − start` months from the attempt's streams; the observations' model values are read off
//! its series and measured with their errors from the stream `observe`.

use super::abc::{self, End, Evaluation, Generation, Prior, Progress, Settings};
use super::observe::Targets;
use crate::model::RunOptions;
use crate::model::rng::Streams;
use crate::model::schedule::Simulation;
use crate::outputs::OutputError;
use crate::outputs::calibration::{
    CalibrationManifest, CalibrationSummary, GenerationRow, GenerationValues, ObservationInfo,
    ObservationSummary, ParamSummary, Spread, generations_csv, particles_csv, predictive_csv,
};
use crate::outputs::experiment::ScenarioRef;
use crate::outputs::manifest::{ParamInfo, Status, now_utc};
use crate::outputs::writer::OutputDir;
use crate::scenario::Resolved;
use crate::scenario::schema::{Scenario, month_offset, parse_month, tick_date};
use crate::scenario::tree::Seg;
use std::sync::atomic::AtomicBool;

/// What to calibrate, checked: the priors and the observations used.
#[derive(Debug, Clone)]
pub struct Plan {
    pub priors: Vec<Prior>,
    pub targets: Targets,
    /// The cutoff month (`--until`, else the latest observation's).
    pub until: String,
}

/// Checks a calibration request against the scenario: it needs uncertain parameters, observations
/// dated up to `until` (default: all of them), and `until` within the run. The error is a usage
/// problem (exit 2).
pub fn plan(r: &Resolved, until: Option<&str>) -> Result<Plan, String> {
    let s = &r.scenario;
    let priors: Vec<Prior> = r
        .uncertain()
        .into_iter()
        .map(|u| Prior {
            name: u.path,
            dist: u.dist,
        })
        .collect();
    if priors.is_empty() {
        return Err(format!(
            "{}: no uncertain parameters to calibrate (write a distribution such as Uniform(lo, hi) in place of a number)",
            r.path
        ));
    }
    if s.observations.is_empty() {
        return Err(format!(
            "{}: no observations to calibrate to (add an `observations:` block; docs/scenario-format.md)",
            r.path
        ));
    }
    let until = match until {
        Some(u) => {
            if parse_month(u).is_none() {
                return Err(format!("--until {u:?}: expected a month \"YYYY-MM\""));
            }
            let off = month_offset(&s.run.start, u).unwrap_or(-1);
            let last = tick_date(&s.run.start, s.run.horizon.saturating_sub(1));
            if off < 0 || off >= s.run.horizon as i64 {
                return Err(format!(
                    "--until {u}: outside the run, which covers {} to {last}",
                    s.run.start
                ));
            }
            u.to_string()
        }
        None => s
            .observations
            .iter()
            .max_by_key(|o| month_offset(&s.run.start, &o.month).unwrap_or(i64::MIN))
            .map(|o| o.month.clone())
            .unwrap_or_default(),
    };
    let targets = Targets::new(s, Some(&until))?;
    if targets.is_empty() {
        let first = s
            .observations
            .iter()
            .min_by_key(|o| month_offset(&s.run.start, &o.month).unwrap_or(i64::MAX))
            .map(|o| o.month.clone())
            .unwrap_or_default();
        return Err(format!(
            "--until {until}: no observation is dated up to it (the first is dated {first})"
        ));
    }
    Ok(Plan {
        priors,
        targets,
        until,
    })
}

/// The scenario with its distributions replaced by `theta` (document order), like a run's realisation
/// (only the entries that hold a distribution are read again: `param::scenario_with_values`).
pub fn realise_with(r: &Resolved, nodes: &[Vec<Seg>], theta: &[f64]) -> Result<Scenario, String> {
    crate::scenario::param::scenario_with_values(&r.tree, &r.scenario, nodes, theta)
}

/// The paths (tree segments) of the scenario's distributions, in document order.
pub fn dist_segments(r: &Resolved) -> Vec<Vec<Seg>> {
    crate::scenario::param::dist_nodes(&r.tree)
        .into_iter()
        .map(|(segs, _)| segs)
        .collect()
}

/// The model's value of each target when `theta` is simulated up to the targets' last month with
/// `streams`.
pub fn model_values(
    r: &Resolved,
    nodes: &[Vec<Seg>],
    targets: &Targets,
    theta: &[f64],
    streams: &Streams,
) -> Result<Vec<f64>, String> {
    let s = realise_with(r, nodes, theta)?;
    let mut sim = Simulation::new(&s, streams, &RunOptions::default()).map_err(|e| e.0)?;
    for _ in 0..targets.last_tick.min(s.run.horizon) {
        sim.step().map_err(|e| e.0)?;
    }
    let out = sim.finish().map_err(|e| e.0)?;
    Ok(targets.values(&out.series))
}

/// Simulates `theta` up to the targets' last month with `streams` and measures the observations.
pub fn evaluate(
    r: &Resolved,
    nodes: &[Vec<Seg>],
    targets: &Targets,
    theta: &[f64],
    streams: &Streams,
) -> Result<Evaluation, String> {
    let values = model_values(r, nodes, targets, theta, streams)?;
    let measured = targets.measure(&values, &mut streams.get("observe"));
    Ok(Evaluation {
        distance: targets.distance(&measured),
        values,
    })
}

/// The settings of a calibration request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The scenario file as given.
    pub file: String,
    pub sets: Vec<String>,
    pub settings: Settings,
    pub threads: usize,
}

/// How a calibration ended.
#[derive(Debug, Clone)]
pub struct Finished {
    pub manifest: CalibrationManifest,
    pub end: End,
    /// None when no generation finished.
    pub summary: Option<CalibrationSummary>,
    /// Every finished generation (the last is the posterior).
    pub generations: Vec<Generation>,
}

fn row(g: &Generation) -> GenerationRow {
    GenerationRow {
        generation: g.index,
        tolerance: g.tolerance.is_finite().then_some(g.tolerance),
        accepted: g.theta.len(),
        proposals: g.proposals,
        simulations: g.simulations,
        simulations_run: g.simulations_run,
        acceptance_rate: g.acceptance_rate(),
        ess: g.ess,
    }
}

/// Weighted summary of `x` (NaNs left out).
pub fn spread(x: &[f64], w: &[f64]) -> Spread {
    let (xs, ws): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(w)
        .filter(|(v, _)| v.is_finite())
        .map(|(v, w)| (*v, *w))
        .unzip();
    if xs.is_empty() || ws.iter().sum::<f64>() <= 0.0 {
        return Spread::default();
    }
    let col: Vec<Vec<f64>> = xs.iter().map(|v| vec![*v]).collect();
    let (m, sd) = abc::weighted_mean_sd(&col, &ws, 0);
    let q = |p: f64| Some(abc::weighted_quantile(&xs, &ws, p));
    Spread {
        mean: Some(m),
        sd: Some(sd),
        q05: q(0.05),
        q25: q(0.25),
        q50: q(0.5),
        q75: q(0.75),
        q95: q(0.95),
    }
}

/// calibration.json from the prior (generation 0) and the posterior (the last generation).
pub fn summarise(
    plan: &Plan,
    observations: &[ObservationInfo],
    gens: &[Generation],
    end: &End,
    settings: &Settings,
) -> Option<CalibrationSummary> {
    let (prior, post) = (gens.first()?, gens.last()?);
    let column = |g: &Generation, c: usize| -> Vec<f64> { g.theta.iter().map(|t| t[c]).collect() };
    let params = plan
        .priors
        .iter()
        .enumerate()
        .map(|(c, p)| {
            let a = spread(&column(prior, c), &prior.weights);
            let b = spread(&column(post, c), &post.weights);
            let ratio = match (a.sd, b.sd) {
                (Some(x), Some(y)) if x > 0.0 => Some(y / x),
                _ => None,
            };
            let shift = match (a.mean, b.mean, a.sd) {
                (Some(x), Some(y), Some(s)) if s > 0.0 => Some((y - x) / s),
                _ => None,
            };
            ParamSummary {
                path: p.name.clone(),
                distribution: p.dist.to_string(),
                prior: a,
                posterior: b,
                sd_ratio: ratio,
                shift,
            }
        })
        .collect();
    let values = |g: &Generation, j: usize| -> Vec<f64> { g.values.iter().map(|v| v[j]).collect() };
    let obs = observations
        .iter()
        .enumerate()
        .map(|(j, o)| {
            let b = spread(&values(post, j), &post.weights);
            let z = match b.q50 {
                Some(m) if o.sd > 0.0 => Some((m - o.observed) / o.sd),
                _ => None,
            };
            ObservationSummary {
                id: o.id.clone(),
                observed: o.observed,
                sd: o.sd,
                prior_predictive: spread(&values(prior, j), &prior.weights),
                posterior_predictive: b,
                z,
            }
        })
        .collect();
    let n = settings.particles;
    let stop_detail = match end {
        End::Generations => format!(
            "made the {} generations asked for (--generations)",
            settings.generations
        ),
        End::MinAcceptance {
            generation,
            accepted,
        } => format!(
            "generation {generation} reached {accepted} of {n} acceptances within {} simulations \
             (acceptance below --min-acceptance {}); it was dropped",
            (n as f64 / settings.min_acceptance).ceil(),
            settings.min_acceptance
        ),
        End::Converged => format!(
            "the tolerance stopped decreasing (the next would not be below {})",
            post.tolerance
        ),
        End::Interrupted { generation } => {
            format!("interrupted during generation {generation}, which was dropped")
        }
        End::Failed {
            generation,
            attempt,
            message,
        } => format!("attempt {attempt} of generation {generation} failed: {message}"),
    };
    Some(CalibrationSummary {
        posterior_generation: post.index,
        tolerance: post.tolerance.is_finite().then_some(post.tolerance),
        ess: post.ess,
        acceptance_rate: post.acceptance_rate(),
        stop_reason: end.name().into(),
        stop_detail,
        params,
        observations: obs,
    })
}

/// Runs the calibration into `dir` (see the module doc). `progress` sees every block and generation;
/// raising `stop` ends it after the block in progress (the unfinished generation is dropped). Errors
/// are IO errors writing the folder.
pub fn calibrate(
    r: &Resolved,
    plan: &Plan,
    req: &Request,
    dir: &OutputDir,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Finished, OutputError> {
    let s = &r.scenario;
    let observations: Vec<ObservationInfo> = plan
        .targets
        .items
        .iter()
        .map(|t| ObservationInfo::of(&s.observations[t.index]))
        .collect();
    let mut m = CalibrationManifest {
        kind: "calibration".into(),
        crossroads_version: env!("CARGO_PKG_VERSION").into(),
        status: Status::Running,
        scenario: ScenarioRef {
            path: req.file.clone(),
            name: s.run.name.clone(),
            description: s.run.description.clone(),
            sha256: r.sha256.clone(),
        },
        sets: req.sets.clone(),
        seed: req.settings.seed,
        until: plan.until.clone(),
        simulated_months: plan.targets.last_tick.min(s.run.horizon),
        particles: req.settings.particles,
        max_generations: req.settings.generations,
        min_acceptance: req.settings.min_acceptance,
        ess_fraction: req.settings.ess_fraction,
        kernel: req.settings.kernel.name().into(),
        generations_completed: 0,
        stop_reason: None,
        simulations_run: 0,
        params: plan
            .priors
            .iter()
            .map(|p| ParamInfo {
                path: p.name.clone(),
                distribution: p.dist.to_string(),
            })
            .collect(),
        observations: observations.clone(),
        threads: req.threads,
        started_at: now_utc(),
        finished_at: None,
        error: None,
        files: vec![],
    };
    dir.manifest(&mut m)?;
    let names: Vec<String> = plan.priors.iter().map(|p| p.name.clone()).collect();
    let ids: Vec<String> = observations.iter().map(|o| o.id.clone()).collect();
    let nodes = dist_segments(r);
    let sim = |theta: &[f64], streams: &Streams| evaluate(r, &nodes, &plan.targets, theta, streams);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(req.threads.max(1))
        .build()
        .map_err(|e| OutputError::Io(format!("starting {} worker threads: {e}", req.threads)))?;

    let mut rows: Vec<GenerationRow> = Vec::new();
    let mut first: Option<Generation> = None;
    let mut io_error: Option<OutputError> = None;
    let mut sims_run = 0u64;
    let mut write = |g: &Generation, m: &mut CalibrationManifest| -> Result<(), OutputError> {
        if g.index == 0 {
            dir.write(
                "prior.csv",
                &particles_csv(&names, &g.theta, &g.weights, &g.distances),
            )?;
            first = Some(g.clone());
        }
        dir.write(
            "posterior.csv",
            &particles_csv(&names, &g.theta, &g.weights, &g.distances),
        )?;
        let mut gens: Vec<GenerationValues> = Vec::new();
        if let Some(f) = &first {
            if f.index != g.index {
                gens.push((f.index, &f.values, &f.weights));
            }
        }
        gens.push((g.index, &g.values, &g.weights));
        dir.write("predictive.csv", &predictive_csv(&ids, &gens))?;
        rows.push(row(g));
        dir.write("generations.csv", &generations_csv(&rows))?;
        m.generations_completed = rows.len();
        dir.manifest(m)
    };
    let mut unfinished = 0u64;
    let (gens, end) = abc::run(&plan.priors, &req.settings, &pool, &sim, stop, &mut |p| {
        if let Progress::Block { simulations, .. } = &p {
            unfinished = *simulations;
        }
        if let Progress::Generation(g) = &p {
            unfinished = 0;
            sims_run += g.simulations_run;
            if io_error.is_none() {
                if let Err(e) = write(g, &mut m) {
                    io_error = Some(e);
                }
            }
        }
        progress(&p);
    });
    if let Some(e) = io_error {
        return Err(e);
    }
    // A dropped generation's simulations count too (up to its last scanned attempt).
    m.simulations_run = sims_run + unfinished;
    let summary = summarise(plan, &observations, &gens, &end, &req.settings);
    if let Some(sm) = &summary {
        dir.export(sm)?;
    }
    m.status = match end {
        End::Interrupted { .. } => Status::Partial,
        End::Failed { .. } => Status::Failed,
        _ => Status::Complete,
    };
    if let End::Failed { .. } = end {
        m.error = summary.as_ref().map(|s| s.stop_detail.clone()).or_else(|| {
            Some(match &end {
                End::Failed {
                    generation,
                    attempt,
                    message,
                } => format!("attempt {attempt} of generation {generation} failed: {message}"),
                _ => String::new(),
            })
        });
    }
    m.stop_reason = Some(end.name().into());
    m.generations_completed = gens.len();
    m.finished_at = Some(now_utc());
    dir.manifest(&mut m)?;
    Ok(Finished {
        manifest: m,
        end,
        summary,
        generations: gens,
    })
}
