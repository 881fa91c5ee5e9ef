//! `crossroads plot` (skeleton; filled in by its issue).

use super::{CliError, PlotArgs};

pub fn exec(_args: PlotArgs) -> Result<(), CliError> {
    Err(CliError::failure("not built yet"))
}
