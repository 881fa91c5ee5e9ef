//! The process as phases with transition rules.
//!
//! Each month, after elections, the rules are checked in scenario order; the first rule whose `from`
//! includes the current phase (empty `from`: any phase other than `to`), whose conditions all hold, and
//! whose Bernoulli draw with `probability` succeeds moves the process to `to` — unless the rule is
//! `decided_by` an actor, who then chooses whether to make the move: a logit yes/no on the expected
//! utility of the new phase under its goals ([`super::decisions::choose`], one draw from the actor's
//! `choose/<actor>` stream); a declined rule does not fire and the next rules are checked. At most one
//! transition per month. Every rule whose phase and conditions match consumes one draw from the
//! `process` stream, in order, so draws stay aligned across scenarios that agree.

use super::compile::{Cond, Ids, Ix};
use super::decisions;
use super::log::RunEvent;
use super::rng::bernoulli;
use super::world::World;
use rand_chacha::ChaCha8Rng;

/// A compiled transition rule.
pub struct Rule {
    pub from: Vec<Ix>,
    pub to: Ix,
    pub when: Vec<Cond>,
    pub probability: f64,
    /// The actor who decides the move, if any.
    pub decided_by: Option<Ix>,
}

pub fn compile(w: &World) -> Result<Vec<Rule>, super::ModelError> {
    let ids = Ids::new(w.s);
    w.s.process
        .transitions
        .iter()
        .map(|t| {
            Ok(Rule {
                from: t
                    .from
                    .iter()
                    .map(|p| ids.phase(p))
                    .collect::<Result<_, _>>()?,
                to: ids.phase(&t.to)?,
                when: Cond::compile_all(&ids, &t.when)?,
                probability: t.probability.value(),
                decided_by: t.decided_by.as_ref().map(|a| ids.actor(a)).transpose()?,
            })
        })
        .collect()
}

/// The process phase of a tick. `choose[a]` is actor `a`'s `choose/<id>` stream.
pub fn step(w: &mut World, rules: &[Rule], rng: &mut ChaCha8Rng, choose: &mut [ChaCha8Rng]) {
    let mut effects = Vec::new();
    for r in rules {
        let from_ok = if r.from.is_empty() {
            w.phase != r.to
        } else {
            r.from.contains(&w.phase)
        };
        if from_ok && w.all_hold(&r.when) && bernoulli(rng, r.probability) {
            if let Some(a) = r.decided_by {
                effects.clear();
                decisions::phase_effects(w, a, &[(r.to, 1.0)], &mut effects);
                let (yes, eu) = decisions::choose(w, a, &effects, &mut choose[a]);
                w.emit(RunEvent::DecidedPhase {
                    actor: a,
                    phase: r.to,
                    utility: eu,
                    taken: yes,
                });
                if !yes {
                    continue;
                }
            }
            w.set_phase(r.to);
            return;
        }
    }
}
