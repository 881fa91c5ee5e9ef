//! Nothing lost, ever (issue 16): what crossroads does to files it did not write, to inputs, to
//! concurrent writers, to tampered or truncated folders, to signals, full disks and closed pipes,
//! to work beyond its limits and to values that overflow. Each test names the mechanism it checks;
//! the CLI tests run the real binary on tests/fixtures/tiny.ron.

mod common;

use common::folder::{bin, copy_dir, manifest, readers_refuse};
use crossroads::batch::fake::FakeSim;
use crossroads::outputs::files::record_of_file;
use crossroads::outputs::folder::fake_template;
use crossroads::outputs::{OutputDir, OutputError, write_batch};
use predicates::str::contains;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const TINY: &str = "tests/fixtures/tiny.ron";

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY)
}

/// Every file and folder under `dir` (relative path -> bytes; folders as `None`).
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                out.insert(rel, None);
                walk(root, &p, out);
            } else {
                out.insert(rel, Some(fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// A small run of tiny.ron into `out` (extra args appended).
fn run_tiny(out: &Path, extra: &[&str]) {
    bin()
        .args([
            "run",
            TINY,
            "--runs",
            "12",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

// ---------------------------------------------------------------------------------------------
// --force deletes only what crossroads wrote (property test over random folder contents)

/// An entry a user might add to an output folder: a path (maybe nested, maybe a name crossroads
/// uses) and its bytes.
fn foreign_entry() -> impl Strategy<Value = (String, Vec<u8>)> {
    let names = prop_oneof![
        Just("notes.txt".to_string()),
        Just(".git/HEAD".to_string()),
        Just("analysis/model.py".to_string()),
        Just("charts/mine.png".to_string()),
        Just("report.html".to_string()),
        Just("runs.csv".to_string()),
        Just("runs.csv.tmp".to_string()),
        Just("manifest.json.tmp".to_string()),
        Just("summary.json.bak".to_string()),
        Just("points.csv".to_string()),
        "[a-z]{1,6}(\\.[a-z]{1,3})?",
        "[a-z]{1,4}/[a-z]{1,6}",
    ];
    (names, proptest::collection::vec(any::<u8>(), 0..40))
}

/// A crossroads folder: a fake batch, with a chart and report.html recorded as drawn.
fn crossroads_folder(dir: &Path) {
    let out = OutputDir::prepare(dir, false).unwrap();
    let t = fake_template(5, 8, None, 1, false);
    let stop = AtomicBool::new(false);
    write_batch(&out, &FakeSim::default(), &t, "()\n", 0, &stop, &mut |_| {}).unwrap();
    fs::create_dir_all(dir.join("charts")).unwrap();
    fs::write(dir.join("charts/fan_opinion.png"), b"png").unwrap();
    fs::write(dir.join("report.html"), b"<html>").unwrap();
    out.record_written(&[dir.join("charts/fan_opinion.png"), dir.join("report.html")])
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Whatever a user adds to (or changes in) a crossroads folder, `--force` neither deletes nor
    /// changes it: either the folder is replaced around it (and the user's entries are named), or
    /// the command refuses and nothing at all is touched.
    #[test]
    fn force_never_deletes_or_changes_what_crossroads_did_not_write(
        entries in proptest::collection::vec(foreign_entry(), 0..6),
        touch_runs in any::<bool>(),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("out");
        crossroads_folder(&d);
        let ours: Vec<String> = tree(&d)
            .into_iter()
            .filter_map(|(k, v)| v.map(|_| k))
            .collect();
        let mut foreign: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (name, bytes) in &entries {
            let p = d.join(name);
            // A name under an existing file cannot be created: skip it.
            if p.parent().is_some_and(|q| q.is_file()) || p.is_dir() {
                continue;
            }
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, bytes).unwrap();
            foreign.insert(name.clone(), bytes.clone());
        }
        if touch_runs {
            // A listed file changed after crossroads wrote it is the user's now.
            let mut b = fs::read(d.join("runs.csv")).unwrap();
            b.extend_from_slice(b"edited by hand\n");
            fs::write(d.join("runs.csv"), &b).unwrap();
            foreign.insert("runs.csv".into(), b);
        }
        let before = tree(&d);
        match OutputDir::prepare(&d, true) {
            Ok(out) => {
                let after = tree(&d);
                for (name, bytes) in &foreign {
                    prop_assert_eq!(after.get(name), Some(&Some(bytes.clone())), "{} lost", name);
                }
                for name in &ours {
                    if !foreign.contains_key(name) {
                        prop_assert!(!after.contains_key(name), "{} of crossroads kept", name);
                    }
                }
                if !foreign.is_empty() {
                    prop_assert!(out.notes().iter().any(|n| n.contains("kept")), "{:?}", out.notes());
                }
            }
            Err(e) => {
                prop_assert!(matches!(e, OutputError::Invalid(_)), "{}", e);
                prop_assert!(e.to_string().contains("crossroads did not write"), "{}", e);
                prop_assert_eq!(tree(&d), before, "a refusal touched the folder");
            }
        }
    }
}

#[test]
fn force_keeps_a_users_notes_and_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    run_tiny(&out, &[]);
    fs::write(out.join("notes.txt"), "mine").unwrap();
    fs::create_dir_all(out.join(".git")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref").unwrap();
    fs::create_dir_all(out.join("analysis")).unwrap();
    bin()
        .args([
            "run",
            TINY,
            "--runs",
            "5",
            "--quiet",
            "--no-charts",
            "--force",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("kept .git/, analysis/, notes.txt"));
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
    assert_eq!(manifest(&out)["completed_runs"], 5);
    // A user's file where crossroads writes: refused, named, untouched.
    fs::write(out.join("report.html"), "my own page").unwrap();
    bin()
        .args(["run", TINY, "--runs", "5", "--quiet", "--force", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("report.html"));
    assert_eq!(
        fs::read_to_string(out.join("report.html")).unwrap(),
        "my own page"
    );
}

#[test]
fn force_refuses_a_folder_crossroads_did_not_make() {
    let tmp = tempfile::tempdir().unwrap();
    for manifest in [
        r#"{"mine": 1}"#,
        r#"{"crossroads_version": "0.1.0", "kind": "spreadsheet"}"#,
        "not json",
    ] {
        let d = tmp.path().join("proj");
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("manifest.json"), manifest).unwrap();
        fs::write(d.join("s.ron"), "precious").unwrap();
        bin()
            .args(["run", TINY, "--runs", "3", "--quiet", "--force", "--out"])
            .arg(&d)
            .assert()
            .code(2)
            .stderr(contains("not an output folder of crossroads"));
        assert_eq!(fs::read_to_string(d.join("s.ron")).unwrap(), "precious");
        assert_eq!(
            fs::read_to_string(d.join("manifest.json")).unwrap(),
            manifest
        );
    }
}

// ---------------------------------------------------------------------------------------------
// --out is never an input, the current directory or a parent of it

#[test]
fn out_equal_to_holding_or_inside_an_input_is_refused_for_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // A scenario in a folder of its own, extending a base in another.
    fs::create_dir_all(t.join("base")).unwrap();
    fs::copy(tiny(), t.join("base/tiny.ron")).unwrap();
    fs::create_dir_all(t.join("sc")).unwrap();
    fs::write(
        t.join("sc/v.ron"),
        "(format: 1, extends: \"../base/tiny.ron\", run: (name: \"v\"))",
    )
    .unwrap();
    let v = t.join("sc/v.ron");
    let run_dir = t.join("r");
    run_tiny(&run_dir, &[]);
    let shard = t.join("s0");
    run_tiny(&shard, &["--shard", "0/1"]);
    let p = |s: &str| t.join(s).display().to_string();
    let vs = v.display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec!["run".into(), vs.clone(), "--out".into(), p("sc")],
        vec!["run".into(), vs.clone(), "--out".into(), p("base")],
        vec!["run".into(), vs.clone(), "--out".into(), vs.clone()],
        vec!["run".into(), vs.clone(), "--out".into(), p("")],
        vec![
            "sweep".into(),
            vs.clone(),
            "--param".into(),
            "actors.power.budget=1..9".into(),
            "--samples".into(),
            "2".into(),
            "--out".into(),
            p("sc"),
        ],
        vec![
            "sensitivity".into(),
            vs.clone(),
            "--samples".into(),
            "2".into(),
            "--out".into(),
            p("base"),
        ],
        vec![
            "slurm".into(),
            vs.clone(),
            "--runs".into(),
            "4".into(),
            "--shards".into(),
            "2".into(),
            "--out".into(),
            p("sc"),
        ],
        vec!["compare".into(), p("r"), vs.clone(), "--out".into(), p("r")],
        vec![
            "compare".into(),
            p("r"),
            vs.clone(),
            "--out".into(),
            p("r/cmp"),
        ],
        vec![
            "compare".into(),
            vs.clone(),
            vs.clone(),
            "--out".into(),
            p("base"),
        ],
        vec!["merge".into(), p("s0"), "--out".into(), p("s0")],
        vec!["merge".into(), p("s0"), "--out".into(), p("")],
        vec![
            "discover".into(),
            p("r"),
            "--outcome".into(),
            "deal".into(),
            "--out".into(),
            p("r"),
        ],
    ];
    let before_base = fs::read(t.join("base/tiny.ron")).unwrap();
    for args in cases {
        let mut c = bin();
        c.args(&args).arg("--force");
        c.assert().code(2).stderr(contains("input of this command"));
        assert!(v.is_file() && t.join("r/runs.csv").is_file() && t.join("s0/runs.csv").is_file());
        assert_eq!(
            fs::read(t.join("base/tiny.ron")).unwrap(),
            before_base,
            "{args:?}"
        );
    }
}

#[test]
fn out_may_not_be_the_current_directory_or_a_parent_of_it() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    fs::create_dir_all(proj.join("sub")).unwrap();
    fs::copy(tiny(), proj.join("s.ron")).unwrap();
    fs::write(
        proj.join("manifest.json"),
        r#"{"crossroads_version": "0.1.0", "status": "complete"}"#,
    )
    .unwrap();
    for (cwd, out) in [
        (&proj, "."),
        (&proj.join("sub"), ".."),
        (&proj.join("sub"), "../sub/."),
    ] {
        bin()
            .current_dir(cwd)
            .args(["run"])
            .arg(proj.join("s.ron"))
            .args(["--runs", "2", "--quiet", "--force", "--out", out])
            .assert()
            .code(2)
            .stderr(contains("current directory"));
    }
    assert!(proj.join("s.ron").is_file() && proj.join("manifest.json").is_file());
}

// ---------------------------------------------------------------------------------------------
// One writer per folder

/// A run of tiny.ron long enough to be interrupted (each run takes a few ms; a million of them).
fn long_run(out: &Path) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
        .args([
            "run",
            TINY,
            "--runs",
            "1000000",
            "--threads",
            "1",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_for(p: &Path) {
    let t0 = Instant::now();
    while !p.exists() && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(p.exists(), "{} never appeared", p.display());
}

fn signal(child: &std::process::Child, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn a_second_writer_is_refused_naming_the_holder_and_a_stale_lock_is_taken_over() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let mut first = long_run(&out);
    wait_for(&out.join("runs.csv.tmp"));
    bin()
        .args(["run", TINY, "--runs", "3", "--quiet", "--force", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains(format!("in use by process {}", first.id())));
    // Readers refuse a folder being written, too.
    bin()
        .arg("plot")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains(format!("process {}", first.id())));
    signal(&first, "-INT");
    assert_eq!(first.wait().unwrap().code(), Some(130));
    assert!(!out.join(".crossroads.lock").exists(), "lock released");
    assert_eq!(manifest(&out)["status"], "partial");
    // A lock left by a process that is gone (SIGKILL) is stale: taken over, with a note.
    fs::write(
        out.join(".crossroads.lock"),
        "pid=4294967295\ncommand=crossroads run x.ron\n",
    )
    .unwrap();
    bin()
        .args([
            "run",
            TINY,
            "--runs",
            "3",
            "--quiet",
            "--no-charts",
            "--force",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("stale lock"));
    assert!(!out.join(".crossroads.lock").exists());
}

// ---------------------------------------------------------------------------------------------
// The scenario is read once

#[test]
fn a_scenario_edited_during_a_sweep_does_not_change_the_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s.ron");
    fs::copy(tiny(), &s).unwrap();
    let sweep = |out: &Path| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
            .arg("sweep")
            .arg(&s)
            .args([
                "--param",
                "actors.power.budget=2..20",
                "--samples",
                "6",
                "--runs-per-point",
                "300",
                "--threads",
                "1",
                "--no-charts",
                "--out",
            ])
            .arg(out)
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let clean = tmp.path().join("clean");
    assert!(sweep(&clean).wait().unwrap().success());
    let edited = tmp.path().join("edited");
    let mut child = sweep(&edited);
    // Once the first point is in, change the scenario (and break its extends) on disk.
    let t0 = Instant::now();
    while fs::read_to_string(edited.join("points.csv.tmp")).map_or(true, |t| t.lines().count() < 2)
        && t0.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let text = fs::read_to_string(&s).unwrap();
    fs::write(
        &s,
        text.replace("size: 200", "size: 900")
            .replace("horizon: 6", "horizon: 3"),
    )
    .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(manifest(&edited)["status"], "complete");
    assert_eq!(
        fs::read(clean.join("points.csv")).unwrap(),
        fs::read(edited.join("points.csv")).unwrap(),
        "every point ran the scenario as read at the start"
    );
    assert_eq!(
        manifest(&clean)["scenario"]["sha256"],
        manifest(&edited)["scenario"]["sha256"]
    );
}

#[test]
fn set_extends_is_refused_so_scenario_ron_reproduces_the_folder() {
    bin()
        .args(["run", TINY, "--runs", "2", "--set", "extends=\"x.ron\""])
        .assert()
        .code(2)
        .stderr(contains("`extends` cannot be changed with --set"));
}

// ---------------------------------------------------------------------------------------------
// Integrity: tampered, truncated, malformed or missing tables are refused

/// Two shards of tiny.ron (20 runs) in `dir`/s0, `dir`/s1.
fn shards(dir: &Path) -> [PathBuf; 2] {
    [0, 1].map(|i| {
        let d = dir.join(format!("s{i}"));
        bin()
            .args([
                "run",
                TINY,
                "--runs",
                "20",
                "--quiet",
                "--no-charts",
                "--shard",
            ])
            .arg(format!("{i}/2"))
            .arg("--out")
            .arg(&d)
            .assert()
            .success();
        d
    })
}

/// A copy of `src` at `dst` with `edit` applied to its runs.csv text (None: the file removed).
fn tampered(src: &Path, dst: &Path, edit: &dyn Fn(&str) -> Option<String>) {
    copy_dir(src, dst);
    let runs = fs::read_to_string(src.join("runs.csv")).unwrap();
    match edit(&runs) {
        Some(t) => fs::write(dst.join("runs.csv"), t).unwrap(),
        None => fs::remove_file(dst.join("runs.csv")).unwrap(),
    }
}

fn lines_but(t: &str, skip: usize) -> String {
    t.lines()
        .enumerate()
        .filter(|(i, _)| *i != skip)
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

#[test]
fn merge_refuses_tampered_shards_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let [s0, s1] = shards(tmp.path());
    type Edit = Box<dyn Fn(&str) -> Option<String>>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "row deleted",
            Box::new(|t| Some(lines_but(t, 4))),
            "runs.csv:11: ends after 9 data rows",
        ),
        (
            "row cut in half",
            Box::new(|t| Some(t[..t.len() - 20].to_string())),
            "runs.csv:11:",
        ),
        (
            "extra row",
            Box::new(|t| Some(format!("{t}20,0.5,10,0,,0.5,open\n"))),
            "runs.csv:12: a row beyond the 10",
        ),
        (
            "value edited",
            Box::new(|t| Some(t.replacen(",0.", ",0.9", 1))),
            "runs.csv: changed since crossroads wrote it",
        ),
        ("file missing", Box::new(|_| None), "runs.csv: missing"),
        (
            "bogus row",
            Box::new(|t| Some(format!("{}garbage\n", lines_but(t, 10)))),
            "runs.csv:11: 1 fields, the header has 7",
        ),
    ];
    for (what, edit, want) in cases {
        let bad = tmp.path().join(what.replace(' ', "_"));
        tampered(&s1, &bad, &*edit);
        let merged = tmp.path().join("merged");
        bin()
            .arg("merge")
            .arg(&s0)
            .arg(&bad)
            .arg("--out")
            .arg(&merged)
            .arg("--no-charts")
            .assert()
            .code(2)
            .stderr(contains(want));
        assert!(!merged.exists(), "{what}: nothing written");
    }
    // Untampered, they merge.
    bin()
        .arg("merge")
        .arg(&s0)
        .arg(&s1)
        .arg("--out")
        .arg(tmp.path().join("merged"))
        .arg("--no-charts")
        .assert()
        .success();
}

#[test]
fn plot_discover_and_compare_refuse_malformed_folders_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    run_tiny(&good, &[]);
    let copy = |name: &str, f: &dyn Fn(&Path)| {
        let d = tmp.path().join(name);
        tampered(&good, &d, &|t| Some(t.to_string()));
        f(&d);
        d
    };
    // Remove the manifest's file list: the per-kind checks alone must catch these (older folders).
    let unlisted = |d: &Path| {
        let mut m = manifest(d);
        m.as_object_mut().unwrap().remove("files");
        fs::write(d.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
    };
    let banana = copy("banana", &|d| {
        let t = fs::read_to_string(d.join("manifest.json")).unwrap();
        fs::write(
            d.join("manifest.json"),
            t.replace("\"complete\"", "\"banana\""),
        )
        .unwrap();
    });
    let truncated = copy("truncated", &|d| {
        unlisted(d);
        let t = fs::read_to_string(d.join("runs.csv")).unwrap();
        fs::write(d.join("runs.csv"), lines_but(&t, 12)).unwrap();
    });
    let cut_series = copy("cut_series", &|d| {
        unlisted(d);
        let t = fs::read_to_string(d.join("series.csv")).unwrap();
        fs::write(d.join("series.csv"), &t[..t.len() / 2]).unwrap();
    });
    let abc = copy("abc", &|d| {
        unlisted(d);
        let t = fs::read_to_string(d.join("runs.csv")).unwrap();
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        let mut cells: Vec<String> = lines[3].split(',').map(String::from).collect();
        cells[3] = "abc".into(); // the binary `deal` column
        lines[3] = cells.join(",");
        fs::write(d.join("runs.csv"), lines.join("\n") + "\n").unwrap();
    });
    let seven = copy("seven", &|d| {
        unlisted(d);
        let t = fs::read_to_string(d.join("runs.csv")).unwrap();
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        let mut cells: Vec<String> = lines[2].split(',').map(String::from).collect();
        cells[3] = "7".into();
        lines[2] = cells.join(",");
        fs::write(d.join("runs.csv"), lines.join("\n") + "\n").unwrap();
    });
    let no_series = copy("no_series", &|d| {
        fs::remove_file(d.join("series.csv")).unwrap()
    });
    for (d, want) in [
        (&banana, "manifest.json:3:"),
        (&truncated, "runs.csv:13: ends after 11 data rows"),
        (&cut_series, "series.csv:"),
        (&abc, "runs.csv:4: column `deal`: `abc` is not 0 or 1"),
        (&seven, "runs.csv:3: column `deal`: `7` is not 0 or 1"),
        (&no_series, "series.csv: missing"),
    ] {
        readers_refuse(d, &good, tmp.path(), want);
    }
    // --value: a finite number, and only for a numeric outcome.
    for (args, want) in [
        (
            vec!["--outcome", "deal_month", "--value", "NaN"],
            "expected a finite number",
        ),
        (
            vec!["--outcome", "deal", "--value", "1"],
            "--value applies to numeric outcomes",
        ),
    ] {
        bin()
            .arg("discover")
            .arg(&good)
            .args(&args)
            .args(["--out"])
            .arg(tmp.path().join("disc"))
            .assert()
            .code(2)
            .stderr(contains(want));
    }
}

// ---------------------------------------------------------------------------------------------
// Every exit path ends the manifest

#[test]
fn sigterm_stops_a_single_long_run_within_its_month_with_a_partial_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    // One run of 5000 months of 100,000 citizens: tens of seconds of work, a few ms per month.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
        .args(["run", TINY, "--runs", "1", "--quiet", "--no-charts"])
        .args(["--set", "run.horizon=5000"])
        .args(["--set", "countries.alpha.population.size=100000"])
        .args([
            "--set",
            "countries.alpha.population.dynamics=Deffuant(mu: 0.3, epsilon: 0.25, encounters: 5)",
        ])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&out.join("runs.csv.tmp"));
    std::thread::sleep(Duration::from_millis(300));
    let t0 = Instant::now();
    signal(&child, "-TERM");
    let status = child.wait().unwrap();
    let took = t0.elapsed();
    eprintln!("SIGTERM to exit: {took:?}");
    assert_eq!(status.code(), Some(130));
    // Generous: without the per-month check the run would go on for tens of seconds.
    assert!(took < Duration::from_secs(10), "{took:?}");
    let m = manifest(&out);
    assert_eq!(m["status"], "partial");
    assert_eq!(m["completed_runs"], 0);
    assert!(!out.join("runs.csv.tmp").exists() && !out.join(".crossroads.lock").exists());
}

#[test]
fn a_second_interrupt_ends_the_manifest_failed_and_removes_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    // A long horizon makes the writing after the first interrupt last (big aggregates).
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
        .args(["run", TINY, "--runs", "1", "--quiet", "--no-charts"])
        .args(["--set", "run.horizon=30000"])
        .args(["--set", "countries.alpha.population.size=50000"])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&out.join("runs.csv.tmp"));
    signal(&child, "-INT");
    std::thread::sleep(Duration::from_millis(150));
    signal(&child, "-INT");
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let m = manifest(&out);
    let status = m["status"].as_str().unwrap();
    assert!(status == "failed" || status == "partial", "{status}");
    if status == "failed" {
        assert!(m["error"].as_str().unwrap().contains("second interrupt"));
    }
    let left: Vec<String> = tree(&out)
        .into_keys()
        .filter(|k| k.ends_with(".tmp") || k.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Every file the manifest lists is whole.
    for f in m["files"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        let r = record_of_file(&out.join(name), name).unwrap();
        assert_eq!(r.sha256, f["sha256"].as_str().unwrap());
    }
}

/// A small tmpfs mounted at a folder (unmounted when dropped).
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = std::process::Command::new("umount").arg(&self.0).status();
        assert!(
            unmounted.is_ok_and(|s| s.success()),
            "umount {}",
            self.0.display()
        );
    }
}

/// A small tmpfs at `dir`, or None (with a message) where mounting is not allowed.
fn small_tmpfs(dir: &Path, size: &str) -> Option<Tmpfs> {
    fs::create_dir_all(dir).unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipped: cannot mount a tmpfs here (needs root); the disk-full test did not run"
        );
    }
    ok.then(|| Tmpfs(dir.to_path_buf()))
}

#[test]
fn a_full_disk_ends_the_manifest_failed_naming_the_file_and_force_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "scenarios/baseline.ron",
        "--runs",
        "40",
        "--quiet",
        "--no-charts",
        "--out",
    ];
    // The sizes come from a complete run of the same command, so the test follows the scenario's
    // size: disks of 1.5 manifests (the first write fails: no manifest can exist) up to just under
    // the whole folder (a late write fails after the manifest was written).
    let reference = tmp.path().join("reference");
    bin().args(args).arg(&reference).assert().success();
    let kb = |name: &str| {
        fs::metadata(reference.join(name))
            .unwrap()
            .len()
            .div_ceil(1024)
            + 4
    };
    let manifest_kb = kb("manifest.json");
    let total_kb: u64 = fs::read_dir(&reference)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len().div_ceil(1024) + 4)
        .sum();
    let sizes: Vec<u64> = (0..6)
        .map(|k| manifest_kb * 3 / 2 + (total_kb - manifest_kb * 3 / 2) * k / 6)
        .collect();
    let mnt = tmp.path().join("small");
    let mut failed_manifests = 0;
    for (k, size) in sizes.iter().enumerate() {
        let Some(_mounted) = small_tmpfs(&mnt, &format!("{size}k")) else {
            return;
        };
        let out = mnt.join("b");
        let r = bin()
            .args(args)
            .arg(&out)
            .assert()
            .code(1)
            .stderr(contains("No space left on device"))
            .stderr(contains(out.display().to_string()))
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&r.stderr).into_owned();
        let left: Vec<String> = tree(&out)
            .into_keys()
            .filter(|k| k.ends_with(".tmp") || k.ends_with(".lock"))
            .collect();
        assert!(left.is_empty(), "{size}k: {left:?}");
        if !out.join("manifest.json").exists() {
            // Only the very first write may leave no manifest, and it must say so.
            assert!(stderr.contains("manifest.json"), "{size}k: {stderr}");
            continue;
        }
        let m = manifest(&out);
        assert_eq!(m["status"], "failed", "{size}k: {stderr}");
        assert!(
            m["error"]
                .as_str()
                .unwrap()
                .contains("No space left on device")
        );
        failed_manifests += 1;
        if k + 1 < sizes.len() {
            continue;
        }
        // --force recovers the half-written folder (a small run fits in what it frees).
        bin()
            .args([
                "run",
                TINY,
                "--runs",
                "3",
                "--set",
                "run.horizon=1",
                "--quiet",
                "--no-charts",
            ])
            .args(["--force", "--out"])
            .arg(&out)
            .assert()
            .success();
        assert_eq!(manifest(&out)["status"], "complete");
    }
    assert!(
        failed_manifests >= 3,
        "only {failed_manifests} of {sizes:?} KiB disks failed after writing the manifest"
    );
}

// ---------------------------------------------------------------------------------------------
// Bounded work and special files

#[test]
fn work_beyond_the_limits_is_refused_unless_allowed() {
    for (args, want) in [
        (
            vec!["run", TINY, "--set", "run.horizon=10000000"],
            "--allow-large",
        ),
        (
            vec![
                "run",
                TINY,
                "--set",
                "countries.alpha.population.dynamics=Deffuant(mu: 0.3, epsilon: 0.25, encounters: 1e9)",
            ],
            "--allow-large",
        ),
        (
            vec![
                "trace",
                TINY,
                "--run",
                "0",
                "--set",
                "countries.alpha.population.dynamics=HegselmannKrause(epsilon: 0.2, steps: 4000000000)",
            ],
            "--allow-large",
        ),
        // 2e7 updates in one month, 2e7 in the run: within the run's limit, beyond the month's
        // (a stop is asked between months, so a month must stay near a second).
        (
            vec![
                "run",
                TINY,
                "--set",
                "run.horizon=1",
                "--set",
                "countries.alpha.population.dynamics=Deffuant(mu: 0.3, epsilon: 0.25, encounters: 1e5)",
            ],
            "one month of a run needs about 2.0e7 updates",
        ),
        (vec!["run", TINY, "--threads", "10000"], "at most 256"),
        (
            vec![
                "sweep",
                TINY,
                "--param",
                "actors.power.budget=1..9",
                "--samples",
                "4294967295",
            ],
            "too large",
        ),
        (
            vec![
                "sweep",
                TINY,
                "--param",
                "actors.power.budget=1..9",
                "--design",
                "sobol",
                "--samples",
                "100000000",
            ],
            "at most 1000000 points",
        ),
        (
            vec!["sensitivity", TINY, "--samples", "4294967295"],
            "evaluations",
        ),
        (
            vec![
                "sensitivity",
                TINY,
                "--samples",
                "4",
                "--bootstrap",
                "4294967295",
            ],
            "at most 10000 resamples",
        ),
        (
            vec![
                "sensitivity",
                TINY,
                "--samples",
                "5000",
                "--method",
                "morris",
            ],
            "at most 500 trajectories",
        ),
    ] {
        let t0 = Instant::now();
        let out: &[&str] = if args[0] == "trace" {
            &[]
        } else {
            &["--out", "/nonexistent/never"]
        };
        bin()
            .args(&args)
            .args(out)
            .timeout(Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(contains(want));
        eprintln!("{:?}: refused in {:?}", &args[..2], t0.elapsed());
    }
}

#[test]
fn special_files_are_refused_promptly_as_scenario_and_as_extends_target() {
    let tmp = tempfile::tempdir().unwrap();
    let ext = tmp.path().join("ext.ron");
    fs::write(&ext, "(format: 1, extends: \"/dev/zero\")").unwrap();
    let fifo = tmp.path().join("fifo.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut files = vec![
        PathBuf::from("/dev/zero"),
        PathBuf::from("/dev/urandom"),
        ext,
    ];
    if made {
        files.push(fifo);
    }
    for f in files {
        let t0 = Instant::now();
        bin()
            .arg("validate")
            .arg(&f)
            .timeout(Duration::from_secs(10))
            .assert()
            .code(2)
            .stderr(contains("not a regular file"));
        eprintln!("{}: refused in {:?}", f.display(), t0.elapsed());
    }
}

// ---------------------------------------------------------------------------------------------
// Writes to stdout and stderr never panic

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let tmp = tempfile::tempdir().unwrap();
    for reader in ["head -1", "true"] {
        let out = tmp.path().join(reader.replace(' ', "_"));
        let script = format!(
            "\"$0\" run {} --runs 30 --no-charts --out {} | {reader}; exit ${{PIPESTATUS[0]}}",
            tiny().display(),
            out.display()
        );
        let o = std::process::Command::new("bash")
            .args(["-c", &script])
            .arg(assert_cmd::cargo::cargo_bin("crossroads"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{reader}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(manifest(&out)["status"], "complete");
    }
}

#[test]
fn a_full_stdout_is_exit_1_and_a_full_stderr_never_panics() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        vec!["validate", TINY],
        vec!["trace", TINY, "--run", "1", "--json"],
        vec!["trace", TINY, "--run", "1"],
        vec!["--help"],
    ] {
        let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
            .args(&args)
            .stdout(full())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // An invalid scenario with stderr full: still exit 2 (not a panic's 101).
    let bad = tempfile::NamedTempFile::new().unwrap();
    fs::write(bad.path(), "(format: 1, run: (horizon: -1))").unwrap();
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
        .arg("validate")
        .arg(bad.path())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Values that overflow; messages

#[test]
fn values_that_overflow_are_refused_at_validation_with_their_place() {
    for (set, want) in [
        ("countries.alpha.economy.gdp_bn=1e308", "1e308 is too large"),
        (
            "actors.power.budget=LogNormal(800, 0)",
            "LogNormal(800, 0) can draw values beyond",
        ),
        (
            "countries.alpha.economy.gdp_bn=Uniform(-1e308, 1e308)",
            "Uniform(-1e308, 1e308) can draw values beyond",
        ),
    ] {
        let o = bin()
            .args(["run", TINY, "--runs", "2", "--set", set])
            .assert()
            .code(2)
            .stderr(contains(want))
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains("inf,") && !err.contains("TruncNormal(inf"),
            "{err}"
        );
    }
}

#[test]
fn a_string_field_set_without_quotes_says_it_is_a_string() {
    bin()
        .args(["validate", TINY, "--set", "run.name=../../etc"])
        .assert()
        .code(2)
        .stderr(contains("`run.name` is a string"));
    bin()
        .args(["validate", TINY, "--set", "run.name=\"../../etc\""])
        .assert()
        .code(2)
        .stderr(contains("safe folder name"));
}

#[test]
fn the_model_stepped_with_a_stop_check_is_the_same_run_and_stops_when_asked() {
    let r = crossroads::scenario::load(&tiny(), &[]).unwrap();
    let opts = crossroads::model::RunOptions::default();
    for run in 0..4 {
        let whole = crossroads::model::run_one(&r, 3, run, &opts).unwrap();
        let stepped = crossroads::model::run_one_until(&r, 3, run, &opts, &|| false).unwrap();
        assert_eq!(Some(whole), stepped, "run {run}");
    }
    let asked = std::cell::Cell::new(0);
    let stopped = crossroads::model::run_one_until(&r, 3, 0, &opts, &|| {
        asked.set(asked.get() + 1);
        asked.get() > 2
    })
    .unwrap();
    assert_eq!(stopped, None);
    assert_eq!(
        asked.get(),
        3,
        "asked before each month, stopped at the third"
    );
}

#[test]
fn a_batch_abandons_a_run_in_flight_when_stopped() {
    use crossroads::batch::{BatchSpec, Stop, run_batch};
    // Each fake run sleeps a minute; the stop flag ends the batch long before.
    let sim = FakeSim {
        sleep: Duration::from_secs(60),
        ..FakeSim::default()
    };
    let stop = AtomicBool::new(false);
    let spec = BatchSpec {
        seed: 1,
        first: 0,
        end: 3,
        threads: 2,
        window: 0,
        opts: crossroads::model::RunOptions::default(),
    };
    let t0 = Instant::now();
    let end = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(200));
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        run_batch(&sim, &spec, &stop, |_, _| Ok(()))
    });
    assert_eq!(end.stop, Stop::Interrupted);
    assert_eq!(end.completed, 0);
    assert!(t0.elapsed() < Duration::from_secs(30), "{:?}", t0.elapsed());
}
