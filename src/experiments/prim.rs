//! PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999): peeling and pasting, as used for
//! scenario discovery (Bryant & Lempert 2010; Kwakkel's EMA Workbench `prim`).
//!
//! Starting from the box holding every case, each step considers, for every input, peeling the
//! `peel_alpha` share of the cases still in the box off its lower end (cases below the `alpha`
//! quantile) or its upper end (above the `1 − alpha` quantile), and keeps the peel whose remaining
//! box has the highest density (mean of the outcome; ties: the first input, lower end first). Peeling
//! stops when the box's support (share of all cases inside) would fall below `min_support`, or no
//! peel removes a case. Every box along the way is recorded with its coverage (share of all cases of
//! interest inside), density and support.
//!
//! Pasting ([`paste`], Friedman & Fisher 1999 §5) then widens a chosen box again: peeling is greedy and
//! may cut too deep, so each step considers, for every input and both ends, moving the limit outward
//! just far enough to take in about `paste_alpha × n` more cases (n: cases in the box), among the cases
//! that lie inside the box on every other input; the widening leaving the highest density is kept if it
//! raises the density, and pasting stops when none does. `crossroads discover` pastes the last peeled
//! box and appends the result to the trajectory it writes when pasting changed it.
//!
//! # Choosing a box ([`quasi_p`], [`recommend`])
//!
//! For each restriction of a box (an input whose limits are narrower than the data's range), the
//! quasi-p-value of Bryant & Lempert (2010), as EMA Workbench computes it: the box without that
//! restriction holds `T_j` cases of which `H_j` are of interest; the box itself `T` and `H`; the
//! quasi-p-value is the one-sided binomial probability `P(X ≥ H)` for `X ~ Bin(T, H_j / T_j)`, the
//! chance that the restriction's gain in density is luck. A restriction with a quasi-p-value of 0.05
//! or more is flagged: it may be dropped (often an input that does not matter, cut by a greedy peel).
//! The **recommended box** is the one of highest density among the boxes that keep at least half of
//! the cases of interest (coverage ≥ 0.5; the earlier box on a tie), its restrictions with a
//! quasi-p-value of 0.05 or more flagged as ones that may be dropped. (Requiring every restriction
//! to be significant recommended the first box on real runs: a greedy peel cuts an input that does
//! not matter early, and every later box inherits the cut.) It is a documented default for reading
//! the trade-off, not a substitute for looking at it.

/// One box of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Limits `(lo, hi)` per input (inclusive; the initial box is the data's range).
    pub limits: Vec<(f64, f64)>,
    pub coverage: f64,
    pub density: f64,
    pub support: f64,
    /// Cases inside.
    pub n: usize,
}

/// Quasi-p-values at or above this flag a restriction as not significant.
pub const QUASI_P_LEVEL: f64 = 0.05;
/// The recommended box keeps at least this share of the cases of interest.
pub const RECOMMEND_MIN_COVERAGE: f64 = 0.5;

/// `P(X ≥ k)` for `X ~ Bin(n, p)` (scipy's `binomtest(k, n, p, alternative="greater").pvalue`).
pub fn binom_upper(k: usize, n: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let mut lnf = vec![0.0f64; n + 1];
    for i in 1..=n {
        lnf[i] = lnf[i - 1] + (i as f64).ln();
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let total: f64 = (k..=n)
        .map(|i| (lnf[n] - lnf[i] - lnf[n - i] + i as f64 * lp + (n - i) as f64 * lq).exp())
        .sum();
    total.min(1.0)
}

/// The inputs box `b` restricts: limits narrower than `full` (the first box's, the data's range).
pub fn restricted(b: &PrimBox, full: &[(f64, f64)]) -> Vec<usize> {
    b.limits
        .iter()
        .zip(full)
        .enumerate()
        .filter(|(_, (l, f))| l.0 > f.0 || l.1 < f.1)
        .map(|(j, _)| j)
        .collect()
}

/// The quasi-p-value of box `b`'s restriction on input `j` (module doc); `None` when `j` is not
/// restricted. `full` is the data's range per input.
pub fn quasi_p(
    x: &[Vec<f64>],
    y: &[bool],
    b: &PrimBox,
    full: &[(f64, f64)],
    j: usize,
) -> Option<f64> {
    let l = b.limits[j];
    if !(l.0 > full[j].0 || l.1 < full[j].1) {
        return None;
    }
    let relaxed = cases_in(x, &b.limits, Some(j));
    let hj = relaxed.iter().filter(|&&i| y[i]).count();
    let inside = cases_in(x, &b.limits, None);
    let h = inside.iter().filter(|&&i| y[i]).count();
    if relaxed.is_empty() {
        return Some(1.0);
    }
    Some(binom_upper(
        h,
        inside.len(),
        hj as f64 / relaxed.len() as f64,
    ))
}

/// The recommended box of a trajectory with each box's quasi-p-values (module doc): its index.
/// The quasi-p-values do not choose the box; the report flags its restrictions at or above
/// [`QUASI_P_LEVEL`].
pub fn recommend(traj: &[PrimBox], _qps: &[Vec<Option<f64>>]) -> Option<usize> {
    if traj.is_empty() {
        return None;
    }
    (0..traj.len())
        .filter(|&i| traj[i].coverage >= RECOMMEND_MIN_COVERAGE)
        .max_by(|&a, &b| traj[a].density.total_cmp(&traj[b].density).then(b.cmp(&a)))
        .or(Some(0))
}

/// The box with `limits` holding the cases `inside`, with its statistics.
fn boxed(y: &[bool], inside: &[usize], limits: &[(f64, f64)], total_y: f64) -> PrimBox {
    let hits = inside.iter().filter(|&&i| y[i]).count() as f64;
    PrimBox {
        limits: limits.to_vec(),
        coverage: hits / total_y,
        density: if inside.is_empty() {
            0.0
        } else {
            hits / inside.len() as f64
        },
        support: inside.len() as f64 / y.len().max(1) as f64,
        n: inside.len(),
    }
}

/// The cases inside `limits` (inclusive), ignoring input `skip` when given.
fn cases_in(x: &[Vec<f64>], limits: &[(f64, f64)], skip: Option<usize>) -> Vec<usize> {
    (0..x.len())
        .filter(|&i| {
            limits
                .iter()
                .enumerate()
                .all(|(j, &(lo, hi))| Some(j) == skip || (lo <= x[i][j] && x[i][j] <= hi))
        })
        .collect()
}

/// Pasting (Friedman & Fisher 1999, §5; see the module doc) from the box `start`, on the inputs `x`
/// and outcome `y` it was peeled from. Returns the pasted box (`start` itself when no paste raises
/// the density).
pub fn paste(x: &[Vec<f64>], y: &[bool], start: &PrimBox, paste_alpha: f64) -> PrimBox {
    let total_y = y.iter().filter(|&&b| b).count().max(1) as f64;
    let mut limits = start.limits.clone();
    let mut inside = cases_in(x, &limits, None);
    let mut current = boxed(y, &inside, &limits, total_y);
    loop {
        let want = ((paste_alpha * inside.len() as f64).ceil() as usize).max(1);
        // (density, input, lower end?, new limit, cases inside after the paste)
        let mut best: Option<(f64, usize, bool, f64, Vec<usize>)> = None;
        for j in 0..limits.len() {
            let (lo, hi) = limits[j];
            let strip = cases_in(x, &limits, Some(j));
            for lower in [true, false] {
                // Values beyond this end, nearest first.
                let mut beyond: Vec<f64> = strip
                    .iter()
                    .map(|&i| x[i][j])
                    .filter(|&v| if lower { v < lo } else { v > hi })
                    .collect();
                if beyond.is_empty() {
                    continue;
                }
                if lower {
                    beyond.sort_by(|a, b| b.total_cmp(a));
                } else {
                    beyond.sort_by(f64::total_cmp);
                }
                let limit = beyond[want.min(beyond.len()) - 1];
                let (nlo, nhi) = if lower { (limit, hi) } else { (lo, limit) };
                let keep: Vec<usize> = strip
                    .iter()
                    .copied()
                    .filter(|&i| nlo <= x[i][j] && x[i][j] <= nhi)
                    .collect();
                let dens = keep.iter().filter(|&&i| y[i]).count() as f64 / keep.len() as f64;
                if best.as_ref().is_none_or(|b| dens > b.0) {
                    best = Some((dens, j, lower, limit, keep));
                }
            }
        }
        match best {
            Some((dens, j, lower, limit, keep)) if dens > current.density => {
                if lower {
                    limits[j].0 = limit;
                } else {
                    limits[j].1 = limit;
                }
                inside = keep;
                current = boxed(y, &inside, &limits, total_y);
            }
            _ => return current,
        }
    }
}

/// The peeling trajectory of PRIM on inputs `x` (rows are cases) and outcome `y`.
pub fn peel(x: &[Vec<f64>], y: &[bool], peel_alpha: f64, min_support: f64) -> Vec<PrimBox> {
    let n = x.len();
    if n == 0 {
        return Vec::new();
    }
    let d = x[0].len();
    let total_y = y.iter().filter(|&&b| b).count().max(1) as f64;
    let mut inside: Vec<usize> = (0..n).collect();
    let mut limits: Vec<(f64, f64)> = (0..d)
        .map(|j| {
            x.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                    (lo.min(r[j]), hi.max(r[j]))
                })
        })
        .collect();
    let record = |inside: &[usize], limits: &[(f64, f64)]| boxed(y, inside, limits, total_y);
    let mut out = vec![record(&inside, &limits)];
    #[allow(clippy::needless_range_loop)]
    loop {
        let mut best: Option<(f64, usize, bool, f64, Vec<usize>)> = None;
        for j in 0..d {
            let mut vals: Vec<f64> = inside.iter().map(|&i| x[i][j]).collect();
            vals.sort_by(f64::total_cmp);
            for lower in [true, false] {
                // Linear interpolation between order statistics (numpy's default).
                let Some(q) = crate::stats::quantile_exact(
                    &vals,
                    if lower { peel_alpha } else { 1.0 - peel_alpha },
                ) else {
                    continue;
                };
                let keep: Vec<usize> = inside
                    .iter()
                    .copied()
                    .filter(|&i| if lower { x[i][j] >= q } else { x[i][j] <= q })
                    .collect();
                if keep.len() == inside.len() || keep.is_empty() {
                    continue;
                }
                if (keep.len() as f64) / (n as f64) < min_support {
                    continue;
                }
                let dens = keep.iter().filter(|&&i| y[i]).count() as f64 / keep.len() as f64;
                if best.as_ref().is_none_or(|b| dens > b.0) {
                    best = Some((dens, j, lower, q, keep));
                }
            }
        }
        let Some((_, j, lower, q, keep)) = best else {
            break;
        };
        if lower {
            limits[j].0 = q;
        } else {
            limits[j].1 = q;
        }
        inside = keep;
        out.push(record(&inside, &limits));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommended_box_is_the_densest_keeping_half_the_cases() {
        let b = |coverage: f64, density: f64| PrimBox {
            limits: Vec::new(),
            coverage,
            density,
            support: 0.0,
            n: 0,
        };
        // Every box after the first carries a restriction that is not significant (an input cut
        // early by the greedy peel): the densest box with coverage ≥ 0.5 is still recommended.
        let traj = [
            b(1.0, 0.27),
            b(0.9, 0.4),
            b(0.6, 0.9),
            b(0.55, 0.9),
            b(0.3, 1.0),
        ];
        let qps: Vec<Vec<Option<f64>>> = (0..traj.len())
            .map(|i| if i == 0 { vec![None] } else { vec![Some(0.4)] })
            .collect();
        assert_eq!(recommend(&traj, &qps), Some(2));
        assert_eq!(recommend(&[], &[]), None);
    }

    #[test]
    fn binomial_tail_matches_scipy() {
        // scipy.stats.binomtest(k, n, p, alternative="greater").pvalue
        for (k, n, p, want) in [
            (30, 50, 0.4, 0.0033603822630227493),
            (5, 5, 0.5, 0.03125),
            (0, 10, 0.3, 1.0),
            (120, 200, 0.55, 0.08807268309698287),
            (563, 600, 0.9, 0.0005826417990098293),
        ] {
            let got = binom_upper(k, n, p);
            assert!(
                (got - want).abs() < 1e-10 * want.max(1e-3),
                "{k} {n} {p}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn a_restriction_on_an_irrelevant_input_is_flagged() {
        // Cases of interest: x0 > 0.6; x1 is noise. A box restricting x0 (the right cut) and x1
        // (an arbitrary one) keeps its x0 restriction significant and flags the x1 one.
        let mut st = 5u64;
        let mut u = || {
            st = (1_664_525 * st + 1_013_904_223) % (1 << 32);
            st as f64 / 4_294_967_296.0
        };
        let x: Vec<Vec<f64>> = (0..2000).map(|_| vec![u(), u()]).collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] > 0.6).collect();
        let full = vec![(0.0, 1.0), (0.0, 1.0)];
        let inside = cases_in(&x, &[(0.6, 1.0), (0.1, 1.0)], None);
        let b = boxed(&y, &inside, &[(0.6, 1.0), (0.1, 1.0)], 800.0);
        let p0 = quasi_p(&x, &y, &b, &full, 0).unwrap();
        let p1 = quasi_p(&x, &y, &b, &full, 1).unwrap();
        assert!(p0 < 1e-6, "{p0}");
        assert!(p1 >= QUASI_P_LEVEL, "{p1}");
        assert_eq!(restricted(&b, &full), [0, 1]);
    }
    use crate::experiments::design::latin_hypercube;

    #[test]
    fn finds_a_planted_box() {
        // Cases of interest exactly in [0.2, 0.6] × [0.5, 0.9] × anything.
        let x = latin_hypercube(3000, 3, 17);
        let y: Vec<bool> = x
            .iter()
            .map(|r| (0.2..=0.6).contains(&r[0]) && (0.5..=0.9).contains(&r[1]))
            .collect();
        let traj = peel(&x, &y, 0.05, 0.05);
        assert!(traj.len() > 5);
        assert_eq!(traj[0].support, 1.0);
        assert_eq!(traj[0].coverage, 1.0);
        // The last box reaching density ~1 with most of the coverage.
        let b = traj
            .iter()
            .filter(|b| b.density >= 0.97)
            .max_by(|a, b| a.coverage.total_cmp(&b.coverage))
            .expect("a dense box");
        assert!(b.coverage > 0.8, "{b:?}");
        let tol = 0.06;
        assert!(
            (b.limits[0].0 - 0.2).abs() < tol && (b.limits[0].1 - 0.6).abs() < tol,
            "{b:?}"
        );
        assert!(
            (b.limits[1].0 - 0.5).abs() < tol && (b.limits[1].1 - 0.9).abs() < tol,
            "{b:?}"
        );
        // The irrelevant input is barely restricted.
        assert!(b.limits[2].0 < 0.1 && b.limits[2].1 > 0.9, "{b:?}");
        for w in traj.windows(2) {
            assert!(w[1].support < w[0].support);
        }
        assert!(traj.last().unwrap().support >= 0.05);
    }

    #[test]
    fn pasting_widens_a_box_peeled_too_deep_and_only_while_density_rises() {
        // Cases of interest exactly for x0 in [0.2, 0.6]; x1 irrelevant.
        let x = latin_hypercube(2000, 2, 5);
        let y: Vec<bool> = x.iter().map(|r| (0.2..=0.6).contains(&r[0])).collect();
        // A box cut too deep at the top (0.5) and too wide at the bottom (0.1).
        let hits = y.iter().filter(|&&b| b).count() as f64;
        let start = boxed(
            &y,
            &cases_in(&x, &[(0.1, 0.5), (0.0, 1.0)], None),
            &[(0.1, 0.5), (0.0, 1.0)],
            hits,
        );
        assert!((start.density - 0.75).abs() < 0.02, "{start:?}");
        let b = paste(&x, &y, &start, 0.05);
        // The upper limit moves out toward the edge of the cases of interest (within one paste of
        // about 5% of the box, ~0.025 here), not beyond; the lower one stays (pasting there only adds
        // cases that are not of interest).
        assert!(b.limits[0].1 > 0.57 && b.limits[0].1 <= 0.6, "{b:?}");
        assert_eq!(b.limits[0].0, 0.1);
        assert_eq!(b.limits[1], (0.0, 1.0));
        assert!(
            b.density > start.density && b.coverage > start.coverage,
            "{b:?}"
        );
        assert!((b.density - 0.8).abs() < 0.03, "{b:?}");
        // Recorded statistics match the limits.
        assert_eq!(b.n, cases_in(&x, &b.limits, None).len());
        // Nothing to gain: a box holding only cases of interest is kept as it is.
        let pure = boxed(
            &y,
            &cases_in(&x, &[(0.3, 0.5), (0.0, 1.0)], None),
            &[(0.3, 0.5), (0.0, 1.0)],
            hits,
        );
        let same = paste(&x, &y, &pure, 0.05);
        assert_eq!(same.limits, pure.limits);
    }
}
