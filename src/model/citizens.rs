//! Citizen interaction each month: the country's bounded-confidence rule (`opinion`) applied on its
//! network, with the scenario's parameters. Deffuant–Weisbuch runs `encounters × n` pair encounters per
//! month; Hegselmann–Krause runs `steps` synchronous updates; `Frozen` does nothing.

use super::ModelError;
use super::compile::Ix;
use super::opinion::{self, DwParams, HkScratch};
use super::world::World;
use crate::scenario::schema::Dynamics;
use rand_chacha::ChaCha8Rng;

/// Compiled per-country dynamics and their scratch buffers.
pub enum Rule {
    Deffuant(DwParams),
    /// Vector bounded confidence ([`super::opinion_vector`]).
    DeffuantVector(DwParams, crate::scenario::schema::Metric),
    Hk {
        epsilon: f64,
        steps: u32,
        scratch: HkScratch,
    },
    Frozen,
}

pub fn compile(w: &World) -> Result<Vec<Rule>, ModelError> {
    w.s.countries
        .iter()
        .map(|c| {
            Ok(match &c.population.dynamics {
                Dynamics::Deffuant {
                    mu,
                    epsilon,
                    encounters,
                } => Rule::Deffuant(
                    DwParams::new(mu.value(), epsilon.value(), encounters.value())
                        .map_err(|e| ModelError(format!("country `{}`: {e}", c.id)))?,
                ),
                Dynamics::DeffuantVector {
                    mu,
                    epsilon,
                    encounters,
                    metric,
                } => Rule::DeffuantVector(
                    DwParams::new(mu.value(), epsilon.value(), encounters.value())
                        .map_err(|e| ModelError(format!("country `{}`: {e}", c.id)))?,
                    *metric,
                ),
                Dynamics::HegselmannKrause { epsilon, steps } => Rule::Hk {
                    epsilon: epsilon.value(),
                    steps: *steps,
                    scratch: HkScratch::new(c.population.size, w.s.dimensions.len()),
                },
                Dynamics::Frozen => Rule::Frozen,
            })
        })
        .collect()
}

/// One month of citizen interaction in country `c`.
pub fn step(w: &mut World, c: Ix, rule: &mut Rule, rng: &mut ChaCha8Rng) {
    let st = &mut w.countries[c];
    match rule {
        Rule::Deffuant(p) => {
            opinion::deffuant_tick(&mut st.pop, &st.net, p, rng);
        }
        Rule::DeffuantVector(p, metric) => {
            super::opinion_vector::deffuant_vector_tick(&mut st.pop, &st.net, p, *metric, rng);
        }
        Rule::Hk {
            epsilon,
            steps,
            scratch,
        } => {
            for _ in 0..*steps {
                opinion::hegselmann_krause_step(&mut st.pop, &st.net, *epsilon, scratch);
            }
        }
        Rule::Frozen => {}
    }
}
