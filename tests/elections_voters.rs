//! Voters in whole runs, directional (paired runs on common random numbers, the same seeds for both
//! arms): stronger attachment raises turnout and keeps the vote with the party; more distance to the
//! platforms means more abstention and more undecided respondents; the initial attachments meet their
//! shares; a second round is held and won by one of the top two; a re-elected government is reported
//! as the same government; a referendum's quorum of the electorate decides its result.

use crossroads::model::{OutcomeValue, RunOptions, rng::Streams, run_one, voters, world::World};
use crossroads::scenario::{Resolved, load_str};

/// A country of 1,000 citizens (frozen opinions around the middle of two dimensions), three parties
/// and one election in the second month.
const BASE: &str = r#"(
    format: 1,
    run: (name: "voters", start: "2030-01", horizon: 3, runs: 10, seed: 3),
    dimensions: [(id: "x"), (id: "y")],
    countries: [(
        id: "land",
        population: (size: 1000, opinions: [(dimension: "x", mean: 0.5, sd: 0.2), (dimension: "y", mean: 0.5, sd: 0.2)], dynamics: Frozen),
        economy: (gdp_bn: 10.0, growth: 0.02),
        government: "a",
        voters: (
            attachment: [(party: "a", share: 0.3), (party: "b", share: 0.2)],
            strength: (mean: 0.5, sd: 0.1),
            weight: 0.2,
            update: 0.0,
            latitude: 0.1,
        ),
    )],
    actors: [
        (id: "gov", kind: State, country: "land"),
        (id: "a", kind: Party, country: "land", platform: [(dimension: "x", value: 0.35), (dimension: "y", value: 0.4)]),
        (id: "b", kind: Party, country: "land", platform: [(dimension: "x", value: 0.65), (dimension: "y", value: 0.6)]),
        (id: "c", kind: Party, country: "land", platform: [(dimension: "x", value: 0.5), (dimension: "y", value: 0.85)]),
    ],
    elections: [(id: "e", country: "land", month: "2030-02", parties: ["a", "b", "c"], threshold: 0.0, seats: 100, turnout: 0.6, noise: 0.05)],
    events: [(id: "vote", trigger: Scheduled("2030-03"), effects: [Referendum(country: "land", dimension: "x", turnout: 0.5, quorum: 0.2, pass: "yes", fail: "no")])],
    process: (phases: [(id: "start"), (id: "yes"), (id: "no")], initial: "start"),
    outcomes: [
        (id: "turnout", kind: Turnout(election: "e")),
        (id: "a_share", kind: VoteShare(election: "e", party: "a")),
        (id: "a_wins", kind: ElectionWinner(election: "e", party: "a")),
        (id: "undecided0", kind: Indicator(indicator: Undecided("land"), at: Start)),
        (id: "runoff", kind: Runoff(election: "e")),
        (id: "quorum", kind: ReferendumQuorum(country: "land")),
        (id: "yes", kind: ReferendumYes(country: "land")),
        (id: "passed", kind: PhaseReached(phase: "yes")),
    ],
)"#;

fn load(sets: &[&str]) -> Resolved {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    load_str("voters.ron", BASE, &sets).unwrap_or_else(|d| panic!("{d:?}"))
}

fn num(r: &Resolved, seed: u64, k: usize) -> f64 {
    match run_one(r, seed, 0, &RunOptions::default())
        .unwrap()
        .outcomes[k]
    {
        OutcomeValue::Num(Some(x)) => x,
        v => panic!("outcome {k}: {v:?}"),
    }
}

fn flag(r: &Resolved, seed: u64, k: usize) -> bool {
    match run_one(r, seed, 0, &RunOptions::default())
        .unwrap()
        .outcomes[k]
    {
        OutcomeValue::Bool(b) => b,
        v => panic!("outcome {k}: {v:?}"),
    }
}

/// Mean paired difference `high − low` of numeric outcome `k` over `n` seeds, and its standard error.
fn paired(high: &Resolved, low: &Resolved, k: usize, n: u64) -> (f64, f64) {
    let d: Vec<f64> = (1..=n).map(|s| num(high, s, k) - num(low, s, k)).collect();
    let m = d.iter().sum::<f64>() / n as f64;
    let v = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    (m, (v / n as f64).sqrt())
}

#[test]
fn stronger_attachment_raises_turnout() {
    let strong = load(&[
        "countries.land.voters.turnout_attachment=2.0",
        "countries.land.voters.strength.mean=0.9",
    ]);
    let weak = load(&[
        "countries.land.voters.turnout_attachment=2.0",
        "countries.land.voters.strength.mean=0.1",
    ]);
    let (m, se) = paired(&strong, &weak, 0, 10);
    assert!(m > 3.0 * se && m > 0.02, "turnout difference {m} (se {se})");
}

#[test]
fn stronger_attachment_keeps_the_vote_with_the_party() {
    // Party a's platform moves away from its partisans (to the corner); strong partisans stay more.
    let far = [
        "actors.a.platform[0].value=0.05",
        "actors.a.platform[1].value=0.05",
    ];
    let strong = load(&[far[0], far[1], "countries.land.voters.strength.mean=0.9"]);
    let weak = load(&[far[0], far[1], "countries.land.voters.strength.mean=0.1"]);
    let (m, se) = paired(&strong, &weak, 1, 10);
    assert!(
        m > 3.0 * se && m > 0.02,
        "vote share difference {m} (se {se})"
    );
}

#[test]
fn more_distance_means_more_abstention() {
    let base = ["countries.land.voters.turnout_alienation=5.0"];
    let near = load(&base);
    let far = load(&[
        base[0],
        "actors.a.platform[0].value=0.05",
        "actors.b.platform[0].value=0.95",
        "actors.c.platform[1].value=1.0",
    ]);
    let (m, se) = paired(&near, &far, 0, 10);
    assert!(m > 3.0 * se && m > 0.02, "turnout difference {m} (se {se})");
}

#[test]
fn more_distance_means_more_undecided_respondents() {
    // Nobody attached: who names a party depends on the latitude alone.
    let none = "countries.land.voters.attachment=[]";
    let near = load(&[none]);
    let far = load(&[
        none,
        "actors.a.platform[0].value=0.05",
        "actors.b.platform[0].value=0.95",
        "actors.c.platform[1].value=1.0",
    ]);
    let (m, se) = paired(&far, &near, 3, 5);
    assert!(
        m > 3.0 * se && m > 0.05,
        "undecided difference {m} (se {se})"
    );
}

#[test]
fn initial_attachments_meet_their_shares_and_partisans_name_their_party() {
    let r = load(&["countries.land.voters.latitude=0.0001"]);
    let w = World::new(&r.scenario, &Streams::new(1, 0), false).unwrap();
    let v = &w.voters[0];
    let n = v.party.len() as f64;
    let share = |k: u16| v.party.iter().filter(|&&p| p == k).count() as f64 / n;
    // 1,000 categorical draws around 0.3 and 0.2: within four binomial standard errors.
    assert!(
        (share(0) - 0.3).abs() < 4.0 * (0.3f64 * 0.7 / n).sqrt(),
        "{}",
        share(0)
    );
    assert!(
        (share(1) - 0.2).abs() < 4.0 * (0.2f64 * 0.8 / n).sqrt(),
        "{}",
        share(1)
    );
    assert_eq!(share(2), 0.0);
    // With a vanishing latitude only partisans name a party, and most of them name their own.
    let p = voters::poll(&w, 0);
    assert!(f64::from(p.decided) <= 0.5 * n + 1.0);
    assert!(p.share(0) > 0.2 && p.share(1) > 0.12, "{:?}", p);
    // Attachments follow opinions (fit): a's partisans sit nearer a's platform than b's.
    let (mut da, mut db) = (0.0, 0.0);
    for i in 0..v.party.len() {
        if v.party[i] == 0 {
            let x = w.countries[0].pop.opinion(i as u32, 0);
            da += (x - 0.35f64).abs();
            db += (x - 0.65f64).abs();
        }
    }
    assert!(da < db);
}

#[test]
fn a_second_round_is_held_between_the_top_two() {
    let r = load(&[
        "elections.e.formation.runoff=true",
        "countries.land.voters.attachment=[]",
    ]);
    let mut held = 0;
    for seed in 1..=5 {
        let out = run_one(
            &r,
            seed,
            0,
            &RunOptions {
                events: true,
                explain: false,
            },
        )
        .unwrap();
        if out.outcomes[4] == OutcomeValue::Bool(true) {
            held += 1;
            let win: Vec<_> = out
                .events
                .iter()
                .filter(|e| e.action == "election")
                .collect();
            assert_eq!(win.len(), 1);
        }
    }
    // Three lists near a third each: no list has a majority, so every run goes to a second round.
    assert_eq!(held, 5);
    // Without the rule nobody holds one.
    let r = load(&["countries.land.voters.attachment=[]"]);
    assert!(!(1..=5).any(|s| flag(&r, s, 4)));
}

#[test]
fn a_re_elected_government_is_the_same_government() {
    // Party a governs and wins (most partisans, nearest the middle here): nothing is adopted anew.
    let r = load(&[
        "actors.b.platform[0].value=0.95",
        "actors.c.platform[1].value=1.0",
    ]);
    let out = run_one(
        &r,
        1,
        0,
        &RunOptions {
            events: true,
            explain: false,
        },
    )
    .unwrap();
    assert_eq!(out.outcomes[2], OutcomeValue::Bool(true));
    let ev: Vec<_> = out
        .events
        .iter()
        .filter(|e| e.action == "election")
        .collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].result, "same_government");
    // A government of another party is a change, named by the new party.
    let r = load(&[
        "countries.land.government=\"b\"",
        "actors.b.platform[0].value=0.95",
        "actors.c.platform[1].value=1.0",
    ]);
    let out = run_one(
        &r,
        1,
        0,
        &RunOptions {
            events: true,
            explain: false,
        },
    )
    .unwrap();
    let ev: Vec<_> = out
        .events
        .iter()
        .filter(|e| e.action == "election")
        .collect();
    assert_eq!(ev[0].result, "a");
}

#[test]
fn the_referendum_needs_its_quorum_of_the_electorate() {
    // Yes = opinion on x above 0.3: about 84% of the voters; turnout 0.5, so yes votes are about
    // quarter of the electorate: a quorum of 0.2 is met, one of 0.4 is not (and the act fails).
    let met = load(&[
        "events.vote.effects[0].yes_above=0.3",
        "events.vote.effects[0].threshold=0.5",
    ]);
    let missed = load(&[
        "events.vote.effects[0].yes_above=0.3",
        "events.vote.effects[0].threshold=0.5",
        "events.vote.effects[0].quorum=0.6",
    ]);
    for seed in 1..=3 {
        assert!(flag(&met, seed, 5) && flag(&met, seed, 7));
        assert!(!flag(&missed, seed, 5) && !flag(&missed, seed, 7));
        assert!(
            num(&missed, seed, 6) > 0.5,
            "the yes share alone would pass"
        );
    }
}
