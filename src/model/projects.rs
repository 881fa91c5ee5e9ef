//! Infrastructure projects and trade routes, updated once a month after the economy.
//!
//! Project: while its preconditions hold and tension is below `security_threshold`, progress advances
//! by `min(build_rate, funds / cost, 1 − progress)` and the funds spent fall by that share of `cost`.
//! At progress 1 it becomes operational and ramps up linearly over `ramp_up` months.
//!
//! Route: capacity = base + `capacity_growth` × years + Σ operational projects' capacity × ramp-up;
//! demand grows by `demand_growth` per year; target volume
//! `min(capacity × open, demand) × max(0, 1 − sensitivity × tension)`; volume closes a share
//! `adjustment` of its gap to the target each month.

use super::log::RunEvent;
use super::world::World;

pub fn step(w: &mut World) {
    let tick = w.tick;
    for p in 0..w.projects.len() {
        let spec = &w.s.projects[p];
        if w.projects[p].operational_since.is_some() {
            continue;
        }
        let ok =
            w.all_hold(&w.projects[p].preconditions) && w.tension < spec.security_threshold.value();
        if ok {
            let cost = spec.cost.value().max(1e-9);
            let st = &mut w.projects[p];
            let dp = (st.funds / cost)
                .min(spec.build_rate.value())
                .min(1.0 - st.progress)
                .max(0.0);
            st.progress += dp;
            st.funds -= dp * cost;
            if st.progress >= 1.0 - 1e-12 {
                st.progress = 1.0;
                st.operational_since = Some(tick);
                w.emit(RunEvent::ProjectOperational(p));
            }
        }
    }
    for r in 0..w.routes.len() {
        let spec = &w.s.routes[r];
        let cap = w.route_capacity(r);
        let tension = w.tension;
        let st = &mut w.routes[r];
        st.demand *= (1.0 + spec.demand_growth.value()).max(0.0).powf(1.0 / 12.0);
        let stability = (1.0 - spec.sensitivity.value() * tension).max(0.0);
        let target = (cap * st.open).min(st.demand) * stability;
        st.volume =
            (st.volume + spec.adjustment.value().clamp(0.0, 1.0) * (target - st.volume)).max(0.0);
    }
}
