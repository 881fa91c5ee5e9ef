//! Negotiated-issue bargaining: Bueno de Mesquita's expected-utility ("group decision") model as
//! reconstructed by Scholz, Calbert & Smith (2011).
//!
//! # Sources
//!
//! * **SCS** J. B. Scholz, G. J. Calbert, G. A. Smith (2011), "Unravelling Bueno De Mesquita's group
//!   decision model", *Journal of Theoretical Politics* 23(4):510–531 (conference version: ICAART 2011).
//!   Section numbers below (§2.2 expected utility, §3 basic utilities, §3.2 median voter, §4 probability
//!   of success, §5 risk, §6 offers; Appendix steps 2–11 for the round) are the ones the `dmasad`
//!   replication cites for each formula; they were not re-checked against the journal text here.
//! * **BDM94** B. Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in
//!   Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP, pp. 71–104 —
//!   origin of the model and of the EC vehicle-emission data set used in the tests (Table p. 78).
//! * **BDM02** B. Bueno de Mesquita (2002), *Predicting Politics*, Ohio State UP — book-length account
//!   of the same model (median-voter forecast, status-quo terms, conflict/compromise/capitulation);
//!   cited for context, the formulas here are taken from SCS as transcribed by the replications.
//! * Scholz et al.'s program, as transcribed by `jmckib/bdm-scholz-expected-utility-model`
//!   (`bdm_scholz_model.py`, whose comments mark where it follows Scholz's code rather than the paper)
//!   and its Python 3 port `dmasad/bdm-scholz-expected-utility-model` (commit d7c7bba…, whose
//!   `Example.log` prints ten rounds on the EC data); cross-checked against
//!   `dmasad/BDM_DecisionModel_Replication` (`GroupDecisionModel.py`).
//!
//! # Two readings
//!
//! The paper's equations and the program that produced its results differ in three places; each is a
//! parameter ([`BargainingParams`]), and the defaults are the program's, which reproduce SCS Table 2:
//!
//! * the probability of success ([`SuccessProbability`]): over the pair's own votes (printed) or over
//!   every voter's votes on every ordered pair of actors (program);
//! * the offer accepted ([`OfferChoice`]): the least movement of any kind (printed) or conflict first,
//!   then compromise, then capitulation (program);
//! * the compromise accepted among several under `ByKind` ([`CompromiseChoice`]): the least movement
//!   (printed) or the lowest weighted point (program).
//!
//! # One round (SCS Appendix, steps 2–11)
//!
//! Notation: actors `i, j, k = 0..n`, position `x_i`, salience `s_i ∈ [0,1]`, capability `c_i > 0`,
//! issue width `Δ` ([`BargainingParams::range`]), forecast `μ` (weighted mean, [`weighted_mean`]).
//!
//! 1. All risk exponents `r_i = 1`; compute every `EU^j_{ji}` (j's expected utility of challenging i).
//! 2. Security (danger) of each actor `S_i = Σ_{j≠i} EU_{ji}`; risk `R_i` and exponent `r_i` ([`risk_exponent`]).
//! 3. Recompute votes, probabilities and expected utilities with the new `r_i`, each actor `i`
//!    evaluating both `EU^i_{ij}` and `EU^i_{ji}` from its own perspective (its own `r_i`).
//! 4. Each actor classifies every other actor's implied offer ([`OfferKind`]), picks one
//!    ([`OfferChoice`], [`CompromiseChoice`]) and moves `step` of the way to it. Moves are simultaneous.
//!
//! The model is deterministic, does no IO and allocates only when a [`Scratch`] has to grow.
//!
//! The only constants are the ones of the published model: the utility map `U(v) = 2 − 4 v^r` with its
//! `0.5` midpoint and `0.5` / `0.25` distance factors (SCS §3), and the `3` in the risk map
//! `r = (1 − R/3)/(1 + R/3)` that bounds `r` to `[0.5, 2]` (SCS §5, from BDM94). Numerical guards
//! (tolerances for "no spread") are documented where used.

pub use crate::scenario::schema::{CompromiseChoice, OfferChoice, SuccessProbability};

/// Relative tolerance under which a spread (of positions, or of security levels) counts as zero.
/// Not part of the published model: it only keeps degenerate inputs (identical positions, identical
/// security) from dividing by zero. `1e-12` of the quantity's own scale.
const REL_EPS: f64 = 1e-12;

/// Probability `T` that a change of the status quo that happens without `i`'s challenge is an
/// improvement for `i` (used in `U_b`/`U_w`, only when `Q < 1`; SCS §2.2, BDM02).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TRule {
    /// A fixed `T ∈ [0,1]` for every actor. `Fixed(1.0)` is the default of the `dmasad` replication.
    Fixed(f64),
    /// `T_i = 1` if `i` is closer to the forecast `μ` than to the status quo (`|x_i − μ| < |x_i − x_sq|`),
    /// `0` if farther, `0.5` on a tie: the status quo is expected to drift toward the forecast, which
    /// helps exactly the actors nearer the forecast than to the status quo. This is *our* reading of
    /// BDM02's "the status quo may change for better or worse"; the papers give no formula for `T`.
    StatusQuoDrift,
}

impl Default for TRule {
    fn default() -> Self {
        TRule::Fixed(1.0)
    }
}

/// Parameters of one bargaining round. Every number the model uses comes from here or the inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BargainingParams {
    /// `Q ∈ [0,1]`: probability that the status quo holds if `i` does not challenge (SCS §2.2).
    /// Scholz's baseline is `Q = 1` (then `T` and `U_b`/`U_w` drop out); `Q = 0.5` is their variant.
    pub q: f64,
    /// How `T` is set (only matters for `Q < 1`).
    pub t: TRule,
    /// Share `∈ [0,1]` of the distance to the accepted offer actually moved; `1` is the published model.
    /// Clamped to `[0,1]`.
    pub step: f64,
    /// Issue width `Δ` used to normalise distances. `None`: the current spread `max x − min x`.
    /// Scholz (and both replications) fix it at the *initial* spread of positions; pass that as
    /// `Some(initial_spread)` to replicate multi-round runs. Normalised distances are clamped to `[0,1]`.
    pub range: Option<f64>,
    /// How `P_{ij}` is normalised (SCS §4; see [`SuccessProbability`]).
    pub probability: SuccessProbability,
    /// Which offer an actor accepts (SCS §6; see [`OfferChoice`]).
    pub offers: OfferChoice,
    /// Which compromise an actor accepts under [`OfferChoice::ByKind`] (see [`CompromiseChoice`]).
    pub compromise: CompromiseChoice,
}

impl BargainingParams {
    /// The readings as printed in SCS (and BDM94/BDM02): pairwise probability, least movement.
    pub fn printed() -> Self {
        BargainingParams {
            probability: SuccessProbability::Printed,
            offers: OfferChoice::LeastMovement,
            compromise: CompromiseChoice::LeastMovement,
            ..Self::default()
        }
    }
}

impl Default for BargainingParams {
    /// Scholz's baseline as his program runs it (reproduces SCS Table 2): `Q = 1`, `T = 1`, full step,
    /// current spread, the program's probability, offers by kind, lowest weighted compromise.
    fn default() -> Self {
        BargainingParams {
            q: 1.0,
            t: TRule::default(),
            step: 1.0,
            range: None,
            probability: SuccessProbability::default(),
            offers: OfferChoice::default(),
            compromise: CompromiseChoice::default(),
        }
    }
}

/// The actors on one issue, as flat parallel slices (all of length `n`).
#[derive(Debug, Clone, Copy)]
pub struct IssueInput<'a> {
    /// `x_i`, on the issue scale (e.g. `[0,100]`).
    pub positions: &'a [f64],
    /// `s_i ∈ [0,1]`.
    pub salience: &'a [f64],
    /// `c_i > 0`.
    pub capability: &'a [f64],
    /// The issue's status quo `x_sq`, on the same scale. Only used by [`TRule::StatusQuoDrift`].
    pub status_quo: f64,
}

/// BDM's three kinds of accepted offer, from the receiving actor `i`'s perspective (SCS §6, BDM02).
/// With `a = EU^i_{ij}` (i challenging j) and `b = EU^i_{ji}` (j challenging i, as i perceives it):
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferKind {
    /// `b > a > 0`: both would challenge and `j` expects more; `i` loses and moves to `x_j`.
    Conflict,
    /// `b > 0 > a`, `b > |a|`: `i` concedes part of the way, to `x_i + (x_j − x_i)·|a|/b`.
    Compromise,
    /// `b > 0 > a`, `|a| ≥ b`: `i` gives in fully and moves to `x_j`.
    Capitulation,
}

/// The offer an actor accepted in a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offer {
    /// Index of the actor whose (threatened) challenge was accepted.
    pub from: usize,
    pub kind: OfferKind,
    /// Position the offer asks for (before `step` is applied).
    pub target: f64,
    /// `EU^i_{ij}`: the receiver's expected utility of challenging `from`.
    pub eu_self: f64,
    /// `EU^i_{ji}`: the receiver's estimate of `from`'s expected utility of challenging it.
    pub eu_challenger: f64,
}

/// Per-actor diagnostics of a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActorRound {
    /// `r_i` used in this round (SCS §5), in `[0.5, 2]`.
    pub risk_exponent: f64,
    /// `Σ_{j≠i} EU_{ji}` at `r = 1`: how much the others gain by challenging `i` (higher = less secure).
    pub security: f64,
    /// The accepted offer, if any (`None`: the actor stays put).
    pub offer: Option<Offer>,
}

impl Default for ActorRound {
    fn default() -> Self {
        ActorRound {
            risk_exponent: 1.0,
            security: 0.0,
            offer: None,
        }
    }
}

/// Summary of a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundOutcome {
    /// Forecast of the round: `c·s`-weighted mean of the *input* positions (also the `μ` of `U_b`/`U_w`).
    pub forecast: f64,
    /// BDM's median-voter forecast of the input positions ([`weighted_median`]).
    pub median: f64,
    /// `c·s`-weighted mean of the *new* positions.
    pub forecast_after: f64,
    /// BDM's median-voter forecast of the *new* positions.
    pub median_after: f64,
    /// Number of actors that moved.
    pub moved: usize,
}

/// Reusable working memory for [`bargaining_round`]; grows to `n²`, never shrinks.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    r: Vec<f64>,
    security: Vec<f64>,
    /// `prob[i*n + j] = P_{ij}`.
    prob: Vec<f64>,
    /// `eu1[j*n + i] = EU_{ji}` at `r = 1`.
    eu1: Vec<f64>,
}

impl Scratch {
    pub fn new() -> Self {
        Self::default()
    }

    fn prepare(&mut self, n: usize) {
        for (v, len) in [
            (&mut self.r, n),
            (&mut self.security, n),
            (&mut self.prob, n * n),
            (&mut self.eu1, n * n),
        ] {
            v.clear();
            v.resize(len, 0.0);
        }
    }
}

/// Voting weight `c_i·s_i`, with negative or non-finite products treated as `0`.
#[inline]
fn weight(c: f64, s: f64) -> f64 {
    let w = c * s;
    if w.is_finite() && w > 0.0 { w } else { 0.0 }
}

/// The mean-voter forecast: `μ = Σ c_i s_i x_i / Σ c_i s_i` (computed by both replications; the
/// `dmasad` one uses it as the `μ` of SCS Appendix step 3 in place of the median).
///
/// If every weight is zero (all saliences zero), falls back to the unweighted mean so the result is
/// never NaN; returns `0.0` for no actors.
pub fn weighted_mean(positions: &[f64], salience: &[f64], capability: &[f64]) -> f64 {
    assert_eq!(positions.len(), salience.len());
    assert_eq!(positions.len(), capability.len());
    let n = positions.len();
    if n == 0 {
        return 0.0;
    }
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..n {
        let w = weight(capability[i], salience[i]);
        num += w * positions[i];
        den += w;
    }
    if den > 0.0 {
        num / den
    } else {
        positions.iter().sum::<f64>() / n as f64
    }
}

/// BDM's median-voter forecast (SCS §3.2, BDM94/BDM02): the actor position that wins every pairwise
/// vote `Σ_k v^k_{ab} ≥ 0` with linear votes `v^k_{ab} = c_k s_k (|x_k − x_b| − |x_k − x_a|)/Δ`.
///
/// On one dimension with these votes the Condorcet winner is the `c·s`-weighted median: a position
/// `x_a` such that the weight strictly left of it and the weight strictly right of it are each
/// `≤ W/2`. If two distinct positions qualify (the cumulative weight hits exactly `W/2` between
/// them, a tied vote), their midpoint is returned. All weights zero: the unweighted median.
/// Returns `0.0` for no actors. `O(n²)`, no allocation.
pub fn weighted_median(positions: &[f64], salience: &[f64], capability: &[f64]) -> f64 {
    assert_eq!(positions.len(), salience.len());
    assert_eq!(positions.len(), capability.len());
    let n = positions.len();
    if n == 0 {
        return 0.0;
    }
    let total: f64 = (0..n).map(|k| weight(capability[k], salience[k])).sum();
    let unweighted = total <= 0.0;
    let w = |k: usize| {
        if unweighted {
            1.0
        } else {
            weight(capability[k], salience[k])
        }
    };
    let total = if unweighted { n as f64 } else { total };
    let half = 0.5 * total;
    let tol = REL_EPS * total;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &xa in positions {
        let (mut left, mut right) = (0.0, 0.0);
        for (k, &xk) in positions.iter().enumerate() {
            if xk < xa {
                left += w(k);
            } else if xk > xa {
                right += w(k);
            }
        }
        if left <= half + tol && right <= half + tol {
            lo = lo.min(xa);
            hi = hi.max(xa);
        }
    }
    if lo.is_finite() {
        0.5 * (lo + hi)
    } else {
        // Unreachable for finite inputs (a weighted median always exists among the positions).
        weighted_mean(positions, salience, capability)
    }
}

/// The risk map (SCS §5, after BDM94): from security `S_i = Σ_{j≠i} EU_{ji}` (computed with all
/// `r = 1`),
///
/// `R_i = (2 S_i − S_max − S_min) / (S_max − S_min) ∈ [−1, 1]`, `r_i = (1 − R_i/3) / (1 + R_i/3) ∈ [0.5, 2]`.
///
/// The most threatened actor (`R = 1`) gets `r = 0.5`, the most secure (`R = −1`) `r = 2`.
/// If all security levels are equal (within a relative `1e-12`, a numerical guard) `R_i = 0`, `r_i = 1`.
pub fn risk_exponent(security_i: f64, security_min: f64, security_max: f64) -> f64 {
    let spread = security_max - security_min;
    let scale = security_max.abs().max(security_min.abs()).max(1.0);
    let big_r = if spread > REL_EPS * scale {
        ((2.0 * security_i - security_max - security_min) / spread).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
}

/// Basic utilities of one actor against one opponent (SCS §3), all of the form `U(v) = 2 − 4 v^r`
/// (utility `2` at distance `0`, `−2` at distance `Δ`; risk-neutral at `r = 1`):
///
/// * success `U_s  = U(0.5 − 0.5·d)`,  failure `U_f = U(0.5 + 0.5·d)`, with `d = |x_i − x_j|/Δ`;
/// * better  `U_b  = U(0.5 − 0.25·(d_μ + d))`, worse `U_w = U(0.5 + 0.25·(d_μ + d))`, `d_μ = |x_i − μ|/Δ`;
/// * status quo `U_sq = U(0.5) = 2 − 4·0.5^r`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BasicUtilities {
    pub success: f64,
    pub failure: f64,
    pub better: f64,
    pub worse: f64,
    pub status_quo: f64,
}

impl BasicUtilities {
    /// `d` and `d_mu` are normalised distances; they are clamped to `[0,1]`. `r > 0`.
    pub fn new(d: f64, d_mu: f64, r: f64) -> Self {
        let d = d.clamp(0.0, 1.0);
        let d_mu = d_mu.clamp(0.0, 1.0);
        let u = |v: f64| 2.0 - 4.0 * v.max(0.0).powf(r);
        BasicUtilities {
            success: u(0.5 - 0.5 * d),
            failure: u(0.5 + 0.5 * d),
            better: u(0.5 - 0.25 * (d_mu + d)),
            worse: u(0.5 + 0.25 * (d_mu + d)),
            status_quo: u(0.5),
        }
    }
}

/// Expected utility of `i` challenging `j` (SCS §2.2, BDM94/BDM02):
///
/// `EU_{ij} = s_j [P_{ij} U_s + (1 − P_{ij}) U_f] + (1 − s_j) U_s − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w]`
///
/// `s_j` is the target's salience, read as the probability that `j` resists; a target that does not
/// resist concedes (`U_s`). The last two terms are the value of *not* challenging: the status quo holds
/// with probability `Q`, otherwise it changes for the better (`T`) or the worse.
/// (The `dmasad` replication has a sign slip in the `(1 − Q)` term; this follows the paper.)
pub fn expected_utility(
    p_success: f64,
    salience_target: f64,
    u: &BasicUtilities,
    q: f64,
    t: f64,
) -> f64 {
    salience_target * (p_success * u.success + (1.0 - p_success) * u.failure)
        + (1.0 - salience_target) * u.success
        - q * u.status_quo
        - (1.0 - q) * (t * u.better + (1.0 - t) * u.worse)
}

/// Normalised distance `|a − b| / Δ`, clamped to `[0,1]`.
#[inline]
fn nd(a: f64, b: f64, range: f64) -> f64 {
    ((a - b).abs() / range).min(1.0)
}

/// Vote of `k` for `a` over `b`, utility-difference form (SCS §4):
/// `v^k_{ab} = c_k s_k [ (|x_k − x_b|/Δ)^{r_k} − (|x_k − x_a|/Δ)^{r_k} ]`.
/// With `r_k = 1` this is the linear form `c_k s_k (|x_k − x_b| − |x_k − x_a|)/Δ` (BDM94).
#[inline]
fn vote(w_k: f64, x_k: f64, r_k: f64, xa: f64, xb: f64, range: f64) -> f64 {
    w_k * (nd(x_k, xb, range).powf(r_k) - nd(x_k, xa, range).powf(r_k))
}

/// Fills `prob[a*n + b] = P_{ab}` using voter exponents `r`.
fn fill_probabilities(
    inp: &IssueInput<'_>,
    r: &[f64],
    range: f64,
    form: SuccessProbability,
    prob: &mut [f64],
) {
    let n = inp.positions.len();
    let x = inp.positions;
    let w = |k: usize| weight(inp.capability[k], inp.salience[k]);
    let global = match form {
        SuccessProbability::Printed => 0.0,
        SuccessProbability::Program => {
            let mut g = 0.0;
            for k in 0..n {
                for a in 0..n {
                    for b in 0..n {
                        g += vote(w(k), x[k], r[k], x[a], x[b], range).abs();
                    }
                }
            }
            g
        }
    };
    for a in 0..n {
        for b in 0..n {
            let p = if x[a] == x[b] {
                // No contest between identical positions (both replications).
                0.0
            } else {
                let (mut pos, mut abs) = (0.0, 0.0);
                for k in 0..n {
                    let v = vote(w(k), x[k], r[k], x[a], x[b], range);
                    if v > 0.0 {
                        pos += v;
                    }
                    abs += v.abs();
                }
                let den = match form {
                    SuccessProbability::Printed => abs,
                    SuccessProbability::Program => global,
                };
                // No one cares (all weights zero): an even contest.
                if den > 0.0 {
                    (pos / den).clamp(0.0, 1.0)
                } else {
                    0.5
                }
            };
            prob[a * n + b] = p;
        }
    }
}

/// `T` for an actor at `x` given the forecast `mu` and status quo `sq`.
fn t_value(rule: TRule, x: f64, mu: f64, sq: f64) -> f64 {
    match rule {
        TRule::Fixed(t) => t.clamp(0.0, 1.0),
        TRule::StatusQuoDrift => {
            let (dm, ds) = ((x - mu).abs(), (x - sq).abs());
            if dm < ds {
                1.0
            } else if dm > ds {
                0.0
            } else {
                0.5
            }
        }
    }
}

/// Everything needed to evaluate `EU_{ab}` inside one round.
struct EuCtx<'a> {
    inp: &'a IssueInput<'a>,
    prob: &'a [f64],
    range: f64,
    mu: f64,
    q: f64,
    t: TRule,
}

impl EuCtx<'_> {
    /// `EU_{ab}`: `a` challenging `b`, evaluated with risk exponent `r` (the perceiver's).
    fn eu(&self, a: usize, b: usize, r: f64) -> f64 {
        let n = self.inp.positions.len();
        let x = self.inp.positions;
        let u = BasicUtilities::new(nd(x[a], x[b], self.range), nd(x[a], self.mu, self.range), r);
        let t = t_value(self.t, x[a], self.mu, self.inp.status_quo);
        expected_utility(self.prob[a * n + b], self.inp.salience[b], &u, self.q, t)
    }
}

/// Classifies the offer that `j` implicitly makes to `i` (SCS §6; see [`OfferKind`]) from
/// `a = EU^i_{ij}`, `b = EU^i_{ji}`. Returns the kind and the target position, or `None`.
pub fn classify_offer(x_i: f64, x_j: f64, a: f64, b: f64) -> Option<(OfferKind, f64)> {
    if !(a.is_finite() && b.is_finite()) || b <= 0.0 {
        return None;
    }
    if a > 0.0 {
        // Both expect to gain from a challenge: conflict; the larger expectation wins.
        (b > a).then_some((OfferKind::Conflict, x_j))
    } else if a < 0.0 {
        if b > -a {
            Some((OfferKind::Compromise, x_i + (x_j - x_i) * (-a / b)))
        } else {
            Some((OfferKind::Capitulation, x_j))
        }
    } else {
        None
    }
}

/// Whether `cand` should replace `best` as the offer receiver `i` accepts (`x` the round's input
/// positions). Candidates arrive in increasing index of the offering actor, so "not better" keeps the
/// earlier one.
///
/// * [`OfferChoice::LeastMovement`]: less movement; on a tie the larger challenger EU (the more
///   credible offer; own tie rule, the papers give none), then the earlier actor.
/// * [`OfferChoice::ByKind`] (Scholz's program): conflict before compromise before capitulation;
///   within conflicts and capitulations less movement, within compromises the
///   [`CompromiseChoice`] key; ties go to the earlier actor (the program's `min`).
fn better_offer(cand: &Offer, best: &Offer, x: &[f64], i: usize, p: &BargainingParams) -> bool {
    let moved = |o: &Offer| (o.target - x[i]).abs();
    match p.offers {
        OfferChoice::LeastMovement => {
            let (dc, db) = (moved(cand), moved(best));
            if dc != db {
                return dc < db;
            }
            cand.eu_challenger > best.eu_challenger
        }
        OfferChoice::ByKind => {
            let rank = |k: OfferKind| match k {
                OfferKind::Conflict => 0,
                OfferKind::Compromise => 1,
                OfferKind::Capitulation => 2,
            };
            if rank(cand.kind) != rank(best.kind) {
                return rank(cand.kind) < rank(best.kind);
            }
            let key = |o: &Offer| match (o.kind, p.compromise) {
                (OfferKind::Compromise, CompromiseChoice::LowestWeightedPoint) => {
                    let (a, b) = (o.eu_self.abs(), o.eu_challenger.abs());
                    (a * x[i] + b * x[o.from]) / (a + b)
                }
                _ => moved(o),
            };
            key(cand) < key(best)
        }
    }
}

/// One round of BDM's expected-utility bargaining (SCS Appendix steps 2–11; see the module docs).
///
/// Writes each actor's new position to `new_positions` (`x_i + step·(target − x_i)` for the accepted
/// offer, `x_i` otherwise) and its diagnostics to `diagnostics`. Moves are simultaneous: every actor
/// decides on the input positions.
///
/// Invariants: new positions lie within `[min x, max x]` of the input (every target lies between `x_i`
/// and some `x_j`); outputs are finite for finite inputs, including zero saliences, identical
/// positions and a single actor (which never moves).
///
/// # Panics
/// If the slices' lengths differ.
pub fn bargaining_round(
    inp: &IssueInput<'_>,
    params: &BargainingParams,
    scratch: &mut Scratch,
    new_positions: &mut [f64],
    diagnostics: &mut [ActorRound],
) -> RoundOutcome {
    let n = inp.positions.len();
    assert_eq!(inp.salience.len(), n, "salience length");
    assert_eq!(inp.capability.len(), n, "capability length");
    assert_eq!(new_positions.len(), n, "new_positions length");
    assert_eq!(diagnostics.len(), n, "diagnostics length");
    let x = inp.positions;

    let forecast = weighted_mean(x, inp.salience, inp.capability);
    let median = weighted_median(x, inp.salience, inp.capability);
    new_positions.copy_from_slice(x);
    diagnostics.fill(ActorRound::default());

    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let spread = if n > 0 { hi - lo } else { 0.0 };
    let range = params.range.unwrap_or(spread);
    let no_spread = spread <= REL_EPS * lo.abs().max(hi.abs()).max(1.0);
    if n < 2 || no_spread || !(range > 0.0 && range.is_finite()) {
        return RoundOutcome {
            forecast,
            median,
            forecast_after: forecast,
            median_after: median,
            moved: 0,
        };
    }

    let q = params.q.clamp(0.0, 1.0);
    let step = params.step.clamp(0.0, 1.0);
    scratch.prepare(n);
    let Scratch {
        r,
        security,
        prob,
        eu1,
    } = scratch;

    // Steps 2–7: r = 1 everywhere; votes, probabilities, EU_{ji}.
    r.fill(1.0);
    fill_probabilities(inp, r, range, params.probability, prob);
    {
        let ctx = EuCtx {
            inp,
            prob,
            range,
            mu: forecast,
            q,
            t: params.t,
        };
        for j in 0..n {
            for i in 0..n {
                eu1[j * n + i] = if i == j { 0.0 } else { ctx.eu(j, i, 1.0) };
            }
        }
    }
    // Steps 8–9: security and risk exponents.
    for i in 0..n {
        security[i] = (0..n).filter(|&j| j != i).map(|j| eu1[j * n + i]).sum();
    }
    let (smin, smax) = security
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    for i in 0..n {
        r[i] = risk_exponent(security[i], smin, smax);
        diagnostics[i].risk_exponent = r[i];
        diagnostics[i].security = security[i];
    }

    // Step 10: recompute with the new exponents (votes use each voter's own r_k).
    fill_probabilities(inp, r, range, params.probability, prob);
    let ctx = EuCtx {
        inp,
        prob,
        range,
        mu: forecast,
        q,
        t: params.t,
    };

    // Step 11: offers, evaluated by each receiver i with its own r_i.
    let mut moved = 0;
    for i in 0..n {
        let mut best: Option<Offer> = None;
        for j in 0..n {
            if j == i || x[j] == x[i] {
                continue;
            }
            let a = ctx.eu(i, j, r[i]);
            let b = ctx.eu(j, i, r[i]);
            if let Some((kind, target)) = classify_offer(x[i], x[j], a, b) {
                let cand = Offer {
                    from: j,
                    kind,
                    target,
                    eu_self: a,
                    eu_challenger: b,
                };
                if best.is_none_or(|bo| better_offer(&cand, &bo, x, i, params)) {
                    best = Some(cand);
                }
            }
        }
        if let Some(o) = best {
            let nx = x[i] + step * (o.target - x[i]);
            new_positions[i] = nx.clamp(lo, hi);
            if new_positions[i] != x[i] {
                moved += 1;
            }
        }
        diagnostics[i].offer = best;
    }

    RoundOutcome {
        forecast,
        median,
        forecast_after: weighted_mean(new_positions, inp.salience, inp.capability),
        median_after: weighted_median(new_positions, inp.salience, inp.capability),
        moved,
    }
}

/// Mediation hook (not part of BDM's model; a documented extension): after a round, close a share
/// `m ∈ [0,1]` (clamped) of every actor's remaining gap to `forecast`:
/// `x_i ← x_i + m·(forecast − x_i)`.
///
/// `m = 0` is a no-op, `m = 1` collapses everyone onto the forecast. Since a `c·s`-weighted mean lies
/// within the positions' range, passing [`RoundOutcome::forecast_after`] (or [`weighted_mean`] of
/// `positions`) keeps positions within their range and leaves the weighted mean unchanged.
pub fn convergence_boost(positions: &mut [f64], forecast: f64, m: f64) {
    let m = if m.is_finite() {
        m.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if !forecast.is_finite() {
        return;
    }
    for x in positions.iter_mut() {
        *x += m * (forecast - *x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// BDM94 (Table p. 78, reproduced as Table 1 of SCS): EC member states' preferred date (in years)
    /// for introducing emission standards for medium-sized cars. Column order: position, capability,
    /// salience. Same values as `ExampleActors.csv` in the `jmckib` replication.
    const EC: [(&str, f64, f64, f64); 10] = [
        ("Netherlands", 4.0, 0.08, 0.8),
        ("Belgium", 7.0, 0.08, 0.4),
        ("Luxembourg", 4.0, 0.03, 0.2),
        ("Germany", 4.0, 0.16, 0.8),
        ("France", 10.0, 0.16, 0.6),
        ("Italy", 10.0, 0.16, 0.6),
        ("UK", 10.0, 0.16, 0.9),
        ("Ireland", 7.0, 0.05, 0.1),
        ("Denmark", 4.0, 0.05, 1.0),
        ("Greece", 7.0, 0.08, 0.7),
    ];

    fn ec() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        (
            EC.iter().map(|a| a.1).collect(),
            EC.iter().map(|a| a.3).collect(),
            EC.iter().map(|a| a.2).collect(),
        )
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn run(
        x: &[f64],
        s: &[f64],
        c: &[f64],
        sq: f64,
        p: &BargainingParams,
    ) -> (Vec<f64>, Vec<ActorRound>, RoundOutcome) {
        let n = x.len();
        let mut out = vec![0.0; n];
        let mut diag = vec![ActorRound::default(); n];
        let inp = IssueInput {
            positions: x,
            salience: s,
            capability: c,
            status_quo: sq,
        };
        let o = bargaining_round(&inp, p, &mut Scratch::new(), &mut out, &mut diag);
        (out, diag, o)
    }

    fn spread(x: &[f64]) -> f64 {
        x.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
            - x.iter().cloned().fold(f64::INFINITY, f64::min)
    }

    // (1) Forecasts on the EC data, computed by hand.
    #[test]
    fn ec_forecasts_match_hand_computation() {
        let (x, s, c) = ec();
        // Σ c·s = .064+.032+.006+.128+.096+.096+.144+.005+.050+.056 = 0.677
        // Σ c·s·x = .256+.224+.024+.512+.960+.960+1.440+.035+.200+.392 = 5.003
        let mean = weighted_mean(&x, &s, &c);
        assert!(close(mean, 5.003 / 0.677, 1e-12), "{mean}");
        assert!(close(mean, 7.389956, 1e-6));
        // Weight at 4: .248, at 7: .093, at 10: .336; half of .677 is .3385.
        // Left of 7: .248 ≤ .3385, right of 7: .336 ≤ .3385 → 7 is the median voter position
        // (7 beats 10 by .341 to .336, and 4 by .429 to .248).
        assert_eq!(weighted_median(&x, &s, &c), 7.0);
        let (_, _, o) = run(&x, &s, &c, 0.0, &BargainingParams::default());
        assert!(close(o.forecast, mean, 1e-15));
        assert_eq!(o.median, 7.0);
    }

    #[test]
    fn weighted_median_edge_cases() {
        // Exact tie between two positions: midpoint.
        assert_eq!(weighted_median(&[0.0, 10.0], &[1.0, 1.0], &[1.0, 1.0]), 5.0);
        // Heavy actor dominates.
        assert_eq!(
            weighted_median(&[0.0, 10.0, 20.0], &[1.0, 1.0, 1.0], &[1.0, 1.0, 5.0]),
            20.0
        );
        // All salience zero: unweighted median; unweighted mean.
        assert_eq!(
            weighted_median(&[0.0, 10.0, 30.0], &[0.0; 3], &[1.0; 3]),
            10.0
        );
        assert!(close(
            weighted_mean(&[0.0, 10.0, 30.0], &[0.0; 3], &[1.0; 3]),
            40.0 / 3.0,
            1e-12
        ));
        assert_eq!(weighted_median(&[42.0], &[0.5], &[1.0]), 42.0);
        assert_eq!(weighted_median(&[], &[], &[]), 0.0);
    }

    #[test]
    fn utilities_and_risk_map() {
        // U(v) = 2 − 4 v^r at the endpoints and midpoint (values as in the jmckib unit tests).
        let u = BasicUtilities::new(1.0, 0.0, 1.0);
        assert_eq!((u.success, u.failure, u.status_quo), (2.0, -2.0, 0.0));
        let u = BasicUtilities::new(0.5, 0.0, 2.0);
        assert!(close(u.success, 1.75, 1e-12) && close(u.failure, -0.25, 1e-12));
        assert!(close(u.status_quo, 1.0, 1e-12));
        assert!(close(
            BasicUtilities::new(0.0, 0.0, 0.5).status_quo,
            2.0 - 4.0 * 0.5f64.sqrt(),
            1e-12
        ));
        // Risk map bounds: most threatened 0.5, most secure 2, middle 1, flat 1.
        assert!(close(risk_exponent(3.0, -1.0, 3.0), 0.5, 1e-12));
        assert!(close(risk_exponent(-1.0, -1.0, 3.0), 2.0, 1e-12));
        assert!(close(risk_exponent(1.0, -1.0, 3.0), 1.0, 1e-12));
        assert_eq!(risk_exponent(2.0, 2.0, 2.0), 1.0);
    }

    #[test]
    fn offer_classification() {
        assert_eq!(
            classify_offer(0.0, 10.0, 1.0, 2.0),
            Some((OfferKind::Conflict, 10.0))
        );
        assert_eq!(classify_offer(0.0, 10.0, 2.0, 1.0), None); // i would win: j moves instead
        assert_eq!(
            classify_offer(0.0, 10.0, -0.5, 2.0),
            Some((OfferKind::Compromise, 2.5))
        );
        assert_eq!(
            classify_offer(0.0, 10.0, -3.0, 2.0),
            Some((OfferKind::Capitulation, 10.0))
        );
        assert_eq!(classify_offer(0.0, 10.0, -1.0, -1.0), None);
        assert_eq!(classify_offer(0.0, 10.0, 1.0, f64::NAN), None);
    }

    // (2) Hand-checked two-actor example: strong S at 80 (c = 4, s = 1), weak W at 20 (c = 1, s = 0.25).
    //
    // Δ = 60, d = 1. Weights 4 and 0.25. Votes for S over W: S +4, W −0.25, so P_SW = 4/4.25,
    // P_WS = 0.25/4.25 (any r, since normalised distances are 0 or 1).
    // r = 1: U_s = 2, U_f = −2, U_sq = 0.
    //   EU_SW = 0.25·(2P_SW − 2(1−P_SW)) + 0.75·2 = 1.941176;  EU_WS = 1·(2P_WS − 2(1−P_WS)) = −1.764706.
    //   Security: W = 1.941176 (max) → R = 1, r_W = 0.5;  S = −1.764706 (min) → R = −1, r_S = 2.
    // W (r = 0.5, U_sq = 2 − 4√0.5 = −0.828427): a = EU_WS = −1.764706 + 0.828427 = −0.936279,
    //   b = EU_SW = 1.941176 + 0.828427 = 2.769603 → compromise, to 20 + 60·0.936279/2.769603 = 40.2833.
    // S (r = 2, U_sq = 1): b = EU_WS − 1 < 0 → no offer, S stays at 80.
    #[test]
    fn strong_actor_pulls_weak_one_hand_checked() {
        let (x, s, c) = ([80.0, 20.0], [1.0, 0.25], [4.0, 1.0]);
        let (out, diag, o) = run(&x, &s, &c, 50.0, &BargainingParams::printed());
        assert!(close(o.forecast, 325.0 / 4.25, 1e-12));
        assert_eq!(o.median, 80.0);
        assert!(
            close(diag[0].risk_exponent, 2.0, 1e-12) && close(diag[1].risk_exponent, 0.5, 1e-12)
        );
        assert!(
            close(diag[0].security, -1.764706, 1e-6) && close(diag[1].security, 1.941176, 1e-6)
        );
        assert_eq!(out[0], 80.0);
        assert!(diag[0].offer.is_none());
        let off = diag[1].offer.expect("W takes S's offer");
        assert_eq!((off.from, off.kind), (0, OfferKind::Compromise));
        assert!(close(off.eu_self, -0.936279, 1e-6) && close(off.eu_challenger, 2.769603, 1e-6));
        let want = 20.0 + 60.0 * (1.764706 - 0.828427) / (1.941176 + 0.828427);
        assert!(
            close(out[1], want, 1e-4) && close(out[1], 40.2833, 1e-4),
            "{}",
            out[1]
        );
        assert_eq!(o.moved, 1);

        // step = 0.5 moves half of that distance.
        let p = BargainingParams {
            step: 0.5,
            ..BargainingParams::printed()
        };
        let (half, _, _) = run(&x, &s, &c, 50.0, &p);
        assert!(close(half[1] - 20.0, 0.5 * (out[1] - 20.0), 1e-12));
    }

    // (2) Several weak, low-salience actors at 20 against one strong, committed actor at 80: every
    // weak actor takes the strong one's offer and moves up; the strong one does not move.
    // Then a variant with one weak actor at 25: the others may take its (nearer) offer instead,
    // but everybody still moves toward the strong actor.
    #[test]
    fn weak_actors_move_toward_strong_one() {
        let s = [0.9, 0.3, 0.2, 0.3];
        let c = [5.0, 1.0, 1.0, 0.5];
        for (x, all_from_strong) in [
            ([80.0, 20.0, 20.0, 20.0], true),
            ([80.0, 20.0, 20.0, 25.0], false),
        ] {
            for q in [1.0, 0.5] {
                for (probability, offers) in [
                    (SuccessProbability::Printed, OfferChoice::LeastMovement),
                    (SuccessProbability::Program, OfferChoice::ByKind),
                ] {
                    let p = BargainingParams {
                        q,
                        probability,
                        offers,
                        ..Default::default()
                    };
                    let (out, diag, _) = run(&x, &s, &c, 20.0, &p);
                    assert_eq!(out[0], 80.0, "strong actor moved: {out:?}");
                    assert!(diag[0].offer.is_none());
                    for i in 1..4 {
                        assert!(
                            out[i] > x[i],
                            "q={q} {probability:?}: actor {i} did not move up: {out:?}"
                        );
                        if all_from_strong {
                            assert_eq!(diag[i].offer.map(|o| o.from), Some(0));
                        }
                    }
                }
            }
        }
    }

    // The printed reading on the EC data, round 1 (Q = 1, range = initial spread 6). A regression: the
    // expected values come from an independent Python transcription of the printed equations
    // (structured like the jmckib/dmasad replications), not from a publication — no public run of the
    // printed reading exists. The program's reading is checked against a published log below.
    #[test]
    fn ec_first_round_printed_reading_regression() {
        let (x, s, c) = ec();
        let p = BargainingParams {
            range: Some(6.0),
            ..BargainingParams::printed()
        };
        let (out, diag, o) = run(&x, &s, &c, 0.0, &p);
        let r = [
            1.117181, 1.004407, 0.5, 1.117181, 1.017582, 1.017582, 2.0, 0.648264, 1.453712,
            1.556875,
        ];
        for i in 0..10 {
            assert!(
                close(diag[i].risk_exponent, r[i], 1e-6),
                "r[{i}] = {}",
                diag[i].risk_exponent
            );
        }
        let want = [
            6.81104, 10.0, 7.0, 6.81104, 7.0, 7.0, 10.0, 10.0, 4.915282, 7.0,
        ];
        for i in 0..10 {
            assert!(
                close(out[i], want[i], 1e-5),
                "x[{i}] = {} want {}",
                out[i],
                want[i]
            );
        }
        let kind = |i: usize| diag[i].offer.map(|o| (o.from, o.kind));
        assert_eq!(kind(0), Some((6, OfferKind::Compromise))); // Netherlands ← UK
        assert_eq!(kind(1), Some((4, OfferKind::Conflict))); // Belgium loses to France
        assert_eq!(kind(6), None); // UK stays
        assert!(close(o.forecast_after, 7.594511, 1e-5));
    }

    /// One logged move: receiver, kind, offering actor, `EU^i_{ij}`, `EU^i_{ji}`, new position.
    type Move = (usize, OfferKind, usize, f64, f64, f64);

    /// The ten rounds of Scholz et al.'s program on the EC data as printed by its public replication:
    /// `dmasad/bdm-scholz-expected-utility-model`, file `Example.log`, commit
    /// d7c7bbab2b714f8bd196e71db38b0f30a3c15bfd (`python bdm_scholz_model.py ExampleActors.csv 10
    /// --log Example.log`; the program is jmckib's transcription of Scholz's code, ported to Python 3).
    /// Each round prints every actor that accepts an offer ("X compromises with Y / loses confrontation
    /// to Y", `EU^X_{XY} vs EU^X_{YX}`, `new_pos`) and then the mean; actors not printed keep their
    /// position. (After round 0 its "Median position" lines repeat the mean: the port logs
    /// `mean_position()` twice.) Indices: 0 Netherlands, 1 Belgium, 2 Luxembourg, 4 France, 7 Ireland.
    #[rustfmt::skip]
    const LOG: [([Move; 3], f64); 10] = {
        use OfferKind::{Compromise as Cm, Conflict as Cf};
        [
            ([(1, Cm, 4, -0.11483050347300794, 0.2432965945234421, 8.415932315426764),
              (2, Cf, 1, 0.24550922248250817, 0.542246100211495, 7.0),
              (7, Cf, 2, 0.5382377664333493, 0.6824778252511178, 4.0)], 7.461314378277189),
            ([(1, Cm, 4, -0.08372298010499579, 0.11098827573851458, 9.610859134120188),
              (2, Cf, 1, 0.09587865812504826, 0.25279815776071274, 8.415932315426764),
              (7, Cf, 2, 0.5364745002601532, 0.6832740271828603, 7.0)], 7.552500865855845),
            ([(1, Cm, 4, -0.021363682612244528, 0.023677008278475686, 9.961979590401311),
              (2, Cf, 1, 0.0752415037116283, 0.1973924602995426, 9.610859134120188),
              (7, Cf, 2, 0.2220966141779851, 0.28914350869001226, 8.415932315426764)], 7.590144997451547),
            ([(1, Cm, 0, -0.7153336335609584, 0.826336595809209, 4.800881140632622),
              (2, Cf, 1, 0.019067005856757135, 0.05475982048848671, 9.961979590401311),
              (7, Cf, 2, 0.18434889721531578, 0.2408011690248525, 9.610859134120188)], 7.358130531334201),
            ([(1, Cm, 4, -0.07892886598556514, 0.5673005292780673, 5.524237694197356),
              (2, Cf, 1, 0.6442818640814262, 1.2296306388963438, 4.800881140632622),
              (7, Cf, 2, 0.05091916804909058, 0.06745697684475738, 9.961979590401311)], 7.3491739896752115),
            ([(1, Cm, 4, -0.17147772090669489, 0.3940292145932064, 7.47204636191629),
              (2, Cf, 1, 0.04393570966631333, 0.12294346298815284, 5.524237694197356),
              (7, Cf, 1, 0.477289288589615, 1.1583814184029237, 5.524237694197356)], 7.414877545372958),
            ([(1, Cm, 4, -0.10459286362216708, 0.19548733882691532, 8.824593855262423),
              (2, Cf, 1, 0.1382777829509383, 0.3410544636307657, 7.47204636191629),
              (7, Cf, 1, 0.13272892587624174, 0.41138879294371355, 7.47204636191629)], 7.510457183677219),
            ([(1, Cm, 4, -0.056369286263043605, 0.07826815650708174, 9.671129769802048),
              (2, Cf, 1, 0.0872009778054279, 0.22517742605780633, 8.824593855262423),
              (7, Cf, 1, 0.08321562348731826, 0.2751461345009193, 8.824593855262423)], 7.5724470975503),
            ([(1, Cm, 0, -0.6974248364399851, 0.7157050033503447, 4.144849062500606),
              (2, Cf, 1, 0.05008299023987961, 0.13597909894595128, 9.671129769802048),
              (7, Cf, 1, 0.0474210361526437, 0.1671827021753982, 9.671129769802048)], 7.324989065683666),
            ([(1, Cm, 4, -0.01852838755780717, 0.7395521611111853, 4.291541224979646),
              (2, Cf, 1, 0.760038324818827, 1.4093388112170677, 4.144849062500606),
              (7, Cf, 1, 0.796832348725107, 1.7236993574505728, 4.144849062500606)], 7.242130958473938),
        ]
    };

    // The program's reading (the defaults) reproduces every logged round of the public replication
    // to 1e-9: who moves, the kind of offer, who made it, both expected utilities, the new position,
    // and the mean; nobody else moves. Δ is fixed at the initial spread (6), as in the program.
    #[test]
    fn ec_ten_rounds_match_the_replication_log() {
        let (mut x, s, c) = ec();
        let p = BargainingParams {
            range: Some(6.0),
            ..BargainingParams::default()
        };
        // Round 0 of the log: "Median position: 7.0", "Mean position: 7.389955686853767".
        assert!(close(weighted_mean(&x, &s, &c), 7.389955686853767, 1e-9));
        assert_eq!(weighted_median(&x, &s, &c), 7.0);
        let mut scratch = Scratch::new();
        let mut out = vec![0.0; x.len()];
        let mut diag = vec![ActorRound::default(); x.len()];
        for (round, (moves, mean)) in LOG.iter().enumerate() {
            let inp = IssueInput {
                positions: &x,
                salience: &s,
                capability: &c,
                status_quo: 0.0,
            };
            let o = bargaining_round(&inp, &p, &mut scratch, &mut out, &mut diag);
            let r = round + 1;
            for i in 0..x.len() {
                match moves.iter().find(|m| m.0 == i) {
                    Some(&(_, kind, from, a, b, pos)) => {
                        let off = diag[i]
                            .offer
                            .unwrap_or_else(|| panic!("round {r}: {i} stays"));
                        assert_eq!((off.kind, off.from), (kind, from), "round {r}, actor {i}");
                        assert!(close(off.eu_self, a, 1e-9), "round {r}, actor {i}: {off:?}");
                        assert!(
                            close(off.eu_challenger, b, 1e-9),
                            "round {r}, actor {i}: {off:?}"
                        );
                        assert!(close(out[i], pos, 1e-9), "round {r}, actor {i}: {}", out[i]);
                    }
                    None => {
                        assert!(
                            diag[i].offer.is_none(),
                            "round {r}: {i} {:?}",
                            diag[i].offer
                        );
                        assert_eq!(out[i], x[i]);
                    }
                }
            }
            assert!(
                close(o.forecast_after, *mean, 1e-9),
                "round {r}: mean {}",
                o.forecast_after
            );
            x.copy_from_slice(&out);
        }
    }

    // The same ten rounds under the printed reading, or with either of the program's choices swapped
    // for the printed one, leave the logged path (the round named is the first that differs).
    #[test]
    fn each_printed_choice_leaves_the_logged_path() {
        let (x0, s, c) = ec();
        let first_difference = |p: BargainingParams| {
            let mut x = x0.clone();
            let mut out = vec![0.0; x.len()];
            let mut diag = vec![ActorRound::default(); x.len()];
            for (round, (_, mean)) in LOG.iter().enumerate() {
                let inp = IssueInput {
                    positions: &x,
                    salience: &s,
                    capability: &c,
                    status_quo: 0.0,
                };
                let o = bargaining_round(&inp, &p, &mut Scratch::new(), &mut out, &mut diag);
                if !close(o.forecast_after, *mean, 1e-9) {
                    return Some(round + 1);
                }
                x.copy_from_slice(&out);
            }
            None
        };
        let program = BargainingParams {
            range: Some(6.0),
            ..BargainingParams::default()
        };
        assert_eq!(first_difference(program), None);
        let printed = BargainingParams {
            range: Some(6.0),
            ..BargainingParams::printed()
        };
        assert_eq!(first_difference(printed), Some(1));
        let p = |f: fn(&mut BargainingParams)| {
            let mut p = program;
            f(&mut p);
            first_difference(p)
        };
        assert_eq!(p(|p| p.probability = SuccessProbability::Printed), Some(1));
        assert_eq!(p(|p| p.offers = OfferChoice::LeastMovement), Some(1));
        assert_eq!(
            p(|p| p.compromise = CompromiseChoice::LeastMovement),
            Some(4)
        );
    }

    // (3) Monotonicity: more capability for one actor pulls the forecast toward it.
    #[test]
    fn capability_monotonicity() {
        let (x, s, mut c) = ec();
        let uk = 6; // at 10, above the mean
        let mut prev_mean = weighted_mean(&x, &s, &c);
        let mut prev_median = weighted_median(&x, &s, &c);
        for _ in 0..10 {
            c[uk] *= 1.5;
            let m = weighted_mean(&x, &s, &c);
            let md = weighted_median(&x, &s, &c);
            assert!(m > prev_mean && m < 10.0);
            assert!(md >= prev_median);
            prev_mean = m;
            prev_median = md;
        }
        assert_eq!(prev_median, 10.0);
        // And for an actor below the mean (Denmark at 4).
        let (x, s, mut c) = ec();
        let before = weighted_mean(&x, &s, &c);
        c[8] *= 3.0;
        assert!(weighted_mean(&x, &s, &c) < before);
        assert!(weighted_median(&x, &s, &c) <= 7.0);
    }

    // (4) Degenerate inputs.
    #[test]
    fn degenerate_inputs_are_finite() {
        let p = BargainingParams::default();
        // One actor.
        let (out, diag, o) = run(&[33.0], &[0.7], &[2.0], 10.0, &p);
        assert_eq!(out, vec![33.0]);
        assert!(diag[0].offer.is_none() && o.forecast == 33.0 && o.median == 33.0);
        // No actors.
        let (out, _, o) = run(&[], &[], &[], 0.0, &p);
        assert!(out.is_empty() && o.forecast == 0.0);
        // Identical positions.
        let (out, diag, o) = run(
            &[40.0; 4],
            &[0.5, 0.1, 0.9, 0.3],
            &[1.0, 2.0, 3.0, 4.0],
            0.0,
            &p,
        );
        assert_eq!(out, vec![40.0; 4]);
        assert!(diag.iter().all(|d| d.offer.is_none()) && close(o.forecast, 40.0, 1e-12));
        // All saliences zero, and a mix of zero and non-zero.
        for s in [[0.0; 4], [0.0, 0.0, 0.8, 0.0]] {
            for q in [1.0, 0.5] {
                let pq = BargainingParams {
                    q,
                    t: TRule::StatusQuoDrift,
                    ..Default::default()
                };
                let x = [10.0, 35.0, 60.0, 90.0];
                let (out, diag, o) = run(&x, &s, &[1.0, 2.0, 3.0, 4.0], 50.0, &pq);
                assert!(
                    o.forecast.is_finite() && o.median.is_finite() && o.forecast_after.is_finite()
                );
                for i in 0..4 {
                    assert!(
                        out[i].is_finite() && (10.0..=90.0).contains(&out[i]),
                        "{out:?}"
                    );
                    assert!(diag[i].risk_exponent.is_finite() && diag[i].security.is_finite());
                }
            }
        }
        // Two actors at the same spot plus one elsewhere; fixed range narrower than the spread.
        let pr = BargainingParams {
            range: Some(5.0),
            ..Default::default()
        };
        let (out, _, _) = run(
            &[20.0, 20.0, 80.0],
            &[1.0, 0.5, 0.5],
            &[1.0, 1.0, 1.0],
            0.0,
            &pr,
        );
        assert!(
            out.iter()
                .all(|v| v.is_finite() && (20.0..=80.0).contains(v))
        );
    }

    // (5) Under the printed reading repeated rounds shrink the spread (EC data, Q = 1, range fixed at
    // 6). (The program's reading does not settle: see the replication log above.)
    #[test]
    fn repeated_rounds_converge() {
        let (mut x, s, c) = ec();
        let p = BargainingParams {
            range: Some(6.0),
            ..BargainingParams::printed()
        };
        let mut scratch = Scratch::new();
        let mut out = vec![0.0; x.len()];
        let mut diag = vec![ActorRound::default(); x.len()];
        let initial = spread(&x);
        for _ in 0..20 {
            let inp = IssueInput {
                positions: &x,
                salience: &s,
                capability: &c,
                status_quo: 0.0,
            };
            bargaining_round(&inp, &p, &mut scratch, &mut out, &mut diag);
            x.copy_from_slice(&out);
        }
        let fin = spread(&x);
        assert!(fin < 0.5 * initial, "spread {initial} -> {fin}: {x:?}");
        assert!(x.iter().all(|v| (4.0..=10.0).contains(v)));
        // Same 20-round end state as the independent Python transcription (spread ≈ 0.35).
        assert!(fin < 0.4, "{fin}");
        assert!(close(weighted_mean(&x, &s, &c), 6.474261, 1e-5), "{x:?}");
    }

    #[test]
    fn convergence_boost_closes_gap() {
        let (x, s, c) = ec();
        let mut y = x.clone();
        let f = weighted_mean(&y, &s, &c);
        convergence_boost(&mut y, f, 0.25);
        assert!(close(spread(&y), 0.75 * spread(&x), 1e-12));
        assert!(close(weighted_mean(&y, &s, &c), f, 1e-12));
        let mut z = x.clone();
        convergence_boost(&mut z, f, 0.0);
        assert_eq!(z, x);
        convergence_boost(&mut z, f, 7.0); // clamped to 1
        assert!(z.iter().all(|v| close(*v, f, 1e-12)));
        convergence_boost(&mut z, f64::NAN, 0.5);
        assert!(z.iter().all(|v| v.is_finite()));
    }

    proptest! {
        // (4) Invariants on random issues: positions stay in the initial hull, everything finite,
        // risk exponents within [0.5, 2], offers point at other actors.
        #[test]
        fn round_invariants(
            actors in prop::collection::vec((0.0f64..=100.0, prop_oneof![Just(0.0), 0.0f64..=1.0], 0.01f64..10.0), 1..9),
            q in prop_oneof![Just(1.0), Just(0.5), 0.0f64..=1.0],
            step in 0.0f64..=1.0,
            sq in 0.0f64..=100.0,
            code in any::<bool>(),
            prio in any::<bool>(),
            lowest in any::<bool>(),
            drift in any::<bool>(),
            fixed_range in any::<bool>(),
            snap in any::<bool>(),
        ) {
            let mut x: Vec<f64> = actors.iter().map(|a| a.0).collect();
            if snap { for v in &mut x { *v = (*v / 25.0).round() * 25.0; } } // many identical positions
            let s: Vec<f64> = actors.iter().map(|a| a.1).collect();
            let c: Vec<f64> = actors.iter().map(|a| a.2).collect();
            let p = BargainingParams {
                q,
                t: if drift { TRule::StatusQuoDrift } else { TRule::Fixed(1.0) },
                step,
                range: fixed_range.then_some(100.0),
                probability: if code { SuccessProbability::Program } else { SuccessProbability::Printed },
                offers: if prio { OfferChoice::ByKind } else { OfferChoice::LeastMovement },
                compromise: if lowest { CompromiseChoice::LowestWeightedPoint } else { CompromiseChoice::LeastMovement },
            };
            let (lo, hi) = (x.iter().cloned().fold(f64::INFINITY, f64::min), x.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
            let (out, diag, o) = run(&x, &s, &c, sq, &p);
            prop_assert!(o.forecast.is_finite() && o.median.is_finite() && o.forecast_after.is_finite());
            prop_assert!(o.forecast >= lo - 1e-9 && o.forecast <= hi + 1e-9);
            prop_assert!(o.median >= lo && o.median <= hi);
            for i in 0..x.len() {
                prop_assert!(out[i].is_finite() && out[i] >= lo && out[i] <= hi);
                prop_assert!(diag[i].risk_exponent >= 0.5 - 1e-12 && diag[i].risk_exponent <= 2.0 + 1e-12);
                if let Some(off) = diag[i].offer {
                    prop_assert!(off.from != i && off.from < x.len());
                    prop_assert!(off.eu_challenger > 0.0);
                    // Target lies between own and offerer's position.
                    let (a, b) = (x[i].min(x[off.from]), x[i].max(x[off.from]));
                    prop_assert!(off.target >= a - 1e-9 && off.target <= b + 1e-9);
                } else {
                    prop_assert_eq!(out[i], x[i]);
                }
            }
        }
    }
}
