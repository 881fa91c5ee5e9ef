//! Chart 6: actor activity. A heat map of actor × action (rows, grouped by actor) against months
//! (columns); the colour is the mean number of times the action was taken that month across runs
//! (series.csv `actions`, column `mean`), on the viridis scale; the right column gives the total
//! per run over the horizon.

use super::data::{OutputData, Series};
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const PER_PAGE: usize = 22;

pub fn charts(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    let series: Vec<&Series> = data.series_of("actions").collect();
    if series.is_empty() {
        return Ok(Vec::new());
    }
    // Group rows by actor, actors and their actions in file order.
    let mut actors: Vec<String> = Vec::new();
    for s in &series {
        let a = s.entity.split_once('/').map(|x| x.0).unwrap_or(&s.entity);
        if !actors.iter().any(|x| x == a) {
            actors.push(a.to_string());
        }
    }
    let names = data.names();
    let mut rows: Vec<Row> = Vec::new();
    for a in &actors {
        for s in &series {
            let (sa, act) = s.entity.split_once('/').unwrap_or((&s.entity, ""));
            if sa == a {
                let actor = names.of("actor", sa);
                rows.push(Row {
                    first_of_actor: rows.last().is_none_or(|r: &Row| r.actor != actor),
                    actor,
                    action: humanise(act).to_lowercase(),
                    cells: s.points.iter().map(|p| (p.tick, p.mean.max(0.0))).collect(),
                });
            }
        }
    }
    let max_tick = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.0))
        .max()
        .unwrap_or(1)
        .max(1);
    let vmax = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.1))
        .fold(0.0f64, f64::max);
    let name = data.scenario_name();
    let pages = rows.len().div_ceil(PER_PAGE);
    let mut out = Vec::new();
    // Pages of equal size (27 rows: 14 and 13, not 22 and 5 stretched to the chart's height).
    let per_page = rows.len().div_ceil(pages.max(1)).max(1);
    for (i, page) in rows.chunks(per_page).enumerate() {
        let mut page = page.to_vec();
        if let Some(first) = page.first_mut() {
            first.first_of_actor = true;
        }
        let (stem, title) = if pages > 1 {
            (
                format!("actor_activity_{}", i + 1),
                format!("{name}: what the actors did ({} of {pages})", i + 1),
            )
        } else {
            (
                "actor_activity".to_string(),
                format!("{name}: what the actors did"),
            )
        };
        let d = Heat {
            rows: page,
            title: title.clone(),
            footer: data.footer(),
            max_tick,
            vmax,
            start: data.date_of_tick(0),
            dates: (0..=max_tick as i64)
                .map(|t| data.date_of_tick(t))
                .collect(),
        };
        out.push(render(
            stem,
            title,
            "Each row is one action of one actor, each column a month; brighter cells mean the \
             action was taken more often that month (mean over runs); the right column is the total \
             per run.",
            (WIDTH, HEIGHT),
            &d,
        )?);
    }
    Ok(out)
}

#[derive(Clone)]
struct Row {
    actor: String,
    action: String,
    first_of_actor: bool,
    cells: Vec<(u32, f64)>,
}

struct Heat {
    rows: Vec<Row>,
    title: String,
    footer: String,
    max_tick: u32,
    vmax: f64,
    start: String,
    dates: Vec<String>,
}

impl Draw for Heat {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let sub = if self.vmax > 0.0 {
            "Mean number of times each action was taken per month, across runs (brighter = more \
             often). Right: total per run over the horizon."
        } else {
            "No actor took any action in any run: every cell is zero."
        };
        let body = frame(root, &self.title, sub, &self.footer)?;
        let n = self.rows.len().max(1);
        let (bw, _) = body.dim_in_pixel();
        let label_w = (bw as f64 * 0.30) as u32;
        let right_w = 200u32;
        let keys: Vec<f64> = month_ticks(&self.start, self.max_tick, 9)
            .into_iter()
            .map(f64::from)
            .collect();
        let ykeys: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
        let lstyle = text(LABEL_SIZE - 1.0);
        let labels: Vec<String> = self
            .rows
            .iter()
            // Every row names its actor: a reader scanning one row needs no row above it.
            .map(|r| {
                fit(
                    root,
                    &format!("{} · {}", r.actor, r.action),
                    &lstyle,
                    label_w - 14,
                )
            })
            .collect();
        let mut chart = ChartBuilder::on(&body)
            .margin_top(6)
            .margin_right(right_w)
            .x_label_area_size(56)
            .y_label_area_size(label_w)
            .build_cartesian_2d(
                KeyAxis::new(0.5, self.max_tick as f64 + 0.5, keys),
                KeyAxis::new(0.0, n as f64, ykeys),
            )
            .d()?;
        let dates = &self.dates;
        let xfmt = |x: &f64| {
            dates
                .get(x.round() as usize)
                .map(|d| month_label(d))
                .unwrap_or_default()
        };
        let yfmt = |y: &f64| {
            let i = y.floor() as usize;
            if i < n {
                labels.get(n - 1 - i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .x_desc("Month")
            .label_style(lstyle.clone())
            .axis_desc_style(text(DESC_SIZE))
            .axis_style(C_GREY.stroke_width(1))
            .draw()
            .d()?;
        let (vmax, ticks) = nice_scale(self.vmax, 4);
        for (k, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            chart
                .draw_series(r.cells.iter().filter(|c| c.0 >= 1).map(|&(t, v)| {
                    Rectangle::new(
                        [(t as f64 - 0.5, y), (t as f64 + 0.5, y + 1.0)],
                        viridis(v / vmax).filled(),
                    )
                }))
                .d()?;
            if r.first_of_actor && k > 0 {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(0.5, y + 1.0), (self.max_tick as f64 + 0.5, y + 1.0)],
                        WHITE.stroke_width(3),
                    )))
                    .d()?;
            }
            let total: f64 = r.cells.iter().filter(|c| c.0 >= 1).map(|c| c.1).sum();
            let (px, py) = chart.backend_coord(&(self.max_tick as f64 + 0.5, y + 0.5));
            put(
                root,
                &format!("{total:.1}"),
                (px + 60, py),
                &text(LABEL_SIZE - 1.0),
                HPos::Right,
                VPos::Center,
            )?;
        }
        let (px, top) = chart.backend_coord(&(self.max_tick as f64 + 0.5, n as f64));
        put(
            root,
            "total",
            (px + 60, top - 4),
            &bold(LABEL_SIZE - 1.0),
            HPos::Right,
            VPos::Bottom,
        )?;
        // Colour bar.
        let (_, bottom) = chart.backend_coord(&(0.5, 0.0));
        let (bx0, bx1) = (px + 96, px + 116);
        let (by0, by1) = (top + 24, bottom.min(top + 300));
        let steps = (by1 - by0).max(1);
        for i in 0..steps {
            let t = 1.0 - i as f64 / steps as f64;
            root.draw(&Rectangle::new(
                [(bx0, by0 + i), (bx1, by0 + i + 1)],
                viridis(t).filled(),
            ))
            .d()?;
        }
        root.draw(&Rectangle::new(
            [(bx0, by0), (bx1, by1)],
            C_GREY.stroke_width(1),
        ))
        .d()?;
        let cs = text(LABEL_SIZE - 2.0);
        for t in &ticks {
            let y = by1 - ((by1 - by0) as f64 * t / vmax).round() as i32;
            root.draw(&PathElement::new(
                vec![(bx1, y), (bx1 + 4, y)],
                C_GREY.stroke_width(1),
            ))
            .d()?;
            put(root, &num(*t), (bx1 + 7, y), &cs, HPos::Left, VPos::Center)?;
        }
        put(
            root,
            "per month",
            (bx0 - 8, by0 - 14),
            &cs,
            HPos::Left,
            VPos::Bottom,
        )?;
        Ok(())
    }
}
