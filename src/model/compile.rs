//! Compiling a realised scenario for the model: ids resolved to indices once per run, indicators and
//! conditions turned into index-based forms, so the per-tick code never compares strings.
//!
//! References are checked by `scenario::validate`; an id that still fails to resolve here is a
//! [`ModelError`] (a bug), never a panic.

use super::ModelError;
use crate::scenario::schema::{self as sc, Condition, Indicator, Scenario};

/// Index of an entity in its scenario list.
pub type Ix = usize;

/// Id -> index lookups for one scenario.
pub struct Ids<'s> {
    pub s: &'s Scenario,
}

fn find<T>(list: &[T], id: &str, key: impl Fn(&T) -> &str, what: &str) -> Result<Ix, ModelError> {
    list.iter()
        .position(|x| key(x) == id)
        .ok_or_else(|| ModelError(format!("unknown {what} id `{id}`")))
}

impl<'s> Ids<'s> {
    pub fn new(s: &'s Scenario) -> Self {
        Ids { s }
    }
    pub fn country(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.countries, id, |c| &c.id, "country")
    }
    pub fn dim(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.dimensions, id, |d| &d.id, "dimension")
    }
    pub fn actor(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.actors, id, |a| &a.id, "actor")
    }
    pub fn issue(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.issues, id, |a| &a.id, "issue")
    }
    pub fn project(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.projects, id, |a| &a.id, "project")
    }
    pub fn route(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.routes, id, |a| &a.id, "route")
    }
    pub fn phase(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.process.phases, id, |a| &a.id, "phase")
    }
    pub fn event(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.events, id, |a| &a.id, "event")
    }
    pub fn election(&self, id: &str) -> Result<Ix, ModelError> {
        find(&self.s.elections, id, |a| &a.id, "election")
    }
    /// Bit mask of phases (bit `k` for phase `k`; validation keeps them among the first 64).
    pub fn phase_mask(&self, ids: &[String]) -> Result<u64, ModelError> {
        let mut m = 0u64;
        for id in ids {
            let k = self.phase(id)?;
            if k >= 64 {
                return Err(ModelError(format!(
                    "phase `{id}` is beyond the 64 an `InPhase` indicator can name"
                )));
            }
            m |= 1 << k;
        }
        Ok(m)
    }
    /// Index of a power among the scenario's external powers (the influence matrix's rows).
    pub fn power(&self, id: &str) -> Result<Ix, ModelError> {
        self.s
            .actors
            .iter()
            .filter(|a| a.kind == sc::ActorKind::ExternalPower)
            .position(|a| a.id == id)
            .ok_or_else(|| ModelError(format!("`{id}` is not an external power")))
    }
    /// Tick of a `"YYYY-MM"` month relative to the start (may be negative or past the horizon).
    pub fn month(&self, m: &str) -> Result<i64, ModelError> {
        sc::month_offset(&self.s.run.start, m).ok_or_else(|| ModelError(format!("bad month `{m}`")))
    }
}

/// An indicator with ids resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ind {
    Opinion {
        c: Ix,
        d: Ix,
    },
    OpinionShare {
        c: Ix,
        d: Ix,
        threshold: f64,
    },
    Polarization {
        c: Ix,
        d: Ix,
    },
    Influence {
        p: Ix,
        c: Ix,
    },
    Confidence(Ix),
    Growth(Ix),
    Gdp(Ix),
    ProjectProgress(Ix),
    ProjectOperation(Ix),
    RouteVolume(Ix),
    Tension,
    IssueForecast(Ix),
    IssueMedian(Ix),
    IssueSpread(Ix),
    PartySupport(Ix),
    PollShare(Ix),
    PollDecided(Ix),
    Undecided(Ix),
    BudgetUse(Ix),
    /// 1 while the process is in one of the phases of the bit mask (bit `k`: phase `k`), else 0.
    InPhase(u64),
}

impl Ind {
    pub fn compile(ids: &Ids, i: &Indicator) -> Result<Ind, ModelError> {
        Ok(match i {
            Indicator::Opinion { country, dimension } => Ind::Opinion {
                c: ids.country(country)?,
                d: ids.dim(dimension)?,
            },
            Indicator::OpinionShare {
                country,
                dimension,
                threshold,
            } => Ind::OpinionShare {
                c: ids.country(country)?,
                d: ids.dim(dimension)?,
                threshold: *threshold,
            },
            Indicator::Polarization { country, dimension } => Ind::Polarization {
                c: ids.country(country)?,
                d: ids.dim(dimension)?,
            },
            Indicator::Influence { power, country } => Ind::Influence {
                p: ids.power(power)?,
                c: ids.country(country)?,
            },
            Indicator::InvestorConfidence(c) => Ind::Confidence(ids.country(c)?),
            Indicator::Growth(c) => Ind::Growth(ids.country(c)?),
            Indicator::Gdp(c) => Ind::Gdp(ids.country(c)?),
            Indicator::ProjectProgress(p) => Ind::ProjectProgress(ids.project(p)?),
            Indicator::ProjectOperation(p) => Ind::ProjectOperation(ids.project(p)?),
            Indicator::RouteVolume(r) => Ind::RouteVolume(ids.route(r)?),
            Indicator::Tension => Ind::Tension,
            Indicator::IssueForecast(i) => Ind::IssueForecast(ids.issue(i)?),
            Indicator::IssueMedian(i) => Ind::IssueMedian(ids.issue(i)?),
            Indicator::IssueSpread(i) => Ind::IssueSpread(ids.issue(i)?),
            Indicator::PartySupport(p) => Ind::PartySupport(ids.actor(p)?),
            Indicator::PollShare(p) => Ind::PollShare(ids.actor(p)?),
            Indicator::PollDecided(p) => Ind::PollDecided(ids.actor(p)?),
            Indicator::Undecided(c) => Ind::Undecided(ids.country(c)?),
            Indicator::BudgetUse(a) => Ind::BudgetUse(ids.actor(a)?),
            Indicator::InPhase(ps) => Ind::InPhase(ids.phase_mask(ps)?),
        })
    }
}

/// A condition with ids resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Above(Ind, f64),
    Below(Ind, f64),
    InPhase(Vec<Ix>),
    MonthsInPhase(u32),
    After(i64),
    Happened(Ix),
    Operational(Ix),
    Converged {
        issue: Ix,
        within: f64,
        actors: Vec<Ix>,
    },
    Reached(Ix),
    Governs {
        country: Ix,
        party: Ix,
    },
}

impl Cond {
    pub fn compile(ids: &Ids, c: &Condition) -> Result<Cond, ModelError> {
        Ok(match c {
            Condition::Above(i, v) => Cond::Above(Ind::compile(ids, i)?, v.value()),
            Condition::Below(i, v) => Cond::Below(Ind::compile(ids, i)?, v.value()),
            Condition::InPhase(ps) => {
                Cond::InPhase(ps.iter().map(|p| ids.phase(p)).collect::<Result<_, _>>()?)
            }
            Condition::MonthsInPhase(m) => Cond::MonthsInPhase(*m),
            Condition::After(m) => Cond::After(ids.month(m)?),
            Condition::Happened(e) => Cond::Happened(ids.event(e)?),
            Condition::Operational(p) => Cond::Operational(ids.project(p)?),
            Condition::Converged {
                issue,
                within,
                actors,
            } => Cond::Converged {
                issue: ids.issue(issue)?,
                within: within.value(),
                actors: actors
                    .iter()
                    .map(|a| ids.actor(a))
                    .collect::<Result<_, _>>()?,
            },
            Condition::Reached(p) => Cond::Reached(ids.phase(p)?),
            Condition::Governs { country, party } => Cond::Governs {
                country: ids.country(country)?,
                party: ids.actor(party)?,
            },
        })
    }

    pub fn compile_all(ids: &Ids, cs: &[Condition]) -> Result<Vec<Cond>, ModelError> {
        cs.iter().map(|c| Cond::compile(ids, c)).collect()
    }
}
