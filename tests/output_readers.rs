//! The readers of output folders (`outputs::read`): every reading error names the file and, where
//! there is one, the line; a manifest of an unknown kind or of the wrong kind for the reader is
//! refused naming both; folders of older versions (manifests without `files`, `streams`, `events`,
//! `labels`; summary.json without `interval_words`, `joint`) and partial folders (no series.csv,
//! no summary.json) still read and plot.

use assert_cmd::Command;
use crossroads::charts::comparison::CompareData;
use crossroads::charts::data::OutputData;
use crossroads::outputs::FolderKind;
use crossroads::outputs::read::{self, ReadErrorKind};
use std::path::{Path, PathBuf};

const TINY: &str = "tests/fixtures/tiny.ron";

fn crossroads() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

/// A batch folder of tiny.ron (20 runs) in a fresh temporary folder.
fn run_folder(tmp: &tempfile::TempDir) -> PathBuf {
    let out = tmp.path().join("run");
    crossroads()
        .args([
            "run", TINY, "--runs", "20", "--seed", "4", "--quiet", "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    out
}

fn write(p: &Path, text: &str) {
    std::fs::write(p, text).unwrap();
}

#[test]
fn csv_errors_name_the_file_and_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    // An experiment table with a cut third line.
    let p = tmp.path().join("points.csv");
    write(&p, "a,b\n1,2\n3\n");
    let e = read::table(&p, &[]).unwrap_err();
    assert_eq!((e.kind, e.line), (ReadErrorKind::Invalid, Some(3)), "{e}");
    assert!(
        e.to_string().starts_with(&format!("{}:3: ", p.display())),
        "{e}"
    );
    // runs.csv with a line that is not UTF-8 (an edited file): its line.
    let p = tmp.path().join("runs.csv");
    std::fs::write(&p, b"run,x\n0,1\n1,2\n2,\xff\xfe\n").unwrap();
    let e = read::runs_csv(&p).unwrap_err();
    assert_eq!(e.line, Some(4), "{e}");
    assert!(
        e.to_string().starts_with(&format!("{}:4: ", p.display())),
        "{e}"
    );
    // series.csv without a median column: the header's line.
    let p = tmp.path().join("series.csv");
    write(&p, "tick,date,indicator,entity,mean,p05,p25,p75,p95\n");
    let e = read::series_csv(&p).unwrap_err();
    assert_eq!(e.line, Some(1), "{e}");
    assert!(e.to_string().contains("missing column `p50`"), "{e}");
}

#[test]
fn json_errors_name_the_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("summary.json");
    write(&p, "{\n  \"runs\": 3,\n  \"seed\": \"x\"\n}\n");
    let e = read::summary_json(&p).unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.col.is_some(), "{e}");
    assert!(
        e.to_string().starts_with(&format!("{}:3:", p.display())),
        "{e}"
    );
}

#[test]
fn an_unknown_manifest_kind_is_refused_naming_it_and_the_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("odd");
    std::fs::create_dir(&d).unwrap();
    write(
        &d.join("manifest.json"),
        r#"{"crossroads_version": "0.1.0", "kind": "horoscope", "status": "complete"}"#,
    );
    let e = read::manifest(&d).unwrap_err();
    assert_eq!(e.path, d.join("manifest.json"));
    let msg = e.to_string();
    assert!(msg.contains("unknown kind \"horoscope\""), "{msg}");
    assert!(
        msg.contains("sweep") && msg.contains("calibration"),
        "{msg}"
    );
    // The command says the same, as a usage error.
    let out = crossroads().arg("plot").arg(&d).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown kind \"horoscope\""), "{err}");
    // A known kind whose fields are not that kind's: the line of the manifest.
    write(
        &d.join("manifest.json"),
        "{\n  \"kind\": \"sweep\",\n  \"crossroads_version\": \"0.1.0\",\n  \"status\": \"complete\",\n  \"completed_points\": \"many\"\n}\n",
    );
    let e = read::manifest(&d).unwrap_err();
    assert_eq!(e.line, Some(5), "{e}");
}

#[test]
fn a_manifest_of_the_wrong_kind_is_refused_naming_both_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_folder(&tmp);
    let m = read::manifest(&run).unwrap();
    assert_eq!(m.kind(), FolderKind::Batch);
    // A batch folder given where a comparison is read.
    let e = CompareData::load(&run).unwrap_err().to_string();
    assert!(
        e.contains("manifest.json") && e.contains("a batch folder's manifest, expected a compare"),
        "{e}"
    );
    // And the other way round: a comparison where a batch is read.
    let cmp = tmp.path().join("cmp");
    crossroads()
        .args(["compare", TINY, TINY, "--runs", "10", "--quiet", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    let e = OutputData::load(&cmp).unwrap_err().to_string();
    assert!(
        e.contains("a compare folder's manifest, expected a batch"),
        "{e}"
    );
    // A command given the wrong kind of folder refuses it (exit 2).
    let out = crossroads()
        .args(["discover"])
        .arg(&cmp)
        .args(["--outcome", "deal", "--quiet", "--out"])
        .arg(tmp.path().join("disc"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a compare folder"));
}

/// Takes `key` out of a JSON object file.
fn drop_keys(p: &Path, keys: &[&str], nested: Option<&str>) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    let obj = v.as_object_mut().unwrap();
    for k in keys {
        obj.remove(*k);
    }
    if let Some(list) = nested {
        for item in obj[list].as_array_mut().unwrap() {
            for k in keys {
                item.as_object_mut().unwrap().remove(*k);
            }
        }
    }
    std::fs::write(p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

#[test]
fn a_folder_of_an_older_version_still_reads_and_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_folder(&tmp);
    // What older versions did not write.
    drop_keys(
        &run.join("manifest.json"),
        &["files", "streams", "events", "labels"],
        None,
    );
    drop_keys(&run.join("summary.json"), &["joint"], None);
    drop_keys(
        &run.join("summary.json"),
        &["interval_words"],
        Some("outcomes"),
    );
    drop_keys(
        &run.join("summary.json"),
        &["interval_words"],
        Some("classes"),
    );
    let d = OutputData::load(&run).unwrap();
    assert_eq!(d.n_runs(), 20);
    assert!(d.summary.as_ref().is_some_and(|s| s.joint.is_empty()));
    std::fs::remove_dir_all(run.join("charts")).unwrap();
    crossroads().arg("plot").arg(&run).assert().success();
    assert!(run.join("charts/outcome_probabilities.png").is_file());
    assert!(run.join("report.html").is_file());
}

#[test]
fn a_partial_folder_without_series_and_summary_still_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_folder(&tmp);
    std::fs::remove_file(run.join("series.csv")).unwrap();
    std::fs::remove_file(run.join("summary.json")).unwrap();
    let d = OutputData::load(&run).unwrap();
    assert!(d.series.is_empty() && d.summary.is_none());
    assert_eq!(d.runs.rows, 20);
    // The probabilities come from runs.csv then.
    let o = d.manifest.outcomes.iter().find(|o| o.is_binary()).unwrap();
    assert_eq!(d.binary(o).unwrap().n, 20);
}

#[test]
fn a_hand_made_batch_manifest_reads_with_defaults_but_does_not_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        &d.join("manifest.json"),
        r#"{"crossroads_version": "0.1.0", "status": "partial", "runs": 40,
            "scenario": {"name": "hand", "start": "2026-01"},
            "outcomes": [{"id": "deal", "type": "binary"}]}"#,
    );
    let read::Manifest::Batch(m) = read::manifest(d).unwrap() else {
        panic!("not read as a batch");
    };
    assert_eq!((m.runs, m.completed_runs), (40, 40));
    assert_eq!(m.scenario.name, "hand");
    assert!(m.outcomes[0].is_binary() && m.outcomes[0].label.is_empty());
    // The verifying reader stays strict: the missing fields are named.
    let e = crossroads::outputs::verify::folder(d)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("manifest.json:") && e.contains("missing field"),
        "{e}"
    );
}
