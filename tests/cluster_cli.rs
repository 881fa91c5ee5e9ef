//! `--shard auto/N` and `crossroads slurm` end to end on tests/fixtures/tiny.ron (the real Slurm test is
//! scripts/slurm_check.sh).

use assert_cmd::Command;
use predicates::str::contains;

const TINY: &str = "tests/fixtures/tiny.ron";

fn crossroads() -> Command {
    let mut c = Command::cargo_bin("crossroads").unwrap();
    for v in [
        "SLURM_ARRAY_TASK_ID",
        "JOB_COMPLETION_INDEX",
        "PARALLEL_SEQ",
    ] {
        c.env_remove(v);
    }
    c
}

#[test]
fn auto_shards_from_each_scheduler_merge_to_the_whole_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let envs = [
        ("SLURM_ARRAY_TASK_ID", "0"),
        ("JOB_COMPLETION_INDEX", "1"),
        ("PARALLEL_SEQ", "3"),
    ];
    for (i, (var, val)) in envs.iter().enumerate() {
        crossroads()
            .args(["run", TINY, "--runs", "12", "--shard", "auto/3", "--quiet"])
            .args(["--no-charts", "--out"])
            .arg(d.join(format!("s{i}")))
            .env(var, val)
            .assert()
            .success();
    }
    crossroads()
        .args(["merge", "--no-charts", "--out"])
        .arg(d.join("merged"))
        .args((0..3).map(|i| d.join(format!("s{i}"))))
        .assert()
        .success();
    crossroads()
        .args([
            "run",
            TINY,
            "--runs",
            "12",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(d.join("whole"))
        .assert()
        .success();
    for f in ["runs.csv", "series.csv", "summary.json", "aggregates.json"] {
        let a = std::fs::read(d.join("merged").join(f)).unwrap();
        let b = std::fs::read(d.join("whole").join(f)).unwrap();
        assert!(a == b, "{f} differs");
    }
}

#[test]
fn auto_shard_without_or_with_a_bad_index_is_a_usage_error() {
    crossroads()
        .args(["run", TINY, "--runs", "4", "--shard", "auto/2", "--quiet"])
        .assert()
        .code(2)
        .stderr(contains(
            "SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, PARALLEL_SEQ",
        ));
    crossroads()
        .args(["run", TINY, "--runs", "4", "--shard", "auto/2", "--quiet"])
        .env("JOB_COMPLETION_INDEX", "2")
        .assert()
        .code(2)
        .stderr(contains("JOB_COMPLETION_INDEX=2 is out of range"));
}

#[test]
fn slurm_writes_deterministic_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("job");
    let generate = |force: bool| {
        crossroads()
            .args([
                "slurm", TINY, "--runs", "100", "--shards", "4", "--cpus", "2",
            ])
            .args(["--set", "run.horizon=12", "--out"])
            .arg(&out)
            .args(force.then_some("--force"))
            .assert()
            .success()
            .stdout(contains("sbatch --parsable --array=2,5"));
        ["array.sbatch", "merge.sbatch", "submit.sh"].map(|f| std::fs::read(out.join(f)).unwrap())
    };
    let first = generate(false);
    // An existing folder needs --force, like every command's; --force rewrites the same scripts.
    crossroads()
        .args(["slurm", TINY, "--runs", "100", "--shards", "4", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("--force"));
    assert_eq!(first, generate(true));
    let array = String::from_utf8(first[0].clone()).unwrap();
    assert!(array.contains("#SBATCH --array=0-3"), "{array}");
    assert!(array.contains("--shard auto/4"), "{array}");
    assert!(array.contains("--set run.horizon=12"), "{array}");
    crossroads()
        .args(["slurm", TINY, "--runs", "3", "--shards", "4"])
        .assert()
        .code(2);
    crossroads()
        .args(["slurm", "nope.ron", "--runs", "3", "--shards", "1"])
        .assert()
        .code(2);
}
