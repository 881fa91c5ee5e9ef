//! One time convention everywhere (issue 14; docs/model.md 3.2, docs/outputs.md): tick t is the state
//! at the end of month t, month 1 being `run.start`, so tick t is dated `start + (t − 1)`; tick 0, the
//! initial state, is dated the month before. An event or a decision made while simulating tick t
//! carries tick t and that date. Followed here through one phase change and one decision in trace
//! text, trace --json, events.csv, series.csv, runs_series.csv and the charts' dates.

use assert_cmd::Command;
use std::path::Path;

const TINY: &str = "tests/fixtures/tiny.ron"; // start 2026-01, horizon 6

fn bin() -> Command {
    Command::cargo_bin("crossroads").unwrap()
}

fn rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    let mut out = vec![r.headers().unwrap().iter().map(String::from).collect()];
    for rec in r.records() {
        out.push(rec.unwrap().iter().map(String::from).collect());
    }
    out
}

fn trace(args: &[&str]) -> String {
    let out = bin().arg("trace").args(args).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The lines of the trace's section for `date (month t)`, up to the next month's header.
fn section<'a>(text: &'a str, header: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(header));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no section {header:?}"));
    std::iter::once(first)
        .chain(lines.take_while(|l| !l.is_empty()))
        .collect()
}

#[test]
fn one_phase_change_and_one_decision_carry_the_same_tick_and_date_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    bin()
        .args([
            "run",
            TINY,
            // Phase changes after month 1 are rare in the tiny scenario (6 in 200 runs of streams
            // version 2, none in the first 20): enough runs that one happens.
            "--runs",
            "200",
            "--events",
            "--no-charts",
            "--quiet",
        ])
        .args(["--per-run-series", "phase", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let events = rows(&dir.join("events.csv"));
    let e = events[0].clone();
    let col = |name: &str| e.iter().position(|h| h == name).unwrap();
    let (run, tick, date, actor, action, target) = (
        col("run"),
        col("tick"),
        col("date"),
        col("actor"),
        col("action"),
        col("target"),
    );

    // The phase change: the first run whose process changes phase after month 1.
    let ev = events[1..]
        .iter()
        .find(|r| r[action] == "phase" && r[tick] != "1")
        .expect("a phase change")
        .clone();
    let (k, t, d, phase) = (
        ev[run].clone(),
        ev[tick].parse::<u32>().unwrap(),
        ev[date].clone(),
        ev[target].clone(),
    );
    assert_eq!(
        d,
        format!("2026-{t:02}"),
        "tick {t} is the end of month {t}"
    );

    // series.csv: the same tick has the same date; tick 0 is the month before the start.
    let series = rows(&dir.join("series.csv"));
    let date_of = |tick: u32| {
        series[1..]
            .iter()
            .find(|r| r[0] == tick.to_string())
            .map(|r| r[1].clone())
            .unwrap()
    };
    assert_eq!(date_of(t), d);
    assert_eq!(date_of(0), "2025-12");
    assert_eq!(date_of(1), "2026-01");

    // runs_series.csv: that run is in the new phase from tick t, not before, dated the same.
    let per_run = rows(&dir.join("runs_series.csv"));
    let at = |tick: u32| {
        per_run[1..]
            .iter()
            .find(|r| r[0] == k && r[1] == tick.to_string() && r[3] == "phase" && r[4] == phase)
            .unwrap()
            .clone()
    };
    assert_eq!((at(t)[2].as_str(), at(t)[5].as_str()), (d.as_str(), "1"));
    assert_eq!(at(t - 1)[5], "0");

    // trace: the phase change is told under "D (month t)", and --json says tick t, date D.
    let text = trace(&[TINY, "--run", &k, "--explain"]);
    let sec = section(&text, &format!("{d} (month {t})"));
    assert!(
        sec.iter()
            .any(|l| l.contains(&format!("enters phase `{phase}`"))),
        "{sec:#?}"
    );
    let json = trace(&[TINY, "--run", &k, "--json", "--explain"]);
    let recs: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(recs.iter().any(|r| r["type"] == "event"
        && r["action"] == "phase"
        && r["target"] == phase.as_str()
        && r["tick"] == t
        && r["date"] == d.as_str()));

    // The charts date ticks the same way.
    let data = crossroads::charts::data::OutputData::load(&dir).unwrap();
    assert_eq!(data.date_of_tick(t as i64), d);
    assert_eq!(data.date_of_tick(0), "2025-12");

    // One decision: the power's choice in month 1 is explained under month 1 (tick 1, 2026-01) and
    // its action is in events.csv at tick 1 with that date.
    let month1 = section(&text, "2026-01 (month 1)");
    let chosen = month1
        .iter()
        .skip_while(|l| !l.trim().starts_with("power weighs"))
        .nth(1)
        .expect("the power's menu in month 1");
    let dec = recs
        .iter()
        .find(|r| r["type"] == "decision" && r["actor"] == "power")
        .expect("a decision record");
    assert_eq!(
        (dec["tick"].as_u64(), dec["date"].as_str()),
        (Some(1), Some("2026-01"))
    );
    if chosen.trim_start().starts_with("->") && !chosen.contains("do nothing") {
        assert!(events[1..].iter().any(|r| r[run] == k
            && r[tick] == "1"
            && r[date] == "2026-01"
            && r[actor] == "power"
            && r[action] == "disinformation"));
    }
    // The last month's decisions are explained too (they were cut off when they ran a month late).
    assert!(
        section(&text, "2026-06 (month 6)")
            .iter()
            .any(|l| l.contains("weighs:"))
    );
}
