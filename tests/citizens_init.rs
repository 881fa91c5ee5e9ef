//! Citizens (issue 11 item 3): initial-opinion marginals against their analytic CDFs
//! (Kolmogorov–Smirnov), the Gaussian copula's rank correlation against Spearman's
//! `ρ_s = (6/π) asin(ρ/2)` (Kruskal 1958; Nelsen 2006 §5.1), the published cluster counts of
//! Deffuant et al. (2000) from a uniform start, the vector rule's directional effect, and the CLI
//! contract for bad correlation matrices and distributions (located errors, exit 2).

use assert_cmd::Command;
use crossroads::model::initial::{Marg, draw_population};
use crossroads::model::network::Network;
use crossroads::model::opinion::{DwParams, Population, count_clusters_unsorted, deffuant_tick};
use crossroads::model::opinion_vector::deffuant_vector_tick;
use crossroads::scenario::schema::Metric;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Kolmogorov–Smirnov statistic of `xs` against `cdf`.
fn ks(xs: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    v.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max)
}

/// KS critical value at α = 0.001 (1.95/√n).
fn ks_crit(n: usize) -> f64 {
    1.95 / (n as f64).sqrt()
}

/// Beta(2, 5) CDF in closed form: `1 − (1−x)⁶ − 6x(1−x)⁵` (independent of the crate's `beta_inc`).
fn beta25_cdf(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    1.0 - (1.0 - x).powi(6) - 6.0 * x * (1.0 - x).powi(5)
}

/// Normal CDF by the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7), independent of
/// the crate.
fn phi(z: f64) -> f64 {
    let x = z.abs() / 2f64.sqrt();
    let t = 1.0 / (1.0 + 0.3275911 * x);
    let y = 1.0
        - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
            + 0.254829592)
            * t
            * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + y)
    } else {
        0.5 * (1.0 - y)
    }
}

fn column(p: &Population, d: usize) -> Vec<f64> {
    (0..p.n).map(|i| p.opinion(i, d)).collect()
}

fn draw(n: u32, m: &[Marg], corr: Option<&[f64]>, seed: u64) -> Population {
    draw_population(n, m, corr, (0.4, 0.15), (0.3, 0.1), &mut rng(seed)).unwrap()
}

fn mixture() -> Marg {
    // 0.3 Uniform(0, 0.2) + 0.7 Beta(5, 2).
    Marg::Mixture(vec![
        (0.3, Marg::Uniform { lo: 0.0, hi: 0.2 }),
        (1.0, Marg::Beta { a: 5.0, b: 2.0 }),
    ])
}

fn mixture_cdf(x: f64) -> f64 {
    0.3 * (x / 0.2).clamp(0.0, 1.0) + 0.7 * (1.0 - beta25_cdf(1.0 - x))
}

fn tn_cdf(mean: f64, sd: f64) -> impl Fn(f64) -> f64 {
    move |x: f64| {
        let (a, b) = (phi(-mean / sd), phi((1.0 - mean) / sd));
        ((phi((x.clamp(0.0, 1.0) - mean) / sd) - a) / (b - a)).clamp(0.0, 1.0)
    }
}

#[test]
fn each_marginal_matches_its_analytic_cdf_independent_and_under_the_copula() {
    let n = 20_000;
    let margs = [
        Marg::Uniform { lo: 0.2, hi: 0.7 },
        Marg::Beta { a: 2.0, b: 5.0 },
        Marg::trunc_normal(0.3, 0.2),
        mixture(),
    ];
    let cdfs: [&dyn Fn(f64) -> f64; 4] = [
        &|x: f64| ((x - 0.2) / 0.5).clamp(0.0, 1.0),
        &beta25_cdf,
        &tn_cdf(0.3, 0.2),
        &mixture_cdf,
    ];
    // A valid 4 × 4 correlation (exchangeable 0.4).
    let mut r = [0.4; 16];
    for d in 0..4 {
        r[d * 4 + d] = 1.0;
    }
    let mut bad = Vec::new();
    for corr in [None, Some(&r[..])] {
        let p = draw(n, &margs, corr, 7);
        for (d, cdf) in cdfs.iter().enumerate() {
            let k = ks(&column(&p, d), cdf);
            if k >= ks_crit(n as usize) {
                bad.push(format!(
                    "dimension {d} (correlated: {}): KS {k} ≥ {}",
                    corr.is_some(),
                    ks_crit(n as usize)
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Ranks (0-based; the draws are continuous, no ties).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    for (k, &i) in idx.iter().enumerate() {
        r[i] = k as f64;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let m = (n - 1.0) / 2.0;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - m) * (y - m);
        saa += (x - m) * (x - m);
        sbb += (y - m) * (y - m);
    }
    sab / (saa * sbb).sqrt()
}

#[test]
fn gaussian_copula_gives_the_published_rank_correlation() {
    let n = 20_000;
    let margs = [
        Marg::Beta { a: 2.0, b: 5.0 },
        mixture(),
        Marg::Uniform { lo: 0.0, hi: 1.0 },
    ];
    for (r01, r02, r12) in [(0.6, -0.5, -0.3), (0.9, 0.0, 0.0), (0.0, 0.3, 0.0)] {
        let r = [1.0, r01, r02, r01, 1.0, r12, r02, r12, 1.0];
        let p = draw(n, &margs, Some(&r), 11);
        let cols: Vec<Vec<f64>> = (0..3).map(|d| column(&p, d)).collect();
        for (i, j, rho) in [(0, 1, r01), (0, 2, r02), (1, 2, r12)] {
            let want = 6.0 / PI * (rho / 2.0f64).asin();
            let got = spearman(&cols[i], &cols[j]);
            assert!(
                (got - want).abs() < 0.02,
                "ρ = {rho} between {i} and {j}: Spearman {got}, Gaussian copula gives {want}"
            );
        }
    }
}

#[test]
fn truncated_normal_marginals_draw_as_the_legacy_start() {
    // Without a correlation, `TruncNormal(mean, sd)` takes the same draws as the mean/sd short form.
    let dims = [(0.55, 0.2), (0.3, 0.05), (0.9, 0.4)];
    let margs: Vec<Marg> = dims
        .iter()
        .map(|&(m, s)| Marg::trunc_normal(m, s))
        .collect();
    let new = draw(500, &margs, None, 3);
    let old =
        Population::truncated_normal(500, &dims, (0.4, 0.15), (0.3, 0.1), &mut rng(3)).unwrap();
    assert_eq!(new, old);
}

/// Runs vector Deffuant (one dimension, complete mixing, μ = 0.5) from a uniform start until it
/// settles; returns the number of clusters holding at least 5% of the citizens.
fn clusters_from_uniform(eps: f64, seed: u64) -> u32 {
    let n = 1000;
    let mut pop = draw(n, &[Marg::Uniform { lo: 0.0, hi: 1.0 }], None, seed);
    let net = Network::complete(n);
    let p = DwParams::new(0.5, eps, 1.0).unwrap();
    let mut r = rng(seed + 100);
    for _ in 0..300 {
        deffuant_vector_tick(&mut pop, &net, &p, Metric::Euclidean, &mut r);
    }
    count_clusters_unsorted(&column(&pop, 0), 0.02, 0.05)
}

/// Deffuant, Neau, Amblard & Weisbuch (2000), Adv. Complex Syst. 3:87 (figures of the uniform
/// start on [0, 1], 1000 agents, μ = 0.5; summarised by Lorenz 2007 as about ⌊1/(2ε)⌋ clusters):
/// ε = 0.5 gives consensus, ε = 0.2 two major clusters, ε = 0.1 four (sometimes five).
#[test]
fn deffuant_2000_cluster_counts_from_a_uniform_start() {
    for seed in 1..=5 {
        assert_eq!(clusters_from_uniform(0.5, seed), 1, "ε = 0.5, seed {seed}");
        assert_eq!(clusters_from_uniform(0.2, seed), 2, "ε = 0.2, seed {seed}");
        let c = clusters_from_uniform(0.1, seed);
        assert!(
            (4..=5).contains(&c),
            "ε = 0.1, seed {seed}: {c} major clusters"
        );
    }
}

fn pair(a: [f64; 2], b: [f64; 2]) -> Population {
    Population::from_parts(2, vec![a[0], a[1], b[0], b[1]], vec![1.0; 2], vec![0.0; 2]).unwrap()
}

#[test]
fn a_pair_far_on_one_dimension_does_not_interact() {
    let net = Network::complete(2);
    let p = DwParams::new(0.5, 0.3, 1.0).unwrap();
    // Close on dimension 0 (0.1), far on dimension 1 (0.7).
    for metric in [Metric::Euclidean, Metric::Max] {
        let mut v = pair([0.2, 0.2], [0.3, 0.9]);
        deffuant_vector_tick(&mut v, &net, &p, metric, &mut rng(1));
        assert_eq!(v.opinions, vec![0.2, 0.2, 0.3, 0.9], "{metric:?}");
    }
    // The per-dimension rule moves dimension 0.
    let mut s = pair([0.2, 0.2], [0.3, 0.9]);
    deffuant_tick(&mut s, &net, &p, &mut rng(1));
    assert_eq!(s.opinions[0], 0.25);
    assert_eq!(s.opinions[1], 0.2);
    // Close on both: both dimensions move to the midpoint (μ = 0.5).
    let mut v = pair([0.2, 0.2], [0.3, 0.3]);
    deffuant_vector_tick(&mut v, &net, &p, Metric::Euclidean, &mut rng(1));
    assert_eq!(v.opinions, vec![0.25, 0.25, 0.25, 0.25]);
    // Euclidean and Max differ: 0.25 on both gives Euclidean 0.354 > 0.3 but Max 0.25 < 0.3.
    for (metric, moves) in [(Metric::Euclidean, false), (Metric::Max, true)] {
        let mut v = pair([0.2, 0.2], [0.45, 0.45]);
        deffuant_vector_tick(&mut v, &net, &p, metric, &mut rng(1));
        assert_eq!(v.opinions[0] != 0.2, moves, "{metric:?}");
    }
}

/// Correlated dimensions put citizens closer in opinion space, so more pairs pass the vector
/// confidence test: paired on the same draws, a correlated start has more citizens move in a tick.
#[test]
fn correlated_dimensions_make_more_vector_encounters_succeed() {
    let n = 2000;
    let margs = [
        Marg::Uniform { lo: 0.0, hi: 1.0 },
        Marg::Uniform { lo: 0.0, hi: 1.0 },
    ];
    let net = Network::complete(n);
    let p = DwParams::new(0.3, 0.2, 1.0).unwrap();
    for seed in 1..=3 {
        let moved = |rho: f64| {
            let r = [1.0, rho, rho, 1.0];
            let start = draw(n, &margs, Some(&r), seed);
            let mut pop = start.clone();
            deffuant_vector_tick(&mut pop, &net, &p, Metric::Euclidean, &mut rng(seed + 50));
            (0..n)
                .filter(|&i| pop.opinion(i, 0) != start.opinion(i, 0))
                .count()
        };
        let (indep, corr) = (moved(0.0), moved(0.9));
        assert!(
            corr as f64 > 1.5 * indep as f64,
            "seed {seed}: moved {corr} with ρ = 0.9, {indep} with ρ = 0"
        );
    }
}

// ---- CLI: located errors, exit 2 ----

const FIXTURE: &str = "tests/fixtures/valid.ron";
const ANCHOR: &str =
    "opinions: [\n                    (dimension: \"peace\", mean: 0.55, sd: 0.2),";

fn mutated(to: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let src = std::fs::read_to_string(FIXTURE).unwrap();
    assert!(src.contains(ANCHOR), "anchor not in the fixture");
    let text = src.replacen(ANCHOR, to, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.ron");
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

fn line_of(text: &str, needle: &str) -> usize {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    text[..i].matches('\n').count() + 1
}

/// Replaces the anchor with `to`, runs `validate`, expects exit 2 and `FILE:LINE:` (the line of
/// `needle`) with `message`.
fn expect_error(to: &str, needle: &str, message: &str) {
    let (_d, path, text) = mutated(to);
    let out = Command::cargo_bin("crossroads")
        .unwrap()
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let prefix = format!("{}:{}:", path.display(), line_of(&text, needle));
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(message)),
        "expected `{prefix}…{message}…` in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn with_corr(rows: &str) -> String {
    format!("correlation: {rows},\n                {ANCHOR}")
}

#[test]
fn bad_correlation_matrices_are_located_errors() {
    expect_error(
        &with_corr("[[1.0, 0.5, 0.1], [0.5, 1.0, 0.1], [0.1, 0.1, 1.0]]"),
        "correlation:",
        "2 × 2",
    );
    expect_error(
        &with_corr("[[1.0, 0.5], [0.5]]"),
        "correlation:",
        "must have 2 entries",
    );
    expect_error(
        &with_corr("[[1.0, 0.5], [0.4, 1.0]]"),
        "correlation:",
        "symmetric",
    );
    expect_error(
        &with_corr("[[0.9, 0.5], [0.5, 1.0]]"),
        "correlation:",
        "diagonal",
    );
    expect_error(
        &with_corr("[[1.0, 1.5], [1.5, 1.0]]"),
        "correlation:",
        "[−1, 1]",
    );
}

#[test]
fn a_correlation_that_is_not_positive_semi_definite_is_a_located_error() {
    // Every 2 × 2 matrix with unit diagonal and entries in [−1, 1] is PSD: add a third dimension.
    let src = std::fs::read_to_string(FIXTURE).unwrap();
    let dims_at = src.find("dimensions: [").unwrap();
    let text = src.replacen(
        "dimensions: [",
        "dimensions: [\n        (id: \"third\", label: \"Third\"),",
        1,
    );
    assert!(text.len() > dims_at);
    let to = with_corr("[[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]]");
    let text = text.replacen(ANCHOR, &to, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.ron");
    std::fs::write(&path, &text).unwrap();
    let out = Command::cargo_bin("crossroads")
        .unwrap()
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let prefix = format!("{}:{}:", path.display(), line_of(&text, "correlation:"));
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains("not positive semi-definite")),
        "expected `{prefix}… not positive semi-definite …` in:\n{stderr}"
    );
}

#[test]
fn bad_distributions_are_located_errors() {
    let d = |dist: &str| {
        format!("opinions: [\n                    (dimension: \"peace\", distribution: {dist}),")
    };
    expect_error(&d("Beta(a: 0.0, b: 2.0)"), "a: 0.0", "> 0");
    expect_error(&d("Uniform(lo: 0.7, hi: 0.2)"), "hi: 0.2", "lo ≤ hi");
    expect_error(&d("Uniform(lo: -0.1, hi: 0.2)"), "lo: -0.1", "[0, 1]");
    expect_error(
        &d("Mixture([(0.0, Uniform(lo: 0.0, hi: 1.0))])"),
        "Mixture",
        "positive sum",
    );
    expect_error(
        "opinions: [\n                    (dimension: \"peace\", mean: 0.5, sd: 0.1, distribution: Beta(a: 2.0, b: 2.0)),",
        "mean: 0.5",
        "not both",
    );
    expect_error(
        "opinions: [\n                    (dimension: \"peace\", mean: 0.5),",
        "(dimension: \"peace\", mean: 0.5)",
        "needs `mean` and `sd`",
    );
}

#[test]
fn new_initialisation_fields_validate_and_run() {
    let to = with_corr("[[1.0, 0.4], [0.4, 1.0]]").replace(
        "(dimension: \"peace\", mean: 0.55, sd: 0.2),",
        "(dimension: \"peace\", distribution: Mixture([(0.4, Uniform(lo: 0.0, hi: 0.3)), \
         (0.6, Beta(a: Uniform(4.0, 6.0), b: 2.0))])),",
    );
    let (dir, path, _) = mutated(&to);
    Command::cargo_bin("crossroads")
        .unwrap()
        .arg("validate")
        .arg(&path)
        .assert()
        .success();
    Command::cargo_bin("crossroads")
        .unwrap()
        .args(["run"])
        .arg(&path)
        .args(["--runs", "4", "--seed", "1", "--no-charts", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
}
