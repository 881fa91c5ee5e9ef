//! `crossroads compare` and `crossroads run --until-ci` end to end, on tiny scenarios.

use assert_cmd::Command;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

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

/// The records of a CSV file (header left out), each as its fields.
fn records(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// compare's series.csv rows of one scenario, without the leading `scenario` column.
fn series_of(dir: &Path, scenario: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(dir.join("series.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        h.join(","),
        "scenario,tick,date,indicator,entity,mean,p05,p25,p50,p75,p95"
    );
    records(&dir.join("series.csv"))
        .into_iter()
        .filter(|r| r[0] == scenario)
        .map(|r| r[1..].to_vec())
        .collect()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Every file under `dir` (relative path, bytes), sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
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
    let mut checked = 0;
    for r in others {
        if r["diff_low"].is_empty() {
            continue; // deal_month: fewer than two runs with a deal in both
        }
        checked += 1;
        for k in ["diff", "diff_low", "diff_high"] {
            assert_eq!(r[k], "0", "{k} of {}", r["outcome"]);
        }
        assert_eq!(r["distinguishable"], "false");
    }
    assert!(checked >= 2, "only {checked} rows had a paired interval");
    for name in [
        "compare.csv",
        "compare.json",
        "series.csv",
        "report.html",
        "manifest.json",
        "charts/forest.png",
        "charts/forest.svg",
        "charts/overlay_opinion.png",
        "charts/overlay_opinion.svg",
    ] {
        assert!(out.join(name).is_file(), "{name}");
    }
    assert!(!out.join("compare.html").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"));
    // The same scenario on the same streams: the same series, row for row.
    let a = series_of(&out, "tiny");
    // 12 series, plus budget_use and action_pays for each of the two actors.
    assert_eq!(a.len(), 16 * 7, "16 series x 7 ticks");
    assert_eq!(a, series_of(&out, "tiny_2"));
    let m = manifest(&out);
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
fn overlays_show_both_scenarios_and_plot_rebuilds_the_folder_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    compare(&[QUIET, LOUD, "--runs", "30", "--seed", "3"], &out);
    // tiny records opinion, influence (the power in alpha), investor confidence and tension.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for ind in ["opinion", "influence", "investor_confidence", "tension"] {
        for ext in ["png", "svg"] {
            assert!(out.join(format!("charts/overlay_{ind}.{ext}")).is_file());
        }
        assert!(html.contains(&format!("charts/overlay_{ind}.png")), "{ind}");
    }
    let svg = std::fs::read_to_string(out.join("charts/overlay_opinion.svg")).unwrap();
    assert!(svg.contains("tiny_quiet_power (reference)") && svg.contains("tiny_loud_power"));
    assert_eq!(
        html.matches("<figure").count(),
        html.matches("<img src=\"data:image/png;base64,").count()
    );
    // The louder power moves opinion: the two scenarios' series differ.
    assert_ne!(
        series_of(&out, "tiny_quiet_power"),
        series_of(&out, "tiny_loud_power")
    );

    // `crossroads plot` rebuilds charts/ and report.html from the files alone, byte for byte.
    let before = tree(&out);
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    crossroads().arg("plot").arg(&out).assert().success();
    let after = tree(&out);
    assert_eq!(
        before.iter().map(|f| &f.0).collect::<Vec<_>>(),
        after.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (b, a) in before.iter().zip(&after) {
        assert!(b.1 == a.1, "{} differs after plot", b.0);
    }
    // Without compare.json (a folder of an older version, whose manifest lists no such file) the
    // rows come from compare.csv: the page is rebuilt with every outcome. (A listed file that is
    // missing is refused: see tests/safety_cli.rs.)
    std::fs::remove_file(out.join("compare.json")).unwrap();
    let mpath = out.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    m["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["name"] != "compare.json");
    std::fs::write(&mpath, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    crossroads().arg("plot").arg(&out).assert().success();
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    let outcomes: std::collections::BTreeSet<String> =
        rows(&out).iter().map(|r| r["outcome"].clone()).collect();
    assert!(!outcomes.is_empty());
    for o in &outcomes {
        assert!(page.contains(o.as_str()), "{o} missing from the page");
    }
}

#[test]
fn sigint_leaves_a_partial_comparison_with_consistent_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let bin = assert_cmd::cargo::cargo_bin("crossroads");
    let runs: u64 = 1_000_000;
    let mut child = std::process::Command::new(bin)
        .args([
            "compare",
            QUIET,
            LOUD,
            "--runs",
            &runs.to_string(),
            "--threads",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The `running` manifest is written before the first run starts.
    let t0 = Instant::now();
    while !out.join("manifest.json").exists() && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(800));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let m = manifest(&out);
    assert_eq!(m["status"], "partial");
    assert_eq!(m["runs"], runs);
    let done = m["completed_runs"].as_u64().unwrap();
    assert!(done < runs, "{done}");

    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(j["runs"], done);
    for r in j["rows"].as_array().unwrap() {
        if r["kind"] == "binary" {
            assert_eq!(r["n"], done, "{r}");
        }
    }
    let rs = rows(&out);
    assert_eq!(rs.len(), 6, "3 outcomes x 2 scenarios");
    let deal = row(&rs, "tiny_quiet_power", "deal");
    if done > 0 {
        let p = f(deal, "value");
        let k = p * done as f64;
        assert!((k - k.round()).abs() < 1e-6, "a share of {done} runs: {p}");
    }
    for s in ["tiny_quiet_power", "tiny_loud_power"] {
        assert_eq!(series_of(&out, s).len(), 16 * 7, "{s}");
    }
    assert!(out.join("report.html").is_file());
    let leftovers: Vec<String> = tree(&out)
        .into_iter()
        .map(|f| f.0)
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
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
    // A folder's series are its series.csv rows; a scenario's, folded here, are the same rows.
    for (dir, name) in [(&a, "tiny_quiet_power"), (&b, "tiny_loud_power")] {
        let own = records(&dir.join("series.csv"));
        assert!(!own.is_empty());
        assert_eq!(series_of(&from_dirs, name), own, "{name}");
        assert_eq!(series_of(&from_files, name), own, "{name}");
    }
    let want = std::fs::read(from_files.join("series.csv")).unwrap();
    assert_eq!(std::fs::read(from_dirs.join("series.csv")).unwrap(), want);
    assert_eq!(std::fs::read(mixed.join("series.csv")).unwrap(), want);

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

#[test]
fn comparison_files_do_not_depend_on_threads() {
    let tmp = tempfile::tempdir().unwrap();
    for threads in ["1", "2"] {
        crossroads()
            .args(["compare", QUIET, LOUD, "--runs", "40", "--threads", threads])
            .args(["--quiet", "--out"])
            .arg(tmp.path().join(threads))
            .assert()
            .success();
    }
    for file in [
        "compare.csv",
        "compare.json",
        "series.csv",
        "report.html",
        "charts/forest.png",
    ] {
        let one = std::fs::read(tmp.path().join("1").join(file)).unwrap();
        let two = std::fs::read(tmp.path().join("2").join(file)).unwrap();
        assert_eq!(one, two, "{file} differs between 1 and 2 threads");
    }
}
