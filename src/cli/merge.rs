//! `crossroads merge` (skeleton; filled in by its issue).

use super::{CliError, MergeArgs};

pub fn exec(_args: MergeArgs) -> Result<(), CliError> {
    Err(CliError::failure("not built yet"))
}
