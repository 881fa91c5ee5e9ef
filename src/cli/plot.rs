//! `crossroads plot DIR`: rebuilds charts/ and report.html of an output folder from its files alone.

use super::{CliError, PlotArgs};

pub fn exec(args: PlotArgs) -> Result<(), CliError> {
    let (charts, report) = crate::report::plot_folder(&args.dir).map_err(|e| {
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
