//! Events (scheduled and stochastic) and the conditions used by transitions, preconditions and events.

use super::{Indicator, Param};
use serde::{Deserialize, Serialize};

/// A condition on the world at the current tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    /// Indicator strictly above a value.
    Above(Indicator, Param),
    /// Indicator strictly below a value.
    Below(Indicator, Param),
    /// The process is in one of these phases.
    InPhase(Vec<String>),
    /// The process has been in its current phase at least this many months.
    MonthsInPhase(u32),
    /// The current month is at or after `"YYYY-MM"`.
    After(String),
    /// The event with this id has happened at least once.
    Happened(String),
    /// The project is operational.
    Operational(String),
    /// The actors with salience on the issue (or only those listed in `actors`) are within `within`
    /// points of each other.
    Converged {
        issue: String,
        within: Param,
        #[serde(default)]
        actors: Vec<String>,
    },
    /// The process has been in this phase at some point of the run (now or before).
    Reached(String),
    /// `party` governs `country` (set at the start or by the last election).
    Governs { country: String, party: String },
}

/// How an event is triggered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// Fires in the given month `"YYYY-MM"` (if its conditions hold then).
    Scheduled(String),
    /// Fires with this probability each month while its conditions hold.
    Hazard(Param),
}

/// A scheduled or stochastic event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    pub id: String,
    #[serde(default)]
    pub label: String,
    pub trigger: Trigger,
    /// All must hold for the event to fire. Default: none.
    #[serde(default)]
    pub when: Vec<Condition>,
    /// Fire at most once per run. Default: false.
    #[serde(default)]
    pub once: bool,
    /// The actor who decides whether the event happens (e.g. a government calling a referendum): when
    /// it would fire, it fires only if the actor chooses it, by a logit on the expected utility of its
    /// effects under the actor's goals (docs/model.md 7.18). Default: none (it fires on its trigger).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    pub effects: Vec<Effect>,
}

/// What an event does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Tension changes by the value (clamped to [0, 1]).
    Tension(Param),
    /// Every citizen's opinion on a dimension shifts (clamped to [0, 1]).
    Opinion {
        country: String,
        dimension: String,
        shift: Param,
    },
    /// Annualised growth of a country changes by the value for `months` months.
    GrowthShock {
        country: String,
        delta: Param,
        months: u32,
    },
    /// Investor confidence changes by the value.
    Confidence { country: String, delta: Param },
    /// A power's influence in a country changes by the value.
    Influence {
        power: String,
        country: String,
        delta: Param,
    },
    /// The process moves to a phase.
    SetPhase(String),
    /// Citizens vote on a dimension: yes if their opinion is above `yes_above` (default 0.5); passes if
    /// the yes share among voters exceeds `threshold` (default 0.5) and the yes votes are at least
    /// `quorum` of the electorate (default 0); each citizen votes with probability `turnout` (default
    /// 0.6); the process moves to `pass` or `fail` (if given).
    Referendum {
        country: String,
        dimension: String,
        #[serde(default = "half")]
        yes_above: Param,
        #[serde(default = "half")]
        threshold: Param,
        #[serde(default = "sixty")]
        turnout: Param,
        /// Yes votes needed as a share of all citizens (registered voters), [0, 1]. Default: 0.
        #[serde(default)]
        quorum: Param,
        pass: Option<String>,
        fail: Option<String>,
    },
    /// A project's progress changes by the value (e.g. sabotage, negative).
    ProjectSetback { project: String, delta: Param },
}

fn half() -> Param {
    Param::Fixed(0.5)
}
fn sixty() -> Param {
    Param::Fixed(0.6)
}
