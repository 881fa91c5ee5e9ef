//! Writing to stdout and stderr without ever panicking (`println!` panics when the write fails).
//!
//! - stdout closed by the reader (`crossroads run ... | head -1`: EPIPE): further output is dropped
//!   quietly and the command goes on to its normal end and exit code; what it writes into its output
//!   folder is not affected.
//! - stdout that cannot take the bytes (`> /dev/full`: ENOSPC, or any other error): the command fails
//!   with exit code 1 and says so on stderr.
//! - stderr that cannot be written: there is nowhere left to report to; the exit code still tells
//!   what happened.
//!
//! Also what every command shares with the terminal: the progress bars on stderr ([`Bar`], the
//! [`crate::experiments::runner::Progress`] the runners report to) and Ctrl-C / SIGTERM
//! ([`install_signal_handler`], [`install_stop_handler`]).

use super::{CliError, EXIT_INTERRUPTED};
use crate::outputs::Status;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
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

/// Raised by SIGINT/SIGTERM: workers take no new runs, finished runs are flushed.
static STOP: AtomicBool = AtomicBool::new(false);

/// The manifest's `error` after a second interrupt.
pub const SECOND_INTERRUPT: &str = "stopped by a second interrupt (Ctrl-C or SIGTERM) before the \
    folder was complete; the files listed in `files` are whole, temporary files were removed";

/// The manifest's `error` after an interrupt of a command that does not stop cleanly (merge,
/// discover, slurm, plot: short, file-only work).
pub const INTERRUPTED: &str = "interrupted (Ctrl-C or SIGTERM) before the folder was complete; the \
    files listed in `files` are whole, temporary files were removed";

/// Set by commands that check [`STOP`] and stop cleanly on the first signal.
static POLLED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C / SIGTERM handler once. For a command that checks the stop flag
/// ([`install_stop_handler`]) the first signal raises it (runs check it every month, so the work
/// stops within a second and the folder is written `partial`); a second one, or the first for any
/// other command, ends every unfinished output folder at once (manifest `failed`, temporary files
/// removed, lock released) and exits 130.
pub fn install_signal_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            let polled = POLLED.load(Ordering::SeqCst);
            if STOP.swap(true, Ordering::SeqCst) || !polled {
                let why = if polled { SECOND_INTERRUPT } else { INTERRUPTED };
                crate::outputs::abandon_all(Status::Failed, why, true);
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
        if let Err(e) = installed {
            errln(&format!(
                "warning: cannot handle Ctrl-C ({e}); an interrupted command leaves its folder `running`"
            ));
        }
    });
}

/// [`install_signal_handler`] for a command that stops cleanly when the returned flag is raised.
pub fn install_stop_handler() -> &'static AtomicBool {
    POLLED.store(true, Ordering::SeqCst);
    install_signal_handler();
    &STOP
}

/// A progress bar on stderr counting runs (see [`progress_bar_of`]).
pub fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    progress_bar_of(len, "runs", quiet)
}

/// A progress bar on stderr counting `what` (hidden when `quiet` or stderr is not a terminal).
pub fn progress_bar_of(len: u64, what: &str, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {what}  {{per_sec}}  ETA {{eta}}  [{{elapsed_precise}}]"
    )) {
        bar.set_style(style);
    }
    bar
}

/// The progress of an experiment runner as a bar on stderr ([`progress_bar_of`]): made when the
/// runner starts its work, cleared when it ends.
pub struct Bar {
    quiet: bool,
    bar: Option<ProgressBar>,
}

impl Bar {
    pub fn new(quiet: bool) -> Bar {
        Bar { quiet, bar: None }
    }
}

impl crate::experiments::runner::Progress for Bar {
    fn start(&mut self, total: u64, what: &str) {
        self.bar = Some(progress_bar_of(total, what, self.quiet));
    }
    fn set(&mut self, done: u64) {
        if let Some(b) = &self.bar {
            b.set_position(done);
        }
    }
    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}
