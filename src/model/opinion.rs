//! Citizens' opinions and the bounded-confidence dynamics that move them.
//!
//! Opinions live in `[0, 1]`, stored flat and citizen-major (`opinions[i * dims + d]`), so one
//! encounter touches one or two cache lines whatever the number of issues.
//!
//! **Why `f64`.** The hot loop (Deffuant) is bound by the random number generator and by the
//! latency of two random accesses; with `f32` each access still costs one cache line, so the
//! saving is only in memory footprint, which matters only for populations of many millions. `f64`
//! keeps the Deffuant mean conserved to ~1e-15 per move and makes Hegselmann–Krause fixed points
//! and cluster gaps unambiguous. (The published models are defined over the reals.)
//!
//! The two published models are implemented exactly; the only choices of ours are documented on
//! [`deffuant_tick`] (how many encounters a tick, and how several issues share an encounter) and
//! [`hegselmann_krause_step`] (issues updated independently). Neither uses `susceptibility` or
//! `resilience`: those are per-citizen traits kept here for the mechanisms that act on citizens
//! from outside (media, campaigns, shocks).
//!
//! Nothing here allocates per citizen or per tick once scratch buffers exist; the generator is
//! passed down explicitly (in a run: the `citizens/<country>` stream).

use rand_chacha::ChaCha8Rng;

use super::network::Network;
use super::rng::{TruncNormal, below, bernoulli, uniform01};

/// Invalid parameters or shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct OpinionError(pub String);

impl std::fmt::Display for OpinionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "opinion: {}", self.0)
    }
}

impl std::error::Error for OpinionError {}

/// The citizens of one country.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Number of citizens.
    pub n: u32,
    /// Number of opinion dimensions (issues).
    pub dims: usize,
    /// `n * dims` opinions in `[0, 1]`, citizen-major: citizen `i`, issue `d` at `i * dims + d`.
    pub opinions: Vec<f64>,
    /// Per-citizen susceptibility in `[0, 1]` (not used by the bounded-confidence models).
    pub susceptibility: Vec<f64>,
    /// Per-citizen resilience in `[0, 1]` (not used by the bounded-confidence models).
    pub resilience: Vec<f64>,
    /// Bumped by every change of opinions made through this type's functions (see
    /// [`Population::version`]).
    version: u64,
}

impl Population {
    /// A population from given values (checked: lengths, values in `[0, 1]`).
    pub fn from_parts(
        dims: usize,
        opinions: Vec<f64>,
        susceptibility: Vec<f64>,
        resilience: Vec<f64>,
    ) -> Result<Self, OpinionError> {
        let n = susceptibility.len();
        if dims == 0 || opinions.len() != n * dims || resilience.len() != n {
            return Err(OpinionError("inconsistent population shapes".into()));
        }
        if n >= u32::MAX as usize {
            return Err(OpinionError("too many citizens".into()));
        }
        let ok = |v: &[f64]| v.iter().all(|x| (0.0..=1.0).contains(x));
        if !(ok(&opinions) && ok(&susceptibility) && ok(&resilience)) {
            return Err(OpinionError("values must lie in [0, 1]".into()));
        }
        Ok(Population {
            n: n as u32,
            dims,
            opinions,
            susceptibility,
            resilience,
            version: 0,
        })
    }

    /// `n` citizens; issue `d` drawn from a normal `(dims[d].0, dims[d].1)` (mean, sd) truncated
    /// to `[0, 1]`, likewise susceptibility and resilience (see [`TruncNormal`] for the method,
    /// `sd = 0` and hopeless truncations). Draw order: all opinions citizen-major (`i` outer, `d`
    /// inner), then all susceptibilities, then all resiliences.
    pub fn truncated_normal(
        n: u32,
        dims: &[(f64, f64)],
        susceptibility: (f64, f64),
        resilience: (f64, f64),
        rng: &mut ChaCha8Rng,
    ) -> Result<Self, OpinionError> {
        if dims.is_empty() {
            return Err(OpinionError("at least one opinion dimension".into()));
        }
        let tn = |(m, s): (f64, f64)| TruncNormal::new(m, s, 0.0, 1.0);
        let marginals: Vec<TruncNormal> = dims.iter().map(|&d| tn(d)).collect();
        let nd = n as usize * dims.len();
        let mut opinions = Vec::with_capacity(nd);
        for _ in 0..n {
            for t in &marginals {
                opinions.push(t.sample(rng));
            }
        }
        let (ts, tr) = (tn(susceptibility), tn(resilience));
        let susceptibility = (0..n).map(|_| ts.sample(rng)).collect();
        let resilience = (0..n).map(|_| tr.sample(rng)).collect();
        Ok(Population {
            n,
            dims: dims.len(),
            opinions,
            susceptibility,
            resilience,
            version: 0,
        })
    }

    /// The published initial condition of both models: opinions i.i.d. uniform on `[0, 1)`
    /// (citizen-major draw order). Susceptibility is set to 1 and resilience to 0 (no draws).
    pub fn uniform(n: u32, dims: usize, rng: &mut ChaCha8Rng) -> Self {
        let dims = dims.max(1);
        let opinions = (0..n as usize * dims).map(|_| uniform01(rng)).collect();
        Population {
            n,
            dims,
            opinions,
            susceptibility: vec![1.0; n as usize],
            resilience: vec![0.0; n as usize],
            version: 0,
        }
    }

    /// Opinion of citizen `i` on issue `d`.
    #[inline]
    pub fn opinion(&self, i: u32, d: usize) -> f64 {
        self.opinions[i as usize * self.dims + d]
    }

    /// Copies issue `d`'s opinions into `out` (cleared first; reuses its capacity).
    pub fn gather(&self, d: usize, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.opinions.iter().skip(d).step_by(self.dims));
    }

    /// A number that changes whenever the opinions change through this type's functions (the
    /// dynamics, [`Population::opinion_mut`], [`Population::shift_all`]): derived quantities cached
    /// with the version they were computed at are current while it is unchanged. Code that writes
    /// [`Population::opinions`] directly calls [`Population::touch`].
    #[inline]
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Marks the opinions as changed (see [`Population::version`]).
    #[inline]
    pub fn touch(&mut self) {
        self.version = self.version.wrapping_add(1);
    }

    /// Sum of the opinions on issue `d`, in the model's one summation order: citizen `i` into
    /// running sum `i % 4`, the four combined as `(s0 + s1) + (s2 + s3)` (see
    /// [`Population::summarise`], which gives the same bits).
    pub fn sum(&self, d: usize) -> f64 {
        let mut acc = [0.0f64; LANES];
        let mut rows = self.opinions.chunks_exact(LANES * self.dims);
        for block in rows.by_ref() {
            for (l, a) in acc.iter_mut().enumerate() {
                *a += block[l * self.dims + d];
            }
        }
        for (l, row) in rows.remainder().chunks_exact(self.dims).enumerate() {
            acc[l] += row[d];
        }
        combine(acc)
    }

    /// Mean opinion on issue `d` ([`Population::sum`] / n).
    pub fn mean(&self, d: usize) -> f64 {
        self.sum(d) / f64::from(self.n.max(1))
    }

    /// Every issue's mean opinion into `means` and share of citizens strictly above `threshold` into
    /// `above` (both of length `dims`), in one pass over the citizens; `means[d]` equals
    /// [`Population::mean`]`(d)` and `above[d]` [`Population::share_above`]`(d, threshold)` bit for
    /// bit. Specialised for one to four issues (the running sums in registers, vectorised).
    pub fn summarise(&self, threshold: f64, means: &mut [f64], above: &mut [f64]) {
        assert!(means.len() == self.dims && above.len() == self.dims);
        match self.dims {
            1 => lane_sums::<1>(&self.opinions, 1, threshold, means, above),
            2 => lane_sums::<2>(&self.opinions, 2, threshold, means, above),
            3 => lane_sums::<3>(&self.opinions, 3, threshold, means, above),
            4 => lane_sums::<4>(&self.opinions, 4, threshold, means, above),
            nd => lane_sums::<0>(&self.opinions, nd, threshold, means, above),
        }
        let n = f64::from(self.n.max(1));
        for (m, a) in means.iter_mut().zip(above.iter_mut()) {
            *m /= n;
            *a /= n;
        }
    }

    /// Every issue's mean opinion into `out` (length `dims`), each equal to [`Population::mean`].
    pub fn means_into(&self, out: &mut [f64]) {
        let mut above = vec![0.0; self.dims];
        self.summarise(0.5, out, &mut above);
    }
}

/// Number of interleaved running sums of [`Population::sum`] and [`Population::summarise`].
const LANES: usize = 4;

#[inline(always)]
fn combine(acc: [f64; LANES]) -> f64 {
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Per-issue lane sums and counts above `threshold` of citizen-major opinions with `D` issues
/// (`D = 0`: `dims` at run time), into `sums` and `above` (unnormalised).
fn lane_sums<const D: usize>(
    x: &[f64],
    dims: usize,
    threshold: f64,
    sums: &mut [f64],
    above: &mut [f64],
) {
    let k = if D == 0 { dims } else { D };
    if D == 0 {
        // many issues: one issue at a time (strided), the same lanes
        for d in 0..k {
            let mut acc = [0.0f64; LANES];
            let mut cnt = [0u32; LANES];
            for (i, row) in x.chunks_exact(k).enumerate() {
                acc[i % LANES] += row[d];
                cnt[i % LANES] += u32::from(row[d] > threshold);
            }
            sums[d] = combine(acc);
            above[d] = f64::from(cnt.iter().sum::<u32>());
        }
        return;
    }
    let mut acc = [[0.0f64; LANES]; 4];
    let mut cnt = [[0u32; LANES]; 4];
    let mut blocks = x.chunks_exact(LANES * k);
    for block in blocks.by_ref() {
        for l in 0..LANES {
            for d in 0..k {
                let v = block[l * k + d];
                acc[d][l] += v;
                cnt[d][l] += u32::from(v > threshold);
            }
        }
    }
    for (l, row) in blocks.remainder().chunks_exact(k).enumerate() {
        for d in 0..k {
            acc[d][l] += row[d];
            cnt[d][l] += u32::from(row[d] > threshold);
        }
    }
    for d in 0..k {
        sums[d] = combine(acc[d]);
        above[d] = f64::from(cnt[d].iter().sum::<u32>());
    }
}

/// Parameters of the Deffuant–Weisbuch model (validated by [`DwParams::new`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DwParams {
    mu: f64,
    epsilon: f64,
    encounters: f64,
}

impl DwParams {
    /// `mu` in `[0, 0.5]` (the convergence parameter of the paper; `0.5` = meet half way),
    /// `epsilon >= 0` the confidence bound, `encounters >= 0` pair draws per citizen per tick.
    /// (`mu <= 0.5` also guarantees, in floating point, that opinions never leave `[0, 1]`.)
    pub fn new(mu: f64, epsilon: f64, encounters: f64) -> Result<Self, OpinionError> {
        if !(0.0..=0.5).contains(&mu) {
            return Err(OpinionError(format!("deffuant: mu = {mu} not in [0, 0.5]")));
        }
        if !(epsilon >= 0.0 && epsilon.is_finite()) {
            return Err(OpinionError(format!(
                "deffuant: epsilon = {epsilon} not >= 0"
            )));
        }
        if !(encounters >= 0.0 && encounters.is_finite()) {
            return Err(OpinionError(format!(
                "deffuant: encounters = {encounters} not >= 0"
            )));
        }
        Ok(DwParams {
            mu,
            epsilon,
            encounters,
        })
    }
    pub fn mu(&self) -> f64 {
        self.mu
    }
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }
    pub fn encounters(&self) -> f64 {
        self.encounters
    }
}

/// One pairwise Deffuant move on every issue of citizens `i` and `j` (published rule, old values):
/// if `|x_i - x_j| < epsilon` then `x_i += mu (x_j - x_i)` and `x_j += mu (x_i - x_j)`, issue by
/// issue. `D` issues (`D = 0`: `dims`, known only at run time).
///
/// Branch-free: the step is `m d` with `m = mu` inside the confidence bound and `0` outside, and both
/// opinions are always stored; `x + 0 × d == x` exactly for finite `d`, so the result is the
/// branchy rule's bit for bit, without a mispredicted branch on every other encounter.
///
/// # Safety
/// `(i + 1) * dims <= x.len()` and `(j + 1) * dims <= x.len()`, with `dims == D` when `D > 0`.
#[inline(always)]
unsafe fn dw_move<const D: usize>(
    x: &mut [f64],
    i: usize,
    j: usize,
    dims: usize,
    mu: f64,
    eps: f64,
) {
    let k = if D == 0 { dims } else { D };
    let (bi, bj) = (i * k, j * k);
    for t in 0..k {
        // SAFETY: the caller's contract.
        unsafe {
            let a = *x.get_unchecked(bi + t);
            let b = *x.get_unchecked(bj + t);
            let d = b - a;
            let m = if d.abs() < eps { mu } else { 0.0 };
            *x.get_unchecked_mut(bi + t) = a + m * d;
            *x.get_unchecked_mut(bj + t) = b - m * d;
        }
    }
}

/// The pair draws of one Deffuant tick: `draws` times, `i = below(n)`, `j = partner(i)` (`None`:
/// isolated, no move), then `mv(x, i, j)`. Kept out of line and generic so each (network, rule,
/// issues) combination gets its own tight loop.
///
/// # Safety
/// `partner` returns indices `< n`, and `mv` is safe to call with any `i, j < n`.
#[inline(never)]
unsafe fn dw_pairs(
    x: &mut [f64],
    n: u32,
    draws: u64,
    rng: &mut ChaCha8Rng,
    partner: impl Fn(&mut ChaCha8Rng, usize) -> Option<usize>,
    mv: impl Fn(&mut [f64], usize, usize),
) {
    for _ in 0..draws {
        let i = below(rng, n) as usize;
        if let Some(j) = partner(rng, i) {
            mv(x, i, j);
        }
    }
}

/// [`dw_pairs`] with the per-issue move, the issue count a constant for 1 to 4 issues.
///
/// # Safety
/// `x.len() == n * dims`, and `partner` returns indices `< n`.
#[inline(always)]
unsafe fn dw_pairs_dims(
    x: &mut [f64],
    n: u32,
    draws: u64,
    (dims, mu, eps): (usize, f64, f64),
    rng: &mut ChaCha8Rng,
    partner: impl Fn(&mut ChaCha8Rng, usize) -> Option<usize>,
) {
    // SAFETY (every arm): i, j < n and x.len() == n * dims, so (i + 1) * dims <= x.len(); D == dims
    // in each arm (D = 0: dims at run time).
    macro_rules! go {
        ($d:literal) => {
            unsafe {
                dw_pairs(x, n, draws, rng, partner, |x, i, j| {
                    dw_move::<$d>(x, i, j, dims, mu, eps)
                })
            }
        };
    }
    match dims {
        1 => go!(1),
        2 => go!(2),
        3 => go!(3),
        4 => go!(4),
        _ => go!(0),
    }
}

/// The number of pair draws of one tick: `floor(E)` plus one with probability `E − floor(E)`,
/// `E = encounters × n` (the Bernoulli draw made only when `E` is not an integer).
fn tick_draws(encounters: f64, n: u32, rng: &mut ChaCha8Rng) -> u64 {
    let total = encounters * f64::from(n);
    let mut draws = total.floor() as u64;
    let frac = total - total.floor();
    if frac > 0.0 && bernoulli(rng, frac) {
        draws += 1;
    }
    draws
}

/// One tick of Deffuant–Weisbuch bounded confidence (Deffuant, Neau, Amblard & Weisbuch 2000,
/// "Mixing beliefs among interacting agents", Adv. Complex Syst. 3:87).
///
/// * **Encounters.** The tick makes `E = n * encounters` pair draws: `floor(E)`, plus one more
///   with probability `E - floor(E)` (one [`bernoulli`] draw at the start of the tick, made only
///   when `E` is not an integer). Each draw picks a citizen `i` uniformly (`below(n)`) and a
///   uniform neighbour `j` of `i` ([`Network::random_neighbour`]: for complete mixing a uniform
///   `j != i`); an isolated `i` makes no move (the draw still counts). Encounters are sequential
///   (random asynchronous updating, as in the paper). Two generator calls per encounter, as in
///   the reference loop (`rust_limit`).
/// * **Several issues.** An encounter is one conversation covering every issue: the pair is drawn
///   once and the bounded-confidence test and move are applied to each issue independently. As
///   the pair draw does not depend on opinions, every issue's marginal process is exactly the
///   published one-dimensional model; for `dims == 1` this *is* the published model.
///
/// The loop is specialised per network kind and for 1–4 issues, without bounds checks (the shapes
/// are checked once per tick; [`super::network::Csr`]'s invariants hold by construction).
///
/// Returns the number of pair draws made.
pub fn deffuant_tick(
    pop: &mut Population,
    net: &Network,
    params: &DwParams,
    rng: &mut ChaCha8Rng,
) -> u64 {
    let n = pop.n;
    let dims = pop.dims;
    assert!(
        net.n() == n && dims > 0 && pop.opinions.len() == n as usize * dims,
        "population and network shapes differ"
    );
    if n < 2 {
        return 0;
    }
    let draws = tick_draws(params.encounters, n, rng);
    pop.touch();
    let (mu, eps) = (params.mu, params.epsilon);
    let x = &mut pop.opinions[..];
    // SAFETY (both arms): x.len() == n * dims (asserted above); partners are < n: complete mixing
    // draws j < n - 1 and shifts it past i < n; a CSR neighbour is < n by `Csr`'s invariants, and
    // `net.n() == n` was asserted.
    match net {
        Network::Complete(_) => unsafe {
            dw_pairs_dims(x, n, draws, (dims, mu, eps), rng, |rng, i| {
                let j = below(rng, n - 1) as usize;
                Some(j + usize::from(j >= i))
            })
        },
        Network::Csr(c) if !c.has_isolated() => unsafe {
            dw_pairs_dims(x, n, draws, (dims, mu, eps), rng, |rng, i| {
                Some(c.draw_neighbour(i, rng))
            })
        },
        Network::Csr(c) => unsafe {
            dw_pairs_dims(x, n, draws, (dims, mu, eps), rng, |rng, i| {
                (c.degree_of(i) > 0).then(|| c.draw_neighbour(i, rng))
            })
        },
    }
    draws
}

/// Runs `ticks` ticks of [`deffuant_tick`]; returns the total number of pair draws.
pub fn deffuant_run(
    pop: &mut Population,
    net: &Network,
    params: &DwParams,
    ticks: u32,
    rng: &mut ChaCha8Rng,
) -> u64 {
    (0..ticks)
        .map(|_| deffuant_tick(pop, net, params, rng))
        .sum()
}

/// Preallocated buffers for [`hegselmann_krause_step`].
#[derive(Debug, Clone, Default)]
pub struct HkScratch {
    next: Vec<f64>,
    order: Vec<(f64, u32)>,
    prefix: Vec<f64>,
}

impl HkScratch {
    /// Buffers sized for `n` citizens with `dims` issues (a step on another shape resizes them
    /// once).
    pub fn new(n: u32, dims: usize) -> Self {
        HkScratch {
            next: vec![0.0; n as usize * dims],
            order: Vec::with_capacity(n as usize),
            prefix: Vec::with_capacity(n as usize + 1),
        }
    }
}

/// One synchronous Hegselmann–Krause step (Hegselmann & Krause 2002, "Opinion dynamics and
/// bounded confidence: models, analysis and simulation", JASSS 5(3)):
/// `x_i(t+1) = mean { x_j(t) : j in N(i) ∪ {i}, |x_i(t) - x_j(t)| <= epsilon }`, each issue
/// independently.
///
/// Complete mixing (`N(i)` = everyone): O(n log n) per issue by sorting the opinions, prefix
/// sums, and two pointers sweeping the window `[x - eps, x + eps]` (both ends move monotonically;
/// the window test is the same floating-point expression as `|x_i - x_j| <= eps`). Networks:
/// iterate the neighbour lists, O(n + m) per issue.
///
/// Returns the largest absolute change of any opinion.
pub fn hegselmann_krause_step(
    pop: &mut Population,
    net: &Network,
    epsilon: f64,
    scratch: &mut HkScratch,
) -> f64 {
    let (n, dims) = (pop.n as usize, pop.dims);
    debug_assert_eq!(net.n() as usize, n, "network and population sizes differ");
    scratch.next.resize(n * dims, 0.0);
    let x = &pop.opinions;
    let next = &mut scratch.next;
    match net {
        Network::Complete(_) => {
            for d in 0..dims {
                let order = &mut scratch.order;
                order.clear();
                order.extend((0..n).map(|i| (x[i * dims + d], i as u32)));
                // HK preserves the order of opinions under complete mixing, so after the first
                // step this sort sees sorted input (linear in pdqsort).
                order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
                let prefix = &mut scratch.prefix;
                prefix.clear();
                prefix.push(0.0);
                let mut acc = 0.0;
                for &(v, _) in order.iter() {
                    acc += v;
                    prefix.push(acc);
                }
                let (mut lo, mut hi) = (0usize, 0usize);
                for k in 0..n {
                    let v = order[k].0;
                    while v - order[lo].0 > epsilon {
                        lo += 1;
                    }
                    if hi < k {
                        hi = k;
                    }
                    while hi + 1 < n && order[hi + 1].0 - v <= epsilon {
                        hi += 1;
                    }
                    let mean = (prefix[hi + 1] - prefix[lo]) / (hi + 1 - lo) as f64;
                    next[order[k].1 as usize * dims + d] = mean;
                }
            }
        }
        Network::Csr(c) => {
            let (offsets, neighbours) = (c.offsets(), c.neighbours());
            for i in 0..n {
                let nb = &neighbours[offsets[i] as usize..offsets[i + 1] as usize];
                for d in 0..dims {
                    let xi = x[i * dims + d];
                    let (mut sum, mut count) = (xi, 1u32);
                    for &j in nb {
                        let xj = x[j as usize * dims + d];
                        if (xi - xj).abs() <= epsilon {
                            sum += xj;
                            count += 1;
                        }
                    }
                    next[i * dims + d] = sum / f64::from(count);
                }
            }
        }
    }
    let change = x
        .iter()
        .zip(next.iter())
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    std::mem::swap(&mut pop.opinions, &mut scratch.next);
    pop.touch();
    change
}

/// Runs [`hegselmann_krause_step`] until the largest change is `<= tol` or `max_steps` steps;
/// returns the number of steps made.
pub fn hegselmann_krause_run(
    pop: &mut Population,
    net: &Network,
    epsilon: f64,
    max_steps: u32,
    tol: f64,
    scratch: &mut HkScratch,
) -> u32 {
    for step in 1..=max_steps {
        if hegselmann_krause_step(pop, net, epsilon, scratch) <= tol {
            return step;
        }
    }
    max_steps
}

/// Settings of [`indicators`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorConfig {
    /// `share_above` counts opinions strictly above this. Default 0.5.
    pub threshold: f64,
    /// Sorted opinions further apart than this start a new cluster. Default 0.05.
    pub cluster_gap: f64,
    /// A cluster counts if it holds at least this share of citizens. Default 0.01 (1%).
    pub min_cluster_share: f64,
}

impl Default for IndicatorConfig {
    fn default() -> Self {
        IndicatorConfig {
            threshold: 0.5,
            cluster_gap: 0.05,
            min_cluster_share: 0.01,
        }
    }
}

/// Summary of one issue's opinions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicators {
    pub mean: f64,
    /// Population standard deviation (divides by `n`).
    pub sd: f64,
    /// Share of citizens with opinion `> threshold`.
    pub share_above: f64,
    /// Esteban–Ray polarisation, see [`esteban_ray`]; in `[0, 1]`.
    pub polarisation: f64,
    /// Number of opinion clusters, see [`count_clusters`].
    pub clusters: u32,
}

/// Number of bins of the polarisation histogram.
pub const POLARISATION_BINS: usize = 20;

/// Indicators of issue `d`, in two passes over the opinions and no copy. `bins` is reused between
/// calls (no allocation once it has its size). The cluster count uses [`ClusterBins`] (the same count as
/// sorting), the polarisation [`esteban_ray_hist`] on [`POLARISATION_BINS`] bins (the same value as
/// [`esteban_ray`]).
pub fn indicators(
    pop: &Population,
    d: usize,
    cfg: &IndicatorConfig,
    bins: &mut ClusterBins,
) -> Indicators {
    let values = || pop.opinions.iter().skip(d).step_by(pop.dims);
    let count = pop.n as usize;
    let n = count.max(1) as f64;
    // Pass 1: sum, share above, polarisation histogram, cluster bins.
    let gap = cfg.cluster_gap;
    let binned = count > 0 && bins.reset(gap);
    let mut er = [0u32; POLARISATION_BINS];
    let (mut sum, mut above) = (0.0, 0usize);
    for &v in values() {
        sum += v;
        above += usize::from(v > cfg.threshold);
        er[((v * POLARISATION_BINS as f64) as usize).min(POLARISATION_BINS - 1)] += 1;
        if binned {
            bins.add(v);
        }
    }
    let mean = sum / n;
    // Pass 2: variance about the mean.
    let var = values().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let clusters = if binned {
        bins.count(gap, cfg.min_cluster_share, count)
    } else {
        let mut v: Vec<f64> = values().copied().collect();
        v.sort_unstable_by(f64::total_cmp);
        count_clusters(&v, gap, cfg.min_cluster_share)
    };
    Indicators {
        mean,
        sd: var.sqrt(),
        share_above: above as f64 / n,
        polarisation: esteban_ray_hist(&er),
        clusters,
    }
}

/// Clusters of sorted opinions: maximal runs in which consecutive values differ by at most `gap`;
/// counted only if they hold at least `min_share` of all values (`min_share = 0` counts every run,
/// e.g. to test exact consensus).
pub fn count_clusters(sorted: &[f64], gap: f64, min_share: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let min_size = (min_share * sorted.len() as f64).ceil().max(1.0) as usize;
    let (mut count, mut start) = (0u32, 0usize);
    for k in 1..=sorted.len() {
        if k == sorted.len() || sorted[k] - sorted[k - 1] > gap {
            if k - start >= min_size {
                count += 1;
            }
            start = k;
        }
    }
    count
}

/// [`count_clusters`] without sorting, in O(n), through [`ClusterBins`]: the same count as sorting
/// and calling [`count_clusters`] (tested), at a fraction of the cost (the indicator is computed every
/// month for every country and dimension). Values are expected in `[0, 1]`; a `gap` outside `(0, 1)`
/// falls back to sorting a copy.
pub fn count_clusters_unsorted(values: &[f64], gap: f64, min_share: f64) -> u32 {
    if values.is_empty() {
        return 0;
    }
    let mut bins = ClusterBins::default();
    if !bins.reset(gap) {
        let mut v = values.to_vec();
        v.sort_unstable_by(f64::total_cmp);
        return count_clusters(&v, gap, min_share);
    }
    for &v in values {
        bins.add(v);
    }
    bins.count(gap, min_share, values.len())
}

/// Values in `[0, 1]` binned as `(count, min, max)` into bins of width `gap / 2`, for counting
/// clusters without sorting. Within a bin all values lie less than `gap` apart, so a bin never splits a
/// cluster; between consecutive non-empty bins the sorted neighbours are the earlier bin's maximum and
/// the later bin's minimum, whose difference decides exactly as in [`count_clusters`]'s sorted scan.
/// Reusable: [`ClusterBins::reset`] keeps the allocation.
#[derive(Debug, Clone, Default)]
pub struct ClusterBins {
    bins: Vec<(usize, f64, f64)>,
    inv_width: f64,
}

impl ClusterBins {
    /// Empties the bins for `gap`. Returns false (no bins) when `gap` is not in `(0, 1)`: sort instead.
    pub fn reset(&mut self, gap: f64) -> bool {
        self.bins.clear();
        if !(gap > 0.0 && gap < 1.0) {
            return false;
        }
        self.inv_width = 2.0 / gap;
        // At most a few hundred bins for any sensible gap.
        let nbins = self.inv_width.ceil() as usize + 1;
        self.bins
            .resize(nbins, (0, f64::INFINITY, f64::NEG_INFINITY));
        true
    }

    /// Adds one value (after a successful [`ClusterBins::reset`]).
    #[inline]
    pub fn add(&mut self, v: f64) {
        let last = self.bins.len() - 1;
        let e = &mut self.bins[((v * self.inv_width).max(0.0) as usize).min(last)];
        e.0 += 1;
        e.1 = e.1.min(v);
        e.2 = e.2.max(v);
    }

    /// The cluster count of the `total` values added, as [`count_clusters`] would give.
    pub fn count(&self, gap: f64, min_share: f64, total: usize) -> u32 {
        let min_size = (min_share * total as f64).ceil().max(1.0) as usize;
        let (mut count, mut size, mut last_max) = (0u32, 0usize, f64::NEG_INFINITY);
        for &(c, lo, hi) in self.bins.iter().filter(|b| b.0 > 0) {
            if size > 0 && lo - last_max > gap {
                if size >= min_size {
                    count += 1;
                }
                size = 0;
            }
            size += c;
            last_max = hi;
        }
        if size >= min_size {
            count += 1;
        }
        count
    }
}

/// Esteban–Ray polarisation (Esteban & Ray 1994, "On the measurement of polarization",
/// Econometrica 62(4):819) with `alpha = 1` on a histogram of [`POLARISATION_BINS`] equal bins of
/// `[0, 1]` (bin `b` represented by its midpoint `y_b`, shares `pi_b`):
/// `P = K sum_a sum_b pi_a^(1 + alpha) pi_b |y_a - y_b|`, with `K` chosen so that half the
/// citizens in the lowest bin and half in the highest gives `P = 1` (the maximum); a consensus
/// (one bin) gives 0.
pub fn esteban_ray(values: &[f64]) -> f64 {
    let mut counts = [0u32; POLARISATION_BINS];
    for &v in values {
        let b = ((v * POLARISATION_BINS as f64) as usize).min(POLARISATION_BINS - 1);
        counts[b] += 1;
    }
    esteban_ray_hist(&counts)
}

/// [`esteban_ray`] from bin counts of equal-width bins over `[0, 1]`.
pub fn esteban_ray_hist(counts: &[u32]) -> f64 {
    let bins = counts.len();
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total == 0 || bins < 2 {
        return 0.0;
    }
    let pi: Vec<f64> = counts
        .iter()
        .map(|&c| f64::from(c) / total as f64)
        .collect();
    let mut p = 0.0;
    for a in 0..bins {
        if pi[a] == 0.0 {
            continue;
        }
        for b in 0..bins {
            p += pi[a] * pi[a] * pi[b] * (a.abs_diff(b) as f64 / bins as f64);
        }
    }
    // max: 2 * 0.5^2 * 0.5 * (bins - 1) / bins
    p / (0.25 * (bins - 1) as f64 / bins as f64)
}

/// Accessors and in-place changes used by the rest of the model (actions, drift, events, recording).
impl Population {
    /// Mutable opinion of citizen `i` on issue `d`.
    #[inline]
    pub fn opinion_mut(&mut self, i: usize, d: usize) -> &mut f64 {
        self.touch();
        &mut self.opinions[i * self.dims + d]
    }

    /// Shifts every citizen's opinion on issue `d` by `delta`, clamped to `[0, 1]`.
    pub fn shift_all(&mut self, d: usize, delta: f64) {
        self.touch();
        let dims = self.dims;
        for x in self.opinions.iter_mut().skip(d).step_by(dims) {
            *x = (*x + delta).clamp(0.0, 1.0);
        }
    }

    /// Share of citizens with opinion on issue `d` strictly above `threshold`.
    pub fn share_above(&self, d: usize, threshold: f64) -> f64 {
        let k = self
            .opinions
            .iter()
            .skip(d)
            .step_by(self.dims)
            .filter(|&&x| x > threshold)
            .count();
        k as f64 / f64::from(self.n.max(1))
    }

    /// Population standard deviation of opinions on issue `d`.
    pub fn sd(&self, d: usize) -> f64 {
        let m = self.mean(d);
        let v: f64 = self
            .opinions
            .iter()
            .skip(d)
            .step_by(self.dims)
            .map(|x| (x - m) * (x - m))
            .sum();
        (v / f64::from(self.n.max(1))).sqrt()
    }

    /// Esteban–Ray polarisation of issue `d` (see [`esteban_ray`]).
    pub fn polarization(&self, d: usize) -> f64 {
        let mut counts = [0u32; POLARISATION_BINS];
        for &x in self.opinions.iter().skip(d).step_by(self.dims) {
            let b = ((x * POLARISATION_BINS as f64) as usize).min(POLARISATION_BINS - 1);
            counts[b] += 1;
        }
        esteban_ray_hist(&counts)
    }
}

#[cfg(test)]
mod cluster_tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn binned_clusters_equal_the_sorted_scan() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for case in 0..400 {
            let n = 1 + (case * 7) % 300;
            let k = 1 + case % 6;
            let spread = [0.0, 0.001, 0.02, 0.05, 0.2][case % 5];
            let centres: Vec<f64> = (0..k).map(|_| uniform01(&mut rng)).collect();
            let v: Vec<f64> = (0..n)
                .map(|i| (centres[i % k] + spread * (uniform01(&mut rng) - 0.5)).clamp(0.0, 1.0))
                .collect();
            for &(gap, share) in &[
                (0.05, 0.01),
                (0.05, 0.0),
                (0.01, 0.05),
                (0.2, 0.0),
                (0.0, 0.0),
            ] {
                let mut sorted = v.clone();
                sorted.sort_unstable_by(f64::total_cmp);
                assert_eq!(
                    count_clusters_unsorted(&v, gap, share),
                    count_clusters(&sorted, gap, share),
                    "case {case}, gap {gap}, share {share}"
                );
            }
        }
        // Exactly `gap` apart joins; just over splits.
        assert_eq!(
            count_clusters_unsorted(&[0.1, 0.15], 0.05, 0.0),
            count_clusters(&[0.1, 0.15], 0.05, 0.0)
        );
        assert_eq!(count_clusters_unsorted(&[0.1, 0.1500001], 0.05, 0.0), 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::Streams;

    fn rng(seed: u64, name: &str) -> ChaCha8Rng {
        Streams::new(seed, 0).get(name)
    }

    #[test]
    fn summarise_equals_mean_and_share_bit_for_bit() {
        for dims in 1..=6 {
            for n in [1u32, 3, 4, 1001, 1002] {
                let mut r = rng(dims as u64 + u64::from(n), "citizens/test");
                let pop = Population::uniform(n, dims, &mut r);
                let (mut means, mut above) = (vec![f64::NAN; dims], vec![f64::NAN; dims]);
                pop.summarise(0.4, &mut means, &mut above);
                let mut out = vec![f64::NAN; dims];
                pop.means_into(&mut out);
                for d in 0..dims {
                    let what = format!("dims {dims}, n {n}, issue {d}");
                    assert_eq!(means[d].to_bits(), pop.mean(d).to_bits(), "{what}");
                    assert_eq!(out[d].to_bits(), pop.mean(d).to_bits(), "{what}");
                    let share = pop.share_above(d, 0.4);
                    assert_eq!(above[d].to_bits(), share.to_bits(), "{what}");
                    // and the mean is the mean
                    let plain: f64 = (0..n).map(|i| pop.opinion(i, d)).sum::<f64>() / f64::from(n);
                    assert!((means[d] - plain).abs() < 1e-12, "{what}");
                }
            }
        }
    }

    #[test]
    fn every_change_of_opinions_moves_the_version() {
        let mut r = rng(1, "citizens/version");
        let mut pop = Population::uniform(50, 2, &mut r);
        let v0 = pop.version();
        deffuant_tick(
            &mut pop,
            &Network::complete(50),
            &DwParams::new(0.3, 0.2, 1.0).unwrap(),
            &mut r,
        );
        let v1 = pop.version();
        pop.shift_all(1, 0.01);
        let v2 = pop.version();
        *pop.opinion_mut(3, 0) = 0.5;
        let v3 = pop.version();
        hegselmann_krause_step(
            &mut pop,
            &Network::complete(50),
            0.2,
            &mut HkScratch::default(),
        );
        let v4 = pop.version();
        assert!(v0 != v1 && v1 != v2 && v2 != v3 && v3 != v4);
        let _ = pop.mean(0);
        assert_eq!(pop.version(), v4, "reading does not move it");
    }

    fn dw_complete(n: u32, mu: f64, eps: f64, ticks: u32, seed: u64) -> (Population, Indicators) {
        let mut r = rng(seed, "citizens/test");
        let mut pop = Population::uniform(n, 1, &mut r);
        let net = Network::complete(n);
        let p = DwParams::new(mu, eps, 1.0).unwrap();
        deffuant_run(&mut pop, &net, &p, ticks, &mut r);
        let ind = indicators(
            &pop,
            0,
            &IndicatorConfig::default(),
            &mut ClusterBins::default(),
        );
        (pop, ind)
    }

    #[test]
    fn dw_wide_confidence_reaches_consensus_at_the_centre() {
        for seed in 1..=3 {
            let (pop, ind) = dw_complete(1000, 0.5, 0.6, 200, seed);
            assert_eq!(ind.clusters, 1, "seed {seed}: {ind:?}");
            assert!(ind.sd < 0.01, "seed {seed}: {ind:?}");
            assert!((ind.mean - 0.5).abs() < 0.05, "seed {seed}: {ind:?}");
            assert!(pop.opinions.iter().all(|x| (0.0..=1.0).contains(x)));
        }
    }

    #[test]
    fn dw_narrow_confidence_fragments_into_about_one_over_two_eps_clusters() {
        for seed in 1..=3 {
            let (pop, ind) = dw_complete(1000, 0.5, 0.1, 1000, seed);
            // 1 / (2 eps) = 5; the paper reports a few major clusters plus minor ones at the edges
            assert!((3..=6).contains(&ind.clusters), "seed {seed}: {ind:?}");
            assert!(ind.polarisation > 0.2, "seed {seed}: {ind:?}");
            assert!(pop.opinions.iter().all(|x| (0.0..=1.0).contains(x)));
        }
    }

    #[test]
    fn dw_conserves_the_mean_on_complete_mixing() {
        let mut r = rng(5, "citizens/mean");
        let mut pop = Population::truncated_normal(
            800,
            &[(0.3, 0.2), (0.7, 0.1)],
            (0.5, 0.2),
            (0.5, 0.2),
            &mut r,
        )
        .unwrap();
        let (m0, m1) = (pop.mean(0), pop.mean(1));
        let net = Network::complete(800);
        let p = DwParams::new(0.3, 0.2, 1.5).unwrap();
        deffuant_run(&mut pop, &net, &p, 100, &mut r);
        assert!((pop.mean(0) - m0).abs() < 1e-12, "{} {}", pop.mean(0), m0);
        assert!((pop.mean(1) - m1).abs() < 1e-12);
        assert!(pop.opinions.iter().all(|x| (0.0..=1.0).contains(x)));
    }

    #[test]
    fn dw_on_a_network_with_isolated_nodes() {
        let mut r = rng(6, "citizens/net");
        let mut net_r = rng(6, "network/test");
        let ws = Network::watts_strogatz(500, 6, 0.1, &mut net_r).unwrap();
        let mut pop = Population::uniform(500, 2, &mut r);
        let p = DwParams::new(0.3, 0.25, 1.0).unwrap();
        assert_eq!(deffuant_run(&mut pop, &ws, &p, 50, &mut r), 25_000);
        assert!(pop.opinions.iter().all(|x| (0.0..=1.0).contains(x)));
        // isolated citizens never move
        let net = Network::from_edges(4, &[(0, 1)]).unwrap();
        let mut pop =
            Population::from_parts(1, vec![0.1, 0.2, 0.9, 0.95], vec![1.0; 4], vec![0.0; 4])
                .unwrap();
        deffuant_run(
            &mut pop,
            &net,
            &DwParams::new(0.5, 1.0, 3.0).unwrap(),
            10,
            &mut r,
        );
        assert_eq!(&pop.opinions[2..], &[0.9, 0.95]);
        assert!((pop.opinions[0] - 0.15).abs() < 1e-15 && (pop.opinions[1] - 0.15).abs() < 1e-15);
    }

    #[test]
    fn dw_fractional_encounters() {
        let mut r = rng(8, "citizens/frac");
        let mut pop = Population::uniform(100, 1, &mut r);
        let net = Network::complete(100);
        let p = DwParams::new(0.3, 0.2, 0.255).unwrap();
        let draws = deffuant_run(&mut pop, &net, &p, 10_000, &mut r);
        // 25.5 draws a tick on average
        assert!((draws as f64 / 10_000.0 - 25.5).abs() < 0.02, "{draws}");
        assert!(DwParams::new(0.6, 0.2, 1.0).is_err());
        assert!(DwParams::new(0.3, -0.1, 1.0).is_err());
    }

    #[test]
    fn determinism_same_seed_same_bits() {
        let a = dw_complete(300, 0.3, 0.2, 20, 9).0;
        let b = dw_complete(300, 0.3, 0.2, 20, 9).0;
        let c = dw_complete(300, 0.3, 0.2, 20, 10).0;
        let bits = |p: &Population| p.opinions.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
        assert_ne!(bits(&a), bits(&c));
    }

    fn hk_complete(n: u32, eps: f64, seed: u64) -> Population {
        let mut r = rng(seed, "citizens/hk");
        let mut pop = Population::uniform(n, 1, &mut r);
        let net = Network::complete(n);
        let mut s = HkScratch::new(n, 1);
        hegselmann_krause_run(&mut pop, &net, eps, 1000, 1e-12, &mut s);
        pop
    }

    fn hk_consensus(pop: &Population) -> bool {
        let mut v = Vec::new();
        pop.gather(0, &mut v);
        v.sort_unstable_by(f64::total_cmp);
        count_clusters(&v, 1e-6, 0.0) == 1
    }

    #[test]
    fn hk_consensus_threshold_near_0_2() {
        assert!(hk_consensus(&hk_complete(500, 0.3, 1)));
        let frag = hk_complete(500, 0.1, 1);
        assert!(!hk_consensus(&frag));
        let ind = indicators(
            &frag,
            0,
            &IndicatorConfig::default(),
            &mut ClusterBins::default(),
        );
        assert!((3..=6).contains(&ind.clusters), "{ind:?}");
        let at = |eps| {
            (1..=10)
                .filter(|&s| hk_consensus(&hk_complete(500, eps, s)))
                .count()
        };
        let (hi, lo) = (at(0.25), at(0.15));
        assert!(hi >= 8, "consensus in {hi}/10 at eps 0.25");
        assert!(lo <= 2, "consensus in {lo}/10 at eps 0.15");
    }

    /// The O(n log n) complete-mixing step equals the direct O(n^2) definition.
    #[test]
    fn hk_fast_complete_equals_definition() {
        let mut r = rng(3, "citizens/hkdef");
        let pop0 = Population::uniform(300, 2, &mut r);
        let eps = 0.17;
        let mut fast = pop0.clone();
        hegselmann_krause_step(
            &mut fast,
            &Network::complete(300),
            eps,
            &mut HkScratch::new(300, 2),
        );
        // the same via an explicit complete graph
        let lists: Vec<Vec<u32>> = (0..300u32)
            .map(|i| (0..300).filter(|&j| j != i).collect())
            .collect();
        let mut graph = pop0.clone();
        hegselmann_krause_step(
            &mut graph,
            &Network::from_adjacency(&lists).unwrap(),
            eps,
            &mut HkScratch::default(),
        );
        for (a, b) in fast.opinions.iter().zip(&graph.opinions) {
            assert!((a - b).abs() < 1e-12, "{a} {b}");
        }
    }

    #[test]
    fn indicators_and_polarisation() {
        let pop = Population::from_parts(1, vec![0.0, 0.0, 1.0, 1.0], vec![1.0; 4], vec![0.0; 4])
            .unwrap();
        let ind = indicators(
            &pop,
            0,
            &IndicatorConfig::default(),
            &mut ClusterBins::default(),
        );
        assert_eq!(ind.clusters, 2);
        assert!((ind.polarisation - 1.0).abs() < 1e-12);
        assert!((ind.mean - 0.5).abs() < 1e-12 && (ind.sd - 0.5).abs() < 1e-12);
        assert_eq!(ind.share_above, 0.5);
        let pop = Population::from_parts(1, vec![0.4; 10], vec![1.0; 10], vec![0.0; 10]).unwrap();
        let ind = indicators(
            &pop,
            0,
            &IndicatorConfig::default(),
            &mut ClusterBins::default(),
        );
        assert_eq!(
            (ind.clusters, ind.polarisation, ind.share_above),
            (1, 0.0, 0.0)
        );
        // the symmetric split at the extremes is the maximum
        let mut r = rng(4, "test/er");
        for _ in 0..2000 {
            let counts: Vec<u32> = (0..POLARISATION_BINS)
                .map(|_| {
                    if bernoulli(&mut r, 0.3) {
                        below(&mut r, 100)
                    } else {
                        0
                    }
                })
                .collect();
            assert!(esteban_ray_hist(&counts) <= 1.0 + 1e-12);
        }
        // min cluster share drops runs smaller than 1%
        let mut v: Vec<f64> = vec![0.2; 991];
        v.extend([0.9; 8]);
        v.push(0.95);
        assert_eq!(count_clusters(&v, 0.05, 0.01), 1);
        assert_eq!(count_clusters(&v, 0.05, 0.0), 2);
    }
}
