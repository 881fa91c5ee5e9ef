//! The simulated poll (party support, poll shares, undecided) is kept between reads and shares its
//! citizen–platform distances with the monthly update of attachments: these tests check it always
//! equals a poll computed from scratch with `voters::effective`, whatever changed (opinions,
//! attachments, a party's appeal or platform).

mod common;

use common::voters::{baseline, poll_from_scratch};
use crossroads::model::RunOptions;
use crossroads::model::rng::Streams;
use crossroads::model::schedule::Simulation;
use crossroads::model::voters;
use crossroads::model::world::World;

fn assert_polls_exact(w: &World) {
    for c in 0..w.countries.len() {
        if w.voters[c].parties.is_empty() {
            continue;
        }
        // twice: the second read is the kept one
        assert_eq!(voters::poll(w, c), poll_from_scratch(w, c), "country {c}");
        assert_eq!(
            voters::poll(w, c),
            poll_from_scratch(w, c),
            "country {c}, kept"
        );
    }
}

#[test]
fn the_poll_follows_opinions_attachments_appeal_and_platforms() {
    let s = baseline(7);
    let streams = Streams::new(7, 0);
    let mut sim = Simulation::new(&s, &streams, &RunOptions::default()).expect("init");
    let c = (0..sim.world.countries.len())
        .find(|&c| sim.world.voters[c].parties.len() >= 2)
        .expect("the baseline has a country with parties");
    assert_polls_exact(&sim.world);
    for _ in 0..4 {
        sim.step().expect("step");
        assert_polls_exact(&sim.world);
    }
    let before = voters::poll(&sim.world, c);
    // a party's appeal rises: it gains support, and the poll read next must show it
    let p = sim.world.voters[c].parties[0];
    sim.world.actors[p].appeal += 0.5;
    assert_polls_exact(&sim.world);
    assert!(voters::poll(&sim.world, c).nearest[0] > before.nearest[0]);
    sim.world.actors[p].appeal -= 0.5;
    // a party moves its platform
    for t in sim.world.actors[p].platform.iter_mut() {
        t.1 = 1.0 - t.1;
    }
    assert_polls_exact(&sim.world);
    // attachments changed outside the monthly update (and marked as changed)
    sim.world.voters[c].party.iter_mut().for_each(|x| *x = 0);
    sim.world.voters[c]
        .strength
        .iter_mut()
        .for_each(|x| *x = 1.0);
    sim.world.voters[c].touch();
    assert_polls_exact(&sim.world);
    // opinions changed
    sim.world.countries[c].pop.shift_all(0, 0.2);
    assert_polls_exact(&sim.world);
    sim.step().expect("step");
    assert_polls_exact(&sim.world);
}
