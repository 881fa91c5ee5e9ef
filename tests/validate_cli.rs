//! `crossroads validate` end to end: every error class, each with exit code 2 and the exact
//! `FILE:LINE:COL` of the offending value; file problems; `--list-params`; `--set`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const FIXTURE: &str = "tests/fixtures/valid.ron";

fn fixture() -> String {
    std::fs::read_to_string(FIXTURE).unwrap()
}

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

/// The fixture with `from` replaced by `to` (which must occur), written to a temp file.
fn mutated(from: &str, to: &str) -> (tempfile::TempDir, PathBuf, String) {
    let src = fixture();
    assert!(src.contains(from), "`{from}` not in the fixture");
    let text = src.replacen(from, to, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.ron");
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

/// Runs validate on `path`, expects exit 2 and a line `path:line:col: ...message...` on stderr.
fn expect(path: &Path, (line, col): (usize, usize), message: &str) -> String {
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
    stderr
}

/// Mutates the fixture and expects the error at `needle` (+ `offset` chars) in the mutated text.
fn case(from: &str, to: &str, needle: &str, offset: usize, message: &str) -> String {
    let (_d, path, text) = mutated(from, to);
    expect(&path, loc(&text, needle, offset), message)
}

#[test]
fn valid_fixture_passes_with_summary() {
    bin()
        .args(["validate", FIXTURE])
        .assert()
        .success()
        .stdout(format!(
            "{FIXTURE}: ok — 2 countries, 5 actors, 1 issues, 1 projects, 1 routes, 1 elections, 3 phases, 3 events, 12 outcomes, 5 uncertain parameters\n"
        ));
}

#[test]
fn list_params() {
    let out = bin()
        .args(["validate", FIXTURE, "--list-params"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "  countries.alpha.population.opinions[1].mean  Uniform(0.4, 0.6)",
            "  countries.beta.economy.growth                Normal(0.03, 0.01)",
            "  actors.bigpower.budget                       Uniform(80, 120)",
            "  actors.bigpower.actions[0].detection         Beta(2, 18)",
            "  process.transitions[0].probability           TruncNormal(0.2, 0.1, 0, 1)",
        ]
    );
}

#[test]
fn syntax_error() {
    case(
        "runs: 100,",
        "runs: 100",
        "seed: 7",
        0,
        "expected `,` or `)` after a field",
    );
    case(
        "(id: \"peace\", label:",
        "(id: \"peace\" label:",
        "label: \"Support",
        0,
        "expected `,` or `)` after a field, found `l`",
    );
    case("seed: 7,", "seed: 7%,", "%,", 0, "found `%`");
}

#[test]
fn unknown_fields_are_all_reported() {
    let (_d, path, text) = mutated("budget: 20,", "budjet: 20,");
    let text2 = text.replacen("ramp_up: 6,", "ramp_upp: 6,", 1);
    std::fs::write(&path, &text2).unwrap();
    let err = expect(&path, loc(&text2, "budjet", 0), "unknown field `budjet`");
    assert!(
        err.contains("expected one of `id`, `name`, `kind`"),
        "{err}"
    );
    expect(
        &path,
        loc(&text2, "ramp_upp", 0),
        "unknown field `ramp_upp`",
    );
}

#[test]
fn unknown_field_in_newtype_variant_action() {
    case(
        "Coercion(countries: [\"alpha\"],",
        "Coercion(countrys: [\"alpha\"],",
        "countrys",
        0,
        "unknown field `countrys`",
    );
}

#[test]
fn wrong_type() {
    case(
        "budget: 30,",
        "budget: \"lots\",",
        "\"lots\"",
        0,
        "expected a number or a distribution",
    );
    case(
        "horizon: 24",
        "horizon: 2.5",
        "2.5",
        0,
        "expected a non-negative integer",
    );
}

#[test]
fn missing_field_at_struct() {
    case(
        "economy: (gdp_bn: 70.0, growth:",
        "economy: (growth:",
        "(growth: Normal",
        0,
        "missing field `gdp_bn`",
    );
}

#[test]
fn unknown_references() {
    case(
        "country: \"beta\",\n            positions",
        "country: \"gamma\",\n            positions",
        "\"gamma\"",
        0,
        "unknown country `gamma`",
    );
    case(
        "parties: [\"alpha_gov_party\", \"alpha_opposition\"]",
        "parties: [\"alpha_gov_party\", \"beta_state\"]",
        "\"beta_state\"]",
        0,
        "must be an actor of kind `Party`",
    );
    case(
        "ProjectMonth(project: \"corridor\")",
        "ProjectMonth(project: \"tunnel\")",
        "\"tunnel\"",
        0,
        "unknown project `tunnel`",
    );
    case(
        "Is(\"signed\")",
        "Is(\"gov_share\")",
        "\"gov_share\")",
        0,
        "is numeric",
    );
    case(
        "issues: [\"treaty\"]",
        "issues: [\"treatty\"]",
        "\"treatty\"",
        0,
        "unknown issue",
    );
}

#[test]
fn duplicate_ids() {
    case(
        "(id: \"crisis\")]",
        "(id: \"crisis\"), (id: \"talks\")]",
        "\"talks\")]",
        0,
        "duplicate id `talks`",
    );
}

#[test]
fn actor_kinds() {
    case(
        "kind: ExternalPower,",
        "kind: ExternalPower, country: \"alpha\",",
        "ExternalPower, country: ",
        24,
        "belongs to no country",
    );
}

#[test]
fn values_out_of_range() {
    case(
        "Hazard(0.03)",
        "Hazard(1.5)",
        "1.5",
        0,
        "must be a probability in [0, 1], found 1.5",
    );
    case(
        "reach: 0.6",
        "reach: -0.2",
        "-0.2",
        0,
        "`reach` must be a share in [0, 1]",
    );
    case("size: 400", "size: 0", "size: 0", 6, "`size` must be > 0");
    case(
        "size: 400",
        "size: -5",
        "-5",
        0,
        "expected a non-negative integer",
    );
    case(
        "horizon: 24",
        "horizon: 0",
        "horizon: 0",
        9,
        "`horizon` must be at least 1",
    );
    case(
        "month: \"2026-06\"",
        "month: \"2029-06\"",
        "\"2029-06\"",
        0,
        "election month \"2029-06\" is outside the run",
    );
    case(
        "name: \"fixture\"",
        "name: \"../x\"",
        "\"../x\"",
        0,
        "safe folder name",
    );
}

#[test]
fn nan_and_infinity() {
    case("reach: 0.6", "reach: NaN", "NaN", 0, "NaN is not allowed");
    case(
        "gdp_bn: 25.0",
        "gdp_bn: inf",
        "inf",
        0,
        "inf is not allowed",
    );
}

#[test]
fn invalid_distributions() {
    case(
        "Normal(0.03, 0.01)",
        "Normal(0.03, -0.01)",
        "Normal(0.03",
        0,
        "sd (-0.01) must be ≥ 0",
    );
    case(
        "Uniform(80, 120)",
        "Uniform(120, 80)",
        "Uniform(120",
        0,
        "lo (120) must be ≤ hi (80)",
    );
    case(
        "detection: Beta(2, 18)",
        "detection: Normal(0.1, 0.05)",
        "Normal(0.1, 0.05)",
        0,
        "TruncNormal",
    );
}

#[test]
fn too_large_for_memory() {
    let err = case(
        "size: 500,",
        "size: 4000000000,",
        "4000000000",
        0,
        "one run would need about",
    );
    assert!(err.contains("GiB"), "{err}");
}

#[test]
fn other_format_version() {
    case(
        "format: 1",
        "format: 2",
        "2,",
        0,
        "this file is format 2; this crossroads reads format 1",
    );
}

/// One line on stderr naming the file, exit 2.
fn file_error(path: &Path, message: &str) {
    let out = bin().arg("validate").arg(path).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("{}: ", path.display())) && stderr.contains(message),
        "{stderr}"
    );
}

#[test]
fn file_problems() {
    let d = tempfile::tempdir().unwrap();
    file_error(&d.path().join("nope.ron"), "no such file");
    file_error(d.path(), "is a directory");
    let empty = d.path().join("empty.ron");
    std::fs::write(&empty, "").unwrap();
    file_error(&empty, "empty file");
    let blank = d.path().join("blank.ron");
    std::fs::write(&blank, "  \n\n ").unwrap();
    file_error(&blank, "empty file");
    let garbage = d.path().join("garbage.ron");
    std::fs::write(&garbage, [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x01, 0x9c]).unwrap();
    file_error(&garbage, "binary file (NUL byte at byte offset 5)");
    let latin1 = d.path().join("latin1.ron");
    std::fs::write(&latin1, b"(format: 1, run: (name: \"caf\xe9\"))").unwrap();
    file_error(&latin1, "invalid UTF-8 at byte offset 28");
}

#[test]
fn all_files_are_checked() {
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("missing.ron");
    let out = bin()
        .arg("validate")
        .arg(&missing)
        .arg(FIXTURE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with(&format!("{FIXTURE}: ok")), "{stdout}");
}

#[test]
fn set_overrides() {
    let out = bin()
        .args([
            "validate",
            FIXTURE,
            "--list-params",
            "--set",
            "actors.bigpower.budget=150",
            "--set",
            "countries.beta.economy.growth=Uniform(0.01, 0.02)",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("actors.bigpower.budget"), "{stdout}");
    assert!(stdout.contains("Uniform(0.01, 0.02)"), "{stdout}");
}

#[test]
fn set_errors_name_the_path() {
    let out = bin()
        .args([
            "validate",
            FIXTURE,
            "--set",
            "actors.bigpower.budget=\"lots\"",
            "--set",
            "actors.rusia.budget=1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .lines()
            .any(|l| l
                .starts_with("--set actors.bigpower.budget: expected a number or a distribution")),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("--set actors.rusia.budget: unknown path")
                && l.contains("bigpower")),
        "{stderr}"
    );
}

/// The fixture with a `sweep:` block added at the end (`block` is the block's contents).
fn with_sweep(block: &str) -> (tempfile::TempDir, PathBuf, String) {
    let end = "    record: (population_detail: false),\n)";
    mutated(
        end,
        &format!("    record: (population_detail: false),\n    sweep: ({block}),\n)"),
    )
}

#[test]
fn sweep_block_is_checked() {
    // A good block: summarised, exit 0.
    let (_d, path, _) = with_sweep(
        "params: [(path: \"actors.bigpower.budget\", lo: 50, hi: 150), (path: \"world.tension\", lo: 0.1, hi: 0.9)], design: Lhs, samples: 8",
    );
    let out = bin().arg("validate").arg(&path).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("; sweep: 2 parameters, lhs design, samples 8, 100 runs per point"),
        "{stdout}"
    );

    // A path that names nothing, at the path string.
    let (_d, path, text) =
        with_sweep("params: [(path: \"actors.bigpower.budjet\", lo: 50, hi: 150)]");
    expect(
        &path,
        loc(&text, "\"actors.bigpower.budjet\"", 0),
        "sweep parameter `actors.bigpower.budjet` set to its lo, 50: unknown field `budjet`",
    );
    // A path to a value that is not a real number.
    let (_d, path, text) = with_sweep("params: [(path: \"run.name\", lo: 1, hi: 2)]");
    expect(&path, loc(&text, "\"run.name\"", 0), "expected a string");
    // An end of the range outside the parameter's bounds.
    let (_d, path, text) = with_sweep("params: [(path: \"world.tension\", lo: 0.5, hi: 1.5)]");
    expect(
        &path,
        loc(&text, "\"world.tension\"", 0),
        "set to its hi, 1.5: `tension` must be in [0, 1], found 1.5",
    );
    // lo < hi, samples and runs at least 1, a known design, no unknown field.
    case(
        "    record: (population_detail: false),\n)",
        "    record: (population_detail: false),\n    sweep: (params: [(path: \"world.tension\", lo: 0.5, hi: 0.5)], samples: 0),\n)",
        "hi: 0.5",
        4,
        "the range of `world.tension` needs lo < hi, found lo 0.5 and hi 0.5",
    );
    case(
        "    record: (population_detail: false),\n)",
        "    record: (population_detail: false),\n    sweep: (params: [(path: \"world.tension\", lo: 0.1, hi: 0.5)], samples: 0),\n)",
        "samples: 0",
        9,
        "`samples` must be at least 1",
    );
    case(
        "    record: (population_detail: false),\n)",
        "    record: (population_detail: false),\n    sweep: (params: []),\n)",
        "params: []",
        8,
        "`sweep.params` needs at least one parameter",
    );
    let (_d, path, text) =
        with_sweep("params: [(path: \"world.tension\", lo: 0.1, hi: 0.5)], design: Random");
    expect(
        &path,
        loc(&text, "Random", 0),
        "unknown variant `Random`, expected one of `Grid`, `Lhs`, `Sobol`",
    );
    let (_d, path, text) =
        with_sweep("params: [(path: \"world.tension\", lo: 0.1, hi: 0.5)], runs: 3");
    expect(&path, loc(&text, "runs: 3", 0), "unknown field `runs`");
}
