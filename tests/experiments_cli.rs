//! `crossroads sweep`, `sensitivity` and `discover` end to end on the small fictional scenario and
//! the tiny fixtures: the files of the contract (docs/outputs.md), their shapes, determinism, usage
//! errors, `crossroads plot` on their folders (byte-identical charts and report), Ctrl-C (a partial
//! folder with whole files), and the scenario's `sweep:` block.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const TINY: &str = "tests/fixtures/tiny.ron";
const TINY_SWEEP: &str = "tests/fixtures/tiny_sweep.ron";

fn scenario() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/fictional.ron")
        .display()
        .to_string()
}

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Every file under `dir` (relative path -> bytes).
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// No temporary file anywhere in the folder.
fn no_tmp(dir: &Path) {
    let tmp: Vec<_> = files(dir)
        .into_keys()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "temporary files left: {tmp:?}");
}

/// Deletes charts/ and report.html, runs `crossroads plot DIR`, and checks that every file is back
/// byte for byte.
fn replot_is_identical(dir: &Path) {
    let before = files(dir);
    assert!(before.keys().any(|p| p.ends_with("report.html")));
    fs::remove_dir_all(dir.join("charts")).unwrap();
    fs::remove_file(dir.join("report.html")).unwrap();
    bin().arg("plot").arg(dir).assert().success();
    let after = files(dir);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (p, b) in &before {
        assert!(
            after[p] == *b,
            "{} differs after crossroads plot",
            p.display()
        );
    }
}

fn rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut out = vec![h];
    for rec in r.records() {
        out.push(rec.unwrap().iter().map(String::from).collect());
    }
    out
}

#[test]
fn sweep_writes_one_row_per_point_with_charts_and_is_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sw");
    let args = [
        "sweep",
        &scenario(),
        "--param",
        "actors.kael.budget=4..12",
        "--param",
        "projects.deepwater_port.cost=50..90",
        "--design",
        "grid",
        "--samples",
        "2",
        "--runs-per-point",
        "3",
        "--threads",
        "2",
        "--out",
    ];
    bin().args(args).arg(&out).assert().success();
    let r = rows(&out.join("points.csv"));
    assert_eq!(r.len(), 1 + 4);
    assert_eq!(
        &r[0][..4],
        [
            "point",
            "actors.kael.budget",
            "projects.deepwater_port.cost",
            "treaty.probability"
        ]
    );
    assert_eq!(&r[4][1..3], ["12", "90"]);
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["kind"], "sweep");
    assert_eq!(m["status"], "complete");
    assert_eq!(m["points"], 4);
    assert_eq!(m["completed_points"], 4);
    assert_eq!(m["settings_from"], "flags");
    assert!(m["started_at"].is_string() && m["finished_at"].is_string());
    assert!(
        out.join("charts/sweep_treaty_actors_kael_budget.png")
            .is_file()
    );
    assert!(out.join("charts/sweep_heatmap_treaty.svg").is_file());
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("data:image/png;base64,") && !html.contains("<script"));
    assert!(html.contains("actors.kael.budget") && html.contains("Water treaty in force"));
    replot_is_identical(&out);
    no_tmp(&out);
    // Same seed, same numbers.
    let again = tmp.path().join("sw2");
    bin()
        .args(args)
        .arg(&again)
        .arg("--no-charts")
        .assert()
        .success();
    assert_eq!(
        fs::read(out.join("points.csv")).unwrap(),
        fs::read(again.join("points.csv")).unwrap()
    );
}

#[test]
fn sweep_rejects_bad_ranges_and_paths() {
    let tmp = tempfile::tempdir().unwrap();
    for p in ["actors.kael.budget=9..1", "no.such.path=1..2"] {
        bin()
            .args([
                "sweep",
                &scenario(),
                "--param",
                p,
                "--samples",
                "2",
                "--out",
            ])
            .arg(tmp.path().join("x"))
            .assert()
            .code(2);
    }
    // The flags follow the sweep: block's rules: lo < hi, each path once.
    for (params, want) in [
        (&["actors.kael.budget=4..4"][..], "needs lo < hi"),
        (
            &["actors.kael.budget=4..5", "actors.kael.budget=1..2"][..],
            "swept twice",
        ),
    ] {
        let mut cmd = bin();
        cmd.args(["sweep", &scenario()]);
        for p in params {
            cmd.args(["--param", p]);
        }
        cmd.arg("--out")
            .arg(tmp.path().join("y"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(want));
    }
}

#[test]
fn sensitivity_writes_design_outputs_and_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("se");
    bin()
        .args([
            "sensitivity",
            &scenario(),
            "--samples",
            "4",
            "--runs-per-point",
            "2",
        ])
        .args(["--bootstrap", "20", "--threads", "2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let m = manifest(&out);
    assert_eq!(m["kind"], "sensitivity");
    assert_eq!(m["status"], "complete");
    assert_eq!(m["indices"], true);
    assert_eq!(m["completed_evaluations"], m["evaluations"]);
    let k = m["params"].as_array().unwrap().len();
    let outcomes = m["outcomes"].as_array().unwrap().len();
    assert!(k >= 2);
    let s = rows(&out.join("samples.csv"));
    assert_eq!(s.len(), 1 + 4 * (k + 2));
    assert_eq!(s[0].len(), 4 + k + outcomes);
    let idx = rows(&out.join("sensitivity.csv"));
    assert_eq!(
        idx[0],
        [
            "outcome",
            "parameter",
            "S1",
            "S1_low",
            "S1_high",
            "ST",
            "ST_low",
            "ST_high",
            "resolved",
            "note"
        ]
    );
    assert_eq!(idx.len(), 1 + k * outcomes);
    // Every defined estimate lies inside its own interval (an outcome constant over the design has
    // no indices: empty cells).
    let num = |c: &str| c.parse::<f64>().ok();
    let mut defined = 0;
    for r in &idx[1..] {
        for (est, lo, hi) in [(2, 3, 4), (5, 6, 7)] {
            if let (Some(e), Some(l), Some(h)) = (num(&r[est]), num(&r[lo]), num(&r[hi])) {
                assert!(l <= e && e <= h, "{r:?}");
                defined += 1;
            }
        }
    }
    assert!(defined > 0, "no outcome varied over the design");
    assert!(out.join("charts/sensitivity_treaty.png").is_file());
    replot_is_identical(&out);

    let mo = tmp.path().join("mo");
    bin()
        .args([
            "sensitivity",
            &scenario(),
            "--method",
            "morris",
            "--samples",
            "2",
        ])
        .args(["--runs-per-point", "2", "--no-charts", "--out"])
        .arg(&mo)
        .assert()
        .success();
    assert_eq!(rows(&mo.join("samples.csv")).len(), 1 + 2 * (k + 1));
    let mrows = rows(&mo.join("sensitivity.csv"));
    assert_eq!(mrows[0], ["outcome", "parameter", "mu_star", "mu", "sigma"]);
    // mu* is the mean of |effects|, so never below |mu|.
    for r in &mrows[1..] {
        if let (Ok(star), Ok(mu)) = (r[2].parse::<f64>(), r[3].parse::<f64>()) {
            assert!(star + 1e-12 >= mu.abs(), "{r:?}");
        }
    }
    // --no-charts: `plot` draws them later from the files.
    assert!(!mo.join("charts").exists());
    bin().arg("plot").arg(&mo).assert().success();
    assert!(mo.join("charts/sensitivity_treaty.png").is_file() && mo.join("report.html").is_file());
}

#[test]
fn discover_peels_boxes_from_a_run_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    bin()
        .args([
            "run",
            &scenario(),
            "--runs",
            "120",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&run)
        .assert()
        .success();
    let out = tmp.path().join("disc");
    bin()
        .args(["discover"])
        .arg(&run)
        .args(["--outcome", "treaty", "--out"])
        .arg(&out)
        .assert()
        .success();
    let b = rows(&out.join("boxes.csv"));
    assert_eq!(
        &b[0][..6],
        ["step", "stage", "coverage", "density", "support", "n"]
    );
    // Step 0 holds every run: full coverage and support, density = the share of cases of interest.
    let m0 = manifest(&out);
    let base_density = m0["cases_of_interest"].as_f64().unwrap() / m0["cases"].as_f64().unwrap();
    assert_eq!(&b[1][1..3], ["peel", "1"]);
    assert_eq!(b[1][4], "1");
    assert!((b[1][3].parse::<f64>().unwrap() - base_density).abs() < 1e-12);
    assert!(b.len() > 2);
    // Densities rise along the peeling; a pasted last box is denser than the box it widened.
    let density = |r: &Vec<String>| r[3].parse::<f64>().unwrap();
    let peeled: Vec<&Vec<String>> = b[1..].iter().filter(|r| r[1] == "peel").collect();
    assert!(density(peeled[peeled.len() - 1]) >= density(peeled[0]));
    let paste = b[1..].iter().find(|r| r[1] == "paste");
    assert_eq!(m0["pasted"], paste.is_some());
    if let Some(p) = paste {
        assert_eq!(p, b.last().unwrap());
        assert!(density(p) > density(peeled[peeled.len() - 1]));
    }
    assert!(out.join("charts/prim_tradeoff.png").is_file());
    let m = manifest(&out);
    assert_eq!(m["kind"], "discover");
    assert_eq!(m["boxes"].as_u64().unwrap() as usize, b.len() - 1);
    replot_is_identical(&out);
    // A numeric outcome needs --value.
    bin()
        .args(["discover"])
        .arg(&run)
        .args(["--outcome", "port_month"])
        .assert()
        .code(2);
}

/// Starts `crossroads ARGS --out OUT`, waits until `table`.tmp holds at least one data row, sends
/// SIGINT, and returns the exit code and stderr.
fn interrupt(args: &[&str], out: &Path, table: &str) -> (Option<i32>, String) {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
        .args(args)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = out.join(format!("{table}.tmp"));
    let t0 = Instant::now();
    while fs::read_to_string(&tmp).map_or(0, |s| s.lines().count()) < 2
        && t0.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    // The manifest says running while the table is written.
    assert_eq!(manifest(out)["status"], "running");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn sigint_leaves_a_partial_sweep_with_whole_rows_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sw");
    let total = 100_000;
    let (code, stderr) = interrupt(
        &[
            "sweep",
            TINY,
            "--param",
            "actors.power.budget=1..20",
            "--samples",
            &total.to_string(),
            "--runs-per-point",
            "2",
            "--threads",
            "2",
        ],
        &out,
        "points.csv",
    );
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted") && stderr.contains("partial"),
        "{stderr}"
    );
    let m = manifest(&out);
    assert_eq!(m["kind"], "sweep");
    assert_eq!(m["status"], "partial");
    assert!(m["finished_at"].is_string());
    let done = m["completed_points"].as_u64().unwrap();
    assert!(done >= 1 && done < total, "{done}");
    let r = rows(&out.join("points.csv"));
    assert_eq!(
        r.len() as u64,
        1 + done,
        "points.csv holds exactly the completed points"
    );
    for (i, row) in r[1..].iter().enumerate() {
        assert_eq!(row[0], i.to_string());
        assert_eq!(row.len(), r[0].len());
        let budget: f64 = row[1].parse().unwrap();
        assert!((1.0..=20.0).contains(&budget));
        let p: f64 = row[2].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
    no_tmp(&out);
    // Charts of the points that exist, and plot works on the partial folder.
    assert!(
        out.join("charts/sweep_deal_actors_power_budget.png")
            .is_file()
    );
    assert!(
        fs::read_to_string(out.join("report.html"))
            .unwrap()
            .contains("Status: partial")
    );
    replot_is_identical(&out);
}

#[test]
fn sigint_leaves_a_partial_sensitivity_without_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("se");
    let (code, stderr) = interrupt(
        &[
            "sensitivity",
            TINY,
            "--samples",
            "20000",
            "--runs-per-point",
            "2",
            "--threads",
            "2",
        ],
        &out,
        "samples.csv",
    );
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("no sensitivity.csv"), "{stderr}");
    let m = manifest(&out);
    assert_eq!(m["status"], "partial");
    assert_eq!(m["indices"], false);
    assert!(m["note"].as_str().unwrap().contains("every evaluation"));
    let done = m["completed_evaluations"].as_u64().unwrap();
    assert!(done >= 1 && done < m["evaluations"].as_u64().unwrap());
    let r = rows(&out.join("samples.csv"));
    assert_eq!(r.len() as u64, 1 + done);
    assert_eq!(&r[0][..3], ["eval", "base", "block_row"]);
    for (i, row) in r[1..].iter().enumerate() {
        assert_eq!(row[0], i.to_string());
        let deal: f64 = row[r[0].iter().position(|h| h == "deal").unwrap()]
            .parse()
            .unwrap();
        assert!((0.0..=1.0).contains(&deal));
    }
    assert!(!out.join("sensitivity.csv").exists());
    no_tmp(&out);
    replot_is_identical(&out);
}

#[test]
fn sweep_takes_the_scenario_block_and_flags_override_it() {
    let tmp = tempfile::tempdir().unwrap();
    // The block alone.
    let a = tmp.path().join("a");
    bin()
        .args([
            "sweep",
            TINY_SWEEP,
            "--threads",
            "2",
            "--no-charts",
            "--out",
        ])
        .arg(&a)
        .assert()
        .success();
    let m = manifest(&a);
    assert_eq!(m["settings_from"], "scenario");
    assert_eq!(m["design"], "lhs");
    assert_eq!(m["points"], 3);
    assert_eq!(m["runs_per_point"], 2);
    assert_eq!(m["params"][0]["path"], "actors.power.budget");
    assert_eq!(m["description"], "Does the power's budget decide the deal?");
    assert_eq!(rows(&a.join("points.csv")).len(), 1 + 3);
    // Flags override the block's fields one by one.
    let b = tmp.path().join("b");
    bin()
        .args(["sweep", TINY_SWEEP, "--design", "grid", "--samples", "2"])
        .args(["--threads", "2", "--no-charts", "--out"])
        .arg(&b)
        .assert()
        .success();
    let m = manifest(&b);
    assert_eq!(m["settings_from"], "scenario+flags");
    assert_eq!(
        (m["design"].as_str(), m["points"].as_u64()),
        (Some("grid"), Some(2))
    );
    assert_eq!(m["runs_per_point"], 2);
    let r = rows(&b.join("points.csv"));
    assert_eq!((r[1][1].as_str(), r[2][1].as_str()), ("2", "20"));
    // --param replaces the block's parameters.
    let c = tmp.path().join("c");
    bin()
        .args([
            "sweep",
            TINY_SWEEP,
            "--param",
            "actors.alpha_gov.budget=5..15",
        ])
        .args(["--threads", "2", "--no-charts", "--out"])
        .arg(&c)
        .assert()
        .success();
    let m = manifest(&c);
    assert_eq!(m["params"].as_array().unwrap().len(), 1);
    assert_eq!(m["params"][0]["path"], "actors.alpha_gov.budget");
    assert_eq!(
        (m["design"].as_str(), m["points"].as_u64()),
        (Some("lhs"), Some(3))
    );
    assert_eq!(m["description"], "");
    // Neither flags nor a block: a usage error naming both ways.
    let out = bin()
        .args(["sweep", TINY, "--out"])
        .arg(tmp.path().join("d"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("--param") && stderr.contains("sweep:"),
        "{stderr}"
    );
    assert!(!tmp.path().join("d").exists());
}

#[test]
fn a_sweep_block_does_not_change_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |file: &str, name: &str| {
        let out = tmp.path().join(name);
        bin()
            .args([
                "run",
                file,
                "--runs",
                "6",
                "--threads",
                "2",
                "--quiet",
                "--no-charts",
            ])
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (plain, swept) = (run(TINY, "plain"), run(TINY_SWEEP, "swept"));
    for f in ["runs.csv", "series.csv", "summary.json", "aggregates.json"] {
        assert!(
            fs::read(plain.join(f)).unwrap() == fs::read(swept.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn sweep_and_sensitivity_tables_do_not_depend_on_threads() {
    let tmp = tempfile::tempdir().unwrap();
    for threads in ["1", "2"] {
        bin()
            .args(["sweep", &scenario(), "--param", "actors.kael.budget=4..12"])
            .args(["--design", "lhs", "--samples", "3", "--runs-per-point", "4"])
            .args(["--threads", threads, "--no-charts", "--out"])
            .arg(tmp.path().join(format!("sw{threads}")))
            .assert()
            .success();
        bin()
            .args(["sensitivity", &scenario(), "--samples", "2"])
            .args(["--runs-per-point", "3", "--bootstrap", "10"])
            .args(["--threads", threads, "--no-charts", "--out"])
            .arg(tmp.path().join(format!("se{threads}")))
            .assert()
            .success();
    }
    for (dir, file) in [
        ("sw", "points.csv"),
        ("se", "samples.csv"),
        ("se", "sensitivity.csv"),
    ] {
        let one = fs::read(tmp.path().join(format!("{dir}1")).join(file)).unwrap();
        let two = fs::read(tmp.path().join(format!("{dir}2")).join(file)).unwrap();
        assert!(one.len() > 50, "{file} has rows");
        assert_eq!(one, two, "{file} differs between 1 and 2 threads");
    }
}
