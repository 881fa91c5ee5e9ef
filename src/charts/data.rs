//! Reading an output folder (docs/outputs.md) into memory: the manifest, runs.csv, series.csv and
//! summary.json. Lenient about additions (unknown fields are ignored) and about absent optional files
//! (series.csv, summary.json); strict only about the manifest, which makes a folder an output folder.

use super::ChartError;
use super::stats::{icd203_words, wilson};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Everything the charts and the report read from one output folder.
#[derive(Debug, Clone)]
pub struct OutputData {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// runs.csv (empty table when the file is absent).
    pub runs: RunsTable,
    /// series.csv, one entry per (indicator, entity) in file order.
    pub series: Vec<Series>,
    /// summary.json, when present.
    pub summary: Option<Summary>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct Manifest {
    pub crossroads_version: String,
    pub status: String,
    pub completed_runs: Option<u64>,
    pub scenario: ScenarioInfo,
    pub sets: Vec<String>,
    pub seed: Option<u64>,
    pub runs: u64,
    pub shard: Option<ShardInfo>,
    pub threads: Option<u64>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub uncertain_params: Vec<UncertainParam>,
    pub outcomes: Vec<OutcomeInfo>,
    pub outcome_classes: Vec<ClassInfo>,
    pub error: Option<String>,
    /// Display names, `kind:id` → name (absent in older folders).
    pub labels: std::collections::BTreeMap<String, String>,
    /// The series written per run to runs_series.csv.
    pub per_run_series: Vec<SeriesKeyInfo>,
    /// The binary outcome chosen to split the per-run fan charts (`run --split-by`).
    pub split_by: Option<String>,
}

/// A series key of the manifest (`indicator`, `entity`).
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(default)]
pub struct SeriesKeyInfo {
    pub indicator: String,
    pub entity: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct ScenarioInfo {
    pub path: String,
    pub sha256: String,
    pub name: String,
    pub description: String,
    pub start: String,
    pub horizon: u32,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct ShardInfo {
    pub index: u64,
    pub count: u64,
    pub first_run: u64,
    pub end_run: u64,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct UncertainParam {
    pub path: String,
    pub distribution: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct OutcomeInfo {
    pub id: String,
    pub label: String,
    pub units: String,
    #[serde(rename = "type")]
    pub kind_type: String,
    pub kind: Value,
}

impl OutcomeInfo {
    /// The label, or the id when the label is empty.
    pub fn title(&self) -> &str {
        if self.label.trim().is_empty() {
            &self.id
        } else {
            &self.label
        }
    }
    pub fn is_binary(&self) -> bool {
        self.kind_type == "binary"
    }
    /// The outcome kind's variant name (`PhaseReached`, `VoteShare`, ...), as serde writes enums.
    pub fn kind_name(&self) -> &str {
        match &self.kind {
            Value::String(s) => s,
            Value::Object(m) => m.keys().next().map(String::as_str).unwrap_or(""),
            _ => "",
        }
    }
    /// A string field of the kind's payload, e.g. `election` or `party` of `VoteShare`.
    pub fn kind_field(&self, field: &str) -> Option<&str> {
        self.kind.as_object()?.values().next()?.get(field)?.as_str()
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct ClassInfo {
    pub id: String,
    pub label: String,
}

/// runs.csv as columns.
#[derive(Debug, Clone, Default)]
pub struct RunsTable {
    pub headers: Vec<String>,
    /// Numeric cells per column (None when empty or not a number).
    columns: HashMap<String, Vec<Option<f64>>>,
    /// The `class` column (None when empty).
    pub classes: Vec<Option<String>>,
    pub rows: usize,
}

impl RunsTable {
    pub fn column(&self, name: &str) -> Option<&[Option<f64>]> {
        self.columns.get(name).map(Vec::as_slice)
    }
}

/// One (indicator, entity) series of series.csv.
#[derive(Debug, Clone)]
pub struct Series {
    pub indicator: String,
    pub entity: String,
    pub points: Vec<SeriesPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    pub tick: u32,
    pub mean: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// summary.json.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct Summary {
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub outcomes: Vec<SummaryOutcome>,
    pub classes: Vec<SummaryOutcome>,
    /// Joint counts of pairs of binary outcomes and classes (`class:<id>`).
    pub joint: Vec<Joint>,
}

/// One entry of summary.json's `joint`.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(default)]
pub struct Joint {
    pub a: String,
    pub b: String,
    pub a_count: u64,
    pub b_count: u64,
    pub both: u64,
    pub n: u64,
}

/// One entry of summary.json's `outcomes` or `classes` (fields depend on the type; all optional).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct SummaryOutcome {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind_type: String,
    pub units: Option<String>,
    pub count: Option<u64>,
    pub n: Option<u64>,
    pub missing: Option<u64>,
    pub probability: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub words: Option<String>,
    pub interval_words: Option<String>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub p05: Option<f64>,
    pub p25: Option<f64>,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p95: Option<f64>,
}

/// A probability with its Wilson 95% interval and ICD 203 words.
#[derive(Debug, Clone, PartialEq)]
pub struct Probability {
    pub id: String,
    pub label: String,
    pub count: u64,
    pub n: u64,
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
    pub words: String,
    /// The ICD 203 terms the interval covers (`"likely to very likely"` when it spans two).
    pub span: String,
}

impl OutputData {
    /// Reads an output folder. Fails with [`ChartError::NotOutputFolder`] when the folder or its
    /// manifest.json is missing, and with [`ChartError::Invalid`] when a file cannot be parsed.
    pub fn load(dir: &Path) -> Result<OutputData, ChartError> {
        if !dir.is_dir() {
            let what = if dir.exists() {
                "not a folder"
            } else {
                "no such folder"
            };
            return Err(ChartError::NotOutputFolder(format!(
                "{}: {what}",
                dir.display()
            )));
        }
        let mpath = dir.join("manifest.json");
        if !mpath.is_file() {
            return Err(ChartError::NotOutputFolder(format!(
                "{}: not an output folder (no manifest.json)",
                dir.display()
            )));
        }
        let text = read(&mpath)?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| ChartError::Invalid(format!("{}: {e}", mpath.display())))?;
        let runs = match dir.join("runs.csv") {
            p if p.is_file() => read_runs(&p)?,
            _ => RunsTable::default(),
        };
        let series = match dir.join("series.csv") {
            p if p.is_file() => read_series(&p)?,
            _ => Vec::new(),
        };
        let spath = dir.join("summary.json");
        let summary = if spath.is_file() {
            let text = read(&spath)?;
            Some(
                serde_json::from_str(&text)
                    .map_err(|e| ChartError::Invalid(format!("{}: {e}", spath.display())))?,
            )
        } else {
            None
        };
        Ok(OutputData {
            dir: dir.to_path_buf(),
            manifest,
            runs,
            series,
            summary,
        })
    }

    /// The display names of the folder's entities.
    pub fn names(&self) -> super::names::Names<'_> {
        super::names::Names(&self.manifest.labels)
    }

    /// Scenario name for titles (the folder name when the manifest has none).
    pub fn scenario_name(&self) -> String {
        if !self.manifest.scenario.name.is_empty() {
            return self.manifest.scenario.name.clone();
        }
        self.dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Number of runs behind the numbers: rows of runs.csv, else the manifest's count.
    pub fn n_runs(&self) -> u64 {
        if self.runs.rows > 0 {
            self.runs.rows as u64
        } else {
            self.manifest.completed_runs.unwrap_or(self.manifest.runs)
        }
    }

    /// The chart footer: runs, seed, scenario hash prefix, version, status.
    pub fn footer(&self) -> String {
        let m = &self.manifest;
        let mut parts = vec![format!("Scenario {}", self.scenario_name())];
        let n = self.n_runs();
        if m.runs > n {
            parts.push(format!("{n} of {} runs", m.runs));
        } else {
            parts.push(format!("{n} run{}", if n == 1 { "" } else { "s" }));
        }
        if let Some(seed) = m.seed {
            parts.push(format!("seed {seed}"));
        }
        if let Some(s) = &m.shard {
            parts.push(format!("shard {} of {}", s.index + 1, s.count));
        }
        if !m.status.is_empty() && m.status != "complete" {
            parts.push(format!("status {}", m.status.to_uppercase()));
        }
        if !m.crossroads_version.is_empty() {
            parts.push(format!("crossroads {}", m.crossroads_version));
        }
        parts.join("  ·  ")
    }

    pub fn outcome(&self, id: &str) -> Option<&OutcomeInfo> {
        self.manifest.outcomes.iter().find(|o| o.id == id)
    }

    fn summary_entry(&self, id: &str) -> Option<&SummaryOutcome> {
        self.summary
            .as_ref()?
            .outcomes
            .iter()
            .find(|o| o.name == id)
    }

    /// Probability of a binary outcome: summary.json's numbers when present, else computed from
    /// runs.csv. None when neither has it.
    pub fn binary(&self, o: &OutcomeInfo) -> Option<Probability> {
        if let Some(s) = self.summary_entry(&o.id)
            && let Some(p) = s.probability
        {
            let n = s.n.unwrap_or(self.n_runs());
            let count = s.count.unwrap_or((p * n as f64).round() as u64);
            let (lo, hi) = match (s.ci_low, s.ci_high) {
                (Some(lo), Some(hi)) => (lo, hi),
                _ => {
                    let w = wilson(count, n);
                    (w.1, w.2)
                }
            };
            return Some(Probability {
                id: o.id.clone(),
                label: o.title().to_string(),
                count,
                n,
                p,
                lo,
                hi,
                words: s.words.clone().unwrap_or_else(|| icd203_words(p).into()),
                span: crate::stats::icd203_span(lo, hi),
            });
        }
        let col = self.runs.column(&o.id)?;
        let n = col.len() as u64;
        if n == 0 {
            return None;
        }
        let count = col.iter().filter(|v| v.is_some_and(|x| x >= 0.5)).count() as u64;
        let (p, lo, hi) = wilson(count, n);
        Some(Probability {
            id: o.id.clone(),
            label: o.title().to_string(),
            count,
            n,
            p,
            lo,
            hi,
            words: icd203_words(p).into(),
            span: crate::stats::icd203_span(lo, hi),
        })
    }

    /// Shares of the outcome classes (scenario order), plus "(no class)" when some runs matched none.
    pub fn classes(&self) -> Vec<Probability> {
        let n = self.n_runs();
        let mut out = Vec::new();
        for c in &self.manifest.outcome_classes {
            let label = if c.label.trim().is_empty() {
                c.id.clone()
            } else {
                c.label.clone()
            };
            let from_summary = self
                .summary
                .as_ref()
                .and_then(|s| s.classes.iter().find(|x| x.name == c.id));
            let count = match from_summary.and_then(|s| s.count) {
                Some(k) => k,
                None => self
                    .runs
                    .classes
                    .iter()
                    .filter(|x| x.as_deref() == Some(c.id.as_str()))
                    .count() as u64,
            };
            let (p, lo, hi) = wilson(count, n);
            out.push(Probability {
                id: c.id.clone(),
                label,
                count,
                n,
                p,
                lo,
                hi,
                words: from_summary
                    .and_then(|s| s.words.clone())
                    .unwrap_or_else(|| icd203_words(p).into()),
                span: crate::stats::icd203_span(lo, hi),
            });
        }
        let total: u64 = out.iter().map(|p| p.count).sum();
        if !out.is_empty() && n > 0 && total < n {
            let count = n - total;
            let (p, lo, hi) = wilson(count, n);
            out.push(Probability {
                id: String::new(),
                label: "(no class matched)".into(),
                count,
                n,
                p,
                lo,
                hi,
                words: icd203_words(p).into(),
                span: crate::stats::icd203_span(lo, hi),
            });
        }
        out
    }

    /// Values of a numeric outcome (runs with a value) and the number of runs without one.
    pub fn numeric(&self, id: &str) -> (Vec<f64>, usize) {
        match self.runs.column(id) {
            Some(col) => {
                let vals: Vec<f64> = col.iter().flatten().copied().collect();
                let missing = col.len() - vals.len();
                (vals, missing)
            }
            None => (Vec::new(), 0),
        }
    }

    /// The numeric summary of an outcome from summary.json, if present.
    pub fn numeric_summary(&self, id: &str) -> Option<&SummaryOutcome> {
        self.summary_entry(id)
    }

    /// Series of one indicator, in file order.
    pub fn series_of<'a>(&'a self, indicator: &'a str) -> impl Iterator<Item = &'a Series> + 'a {
        self.series.iter().filter(move |s| s.indicator == indicator)
    }

    /// `YYYY-MM` of a tick: the month whose end it records (tick 1 = the start month, tick 0 = the
    /// month before, its end being the initial state), as series.csv, events.csv and trace date it
    /// (`scenario::schema::tick_month`).
    pub fn date_of_tick(&self, tick: i64) -> String {
        date_add(&self.manifest.scenario.start, tick - 1).unwrap_or_else(|| format!("month {tick}"))
    }
}

/// `YYYY-MM` plus `months`.
pub fn date_add(start: &str, months: i64) -> Option<String> {
    let (y, m) = start.split_once('-')?;
    let y: i64 = y.trim().parse().ok()?;
    let m: i64 = m.trim().get(..2).unwrap_or(m.trim()).parse().ok()?;
    if !(1..=12).contains(&m) {
        return None;
    }
    let idx = y * 12 + (m - 1) + months;
    Some(format!(
        "{:04}-{:02}",
        idx.div_euclid(12),
        idx.rem_euclid(12) + 1
    ))
}

fn read(p: &Path) -> Result<String, ChartError> {
    std::fs::read_to_string(p).map_err(|e| ChartError::Io(format!("{}: {e}", p.display())))
}

fn read_runs(path: &Path) -> Result<RunsTable, ChartError> {
    let bad = |e: csv::Error| ChartError::Invalid(format!("{}: {e}", path.display()));
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(bad)?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(bad)?
        .iter()
        .map(String::from)
        .collect();
    let mut cols: Vec<Vec<Option<f64>>> = vec![Vec::new(); headers.len()];
    let class_idx = headers.iter().position(|h| h == "class");
    let mut classes = Vec::new();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(bad)?;
        rows += 1;
        for (i, col) in cols.iter_mut().enumerate() {
            let cell = rec.get(i).unwrap_or("").trim();
            col.push(cell.parse::<f64>().ok().filter(|x| x.is_finite()));
        }
        if let Some(ci) = class_idx {
            let c = rec.get(ci).unwrap_or("").trim();
            classes.push(if c.is_empty() {
                None
            } else {
                Some(c.to_string())
            });
        }
    }
    let columns = headers.iter().cloned().zip(cols).collect();
    Ok(RunsTable {
        headers,
        columns,
        classes,
        rows,
    })
}

fn read_series(path: &Path) -> Result<Vec<Series>, ChartError> {
    let bad = |e: String| ChartError::Invalid(format!("{}: {e}", path.display()));
    let mut rdr = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    let idx = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("missing column `{name}`")))
    };
    let (ti, ii, ei) = (idx("tick")?, idx("indicator")?, idx("entity")?);
    let qs = [
        idx("mean")?,
        idx("p05")?,
        idx("p25")?,
        idx("p50")?,
        idx("p75")?,
        idx("p95")?,
    ];
    let mut out: Vec<Series> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let Some(tick) = rec.get(ti).and_then(|t| t.trim().parse::<u32>().ok()) else {
            continue;
        };
        let num = |i: usize| {
            rec.get(i)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|x| x.is_finite())
        };
        let vals: Vec<Option<f64>> = qs.iter().map(|&i| num(i)).collect();
        // A point needs its median; missing quantiles fall back to it.
        let Some(p50) = vals[3] else { continue };
        let v = |k: usize| vals[k].unwrap_or(p50);
        let point = SeriesPoint {
            tick,
            mean: v(0),
            p05: v(1),
            p25: v(2),
            p50,
            p75: v(4),
            p95: v(5),
        };
        let key = (
            rec.get(ii).unwrap_or("").to_string(),
            rec.get(ei).unwrap_or("").to_string(),
        );
        let at = *index.entry(key.clone()).or_insert_with(|| {
            out.push(Series {
                indicator: key.0.clone(),
                entity: key.1.clone(),
                points: Vec::new(),
            });
            out.len() - 1
        });
        out[at].points.push(point);
    }
    for s in &mut out {
        s.points.sort_by_key(|p| p.tick);
        s.points.dedup_by_key(|p| p.tick);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_add_months() {
        assert_eq!(date_add("2025-11", 0).as_deref(), Some("2025-11"));
        assert_eq!(date_add("2025-11", 2).as_deref(), Some("2026-01"));
        assert_eq!(date_add("2025-11", 36).as_deref(), Some("2028-11"));
        assert_eq!(date_add("nonsense", 1), None);
    }
}
