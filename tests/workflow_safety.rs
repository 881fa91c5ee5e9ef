//! The researcher's workflow under the output-folder contract of issue 16 (tests/safety_cli.rs):
//! `drivers` folders and runs_series.csv are recorded in the manifest's `files`, `--force` deletes
//! only them, the verifying reader checks them (for `plot`, `discover`, `drivers`, `compare` and
//! `merge`), and `drivers --out` is never its input. Real binary on tests/fixtures/tiny.ron.

mod common;

use common::folder::{bin, copy_dir, manifest, readers_refuse};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::fs;
use std::path::Path;

const TINY: &str = "tests/fixtures/tiny.ron";

/// The manifest's `files`: name -> rows (None for non-tables).
fn files(dir: &Path) -> Vec<(String, Option<u64>)> {
    manifest(dir)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["rows"].as_u64()))
        .collect()
}

fn run_tiny(out: &Path, extra: &[&str]) {
    bin()
        .args([
            "run",
            TINY,
            "--runs",
            "40",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn drivers(src: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    bin()
        .arg("drivers")
        .arg(src)
        .args(["--bootstrap", "20", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

/// Removes the manifest's `files`, so only the per-kind checks can catch a problem (older folders).
fn unlist(dir: &Path) {
    let mut m = manifest(dir);
    m.as_object_mut().unwrap().remove("files");
    fs::write(dir.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
}

#[test]
fn runs_series_csv_is_listed_with_its_rows_and_force_deletes_it_as_crossroads_s() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path().join("r");
    run_tiny(&r, &["--per-run-series", "opinion"]);
    let f = files(&r);
    let m = manifest(&r);
    let per_run = m["per_run_series"].as_array().unwrap().len() as u64;
    let ticks = m["scenario"]["horizon"].as_u64().unwrap() + 1;
    assert!(per_run > 0);
    assert!(
        f.contains(&("runs_series.csv".into(), Some(40 * per_run * ticks))),
        "{f:?}"
    );
    // Replaced by a run without per-run series: the old runs_series.csv was crossroads's, it goes.
    fs::write(r.join("notes.txt"), "mine").unwrap();
    run_tiny(&r, &["--force"]);
    assert!(!r.join("runs_series.csv").exists());
    assert_eq!(fs::read_to_string(r.join("notes.txt")).unwrap(), "mine");
    // A user's runs_series.csv where crossroads would write it: refused and untouched.
    fs::write(r.join("runs_series.csv"), "my own table\n").unwrap();
    bin()
        .args(["run", TINY, "--runs", "5", "--quiet", "--no-charts"])
        .args(["--per-run-series", "opinion", "--force", "--out"])
        .arg(&r)
        .assert()
        .code(2)
        .stderr(contains("runs_series.csv"));
    assert_eq!(
        fs::read_to_string(r.join("runs_series.csv")).unwrap(),
        "my own table\n"
    );
}

#[test]
fn merged_shards_list_runs_series_csv_and_a_tampered_shard_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for i in 0..2 {
        run_tiny(
            &t.join(format!("s{i}")),
            &["--per-run-series", "tension", "--shard", &format!("{i}/2")],
        );
    }
    bin()
        .args(["merge"])
        .arg(t.join("s0"))
        .arg(t.join("s1"))
        .arg("--out")
        .arg(t.join("m"))
        .arg("--no-charts")
        .assert()
        .success();
    assert!(
        files(&t.join("m"))
            .iter()
            .any(|(n, rows)| n == "runs_series.csv" && rows.is_some())
    );
    // One value edited in a shard's runs_series.csv: its SHA-256 no longer matches.
    let p = t.join("s1/runs_series.csv");
    let text = fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut cells: Vec<String> = lines[3].split(',').map(String::from).collect();
    cells[5] = "0.123".into();
    lines[3] = cells.join(",");
    fs::write(&p, lines.join("\n") + "\n").unwrap();
    bin()
        .args(["merge"])
        .arg(t.join("s0"))
        .arg(t.join("s1"))
        .arg("--out")
        .arg(t.join("m2"))
        .arg("--no-charts")
        .assert()
        .code(2)
        .stderr(contains(
            "runs_series.csv: changed since crossroads wrote it",
        ));
    assert!(!t.join("m2").exists());
}

#[test]
fn readers_refuse_a_runs_series_csv_that_is_not_what_the_manifest_says() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    run_tiny(&good, &["--per-run-series", "opinion"]);
    let case = |name: &str, edit: &dyn Fn(&str) -> String| {
        let d = tmp.path().join(name);
        copy_dir(&good, &d);
        unlist(&d);
        let p = d.join("runs_series.csv");
        fs::write(&p, edit(&fs::read_to_string(&p).unwrap())).unwrap();
        d
    };
    let drop_line = |k: usize| {
        move |t: &str| {
            let mut l: Vec<&str> = t.lines().collect();
            l.remove(k);
            l.join("\n") + "\n"
        }
    };
    let missing_row = case("missing_row", &drop_line(5));
    let last_row = case("last_row", &|t: &str| {
        let mut l: Vec<&str> = t.lines().collect();
        l.pop();
        l.join("\n") + "\n"
    });
    let header = case("header", &|t: &str| t.replacen("value", "val", 1));
    let word = case("word", &|t: &str| {
        let mut l: Vec<String> = t.lines().map(String::from).collect();
        let mut c: Vec<String> = l[2].split(',').map(String::from).collect();
        c[5] = "high".into();
        l[2] = c.join(",");
        l.join("\n") + "\n"
    });
    for (d, want) in [
        (&missing_row, "runs_series.csv:6:"),
        (&last_row, "runs_series.csv:"),
        (&header, "runs_series.csv:1: the header must be"),
        (
            &word,
            "runs_series.csv:3: column `value`: `high` is not a number",
        ),
    ] {
        readers_refuse(d, &good, tmp.path(), want);
        drivers(d, &tmp.path().join("drv"), &[])
            .code(2)
            .stderr(contains(want));
        assert!(!tmp.path().join("drv").exists());
    }
    // The unedited folder passes all of them.
    drivers(&good, &tmp.path().join("drv"), &["--no-charts"]).success();
}

#[test]
fn drivers_out_is_never_its_input_and_the_input_stays_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path().join("r");
    run_tiny(&r, &[]);
    let before: Vec<(String, Vec<u8>)> = fs::read_dir(&r)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), fs::read(&p).unwrap())
        })
        .collect();
    for out in [r.clone(), r.join("sub"), tmp.path().to_path_buf()] {
        drivers(&r, &out, &["--force"])
            .code(2)
            .stderr(contains("input of this command"));
        for (p, b) in &before {
            assert_eq!(&fs::read(p).unwrap(), b, "{p} changed");
        }
        assert!(!r.join("sub").exists() && !r.join("drivers.csv").exists());
    }
}

#[test]
fn a_drivers_folder_lists_its_files_and_force_deletes_only_them() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path().join("r");
    run_tiny(&r, &[]);
    let d = tmp.path().join("d");
    drivers(&r, &d, &[]).success();
    let m = manifest(&d);
    assert_eq!(m["kind"], "drivers");
    assert_eq!(m["status"], "complete");
    let f = files(&d);
    let outcomes = m["outcomes"].as_array().unwrap().len() as u64;
    let params = m["params"].as_array().unwrap().len() as u64;
    assert!(
        f.contains(&("drivers.csv".into(), Some(outcomes * (params + 1)))),
        "{f:?}"
    );
    assert!(f.iter().any(|(n, _)| n == "report.html"));
    assert!(f.iter().any(|(n, _)| n.starts_with("charts/drivers_")));
    // Exists: --force needed.
    drivers(&r, &d, &[]).code(2).stderr(contains("use --force"));
    // --force keeps the user's notes and deletes the old charts it no longer draws.
    fs::write(d.join("notes.txt"), "mine").unwrap();
    drivers(&r, &d, &["--force", "--no-charts"])
        .success()
        .stderr(contains("kept notes.txt"));
    assert_eq!(fs::read_to_string(d.join("notes.txt")).unwrap(), "mine");
    assert!(!d.join("charts").exists() && !d.join("report.html").exists());
    // A drivers.csv edited by hand is the user's: --force refuses and leaves it.
    let edited = fs::read_to_string(d.join("drivers.csv")).unwrap() + "my,row\n";
    fs::write(d.join("drivers.csv"), &edited).unwrap();
    drivers(&r, &d, &["--force"])
        .code(2)
        .stderr(contains("drivers.csv"));
    assert_eq!(fs::read_to_string(d.join("drivers.csv")).unwrap(), edited);
}

#[test]
fn plot_verifies_a_drivers_folder_and_drivers_refuses_a_folder_that_is_not_a_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path().join("r");
    run_tiny(&r, &[]);
    let d = tmp.path().join("d");
    drivers(&r, &d, &["--no-charts"]).success();
    bin().arg("plot").arg(&d).assert().success();
    assert!(files(&d).iter().any(|(n, _)| n == "report.html"));
    // drivers reads a batch folder, not a drivers folder.
    drivers(&d, &tmp.path().join("dd"), &[])
        .code(2)
        .stderr(contains(
            "a drivers folder; drivers reads the folder of `crossroads run`",
        ));
    // Listed: the edit is seen by its SHA-256.
    let p = d.join("drivers.csv");
    let t = fs::read_to_string(&p).unwrap();
    let lines: Vec<&str> = t.lines().collect();
    fs::write(&p, lines[..lines.len() - 1].join("\n") + "\n").unwrap();
    bin()
        .arg("plot")
        .arg(&d)
        .assert()
        .code(2)
        .stderr(contains("drivers.csv:"));
    // Unlisted (an older folder): the per-kind row count catches the missing row.
    unlist(&d);
    bin()
        .arg("plot")
        .arg(&d)
        .assert()
        .code(2)
        .stderr(contains("drivers.csv:").and(contains("ends after")));
}
