//! Persuasion by media and campaigns: how many items of a campaign each citizen sees, whether the
//! citizen accepts them (social judgment theory's latitudes around the citizen's own opinion), how far
//! an accepted item moves them (trust in the source, susceptibility, resilience), and how likely a
//! campaign is to be detected. Disinformation, counter-disinformation and party support
//! (`src/model/actions/`) are built on these pieces; docs/model.md 7.8.0 gives the equations and the
//! evidence behind each.
//!
//! State owned here, per run: each citizen's exposure weight, each source's trust specification and
//! the trust it has lost to detected campaigns, and per country the counter-disinformation shields of
//! its citizens and the detection capacity those campaigns added. Shields and added capacity decay by
//! a share per month; the decay is applied lazily (by the months elapsed since the last change), so no
//! monthly pass is needed.

use super::ModelError;
use super::compile::{Ids, Ix};
use super::opinion::Population;
use crate::scenario::schema::Scenario;

/// A country's reception of messages (realised parameters, `countries.<c>.population.persuasion`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reception {
    /// Latitude of acceptance (distance from the citizen's own opinion).
    pub acceptance: f64,
    /// Where the latitude of rejection begins (at least `acceptance`).
    pub rejection: f64,
    /// Share of an accepted step a rejected item moves the citizen away from the message.
    pub boomerang: f64,
    /// Detection capacity of the country (multiplies detection hazards).
    pub vigilance: f64,
}

/// Where a message falls for a citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Accept,
    NonCommitment,
    Reject,
}

impl Reception {
    /// The zone of a message at `distance` from the citizen's own opinion: accepted up to
    /// `acceptance` (inclusive), rejected beyond `rejection`, neither in between.
    #[inline]
    pub fn zone(&self, distance: f64) -> Zone {
        if distance <= self.acceptance {
            Zone::Accept
        } else if distance > self.rejection {
            Zone::Reject
        } else {
            Zone::NonCommitment
        }
    }
}

/// A source's trust specification in one country.
#[derive(Debug, Clone, Copy, Default)]
struct Trust {
    base: f64,
    slope: f64,
    dim: Option<Ix>,
}

/// Persuasion state of one run (see the module doc).
pub struct Media {
    nc: usize,
    reception: Vec<Reception>,
    /// Exposure weight of each citizen, per country; mean 1 within a country.
    weights: Vec<Vec<f64>>,
    /// `[actor * countries + country]`.
    trust: Vec<Trust>,
    /// Trust lost to detected campaigns, `[actor * countries + country]`.
    penalty: Vec<f64>,
    /// Counter-disinformation shield of each citizen, per country, as of `stamp[c]`.
    shield: Vec<Vec<f64>>,
    /// Detection capacity added by counter-disinformation, per country, as of `stamp[c]`.
    watch: Vec<f64>,
    /// Monthly decay of shields and added capacity (the last counter campaign's), per country.
    decay: Vec<f64>,
    /// Tick at which `shield[c]` and `watch[c]` were last brought up to date.
    stamp: Vec<u32>,
    /// Each country's panel: the evenly spaced citizens perceived effects are computed over.
    panel: Vec<Vec<u32>>,
    /// `e^−λ_i` (the chance of seeing no item) per citizen, for each (country, `λ0`) a campaign has
    /// used: `λ0` is fixed for a campaign through a run, so each is computed once.
    survival: Vec<(Ix, u64, Vec<f64>)>,
}

/// What one campaign-month needs to know about a source's audience in a country, fetched once.
pub struct Audience<'m> {
    pub reception: Reception,
    /// Exposure weights (mean 1).
    pub weights: &'m [f64],
    /// Mean items a citizen of weight 1 sees this month.
    pub lambda0: f64,
    trust_base: f64,
    trust_slope: f64,
    trust_dim: Option<Ix>,
    shields: &'m [f64],
    kept: f64,
}

impl Audience<'_> {
    /// Mean items citizen `i` sees this month.
    #[inline]
    pub fn lambda(&self, i: u32) -> f64 {
        self.lambda0 * self.weights[i as usize]
    }

    /// Trust of citizen `i` in the source:
    /// `clamp(trust − penalty + trust_slope × (x_i[trust_dimension] − 0.5), 0, 1)`.
    #[inline]
    pub fn trust(&self, pop: &Population, i: u32) -> f64 {
        let lean = self.trust_dim.map_or(0.0, |d| pop.opinion(i, d) - 0.5);
        (self.trust_base + self.trust_slope * lean).clamp(0.0, 1.0)
    }

    /// Counter-disinformation shield of citizen `i` now.
    #[inline]
    pub fn shield(&self, i: u32) -> f64 {
        self.shields[i as usize] * self.kept
    }
}

impl Media {
    /// The initial state: exposure weights from susceptibility, trust from the actors' `media_reach`
    /// entries, no shields, no penalties.
    pub fn new<'p>(
        s: &Scenario,
        ids: &Ids,
        pops: impl Iterator<Item = &'p Population>,
    ) -> Result<Media, ModelError> {
        let nc = s.countries.len();
        let mut reception = Vec::with_capacity(nc);
        let mut weights = Vec::with_capacity(nc);
        let mut shield = Vec::with_capacity(nc);
        let mut panel = Vec::with_capacity(nc);
        for (c, pop) in s.countries.iter().zip(pops) {
            let p = &c.population.persuasion;
            let acceptance = p.acceptance.value().clamp(0.0, 1.0);
            reception.push(Reception {
                acceptance,
                rejection: p.rejection.value().clamp(acceptance, 1.0),
                boomerang: p.boomerang.value().max(0.0),
                vigilance: p.vigilance.value().max(0.0),
            });
            weights.push(exposure_weights(
                &pop.susceptibility,
                p.concentration.value().max(0.0),
            ));
            shield.push(vec![0.0; pop.n as usize]);
            panel.push(panel_of(pop.n, p.panel));
        }
        let mut trust = vec![Trust::default(); s.actors.len() * nc];
        for (a, actor) in s.actors.iter().enumerate() {
            for r in &actor.media_reach {
                trust[a * nc + ids.country(&r.country)?] = Trust {
                    base: r.trust.value(),
                    slope: r.trust_slope.value(),
                    dim: match &r.trust_dimension {
                        Some(d) => Some(ids.dim(d)?),
                        None => None,
                    },
                };
            }
        }
        Ok(Media {
            nc,
            reception,
            weights,
            penalty: vec![0.0; trust.len()],
            trust,
            shield,
            watch: vec![0.0; nc],
            decay: vec![0.0; nc],
            stamp: vec![0; nc],
            panel,
            survival: Vec::new(),
        })
    }

    /// Country `c`'s panel (citizen indices, increasing).
    pub fn panel(&self, c: Ix) -> &[u32] {
        &self.panel[c]
    }

    /// The slot of `e^−λ0 w_i` for every citizen of country `c`, computed on first use.
    pub fn survival(&mut self, c: Ix, lambda0: f64) -> usize {
        let bits = lambda0.to_bits();
        if let Some(k) = self
            .survival
            .iter()
            .position(|(cc, b, _)| *cc == c && *b == bits)
        {
            return k;
        }
        let v = self.weights[c]
            .iter()
            .map(|w| (-lambda0 * w).exp())
            .collect();
        self.survival.push((c, bits, v));
        self.survival.len() - 1
    }

    /// The values of a [`Media::survival`] slot.
    pub fn survival_at(&self, slot: usize) -> &[f64] {
        &self.survival[slot].2
    }

    /// Actor `a`'s audience in country `c` at `tick`, for a campaign of `lambda0` mean items per
    /// citizen of weight 1.
    pub fn audience(&self, a: Ix, c: Ix, tick: u32, lambda0: f64) -> Audience<'_> {
        let t = self.trust[a * self.nc + c];
        Audience {
            reception: self.reception[c],
            weights: &self.weights[c],
            lambda0,
            trust_base: t.base - self.penalty[a * self.nc + c],
            trust_slope: t.slope,
            trust_dim: t.dim,
            shields: &self.shield[c],
            kept: self.kept(c, tick),
        }
    }

    /// Reception parameters of country `c`.
    pub fn reception(&self, c: Ix) -> Reception {
        self.reception[c]
    }

    /// Trust actor `a` has lost in country `c` to detected campaigns.
    pub fn penalty(&self, a: Ix, c: Ix) -> f64 {
        self.penalty[a * self.nc + c]
    }

    /// Adds `delta` to the trust actor `a` has lost in country `c`.
    pub fn penalise(&mut self, a: Ix, c: Ix, delta: f64) {
        self.penalty[a * self.nc + c] += delta.max(0.0);
    }

    /// Share of country `c`'s shields and added capacity still there at `tick`.
    #[inline]
    fn kept(&self, c: Ix, tick: u32) -> f64 {
        let months = tick.saturating_sub(self.stamp[c]);
        if months == 0 {
            1.0
        } else {
            (1.0 - self.decay[c]).powi(months.min(i32::MAX as u32) as i32)
        }
    }

    /// Counter-disinformation shield of citizen `i` of country `c` at `tick`.
    pub fn shield(&self, c: Ix, i: u32, tick: u32) -> f64 {
        self.shield[c][i as usize] * self.kept(c, tick)
    }

    /// Detection capacity of country `c` at `tick`: its vigilance plus what counter campaigns added.
    pub fn capacity(&self, c: Ix, tick: u32) -> f64 {
        self.reception[c].vigilance + self.watch[c] * self.kept(c, tick)
    }

    /// Brings country `c`'s shields and added capacity up to `tick` and sets their decay from now on
    /// (the last counter campaign's `decay`), before a counter campaign adds to them.
    pub fn settle(&mut self, c: Ix, tick: u32, decay: f64) {
        let kept = self.kept(c, tick);
        if kept != 1.0 {
            for x in self.shield[c].iter_mut() {
                *x *= kept;
            }
            self.watch[c] *= kept;
        }
        self.stamp[c] = tick;
        self.decay[c] = decay.clamp(0.0, 1.0);
    }

    /// Country `c`'s exposure weights and mutable shields (call [`Media::settle`] first).
    pub fn weights_and_shields(&mut self, c: Ix) -> (&[f64], &mut [f64]) {
        (&self.weights[c], &mut self.shield[c])
    }

    /// Adds detection capacity to country `c` (call [`Media::settle`] first).
    pub fn add_capacity(&mut self, c: Ix, delta: f64) {
        self.watch[c] += delta.max(0.0);
    }
}

/// A panel of at most `size` evenly spaced citizens of `n` (`⌊j n / m⌋`, `m = min(size, n)`); all
/// citizens when `size` is 0 or at least `n`.
pub fn panel_of(n: u32, size: u32) -> Vec<u32> {
    let m = if size == 0 { n } else { size.min(n) };
    (0..m)
        .map(|j| (u64::from(j) * u64::from(n) / u64::from(m.max(1))) as u32)
        .collect()
}

/// Exposure weights `s_i^γ / mean_j s_j^γ` (all 1 when `γ = 0` or every `s_j^γ` is 0).
pub fn exposure_weights(susceptibility: &[f64], gamma: f64) -> Vec<f64> {
    if gamma == 0.0 || susceptibility.is_empty() {
        return vec![1.0; susceptibility.len()];
    }
    let mut w: Vec<f64> = susceptibility.iter().map(|s| s.powf(gamma)).collect();
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    if mean > 0.0 && mean.is_finite() {
        for x in w.iter_mut() {
            *x /= mean;
        }
    } else {
        w.iter_mut().for_each(|x| *x = 1.0);
    }
    w
}

/// Mean items a citizen of exposure weight 1 sees in a month:
/// `reach × exposures × (1 − exp(−efficiency × cost))` (diminishing returns of spend).
pub fn intensity(reach: f64, exposures: f64, efficiency: f64, cost: f64) -> f64 {
    let saturation = 1.0 - (-(efficiency * cost).max(0.0)).exp();
    (reach.clamp(0.0, 1.0) * exposures.max(0.0) * saturation).max(0.0)
}

/// Probability that a campaign-month is detected: `1 − exp(−hazard × cost × capacity)`.
pub fn detection_probability(hazard: f64, cost: f64, capacity: f64) -> f64 {
    let h = (hazard * cost * capacity).max(0.0);
    (1.0 - (-h).exp()).clamp(0.0, 1.0)
}

/// The number of items a citizen sees: the Poisson(`lambda`) quantile of `u` (inversion, so for a
/// fixed `u` it never falls when `lambda` rises), at most `cap` (the items beyond which more make no
/// difference). Above `lambda` = 500 the quantile is the normal approximation with the
/// Cornish–Fisher skewness term, `λ + √λ z + (z² − 1)/6`.
pub fn poisson_quantile(u: f64, lambda: f64, cap: u32) -> u32 {
    poisson_quantile_from(u, lambda, (-lambda).exp(), cap)
}

/// [`poisson_quantile`] given `p0 = e^−λ` (the chance of 0), when the caller has it.
pub fn poisson_quantile_from(u: f64, lambda: f64, p0: f64, cap: u32) -> u32 {
    if lambda.is_nan() || lambda <= 0.0 || cap == 0 || u <= p0 {
        return 0;
    }
    if lambda > 500.0 {
        let z = crate::portable::math::norm_ppf(u.clamp(1e-300, 1.0 - 1e-16));
        let k = (lambda + lambda.sqrt() * z + (z * z - 1.0) / 6.0 + 0.5).floor();
        return if k <= 0.0 {
            0
        } else {
            (k.min(f64::from(cap))) as u32
        };
    }
    let mut p = p0;
    let mut f = p;
    let mut k = 0u32;
    while u > f && k < cap {
        k += 1;
        p *= lambda / f64::from(k);
        f += p;
    }
    k
}

/// Opinion change on one dimension of a citizen at `x` from `k` items (a real number when used for
/// the expectation) of a message at `m`, each accepted item a step `step`:
///
/// - accepted: toward the message by `min(k × step, |m − x|)`; with `dir` = ±1 only if the message
///   lies ahead in that direction (a campaign never pulls anyone back toward its own side), with
///   `dir` = 0 from either side;
/// - rejected: away from the message by `min(k × boomerang × step, room to the end of the scale)`;
/// - non-commitment: no change.
#[inline]
pub fn shift(x: f64, m: f64, dir: f64, zone: Zone, step: f64, boomerang: f64, k: f64) -> f64 {
    let gap = m - x;
    match zone {
        Zone::Accept => {
            if gap == 0.0 || (dir != 0.0 && dir * gap < 0.0) {
                0.0
            } else {
                gap.signum() * (k * step).min(gap.abs())
            }
        }
        Zone::Reject => {
            if gap == 0.0 {
                return 0.0;
            }
            let away = -gap.signum();
            let room = if away > 0.0 { 1.0 - x } else { x };
            away * (k * boomerang * step).min(room.max(0.0))
        }
        Zone::NonCommitment => 0.0,
    }
}

/// Items beyond which more make no difference to a citizen whose largest remaining move is `room`
/// at `per_item` per item (at least 1, so that being exposed at all is still drawn).
#[inline]
pub fn items_cap(room: f64, per_item: f64) -> u32 {
    if per_item > 0.0 && room > 0.0 {
        (room / per_item).ceil().clamp(1.0, 1e6) as u32
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{Streams, uniform01};

    const R: Reception = Reception {
        acceptance: 0.25,
        rejection: 0.5,
        boomerang: 0.0,
        vigilance: 1.0,
    };

    #[test]
    fn a_message_within_the_latitude_moves_a_citizen_and_one_outside_does_not() {
        // message at 0.2 pushing down; a citizen at 0.4 accepts, one at 0.8 is far outside
        let near = shift(0.4, 0.2, -1.0, R.zone(0.2), 0.01, 0.0, 3.0);
        assert!((near + 0.03).abs() < 1e-12, "{near}");
        assert_eq!(R.zone(0.6), Zone::Reject);
        assert_eq!(shift(0.8, 0.2, -1.0, R.zone(0.6), 0.01, 0.0, 3.0), 0.0);
        // non-commitment: between the latitudes, no change even with boomerang
        assert_eq!(R.zone(0.3), Zone::NonCommitment);
        assert_eq!(
            shift(0.5, 0.2, -1.0, Zone::NonCommitment, 0.01, 1.0, 3.0),
            0.0
        );
    }

    #[test]
    fn an_accepted_message_never_overshoots_nor_pulls_back() {
        // many items: stops at the message
        let s = shift(0.3, 0.2, -1.0, Zone::Accept, 0.05, 0.0, 100.0);
        assert!((s + 0.1).abs() < 1e-12, "{s}");
        // a citizen already beyond the message (below it, for a Down message) is not pulled up
        assert_eq!(shift(0.1, 0.2, -1.0, Zone::Accept, 0.05, 0.0, 3.0), 0.0);
        // without a direction (a party platform) the citizen is pulled toward it from either side
        assert!(shift(0.1, 0.2, 0.0, Zone::Accept, 0.05, 0.0, 1.0) > 0.0);
    }

    #[test]
    fn a_rejected_message_boomerangs_only_with_a_boomerang_share() {
        let s = shift(0.9, 0.1, -1.0, Zone::Reject, 0.02, 0.5, 2.0);
        assert!((s - 0.02).abs() < 1e-12, "{s}");
        // bounded by the end of the scale
        let s = shift(0.99, 0.1, -1.0, Zone::Reject, 0.02, 0.5, 20.0);
        assert!((s - 0.01).abs() < 1e-12, "{s}");
        assert_eq!(shift(0.9, 0.1, -1.0, Zone::Reject, 0.02, 0.0, 2.0), 0.0);
    }

    #[test]
    fn exposure_has_diminishing_returns_in_spend() {
        let e = |cost| intensity(0.6, 4.0, 0.2, cost);
        assert_eq!(e(0.0), 0.0);
        let (a, b, c) = (e(2.0), e(4.0), e(6.0));
        assert!(a < b && b < c, "{a} {b} {c}");
        assert!(b - a > c - b, "marginal exposure must fall: {a} {b} {c}");
        assert!(c < 0.6 * 4.0, "bounded by reach × exposures");
    }

    #[test]
    fn detection_rises_with_spend_and_with_capacity() {
        let q = |cost, cap| detection_probability(0.05, cost, cap);
        assert_eq!(q(0.0, 1.0), 0.0);
        assert!(q(2.0, 1.0) < q(4.0, 1.0) && q(4.0, 1.0) < q(8.0, 1.0));
        assert!(q(4.0, 1.0) < q(4.0, 2.0));
        assert!(q(1e6, 1.0) <= 1.0);
    }

    #[test]
    fn the_poisson_quantile_matches_its_distribution_and_never_falls_with_lambda() {
        let mut rng = Streams::new(3, 0).get("test");
        for &lambda in &[0.3, 2.0, 12.0, 600.0] {
            let n = 20_000;
            let mut sum = 0.0;
            let mut sq = 0.0;
            for _ in 0..n {
                let k = f64::from(poisson_quantile(uniform01(&mut rng), lambda, u32::MAX));
                sum += k;
                sq += k * k;
            }
            let mean = sum / f64::from(n);
            let var = sq / f64::from(n) - mean * mean;
            let se = (lambda / f64::from(n)).sqrt();
            assert!((mean - lambda).abs() < 4.0 * se, "λ {lambda}: mean {mean}");
            assert!(
                (var / lambda - 1.0).abs() < 0.1,
                "λ {lambda}: variance {var}"
            );
        }
        for _ in 0..2000 {
            let u = uniform01(&mut rng);
            let mut last = 0;
            for step in 0..60 {
                let k = poisson_quantile(u, 0.25 * f64::from(step), 1000);
                assert!(k >= last, "u {u}: {k} after {last}");
                last = k;
            }
        }
        assert_eq!(poisson_quantile(0.999_999, 50.0, 7), 7);
        assert_eq!(poisson_quantile(0.5, 0.0, 7), 0);
    }

    #[test]
    fn exposure_weights_concentrate_on_the_susceptible() {
        let s: Vec<f64> = (1..=100).map(|i| f64::from(i) / 100.0).collect();
        let even = exposure_weights(&s, 0.0);
        assert!(even.iter().all(|&w| w == 1.0));
        let w = exposure_weights(&s, 4.0);
        let mean = w.iter().sum::<f64>() / 100.0;
        assert!((mean - 1.0).abs() < 1e-12);
        let top: f64 = w[90..].iter().sum::<f64>() / 100.0;
        assert!(top > 0.3, "top tenth's share {top}");
        assert!(w.windows(2).all(|p| p[0] <= p[1]));
    }
}
