//! Citizens as voters (`countries[].voters`): party attachment (party identification), who counts as
//! undecided in a simulated poll, and the weights of the turnout model. The institutions that turn
//! votes into seats and governments are per election (`elections[]`, in `mechanisms.rs`).

use super::{Param, Spread};
use serde::{Deserialize, Serialize};

/// How a country's citizens relate to its parties. Every field has a default; without `attachment`
/// entries nobody is attached and, with the turnout weights at their default 0, every citizen turns out
/// with the election's `turnout` probability (the behaviour before this block existed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Voters {
    /// Share of citizens attached to each party at the start (party identification; Campbell et al.
    /// 1960), each in [0, 1], summing to at most 1; the rest are attached to no party. Default: none.
    #[serde(default)]
    pub attachment: Vec<Attachment>,
    /// Strength of an attached citizen's attachment, drawn per citizen: normal(`mean`, `sd`) truncated
    /// to [0, 1]. Default: mean 0.5, sd 0.2.
    #[serde(default = "default_strength")]
    pub strength: Spread,
    /// How closely the initial attachments follow opinions: a citizen's odds of holding party `p`'s
    /// attachment are proportional to `exp(−D/fit)` (D the distance to `p`'s platform), rescaled so
    /// each party's share is met. Large values assign attachments regardless of opinions. Default: 0.1.
    #[serde(default = "tenth")]
    pub fit: Param,
    /// Distance bonus of a full-strength attachment: an attached citizen's effective distance to its
    /// own party is `D − weight × strength`. Default: 0.1.
    #[serde(default = "tenth")]
    pub weight: Param,
    /// Share of the gap between an attachment's strength and its target `clamp(1 − D/latitude, 0, 1)`
    /// closed per month (D the distance to the own party's platform now). Default: 0.005 (a yearly
    /// stability near 0.94, Green, Palmquist & Schickler 2002).
    #[serde(default = "update")]
    pub update: Param,
    /// A citizen names a party in a poll only if its effective distance to the nearest party is at most
    /// this (otherwise it is alienated: undecided). Default: 0.2.
    #[serde(default = "latitude")]
    pub latitude: Param,
    /// ... and only if the runner-up's effective distance is larger by at least this (otherwise it is
    /// indifferent: undecided). Default: 0.02.
    #[serde(default = "indifference")]
    pub indifference: Param,
    /// Turnout logit per unit of attachment strength (partisans vote more). Default: 0.
    #[serde(default)]
    pub turnout_attachment: Param,
    /// Turnout logit lost per unit of effective distance to the nearest party on the ballot (abstention
    /// from alienation; Adams, Dow & Merrill 2006). Default: 0.
    #[serde(default)]
    pub turnout_alienation: Param,
    /// Turnout logit gained per unit of the gap between the two nearest parties on the ballot
    /// (abstention from indifference; Adams, Dow & Merrill 2006). Default: 0.
    #[serde(default)]
    pub turnout_indifference: Param,
    /// Shares of a poll among respondents naming a party (one entry per party, each in (0, 1],
    /// normalised over the entries) to which the listed parties' valences are fitted at the start:
    /// each listed party's `appeal` (a non-policy advantage every voter sees; Stokes 1963) is raised by
    /// the party-specific constant that makes the share of citizens whose nearest party is that party
    /// (effective distance, everyone counted) equal its poll share: the recalibration of
    /// alternative-specific constants to observed shares (Train 2009, §2.8), with the fitted
    /// constants' poll-weighted mean 0. Default: none (valence is the parties' `appeal` alone).
    #[serde(default)]
    pub valence_poll: Vec<Attachment>,
}

impl Default for Voters {
    fn default() -> Self {
        Voters {
            attachment: Vec::new(),
            strength: default_strength(),
            fit: tenth(),
            weight: tenth(),
            update: update(),
            latitude: latitude(),
            indifference: indifference(),
            turnout_attachment: Param::Fixed(0.0),
            turnout_alienation: Param::Fixed(0.0),
            turnout_indifference: Param::Fixed(0.0),
            valence_poll: Vec::new(),
        }
    }
}

/// The share of a country's citizens attached to one party at the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub party: String,
    /// Share of all citizens, [0, 1].
    pub share: Param,
}

fn default_strength() -> Spread {
    Spread {
        mean: Param::Fixed(0.5),
        sd: Param::Fixed(0.2),
    }
}
fn tenth() -> Param {
    Param::Fixed(0.1)
}
fn update() -> Param {
    Param::Fixed(0.005)
}
fn latitude() -> Param {
    Param::Fixed(0.2)
}
fn indifference() -> Param {
    Param::Fixed(0.02)
}
