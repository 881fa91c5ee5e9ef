//! Military pressure or a border incident.
//!
//! Tension rises by `tension_gain`. With probability `clash_probability` the pressure triggers an armed
//! clash: the event `clash_event` (if given) fires, its effects apply and it counts as having happened.
//! The actor's bargaining capability multiplier becomes `(1 + boost)(1 + capability_gain)` (the boost
//! decays by a share `decay` per month), strengthening its hand in every issue it holds a position on.
//! Perceived effects: the tension rise, and the forecast shift of each of its issues that the boosted
//! capability would produce.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::rng::bernoulli;
use crate::model::world::World;
use crate::scenario::schema::MilitaryPressure;
use rand_chacha::ChaCha8Rng;

pub fn expected(w: &World, actor: Ix, x: &MilitaryPressure, _t: usize, out: &mut Vec<Effect>) {
    out.push((Ind::Tension, x.tension_gain.value(), 0.0));
    let boost = (1.0 + w.actors[actor].capability_boost) * (1.0 + x.capability_gain.value()) - 1.0;
    for &(i, _, sal, _) in &w.actors[actor].positions {
        if sal > 0.0 {
            let now = w.issues[i].forecast;
            let then = w.forecast_with_boost(i, actor, boost);
            out.push((Ind::IssueForecast(i), then - now, 0.0));
        }
    }
}

pub fn resolve(
    w: &mut World,
    actor: Ix,
    x: &MilitaryPressure,
    t: usize,
    rng: &mut ChaCha8Rng,
) -> Outcome {
    let target = x.countries[t].clone();
    w.add_tension(x.tension_gain.value());
    let a = &mut w.actors[actor];
    a.capability_boost = (1.0 + a.capability_boost) * (1.0 + x.capability_gain.value()) - 1.0;
    a.boost_decay = x.decay.value().clamp(0.0, 1.0);
    let clash = bernoulli(rng, x.clash_probability.value());
    if clash && let Some(e) = x.clash_event.as_ref().and_then(|e| w.ids().event(e).ok()) {
        crate::model::events::fire(w, e, rng);
    }
    Outcome {
        magnitude: x.tension_gain.value(),
        result: if clash { "clash" } else { "ok" },
        target,
    }
}
