//! Calibration against known answers, through the library: ABC-SMC ([`abc::run`]) with the
//! observations' measurement model and distance ([`observe::Targets`]) recovering an exact
//! conjugate posterior (a poll: binomial likelihood, uniform prior, Beta posterior), and, on the
//! real model, simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018,
//! "Validating Bayesian inference algorithms with simulation-based calibration", arXiv:1804.06788):
//! truths drawn from the prior, synthetic observations generated from them, and the truth's rank in
//! each posterior uniform over the replications.

use crossroads::experiments::abc::{self, Evaluation, Prior, Settings, weighted_mean_sd};
use crossroads::experiments::calibrate::{dist_segments, evaluate, model_values, plan};
use crossroads::experiments::observe::Targets;
use crossroads::model::rng::{Streams, std_normal, uniform01};
use crossroads::scenario::Dist;
use crossroads::scenario::load::load_str;
use crossroads::scenario::schema::Measurement;
use std::sync::atomic::AtomicBool;

const TINY: &str = "tests/fixtures/calibration_tiny.ron";

/// The calibration fixture with its `observations:` block replaced by `block`, and `edits` applied.
fn scenario(block: &str, edits: &[(&str, &str)]) -> crossroads::scenario::Resolved {
    let text = std::fs::read_to_string(TINY).unwrap();
    let head = text.split("    observations: [").next().unwrap();
    let mut text = format!("{head}    observations: [\n{block}\n    ],\n)\n");
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    load_str("calibration_known.ron", &text, &[]).unwrap_or_else(|e| panic!("{e:?}"))
}

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
}

/// A poll of 50 respondents, 15 for (share 0.3), of a quantity the prior puts uniform on [0, 1]:
/// the exact posterior is Beta(1 + 15, 1 + 35) = Beta(16, 36) (Bayes 1763 / Laplace 1774; any
/// Bayesian text, e.g. Gelman et al. 2013, Bayesian Data Analysis, 3rd ed., §2.1), mean
/// 16/52 = 0.307692, sd sqrt(16 · 36 / (52² · 53)) = 0.063397. The simulated poll is a binomial
/// draw of 50 respondents; at tolerance 0 only the polls of exactly 15 are accepted, which is exact
/// rejection sampling of that posterior.
#[test]
fn poll_gives_the_beta_posterior() {
    let r = scenario(
        r#"        (id: "poll", month: "2020-02", indicator: "opinion", entity: "land/d", measured: Poll(share: 0.3, n: 50)),"#,
        &[],
    );
    let targets = Targets::new(&r.scenario, None).unwrap();
    let priors = vec![Prior {
        name: "p".into(),
        dist: Dist::Uniform(0.0, 1.0),
    }];
    let sim = |t: &[f64], s: &Streams| -> Result<Evaluation, String> {
        let measured = targets.measure(t, &mut s.get("observe"));
        Ok(Evaluation {
            distance: targets.distance(&measured),
            values: t.to_vec(),
        })
    };
    let settings = Settings {
        particles: 4000,
        generations: 12,
        min_acceptance: 0.0,
        // At ε one respondent wide, about a third of the particles are exact hits: α = 0.3 lets the
        // next tolerance be 0 (the default 0.5 stops there, a mixture of Beta(15 + 1, …) neighbours).
        ess_fraction: 0.3,
        kernel: abc::KernelKind::default(),
        seed: 21,
    };
    let (gens, end) = abc::run(
        &priors,
        &settings,
        &pool(),
        &sim,
        &AtomicBool::new(false),
        &mut |_| {},
    );
    let g = gens.last().unwrap();
    let (m, sd) = weighted_mean_sd(&g.theta, &g.weights, 0);
    eprintln!(
        "beta: mean {m}, sd {sd}, eps {}, ess {}, {} generations, {end:?}",
        g.tolerance,
        g.ess,
        gens.len()
    );
    assert_eq!(g.tolerance, 0.0, "the tolerance reached 0");
    // Monte Carlo error of the mean: 0.063 / sqrt(ESS ≈ 3000) ≈ 0.0012.
    assert!((m - 0.307_692).abs() < 0.006, "mean {m}");
    assert!((sd - 0.063_397).abs() < 0.06 * 0.063_397, "sd {sd}");
}

/// Simulation-based calibration on the real model: one uncertain parameter (the initial mean
/// opinion of a 30-agent country, prior Uniform(0.3, 0.7)) and one observation of the mean opinion
/// after two months with a Gaussian error of sd 0.02. Each replication draws a truth from the prior,
/// simulates the model with it (its own streams), adds the error (drawn here, so a calibration that
/// ignored the measurement error would show), calibrates with 100
/// particles and 6 generations, and takes the truth's weighted rank `u = Σ w_j [θ_j < θ*]`.
///
/// If the posterior is right, `u` is uniform (Talts et al. 2018). Test: Pearson's chi-square over
/// 10 equal bins of 100 replications (10 expected per bin, 9 degrees of freedom) below 21.67, the
/// 1% critical value; the replications are seeded, so the outcome is fixed, and the level says how
/// surprising a failure of a correct sampler would be. The posterior must also concentrate: mean
/// posterior sd under half the prior's, and the posterior mean within 0.3 prior sds of the truth on
/// average.
#[test]
fn simulation_based_calibration_on_the_model() {
    let se = 0.02;
    let r = scenario(
        r#"        (id: "op", month: "2020-02", indicator: "opinion", entity: "land/d", measured: Value(value: 0.5, se: 0.02)),"#,
        &[
            ("growth: Uniform(0.0, 0.08)", "growth: 0.03"),
            ("size: 100", "size: 30"),
        ],
    );
    let p = plan(&r, None).unwrap();
    assert_eq!(p.priors.len(), 1);
    let Dist::Uniform(lo, hi) = p.priors[0].dist else {
        panic!("{:?}", p.priors[0].dist)
    };
    let prior_sd = (hi - lo) / 12f64.sqrt();
    let nodes = dist_segments(&r);
    let pool = pool();
    let reps = 100u64;
    let (mut bins, mut abs_err, mut sd_sum) = ([0usize; 10], 0.0, 0.0);
    for rep in 0..reps {
        let truth_streams = Streams::new(90_000 + rep, 0);
        let truth = lo + (hi - lo) * uniform01(&mut truth_streams.get("truth"));
        let values = model_values(&r, &nodes, &p.targets, &[truth], &truth_streams).unwrap();
        // The measurement, drawn here (not by the code under test): the model's value plus N(0, se).
        let y = values[0] + se * std_normal(&mut truth_streams.get("observe"));
        let mut targets = p.targets.clone();
        targets.items[0].measured = Measurement::Value { value: y, se };
        let sim = |t: &[f64], s: &Streams| evaluate(&r, &nodes, &targets, t, s);
        let settings = Settings {
            particles: 100,
            generations: 6,
            min_acceptance: 0.0,
            ess_fraction: 0.5,
            kernel: abc::KernelKind::default(),
            seed: rep,
        };
        let (gens, _) = abc::run(
            &p.priors,
            &settings,
            &pool,
            &sim,
            &AtomicBool::new(false),
            &mut |_| {},
        );
        let g = gens.last().unwrap();
        let u: f64 = g
            .theta
            .iter()
            .zip(&g.weights)
            .filter(|(t, _)| t[0] < truth)
            .map(|(_, w)| w)
            .sum();
        bins[((u * 10.0) as usize).min(9)] += 1;
        let (m, sd) = weighted_mean_sd(&g.theta, &g.weights, 0);
        abs_err += (m - truth).abs();
        sd_sum += sd;
    }
    let expected = reps as f64 / 10.0;
    let chi2: f64 = bins
        .iter()
        .map(|&b| (b as f64 - expected).powi(2) / expected)
        .sum();
    let (mae, msd) = (abs_err / reps as f64, sd_sum / reps as f64);
    eprintln!(
        "SBC: bins {bins:?}, chi2 {chi2:.2}; mean |error| {mae:.4}, mean sd {msd:.4}, prior sd {prior_sd:.4}"
    );
    assert!(chi2 < 21.67, "ranks not uniform: {bins:?}, chi2 {chi2}");
    assert!(msd < 0.5 * prior_sd, "mean posterior sd {msd}");
    assert!(mae < 0.3 * prior_sd, "mean |error| {mae}");
}
