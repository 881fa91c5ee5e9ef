//! The command line: clap definitions and dispatch. Each subcommand lives in its own file and turns
//! its arguments into calls on the library (scenario -> model -> batch -> outputs -> charts).
//!
//! Exit codes (documented in README.md): 0 success; 2 bad input or usage (invalid scenario, unknown
//! option, existing output folder without `--force`, an output folder that is an input or in use,
//! work beyond the limits without `--allow-large`, shards that do not belong together, an input folder
//! that is not what its manifest says); 1 internal failure (a model panic, a run whose values are not
//! finite, an IO error while writing, stdout that cannot be written); 130 interrupted by Ctrl-C or
//! SIGTERM (outputs marked partial).
//!
//! Nothing here prints with `println!` (which panics when stdout is closed or full): [`term`] writes.
//! A panic anywhere ends as exit 1 with its folder's manifest `failed`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub mod calibrate;
pub mod compare;
pub mod drivers;
pub mod experiments;
pub mod merge;
pub mod plot;
pub mod run;
pub mod slurm;
pub mod term;
pub mod trace;
pub mod validate;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: internal failure (model panic, IO error while writing).
pub const EXIT_FAILURE: i32 = 1;
/// Exit code: bad input or usage.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: interrupted (SIGINT/SIGTERM); the output folder is marked partial.
pub const EXIT_INTERRUPTED: i32 = 130;

/// An error that ends a command: its message (printed to stderr as is) and exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_FAILURE,
            message: message.into(),
        }
    }
}

/// Creates the output folder of a command (see [`crate::outputs::writer`]): placed away from its
/// `inputs`, locked, replaced only as `--force` allows; prints the notes (foreign entries kept, a stale
/// lock taken over) on stderr.
pub fn open_folder(
    path: &std::path::Path,
    kind: crate::outputs::FolderKind,
    force: bool,
    inputs: &[PathBuf],
) -> Result<crate::outputs::OutputDir, CliError> {
    let command = crate::outputs::lock::this_command();
    // From here a signal must end the folder (see term::install_signal_handler).
    term::install_signal_handler();
    let dir = crate::outputs::OutputDir::create(&crate::outputs::Target {
        path,
        kind,
        force,
        inputs,
        command: &command,
    })
    .map_err(output_error)?;
    for n in dir.notes() {
        term::errln(n);
    }
    Ok(dir)
}

/// Records the charts and report.html just drawn into `dir` in its manifest.
pub fn record_drawn(
    dir: &crate::outputs::OutputDir,
    drawn: &(Vec<PathBuf>, PathBuf),
) -> Result<(), CliError> {
    let mut all = drawn.0.clone();
    all.push(drawn.1.clone());
    dir.record_written(&all).map_err(output_error)
}

/// Checks `--out` against the inputs before any work (the folder itself is created later).
pub fn check_out(path: &std::path::Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    crate::outputs::place::check_out(path, inputs).map_err(output_error)
}

/// Maps an output error to the CLI's exit codes.
pub fn output_error(e: crate::outputs::OutputError) -> CliError {
    let code = match e {
        crate::outputs::OutputError::Io(_) => EXIT_FAILURE,
        _ => EXIT_USAGE,
    };
    CliError {
        code,
        message: e.to_string(),
    }
}

/// An experiment's error as the CLI's exit codes: usage 2, failure 1, an output error as
/// [`output_error`] says.
impl From<crate::experiments::runner::Error> for CliError {
    fn from(e: crate::experiments::runner::Error) -> Self {
        use crate::experiments::runner::Error;
        match e {
            Error::Usage(m) => CliError::usage(m),
            Error::Failure(m) => CliError::failure(m),
            Error::Output(e) => output_error(e),
        }
    }
}

/// Charts and report.html for a finished batch folder: the same code path as `crossroads plot`, so
/// a run and a later `plot` on its folder give the same files; recorded in its manifest.
pub fn render_extras(dir: &crate::outputs::OutputDir) -> Result<(), CliError> {
    let drawn = crate::report::plot_folder(dir.path()).map_err(|e| {
        CliError::failure(format!(
            "{}: writing charts and report: {e}",
            dir.path().display()
        ))
    })?;
    record_drawn(dir, &drawn)
}

/// `--threads`: 1 to [`crate::batch::budget::MAX_THREADS`]; all cores when not given.
pub fn threads_arg(t: Option<usize>) -> Result<usize, CliError> {
    match t {
        Some(t) => crate::batch::budget::check_threads(t).map_err(CliError::usage),
        None => Ok(crate::batch::default_threads().min(crate::batch::budget::MAX_THREADS)),
    }
}

impl From<crate::scenario::Diags> for CliError {
    fn from(d: crate::scenario::Diags) -> Self {
        CliError::usage(d.to_string())
    }
}

/// Help texts of the flags every batch command shares (`run`, `compare`, `sweep`, `sensitivity`,
/// `calibrate`; `discover`, `drivers` and `score` for the folder flags): one text per flag, so a flag means the same in
/// every command (tests/cli_common.rs checks it from each command's `--help`).
pub mod common_help {
    pub const SEED: &str = "Root seed: run i of seed S is the same run in every command (default: the scenario's `run.seed`)";
    pub const THREADS: &str = "Worker threads (default: all cores). Results do not depend on it";
    pub const SET: &str = "Override one parameter, e.g. `actors.russia.budget=20` (repeatable; applied to every scenario, run and point)";
    pub const OUT: &str = "Output folder (never an input of the command, the current directory or a parent of it; default: named after the input, see below)";
    pub const FORCE: &str =
        "Replace an existing output folder (only the files crossroads wrote there are deleted)";
    pub const QUIET: &str =
        "No progress bar and no summary on the terminal (errors still go to stderr)";
    pub const NO_CHARTS: &str =
        "Skip charts and report.html (`crossroads plot DIR` draws them later)";
    pub const ALLOW_LARGE: &str = "Run even when one run's estimated work or the memory exceeds the limits (README, \"Limits\")";
}
use common_help as h;

#[derive(Parser, Debug)]
#[command(
    name = "crossroads",
    version,
    about = "Agent-based geopolitical scenario simulator with a reproducible Monte Carlo runner",
    after_help = "Examples:\n  crossroads validate scenarios/baseline.ron\n  crossroads run scenarios/baseline.ron --runs 1000 --seed 42\n  crossroads trace scenarios/baseline.ron --run 7\n\nExit codes: 0 ok, 1 internal failure, 2 bad input or usage, 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check scenario files: exit 0 with a summary per file, or exit 2 with every problem as FILE:LINE:COL.
    #[command(
        after_help = "Examples:\n  crossroads validate scenarios/baseline.ron\n  crossroads validate scenarios/*.ron\n  crossroads validate scenarios/baseline.ron --list-params\n  crossroads validate scenarios/baseline.ron --set actors.russia.budget=20"
    )]
    Validate(ValidateArgs),
    /// Run a batch of seeded Monte Carlo runs and write an output folder.
    #[command(
        after_help = "Examples:\n  crossroads run scenarios/baseline.ron\n  crossroads run scenarios/baseline.ron --runs 5000 --seed 7 --threads 2\n  crossroads run scenarios/baseline.ron --set actors.russia.budget=20 --out outputs/russia20\n  crossroads run scenarios/baseline.ron --shard 0/4 --out outputs/shard0\n  crossroads run scenarios/baseline.ron --set actors.russia.budget=20 --name russia20\n\nDefault --out: outputs/<scenario name> (outputs/<name>-shard-I-of-N with --shard)."
    )]
    Run(RunArgs),
    /// Tell the story of one run, month by month (the same run the batch makes).
    #[command(
        after_help = "Examples:\n  crossroads trace scenarios/baseline.ron --run 7\n  crossroads trace scenarios/baseline.ron --run 7 --seed 42 --explain\n  crossroads trace scenarios/baseline.ron --run 7 --json > run7.jsonl"
    )]
    Trace(TraceArgs),
    /// Merge shard output folders into one, byte-identical to the batch run whole.
    #[command(
        after_help = "Examples:\n  crossroads merge outputs/shard0 outputs/shard1 outputs/shard2 --out outputs/baseline"
    )]
    Merge(MergeArgs),
    /// Write Slurm scripts for a sharded batch: a job array (one shard per task), a merge job that
    /// depends on it, and submit.sh.
    #[command(
        after_help = "Examples:\n  crossroads slurm scenarios/baseline.ron --runs 100000 --shards 50\n  crossroads slurm scenarios/baseline.ron --runs 100000 --shards 50 --cpus 8 --partition short --time 01:00:00\n  crossroads slurm scenarios/baseline.ron --runs 20000 --shards 10 --set actors.russia.budget=20 --out /scratch/me/russia20\n  bash outputs/baseline-slurm/submit.sh\n\nResubmit only failed shards: sbatch --array=2,5 outputs/baseline-slurm/array.sbatch\nSee docs/cluster.md."
    )]
    Slurm(SlurmArgs),
    /// Compare scenarios on common random numbers: paired differences from the first one.
    #[command(
        after_help = "Examples:\n  crossroads compare scenarios/baseline.ron scenarios/russia_escalates.ron --runs 300\n  crossroads compare scenarios/baseline.ron scenarios/russia_escalates.ron scenarios/west_disengages.ron --out outputs/compare\n  crossroads compare outputs/baseline outputs/russia_escalates\n  crossroads compare scenarios/baseline.ron scenarios/russia_escalates.ron --set actors.eu.budget=20 --no-charts\n\nDefault --out: outputs/compare-<A>-vs-<B>... --set applies to every scenario file (not to output folders, whose runs are made)."
    )]
    Compare(CompareArgs),
    /// Rebuild the charts and report.html of an output folder from its files alone.
    #[command(
        after_help = "Examples:\n  crossroads plot outputs/baseline\n  crossroads plot outputs/baseline-sweep\n  crossroads plot /archive/baseline --out outputs/baseline-redrawn"
    )]
    Plot(PlotArgs),
    /// Sweep parameters over a design (grid, Latin hypercube, Sobol); each point a batch of runs.
    /// Without --param, the scenario's `sweep:` block gives the parameters and settings (flags
    /// override its fields).
    #[command(
        after_help = "Examples:\n  crossroads sweep scenarios/baseline.ron --param actors.russia.budget=2..14 --design grid --samples 5 --runs-per-point 200\n  crossroads sweep scenarios/baseline.ron --param actors.russia.budget=2..14 --param actors.eu.budget=4..20 --design sobol --samples 64 --runs-per-point 100\n  crossroads sweep scenarios/sweep_disinformation.ron\n  crossroads sweep scenarios/sweep_disinformation.ron --samples 3 --runs-per-point 50\n\nSettings: a flag, else the scenario's `sweep:` block, else the default; --param replaces the block's parameters.\nCtrl-C stops promptly, keeps the points completed (an interrupted point is dropped; manifest partial) and exits 130.\nDefault --out: outputs/<scenario name>-sweep. --seed also seeds the lhs and sobol designs."
    )]
    Sweep(SweepArgs),
    /// Global sensitivity of each outcome to the scenario's uncertain parameters (Sobol indices or Morris).
    #[command(
        after_help = "Examples:\n  crossroads sensitivity scenarios/baseline.ron --samples 256 --runs-per-point 20\n  crossroads sensitivity scenarios/baseline.ron --method morris --samples 20 --runs-per-point 50\n\nDefault --out: outputs/<scenario name>-sensitivity. --seed also seeds the design and the bootstrap."
    )]
    Sensitivity(SensitivityArgs),
    /// Scenario discovery by PRIM: boxes of uncertain parameters where an outcome concentrates.
    #[command(
        after_help = "Examples:\n  crossroads discover outputs/baseline --outcome treaty_signed\n  crossroads discover outputs/baseline --outcome treaty_month --value 24 --peel 0.05 --min-support 0.05\n\nDefault --out: DIR-discover-<outcome>, next to DIR."
    )]
    Discover(DiscoverArgs),
    /// What drives each outcome in runs already made: given-data PAWN indices of the uncertain
    /// parameters on a run folder's runs.csv, with bootstrap intervals and a dummy-input threshold.
    #[command(
        after_help = "Examples:\n  crossroads drivers outputs/baseline\n  crossroads drivers outputs/baseline --outcome treaty_signed --bootstrap 500\n\nNo new runs: the indices come from the folder's runs (Pianosi & Wagener 2015, 2018). An index whose interval lies within the dummy input's band cannot be told from an input with no effect.\nDefault --out: DIR-drivers, next to DIR."
    )]
    Drivers(DriversArgs),
    /// Calibrate the scenario's uncertain parameters to its observations (ABC-SMC): a weighted
    /// posterior for `run --posterior`.
    #[command(
        after_help = "Examples:\n  crossroads calibrate scenarios/baseline.ron --until 2026-05\n  crossroads calibrate scenarios/baseline.ron --until 2026-05 --particles 2000 --min-acceptance 0.01 --out outputs/cal\n  crossroads run scenarios/baseline.ron --posterior outputs/baseline-calibration\n\nCtrl-C stops after the block in progress, keeps the finished generations (manifest partial) and exits 130.\nDefault --out: outputs/<scenario name>-calibration."
    )]
    Calibrate(calibrate::CalibrateArgs),
    /// Score a run folder's forecasts against observations made after its cutoff (Brier, log score,
    /// CRPS, PIT, band coverage).
    #[command(
        after_help = "Examples:\n  crossroads score outputs/baseline --observations scenarios/baseline.ron\n  crossroads score outputs/posterior-run --observations observed.ron --after 2026-05\n\nDefault --out: DIR-score, next to DIR."
    )]
    Score(calibrate::ScoreArgs),
}

#[derive(Args, Debug)]
pub struct DriversArgs {
    /// An output folder written by `run` or `merge` (its runs.csv and manifest.json).
    pub dir: PathBuf,
    /// Only this outcome (repeatable; default: every outcome).
    #[arg(long)]
    pub outcome: Vec<String>,
    /// Conditioning slices per parameter.
    #[arg(long, default_value_t = crate::experiments::pawn::DEFAULT_SLICES)]
    pub slices: usize,
    /// Bootstrap resamples of the runs for the 95% intervals.
    #[arg(long, default_value_t = 200)]
    pub bootstrap: usize,
    /// Seed of the bootstrap and the dummy input (default: the folder's seed).
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long, help = h::OUT)]
    pub out: Option<PathBuf>,
    #[arg(long, help = h::FORCE)]
    pub force: bool,
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
    #[arg(long, short, help = h::QUIET)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// A swept parameter and its range, `PATH=LO..HI` (repeatable). Replaces the parameters of the
    /// scenario's `sweep:` block; without --param and without a block there is nothing to sweep.
    #[arg(long = "param", value_name = "PATH=LO..HI")]
    pub params: Vec<String>,
    /// Design: grid (SAMPLES levels per parameter), lhs or sobol (SAMPLES points) [default: the
    /// scenario's `sweep.design`, else grid].
    #[arg(long)]
    pub design: Option<String>,
    /// Levels per parameter (grid) or points (lhs, sobol) [default: the scenario's `sweep.samples`,
    /// else 5].
    #[arg(long)]
    pub samples: Option<usize>,
    /// Runs per point (runs 0..R of the seed at every point: common random numbers) [default: the
    /// scenario's `sweep.runs_per_point`, else 100].
    #[arg(long)]
    pub runs_per_point: Option<u64>,
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
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
    #[arg(long, help = h::ALLOW_LARGE)]
    pub allow_large: bool,
    #[arg(long, short, help = h::QUIET)]
    pub quiet: bool,
    /// Draw the uncertain parameters that are not swept from a calibration's posterior
    /// (as `run` does); a swept parameter takes the point's value.
    #[arg(long, value_name = "DIR")]
    pub posterior: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// Scenario file (RON) with uncertain parameters.
    pub file: PathBuf,
    /// Base samples N (sobol: N (k + 2) evaluations, a power of two is best) or trajectories r
    /// (morris: r (k + 1) evaluations).
    #[arg(long)]
    pub samples: usize,
    /// Runs per evaluation (binary outcomes: the probability over them is the model output).
    #[arg(long, default_value_t = 10)]
    pub runs_per_point: u64,
    /// sobol (first-order and total indices) or morris (elementary effects).
    #[arg(long, default_value = "sobol")]
    pub method: String,
    /// Bootstrap resamples for the Sobol index intervals.
    #[arg(long, default_value_t = 200)]
    pub bootstrap: usize,
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
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
    #[arg(long, help = h::ALLOW_LARGE)]
    pub allow_large: bool,
    #[arg(long, short, help = h::QUIET)]
    pub quiet: bool,
    /// Refused: Sobol and Morris need independent inputs, a posterior's are dependent (the message
    /// says what to use instead).
    #[arg(long, value_name = "DIR", hide = true)]
    pub posterior: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DiscoverArgs {
    /// An output folder written by `run` (its runs.csv and manifest.json).
    pub dir: PathBuf,
    /// The outcome whose cases of interest to explain.
    #[arg(long)]
    pub outcome: String,
    /// For a numeric outcome: cases of interest are runs with value >= V.
    #[arg(long)]
    pub value: Option<f64>,
    /// Share of the box's cases removed by each peel.
    #[arg(long, default_value_t = 0.05)]
    pub peel: f64,
    /// Stop peeling when the box holds less than this share of all runs.
    #[arg(long, default_value_t = 0.05)]
    pub min_support: f64,
    /// Pasting after peeling: widen the last box by about this share of its runs per step while
    /// that raises the density (Friedman & Fisher 1999 §5); 0 turns pasting off.
    #[arg(long, default_value_t = 0.05)]
    pub paste: f64,
    #[arg(long, help = h::OUT)]
    pub out: Option<PathBuf>,
    #[arg(long, help = h::FORCE)]
    pub force: bool,
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
    #[arg(long, short, help = h::QUIET)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files (RON).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Also print every uncertain parameter with its path and distribution.
    #[arg(long)]
    pub list_params: bool,
    /// Override one parameter, e.g. `actors.russia.budget=20` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Number of runs (default: the scenario's `run.runs`, else 1000).
    #[arg(long)]
    pub runs: Option<u64>,
    #[arg(long, help = h::SEED)]
    pub seed: Option<u64>,
    #[arg(long, help = h::THREADS)]
    pub threads: Option<usize>,
    #[arg(long, help = h::OUT)]
    pub out: Option<PathBuf>,
    #[arg(long = "set", value_name = "PATH=VALUE", help = h::SET)]
    pub sets: Vec<String>,
    /// Run only the I-th of N contiguous slices of the run indices (0-based), e.g. `0/4`; `auto/N`
    /// takes I from SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX, else PARALLEL_SEQ − 1.
    #[arg(long, value_name = "I/N|auto/N")]
    pub shard: Option<String>,
    #[arg(long, help = h::FORCE)]
    pub force: bool,
    #[arg(long, short, help = h::QUIET)]
    pub quiet: bool,
    /// Also write events.csv (every typed event of every run).
    #[arg(long)]
    pub events: bool,
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
    /// Add runs in blocks of 100 until every binary outcome's 95% Wilson interval is narrower than W
    /// (a probability, e.g. 0.05), at most `--runs`; the folder equals a fixed run of that many runs.
    #[arg(long, value_name = "W")]
    pub until_ci: Option<f64>,
    /// Also write these series run by run to runs_series.csv: `all`, an indicator (`opinion`) or
    /// `indicator:entity` (`opinion:armenia/peace_support`); repeatable, adds to the scenario's
    /// `record.per_run`.
    #[arg(long, value_name = "SEL")]
    pub per_run_series: Vec<String>,
    /// Draw each run's uncertain parameters from the weighted posterior of a calibration folder
    /// (`crossroads calibrate`) instead of their priors; run i's draw depends on (seed, i) alone.
    #[arg(long, value_name = "DIR")]
    pub posterior: Option<PathBuf>,
    #[arg(long, help = h::ALLOW_LARGE)]
    pub allow_large: bool,
    /// Name of this variant: the scenario's `run.name` in the manifest, scenario.ron, the default
    /// --out (outputs/<NAME>) and the columns of a comparison (as `--set run.name="NAME"`).
    #[arg(long)]
    pub name: Option<String>,
    /// The binary outcome that splits the fan charts of the per-run series (runs where it happened
    /// against the rest; default: the first binary outcome that happened in 5-95% of the runs).
    #[arg(long, value_name = "OUTCOME")]
    pub split_by: Option<String>,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario files (RON) or output folders of `crossroads run`; the first is the reference.
    #[arg(required = true, num_args = 2..)]
    pub inputs: Vec<PathBuf>,
    /// Runs per scenario (default: the output folders' runs, else the reference scenario's `run.runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    #[arg(long, help = h::SEED)]
    pub seed: Option<u64>,
    #[arg(long, help = h::THREADS)]
    pub threads: Option<usize>,
    #[arg(long, help = h::OUT)]
    pub out: Option<PathBuf>,
    #[arg(long, help = h::FORCE)]
    pub force: bool,
    #[arg(long, short, help = h::QUIET)]
    pub quiet: bool,
    #[arg(long, help = h::ALLOW_LARGE)]
    pub allow_large: bool,
    #[arg(long = "set", value_name = "PATH=VALUE", help = h::SET)]
    pub sets: Vec<String>,
    #[arg(long, help = h::NO_CHARTS)]
    pub no_charts: bool,
    /// Draw the scenarios' uncertain parameters from a calibration's posterior (as `run` does);
    /// each scenario takes the posterior parameters that are uncertain in it (docs/outputs.md).
    #[arg(long, value_name = "DIR")]
    pub posterior: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct TraceArgs {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Run index (0-based) within the batch.
    #[arg(long)]
    pub run: u64,
    /// Root seed (default: the scenario's `run.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override one parameter (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// JSON lines, one record per event, instead of prose.
    #[arg(long)]
    pub json: bool,
    /// Show, for each decision, the alternatives weighed with expected utilities and probabilities.
    #[arg(long)]
    pub explain: bool,
    /// Run even when the run's estimated work exceeds the limit (README, "Limits").
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard output folders.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder for the merged batch.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing output folder (only the files crossroads wrote there are deleted).
    #[arg(long)]
    pub force: bool,
    /// Skip charts and report.html.
    #[arg(long)]
    pub no_charts: bool,
}

#[derive(Args, Debug)]
pub struct SlurmArgs {
    /// Scenario file (RON).
    pub file: PathBuf,
    /// Number of runs in the whole batch.
    #[arg(long)]
    pub runs: u64,
    /// Number of shards (array tasks), at most --runs.
    #[arg(long)]
    pub shards: u64,
    /// Root seed (default: the scenario's `run.seed`), written into the script.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Slurm partition (`#SBATCH --partition`); none: the cluster's default.
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit per shard (`#SBATCH --time`, e.g. 01:00:00); none: the partition's default.
    #[arg(long)]
    pub time: Option<String>,
    /// CPUs per shard (`--cpus-per-task`; the shard runs with as many threads).
    #[arg(long, default_value_t = 1)]
    pub cpus: u32,
    /// Folder for the scripts, shards/, logs/ and merged/ (default: outputs/<scenario name>-slurm).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override one parameter, e.g. `actors.russia.budget=20` (repeatable; passed to every shard).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Replace an existing scripts folder (only the files crossroads wrote there are deleted; shards/,
    /// logs/ and merged/ are kept).
    #[arg(long)]
    pub force: bool,
    /// Pass --allow-large to every shard (README, "Limits").
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Args, Debug)]
pub struct PlotArgs {
    /// An output folder written by `run`, `merge`, `compare`, `sweep`, `sensitivity`, `discover`,
    /// `calibrate` or `score`.
    pub dir: PathBuf,
    /// Draw into a new folder holding a copy of DIR's data files, leaving DIR untouched (never
    /// DIR itself, inside it, holding it, the current directory or a parent of it)
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, help = h::FORCE)]
    pub force: bool,
}

/// Parses the command line, runs the command, prints errors, returns the exit code. Never panics:
/// a panic inside a command is reported as an internal failure (exit 1), its output folder ended
/// `failed`.
pub fn main() -> i32 {
    crate::outputs::defer_to_caller();
    match std::panic::catch_unwind(dispatch) {
        Ok(code) => code,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            let message = format!("internal error: crossroads panicked: {msg}");
            crate::outputs::abandon_all(crate::outputs::Status::Failed, &message, false);
            term::errln(&message);
            EXIT_FAILURE
        }
    }
}

fn dispatch() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let text = e.to_string();
            if e.use_stderr() {
                term::errln(text.trim_end());
                return EXIT_USAGE;
            }
            // --help, --version: on stdout, which may be closed or full.
            return match term::out(&text) {
                Ok(()) => EXIT_OK,
                Err(f) => {
                    term::errln(&f.message);
                    f.code
                }
            };
        }
    };
    let result = match cli.command {
        Command::Validate(a) => validate::exec(a),
        Command::Run(a) => run::exec(a),
        Command::Trace(a) => trace::exec(a),
        Command::Merge(a) => merge::exec(a),
        Command::Slurm(a) => slurm::exec(a),
        Command::Compare(a) => compare::exec(a),
        Command::Plot(a) => plot::exec(a),
        Command::Sweep(a) => experiments::exec_sweep(a),
        Command::Sensitivity(a) => experiments::exec_sensitivity(a),
        Command::Discover(a) => experiments::exec_discover(a),
        Command::Drivers(a) => drivers::exec(a),
        Command::Calibrate(a) => calibrate::exec_calibrate(a),
        Command::Score(a) => calibrate::exec_score(a),
    };
    match result {
        Ok(()) => {
            crate::outputs::abandon_all(
                crate::outputs::Status::Failed,
                "the command ended without finishing this folder",
                false,
            );
            EXIT_OK
        }
        Err(e) => {
            // A folder the command left unfinished (an IO error such as a full disk) ends `failed`
            // with this message.
            crate::outputs::abandon_all(
                crate::outputs::Status::Failed,
                e.message.trim_end(),
                false,
            );
            if !e.message.is_empty() {
                term::errln(e.message.trim_end());
            }
            e.code
        }
    }
}
