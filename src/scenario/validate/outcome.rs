//! Checks of the `outcomes:` and `outcome_classes:` lists (schema/outcome.rs). Called from
//! [`super::validate`].

use super::*;

/// Every outcome: a safe id and its kind's references.
pub(super) fn outcomes(c: &mut Ctx) {
    let s = c.s;
    // Outcomes.
    for (k, o) in s.outcomes.iter().enumerate() {
        let p = format!("outcomes[{k}]");
        if !o.id.is_empty()
            && !o
                .id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            c.err(
                &format!("{p}.id"),
                format!(
                    "outcome id \"{}\" is a runs.csv column: use only ASCII letters, digits and `_`",
                    o.id
                ),
            );
        }
        let q = format!("{p}.kind");
        match &o.kind {
            OutcomeKind::PhaseReached { phase, by } => {
                c.phase(&format!("{q}.phase"), phase);
                if let Some(m) = by {
                    c.month(&format!("{q}.by"), m);
                }
            }
            OutcomeKind::PhaseMonth { phase } => c.phase(&format!("{q}.phase"), phase),
            OutcomeKind::ProjectOperational { project, by } => {
                c.project(&format!("{q}.project"), project);
                if let Some(m) = by {
                    c.month(&format!("{q}.by"), m);
                }
            }
            OutcomeKind::ProjectMonth { project } => c.project(&format!("{q}.project"), project),
            OutcomeKind::Turnout { election } | OutcomeKind::Runoff { election } => {
                c.election(&format!("{q}.election"), election);
            }
            OutcomeKind::ReferendumYes { country } | OutcomeKind::ReferendumQuorum { country } => {
                c.country(&format!("{q}.country"), country);
            }
            OutcomeKind::ElectionWinner { election, party }
            | OutcomeKind::VoteShare { election, party }
            | OutcomeKind::Seats { election, party }
            | OutcomeKind::EntersParliament { election, party }
            | OutcomeKind::Governing { election, party } => {
                if let Some(e) = c.election(&format!("{q}.election"), election) {
                    if !e.parties.contains(party) {
                        c.err(
                            &format!("{q}.party"),
                            format!(
                                "party `{party}` does not run in election `{election}` (its parties: {})",
                                e.parties.join(", ")
                            ),
                        );
                    }
                }
            }
            OutcomeKind::Indicator {
                indicator,
                at,
                above,
                below,
            } => {
                c.indicator(&format!("{q}.indicator"), indicator);
                if let At::Month(m) = at {
                    let mp = format!("{q}.at[0]");
                    if let Some(off) = c.month(&mp, m) {
                        if parse_month(&s.run.start).is_some()
                            && s.run.horizon > 0
                            && (off < 0 || off > s.run.horizon as i64)
                        {
                            c.err(
                                &mp,
                                format!(
                                    "month \"{m}\" is outside the run ({} to {})",
                                    s.run.start,
                                    tick_date(&s.run.start, s.run.horizon)
                                ),
                            );
                        }
                    }
                }
                if let Some(v) = above {
                    c.param(&format!("{q}.above"), v, ANY);
                }
                if let Some(v) = below {
                    c.param(&format!("{q}.below"), v, ANY);
                }
            }
            OutcomeKind::InfluenceShare { power, country } => {
                c.actor(&format!("{q}.power"), power, Some(ActorKind::ExternalPower));
                c.country(&format!("{q}.country"), country);
            }
            OutcomeKind::Count {
                event,
                action,
                actor,
            } => {
                match (event, action) {
                    (Some(e), None) => c.event(&format!("{q}.event"), e),
                    (None, Some(a)) => {
                        if !ACTION_NAMES.contains(&a.as_str()) {
                            c.err(
                                &format!("{q}.action"),
                                format!(
                                    "unknown action `{a}` (actions: {})",
                                    ACTION_NAMES.join(", ")
                                ),
                            );
                        }
                    }
                    _ => c.err(&q, "`Count` needs exactly one of `event` and `action`"),
                }
                if let Some(a) = actor {
                    c.actor(&format!("{q}.actor"), a, None);
                }
            }
            OutcomeKind::FinalPhase(ps) => {
                for (j, ph) in ps.iter().enumerate() {
                    c.phase(&format!("{q}[0][{j}]"), ph);
                }
            }
        }
    }
}

/// Every outcome class rule: a known outcome of the right type.
pub(super) fn classes(c: &mut Ctx) {
    let s = c.s;
    for (k, cl) in s.outcome_classes.iter().enumerate() {
        for (j, r) in cl.rules.iter().enumerate() {
            let q = format!("outcome_classes[{k}].rules[{j}][0]");
            let (id, binary) = match r {
                ClassRule::Is(id) | ClassRule::Not(id) => (id, true),
                ClassRule::Above(id, _) | ClassRule::Below(id, _) => (id, false),
            };
            match c.outcomes.get(id.as_str()).copied() {
                None => {
                    let l = list(c.outcomes.keys().copied());
                    c.err(&q, format!("unknown outcome `{id}` ({l})"));
                }
                Some(o) if o.kind.is_binary() != binary => c.err(
                    &q,
                    if binary {
                        format!("outcome `{id}` is numeric: use `Above`/`Below`, not `Is`/`Not`")
                    } else {
                        format!("outcome `{id}` is binary: use `Is`/`Not`, not `Above`/`Below`")
                    },
                ),
                _ => {}
            }
        }
    }
}
