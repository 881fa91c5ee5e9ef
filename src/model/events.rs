//! Scheduled and stochastic events.
//!
//! Each month, for every event in scenario order: a `Hazard(p)` event draws one uniform number from the
//! `events` stream *whether or not its conditions hold* (so scenarios that differ in one event keep the
//! same draws for the others: common random numbers), and fires if the draw is below `p` and its
//! conditions hold; a `Scheduled(month)` event fires in that month if its conditions hold. `once`
//! events fire at most once. Effects apply in order; see [`apply`].

use super::actions::chance;
use super::compile::{Cond, Ids, Ix};
use super::world::World;
use crate::scenario::schema::{Effect, Trigger};
use rand_chacha::ChaCha8Rng;

/// An event compiled once per run: its conditions, and for a scheduled event its month offset.
pub struct Compiled {
    pub when: Vec<Cond>,
    pub scheduled: Option<i64>,
}

/// Compiles every event of the scenario (ids and months resolved once, not every month).
pub fn compile(w: &World) -> Result<Vec<Compiled>, super::ModelError> {
    let ids = Ids::new(w.s);
    w.s.events
        .iter()
        .map(|e| {
            Ok(Compiled {
                when: Cond::compile_all(&ids, &e.when)?,
                scheduled: match &e.trigger {
                    Trigger::Scheduled(m) => Some(ids.month(m)?),
                    Trigger::Hazard(_) => None,
                },
            })
        })
        .collect()
}

/// Phase 1 of a tick: events fire (`w.tick` is already the tick being simulated, 1-based).
pub fn step(w: &mut World, events: &[Compiled], rng: &mut ChaCha8Rng) {
    let month = w.tick as i64 - 1; // offset of the month being simulated from the start month
    let s = w.s;
    for (e, spec) in s.events.iter().enumerate() {
        let fires = match &spec.trigger {
            Trigger::Hazard(p) => chance(rng, p.value()),
            Trigger::Scheduled(_) => events[e].scheduled == Some(month),
        };
        if fires && !(spec.once && w.event_counts[e] > 0) && w.all_hold(&events[e].when) {
            fire(w, e, rng);
        }
    }
}

/// Fires event `e`: counts it, logs it, applies its effects.
pub fn fire(w: &mut World, e: Ix, rng: &mut ChaCha8Rng) {
    w.event_counts[e] += 1;
    let id = w.s.events[e].id.clone();
    w.emit("", "event", &id, 1.0, "fired");
    let s = w.s;
    for eff in &s.events[e].effects {
        apply(w, eff, rng);
    }
}

/// Applies one effect.
pub fn apply(w: &mut World, eff: &Effect, rng: &mut ChaCha8Rng) {
    let ids = w.ids();
    match eff {
        Effect::Tension(d) => w.add_tension(d.value()),
        Effect::Opinion {
            country,
            dimension,
            shift,
        } => {
            if let (Ok(c), Ok(d)) = (ids.country(country), ids.dim(dimension)) {
                w.countries[c].pop.shift_all(d, shift.value());
            }
        }
        Effect::GrowthShock {
            country,
            delta,
            months,
        } => {
            if let Ok(c) = ids.country(country) {
                let until = w.tick + months.saturating_sub(1);
                w.countries[c].shocks.push((delta.value(), until));
            }
        }
        Effect::Confidence { country, delta } => {
            if let Ok(c) = ids.country(country) {
                let st = &mut w.countries[c];
                st.confidence = (st.confidence + delta.value()).clamp(0.0, 1.0);
            }
        }
        Effect::Influence {
            power,
            country,
            delta,
        } => {
            if let (Ok(p), Ok(c)) = (ids.power(power), ids.country(country)) {
                w.add_influence(p, c, delta.value());
            }
        }
        Effect::SetPhase(p) => {
            if let Ok(p) = ids.phase(p) {
                w.set_phase(p);
            }
        }
        Effect::Referendum {
            country,
            dimension,
            yes_above,
            threshold,
            turnout,
            quorum,
            pass,
            fail,
        } => {
            let (Ok(c), Ok(d)) = (ids.country(country), ids.dim(dimension)) else {
                return;
            };
            let r = super::elections::referendum(
                &w.countries[c].pop,
                d,
                yes_above.value(),
                turnout.value(),
                quorum.value(),
                rng,
            );
            w.referendums[c] = Some(r);
            let share = r.yes;
            let passed = share > threshold.value() && r.quorum_met;
            w.emit(
                "",
                "referendum",
                country,
                share,
                if passed {
                    "passed"
                } else if r.quorum_met {
                    "failed"
                } else {
                    "no_quorum"
                },
            );
            let next = if passed { pass } else { fail };
            if let Some(p) = next.as_ref().and_then(|p| ids.phase(p).ok()) {
                w.set_phase(p);
            }
        }
        Effect::ProjectSetback { project, delta } => {
            if let Ok(p) = ids.project(project) {
                let st = &mut w.projects[p];
                if st.operational_since.is_none() {
                    st.progress = (st.progress + delta.value()).clamp(0.0, 1.0);
                }
            }
        }
    }
}
