//! Published behaviour of the standard sub-models, reproduced through the whole pipeline (scenario file
//! → loader → model), not only at the sub-model level:
//! - Deffuant–Weisbuch (Deffuant et al. 2000): consensus for epsilon above 0.5, about 1/(2 epsilon)
//!   clusters for small epsilon (scenarios/citizens_only.ron);
//! - Hegselmann–Krause (2002) on complete mixing: consensus for epsilon well above 0.2, fragmentation
//!   below, the threshold near 0.2;
//! - the expected-utility bargaining round (scenarios/bargaining_only.ron): the forecast at the start is
//!   the capability- and salience-weighted mean, and the first month's positions are exactly the
//!   published round's moves computed directly by `model::bargaining`.

use crossroads::model::bargaining::{self, BargainingParams, IssueInput};
use crossroads::model::{self, OutcomeValue, RunOptions};
use crossroads::scenario;
use std::path::Path;

fn load(file: &str, sets: &[&str]) -> scenario::Resolved {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    scenario::load(Path::new(file), &sets).unwrap_or_else(|e| panic!("{e}"))
}

/// Final number of opinion clusters in run `run` (from the recorded `clusters` series).
fn final_clusters(r: &scenario::Resolved, run: u64) -> f64 {
    let keys = model::series_layout(&r.scenario);
    let k = keys
        .iter()
        .position(|k| k.indicator == "clusters")
        .expect("clusters recorded");
    let out = model::run_one(r, 1, run, &RunOptions::default()).unwrap();
    let last = out.series.len() / keys.len() - 1;
    out.series[last * keys.len() + k]
}

const CITIZENS: &str = "scenarios/citizens_only.ron";

#[test]
fn deffuant_reaches_consensus_above_one_half() {
    let r = load(
        CITIZENS,
        &["countries.land.population.dynamics.epsilon=0.6"],
    );
    for run in 0..5 {
        assert_eq!(final_clusters(&r, run), 1.0, "run {run}");
    }
}

#[test]
fn deffuant_fragments_for_small_epsilon() {
    // 1 / (2 × 0.1) = 5 clusters expected; allow the published spread.
    let r = load(
        CITIZENS,
        &[
            "countries.land.population.dynamics.epsilon=0.1",
            "run.horizon=120",
        ],
    );
    for run in 0..5 {
        let c = final_clusters(&r, run);
        assert!((3.0..=6.0).contains(&c), "run {run}: {c} clusters");
    }
}

fn hk(epsilon: f64) -> scenario::Resolved {
    load(
        CITIZENS,
        &[
            &format!(
                "countries.land.population.dynamics=HegselmannKrause(epsilon: {epsilon}, steps: 1)"
            ),
            "countries.land.population.size=500",
            "countries.land.population.opinions=[(dimension: \"opinion\", mean: 0.5, sd: 10.0)]",
            "run.horizon=40",
        ],
    )
}

#[test]
fn hegselmann_krause_consensus_threshold_is_near_one_fifth() {
    let consensus = |eps: f64| {
        (0..10)
            .filter(|&run| final_clusters(&hk(eps), run) == 1.0)
            .count()
    };
    assert_eq!(consensus(0.3), 10, "epsilon 0.3 reaches consensus");
    assert!(
        consensus(0.25) >= 8,
        "epsilon 0.25 mostly reaches consensus"
    );
    assert!(consensus(0.15) <= 2, "epsilon 0.15 mostly does not");
    assert_eq!(consensus(0.1), 0, "epsilon 0.1 fragments");
}

fn num(r: &scenario::Resolved, out: &model::RunOutput, id: &str) -> f64 {
    let k = r.scenario.outcomes.iter().position(|o| o.id == id).unwrap();
    match out.outcomes[k] {
        OutcomeValue::Num(Some(v)) => v,
        ref v => panic!("{id}: {v:?}"),
    }
}

#[test]
fn bargaining_forecast_and_first_round_match_the_published_model() {
    let r = load("scenarios/bargaining_only.ron", &[]);
    let out = model::run_one(&r, 1, 0, &RunOptions::default()).unwrap();
    // The weighted mean of the file's data set: 3005 / 70.5.
    let start = num(&r, &out, "forecast_start");
    assert!(
        (start - 3005.0 / 70.5).abs() < 1e-9,
        "forecast at the start {start}"
    );
    // The first month's round, computed directly with the published rules (Q = 1, step = 1, width fixed
    // at the initial spread).
    let x = [10.0, 30.0, 50.0, 80.0, 100.0];
    let s = [0.9, 0.6, 0.5, 0.8, 0.4];
    let c = [30.0, 20.0, 15.0, 25.0, 10.0];
    let mut new = [0.0; 5];
    let mut diag = vec![bargaining::ActorRound::default(); 5];
    let params = BargainingParams {
        range: Some(90.0),
        ..BargainingParams::default()
    };
    let input = IssueInput {
        positions: &x,
        salience: &s,
        capability: &c,
        status_quo: 50.0,
    };
    bargaining::bargaining_round(
        &input,
        &params,
        &mut bargaining::Scratch::new(),
        &mut new,
        &mut diag,
    );
    let expected = bargaining::weighted_mean(&new, &s, &c);
    let round1 = num(&r, &out, "forecast_round1");
    assert!(
        (round1 - expected).abs() < 1e-9,
        "forecast after round 1 {round1}, published round gives {expected}"
    );
    assert!(
        new.iter().zip(&x).any(|(a, b)| a != b),
        "someone moves in the first round"
    );
    // Repeated rounds narrow the positions.
    assert!(num(&r, &out, "spread_end") < num(&r, &out, "spread_start"));
}
