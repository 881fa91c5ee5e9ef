//! Checks of the mechanism blocks (schema/mechanisms.rs): issues and their bargaining, projects,
//! routes, elections and the process. Called from [`super::validate`].

use super::*;

/// Every issue: status quo and bargaining block.
pub(super) fn issues(c: &mut Ctx) {
    let s = c.s;
    // Issues.
    for (k, i) in s.issues.iter().enumerate() {
        let p = format!("issues[{k}]");
        c.param(&format!("{p}.status_quo"), &i.status_quo, POSITION);
        bargaining(c, &format!("{p}.bargaining"), &i.bargaining);
    }
}

/// An issue's `bargaining:` block at path `p`: the round's numbers in range, the support dimension
/// known. (Its readings — `probability`, `offers`, `compromise` — are enums: an unknown variant is
/// already a located error of the deserializer.)
fn bargaining(c: &mut Ctx, p: &str, b: &Bargaining) {
    if b.every == 0 {
        c.err(&format!("{p}.every"), "`every` must be at least 1 month");
    }
    c.param(&format!("{p}.q"), &b.q, PROB);
    c.param(&format!("{p}.step"), &b.step, UNIT);
    c.param(&format!("{p}.public_weight"), &b.public_weight, UNIT);
    if let Some(d) = &b.support_dimension {
        c.dim(&format!("{p}.support_dimension"), d);
    }
}

/// Every project and route.
pub(super) fn projects_and_routes(c: &mut Ctx) {
    let s = c.s;
    // Projects and routes.
    for (k, x) in s.projects.iter().enumerate() {
        let p = format!("projects[{k}]");
        c.country(&format!("{p}.country"), &x.country);
        c.param(&format!("{p}.cost"), &x.cost, NONNEG);
        c.param(&format!("{p}.build_rate"), &x.build_rate, BUILD_RATE);
        c.param(&format!("{p}.progress"), &x.progress, SHARE);
        c.conditions(&format!("{p}.preconditions"), &x.preconditions);
        c.param(&format!("{p}.capacity"), &x.capacity, NONNEG);
        c.param(
            &format!("{p}.security_threshold"),
            &x.security_threshold,
            UNIT,
        );
    }
    for (k, x) in s.routes.iter().enumerate() {
        let p = format!("routes[{k}]");
        for (j, co) in x.countries.iter().enumerate() {
            c.country(&format!("{p}.countries[{j}]"), co);
        }
        for (j, pr) in x.projects.iter().enumerate() {
            c.project(&format!("{p}.projects[{j}]"), pr);
        }
        c.param(&format!("{p}.volume"), &x.volume, NONNEG);
        c.param(&format!("{p}.capacity"), &x.capacity, NONNEG);
        if let Some(d) = &x.demand {
            c.param(&format!("{p}.demand"), d, NONNEG);
        }
        c.param(&format!("{p}.demand_growth"), &x.demand_growth, ANY);
        c.param(&format!("{p}.capacity_growth"), &x.capacity_growth, ANY);
        c.param(&format!("{p}.open"), &x.open, SHARE);
        c.param(&format!("{p}.sensitivity"), &x.sensitivity, UNIT);
        c.param(&format!("{p}.adjustment"), &x.adjustment, SHARE);
    }
}

/// Every election (institutions in [`super::voting`]), then the voters.
pub(super) fn elections(c: &mut Ctx) {
    let s = c.s;
    // Elections.
    for (k, e) in s.elections.iter().enumerate() {
        let p = format!("elections[{k}]");
        c.country(&format!("{p}.country"), &e.country);
        c.month_in_horizon(&format!("{p}.month"), &e.month, "election");
        c.nonempty(&format!("{p}.parties"), &e.parties, "parties");
        for (j, party) in e.parties.iter().enumerate() {
            let q = format!("{p}.parties[{j}]");
            if let Some(a) = c.actor(&q, party, Some(ActorKind::Party)) {
                if a.country.as_deref() != Some(e.country.as_str()) {
                    c.err(
                        &q,
                        format!(
                            "party `{party}` does not belong to `{}`, the country of election `{}`",
                            e.country, e.id
                        ),
                    );
                }
            }
        }
        c.param(&format!("{p}.threshold"), &e.threshold, SHARE);
        c.param(&format!("{p}.turnout"), &e.turnout, TURNOUT);
        c.param(&format!("{p}.noise"), &e.noise, NONNEG);
        super::voting::institutions(c, &p, e);
    }
    super::voting::voters(c);
}

/// The process: phases, initial phase, transitions.
pub(super) fn process(c: &mut Ctx) {
    let s = c.s;
    // Process.
    if s.process.phases.is_empty() {
        c.err("process.phases", "`phases` needs at least one phase");
    }
    c.phase("process.initial", &s.process.initial);
    for (k, t) in s.process.transitions.iter().enumerate() {
        let p = format!("process.transitions[{k}]");
        for (j, f) in t.from.iter().enumerate() {
            c.phase(&format!("{p}.from[{j}]"), f);
        }
        c.phase(&format!("{p}.to"), &t.to);
        c.conditions(&format!("{p}.when"), &t.when);
        c.param(&format!("{p}.probability"), &t.probability, PROB);
    }
}
