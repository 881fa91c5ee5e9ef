//! Indicators: the named quantities of the world that goals, drift, conditions and outcomes refer to.
//! The model computes each one; series.csv records them per tick as `indicator` + `entity`.

use serde::{Deserialize, Serialize};

/// A quantity of the world at the current tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Indicator {
    /// Mean citizen opinion on a dimension in a country, [0, 1].
    Opinion { country: String, dimension: String },
    /// Share of citizens whose opinion on a dimension is above `threshold`, [0, 1].
    OpinionShare {
        country: String,
        dimension: String,
        threshold: f64,
    },
    /// Polarisation (Esteban–Ray style, see docs/model.md) of opinions on a dimension, [0, 1].
    Polarization { country: String, dimension: String },
    /// Influence of an external power in a country, [0, 1].
    Influence { power: String, country: String },
    /// Investor confidence in a country, [0, 1].
    InvestorConfidence(String),
    /// Annualised growth rate of a country this tick (0.05 = 5%/yr).
    Growth(String),
    /// GDP of a country, billions USD.
    Gdp(String),
    /// Construction progress of a project, [0, 1].
    ProjectProgress(String),
    /// Whether a project operates (0 or 1) times its ramp-up share, [0, 1].
    ProjectOperation(String),
    /// Volume carried by a route, Mt per year.
    RouteVolume(String),
    /// Regional tension, [0, 1].
    Tension,
    /// Forecast (salience- and capability-weighted mean position) of a negotiated issue, 0..100.
    IssueForecast(String),
    /// Median voter position of a negotiated issue, 0..100: the position of the states and external
    /// powers with salience that the salience- and capability-weighted majority prefers to every other
    /// (the weighted median; Bueno de Mesquita's forecast, docs/model.md 7.9).
    IssueMedian(String),
    /// Spread (max - min) of the positions of actors with salience on an issue, 0..100.
    IssueSpread(String),
    /// A party's support among citizens (share who would vote for it now), [0, 1].
    PartySupport(String),
    /// A simulated poll: share of all respondents (the country's citizens, undecided included) who name
    /// the party, [0, 1].
    PollShare(String),
    /// A simulated poll: the party's share among the respondents who name a party, [0, 1].
    PollDecided(String),
    /// A simulated poll: share of a country's respondents who name no party, [0, 1].
    Undecided(String),
    /// Share of an actor's monthly budget spent this month, [0, 1].
    BudgetUse(String),
    /// 1 while the process is in one of these phases, else 0 (a goal on it makes an actor value a
    /// phase, e.g. the treaty signed).
    InPhase(Vec<String>),
}
