//! `crossroads sweep`, `crossroads sensitivity` and `crossroads discover`: their arguments mapped onto
//! the runners of [`crate::experiments::runner`] (which check the settings, run the model and write
//! the folder as they go: see there and docs/outputs.md), then the charts and report.html drawn from
//! the folder's files by [`crate::report::experiments::plot_folder`] (the function `crossroads plot`
//! calls), and what is printed.
//!
//! Every model evaluation is a batch of R runs with root seed S, with the point's values applied as
//! `--set` overrides on the scenario file. A sweep's points all use runs `0..R` (common random
//! numbers: points differ only through their values); a sensitivity design's block of evaluations
//! around one base point uses runs `[b·R, (b+1)·R)` (common random numbers inside the block, new
//! random histories across blocks: see [`crate::experiments::sensitivity`]). On Ctrl-C the evaluation
//! in progress stops (runs in flight finish) and is dropped; the folder is `partial`, exit 130.

use super::term::{Bar, install_stop_handler};
use super::{CliError, DiscoverArgs, EXIT_INTERRUPTED, SensitivityArgs, SweepArgs, term};
use super::{open_folder, record_drawn, threads_arg};
use crate::experiments::runner::{End, discover, sensitivity, sweep};
use crate::outputs::{FolderKind, OutputDir, Status};
use std::path::Path;

/// Charts and report.html from the folder's files: the code path of `crossroads plot`; recorded in
/// the manifest.
fn plot(dir: &OutputDir) -> Result<usize, CliError> {
    let drawn = crate::report::experiments::plot_folder(dir.path()).map_err(|e| {
        CliError::failure(format!(
            "{}: writing charts and report: {e}",
            dir.path().display()
        ))
    })?;
    record_drawn(dir, &drawn)?;
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
        End::Failed(e) => {
            let e = CliError::from(e);
            CliError {
                code: e.code,
                message: format!(
                    "{}\n{done} {what} before it are in {} (manifest status failed)",
                    e.message.trim_end(),
                    dir.display()
                ),
            }
        }
    }
}

/// `crossroads sweep`.
pub fn exec_sweep(args: SweepArgs) -> Result<(), CliError> {
    let threads = threads_arg(args.threads)?;
    let sw = sweep::prepare(sweep::Request {
        file: args.file,
        params: args.params,
        design: args.design,
        samples: args.samples,
        runs_per_point: args.runs_per_point,
        seed: args.seed,
        threads,
        out: args.out,
        sets: args.sets,
        allow_large: args.allow_large,
        posterior: args.posterior,
    })?;
    let dir = open_folder(&sw.out, FolderKind::Sweep, args.force, &sw.inputs())?;
    let stop = install_stop_handler();
    let f = sw.run(&dir, stop, &mut Bar::new(args.quiet))?;
    let charts = if args.no_charts || f.manifest.status == Status::Failed {
        0
    } else {
        plot(&dir)?
    };
    if let End::Complete = f.end {
        if args.quiet {
            return Ok(());
        }
        term::errln(&format!(
            "{} points × {} runs written to {} ({charts} charts)",
            sw.points.len(),
            sw.plan.runs_per_point,
            dir.path().display()
        ));
        return Ok(());
    }
    let total = f.manifest.points;
    Err(unfinished(f.end, f.done, total, "points", dir.path(), ""))
}

/// `crossroads sensitivity`.
pub fn exec_sensitivity(args: SensitivityArgs) -> Result<(), CliError> {
    if args.runs_per_point == 0 || args.samples == 0 {
        return Err(CliError::usage(
            "--samples and --runs-per-point must be at least 1",
        ));
    }
    let threads = threads_arg(args.threads)?;
    if args.posterior.is_some() {
        return Err(CliError::usage(
            crate::experiments::posterior::SENSITIVITY_REFUSAL,
        ));
    }
    let sa = sensitivity::prepare(sensitivity::Request {
        file: args.file,
        samples: args.samples,
        runs_per_point: args.runs_per_point,
        method: args.method,
        bootstrap: args.bootstrap,
        seed: args.seed,
        threads,
        out: args.out,
        sets: args.sets,
        allow_large: args.allow_large,
    })?;
    let dir = open_folder(&sa.out, FolderKind::Sensitivity, args.force, &sa.inputs())?;
    let stop = install_stop_handler();
    let f = sa.run(&dir, stop, &mut Bar::new(args.quiet))?;
    let charts = if args.no_charts || f.manifest.status == Status::Failed {
        0
    } else {
        plot(&dir)?
    };
    if let End::Complete = f.end {
        if args.quiet {
            return Ok(());
        }
        term::errln(&format!(
            "{} evaluations × {} runs written to {} ({charts} charts)",
            sa.values.len(),
            args.runs_per_point,
            dir.path().display()
        ));
        return Ok(());
    }
    Err(unfinished(
        f.end,
        f.done,
        f.manifest.evaluations,
        "evaluations",
        dir.path(),
        "; no sensitivity.csv: the indices need every evaluation of the design",
    ))
}

/// `crossroads discover`.
pub fn exec_discover(args: DiscoverArgs) -> Result<(), CliError> {
    let d = discover::prepare(&discover::Request {
        dir: args.dir.clone(),
        outcome: args.outcome,
        value: args.value,
        peel: args.peel,
        min_support: args.min_support,
        paste: args.paste,
        out: args.out,
    })?;
    let dir = open_folder(
        &d.out,
        FolderKind::Discover,
        args.force,
        std::slice::from_ref(&args.dir),
    )?;
    let (boxes, last) = d.write(&dir)?;
    if !args.no_charts {
        plot(&dir)?;
    }
    if args.quiet {
        return Ok(());
    }
    term::errln(&format!(
        "{} boxes written to {} (last: coverage {:.2}, density {:.2}, support {:.2})",
        boxes,
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
    use crate::experiments::runner::Error;

    #[test]
    fn a_failed_design_exits_1_and_says_how_many_points_are_kept() {
        let end = End::Failed(Error::Failure("run 1 (seed 7) failed: boom".into()));
        let e = unfinished(end, 3, 10, "points", Path::new("out"), "");
        assert_eq!(e.code, crate::cli::EXIT_FAILURE);
        assert!(
            e.message
                .contains("boom\n3 points before it are in out (manifest status failed)")
        );
        let end = End::Failed(Error::Usage("bad point".into()));
        assert_eq!(
            unfinished(end, 0, 10, "points", Path::new("out"), "").code,
            crate::cli::EXIT_USAGE
        );
    }

    #[test]
    fn an_interrupted_design_exits_130_and_says_how_many_points_are_kept() {
        let e = unfinished(End::Interrupted, 5, 10, "points", Path::new("out"), "");
        assert_eq!(e.code, EXIT_INTERRUPTED);
        assert!(
            e.message
                .starts_with("interrupted: 5 of 10 points written to out")
        );
    }
}
