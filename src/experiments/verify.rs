//! `crossroads score`'s orchestration: a run folder's forecasts against observations made after a
//! cutoff, scored with [`super::score`] into score.csv (docs/outputs.md, "Score folders").
//!
//! The forecast of each observation comes from the folder alone:
//!
//! - a series (`indicator`, `entity` as in series.csv) at a month: the distribution across runs of the
//!   state after that month, from aggregates.json's quantile sketch of that tick and series (relative
//!   accuracy 1%); the series `phase` (0 or 1 per run) is a binary forecast whose probability is its
//!   mean; any other series is numeric: CRPS from [`QUANTILE_LEVELS`] quantiles, PIT, bands (when
//!   the sketch's 1% resolution is coarse next to the runs' spread, see [`NORMAL_BELOW`], a Normal
//!   with the exact mean and sd of the runs instead, CRPS in closed form);
//! - `phase_reached` (binary): the share of runs whose `PhaseMonth` outcome for that phase (runs.csv)
//!   is at most the month's tick; the run folder's scenario needs such an outcome;
//! - `outcome` (an outcome id): binary outcomes give the share of runs where it held; numeric ones the
//!   runs' values (runs without a value left out), scored as an ensemble (exact CRPS, mid-rank PIT,
//!   empirical bands).
//!
//! The observed value is the measurement's point (a poll's share, a value, an interval's midpoint;
//! binary: 1 when it is at least 0.5). Measurement error is not taken into account. A probability of 0
//! or 1 is bounded to `[1/(2n), 1 − 1/(2n)]` for the log score (n runs).

use super::score::{self, brier, crps_ensemble, log_score, pit_ensemble};
use crate::batch::{Aggregates, aggregate::SKETCH_ALPHA};
use crate::outputs::Manifest;
use crate::outputs::calibration::ScoreRow;
use crate::portable::math::{norm_cdf, norm_ppf};
use crate::scenario::schema::{OUTCOME, Observation, PHASE_REACHED, month_offset};
use std::path::Path;

/// Quantile levels (midpoint rule) for the CRPS of a series from its sketch.
pub const QUANTILE_LEVELS: usize = 200;

/// A series is scored as Normal(mean, sd) (its exact moments) instead of from its sketch when the
/// sketch's resolution, `2 · SKETCH_ALPHA · |mean|`, exceeds this many sds.
pub const NORMAL_BELOW: f64 = 0.25;

/// A run folder, read for scoring.
pub struct Forecasts {
    pub manifest: Manifest,
    aggs: Aggregates,
    /// runs.csv: header and rows (as text).
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Forecasts {
    /// Verifies `dir` ([`crate::outputs::verify::folder`]: a batch folder, whole), then reads its
    /// manifest.json, aggregates.json and runs.csv. Errors are usage errors.
    pub fn load(dir: &Path) -> Result<Forecasts, String> {
        let v = crate::outputs::verify::folder(dir).map_err(|e| e.to_string())?;
        let Some(manifest) = v.batch else {
            return Err(format!(
                "{}: a {} folder; score reads the folder of `crossroads run` (or `merge`)",
                dir.display(),
                v.kind.as_str()
            ));
        };
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| {
                format!(
                    "{}: {e} (not an output folder of crossroads run?)",
                    dir.join(name).display()
                )
            })
        };
        let aggs: Aggregates = serde_json::from_slice(&read("aggregates.json")?)
            .map_err(|e| format!("{}/aggregates.json: {e}", dir.display()))?;
        let bytes = read("runs.csv")?;
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let header = r
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|x| x.map(|rec| rec.iter().map(String::from).collect()))
            .collect::<Result<Vec<Vec<String>>, _>>()
            .map_err(|e| format!("{}/runs.csv: {e}", dir.display()))?;
        Ok(Forecasts {
            manifest,
            aggs,
            header,
            rows,
        })
    }

    fn column(&self, name: &str) -> Option<Vec<Option<f64>>> {
        let c = self.header.iter().position(|h| h == name)?;
        Some(
            self.rows
                .iter()
                .map(|r| r.get(c).and_then(|x| x.parse::<f64>().ok()))
                .collect(),
        )
    }

    fn runs(&self) -> usize {
        self.rows.len()
    }
}

fn binary_row(o: &Observation, p: f64, n: usize) -> ScoreRow {
    let y = o.measured.point() >= 0.5;
    let lo = 0.5 / n.max(1) as f64;
    ScoreRow {
        observation: o.id.clone(),
        month: o.month.clone(),
        indicator: o.indicator.clone(),
        entity: o.entity.clone(),
        kind: "binary".into(),
        observed: f64::from(u8::from(y)),
        forecast: p,
        p05: None,
        p50: None,
        p95: None,
        brier: Some(brier(p, y)),
        log_score: Some(log_score(p.clamp(lo, 1.0 - lo), y)),
        crps: None,
        pit: None,
        in_50: None,
        in_90: None,
        forecast_from: "share".into(),
        source: o.source.clone(),
    }
}

fn numeric_row(
    o: &Observation,
    q: &dyn Fn(f64) -> f64,
    mean: f64,
    crps: f64,
    pit: f64,
    from: &str,
) -> ScoreRow {
    let y = o.measured.point();
    ScoreRow {
        observation: o.id.clone(),
        month: o.month.clone(),
        indicator: o.indicator.clone(),
        entity: o.entity.clone(),
        kind: "numeric".into(),
        observed: y,
        forecast: mean,
        p05: Some(q(0.05)),
        p50: Some(q(0.5)),
        p95: Some(q(0.95)),
        brier: None,
        log_score: None,
        crps: Some(crps),
        pit: Some(pit),
        in_50: Some(score::covered(q, 0.5, y)),
        in_90: Some(score::covered(q, 0.9, y)),
        forecast_from: from.into(),
        source: o.source.clone(),
    }
}

/// Scores each observation dated after `after` (all when `None`) against the folder's forecasts, in
/// the observations' order. An observation the folder cannot forecast (a series it did not record, a
/// month outside its run, `phase_reached` without a `PhaseMonth` outcome) is an error naming it.
pub fn score_all(
    f: &Forecasts,
    observations: &[Observation],
    after: Option<&str>,
) -> Result<Vec<ScoreRow>, String> {
    let start = &f.manifest.scenario.start;
    let horizon = f.manifest.scenario.horizon;
    let cut = match after {
        Some(a) => Some(
            month_offset(start, a).ok_or_else(|| format!("--after {a:?}: expected \"YYYY-MM\""))?,
        ),
        None => None,
    };
    let n = f.runs();
    if n == 0 {
        return Err("the run folder has no runs".into());
    }
    let mut out = Vec::new();
    for o in observations {
        let off = month_offset(start, &o.month)
            .ok_or_else(|| format!("observation `{}`: bad month {:?}", o.id, o.month))?;
        if cut.is_some_and(|c| off <= c) {
            continue;
        }
        let tick = off + 1;
        if tick < 1 || tick > horizon as i64 {
            return Err(format!(
                "observation `{}` ({}) is outside the forecast, which covers {} to {}",
                o.id,
                o.month,
                start,
                crate::scenario::schema::tick_date(start, horizon.saturating_sub(1))
            ));
        }
        let tick = tick as u32;
        let row = match o.indicator.as_str() {
            PHASE_REACHED => {
                let id = f
                    .manifest
                    .outcomes
                    .iter()
                    .find(|x| x.kind["PhaseMonth"]["phase"].as_str() == Some(o.entity.as_str()))
                    .map(|x| x.id.clone())
                    .ok_or_else(|| {
                        format!(
                            "observation `{}`: scoring `phase_reached` of `{}` needs a PhaseMonth outcome for that phase in the forecast's scenario",
                            o.id, o.entity
                        )
                    })?;
                let col = f.column(&id).unwrap_or_default();
                let hits = col
                    .iter()
                    .filter(|v| v.is_some_and(|m| m <= f64::from(tick)))
                    .count();
                binary_row(o, hits as f64 / n as f64, n)
            }
            OUTCOME => {
                let info = f
                    .manifest
                    .outcomes
                    .iter()
                    .find(|x| x.id == o.entity)
                    .ok_or_else(|| {
                        format!(
                            "observation `{}`: the forecast has no outcome `{}`",
                            o.id, o.entity
                        )
                    })?;
                let col = f.column(&o.entity).unwrap_or_default();
                if info.is_binary() {
                    let hits = col.iter().filter(|v| v.is_some_and(|x| x != 0.0)).count();
                    binary_row(o, hits as f64 / n as f64, n)
                } else {
                    let mut xs: Vec<f64> = col.into_iter().flatten().collect();
                    if xs.is_empty() {
                        return Err(format!(
                            "observation `{}`: no run has a value of `{}`",
                            o.id, o.entity
                        ));
                    }
                    xs.sort_by(f64::total_cmp);
                    let y = o.measured.point();
                    let q = |t: f64| score::quantile_sorted(&xs, t);
                    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                    numeric_row(
                        o,
                        &q,
                        mean,
                        crps_ensemble(&xs, y),
                        pit_ensemble(&xs, y),
                        "runs",
                    )
                }
            }
            ind => {
                let key = f
                    .manifest
                    .series
                    .iter()
                    .position(|k| k.indicator == ind && k.entity == o.entity)
                    .ok_or_else(|| {
                        format!(
                            "observation `{}`: the forecast did not record series `{ind}` `{}`",
                            o.id, o.entity
                        )
                    })?;
                let cell = f.aggs.cell(tick, key);
                let mean = cell.mean().unwrap_or(f64::NAN);
                if ind == "phase" {
                    binary_row(o, mean, n)
                } else {
                    let y = o.measured.point();
                    let sd = cell.sd().unwrap_or(0.0);
                    // The sketch resolves values to SKETCH_ALPHA relative: too coarse when the spread
                    // across runs is small next to the value (GDP in billions, say).
                    let resolution = 2.0 * SKETCH_ALPHA * mean.abs();
                    if sd > 0.0 && resolution > NORMAL_BELOW * sd {
                        let q = |t: f64| mean + sd * norm_ppf(t.clamp(1e-12, 1.0 - 1e-12));
                        numeric_row(
                            o,
                            &q,
                            mean,
                            score::crps_normal(mean, sd, y),
                            norm_cdf((y - mean) / sd),
                            "normal",
                        )
                    } else {
                        let q = |t: f64| cell.quantile(t).unwrap_or(f64::NAN);
                        numeric_row(
                            o,
                            &q,
                            mean,
                            score::crps_quantiles(&q, QUANTILE_LEVELS, y),
                            score::pit_quantiles(&q, y),
                            "sketch",
                        )
                    }
                }
            }
        };
        out.push(row);
    }
    Ok(out)
}
