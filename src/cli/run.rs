//! `crossroads run`: load the scenario, run the batch into the output folder, print the summary table.

use super::{CliError, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, RunArgs, term};
use crate::batch::budget::Plan;
use crate::batch::{ModelSim, Shard, Simulate, default_threads};
use crate::outputs::export::{OutcomeSummary, Summary};
use crate::outputs::folder::template;
use crate::outputs::manifest::{ClassInfo, OutcomeInfo, ParamInfo, ScenarioInfo, UntilCi};
use crate::outputs::{FolderKind, OutputDir, OutputError, Status, write_batch};
use crate::scenario::{Resolved, Sources};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Raised by SIGINT/SIGTERM: workers take no new runs, finished runs are flushed.
static STOP: AtomicBool = AtomicBool::new(false);

/// The manifest's `error` after a second interrupt.
pub const SECOND_INTERRUPT: &str = "stopped by a second interrupt (Ctrl-C or SIGTERM) before the \
    folder was complete; the files listed in `files` are whole, temporary files were removed";

/// The manifest's `error` after an interrupt of a command that does not stop cleanly (merge,
/// discover, slurm, plot: short, file-only work).
pub const INTERRUPTED: &str = "interrupted (Ctrl-C or SIGTERM) before the folder was complete; the \
    files listed in `files` are whole, temporary files were removed";

/// Set by commands that check [`STOP`] and stop cleanly on the first signal.
static POLLED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C / SIGTERM handler once. For a command that checks the stop flag
/// ([`install_stop_handler`]) the first signal raises it (runs check it every month, so the work
/// stops within a second and the folder is written `partial`); a second one, or the first for any
/// other command, ends every unfinished output folder at once (manifest `failed`, temporary files
/// removed, lock released) and exits 130.
pub fn install_signal_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            let polled = POLLED.load(Ordering::SeqCst);
            if STOP.swap(true, Ordering::SeqCst) || !polled {
                let why = if polled { SECOND_INTERRUPT } else { INTERRUPTED };
                crate::outputs::abandon_all(Status::Failed, why, true);
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
        if let Err(e) = installed {
            term::errln(&format!(
                "warning: cannot handle Ctrl-C ({e}); an interrupted command leaves its folder `running`"
            ));
        }
    });
}

/// [`install_signal_handler`] for a command that stops cleanly when the returned flag is raised.
pub fn install_stop_handler() -> &'static AtomicBool {
    POLLED.store(true, Ordering::SeqCst);
    install_signal_handler();
    &STOP
}

/// Maps an output error to the CLI's exit codes.
pub fn output_error(e: OutputError) -> CliError {
    let code = match e {
        OutputError::Io(_) => EXIT_FAILURE,
        _ => EXIT_USAGE,
    };
    CliError {
        code,
        message: e.to_string(),
    }
}

fn or_id(label: &str, id: &str) -> String {
    if label.is_empty() { id } else { label }.to_string()
}

/// The scenario's outcomes as recorded in manifest.json.
pub fn outcome_infos(s: &crate::scenario::Scenario) -> Vec<OutcomeInfo> {
    s.outcomes
        .iter()
        .map(|o| OutcomeInfo {
            id: o.id.clone(),
            label: or_id(&o.label, &o.id),
            units: o.units.clone(),
            kind_type: if o.kind.is_binary() {
                "binary"
            } else {
                "numeric"
            }
            .into(),
            kind: serde_json::to_value(&o.kind).unwrap_or(serde_json::Value::Null),
        })
        .collect()
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

/// Charts and report.html for a finished folder: the same code path as `crossroads plot`, so a run
/// and a later `plot` on its folder give the same files; recorded in its manifest.
pub fn render_extras(dir: &OutputDir) -> Result<(), CliError> {
    let drawn = crate::report::plot_folder(dir.path()).map_err(|e| {
        CliError::failure(format!(
            "{}: writing charts and report: {e}",
            dir.path().display()
        ))
    })?;
    super::record_drawn(dir, &drawn)
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
    let outcomes = outcome_infos(s);
    // The per-run selection is checked before any run is made.
    let layout: Vec<crate::outputs::manifest::SeriesInfo> = sim
        .layout()
        .iter()
        .map(|k| crate::outputs::manifest::SeriesInfo {
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
        sets.clone(),
        seed,
        runs,
        shard,
        threads,
        args.events,
        uncertain_params(&resolved),
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

/// Runs added per block by `--until-ci` (the stopping point is always a multiple of it, or the cap).
pub const UNTIL_CI_BLOCK: u64 = 100;

pub fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    progress_bar_of(len, "runs", quiet)
}

/// A progress bar on stderr counting `what` (hidden when `quiet` or stderr is not a terminal).
pub fn progress_bar_of(len: u64, what: &str, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {what}  {{per_sec}}  ETA {{eta}}  [{{elapsed_precise}}]"
    )) {
        bar.set_style(style);
    }
    bar
}

/// `--threads`: 1 to [`crate::batch::budget::MAX_THREADS`]; all cores when not given.
pub fn threads_arg(t: Option<usize>) -> Result<usize, CliError> {
    match t {
        Some(t) => crate::batch::budget::check_threads(t).map_err(CliError::usage),
        None => Ok(default_threads().min(crate::batch::budget::MAX_THREADS)),
    }
}

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
