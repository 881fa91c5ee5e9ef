//! `crossroads validate` (skeleton; filled in by its issue).

use super::{CliError, ValidateArgs};

pub fn exec(_args: ValidateArgs) -> Result<(), CliError> {
    Err(CliError::failure("not built yet"))
}
