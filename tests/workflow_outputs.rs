//! The researcher's outputs of issue 14 end to end on the tiny fixture: quantiles in series.csv and
//! summary.json against the exact order statistics of the runs (runs_series.csv, runs.csv), the
//! exact joint counts of summary.json, per-run series byte-identical across threads and shards, and
//! `crossroads drivers` on a run folder.

use assert_cmd::Command;
use std::collections::HashMap;
use std::path::Path;

const TINY: &str = "tests/fixtures/tiny.ron";
/// `batch::aggregate::SKETCH_ALPHA` and `stats::EXACT_DISTINCT`, the documented error.
const ALPHA: f64 = 0.001;
const EXACT_DISTINCT: usize = 128;

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn rows(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn run(dir: &Path, extra: &[&str]) {
    bin()
        .args([
            "run",
            TINY,
            "--runs",
            "300",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

/// numpy.quantile(v, q, method="lower") of unsorted values.
fn lower(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(q * (v.len() - 1) as f64).floor() as usize]
}

const QS: [(&str, f64); 5] = [
    ("p05", 0.05),
    ("p25", 0.25),
    ("p50", 0.5),
    ("p75", 0.75),
    ("p95", 0.95),
];

#[test]
fn quantiles_are_exact_for_few_values_and_within_alpha_otherwise() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    run(&dir, &["--per-run-series", "all"]);
    // Every run's value per (indicator, entity, tick).
    let (_, per_run) = rows(&dir.join("runs_series.csv"));
    let mut values: HashMap<(String, String, String), Vec<f64>> = HashMap::new();
    for r in &per_run {
        if let Ok(v) = r[5].parse::<f64>() {
            values
                .entry((r[3].clone(), r[4].clone(), r[1].clone()))
                .or_default()
                .push(v);
        }
    }
    let (h, series) = rows(&dir.join("series.csv"));
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (mut exact_rows, mut sketched_rows) = (0, 0);
    for r in &series {
        let key = (
            r[col("indicator")].clone(),
            r[col("entity")].clone(),
            r[col("tick")].clone(),
        );
        let Some(v) = values.get(&key) else {
            assert!(r[col("p50")].is_empty(), "{r:?}");
            continue;
        };
        let mut v = v.clone();
        let mut distinct = v.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let exact = distinct.len() <= EXACT_DISTINCT;
        let mean = r[col("mean")].parse::<f64>().unwrap();
        let mut ex = [0.0; 5];
        for (k, (name, q)) in QS.iter().enumerate() {
            let got: f64 = r[col(name)].parse().unwrap();
            let want = lower(&mut v, *q);
            ex[k] = want;
            if exact {
                assert_eq!(got, want, "{key:?} {name}: exact for few values");
            } else {
                assert!(
                    (got - want).abs() <= ALPHA * want.abs() * (1.0 + 1e-9),
                    "{key:?} {name}: {got} vs {want}"
                );
            }
        }
        // The mean lies outside p05–p95 only where the runs put it there, or within the error.
        let (p05, p95): (f64, f64) = (
            r[col("p05")].parse().unwrap(),
            r[col("p95")].parse().unwrap(),
        );
        let outside_reported = mean < p05 - ALPHA * p05.abs() || mean > p95 + ALPHA * p95.abs();
        let outside_exact = mean < ex[0] || mean > ex[4];
        assert!(
            !outside_reported || outside_exact,
            "{key:?}: mean {mean} vs {p05}..{p95}"
        );
        if exact {
            exact_rows += 1;
        } else {
            sketched_rows += 1;
        }
    }
    assert!(
        exact_rows > 0 && sketched_rows > 0,
        "{exact_rows} exact, {sketched_rows} sketched"
    );

    // summary.json: the month outcome is integer-valued, so its quantiles are whole months.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let (rh, runs) = rows(&dir.join("runs.csv"));
    for o in summary["outcomes"].as_array().unwrap() {
        if o["type"] != "numeric" {
            continue;
        }
        let c = rh
            .iter()
            .position(|x| x == o["name"].as_str().unwrap())
            .unwrap();
        let mut v: Vec<f64> = runs.iter().filter_map(|r| r[c].parse().ok()).collect();
        if v.is_empty() {
            continue;
        }
        let mut d = v.clone();
        d.sort_by(f64::total_cmp);
        d.dedup();
        for (name, q) in QS {
            let got = o[name].as_f64().unwrap();
            let want = lower(&mut v, q);
            if d.len() <= EXACT_DISTINCT {
                assert_eq!(got, want, "{} {name}", o["name"]);
            } else {
                assert!((got - want).abs() <= ALPHA * want.abs() * (1.0 + 1e-9));
            }
        }
    }
}

#[test]
fn joint_counts_are_the_runs_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    run(&dir, &[]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let (h, runs) = rows(&dir.join("runs.csv"));
    let class = h.iter().position(|x| x == "class").unwrap();
    let hit = |r: &Vec<String>, item: &str| match item.strip_prefix("class:") {
        Some(c) => r[class] == c,
        None => r[h.iter().position(|x| x == item).unwrap()] == "1",
    };
    let joint = summary["joint"].as_array().unwrap();
    assert!(!joint.is_empty());
    for j in joint {
        let (a, b) = (j["a"].as_str().unwrap(), j["b"].as_str().unwrap());
        let both = runs.iter().filter(|r| hit(r, a) && hit(r, b)).count() as u64;
        let na = runs.iter().filter(|r| hit(r, a)).count() as u64;
        assert_eq!(j["both"].as_u64(), Some(both), "{a} & {b}");
        assert_eq!(j["a_count"].as_u64(), Some(na), "{a}");
        assert_eq!(j["n"].as_u64(), Some(runs.len() as u64));
    }
}

#[test]
fn per_run_series_are_the_same_bytes_on_any_threads_and_merged_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |n: &str| tmp.path().join(n);
    run(
        &t("one"),
        &["--threads", "1", "--per-run-series", "opinion"],
    );
    run(
        &t("two"),
        &["--threads", "2", "--per-run-series", "opinion"],
    );
    for s in ["0/2", "1/2"] {
        run(
            &t(&format!("s{}", &s[..1])),
            &["--shard", s, "--per-run-series", "opinion"],
        );
    }
    bin()
        .args(["merge"])
        .arg(t("s0"))
        .arg(t("s1"))
        .arg("--out")
        .arg(t("merged"))
        .arg("--no-charts")
        .assert()
        .success();
    let bytes = |d: &str, f: &str| std::fs::read(t(d).join(f)).unwrap();
    let one = bytes("one", "runs_series.csv");
    assert!(one.len() > 1000);
    assert_eq!(one, bytes("two", "runs_series.csv"));
    assert_eq!(one, bytes("merged", "runs_series.csv"));
    assert_eq!(bytes("one", "series.csv"), bytes("merged", "series.csv"));
    assert_eq!(
        bytes("one", "summary.json"),
        bytes("merged", "summary.json")
    );
    // A selector that names nothing is a usage error naming what exists.
    let out = bin()
        .args([
            "run",
            TINY,
            "--runs",
            "2",
            "--per-run-series",
            "opinon",
            "--out",
        ])
        .arg(t("bad"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no indicator `opinon`"));
}

#[test]
fn drivers_ranks_parameters_on_a_run_folder_and_replots_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    run(&dir, &[]);
    let out = tmp.path().join("d");
    bin()
        .args(["drivers"])
        .arg(&dir)
        .args(["--bootstrap", "50", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let (h, r) = rows(&out.join("drivers.csv"));
    assert_eq!(
        h[..5],
        ["outcome", "parameter", "pawn_median", "low", "high"]
    );
    // Two uncertain parameters and the dummy, per outcome.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["kind"], "drivers");
    let outcomes = m["outcomes"].as_array().unwrap().len();
    assert_eq!(r.len(), outcomes * 3);
    assert!(r.iter().filter(|x| x[1] == "(dummy)").count() == outcomes);
    assert!(out.join("report.html").is_file());
    let before = std::fs::read(out.join("report.html")).unwrap();
    bin().arg("plot").arg(&out).assert().success();
    assert_eq!(before, std::fs::read(out.join("report.html")).unwrap());
    // An unknown outcome is a usage error.
    bin()
        .args(["drivers"])
        .arg(&dir)
        .args(["--outcome", "nope", "--out"])
        .arg(tmp.path().join("x"))
        .assert()
        .code(2);
}
