//! Semantic checks on a typed scenario, each problem located at the offending value via the tree.
//!
//! Checked: the format version; ids (non-empty; letters, digits, `_`, `-`; unique within their list);
//! every id reference (countries, actors of the right kind, dimensions, issues, projects, routes,
//! elections, events, phases, outcomes); actor kinds (`State`/`Party` need a country, an
//! `ExternalPower` has none; only parties have platforms; "powers" are `ExternalPower` actors);
//! ranges (probabilities and shares in [0, 1], positions in 0..100, sizes and capabilities > 0,
//! horizon ≥ 1, months `YYYY-MM`, election and scheduled months within the horizon); no NaN or
//! infinity anywhere; distributions valid, and within the bounds of bounded parameters; the memory
//! a run would need ([`estimate_bytes`] against [`MEMORY_LIMIT`]); a safe `run.name`; the `sweep:`
//! block (ranges, sizes, and with [`sweep_paths`] that each path names a real-valued parameter); the
//! `observations:` block (ids, months, measurements, survey groups).

use super::merge::node_at;
use super::param::check_dists;
use super::schema::*;
use super::tree::{Kind, Node, Problem, Span};
use std::collections::{HashMap, HashSet};

mod actions;
mod actor;
mod citizens;
mod country;
mod events;
mod macro_layer;
mod mechanisms;
mod observation;
mod outcome;
mod sweep;
mod voting;
mod world;

pub use sweep::sweep_paths;

/// The most memory one run may need (4 GiB); larger scenarios are rejected with the estimate.
pub const MEMORY_LIMIT: u128 = 4 << 30;

/// The largest magnitude of a real number in a scenario (1e12), and of the values a distribution
/// draws: beyond it the model's arithmetic (growth compounded over the horizon, products of
/// budgets, shares and sizes) can overflow to infinity. No quantity of the format comes near it (GDP
/// is in billions of US dollars: the world's is about 1e5).
pub const MAX_MAGNITUDE: f64 = 1e12;

/// Real numbers and distribution ranges beyond ±[`MAX_MAGNITUDE`] (unbounded distributions: `Normal`
/// over its mean ± 12 sd, `LogNormal` up to `exp(mu + 12 sigma)`), each located.
fn magnitudes(tree: &Node) -> Vec<Problem> {
    let mut out = Vec::new();
    let dists = super::param::dist_nodes(tree);
    // Numbers inside a distribution are judged by the distribution's range below.
    let mut inside = HashSet::new();
    for (_, n) in &dists {
        n.walk(&mut |x| {
            inside.insert((x.span.file, x.span.line, x.span.col));
        });
    }
    tree.walk(&mut |n| {
        if let Kind::Float(f) = n.kind
            && f.is_finite()
            && f.abs() > MAX_MAGNITUDE
            && !inside.contains(&(n.span.file, n.span.line, n.span.col))
        {
            out.push(Problem::new(
                n.span,
                format!(
                    "{} is too large: numbers in a scenario must lie within ±{MAX_MAGNITUDE:e} \
                     (larger ones overflow the model's arithmetic)",
                    super::tree::fmt_float(f)
                ),
            ));
        }
    });
    for (_, n) in dists {
        let Ok(d) = super::de::from_node::<super::param::Dist>(n) else {
            continue;
        };
        if d.check().is_err() {
            continue;
        }
        let (lo, hi) = match d {
            super::param::Dist::Normal(m, sd) => (m - 12.0 * sd, m + 12.0 * sd),
            super::param::Dist::LogNormal(mu, s) => (0.0, (mu + 12.0 * s).exp()),
            _ => d.support(),
        };
        if !(lo.abs() <= MAX_MAGNITUDE && hi.abs() <= MAX_MAGNITUDE) {
            out.push(Problem::new(
                n.span,
                format!(
                    "{} can draw values beyond ±{MAX_MAGNITUDE:e} (up to {}), which overflow the \
                     model's arithmetic: narrow it",
                    super::tree::print_inline(n),
                    super::tree::fmt_float(if hi.abs() >= lo.abs() { hi } else { lo })
                ),
            ));
        }
    }
    out
}

/// The action names [`OutcomeKind::Count`] accepts (defined with the action catalogue).
pub use super::schema::ACTION_NAMES;

/// Estimated bytes one run needs: per citizen its opinions (8 bytes per dimension), susceptibility,
/// resilience, exposure weight and counter-disinformation shield (32), and its network adjacency (8 bytes per neighbour: 4-byte index, both
/// directions stored; a complete network is mixed without edges); plus the recorded series,
/// `(horizon + 1) × series × 8` with an upper estimate of the series count.
pub fn estimate_bytes(s: &Scenario) -> u128 {
    let dims = s.dimensions.len() as u128;
    let mut total: u128 = 0;
    for c in &s.countries {
        let n = c.population.size as u128;
        let degree: u128 = match &c.population.network {
            Network::Complete => 0,
            Network::WattsStrogatz { k, .. } => *k as u128,
            Network::ErdosRenyi { mean_degree } => {
                let d = mean_degree.value();
                if d.is_finite() && d > 0.0 {
                    d.ceil().min(1e12) as u128
                } else {
                    0
                }
            }
        };
        total += n * (dims * 8 + 32) + n * degree.min(n) * 8;
    }
    let countries = s.countries.len() as u128;
    let actors = s.actors.len() as u128;
    let series = countries * (dims * 4 + 4)
        + actors * (countries + 2)
        + s.projects.len() as u128 * 2
        + s.routes.len() as u128
        + s.issues.len() as u128 * 2
        + s.actors
            .iter()
            .map(|a| a.actions.len() as u128)
            .sum::<u128>()
        + s.elections
            .iter()
            .map(|e| e.parties.len() as u128 * 2)
            .sum::<u128>()
        + 2;
    total + (s.run.horizon as u128 + 1) * series * 8
}

fn human_bytes(b: u128) -> String {
    let gib = b as f64 / (1u64 << 30) as f64;
    if gib >= 1.0 {
        format!("{gib:.1} GiB")
    } else {
        format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
    }
}

#[derive(Clone, Copy)]
struct Bound {
    lo: f64,
    hi: f64,
    lo_open: bool,
    hi_open: bool,
    what: &'static str,
}

const PROB: Bound = Bound {
    lo: 0.0,
    hi: 1.0,
    lo_open: false,
    hi_open: false,
    what: "a probability in [0, 1]",
};
const SHARE: Bound = Bound {
    what: "a share in [0, 1]",
    ..PROB
};
const UNIT: Bound = Bound {
    what: "in [0, 1]",
    ..PROB
};
const SIGNED_UNIT: Bound = Bound {
    lo: -1.0,
    what: "in [-1, 1]",
    ..PROB
};
const POSITION: Bound = Bound {
    hi: 100.0,
    what: "a position in [0, 100]",
    ..PROB
};
const NONNEG: Bound = Bound {
    lo: 0.0,
    hi: f64::INFINITY,
    lo_open: false,
    hi_open: true,
    what: "≥ 0",
};
const POS: Bound = Bound {
    lo_open: true,
    what: "> 0",
    ..NONNEG
};
const TRUST_SLOPE: Bound = Bound {
    lo: -2.0,
    hi: 2.0,
    what: "in [-2, 2] (trust per unit of opinion)",
    ..PROB
};
const ANY: Bound = Bound {
    lo: f64::NEG_INFINITY,
    hi: f64::INFINITY,
    lo_open: true,
    hi_open: true,
    what: "a number",
};
const DEFFUANT_MU: Bound = Bound {
    hi: 0.5,
    what: "in [0, 0.5] (Deffuant–Weisbuch convergence)",
    ..PROB
};
const TURNOUT: Bound = Bound {
    lo_open: true,
    what: "a share in (0, 1]",
    ..PROB
};
const BUILD_RATE: Bound = Bound {
    lo_open: true,
    what: "a share of the project per month in (0, 1]",
    ..PROB
};

impl Bound {
    fn holds(&self, x: f64) -> bool {
        let lo = if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        };
        let hi = if self.hi_open {
            x < self.hi
        } else {
            x <= self.hi
        };
        lo && hi
    }
    fn bounded(&self) -> bool {
        self.lo.is_finite() || self.hi.is_finite()
    }
}

fn fmt_num(x: f64) -> String {
    format!("{x}")
}

struct Ctx<'a> {
    s: &'a Scenario,
    tree: &'a Node,
    out: Vec<Problem>,
    countries: HashSet<&'a str>,
    dims: HashSet<&'a str>,
    actors: HashMap<&'a str, &'a Actor>,
    issues: HashSet<&'a str>,
    projects: HashSet<&'a str>,
    routes: HashSet<&'a str>,
    elections: HashMap<&'a str, &'a Election>,
    events: HashSet<&'a str>,
    phases: HashSet<&'a str>,
    outcomes: HashMap<&'a str, &'a Outcome>,
}

fn list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = ids.collect();
    v.sort_unstable();
    if v.is_empty() {
        "none are declared".into()
    } else {
        format!("declared: {}", v.join(", "))
    }
}

impl<'a> Ctx<'a> {
    /// The span of the value at `path`, or of its nearest existing ancestor.
    fn span(&self, path: &str) -> Span {
        let mut p = path.to_string();
        loop {
            if let Some(n) = node_at(self.tree, &p) {
                return n.span;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p.truncate(i),
                None => return self.tree.span,
            }
        }
    }

    fn err(&mut self, path: &str, msg: impl Into<String>) {
        let span = self.span(path);
        self.out.push(Problem::new(span, msg.into()));
    }

    fn param(&mut self, path: &str, v: &Param, b: Bound) {
        let name = path.rsplit('.').next().unwrap_or(path);
        match v {
            Param::Fixed(x) => {
                if x.is_finite() && !b.holds(*x) {
                    self.err(
                        path,
                        format!("`{name}` must be {}, found {}", b.what, fmt_num(*x)),
                    );
                }
            }
            Param::Dist(d) => {
                if d.check().is_err() || !b.bounded() {
                    return;
                }
                let (lo, hi) = d.support();
                let lo_ok = if b.lo_open {
                    lo > b.lo || (matches!(d, Dist::LogNormal(..)) && b.lo <= 0.0)
                } else {
                    lo >= b.lo
                };
                // An open bound at infinity only excludes infinity itself, which no distribution draws.
                let hi_ok = if b.hi_open && b.hi.is_finite() {
                    hi < b.hi
                } else {
                    hi <= b.hi
                };
                if !(lo_ok && hi_ok) {
                    let m = d.nominal();
                    let sd = match d {
                        Dist::Normal(_, sd) => *sd,
                        Dist::LogNormal(..) => 0.1,
                        _ => ((hi - lo) / 4.0).abs().min(1e6),
                    };
                    // Finite limits for the hint: the bound's, else the distribution's, else 4 sd out.
                    let pick = |bound: f64, own: f64, far: f64| {
                        if bound.is_finite() {
                            bound
                        } else if own.is_finite() {
                            own
                        } else {
                            far
                        }
                    };
                    let (tlo, thi) = (pick(b.lo, lo, m - 4.0 * sd), pick(b.hi, hi, m + 4.0 * sd));
                    // A hint with an infinite or NaN number would itself be invalid: then none.
                    let mut hint = if [m, sd, tlo, thi].iter().all(|x| x.is_finite()) {
                        format!(
                            "use a distribution inside it, e.g. TruncNormal({}, {}, {}, {})",
                            fmt_num(m),
                            fmt_num(sd),
                            fmt_num(tlo),
                            fmt_num(thi)
                        )
                    } else {
                        "use a distribution inside it".to_string()
                    };
                    if b.lo == 0.0 && b.hi == 1.0 {
                        hint.push_str(" or Beta(a, b)");
                    }
                    self.err(
                        path,
                        format!(
                            "`{name}` must be {}, but {d} can fall outside it: {hint}",
                            b.what
                        ),
                    );
                }
            }
        }
    }

    fn month(&mut self, path: &str, m: &str) -> Option<i64> {
        if parse_month(m).is_none() {
            self.err(
                path,
                format!("month \"{m}\" is not a valid `\"YYYY-MM\"` month"),
            );
            return None;
        }
        month_offset(&self.s.run.start, m)
    }

    /// A month that must fall on a tick of the run: `[start, start + horizon)`.
    fn month_in_horizon(&mut self, path: &str, m: &str, what: &str) {
        if let Some(off) = self.month(path, m) {
            if parse_month(&self.s.run.start).is_some()
                && self.s.run.horizon > 0
                && (off < 0 || off >= self.s.run.horizon as i64)
            {
                let last = tick_date(&self.s.run.start, self.s.run.horizon.saturating_sub(1));
                self.err(
                    path,
                    format!(
                        "{what} month \"{m}\" is outside the run, which covers {} to {last} (start + horizon of {} months)",
                        self.s.run.start, self.s.run.horizon
                    ),
                );
            }
        }
    }

    fn country(&mut self, path: &str, id: &str) {
        if !self.countries.contains(id) {
            let l = list(self.countries.iter().copied());
            self.err(path, format!("unknown country `{id}` ({l})"));
        }
    }
    fn dim(&mut self, path: &str, id: &str) {
        if !self.dims.contains(id) {
            let l = list(self.dims.iter().copied());
            self.err(path, format!("unknown dimension `{id}` ({l})"));
        }
    }
    fn issue(&mut self, path: &str, id: &str) {
        if !self.issues.contains(id) {
            let l = list(self.issues.iter().copied());
            self.err(path, format!("unknown issue `{id}` ({l})"));
        }
    }
    fn project(&mut self, path: &str, id: &str) {
        if !self.projects.contains(id) {
            let l = list(self.projects.iter().copied());
            self.err(path, format!("unknown project `{id}` ({l})"));
        }
    }
    fn route(&mut self, path: &str, id: &str) {
        if !self.routes.contains(id) {
            let l = list(self.routes.iter().copied());
            self.err(path, format!("unknown route `{id}` ({l})"));
        }
    }
    fn event(&mut self, path: &str, id: &str) {
        if !self.events.contains(id) {
            let l = list(self.events.iter().copied());
            self.err(path, format!("unknown event `{id}` ({l})"));
        }
    }
    fn phase(&mut self, path: &str, id: &str) {
        if !self.phases.contains(id) {
            let l = list(self.phases.iter().copied());
            self.err(path, format!("unknown phase `{id}` ({l})"));
        }
    }
    fn election(&mut self, path: &str, id: &str) -> Option<&'a Election> {
        let e = self.elections.get(id).copied();
        if e.is_none() {
            let l = list(self.elections.keys().copied());
            self.err(path, format!("unknown election `{id}` ({l})"));
        }
        e
    }
    /// An actor reference, optionally of one kind.
    fn actor(&mut self, path: &str, id: &str, kind: Option<ActorKind>) -> Option<&'a Actor> {
        let Some(a) = self.actors.get(id).copied() else {
            let ids: Vec<&str> = self
                .actors
                .values()
                .filter(|a| kind.is_none_or(|k| a.kind == k))
                .map(|a| a.id.as_str())
                .collect();
            let what = match kind {
                Some(ActorKind::Party) => "party",
                Some(ActorKind::ExternalPower) => "power",
                Some(ActorKind::State) => "state",
                None => "actor",
            };
            let l = list(ids.into_iter());
            self.err(path, format!("unknown {what} `{id}` ({l})"));
            return None;
        };
        if let Some(k) = kind {
            if a.kind != k {
                self.err(
                    path,
                    format!(
                        "`{id}` must be an actor of kind `{k:?}`, but it is `{:?}`",
                        a.kind
                    ),
                );
                return None;
            }
        }
        Some(a)
    }

    fn nonempty<T>(&mut self, path: &str, v: &[T], what: &str) {
        if v.is_empty() {
            self.err(path, format!("`{what}` needs at least one entry"));
        }
    }

    fn indicator(&mut self, path: &str, ind: &Indicator) {
        use Indicator::*;
        match ind {
            Opinion { country, dimension } | Polarization { country, dimension } => {
                self.country(&format!("{path}.country"), country);
                self.dim(&format!("{path}.dimension"), dimension);
            }
            OpinionShare {
                country,
                dimension,
                threshold,
            } => {
                self.country(&format!("{path}.country"), country);
                self.dim(&format!("{path}.dimension"), dimension);
                self.param(
                    &format!("{path}.threshold"),
                    &Param::Fixed(*threshold),
                    UNIT,
                );
            }
            Influence { power, country } => {
                self.actor(
                    &format!("{path}.power"),
                    power,
                    Some(ActorKind::ExternalPower),
                );
                self.country(&format!("{path}.country"), country);
            }
            InvestorConfidence(c) | Growth(c) | Gdp(c) => self.country(&format!("{path}[0]"), c),
            ProjectProgress(p) | ProjectOperation(p) => self.project(&format!("{path}[0]"), p),
            RouteVolume(r) => self.route(&format!("{path}[0]"), r),
            Tension => {}
            IssueForecast(i) | IssueMedian(i) | IssueSpread(i) => {
                self.issue(&format!("{path}[0]"), i)
            }
            PartySupport(p) | PollShare(p) | PollDecided(p) => {
                self.actor(&format!("{path}[0]"), p, Some(ActorKind::Party));
            }
            Undecided(c) => self.country(&format!("{path}[0]"), c),
            BudgetUse(a) => {
                self.actor(&format!("{path}[0]"), a, None);
            }
            InPhase(ps) => macro_layer::in_phase_indicator(self, path, ps),
        }
    }

    fn condition(&mut self, path: &str, c: &Condition) {
        match c {
            Condition::Above(i, v) | Condition::Below(i, v) => {
                self.indicator(&format!("{path}[0]"), i);
                self.param(&format!("{path}[1]"), v, ANY);
            }
            Condition::InPhase(ps) => {
                for (k, p) in ps.iter().enumerate() {
                    self.phase(&format!("{path}[0][{k}]"), p);
                }
            }
            Condition::MonthsInPhase(_) => {}
            Condition::After(m) => {
                self.month(&format!("{path}[0]"), m);
            }
            Condition::Happened(e) => self.event(&format!("{path}[0]"), e),
            Condition::Operational(p) => self.project(&format!("{path}[0]"), p),
            Condition::Converged {
                issue,
                within,
                actors,
            } => {
                self.issue(&format!("{path}.issue"), issue);
                self.param(&format!("{path}.within"), within, NONNEG);
                for (k, a) in actors.iter().enumerate() {
                    self.actor(&format!("{path}.actors[{k}]"), a, None);
                }
            }
            Condition::Reached(p) => self.phase(&format!("{path}[0]"), p),
            Condition::Governs { country, party } => {
                self.country(&format!("{path}.country"), country);
                self.actor(&format!("{path}.party"), party, Some(ActorKind::Party));
            }
        }
    }

    fn conditions(&mut self, path: &str, cs: &[Condition]) {
        for (k, c) in cs.iter().enumerate() {
            self.condition(&format!("{path}[{k}]"), c);
        }
    }

    fn effect(&mut self, path: &str, e: &Effect) {
        match e {
            Effect::Tension(v) => self.param(&format!("{path}[0]"), v, SIGNED_UNIT),
            Effect::Opinion {
                country,
                dimension,
                shift,
            } => {
                self.country(&format!("{path}.country"), country);
                self.dim(&format!("{path}.dimension"), dimension);
                self.param(&format!("{path}.shift"), shift, SIGNED_UNIT);
            }
            Effect::GrowthShock {
                country,
                delta,
                months,
            } => {
                self.country(&format!("{path}.country"), country);
                self.param(&format!("{path}.delta"), delta, ANY);
                if *months == 0 {
                    self.err(&format!("{path}.months"), "`months` must be at least 1");
                }
            }
            Effect::Confidence { country, delta } => {
                self.country(&format!("{path}.country"), country);
                self.param(&format!("{path}.delta"), delta, SIGNED_UNIT);
            }
            Effect::Influence {
                power,
                country,
                delta,
            } => {
                self.actor(
                    &format!("{path}.power"),
                    power,
                    Some(ActorKind::ExternalPower),
                );
                self.country(&format!("{path}.country"), country);
                self.param(&format!("{path}.delta"), delta, SIGNED_UNIT);
            }
            Effect::SetPhase(p) => self.phase(&format!("{path}[0]"), p),
            Effect::Referendum {
                country,
                dimension,
                yes_above,
                threshold,
                turnout,
                quorum,
                pass,
                fail,
            } => {
                self.country(&format!("{path}.country"), country);
                self.dim(&format!("{path}.dimension"), dimension);
                self.param(&format!("{path}.yes_above"), yes_above, SHARE);
                self.param(&format!("{path}.threshold"), threshold, SHARE);
                self.param(&format!("{path}.turnout"), turnout, TURNOUT);
                self.param(&format!("{path}.quorum"), quorum, SHARE);
                if let Some(p) = pass {
                    self.phase(&format!("{path}.pass"), p);
                }
                if let Some(p) = fail {
                    self.phase(&format!("{path}.fail"), p);
                }
            }
            Effect::ProjectSetback { project, delta } => {
                self.project(&format!("{path}.project"), project);
                self.param(&format!("{path}.delta"), delta, SIGNED_UNIT);
            }
        }
    }

    fn ids<T>(&mut self, list_name: &str, items: &[T], id: impl Fn(&T) -> &str) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (k, it) in items.iter().enumerate() {
            let i = id(it);
            let path = format!("{list_name}[{k}].id");
            if i.is_empty()
                || !i
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                || i.chars().all(|c| c.is_ascii_digit())
            {
                self.err(
                    &path,
                    format!(
                        "id \"{i}\" must be non-empty and made of letters, digits, `_` and `-` (not only digits)"
                    ),
                );
            }
            if let Some(first) = seen.get(i) {
                let s = self.span(&format!("{list_name}[{first}].id"));
                self.err(
                    &path,
                    format!(
                        "duplicate id `{i}` in `{list_name}` (first declared at line {})",
                        s.line
                    ),
                );
            } else {
                seen.insert(i, k);
            }
        }
    }
}

/// All semantic problems of a scenario, located through its tree (in document order of checks).
pub fn validate(s: &Scenario, tree: &Node) -> Vec<Problem> {
    let mut c = Ctx {
        s,
        tree,
        out: Vec::new(),
        countries: s.countries.iter().map(|x| x.id.as_str()).collect(),
        dims: s.dimensions.iter().map(|x| x.id.as_str()).collect(),
        actors: s.actors.iter().map(|x| (x.id.as_str(), x)).collect(),
        issues: s.issues.iter().map(|x| x.id.as_str()).collect(),
        projects: s.projects.iter().map(|x| x.id.as_str()).collect(),
        routes: s.routes.iter().map(|x| x.id.as_str()).collect(),
        elections: s.elections.iter().map(|x| (x.id.as_str(), x)).collect(),
        events: s.events.iter().map(|x| x.id.as_str()).collect(),
        phases: s.process.phases.iter().map(|x| x.id.as_str()).collect(),
        outcomes: s.outcomes.iter().map(|x| (x.id.as_str(), x)).collect(),
    };

    world::format(&mut c);
    world::finite(&mut c);
    world::run(&mut c);
    world::ids(&mut c);
    country::countries(&mut c);
    actor::actors(&mut c);
    mechanisms::issues(&mut c);
    mechanisms::projects_and_routes(&mut c);
    mechanisms::elections(&mut c);
    mechanisms::process(&mut c);
    events::events(&mut c);
    world::record(&mut c);
    // The sweep block (its paths are checked by `sweep_paths`, which needs a valid scenario).
    if let Some(sw) = &s.sweep {
        sweep::sweep_block(&mut c, sw);
    }

    // The observations block (which series exist is checked by the commands that read it).
    observation::observations(&mut c, &s.observations);

    world::world(&mut c);
    outcome::outcomes(&mut c);
    outcome::classes(&mut c);
    world::persuasion(&mut c, s);
    // The macro layer: economy, tension, decisions, decided transitions and events.
    macro_layer::check(&mut c);

    world::memory(&mut c);
    c.out
}
