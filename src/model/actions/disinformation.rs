//! Disinformation campaign: a push on one opinion dimension of a country's citizens.
//!
//! Exposed share `e = reach × (1 − exp(−efficiency × cost))`, where `reach` is the source's media reach
//! in the country. Each citizen is exposed independently with probability `e` (drawn by geometric
//! skips, one draw per exposed citizen); each exposed citizen `i` moves `direction × shift × s_i × (1 − r_i)` (susceptibility `s_i`, effective
//! resilience `r_i` = own resilience + the country's counter-disinformation boost, capped at 1), clamped
//! to [0, 1]. With probability `detection` the campaign is detected and exposed: the source loses
//! `backlash` influence in the country and every citizen's resilience rises by `inoculation`.

use super::{Effect, Outcome, chance};
use crate::model::compile::{Ind, Ix};
use crate::model::rng::{ln, uniform01};
use crate::model::world::World;
use crate::scenario::schema::Disinformation;
use rand_chacha::ChaCha8Rng;

fn exposure(w: &World, actor: Ix, x: &Disinformation, c: Ix) -> f64 {
    let reach = w.actors[actor].reach[c];
    (reach * (1.0 - (-x.efficiency.value() * x.cost.value()).exp())).clamp(0.0, 1.0)
}

pub fn expected(w: &World, actor: Ix, x: &Disinformation, t: usize, out: &mut Vec<Effect>) {
    let (Ok(c), Ok(d)) = (w.ids().country(&x.countries[t]), w.ids().dim(&x.dimension)) else {
        return;
    };
    let e = exposure(w, actor, x, c);
    let dm = x.direction.sign() * x.shift.value() * e * w.vulnerability[c];
    out.push((Ind::Opinion { c, d }, dm, 0.0));
    if let Some(p) = w.power_row(actor) {
        let q = x.detection.value().clamp(0.0, 1.0);
        out.push((
            Ind::Influence { p, c },
            -q * x.backlash.value(),
            (q * (1.0 - q)).sqrt() * x.backlash.value(),
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
    let (Ok(c), Ok(d)) = (w.ids().country(&target), w.ids().dim(&x.dimension)) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target,
        };
    };
    let e = exposure(w, actor, x, c);
    let shift = x.direction.sign() * x.shift.value();
    let boost = w.countries[c].resilience_boost;
    let pop = &mut w.countries[c].pop;
    let n = pop.n;
    // Exposure: each citizen independently with probability e, drawn as geometric skips over the
    // citizens (one draw per exposed citizen, Batagelj & Brandes 2005 style).
    let mut moved = 0.0;
    let mut k = 0u32;
    let log_q = if e < 1.0 {
        ln(1.0 - e)
    } else {
        f64::NEG_INFINITY
    };
    let mut i: i64 = -1;
    if e > 0.0 && n > 0 {
        loop {
            let skip = if e >= 1.0 {
                0.0
            } else {
                (ln(1.0 - uniform01(rng)) / log_q).floor()
            };
            i += 1 + skip as i64;
            if i >= n as i64 {
                break;
            }
            let i = i as usize;
            k += 1;
            let push = shift * pop.susceptibility[i] * (1.0 - (pop.resilience[i] + boost).min(1.0));
            let x = pop.opinion_mut(i, d);
            let old = *x;
            *x = (old + push).clamp(0.0, 1.0);
            moved += *x - old;
        }
    }
    if n > 0 {
        w.pressure[c * w.s.dimensions.len() + d] += moved / f64::from(n);
    }
    let detected = chance(rng, x.detection.value());
    if detected {
        if let Some(p) = w.power_row(actor) {
            w.add_influence(p, c, -x.backlash.value());
        }
        let inoc = x.inoculation.value();
        for r in w.countries[c].pop.resilience.iter_mut() {
            *r = (*r + inoc).clamp(0.0, 1.0);
        }
    }
    Outcome {
        magnitude: k as f64,
        result: if detected { "detected" } else { "undetected" },
        target,
    }
}
