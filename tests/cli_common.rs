//! One CLI (issue 14): the flags every batch command shares are there in each command's `--help`
//! with one and the same help text, and they behave alike (`--quiet` silences, `--no-charts` skips
//! charts, `--set` applies, an existing `--out` needs `--force`). Real binary on
//! tests/fixtures/tiny.ron.

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const TINY: &str = "tests/fixtures/tiny.ron";

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

/// `crossroads CMD --help`: each flag (`--name`) with its help text (the lines after the flag up
/// to the next option, joined).
fn flags(cmd: &str) -> BTreeMap<String, String> {
    let out = bin().args([cmd, "--help"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut m = BTreeMap::new();
    let mut cur: Option<String> = None;
    let mut options = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            options = line.trim_end() == "Options:";
            cur = None;
            continue;
        }
        if !options {
            continue;
        }
        let t = line.trim();
        let flag = t
            .split([' ', ','])
            .find(|w| w.starts_with("--"))
            .filter(|_| t.starts_with('-'));
        if let Some(f) = flag {
            let rest = t.split("  ").skip(1).collect::<Vec<_>>().join(" ");
            m.insert(f.to_string(), rest.trim().to_string());
            cur = Some(f.to_string());
        } else if t.is_empty() || !line.starts_with("  ") {
            cur = None;
        } else if let Some(c) = &cur {
            let e = m.get_mut(c).unwrap();
            e.push(' ');
            e.push_str(t);
        }
    }
    // Same-line and next-line layouts wrap differently: compare the words.
    m.into_iter()
        .map(|(k, v)| (k, v.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect()
}

#[test]
fn every_batch_command_takes_the_common_flags_with_one_help_text() {
    let batch = ["run", "compare", "sweep", "sensitivity", "calibrate"];
    let common = [
        "--quiet",
        "--threads",
        "--seed",
        "--set",
        "--out",
        "--force",
        "--no-charts",
        "--allow-large",
    ];
    let reference = flags("run");
    for cmd in batch {
        let f = flags(cmd);
        for flag in common {
            let text = f
                .get(flag)
                .unwrap_or_else(|| panic!("`{cmd} --help` has no {flag}: {f:?}"));
            assert!(!text.is_empty(), "{cmd} {flag} has no help text");
            assert_eq!(
                text, &reference[flag],
                "`{cmd} {flag}` is described otherwise than `run {flag}`"
            );
        }
    }
    // The commands that write a folder from a run folder share the folder flags.
    for cmd in ["discover", "drivers"] {
        let f = flags(cmd);
        for flag in ["--quiet", "--out", "--force", "--no-charts"] {
            assert_eq!(
                f.get(flag),
                Some(&reference[flag]),
                "`{cmd} {flag}` is missing or described otherwise than `run {flag}`"
            );
        }
    }
    // score's --quiet drops its table; the rest of its folder flags are the common ones.
    let f = flags("score");
    for flag in ["--out", "--force", "--no-charts"] {
        assert_eq!(
            f.get(flag),
            Some(&reference[flag]),
            "`score {flag}` is missing or described otherwise than `run {flag}`"
        );
    }
    // run names its variant.
    assert!(reference.contains_key("--name"));
}

#[test]
fn discover_help_example_uses_outcomes_of_the_baseline() {
    let out = bin().args(["discover", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let baseline = fs::read_to_string("scenarios/baseline.ron").unwrap();
    let mut seen = 0;
    for w in text.split("--outcome ").skip(1) {
        let id = w.split_whitespace().next().unwrap();
        if id.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            assert!(
                baseline.contains(&format!("(id: \"{id}\"")),
                "discover --help uses outcome `{id}`, which scenarios/baseline.ron does not have"
            );
            seen += 1;
        }
    }
    assert!(seen >= 2, "{text}");
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn quiet_silences_and_no_charts_skips_charts_in_every_batch_command() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("run", vec!["run", TINY, "--runs", "20"]),
        ("compare", vec!["compare", TINY, TINY, "--runs", "20"]),
        (
            "sweep",
            vec![
                "sweep",
                TINY,
                "--param",
                "actors.power.budget=1..9",
                "--samples",
                "2",
                "--runs-per-point",
                "5",
            ],
        ),
        (
            "sensitivity",
            vec![
                "sensitivity",
                TINY,
                "--samples",
                "2",
                "--runs-per-point",
                "3",
            ],
        ),
    ];
    for (name, args) in &cases {
        let out = t.join(name);
        let o = bin()
            .args(args)
            .args(["--quiet", "--no-charts", "--threads", "1", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {o:?}");
        assert!(o.stdout.is_empty(), "{name} --quiet wrote to stdout: {o:?}");
        assert!(o.stderr.is_empty(), "{name} --quiet wrote to stderr: {o:?}");
        assert!(!out.join("report.html").exists(), "{name} drew a report");
        assert!(!out.join("charts").exists(), "{name} drew charts");
        // The folder exists now: the same command needs --force.
        bin()
            .args(args)
            .args(["--quiet", "--no-charts", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(contains("--force"));
    }
}

#[test]
fn compare_set_applies_to_scenario_files_and_run_name_names_the_variant() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // --name: the manifest's scenario name, scenario.ron and the comparison's columns.
    bin()
        .args(["run", TINY, "--runs", "20", "--quiet", "--no-charts"])
        .args([
            "--set",
            "actors.power.budget=14",
            "--name",
            "loud_power",
            "--out",
        ])
        .arg(t.join("loud"))
        .assert()
        .success();
    assert_eq!(manifest(&t.join("loud"))["scenario"]["name"], "loud_power");
    assert!(
        fs::read_to_string(t.join("loud/scenario.ron"))
            .unwrap()
            .contains("\"loud_power\"")
    );
    bin()
        .args([
            "run",
            TINY,
            "--runs",
            "20",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(t.join("base"))
        .assert()
        .success();
    bin()
        .args(["compare"])
        .arg(t.join("base"))
        .arg(t.join("loud"))
        .args(["--quiet", "--no-charts", "--out"])
        .arg(t.join("cmp"))
        .assert()
        .success();
    let cmp = fs::read_to_string(t.join("cmp/compare.csv")).unwrap();
    assert!(cmp.contains("loud_power"), "{cmp}");
    // compare --set on scenario files changes the runs: the same as comparing with the folder made
    // with that --set.
    bin()
        .args([
            "compare",
            TINY,
            TINY,
            "--runs",
            "20",
            "--quiet",
            "--no-charts",
        ])
        .args(["--set", "actors.power.budget=14", "--out"])
        .arg(t.join("cmp_set"))
        .assert()
        .success();
    let m = manifest(&t.join("cmp_set"));
    let loud_sha = manifest(&t.join("loud"))["scenario"]["sha256"].clone();
    let base_sha = manifest(&t.join("base"))["scenario"]["sha256"].clone();
    let shas: Vec<&serde_json::Value> = m["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["sha256"])
        .collect();
    assert!(shas.iter().all(|s| **s != base_sha), "{m}");
    assert_ne!(loud_sha, base_sha);
    // --set with an output folder among the inputs: refused, its runs are made.
    bin()
        .args(["compare"])
        .arg(t.join("base"))
        .arg(TINY)
        .args(["--set", "actors.power.budget=14", "--quiet", "--out"])
        .arg(t.join("cmp2"))
        .assert()
        .code(2)
        .stderr(contains("--set applies to scenario files"));
}

#[test]
fn the_readme_table_lists_every_flag_of_every_command() {
    let readme = fs::read_to_string("README.md").unwrap();
    let cmds = [
        "validate",
        "run",
        "trace",
        "merge",
        "slurm",
        "plot",
        "compare",
        "sweep",
        "sensitivity",
        "discover",
        "drivers",
        "calibrate",
        "score",
    ];
    for cmd in cmds {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `crossroads {cmd} ")))
            .unwrap_or_else(|| panic!("README has no row for `crossroads {cmd}`"));
        let usage = row;
        for flag in flags(cmd).keys() {
            if flag == "--help" || flag == "--version" {
                continue;
            }
            assert!(
                usage.contains(&format!("[{flag}"))
                    || usage.contains(&format!(" {flag} "))
                    || usage.contains(&format!("{flag}`")),
                "README's row of `crossroads {cmd}` omits {flag}: {usage}"
            );
        }
    }
}

#[test]
fn split_by_chooses_the_outcome_that_splits_the_fan_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let run = |out: &str, extra: &[&str]| {
        bin()
            .args(["run", TINY, "--runs", "30", "--quiet", "--no-charts"])
            .args(["--per-run-series", "opinion", "--out"])
            .arg(t.join(out))
            .args(extra)
            .assert()
    };
    run("a", &["--split-by", "deal"]).success();
    assert_eq!(manifest(&t.join("a"))["split_by"], "deal");
    run("b", &[]).success();
    assert!(manifest(&t.join("b")).get("split_by").is_none());
    run("c", &["--split-by", "nope"])
        .code(2)
        .stderr(contains("--split-by nope: no such outcome").and(contains("deal")));
    run("d", &["--split-by", "deal_month"])
        .code(2)
        .stderr(contains("the split needs a binary one"));
}

#[test]
fn slurm_needs_force_for_an_existing_folder_like_every_other_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let slurm = || {
        let mut c = bin();
        c.args(["slurm", TINY, "--runs", "4", "--shards", "2", "--out"])
            .arg(&out);
        c
    };
    slurm().assert().success();
    let before = fs::read(out.join("array.sbatch")).unwrap();
    slurm().assert().code(2).stderr(contains("--force"));
    assert_eq!(fs::read(out.join("array.sbatch")).unwrap(), before);
    slurm().arg("--force").assert().success();
}
