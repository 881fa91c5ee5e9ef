//! Morris elementary effects (Morris 1991) with Campolongo et al. (2007) trajectory selection and
//! the `mu*` measure.
//!
//! A trajectory on a `p`-level grid (`p = 4`, step `Δ = p / (2 (p − 1))`) starts at a random base
//! point whose coordinates are levels with `x + Δ ≤ 1`, then moves one factor at a time, in a random
//! order, by `+Δ` or `−Δ` (a random direction per factor, starting from the upper end when
//! negative): `k + 1` points per trajectory. `candidates` trajectories are drawn (stream
//! `morris/trajectories`) and `r` of them are kept to maximise their spread (Campolongo et al. 2007;
//! selected greedily: each step adds the candidate that maximises the summed distances to those
//! kept, distance = sum of Euclidean distances between their points, the greedy variant of Ruano et
//! al. 2012). The design has `r (k + 1)` rows in trajectory order.
//!
//! For factor `i` of a trajectory, the elementary effect is `(f(x') − f(x)) / (±Δ)` (unit-cube
//! scale); `mu* = mean |EE|`, `mu = mean EE`, `sigma = sd(EE)` (n − 1).

use crate::model::rng::{Streams, below};

pub const LEVELS: usize = 4;

/// A Morris design: `r` trajectories of `k + 1` rows each, with the factor changed at each step.
#[derive(Debug, Clone)]
pub struct MorrisDesign {
    pub k: usize,
    pub rows: Vec<Vec<f64>>,
    /// For each trajectory, the factor changed between row `t` and `t + 1`, and the signed step.
    pub moves: Vec<Vec<(usize, f64)>>,
}

fn trajectory(k: usize, rng: &mut rand_chacha::ChaCha8Rng) -> (Vec<Vec<f64>>, Vec<(usize, f64)>) {
    let p = LEVELS as f64;
    let delta = p / (2.0 * (p - 1.0));
    let mut order: Vec<usize> = (0..k).collect();
    for i in (1..k).rev() {
        let j = below(rng, (i + 1) as u32) as usize;
        order.swap(i, j);
    }
    let mut x: Vec<f64> = Vec::with_capacity(k);
    let mut up = Vec::with_capacity(k);
    for _ in 0..k {
        let lvl = below(rng, (LEVELS / 2) as u32) as f64 / (p - 1.0);
        let positive = below(rng, 2) == 0;
        up.push(positive);
        x.push(if positive { lvl } else { lvl + delta });
    }
    let mut rows = vec![x.clone()];
    let mut moves = Vec::with_capacity(k);
    for &i in &order {
        let step = if up[i] { delta } else { -delta };
        x[i] += step;
        rows.push(x.clone());
        moves.push((i, step));
    }
    (rows, moves)
}

fn distance(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let mut d = 0.0;
    for x in a {
        for y in b {
            d += x
                .iter()
                .zip(y)
                .map(|(u, v)| (u - v) * (u - v))
                .sum::<f64>()
                .sqrt();
        }
    }
    d
}

/// Candidate trajectories drawn per trajectory kept by `crossroads sensitivity --method morris`
/// (Campolongo et al. 2007 select r of a larger random set; 4 keeps the greedy selection cheap while
/// leaving it a real choice).
pub const CANDIDATES_PER_TRAJECTORY: usize = 4;

/// Draws `candidates` trajectories and keeps `r` well spread ones.
pub fn morris_design(r: usize, k: usize, candidates: usize, seed: u64) -> MorrisDesign {
    let mut rng = Streams::new(seed, 0).get("morris/trajectories");
    let m = candidates.max(r);
    let all: Vec<_> = (0..m).map(|_| trajectory(k, &mut rng)).collect();
    let mut chosen: Vec<usize> = Vec::with_capacity(r);
    if r > 0 {
        // Start with the farthest pair, then add greedily.
        let (mut best, mut pair) = (-1.0, (0, 0));
        for i in 0..m {
            for j in i + 1..m {
                let d = distance(&all[i].0, &all[j].0);
                if d > best {
                    best = d;
                    pair = (i, j);
                }
            }
        }
        chosen.push(pair.0);
        if r > 1 && m > 1 {
            chosen.push(pair.1);
        }
        while chosen.len() < r {
            let next = (0..m)
                .filter(|c| !chosen.contains(c))
                .map(|c| {
                    let d: f64 = chosen.iter().map(|&s| distance(&all[c].0, &all[s].0)).sum();
                    (c, d)
                })
                .fold(
                    (usize::MAX, -1.0),
                    |acc, x| if x.1 > acc.1 { x } else { acc },
                );
            chosen.push(next.0);
        }
    }
    let mut rows = Vec::new();
    let mut moves = Vec::new();
    for &c in &chosen {
        rows.extend(all[c].0.iter().cloned());
        moves.push(all[c].1.clone());
    }
    MorrisDesign { k, rows, moves }
}

/// One factor's Morris measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
}

/// Morris measures per factor from outputs `y` of the design's rows.
pub fn morris_effects(design: &MorrisDesign, y: &[f64]) -> Vec<Effects> {
    let k = design.k;
    let mut ee: Vec<Vec<f64>> = vec![Vec::new(); k];
    for (t, moves) in design.moves.iter().enumerate() {
        let base = t * (k + 1);
        for (s, &(i, step)) in moves.iter().enumerate() {
            ee[i].push((y[base + s + 1] - y[base + s]) / step);
        }
    }
    ee.iter()
        .map(|e| {
            let n = e.len() as f64;
            let mu = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / n;
            let sigma = if e.len() > 1 {
                (e.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                f64::NAN
            };
            Effects { mu, mu_star, sigma }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::sensitivity::g_function;
    use super::*;

    #[test]
    fn same_trajectories_and_outputs_give_salibs_measures() {
        // Six trajectories on a 4-level grid (Δ = 2/3), factors moved in order, +Δ where the start
        // level allows it, else −Δ; start levels from the LCG of scripts/salib_reference.py, whose
        // SALib 1.6.0 `morris.analyze(num_levels=4)` gives the values below for the same outputs.
        let (k, r) = (3, 6);
        let levels = [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0];
        let delta = 2.0 / 3.0;
        let mut st = 777;
        let lcg = |st: &mut u64| {
            *st = (1_664_525 * *st + 1_013_904_223) % (1 << 32);
            *st as f64 / 4_294_967_296.0
        };
        let poly = |x: &[f64]| 4.0 * x[0] + 2.0 * x[1] * x[1] + 3.0 * x[0] * x[2];
        let (mut rows, mut moves) = (Vec::new(), Vec::new());
        for _ in 0..r {
            let mut x: Vec<f64> = (0..k)
                .map(|_| levels[(lcg(&mut st) * 4.0) as usize])
                .collect();
            rows.push(x.clone());
            let mut mv = Vec::new();
            for i in 0..k {
                let step = if x[i] + delta <= 1.0 { delta } else { -delta };
                x[i] += step;
                rows.push(x.clone());
                mv.push((i, step));
            }
            moves.push(mv);
        }
        let y: Vec<f64> = rows.iter().map(|x| poly(x)).collect();
        let d = MorrisDesign { k, rows, moves };
        let got = morris_effects(&d, &y);
        let mu = [6.0, 2.222222222222222, 1.3333333333333333];
        let sigma = [1.2649110640673518, 0.6885303726590959, 1.505545305418162];
        for i in 0..k {
            assert!((got[i].mu - mu[i]).abs() < 1e-12, "mu[{i}] {}", got[i].mu);
            assert!(
                (got[i].mu_star - mu[i]).abs() < 1e-12,
                "mu*[{i}] {}",
                got[i].mu_star
            );
            assert!(
                (got[i].sigma - sigma[i]).abs() < 1e-12,
                "sigma[{i}] {}",
                got[i].sigma
            );
        }
    }

    #[test]
    fn trajectories_move_one_factor_at_a_time_inside_the_cube() {
        let d = morris_design(5, 4, 20, 3);
        assert_eq!(d.rows.len(), 5 * 5);
        for (t, moves) in d.moves.iter().enumerate() {
            for (s, &(i, step)) in moves.iter().enumerate() {
                let (a, b) = (&d.rows[t * 5 + s], &d.rows[t * 5 + s + 1]);
                for c in 0..4 {
                    let want = if c == i { a[c] + step } else { a[c] };
                    assert!((b[c] - want).abs() < 1e-12);
                    assert!((0.0..=1.0 + 1e-12).contains(&b[c]));
                }
            }
        }
    }

    #[test]
    fn morris_ranks_the_g_function_factors() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
        let d = morris_design(40, 6, 200, 9);
        let y: Vec<f64> = d.rows.iter().map(|r| g_function(r, &a)).collect();
        let e = morris_effects(&d, &y);
        let mu: Vec<f64> = e.iter().map(|x| x.mu_star).collect();
        assert!(mu[0] > mu[1] && mu[1] > mu[2] && mu[2] > mu[3], "{mu:?}");
        assert!(mu[3] > mu[4] && mu[3] > mu[5], "{mu:?}");
        assert!(mu[4] < 0.05 * mu[0] && mu[5] < 0.05 * mu[0], "{mu:?}");
    }
}
