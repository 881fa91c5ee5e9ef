//! Citizen-layer hot path: Deffuant–Weisbuch on a Watts–Strogatz network.
//!
//! (a) `reference`: a minimal standalone Deffuant loop written inline (Vec<Vec<u32>> adjacency,
//!     ChaCha8 with `rand`'s `random_range`), the yardstick;
//! (b) `model`: `crossroads::model::opinion::deffuant_run` on the same population and network.
//!
//! Both: 2,000 citizens, WS k = 6 p = 0.1, 60 ticks, 1 encounter per citizen per tick
//! (120,000 interactions an iteration), mu = 0.3, eps = 0.25, one dimension. Throughput is
//! reported in interactions ("elements"); ns per interaction = time / 120,000.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crossroads::model::network::Network;
use crossroads::model::opinion::{DwParams, Population, deffuant_run};

const N: u32 = 2_000;
const K: u32 = 6;
const P: f64 = 0.1;
const TICKS: u32 = 60;
const MU: f64 = 0.3;
const EPS: f64 = 0.25;

/// Watts–Strogatz written inline: ring lattice, each clockwise edge rewired with prob P.
fn inline_ws(rng: &mut ChaCha8Rng) -> Vec<Vec<u32>> {
    let n = N as usize;
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    for i in 0..n {
        for s in 1..=(K as usize / 2) {
            let j = (i + s) % n;
            adj[i].push(j as u32);
            adj[j].push(i as u32);
        }
    }
    for s in 1..=(K as usize / 2) {
        for i in 0..n {
            if rng.random::<f64>() >= P {
                continue;
            }
            let old = ((i + s) % n) as u32;
            let new = loop {
                let c = rng.random_range(0..N);
                if c as usize != i && !adj[i].contains(&c) {
                    break c;
                }
            };
            let pos = adj[i].iter().position(|&x| x == old).unwrap();
            adj[i][pos] = new;
            let pos = adj[old as usize]
                .iter()
                .position(|&x| x as usize == i)
                .unwrap();
            adj[old as usize].swap_remove(pos);
            adj[new as usize].push(i as u32);
        }
    }
    adj
}

fn reference_dw(x: &mut [f64], adj: &[Vec<u32>], rng: &mut ChaCha8Rng) {
    let n = x.len();
    for _ in 0..TICKS {
        for _ in 0..n {
            let i = rng.random_range(0..n);
            let nb = &adj[i];
            if nb.is_empty() {
                continue;
            }
            let j = nb[rng.random_range(0..nb.len())] as usize;
            let d = x[j] - x[i];
            if d.abs() < EPS {
                x[i] += MU * d;
                x[j] -= MU * d;
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let mut setup = ChaCha8Rng::seed_from_u64(2024);
    let adj = inline_ws(&mut setup);
    let init: Vec<f64> = (0..N).map(|_| setup.random::<f64>()).collect();
    let net = Network::from_adjacency(&adj).expect("valid WS adjacency");
    let pop0 = Population::from_parts(
        1,
        init.clone(),
        vec![1.0; N as usize],
        vec![0.0; N as usize],
    )
    .expect("valid population");
    let params = DwParams::new(MU, EPS, 1.0).expect("valid DW parameters");

    let mut g = c.benchmark_group("deffuant_ws2000_60ticks");
    g.throughput(Throughput::Elements(u64::from(N) * u64::from(TICKS)));
    g.bench_function("reference", |b| {
        b.iter_batched(
            || (init.clone(), ChaCha8Rng::seed_from_u64(7)),
            |(mut x, mut rng)| {
                reference_dw(&mut x, &adj, &mut rng);
                black_box(x)
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("model", |b| {
        b.iter_batched(
            || (pop0.clone(), ChaCha8Rng::seed_from_u64(7)),
            |(mut pop, mut rng)| {
                black_box(deffuant_run(&mut pop, &net, &params, TICKS, &mut rng));
                black_box(pop)
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
