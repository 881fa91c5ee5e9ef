//! compare's overlaid fan charts (`overlay_<indicator>`, `overlay_<indicator>_N` beyond 9 panels):
//! for each key indicator of the fan charts ([`super::fans::KEY_INDICATORS`]), one panel per entity
//! every scenario records; in each panel every scenario in its colour ([`scenario_colour`]: the
//! reference ink, the others Okabe–Ito) with its median line, its middle 50% as a translucent band and
//! its middle 90% as thin lines, a legend naming the scenarios (the reference first). Scenarios are
//! aligned on the calendar (their `date` column) when every date is `YYYY-MM`, else on the tick.

use super::comparison::{CompareData, month_date};
use super::data::{Series, SeriesPoint};
use super::fans::{
    KEY_INDICATORS, capitalise, entity_word, panel_grid, panel_month_keys, put_panel_title,
    time_panel, y_range,
};
use super::forest::scenario_colour;
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const PER_PAGE: usize = 9;

/// Height of the legend row above the panels, in pixels.
const LEGEND_H: u32 = 34;

/// One scenario in one panel: its index in the comparison, its x offset in months and its series.
type Trace<'a> = (usize, i64, &'a Series);

pub fn charts(data: &CompareData) -> Result<Vec<Chart>, ChartError> {
    let present: Vec<usize> = (0..data.series.len())
        .filter(|&k| !data.series[k].series.is_empty())
        .collect();
    let Some(&first) = present.first() else {
        return Ok(Vec::new());
    };
    // Calendar alignment when every scenario's dates are months, else tick 0 on tick 0.
    let starts: Option<Vec<i64>> = present.iter().map(|&k| data.series[k].start).collect();
    let origin = starts.as_ref().and_then(|s| s.iter().min().copied());
    let offset = |k: usize| -> i64 {
        match (data.series[k].start, origin, &starts) {
            (Some(s), Some(o), Some(_)) => s - o,
            _ => 0,
        }
    };
    let legend: Vec<(String, RGBColor)> = present
        .iter()
        .map(|&k| {
            let name = &data.series[k].name;
            let label = if k == 0 {
                format!("{name} (reference)")
            } else {
                name.clone()
            };
            (label, scenario_colour(k))
        })
        .collect();
    let footer = data.footer();
    let mut out = Vec::new();
    for (ind, what, units, unit_range) in KEY_INDICATORS {
        let panels: Vec<(String, Vec<Trace>)> = data.series[first]
            .series
            .iter()
            .filter(|s| s.indicator == ind && !s.points.is_empty())
            .filter_map(|s| {
                let traces: Option<Vec<Trace>> = present
                    .iter()
                    .map(|&k| {
                        data.series[k]
                            .get(ind, &s.entity)
                            .map(|x| (k, offset(k), x))
                    })
                    .collect();
                traces.map(|t| {
                    (
                        super::names::Names(&data.manifest.labels).entity(ind, &s.entity),
                        t,
                    )
                })
            })
            .collect();
        if panels.is_empty() {
            continue;
        }
        let max_x = panels
            .iter()
            .flat_map(|(_, t)| t.iter())
            .flat_map(|(_, off, s)| s.points.iter().map(move |p| off + p.tick as i64))
            .max()
            .unwrap_or(1)
            .max(1);
        let dates: Vec<String> = (0..=max_x)
            .map(|x| match origin {
                Some(o) => month_date(o + x),
                None => format!("month {x}"),
            })
            .collect();
        let pages = panels.len().div_ceil(PER_PAGE);
        for (i, page) in panels.chunks(PER_PAGE).enumerate() {
            let (stem, title) = if pages > 1 {
                (
                    format!("overlay_{ind}_{}", i + 1),
                    format!(
                        "{} over time, by scenario ({} of {pages})",
                        capitalise(what),
                        i + 1
                    ),
                )
            } else {
                (
                    format!("overlay_{ind}"),
                    format!("{} over time, by scenario", capitalise(what)),
                )
            };
            let d = Overlay {
                panels: page,
                legend: &legend,
                title: title.clone(),
                subtitle: format!(
                    "{} by month, across runs, one colour per scenario. Line: median; band: middle \
                     50% of runs; thin lines: middle 90%. The reference's median is the wide pale line \
                     under the others. Each panel has its own y axis.",
                    capitalise(units)
                ),
                footer: footer.clone(),
                units: units.to_string(),
                unit_range,
                max_x: max_x as u32,
                start: origin.map(month_date).unwrap_or_default(),
                dates: &dates,
            };
            out.push(render(
                stem,
                title,
                format!(
                    "One panel per {} that every scenario records; each colour is one scenario (the \
                     reference in black): its line is the median run month by month, its band holds \
                     the middle half of its runs and its thin lines nine in ten. These are the \
                     scenarios' spreads, not paired differences (see the table).",
                    entity_word(ind)
                ),
                (WIDTH, HEIGHT),
                &d,
            )?);
        }
    }
    Ok(out)
}

struct Overlay<'a> {
    panels: &'a [(String, Vec<Trace<'a>>)],
    legend: &'a [(String, RGBColor)],
    title: String,
    subtitle: String,
    footer: String,
    units: String,
    /// Whether the indicator lives in [0, 1] (each panel's axis is fitted to its own traces).
    unit_range: bool,
    max_x: u32,
    /// `YYYY-MM` of x = 0 (empty when the series are aligned on ticks).
    start: String,
    dates: &'a [String],
}

impl Overlay<'_> {
    /// The legend in one row across the top of `area`: a band swatch crossed by the line, then the name.
    fn legend<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (w, _) = area.dim_in_pixel();
        let style = text(LABEL_SIZE);
        let n = self.legend.len().max(1) as u32;
        let slot = (w / n).min(w.saturating_sub(8));
        let mut x = 66i32;
        for (k, (name, colour)) in self.legend.iter().enumerate() {
            let y = (LEGEND_H / 2) as i32 - 2;
            area.draw(&Rectangle::new(
                [(x, y - 8), (x + 30, y + 8)],
                colour.mix(0.25).filled(),
            ))
            .d()?;
            // The reference's median as drawn: wide and pale.
            let line = if k == 0 && name.ends_with("(reference)") {
                colour.mix(0.35).stroke_width(7)
            } else {
                colour.stroke_width(3)
            };
            area.draw(&PathElement::new(vec![(x, y), (x + 30, y)], line))
                .d()?;
            let label = fit(area, name, &style, slot.saturating_sub(60));
            put(area, &label, (x + 38, y), &style, HPos::Left, VPos::Center)?;
            x += 38 + text_width(area, &label, &style) as i32 + 28;
        }
        Ok(())
    }
}

impl Draw for Overlay<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        self.legend(&body)?;
        let grid = body.margin(LEGEND_H, 0, 0, 0);
        let (areas, cols) = panel_grid(&grid, self.panels.len());
        let keys = panel_month_keys(&self.start, self.max_x, cols);
        for (k, ((title, traces), area)) in self.panels.iter().zip(areas.iter()).enumerate() {
            put_panel_title(root, area, title)?;
            let mut chart = time_panel(
                area,
                k % cols == 0,
                (self.max_x as f64, &keys, self.dates),
                y_range(
                    &traces.iter().map(|t| t.2).collect::<Vec<&Series>>(),
                    self.unit_range,
                ),
                &self.units,
            )?;
            let xy = |off: i64, tick: u32, y: f64| ((off + tick as i64) as f64, y);
            for &(sc, off, s) in traces {
                let mut band: Vec<(f64, f64)> =
                    s.points.iter().map(|p| xy(off, p.tick, p.p75)).collect();
                band.extend(s.points.iter().rev().map(|p| xy(off, p.tick, p.p25)));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band,
                        scenario_colour(sc).mix(0.22).filled(),
                    )))
                    .d()?;
            }
            for &(sc, off, s) in traces {
                let thin = scenario_colour(sc).mix(0.7).stroke_width(1);
                let qs: [fn(&SeriesPoint) -> f64; 2] = [|p| p.p05, |p| p.p95];
                for q in qs {
                    chart
                        .draw_series(LineSeries::new(
                            s.points.iter().map(|p| xy(off, p.tick, q(p))),
                            thin,
                        ))
                        .d()?;
                }
            }
            // Medians last: the reference first, wide and pale, then each variant on top of it, so
            // a variant that follows the reference still shows (the reference's pale edges show
            // around it).
            for &(sc, off, s) in traces {
                let style = if sc == 0 {
                    scenario_colour(sc).mix(0.35).stroke_width(7)
                } else {
                    scenario_colour(sc).stroke_width(3)
                };
                chart
                    .draw_series(LineSeries::new(
                        s.points.iter().map(|p| xy(off, p.tick, p.p50)),
                        style,
                    ))
                    .d()?;
            }
        }
        Ok(())
    }
}
