//! PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), peeling only, as used for
//! scenario discovery (Bryant & Lempert 2010; Kwakkel's EMA Workbench `prim`).
//!
//! Starting from the box holding every case, each step considers, for every input, peeling the
//! `peel_alpha` share of the cases still in the box off its lower end (cases below the `alpha`
//! quantile) or its upper end (above the `1 − alpha` quantile), and keeps the peel whose remaining
//! box has the highest density (mean of the outcome; ties: the first input, lower end first). Peeling
//! stops when the box's support (share of all cases inside) would fall below `min_support`, or no
//! peel removes a case. Every box along the way is recorded with its coverage (share of all cases of
//! interest inside), density and support. Pasting is not implemented.

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

fn quantile(sorted: &[f64], q: f64) -> f64 {
    // Linear interpolation between order statistics (numpy's default).
    let h = q * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
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
    let record = |inside: &[usize], limits: &[(f64, f64)]| {
        let hits = inside.iter().filter(|&&i| y[i]).count() as f64;
        PrimBox {
            limits: limits.to_vec(),
            coverage: hits / total_y,
            density: if inside.is_empty() {
                0.0
            } else {
                hits / inside.len() as f64
            },
            support: inside.len() as f64 / n as f64,
            n: inside.len(),
        }
    };
    let mut out = vec![record(&inside, &limits)];
    #[allow(clippy::needless_range_loop)]
    loop {
        let mut best: Option<(f64, usize, bool, f64, Vec<usize>)> = None;
        for j in 0..d {
            let mut vals: Vec<f64> = inside.iter().map(|&i| x[i][j]).collect();
            vals.sort_by(f64::total_cmp);
            for lower in [true, false] {
                let q = quantile(&vals, if lower { peel_alpha } else { 1.0 - peel_alpha });
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
}
