//! Scheduled and stochastic events.
//!
//! Each month, for every event in scenario order: a `Hazard(p)` event draws one uniform number from the
//! `events` stream *whether or not its conditions hold* (so scenarios that differ in one event keep the
//! same draws for the others: common random numbers), and fires if the draw is below `p` and its
//! conditions hold; a `Scheduled(month)` event fires in that month if its conditions hold. `once`
//! events fire at most once. An event `decided_by` an actor fires only if that actor then chooses it:
//! a logit yes/no on the expected utility of the event's effects under its goals ([`perceived`],
//! [`super::decisions::choose`], one draw from the actor's `choose/<actor>` stream). Effects apply in
//! order; see [`apply`].

use super::compile::{Cond, Ids, Ix};
use super::log::{ReferendumVerdict, RunEvent};
use super::rng::bernoulli;
use super::world::World;
use crate::scenario::schema::{Effect, Trigger};
use rand_chacha::ChaCha8Rng;

/// An event compiled once per run: its conditions, and for a scheduled event its month offset.
pub struct Compiled {
    pub when: Vec<Cond>,
    pub scheduled: Option<i64>,
    /// The actor who decides whether the event happens, if any.
    pub decided_by: Option<Ix>,
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
                decided_by: e.decided_by.as_ref().map(|a| ids.actor(a)).transpose()?,
            })
        })
        .collect()
}

/// Phase 1 of a tick: events fire (`w.tick` is already the tick being simulated, 1-based).
/// `choose[a]` is actor `a`'s `choose/<id>` stream (decided events).
pub fn step(w: &mut World, events: &[Compiled], rng: &mut ChaCha8Rng, choose: &mut [ChaCha8Rng]) {
    let month = w.tick as i64 - 1; // offset of the month being simulated from the start month
    let s = w.s;
    let mut effects = Vec::new();
    for (e, spec) in s.events.iter().enumerate() {
        let fires = match &spec.trigger {
            Trigger::Hazard(p) => bernoulli(rng, p.value()),
            Trigger::Scheduled(_) => events[e].scheduled == Some(month),
        };
        if fires && !(spec.once && w.event_counts[e] > 0) && w.all_hold(&events[e].when) {
            if let Some(a) = events[e].decided_by {
                effects.clear();
                perceived(w, a, &spec.effects, &mut effects);
                let (yes, eu) = super::decisions::choose(w, a, &effects, &mut choose[a]);
                w.emit(RunEvent::DecidedEvent {
                    actor: a,
                    event: e,
                    utility: eu,
                    taken: yes,
                });
                if !yes {
                    continue;
                }
            }
            fire(w, e, rng);
        }
    }
}

/// The effects of an event as the deciding `actor` perceives them, appended to `out` as (indicator,
/// mean change, sd): tension, opinion, growth, confidence, influence and project-progress changes at
/// their stated sizes; a phase change (`SetPhase`, or a `Referendum`'s pass or fail phase with the
/// chance it passes, [`pass_probability`]) as the change of the actor's `InPhase` goals. With several
/// phase-setting effects the last one decides the phase the actor expects.
pub fn perceived(w: &World, actor: Ix, effects: &[Effect], out: &mut Vec<super::actions::Effect>) {
    use super::compile::Ind;
    let ids = w.ids();
    let mut lottery: Option<Vec<(Ix, f64)>> = None;
    for eff in effects {
        match eff {
            Effect::Tension(d) => out.push((Ind::Tension, d.value(), 0.0)),
            Effect::Opinion {
                country,
                dimension,
                shift,
            } => {
                if let (Ok(c), Ok(d)) = (ids.country(country), ids.dim(dimension)) {
                    out.push((Ind::Opinion { c, d }, shift.value(), 0.0));
                }
            }
            Effect::GrowthShock { country, delta, .. } => {
                if let Ok(c) = ids.country(country) {
                    out.push((Ind::Growth(c), delta.value(), 0.0));
                }
            }
            Effect::Confidence { country, delta } => {
                if let Ok(c) = ids.country(country) {
                    out.push((Ind::Confidence(c), delta.value(), 0.0));
                }
            }
            Effect::Influence {
                power,
                country,
                delta,
            } => {
                if let (Ok(p), Ok(c)) = (ids.power(power), ids.country(country)) {
                    out.push((Ind::Influence { p, c }, delta.value(), 0.0));
                }
            }
            Effect::ProjectSetback { project, delta } => {
                if let Ok(p) = ids.project(project) {
                    out.push((Ind::ProjectProgress(p), delta.value(), 0.0));
                }
            }
            Effect::SetPhase(p) => {
                if let Ok(p) = ids.phase(p) {
                    lottery = Some(vec![(p, 1.0)]);
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
                    continue;
                };
                let p = pass_probability(
                    &w.countries[c].pop,
                    d,
                    yes_above.value(),
                    threshold.value(),
                    turnout.value(),
                    quorum.value(),
                );
                let phase = |x: &Option<String>| {
                    x.as_ref()
                        .and_then(|x| ids.phase(x).ok())
                        .unwrap_or(w.phase)
                };
                lottery = Some(vec![(phase(pass), p), (phase(fail), 1.0 - p)]);
            }
        }
    }
    if let Some(l) = lottery {
        super::decisions::phase_effects(w, actor, &l, out);
    }
}

/// The chance a referendum passes as a decider reads it from the citizens now. With `s` the share of
/// citizens above `yes_above`, `n` citizens and `n_v = turnout × n` voters: the yes share among voters
/// is about normal with mean `s` and sd `sqrt(s (1 − s) / n_v)`, and the yes votes as a share of all
/// citizens about normal with mean `q = turnout × s` and sd `sqrt(q (1 − q) / n)` (the binomial sampling
/// of who votes); the vote passes if the first exceeds `threshold` and the second reaches `quorum`,
/// taken as independent: `P(pass) = Φ((s − threshold) / sd_s) × Φ((q − quorum) / sd_q)` (a zero sd
/// gives 1 or 0; a quorum of 0 always holds).
pub fn pass_probability(
    pop: &super::opinion::Population,
    d: Ix,
    yes_above: f64,
    threshold: f64,
    turnout: f64,
    quorum: f64,
) -> f64 {
    let above = |mean: f64, sd: f64, bar: f64, strict: bool| {
        if sd > 0.0 {
            super::decisions::normal_cdf((mean - bar) / sd)
        } else if mean > bar || (!strict && mean >= bar) {
            1.0
        } else {
            0.0
        }
    };
    let n = f64::from(pop.n.max(1));
    let turnout = turnout.clamp(0.0, 1.0);
    let s = pop.share_above(d, yes_above);
    let voters = turnout * n;
    let sd_s = (s * (1.0 - s) / voters.max(1.0)).sqrt();
    let q = turnout * s;
    let sd_q = (q * (1.0 - q) / n).sqrt();
    let quorum_ok = if quorum > 0.0 {
        above(q, sd_q, quorum, false)
    } else {
        1.0
    };
    above(s, sd_s, threshold, true) * quorum_ok
}

/// Fires event `e`: counts it, logs it, applies its effects.
pub fn fire(w: &mut World, e: Ix, rng: &mut ChaCha8Rng) {
    w.event_counts[e] += 1;
    w.emit(RunEvent::EventFired(e));
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
            w.emit(RunEvent::Referendum {
                country: c,
                yes: share,
                result: if passed {
                    ReferendumVerdict::Passed
                } else if r.quorum_met {
                    ReferendumVerdict::Failed
                } else {
                    ReferendumVerdict::NoQuorum
                },
            });
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
