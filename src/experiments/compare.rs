//! `crossroads compare`: several scenarios on common random numbers, outcome by outcome.
//!
//! Run `i` of every scenario draws from the streams of `(seed, i)` (DESIGN §4), so run `i` of the
//! reference (the first scenario) is paired with run `i` of each other. [`MultiSim`] runs all
//! scenarios of one run index inside one batch run, so the pairs arrive together in run order and
//! [`Comparison::fold`] keeps only counts and exact moments: memory is flat in the number of runs.
//! Output folders written by `crossroads run` are read row by row ([`FolderRuns`]) in step.
//!
//! Each scenario's recorded series are folded across runs like a batch's ([`SeriesFold`], the batch's
//! streaming aggregates: memory flat in runs) and written as compare's series.csv ([`series_csv`]),
//! one block of rows per scenario with a leading `scenario` column; a folder input contributes its
//! own series.csv. The charts and report.html are drawn from the written files alone
//! (`report::compare::plot_compare_folder`).
//!
//! Statistics (other scenario minus reference, 95%, z = 1.96):
//! - binary value: proportion with the Wilson score interval;
//! - binary paired difference: `(n01 − n10)/n` with the Wald interval on the paired (McNemar-type)
//!   variance `((n01 + n10)/n − (n01 − n10)²/n²)/n` over the discordant pairs (Fleiss, Levin & Paik,
//!   *Statistical Methods for Rates and Proportions*, 3rd ed., §13.1; Newcombe 1998, *Stat. Med.* 17,
//!   method 1). With no discordant pairs it is exactly `[0, 0]`;
//! - binary unpaired difference (for comparison): Newcombe's hybrid score interval from the two Wilson
//!   intervals (Newcombe 1998, *Stat. Med.* 17:873, method 10);
//! - numeric value: mean ± z·sd/√n over the runs with a value;
//! - numeric paired difference: mean of the per-run differences ± z·sd_d/√n (runs where both have a
//!   value); unpaired: difference of means ± z·√(sd₁²/n₁ + sd₂²/n₂) (Welch, normal quantile).

use crate::batch::{Aggregates, Simulate};
use crate::model::{self, ModelError, OutcomeValue, RunOptions, RunOutput, SeriesKey};
pub use crate::outputs::compare::{CompareManifest, InputInfo, Row, csv_bytes};
use crate::outputs::export::{Export, SERIES_COLUMNS, SeriesCsv};
use crate::outputs::manifest::{Manifest, OutcomeInfo, ScenarioInfo, SeriesInfo, Status};
use crate::scenario::Resolved;
use crate::stats::{BinaryCount, Moments, Z95, wilson};
use std::path::{Path, PathBuf};

/// Runs every scenario of a comparison for one run index. The outcomes are concatenated in scenario
/// order, and so are the recorded series (each scenario's `ticks × keys` block, row-major).
pub struct MultiSim<'a> {
    scenarios: Vec<&'a Resolved>,
    /// Per scenario: its series layout and rows per run (horizon + 1).
    layouts: Vec<(Vec<SeriesKey>, u32)>,
    /// One blank key per value a run records over all scenarios. The batch checks that a run
    /// recorded `ticks() × layout().len()` values; with `ticks()` 1 this is the concatenation's length
    /// (the scenarios' horizons may differ, so there is no common `ticks × keys` shape).
    flat: Vec<SeriesKey>,
    /// `compare --posterior`: per scenario, the posterior draw it runs with (`None`: its priors).
    posterior: Vec<Option<super::posterior::PosteriorSim<'a>>>,
}

/// One scenario's part of a [`MultiSim`] run.
pub struct Part<'o> {
    pub outcomes: &'o [OutcomeValue],
    /// Row-major `ticks × keys`, as [`RunOutput::series`] of that scenario alone.
    pub series: &'o [f64],
}

impl<'a> MultiSim<'a> {
    pub fn new(scenarios: Vec<&'a Resolved>) -> Self {
        let layouts: Vec<(Vec<SeriesKey>, u32)> = scenarios
            .iter()
            .map(|r| {
                (
                    model::series_layout(&r.scenario),
                    r.scenario.run.horizon + 1,
                )
            })
            .collect();
        let total: usize = layouts
            .iter()
            .map(|(keys, ticks)| keys.len() * *ticks as usize)
            .sum();
        let blank = SeriesKey {
            indicator: String::new(),
            entity: String::new(),
        };
        MultiSim {
            scenarios,
            layouts,
            flat: vec![blank; total],
            posterior: Vec::new(),
        }
    }

    /// Runs scenario `k` with `sims[k]` when it is `Some` (`compare --posterior`,
    /// [`super::posterior::for_compare`]).
    pub fn with_posterior(mut self, sims: Vec<Option<super::posterior::PosteriorSim<'a>>>) -> Self {
        self.posterior = sims;
        self
    }

    /// Series layout and rows per run of scenario `k` (in the order given to [`MultiSim::new`]).
    pub fn layout_of(&self, k: usize) -> (&[SeriesKey], u32) {
        let (keys, ticks) = &self.layouts[k];
        (keys, *ticks)
    }

    /// Splits a run's concatenated outcomes and series back into one part per scenario.
    pub fn split<'o>(&self, out: &'o RunOutput) -> Vec<Part<'o>> {
        let mut at = 0;
        let mut sat = 0;
        self.scenarios
            .iter()
            .zip(&self.layouts)
            .map(|(r, (keys, ticks))| {
                let n = r.scenario.outcomes.len().min(out.outcomes.len() - at);
                let outcomes = &out.outcomes[at..at + n];
                at += n;
                let m = (keys.len() * *ticks as usize).min(out.series.len() - sat);
                let series = &out.series[sat..sat + m];
                sat += m;
                Part { outcomes, series }
            })
            .collect()
    }
}

impl Simulate for MultiSim<'_> {
    fn layout(&self) -> &[SeriesKey] {
        &self.flat
    }
    fn ticks(&self) -> u32 {
        1
    }
    fn run(&self, seed: u64, run: u64, opts: &RunOptions) -> Result<RunOutput, ModelError> {
        self.run_until(seed, run, opts, &|| false)
            .map(Option::unwrap_or_default)
    }
    fn run_until(
        &self,
        seed: u64,
        run: u64,
        opts: &RunOptions,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<RunOutput>, ModelError> {
        let mut all = RunOutput::default();
        all.series.reserve(self.flat.len());
        for (k, (r, (keys, ticks))) in self.scenarios.iter().zip(&self.layouts).enumerate() {
            // A failure or panic names its scenario (`<path>: ...`), so the report can say which one
            // to trace.
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                match self.posterior.get(k) {
                    Some(Some(p)) => p.run_until(seed, run, opts, stop),
                    _ => model::run_one_until(r, seed, run, opts, stop),
                }
            }))
            .unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(non-string panic payload)".into());
                std::panic::resume_unwind(Box::new(format!("{}: {msg}", r.path)))
            })
            .map_err(|e| ModelError(format!("{}: {}", r.path, e.0)))?;
            let Some(out) = out else {
                return Ok(None);
            };
            let want = keys.len() * *ticks as usize;
            if out.series.len() != want {
                return Err(ModelError(format!(
                    "{}: the run recorded {} series values, expected {want}",
                    r.path,
                    out.series.len()
                )));
            }
            all.outcomes.extend(out.outcomes);
            all.series.extend(out.series);
        }
        Ok(Some(all))
    }
}

/// One scenario's series folded across runs with the batch's streaming aggregates
/// ([`Aggregates`]: exact moments and a quantile sketch per tick × key), so its rows are exactly
/// the series.csv `crossroads run` writes for the same runs.
pub struct SeriesFold {
    aggs: Aggregates,
    /// Only `scenario.start` and `series` are used (by [`SeriesCsv`]).
    manifest: Manifest,
}

impl SeriesFold {
    /// Empty aggregates for a scenario starting at `start` (`YYYY-MM`) recording `keys` over `ticks`
    /// rows per run.
    pub fn new(start: &str, keys: &[SeriesKey], ticks: u32) -> SeriesFold {
        let mut manifest = crate::outputs::folder::template(
            ScenarioInfo {
                path: String::new(),
                sha256: String::new(),
                name: String::new(),
                description: String::new(),
                start: start.to_string(),
                horizon: ticks.saturating_sub(1),
            },
            vec![],
            0,
            0,
            None,
            1,
            false,
            vec![],
            vec![],
            vec![],
        );
        manifest.series = keys
            .iter()
            .map(|k| SeriesInfo {
                indicator: k.indicator.clone(),
                entity: k.entity.clone(),
            })
            .collect();
        SeriesFold {
            aggs: Aggregates::new(0, ticks, keys.len(), &[], 0),
            manifest,
        }
    }

    /// Folds the next run's series (row-major `ticks × keys`).
    pub fn fold(&mut self, run: u64, series: &[f64]) -> Result<(), String> {
        let out = RunOutput {
            series: series.to_vec(),
            ..RunOutput::default()
        };
        self.aggs.fold(run, &out)
    }

    /// The rows as `crossroads run` writes them in series.csv (with its header).
    pub fn csv(&self) -> Vec<u8> {
        SeriesCsv {
            aggs: &self.aggs,
            manifest: &self.manifest,
        }
        .bytes()
    }
}

/// compare's series.csv: `scenario` then the columns of a batch's series.csv, one block of rows per
/// scenario in input order. `parts` are (scenario name, that scenario's series.csv bytes: a header
/// with exactly the batch columns, then rows).
pub fn series_csv(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let io = |e: csv::Error| format!("series.csv: {e}");
    let mut header = vec!["scenario"];
    header.extend(SERIES_COLUMNS);
    w.write_record(&header).map_err(io)?;
    for (name, bytes) in parts {
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        check_series_header(
            r.headers()
                .map_err(|e| format!("{name}: series.csv: {e}"))?,
        )
        .map_err(|e| format!("{name}: series.csv: {e}"))?;
        for rec in r.records() {
            let rec = rec.map_err(|e| format!("{name}: series.csv: {e}"))?;
            w.write_field(name).map_err(io)?;
            w.write_record(&rec).map_err(io)?;
        }
    }
    w.into_inner().map_err(|e| format!("series.csv: {e}"))
}

fn check_series_header(h: &csv::StringRecord) -> Result<(), String> {
    if h.iter().eq(SERIES_COLUMNS) {
        Ok(())
    } else {
        Err(format!(
            "unexpected columns {:?}, expected {}",
            h.iter().collect::<Vec<_>>().join(","),
            SERIES_COLUMNS.join(",")
        ))
    }
}

/// An output folder's runs.csv read row by row, in step with the other inputs.
pub struct FolderRuns {
    pub manifest: Manifest,
    /// scenario.ron's SHA-256 as recorded in the manifest.
    reader: csv::Reader<std::fs::File>,
    /// Column of each manifest outcome in runs.csv.
    cols: Vec<usize>,
    path: String,
    record: csv::StringRecord,
    /// The folder's series.csv (checked at open, read when the comparison writes its own).
    series: PathBuf,
}

impl FolderRuns {
    /// Opens a complete, unsharded output folder.
    pub fn open(dir: &Path) -> Result<FolderRuns, String> {
        let path = dir.display().to_string();
        let manifest = match crate::outputs::read::manifest(dir).map_err(|e| e.to_string())? {
            crate::outputs::read::Manifest::Batch(m) => m,
            other => {
                return Err(other
                    .wrong_kind(
                        &dir.join("manifest.json"),
                        crate::outputs::FolderKind::Batch,
                    )
                    .to_string());
            }
        };
        if manifest.status != Status::Complete {
            return Err(format!(
                "{path}: batch status is {}, expected complete",
                manifest.status.as_str()
            ));
        }
        if manifest.range() != (0, manifest.runs) {
            return Err(format!(
                "{path}: a shard folder; merge the shards first (crossroads merge)"
            ));
        }
        let mut reader = csv::Reader::from_path(dir.join("runs.csv"))
            .map_err(|e| format!("{path}/runs.csv: {e}"))?;
        let header = reader
            .headers()
            .map_err(|e| format!("{path}/runs.csv: {e}"))?
            .clone();
        if header.get(0) != Some("run") {
            return Err(format!("{path}/runs.csv: the first column is not `run`"));
        }
        let cols = manifest
            .outcomes
            .iter()
            .map(|o| {
                header
                    .iter()
                    .collect::<Vec<_>>()
                    .iter()
                    .rposition(|h| *h == o.id)
                    .ok_or_else(|| format!("{path}/runs.csv: no column for outcome {}", o.id))
            })
            .collect::<Result<_, _>>()?;
        let series = dir.join("series.csv");
        let mut sr =
            csv::Reader::from_path(&series).map_err(|e| format!("{path}/series.csv: {e}"))?;
        check_series_header(
            sr.headers()
                .map_err(|e| format!("{path}/series.csv: {e}"))?,
        )
        .map_err(|e| format!("{path}/series.csv: {e}"))?;
        Ok(FolderRuns {
            manifest,
            reader,
            cols,
            path,
            record: csv::StringRecord::new(),
            series,
        })
    }

    /// The bytes of the folder's series.csv (aggregated over all its runs).
    pub fn series_csv(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.series).map_err(|e| format!("{}: {e}", self.series.display()))
    }

    /// The outcomes of the next row, which must be run `run`.
    pub fn next(&mut self, run: u64) -> Result<Vec<OutcomeValue>, String> {
        let p = &self.path;
        let more = self
            .reader
            .read_record(&mut self.record)
            .map_err(|e| format!("{p}/runs.csv: {e}"))?;
        if !more {
            return Err(format!("{p}/runs.csv: no row for run {run}"));
        }
        let got = self.record.get(0).unwrap_or("");
        if got != run.to_string() {
            return Err(format!(
                "{p}/runs.csv: expected run {run}, found run {got:?}"
            ));
        }
        self.manifest
            .outcomes
            .iter()
            .zip(&self.cols)
            .map(|(o, &c)| {
                let cell = self.record.get(c).unwrap_or("");
                if o.is_binary() {
                    Ok(OutcomeValue::Bool(cell == "1"))
                } else if cell.is_empty() {
                    Ok(OutcomeValue::Num(None))
                } else {
                    cell.parse::<f64>()
                        .map(|x| OutcomeValue::Num(Some(x)))
                        .map_err(|_| {
                            format!("{p}/runs.csv: run {run}, {}: bad number {cell:?}", o.id)
                        })
                }
            })
            .collect()
    }
}

fn as_bool(v: &OutcomeValue) -> bool {
    match *v {
        OutcomeValue::Bool(b) => b,
        OutcomeValue::Num(x) => x.is_some_and(|x| x != 0.0),
    }
}

fn as_num(v: &OutcomeValue) -> Option<f64> {
    match *v {
        OutcomeValue::Bool(b) => Some(b as u8 as f64),
        OutcomeValue::Num(x) => x.filter(|x| x.is_finite()),
    }
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // a handful per outcome
enum Acc {
    Binary {
        own: BinaryCount,
        /// Pairs (reference, this): n11, n10, n01, n00.
        pairs: [u64; 4],
    },
    Numeric {
        own: Moments,
        /// Per-run differences (this − reference) where both have a value.
        diff: Moments,
    },
}

/// Paired comparison of outcomes, folded run by run.
#[derive(Debug, Clone)]
pub struct Comparison {
    names: Vec<String>,
    outcomes: Vec<OutcomeInfo>,
    /// `[scenario][reference outcome]`: the index of the matching outcome in that scenario.
    index: Vec<Vec<Option<usize>>>,
    acc: Vec<Vec<Acc>>,
    runs: u64,
}

impl Comparison {
    /// `inputs`: (scenario name, its outcomes); the first is the reference. Outcomes are matched by id
    /// and type; the reference's outcomes without a match in a scenario are left out for it.
    pub fn new(inputs: &[(String, Vec<OutcomeInfo>)]) -> Comparison {
        let outcomes = inputs.first().map(|i| i.1.clone()).unwrap_or_default();
        let index: Vec<Vec<Option<usize>>> = inputs
            .iter()
            .map(|(_, os)| {
                outcomes
                    .iter()
                    .map(|r| {
                        os.iter()
                            .position(|o| o.id == r.id && o.kind_type == r.kind_type)
                    })
                    .collect()
            })
            .collect();
        let acc = inputs
            .iter()
            .map(|_| {
                outcomes
                    .iter()
                    .map(|o| {
                        if o.is_binary() {
                            Acc::Binary {
                                own: BinaryCount::new(),
                                pairs: [0; 4],
                            }
                        } else {
                            Acc::Numeric {
                                own: Moments::new(),
                                diff: Moments::new(),
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        Comparison {
            names: inputs.iter().map(|i| i.0.clone()).collect(),
            outcomes,
            index,
            acc,
            runs: 0,
        }
    }

    /// Outcomes of the reference that some scenario lacks, as `(scenario, outcome id)`.
    pub fn unmatched(&self) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for (k, idx) in self.index.iter().enumerate() {
            for (j, i) in idx.iter().enumerate() {
                if i.is_none() {
                    v.push((self.names[k].clone(), self.outcomes[j].id.clone()));
                }
            }
        }
        v
    }

    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Folds one run: `values[k]` are scenario `k`'s outcomes in its own order.
    pub fn fold(&mut self, values: &[&[OutcomeValue]]) {
        self.runs += 1;
        for j in 0..self.outcomes.len() {
            let r = self.index[0][j].and_then(|i| values[0].get(i));
            for (k, vals) in values.iter().enumerate().take(self.names.len()) {
                let Some(v) = self.index[k][j].and_then(|i| vals.get(i)) else {
                    continue;
                };
                match &mut self.acc[k][j] {
                    Acc::Binary { own, pairs } => {
                        let b = as_bool(v);
                        own.add(b);
                        if let Some(r) = r {
                            let a = as_bool(r);
                            pairs[match (a, b) {
                                (true, true) => 0,
                                (true, false) => 1,
                                (false, true) => 2,
                                (false, false) => 3,
                            }] += 1;
                        }
                    }
                    Acc::Numeric { own, diff } => {
                        let x = as_num(v);
                        if let Some(x) = x {
                            own.add(x);
                        }
                        if let (Some(x), Some(y)) = (x, r.and_then(as_num)) {
                            diff.add(x - y);
                        }
                    }
                }
            }
        }
    }

    /// Every (scenario, outcome) row, outcome by outcome, the reference first.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for (j, o) in self.outcomes.iter().enumerate() {
            for k in 0..self.names.len() {
                if self.index[k][j].is_none() {
                    continue;
                }
                let mut row = Row {
                    scenario: self.names[k].clone(),
                    outcome: o.id.clone(),
                    label: o.label.clone(),
                    units: o.units.clone(),
                    kind: o.kind_type.clone(),
                    n: 0,
                    value: None,
                    ci_low: None,
                    ci_high: None,
                    diff: None,
                    diff_low: None,
                    diff_high: None,
                    unpaired_low: None,
                    unpaired_high: None,
                    distinguishable: None,
                    discordant: None,
                };
                match (&self.acc[k][j], &self.acc[0][j]) {
                    (Acc::Binary { own, pairs }, Acc::Binary { own: refc, .. }) => {
                        row.n = own.n;
                        if own.n > 0 {
                            let (lo, hi) = own.wilson95();
                            row.value = own.probability();
                            row.ci_low = Some(lo);
                            row.ci_high = Some(hi);
                        }
                        if k > 0 {
                            let n = pairs.iter().sum::<u64>();
                            row.discordant = Some([pairs[1], pairs[2]]);
                            if let Some((d, lo, hi)) = paired_proportions(pairs[1], pairs[2], n) {
                                row.diff = Some(d);
                                row.diff_low = Some(lo);
                                row.diff_high = Some(hi);
                            }
                            if let Some((lo, hi)) = newcombe_unpaired(refc, own) {
                                row.unpaired_low = Some(lo);
                                row.unpaired_high = Some(hi);
                            }
                        }
                    }
                    (Acc::Numeric { own, diff }, Acc::Numeric { own: refm, .. }) => {
                        row.n = own.n;
                        if let Some((m, lo, hi)) = mean_interval(own) {
                            row.value = Some(m);
                            row.ci_low = lo;
                            row.ci_high = hi;
                        }
                        if k > 0 {
                            if let Some((d, lo, hi)) = mean_interval(diff) {
                                row.diff = Some(d);
                                row.diff_low = lo;
                                row.diff_high = hi;
                            }
                            if let (Some(a), Some(b), true) =
                                (own.mean(), refm.mean(), own.n >= 2 && refm.n >= 2)
                            {
                                let se = (own.variance() / own.n as f64
                                    + refm.variance() / refm.n as f64)
                                    .sqrt();
                                row.unpaired_low = Some(a - b - Z95 * se);
                                row.unpaired_high = Some(a - b + Z95 * se);
                            }
                        }
                    }
                    _ => {}
                }
                if k > 0 {
                    row.distinguishable = match (row.diff_low, row.diff_high) {
                        (Some(lo), Some(hi)) => Some(lo > 0.0 || hi < 0.0),
                        _ => None,
                    };
                }
                rows.push(row);
            }
        }
        rows
    }
}

/// Mean with `mean ± z·sd/√n` (the interval needs n ≥ 2).
fn mean_interval(m: &Moments) -> Option<(f64, Option<f64>, Option<f64>)> {
    let mean = m.mean()?;
    if m.n < 2 {
        return Some((mean, None, None));
    }
    let half = Z95 * m.sd() / (m.n as f64).sqrt();
    Some((mean, Some(mean - half), Some(mean + half)))
}

/// Paired difference of proportions `(n01 − n10)/n` (second minus first) with the Wald interval on
/// the McNemar-type variance; `n10`, `n01` are the discordant pairs. Clamped to [−1, 1].
pub fn paired_proportions(n10: u64, n01: u64, n: u64) -> Option<(f64, f64, f64)> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let (b, c) = (n10 as f64, n01 as f64);
    let d = (c - b) / nf;
    let var = (((b + c) / nf) - (c - b) * (c - b) / (nf * nf)).max(0.0) / nf;
    let half = Z95 * var.sqrt();
    Some((d, (d - half).max(-1.0), (d + half).min(1.0)))
}

/// Newcombe's hybrid score interval (method 10) for `p2 − p1` of independent proportions.
pub fn newcombe_unpaired(first: &BinaryCount, second: &BinaryCount) -> Option<(f64, f64)> {
    let p1 = first.probability()?;
    let p2 = second.probability()?;
    let (l1, u1) = wilson(first.successes, first.n, Z95);
    let (l2, u2) = wilson(second.successes, second.n, Z95);
    let d = p2 - p1;
    let lo = d - ((p2 - l2).powi(2) + (u1 - p1).powi(2)).sqrt();
    let hi = d + ((u2 - p2).powi(2) + (p1 - l1).powi(2)).sqrt();
    Some((lo, hi))
}

/// compare.json: the rows with the method used.
pub fn json_bytes(m: &CompareManifest, rows: &[Row]) -> Vec<u8> {
    let v = serde_json::json!({
        "reference": m.scenarios.first().map(|s| s.name.clone()),
        "seed": m.seed,
        "runs": m.completed_runs,
        "level": 0.95,
        "method": {
            "binary_value": "Wilson score interval",
            "binary_paired_difference": "Wald interval with the paired (McNemar-type) variance ((b + c)/n - (b - c)^2/n^2)/n over discordant pairs b, c (Fleiss, Levin & Paik 2003, 13.1; Newcombe 1998 method 1)",
            "binary_unpaired_difference": "Newcombe hybrid score interval for independent proportions (Newcombe 1998, method 10)",
            "numeric_value": "mean +/- 1.96 sd / sqrt(n)",
            "numeric_paired_difference": "mean of per-run differences +/- 1.96 sd_d / sqrt(n)",
            "numeric_unpaired_difference": "difference of means +/- 1.96 sqrt(sd1^2/n1 + sd2^2/n2)"
        },
        "rows": rows,
    });
    crate::outputs::export::json_bytes(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_interval_known_values() {
        // No discordant pairs: exactly zero.
        assert_eq!(paired_proportions(0, 0, 100), Some((0.0, 0.0, 0.0)));
        // b = 5, c = 15, n = 100: d = 0.1, var = (0.2 - 0.01)/100.
        let (d, lo, hi) = paired_proportions(5, 15, 100).unwrap();
        let half = Z95 * (0.19f64 / 100.0).sqrt();
        assert!((d - 0.1).abs() < 1e-15);
        assert!((lo - (0.1 - half)).abs() < 1e-12 && (hi - (0.1 + half)).abs() < 1e-12);
    }

    #[test]
    fn series_csv_prefixes_each_scenarios_rows_and_checks_columns() {
        let key = |e: &str| SeriesKey {
            indicator: "tension".into(),
            entity: e.into(),
        };
        let mut a = SeriesFold::new("2026-11", &[key("region")], 3);
        for run in 0..4 {
            a.fold(run, &[0.1, 0.2, 0.5 + run as f64]).unwrap();
        }
        assert!(a.fold(7, &[0.0; 3]).is_err(), "runs are folded in order");
        let own = a.csv();
        let text = String::from_utf8(own.clone()).unwrap();
        assert!(text.contains("\n2,2026-12,tension,region,2,"), "{text}");
        let both = series_csv(&[("a".into(), own.clone()), ("b, c".into(), own)]).unwrap();
        let lines: Vec<&str> = std::str::from_utf8(&both).unwrap().lines().collect();
        assert_eq!(lines.len(), 1 + 2 * 3);
        assert!(lines[0].starts_with("scenario,tick,date,"));
        assert!(lines[1].starts_with("a,0,2026-10,tension,region,0.1,"));
        assert!(lines[4].starts_with("\"b, c\",0,2026-10,"));
        let bad = series_csv(&[("x".into(), b"tick,value\n0,1\n".to_vec())]).unwrap_err();
        assert!(bad.contains("x: series.csv: unexpected columns"), "{bad}");
    }

    #[test]
    fn newcombe_unpaired_known_values() {
        // Newcombe (1998) example: 56/70 vs 48/80, difference 0.2 with 95% CI (0.0524, 0.3339).
        let a = BinaryCount {
            successes: 48,
            n: 80,
        };
        let b = BinaryCount {
            successes: 56,
            n: 70,
        };
        let (lo, hi) = newcombe_unpaired(&a, &b).unwrap();
        assert!(
            (lo - 0.0524).abs() < 1e-4 && (hi - 0.3339).abs() < 1e-4,
            "{lo} {hi}"
        );
    }
}
