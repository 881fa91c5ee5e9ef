//! Mediation on a negotiated issue.
//!
//! This month's bargaining round on the issue closes an extra share `convergence` of each actor's
//! remaining gap to the forecast (summed over mediators, capped at 1; see `bargaining`); tension loses a
//! share `tension_relief × standing` of its excess over the baseline,
//! `T ← T − tension_relief × standing × max(0, T − tension_baseline)` (diminishing returns: the less
//! tension there is to remove, the less a month of mediation removes, and it never pushes tension below
//! the baseline); and the mediator (if an external power) gains `influence_gain` in the country of each
//! state holding a position on the issue. `standing` is the action's own `standing`, else an external
//! power's mean influence in those countries (0 if there are none). Feasible only while the positions
//! differ.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::world::World;
use crate::scenario::schema::Mediation;
use rand_chacha::ChaCha8Rng;

fn issue(w: &World, x: &Mediation, t: usize) -> Option<Ix> {
    w.ids().issue(&x.issues[t]).ok()
}

pub fn feasible(w: &World, _actor: Ix, x: &Mediation, t: usize) -> bool {
    issue(w, x, t).is_some_and(|i| w.issues[i].spread > 0.0)
}

/// Countries of the states and parties holding a salient position on issue `i`.
fn parties_countries(w: &World, i: Ix) -> Vec<Ix> {
    let mut cs: Vec<Ix> = w
        .actors
        .iter()
        .filter(|a| crate::model::negotiation::bargains(a.kind))
        .filter(|a| a.positions.iter().any(|p| p.0 == i && p.2 > 0.0))
        .filter_map(|a| a.country)
        .collect();
    cs.sort_unstable();
    cs.dedup();
    cs
}

/// The mediator's standing with the parties to issue `i`, [0, 1].
pub fn standing(w: &World, actor: Ix, x: &Mediation, i: Ix) -> f64 {
    if let Some(s) = &x.standing {
        return s.value().clamp(0.0, 1.0);
    }
    let Some(p) = w.power_row(actor) else {
        return 0.0;
    };
    let cs = parties_countries(w, i);
    if cs.is_empty() {
        return 0.0;
    }
    cs.iter().map(|&c| w.influence(p, c)).sum::<f64>() / cs.len() as f64
}

/// Tension a month of this mediation removes now (≥ 0).
fn relief(w: &World, actor: Ix, x: &Mediation, i: Ix) -> f64 {
    x.tension_relief.value().clamp(0.0, 1.0)
        * standing(w, actor, x, i)
        * (w.tension - w.tension_baseline).max(0.0)
}

pub fn expected(w: &World, actor: Ix, x: &Mediation, t: usize, out: &mut Vec<Effect>) {
    let Some(i) = issue(w, x, t) else { return };
    out.push((Ind::Tension, -relief(w, actor, x, i), 0.0));
    out.push((
        Ind::IssueSpread(i),
        -x.convergence.value().clamp(0.0, 1.0) * w.issues[i].spread,
        0.0,
    ));
    if let Some(p) = w.power_row(actor) {
        for c in parties_countries(w, i) {
            out.push((Ind::Influence { p, c }, x.influence_gain.value(), 0.0));
        }
    }
}

pub fn resolve(
    w: &mut World,
    actor: Ix,
    x: &Mediation,
    t: usize,
    _rng: &mut ChaCha8Rng,
) -> Outcome {
    let Some(i) = issue(w, x, t) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target: x.issues[t].clone(),
        };
    };
    w.issues[i].mediation = (w.issues[i].mediation + x.convergence.value()).clamp(0.0, 1.0);
    let r = relief(w, actor, x, i);
    w.add_tension(-r);
    if let Some(p) = w.power_row(actor) {
        for c in parties_countries(w, i) {
            w.add_influence(p, c, x.influence_gain.value());
        }
    }
    Outcome {
        magnitude: x.convergence.value(),
        result: "ok",
        target: x.issues[t].clone(),
    }
}
