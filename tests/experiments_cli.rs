//! `crossroads sweep`, `sensitivity` and `discover` end to end on the small fictional scenario: the
//! files of the contract (docs/outputs.md), their shapes, determinism, and usage errors.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn scenario() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/fictional.ron")
        .display()
        .to_string()
}

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut out = vec![h];
    for rec in r.records() {
        out.push(rec.unwrap().iter().map(String::from).collect());
    }
    out
}

#[test]
fn sweep_writes_one_row_per_point_with_charts_and_is_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sw");
    let args = [
        "sweep",
        &scenario(),
        "--param",
        "actors.kael.budget=4..12",
        "--param",
        "projects.deepwater_port.cost=50..90",
        "--design",
        "grid",
        "--samples",
        "2",
        "--runs-per-point",
        "3",
        "--threads",
        "2",
        "--out",
    ];
    bin().args(args).arg(&out).assert().success();
    let r = rows(&out.join("points.csv"));
    assert_eq!(r.len(), 1 + 4);
    assert_eq!(
        &r[0][..4],
        [
            "point",
            "actors.kael.budget",
            "projects.deepwater_port.cost",
            "treaty.probability"
        ]
    );
    assert_eq!(&r[4][1..3], ["12", "90"]);
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["experiment"], "sweep");
    assert_eq!(m["points"], 4);
    assert!(
        out.join("charts/sweep_treaty_actors_kael_budget.png")
            .is_file()
    );
    assert!(out.join("charts/sweep_heatmap_treaty.svg").is_file());
    // Same seed, same numbers.
    let again = tmp.path().join("sw2");
    bin()
        .args(args)
        .arg(&again)
        .arg("--no-charts")
        .assert()
        .success();
    assert_eq!(
        fs::read(out.join("points.csv")).unwrap(),
        fs::read(again.join("points.csv")).unwrap()
    );
}

#[test]
fn sweep_rejects_bad_ranges_and_paths() {
    let tmp = tempfile::tempdir().unwrap();
    for p in ["actors.kael.budget=9..1", "no.such.path=1..2"] {
        bin()
            .args([
                "sweep",
                &scenario(),
                "--param",
                p,
                "--samples",
                "2",
                "--out",
            ])
            .arg(tmp.path().join("x"))
            .assert()
            .code(2);
    }
}

#[test]
fn sensitivity_writes_design_outputs_and_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("se");
    bin()
        .args([
            "sensitivity",
            &scenario(),
            "--samples",
            "4",
            "--runs-per-point",
            "2",
        ])
        .args(["--bootstrap", "20", "--threads", "2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let k = m["params"].as_array().unwrap().len();
    let outcomes = m["outcomes"].as_array().unwrap().len();
    assert!(k >= 2);
    let s = rows(&out.join("samples.csv"));
    assert_eq!(s.len(), 1 + 4 * (k + 2));
    assert_eq!(s[0].len(), 3 + k + outcomes);
    let idx = rows(&out.join("sensitivity.csv"));
    assert_eq!(
        idx[0],
        [
            "outcome",
            "parameter",
            "S1",
            "S1_low",
            "S1_high",
            "ST",
            "ST_low",
            "ST_high"
        ]
    );
    assert_eq!(idx.len(), 1 + k * outcomes);
    assert!(out.join("charts/sensitivity_treaty.png").is_file());

    let mo = tmp.path().join("mo");
    bin()
        .args([
            "sensitivity",
            &scenario(),
            "--method",
            "morris",
            "--samples",
            "2",
        ])
        .args(["--runs-per-point", "2", "--no-charts", "--out"])
        .arg(&mo)
        .assert()
        .success();
    assert_eq!(rows(&mo.join("samples.csv")).len(), 1 + 2 * (k + 1));
    assert_eq!(
        rows(&mo.join("sensitivity.csv"))[0],
        ["outcome", "parameter", "mu_star", "mu", "sigma"]
    );
}

#[test]
fn discover_peels_boxes_from_a_run_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    bin()
        .args([
            "run",
            &scenario(),
            "--runs",
            "120",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&run)
        .assert()
        .success();
    let out = tmp.path().join("disc");
    bin()
        .args(["discover"])
        .arg(&run)
        .args(["--outcome", "treaty", "--out"])
        .arg(&out)
        .assert()
        .success();
    let b = rows(&out.join("boxes.csv"));
    assert_eq!(&b[0][..5], ["step", "coverage", "density", "support", "n"]);
    assert_eq!(&b[1][1..4], ["1", b[1][2].as_str(), "1"]);
    assert!(b.len() > 2);
    assert!(out.join("charts/prim_tradeoff.png").is_file());
    // A numeric outcome needs --value.
    bin()
        .args(["discover"])
        .arg(&run)
        .args(["--outcome", "port_month"])
        .assert()
        .code(2);
}
