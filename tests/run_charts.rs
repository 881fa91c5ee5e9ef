//! Charts and report from real runs: every chart family the baseline has data for is drawn as a valid
//! PNG (1200×750) and SVG, and `crossroads plot` on the folder rebuilds byte-identical charts and report.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir.join("charts")).unwrap() {
        let p = e.unwrap().path();
        out.insert(
            p.file_name().unwrap().to_string_lossy().into_owned(),
            std::fs::read(&p).unwrap(),
        );
    }
    out.insert(
        "report.html".into(),
        std::fs::read(dir.join("report.html")).unwrap(),
    );
    out
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

fn run_and_replot(scenario: &str, runs: &str, expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    Command::cargo_bin("crossroads")
        .unwrap()
        .args(["run", scenario, "--runs", runs, "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let first = files(&out);
    for stem in expect {
        let png = first
            .get(&format!("{stem}.png"))
            .unwrap_or_else(|| panic!("{stem}.png missing"));
        assert_eq!(png_size(png), (1200, 750), "{stem}.png size");
        let svg = String::from_utf8(first[&format!("{stem}.svg")].clone()).unwrap();
        assert!(
            svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{stem}.svg"
        );
    }
    let report = String::from_utf8(first["report.html"].clone()).unwrap();
    assert!(
        report.contains("<img") && !report.contains("<script"),
        "report inlines charts, no scripts"
    );
    Command::cargo_bin("crossroads")
        .unwrap()
        .arg("plot")
        .arg(&out)
        .assert()
        .success();
    let second = files(&out);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(
            bytes == &second[name],
            "{name} differs between run and plot"
        );
    }
}

#[test]
fn baseline_charts_and_replot() {
    run_and_replot(
        "scenarios/baseline.ron",
        "40",
        &[
            // the baseline's binary outcomes fill two pages
            "outcome_probabilities_1",
            "outcome_classes",
            "distributions_1",
            "timing",
            "election_armenia_2026",
            "fan_opinion",
            "fan_investor_confidence",
            "fan_project_progress",
            "fan_route_volume",
            "fan_tension",
            "actor_activity_1",
        ],
    );
}

#[test]
fn single_run_tiny_scenario_charts() {
    run_and_replot(
        "tests/fixtures/tiny.ron",
        "1",
        &["outcome_probabilities", "fan_opinion"],
    );
}
