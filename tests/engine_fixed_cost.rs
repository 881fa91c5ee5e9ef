//! The fast paths of a run's fixed cost (issue 13: initialising the citizens' attachments and fitting
//! the parties' valences, paid once per run) equal the plain computations they stand for, bit for
//! bit, on random inputs: the proportional-fitting sweep with its sums in registers against the
//! sweep through memory, the valence fit on problems of the baseline's size and shape, and a
//! calibration particle's scenario read from the entries that hold its parameters against the whole
//! tree read again.

use crossroads::model::rng::uniform01;
use crossroads::model::voters::{fit_constants, fit_constants_plain, ipf_sweep, ipf_sweep_plain};
use crossroads::scenario::tree::{Kind, Node};
use crossroads::scenario::{self, de::from_node, param};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The bits of each value, every NaN as one (Rust leaves a NaN's sign and payload unspecified, and
/// the model only ever compares these values, which no NaN passes).
fn bits(v: &[f64]) -> Vec<u64> {
    v.iter()
        .map(|x| {
            if x.is_nan() {
                f64::NAN.to_bits()
            } else {
                x.to_bits()
            }
        })
        .collect()
}

/// A random affinity matrix of `n` citizens and `np` parties (some zero rows, some zero entries,
/// and with `odd` a NaN and an infinity), column scales and the no-party scale.
fn ipf_problem(rng: &mut ChaCha8Rng, n: usize, np: usize, odd: bool) -> (Vec<f64>, Vec<f64>, f64) {
    let mut aff: Vec<f64> = (0..n * np)
        .map(|j| {
            let u = uniform01(rng);
            if j % 13 == 0 { 0.0 } else { (-8.0 * u).exp() }
        })
        .collect();
    // a citizen with no affinity at all (its z is the no-party scale alone)
    if n > 3 {
        aff[3 * np..4 * np].fill(0.0);
    }
    if odd && n > 6 {
        aff[5 * np] = f64::NAN;
        aff[6 * np] = f64::INFINITY;
    }
    let scale: Vec<f64> = (0..np).map(|_| 0.01 + uniform01(rng) * 3.0).collect();
    let none_scale = if odd { 0.0 } else { uniform01(rng) };
    (aff, scale, none_scale)
}

#[test]
fn attachment_fitting_sweep_equals_the_sweep_through_memory() {
    let rng = &mut ChaCha8Rng::seed_from_u64(1301);
    for case in 0..60 {
        // 1 to 8 parties on the register path, 9 and 10 on the plain one
        let np = 1 + case % 10;
        let n = [0, 1, 7, 50, 333, 2000][case % 6];
        let odd = case % 4 == 3;
        let (aff, scale, none_scale) = ipf_problem(rng, n, np, odd);
        for keep in [false, true] {
            let mut col = vec![-1.0; np + 1];
            let mut prob = vec![0.0; n * (np + 1)];
            ipf_sweep(
                &aff,
                np,
                &scale,
                none_scale,
                &mut col,
                keep.then_some(&mut prob[..]),
            );
            let mut col_plain = vec![-1.0; np + 1];
            let mut prob_plain = vec![0.0; n * (np + 1)];
            ipf_sweep_plain(
                &aff,
                np,
                &scale,
                none_scale,
                &mut col_plain,
                keep.then_some(&mut prob_plain[..]),
            );
            let what = format!("case {case}: n {n}, np {np}, odd {odd}, keep {keep}");
            assert_eq!(bits(&col), bits(&col_plain), "column sums, {what}");
            assert_eq!(bits(&prob), bits(&prob_plain), "probabilities, {what}");
        }
    }
}

#[test]
fn valence_fit_equals_the_plain_fit_at_the_baselines_size() {
    // the baseline's shape: 2,000 citizens × 8 noise draws, 4 parties, effective distances spread
    // over about a unit with the noise of its election
    let rng = &mut ChaCha8Rng::seed_from_u64(1302);
    for (case, &(rows, m)) in [(16_000usize, 4usize), (4_001, 3), (999, 9)]
        .iter()
        .enumerate()
    {
        let mut base = Vec::with_capacity(rows * m);
        for _ in 0..rows {
            let centre = uniform01(rng);
            for _ in 0..m {
                base.push(centre + 0.4 * (uniform01(rng) - 0.5));
            }
        }
        let mut target: Vec<f64> = (0..m).map(|_| 0.05 + uniform01(rng)).collect();
        let total: f64 = target.iter().sum();
        target.iter_mut().for_each(|t| *t /= total);
        assert_eq!(
            bits(&fit_constants(&base, m, &target)),
            bits(&fit_constants_plain(&base, m, &target)),
            "case {case}: rows {rows}, m {m}"
        );
    }
}

#[test]
fn a_particles_scenario_equals_the_whole_tree_read_again() {
    let rng = &mut ChaCha8Rng::seed_from_u64(1303);
    let mut checked = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let r = scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let segs: Vec<_> = param::dist_nodes(&r.tree)
            .into_iter()
            .map(|(segs, _)| segs)
            .collect();
        for _ in 0..5 {
            let theta: Vec<f64> = segs.iter().map(|_| uniform01(rng)).collect();
            let mut t: Node = r.tree.clone();
            for (segs, v) in segs.iter().zip(&theta) {
                if let Some(slot) = t.at_mut(segs) {
                    *slot = Node::new(Kind::Float(*v), slot.span);
                }
            }
            let mut whole: crossroads::scenario::Scenario = from_node(&t).unwrap();
            whole.extends = r.scenario.extends.clone();
            let fast = param::scenario_with_values(&r.tree, &r.scenario, &segs, &theta).unwrap();
            assert_eq!(fast, whole, "{}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 5, "{checked} scenarios");
}
