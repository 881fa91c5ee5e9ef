//! Display names for chart titles, panels and rows: the scenario's own names recorded in the
//! manifest's `labels` (`kind:id` → name, [`crate::outputs::labels`]), else the id made readable
//! ([`super::style::humanise`]). One place, so a chart never titles a panel "Tripp" when the scenario
//! calls it "TRIPP".

use super::style::humanise;
use std::collections::BTreeMap;

/// The labels of one folder.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a>(pub &'a BTreeMap<String, String>);

impl Names<'_> {
    /// The name of entity `id` of `kind` (`country`, `actor`, `dimension`, `project`, `route`,
    /// `issue`, `phase`).
    pub fn of(&self, kind: &str, id: &str) -> String {
        self.0
            .get(&format!("{kind}:{id}"))
            .cloned()
            .unwrap_or_else(|| humanise(id))
    }

    /// The title of a panel or row for series `entity` of indicator `ind`: "Armenia: support for the
    /// peace deal", "Russia in Armenia", "TRIPP", "Civil Contract", "Armenia 2026: Civil Contract".
    pub fn entity(&self, ind: &str, entity: &str) -> String {
        let lower_first = |s: String| {
            let mut c = s.chars();
            match (c.next(), c.clone().next()) {
                // Keep acronyms ("EU ...") as they are.
                (Some(f), Some(n)) if !n.is_uppercase() => {
                    f.to_lowercase().collect::<String>() + c.as_str()
                }
                (Some(f), _) => f.to_string() + c.as_str(),
                _ => s,
            }
        };
        match (ind, entity.split_once('/')) {
            ("influence", Some((p, c))) => {
                format!("{} in {}", self.of("actor", p), self.of("country", c))
            }
            ("vote_share" | "election_won", Some((e, p))) => {
                format!("{}: {}", humanise(e), self.of("actor", p))
            }
            ("actions" | "action_pays", Some((a, x))) => {
                format!("{} · {}", self.of("actor", a), humanise(x).to_lowercase())
            }
            (_, Some((c, d))) => format!(
                "{}: {}",
                self.of("country", c),
                lower_first(self.of("dimension", d))
            ),
            ("investor_confidence" | "growth" | "gdp", None) => self.of("country", entity),
            ("project_progress" | "project_operation", None) => self.of("project", entity),
            ("route_volume", None) => self.of("route", entity),
            ("party_support" | "budget_use" | "poll" | "poll_decided", None) => {
                self.of("actor", entity)
            }
            ("undecided", None) => self.of("country", entity),
            ("issue_forecast" | "issue_median" | "issue_spread", None) => self.of("issue", entity),
            ("phase", None) => self.of("phase", entity),
            (_, None) => humanise(entity),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_labels_else_the_id() {
        let m: BTreeMap<String, String> = [
            ("country:armenia", "Armenia"),
            ("actor:russia", "Russia"),
            ("dimension:peace_support", "Support for the peace deal"),
            ("project:tripp", "TRIPP"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let n = Names(&m);
        assert_eq!(n.entity("project_progress", "tripp"), "TRIPP");
        assert_eq!(n.entity("influence", "russia/armenia"), "Russia in Armenia");
        assert_eq!(
            n.entity("opinion", "armenia/peace_support"),
            "Armenia: support for the peace deal"
        );
        assert_eq!(
            n.entity("route_volume", "middle_corridor"),
            "Middle corridor"
        );
        let empty = BTreeMap::new();
        assert_eq!(
            Names(&empty).entity("influence", "eu/georgia"),
            "EU in Georgia"
        );
    }
}
