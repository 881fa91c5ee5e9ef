//! runs_series.csv: opt-in per-run trajectories (`record: (per_run: [...])` in the scenario, or
//! `run --per-run-series SEL`), one tidy long row per run, series and tick, streamed in run order like
//! runs.csv (so thread counts and shards give the same bytes, and `merge` concatenates the shards').
//!
//! A selector is `all` (every series), an indicator (`opinion`: every entity of it) or
//! `indicator:entity` (`opinion:armenia/peace_support`); [`select`] resolves selectors against the
//! scenario's series, in series order, each series once.

use super::OutputError;
use super::export::fmt_num;
use super::manifest::{Manifest, SeriesInfo};
use super::writer::Stream;
use crate::model::RunOutput;
use crate::scenario::schema::tick_month;

/// The columns of runs_series.csv.
pub const RUNS_SERIES_COLUMNS: [&str; 6] = ["run", "tick", "date", "indicator", "entity", "value"];

/// The series the selectors name, in the order of `series` (each once). A selector that names no
/// series is an error that lists what exists.
pub fn select(series: &[SeriesInfo], selectors: &[String]) -> Result<Vec<SeriesInfo>, String> {
    let mut keep = vec![false; series.len()];
    for sel in selectors {
        let sel = sel.trim();
        let (ind, ent) = match sel.split_once(':') {
            Some((i, e)) => (i.trim(), Some(e.trim())),
            None => (sel, None),
        };
        let mut hit = false;
        for (k, s) in series.iter().enumerate() {
            let m = sel == "all" || (s.indicator == ind && ent.is_none_or(|e| s.entity == e));
            if m {
                keep[k] = true;
                hit = true;
            }
        }
        if !hit {
            let mut inds: Vec<&str> = series.iter().map(|s| s.indicator.as_str()).collect();
            inds.dedup();
            let ents: Vec<&str> = series
                .iter()
                .filter(|s| s.indicator == ind)
                .map(|s| s.entity.as_str())
                .collect();
            return Err(if ents.is_empty() {
                format!(
                    "per-run series `{sel}`: no indicator `{ind}` (this scenario records: all, {})",
                    inds.join(", ")
                )
            } else {
                format!(
                    "per-run series `{sel}`: `{ind}` has no entity `{}` (it has: {})",
                    ent.unwrap_or_default(),
                    ents.join(", ")
                )
            });
        }
    }
    Ok(series
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(s, _)| s.clone())
        .collect())
}

/// runs_series.csv, streamed: `run, tick, date, indicator, entity, value`; per run, each selected
/// series (manifest `per_run_series` order) from tick 0 to the horizon. A non-finite value would be
/// an empty field (the model's series are finite).
pub struct RunsSeriesCsv {
    w: csv::Writer<Stream>,
    /// (column in a run's series row, indicator, entity).
    cols: Vec<(usize, String, String)>,
    width: usize,
    dates: Vec<String>,
}

impl RunsSeriesCsv {
    /// `ticks`: rows per run (horizon + 1). The manifest's `series` must be the run's layout.
    pub fn new(stream: Stream, m: &Manifest, ticks: u32) -> Result<RunsSeriesCsv, OutputError> {
        let path = stream.path().to_path_buf();
        let mut w = csv::Writer::from_writer(stream);
        w.write_record(RUNS_SERIES_COLUMNS)
            .map_err(|e| super::io_err(&path, std::io::Error::other(e.to_string())))?;
        let cols = m
            .per_run_series
            .iter()
            .filter_map(|p| {
                let k = m
                    .series
                    .iter()
                    .position(|s| s.indicator == p.indicator && s.entity == p.entity)?;
                Some((k, p.indicator.clone(), p.entity.clone()))
            })
            .collect();
        Ok(RunsSeriesCsv {
            w,
            cols,
            width: m.series.len(),
            dates: (0..ticks)
                .map(|t| tick_month(&m.scenario.start, t))
                .collect(),
        })
    }

    /// The rows of run `run`.
    pub fn rows(&mut self, run: u64, out: &RunOutput) -> Result<(), String> {
        let run = run.to_string();
        for (k, ind, ent) in &self.cols {
            for (t, date) in self.dates.iter().enumerate() {
                let v = out.series.get(t * self.width + k).copied();
                self.w
                    .write_record([run.as_str(), &t.to_string(), date, ind, ent, &fmt_num(v)])
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), OutputError> {
        let s = self
            .w
            .into_inner()
            .map_err(|e| OutputError::Io(e.to_string()))?;
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(i: &str, e: &str) -> SeriesInfo {
        SeriesInfo {
            indicator: i.into(),
            entity: e.into(),
        }
    }

    #[test]
    fn selectors_pick_series_in_order_once() {
        let s = vec![
            info("opinion", "a/x"),
            info("opinion", "b/x"),
            info("tension", "region"),
        ];
        let pick = |sels: &[&str]| {
            select(&s, &sels.iter().map(|x| x.to_string()).collect::<Vec<_>>())
                .map(|v| v.iter().map(|x| x.entity.clone()).collect::<Vec<_>>())
        };
        assert_eq!(
            pick(&["tension", "opinion:b/x"]).unwrap(),
            ["b/x", "region"]
        );
        assert_eq!(pick(&["opinion", "opinion:a/x"]).unwrap(), ["a/x", "b/x"]);
        assert_eq!(pick(&["all"]).unwrap().len(), 3);
        assert_eq!(pick(&[]).unwrap().len(), 0);
        let e = pick(&["opinon"]).unwrap_err();
        assert!(
            e.contains("no indicator `opinon`") && e.contains("opinion, tension"),
            "{e}"
        );
        let e = pick(&["opinion:c/x"]).unwrap_err();
        assert!(e.contains("it has: a/x, b/x"), "{e}");
    }
}
