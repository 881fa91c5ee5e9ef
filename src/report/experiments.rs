//! report.html of an experiment folder (`sweep`, `sensitivity`, `discover`): one self-contained page
//! (no scripts, no network requests; charts inlined as PNG data URIs) with the experiment's settings,
//! its parameters, every chart with a one-line caption, and its table (points, indices or boxes).
//!
//! [`plot_folder`] reads the folder alone ([`crate::charts::experiment_data`]) and writes charts/ and
//! report.html; the commands call it after writing their data files and `crossroads plot` calls it on
//! the folder, so both give the same bytes. The only times on the page are the manifest's.

use super::{CSS, esc};
use crate::charts::experiment_data::{
    self, DiscoverData, DriversData, ExperimentData, SensitivityData, SweepData,
};
use crate::charts::experiments::experiment_charts;
use crate::charts::style::{num, pct};
use crate::charts::{self, Chart, ChartError};
use crate::outputs::Status;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Charts and report.html for the experiment folder `dir`, from its files alone: what the commands
/// and `crossroads plot` call. Returns the chart files and the report's path.
pub fn plot_folder(dir: &Path) -> Result<(Vec<PathBuf>, PathBuf), ChartError> {
    let data = experiment_data::load(dir)?;
    let charts = experiment_charts(&data)?;
    let paths = charts::write_charts(dir, &charts)?;
    let report = dir.join("report.html");
    charts::write_atomic(&report, render_html(&data, &charts).as_bytes())?;
    Ok((paths, report))
}

/// Wide tables scroll sideways instead of widening the page; long parameter paths wrap.
const EXTRA_CSS: &str = ".scroll { overflow-x: auto; }\n.scroll table { width: auto; min-width: 100%; }\n\
td code { overflow-wrap: break-word; }\n\
td .why { font-size: .85rem; color: var(--muted); }\ntr.rec td { background: #fff4ec; }\n";

/// The parts of a page that differ between the kinds of experiment.
struct Page {
    kicker: &'static str,
    /// The scenario's name, which chart titles start with.
    name: String,
    title: String,
    lead: String,
    note: String,
    warn: Option<String>,
    facts: Vec<(&'static str, String)>,
    /// Section after the settings (parameters): heading and HTML.
    params: (&'static str, String),
    /// The table section: heading and HTML.
    table: (&'static str, String),
    /// The files the page was made from, for the footer.
    files: &'static str,
    version: String,
}

/// The whole page.
pub fn render_html(d: &ExperimentData, charts: &[Chart]) -> String {
    let p = match d {
        ExperimentData::Sweep(s) => sweep_page(s),
        ExperimentData::Sensitivity(s) => sensitivity_page(s),
        ExperimentData::Discover(s) => discover_page(s),
        ExperimentData::Drivers(s) => drivers_page(s),
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · crossroads report</title>\n<style>{CSS}{EXTRA_CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&p.title)
    );
    let _ = writeln!(
        h,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>",
        esc(p.kicker),
        esc(&p.title)
    );
    if !p.lead.trim().is_empty() {
        let _ = writeln!(h, "<p class=\"desc\">{}</p>", esc(p.lead.trim()));
    }
    let _ = writeln!(h, "<p class=\"note\">{}</p>\n</header>", esc(&p.note));
    if let Some(w) = &p.warn {
        let _ = writeln!(h, "<p class=\"warn\">{w}</p>");
    }
    h.push_str("<nav><b>Contents</b><ol>\n<li><a href=\"#settings\">Settings</a></li>\n");
    let _ = writeln!(h, "<li><a href=\"#params\">{}</a></li>", esc(p.params.0));
    for c in charts {
        let _ = writeln!(
            h,
            "<li><a href=\"#chart-{}\">{}</a></li>",
            esc(&c.stem),
            esc(&super::chart_heading(&c.title, &p.name))
        );
    }
    let _ = writeln!(
        h,
        "<li><a href=\"#table\">{}</a></li>\n</ol></nav>",
        esc(p.table.0)
    );

    h.push_str("<section id=\"settings\">\n<h2>Settings</h2>\n<dl class=\"facts\">\n");
    for (k, v) in &p.facts {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
    }
    h.push_str("</dl>\n</section>\n");
    let _ = writeln!(
        h,
        "<section id=\"params\">\n<h2>{}</h2>\n{}</section>",
        esc(p.params.0),
        p.params.1
    );

    super::charts_section(&mut h, charts, |t| {
        super::caption_lead(&super::chart_heading(t, &p.name))
    });
    let _ = writeln!(
        h,
        "<section id=\"table\">\n<h2>{}</h2>\n{}</section>",
        esc(p.table.0),
        p.table.1
    );
    let _ = writeln!(
        h,
        "<footer>Made by <code>crossroads {}</code> from this folder's {}; <code>crossroads plot</code> \
         on the folder rebuilds it.</footer>\n</main>\n</body>\n</html>",
        esc(&p.version),
        p.files
    );
    h
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

/// A parameter path as code that may break after its dots and before `[` (not inside a name).
fn path(s: &str) -> String {
    format!(
        "<code>{}</code>",
        esc(s).replace('.', ".<wbr>").replace('[', "<wbr>[")
    )
}

fn sets(sets: &[String]) -> String {
    if sets.is_empty() {
        return "none".into();
    }
    sets.iter()
        .map(|s| code(&format!("--set {s}")))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// The facts every experiment shares, at the end of the list.
fn common_facts(
    f: &mut Vec<(&'static str, String)>,
    status: Status,
    started: &str,
    finished: Option<&str>,
    version: &str,
) {
    f.push(("Status", esc(status.as_str())));
    f.push((
        "Started",
        esc(if started.is_empty() { "–" } else { started }),
    ));
    f.push(("Finished", esc(finished.unwrap_or("–"))));
    f.push(("crossroads version", esc(version)));
}

/// The warning shown for a folder that is not complete.
fn status_warning(
    status: Status,
    done: u64,
    total: u64,
    what: &str,
    error: Option<&str>,
) -> Option<String> {
    let err = error
        .map(|e| format!(" Error: {}.", esc(e.trim_end_matches('.'))))
        .unwrap_or_default();
    match status {
        Status::Complete => None,
        Status::Partial => Some(format!(
            "<b>Status: partial (interrupted).</b> {done} of {total} {what} are in this folder; \
             everything below is based on them alone."
        )),
        Status::Failed => Some(format!(
            "<b>Status: failed.</b> {done} of {total} {what}, those before the failure, are in this \
             folder.{err}"
        )),
        Status::Running => Some(format!(
            "<b>Status: running.</b> The experiment was still running when this page was made, or its \
             process was killed; {done} of {total} {what} are recorded."
        )),
    }
}

fn table_head(h: &mut String, cols: &[(String, bool)]) {
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for (c, n) in cols {
        if *n {
            let _ = write!(h, "<th class=\"n\">{c}</th>");
        } else {
            let _ = write!(h, "<th>{c}</th>");
        }
    }
    h.push_str("</tr></thead>\n<tbody>\n");
}

fn table_row(h: &mut String, cells: &[(String, bool)]) {
    table_row_class(h, "", cells);
}

/// A row with a class (`rec`: the recommended box).
fn table_row_class(h: &mut String, class: &str, cells: &[(String, bool)]) {
    if class.is_empty() {
        h.push_str("<tr>");
    } else {
        let _ = write!(h, "<tr class=\"{class}\">");
    }
    for (c, n) in cells {
        if *n {
            let _ = write!(h, "<td class=\"n\">{c}</td>");
        } else {
            let _ = write!(h, "<td>{c}</td>");
        }
    }
    h.push_str("</tr>\n");
}

const TABLE_END: &str = "</tbody>\n</table></div>\n";

/// `41% (35–47%)`, or `–`.
fn prob_cell(p: f64, lo: f64, hi: f64) -> String {
    if !p.is_finite() {
        return "–".into();
    }
    if lo.is_finite() && hi.is_finite() {
        format!("{} ({}–{})", pct(p), pct(lo), pct(hi))
    } else {
        pct(p)
    }
}

/// `12.3 (8.1–15.0)`, or `–`.
fn range_cell(v: f64, lo: f64, hi: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    if lo.is_finite() && hi.is_finite() {
        format!("{} ({}–{})", num(v), num(lo), num(hi))
    } else {
        num(v)
    }
}

fn label_of(label: &str, id: &str) -> String {
    if label.is_empty() || label == id {
        code(id)
    } else {
        format!(
            "{}<span class=\"id\"><code>{}</code></span>",
            esc(label),
            esc(id)
        )
    }
}

fn design_words(design: &str, samples: usize) -> String {
    match design {
        "grid" => format!("grid: {samples} evenly spaced levels per parameter, every combination"),
        "lhs" => format!("Latin hypercube: {samples} points, one per stratum per parameter"),
        "sobol" => format!("scrambled Sobol sequence: its first {samples} points"),
        d => d.to_string(),
    }
}

fn sweep_page(s: &SweepData) -> Page {
    let m = &s.manifest;
    let mut f = vec![
        ("Scenario file", code(&m.scenario.path)),
        ("Scenario SHA-256", code(&m.scenario.sha256)),
        ("Overrides at every point", sets(&m.sets)),
        (
            "Settings from",
            esc(match m.settings_from.as_str() {
                "scenario" => "the scenario's sweep: block",
                "scenario+flags" => {
                    "the scenario's sweep: block, with command-line flags overriding it"
                }
                "flags" => "command-line flags",
                other => other,
            }),
        ),
        ("Design", esc(&design_words(&m.design, m.samples))),
        (
            "Points",
            format!("{} of {} in points.csv", m.completed_points, m.points),
        ),
        (
            "Runs per point",
            format!(
                "{} (runs 0 to {} of the seed at every point: common random numbers)",
                m.runs_per_point,
                m.runs_per_point.saturating_sub(1)
            ),
        ),
        ("Root seed", m.seed.to_string()),
        (
            "Threads",
            format!("{} (results do not depend on it)", m.threads),
        ),
    ];
    common_facts(
        &mut f,
        m.status,
        &m.started_at,
        m.finished_at.as_deref(),
        &m.crossroads_version,
    );

    let mut params = String::new();
    table_head(
        &mut params,
        &[
            ("Parameter".into(), false),
            ("Low".into(), true),
            ("High".into(), true),
        ],
    );
    for p in &m.params {
        table_row(
            &mut params,
            &[(path(&p.path), false), (num(p.lo), true), (num(p.hi), true)],
        );
    }
    params.push_str(TABLE_END);

    let mut t = String::new();
    let _ = writeln!(
        t,
        "<p class=\"note\">One row per point (points.csv). Binary outcomes: probability over the \
         point's runs with its Wilson 95% interval; numeric outcomes: mean with the 5th to 95th \
         percentile of the runs.</p>"
    );
    let mut cols = vec![("Point".to_string(), true)];
    cols.extend(m.params.iter().map(|p| (path(&p.path), true)));
    cols.extend(m.outcomes.iter().map(|o| (label_of(&o.label, &o.id), true)));
    table_head(&mut t, &cols);
    let col = |name: String| s.table.col(&name);
    let ocols: Vec<[Option<usize>; 3]> = m
        .outcomes
        .iter()
        .map(|o| {
            let c = |x: &str| col(format!("{}.{x}", o.id));
            if o.is_binary() {
                [c("probability"), c("ci_low"), c("ci_high")]
            } else {
                [c("mean"), c("p05"), c("p95")]
            }
        })
        .collect();
    let pcols: Vec<Option<usize>> = m.params.iter().map(|p| col(p.path.clone())).collect();
    let at = |r: &[f64], c: Option<usize>| c.and_then(|c| r.get(c).copied()).unwrap_or(f64::NAN);
    for r in &s.table.rows {
        let mut cells = vec![(num(at(r, col("point".into()))), true)];
        cells.extend(pcols.iter().map(|&c| (num(at(r, c)), true)));
        for (o, c) in m.outcomes.iter().zip(&ocols) {
            let (v, lo, hi) = (at(r, c[0]), at(r, c[1]), at(r, c[2]));
            let cell = if o.is_binary() {
                prob_cell(v, lo, hi)
            } else {
                range_cell(v, lo, hi)
            };
            cells.push((cell, true));
        }
        table_row(&mut t, &cells);
    }
    t.push_str(TABLE_END);

    let lead = if m.description.trim().is_empty() {
        m.scenario.description.clone()
    } else {
        m.description.clone()
    };
    Page {
        kicker: "crossroads · parameter sweep",
        name: m.scenario.name.clone(),
        title: format!("{}: parameter sweep", m.scenario.name),
        lead,
        note: format!(
            "{} points × {} runs · {} design · seed {}",
            m.points, m.runs_per_point, m.design, m.seed
        ),
        warn: status_warning(
            m.status,
            m.completed_points,
            m.points,
            "points",
            m.error.as_deref(),
        ),
        facts: f,
        params: ("Swept parameters", params),
        table: ("Points", t),
        files: "manifest.json and points.csv",
        version: m.crossroads_version.clone(),
    }
}

fn sensitivity_page(s: &SensitivityData) -> Page {
    let m = &s.manifest;
    let morris = s.morris();
    let method = if morris {
        format!(
            "Morris screening: {} trajectories on a 4-level grid (Campolongo et al. 2007), elementary \
             effects on the unit-cube scale",
            m.samples
        )
    } else {
        format!(
            "Sobol indices: {} base samples (Saltelli design), first-order S1 (Saltelli et al. 2010) and \
             total ST (Jansen) with 95% intervals from {} bootstrap resamples",
            m.samples,
            m.bootstrap_resamples.unwrap_or(0)
        )
    };
    let mut f = vec![
        ("Scenario file", code(&m.scenario.path)),
        ("Scenario SHA-256", code(&m.scenario.sha256)),
        ("Overrides", sets(&m.sets)),
        ("Method", esc(&method)),
        (
            "Evaluations",
            format!(
                "{} of {} in samples.csv ({} rows read)",
                m.completed_evaluations, m.evaluations, s.samples
            ),
        ),
        (
            "Runs per evaluation",
            format!(
                "{r} (the evaluations of base point or trajectory b use runs b·{r} to b·{r}+{} of \
                 the seed: common random numbers within a block, so evaluations differ only \
                 through the parameters; new random histories across blocks, so effects through \
                 rare events can show)",
                m.runs_per_point.saturating_sub(1),
                r = m.runs_per_point,
            ),
        ),
        ("Root seed", m.seed.to_string()),
        (
            "Threads",
            format!("{} (results do not depend on it)", m.threads),
        ),
        (
            "Indices",
            if m.indices {
                "sensitivity.csv".into()
            } else {
                esc(m.note.as_deref().unwrap_or("not computed"))
            },
        ),
    ];
    common_facts(
        &mut f,
        m.status,
        &m.started_at,
        m.finished_at.as_deref(),
        &m.crossroads_version,
    );

    let mut params = String::new();
    let _ = writeln!(
        params,
        "<p class=\"note\">The scenario's uncertain parameters: each evaluation sets every one of them \
         to a value of the design (a unit-cube coordinate through the distribution's inverse CDF).</p>"
    );
    params_table(
        &mut params,
        m.params
            .iter()
            .map(|p| (p.path.as_str(), p.distribution.as_str())),
    );

    let mut t = String::new();
    if !m.indices || s.indices.rows.is_empty() {
        let _ = writeln!(
            t,
            "<p class=\"note\">No indices: {}</p>",
            esc(m
                .note
                .as_deref()
                .unwrap_or("sensitivity.csv was not written."))
        );
    } else {
        let cols: Vec<(&str, bool)> = if morris {
            vec![
                ("Outcome", false),
                ("Parameter", false),
                ("mu*", true),
                ("mu", true),
                ("sigma", true),
            ]
        } else {
            vec![
                ("Outcome", false),
                ("Parameter", false),
                ("S1", true),
                ("S1 95% interval", true),
                ("ST", true),
                ("ST 95% interval", true),
                ("Resolved", false),
            ]
        };
        let _ = writeln!(
            t,
            "<p class=\"note\">sensitivity.csv: {}</p>",
            if morris {
                "mu* is the mean absolute elementary effect (larger: more influential), mu the mean \
                 effect, sigma their spread (non-linearity or interactions)."
            } else {
                "S1 is the share of the outcome's variance due to the parameter alone, ST the share \
                 it takes part in, interactions included. An index is resolved when its total \
                 index's interval excludes zero; otherwise the table says why: no pair of \
                 evaluations differing only in the parameter differed (no effect seen in these \
                 runs), the interval reaches zero, or the outcome varied less than its Monte Carlo \
                 noise."
            }
        );
        table_head(
            &mut t,
            &cols.iter().map(|(c, n)| (esc(c), *n)).collect::<Vec<_>>(),
        );
        let ix = &s.indices;
        let c = |n: &str| ix.col(n);
        let at =
            |r: &[f64], c: Option<usize>| c.and_then(|c| r.get(c).copied()).unwrap_or(f64::NAN);
        let label = |id: &str| {
            m.outcomes
                .iter()
                .find(|o| o.id == id)
                .map_or_else(|| code(id), |o| label_of(&o.label, &o.id))
        };
        let mut previous = String::new();
        for (r, txt) in ix.rows.iter().zip(&ix.text) {
            // The outcome once, on the first row of its parameters.
            let id = txt.first().cloned().unwrap_or_default();
            let first = id != previous;
            previous = id.clone();
            let mut cells = vec![
                (if first { label(&id) } else { String::new() }, false),
                (path(txt.get(1).map_or("", String::as_str)), false),
            ];
            if morris {
                for n in ["mu_star", "mu", "sigma"] {
                    cells.push((num(at(r, c(n))), true));
                }
            } else {
                let iv =
                    |lo: &str, hi: &str| format!("{} to {}", num(at(r, c(lo))), num(at(r, c(hi))));
                cells.push((num(at(r, c("S1"))), true));
                cells.push((iv("S1_low", "S1_high"), true));
                cells.push((num(at(r, c("ST"))), true));
                cells.push((iv("ST_low", "ST_high"), true));
                let note = txt.get(2).cloned().unwrap_or_default();
                cells.push((
                    match at(r, c("resolved")) {
                        1.0 => "yes".into(),
                        0.0 => format!("no: <span class=\"why\">{}</span>", esc(&note)),
                        _ => "–".into(),
                    },
                    false,
                ));
            }
            table_row(&mut t, &cells);
        }
        t.push_str(TABLE_END);
    }

    let what = if m.indices {
        ""
    } else {
        " The indices need every evaluation of the design, so sensitivity.csv and the charts were not \
         made."
    };
    Page {
        kicker: "crossroads · global sensitivity analysis",
        name: m.scenario.name.clone(),
        title: format!("{}: what drives the outcomes?", m.scenario.name),
        lead: m.scenario.description.clone(),
        note: format!(
            "{} · {} evaluations × {} runs · seed {}",
            if morris { "Morris" } else { "Sobol" },
            m.evaluations,
            m.runs_per_point,
            m.seed
        ),
        warn: status_warning(
            m.status,
            m.completed_evaluations,
            m.evaluations,
            "evaluations",
            m.error.as_deref(),
        )
        .map(|w| w + what),
        facts: f,
        params: ("Uncertain parameters", params),
        table: ("Indices", t),
        files: "manifest.json, samples.csv and sensitivity.csv",
        version: m.crossroads_version.clone(),
    }
}

/// A p-value for a table: `< 0.001` below it, else three decimals.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

fn discover_page(d: &DiscoverData) -> Page {
    let m = &d.manifest;
    let name = m
        .scenario
        .as_ref()
        .map_or_else(|| m.source.clone(), |s| s.name.clone());
    let what = d.what();
    let share = if m.cases > 0 {
        pct(m.cases_of_interest as f64 / m.cases as f64)
    } else {
        "–".into()
    };
    let mut f = vec![("Source folder", code(&m.source))];
    if let Some(s) = &m.scenario {
        f.push(("Scenario file", code(&s.path)));
        f.push(("Scenario SHA-256", code(&s.sha256)));
    }
    f.push((
        "Cases of interest",
        format!(
            "runs with {}: {} of {} ({share})",
            esc(&what),
            m.cases_of_interest,
            m.cases
        ),
    ));
    f.push((
        "Peeling",
        format!(
            "{} of the box's runs per step; stop before the support falls below {}",
            num(m.peel_alpha),
            num(m.min_support)
        ),
    ));
    f.push(("Boxes", m.boxes.to_string()));
    f.push((
        "Recommended box",
        match d.recommended {
            Some(r) => format!(
                "step {r}: the box of highest density among those keeping at least half of the \
                 cases of interest (coverage ≥ 0.5); its restrictions with a quasi-p-value of 0.05 \
                 or more (Bryant &amp; Lempert 2010) may be dropped (marked in the trajectory). A \
                 rule for a first reading: look at the trade-off chart."
            ),
            None => "– (a folder written before recommendations)".into(),
        },
    ));
    common_facts(
        &mut f,
        m.status,
        &m.started_at,
        m.finished_at.as_deref(),
        &m.crossroads_version,
    );

    let first = d.boxes.first();
    let mut params = String::new();
    table_head(
        &mut params,
        &[
            ("Parameter".into(), false),
            ("Lowest drawn".into(), true),
            ("Highest drawn".into(), true),
        ],
    );
    for (j, p) in m.params.iter().enumerate() {
        let (lo, hi) = first
            .and_then(|b| b.limits.get(j).copied())
            .unwrap_or((f64::NAN, f64::NAN));
        table_row(
            &mut params,
            &[(path(p), false), (num(lo), true), (num(hi), true)],
        );
    }
    params.push_str(TABLE_END);

    let mut t = String::new();
    let _ = writeln!(
        t,
        "<p class=\"note\">boxes.csv: coverage is the share of all cases of interest inside the box, \
         density the share of the box's runs that are cases of interest, support the share of all runs \
         inside. Limits are listed where they differ from the range of the runs (step 0), each with \
         its quasi-p-value (Bryant &amp; Lempert 2010, as EMA Workbench: the one-sided binomial \
         chance that the restriction's gain in density is luck); one of 0.05 or more is flagged, as \
         a restriction that may be dropped (often on a parameter that does not matter). A last row \
         marked pasted is the last peeled box widened again while that raised the density \
         (Friedman &amp; Fisher 1999 §5).</p>"
    );
    table_head(
        &mut t,
        &[
            ("Step".into(), true),
            ("Coverage".into(), true),
            ("Density".into(), true),
            ("Support".into(), true),
            ("Runs".into(), true),
            ("Limits".into(), false),
        ],
    );
    for (i, b) in d.boxes.iter().enumerate() {
        let limits: Vec<String> = m
            .params
            .iter()
            .enumerate()
            .filter_map(|(j, p)| {
                let (lo, hi) = b.limits.get(j).copied()?;
                let (lo0, hi0) = first?.limits.get(j).copied()?;
                let cut_lo = lo != lo0;
                let cut_hi = hi != hi0;
                let cut = match (cut_lo, cut_hi) {
                    (true, true) => format!("{} ≤ {} ≤ {}", num(lo), path(p), num(hi)),
                    (true, false) => format!("{} ≥ {}", path(p), num(lo)),
                    (false, true) => format!("{} ≤ {}", path(p), num(hi)),
                    (false, false) => return None,
                };
                // The restriction's quasi-p-value; 0.05 or more: it may be dropped.
                let qp = d
                    .qps
                    .get(i)
                    .and_then(|q| q.get(j))
                    .copied()
                    .unwrap_or(f64::NAN);
                Some(if !qp.is_finite() {
                    cut
                } else if qp >= crate::experiments::prim::QUASI_P_LEVEL {
                    format!(
                        "{cut} <span class=\"why\">(quasi-p {}: may be dropped)</span>",
                        p_text(qp)
                    )
                } else {
                    format!("{cut} <span class=\"why\">(quasi-p {})</span>", p_text(qp))
                })
            })
            .collect();
        let rec = d.recommended == Some(i);
        table_row_class(
            &mut t,
            if rec { "rec" } else { "" },
            &[
                (
                    match (d.stages.get(i).is_some_and(|s| s == "paste"), rec) {
                        (true, true) => format!("{i} (pasted, recommended)"),
                        (true, false) => format!("{i} (pasted)"),
                        (false, true) => format!("{i} (recommended)"),
                        (false, false) => i.to_string(),
                    },
                    true,
                ),
                (num(b.coverage), true),
                (num(b.density), true),
                (num(b.support), true),
                (b.n.to_string(), true),
                (
                    if limits.is_empty() {
                        "all runs".into()
                    } else {
                        limits.join("<br>")
                    },
                    false,
                ),
            ],
        );
    }
    t.push_str(TABLE_END);

    Page {
        kicker: "crossroads · scenario discovery (PRIM)",
        name: name.clone(),
        title: format!("{name}: where does {what} happen?"),
        lead: format!(
            "Boxes of the uncertain parameters in which the runs with {what} concentrate, found by PRIM \
             peeling (Friedman & Fisher 1999) on the runs of {}.",
            m.source
        ),
        note: format!(
            "{} of {} runs are cases of interest · {} boxes",
            m.cases_of_interest, m.cases, m.boxes
        ),
        warn: status_warning(m.status, m.boxes, m.boxes, "boxes", m.error.as_deref()),
        facts: f,
        params: ("Uncertain parameters", params),
        table: ("Peeling trajectory", t),
        files: "manifest.json and boxes.csv",
        version: m.crossroads_version.clone(),
    }
}

fn drivers_page(d: &DriversData) -> Page {
    let m = &d.manifest;
    let name = m
        .scenario
        .as_ref()
        .map_or_else(|| m.source.clone(), |s| s.name.clone());
    let mut f = vec![("Source folder", code(&m.source))];
    if let Some(s) = &m.scenario {
        f.push(("Scenario file", code(&s.path)));
        f.push(("Scenario SHA-256", code(&s.sha256)));
    }
    f.push((
        "Method",
        format!(
            "given-data PAWN (Pianosi &amp; Wagener 2015; 2018): per parameter, the runs split into \
             {} slices of its range; the index is the median over the slices of the \
             Kolmogorov–Smirnov distance between the outcome in the slice and over all runs \
             (SALib's <code>pawn.analyze</code>)",
            m.slices
        ),
    ));
    f.push((
        "Intervals",
        format!(
            "bootstrap 95% percentile intervals from {} resamples of the runs (seed {})",
            m.bootstrap_resamples, m.seed
        ),
    ));
    f.push((
        "Threshold",
        "a dummy input, uniform random numbers unrelated to the outcome, indexed the same way: a \
         parameter is influential when its interval lies above the dummy's (a slice of a few runs \
         has a KS distance from the whole even for an input with no effect)"
            .into(),
    ));
    f.push((
        "Runs",
        format!(
            "{} of seed {} (no new runs: the folder's runs.csv)",
            m.runs, m.source_seed
        ),
    ));
    common_facts(
        &mut f,
        m.status,
        &m.started_at,
        m.finished_at.as_deref(),
        &m.crossroads_version,
    );
    let mut params = String::new();
    params_table(
        &mut params,
        m.params
            .iter()
            .map(|p| (p.path.as_str(), p.distribution.as_str())),
    );

    let mut t = String::new();
    let _ = writeln!(
        t,
        "<p class=\"note\">drivers.csv, per outcome, parameters by index (largest first); the \
         dummy's row gives the band an index must clear. Runs without a value of the outcome (an \
         event that never happened) are left out of its indices.</p>"
    );
    table_head(
        &mut t,
        &[
            ("Outcome".into(), false),
            ("Parameter".into(), false),
            ("PAWN index (95% interval)".into(), true),
            ("Influential".into(), false),
        ],
    );
    for set in &d.outcomes {
        let label = m
            .outcomes
            .iter()
            .find(|o| o.id == set.outcome)
            .map_or_else(|| code(&set.outcome), |o| label_of(&o.label, &o.id));
        let mut items = set.items.clone();
        items.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (p, v, lo, hi, infl) in &items {
            table_row(
                &mut t,
                &[
                    (label.clone(), false),
                    (path(p), false),
                    (range_cell(*v, *lo, *hi), true),
                    (
                        if !v.is_finite() {
                            "–".into()
                        } else if *infl {
                            "yes".into()
                        } else {
                            "<span class=\"why\">no: within the dummy's band</span>".into()
                        },
                        false,
                    ),
                ],
            );
        }
        if let Some((v, lo, hi)) = set.dummy {
            table_row(
                &mut t,
                &[
                    (label.clone(), false),
                    ("<i>dummy (no effect)</i>".into(), false),
                    (range_cell(v, lo, hi), true),
                    ("–".into(), false),
                ],
            );
        }
    }
    t.push_str(TABLE_END);
    Page {
        kicker: "crossroads · drivers from the runs (given-data sensitivity)",
        name: name.clone(),
        title: format!("{name}: what drives the outcomes? (from the runs)"),
        lead: format!(
            "Which uncertain parameters move each outcome's distribution, estimated from the {} runs \
             already in {} — no new runs, as EMA Workbench's feature scoring on an existing \
             experiment.",
            m.runs, m.source
        ),
        note: format!(
            "PAWN · {} slices · {} bootstrap resamples · {} runs",
            m.slices, m.bootstrap_resamples, m.runs
        ),
        warn: status_warning(m.status, 1, 1, "tables", m.error.as_deref()),
        facts: f,
        params: ("Uncertain parameters", params),
        table: ("Indices", t),
        files: "manifest.json and drivers.csv",
        version: m.crossroads_version.clone(),
    }
}

/// The table of an experiment's uncertain parameters: path and distribution, one row each.
fn params_table<'a>(out: &mut String, params: impl Iterator<Item = (&'a str, &'a str)>) {
    table_head(
        out,
        &[("Parameter".into(), false), ("Distribution".into(), false)],
    );
    for (p, d) in params {
        table_row(out, &[(path(p), false), (code(d), false)]);
    }
    out.push_str(TABLE_END);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_drop_the_scenario_and_end_captions() {
        assert_eq!(
            super::super::chart_heading("tiny: deal against x", "tiny"),
            "Deal against x"
        );
        assert_eq!(super::super::chart_heading("Where: x", "tiny"), "Where: x");
        assert_eq!(
            super::super::caption_lead("What drives deal?"),
            "What drives deal?"
        );
        assert_eq!(super::super::caption_lead("Deal"), "Deal.");
        assert_eq!(prob_cell(0.41, 0.35, 0.47), "41% (35%–47%)");
        assert_eq!(range_cell(f64::NAN, 0.0, 1.0), "–");
    }
}
