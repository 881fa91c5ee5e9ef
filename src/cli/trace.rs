//! `crossroads trace` (skeleton; filled in by its issue).

use super::{CliError, TraceArgs};

pub fn exec(_args: TraceArgs) -> Result<(), CliError> {
    Err(CliError::failure("not built yet"))
}
