//! Chart 2: the distribution of each numeric outcome across runs: a histogram (Freedman–Diaconis
//! bins) with the median and the mean marked, units on the x axis, and the number of runs that had
//! no value. Vote shares are left to the election charts; up to four outcomes per chart.

use super::data::{OutcomeInfo, OutputData};
use super::stats::{histogram, mean, quantile_sorted, sorted};
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const PER_PAGE: usize = 4;

pub fn charts(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    let name = data.scenario_name();
    let outcomes: Vec<&OutcomeInfo> = data
        .manifest
        .outcomes
        .iter()
        .filter(|o| !o.is_binary() && o.kind_name() != "VoteShare")
        .collect();
    let pages = outcomes.len().div_ceil(PER_PAGE);
    let mut out = Vec::new();
    for (i, page) in outcomes.chunks(PER_PAGE).enumerate() {
        let title = if pages > 1 {
            format!(
                "{name}: distribution of numeric outcomes ({} of {pages})",
                i + 1
            )
        } else {
            format!("{name}: distribution of numeric outcomes")
        };
        let panels = page
            .iter()
            .map(|o| {
                let (vals, missing) = data.numeric(&o.id);
                // The median and mean of summary.json: the numbers of the report's table.
                let sm = data.numeric_summary(&o.id);
                let s = sorted(&vals);
                let median = sm.and_then(|x| x.p50).or_else(|| quantile_sorted(&s, 0.5));
                let avg = sm.and_then(|x| x.mean).or_else(|| mean(&s));
                Panel {
                    median,
                    mean: avg,
                    title: o.title().to_string(),
                    units: o.units.clone(),
                    missing_reason: missing_reason(o),
                    vals,
                    missing,
                }
            })
            .collect();
        let d = Page {
            panels,
            title: title.clone(),
            footer: data.footer(),
        };
        out.push(render(
            format!("distributions_{}", i + 1),
            title,
            "Bars count the runs whose value fell in each bin; the solid line marks the median and \
             the dashed line the mean; runs without a value (the event never happened) are counted \
             under each panel's title.",
            (WIDTH, HEIGHT),
            &d,
        )?);
    }
    Ok(out)
}

fn missing_reason(o: &OutcomeInfo) -> &'static str {
    match o.kind_name() {
        "PhaseMonth" => "never reached the phase",
        "ProjectMonth" => "project never operational",
        _ => "no value",
    }
}

struct Panel {
    median: Option<f64>,
    mean: Option<f64>,
    title: String,
    units: String,
    missing_reason: &'static str,
    vals: Vec<f64>,
    missing: usize,
}

struct Page {
    panels: Vec<Panel>,
    title: String,
    footer: String,
}

impl Draw for Page {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Histogram of the value across runs. Solid line: median; dashed line: mean.",
            &self.footer,
        )?;
        let (rows, cols) = match self.panels.len() {
            1 => (1, 1),
            2 => (1, 2),
            _ => (2, 2),
        };
        let areas = body.split_evenly((rows, cols));
        for (p, area) in self.panels.iter().zip(areas.iter()) {
            draw_panel(root, area, p)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    p: &Panel,
) -> Result<(), ChartError> {
    let (w, h) = area.dim_in_pixel();
    let n = p.vals.len() + p.missing;
    let title = fit(
        root,
        &p.title,
        &bold(PANEL_TITLE_SIZE),
        w.saturating_sub(20),
    );
    put(
        area,
        &title,
        (8, 4),
        &bold(PANEL_TITLE_SIZE),
        HPos::Left,
        VPos::Top,
    )?;
    let note = if p.vals.is_empty() {
        String::new()
    } else {
        let med = p.median.unwrap_or(f64::NAN);
        let avg = p.mean.unwrap_or(f64::NAN);
        let mut t = format!("median {} · mean {}", num(med), num(avg));
        if p.missing > 0 {
            t.push_str(&format!(
                " · {} of {} runs had no value ({})",
                p.missing, n, p.missing_reason
            ));
        }
        t
    };
    let note = fit(root, &note, &muted(LABEL_SIZE - 1.0), w.saturating_sub(20));
    put(
        area,
        &note,
        (8, 27),
        &muted(LABEL_SIZE - 1.0),
        HPos::Left,
        VPos::Top,
    )?;
    if p.vals.is_empty() {
        let msg = if n == 0 {
            "No runs in this folder".to_string()
        } else {
            format!(
                "No run had a value: {} of {} runs ({})",
                p.missing, n, p.missing_reason
            )
        };
        area.draw(&Rectangle::new(
            [(8, 52), (w as i32 - 8, h as i32 - 12)],
            C_LIGHT.stroke_width(1),
        ))
        .d()?;
        put(
            area,
            &fit(root, &msg, &text(LABEL_SIZE), w.saturating_sub(40)),
            (w as i32 / 2, (h as i32 + 40) / 2),
            &text(LABEL_SIZE),
            HPos::Center,
            VPos::Center,
        )?;
        return Ok(());
    }
    let bins = histogram(&p.vals);
    let (x0, x1) = match (bins.first(), bins.last()) {
        (Some(a), Some(b)) => (a.0, b.0 + b.1),
        _ => (0.0, 1.0),
    };
    let pad = (x1 - x0) * 0.04;
    let (x0, x1) = (x0 - pad, x1 + pad);
    let ymax = bins.iter().map(|b| b.2).max().unwrap_or(1).max(1) as f64 * 1.12;
    let xdesc = if p.units.trim().is_empty() {
        "value".to_string()
    } else {
        p.units.clone()
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(52)
        .margin_right(18)
        .margin_left(6)
        .x_label_area_size(48)
        .y_label_area_size(62)
        .build_cartesian_2d(x0..x1, 0f64..ymax)
        .d()?;
    let xfmt = |x: &f64| num(*x);
    let yfmt = |y: &f64| {
        if y.fract().abs() < 1e-9 {
            format!("{:.0}", y)
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(C_LIGHT.stroke_width(1))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .x_desc(xdesc)
        .y_desc("runs")
        .label_style(text(LABEL_SIZE - 1.0))
        .axis_desc_style(text(LABEL_SIZE))
        .axis_style(C_GREY.stroke_width(1))
        .draw()
        .d()?;
    chart
        .draw_series(
            bins.iter()
                .map(|&(l, bw, c)| Rectangle::new([(l, 0.0), (l + bw, c as f64)], C_SKY.filled())),
        )
        .d()?;
    chart
        .draw_series(bins.iter().filter(|b| b.2 > 0).map(|&(l, bw, c)| {
            Rectangle::new([(l, 0.0), (l + bw, c as f64)], WHITE.stroke_width(1))
        }))
        .d()?;
    let med = p.median.unwrap_or(x0);
    let avg = p.mean.unwrap_or(x0);
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(med, 0.0), (med, ymax)],
            C_INK.stroke_width(3),
        )))
        .d()?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(avg, 0.0), (avg, ymax)],
            9,
            6,
            C_VERMILLION.stroke_width(3),
        ))
        .d()?;
    Ok(())
}
