//! The README's hold-out workflow, on the real binary: `calibrate FILE --until M`, then
//! `run FILE --posterior CAL`, then `score FORECAST --observations FILE`, each command's output folder
//! feeding the next. Checks every link: the calibration's cutoff and posterior.csv, the run's manifest
//! naming that posterior (path, hash, cutoff) and its runs drawing their parameters from its particles,
//! and the score folder scoring exactly the observations after the cutoff (taken from the run's
//! posterior when `--after` is not given) with its files (score.csv, manifest.json, report.html,
//! charts/).

mod common;

use common::folder::{bin, manifest, sha256, table};

/// Two uncertain parameters, observations in 2020-01 (growth) and 2020-02 (opinion).
const TINY: &str = "tests/fixtures/calibration_tiny.ron";

#[test]
fn calibrate_then_forecast_then_score_the_hold_out() {
    let tmp = tempfile::tempdir().unwrap();
    let (cal, fc) = (tmp.path().join("cal"), tmp.path().join("fc"));
    let sc = tmp.path().join("sc");

    // 1. Calibrate to the observations up to January (the growth only).
    bin()
        .args(["calibrate", TINY, "--until", "2020-01", "--particles", "40"])
        .args(["--generations", "3", "--threads", "2", "--quiet", "--out"])
        .arg(&cal)
        .assert()
        .success();
    let m = manifest(&cal);
    assert_eq!(m["until"], "2020-01");
    assert_eq!(m["status"], "complete");
    let ids: Vec<&str> = m["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["growth_jan"],
        "only the observations up to the cutoff"
    );
    let particles = table(&cal.join("posterior.csv"));
    assert_eq!(particles.len(), 40);

    // 2. Forecast from its posterior.
    bin()
        .args(["run", TINY, "--runs", "30", "--threads", "2", "--quiet"])
        .arg("--posterior")
        .arg(&cal)
        .arg("--out")
        .arg(&fc)
        .assert()
        .success();
    let p = &manifest(&fc)["posterior"];
    assert_eq!(p["path"], cal.display().to_string());
    assert_eq!(p["sha256"], sha256(&cal.join("posterior.csv")));
    assert_eq!(p["until"], "2020-01");
    const GROWTH: &str = "countries.land.economy.growth";
    let posterior_growth: Vec<f64> = particles
        .iter()
        .map(|r| r[GROWTH].parse().unwrap())
        .collect();
    for r in table(&fc.join("runs.csv")) {
        let g: f64 = r[GROWTH].parse().unwrap();
        assert!(
            posterior_growth.contains(&g),
            "run {}: growth {g} is not a posterior particle's",
            r["run"]
        );
    }

    // 3. Score it against the scenario's observations after the calibration's cutoff (no --after:
    // the cutoff comes from the forecast's posterior).
    let out = bin()
        .args(["score"])
        .arg(&fc)
        .args(["--observations", TINY, "--out"])
        .arg(&sc)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).unwrap();
    assert!(stdout.contains("opinion_feb"), "{stdout}");
    let s = manifest(&sc);
    assert_eq!(s["kind"], "score");
    assert_eq!(s["status"], "complete");
    assert_eq!(s["forecast"], fc.display().to_string());
    assert_eq!(s["after"], "2020-01");
    assert_eq!(s["scored"], 1);
    // The same file as the forecast's scenario, hashed the same way.
    assert_eq!(
        s["observations_sha256"],
        manifest(&fc)["scenario"]["sha256"]
    );
    let rows = table(&sc.join("score.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    let r = &rows[0];
    assert_eq!(r["observation"], "opinion_feb");
    assert_eq!(r["type"], "numeric");
    assert_eq!(r["observed"].parse::<f64>().unwrap(), 0.55);
    let crps: f64 = r["crps"].parse().unwrap();
    let pit: f64 = r["pit"].parse().unwrap();
    assert!(crps > 0.0 && crps < 0.5, "crps {crps}");
    assert!((0.0..=1.0).contains(&pit), "pit {pit}");
    assert!(sc.join("report.html").is_file() && sc.join("charts").is_dir());
    let listed: Vec<&str> = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&"score.csv") && listed.contains(&"report.html"));
}

/// `--kernel` reaches the calibration and its manifest, and a name it does not know is a usage error.
#[test]
fn the_kernel_flag_is_recorded_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let cal = tmp.path().join("cal");
    bin()
        .args(["calibrate", TINY, "--particles", "30", "--generations", "2"])
        .args(["--kernel", "local", "--quiet", "--out"])
        .arg(&cal)
        .assert()
        .success();
    assert_eq!(manifest(&cal)["kernel"], "local");
    bin()
        .args(["calibrate", TINY, "--kernel", "olcm", "--quiet", "--out"])
        .arg(tmp.path().join("bad"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected local or global"));
    assert!(!tmp.path().join("bad").exists());
}
