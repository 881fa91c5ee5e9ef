//! A batch folder (docs/outputs.md) as the charts and the report view it: the manifest, runs.csv,
//! series.csv and summary.json as `outputs::read` reads them (absent optional files are empty), and
//! the numbers the charts draw from them (probabilities with their intervals, numeric values,
//! series by indicator, dates of ticks).

use super::ChartError;
use super::stats::{icd203_words, wilson};
use crate::outputs::FolderKind;
use crate::outputs::read;
use std::path::{Path, PathBuf};

pub use crate::outputs::export::{
    BinarySummary, ClassSummary, JointSummary as Joint, NumericSummary, OutcomeSummary, Summary,
};
pub use crate::outputs::manifest::{Manifest, OutcomeInfo};
pub use crate::outputs::read::{RunsTable, Series, SeriesPoint};

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
        let manifest = match read::manifest(dir)? {
            read::Manifest::Batch(m) => m,
            other => {
                return Err(other
                    .wrong_kind(&dir.join("manifest.json"), FolderKind::Batch)
                    .into());
            }
        };
        let runs = read::optional(&dir.join("runs.csv"), read::runs_csv)?.unwrap_or_default();
        let series = read::optional(&dir.join("series.csv"), read::series_csv)?.unwrap_or_default();
        let summary = read::optional(&dir.join("summary.json"), read::summary_json)?;
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
            self.manifest.completed_runs
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
        parts.push(format!("seed {}", m.seed));
        if let Some(s) = &m.shard {
            parts.push(format!("shard {} of {}", s.index + 1, s.count));
        }
        if m.status != crate::outputs::Status::Complete {
            parts.push(format!("status {}", m.status.as_str().to_uppercase()));
        }
        if !m.crossroads_version.is_empty() {
            parts.push(format!("crossroads {}", m.crossroads_version));
        }
        parts.join("  ·  ")
    }

    pub fn outcome(&self, id: &str) -> Option<&OutcomeInfo> {
        self.manifest.outcomes.iter().find(|o| o.id == id)
    }

    fn summary_entry(&self, id: &str) -> Option<&OutcomeSummary> {
        self.summary.as_ref()?.outcomes.iter().find(|o| match o {
            OutcomeSummary::Binary(b) => b.name == id,
            OutcomeSummary::Numeric(x) => x.name == id,
        })
    }

    /// Probability of a binary outcome: summary.json's numbers when present, else computed from
    /// runs.csv. None when neither has it.
    pub fn binary(&self, o: &OutcomeInfo) -> Option<Probability> {
        if let Some(OutcomeSummary::Binary(s)) = self.summary_entry(&o.id)
            && let Some(p) = s.probability
        {
            let n = if s.n > 0 { s.n } else { self.n_runs() };
            let (lo, hi) = (s.ci_low, s.ci_high);
            return Some(Probability {
                id: o.id.clone(),
                label: o.title().to_string(),
                count: s.count,
                n,
                p,
                lo,
                hi,
                words: or_words(&s.words, p),
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
            let count = match from_summary.map(|s| s.count) {
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
                words: or_words(from_summary.map_or("", |s| s.words.as_str()), p),
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
    pub fn numeric_summary(&self, id: &str) -> Option<&NumericSummary> {
        match self.summary_entry(id)? {
            OutcomeSummary::Numeric(x) => Some(x),
            OutcomeSummary::Binary(_) => None,
        }
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

/// summary.json's ICD 203 words, else those of `p` (folders without them).
fn or_words(words: &str, p: f64) -> String {
    if words.is_empty() {
        icd203_words(p).into()
    } else {
        words.to_string()
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
