//! Recording: the series a run writes per tick (the rows of series.csv after aggregation), in a fixed
//! layout derived from the scenario alone, so every run of a batch has the same columns.

use super::SeriesKey;
use super::compile::{Ind, Ix};
use super::opinion::{ClusterBins, IndicatorConfig, Indicators, indicators};
use super::world::{ACTION_KINDS, ACTION_NAMES, World, action_kind};
use crate::scenario::schema::{ActorKind, Scenario};

/// What one series column reads: either one of the scenario's indicators ([`Ind`], compiled from
/// the schema's `Indicator`, the one definition of what an indicator is), or a quantity only the
/// series records (a spread, a cluster count, a poll slot, a phase, a counter, an election result).
///
/// Two layers remain because a column is not always an indicator: series.csv records quantities no
/// goal or condition can name, and it reads some indicators through the recorder's per-tick caches
/// (see [`Recorder::value`]) rather than through [`World::indicator`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Probe {
    /// An indicator of the world.
    Ind(Ind),
    /// Standard deviation of opinions on a dimension in a country.
    OpinionSd(Ix, Ix),
    /// Number of opinion clusters on a dimension in a country.
    Clusters(Ix, Ix),
    /// A party's poll share among all respondents: (country, index among the country's parties).
    Poll(Ix, usize),
    /// A party's poll share among decided respondents.
    PollDecided(Ix, usize),
    /// 1 while the process is in this phase, else 0.
    Phase(Ix),
    Actions(Ix, usize),
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
    let threshold = s.record.share_threshold;
    for (c, country) in s.countries.iter().enumerate() {
        for (d, dim) in s.dimensions.iter().enumerate() {
            let e = format!("{}/{}", country.id, dim.id);
            push("opinion", e.clone(), Probe::Ind(Ind::Opinion { c, d }));
            push(
                "opinion_share",
                e.clone(),
                Probe::Ind(Ind::OpinionShare { c, d, threshold }),
            );
            if detail {
                push("opinion_sd", e.clone(), Probe::OpinionSd(c, d));
                push(
                    "polarization",
                    e.clone(),
                    Probe::Ind(Ind::Polarization { c, d }),
                );
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
                Probe::Ind(Ind::Influence { p: row, c }),
            );
        }
    }
    for (c, country) in s.countries.iter().enumerate() {
        push(
            "investor_confidence",
            country.id.clone(),
            Probe::Ind(Ind::Confidence(c)),
        );
        push("growth", country.id.clone(), Probe::Ind(Ind::Growth(c)));
        push("gdp", country.id.clone(), Probe::Ind(Ind::Gdp(c)));
    }
    for (p, project) in s.projects.iter().enumerate() {
        push(
            "project_progress",
            project.id.clone(),
            Probe::Ind(Ind::ProjectProgress(p)),
        );
        push(
            "project_operation",
            project.id.clone(),
            Probe::Ind(Ind::ProjectOperation(p)),
        );
    }
    for (r, route) in s.routes.iter().enumerate() {
        push(
            "route_volume",
            route.id.clone(),
            Probe::Ind(Ind::RouteVolume(r)),
        );
    }
    push("tension", "region".to_string(), Probe::Ind(Ind::Tension));
    for (i, issue) in s.issues.iter().enumerate() {
        push(
            "issue_forecast",
            issue.id.clone(),
            Probe::Ind(Ind::IssueForecast(i)),
        );
        push(
            "issue_median",
            issue.id.clone(),
            Probe::Ind(Ind::IssueMedian(i)),
        );
        push(
            "issue_spread",
            issue.id.clone(),
            Probe::Ind(Ind::IssueSpread(i)),
        );
    }
    for (a, actor) in s.actors.iter().enumerate() {
        if actor.kind == ActorKind::Party {
            push(
                "party_support",
                actor.id.clone(),
                Probe::Ind(Ind::PartySupport(a)),
            );
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
        push(
            "undecided",
            country.id.clone(),
            Probe::Ind(Ind::Undecided(c)),
        );
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
        push(
            "budget_use",
            actor.id.clone(),
            Probe::Ind(Ind::BudgetUse(a)),
        );
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

    /// The column's value now. Indicators are read as [`World::indicator`] reads them, except:
    /// opinion means and shares come from the tick's one summary pass, polarisation from the
    /// tick's population indicators (with the spread and clusters), party support and undecided
    /// from the tick's one poll per country, and the budget share is not clamped to 1 (the series
    /// shows an overspend; a goal or condition sees at most 1).
    fn value(&mut self, w: &World, p: Probe) -> f64 {
        match p {
            Probe::Ind(Ind::Opinion { c, d }) => self.summary(w, c, d).0,
            Probe::Ind(Ind::OpinionShare { c, d, .. }) => self.summary(w, c, d).1,
            Probe::Ind(Ind::Polarization { c, d }) => self.pop(w, c, d).polarisation,
            Probe::Ind(Ind::PartySupport(a)) => self.support(w, a),
            Probe::Ind(Ind::Undecided(c)) => self.poll(w, c).undecided(),
            // Nothing is decided or spent before the first month: 0 at tick 0 (the series stay finite).
            Probe::Ind(Ind::BudgetUse(_)) | Probe::ActionPays(..) if w.tick == 0 => 0.0,
            Probe::Ind(Ind::BudgetUse(a)) => {
                let st = &w.actors[a];
                if st.budget > 0.0 {
                    st.spent / st.budget
                } else {
                    0.0
                }
            }
            Probe::Ind(ind) => w.indicator(ind),
            Probe::OpinionSd(c, d) => self.pop(w, c, d).sd,
            Probe::Clusters(c, d) => f64::from(self.pop(w, c, d).clusters),
            Probe::Poll(c, k) => self.poll(w, c).share(k),
            Probe::PollDecided(c, k) => self.poll(w, c).decided_share(k),
            Probe::Phase(p) => f64::from(u8::from(w.phase == p)),
            Probe::Actions(a, k) => f64::from(w.action_counts_tick[a * ACTION_KINDS + k]),
            Probe::ActionPays(a, i) => f64::from(u8::from(w.action_pays[a][i])),
            Probe::VoteShare(e, k) => w.election_results[e].as_ref().map_or(0.0, |r| r.shares[k]),
            // The list leading the government, as the `ElectionWinner` outcome.
            Probe::ElectionWon(e, k) => f64::from(u8::from(
                w.election_results[e].as_ref().and_then(|r| r.lead) == Some(k),
            )),
        }
    }
}
