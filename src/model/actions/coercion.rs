//! Economic coercion (sanctions, bans, energy prices).
//!
//! The target's growth drag gains `growth_reversion × growth_loss` and loses a share
//! `growth_reversion` a month (`economy`): coercion sustained month after month takes `growth_loss`
//! off annualised growth, and one month of it lowers the GDP level by `growth_loss / 12` in total (the
//! perceived growth effect is `−growth_loss`, the drag summed over the months it lasts); the source
//! pays `cost` from its budget. With probability `backfire` the
//! coercion backfires: every citizen's opinion on `dimension` moves by `shift` *against* `direction`
//! and the source loses `backlash` influence in the target; otherwise opinions move by `shift` in
//! `direction` and the source gains `influence_gain` leverage.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::rng::bernoulli;
use crate::model::world::World;
use crate::scenario::schema::Coercion;
use rand_chacha::ChaCha8Rng;

pub fn expected(w: &World, actor: Ix, x: &Coercion, t: usize, out: &mut Vec<Effect>) {
    let (Ok(c), Ok(d)) = (w.ids().country(&x.countries[t]), w.ids().dim(&x.dimension)) else {
        return;
    };
    let b = x.backfire.value().clamp(0.0, 1.0);
    let sd = 2.0 * (b * (1.0 - b)).sqrt();
    out.push((Ind::Growth(c), -x.growth_loss.value(), 0.0));
    out.push((
        Ind::Opinion { c, d },
        x.direction.sign() * x.shift.value() * (1.0 - 2.0 * b),
        sd * x.shift.value(),
    ));
    if let Some(p) = w.power_row(actor) {
        let g = x.influence_gain.value();
        let l = x.backlash.value();
        out.push((
            Ind::Influence { p, c },
            (1.0 - b) * g - b * l,
            (b * (1.0 - b)).sqrt() * (g + l),
        ));
    }
}

pub fn resolve(w: &mut World, actor: Ix, x: &Coercion, t: usize, rng: &mut ChaCha8Rng) -> Outcome {
    let target = x.countries[t].clone();
    let (Ok(c), Ok(d)) = (w.ids().country(&target), w.ids().dim(&x.dimension)) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target,
        };
    };
    let rev = w.s.world.growth_reversion.value().clamp(0.0, 1.0);
    w.countries[c].coercion_drag += rev * x.growth_loss.value();
    let backfired = bernoulli(rng, x.backfire.value());
    let sign = if backfired {
        -x.direction.sign()
    } else {
        x.direction.sign()
    };
    w.countries[c].pop.shift_all(d, sign * x.shift.value());
    if let Some(p) = w.power_row(actor) {
        let delta = if backfired {
            -x.backlash.value()
        } else {
            x.influence_gain.value()
        };
        w.add_influence(p, c, delta);
    }
    Outcome {
        magnitude: x.cost.value(),
        result: if backfired { "backfired" } else { "ok" },
        target,
    }
}
