//! The world: the whole state of one run (citizens, economies, actors, issues, projects, routes,
//! tension, influence, process phase), built from a realised scenario, and its indicators.
//!
//! Everything here is plain data in flat vectors indexed by the scenario's list order; the mechanisms
//! (one file each) read and change it through [`super::schedule::step`].

use super::ModelError;
use super::compile::{Cond, Ids, Ind, Ix};
use super::log::RunEvent;
use super::network::Network;
use super::opinion::Population;
use super::rng::Streams;
use crate::scenario::schema::{self as sc, ActorKind, Scenario};

/// A country's state.
pub struct CountryState {
    pub pop: Population,
    pub net: Network,
    pub gdp: f64,
    /// GDP at the start (bargaining capabilities scale with GDP / GDP at start).
    pub gdp0: f64,
    /// Potential growth: the annual rate growth reverts to (`economy.potential_growth`).
    pub potential: f64,
    /// Deviation of growth from potential, annualised: an AR(1) process with its own shocks
    /// (`economy::step`); starts at `growth − potential`.
    pub gap: f64,
    /// Stationary sd of `gap` (`economy.growth_sd`).
    pub growth_sd: f64,
    /// Value added from the routes crossing the country at the last economy step, M USD per year.
    pub transit_value: f64,
    /// Current annualised growth (recomputed each tick by the economy).
    pub growth: f64,
    /// Growth added by investment, decaying.
    pub invest_boost: f64,
    /// Active growth shocks: (annualised delta, last tick it applies).
    pub shocks: Vec<(f64, u32)>,
    /// Growth lost to coercion this tick (annualised), decaying like investment.
    pub coercion_drag: f64,
    pub confidence: f64,
    pub confidence0: f64,
    /// A country-wide resilience boost, decaying by `resilience_decay` a month (economy step). No
    /// mechanism raises it any more: counter-disinformation gives per-citizen shields
    /// (`model::persuasion`). Kept, at 0, until the economy step stops decaying it.
    pub resilience_boost: f64,
    /// Decay of the boost per month.
    pub resilience_decay: f64,
    /// Governing party (actor index), if any.
    pub government: Option<Ix>,
}

/// An actor's state.
pub struct ActorState {
    pub kind: ActorKind,
    pub country: Option<Ix>,
    pub budget: f64,
    /// Budget spent this tick.
    pub spent: f64,
    /// Goals currently held: (indicator, weight). States take their governing party's.
    pub goals: Vec<(Ind, f64)>,
    /// Current positions on issues: (issue, position, salience, base capability).
    pub positions: Vec<(Ix, f64, f64, f64)>,
    /// Bargaining capability boost from military pressure, decaying.
    pub capability_boost: f64,
    pub boost_decay: f64,
    /// Party appeal (vote bonus) for parties.
    pub appeal: f64,
    /// Appeal at the start, which appeal returns to as campaigns wear off.
    pub appeal0: f64,
    /// Platform per dimension for parties: (dimension, value).
    pub platform: Vec<(Ix, f64)>,
    /// Media reach per country, [0, 1] (0 where the scenario lists none).
    pub reach: Vec<f64>,
}

/// A negotiated issue's state (positions live with the actors).
pub struct IssueState {
    pub status_quo: f64,
    /// Extra convergence from mediation this tick (reset after the round).
    pub mediation: f64,
    pub forecast: f64,
    /// Weighted median position (BDM's median-voter forecast), refreshed with `forecast`.
    pub median: f64,
    pub spread: f64,
    /// The issue's width for the bargaining model: the spread of positions at the start.
    pub range: f64,
    /// Index of the issue's `support_dimension`, if any.
    pub support_dimension: Option<Ix>,
}

pub struct ProjectState {
    pub progress: f64,
    /// Funds committed and not yet spent on construction, millions USD.
    pub funds: f64,
    pub operational_since: Option<u32>,
    pub preconditions: Vec<Cond>,
}

pub struct RouteState {
    pub volume: f64,
    pub volume0: f64,
    pub demand: f64,
    pub open: f64,
    pub projects: Vec<Ix>,
    pub countries: Vec<Ix>,
}

/// The state of one run.
pub struct World<'s> {
    pub s: &'s Scenario,
    /// Ticks done (0 before the first month).
    pub tick: u32,
    pub countries: Vec<CountryState>,
    pub actors: Vec<ActorState>,
    /// Actor index of each external power (the influence matrix's row order).
    pub powers: Vec<Ix>,
    pub issues: Vec<IssueState>,
    pub projects: Vec<ProjectState>,
    pub routes: Vec<RouteState>,
    pub tension: f64,
    pub tension0: f64,
    /// Bounds of tension: it stays in `[tension_floor, 1]` (`world.tension_floor`).
    pub tension_floor: f64,
    /// Level tension decays toward (`world.tension_baseline`, default the floor).
    pub tension_baseline: f64,
    /// Influence of power `p` in country `c` at `[p * countries + c]`, in [0, 1].
    pub influence: Vec<f64>,
    pub phase: Ix,
    pub phase_since: u32,
    /// First tick each phase was entered (the initial phase at 0).
    pub phase_first: Vec<Option<u32>>,
    /// Times each event fired.
    pub event_counts: Vec<u32>,
    /// Times each actor took each action kind: `[actor * ACTION_KINDS + kind]`.
    pub action_counts: Vec<u32>,
    /// Same, for the current tick only (recorded as the `actions` series).
    pub action_counts_tick: Vec<u32>,
    /// Each election's result once held (votes, seats, government; per list in the election's order).
    pub election_results: Vec<Option<super::elections::ElectionResult>>,
    /// Per country: the last referendum held there, if any.
    pub referendums: Vec<Option<super::elections::ReferendumResult>>,
    /// Per country: its citizens as voters (party attachment, poll and turnout parameters).
    pub voters: Vec<super::voters::VoterState>,
    /// Per actor, per action entry: whether the entry's best feasible option had a positive
    /// expected utility at this month's decision (recorded as the `action_pays` series).
    pub action_pays: Vec<Vec<bool>>,
    /// Recorded events with their tick (only when requested); rows by [`super::log::row`].
    pub log: Option<Vec<(u32, RunEvent)>>,
    /// Mean opinion `[country * dims + dim]` (refreshed by [`World::refresh_derived`]).
    pub mean_opinion: Vec<f64>,
    /// Share of citizens above the recording threshold (`record.share_threshold`)
    /// `[country * dims + dim]`, computed in the same pass as `mean_opinion`.
    pub opinion_share: Vec<f64>,
    /// Per country: the population's [`Population::version`] when `mean_opinion` and
    /// `opinion_share` were computed (they are current while it matches).
    means_version: Vec<u64>,
    /// Disinformation pressure memory `[country * dims + dim]`: the mean opinion shift from
    /// disinformation, halved each month (see `economy`), used by counter-disinformation's perception.
    pub pressure: Vec<f64>,
    /// Persuasion state: exposure weights, trust in sources, counter-disinformation shields.
    pub media: super::persuasion::Media,
}

/// Number of action kinds in the catalogue (for per-kind counters).
pub const ACTION_KINDS: usize = sc::ACTION_NAMES.len();

/// Index of an action kind in the counters (see [`sc::ActionSpec::kind`]).
pub fn action_kind(spec: &sc::ActionSpec) -> usize {
    spec.kind()
}

/// Action names in counter order (defined with the schema's action catalogue).
pub use sc::ACTION_NAMES;

impl<'s> World<'s> {
    /// Builds the initial state of a run from a realised scenario (all parameters fixed).
    pub fn new(
        s: &'s Scenario,
        streams: &Streams,
        record_events: bool,
    ) -> Result<World<'s>, ModelError> {
        let ids = Ids::new(s);
        let nd = s.dimensions.len();
        let mut countries = Vec::with_capacity(s.countries.len());
        for c in &s.countries {
            let p = &c.population;
            let n = p.size;
            let fail = |e: &dyn std::fmt::Display| ModelError(format!("country `{}`: {e}", c.id));
            let mut rng = streams.get(&format!("population/{}", c.id));
            let pop = super::initial::population_of(&ids, p, nd, &mut rng).map_err(|e| fail(&e))?;
            let mut rng = streams.get(&format!("network/{}", c.id));
            let net = match &p.network {
                sc::Network::Complete => Ok(Network::complete(n)),
                sc::Network::WattsStrogatz { k, p } => {
                    Network::watts_strogatz(n, *k, p.value(), &mut rng)
                }
                sc::Network::ErdosRenyi { mean_degree } => {
                    let pe = if n > 1 {
                        (mean_degree.value() / (n - 1) as f64).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    Network::erdos_renyi(n, pe, &mut rng)
                }
            }
            .map_err(|e| fail(&e))?;
            let e = &c.economy;
            let government = match &c.government {
                Some(g) => Some(ids.actor(g)?),
                None => None,
            };
            countries.push(CountryState {
                pop,
                net,
                gdp: e.gdp_bn.value(),
                gdp0: e.gdp_bn.value(),
                potential: e.potential(),
                gap: e.growth.value() - e.potential(),
                growth_sd: e.growth_sd.value().max(0.0),
                transit_value: 0.0,
                growth: e.growth.value(),
                invest_boost: 0.0,
                shocks: Vec::new(),
                coercion_drag: 0.0,
                confidence: e.investor_confidence.value(),
                confidence0: e.investor_confidence.value(),
                resilience_boost: 0.0,
                resilience_decay: 0.0,
                government,
            });
        }
        let mut actors = Vec::with_capacity(s.actors.len());
        for a in &s.actors {
            let mut reach = vec![0.0; s.countries.len()];
            for r in &a.media_reach {
                reach[ids.country(&r.country)?] = r.reach.value().clamp(0.0, 1.0);
            }
            let country = match &a.country {
                Some(c) => Some(ids.country(c)?),
                None => None,
            };
            actors.push(ActorState {
                kind: a.kind,
                country,
                budget: a.budget.value().max(0.0),
                spent: 0.0,
                goals: compile_goals(&ids, &a.goals)?,
                positions: compile_positions(&ids, &a.positions)?,
                capability_boost: 0.0,
                boost_decay: 0.0,
                appeal: a.appeal.value(),
                appeal0: a.appeal.value(),
                platform: a
                    .platform
                    .iter()
                    .map(|p| Ok((ids.dim(&p.dimension)?, p.value.value())))
                    .collect::<Result<_, ModelError>>()?,
                reach,
            });
        }
        let powers: Vec<Ix> = s
            .actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == ActorKind::ExternalPower)
            .map(|(i, _)| i)
            .collect();
        let nc = countries.len();
        let mut influence = vec![0.0; powers.len() * nc];
        for i in &s.world.influence {
            influence[ids.power(&i.power)? * nc + ids.country(&i.country)?] =
                i.value.value().clamp(0.0, 1.0);
        }
        let issues = s
            .issues
            .iter()
            .map(|i| IssueState {
                status_quo: i.status_quo.value(),
                mediation: 0.0,
                forecast: 0.0,
                median: 0.0,
                spread: 0.0,
                range: 0.0,
                support_dimension: i
                    .bargaining
                    .support_dimension
                    .as_ref()
                    .and_then(|d| ids.dim(d).ok()),
            })
            .collect();
        let projects = s
            .projects
            .iter()
            .map(|p| {
                Ok(ProjectState {
                    progress: p.progress.value().clamp(0.0, 1.0),
                    funds: 0.0,
                    operational_since: if p.progress.value() >= 1.0 {
                        Some(0)
                    } else {
                        None
                    },
                    preconditions: Cond::compile_all(&ids, &p.preconditions)?,
                })
            })
            .collect::<Result<_, ModelError>>()?;
        let routes = s
            .routes
            .iter()
            .map(|r| {
                Ok(RouteState {
                    volume: r.volume.value(),
                    volume0: r.volume.value(),
                    demand: r
                        .demand
                        .as_ref()
                        .map(|d| d.value())
                        .unwrap_or(r.capacity.value()),
                    open: r.open.value().clamp(0.0, 1.0),
                    projects: r
                        .projects
                        .iter()
                        .map(|p| ids.project(p))
                        .collect::<Result<_, _>>()?,
                    countries: r
                        .countries
                        .iter()
                        .map(|c| ids.country(c))
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<_, ModelError>>()?;
        let media = super::persuasion::Media::new(s, &ids, countries.iter().map(|c| &c.pop))?;
        let phase = ids.phase(&s.process.initial)?;
        let floor = s.world.tension_floor.value().clamp(0.0, 1.0);
        let mut phase_first = vec![None; s.process.phases.len()];
        phase_first[phase] = Some(0);
        let mut w = World {
            s,
            tick: 0,
            countries,
            actors,
            powers,
            issues,
            projects,
            routes,
            tension: s.world.tension.value().clamp(floor, 1.0),
            tension0: s.world.tension.value().clamp(floor, 1.0),
            tension_floor: floor,
            tension_baseline: s.world.baseline().clamp(floor, 1.0),
            influence,
            phase,
            phase_since: 0,
            phase_first,
            event_counts: vec![0; s.events.len()],
            action_counts: vec![0; s.actors.len() * ACTION_KINDS],
            action_counts_tick: vec![0; s.actors.len() * ACTION_KINDS],
            election_results: vec![None; s.elections.len()],
            referendums: vec![None; s.countries.len()],
            voters: Vec::new(),
            action_pays: s
                .actors
                .iter()
                .map(|a| vec![false; a.actions.len()])
                .collect(),
            log: if record_events {
                Some(Vec::new())
            } else {
                None
            },
            mean_opinion: vec![0.0; s.countries.len() * nd],
            opinion_share: vec![0.0; s.countries.len() * nd],
            means_version: vec![u64::MAX; s.countries.len()],
            pressure: vec![0.0; s.countries.len() * nd],
            media,
        };
        w.voters = super::voters::init(&w, streams)?;
        super::voters::fit_valence(&mut w, streams)?;
        // A state governed by a party holds the party's goals and positions from the start.
        for c in 0..w.countries.len() {
            if let Some(p) = w.countries[c].government {
                w.take_platform(c, p);
            }
        }
        for (c, v) in super::economy::transit_values(&w).into_iter().enumerate() {
            w.countries[c].transit_value = v;
        }
        w.refresh_derived();
        for st in w.issues.iter_mut() {
            st.range = st.spread;
        }
        Ok(w)
    }

    /// Id lookups for this run's scenario.
    pub fn ids(&self) -> Ids<'s> {
        Ids::new(self.s)
    }

    /// Recomputes derived quantities: mean opinions and shares above the recording threshold, and
    /// the issues' forecasts and spreads. Called after every phase that changes citizens or
    /// positions. A country's means and shares are recomputed only when its opinions changed (the
    /// population's version), in one pass over the citizens: the results are those of a full
    /// recomputation.
    pub fn refresh_derived(&mut self) {
        let threshold = self.s.record.share_threshold;
        for (c, st) in self.countries.iter().enumerate() {
            if st.pop.version() != self.means_version[c] {
                let nd = st.pop.dims;
                st.pop.summarise(
                    threshold,
                    &mut self.mean_opinion[c * nd..(c + 1) * nd],
                    &mut self.opinion_share[c * nd..(c + 1) * nd],
                );
                self.means_version[c] = st.pop.version();
            }
        }
        super::negotiation::refresh(self);
    }

    /// Country `c`'s mean opinions and shares above the recording threshold (per dimension), if
    /// they are current (computed since the opinions last changed).
    pub fn current_summary(&self, c: Ix) -> Option<(&[f64], &[f64])> {
        let pop = &self.countries[c].pop;
        (pop.version() == self.means_version[c]).then(|| {
            let nd = pop.dims;
            (
                &self.mean_opinion[c * nd..(c + 1) * nd],
                &self.opinion_share[c * nd..(c + 1) * nd],
            )
        })
    }

    /// Forecast of issue `i` if actor `who`'s capability boost were `boost`.
    pub fn forecast_with_boost(&self, i: Ix, who: Ix, boost: f64) -> f64 {
        super::negotiation::forecast(self, i, who, boost).0
    }

    /// The state actor of country `c`, if any.
    pub fn state_of(&self, c: Ix) -> Option<Ix> {
        self.actors
            .iter()
            .position(|a| a.kind == ActorKind::State && a.country == Some(c))
    }

    /// Party `p` comes to govern `c` after an election: the state actor takes the party's goals and
    /// issue positions, unless `p` already governed (a re-elected government keeps the positions it
    /// has bargained to).
    pub fn adopt_platform(&mut self, c: Ix, p: Ix) {
        if self.countries[c].government == Some(p) {
            return;
        }
        self.take_platform(c, p);
    }

    /// The state actor of `c` takes party `p`'s goals and issue positions.
    fn take_platform(&mut self, c: Ix, p: Ix) {
        self.countries[c].government = Some(p);
        if let Some(st) = self.state_of(c) {
            let goals = self.actors[p].goals.clone();
            if !goals.is_empty() {
                self.actors[st].goals = goals;
            }
            let party_positions = self.actors[p].positions.clone();
            for &(issue, pos, sal, cap) in &party_positions {
                match self.actors[st].positions.iter_mut().find(|x| x.0 == issue) {
                    Some(x) => {
                        x.1 = pos;
                        x.2 = sal;
                    }
                    // A state without a position of its own on the issue takes the party's capability.
                    None => self.actors[st].positions.push((issue, pos, sal, cap)),
                }
            }
        }
    }

    /// Influence of power row `p` in country `c`.
    pub fn influence(&self, p: Ix, c: Ix) -> f64 {
        self.influence[p * self.countries.len() + c]
    }

    /// Adds `delta` to the influence of power row `p` in `c`, clamped to [0, 1].
    pub fn add_influence(&mut self, p: Ix, c: Ix, delta: f64) {
        let nc = self.countries.len();
        let v = &mut self.influence[p * nc + c];
        *v = (*v + delta).clamp(0.0, 1.0);
    }

    /// The influence row of actor `a`, if it is an external power.
    pub fn power_row(&self, a: Ix) -> Option<Ix> {
        self.powers.iter().position(|&x| x == a)
    }

    /// Adds `delta` to tension, kept in its bounds `[tension_floor, 1]`.
    pub fn add_tension(&mut self, delta: f64) {
        self.tension = (self.tension + delta).clamp(self.tension_floor, 1.0);
    }

    /// Whether project `p` operates.
    pub fn operational(&self, p: Ix) -> bool {
        self.projects[p].operational_since.is_some()
    }

    /// Ramp-up share of an operational project, [0, 1].
    pub fn operation(&self, p: Ix) -> f64 {
        match self.projects[p].operational_since {
            None => 0.0,
            Some(t0) => {
                let ramp = self.s.projects[p].ramp_up;
                if ramp == 0 {
                    1.0
                } else {
                    ((self.tick.saturating_sub(t0)) as f64 / ramp as f64).clamp(0.0, 1.0)
                }
            }
        }
    }

    /// Current capacity of route `r`, Mt/yr: base + own growth + operational projects.
    pub fn route_capacity(&self, r: Ix) -> f64 {
        let spec = &self.s.routes[r];
        let mut cap =
            spec.capacity.value() + spec.capacity_growth.value() * self.tick as f64 / 12.0;
        for &p in &self.routes[r].projects {
            cap += self.operation(p) * self.s.projects[p].capacity.value();
        }
        cap.max(0.0)
    }

    /// Support of every party of party `p`'s country now: the share of citizens whose nearest party
    /// (effective distance: platform distance, appeal and attachment; no noise, everyone voting) is the
    /// party's (see `voters::poll`). Returns (party, share) pairs.
    pub fn party_supports(&self, p: Ix) -> Vec<(Ix, f64)> {
        let Some(c) = self.actors[p].country else {
            return vec![(p, 0.0)];
        };
        let poll = super::voters::poll(self, c);
        let n = f64::from(poll.n.max(1));
        self.voters[c]
            .parties
            .iter()
            .zip(&poll.nearest)
            .map(|(&q, &k)| (q, f64::from(k) / n))
            .collect()
    }

    /// The simulated poll of party `p`'s country and `p`'s place in it.
    pub fn poll_of(&self, p: Ix) -> Option<(super::voters::Poll, usize)> {
        let c = self.actors[p].country?;
        let k = self.voters[c].parties.iter().position(|&q| q == p)?;
        Some((super::voters::poll(self, c), k))
    }

    /// Support of party `p` now (see [`World::party_supports`]).
    pub fn party_support(&self, p: Ix) -> f64 {
        self.party_supports(p)
            .into_iter()
            .find(|x| x.0 == p)
            .map_or(0.0, |x| x.1)
    }

    /// The current value of an indicator.
    pub fn indicator(&self, ind: Ind) -> f64 {
        match ind {
            Ind::Opinion { c, d } => match self.current_summary(c) {
                Some((means, _)) => means[d],
                None => self.countries[c].pop.mean(d),
            },
            Ind::OpinionShare { c, d, threshold } => match self.current_summary(c) {
                Some((_, shares)) if threshold == self.s.record.share_threshold => shares[d],
                _ => self.countries[c].pop.share_above(d, threshold),
            },
            Ind::Polarization { c, d } => self.countries[c].pop.polarization(d),
            Ind::Influence { p, c } => self.influence(p, c),
            Ind::Confidence(c) => self.countries[c].confidence,
            Ind::Growth(c) => self.countries[c].growth,
            Ind::Gdp(c) => self.countries[c].gdp,
            Ind::ProjectProgress(p) => self.projects[p].progress,
            Ind::ProjectOperation(p) => self.operation(p),
            Ind::RouteVolume(r) => self.routes[r].volume,
            Ind::Tension => self.tension,
            Ind::IssueForecast(i) => self.issues[i].forecast,
            Ind::IssueMedian(i) => self.issues[i].median,
            Ind::IssueSpread(i) => self.issues[i].spread,
            Ind::PartySupport(p) => self.party_support(p),
            Ind::PollShare(p) => self.poll_of(p).map_or(0.0, |(q, k)| q.share(k)),
            Ind::PollDecided(p) => self.poll_of(p).map_or(0.0, |(q, k)| q.decided_share(k)),
            Ind::Undecided(c) => super::voters::poll(self, c).undecided(),
            Ind::InPhase(m) => {
                if self.phase < 64 && (m >> self.phase) & 1 == 1 {
                    1.0
                } else {
                    0.0
                }
            }
            Ind::BudgetUse(a) => {
                let st = &self.actors[a];
                if st.budget > 0.0 {
                    (st.spent / st.budget).clamp(0.0, 1.0)
                } else {
                    0.0
                }
            }
        }
    }

    /// Whether a condition holds now.
    pub fn holds(&self, c: &Cond) -> bool {
        match c {
            Cond::Above(i, v) => self.indicator(*i) > *v,
            Cond::Below(i, v) => self.indicator(*i) < *v,
            Cond::InPhase(ps) => ps.contains(&self.phase),
            Cond::MonthsInPhase(m) => self.tick.saturating_sub(self.phase_since) >= *m,
            Cond::After(t) => self.tick as i64 > *t, // the month being simulated (tick − 1) is at or after t
            Cond::Happened(e) => self.event_counts[*e] > 0,
            Cond::Operational(p) => self.operational(*p),
            Cond::Converged {
                issue,
                within,
                actors,
            } => {
                if actors.is_empty() {
                    self.issues[*issue].spread <= *within
                } else {
                    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                    for &a in actors {
                        for &(i, pos, _, _) in &self.actors[a].positions {
                            // (a named party contributes its platform position)
                            if i == *issue {
                                lo = lo.min(pos);
                                hi = hi.max(pos);
                            }
                        }
                    }
                    hi < lo || hi - lo <= *within
                }
            }
            Cond::Reached(p) => self.phase_first[*p].is_some(),
            Cond::Governs { country, party } => self.countries[*country].government == Some(*party),
        }
    }

    pub fn all_hold(&self, cs: &[Cond]) -> bool {
        cs.iter().all(|c| self.holds(c))
    }

    /// Moves the process to `phase` (records the entry tick).
    pub fn set_phase(&mut self, phase: Ix) {
        if phase != self.phase {
            self.phase = phase;
            self.phase_since = self.tick;
            if self.phase_first[phase].is_none() {
                self.phase_first[phase] = Some(self.tick);
            }
            self.emit(RunEvent::PhaseEntered(phase));
        }
    }

    /// Records an event (with the current tick) if events are being recorded.
    pub fn emit(&mut self, e: RunEvent) {
        let tick = self.tick;
        if let Some(log) = &mut self.log {
            log.push((tick, e));
        }
    }
}

fn compile_goals(ids: &Ids, goals: &[sc::Goal]) -> Result<Vec<(Ind, f64)>, ModelError> {
    goals
        .iter()
        .map(|g| Ok((Ind::compile(ids, &g.indicator)?, g.weight.value())))
        .collect()
}

fn compile_positions(
    ids: &Ids,
    ps: &[sc::Position],
) -> Result<Vec<(Ix, f64, f64, f64)>, ModelError> {
    ps.iter()
        .map(|p| {
            Ok((
                ids.issue(&p.issue)?,
                p.position.value(),
                p.salience.value(),
                p.capability.value(),
            ))
        })
        .collect()
}
