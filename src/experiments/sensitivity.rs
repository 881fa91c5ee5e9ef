//! Variance-based global sensitivity: the Saltelli sampling design and the first-order (Saltelli et
//! al. 2010) and total (Jansen 1999) Sobol index estimators, with bootstrap confidence intervals.
//!
//! # Design (the same row order as SALib's `saltelli.sample(..., calc_second_order=False)`)
//!
//! From `N` points of a `2k`-dimensional scrambled Sobol sequence, `A` is the first `k` columns and
//! `B` the last `k` (with more than `SOBOL_MAX_DIM / 2` parameters, `A` and `B` come from two
//! independently scrambled `k`-dimensional sequences; with more than `SOBOL_MAX_DIM`, from two
//! independent Latin hypercubes). `A_B^i` is `A` with column `i` taken from
//! `B`. The design has `N (k + 2)` rows, in blocks of `k + 2` per base point `j`:
//! `A_j, A_B^1_j, ..., A_B^k_j, B_j`.
//!
//! # Estimators (as SALib's `sobol.analyze`, `calc_second_order=False`)
//!
//! Outputs are first standardised (`Y ← (Y − mean) / sd` over all rows); `V = var([f_A; f_B])`
//! (population variance);
//! `S_i = mean(f_B (f_{A_B^i} − f_A)) / V` (Saltelli et al. 2010, Table 2 (b));
//! `ST_i = mean((f_A − f_{A_B^i})²) / 2 / V` (Jansen 1999; Saltelli et al. 2010, Table 2 (f)).
//!
//! # Runs behind each evaluation (a stochastic model)
//!
//! Every evaluation is the mean of `R` runs. The `k + 2` evaluations of base point `j` (`A_j`,
//! `A_B^i_j`, `B_j`) all use the same runs, `[j·R, (j+1)·R)` of the root seed ([`first_run`]):
//! common random numbers inside a block, so `f_A − f_{A_B^i}` differs only through parameter `i`
//! (the pairing the estimators need), and distinct runs across blocks, so the `N` base points see
//! `N·R` different random histories. Treating the runs' randomness `ω` as an input shared by the
//! block, the Jansen estimator gives the total effect of `x_i` with `ω` among the conditioning
//! inputs, and the Saltelli estimator `V(E[f|x_i,ω]) − V(E[f|ω])`, i.e. the first-order effect of
//! `x_i` plus its interaction with the noise — which is how a parameter acting through a rare
//! event shows at all. As `R` grows, both tend to the indices of the expected outcome.
//!
//! Reusing runs `0..R` for every evaluation (the earlier design) fixes one random history for the
//! whole design: a parameter whose effect acts only through a rare event (a clash probability of
//! 0.01 vs 0.05) may flip none of those few runs, and its indices come out as a confident, false
//! zero with zero-width intervals.
//!
//! # When an index is not resolved ([`resolution`])
//!
//! An outcome's indices are all "not resolved" when its values do not vary across the evaluations,
//! or when their variance `V` is clearly below the Monte Carlo noise of one evaluation `σ̄²` (the
//! mean over evaluations of `p(1−p)/R`, or `sd²/R` for a numeric outcome): by more than three
//! standard errors of a variance estimate, `V < σ̄² (1 − 3 √(2 / (2N − 1)))`. With distinct runs
//! per block `V` estimates `V_parameters + σ̄²`, so a `V` that low means the evaluations shared too
//! few random histories to show even the noise (the failure of a design reusing the same runs).
//! A parameter is "not resolved" when no pair `A_j`, `A_B^i_j` gave different outputs (no
//! effect seen in `N·R` paired runs: an effect rarer than that would not show), or when its total
//! index's 95% interval reaches 0. Otherwise it is resolved: its total effect is distinguishable
//! from zero.
//!
//! # Intervals
//!
//! Bootstrap over base points: `resamples` resamples of the `N` base points with replacement (stream
//! `sensitivity/bootstrap` of the seed), each giving the indices (a resample with (near) zero
//! output variance gives no estimate and is left out); the interval is the estimate
//! ± `z · sd(bootstrap estimates)` with `z = 1.959964` (95%), as SALib's `S1_conf`/`ST_conf`.

use super::design::{SOBOL_MAX_DIM, Sobol};
use crate::model::rng::{Streams, below};
use crate::stats::Z95;

/// The Saltelli design: rows in the unit cube, in the order documented above.
#[derive(Debug, Clone)]
pub struct SaltelliDesign {
    pub n: usize,
    pub k: usize,
    pub rows: Vec<Vec<f64>>,
}

/// Builds the Saltelli design for `n` base points (a power of two is best) and `k` parameters.
pub fn saltelli_design(n: usize, k: usize, seed: u64) -> Result<SaltelliDesign, String> {
    if k == 0 {
        return Err("no parameters to analyse".into());
    }
    let (a, b): (Vec<Vec<f64>>, Vec<Vec<f64>>) = if 2 * k <= SOBOL_MAX_DIM {
        let s = Sobol::scrambled(2 * k, seed)?;
        s.points(0, n)
            .into_iter()
            .map(|p| (p[..k].to_vec(), p[k..].to_vec()))
            .unzip()
    } else if k > SOBOL_MAX_DIM {
        // Beyond the embedded Sobol direction numbers: two independent Latin hypercubes (the
        // estimators need only independent A and B; the stratification is a bonus).
        (
            super::design::latin_hypercube(n, k, seed),
            super::design::latin_hypercube(n, k, seed ^ 0x5A17_E111),
        )
    } else {
        let sa = Sobol::scrambled(k, seed)?;
        let sb = Sobol::scrambled(k, seed ^ 0x5A17_E111)?;
        (sa.points(0, n), sb.points(0, n))
    };
    let mut rows = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        rows.push(a[j].clone());
        for i in 0..k {
            let mut r = a[j].clone();
            r[i] = b[j][i];
            rows.push(r);
        }
        rows.push(b[j].clone());
    }
    Ok(SaltelliDesign { n, k, rows })
}

/// The first run of evaluation `i` of a design in blocks of `block` evaluations (`k + 2` for
/// Saltelli, `k + 1` for a Morris trajectory): block `b` uses runs `[b·R, (b+1)·R)`.
pub fn first_run(i: usize, block: usize, runs_per_point: u64) -> u64 {
    (i / block.max(1)) as u64 * runs_per_point
}

/// Whether a parameter's indices for one outcome are resolved, and why not.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub resolved: bool,
    /// Empty when resolved; the reason otherwise.
    pub note: String,
}

/// Resolution of each parameter's indices (rules in the module documentation) from the design's
/// raw outputs `y` (`N (k + 2)` evaluations), each evaluation's Monte Carlo variance `noise` (of its
/// mean over `runs_per_point` runs) and the indices [`sobol_indices`] gave.
pub fn resolution(
    y: &[f64],
    noise: &[f64],
    k: usize,
    ix: &[Indices],
    runs_per_point: u64,
) -> Vec<Resolution> {
    let stride = k + 2;
    let n = y.len() / stride;
    let ab: Vec<usize> = (0..n)
        .flat_map(|j| [j * stride, j * stride + k + 1])
        .collect();
    let all = |note: String| {
        (0..k)
            .map(|_| Resolution {
                resolved: false,
                note: note.clone(),
            })
            .collect()
    };
    if n < 2 {
        return all("fewer than two base points".into());
    }
    let m = ab.iter().map(|&r| y[r]).sum::<f64>() / ab.len() as f64;
    let v = ab.iter().map(|&r| (y[r] - m).powi(2)).sum::<f64>() / ab.len() as f64;
    let sig2 = ab.iter().map(|&r| noise[r]).sum::<f64>() / ab.len() as f64;
    if v.is_nan() || v <= 0.0 {
        return all(format!(
            "the outcome did not vary across the {} evaluations ({} runs each)",
            y.len(),
            runs_per_point
        ));
    }
    if v < sig2 * (1.0 - 3.0 * (2.0 / (2.0 * n as f64 - 1.0)).sqrt()) {
        return all(format!(
            "the outcome's variance across evaluations ({v:.3e}) is clearly below its Monte Carlo \
             noise ({sig2:.3e} per evaluation of {runs_per_point} runs): the runs are too few \
             to show it"
        ));
    }
    (0..k)
        .map(|i| {
            let differ = (0..n)
                .filter(|&j| y[j * stride] != y[j * stride + 1 + i])
                .count();
            let note = if differ == 0 {
                format!(
                    "no pair of evaluations differing only in this parameter gave different \
                     results ({n} base points × {runs_per_point} runs): an effect rarer than that \
                      would not show"
                )
            } else if ix[i].st_low.is_nan() || ix[i].st_low <= 0.0 {
                format!(
                    "the total index's 95% interval reaches 0 ({differ} of {n} pairs differed): \
                      the effect cannot be told from zero with these runs"
                )
            } else {
                String::new()
            };
            Resolution {
                resolved: note.is_empty(),
                note,
            }
        })
        .collect()
}

/// One parameter's indices with their 95% bootstrap intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Indices {
    pub s1: f64,
    pub s1_low: f64,
    pub s1_high: f64,
    pub st: f64,
    pub st_low: f64,
    pub st_high: f64,
}

/// Point estimates (S_i, ST_i) for the base points `idx` of standardised outputs `y`.
fn estimate(y: &[f64], k: usize, idx: &[usize]) -> Vec<(f64, f64)> {
    let stride = k + 2;
    let n = idx.len() as f64;
    let (mut s, mut ss) = (0.0, 0.0);
    for &j in idx {
        for v in [y[j * stride], y[j * stride + k + 1]] {
            s += v;
            ss += v * v;
        }
    }
    let mean = s / (2.0 * n);
    let var = ss / (2.0 * n) - mean * mean;
    (0..k)
        .map(|i| {
            let (mut first, mut total) = (0.0, 0.0);
            for &j in idx {
                let fa = y[j * stride];
                let fab = y[j * stride + 1 + i];
                let fb = y[j * stride + k + 1];
                first += fb * (fab - fa);
                total += (fa - fab) * (fa - fab);
            }
            if var > 1e-12 {
                (first / n / var, 0.5 * total / n / var)
            } else {
                (f64::NAN, f64::NAN)
            }
        })
        .collect()
}

/// Sobol indices of every parameter from the outputs `y` of a Saltelli design of `k` parameters
/// (`y.len() = N (k + 2)`), with `resamples` bootstrap resamples seeded by `seed`.
pub fn sobol_indices(y: &[f64], k: usize, resamples: usize, seed: u64) -> Vec<Indices> {
    let stride = k + 2;
    let n = y.len() / stride;
    let m = y.iter().sum::<f64>() / y.len() as f64;
    let sd = (y.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / y.len() as f64).sqrt();
    let ys: Vec<f64> = if sd > 0.0 {
        y.iter().map(|v| (v - m) / sd).collect()
    } else {
        y.iter().map(|v| v - m).collect()
    };
    let all: Vec<usize> = (0..n).collect();
    let point = estimate(&ys, k, &all);
    let mut rng = Streams::new(seed, 0).get("sensitivity/bootstrap");
    let mut boots: Vec<Vec<(f64, f64)>> = Vec::with_capacity(resamples);
    let mut idx = vec![0usize; n];
    for _ in 0..resamples {
        for x in idx.iter_mut() {
            *x = below(&mut rng, n as u32) as usize;
        }
        boots.push(estimate(&ys, k, &idx));
    }
    let sd_of = |v: &[f64]| {
        let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        if v.len() < 2 {
            return f64::NAN;
        }
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    (0..k)
        .map(|i| {
            let (s1, st) = point[i];
            let c1 = Z95 * sd_of(&boots.iter().map(|b| b[i].0).collect::<Vec<_>>());
            let ct = Z95 * sd_of(&boots.iter().map(|b| b[i].1).collect::<Vec<_>>());
            Indices {
                s1,
                s1_low: s1 - c1,
                s1_high: s1 + c1,
                st,
                st_low: st - ct,
                st_high: st + ct,
            }
        })
        .collect()
}

/// The Ishigami function on `[-π, π]³` with `a = 7`, `b = 0.1`, from unit-cube coordinates.
pub fn ishigami(u: &[f64]) -> f64 {
    let pi = std::f64::consts::PI;
    let x: Vec<f64> = u.iter().map(|v| -pi + 2.0 * pi * v).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// The Sobol g-function `∏ (|4u − 2| + a_i) / (1 + a_i)`: smaller `a_i`, more important factor.
pub fn g_function(u: &[f64], a: &[f64]) -> f64 {
    u.iter()
        .zip(a)
        .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
        .product()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 32-bit LCG (Numerical Recipes constants): the same numbers in Rust and in
    /// scripts/salib_reference.py, exactly.
    fn lcg(state: &mut u64) -> f64 {
        *state = (1_664_525 * *state + 1_013_904_223) % (1 << 32);
        *state as f64 / 4_294_967_296.0
    }

    /// The reference function of scripts/salib_reference.py (exact in both languages).
    fn poly(x: &[f64]) -> f64 {
        4.0 * x[0] + 2.0 * x[1] * x[1] + 3.0 * x[0] * x[2]
    }

    #[test]
    fn same_samples_and_outputs_give_salibs_indices() {
        // A, B from the LCG, the design in SALib's row order (A, A_B^1..A_B^k, B), then the point
        // estimates SALib 1.6.0's `sobol.analyze(calc_second_order=False)` gives for the same outputs
        // (scripts/salib_reference.py).
        let (k, n) = (3, 64);
        let mut st = 12_345;
        let mut y = Vec::new();
        for _ in 0..n {
            let a: Vec<f64> = (0..k).map(|_| lcg(&mut st)).collect();
            let b: Vec<f64> = (0..k).map(|_| lcg(&mut st)).collect();
            y.push(poly(&a));
            for i in 0..k {
                let mut r = a.clone();
                r[i] = b[i];
                y.push(poly(&r));
            }
            y.push(poly(&b));
        }
        let got = sobol_indices(&y, k, 10, 1);
        let s1 = [0.8339337241893534, 0.15527073338058012, 0.09800180614193708];
        let st_ = [0.937754901528683, 0.1200147533435294, 0.10978942459717131];
        for i in 0..k {
            assert!(
                (got[i].s1 - s1[i]).abs() < 1e-12,
                "S1[{i}] {} vs {}",
                got[i].s1,
                s1[i]
            );
            assert!(
                (got[i].st - st_[i]).abs() < 1e-12,
                "ST[{i}] {} vs {}",
                got[i].st,
                st_[i]
            );
        }
    }

    #[test]
    fn design_has_saltelli_layout() {
        let d = saltelli_design(8, 3, 1).unwrap();
        assert_eq!(d.rows.len(), 8 * 5);
        for j in 0..8 {
            let (a, b) = (&d.rows[j * 5], &d.rows[j * 5 + 4]);
            for i in 0..3 {
                let ab = &d.rows[j * 5 + 1 + i];
                for c in 0..3 {
                    assert_eq!(ab[c], if c == i { b[c] } else { a[c] });
                }
            }
        }
        // Many parameters: two independent sequences.
        assert_eq!(saltelli_design(4, 15, 1).unwrap().rows.len(), 4 * 17);
        // More parameters than the Sobol directions (the baseline has 34): Latin hypercubes, every
        // A column stratified, A and B independent.
        let k = SOBOL_MAX_DIM + 13;
        let d = saltelli_design(8, k, 1).unwrap();
        assert_eq!(d.rows.len(), 8 * (k + 2));
        for c in 0..k {
            let mut strata: Vec<usize> = (0..8)
                .map(|j| (d.rows[j * (k + 2)][c] * 8.0) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..8).collect::<Vec<_>>(), "column {c}");
        }
        assert_ne!(d.rows[0], d.rows[k + 1]);
    }

    #[test]
    fn ishigami_indices_match_analytic_values_within_their_intervals() {
        let k = 3;
        let d = saltelli_design(1 << 13, k, 11).unwrap();
        let y: Vec<f64> = d.rows.iter().map(|r| ishigami(r)).collect();
        let idx = sobol_indices(&y, k, 100, 5);
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..k {
            let x = &idx[i];
            assert!(
                x.s1_low <= s1[i] && s1[i] <= x.s1_high,
                "S1[{i}] = {} [{}, {}], want {}",
                x.s1,
                x.s1_low,
                x.s1_high,
                s1[i]
            );
            assert!(
                x.st_low <= st[i] && st[i] <= x.st_high,
                "ST[{i}] = {} [{}, {}], want {}",
                x.st,
                x.st_low,
                x.st_high,
                st[i]
            );
            assert!(x.s1_high - x.s1_low < 0.1 && x.st_high - x.st_low < 0.1);
        }
    }

    #[test]
    fn constant_output_gives_undefined_indices() {
        let idx = sobol_indices(&[1.0; 20], 3, 10, 1);
        assert!(idx[0].s1.is_nan());
    }
}
