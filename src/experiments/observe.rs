//! Observations (the scenario's `observations:` block) against the model: which recorded series each
//! one reads ([`check`], [`Targets::new`]), the model's value of each in a run ([`Targets::values`]),
//! the simulated measurement ([`Targets::measure`]) and the distance between measured and observed
//! ([`Targets::distance`]), which `crossroads calibrate` minimises. Pure: no IO.
//!
//! # The measurement model
//!
//! The model's value is what a perfect instrument would read; the observation adds its measurement
//! error. So that the ABC posterior tends to the posterior under this error as the tolerance falls
//! (Wilkinson 2013, "Approximate Bayesian computation (ABC) gives exact results under the assumption
//! of model error", Stat. Appl. Genet. Mol. Biol. 12(2)), each simulation draws a measurement of the
//! model's value with the observation's error, from the attempt's stream `observe`:
//!
//! - `Poll(share, n, design_effect)`: a binomial share of `m = round(n / design_effect)` simulated
//!   respondents (at least 1, at most [`MAX_RESPONDENTS`]), each for the entity with probability the
//!   model's share (Kish 1965 for the design effect as a variance ratio, hence the effective size
//!   `n / deff`); shares with one `survey` id are one multinomial draw over their entities and the
//!   rest (`1 −` their model shares, normalised when these exceed 1);
//! - `Value(value, se)`: the model's value plus a Normal(0, se) error;
//! - `Interval(lo, hi)`: the model's value itself (the interval is a constraint, not a noisy reading).
//!
//! # The distance
//!
//! Each observation weighs by its measurement error; the distance is the square root of the sum of
//! these terms:
//!
//! - a value: `((x − value) / se)²`;
//! - a poll share on its own: `m (x − p)² / (p'(1 − p'))`, the squared z-score under the binomial
//!   error at the observed share `p` (`p'`: `p` kept within `[0.5/m, 1 − 0.5/m]`, so a share of 0 or 1
//!   keeps a finite weight);
//! - a survey's shares together: Neyman's χ² over its entities and the rest,
//!   `m Σ_k (x_k − p_k)² / p'_k + m (Σ_k (x_k − p_k))² / r'` with `r = 1 − Σ p_k` (the multinomial's
//!   Mahalanobis distance: `(D − ppᵀ)⁻¹ = D⁻¹ + 11ᵀ / r`, by Sherman–Morrison);
//! - an interval: 0 inside, else `(gap / half-width)²`.
//!
//! The weights use the observed shares, so they are the same for every particle.

use crate::model::rng::{std_normal, uniform01};
use crate::model::series_layout;
use crate::scenario::schema::{Measurement, OUTCOME, PHASE_REACHED, Scenario, month_offset};
use crate::scenario::tree::{Node, Problem};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;

/// The most respondents a simulated poll draws (a larger `n / design_effect` counts as this many; the
/// sampling error is then negligible next to the model's own spread).
pub const MAX_RESPONDENTS: u64 = 100_000;

/// Where an observation's model value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A column of the run's series.
    Series(usize),
    /// 1 if the `phase` series in this column was 1 at some tick up to the observation's, else 0.
    PhaseReached(usize),
    /// An outcome of the run (by index), read at the end of the run: only `score` uses these.
    Outcome(usize),
}

/// Why an observation's selector names nothing the model records.
fn selector_problem(s: &Scenario, indicator: &str, entity: &str) -> Option<String> {
    match indicator {
        PHASE_REACHED | OUTCOME => return None, // checked by validation
        _ => {}
    }
    let layout = series_layout(s);
    let indicators: BTreeSet<&str> = layout.iter().map(|k| k.indicator.as_str()).collect();
    if !indicators.contains(indicator) {
        let mut all: Vec<&str> = indicators.into_iter().collect();
        all.extend([PHASE_REACHED, OUTCOME]);
        return Some(format!(
            "unknown indicator `{indicator}`: this scenario records {} (series.csv's `indicator` column; \
             some need `record: (population_detail: true)`)",
            all.join(", ")
        ));
    }
    if layout
        .iter()
        .any(|k| k.indicator == indicator && k.entity == entity)
    {
        return None;
    }
    let entities: Vec<&str> = layout
        .iter()
        .filter(|k| k.indicator == indicator)
        .map(|k| k.entity.as_str())
        .collect();
    Some(format!(
        "unknown entity `{entity}` for indicator `{indicator}` (recorded: {})",
        entities.join(", ")
    ))
}

/// The loader check for `observations:` (see [`crate::scenario::load::Check`]): each indicator and
/// entity must name a series the scenario records (its model series layout), so any series the model
/// records, now or in a later version, can be observed without a code change here.
pub fn check(s: &Scenario, tree: &Node) -> Vec<Problem> {
    let mut out = Vec::new();
    for (k, o) in s.observations.iter().enumerate() {
        if let Some(m) = selector_problem(s, &o.indicator, &o.entity) {
            let at = format!("observations[{k}].indicator");
            let span = crate::scenario::merge::node_at(tree, &at).map_or(tree.span, |n| n.span);
            out.push(Problem::new(span, m));
        }
    }
    out
}

/// One observation, resolved against the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Index in `scenario.observations`.
    pub index: usize,
    pub id: String,
    /// The row of the run's series it reads (the state after its month: offset + 1).
    pub tick: u32,
    pub source: Source,
    pub measured: Measurement,
}

impl Target {
    /// Effective respondents of a poll.
    fn respondents(&self) -> u64 {
        match self.measured {
            Measurement::Poll {
                n, design_effect, ..
            } => ((n / design_effect).round().max(1.0) as u64).min(MAX_RESPONDENTS),
            _ => 0,
        }
    }
}

/// The observations one calibration uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub items: Vec<Target>,
    /// Items of each survey (indices into `items`), in order of first appearance.
    surveys: Vec<Vec<usize>>,
    /// Per item: its survey's index, if any.
    survey_of: Vec<Option<usize>>,
    /// Values per series row.
    width: usize,
    /// The last row any target reads: simulate this many months.
    pub last_tick: u32,
}

impl Targets {
    /// The observations dated up to `until` (`"YYYY-MM"`; all when `None`), resolved against the
    /// scenario's series layout. A selector the layout lacks, or an `outcome` observation (outcomes are
    /// read at the end of a run, not at a month), is an error naming the observation.
    pub fn new(s: &Scenario, until: Option<&str>) -> Result<Targets, String> {
        let layout = series_layout(s);
        let limit = match until {
            Some(u) => Some(
                month_offset(&s.run.start, u)
                    .ok_or_else(|| format!("--until {u:?}: expected a month \"YYYY-MM\""))?,
            ),
            None => None,
        };
        let mut items = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut survey_of = Vec::new();
        let mut surveys: Vec<Vec<usize>> = Vec::new();
        for (index, o) in s.observations.iter().enumerate() {
            let off = month_offset(&s.run.start, &o.month)
                .ok_or_else(|| format!("observation `{}`: bad month {:?}", o.id, o.month))?;
            if limit.is_some_and(|l| off > l) {
                continue;
            }
            let col = |ind: &str, ent: &str| {
                layout
                    .iter()
                    .position(|k| k.indicator == ind && k.entity == ent)
            };
            let source = match o.indicator.as_str() {
                PHASE_REACHED => col("phase", &o.entity).map(Source::PhaseReached),
                OUTCOME => {
                    return Err(format!(
                        "observation `{}` reads outcome `{}`, which a run only has at its end: \
                         calibrate compares series at their month (use a series, e.g. `phase_reached`, \
                         or date the observation after --until)",
                        o.id, o.entity
                    ));
                }
                ind => col(ind, &o.entity).map(Source::Series),
            }
            .ok_or_else(|| {
                format!(
                    "observation `{}`: {}",
                    o.id,
                    selector_problem(s, &o.indicator, &o.entity)
                        .unwrap_or_else(|| "no such series".into())
                )
            })?;
            let survey = match &o.measured {
                Measurement::Poll {
                    survey: Some(sv), ..
                } => Some(match keys.iter().position(|k| k == sv) {
                    Some(g) => g,
                    None => {
                        keys.push(sv.clone());
                        surveys.push(Vec::new());
                        keys.len() - 1
                    }
                }),
                _ => None,
            };
            if let Some(g) = survey {
                surveys[g].push(items.len());
            }
            survey_of.push(survey);
            items.push(Target {
                index,
                id: o.id.clone(),
                tick: (off + 1).max(0) as u32,
                source,
                measured: o.measured.clone(),
            });
        }
        let last_tick = items.iter().map(|t| t.tick).max().unwrap_or(0);
        Ok(Targets {
            items,
            surveys,
            survey_of,
            width: layout.len(),
            last_tick,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The model's value of each target in a run's series (row-major, rows `0..=last_tick` at
    /// least).
    pub fn values(&self, series: &[f64]) -> Vec<f64> {
        let at = |t: u32, c: usize| {
            series
                .get(t as usize * self.width + c)
                .copied()
                .unwrap_or(f64::NAN)
        };
        self.items
            .iter()
            .map(|x| match x.source {
                Source::Series(c) => at(x.tick, c),
                Source::PhaseReached(c) => {
                    let hit = (0..=x.tick).any(|t| at(t, c) > 0.5);
                    f64::from(u8::from(hit))
                }
                Source::Outcome(_) => f64::NAN,
            })
            .collect()
    }

    /// A simulated measurement of `values` (see the module doc), drawn from `rng`.
    pub fn measure(&self, values: &[f64], rng: &mut ChaCha8Rng) -> Vec<f64> {
        let mut out = values.to_vec();
        let mut drawn = vec![false; self.surveys.len()];
        for (i, t) in self.items.iter().enumerate() {
            match (&t.measured, self.survey_of[i]) {
                (Measurement::Poll { .. }, Some(g)) => {
                    if !drawn[g] {
                        drawn[g] = true;
                        let members = &self.surveys[g];
                        let p: Vec<f64> = members.iter().map(|&j| values[j]).collect();
                        let shares = multinomial(&p, self.items[members[0]].respondents(), rng);
                        for (&j, s) in members.iter().zip(shares) {
                            out[j] = s;
                        }
                    }
                }
                (Measurement::Poll { .. }, None) => {
                    out[i] = multinomial(&[values[i]], t.respondents(), rng)[0];
                }
                (Measurement::Value { se, .. }, _) => {
                    out[i] = values[i] + se * std_normal(rng);
                }
                (Measurement::Interval { .. }, _) => {}
            }
        }
        out
    }

    /// The distance between measured values and the observations (see the module doc).
    pub fn distance(&self, measured: &[f64]) -> f64 {
        let mut sum = 0.0;
        for (i, t) in self.items.iter().enumerate() {
            let x = measured[i];
            sum += match &t.measured {
                Measurement::Poll { share, .. } => match self.survey_of[i] {
                    Some(_) => {
                        let m = t.respondents() as f64;
                        let p = clamp_share(*share, m);
                        m * (x - share) * (x - share) / p
                    }
                    None => {
                        let m = t.respondents() as f64;
                        let p = clamp_share(*share, m);
                        m * (x - share) * (x - share) / (p * (1.0 - p))
                    }
                },
                Measurement::Value { value, se } => ((x - value) / se).powi(2),
                Measurement::Interval { lo, hi } => {
                    let half = 0.5 * (hi - lo);
                    let gap = if x < *lo {
                        lo - x
                    } else if x > *hi {
                        x - hi
                    } else if x.is_nan() {
                        f64::NAN
                    } else {
                        0.0
                    };
                    (gap / half).powi(2)
                }
            };
        }
        // The rest of each survey.
        for members in &self.surveys {
            let first = &self.items[members[0]];
            let m = first.respondents() as f64;
            let (mut obs, mut diff) = (0.0, 0.0);
            for &j in members {
                let p = self.items[j].measured.point();
                obs += p;
                diff += measured[j] - p;
            }
            let r = (1.0 - obs).max(0.5 / m);
            sum += m * diff * diff / r;
        }
        round_significant(sum.sqrt(), DISTANCE_DIGITS)
    }
}

/// Significant digits a distance keeps. Measurements equally far from an observation on either side
/// (a poll of 14 or 16 in 50 against 15) give distances that differ only by rounding error
/// (`0.32 − 0.3 ≠ 0.3 − 0.28` in floating point); the adaptive tolerance, set at one particle's
/// distance, would then accept one side and not the other, biasing the posterior. Rounding makes such
/// ties exact.
pub const DISTANCE_DIGITS: i32 = 12;

/// `x` rounded to `digits` significant digits (0, infinities and NaN unchanged).
pub fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = digits - 1 - x.abs().log10().floor() as i32;
    if e > 300 {
        return x;
    }
    let f = 10f64.powi(e);
    (x * f).round() / f
}

/// `p` kept within `[0.5/m, 1 − 0.5/m]`.
fn clamp_share(p: f64, m: f64) -> f64 {
    let lo = 0.5 / m;
    p.clamp(lo, (1.0 - lo).max(lo))
}

/// Shares of `m` respondents falling in each category of `p` (the rest, `1 − Σp`, is the last,
/// unreported category; `p` normalised when it sums to more than 1; negative or NaN shares count as
/// 0). One uniform draw per respondent.
pub fn multinomial(p: &[f64], m: u64, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let clean: Vec<f64> = p
        .iter()
        .map(|x| if x.is_finite() && *x > 0.0 { *x } else { 0.0 })
        .collect();
    let total: f64 = clean.iter().sum();
    let scale = if total > 1.0 { 1.0 / total } else { 1.0 };
    let mut cum = Vec::with_capacity(clean.len());
    let mut s = 0.0;
    for x in &clean {
        s += x * scale;
        cum.push(s);
    }
    let mut counts = vec![0u64; clean.len()];
    for _ in 0..m {
        let u = uniform01(rng);
        if let Some(k) = cum.iter().position(|c| u < *c) {
            counts[k] += 1;
        }
    }
    if p.iter().any(|x| x.is_nan()) {
        return vec![f64::NAN; p.len()];
    }
    counts.iter().map(|c| *c as f64 / m.max(1) as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::Streams;
    use crate::scenario::schema::Observation;

    fn targets(obs: Vec<(&str, Measurement)>) -> Targets {
        let n = obs.len();
        let mut surveys: Vec<Vec<usize>> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut survey_of = Vec::new();
        let items = obs
            .into_iter()
            .enumerate()
            .map(|(i, (id, m))| {
                let g = match &m {
                    Measurement::Poll {
                        survey: Some(s), ..
                    } => Some(keys.iter().position(|k| k == s).unwrap_or_else(|| {
                        keys.push(s.clone());
                        surveys.push(vec![]);
                        keys.len() - 1
                    })),
                    _ => None,
                };
                if let Some(g) = g {
                    surveys[g].push(i);
                }
                survey_of.push(g);
                Target {
                    index: i,
                    id: id.into(),
                    tick: 1,
                    source: Source::Series(i),
                    measured: m,
                }
            })
            .collect();
        Targets {
            items,
            surveys,
            survey_of,
            width: n,
            last_tick: 1,
        }
    }

    fn poll(share: f64, n: f64, survey: Option<&str>) -> Measurement {
        Measurement::Poll {
            share,
            n,
            design_effect: 2.0,
            survey: survey.map(String::from),
        }
    }

    #[test]
    fn equal_misses_on_either_side_are_equally_far() {
        // A poll of 50 at 0.3 (respondents 50 / design effect 2 = 25): shares 0.28 and 0.32 are one
        // respondent in 50 either side; unrounded their distances differ in the last bits.
        let t = targets(vec![("p", poll(0.3, 50.0, None))]);
        assert_ne!(0.32f64 - 0.3, 0.3 - 0.28f64);
        assert_eq!(t.distance(&[0.28]), t.distance(&[0.32]));
        let v = targets(vec![(
            "v",
            Measurement::Value {
                value: 0.3,
                se: 0.1,
            },
        )]);
        assert_eq!(v.distance(&[0.28]), v.distance(&[0.32]));
        assert_eq!(
            round_significant(0.123_456_789_012_345, 12),
            0.123_456_789_012
        );
    }

    #[test]
    fn distance_by_hand() {
        let t = targets(vec![
            (
                "v",
                Measurement::Value {
                    value: 1.0,
                    se: 0.5,
                },
            ),
            ("i", Measurement::Interval { lo: 2.0, hi: 4.0 }),
            // 1000 respondents, design effect 2: m = 500.
            ("p", poll(0.2, 1000.0, None)),
        ]);
        // value: (2 - 1)/0.5 = 2 -> 4; interval: 5 is 1 above hi, half-width 1 -> 1;
        // poll: 500 (0.25 - 0.2)^2 / (0.2 · 0.8) = 500 · 0.0025 / 0.16 = 7.8125.
        let d = t.distance(&[2.0, 5.0, 0.25]);
        assert!((d - (4.0f64 + 1.0 + 7.8125).sqrt()).abs() < 1e-12, "{d}");
        assert_eq!(t.distance(&[1.0, 3.0, 0.2]), 0.0);
    }

    #[test]
    fn survey_distance_is_neyman_chi_square_with_the_rest() {
        let t = targets(vec![
            ("a", poll(0.3, 200.0, Some("s"))),
            ("b", poll(0.5, 200.0, Some("s"))),
        ]);
        // m = 100. Measured 0.4, 0.4: a: 100 · 0.01 / 0.3 = 3.3333; b: 100 · 0.01 / 0.5 = 2;
        // the rest: observed 0.2, measured 0.2: diff sum 0 -> 0. Total 5.3333.
        let d = t.distance(&[0.4, 0.4]);
        assert!((d * d - (1.0 / 0.3 + 2.0)).abs() < 1e-9, "{}", d * d);
        // Measured 0.4, 0.5: the rest is 0.1 instead of 0.2: a 3.3333, b 0, rest 100 · 0.01 / 0.2 = 5.
        let d = t.distance(&[0.4, 0.5]);
        assert!((d * d - (1.0 / 0.3 + 5.0)).abs() < 1e-9, "{}", d * d);
    }

    #[test]
    fn measurements_have_the_stated_error() {
        let t = targets(vec![
            (
                "v",
                Measurement::Value {
                    value: 0.0,
                    se: 0.1,
                },
            ),
            ("p", poll(0.3, 400.0, None)),
            ("a", poll(0.3, 400.0, Some("s"))),
            ("b", poll(0.5, 400.0, Some("s"))),
        ]);
        let (mut s1, mut s2) = ([0.0; 4], [0.0; 4]);
        let mut cross = 0.0;
        let reps = 4000;
        for k in 0..reps {
            let mut rng = Streams::new(5, k).get("observe");
            let x = t.measure(&[1.0, 0.3, 0.3, 0.5], &mut rng);
            for j in 0..4 {
                s1[j] += x[j];
                s2[j] += x[j] * x[j];
            }
            cross += (x[2] - 0.3) * (x[3] - 0.5);
        }
        let n = reps as f64;
        let var = |j: usize| s2[j] / n - (s1[j] / n).powi(2);
        // Value: mean 1, sd 0.1. Poll: m = 200, sd sqrt(0.3 · 0.7 / 200) = 0.0324.
        assert!((s1[0] / n - 1.0).abs() < 0.01 && (var(0).sqrt() - 0.1).abs() < 0.005);
        assert!((s1[1] / n - 0.3).abs() < 0.003);
        assert!((var(1).sqrt() - 0.0324).abs() < 0.002, "{}", var(1).sqrt());
        // Multinomial covariance -p_a p_b / m = -0.15 / 200 = -0.00075.
        assert!((cross / n + 0.00075).abs() < 0.0002, "{}", cross / n);
    }

    #[test]
    fn phase_reached_looks_back() {
        let mut t = targets(vec![(
            "r",
            Measurement::Value {
                value: 1.0,
                se: 0.1,
            },
        )]);
        t.items[0].source = Source::PhaseReached(0);
        t.items[0].tick = 2;
        // Series of one column, ticks 0..3: in the phase at tick 1 only.
        assert_eq!(t.values(&[0.0, 1.0, 0.0, 0.0]), vec![1.0]);
        t.items[0].tick = 0;
        assert_eq!(t.values(&[0.0, 1.0, 0.0, 0.0]), vec![0.0]);
    }

    #[test]
    fn unknown_selectors_are_named() {
        let r = crate::scenario::load_str(
            "t.ron",
            r#"(format: 1, run: (name: "t", start: "2020-01", horizon: 3),
                dimensions: [(id: "d")],
                countries: [(id: "c", population: (size: 10, opinions: [(dimension: "d", mean: 0.5, sd: 0.1)],
                    network: Complete, dynamics: Deffuant(mu: 0.1, epsilon: 0.2, encounters: 1.0)),
                    economy: (gdp_bn: 1.0, growth: 0.0))],
                actors: [],
                observations: [
                    (id: "a", month: "2020-01", indicator: "gdp", entity: "c", measured: Value(value: 1, se: 0.1)),
                    (id: "b", month: "2020-01", indicator: "gdpp", entity: "c", measured: Value(value: 1, se: 0.1)),
                    (id: "e", month: "2020-01", indicator: "gdp", entity: "x", measured: Value(value: 1, se: 0.1)),
                ])"#,
            &[],
        )
        .unwrap();
        let p = check(&r.scenario, &r.tree);
        assert_eq!(p.len(), 2);
        assert!(
            p[0].message.contains("unknown indicator `gdpp`"),
            "{}",
            p[0].message
        );
        assert!(
            p[1].message
                .contains("unknown entity `x` for indicator `gdp`")
        );
        let obs: &Vec<Observation> = &r.scenario.observations;
        assert_eq!(obs.len(), 3);
        let t = Targets::new(&r.scenario, Some("2020-01"));
        assert!(t.unwrap_err().contains("observation `b`"));
    }
}
