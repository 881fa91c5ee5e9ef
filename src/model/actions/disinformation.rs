//! Disinformation campaign: a message at a position on one opinion dimension, pushed in a direction
//! through the source's media in a country (docs/model.md 7.8.0–7.8.1; the shared mechanics in
//! `model::persuasion`).
//!
//! With `λ0 = reach × exposures × (1 − exp(−efficiency × cost))`, citizen `i` (exposure weight `w_i`)
//! sees `k_i ~ Poisson(λ0 w_i)` items, drawn by inversion of one uniform per citizen. An item in the
//! citizen's latitude of acceptance (`|m − x_i| ≤ acceptance`) moves them `step_i = shift × trust_i ×
//! s_i × (1 − min(1, r_i + S_i))` toward the message `m` (never past it, never against `direction`;
//! `S_i` the counter-disinformation shield); beyond the latitude of rejection it moves them away by
//! `boomerang × step_i`; in between it does nothing. The campaign is detected with probability
//! `q = 1 − exp(−detection × cost × capacity_c)` (one draw, before the citizens): the source then loses
//! `backlash × e` influence and `trust_loss × e` trust in the country (`e` the share of citizens who saw
//! at least one item), and the citizens who saw it gain `inoculation` resilience.
//!
//! Perceived (expected) effects: `Opinion(c, d)` changes by `(1/n) Σ_i shift_i(λ_i)`, the realised
//! change with `k_i` replaced by its mean `λ_i` (an upper bound where citizens would reach the message);
//! `Influence(a, c)` by `−q × backlash × ē` with sd `sqrt(q(1 − q)) × backlash × ē`, `ē = (1/n) Σ_i (1 −
//! exp(−λ_i))` the expected share exposed.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::opinion::Population;
use crate::model::persuasion::{self, Audience, Zone};
use crate::model::rng::bernoulli;
use crate::model::rng::uniform01;
use crate::model::world::World;
use crate::scenario::schema::Disinformation;
use rand_chacha::ChaCha8Rng;

/// One option's resolved parameters.
struct Campaign {
    c: Ix,
    d: Ix,
    dir: f64,
    /// The message's position.
    m: f64,
    /// Mean items per citizen of exposure weight 1.
    lambda0: f64,
    /// Detection probability.
    q: f64,
    /// Per-item step at full trust, susceptibility 1 and resilience 0.
    shift: f64,
}

fn campaign(w: &World, actor: Ix, x: &Disinformation, t: usize) -> Option<Campaign> {
    let c = w.ids().country(&x.countries[t]).ok()?;
    let d = w.ids().dim(&x.dimension).ok()?;
    let dir = x.direction.sign();
    let m = x
        .position
        .as_ref()
        .map_or(if dir > 0.0 { 1.0 } else { 0.0 }, |p| {
            p.value().clamp(0.0, 1.0)
        });
    let cost = x.cost.value().max(0.0);
    Some(Campaign {
        c,
        d,
        dir,
        m,
        lambda0: persuasion::intensity(
            w.actors[actor].reach[c],
            x.exposures.value(),
            x.efficiency.value(),
            cost,
        ),
        q: persuasion::detection_probability(
            x.detection.value(),
            cost,
            w.media.capacity(c, w.tick),
        ),
        shift: x.shift.value().max(0.0),
    })
}

/// Citizen `i`'s opinion, the message's zone for them, and their step per accepted item.
#[inline]
fn citizen(pop: &Population, au: &Audience, k: &Campaign, i: u32) -> (f64, Zone, f64) {
    let xi = pop.opinion(i, k.d);
    let zone = au.reception.zone((k.m - xi).abs());
    let iu = i as usize;
    let resist = (pop.resilience[iu] + au.shield(i)).min(1.0);
    let step = k.shift * au.trust(pop, i) * pop.susceptibility[iu] * (1.0 - resist);
    (xi, zone, step)
}

pub fn expected(w: &World, actor: Ix, x: &Disinformation, t: usize, out: &mut Vec<Effect>) {
    let Some(k) = campaign(w, actor, x, t) else {
        return;
    };
    let pop = &w.countries[k.c].pop;
    let au = w.media.audience(actor, k.c, w.tick, k.lambda0);
    let power = w.power_row(actor);
    let panel = w.media.panel(k.c);
    let (mut dm, mut exposed) = (0.0, 0.0);
    for &i in panel {
        let lambda = au.lambda(i);
        if lambda <= 0.0 {
            continue;
        }
        if power.is_some() {
            exposed += 1.0 - (-lambda).exp();
        }
        let (xi, zone, step) = citizen(pop, &au, &k, i);
        dm += persuasion::shift(xi, k.m, k.dir, zone, step, au.reception.boomerang, lambda);
    }
    let n = panel.len().max(1) as f64;
    out.push((Ind::Opinion { c: k.c, d: k.d }, dm / n, 0.0));
    if let Some(p) = power {
        let loss = x.backlash.value() * exposed / n;
        out.push((
            Ind::Influence { p, c: k.c },
            -k.q * loss,
            (k.q * (1.0 - k.q)).sqrt() * loss,
        ));
    }
}

pub fn resolve(
    w: &mut World,
    actor: Ix,
    x: &Disinformation,
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
    let detected = bernoulli(rng, k.q);
    let inoculation = x.inoculation.value();
    let slot = w.media.survival(k.c, k.lambda0);
    let none = w.media.survival_at(slot);
    let au = w.media.audience(actor, k.c, w.tick, k.lambda0);
    let boomerang = au.reception.boomerang;
    let pop = &mut w.countries[k.c].pop;
    let (mut moved, mut exposed) = (0.0, 0u32);
    for i in 0..pop.n {
        let u = uniform01(rng); // one draw per citizen whatever happens: common random numbers
        let p0 = none[i as usize];
        if u <= p0 {
            continue; // no item (0 is the Poisson quantile of u ≤ e^−λ)
        }
        exposed += 1;
        let (xi, zone, step) = citizen(pop, &au, &k, i);
        let cap = match zone {
            Zone::Accept => persuasion::items_cap((k.m - xi).abs(), step),
            Zone::Reject => persuasion::items_cap(xi.max(1.0 - xi), boomerang * step),
            Zone::NonCommitment => 0,
        };
        let items = persuasion::poisson_quantile_from(u, au.lambda(i), p0, cap);
        if items > 0 {
            let delta = persuasion::shift(xi, k.m, k.dir, zone, step, boomerang, f64::from(items));
            let y = pop.opinion_mut(i as usize, k.d);
            *y = (xi + delta).clamp(0.0, 1.0);
            moved += *y - xi;
        }
        if detected {
            let r = &mut pop.resilience[i as usize];
            *r = (*r + inoculation).clamp(0.0, 1.0);
        }
    }
    let nf = f64::from(pop.n.max(1));
    let nd = w.s.dimensions.len();
    w.pressure[k.c * nd + k.d] += moved / nf;
    if detected {
        let share = f64::from(exposed) / nf;
        if let Some(p) = w.power_row(actor) {
            w.add_influence(p, k.c, -x.backlash.value() * share);
        }
        w.media.penalise(actor, k.c, x.trust_loss.value() * share);
    }
    Outcome {
        magnitude: f64::from(exposed),
        result: if detected { "detected" } else { "undetected" },
        target,
    }
}
