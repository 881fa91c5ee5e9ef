//! `crossroads score`'s orchestration: a run folder's forecasts ([`crate::experiments::verify`])
//! scored against the observations of a scenario file dated after a cutoff, written as score.csv with
//! the manifest (docs/outputs.md, "Calibration folders"). File-only work: no stop flag.

use super::{Error, load_observed, output_error};
use crate::experiments::verify::{Forecasts, score_all};
use crate::outputs::OutputDir;
use crate::outputs::calibration::{RELIABILITY_MIN, ScoreManifest, score_csv};
use crate::outputs::experiment::ScenarioRef;
use crate::outputs::manifest::{Status, now_utc};
use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The run folder scored.
    pub dir: PathBuf,
    /// The scenario file holding the observations.
    pub observations: PathBuf,
    pub after: Option<String>,
    pub out: Option<PathBuf>,
}

/// A forecast scored in memory, ready to be written.
pub struct Scored {
    /// The output folder (`--out`, else DIR-score next to DIR).
    pub out: PathBuf,
    /// The inputs (the run folder and the observations' scenario files).
    pub inputs: Vec<PathBuf>,
    pub rows: Vec<crate::outputs::calibration::ScoreRow>,
    manifest: ScoreManifest,
}

/// Reads the forecasts and the observations and scores them; no observation after the cutoff is a
/// usage error.
pub fn prepare(args: &Request) -> Result<Scored, Error> {
    let started_at = now_utc();
    let f = Forecasts::load(&args.dir).map_err(Error::Usage)?;
    let (obs, obs_paths) = load_observed(&args.observations, &[])?;
    let after = args
        .after
        .clone()
        .or_else(|| f.manifest.posterior.as_ref().map(|p| p.until.clone()));
    let rows = score_all(&f, &obs.scenario.observations, after.as_deref()).map_err(Error::Usage)?;
    if rows.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no observation is dated after {} (nothing to score)",
            args.observations.display(),
            after.as_deref().unwrap_or("the start")
        )));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let name = args
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "forecast".into());
        args.dir.with_file_name(format!("{name}-score"))
    });
    // The inputs: the run folder scored and the observations' scenario files.
    let mut inputs = vec![args.dir.clone()];
    inputs.extend(obs_paths);
    let binary = rows.iter().filter(|r| r.kind == "binary").count();
    let manifest = ScoreManifest {
        kind: "score".into(),
        crossroads_version: env!("CARGO_PKG_VERSION").into(),
        status: Status::Running,
        forecast: args.dir.display().to_string(),
        scenario: ScenarioRef {
            path: f.manifest.scenario.path.clone(),
            name: f.manifest.scenario.name.clone(),
            description: f.manifest.scenario.description.clone(),
            sha256: f.manifest.scenario.sha256.clone(),
        },
        seed: f.manifest.seed,
        runs: f.manifest.runs,
        observations_file: args.observations.display().to_string(),
        observations_sha256: obs.sha256.clone(),
        after: after.clone(),
        scored: 0,
        binary,
        numeric: rows.len() - binary,
        reliability: binary >= RELIABILITY_MIN,
        started_at,
        finished_at: None,
        error: None,
        files: vec![],
    };
    Ok(Scored {
        out,
        inputs,
        rows,
        manifest,
    })
}

impl Scored {
    /// Writes the manifest, score.csv and the final manifest into `dir` (opened by the caller at
    /// [`Scored::out`]).
    pub fn write(&mut self, dir: &OutputDir) -> Result<(), Error> {
        let m = &mut self.manifest;
        dir.manifest(m).map_err(output_error)?;
        dir.write("score.csv", &score_csv(&self.rows))
            .map_err(output_error)?;
        m.status = Status::Complete;
        m.scored = self.rows.len();
        m.finished_at = Some(now_utc());
        dir.manifest(m).map_err(output_error)
    }
}
