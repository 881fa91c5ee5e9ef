//! Determinism of the batch runner: thread counts, shards + merge, seeds, bounded memory.
//!
//! The `fake_*` tests drive the library with a deterministic fake model; the `real_*` tests run the
//! binary on tests/fixtures/tiny.ron with the real loader and model. All of them run by default.

use crossroads::batch::fake::FakeSim;
use crossroads::batch::{BatchSpec, Shard, Stop, run_batch};
use crossroads::model::RunOptions;
use crossroads::outputs::folder::fake_template;
use crossroads::outputs::{OutputDir, Status, merge_folders, write_batch};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

const FILES: [&str; 6] = [
    "runs.csv",
    "series.csv",
    "summary.json",
    "aggregates.json",
    "scenario.ron",
    "events.csv",
];

fn fake_run(dir: &Path, sim: &FakeSim, seed: u64, runs: u64, shard: Option<Shard>, threads: usize) {
    let out = OutputDir::prepare(dir, false).unwrap();
    let t = fake_template(seed, runs, shard, threads, true);
    let stop = AtomicBool::new(false);
    let f = write_batch(&out, sim, &t, "(fake: true)\n", 0, &stop, &mut |_| {}).unwrap();
    assert_eq!(f.manifest.status, Status::Complete);
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

fn assert_same_files(a: &Path, b: &Path) {
    for f in FILES {
        assert!(
            read(a, f) == read(b, f),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// The manifest without the fields allowed to differ (times, threads, shard).
fn manifest_core(dir: &Path) -> serde_json::Value {
    let mut m: serde_json::Value = serde_json::from_slice(&read(dir, "manifest.json")).unwrap();
    for k in ["started_at", "finished_at", "threads", "shard"] {
        m.as_object_mut().unwrap().remove(k);
    }
    m
}

#[test]
fn fake_one_and_two_threads_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = FakeSim {
        jitter: Duration::from_micros(300),
        ..FakeSim::default()
    };
    let (a, b, c) = (
        tmp.path().join("t1"),
        tmp.path().join("t2"),
        tmp.path().join("t4"),
    );
    fake_run(&a, &sim, 42, 300, None, 1);
    fake_run(&b, &sim, 42, 300, None, 2);
    fake_run(&c, &sim, 42, 300, None, 4);
    assert_same_files(&a, &b);
    assert_same_files(&a, &c);
    assert_eq!(manifest_core(&a), manifest_core(&b));
}

#[test]
fn fake_shards_merged_equal_the_whole_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = FakeSim::default();
    let whole = tmp.path().join("whole");
    fake_run(&whole, &sim, 7, 100, None, 2);
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| {
            let d = tmp.path().join(format!("s{i}"));
            fake_run(
                &d,
                &sim,
                7,
                100,
                Some(Shard { index: i, count: 3 }),
                1 + i as usize,
            );
            d
        })
        .collect();
    let merged = tmp.path().join("merged");
    // shards given out of order on purpose
    let order = vec![shards[2].clone(), shards[0].clone(), shards[1].clone()];
    let m = merge_folders(&order, &merged, false).unwrap();
    assert_eq!(m.completed_runs, 100);
    assert_same_files(&whole, &merged);
    assert_eq!(manifest_core(&whole), manifest_core(&merged));
}

#[test]
fn fake_merge_reports_missing_and_duplicate_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = FakeSim::default();
    let d: Vec<PathBuf> = (0..4)
        .map(|i| {
            let d = tmp.path().join(format!("s{i}"));
            fake_run(&d, &sim, 1, 1000, Some(Shard { index: i, count: 4 }), 1);
            d
        })
        .collect();
    let err = merge_folders(
        &[d[0].clone(), d[1].clone(), d[3].clone()],
        &tmp.path().join("m"),
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("missing shard 2 of 4 (runs 500..750)"),
        "{err}"
    );
    let err = merge_folders(
        &[
            d[0].clone(),
            d[1].clone(),
            d[1].clone(),
            d[2].clone(),
            d[3].clone(),
        ],
        &tmp.path().join("m"),
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("duplicate shard 1 of 4"), "{err}");
    assert!(
        !tmp.path().join("m").exists(),
        "nothing written on a refused merge"
    );
}

#[test]
fn fake_changed_seed_changes_results() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = FakeSim::default();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    fake_run(&a, &sim, 1, 50, None, 2);
    fake_run(&b, &sim, 2, 50, None, 2);
    assert_ne!(read(&a, "runs.csv"), read(&b, "runs.csv"));
    assert_ne!(read(&a, "series.csv"), read(&b, "series.csv"));
}

#[test]
fn fake_reorder_buffer_stays_within_its_bound() {
    let sim = FakeSim {
        jitter: Duration::from_millis(2),
        ..FakeSim::default()
    };
    for (threads, window) in [(2, 0), (4, 3), (3, 1)] {
        let spec = BatchSpec {
            seed: 5,
            first: 10,
            end: 410,
            threads,
            window,
            opts: RunOptions::default(),
        };
        let mut next = 10;
        let end = run_batch(&sim, &spec, &AtomicBool::new(false), |run, _| {
            assert_eq!(run, next, "delivered in run order");
            next += 1;
            Ok(())
        });
        assert_eq!(end.stop, Stop::Complete);
        assert_eq!(end.completed, 400);
        let bound = if window == 0 { 4 * threads } else { window };
        assert_eq!(end.window, bound);
        assert!(
            end.max_in_flight <= bound,
            "{} > {bound}",
            end.max_in_flight
        );
        assert!(end.max_in_flight >= 1);
    }
}

// ---- the real binary on tests/fixtures/tiny.ron (needs the real loader and model) ----

fn crossroads() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("crossroads").unwrap()
}

fn real_run(out: &Path, extra: &[&str]) {
    real_run_seed(out, "3", extra);
}

fn real_run_seed(out: &Path, seed: &str, extra: &[&str]) {
    let mut c = crossroads();
    c.args([
        "run",
        "tests/fixtures/tiny.ron",
        "--runs",
        "24",
        "--seed",
        seed,
        "--quiet",
        "--no-charts",
        "--events",
        "--out",
    ])
    .arg(out)
    .args(extra);
    c.assert().success();
}

#[test]
fn real_one_and_two_threads_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    real_run(&a, &["--threads", "1"]);
    real_run(&b, &["--threads", "2"]);
    assert_same_files(&a, &b);
    assert_eq!(manifest_core(&a), manifest_core(&b));
}

#[test]
fn real_shards_merged_equal_the_whole_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    real_run(&whole, &["--threads", "2"]);
    let mut merge = crossroads();
    merge.args(["merge", "--no-charts"]);
    for i in 0..3 {
        let d = tmp.path().join(format!("s{i}"));
        real_run(&d, &["--shard", &format!("{i}/3"), "--threads", "1"]);
        merge.arg(&d);
    }
    let merged = tmp.path().join("merged");
    merge.arg("--out").arg(&merged).assert().success();
    assert_same_files(&whole, &merged);
    assert_eq!(manifest_core(&whole), manifest_core(&merged));
}

#[test]
fn real_changed_seed_changes_results() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    real_run(&a, &[]);
    real_run_seed(&b, "4", &[]);
    assert_ne!(read(&a, "runs.csv"), read(&b, "runs.csv"));
}
