//! Chart 5: timing. For each PhaseMonth / ProjectMonth outcome, the share of ALL runs in which the
//! event had happened by each month (a cumulative step curve). Runs in which it never happened keep
//! the curve below 100%: the gap at the horizon is labelled "never by the horizon".

use super::data::{OutcomeInfo, OutputData};
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Curves per chart (beyond this, lines become hard to tell apart).
const MAX_CURVES: usize = 6;

pub fn charts(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    let outcomes: Vec<&OutcomeInfo> = data
        .manifest
        .outcomes
        .iter()
        .filter(|o| matches!(o.kind_name(), "PhaseMonth" | "ProjectMonth"))
        .collect();
    if outcomes.is_empty() {
        return Ok(Vec::new());
    }
    let name = data.scenario_name();
    let horizon = data.manifest.scenario.horizon.max(1);
    let mut out = Vec::new();
    let pages = outcomes.len().div_ceil(MAX_CURVES);
    for (i, page) in outcomes.chunks(MAX_CURVES).enumerate() {
        let curves = page
            .iter()
            .map(|o| {
                let (vals, missing) = data.numeric(&o.id);
                let n = vals.len() + missing;
                let steps = (0..=horizon)
                    .map(|m| {
                        let k = vals.iter().filter(|&&v| v <= m as f64).count();
                        (m as f64, if n > 0 { k as f64 / n as f64 } else { 0.0 })
                    })
                    .collect::<Vec<_>>();
                let never = if n > 0 {
                    missing as f64 / n as f64
                } else {
                    1.0
                };
                Curve {
                    label: o.title().to_string(),
                    steps,
                    never,
                }
            })
            .collect();
        let (stem, title) = if pages > 1 {
            (
                format!("timing_{}", i + 1),
                format!("{name}: when does it happen? ({} of {pages})", i + 1),
            )
        } else {
            (
                "timing".to_string(),
                format!("{name}: when does it happen?"),
            )
        };
        let d = Timing {
            curves,
            title: title.clone(),
            footer: data.footer(),
            start: data.date_of_tick(0),
            horizon,
            dates: (0..=horizon as i64).map(|t| data.date_of_tick(t)).collect(),
        };
        out.push(render(
            stem,
            title,
            "Each curve is the share of all runs in which the event had happened by that month; the \
             gap left at the right edge is the share of runs in which it never happened within the \
             horizon.",
            (WIDTH, HEIGHT),
            &d,
        )?);
    }
    Ok(out)
}

struct Curve {
    label: String,
    steps: Vec<(f64, f64)>,
    never: f64,
}

struct Timing {
    curves: Vec<Curve>,
    title: String,
    footer: String,
    start: String,
    horizon: u32,
    dates: Vec<String>,
}

/// Dash pattern per curve (solid, dashed, dotted, ...) so curves differ in greyscale too.
fn dash(i: usize) -> Option<(u32, u32)> {
    match i % 3 {
        0 => None,
        1 => Some((12, 7)),
        _ => Some((3, 6)),
    }
}

impl Draw for Timing {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Cumulative share of all runs in which the event had happened by each month. Runs in \
             which it never happened are counted: curves need not reach 100%.",
            &self.footer,
        )?;
        let (bw, _) = body.dim_in_pixel();
        let keys: Vec<f64> = month_ticks(&self.start, self.horizon, 8)
            .into_iter()
            .map(f64::from)
            .collect();
        let legend_w = 330u32.min(bw / 3);
        let mut chart = ChartBuilder::on(&body)
            .margin_top(8)
            .margin_right(legend_w)
            .x_label_area_size(56)
            .y_label_area_size(80)
            .build_cartesian_2d(KeyAxis::new(0.0, self.horizon as f64, keys), 0f64..1.0f64)
            .d()?;
        let dates = &self.dates;
        let xfmt = |x: &f64| {
            let t = x.round() as usize;
            dates.get(t).map(|d| month_label(d)).unwrap_or_default()
        };
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .y_labels(6)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .x_desc("Month")
            .y_desc("Share of all runs (%)")
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(DESC_SIZE))
            .axis_style(C_GREY.stroke_width(1))
            .draw()
            .d()?;
        let lstyle = text(LABEL_SIZE);
        let nstyle = muted(LABEL_SIZE - 1.0);
        // Legend entries on the right, in curve order, placed near each curve's end but never
        // overlapping: sorted by end height, then pushed apart.
        let mut ends: Vec<(usize, i32)> = self
            .curves
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let last = c.steps.last().map(|s| s.1).unwrap_or(0.0);
                (i, chart.backend_coord(&(self.horizon as f64, last)).1)
            })
            .collect();
        ends.sort_by_key(|e| (e.1, e.0));
        let gap = 46;
        for k in 1..ends.len() {
            if ends[k].1 < ends[k - 1].1 + gap {
                ends[k].1 = ends[k - 1].1 + gap;
            }
        }
        let (_, plot_y) = chart.plotting_area().get_pixel_range();
        if let Some(last) = ends.last()
            && last.1 > plot_y.end - 20
        {
            let shift = last.1 - (plot_y.end - 20);
            for e in &mut ends {
                e.1 -= shift;
            }
        }
        for (i, c) in self.curves.iter().enumerate() {
            let colour = palette(i);
            // Step curve: horizontal to the next month, then vertical.
            let mut pts = Vec::with_capacity(c.steps.len() * 2);
            for (k, &(x, y)) in c.steps.iter().enumerate() {
                if k > 0 {
                    pts.push((x, c.steps[k - 1].1));
                }
                pts.push((x, y));
            }
            let st = colour.stroke_width(3);
            match dash(i) {
                None => {
                    chart.draw_series(LineSeries::new(pts, st)).d()?;
                }
                Some((a, b)) => {
                    chart
                        .draw_series(DashedLineSeries::new(pts, a, b, st))
                        .d()?;
                }
            }
            let (px, py_end) = chart.backend_coord(&(
                self.horizon as f64,
                c.steps.last().map(|s| s.1).unwrap_or(0.0),
            ));
            let ly = ends
                .iter()
                .find(|e| e.0 == i)
                .map(|e| e.1)
                .unwrap_or(py_end);
            let lx = px + 18;
            root.draw(&PathElement::new(
                vec![(px + 2, py_end), (lx - 4, ly)],
                colour.stroke_width(1),
            ))
            .d()?;
            let max = legend_w.saturating_sub(30);
            let label = fit(root, &c.label, &lstyle, max);
            put(
                root,
                &label,
                (lx, ly - 10),
                &lstyle.color(&colour),
                HPos::Left,
                VPos::Center,
            )?;
            let reached = c.steps.last().map(|s| s.1).unwrap_or(0.0);
            let note = format!("{} by the horizon · never: {}", pct(reached), pct(c.never));
            let note = fit(root, &note, &nstyle, max);
            put(
                root,
                &note,
                (lx, ly + 10),
                &nstyle,
                HPos::Left,
                VPos::Center,
            )?;
        }
        Ok(())
    }
}
