//! Bounded work: before a command runs the model it estimates what one run costs in time and what
//! the whole command holds in memory, and refuses (exit 2) beyond the documented limits unless
//! `--allow-large` is given (README, "Limits").
//!
//! - Time: [`run_work`] counts the elementary updates of one run, per tick: per country,
//!   Deffuant–Weisbuch `encounters × size` pair updates (the largest `encounters` the scenario
//!   allows), Hegselmann–Krause `steps × size × (degree, or log₂ size on a complete network)`, each
//!   per dimension, plus `size × dimensions` for drift and indicators (`× log₂ size` with
//!   `record.population_detail`); per actor its actions × countries (decisions) and actors² per issue
//!   (bargaining); times the horizon. Measured on a shared 2-core machine at 3–50 ns per update (the
//!   baseline: 1.3e6 updates, 46 ms per run), [`WORK_LIMIT`] is seconds to minutes per run. The
//!   batch asks its stop flag before every month, so one month's share of that work is capped too
//!   ([`MONTH_WORK_LIMIT`]): a Ctrl-C or SIGTERM then ends a run within about a second.
//! - Memory: the model's per-run state ([`crate::scenario::validate::estimate_bytes`], which the
//!   validator caps at 4 GiB per run) for each worker thread, the recorded series of the runs in the
//!   reorder window, and the batch's aggregates (a quantile sketch per tick and series), against
//!   [`MEMORY_LIMIT`].
//! - Sizes given on the command line are capped outright: [`MAX_THREADS`] threads, and the limits of
//!   the experiments (their own constants, checked by the commands).

use crate::scenario::schema::{Dynamics, Network, Scenario};
use crate::scenario::{Dist, Param};

/// The most elementary updates one run may need without `--allow-large` (1e10; the baseline
/// scenario needs 1.3e6).
pub const WORK_LIMIT: f64 = 1e10;
/// The most elementary updates one month of a run may need without `--allow-large` (2e7: 0.06 to
/// 1 s at 3–50 ns per update), so that a stop asked between months lands within about a second.
pub const MONTH_WORK_LIMIT: f64 = 2e7;
/// The most memory a command may plan to hold without `--allow-large` (4 GiB).
pub const MEMORY_LIMIT: u128 = 4 << 30;
/// The most worker threads (`--threads`).
pub const MAX_THREADS: usize = 256;
/// Bytes per aggregate cell (tick × series) besides its sketch buckets (up to [`SKETCH_BUCKETS`] of
/// 16 bytes). Measured: 20,003 dimensions (40,012 series × 7 months), 2 threads, peak RSS 430 MiB at
/// 20 runs and 588 MiB at 200 runs, about 1.4 KiB and 2.1 KiB per cell; 1,200 bytes (was 400, which
/// estimated 279 MiB for the 430 measured) keeps the estimate above both (445 and 910 MiB).
pub const CELL_BYTES: u128 = 1200;
/// Sketch buckets assumed per cell when a batch has many runs (a 1%-accurate sketch of values
/// spanning two orders of magnitude uses about 230; most series span far less).
pub const SKETCH_BUCKETS: u128 = 128;

/// The largest value a parameter can take (a distribution's upper bound; mean + 6 sd for an
/// unbounded one).
fn upper(p: &Param) -> f64 {
    match p {
        Param::Fixed(x) => *x,
        Param::Dist(d) => {
            let (_, hi) = d.support();
            if hi.is_finite() {
                hi
            } else {
                match d {
                    Dist::Normal(m, sd) => m + 6.0 * sd,
                    Dist::LogNormal(mu, s) => (mu + 6.0 * s).exp(),
                    _ => d.nominal(),
                }
            }
        }
    }
}

/// Elementary opinion updates of one run (see the module doc).
pub fn run_work(s: &Scenario) -> f64 {
    month_work(s) * s.run.horizon as f64
}

/// Elementary opinion updates of one month of a run (see the module doc).
pub fn month_work(s: &Scenario) -> f64 {
    let dims = s.dimensions.len().max(1) as f64;
    let mut per_tick = 0.0;
    for c in &s.countries {
        let n = c.population.size as f64;
        let log_n = n.max(2.0).log2();
        let degree = match &c.population.network {
            Network::Complete => log_n,
            Network::WattsStrogatz { k, .. } => *k as f64,
            Network::ErdosRenyi { mean_degree } => upper(mean_degree).max(1.0),
        };
        per_tick += match &c.population.dynamics {
            Dynamics::Deffuant { encounters, .. } => upper(encounters).max(0.0) * n * dims,
            Dynamics::HegselmannKrause { steps, .. } => *steps as f64 * n * degree * dims,
            Dynamics::Frozen => 0.0,
        };
        per_tick += n
            * dims
            * if s.record.population_detail {
                log_n
            } else {
                1.0
            };
    }
    let actors = s.actors.len() as f64;
    let countries = s.countries.len().max(1) as f64;
    let actions: f64 = s.actors.iter().map(|a| a.actions.len() as f64).sum();
    per_tick += actions * countries + actors * actors * s.issues.len() as f64;
    per_tick
}

/// Memory of a batch's aggregates: `ticks × series` cells.
pub fn aggregate_bytes(ticks: u64, series: u64, runs: u64) -> u128 {
    let buckets = (runs as u128).min(SKETCH_BUCKETS);
    ticks as u128 * series as u128 * (CELL_BYTES + 16 * buckets)
}

/// What a command plans to run.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Elementary updates of the costliest run.
    pub run_work: f64,
    /// Elementary updates of the costliest month of a run.
    pub month_work: f64,
    /// Memory held at once (model state, series in flight, aggregates).
    pub bytes: u128,
}

impl Plan {
    /// A batch of `runs` runs of `s` on `threads` threads; `aggregates`: whether per-tick series
    /// aggregates are kept (`run`, `compare`), as opposed to outcomes only (`sweep`, `sensitivity`).
    pub fn batch(s: &Scenario, runs: u64, threads: usize, aggregates: bool) -> Plan {
        let ticks = s.run.horizon as u64 + 1;
        let series = crate::model::series_layout(s).len() as u64;
        let per_run_series = ticks as u128 * series as u128 * 8;
        let window = 4 * threads.max(1) as u128;
        let mut bytes = crate::scenario::validate::estimate_bytes(s) * threads.max(1) as u128
            + window.min(runs as u128) * per_run_series;
        if aggregates {
            bytes += aggregate_bytes(ticks, series, runs);
        }
        Plan {
            run_work: run_work(s),
            month_work: month_work(s),
            bytes,
        }
    }

    /// Several scenarios run side by side (`compare`): work and memory add up.
    pub fn and(mut self, o: Plan) -> Plan {
        self.run_work += o.run_work;
        self.month_work = self.month_work.max(o.month_work);
        self.bytes += o.bytes;
        self
    }

    /// Refuses a plan beyond the limits unless `allow_large` (the message names the estimate, the
    /// limit and the flag).
    pub fn check(&self, what: &str, allow_large: bool) -> Result<(), String> {
        if allow_large {
            return Ok(());
        }
        if self.run_work > WORK_LIMIT {
            return Err(format!(
                "{what}: one run needs about {:.1e} updates (population size × encounters or \
                 Hegselmann–Krause steps × neighbours, × dimensions × horizon), beyond the limit of \
                 {WORK_LIMIT:.0e} (minutes per run); reduce them, or give --allow-large to run it anyway",
                self.run_work
            ));
        }
        if self.month_work > MONTH_WORK_LIMIT {
            return Err(format!(
                "{what}: one month of a run needs about {:.1e} updates (population size × encounters \
                 or Hegselmann–Krause steps × neighbours, × dimensions), beyond the limit of \
                 {MONTH_WORK_LIMIT:.0e} (about a second, so that Ctrl-C stops a run within a \
                 second); reduce them, or give --allow-large to run it anyway (then a second Ctrl-C \
                 ends it at once, manifest `failed`)",
                self.month_work
            ));
        }
        if self.bytes > MEMORY_LIMIT {
            return Err(format!(
                "{what}: would hold about {} in memory (model state per thread, series of the runs in \
                 flight, and per month × series aggregates), beyond the limit of {}; reduce the horizon, \
                 the population or --threads, or give --allow-large to run it anyway",
                human(self.bytes),
                human(MEMORY_LIMIT)
            ));
        }
        Ok(())
    }
}

fn human(b: u128) -> String {
    let gib = b as f64 / (1u64 << 30) as f64;
    if gib >= 1.0 {
        format!("{gib:.1} GiB")
    } else {
        format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
    }
}

/// `--threads`: at least 1, at most [`MAX_THREADS`].
pub fn check_threads(t: usize) -> Result<usize, String> {
    if t == 0 {
        return Err("--threads must be at least 1".into());
    }
    if t > MAX_THREADS {
        return Err(format!(
            "--threads {t}: at most {MAX_THREADS} (this machine has {}); results do not depend on it",
            super::default_threads()
        ));
    }
    Ok(t)
}
