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

mod citizens;
mod macro_layer;
mod voting;

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

    if s.format != FORMAT_VERSION {
        c.err(
            "format",
            format!(
                "this file is format {}; this crossroads reads format {FORMAT_VERSION}",
                s.format
            ),
        );
    }

    // NaN and infinity, anywhere.
    tree.walk(&mut |n| {
        if let Kind::Float(f) = n.kind {
            if !f.is_finite() {
                c.out.push(Problem::new(
                    n.span,
                    format!(
                        "{} is not allowed: every number must be finite",
                        super::tree::fmt_float(f)
                    ),
                ));
            }
        }
    });
    c.out.extend(check_dists(tree));
    c.out.extend(magnitudes(tree));

    // Run settings.
    let r = &s.run;
    if r.name.is_empty()
        || r.name.len() > 64
        || !r
            .name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        c.err(
            "run.name",
            format!(
                "run name \"{}\" must be a safe folder name: 1 to 64 ASCII letters, digits, `-` and `_`",
                r.name
            ),
        );
    }
    if parse_month(&r.start).is_none() {
        c.err(
            "run.start",
            format!("start \"{}\" is not a valid `\"YYYY-MM\"` month", r.start),
        );
    }
    if r.horizon == 0 {
        c.err("run.horizon", "`horizon` must be at least 1 month, found 0");
    }
    if r.runs == 0 {
        c.err("run.runs", "`runs` must be at least 1, found 0");
    }

    // Ids.
    c.ids("dimensions", &s.dimensions, |x| &x.id);
    c.ids("countries", &s.countries, |x| &x.id);
    c.ids("actors", &s.actors, |x| &x.id);
    c.ids("issues", &s.issues, |x| &x.id);
    c.ids("projects", &s.projects, |x| &x.id);
    c.ids("routes", &s.routes, |x| &x.id);
    c.ids("elections", &s.elections, |x| &x.id);
    c.ids("process.phases", &s.process.phases, |x| &x.id);
    c.ids("events", &s.events, |x| &x.id);
    c.ids("outcomes", &s.outcomes, |x| &x.id);
    c.ids("outcome_classes", &s.outcome_classes, |x| &x.id);
    if s.dimensions.is_empty() {
        c.err(
            "dimensions",
            "`dimensions` needs at least one opinion dimension",
        );
    }
    if s.countries.is_empty() {
        c.err("countries", "`countries` needs at least one country");
    }

    // Countries.
    for (k, co) in s.countries.iter().enumerate() {
        let p = format!("countries[{k}]");
        let pop = &co.population;
        if pop.size == 0 {
            c.err(
                &format!("{p}.population.size"),
                "`size` must be > 0 citizens, found 0",
            );
        }
        c.param(
            &format!("{p}.population.real_millions"),
            &pop.real_millions,
            POS,
        );
        let mut seen = HashSet::new();
        for (j, o) in pop.opinions.iter().enumerate() {
            let q = format!("{p}.population.opinions[{j}]");
            c.dim(&format!("{q}.dimension"), &o.dimension);
            if !seen.insert(o.dimension.as_str()) {
                c.err(
                    &format!("{q}.dimension"),
                    format!("dimension `{}` is given twice", o.dimension),
                );
            }
            citizens::initial_opinion(&mut c, &q, o);
        }
        citizens::correlation(&mut c, &format!("{p}.population.correlation"), pop);
        for (name, sp) in [
            ("susceptibility", &pop.susceptibility),
            ("resilience", &pop.resilience),
        ] {
            c.param(&format!("{p}.population.{name}.mean"), &sp.mean, UNIT);
            c.param(&format!("{p}.population.{name}.sd"), &sp.sd, NONNEG);
        }
        let np = format!("{p}.population.network");
        match &pop.network {
            Network::Complete => {}
            Network::WattsStrogatz { k: deg, p: prob } => {
                if *deg < 2 || deg % 2 != 0 || (pop.size > 0 && *deg >= pop.size) {
                    c.err(
                        &format!("{np}.k"),
                        format!(
                            "Watts–Strogatz `k` must be even, at least 2 and below the population size ({}), found {deg}",
                            pop.size
                        ),
                    );
                }
                c.param(&format!("{np}.p"), prob, PROB);
            }
            Network::ErdosRenyi { mean_degree } => {
                c.param(&format!("{np}.mean_degree"), mean_degree, NONNEG);
                if let Param::Fixed(d) = mean_degree {
                    if pop.size > 0 && *d > (pop.size as f64 - 1.0).max(0.0) {
                        c.err(
                            &format!("{np}.mean_degree"),
                            format!(
                                "`mean_degree` ({d}) must be at most size − 1 ({})",
                                pop.size.saturating_sub(1)
                            ),
                        );
                    }
                }
            }
        }
        let dp = format!("{p}.population.dynamics");
        match &pop.dynamics {
            Dynamics::Deffuant {
                mu,
                epsilon,
                encounters,
            } => {
                c.param(&format!("{dp}.mu"), mu, DEFFUANT_MU);
                c.param(&format!("{dp}.epsilon"), epsilon, UNIT);
                c.param(&format!("{dp}.encounters"), encounters, NONNEG);
            }
            Dynamics::DeffuantVector {
                mu,
                epsilon,
                encounters,
                ..
            } => {
                c.param(&format!("{dp}.mu"), mu, DEFFUANT_MU);
                c.param(&format!("{dp}.epsilon"), epsilon, NONNEG);
                c.param(&format!("{dp}.encounters"), encounters, NONNEG);
            }
            Dynamics::HegselmannKrause { epsilon, steps } => {
                c.param(&format!("{dp}.epsilon"), epsilon, UNIT);
                if *steps == 0 {
                    c.err(&format!("{dp}.steps"), "`steps` must be at least 1");
                }
            }
            Dynamics::Frozen => {}
        }
        for (j, t) in pop.drift.terms.iter().enumerate() {
            let q = format!("{p}.population.drift.terms[{j}]");
            c.dim(&format!("{q}.dimension"), &t.dimension);
            c.indicator(&format!("{q}.indicator"), &t.indicator);
            c.param(&format!("{q}.reference"), &t.reference, ANY);
            c.param(&format!("{q}.rate"), &t.rate, ANY);
        }
        let e = &co.economy;
        c.param(&format!("{p}.economy.gdp_bn"), &e.gdp_bn, POS);
        c.param(&format!("{p}.economy.growth"), &e.growth, ANY);
        c.param(
            &format!("{p}.economy.investor_confidence"),
            &e.investor_confidence,
            UNIT,
        );
        let mut sum = 0.0;
        for (j, x) in e.trade_exposure.iter().enumerate() {
            let q = format!("{p}.economy.trade_exposure[{j}]");
            c.actor(
                &format!("{q}.power"),
                &x.power,
                Some(ActorKind::ExternalPower),
            );
            c.param(&format!("{q}.share"), &x.share, SHARE);
            sum += x.share.value();
        }
        if sum > 1.0 + 1e-9 {
            c.err(
                &format!("{p}.economy.trade_exposure"),
                format!("trade exposure shares add up to {sum:.3}, more than 1"),
            );
        }
        if let Some(g) = &co.government {
            let q = format!("{p}.government");
            if let Some(a) = c.actor(&q, g, Some(ActorKind::Party)) {
                if a.country.as_deref() != Some(co.id.as_str()) {
                    c.err(
                        &q,
                        format!(
                            "governing party `{g}` belongs to {}, not to `{}`",
                            a.country
                                .as_deref()
                                .map(|x| format!("`{x}`"))
                                .unwrap_or("no country".into()),
                            co.id
                        ),
                    );
                }
            }
        }
    }

    // Actors.
    for (k, a) in s.actors.iter().enumerate() {
        let p = format!("actors[{k}]");
        match (a.kind, &a.country) {
            (ActorKind::State | ActorKind::Party, None) => c.err(
                &format!("{p}.kind"),
                format!(
                    "actor `{}` of kind `{:?}` needs a `country`",
                    a.id, a.kind
                ),
            ),
            (ActorKind::ExternalPower, Some(_)) => c.err(
                &format!("{p}.country"),
                format!(
                    "actor `{}` is an `ExternalPower`, which belongs to no country: remove `country`",
                    a.id
                ),
            ),
            (_, Some(co)) => c.country(&format!("{p}.country"), co),
            _ => {}
        }
        if a.kind != ActorKind::Party && !a.platform.is_empty() {
            c.err(
                &format!("{p}.platform"),
                format!(
                    "only parties have a `platform`; `{}` is `{:?}`",
                    a.id, a.kind
                ),
            );
        }
        for (j, g) in a.goals.iter().enumerate() {
            c.indicator(&format!("{p}.goals[{j}].indicator"), &g.indicator);
            c.param(&format!("{p}.goals[{j}].weight"), &g.weight, ANY);
        }
        let mut seen = HashSet::new();
        for (j, x) in a.positions.iter().enumerate() {
            let q = format!("{p}.positions[{j}]");
            c.issue(&format!("{q}.issue"), &x.issue);
            if !seen.insert(x.issue.as_str()) {
                c.err(
                    &format!("{q}.issue"),
                    format!("a second position on issue `{}`", x.issue),
                );
            }
            c.param(&format!("{q}.position"), &x.position, POSITION);
            c.param(&format!("{q}.salience"), &x.salience, UNIT);
            c.param(&format!("{q}.capability"), &x.capability, POS);
        }
        for (j, x) in a.platform.iter().enumerate() {
            c.dim(&format!("{p}.platform[{j}].dimension"), &x.dimension);
            c.param(&format!("{p}.platform[{j}].value"), &x.value, UNIT);
        }
        c.param(&format!("{p}.budget"), &a.budget, NONNEG);
        for (j, x) in a.media_reach.iter().enumerate() {
            c.country(&format!("{p}.media_reach[{j}].country"), &x.country);
            c.param(&format!("{p}.media_reach[{j}].reach"), &x.reach, SHARE);
        }
        c.param(&format!("{p}.risk_attitude"), &a.risk_attitude, SIGNED_UNIT);
        c.param(&format!("{p}.perception"), &a.perception, NONNEG);
        c.param(&format!("{p}.appeal"), &a.appeal, SIGNED_UNIT);
        for (j, act) in a.actions.iter().enumerate() {
            action(&mut c, &format!("{p}.actions[{j}]"), act);
        }
    }

    // Issues.
    for (k, i) in s.issues.iter().enumerate() {
        let p = format!("issues[{k}]");
        c.param(&format!("{p}.status_quo"), &i.status_quo, POSITION);
        bargaining(&mut c, &format!("{p}.bargaining"), &i.bargaining);
    }

    // Projects and routes.
    for (k, x) in s.projects.iter().enumerate() {
        let p = format!("projects[{k}]");
        c.country(&format!("{p}.country"), &x.country);
        c.param(&format!("{p}.cost"), &x.cost, NONNEG);
        c.param(&format!("{p}.build_rate"), &x.build_rate, BUILD_RATE);
        c.param(&format!("{p}.progress"), &x.progress, SHARE);
        c.conditions(&format!("{p}.preconditions"), &x.preconditions);
        c.param(&format!("{p}.capacity"), &x.capacity, NONNEG);
        c.param(
            &format!("{p}.security_threshold"),
            &x.security_threshold,
            UNIT,
        );
    }
    for (k, x) in s.routes.iter().enumerate() {
        let p = format!("routes[{k}]");
        for (j, co) in x.countries.iter().enumerate() {
            c.country(&format!("{p}.countries[{j}]"), co);
        }
        for (j, pr) in x.projects.iter().enumerate() {
            c.project(&format!("{p}.projects[{j}]"), pr);
        }
        c.param(&format!("{p}.volume"), &x.volume, NONNEG);
        c.param(&format!("{p}.capacity"), &x.capacity, NONNEG);
        if let Some(d) = &x.demand {
            c.param(&format!("{p}.demand"), d, NONNEG);
        }
        c.param(&format!("{p}.demand_growth"), &x.demand_growth, ANY);
        c.param(&format!("{p}.capacity_growth"), &x.capacity_growth, ANY);
        c.param(&format!("{p}.open"), &x.open, SHARE);
        c.param(&format!("{p}.sensitivity"), &x.sensitivity, UNIT);
        c.param(&format!("{p}.adjustment"), &x.adjustment, SHARE);
    }

    // Elections.
    for (k, e) in s.elections.iter().enumerate() {
        let p = format!("elections[{k}]");
        c.country(&format!("{p}.country"), &e.country);
        c.month_in_horizon(&format!("{p}.month"), &e.month, "election");
        c.nonempty(&format!("{p}.parties"), &e.parties, "parties");
        for (j, party) in e.parties.iter().enumerate() {
            let q = format!("{p}.parties[{j}]");
            if let Some(a) = c.actor(&q, party, Some(ActorKind::Party)) {
                if a.country.as_deref() != Some(e.country.as_str()) {
                    c.err(
                        &q,
                        format!(
                            "party `{party}` does not belong to `{}`, the country of election `{}`",
                            e.country, e.id
                        ),
                    );
                }
            }
        }
        c.param(&format!("{p}.threshold"), &e.threshold, SHARE);
        c.param(&format!("{p}.turnout"), &e.turnout, TURNOUT);
        c.param(&format!("{p}.noise"), &e.noise, NONNEG);
        voting::institutions(&mut c, &p, e);
    }
    voting::voters(&mut c);

    // Process.
    if s.process.phases.is_empty() {
        c.err("process.phases", "`phases` needs at least one phase");
    }
    c.phase("process.initial", &s.process.initial);
    for (k, t) in s.process.transitions.iter().enumerate() {
        let p = format!("process.transitions[{k}]");
        for (j, f) in t.from.iter().enumerate() {
            c.phase(&format!("{p}.from[{j}]"), f);
        }
        c.phase(&format!("{p}.to"), &t.to);
        c.conditions(&format!("{p}.when"), &t.when);
        c.param(&format!("{p}.probability"), &t.probability, PROB);
    }

    // Events.
    for (k, e) in s.events.iter().enumerate() {
        let p = format!("events[{k}]");
        match &e.trigger {
            Trigger::Scheduled(m) => c.month_in_horizon(&format!("{p}.trigger[0]"), m, "scheduled"),
            Trigger::Hazard(h) => c.param(&format!("{p}.trigger[0]"), h, PROB),
        }
        c.conditions(&format!("{p}.when"), &e.when);
        for (j, x) in e.effects.iter().enumerate() {
            c.effect(&format!("{p}.effects[{j}]"), x);
        }
    }

    // Recording.
    let r = &s.record;
    for (name, v, lo, hi) in [
        ("share_threshold", r.share_threshold, 0.0, 1.0),
        ("cluster_gap", r.cluster_gap, 0.0, 1.0),
        ("cluster_min_share", r.cluster_min_share, 0.0, 1.0),
    ] {
        if !(v.is_finite() && (lo..=hi).contains(&v)) {
            c.err(
                &format!("record.{name}"),
                format!("`{name}` must be a number in [{lo}, {hi}], found {v}"),
            );
        }
    }

    // The sweep block (its paths are checked by `sweep_paths`, which needs a valid scenario).
    if let Some(sw) = &s.sweep {
        sweep_block(&mut c, sw);
    }

    // The observations block (which series exist is checked by the commands that read it).
    observations(&mut c, &s.observations);

    // World.
    let w = &s.world;
    for (name, v, b) in [
        ("tension", &w.tension, UNIT),
        ("tension_decay", &w.tension_decay, SHARE),
        ("tension_floor", &w.tension_floor, UNIT),
        ("influence_decay", &w.influence_decay, SHARE),
        ("trade_pull", &w.trade_pull, NONNEG),
        ("confidence_tension", &w.confidence_tension, NONNEG),
        ("confidence_recovery", &w.confidence_recovery, SHARE),
        ("confidence_growth", &w.confidence_growth, ANY),
        ("growth_tension", &w.growth_tension, NONNEG),
        ("growth_reversion", &w.growth_reversion, SHARE),
        ("pressure_memory", &w.pressure_memory, SHARE),
        ("appeal_decay", &w.appeal_decay, SHARE),
    ] {
        c.param(&format!("world.{name}"), v, b);
    }
    for (k, x) in w.influence.iter().enumerate() {
        let p = format!("world.influence[{k}]");
        c.actor(
            &format!("{p}.power"),
            &x.power,
            Some(ActorKind::ExternalPower),
        );
        c.country(&format!("{p}.country"), &x.country);
        c.param(&format!("{p}.value"), &x.value, UNIT);
    }

    // Outcomes.
    for (k, o) in s.outcomes.iter().enumerate() {
        let p = format!("outcomes[{k}]");
        if !o.id.is_empty()
            && !o
                .id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            c.err(
                &format!("{p}.id"),
                format!(
                    "outcome id \"{}\" is a runs.csv column: use only ASCII letters, digits and `_`",
                    o.id
                ),
            );
        }
        let q = format!("{p}.kind");
        match &o.kind {
            OutcomeKind::PhaseReached { phase, by } => {
                c.phase(&format!("{q}.phase"), phase);
                if let Some(m) = by {
                    c.month(&format!("{q}.by"), m);
                }
            }
            OutcomeKind::PhaseMonth { phase } => c.phase(&format!("{q}.phase"), phase),
            OutcomeKind::ProjectOperational { project, by } => {
                c.project(&format!("{q}.project"), project);
                if let Some(m) = by {
                    c.month(&format!("{q}.by"), m);
                }
            }
            OutcomeKind::ProjectMonth { project } => c.project(&format!("{q}.project"), project),
            OutcomeKind::Turnout { election } | OutcomeKind::Runoff { election } => {
                c.election(&format!("{q}.election"), election);
            }
            OutcomeKind::ReferendumYes { country } | OutcomeKind::ReferendumQuorum { country } => {
                c.country(&format!("{q}.country"), country);
            }
            OutcomeKind::ElectionWinner { election, party }
            | OutcomeKind::VoteShare { election, party }
            | OutcomeKind::Seats { election, party }
            | OutcomeKind::EntersParliament { election, party }
            | OutcomeKind::Governing { election, party } => {
                if let Some(e) = c.election(&format!("{q}.election"), election) {
                    if !e.parties.contains(party) {
                        c.err(
                            &format!("{q}.party"),
                            format!(
                                "party `{party}` does not run in election `{election}` (its parties: {})",
                                e.parties.join(", ")
                            ),
                        );
                    }
                }
            }
            OutcomeKind::Indicator {
                indicator,
                at,
                above,
                below,
            } => {
                c.indicator(&format!("{q}.indicator"), indicator);
                if let At::Month(m) = at {
                    let mp = format!("{q}.at[0]");
                    if let Some(off) = c.month(&mp, m) {
                        if parse_month(&s.run.start).is_some()
                            && s.run.horizon > 0
                            && (off < 0 || off > s.run.horizon as i64)
                        {
                            c.err(
                                &mp,
                                format!(
                                    "month \"{m}\" is outside the run ({} to {})",
                                    s.run.start,
                                    tick_date(&s.run.start, s.run.horizon)
                                ),
                            );
                        }
                    }
                }
                if let Some(v) = above {
                    c.param(&format!("{q}.above"), v, ANY);
                }
                if let Some(v) = below {
                    c.param(&format!("{q}.below"), v, ANY);
                }
            }
            OutcomeKind::InfluenceShare { power, country } => {
                c.actor(&format!("{q}.power"), power, Some(ActorKind::ExternalPower));
                c.country(&format!("{q}.country"), country);
            }
            OutcomeKind::Count {
                event,
                action,
                actor,
            } => {
                match (event, action) {
                    (Some(e), None) => c.event(&format!("{q}.event"), e),
                    (None, Some(a)) => {
                        if !ACTION_NAMES.contains(&a.as_str()) {
                            c.err(
                                &format!("{q}.action"),
                                format!(
                                    "unknown action `{a}` (actions: {})",
                                    ACTION_NAMES.join(", ")
                                ),
                            );
                        }
                    }
                    _ => c.err(&q, "`Count` needs exactly one of `event` and `action`"),
                }
                if let Some(a) = actor {
                    c.actor(&format!("{q}.actor"), a, None);
                }
            }
            OutcomeKind::FinalPhase(ps) => {
                for (j, ph) in ps.iter().enumerate() {
                    c.phase(&format!("{q}[0][{j}]"), ph);
                }
            }
        }
    }
    for (k, cl) in s.outcome_classes.iter().enumerate() {
        for (j, r) in cl.rules.iter().enumerate() {
            let q = format!("outcome_classes[{k}].rules[{j}][0]");
            let (id, binary) = match r {
                ClassRule::Is(id) | ClassRule::Not(id) => (id, true),
                ClassRule::Above(id, _) | ClassRule::Below(id, _) => (id, false),
            };
            match c.outcomes.get(id.as_str()).copied() {
                None => {
                    let l = list(c.outcomes.keys().copied());
                    c.err(&q, format!("unknown outcome `{id}` ({l})"));
                }
                Some(o) if o.kind.is_binary() != binary => c.err(
                    &q,
                    if binary {
                        format!("outcome `{id}` is numeric: use `Above`/`Below`, not `Is`/`Not`")
                    } else {
                        format!("outcome `{id}` is binary: use `Is`/`Not`, not `Above`/`Below`")
                    },
                ),
                _ => {}
            }
        }
    }

    persuasion(&mut c, s);
    // The macro layer: economy, tension, decisions, decided transitions and events.
    macro_layer::check(&mut c);

    // Memory.
    let bytes = estimate_bytes(s);
    if bytes > MEMORY_LIMIT {
        let total: u64 = s.countries.iter().map(|x| x.population.size as u64).sum();
        let biggest = (0..s.countries.len())
            .max_by_key(|&k| s.countries[k].population.size)
            .map(|k| format!("countries[{k}].population.size"))
            .unwrap_or("run.horizon".into());
        c.err(
            &biggest,
            format!(
                "one run would need about {} of memory ({total} citizens, {} dimensions, {} months), more than the limit of {}: lower population sizes or the horizon",
                human_bytes(bytes),
                s.dimensions.len(),
                s.run.horizon,
                human_bytes(MEMORY_LIMIT)
            ),
        );
    }

    c.out
}

/// An issue's `bargaining:` block at path `p`: the round's numbers in range, the support dimension
/// known. (Its readings — `probability`, `offers`, `compromise` — are enums: an unknown variant is
/// already a located error of the deserializer.)
fn bargaining(c: &mut Ctx, p: &str, b: &Bargaining) {
    if b.every == 0 {
        c.err(&format!("{p}.every"), "`every` must be at least 1 month");
    }
    c.param(&format!("{p}.q"), &b.q, PROB);
    c.param(&format!("{p}.step"), &b.step, UNIT);
    c.param(&format!("{p}.public_weight"), &b.public_weight, UNIT);
    if let Some(d) = &b.support_dimension {
        c.dim(&format!("{p}.support_dimension"), d);
    }
}

fn action(c: &mut Ctx, p: &str, a: &ActionSpec) {
    let countries = |c: &mut Ctx, v: &[String]| {
        c.nonempty(&format!("{p}.countries"), v, "countries");
        for (j, x) in v.iter().enumerate() {
            c.country(&format!("{p}.countries[{j}]"), x);
        }
    };
    match a {
        ActionSpec::Disinformation(x) => {
            countries(c, &x.countries);
            c.dim(&format!("{p}.dimension"), &x.dimension);
            if let Some(m) = &x.position {
                c.param(&format!("{p}.position"), m, UNIT);
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            reach_params(c, p, &x.efficiency, &x.exposures);
            c.param(&format!("{p}.shift"), &x.shift, UNIT);
            c.param(&format!("{p}.detection"), &x.detection, NONNEG);
            c.param(&format!("{p}.backlash"), &x.backlash, UNIT);
            c.param(&format!("{p}.trust_loss"), &x.trust_loss, UNIT);
            c.param(&format!("{p}.inoculation"), &x.inoculation, UNIT);
        }
        ActionSpec::CounterDisinformation(x) => {
            countries(c, &x.countries);
            match (&x.dimension, &x.position) {
                (Some(d), Some(m)) => {
                    c.dim(&format!("{p}.dimension"), d);
                    c.param(&format!("{p}.position"), m, UNIT);
                }
                (None, None) => {}
                (Some(_), None) => c.err(
                    &format!("{p}.dimension"),
                    "a debunk's `dimension` needs a `position` (the side it takes, in [0, 1]); leave both out for a prebunk",
                ),
                (None, Some(_)) => c.err(
                    &format!("{p}.position"),
                    "`position` needs the `dimension` it is a position on; leave both out for a prebunk",
                ),
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            reach_params(c, p, &x.efficiency, &x.exposures);
            c.param(&format!("{p}.resilience_gain"), &x.resilience_gain, UNIT);
            c.param(&format!("{p}.decay"), &x.decay, SHARE);
            c.param(&format!("{p}.vigilance_gain"), &x.vigilance_gain, NONNEG);
        }
        ActionSpec::Invest(x) => {
            c.nonempty(&format!("{p}.targets"), &x.targets, "targets");
            for (j, t) in x.targets.iter().enumerate() {
                let q = format!("{p}.targets[{j}][0]");
                match t {
                    InvestTarget::Project(id) => c.project(&q, id),
                    InvestTarget::Country(id) => c.country(&q, id),
                }
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(
                &format!("{p}.growth_multiplier"),
                &x.growth_multiplier,
                NONNEG,
            );
            c.param(&format!("{p}.confidence_gain"), &x.confidence_gain, UNIT);
            c.param(&format!("{p}.influence_gain"), &x.influence_gain, UNIT);
            c.param(&format!("{p}.hold_back"), &x.hold_back, NONNEG);
        }
        ActionSpec::Coercion(x) => {
            countries(c, &x.countries);
            c.dim(&format!("{p}.dimension"), &x.dimension);
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.growth_loss"), &x.growth_loss, NONNEG);
            c.param(&format!("{p}.shift"), &x.shift, UNIT);
            c.param(&format!("{p}.backfire"), &x.backfire, PROB);
            c.param(&format!("{p}.backlash"), &x.backlash, UNIT);
            c.param(&format!("{p}.influence_gain"), &x.influence_gain, UNIT);
        }
        ActionSpec::Mediation(x) => {
            c.nonempty(&format!("{p}.issues"), &x.issues, "issues");
            for (j, i) in x.issues.iter().enumerate() {
                c.issue(&format!("{p}.issues[{j}]"), i);
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.convergence"), &x.convergence, SHARE);
            c.param(&format!("{p}.influence_gain"), &x.influence_gain, UNIT);
        }
        ActionSpec::PartySupport(x) => {
            c.nonempty(&format!("{p}.parties"), &x.parties, "parties");
            for (j, party) in x.parties.iter().enumerate() {
                c.actor(&format!("{p}.parties[{j}]"), party, Some(ActorKind::Party));
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            reach_params(c, p, &x.efficiency, &x.exposures);
            c.param(&format!("{p}.shift"), &x.shift, UNIT);
            c.param(&format!("{p}.appeal_gain"), &x.appeal_gain, UNIT);
            c.param(&format!("{p}.detection"), &x.detection, NONNEG);
            c.param(&format!("{p}.backlash"), &x.backlash, UNIT);
            c.param(&format!("{p}.trust_loss"), &x.trust_loss, UNIT);
        }
        ActionSpec::MilitaryPressure(x) => {
            countries(c, &x.countries);
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.tension_gain"), &x.tension_gain, UNIT);
            c.param(
                &format!("{p}.clash_probability"),
                &x.clash_probability,
                PROB,
            );
            c.param(&format!("{p}.capability_gain"), &x.capability_gain, NONNEG);
            c.param(&format!("{p}.decay"), &x.decay, SHARE);
            if let Some(e) = &x.clash_event {
                c.event(&format!("{p}.clash_event"), e);
            }
        }
        ActionSpec::TransitOpening(x) => {
            c.nonempty(&format!("{p}.routes"), &x.routes, "routes");
            for (j, r) in x.routes.iter().enumerate() {
                c.route(&format!("{p}.routes[{j}]"), r);
            }
            for (j, ph) in x.phases.iter().enumerate() {
                c.phase(&format!("{p}.phases[{j}]"), ph);
            }
            c.param(&format!("{p}.cost"), &x.cost, NONNEG);
            c.param(&format!("{p}.volume_gain"), &x.volume_gain, UNIT);
        }
    }
}

/// The diminishing-returns rate and saturation of a campaign's exposure (both ≥ 0).
fn reach_params(c: &mut Ctx, p: &str, efficiency: &Param, exposures: &Param) {
    c.param(&format!("{p}.efficiency"), efficiency, NONNEG);
    c.param(&format!("{p}.exposures"), exposures, NONNEG);
}

/// Checks of persuasion's reception and trust parameters (docs/model.md 7.8.0): each country's
/// latitudes in [0, 1] with the latitude of rejection beginning no nearer than the latitude of
/// acceptance ends, boomerang, concentration and vigilance ≥ 0; each media entry's trust in [0, 1],
/// its trust slope in [-2, 2] and its trust dimension declared.
fn persuasion(c: &mut Ctx, s: &Scenario) {
    for (k, co) in s.countries.iter().enumerate() {
        let p = format!("countries[{k}].population.persuasion");
        let x = &co.population.persuasion;
        c.param(&format!("{p}.acceptance"), &x.acceptance, UNIT);
        c.param(&format!("{p}.rejection"), &x.rejection, UNIT);
        c.param(&format!("{p}.boomerang"), &x.boomerang, NONNEG);
        c.param(&format!("{p}.concentration"), &x.concentration, NONNEG);
        c.param(&format!("{p}.vigilance"), &x.vigilance, NONNEG);
        let support = |v: &Param| match v {
            Param::Fixed(x) => (*x, *x),
            Param::Dist(d) => d.support(),
        };
        let ((_, acc_hi), (rej_lo, _)) = (support(&x.acceptance), support(&x.rejection));
        if rej_lo < acc_hi {
            c.err(
                &format!("{p}.rejection"),
                format!(
                    "the latitude of rejection must begin no nearer than the latitude of acceptance ends: `rejection` can be {} while `acceptance` can be {}",
                    fmt_num(rej_lo),
                    fmt_num(acc_hi)
                ),
            );
        }
    }
    for (k, a) in s.actors.iter().enumerate() {
        for (j, r) in a.media_reach.iter().enumerate() {
            let p = format!("actors[{k}].media_reach[{j}]");
            c.param(&format!("{p}.trust"), &r.trust, UNIT);
            c.param(&format!("{p}.trust_slope"), &r.trust_slope, TRUST_SLOPE);
            if let Some(d) = &r.trust_dimension {
                c.dim(&format!("{p}.trust_dimension"), d);
            }
        }
    }
}

/// Checks of the `sweep:` block that need no model object: at least one parameter, each swept once,
/// `lo < hi`, `samples` and `runs_per_point` at least 1, and a design of a size the sweep can make.
fn sweep_block(c: &mut Ctx, sw: &SweepSpec) {
    if sw.params.is_empty() {
        c.err(
            "sweep.params",
            "`sweep.params` needs at least one parameter, e.g. [(path: \"actors.russia.budget\", lo: 80, hi: 120)]",
        );
    }
    let mut seen = HashSet::new();
    for (i, p) in sw.params.iter().enumerate() {
        if !seen.insert(p.path.as_str()) {
            c.err(
                &format!("sweep.params[{i}].path"),
                format!("`{}` is swept twice", p.path),
            );
        }
        if p.lo.is_finite() && p.hi.is_finite() && p.lo >= p.hi {
            c.err(
                &format!("sweep.params[{i}].hi"),
                format!(
                    "the range of `{}` needs lo < hi, found lo {} and hi {}",
                    p.path,
                    fmt_num(p.lo),
                    fmt_num(p.hi)
                ),
            );
        }
    }
    if sw.samples == 0 {
        c.err("sweep.samples", "`samples` must be at least 1");
    }
    if sw.runs_per_point == 0 {
        c.err(
            "sweep.runs_per_point",
            "`runs_per_point` must be at least 1",
        );
    }
    let d = sw.params.len();
    match sw.design {
        SweepDesign::Grid if (sw.samples as f64).powi(d as i32) > SWEEP_MAX_GRID_POINTS => c.err(
            "sweep.samples",
            format!(
                "a grid of {}^{d} points is too large (at most {SWEEP_MAX_GRID_POINTS} points): use Lhs or Sobol",
                sw.samples
            ),
        ),
        SweepDesign::Sobol if d > SWEEP_SOBOL_MAX_PARAMS => c.err(
            "sweep.params",
            format!("a Sobol design takes at most {SWEEP_SOBOL_MAX_PARAMS} parameters, found {d}"),
        ),
        _ => {}
    }
}

/// Checks of the `observations:` block that need no model object: ids, months within the run, the
/// measurements (a share in [0, 1], `n > 0`, `design_effect > 0`, `se > 0`, `lo < hi`), the entity of
/// the derived selectors (`phase_reached`: a phase; `outcome`: an outcome), and each `survey` group
/// (one month, one `n` and `design_effect`, each entity once, shares summing to at most 1). Whether an
/// indicator/entity pair is a recorded series is checked against the model's series layout by
/// `crate::experiments::observe::check`.
fn observations(c: &mut Ctx, obs: &[Observation]) {
    c.ids("observations", obs, |o| &o.id);
    let mut surveys: HashMap<&str, usize> = HashMap::new();
    let mut shares: HashMap<&str, f64> = HashMap::new();
    for (k, o) in obs.iter().enumerate() {
        let p = format!("observations[{k}]");
        c.month_in_horizon(&format!("{p}.month"), &o.month, "observation");
        if o.indicator.trim().is_empty() {
            c.err(
                &format!("{p}.indicator"),
                "`indicator` names a series as in series.csv (e.g. \"opinion\", \"growth\"), or \"phase_reached\" or \"outcome\"",
            );
        }
        match o.indicator.as_str() {
            PHASE_REACHED => c.phase(&format!("{p}.entity"), &o.entity),
            OUTCOME if !c.outcomes.contains_key(o.entity.as_str()) => {
                let l = list(c.outcomes.keys().copied());
                c.err(
                    &format!("{p}.entity"),
                    format!("unknown outcome `{}` ({l})", o.entity),
                );
            }
            _ => {}
        }
        let m = format!("{p}.measured");
        match &o.measured {
            Measurement::Poll {
                share,
                n,
                design_effect,
                survey,
            } => {
                if share.is_finite() && !(0.0..=1.0).contains(share) {
                    c.err(
                        &format!("{m}.share"),
                        format!(
                            "`share` must be a share in [0, 1], found {}",
                            fmt_num(*share)
                        ),
                    );
                }
                if n.is_finite() && *n <= 0.0 {
                    c.err(
                        &format!("{m}.n"),
                        format!("`n` (respondents) must be > 0, found {}", fmt_num(*n)),
                    );
                }
                if design_effect.is_finite() && *design_effect <= 0.0 {
                    c.err(
                        &format!("{m}.design_effect"),
                        format!(
                            "`design_effect` must be > 0 (1 for simple random sampling), found {}",
                            fmt_num(*design_effect)
                        ),
                    );
                }
                if let Some(sv) = survey {
                    survey_member(c, obs, k, sv, &mut surveys, &mut shares);
                }
            }
            Measurement::Value { se, .. } => {
                if se.is_finite() && *se <= 0.0 {
                    c.err(
                        &format!("{m}.se"),
                        format!("`se` (standard error) must be > 0, found {}", fmt_num(*se)),
                    );
                }
            }
            Measurement::Interval { lo, hi } => {
                if lo.is_finite() && hi.is_finite() && lo >= hi {
                    c.err(
                        &format!("{m}.hi"),
                        format!(
                            "an interval needs lo < hi, found lo {} and hi {}",
                            fmt_num(*lo),
                            fmt_num(*hi)
                        ),
                    );
                }
            }
        }
    }
}

/// Observation `k`, a share of survey `sv`: the survey's first observation fixes its month, `n` and
/// `design_effect`; an entity appears once; the shares add up to at most 1.
fn survey_member<'a>(
    c: &mut Ctx,
    obs: &'a [Observation],
    k: usize,
    sv: &'a str,
    first: &mut HashMap<&'a str, usize>,
    total: &mut HashMap<&'a str, f64>,
) {
    let p = format!("observations[{k}].measured.survey");
    let o = &obs[k];
    let Measurement::Poll {
        share,
        n,
        design_effect,
        ..
    } = o.measured
    else {
        return;
    };
    let Some(&f) = first.get(sv) else {
        first.insert(sv, k);
        total.insert(sv, share);
        return;
    };
    let head = &obs[f];
    let line = c.span(&format!("observations[{f}]")).line;
    if let Measurement::Poll {
        n: n0,
        design_effect: d0,
        ..
    } = head.measured
    {
        if head.month != o.month || n0 != n || d0 != design_effect {
            c.err(
                &p,
                format!(
                    "survey `{sv}` was declared at line {line} with month {}, n {} and design_effect {};                      every share of a survey has the same (found month {}, n {}, design_effect {})",
                    head.month,
                    fmt_num(n0),
                    fmt_num(d0),
                    o.month,
                    fmt_num(n),
                    fmt_num(design_effect)
                ),
            );
        }
    }
    let dup = obs[..k].iter().any(|x| {
        matches!(&x.measured, Measurement::Poll { survey: Some(s), .. } if s == sv)
            && x.indicator == o.indicator
            && x.entity == o.entity
    });
    if dup {
        c.err(
            &p,
            format!(
                "survey `{sv}` reports `{}` `{}` twice",
                o.indicator, o.entity
            ),
        );
    }
    let t = total.entry(sv).or_insert(0.0);
    *t += share;
    if *t > 1.0 + 1e-9 && *t - share <= 1.0 + 1e-9 {
        c.err(
            &format!("observations[{k}].measured.share"),
            format!(
                "the shares of survey `{sv}` add up to {} so far, more than 1",
                fmt_num(*t)
            ),
        );
    }
}

/// Checks that every path of the `sweep:` block names a real-valued parameter of the scenario and
/// that both ends of its range are valid values: the scenario is rebuilt with the path set to `lo`,
/// then to `hi` (as `crossroads sweep` does with `--set`), deserialized and validated. Problems are
/// located at the path's string in the block. Call it on a scenario that is otherwise valid.
pub fn sweep_paths(s: &Scenario, tree: &Node) -> Vec<Problem> {
    let Some(sw) = &s.sweep else {
        return Vec::new();
    };
    // The scenario without its block: the checks below must not recurse into it.
    let mut base = tree.clone();
    if let Kind::Struct { fields, .. } = &mut base.kind {
        fields.retain(|f| f.name != "sweep");
    }
    let mut out = Vec::new();
    for (i, p) in sw.params.iter().enumerate() {
        let span = node_at(tree, &format!("sweep.params[{i}].path")).map_or(tree.span, |n| n.span);
        for (end, v) in [("lo", p.lo), ("hi", p.hi)] {
            if !v.is_finite() {
                break;
            }
            let mut t = base.clone();
            let value = Node::new(Kind::Float(v), span);
            if let Err(m) = super::merge::set(&mut t, &p.path, value) {
                out.push(Problem::new(span, format!("sweep parameter: {m}")));
                break;
            }
            let (scenario, mut ps) = super::de::collect_recovering::<Scenario>(&t);
            if let Some(x) = &scenario {
                ps.extend(validate(x, &t));
            }
            if let Some(first) = ps.first() {
                out.push(Problem::new(
                    span,
                    format!(
                        "sweep parameter `{}` set to its {end}, {}: {}",
                        p.path,
                        fmt_num(v),
                        first.message
                    ),
                ));
                break;
            }
        }
    }
    out
}
