//! The per-month passes over citizens take fast paths that must equal the plain computations they
//! stand for, bit for bit (issue 13: speed must not change a single output): the poll's lane-blocked
//! scan against the scan citizen by citizen, on random inputs; the poll the monthly update of
//! attachments takes in the same pass against a poll from scratch; and party support's effective
//! distances read from the month's distance matrix against those computed from the opinions.

mod common;

use common::voters::{baseline, poll_from_scratch};
use crossroads::model::RunOptions;
use crossroads::model::rng::{Streams, below, uniform01};
use crossroads::model::schedule::Simulation;
use crossroads::model::voters::{self, NONE, Poll, Scan, VoterState};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A random poll problem: `np` parties, `n` citizens, distances continuous or on a coarse grid (ties
/// common), attachments (some none, some arrays shorter than `n`), and the voters' rule.
struct Problem {
    st: VoterState,
    dist: Vec<f64>,
    appeal: Vec<f64>,
    n: usize,
}

fn problem(rng: &mut ChaCha8Rng, np: usize, n: usize, grid: bool) -> Problem {
    let value = |rng: &mut ChaCha8Rng| {
        let x = uniform01(rng);
        if grid { (x * 4.0).round() / 4.0 } else { x }
    };
    let dist: Vec<f64> = (0..n * np).map(|_| value(rng)).collect();
    let appeal: Vec<f64> = (0..np).map(|_| value(rng) * 0.2 - 0.1).collect();
    // attachments cover all citizens, or stop short of the last few
    let covered = if below(rng, 3) == 0 {
        n.saturating_sub(below(rng, 7) as usize)
    } else {
        n
    };
    let party: Vec<u16> = (0..covered)
        .map(|_| {
            if below(rng, 3) == 0 {
                NONE
            } else {
                below(rng, np as u32) as u16
            }
        })
        .collect();
    let strength: Vec<f64> = party
        .iter()
        .map(|&p| if p == NONE { 0.0 } else { value(rng) })
        .collect();
    let mut st = VoterState::default();
    st.parties = (0..np).collect();
    st.party = party;
    st.strength = strength;
    st.weight = value(rng) * 0.5;
    st.indifference = value(rng) * 0.1;
    st.latitude = 0.2 + value(rng) * 0.5;
    Problem {
        st,
        dist,
        appeal,
        n,
    }
}

#[test]
fn the_lane_blocked_poll_scan_equals_the_scan_citizen_by_citizen() {
    let rng = &mut ChaCha8Rng::seed_from_u64(13);
    for case in 0..300 {
        // up to 8 parties on the stack buffer, more on the heap; sizes around the lane width
        let np = 1 + case % 10;
        let n = [0, 1, 3, 4, 5, 8, 9, 63, 256, 1001][case % 10 * 7 % 10];
        let x = problem(rng, np, n, case % 3 == 0);
        let scan = Scan::new(&x.dist, x.n, &x.appeal, &x.st.party, &x.st.strength);
        let lo = if n > 0 {
            below(rng, n as u32) as usize
        } else {
            0
        };
        let hi = lo + below(rng, (n - lo) as u32 + 1) as usize;
        for r in [0..n, lo..hi] {
            let (mut fast, mut plain) = (Poll::empty(np, n as u32), Poll::empty(np, n as u32));
            voters::poll_scan(&x.st, &scan, r.clone(), &mut fast);
            voters::poll_scan_plain(&x.st, &scan, r.clone(), &mut plain);
            assert_eq!(
                fast, plain,
                "case {case}: {np} parties, {n} citizens, range {r:?}"
            );
        }
    }
}

#[test]
fn the_poll_taken_with_the_monthly_update_equals_a_poll_from_scratch() {
    let s = baseline(11);
    let streams = Streams::new(11, 0);
    let mut sim = Simulation::new(&s, &streams, &RunOptions::default()).expect("init");
    let countries: Vec<usize> = (0..sim.world.countries.len())
        .filter(|&c| !sim.world.voters[c].parties.is_empty())
        .collect();
    assert!(!countries.is_empty());
    for month in 0..8 {
        // read the poll (so the next update takes the next one in its pass), then a month passes
        for &c in &countries {
            voters::poll(&sim.world, c);
        }
        sim.step().expect("step");
        // the update alone, on the month's state: its poll is what the next read returns
        for &c in &countries {
            voters::poll(&sim.world, c);
        }
        voters::step(&mut sim.world);
        for &c in &countries {
            let kept = voters::poll(&sim.world, c);
            assert_eq!(
                kept,
                poll_from_scratch(&sim.world, c),
                "month {month}, country {c}"
            );
        }
    }
}

#[test]
fn effective_distances_from_the_matrix_equal_those_from_the_opinions() {
    let s = baseline(11);
    let streams = Streams::new(11, 0);
    let mut sim = Simulation::new(&s, &streams, &RunOptions::default()).expect("init");
    let mut checked = 0;
    for _ in 0..6 {
        sim.step().expect("step");
        let w = &sim.world;
        for c in 0..w.countries.len() {
            let parties = &w.voters[c].parties;
            let (mut a, mut b) = (vec![0.0; parties.len()], vec![0.0; parties.len()]);
            let ballot = voters::Ballot::new(w, c);
            voters::with_current_distances(w, c, &ballot, |dist| {
                let Some(dist) = dist else { return };
                for i in 0..w.countries[c].pop.n as usize {
                    voters::effective_from(w, c, i, dist, &mut a);
                    voters::effective(w, c, i, parties, &mut b);
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&a), bits(&b), "country {c}, citizen {i}");
                    checked += 1;
                }
            });
        }
    }
    assert!(checked > 0, "the matrix was never current after a month");
}

#[test]
fn effective_distances_on_a_flattened_ballot_equal_those_on_the_actors_platforms() {
    let s = baseline(11);
    let streams = Streams::new(11, 0);
    let mut sim = Simulation::new(&s, &streams, &RunOptions::default()).expect("init");
    let rng = &mut ChaCha8Rng::seed_from_u64(5);
    for _ in 0..3 {
        sim.step().expect("step");
        let w = &sim.world;
        for c in 0..w.countries.len() {
            let parties = &w.voters[c].parties;
            let ballot = voters::Ballot::new(w, c);
            let (mut a, mut b) = (vec![0.0; parties.len()], vec![0.0; parties.len()]);
            let dims = w.countries[c].pop.dims;
            for i in 0..w.countries[c].pop.n as usize {
                // a hypothetical row: the citizen's opinions, some moved
                let row: Vec<f64> = (0..dims)
                    .map(|d| {
                        let x = w.countries[c].pop.opinion(i as u32, d);
                        if below(rng, 2) == 0 {
                            x
                        } else {
                            uniform01(rng)
                        }
                    })
                    .collect();
                ballot.effective_row(w, c, i, &row, &mut a);
                voters::effective_row(w, c, i, &row, parties, &mut b);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&a), bits(&b), "country {c}, citizen {i}");
            }
        }
    }
}
