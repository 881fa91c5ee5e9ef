//! The report's main structure for a run folder: the key findings at the top (how the runs end,
//! the strongest joint facts among the binary outcomes, levers that never paid, and what the
//! intervals do and do not cover), the table of joint and conditional probabilities, and the list of
//! actions whose expected utility was never positive. Everything is read from the folder:
//! summary.json (`joint`, exact pair counts), series.csv (`action_pays`) and scenario.ron (the values
//! the scenario writes, fixed or uncertain).

use super::esc;
use crate::charts::data::{OutputData, Probability};
use crate::charts::style::pct;
use crate::scenario::tree::{Kind, Node};
use std::fmt::Write;

/// A pair needs this many runs of its condition before the report states a conditional share.
pub const MIN_CONDITION_RUNS: u64 = 20;

/// A binary item of summary.json's `joint`: an outcome id or `class:<id>`, with its label.
fn item_label(data: &OutputData, id: &str) -> String {
    match id.strip_prefix("class:") {
        Some(c) => data
            .manifest
            .outcome_classes
            .iter()
            .find(|x| x.id == c)
            .map(|x| format!("the run ends in “{}”", x.label))
            .unwrap_or_else(|| c.to_string()),
        None => data
            .outcome(id)
            .map(|o| o.title().to_string())
            .unwrap_or_else(|| id.to_string()),
    }
}

/// What a binary outcome is about (its kind's phase, project, election or indicator): two outcomes
/// about the same thing (signed by 2027, signed by 2028) imply each other by construction, which is
/// no finding.
fn topic(data: &OutputData, id: &str) -> Option<String> {
    let o = data.outcome(id)?;
    ["phase", "project", "election", "route"]
        .iter()
        .find_map(|f| o.kind_field(f).map(|v| format!("{f}:{v}")))
}

/// One directed conditional statement: when `a` happened, the share of those runs with `b`.
#[derive(Debug, Clone)]
pub struct Conditional {
    pub a: String,
    pub b: String,
    pub a_count: u64,
    pub both: u64,
    /// P(b | a), P(b | not a), P(b).
    pub given_a: f64,
    pub given_not_a: Option<f64>,
    pub b_share: f64,
}

impl Conditional {
    /// How far knowing `a` moves `b`, weighted by the runs behind it.
    fn strength(&self) -> f64 {
        (self.given_a - self.b_share).abs() * (self.a_count as f64).sqrt()
    }
}

/// Both directions of every pair of binary outcomes (classes excluded: they are defined by the
/// outcomes) about different things, with at least [`MIN_CONDITION_RUNS`] runs of the condition,
/// strongest first.
pub fn conditionals(data: &OutputData) -> Vec<Conditional> {
    let Some(s) = &data.summary else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for j in &s.joint {
        if j.a.starts_with("class:") || j.b.starts_with("class:") || j.n == 0 {
            continue;
        }
        let (ta, tb) = (topic(data, &j.a), topic(data, &j.b));
        if ta.is_some() && ta == tb {
            continue;
        }
        for (a, b, na, nb) in [
            (&j.a, &j.b, j.a_count, j.b_count),
            (&j.b, &j.a, j.b_count, j.a_count),
        ] {
            if na < MIN_CONDITION_RUNS || na == j.n {
                continue;
            }
            out.push(Conditional {
                a: a.clone(),
                b: b.clone(),
                a_count: na,
                both: j.both,
                given_a: j.both as f64 / na as f64,
                given_not_a: (j.n > na).then(|| (nb - j.both) as f64 / (j.n - na) as f64),
                b_share: nb as f64 / j.n as f64,
            });
        }
    }
    out.sort_by(|x, y| y.strength().total_cmp(&x.strength()));
    out
}

/// A conditional in words: "Peace treaty signed in 563 runs; Civil Contract won in all of them (57%
/// of all runs)."
fn sentence(data: &OutputData, c: &Conditional) -> String {
    let share = if c.both == c.a_count {
        "all of them".to_string()
    } else if c.both == 0 {
        "none of them".to_string()
    } else {
        format!("{} of them ({})", c.both, pct(c.given_a))
    };
    format!(
        "{} in {} runs; {} in {} ({} of all runs).",
        item_label(data, &c.a),
        c.a_count,
        crate::charts::style::quoted(&item_label(data, &c.b)),
        share,
        pct(c.b_share)
    )
}

/// Numbers the scenario writes outside its run settings: `(fixed, uncertain)`. A distribution counts
/// once as uncertain; every other number as a fixed assumption. Parameters left at their defaults
/// are assumptions too, not counted here (they are not written).
pub fn assumption_counts(scenario_ron: &str) -> Option<(usize, usize)> {
    fn go(n: &Node, fixed: &mut usize, unc: &mut usize) {
        if crate::scenario::param::is_dist_node(n) {
            *unc += 1;
            return;
        }
        match &n.kind {
            Kind::Int(_) | Kind::Float(_) => *fixed += 1,
            Kind::Some(x) => go(x, fixed, unc),
            Kind::List(v) | Kind::Tuple { items: v, .. } => {
                v.iter().for_each(|c| go(c, fixed, unc))
            }
            Kind::Map(v) => v.iter().for_each(|(_, c)| go(c, fixed, unc)),
            Kind::Struct { fields, .. } => fields.iter().for_each(|f| go(&f.value, fixed, unc)),
            _ => {}
        }
    }
    let tree = crate::scenario::tree::parse(scenario_ron, 0).ok()?;
    let (mut fixed, mut unc) = (0, 0);
    if let Kind::Struct { fields, .. } = &tree.kind {
        for f in fields {
            // Run settings, the format version, recording and sweep settings are not claims about
            // the world.
            if !["format", "extends", "run", "record", "sweep"].contains(&f.name.as_str()) {
                go(&f.value, &mut fixed, &mut unc);
            }
        }
    }
    Some((fixed, unc))
}

/// Action entries whose best option never had a positive expected utility, in any month of any run
/// (the `action_pays` series has mean 0 at every tick): `(actor id, entry label)`.
pub fn never_pays(data: &OutputData) -> Vec<(String, String)> {
    data.series_of("action_pays")
        .filter(|s| !s.points.is_empty() && s.points.iter().all(|p| p.mean == 0.0))
        .filter_map(|s| {
            let (a, e) = s.entity.split_once('/')?;
            Some((a.to_string(), e.to_string()))
        })
        .collect()
}

/// The action kind of entry `actions[i]` of an actor, from series.csv's `actions` keys is not
/// recoverable; the scenario.ron in the folder names it.
fn action_kinds(data: &OutputData) -> Vec<(String, Vec<String>)> {
    let Ok(text) = std::fs::read_to_string(data.dir.join("scenario.ron")) else {
        return Vec::new();
    };
    let Ok(tree) = crate::scenario::tree::parse(&text, 0) else {
        return Vec::new();
    };
    let field = |n: &Node, name: &str| -> Option<Node> {
        match &n.kind {
            Kind::Struct { fields, .. } => fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.value.clone()),
            _ => None,
        }
    };
    let Some(Node {
        kind: Kind::List(actors),
        ..
    }) = field(&tree, "actors")
    else {
        return Vec::new();
    };
    actors
        .iter()
        .filter_map(|a| {
            let id = match field(a, "id")?.kind {
                Kind::Str(s) => s,
                _ => return None,
            };
            let kinds = match field(a, "actions").map(|n| n.kind) {
                Some(Kind::List(v)) => v
                    .iter()
                    .map(|x| match &x.kind {
                        Kind::Tuple { name: Some(n), .. } => n.clone(),
                        Kind::Struct { name: Some(n), .. } => {
                            let target = target_words(data, &|f| field(x, f));
                            if target.is_empty() {
                                n.clone()
                            } else {
                                format!("{n}\u{1}{target}")
                            }
                        }
                        _ => String::new(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Some((id, kinds))
        })
        .collect()
}

/// What an action entry aims at, for telling entries of one kind apart: "Armenia, support for the
/// peace deal down" (countries, parties, routes, issues, projects; the dimension and direction).
fn target_words(data: &OutputData, field: &dyn Fn(&str) -> Option<Node>) -> String {
    let names = data.names();
    let strs = |n: Option<Node>| -> Vec<String> {
        match n.map(|n| n.kind) {
            Some(Kind::List(v)) => v
                .into_iter()
                .filter_map(|x| match x.kind {
                    Kind::Str(s) => Some(s),
                    _ => None,
                })
                .collect(),
            Some(Kind::Str(s)) => vec![s],
            _ => Vec::new(),
        }
    };
    let mut words: Vec<String> = Vec::new();
    for (f, kind) in [
        ("countries", "country"),
        ("parties", "actor"),
        ("routes", "route"),
        ("issues", "issue"),
    ] {
        words.extend(strs(field(f)).iter().map(|id| names.of(kind, id)));
    }
    let mut w = words.join(", ");
    if let Some(d) = strs(field("dimension")).first() {
        let dir = match field("direction").map(|n| n.kind) {
            Some(Kind::Ident(d)) => format!(" {}", d.to_lowercase()),
            _ => String::new(),
        };
        let sep = if w.is_empty() { "" } else { ": " };
        w = format!("{w}{sep}{}{dir}", names.of("dimension", d).to_lowercase());
    }
    w
}

/// "Russia · disinformation, Armenia: support for the peace deal down (actions[0])".
fn lever_name(
    data: &OutputData,
    kinds: &[(String, Vec<String>)],
    actor: &str,
    entry: &str,
) -> String {
    let kind = entry
        .strip_prefix("actions[")
        .and_then(|x| x.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| kinds.iter().find(|k| k.0 == actor)?.1.get(i).cloned())
        .unwrap_or_default();
    let (kind, target) = kind.split_once('\u{1}').unwrap_or((kind.as_str(), ""));
    let target = if target.is_empty() {
        String::new()
    } else {
        format!(", {target}")
    };
    format!(
        "{} · {}{target} ({entry})",
        data.names().of("actor", actor),
        crate::charts::style::humanise(&snake(kind)).to_lowercase()
    )
}

/// `CounterDisinformation` → `counter_disinformation`.
fn snake(s: &str) -> String {
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            o.push('_');
        }
        o.extend(c.to_lowercase());
    }
    o
}

/// The most likely outcome class in words.
fn class_line(p: &Probability) -> String {
    format!(
        "{}: {} of runs ({}–{}; {}).",
        p.label,
        pct(p.p),
        pct(p.lo).trim_end_matches('%'),
        pct(p.hi),
        p.span
    )
}

/// The "Key findings" section.
pub fn key_findings(h: &mut String, data: &OutputData) {
    let n = data.n_runs();
    h.push_str("<section id=\"findings\">\n<h2>Key findings</h2>\n<ul>\n");
    let mut classes = data.classes();
    classes.sort_by(|a, b| b.p.total_cmp(&a.p));
    if !classes.is_empty() {
        let _ = writeln!(h, "<li><b>How the runs end.</b><ul>");
        for c in &classes {
            let _ = writeln!(h, "<li>{}</li>", esc(&class_line(c)));
        }
        h.push_str("</ul></li>\n");
    }
    let cond = conditionals(data);
    // The strongest direction of each pair, four pairs.
    let mut shown: Vec<&Conditional> = Vec::new();
    for c in &cond {
        if shown.len() == 4 {
            break;
        }
        if !shown.iter().any(|s| s.a == c.b && s.b == c.a) {
            shown.push(c);
        }
    }
    if !shown.is_empty() {
        h.push_str("<li><b>What goes together</b> (exact counts over the runs; <a href=\"#joint\">all pairs</a>):<ul>\n");
        for c in shown {
            let _ = writeln!(h, "<li>{}</li>", esc(&sentence(data, c)));
        }
        h.push_str("</ul></li>\n");
    }
    let dead = never_pays(data);
    if !dead.is_empty() {
        let kinds = action_kinds(data);
        let names: Vec<String> = dead
            .iter()
            .map(|(a, e)| lever_name(data, &kinds, a, e))
            .collect();
        let _ = writeln!(
            h,
            "<li class=\"warnitem\"><b>{} action{} never paid</b>: {} — in no month of any run was \
             its expected utility positive, so the actor chose it only by chance (<a \
             href=\"#levers\">why a lever is dead</a>).</li>",
            dead.len(),
            if dead.len() == 1 { "" } else { "s" },
            esc(&names.join("; "))
        );
    }
    let counts = std::fs::read_to_string(data.dir.join("scenario.ron"))
        .ok()
        .and_then(|t| assumption_counts(&t));
    let assumptions = match counts {
        Some((fixed, unc)) => format!(
            " The scenario writes {} numbers about the world: {unc} are uncertain (drawn anew in \
             every run from the distributions listed at the end) and {fixed} are fixed \
             assumptions; every parameter it leaves at its default is a fixed assumption too. \
             Their uncertainty is in these results only as far as the distributions carry it.",
            fixed + unc
        ),
        None => String::new(),
    };
    let _ = writeln!(
        h,
        "<li><b>What the intervals mean.</b> Every interval on this page is a 95% interval of \
         Monte Carlo error only: how far these {n} runs may be from the same scenario run \
         infinitely often. It does not say whether the scenario is right.{}</li>",
        esc(&assumptions)
    );
    h.push_str("</ul>\n</section>\n");
}

/// The table of joint and conditional probabilities.
pub fn joint_section(h: &mut String, data: &OutputData) {
    let cond = conditionals(data);
    if cond.is_empty() {
        return;
    }
    h.push_str(
        "<section id=\"joint\">\n<h2>Joint and conditional probabilities</h2>\n<p class=\"note\">For \
         pairs of binary outcomes (about different things), the share of the runs in which the \
         first happened that also had the second, against the share among the other runs; exact \
         counts from summary.json's <code>joint</code>, strongest associations first. Outcome classes \
         are left out (they are defined by the outcomes).</p>\n<table>\n<thead><tr><th>When</th>\
         <th class=\"n\">runs</th><th>then</th><th class=\"n\">share of those runs</th>\
         <th class=\"n\">among the other runs</th><th class=\"n\">of all runs</th></tr></thead>\n<tbody>\n",
    );
    for c in cond.iter().take(16) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{} ({} of {})</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&item_label(data, &c.a)),
            c.a_count,
            esc(&item_label(data, &c.b)),
            pct(c.given_a),
            c.both,
            c.a_count,
            c.given_not_a.map(pct).unwrap_or_else(|| "–".into()),
            pct(c.b_share)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// The section on levers that never paid, after the budget-use chart's data.
pub fn levers_section(h: &mut String, data: &OutputData) {
    let dead = never_pays(data);
    if data.series_of("action_pays").next().is_none() {
        return;
    }
    h.push_str("<section id=\"levers\">\n<h2>Why a lever is dead</h2>\n");
    if dead.is_empty() {
        h.push_str(
            "<p class=\"note\">Every action of every actor had a positive expected utility in at \
             least one month of one run. The budget-use charts show how much of each actor's \
             monthly budget went unspent.</p>\n</section>\n",
        );
        return;
    }
    let kinds = action_kinds(data);
    h.push_str(
        "<p>These actions never had a positive expected utility — in no month of any run was \
         their best option worth more to the actor than doing nothing (series \
         <code>action_pays</code>). The actor took them, if ever, only through the randomness \
         of its logit choice. Check the action's cost against its effect on the actor's goals \
         (docs/model.md 7.7), or whether the actor's goals mention what the action moves.</p>\n<ul>\n",
    );
    for (a, e) in &dead {
        let _ = writeln!(h, "<li>{}</li>", esc(&lever_name(data, &kinds, a, e)));
    }
    h.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumptions_count_written_numbers_not_run_settings() {
        let ron = "(format: 1, run: (name: \"x\", horizon: 12, runs: 10, seed: 1),\n\
                   countries: [(id: \"a\", population: (size: 100, opinions: [(dimension: \"d\", \
                   mean: Uniform(0.4, 0.6), sd: 0.2)]))])";
        assert_eq!(assumption_counts(ron), Some((2, 1)));
    }

    #[test]
    fn words() {
        assert_eq!(snake("CounterDisinformation"), "counter_disinformation");
    }

    #[test]
    fn joint_is_deserialised() {
        let j: crate::charts::data::Joint = serde_json::from_str(
            r#"{"a": "x", "b": "y", "a_count": 3, "b_count": 4, "both": 3, "n": 10}"#,
        )
        .unwrap();
        assert_eq!(j.both, 3);
    }
}
