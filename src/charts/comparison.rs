//! Reading a comparison folder (`crossroads compare`, docs/outputs.md) into memory: manifest.json
//! (kind `compare`), the rows of compare.json (else compare.csv) and the per-scenario series of
//! series.csv; and every chart the folder allows, in report order: the forest plot ([`super::forest`])
//! then the overlaid fan charts ([`super::overlay`]). The charts layer only reads these files.

use super::data::{Series, date_add};
use super::{Chart, ChartError};
use crate::outputs::FolderKind;
use crate::outputs::compare::{CompareManifest, Row, read_compare_csv};
use crate::outputs::read::{self, ReadError, SeriesColumns, SeriesSet};
use serde::Deserialize;
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
        let mpath = dir.join("manifest.json");
        let manifest = match read::manifest(dir)? {
            read::Manifest::Compare(m) => m,
            other => return Err(other.wrong_kind(&mpath, FolderKind::Compare).into()),
        };
        if manifest.scenarios.is_empty() {
            return Err(ChartError::Invalid(format!(
                "{}: no scenarios",
                mpath.display()
            )));
        }
        let jpath = dir.join("compare.json");
        let cpath = dir.join("compare.csv");
        let rows = if jpath.is_file() {
            read::json::<JsonRows>(&jpath)?.rows
        } else if cpath.is_file() {
            read_compare_csv(&cpath)?
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

/// compare's series.csv, split by scenario (rows of scenarios the manifest lacks are ignored).
fn read_series(path: &Path, names: &[String]) -> Result<Vec<ScenarioSeries>, ChartError> {
    let bad = |e: csv::Error| ReadError::from_csv(path, &e);
    let mut r = csv::Reader::from_path(path).map_err(bad)?;
    let h = r.headers().map_err(bad)?.clone();
    let cols = SeriesColumns::find(path, &h)?;
    let need = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .ok_or_else(|| ReadError::invalid(path, format!("missing column `{n}`")).at(1))
    };
    let (scol, dcol) = (need("scenario")?, need("date")?);
    let mut starts: Vec<Option<i64>> = vec![None; names.len()];
    let mut set = SeriesSet::with_groups(names.len());
    let mut dated: Vec<bool> = vec![true; names.len()];
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        let Some(k) = names.iter().position(|n| rec.get(scol) == Some(n.as_str())) else {
            continue;
        };
        let Some(tick) = rec
            .get(cols.key[0])
            .and_then(|t| t.trim().parse::<u32>().ok())
        else {
            continue;
        };
        let start = rec
            .get(dcol)
            .and_then(month_number)
            .map(|m| m - tick as i64);
        match (starts[k], start) {
            (_, None) => dated[k] = false,
            (None, Some(s)) => starts[k] = Some(s),
            (Some(a), Some(b)) if a != b => dated[k] = false,
            _ => {}
        }
        // A point needs its median; missing quantiles fall back to it (as in a batch's charts).
        if let Some((point, ind, ent)) = cols.point(&rec) {
            set.push(k, ind, ent, point);
        }
    }
    Ok(names
        .iter()
        .zip(set.finish())
        .zip(starts.into_iter().zip(dated))
        .map(|((n, series), (start, ok))| ScenarioSeries {
            name: n.clone(),
            start: start.filter(|_| ok),
            series,
        })
        .collect())
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
