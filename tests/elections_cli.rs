//! Bad values in the election, referendum and voters blocks are located errors with exit 2
//! (`crossroads validate` on the real binary): thresholds outside [0, 1], a seat count of 0, an unknown
//! allocation method, a bonus share outside (0.5, 1), an opposition minimum of one half or more, an
//! alliance that is not on the ballot, a quorum above 1, attachment shares summing above 1.

use assert_cmd::Command;
use std::path::PathBuf;

const FIXTURE: &str = "tests/fixtures/valid.ron";
const ELECTION: &str = r#"parties: ["alpha_gov_party", "alpha_opposition"]"#;

/// The fixture with `from` replaced by `to`, validated: exit 2 and an error line `FILE:LINE:COL:`
/// located at the first occurrence of `needle` within the replacement, containing `message`.
fn case(from: &str, to: &str, needle: &str, message: &str) {
    let src = std::fs::read_to_string(FIXTURE).unwrap();
    assert!(src.contains(from), "`{from}` not in the fixture");
    let text = src.replacen(from, to, 1);
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("scenario.ron");
    std::fs::write(&path, &text).unwrap();
    let start = text.find(to).unwrap();
    let i = start
        + text[start..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in the replacement"));
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    let out = Command::cargo_bin("crossroads")
        .unwrap()
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
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

fn election(extra: &str) -> String {
    format!("{ELECTION}, {extra}")
}

#[test]
fn a_threshold_outside_0_1_is_a_located_error() {
    case(
        ELECTION,
        &election("threshold: 1.5"),
        "1.5",
        "`threshold` must be a share in [0, 1]",
    );
    case(
        ELECTION,
        &election(
            "alliances: [(party: \"alpha_opposition\", members: 2)], alliance_thresholds: [(members: 2, threshold: -0.1)]",
        ),
        "-0.1",
        "`threshold` must be a share in [0, 1]",
    );
}

#[test]
fn zero_seats_is_a_located_error() {
    case(
        ELECTION,
        &election("seats: 0"),
        "0)",
        "`seats` must be at least 1",
    );
}

#[test]
fn an_unknown_allocation_method_is_a_located_error() {
    case(
        ELECTION,
        &election("method: Imperiali"),
        "Imperiali",
        "unknown variant `Imperiali`",
    );
}

#[test]
fn a_bonus_outside_one_half_to_one_is_a_located_error() {
    case(
        ELECTION,
        &election("majority_bonus: 0.4"),
        "0.4",
        "a seat share in (0.5, 1)",
    );
    case(
        ELECTION,
        &election("majority_bonus: 1.2"),
        "1.2",
        "a seat share in (0.5, 1)",
    );
    case(
        ELECTION,
        &election("opposition_min: 0.5"),
        "0.5",
        "a seat share in [0, 0.5)",
    );
}

#[test]
fn an_alliance_off_the_ballot_is_a_located_error() {
    case(
        ELECTION,
        &election("alliances: [(party: \"nobody\", members: 3)]"),
        "\"nobody\"",
        "is not on the ballot",
    );
    case(
        ELECTION,
        &election("alliances: [(party: \"alpha_opposition\", members: 1)]"),
        "1)]",
        "at least 2 parties",
    );
}

#[test]
fn a_quorum_above_one_is_a_located_error() {
    case(
        "pass: \"signed\"",
        "quorum: 1.2, pass: \"signed\"",
        "1.2",
        "`quorum` must be a share in [0, 1]",
    );
}

#[test]
fn attachment_shares_above_one_are_a_located_error() {
    case(
        "government: \"alpha_gov_party\",",
        "government: \"alpha_gov_party\", voters: (attachment: [(party: \"alpha_gov_party\", share: 0.7), (party: \"alpha_opposition\", share: Uniform(0.2, 0.4))]),",
        "[(party",
        "attachment shares can sum to 1.1",
    );
    case(
        "government: \"alpha_gov_party\",",
        "government: \"alpha_gov_party\", voters: (attachment: [(party: \"alpha_gov_party\", share: 1.3)]),",
        "1.3",
        "`share` must be a share in [0, 1]",
    );
}
