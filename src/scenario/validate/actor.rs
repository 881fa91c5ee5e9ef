//! Checks of the `actors:` list (schema/actor.rs): kind and country, platform, goals, positions,
//! budget, media reach, risk attitude, perception, appeal, and each action entry
//! ([`super::actions`]). Called from [`super::validate`].

use super::*;

/// Every actor, in order.
pub(super) fn actors(c: &mut Ctx) {
    let s = c.s;
    // Actors.
    for (k, a) in s.actors.iter().enumerate() {
        let p = format!("actors[{k}]");
        match (a.kind, &a.country) {
            (ActorKind::State | ActorKind::Party, None) => c.err(
                &format!("{p}.kind"),
                format!(
                    "actor `{}` of kind `{:?}` needs a `country`",
                    a.id, a.kind
                ),
            ),
            (ActorKind::ExternalPower, Some(_)) => c.err(
                &format!("{p}.country"),
                format!(
                    "actor `{}` is an `ExternalPower`, which belongs to no country: remove `country`",
                    a.id
                ),
            ),
            (_, Some(co)) => c.country(&format!("{p}.country"), co),
            _ => {}
        }
        if a.kind != ActorKind::Party && !a.platform.is_empty() {
            c.err(
                &format!("{p}.platform"),
                format!(
                    "only parties have a `platform`; `{}` is `{:?}`",
                    a.id, a.kind
                ),
            );
        }
        for (j, g) in a.goals.iter().enumerate() {
            c.indicator(&format!("{p}.goals[{j}].indicator"), &g.indicator);
            c.param(&format!("{p}.goals[{j}].weight"), &g.weight, ANY);
        }
        let mut seen = HashSet::new();
        for (j, x) in a.positions.iter().enumerate() {
            let q = format!("{p}.positions[{j}]");
            c.issue(&format!("{q}.issue"), &x.issue);
            if !seen.insert(x.issue.as_str()) {
                c.err(
                    &format!("{q}.issue"),
                    format!("a second position on issue `{}`", x.issue),
                );
            }
            c.param(&format!("{q}.position"), &x.position, POSITION);
            c.param(&format!("{q}.salience"), &x.salience, UNIT);
            c.param(&format!("{q}.capability"), &x.capability, POS);
        }
        for (j, x) in a.platform.iter().enumerate() {
            c.dim(&format!("{p}.platform[{j}].dimension"), &x.dimension);
            c.param(&format!("{p}.platform[{j}].value"), &x.value, UNIT);
        }
        c.param(&format!("{p}.budget"), &a.budget, NONNEG);
        for (j, x) in a.media_reach.iter().enumerate() {
            c.country(&format!("{p}.media_reach[{j}].country"), &x.country);
            c.param(&format!("{p}.media_reach[{j}].reach"), &x.reach, SHARE);
        }
        c.param(&format!("{p}.risk_attitude"), &a.risk_attitude, SIGNED_UNIT);
        c.param(&format!("{p}.perception"), &a.perception, NONNEG);
        c.param(&format!("{p}.appeal"), &a.appeal, SIGNED_UNIT);
        for (j, act) in a.actions.iter().enumerate() {
            super::actions::action(c, &format!("{p}.actions[{j}]"), act);
        }
    }
}
