//! Recording: the series a run writes per tick (the rows of series.csv after aggregation), in a fixed
//! layout derived from the scenario alone, so every run of a batch has the same columns.

use super::SeriesKey;
use super::compile::Ix;
use super::opinion::{ClusterBins, IndicatorConfig, Indicators, indicators};
use super::world::{ACTION_KINDS, ACTION_NAMES, World, action_kind};
use crate::scenario::schema::{ActorKind, Scenario};

/// What one series column reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Probe {
    Opinion(Ix, Ix),
    OpinionSd(Ix, Ix),
    OpinionShare(Ix, Ix),
    Polarization(Ix, Ix),
    Clusters(Ix, Ix),
    Influence(Ix, Ix),
    Confidence(Ix),
    Growth(Ix),
    Gdp(Ix),
    ProjectProgress(Ix),
    ProjectOperation(Ix),
    RouteVolume(Ix),
    Tension,
    IssueForecast(Ix),
    IssueMedian(Ix),
    IssueSpread(Ix),
    PartySupport(Ix),
    /// A party's poll share among all respondents: (country, index among the country's parties).
    Poll(Ix, usize),
    /// A party's poll share among decided respondents.
    PollDecided(Ix, usize),
    /// A country's share of undecided respondents.
    Undecided(Ix),
    Phase(Ix),
    Actions(Ix, usize),
    /// Share of the actor's monthly budget spent this month (0 with no budget, and at tick 0).
    BudgetUse(Ix),
    /// 1 when the action entry's best option had a positive expected utility this month (0 at tick 0).
    ActionPays(Ix, usize),
    /// A party's vote share in an election, from the month it is held (0 before).
    VoteShare(Ix, usize),
    /// 1 when the party won the election, from the month it is held (0 before, and for the others).
    ElectionWon(Ix, usize),
}

/// The series layout of a scenario: keys (for series.csv) and probes (for the model), same order.
pub fn layout(s: &Scenario) -> (Vec<SeriesKey>, Vec<Probe>) {
    let mut keys = Vec::new();
    let mut probes = Vec::new();
    let mut push = |ind: &str, entity: String, p: Probe| {
        keys.push(SeriesKey {
            indicator: ind.to_string(),
            entity,
        });
        probes.push(p);
    };
    let detail = s.record.population_detail;
    for (c, country) in s.countries.iter().enumerate() {
        for (d, dim) in s.dimensions.iter().enumerate() {
            let e = format!("{}/{}", country.id, dim.id);
            push("opinion", e.clone(), Probe::Opinion(c, d));
            push("opinion_share", e.clone(), Probe::OpinionShare(c, d));
            if detail {
                push("opinion_sd", e.clone(), Probe::OpinionSd(c, d));
                push("polarization", e.clone(), Probe::Polarization(c, d));
                push("clusters", e, Probe::Clusters(c, d));
            }
        }
    }
    let powers: Vec<(Ix, &str)> = s
        .actors
        .iter()
        .filter(|a| a.kind == ActorKind::ExternalPower)
        .enumerate()
        .map(|(row, a)| (row, a.id.as_str()))
        .collect();
    for &(row, p) in &powers {
        for (c, country) in s.countries.iter().enumerate() {
            push(
                "influence",
                format!("{}/{}", p, country.id),
                Probe::Influence(row, c),
            );
        }
    }
    for (c, country) in s.countries.iter().enumerate() {
        push(
            "investor_confidence",
            country.id.clone(),
            Probe::Confidence(c),
        );
        push("growth", country.id.clone(), Probe::Growth(c));
        push("gdp", country.id.clone(), Probe::Gdp(c));
    }
    for (p, project) in s.projects.iter().enumerate() {
        push(
            "project_progress",
            project.id.clone(),
            Probe::ProjectProgress(p),
        );
        push(
            "project_operation",
            project.id.clone(),
            Probe::ProjectOperation(p),
        );
    }
    for (r, route) in s.routes.iter().enumerate() {
        push("route_volume", route.id.clone(), Probe::RouteVolume(r));
    }
    push("tension", "region".to_string(), Probe::Tension);
    for (i, issue) in s.issues.iter().enumerate() {
        push("issue_forecast", issue.id.clone(), Probe::IssueForecast(i));
        push("issue_median", issue.id.clone(), Probe::IssueMedian(i));
        push("issue_spread", issue.id.clone(), Probe::IssueSpread(i));
    }
    for (a, actor) in s.actors.iter().enumerate() {
        if actor.kind == ActorKind::Party {
            push("party_support", actor.id.clone(), Probe::PartySupport(a));
        }
    }
    for (c, country) in s.countries.iter().enumerate() {
        let parties = super::voters::country_parties(s, &country.id);
        if parties.is_empty() {
            continue;
        }
        for (k, &a) in parties.iter().enumerate() {
            push("poll", s.actors[a].id.clone(), Probe::Poll(c, k));
            push(
                "poll_decided",
                s.actors[a].id.clone(),
                Probe::PollDecided(c, k),
            );
        }
        push("undecided", country.id.clone(), Probe::Undecided(c));
    }
    for (p, phase) in s.process.phases.iter().enumerate() {
        push("phase", phase.id.clone(), Probe::Phase(p));
    }
    for (a, actor) in s.actors.iter().enumerate() {
        let mut kinds: Vec<usize> = actor.actions.iter().map(action_kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for k in kinds {
            push(
                "actions",
                format!("{}/{}", actor.id, ACTION_NAMES[k]),
                Probe::Actions(a, k),
            );
        }
    }
    for (a, actor) in s.actors.iter().enumerate() {
        push("budget_use", actor.id.clone(), Probe::BudgetUse(a));
    }
    for (a, actor) in s.actors.iter().enumerate() {
        for i in 0..actor.actions.len() {
            push(
                "action_pays",
                format!("{}/actions[{i}]", actor.id),
                Probe::ActionPays(a, i),
            );
        }
    }
    for (e, el) in s.elections.iter().enumerate() {
        for (k, p) in el.parties.iter().enumerate() {
            push(
                "vote_share",
                format!("{}/{p}", el.id),
                Probe::VoteShare(e, k),
            );
        }
        for (k, p) in el.parties.iter().enumerate() {
            push(
                "election_won",
                format!("{}/{p}", el.id),
                Probe::ElectionWon(e, k),
            );
        }
    }
    (keys, probes)
}

/// Records rows of the series: holds the probes and reusable buffers (no allocation per tick).
pub struct Recorder {
    pub probes: Vec<Probe>,
    bins: ClusterBins,
    /// Per (country, dimension): the tick's population indicators, computed at most once per tick.
    cache: Vec<Option<Indicators>>,
    dims: usize,
    config: IndicatorConfig,
    /// Per country: this tick's simulated poll (computed once per country per tick, when read).
    polls: Vec<Option<super::voters::Poll>>,
    /// Per (country, dimension): the tick's mean opinion and share above the threshold, when the
    /// world's are not current; `means_ok[c]` once country `c`'s are in.
    means: Vec<f64>,
    shares: Vec<f64>,
    means_ok: Vec<bool>,
}

impl Recorder {
    pub fn new(s: &Scenario) -> Recorder {
        Recorder {
            probes: layout(s).1,
            bins: ClusterBins::default(),
            cache: vec![None; s.countries.len() * s.dimensions.len()],
            dims: s.dimensions.len(),
            config: IndicatorConfig {
                threshold: s.record.share_threshold,
                cluster_gap: s.record.cluster_gap,
                min_cluster_share: s.record.cluster_min_share,
            },
            polls: vec![None; s.countries.len()],
            means: vec![0.0; s.countries.len() * s.dimensions.len()],
            shares: vec![0.0; s.countries.len() * s.dimensions.len()],
            means_ok: vec![false; s.countries.len()],
        }
    }

    fn pop(&mut self, w: &World, c: Ix, d: Ix) -> Indicators {
        let k = c * self.dims + d;
        if let Some(x) = self.cache[k] {
            return x;
        }
        let x = indicators(&w.countries[c].pop, d, &self.config, &mut self.bins);
        self.cache[k] = Some(x);
        x
    }

    /// Mean opinion and share above the threshold of country `c` on issue `d`: the world's if they
    /// are current (the usual case: it refreshes them after the citizens move), else all of `c`'s
    /// issues in one pass, once per tick.
    fn summary(&mut self, w: &World, c: Ix, d: Ix) -> (f64, f64) {
        if let Some((means, shares)) = w.current_summary(c) {
            return (means[d], shares[d]);
        }
        let rows = c * self.dims..(c + 1) * self.dims;
        if !self.means_ok[c] {
            w.countries[c].pop.summarise(
                self.config.threshold,
                &mut self.means[rows.clone()],
                &mut self.shares[rows.clone()],
            );
            self.means_ok[c] = true;
        }
        (self.means[rows.start + d], self.shares[rows.start + d])
    }

    fn poll(&mut self, w: &World, c: Ix) -> &super::voters::Poll {
        self.polls[c].get_or_insert_with(|| super::voters::poll(w, c))
    }

    /// Party `a`'s support (see `World::party_supports`), from the tick's poll of its country.
    fn support(&mut self, w: &World, a: Ix) -> f64 {
        let Some(c) = w.actors[a].country else {
            return 0.0;
        };
        let Some(k) = w.voters[c].parties.iter().position(|&q| q == a) else {
            return 0.0;
        };
        let p = self.poll(w, c);
        f64::from(p.nearest[k]) / f64::from(p.n.max(1))
    }

    /// Appends the current state's row to `out`.
    pub fn record(&mut self, w: &World, out: &mut Vec<f64>) {
        self.cache.iter_mut().for_each(|x| *x = None);
        self.polls.iter_mut().for_each(|x| *x = None);
        self.means_ok.iter_mut().for_each(|x| *x = false);
        for k in 0..self.probes.len() {
            out.push(self.value(w, self.probes[k]));
        }
    }

    fn value(&mut self, w: &World, p: Probe) -> f64 {
        match p {
            Probe::Opinion(c, d) => self.summary(w, c, d).0,
            Probe::OpinionSd(c, d) => self.pop(w, c, d).sd,
            Probe::OpinionShare(c, d) => self.summary(w, c, d).1,
            Probe::Polarization(c, d) => self.pop(w, c, d).polarisation,
            Probe::Clusters(c, d) => f64::from(self.pop(w, c, d).clusters),
            Probe::Influence(p, c) => w.influence(p, c),
            Probe::Confidence(c) => w.countries[c].confidence,
            Probe::Growth(c) => w.countries[c].growth,
            Probe::Gdp(c) => w.countries[c].gdp,
            Probe::ProjectProgress(p) => w.projects[p].progress,
            Probe::ProjectOperation(p) => w.operation(p),
            Probe::RouteVolume(r) => w.routes[r].volume,
            Probe::Tension => w.tension,
            Probe::IssueForecast(i) => w.issues[i].forecast,
            Probe::IssueMedian(i) => w.issues[i].median,
            Probe::IssueSpread(i) => w.issues[i].spread,
            Probe::PartySupport(a) => self.support(w, a),
            Probe::Poll(c, k) => self.poll(w, c).share(k),
            Probe::PollDecided(c, k) => self.poll(w, c).decided_share(k),
            Probe::Undecided(c) => self.poll(w, c).undecided(),
            Probe::Phase(p) => f64::from(u8::from(w.phase == p)),
            Probe::Actions(a, k) => f64::from(w.action_counts_tick[a * ACTION_KINDS + k]),
            // Nothing is decided or spent before the first month: 0 at tick 0 (the series stay finite).
            Probe::BudgetUse(_) | Probe::ActionPays(..) if w.tick == 0 => 0.0,
            Probe::BudgetUse(a) => {
                let st = &w.actors[a];
                if st.budget > 0.0 {
                    st.spent / st.budget
                } else {
                    0.0
                }
            }
            Probe::ActionPays(a, i) => f64::from(u8::from(w.action_pays[a][i])),
            Probe::VoteShare(e, k) => w.election_results[e].as_ref().map_or(0.0, |r| r.shares[k]),
            // The list leading the government, as the `ElectionWinner` outcome.
            Probe::ElectionWon(e, k) => f64::from(u8::from(
                w.election_results[e].as_ref().and_then(|r| r.lead) == Some(k),
            )),
        }
    }
}
