//! Counter-disinformation (fact-checking, media literacy): the country's resilience boost rises by
//! `resilience_gain` (effective resilience is capped at 1) and decays by a share `decay` per month.
//!
//! Perceived effect: it offsets the recent disinformation pressure on the country. With `P_d` the
//! smoothed opinion shift from disinformation on dimension `d` last month (see docs/model.md), the
//! expected change of mean opinion is `−P_d × gain / (1 − r̄) / decay` (the boost's share of the
//! remaining vulnerability, over the boost's expected lifetime), capped at `|P_d| / decay`.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::world::World;
use crate::scenario::schema::CounterDisinformation;
use rand_chacha::ChaCha8Rng;

pub fn expected(w: &World, _actor: Ix, x: &CounterDisinformation, t: usize, out: &mut Vec<Effect>) {
    let Ok(c) = w.ids().country(&x.countries[t]) else {
        return;
    };
    let nd = w.s.dimensions.len();
    let decay = x.decay.value().max(1e-3);
    let resid = (1.0 - w.mean_resilience(c)).max(1e-3);
    let share = (x.resilience_gain.value() / resid).min(1.0);
    for d in 0..nd {
        let p = w.pressure[c * nd + d];
        if p != 0.0 {
            out.push((Ind::Opinion { c, d }, -p * share / decay, 0.0));
        }
    }
}

pub fn resolve(
    w: &mut World,
    _actor: Ix,
    x: &CounterDisinformation,
    t: usize,
    _rng: &mut ChaCha8Rng,
) -> Outcome {
    let target = x.countries[t].clone();
    let Ok(c) = w.ids().country(&target) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target,
        };
    };
    let st = &mut w.countries[c];
    st.resilience_boost = (st.resilience_boost + x.resilience_gain.value()).clamp(0.0, 1.0);
    st.resilience_decay = x.decay.value().clamp(0.0, 1.0);
    Outcome {
        magnitude: x.resilience_gain.value(),
        result: "ok",
        target,
    }
}
