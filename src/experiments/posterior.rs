//! Forecasting from a calibration: `crossroads run FILE --posterior DIR` draws each run's uncertain
//! parameters from the weighted posterior of a calibration folder instead of their priors.
//!
//! Run `i` of seed `S` picks particle `j` of posterior.csv with probability `w_j` from the stream
//! `posterior` of [`Streams::new`]`(S, i)` (one uniform, inverted through the cumulative weights:
//! a weighted bootstrap of the particles, no kernel smoothing), and uses its values for the
//! parameters the posterior holds; a parameter it does not hold is drawn from its prior as in any
//! run (stream `param/<path>`). Everything else in the run is what run `i` of seed `S` would do, so
//! the draw for run `i` depends on `(S, i)` alone and a prior batch and a posterior batch of the same
//! seed share their randomness run by run (common random numbers).
//!
//! `compare --posterior` and `sweep --posterior` use the same draw for scenarios other than the
//! calibrated one ([`PosteriorSim::matching`], [`for_compare`]): each takes the posterior's parameters
//! that are uncertain in it and keeps its own value of the others. `sensitivity --posterior` is
//! refused ([`SENSITIVITY_REFUSAL`]).

use super::abc::{cumulative, pick};
use super::calibrate::realise_with;
use crate::batch::Simulate;
use crate::model::rng::{Streams, uniform01};
use crate::model::{ModelError, RunOptions, RunOutput, SeriesKey, schedule, series_layout};
use crate::outputs::calibration::parse_particles;
use crate::outputs::folder::sha256_hex;
use crate::outputs::manifest::PosteriorRef;
use crate::scenario::Resolved;
use crate::scenario::tree::Seg;
use std::path::Path;

/// A calibration's posterior, read from its folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// What the batch manifest records.
    pub reference: PosteriorRef,
    pub weights: Vec<f64>,
    cum: Vec<f64>,
    /// Particles × parameters, columns in `reference.params` order.
    pub rows: Vec<Vec<f64>>,
}

impl Posterior {
    /// Verifies `dir` ([`crate::outputs::verify::folder`]: a calibration folder, whole) and reads its
    /// posterior.csv (at least one finished generation). Errors are usage errors (exit 2).
    pub fn load(dir: &Path) -> Result<Posterior, String> {
        // A folder that is not what its manifest says (edited, truncated, still being written) is
        // refused before anything is drawn from it.
        let v = crate::outputs::verify::folder(dir)
            .map_err(|e| format!("--posterior {}: {e}", dir.display()))?;
        let crate::outputs::read::Manifest::Calibration(m) = v.manifest else {
            return Err(format!(
                "--posterior {}: not a calibration folder (a {} folder)",
                dir.display(),
                v.kind.as_str()
            ));
        };
        let ppath = dir.join("posterior.csv");
        let bytes = std::fs::read(&ppath).map_err(|e| {
            format!(
                "--posterior {}: {e} (the calibration finished no generation?)",
                ppath.display()
            )
        })?;
        let p = parse_particles(&bytes).map_err(|e| format!("{}: {e}", ppath.display()))?;
        if p.rows.is_empty() {
            return Err(format!("{}: no particles", ppath.display()));
        }
        if p.weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
            || p.weights.iter().sum::<f64>() <= 0.0
        {
            return Err(format!(
                "{}: weights must be finite, non-negative and not all 0",
                ppath.display()
            ));
        }
        if p.rows.iter().flatten().any(|x| !x.is_finite()) {
            return Err(format!("{}: a parameter value is missing", ppath.display()));
        }
        Ok(Posterior {
            reference: PosteriorRef {
                path: dir.display().to_string(),
                sha256: sha256_hex(&bytes),
                particles: p.rows.len(),
                params: p.columns.clone(),
                until: m.until,
            },
            cum: cumulative(&p.weights),
            weights: p.weights,
            rows: p.rows,
        })
    }

    /// The particle run `run` of `seed` uses.
    pub fn draw(&self, seed: u64, run: u64) -> usize {
        let mut rng = Streams::new(seed, run).get("posterior");
        pick(&self.cum, uniform01(&mut rng))
    }
}

/// The model with each run's parameters drawn from a posterior (a [`Simulate`] for the batch).
pub struct PosteriorSim<'a> {
    resolved: &'a Resolved,
    posterior: &'a Posterior,
    layout: Vec<SeriesKey>,
    /// Every distribution of the scenario: its segments, path, and posterior column if it has one.
    nodes: Vec<Vec<Seg>>,
    paths: Vec<String>,
    columns: Vec<Option<usize>>,
    dists: Vec<crate::scenario::Dist>,
}

impl<'a> PosteriorSim<'a> {
    /// Every parameter of the posterior must be an uncertain parameter of the scenario (a usage error
    /// otherwise: the posterior belongs to another scenario).
    pub fn new(resolved: &'a Resolved, posterior: &'a Posterior) -> Result<Self, String> {
        let unc = resolved.uncertain();
        for p in &posterior.reference.params {
            if !unc.iter().any(|u| &u.path == p) {
                return Err(format!(
                    "--posterior {}: parameter `{p}` is not an uncertain parameter of {} (uncertain: {})",
                    posterior.reference.path,
                    resolved.path,
                    unc.iter()
                        .map(|u| u.path.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(Self::build(resolved, posterior))
    }

    /// For a scenario other than the calibrated one (`compare --posterior`, a point of
    /// `sweep --posterior`): each uncertain parameter of `resolved` that the posterior holds is drawn
    /// from it, the others from their priors; the posterior's parameters that are not uncertain in
    /// `resolved` (the scenario or a `--set` fixes them) are left out and returned, in the
    /// posterior's order. The particle is still drawn whole, so the parameters taken keep their joint
    /// posterior distribution with one another, but not their dependence on the ones left out: what
    /// is drawn is the posterior's marginal of the parameters taken, not its conditional given the
    /// fixed values.
    pub fn matching(resolved: &'a Resolved, posterior: &'a Posterior) -> (Self, Vec<String>) {
        let unc = resolved.uncertain();
        let unused = posterior
            .reference
            .params
            .iter()
            .filter(|p| !unc.iter().any(|u| &u.path == *p))
            .cloned()
            .collect();
        (Self::build(resolved, posterior), unused)
    }

    fn build(resolved: &'a Resolved, posterior: &'a Posterior) -> Self {
        let unc = resolved.uncertain();
        let nodes = super::calibrate::dist_segments(resolved);
        let paths: Vec<String> = unc.iter().map(|u| u.path.clone()).collect();
        let columns = paths
            .iter()
            .map(|p| posterior.reference.params.iter().position(|q| q == p))
            .collect();
        PosteriorSim {
            layout: series_layout(&resolved.scenario),
            resolved,
            posterior,
            nodes,
            paths,
            columns,
            dists: unc.into_iter().map(|u| u.dist).collect(),
        }
    }
}

/// `compare --posterior`: per scenario, its [`PosteriorSim::matching`] (`None` for a scenario that
/// takes none of the posterior's parameters: it runs from its priors, as without the flag), and the
/// `(scenario name, parameter)` pairs of posterior parameters a scenario does not take. A usage error
/// when no scenario takes any.
#[allow(clippy::type_complexity)]
pub fn for_compare<'a>(
    scenarios: &[(&'a Resolved, &str)],
    posterior: &'a Posterior,
) -> Result<(Vec<Option<PosteriorSim<'a>>>, Vec<(String, String)>), String> {
    let mut sims = Vec::with_capacity(scenarios.len());
    let mut unused = Vec::new();
    for (r, name) in scenarios {
        let (sim, left) = PosteriorSim::matching(r, posterior);
        let takes = left.len() < posterior.reference.params.len();
        unused.extend(left.into_iter().map(|p| (name.to_string(), p)));
        sims.push(takes.then_some(sim));
    }
    if sims.iter().all(Option::is_none) {
        return Err(format!(
            "--posterior {}: none of its parameters ({}) is an uncertain parameter of the scenarios compared",
            posterior.reference.path,
            posterior.reference.params.join(", ")
        ));
    }
    Ok((sims, unused))
}

/// Why `sensitivity --posterior` is refused (exit 2).
pub const SENSITIVITY_REFUSAL: &str = "sensitivity does not take --posterior: Sobol indices \
     (Saltelli 2010, Jansen) assume independent inputs, and a posterior's parameters are dependent (the \
     data constrain combinations of them). For the parameters that matter under the posterior, run \
     `crossroads run FILE --posterior DIR` and then `crossroads drivers` on that folder (PAWN \
     given-data indices from the runs as drawn: with dependent inputs each measures a parameter's \
     association with the outcome, including through the parameters it moves with); or \
     `sweep --posterior` for chosen parameters.";

impl Simulate for PosteriorSim<'_> {
    fn layout(&self) -> &[SeriesKey] {
        &self.layout
    }
    fn ticks(&self) -> u32 {
        self.resolved.scenario.run.horizon + 1
    }
    fn run(&self, seed: u64, run: u64, opts: &RunOptions) -> Result<RunOutput, ModelError> {
        let streams = Streams::new(seed, run);
        let j = self.posterior.draw(seed, run);
        let theta: Vec<f64> = self
            .columns
            .iter()
            .zip(&self.paths)
            .zip(&self.dists)
            .map(|((c, path), d)| match c {
                Some(c) => self.posterior.rows[j][*c],
                None => d.sample(&mut streams.get(&format!("param/{path}"))),
            })
            .collect();
        let s = realise_with(self.resolved, &self.nodes, &theta)
            .map_err(|e| ModelError(format!("realising the posterior draw: {e}")))?;
        let mut out = schedule::simulate(&s, &streams, opts)?;
        out.params = self.paths.iter().cloned().zip(theta).collect();
        Ok(out)
    }
}
