//! `crossroads plot DIR`: rebuilds charts/ and report.html of an output folder from its files alone.
//! The manifest's top-level `kind` picks the folder type: `sweep`, `sensitivity` and `discover`
//! folders are drawn by [`crate::report::experiments::plot_folder`]; anything else is a batch folder
//! of `run` or `merge` ([`crate::report::plot_folder`]).

use super::{CliError, PlotArgs};
use crate::charts::ChartError;

fn plot_error(e: ChartError) -> CliError {
    if e.is_usage() {
        CliError::usage(format!("crossroads plot: {e}"))
    } else {
        CliError::failure(format!("crossroads plot: {e}"))
    }
}

/// The top-level `kind` string of `dir`/manifest.json (none in a batch folder, or when unreadable).
fn manifest_kind(dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("kind")?.as_str().map(String::from)
}

pub fn exec(args: PlotArgs) -> Result<(), CliError> {
    let (charts, report) = match manifest_kind(&args.dir).as_deref() {
        Some("sweep" | "sensitivity" | "discover") => {
            crate::report::experiments::plot_folder(&args.dir)
        }
        _ => crate::report::plot_folder(&args.dir),
    }
    .map_err(plot_error)?;
    println!(
        "wrote {} chart files to {} and {}",
        charts.len(),
        args.dir.join("charts").display(),
        report.display()
    );
    Ok(())
}
