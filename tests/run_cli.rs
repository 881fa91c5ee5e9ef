//! The `crossroads run` / `merge` command-line contract end to end on tests/fixtures/tiny.ron.
//!
//! Every test runs the real binary (real loader and model) and runs by default.

use assert_cmd::Command;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const TINY: &str = "tests/fixtures/tiny.ron";

fn crossroads() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (header, rows)
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn fixture_is_well_formed_ron() {
    // The typed check is the loader's (`crossroads validate`); plain `ron::from_str::<Scenario>` cannot
    // read distributions (`Uniform(..)` arrives as a sequence), so only the syntax is checked here.
    let text = std::fs::read_to_string(TINY).unwrap();
    let v: ron::Value = ron::from_str(&text).unwrap();
    let s = format!("{v:?}");
    assert!(s.contains("200") && s.contains("horizon"));
}

#[test]
fn bad_shard_and_missing_file_are_usage_errors() {
    crossroads()
        .args(["run", TINY, "--shard", "3/3"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected I/N"));
    crossroads()
        .args(["merge", "/nonexistent/a", "--out", "/nonexistent/b"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not an output folder"));
}

#[test]
fn run_writes_every_documented_file_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tiny");
    crossroads()
        .args([
            "run",
            TINY,
            "--runs",
            "30",
            "--seed",
            "5",
            "--threads",
            "2",
            "--events",
            "--no-charts",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("deal"))
        .stdout(predicates::str::contains(out.display().to_string()));
    for f in [
        "manifest.json",
        "runs.csv",
        "series.csv",
        "summary.json",
        "aggregates.json",
        "scenario.ron",
        "events.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let m = manifest(&out);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["completed_runs"], 30);
    assert_eq!(m["runs"], 30);
    assert_eq!(m["seed"], 5);
    assert_eq!(m["threads"], 2);
    assert!(m["shard"].is_null());
    assert_eq!(m["scenario"]["name"], "tiny");
    assert_eq!(m["scenario"]["sha256"].as_str().unwrap().len(), 64);
    for k in [
        "crossroads_version",
        "sets",
        "started_at",
        "finished_at",
        "uncertain_params",
        "outcomes",
        "outcome_classes",
        "series",
        "error",
    ] {
        assert!(m.get(k).is_some(), "manifest lacks {k}");
    }

    let (h, rows) = csv_rows(&out.join("runs.csv"));
    assert_eq!(rows.len(), 30);
    assert_eq!(h.first().map(String::as_str), Some("run"));
    assert_eq!(h.last().map(String::as_str), Some("class"));
    for id in ["deal", "deal_month", "support_end"] {
        assert!(h.contains(&id.to_string()), "runs.csv lacks {id}: {h:?}");
    }
    assert!(h.contains(&"actors.power.budget".to_string()), "{h:?}");
    let runs: Vec<u64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(runs, (0..30).collect::<Vec<_>>());

    let (h, rows) = csv_rows(&out.join("series.csv"));
    assert_eq!(
        h,
        [
            "tick",
            "date",
            "indicator",
            "entity",
            "mean",
            "p05",
            "p25",
            "p50",
            "p75",
            "p95"
        ]
    );
    let series = m["series"].as_array().unwrap().len();
    assert_eq!(rows.len(), series * 7);
    // Tick 0 (the initial state) is dated the month before the start (docs/model.md 3.2).
    assert_eq!(&rows[0][1], "2025-12");

    let (h, _) = csv_rows(&out.join("events.csv"));
    assert_eq!(
        h,
        [
            "run",
            "tick",
            "date",
            "actor",
            "action",
            "target",
            "magnitude",
            "result"
        ]
    );

    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let deal = &s["outcomes"][0];
    assert_eq!(deal["type"], "binary");
    for k in [
        "name",
        "probability",
        "ci_low",
        "ci_high",
        "words",
        "count",
        "n",
    ] {
        assert!(deal.get(k).is_some(), "binary summary lacks {k}");
    }
    let month = &s["outcomes"][1];
    assert_eq!(month["type"], "numeric");
    for k in [
        "name", "mean", "sd", "p05", "p25", "p50", "p75", "p95", "missing", "units",
    ] {
        assert!(month.get(k).is_some(), "numeric summary lacks {k}");
    }
}

#[test]
fn existing_folder_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tiny");
    let run = |force: bool| {
        let mut c = crossroads();
        c.args([
            "run",
            TINY,
            "--runs",
            "5",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&out);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    run(false).success();
    run(false)
        .code(2)
        .stderr(predicates::str::contains("--force"));
    run(true).success();
    // --force never replaces a folder that is not an output folder
    let other = tmp.path().join("notes");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("thesis.txt"), "precious").unwrap();
    crossroads()
        .args([
            "run",
            TINY,
            "--runs",
            "5",
            "--quiet",
            "--no-charts",
            "--force",
            "--out",
        ])
        .arg(&other)
        .assert()
        .code(2);
    assert!(other.join("thesis.txt").is_file());
}

#[test]
fn sigint_leaves_a_partial_manifest_and_whole_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tiny");
    let bin = assert_cmd::cargo::cargo_bin("crossroads");
    let mut child = std::process::Command::new(bin)
        .args([
            "run",
            TINY,
            "--runs",
            "1000000",
            "--threads",
            "2",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // wait until some runs are in flight
    let t0 = Instant::now();
    while !out.join("runs.csv.tmp").exists() && t0.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let m = manifest(&out);
    assert_eq!(m["status"], "partial");
    let done = m["completed_runs"].as_u64().unwrap();
    assert!(done > 0 && done < 1_000_000);
    let (_, rows) = csv_rows(&out.join("runs.csv"));
    assert_eq!(
        rows.len() as u64,
        done,
        "runs.csv holds exactly the completed runs"
    );
    assert!(out.join("series.csv").is_file() && out.join("summary.json").is_file());
    assert!(!out.join("runs.csv.tmp").exists());
}

#[test]
fn merge_with_a_missing_shard_exits_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs = vec![];
    for i in [0, 1, 3] {
        let d = tmp.path().join(format!("s{i}"));
        crossroads()
            .args([
                "run",
                TINY,
                "--runs",
                "40",
                "--quiet",
                "--no-charts",
                "--shard",
                &format!("{i}/4"),
                "--out",
            ])
            .arg(&d)
            .assert()
            .success();
        dirs.push(d);
    }
    crossroads()
        .arg("merge")
        .args(&dirs)
        .arg("--out")
        .arg(tmp.path().join("merged"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "missing shard 2 of 4 (runs 20..30)",
        ));
    assert!(!tmp.path().join("merged").exists());
}
