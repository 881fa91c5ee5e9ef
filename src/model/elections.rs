//! Elections and referendums: citizens vote from their opinions and party attachments; the election's
//! institutions (`institutions`) turn the votes into seats and a government.
//!
//! Election (docs/model.md 7.15): each citizen turns out with the probability of
//! [`voters::turnout_probability`] (abstention from alienation and indifference, partisans voting more);
//! a voter's score for party `p` is its effective distance `e_p` (mean absolute distance to the
//! platform, minus appeal, minus its attachment bonus for its own party) plus `ε_p ~ Normal(0, noise)`,
//! and it votes for the lowest score (proximity voting, Downs 1957; probabilistic by the noise term).
//! Then thresholds, seats, government formation (majority, coalition, second round), the majority
//! bonus and the opposition minimum. A government led by the party already governing changes nothing
//! (`same_government`); a new one is adopted by the country's state ([`World::adopt_platform`]).
//! Draws come from the `election/<id>` stream (first round, then any second round).

use super::compile::Ix;
use super::institutions::{self as inst, Government};
use super::log::{ElectionOutcome, RunEvent};
use super::opinion::Population;
use super::rng::{std_normal, uniform01};
use super::voters;
use super::world::World;
use crate::scenario::schema::{CoalitionRule, Election};
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

/// Mean absolute distance between two platforms over the dimensions both state (1 if none shared:
/// nothing is known to make them compatible).
pub fn platform_distance(a: &[(Ix, f64)], b: &[(Ix, f64)]) -> f64 {
    let (mut s, mut n) = (0.0, 0);
    for &(d, v) in a {
        if let Some(&(_, u)) = b.iter().find(|x| x.0 == d) {
            s += (v - u).abs();
            n += 1;
        }
    }
    if n == 0 { 1.0 } else { s / f64::from(n) }
}

/// The result of one election, per list in the election's order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ElectionResult {
    /// Vote shares among votes cast (first round).
    pub shares: Vec<f64>,
    /// Votes (citizens) per list, first round.
    pub votes: Vec<u64>,
    /// Seats after the bonus and the opposition minimum.
    pub seats: Vec<u32>,
    /// Lists in the seat distribution.
    pub entered: Vec<bool>,
    /// Lists in government.
    pub governing: Vec<bool>,
    /// The list leading the government, if one formed.
    pub lead: Option<usize>,
    /// Share of citizens who voted (first round).
    pub turnout: f64,
    /// Second round: (first list, second list, first list's share, turnout).
    pub runoff: Option<(usize, usize, f64, f64)>,
}

/// One round of voting among `ballot` (actor indices): votes per list and turnout. Per citizen: one
/// uniform (turnout), then one normal per list if it votes.
fn vote(w: &World, c: Ix, spec: &Election, ballot: &[Ix], rng: &mut ChaCha8Rng) -> (Vec<u64>, f64) {
    let turnout = spec.turnout.value().clamp(0.0, 1.0);
    let noise = spec.noise.value().max(0.0);
    let st = &w.voters[c];
    let n = w.countries[c].pop.n as usize;
    let mut votes = vec![0u64; ballot.len()];
    let mut e = vec![0.0; ballot.len()];
    let mut voted = 0u64;
    for i in 0..n {
        voters::effective(w, c, i, ballot, &mut e);
        let (_, b, s) = voters::best_two(&e);
        if uniform01(rng) >= voters::turnout_probability(st, i, turnout, b, s) {
            continue;
        }
        voted += 1;
        let mut best = (f64::INFINITY, 0usize);
        for (k, &x) in e.iter().enumerate() {
            let score = x + noise * std_normal(rng);
            if score < best.0 {
                best = (score, k);
            }
        }
        if !ballot.is_empty() {
            votes[best.1] += 1;
        }
    }
    (votes, voted as f64 / n.max(1) as f64)
}

fn shares_of(votes: &[u64]) -> Vec<f64> {
    let total: u64 = votes.iter().sum();
    votes
        .iter()
        .map(|&v| {
            if total > 0 {
                v as f64 / total as f64
            } else {
                0.0
            }
        })
        .collect()
}

/// Holds election `e` now: votes, seats, government; the state adopts a new government's platform.
pub fn hold(w: &mut World, e: Ix, rng: &mut ChaCha8Rng) -> ElectionResult {
    let spec = &w.s.elections[e];
    let ids = w.ids();
    let Ok(c) = ids.country(&spec.country) else {
        return ElectionResult::default();
    };
    let ballot: Vec<Ix> = spec
        .parties
        .iter()
        .filter_map(|p| ids.actor(p).ok())
        .collect();
    let (votes, turnout) = vote(w, c, spec, &ballot, rng);
    let platforms: Vec<&[(Ix, f64)]> = ballot
        .iter()
        .map(|&p| w.actors[p].platform.as_slice())
        .collect();
    let connected = match &spec.formation.coalition {
        Some(CoalitionRule::MinimalConnected(d)) => ids.dim(d).ok(),
        _ => None,
    };
    let mut r = institutions(spec, &platforms, connected, votes, turnout);
    if r.lead.is_none() && spec.formation.runoff {
        // A second round between the two lists with the most votes (institutions left it open).
        if let Some((a, b)) = inst::top_two(&r.votes, &r.entered) {
            let (v2, t2) = vote(w, c, spec, &[ballot[a], ballot[b]], rng);
            let win = if v2[1] > v2[0] { b } else { a };
            let share_a = shares_of(&v2)[0];
            r.runoff = Some((a, b, share_a, t2));
            finish(spec, &mut r, Government::Runoff(win));
        }
    }
    let (share, outcome) = match r.lead {
        Some(k) => {
            let p = ballot[k];
            if w.countries[c].government == Some(p) {
                (r.shares[k], ElectionOutcome::SameGovernment)
            } else {
                w.adopt_platform(c, p);
                (r.shares[k], ElectionOutcome::NewGovernment(p))
            }
        }
        None => (0.0, ElectionOutcome::NoWinner),
    };
    w.emit(RunEvent::Election {
        election: e,
        share,
        outcome,
    });
    r
}

/// Thresholds, seats and government formation for the first-round `votes` of the election's lists
/// (`platforms` in the same order; `connected`: the dimension of a `MinimalConnected` rule). A second
/// round still to be held leaves `lead` empty (the caller holds it and calls [`finish`]).
pub fn institutions(
    spec: &Election,
    platforms: &[&[(Ix, f64)]],
    connected: Option<Ix>,
    votes: Vec<u64>,
    turnout: f64,
) -> ElectionResult {
    let n = votes.len();
    let shares = shares_of(&votes);
    let by_size: Vec<(u32, f64)> = spec
        .alliance_thresholds
        .iter()
        .map(|t| (t.members, t.threshold.value()))
        .collect();
    let thresholds: Vec<f64> = spec
        .parties
        .iter()
        .map(|p| {
            let members = spec
                .alliances
                .iter()
                .find(|a| &a.party == p)
                .map_or(1, |a| a.members);
            inst::threshold_for(members, spec.threshold.value(), &by_size)
        })
        .collect();
    let entered = inst::entering(&shares, &thresholds, spec.min_parties as usize);
    let entered_votes: Vec<u64> = votes
        .iter()
        .zip(&entered)
        .map(|(&v, &e)| if e { v } else { 0 })
        .collect();
    let mut seats = inst::allocate(&entered_votes, spec.seats, spec.method);
    let reserved = inst::allocate(&entered_votes, spec.reserved_seats, spec.method);
    for (s, r) in seats.iter_mut().zip(reserved) {
        *s += r;
    }
    let mut r = ElectionResult {
        shares,
        seats,
        entered,
        governing: vec![false; n],
        lead: None,
        turnout,
        runoff: None,
        votes,
    };
    let total: u32 = r.seats.iter().sum();
    let Some(first) = inst::most_votes(&r.votes, (0..n).filter(|&k| r.entered[k])) else {
        return r;
    };
    let government = if 2 * u64::from(r.seats[first]) > u64::from(total) {
        Government::Majority(first)
    } else if spec.formation.coalition.is_some() {
        let dist = |a: usize, b: usize| platform_distance(platforms[a], platforms[b]);
        // A list without a stance on the dimension sits at its middle.
        let position: Option<Vec<f64>> = connected.map(|d| {
            platforms
                .iter()
                .map(|pl| pl.iter().find(|x| x.0 == d).map_or(0.5, |x| x.1))
                .collect()
        });
        match inst::coalition(
            &r.seats,
            total,
            first,
            spec.formation.max_parties as usize,
            spec.formation.max_distance.value(),
            &dist,
            position.as_deref(),
        ) {
            Some(mut co) => {
                // The member with the most votes leads.
                co.members
                    .sort_by(|&a, &b| r.votes[b].cmp(&r.votes[a]).then(a.cmp(&b)));
                Government::Coalition(co.members)
            }
            None if spec.formation.runoff => return r,
            None => Government::Minority(first),
        }
    } else if spec.formation.runoff {
        return r;
    } else {
        Government::Minority(first)
    };
    finish(spec, &mut r, government);
    r
}

/// Records the government, then adds the stable-majority bonus and the opposition minimum.
pub fn finish(spec: &Election, r: &mut ElectionResult, government: Government) {
    for k in government.members() {
        r.governing[k] = true;
    }
    r.lead = government.lead();
    if let Some(b) = &spec.majority_bonus {
        if government.stable() {
            inst::add_bonus(&mut r.seats, &government, b.value());
        }
    }
    if let Some(m) = &spec.opposition_min {
        inst::add_opposition(
            &mut r.seats,
            &r.votes,
            &r.entered,
            &government,
            m.value(),
            spec.method,
        );
    }
}

/// A referendum's result.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ReferendumResult {
    /// Yes share among voters.
    pub yes: f64,
    /// Share of citizens who voted.
    pub turnout: f64,
    /// Yes votes as a share of all citizens (the electorate).
    pub yes_of_electorate: f64,
    /// Whether the yes votes reached the quorum.
    pub quorum_met: bool,
}

/// Votes on dimension `d`: each citizen turns out with probability `turnout` (one uniform draw) and
/// votes yes if its opinion is above `yes_above`; `quorum` is the share of all citizens the yes votes
/// must reach.
pub fn referendum(
    pop: &Population,
    d: Ix,
    yes_above: f64,
    turnout: f64,
    quorum: f64,
    rng: &mut ChaCha8Rng,
) -> ReferendumResult {
    let (mut yes, mut voters) = (0u64, 0u64);
    for i in 0..pop.n {
        if uniform01(rng) < turnout {
            voters += 1;
            if pop.opinion(i, d) > yes_above {
                yes += 1;
            }
        }
    }
    let n = f64::from(pop.n.max(1));
    let yes_of_electorate = yes as f64 / n;
    ReferendumResult {
        yes: if voters == 0 {
            0.0
        } else {
            yes as f64 / voters as f64
        },
        turnout: voters as f64 / n,
        yes_of_electorate,
        quorum_met: yes_of_electorate >= quorum,
    }
}
