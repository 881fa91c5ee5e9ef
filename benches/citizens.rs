//! Citizen-layer hot path: Deffuant–Weisbuch on a Watts–Strogatz network, against the reference.
//!
//! (a) `reference`: the loop of `rust_limit` (the speed yardstick in ../shared/peers/rust_limit, copied
//!     here so the bench needs nothing outside the repository): flat opinions, CSR `u32` adjacency,
//!     Lemire bounded integers, branch-free update, ChaCha8;
//! (b) `model`: `crossroads::model::opinion::deffuant_run` on the same opinions, the same network and
//!     the same generator. Both make the same draws in the same order, so they end in the same
//!     opinions (checked once before timing): the difference is the cost of the model's loop alone;
//! (c) `model_2d`: the model with two issues (twice the opinions moved per encounter);
//! (d) `init`: initial opinions (truncated normal, the ziggurat) and the network of one country.
//!
//! 2,000 citizens, WS k = 6 p = 0.1, 60 ticks, 1 encounter per citizen per tick (120,000
//! encounters an iteration), mu = 0.5, eps = 0.2, as in `scripts/bench-engine.sh`. Throughput is
//! reported in encounters ("elements"). The whole-process comparison with the reference binary is
//! `scripts/bench-engine.sh`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crossroads::model::network::Network;
use crossroads::model::opinion::{DwParams, Population, deffuant_run};
use crossroads::model::rng::{below, uniform01};

const N: u32 = 2_000;
const K: u32 = 6;
const P: f64 = 0.1;
const TICKS: u32 = 60;
const MU: f64 = 0.5;
const EPS: f64 = 0.2;

/// `rust_limit`'s bounded integer (Lemire 2019): the same as `model::rng::below`.
#[inline(always)]
fn bounded<R: Rng>(rng: &mut R, s: u32) -> u32 {
    let mut m = (rng.next_u32() as u64) * (s as u64);
    let mut l = m as u32;
    if l < s {
        let t = s.wrapping_neg() % s;
        while l < t {
            m = (rng.next_u32() as u64) * (s as u64);
            l = m as u32;
        }
    }
    (m >> 32) as u32
}

/// `rust_limit`'s tick loop (`--scheme pairs`), with its CSR partner draw.
#[inline(never)]
fn reference_dw(x: &mut [f64], off: &[u32], nbr: &[u32], rng: &mut ChaCha8Rng) {
    let n = x.len();
    for _ in 0..TICKS {
        for _ in 0..n {
            let i = bounded(rng, n as u32) as usize;
            // SAFETY: i < n so off[i], off[i+1] exist; min degree is k/2 >= 1.
            let j = unsafe {
                let lo = *off.get_unchecked(i);
                let hi = *off.get_unchecked(i + 1);
                *nbr.get_unchecked((lo + bounded(rng, hi - lo)) as usize) as usize
            };
            // SAFETY: i < n, j < n.
            unsafe {
                let xi = *x.get_unchecked(i);
                let xj = *x.get_unchecked(j);
                let d = xj - xi;
                let m = if d.abs() < EPS { MU } else { 0.0 };
                *x.get_unchecked_mut(i) = xi + m * d;
                *x.get_unchecked_mut(j) = xj - m * d;
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let mut setup = ChaCha8Rng::seed_from_u64(2024);
    let net = Network::watts_strogatz(N, K, P, &mut setup).expect("valid WS");
    let Network::Csr(csr) = &net else {
        unreachable!("WS is stored")
    };
    let (off, nbr) = (csr.offsets().to_vec(), csr.neighbours().to_vec());
    let init: Vec<f64> = (0..N).map(|_| uniform01(&mut setup)).collect();
    let pop0 = Population::from_parts(
        1,
        init.clone(),
        vec![1.0; N as usize],
        vec![0.0; N as usize],
    )
    .expect("valid population");
    let params = DwParams::new(MU, EPS, 1.0).expect("valid DW parameters");

    // the same work: the same final opinions, bit for bit
    let mut a = init.clone();
    reference_dw(&mut a, &off, &nbr, &mut ChaCha8Rng::seed_from_u64(7));
    let mut b = pop0.clone();
    deffuant_run(
        &mut b,
        &net,
        &params,
        TICKS,
        &mut ChaCha8Rng::seed_from_u64(7),
    );
    assert_eq!(a, b.opinions, "the model's loop and the reference diverge");

    let mut g = c.benchmark_group("deffuant_ws2000_60ticks");
    g.throughput(Throughput::Elements(u64::from(N) * u64::from(TICKS)));
    g.bench_function("reference", |bch| {
        bch.iter_batched(
            || (init.clone(), ChaCha8Rng::seed_from_u64(7)),
            |(mut x, mut rng)| {
                reference_dw(&mut x, &off, &nbr, &mut rng);
                black_box(x)
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("model", |bch| {
        bch.iter_batched(
            || (pop0.clone(), ChaCha8Rng::seed_from_u64(7)),
            |(mut pop, mut rng)| {
                black_box(deffuant_run(&mut pop, &net, &params, TICKS, &mut rng));
                black_box(pop)
            },
            BatchSize::SmallInput,
        )
    });
    let mut r2 = ChaCha8Rng::seed_from_u64(3);
    let pop2 = Population::uniform(N, 2, &mut r2);
    g.bench_function("model_2d", |bch| {
        bch.iter_batched(
            || (pop2.clone(), ChaCha8Rng::seed_from_u64(7)),
            |(mut pop, mut rng)| {
                black_box(deffuant_run(&mut pop, &net, &params, TICKS, &mut rng));
                black_box(pop)
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("citizens_init_2000");
    g.throughput(Throughput::Elements(u64::from(N)));
    g.bench_function("population_truncnormal_2d", |bch| {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        bch.iter(|| {
            black_box(
                Population::truncated_normal(
                    N,
                    &[(0.5, 1.0), (0.4, 0.2)],
                    (0.4, 0.15),
                    (0.3, 0.1),
                    &mut rng,
                )
                .expect("valid"),
            )
        })
    });
    g.bench_function("watts_strogatz", |bch| {
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        bch.iter(|| black_box(Network::watts_strogatz(N, K, P, &mut rng).expect("valid")))
    });
    g.bench_function("std_normal_x4", |bch| {
        let mut rng = ChaCha8Rng::seed_from_u64(14);
        bch.iter(|| {
            let mut acc = 0.0;
            for _ in 0..4 * N {
                acc += crossroads::model::rng::std_normal(&mut rng);
            }
            black_box(acc)
        })
    });
    g.bench_function("uniform01_x4", |bch| {
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        bch.iter(|| {
            let mut acc = 0.0;
            for _ in 0..4 * N {
                acc += uniform01(&mut rng);
            }
            black_box(acc)
        })
    });
    g.bench_function("uniform_pairs_only", |bch| {
        // the generator alone: two bounded draws per encounter, as the loops make
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        bch.iter(|| {
            let mut acc = 0u32;
            for _ in 0..N {
                acc = acc.wrapping_add(below(&mut rng, N) ^ below(&mut rng, 6));
            }
            black_box(acc)
        })
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
