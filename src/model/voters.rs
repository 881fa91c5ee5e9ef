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
use super::rng::{TruncNormal, std_normal, uniform01};
use super::world::World;
use super::{ModelError, compile::Ids};
use crate::scenario::schema::{ActorKind, Scenario};
use rand_chacha::ChaCha8Rng;
use std::cell::{Cell, RefCell};
use std::ops::Range;

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
    /// Moved by every change of `party` or `strength` ([`step`] moves it; code that writes them
    /// elsewhere calls [`VoterState::touch`]): the poll cache is keyed on it.
    changes: u64,
    /// The last poll and what it was computed from (see [`poll`]).
    cache: RefCell<Option<PollCache>>,
    /// The last matrix of citizens' distances to the parties' platforms (see [`with_distances`]).
    dist: RefCell<Option<Distances>>,
    /// Whether the poll was read since the last monthly update: if so, [`step`] takes the next poll
    /// in the same pass over the citizens (the poll is the same either way; this only decides
    /// whether the update computes it ahead of a read that is likely to come).
    polled: Cell<bool>,
}

/// Every citizen's distance to every party's platform, party-major (`d[k * n + i]`), with what it
/// was computed from: the population's version and the platforms.
#[derive(Debug, Clone)]
struct Distances {
    opinions: u64,
    platforms: Platforms,
    d: Vec<f64>,
}

/// Runs `f` on the matrix of country `c`'s citizens' distances to the platforms `pf` (party-major:
/// citizen `i` to party `k` at `k * n + i`, each `elections::row_distance` with the same
/// arithmetic), computed once for each state of the opinions and platforms: the monthly update and
/// the poll that follows it share one.
fn with_distances<T>(w: &World, c: Ix, pf: &Platforms, f: impl FnOnce(&[f64]) -> T) -> T {
    let pop = &w.countries[c].pop;
    let version = pop.version();
    let mut cache = w.voters[c].dist.borrow_mut();
    let current = cache
        .as_ref()
        .is_some_and(|x| x.opinions == version && x.platforms.same_terms(pf));
    if !current {
        let n = pop.n as usize;
        let mut d = cache.take().map(|x| x.d).unwrap_or_default();
        d.clear();
        d.resize(n * pf.spans.len(), 0.0);
        if pop.dims > 0 {
            for (k, col) in d.chunks_exact_mut(n.max(1)).enumerate() {
                let (t0, t1, len, _) = pf.spans[k];
                if t0 != t1 {
                    distance_column(&pop.opinions, pop.dims, &pf.terms[t0..t1], len, col);
                }
            }
        }
        *cache = Some(Distances {
            opinions: version,
            platforms: pf.clone(),
            d,
        });
    }
    f(&cache.as_ref().expect("just computed").d)
}

/// One column of [`with_distances`]: each citizen's distance to a platform of `terms` (`len` of
/// them), the sum in platform order from 0 then one division, as `elections::row_distance` computes
/// it; the running sums of four citizens at a time held in registers.
fn distance_column(opinions: &[f64], dims: usize, terms: &[(Ix, f64)], len: f64, col: &mut [f64]) {
    assert!(
        terms.iter().all(|t| t.0 < dims),
        "platform issue out of range"
    );
    let rows = opinions.chunks_exact(dims);
    let mut out = col.chunks_exact_mut(LANES);
    let mut blocks = opinions.chunks_exact(LANES * dims);
    for (block, x) in blocks.by_ref().zip(out.by_ref()) {
        let mut acc = [0.0f64; LANES];
        for &(dim, v) in terms {
            for (l, a) in acc.iter_mut().enumerate() {
                *a += (block[l * dims + dim] - v).abs();
            }
        }
        for (x, a) in x.iter_mut().zip(acc) {
            *x = a / len;
        }
    }
    let done = col.len() / LANES * LANES;
    for (x, row) in col[done..].iter_mut().zip(rows.skip(done)) {
        let mut a = 0.0;
        for &(dim, v) in terms {
            a += (row[dim] - v).abs();
        }
        *x = a / len;
    }
}

impl VoterState {
    /// Marks `party` or `strength` as changed (the cached poll is recomputed when next read).
    pub fn touch(&mut self) {
        self.changes = self.changes.wrapping_add(1);
    }
}

/// A poll with what it was computed from: the population's version, the voters' changes, and the
/// parties' platforms and appeals. It is current while all three are unchanged.
#[derive(Debug, Clone)]
struct PollCache {
    opinions: u64,
    changes: u64,
    platforms: Platforms,
    poll: Poll,
}

/// The platforms and appeals of a country's parties flattened for scans over its citizens: the
/// (issue, position) terms of every party in one buffer, per party its terms' range, their count
/// and its appeal. [`Platforms::distance`] is `elections::row_distance` with the same arithmetic.
#[derive(Debug, Clone)]
struct Platforms {
    terms: Vec<(Ix, f64)>,
    spans: Vec<(usize, usize, f64, f64)>,
}

impl Platforms {
    fn new(w: &World, parties: &[Ix]) -> Platforms {
        let mut terms = Vec::new();
        let mut spans = Vec::with_capacity(parties.len());
        for &p in parties {
            let a = &w.actors[p];
            let start = terms.len();
            terms.extend_from_slice(&a.platform);
            spans.push((start, terms.len(), a.platform.len() as f64, a.appeal));
        }
        Platforms { terms, spans }
    }

    /// Same platforms, bit for bit (appeals aside).
    fn same_terms(&self, o: &Platforms) -> bool {
        self.terms.len() == o.terms.len()
            && self.spans.len() == o.spans.len()
            && self
                .terms
                .iter()
                .zip(&o.terms)
                .all(|(x, y)| x.0 == y.0 && x.1.to_bits() == y.1.to_bits())
            && self
                .spans
                .iter()
                .zip(&o.spans)
                .all(|(x, y)| x.0 == y.0 && x.1 == y.1)
    }

    /// Same platforms and appeals, bit for bit.
    fn same(&self, o: &Platforms) -> bool {
        self.same_terms(o)
            && self
                .spans
                .iter()
                .zip(&o.spans)
                .all(|(x, y)| x.3.to_bits() == y.3.to_bits())
    }

    /// `row_distance(row, platform of party k)`.
    #[inline]
    fn distance(&self, row: &[f64], k: usize) -> f64 {
        let (t0, t1, len, _) = self.spans[k];
        if t0 == t1 {
            return 0.0;
        }
        let mut s = 0.0;
        for &(d, v) in &self.terms[t0..t1] {
            s += (row[d] - v).abs();
        }
        s / len
    }

    /// Party `k`'s appeal.
    #[inline]
    fn appeal(&self, k: usize) -> f64 {
        self.spans[k].3
    }
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
            changes: 0,
            cache: RefCell::new(None),
            dist: RefCell::new(None),
            polled: Cell::new(false),
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
            let tn = TruncNormal::new(v.strength.mean.value(), v.strength.sd.value(), 0.0, 1.0);
            for i in 0..n {
                if st.party[i] != NONE {
                    st.strength[i] = tn.sample(&mut rng);
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
    let v = vec![0.0; m];
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
    fit_constants(&base, m, target)
}

/// The fit of [`valences`] on the fixed effective distances `base` (one row of `m` per citizen and
/// draw): [`VALENCE_ITERATIONS`] sweeps of `v_p ← v_p + η_t (ln T_p − ln S_p)`, `S_p` the share of rows
/// whose lowest `base − v` is `p` (first on ties), then shifted so that `Σ T_p v_p = 0`.
///
/// Each sweep needs only the rows whose choice can have changed: a row's choice stands while the
/// constants have moved apart by less than its lead over its runner-up (the sum of each sweep's
/// largest minus smallest change bounds how far any two have moved apart since the row was last
/// looked at). A row is looked at again once that sum comes within a margin (far above rounding)
/// of its lead; its choice is then the one [`fit_constants_plain`] takes, so the counts and the
/// constants are the same, bit for bit (tests/engine_fastpaths.rs).
pub fn fit_constants(base: &[f64], m: usize, target: &[f64]) -> Vec<f64> {
    let mut v = vec![0.0; m];
    if m == 0 {
        return v;
    }
    let rows = base.len() / m;
    let cases = rows as f64;
    let floor = 0.5 / cases;
    // rounding in the leads and in the running sum stays far below this margin
    let scale = max_abs(base);
    let margin = 1e-9 * (64.0 + scale);
    let mut count = vec![0usize; m];
    // per row: its choice (none yet: `m`), and the running sum at which it must be looked at again
    let mut choice = vec![m; rows];
    let mut recheck = vec![f64::NEG_INFINITY; rows];
    let mut moved = 0.0f64;
    let mut stack = [0.0f64; 8];
    let mut heap = Vec::new();
    let e: &mut [f64] = if m <= stack.len() {
        &mut stack[..m]
    } else {
        heap.resize(m, 0.0);
        &mut heap
    };
    // per block of 8 rows: the earliest of its rows' `recheck` (a block is passed over at one
    // comparison while none of its rows is due; the blocks' dues are scanned 8 at a time, a group
    // passed over at one branch while none of its blocks is due)
    let mut block_due = vec![f64::NEG_INFINITY; rows.div_ceil(8)];
    for t in 0..VALENCE_ITERATIONS {
        if t < FULL_SWEEPS {
            // the first sweeps move most rows' leads past the constants' spread: counting every
            // row's choice afresh (the plain fit's loop) is then cheaper than finding the rows due
            full_count(base, m, &v, &mut count);
        } else {
            if t == FULL_SWEEPS {
                // every row is looked at afresh from here (its choice and due are unknown)
                count.fill(0);
                moved = 0.0;
            }
            sweep_due(
                base,
                m,
                &v,
                margin,
                moved,
                &mut count,
                &mut choice,
                &mut recheck,
                &mut block_due,
                e,
            );
        }
        let eta = VALENCE_STEP / (1.0 + t as f64 / 30.0);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for k in 0..m {
            let share = (count[k] as f64 / cases).max(floor);
            let old = v[k];
            v[k] += eta * (target[k].ln() - share.ln());
            let d = v[k] - old;
            lo = lo.min(d);
            hi = hi.max(d);
        }
        // NaN (from a NaN target) makes every row be looked at again
        let spread = hi - lo;
        moved = if spread >= 0.0 {
            moved + spread
        } else {
            f64::INFINITY
        };
    }
    let mean: f64 = v.iter().zip(target).map(|(a, b)| a * b).sum();
    v.iter().map(|x| x - mean).collect()
}

/// Sweeps of [`fit_constants`] that count every row's choice afresh, before the incremental ones.
const FULL_SWEEPS: usize = 10;

/// `count` set to the number of rows of `base` (rows of `m`) whose lowest `x − v` is each column
/// (first on ties): [`fit_constants_plain`]'s count.
fn full_count(base: &[f64], m: usize, v: &[f64], count: &mut [usize]) {
    count.fill(0);
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
}

/// One incremental sweep of [`fit_constants`]: looks again at the rows due at `moved` (their
/// `recheck` reached), updating their `choice`, `count` and `recheck`, and the blocks' dues.
#[allow(clippy::too_many_arguments)]
fn sweep_due(
    base: &[f64],
    m: usize,
    v: &[f64],
    margin: f64,
    moved: f64,
    count: &mut [usize],
    choice: &mut [usize],
    recheck: &mut [f64],
    block_due: &mut [f64],
    e: &mut [f64],
) {
    let rows = choice.len();
    for (g, dues) in block_due.chunks_mut(8).enumerate() {
        // branch-free over the group (the order of the looks does not matter: the counts are
        // integers)
        if dues.iter().fold(true, |a, &d| a & (moved < d)) {
            continue;
        }
        for (j, due) in dues.iter_mut().enumerate() {
            if moved < *due {
                continue;
            }
            let b = g * 8 + j;
            let (r0, r1) = (b * 8, (b * 8 + 8).min(rows));
            let block = &base[r0 * m..r1 * m];
            let choice = &mut choice[r0..r1];
            let recheck = &mut recheck[r0..r1];
            for ((row, c), at) in block.chunks_exact(m).zip(choice).zip(recheck.iter_mut()) {
                if moved < *at {
                    continue;
                }
                for ((e, x), v) in e.iter_mut().zip(row).zip(v) {
                    *e = x - v;
                }
                let (k, b, s) = best_two(e);
                if *c != k {
                    if *c < m {
                        count[*c] -= 1;
                    }
                    count[k] += 1;
                    *c = k;
                }
                let lead = s - b;
                *at = if lead > margin {
                    moved + (lead - margin)
                } else {
                    f64::NEG_INFINITY
                };
            }
            *due = recheck.iter().fold(f64::INFINITY, |a, &b| a.min(b));
        }
    }
}

/// The largest `|x|` of `xs`, NaN passed over (0 when empty): four running maxima, then the largest
/// of them (the largest of a set is the same in any order, so this is the one-by-one fold's value).
fn max_abs(xs: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut quads = xs.chunks_exact(4);
    for q in &mut quads {
        for (a, x) in acc.iter_mut().zip(q) {
            *a = a.max(x.abs());
        }
    }
    let rest = quads.remainder().iter().fold(0.0f64, |a, x| a.max(x.abs()));
    acc.iter().fold(rest, |a, &b| a.max(b))
}

/// [`fit_constants`] with every row looked at in every sweep (the definition it is tested against).
pub fn fit_constants_plain(base: &[f64], m: usize, target: &[f64]) -> Vec<f64> {
    let mut v = vec![0.0; m];
    if m == 0 {
        return v;
    }
    let cases = (base.len() / m) as f64;
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
    let pf = Platforms::new(w, &st.parties);
    let mut aff = vec![0.0; n * np];
    for i in 0..n {
        let row = &pop.opinions[i * pop.dims..(i + 1) * pop.dims];
        for k in 0..np {
            aff[i * np + k] = crate::portable::math::exp(-pf.distance(row, k) / fit);
        }
    }
    let mut scale: Vec<f64> = target.to_vec();
    let mut none_scale = none;
    let mut prob = vec![0.0; n * (np + 1)];
    let mut col = vec![0.0; np + 1];
    for it in 0..FIT_ITERATIONS {
        // Row-normalised probabilities under the current column scales (kept from the last sweep,
        // the one the draws use).
        let keep = it + 1 == FIT_ITERATIONS;
        ipf_sweep(
            &aff,
            np,
            &scale,
            none_scale,
            &mut col,
            keep.then_some(&mut prob[..]),
        );
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

/// One sweep of [`assign`]'s proportional fitting over the affinity matrix `aff` (citizen-major, `np`
/// parties): into `col` (length `np + 1`) each party's and then no party's sum over the citizens of
/// the row-normalised probabilities `scale_k a_ik / z_i` and `none_scale / z_i`, `z_i = none_scale + Σ_k
/// scale_k a_ik` (citizens with `z_i ≤ 0` skipped), added in citizen order; and, with `prob`, each
/// citizen's probabilities into its row of `np + 1`. For up to 8 parties the sums are held in
/// registers ([`ipf_sweep_fixed`]): the same operations in the same order as [`ipf_sweep_plain`],
/// so the same bits (tests/engine_fixed_cost.rs).
pub fn ipf_sweep(
    aff: &[f64],
    np: usize,
    scale: &[f64],
    none_scale: f64,
    col: &mut [f64],
    prob: Option<&mut [f64]>,
) {
    macro_rules! fixed {
        ($n:literal) => {
            match prob {
                Some(p) => ipf_sweep_fixed::<$n, true>(aff, scale, none_scale, col, p),
                None => ipf_sweep_fixed::<$n, false>(aff, scale, none_scale, col, &mut []),
            }
        };
    }
    match np {
        1 => fixed!(1),
        2 => fixed!(2),
        3 => fixed!(3),
        4 => fixed!(4),
        5 => fixed!(5),
        6 => fixed!(6),
        7 => fixed!(7),
        8 => fixed!(8),
        _ => ipf_sweep_plain(aff, np, scale, none_scale, col, prob),
    }
}

/// [`ipf_sweep`] for `NP` parties, the column sums in registers; the probabilities written only
/// when `KEEP`.
fn ipf_sweep_fixed<const NP: usize, const KEEP: bool>(
    aff: &[f64],
    scale: &[f64],
    none_scale: f64,
    col: &mut [f64],
    prob: &mut [f64],
) {
    let scale: [f64; NP] = scale[..NP].try_into().expect("one scale per party");
    let mut acc = [0.0f64; NP];
    let mut acc_none = 0.0f64;
    for (i, a) in aff.chunks_exact(NP).enumerate() {
        let a: &[f64; NP] = a.try_into().expect("rows of NP");
        let mut z = none_scale;
        for k in 0..NP {
            z += scale[k] * a[k];
        }
        if z <= 0.0 {
            continue;
        }
        let inv = 1.0 / z;
        let mut p = [0.0f64; NP];
        for k in 0..NP {
            p[k] = scale[k] * a[k] * inv;
            acc[k] += p[k];
        }
        let pn = none_scale * inv;
        acc_none += pn;
        if KEEP {
            let row = &mut prob[i * (NP + 1)..(i + 1) * (NP + 1)];
            row[..NP].copy_from_slice(&p);
            row[NP] = pn;
        }
    }
    col[..NP].copy_from_slice(&acc);
    col[NP] = acc_none;
}

/// [`ipf_sweep`] one party at a time through `col` (the definition it is tested against).
pub fn ipf_sweep_plain(
    aff: &[f64],
    np: usize,
    scale: &[f64],
    none_scale: f64,
    col: &mut [f64],
    mut prob: Option<&mut [f64]>,
) {
    col.fill(0.0);
    for (i, a) in aff.chunks_exact(np.max(1)).enumerate() {
        let mut z = none_scale;
        for k in 0..np {
            z += scale[k] * a[k];
        }
        if z <= 0.0 {
            continue;
        }
        let inv = 1.0 / z;
        for k in 0..np {
            let p = scale[k] * a[k] * inv;
            col[k] += p;
            if let Some(prob) = prob.as_deref_mut() {
                prob[i * (np + 1) + k] = p;
            }
        }
        let p = none_scale * inv;
        col[np] += p;
        if let Some(prob) = prob.as_deref_mut() {
            prob[i * (np + 1) + np] = p;
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
        let fuse = st.polled.replace(false);
        let mut party = std::mem::take(&mut w.voters[c].party);
        let mut strength = std::mem::take(&mut w.voters[c].strength);
        let st = &w.voters[c];
        let n = w.countries[c].pop.n as usize;
        let pf = Platforms::new(w, &st.parties);
        let appeal: Vec<f64> = (0..pf.spans.len()).map(|k| pf.appeal(k)).collect();
        let mut p = Poll::empty(appeal.len(), n as u32);
        with_distances(w, c, &pf, |dist| {
            let len = party.len().min(n);
            // block by block: the update, then (if wanted) the poll of the same citizens while
            // their distances are in cache
            for lo in (0..len).step_by(STEP_BLOCK) {
                let r = lo..(lo + STEP_BLOCK).min(len);
                update_range(st, dist, n, &appeal, &mut party, &mut strength, r.clone());
                if fuse {
                    let x = Scan::new(dist, n, &appeal, &party, &strength);
                    poll_scan(st, &x, r, &mut p);
                }
            }
            if fuse {
                let x = Scan::new(dist, n, &appeal, &party, &strength);
                poll_scan(st, &x, len..n, &mut p);
            }
        });
        let opinions = w.countries[c].pop.version();
        let st = &mut w.voters[c];
        st.party = party;
        st.strength = strength;
        st.touch();
        if fuse {
            *st.cache.get_mut() = Some(PollCache {
                opinions,
                changes: st.changes,
                platforms: pf,
                poll: p,
            });
        }
    }
}

/// Citizens per block of [`step`]'s fused pass.
const STEP_BLOCK: usize = 256;

/// [`step`]'s update of citizens `r` (`dist`: the distance matrix, `n` citizens, party-major).
fn update_range(
    st: &VoterState,
    dist: &[f64],
    n: usize,
    appeal: &[f64],
    party: &mut [u16],
    strength: &mut [f64],
    r: Range<usize>,
) {
    let lat = st.latitude;
    let mut stack = [0.0f64; 8];
    let mut heap = Vec::new();
    let e = scratch(&mut stack, &mut heap, appeal.len());
    for i in r {
        if party[i] == NONE {
            for (k, e) in e.iter_mut().enumerate() {
                *e = dist[k * n + i] - appeal[k];
            }
            let (k, b, s) = best_two(e);
            if decided(st, false, b, s) {
                party[i] = k as u16;
                strength[i] = 0.0;
            }
            continue;
        }
        let d = dist[party[i] as usize * n + i];
        let target = if lat > 0.0 {
            (1.0 - d / lat).clamp(0.0, 1.0)
        } else {
            0.0
        };
        strength[i] += st.update * (target - strength[i]);
    }
}

/// A buffer of `m` values: on the stack for up to 8, else in `heap`.
fn scratch<'a>(stack: &'a mut [f64; 8], heap: &'a mut Vec<f64>, m: usize) -> &'a mut [f64] {
    if m <= stack.len() {
        &mut stack[..m]
    } else {
        heap.resize(m, 0.0);
        heap
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

/// A country's parties' platforms and appeals flattened once, for effective distances of many
/// hypothetical opinion rows (party support's perceived effect).
pub struct Ballot(Platforms);

impl Ballot {
    /// The ballot of all country `c`'s parties (in `parties` order) as they stand now.
    pub fn new(w: &World, c: Ix) -> Ballot {
        Ballot(Platforms::new(w, &w.voters[c].parties))
    }

    /// [`effective_row`] of citizen `i` of country `c` with the opinions `row`, on this ballot: the
    /// same arithmetic ([`Platforms::distance`] is `row_distance`), the same values bit for bit.
    pub fn effective_row(&self, w: &World, c: Ix, i: usize, row: &[f64], out: &mut [f64]) {
        let st = &w.voters[c];
        let own = st.party.get(i).copied().unwrap_or(NONE);
        for (k, out) in out.iter_mut().enumerate().take(self.0.spans.len()) {
            let mut e = self.0.distance(row, k) - self.0.appeal(k);
            if own != NONE && usize::from(own) == k {
                e -= st.weight * st.strength[i];
            }
            *out = e;
        }
    }
}

/// Runs `f` on country `c`'s matrix of distances to its parties' platforms (party-major, as
/// [`with_distances`] keeps it) if the matrix is current for the opinions and for `ballot` (the
/// country's [`Ballot`] as it stands now), else on `None` (nothing is computed).
pub fn with_current_distances<T>(
    w: &World,
    c: Ix,
    ballot: &Ballot,
    f: impl FnOnce(Option<&[f64]>) -> T,
) -> T {
    let version = w.countries[c].pop.version();
    let cache = w.voters[c].dist.borrow();
    let d = cache
        .as_ref()
        .filter(|x| x.opinions == version && x.platforms.same_terms(&ballot.0))
        .map(|x| x.d.as_slice());
    f(d)
}

/// [`effective`] of citizen `i` on the ballot of all country `c`'s parties (in `parties` order), read
/// from the current distance matrix `dist` of [`with_current_distances`]: the same values bit for
/// bit (the matrix holds each `row_distance`; tests/engine_tick.rs).
pub fn effective_from(w: &World, c: Ix, i: usize, dist: &[f64], out: &mut [f64]) {
    let st = &w.voters[c];
    let n = w.countries[c].pop.n as usize;
    let own = st.party.get(i).copied().unwrap_or(NONE);
    for (k, &p) in st.parties.iter().enumerate() {
        let mut e = dist[k * n + i] - w.actors[p].appeal;
        if own != NONE && usize::from(own) == k {
            e -= st.weight * st.strength[i];
        }
        out[k] = e;
    }
}

/// The smallest and second-smallest values of `e` and the index of the smallest (first on ties);
/// the second is `+∞` with a single entry.
pub fn best_two(e: &[f64]) -> (usize, f64, f64) {
    let (mut k, mut b, mut s) = (0, f64::INFINITY, f64::INFINITY);
    // selects rather than branches (which of the parties is nearest is a coin flip to a predictor)
    for (j, &x) in e.iter().enumerate() {
        let (better, second) = (x < b, x < s);
        s = if better {
            b
        } else if second {
            x
        } else {
            s
        };
        b = if better { x } else { b };
        k = if better { j } else { k };
    }
    (k, b, s)
}

/// The poll rule: a citizen names its nearest party (effective distance) if the runner-up is at least
/// `indifference` further away (otherwise it is indifferent) and either the party is its own
/// attachment (a partisan names its party) or it lies within the latitude (otherwise an unattached
/// citizen is alienated). A weak attachment adds little to the gap, so a weak partisan facing small
/// differences is undecided.
/// Written with `&` and `|` (no short circuit, so no branch): the lane-blocked poll scan uses it too.
#[inline(always)]
pub fn decided(st: &VoterState, own: bool, best: f64, second: f64) -> bool {
    (second - best >= st.indifference) & (own | (best <= st.latitude))
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
/// Computed once for each state of the opinions, the attachments and the parties' platforms and
/// appeals (the last poll is kept and returned while they are unchanged).
pub fn poll(w: &World, c: Ix) -> Poll {
    let st = &w.voters[c];
    st.polled.set(true);
    let platforms = Platforms::new(w, &st.parties);
    let opinions = w.countries[c].pop.version();
    if let Some(x) = st.cache.borrow().as_ref().filter(|x| {
        x.opinions == opinions && x.changes == st.changes && x.platforms.same(&platforms)
    }) {
        return x.poll.clone();
    }
    let p = poll_now(w, c, &platforms);
    *st.cache.borrow_mut() = Some(PollCache {
        opinions,
        changes: st.changes,
        platforms,
        poll: p.clone(),
    });
    p
}

/// The poll computed afresh (the arithmetic of [`effective`], [`best_two`] and [`decided`] per
/// citizen, on the flattened platforms).
fn poll_now(w: &World, c: Ix, pf: &Platforms) -> Poll {
    let st = &w.voters[c];
    let np = st.parties.len();
    let n = w.countries[c].pop.n;
    let mut p = Poll::empty(np, n);
    if np == 0 {
        return p;
    }
    let n = n as usize;
    let appeal: Vec<f64> = (0..np).map(|k| pf.appeal(k)).collect();
    with_distances(w, c, pf, |dist| {
        let x = Scan::new(dist, n, &appeal, &st.party, &st.strength);
        poll_scan(st, &x, 0..n, &mut p);
    });
    p
}

impl Poll {
    /// No respondent counted yet, `np` parties, `n` citizens.
    pub fn empty(np: usize, n: u32) -> Poll {
        Poll {
            named: vec![0; np],
            nearest: vec![0; np],
            decided: 0,
            n,
        }
    }
}

/// What the poll's scan over citizens reads: the distance matrix (`n` citizens, party-major: citizen
/// `i` to party `k` at `k * n + i`), the parties' appeals (one per party) and the citizens'
/// attachments and strengths (a citizen past the end of either has no attachment).
pub struct Scan<'a> {
    pub dist: &'a [f64],
    pub n: usize,
    pub appeal: &'a [f64],
    pub party: &'a [u16],
    pub strength: &'a [f64],
}

impl<'a> Scan<'a> {
    pub fn new(
        dist: &'a [f64],
        n: usize,
        appeal: &'a [f64],
        party: &'a [u16],
        strength: &'a [f64],
    ) -> Scan<'a> {
        assert!(dist.len() >= n * appeal.len(), "distance matrix too short");
        Scan {
            dist,
            n,
            appeal,
            party,
            strength,
        }
    }

    /// Citizens with an attachment entry (`party` and `strength` both cover them).
    fn attached_len(&self) -> usize {
        self.n.min(self.party.len()).min(self.strength.len())
    }
}

/// Citizens per lane block of [`poll_scan`].
const LANES: usize = 4;

/// Counts citizens `r` into the poll `p` (voters' rule from `st`: weight, indifference, latitude):
/// per citizen the effective distances `dist − appeal − weight × strength` (own party only), the
/// nearest party and runner-up ([`best_two`]) and the rule [`decided`]. Four citizens at a time,
/// each party's test and selection made for the four side by side, without branches; the same
/// arithmetic and counts as [`poll_scan_plain`] (tests/engine_tick.rs).
pub fn poll_scan(st: &VoterState, x: &Scan, r: Range<usize>, p: &mut Poll) {
    let np = x.appeal.len();
    if np == 0 {
        return;
    }
    let m = x.attached_len();
    let mut i = r.start;
    while i + LANES <= r.end.min(m) {
        poll_block(st, x, i, p);
        i += LANES;
    }
    poll_scan_plain(st, x, i..r.end, p);
}

/// [`poll_scan`] of the [`LANES`] citizens from `i` (all with an attachment entry).
#[inline(always)]
fn poll_block(st: &VoterState, x: &Scan, i: usize, p: &mut Poll) {
    let own: &[u16; LANES] = x.party[i..i + LANES].try_into().expect("lanes");
    let strength: &[f64; LANES] = x.strength[i..i + LANES].try_into().expect("lanes");
    let ws: [f64; LANES] = std::array::from_fn(|l| st.weight * strength[l]);
    let (mut k, mut b, mut s) = (
        [0usize; LANES],
        [f64::INFINITY; LANES],
        [f64::INFINITY; LANES],
    );
    for (j, &a) in x.appeal.iter().enumerate() {
        let col: &[f64; LANES] = x.dist[j * x.n + i..j * x.n + i + LANES]
            .try_into()
            .expect("lanes");
        for l in 0..LANES {
            // `e − 0.0` is `e` bit for bit: the plain scan's subtraction, made for every party
            // (the weight kept or zeroed through a bit mask, not a branch)
            let mask = 0u64.wrapping_sub(u64::from(usize::from(own[l]) == j));
            let e = (col[l] - a) - f64::from_bits(ws[l].to_bits() & mask);
            // `best_two` as minimum and maximum selections (`minsd`/`maxsd`, no branches): the
            // runner-up becomes the smaller of itself and the larger of `e` and the best, which is
            // `best_two`'s choice whenever the best and runner-up differ or are equal in bits (the
            // effective distances are never −0, so equal values are equal bits)
            let better = e < b[l];
            let hi = if b[l] > e { b[l] } else { e };
            s[l] = if hi < s[l] { hi } else { s[l] };
            b[l] = if better { e } else { b[l] };
            k[l] = if better { j } else { k[l] };
        }
    }
    for l in 0..LANES {
        let mine = usize::from(own[l]) == k[l] && own[l] != NONE;
        let named = decided(st, mine, b[l], s[l]);
        p.nearest[k[l]] += 1;
        p.named[k[l]] += u32::from(named);
        p.decided += u32::from(named);
    }
}

/// [`poll_scan`] citizen by citizen, with [`best_two`] and [`decided`] (the definition it is tested
/// against, and the scan of the last few citizens).
pub fn poll_scan_plain(st: &VoterState, x: &Scan, r: Range<usize>, p: &mut Poll) {
    let np = x.appeal.len();
    if np == 0 {
        return;
    }
    let m = x.attached_len();
    let mut stack = [0.0f64; 8];
    let mut heap = Vec::new();
    let e = scratch(&mut stack, &mut heap, np);
    for i in r {
        for (k, e) in e.iter_mut().enumerate() {
            *e = x.dist[k * x.n + i] - x.appeal[k];
        }
        let own = if i < m { x.party[i] } else { NONE };
        if own != NONE {
            e[own as usize] -= st.weight * x.strength[i];
        }
        let (k, b, s) = best_two(e);
        p.nearest[k] += 1;
        if decided(st, own as usize == k && own != NONE, b, s) {
            p.named[k] += 1;
            p.decided += 1;
        }
    }
}
