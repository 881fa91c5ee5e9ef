//! Output-folder helpers for the CLI safety tests (tests/safety_cli.rs, tests/workflow_safety.rs):
//! the real binary, a folder's manifest as JSON, a copy of a folder to tamper with, and the check that
//! every command reading a folder refuses a tampered one.

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
