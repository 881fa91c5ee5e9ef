//! report.html: one self-contained page per output folder (no network requests, no JavaScript):
//! the scenario's name and description, the run settings and manifest facts, the summary tables of
//! outcomes (probabilities with Wilson 95% intervals and ICD 203 words; medians and 90% ranges),
//! every chart as an inline PNG with a one-line caption, and the uncertain parameters.
//!
//! Deterministic: the same folder gives the same bytes (the only times are the manifest's).
//! Charts are inlined as the PNGs drawn with the embedded font, so they look the same everywhere;
//! the page text uses the reader's sans-serif fonts.

pub mod calibration;
pub mod compare;
pub mod experiments;
pub mod findings;

use crate::charts::data::{OutputData, Probability};
use crate::charts::stats::{quantile_sorted, sorted};
use crate::charts::style::{num, pct};
use crate::charts::{self, Chart, ChartError};
use base64::Engine;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Reads the output folder `dir`, draws its charts in memory and writes `dir`/report.html.
pub fn write_report(dir: &Path) -> Result<PathBuf, ChartError> {
    let data = OutputData::load(dir)?;
    let charts = charts::build_all(&data)?;
    write_report_with(&data, &charts)
}

/// Writes report.html for already loaded data and rendered charts.
pub fn write_report_with(data: &OutputData, charts: &[Chart]) -> Result<PathBuf, ChartError> {
    let path = data.dir.join("report.html");
    charts::write_atomic(&path, render_html(data, charts).as_bytes())?;
    Ok(path)
}

/// Charts and report for an output folder, drawing each chart once: what `crossroads plot` and
/// the end of `crossroads run` call. Returns the chart files and the report's path.
pub fn plot_folder(dir: &Path) -> Result<(Vec<PathBuf>, PathBuf), ChartError> {
    let data = OutputData::load(dir)?;
    let charts = charts::build_all(&data)?;
    let paths = charts::write_charts(dir, &charts)?;
    let report = write_report_with(&data, &charts)?;
    Ok((paths, report))
}

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The page style, shared with the comparison and experiment reports ([`compare`], [`experiments`]).
pub(crate) const CSS: &str = r#"
:root { --ink: #212121; --muted: #5f5f5f; --rule: #dcdcdc; --accent: #0072b2; --warn: #b34700; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; background: #f6f6f4; color: var(--ink);
  font-family: "DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; line-height: 1.5; }
main { max-width: 1080px; margin: 0 auto; padding: 2rem 2.5rem 3rem; background: #fff; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 1rem; margin-bottom: 1.5rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; color: var(--muted); margin: 0; }
h1 { font-size: 2.1rem; margin: .2rem 0 .5rem; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
.desc { font-size: 1.05rem; max-width: 52rem; margin: .3rem 0; }
.warn { border-left: 4px solid var(--warn); background: #fff4ec; padding: .6rem .9rem; margin: 1rem 0; }
#findings ul { margin: .3rem 0; padding-left: 1.3rem; }
#findings li { margin: .25rem 0; }
li.warnitem { color: var(--warn); }
li.warnitem b { color: var(--warn); }
nav ol { columns: 2; margin: .3rem 0; padding-left: 1.3rem; }
nav a { color: var(--accent); text-decoration: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .95rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { border-bottom: 2px solid var(--ink); font-weight: bold; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.id { display: block; color: var(--muted); font-size: .78rem; }
.id code { font-size: 1em; }
figure { margin: 1.5rem 0 2rem; page-break-inside: avoid; break-inside: avoid; }
figure img { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .95rem; margin-top: .4rem; }
figcaption b { color: var(--ink); }
.note { color: var(--muted); font-size: .9rem; }
footer { margin-top: 3rem; padding-top: .8rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .85rem; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { page-break-after: avoid; break-after: avoid; }
  figure img { border: none; }
}
"#;

/// The whole page.
pub fn render_html(data: &OutputData, charts: &[Chart]) -> String {
    let m = &data.manifest;
    let name = data.scenario_name();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · crossroads report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&name)
    );
    // Header.
    let _ = writeln!(
        h,
        "<header>\n<p class=\"kicker\">crossroads · scenario report</p>\n<h1>{}</h1>",
        esc(&name)
    );
    if !m.scenario.description.trim().is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"desc\">{}</p>",
            esc(m.scenario.description.trim())
        );
    }
    let n = data.n_runs();
    let _ = writeln!(
        h,
        "<p class=\"note\">{} run{} · seed {} · {} months from {}</p>\n</header>",
        n,
        if n == 1 { "" } else { "s" },
        m.seed,
        m.scenario.horizon,
        esc(&m.scenario.start)
    );
    if m.status != crate::outputs::Status::Complete {
        let _ = writeln!(
            h,
            "<p class=\"warn\"><b>Status: {}.</b> {} of {} runs are in this folder{}; every number \
             below is based on them alone.</p>",
            esc(m.status.as_str()),
            n,
            m.runs,
            m.error
                .as_deref()
                .map(|e| format!(" (error: {})", esc(e)))
                .unwrap_or_default()
        );
    }
    if n > 0 && n < FEW_RUNS {
        let _ = writeln!(
            h,
            "<p class=\"warn\">Only {n} run{} in this folder: the intervals are wide and the \
             charts show little more than single trajectories. Run more for conclusions.</p>",
            if n == 1 { "" } else { "s" }
        );
    }
    findings::key_findings(&mut h, data);
    // Contents.
    h.push_str("<nav><b>Contents</b><ol>\n<li><a href=\"#findings\">Key findings</a></li>\n<li><a href=\"#settings\">Run settings</a></li>\n<li><a href=\"#summary\">Summary of outcomes</a></li>\n");
    if !findings::conditionals(data).is_empty() {
        h.push_str("<li><a href=\"#joint\">Joint and conditional probabilities</a></li>\n");
    }
    for c in charts {
        let _ = writeln!(
            h,
            "<li><a href=\"#chart-{}\">{}</a></li>",
            esc(&c.stem),
            esc(&chart_heading(&c.title, &name))
        );
    }
    if data.series_of("action_pays").next().is_some() {
        h.push_str("<li><a href=\"#levers\">Why a lever is dead</a></li>\n");
    }
    h.push_str("<li><a href=\"#params\">Uncertain parameters</a></li>\n</ol></nav>\n");

    settings(&mut h, data);
    summary(&mut h, data);
    findings::joint_section(&mut h, data);

    charts_section(&mut h, charts, |t| caption_lead(&chart_heading(t, &name)));
    findings::levers_section(&mut h, data);

    params(&mut h, data);

    let _ = writeln!(
        h,
        "<footer>Made by <code>crossroads {}</code> from this output folder's manifest.json, runs.csv, \
         series.csv and summary.json; <code>crossroads plot</code> on the folder rebuilds it. \
         Probabilities are shares of runs with Wilson 95% intervals; likelihood words follow ICD 203 \
         (two terms when the interval spans a boundary).</footer>\n\
         </main>\n</body>\n</html>",
        esc(&m.crossroads_version)
    );
    h
}

/// Fewer runs than this and a page warns that its intervals are wide.
pub(crate) const FEW_RUNS: u64 = 30;

/// The "Charts" section: every chart as an inline PNG in a figure, its caption led by `lead(title)`.
pub(crate) fn charts_section(h: &mut String, charts: &[Chart], lead: impl Fn(&str) -> String) {
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    if charts.is_empty() {
        h.push_str("<p class=\"note\">This folder holds no data to chart.</p>\n");
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    for c in charts {
        let _ = writeln!(
            h,
            "<figure id=\"chart-{stem}\">\n<img src=\"data:image/png;base64,{data}\" width=\"{w}\" \
             height=\"{hh}\" alt=\"{alt}\">\n<figcaption><b>{head}</b> {cap} \
             <span class=\"note\">(charts/{stem}.png, charts/{stem}.svg)</span></figcaption>\n</figure>",
            stem = esc(&c.stem),
            data = b64.encode(&c.png),
            w = c.width,
            hh = c.height,
            alt = esc(&c.title),
            head = esc(&lead(&c.title)),
            cap = esc(&c.caption),
        );
    }
    h.push_str("</section>\n");
}

/// A chart's title without the leading "scenario: ", capitalised.
pub(crate) fn chart_heading(title: &str, name: &str) -> String {
    let t = title
        .strip_prefix(name)
        .and_then(|t| t.strip_prefix(": "))
        .unwrap_or(title);
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The heading as the start of a caption: ends with a full stop unless it has its own punctuation.
pub(crate) fn caption_lead(heading: &str) -> String {
    if heading.ends_with(['?', '!', '.']) {
        heading.to_string()
    } else {
        format!("{heading}.")
    }
}

fn fact(h: &mut String, k: &str, v: &str) {
    let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
}

fn settings(h: &mut String, data: &OutputData) {
    let m = &data.manifest;
    h.push_str("<section id=\"settings\">\n<h2>Run settings</h2>\n<dl class=\"facts\">\n");
    if !m.scenario.path.is_empty() {
        fact(
            h,
            "Scenario file",
            &format!("<code>{}</code>", esc(&m.scenario.path)),
        );
    }
    if !m.scenario.sha256.is_empty() {
        fact(
            h,
            "Scenario SHA-256",
            &format!("<code>{}</code>", esc(&m.scenario.sha256)),
        );
    }
    fact(
        h,
        "Time span",
        &format!(
            "{} months from {}",
            m.scenario.horizon,
            esc(&m.scenario.start)
        ),
    );
    fact(h, "Root seed", &m.seed.to_string());
    let done = m.completed_runs;
    fact(
        h,
        "Runs",
        &format!(
            "{} in this folder (batch of {}){}",
            data.n_runs(),
            m.runs,
            if done != data.n_runs() {
                format!(", manifest says {done} completed")
            } else {
                String::new()
            }
        ),
    );
    fact(
        h,
        "Shard",
        &match &m.shard {
            Some(s) => format!(
                "{} of {} (runs {} to {})",
                s.index + 1,
                s.count,
                s.first_run,
                s.end_run.saturating_sub(1)
            ),
            None => "whole batch (not sharded)".into(),
        },
    );
    if let Some(t) = m.threads {
        fact(h, "Threads", &format!("{t} (results do not depend on it)"));
    }
    fact(h, "Status", &esc(m.status.as_str()));
    fact(
        h,
        "Started",
        &esc(if m.started_at.is_empty() {
            "–"
        } else {
            &m.started_at
        }),
    );
    fact(h, "Finished", &esc(m.finished_at.as_deref().unwrap_or("–")));
    fact(h, "crossroads version", &esc(&m.crossroads_version));
    let sets = if m.sets.is_empty() {
        "none".to_string()
    } else {
        m.sets
            .iter()
            .map(|s| format!("<code>--set {}</code>", esc(s)))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    fact(h, "Overrides", &sets);
    h.push_str("</dl>\n</section>\n");
}

fn prob_row(h: &mut String, p: &Probability, id: &str) {
    let _ = writeln!(
        h,
        "<tr><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}–{}</td><td>{}</td><td class=\"n\">{} of {}</td></tr>",
        esc(&p.label),
        if id.is_empty() || id == p.label {
            String::new()
        } else {
            format!("<span class=\"id\"><code>{}</code></span>", esc(id))
        },
        pct_precise(p.p),
        pct_precise(p.lo),
        pct_precise(p.hi),
        esc(&p.span),
        p.count,
        p.n
    );
}

/// A percentage with one decimal where it matters ("41.2%", "0%", "100%").
fn pct_precise(p: f64) -> String {
    if p <= 0.0 {
        "0%".into()
    } else if p >= 1.0 {
        "100%".into()
    } else if !(0.1..=0.9).contains(&p) {
        format!("{:.1}%", p * 100.0)
    } else {
        pct(p)
    }
}

fn summary(h: &mut String, data: &OutputData) {
    let m = &data.manifest;
    h.push_str("<section id=\"summary\">\n<h2>Summary of outcomes</h2>\n");
    let binary: Vec<_> = m
        .outcomes
        .iter()
        .filter(|o| o.is_binary())
        .filter_map(|o| data.binary(o).map(|p| (o, p)))
        .collect();
    if !binary.is_empty() {
        h.push_str(
            "<h3>Events: how likely</h3>\n<table>\n<thead><tr><th>Outcome</th><th class=\"n\">Probability</th>\
             <th class=\"n\">95% interval</th><th>In words (ICD 203, the interval's terms)</th><th class=\"n\">Runs</th></tr></thead>\n<tbody>\n",
        );
        for (o, p) in &binary {
            prob_row(h, p, &o.id);
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let numeric: Vec<_> = m.outcomes.iter().filter(|o| !o.is_binary()).collect();
    if !numeric.is_empty() {
        h.push_str(
            "<h3>Quantities: how much, how soon</h3>\n<table>\n<thead><tr><th>Outcome</th><th class=\"n\">Median</th>\
             <th class=\"n\">90% of runs between</th><th class=\"n\">Mean</th><th>Units</th><th class=\"n\">Runs without a value</th></tr></thead>\n<tbody>\n",
        );
        for o in numeric {
            let (vals, missing) = data.numeric(&o.id);
            let s = sorted(&vals);
            let sm = data.numeric_summary(&o.id);
            let pick = |f: Option<f64>, q: f64| f.or_else(|| quantile_sorted(&s, q));
            let med = pick(sm.and_then(|x| x.p50), 0.5);
            let p05 = pick(sm.and_then(|x| x.p05), 0.05);
            let p95 = pick(sm.and_then(|x| x.p95), 0.95);
            let mean = sm
                .and_then(|x| x.mean)
                .or_else(|| crate::charts::stats::mean(&s));
            let missing = sm.map_or(missing as u64, |x| x.missing);
            let total = sm.map_or(data.n_runs(), |x| x.n);
            let f = |x: Option<f64>| x.map(num).unwrap_or_else(|| "–".into());
            let _ = writeln!(
                h,
                "<tr><td>{}<span class=\"id\"><code>{}</code></span></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td>{}</td><td class=\"n\">{} of {}</td></tr>",
                esc(o.title()),
                esc(&o.id),
                f(med),
                match (p05, p95) {
                    (Some(a), Some(b)) => format!("{} and {}", num(a), num(b)),
                    _ => "–".into(),
                },
                f(mean),
                esc(&o.units),
                missing,
                total
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let classes = data.classes();
    if !classes.is_empty() {
        h.push_str(
            "<h3>Outcome classes: how the runs end</h3>\n<table>\n<thead><tr><th>Class</th><th class=\"n\">Share of runs</th>\
             <th class=\"n\">95% interval</th><th>In words (ICD 203)</th><th class=\"n\">Runs</th></tr></thead>\n<tbody>\n",
        );
        for p in &classes {
            prob_row(h, p, &p.id);
        }
        h.push_str("</tbody>\n</table>\n");
    }
    if binary.is_empty() && classes.is_empty() && m.outcomes.is_empty() {
        h.push_str("<p class=\"note\">The scenario declares no outcomes.</p>\n");
    }
    h.push_str("</section>\n");
}

fn params(h: &mut String, data: &OutputData) {
    let m = &data.manifest;
    h.push_str("<section id=\"params\">\n<h2>Uncertain parameters</h2>\n");
    if m.uncertain_params.is_empty() {
        h.push_str(
            "<p class=\"note\">None: every run used the same parameter values; runs differ only in \
             their random draws.</p>\n</section>\n",
        );
        return;
    }
    h.push_str(
        "<p class=\"note\">Each run draws its own value of these parameters from the distribution \
         given in the scenario; runs.csv holds the values drawn.</p>\n<table>\n<thead><tr><th>Parameter</th>\
         <th>Distribution</th><th class=\"n\">Drawn: min</th><th class=\"n\">median</th><th class=\"n\">max</th></tr></thead>\n<tbody>\n",
    );
    for p in &m.uncertain_params {
        let vals: Vec<f64> = data
            .runs
            .column(&p.path)
            .map(|c| c.iter().flatten().copied().collect())
            .unwrap_or_default();
        let s = sorted(&vals);
        let f = |x: Option<f64>| x.map(num).unwrap_or_else(|| "–".into());
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&p.path),
            esc(&p.distribution),
            f(s.first().copied()),
            f(quantile_sorted(&s, 0.5)),
            f(s.last().copied())
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(esc("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }
}
