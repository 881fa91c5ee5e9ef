//! `crossroads calibrate` and `crossroads score`: argument definitions and their mapping onto
//! [`crate::experiments::calibrate`] and [`crate::experiments::verify`]; printing only. The folders'
//! charts and report.html come from [`crate::report::calibration`], as `crossroads plot` makes them.

use super::common_help as h;
use super::term::install_stop_handler;
use super::{CliError, EXIT_INTERRUPTED, output_error, term, threads_arg};
use crate::batch::budget::Plan as Budget;
use crate::experiments::abc::{DEFAULT_ESS_FRACTION, End, KernelKind, Progress, Settings};
use crate::experiments::calibrate::{Request, calibrate, plan};
use crate::experiments::runner::{load_observed, score};
use crate::outputs::manifest::Status;
use crate::outputs::{FolderKind, OutputDir};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;

/// `crossroads calibrate` defaults.
pub const DEFAULT_PARTICLES: usize = 1000;
pub const DEFAULT_GENERATIONS: usize = 20;
pub const DEFAULT_MIN_ACCEPTANCE: f64 = 0.02;

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// Scenario file (RON) with uncertain parameters and an `observations:` block.
    pub file: PathBuf,
    /// Use only the observations dated up to this month, "YYYY-MM" (each particle is simulated up to
    /// the end of it) [default: the latest observation's month].
    #[arg(long, value_name = "MONTH")]
    pub until: Option<String>,
    /// Particles per generation.
    #[arg(long, default_value_t = DEFAULT_PARTICLES)]
    pub particles: usize,
    /// Most generations, the prior (generation 0) included.
    #[arg(long, default_value_t = DEFAULT_GENERATIONS)]
    pub generations: usize,
    /// Stop when a generation's acceptance rate falls below this (that generation, cut off after
    /// particles / A simulations, is dropped); 0: no limit.
    #[arg(long, default_value_t = DEFAULT_MIN_ACCEPTANCE, value_name = "A")]
    pub min_acceptance: f64,
    /// Perturbation kernel: `global` (√2 × each parameter's weighted sd, the same for every
    /// particle; Beaumont et al. 2009) or `local` (per particle and parameter, the spread of the
    /// previous generation's particles within the new tolerance around it: the diagonal of Filippi
    /// et al. 2013's OLCM); both truncated to the prior's support.
    #[arg(long, default_value = "global", value_parser = kernel_arg, value_name = "KERNEL")]
    pub kernel: KernelKind,
    #[arg(long, help = h::SEED)]
    pub seed: Option<u64>,
    #[arg(long, help = h::THREADS)]
    pub threads: Option<usize>,
    #[arg(long, help = h::OUT)]
    pub out: Option<PathBuf>,
    #[arg(long = "set", value_name = "PATH=VALUE", help = h::SET)]
    pub sets: Vec<String>,
    #[arg(long, help = h::FORCE)]
    pub force: bool,
    #[arg(long, short, help = h::QUIET)]
    pub quiet: bool,
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
    #[arg(long, help = h::ALLOW_LARGE)]
    pub allow_large: bool,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// An output folder of `crossroads run` (the forecast), e.g. one made with --posterior.
    pub dir: PathBuf,
    /// A scenario file whose `observations:` block holds what happened.
    #[arg(long, value_name = "FILE")]
    pub observations: PathBuf,
    /// Score only observations dated after this month [default: the cutoff of the posterior the
    /// forecast was drawn from (`run --posterior`), else every observation].
    #[arg(long, value_name = "MONTH")]
    pub after: Option<String>,
    #[arg(long, help = h::OUT)]
    pub out: Option<PathBuf>,
    #[arg(long, help = h::FORCE)]
    pub force: bool,
    /// No table on stdout.
    #[arg(long, short)]
    pub quiet: bool,
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
}

fn bar(n: usize, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::stderr());
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix} {bar:30} {pos}/{len} accepted  {msg}  [{elapsed_precise}]",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Draws the folder's charts and report.html and records them in its manifest.
fn plot(dir: &OutputDir) -> Result<usize, CliError> {
    let drawn = crate::report::calibration::plot_folder(dir.path()).map_err(|e| {
        CliError::failure(format!(
            "{}: writing charts and report: {e}",
            dir.path().display()
        ))
    })?;
    super::record_drawn(dir, &drawn)?;
    Ok(drawn.0.len() / 2)
}

/// `crossroads calibrate`.
/// `--kernel`'s value, by [`KernelKind::parse`] (the one place the names are read).
fn kernel_arg(s: &str) -> Result<KernelKind, String> {
    KernelKind::parse(s).ok_or_else(|| "expected local or global".to_string())
}

pub fn exec_calibrate(args: CalibrateArgs) -> Result<(), CliError> {
    if args.particles == 0 || args.generations == 0 {
        return Err(CliError::usage(
            "--particles and --generations must be at least 1",
        ));
    }
    if !(0.0..1.0).contains(&args.min_acceptance) {
        return Err(CliError::usage(
            "--min-acceptance must be a rate in [0, 1), e.g. 0.02",
        ));
    }
    let threads = threads_arg(args.threads)?;
    let (r, inputs) = load_observed(&args.file, &args.sets)?;
    let p = plan(&r, args.until.as_deref()).map_err(CliError::usage)?;
    let seed = args.seed.unwrap_or(r.scenario.run.seed);
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("outputs").join(format!("{}-calibration", r.scenario.run.name))
    });
    super::check_out(&out, &inputs)?;
    // A generation holds its particles' outcomes only (no per-month aggregates).
    Budget::batch(&r.scenario, args.particles as u64, threads, false)
        .check(&args.file.display().to_string(), args.allow_large)
        .map_err(CliError::usage)?;
    let dir = super::open_folder(&out, FolderKind::Calibration, args.force, &inputs)?;
    let req = Request {
        file: args.file.display().to_string(),
        sets: args.sets.clone(),
        settings: Settings {
            particles: args.particles,
            generations: args.generations,
            min_acceptance: args.min_acceptance,
            ess_fraction: DEFAULT_ESS_FRACTION,
            kernel: args.kernel,
            seed,
        },
        threads,
    };
    if !args.quiet {
        term::errln(&format!(
            "calibrating {} uncertain parameters to {} observations up to {} ({} months per simulation), {} particles",
            p.priors.len(),
            p.targets.len(),
            p.until,
            p.targets.last_tick.min(r.scenario.run.horizon),
            args.particles
        ));
    }
    let stop = install_stop_handler();
    let started = std::time::Instant::now();
    let mut current = bar(args.particles, args.quiet);
    let mut shown = usize::MAX;
    let quiet = args.quiet;
    let n = args.particles;
    let finished = calibrate(&r, &p, &req, &dir, stop, &mut |ev| match ev {
        Progress::Block {
            generation,
            tolerance,
            accepted,
            simulations,
        } => {
            if *generation != shown {
                current.finish_and_clear();
                current = bar(n, quiet);
                current.set_prefix(format!("generation {generation}"));
                shown = *generation;
            }
            current.set_position(*accepted as u64);
            let eps = if tolerance.is_finite() {
                format!("ε {tolerance:.4}")
            } else {
                "ε ∞".into()
            };
            current.set_message(format!(
                "{eps}  {simulations} simulations  acceptance {:.1}%",
                100.0 * *accepted as f64 / (*simulations).max(1) as f64
            ));
        }
        Progress::Generation(g) => {
            current.finish_and_clear();
            if !quiet {
                let eps = if g.tolerance.is_finite() {
                    format!("{:.4}", g.tolerance)
                } else {
                    "∞".into()
                };
                term::errln(&format!(
                    "generation {:>2}: ε {eps}, acceptance {:.1}% ({} simulations), ESS {:.0}",
                    g.index,
                    100.0 * g.acceptance_rate(),
                    g.simulations,
                    g.ess
                ));
            }
        }
    })
    .map_err(output_error)?;
    current.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let m = &finished.manifest;
    if !args.quiet {
        term::errln(&format!(
            "{} simulations in {secs:.1} s ({:.0} per second, {} threads)",
            m.simulations_run,
            m.simulations_run as f64 / secs.max(1e-9),
            threads
        ));
        if let Some(s) = &finished.summary {
            print_summary(s);
        }
        term::errln(&format!(
            "\noutputs: {} ({})",
            out.display(),
            m.status.as_str()
        ));
    }
    if m.status != Status::Failed && m.generations_completed > 0 && !args.no_charts {
        plot(&dir)?;
    }
    match &finished.end {
        End::Interrupted { generation } => Err(CliError {
            code: EXIT_INTERRUPTED,
            message: format!(
                "interrupted during generation {generation}: {} finished generations written to {} (manifest status partial)",
                m.generations_completed,
                out.display()
            ),
        }),
        End::Failed { .. } => Err(CliError::failure(format!(
            "{}\n{} finished generations are in {} (manifest status failed)",
            m.error.clone().unwrap_or_default(),
            m.generations_completed,
            out.display()
        ))),
        _ => Ok(()),
    }
}

/// Why the calibration stopped and each parameter's prior and posterior (on stderr).
fn print_summary(s: &crate::outputs::calibration::CalibrationSummary) {
    term::errln(&format!("stopped: {}", s.stop_detail));
    term::errln(&format!(
        "\n{:<50} {:>24} {:>24} {:>8}",
        "parameter", "prior mean (sd)", "posterior mean (sd)", "sd ratio"
    ));
    for p in &s.params {
        let f = |x: Option<f64>| x.map_or("–".into(), |v| format!("{v:.4}"));
        term::errln(&format!(
            "{:<50} {:>24} {:>24} {:>8}",
            p.path,
            format!("{} ({})", f(p.prior.mean), f(p.prior.sd)),
            format!("{} ({})", f(p.posterior.mean), f(p.posterior.sd)),
            p.sd_ratio.map_or("–".into(), |v| format!("{v:.2}"))
        ));
    }
}

/// `crossroads score`.
pub fn exec_score(args: ScoreArgs) -> Result<(), CliError> {
    let mut sc = score::prepare(&score::Request {
        dir: args.dir,
        observations: args.observations,
        after: args.after,
        out: args.out,
    })?;
    let out = sc.out.clone();
    let dir = super::open_folder(&out, FolderKind::Score, args.force, &sc.inputs)?;
    sc.write(&dir)?;
    if !args.no_charts {
        plot(&dir)?;
    }
    // The table last: stdout closed or full cannot stop the folder from being finished.
    if !args.quiet {
        term::outln(&format!(
            "{:<28} {:>8} {:>10} {:>10} {:>8} {:>8} {:>6}",
            "observation", "observed", "forecast", "brier|crps", "log", "pit", "in 90"
        ))?;
        for r in &sc.rows {
            let o = |x: Option<f64>| x.map_or("–".into(), |v| format!("{v:.4}"));
            term::outln(&format!(
                "{:<28} {:>8.4} {:>10.4} {:>10} {:>8} {:>8} {:>6}",
                r.observation,
                r.observed,
                r.forecast,
                o(r.brier.or(r.crps)),
                o(r.log_score),
                o(r.pit),
                r.in_90.map_or("–", |b| if b { "yes" } else { "no" })
            ))?;
        }
        term::outln(&format!("\noutputs: {}", out.display()))?;
    }
    Ok(())
}
