//! Uncertain parameters: wherever the schema takes a real number, a scenario may write a distribution
//! instead (`Uniform(lo, hi)`, `Normal(mean, sd)`, `TruncNormal(mean, sd, lo, hi)`, `Beta(a, b)`,
//! `Triangular(lo, mode, hi)`, `LogNormal(mu, sigma)`, `Choice([...])`). A plain number stays fixed.
//!
//! The model only ever sees fixed values: before each run the batch runner *realises* the scenario,
//! sampling every distribution from its own named stream (`param/<path>`), see [`crate::model::rng`],
//! through the portable samplers of [`crate::portable::sample`] (the same draws on every platform).
//!
//! In the document tree a distribution is a named tuple whose name is one of [`DIST_NAMES`]; no other
//! variant of the schema uses these names, and typed deserialization rejects them where a plain number
//! (not a [`Param`]) is expected.

use super::de::from_node;
use super::schema::Scenario;
use super::tree::{Kind, Node, Problem, Seg, display_path};
use crate::portable::sample;
use rand_chacha::ChaCha8Rng;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A probability distribution written in place of a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    /// Uniform on `[lo, hi]`.
    Uniform(f64, f64),
    /// Normal with `mean`, standard deviation `sd`.
    Normal(f64, f64),
    /// Normal(`mean`, `sd`) truncated to `[lo, hi]`.
    TruncNormal(f64, f64, f64, f64),
    /// Beta(`a`, `b`) on `[0, 1]`.
    Beta(f64, f64),
    /// Triangular on `[lo, hi]` with mode `mode`.
    Triangular(f64, f64, f64),
    /// exp(Normal(`mu`, `sigma`)).
    LogNormal(f64, f64),
    /// One of the listed values, each equally likely.
    Choice(Vec<f64>),
}

/// A real-valued scenario parameter: fixed, or uncertain (sampled once per run).
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Fixed(f64),
    Dist(Dist),
}

impl Param {
    /// The value the model uses. For a realised scenario every parameter is `Fixed`; for an unrealised
    /// one this is the distribution's nominal value (its mean; for `Choice`, the mean of the choices),
    /// used only for estimates such as the memory check in validation.
    pub fn value(&self) -> f64 {
        match self {
            Param::Fixed(v) => *v,
            Param::Dist(d) => d.nominal(),
        }
    }

    pub fn is_uncertain(&self) -> bool {
        matches!(self, Param::Dist(_))
    }
}

impl Dist {
    /// The distribution's mean (for `Choice`, the mean of the choices; for `TruncNormal`, the untruncated
    /// mean clamped into `[lo, hi]`).
    pub fn nominal(&self) -> f64 {
        match self {
            Dist::Uniform(lo, hi) => 0.5 * (lo + hi),
            Dist::Normal(m, _) => *m,
            Dist::TruncNormal(m, _, lo, hi) => m.clamp(*lo, (*hi).max(*lo)),
            Dist::Beta(a, b) => a / (a + b),
            Dist::Triangular(lo, mode, hi) => (lo + mode + hi) / 3.0,
            Dist::LogNormal(mu, s) => crate::portable::math::exp(mu + 0.5 * s * s),
            Dist::Choice(v) => {
                if v.is_empty() {
                    f64::NAN
                } else {
                    v.iter().sum::<f64>() / v.len() as f64
                }
            }
        }
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Fixed(v)
    }
}

impl Default for Param {
    fn default() -> Self {
        Param::Fixed(0.0)
    }
}

impl Serialize for Param {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Param::Fixed(v) => s.serialize_f64(*v),
            Param::Dist(d) => d.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Param;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a number or a distribution (Uniform(lo, hi), Normal(mean, sd), TruncNormal(mean, sd, lo, hi), \
                     Beta(a, b), Triangular(lo, mode, hi), LogNormal(mu, sigma), Choice([..]))",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Param, E> {
                Ok(Param::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_enum<A: de::EnumAccess<'de>>(self, a: A) -> Result<Param, A::Error> {
                Dist::deserialize(de::value::EnumAccessDeserializer::new(a)).map(Param::Dist)
            }
        }
        d.deserialize_any(V)
    }
}

/// The names of the distributions, as written in scenarios.
pub const DIST_NAMES: [&str; 7] = [
    "Uniform",
    "Normal",
    "TruncNormal",
    "Beta",
    "Triangular",
    "LogNormal",
    "Choice",
];

fn num(v: f64) -> String {
    format!("{v}")
}

impl std::fmt::Display for Dist {
    /// The distribution as written in a scenario, e.g. `Uniform(80, 120)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, args): (&str, Vec<f64>) = match self {
            Dist::Uniform(a, b) => ("Uniform", vec![*a, *b]),
            Dist::Normal(a, b) => ("Normal", vec![*a, *b]),
            Dist::TruncNormal(a, b, c, d) => ("TruncNormal", vec![*a, *b, *c, *d]),
            Dist::Beta(a, b) => ("Beta", vec![*a, *b]),
            Dist::Triangular(a, b, c) => ("Triangular", vec![*a, *b, *c]),
            Dist::LogNormal(a, b) => ("LogNormal", vec![*a, *b]),
            Dist::Choice(v) => {
                let items: Vec<String> = v.iter().map(|x| num(*x)).collect();
                return write!(f, "Choice([{}])", items.join(", "));
            }
        };
        let items: Vec<String> = args.iter().map(|x| num(*x)).collect();
        write!(f, "{name}({})", items.join(", "))
    }
}

impl Dist {
    fn numbers(&self) -> Vec<f64> {
        match self {
            Dist::Uniform(a, b) | Dist::Normal(a, b) | Dist::Beta(a, b) | Dist::LogNormal(a, b) => {
                vec![*a, *b]
            }
            Dist::TruncNormal(a, b, c, d) => vec![*a, *b, *c, *d],
            Dist::Triangular(a, b, c) => vec![*a, *b, *c],
            Dist::Choice(v) => v.clone(),
        }
    }

    /// Checks the distribution's own parameters: finite numbers, `sd ≥ 0`, `lo ≤ hi`, `a, b > 0`,
    /// `lo ≤ mode ≤ hi`, a non-empty `Choice`.
    pub fn check(&self) -> Result<(), String> {
        if self.numbers().iter().any(|x| !x.is_finite()) {
            return Err(format!(
                "{self}: every number must be finite (no NaN or inf)"
            ));
        }
        let bad = |m: String| Err(format!("{self}: {m}"));
        match *self {
            Dist::Uniform(lo, hi) if lo > hi => bad(format!("lo ({lo}) must be ≤ hi ({hi})")),
            Dist::Normal(_, sd) if sd < 0.0 => bad(format!("sd ({sd}) must be ≥ 0")),
            Dist::TruncNormal(_, sd, _, _) if sd < 0.0 => bad(format!("sd ({sd}) must be ≥ 0")),
            Dist::TruncNormal(_, _, lo, hi) if lo > hi => {
                bad(format!("lo ({lo}) must be ≤ hi ({hi})"))
            }
            Dist::Beta(a, b) if a <= 0.0 || b <= 0.0 => {
                bad(format!("a ({a}) and b ({b}) must be > 0"))
            }
            Dist::Triangular(lo, _, hi) if lo > hi => bad(format!("lo ({lo}) must be ≤ hi ({hi})")),
            Dist::Triangular(lo, mode, hi) if mode < lo || mode > hi => bad(format!(
                "mode ({mode}) must lie within [lo, hi] = [{lo}, {hi}]"
            )),
            Dist::LogNormal(_, s) if s < 0.0 => bad(format!("sigma ({s}) must be ≥ 0")),
            Dist::Choice(ref v) if v.is_empty() => bad("needs at least one value".into()),
            _ => Ok(()),
        }
    }

    /// The smallest interval holding every value the distribution can take.
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform(lo, hi)
            | Dist::TruncNormal(_, _, lo, hi)
            | Dist::Triangular(lo, _, hi) => (lo, hi),
            Dist::Normal(m, 0.0) => (m, m),
            Dist::Normal(..) => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::Beta(..) => (0.0, 1.0),
            Dist::LogNormal(mu, 0.0) => (
                crate::portable::math::exp(mu),
                crate::portable::math::exp(mu),
            ),
            Dist::LogNormal(..) => (0.0, f64::INFINITY),
            Dist::Choice(ref v) => (
                v.iter().copied().fold(f64::INFINITY, f64::min),
                v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }

    /// One draw, through the project's portable samplers ([`crate::portable::sample`]: the same
    /// bits on every platform and for every version of `rand`): `Uniform` one uniform, `Normal`
    /// one ziggurat normal, `TruncNormal` exact ([`sample::TruncNormal`]: rejection, or the inverse
    /// CDF when `[lo, hi]` holds under 5% of the mass), `Beta` two Marsaglia–Tsang gammas,
    /// `Triangular` the inverse CDF of one uniform, `LogNormal` `exp` of a normal, `Choice` one
    /// unbiased integer. An invalid distribution (see [`Dist::check`], which validation runs
    /// first) yields its nominal value without drawing.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        if self.check().is_err() {
            return self.nominal();
        }
        match *self {
            Dist::Uniform(lo, hi) => sample::uniform(rng, lo, hi),
            Dist::Normal(m, sd) => sample::normal(rng, m, sd),
            Dist::TruncNormal(m, sd, lo, hi) => sample::TruncNormal::new(m, sd, lo, hi).sample(rng),
            Dist::Beta(a, b) => sample::beta(rng, a, b),
            Dist::Triangular(lo, mode, hi) => sample::triangular(rng, lo, mode, hi),
            Dist::LogNormal(mu, s) => sample::lognormal(rng, mu, s),
            Dist::Choice(ref v) => {
                // `check` guarantees a non-empty list; more than u32::MAX choices cannot be written
                let k = u32::try_from(v.len()).unwrap_or(u32::MAX);
                v[sample::below(rng, k) as usize]
            }
        }
    }
}

/// Whether a tree node is written as a distribution (`Uniform(..)`, ...).
pub fn is_dist_node(n: &Node) -> bool {
    matches!(&n.kind, Kind::Tuple { name: Some(name), .. } if DIST_NAMES.contains(&name.as_str()))
}

/// Every distribution node of a tree with its segments, in document order.
pub fn dist_nodes(tree: &Node) -> Vec<(Vec<Seg>, &Node)> {
    fn go<'a>(n: &'a Node, segs: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, &'a Node)>) {
        if is_dist_node(n) {
            out.push((segs.clone(), n));
            return;
        }
        let mut visit = |seg: Seg, c: &'a Node, segs: &mut Vec<Seg>| {
            segs.push(seg);
            go(c, segs, out);
            segs.pop();
        };
        match &n.kind {
            Kind::Some(x) => visit(Seg::Inner, x, segs),
            Kind::List(v) | Kind::Tuple { items: v, .. } => {
                for (i, c) in v.iter().enumerate() {
                    visit(Seg::Index(i), c, segs);
                }
            }
            Kind::Map(v) => {
                for (i, (_, c)) in v.iter().enumerate() {
                    visit(Seg::MapVal(i), c, segs);
                }
            }
            Kind::Struct { fields, .. } => {
                for f in fields {
                    visit(Seg::Field(f.name.clone()), &f.value, segs);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(tree, &mut Vec::new(), &mut out);
    out
}

/// One uncertain parameter of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// Its path (`actors.russia.budget`), usable with `--set`.
    pub path: String,
    pub dist: Dist,
    /// As written in the file (`Uniform(80, 120)`).
    pub text: String,
}

/// Every uncertain parameter with its path, in document order (paths name list elements by `id`
/// when they have one, else by index: `actors.russia.actions[0].cost`).
pub fn uncertain(tree: &Node) -> Vec<Uncertain> {
    dist_nodes(tree)
        .into_iter()
        .filter_map(|(segs, n)| {
            Some(Uncertain {
                path: display_path(tree, &segs),
                dist: from_node::<Dist>(n).ok()?,
                text: super::tree::print_inline(n),
            })
        })
        .collect()
}

/// `(path, distribution)` of every uncertain parameter in document order.
pub fn uncertain_params(tree: &Node) -> Vec<(String, Dist)> {
    uncertain(tree)
        .into_iter()
        .map(|u| (u.path, u.dist))
        .collect()
}

/// Problems with the distributions written in a tree (malformed or with invalid parameters).
pub fn check_dists(tree: &Node) -> Vec<Problem> {
    let mut out = Vec::new();
    for (segs, n) in dist_nodes(tree) {
        let path = display_path(tree, &segs);
        match from_node::<Dist>(n) {
            Ok(d) => {
                if let Err(m) = d.check() {
                    out.push(Problem::new(
                        n.span,
                        format!("invalid distribution {m} (at {path})"),
                    ));
                }
            }
            Err(e) => out.push(Problem::new(
                e.span.unwrap_or(n.span),
                format!("{} (at {path})", e.message),
            )),
        }
    }
    out
}

/// Realises a tree: every distribution node is replaced by one draw from the stream `streams(path)`
/// (the model derives one named stream per parameter path from the run's seed). Returns the realised
/// tree and the `(path, value)` drawn, in document order.
pub fn realise(
    tree: &Node,
    streams: &mut dyn FnMut(&str) -> ChaCha8Rng,
) -> (Node, Vec<(String, f64)>) {
    let mut out = tree.clone();
    let mut drawn = Vec::new();
    for (segs, n) in dist_nodes(tree) {
        let path = display_path(tree, &segs);
        let v = match from_node::<Dist>(n) {
            Ok(d) => d.sample(&mut streams(&path)),
            Err(_) => f64::NAN,
        };
        if let Some(slot) = out.at_mut(&segs) {
            *slot = Node::new(Kind::Float(v), n.span);
        }
        drawn.push((path, v));
    }
    (out, drawn)
}

/// The typed scenario of one run: what [`realise`] followed by deserializing the whole realised tree
/// gives (tested), at a fraction of the cost. `base` is the scenario deserialized from `tree` (its
/// distributions at their nominal values). Only the top-level entries that hold a distribution (one
/// country, one actor, the `world` block, ...) are deserialized again, from their realised subtree;
/// everything else is cloned from `base`. A distribution anywhere else (a part of the schema this
/// does not know) falls back to the whole tree. Returns the scenario and the `(path, value)` drawn,
/// in document order.
pub fn realise_scenario(
    tree: &Node,
    base: &Scenario,
    streams: &mut dyn FnMut(&str) -> ChaCha8Rng,
) -> Result<(Scenario, Vec<(String, f64)>), String> {
    let nodes = dist_nodes(tree);
    let mut drawn = Vec::with_capacity(nodes.len());
    for (segs, n) in &nodes {
        let path = display_path(tree, segs);
        let v = match from_node::<Dist>(n) {
            Ok(d) => d.sample(&mut streams(&path)),
            Err(_) => f64::NAN,
        };
        drawn.push((path, v));
    }
    let values: Vec<f64> = drawn.iter().map(|(_, v)| *v).collect();
    match realise_parts(
        tree,
        base,
        nodes.iter().map(|(segs, _)| segs.as_slice()),
        &values,
    ) {
        Some(s) => Ok((s?, drawn)),
        None => realise_whole(tree, base, streams),
    }
}

/// The typed scenario with its distributions (at `segs`, in document order as [`dist_nodes`] gives
/// them) set to `values`: [`realise_scenario`] with given values in place of draws (the same
/// scenario as setting them in the whole tree and deserializing it, with `base`'s `extends`).
pub fn scenario_with_values(
    tree: &Node,
    base: &Scenario,
    segs: &[Vec<Seg>],
    values: &[f64],
) -> Result<Scenario, String> {
    let n = segs.len().min(values.len());
    let segs = &segs[..n];
    if let Some(s) = realise_parts(tree, base, segs.iter().map(|x| x.as_slice()), &values[..n]) {
        return s;
    }
    let mut t = tree.clone();
    for (segs, v) in segs.iter().zip(values) {
        if let Some(slot) = t.at_mut(segs) {
            *slot = Node::new(Kind::Float(*v), slot.span);
        }
    }
    let mut s: Scenario = from_node(&t).map_err(|e| e.message)?;
    s.extends = base.extends.clone();
    Ok(s)
}

/// `base` with the top-level entries that hold the nodes at `segs` (in document order) deserialized
/// again from their subtrees, each node set to its value; `None` when a node lies where this does not
/// know the schema (the caller falls back to the whole tree).
fn realise_parts<'a>(
    tree: &Node,
    base: &Scenario,
    segs: impl Iterator<Item = &'a [Seg]>,
    values: &[f64],
) -> Option<Result<Scenario, String>> {
    // (top-level segments, realised copy of that subtree)
    let mut parts: Vec<(&[Seg], Node)> = Vec::new();
    for (segs, &v) in segs.zip(values) {
        let top = match segs {
            [Seg::Field(f), Seg::Index(_), ..] if is_list_field(f) => &segs[..2],
            [Seg::Field(f), _, ..] if is_block_field(f) => &segs[..1],
            _ => return None,
        };
        if parts.last().is_none_or(|(t, _)| *t != top) {
            parts.push((top, tree.at(top)?.clone()));
        }
        let (_, sub) = parts.last_mut().expect("pushed above");
        if let Some(slot) = sub.at_mut(&segs[top.len()..]) {
            *slot = Node::new(Kind::Float(v), slot.span);
        }
    }
    let mut s = base.clone();
    for (top, sub) in &parts {
        if let Err(e) = read_part(&mut s, top, sub) {
            return Some(Err(e));
        }
    }
    Some(Ok(s))
}

/// Deserializes the top-level entry `top` of `s` again from `sub`.
fn read_part(s: &mut Scenario, top: &[Seg], sub: &Node) -> Result<(), String> {
    let bad = |e: super::de::DeError| e.message;
    match top {
        [Seg::Field(f), Seg::Index(i)] => {
            let i = *i;
            match f.as_str() {
                "dimensions" => s.dimensions[i] = from_node(sub).map_err(bad)?,
                "countries" => s.countries[i] = from_node(sub).map_err(bad)?,
                "actors" => s.actors[i] = from_node(sub).map_err(bad)?,
                "issues" => s.issues[i] = from_node(sub).map_err(bad)?,
                "projects" => s.projects[i] = from_node(sub).map_err(bad)?,
                "routes" => s.routes[i] = from_node(sub).map_err(bad)?,
                "elections" => s.elections[i] = from_node(sub).map_err(bad)?,
                "events" => s.events[i] = from_node(sub).map_err(bad)?,
                "outcomes" => s.outcomes[i] = from_node(sub).map_err(bad)?,
                "outcome_classes" => s.outcome_classes[i] = from_node(sub).map_err(bad)?,
                _ => unreachable!("is_list_field"),
            }
        }
        [Seg::Field(f)] => match f.as_str() {
            "run" => s.run = from_node(sub).map_err(bad)?,
            "process" => s.process = from_node(sub).map_err(bad)?,
            "world" => s.world = from_node(sub).map_err(bad)?,
            "record" => s.record = from_node(sub).map_err(bad)?,
            _ => unreachable!("is_block_field"),
        },
        _ => unreachable!("tops are one or two segments"),
    }
    Ok(())
}

/// Top-level list fields of [`Scenario`] whose elements [`realise_scenario`] re-reads one by one.
fn is_list_field(f: &str) -> bool {
    matches!(
        f,
        "dimensions"
            | "countries"
            | "actors"
            | "issues"
            | "projects"
            | "routes"
            | "elections"
            | "events"
            | "outcomes"
            | "outcome_classes"
    )
}

/// Top-level struct fields of [`Scenario`] that [`realise_scenario`] re-reads whole.
fn is_block_field(f: &str) -> bool {
    matches!(f, "run" | "process" | "world" | "record")
}

/// [`realise_scenario`]'s fallback: the whole realised tree deserialized.
fn realise_whole(
    tree: &Node,
    base: &Scenario,
    streams: &mut dyn FnMut(&str) -> ChaCha8Rng,
) -> Result<(Scenario, Vec<(String, f64)>), String> {
    let (t, drawn) = realise(tree, streams);
    let mut s: Scenario = from_node(&t).map_err(|e| e.message)?;
    s.extends = base.extends.clone();
    Ok((s, drawn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tree::parse;
    use rand::SeedableRng;

    #[test]
    fn checks() {
        assert!(Dist::Normal(0.0, -1.0).check().is_err());
        assert!(Dist::Uniform(2.0, 1.0).check().is_err());
        assert!(Dist::TruncNormal(0.0, 1.0, 2.0, 1.0).check().is_err());
        assert!(Dist::Beta(0.0, 1.0).check().is_err());
        assert!(Dist::Triangular(0.0, 2.0, 1.0).check().is_err());
        assert!(Dist::Choice(vec![]).check().is_err());
        assert!(Dist::Normal(f64::NAN, 1.0).check().is_err());
        assert!(Dist::Triangular(0.0, 0.5, 1.0).check().is_ok());
        assert_eq!(Dist::Uniform(80.0, 120.0).to_string(), "Uniform(80, 120)");
    }

    #[test]
    fn samples_stay_in_support() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for d in [
            Dist::Uniform(1.0, 2.0),
            Dist::TruncNormal(0.0, 1.0, 0.5, 0.6),
            Dist::TruncNormal(100.0, 1.0, 0.0, 1.0),
            Dist::Beta(2.0, 3.0),
            Dist::Triangular(0.0, 0.2, 1.0),
            Dist::Choice(vec![1.0, 5.0]),
            Dist::LogNormal(0.0, 1.0),
        ] {
            let (lo, hi) = d.support();
            for _ in 0..200 {
                let x = d.sample(&mut rng);
                assert!(x >= lo && x <= hi, "{d} gave {x}");
            }
        }
    }

    #[test]
    fn lists_and_realises() {
        let t = parse(
            r#"(actors: [(id: "ru", budget: Uniform(80, 120), actions: [Invest(cost: Normal(1, 0.1))])],
                x: [Choice([1, 2])], y: 3)"#,
            0,
        )
        .unwrap();
        let u = uncertain_params(&t);
        let paths: Vec<&str> = u.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            paths,
            ["actors.ru.budget", "actors.ru.actions[0].cost", "x[0]"]
        );
        let mut seen = Vec::new();
        let (r, drawn) = realise(&t, &mut |p| {
            seen.push(p.to_string());
            ChaCha8Rng::seed_from_u64(p.len() as u64)
        });
        assert_eq!(seen, paths);
        assert_eq!(drawn.len(), 3);
        assert!(uncertain_params(&r).is_empty());
        assert!((80.0..=120.0).contains(&drawn[0].1));
    }
}
