//! Checks of the `events:` list (schema/events.rs): triggers, conditions and effects (the condition
//! and effect checks themselves are [`Ctx`] methods, shared with projects, transitions and
//! outcomes). Called from [`super::validate`].

use super::*;

/// Every event: trigger, conditions, effects.
pub(super) fn events(c: &mut Ctx) {
    let s = c.s;
    // Events.
    for (k, e) in s.events.iter().enumerate() {
        let p = format!("events[{k}]");
        match &e.trigger {
            Trigger::Scheduled(m) => c.month_in_horizon(&format!("{p}.trigger[0]"), m, "scheduled"),
            Trigger::Hazard(h) => c.param(&format!("{p}.trigger[0]"), h, PROB),
        }
        c.conditions(&format!("{p}.when"), &e.when);
        for (j, x) in e.effects.iter().enumerate() {
            c.effect(&format!("{p}.effects[{j}]"), x);
        }
    }
}
