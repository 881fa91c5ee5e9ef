//! `crossroads compare` and `crossroads run --until-ci` end to end, on tiny scenarios.

use assert_cmd::Command;
use std::path::Path;

const TINY: &str = "tests/fixtures/tiny.ron";
const QUIET: &str = "tests/fixtures/tiny_quiet_power.ron";
const LOUD: &str = "tests/fixtures/tiny_loud_power.ron";

fn crossroads() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn rows(dir: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("compare.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            h.iter().cloned().zip(x.iter().map(String::from)).collect()
        })
        .collect()
}

fn row<'a>(
    rows: &'a [std::collections::HashMap<String, String>],
    scenario: &str,
    outcome: &str,
) -> &'a std::collections::HashMap<String, String> {
    rows.iter()
        .find(|r| r["scenario"] == scenario && r["outcome"] == outcome)
        .unwrap_or_else(|| panic!("no row {scenario} {outcome}"))
}

fn f(r: &std::collections::HashMap<String, String>, k: &str) -> f64 {
    r[k].parse().unwrap()
}

fn compare(args: &[&str], out: &Path) {
    crossroads()
        .arg("compare")
        .args(args)
        .args(["--threads", "2", "--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn a_scenario_against_itself_differs_by_exactly_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("self");
    compare(&[TINY, TINY, "--runs", "60"], &out);
    let rs = rows(&out);
    let others: Vec<_> = rs.iter().filter(|r| r["scenario"] == "tiny_2").collect();
    assert_eq!(others.len(), 3);
    for r in others {
        if r["diff_low"].is_empty() {
            continue; // deal_month: fewer than two runs with a deal in both
        }
        for k in ["diff", "diff_low", "diff_high"] {
            assert_eq!(r[k], "0", "{k} of {}", r["outcome"]);
        }
        assert_eq!(r["distinguishable"], "false");
    }
    for name in [
        "compare.csv",
        "compare.json",
        "compare.html",
        "manifest.json",
        "charts/forest.png",
        "charts/forest.svg",
    ] {
        assert!(out.join(name).is_file(), "{name}");
    }
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(!html.contains("<script"));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["status"], "complete");
    assert_eq!(m["runs"], 60);
    assert_eq!(m["seed"], 7);
    assert_eq!(m["scenarios"].as_array().unwrap().len(), 2);
    assert_eq!(m["scenarios"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_louder_power_lowers_support_distinguishably_and_pairing_narrows_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    compare(&[QUIET, LOUD, "--runs", "80", "--seed", "3"], &out);
    let rs = rows(&out);
    let s = row(&rs, "tiny_loud_power", "support_end");
    assert!(f(s, "diff") < 0.0 && f(s, "diff_high") < 0.0);
    assert_eq!(s["distinguishable"], "true");
    let paired = f(s, "diff_high") - f(s, "diff_low");
    let unpaired = f(s, "unpaired_high") - f(s, "unpaired_low");
    assert!(paired < unpaired, "paired {paired} vs unpaired {unpaired}");
    let d = row(&rs, "tiny_loud_power", "deal");
    assert!(f(d, "diff") <= 0.0);
    let paired = f(d, "diff_high") - f(d, "diff_low");
    let unpaired = f(d, "unpaired_high") - f(d, "unpaired_low");
    assert!(paired <= unpaired, "paired {paired} vs unpaired {unpaired}");
}

#[test]
fn output_folders_give_the_same_numbers_as_scenario_files() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    for (file, dir) in [(QUIET, &a), (LOUD, &b)] {
        crossroads()
            .args([
                "run",
                file,
                "--runs",
                "40",
                "--seed",
                "5",
                "--quiet",
                "--no-charts",
            ])
            .arg("--out")
            .arg(dir)
            .assert()
            .success();
    }
    let from_files = tmp.path().join("files");
    compare(&[QUIET, LOUD, "--runs", "40", "--seed", "5"], &from_files);
    let from_dirs = tmp.path().join("dirs");
    compare(&[a.to_str().unwrap(), b.to_str().unwrap()], &from_dirs);
    let mixed = tmp.path().join("mixed");
    compare(&[a.to_str().unwrap(), LOUD], &mixed);
    let want = std::fs::read(from_files.join("compare.csv")).unwrap();
    assert_eq!(std::fs::read(from_dirs.join("compare.csv")).unwrap(), want);
    assert_eq!(std::fs::read(mixed.join("compare.csv")).unwrap(), want);

    // A folder of another seed or size is refused with exit 2.
    let other = tmp.path().join("other");
    crossroads()
        .args([
            "compare", QUIET, "--seed", "6", "--runs", "40", "--quiet", "--out",
        ])
        .arg(&other)
        .arg(&b)
        .assert()
        .code(2);
    crossroads()
        .args(["compare", "--runs", "41", "--quiet", "--out"])
        .arg(&other)
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2);
}

#[test]
fn until_ci_stops_at_a_block_boundary_and_equals_a_fixed_run() {
    let tmp = tempfile::tempdir().unwrap();
    let until = tmp.path().join("until");
    let out = crossroads()
        .args([
            "run",
            TINY,
            "--runs",
            "1000",
            "--until-ci",
            "0.03",
            "--no-charts",
            "--threads",
            "2",
            "--out",
        ])
        .arg(&until)
        .output()
        .unwrap();
    assert!(out.status.success());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(until.join("manifest.json")).unwrap()).unwrap();
    let runs = m["runs"].as_u64().unwrap();
    assert!(runs > 100 && runs < 1000 && runs % 100 == 0, "{runs}");
    assert_eq!(m["until_ci"]["block"], 100);
    assert_eq!(m["until_ci"]["reached"], true);
    assert!(m["until_ci"]["widest"].as_f64().unwrap() < 0.03);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{runs} runs")));

    let fixed = tmp.path().join("fixed");
    crossroads()
        .args([
            "run",
            TINY,
            "--no-charts",
            "--quiet",
            "--threads",
            "1",
            "--runs",
        ])
        .arg(runs.to_string())
        .arg("--out")
        .arg(&fixed)
        .assert()
        .success();
    for f in ["runs.csv", "series.csv", "summary.json", "aggregates.json"] {
        assert_eq!(
            std::fs::read(until.join(f)).unwrap(),
            std::fs::read(fixed.join(f)).unwrap(),
            "{f}"
        );
    }

    // The cap wins when the target is out of reach.
    let capped = tmp.path().join("capped");
    crossroads()
        .args([
            "run",
            TINY,
            "--runs",
            "150",
            "--until-ci",
            "0.001",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(&capped)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(capped.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["runs"], 150);
    assert_eq!(m["until_ci"]["reached"], false);

    crossroads()
        .args(["run", TINY, "--until-ci", "0", "--quiet", "--out"])
        .arg(tmp.path().join("bad"))
        .assert()
        .code(2);
}
