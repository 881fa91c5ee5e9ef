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
    d_growth_reversion = 0.1; d_trade_dividend = 0.02; d_pressure_memory = 0.5; d_appeal_decay = 0.1;
}

/// Region-wide parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldParams {
    /// Regional tension at the start, [0, 1]. Default: 0.3.
    #[serde(default = "d_tension")]
    pub tension: Param,
    /// Share of the gap to `tension_floor` that tension loses per month. Default: 0.05.
    #[serde(default = "d_tension_decay")]
    pub tension_decay: Param,
    /// Level tension decays toward when nothing happens. Default: 0.1.
    #[serde(default = "d_tension_floor")]
    pub tension_floor: Param,
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
    /// Annualised growth lost per unit of tension. Default: 0.05.
    #[serde(default = "d_growth_tension")]
    pub growth_tension: Param,
    /// Share of investment growth boosts and coercion drags that fades per month (event growth shocks
    /// last their stated months at full size instead). Default: 0.1.
    #[serde(default = "d_growth_reversion")]
    pub growth_reversion: Param,
    /// Annualised growth per unit of route volume growth relative to start (a trade dividend), for the
    /// countries a route crosses. Default: 0.02.
    #[serde(default = "d_trade_dividend")]
    pub trade_dividend: Param,
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
            influence: vec![],
            influence_decay: d_influence_decay(),
            trade_pull: d_trade_pull(),
            confidence_tension: d_conf_tension(),
            confidence_recovery: d_conf_recovery(),
            confidence_growth: d_conf_growth(),
            growth_tension: d_growth_tension(),
            growth_reversion: d_growth_reversion(),
            trade_dividend: d_trade_dividend(),
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
