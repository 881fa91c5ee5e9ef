//! The action catalogue's parameters, as written in an actor's `actions` list. Each action's effect lives
//! in its own file under `src/model/actions/` and its equations in docs/model.md. Every parameter has a
//! default; `cost` is in the actor's budget units (millions of USD per month).

use super::Param;
use serde::{Deserialize, Serialize};

/// One entry of an actor's repertoire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ActionSpec {
    Disinformation(Disinformation),
    CounterDisinformation(CounterDisinformation),
    Invest(Invest),
    Coercion(Coercion),
    Mediation(Mediation),
    PartySupport(PartySupport),
    MilitaryPressure(MilitaryPressure),
    TransitOpening(TransitOpening),
}

/// The action kinds' names, in the order of [`ActionSpec`]'s variants (and of [`ActionSpec::kind`]):
/// the names an outcome's `Count` accepts and the `actions` series' entity suffix. The one list of
/// them: the model's per-kind counters use the same order.
pub const ACTION_NAMES: [&str; 8] = [
    "disinformation",
    "counter_disinformation",
    "invest",
    "coercion",
    "mediation",
    "party_support",
    "military_pressure",
    "transit_opening",
];

impl ActionSpec {
    /// Index of this action's kind in [`ACTION_NAMES`].
    pub fn kind(&self) -> usize {
        use ActionSpec::*;
        match self {
            Disinformation(_) => 0,
            CounterDisinformation(_) => 1,
            Invest(_) => 2,
            Coercion(_) => 3,
            Mediation(_) => 4,
            PartySupport(_) => 5,
            MilitaryPressure(_) => 6,
            TransitOpening(_) => 7,
        }
    }
}

impl ActionSpec {
    /// The action's name as it appears in events and charts.
    pub fn name(&self) -> &'static str {
        ACTION_NAMES[self.kind()]
    }
}

/// Direction of an opinion push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    pub fn sign(self) -> f64 {
        match self {
            Direction::Up => 1.0,
            Direction::Down => -1.0,
        }
    }
}

macro_rules! param_default {
    ($($name:ident = $v:expr;)*) => { $(fn $name() -> Param { Param::Fixed($v) })* };
}

param_default! {
    d_disinfo_cost = 5.0; d_disinfo_shift = 0.02; d_disinfo_detect = 0.05;
    d_disinfo_backlash = 0.05; d_disinfo_inoc = 0.05;
    d_efficiency = 0.2; d_exposures = 4.0; d_trust_loss = 0.1;
    d_counter_cost = 3.0; d_counter_gain = 0.1; d_counter_decay = 0.3; d_counter_vigilance = 0.5;
    d_invest_cost = 20.0; d_invest_mult = 0.5; d_invest_conf = 0.002; d_invest_infl = 0.01; d_invest_hold = 1.0;
    d_coerce_cost = 5.0; d_coerce_loss = 0.01; d_coerce_shift = 0.01; d_coerce_backfire = 0.3;
    d_coerce_backlash = 0.03; d_coerce_infl = 0.01;
    d_med_cost = 2.0; d_med_conv = 0.2; d_med_relief = 0.5; d_med_infl = 0.005;
    d_party_cost = 2.0; d_party_shift = 0.01; d_party_detect = 0.05; d_party_backlash = 0.03;
    d_mil_cost = 10.0; d_mil_tension = 0.05; d_mil_clash = 0.03; d_mil_cap = 0.1; d_mil_decay = 0.1;
    d_transit_cost = 1.0; d_transit_gain = 0.1;
}

/// Disinformation campaign against a country's citizens on one opinion dimension: a message at
/// `position` pushing in `direction`, sent through the source's media (its `media_reach` entry for the
/// country gives reach and trust). The mechanics are shared with counter-disinformation and party
/// support (src/model/persuasion.rs, docs/model.md 7.8.0 and 7.8.1):
///
/// - citizen `i` sees `k_i ~ Poisson(λ_i)` items a month, `λ_i = reach × exposures × (1 −
///   exp(−efficiency × cost)) × w_i`, with `w_i` the country's exposure weights (concentrated on
///   susceptible citizens);
/// - an item within the citizen's latitude of acceptance moves them `shift × trust_i × s_i × (1 − r_i)`
///   toward the message (never past it, never against `direction`); in the latitude of rejection it
///   moves them away by the country's `boomerang` share of that; in between, not at all;
/// - the campaign is detected with probability `1 − exp(−detection × cost × vigilance)`; then the source
///   loses `backlash × (share of citizens exposed)` influence and `trust_loss × (share)` trust in the
///   country, and the exposed citizens gain `inoculation` resilience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disinformation {
    /// Target countries (one option per country).
    pub countries: Vec<String>,
    /// Opinion dimension pushed.
    pub dimension: String,
    pub direction: Direction,
    /// The message's own position on the dimension, [0, 1]. Default: the end it pushes toward (0 for
    /// `Down`, 1 for `Up`).
    #[serde(default)]
    pub position: Option<Param>,
    /// Spend per campaign-month, M USD. Default 5.
    #[serde(default = "d_disinfo_cost")]
    pub cost: Param,
    /// Diminishing returns of spend: exposure reaches `1 − exp(−efficiency × cost)` of its saturation,
    /// per M USD. Default 0.2.
    #[serde(default = "d_efficiency")]
    pub efficiency: Param,
    /// Mean items a citizen of average exposure weight sees per month at full reach and unlimited spend.
    /// Default 4.
    #[serde(default = "d_exposures")]
    pub exposures: Param,
    /// Opinion step per accepted item for a citizen with full trust, susceptibility 1 and resilience 0.
    /// Default 0.02 (an average citizen moves about 0.003 per item; docs/model.md 7.8.1).
    #[serde(default = "d_disinfo_shift")]
    pub shift: Param,
    /// Detection hazard per M USD spent at vigilance 1. Default 0.05.
    #[serde(default = "d_disinfo_detect")]
    pub detection: Param,
    /// Influence the source loses on detection, per unit share of citizens exposed. Default 0.05.
    #[serde(default = "d_disinfo_backlash")]
    pub backlash: Param,
    /// Trust in the source lost on detection, per unit share of citizens exposed. Default 0.1.
    #[serde(default = "d_trust_loss")]
    pub trust_loss: Param,
    /// Resilience the exposed citizens gain on detection. Default 0.05.
    #[serde(default = "d_disinfo_inoc")]
    pub inoculation: Param,
}

/// Counter-disinformation (prebunking, fact-checking, media literacy) in a country, through the actor's
/// own media (reach and trust from its `media_reach` entry): a citizen who sees `k` items and accepts
/// them gains a shield `S_i ← 1 − (1 − S_i)(1 − resilience_gain × trust_i)^k`, the share of later
/// disinformation pushes resisted on top of their resilience; shields decay by a share `decay` per
/// month. Without `dimension`, a prebunk: every exposed citizen accepts. With `dimension` and
/// `position`, a debunk taking a side: only citizens within their latitude of acceptance of `position`
/// accept. Each campaign-month also adds `vigilance_gain` to the country's detection capacity (decaying
/// with the shields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterDisinformation {
    pub countries: Vec<String>,
    /// Dimension a debunk takes a side on (with `position`). Default: none (a prebunk).
    #[serde(default)]
    pub dimension: Option<String>,
    /// The debunk's position on `dimension`, [0, 1]. Required with `dimension`.
    #[serde(default)]
    pub position: Option<Param>,
    /// Spend per campaign-month, M USD. Default 3.
    #[serde(default = "d_counter_cost")]
    pub cost: Param,
    /// Diminishing returns of spend, per M USD (as for disinformation). Default 0.2.
    #[serde(default = "d_efficiency")]
    pub efficiency: Param,
    /// Mean items per citizen of average weight per month at full reach and unlimited spend. Default 4.
    #[serde(default = "d_exposures")]
    pub exposures: Param,
    /// Shield per accepted item at full trust, [0, 1]. Default 0.1.
    #[serde(default = "d_counter_gain")]
    pub resilience_gain: Param,
    /// Share of the shields (and of the added vigilance) lost per month, [0, 1]. Default 0.3.
    #[serde(default = "d_counter_decay")]
    pub decay: Param,
    /// Detection capacity added to the country per campaign-month. Default 0.5.
    #[serde(default = "d_counter_vigilance")]
    pub vigilance_gain: Param,
}

/// Target of an investment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InvestTarget {
    Project(String),
    Country(String),
}

/// Investment in a project (funds construction) or a country (raises growth, investor confidence and
/// the investor's influence). The amount actually committed is `cost × (1 − hold_back × tension)`,
/// floored at 0: investors hold back when risk is high.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invest {
    pub targets: Vec<InvestTarget>,
    /// Default 20.
    #[serde(default = "d_invest_cost")]
    pub cost: Param,
    /// Annualised growth boost per unit of (amount / GDP) for country investment. Default 0.5.
    #[serde(default = "d_invest_mult")]
    pub growth_multiplier: Param,
    /// Investor-confidence gain per investment-month. Default 0.002.
    #[serde(default = "d_invest_conf")]
    pub confidence_gain: Param,
    /// Influence the investor gains in the host country per investment-month. Default 0.01.
    #[serde(default = "d_invest_infl")]
    pub influence_gain: Param,
    /// How strongly tension deters the investment. Default 1.
    #[serde(default = "d_invest_hold")]
    pub hold_back: Param,
}

/// Economic coercion (sanctions, bans, gas prices). The target's growth drops by `growth_loss`
/// (annualised) and the source pays `cost`; citizens' opinion on `dimension` moves by `shift` in
/// `direction`, except with probability `backfire`, when it moves the other way and the source loses
/// `backlash` influence. Otherwise the source gains `influence_gain` leverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coercion {
    pub countries: Vec<String>,
    pub dimension: String,
    pub direction: Direction,
    /// Default 5.
    #[serde(default = "d_coerce_cost")]
    pub cost: Param,
    /// Default 0.01.
    #[serde(default = "d_coerce_loss")]
    pub growth_loss: Param,
    /// Default 0.01.
    #[serde(default = "d_coerce_shift")]
    pub shift: Param,
    /// Default 0.3.
    #[serde(default = "d_coerce_backfire")]
    pub backfire: Param,
    /// Default 0.03.
    #[serde(default = "d_coerce_backlash")]
    pub backlash: Param,
    /// Default 0.01.
    #[serde(default = "d_coerce_infl")]
    pub influence_gain: Param,
}

/// Mediation on a negotiated issue: this month's bargaining round closes an extra share `convergence`
/// of each actor's gap to the forecast, tension loses a share `tension_relief × standing` of its excess
/// over `world.tension_baseline`, and the mediator gains `influence_gain` in the countries of the
/// actors on the issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mediation {
    pub issues: Vec<String>,
    /// Default 2.
    #[serde(default = "d_med_cost")]
    pub cost: Param,
    /// Default 0.2.
    #[serde(default = "d_med_conv")]
    pub convergence: Param,
    /// Share of the tension above the baseline a mediator of full standing removes in a month, [0, 1]
    /// (replaces the former absolute `tension_reduction`). Default 0.5.
    #[serde(default = "d_med_relief")]
    pub tension_relief: Param,
    /// The mediator's standing with the parties, [0, 1]. Default: an external power's mean influence in
    /// the countries of the states holding a position on the issue; required for other mediators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<Param>,
    /// Default 0.005.
    #[serde(default = "d_med_infl")]
    pub influence_gain: Param,
}

/// Political support for a party (campaigning, media, money, endorsements), by the party itself or by
/// a sponsor. A persuasion campaign for the party's platform through the acting actor's media (its
/// `media_reach` entry for the party's country): exposure, trust and latitudes as for disinformation,
/// the message being the platform (distance: mean absolute distance over the platform's dimensions);
/// an accepted item moves each platform dimension `shift × trust_i × s_i` toward the platform. The
/// party's appeal (a valence bonus for every voter) rises by `appeal_gain`. Support by another actor
/// can be detected (`1 − exp(−detection × cost × vigilance)`): the party then loses `backlash ×
/// (share exposed)` appeal, the sponsor the same in influence and `trust_loss × (share)` in trust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartySupport {
    pub parties: Vec<String>,
    /// Spend per campaign-month, M USD. Default 2.
    #[serde(default = "d_party_cost")]
    pub cost: Param,
    /// Diminishing returns of spend, per M USD. Default 0.2.
    #[serde(default = "d_efficiency")]
    pub efficiency: Param,
    /// Mean items per citizen of average weight per month at full reach and unlimited spend. Default 4.
    #[serde(default = "d_exposures")]
    pub exposures: Param,
    /// Opinion step per accepted item at full trust and susceptibility 1. Default 0.01.
    #[serde(default = "d_party_shift")]
    pub shift: Param,
    /// Appeal (valence) added per campaign-month. Default 0 (Kalla & Broockman 2018).
    #[serde(default)]
    pub appeal_gain: Param,
    /// Detection hazard per M USD at vigilance 1 (only for support by another actor). Default 0.05.
    #[serde(default = "d_party_detect")]
    pub detection: Param,
    /// Appeal and influence lost on detection, per unit share of citizens exposed. Default 0.03.
    #[serde(default = "d_party_backlash")]
    pub backlash: Param,
    /// Trust in the sponsor lost on detection, per unit share of citizens exposed. Default 0.1.
    #[serde(default = "d_trust_loss")]
    pub trust_loss: Param,
}

/// Military pressure or a border incident: tension rises by `tension_gain`; with probability
/// `clash_probability` it triggers an armed clash (the `clash` event of the process, see docs); the
/// actor's bargaining capability is multiplied by `1 + capability_gain` (the boost decays by `decay`
/// per month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilitaryPressure {
    pub countries: Vec<String>,
    /// Default 10.
    #[serde(default = "d_mil_cost")]
    pub cost: Param,
    /// Default 0.05.
    #[serde(default = "d_mil_tension")]
    pub tension_gain: Param,
    /// Default 0.03.
    #[serde(default = "d_mil_clash")]
    pub clash_probability: Param,
    /// Default 0.1.
    #[serde(default = "d_mil_cap")]
    pub capability_gain: Param,
    /// Default 0.1.
    #[serde(default = "d_mil_decay")]
    pub decay: Param,
    /// Id of an event whose effects apply when the pressure triggers a clash (e.g. `"border_clash"`).
    /// A clash is counted under this event id by `Happened` and `Count`. Default: none (a clash then only
    /// counts as the action's `clash` result).
    #[serde(default)]
    pub clash_event: Option<String>,
}

/// Opening transit and customs on a route: its usable capacity share rises by `volume_gain` (up to 1),
/// only while the process is in one of `phases` (empty: any phase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitOpening {
    pub routes: Vec<String>,
    /// Phases in which opening is possible. Default: any.
    #[serde(default)]
    pub phases: Vec<String>,
    /// Default 1.
    #[serde(default = "d_transit_cost")]
    pub cost: Param,
    /// Default 0.1.
    #[serde(default = "d_transit_gain")]
    pub volume_gain: Param,
}
