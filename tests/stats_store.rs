//! The sketch's bucket store (`stats::store::Store`, sparse then dense with widening counters)
//! against oracles: a sorted map of counts for the store, and the sparse sketch it replaced (sorted
//! `(index, count)` lists, keys from the portable logarithm) for `Sketch`'s state and quantiles, on
//! random inputs with ties, negatives, huge ranges and extreme finite values; and its memory, flat in
//! the number of values.

use std::collections::BTreeMap;

use crossroads::portable::math::ln;
use crossroads::stats::store::Store;
use crossroads::stats::{Quantiles, Sketch};
use proptest::prelude::*;

/// The sketch's fixed key range at α = 0.001 is about ±15,500; any range works for the store.
const RANGE: (i32, i32) = (-20_000, 20_000);

fn oracle_of(ops: &[(i32, u64)]) -> BTreeMap<i32, u64> {
    let mut m = BTreeMap::new();
    for &(k, n) in ops {
        *m.entry(k).or_insert(0) += n;
    }
    m
}

fn store_of(ops: &[(i32, u64)]) -> Store {
    let mut s = Store::default();
    for &(k, n) in ops {
        s.add(k, n, RANGE);
    }
    s
}

fn check(s: &Store, m: &BTreeMap<i32, u64>) -> Result<(), TestCaseError> {
    let want: Vec<(i32, u64)> = m.iter().map(|(&k, &c)| (k, c)).collect();
    prop_assert_eq!(s.nonzero().collect::<Vec<_>>(), want.clone());
    let mut rev = want;
    rev.reverse();
    prop_assert_eq!(s.nonzero().rev().collect::<Vec<_>>(), rev);
    Ok(())
}

/// Keys clustered (to turn stores dense), spread (to keep them sparse, or to stretch a dense range
/// both ways) or at the range's ends; counts of 1, small, past 2^16 and past 2^32 (to widen the
/// counters).
fn op() -> impl Strategy<Value = (i32, u64)> {
    let key = prop_oneof![
        4 => -40i32..40,
        2 => 1000i32..1300,
        1 => -3000i32..3000,
        1 => RANGE.0..=RANGE.1,
        1 => prop_oneof![Just(RANGE.0), Just(RANGE.1)],
    ];
    let n = prop_oneof![
        8 => Just(1u64),
        2 => 1u64..1000,
        1 => 60_000u64..70_000,
        1 => 4_000_000_000u64..5_000_000_000,
    ];
    (key, n)
}

/// A run of clustered keys (the store turns dense) then anything (its range grows down and up).
fn ops() -> impl Strategy<Value = Vec<(i32, u64)>> {
    (
        prop::collection::vec((-60i32..60, Just(1u64)), 0..200),
        prop::collection::vec(op(), 0..300),
    )
        .prop_map(|(mut a, b)| {
            a.extend(b);
            a
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn store_holds_the_counts_of_a_sorted_map(ops in ops()) {
        check(&store_of(&ops), &oracle_of(&ops))?;
    }

    #[test]
    fn merged_stores_hold_the_union_whatever_their_forms(
        a in ops(),
        b in ops(),
    ) {
        let mut s = store_of(&a);
        s.merge(&store_of(&b), RANGE);
        let mut all = a.clone();
        all.extend(&b);
        check(&s, &oracle_of(&all))?;
        // The rebuilt store (deserialisation) is the same, and equality ignores the form.
        let list: Vec<(i32, u64)> = s.nonzero().collect();
        prop_assert!(Store::from_sorted(&list, RANGE) == s);
        prop_assert!(store_of(&all) == s);
    }
}

#[test]
fn stores_turn_dense_only_when_that_is_smaller_and_widen_their_counters() {
    // A few values over a wide range stay a sparse list.
    let spread: Vec<(i32, u64)> = (0..20).map(|i| (i * 500 - 5000, 1)).collect();
    let s = store_of(&spread);
    assert!(!s.is_dense());
    assert_eq!(
        s.heap_bytes(),
        32 * 16,
        "sparse: 16 bytes a bucket (capacity 32)"
    );
    // Many values over a narrow range become one 2-byte counter per index.
    let narrow: Vec<(i32, u64)> = (0..2000).map(|i| (i % 300, 1)).collect();
    let s = store_of(&narrow);
    assert!(s.is_dense());
    assert!(s.heap_bytes() <= 2 * 400, "{}", s.heap_bytes());
    // A count past 2^16 and then past 2^32 widens the counters and keeps every count.
    let mut ops = narrow.clone();
    ops.push((7, 70_000));
    ops.push((8, 5_000_000_000));
    check(&store_of(&ops), &oracle_of(&ops)).unwrap();
    assert!(store_of(&ops).heap_bytes() >= 8 * 300);
}

// --- the sketch against the sparse sketch it replaced ----------------------------------------------

/// The sparse sketch of main before the dense store: same keys, same rank rule.
struct Oracle {
    alpha: f64,
    pos: BTreeMap<i32, u64>,
    neg: BTreeMap<i32, u64>,
    zero: u64,
    values: Vec<f64>,
}

impl Oracle {
    fn new(alpha: f64, xs: &[f64]) -> Oracle {
        let gamma = (1.0 + alpha) / (1.0 - alpha);
        let inv = 1.0 / ln(gamma);
        let key = |x: f64| (ln(x) * inv).ceil() as i32;
        let (lo, hi) = (key(1e-9), key(1e18));
        let mut o = Oracle {
            alpha,
            pos: BTreeMap::new(),
            neg: BTreeMap::new(),
            zero: 0,
            values: Vec::new(),
        };
        for &x in xs.iter().filter(|x| x.is_finite()) {
            let x = x + 0.0;
            o.values.push(x);
            if x.abs() < 1e-9 {
                o.zero += 1;
                continue;
            }
            let k = key(x.abs()).clamp(lo, hi);
            *if x > 0.0 { &mut o.pos } else { &mut o.neg }
                .entry(k)
                .or_insert(0) += 1;
        }
        o.values.sort_by(f64::total_cmp);
        o
    }

    fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.values.len() as u64;
        if n == 0 {
            return None;
        }
        let (min, max) = (self.values[0], self.values[n as usize - 1]);
        let rank = ((q * (n - 1) as f64).floor() as u64).min(n - 1);
        if rank == 0 {
            return Some(min);
        }
        if rank == n - 1 {
            return Some(max);
        }
        let gamma = (1.0 + self.alpha) / (1.0 - self.alpha);
        let value = |k: i32| 2.0 * (k as f64 * ln(gamma)).exp() / (gamma + 1.0);
        let mut seen = 0;
        for (&k, &c) in self.neg.iter().rev() {
            seen += c;
            if seen > rank {
                return Some((-value(k)).clamp(min, max));
            }
        }
        seen += self.zero;
        if seen > rank {
            return Some(0.0f64.clamp(min, max));
        }
        for (&k, &c) in &self.pos {
            seen += c;
            if seen > rank {
                return Some(value(k).clamp(min, max));
            }
        }
        unreachable!()
    }
}

fn sketch_of(alpha: f64, xs: &[f64]) -> Sketch {
    let mut s = Sketch::with_alpha(alpha);
    for &x in xs {
        s.add(x);
    }
    s
}

/// Ties (a few integers), values in a narrow band (dense stores), negatives, magnitudes from 1e-15
/// to 1e300 (the clamped ends of the fixed range), exact zeros of both signs, the extreme finite
/// values and the occasional NaN or infinity.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (-3i32..4).prop_map(f64::from),
        4 => 0.4f64..0.6,
        2 => -1e3f64..1e3,
        2 => (any::<bool>(), -15.0f64..300.0).prop_map(|(neg, e)| {
            let x = 10f64.powf(e);
            if neg { -x } else { x }
        }),
        1 => prop_oneof![
            Just(0.0),
            Just(-0.0),
            Just(f64::MAX),
            Just(f64::MIN),
            Just(f64::MIN_POSITIVE),
            Just(-f64::MIN_POSITIVE),
            Just(1e18),
            Just(1e-9),
            Just(f64::NAN),
            Just(f64::INFINITY),
        ],
    ]
}

const QS: [f64; 9] = [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0];

/// A band of values first (the stores turn dense), then anything (their ranges grow both ways).
fn values() -> impl Strategy<Value = Vec<f64>> {
    (
        prop::collection::vec(prop_oneof![0.4f64..0.6, -0.6f64..-0.4], 0..1500),
        prop::collection::vec(value(), 0..1500),
    )
        .prop_map(|(mut a, b)| {
            a.extend(b);
            a
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sketch_state_and_quantiles_equal_the_sparse_sketch(
        xs in values(),
        alpha in prop_oneof![Just(0.001), Just(0.005), Just(0.05)],
    ) {
        let s = sketch_of(alpha, &xs);
        let o = Oracle::new(alpha, &xs);
        let json: serde_json::Value = serde_json::to_value(&s).unwrap();
        let list = |m: &BTreeMap<i32, u64>| serde_json::to_value(m.iter().collect::<Vec<_>>()).unwrap();
        prop_assert_eq!(&json["pos"], &list(&o.pos));
        prop_assert_eq!(&json["neg"], &list(&o.neg));
        prop_assert_eq!(json["zero"].as_u64(), Some(o.zero));
        for q in QS {
            prop_assert_eq!(s.quantile(q).map(f64::to_bits), o.quantile(q).map(f64::to_bits), "q = {}", q);
        }
    }

    #[test]
    fn shards_in_mixed_forms_merge_to_the_whole(
        xs in values(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let whole = serde_json::to_string(&sketch_of(0.001, &xs)).unwrap();
        let mut idx: Vec<usize> = cuts.iter().map(|c| c.index(xs.len() + 1)).collect();
        idx.extend([0, xs.len()]);
        idx.sort_unstable();
        let mut merged = Sketch::with_alpha(0.001);
        for w in idx.windows(2).rev() {
            let shard: Sketch =
                serde_json::from_str(&serde_json::to_string(&sketch_of(0.001, &xs[w[0]..w[1]])).unwrap())
                    .unwrap();
            merged.merge(&shard);
        }
        prop_assert_eq!(serde_json::to_string(&merged).unwrap(), whole);
        // The quantile estimator on top: same state fed whole or merged.
        let q = |xs: &[f64]| {
            let mut q = Quantiles::with_alpha(0.001);
            xs.iter().for_each(|&x| q.add(x));
            q
        };
        let mut mq = Quantiles::with_alpha(0.001);
        for w in idx.windows(2) {
            mq.merge(&q(&xs[w[0]..w[1]]));
        }
        prop_assert_eq!(serde_json::to_string(&mq).unwrap(), serde_json::to_string(&q(&xs)).unwrap());
    }
}

/// A deterministic stream of values in `[lo, hi)` (a 64-bit LCG).
fn uniform(n: usize, lo: f64, hi: f64, seed: u64) -> impl Iterator<Item = f64> {
    let mut s = seed;
    (0..n).map(move |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
    })
}

#[test]
fn sketch_memory_is_flat_in_the_number_of_values() {
    // A share in [0.2, 0.8] at α = 0.001: ln 4 / ln γ ≈ 693 buckets, under 2 kB of 2-byte counters
    // with the room kept for growth (the sparse store held 16 bytes a bucket: about 11 kB), the same
    // for 10^4 and 10^6 values.
    let mut s = Sketch::with_alpha(0.001);
    let mut xs = uniform(1_000_000, 0.2, 0.8, 9);
    xs.by_ref().take(10_000).for_each(|x| s.add(x));
    let small = s.heap_bytes();
    xs.for_each(|x| s.add(x));
    let large = s.heap_bytes();
    assert!(small <= 2 * 900, "{small} bytes at 10^4 values");
    assert_eq!(large, small, "10^6 values hold the same memory as 10^4");
    assert_eq!(s.bucket_count(), 694);
    // Values spread thinly over a wide range stay a sparse list: a handful of values costs a
    // handful of buckets, not the range.
    let s = sketch_of(0.001, &[1e-6, 1e-3, 1.0, 1e3, 1e6]);
    assert!(s.heap_bytes() <= 8 * 16, "{}", s.heap_bytes());
}
