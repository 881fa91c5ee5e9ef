//! The version of the draws in the outputs: every run folder records `streams`
//! (`model::rng::STREAMS_VERSION`), a merged folder keeps it, and `crossroads merge` refuses shards
//! written under different streams versions (their runs are not the same runs).

use assert_cmd::Command;
use std::path::Path;

const TINY: &str = "tests/fixtures/tiny.ron";

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn shard(dir: &Path, i: u32) {
    Command::cargo_bin("crossroads")
        .unwrap()
        .args(["run", TINY, "--runs", "8", "--quiet", "--no-charts"])
        .args(["--shard", &format!("{i}/2"), "--out"])
        .arg(dir)
        .assert()
        .success();
}

#[test]
fn folders_record_the_streams_version_and_merge_checks_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    shard(&a, 0);
    shard(&b, 1);
    let v = u64::from(crossroads::model::rng::STREAMS_VERSION);
    assert!(v >= 2, "the portable samplers are streams version 2");
    assert_eq!(manifest(&a)["streams"], v);

    let merged = tmp.path().join("merged");
    Command::cargo_bin("crossroads")
        .unwrap()
        .arg("merge")
        .args([&a, &b])
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(manifest(&merged)["streams"], v);

    // a shard from another version of the draws
    let mut m = manifest(&b);
    m["streams"] = serde_json::json!(v - 1);
    std::fs::write(
        b.join("manifest.json"),
        serde_json::to_vec_pretty(&m).unwrap(),
    )
    .unwrap();
    Command::cargo_bin("crossroads")
        .unwrap()
        .arg("merge")
        .args([&a, &b])
        .arg("--out")
        .arg(tmp.path().join("merged2"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("streams version"));
}
