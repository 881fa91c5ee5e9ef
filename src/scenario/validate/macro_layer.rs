//! Checks of the macro layer's parameters (economy, tension, actor decisions, decided transitions and
//! events): ranges, the order of bounds (floor ≤ baseline, growth inside its bounds) and references,
//! each problem located at the offending value. Called from [`super::validate`].

use super::{ANY, Ctx, NONNEG, POS, SHARE, UNIT};
use crate::scenario::param::{Dist, Param};
use crate::scenario::schema::{ActionSpec, ActorKind};
use std::collections::HashSet;

/// Phases an `InPhase` indicator can name: it is a bit mask over the process's phases.
pub const MAX_INDICATOR_PHASES: usize = 64;

/// Smallest and largest value a parameter can take (its support for a distribution).
fn range(v: &Param) -> (f64, f64) {
    match v {
        Param::Fixed(x) => (*x, *x),
        Param::Dist(d) => {
            if d.check().is_err() {
                let m = d.nominal();
                (m, m)
            } else {
                match d {
                    // Unbounded distributions: their nominal value stands for them in order checks.
                    Dist::Normal(..) | Dist::LogNormal(..) => {
                        let m = d.nominal();
                        (m, m)
                    }
                    _ => d.support(),
                }
            }
        }
    }
}

/// A parameter as written: the number, or the distribution.
fn show(v: &Param) -> String {
    match v {
        Param::Fixed(x) => format!("{x}"),
        Param::Dist(d) => format!("{d}"),
    }
}

/// The `InPhase` indicator: known phases, among the first [`MAX_INDICATOR_PHASES`].
pub(super) fn in_phase_indicator(c: &mut Ctx, path: &str, phases: &[String]) {
    c.nonempty(&format!("{path}[0]"), phases, "phases");
    for (k, p) in phases.iter().enumerate() {
        let q = format!("{path}[0][{k}]");
        c.phase(&q, p);
        if let Some(i) = c.s.process.phases.iter().position(|x| x.id == *p) {
            if i >= MAX_INDICATOR_PHASES {
                c.err(
                    &q,
                    format!(
                        "phase `{p}` is number {} of the process; the `InPhase` indicator can name only the first {MAX_INDICATOR_PHASES} phases: list it earlier in `process.phases`",
                        i + 1
                    ),
                );
            }
        }
    }
}

/// Every check of the macro layer.
pub(super) fn check(c: &mut Ctx) {
    world(c);
    countries(c);
    routes(c);
    actors(c);
    decided(c);
}

fn world(c: &mut Ctx) {
    let s = c.s;
    let w = &s.world;
    for (name, v, b) in [
        ("growth_half_life", &w.growth_half_life, POS),
        ("transit_capture", &w.transit_capture, SHARE),
        ("temperature", &w.temperature, NONNEG),
        ("cost_weight", &w.cost_weight, NONNEG),
        ("growth_ceiling", &w.growth_ceiling, NONNEG),
    ] {
        c.param(&format!("world.{name}"), v, b);
    }
    let floor_bound = super::Bound {
        lo: -1.0,
        hi: 0.0,
        lo_open: false,
        hi_open: false,
        what: "in [-1, 0] (a contraction of at most 100% a year)",
    };
    c.param("world.growth_floor", &w.growth_floor, floor_bound);
    let (_, floor_hi) = range(&w.tension_floor);
    if let Some(b) = &w.tension_baseline {
        c.param("world.tension_baseline", b, UNIT);
        let (lo, _) = range(b);
        if lo < floor_hi {
            c.err(
                "world.tension_baseline",
                format!(
                    "`tension_baseline` ({}) can fall below `tension_floor` ({}): tension decays toward the baseline and never leaves [floor, 1], so the baseline must be at least the floor",
                    show(b),
                    show(&w.tension_floor)
                ),
            );
        }
    }
    let (t_lo, _) = range(&w.tension);
    if t_lo < floor_hi {
        c.err(
            "world.tension",
            format!(
                "the starting `tension` ({}) can fall below `tension_floor` ({}): tension stays in [floor, 1]",
                show(&w.tension),
                show(&w.tension_floor)
            ),
        );
    }
}

/// Growth at the start and potential growth must lie inside the world's growth bounds.
fn countries(c: &mut Ctx) {
    let s = c.s;
    let (_, g_floor) = range(&s.world.growth_floor);
    let (g_ceiling, _) = range(&s.world.growth_ceiling);
    for (k, co) in s.countries.iter().enumerate() {
        let p = format!("countries[{k}].economy");
        let e = &co.economy;
        c.param(&format!("{p}.growth_sd"), &e.growth_sd, NONNEG);
        let mut checks = vec![("growth", &e.growth)];
        if let Some(pot) = &e.potential_growth {
            checks.push(("potential_growth", pot));
        }
        for (name, v) in checks {
            c.param(&format!("{p}.{name}"), v, ANY);
            let (lo, hi) = range(v);
            if lo < g_floor || hi > g_ceiling {
                c.err(
                    &format!("{p}.{name}"),
                    format!(
                        "`{name}` ({}) must lie within the growth bounds [world.growth_floor, world.growth_ceiling] = [{g_floor}, {g_ceiling}]",
                        show(v)
                    ),
                );
            }
        }
    }
}

fn routes(c: &mut Ctx) {
    let s = c.s;
    for (k, r) in s.routes.iter().enumerate() {
        let p = format!("routes[{k}]");
        c.param(&format!("{p}.value_per_tonne"), &r.value_per_tonne, NONNEG);
        let mut seen = HashSet::new();
        for (j, x) in r.capture.iter().enumerate() {
            let q = format!("{p}.capture[{j}]");
            c.country(&format!("{q}.country"), &x.country);
            if !r.countries.contains(&x.country) {
                c.err(
                    &format!("{q}.country"),
                    format!(
                        "route `{}` does not cross `{}`: a country captures value only on a route that lists it in `countries`",
                        r.id, x.country
                    ),
                );
            }
            if !seen.insert(x.country.as_str()) {
                c.err(
                    &format!("{q}.country"),
                    format!("a second capture share for `{}`", x.country),
                );
            }
            c.param(&format!("{q}.share"), &x.share, SHARE);
        }
    }
}

fn actors(c: &mut Ctx) {
    let s = c.s;
    for (k, a) in s.actors.iter().enumerate() {
        let p = format!("actors[{k}]");
        if let Some(t) = &a.temperature {
            c.param(&format!("{p}.temperature"), t, NONNEG);
        }
        if let Some(w) = &a.cost_weight {
            c.param(&format!("{p}.cost_weight"), w, NONNEG);
        }
        for (j, act) in a.actions.iter().enumerate() {
            if let ActionSpec::Mediation(x) = act {
                let q = format!("{p}.actions[{j}]");
                c.param(&format!("{q}.tension_relief"), &x.tension_relief, SHARE);
                match &x.standing {
                    Some(s) => c.param(&format!("{q}.standing"), s, UNIT),
                    None if a.kind != ActorKind::ExternalPower => c.err(
                        &q,
                        format!(
                            "a mediator that is not an external power has no influence to stand on: give this Mediation a `standing` in [0, 1] (`{}` is `{:?}`)",
                            a.id, a.kind
                        ),
                    ),
                    None => {}
                }
            }
        }
    }
}

/// `decided_by` on transitions and events names an actor.
fn decided(c: &mut Ctx) {
    let s = c.s;
    for (k, t) in s.process.transitions.iter().enumerate() {
        if let Some(a) = &t.decided_by {
            c.actor(&format!("process.transitions[{k}].decided_by"), a, None);
        }
    }
    for (k, e) in s.events.iter().enumerate() {
        if let Some(a) = &e.decided_by {
            c.actor(&format!("events[{k}].decided_by"), a, None);
        }
    }
}
