//! Opinion drift from the world: each month, for each drift term of a country,
//! `x_i[d] += rate × (indicator − reference)` for every citizen (clamped to [0, 1]). A peace dividend is
//! e.g. a term on `Growth(country)` or `RouteVolume(route)`; fear from tension a negative-rate term on
//! `Tension`.

use super::ModelError;
use super::compile::{Ids, Ind, Ix};
use super::world::World;

/// A compiled drift term.
pub struct Term {
    pub country: Ix,
    pub dim: Ix,
    pub indicator: Ind,
    pub reference: f64,
    pub rate: f64,
}

pub fn compile(w: &World) -> Result<Vec<Term>, ModelError> {
    let ids = Ids::new(w.s);
    let mut out = Vec::new();
    for (c, country) in w.s.countries.iter().enumerate() {
        for t in &country.population.drift.terms {
            out.push(Term {
                country: c,
                dim: ids.dim(&t.dimension)?,
                indicator: Ind::compile(&ids, &t.indicator)?,
                reference: t.reference.value(),
                rate: t.rate.value(),
            });
        }
    }
    Ok(out)
}

pub fn apply(w: &mut World, terms: &[Term]) {
    for t in terms {
        let delta = t.rate * (w.indicator(t.indicator) - t.reference);
        if delta != 0.0 {
            w.countries[t.country].pop.shift_all(t.dim, delta);
        }
    }
}
