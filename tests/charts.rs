//! Charts and report from output folders: the synthetic folders of tests/fixtures/outputs/ (a
//! baseline-like batch and a one-run folder full of edge cases) give every expected chart as a
//! valid PNG and SVG of the expected size, a self-contained report, identical bytes on a second
//! `plot`, and a usage error for folders that are not output folders.

use assert_cmd::Command;
use crossroads::charts::{self, data::OutputData};
use crossroads::report;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/outputs")
        .join(name)
}

/// A copy of a fixture folder in a temporary directory (the fixtures stay untouched).
fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join(name);
    fs::create_dir_all(&dst).unwrap();
    for e in fs::read_dir(fixture(name)).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    }
    (tmp, dst)
}

/// Width and height from a PNG's signature and IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 33, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert!(bytes.windows(4).any(|w| w == b"IEND"), "PNG has IEND");
    (w, h)
}

/// Checks an SVG is well formed enough: one <svg> root with width/height, balanced tags, and
/// returns its declared size.
fn svg_size(text: &str) -> (u32, u32) {
    let t = text.trim_start();
    assert!(
        t.starts_with("<svg"),
        "SVG starts with <svg: {}",
        &t[..40.min(t.len())]
    );
    assert!(text.trim_end().ends_with("</svg>"), "SVG ends with </svg>");
    let attr = |name: &str| -> u32 {
        let key = format!("{name}=\"");
        let head = &t[..t.find('>').unwrap()];
        let at = head.find(&key).unwrap_or_else(|| panic!("svg has {name}")) + key.len();
        head[at..].split('"').next().unwrap().parse().unwrap()
    };
    // Balance check of element tags (a stack of names).
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().expect("closing tag without opening");
            assert_eq!(open, name.trim(), "mismatched tags");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap().to_string();
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    (attr("width"), attr("height"))
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in [dir.to_path_buf(), dir.join("charts")] {
        for e in fs::read_dir(&sub).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                let key = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(key, fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn check_folder(name: &str, expected: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = copy_fixture(name);
    let (written, report) = report::plot_folder(&dir).unwrap();
    let stems: Vec<String> = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(stems, expected, "charts of {name}");
    for stem in expected {
        let png = fs::read(dir.join("charts").join(format!("{stem}.png"))).unwrap();
        let (w, h) = png_size(&png);
        assert_eq!((w, h), (1200, 750), "{stem}.png size");
        let svg = fs::read_to_string(dir.join("charts").join(format!("{stem}.svg"))).unwrap();
        assert_eq!(svg_size(&svg), (w, h), "{stem}.svg size");
        assert!(svg.contains("<text"), "{stem}.svg has text");
    }
    // No temporary files left behind.
    for e in fs::read_dir(dir.join("charts")).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.ends_with(".tmp"), "left {n}");
    }
    let html = fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(!html.to_lowercase().contains("<script"), "no JavaScript");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network URLs"
    );
    assert_eq!(html.matches("<figure").count(), expected.len());
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        expected.len()
    );
    (tmp, dir)
}

const BASELINE: &[&str] = &[
    "outcome_probabilities",
    "outcome_classes",
    "distributions_1",
    "distributions_2",
    "timing",
    "election_armenia_2026",
    "fan_opinion",
    "fan_influence",
    "fan_investor_confidence",
    "fan_project_progress",
    "fan_route_volume",
    "fan_tension",
    "actor_activity",
];

const TINY: &[&str] = &[
    "outcome_probabilities",
    "outcome_classes",
    "distributions_1",
    "timing",
    "election_e1",
    "fan_opinion",
    "fan_tension",
    "actor_activity",
];

#[test]
fn baseline_folder_gives_every_chart_and_the_report() {
    let (_tmp, dir) = check_folder("baseline", BASELINE);
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    for must in [
        "baseline",
        "Armenia–Azerbaijan peace process",
        "5e0c0ffee0ddba11",
        "2026-11-28T23:59:00Z",
        "Uniform(80, 120)",
        "actors.russia.budget",
        "Peace treaty signed",
        "unlikely",
        "Mt per year",
        "Normalisation",
    ] {
        assert!(html.contains(must), "report mentions {must}");
    }
}

#[test]
fn tiny_folder_with_edge_cases_does_not_crash_any_chart() {
    let (_tmp, dir) = check_folder("tiny", TINY);
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("almost no chance"), "p = 0 outcome");
    assert!(html.contains("almost certain"), "p = 1 outcome");
    assert!(html.contains("Only 1 run"), "warns about a single run");
}

#[test]
fn edge_case_numbers_are_honest() {
    let data = OutputData::load(&fixture("tiny")).unwrap();
    let never = data.outcome("never_happens").unwrap();
    let p = data.binary(never).unwrap();
    assert_eq!((p.p, p.lo), (0.0, 0.0));
    assert!(p.hi > 0.5, "one run leaves a wide interval: {}", p.hi);
    let (vals, missing) = data.numeric("never_month");
    assert!(vals.is_empty());
    assert_eq!(missing, 1);
    let (vals, _) = data.numeric("constant_value");
    assert_eq!(vals, vec![5.0]);
}

#[test]
fn plot_twice_gives_identical_bytes() {
    // `plot` once through the command line, once through render_all + write_report.
    let (_tmp, dir) = copy_fixture("baseline");
    Command::cargo_bin("crossroads")
        .unwrap()
        .arg("plot")
        .arg(&dir)
        .assert()
        .success();
    let first = files(&dir);
    assert!(first.contains_key("report.html"));
    assert!(first.keys().filter(|k| k.starts_with("charts/")).count() >= 2 * BASELINE.len());
    Command::cargo_bin("crossroads")
        .unwrap()
        .arg("plot")
        .arg(&dir)
        .assert()
        .success();
    let second = files(&dir);
    assert_eq!(first.len(), second.len());
    for (k, v) in &first {
        assert!(second[k] == *v, "{k} differs between two plots");
    }
    // The library entry points give the same bytes as the command.
    charts::render_all(&dir).unwrap();
    report::write_report(&dir).unwrap();
    assert!(
        files(&dir) == first,
        "render_all + write_report differ from plot"
    );
}

#[test]
fn plot_of_a_folder_that_is_not_an_output_folder_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("crossroads")
        .unwrap()
        .arg("plot")
        .arg(tmp.path().join("missing"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("no such folder"), "{err}");
    let out = Command::cargo_bin("crossroads")
        .unwrap()
        .arg("plot")
        .arg(tmp.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not an output folder"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn plot_refuses_foreign_manifests_and_unknown_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    for (manifest, want) in [
        (
            r#"{"name": "something else"}"#,
            "not a crossroads output folder",
        ),
        (
            r#"{"crossroads_version": "0.1.0", "kind": "weird"}"#,
            "unknown kind \"weird\"",
        ),
    ] {
        fs::write(tmp.path().join("manifest.json"), manifest).unwrap();
        let out = Command::cargo_bin("crossroads")
            .unwrap()
            .arg("plot")
            .arg(tmp.path())
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(want), "{err}");
        assert!(!tmp.path().join("report.html").exists());
    }
}

#[test]
fn a_broken_manifest_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("manifest.json"), "{not json").unwrap();
    let e = charts::render_all(tmp.path()).unwrap_err();
    assert!(e.is_usage(), "{e}");
    assert!(e.to_string().contains("manifest.json"), "{e}");
}

#[test]
fn a_folder_with_only_a_manifest_still_gives_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    fs::copy(
        fixture("tiny").join("manifest.json"),
        tmp.path().join("manifest.json"),
    )
    .unwrap();
    charts::render_all(tmp.path()).unwrap();
    let p = report::write_report(tmp.path()).unwrap();
    assert!(fs::read_to_string(p).unwrap().contains("tiny"));
}

#[test]
fn a_partial_folder_says_so_in_charts_and_report() {
    let (_tmp, dir) = copy_fixture("tiny");
    let mpath = dir.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&mpath).unwrap()).unwrap();
    m["status"] = "partial".into();
    m["runs"] = 10.into();
    fs::write(&mpath, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    report::plot_folder(&dir).unwrap();
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Status: partial"), "report warns");
    let svg = fs::read_to_string(dir.join("charts/outcome_probabilities.svg")).unwrap();
    assert!(svg.contains("1 of 10 runs"), "footer counts runs");
    assert!(svg.contains("status PARTIAL"), "footer flags the status");
}

/// A large scenario: many outcomes with long labels, many series and actions; charts paginate
/// rather than cram, and every page is a valid chart.
#[test]
fn many_outcomes_and_series_paginate() {
    use std::fmt::Write as _;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut outcomes = Vec::new();
    for i in 0..20 {
        outcomes.push(serde_json::json!({"id": format!("b{i}"), "type": "binary",
            "label": format!("A very long outcome label number {i} that goes on and on about treaties and corridors"),
            "units": "", "kind": {"PhaseReached": {"phase": "signed", "by": null}}}));
    }
    for i in 0..8 {
        outcomes.push(serde_json::json!({"id": format!("n{i}"), "type": "numeric", "label": format!("Number {i}"),
            "units": "months", "kind": {"PhaseMonth": {"phase": format!("p{i}")}}}));
    }
    let manifest = serde_json::json!({"crossroads_version": "0.1.0", "status": "complete",
        "completed_runs": 40, "runs": 40, "seed": 3,
        "scenario": {"name": "big", "description": "", "start": "2026-01", "horizon": 24},
        "uncertain_params": [], "outcomes": outcomes, "outcome_classes": []});
    fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    let mut runs = String::from("run");
    for i in 0..20 {
        write!(runs, ",b{i}").unwrap();
    }
    for i in 0..8 {
        write!(runs, ",n{i}").unwrap();
    }
    runs.push_str(",class\n");
    for r in 0..40 {
        write!(runs, "{r}").unwrap();
        for i in 0..20 {
            write!(runs, ",{}", ((r * 7 + i * 3) % 5 == 0) as u8).unwrap();
        }
        for i in 0..8 {
            if (r + i) % 4 == 0 {
                runs.push(',');
            } else {
                write!(runs, ",{}", (r * 3 + i) % 24 + 1).unwrap();
            }
        }
        runs.push_str(",\n");
    }
    fs::write(dir.join("runs.csv"), runs).unwrap();
    let mut series = String::from("tick,date,indicator,entity,mean,p05,p25,p50,p75,p95\n");
    for t in 0..=24 {
        for c in 0..12 {
            let v = 0.3 + 0.01 * c as f64 + 0.005 * t as f64;
            writeln!(
                series,
                "{t},x,opinion,country{c}/dimension_with_a_long_name,{v},{},{},{v},{},{}",
                v - 0.1,
                v - 0.05,
                v + 0.05,
                v + 0.1
            )
            .unwrap();
        }
        for a in 0..30 {
            let v = (a % 4) as f64 * 0.5;
            writeln!(
                series,
                "{t},x,actions,actor{}/action_{a},{v},0,0,{v},{v},{v}",
                a / 5
            )
            .unwrap();
        }
    }
    fs::write(dir.join("series.csv"), series).unwrap();
    let written = charts::render_all(dir).unwrap();
    if let Ok(keep) = std::env::var("CHARTS_KEEP") {
        let _ = fs::remove_dir_all(&keep);
        fs::create_dir_all(&keep).unwrap();
        for e in fs::read_dir(dir.join("charts")).unwrap() {
            let p = e.unwrap().path();
            fs::copy(&p, Path::new(&keep).join(p.file_name().unwrap())).unwrap();
        }
    }
    let stems: Vec<String> = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for s in [
        "outcome_probabilities_1",
        "outcome_probabilities_2",
        "distributions_1",
        "distributions_2",
        "timing_1",
        "timing_2",
        "fan_opinion_1",
        "fan_opinion_2",
        "actor_activity_1",
        "actor_activity_2",
    ] {
        assert!(stems.iter().any(|x| x == s), "{s} in {stems:?}");
        let png = fs::read(dir.join("charts").join(format!("{s}.png"))).unwrap();
        assert_eq!(png_size(&png), (1200, 750));
        let svg = fs::read_to_string(dir.join("charts").join(format!("{s}.svg"))).unwrap();
        assert_eq!(svg_size(&svg), (1200, 750));
    }
}
