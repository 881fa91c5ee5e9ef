//! Citizens as voters: party attachment (party identification, Campbell et al. 1960), its slow update
//! with distance (Green, Palmquist & Schickler 2002), the simulated poll (who names which party, who is
//! undecided) and the turnout probability (abstention from alienation and indifference; Adams, Dow &
//! Merrill 2006). Parameters: `countries[].voters` (docs/model.md 7.15).
//!
//! A citizen's *effective distance* to party `p` is `e_p = D(x_i, platform_p) − appeal_p − weight ×
//! strength_i × [p is i's party]`; smaller is better. Initial attachments are drawn from the stream
//! `voters/<country>`; the monthly update and the poll are deterministic.

use super::compile::Ix;
use super::elections::row_distance;
use super::rng::{std_normal, truncated_normal01, uniform01};
use super::world::World;
use super::{ModelError, compile::Ids};
use crate::scenario::schema::{ActorKind, Scenario};
use rand_chacha::ChaCha8Rng;

/// No attachment.
pub const NONE: u16 = u16::MAX;

/// The voters of one country.
#[derive(Debug, Clone, Default)]
pub struct VoterState {
    /// The country's party actors, in scenario order (a citizen's party is an index into this).
    pub parties: Vec<Ix>,
    /// Per citizen: index into `parties` of its attachment, or [`NONE`].
    pub party: Vec<u16>,
    /// Per citizen: attachment strength in [0, 1] (0 without attachment).
    pub strength: Vec<f64>,
    /// The realised `voters` parameters.
    pub weight: f64,
    pub update: f64,
    pub latitude: f64,
    pub indifference: f64,
    pub turnout_attachment: f64,
    pub turnout_alienation: f64,
    pub turnout_indifference: f64,
}

/// A simulated poll of one country: everyone asked, per party of the country (in `parties` order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Poll {
    /// Respondents naming each party.
    pub named: Vec<u32>,
    /// Citizens whose nearest party (effective distance, everyone counted) is each party.
    pub nearest: Vec<u32>,
    /// Respondents naming a party.
    pub decided: u32,
    /// Respondents (citizens).
    pub n: u32,
}

impl Poll {
    /// Share of all respondents naming party `k`.
    pub fn share(&self, k: usize) -> f64 {
        f64::from(self.named[k]) / f64::from(self.n.max(1))
    }
    /// Share of party `k` among respondents naming a party (0 if nobody does).
    pub fn decided_share(&self, k: usize) -> f64 {
        if self.decided == 0 {
            0.0
        } else {
            f64::from(self.named[k]) / f64::from(self.decided)
        }
    }
    /// Share of respondents naming no party.
    pub fn undecided(&self) -> f64 {
        1.0 - f64::from(self.decided) / f64::from(self.n.max(1))
    }
}

/// The party actors of country `c`, in scenario order.
pub fn country_parties(s: &Scenario, c: &str) -> Vec<Ix> {
    (0..s.actors.len())
        .filter(|&a| {
            s.actors[a].kind == ActorKind::Party && s.actors[a].country.as_deref() == Some(c)
        })
        .collect()
}

/// Builds every country's voters at initialisation (after the citizens and the parties exist).
pub fn init(w: &World, streams: &super::rng::Streams) -> Result<Vec<VoterState>, ModelError> {
    let ids = Ids::new(w.s);
    let mut out = Vec::with_capacity(w.countries.len());
    for (c, spec) in w.s.countries.iter().enumerate() {
        let v = &spec.voters;
        let parties = country_parties(w.s, &spec.id);
        let n = w.countries[c].pop.n as usize;
        let mut st = VoterState {
            party: vec![NONE; n],
            strength: vec![0.0; n],
            weight: v.weight.value().max(0.0),
            update: v.update.value().clamp(0.0, 1.0),
            latitude: v.latitude.value().max(0.0),
            indifference: v.indifference.value().max(0.0),
            turnout_attachment: v.turnout_attachment.value(),
            turnout_alienation: v.turnout_alienation.value(),
            turnout_indifference: v.turnout_indifference.value(),
            parties,
        };
        if !v.attachment.is_empty() && n > 0 {
            let mut target = vec![0.0; st.parties.len()];
            for a in &v.attachment {
                let p = ids.actor(&a.party)?;
                let k = st.parties.iter().position(|&q| q == p).ok_or_else(|| {
                    ModelError(format!(
                        "attachment party `{}` is not a party of `{}`",
                        a.party, spec.id
                    ))
                })?;
                target[k] += a.share.value().clamp(0.0, 1.0);
            }
            let mut rng = streams.get(&format!("voters/{}", spec.id));
            assign(w, c, &mut st, &target, v.fit.value(), &mut rng);
            let (m, sd) = (v.strength.mean.value(), v.strength.sd.value());
            for i in 0..n {
                if st.party[i] != NONE {
                    st.strength[i] = truncated_normal01(&mut rng, m, sd);
                }
            }
        }
        out.push(st);
    }
    Ok(out)
}

/// Sweeps of the valence fit ([`fit_valence`]).
pub const VALENCE_ITERATIONS: usize = 300;
/// First step of the valence fit: effective-distance units per unit of log share ratio (the step
/// shrinks as `1 / (1 + t / 30)` so that the fit settles on the step function of a finite sample).
pub const VALENCE_STEP: f64 = 0.05;
/// Noise draws per citizen with which the fit simulates the vote's choice probabilities.
pub const VALENCE_DRAWS: usize = 8;

/// Fits each country's valences to its `voters.valence_poll` (docs/model.md 7.15): the listed parties'
/// constants `v_p` such that the share of citizens choosing `p` equals its poll share `T_p`
/// (normalised over the list), each citizen choosing as it votes (lowest `e_p − v_p + σ z_p`, `σ` the
/// `noise` of the country's first election, or 0 without one), everyone counted. The choice
/// probabilities are simulated with [`VALENCE_DRAWS`] fixed normal draws per citizen and party from the
/// stream `valence/<country>`. The recalibration of alternative-specific constants to observed shares
/// (Train 2009, §2.8): `v_p ← v_p + η_t (ln T_p − ln S_p)`, then shifted so that `Σ T_p v_p = 0`, and
/// added to the parties' `appeal` and `appeal0`. After [`init`] (the attachments count).
pub fn fit_valence(w: &mut World, streams: &super::rng::Streams) -> Result<(), ModelError> {
    let ids = Ids::new(w.s);
    for (c, spec) in w.s.countries.iter().enumerate() {
        let poll = &spec.voters.valence_poll;
        if poll.is_empty() {
            continue;
        }
        let mut ballot = Vec::with_capacity(poll.len());
        let mut target = Vec::with_capacity(poll.len());
        for a in poll {
            ballot.push(ids.actor(&a.party)?);
            target.push(a.share.value().max(f64::MIN_POSITIVE));
        }
        let total: f64 = target.iter().sum();
        for t in &mut target {
            *t /= total;
        }
        let noise =
            w.s.elections
                .iter()
                .find(|e| e.country == spec.id)
                .map_or(0.0, |e| e.noise.value().max(0.0));
        let mut rng = streams.get(&format!("valence/{}", spec.id));
        let v = valences(w, c, &ballot, &target, noise, &mut rng);
        for (k, &p) in ballot.iter().enumerate() {
            w.actors[p].appeal += v[k];
            w.actors[p].appeal0 += v[k];
        }
    }
    Ok(())
}

/// The constants of [`fit_valence`] for country `c`'s parties `ballot`, normalised targets and vote
/// noise `noise` (draws from `rng`: [`VALENCE_DRAWS`] per citizen and party, in citizen order, only if
/// `noise > 0`).
pub fn valences(
    w: &World,
    c: Ix,
    ballot: &[Ix],
    target: &[f64],
    noise: f64,
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let n = w.countries[c].pop.n as usize;
    let m = ballot.len();
    let mut v = vec![0.0; m];
    if n == 0 || m < 2 {
        return v;
    }
    let r = if noise > 0.0 { VALENCE_DRAWS } else { 1 };
    // Per citizen and draw: the effective distances plus the noise, fixed for the whole fit.
    let mut base = vec![0.0; n * r * m];
    let mut e = vec![0.0; m];
    for i in 0..n {
        effective(w, c, i, ballot, &mut e);
        for d in 0..r {
            for k in 0..m {
                let z = if noise > 0.0 {
                    noise * std_normal(rng)
                } else {
                    0.0
                };
                base[(i * r + d) * m + k] = e[k] + z;
            }
        }
    }
    let cases = (n * r) as f64;
    let floor = 0.5 / cases;
    let mut count = vec![0usize; m];
    for t in 0..VALENCE_ITERATIONS {
        count.iter_mut().for_each(|x| *x = 0);
        for row in base.chunks_exact(m) {
            let mut best = (f64::INFINITY, 0);
            for k in 0..m {
                let x = row[k] - v[k];
                if x < best.0 {
                    best = (x, k);
                }
            }
            count[best.1] += 1;
        }
        let eta = VALENCE_STEP / (1.0 + t as f64 / 30.0);
        for k in 0..m {
            let share = (count[k] as f64 / cases).max(floor);
            v[k] += eta * (target[k].ln() - share.ln());
        }
    }
    let mean: f64 = v.iter().zip(target).map(|(a, b)| a * b).sum();
    v.iter().map(|x| x - mean).collect()
}

/// Iterations of the proportional fitting that matches the attachment shares.
pub const FIT_ITERATIONS: usize = 50;

/// Draws each citizen's attachment: odds `target_p × exp(−D_ip / fit)` for party `p` against
/// `(1 − Σ target)` for none, with each party's column rescaled (iterative proportional fitting,
/// [`FIT_ITERATIONS`] sweeps) so that its expected share equals its target; then one categorical draw
/// per citizen (one uniform each, in citizen order).
fn assign(w: &World, c: Ix, st: &mut VoterState, target: &[f64], fit: f64, rng: &mut ChaCha8Rng) {
    let pop = &w.countries[c].pop;
    let n = pop.n as usize;
    let np = st.parties.len();
    let none = (1.0 - target.iter().sum::<f64>()).max(0.0);
    let fit = if fit > 0.0 { fit } else { f64::MIN_POSITIVE };
    // Affinity matrix, citizen-major: exp(−(D − D_min) / fit) per citizen (shifted for range).
    let mut aff = vec![0.0; n * np];
    for i in 0..n {
        let row = &pop.opinions[i * pop.dims..(i + 1) * pop.dims];
        let d: Vec<f64> = st
            .parties
            .iter()
            .map(|&p| row_distance(row, &w.actors[p].platform))
            .collect();
        for k in 0..np {
            aff[i * np + k] = (-(d[k]) / fit).exp();
        }
    }
    let mut scale: Vec<f64> = target.to_vec();
    let mut none_scale = none;
    let mut prob = vec![0.0; n * (np + 1)];
    for _ in 0..FIT_ITERATIONS {
        // Row-normalised probabilities under the current column scales.
        let mut col = vec![0.0; np + 1];
        for i in 0..n {
            let mut z = none_scale;
            for k in 0..np {
                z += scale[k] * aff[i * np + k];
            }
            if z <= 0.0 {
                continue;
            }
            for k in 0..np {
                let p = scale[k] * aff[i * np + k] / z;
                prob[i * (np + 1) + k] = p;
                col[k] += p;
            }
            prob[i * (np + 1) + np] = none_scale / z;
            col[np] += none_scale / z;
        }
        for k in 0..np {
            if col[k] > 0.0 {
                scale[k] *= target[k] * n as f64 / col[k];
            }
        }
        if col[np] > 0.0 {
            none_scale *= none * n as f64 / col[np];
        }
    }
    for i in 0..n {
        let u = uniform01(rng);
        let mut acc = 0.0;
        for k in 0..np {
            acc += prob[i * (np + 1) + k];
            if u < acc {
                st.party[i] = k as u16;
                break;
            }
        }
    }
}

/// The monthly update of attachments (phase 4, after drift). An attached citizen's strength moves
/// `update` of the way toward `clamp(1 − D/latitude, 0, 1)`, D its distance to its party's platform
/// now. A citizen without attachment who would name a party in the poll (within the latitude, clearly
/// ahead) takes that party's attachment at strength 0, to grow by the same rule (own assumption after
/// the "running tally" of evaluations, Fiorina 1981). Only when `update > 0`; deterministic.
pub fn step(w: &mut World) {
    for c in 0..w.countries.len() {
        let st = &w.voters[c];
        if st.update <= 0.0 || st.parties.is_empty() {
            continue;
        }
        let mut party = std::mem::take(&mut w.voters[c].party);
        let mut strength = std::mem::take(&mut w.voters[c].strength);
        let st = &w.voters[c];
        let pop = &w.countries[c].pop;
        let lat = st.latitude;
        let mut e = vec![0.0; st.parties.len()];
        for i in 0..party.len() {
            let row = &pop.opinions[i * pop.dims..(i + 1) * pop.dims];
            if party[i] == NONE {
                for (k, &p) in st.parties.iter().enumerate() {
                    e[k] = row_distance(row, &w.actors[p].platform) - w.actors[p].appeal;
                }
                let (k, b, s) = best_two(&e);
                if decided(st, false, b, s) {
                    party[i] = k as u16;
                    strength[i] = 0.0;
                }
                continue;
            }
            let d = row_distance(row, &w.actors[st.parties[party[i] as usize]].platform);
            let target = if lat > 0.0 {
                (1.0 - d / lat).clamp(0.0, 1.0)
            } else {
                0.0
            };
            strength[i] += st.update * (target - strength[i]);
        }
        w.voters[c].party = party;
        w.voters[c].strength = strength;
    }
}

/// Effective distances of citizen `i` of country `c` to the parties `ballot` (actor indices), into
/// `out`: `D − appeal − weight × strength` for its own party.
pub fn effective(w: &World, c: Ix, i: usize, ballot: &[Ix], out: &mut [f64]) {
    let pop = &w.countries[c].pop;
    effective_row(
        w,
        c,
        i,
        &pop.opinions[i * pop.dims..(i + 1) * pop.dims],
        ballot,
        out,
    );
}

/// [`effective`] with the opinions `row` in place of citizen `i`'s own (for a hypothetical shift:
/// party support's perceived effect, docs/model.md 7.8.6).
pub fn effective_row(w: &World, c: Ix, i: usize, row: &[f64], ballot: &[Ix], out: &mut [f64]) {
    let st = &w.voters[c];
    let own = st.party.get(i).copied().unwrap_or(NONE);
    let own = (own != NONE).then(|| st.parties[own as usize]);
    for (k, &p) in ballot.iter().enumerate() {
        let a = &w.actors[p];
        let mut e = row_distance(row, &a.platform) - a.appeal;
        if own == Some(p) {
            e -= st.weight * st.strength[i];
        }
        out[k] = e;
    }
}

/// The smallest and second-smallest values of `e` and the index of the smallest (first on ties);
/// the second is `+∞` with a single entry.
pub fn best_two(e: &[f64]) -> (usize, f64, f64) {
    let (mut k, mut b, mut s) = (0, f64::INFINITY, f64::INFINITY);
    for (j, &x) in e.iter().enumerate() {
        if x < b {
            s = b;
            b = x;
            k = j;
        } else if x < s {
            s = x;
        }
    }
    (k, b, s)
}

/// The poll rule: a citizen names its nearest party (effective distance) if the runner-up is at least
/// `indifference` further away (otherwise it is indifferent) and either the party is its own
/// attachment (a partisan names its party) or it lies within the latitude (otherwise an unattached
/// citizen is alienated). A weak attachment adds little to the gap, so a weak partisan facing small
/// differences is undecided.
pub fn decided(st: &VoterState, own: bool, best: f64, second: f64) -> bool {
    second - best >= st.indifference && (own || best <= st.latitude)
}

/// Whether nearest party `k` is citizen `i`'s own attachment.
pub fn is_own(st: &VoterState, i: usize, k: usize) -> bool {
    st.party
        .get(i)
        .is_some_and(|&p| p as usize == k && p != NONE)
}

/// The probability that citizen `i` votes: `logistic(logit(turnout) + turnout_attachment × strength −
/// turnout_alienation × best + turnout_indifference × min(second − best, 1))` on the ballot's effective
/// distances (with a single list the gap counts as 1); exactly `turnout` when every weight is 0.
pub fn turnout_probability(st: &VoterState, i: usize, turnout: f64, best: f64, second: f64) -> f64 {
    let s = st.strength.get(i).copied().unwrap_or(0.0);
    let gap = if second.is_finite() {
        (second - best).min(1.0)
    } else {
        1.0
    };
    let z =
        st.turnout_attachment * s - st.turnout_alienation * best + st.turnout_indifference * gap;
    if z == 0.0 {
        return turnout;
    }
    let t = turnout.clamp(1e-9, 1.0 - 1e-9);
    let l = (t / (1.0 - t)).ln() + z;
    1.0 / (1.0 + (-l).exp())
}

/// The simulated poll of country `c` now (every citizen asked about every party of the country).
pub fn poll(w: &World, c: Ix) -> Poll {
    let st = &w.voters[c];
    let np = st.parties.len();
    let n = w.countries[c].pop.n;
    let mut p = Poll {
        named: vec![0; np],
        nearest: vec![0; np],
        decided: 0,
        n,
    };
    if np == 0 {
        return p;
    }
    let mut e = vec![0.0; np];
    for i in 0..n as usize {
        effective(w, c, i, &st.parties, &mut e);
        let (k, b, s) = best_two(&e);
        p.nearest[k] += 1;
        if decided(st, is_own(st, i, k), b, s) {
            p.named[k] += 1;
            p.decided += 1;
        }
    }
    p
}
