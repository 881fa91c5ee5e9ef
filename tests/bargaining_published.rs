//! The expected-utility bargaining model against its published test case, end to end: the EC
//! car-emission data (scenarios/ec_emissions.ron) → `crossroads run` (the real binary, one run, nothing
//! uncertain) → series.csv → the weighted mean (`issue_forecast`) and weighted median (`issue_median`)
//! after each round, against Scholz, Calbert & Smith (2011) Table 2 and against the round-by-round log
//! of the public replication of their program. Also: the printed reading does not reproduce Table 2, and
//! the readings are checked, located scenario fields.
//!
//! Sources of every expected number:
//! - TABLE2_*: J. B. Scholz, G. J. Calbert, G. A. Smith (2011), "Unravelling Bueno De Mesquita's group
//!   decision model", Journal of Theoretical Politics 23(4):510–531, Table 2 (mean and median position
//!   by round, EC data, Q = 1), as quoted in this project's issue 17 from secondary sources. The paper's
//!   own table could not be consulted offline (the stored copies of the conference version stop before
//!   it); see docs/model.md 7.9.
//! - REPLICATION_MEAN: `dmasad/bdm-scholz-expected-utility-model`, file `Example.log`, commit
//!   d7c7bbab2b714f8bd196e71db38b0f30a3c15bfd, the "Mean position" line after rounds 1–8 (the run
//!   `python bdm_scholz_model.py ExampleActors.csv 10 --log Example.log` of jmckib's transcription of
//!   Scholz's program, `jmckib/bdm-scholz-expected-utility-model` `bdm_scholz_model.py`).
//! - REPLICATION_MEDIAN: the weighted median of the positions that log prints (its own "Median
//!   position" lines after round 0 repeat the mean, a logging slip of the port). Only Belgium,
//!   Luxembourg and Ireland ever move; the others keep 4, 10 or 7. Weights c·s: at 4 (Netherlands,
//!   Germany, Denmark) 0.242, at 10 (France, Italy, UK) 0.336, Greece at 7 0.056, Belgium 0.032,
//!   Luxembourg 0.006, Ireland 0.005; half the total 0.677 is 0.3385. E.g. after round 2 (Belgium
//!   9.6109, Luxembourg 8.4159, Ireland 7): cumulative weight 0.242 at 4, 0.303 at 7, 0.309 at 8.4159,
//!   0.341 at 9.6109 > 0.3385, and 0.336 ≤ 0.3385 lies above it, so the median is Belgium's 9.6109.
//!   The other rounds likewise give Belgium's, Luxembourg's or Ireland's logged position.
//!
//! The gap: Table 2's means are the replication's to within one unit of the printed digit (largest
//! difference 0.061, round 1), but neither rounding (7.5 7.6 7.6 7.4 7.3 7.4 7.5 7.6) nor truncation
//! (7.4 7.5 7.5 7.3 7.3 7.4 7.5 7.5) of the replication's means gives all eight printed values; its
//! medians are the replication's truncated to one decimal except round 2, printed 9.9 where the
//! replication (and this model) has 9.61. We match the replication to 1e-9, so the gap is the same as
//! the replication's, and is the table's (or its quotation's), not a difference in the model.

use assert_cmd::Command;
use std::path::Path;

const EC: &str = "scenarios/ec_emissions.ron";

const TABLE2_MEAN: [f64; 8] = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6];
const TABLE2_MEDIAN: [f64; 8] = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6];
/// Table 2's printed precision: one decimal.
const PRINTED: f64 = 0.1;

const REPLICATION_MEAN: [f64; 8] = [
    7.461314378277189,
    7.552500865855845,
    7.590144997451547,
    7.358130531334201,
    7.3491739896752115,
    7.414877545372958,
    7.510457183677219,
    7.5724470975503,
];
const REPLICATION_MEDIAN: [f64; 8] = [
    8.415932315426764,
    9.610859134120188,
    9.961979590401311,
    9.961979590401311,
    9.961979590401311,
    7.47204636191629,
    8.824593855262423,
    9.671129769802048,
];

/// `crossroads run` on the EC scenario with `sets`; returns (weighted mean, weighted median) at
/// ticks 0..=10 from series.csv (one run: the `mean` column is the run's value).
fn run_ec(sets: &[&str]) -> (Vec<f64>, Vec<f64>) {
    run_file(Path::new(EC), sets)
}

fn run_file(file: &Path, sets: &[&str]) -> (Vec<f64>, Vec<f64>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ec");
    let mut args = vec![
        "run",
        file.to_str().unwrap(),
        "--runs",
        "1",
        "--no-charts",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    for s in sets {
        args.extend(["--set", s]);
    }
    Command::cargo_bin("crossroads")
        .unwrap()
        .args(&args)
        .assert()
        .success();
    (series(&out, "issue_forecast"), series(&out, "issue_median"))
}

fn series(dir: &Path, indicator: &str) -> Vec<f64> {
    let mut r = csv::Reader::from_path(dir.join("series.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (tick, ind, ent, mean) = (col("tick"), col("indicator"), col("entity"), col("mean"));
    let mut v: Vec<(usize, f64)> = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| &x[ind] == indicator && &x[ent] == "emissions")
        .map(|x| (x[tick].parse().unwrap(), x[mean].parse().unwrap()))
        .collect();
    v.sort_by_key(|x| x.0);
    assert_eq!(v.len(), 11, "{indicator}: ticks 0..=10");
    v.into_iter().map(|x| x.1).collect()
}

#[test]
fn ec_scenario_reproduces_table_2_through_the_binary() {
    let (mean, median) = run_ec(&[]);
    // Round 0: the data's weighted mean 5.003 / 0.677 and median voter position 7 (hand-computed).
    assert!((mean[0] - 5.003 / 0.677).abs() < 1e-12, "{}", mean[0]);
    assert_eq!(median[0], 7.0);
    for r in 1..=8 {
        let (m, md) = (mean[r], median[r]);
        // Table 2's means at its printed precision.
        assert!(
            (m - TABLE2_MEAN[r - 1]).abs() < PRINTED,
            "round {r}: mean {m:.4}, Table 2 {}",
            TABLE2_MEAN[r - 1]
        );
        // The replication of the program that produced Table 2, to 1e-9.
        assert!(
            (m - REPLICATION_MEAN[r - 1]).abs() < 1e-9,
            "round {r}: mean {m}, replication {}",
            REPLICATION_MEAN[r - 1]
        );
        assert!(
            (md - REPLICATION_MEDIAN[r - 1]).abs() < 1e-9,
            "round {r}: median {md}, replication {}",
            REPLICATION_MEDIAN[r - 1]
        );
        // Table 2's medians as closely as the replication: within the printed precision, except
        // round 2 (printed 9.9; replication and model 9.61, see the module doc).
        let gap = (md - TABLE2_MEDIAN[r - 1]).abs();
        if r == 2 {
            assert!((gap - 0.289).abs() < 0.001, "round 2 gap {gap}");
        } else {
            assert!(
                gap < PRINTED,
                "round {r}: median {md:.4}, Table 2 {}",
                TABLE2_MEDIAN[r - 1]
            );
        }
    }
}

#[test]
fn the_defaults_are_the_programs_reading() {
    // The scenario file spells the readings out; without those lines the defaults must give the same.
    let text = std::fs::read_to_string(EC).unwrap();
    let stripped: String = text
        .lines()
        .filter(|l| {
            !["probability:", "offers:", "compromise:"]
                .iter()
                .any(|k| l.trim_start().starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(text.lines().count(), stripped.lines().count() + 3);
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("ec_defaults.ron");
    std::fs::write(&file, stripped).unwrap();
    let (mean, median) = run_file(&file, &[]);
    for r in 1..=8 {
        assert!(
            (mean[r] - REPLICATION_MEAN[r - 1]).abs() < 1e-9,
            "round {r}: {}",
            mean[r]
        );
        assert!(
            (median[r] - REPLICATION_MEDIAN[r - 1]).abs() < 1e-9,
            "round {r}: {}",
            median[r]
        );
    }
}

/// Largest distance from Table 2's means over the eight rounds.
fn worst_mean_gap(mean: &[f64]) -> f64 {
    (1..=8)
        .map(|r| (mean[r] - TABLE2_MEAN[r - 1]).abs())
        .fold(0.0, f64::max)
}

#[test]
fn the_printed_reading_and_each_printed_choice_miss_table_2() {
    let b = "issues.emissions.bargaining";
    let printed = run_ec(&[
        &format!("{b}.probability=Printed"),
        &format!("{b}.offers=LeastMovement"),
        &format!("{b}.compromise=LeastMovement"),
    ]);
    // The printed equations: the mean falls to 6.8 by round 2 and 6.46 by round 8 (Table 2: 7.5, 7.6);
    // the median stays near 7 (Table 2: 8.4 to 9.9).
    assert!(worst_mean_gap(&printed.0) > 1.0, "{:?}", printed.0);
    assert!(
        (1..=8).all(|r| printed.1[r] <= 7.0),
        "printed medians {:?}",
        printed.1
    );
    // Each of the program's choices matters on its own.
    for set in [
        "probability=Printed",
        "offers=LeastMovement",
        "compromise=LeastMovement",
    ] {
        let (mean, _) = run_ec(&[&format!("{b}.{set}")]);
        assert!(worst_mean_gap(&mean) > 0.2, "{set}: {mean:?}");
    }
}

#[test]
fn readings_are_checked_and_located() {
    let text = std::fs::read_to_string(EC).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.ron");
    // An unknown reading: the deserializer's located error.
    let line = text
        .lines()
        .position(|l| l.contains("probability: Program"))
        .unwrap()
        + 1;
    std::fs::write(
        &bad,
        text.replace("probability: Program", "probability: Pairwise"),
    )
    .unwrap();
    Command::cargo_bin("crossroads")
        .unwrap()
        .args(["validate", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!("bad.ron:{line}:")))
        .stderr(predicates::str::contains(
            "unknown variant `Pairwise`, expected one of `Printed`, `Program`",
        ));
    // A numeric option out of range: the validator's located error.
    let line = text.lines().position(|l| l.contains("step: 1.0")).unwrap() + 1;
    std::fs::write(&bad, text.replace("step: 1.0", "step: 1.5")).unwrap();
    Command::cargo_bin("crossroads")
        .unwrap()
        .args(["validate", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!("bad.ron:{line}:")))
        .stderr(predicates::str::contains(
            "`step` must be in [0, 1], found 1.5",
        ));
}
