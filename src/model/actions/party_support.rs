//! Political support for a party (money, media, endorsements).
//!
//! The party's appeal (a bonus subtracted from every voter's distance to its platform, see
//! `elections`) rises by `appeal_gain`. With probability `exposure` the support is exposed as foreign:
//! the party loses `backlash` appeal and the source (if an external power) loses `backlash` influence in
//! the party's country. Perceived effect on the party's support: the appeal change, one for one (a
//! first-order approximation documented in docs/model.md).

use super::{Effect, Outcome, chance};
use crate::model::compile::{Ind, Ix};
use crate::model::world::World;
use crate::scenario::schema::PartySupport;
use rand_chacha::ChaCha8Rng;

pub fn expected(w: &World, actor: Ix, x: &PartySupport, t: usize, out: &mut Vec<Effect>) {
    let Ok(q) = w.ids().actor(&x.parties[t]) else {
        return;
    };
    let e = x.exposure.value().clamp(0.0, 1.0);
    let b = x.backlash.value();
    let sd = (e * (1.0 - e)).sqrt() * b;
    out.push((Ind::PartySupport(q), x.appeal_gain.value() - e * b, sd));
    if let (Some(p), Some(c)) = (w.power_row(actor), w.actors[q].country) {
        out.push((Ind::Influence { p, c }, -e * b, sd));
    }
}

pub fn resolve(
    w: &mut World,
    actor: Ix,
    x: &PartySupport,
    t: usize,
    rng: &mut ChaCha8Rng,
) -> Outcome {
    let target = x.parties[t].clone();
    let Ok(q) = w.ids().actor(&target) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target,
        };
    };
    w.actors[q].appeal += x.appeal_gain.value();
    let exposed = chance(rng, x.exposure.value());
    if exposed {
        w.actors[q].appeal -= x.backlash.value();
        if let (Some(p), Some(c)) = (w.power_row(actor), w.actors[q].country) {
            w.add_influence(p, c, -x.backlash.value());
        }
    }
    Outcome {
        magnitude: x.appeal_gain.value(),
        result: if exposed { "exposed" } else { "ok" },
        target,
    }
}
