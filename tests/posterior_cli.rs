//! `--posterior DIR` beyond `run` (docs/outputs.md, "`compare --posterior DIR` and `sweep --posterior
//! DIR`"), on the real binary: `compare` draws each scenario's uncertain parameters from the posterior
//! where the scenario has them (the same particle for run `i` of every scenario) and names the posterior
//! and its hash in its manifest; `sweep` draws the unswept ones; `sensitivity` refuses the flag with a
//! reason (exit 2), and so does `compare` when no scenario takes any of the posterior's parameters.

mod common;

use common::folder::{bin, manifest, sha256, table};
use std::fs;
use std::path::{Path, PathBuf};

const TINY: &str = "tests/fixtures/calibration_tiny.ron";
const GROWTH: &str = "countries.land.economy.growth";

/// A small calibration of the fixture (one per test: tests run in parallel).
fn calibration(tmp: &Path) -> PathBuf {
    let cal = tmp.join("cal");
    bin()
        .args([
            "calibrate",
            TINY,
            "--particles",
            "100",
            "--generations",
            "3",
        ])
        .args([
            "--min-acceptance",
            "0",
            "--seed",
            "5",
            "--threads",
            "2",
            "-q",
        ])
        .arg("--no-charts")
        .arg("--out")
        .arg(&cal)
        .assert()
        .success();
    cal
}

/// The fixture under another name with `growth` fixed at `value` (no longer uncertain).
fn fixed_growth(tmp: &Path, name: &str, value: &str) -> PathBuf {
    let text = fs::read_to_string(TINY)
        .unwrap()
        .replace("name: \"calibration_tiny\"", &format!("name: \"{name}\""))
        .replace("growth: Uniform(0.0, 0.08)", &format!("growth: {value}"));
    assert!(text.contains(&format!("growth: {value}")));
    let p = tmp.join(format!("{name}.ron"));
    fs::write(&p, text).unwrap();
    p
}

/// The `value` of a scenario's row of compare.csv for `outcome`.
fn compare_value(dir: &Path, scenario: &str, outcome: &str) -> f64 {
    table(&dir.join("compare.csv"))
        .into_iter()
        .find(|r| r["scenario"] == scenario && r["outcome"] == outcome)
        .unwrap_or_else(|| panic!("no row {scenario} {outcome}"))["value"]
        .parse()
        .unwrap()
}

/// compare --posterior: the calibrated scenario's runs are `run --posterior`'s runs (its value is the
/// mean of their outcome), a scenario that fixes one posterior parameter still draws the other from
/// the same particle (its opinion at the start equals the calibrated scenario's, run by run, so on
/// average), and the manifest names the posterior, its hash and the parameter left out.
#[test]
fn compare_draws_each_scenario_from_the_posterior() {
    let tmp = tempfile::tempdir().unwrap();
    let cal = calibration(tmp.path());
    let fixed = fixed_growth(tmp.path(), "fixed_growth", "0.05");
    let cmp = tmp.path().join("cmp");
    bin()
        .args(["compare", TINY])
        .arg(&fixed)
        .args([
            "--runs",
            "40",
            "--seed",
            "9",
            "--no-charts",
            "-q",
            "--posterior",
        ])
        .arg(&cal)
        .arg("--out")
        .arg(&cmp)
        .assert()
        .success();
    let run = tmp.path().join("run");
    bin()
        .args([
            "run",
            TINY,
            "--runs",
            "40",
            "--seed",
            "9",
            "--no-charts",
            "-q",
        ])
        .arg("--posterior")
        .arg(&cal)
        .arg("--out")
        .arg(&run)
        .assert()
        .success();
    let runs = table(&run.join("runs.csv"));
    let mean: f64 = runs
        .iter()
        .map(|r| r["opinion_end"].parse::<f64>().unwrap())
        .sum::<f64>()
        / runs.len() as f64;
    let got = compare_value(&cmp, "calibration_tiny", "opinion_end");
    assert!((got - mean).abs() < 1e-9, "compare {got} vs run {mean}");

    // The same comparison without --posterior: the prior's runs, another value.
    let prior = tmp.path().join("prior");
    bin()
        .args(["compare", TINY])
        .arg(&fixed)
        .args(["--runs", "40", "--seed", "9", "--no-charts", "-q", "--out"])
        .arg(&prior)
        .assert()
        .success();
    let p = compare_value(&prior, "calibration_tiny", "opinion_end");
    assert!((p - got).abs() > 1e-6, "the posterior changed nothing");

    // The scenario with growth fixed draws the opinion from the same particle: its opinion at the
    // start (the drawn mean, before any encounter) matches the calibrated scenario's.
    let series = table(&cmp.join("series.csv"));
    let start = |s: &str| -> f64 {
        series
            .iter()
            .find(|r| r["scenario"] == s && r["indicator"] == "opinion" && r["tick"] == "0")
            .unwrap_or_else(|| panic!("no opinion series for {s}: {:?}", series.first()))["mean"]
            .parse()
            .unwrap()
    };
    assert!(
        (start("calibration_tiny") - start("fixed_growth")).abs() < 1e-12,
        "{} vs {}",
        start("calibration_tiny"),
        start("fixed_growth")
    );

    let m = manifest(&cmp);
    let hash = sha256(&cal.join("posterior.csv"));
    assert_eq!(m["posterior"]["sha256"], hash);
    assert_eq!(m["posterior"]["particles"], 100);
    assert_eq!(
        m["posterior_unused"],
        serde_json::json!([["fixed_growth", GROWTH]])
    );
}

/// A comparison none of whose scenarios has the posterior's parameters is refused before anything
/// runs; so is sensitivity with --posterior (Sobol needs independent inputs).
#[test]
fn posterior_refused_where_it_cannot_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let cal = calibration(tmp.path());
    let a = fixed_growth(tmp.path(), "a", "0.05");
    let text = fs::read_to_string(&a)
        .unwrap()
        .replace("mean: Uniform(0.3, 0.7)", "mean: 0.5");
    fs::write(&a, text).unwrap();
    let out = tmp.path().join("cmp");
    let e = bin()
        .args(["compare"])
        .arg(&a)
        .arg(&a)
        .args(["--runs", "5", "--no-charts", "-q", "--posterior"])
        .arg(&cal)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(err.contains("none of its parameters"), "{err}");
    assert!(!out.exists());

    let out = tmp.path().join("sens");
    let e = bin()
        .args(["sensitivity", TINY, "--samples", "4", "--posterior"])
        .arg(&cal)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(err.contains("independent inputs"), "{err}");
    assert!(!out.exists());
}

/// sweep --posterior: at a point the unswept parameter comes from the posterior, the swept one is the
/// point's value; the point's outcome equals the same scenario with that value fixed, compared with
/// --posterior (the same particles run by run), and differs from the sweep without the posterior.
#[test]
fn sweep_draws_the_unswept_parameters_from_the_posterior() {
    let tmp = tempfile::tempdir().unwrap();
    let cal = calibration(tmp.path());
    let sweep = tmp.path().join("sweep");
    let args = |out: &Path| {
        let mut c = bin();
        c.args(["sweep", TINY, "--param", &format!("{GROWTH}=0.0..0.08")])
            .args([
                "--design",
                "grid",
                "--samples",
                "2",
                "--runs-per-point",
                "30",
            ])
            .args(["--seed", "9", "--no-charts", "-q", "--out"])
            .arg(out);
        c
    };
    args(&sweep).arg("--posterior").arg(&cal).assert().success();
    let m = manifest(&sweep);
    assert_eq!(m["posterior"]["sha256"], sha256(&cal.join("posterior.csv")));
    assert_eq!(m["posterior_unused"], serde_json::json!([GROWTH]));
    let points = table(&sweep.join("points.csv"));
    let at0: f64 = points[0]["opinion_end.mean"].parse().unwrap();

    // The same point as a scenario: growth fixed at 0.0, the opinion from the posterior.
    let zero = fixed_growth(tmp.path(), "zero", "0.0");
    let cmp = tmp.path().join("cmp");
    bin()
        .args(["compare", TINY])
        .arg(&zero)
        .args([
            "--runs",
            "30",
            "--seed",
            "9",
            "--no-charts",
            "-q",
            "--posterior",
        ])
        .arg(&cal)
        .arg("--out")
        .arg(&cmp)
        .assert()
        .success();
    let want = compare_value(&cmp, "zero", "opinion_end");
    assert!((at0 - want).abs() < 1e-9, "sweep {at0} vs compare {want}");

    let plain = tmp.path().join("plain");
    args(&plain).assert().success();
    let p: f64 = table(&plain.join("points.csv"))[0]["opinion_end.mean"]
        .parse()
        .unwrap();
    assert!((p - at0).abs() > 1e-6, "the posterior changed nothing");
    assert_eq!(m["params"][0]["path"], GROWTH);
}
