//! Output-folder helpers for the CLI tests (tests/safety_cli.rs, tests/workflow_safety.rs,
//! tests/posterior_cli.rs, tests/calibration_workflow.rs): the real binary, a folder's manifest as
//! JSON, a CSV file's rows, a file's sha256 (computed here, not by crossroads), a copy of a folder to
//! tamper with, and the check that every command reading a folder refuses a tampered one.

use assert_cmd::Command;
use predicates::str::contains;
use std::fs;
use std::path::Path;

/// The crossroads binary under test.
pub fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

/// `dir/manifest.json`, parsed.
pub fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Rows of a CSV file as maps column -> value.
pub fn table(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|x| {
            h.iter()
                .cloned()
                .zip(x.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The sha256 of a file's bytes in lower-case hex (with the `sha2` crate, independently of
/// crossroads' own hashing).
pub fn sha256(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(fs::read(path).unwrap());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Copies the files (not the subfolders) of `src` into `dst`, created if needed.
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// `plot d`, `discover d` and `compare good d` all refuse the tampered folder `d` with exit 2 and a
/// message containing `want` (file and line), and `plot` draws nothing into it; `scratch` holds their
/// would-be output folders.
pub fn readers_refuse(d: &Path, good: &Path, scratch: &Path, want: &str) {
    bin()
        .arg("plot")
        .arg(d)
        .assert()
        .code(2)
        .stderr(contains(want));
    bin()
        .arg("discover")
        .arg(d)
        .args(["--outcome", "deal", "--no-charts", "--out"])
        .arg(scratch.join("disc"))
        .assert()
        .code(2)
        .stderr(contains(want));
    bin()
        .arg("compare")
        .arg(good)
        .arg(d)
        .args(["--quiet", "--out"])
        .arg(scratch.join("cmp"))
        .assert()
        .code(2)
        .stderr(contains(want));
    assert!(!d.join("report.html").exists());
}
