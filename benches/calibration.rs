//! Simulations per second during a calibration (`crossroads calibrate`) of the observed baseline
//! (scenarios/baseline_observed.ron, `--until 2026-05`: each particle is simulated up to the month of
//! the last observation used):
//!
//! - `calibration/particle`: one particle from the prior (parameters drawn, the scenario realised with
//!   them, simulated, the observations read and measured, the distance): the cost of one simulation;
//! - `calibration/abc_smc`: a small fixed ABC-SMC (48 particles, 3 generations, seed 1, 2 threads, no
//!   acceptance limit), throughput in simulations run (the proposals, the kernel, the importance
//!   weights and the parallel blocks included).
//!
//! The whole calibration of the baseline is timed with `/usr/bin/time -v crossroads calibrate ...`
//! (docs/baseline-analysis.md gives the figures and the command).

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crossroads::experiments::abc::{self, Settings};
use crossroads::experiments::calibrate;
use crossroads::model::rng::Streams;
use crossroads::scenario;

fn bench_calibration(c: &mut Criterion) {
    let r = scenario::load(Path::new("scenarios/baseline_observed.ron"), &[])
        .expect("baseline_observed loads");
    let plan = calibrate::plan(&r, Some("2026-05")).expect("a calibration plan");
    let nodes = calibrate::dist_segments(&r);
    let sim = |theta: &[f64], streams: &Streams| {
        calibrate::evaluate(&r, &nodes, &plan.targets, theta, streams)
    };
    let mut g = c.benchmark_group("calibration");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));

    let streams = Streams::new(1, 0);
    let theta: Vec<f64> = plan
        .priors
        .iter()
        .map(|p| {
            p.dist
                .sample(&mut streams.get(&format!("param/{}", p.name)))
        })
        .collect();
    g.throughput(Throughput::Elements(1));
    g.bench_function("particle", |b| {
        b.iter(|| {
            black_box(
                sim(black_box(&theta), &streams)
                    .expect("simulates")
                    .distance,
            )
        })
    });

    let settings = Settings {
        particles: 48,
        generations: 3,
        min_acceptance: 0.0,
        ess_fraction: abc::DEFAULT_ESS_FRACTION,
        kernel: abc::KernelKind::default(),
        seed: 1,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool");
    let stop = AtomicBool::new(false);
    let smc = || abc::run(&plan.priors, &settings, &pool, &sim, &stop, &mut |_| {});
    // The same simulations every time (the calibration is deterministic): count them once.
    let (gens, _) = smc();
    let sims: u64 = gens.iter().map(|g| g.simulations_run).sum();
    g.throughput(Throughput::Elements(sims));
    g.bench_function("abc_smc", |b| b.iter(|| black_box(smc().0.len())));
    g.finish();
}

criterion_group!(benches, bench_calibration);
criterion_main!(benches);
