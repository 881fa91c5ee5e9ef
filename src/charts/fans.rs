//! Chart 3: fan charts of key indicators over time (series.csv): per entity, the median across runs
//! as a line, the middle 50% (p25–p75) as a dark band and the middle 90% (p05–p95) as a light band,
//! dates on the x axis; small multiples (up to 9 panels per chart), each with its own y axis fitted to
//! its runs (a 0.3 Mt/yr route next to a 9 Mt/yr one, or an opinion moving within 0.40–0.45, would
//! be flat on a shared or fixed 0–1 axis). A panel that is zero in every run at every month (a power
//! with no presence in a country) is left out and named in the subtitle.

use super::data::{OutputData, Series};
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const PER_PAGE: usize = 9;

/// The indicators charted, with what they are and their units (y axis), and whether they live in
/// [0, 1] (then the y axis is fixed to 0–1). Also the indicators of compare's overlays
/// ([`super::overlay`]).
pub const KEY_INDICATORS: [(&str, &str, &str, bool); 7] = [
    (
        "opinion",
        "mean citizen opinion",
        "mean opinion (0–1)",
        true,
    ),
    (
        "influence",
        "influence of each power",
        "influence (0–1)",
        true,
    ),
    (
        "investor_confidence",
        "investor confidence",
        "confidence (0–1)",
        true,
    ),
    (
        "project_progress",
        "construction progress of projects",
        "share built (0–1)",
        true,
    ),
    (
        "route_volume",
        "volume on trade routes",
        "Mt per year",
        false,
    ),
    ("tension", "regional tension", "tension (0–1)", true),
    (
        "budget_use",
        "share of each actor's monthly budget spent",
        "share of budget spent (0–1)",
        true,
    ),
];

/// Whether a series is zero in every run at every month.
pub fn all_zero(s: &Series) -> bool {
    s.points.iter().all(|p| {
        [p.mean, p.p05, p.p25, p.p50, p.p75, p.p95]
            .iter()
            .all(|&v| v == 0.0)
    })
}

pub fn charts(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    let name = data.scenario_name();
    let names = data.names();
    let mut out = Vec::new();
    for (ind, what, units, unit_range) in KEY_INDICATORS {
        // A monthly flow (budget spent) has nothing at tick 0, before the first month: drawn from
        // month 1.
        let flow: Vec<Series> = data
            .series_of(ind)
            .map(|s| {
                let mut s = s.clone();
                if FLOWS.contains(&ind) {
                    s.points.retain(|p| p.tick >= 1);
                }
                s
            })
            .collect();
        let series: Vec<&Series> = flow.iter().filter(|s| !s.points.is_empty()).collect();
        if series.is_empty() {
            continue;
        }
        let (series, zero): (Vec<&Series>, Vec<&Series>) =
            series.into_iter().partition(|s| !all_zero(s));
        let omitted = if zero.is_empty() {
            String::new()
        } else {
            format!(
                " Not shown, zero in every run: {}.",
                zero.iter()
                    .map(|s| names.entity(ind, &s.entity))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if series.is_empty() {
            continue;
        }
        let pages = series.len().div_ceil(PER_PAGE);
        let max_tick = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.tick))
            .max()
            .unwrap_or(1)
            .max(1);
        for (i, page) in series.chunks(PER_PAGE).enumerate() {
            let (stem, title) = if pages > 1 {
                (
                    format!("fan_{ind}_{}", i + 1),
                    format!("{name}: {what} over time ({} of {pages})", i + 1),
                )
            } else {
                (format!("fan_{ind}"), format!("{name}: {what} over time"))
            };
            let panels = page
                .iter()
                .map(|s| {
                    (
                        names.entity(ind, &s.entity),
                        *s,
                        y_range(std::slice::from_ref(s), unit_range),
                    )
                })
                .collect();
            let d = Fans {
                panels,
                title: title.clone(),
                subtitle: format!(
                    "{} by month, across runs. Line: median; dark band: middle 50% of runs; light \
                     band: middle 90%. Each panel has its own y axis.{omitted}",
                    capitalise(units)
                ),
                footer: data.footer(),
                units: units.to_string(),
                max_tick,
                start: data.date_of_tick(0),
                dates: (0..=max_tick as i64)
                    .map(|t| data.date_of_tick(t))
                    .collect(),
            };
            out.push(render(
                stem,
                title,
                format!(
                    "One panel per {}: the line is the median run month by month, the dark band \
                     holds the middle half of the runs and the light band nine in ten; a wide fan \
                     means the runs disagree.",
                    entity_word(ind)
                ),
                (WIDTH, HEIGHT),
                &d,
            )?);
        }
    }
    Ok(out)
}

/// The panel grid of a small-multiples chart with `n` panels (at most 3 × 3): the panel areas and
/// the number of columns.
pub fn panel_grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: usize,
) -> (Vec<DrawingArea<DB, Shift>>, usize) {
    let (rows, cols) = match n {
        1 => (1, 1),
        2 => (1, 2),
        3 => (1, 3),
        4 => (2, 2),
        5 | 6 => (2, 3),
        _ => (3, 3),
    };
    (area.split_evenly((rows, cols)), cols)
}

/// Month ticks of a panel's time axis (fewer labels the more columns share the width).
pub fn panel_month_keys(start: &str, max_tick: u32, cols: usize) -> Vec<f64> {
    let max_labels = match cols {
        1 => 9,
        2 => 6,
        _ => 4,
    };
    month_ticks(start, max_tick, max_labels)
        .into_iter()
        .map(f64::from)
        .collect()
}

/// One panel's axes for a series over months: tick keys on `x` (months since the start, labelled
/// from `dates`), `y` over `lo..hi` with `units` on the first column's axis; the mesh is drawn.
pub fn time_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    first_col: bool,
    (max_x, keys, dates): (f64, &[f64], &[String]),
    (lo, hi): (f64, f64),
    units: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<KeyAxis, RangedCoordf64>>, ChartError> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(26)
        .margin_right(34)
        .margin_bottom(4)
        .x_label_area_size(30)
        .y_label_area_size(if first_col { 66 } else { 50 });
    let mut chart = builder
        .build_cartesian_2d(KeyAxis::new(0.0, max_x, keys.to_vec()), lo..hi)
        .d()?;
    let xfmt = |x: &f64| {
        dates
            .get(x.round().max(0.0) as usize)
            .map(|d| month_label(d))
            .unwrap_or_default()
    };
    let yfmt = |y: &f64| num(*y);
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0))
        .bold_line_style(C_LIGHT.stroke_width(1))
        .y_labels(5)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(text(LABEL_SIZE - 2.0))
        .axis_desc_style(text(LABEL_SIZE - 1.0))
        .axis_style(C_GREY.stroke_width(1));
    if first_col {
        mesh.y_desc(units);
    }
    mesh.draw().d()?;
    Ok(chart)
}

/// A panel's bold title at its top left, shortened to fit.
pub fn put_panel_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<(), ChartError> {
    let (w, _) = area.dim_in_pixel();
    let t = fit(root, title, &bold(PANEL_TITLE_SIZE), w.saturating_sub(70));
    put(
        area,
        &t,
        (66, 2),
        &bold(PANEL_TITLE_SIZE),
        HPos::Left,
        VPos::Top,
    )
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn entity_word(ind: &str) -> &'static str {
    match ind {
        "opinion" => "country and opinion dimension",
        "influence" => "power and country",
        "investor_confidence" => "country",
        "project_progress" => "project",
        "route_volume" => "route",
        "budget_use" => "actor",
        _ => "region",
    }
}

/// The y range of panels showing `series`: for a quantity in [0, 1] (`unit_range`), the data's
/// range padded, at least [`MIN_UNIT_SPAN`] wide, within [0, 1]; otherwise zero-based for
/// non-negative data (volumes, counts), padded above.
pub fn y_range(series: &[&Series], unit_range: bool) -> (f64, f64) {
    let pts = series.iter().flat_map(|s| s.points.iter());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in pts {
        lo = lo.min(p.p05.min(p.p50));
        hi = hi.max(p.p95.max(p.p50));
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if unit_range && lo >= 0.0 && hi <= 1.0 {
        let span = (hi - lo).max(MIN_UNIT_SPAN);
        let pad = span * 0.08;
        let mid = (lo + hi) / 2.0;
        let (a, b) = (mid - span / 2.0 - pad, mid + span / 2.0 + pad);
        // Shift into [0, 1] rather than cut the padding off.
        let (a, b) = if a < 0.0 {
            (0.0, (b - a).min(1.0))
        } else if b > 1.0 {
            ((a - (b - 1.0)).max(0.0), 1.0)
        } else {
            (a, b)
        };
        return (a, b);
    }
    if lo >= 0.0 {
        lo = 0.0; // volumes and counts: zero-based
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.06;
    (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
}

/// Indicators that measure what happened during a month (no value before the first).
const FLOWS: [&str; 1] = ["budget_use"];

/// The narrowest y span of a [0, 1] panel: a wobble of 0.01 is not drawn across the whole height.
pub const MIN_UNIT_SPAN: f64 = 0.1;

struct Fans<'a> {
    panels: Vec<(String, &'a Series, (f64, f64))>,
    title: String,
    subtitle: String,
    footer: String,
    units: String,
    max_tick: u32,
    start: String,
    dates: Vec<String>,
}

impl Draw for Fans<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        let (areas, cols) = panel_grid(&body, self.panels.len());
        let keys = panel_month_keys(&self.start, self.max_tick, cols);
        for (k, ((title, s, range), area)) in self.panels.iter().zip(areas.iter()).enumerate() {
            put_panel_title(root, area, title)?;
            let mut chart = time_panel(
                area,
                k % cols == 0,
                (self.max_tick as f64, &keys, &self.dates),
                *range,
                &self.units,
            )?;
            let band = |lo: fn(&super::data::SeriesPoint) -> f64,
                        hi: fn(&super::data::SeriesPoint) -> f64| {
                let mut pts: Vec<(f64, f64)> =
                    s.points.iter().map(|p| (p.tick as f64, hi(p))).collect();
                pts.extend(s.points.iter().rev().map(|p| (p.tick as f64, lo(p))));
                pts
            };
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band(|p| p.p05, |p| p.p95),
                    C_BLUE.mix(0.18).filled(),
                )))
                .d()?;
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band(|p| p.p25, |p| p.p75),
                    C_BLUE.mix(0.40).filled(),
                )))
                .d()?;
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().map(|p| (p.tick as f64, p.p50)),
                    RGBColor(0, 70, 120).stroke_width(3),
                ))
                .d()?;
        }
        Ok(())
    }
}
