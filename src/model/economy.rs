//! Economy, tension and influence: the slow variables of the region, updated once a month.
//!
//! Per country (annualised rates, monthly steps; docs/model.md 7.10):
//! - the deviation of growth from potential follows an AR(1) (a discretised Ornstein–Uhlenbeck
//!   process) with half-life `world.growth_half_life` months and stationary sd `economy.growth_sd`:
//!   `x ← φ x + growth_sd × sqrt(1 − φ²) × z`, `φ = 2^(−1/half_life)`, `z ~ N(0, 1)` from the country's
//!   own stream `economy/<country>`;
//! - transit value added `R = Σ_routes crossing c  V × value_per_tonne × capture` (M USD a year);
//! - growth `g = clamp(g_pot + x − growth_tension × (T − T0) + confidence_growth × (C − C0) +
//!   invest_boost − coercion_drag + 12 × ΔR / GDP + Σ active shocks, growth_floor, growth_ceiling)`:
//!   trade adds to growth by the change of its value relative to GDP (a level effect on GDP), never
//!   by relative volume growth;
//! - GDP grows by `(1 + g)^(1/12)` per month;
//! - investor confidence `C += confidence_recovery × (C0 − C) − confidence_tension × (T − T0)`, in [0, 1];
//! - investment boosts and coercion drags decay by a share `growth_reversion` per month; shocks expire.
//!
//! Tension decays toward `tension_baseline` by a share `tension_decay` per month and stays in
//! `[tension_floor, 1]`. Influence of each power in each country decays by a share `influence_decay`
//! toward `trade_pull × trade exposure`. Counter-disinformation boosts and military capability boosts
//! decay by their own rates; the disinformation pressure memory keeps a share `pressure_memory` each
//! month; party appeal returns toward its start value by a share `appeal_decay` per month.

use super::world::World;
use rand_chacha::ChaCha8Rng;

/// Transit value added per country, M USD a year: `Σ_r V_r × value_per_tonne_r × capture_{r,c}` over
/// the routes crossing `c` (volume in Mt a year times USD per tonne is M USD a year).
pub fn transit_values(w: &World) -> Vec<f64> {
    let mut out = vec![0.0; w.countries.len()];
    let default = w.s.world.transit_capture.value().clamp(0.0, 1.0);
    for (r, st) in w.routes.iter().enumerate() {
        let spec = &w.s.routes[r];
        let value = spec.value_per_tonne.value().max(0.0);
        for &c in &st.countries {
            let id = &w.s.countries[c].id;
            let share = spec
                .capture
                .iter()
                .find(|x| &x.country == id)
                .map_or(default, |x| x.share.value().clamp(0.0, 1.0));
            out[c] += st.volume * value * share;
        }
    }
    out
}

/// The AR(1) coefficient per month for a half-life in months: `φ = 2^(−1/half_life)` (0 for a
/// half-life that is not positive: no persistence).
pub fn persistence(half_life: f64) -> f64 {
    if half_life > 0.0 && half_life.is_finite() {
        0.5f64.powf(1.0 / half_life)
    } else {
        0.0
    }
}

/// The economy phase of a tick. `rngs[c]` is country `c`'s `economy/<id>` stream; each country draws
/// one standard normal deviate a month.
pub fn step(w: &mut World, rngs: &mut [ChaCha8Rng]) {
    let s = w.s;
    let p = &s.world;
    let (gt, cg, cr, ct, rev) = (
        p.growth_tension.value(),
        p.confidence_growth.value(),
        p.confidence_recovery.value(),
        p.confidence_tension.value(),
        p.growth_reversion.value().clamp(0.0, 1.0),
    );
    let phi = persistence(p.growth_half_life.value());
    let innovation = (1.0 - phi * phi).max(0.0).sqrt();
    let (g_lo, g_hi) = (p.growth_floor.value(), p.growth_ceiling.value());
    let tension = w.tension;
    let tension0 = w.tension0;
    let tick = w.tick;
    let transit = transit_values(w);
    for (c, st) in w.countries.iter_mut().enumerate() {
        let z = super::rng::std_normal(&mut rngs[c]);
        st.gap = phi * st.gap + st.growth_sd * innovation * z;
        st.shocks.retain(|s| s.1 >= tick);
        let shocks: f64 = st.shocks.iter().map(|s| s.0).sum();
        st.confidence = (st.confidence + cr * (st.confidence0 - st.confidence)
            - ct * (tension - tension0))
            .clamp(0.0, 1.0);
        let trade = if st.gdp > 0.0 {
            12.0 * (transit[c] - st.transit_value) / (1000.0 * st.gdp)
        } else {
            0.0
        };
        st.transit_value = transit[c];
        let g = st.potential + st.gap - gt * (tension - tension0)
            + cg * (st.confidence - st.confidence0)
            + st.invest_boost
            - st.coercion_drag
            + trade
            + shocks;
        st.growth = g.max(g_lo).min(g_hi);
        st.gdp *= (1.0 + st.growth).max(0.0).powf(1.0 / 12.0);
        st.invest_boost *= 1.0 - rev;
        st.coercion_drag *= 1.0 - rev;
        st.resilience_boost *= 1.0 - st.resilience_decay;
    }
    // Tension decays toward its baseline and stays in [floor, 1].
    let decay = p.tension_decay.value().clamp(0.0, 1.0);
    w.tension = (w.tension + decay * (w.tension_baseline - w.tension)).clamp(w.tension_floor, 1.0);
    // Influence decays toward the trade-based level.
    let nc = w.countries.len();
    let (idecay, pull) = (
        p.influence_decay.value().clamp(0.0, 1.0),
        p.trade_pull.value(),
    );
    for (row, &a) in w.powers.iter().enumerate() {
        let power_id = &w.s.actors[a].id;
        for c in 0..nc {
            let exposure = w.s.countries[c]
                .economy
                .trade_exposure
                .iter()
                .find(|e| &e.power == power_id)
                .map(|e| e.share.value())
                .unwrap_or(0.0);
            let v = &mut w.influence[row * nc + c];
            *v = (*v + idecay * (pull * exposure - *v)).clamp(0.0, 1.0);
        }
    }
    let appeal_decay = p.appeal_decay.value().clamp(0.0, 1.0);
    for a in w.actors.iter_mut() {
        a.capability_boost *= 1.0 - a.boost_decay;
        a.appeal += appeal_decay * (a.appeal0 - a.appeal);
    }
    let memory = s.world.pressure_memory.value().clamp(0.0, 1.0);
    for x in w.pressure.iter_mut() {
        *x *= memory;
    }
}
