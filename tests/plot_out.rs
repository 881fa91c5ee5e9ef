//! `crossroads plot DIR --out NEW` (issue 14): the charts of DIR drawn into a new folder holding a
//! copy of DIR's data files; DIR itself is not touched, NEW follows the `--out`/`--force` rules of
//! every command. Real binary on tests/fixtures/tiny.ron.

use assert_cmd::Command;
use predicates::str::contains;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

/// Every file under `dir` (relative name -> bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, d: &Path, m: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, m);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                m.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut m = BTreeMap::new();
    walk(dir, dir, &mut m);
    m
}

fn manifest_files(dir: &Path) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

/// `crossroads run` of the tiny fixture into `dir`, without charts.
fn run_tiny(dir: &Path, runs: u32) {
    bin()
        .args(["run", "tests/fixtures/tiny.ron", "--quiet", "--no-charts"])
        .arg("--runs")
        .arg(runs.to_string())
        .arg("--out")
        .arg(dir)
        .assert()
        .success();
}

#[test]
fn plot_out_draws_a_copy_and_leaves_the_folder_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    run_tiny(&a, 6);
    let before = tree(&a);
    let b = tmp.path().join("b");
    bin()
        .arg("plot")
        .arg(&a)
        .arg("--out")
        .arg(&b)
        .assert()
        .success()
        .stdout(contains(b.join("charts").display().to_string()));
    assert_eq!(tree(&a), before, "plot --out must not touch DIR");

    // NEW holds DIR's data files, byte for byte, plus charts/ and report.html, all in its manifest.
    let got = tree(&b);
    for (name, bytes) in &before {
        if name != "manifest.json" {
            assert_eq!(got.get(name), Some(bytes), "{name} copied whole");
        }
    }
    assert!(got.contains_key("report.html"));
    assert!(got.keys().any(|k| k.starts_with("charts/")));
    let listed = manifest_files(&b);
    for name in got.keys().filter(|k| *k != "manifest.json") {
        assert!(listed.contains(name), "{name} listed in NEW's manifest");
    }

    // The same charts as drawing a copy of DIR in place.
    let c = tmp.path().join("c");
    fs::create_dir(&c).unwrap();
    for (name, bytes) in &before {
        let p = c.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    bin().arg("plot").arg(&c).assert().success();
    let in_place = tree(&c);
    for (name, bytes) in got.iter().filter(|(k, _)| k.starts_with("charts/")) {
        assert_eq!(in_place.get(name), Some(bytes), "{name} as drawn in place");
    }

    // NEW exists now: refused without --force, replaced with it; NEW may not be inside DIR.
    bin()
        .arg("plot")
        .arg(&a)
        .arg("--out")
        .arg(&b)
        .assert()
        .code(2)
        .stderr(contains("--force"));
    bin()
        .arg("plot")
        .arg(&a)
        .arg("--out")
        .arg(&b)
        .arg("--force")
        .assert()
        .success();
    bin()
        .arg("plot")
        .arg(&a)
        .arg("--out")
        .arg(a.join("redrawn"))
        .assert()
        .code(2);
    assert_eq!(tree(&a), before);
}

#[test]
fn plot_out_refuses_a_folder_whose_data_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    run_tiny(&a, 4);
    let runs = a.join("runs.csv");
    let mut text = fs::read_to_string(&runs).unwrap();
    let last = text.lines().last().unwrap().to_owned();
    text.push_str(&last);
    text.push('\n');
    fs::write(&runs, text).unwrap();
    let b = tmp.path().join("b");
    bin()
        .arg("plot")
        .arg(&a)
        .arg("--out")
        .arg(&b)
        .assert()
        .code(2)
        .stderr(contains("runs.csv"));
    assert!(!b.join("report.html").exists());
}
