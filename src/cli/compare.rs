//! `crossroads compare`: its arguments mapped onto [`crate::experiments::runner::compare`] (which runs
//! scenarios, or reads output folders, on common random numbers and writes paired differences from
//! the first one: compare.csv, compare.json, and each scenario's series: series.csv), then the charts
//! and report.html from those files (`report::compare`, the code path `crossroads plot` takes on a
//! comparison folder), and the table printed.

use super::term::{Bar, install_stop_handler};
use super::{
    CliError, CompareArgs, EXIT_INTERRUPTED, open_folder, record_drawn, term, threads_arg,
};
use crate::experiments::compare::{CompareManifest, Row};
use crate::experiments::runner::compare;
use crate::outputs::FolderKind;
use crate::outputs::manifest::Status;

pub fn exec(args: CompareArgs) -> Result<(), CliError> {
    let threads = threads_arg(args.threads)?;
    let c = compare::prepare(&compare::Request {
        inputs: args.inputs,
        runs: args.runs,
        seed: args.seed,
        threads,
        out: args.out,
        allow_large: args.allow_large,
        sets: args.sets,
        posterior: args.posterior,
    })?;
    let (out, runs) = (c.out.clone(), c.runs);
    // Ctrl-C from here on stops the batch: the finished runs are written as a partial comparison
    // (exit 130).
    let stop = install_stop_handler();
    let dir = open_folder(&out, FolderKind::Compare, args.force, &c.read)?;
    let compare::Finished { manifest: m, rows } = c.run(&dir, stop, &mut Bar::new(args.quiet))?;
    // Charts and report.html from the files just written: what `crossroads plot DIR` does.
    if !args.no_charts {
        let drawn = crate::report::compare::plot_compare_folder(dir.path()).map_err(|e| {
            CliError::failure(format!("{}: writing charts and report: {e}", out.display()))
        })?;
        record_drawn(&dir, &drawn)?;
    }
    if !args.quiet {
        term::out(&table(&rows, &m))?;
        term::outln(&format!(
            "\noutputs: {} ({})",
            out.display(),
            m.status.as_str()
        ))?;
    }
    match m.status {
        Status::Complete => Ok(()),
        Status::Partial => Err(CliError {
            code: EXIT_INTERRUPTED,
            message: format!(
                "interrupted: {} of {runs} runs compared in {} (manifest status partial)",
                m.completed_runs,
                out.display()
            ),
        }),
        _ => Err(CliError::failure(format!(
            "{}\n{} runs before it are in {} (manifest status failed)",
            m.error.clone().unwrap_or_default(),
            m.completed_runs,
            out.display()
        ))),
    }
}

fn show(r: &Row, x: Option<f64>, signed: bool) -> String {
    match x {
        None => "n/a".into(),
        Some(x) if r.kind == "binary" && signed => format!("{:+.1}pp", 100.0 * x),
        Some(x) if r.kind == "binary" => format!("{:.1}%", 100.0 * x),
        Some(x) if signed => format!("{x:+.3}"),
        Some(x) => format!("{x:.3}"),
    }
}

/// The end-of-run table: per outcome and scenario, the difference with its paired and unpaired
/// 95% intervals.
fn table(rows: &[Row], m: &CompareManifest) -> String {
    let w = rows
        .iter()
        .map(|r| r.outcome.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let sw = rows
        .iter()
        .map(|r| r.scenario.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut t = format!(
        "\n{} runs per scenario, seed {}, reference {}\n\n{:w$}  {:sw$}  {:>9}  {:>10}  {:>21}  {:>21}  {}\n",
        m.completed_runs,
        m.seed,
        m.scenarios[0].name,
        "outcome",
        "scenario",
        "value",
        "difference",
        "paired 95%",
        "unpaired 95%",
        "distinguishable"
    );
    for r in rows {
        let iv = |a, b| {
            if r.diff.is_none() {
                String::new()
            } else {
                format!("{} to {}", show(r, a, true), show(r, b, true))
            }
        };
        t += &format!(
            "{:w$}  {:sw$}  {:>9}  {:>10}  {:>21}  {:>21}  {}\n",
            r.outcome,
            r.scenario,
            show(r, r.value, false),
            if r.diff.is_some() {
                show(r, r.diff, true)
            } else {
                "(reference)".into()
            },
            iv(r.diff_low, r.diff_high),
            iv(r.unpaired_low, r.unpaired_high),
            match r.distinguishable {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
        );
    }
    t
}
