//! `crossroads run`: load the scenario, run the batch into the output folder, print the summary table.

use super::term::{install_stop_handler, progress_bar};
use super::{CliError, EXIT_INTERRUPTED, RunArgs, output_error, render_extras, term, threads_arg};
use crate::batch::budget::Plan;
use crate::batch::{ModelSim, Shard, Simulate};
use crate::experiments::runner::outcome_infos;
use crate::outputs::export::{OutcomeSummary, Summary};
use crate::outputs::folder::template;
use crate::outputs::manifest::{ClassInfo, ParamInfo, ScenarioInfo, SeriesInfo, UntilCi};
use crate::outputs::{FolderKind, Status, write_batch};
use crate::scenario::{Resolved, Sources};
use std::path::{Path, PathBuf};

fn or_id(label: &str, id: &str) -> String {
    if label.is_empty() { id } else { label }.to_string()
}

/// Every uncertain parameter of the scenario as (path, distribution), in document order.
fn uncertain_params(r: &Resolved) -> Vec<ParamInfo> {
    r.uncertain()
        .into_iter()
        .map(|u| ParamInfo {
            path: u.path,
            distribution: u.dist.to_string(),
        })
        .collect()
}

pub fn exec(args: RunArgs) -> Result<(), CliError> {
    let shard = args
        .shard
        .as_deref()
        .map(|s| Shard::parse_with_env(s, &std::env::vars().collect()))
        .transpose()
        .map_err(CliError::usage)?;
    let threads = threads_arg(args.threads)?;
    let sources = Sources::read(&args.file)?;
    // --name NAME is `--set run.name="NAME"`: the name is in scenario.ron and its sha256 too.
    let mut sets = args.sets.clone();
    if let Some(n) = &args.name {
        if n.trim().is_empty() {
            return Err(CliError::usage("--name: expected a non-empty name"));
        }
        sets.push(format!("run.name={n:?}"));
    }
    let resolved = sources.load(&sets)?;
    let s = &resolved.scenario;
    let runs = args.runs.unwrap_or(s.run.runs);
    if runs == 0 {
        return Err(CliError::usage("--runs must be at least 1"));
    }
    let seed = args.seed.unwrap_or(s.run.seed);
    if let Some(w) = args.until_ci {
        if !(w > 0.0 && w <= 1.0) {
            return Err(CliError::usage(
                "--until-ci must be a width in (0, 1], e.g. 0.05",
            ));
        }
        if shard.is_some() {
            return Err(CliError::usage(
                "--until-ci cannot be combined with --shard",
            ));
        }
    }
    let out: PathBuf = args.out.clone().unwrap_or_else(|| {
        let mut p = PathBuf::from("outputs");
        p.push(match shard {
            Some(sh) => format!("{}-shard-{}-of-{}", s.run.name, sh.index, sh.count),
            None => s.run.name.clone(),
        });
        p
    });
    // The inputs: the scenario's files and, with --posterior, the calibration folder.
    let mut inputs = sources.paths();
    inputs.extend(args.posterior.iter().cloned());
    super::check_out(&out, &inputs)?;
    Plan::batch(s, runs, threads, true)
        .check(&args.file.display().to_string(), args.allow_large)
        .map_err(CliError::usage)?;

    let sim = ModelSim::new(&resolved);
    let posterior = match &args.posterior {
        Some(d) => {
            if args.until_ci.is_some() {
                return Err(CliError::usage(
                    "--until-ci cannot be combined with --posterior",
                ));
            }
            Some(crate::experiments::posterior::Posterior::load(d).map_err(CliError::usage)?)
        }
        None => None,
    };
    let posterior_sim = match &posterior {
        Some(p) => Some(
            crate::experiments::posterior::PosteriorSim::new(&resolved, p)
                .map_err(CliError::usage)?,
        ),
        None => None,
    };
    let mut t = batch_template(&args, &resolved, &sim, sets, (seed, runs), shard, threads)?;
    t.posterior = posterior.as_ref().map(|p| p.reference.clone());
    let dir = super::open_folder(&out, FolderKind::Batch, args.force, &inputs)?;
    let stop = install_stop_handler();
    let (first, end) = t.range();
    let bar = progress_bar(end - first, args.quiet);
    let chosen: &dyn Simulate = match &posterior_sim {
        Some(p) => p,
        None => &sim,
    };
    let finished = write_batch(&dir, chosen, &t, &resolved.to_ron(), 0, stop, &mut |done| {
        bar.set_position(done)
    })
    .map_err(output_error)?;
    bar.finish_and_clear();

    let m = &finished.manifest;
    if let (Some(u), false) = (&m.until_ci, args.quiet) {
        term::errln(&format!(
            "--until-ci {}: {} runs ({}; widest binary 95% interval {:.4})",
            u.width,
            m.runs,
            if u.reached {
                "target reached"
            } else {
                "cap reached before the target"
            },
            u.widest
        ));
    }
    let result = match m.status {
        Status::Complete => {
            if !args.no_charts {
                render_extras(&dir)?;
            }
            Ok(())
        }
        Status::Partial => Err(CliError {
            code: EXIT_INTERRUPTED,
            message: format!(
                "interrupted: {} of {} runs written to {} (manifest status partial)",
                m.completed_runs,
                end - first,
                out.display()
            ),
        }),
        _ => Err(CliError::failure(format!(
            "{}\n{} runs before it are in {} (manifest status failed)",
            m.error.clone().unwrap_or_default(),
            m.completed_runs,
            out.display()
        ))),
    };
    // The table last: stdout closed or full cannot stop the folder from being finished.
    if !args.quiet {
        term::out(&summary_table(&finished.summary, m, &out))?;
    }
    result
}

/// The batch's manifest template: the scenario, its outcomes and classes, the per-run series chosen
/// (checked against the series layout before any run is made), `--until-ci` and `--split-by`.
fn batch_template(
    args: &RunArgs,
    resolved: &Resolved,
    sim: &ModelSim,
    sets: Vec<String>,
    (seed, runs): (u64, u64),
    shard: Option<Shard>,
    threads: usize,
) -> Result<crate::outputs::Manifest, CliError> {
    let s = &resolved.scenario;
    let outcomes = outcome_infos(s);
    // The per-run selection is checked before any run is made.
    let layout: Vec<SeriesInfo> = sim
        .layout()
        .iter()
        .map(|k| SeriesInfo {
            indicator: k.indicator.clone(),
            entity: k.entity.clone(),
        })
        .collect();
    let selectors: Vec<String> = s
        .record
        .per_run
        .iter()
        .chain(&args.per_run_series)
        .cloned()
        .collect();
    let per_run_series = crate::outputs::runs_series::select(&layout, &selectors).map_err(|e| {
        CliError::usage(if args.per_run_series.is_empty() {
            format!("{}: record.per_run: {e}", args.file.display())
        } else {
            e
        })
    })?;
    // --until-ci: the batch stops at the first block of runs where every binary interval is narrow
    // enough (outputs::write_batch); each run is computed once.
    let until_ci = args.until_ci.map(|w| UntilCi {
        width: w,
        block: UNTIL_CI_BLOCK,
        cap: runs,
        reached: false,
        widest: 1.0,
    });
    let classes = s
        .outcome_classes
        .iter()
        .map(|c| ClassInfo {
            id: c.id.clone(),
            label: or_id(&c.label, &c.id),
        })
        .collect();
    let t = template(
        ScenarioInfo {
            path: args.file.display().to_string(),
            sha256: String::new(),
            name: s.run.name.clone(),
            description: s.run.description.clone(),
            start: s.run.start.clone(),
            horizon: s.run.horizon,
        },
        sets,
        seed,
        runs,
        shard,
        threads,
        args.events,
        uncertain_params(resolved),
        outcomes,
        classes,
    );
    let mut t = t;
    t.until_ci = until_ci;
    t.labels = crate::outputs::labels::labels(s);
    t.per_run_series = per_run_series;
    if let Some(o) = &args.split_by {
        match s.outcomes.iter().find(|x| x.id == *o) {
            Some(x) if x.kind.is_binary() => t.split_by = Some(o.clone()),
            Some(_) => {
                return Err(CliError::usage(format!(
                    "--split-by {o}: a numeric outcome; the split needs a binary one"
                )));
            }
            None => {
                return Err(CliError::usage(format!(
                    "--split-by {o}: no such outcome in {} (binary ones: {})",
                    args.file.display(),
                    s.outcomes
                        .iter()
                        .filter(|x| x.kind.is_binary())
                        .map(|x| x.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    Ok(t)
}

/// Runs added per block by `--until-ci` (the stopping point is always a multiple of it, or the cap).
pub const UNTIL_CI_BLOCK: u64 = 100;

fn pct(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.abs() >= 1000.0 || x == x.trunc() => format!("{x:.0}"),
        Some(x) if x.abs() >= 10.0 => format!("{x:.1}"),
        Some(x) => format!("{x:.3}"),
        None => "n/a".into(),
    }
}

/// The end-of-run table: binary outcomes with probability, Wilson 95% interval and ICD 203 words;
/// numeric outcomes with median and 90% range; classes; the output path.
pub fn summary_table(s: &Summary, m: &crate::outputs::Manifest, out: &Path) -> String {
    let mut t = String::new();
    let w = s
        .outcomes
        .iter()
        .map(|o| match o {
            OutcomeSummary::Binary(b) => b.name.len(),
            OutcomeSummary::Numeric(n) => n.name.len(),
        })
        .chain(s.classes.iter().map(|c| c.name.len()))
        .max()
        .unwrap_or(0)
        .max(7);
    t += &format!("\n{} runs, seed {}\n", s.runs, s.seed);
    let binaries: Vec<_> = s
        .outcomes
        .iter()
        .filter_map(|o| match o {
            OutcomeSummary::Binary(b) => Some(b),
            _ => None,
        })
        .collect();
    if !binaries.is_empty() {
        t += &format!(
            "\n{:w$}  {:>11}  {:>17}  {}\n",
            "outcome", "probability", "95% interval", "likelihood"
        );
        for b in binaries {
            t += &format!(
                "{:w$}  {:>11}  {:>17}  {}\n",
                b.name,
                b.probability.map_or("n/a".into(), pct),
                format!("{}–{}", pct(b.ci_low), pct(b.ci_high)),
                b.words
            );
        }
    }
    let numerics: Vec<_> = s
        .outcomes
        .iter()
        .filter_map(|o| match o {
            OutcomeSummary::Numeric(n) => Some(n),
            _ => None,
        })
        .collect();
    if !numerics.is_empty() {
        t += &format!(
            "\n{:w$}  {:>10}  {:>21}  {}\n",
            "outcome", "median", "90% range (p05–p95)", "units"
        );
        for n in numerics {
            let missing = if n.missing > 0 {
                format!("  ({} of {} runs without a value)", n.missing, n.n)
            } else {
                String::new()
            };
            t += &format!(
                "{:w$}  {:>10}  {:>21}  {}{}\n",
                n.name,
                num(n.p50),
                format!("{} – {}", num(n.p05), num(n.p95)),
                n.units,
                missing
            );
        }
    }
    if !s.classes.is_empty() {
        t += &format!(
            "\n{:w$}  {:>11}  {:>17}  {}\n",
            "class", "share", "95% interval", "likelihood"
        );
        for c in &s.classes {
            t += &format!(
                "{:w$}  {:>11}  {:>17}  {}\n",
                c.name,
                c.probability.map_or("n/a".into(), pct),
                format!("{}–{}", pct(c.ci_low), pct(c.ci_high)),
                c.words
            );
        }
        if s.unclassified > 0 {
            t += &format!("{:w$}  {:>11}\n", "(none)", s.unclassified);
        }
    }
    t += &format!("\noutputs: {} ({})\n", out.display(), m.status.as_str());
    t
}
