//! A comparison folder's manifest and compare.csv (`crossroads compare`, kind `compare`;
//! docs/outputs.md), written by the command and read back here and through [`super::read`]. The comparison itself (common random numbers,
//! paired intervals, compare.csv and compare.json) is `experiments::compare`.

use super::manifest::Status;
use super::read::ReadError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One input of a comparison, as recorded in compare's manifest.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputInfo {
    pub name: String,
    pub path: String,
    /// `scenario` (a RON file run here) or `folder` (an output folder of `crossroads run`).
    pub source: String,
    /// Hex SHA-256 of the resolved scenario text (scenario.ron for a folder).
    pub sha256: String,
}

/// compare's manifest.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CompareManifest {
    pub crossroads_version: String,
    /// Always `compare`.
    pub kind: String,
    pub status: Status,
    pub completed_runs: u64,
    /// The first is the reference.
    pub scenarios: Vec<InputInfo>,
    pub seed: u64,
    pub runs: u64,
    pub threads: Option<usize>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// `(scenario, outcome)` of reference outcomes a scenario lacks (left out).
    pub unmatched: Vec<(String, String)>,
    pub error: Option<String>,
    /// `compare --posterior DIR`: the calibration the scenarios' uncertain parameters were drawn from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<super::manifest::PosteriorRef>,
    /// `(scenario, parameter)`: posterior parameters a scenario does not draw (not uncertain in it);
    /// a scenario with all of them here runs from its priors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posterior_unused: Vec<(String, String)>,
    /// Display names of the scenarios' entities, `kind:id` → name (the first scenario's name wins).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<String, String>,
    /// The files written (docs/outputs.md, "files").
    #[serde(default)]
    pub files: Vec<super::files::FileRecord>,
}

crate::manifest_doc!(CompareManifest, |m| {
    // A comparison's rows are written at the end: an abandoned one has none.
    if !m.files.iter().any(|f| f.name == "compare.csv") {
        m.completed_runs = 0;
    }
});

/// One row of compare.csv: one scenario's value of one outcome and, for a non-reference scenario,
/// its difference from the reference.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Row {
    pub scenario: String,
    pub outcome: String,
    pub label: String,
    pub units: String,
    /// `binary` or `numeric`.
    pub kind: String,
    /// Runs with a value (binary: all runs).
    pub n: u64,
    pub value: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Paired difference from the reference (other − reference); `None` for the reference.
    pub diff: Option<f64>,
    pub diff_low: Option<f64>,
    pub diff_high: Option<f64>,
    pub unpaired_low: Option<f64>,
    pub unpaired_high: Option<f64>,
    /// Whether the paired interval excludes 0.
    pub distinguishable: Option<bool>,
    /// Binary: discordant pairs (reference 1 and this 0, reference 0 and this 1).
    pub discordant: Option<[u64; 2]>,
}

fn num(v: Option<f64>) -> String {
    super::export::fmt_num(v)
}

/// compare.csv's columns.
pub const COMPARE_COLUMNS: [&str; 12] = [
    "scenario",
    "outcome",
    "kind",
    "value",
    "ci_low",
    "ci_high",
    "diff",
    "diff_low",
    "diff_high",
    "unpaired_low",
    "unpaired_high",
    "distinguishable",
];

/// compare.csv: one row per scenario and outcome (see docs/outputs.md).
pub fn csv_bytes(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(COMPARE_COLUMNS);
    for r in rows {
        let _ = w.write_record([
            r.scenario.clone(),
            r.outcome.clone(),
            r.kind.clone(),
            num(r.value),
            num(r.ci_low),
            num(r.ci_high),
            num(r.diff),
            num(r.diff_low),
            num(r.diff_high),
            num(r.unpaired_low),
            num(r.unpaired_high),
            r.distinguishable.map_or(String::new(), |b| b.to_string()),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// compare.csv read back (compare.json's rows when a folder has no compare.json): no labels, units
/// or counts, which only compare.json records.
pub fn read_compare_csv(path: &Path) -> Result<Vec<Row>, ReadError> {
    let bad = |e: csv::Error| ReadError::from_csv(path, &e);
    let mut r = csv::Reader::from_path(path).map_err(bad)?;
    let h = r.headers().map_err(bad)?.clone();
    let c = COMPARE_COLUMNS
        .iter()
        .map(|n| {
            h.iter()
                .position(|x| x == *n)
                .ok_or_else(|| ReadError::invalid(path, format!("missing column `{n}`")).at(1))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        let s = |i: usize| rec.get(c[i]).unwrap_or("").to_string();
        let x = |i: usize| {
            rec.get(c[i])
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        rows.push(Row {
            scenario: s(0),
            outcome: s(1),
            label: String::new(),
            units: String::new(),
            kind: s(2),
            n: 0,
            value: x(3),
            ci_low: x(4),
            ci_high: x(5),
            diff: x(6),
            diff_low: x(7),
            diff_high: x(8),
            unpaired_low: x(9),
            unpaired_high: x(10),
            distinguishable: match rec.get(c[11]) {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            discordant: None,
        });
    }
    Ok(rows)
}
