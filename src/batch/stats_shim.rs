//! TEMPORARY stand-ins for `crate::stats` (being written on the stats branch). Delete this file at
//! integration and change the single `use` in `batch/aggregate.rs` to `crate::stats`. Only the names and
//! methods used by the batch runner are here, with deliberately naive implementations.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const SCALE: f64 = 1_099_511_627_776.0; // 2^40 fixed point: exact, order-free sums (temporary)

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExactSum {
    fixed: i128,
}

impl ExactSum {
    pub fn add(&mut self, x: f64) {
        self.fixed += (x * SCALE) as i128;
    }
    pub fn merge(&mut self, o: &Self) {
        self.fixed += o.fixed;
    }
    pub fn value(&self) -> f64 {
        self.fixed as f64 / SCALE
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub n: u64,
    pub sum: ExactSum,
    pub sum_sq: ExactSum,
}

impl Moments {
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum.add(x);
        self.sum_sq.add(x * x);
    }
    pub fn merge(&mut self, o: &Self) {
        self.n += o.n;
        self.sum.merge(&o.sum);
        self.sum_sq.merge(&o.sum_sq);
    }
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum.value() / self.n as f64)
    }
    pub fn sd(&self) -> Option<f64> {
        let m = self.mean()?;
        if self.n < 2 {
            return Some(0.0);
        }
        let var = (self.sum_sq.value() - self.n as f64 * m * m) / (self.n - 1) as f64;
        Some(var.max(0.0).sqrt())
    }
}

const GAMMA: f64 = 1.02 / 0.98; // 1% relative accuracy

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sketch {
    pos: BTreeMap<i32, u64>,
    neg: BTreeMap<i32, u64>,
    zero: u64,
}

impl Sketch {
    fn key(x: f64) -> i32 {
        (x.ln() / GAMMA.ln()).ceil() as i32
    }
    fn value(k: i32) -> f64 {
        2.0 * GAMMA.powi(k) / (GAMMA + 1.0)
    }
    pub fn add(&mut self, x: f64) {
        if x.abs() < 1e-12 {
            self.zero += 1;
        } else if x > 0.0 {
            *self.pos.entry(Self::key(x)).or_default() += 1;
        } else {
            *self.neg.entry(Self::key(-x)).or_default() += 1;
        }
    }
    pub fn merge(&mut self, o: &Self) {
        for (k, c) in &o.pos {
            *self.pos.entry(*k).or_default() += c;
        }
        for (k, c) in &o.neg {
            *self.neg.entry(*k).or_default() += c;
        }
        self.zero += o.zero;
    }
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n: u64 = self.zero + self.pos.values().sum::<u64>() + self.neg.values().sum::<u64>();
        if n == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * (n - 1) as f64).floor() as u64;
        let mut seen = 0;
        for (k, c) in self.neg.iter().rev() {
            seen += c;
            if seen > rank {
                return Some(-Self::value(*k));
            }
        }
        seen += self.zero;
        if seen > rank {
            return Some(0.0);
        }
        for (k, c) in &self.pos {
            seen += c;
            if seen > rank {
                return Some(Self::value(*k));
            }
        }
        None
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryCount {
    pub successes: u64,
    pub n: u64,
}

/// Wilson score interval.
pub fn wilson(successes: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (nf, p) = (n as f64, successes as f64 / n as f64);
    let d = 1.0 + z * z / nf;
    let c = (p + z * z / (2.0 * nf)) / d;
    let h = z * ((p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt()) / d;
    ((c - h).max(0.0), (c + h).min(1.0))
}

/// ICD 203 likelihood words.
pub fn icd203_words(p: f64) -> &'static str {
    match p {
        p if p < 0.05 => "almost no chance",
        p if p < 0.20 => "very unlikely",
        p if p < 0.45 => "unlikely",
        p if p <= 0.55 => "roughly even chance",
        p if p <= 0.80 => "likely",
        p if p <= 0.95 => "very likely",
        _ => "almost certain",
    }
}
