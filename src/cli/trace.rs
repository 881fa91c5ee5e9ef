//! `crossroads trace`: the story of one run, month by month, in plain language or as JSON lines.
//! It makes exactly the run the batch runner makes for (seed, run), with events (and, with
//! `--explain`, every decision's alternatives) recorded.

use super::{CliError, TraceArgs, term};
use crate::model::{self, OutcomeValue, RunOptions, RunOutput};
use crate::scenario::{self, schema::tick_month};

/// Appends a formatted line to a `String` (infallible, unlike `writeln!` which returns a Result).
macro_rules! say {
    ($t:expr, $($arg:tt)*) => {{
        $t.push_str(&format!($($arg)*));
        $t.push('\n');
    }};
}

pub fn exec(args: TraceArgs) -> Result<(), CliError> {
    let resolved = scenario::load(&args.file, &args.sets)?;
    let s = &resolved.scenario;
    crate::batch::budget::Plan::batch(s, 1, 1, false)
        .check(&args.file.display().to_string(), args.allow_large)
        .map_err(CliError::usage)?;
    let seed = args.seed.unwrap_or(s.run.seed);
    let opts = RunOptions {
        events: true,
        explain: args.explain,
    };
    let out = model::run_one(&resolved, seed, args.run, &opts).map_err(|e| {
        CliError::failure(format!("run {} (seed {seed}) failed: {}", args.run, e.0))
    })?;
    let text = if args.json {
        json_lines(&resolved, seed, args.run, &out)
    } else {
        story(&resolved, seed, args.run, &out)
    };
    // A closed pipe (e.g. `| head`) ends quietly; a full device is an error (exit 1).
    term::out(&text)
}

fn outcome_text(v: &OutcomeValue) -> String {
    match v {
        OutcomeValue::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        OutcomeValue::Num(Some(x)) => format!("{x:.4}"),
        OutcomeValue::Num(None) => "never".to_string(),
    }
}

/// Index of a series column by indicator and entity.
fn column(keys: &[model::SeriesKey], indicator: &str, entity: &str) -> Option<usize> {
    keys.iter()
        .position(|k| k.indicator == indicator && k.entity == entity)
}

fn story(r: &scenario::Resolved, seed: u64, run: u64, out: &RunOutput) -> String {
    let s = &r.scenario;
    let keys = model::series_layout(s);
    let width = keys.len();
    let tension = column(&keys, "tension", "region");
    let mut t = String::new();
    say!(t, "Scenario {} — run {run} of seed {seed}", s.run.name);
    if !out.params.is_empty() {
        say!(t, "Sampled parameters:");
        for (p, v) in &out.params {
            say!(t, "  {p} = {v:.6}");
        }
    }
    let value = |tick: u32, col: Option<usize>| col.map(|c| out.series[tick as usize * width + c]);
    let phase_at = |tick: u32| {
        s.process
            .phases
            .iter()
            .find(|p| value(tick, column(&keys, "phase", &p.id)) == Some(1.0))
            .map(|p| p.id.as_str())
            .unwrap_or("?")
    };
    say!(
        t,
        "Start (tick 0, the beginning of {}): phase {}, tension {:.2}",
        s.run.start,
        phase_at(0),
        value(0, tension).unwrap_or(0.0)
    );
    let mut ev = out.events.iter().peekable();
    let mut dec = out.decisions.iter().peekable();
    for tick in 1..=s.run.horizon {
        let date = tick_month(&s.run.start, tick);
        let (tn, t0) = (
            value(tick, tension).unwrap_or(0.0),
            value(tick - 1, tension).unwrap_or(0.0),
        );
        say!(
            t,
            "\n{date} (month {tick}): phase {}, tension {tn:.2} ({:+.2})",
            phase_at(tick),
            tn - t0
        );
        while let Some(d) = dec.next_if(|d| d.tick == tick) {
            say!(t, "  {} weighs:", d.actor);
            for (k, (label, eu, p)) in d.options.iter().enumerate() {
                let mark = if k == d.chosen { "->" } else { "  " };
                say!(t, "    {mark} {label:<44} EU {eu:+.5}  p {p:.3}");
            }
        }
        while let Some(e) = ev.next_if(|e| e.tick == tick) {
            let line = match e.action.as_str() {
                "phase" => format!("  The process enters phase `{}`.", e.target),
                "event" => format!("  Event `{}` happens.", e.target),
                "election" => match e.result.as_str() {
                    "no_winner" => format!("  Election `{}`: no government forms.", e.target),
                    "same_government" => format!(
                        "  Election `{}`: the governing party leads again with {:.1}% of the vote.",
                        e.target,
                        e.magnitude * 100.0
                    ),
                    lead => format!(
                        "  Election `{}`: `{lead}` leads the new government with {:.1}% of the vote.",
                        e.target,
                        e.magnitude * 100.0
                    ),
                },
                "decide" => format!(
                    "  {} decides on `{}`: {} (expected utility {:+.3}).",
                    e.actor, e.target, e.result, e.magnitude
                ),
                "referendum" => format!(
                    "  Referendum in {}: {} with {:.1}% yes.",
                    e.target,
                    e.result,
                    e.magnitude * 100.0
                ),
                "project" => format!("  Project `{}` becomes operational.", e.target),
                "bargaining" => format!(
                    "  Bargaining on `{}`: forecast {:.1} ({}).",
                    e.target, e.magnitude, e.result
                ),
                _ => format!(
                    "  {} — {} → {} ({} {}, {}).",
                    e.actor,
                    e.action,
                    e.target,
                    crate::charts::style::num(e.magnitude),
                    model::actions::magnitude_units(&e.action),
                    e.result
                ),
            };
            say!(t, "{line}");
        }
    }
    say!(t, "\nOutcomes:");
    for (o, v) in s.outcomes.iter().zip(&out.outcomes) {
        let label = if o.label.is_empty() { &o.id } else { &o.label };
        say!(t, "  {:<28} {:<10} {}", o.id, outcome_text(v), label);
    }
    if let Some(c) = out.class {
        say!(t, "Class: {}", s.outcome_classes[c].id);
    }
    t
}

fn json_lines(r: &scenario::Resolved, seed: u64, run: u64, out: &RunOutput) -> String {
    let s = &r.scenario;
    let mut t = String::new();
    let params: serde_json::Map<String, serde_json::Value> = out
        .params
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::json!(v)))
        .collect();
    say!(
        t,
        "{}",
        serde_json::json!({"type": "run", "scenario": s.run.name, "seed": seed, "run": run, "params": params})
    );
    for d in &out.decisions {
        let options: Vec<_> = d
            .options
            .iter()
            .map(|(l, eu, p)| serde_json::json!({"option": l, "eu": eu, "p": p}))
            .collect();
        let rec = serde_json::json!({"type": "decision", "tick": d.tick, "date": tick_month(&s.run.start, d.tick),
            "actor": d.actor, "options": options, "chosen": d.chosen});
        say!(t, "{rec}");
    }
    for e in &out.events {
        let rec = serde_json::json!({"type": "event", "run": run, "tick": e.tick, "date": tick_month(&s.run.start, e.tick),
            "actor": e.actor, "action": e.action, "target": e.target, "magnitude": e.magnitude, "result": e.result});
        say!(t, "{rec}");
    }
    let outcomes: serde_json::Map<String, serde_json::Value> = s
        .outcomes
        .iter()
        .zip(&out.outcomes)
        .map(|(o, v)| {
            let j = match v {
                OutcomeValue::Bool(b) => serde_json::json!(b),
                OutcomeValue::Num(x) => serde_json::json!(x),
            };
            (o.id.clone(), j)
        })
        .collect();
    let class = out.class.map(|c| s.outcome_classes[c].id.clone());
    say!(
        t,
        "{}",
        serde_json::json!({"type": "outcomes", "outcomes": outcomes, "class": class})
    );
    t
}
