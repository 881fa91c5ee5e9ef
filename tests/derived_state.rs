//! The world's derived quantities (mean opinions, shares above the recording threshold)
//! are computed only when what they derive from changed: these tests check that they
//! always equal a full recomputation, whatever changed the citizens.

use std::path::Path;

use crossroads::model::RunOptions;
use crossroads::model::rng::Streams;
use crossroads::model::schedule::Simulation;
use crossroads::scenario::{self, Scenario};

fn baseline() -> Scenario {
    let r = scenario::load(Path::new("scenarios/baseline.ron"), &[]).expect("baseline loads");
    let streams = Streams::new(5, 0);
    r.realise(&mut |p| streams.get(&format!("param/{p}")))
        .expect("realise")
        .0
}

/// Every country's cached summary, where current, equals the population's own mean and share.
fn assert_current_summaries_are_exact(sim: &Simulation) {
    let w = &sim.world;
    let t = w.s.record.share_threshold;
    for (c, st) in w.countries.iter().enumerate() {
        if let Some((means, shares)) = w.current_summary(c) {
            for d in 0..st.pop.dims {
                assert_eq!(means[d].to_bits(), st.pop.mean(d).to_bits());
                assert_eq!(shares[d].to_bits(), st.pop.share_above(d, t).to_bits());
            }
        }
    }
}

#[test]
fn summaries_follow_every_change_of_opinions() {
    let s = baseline();
    let streams = Streams::new(5, 0);
    let mut sim = Simulation::new(&s, &streams, &RunOptions::default()).expect("init");
    assert!(
        sim.world.current_summary(0).is_some(),
        "computed at initialisation"
    );
    for _ in 0..6 {
        sim.step().expect("step");
        assert_current_summaries_are_exact(&sim);
        assert!(
            sim.world.current_summary(0).is_some(),
            "refreshed after the citizens moved"
        );
    }
    // a change made outside the step: the summary is no longer current until the next refresh
    sim.world.countries[0].pop.shift_all(0, 0.1);
    assert!(sim.world.current_summary(0).is_none());
    sim.world.refresh_derived();
    assert_current_summaries_are_exact(&sim);
    assert!(sim.world.current_summary(0).is_some());
}
