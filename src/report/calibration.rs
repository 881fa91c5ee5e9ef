//! report.html of a calibration folder (`crossroads calibrate`) or a score folder
//! (`crossroads score`): one self-contained page (charts inlined as PNG data URIs, no scripts) with
//! the settings, how the data moved each parameter, the generations, the model against each
//! observation, the charts; for a score folder the scores and their summary.
//!
//! [`plot_folder`] reads the folder alone ([`crate::charts::calibration`]) and writes charts/ and
//! report.html: what the commands call after writing their files and what `crossroads plot` calls,
//! so both give the same bytes.

use super::{CSS, esc};
use crate::charts::calibration::{CalibrationData, ScoreData, calibration_charts, score_charts};
use crate::charts::style::num;
use crate::charts::{self, Chart, ChartError};
use crate::outputs::Status;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Charts and report.html of a calibration or score folder (by its manifest's `kind`).
pub fn plot_folder(dir: &Path) -> Result<(Vec<PathBuf>, PathBuf), ChartError> {
    let kind = crate::outputs::read::manifest(dir)?.kind();
    let (charts, html) = if kind == crate::outputs::FolderKind::Score {
        let d = ScoreData::load(dir)?;
        let c = score_charts(&d)?;
        let h = score_html(&d, &c);
        (c, h)
    } else {
        let d = CalibrationData::load(dir)?;
        let c = calibration_charts(&d)?;
        let h = calibration_html(&d, &c);
        (c, h)
    };
    let paths = charts::write_charts(dir, &charts)?;
    let report = dir.join("report.html");
    charts::write_atomic(&report, html.as_bytes())?;
    Ok((paths, report))
}

const EXTRA_CSS: &str =
    ".scroll { overflow-x: auto; }\n.scroll table { width: auto; min-width: 100%; }\n";

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

fn opt(x: Option<f64>) -> String {
    x.map_or("–".into(), num)
}

fn head(h: &mut String, title: &str, kicker: &str, lead: &str, note: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · crossroads report</title>\n<style>{CSS}{EXTRA_CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    );
    let _ = writeln!(
        h,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>",
        esc(kicker),
        esc(title)
    );
    if !lead.trim().is_empty() {
        let _ = writeln!(h, "<p class=\"desc\">{}</p>", esc(lead.trim()));
    }
    let _ = writeln!(h, "<p class=\"note\">{}</p>\n</header>", esc(note));
}

fn table(h: &mut String, cols: &[&str], rows: &[Vec<String>]) {
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for c in cols {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        h.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if i == 0 {
                let _ = write!(h, "<td>{c}</td>");
            } else {
                let _ = write!(h, "<td class=\"n\">{c}</td>");
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
}

fn facts(h: &mut String, f: &[(&str, String)]) {
    h.push_str("<section id=\"settings\">\n<h2>Settings</h2>\n<dl class=\"facts\">\n");
    for (k, v) in f {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
    }
    h.push_str("</dl>\n</section>\n");
}

fn foot(h: &mut String, version: &str, files: &str) {
    let _ = writeln!(
        h,
        "<footer>Made by <code>crossroads {}</code> from this folder's {files}; <code>crossroads plot</code> \
         on the folder rebuilds it.</footer>\n</main>\n</body>\n</html>",
        esc(version)
    );
}

/// The calibration page.
pub fn calibration_html(d: &CalibrationData, charts: &[Chart]) -> String {
    let m = &d.manifest;
    let mut h = String::new();
    let title = format!(
        "{}: calibration to observations up to {}",
        m.scenario.name, m.until
    );
    head(
        &mut h,
        &title,
        "crossroads · calibration (ABC-SMC)",
        &m.scenario.description,
        "Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; weights of \
         Beaumont et al. 2009; adaptive tolerance of Del Moral et al. 2012): the scenario's uncertain \
         parameters, their distributions as priors, weighed by how close the model's runs come to the \
         observations, each observation in units of its measurement error.",
    );
    let warn = match m.status {
        Status::Complete => None,
        Status::Partial => Some(format!(
            "<b>Status: partial (interrupted).</b> {} finished generations are in this folder; the \
             posterior is the last of them.",
            m.generations_completed
        )),
        Status::Failed => Some(format!(
            "<b>Status: failed.</b> {}",
            esc(m.error.as_deref().unwrap_or(""))
        )),
        Status::Running => Some(
            "<b>Status: running.</b> The calibration was still running when this page was made, or \
             its process was killed."
                .into(),
        ),
    };
    if let Some(w) = warn {
        let _ = writeln!(h, "<p class=\"warn\">{w}</p>");
    }
    let s = d.summary.as_ref();
    let stop = s.map_or("–".into(), |s| esc(&s.stop_detail));
    facts(
        &mut h,
        &[
            ("Scenario file", code(&m.scenario.path)),
            ("Scenario SHA-256", code(&m.scenario.sha256)),
            (
                "Overrides",
                if m.sets.is_empty() {
                    "none".into()
                } else {
                    m.sets
                        .iter()
                        .map(|x| code(&format!("--set {x}")))
                        .collect::<Vec<_>>()
                        .join("<br>")
                },
            ),
            (
                "Observations",
                format!(
                    "{} dated up to {} (each particle simulated {} months)",
                    m.observations.len(),
                    esc(&m.until),
                    m.simulated_months
                ),
            ),
            ("Particles", format!("{} per generation", m.particles)),
            (
                "Generations",
                format!(
                    "{} finished (at most {}; the posterior is the last)",
                    m.generations_completed, m.max_generations
                ),
            ),
            ("Stopped because", stop),
            (
                "Tolerance rule",
                format!(
                    "the next ε keeps {} of the effective sample size (the median distance for equal weights)",
                    crate::charts::style::pct(m.ess_fraction)
                ),
            ),
            (
                "Minimum acceptance",
                if m.min_acceptance > 0.0 {
                    crate::charts::style::pct(m.min_acceptance)
                } else {
                    "none".into()
                },
            ),
            ("Simulations run", m.simulations_run.to_string()),
            ("Root seed", m.seed.to_string()),
            (
                "Threads",
                format!("{} (results do not depend on it)", m.threads),
            ),
            ("Status", esc(m.status.as_str())),
            ("Started", esc(&m.started_at)),
            ("Finished", esc(m.finished_at.as_deref().unwrap_or("–"))),
            ("crossroads version", esc(&m.crossroads_version)),
        ],
    );

    h.push_str("<section id=\"params\">\n<h2>How the data moved each parameter</h2>\n");
    h.push_str(
        "<p class=\"note\">Prior: generation 0's draws. Posterior: the last generation, weighted. \
         sd ratio: posterior sd over prior sd (1: the data said nothing about it; small: pinned down). \
         Shift: posterior mean minus prior mean, in prior sds.</p>\n",
    );
    if let Some(s) = s {
        let rows: Vec<Vec<String>> = s
            .params
            .iter()
            .map(|p| {
                vec![
                    code(&p.path),
                    esc(&p.distribution),
                    format!("{} ({})", opt(p.prior.mean), opt(p.prior.sd)),
                    format!("{} ({})", opt(p.posterior.mean), opt(p.posterior.sd)),
                    format!("{} – {}", opt(p.posterior.q05), opt(p.posterior.q95)),
                    opt(p.sd_ratio),
                    opt(p.shift),
                ]
            })
            .collect();
        table(
            &mut h,
            &[
                "Parameter",
                "Prior",
                "Prior mean (sd)",
                "Posterior mean (sd)",
                "Posterior 90%",
                "sd ratio",
                "Shift",
            ],
            &rows,
        );
    } else {
        h.push_str("<p class=\"note\">No generation finished.</p>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section id=\"observations\">\n<h2>The model against each observation</h2>\n");
    h.push_str(
        "<p class=\"note\">The model's value (before measurement error) across the prior and the \
         posterior particles: median with the 5th–95th percentile. z: (posterior median − observed) / \
         measurement sd.</p>\n",
    );
    let rows: Vec<Vec<String>> = m
        .observations
        .iter()
        .enumerate()
        .map(|(j, o)| {
            let os = s.and_then(|s| s.observations.get(j));
            let sp = |x: Option<&crate::outputs::calibration::Spread>| {
                x.map_or("–".into(), |x| {
                    format!("{} ({} – {})", opt(x.q50), opt(x.q05), opt(x.q95))
                })
            };
            let measured = match (o.lo, o.hi, o.n) {
                (Some(a), Some(b), _) => format!("in [{}, {}]", num(a), num(b)),
                (_, _, Some(n)) => format!(
                    "{} of n = {} (deff {})",
                    num(o.observed),
                    num(n),
                    num(o.design_effect.unwrap_or(1.0))
                ),
                _ => format!("{} ± {}", num(o.observed), num(o.sd)),
            };
            vec![
                format!(
                    "{}<span class=\"id\">{}</span>",
                    code(&o.id),
                    esc(&o.source)
                ),
                esc(&o.month),
                format!("{} {}", code(&o.indicator), code(&o.entity)),
                measured,
                sp(os.map(|x| &x.prior_predictive)),
                sp(os.map(|x| &x.posterior_predictive)),
                opt(os.and_then(|x| x.z)),
            ]
        })
        .collect();
    table(
        &mut h,
        &[
            "Observation",
            "Month",
            "Series",
            "Observed",
            "Prior predictive",
            "Posterior predictive",
            "z",
        ],
        &rows,
    );
    h.push_str("</section>\n");

    h.push_str("<section id=\"generations\">\n<h2>Generations</h2>\n");
    let rows: Vec<Vec<String>> = d
        .generations
        .iter()
        .map(|g| {
            vec![
                g.generation.to_string(),
                g.tolerance.map_or("∞".into(), num),
                g.simulations.to_string(),
                crate::charts::style::pct(g.acceptance_rate),
                num(g.ess),
            ]
        })
        .collect();
    table(
        &mut h,
        &[
            "Generation",
            "Tolerance ε",
            "Simulations",
            "Acceptance",
            "ESS",
        ],
        &rows,
    );
    h.push_str("</section>\n");
    super::charts_section(&mut h, charts, |t| {
        super::caption_lead(&super::chart_heading(t, &m.scenario.name))
    });
    foot(
        &mut h,
        &m.crossroads_version,
        "manifest.json, calibration.json, prior.csv, posterior.csv, predictive.csv and generations.csv",
    );
    h
}

/// The score page.
pub fn score_html(d: &ScoreData, charts: &[Chart]) -> String {
    let m = &d.manifest;
    let mut h = String::new();
    let title = format!("{}: forecast scores", m.scenario.name);
    head(
        &mut h,
        &title,
        "crossroads · forecast verification",
        &m.scenario.description,
        "Proper scores of the run folder's forecasts against what was observed (smaller is better): \
         Brier and logarithmic scores for events, the continuous ranked probability score (CRPS) for \
         quantities, with the probability integral transform (PIT) and whether the observation fell in \
         the forecast's central 50% and 90% ranges.",
    );
    facts(
        &mut h,
        &[
            ("Forecast", code(&m.forecast)),
            ("Scenario", code(&m.scenario.path)),
            ("Runs", format!("{} (seed {})", m.runs, m.seed)),
            ("Observations", code(&m.observations_file)),
            (
                "Scored",
                format!(
                    "{} observations dated after {} ({} binary, {} numeric)",
                    m.scored,
                    esc(m.after.as_deref().unwrap_or("the start")),
                    m.binary,
                    m.numeric
                ),
            ),
            ("crossroads version", esc(&m.crossroads_version)),
        ],
    );
    let mean = |f: &dyn Fn(&crate::outputs::calibration::ScoreRow) -> Option<f64>| {
        let v: Vec<f64> = d.rows.iter().filter_map(f).collect();
        if v.is_empty() {
            None
        } else {
            Some(v.iter().sum::<f64>() / v.len() as f64)
        }
    };
    let share = |f: &dyn Fn(&crate::outputs::calibration::ScoreRow) -> Option<bool>| {
        let v: Vec<bool> = d.rows.iter().filter_map(f).collect();
        if v.is_empty() {
            "–".into()
        } else {
            format!(
                "{} of {} ({})",
                v.iter().filter(|b| **b).count(),
                v.len(),
                crate::charts::style::pct(v.iter().filter(|b| **b).count() as f64 / v.len() as f64)
            )
        }
    };
    h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"facts\">\n");
    for (k, v) in [
        ("Mean Brier score", opt(mean(&|r| r.brier))),
        ("Mean log score", opt(mean(&|r| r.log_score))),
        (
            "Mean CRPS (in each quantity's units)",
            opt(mean(&|r| r.crps)),
        ),
        ("In the 50% range (expected 50%)", share(&|r| r.in_50)),
        ("In the 90% range (expected 90%)", share(&|r| r.in_90)),
    ] {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
    }
    h.push_str("</dl>\n</section>\n");
    h.push_str("<section id=\"table\">\n<h2>Scores</h2>\n");
    let rows: Vec<Vec<String>> = d
        .rows
        .iter()
        .map(|r| {
            vec![
                format!(
                    "{}<span class=\"id\">{}</span>",
                    code(&r.observation),
                    esc(&r.source)
                ),
                esc(&r.month),
                format!("{} {}", code(&r.indicator), code(&r.entity)),
                num(r.observed),
                if r.kind == "binary" {
                    crate::charts::style::pct(r.forecast)
                } else {
                    format!("{} ({} – {})", opt(r.p50), opt(r.p05), opt(r.p95))
                },
                opt(r.brier),
                opt(r.log_score),
                opt(r.crps),
                opt(r.pit),
                r.in_90
                    .map_or("–".into(), |b| if b { "yes" } else { "no" }.into()),
            ]
        })
        .collect();
    table(
        &mut h,
        &[
            "Observation",
            "Month",
            "Series",
            "Observed",
            "Forecast",
            "Brier",
            "Log",
            "CRPS",
            "PIT",
            "In 90%",
        ],
        &rows,
    );
    h.push_str("</section>\n");
    super::charts_section(&mut h, charts, |t| {
        super::caption_lead(&super::chart_heading(t, &m.scenario.name))
    });
    foot(&mut h, &m.crossroads_version, "manifest.json and score.csv");
    h
}
