//! Given-data sensitivity: the PAWN index (Pianosi & Wagener 2015, Environ. Model. Softw. 67, 1–11;
//! given-data form: Pianosi & Wagener 2018, Environ. Model. Softw. 108, 197–207) of each input on the
//! runs of an existing batch, with bootstrap intervals and a dummy-input threshold. Pure: no IO, no
//! model; `crossroads drivers` reads a run folder's runs.csv into it.
//!
//! # Index (as SALib 1.6's `pawn.analyze`)
//!
//! For input `x_i`, the runs are split into `S` conditioning slices at the type-7 quantiles
//! `q_s = Q(s/S)` of `x_i`, slice `s` holding the runs with `q_s ≤ x_i < q_{s+1}` (as SALib, the run
//! at the maximum falls in no slice). For each slice, the two-sample Kolmogorov–Smirnov statistic
//! between the outcome in the slice and the outcome over all runs, `KS_s = max_y |F_s(y) − F(y)|`;
//! the index summarises the `S` statistics: minimum, mean, **median** (the value reported), maximum,
//! and their coefficient of variation. A binary outcome's KS statistic is the difference between
//! the slice's share and the overall share.
//!
//! # Intervals and the dummy threshold
//!
//! Bootstrap over runs (`B` resamples with replacement, stream `drivers/bootstrap`): the 2.5th and
//! 97.5th percentiles of the resampled median index. A slice of `n/S` runs has a KS distance from the
//! whole sample of order `1/sqrt(n/S)` even for an input with no effect, so every index is compared
//! with that of a **dummy input**: a column of uniform random numbers (stream `drivers/dummy`)
//! unrelated to the outcome, indexed and bootstrapped the same way (as SALib's and EMA Workbench's
//! practice of a dummy factor). An input is **influential** when its interval's lower end is above
//! the dummy's upper end; otherwise its index is within the dummy's band: indistinguishable from an
//! input with no effect, with these runs.

use crate::model::rng::{Streams, below, uniform01};
use crate::stats::quantile_exact;

/// Default number of conditioning slices (SALib's default).
pub const DEFAULT_SLICES: usize = 10;

/// Two-sample Kolmogorov–Smirnov statistic of two **sorted** samples: the largest distance between
/// their empirical CDFs (scipy's `ks_2samp(...).statistic`).
pub fn ks_2samp(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
    while i < a.len() && j < b.len() {
        let v = a[i].min(b[j]);
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        d = d.max((i as f64 / na - j as f64 / nb).abs());
    }
    d
}

/// The PAWN statistics of one input over its slices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pawn {
    pub min: f64,
    pub mean: f64,
    pub median: f64,
    pub max: f64,
    /// Coefficient of variation of the slices' statistics (population sd / mean).
    pub cv: f64,
}

/// The PAWN index of input `x` on outcome `y` (same length, finite) with `slices` slices; `None`
/// when no slice has a run.
pub fn pawn(x: &[f64], y: &[f64], slices: usize) -> Option<Pawn> {
    let mut ys = y.to_vec();
    ys.sort_by(f64::total_cmp);
    let mut xs = x.to_vec();
    xs.sort_by(f64::total_cmp);
    let step = 1.0 / slices as f64;
    let q: Vec<f64> = (0..=slices)
        .map(|s| quantile_exact(&xs, (s as f64 * step).min(1.0)).unwrap_or(f64::NAN))
        .collect();
    let mut ks = Vec::with_capacity(slices);
    let mut sel = Vec::new();
    for s in 0..slices {
        sel.clear();
        sel.extend(
            x.iter()
                .zip(y)
                .filter(|(xv, _)| **xv >= q[s] && **xv < q[s + 1])
                .map(|(_, yv)| *yv),
        );
        if sel.is_empty() {
            continue;
        }
        sel.sort_by(f64::total_cmp);
        ks.push(ks_2samp(&sel, &ys));
    }
    if ks.is_empty() {
        return None;
    }
    let n = ks.len() as f64;
    let mean = ks.iter().sum::<f64>() / n;
    let sd = (ks.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let mut sorted = ks.clone();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    Some(Pawn {
        min: sorted[0],
        mean,
        median,
        max: sorted[sorted.len() - 1],
        cv: if mean > 0.0 { sd / mean } else { f64::NAN },
    })
}

/// One input's given-data result: the median PAWN index with its bootstrap 95% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    pub index: Pawn,
    pub low: f64,
    pub high: f64,
}

/// Every input's index (columns of `x`, one row per run) and the dummy's, as the module documents:
/// `(inputs, dummy)`. `None` for an input (or the dummy) that gives no index.
pub fn drivers(
    x: &[Vec<f64>],
    y: &[f64],
    slices: usize,
    resamples: usize,
    seed: u64,
) -> (Vec<Option<Driver>>, Option<Driver>) {
    let n = y.len();
    let k = x.first().map_or(0, Vec::len);
    let mut dummy_rng = Streams::new(seed, 0).get("drivers/dummy");
    let dummy: Vec<f64> = (0..n).map(|_| uniform01(&mut dummy_rng)).collect();
    let mut cols: Vec<Vec<f64>> = (0..k).map(|i| x.iter().map(|r| r[i]).collect()).collect();
    cols.push(dummy);
    let points: Vec<Option<Pawn>> = cols.iter().map(|c| pawn(c, y, slices)).collect();
    let mut boots: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); cols.len()];
    let mut rng = Streams::new(seed, 0).get("drivers/bootstrap");
    let mut idx = vec![0usize; n];
    let (mut bx, mut by) = (vec![0.0; n], vec![0.0; n]);
    for _ in 0..resamples {
        if n == 0 {
            break;
        }
        for v in idx.iter_mut() {
            *v = below(&mut rng, n as u32) as usize;
        }
        for (i, &r) in idx.iter().enumerate() {
            by[i] = y[r];
        }
        for (c, col) in cols.iter().enumerate() {
            for (i, &r) in idx.iter().enumerate() {
                bx[i] = col[r];
            }
            if let Some(p) = pawn(&bx, &by, slices) {
                boots[c].push(p.median);
            }
        }
    }
    let mut out: Vec<Option<Driver>> = points
        .into_iter()
        .zip(boots)
        .map(|(p, mut b)| {
            let index = p?;
            b.sort_by(f64::total_cmp);
            let pick = |q: f64| quantile_exact(&b, q).unwrap_or(f64::NAN);
            Some(Driver {
                index,
                low: pick(0.025),
                high: pick(0.975),
            })
        })
        .collect();
    let dummy = out.pop().flatten();
    (out, dummy)
}

/// Whether an input's interval lies above the dummy's band.
pub fn influential(d: &Driver, dummy: Option<&Driver>) -> bool {
    match dummy {
        Some(z) => d.low > z.high,
        None => d.low > 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The LCG of scripts/salib_reference.py.
    fn lcg(state: &mut u64) -> f64 {
        *state = (1_664_525 * *state + 1_013_904_223) % (1 << 32);
        *state as f64 / 4_294_967_296.0
    }

    fn ishigami(u: &[f64]) -> f64 {
        crate::experiments::sensitivity::ishigami(u)
    }

    #[test]
    fn ks_matches_scipy() {
        // scipy.stats.ks_2samp([1, 2, 3, 4], [2, 3, 5, 6, 7]).statistic = 0.6
        let d = ks_2samp(&[1.0, 2.0, 3.0, 4.0], &[2.0, 3.0, 5.0, 6.0, 7.0]);
        assert!((d - 0.6).abs() < 1e-15, "{d}");
        // Ties across samples: ks_2samp([0, 0, 1], [0, 1, 1, 1]) = 2/3 − 1/4.
        let d = ks_2samp(&[0.0, 0.0, 1.0], &[0.0, 1.0, 1.0, 1.0]);
        assert!((d - (2.0 / 3.0 - 0.25)).abs() < 1e-15, "{d}");
    }

    #[test]
    fn same_data_give_salibs_pawn_indices() {
        // 500 LCG points in [0, 1]³ through the Ishigami function; SALib 1.6.0's
        // pawn.analyze(problem, X, Y, S=10) on the same X, Y (scripts/salib_reference.py).
        let mut st = 2_024;
        let x: Vec<Vec<f64>> = (0..500)
            .map(|_| (0..3).map(|_| lcg(&mut st)).collect())
            .collect();
        let y: Vec<f64> = x.iter().map(|r| ishigami(r)).collect();
        let got: Vec<Pawn> = (0..3)
            .map(|i| {
                let c: Vec<f64> = x.iter().map(|r| r[i]).collect();
                pawn(&c, &y, 10).unwrap()
            })
            .collect();
        for (g, w) in got.iter().zip(SALIB_ISHIGAMI_PAWN) {
            for (a, b) in [g.min, g.mean, g.median, g.max].iter().zip(w) {
                assert!((a - b).abs() < 1e-12, "{g:?} vs {w:?}");
            }
        }
    }

    /// SALib 1.6.0 pawn.analyze on the data of `same_data_give_salibs_pawn_indices`: per input
    /// (minimum, mean, median, maximum).
    const SALIB_ISHIGAMI_PAWN: [[f64; 4]; 3] = [
        [0.156, 0.26799999999999996, 0.262, 0.374],
        [0.206, 0.3858367346938775, 0.402, 0.636],
        [0.08, 0.15465714285714288, 0.14, 0.32],
    ];

    #[test]
    fn an_irrelevant_input_stays_within_the_dummys_band() {
        // y = 2 x0 + x1²; x2 has no effect.
        let mut st = 99;
        let x: Vec<Vec<f64>> = (0..2000)
            .map(|_| (0..3).map(|_| lcg(&mut st)).collect())
            .collect();
        let y: Vec<f64> = x.iter().map(|r| 2.0 * r[0] + r[1] * r[1]).collect();
        let (d, dummy) = drivers(&x, &y, 10, 100, 7);
        let dummy = dummy.unwrap();
        let d: Vec<Driver> = d.into_iter().map(Option::unwrap).collect();
        assert!(influential(&d[0], Some(&dummy)) && influential(&d[1], Some(&dummy)));
        assert!(
            !influential(&d[2], Some(&dummy)),
            "{:?} vs dummy {dummy:?}",
            d[2]
        );
        assert!(d[0].index.median > d[1].index.median);
        for x in &d {
            assert!(x.low <= x.index.median && x.index.median <= x.high, "{x:?}");
        }
    }
}
