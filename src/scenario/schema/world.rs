//! Region-wide mechanism parameters: tension, influence and the economy's responses. Every field has a
//! documented default, so a scenario may omit the whole block.

use super::Param;
use serde::{Deserialize, Serialize};

macro_rules! p {
    ($($name:ident = $v:expr;)*) => { $(fn $name() -> Param { Param::Fixed($v) })* };
}

p! {
    d_tension = 0.3; d_tension_decay = 0.05; d_tension_floor = 0.1;
    d_influence_decay = 0.01; d_trade_pull = 0.02;
    d_conf_tension = 0.05; d_conf_recovery = 0.05; d_conf_growth = 0.05; d_growth_tension = 0.05;
    d_growth_reversion = 0.1; d_pressure_memory = 0.5; d_appeal_decay = 0.1;
    d_growth_half_life = 12.0; d_growth_floor = -0.3; d_growth_ceiling = 0.35; d_transit_capture = 0.02;
    d_temperature = 0.005; d_cost_weight = 0.002;
}

/// Region-wide parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldParams {
    /// Regional tension at the start, [0, 1]. Default: 0.3.
    #[serde(default = "d_tension")]
    pub tension: Param,
    /// Share of the gap to `tension_baseline` that tension closes per month. Default: 0.05.
    #[serde(default = "d_tension_decay")]
    pub tension_decay: Param,
    /// Lower bound of tension, [0, 1]: tension stays in `[tension_floor, 1]` whatever acts on it.
    /// Default: 0.1.
    #[serde(default = "d_tension_floor")]
    pub tension_floor: Param,
    /// Level tension decays toward when nothing happens, in `[tension_floor, 1]`; mediation removes a
    /// share of the tension above it (docs/model.md 7.11). Default: `tension_floor` (as in files
    /// written before the floor and the baseline were told apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tension_baseline: Option<Param>,
    /// Initial influence of powers in countries. Pairs not listed start at 0.
    #[serde(default)]
    pub influence: Vec<InfluenceInit>,
    /// Share of influence lost per month without action (decay toward the trade-based level). Default: 0.01.
    #[serde(default = "d_influence_decay")]
    pub influence_decay: Param,
    /// Weight of trade exposure in the level influence decays toward (`trade_pull × exposure`). Default: 0.02.
    #[serde(default = "d_trade_pull")]
    pub trade_pull: Param,
    /// Investor confidence lost per month per unit of tension above its start value. Default: 0.05.
    #[serde(default = "d_conf_tension")]
    pub confidence_tension: Param,
    /// Share of the gap to the calm level (its start value) confidence recovers per month. Default: 0.05.
    #[serde(default = "d_conf_recovery")]
    pub confidence_recovery: Param,
    /// Annualised growth added per unit of investor confidence above its start value. Default: 0.05
    /// (a confidence 0.1 above its start adds half a percentage point a year).
    #[serde(default = "d_conf_growth")]
    pub confidence_growth: Param,
    /// Annualised growth lost per unit of tension above its start value. Default: 0.05.
    #[serde(default = "d_growth_tension")]
    pub growth_tension: Param,
    /// Share of investment growth boosts and coercion drags that fades per month (event growth shocks
    /// last their stated months at full size instead). Default: 0.1.
    #[serde(default = "d_growth_reversion")]
    pub growth_reversion: Param,
    /// Half-life, in months, of a country's growth deviation from its potential rate (the AR(1)
    /// reversion of docs/model.md 7.10). Default: 12.
    #[serde(default = "d_growth_half_life")]
    pub growth_half_life: Param,
    /// Lowest annualised growth the model allows (−0.3: about Ukraine's 2022 contraction, −29%, the
    /// deepest in the wider region's recent record). Default: −0.3.
    #[serde(default = "d_growth_floor")]
    pub growth_floor: Param,
    /// Highest annualised growth the model allows (0.35: above Azerbaijan's 2006 oil boom, +31% by the
    /// IMF's count, +34.5% in the World Bank's WDI). Default: 0.35.
    #[serde(default = "d_growth_ceiling")]
    pub growth_ceiling: Param,
    /// Share of the value of the goods a route carries that each country it crosses captures as value
    /// added (fees, logistics, margins), for countries the route's `capture` does not list. Default:
    /// 0.02 (Georgian Railway earned about $10 a tonne in 2022, doubled for ports and forwarding, on
    /// goods worth about $1,000 a tonne; docs/model.md 7.10).
    #[serde(default = "d_transit_capture")]
    pub transit_capture: Param,
    /// Logit temperature of every actor that does not set its own, in utility units (docs/model.md
    /// 7.7). Default: 0.005.
    #[serde(default = "d_temperature")]
    pub temperature: Param,
    /// Opportunity cost of money of every actor that does not set its own: utility lost per million
    /// USD spent (docs/model.md 7.7). Default: 0.002.
    #[serde(default = "d_cost_weight")]
    pub cost_weight: Param,
    /// Share of the disinformation pressure memory kept from one month to the next (what
    /// counter-disinformation is valued against). Default: 0.5.
    #[serde(default = "d_pressure_memory")]
    pub pressure_memory: Param,
    /// Share of the gap between a party's appeal and its starting appeal that closes per month (support
    /// campaigns wear off). Default: 0.1.
    #[serde(default = "d_appeal_decay")]
    pub appeal_decay: Param,
}

impl Default for WorldParams {
    fn default() -> Self {
        WorldParams {
            tension: d_tension(),
            tension_decay: d_tension_decay(),
            tension_floor: d_tension_floor(),
            tension_baseline: None,
            influence: vec![],
            influence_decay: d_influence_decay(),
            trade_pull: d_trade_pull(),
            confidence_tension: d_conf_tension(),
            confidence_recovery: d_conf_recovery(),
            confidence_growth: d_conf_growth(),
            growth_tension: d_growth_tension(),
            growth_reversion: d_growth_reversion(),
            growth_half_life: d_growth_half_life(),
            growth_floor: d_growth_floor(),
            growth_ceiling: d_growth_ceiling(),
            transit_capture: d_transit_capture(),
            temperature: d_temperature(),
            cost_weight: d_cost_weight(),
            pressure_memory: d_pressure_memory(),
            appeal_decay: d_appeal_decay(),
        }
    }
}

/// Initial influence of a power in a country, [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfluenceInit {
    pub power: String,
    pub country: String,
    pub value: Param,
}

impl WorldParams {
    /// The level tension decays toward: `tension_baseline`, or `tension_floor` when not given.
    pub fn baseline(&self) -> f64 {
        self.tension_baseline
            .as_ref()
            .unwrap_or(&self.tension_floor)
            .value()
    }
}
