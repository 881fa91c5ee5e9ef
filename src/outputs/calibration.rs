//! The calibration folder (`crossroads calibrate`) and the score folder (`crossroads score`):
//! their manifests, calibration.json, and the tables (posterior.csv, prior.csv, predictive.csv,
//! generations.csv, score.csv) as bytes, plus the reader of a posterior that `run --posterior` and
//! the charts use (docs/outputs.md, "Calibration folders").

use super::experiment::{ScenarioRef, num};
use super::export::{Export, json_bytes};
use super::files::FileRecord;
use super::manifest::{ParamInfo, Status, rows_of};
use crate::scenario::schema::{Measurement, Observation};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One observation as the folders record it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationInfo {
    pub id: String,
    pub month: String,
    pub indicator: String,
    pub entity: String,
    /// `poll`, `value` or `interval`.
    pub measurement: String,
    /// The observed value: the share, the value, or the interval's midpoint.
    pub observed: f64,
    /// The measurement's standard error (a poll's binomial one with its design effect; an interval's
    /// half-width over √3).
    pub sd: f64,
    /// An interval's ends (null otherwise).
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    /// A poll's respondents, design effect and survey (null otherwise).
    pub n: Option<f64>,
    pub design_effect: Option<f64>,
    pub survey: Option<String>,
    pub source: String,
}

impl ObservationInfo {
    pub fn of(o: &Observation) -> Self {
        let m = &o.measured;
        let (measurement, lo, hi, n, design_effect, survey) = match m {
            Measurement::Poll {
                n,
                design_effect,
                survey,
                ..
            } => (
                "poll",
                None,
                None,
                Some(*n),
                Some(*design_effect),
                survey.clone(),
            ),
            Measurement::Value { .. } => ("value", None, None, None, None, None),
            Measurement::Interval { lo, hi } => {
                ("interval", Some(*lo), Some(*hi), None, None, None)
            }
        };
        ObservationInfo {
            id: o.id.clone(),
            month: o.month.clone(),
            indicator: o.indicator.clone(),
            entity: o.entity.clone(),
            measurement: measurement.into(),
            observed: m.point(),
            sd: m.sd(),
            lo,
            hi,
            n,
            design_effect,
            survey,
            source: o.source.clone(),
        }
    }
}

fn global_kernel() -> String {
    "global".into()
}

/// manifest.json of a calibration folder. Field order is the file's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationManifest {
    /// Always `calibration`.
    pub kind: String,
    pub crossroads_version: String,
    pub status: Status,
    pub scenario: ScenarioRef,
    pub sets: Vec<String>,
    pub seed: u64,
    /// Observations dated up to this month were used (`--until`, else the latest observation's).
    pub until: String,
    /// Months simulated per particle (the state after `until`).
    pub simulated_months: u32,
    pub particles: usize,
    /// `--generations`: most generations, generation 0 (the prior) included.
    pub max_generations: usize,
    pub min_acceptance: f64,
    /// The ESS fraction α kept by the adaptive tolerance.
    pub ess_fraction: f64,
    /// The perturbation kernel (`--kernel`: `local` or `global`; folders written before the flag
    /// existed used `global`).
    #[serde(default = "global_kernel")]
    pub kernel: String,
    /// Generations in generations.csv; posterior.csv holds the last one.
    pub generations_completed: usize,
    /// Why it stopped (`generations`, `min_acceptance`, `converged`, `interrupted`, `failed`); null
    /// while running.
    pub stop_reason: Option<String>,
    /// Simulations run in all, those of dropped generations and past the last acceptance included.
    pub simulations_run: u64,
    /// The calibrated parameters (the scenario's uncertain parameters), in the columns' order.
    pub params: Vec<ParamInfo>,
    /// The observations used, in the columns' order of predictive.csv.
    pub observations: Vec<ObservationInfo>,
    pub threads: usize,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    /// Every file written into the folder (manifest.json aside): size, SHA-256, data rows
    /// (docs/outputs.md, "files"); `--force` deletes only these.
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

/// manifest.json of a score folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreManifest {
    /// Always `score`.
    pub kind: String,
    pub crossroads_version: String,
    pub status: Status,
    /// The run folder scored.
    pub forecast: String,
    /// Its manifest's scenario name and SHA-256, seed, runs.
    pub scenario: ScenarioRef,
    pub seed: u64,
    pub runs: u64,
    /// The scenario file whose observations were scored, and its SHA-256.
    pub observations_file: String,
    pub observations_sha256: String,
    /// Only observations dated after this month were scored (`--after`; null: all).
    pub after: Option<String>,
    pub scored: usize,
    pub binary: usize,
    pub numeric: usize,
    /// Whether charts/reliability was drawn (at least [`RELIABILITY_MIN`] binary forecasts).
    pub reliability: bool,
    pub started_at: String,
    pub finished_at: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    /// As in [`CalibrationManifest::files`].
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

/// Binary forecasts needed for a reliability diagram.
pub const RELIABILITY_MIN: usize = 10;

crate::manifest_doc!(CalibrationManifest, |m| {
    m.generations_completed = rows_of(&m.files, "generations.csv").unwrap_or(0) as usize;
    if m.stop_reason.is_none() {
        let why = if m.status == Status::Partial {
            "interrupted"
        } else {
            "failed"
        };
        m.stop_reason = Some(why.into());
    }
});
crate::manifest_doc!(ScoreManifest, |m| {
    m.scored = rows_of(&m.files, "score.csv").unwrap_or(0) as usize;
});

/// A distribution's summary across particles (weighted) or runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Spread {
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub q05: Option<f64>,
    pub q25: Option<f64>,
    pub q50: Option<f64>,
    pub q75: Option<f64>,
    pub q95: Option<f64>,
}

/// One parameter in calibration.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSummary {
    pub path: String,
    /// The prior as written.
    pub distribution: String,
    /// Generation 0 (N draws from the prior).
    pub prior: Spread,
    /// The last generation, weighted.
    pub posterior: Spread,
    /// Posterior sd over prior sd: how much the data narrowed the parameter (1: not at all).
    pub sd_ratio: Option<f64>,
    /// Posterior mean minus prior mean, in prior sds.
    pub shift: Option<f64>,
}

/// One observation in calibration.json: the model's value across the prior and the posterior
/// particles (without measurement error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationSummary {
    pub id: String,
    pub observed: f64,
    pub sd: f64,
    pub prior_predictive: Spread,
    pub posterior_predictive: Spread,
    /// (posterior predictive median − observed) / sd.
    pub z: Option<f64>,
}

/// calibration.json: the results of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationSummary {
    /// The generation posterior.csv holds.
    pub posterior_generation: usize,
    /// Its tolerance (null for generation 0: infinite).
    pub tolerance: Option<f64>,
    pub ess: f64,
    pub acceptance_rate: f64,
    pub stop_reason: String,
    /// Words on why it stopped.
    pub stop_detail: String,
    pub params: Vec<ParamSummary>,
    pub observations: Vec<ObservationSummary>,
}

impl Export for CalibrationSummary {
    fn file_name(&self) -> &str {
        "calibration.json"
    }
    fn bytes(&self) -> Vec<u8> {
        json_bytes(self)
    }
}

/// One row of generations.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRow {
    pub generation: usize,
    /// None: infinite (generation 0).
    pub tolerance: Option<f64>,
    pub accepted: usize,
    pub proposals: u64,
    pub simulations: u64,
    pub simulations_run: u64,
    pub acceptance_rate: f64,
    pub ess: f64,
}

/// The columns of generations.csv.
pub const GENERATION_COLUMNS: [&str; 8] = [
    "generation",
    "tolerance",
    "accepted",
    "proposals",
    "simulations",
    "simulations_run",
    "acceptance_rate",
    "ess",
];

fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

/// generations.csv.
pub fn generations_csv(rows: &[GenerationRow]) -> Vec<u8> {
    let mut out = vec![GENERATION_COLUMNS.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        out.push(vec![
            r.generation.to_string(),
            r.tolerance.map_or(String::new(), num),
            r.accepted.to_string(),
            r.proposals.to_string(),
            r.simulations.to_string(),
            r.simulations_run.to_string(),
            num(r.acceptance_rate),
            num(r.ess),
        ]);
    }
    csv_bytes(&out)
}

/// posterior.csv / prior.csv: `particle, weight, distance`, then one column per parameter.
pub fn particles_csv(params: &[String], theta: &[Vec<f64>], w: &[f64], d: &[f64]) -> Vec<u8> {
    let mut head = vec!["particle".to_string(), "weight".into(), "distance".into()];
    head.extend(params.iter().cloned());
    let mut out = vec![head];
    for (i, t) in theta.iter().enumerate() {
        let mut r = vec![i.to_string(), num(w[i]), num(d[i])];
        r.extend(t.iter().map(|x| num(*x)));
        out.push(r);
    }
    csv_bytes(&out)
}

/// One generation's rows of predictive.csv: its index, each particle's values, the weights.
pub type GenerationValues<'a> = (usize, &'a [Vec<f64>], &'a [f64]);

/// predictive.csv: `generation, particle, weight`, then the model's value of each observation.
pub fn predictive_csv(ids: &[String], gens: &[GenerationValues]) -> Vec<u8> {
    let mut head = vec!["generation".to_string(), "particle".into(), "weight".into()];
    head.extend(ids.iter().cloned());
    let mut out = vec![head];
    for (g, values, w) in gens {
        for (i, v) in values.iter().enumerate() {
            let mut r = vec![g.to_string(), i.to_string(), num(w[i])];
            r.extend(v.iter().map(|x| num(*x)));
            out.push(r);
        }
    }
    csv_bytes(&out)
}

/// A table of particles read back: column names after `skip` leading columns, weights and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Particles {
    pub columns: Vec<String>,
    /// The `generation` column when there is one.
    pub generation: Vec<usize>,
    pub weights: Vec<f64>,
    pub rows: Vec<Vec<f64>>,
}

/// Reads posterior.csv or prior.csv (`particle, weight, distance, params...`) or predictive.csv
/// (`generation, particle, weight, observations...`).
pub fn read_particles(path: &Path) -> Result<Particles, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_particles(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`read_particles`] on bytes.
pub fn parse_particles(bytes: &[u8]) -> Result<Particles, String> {
    let mut r = csv::Reader::from_reader(bytes);
    let head: Vec<String> = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(String::from)
        .collect();
    let predictive = head.first().map(String::as_str) == Some("generation");
    let skip = 3;
    if head.len() < skip
        || (!predictive && head[..3] != ["particle", "weight", "distance"])
        || (predictive && head[..3] != ["generation", "particle", "weight"])
    {
        return Err(
            "not a particle table (expected columns particle, weight, distance, ... or generation, particle, weight, ...)"
                .into(),
        );
    }
    let wcol = if predictive { 2 } else { 1 };
    let mut out = Particles {
        columns: head[skip..].to_vec(),
        generation: Vec::new(),
        weights: Vec::new(),
        rows: Vec::new(),
    };
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        let field = |j: usize| -> Result<f64, String> {
            let s = rec.get(j).unwrap_or("");
            if s.is_empty() {
                return Ok(f64::NAN);
            }
            s.parse::<f64>()
                .map_err(|_| format!("row {}: `{s}` is not a number", i + 2))
        };
        if predictive {
            out.generation.push(field(0)? as usize);
        }
        out.weights.push(field(wcol)?);
        out.rows.push(
            (skip..head.len())
                .map(field)
                .collect::<Result<Vec<f64>, String>>()?,
        );
    }
    Ok(out)
}

/// score.csv's columns.
pub const SCORE_COLUMNS: [&str; 18] = [
    "observation",
    "month",
    "indicator",
    "entity",
    "type",
    "observed",
    "forecast",
    "p05",
    "p50",
    "p95",
    "brier",
    "log_score",
    "crps",
    "pit",
    "in_50",
    "in_90",
    "forecast_from",
    "source",
];

/// One row of score.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub observation: String,
    pub month: String,
    pub indicator: String,
    pub entity: String,
    /// `binary` or `numeric`.
    pub kind: String,
    pub observed: f64,
    /// Binary: the forecast probability; numeric: the forecast mean.
    pub forecast: f64,
    pub p05: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub brier: Option<f64>,
    pub log_score: Option<f64>,
    pub crps: Option<f64>,
    pub pit: Option<f64>,
    pub in_50: Option<bool>,
    pub in_90: Option<bool>,
    /// What the forecast distribution was built from: `runs` (runs.csv), `sketch` (aggregates.json's
    /// quantile sketch) or `normal` (the exact mean and sd, when the sketch's 1% resolution is too
    /// coarse for the spread), `share` (a probability from the runs or the series mean).
    pub forecast_from: String,
    pub source: String,
}

/// score.csv.
pub fn score_csv(rows: &[ScoreRow]) -> Vec<u8> {
    let o = |x: Option<f64>| x.map_or(String::new(), num);
    let b = |x: Option<bool>| x.map_or(String::new(), |v| u8::from(v).to_string());
    let mut out = vec![SCORE_COLUMNS.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        out.push(vec![
            r.observation.clone(),
            r.month.clone(),
            r.indicator.clone(),
            r.entity.clone(),
            r.kind.clone(),
            num(r.observed),
            num(r.forecast),
            o(r.p05),
            o(r.p50),
            o(r.p95),
            o(r.brier),
            o(r.log_score),
            o(r.crps),
            o(r.pit),
            b(r.in_50),
            b(r.in_90),
            r.forecast_from.clone(),
            r.source.clone(),
        ]);
    }
    csv_bytes(&out)
}

/// Reads score.csv back.
pub fn read_score_csv(path: &Path) -> Result<Vec<ScoreRow>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let s = |j: usize| rec.get(j).unwrap_or("").to_string();
        let f = |j: usize| rec.get(j).and_then(|x| x.parse::<f64>().ok());
        let b = |j: usize| match rec.get(j) {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => None,
        };
        out.push(ScoreRow {
            observation: s(0),
            month: s(1),
            indicator: s(2),
            entity: s(3),
            kind: s(4),
            observed: f(5).unwrap_or(f64::NAN),
            forecast: f(6).unwrap_or(f64::NAN),
            p05: f(7),
            p50: f(8),
            p95: f(9),
            brier: f(10),
            log_score: f(11),
            crps: f(12),
            pit: f(13),
            in_50: b(14),
            in_90: b(15),
            forecast_from: s(16),
            source: s(17),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particle_tables_round_trip() {
        let params = vec!["a.b".to_string(), "c".to_string()];
        let theta = vec![vec![0.1, 2.0], vec![0.30000000000000004, -1.0]];
        let bytes = particles_csv(&params, &theta, &[0.25, 0.75], &[1.5, 0.5]);
        let p = parse_particles(&bytes).unwrap();
        assert_eq!(p.columns, params);
        assert_eq!(p.weights, vec![0.25, 0.75]);
        assert_eq!(p.rows, theta);
        let pred = predictive_csv(
            &["o1".to_string()],
            &[
                (0, &[vec![1.0], vec![2.0]], &[0.5, 0.5]),
                (3, &[vec![4.0]], &[1.0]),
            ],
        );
        let q = parse_particles(&pred).unwrap();
        assert_eq!(q.generation, vec![0, 0, 3]);
        assert_eq!(q.rows, vec![vec![1.0], vec![2.0], vec![4.0]]);
        assert!(parse_particles(b"x,y\n1,2\n").is_err());
    }
}
