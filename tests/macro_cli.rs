//! `crossroads validate` on the macro layer's blocks (economy, tension, decisions, decided transitions
//! and events; docs/scenario-format.md): every bad value is a located error `FILE:LINE:COL: message`
//! with exit 2, never a panic; fields that were replaced give an error that says what to write instead;
//! and a scenario using every new field validates and runs.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const FIXTURE: &str = "tests/fixtures/valid.ron";

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

/// 1-based line and column (in characters) of the first occurrence of `needle`, plus `offset` chars.
fn loc(text: &str, needle: &str, offset: usize) -> (usize, usize) {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    let before = &text[..i];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1 + offset;
    (line, col)
}

/// The fixture with each `(from, to)` replaced once (each `from` must occur), in a temp file.
fn mutated(edits: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, String) {
    let mut text = std::fs::read_to_string(FIXTURE).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` not in the fixture");
        text = text.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.ron");
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

/// Expects exit 2 and a line `path:line:col: …message…` on stderr.
fn expect(path: &Path, (line, col): (usize, usize), message: &str) {
    let out = bin().arg("validate").arg(path).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let prefix = format!("{}:{line}:{col}: ", path.display());
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(message)),
        "expected `{prefix}…{message}…` in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Applies `edits` and expects the error at `needle` (+ `offset` chars) of the edited text.
fn case(edits: &[(&str, &str)], needle: &str, offset: usize, message: &str) {
    let (_d, path, text) = mutated(edits);
    expect(&path, loc(&text, needle, offset), message);
}

const WORLD: &str = "world: (tension: 0.3,";

#[test]
fn tension_baseline_below_the_floor() {
    case(
        &[(
            WORLD,
            "world: (tension: 0.3, tension_floor: 0.2, tension_baseline: 0.1,",
        )],
        "tension_baseline: 0.1",
        18,
        "can fall below `tension_floor`",
    );
    // A distribution that can fall below the floor is caught by its support.
    case(
        &[(
            WORLD,
            "world: (tension: 0.3, tension_floor: 0.2, tension_baseline: Uniform(0.1, 0.3),",
        )],
        "Uniform(0.1, 0.3)",
        0,
        "can fall below `tension_floor`",
    );
}

#[test]
fn starting_tension_below_the_floor() {
    case(
        &[(WORLD, "world: (tension: 0.05, tension_floor: 0.1,")],
        "tension: 0.05",
        9,
        "below `tension_floor`",
    );
}

#[test]
fn growth_bounds_and_growth_inside_them() {
    case(
        &[(WORLD, "world: (growth_floor: 0.1, tension: 0.3,")],
        "growth_floor: 0.1",
        14,
        "must be in [-1, 0]",
    );
    case(
        &[(WORLD, "world: (growth_ceiling: -0.1, tension: 0.3,")],
        "growth_ceiling: -0.1",
        16,
        "must be ≥ 0",
    );
    case(
        &[("growth: 0.05,", "growth: 0.05, potential_growth: 0.5,")],
        "potential_growth: 0.5",
        18,
        "must lie within the growth bounds",
    );
    case(
        &[("growth: 0.05,", "growth: -0.5,")],
        "growth: -0.5",
        8,
        "must lie within the growth bounds",
    );
    case(
        &[("growth: 0.05,", "growth: 0.05, growth_sd: -0.01,")],
        "growth_sd: -0.01",
        11,
        "must be ≥ 0",
    );
    case(
        &[(WORLD, "world: (growth_half_life: 0.0, tension: 0.3,")],
        "growth_half_life: 0.0",
        18,
        "must be > 0",
    );
}

#[test]
fn route_value_and_capture() {
    let route = r#"countries: ["alpha", "beta"], volume: 4.5,"#;
    case(
        &[(
            route,
            r#"countries: ["alpha"], capture: [(country: "beta", share: 0.1)], volume: 4.5,"#,
        )],
        r#""beta", share"#,
        0,
        "does not cross `beta`",
    );
    case(
        &[(
            route,
            r#"countries: ["alpha", "beta"], capture: [(country: "alpha", share: 1.5)], volume: 4.5,"#,
        )],
        "share: 1.5",
        7,
        "must be a share in [0, 1]",
    );
    case(
        &[(
            route,
            r#"countries: ["alpha", "beta"], capture: [(country: "alpha", share: 0.1), (country: "alpha", share: 0.2)], volume: 4.5,"#,
        )],
        r#""alpha", share: 0.2"#,
        0,
        "a second capture share for `alpha`",
    );
    case(
        &[(
            route,
            r#"countries: ["alpha", "beta"], value_per_tonne: -5.0, volume: 4.5,"#,
        )],
        "value_per_tonne: -5.0",
        17,
        "must be ≥ 0",
    );
    case(
        &[(WORLD, "world: (transit_capture: 2.0, tension: 0.3,")],
        "transit_capture: 2.0",
        17,
        "must be a share in [0, 1]",
    );
}

#[test]
fn temperature_and_cost_weight() {
    case(
        &[(
            "            budget: 20,",
            "            budget: 20, temperature: -1.0,",
        )],
        "temperature: -1.0",
        13,
        "must be ≥ 0",
    );
    case(
        &[(
            "            budget: 20,",
            "            budget: 20, cost_weight: -0.1,",
        )],
        "cost_weight: -0.1",
        13,
        "must be ≥ 0",
    );
    case(
        &[(WORLD, "world: (temperature: -0.5, tension: 0.3,")],
        "temperature: -0.5",
        13,
        "must be ≥ 0",
    );
    case(
        &[(
            WORLD,
            "world: (cost_weight: Uniform(-1.0, 1.0), tension: 0.3,",
        )],
        "Uniform(-1.0, 1.0)",
        0,
        "can fall outside it",
    );
}

#[test]
fn mediation_relief_and_standing() {
    case(
        &[(
            r#"Mediation(issues: ["treaty"], standing: 0.5)"#,
            r#"Mediation(issues: ["treaty"], standing: 0.5, tension_relief: 1.5)"#,
        )],
        "tension_relief: 1.5",
        16,
        "must be a share in [0, 1]",
    );
    case(
        &[(
            r#"Mediation(issues: ["treaty"], standing: 0.5)"#,
            r#"Mediation(issues: ["treaty"], standing: 2.0)"#,
        )],
        "standing: 2.0",
        10,
        "must be in [0, 1]",
    );
    // A state has no influence to stand on: it must say its standing.
    case(
        &[(
            r#"Mediation(issues: ["treaty"], standing: 0.5)"#,
            r#"Mediation(issues: ["treaty"])"#,
        )],
        r#"Mediation(issues: ["treaty"])"#,
        0,
        "give this Mediation a `standing`",
    );
}

#[test]
fn decided_by_names_an_actor() {
    case(
        &[(
            "probability: TruncNormal(0.2, 0.1, 0, 1)),",
            r#"probability: TruncNormal(0.2, 0.1, 0, 1), decided_by: "nobody"),"#,
        )],
        r#""nobody""#,
        0,
        "unknown actor `nobody`",
    );
    case(
        &[(
            r#"(id: "vote", trigger: Scheduled("2027-06"),"#,
            r#"(id: "vote", trigger: Scheduled("2027-06"), decided_by: "ghost","#,
        )],
        r#""ghost""#,
        0,
        "unknown actor `ghost`",
    );
}

#[test]
fn in_phase_indicator_names_known_phases() {
    case(
        &[(
            "goals: [(indicator: Tension, weight: -1.0)],",
            r#"goals: [(indicator: Tension, weight: -1.0), (indicator: InPhase(["signed", "nowhere"]), weight: 1.0)],"#,
        )],
        r#""nowhere""#,
        0,
        "unknown phase `nowhere`",
    );
}

#[test]
fn replaced_fields_say_what_to_write_instead() {
    case(
        &[(
            "            budget: 20,",
            "            budget: 20, rationality: 5.0,",
        )],
        "rationality",
        0,
        "was replaced by `temperature`",
    );
    case(
        &[(
            r#"Mediation(issues: ["treaty"], standing: 0.5)"#,
            r#"Mediation(issues: ["treaty"], standing: 0.5, tension_reduction: 0.02)"#,
        )],
        "tension_reduction",
        0,
        "`tension_relief`",
    );
    case(
        &[(WORLD, "world: (trade_dividend: 0.02, tension: 0.3,")],
        "trade_dividend",
        0,
        "`value_per_tonne`",
    );
}

#[test]
fn every_new_field_validates_and_runs() {
    let (dir, path, _) = mutated(&[
        (
            WORLD,
            "world: (tension: 0.3, tension_floor: 0.05, tension_baseline: Uniform(0.1, 0.25), growth_half_life: 12, growth_floor: -0.3, growth_ceiling: 0.35, transit_capture: 0.02, temperature: 0.005, cost_weight: 0.002,",
        ),
        (
            "growth: 0.05,",
            "growth: 0.05, potential_growth: Uniform(0.03, 0.05), growth_sd: 0.02,",
        ),
        (
            r#"countries: ["alpha", "beta"], volume: 4.5,"#,
            r#"countries: ["alpha", "beta"], value_per_tonne: 800.0, capture: [(country: "alpha", share: 0.05)], volume: 4.5,"#,
        ),
        (
            "goals: [(indicator: Tension, weight: -1.0)],",
            r#"goals: [(indicator: Tension, weight: -1.0), (indicator: InPhase(["signed"]), weight: 1.0)], temperature: 0.01, cost_weight: 0.001,"#,
        ),
        (
            "probability: TruncNormal(0.2, 0.1, 0, 1)),",
            r#"probability: TruncNormal(0.2, 0.1, 0, 1), decided_by: "alpha_state"),"#,
        ),
        (
            r#"(id: "vote", trigger: Scheduled("2027-06"),"#,
            r#"(id: "vote", trigger: Scheduled("2027-06"), decided_by: "alpha_state","#,
        ),
    ]);
    bin().arg("validate").arg(&path).assert().success();
    let out = dir.path().join("out");
    bin()
        .args(["run", "--runs", "4", "--quiet", "--no-charts", "--out"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success();
    assert!(out.join("series.csv").exists());
}
