//! Actor decisions: expected utility under the actor's goals and a logit (quantal-response) choice.
//!
//! For every feasible option (an action entry × one of its targets) the actor forms its perceived
//! direct effects (see [`super::actions`]) and scores
//!
//! `EU = perception × Σ_goals w_g × Σ_effects on g mean  −  cost_weight × cost  +  risk_attitude × σ`
//!
//! where `σ = perception × sqrt(Σ (w_g × sd)²)` is the spread of the utility (negative risk attitude:
//! the spread counts against the option). "Do nothing" scores 0. The choice is a logit with precision
//! `rationality` on utilities normalised by the largest |EU| of the menu, `P_k ∝ exp(λ EU_k / max|EU|)`
//! (McKelvey & Palfrey 1995's quantal response with a scale-free precision, so that `rationality` means
//! the same whatever the goals' units). The actor picks up to `max_actions` options per month, each at
//! most once, while its remaining budget covers the option's cost; picking "do nothing" ends its turn.

use super::Decision;
use super::actions::{self, Effect};
use super::compile::Ix;
use super::world::World;
use rand_chacha::ChaCha8Rng;

/// A chosen option: (actor, action entry, target).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub actor: Ix,
    pub entry: usize,
    pub target: usize,
}

/// Reusable buffers for decisions (no allocation per decision after warm-up).
#[derive(Default)]
pub struct Scratch {
    effects: Vec<Effect>,
    options: Vec<(usize, usize, f64, f64)>,
    weights: Vec<f64>,
}

/// Expected utility of one option for `actor` under its current goals.
pub fn utility(
    w: &World,
    actor: Ix,
    entry: usize,
    target: usize,
    effects: &mut Vec<Effect>,
) -> f64 {
    let spec_actor = &w.s.actors[actor];
    let spec = &spec_actor.actions[entry];
    effects.clear();
    actions::expected(w, actor, spec, target, effects);
    let perception = spec_actor.perception.value();
    let (mut mean, mut var) = (0.0, 0.0);
    for &(ind, weight) in &w.actors[actor].goals {
        for &(ei, m, sd) in effects.iter() {
            if ei == ind {
                mean += weight * m;
                var += (weight * sd).powi(2);
            }
        }
    }
    let sigma = perception * var.sqrt();
    perception * mean - spec_actor.cost_weight.value() * actions::cost(spec)
        + spec_actor.risk_attitude.value() * sigma
}

/// After [`decide`] for one actor: `out[entry]` = whether the entry's best feasible option had a
/// positive expected utility (the menu is still in `scratch`).
pub fn paying(scratch: &Scratch, out: &mut [bool]) {
    out.iter_mut().for_each(|x| *x = false);
    for &(entry, _, eu, _) in &scratch.options {
        if eu > 0.0 {
            out[entry] = true;
        }
    }
}

/// The actor's choices this month, appended to `plans`; with `explain`, each choice's menu is recorded.
pub fn decide(
    w: &World,
    actor: Ix,
    rng: &mut ChaCha8Rng,
    scratch: &mut Scratch,
    plans: &mut Vec<Plan>,
    explain: Option<&mut Vec<Decision>>,
) {
    let spec = &w.s.actors[actor];
    let mut remaining = w.actors[actor].budget;
    let lambda = spec.rationality.value().max(0.0);
    scratch.options.clear();
    for (entry, a) in spec.actions.iter().enumerate() {
        for t in 0..actions::targets(a) {
            if actions::feasible(w, actor, a, t) {
                let eu = utility(w, actor, entry, t, &mut scratch.effects);
                scratch.options.push((entry, t, eu, actions::cost(a)));
            }
        }
    }
    let mut explain = explain;
    for _ in 0..spec.max_actions {
        // Menu: affordable options not yet chosen, then "do nothing" (utility 0) last.
        scratch.weights.clear();
        let scale = scratch
            .options
            .iter()
            .filter(|o| o.3 <= remaining && o.2.is_finite())
            .fold(0.0f64, |m, o| m.max(o.2.abs()));
        let mut any = false;
        for o in &scratch.options {
            let ok = o.3 <= remaining && o.2.is_finite();
            any |= ok;
            let z = if scale > 0.0 {
                lambda * o.2 / scale
            } else {
                0.0
            };
            scratch.weights.push(if ok { z } else { f64::NEG_INFINITY });
        }
        if !any {
            break;
        }
        scratch.weights.push(0.0);
        let zmax = scratch
            .weights
            .iter()
            .cloned()
            .fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for z in scratch.weights.iter_mut() {
            *z = if z.is_finite() {
                (*z - zmax).exp()
            } else {
                0.0
            };
            total += *z;
        }
        let u: f64 = super::rng::uniform01(rng) * total;
        let mut acc = 0.0;
        let mut pick = scratch.weights.len() - 1;
        for (k, wt) in scratch.weights.iter().enumerate() {
            acc += wt;
            if u < acc && *wt > 0.0 {
                pick = k;
                break;
            }
        }
        if let Some(log) = explain.as_deref_mut() {
            let mut options: Vec<(String, f64, f64)> = scratch
                .options
                .iter()
                .zip(&scratch.weights)
                .map(|(o, wt)| (actions::label(&spec.actions[o.0], o.1), o.2, wt / total))
                .collect();
            options.push((
                "do nothing".into(),
                0.0,
                scratch.weights[scratch.weights.len() - 1] / total,
            ));
            log.push(Decision {
                tick: w.tick, // the tick being simulated (step has advanced it)
                actor: spec.id.clone(),
                options,
                chosen: pick,
            });
        }
        if pick == scratch.options.len() {
            break;
        }
        let (entry, target, _, cost) = scratch.options[pick];
        plans.push(Plan {
            actor,
            entry,
            target,
        });
        remaining -= cost;
        scratch.options[pick].3 = f64::INFINITY; // each option at most once per month
    }
}
