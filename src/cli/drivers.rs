//! `crossroads drivers`: what drives each outcome in runs already made. Its arguments mapped onto
//! [`crate::experiments::runner::drivers`] (which reads a run folder's manifest.json and runs.csv,
//! computes the given-data PAWN index of every uncertain parameter on every outcome with bootstrap
//! intervals and a dummy-input threshold, [`crate::experiments::pawn`], and writes an experiment
//! folder of kind `drivers`: manifest.json, drivers.csv), then charts/ and report.html
//! (docs/outputs.md, "Experiment folders"). The run folder is verified against its manifest first
//! (`outputs::verify`), and `--out` is never the run folder itself, inside it or holding it
//! (`outputs::place`).

use super::{CliError, DriversArgs, open_folder, record_drawn, term};
use crate::experiments::runner::drivers;
use crate::outputs::FolderKind;

pub fn exec(args: DriversArgs) -> Result<(), CliError> {
    let d = drivers::prepare(drivers::Request {
        dir: args.dir.clone(),
        outcome: args.outcome,
        slices: args.slices,
        bootstrap: args.bootstrap,
        seed: args.seed,
        out: args.out,
    })?;
    let dir = open_folder(
        &d.out,
        FolderKind::Drivers,
        args.force,
        std::slice::from_ref(&args.dir),
    )?;
    let w = d.write(&dir)?;
    if !args.no_charts {
        let drawn = crate::report::experiments::plot_folder(dir.path()).map_err(|e| {
            CliError::failure(format!(
                "{}: writing charts and report: {e}",
                dir.path().display()
            ))
        })?;
        record_drawn(&dir, &drawn)?;
    }
    if !args.quiet {
        term::errln(&format!(
            "PAWN indices of {} parameters on {} outcomes ({} runs) written to {}",
            w.params,
            w.outcomes,
            w.runs,
            dir.path().display()
        ));
    }
    Ok(())
}
