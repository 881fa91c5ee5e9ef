//! `crossroads trace`: the same (seed, run) tells the same story; `--json` is one JSON record per line;
//! `--explain` shows each decision's alternatives with probabilities; and the traced run is exactly the
//! run the batch runner makes (its outcomes equal that run's row of runs.csv).

use assert_cmd::Command;

fn trace(args: &[&str]) -> String {
    let out = Command::cargo_bin("crossroads")
        .unwrap()
        .arg("trace")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_same_seed_and_run_tell_the_same_story() {
    let a = trace(&["scenarios/baseline.ron", "--run", "3", "--seed", "9"]);
    let b = trace(&["scenarios/baseline.ron", "--run", "3", "--seed", "9"]);
    assert_eq!(a, b);
    assert!(a.contains("2026-06 (month 8)"), "month headers with dates");
    assert!(
        a.contains("Election `armenia_2026`"),
        "the election is told"
    );
    let c = trace(&["scenarios/baseline.ron", "--run", "4", "--seed", "9"]);
    assert_ne!(a, c);
}

#[test]
fn json_lines_are_records() {
    let text = trace(&["tests/fixtures/tiny.ron", "--run", "0", "--json"]);
    let recs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
        .collect();
    assert_eq!(recs[0]["type"], "run");
    assert_eq!(recs.last().unwrap()["type"], "outcomes");
    assert!(
        recs.iter()
            .any(|r| r["type"] == "event" && r["action"] == "disinformation")
    );
}

#[test]
fn explain_shows_the_alternatives_and_their_probabilities() {
    let text = trace(&[
        "tests/fixtures/tiny.ron",
        "--run",
        "0",
        "--explain",
        "--json",
    ]);
    let decisions: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["type"] == "decision")
        .collect();
    assert!(!decisions.is_empty());
    for d in &decisions {
        let options = d["options"].as_array().unwrap();
        assert!(options.iter().any(|o| o["option"] == "do nothing"));
        let total: f64 = options.iter().map(|o| o["p"].as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-9, "probabilities sum to {total}");
    }
    let prose = trace(&["tests/fixtures/tiny.ron", "--run", "0", "--explain"]);
    assert!(prose.contains("weighs:") && prose.contains("do nothing"));
}

#[test]
fn the_traced_run_is_the_batch_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    Command::cargo_bin("crossroads")
        .unwrap()
        .args([
            "run",
            "tests/fixtures/tiny.ron",
            "--runs",
            "6",
            "--seed",
            "5",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(out.join("runs.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    for run in [0usize, 4] {
        let text = trace(&[
            "tests/fixtures/tiny.ron",
            "--run",
            &run.to_string(),
            "--seed",
            "5",
            "--json",
        ]);
        let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        for (name, value) in last["outcomes"].as_object().unwrap() {
            let col = headers.iter().position(|h| h == name).unwrap();
            let cell = &rows[run][col];
            match value {
                serde_json::Value::Bool(b) => {
                    assert_eq!(cell, if *b { "1" } else { "0" }, "{name}")
                }
                serde_json::Value::Null => assert_eq!(cell, "", "{name}"),
                v => assert_eq!(cell.parse::<f64>().unwrap(), v.as_f64().unwrap(), "{name}"),
            }
        }
        for (path, value) in first["params"].as_object().unwrap() {
            let col = headers.iter().position(|h| h == path).unwrap();
            assert_eq!(
                rows[run][col].parse::<f64>().unwrap(),
                value.as_f64().unwrap(),
                "{path}"
            );
        }
    }
}
