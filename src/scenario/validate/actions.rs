//! Checks of an actor's action entries (schema/actions.rs): each action's targets and parameters.
//! Called from [`super::actor`].

use super::*;

pub(super) fn action(c: &mut Ctx, p: &str, a: &ActionSpec) {
    let countries = |c: &mut Ctx, v: &[String]| {
        c.nonempty(&format!("{p}.countries"), v, "countries");
        for (j, x) in v.iter().enumerate() {
            c.country(&format!("{p}.countries[{j}]"), x);
        }
    };
    match a {
        ActionSpec::Disinformation(x) => {
            countries(c, &x.countries);
            c.dim(&format!("{p}.dimension"), &x.dimension);
            if let Some(m) = &x.position {
                c.param(&format!("{p}.position"), m, UNIT);
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            reach_params(c, p, &x.efficiency, &x.exposures);
            c.param(&format!("{p}.shift"), &x.shift, UNIT);
            c.param(&format!("{p}.detection"), &x.detection, NONNEG);
            c.param(&format!("{p}.backlash"), &x.backlash, UNIT);
            c.param(&format!("{p}.trust_loss"), &x.trust_loss, UNIT);
            c.param(&format!("{p}.inoculation"), &x.inoculation, UNIT);
        }
        ActionSpec::CounterDisinformation(x) => {
            countries(c, &x.countries);
            match (&x.dimension, &x.position) {
                (Some(d), Some(m)) => {
                    c.dim(&format!("{p}.dimension"), d);
                    c.param(&format!("{p}.position"), m, UNIT);
                }
                (None, None) => {}
                (Some(_), None) => c.err(
                    &format!("{p}.dimension"),
                    "a debunk's `dimension` needs a `position` (the side it takes, in [0, 1]); leave both out for a prebunk",
                ),
                (None, Some(_)) => c.err(
                    &format!("{p}.position"),
                    "`position` needs the `dimension` it is a position on; leave both out for a prebunk",
                ),
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            reach_params(c, p, &x.efficiency, &x.exposures);
            c.param(&format!("{p}.resilience_gain"), &x.resilience_gain, UNIT);
            c.param(&format!("{p}.decay"), &x.decay, SHARE);
            c.param(&format!("{p}.vigilance_gain"), &x.vigilance_gain, NONNEG);
        }
        ActionSpec::Invest(x) => {
            c.nonempty(&format!("{p}.targets"), &x.targets, "targets");
            for (j, t) in x.targets.iter().enumerate() {
                let q = format!("{p}.targets[{j}][0]");
                match t {
                    InvestTarget::Project(id) => c.project(&q, id),
                    InvestTarget::Country(id) => c.country(&q, id),
                }
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(
                &format!("{p}.growth_multiplier"),
                &x.growth_multiplier,
                NONNEG,
            );
            c.param(&format!("{p}.confidence_gain"), &x.confidence_gain, UNIT);
            c.param(&format!("{p}.influence_gain"), &x.influence_gain, UNIT);
            c.param(&format!("{p}.hold_back"), &x.hold_back, NONNEG);
        }
        ActionSpec::Coercion(x) => {
            countries(c, &x.countries);
            c.dim(&format!("{p}.dimension"), &x.dimension);
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.growth_loss"), &x.growth_loss, NONNEG);
            c.param(&format!("{p}.shift"), &x.shift, UNIT);
            c.param(&format!("{p}.backfire"), &x.backfire, PROB);
            c.param(&format!("{p}.backlash"), &x.backlash, UNIT);
            c.param(&format!("{p}.influence_gain"), &x.influence_gain, UNIT);
        }
        ActionSpec::Mediation(x) => {
            c.nonempty(&format!("{p}.issues"), &x.issues, "issues");
            for (j, i) in x.issues.iter().enumerate() {
                c.issue(&format!("{p}.issues[{j}]"), i);
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.convergence"), &x.convergence, SHARE);
            c.param(&format!("{p}.influence_gain"), &x.influence_gain, UNIT);
        }
        ActionSpec::PartySupport(x) => {
            c.nonempty(&format!("{p}.parties"), &x.parties, "parties");
            for (j, party) in x.parties.iter().enumerate() {
                c.actor(&format!("{p}.parties[{j}]"), party, Some(ActorKind::Party));
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            reach_params(c, p, &x.efficiency, &x.exposures);
            c.param(&format!("{p}.shift"), &x.shift, UNIT);
            c.param(&format!("{p}.appeal_gain"), &x.appeal_gain, UNIT);
            c.param(&format!("{p}.detection"), &x.detection, NONNEG);
            c.param(&format!("{p}.backlash"), &x.backlash, UNIT);
            c.param(&format!("{p}.trust_loss"), &x.trust_loss, UNIT);
        }
        ActionSpec::MilitaryPressure(x) => {
            countries(c, &x.countries);
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.tension_gain"), &x.tension_gain, UNIT);
            c.param(
                &format!("{p}.clash_probability"),
                &x.clash_probability,
                PROB,
            );
            c.param(&format!("{p}.capability_gain"), &x.capability_gain, NONNEG);
            c.param(&format!("{p}.decay"), &x.decay, SHARE);
            if let Some(e) = &x.clash_event {
                c.event(&format!("{p}.clash_event"), e);
            }
        }
        ActionSpec::TransitOpening(x) => {
            c.nonempty(&format!("{p}.routes"), &x.routes, "routes");
            for (j, r) in x.routes.iter().enumerate() {
                c.route(&format!("{p}.routes[{j}]"), r);
            }
            for (j, ph) in x.phases.iter().enumerate() {
                c.phase(&format!("{p}.phases[{j}]"), ph);
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.volume_gain"), &x.volume_gain, UNIT);
        }
    }
}

/// The diminishing-returns rate and saturation of a campaign's exposure (both ≥ 0).
fn reach_params(c: &mut Ctx, p: &str, efficiency: &Param, exposures: &Param) {
    c.param(&format!("{p}.efficiency"), efficiency, NONNEG);
    c.param(&format!("{p}.exposures"), exposures, NONNEG);
}
