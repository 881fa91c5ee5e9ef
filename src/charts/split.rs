//! Fan charts split by an outcome, from per-run trajectories (runs_series.csv, written with
//! `record.per_run` or `run --per-run-series`): for each recorded series (up to nine panels), the
//! runs in which a binary outcome happened against those in which it did not, each as a median line
//! with its middle-50% band, so "runs where the treaty was signed" can be read against the rest.
//!
//! The outcome is the manifest's `split_by` (`run --split-by OUTCOME`) when it names a binary
//! outcome that both happened and did not; otherwise the first binary outcome of the manifest that
//! happened in between 5% and 95% of the runs (so both groups have runs). Quantiles are exact order statistics of the group's values
//! (the rank rule of series.csv).

use super::data::OutputData;
use super::fans::{panel_grid, panel_month_keys, put_panel_title, time_panel};
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::HashMap;

const PANELS: usize = 9;

/// One panel: per group (happened, not), per tick, `(p25, p50, p75)`.
type Bands = [Vec<Option<(f64, f64, f64)>>; 2];

pub fn charts(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    let per_run = &data.manifest.per_run_series;
    let path = data.dir.join("runs_series.csv");
    if per_run.is_empty() || !path.is_file() {
        return Ok(Vec::new());
    }
    let n = data.n_runs().max(1) as f64;
    let Some((outcome, flags)) = data
        .manifest
        .outcomes
        .iter()
        .filter(|o| o.is_binary())
        .filter(|o| {
            data.manifest
                .split_by
                .as_ref()
                .is_none_or(|chosen| *chosen == o.id)
        })
        .find_map(|o| {
            let col = data.runs.column(&o.id)?;
            let runs = data.runs.column("run")?;
            let hits = col.iter().filter(|v| v.is_some_and(|x| x >= 0.5)).count() as f64;
            let both = if data.manifest.split_by.is_some() {
                hits > 0.0 && hits < n
            } else {
                (0.05..=0.95).contains(&(hits / n))
            };
            both.then(|| {
                let flags: HashMap<u64, bool> = runs
                    .iter()
                    .zip(col)
                    .filter_map(|(r, v)| Some((r.map(|r| r as u64)?, v.is_some_and(|x| x >= 0.5))))
                    .collect();
                (o, flags)
            })
        })
    else {
        return Ok(Vec::new());
    };
    let keys: Vec<(String, String)> = per_run
        .iter()
        .take(PANELS)
        .map(|k| (k.indicator.clone(), k.entity.clone()))
        .collect();
    let ticks = data.manifest.scenario.horizon as usize + 1;
    // values[key][group][tick]
    let mut values: Vec<[Vec<Vec<f64>>; 2]> = keys
        .iter()
        .map(|_| [vec![Vec::new(); ticks], vec![Vec::new(); ticks]])
        .collect();
    let bad = |e: csv::Error| ChartError::Invalid(format!("{}: {e}", path.display()));
    let mut rd = csv::Reader::from_path(&path).map_err(bad)?;
    for rec in rd.records() {
        let rec = rec.map_err(bad)?;
        let (Some(run), Some(tick)) = (
            rec.get(0).and_then(|v| v.parse::<u64>().ok()),
            rec.get(1).and_then(|v| v.parse::<usize>().ok()),
        ) else {
            continue;
        };
        let Some(k) = keys
            .iter()
            .position(|(i, e)| rec.get(3) == Some(i.as_str()) && rec.get(4) == Some(e.as_str()))
        else {
            continue;
        };
        let Some(v) = rec
            .get(5)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
        else {
            continue;
        };
        let Some(&hit) = flags.get(&run) else {
            continue;
        };
        if tick < ticks {
            values[k][usize::from(!hit)][tick].push(v);
        }
    }
    let q = |v: &mut Vec<f64>| -> Option<(f64, f64, f64)> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let at = |p: f64| v[(p * (v.len() - 1) as f64).floor() as usize];
        Some((at(0.25), at(0.5), at(0.75)))
    };
    let names = data.names();
    // The indicator is named in a panel's title only when the panels show more than one.
    let several = keys.iter().any(|(i, _)| *i != keys[0].0);
    let mut panels = Vec::new();
    for ((ind, ent), mut vals) in keys.iter().zip(values) {
        let bands: Bands = [
            vals[0].iter_mut().map(q).collect(),
            vals[1].iter_mut().map(q).collect(),
        ];
        if bands.iter().all(|b| b.iter().all(Option::is_none)) {
            continue;
        }
        let name = names.entity(ind, ent);
        panels.push((
            if several {
                format!("{name} ({})", ind.replace('_', " "))
            } else {
                name
            },
            bands,
        ));
    }
    if panels.is_empty() {
        return Ok(Vec::new());
    }
    let hits = flags.values().filter(|&&h| h).count();
    let title = format!(
        "{}: trajectories split by {}",
        data.scenario_name(),
        quoted(outcome.title())
    );
    let d = Split {
        title: title.clone(),
        subtitle: format!(
            "Per-run series (runs_series.csv). Blue: the {hits} runs in which it happened; orange: \
             the {} in which it did not. Line: median; band: middle 50% of the group's runs. Each \
             panel has its own y axis.",
            flags.len() - hits
        ),
        footer: data.footer(),
        panels,
        max_tick: (ticks - 1) as u32,
        start: data.date_of_tick(0),
        dates: (0..ticks as i64).map(|t| data.date_of_tick(t)).collect(),
    };
    Ok(vec![render(
        "split_by_outcome",
        title,
        "The same series for the runs in which the outcome happened and for the others: where the \
         bands part, the trajectory tells the two groups apart (a correlation across runs, not a \
         cause).",
        (WIDTH, HEIGHT),
        &d,
    )?])
}

struct Split {
    title: String,
    subtitle: String,
    footer: String,
    panels: Vec<(String, Bands)>,
    max_tick: u32,
    start: String,
    dates: Vec<String>,
}

impl Draw for Split {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        let (areas, cols) = panel_grid(&body, self.panels.len());
        let keys = panel_month_keys(&self.start, self.max_tick, cols);
        for (k, ((title, bands), area)) in self.panels.iter().zip(areas.iter()).enumerate() {
            put_panel_title(root, area, title)?;
            let all = bands
                .iter()
                .flat_map(|b| b.iter().flatten())
                .flat_map(|&(a, _, c)| [a, c]);
            let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
            let pad = ((hi - lo) * 0.08).max(1e-6);
            let mut chart = time_panel(
                area,
                k % cols == 0,
                (self.max_tick as f64, &keys, &self.dates),
                (lo - pad, hi + pad),
                "",
            )?;
            let groups = [(0usize, C_BLUE), (1, C_ORANGE)];
            let pts = |g: usize| -> Vec<(usize, (f64, f64, f64))> {
                bands[g]
                    .iter()
                    .enumerate()
                    .filter_map(|(t, b)| b.map(|b| (t, b)))
                    .collect()
            };
            // Both bands first, then both medians on top: a band never tints the other group's line.
            for (g, colour) in groups {
                let pts = pts(g);
                let mut poly: Vec<(f64, f64)> = pts.iter().map(|(t, b)| (*t as f64, b.2)).collect();
                poly.extend(pts.iter().rev().map(|(t, b)| (*t as f64, b.0)));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        poly,
                        colour.mix(0.25).filled(),
                    )))
                    .d()?;
            }
            for (g, colour) in groups {
                chart
                    .draw_series(LineSeries::new(
                        pts(g).into_iter().map(|(t, b)| (t as f64, b.1)),
                        colour.stroke_width(3),
                    ))
                    .d()?;
            }
        }
        Ok(())
    }
}
