//! The streaming aggregates' ingest speed, per value added (moved here from a wall-time test in
//! src/stats/sketch.rs: speed is measured by benches, never asserted by tests):
//!
//! - `sketch/add_drifting`: `Sketch::add` on a slowly drifting, autocorrelated series (an indicator);
//! - `sketch/add_random`: `Sketch::add` on uniform values in 0..1000;
//! - `exact_sum/add`, `moments/add`: the exact sum and the moments;
//! - `ln/portable`, `ln/std`: the project's portable logarithm (the sketch's bucket keys) against the
//!   platform's.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crossroads::portable::math::ln;
use crossroads::stats::{ExactSum, Moments, Sketch};

const N: u64 = 100_000;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("stats");
    g.throughput(Throughput::Elements(N));
    g.bench_function("sketch/add_drifting", |b| {
        b.iter(|| {
            let mut s = Sketch::new();
            let mut x = 1000.0f64;
            for i in 0..N {
                x *= 1.0 + ((i % 17) as f64 - 8.0) * 1e-4;
                s.add(x);
            }
            black_box(s.bucket_count())
        })
    });
    g.bench_function("sketch/add_random", |b| {
        b.iter(|| {
            let mut s = Sketch::new();
            let mut state = 12345u64;
            for _ in 0..N {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.add((state >> 11) as f64 * (1000.0 / (1u64 << 53) as f64));
            }
            black_box(s.bucket_count())
        })
    });
    g.bench_function("exact_sum/add", |b| {
        b.iter(|| {
            let mut e = ExactSum::new();
            for i in 0..N {
                e.add(i as f64 * 0.37);
            }
            black_box(e.value())
        })
    });
    g.bench_function("moments/add", |b| {
        b.iter(|| {
            let mut m = Moments::new();
            for i in 0..N {
                m.add(i as f64 * 0.37);
            }
            black_box(m.mean())
        })
    });
    g.bench_function("ln/portable", |b| {
        b.iter(|| (0..N).map(|i| ln(1.0 + i as f64)).sum::<f64>())
    });
    g.bench_function("ln/std", |b| {
        b.iter(|| (0..N).map(|i| (1.0 + i as f64).ln()).sum::<f64>())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
