//! Checks of the voting blocks: an election's institutions (alliances and their thresholds, seats,
//! bonus, opposition minimum, coalition rule) and each country's `voters` (party attachment shares,
//! strengths and weights). Called from [`super::validate`]; every problem is located at its value.

use super::{ANY, Bound, Ctx, NONNEG, POS, SHARE};
use crate::scenario::schema::{ActorKind, CoalitionRule, Election};
use std::collections::HashSet;

/// The stable-majority bonus: a seat share above one half and below 1 (at 1 no number of added seats
/// reaches it while the opposition holds any).
const BONUS: Bound = Bound {
    lo: 0.5,
    hi: 1.0,
    lo_open: true,
    hi_open: true,
    what: "a seat share in (0.5, 1)",
};
/// The opposition minimum: a seat share below one half.
const OPPOSITION: Bound = Bound {
    lo: 0.0,
    hi: 0.5,
    lo_open: false,
    hi_open: true,
    what: "a seat share in [0, 0.5)",
};
/// The attachment fit: small values underflow `exp(−D/fit)` for every party.
const FIT: Bound = Bound {
    lo: 0.01,
    hi: f64::INFINITY,
    lo_open: false,
    hi_open: true,
    what: "≥ 0.01 (a distance scale; smaller values underflow)",
};

/// The institutions of election `e` at path `p` (`elections[k]`).
pub(super) fn institutions(c: &mut Ctx, p: &str, e: &Election) {
    if e.seats == 0 {
        c.err(&format!("{p}.seats"), "`seats` must be at least 1, found 0");
    }
    let mut seen = HashSet::new();
    for (j, a) in e.alliances.iter().enumerate() {
        let q = format!("{p}.alliances[{j}]");
        if !e.parties.contains(&a.party) {
            c.err(
                &format!("{q}.party"),
                format!(
                    "`{}` is not on the ballot of election `{}` (its parties: {})",
                    a.party,
                    e.id,
                    e.parties.join(", ")
                ),
            );
        }
        if !seen.insert(a.party.as_str()) {
            c.err(
                &format!("{q}.party"),
                format!("`{}` is listed twice", a.party),
            );
        }
        if a.members < 2 {
            c.err(
                &format!("{q}.members"),
                format!("an alliance has at least 2 parties, found {}", a.members),
            );
        }
    }
    let mut sizes = HashSet::new();
    for (j, t) in e.alliance_thresholds.iter().enumerate() {
        let q = format!("{p}.alliance_thresholds[{j}]");
        if t.members < 2 {
            c.err(
                &format!("{q}.members"),
                format!("an alliance has at least 2 parties, found {}", t.members),
            );
        }
        if !sizes.insert(t.members) {
            c.err(
                &format!("{q}.members"),
                format!(
                    "alliances of {} parties already have a threshold",
                    t.members
                ),
            );
        }
        c.param(&format!("{q}.threshold"), &t.threshold, SHARE);
    }
    if let Some(b) = &e.majority_bonus {
        c.param(&format!("{p}.majority_bonus"), b, BONUS);
    }
    if let Some(m) = &e.opposition_min {
        c.param(&format!("{p}.opposition_min"), m, OPPOSITION);
    }
    let f = &e.formation;
    c.param(
        &format!("{p}.formation.max_distance"),
        &f.max_distance,
        NONNEG,
    );
    if let Some(CoalitionRule::MinimalConnected(d)) = &f.coalition {
        c.dim(&format!("{p}.formation.coalition[0]"), d);
    }
}

/// Every country's `voters` block.
pub(super) fn voters(c: &mut Ctx) {
    let s = c.s;
    for (k, co) in s.countries.iter().enumerate() {
        let p = format!("countries[{k}].voters");
        let v = &co.voters;
        let mut seen = HashSet::new();
        let mut sum = 0.0;
        for (j, a) in v.attachment.iter().enumerate() {
            let q = format!("{p}.attachment[{j}]");
            if let Some(actor) = c.actor(&format!("{q}.party"), &a.party, Some(ActorKind::Party)) {
                if actor.country.as_deref() != Some(co.id.as_str()) {
                    c.err(
                        &format!("{q}.party"),
                        format!("party `{}` does not belong to `{}`", a.party, co.id),
                    );
                }
            }
            if !seen.insert(a.party.as_str()) {
                c.err(
                    &format!("{q}.party"),
                    format!("`{}` is listed twice", a.party),
                );
            }
            c.param(&format!("{q}.share"), &a.share, SHARE);
            sum += upper(&a.share);
        }
        if sum > 1.0 + 1e-9 {
            c.err(
                &format!("{p}.attachment"),
                format!(
                    "attachment shares can sum to {} (each at its largest value), above 1: at most every citizen is attached to one party",
                    super::fmt_num((sum * 1e6).round() / 1e6)
                ),
            );
        }
        c.param(&format!("{p}.strength.mean"), &v.strength.mean, SHARE);
        c.param(&format!("{p}.strength.sd"), &v.strength.sd, NONNEG);
        c.param(&format!("{p}.fit"), &v.fit, FIT);
        c.param(&format!("{p}.weight"), &v.weight, NONNEG);
        c.param(&format!("{p}.update"), &v.update, SHARE);
        c.param(&format!("{p}.latitude"), &v.latitude, POS);
        c.param(&format!("{p}.indifference"), &v.indifference, NONNEG);
        c.param(
            &format!("{p}.turnout_attachment"),
            &v.turnout_attachment,
            ANY,
        );
        c.param(
            &format!("{p}.turnout_alienation"),
            &v.turnout_alienation,
            ANY,
        );
        c.param(
            &format!("{p}.turnout_indifference"),
            &v.turnout_indifference,
            ANY,
        );
        valence_poll(c, k);
    }
}

/// A poll share a valence is fitted to: positive (a party nobody names has no finite valence).
const POLL_SHARE: Bound = Bound {
    lo: 0.0,
    hi: 1.0,
    lo_open: true,
    hi_open: false,
    what: "a share in (0, 1]",
};

/// Country `k`'s `voters.valence_poll`: parties of the country, each once, shares in (0, 1].
fn valence_poll(c: &mut Ctx, k: usize) {
    let s = c.s;
    let co = &s.countries[k];
    let p = format!("countries[{k}].voters.valence_poll");
    let mut seen = HashSet::new();
    for (j, a) in co.voters.valence_poll.iter().enumerate() {
        let q = format!("{p}[{j}]");
        if let Some(actor) = c.actor(&format!("{q}.party"), &a.party, Some(ActorKind::Party)) {
            if actor.country.as_deref() != Some(co.id.as_str()) {
                c.err(
                    &format!("{q}.party"),
                    format!("party `{}` does not belong to `{}`", a.party, co.id),
                );
            }
        }
        if !seen.insert(a.party.as_str()) {
            c.err(
                &format!("{q}.party"),
                format!("`{}` is listed twice", a.party),
            );
        }
        c.param(&format!("{q}.share"), &a.share, POLL_SHARE);
    }
}

/// A share's largest possible value (the upper end of a distribution's support).
fn upper(x: &crate::scenario::schema::Param) -> f64 {
    match x {
        crate::scenario::schema::Param::Fixed(v) => *v,
        crate::scenario::schema::Param::Dist(d) => d.support().1,
    }
}
