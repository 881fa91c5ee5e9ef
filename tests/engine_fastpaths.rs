//! The engine's fast paths equal the plain computations they stand for, bit for bit, on random
//! inputs (issue 13: speed must not change a single output): the valence fit that looks again only at
//! the rows whose choice can have changed against the fit that looks at every row in every sweep.

use crossroads::model::rng::uniform01;
use crossroads::model::voters::{fit_constants, fit_constants_plain};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A random fit problem: `rows` rows of `m` effective distances (continuous, or on a coarse grid so
/// that ties are common) and normalised targets.
fn problem(rng: &mut ChaCha8Rng, m: usize, rows: usize, grid: bool) -> (Vec<f64>, Vec<f64>) {
    let mut base = Vec::with_capacity(rows * m);
    for _ in 0..rows {
        let centre: f64 = uniform01(rng) * 2.0;
        for _ in 0..m {
            let x: f64 = centre + uniform01(rng) * 0.6 - 0.3;
            base.push(if grid { (x * 8.0).round() / 8.0 } else { x });
        }
    }
    let mut target: Vec<f64> = (0..m).map(|_| 0.02 + uniform01(rng)).collect();
    let total: f64 = target.iter().sum();
    target.iter_mut().for_each(|t| *t /= total);
    (base, target)
}

#[test]
fn valence_fit_equals_the_fit_over_every_row() {
    let rng = &mut ChaCha8Rng::seed_from_u64(13);
    for case in 0..40 {
        // up to 8 parties on the stack buffer, more on the heap
        let m = 2 + case % 10;
        let rows = 50 + (case * 97) % 1500;
        let grid = case % 3 == 0;
        let (base, target) = problem(rng, m, rows, grid);
        let fast = fit_constants(&base, m, &target);
        let plain = fit_constants_plain(&base, m, &target);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&fast),
            bits(&plain),
            "case {case}: m {m}, rows {rows}, grid {grid}"
        );
    }
}

#[test]
fn valence_fit_handles_infinite_and_nan_entries_as_the_plain_fit() {
    let rng = &mut ChaCha8Rng::seed_from_u64(14);
    let (mut base, target) = problem(rng, 4, 400, false);
    for (j, x) in base.iter_mut().enumerate() {
        match j % 37 {
            0 => *x = f64::INFINITY,
            5 => *x = f64::NAN,
            _ => {}
        }
    }
    let fast = fit_constants(&base, 4, &target);
    let plain = fit_constants_plain(&base, 4, &target);
    assert_eq!(
        fast.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        plain.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
}
