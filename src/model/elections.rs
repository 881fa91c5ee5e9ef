//! Elections and referendums: citizens vote from their opinions.
//!
//! Election: each citizen turns out with probability `turnout`; a voter's score for party `p` is
//! `‖x_i − platform_p‖ − appeal_p + ε_ip` with `ε ~ Normal(0, noise)` over the party's platform
//! dimensions (mean absolute distance, so parties with fewer stated dimensions are not favoured), and
//! the voter picks the lowest score (proximity voting, Downs 1957; probabilistic by the noise term).
//! Parties below `threshold` get no seats; seats are proportional among the rest; the party with the
//! most seats forms the government, and the country's state actor takes its goals and issue positions.
//! Draws come from the `election/<id>` stream.

use super::compile::Ix;
use super::opinion::Population;
use super::rng::{std_normal, uniform01};
use super::world::World;
use crate::scenario::schema::ActorKind;
use rand_chacha::ChaCha8Rng;

/// Mean absolute distance of citizen `i` to a platform (0 for an empty platform).
pub fn distance(pop: &Population, i: u32, platform: &[(Ix, f64)]) -> f64 {
    let dims = pop.dims;
    let at = i as usize * dims;
    row_distance(&pop.opinions[at..at + dims], platform)
}

/// Mean absolute distance of one citizen's opinions `row` (one value per issue) to a platform (0 for
/// an empty platform).
pub fn row_distance(row: &[f64], platform: &[(Ix, f64)]) -> f64 {
    if platform.is_empty() {
        return 0.0;
    }
    let mut s = 0.0;
    for &(d, v) in platform {
        s += (row[d] - v).abs();
    }
    s / platform.len() as f64
}

/// Holds election `e` now: returns the parties' vote shares (in the election's order).
pub fn hold(w: &mut World, e: Ix, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let spec = &w.s.elections[e];
    let ids = w.ids();
    let Ok(c) = ids.country(&spec.country) else {
        return vec![];
    };
    let parties: Vec<Ix> = spec
        .parties
        .iter()
        .filter_map(|p| ids.actor(p).ok())
        .collect();
    let turnout = spec.turnout.value().clamp(0.0, 1.0);
    let noise = spec.noise.value().max(0.0);
    let pop = &w.countries[c].pop;
    let mut votes = vec![0u64; parties.len()];
    for i in 0..pop.n {
        if uniform01(rng) >= turnout {
            continue;
        }
        let mut best = (f64::INFINITY, 0usize);
        for (k, &p) in parties.iter().enumerate() {
            let score = distance(pop, i, &w.actors[p].platform) - w.actors[p].appeal
                + noise * std_normal(rng);
            if score < best.0 {
                best = (score, k);
            }
        }
        if !parties.is_empty() {
            votes[best.1] += 1;
        }
    }
    let total: u64 = votes.iter().sum();
    let shares: Vec<f64> = votes
        .iter()
        .map(|&v| {
            if total > 0 {
                v as f64 / total as f64
            } else {
                0.0
            }
        })
        .collect();
    let winner = winner(spec.threshold.value(), &shares);
    let id = spec.id.clone();
    if let Some(k) = winner {
        let p = parties[k];
        debug_assert_eq!(w.actors[p].kind, ActorKind::Party);
        let party_id = w.s.actors[p].id.clone();
        w.adopt_platform(c, p);
        w.emit("", "election", &id, shares[k], &party_id);
    } else {
        w.emit("", "election", &id, 0.0, "no_winner");
    }
    shares
}

/// Share voting yes (opinion above `yes_above`) among citizens who turn out (probability `turnout`).
pub fn referendum(
    pop: &Population,
    d: Ix,
    yes_above: f64,
    turnout: f64,
    rng: &mut ChaCha8Rng,
) -> f64 {
    let (mut yes, mut voters) = (0u64, 0u64);
    for i in 0..pop.n {
        if uniform01(rng) < turnout {
            voters += 1;
            if pop.opinion(i, d) > yes_above {
                yes += 1;
            }
        }
    }
    if voters == 0 {
        0.0
    } else {
        yes as f64 / voters as f64
    }
}

/// The winner of an election: the largest share at or above the threshold (the first listed party on
/// ties), or none when no party passes it.
pub fn winner(threshold: f64, shares: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (k, &s) in shares.iter().enumerate() {
        if s >= threshold && best.is_none_or(|(_, b)| s > b) {
            best = Some((k, s));
        }
    }
    best.map(|b| b.0)
}
