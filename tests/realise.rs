//! Realising a scenario per run: the fast path of `model::run_one` (`param::realise_scenario`, which
//! re-reads only the entries holding a distribution) gives exactly the scenario the whole-tree path
//! (`Resolved::realise`) gives, for every scenario shipped and many runs; and the draws are the
//! portable samplers' (pinned values for the baseline's first run).

use std::path::Path;

use crossroads::model::rng::Streams;
use crossroads::scenario::{self, param};

#[test]
fn fast_realisation_equals_the_whole_tree() {
    let mut checked = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let r = scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for run in 0..20 {
            let streams = Streams::new(7, run);
            let mut get = |p: &str| streams.get(&format!("param/{p}"));
            let whole = r.realise(&mut get).unwrap();
            let fast = param::realise_scenario(&r.tree, &r.scenario, &mut get).unwrap();
            assert_eq!(fast, whole, "{} run {run}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 5, "{checked} scenarios");
}

#[test]
fn a_distribution_set_from_the_command_line_is_drawn_once_and_placed() {
    let r = scenario::load(
        Path::new("scenarios/citizens_only.ron"),
        &["countries.land.population.dynamics.epsilon=Uniform(0.1, 0.4)".to_string()],
    )
    .unwrap();
    let streams = Streams::new(3, 1);
    let mut get = |p: &str| streams.get(&format!("param/{p}"));
    let (fast, drawn) = param::realise_scenario(&r.tree, &r.scenario, &mut get).unwrap();
    let (whole, drawn2) = r.realise(&mut get).unwrap();
    assert_eq!(fast, whole);
    assert_eq!(drawn, drawn2);
    assert_eq!(drawn.len(), 1);
    assert_eq!(drawn[0].0, "countries.land.population.dynamics.epsilon");
    assert!((0.1..0.4).contains(&drawn[0].1));
    let scenario::schema::Dynamics::Deffuant { epsilon, .. } =
        &fast.countries[0].population.dynamics
    else {
        panic!("Deffuant")
    };
    assert_eq!(epsilon.value(), drawn[0].1);
}
