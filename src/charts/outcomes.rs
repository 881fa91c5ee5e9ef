//! Chart 1: probability of each binary outcome (sorted) and shares of the outcome classes, as
//! horizontal bars on a zero-based 0–100% axis with Wilson 95% intervals and ICD 203 words.

use super::data::{OutputData, Probability};
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Bars per chart before a second page starts.
const PER_PAGE: usize = 14;

pub fn charts(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    let name = data.scenario_name();
    // Election winners have their own chart; every other binary outcome is here.
    let mut probs: Vec<Probability> = data
        .manifest
        .outcomes
        .iter()
        .filter(|o| o.is_binary() && o.kind_name() != "ElectionWinner")
        .filter_map(|o| data.binary(o))
        .collect();
    // Most likely first; ties keep the scenario's order (the sort is stable).
    probs.sort_by(|a, b| b.p.total_cmp(&a.p));
    let pages = probs.len().div_ceil(PER_PAGE);
    for (i, page) in probs.chunks(PER_PAGE).enumerate() {
        let (stem, title) = if pages > 1 {
            (
                format!("outcome_probabilities_{}", i + 1),
                format!("{name}: how likely is each outcome? ({} of {pages})", i + 1),
            )
        } else {
            (
                "outcome_probabilities".to_string(),
                format!("{name}: how likely is each outcome?"),
            )
        };
        let bars = Bars {
            items: page.to_vec(),
            title: title.clone(),
            subtitle:
                "Share of runs in which the outcome happened, most likely first. Whiskers and \
                       brackets: Wilson 95% interval. Words: the ICD 203 terms the interval covers."
                    .into(),
            footer: data.footer(),
            axis: "Probability (% of runs)".into(),
        };
        out.push(render(
            stem,
            title,
            "Each bar is the share of runs in which the outcome happened; the whisker is the 95% \
             interval from the finite number of runs, and the words are the ICD 203 terms that \
             interval covers (two when it straddles a boundary).",
            (WIDTH, HEIGHT),
            &bars,
        )?);
    }
    let classes = data.classes();
    if !classes.is_empty() {
        let title = format!("{name}: how do the runs end?");
        let bars = Bars {
            items: classes.into_iter().take(PER_PAGE * 2).collect(),
            title: title.clone(),
            subtitle: "Share of runs in each outcome class (classes are checked in scenario \
                       order; each run counts once). Whiskers: Wilson 95% interval."
                .into(),
            footer: data.footer(),
            axis: "Share of runs (%)".into(),
        };
        out.push(render(
            "outcome_classes",
            title,
            "Each run belongs to the first outcome class whose rules it meets; bars are the shares \
             of runs per class (they add up to 100%), whiskers the 95% intervals.",
            (WIDTH, HEIGHT),
            &bars,
        )?);
    }
    Ok(out)
}

/// Horizontal probability bars with intervals and words.
pub struct Bars {
    pub items: Vec<Probability>,
    pub title: String,
    pub subtitle: String,
    pub footer: String,
    pub axis: String,
}

impl Draw for Bars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        draw_prob_bars(root, &body, &self.items, &self.axis, C_BLUE)
    }
}

/// Draws the bars of `items` (top to bottom in the given order) into `body`; labels on the left,
/// "estimate (interval) words" on the right. `root` is the full canvas (absolute coordinates).
pub fn draw_prob_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
    items: &[Probability],
    axis: &str,
    colour: RGBColor,
) -> Result<(), ChartError> {
    let n = items.len().max(1);
    let (bw, _) = body.dim_in_pixel();
    let label_w = (bw as f64 * 0.33) as u32;
    let right_w = 250u32;
    let lstyle = text(LABEL_SIZE);
    let labels: Vec<String> = items
        .iter()
        .map(|p| fit(root, &p.label, &lstyle, label_w - 16))
        .collect();
    let key_points: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
    let mut chart = ChartBuilder::on(body)
        .margin_right(right_w)
        .margin_top(8)
        .x_label_area_size(56)
        .y_label_area_size(label_w)
        .build_cartesian_2d(0f64..100f64, KeyAxis::new(0.0, n as f64, key_points))
        .d()?;
    let label_of = |y: &f64| -> String {
        let i = y.floor() as usize;
        if i < n && i < labels.len() {
            labels[n - 1 - i].clone()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(C_LIGHT.stroke_width(1))
        .x_labels(11)
        .x_label_formatter(&|x| format!("{:.0}%", x))
        .y_label_formatter(&label_of)
        .x_desc(axis)
        .label_style(text(LABEL_SIZE))
        .axis_desc_style(text(DESC_SIZE))
        .axis_style(C_GREY.stroke_width(1))
        .draw()
        .d()?;
    let wstyle = text(LABEL_SIZE);
    let nstyle = muted(LABEL_SIZE - 1.0);
    // Bars at most ~44 px thick, however few there are.
    let (_, py) = chart.plotting_area().get_pixel_range();
    let row_px = (py.end - py.start).max(1) as f64 / n as f64;
    let half = (22.0 / row_px).min(0.28);
    for (k, p) in items.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let (pc, lo, hi) = (p.p * 100.0, p.lo * 100.0, p.hi * 100.0);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + 0.5 - half), (pc, y + 0.5 + half)],
                colour.mix(0.85).filled(),
            )))
            .d()?;
        let whisker = C_INK.stroke_width(2);
        chart
            .draw_series([
                PathElement::new(vec![(lo, y + 0.5), (hi, y + 0.5)], whisker),
                PathElement::new(
                    vec![(lo, y + 0.5 - half / 2.0), (lo, y + 0.5 + half / 2.0)],
                    whisker,
                ),
                PathElement::new(
                    vec![(hi, y + 0.5 - half / 2.0), (hi, y + 0.5 + half / 2.0)],
                    whisker,
                ),
            ])
            .d()?;
        let (px, py) = chart.backend_coord(&(100.0, y + 0.5));
        // The estimate with its interval, then the ICD 203 terms the interval covers ("roughly even
        // chance to likely" when it straddles a boundary), shortened only if the margin is too narrow.
        let left = format!(
            "{} ({}–{})",
            pct(p.p),
            pct(p.lo).trim_end_matches('%'),
            pct(p.hi)
        );
        // Two lines when the rows are tall enough, else one.
        let two = row_px >= 34.0;
        put(
            root,
            &left,
            (px + 14, if two { py - 9 } else { py }),
            &wstyle,
            HPos::Left,
            VPos::Center,
        )?;
        let w = if two {
            -8
        } else {
            text_width(root, &left, &wstyle) as i32
        };
        let room = (right_w as i32 - w - 30).max(0) as u32;
        let words = fit(root, &p.span, &nstyle, room);
        put(
            root,
            &words,
            (px + 22 + w, if two { py + 10 } else { py }),
            &nstyle,
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}
