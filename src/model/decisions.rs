//! Actor decisions: expected utility under the actor's goals and a logit (quantal-response) choice.
//!
//! For every feasible option (an action entry × one of its targets) the actor forms its perceived
//! direct effects (see [`super::actions`]) and scores
//!
//! `EU = perception × Σ_goals w_g × Σ_effects on g mean  −  cost_weight × cost  +  risk_attitude × σ`
//!
//! where `σ = perception × sqrt(Σ (w_g × sd)²)` is the spread of the utility (negative risk attitude:
//! the spread counts against the option) and `cost_weight` is the actor's opportunity cost of money
//! (utility per million USD; default `world.cost_weight`). "Do nothing" scores 0. The choice is a logit
//! on the utility scale itself, `P_k ∝ exp(EU_k / τ)` with the actor's temperature `τ` in utility units
//! (default `world.temperature`; McKelvey & Palfrey 1995's quantal response with precision `1/τ`;
//! Train 2009, ch. 3: `τ` is the scale of the utility the model does not see); `τ = 0` takes the best
//! option. The actor picks up to `max_actions` options per month, each at most once, while its
//! remaining budget covers the option's cost; picking "do nothing" ends its turn.
//!
//! [`choose`] is the same logit for a yes/no choice: whether an actor makes a decided transition or a
//! decided event happen (docs/model.md 7.17, 7.18).

use super::Decision;
use super::actions::{self, Effect};
use super::compile::{Ind, Ix};
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
    let spec = &w.s.actors[actor].actions[entry];
    effects.clear();
    actions::expected(w, actor, spec, target, effects);
    utility_of(w, actor, effects) - cost_weight(w, actor) * actions::cost(spec)
}

/// The actor's logit temperature, in utility units (its own, else `world.temperature`), ≥ 0.
pub fn temperature(w: &World, actor: Ix) -> f64 {
    w.s.actors[actor]
        .temperature
        .as_ref()
        .unwrap_or(&w.s.world.temperature)
        .value()
        .max(0.0)
}

/// The actor's opportunity cost of money, utility per budget unit (its own, else `world.cost_weight`).
pub fn cost_weight(w: &World, actor: Ix) -> f64 {
    w.s.actors[actor]
        .cost_weight
        .as_ref()
        .unwrap_or(&w.s.world.cost_weight)
        .value()
        .max(0.0)
}

/// Expected utility for `actor` of perceived effects with no cost: `π × M + ρ × π × sqrt(V)` (the
/// utility of an action without its cost term).
pub fn utility_of(w: &World, actor: Ix, effects: &[Effect]) -> f64 {
    let spec_actor = &w.s.actors[actor];
    let perception = spec_actor.perception.value();
    let (mut mean, mut var) = (0.0, 0.0);
    for &(ind, weight) in &w.actors[actor].goals {
        for &(ei, m, sd) in effects {
            if ei == ind {
                mean += weight * m;
                var += (weight * sd).powi(2);
            }
        }
    }
    perception * mean + spec_actor.risk_attitude.value() * perception * var.sqrt()
}

/// The standard normal distribution function `Φ(x)`, from the complementary error function of
/// Numerical Recipes (Press et al. 2007, §6.2, `erfcc`: a Chebyshev fit with relative error below
/// 1.2e-7 everywhere).
pub fn normal_cdf(x: f64) -> f64 {
    let z = (x / std::f64::consts::SQRT_2).abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

/// Probability that an actor with temperature `tau` takes an option of utility `eu` over doing
/// nothing (utility 0): `1 / (1 + exp(−eu / τ))`; with `τ = 0`, 1 if `eu > 0`, 0 if `eu < 0`, ½ at 0.
pub fn take_probability(eu: f64, tau: f64) -> f64 {
    if !eu.is_finite() {
        return if eu > 0.0 { 1.0 } else { 0.0 };
    }
    if tau <= 0.0 {
        return if eu > 0.0 {
            1.0
        } else if eu < 0.0 {
            0.0
        } else {
            0.5
        };
    }
    let z = eu / tau;
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// A yes/no choice by `actor` on an option of perceived `effects` (e.g. moving the process to a new
/// phase): one uniform draw from `rng` (always made), yes with [`take_probability`]. Returns the choice
/// and the option's expected utility.
pub fn choose(w: &World, actor: Ix, effects: &[Effect], rng: &mut ChaCha8Rng) -> (bool, f64) {
    let eu = utility_of(w, actor, effects);
    let p = take_probability(eu, temperature(w, actor));
    (super::rng::uniform01(rng) < p, eu)
}

/// Perceived effects of a move of the process from its current phase to one of `lottery`'s phases
/// (`(phase, probability)`, probabilities summing to 1; one entry for a sure move, two for a
/// referendum's pass and fail): for every distinct `InPhase` indicator among `actor`'s goals, the
/// expected change of the indicator (each outcome's change is 0 or ±1) and its sd, appended to `out`.
pub fn phase_effects(w: &World, actor: Ix, lottery: &[(Ix, f64)], out: &mut Vec<Effect>) {
    let goals = &w.actors[actor].goals;
    for (g, &(ind, _)) in goals.iter().enumerate() {
        let Ind::InPhase(m) = ind else { continue };
        if goals[..g].iter().any(|x| x.0 == ind) {
            continue; // each indicator once, however many goals name it
        }
        let bit = |k: Ix| {
            if k < 64 && (m >> k) & 1 == 1 {
                1.0
            } else {
                0.0
            }
        };
        let now = bit(w.phase);
        let (mut mean, mut sq) = (0.0, 0.0);
        for &(to, p) in lottery {
            let d = bit(to) - now;
            mean += p * d;
            sq += p * d * d;
        }
        if mean != 0.0 || sq != 0.0 {
            out.push((ind, mean, (sq - mean * mean).max(0.0).sqrt()));
        }
    }
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
    let tau = temperature(w, actor);
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
        // Menu: affordable options not yet chosen, then "do nothing" (utility 0) last. Weights
        // exp((EU − max EU) / τ); with τ = 0 the options of the largest EU share the choice.
        scratch.weights.clear();
        let mut any = false;
        for o in &scratch.options {
            let ok = o.3 <= remaining && o.2.is_finite();
            any |= ok;
            scratch
                .weights
                .push(if ok { o.2 } else { f64::NEG_INFINITY });
        }
        if !any {
            break;
        }
        scratch.weights.push(0.0);
        let best = scratch
            .weights
            .iter()
            .cloned()
            .fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for z in scratch.weights.iter_mut() {
            *z = if !z.is_finite() {
                0.0
            } else if tau > 0.0 {
                ((*z - best) / tau).exp()
            } else if *z == best {
                1.0
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
