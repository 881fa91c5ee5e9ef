//! The output-folder safety contract (issue 16, tests/safety_cli.rs) for the folders of
//! `crossroads calibrate` and `crossroads score`, and for the calibration folder read by
//! `run --posterior`: their files are recorded in the manifest and `--force` deletes only those,
//! `--out` is never an input (the scenario and its `extends` chain, the posterior folder, the run
//! folder scored, the observations' scenario), a folder another process holds is refused, and a
//! calibration or score folder that is not what its manifest says is refused by `run --posterior`,
//! `score` and `plot` (exit 2, naming the file). The CLI runs the real binary on
//! tests/fixtures/calibration_tiny.ron.

use assert_cmd::Command;
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};

const TINY: &str = "tests/fixtures/calibration_tiny.ron";

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY)
}

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The names the manifest's `files` lists.
fn listed(dir: &Path) -> Vec<String> {
    manifest(dir)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

/// A small calibration of `scenario` into `out` (extra args appended).
fn calibrate(scenario: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    bin()
        .arg("calibrate")
        .arg(scenario)
        .args(["--particles", "40", "--generations", "2"])
        .args(["--min-acceptance", "0", "--seed", "3", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

/// A run of the fixture drawn from `posterior` into `out`.
fn forecast(posterior: &Path, out: &Path) {
    bin()
        .args(["run", TINY, "--runs", "20", "--quiet", "--no-charts"])
        .arg("--posterior")
        .arg(posterior)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// The fixture with observations after the cutoff (2020-02), to score.
fn observed(dir: &Path) -> PathBuf {
    let text = fs::read_to_string(tiny()).unwrap();
    let head = text.split("    observations: [").next().unwrap();
    let p = dir.join("observed.ron");
    fs::write(
        &p,
        format!(
            "{head}    observations: [\n        (id: \"deal\", month: \"2020-06\", indicator: \"outcome\", \
             entity: \"deal_done\", measured: Value(value: 1.0, se: 0.01)),\n        (id: \"op\", \
             month: \"2020-06\", indicator: \"outcome\", entity: \"opinion_end\", measured: \
             Value(value: 0.56, se: 0.01)),\n    ],\n)\n"
        ),
    )
    .unwrap();
    p
}

fn score(run: &Path, obs: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    bin()
        .arg("score")
        .arg(run)
        .arg("--observations")
        .arg(obs)
        .arg("--out")
        .arg(out)
        .args(["--quiet"])
        .args(extra)
        .assert()
}

#[test]
fn calibration_and_score_folders_record_their_files_and_force_deletes_only_those() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cal = t.join("cal");
    calibrate(&tiny(), &cal, &[]).success();
    // Every file written is listed (charts and report.html too, as `plot` records them), with the
    // rows of each table.
    let names = listed(&cal);
    for n in [
        "calibration.json",
        "generations.csv",
        "posterior.csv",
        "predictive.csv",
        "prior.csv",
        "report.html",
        "charts/calibration_pairs.png",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} not listed: {names:?}");
    }
    let m = manifest(&cal);
    let rows = |name: &str| {
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["rows"]
            .as_u64()
    };
    assert_eq!(rows("posterior.csv"), Some(40));
    assert_eq!(rows("generations.csv"), Some(2));

    let run = t.join("run");
    forecast(&cal, &run);
    let obs = observed(t);
    let sc = t.join("sc");
    score(&run, &obs, &sc, &[]).success();
    let names = listed(&sc);
    for n in ["score.csv", "report.html"] {
        assert!(names.iter().any(|x| x == n), "{n} not listed: {names:?}");
    }
    assert_eq!(manifest(&sc)["scored"], 2);

    for (dir, again) in [(&cal, 0), (&sc, 1)] {
        // A user's notes in the folder survive --force and are named.
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        fs::create_dir_all(dir.join("analysis")).unwrap();
        fs::write(dir.join("analysis/fit.py"), "x = 1").unwrap();
        let a = if again == 0 {
            calibrate(&tiny(), dir, &["--force", "--no-charts"])
        } else {
            score(&run, &obs, dir, &["--force", "--no-charts"])
        };
        a.success().stderr(contains("kept analysis/, notes.txt"));
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
        assert_eq!(
            fs::read_to_string(dir.join("analysis/fit.py")).unwrap(),
            "x = 1"
        );
        // The charts of the first drawing were crossroads's: deleted (none drawn this time).
        assert!(!dir.join("charts").exists() && !dir.join("report.html").exists());
        // A user's file where the command writes: refused, named, untouched.
        fs::write(dir.join("report.html"), "my own page").unwrap();
        let a = if again == 0 {
            calibrate(&tiny(), dir, &["--force"])
        } else {
            score(&run, &obs, dir, &["--force"])
        };
        a.code(2).stderr(contains("report.html"));
        assert_eq!(
            fs::read_to_string(dir.join("report.html")).unwrap(),
            "my own page"
        );
        fs::remove_file(dir.join("report.html")).unwrap();
    }
    // A table edited by hand is the user's now: --force refuses rather than delete it.
    let mut b = fs::read(cal.join("posterior.csv")).unwrap();
    b.extend_from_slice(b"edited by hand\n");
    fs::write(cal.join("posterior.csv"), &b).unwrap();
    calibrate(&tiny(), &cal, &["--force"])
        .code(2)
        .stderr(contains("posterior.csv"));
    assert_eq!(fs::read(cal.join("posterior.csv")).unwrap(), b);
}

#[test]
fn out_equal_to_holding_or_inside_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // The scenario in a folder of its own, extending the fixture in another.
    fs::create_dir_all(t.join("base")).unwrap();
    fs::copy(tiny(), t.join("base/tiny.ron")).unwrap();
    fs::create_dir_all(t.join("sc")).unwrap();
    let v = t.join("sc/v.ron");
    fs::write(
        &v,
        "(format: 1, extends: \"../base/tiny.ron\", run: (name: \"v\"))",
    )
    .unwrap();
    let cal = t.join("cal");
    calibrate(&v, &cal, &["--no-charts"]).success();
    let run = t.join("run");
    forecast(&cal, &run);
    fs::create_dir_all(t.join("obs")).unwrap();
    let obs = observed(&t.join("obs"));
    let p = |s: &str| t.join(s).display().to_string();
    let (vs, os) = (v.display().to_string(), obs.display().to_string());
    let cal_args = |out: String| -> Vec<String> {
        [
            "calibrate",
            &vs,
            "--particles",
            "10",
            "--generations",
            "1",
            "--out",
            &out,
        ]
        .map(String::from)
        .to_vec()
    };
    let cases: Vec<Vec<String>> = vec![
        cal_args(p("sc")),
        cal_args(p("base")),
        cal_args(vs.clone()),
        cal_args(p("")),
        vec![
            "run".into(),
            vs.clone(),
            "--posterior".into(),
            p("cal"),
            "--out".into(),
            p("cal"),
        ],
        vec![
            "run".into(),
            vs.clone(),
            "--posterior".into(),
            p("cal"),
            "--out".into(),
            p("cal/forecast"),
        ],
        vec![
            "score".into(),
            p("run"),
            "--observations".into(),
            os.clone(),
            "--out".into(),
            p("run"),
        ],
        vec![
            "score".into(),
            p("run"),
            "--observations".into(),
            os.clone(),
            "--out".into(),
            p("run/score"),
        ],
        vec![
            "score".into(),
            p("run"),
            "--observations".into(),
            os.clone(),
            "--out".into(),
            p("obs"),
        ],
    ];
    let snapshot = || {
        [
            "base/tiny.ron",
            "cal/posterior.csv",
            "cal/manifest.json",
            "run/runs.csv",
            "run/manifest.json",
            "obs/observed.ron",
        ]
        .map(|f| fs::read(t.join(f)).unwrap())
    };
    let before = snapshot();
    for args in cases {
        bin()
            .args(&args)
            .arg("--force")
            .assert()
            .code(2)
            .stderr(contains("input of this command"));
        assert!(v.is_file(), "{args:?}");
        assert!(snapshot() == before, "{args:?} changed an input");
    }
}

/// Waits until `p` exists (at most 60 s).
fn wait_for(p: &Path) {
    let t = std::time::Instant::now();
    while !p.exists() {
        assert!(t.elapsed().as_secs() < 60, "{} never appeared", p.display());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Kills the child when dropped (a failed assertion must not leave it running).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

#[test]
fn a_folder_another_process_holds_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let cal = tmp.path().join("cal");
    // A calibration long enough to be caught writing (a million particles in generation 0).
    let mut first = KillOnDrop(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
            .arg("calibrate")
            .arg(tiny())
            .args([
                "--particles",
                "1000000",
                "--threads",
                "1",
                "--quiet",
                "--out",
            ])
            .arg(&cal)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(&cal.join("manifest.json"));
    let holder = format!("process {}", first.0.id());
    // A second writer, plot and run --posterior refuse the folder and name the holder.
    calibrate(&tiny(), &cal, &["--force"])
        .code(2)
        .stderr(contains(holder.clone()));
    bin()
        .arg("plot")
        .arg(&cal)
        .assert()
        .code(2)
        .stderr(contains(holder.clone()));
    bin()
        .args(["run", TINY, "--runs", "5", "--quiet", "--posterior"])
        .arg(&cal)
        .arg("--out")
        .arg(tmp.path().join("r"))
        .assert()
        .code(2)
        .stderr(contains(holder));
    assert!(!tmp.path().join("r").exists());
    std::process::Command::new("kill")
        .args(["-INT", &first.0.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(first.0.wait().unwrap().code(), Some(130));
    let lock = cal.join(".crossroads.lock");
    assert!(!lock.exists(), "lock released");
    assert_eq!(manifest(&cal)["status"], "partial");
    // A calibration killed (SIGKILL) while writing: manifest `running`, its lock's process gone. The
    // folder is refused as incomplete, and --force takes the stale lock over.
    let m = fs::read_to_string(cal.join("manifest.json")).unwrap();
    fs::write(
        cal.join("manifest.json"),
        m.replace("\"partial\"", "\"running\""),
    )
    .unwrap();
    fs::write(&lock, "pid=4294967295\ncommand=crossroads calibrate x\n").unwrap();
    bin()
        .args(["run", TINY, "--runs", "5", "--quiet", "--posterior"])
        .arg(&cal)
        .arg("--out")
        .arg(tmp.path().join("r"))
        .assert()
        .code(2)
        .stderr(contains("no process is writing it"));
    calibrate(&tiny(), &cal, &["--force", "--no-charts"])
        .success()
        .stderr(contains("stale lock"));
    assert!(!lock.exists());
    assert_eq!(manifest(&cal)["status"], "complete");
}

/// Copies the folder `src` to `dst` (files only, charts/ included).
fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        let q = dst.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &q);
        } else if p.file_name().unwrap() != ".crossroads.lock" {
            fs::copy(&p, &q).unwrap();
        }
    }
}

/// The lines of `t` but line `skip` (1-based, the header is line 1).
fn lines_but(t: &str, skip: usize) -> String {
    t.lines()
        .enumerate()
        .filter(|(i, _)| i + 1 != skip)
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

#[test]
fn tampered_calibration_and_score_folders_are_refused_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cal = t.join("cal");
    calibrate(&tiny(), &cal, &[]).success();
    let run = t.join("run");
    forecast(&cal, &run);
    let obs = observed(t);
    let sc = t.join("sc");
    score(&run, &obs, &sc, &[]).success();
    let edit = |src: &Path, name: &str, file: &str, f: &dyn Fn(&str) -> String| {
        let d = t.join(name);
        copy_dir(src, &d);
        let text = fs::read_to_string(d.join(file)).unwrap();
        fs::write(d.join(file), f(&text)).unwrap();
        d
    };
    // A particle's weight edited: posterior.csv is no longer the file the calibration wrote.
    let reweighted = edit(&cal, "reweighted", "posterior.csv", &|x| {
        let mut l: Vec<String> = x.lines().map(String::from).collect();
        let mut c: Vec<String> = l[1].split(',').map(String::from).collect();
        c[1] = "0.9".into();
        l[1] = c.join(",");
        l.join("\n") + "\n"
    });
    // A particle deleted, the manifest's file list removed (a folder of an older version): the
    // per-kind check on the rows still catches it.
    let short = edit(&cal, "short", "posterior.csv", &|x| lines_but(x, 5));
    let mut m = manifest(&short);
    m.as_object_mut().unwrap().remove("files");
    fs::write(short.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
    let cut = edit(&cal, "cut", "generations.csv", &|x| {
        x[..x.len() - 3].to_string()
    });
    for (d, want) in [
        (&reweighted, "posterior.csv"),
        (&short, "posterior.csv"),
        (&cut, "generations.csv"),
    ] {
        bin()
            .args(["run", TINY, "--runs", "5", "--quiet", "--posterior"])
            .arg(d)
            .arg("--out")
            .arg(t.join("r2"))
            .assert()
            .code(2)
            .stderr(contains(want));
        assert!(!t.join("r2").exists(), "a folder was started");
        bin()
            .arg("plot")
            .arg(d)
            .assert()
            .code(2)
            .stderr(contains(want));
    }
    // A score folder with a row cut off; a run folder with its runs.csv edited: plot and score
    // refuse them.
    let scut = edit(&sc, "scut", "score.csv", &|x| lines_but(x, 2));
    bin()
        .arg("plot")
        .arg(&scut)
        .assert()
        .code(2)
        .stderr(contains("score.csv"));
    let redone = edit(&run, "redone", "runs.csv", &|x| x.replacen(",1,", ",0,", 1));
    score(&redone, &obs, &t.join("sc2"), &[])
        .code(2)
        .stderr(contains("runs.csv"));
    assert!(!t.join("sc2").exists(), "a folder was started");
    // A run folder is not a posterior; a calibration folder is not a forecast.
    bin()
        .args(["run", TINY, "--runs", "5", "--quiet", "--posterior"])
        .arg(&run)
        .arg("--out")
        .arg(t.join("r3"))
        .assert()
        .code(2)
        .stderr(contains("not a calibration folder"));
    score(&cal, &obs, &t.join("sc3"), &[])
        .code(2)
        .stderr(contains("a calibration folder"));
    // The originals pass: plot rebuilds them.
    for d in [&cal, &sc] {
        bin().arg("plot").arg(d).assert().success();
    }
}

#[test]
fn score_to_a_closed_or_full_stdout_never_panics_and_finishes_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cal = t.join("cal");
    calibrate(&tiny(), &cal, &["--no-charts"]).success();
    let run = t.join("run");
    forecast(&cal, &run);
    let obs = observed(t);
    let out = t.join("closed");
    let script = format!(
        "\"$0\" score {} --observations {} --no-charts --out {} | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}",
        run.display(),
        obs.display(),
        out.display()
    );
    let o = std::process::Command::new("bash")
        .args(["-c", &script])
        .arg(assert_cmd::cargo::cargo_bin("crossroads"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(manifest(&out)["status"], "complete");
    if Path::new("/dev/full").exists() {
        let out = t.join("full");
        let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
            .arg("score")
            .arg(&run)
            .arg("--observations")
            .arg(&obs)
            .args(["--no-charts", "--out"])
            .arg(&out)
            .stdout(
                fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        // The folder was finished before the table was printed.
        assert_eq!(manifest(&out)["status"], "complete");
    }
}
