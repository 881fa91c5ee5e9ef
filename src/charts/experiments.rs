//! Charts of the experiment commands: sweep response curves and heat maps (`sweep`), tornado charts
//! of sensitivity indices (`sensitivity`), and the PRIM peeling trade-off (`discover`), drawn from an
//! experiment folder read by [`super::experiment_data`] ([`experiment_charts`]).

use super::experiment_data::ExperimentData;
use super::style::*;
use super::{Chart, ChartError, Draw, render};
use crate::experiments::prim::PrimBox;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One sweep point: parameter values and, per outcome, (estimate, low, high).
#[derive(Debug, Clone)]
pub struct SweepPoint {
    pub x: Vec<f64>,
    pub y: Vec<(f64, f64, f64)>,
}

/// A file-name-safe stem part.
pub fn safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn range(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = v
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// A labelled group of response points `(x, estimate, low, high)`.
type Group = (String, Vec<(f64, f64, f64, f64)>);

struct Response {
    title: String,
    subtitle: String,
    footer: String,
    xdesc: String,
    ydesc: String,
    /// `(label, points (x, estimate, low, high))`: one group without a label, or one per level of
    /// the other swept parameter of a grid (labelled with its value), drawn as coloured lines.
    groups: Vec<Group>,
    /// With groups: the other swept parameter, named once at the start of the legend.
    group_by: String,
    binary: bool,
}

/// Height of the legend row above a grouped response chart.
const RESPONSE_LEGEND_H: u32 = 30;

impl Draw for Response {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        let grouped = self.groups.len() > 1;
        let plot = if grouped {
            let style = text(LABEL_SIZE);
            let mut x = 90i32;
            let y = (RESPONSE_LEGEND_H / 2) as i32;
            let head = format!("{}:", self.group_by);
            put(&body, &head, (x, y), &style, HPos::Left, VPos::Center)?;
            x += text_width(&body, &head, &style) as i32 + 18;
            for (k, (label, _)) in self.groups.iter().enumerate() {
                let colour = palette(k);
                body.draw(&PathElement::new(
                    vec![(x, y), (x + 26, y)],
                    colour.stroke_width(3),
                ))
                .d()?;
                body.draw(&Circle::new((x + 13, y), 5, colour.filled()))
                    .d()?;
                put(&body, label, (x + 34, y), &style, HPos::Left, VPos::Center)?;
                x += 34 + text_width(&body, label, &style) as i32 + 26;
            }
            body.margin(RESPONSE_LEGEND_H, 0, 0, 0)
        } else {
            body.clone()
        };
        let all = || self.groups.iter().flat_map(|g| g.1.iter());
        let (x0, x1) = range(all().map(|p| p.0));
        let (y0, y1) = if self.binary {
            (0.0, 1.0)
        } else {
            range(all().flat_map(|p| [p.2, p.3]))
        };
        let mut c = ChartBuilder::on(&plot)
            .margin(8)
            .x_label_area_size(56)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)
            .d()?;
        c.configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .x_desc(self.xdesc.as_str())
            .y_desc(self.ydesc.as_str())
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(DESC_SIZE))
            .draw()
            .d()?;
        let n = self.groups.len();
        for (k, (_, pts)) in self.groups.iter().enumerate() {
            let colour = if grouped { palette(k) } else { C_BLUE };
            // Groups side by side at each x (dodged by 1% of the axis) so whiskers do not overlap.
            let dodge = (k as f64 - (n as f64 - 1.0) / 2.0) * 0.01 * (x1 - x0);
            let mut line: Vec<(f64, f64)> = pts
                .iter()
                .filter(|p| p.1.is_finite())
                .map(|p| (p.0 + dodge, p.1))
                .collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            if grouped && line.len() > 1 {
                c.draw_series(std::iter::once(PathElement::new(
                    line,
                    colour.stroke_width(2),
                )))
                .d()?;
            }
            for &(x, y, lo, hi) in pts {
                if lo.is_finite() && hi.is_finite() {
                    let whisker = if grouped {
                        colour.mix(0.6)
                    } else {
                        C_GREY.mix(1.0)
                    };
                    c.draw_series(std::iter::once(PathElement::new(
                        vec![(x + dodge, lo), (x + dodge, hi)],
                        whisker.stroke_width(2),
                    )))
                    .d()?;
                }
                if y.is_finite() {
                    c.draw_series(std::iter::once(Circle::new(
                        (x + dodge, y),
                        5,
                        colour.filled(),
                    )))
                    .d()?;
                }
            }
        }
        Ok(())
    }
}

struct Heat {
    title: String,
    footer: String,
    xdesc: String,
    ydesc: String,
    pts: Vec<(f64, f64, f64)>,
}

/// Sorted distinct finite values.
fn distinct(v: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = v.filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Cell edges around sorted distinct centres: midpoints between neighbours, and half the nearest gap
/// beyond the ends (±0.5 around a single value).
fn edges(c: &[f64]) -> Vec<f64> {
    if c.len() < 2 {
        let x = c.first().copied().unwrap_or(0.0);
        return vec![x - 0.5, x + 0.5];
    }
    let mut e = Vec::with_capacity(c.len() + 1);
    e.push(c[0] - (c[1] - c[0]) / 2.0);
    for w in c.windows(2) {
        e.push((w[0] + w[1]) / 2.0);
    }
    let n = c.len();
    e.push(c[n - 1] + (c[n - 1] - c[n - 2]) / 2.0);
    e
}

impl Heat {
    /// The points form a full grid: every (x, y) pair of the distinct values exactly once.
    fn grid(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        let xs = distinct(self.pts.iter().map(|p| p.0));
        let ys = distinct(self.pts.iter().map(|p| p.1));
        Self::is_grid(self.pts.iter().map(|p| (p.0, p.1))).then_some((xs, ys))
    }

    /// Whether the `(x, y)` pairs are a full grid: every pair of the distinct values exactly once.
    fn is_grid(pairs: impl Iterator<Item = (f64, f64)>) -> bool {
        let mut pairs: Vec<(f64, f64)> = pairs.collect();
        let n = pairs.len();
        let xs = distinct(pairs.iter().map(|p| p.0)).len();
        let ys = distinct(pairs.iter().map(|p| p.1)).len();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        pairs.dedup();
        xs * ys == n && pairs.len() == n
    }
}

impl Draw for Heat {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let grid = self.grid();
        let body = frame(
            root,
            &self.title,
            if grid.is_some() {
                "Colour and label: probability at each sweep point (viridis, dark 0% to yellow 100%); \
                 each cell is one point of the grid."
            } else {
                "Colour and label: probability at each sweep point (viridis, dark 0% to yellow 100%)."
            },
            &self.footer,
        )?;
        let ((x0, x1), (y0, y1)) = match &grid {
            Some((xs, ys)) => {
                let (ex, ey) = (edges(xs), edges(ys));
                ((ex[0], ex[ex.len() - 1]), (ey[0], ey[ey.len() - 1]))
            }
            None => (
                range(self.pts.iter().map(|p| p.0)),
                range(self.pts.iter().map(|p| p.1)),
            ),
        };
        let mut c = ChartBuilder::on(&body)
            .margin(8)
            .x_label_area_size(56)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)
            .d()?;
        c.configure_mesh()
            .disable_mesh()
            .x_desc(self.xdesc.as_str())
            .y_desc(self.ydesc.as_str())
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(DESC_SIZE))
            .draw()
            .d()?;
        let label = |p: f64| format!("{:.0}%", 100.0 * p);
        let ink = |p: f64| if p < 0.55 { WHITE } else { C_INK };
        for &(x, y, p) in &self.pts {
            if !p.is_finite() {
                continue;
            }
            if let Some((xs, ys)) = &grid {
                let (ex, ey) = (edges(xs), edges(ys));
                let i = xs.partition_point(|v| *v < x);
                let j = ys.partition_point(|v| *v < y);
                c.draw_series(std::iter::once(Rectangle::new(
                    [(ex[i], ey[j]), (ex[i + 1], ey[j + 1])],
                    viridis(p).filled(),
                )))
                .d()?;
            } else {
                c.draw_series(std::iter::once(Circle::new(
                    (x, y),
                    18,
                    viridis(p).filled(),
                )))
                .d()?;
            }
            let colour = ink(p);
            let style = text(LABEL_SIZE)
                .color(&colour)
                .pos(Pos::new(HPos::Center, VPos::Center));
            c.draw_series(std::iter::once(Text::new(label(p), (x, y), style)))
                .d()?;
        }
        Ok(())
    }
}

/// The points of a response chart against parameter `j` for outcome `o`: with two swept parameters
/// on a full grid of at most 7 levels of the other one, one group per level of it (so the lines show
/// the interaction); otherwise one group.
fn response_groups(params: &[String], points: &[SweepPoint], j: usize, o: usize) -> Vec<Group> {
    let pt = |s: &SweepPoint| (s.x[j], s.y[o].0, s.y[o].1, s.y[o].2);
    if params.len() == 2 {
        let other = 1 - j;
        let levels = distinct(points.iter().map(|s| s.x[other]));
        let here = distinct(points.iter().map(|s| s.x[j]));
        let grid = Heat::is_grid(points.iter().map(|s| (s.x[0], s.x[1])));
        if grid && levels.len() > 1 && levels.len() <= PALETTE.len() && here.len() > 1 {
            return levels
                .iter()
                .map(|&v| {
                    (
                        num(v),
                        points.iter().filter(|s| s.x[other] == v).map(pt).collect(),
                    )
                })
                .collect();
        }
    }
    vec![(String::new(), points.iter().map(pt).collect())]
}

/// `sweep_<outcome>_<param>` per outcome and parameter; `sweep_heatmap_<outcome>` per binary
/// outcome when two parameters were swept.
pub fn sweep_charts(
    name: &str,
    footer: &str,
    params: &[String],
    outcomes: &[(String, bool)],
    points: &[SweepPoint],
) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    for (o, (id, binary)) in outcomes.iter().enumerate() {
        for (j, p) in params.iter().enumerate() {
            let title = format!("{name}: {} against {p}", humanise(id));
            let r = Response {
                title: title.clone(),
                subtitle: if *binary {
                    "Probability at each point; whiskers: Wilson 95% interval.".into()
                } else {
                    "Mean at each point; whiskers: 5th to 95th percentile of the runs.".into()
                },
                footer: footer.to_string(),
                xdesc: p.clone(),
                ydesc: if *binary {
                    "probability".into()
                } else {
                    id.clone()
                },
                groups: response_groups(params, points, j, o),
                group_by: params.get(1 - j.min(1)).cloned().unwrap_or_default(),
                binary: *binary,
            };
            out.push(render(
                format!("sweep_{}_{}", safe(id), safe(p)),
                title,
                "Each dot is one sweep point (a batch of runs).",
                (WIDTH, HEIGHT),
                &r,
            )?);
        }
        if params.len() == 2 && *binary {
            let title = format!("{name}: probability of {}", humanise(id));
            let h = Heat {
                title: title.clone(),
                footer: footer.to_string(),
                xdesc: params[0].clone(),
                ydesc: params[1].clone(),
                pts: points.iter().map(|s| (s.x[0], s.x[1], s.y[o].0)).collect(),
            };
            out.push(render(
                format!("sweep_heatmap_{}", safe(id)),
                title,
                "Probability over the two swept parameters.",
                (WIDTH, HEIGHT),
                &h,
            )?);
        }
    }
    Ok(out)
}

/// One outcome's indices: `(param, S1 or mu*, low, high, ST, ST low, ST high)`.
#[derive(Debug, Clone)]
pub struct Tornado {
    pub outcome: String,
    /// The outcome's label (the id when it has none).
    pub label: String,
    pub items: Vec<(String, f64, f64, f64, f64, f64, f64)>,
    /// Per item: whether its indices are resolved (sensitivity.csv `resolved`); `None` for Morris
    /// and for folders written before the column existed.
    pub resolved: Vec<Option<bool>>,
}

/// The x range of index bars and their intervals: every finite value inside, unless an interval is
/// wild (beyond `[lo_cap, hi_cap]`), then capped there (clipped ends are drawn as arrows).
fn index_range(
    values: impl Iterator<Item = f64>,
    floor: f64,
    lo_cap: f64,
    hi_cap: f64,
) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|x| x.is_finite())
        .fold((0.0f64, floor), |(a, b), x| (a.min(x), b.max(x)));
    let (lo, hi) = (lo.max(lo_cap), hi.min(hi_cap));
    let pad = 0.04 * (hi - lo).max(1e-9);
    (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
}

/// A horizontal interval from `lo` to `hi` at height `y` in a chart whose x axis spans `x0..x1`:
/// the visible part as a line with end ticks, and an arrow head where it runs off the axis.
fn interval<DB: DrawingBackend>(
    c: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    (lo, hi): (f64, f64),
    y: f64,
    (x0, x1): (f64, f64),
) -> Result<(), ChartError> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return Ok(());
    }
    let (a, b) = (lo.max(x0), hi.min(x1));
    c.draw_series(std::iter::once(PathElement::new(
        vec![(a, y), (b, y)],
        C_INK.stroke_width(2),
    )))
    .d()?;
    let tick = 0.12;
    for (end, clipped, dir) in [(a, lo < x0, -1.0), (b, hi > x1, 1.0)] {
        if clipped {
            // An arrowhead ending at the axis, pointing out: the interval goes on beyond it.
            let w = 0.015 * (x1 - x0);
            c.draw_series(std::iter::once(Polygon::new(
                vec![
                    (end - dir * w, y + 2.0 * tick),
                    (end, y),
                    (end - dir * w, y - 2.0 * tick),
                ],
                C_INK.filled(),
            )))
            .d()?;
        } else {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(end, y - tick), (end, y + tick)],
                C_INK.stroke_width(2),
            )))
            .d()?;
        }
    }
    Ok(())
}

struct TornadoDraw {
    title: String,
    subtitle: String,
    footer: String,
    morris: bool,
    items: Vec<(String, f64, f64, f64, f64, f64, f64)>,
    resolved: Vec<Option<bool>>,
}

/// Width of the parameter labels of tornado and driver charts.
const PARAM_LABEL_W: u32 = 380;

impl Draw for TornadoDraw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        let n = self.items.len().max(1);
        let all = self
            .items
            .iter()
            .flat_map(|i| [i.1, i.2, i.3, i.4, i.5, i.6]);
        // Sobol indices live in [0, 1]: an interval of a tiny sample beyond [-1, 2] is clipped (and
        // drawn with an arrow) rather than squash the bars.
        let (xmin, xmax) = if self.morris {
            index_range(all, 1e-9, f64::NEG_INFINITY, f64::INFINITY)
        } else {
            index_range(all, 1.0, -1.0, 2.0)
        };
        let lstyle = text(LABEL_SIZE);
        let labels: Vec<String> = self
            .items
            .iter()
            .map(|i| fit(root, &i.0, &lstyle, PARAM_LABEL_W - 16))
            .collect();
        // "not resolved" is written right of the plot, clear of whiskers that reach the axis.
        let any_faded = self.resolved.contains(&Some(false));
        let mut c = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(if any_faded { 120 } else { 24 })
            .x_label_area_size(56)
            .y_label_area_size(PARAM_LABEL_W)
            .build_cartesian_2d(xmin..xmax, 0f64..n as f64)
            .d()?;
        let label_of = |y: &f64| {
            let i = (y - 0.5).round();
            if (y - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[labels.len() - 1 - i as usize].clone()
            } else {
                String::new()
            }
        };
        c.configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .y_labels(2 * n + 1)
            .y_label_formatter(&label_of)
            .x_desc(if self.morris {
                "mu* (mean |elementary effect|)"
            } else {
                "Sobol index"
            })
            .label_style(lstyle.clone())
            .axis_desc_style(text(DESC_SIZE))
            .draw()
            .d()?;
        for (k, it) in self.items.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            let resolved = self.resolved.get(k).copied().flatten();
            let faded = resolved == Some(false);
            let bars: Vec<(f64, f64, f64, f64, RGBColor)> = if self.morris {
                vec![(it.1, it.2, it.3, 0.5, C_BLUE)]
            } else {
                vec![
                    (it.4, it.5, it.6, 0.66, C_ORANGE),
                    (it.1, it.2, it.3, 0.34, C_BLUE),
                ]
            };
            for (v, lo, hi, at, col) in bars {
                if !v.is_finite() {
                    continue;
                }
                let fill = if faded { col.mix(0.3) } else { col.mix(1.0) };
                c.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + at - 0.12), (v.clamp(xmin, xmax), y + at + 0.12)],
                    fill.filled(),
                )))
                .d()?;
                interval(&mut c, (lo, hi), y + at, (xmin, xmax))?;
            }
            if faded {
                let (px, py) = c.backend_coord(&(xmax, y + 0.5));
                put(
                    root,
                    "not resolved",
                    (px + 10, py),
                    &muted(LABEL_SIZE - 1.0),
                    HPos::Left,
                    VPos::Center,
                )?;
            }
        }
        Ok(())
    }
}

/// `sensitivity_<outcome>`: parameters sorted by total index (or mu*), largest on top.
pub fn tornado_charts(
    name: &str,
    footer: &str,
    morris: bool,
    t: &[Tornado],
) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    for o in t {
        let key = |i: &(String, f64, f64, f64, f64, f64, f64)| if morris { i.1 } else { i.4 };
        let mut order: Vec<usize> = (0..o.items.len()).collect();
        order.sort_by(|&a, &b| key(&o.items[b]).total_cmp(&key(&o.items[a])));
        let items = order.iter().map(|&i| o.items[i].clone()).collect();
        let resolved = order
            .iter()
            .map(|&i| o.resolved.get(i).copied().flatten())
            .collect::<Vec<_>>();
        let any_unresolved = resolved.contains(&Some(false));
        let title = format!("{name}: what drives {}?", quoted(&o.label));
        let d = TornadoDraw {
            title: title.clone(),
            footer: footer.to_string(),
            subtitle: if morris {
                "Morris screening: bar = mu* (unit-cube scale), larger means more influential."
                    .into()
            } else {
                format!(
                    "Orange: total index ST; blue: first-order index S1; lines: bootstrap 95% \
                     intervals.{}",
                    if any_unresolved {
                        " Pale bars: not resolved (see the table)."
                    } else {
                        ""
                    }
                )
            },
            morris,
            items,
            resolved,
        };
        out.push(render(
            format!("sensitivity_{}", safe(&o.outcome)),
            title,
            "Parameters ranked by influence on the outcome; a pale bar marks an index the runs \
             could not resolve (its reason is in the table).",
            (WIDTH, HEIGHT),
            &d,
        )?);
    }
    Ok(out)
}

/// One outcome's given-data PAWN indices with the dummy's band.
struct DriversDraw {
    title: String,
    subtitle: String,
    footer: String,
    /// `(label, median, low, high, influential)`, largest first.
    items: Vec<(String, f64, f64, f64, bool)>,
    dummy: Option<(f64, f64, f64)>,
}

impl Draw for DriversDraw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        let n = self.items.len().max(1);
        let all = self
            .items
            .iter()
            .flat_map(|i| [i.1, i.2, i.3])
            .chain(self.dummy.iter().flat_map(|d| [d.0, d.1, d.2]));
        let (xmin, xmax) = index_range(all, 0.1, 0.0, 1.0);
        let lstyle = text(LABEL_SIZE);
        let labels: Vec<String> = self
            .items
            .iter()
            .map(|i| fit(root, &i.0, &lstyle, PARAM_LABEL_W - 16))
            .collect();
        let mut c = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(24)
            .x_label_area_size(56)
            .y_label_area_size(PARAM_LABEL_W)
            .build_cartesian_2d(xmin..xmax, 0f64..n as f64)
            .d()?;
        let label_of = |y: &f64| {
            let i = (y - 0.5).round();
            if (y - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[labels.len() - 1 - i as usize].clone()
            } else {
                String::new()
            }
        };
        c.configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .y_labels(2 * n + 1)
            .y_label_formatter(&label_of)
            .x_desc("PAWN index (median KS distance over the conditioning slices)")
            .label_style(lstyle.clone())
            .axis_desc_style(text(DESC_SIZE))
            .draw()
            .d()?;
        if let Some((_, _, hi)) = self.dummy
            && hi.is_finite()
        {
            c.draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (hi.min(xmax), n as f64)],
                C_LIGHT.mix(0.7).filled(),
            )))
            .d()?;
            // Named in the subtitle: a label inside the plot would sit under the top bar.
        }
        for (k, it) in self.items.iter().enumerate() {
            let y = (n - 1 - k) as f64 + 0.5;
            if !it.1.is_finite() {
                continue;
            }
            let col = if it.4 {
                C_BLUE.mix(1.0)
            } else {
                C_GREY.mix(0.45)
            };
            c.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.22), (it.1.min(xmax), y + 0.22)],
                col.filled(),
            )))
            .d()?;
            interval(&mut c, (it.2, it.3), y, (xmin, xmax))?;
        }
        Ok(())
    }
}

/// `drivers_<outcome>`: the given-data PAWN index of every parameter, largest on top, with the
/// dummy input's band.
pub fn drivers_charts(d: &super::experiment_data::DriversData) -> Result<Vec<Chart>, ChartError> {
    let m = &d.manifest;
    let name = m
        .scenario
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let footer = format!(
        "PAWN on {} runs of {}  ·  {} slices, {} bootstrap resamples, seed {}  ·  crossroads {}",
        m.runs, m.source, m.slices, m.bootstrap_resamples, m.seed, m.crossroads_version
    );
    let mut out = Vec::new();
    for set in &d.outcomes {
        if set.items.iter().all(|i| !i.1.is_finite()) {
            continue;
        }
        let label = m
            .outcomes
            .iter()
            .find(|o| o.id == set.outcome)
            .map(|o| {
                if o.label.is_empty() {
                    o.id.clone()
                } else {
                    o.label.clone()
                }
            })
            .unwrap_or_else(|| set.outcome.clone());
        let mut items = set.items.clone();
        items.sort_by(|a, b| b.1.total_cmp(&a.1));
        let title = format!("{name}: what drives {}? (from the runs)", quoted(&label));
        let dd = DriversDraw {
            title: title.clone(),
            subtitle: format!(
                "Bar: PAWN index, how far the outcome's distribution moves when the parameter is \
                 held within a slice of its range; line: bootstrap 95% interval (resampling adds \
                 noise to a distance, so a line can lie right of its bar); grey band: a dummy input \
                 with no effect, resampled the same way ({} runs). Blue: interval above the band.",
                set.runs
            ),
            footer: footer.clone(),
            items,
            dummy: set.dummy,
        };
        out.push(render(
            format!("drivers_{}", safe(&set.outcome)),
            title,
            "Parameters ranked by their given-data PAWN index on this outcome; an index inside the \
             grey band cannot be told from a parameter with no effect.",
            (WIDTH, HEIGHT),
            &dd,
        )?);
    }
    Ok(out)
}

struct Peeling {
    title: String,
    footer: String,
    /// `(coverage, density, support, restricted inputs)` per box.
    pts: Vec<(f64, f64, f64, usize)>,
    recommended: Option<usize>,
}

impl Draw for Peeling {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Each dot is a box of the peeling trajectory; labels: step (parameters restricted), \
             where a parameter is added. Colour: support, the share of all runs inside. Ringed: \
             the recommended box.",
            &self.footer,
        )?;
        let bar_w = 110u32;
        let mut c = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(bar_w)
            .x_label_area_size(56)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..1.04, 0f64..1.04)
            .d()?;
        c.configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .x_desc("coverage (share of the cases of interest inside the box)")
            .y_desc("density (share of the box's runs that are cases of interest)")
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(DESC_SIZE))
            .draw()
            .d()?;
        c.draw_series(std::iter::once(PathElement::new(
            self.pts.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
            C_GREY.stroke_width(1),
        )))
        .d()?;
        let last = self.pts.len().saturating_sub(1);
        // Labels: the first and last box, the recommended one, and each box that restricts one more
        // parameter than the box before; one that would overlap the previous label is left out.
        let mut placed: Vec<(i32, i32)> = Vec::new();
        for (k, &(cov, den, sup, dims)) in self.pts.iter().enumerate() {
            c.draw_series(std::iter::once(Circle::new(
                (cov, den),
                6,
                viridis(sup).filled(),
            )))
            .d()?;
            let rec = self.recommended == Some(k);
            if rec {
                c.draw_series(std::iter::once(Circle::new(
                    (cov, den),
                    11,
                    C_VERMILLION.stroke_width(3),
                )))
                .d()?;
            }
            let new_dim = k > 0 && dims != self.pts[k - 1].3;
            let (px, py) = c.backend_coord(&(cov, den));
            let clear = placed
                .iter()
                .all(|&(x, y)| (x - px).abs() > 70 || (y - py).abs() > 18);
            if rec || ((k == 0 || k == last || new_dim) && clear) {
                placed.push((px, py));
                let label = if rec {
                    format!("{k} ({dims}) recommended")
                } else {
                    format!("{k} ({dims})")
                };
                let style = if rec {
                    bold(LABEL_SIZE - 1.0)
                } else {
                    text(LABEL_SIZE - 2.0)
                };
                put(
                    root,
                    &label,
                    (px + 10, py - 10),
                    &style,
                    HPos::Left,
                    VPos::Bottom,
                )?;
            }
        }
        // Colour bar of support.
        let (px, top) = c.backend_coord(&(1.04, 1.04));
        let (_, bottom) = c.backend_coord(&(1.04, 0.0));
        let (bx0, bx1) = (px + 30, px + 50);
        let (by0, by1) = (top + 30, bottom.min(top + 330));
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
        for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let y = by1 - ((by1 - by0) as f64 * t).round() as i32;
            root.draw(&PathElement::new(
                vec![(bx1, y), (bx1 + 4, y)],
                C_GREY.stroke_width(1),
            ))
            .d()?;
            put(root, &pct(t), (bx1 + 7, y), &cs, HPos::Left, VPos::Center)?;
        }
        put(
            root,
            "support",
            (bx0 - 4, by0 - 10),
            &cs,
            HPos::Left,
            VPos::Bottom,
        )?;
        Ok(())
    }
}

/// `prim_tradeoff`: coverage against density along the peeling trajectory.
pub fn peeling_chart(
    what: &str,
    footer: &str,
    traj: &[PrimBox],
    recommended: Option<usize>,
) -> Result<Vec<Chart>, ChartError> {
    let title = format!("Where does {what} happen? PRIM peeling trade-off");
    let full = traj.first().map(|b| b.limits.clone()).unwrap_or_default();
    let d = Peeling {
        title: title.clone(),
        footer: footer.to_string(),
        pts: traj
            .iter()
            .map(|b| {
                (
                    b.coverage,
                    b.density,
                    b.support,
                    crate::experiments::prim::restricted(b, &full).len(),
                )
            })
            .collect(),
        recommended,
    };
    Ok(vec![render(
        "prim_tradeoff",
        title,
        "Coverage against density of the boxes along the peeling trajectory; each step trades \
         cases of interest for purity. The ringed box is the recommended one (the report's table \
         gives its rule and restrictions).",
        (WIDTH, HEIGHT),
        &d,
    )?])
}

/// Every chart of an experiment folder, in report order: sweep response curves and heat maps, the
/// tornado charts (only when sensitivity.csv was written), or the peeling trade-off. None for a folder
/// without rows.
pub fn experiment_charts(d: &ExperimentData) -> Result<Vec<Chart>, ChartError> {
    match d {
        ExperimentData::Sweep(s) => {
            if s.points.is_empty() {
                return Ok(Vec::new());
            }
            let m = &s.manifest;
            let names: Vec<String> = m.params.iter().map(|p| p.path.clone()).collect();
            let outs: Vec<(String, bool)> = m
                .outcomes
                .iter()
                .map(|o| (o.id.clone(), o.is_binary()))
                .collect();
            let footer = format!(
                "{} design  ·  {} points × {} runs  ·  seed {}  ·  crossroads {}",
                m.design, m.completed_points, m.runs_per_point, m.seed, m.crossroads_version
            );
            sweep_charts(&m.scenario.name, &footer, &names, &outs, &s.points)
        }
        ExperimentData::Sensitivity(s) => {
            let m = &s.manifest;
            let footer = format!(
                "{}  ·  {} evaluations × {} runs  ·  seed {}  ·  crossroads {}",
                m.method, m.completed_evaluations, m.runs_per_point, m.seed, m.crossroads_version
            );
            tornado_charts(&m.scenario.name, &footer, s.morris(), &s.tornado)
        }
        ExperimentData::Discover(d) => {
            if d.boxes.is_empty() {
                return Ok(Vec::new());
            }
            let m = &d.manifest;
            let footer = format!(
                "PRIM on {} runs of {}  ·  peel {}, paste {}, min support {}  ·  crossroads {}",
                m.cases, m.source, m.peel_alpha, m.paste_alpha, m.min_support, m.crossroads_version
            );
            peeling_chart(&d.what(), &footer, &d.boxes, d.recommended)
        }
        ExperimentData::Drivers(d) => drivers_charts(d),
    }
}
