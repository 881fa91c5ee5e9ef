//! Outcomes measured per run, and outcome classes.

use super::{Indicator, Param};
use serde::{Deserialize, Serialize};

/// An outcome: a named measurement of one run (a column of runs.csv).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Column name: letters, digits and `_`.
    pub id: String,
    /// Human label for tables and charts. Default: the id.
    #[serde(default)]
    pub label: String,
    /// Units for numeric outcomes (axis titles). Default: empty.
    #[serde(default)]
    pub units: String,
    pub kind: OutcomeKind,
}

/// When in the run an indicator is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum At {
    /// The initial state (tick 0).
    Start,
    End,
    Min,
    Max,
    Mean,
    Month(String),
}

/// The fixed set of outcome kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OutcomeKind {
    /// Binary: the process reached `phase` (by `by`, if given).
    PhaseReached {
        phase: String,
        #[serde(default)]
        by: Option<String>,
    },
    /// Numeric: months from the start until the process first reached `phase` (empty if never).
    PhaseMonth { phase: String },
    /// Binary: the project became operational (by `by`, if given).
    ProjectOperational {
        project: String,
        #[serde(default)]
        by: Option<String>,
    },
    /// Numeric: months from the start until the project became operational (empty if never).
    ProjectMonth { project: String },
    /// Binary: `party` won `election`: it leads the government the election formed (the list with a
    /// seat majority, the coalition member with the most votes, the second-round winner or the
    /// minority government; see `elections[].formation`).
    ElectionWinner { election: String, party: String },
    /// Numeric: `party`'s vote share in `election`, [0, 1].
    VoteShare { election: String, party: String },
    /// Numeric: `party`'s seats after `election` (bonus and opposition seats included).
    Seats { election: String, party: String },
    /// Binary: `party`'s list took part in the seat distribution of `election`.
    EntersParliament { election: String, party: String },
    /// Binary: `party` is in the government `election` formed (alone, as a coalition member or as the
    /// second-round winner).
    Governing { election: String, party: String },
    /// Numeric: share of citizens who voted in `election` (first round), [0, 1].
    Turnout { election: String },
    /// Binary: `election` went to a second round.
    Runoff { election: String },
    /// Numeric: yes share among voters in the last referendum held in `country`, [0, 1].
    ReferendumYes { country: String },
    /// Binary: the last referendum held in `country` met its quorum (false if none was held).
    ReferendumQuorum { country: String },
    /// Numeric: an indicator at a time; binary if `above` or `below` is given.
    Indicator {
        indicator: Indicator,
        at: At,
        #[serde(default)]
        above: Option<Param>,
        #[serde(default)]
        below: Option<Param>,
    },
    /// Numeric: the power's share of all powers' influence in the country at the end, [0, 1].
    InfluenceShare { power: String, country: String },
    /// Numeric: how many times an event fired (by event id), or an action was taken (by action name,
    /// optionally by one actor).
    Count {
        event: Option<String>,
        action: Option<String>,
        actor: Option<String>,
    },
    /// Binary: the process ended the run in one of these phases.
    FinalPhase(Vec<String>),
}

impl OutcomeKind {
    /// Whether the outcome is binary (true/false per run: runs.csv `0`/`1`, a probability in the
    /// summary) rather than numeric.
    pub fn is_binary(&self) -> bool {
        match self {
            OutcomeKind::PhaseReached { .. }
            | OutcomeKind::ProjectOperational { .. }
            | OutcomeKind::ElectionWinner { .. }
            | OutcomeKind::EntersParliament { .. }
            | OutcomeKind::Governing { .. }
            | OutcomeKind::Runoff { .. }
            | OutcomeKind::ReferendumQuorum { .. }
            | OutcomeKind::FinalPhase(_) => true,
            OutcomeKind::Indicator { above, below, .. } => above.is_some() || below.is_some(),
            _ => false,
        }
    }
}

/// A named class of runs (e.g. normalisation, fragile peace, stalemate, relapse): the first class
/// whose rules all hold is the run's class; a class with no rules matches everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeClass {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub rules: Vec<ClassRule>,
}

/// A rule on a run's outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClassRule {
    /// The binary outcome is true.
    Is(String),
    /// The binary outcome is false.
    Not(String),
    /// The numeric outcome is above the value (missing counts as false).
    Above(String, f64),
    /// The numeric outcome is below the value (missing counts as false).
    Below(String, f64),
}
