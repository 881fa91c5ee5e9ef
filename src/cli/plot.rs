//! `crossroads plot DIR`: rebuilds charts/ and report.html of an output folder from its files alone,
//! by the folder's kind (manifest.json's top-level `kind`): `compare` for a comparison; `sweep`,
//! `sensitivity` and `discover` for an experiment folder
//! ([`crate::report::experiments::plot_folder`]); else a batch of `run` or `merge`.

use super::{CliError, PlotArgs};
use std::path::Path;

/// manifest.json's top-level `kind`, when the folder has a readable manifest that names one (a
/// batch's has none; errors are left to the batch path, which reports them).
fn folder_kind(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("kind")?.as_str().map(String::from)
}

pub fn exec(args: PlotArgs) -> Result<(), CliError> {
    let plotted = match folder_kind(&args.dir).as_deref() {
        Some("compare") => crate::report::compare::plot_compare_folder(&args.dir),
        Some("sweep" | "sensitivity" | "discover") => {
            crate::report::experiments::plot_folder(&args.dir)
        }
        _ => crate::report::plot_folder(&args.dir),
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
