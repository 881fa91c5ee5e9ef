//! The process as phases with transition rules.
//!
//! Each month, after elections, the rules are checked in scenario order; the first rule whose `from`
//! includes the current phase (empty `from`: any phase other than `to`), whose conditions all hold, and
//! whose Bernoulli draw with `probability` succeeds moves the process to `to`. At most one transition per
//! month. Every rule whose phase and conditions match consumes one draw from the `process` stream, in
//! order, so draws stay aligned across scenarios that agree.

use super::actions::chance;
use super::compile::{Cond, Ids, Ix};
use super::world::World;
use rand_chacha::ChaCha8Rng;

/// A compiled transition rule.
pub struct Rule {
    pub from: Vec<Ix>,
    pub to: Ix,
    pub when: Vec<Cond>,
    pub probability: f64,
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
            })
        })
        .collect()
}

pub fn step(w: &mut World, rules: &[Rule], rng: &mut ChaCha8Rng) {
    for r in rules {
        let from_ok = if r.from.is_empty() {
            w.phase != r.to
        } else {
            r.from.contains(&w.phase)
        };
        if from_ok && w.all_hold(&r.when) && chance(rng, r.probability) {
            w.set_phase(r.to);
            return;
        }
    }
}
