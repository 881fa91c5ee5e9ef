//! Streaming, mergeable aggregates of a batch: per tick × series key, per outcome, per class.
//!
//! Every piece merges exactly (integer counts, exact fixed-point sums, min/max, sketch bucket counts), so
//! the aggregate of shards merged in order equals the aggregate of the whole batch, bit for bit, and its
//! size does not depend on the number of runs.

use crate::model::{OutcomeValue, RunOutput};
use crate::stats;
use serde::{Deserialize, Serialize};

/// The quantiles reported in series.csv and summary.json.
pub const QUANTILES: [(&str, f64); 5] = [
    ("p05", 0.05),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p95", 0.95),
];

/// Relative accuracy of the quantile sketches of series and numeric outcomes with more than
/// `stats::EXACT_DISTINCT` distinct values (fewer are exact): 0.1% (a quantile is reported within
/// 0.1% of the value of that rank, so within 0.001 for a quantity in [0, 1]; fine enough that fan
/// charts show no steps). See `stats::quantiles` for the rule.
pub const SKETCH_ALPHA: f64 = 0.001;

/// A numeric quantity across runs: exact moments, quantiles, exact min/max and missing count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub moments: stats::Moments,
    pub sketch: stats::Quantiles,
    /// Runs where the value was missing (not happened, or non-finite).
    pub missing: u64,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Default for Cell {
    fn default() -> Self {
        Cell {
            moments: stats::Moments::default(),
            sketch: stats::Quantiles::with_alpha(SKETCH_ALPHA),
            missing: 0,
            min: None,
            max: None,
        }
    }
}

impl Cell {
    pub fn add(&mut self, v: Option<f64>) {
        match v {
            Some(x) if x.is_finite() => {
                self.moments.add(x);
                self.sketch.add(x);
                self.min = Some(self.min.map_or(x, |m| m.min(x)));
                self.max = Some(self.max.map_or(x, |m| m.max(x)));
            }
            _ => self.missing += 1,
        }
    }

    pub fn merge(&mut self, o: &Cell) {
        self.moments.merge(&o.moments);
        self.sketch.merge(&o.sketch);
        self.missing += o.missing;
        self.min = match (self.min, o.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, o.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Number of runs with a value.
    pub fn n(&self) -> u64 {
        self.moments.n
    }

    pub fn mean(&self) -> Option<f64> {
        self.moments.mean()
    }

    /// Sample sd (n − 1); none without values, 0 with a single value.
    pub fn sd(&self) -> Option<f64> {
        (self.moments.n > 0).then(|| self.moments.sd())
    }

    /// Quantile `q` (`stats::Quantiles`: exact for few distinct values, else within `SKETCH_ALPHA`),
    /// clamped into the exact [min, max].
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let v = self.sketch.quantile(q)?;
        Some(v.clamp(self.min?, self.max?))
    }
}

/// One outcome across runs. (A handful per scenario, so the size gap between the variants is harmless.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum OutcomeAgg {
    Binary(stats::BinaryCount),
    Numeric(Cell),
}

impl OutcomeAgg {
    fn add(&mut self, v: &OutcomeValue) {
        match self {
            OutcomeAgg::Binary(b) => {
                let hit = match *v {
                    OutcomeValue::Bool(x) => x,
                    OutcomeValue::Num(x) => x.is_some_and(|x| x != 0.0),
                };
                b.n += 1;
                b.successes += hit as u64;
            }
            OutcomeAgg::Numeric(c) => c.add(match *v {
                OutcomeValue::Bool(x) => Some(x as u8 as f64),
                OutcomeValue::Num(x) => x,
            }),
        }
    }

    fn merge(&mut self, o: &OutcomeAgg) -> Result<(), String> {
        match (self, o) {
            (OutcomeAgg::Binary(a), OutcomeAgg::Binary(b)) => {
                a.n += b.n;
                a.successes += b.successes;
            }
            (OutcomeAgg::Numeric(a), OutcomeAgg::Numeric(b)) => a.merge(b),
            _ => return Err("outcome types differ".into()),
        }
        Ok(())
    }
}

/// The aggregate state of the runs `[first_run, end_run)` of a batch (aggregates.json).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aggregates {
    pub first_run: u64,
    /// One past the last run folded in; runs are folded contiguously in run order.
    pub end_run: u64,
    /// Rows per run: horizon + 1.
    pub ticks: u32,
    /// Series keys per tick.
    pub keys: usize,
    /// Row-major `ticks × keys`, like [`RunOutput::series`].
    pub series: Vec<Cell>,
    /// One per scenario outcome, in order.
    pub outcomes: Vec<OutcomeAgg>,
    /// Runs per outcome class, in order.
    pub classes: Vec<u64>,
    /// Runs that matched no class.
    pub unclassified: u64,
    /// Joint counts: for every pair `i < j` of the binary items (the binary outcomes in order, then
    /// the outcome classes), the runs in which both were true, in row-major upper-triangle order
    /// ([`pair_index`]). With the items' own counts these give every joint and conditional
    /// probability exactly (summary.json `joint`).
    #[serde(default)]
    pub pairs: Vec<u64>,
}

/// Position of the pair `(i, j)`, `i < j < m`, in [`Aggregates::pairs`] over `m` items.
pub fn pair_index(i: usize, j: usize, m: usize) -> usize {
    debug_assert!(i < j && j < m);
    i * (2 * m - i - 1) / 2 + (j - i - 1)
}

impl Aggregates {
    /// Empty aggregates starting at run `first_run`; `binary[i]` says whether outcome i is binary.
    pub fn new(first_run: u64, ticks: u32, keys: usize, binary: &[bool], classes: usize) -> Self {
        let items = binary.iter().filter(|&&b| b).count() + classes;
        Aggregates {
            first_run,
            end_run: first_run,
            ticks,
            keys,
            pairs: vec![0; items * items.saturating_sub(1) / 2],
            series: vec![Cell::default(); ticks as usize * keys],
            outcomes: binary
                .iter()
                .map(|&b| {
                    if b {
                        OutcomeAgg::Binary(stats::BinaryCount::default())
                    } else {
                        OutcomeAgg::Numeric(Cell::default())
                    }
                })
                .collect(),
            classes: vec![0; classes],
            unclassified: 0,
        }
    }

    /// Runs folded in.
    pub fn runs(&self) -> u64 {
        self.end_run - self.first_run
    }

    /// Checks that a run's output has the shape these aggregates expect (a model bug otherwise).
    pub fn check(&self, out: &RunOutput) -> Result<(), String> {
        let want = self.ticks as usize * self.keys;
        if out.series.len() != want {
            return Err(format!(
                "the run recorded {} series values, expected {} ({} ticks × {} series)",
                out.series.len(),
                want,
                self.ticks,
                self.keys
            ));
        }
        if out.outcomes.len() != self.outcomes.len() {
            return Err(format!(
                "the run produced {} outcomes, expected {}",
                out.outcomes.len(),
                self.outcomes.len()
            ));
        }
        match out.class {
            Some(c) if c >= self.classes.len() => {
                Err(format!("the run's class index {c} is out of range"))
            }
            _ => Ok(()),
        }
    }

    /// Folds in run `run`, which must be the next run in order (`end_run`) and pass [`Self::check`].
    pub fn fold(&mut self, run: u64, out: &RunOutput) -> Result<(), String> {
        self.check_next(run, out)?;
        for (cell, v) in self.series.iter_mut().zip(&out.series) {
            cell.add(Some(*v));
        }
        self.fold_rest(out);
        Ok(())
    }

    /// Checks that `run` is the next run in order and that its output has the right shape.
    fn check_next(&self, run: u64, out: &RunOutput) -> Result<(), String> {
        if run != self.end_run {
            return Err(format!(
                "run {run} folded out of order (expected {})",
                self.end_run
            ));
        }
        self.check(out)
    }

    /// Everything of a run but its series: outcomes, joint counts, class; then counts the run.
    fn fold_rest(&mut self, out: &RunOutput) {
        for (agg, v) in self.outcomes.iter_mut().zip(&out.outcomes) {
            agg.add(v);
        }
        self.fold_pairs(out);
        match out.class {
            Some(c) => self.classes[c] += 1,
            None => self.unclassified += 1,
        }
        self.end_run += 1;
    }

    /// The binary items of a run (binary outcomes, then one per class) and their joint counts.
    fn fold_pairs(&mut self, out: &RunOutput) {
        let mut hits: Vec<bool> = self
            .outcomes
            .iter()
            .zip(&out.outcomes)
            .filter(|(a, _)| matches!(a, OutcomeAgg::Binary(_)))
            .map(|(_, v)| match *v {
                OutcomeValue::Bool(x) => x,
                OutcomeValue::Num(x) => x.is_some_and(|x| x != 0.0),
            })
            .collect();
        hits.extend((0..self.classes.len()).map(|c| out.class == Some(c)));
        let m = hits.len();
        for i in 0..m {
            if !hits[i] {
                continue;
            }
            for (j, &hit) in hits.iter().enumerate().skip(i + 1) {
                if hit {
                    self.pairs[pair_index(i, j, m)] += 1;
                }
            }
        }
    }

    /// Appends `next`, which must cover the runs right after these (`next.first_run == self.end_run`).
    pub fn merge(&mut self, next: &Aggregates) -> Result<(), String> {
        if next.first_run != self.end_run {
            return Err(format!(
                "aggregates are not contiguous: runs ..{} then {}..",
                self.end_run, next.first_run
            ));
        }
        if (
            next.ticks,
            next.keys,
            next.outcomes.len(),
            next.classes.len(),
        ) != (
            self.ticks,
            self.keys,
            self.outcomes.len(),
            self.classes.len(),
        ) || next.pairs.len() != self.pairs.len()
        {
            return Err("aggregates have different shapes".into());
        }
        for (a, b) in self.series.iter_mut().zip(&next.series) {
            a.merge(b);
        }
        for (a, b) in self.outcomes.iter_mut().zip(&next.outcomes) {
            a.merge(b)?;
        }
        for (a, b) in self.classes.iter_mut().zip(&next.classes) {
            *a += b;
        }
        for (a, b) in self.pairs.iter_mut().zip(&next.pairs) {
            *a += b;
        }
        self.unclassified += next.unclassified;
        self.end_run = next.end_run;
        Ok(())
    }

    /// The cell of series column `key` at `tick`.
    pub fn cell(&self, tick: u32, key: usize) -> &Cell {
        &self.series[tick as usize * self.keys + key]
    }
}

/// Bytes of series values a [`BlockFold`] gathers before it folds them (the block's runs: this over
/// 8 bytes per cell, between 1 and [`BLOCK_RUNS`]).
pub const BLOCK_BYTES: usize = 2 << 20;

/// Most runs a [`BlockFold`] gathers before it folds them.
pub const BLOCK_RUNS: usize = 64;

/// Folds runs into [`Aggregates`] a block at a time, for the batch's consumer: a run's outcomes and
/// counts go in at once, its series values are gathered, and a block of runs is then folded cell by
/// cell, each cell taking the block's values in run order while its exact list or sketch is in
/// cache (folding run by run touches every cell once per run, and with thousands of cells each
/// touch misses the cache). Each cell sees the same values in the same order as with
/// [`Aggregates::fold`], so the result is identical, bit for bit.
#[derive(Debug)]
pub struct BlockFold {
    aggs: Aggregates,
    /// The gathered runs' series, run-major: run `r` of the block at `r × cells ..`.
    block: Vec<f64>,
    /// Runs per block.
    runs: usize,
}

impl BlockFold {
    /// Folds into `aggs`.
    pub fn new(aggs: Aggregates) -> Self {
        let cells = aggs.series.len().max(1);
        let runs = (BLOCK_BYTES / (8 * cells)).clamp(1, BLOCK_RUNS);
        BlockFold {
            block: Vec::with_capacity(runs * aggs.series.len()),
            aggs,
            runs,
        }
    }

    /// Like [`Aggregates::fold`]: `run` must be the next run in order and pass [`Aggregates::check`].
    pub fn fold(&mut self, run: u64, out: &RunOutput) -> Result<(), String> {
        self.aggs.check_next(run, out)?;
        self.block.extend_from_slice(&out.series);
        self.aggs.fold_rest(out);
        if self.block.len() >= self.runs * self.aggs.series.len() {
            self.flush();
        }
        Ok(())
    }

    /// Runs folded in so far.
    pub fn runs(&self) -> u64 {
        self.aggs.runs()
    }

    /// The aggregates of every run folded.
    pub fn finish(mut self) -> Aggregates {
        self.flush();
        self.aggs
    }

    fn flush(&mut self) {
        let cells = self.aggs.series.len();
        if cells > 0 && !self.block.is_empty() {
            for (c, cell) in self.aggs.series.iter_mut().enumerate() {
                for v in self.block[c..].iter().step_by(cells) {
                    cell.add(Some(*v));
                }
            }
        }
        self.block.clear();
    }
}

/// Wilson 95% interval and ICD 203 words (re-exported so outputs need not know the stats module).
pub fn binary_summary(successes: u64, n: u64) -> (Option<f64>, f64, f64, &'static str) {
    let (lo, hi) = stats::wilson(successes, n, 1.959_963_984_540_054);
    if n == 0 {
        return (None, lo, hi, "");
    }
    let p = successes as f64 / n as f64;
    (Some(p), lo, hi, stats::icd203_words(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OutcomeValue;

    /// Runs whose cells repeat a few values (exact lists, ±0 ties) or spread (sketches).
    fn out(run: u64, cells: usize) -> RunOutput {
        let mut s = run.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let series = (0..cells)
            .map(|c| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                match c % 3 {
                    0 => [0.0, -0.0, 1.0, 2.5][(s % 4) as usize],
                    1 => (s >> 11) as f64 / (1u64 << 53) as f64 - 0.3,
                    _ => ((s >> 11) as f64 / (1u64 << 40) as f64).powi(3),
                }
            })
            .collect();
        RunOutput {
            series,
            outcomes: vec![
                OutcomeValue::Bool(s % 2 == 0),
                OutcomeValue::Num(Some(run as f64)),
            ],
            class: Some((s % 3) as usize).filter(|&c| c < 2),
            ..RunOutput::default()
        }
    }

    #[test]
    fn block_fold_equals_run_by_run_fold() {
        // 7 ticks × 40 keys: 280 cells, blocks of 64 runs; 150 runs end mid-block.
        let new = || Aggregates::new(5, 7, 40, &[true, false], 2);
        // No run at all (a batch stopped before its first run): the empty aggregates.
        assert_eq!(BlockFold::new(new()).finish(), new());
        let (mut a, mut b) = (new(), BlockFold::new(new()));
        assert_eq!(b.runs, BLOCK_RUNS);
        for run in 5..155 {
            let o = out(run, 280);
            a.fold(run, &o).unwrap();
            b.fold(run, &o).unwrap();
        }
        assert!(b.fold(200, &out(200, 280)).is_err(), "runs fold in order");
        assert!(
            b.fold(155, &out(155, 3)).is_err(),
            "a run of the wrong shape"
        );
        let b = b.finish();
        assert_eq!(b.runs(), 150);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }
}
