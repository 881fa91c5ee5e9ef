//! Display names of a scenario's entities for the manifest (`labels`), so charts and reports built
//! from an output folder alone title panels "Armenia", "TRIPP" or "Support for the peace deal"
//! rather than ids ("armenia", "tripp", "peace_support").
//!
//! Keys are `kind:id` (`country:armenia`, `actor:russia`, `dimension:peace_support`,
//! `project:tripp`, `route:middle_corridor`, `issue:treaty_terms`, `phase:signed`,
//! `election:armenia_2026`); an entity without a name in the scenario gets none.

use crate::scenario::schema::Scenario;
use std::collections::BTreeMap;

/// A short display form of a long name: a trailing acronym in parentheses replaces the long form
/// ("Trump Route for International Peace and Prosperity (TRIPP)" → "TRIPP"), a trailing explanation
/// in parentheses is dropped ("Middle Corridor (Trans-Caspian International Transport Route)" →
/// "Middle Corridor"); other names are kept.
pub fn short_name(name: &str) -> String {
    let name = name.trim();
    if let Some(open) = name.rfind(" (")
        && name.ends_with(')')
        && name.len() > 30
    {
        let inside = &name[open + 2..name.len() - 1];
        let acronym = !inside.is_empty()
            && inside.len() <= 8
            && inside
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        return if acronym { inside } else { &name[..open] }.to_string();
    }
    name.to_string()
}

/// The display names the scenario gives, keyed `kind:id`.
pub fn labels(s: &Scenario) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |kind: &str, id: &str, name: &str| {
        if !name.trim().is_empty() {
            m.insert(format!("{kind}:{id}"), short_name(name));
        }
    };
    for c in &s.countries {
        put("country", &c.id, &c.name);
    }
    for d in &s.dimensions {
        put("dimension", &d.id, &d.label);
    }
    for a in &s.actors {
        put("actor", &a.id, &a.name);
    }
    for i in &s.issues {
        put("issue", &i.id, &i.name);
    }
    for p in &s.projects {
        put("project", &p.id, &p.name);
    }
    for r in &s.routes {
        put("route", &r.id, &r.name);
    }
    for p in &s.process.phases {
        put("phase", &p.id, &p.label);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn long_names_shorten_to_their_acronym_or_their_head() {
        assert_eq!(
            short_name("Trump Route for International Peace and Prosperity (TRIPP)"),
            "TRIPP"
        );
        assert_eq!(
            short_name("Middle Corridor (Trans-Caspian International Transport Route)"),
            "Middle Corridor"
        );
        assert_eq!(short_name("\"Our Way\" movement"), "\"Our Way\" movement");
        assert_eq!(short_name("EU (Brussels)"), "EU (Brussels)");
    }
}
