//! `crossroads calibrate`, `run --posterior` and `score` end to end on the calibration fixture
//! (tests/fixtures/calibration_tiny.ron): the folder contract (docs/outputs.md, "Calibration
//! folders"), byte-identical results on 1 and 2 threads, `crossroads plot` rebuilding charts and
//! report, Ctrl-C (a partial folder holding the finished generations, exit 130), located errors for
//! bad observations (exit 2), the forecast drawn from the posterior, and score.csv against scores
//! computed here by hand from runs.csv.

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const TINY: &str = "tests/fixtures/calibration_tiny.ron";

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Every file under `dir` (relative path -> bytes).
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The fixture with its `observations:` block replaced by `block` (the list's items).
fn with_observations(block: &str) -> String {
    let text = fs::read_to_string(TINY).unwrap();
    let head = text.split("    observations: [").next().unwrap();
    format!("{head}    observations: [\n{block}\n    ],\n)\n")
}

fn calibrate(out: &Path, threads: &str, extra: &[&str]) {
    bin()
        .args([
            "calibrate",
            TINY,
            "--particles",
            "150",
            "--generations",
            "4",
        ])
        .args(["--min-acceptance", "0", "--seed", "5", "--threads", threads])
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Deletes charts/ and report.html, runs `crossroads plot`, and checks they come back byte for byte.
fn replot_is_identical(dir: &Path) {
    let before = files(dir);
    assert!(before.keys().any(|k| k.starts_with("charts")));
    fs::remove_dir_all(dir.join("charts")).unwrap();
    fs::remove_file(dir.join("report.html")).unwrap();
    bin().arg("plot").arg(dir).assert().success();
    let after = files(dir);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (k, v) in &before {
        assert!(after[k] == *v, "{} differs after plot", k.display());
    }
}

#[test]
fn calibration_folder_is_identical_on_one_and_two_threads_and_replots() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
    calibrate(&a, "1", &[]);
    calibrate(&b, "2", &[]);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        // The manifest records the thread count and the clock; everything else is the same.
        if k == Path::new("manifest.json") || k == Path::new("report.html") {
            continue;
        }
        assert!(
            fb[k] == *v,
            "{} differs between 1 and 2 threads",
            k.display()
        );
    }
    for name in [
        "prior.csv",
        "posterior.csv",
        "generations.csv",
        "predictive.csv",
        "calibration.json",
        "report.html",
        "charts/calibration_marginals_1.png",
        "charts/calibration_predictive_1.png",
        "charts/calibration_pairs.png",
        "charts/calibration_generations.png",
    ] {
        assert!(a.join(name).is_file(), "{name} missing");
    }
    let m = manifest(&a);
    assert_eq!(m["kind"], "calibration");
    assert_eq!(m["status"], "complete");
    assert_eq!(m["generations_completed"], 4);
    assert_eq!(m["until"], "2020-02");
    // One row per particle, weights summing to 1, values inside the priors' supports.
    let post = rows(&a.join("posterior.csv"));
    assert_eq!(
        post[0],
        [
            "particle",
            "weight",
            "distance",
            "countries.land.population.opinions[0].mean",
            "countries.land.economy.growth"
        ]
    );
    assert_eq!(post.len(), 151);
    let w: f64 = post[1..].iter().map(|r| r[1].parse::<f64>().unwrap()).sum();
    assert!((w - 1.0).abs() < 1e-9, "{w}");
    for r in &post[1..] {
        let (o, g): (f64, f64) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        assert!(
            (0.3..=0.7).contains(&o) && (0.0..=0.08).contains(&g),
            "{r:?}"
        );
    }
    // The tolerance falls generation by generation.
    let gens = rows(&a.join("generations.csv"));
    assert_eq!(gens.len(), 5);
    let eps: Vec<f64> = gens[2..].iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(eps.windows(2).all(|p| p[1] < p[0]), "{eps:?}");
    // The data moved both parameters: the posterior is narrower than the prior, and the opinion's
    // mean sits near the observed 0.55 (sd 0.02).
    let c = json(&a.join("calibration.json"));
    for p in c["params"].as_array().unwrap() {
        let r = p["sd_ratio"].as_f64().unwrap();
        assert!(r < 0.7, "{}: sd ratio {r}", p["path"]);
    }
    let mean = c["params"][0]["posterior"]["mean"].as_f64().unwrap();
    assert!((mean - 0.55).abs() < 0.04, "{mean}");
    replot_is_identical(&a);
}

#[test]
fn bad_observations_are_located_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        // After the horizon (2020-01 + 6 months covers 2020-01 to 2020-06).
        (
            r#"        (id: "late", month: "2020-07", indicator: "opinion", entity: "land/d", measured: Value(value: 0.5, se: 0.1)),"#,
            "outside",
        ),
        // Before the start.
        (
            r#"        (id: "early", month: "2019-12", indicator: "opinion", entity: "land/d", measured: Value(value: 0.5, se: 0.1)),"#,
            "outside",
        ),
        (
            r#"        (id: "typo", month: "2020-02", indicator: "opinoin", entity: "land/d", measured: Value(value: 0.5, se: 0.1)),"#,
            "unknown indicator `opinoin`",
        ),
        (
            r#"        (id: "who", month: "2020-02", indicator: "opinion", entity: "sea/d", measured: Value(value: 0.5, se: 0.1)),"#,
            "unknown entity `sea/d`",
        ),
    ];
    for (k, (block, want)) in cases.iter().enumerate() {
        let file = tmp.path().join(format!("bad{k}.ron"));
        fs::write(&file, with_observations(block)).unwrap();
        let line = with_observations(block)
            .lines()
            .position(|l| l.contains("measured:"))
            .unwrap()
            + 1;
        for cmd in ["validate", "calibrate"] {
            let mut c = bin();
            c.arg(cmd).arg(&file);
            if cmd == "calibrate" {
                c.arg("--out").arg(tmp.path().join(format!("o{k}")));
            }
            let out = c.output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cmd} case {k}: {err}");
            assert!(err.contains(want), "{cmd} case {k}: {err}");
            let at = format!("bad{k}.ron:{line}:");
            assert!(err.contains(&at), "{cmd} case {k}: {err} (wanted {at})");
        }
    }
}

#[test]
fn calibrate_usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    // --until outside the run, and before every observation.
    for (until, want) in [("2021-01", "outside the run"), ("2020-01x", "YYYY-MM")] {
        let o = bin()
            .args(["calibrate", TINY, "--until", until, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{err}");
    }
    // No observation dated up to --until: growth_jan is 2020-01, so move it later.
    let file = tmp.path().join("late.ron");
    fs::write(
        &file,
        with_observations(
            r#"        (id: "o", month: "2020-04", indicator: "opinion", entity: "land/d", measured: Value(value: 0.5, se: 0.1)),"#,
        ),
    )
    .unwrap();
    let o = bin()
        .args(["calibrate"])
        .arg(&file)
        .args(["--until", "2020-02", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no observation is dated up to it"), "{err}");
    // No observations at all.
    let none = tmp.path().join("none.ron");
    fs::write(&none, with_observations("")).unwrap();
    bin()
        .arg("calibrate")
        .arg(&none)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
}

#[test]
fn sigint_keeps_the_finished_generations() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cal");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crossroads"))
        .args([
            "calibrate",
            TINY,
            "--particles",
            "3000",
            "--generations",
            "1000",
        ])
        .args(["--min-acceptance", "0", "--threads", "2", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let gens = out.join("generations.csv");
    let t0 = Instant::now();
    // Two finished generations (header + 2 rows).
    while fs::read_to_string(&gens).map_or(0, |s| s.lines().count()) < 3
        && t0.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(manifest(&out)["status"], "running");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("partial"), "{stderr}");
    let m = manifest(&out);
    assert_eq!(m["status"], "partial");
    assert_eq!(m["stop_reason"], "interrupted");
    let done = m["generations_completed"].as_u64().unwrap() as usize;
    assert!(done >= 2, "{done}");
    // generations.csv holds exactly the finished generations; posterior.csv the last of them.
    assert_eq!(rows(&gens).len(), 1 + done);
    assert_eq!(rows(&out.join("posterior.csv")).len(), 3001);
    let c = json(&out.join("calibration.json"));
    assert_eq!(
        c["posterior_generation"].as_u64().unwrap() as usize,
        done - 1
    );
    assert!(
        fs::read_to_string(out.join("report.html"))
            .unwrap()
            .contains("partial")
    );
    // A partial calibration still forecasts.
    bin()
        .args(["run", TINY, "--runs", "5", "--no-charts", "--posterior"])
        .arg(&out)
        .arg("--out")
        .arg(tmp.path().join("run"))
        .assert()
        .success();
}

/// `run --posterior` names the posterior and its hash, draws every run's parameters from its
/// particles, is identical on 1 and 2 threads; `score` scores it against later observations.
#[test]
fn forecast_from_the_posterior_and_its_score() {
    let tmp = tempfile::tempdir().unwrap();
    let cal = tmp.path().join("cal");
    calibrate(&cal, "2", &["--no-charts"]);
    let run = |dir: &Path, threads: &str| {
        bin()
            .args([
                "run",
                TINY,
                "--runs",
                "60",
                "--seed",
                "3",
                "--threads",
                threads,
            ])
            .arg("--posterior")
            .arg(&cal)
            .arg("--out")
            .arg(dir)
            .assert()
            .success();
    };
    let (r1, r2) = (tmp.path().join("r1"), tmp.path().join("r2"));
    run(&r1, "1");
    run(&r2, "2");
    for f in ["runs.csv", "series.csv", "aggregates.json"] {
        assert!(
            fs::read(r1.join(f)).unwrap() == fs::read(r2.join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }
    let m = manifest(&r1);
    let hash = format!(
        "{:x}",
        Sha256::digest(fs::read(cal.join("posterior.csv")).unwrap())
    );
    assert_eq!(m["posterior"]["sha256"], hash);
    assert_eq!(m["posterior"]["particles"], 150);
    assert_eq!(m["posterior"]["until"], "2020-02");
    assert_eq!(m["posterior"]["params"].as_array().unwrap().len(), 2);
    // Every run's parameters are one particle's.
    let post = rows(&cal.join("posterior.csv"));
    let particles: Vec<(String, String)> = post[1..]
        .iter()
        .map(|r| (r[3].clone(), r[4].clone()))
        .collect();
    let runs = rows(&r1.join("runs.csv"));
    let col = |name: &str| runs[0].iter().position(|h| h == name).unwrap();
    let (co, cg) = (
        col("countries.land.population.opinions[0].mean"),
        col("countries.land.economy.growth"),
    );
    for r in &runs[1..] {
        let (o, g): (f64, f64) = (r[co].parse().unwrap(), r[cg].parse().unwrap());
        assert!(
            particles
                .iter()
                .any(|(a, b)| a.parse::<f64>().unwrap() == o && b.parse::<f64>().unwrap() == g),
            "run parameters ({o}, {g}) are no particle's"
        );
        // ... and the run was simulated with them: the end opinion stays near its initial mean
        // (bounded-confidence dynamics keep the mean; prior draws would be anywhere in 0.3..0.7).
        let end: f64 = r[col("opinion_end")].parse().unwrap();
        assert!(
            (end - o).abs() < 0.05,
            "opinion_end {end} for initial mean {o}"
        );
    }

    // What happened after the cutoff: the deal (binary outcome) and the opinion at the end.
    let obs = tmp.path().join("observed.ron");
    fs::write(
        &obs,
        with_observations(
            r#"        (id: "before", month: "2020-02", indicator: "opinion", entity: "land/d", measured: Value(value: 0.5, se: 0.01)),
        (id: "deal", month: "2020-06", indicator: "outcome", entity: "deal_done", measured: Value(value: 1.0, se: 0.01)),
        (id: "op_end", month: "2020-06", indicator: "outcome", entity: "opinion_end", measured: Value(value: 0.56, se: 0.01)),"#,
        ),
    )
    .unwrap();
    bin()
        .arg("score")
        .arg(&r1)
        .arg("--observations")
        .arg(&obs)
        .assert()
        .success();
    let dir = tmp.path().join("r1-score");
    assert!(dir.join("report.html").is_file());
    let sc = rows(&dir.join("score.csv"));
    let h = |name: &str| sc[0].iter().position(|x| x == name).unwrap();
    // `before` is dated at the cutoff: not scored.
    assert_eq!(sc.len(), 3, "{sc:?}");
    assert_eq!(sc[1][h("observation")], "deal");
    assert_eq!(sc[2][h("observation")], "op_end");
    let f = |r: &[String], name: &str| r[h(name)].parse::<f64>().unwrap();
    // Brier by hand: p = share of runs where the deal was done; (p − 1)².
    let deal: Vec<f64> = runs[1..]
        .iter()
        .map(|r| r[col("deal_done")].parse().unwrap())
        .collect();
    let p = deal.iter().filter(|&&x| x != 0.0).count() as f64 / deal.len() as f64;
    assert!((f(&sc[1], "forecast") - p).abs() < 1e-12);
    assert!((f(&sc[1], "brier") - (p - 1.0).powi(2)).abs() < 1e-12);
    assert!((f(&sc[1], "log_score") + p.max(0.5 / 60.0).ln()).abs() < 1e-12);
    // CRPS of the ensemble by its definition, E|X − y| − ½ E|X − X'| (Gneiting & Raftery 2007,
    // eq. 20), and the PIT as the share below plus half the ties.
    let xs: Vec<f64> = runs[1..]
        .iter()
        .map(|r| r[col("opinion_end")].parse().unwrap())
        .collect();
    let n = xs.len() as f64;
    let y = 0.56;
    let a: f64 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
    let b: f64 = xs
        .iter()
        .flat_map(|x| xs.iter().map(move |z| (x - z).abs()))
        .sum::<f64>()
        / (n * n);
    assert!((f(&sc[2], "crps") - (a - 0.5 * b)).abs() < 1e-12);
    let below = xs.iter().filter(|&&x| x < y).count() as f64;
    let ties = xs.iter().filter(|&&x| x == y).count() as f64;
    assert!((f(&sc[2], "pit") - (below + 0.5 * ties) / n).abs() < 1e-12);
}

/// The poll series of the elections layer can be observed (a poll among decided voters and the
/// undecided share); a party the scenario lacks is a located error.
#[test]
fn poll_indicators_are_observable() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fs::read_to_string("tests/fixtures/model_base.ron").unwrap();
    assert!(!base.contains("observations:"));
    let end = base.rfind(')').unwrap();
    let with = |block: &str| format!("{}    observations: [\n{block}\n    ],\n)\n", &base[..end]);
    let good = tmp.path().join("good.ron");
    fs::write(
        &good,
        with(
            r#"        (id: "b_poll", month: "2030-01", indicator: "poll_decided", entity: "party_b", measured: Poll(share: 0.4, n: 1000, survey: Some("s1"))),
        (id: "a_poll", month: "2030-01", indicator: "poll_decided", entity: "party_a", measured: Poll(share: 0.5, n: 1000, survey: Some("s1"))),
        (id: "undecided", month: "2030-01", indicator: "undecided", entity: "land", measured: Value(value: 0.2, se: 0.02)),"#,
        ),
    )
    .unwrap();
    bin().arg("validate").arg(&good).assert().success();
    let bad = tmp.path().join("bad.ron");
    fs::write(
        &bad,
        with(
            r#"        (id: "c_poll", month: "2030-01", indicator: "poll_decided", entity: "party_c", measured: Poll(share: 0.4, n: 1000)),"#,
        ),
    )
    .unwrap();
    let o = bin().arg("validate").arg(&bad).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.ron:") && err.contains("unknown entity `party_c`"),
        "{err}"
    );
}
