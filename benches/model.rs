//! The model and the batch on the baseline scenario (scenarios/baseline.ron, default population of 2,000
//! citizens per country, 36 months):
//!
//! - `baseline/tick`: one month of the baseline from its initial state (events, decisions, actions,
//!   citizens, bargaining, economy, elections, process, recording);
//! - `baseline/party_supports`: the support of Armenia's parties (nearest platform of every citizen),
//!   which the recorder computes every month;
//! - `baseline/run`: one whole run (`model::run_one`: parameter sampling, initialisation, 36 ticks,
//!   outcomes);
//! - `batch/threads-T`: 16 runs through the batch runner with its in-order aggregation, on 1 and 2
//!   threads (throughput in runs).
//!
//! The citizen step against the standalone reference loop is `benches/citizens.rs`.

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use crossroads::batch::{self, Aggregates, BatchSpec, ModelSim, Simulate};
use crossroads::model::rng::Streams;
use crossroads::model::schedule::Simulation;
use crossroads::model::{self, RunOptions};
use crossroads::scenario;

fn baseline() -> scenario::Resolved {
    scenario::load(Path::new("scenarios/baseline.ron"), &[]).expect("baseline loads")
}

fn bench_model(c: &mut Criterion) {
    let r = baseline();
    let opts = RunOptions::default();
    let streams = Streams::new(1, 0);
    let (realised, _) = r
        .realise(&mut |p| streams.get(&format!("param/{p}")))
        .expect("realise");
    let mut g = c.benchmark_group("baseline");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(6))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function("tick", |b| {
        b.iter_batched(
            || Simulation::new(&realised, &streams, &opts).expect("init"),
            |mut sim| {
                sim.step().expect("step");
                black_box(sim.world.tension)
            },
            BatchSize::LargeInput,
        )
    });
    let sim = Simulation::new(&realised, &streams, &opts).expect("init");
    let party = realised
        .actors
        .iter()
        .position(|a| a.id == "civil_contract")
        .expect("the baseline's Civil Contract");
    g.bench_function("party_supports", |b| {
        b.iter(|| black_box(sim.world.party_supports(black_box(party))))
    });
    let mut run = 0u64;
    g.bench_function("run", |b| {
        b.iter(|| {
            run += 1;
            black_box(model::run_one(&r, 1, run, &opts).expect("run"))
        })
    });
    g.finish();
}

fn bench_batch(c: &mut Criterion) {
    let r = baseline();
    let sim = ModelSim::new(&r);
    const RUNS: u64 = 16;
    let mut g = c.benchmark_group("batch");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(RUNS));
    for threads in [1usize, 2] {
        g.bench_function(format!("threads-{threads}"), |b| {
            b.iter(|| {
                let spec = BatchSpec {
                    seed: 1,
                    first: 0,
                    end: RUNS,
                    threads,
                    window: 0,
                    opts: RunOptions::default(),
                };
                let binary: Vec<bool> = r
                    .scenario
                    .outcomes
                    .iter()
                    .map(|o| o.kind.is_binary())
                    .collect();
                let mut agg = Aggregates::new(
                    0,
                    sim.ticks(),
                    sim.layout().len(),
                    &binary,
                    r.scenario.outcome_classes.len(),
                );
                let stop = AtomicBool::new(false);
                let end = batch::run_batch(&sim, &spec, &stop, |run, out| agg.fold(run, &out));
                black_box((end.completed, agg))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_model, bench_batch);
criterion_main!(benches);
