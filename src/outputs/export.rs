//! Exporters: the bytes of each file of the output folder, as pure functions of the aggregates and the
//! manifest (so `merge` regenerates them identically). Numbers are written with Rust's shortest
//! round-trip formatting (`{}` for `f64`, `-0` as `0`); a missing or non-finite number is an empty CSV
//! field or a JSON `null`, never `NaN`.

use super::manifest::Manifest;
use super::writer::Stream;
use super::{OutputError, io_err};
use crate::batch::{
    Aggregates, OutcomeAgg, QUANTILES,
    aggregate::{binary_summary, pair_index},
};
use crate::model::{Event, OutcomeValue, RunOutput};
use crate::scenario::schema::tick_month;
use serde::{Deserialize, Serialize};

/// A whole file of the output folder as bytes.
pub trait Export {
    fn file_name(&self) -> &str;
    fn bytes(&self) -> Vec<u8>;
}

/// A CSV number: shortest round-trip decimal; empty when missing or not finite.
pub fn fmt_num(v: Option<f64>) -> String {
    match v {
        Some(0.0) => "0".into(), // also -0.0
        Some(x) if x.is_finite() => format!("{x}"),
        _ => String::new(),
    }
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Pretty JSON with a final newline: every JSON file of an output folder.
pub(crate) fn json_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).expect("serialising plain data cannot fail");
    b.push(b'\n');
    b
}

impl Export for Aggregates {
    fn file_name(&self) -> &str {
        "aggregates.json"
    }
    fn bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec(self).expect("serialising plain data cannot fail");
        b.push(b'\n');
        b
    }
}

impl Aggregates {
    /// Writes aggregates.json into `dir` as a stream: the bytes of [`Export::bytes`], never whole in
    /// memory (the file grows with the sketch buckets in use, so with the number of runs, while the
    /// aggregates themselves do not).
    pub fn write_to(&self, dir: &super::OutputDir) -> Result<(), OutputError> {
        use std::io::Write;
        let mut s = dir.stream(self.file_name())?;
        let path = s.path().to_path_buf();
        serde_json::to_writer(&mut s, self)
            .map_err(std::io::Error::from)
            .and_then(|_| s.write_all(b"\n"))
            .map_err(|e| io_err(&path, e))?;
        s.finish()
    }
}

/// scenario.ron: the resolved scenario text.
pub struct ScenarioRon<'a>(pub &'a str);

impl Export for ScenarioRon<'_> {
    fn file_name(&self) -> &str {
        "scenario.ron"
    }
    fn bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }
}

/// series.csv: one row per series (manifest order) and tick.
pub struct SeriesCsv<'a> {
    pub aggs: &'a Aggregates,
    pub manifest: &'a Manifest,
}

pub const SERIES_COLUMNS: [&str; 10] = [
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
];

impl Export for SeriesCsv<'_> {
    fn file_name(&self) -> &str {
        "series.csv"
    }
    fn bytes(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(SERIES_COLUMNS);
        let dates: Vec<String> = (0..self.aggs.ticks)
            .map(|t| tick_month(&self.manifest.scenario.start, t))
            .collect();
        for (k, key) in self.manifest.series.iter().enumerate().take(self.aggs.keys) {
            for (t, date) in dates.iter().enumerate() {
                let c = self.aggs.cell(t as u32, k);
                let mut rec = vec![
                    t.to_string(),
                    date.clone(),
                    key.indicator.clone(),
                    key.entity.clone(),
                    fmt_num(c.mean()),
                ];
                rec.extend(QUANTILES.iter().map(|(_, q)| fmt_num(c.quantile(*q))));
                let _ = w.write_record(&rec);
            }
        }
        w.into_inner().unwrap_or_default()
    }
}

/// A binary outcome in summary.json. (Reading, a field absent in an older folder defaults, as in
/// every summary.json type: `outputs::read` is lenient there.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BinarySummary {
    pub name: String,
    pub label: String,
    pub count: u64,
    pub n: u64,
    pub probability: Option<f64>,
    pub ci_low: f64,
    pub ci_high: f64,
    pub words: String,
    /// The ICD 203 terms the 95% interval covers (`likely to very likely` when it spans two).
    #[serde(default)]
    pub interval_words: String,
}

/// A numeric outcome in summary.json.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NumericSummary {
    pub name: String,
    pub label: String,
    pub units: String,
    /// Runs (with or without a value).
    pub n: u64,
    /// Runs without a value.
    pub missing: u64,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum OutcomeSummary {
    Binary(BinarySummary),
    Numeric(NumericSummary),
}

/// An outcome class in summary.json.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassSummary {
    pub name: String,
    pub label: String,
    pub count: u64,
    pub probability: Option<f64>,
    pub ci_low: f64,
    pub ci_high: f64,
    pub words: String,
    /// The ICD 203 terms the 95% interval covers.
    #[serde(default)]
    pub interval_words: String,
}

/// Two binary items across runs (summary.json `joint`): the binary outcomes by id and the outcome
/// classes as `class:<id>`. `both` is exact (streamed pair counts), so `P(b | a) = both / a_count`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JointSummary {
    pub a: String,
    pub b: String,
    /// Runs in which `a` (`b`) was true.
    pub a_count: u64,
    pub b_count: u64,
    /// Runs in which both were true.
    pub both: u64,
    /// Runs.
    pub n: u64,
}

/// summary.json.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Runs summarised.
    pub runs: u64,
    pub seed: u64,
    pub outcomes: Vec<OutcomeSummary>,
    pub classes: Vec<ClassSummary>,
    /// Runs that matched no outcome class.
    pub unclassified: u64,
    /// Every pair of binary outcomes and classes with their joint count.
    #[serde(default)]
    pub joint: Vec<JointSummary>,
}

impl Summary {
    pub fn new(aggs: &Aggregates, m: &Manifest) -> Summary {
        let runs = aggs.runs();
        let outcomes = aggs
            .outcomes
            .iter()
            .zip(&m.outcomes)
            .map(|(a, o)| match a {
                OutcomeAgg::Binary(b) => {
                    let (p, lo, hi, words) = binary_summary(b.successes, b.n);
                    OutcomeSummary::Binary(BinarySummary {
                        name: o.id.clone(),
                        label: o.label.clone(),
                        count: b.successes,
                        n: b.n,
                        probability: p,
                        ci_low: lo,
                        ci_high: hi,
                        words: words.into(),
                        interval_words: crate::stats::icd203_span(lo, hi),
                    })
                }
                OutcomeAgg::Numeric(c) => {
                    let q = |q| finite(c.quantile(q));
                    OutcomeSummary::Numeric(NumericSummary {
                        name: o.id.clone(),
                        label: o.label.clone(),
                        units: o.units.clone(),
                        n: c.n() + c.missing,
                        missing: c.missing,
                        mean: finite(c.mean()),
                        sd: finite(c.sd()),
                        min: c.min,
                        max: c.max,
                        p05: q(0.05),
                        p25: q(0.25),
                        p50: q(0.50),
                        p75: q(0.75),
                        p95: q(0.95),
                    })
                }
            })
            .collect();
        let classes = aggs
            .classes
            .iter()
            .zip(&m.outcome_classes)
            .map(|(&count, c)| {
                let (p, lo, hi, words) = binary_summary(count, runs);
                ClassSummary {
                    name: c.id.clone(),
                    label: c.label.clone(),
                    count,
                    probability: p,
                    ci_low: lo,
                    ci_high: hi,
                    words: words.into(),
                    interval_words: crate::stats::icd203_span(lo, hi),
                }
            })
            .collect();
        let mut items: Vec<(String, u64)> = aggs
            .outcomes
            .iter()
            .zip(&m.outcomes)
            .filter_map(|(a, o)| match a {
                OutcomeAgg::Binary(b) => Some((o.id.clone(), b.successes)),
                OutcomeAgg::Numeric(_) => None,
            })
            .collect();
        items.extend(
            aggs.classes
                .iter()
                .zip(&m.outcome_classes)
                .map(|(&k, c)| (format!("class:{}", c.id), k)),
        );
        let k = items.len();
        let mut joint = Vec::new();
        if aggs.pairs.len() == k * k.saturating_sub(1) / 2 {
            for i in 0..k {
                for j in i + 1..k {
                    joint.push(JointSummary {
                        a: items[i].0.clone(),
                        b: items[j].0.clone(),
                        a_count: items[i].1,
                        b_count: items[j].1,
                        both: aggs.pairs[pair_index(i, j, k)],
                        n: runs,
                    });
                }
            }
        }
        Summary {
            runs,
            seed: m.seed,
            outcomes,
            classes,
            unclassified: aggs.unclassified,
            joint,
        }
    }
}

impl Export for Summary {
    fn file_name(&self) -> &str {
        "summary.json"
    }
    fn bytes(&self) -> Vec<u8> {
        json_bytes(self)
    }
}

/// runs.csv, streamed: `run`, one column per uncertain parameter, one per outcome, `class`.
pub struct RunsCsv {
    w: csv::Writer<Stream>,
    /// Parameter columns; fixed when the header is written (at the first row or at the end).
    params: Vec<String>,
    header_written: bool,
    outcomes: Vec<(String, bool)>,
    classes: Vec<String>,
}

impl RunsCsv {
    pub fn new(stream: Stream, m: &Manifest) -> RunsCsv {
        RunsCsv {
            w: csv::WriterBuilder::new().from_writer(stream),
            params: m.uncertain_params.iter().map(|p| p.path.clone()).collect(),
            header_written: false,
            outcomes: m
                .outcomes
                .iter()
                .map(|o| (o.id.clone(), o.is_binary()))
                .collect(),
            classes: m.outcome_classes.iter().map(|c| c.id.clone()).collect(),
        }
    }

    fn header(&mut self) -> csv::Result<()> {
        self.header_written = true;
        let mut h = vec!["run".to_string()];
        h.extend(self.params.iter().cloned());
        h.extend(self.outcomes.iter().map(|(id, _)| id.clone()));
        h.push("class".into());
        self.w.write_record(&h)
    }

    /// Parameters the model reported that the scenario listing did not have (added as columns).
    pub fn extra_params(&mut self, out: &RunOutput) -> Vec<String> {
        if self.header_written {
            return vec![];
        }
        let extra: Vec<String> = out
            .params
            .iter()
            .filter(|(p, _)| !self.params.contains(p))
            .map(|(p, _)| p.clone())
            .collect();
        self.params.extend(extra.iter().cloned());
        extra
    }

    pub fn row(&mut self, run: u64, out: &RunOutput) -> Result<(), String> {
        let at = |e: csv::Error, w: &csv::Writer<Stream>| {
            format!("{}: {e}", w.get_ref().path().display())
        };
        if !self.header_written {
            self.header().map_err(|e| at(e, &self.w))?;
        }
        let mut rec = Vec::with_capacity(2 + self.params.len() + self.outcomes.len());
        rec.push(run.to_string());
        for p in &self.params {
            let v = out.params.iter().find(|(k, _)| k == p).map(|(_, v)| *v);
            rec.push(fmt_num(v));
        }
        for ((_, binary), v) in self.outcomes.iter().zip(&out.outcomes) {
            rec.push(match (*binary, *v) {
                (true, OutcomeValue::Bool(b)) => (b as u8).to_string(),
                (true, OutcomeValue::Num(x)) => (x.is_some_and(|x| x != 0.0) as u8).to_string(),
                (false, OutcomeValue::Bool(b)) => (b as u8).to_string(),
                (false, OutcomeValue::Num(x)) => fmt_num(x),
            });
        }
        rec.push(
            out.class
                .and_then(|c| self.classes.get(c).cloned())
                .unwrap_or_default(),
        );
        self.w.write_record(&rec).map_err(|e| at(e, &self.w))
    }

    pub fn finish(mut self) -> Result<(), OutputError> {
        let path = self.w.get_ref().path().to_path_buf();
        if !self.header_written {
            self.header()
                .map_err(|e| OutputError::Io(format!("{}: {e}", path.display())))?;
        }
        let s = self
            .w
            .into_inner()
            .map_err(|e| OutputError::Io(format!("{}: {}", path.display(), e.error())))?;
        s.finish()
    }
}

pub const EVENT_COLUMNS: [&str; 8] = [
    "run",
    "tick",
    "date",
    "actor",
    "action",
    "target",
    "magnitude",
    "result",
];

/// events.csv, streamed.
pub struct EventsCsv {
    w: csv::Writer<Stream>,
    start: String,
}

impl EventsCsv {
    pub fn new(stream: Stream, m: &Manifest) -> Result<EventsCsv, OutputError> {
        let path = stream.path().to_path_buf();
        let mut w = csv::Writer::from_writer(stream);
        w.write_record(EVENT_COLUMNS)
            .map_err(|e| io_err(&path, std::io::Error::other(e.to_string())))?;
        Ok(EventsCsv {
            w,
            start: m.scenario.start.clone(),
        })
    }

    pub fn rows(&mut self, run: u64, events: &[Event]) -> Result<(), String> {
        let path = self.w.get_ref().path().to_path_buf();
        for e in events {
            self.w
                .write_record([
                    run.to_string().as_str(),
                    &e.tick.to_string(),
                    &tick_month(&self.start, e.tick),
                    &e.actor,
                    &e.action,
                    &e.target,
                    &fmt_num(Some(e.magnitude)),
                    &e.result,
                ])
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), OutputError> {
        let path = self.w.get_ref().path().to_path_buf();
        let s = self
            .w
            .into_inner()
            .map_err(|e| OutputError::Io(format!("{}: {}", path.display(), e.error())))?;
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_num;

    #[test]
    fn numbers_are_shortest_round_trip_and_never_nan() {
        assert_eq!(fmt_num(Some(0.1)), "0.1");
        assert_eq!(fmt_num(Some(21.0)), "21");
        assert_eq!(fmt_num(Some(-0.0)), "0");
        assert_eq!(fmt_num(Some(1.0 / 3.0)), "0.3333333333333333");
        assert_eq!(fmt_num(Some(f64::NAN)), "");
        assert_eq!(fmt_num(Some(f64::INFINITY)), "");
        assert_eq!(fmt_num(None), "");
    }
}
