//! Economy, tension and influence: the slow variables of the region, updated once a month.
//!
//! Per country (annualised rates, monthly steps):
//! - growth `g = g_base − growth_tension × T + confidence_growth × (C − C0) + invest_boost − coercion_drag
//!   + trade_dividend × Σ_routes (V/V0 − 1) + Σ active shocks`;
//! - GDP grows by `(1 + g)^(1/12)` per month;
//! - investor confidence `C += confidence_recovery × (C0 − C) − confidence_tension × (T − T0)`, in [0, 1];
//! - investment boosts and coercion drags decay by a share `growth_reversion` per month; shocks expire.
//!
//! Tension decays toward `tension_floor` by a share `tension_decay` per month. Influence of each power in
//! each country decays by a share `influence_decay` toward `trade_pull × trade exposure`. Counter-
//! disinformation boosts and military capability boosts decay by their own rates; the disinformation
//! pressure memory keeps a share `pressure_memory` each month; party appeal returns toward its start
//! value by a share `appeal_decay` per month.

use super::world::World;

pub fn step(w: &mut World) {
    let s = w.s;
    let p = &s.world;
    let (gt, cg, cr, ct, rev, td) = (
        p.growth_tension.value(),
        p.confidence_growth.value(),
        p.confidence_recovery.value(),
        p.confidence_tension.value(),
        p.growth_reversion.value().clamp(0.0, 1.0),
        p.trade_dividend.value(),
    );
    let tension = w.tension;
    let tension0 = w.tension0;
    let tick = w.tick;
    // Trade dividend per country from the routes crossing it.
    let mut dividend = vec![0.0; w.countries.len()];
    for r in &w.routes {
        if r.volume0 > 0.0 {
            for &c in &r.countries {
                dividend[c] += r.volume / r.volume0 - 1.0;
            }
        }
    }
    for (c, st) in w.countries.iter_mut().enumerate() {
        st.shocks.retain(|s| s.1 >= tick);
        let shocks: f64 = st.shocks.iter().map(|s| s.0).sum();
        st.confidence = (st.confidence + cr * (st.confidence0 - st.confidence)
            - ct * (tension - tension0))
            .clamp(0.0, 1.0);
        st.growth =
            st.growth_base - gt * tension + cg * (st.confidence - st.confidence0) + st.invest_boost
                - st.coercion_drag
                + td * dividend[c]
                + shocks;
        st.gdp *= (1.0 + st.growth).max(0.0).powf(1.0 / 12.0);
        st.invest_boost *= 1.0 - rev;
        st.coercion_drag *= 1.0 - rev;
        st.resilience_boost *= 1.0 - st.resilience_decay;
    }
    // Tension.
    let decay = p.tension_decay.value().clamp(0.0, 1.0);
    w.tension = (w.tension + decay * (p.tension_floor.value() - w.tension)).clamp(0.0, 1.0);
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
