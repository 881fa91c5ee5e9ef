//! A comparison folder's charts and report.html (`crossroads compare`, docs/outputs.md), built from
//! the folder's files alone (manifest.json, compare.json or compare.csv, series.csv):
//! [`plot_compare_folder`] is what both `compare` (after writing its data files) and
//! `crossroads plot DIR` call, so they give the same bytes.
//!
//! The page is self-contained (no network requests, no JavaScript) and styled like a batch's
//! report: the scenarios, the forest plot, the outcome table with paired and unpaired intervals, the
//! overlaid fan charts with captions, and the methods.

use super::{CSS, esc};
use crate::charts::comparison::{CompareData, build_all};
use crate::charts::style::num;
use crate::charts::{self, Chart, ChartError};
use crate::experiments::compare::Row;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Reads the comparison folder `dir`, draws its charts (charts/forest, charts/overlay_*) and writes
/// them with `dir`/report.html. Returns the chart files (PNG then SVG per chart) and the report's path.
pub fn plot_compare_folder(dir: &Path) -> Result<(Vec<PathBuf>, PathBuf), ChartError> {
    let data = CompareData::load(dir)?;
    let charts = build_all(&data)?;
    let paths = charts::write_charts(dir, &charts)?;
    let report = dir.join("report.html");
    charts::write_atomic(&report, render_html(&data, &charts).as_bytes())?;
    Ok((paths, report))
}

fn fmt_value(r: &Row, x: Option<f64>) -> String {
    match x {
        None => "n/a".into(),
        Some(x) if r.kind == "binary" => format!("{:.1}%", 100.0 * x),
        Some(x) => num(x),
    }
}

/// A difference with its sign; one that rounds to zero is written without one ("0", not "+0" or
/// "-0").
fn fmt_diff(r: &Row, x: Option<f64>) -> String {
    let signed = |s: String| {
        let zero = s
            .trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.');
        if zero {
            s.trim_start_matches('-').to_string()
        } else if s.starts_with('-') {
            s
        } else {
            format!("+{s}")
        }
    };
    match x {
        None => "n/a".into(),
        Some(x) if r.kind == "binary" => format!("{} pp", signed(format!("{:.1}", 100.0 * x))),
        Some(x) => signed(num(x)),
    }
}

fn interval(
    r: &Row,
    lo: Option<f64>,
    hi: Option<f64>,
    f: fn(&Row, Option<f64>) -> String,
) -> String {
    match (lo, hi) {
        (Some(_), Some(_)) => format!("{} to {}", f(r, lo), f(r, hi)),
        _ => String::new(),
    }
}

/// The whole page.
pub fn render_html(data: &CompareData, charts: &[Chart]) -> String {
    let m = &data.manifest;
    let names = data.names();
    let reference = &names[0];
    let n = m.completed_runs;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} vs {} · crossroads comparison</title>\n<style>{CSS}\
         td.yes {{ color: var(--accent); font-weight: bold; }}\n</style>\n</head>\n<body>\n<main>\n",
        esc(&names[1..].join(", ")),
        esc(reference)
    );
    let _ = writeln!(
        h,
        "<header>\n<p class=\"kicker\">crossroads · scenario comparison</p>\n\
         <h1>How do the scenarios differ from {}?</h1>",
        esc(reference)
    );
    let _ = writeln!(
        h,
        "<p class=\"desc\">Run <i>i</i> of every scenario uses the same random streams (common random \
         numbers), so each run of a scenario is paired with the same run of the reference and the \
         differences are estimated from the pairs.</p>\n\
         <p class=\"note\">{n} run{} per scenario · seed {} · crossroads {}</p>\n</header>",
        if n == 1 { "" } else { "s" },
        m.seed,
        esc(&m.crossroads_version)
    );
    let status = m.status.as_str();
    if status != "complete" {
        let _ = writeln!(
            h,
            "<p class=\"warn\"><b>Status: {}.</b> {n} of {} runs were compared{}; every number below \
             is based on them alone (the series of output-folder inputs cover all their runs).</p>",
            esc(status),
            m.runs,
            m.error
                .as_deref()
                .map(|e| format!(" (error: {})", esc(e)))
                .unwrap_or_default()
        );
    }
    if n > 0 && n < super::FEW_RUNS {
        let _ = writeln!(
            h,
            "<p class=\"warn\">Only {n} run{} per scenario: the intervals are wide. Run more for \
             conclusions.</p>",
            if n == 1 { "" } else { "s" }
        );
    }
    h.push_str(
        "<nav><b>Contents</b><ol>\n<li><a href=\"#scenarios\">Scenarios</a></li>\n\
         <li><a href=\"#outcomes\">Outcomes</a></li>\n",
    );
    for c in charts {
        let _ = writeln!(
            h,
            "<li><a href=\"#chart-{}\">{}</a></li>",
            esc(&c.stem),
            esc(&c.title)
        );
    }
    h.push_str("<li><a href=\"#methods\">Methods</a></li>\n</ol></nav>\n");

    scenarios(&mut h, data);
    outcomes(&mut h, data);

    super::charts_section(&mut h, charts, super::caption_lead);

    methods(&mut h, data);
    let _ = writeln!(
        h,
        "<footer>Made by <code>crossroads {}</code> from this comparison folder's manifest.json, \
         compare.json and series.csv; <code>crossroads plot</code> on the folder rebuilds it.</footer>\n\
         </main>\n</body>\n</html>",
        esc(&m.crossroads_version)
    );
    h
}

fn scenarios(h: &mut String, data: &CompareData) {
    h.push_str(
        "<section id=\"scenarios\">\n<h2>Scenarios</h2>\n<table>\n<thead><tr><th>Scenario</th>\
         <th>Role</th><th>Input</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
    );
    for (i, s) in data.manifest.scenarios.iter().enumerate() {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{} <code>{}</code></td><td><code>{}</code></td></tr>",
            esc(&s.name),
            if i == 0 { "reference" } else { "compared" },
            esc(&s.source),
            esc(&s.path),
            esc(&s.sha256.chars().take(12).collect::<String>())
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn outcomes(h: &mut String, data: &CompareData) {
    h.push_str("<section id=\"outcomes\">\n<h2>Outcomes</h2>\n");
    if data.rows.is_empty() {
        h.push_str("<p class=\"note\">The scenarios share no outcomes.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<table>\n<thead><tr><th>Outcome</th><th>Scenario</th>\
         <th class=\"n\">Value<span class=\"id\">95% interval</span></th>\
         <th class=\"n\">Difference<span class=\"id\">paired 95% interval</span></th>\
         <th class=\"n\">Unpaired 95% interval</th><th>Distinguishable</th></tr></thead>\n<tbody>\n",
    );
    let rows = &data.rows;
    for (i, r) in rows.iter().enumerate() {
        let mut tr = String::from("<tr>");
        if i == 0 || rows[i - 1].outcome != r.outcome {
            let span = rows[i..]
                .iter()
                .take_while(|x| x.outcome == r.outcome)
                .count();
            let label = if r.label.is_empty() {
                &r.outcome
            } else {
                &r.label
            };
            let _ = write!(
                tr,
                "<td rowspan=\"{span}\">{}{}</td>",
                esc(label),
                if r.units.is_empty() {
                    String::new()
                } else {
                    format!("<span class=\"id\">{}</span>", esc(&r.units))
                }
            );
        }
        let sub = |s: String| {
            if s.is_empty() {
                s
            } else {
                format!("<span class=\"id\">{s}</span>")
            }
        };
        let _ = writeln!(
            h,
            "{tr}<td>{}</td><td class=\"n\">{}{}</td><td class=\"n\">{}{}</td>\
             <td class=\"n\">{}</td>{}</tr>",
            esc(&r.scenario),
            fmt_value(r, r.value),
            sub(interval(r, r.ci_low, r.ci_high, fmt_value)),
            if r.diff.is_some() {
                fmt_diff(r, r.diff)
            } else {
                "(reference)".into()
            },
            sub(interval(r, r.diff_low, r.diff_high, fmt_diff)),
            interval(r, r.unpaired_low, r.unpaired_high, fmt_diff),
            match r.distinguishable {
                Some(true) => "<td class=\"yes\">yes</td>",
                Some(false) => "<td>no</td>",
                None => "<td></td>",
            }
        );
    }
    h.push_str("</tbody>\n</table>\n");
    let m = &data.manifest;
    if !m.unmatched.is_empty() {
        h.push_str("<p class=\"note\">Left out (outcome missing in the scenario): ");
        h.push_str(
            &m.unmatched
                .iter()
                .map(|(s, o)| format!("{} in {}", esc(o), esc(s)))
                .collect::<Vec<_>>()
                .join(", "),
        );
        h.push_str(".</p>\n");
    }
    h.push_str("</section>\n");
}

fn methods(h: &mut String, data: &CompareData) {
    let folders = data
        .manifest
        .scenarios
        .iter()
        .filter(|s| s.source == "folder")
        .count();
    h.push_str(
        "<section id=\"methods\">\n<h2>Methods</h2>\n<p class=\"note\">Binary values: share of runs \
         with the Wilson 95% interval. Paired differences of proportions: Wald interval with the \
         paired (McNemar-type) variance over the discordant pairs; unpaired: Newcombe's hybrid score \
         interval. Numeric outcomes: means with ±1.96 standard errors; paired: of the per-run \
         differences. \"Distinguishable\": the paired interval excludes zero. The overlaid fan \
         charts show each scenario's spread across runs (medians and quantiles from the same \
         streaming aggregates as a batch's series.csv), not paired differences.",
    );
    if folders > 0 {
        h.push_str(
            " The series of an output-folder input are that folder's own series.csv, over all its \
             runs.",
        );
    }
    h.push_str("</p>\n</section>\n");
}
