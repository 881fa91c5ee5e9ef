//! Counter-disinformation (prebunking, fact-checking, media literacy) through the acting actor's media
//! in a country (docs/model.md 7.8.0, 7.8.2; the shared mechanics in `model::persuasion`).
//!
//! Exposure as for disinformation: citizen `i` sees `k_i ~ Poisson(λ0 w_i)` items, `λ0 = reach ×
//! exposures × (1 − exp(−efficiency × cost))`. A prebunk (no `dimension`) is accepted by everyone who
//! sees it; a debunk (`dimension` and `position`) only by citizens within their latitude of acceptance
//! of `position`. An accepting citizen's shield becomes `S_i ← 1 − (1 − S_i)(1 − resilience_gain ×
//! trust_i)^{k_i}`: the share of later disinformation pushes resisted on top of their resilience. The
//! country's detection capacity rises by `vigilance_gain`. Shields and added capacity lose a share
//! `decay` per month (the last campaign's decay). No draw besides one uniform per citizen.
//!
//! Perceived effect: it blunts the disinformation pressure on the country. With `P_d` the pressure
//! memory on dimension `d` (the mean opinion shift disinformation caused recently, see docs/model.md),
//! the expected change of mean opinion is `−P_d × R × L`, where `R = Σ_i s_i ΔS_i / Σ_i s_i (1 −
//! r_eff,i)` is the share of next month's push the new shields remove (`ΔS_i = (1 − S_i)(1 − exp(−λ_i
//! × resilience_gain × trust_i))`, exact for Poisson exposure) and `L = Σ_{m < M} (1 − decay)^m` the
//! months the shield lasts within the `M` months left.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::opinion::Population;
use crate::model::persuasion::{self, Audience, Zone};
use crate::model::rng::uniform01;
use crate::model::world::World;
use crate::scenario::schema::CounterDisinformation;
use rand_chacha::ChaCha8Rng;

struct Campaign {
    c: Ix,
    /// A debunk's dimension and position.
    side: Option<(Ix, f64)>,
    lambda0: f64,
    gain: f64,
}

fn campaign(w: &World, actor: Ix, x: &CounterDisinformation, t: usize) -> Option<Campaign> {
    let c = w.ids().country(&x.countries[t]).ok()?;
    let side = match (&x.dimension, &x.position) {
        (Some(d), Some(p)) => Some((w.ids().dim(d).ok()?, p.value().clamp(0.0, 1.0))),
        _ => None,
    };
    Some(Campaign {
        c,
        side,
        lambda0: persuasion::intensity(
            w.actors[actor].reach[c],
            x.exposures.value(),
            x.efficiency.value(),
            x.cost.value().max(0.0),
        ),
        gain: x.resilience_gain.value().clamp(0.0, 1.0),
    })
}

/// Whether citizen `i` accepts the campaign's items.
#[inline]
fn accepts(pop: &Population, au: &Audience, k: &Campaign, i: u32) -> bool {
    match k.side {
        None => true,
        Some((d, m)) => au.reception.zone((m - pop.opinion(i, d)).abs()) == Zone::Accept,
    }
}

pub fn expected(w: &World, actor: Ix, x: &CounterDisinformation, t: usize, out: &mut Vec<Effect>) {
    let Some(k) = campaign(w, actor, x, t) else {
        return;
    };
    let nd = w.s.dimensions.len();
    if (0..nd).all(|d| w.pressure[k.c * nd + d] == 0.0) {
        return;
    }
    let pop = &w.countries[k.c].pop;
    let au = w.media.audience(actor, k.c, w.tick, k.lambda0);
    let (mut removed, mut push) = (0.0, 0.0);
    for &i in w.media.panel(k.c) {
        let iu = i as usize;
        let shield = au.shield(i);
        let s = pop.susceptibility[iu];
        // what resilience and shield leave of a disinformation push
        let room = 1.0 - (pop.resilience[iu] + shield).min(1.0);
        push += s * room;
        let lambda = au.lambda(i);
        if lambda > 0.0 && accepts(pop, &au, &k, i) {
            let a = k.gain * au.trust(pop, i);
            let added = (1.0 - shield) * (1.0 - (-lambda * a).exp());
            removed += s * added.min(room);
        }
    }
    if push <= 0.0 {
        return;
    }
    let share = (removed / push).min(1.0);
    let decay = x.decay.value().clamp(0.0, 1.0);
    let months = w.s.run.horizon.saturating_sub(w.tick) + 1;
    let lasts = if decay > 0.0 {
        (1.0 - (1.0 - decay).powi(months.min(i32::MAX as u32) as i32)) / decay
    } else {
        f64::from(months)
    };
    for d in 0..nd {
        let p = w.pressure[k.c * nd + d];
        if p != 0.0 {
            out.push((Ind::Opinion { c: k.c, d }, -p * share * lasts, 0.0));
        }
    }
}

pub fn resolve(
    w: &mut World,
    actor: Ix,
    x: &CounterDisinformation,
    t: usize,
    rng: &mut ChaCha8Rng,
) -> Outcome {
    let target = x.countries[t].clone();
    let Some(k) = campaign(w, actor, x, t) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target,
        };
    };
    let tick = w.tick;
    w.media.settle(k.c, tick, x.decay.value());
    // Each accepting citizen's shield keeps `1 − S` times this factor: `(1 − gain × trust)^items`.
    let mut factors: Vec<(u32, f64)> = Vec::new();
    let mut exposed = 0u32;
    let slot = w.media.survival(k.c, k.lambda0);
    {
        let pop = &w.countries[k.c].pop;
        let none = w.media.survival_at(slot);
        let au = w.media.audience(actor, k.c, tick, k.lambda0);
        for i in 0..pop.n {
            let u = uniform01(rng); // one draw per citizen whatever happens: common random numbers
            let p0 = none[i as usize];
            if u <= p0 {
                continue; // no item (0 is the Poisson quantile of u ≤ e^−λ)
            }
            exposed += 1;
            if !accepts(pop, &au, &k, i) {
                continue;
            }
            let a = k.gain * au.trust(pop, i);
            let items = persuasion::poisson_quantile_from(u, au.lambda(i), p0, u32::MAX);
            factors.push((i, (1.0 - a).powi(items.min(i32::MAX as u32) as i32)));
        }
    }
    let (_, shields) = w.media.weights_and_shields(k.c);
    for (i, f) in factors {
        let s = &mut shields[i as usize];
        *s = 1.0 - (1.0 - *s) * f;
    }
    w.media.add_capacity(k.c, x.vigilance_gain.value());
    Outcome {
        magnitude: f64::from(exposed),
        result: "ok",
        target,
    }
}
