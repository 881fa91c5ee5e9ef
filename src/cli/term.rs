//! Writing to stdout and stderr without ever panicking (`println!` panics when the write fails).
//!
//! - stdout closed by the reader (`crossroads run ... | head -1`: EPIPE): further output is dropped
//!   quietly and the command goes on to its normal end and exit code; what it writes into its output
//!   folder is not affected.
//! - stdout that cannot take the bytes (`> /dev/full`: ENOSPC, or any other error): the command fails
//!   with exit code 1 and says so on stderr.
//! - stderr that cannot be written: there is nowhere left to report to; the exit code still tells
//!   what happened.

use super::CliError;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when the reader of stdout went away (EPIPE): later output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout (flushed). A closed pipe is not an error; any other failure is (exit 1).
pub fn out(text: &str) -> Result<(), CliError> {
    if STDOUT_CLOSED.load(Ordering::SeqCst) {
        return Ok(());
    }
    let mut o = std::io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::SeqCst);
            Ok(())
        }
        Err(e) => Err(CliError::failure(format!("writing to stdout: {e}"))),
    }
}

/// Writes `text` and a line break to stdout (see [`out`]).
pub fn outln(text: &str) -> Result<(), CliError> {
    out(&format!("{text}\n"))
}

/// Writes `text` and a line break to stderr. Returns whether it was written; when it was not (stderr
/// closed or full) there is nowhere to report that, so callers go on.
pub fn errln(text: &str) -> bool {
    let mut e = std::io::stderr().lock();
    e.write_all(text.as_bytes())
        .and_then(|_| e.write_all(b"\n"))
        .and_then(|_| e.flush())
        .is_ok()
}
