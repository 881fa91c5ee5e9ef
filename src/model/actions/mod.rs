//! The action catalogue. Each action kind lives in its own file with its effect and its doc comment;
//! this module dispatches on [`ActionSpec`] and defines what every action provides:
//!
//! - `targets`: how many targets the entry lists (one option per target);
//! - `feasible`: whether the option can be taken now;
//! - `expected`: the actor's *perceived* direct effects of the option, as (indicator, mean change, sd)
//!   triples, before the actor's `perception` factor (see [`super::decisions`]);
//! - `resolve`: the *realised* effect, stochastic, drawn from the acting actor's `act/<id>` stream.
//!
//! Equations and defaults: docs/model.md, section "Actions".

pub mod coercion;
pub mod counter;
pub mod disinformation;
pub mod invest;
pub mod mediation;
pub mod military;
pub mod party_support;
pub mod transit;

use super::compile::{Ind, Ix};
use super::world::World;
use crate::scenario::schema::ActionSpec;
use rand_chacha::ChaCha8Rng;

/// A perceived effect: (indicator, expected change, sd of the change).
pub type Effect = (Ind, f64, f64);

/// What happened when an action resolved: size (budget committed or other magnitude) and a result word.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub magnitude: f64,
    pub result: &'static str,
    /// Target id for the event log.
    pub target: String,
}

/// Number of targets (options) an entry offers.
pub fn targets(spec: &ActionSpec) -> usize {
    match spec {
        ActionSpec::Disinformation(x) => x.countries.len(),
        ActionSpec::CounterDisinformation(x) => x.countries.len(),
        ActionSpec::Invest(x) => x.targets.len(),
        ActionSpec::Coercion(x) => x.countries.len(),
        ActionSpec::Mediation(x) => x.issues.len(),
        ActionSpec::PartySupport(x) => x.parties.len(),
        ActionSpec::MilitaryPressure(x) => x.countries.len(),
        ActionSpec::TransitOpening(x) => x.routes.len(),
    }
}

/// Budget the option costs.
pub fn cost(spec: &ActionSpec) -> f64 {
    let c = match spec {
        ActionSpec::Disinformation(x) => &x.cost,
        ActionSpec::CounterDisinformation(x) => &x.cost,
        ActionSpec::Invest(x) => &x.cost,
        ActionSpec::Coercion(x) => &x.cost,
        ActionSpec::Mediation(x) => &x.cost,
        ActionSpec::PartySupport(x) => &x.cost,
        ActionSpec::MilitaryPressure(x) => &x.cost,
        ActionSpec::TransitOpening(x) => &x.cost,
    };
    c.value().max(0.0)
}

/// Whether the option can be taken now.
pub fn feasible(w: &World, actor: Ix, spec: &ActionSpec, t: usize) -> bool {
    match spec {
        ActionSpec::Invest(x) => invest::feasible(w, x, t),
        ActionSpec::TransitOpening(x) => transit::feasible(w, x, t),
        ActionSpec::Mediation(x) => mediation::feasible(w, actor, x, t),
        _ => true,
    }
}

/// The actor's perceived direct effects of the option (appended to `out`).
pub fn expected(w: &World, actor: Ix, spec: &ActionSpec, t: usize, out: &mut Vec<Effect>) {
    match spec {
        ActionSpec::Disinformation(x) => disinformation::expected(w, actor, x, t, out),
        ActionSpec::CounterDisinformation(x) => counter::expected(w, actor, x, t, out),
        ActionSpec::Invest(x) => invest::expected(w, actor, x, t, out),
        ActionSpec::Coercion(x) => coercion::expected(w, actor, x, t, out),
        ActionSpec::Mediation(x) => mediation::expected(w, actor, x, t, out),
        ActionSpec::PartySupport(x) => party_support::expected(w, actor, x, t, out),
        ActionSpec::MilitaryPressure(x) => military::expected(w, actor, x, t, out),
        ActionSpec::TransitOpening(x) => transit::expected(w, actor, x, t, out),
    }
}

/// Applies the option's realised effect.
pub fn resolve(
    w: &mut World,
    actor: Ix,
    spec: &ActionSpec,
    t: usize,
    rng: &mut ChaCha8Rng,
) -> Outcome {
    match spec {
        ActionSpec::Disinformation(x) => disinformation::resolve(w, actor, x, t, rng),
        ActionSpec::CounterDisinformation(x) => counter::resolve(w, actor, x, t, rng),
        ActionSpec::Invest(x) => invest::resolve(w, actor, x, t, rng),
        ActionSpec::Coercion(x) => coercion::resolve(w, actor, x, t, rng),
        ActionSpec::Mediation(x) => mediation::resolve(w, actor, x, t, rng),
        ActionSpec::PartySupport(x) => party_support::resolve(w, actor, x, t, rng),
        ActionSpec::MilitaryPressure(x) => military::resolve(w, actor, x, t, rng),
        ActionSpec::TransitOpening(x) => transit::resolve(w, actor, x, t, rng),
    }
}

/// Label of an option for traces: `disinformation -> armenia`.
pub fn label(spec: &ActionSpec, t: usize) -> String {
    let target = match spec {
        // Two campaigns on one country differ by the opinion they push, and which way.
        ActionSpec::Disinformation(x) => format!(
            "{} ({} {})",
            x.countries[t],
            x.dimension,
            if x.direction.sign() > 0.0 {
                "up"
            } else {
                "down"
            }
        ),
        ActionSpec::CounterDisinformation(x) => x.countries[t].clone(),
        ActionSpec::Invest(x) => match &x.targets[t] {
            crate::scenario::schema::InvestTarget::Project(p) => p.clone(),
            crate::scenario::schema::InvestTarget::Country(c) => c.clone(),
        },
        ActionSpec::Coercion(x) => x.countries[t].clone(),
        ActionSpec::Mediation(x) => x.issues[t].clone(),
        ActionSpec::PartySupport(x) => x.parties[t].clone(),
        ActionSpec::MilitaryPressure(x) => x.countries[t].clone(),
        ActionSpec::TransitOpening(x) => x.routes[t].clone(),
    };
    format!("{} -> {}", spec.name(), target)
}

/// What an event's `magnitude` measures for an action (events.csv, `trace`); empty for others.
pub fn magnitude_units(action: &str) -> &'static str {
    match action {
        "disinformation" => "citizens exposed",
        "counter_disinformation" => "resilience gained",
        "invest" => "million USD committed",
        "coercion" => "budget units spent",
        "mediation" => "convergence added",
        "party_support" => "appeal gained",
        "military_pressure" => "tension added",
        "transit_opening" => "openness gained",
        _ => "",
    }
}
