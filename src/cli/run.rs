//! `crossroads run` (skeleton; filled in by its issue).

use super::{CliError, RunArgs};

pub fn exec(_args: RunArgs) -> Result<(), CliError> {
    Err(CliError::failure("not built yet"))
}
