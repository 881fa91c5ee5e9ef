//! Checks of the citizens' initial opinions (docs/model.md 7.2.1): each dimension's marginal
//! distribution (the short form `mean`/`sd` or a `distribution`, not both) and the correlation
//! matrix of the Gaussian copula (square over the scenario's dimensions, symmetric, unit diagonal,
//! entries in [−1, 1], positive semi-definite), each problem located at the offending value. Called
//! from [`super::validate`].

use super::{Ctx, NONNEG, POS, UNIT};
use crate::portable::linalg::cholesky_psd;
use crate::scenario::param::Param;
use crate::scenario::schema::{InitialOpinion, Marginal, Population};

/// Tolerance of the symmetry check of a correlation matrix.
const SYMMETRY_TOL: f64 = 1e-9;

/// One `population.opinions[j]` entry at path `q`.
pub(super) fn initial_opinion(c: &mut Ctx, q: &str, o: &InitialOpinion) {
    match (&o.distribution, &o.mean, &o.sd) {
        (Some(m), mean, sd) => {
            if mean.is_some() || sd.is_some() {
                let at = if mean.is_some() { "mean" } else { "sd" };
                c.err(
                    &format!("{q}.{at}"),
                    "give either `mean` and `sd` (a truncated normal) or a `distribution`, not both",
                );
            }
            marginal(c, &format!("{q}.distribution"), m);
        }
        (None, Some(mean), Some(sd)) => {
            c.param(&format!("{q}.mean"), mean, UNIT);
            c.param(&format!("{q}.sd"), sd, NONNEG);
        }
        (None, _, _) => c.err(
            q,
            format!(
                "dimension `{}` needs `mean` and `sd`, or a `distribution`",
                o.dimension
            ),
        ),
    }
}

/// A marginal distribution at path `q`.
fn marginal(c: &mut Ctx, q: &str, m: &Marginal) {
    match m {
        Marginal::TruncNormal { mean, sd } => {
            c.param(&format!("{q}.mean"), mean, UNIT);
            c.param(&format!("{q}.sd"), sd, NONNEG);
        }
        Marginal::Uniform { lo, hi } => {
            c.param(&format!("{q}.lo"), lo, UNIT);
            c.param(&format!("{q}.hi"), hi, UNIT);
            if let (Param::Fixed(a), Param::Fixed(b)) = (lo, hi) {
                if a > b {
                    c.err(
                        &format!("{q}.hi"),
                        format!("Uniform needs lo ≤ hi, found lo {a} > hi {b}"),
                    );
                }
            }
        }
        Marginal::Beta { a, b } => {
            c.param(&format!("{q}.a"), a, POS);
            c.param(&format!("{q}.b"), b, POS);
        }
        Marginal::Mixture(parts) => {
            if parts.is_empty() {
                c.err(q, "a Mixture needs at least one component");
            }
            let mut any_positive = false;
            for (k, (w, d)) in parts.iter().enumerate() {
                c.param(&format!("{q}[0][{k}][0]"), w, NONNEG);
                any_positive |= !matches!(w, Param::Fixed(x) if *x <= 0.0);
                marginal(c, &format!("{q}[0][{k}][1]"), d);
            }
            if !parts.is_empty() && !any_positive {
                c.err(q, "a Mixture's weights must have a positive sum");
            }
        }
    }
}

/// `population.correlation` at path `q`.
pub(super) fn correlation(c: &mut Ctx, q: &str, pop: &Population) {
    let Some(r) = &pop.correlation else {
        return;
    };
    let k = c.s.dimensions.len();
    if r.len() != k {
        c.err(
            q,
            format!(
                "`correlation` must be a {k} × {k} matrix over the scenario's {k} dimensions, found {} rows",
                r.len()
            ),
        );
        return;
    }
    let mut ok = true;
    for (i, row) in r.iter().enumerate() {
        if row.len() != k {
            c.err(
                &format!("{q}[{i}]"),
                format!(
                    "row {i} of `correlation` must have {k} entries, found {}",
                    row.len()
                ),
            );
            ok = false;
            continue;
        }
        for (j, &v) in row.iter().enumerate() {
            let at = format!("{q}[{i}][{j}]");
            if !v.is_finite() || !(-1.0..=1.0).contains(&v) {
                c.err(&at, format!("a correlation must be in [−1, 1], found {v}"));
                ok = false;
            } else if i == j && v != 1.0 {
                c.err(
                    &at,
                    format!("the diagonal of `correlation` must be 1, found {v}"),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return;
    }
    for (i, row) in r.iter().enumerate() {
        for (j, &v) in row.iter().enumerate().take(i) {
            if (v - r[j][i]).abs() > SYMMETRY_TOL {
                c.err(
                    &format!("{q}[{i}][{j}]"),
                    format!(
                        "`correlation` must be symmetric: [{i}][{j}] = {} but [{j}][{i}] = {}",
                        v, r[j][i]
                    ),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return;
    }
    if let Err(j) = cholesky_psd(&r.concat(), k) {
        c.err(
            q,
            format!(
                "`correlation` is not positive semi-definite (no Gaussian copula has it; its Cholesky \
                 factorisation fails at column {j}, dimension `{}`)",
                c.s.dimensions[j].id
            ),
        );
    }
}
