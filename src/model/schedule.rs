//! Time and schedule: one tick per month, phases in a fixed order. This is the model's step; read it to
//! see every mechanism in the order it runs:
//!
//! 1. events fire (`events`)
//! 2. actors decide, in a seeded random order (`decisions`)
//! 3. actions resolve, in decision order (`actions/*`)
//! 4. citizens interact (`opinion`) and drift (`drift`); party attachments update (`voters`)
//! 5. bargaining rounds on negotiated issues (`negotiation`)
//! 6. economy, tension and influence (`economy`), then projects and routes (`projects`)
//! 7. elections held this month (`elections`)
//! 8. process transitions (`process`)
//! 9. recording (`record`, outcome trackers)
//!
//! Each mechanism draws from its own named stream (see [`super::rng`]): `schedule`, `decide/<actor>`,
//! `act/<actor>`, `citizens/<country>`, `events`, `economy/<country>`, `election/<id>`, `process`,
//! `choose/<actor>` (decided transitions and events), plus `population/<country>`, `network/<country>`
//! and `voters/<country>` at initialisation.

use super::decisions::{self, Plan, Scratch};
use super::log::RunEvent;
use super::outcomes::{self, Tracker};
use super::process::Rule;
use super::record::Recorder;
use super::rng::Streams;
use super::world::{ACTION_KINDS, World, action_kind};
use super::{Decision, ModelError, RunOptions, RunOutput};
use crate::scenario::schema::Scenario;
use rand_chacha::ChaCha8Rng;

/// Per-run random streams, one per mechanism and entity.
pub struct Rngs {
    schedule: ChaCha8Rng,
    decide: Vec<ChaCha8Rng>,
    act: Vec<ChaCha8Rng>,
    citizens: Vec<ChaCha8Rng>,
    events: ChaCha8Rng,
    elections: Vec<ChaCha8Rng>,
    process: ChaCha8Rng,
    economy: Vec<ChaCha8Rng>,
    choose: Vec<ChaCha8Rng>,
}

impl Rngs {
    pub fn new(s: &Scenario, streams: &Streams) -> Rngs {
        Rngs {
            schedule: streams.get("schedule"),
            decide: s
                .actors
                .iter()
                .map(|a| streams.get(&format!("decide/{}", a.id)))
                .collect(),
            act: s
                .actors
                .iter()
                .map(|a| streams.get(&format!("act/{}", a.id)))
                .collect(),
            citizens: s
                .countries
                .iter()
                .map(|c| streams.get(&format!("citizens/{}", c.id)))
                .collect(),
            events: streams.get("events"),
            elections: s
                .elections
                .iter()
                .map(|e| streams.get(&format!("election/{}", e.id)))
                .collect(),
            process: streams.get("process"),
            economy: s
                .countries
                .iter()
                .map(|c| streams.get(&format!("economy/{}", c.id)))
                .collect(),
            choose: s
                .actors
                .iter()
                .map(|a| streams.get(&format!("choose/{}", a.id)))
                .collect(),
        }
    }
}

/// Compiled per-run tables the step needs.
pub struct Tables {
    events: Vec<super::events::Compiled>,
    rules: Vec<Rule>,
    election_ticks: Vec<i64>,
    drift: Vec<super::drift::Term>,
}

/// One run in progress: the world plus everything its step needs (Mesa-style: a state and a step).
/// [`simulate`] drives it to the horizon; benches and tests can step it month by month.
pub struct Simulation<'s> {
    pub world: World<'s>,
    rngs: Rngs,
    tables: Tables,
    recorder: Recorder,
    series: Vec<f64>,
    tracker: Tracker,
    citizens: Vec<super::citizens::Rule>,
    scratch: Scratch,
    plans: Vec<Plan>,
    order: Vec<usize>,
    decisions: Vec<Decision>,
    opts: RunOptions,
}

impl<'s> Simulation<'s> {
    /// Builds the initial state (tick 0, recorded) of a realised scenario (every parameter fixed).
    pub fn new(s: &'s Scenario, streams: &Streams, opts: &RunOptions) -> Result<Self, ModelError> {
        let w = World::new(s, streams, opts.events)?;
        let tables = Tables {
            events: super::events::compile(&w)?,
            rules: super::process::compile(&w)?,
            election_ticks: s
                .elections
                .iter()
                .map(|e| w.ids().month(&e.month))
                .collect::<Result<_, _>>()?,
            drift: super::drift::compile(&w)?,
        };
        let recorder = Recorder::new(s);
        let series = Vec::with_capacity((s.run.horizon as usize + 1) * recorder.probes.len());
        let mut sim = Simulation {
            rngs: Rngs::new(s, streams),
            tables,
            tracker: Tracker::new(&w)?,
            citizens: super::citizens::compile(&w)?,
            world: w,
            recorder,
            series,
            scratch: Scratch::default(),
            plans: Vec::new(),
            order: (0..s.actors.len()).collect(),
            decisions: Vec::new(),
            opts: *opts,
        };
        record_tick(
            &sim.world,
            &mut sim.recorder,
            &mut sim.series,
            &mut sim.tracker,
        );
        Ok(sim)
    }

    /// Simulates one month and records its state.
    pub fn step(&mut self) -> Result<(), ModelError> {
        step(
            &mut self.world,
            &self.tables,
            &mut self.rngs,
            &mut self.scratch,
            &mut self.citizens,
            &mut self.plans,
            &mut self.order,
            &self.opts,
            &mut self.decisions,
        )?;
        record_tick(
            &self.world,
            &mut self.recorder,
            &mut self.series,
            &mut self.tracker,
        );
        Ok(())
    }

    /// Outcomes, class, series and events of the run so far.
    pub fn finish(mut self) -> Result<RunOutput, ModelError> {
        let values = outcomes::compute(&self.world, &self.tracker)?;
        let class = outcomes::classify(&self.world, &values);
        Ok(RunOutput {
            params: Vec::new(),
            outcomes: values,
            class,
            series: self.series,
            events: {
                let s = self.world.s;
                let log = self.world.log.take().unwrap_or_default();
                log.iter().map(|(t, e)| super::log::row(s, *t, e)).collect()
            },
            decisions: self.decisions,
        })
    }
}

/// Simulates a realised scenario (every parameter fixed) with the run's streams, to its horizon.
pub fn simulate(
    s: &Scenario,
    streams: &Streams,
    opts: &RunOptions,
) -> Result<RunOutput, ModelError> {
    let mut sim = Simulation::new(s, streams, opts)?;
    for _ in 0..s.run.horizon {
        sim.step()?;
    }
    sim.finish()
}

fn record_tick(w: &World, recorder: &mut Recorder, series: &mut Vec<f64>, tracker: &mut Tracker) {
    recorder.record(w, series);
    tracker.observe(w);
}

/// One month.
#[allow(clippy::too_many_arguments)]
fn step(
    w: &mut World,
    t: &Tables,
    rngs: &mut Rngs,
    scratch: &mut Scratch,
    citizens: &mut [super::citizens::Rule],
    plans: &mut Vec<Plan>,
    order: &mut [usize],
    opts: &RunOptions,
    decisions_log: &mut Vec<Decision>,
) -> Result<(), ModelError> {
    w.tick += 1;
    let month = w.tick as i64 - 1;
    w.action_counts_tick.iter_mut().for_each(|c| *c = 0);
    for a in w.actors.iter_mut() {
        a.spent = 0.0;
    }
    // 1. events
    super::events::step(w, &t.events, &mut rngs.events, &mut rngs.choose);
    w.refresh_derived();
    // 2. decisions, actors in a seeded random order (Fisher–Yates on the `schedule` stream)
    for i in (1..order.len()).rev() {
        let j = super::rng::below(&mut rngs.schedule, i as u32 + 1) as usize;
        order.swap(i, j);
    }
    plans.clear();
    for &a in order.iter() {
        let log = if opts.explain {
            Some(&mut *decisions_log)
        } else {
            None
        };
        decisions::decide(w, a, &mut rngs.decide[a], scratch, plans, log);
        decisions::paying(scratch, &mut w.action_pays[a]);
    }
    // 3. resolution in decision order
    let s = w.s;
    for p in plans.iter() {
        let spec = &s.actors[p.actor].actions[p.entry];
        let cost = super::actions::cost(spec);
        if w.actors[p.actor].spent + cost > w.actors[p.actor].budget + 1e-9 {
            continue;
        }
        w.actors[p.actor].spent += cost;
        let k = action_kind(spec);
        w.action_counts[p.actor * ACTION_KINDS + k] += 1;
        w.action_counts_tick[p.actor * ACTION_KINDS + k] += 1;
        let out = super::actions::resolve(w, p.actor, spec, p.target, &mut rngs.act[p.actor]);
        w.emit(RunEvent::Acted {
            actor: p.actor,
            kind: k,
            target: out.target,
            magnitude: out.magnitude,
            result: out.result,
        });
    }
    // 4. citizens
    for (c, (rule, rng)) in citizens
        .iter_mut()
        .zip(rngs.citizens.iter_mut())
        .enumerate()
    {
        super::citizens::step(w, c, rule, rng);
    }
    super::drift::apply(w, &t.drift);
    super::voters::step(w);
    w.refresh_derived();
    // 5. bargaining
    super::negotiation::step(w);
    // 6. economy, projects, routes
    super::economy::step(w, &mut rngs.economy);
    super::projects::step(w);
    // 7. elections
    for (e, &m) in t.election_ticks.iter().enumerate() {
        if m == month {
            let result = super::elections::hold(w, e, &mut rngs.elections[e]);
            w.election_results[e] = Some(result);
        }
    }
    // 8. process
    super::process::step(w, &t.rules, &mut rngs.process, &mut rngs.choose);
    super::negotiation::refresh(w); // an election may have changed a state's positions
    Ok(())
}
