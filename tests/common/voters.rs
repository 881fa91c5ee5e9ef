//! Model-level helpers for the poll tests (tests/voters_poll.rs, tests/engine_tick.rs): the baseline
//! realised with a seed, and the simulated poll computed by its definition, citizen by citizen with
//! `voters::effective` (no cache, no distance matrix, no lanes), the oracle the kept and fused polls
//! are checked against.

use std::path::Path;

use crossroads::model::rng::Streams;
use crossroads::model::voters::{self, Poll};
use crossroads::model::world::World;
use crossroads::scenario::{self, Scenario};

/// scenarios/baseline.ron with its uncertain parameters drawn for run 0 of `seed`.
pub fn baseline(seed: u64) -> Scenario {
    let r = scenario::load(Path::new("scenarios/baseline.ron"), &[]).expect("baseline loads");
    let streams = Streams::new(seed, 0);
    r.realise(&mut |p| streams.get(&format!("param/{p}")))
        .expect("realise")
        .0
}

/// Country `c`'s poll by its definition, citizen by citizen.
pub fn poll_from_scratch(w: &World, c: usize) -> Poll {
    let st = &w.voters[c];
    let np = st.parties.len();
    let mut p = Poll::empty(np, w.countries[c].pop.n);
    let mut e = vec![0.0; np];
    for i in 0..w.countries[c].pop.n as usize {
        voters::effective(w, c, i, &st.parties, &mut e);
        let (k, b, s) = voters::best_two(&e);
        p.nearest[k] += 1;
        if voters::decided(st, voters::is_own(st, i, k), b, s) {
            p.named[k] += 1;
            p.decided += 1;
        }
    }
    p
}
