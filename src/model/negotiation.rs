//! Negotiated issues: the bargaining round of each issue (every `every` months) among the actors with
//! a position on it, using [`super::bargaining`] (Bueno de Mesquita's expected-utility model as
//! reconstructed by Scholz et al. 2011), then the mediation boost.
//!
//! Capabilities follow the world. An actor's effective capability on an issue is
//! `c_base × (1 + military boost) × economy × public`, where `economy = GDP / GDP at start` for actors
//! belonging to a country (1 for external powers), and `public = 1 − w + w × support` for states, with
//! `w` the issue's `public_weight` and `support` the mean opinion of the state's country on the issue's
//! `support_dimension` (1 when not set). The forecast (indicator `IssueForecast`) is the salience- and
//! capability-weighted mean position, `IssueMedian` the weighted median (the median voter position,
//! BDM's own forecast); `IssueSpread` is the range of salient positions.
//!
//! Each issue's readings of the round (`probability`, `offers`, `compromise`: the printed equations
//! or Scholz et al.'s program) come from its `bargaining:` block.
//!
//! Only states and external powers bargain. A party's positions are its platform: they do not move in
//! bargaining, and a state takes them when the party comes to govern (see `elections`).

use super::bargaining::{self, BargainingParams, IssueInput};
use super::compile::Ix;
use super::log::RunEvent;
use super::world::World;
use crate::scenario::schema::ActorKind;

/// Whether actors of this kind take part in bargaining rounds (parties do not: their positions are
/// platforms).
pub fn bargains(kind: ActorKind) -> bool {
    kind != ActorKind::Party
}

/// Effective bargaining capability of actor `a` on issue `i`, with its military boost replaced by `boost`.
pub fn capability(w: &World, a: Ix, i: Ix, base: f64, boost: f64) -> f64 {
    let st = &w.actors[a];
    let economy = match st.country {
        Some(c) if w.countries[c].gdp0 > 0.0 => w.countries[c].gdp / w.countries[c].gdp0,
        _ => 1.0,
    };
    let cfg = &w.s.issues[i].bargaining;
    let public = match (st.kind, st.country, w.issues[i].support_dimension) {
        (ActorKind::State, Some(c), Some(d)) => {
            let wt = cfg.public_weight.value().clamp(0.0, 1.0);
            1.0 - wt + wt * w.mean_opinion[c * w.s.dimensions.len() + d]
        }
        _ => 1.0,
    };
    (base * (1.0 + boost) * economy * public).max(0.0)
}

/// Forecast and spread of issue `i` with actor `who`'s boost set to `boost` (`who = usize::MAX`: none).
pub fn forecast(w: &World, i: Ix, who: Ix, boost: f64) -> (f64, f64) {
    let (mut num, mut den) = (0.0, 0.0);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (a, st) in w
        .actors
        .iter()
        .enumerate()
        .filter(|(_, st)| bargains(st.kind))
    {
        for &(issue, pos, sal, cap) in &st.positions {
            if issue == i && sal > 0.0 {
                let b = if a == who { boost } else { st.capability_boost };
                let wt = sal * capability(w, a, i, cap, b);
                num += wt * pos;
                den += wt;
                lo = lo.min(pos);
                hi = hi.max(pos);
            }
        }
    }
    let f = if den > 0.0 {
        num / den
    } else {
        w.issues[i].status_quo
    };
    (f, if hi >= lo { hi - lo } else { 0.0 })
}

/// Median voter position of issue `i` ([`bargaining::weighted_median`] with weights salience ×
/// effective capability) over the states and external powers with salience on it; the status quo if
/// none. `pos`, `sal`, `cap` are working buffers (cleared here).
fn median(w: &World, i: Ix, pos: &mut Vec<f64>, sal: &mut Vec<f64>, cap: &mut Vec<f64>) -> f64 {
    pos.clear();
    sal.clear();
    cap.clear();
    for (a, st) in w
        .actors
        .iter()
        .enumerate()
        .filter(|(_, st)| bargains(st.kind))
    {
        for &(issue, p, s, c) in &st.positions {
            if issue == i && s > 0.0 {
                pos.push(p);
                sal.push(s);
                cap.push(capability(w, a, i, c, st.capability_boost));
            }
        }
    }
    if pos.is_empty() {
        w.issues[i].status_quo
    } else {
        bargaining::weighted_median(pos, sal, cap)
    }
}

/// Recomputes every issue's forecast, median and spread.
pub fn refresh(w: &mut World) {
    let (mut pos, mut sal, mut cap) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..w.issues.len() {
        let (f, s) = forecast(w, i, usize::MAX, 0.0);
        w.issues[i].forecast = f;
        w.issues[i].spread = s;
        w.issues[i].median = median(w, i, &mut pos, &mut sal, &mut cap);
    }
}

/// The bargaining phase of a tick.
pub fn step(w: &mut World) {
    let mut members: Vec<(Ix, usize)> = Vec::new();
    let (mut pos, mut sal, mut cap, mut new) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut scratch = bargaining::Scratch::new();
    for i in 0..w.issues.len() {
        let cfg = &w.s.issues[i].bargaining;
        let every = cfg.every.max(1);
        if w.tick % every != 0 {
            continue; // mediation waits for the issue's next round
        }
        let mediation = std::mem::take(&mut w.issues[i].mediation);
        members.clear();
        pos.clear();
        sal.clear();
        cap.clear();
        for (a, st) in w
            .actors
            .iter()
            .enumerate()
            .filter(|(_, st)| bargains(st.kind))
        {
            for (k, &(issue, p, s, c)) in st.positions.iter().enumerate() {
                if issue == i {
                    members.push((a, k));
                    pos.push(p);
                    sal.push(s);
                    cap.push(capability(w, a, i, c, st.capability_boost));
                }
            }
        }
        if members.len() < 2 {
            continue;
        }
        // The issue's width is fixed at the initial spread of positions, as in Scholz et al. (2011).
        let range = (w.issues[i].range > 0.0).then_some(w.issues[i].range);
        let params = BargainingParams {
            q: cfg.q.value(),
            step: cfg.step.value(),
            range,
            probability: cfg.probability,
            offers: cfg.offers,
            compromise: cfg.compromise,
            ..BargainingParams::default()
        };
        new.clear();
        new.resize(pos.len(), 0.0);
        let mut diag = vec![bargaining::ActorRound::default(); pos.len()];
        let input = IssueInput {
            positions: &pos,
            salience: &sal,
            capability: &cap,
            status_quo: w.issues[i].status_quo,
        };
        let round =
            bargaining::bargaining_round(&input, &params, &mut scratch, &mut new, &mut diag);
        if mediation > 0.0 {
            bargaining::convergence_boost(&mut new, round.forecast_after, mediation);
        }
        for (k, &(a, slot)) in members.iter().enumerate() {
            w.actors[a].positions[slot].1 = new[k].clamp(0.0, 100.0);
        }
        w.emit(RunEvent::Bargaining {
            issue: i,
            forecast: round.forecast_after,
            moved: round.moved > 0,
        });
    }
    refresh(w);
}
