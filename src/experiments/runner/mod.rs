//! The experiments' orchestration, one runner per command: [`compare`], [`sweep`], [`sensitivity`],
//! [`discover`], [`drivers`] and [`score`] (`crossroads calibrate` runs through
//! [`super::calibrate::calibrate`]). Each runner turns plain settings (what the CLI parsed) into a
//! checked plan without touching the output folder (`prepare`: every usage problem is found here,
//! before a folder exists), then writes the folder the caller opened (`run` or `write`): the running
//! manifest first, the tables as the work goes, the final manifest last. Runners that make model runs
//! take the stop flag (Ctrl-C: the work stops within a month of a run and the folder is `partial`) and
//! report to a [`Progress`]; the ones that only read a folder (discover, drivers, score) take
//! neither. Charts and report.html are drawn by the caller afterwards (charts sit above experiments).
//!
//! Errors are one [`Error`]: a usage problem (exit 2), a failure (exit 1) or an output folder's
//! error (which says its own exit code); the CLI maps them to its exit codes.

pub mod compare;
pub mod discover;
pub mod drivers;
pub mod points;
pub mod score;
pub mod sensitivity;
pub mod sweep;

use crate::outputs::OutputError;
use crate::outputs::experiment::{OutcomeRef, ScenarioRef};
use crate::outputs::manifest::OutcomeInfo;
use crate::scenario::{Resolved, Sources};
use std::path::{Path, PathBuf};

/// Why an experiment could not be made (or finished).
#[derive(Debug)]
pub enum Error {
    /// Bad input or usage: a settings value, a scenario, an input folder (exit 2).
    Usage(String),
    /// A failure while working: a run that failed, a table that could not be encoded (exit 1).
    Failure(String),
    /// Checking, writing or reading an output folder.
    Output(OutputError),
}

impl Error {
    /// The message as printed.
    pub fn message(&self) -> String {
        match self {
            Error::Usage(m) | Error::Failure(m) => m.clone(),
            Error::Output(e) => e.to_string(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl From<crate::scenario::Diags> for Error {
    fn from(d: crate::scenario::Diags) -> Self {
        Error::Usage(d.to_string())
    }
}

impl From<OutputError> for Error {
    fn from(e: OutputError) -> Self {
        Error::Output(e)
    }
}

/// An output folder's error as an experiment's.
pub fn output_error(e: OutputError) -> Error {
    Error::Output(e)
}

/// Where a runner reports how far it got: `start` once with the amount of work, `set` with the work
/// done so far, `finish` when the work ends (finished or not).
pub trait Progress {
    fn start(&mut self, _total: u64, _what: &str) {}
    fn set(&mut self, _done: u64) {}
    fn finish(&mut self) {}
}

/// No progress report.
impl Progress for () {}

/// How the work of a runner ended.
#[derive(Debug)]
pub enum End {
    Complete,
    /// The stop flag was raised: the folder is `partial`.
    Interrupted,
    /// The work stopped at this error: the folder is `failed` with what came before it.
    Failed(Error),
}

impl End {
    pub fn status(&self) -> crate::outputs::Status {
        use crate::outputs::Status;
        match self {
            End::Complete => Status::Complete,
            End::Interrupted => Status::Partial,
            End::Failed(_) => Status::Failed,
        }
    }
    /// The manifest's `error`.
    pub fn error(&self) -> Option<String> {
        match self {
            End::Failed(e) => Some(e.message().trim_end().to_string()),
            _ => None,
        }
    }
}

fn or_id(label: &str, id: &str) -> String {
    if label.is_empty() { id } else { label }.to_string()
}

/// The scenario's outcomes as recorded in a batch's manifest.json.
pub fn outcome_infos(s: &crate::scenario::Scenario) -> Vec<OutcomeInfo> {
    s.outcomes
        .iter()
        .map(|o| OutcomeInfo {
            id: o.id.clone(),
            label: or_id(&o.label, &o.id),
            units: o.units.clone(),
            kind_type: if o.kind.is_binary() {
                "binary"
            } else {
                "numeric"
            }
            .into(),
            kind: serde_json::to_value(&o.kind).unwrap_or(serde_json::Value::Null),
        })
        .collect()
}

/// The scenario's outcomes as the experiment manifests record them.
pub fn outcome_refs(r: &Resolved) -> Vec<OutcomeRef> {
    r.scenario
        .outcomes
        .iter()
        .map(|o| OutcomeRef {
            id: o.id.clone(),
            label: if o.label.is_empty() {
                o.id.clone()
            } else {
                o.label.clone()
            },
            units: o.units.clone(),
            kind_type: if o.kind.is_binary() {
                "binary"
            } else {
                "numeric"
            }
            .into(),
        })
        .collect()
}

/// The scenario as an experiment manifest records it.
pub fn scenario_ref(file: &Path, r: &Resolved) -> ScenarioRef {
    ScenarioRef {
        path: file.display().to_string(),
        name: r.scenario.run.name.clone(),
        description: r.scenario.run.description.clone(),
        sha256: r.sha256.clone(),
    }
}

/// `out`, else `outputs/<default>`.
pub fn out_path(out: &Option<PathBuf>, default: String) -> PathBuf {
    out.clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(default))
}

/// Loads a scenario (reading its files once) and checks its observations against the model's series
/// (a usage error with located problems); also the files read (the inputs `--out` may not be).
pub fn load_observed(
    file: &Path,
    sets: &[String],
) -> Result<(Resolved, Vec<PathBuf>), crate::scenario::Diags> {
    let sources = Sources::read(file)?;
    let r = sources.load_checked(sets, Some(&super::observe::check))?;
    Ok((r, sources.paths()))
}
