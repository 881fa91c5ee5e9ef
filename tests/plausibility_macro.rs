//! Plausibility and directional tests of the macro layer (docs/model.md 7.7, 7.10–7.12, 7.17, 7.18):
//! growth inside its documented bounds and tension inside `[floor, 1]` every month over random
//! scenarios; the baseline's median growth inside [−10%, +12%] every month; a bigger budget never buys
//! less of a paying action; and the direction (often the exact size) of each mechanism: growth reverts
//! to potential with its half-life, transit value raises growth as a level effect, mediation has
//! diminishing returns, tension decays to its baseline, temperature flattens choice, the opportunity
//! cost of money stops spending on actions that do not pay, decided transitions and referendums
//! follow the decider's goals, and a re-elected government keeps its bargained positions. Paired runs
//! use common random numbers (the same seed and run indices).

use crossroads::model::actions::mediation;
use crossroads::model::decisions::{self, Plan, Scratch};
use crossroads::model::rng::Streams;
use crossroads::model::schedule::Simulation;
use crossroads::model::world::World;
use crossroads::model::{self, OutcomeValue, RunOptions, RunOutput};
use crossroads::scenario::schema::ActionSpec;
use crossroads::scenario::{self, Resolved};
use std::path::Path;

const BASE: &str = "tests/fixtures/macro_base.ron";

fn load_from(path: &str, sets: &[&str]) -> Resolved {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match scenario::load(Path::new(path), &sets) {
        Ok(r) => r,
        Err(e) => panic!("{path} failed to load:\n{e}"),
    }
}

fn load(sets: &[&str]) -> Resolved {
    load_from(BASE, sets)
}

fn runs(r: &Resolved, n: u64) -> Vec<RunOutput> {
    (0..n)
        .map(|i| model::run_one(r, 17, i, &RunOptions::default()).expect("run"))
        .collect()
}

fn num(r: &Resolved, out: &RunOutput, id: &str) -> f64 {
    let k = r
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == id)
        .expect("outcome id");
    match out.outcomes[k] {
        OutcomeValue::Num(Some(v)) => v,
        OutcomeValue::Num(None) => f64::NAN,
        OutcomeValue::Bool(b) => f64::from(u8::from(b)),
    }
}

fn mean(r: &Resolved, outs: &[RunOutput], id: &str) -> f64 {
    outs.iter().map(|o| num(r, o, id)).sum::<f64>() / outs.len() as f64
}

/// Mean of the paired differences `b − a` of outcome `id` over `n` runs, and its standard error.
fn paired(a: &Resolved, b: &Resolved, id: &str, n: u64) -> (f64, f64) {
    let (ra, rb) = (runs(a, n), runs(b, n));
    let d: Vec<f64> = ra
        .iter()
        .zip(&rb)
        .map(|(x, y)| num(b, y, id) - num(a, x, id))
        .collect();
    let n = d.len() as f64;
    let m = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

fn assert_up(a: &Resolved, b: &Resolved, id: &str, n: u64) -> f64 {
    let (m, se) = paired(a, b, id, n);
    assert!(
        m > 0.0 && m > 3.0 * se,
        "{id}: expected an increase, got {m} (se {se})"
    );
    m
}

fn assert_down(a: &Resolved, b: &Resolved, id: &str, n: u64) -> f64 {
    let (m, se) = paired(a, b, id, n);
    assert!(
        m < 0.0 && -m > 3.0 * se,
        "{id}: expected a decrease, got {m} (se {se})"
    );
    m
}

/// Every month's value of series `indicator` for `entity`, per run.
fn series(r: &Resolved, out: &RunOutput, indicator: &str, entity: &str) -> Vec<f64> {
    let keys = model::series_layout(&r.scenario);
    let k = keys
        .iter()
        .position(|x| x.indicator == indicator && x.entity == entity)
        .unwrap_or_else(|| panic!("no series {indicator} {entity}"));
    out.series.chunks(keys.len()).map(|row| row[k]).collect()
}

fn actor(r: &Resolved, id: &str) -> usize {
    r.scenario.actors.iter().position(|a| a.id == id).unwrap()
}

// ---------------------------------------------------------------------------------------- bounds

#[test]
fn baseline_median_growth_stays_within_plausible_bounds_every_month() {
    // Issue 11's yardstick: the median annual growth of every country stays inside [−10%, +12%] at
    // every month (the old trade dividend took Georgia to +21% by month 36), and tension never leaves
    // [floor, 1] in any run.
    let r = load_from("scenarios/baseline.ron", &[]);
    let outs: Vec<RunOutput> = (0..100)
        .map(|i| model::run_one(&r, 1, i, &RunOptions::default()).expect("run"))
        .collect();
    for c in ["armenia", "azerbaijan", "georgia"] {
        let paths: Vec<Vec<f64>> = outs.iter().map(|o| series(&r, o, "growth", c)).collect();
        for t in 0..paths[0].len() {
            let mut v: Vec<f64> = paths.iter().map(|p| p[t]).collect();
            v.sort_by(f64::total_cmp);
            let median = (v[49] + v[50]) / 2.0;
            assert!(
                (-0.10..=0.12).contains(&median),
                "{c}: median growth {median} at month {t}"
            );
        }
    }
    for o in &outs {
        // The baseline's floor is 0.05.
        for (t, x) in series(&r, o, "tension", "region").into_iter().enumerate() {
            assert!((0.05..=1.0).contains(&x), "tension {x} at month {t}");
        }
    }
}

mod bounds_under_random_scenarios {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]
        /// Random economies (potential, volatility, half-life), tensions (start, floor, baseline),
        /// violent shocks (military pressure, coercion, investment, events) and trade values: growth
        /// stays in [growth_floor, growth_ceiling] and tension in [tension_floor, 1] every month.
        #[test]
        fn growth_and_tension_stay_inside_their_bounds(
            seed in 0u64..1_000_000,
            potential in -0.05f64..0.12,
            growth in -0.1f64..0.2,
            sd in 0.0f64..0.3,
            half_life in 0.5f64..60.0,
            floor in 0.0f64..0.3,
            above in 0.0f64..0.5,
            start in 0.0f64..0.7,
            gain in 0.0f64..1.0,
            loss in 0.0f64..3.0,
            value in 0.0f64..50_000.0,
            shock in -1.0f64..1.0,
            relief in 0.0f64..1.0,
        ) {
            let sets = [
                format!("countries.land.economy.potential_growth={potential}"),
                format!("countries.land.economy.growth={growth}"),
                format!("countries.land.economy.growth_sd={sd}"),
                format!("world.growth_half_life={half_life}"),
                format!("world.tension_floor={floor}"),
                format!("world.tension_baseline={}", (floor + above).min(1.0)),
                format!("world.tension={}", (floor + start).min(1.0)),
                format!("routes.road.value_per_tonne={value}"),
                "routes.road.open=1.0".to_string(),
                "actors.rival.budget=100".to_string(),
                "actors.rival.temperature=1.0".to_string(),
                format!(r#"actors.rival.actions=[MilitaryPressure(countries: ["land"], tension_gain: {gain}), Coercion(countries: ["land"], dimension: "peace", direction: Down, growth_loss: {loss})]"#),
                "actors.west.budget=1000".to_string(),
                "actors.west.temperature=1.0".to_string(),
                format!(r#"actors.west.actions=[Invest(targets: [Country("land")], cost: 900.0, growth_multiplier: {}), Mediation(issues: ["deal"], tension_relief: {relief})]"#, loss * 10.0),
                format!(r#"events=[(id: "shock", trigger: Hazard(0.3), effects: [Tension({shock}), GrowthShock(country: "land", delta: {}, months: 3)])]"#, shock * 2.0),
            ];
            let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
            let r = load(&sets);
            let w = &r.scenario.world;
            let (g_lo, g_hi) = (w.growth_floor.value(), w.growth_ceiling.value());
            let out = model::run_one(&r, seed, seed % 13, &RunOptions::default()).unwrap();
            prop_assert!(out.series.iter().all(|v| v.is_finite()));
            for (t, g) in series(&r, &out, "growth", "land").into_iter().enumerate() {
                prop_assert!((g_lo..=g_hi).contains(&g), "growth {} at month {}", g, t);
            }
            for (t, x) in series(&r, &out, "tension", "region").into_iter().enumerate() {
                prop_assert!(x >= floor - 1e-12 && x <= 1.0, "tension {} at month {} (floor {})", x, t, floor);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------- economy

#[test]
fn growth_reverts_to_potential_with_the_documented_half_life() {
    // Growth starts 8 points above potential, no shocks: after one half-life (12 months) half the gap
    // is left, 0.02 + 0.08 / 2 = 0.06 (docs/model.md 7.10).
    let r = load(&[
        "countries.land.economy.growth=0.10",
        "countries.land.economy.potential_growth=0.02",
        "world.growth_half_life=12",
    ]);
    let out = runs(&r, 1);
    let g12 = num(&r, &out[0], "growth_m12");
    assert!(
        (g12 - 0.06).abs() < 1e-12,
        "growth after a half-life: {g12}"
    );
}

#[test]
fn growth_shocks_have_the_documented_spread() {
    // From potential with stationary sd 0.02 and half-life 12: after 24 months the deviation's sd is
    // 0.02 × sqrt(1 − 2^(−48/12)) = 0.019365 (an AR(1) started at 0); 400 runs estimate it within
    // about 3.5% (the sd of a sample sd is sd / sqrt(2n)).
    let r = load(&[
        "countries.land.economy.growth_sd=0.02",
        "world.growth_half_life=12",
    ]);
    let outs = runs(&r, 400);
    let g: Vec<f64> = outs.iter().map(|o| num(&r, o, "growth_end")).collect();
    let m = g.iter().sum::<f64>() / g.len() as f64;
    let sd = (g.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (g.len() as f64 - 1.0)).sqrt();
    let expected = 0.02 * (1.0 - 0.5f64.powf(48.0 / 12.0)).sqrt();
    assert!(
        (sd - expected).abs() < 0.12 * expected,
        "sd {sd}, expected {expected}"
    );
    assert!((m - 0.04).abs() < 4.0 * expected / 20.0, "mean {m}");
}

#[test]
fn transit_value_raises_gdp_as_a_level_effect() {
    // The route opens fully: volume rises from 2 toward 8 × (1 − 0.5 × 0.3) = 6.8 Mt a year (its
    // capacity, cut by tension). At 2,000 USD a tonne and the default capture of 2%, transit value
    // added rises by 4.8 × 2000 × 0.02 = 192 M USD a year, 0.96% of a 20 bn GDP: GDP ends about that
    // much higher. Once the volume stops growing, growth is back at its level without trade (a level
    // effect, not a growth premium).
    let open = "routes.road.open=1.0";
    let off = load(&[open]);
    let on = load(&[open, "routes.road.value_per_tonne=2000"]);
    let (ro, rn) = (runs(&off, 1), runs(&on, 1));
    let (g0, g1) = (num(&off, &ro[0], "gdp_end"), num(&on, &rn[0], "gdp_end"));
    let gain = g1 / g0 - 1.0;
    // The economy sees last month's volume (6.8 − 4.8 × 0.8^23 ≈ 6.79 Mt at month 24), and the value
    // is measured against GDP as it grows (4% a year), so the gain is a little below 0.96%.
    assert!((0.0088..0.0096).contains(&gain), "GDP gain {gain}");
    let (e0, e1) = (
        num(&off, &ro[0], "growth_end"),
        num(&on, &rn[0], "growth_end"),
    );
    assert!((e1 - e0).abs() < 2e-4, "growth at the end: {e1} vs {e0}");
    // A route at its target volume (capacity 8 × 0.25 open × 0.85 stability = 1.7 Mt) adds nothing, whatever
    // its value: only a change in the traffic's value moves growth.
    let flat0 = load(&["routes.road.volume=1.7"]);
    let flat = load(&["routes.road.volume=1.7", "routes.road.value_per_tonne=2000"]);
    let (rf0, rf) = (runs(&flat0, 1), runs(&flat, 1));
    assert_eq!(
        num(&flat, &rf[0], "gdp_end"),
        num(&flat0, &rf0[0], "gdp_end")
    );
}

#[test]
fn more_transit_value_raises_growth_on_paired_runs() {
    // With growth shocks on (common random numbers), a higher value per tonne raises GDP.
    let sets = [
        "routes.road.open=1.0",
        "countries.land.economy.growth_sd=0.03",
    ];
    let low = load(&[&sets[..], &["routes.road.value_per_tonne=500"]].concat());
    let high = load(&[&sets[..], &["routes.road.value_per_tonne=1500"]].concat());
    assert_up(&low, &high, "gdp_end", 40);
}

// ---------------------------------------------------------------------------------------- tension

#[test]
fn tension_decays_toward_its_baseline() {
    // T_n = B + (T_0 − B) (1 − decay)^n: 0.2 + 0.4 × 0.9^24 after 24 months.
    let r = load(&[
        "world.tension=0.6",
        "world.tension_baseline=0.2",
        "world.tension_decay=0.1",
    ]);
    let out = runs(&r, 1);
    let t = num(&r, &out[0], "tension_end");
    let expected = 0.2 + 0.4 * 0.9f64.powi(24);
    assert!((t - expected).abs() < 1e-12, "{t} vs {expected}");
}

#[test]
fn tension_never_falls_below_its_floor() {
    let r = load(&[
        "world.tension_floor=0.1",
        "world.tension_baseline=0.15",
        r#"events=[(id: "calm", trigger: Hazard(0.5), effects: [Tension(-0.9)])]"#,
    ]);
    for out in runs(&r, 20) {
        // An event takes tension to the floor; the month's decay then lifts it by 5% of the gap to the
        // baseline: 0.1 + 0.05 × 0.05 at the end of that month.
        let t = num(&r, &out, "tension_min");
        assert!(t >= 0.1, "tension {t} below the floor");
        assert!(
            (t - (0.1 + 0.05 * 0.05)).abs() < 1e-12,
            "the events should reach the floor: {t}"
        );
    }
}

/// A world of the fixture with `west` mediating (influence `standing` in land) and tension `t`.
fn mediation_drop(t: f64, influence: f64) -> (f64, f64) {
    let r = load(&[
        r#"actors.west.actions=[Mediation(issues: ["deal"], tension_relief: 0.5)]"#,
        &format!("world.influence=[(power: \"west\", country: \"land\", value: {influence})]"),
    ]);
    let s = &r.scenario;
    let mut w = World::new(s, &Streams::new(1, 0), false).unwrap();
    w.tension = t;
    let a = actor(&r, "west");
    let ActionSpec::Mediation(x) = &s.actors[a].actions[0] else {
        unreachable!()
    };
    let mut rng = Streams::new(0, 0).get("test");
    mediation::resolve(&mut w, a, x, 0, &mut rng);
    (t - w.tension, w.tension)
}

#[test]
fn mediation_removes_more_tension_when_there_is_more_to_remove() {
    // Baseline 0.3; relief 0.5 × standing 0.5 (influence in the only party country) × excess.
    let (high, _) = mediation_drop(0.6, 0.5);
    let (low, _) = mediation_drop(0.35, 0.5);
    assert!(
        (high - 0.5 * 0.5 * 0.3).abs() < 1e-12,
        "drop at 0.6: {high}"
    );
    assert!(
        (low - 0.5 * 0.5 * 0.05).abs() < 1e-12,
        "drop at 0.35: {low}"
    );
    assert!(high > low);
    // At the baseline there is nothing to remove, and mediation never takes tension below it.
    let (none, after) = mediation_drop(0.3, 1.0);
    assert_eq!(none, 0.0);
    assert!(after >= 0.3);
    // More standing, more relief.
    let (strong, _) = mediation_drop(0.6, 0.9);
    assert!(strong > high);
}

#[test]
fn two_mediators_cannot_drive_tension_below_its_baseline() {
    // Issue 11: two mediators used to take 0.02 off every month, driving tension from 0.25 to 0.0075.
    let med = r#"actors.west.actions=[Mediation(issues: ["deal"], tension_relief: 1.0)]"#;
    let r = load(&[
        med,
        r#"actors.rival.actions=[Mediation(issues: ["deal"], tension_relief: 1.0)]"#,
        "actors.west.budget=10",
        "actors.rival.budget=10",
        "actors.rival.goals=[(indicator: Tension, weight: -5.0)]",
        "world.influence=[(power: \"west\", country: \"land\", value: 1.0), (power: \"rival\", country: \"land\", value: 1.0)]",
        "world.tension=0.25",
        "world.tension_baseline=0.15",
        "world.tension_floor=0.1",
        // positions move only by mediation, so the issue stays open to mediation all along
        "issues.deal.bargaining.step=0.0",
    ]);
    for out in runs(&r, 10) {
        // Both mediate while there is tension to remove (and would every month if it always paid)
        assert!(num(&r, &out, "mediation_count") >= 2.0);
        assert!(num(&r, &out, "tension_min") >= 0.15 - 1e-12);
    }
}

// ---------------------------------------------------------------------------------------- decisions

/// Plans `west` makes this month in the fixture's first month with budget `budget`, from seed `seed`.
fn plans(r: &Resolved, budget: f64, seed: u64) -> Vec<Plan> {
    let mut w = World::new(&r.scenario, &Streams::new(1, 0), false).unwrap();
    let a = actor(r, "west");
    w.actors[a].budget = budget;
    let mut rng = Streams::new(seed, 0).get("test");
    let mut out = Vec::new();
    decisions::decide(&w, a, &mut rng, &mut Scratch::default(), &mut out, None);
    out
}

mod budget_response {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
        /// An actor with `k` copies of an action that pays (investment in a country whose growth it
        /// values): for every draw, a bigger budget buys at least as many of them, and with a zero
        /// temperature it buys as many as the budget and `max_actions` allow.
        #[test]
        fn a_bigger_budget_never_buys_less_of_a_paying_action(
            k in 1usize..6,
            cost in 1.0f64..20.0,
            b1 in 0.0f64..100.0,
            extra in 0.0f64..100.0,
            tau in prop_oneof![Just(0.0), 0.0f64..0.05],
            kappa in 0.0f64..0.004,
            seed in 0u64..1_000_000,
        ) {
            let entry = format!(r#"Invest(targets: [Country("land")], cost: {cost}, growth_multiplier: 2.0)"#);
            let list = vec![entry; k].join(", ");
            let sets = [
                format!("actors.west.actions=[{list}]"),
                "actors.west.goals=[(indicator: Growth(\"land\"), weight: 100.0)]".to_string(),
                format!("actors.west.temperature={tau}"),
                format!("actors.west.cost_weight={kappa}"),
                "actors.west.max_actions=5".to_string(),
                "world.tension=0.05".to_string(),
            ];
            let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
            let r = load(&sets);
            let n1 = plans(&r, b1, seed).len();
            let n2 = plans(&r, b1 + extra, seed).len();
            prop_assert!(n2 >= n1, "budget {} bought {}, budget {} bought {}", b1, n1, b1 + extra, n2);
            if tau == 0.0 {
                let affordable = ((b1 / cost).floor() as usize).min(k);
                prop_assert_eq!(n1, affordable);
            }
        }

        /// An action that does not pay (its effects are worth less than its cost) is never bought with a
        /// zero temperature, whatever the budget.
        #[test]
        fn no_budget_buys_an_action_that_does_not_pay(
            budget in 0.0f64..1000.0,
            seed in 0u64..1_000_000,
        ) {
            let r = load(&[
                r#"actors.west.actions=[Invest(targets: [Country("land")], cost: 10.0), Invest(targets: [Country("land")], cost: 10.0)]"#,
                "actors.west.goals=[(indicator: Growth(\"land\"), weight: 0.01)]",
                "actors.west.temperature=0",
                "actors.west.cost_weight=0.002",
            ]);
            prop_assert_eq!(plans(&r, budget, seed).len(), 0);
        }
    }
}

#[test]
fn choice_probabilities_follow_the_logit_in_utility_units() {
    // Train (2009), eq. 3.6 with "do nothing" at 0: P(take) = 1 / (1 + exp(−EU/τ)).
    assert!(
        (decisions::take_probability(0.01, 0.005) - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15
    );
    assert!((decisions::take_probability(-0.01, 0.01) - 1.0 / (1.0 + 1f64.exp())).abs() < 1e-15);
    assert_eq!(decisions::take_probability(0.001, 0.0), 1.0);
    assert_eq!(decisions::take_probability(-0.001, 0.0), 0.0);
    // The monthly menu: one option of EU u against doing nothing is taken with the same probability.
    let r = load(&[
        r#"actors.west.actions=[Invest(targets: [Country("land")], cost: 10.0)]"#,
        "actors.west.goals=[(indicator: Growth(\"land\"), weight: 1.0)]",
        "actors.west.cost_weight=0",
        "actors.west.temperature=0.002",
        "world.tension=0.05",
    ]);
    let w = World::new(&r.scenario, &Streams::new(1, 0), false).unwrap();
    let a = actor(&r, "west");
    let eu = decisions::utility(&w, a, 0, 0, &mut Vec::new());
    let p = decisions::take_probability(eu, 0.002);
    let n = 4000;
    let taken = (0..n).filter(|&s| !plans(&r, 100.0, s).is_empty()).count() as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (taken - p).abs() < 4.0 * se,
        "taken {taken}, logit {p} (EU {eu})"
    );
}

#[test]
fn a_higher_temperature_flattens_choice() {
    // Investment worth a little (EU just above 0 before its cost) against doing nothing: a cold actor
    // almost never invests once the cost is counted, a hot one often does; a valuable option is taken
    // less surely by the hot actor.
    let base = [
        r#"actors.west.actions=[Invest(targets: [Country("land")], cost: 10.0)]"#,
        "actors.west.budget=10",
        "actors.west.goals=[(indicator: Growth(\"land\"), weight: 1.0)]",
        "actors.west.cost_weight=0.002",
    ];
    let cold = load(&[&base[..], &["actors.west.temperature=0.001"]].concat());
    let hot = load(&[&base[..], &["actors.west.temperature=0.05"]].concat());
    let (ncold, nhot) = (
        (0..400)
            .filter(|&s| !plans(&cold, 10.0, s).is_empty())
            .count(),
        (0..400)
            .filter(|&s| !plans(&hot, 10.0, s).is_empty())
            .count(),
    );
    assert!(ncold < 5 && nhot > 100, "cold {ncold}, hot {nhot} of 400");
    let valuable = ["actors.west.goals=[(indicator: Growth(\"land\"), weight: 100.0)]"];
    let cold = load(&[&base[..], &valuable, &["actors.west.temperature=0.001"]].concat());
    let hot = load(&[&base[..], &valuable, &["actors.west.temperature=0.5"]].concat());
    let (ncold, nhot) = (
        (0..400)
            .filter(|&s| !plans(&cold, 10.0, s).is_empty())
            .count(),
        (0..400)
            .filter(|&s| !plans(&hot, 10.0, s).is_empty())
            .count(),
    );
    assert!(
        ncold == 400 && nhot < 380,
        "cold {ncold}, hot {nhot} of 400"
    );
}

#[test]
fn an_opportunity_cost_stops_spending_on_actions_that_do_not_pay() {
    // Investment whose growth effect the actor values little: free money buys it every month, money
    // with an opportunity cost almost never.
    let base = [
        r#"actors.west.actions=[Invest(targets: [Country("land")], cost: 10.0)]"#,
        "actors.west.budget=10",
        "actors.west.goals=[(indicator: Growth(\"land\"), weight: 1.0)]",
        "actors.west.temperature=0.002",
    ];
    let free = load(&[&base[..], &["actors.west.cost_weight=0"]].concat());
    let costly = load(&[&base[..], &["actors.west.cost_weight=0.002"]].concat());
    let d = assert_down(&free, &costly, "invest_count", 20);
    assert!(d < -10.0, "{d} fewer investments over 24 months");
}

// ---------------------------------------------------------------------------------------- process

#[test]
fn a_decided_transition_follows_the_deciders_goals() {
    let rule = r#"process.transitions=[(from: ["talks"], to: "signed", when: [After("2030-03")], probability: 1.0, decided_by: "gov")]"#;
    let wants = load(&[
        rule,
        "actors.party_a.goals=[(indicator: InPhase([\"signed\"]), weight: 1.0)]",
    ]);
    let refuses = load(&[
        rule,
        "actors.party_a.goals=[(indicator: InPhase([\"signed\"]), weight: -1.0)]",
    ]);
    let hazard = load(&[
        r#"process.transitions=[(from: ["talks"], to: "signed", when: [After("2030-03")], probability: 1.0)]"#,
        "actors.party_a.goals=[(indicator: InPhase([\"signed\"]), weight: -1.0)]",
    ]);
    assert_eq!(mean(&wants, &runs(&wants, 20), "signed"), 1.0);
    assert_eq!(mean(&refuses, &runs(&refuses, 20), "signed"), 0.0);
    assert_eq!(mean(&hazard, &runs(&hazard, 20), "signed"), 1.0);
}

fn referendum(public: f64, goals: &str) -> Resolved {
    load(&[
        r#"events=[(id: "vote", trigger: Scheduled("2030-03"), decided_by: "gov", effects: [Referendum(country: "land", dimension: "peace", threshold: 0.5, turnout: 0.6, pass: "amended", fail: "stalled")])]"#,
        &format!(
            "countries.land.population.opinions=[(dimension: \"peace\", mean: {public}, sd: 0.1)]"
        ),
        &format!("actors.party_a.goals={goals}"),
        &format!("actors.party_b.goals={goals}"),
    ])
}

#[test]
fn a_government_calls_the_referendum_when_it_wants_the_change_and_expects_to_win() {
    let wants = r#"[(indicator: InPhase(["amended"]), weight: 1.0), (indicator: InPhase(["stalled"]), weight: -1.0)]"#;
    let against = r#"[(indicator: InPhase(["amended"]), weight: -1.0)]"#;
    // Favoured and popular: called and passed in every run.
    let r = referendum(0.7, wants);
    assert_eq!(mean(&r, &runs(&r, 20), "amended"), 1.0);
    // Favoured but unpopular: a likely defeat (stalled) outweighs the chance of success: not called.
    let r = referendum(0.35, wants);
    let outs = runs(&r, 20);
    assert_eq!(mean(&r, &outs, "amended") + mean(&r, &outs, "stalled"), 0.0);
    // Popular but unwanted by the government: not called.
    let r = referendum(0.7, against);
    assert_eq!(mean(&r, &runs(&r, 20), "amended"), 0.0);
}

#[test]
fn any_government_whose_goals_favour_the_referendum_calls_it() {
    // Party b governs instead of party a: it calls the referendum if its own goals favour it.
    let event = r#"events=[(id: "vote", trigger: Scheduled("2030-03"), decided_by: "gov", effects: [Referendum(country: "land", dimension: "peace", threshold: 0.5, pass: "amended", fail: "stalled")])]"#;
    let b_for = load(&[
        event,
        "countries.land.government=\"party_b\"",
        "actors.party_b.goals=[(indicator: InPhase([\"amended\"]), weight: 1.0)]",
    ]);
    let b_against = load(&[
        event,
        "countries.land.government=\"party_b\"",
        "actors.party_b.goals=[(indicator: InPhase([\"amended\"]), weight: -1.0)]",
    ]);
    assert_eq!(mean(&b_for, &runs(&b_for, 10), "amended"), 1.0);
    assert_eq!(mean(&b_against, &runs(&b_against, 10), "amended"), 0.0);
}

/// The state's position on the deal after each month, over the fixture's horizon.
fn state_positions(r: &Resolved) -> Vec<f64> {
    let mut sim =
        Simulation::new(&r.scenario, &Streams::new(5, 0), &RunOptions::default()).unwrap();
    let gov = actor(r, "gov");
    let mut out = Vec::new();
    for _ in 0..r.scenario.run.horizon {
        sim.step().unwrap();
        out.push(sim.world.actors[gov].positions[0].1);
    }
    out
}

#[test]
fn a_reelected_government_keeps_its_bargained_positions() {
    // Party a governs and wins the June election again (citizens lean to its platform): the state's
    // position, bargained from 70 toward the others, is not reset to the party's 70.
    let r = load(&[]);
    let p = state_positions(&r);
    assert!(
        p[4] < 60.0,
        "bargaining should have moved the state: {}",
        p[4]
    );
    assert!(
        (p[5] - p[4]).abs() < 5.0 && p[5] < 60.0,
        "re-election reset the state's position: {} -> {}",
        p[4],
        p[5]
    );
    // A new government (party b wins) brings its own position (10).
    let r = load(&[
        "countries.land.population.opinions=[(dimension: \"peace\", mean: 0.15, sd: 0.05)]",
    ]);
    let p = state_positions(&r);
    assert!(
        (p[5] - 10.0).abs() < 1e-9,
        "new government's position: {}",
        p[5]
    );
}
