//! Outcomes of a run (the scenario's `outcomes`, one value each) and the run's outcome class.
//!
//! Time conventions: tick `t` is the state after `t` months; a month `"YYYY-MM"` with offset `m` from
//! the start is simulated in tick `m + 1`, so "by 2028-12" means "at a tick ≤ offset(2028-12) + 1" and
//! "the indicator at 2026-06" reads the state after June 2026. Month-valued outcomes (`PhaseMonth`,
//! `ProjectMonth`) are the tick at which the thing first happened (months from the start), or empty.

use super::compile::{Ids, Ind, Ix};
use super::world::{ACTION_NAMES, World};
use super::{ModelError, OutcomeValue};
use crate::scenario::schema::{At, ClassRule, OutcomeKind};

/// Running trackers for indicator outcomes (min, max, sum, value at a month).
pub struct Tracker {
    items: Vec<Option<Tracked>>,
}

/// An indicator outcome's tracker: (indicator, when, tick of `At::Month`, accumulator).
type Tracked = (Ind, At, Option<i64>, Acc);

#[derive(Clone, Copy)]
struct Acc {
    min: f64,
    max: f64,
    sum: f64,
    n: u32,
    at: Option<f64>,
}

impl Tracker {
    pub fn new(w: &World) -> Result<Tracker, ModelError> {
        let ids = Ids::new(w.s);
        let mut items = Vec::new();
        for o in &w.s.outcomes {
            items.push(match &o.kind {
                OutcomeKind::Indicator { indicator, at, .. } => {
                    let tick = match at {
                        At::Month(m) => Some(ids.month(m)? + 1),
                        At::Start => Some(0),
                        _ => None,
                    };
                    let acc = Acc {
                        min: f64::INFINITY,
                        max: f64::NEG_INFINITY,
                        sum: 0.0,
                        n: 0,
                        at: None,
                    };
                    Some((Ind::compile(&ids, indicator)?, at.clone(), tick, acc))
                }
                _ => None,
            });
        }
        Ok(Tracker { items })
    }

    /// Observes the state after the current tick (and at tick 0).
    pub fn observe(&mut self, w: &World) {
        for (ind, _, tick, acc) in self.items.iter_mut().flatten() {
            let v = w.indicator(*ind);
            acc.min = acc.min.min(v);
            acc.max = acc.max.max(v);
            acc.sum += v;
            acc.n += 1;
            if *tick == Some(w.tick as i64) {
                acc.at = Some(v);
            }
        }
    }
}

fn by_tick(w: &World, by: &Option<String>) -> Result<Option<i64>, ModelError> {
    match by {
        Some(m) => Ok(Some(w.ids().month(m)? + 1)),
        None => Ok(None),
    }
}

fn within(first: Option<u32>, by: Option<i64>) -> bool {
    match (first, by) {
        (Some(t), Some(b)) => (t as i64) <= b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Computes every outcome at the end of the run.
pub fn compute(w: &World, tr: &Tracker) -> Result<Vec<OutcomeValue>, ModelError> {
    let ids = w.ids();
    let mut out = Vec::with_capacity(w.s.outcomes.len());
    for (k, o) in w.s.outcomes.iter().enumerate() {
        out.push(match &o.kind {
            OutcomeKind::PhaseReached { phase, by } => {
                OutcomeValue::Bool(within(w.phase_first[ids.phase(phase)?], by_tick(w, by)?))
            }
            OutcomeKind::PhaseMonth { phase } => {
                OutcomeValue::Num(w.phase_first[ids.phase(phase)?].map(f64::from))
            }
            OutcomeKind::ProjectOperational { project, by } => OutcomeValue::Bool(within(
                w.projects[ids.project(project)?].operational_since,
                by_tick(w, by)?,
            )),
            OutcomeKind::ProjectMonth { project } => OutcomeValue::Num(
                w.projects[ids.project(project)?]
                    .operational_since
                    .map(f64::from),
            ),
            OutcomeKind::ElectionWinner { election, party } => {
                let (e, k) = party_in(w, election, party)?;
                OutcomeValue::Bool(w.election_results[e].as_ref().and_then(|r| r.lead) == Some(k))
            }
            OutcomeKind::VoteShare { election, party } => {
                let (e, k) = party_in(w, election, party)?;
                OutcomeValue::Num(w.election_results[e].as_ref().map(|r| r.shares[k]))
            }
            OutcomeKind::Seats { election, party } => {
                let (e, k) = party_in(w, election, party)?;
                OutcomeValue::Num(
                    w.election_results[e]
                        .as_ref()
                        .map(|r| f64::from(r.seats[k])),
                )
            }
            OutcomeKind::EntersParliament { election, party } => {
                let (e, k) = party_in(w, election, party)?;
                OutcomeValue::Bool(w.election_results[e].as_ref().is_some_and(|r| r.entered[k]))
            }
            OutcomeKind::Governing { election, party } => {
                let (e, k) = party_in(w, election, party)?;
                OutcomeValue::Bool(
                    w.election_results[e]
                        .as_ref()
                        .is_some_and(|r| r.governing[k]),
                )
            }
            OutcomeKind::Turnout { election } => {
                let e = ids.election(election)?;
                OutcomeValue::Num(w.election_results[e].as_ref().map(|r| r.turnout))
            }
            OutcomeKind::Runoff { election } => {
                let e = ids.election(election)?;
                OutcomeValue::Bool(
                    w.election_results[e]
                        .as_ref()
                        .is_some_and(|r| r.runoff.is_some()),
                )
            }
            OutcomeKind::ReferendumYes { country } => {
                OutcomeValue::Num(w.referendums[ids.country(country)?].map(|r| r.yes))
            }
            OutcomeKind::ReferendumQuorum { country } => OutcomeValue::Bool(
                w.referendums[ids.country(country)?].is_some_and(|r| r.quorum_met),
            ),
            OutcomeKind::Indicator {
                at, above, below, ..
            } => {
                let Some((_, _, _, acc)) = &tr.items[k] else {
                    return Err(ModelError(format!("outcome `{}` has no tracker", o.id)));
                };
                let v = match at {
                    At::End => None,
                    At::Min => Some(acc.min),
                    At::Max => Some(acc.max),
                    At::Mean => Some(acc.sum / acc.n.max(1) as f64),
                    At::Month(_) | At::Start => acc.at,
                };
                let v = match (at, v) {
                    (At::End, _) => {
                        let Some((ind, ..)) = &tr.items[k] else {
                            unreachable!()
                        };
                        Some(w.indicator(*ind))
                    }
                    (_, v) => v,
                };
                match (above, below, v) {
                    (Some(a), _, Some(v)) => OutcomeValue::Bool(v > a.value()),
                    (None, Some(b), Some(v)) => OutcomeValue::Bool(v < b.value()),
                    (Some(_), _, None) | (None, Some(_), None) => OutcomeValue::Bool(false),
                    (None, None, v) => OutcomeValue::Num(v),
                }
            }
            OutcomeKind::InfluenceShare { power, country } => {
                let (p, c) = (ids.power(power)?, ids.country(country)?);
                let total: f64 = (0..w.powers.len()).map(|q| w.influence(q, c)).sum();
                OutcomeValue::Num(if total > 0.0 {
                    Some(w.influence(p, c) / total)
                } else {
                    None
                })
            }
            OutcomeKind::Count {
                event,
                action,
                actor,
            } => {
                let mut n = 0u64;
                if let Some(e) = event {
                    n += w.event_counts[ids.event(e)?] as u64;
                }
                if let Some(a) = action {
                    let kind = ACTION_NAMES
                        .iter()
                        .position(|x| x == a)
                        .ok_or_else(|| ModelError(format!("unknown action `{a}`")))?;
                    let actors: Vec<Ix> = match actor {
                        Some(id) => vec![ids.actor(id)?],
                        None => (0..w.actors.len()).collect(),
                    };
                    for x in actors {
                        n += w.action_counts[x * super::world::ACTION_KINDS + kind] as u64;
                    }
                }
                OutcomeValue::Num(Some(n as f64))
            }
            OutcomeKind::FinalPhase(ps) => {
                let mut hit = false;
                for p in ps {
                    hit |= ids.phase(p)? == w.phase;
                }
                OutcomeValue::Bool(hit)
            }
        });
    }
    Ok(out)
}

fn party_in(w: &World, election: &str, party: &str) -> Result<(Ix, usize), ModelError> {
    let e = w.ids().election(election)?;
    let k = w.s.elections[e]
        .parties
        .iter()
        .position(|p| p == party)
        .ok_or_else(|| ModelError(format!("party `{party}` is not in election `{election}`")))?;
    Ok((e, k))
}

/// The run's class: the first class whose rules all hold.
pub fn classify(w: &World, values: &[OutcomeValue]) -> Option<usize> {
    let idx = |id: &str| w.s.outcomes.iter().position(|o| o.id == id);
    w.s.outcome_classes.iter().position(|c| {
        c.rules.iter().all(|r| match r {
            ClassRule::Is(o) => idx(o).is_some_and(|k| values[k] == OutcomeValue::Bool(true)),
            ClassRule::Not(o) => idx(o).is_some_and(|k| values[k] == OutcomeValue::Bool(false)),
            ClassRule::Above(o, v) => {
                idx(o).is_some_and(|k| matches!(values[k], OutcomeValue::Num(Some(x)) if x > *v))
            }
            ClassRule::Below(o, v) => {
                idx(o).is_some_and(|k| matches!(values[k], OutcomeValue::Num(Some(x)) if x < *v))
            }
        })
    })
}
