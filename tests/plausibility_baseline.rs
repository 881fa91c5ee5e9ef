//! Plausibility of elections over many runs and random scenarios, and the valence fit (docs/model.md
//! 7.15): the baseline's vote shares add up to one, its seats to at least the parliament's size, and a
//! government's seats respect the stable-majority bonus and the opposition minimum in every run
//! (growth and tension bounds over the baseline and random scenarios are in `plausibility_macro.rs`);
//! over random small electoral systems (2–5 lists, any allocation method, thresholds, bonus,
//! opposition minimum, second round) vote shares sum to one, seats to the size plus whatever the
//! bonus and the minimum added, and both rules hold; fitted valences make the vote reproduce the poll shares they were fitted to (without
//! the fit the central party collects the undecided); a bad `valence_poll` is a located error, exit 2.

use assert_cmd::Command;
use crossroads::model::{self, OutcomeValue, RunOptions, RunOutput};
use crossroads::scenario::{self, Resolved, load_str};
use std::path::{Path, PathBuf};

fn value(r: &Resolved, out: &RunOutput, id: &str) -> f64 {
    let k = r
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == id)
        .unwrap_or_else(|| panic!("no outcome {id}"));
    match out.outcomes[k] {
        OutcomeValue::Num(Some(v)) => v,
        OutcomeValue::Num(None) => f64::NAN,
        OutcomeValue::Bool(b) => f64::from(u8::from(b)),
    }
}

// ---------------------------------------------------------------------------------------- baseline

#[test]
fn the_baseline_election_adds_up_in_every_run() {
    let r = scenario::load(Path::new("scenarios/baseline.ron"), &[]).expect("baseline loads");
    let parties = [
        "civil_contract",
        "strong_armenia",
        "armenia_bloc",
        "prosperous_armenia",
    ];
    for i in 0..24 {
        let out = model::run_one(&r, 1, i, &RunOptions::default()).expect("run");
        let votes: f64 = parties
            .iter()
            .map(|p| value(&r, &out, &format!("vote_{p}")))
            .sum();
        assert!(
            (votes - 1.0).abs() < 1e-9,
            "run {i}: vote shares sum to {votes}"
        );
        let seats: Vec<f64> = parties
            .iter()
            .map(|p| value(&r, &out, &format!("seats_{p}")))
            .collect();
        let total: f64 = seats.iter().sum();
        // 101 seats plus 4 national-minority seats, plus any bonus and opposition seats.
        assert!(total >= 105.0, "run {i}: {total} seats");
        if value(&r, &out, "civil_contract_governs") == 1.0 {
            // Civil Contract governs alone (no list is within its coalition distance): the bonus
            // gives it at least 52% of the seats, the opposition minimum leaves the others a third.
            let share = seats[0] / total;
            assert!(share >= 0.52 - 1e-12, "run {i}: governing share {share}");
            assert!(
                1.0 - share >= 1.0 / 3.0 - 1e-12,
                "run {i}: opposition {share}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------- random systems

/// A country of 600 citizens with frozen opinions on two dimensions, five parties (a ballot takes the
/// first `n`) and one election in the second month; the institutions and outcomes come from the test.
const SYSTEM: &str = r#"(
    format: 1,
    run: (name: "system", start: "2030-01", horizon: 2, runs: 1, seed: 1),
    dimensions: [(id: "x"), (id: "y")],
    countries: [(
        id: "land",
        population: (size: 600, opinions: [(dimension: "x", mean: 0.5, sd: 0.25), (dimension: "y", mean: 0.5, sd: 0.25)], dynamics: Frozen),
        economy: (gdp_bn: 10.0, growth: 0.02),
        voters: (attachment: [(party: "p0", share: 0.2), (party: "p1", share: 0.15)], weight: 0.1, update: 0.0),
    )],
    actors: [
        (id: "p0", kind: Party, country: "land", platform: [(dimension: "x", value: 0.2), (dimension: "y", value: 0.3)]),
        (id: "p1", kind: Party, country: "land", platform: [(dimension: "x", value: 0.8), (dimension: "y", value: 0.7)]),
        (id: "p2", kind: Party, country: "land", platform: [(dimension: "x", value: 0.5), (dimension: "y", value: 0.5)]),
        (id: "p3", kind: Party, country: "land", platform: [(dimension: "x", value: 0.3), (dimension: "y", value: 0.8)]),
        (id: "p4", kind: Party, country: "land", platform: [(dimension: "x", value: 0.7), (dimension: "y", value: 0.2)]),
    ],
    elections: [(id: "e", country: "land", month: "2030-02", parties: ["p0", "p1"], turnout: 0.6, noise: 0.05)],
    outcomes: [OUTCOMES],
)"#;

mod random_systems {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
        /// Vote shares sum to one over the ballot; seats sum to the parliament's size plus reserved
        /// seats, plus no more than what the bonus and the opposition minimum add; lists off the
        /// ballot or below the threshold hold no seats; a government formed by a majority, a
        /// coalition or a second round holds at least the bonus share, and the opposition at least
        /// its minimum.
        #[test]
        fn vote_shares_and_seats_add_up(
            seed in 0u64..1_000_000,
            n in 2usize..=5,
            threshold in 0.0f64..0.3,
            seats in 1u32..200,
            reserved in 0u32..6,
            method in 0usize..4,
            bonus in prop::option::of(0.51f64..0.6),
            opposition in prop::option::of(0.05f64..0.35),
            coalition in any::<bool>(),
            noise in 0.0f64..0.3,
        ) {
            let methods = ["DHondt", "SainteLague", "LargestRemainder", "HareLargestLists"];
            let ballot: Vec<String> = (0..n).map(|k| format!("\"p{k}\"")).collect();
            let mut sets = vec![
                format!("elections.e.parties=[{}]", ballot.join(", ")),
                format!("elections.e.threshold={threshold}"),
                format!("elections.e.seats={seats}"),
                format!("elections.e.reserved_seats={reserved}"),
                format!("elections.e.method={}", methods[method]),
                format!("elections.e.noise={noise}"),
                format!(
                    "elections.e.formation=(coalition: {}, max_distance: 0.4, runoff: true)",
                    if coalition { "ClosestPlatforms" } else { "None" }
                ),
            ];
            if let Some(b) = bonus {
                sets.push(format!("elections.e.majority_bonus={b}"));
            }
            if let Some(m) = opposition {
                sets.push(format!("elections.e.opposition_min={m}"));
            }
            let outcomes: Vec<String> = (0..n)
                .map(|k| format!(
                    "(id: \"v{k}\", kind: VoteShare(election: \"e\", party: \"p{k}\")), \
                     (id: \"s{k}\", kind: Seats(election: \"e\", party: \"p{k}\")), \
                     (id: \"g{k}\", kind: Governing(election: \"e\", party: \"p{k}\")), \
                     (id: \"n{k}\", kind: EntersParliament(election: \"e\", party: \"p{k}\"))"
                ))
                .collect();
            let src = SYSTEM.replace("OUTCOMES", &outcomes.join(", "));
            let r = load_str("system.ron", &src, &sets).unwrap_or_else(|d| panic!("{d:?}"));
            let out = model::run_one(&r, seed, 0, &RunOptions::default()).unwrap();
            let v = |id: String| value(&r, &out, &id);
            let votes: f64 = (0..n).map(|k| v(format!("v{k}"))).sum();
            prop_assert!((votes - 1.0).abs() < 1e-9, "vote shares sum to {}", votes);
            let s: Vec<f64> = (0..n).map(|k| v(format!("s{k}"))).collect();
            let total: f64 = s.iter().sum();
            let base = f64::from(seats + reserved);
            let entered = (0..n).any(|k| v(format!("n{k}")) == 1.0);
            if entered {
                prop_assert!(total >= base, "{} seats of {}", total, base);
            } else {
                // No list passed its threshold (and no `min_parties`): no seats, no government.
                prop_assert!(total == 0.0, "{} seats with no list entered", total);
            }
            for (k, &held) in s.iter().enumerate() {
                if v(format!("n{k}")) == 0.0 {
                    prop_assert!(held == 0.0, "list {} holds {} seats outside parliament", k, held);
                }
            }
            let gov: f64 = (0..n).filter(|&k| v(format!("g{k}")) == 1.0).map(|k| s[k]).sum();
            let opp: f64 = (0..n)
                .filter(|&k| v(format!("g{k}")) == 0.0 && v(format!("n{k}")) == 1.0)
                .map(|k| s[k])
                .sum();
            if let Some(b) = bonus {
                // runoff: true, so every government is formed by a majority, a coalition or a second
                // round, and the bonus applies
                if gov > 0.0 {
                    prop_assert!(gov >= b * total - 1e-9, "government {} of {} below the bonus {}", gov, total, b);
                }
            }
            if let Some(m) = opposition {
                if (0..n).any(|k| v(format!("n{k}")) == 1.0 && v(format!("g{k}")) == 0.0) {
                    prop_assert!(opp >= m * total - 1e-9, "opposition {} of {} below {}", opp, total, m);
                }
            }
            if entered && bonus.is_none() && opposition.is_none() {
                prop_assert!(total == base, "{} seats without bonus or minimum, expected {}", total, base);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------- valence

/// Three parties on one dimension, the central one (`mid`) nearest to most citizens; few partisans;
/// everyone votes (turnout 1, no turnout weights) in the second month; frozen opinions.
const VALENCE: &str = r#"(
    format: 1,
    run: (name: "valence", start: "2030-01", horizon: 2, runs: 1, seed: 1),
    dimensions: [(id: "x")],
    countries: [(
        id: "land",
        population: (size: 2000, opinions: [(dimension: "x", mean: 0.5, sd: 0.2)], dynamics: Frozen),
        economy: (gdp_bn: 10.0, growth: 0.02),
        voters: (
            attachment: [(party: "left", share: 0.08), (party: "mid", share: 0.03), (party: "right", share: 0.04)],
            weight: 0.2, update: 0.0, latitude: 0.04,
            valence_poll: [(party: "left", share: 0.5), (party: "mid", share: 0.2), (party: "right", share: 0.3)],
        ),
    )],
    actors: [
        (id: "left", kind: Party, country: "land", platform: [(dimension: "x", value: 0.2)]),
        (id: "mid", kind: Party, country: "land", platform: [(dimension: "x", value: 0.5)]),
        (id: "right", kind: Party, country: "land", platform: [(dimension: "x", value: 0.8)]),
    ],
    elections: [(id: "e", country: "land", month: "2030-02", parties: ["left", "mid", "right"], turnout: 1.0, noise: 0.08)],
    outcomes: [
        (id: "left", kind: VoteShare(election: "e", party: "left")),
        (id: "mid", kind: VoteShare(election: "e", party: "mid")),
        (id: "right", kind: VoteShare(election: "e", party: "right")),
    ],
)"#;

fn mean_shares(sets: &[&str], seeds: u64) -> [f64; 3] {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let r = load_str("valence.ron", VALENCE, &sets).unwrap_or_else(|d| panic!("{d:?}"));
    let mut m = [0.0; 3];
    for seed in 1..=seeds {
        let out = model::run_one(&r, seed, 0, &RunOptions::default()).unwrap();
        for (k, id) in ["left", "mid", "right"].iter().enumerate() {
            m[k] += value(&r, &out, id) / seeds as f64;
        }
    }
    m
}

#[test]
fn fitted_valences_make_the_vote_reproduce_the_poll() {
    // Everyone votes with the noise the fit simulated: the vote shares meet the poll's 50 / 20 / 30
    // within sampling error (2,000 voters: a standard error near 0.011 per share).
    let m = mean_shares(&[], 8);
    for (k, t) in [0.5, 0.2, 0.3].into_iter().enumerate() {
        assert!(
            (m[k] - t).abs() < 0.02,
            "shares {m:?}, poll 0.5 / 0.2 / 0.3"
        );
    }
}

#[test]
fn without_valences_the_central_party_collects_the_undecided() {
    // The mechanism the fit corrects: by proximity alone the central party, which 20% of the poll
    // names, wins most votes; the fit moves them to where the poll says they lean.
    let none = mean_shares(&["countries.land.voters.valence_poll=[]"], 8);
    let fitted = mean_shares(&[], 8);
    assert!(none[1] > 0.4, "proximity alone: {none:?}");
    assert!(
        fitted[1] < none[1] - 0.15,
        "fitted {fitted:?} against {none:?}"
    );
    assert!(
        fitted[0] > none[0] + 0.1,
        "fitted {fitted:?} against {none:?}"
    );
}

// ---------------------------------------------------------------------------------------- located errors

fn located(to: &str, needle: &str, message: &str) {
    let from = "government: \"alpha_gov_party\",";
    let src = std::fs::read_to_string("tests/fixtures/valid.ron").unwrap();
    assert!(src.contains(from), "`{from}` not in the fixture");
    let text = src.replacen(from, to, 1);
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("scenario.ron");
    std::fs::write(&path, &text).unwrap();
    let start = text.find(to).unwrap();
    let i = start + text[start..].find(needle).expect("needle");
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    let out = Command::cargo_bin("crossroads")
        .unwrap()
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let prefix = format!("{}:{line}:{col}: ", path.display());
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(message)),
        "expected `{prefix}…{message}…` in:\n{stderr}"
    );
}

#[test]
fn a_bad_valence_poll_is_a_located_error() {
    located(
        "government: \"alpha_gov_party\", voters: (valence_poll: [(party: \"alpha_gov_party\", share: 0.0)]),",
        "0.0)",
        "must be a share in (0, 1]",
    );
    located(
        "government: \"alpha_gov_party\", voters: (valence_poll: [(party: \"alpha_gov_party\", share: 0.4), (party: \"alpha_gov_party\", share: 0.3)]),",
        "\"alpha_gov_party\", share: 0.3",
        "listed twice",
    );
    located(
        "government: \"alpha_gov_party\", voters: (valence_poll: [(party: \"nobody\", share: 0.4)]),",
        "\"nobody\"",
        "nobody",
    );
}
