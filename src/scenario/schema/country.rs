//! Countries: population layer (citizens, network, opinion dynamics, drift) and economy.

use super::Param;
use serde::{Deserialize, Serialize};

/// A country with its citizens and its economy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub id: String,
    /// Display name. Default: the id.
    #[serde(default)]
    pub name: String,
    pub population: Population,
    pub economy: Economy,
    /// Id of the party actor that governs at the start. Default: none (the state actor keeps its own
    /// goals and positions until an election).
    #[serde(default)]
    pub government: Option<String>,
    /// Citizens as voters: party attachment, undecided respondents, turnout weights. Default: see
    /// [`super::Voters`] (no attachment; turnout is each election's `turnout`).
    #[serde(default)]
    pub voters: super::Voters,
}

/// The citizen layer of a country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Number of citizen agents simulated (a sample standing for the population). Default: 2000.
    #[serde(default = "default_size")]
    pub size: u32,
    /// Real population in millions, for reporting and per-capita economics. Default: 1.0.
    #[serde(default = "one")]
    pub real_millions: Param,
    /// Initial opinion distribution per dimension. Dimensions not listed start at `Spread(0.5, 0.15)`.
    #[serde(default)]
    pub opinions: Vec<InitialOpinion>,
    /// Per-citizen susceptibility to disinformation in [0, 1]. Default: mean 0.4, sd 0.15.
    #[serde(default = "default_susceptibility")]
    pub susceptibility: Spread,
    /// Per-citizen resilience (share of a disinformation push resisted) in [0, 1]. Default: mean 0.3, sd 0.1.
    #[serde(default = "default_resilience")]
    pub resilience: Spread,
    /// Social network built per run. Default: `WattsStrogatz(k: 6, p: 0.1)`.
    #[serde(default)]
    pub network: Network,
    /// Opinion-dynamics rule. Default: `Deffuant(mu: 0.3, epsilon: 0.25, encounters: 1.0)`.
    #[serde(default)]
    pub dynamics: Dynamics,
    /// Drift of opinions from the economy and the process. Default: see [`Drift`].
    #[serde(default)]
    pub drift: Drift,
    /// How the citizens take in media messages and campaigns: latitudes, exposure concentration and
    /// the country's detection capacity. Default: see [`Persuasion`].
    #[serde(default)]
    pub persuasion: Persuasion,
}

/// How a country's citizens take in messages from media and campaigns (docs/model.md 7.8.0): social
/// judgment theory's latitudes around each citizen's own opinion (Sherif & Hovland 1961), how
/// exposure concentrates on susceptible citizens (Eady et al. 2023), and how well campaigns are
/// detected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persuasion {
    /// Latitude of acceptance: a message within this distance of a citizen's own opinion can move them,
    /// [0, 1]. Default 0.25 (as the default Deffuant confidence bound).
    #[serde(default = "default_acceptance")]
    pub acceptance: Param,
    /// Where the latitude of rejection begins, in [acceptance, 1]: a message further than this from a
    /// citizen's opinion is rejected. Default 0.5.
    #[serde(default = "half")]
    pub rejection: Param,
    /// Boomerang: a rejected message moves the citizen away from it by this share of an accepted step,
    /// ≥ 0. Default 0 (the evidence for backlash is weak).
    #[serde(default)]
    pub boomerang: Param,
    /// Concentration `γ` of exposure on susceptible citizens: exposure weights `s_i^γ` (0: even), ≥ 0.
    /// Default 4 (the top tenth of citizens by susceptibility see about 40% of the items; γ ≈ 16 gives
    /// Eady et al.'s 1% of users taking 70% of exposures).
    #[serde(default = "default_concentration")]
    pub concentration: Param,
    /// Detection capacity (platforms, fact-checkers, services): multiplies every campaign's detection
    /// hazard, ≥ 0. Default 1.
    #[serde(default = "one")]
    pub vigilance: Param,
    /// Citizens an actor's perceived effect of a campaign is computed over: an evenly spaced panel of
    /// this many (0: all). The realised effect always reaches every citizen. Default 200.
    #[serde(default = "default_panel")]
    pub panel: u32,
}

impl Default for Persuasion {
    fn default() -> Self {
        Persuasion {
            acceptance: default_acceptance(),
            rejection: half(),
            boomerang: Param::Fixed(0.0),
            concentration: default_concentration(),
            vigilance: one(),
            panel: default_panel(),
        }
    }
}

fn default_panel() -> u32 {
    200
}

fn default_acceptance() -> Param {
    Param::Fixed(0.25)
}
fn default_concentration() -> Param {
    Param::Fixed(4.0)
}

fn default_size() -> u32 {
    2000
}
fn one() -> Param {
    Param::Fixed(1.0)
}
fn default_susceptibility() -> Spread {
    Spread {
        mean: Param::Fixed(0.4),
        sd: Param::Fixed(0.15),
    }
}
fn default_resilience() -> Spread {
    Spread {
        mean: Param::Fixed(0.3),
        sd: Param::Fixed(0.1),
    }
}

/// A per-citizen distribution on [0, 1]: normal(`mean`, `sd`) truncated to [0, 1] (by resampling).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub mean: Param,
    pub sd: Param,
}

/// Initial opinions of a country's citizens on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialOpinion {
    pub dimension: String,
    pub mean: Param,
    pub sd: Param,
}

/// Social network topologies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Network {
    /// Everyone can meet everyone (complete mixing).
    Complete,
    /// Watts–Strogatz small world: ring lattice of even degree `k`, each edge rewired with probability `p`.
    WattsStrogatz { k: u32, p: Param },
    /// Erdős–Rényi G(n, p) with `p = mean_degree / (n - 1)`.
    ErdosRenyi { mean_degree: Param },
}

impl Default for Network {
    fn default() -> Self {
        Network::WattsStrogatz {
            k: 6,
            p: Param::Fixed(0.1),
        }
    }
}

/// Bounded-confidence opinion dynamics, applied per dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Dynamics {
    /// Deffuant–Weisbuch (2000): a random pair of neighbours whose opinions differ by less than
    /// `epsilon` both move a share `mu` of the gap toward each other. `encounters` pairwise encounters
    /// per citizen per tick.
    Deffuant {
        mu: Param,
        epsilon: Param,
        encounters: Param,
    },
    /// Hegselmann–Krause (2002): every citizen moves to the mean opinion of its neighbours (itself
    /// included) within `epsilon`; `steps` synchronous updates per tick.
    HegselmannKrause { epsilon: Param, steps: u32 },
    /// Opinions move only by drift, actions and events.
    Frozen,
}

impl Default for Dynamics {
    fn default() -> Self {
        Dynamics::Deffuant {
            mu: Param::Fixed(0.3),
            epsilon: Param::Fixed(0.25),
            encounters: Param::Fixed(1.0),
        }
    }
}

/// Opinion drift from the world, per tick. Each term moves every citizen's opinion on `dimension`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Drift {
    /// Terms of drift. Default: none.
    #[serde(default)]
    pub terms: Vec<DriftTerm>,
}

/// `opinion[dimension] += rate * (indicator - reference)` each tick, for every citizen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftTerm {
    pub dimension: String,
    /// The driving indicator (e.g. `Growth("armenia")` for a peace dividend, `Tension`).
    pub indicator: super::Indicator,
    /// Reference level of the indicator at which there is no drift.
    #[serde(default)]
    pub reference: Param,
    /// Opinion change per tick per unit of the indicator above its reference.
    pub rate: Param,
}

/// A country's economy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Economy {
    /// Nominal GDP at the start, billions of USD.
    pub gdp_bn: Param,
    /// Annual real growth rate at the start (0.05 = 5%/yr): the latest observed rate.
    pub growth: Param,
    /// Potential growth: the annual rate growth reverts to (e.g. a medium-term projection of the IMF
    /// or the World Bank), docs/model.md 7.10. Default: `growth` (no reversion to another rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub potential_growth: Option<Param>,
    /// Standard deviation of the growth deviation from potential in its stationary state (annualised,
    /// 0.02 = 2 points). Default: 0.02 (annual growth in the three South Caucasus economies varied by
    /// about 2 to 2.5 points a year in 2010–2019, World Bank WDI; docs/model.md 7.10).
    #[serde(default = "d_growth_sd")]
    pub growth_sd: Param,
    /// Investor confidence at the start, in [0, 1]. Default: 0.5.
    #[serde(default = "half")]
    pub investor_confidence: Param,
    /// Share of foreign trade with each power (by actor id), each in [0, 1]. Default: none.
    #[serde(default)]
    pub trade_exposure: Vec<Exposure>,
}

fn half() -> Param {
    Param::Fixed(0.5)
}
fn d_growth_sd() -> Param {
    Param::Fixed(0.02)
}

impl Economy {
    /// Potential growth: `potential_growth`, or `growth` when not given.
    pub fn potential(&self) -> f64 {
        self.potential_growth
            .as_ref()
            .unwrap_or(&self.growth)
            .value()
    }
}

/// A trade share with one power.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exposure {
    pub power: String,
    pub share: Param,
}
