//! Reading a comparison folder (`crossroads compare`, docs/outputs.md) into memory: manifest.json
//! (kind `compare`), the rows of compare.json (else compare.csv) and the per-scenario series of
//! series.csv; and every chart the folder allows, in report order: the forest plot ([`super::forest`])
//! then the overlaid fan charts ([`super::overlay`]). The charts layer only reads these files.

use super::data::{Series, SeriesPoint, date_add};
use super::{Chart, ChartError};
use crate::experiments::compare::{CompareManifest, Row};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// Everything the comparison's charts and report read from its folder.
#[derive(Debug, Clone)]
pub struct CompareData {
    pub manifest: CompareManifest,
    /// compare.json's rows (compare.csv's when compare.json is absent: no labels, units or counts).
    pub rows: Vec<Row>,
    /// One entry per scenario of the manifest, in its order (the reference first); `series` is empty
    /// for a scenario without rows in series.csv (or when there is no series.csv).
    pub series: Vec<ScenarioSeries>,
}

/// One scenario's series from compare's series.csv.
#[derive(Debug, Clone)]
pub struct ScenarioSeries {
    pub name: String,
    /// Month number (`year · 12 + month − 1`) of tick 0, from the `date` column; `None` when the
    /// dates are not `YYYY-MM`.
    pub start: Option<i64>,
    /// One per (indicator, entity), in file order.
    pub series: Vec<Series>,
}

impl ScenarioSeries {
    pub fn get(&self, indicator: &str, entity: &str) -> Option<&Series> {
        self.series
            .iter()
            .find(|s| s.indicator == indicator && s.entity == entity && !s.points.is_empty())
    }
}

#[derive(Deserialize)]
struct JsonRows {
    rows: Vec<Row>,
}

impl CompareData {
    /// Reads a comparison folder: [`ChartError::NotOutputFolder`] without a folder or manifest.json,
    /// [`ChartError::Invalid`] when a file cannot be parsed or the manifest is not a comparison's.
    pub fn load(dir: &Path) -> Result<CompareData, ChartError> {
        if !dir.is_dir() {
            return Err(ChartError::NotOutputFolder(format!(
                "{}: no such folder",
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
        let manifest: CompareManifest = serde_json::from_str(&read(&mpath)?).map_err(|e| {
            ChartError::Invalid(format!(
                "{}: not a comparison's manifest: {e}",
                mpath.display()
            ))
        })?;
        if manifest.kind != "compare" {
            return Err(ChartError::Invalid(format!(
                "{}: kind is {:?}, expected \"compare\"",
                mpath.display(),
                manifest.kind
            )));
        }
        if manifest.scenarios.is_empty() {
            return Err(ChartError::Invalid(format!(
                "{}: no scenarios",
                mpath.display()
            )));
        }
        let jpath = dir.join("compare.json");
        let cpath = dir.join("compare.csv");
        let rows = if jpath.is_file() {
            let j: JsonRows = serde_json::from_str(&read(&jpath)?)
                .map_err(|e| ChartError::Invalid(format!("{}: {e}", jpath.display())))?;
            j.rows
        } else if cpath.is_file() {
            read_rows_csv(&cpath)?
        } else {
            return Err(ChartError::Invalid(format!(
                "{}: neither compare.json nor compare.csv",
                dir.display()
            )));
        };
        let spath = dir.join("series.csv");
        let names: Vec<String> = manifest.scenarios.iter().map(|s| s.name.clone()).collect();
        let series = if spath.is_file() {
            read_series(&spath, &names)?
        } else {
            names
                .iter()
                .map(|n| ScenarioSeries {
                    name: n.clone(),
                    start: None,
                    series: Vec::new(),
                })
                .collect()
        };
        Ok(CompareData {
            manifest,
            rows,
            series,
        })
    }

    /// Scenario names, the reference first.
    pub fn names(&self) -> Vec<String> {
        self.manifest
            .scenarios
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// The chart footer: scenarios, runs, seed, status when not complete, version.
    pub fn footer(&self) -> String {
        let m = &self.manifest;
        let names = self.names();
        let n = m.completed_runs;
        let mut parts = vec![
            format!("{} vs {}", names[1..].join(", "), names[0]),
            format!("{n} run{} per scenario", if n == 1 { "" } else { "s" }),
            format!("seed {}", m.seed),
        ];
        if m.status.as_str() != "complete" {
            parts.push(format!("status {}", m.status.as_str().to_uppercase()));
        }
        parts.push(format!("crossroads {}", m.crossroads_version));
        parts.join("  ·  ")
    }
}

/// Every chart of a comparison folder, in report order: the forest plot, then the overlays.
pub fn build_all(data: &CompareData) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    out.extend(super::forest::chart(
        &data.rows,
        &data.names(),
        &data.footer(),
    )?);
    out.extend(super::overlay::charts(data)?);
    Ok(out)
}

fn read(p: &Path) -> Result<String, ChartError> {
    std::fs::read_to_string(p).map_err(|e| ChartError::Io(format!("{}: {e}", p.display())))
}

/// `YYYY-MM` to `year · 12 + month − 1`.
pub fn month_number(date: &str) -> Option<i64> {
    let (y, m) = date.trim().split_once('-')?;
    let y: i64 = y.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

/// The `YYYY-MM` of a month number.
pub fn month_date(n: i64) -> String {
    date_add("0000-01", n).unwrap_or_default()
}

fn columns(
    path: &Path,
    headers: &csv::StringRecord,
    names: &[&str],
) -> Result<Vec<usize>, ChartError> {
    names
        .iter()
        .map(|n| {
            headers.iter().position(|h| h == *n).ok_or_else(|| {
                ChartError::Invalid(format!("{}: missing column `{n}`", path.display()))
            })
        })
        .collect()
}

fn read_rows_csv(path: &Path) -> Result<Vec<Row>, ChartError> {
    let bad = |e: csv::Error| ChartError::Invalid(format!("{}: {e}", path.display()));
    let mut r = csv::Reader::from_path(path).map_err(bad)?;
    let h = r.headers().map_err(bad)?.clone();
    let c = columns(
        path,
        &h,
        &[
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
        ],
    )?;
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

/// compare's series.csv, split by scenario (rows of scenarios the manifest lacks are ignored).
fn read_series(path: &Path, names: &[String]) -> Result<Vec<ScenarioSeries>, ChartError> {
    let bad = |e: csv::Error| ChartError::Invalid(format!("{}: {e}", path.display()));
    let mut r = csv::Reader::from_path(path).map_err(bad)?;
    let h = r.headers().map_err(bad)?.clone();
    let c = columns(
        path,
        &h,
        &[
            "scenario",
            "tick",
            "date",
            "indicator",
            "entity",
            "mean",
            "p05",
            "p25",
            "p50",
            "p75",
            "p95",
        ],
    )?;
    let mut out: Vec<ScenarioSeries> = names
        .iter()
        .map(|n| ScenarioSeries {
            name: n.clone(),
            start: None,
            series: Vec::new(),
        })
        .collect();
    let mut index: HashMap<(usize, String, String), usize> = HashMap::new();
    let mut dated: Vec<bool> = vec![true; names.len()];
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        let Some(k) = names.iter().position(|n| rec.get(c[0]) == Some(n.as_str())) else {
            continue;
        };
        let Some(tick) = rec.get(c[1]).and_then(|t| t.trim().parse::<u32>().ok()) else {
            continue;
        };
        let start = rec
            .get(c[2])
            .and_then(month_number)
            .map(|m| m - tick as i64);
        match (out[k].start, start) {
            (_, None) => dated[k] = false,
            (None, Some(s)) => out[k].start = Some(s),
            (Some(a), Some(b)) if a != b => dated[k] = false,
            _ => {}
        }
        let num = |i: usize| {
            rec.get(c[i])
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|x| x.is_finite())
        };
        // A point needs its median; missing quantiles fall back to it (as in a batch's charts).
        let Some(p50) = num(8) else { continue };
        let v = |i: usize| num(i).unwrap_or(p50);
        let point = SeriesPoint {
            tick,
            mean: v(5),
            p05: v(6),
            p25: v(7),
            p50,
            p75: v(9),
            p95: v(10),
        };
        let key = (
            k,
            rec.get(c[3]).unwrap_or("").to_string(),
            rec.get(c[4]).unwrap_or("").to_string(),
        );
        let at = *index.entry(key.clone()).or_insert_with(|| {
            out[k].series.push(Series {
                indicator: key.1.clone(),
                entity: key.2.clone(),
                points: Vec::new(),
            });
            out[k].series.len() - 1
        });
        out[k].series[at].points.push(point);
    }
    for (s, ok) in out.iter_mut().zip(dated) {
        if !ok {
            s.start = None;
        }
        for x in &mut s.series {
            x.points.sort_by_key(|p| p.tick);
            x.points.dedup_by_key(|p| p.tick);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_numbers_round_trip() {
        assert_eq!(month_number("2026-01"), Some(2026 * 12));
        assert_eq!(month_date(2026 * 12 + 13), "2027-02");
        assert_eq!(month_number("2026-13"), None);
        assert_eq!(month_number("month 3"), None);
    }
}
