//! Actors: states, political parties and external powers, with their preferences and repertoire.

use super::{ActionSpec, Indicator, Param};
use serde::{Deserialize, Serialize};

/// An actor that acts every month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    /// Display name. Default: the id.
    #[serde(default)]
    pub name: String,
    pub kind: ActorKind,
    /// Country the actor belongs to (required for `State` and `Party`, absent for `ExternalPower`).
    #[serde(default)]
    pub country: Option<String>,
    /// What the actor wants: weighted changes in indicators. Default: none.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Positions on negotiated issues. Default: none.
    #[serde(default)]
    pub positions: Vec<Position>,
    /// Party platform: where the party stands on opinion dimensions (voters choose the nearest).
    /// Only for `Party`. Default: none.
    #[serde(default)]
    pub platform: Vec<PlatformPoint>,
    /// Party appeal at the start: a bonus subtracted from every voter's distance to the party's platform
    /// (so 0.05 wins the voters within 0.05 of indifference). Only for `Party`. Default: 0.
    #[serde(default)]
    pub appeal: Param,
    /// Budget available per month, in millions of USD (or equivalent effort). Default: 0.
    #[serde(default)]
    pub budget: Param,
    /// Media per country: the actor's audience there and how far its citizens trust it (used by
    /// disinformation, counter-disinformation and party support; docs/model.md 7.8.0). Default: none
    /// (no reach).
    #[serde(default)]
    pub media_reach: Vec<Reach>,
    /// Risk attitude in [-1, 1]: negative is risk-averse (the spread of an action's effect counts against
    /// it), positive risk-seeking. Default: -0.2.
    #[serde(default = "default_risk")]
    pub risk_attitude: Param,
    /// Logit temperature, in utility units: options are chosen with probability proportional to
    /// `exp(EU / temperature)` ("do nothing" has EU 0), so a utility gap of one temperature multiplies
    /// the odds by e; 0 always takes the best option. Replaces the former `rationality`. Default:
    /// `world.temperature` (docs/model.md 7.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<Param>,
    /// How many actions the actor may take in one month while budget lasts. Default: 3.
    #[serde(default = "default_max_actions")]
    pub max_actions: u32,
    /// Perception: the actor's expected effect of an action is the catalogue's nominal effect times
    /// `perception` (1 = accurate). Default: 1.
    #[serde(default = "one")]
    pub perception: Param,
    /// Opportunity cost of money: utility lost per budget unit (million USD) spent, so an action is
    /// worth taking only if its expected effects outweigh its cost. Default: `world.cost_weight`
    /// (docs/model.md 7.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_weight: Option<Param>,
    /// Action repertoire. Default: none.
    #[serde(default)]
    pub actions: Vec<ActionSpec>,
}

fn default_risk() -> Param {
    Param::Fixed(-0.2)
}
fn default_max_actions() -> u32 {
    3
}
fn one() -> Param {
    Param::Fixed(1.0)
}

/// Actor kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorKind {
    /// A government; its goals and positions follow the governing party when one is set.
    State,
    /// A political party competing in elections.
    Party,
    /// A foreign power acting in the region.
    ExternalPower,
}

/// A goal: the actor gains `weight` per unit increase of `indicator` (negative weight: wants it down).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub indicator: Indicator,
    pub weight: Param,
}

/// A position on a negotiated issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub issue: String,
    /// Preferred outcome on 0..100.
    pub position: Param,
    /// How much the issue matters to the actor, [0, 1].
    pub salience: Param,
    /// Bargaining capability (relative; scaled each tick by the world, see docs/model.md), > 0.
    pub capability: Param,
}

/// A party's stance on an opinion dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformPoint {
    pub dimension: String,
    /// Position on the dimension, [0, 1].
    pub value: Param,
}

/// An actor's media in one country: reach, and its citizens' trust in the actor as a source.
///
/// Citizen `i`'s trust is `clamp(trust − penalty + trust_slope × (x_i[trust_dimension] − 0.5), 0, 1)`,
/// where `penalty` is the trust lost to detected campaigns so far (docs/model.md 7.8.0). A source
/// trusted by one camp and distrusted by the other (e.g. Russian media and western orientation) has a
/// `trust_dimension` and a slope; a source trusted alike by all has a slope of 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reach {
    pub country: String,
    /// Audience share in [0, 1]: the mean number of items a citizen of average exposure weight sees a
    /// month is `reach × exposures` at unlimited spend (each campaign's `exposures`).
    pub reach: Param,
    /// Trust of a citizen at 0.5 on `trust_dimension` (of every citizen without one), [0, 1]. Default 0.5.
    #[serde(default = "half")]
    pub trust: Param,
    /// Opinion dimension trust depends on. Default: none.
    #[serde(default)]
    pub trust_dimension: Option<String>,
    /// Change of trust per unit of opinion on `trust_dimension` above 0.5, in [-2, 2]. Default 0.
    #[serde(default)]
    pub trust_slope: Param,
}

fn half() -> Param {
    Param::Fixed(0.5)
}
