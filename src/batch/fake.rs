//! A deterministic fake model for tests of the batch runner and the output folder (not the real model).
//! Outcomes and series are hashed from `(seed, run)`; it can panic at a chosen run, fail at one, and
//! sleep (fixed or pseudo-random per run) so tests can exercise Ctrl-C and out-of-order completion.

use super::Simulate;
use crate::model::{Event, ModelError, OutcomeValue, RunOptions, RunOutput, SeriesKey};
use std::time::Duration;

/// SplitMix64 finaliser: a good 64-bit hash.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) from `(seed, run, k)`.
pub fn unit(seed: u64, run: u64, k: u64) -> f64 {
    (mix(mix(mix(seed) ^ run) ^ k) >> 11) as f64 / (1u64 << 53) as f64
}

/// The fake model. Outcomes: `[binary, numeric (missing ~20% of runs)]`; classes: 2.
#[derive(Debug, Clone)]
pub struct FakeSim {
    pub layout: Vec<SeriesKey>,
    pub horizon: u32,
    /// Panic in this run.
    pub panic_at: Option<u64>,
    /// Return a model error in this run.
    pub fail_at: Option<u64>,
    /// Make this run's numeric outcome infinite (a value that overflowed).
    pub non_finite_at: Option<u64>,
    /// Sleep this long in every run.
    pub sleep: Duration,
    /// Sleep up to this long, pseudo-randomly per run (to shuffle completion order).
    pub jitter: Duration,
}

impl Default for FakeSim {
    fn default() -> Self {
        FakeSim {
            layout: vec![
                SeriesKey {
                    indicator: "opinion".into(),
                    entity: "alpha/peace_support".into(),
                },
                SeriesKey {
                    indicator: "tension".into(),
                    entity: "region".into(),
                },
                SeriesKey {
                    indicator: "gdp".into(),
                    entity: "alpha".into(),
                },
            ],
            horizon: 6,
            panic_at: None,
            fail_at: None,
            non_finite_at: None,
            sleep: Duration::ZERO,
            jitter: Duration::ZERO,
        }
    }
}

impl Simulate for FakeSim {
    fn layout(&self) -> &[SeriesKey] {
        &self.layout
    }
    fn ticks(&self) -> u32 {
        self.horizon + 1
    }
    fn run(&self, seed: u64, run: u64, opts: &RunOptions) -> Result<RunOutput, ModelError> {
        if self.panic_at == Some(run) {
            panic!("fake model bug in run {run}");
        }
        if self.fail_at == Some(run) {
            return Err(ModelError(format!("impossible state in run {run}")));
        }
        let nap = self.sleep + self.jitter.mul_f64(unit(seed, run, 999));
        if !nap.is_zero() {
            std::thread::sleep(nap);
        }
        self.output(seed, run, opts)
    }

    fn run_until(
        &self,
        seed: u64,
        run: u64,
        opts: &RunOptions,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<RunOutput>, ModelError> {
        if self.panic_at == Some(run) {
            panic!("fake model bug in run {run}");
        }
        if self.fail_at == Some(run) {
            return Err(ModelError(format!("impossible state in run {run}")));
        }
        // The nap in slices of a millisecond, asking `stop` between them (as the model does between
        // months).
        let nap = self.sleep + self.jitter.mul_f64(unit(seed, run, 999));
        let t0 = std::time::Instant::now();
        while t0.elapsed() < nap {
            if stop() {
                return Ok(None);
            }
            std::thread::sleep(
                nap.saturating_sub(t0.elapsed())
                    .min(Duration::from_millis(1)),
            );
        }
        self.output(seed, run, opts).map(Some)
    }
}

impl FakeSim {
    fn output(&self, seed: u64, run: u64, opts: &RunOptions) -> Result<RunOutput, ModelError> {
        let u = |k| unit(seed, run, k);
        let budget = 80.0 + 40.0 * u(1);
        let series = (0..self.ticks())
            .flat_map(|t| {
                (0..self.layout.len()).map(move |k| {
                    let scale = 10f64.powi(k as i32 - 1);
                    scale * (t as f64 * 0.1 + unit(seed, run, 100 + t as u64 * 16 + k as u64))
                })
            })
            .collect();
        let deal = u(2) < 0.4;
        let month = if self.non_finite_at == Some(run) {
            Some(f64::INFINITY)
        } else {
            (u(3) >= 0.2).then(|| (1.0 + 5.0 * u(4)).floor())
        };
        let events = if opts.events {
            vec![
                Event {
                    tick: 1,
                    actor: "power".into(),
                    action: "disinformation".into(),
                    target: "alpha".into(),
                    magnitude: budget / 10.0,
                    result: if u(5) < 0.1 { "detected" } else { "ok" }.into(),
                },
                Event {
                    tick: 3,
                    actor: String::new(),
                    action: "phase".into(),
                    target: if deal { "deal" } else { "talks" }.into(),
                    magnitude: 0.0,
                    result: "a, \"quoted\" result".into(),
                },
            ]
        } else {
            vec![]
        };
        Ok(RunOutput {
            params: vec![("actors.power.budget".into(), budget)],
            outcomes: vec![OutcomeValue::Bool(deal), OutcomeValue::Num(month)],
            class: if deal {
                Some(0)
            } else if u(6) < 0.5 {
                Some(1)
            } else {
                None
            },
            series,
            events,
            decisions: vec![],
        })
    }
}
