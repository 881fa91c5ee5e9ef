//! Initial opinions of a country's citizens (docs/model.md 7.2.1): a marginal distribution on
//! `[0, 1]` per dimension (truncated normal, uniform, beta, or a finite mixture of these) and an
//! optional Gaussian copula (Nelsen 2006, *An Introduction to Copulas*, 2nd ed., Springer, ch. 5)
//! that correlates the dimensions.
//!
//! **Stream use** (all draws from the country's `population/<id>` stream, the one the legacy
//! truncated-normal start uses):
//! * Without a correlation matrix: citizen-major (`i` outer, `d` inner), one [`Marg::sample`] per
//!   opinion; then all susceptibilities, then all resiliences. A truncated normal draws exactly as
//!   [`super::opinion::Population::truncated_normal`], so the short form `mean`/`sd` and
//!   `TruncNormal(mean, sd)` give the same bits; a uniform takes one [`uniform01`]; a beta two
//!   gamma draws ([`beta`]); a mixture one [`uniform01`] to pick the component, then the component's
//!   draws.
//! * With a correlation matrix `R`: per citizen, `k` standard normals `z` ([`std_normal`], `k` the
//!   number of dimensions), `y = L z` with `L` the Cholesky factor of `R`, then `x_d = F_d⁻¹(Φ(y_d))`
//!   (no further draws); then all susceptibilities, then all resiliences.

use super::opinion::{OpinionError, Population};
use crate::portable::linalg::cholesky_psd;
use crate::portable::math::{beta_inc, beta_ppf, norm_cdf, norm_ppf, solve_increasing};
use crate::portable::sample::{TruncNormal, beta, std_normal, uniform01};
use crate::scenario::schema::Marginal;
use rand_chacha::ChaCha8Rng;

/// A compiled marginal distribution on `[0, 1]` (all parameters fixed).
#[derive(Debug, Clone, PartialEq)]
pub enum Marg {
    /// Normal(`mean`, `sd`) truncated to `[0, 1]`.
    TruncNormal { tn: TruncNormal, mean: f64, sd: f64 },
    /// Uniform on `[lo, hi]`.
    Uniform { lo: f64, hi: f64 },
    /// Beta(`a`, `b`).
    Beta { a: f64, b: f64 },
    /// Components with cumulative normalised weights (the last is 1).
    Mixture(Vec<(f64, Marg)>),
}

impl Marg {
    /// Normal(`mean`, `sd`) truncated to `[0, 1]`.
    pub fn trunc_normal(mean: f64, sd: f64) -> Self {
        Marg::TruncNormal {
            tn: TruncNormal::new(mean, sd, 0.0, 1.0),
            mean,
            sd,
        }
    }

    /// Compiles a scenario marginal (its parameters realised).
    pub fn from_schema(m: &Marginal) -> Result<Self, OpinionError> {
        let bad = |what: &str| Err(OpinionError(what.into()));
        Ok(match m {
            Marginal::TruncNormal { mean, sd } => Marg::trunc_normal(mean.value(), sd.value()),
            Marginal::Uniform { lo, hi } => {
                let (lo, hi) = (lo.value(), hi.value());
                if !(0.0..=hi).contains(&lo) || hi > 1.0 {
                    return bad("Uniform needs 0 ≤ lo ≤ hi ≤ 1");
                }
                Marg::Uniform { lo, hi }
            }
            Marginal::Beta { a, b } => {
                let (a, b) = (a.value(), b.value());
                if !(a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite()) {
                    return bad("Beta needs a, b > 0");
                }
                Marg::Beta { a, b }
            }
            Marginal::Mixture(parts) => {
                let total: f64 = parts.iter().map(|(w, _)| w.value()).sum();
                if parts
                    .iter()
                    .any(|(w, _)| w.value().is_nan() || w.value() < 0.0)
                    || total.is_nan()
                    || total <= 0.0
                {
                    return bad("Mixture needs weights ≥ 0 with a positive sum");
                }
                let mut cum = 0.0;
                let mut out = Vec::with_capacity(parts.len());
                for (k, (w, m)) in parts.iter().enumerate() {
                    cum += w.value() / total;
                    let c = if k + 1 == parts.len() { 1.0 } else { cum };
                    out.push((c, Marg::from_schema(m)?));
                }
                Marg::Mixture(out)
            }
        })
    }

    /// One draw (see the module doc for the generator calls).
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Marg::TruncNormal { tn, .. } => tn.sample(rng),
            Marg::Uniform { lo, hi } => lo + (hi - lo) * uniform01(rng),
            Marg::Beta { a, b } => beta(rng, *a, *b).clamp(0.0, 1.0),
            Marg::Mixture(parts) => {
                let u = uniform01(rng);
                let k = parts
                    .iter()
                    .position(|(c, _)| u < *c)
                    .unwrap_or(parts.len() - 1);
                parts[k].1.sample(rng)
            }
        }
    }

    /// The CDF at `x`.
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            Marg::TruncNormal { tn, .. } => tn.cdf(x),
            Marg::Uniform { lo, hi } => {
                if x < *lo {
                    0.0
                } else if x >= *hi {
                    1.0
                } else {
                    (x - lo) / (hi - lo)
                }
            }
            Marg::Beta { a, b } => beta_inc(*a, *b, x.clamp(0.0, 1.0)),
            Marg::Mixture(parts) => {
                let mut prev = 0.0;
                let mut f = 0.0;
                for (c, m) in parts {
                    f += (c - prev) * m.cdf(x);
                    prev = *c;
                }
                f
            }
        }
    }

    /// The quantile `F⁻¹(u)` for `u` in `[0, 1]`, in `[0, 1]`: closed forms for the uniform and the
    /// truncated normal (`mean + sd Φ⁻¹(Φ(a) + u (Φ(b) − Φ(a)))`), [`beta_ppf`] for the beta, and
    /// bisection on the CDF ([`solve_increasing`] without a derivative) for a mixture.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        let x = match self {
            Marg::TruncNormal { mean, sd, .. } => {
                if !sd.is_finite() || *sd <= 0.0 || !mean.is_finite() {
                    *mean
                } else {
                    let (pa, pb) = (norm_cdf(-mean / sd), norm_cdf((1.0 - mean) / sd));
                    if pb - pa <= 0.0 {
                        *mean
                    } else {
                        mean + sd * norm_ppf(pa + u * (pb - pa))
                    }
                }
            }
            Marg::Uniform { lo, hi } => lo + (hi - lo) * u,
            Marg::Beta { a, b } => beta_ppf(*a, *b, u),
            Marg::Mixture(_) => solve_increasing(|x| self.cdf(x) - u, |_| f64::NAN, 0.0, 1.0, 0.5),
        };
        if x.is_nan() { 0.5 } else { x.clamp(0.0, 1.0) }
    }
}

/// `n` citizens with opinions drawn from `marginals` (one per dimension), coupled by the Gaussian
/// copula of the correlation matrix `corr` (row-major `k × k`, `k = marginals.len()`) when given;
/// susceptibility and resilience from truncated normals `(mean, sd)` as in
/// [`Population::truncated_normal`]. Draw order: the module doc.
pub fn draw_population(
    n: u32,
    marginals: &[Marg],
    corr: Option<&[f64]>,
    susceptibility: (f64, f64),
    resilience: (f64, f64),
    rng: &mut ChaCha8Rng,
) -> Result<Population, OpinionError> {
    let k = marginals.len();
    if k == 0 {
        return Err(OpinionError("at least one opinion dimension".into()));
    }
    let mut opinions = Vec::with_capacity(n as usize * k);
    match corr {
        None => {
            for _ in 0..n {
                for m in marginals {
                    opinions.push(m.sample(rng));
                }
            }
        }
        Some(r) => {
            if r.len() != k * k {
                return Err(OpinionError("correlation matrix of the wrong size".into()));
            }
            let l = cholesky_psd(r, k).map_err(|j| {
                OpinionError(format!(
                    "correlation matrix is not positive semi-definite (column {j})"
                ))
            })?;
            let mut z = vec![0.0; k];
            for _ in 0..n {
                for v in z.iter_mut() {
                    *v = std_normal(rng);
                }
                for (d, m) in marginals.iter().enumerate() {
                    let mut y = 0.0;
                    for t in 0..=d {
                        y += l[d * k + t] * z[t];
                    }
                    opinions.push(m.quantile(norm_cdf(y)));
                }
            }
        }
    }
    let tn = |(m, s): (f64, f64)| TruncNormal::new(m, s, 0.0, 1.0);
    let (ts, tr) = (tn(susceptibility), tn(resilience));
    let susceptibility = (0..n).map(|_| ts.sample(rng)).collect();
    let resilience = (0..n).map(|_| tr.sample(rng)).collect();
    Population::from_parts(k, opinions, susceptibility, resilience)
}

/// A country's initial population from its scenario block: the legacy truncated-normal start
/// ([`Population::truncated_normal`], unchanged draws) when no dimension names a `distribution` and
/// there is no `correlation`, else [`draw_population`]. Dimensions not listed start at
/// `TruncNormal(0.5, 0.15)`.
pub fn population_of(
    ids: &super::compile::Ids,
    p: &crate::scenario::schema::Population,
    nd: usize,
    rng: &mut ChaCha8Rng,
) -> Result<Population, String> {
    let susc = (p.susceptibility.mean.value(), p.susceptibility.sd.value());
    let res = (p.resilience.mean.value(), p.resilience.sd.value());
    let short = |o: &crate::scenario::schema::InitialOpinion| {
        let v = |x: &Option<crate::scenario::Param>, d: f64| x.as_ref().map_or(d, |x| x.value());
        (v(&o.mean, 0.5), v(&o.sd, 0.15))
    };
    if p.correlation.is_none() && p.opinions.iter().all(|o| o.distribution.is_none()) {
        let mut init = vec![(0.5, 0.15); nd];
        for o in &p.opinions {
            init[ids.dim(&o.dimension).map_err(|e| e.0)?] = short(o);
        }
        return Population::truncated_normal(p.size, &init, susc, res, rng)
            .map_err(|e| e.to_string());
    }
    let mut marginals = vec![Marg::trunc_normal(0.5, 0.15); nd];
    for o in &p.opinions {
        marginals[ids.dim(&o.dimension).map_err(|e| e.0)?] = match &o.distribution {
            Some(m) => Marg::from_schema(m).map_err(|e| e.to_string())?,
            None => {
                let (m, s) = short(o);
                Marg::trunc_normal(m, s)
            }
        };
    }
    let corr: Option<Vec<f64>> = p.correlation.as_ref().map(|r| r.concat());
    draw_population(p.size, &marginals, corr.as_deref(), susc, res, rng).map_err(|e| e.to_string())
}
