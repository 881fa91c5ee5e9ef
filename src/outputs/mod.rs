//! The output folder (docs/outputs.md is the contract): what each file holds and how it is written.
//!
//! - [`writer`] is the only code that touches the output folder: every file is written to `<name>.tmp`
//!   and renamed when whole (streams included), so a file that exists is complete; each file is
//!   recorded ([`files`]: size, SHA-256, rows) in the manifest; every exit path ends the manifest.
//! - [`place`] says where a folder may be (never an input, the current directory or a parent of it),
//!   [`lock`] keeps a second writer out, [`replace`] is `--force` (only what crossroads wrote is
//!   deleted), [`verify`] is the one reader that checks a folder against its manifest before `merge`,
//!   `plot`, `discover`, `drivers`, `compare`, `score` and `run --posterior` use it.
//! - [`read`] reads a folder back: [`read::Manifest`] (every manifest kind, told apart by `kind`) and
//!   the typed readers of its files, every failure a [`read::ReadError`] naming the file and line.
//! - [`export`] turns aggregates and the manifest into bytes (pure functions, deterministic formatting).
//! - [`experiment`] holds the manifests of experiment folders (sweep, sensitivity, discover, drivers,
//!   slurm) and the table they stream row by row; [`compare`] a comparison's manifest and compare.csv;
//!   [`calibration`] the calibration and score folders'.
//! - [`labels`] gives the manifest the scenario's display names of its entities.
//! - [`runs_series`] streams the opt-in per-run trajectories (runs_series.csv).
//! - [`folder`] runs a batch into a folder; [`merge`] combines shard folders into one, byte-identical to
//!   the batch run whole (manifest times, threads and shard aside).

pub mod calibration;
pub mod compare;
pub mod experiment;
pub mod export;
pub mod files;
pub mod folder;
pub mod labels;
pub mod lock;
pub mod manifest;
pub mod merge;
pub mod place;
pub mod read;
pub mod replace;
pub mod runs_series;
pub mod verify;
pub mod writer;

pub use export::{Export, Summary};
pub use folder::{Finished, write_batch};
pub use manifest::{Manifest, Status};
pub use merge::merge_folders;
pub use replace::FolderKind;
pub use writer::{ManifestDoc, OutputDir, Target, abandon_all, defer_to_caller};

use std::path::PathBuf;

/// Why an output folder could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The folder exists and is not empty, and `--force` was not given (exit 2).
    Exists(PathBuf),
    /// `--force` was given but the folder is not one crossroads wrote (no manifest.json of crossroads;
    /// the reason): refused (exit 2).
    NotOutputFolder(PathBuf, String),
    /// Another process writes the folder (its lock is held; exit 2).
    Locked(String),
    /// Inputs that do not fit together (merge: shards of different batches, missing shards; exit 2).
    Invalid(String),
    /// An IO error (exit 1).
    Io(String),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Exists(p) => write!(
                f,
                "{}: output folder exists; use --force to replace it",
                p.display()
            ),
            OutputError::NotOutputFolder(p, why) => write!(
                f,
                "{}: not an output folder of crossroads (manifest.json: {why}); refusing to replace it even with --force",
                p.display()
            ),
            OutputError::Invalid(m) | OutputError::Io(m) | OutputError::Locked(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for OutputError {}

/// An IO error with the path it concerns.
pub(crate) fn io_err(path: &std::path::Path, e: std::io::Error) -> OutputError {
    OutputError::Io(format!("{}: {e}", path.display()))
}
