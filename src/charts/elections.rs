//! Chart 4: elections. One chart per election (the `vote_share` and `election_won` series the model
//! records for every party of every election; in older folders the manifest's VoteShare and
//! ElectionWinner outcomes): on the left the distribution of each party's vote share across runs as
//! a box plot (box: middle 50%, line: median, whiskers: 5th–95th percentile); on the right each
//! party's probability of winning with its Wilson 95% interval. Same colour per party in both.

use super::data::{OutputData, Probability};
use super::stats::{icd203_words, quantile_sorted, sorted, wilson};
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub fn charts(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    // Elections and their parties, in order: the recorded series (`vote_share`, `election_won`, every
    // party of every election), else the manifest's VoteShare and ElectionWinner outcomes (folders
    // written before the series existed).
    let mut elections: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |e: &str, p: &str| {
        let at = match elections.iter().position(|x| x.0 == e) {
            Some(i) => i,
            None => {
                elections.push((e.to_string(), Vec::new()));
                elections.len() - 1
            }
        };
        if !elections[at].1.iter().any(|x| x == p) {
            elections[at].1.push(p.to_string());
        }
    };
    for s in data.series_of("vote_share") {
        if let Some((e, p)) = s.entity.split_once('/') {
            add(e, p);
        }
    }
    for o in &data.manifest.outcomes {
        if !matches!(o.kind_name(), "VoteShare" | "ElectionWinner") {
            continue;
        }
        if let (Some(e), Some(p)) = (o.kind_field("election"), o.kind_field("party")) {
            add(e, p);
        }
    }
    let name = data.scenario_name();
    let names = data.names();
    let mut out = Vec::new();
    for (e, parties) in elections {
        let mut rows = Vec::new();
        for party in &parties {
            let find = |kind: &str| {
                data.manifest.outcomes.iter().find(|o| {
                    o.kind_name() == kind
                        && o.kind_field("election") == Some(e.as_str())
                        && o.kind_field("party") == Some(party.as_str())
                })
            };
            let last = |ind: &str| {
                data.series
                    .iter()
                    .find(|s| s.indicator == ind && s.entity == format!("{e}/{party}"))
                    .and_then(|s| s.points.last().copied())
            };
            // Vote shares: the series at the horizon (the vote is recorded from its month on), else
            // the VoteShare outcome's values.
            let shares = last("vote_share")
                .map(|p| [p.p05, p.p25, p.p50, p.p75, p.p95])
                .or_else(|| {
                    let v = sorted(&data.numeric(&find("VoteShare")?.id).0);
                    let q = |p: f64| quantile_sorted(&v, p);
                    Some([q(0.05)?, q(0.25)?, q(0.5)?, q(0.75)?, q(0.95)?])
                });
            // Winning: the mean of the 0/1 series over the runs that held the vote, else the outcome.
            let runs = data.n_runs();
            let win = last("election_won")
                .map(|p| {
                    let count = (p.mean * runs as f64).round() as u64;
                    let (pr, lo, hi) = wilson(count, runs);
                    Probability {
                        id: party.clone(),
                        label: party.clone(),
                        count,
                        n: runs,
                        p: pr,
                        lo,
                        hi,
                        words: icd203_words(pr).into(),
                        span: crate::stats::icd203_span(lo, hi),
                    }
                })
                .or_else(|| find("ElectionWinner").and_then(|o| data.binary(o)));
            rows.push(PartyRow {
                label: names.of("actor", party),
                shares,
                win,
            });
        }
        let title = format!("{name}: the {} election", humanise(&e));
        let d = Election {
            rows,
            title: title.clone(),
            footer: data.footer(),
        };
        out.push(render(
            format!("election_{}", sanitize(&e)),
            title,
            "Left: each party's vote share across runs (box: middle half of runs, line inside: \
             median, whiskers: 5th to 95th percentile). Right: the share of runs each party won, \
             with its 95% interval.",
            (WIDTH, HEIGHT),
            &d,
        )?);
    }
    Ok(out)
}

/// A file-name-safe version of an id.
pub fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

struct PartyRow {
    label: String,
    /// p05, p25, p50, p75, p95 of the vote share across runs.
    shares: Option<[f64; 5]>,
    win: Option<Probability>,
}

struct Election {
    rows: Vec<PartyRow>,
    title: String,
    footer: String,
}

impl Draw for Election {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Left: vote share across runs (box: middle 50%, line: median, whiskers: 5th–95th \
             percentile). Right: probability of winning, with Wilson 95% interval.",
            &self.footer,
        )?;
        let (left, right) = body.split_horizontally(body.dim_in_pixel().0 * 55 / 100);
        let n = self.rows.len().max(1);
        let keys: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
        let (lw, _) = left.dim_in_pixel();
        let max_label = (lw.saturating_sub(90) / n as u32).saturating_sub(8);
        let labels: Vec<String> = self
            .rows
            .iter()
            .map(|r| fit(root, &r.label, &text(LABEL_SIZE), max_label))
            .collect();
        let xfmt = |x: &f64| labels.get(x.floor() as usize).cloned().unwrap_or_default();
        let yfmt = |y: &f64| format!("{:.0}%", y * 100.0);

        put(
            &left,
            "Vote share",
            (88, 0),
            &bold(PANEL_TITLE_SIZE),
            HPos::Left,
            VPos::Top,
        )?;
        let mut chart = ChartBuilder::on(&left)
            .margin_top(30)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(KeyAxis::new(0.0, n as f64, keys.clone()), 0f64..1f64)
            .d()?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .y_labels(6)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .y_desc("Share of votes (%)")
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(DESC_SIZE))
            .axis_style(C_GREY.stroke_width(1))
            .draw()
            .d()?;
        for (i, r) in self.rows.iter().enumerate() {
            let c = palette(i);
            let x = i as f64 + 0.5;
            let Some(s) = r.shares else {
                let (px, py) = chart.backend_coord(&(x, 0.5));
                put(
                    root,
                    "no data",
                    (px, py),
                    &muted(LABEL_SIZE),
                    HPos::Center,
                    VPos::Center,
                )?;
                continue;
            };
            let [p05, p25, p50, p75, p95] = s;
            let hw = 0.28;
            let whisker = C_INK.stroke_width(2);
            chart
                .draw_series([
                    PathElement::new(vec![(x, p05), (x, p25)], whisker),
                    PathElement::new(vec![(x, p75), (x, p95)], whisker),
                    PathElement::new(vec![(x - hw / 2.0, p05), (x + hw / 2.0, p05)], whisker),
                    PathElement::new(vec![(x - hw / 2.0, p95), (x + hw / 2.0, p95)], whisker),
                ])
                .d()?;
            chart
                .draw_series([
                    Rectangle::new([(x - hw, p25), (x + hw, p75)], c.mix(0.9).filled()),
                    Rectangle::new([(x - hw, p25), (x + hw, p75)], C_INK.stroke_width(2)),
                ])
                .d()?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x - hw, p50), (x + hw, p50)],
                    WHITE.stroke_width(5),
                )))
                .d()?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x - hw, p50), (x + hw, p50)],
                    C_INK.stroke_width(2),
                )))
                .d()?;
            let (px, py) = chart.backend_coord(&(x + hw, p50));
            put(
                root,
                &pct(p50),
                (px + 6, py),
                &text(LABEL_SIZE - 1.0),
                HPos::Left,
                VPos::Center,
            )?;
        }

        put(
            &right,
            "Probability of winning",
            (88, 0),
            &bold(PANEL_TITLE_SIZE),
            HPos::Left,
            VPos::Top,
        )?;
        let mut chart = ChartBuilder::on(&right)
            .margin_top(30)
            .margin_right(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(KeyAxis::new(0.0, n as f64, keys), 0f64..1f64)
            .d()?;
        let (rw, _) = right.dim_in_pixel();
        let max_label = (rw.saturating_sub(90) / n as u32).saturating_sub(8);
        let rlabels: Vec<String> = self
            .rows
            .iter()
            .map(|r| fit(root, &r.label, &text(LABEL_SIZE), max_label))
            .collect();
        let rxfmt = |x: &f64| rlabels.get(x.floor() as usize).cloned().unwrap_or_default();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .y_labels(6)
            .x_label_formatter(&rxfmt)
            .y_label_formatter(&yfmt)
            .y_desc("Share of runs won (%)")
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(DESC_SIZE))
            .axis_style(C_GREY.stroke_width(1))
            .draw()
            .d()?;
        for (i, r) in self.rows.iter().enumerate() {
            let x = i as f64 + 0.5;
            // No winner outcome for this party: say so rather than draw a zero.
            let Some(p) = r.win.as_ref() else {
                let (px, py) = chart.backend_coord(&(x, 0.5));
                put(
                    root,
                    "not recorded",
                    (px, py),
                    &muted(LABEL_SIZE),
                    HPos::Center,
                    VPos::Center,
                )?;
                continue;
            };
            let (lo, hi) = (p.lo, p.hi);
            let hw = 0.3;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - hw, 0.0), (x + hw, p.p)],
                    palette(i).mix(0.9).filled(),
                )))
                .d()?;
            let whisker = C_INK.stroke_width(2);
            chart
                .draw_series([
                    PathElement::new(vec![(x, lo), (x, hi)], whisker),
                    PathElement::new(vec![(x - 0.08, lo), (x + 0.08, lo)], whisker),
                    PathElement::new(vec![(x - 0.08, hi), (x + 0.08, hi)], whisker),
                ])
                .d()?;
            let (px, py) = chart.backend_coord(&(x, hi));
            put(
                root,
                &pct(p.p),
                (px, py - 6),
                &bold(LABEL_SIZE),
                HPos::Center,
                VPos::Bottom,
            )?;
        }
        Ok(())
    }
}
