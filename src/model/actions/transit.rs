//! Transit and customs opening on a route.
//!
//! The route's open share of capacity rises by `volume_gain` (capped at 1), only while the process is
//! in one of `phases` (any phase when empty). Perceived effect: next month's volume change,
//! `adjustment × stability × capacity × (open share gained)`, bounded by demand.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::world::World;
use crate::scenario::schema::TransitOpening;
use rand_chacha::ChaCha8Rng;

fn route(w: &World, x: &TransitOpening, t: usize) -> Option<Ix> {
    w.ids().route(&x.routes[t]).ok()
}

pub fn feasible(w: &World, x: &TransitOpening, t: usize) -> bool {
    let phase_ok = x.phases.is_empty()
        || x.phases
            .iter()
            .any(|p| *p == w.s.process.phases[w.phase].id);
    phase_ok && route(w, x, t).is_some_and(|r| w.routes[r].open < 1.0)
}

pub fn expected(w: &World, _actor: Ix, x: &TransitOpening, t: usize, out: &mut Vec<Effect>) {
    let Some(r) = route(w, x, t) else { return };
    let spec = &w.s.routes[r];
    let gained = x.volume_gain.value().min(1.0 - w.routes[r].open).max(0.0);
    let cap = w.route_capacity(r);
    let headroom = (w.routes[r].demand - cap * w.routes[r].open).max(0.0);
    let stability = (1.0 - spec.sensitivity.value() * w.tension).max(0.0);
    let dv = spec.adjustment.value() * stability * (cap * gained).min(headroom);
    out.push((Ind::RouteVolume(r), dv, 0.0));
}

pub fn resolve(
    w: &mut World,
    _actor: Ix,
    x: &TransitOpening,
    t: usize,
    _rng: &mut ChaCha8Rng,
) -> Outcome {
    let target = x.routes[t].clone();
    let Some(r) = route(w, x, t) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target,
        };
    };
    let before = w.routes[r].open;
    w.routes[r].open = (before + x.volume_gain.value()).clamp(0.0, 1.0);
    Outcome {
        magnitude: w.routes[r].open - before,
        result: "ok",
        target,
    }
}
