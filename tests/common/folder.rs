//! Output-folder helpers for the CLI safety tests (tests/safety_cli.rs, tests/workflow_safety.rs):
//! the real binary, a folder's manifest as JSON, and a copy of a folder to tamper with.

use assert_cmd::Command;
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
