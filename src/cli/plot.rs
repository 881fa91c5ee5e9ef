//! `crossroads plot DIR`: rebuilds charts/ and report.html of an output folder from its files alone,
//! by the folder's kind (manifest.json's top-level `kind`): `compare` for a comparison; `sweep`,
//! `sensitivity`, `discover` and `drivers` for an experiment folder
//! ([`crate::report::experiments::plot_folder`]); `calibration` and `score`
//! ([`crate::report::calibration::plot_folder`]); else a batch of `run` or `merge`.
//!
//! The folder is verified against its manifest first (`outputs::verify`: a truncated, edited or
//! malformed table, an unknown status, a folder still being written are refused with exit 2), locked
//! while the charts are drawn, and the charts and report.html are recorded in its manifest. With
//! `--out NEW` the folder's data files are copied (checked against their records) into a new folder,
//! which gets the charts; DIR is left as it was (a read-only or archived folder can be drawn).

use super::{CliError, PlotArgs, output_error, term};
use crate::outputs::{FolderKind, ManifestDoc, OutputDir};

/// The folder's manifest, typed by its kind (for rewriting it with the charts).
fn typed(v: &crate::outputs::verify::Verified) -> Result<Box<dyn ManifestDoc>, CliError> {
    if v.kind == FolderKind::Slurm {
        return Err(CliError::usage(format!(
            "crossroads plot: {}: a folder of Slurm scripts has no charts; plot its merged/ folder",
            v.dir.display()
        )));
    }
    Ok(v.manifest.doc())
}

pub fn exec(args: PlotArgs) -> Result<(), CliError> {
    let prefix = |e: CliError| CliError {
        code: e.code,
        message: format!("crossroads plot: {}", e.message),
    };
    let v = crate::outputs::verify::folder(&args.dir)
        .map_err(output_error)
        .map_err(prefix)?;
    let manifest = typed(&v)?;
    let command = crate::outputs::lock::this_command();
    term::install_signal_handler();
    // With --out: a new folder holding a copy of the data files, drawn there; DIR is not touched.
    let dir = match &args.out {
        Some(out) => {
            let d = OutputDir::create(&crate::outputs::Target {
                path: out,
                kind: v.kind,
                force: args.force,
                inputs: std::slice::from_ref(&args.dir),
                command: &command,
            })
            .map_err(output_error)
            .map_err(prefix)?;
            for n in d.notes() {
                term::errln(n);
            }
            d.copy_data_of(&args.dir, &v.files, manifest)
                .map_err(output_error)
                .map_err(prefix)?;
            d
        }
        None => OutputDir::reopen(&args.dir, manifest, &command)
            .map_err(output_error)
            .map_err(prefix)?,
    };
    let target = dir.path().to_path_buf();
    let plotted = match v.kind {
        FolderKind::Compare => crate::report::compare::plot_compare_folder(&target),
        FolderKind::Sweep
        | FolderKind::Sensitivity
        | FolderKind::Discover
        | FolderKind::Drivers => crate::report::experiments::plot_folder(&target),
        FolderKind::Calibration | FolderKind::Score => {
            crate::report::calibration::plot_folder(&target)
        }
        _ => crate::report::plot_folder(&target),
    };
    let drawn = plotted.map_err(|e| {
        if e.is_usage() {
            CliError::usage(format!("crossroads plot: {e}"))
        } else {
            CliError::failure(format!("crossroads plot: {e}"))
        }
    })?;
    super::record_drawn(&dir, &drawn)?;
    term::outln(&format!(
        "wrote {} chart files to {} and {}",
        drawn.0.len(),
        target.join("charts").display(),
        drawn.1.display()
    ))
}
