//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC): the numerical core of
//! `crossroads calibrate`, with no IO and no model (the simulator is a closure).
//!
//! # Algorithm
//!
//! Toni, Welch, Strelkowa, Ipsen & Stumpf (2009), "Approximate Bayesian computation scheme for
//! parameter inference and model selection in dynamical systems", J. R. Soc. Interface 6(31), with the
//! importance weights of Beaumont, Cornuet, Marin & Robert (2009), "Adaptive approximate Bayesian
//! computation", Biometrika 96(4) (ABC population Monte Carlo):
//!
//! - generation 0 draws `N` particles from the prior and accepts them all (tolerance ε₀ = ∞), each
//!   with weight `1/N`;
//! - generation `t ≥ 1`: an *attempt* picks an ancestor `θ_j` of generation `t − 1` with probability
//!   `w_j`, perturbs it with the kernel `K_t` (always inside the prior's support), simulates it and
//!   accepts it when the distance `d ≤ ε_t`; attempts go on until `N` are accepted. An accepted `θ`
//!   gets the weight `w ∝ π(θ) / Σ_j w_j^{t−1} K_t(θ | θ_j)` (Beaumont et al. 2009, eq. 3),
//!   normalised to sum 1.
//!
//! **Kernel.** Beaumont et al. (2009): component-wise normal random walk with twice the weighted
//! variance of generation `t − 1` (`σ_d = √2 sd_w(θ_d)`), here truncated to the prior's support
//! `[a_d, b_d]` and drawn exactly ([`crate::portable::sample::TruncNormal`]), so no proposal is
//! wasted outside it. Its density includes each source's truncation constant,
//! `K(θ | θ_i) = Π_d φ((θ_d − θ_i,d)/σ_d) / σ_d / (Φ((b_d − θ_i,d)/σ_d) − Φ((a_d − θ_i,d)/σ_d))`,
//! which depends on the source and so does not cancel in the weights. (Toni et al. 2009's scheme,
//! an untruncated kernel whose out-of-support proposals are rejected and the ancestor picked anew,
//! is also exact, but with the baseline's 43 parameters nearly every proposal fell outside some
//! bound.) The component-wise kernel ignores correlations between parameters (the multivariate
//! "standard" kernel of Filippi, Barnes, Cornebise & Stumpf 2013, Stat. Appl. Genet. Mol. Biol.
//! 12(1), truncated to a box has no closed-form constant). A parameter written as `Choice([...])` is
//! discrete: it stays with probability `1 − DISCRETE_MOVE` and otherwise moves to one of its other
//! values, uniformly (the model-index kernel of Toni et al. 2009, own choice of [`DISCRETE_MOVE`]).
//! A distribution with a single value (`Uniform(a, a)`, `Normal(m, 0)`, ...) is kept at that value.
//!
//! **Adaptive tolerance.** Del Moral, Doucet & Jasra (2012), "An adaptive sequential Monte Carlo
//! method for approximate Bayesian computation", Stat. Comput. 22(5): the next tolerance keeps a
//! fraction `α` of the current population's effective sample size. Here: sort generation `t`'s
//! particles by distance; `ε_{t+1}` is the smallest of their distances such that the particles with
//! `d ≤ ε_{t+1}`, with their weights, have an ESS of at least `α · ESS_t`
//! (ESS `= (Σw)² / Σw²`). With equal weights this is the `α`-quantile of the distances (the rule of
//! Drovandi & Pettitt 2011 and pyabc's default); the default `α = 0.5` is Del Moral et al.'s
//! (own choice among their values 0.5–0.95, favouring speed).
//!
//! **Stopping.** After `generations` generations; when a generation cannot reach `N` acceptances
//! within `⌈N / min_acceptance⌉` simulations (its acceptance rate is below `min_acceptance`: that
//! generation is dropped and the previous one is the posterior); when the tolerance stops
//! decreasing; when the stop flag is raised (the generation in progress is dropped).
//!
//! # Determinism
//!
//! Attempt `k` of generation `g` draws only from the named streams of
//! [`Streams::new`]`(seed, g · 2⁴⁰ + k)`: `abc/propose` for the ancestor and the perturbation, the
//! simulator's own streams for the rest (generation 0 draws parameter `p` from `param/<p>`, as run `k`
//! of `crossroads run` does). Attempts run in blocks on the rayon pool of the caller; a block's size
//! depends only on counts already known, and its results are scanned in attempt order, so the
//! accepted particles, and every output, are the same on any number of threads.

use crate::model::rng::{Streams, below, uniform01};
use crate::portable::math::{ln, norm_cdf, norm_sf};
use crate::portable::sample::TruncNormal;
use crate::scenario::Dist;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Probability that the kernel moves a discrete (`Choice`) parameter to another of its values.
pub const DISCRETE_MOVE: f64 = 0.3;

/// Attempt `k` of generation `g` uses the streams of run `g << GENERATION_SHIFT | k`.
pub const GENERATION_SHIFT: u32 = 40;

/// Default ESS fraction `α` kept by the adaptive tolerance.
pub const DEFAULT_ESS_FRACTION: f64 = 0.5;

/// Fewest and most attempts per parallel block.
const MIN_BLOCK: usize = 32;
const MAX_BLOCK: usize = 16_384;

/// Most proposals (in and out of the prior's support) per generation before giving up.
pub const MAX_PROPOSALS_PER_PARTICLE: u64 = 1_000_000;

/// One uncertain parameter: its name (`--set` path) and prior.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    pub name: String,
    pub dist: Dist,
}

/// Settings of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Particles per generation (N ≥ 1).
    pub particles: usize,
    /// Most generations, generation 0 (the prior) included (≥ 1).
    pub generations: usize,
    /// A generation whose acceptance rate falls below this is dropped and the calibration stops;
    /// 0: no such limit.
    pub min_acceptance: f64,
    /// `α`: the fraction of the ESS the next tolerance keeps, in (0, 1).
    pub ess_fraction: f64,
    pub seed: u64,
    /// The perturbation kernel.
    pub kernel: KernelKind,
}

/// Which perturbation kernel a calibration uses (`crossroads calibrate --kernel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KernelKind {
    /// The same for every source (default): per parameter `√2 ×` the weighted sd of the previous
    /// generation (Beaumont et al. 2009's component-wise kernel), truncated to the prior.
    #[default]
    Global,
    /// Locally adapted: per source particle and parameter, the spread of the previous generation's
    /// particles within the new tolerance around that particle (the diagonal of Filippi et al.
    /// 2013's optimal local covariance matrix, OLCM), truncated to the prior. Not the default: on
    /// the observed baseline (43 parameters) its weights degenerated faster (docs/outputs.md).
    Local,
}

impl KernelKind {
    /// The name on the command line and in manifest.json.
    pub fn name(self) -> &'static str {
        match self {
            KernelKind::Local => "local",
            KernelKind::Global => "global",
        }
    }

    /// The kernel named `s` (`local`, `global`).
    pub fn parse(s: &str) -> Option<KernelKind> {
        match s {
            "local" => Some(KernelKind::Local),
            "global" => Some(KernelKind::Global),
            _ => None,
        }
    }
}

/// What the simulator returns for one parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Distance between the simulated and the observed data.
    pub distance: f64,
    /// What to keep with an accepted particle (the model's values of the observed quantities, for the
    /// posterior predictive).
    pub values: Vec<f64>,
}

/// One generation (population) of particles.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub index: usize,
    /// ε of the generation (`f64::INFINITY` for generation 0).
    pub tolerance: f64,
    /// Accepted parameter vectors, in attempt order.
    pub theta: Vec<Vec<f64>>,
    /// Normalised importance weights (sum 1).
    pub weights: Vec<f64>,
    pub distances: Vec<f64>,
    /// [`Evaluation::values`] of each particle.
    pub values: Vec<Vec<f64>>,
    /// Proposals up to the N-th acceptance, including those outside the prior's support.
    pub proposals: u64,
    /// Simulations up to the N-th acceptance (the acceptance rate's denominator).
    pub simulations: u64,
    /// Simulations run, including those of the last block past the N-th acceptance.
    pub simulations_run: u64,
    /// Effective sample size of the weights, `(Σw)² / Σw²`.
    pub ess: f64,
}

impl Generation {
    /// Accepted particles per simulation.
    pub fn acceptance_rate(&self) -> f64 {
        if self.simulations == 0 {
            return 0.0;
        }
        self.theta.len() as f64 / self.simulations as f64
    }
}

/// What the core reports while it works.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A block of attempts of generation `generation` was scanned.
    Block {
        generation: usize,
        tolerance: f64,
        accepted: usize,
        simulations: u64,
    },
    /// A generation is complete.
    Generation(&'a Generation),
}

/// Why a calibration stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// `generations` generations were made.
    Generations,
    /// Generation `generation` could not reach N acceptances within its simulation budget (acceptance
    /// below `min_acceptance`); it was dropped.
    MinAcceptance { generation: usize, accepted: usize },
    /// The next tolerance would not be smaller than the last one.
    Converged,
    /// The stop flag was raised during generation `generation`, which was dropped.
    Interrupted { generation: usize },
    /// A simulation failed (an error or a panic) at attempt `attempt` of generation `generation`.
    Failed {
        generation: usize,
        attempt: u64,
        message: String,
    },
}

impl End {
    /// A short machine-readable name (calibration.json `stop_reason`).
    pub fn name(&self) -> &'static str {
        match self {
            End::Generations => "generations",
            End::MinAcceptance { .. } => "min_acceptance",
            End::Converged => "converged",
            End::Interrupted { .. } => "interrupted",
            End::Failed { .. } => "failed",
        }
    }
}

/// The run index whose streams attempt `k` of generation `g` uses.
pub fn stream_run(generation: usize, attempt: u64) -> u64 {
    ((generation as u64) << GENERATION_SHIFT) | attempt
}

/// Effective sample size `(Σw)² / Σw²` (0 for no weight).
pub fn ess(w: &[f64]) -> f64 {
    let s: f64 = w.iter().sum();
    let s2: f64 = w.iter().map(|x| x * x).sum();
    if s2 > 0.0 { s * s / s2 } else { 0.0 }
}

/// The smallest distance `ε` among `d` such that the particles with `d ≤ ε` keep an ESS of at least
/// `alpha · ESS(w)` (Del Moral et al. 2012's rule; the `alpha`-quantile for equal weights).
pub fn next_tolerance(d: &[f64], w: &[f64], alpha: f64) -> f64 {
    let mut ix: Vec<usize> = (0..d.len()).collect();
    ix.sort_by(|&a, &b| d[a].total_cmp(&d[b]).then(a.cmp(&b)));
    let target = alpha * ess(w);
    let (mut s, mut s2) = (0.0, 0.0);
    let mut i = 0;
    while i < ix.len() {
        // Ties enter together.
        let here = d[ix[i]];
        while i < ix.len() && d[ix[i]] == here {
            s += w[ix[i]];
            s2 += w[ix[i]] * w[ix[i]];
            i += 1;
        }
        if s2 > 0.0 && s * s / s2 >= target * (1.0 - 1e-12) {
            return here;
        }
    }
    ix.last().map_or(f64::INFINITY, |&l| d[l])
}

/// Whether a distribution has a single value (kept fixed by the kernel).
pub fn is_point(d: &Dist) -> bool {
    let (lo, hi) = d.support();
    lo == hi
        || matches!(*d, Dist::Normal(_, sd) | Dist::TruncNormal(_, sd, _, _) if sd == 0.0)
        || matches!(*d, Dist::LogNormal(_, s) if s == 0.0)
}

/// The distinct values of a `Choice`, sorted, with their multiplicities.
fn choices(v: &[f64]) -> Vec<(f64, usize)> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    for x in s {
        match out.last_mut() {
            Some((y, c)) if *y == x => *c += 1,
            _ => out.push((x, 1)),
        }
    }
    out
}

/// The log prior density of `x` up to a constant that depends only on the distribution
/// (`-inf` outside the support). Constants cancel in the normalised weights.
pub fn log_prior(d: &Dist, x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NEG_INFINITY;
    }
    let inside = |lo: f64, hi: f64| x >= lo && x <= hi;
    match *d {
        Dist::Uniform(lo, hi) => {
            if inside(lo, hi) {
                0.0
            } else {
                f64::NEG_INFINITY
            }
        }
        Dist::Normal(m, sd) => {
            if sd == 0.0 {
                return if x == m { 0.0 } else { f64::NEG_INFINITY };
            }
            let z = (x - m) / sd;
            -0.5 * z * z
        }
        Dist::TruncNormal(m, sd, lo, hi) => {
            if !inside(lo, hi) {
                return f64::NEG_INFINITY;
            }
            if sd == 0.0 {
                return 0.0;
            }
            let z = (x - m) / sd;
            -0.5 * z * z
        }
        Dist::Beta(a, b) => {
            if !inside(0.0, 1.0) {
                return f64::NEG_INFINITY;
            }
            let term = |e: f64, v: f64| if e == 0.0 { 0.0 } else { e * v.ln() };
            term(a - 1.0, x) + term(b - 1.0, 1.0 - x)
        }
        Dist::Triangular(lo, mode, hi) => {
            if !inside(lo, hi) {
                return f64::NEG_INFINITY;
            }
            if hi == lo {
                return 0.0;
            }
            let p = if x < mode {
                2.0 * (x - lo) / ((hi - lo) * (mode - lo))
            } else if x > mode {
                2.0 * (hi - x) / ((hi - lo) * (hi - mode))
            } else {
                2.0 / (hi - lo)
            };
            p.ln()
        }
        Dist::LogNormal(mu, s) => {
            if x <= 0.0 {
                return f64::NEG_INFINITY;
            }
            if s == 0.0 {
                return if x == mu.exp() {
                    0.0
                } else {
                    f64::NEG_INFINITY
                };
            }
            let z = (x.ln() - mu) / s;
            -x.ln() - 0.5 * z * z
        }
        Dist::Choice(ref v) => {
            let c = v.iter().filter(|y| **y == x).count();
            if c == 0 {
                f64::NEG_INFINITY
            } else {
                (c as f64).ln()
            }
        }
    }
}

/// The normalised prior density of `x` (for charts): [`log_prior`] with its constant.
pub fn prior_pdf(d: &Dist, x: f64) -> f64 {
    let lp = log_prior(d, x);
    if lp == f64::NEG_INFINITY {
        return 0.0;
    }
    let sqrt_2pi = (2.0 * std::f64::consts::PI).sqrt();
    match *d {
        Dist::Uniform(lo, hi) => 1.0 / (hi - lo),
        Dist::Normal(_, sd) => lp.exp() / (sd * sqrt_2pi),
        Dist::TruncNormal(m, sd, lo, hi) => {
            let mass = norm_cdf((hi - m) / sd) - norm_cdf((lo - m) / sd);
            lp.exp() / (sd * sqrt_2pi * mass.max(1e-300))
        }
        Dist::Beta(a, b) => {
            use crate::portable::math::ln_gamma;
            (lp + ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b)).exp()
        }
        Dist::Triangular(..) => lp.exp(),
        Dist::LogNormal(_, s) => lp.exp() / (s * sqrt_2pi),
        Dist::Choice(ref v) => lp.exp() / v.len() as f64,
    }
}

/// How the kernel treats each parameter.
#[derive(Debug, Clone)]
enum Coord {
    /// Index into the continuous vector.
    Continuous(usize),
    /// A `Choice`: its distinct values.
    Discrete(Vec<f64>),
    Fixed,
}

/// The perturbation kernel of one generation: over the continuous coordinates a product of normals
/// truncated to the prior's support, `σ_d = √2 ×` the weighted sd of coordinate `d` (Beaumont et al.
/// 2009), so every proposal is inside the support; [`DISCRETE_MOVE`] over the discrete ones.
///
/// The density of `θ` given the source `θ_i` is
/// `Π_d φ((θ_d − θ_i,d)/σ_d) / σ_d / (Φ((b_d − θ_i,d)/σ_d) − Φ((a_d − θ_i,d)/σ_d))` on the support
/// `[a_d, b_d]` (infinite bounds allowed): the normalising constant depends on the source, so it does
/// not cancel in the importance weights (a source near a bound sends all its children inside, at a
/// higher density than the untruncated normal says).
#[derive(Debug, Clone)]
pub struct Kernel {
    coords: Vec<Coord>,
    dim: usize,
    /// `σ_d` of each continuous coordinate: one row shared by every source ([`Kernel::new`]), or
    /// one row per source particle ([`Kernel::local`]).
    sd: Vec<Vec<f64>>,
    /// `Σ_d ln σ_j,d` of each row (the density's normaliser, which differs between sources only in a
    /// local kernel).
    log_sd: Vec<f64>,
    /// The prior's support of each continuous coordinate.
    lo: Vec<f64>,
    hi: Vec<f64>,
}

/// The kernel's treatment of each parameter, the number of continuous ones and their supports.
fn coords_of(priors: &[Prior]) -> (Vec<Coord>, usize, Vec<f64>, Vec<f64>) {
    let mut dim = 0;
    let (mut lo, mut hi) = (Vec::new(), Vec::new());
    let coords: Vec<Coord> = priors
        .iter()
        .map(|p| match &p.dist {
            d if is_point(d) => Coord::Fixed,
            Dist::Choice(v) => {
                let c: Vec<f64> = choices(v).into_iter().map(|(x, _)| x).collect();
                if c.len() < 2 {
                    Coord::Fixed
                } else {
                    Coord::Discrete(c)
                }
            }
            d => {
                let (a, b) = d.support();
                lo.push(a);
                hi.push(b);
                dim += 1;
                Coord::Continuous(dim - 1)
            }
        })
        .collect();
    (coords, dim, lo, hi)
}

/// Raises every `σ` of a row that is not finite or below `10⁻⁶ ×` the row's largest (or `10⁻¹²`)
/// to that floor, so the kernel stays proper.
fn floor_row(sd: &mut [f64]) {
    let scale = sd
        .iter()
        .copied()
        .filter(|s| s.is_finite())
        .fold(0.0, f64::max);
    let floor = if scale > 0.0 { scale * 1e-6 } else { 1e-12 };
    for s in sd {
        if !(s.is_finite() && *s >= floor) {
            *s = floor;
        }
    }
}

impl Kernel {
    /// The global kernel for perturbing `theta` (weights `w`): per continuous coordinate, `√2 ×`
    /// the weighted sd, the same for every source. A coordinate without spread gets `10⁻⁶ ×` the
    /// largest `σ` (or `10⁻¹²`), so the kernel stays proper.
    pub fn new(priors: &[Prior], theta: &[Vec<f64>], w: &[f64]) -> Kernel {
        let (coords, dim, lo, hi) = coords_of(priors);
        let mut sd = Vec::with_capacity(dim);
        for (i, c) in coords.iter().enumerate() {
            if matches!(c, Coord::Continuous(_)) {
                let (_, s) = weighted_mean_sd(theta, w, i);
                sd.push(std::f64::consts::SQRT_2 * s);
            }
        }
        floor_row(&mut sd);
        Kernel {
            coords,
            dim,
            sd: vec![sd],
            // Shared by every source: cancels in the normalised weights.
            log_sd: vec![0.0],
            lo,
            hi,
        }
    }

    /// The locally adapted kernel (the diagonal of the optimal local covariance matrix, OLCM, of
    /// Filippi, Barnes, Cornebise & Stumpf 2013, §4.2): with `S` the particles of the previous
    /// generation (`theta`, weights `w`, distances `d`) within the new tolerance `eps` and `ω` their
    /// weights renormalised over `S`, the source `θ_j` gets per continuous coordinate
    /// `σ²_j,d = Σ_{k∈S} ω_k (θ_k,d − θ_j,d)² = Var_S(θ_d) + (mean_S(θ_d) − θ_j,d)²`.
    /// Filippi et al.'s kernel is the full matrix `Σ_k ω_k (θ_k − θ_j)(θ_k − θ_j)ᵀ`; its normal
    /// truncated to the prior's box has no closed-form constant, so the weights could not be exact;
    /// the diagonal keeps them exact at the price of ignoring correlations. An empty `S` (no
    /// particle within `eps`) falls back to the whole generation.
    pub fn local(priors: &[Prior], theta: &[Vec<f64>], w: &[f64], d: &[f64], eps: f64) -> Kernel {
        let (coords, dim, lo, hi) = coords_of(priors);
        let inside: Vec<usize> = (0..theta.len()).filter(|&k| d[k] <= eps).collect();
        let inside: Vec<usize> = if inside.iter().any(|&k| w[k] > 0.0) {
            inside
        } else {
            (0..theta.len()).collect()
        };
        let sub: Vec<Vec<f64>> = inside.iter().map(|&k| theta[k].clone()).collect();
        let sw: Vec<f64> = inside.iter().map(|&k| w[k]).collect();
        let mut moments = Vec::with_capacity(dim);
        for (i, c) in coords.iter().enumerate() {
            if matches!(c, Coord::Continuous(_)) {
                let (m, s) = weighted_mean_sd(&sub, &sw, i);
                moments.push((i, m, s * s));
            }
        }
        let sd: Vec<Vec<f64>> = theta
            .iter()
            .map(|t| {
                let mut row: Vec<f64> = moments
                    .iter()
                    .map(|&(i, m, v)| (v + (m - t[i]) * (m - t[i])).sqrt())
                    .collect();
                floor_row(&mut row);
                row
            })
            .collect();
        let log_sd = sd.iter().map(|r| r.iter().map(|s| ln(*s)).sum()).collect();
        Kernel {
            coords,
            dim,
            sd,
            log_sd,
            lo,
            hi,
        }
    }

    /// The `σ` row of source `j`.
    fn row(&self, j: usize) -> &[f64] {
        &self.sd[if self.sd.len() == 1 { 0 } else { j }]
    }

    /// `Σ_d ln σ_j,d` of source `j`, up to a constant shared by all sources.
    fn log_norm(&self, j: usize) -> f64 {
        self.log_sd[if self.log_sd.len() == 1 { 0 } else { j }]
    }

    /// Continuous coordinates perturbed.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// `σ_d` of the continuous coordinates from source `j`, in the parameters' order.
    pub fn sds(&self, j: usize) -> &[f64] {
        self.row(j)
    }

    /// A perturbation of `from`, always inside the prior's support: each continuous coordinate an
    /// exact truncated-normal draw ([`crate::portable::sample::TruncNormal`]), each discrete one two
    /// uniforms (drawn always).
    fn perturb(&self, j: usize, from: &[f64], rng: &mut rand_chacha::ChaCha8Rng) -> Vec<f64> {
        let sd = self.row(j);
        let mut out = from.to_vec();
        for (i, c) in self.coords.iter().enumerate() {
            match c {
                Coord::Continuous(a) => {
                    out[i] =
                        TruncNormal::new(from[i], sd[*a], self.lo[*a], self.hi[*a]).sample(rng);
                }
                Coord::Discrete(vals) => {
                    let moved = uniform01(rng) < DISCRETE_MOVE;
                    let other = below(rng, (vals.len() - 1) as u32) as usize;
                    if moved {
                        let cur = vals.iter().position(|v| *v == from[i]).unwrap_or(0);
                        out[i] = vals[if other >= cur { other + 1 } else { other }];
                    }
                }
                Coord::Fixed => {}
            }
        }
        out
    }

    /// `ln` of the truncation constant of the kernel from source `j` at `from`:
    /// `Σ_d ln(Φ((b_d − from_d)/σ_j,d) − Φ((a_d − from_d)/σ_j,d))` (0 when no bound is near).
    pub fn log_mass(&self, j: usize, from: &[f64]) -> f64 {
        let sd = self.row(j);
        let mut l = 0.0;
        for (i, c) in self.coords.iter().enumerate() {
            if let Coord::Continuous(a) = c {
                let s = sd[*a];
                let (al, be) = ((self.lo[*a] - from[i]) / s, (self.hi[*a] - from[i]) / s);
                // Each difference taken where it has no cancellation.
                let mass = if al > 0.0 {
                    norm_sf(al) - norm_sf(be)
                } else if be < 0.0 {
                    norm_cdf(be) - norm_cdf(al)
                } else {
                    1.0 - norm_cdf(al) - norm_sf(be)
                };
                l += ln(mass.max(1e-300));
            }
        }
        l
    }

    /// `ln K_j(to | from)` from source `j` without the truncation constant and without
    /// `Σ ln(σ_j,d √(2π))`: `−½ Σ_d z_d²` plus the discrete moves' log probabilities.
    fn log_shape(&self, to: &[f64], j: usize, from: &[f64]) -> f64 {
        let sd = self.row(j);
        let mut lp = 0.0;
        for (i, c) in self.coords.iter().enumerate() {
            match c {
                Coord::Continuous(a) => {
                    let z = (to[i] - from[i]) / sd[*a];
                    lp -= 0.5 * z * z;
                }
                Coord::Discrete(vals) => {
                    lp += if to[i] == from[i] {
                        ln(1.0 - DISCRETE_MOVE)
                    } else {
                        ln(DISCRETE_MOVE / (vals.len() - 1) as f64)
                    };
                }
                Coord::Fixed => {}
            }
        }
        lp
    }

    /// The normalised `ln K(to | from)` (density over the continuous coordinates, probability over
    /// the discrete ones; `to` inside the support).
    pub fn log_density(&self, to: &[f64], j: usize, from: &[f64]) -> f64 {
        let norm: f64 = self
            .row(j)
            .iter()
            .map(|s| ln(s * (2.0 * std::f64::consts::PI).sqrt()))
            .sum();
        self.log_shape(to, j, from) - norm - self.log_mass(j, from)
    }
}

/// `log Σ exp(x)` (stable; `-inf` for no finite term).
fn log_sum_exp(x: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = x.clone().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + x.map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// Sum of the log prior densities of a parameter vector.
pub fn log_prior_vec(priors: &[Prior], theta: &[f64]) -> f64 {
    priors
        .iter()
        .zip(theta)
        .map(|(p, x)| log_prior(&p.dist, *x))
        .sum()
}

/// The index `j` with `cum[j-1] ≤ u·total < cum[j]` (weighted choice by a cumulative table).
pub fn pick(cum: &[f64], u: f64) -> usize {
    let total = cum.last().copied().unwrap_or(0.0);
    let x = u * total;
    cum.partition_point(|c| *c <= x)
        .min(cum.len().saturating_sub(1))
}

/// Cumulative sums.
pub fn cumulative(w: &[f64]) -> Vec<f64> {
    let mut s = 0.0;
    w.iter()
        .map(|x| {
            s += x;
            s
        })
        .collect()
}

/// One attempt's result.
enum Attempt {
    /// The proposal fell outside the prior's support: nothing simulated.
    Outside,
    Simulated(Vec<f64>, Evaluation),
    Failed(String),
    /// The stop flag was raised before it started: not run (the generation is dropped).
    Stopped,
}

fn guarded<F>(simulate: &F, theta: &[f64], streams: &Streams) -> Result<Evaluation, String>
where
    F: Fn(&[f64], &Streams) -> Result<Evaluation, String> + Sync,
{
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| simulate(theta, streams))) {
        Ok(r) => r,
        Err(p) => Err(format!(
            "panicked: {}",
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into())
        )),
    }
}

/// What one generation's scan needs besides its index and tolerance.
struct Scan<'a> {
    priors: &'a [Prior],
    settings: &'a Settings,
    pool: &'a rayon::ThreadPool,
    stop: &'a AtomicBool,
    /// The previous generation (none for the prior) and the kernel perturbing its particles.
    prev: Option<&'a Generation>,
    kernel: Option<&'a Kernel>,
}

/// A generation's accepted particles (θ, distance, values) and its counts (proposals, simulations
/// counted, simulations run).
type Accepted = (Vec<Vec<f64>>, Vec<f64>, Vec<Vec<f64>>, (u64, u64, u64));

impl Scan<'_> {
    /// Scans generation `g`'s attempts in blocks, in attempt order, until `particles` are accepted
    /// within `tolerance`; `Err` is how the calibration ends instead (stop flag, a failed attempt,
    /// acceptance below `limits` = (most simulations, most proposals)).
    fn generation<F>(
        &self,
        g: usize,
        tolerance: f64,
        simulate: &F,
        (max_sims, max_proposals): (u64, u64),
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Accepted, End>
    where
        F: Fn(&[f64], &Streams) -> Result<Evaluation, String> + Sync,
    {
        let Scan {
            priors,
            settings,
            pool,
            stop,
            prev,
            kernel,
        } = *self;
        let n = settings.particles.max(1);
        let cum = prev.map(|p| cumulative(&p.weights)).unwrap_or_default();
        let attempt = |k: u64| -> Attempt {
            // Ctrl-C ends a block within one simulation, not after the whole block.
            if stop.load(Ordering::SeqCst) {
                return Attempt::Stopped;
            }
            let streams = Streams::new(settings.seed, stream_run(g, k));
            let theta: Vec<f64> = match (prev, &kernel) {
                (Some(p), Some(kern)) => {
                    let mut rng = streams.get("abc/propose");
                    let j = pick(&cum, uniform01(&mut rng));
                    let t = kern.perturb(j, &p.theta[j], &mut rng);
                    if log_prior_vec(priors, &t) == f64::NEG_INFINITY {
                        return Attempt::Outside;
                    }
                    t
                }
                _ => priors
                    .iter()
                    .map(|p| {
                        p.dist
                            .sample(&mut streams.get(&format!("param/{}", p.name)))
                    })
                    .collect(),
            };
            match guarded(simulate, &theta, &streams) {
                Ok(mut e) => {
                    if e.distance.is_nan() {
                        e.distance = f64::INFINITY;
                    }
                    Attempt::Simulated(theta, e)
                }
                Err(m) => Attempt::Failed(m),
            }
        };

        let mut theta = Vec::with_capacity(n);
        let mut distances = Vec::with_capacity(n);
        let mut values = Vec::with_capacity(n);
        let (mut proposals, mut sims, mut sims_run) = (0u64, 0u64, 0u64);
        let mut next: u64 = 0;
        let prev_rate = prev.map_or(1.0, |p| p.acceptance_rate());
        'attempts: while theta.len() < n {
            if stop.load(Ordering::SeqCst) {
                return Err(End::Interrupted { generation: g });
            }
            // Block size from counts known so far (never from the thread count).
            let remaining = (n - theta.len()) as f64;
            let rate = if sims >= 200 {
                (theta.len() as f64 / sims as f64).max(1e-6)
            } else {
                (0.5 * prev_rate).max(1e-6)
            };
            let block = if g == 0 {
                n.min(MAX_BLOCK)
            } else {
                ((remaining / rate).ceil() as usize).clamp(MIN_BLOCK, MAX_BLOCK)
            };
            let results: Vec<Attempt> = pool.install(|| {
                (next..next + block as u64)
                    .into_par_iter()
                    .map(attempt)
                    .collect()
            });
            for (i, r) in results.into_iter().enumerate() {
                let k = next + i as u64;
                match r {
                    Attempt::Stopped => return Err(End::Interrupted { generation: g }),
                    Attempt::Failed(message) => {
                        return Err(End::Failed {
                            generation: g,
                            attempt: k,
                            message,
                        });
                    }
                    Attempt::Outside => {
                        if theta.len() < n {
                            proposals += 1;
                        }
                    }
                    Attempt::Simulated(t, e) => {
                        sims_run += 1;
                        if theta.len() < n {
                            proposals += 1;
                            sims += 1;
                            if e.distance <= tolerance {
                                theta.push(t);
                                distances.push(e.distance);
                                values.push(e.values);
                            }
                        }
                    }
                }
                if theta.len() < n && (sims >= max_sims || proposals >= max_proposals) {
                    progress(Progress::Block {
                        generation: g,
                        tolerance,
                        accepted: theta.len(),
                        simulations: sims,
                    });
                    return Err(End::MinAcceptance {
                        generation: g,
                        accepted: theta.len(),
                    });
                }
            }
            next += block as u64;
            progress(Progress::Block {
                generation: g,
                tolerance,
                accepted: theta.len(),
                simulations: sims,
            });
            if theta.len() >= n {
                break 'attempts;
            }
        }
        Ok((theta, distances, values, (proposals, sims, sims_run)))
    }
}

/// Runs ABC-SMC: `simulate(θ, streams)` simulates the parameter vector `θ` (in the order of `priors`)
/// with the attempt's streams and returns its distance; attempts and weights are computed on `pool`.
/// Returns the completed generations (the last one is the posterior) and why it stopped.
pub fn run<F>(
    priors: &[Prior],
    settings: &Settings,
    pool: &rayon::ThreadPool,
    simulate: &F,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> (Vec<Generation>, End)
where
    F: Fn(&[f64], &Streams) -> Result<Evaluation, String> + Sync,
{
    let n = settings.particles.max(1);
    let max_sims: u64 = if settings.min_acceptance > 0.0 {
        (n as f64 / settings.min_acceptance).ceil() as u64
    } else {
        u64::MAX
    };
    let max_proposals = (n as u64).saturating_mul(MAX_PROPOSALS_PER_PARTICLE);
    let mut done: Vec<Generation> = Vec::new();
    for g in 0..settings.generations.max(1) {
        let (tolerance, kernel) = match done.last() {
            None => (f64::INFINITY, None),
            Some(prev) => {
                let eps = next_tolerance(&prev.distances, &prev.weights, settings.ess_fraction);
                if g >= 2 && eps >= prev.tolerance {
                    return (done, End::Converged);
                }
                let kernel = match settings.kernel {
                    KernelKind::Global => Kernel::new(priors, &prev.theta, &prev.weights),
                    KernelKind::Local => {
                        Kernel::local(priors, &prev.theta, &prev.weights, &prev.distances, eps)
                    }
                };
                (eps, Some(kernel))
            }
        };
        let prev = done.last();
        let limits = (max_sims, max_proposals);
        let scan = Scan {
            priors,
            settings,
            pool,
            stop,
            prev,
            kernel: kernel.as_ref(),
        };
        let (theta, distances, values, counts) =
            match scan.generation(g, tolerance, simulate, limits, progress) {
                Ok(a) => a,
                Err(end) => return (done, end),
            };
        let (proposals, sims, sims_run) = counts;
        let weights = match (prev, &kernel) {
            (Some(p), Some(kern)) => pool.install(|| importance_weights(priors, kern, &theta, p)),
            _ => vec![1.0 / n as f64; n],
        };
        let generation = Generation {
            index: g,
            tolerance,
            ess: ess(&weights),
            theta,
            weights,
            distances,
            values,
            proposals,
            simulations: sims,
            simulations_run: sims_run,
        };
        progress(Progress::Generation(&generation));
        done.push(generation);
    }
    (done, End::Generations)
}

/// Beaumont et al. (2009) weights of the accepted `theta` given the previous generation, normalised:
/// `w_i ∝ π(θ_i) / Σ_j w_j K(θ_i | θ_j)`, in log space.
pub fn importance_weights(
    priors: &[Prior],
    kernel: &Kernel,
    theta: &[Vec<f64>],
    prev: &Generation,
) -> Vec<f64> {
    // ln w_j minus the truncation constant and the normaliser Σ_d ln σ_j,d of the kernel from θ_j,
    // once per source.
    let source: Vec<f64> = prev
        .theta
        .par_iter()
        .zip(&prev.weights)
        .enumerate()
        .map(|(j, (tj, wj))| ln(*wj) - kernel.log_mass(j, tj) - kernel.log_norm(j))
        .collect();
    let logw: Vec<f64> = theta
        .par_iter()
        .map(|t| {
            let denom = log_sum_exp(
                prev.theta
                    .iter()
                    .zip(&source)
                    .enumerate()
                    .map(|(j, (tj, sj))| sj + kernel.log_shape(t, j, tj)),
            );
            log_prior_vec(priors, t) - denom
        })
        .collect();
    normalise_log(&logw)
}

/// `exp(l_i − max l)`, normalised to sum 1.
fn normalise_log(l: &[f64]) -> Vec<f64> {
    let m = l.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = l.iter().map(|x| (x - m).exp()).collect();
    let s: f64 = w.iter().sum();
    w.iter().map(|x| x / s).collect()
}

/// Weighted mean and sd of column `c`.
pub fn weighted_mean_sd(theta: &[Vec<f64>], w: &[f64], c: usize) -> (f64, f64) {
    let sw: f64 = w.iter().sum();
    let m = theta.iter().zip(w).map(|(t, w)| w * t[c]).sum::<f64>() / sw;
    let v = theta
        .iter()
        .zip(w)
        .map(|(t, w)| w * (t[c] - m) * (t[c] - m))
        .sum::<f64>()
        / sw;
    (m, v.max(0.0).sqrt())
}

/// Weighted quantile `q` of `x` (the smallest value whose cumulative weight reaches `q`).
pub fn weighted_quantile(x: &[f64], w: &[f64], q: f64) -> f64 {
    let mut ix: Vec<usize> = (0..x.len()).collect();
    ix.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let total: f64 = w.iter().sum();
    let mut s = 0.0;
    for &i in &ix {
        s += w[i];
        if s >= q * total * (1.0 - 1e-12) {
            return x[i];
        }
    }
    ix.last().map_or(f64::NAN, |&i| x[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::std_normal;

    fn no_stop() -> AtomicBool {
        AtomicBool::new(false)
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn ess_and_tolerance_by_hand() {
        // ESS of (1, 1, 2): (1+1+2)² / (1+1+4) = 16/6.
        assert!((ess(&[1.0, 1.0, 2.0]) - 16.0 / 6.0).abs() < 1e-12);
        // Equal weights: the alpha-quantile. Distances 5, 1, 4, 2, 3 with alpha 0.4: the two smallest
        // (1, 2) have ESS 2 = 0.4 · 5, so epsilon = 2.
        let w = [0.2; 5];
        assert_eq!(next_tolerance(&[5.0, 1.0, 4.0, 2.0, 3.0], &w, 0.4), 2.0);
        // Unequal weights: d = 1, 2, 3 with w = 0.7, 0.2, 0.1. ESS = 1/(0.49+0.04+0.01) = 1.852; half
        // is 0.926. Prefix {1}: ESS 1 ≥ 0.926, so epsilon = 1.
        assert_eq!(next_tolerance(&[1.0, 2.0, 3.0], &[0.7, 0.2, 0.1], 0.5), 1.0);
        // With alpha 0.6 the target is 1.111: prefix {1, 2}: 0.81/0.53 = 1.528 ≥ 1.111, epsilon = 2.
        assert_eq!(next_tolerance(&[1.0, 2.0, 3.0], &[0.7, 0.2, 0.1], 0.6), 2.0);
    }

    #[test]
    fn log_prior_support_and_shape() {
        assert_eq!(log_prior(&Dist::Uniform(0.0, 1.0), 1.5), f64::NEG_INFINITY);
        assert_eq!(log_prior(&Dist::Uniform(0.0, 1.0), 0.5), 0.0);
        let n = Dist::Normal(1.0, 2.0);
        // (3 - 1)/2 = 1 sd: -0.5.
        assert!((log_prior(&n, 3.0) + 0.5).abs() < 1e-15);
        assert_eq!(
            log_prior(&Dist::TruncNormal(0.0, 1.0, -1.0, 1.0), 1.1),
            f64::NEG_INFINITY
        );
        // Triangular(0, 1, 4) at 2: 2 (4 - 2) / (4 · 3) = 1/3.
        let t = log_prior(&Dist::Triangular(0.0, 1.0, 4.0), 2.0);
        assert!((t - (1.0f64 / 3.0).ln()).abs() < 1e-12);
        assert_eq!(
            log_prior(&Dist::Choice(vec![1.0, 2.0]), 1.5),
            f64::NEG_INFINITY
        );
        // Beta(2, 3) at 0.5: ln(0.5) + 2 ln(0.5).
        let b = log_prior(&Dist::Beta(2.0, 3.0), 0.5);
        assert!((b - 3.0 * 0.5f64.ln()).abs() < 1e-12);
        // The normalised pdf of Beta(2, 3) at 0.5: 12 · 0.5 · 0.25 = 1.5.
        assert!((prior_pdf(&Dist::Beta(2.0, 3.0), 0.5) - 1.5).abs() < 1e-9);
        assert!(is_point(&Dist::Uniform(2.0, 2.0)) && is_point(&Dist::Normal(1.0, 0.0)));
    }

    #[test]
    fn kernel_sd_is_root_two_times_the_weighted_sd() {
        // Two coordinates: points (0,0) w 0.5, (2,0) w 0.25, (0,4) w 0.25. Weighted variances:
        // x 0.5·0.25 + 0.25·2.25 + 0.25·0.25 = 0.75, y 0.5·1 + 0.25·1 + 0.25·9 = 3; σ² twice those.
        let priors = vec![
            Prior {
                name: "x".into(),
                dist: Dist::Uniform(-10.0, 10.0),
            },
            Prior {
                name: "y".into(),
                dist: Dist::Uniform(-10.0, 10.0),
            },
        ];
        let theta = vec![vec![0.0, 0.0], vec![2.0, 0.0], vec![0.0, 4.0]];
        let k = Kernel::new(&priors, &theta, &[0.5, 0.25, 0.25]);
        let v: Vec<f64> = k.sds(0).iter().map(|s| s * s).collect();
        assert!(
            (v[0] - 1.5).abs() < 1e-12 && (v[1] - 6.0).abs() < 1e-12,
            "{v:?}"
        );
    }

    /// The kernel's truncation constant by hand, and its density integrating to 1 over the support
    /// from a source next to a bound (where the untruncated normal would leave out 36% of the mass).
    #[test]
    fn truncated_kernel_is_normalised_on_the_support() {
        let priors = vec![Prior {
            name: "x".into(),
            dist: Dist::Uniform(0.0, 1.0),
        }];
        // Two particles 0.1 and 0.5, equal weights: sd 0.2, σ = 0.2√2 = 0.28284.
        let k = Kernel::new(&priors, &[vec![0.1], vec![0.5]], &[0.5, 0.5]);
        let s = k.sds(0)[0];
        assert!((s - 0.2 * std::f64::consts::SQRT_2).abs() < 1e-12);
        // From 0.1: Φ(0.9/σ) − Φ(−0.1/σ) = Φ(3.18198) − Φ(−0.35355) = 0.999269 − 0.361837 = 0.637432.
        assert!((k.log_mass(0, &[0.1]).exp() - 0.637_432).abs() < 2e-6);
        // Midpoint rule over [0, 1].
        let m = 100_000;
        let integral: f64 = (0..m)
            .map(|i| {
                k.log_density(&[(i as f64 + 0.5) / m as f64], 0, &[0.1])
                    .exp()
                    / m as f64
            })
            .sum();
        assert!((integral - 1.0).abs() < 1e-6, "{integral}");
        // Every draw stays inside, and their mean is the truncated normal's:
        // 0.1 + σ (φ(α) − φ(β)) / mass with α = −0.35355, β = 3.18198: 0.1 + 0.28284 · (0.37480
        // − 0.00252) / 0.637432 = 0.26516.
        let mut rng = Streams::new(1, 1).get("x");
        let n = 200_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let v = k.perturb(0, &[0.1], &mut rng)[0];
            assert!((0.0..=1.0).contains(&v));
            sum += v;
        }
        let mean = sum / n as f64;
        // The draws' sd is about 0.19, so the mean's standard error is 0.0004.
        assert!((mean - 0.26516).abs() < 0.002, "{mean}");
    }

    /// Weighted Kolmogorov–Smirnov distance between the particles of column `c` and the CDF `cdf`.
    fn ks(g: &Generation, c: usize, cdf: impl Fn(f64) -> f64) -> f64 {
        let mut ix: Vec<usize> = (0..g.theta.len()).collect();
        ix.sort_by(|&a, &b| g.theta[a][c].total_cmp(&g.theta[b][c]));
        let (mut cum, mut d) = (0.0f64, 0.0f64);
        for i in ix {
            let f = cdf(g.theta[i][c]);
            d = d.max((f - cum).abs());
            cum += g.weights[i];
            d = d.max((cum - f).abs());
        }
        d
    }

    /// Uninformative data: the distance is a uniform draw independent of the parameters, so every
    /// generation's posterior is the prior. Two Uniform priors (one on (0, 1), one on (−3, 5)); after
    /// 6 generations of 2,000 particles, seed 5, each weighted marginal must pass a Kolmogorov–Smirnov
    /// test against its prior at the 0.1% level with the ESS as the sample size (critical value
    /// 1.949 / √ESS; the particles descend from common ancestors, so the ESS overstates the
    /// independent sample size and a stricter level than 1% keeps the test from failing by chance).
    /// A kernel that clips proposals to the support, or one that ignored the support, fails it (the
    /// clipped one by about 0.1: mass piles up at the bounds). The truncation constant barely matters
    /// here (the kernel is 0.41 of the range wide and the population fills the range: at the fixed
    /// point the weights without it give a density 3.5% higher at a bound than at the centre, a KS
    /// distance of 0.003); `posterior_at_a_bound` is the test that needs it.
    #[test]
    fn uninformative_data_keep_the_uniform_prior() {
        uninformative(KernelKind::Global);
    }

    /// The same with the local kernel, whose widths differ between sources (a source far from the
    /// centre gets a wider kernel): its weights need each source's normaliser `Σ_d ln σ_j,d` as well
    /// as its truncation constant.
    #[test]
    fn uninformative_data_keep_the_uniform_prior_local_kernel() {
        uninformative(KernelKind::Local);
    }

    /// The importance weights exactly undo the kernel, whatever it is: from a previous generation
    /// of 300 prior draws (equal weights, all within the tolerance), 100,000 proposals (ancestor by
    /// weight, then the kernel) weighted by `π(θ) / Σ_j w_j K_j(θ | θ_j)` must reproduce the prior
    /// (importance sampling with the mixture as the proposal; no ABC noise). Priors Normal(0, 1)
    /// (unbounded: the local kernel's widths vary most, `σ_j² = Var + θ_j²`) and Uniform(0, 1)
    /// (bounded: sources near a bound lose up to half their kernel's mass). Checked per marginal:
    /// KS below the 0.1% critical value at the weights' ESS, the Normal's weighted sd within 2% of
    /// 1, the Uniform's weighted mass below 0.05 within 0.01 of 0.05. Weights that leave out the
    /// per-source normaliser (KS 0.011 against 0.007, sd 0.962) or the truncation constant (KS of
    /// the Uniform 0.0094) fail it with the local kernel. The global kernel's widths are the same
    /// for all sources and here wide (0.41 of the Uniform's range), so only its constant matters,
    /// and too little to fail this check: `posterior_at_a_bound` is its test.
    #[test]
    fn importance_weights_reproduce_the_prior() {
        let priors = vec![
            Prior {
                name: "n".into(),
                dist: Dist::Normal(0.0, 1.0),
            },
            Prior {
                name: "u".into(),
                dist: Dist::Uniform(0.0, 1.0),
            },
        ];
        let n = 300;
        let draws = |k: usize| -> Vec<f64> {
            let st = Streams::new(9, k as u64);
            priors
                .iter()
                .map(|p| p.dist.sample(&mut st.get(&p.name)))
                .collect()
        };
        let prev = Generation {
            index: 0,
            tolerance: f64::INFINITY,
            theta: (0..n).map(draws).collect(),
            weights: vec![1.0 / n as f64; n],
            distances: vec![0.0; n],
            values: vec![vec![]; n],
            proposals: n as u64,
            simulations: n as u64,
            simulations_run: n as u64,
            ess: n as f64,
        };
        for kind in [KernelKind::Global, KernelKind::Local] {
            let kernel = match kind {
                KernelKind::Global => Kernel::new(&priors, &prev.theta, &prev.weights),
                KernelKind::Local => {
                    Kernel::local(&priors, &prev.theta, &prev.weights, &prev.distances, 0.0)
                }
            };
            let cum = cumulative(&prev.weights);
            let mut rng = Streams::new(10, 0).get("abc/propose");
            let theta: Vec<Vec<f64>> = (0..100_000)
                .map(|_| {
                    let j = pick(&cum, uniform01(&mut rng));
                    kernel.perturb(j, &prev.theta[j], &mut rng)
                })
                .collect();
            let w = pool(2).install(|| importance_weights(&priors, &kernel, &theta, &prev));
            let g = Generation {
                ess: ess(&w),
                weights: w,
                theta,
                ..prev.clone()
            };
            let crit = 1.949 / g.ess.sqrt();
            let ks_n = ks(&g, 0, norm_cdf);
            let ks_u = ks(&g, 1, |x| x);
            let (_, sd) = weighted_mean_sd(&g.theta, &g.weights, 0);
            let low: f64 = g
                .theta
                .iter()
                .zip(&g.weights)
                .filter(|(t, _)| t[1] < 0.05)
                .map(|(_, w)| w)
                .sum();
            eprintln!(
                "{kind:?}: KS normal {ks_n:.4}, uniform {ks_u:.4}, critical {crit:.4}, sd {sd:.4}, P(u < 0.05) {low:.4}, ESS {:.0}",
                g.ess
            );
            assert!(
                ks_n < crit && ks_u < crit,
                "{kind:?}: KS {ks_n}, {ks_u} ≥ {crit}"
            );
            assert!((sd - 1.0).abs() < 0.02, "{kind:?}: sd {sd}");
            assert!((low - 0.05).abs() < 0.01, "{kind:?}: P(u < 0.05) {low}");
        }
    }

    /// Uninformative data with an unbounded Normal(0, 1) prior, where the local kernel's widths
    /// vary most: the particles within a tolerance that ignores θ are a random half of the
    /// population, so a source at θ_j gets `σ_j ≈ √(1 + θ_j²)`, about 2.7 times wider at 2.5 sd
    /// than at the centre. 6 generations of 2,000 particles, seed 5: the weighted marginal passes a
    /// Kolmogorov–Smirnov test against Φ at the 0.1% level (as in
    /// `uninformative_data_keep_the_uniform_prior`) and its weighted sd is within 5% of 1. A check
    /// that both kernels keep an unbounded prior, not a guard of the weights' normaliser: with the
    /// normaliser left out it still passed (sd 0.952); `importance_weights_reproduce_the_prior` is
    /// that guard.
    #[test]
    fn uninformative_data_keep_a_normal_prior() {
        for kernel in [KernelKind::Global, KernelKind::Local] {
            let (gens, _) = uninformative_run(
                vec![Prior {
                    name: "n".into(),
                    dist: Dist::Normal(0.0, 1.0),
                }],
                kernel,
            );
            let g = gens.last().unwrap();
            let crit = 1.949 / g.ess.sqrt();
            let d = ks(g, 0, norm_cdf);
            let (m, sd) = weighted_mean_sd(&g.theta, &g.weights, 0);
            eprintln!(
                "{kernel:?} kernel, normal prior: KS {d:.4}, critical {crit:.4}, mean {m:.4}, sd {sd:.4}, ESS {:.0}",
                g.ess
            );
            assert!(d < crit, "{kernel:?}: KS {d} ≥ {crit}");
            assert!((sd - 1.0).abs() < 0.05, "{kernel:?}: sd {sd}");
        }
    }

    /// 6 generations of 2,000 particles (seed 5, 2 threads) whose distance is pure noise (the data
    /// say nothing about θ), so the posterior must stay the prior.
    fn uninformative_run(priors: Vec<Prior>, kernel: KernelKind) -> (Vec<Generation>, End) {
        let sim = |_: &[f64], s: &Streams| -> Result<Evaluation, String> {
            Ok(Evaluation {
                distance: uniform01(&mut s.get("noise")),
                values: vec![],
            })
        };
        let settings = Settings {
            particles: 2000,
            generations: 6,
            min_acceptance: 0.0,
            ess_fraction: 0.5,
            kernel,
            seed: 5,
        };
        run(&priors, &settings, &pool(2), &sim, &no_stop(), &mut |_| {})
    }

    fn uninformative(kernel: KernelKind) {
        let (gens, end) = uninformative_run(
            vec![
                Prior {
                    name: "a".into(),
                    dist: Dist::Uniform(0.0, 1.0),
                },
                Prior {
                    name: "b".into(),
                    dist: Dist::Uniform(-3.0, 5.0),
                },
            ],
            kernel,
        );
        assert_eq!(end, End::Generations);
        let g = gens.last().unwrap();
        let crit = 1.949 / g.ess.sqrt();
        for (c, (lo, hi)) in [(0.0, 1.0), (-3.0, 5.0)].into_iter().enumerate() {
            let d = ks(g, c, |x| (x - lo) / (hi - lo));
            eprintln!(
                "{kernel:?} kernel, uniform prior {c}: KS {d:.4}, critical {crit:.4}, ESS {:.0}",
                g.ess
            );
            assert!(d < crit, "marginal {c}: KS {d} ≥ {crit}");
        }
    }

    /// A posterior against a bound of the prior, where the truncation constant matters: prior
    /// θ ~ Uniform(0, 1), the model's value θ observed as 0 with Gaussian error sd 0.1 (simulated as
    /// θ plus that error). The exact posterior is the normal N(0, 0.1²) restricted to [0, 1]: a
    /// half-normal, mean 0.1 √(2/π) = 0.079788, CDF 2Φ(x/0.1) − 1. The kernel is about 0.085 wide, so
    /// a source at 0 keeps only half of its untruncated mass inside: weights without the constant
    /// over-weight the particles near 0 (at the fixed point the density at 0 is 9% too high, the mean
    /// 0.0755, a KS distance of 0.028). 8 generations of 6,000 particles, seed 3: the weighted mean
    /// within 0.0025 of the exact one (about 3 standard errors at ESS 5,000 with sd 0.06) and the KS
    /// distance to the exact CDF below the 0.1% critical value 1.949 / √ESS.
    #[test]
    fn posterior_at_a_bound() {
        at_a_bound(KernelKind::Global);
    }

    /// The same with the local kernel: near the bound its sources are narrow (the particles within
    /// the tolerance sit close to 0), far from it wide, so both the truncation constant and the
    /// per-source normaliser matter.
    #[test]
    fn posterior_at_a_bound_local_kernel() {
        at_a_bound(KernelKind::Local);
    }

    fn at_a_bound(kernel: KernelKind) {
        let priors = vec![Prior {
            name: "theta".into(),
            dist: Dist::Uniform(0.0, 1.0),
        }];
        let sim = |t: &[f64], s: &Streams| -> Result<Evaluation, String> {
            let y = t[0] + 0.1 * std_normal(&mut s.get("noise"));
            Ok(Evaluation {
                distance: (y / 0.1).abs(),
                values: vec![],
            })
        };
        let settings = Settings {
            particles: 6000,
            generations: 8,
            min_acceptance: 0.0,
            ess_fraction: 0.5,
            kernel,
            seed: 3,
        };
        let (gens, _) = run(&priors, &settings, &pool(2), &sim, &no_stop(), &mut |_| {});
        let g = gens.last().unwrap();
        let (m, _) = weighted_mean_sd(&g.theta, &g.weights, 0);
        let d = ks(g, 0, |x| 2.0 * norm_cdf(x / 0.1) - 1.0);
        let crit = 1.949 / g.ess.sqrt();
        eprintln!(
            "{kernel:?} kernel at a bound: mean {m:.5}, KS {d:.4}, critical {crit:.4}, ESS {:.0}, eps {:.3}, gens {}",
            g.ess,
            g.tolerance,
            gens.len()
        );
        assert!((m - 0.079_788).abs() < 0.0025, "mean {m}");
        assert!(d < crit, "KS {d} ≥ {crit}");
    }

    /// The linear-Gaussian case with a known posterior: prior θ ~ N(0, 1), the model's value is θ,
    /// observed y = 1.2 with Gaussian error sd 0.5 (simulated as the value plus that error, so the
    /// ABC posterior tends to the exact one as ε → 0). Conjugate posterior: precision 1 + 1/0.25 = 5,
    /// mean (0/1 + 1.2/0.25)/5 = 0.96, sd sqrt(1/5) = 0.4472.
    fn linear_gaussian(
        particles: usize,
        generations: usize,
        threads: usize,
        kernel: KernelKind,
    ) -> Generation {
        let priors = vec![Prior {
            name: "theta".into(),
            dist: Dist::Normal(0.0, 1.0),
        }];
        let sim = |t: &[f64], s: &Streams| -> Result<Evaluation, String> {
            let y = t[0] + 0.5 * std_normal(&mut s.get("noise"));
            Ok(Evaluation {
                distance: ((y - 1.2) / 0.5).abs(),
                values: vec![t[0]],
            })
        };
        let settings = Settings {
            particles,
            generations,
            min_acceptance: 0.0,
            ess_fraction: 0.5,
            kernel,
            seed: 11,
        };
        let (gens, end) = run(
            &priors,
            &settings,
            &pool(threads),
            &sim,
            &no_stop(),
            &mut |_| {},
        );
        assert_eq!(end, End::Generations);
        gens.last().cloned().unwrap()
    }

    #[test]
    fn conjugate_posterior_recovered() {
        conjugate(KernelKind::Global);
    }

    #[test]
    fn conjugate_posterior_recovered_local_kernel() {
        conjugate(KernelKind::Local);
    }

    fn conjugate(kernel: KernelKind) {
        let g = linear_gaussian(2000, 10, 2, kernel);
        let (m, sd) = weighted_mean_sd(&g.theta, &g.weights, 0);
        eprintln!(
            "{kernel:?} kernel, conjugate: mean {m}, sd {sd}, eps {}, ess {}",
            g.tolerance, g.ess
        );
        // Tolerance: 0.03 on the mean and 5% on the sd. Over seeds 1 to 7 this setting gave means
        // 0.943–0.971 and sds 0.441–0.459 (spread about 0.009 and 0.006: the Monte Carlo error of
        // correlated particles with an ESS near 1600); at generation 9 ε ≈ 0.009 σ, so the
        // tolerance's own inflation of the variance (ε²/3 in σ² units) is negligible.
        assert!((m - 0.96).abs() < 0.03, "mean {m}");
        assert!((sd - 0.4472).abs() < 0.05 * 0.4472, "sd {sd}");
        assert!(g.tolerance < 0.02, "tolerance {}", g.tolerance);
    }

    #[test]
    fn deterministic_across_thread_counts() {
        for k in [KernelKind::Global, KernelKind::Local] {
            assert_eq!(linear_gaussian(300, 4, 1, k), linear_gaussian(300, 4, 2, k));
        }
    }

    #[test]
    fn min_acceptance_drops_the_generation() {
        let priors = vec![Prior {
            name: "theta".into(),
            dist: Dist::Uniform(0.0, 1.0),
        }];
        // A noisy distance: once the tolerance is below the noise, acceptance falls with it.
        let sim = |t: &[f64], s: &Streams| -> Result<Evaluation, String> {
            Ok(Evaluation {
                distance: (t[0] - 0.5 + 0.1 * std_normal(&mut s.get("noise"))).abs(),
                values: vec![],
            })
        };
        let settings = Settings {
            particles: 100,
            generations: 50,
            min_acceptance: 0.2,
            ess_fraction: 0.5,
            kernel: KernelKind::Global,
            seed: 3,
        };
        let (gens, end) = run(&priors, &settings, &pool(2), &sim, &no_stop(), &mut |_| {});
        let End::MinAcceptance { generation, .. } = end else {
            panic!("{end:?}");
        };
        assert_eq!(generation, gens.len());
        assert!(gens.iter().all(|g| g.acceptance_rate() >= 0.2));
    }

    #[test]
    fn stop_flag_keeps_finished_generations() {
        let priors = vec![Prior {
            name: "theta".into(),
            dist: Dist::Uniform(0.0, 1.0),
        }];
        let stop = AtomicBool::new(false);
        let sim = |t: &[f64], _: &Streams| -> Result<Evaluation, String> {
            Ok(Evaluation {
                distance: t[0],
                values: vec![],
            })
        };
        let settings = Settings {
            particles: 50,
            generations: 10,
            min_acceptance: 0.0,
            ess_fraction: 0.5,
            kernel: KernelKind::Global,
            seed: 3,
        };
        let (gens, end) = run(&priors, &settings, &pool(2), &sim, &stop, &mut |p| {
            if let Progress::Generation(g) = p {
                if g.index == 1 {
                    stop.store(true, Ordering::SeqCst);
                }
            }
        });
        assert_eq!(gens.len(), 2);
        assert_eq!(end, End::Interrupted { generation: 2 });
    }

    #[test]
    fn a_stop_ends_the_block_in_progress_within_a_simulation_per_thread() {
        // Generation 0 of 10,000 particles; the stop is raised by the 20th simulation. Attempts not
        // started by then are not run (without the check, the whole block would be).
        let priors = vec![Prior {
            name: "theta".into(),
            dist: Dist::Uniform(0.0, 1.0),
        }];
        let stop = AtomicBool::new(false);
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let sim = |t: &[f64], _: &Streams| -> Result<Evaluation, String> {
            if calls.fetch_add(1, Ordering::SeqCst) == 19 {
                stop.store(true, Ordering::SeqCst);
            }
            Ok(Evaluation {
                distance: t[0],
                values: vec![],
            })
        };
        let settings = Settings {
            particles: 10_000,
            generations: 3,
            min_acceptance: 0.0,
            ess_fraction: 0.5,
            kernel: KernelKind::Global,
            seed: 3,
        };
        let (gens, end) = run(&priors, &settings, &pool(2), &sim, &stop, &mut |_| {});
        assert!(gens.is_empty());
        assert_eq!(end, End::Interrupted { generation: 0 });
        let n = calls.load(Ordering::SeqCst);
        assert!(n < 100, "{n} simulations after the stop");
    }

    #[test]
    fn discrete_kernel_moves_and_weighs() {
        let priors = vec![Prior {
            name: "c".into(),
            dist: Dist::Choice(vec![1.0, 2.0, 3.0]),
        }];
        let k = Kernel::new(&priors, &[vec![1.0], vec![2.0]], &[0.5, 0.5]);
        assert_eq!(k.dim(), 0);
        let stay = k.log_density(&[2.0], 0, &[2.0]);
        let go = k.log_density(&[3.0], 0, &[2.0]);
        assert!((stay - 0.7f64.ln()).abs() < 1e-12 && (go - 0.15f64.ln()).abs() < 1e-12);
        let mut rng = Streams::new(1, 1).get("x");
        for _ in 0..100 {
            let v = k.perturb(0, &[2.0], &mut rng)[0];
            assert!([1.0, 2.0, 3.0].contains(&v));
        }
    }
}
