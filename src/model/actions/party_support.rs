//! Political support for a party (campaigning, media, money, endorsements), by the party itself or by a
//! sponsor: a persuasion campaign for the party's platform through the acting actor's media in the
//! party's country (docs/model.md 7.8.0, 7.8.6; the shared mechanics in `model::persuasion`).
//!
//! Exposure as for disinformation (`k_i ~ Poisson(λ0 w_i)`). The message is the platform: its distance
//! to citizen `i` is the mean absolute distance over the platform's dimensions (as in voting). An item
//! within the latitude of acceptance moves each platform dimension `step_i = shift × trust_i × s_i`
//! toward the platform (never past it); beyond the latitude of rejection it moves each away by
//! `boomerang × step_i`. The party's appeal (valence, every voter) rises by `appeal_gain`. Support by
//! another actor is detected with probability `q = 1 − exp(−detection × cost × capacity_c)` (one draw,
//! before the citizens): the party loses `backlash × e` appeal, the sponsor `backlash × e` influence (if
//! an external power) and `trust_loss × e` trust in the country, `e` the share of citizens who saw it.
//!
//! Perceived effect on `PartySupport(q)`: the change of the share of the country's panel (7.8.0) whose
//! nearest party is `q` (effective distance, as the `PartySupport` indicator: `voters`) when every
//! panel citizen moves by its
//! expected shift (`k_i` replaced by `λ_i`), plus `appeal_gain − q × backlash × ē` taken one for one as
//! support (a first-order approximation);
//! `Influence`: `−q × backlash × ē`, sd `sqrt(q(1 − q)) × backlash × ē`.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::opinion::Population;
use crate::model::persuasion::{self, Audience, Zone};
use crate::model::rng::bernoulli;
use crate::model::rng::uniform01;
use crate::model::voters;
use crate::model::world::World;
use crate::scenario::schema::PartySupport;
use rand_chacha::ChaCha8Rng;

struct Campaign {
    party: Ix,
    c: Ix,
    lambda0: f64,
    /// Detection probability (0 for a party's own campaign).
    q: f64,
    /// Per-item step at full trust and susceptibility 1.
    shift: f64,
}

fn campaign(w: &World, actor: Ix, x: &PartySupport, t: usize) -> Option<Campaign> {
    let party = w.ids().actor(&x.parties[t]).ok()?;
    let c = w.actors[party].country?;
    let cost = x.cost.value().max(0.0);
    Some(Campaign {
        party,
        c,
        lambda0: persuasion::intensity(
            w.actors[actor].reach[c],
            x.exposures.value(),
            x.efficiency.value(),
            cost,
        ),
        q: if actor == party {
            0.0
        } else {
            persuasion::detection_probability(
                x.detection.value(),
                cost,
                w.media.capacity(c, w.tick),
            )
        },
        shift: x.shift.value().max(0.0),
    })
}

/// The platform's zone for citizen `i`, their step per accepted item, and the largest gap between
/// their opinions and the platform (what an item count can still change).
#[inline]
fn citizen(
    pop: &Population,
    au: &Audience,
    platform: &[(Ix, f64)],
    k: &Campaign,
    i: u32,
) -> (Zone, f64, f64) {
    let (mut dist, mut room) = (0.0, 0.0f64);
    for &(d, v) in platform {
        let gap = (v - pop.opinion(i, d)).abs();
        dist += gap;
        room = room.max(gap);
    }
    let zone = au.reception.zone(dist / platform.len().max(1) as f64);
    let step = k.shift * au.trust(pop, i) * pop.susceptibility[i as usize];
    (zone, step, room)
}

pub fn expected(w: &World, actor: Ix, x: &PartySupport, t: usize, out: &mut Vec<Effect>) {
    let Some(k) = campaign(w, actor, x, t) else {
        return;
    };
    let pop = &w.countries[k.c].pop;
    let platform = &w.actors[k.party].platform;
    let au = w.media.audience(actor, k.c, w.tick, k.lambda0);
    let boomerang = au.reception.boomerang;
    let parties = &w.voters[k.c].parties;
    let me = parties.iter().position(|&p| p == k.party);
    let panel = w.media.panel(k.c);
    let mut row = vec![0.0; pop.dims];
    let mut e = vec![0.0; parties.len()];
    let (mut gained, mut exposed) = (0i64, 0.0);
    let ballot = voters::Ballot::new(w, k.c);
    // each panel citizen's nearest party now from the month's distance matrix when it is current
    voters::with_current_distances(w, k.c, &ballot, |dist| {
        for &i in panel {
            let lambda = au.lambda(i);
            if lambda <= 0.0 {
                continue;
            }
            if k.q > 0.0 {
                exposed += 1.0 - (-lambda).exp();
            }
            let (zone, step, _) = citizen(pop, &au, platform, &k, i);
            if zone == Zone::NonCommitment || step <= 0.0 || platform.is_empty() || me.is_none() {
                continue;
            }
            for (d, y) in row.iter_mut().enumerate() {
                *y = pop.opinion(i, d);
            }
            let iu = i as usize;
            match dist {
                Some(dist) => voters::effective_from(w, k.c, iu, dist, &mut e),
                None => ballot.effective_row(w, k.c, iu, &row, &mut e),
            }
            let before = voters::best_two(&e).0;
            for &(d, v) in platform {
                row[d] += persuasion::shift(row[d], v, 0.0, zone, step, boomerang, lambda);
            }
            ballot.effective_row(w, k.c, iu, &row, &mut e);
            let after = voters::best_two(&e).0;
            gained += i64::from(Some(after) == me) - i64::from(Some(before) == me);
        }
    });
    let n = panel.len().max(1) as f64;
    let loss = x.backlash.value() * exposed / n;
    let sd = (k.q * (1.0 - k.q)).sqrt() * loss;
    out.push((
        Ind::PartySupport(k.party),
        gained as f64 / n + x.appeal_gain.value() - k.q * loss,
        sd,
    ));
    if k.q > 0.0
        && let Some(p) = w.power_row(actor)
    {
        out.push((Ind::Influence { p, c: k.c }, -k.q * loss, sd));
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
    let Some(k) = campaign(w, actor, x, t) else {
        return Outcome {
            magnitude: 0.0,
            result: "invalid",
            target,
        };
    };
    let detected = bernoulli(rng, k.q);
    let slot = w.media.survival(k.c, k.lambda0);
    let none = w.media.survival_at(slot);
    let au = w.media.audience(actor, k.c, w.tick, k.lambda0);
    let boomerang = au.reception.boomerang;
    let platform = &w.actors[k.party].platform;
    let pop = &mut w.countries[k.c].pop;
    let mut exposed = 0u32;
    for i in 0..pop.n {
        let u = uniform01(rng); // one draw per citizen whatever happens: common random numbers
        let p0 = none[i as usize];
        if u <= p0 {
            continue; // no item (0 is the Poisson quantile of u ≤ e^−λ)
        }
        exposed += 1;
        let (zone, step, room) = citizen(pop, &au, platform, &k, i);
        let cap = match zone {
            Zone::Accept => persuasion::items_cap(room, step),
            Zone::Reject => persuasion::items_cap(1.0, boomerang * step),
            Zone::NonCommitment => continue,
        };
        let items = persuasion::poisson_quantile_from(u, au.lambda(i), p0, cap);
        for &(d, v) in platform {
            let y = pop.opinion_mut(i as usize, d);
            let delta = persuasion::shift(*y, v, 0.0, zone, step, boomerang, f64::from(items));
            *y = (*y + delta).clamp(0.0, 1.0);
        }
    }
    let share = f64::from(exposed) / f64::from(pop.n.max(1));
    w.actors[k.party].appeal += x.appeal_gain.value();
    if detected {
        let loss = x.backlash.value() * share;
        w.actors[k.party].appeal -= loss;
        if let Some(p) = w.power_row(actor) {
            w.add_influence(p, k.c, -loss);
        }
        w.media.penalise(actor, k.c, x.trust_loss.value() * share);
    }
    Outcome {
        magnitude: f64::from(exposed),
        result: if detected { "detected" } else { "ok" },
        target,
    }
}
