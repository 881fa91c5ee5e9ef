//! Negotiated issues, projects, trade routes, elections and the process (phases and transitions).

use super::{Condition, Param};
use serde::{Deserialize, Serialize};

/// A negotiated issue, positions on 0..100, moved by an expected-utility bargaining round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    pub id: String,
    /// Display name. Default: the id.
    #[serde(default)]
    pub name: String,
    /// What 0 and 100 mean. Default: empty.
    #[serde(default)]
    pub description: String,
    /// Status quo position (0..100), the outcome if no agreement. Default: 50.
    #[serde(default = "fifty")]
    pub status_quo: Param,
    /// Bargaining round parameters. Default: see [`Bargaining`].
    #[serde(default)]
    pub bargaining: Bargaining,
}

fn fifty() -> Param {
    Param::Fixed(50.0)
}

/// Parameters of the expected-utility bargaining model (Bueno de Mesquita; Scholz et al. 2011).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bargaining {
    /// A round runs every `every` ticks. Default: 1.
    #[serde(default = "one_u")]
    pub every: u32,
    /// Probability an actor's challenge is taken as a threat to the status quo (Q in Scholz et al.).
    /// Default: 1.0 (Q=1 as in Scholz et al.'s baseline).
    #[serde(default = "one_p")]
    pub q: Param,
    /// Share of the distance an actor moves toward an accepted offer (1 = all the way, as published).
    /// Default: 1.
    #[serde(default = "one_p")]
    pub step: Param,
    /// How much public opinion scales a state's capability: `cap × (1 − w + w × support)` where support is
    /// the mean of its country's `support_dimension`. Default: 0 (no scaling).
    #[serde(default)]
    pub public_weight: Param,
    /// Dimension whose mean is the public support for the state's negotiators. Default: none.
    #[serde(default)]
    pub support_dimension: Option<String>,
    /// How the probability of success is normalised. Default: `Program` (reproduces Scholz et al.
    /// 2011, Table 2). See [`SuccessProbability`].
    #[serde(default)]
    pub probability: SuccessProbability,
    /// Which offer an actor accepts. Default: `ByKind` (Scholz et al.'s program). See [`OfferChoice`].
    #[serde(default)]
    pub offers: OfferChoice,
    /// Which compromise an actor accepts when `offers: ByKind` leaves it several. Default:
    /// `LowestWeightedPoint` (Scholz et al.'s program). See [`CompromiseChoice`].
    #[serde(default)]
    pub compromise: CompromiseChoice,
}

/// The probability of success `P_ij` of `i` against `j` in the bargaining model (docs/model.md 7.9).
/// Both readings share the numerator `Σ_k max(0, v^k_ij)`, the votes for `i` over `j`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SuccessProbability {
    /// As printed (Bueno de Mesquita 1994; Scholz et al. 2011): over the votes of this pair,
    /// `Σ_k |v^k_ij|`, so `P_ij + P_ji = 1`.
    Printed,
    /// As Scholz et al.'s program computes it (reported by the jmckib/dmasad replications): over the
    /// votes of every voter on every ordered pair of actors, `Σ_k Σ_a Σ_b |v^k_ab|`. Reproduces their
    /// Table 2.
    #[default]
    Program,
}

/// Which of the offers an actor receives in a bargaining round it accepts (docs/model.md 7.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OfferChoice {
    /// As printed (Bueno de Mesquita 2002; Scholz et al. 2011): the offer needing the least movement,
    /// whatever its kind.
    LeastMovement,
    /// As Scholz et al.'s program does it: a conflict if there is one (the nearest), else a compromise
    /// (chosen by `compromise`), else a capitulation (the nearest). Reproduces their Table 2.
    #[default]
    ByKind,
}

/// Which compromise an actor accepts under `offers: ByKind` when it has several (docs/model.md 7.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CompromiseChoice {
    /// As Scholz et al.'s program does it: the compromise whose point
    /// `(|EU_ij| x_i + EU_ji x_j) / (|EU_ij| + EU_ji)` is lowest on the issue scale. Reproduces their
    /// Table 2.
    #[default]
    LowestWeightedPoint,
    /// As printed: the compromise needing the least movement.
    LeastMovement,
}

impl Default for Bargaining {
    fn default() -> Self {
        Bargaining {
            every: 1,
            q: Param::Fixed(1.0),
            step: Param::Fixed(1.0),
            public_weight: Param::Fixed(0.0),
            support_dimension: None,
            probability: SuccessProbability::default(),
            offers: OfferChoice::default(),
            compromise: CompromiseChoice::default(),
        }
    }
}

fn one_u() -> u32 {
    1
}
fn one_p() -> Param {
    Param::Fixed(1.0)
}

/// An infrastructure project (e.g. the TRIPP corridor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Host country.
    pub country: String,
    /// Total construction cost, millions USD.
    pub cost: Param,
    /// Maximum progress per month (share of the whole), e.g. 1/24 for at least two years.
    pub build_rate: Param,
    /// Progress at the start, [0, 1]. Default: 0.
    #[serde(default)]
    pub progress: Param,
    /// All must hold for construction to advance. Default: none.
    #[serde(default)]
    pub preconditions: Vec<Condition>,
    /// Capacity once operational (route units, Mt/yr), added to the routes that list the project.
    #[serde(default)]
    pub capacity: Param,
    /// Months from completion to full operation (linear ramp-up). Default: 6.
    #[serde(default = "six")]
    pub ramp_up: u32,
    /// Construction halts while tension is at or above this. Default: 0.7.
    #[serde(default = "seventy")]
    pub security_threshold: Param,
}

fn six() -> u32 {
    6
}
fn seventy() -> Param {
    Param::Fixed(0.7)
}

/// A trade route (e.g. the Middle Corridor). Volume (Mt/yr) moves toward
/// `min(capacity × open, demand)` by `adjustment` per month, scaled by stability `1 − sensitivity × tension`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Countries the route crosses.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Volume at the start, Mt/yr.
    pub volume: Param,
    /// Base capacity, Mt/yr.
    pub capacity: Param,
    /// Projects whose capacity adds to the route once operational. Default: none.
    #[serde(default)]
    pub projects: Vec<String>,
    /// Demand at the start, Mt/yr. Default: equal to capacity.
    #[serde(default)]
    pub demand: Option<Param>,
    /// Annual growth of demand. Default: 0.05.
    #[serde(default = "five_pct")]
    pub demand_growth: Param,
    /// Capacity growth per year from the route's own investment programme, Mt/yr per year. Default: 0.
    #[serde(default)]
    pub capacity_growth: Param,
    /// Share of capacity open at the start, [0, 1] (transit opening raises it). Default: 1.
    #[serde(default = "one_p")]
    pub open: Param,
    /// How strongly tension cuts volume, [0, 1]. Default: 0.5.
    #[serde(default = "half")]
    pub sensitivity: Param,
    /// Share of the gap to the target volume closed per month. Default: 0.1.
    #[serde(default = "tenth")]
    pub adjustment: Param,
    /// Value of the goods the route carries, USD per tonne. Default: 1000 (the Middle Corridor's mix:
    /// about 60% raw materials in 2021, the rest containers and finished goods; World Bank 2023).
    #[serde(default = "thousand")]
    pub value_per_tonne: Param,
    /// Share of that value each listed country captures as value added (transit fees, logistics,
    /// trade margins), [0, 1]; countries of `countries` not listed here capture
    /// `world.transit_capture`. Default: none.
    #[serde(default)]
    pub capture: Vec<Capture>,
}

/// The share of a route's goods value a country captures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    pub country: String,
    pub share: Param,
}

fn thousand() -> Param {
    Param::Fixed(1000.0)
}

fn five_pct() -> Param {
    Param::Fixed(0.05)
}
fn half() -> Param {
    Param::Fixed(0.5)
}
fn tenth() -> Param {
    Param::Fixed(0.1)
}

/// A national election: citizens vote (see [`super::Voters`]); the election's institutions turn the
/// votes into seats and a government.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    pub id: String,
    pub country: String,
    /// Month of the vote, `"YYYY-MM"`, within the horizon.
    pub month: String,
    /// Competing party actors (lists on the ballot).
    pub parties: Vec<String>,
    /// Vote-share threshold for a party's list to win seats, [0, 1]. Default: 0.05.
    #[serde(default = "five_pct")]
    pub threshold: Param,
    /// Which listed parties are alliances, and of how many parties. Default: none (every list is a
    /// single party).
    #[serde(default)]
    pub alliances: Vec<AllianceEntry>,
    /// Thresholds for alliances by size: an alliance uses the entry with the largest `members` not above
    /// its own size (none applies: the party threshold). Default: none.
    #[serde(default)]
    pub alliance_thresholds: Vec<AllianceThreshold>,
    /// If fewer lists pass their thresholds, the lists with the most votes join the seat distribution
    /// until this many take part. Default: 0.
    #[serde(default)]
    pub min_parties: u32,
    /// Seats distributed proportionally among the lists that passed (at least 1). Default: 100.
    #[serde(default = "hundred")]
    pub seats: u32,
    /// Seats added after the distribution, allocated by the same method on the same votes among the
    /// lists in parliament (a stand-in for reserved seats filled from the lists, such as Armenia's four
    /// national-minority seats). Default: 0.
    #[serde(default)]
    pub reserved_seats: u32,
    /// Seat allocation method. Default: `DHondt`.
    #[serde(default)]
    pub method: SeatMethod,
    /// Stable-majority bonus: a governing side formed by a seat majority, a coalition or a second round
    /// that holds less than this share of the seats receives the fewest added seats that bring it to
    /// this share, in (0.5, 1). Default: none.
    #[serde(default)]
    pub majority_bonus: Option<Param>,
    /// Opposition minimum: if the lists outside the government hold less than this share of the seats,
    /// they receive the fewest added seats that bring them to it, in [0, 0.5). Default: none.
    #[serde(default)]
    pub opposition_min: Option<Param>,
    /// How a government forms from the seats. Default: see [`Formation`] (the list with the most votes
    /// governs).
    #[serde(default)]
    pub formation: Formation,
    /// Turnout of a citizen attached to no party, with the country's turnout weights applied to its
    /// distances (with the weights at 0: every citizen's probability to vote), (0, 1]. Default: 0.6.
    #[serde(default = "sixty")]
    pub turnout: Param,
    /// Sd of the normal noise added to each voter's distance to each party. Default: 0.05.
    #[serde(default = "noise")]
    pub noise: Param,
}

fn sixty() -> Param {
    Param::Fixed(0.6)
}
fn noise() -> Param {
    Param::Fixed(0.05)
}
fn hundred() -> u32 {
    100
}

/// A list on the ballot that is an alliance of several parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllianceEntry {
    /// The party actor standing for the alliance (one of the election's `parties`).
    pub party: String,
    /// Number of parties in the alliance (at least 2).
    pub members: u32,
}

/// The threshold of alliances of at least `members` parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllianceThreshold {
    /// Smallest alliance size the entry applies to (at least 2).
    pub members: u32,
    /// Vote-share threshold, [0, 1].
    pub threshold: Param,
}

/// Seat allocation methods (Gallagher & Mitchell 2005, appendix B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SeatMethod {
    /// Highest averages with divisors 1, 2, 3, ...
    #[default]
    DHondt,
    /// Highest averages with divisors 1, 3, 5, ...
    SainteLague,
    /// Hare quota (votes / seats); integer parts, then the largest remainders.
    LargestRemainder,
    /// Hare quota; integer parts, then the seats left go one each to the lists with the most votes
    /// (Georgia's Election Code since 2024).
    HareLargestLists,
}

/// Government formation after an election (order: a list with a seat majority governs; else a
/// coalition, if a rule is given; else a second round, if held; else the list with the most votes
/// governs as a minority government).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formation {
    /// How a coalition with a seat majority is chosen when no list has one. Default: none (no
    /// coalitions).
    #[serde(default)]
    pub coalition: Option<CoalitionRule>,
    /// Parties whose platforms are further apart than this (mean absolute distance, 0..1) never govern
    /// together. Default: 1 (any two may).
    #[serde(default = "one_p")]
    pub max_distance: Param,
    /// Most parties in a coalition; 0 = no limit. Default: 0.
    #[serde(default)]
    pub max_parties: u32,
    /// A second round between the two lists with the most votes when neither a majority nor a coalition
    /// forms; its winner governs. Default: false.
    #[serde(default)]
    pub runoff: bool,
}

impl Default for Formation {
    fn default() -> Self {
        Formation {
            coalition: None,
            max_distance: Param::Fixed(1.0),
            max_parties: 0,
            runoff: false,
        }
    }
}

/// Coalition rules: among the minimal winning coalitions (no member can leave without the rest losing
/// the majority; Riker 1962) whose members are all within `max_distance` of each other, those with the
/// list with the most votes are tried first (it is the formateur); the chosen one has the smallest
/// policy range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CoalitionRule {
    /// Range = the largest platform distance between two members (closed minimal range, de Swaan 1973,
    /// on all platform dimensions).
    ClosestPlatforms,
    /// Only coalitions connected on this dimension (no list between two members left out; Axelrod 1970);
    /// range = the members' span on it.
    MinimalConnected(String),
}

/// The process as phases with transition rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// Phases (ids), e.g. framework, implementation, signed, ratified, stalled, crisis, clashes.
    pub phases: Vec<Phase>,
    /// Phase at the start.
    pub initial: String,
    /// Rules checked every month in order; the first that fires moves the process.
    #[serde(default)]
    pub transitions: Vec<Transition>,
}

impl Default for Process {
    fn default() -> Self {
        Process {
            phases: vec![Phase {
                id: "none".into(),
                label: String::new(),
            }],
            initial: "none".into(),
            transitions: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: String,
    #[serde(default)]
    pub label: String,
}

/// `from` (any of, empty = any phase) -> `to` when every condition holds, with probability
/// `probability` per month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    #[serde(default)]
    pub from: Vec<String>,
    pub to: String,
    #[serde(default)]
    pub when: Vec<Condition>,
    /// Default: 1.
    #[serde(default = "one_p")]
    pub probability: Param,
    /// The actor who decides the move (e.g. the government that signs): when the rule applies and its
    /// Bernoulli draw succeeds, the actor moves the process only if it chooses to, by a logit on the
    /// expected utility of the new phase under its goals (docs/model.md 7.17). Default: none (the
    /// rule fires on the draw alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}
