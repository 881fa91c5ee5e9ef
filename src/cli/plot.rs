//! `crossroads plot DIR`: rebuilds charts/ and report.html of an output folder from its files alone,
//! by the folder's kind (manifest.json's top-level `kind`): `compare` for a comparison; `sweep`,
//! `sensitivity`, `discover` and `drivers` for an experiment folder
//! ([`crate::report::experiments::plot_folder`]); else a batch of `run` or `merge`.

use super::{CliError, PlotArgs};
use std::path::Path;

/// What manifest.json says the folder is.
enum Kind {
    /// No readable manifest: left to the batch path, which reports the problem.
    Unreadable,
    /// A JSON manifest without `crossroads_version`: not written by crossroads.
    Foreign,
    /// `kind` when present (a batch's manifest has none).
    Named(Option<String>),
}

fn folder_kind(dir: &Path) -> Kind {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return Kind::Unreadable;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Kind::Unreadable;
    };
    if v.get("crossroads_version").is_none() {
        return Kind::Foreign;
    }
    Kind::Named(v.get("kind").and_then(|k| k.as_str()).map(String::from))
}

pub fn exec(args: PlotArgs) -> Result<(), CliError> {
    let manifest = args.dir.join("manifest.json");
    let plotted = match folder_kind(&args.dir) {
        Kind::Foreign => {
            return Err(CliError::usage(format!(
                "crossroads plot: {}: not a crossroads output folder (no crossroads_version)",
                manifest.display()
            )));
        }
        Kind::Named(Some(k)) => match k.as_str() {
            "compare" => crate::report::compare::plot_compare_folder(&args.dir),
            "sweep" | "sensitivity" | "discover" | "drivers" => {
                crate::report::experiments::plot_folder(&args.dir)
            }
            other => {
                return Err(CliError::usage(format!(
                    "crossroads plot: {}: unknown kind {other:?} (expected compare, sweep, \
                     sensitivity, discover or drivers; a batch's manifest has no kind)",
                    manifest.display()
                )));
            }
        },
        Kind::Named(None) | Kind::Unreadable => crate::report::plot_folder(&args.dir),
    };
    let (charts, report) = plotted.map_err(|e| {
        if e.is_usage() {
            CliError::usage(format!("crossroads plot: {e}"))
        } else {
            CliError::failure(format!("crossroads plot: {e}"))
        }
    })?;
    println!(
        "wrote {} chart files to {} and {}",
        charts.len(),
        args.dir.join("charts").display(),
        report.display()
    );
    Ok(())
}
