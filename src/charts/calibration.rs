//! Charts of calibration folders (`crossroads calibrate`) and score folders (`crossroads score`),
//! drawn from the folder's files alone ([`CalibrationData::load`], [`ScoreData::load`]):
//!
//! 1. `calibration_marginals_N`: each parameter's prior (generation 0's draws) against its weighted
//!    posterior, as density histograms on the prior's range;
//! 2. `calibration_pairs`: weighted posterior particles of the pairs of the most-updated parameters
//!    (smallest posterior/prior sd ratio) over the prior draws;
//! 3. `calibration_predictive_N`: per observation, the model's value across the prior and the
//!    posterior particles (median, 50% and 90% ranges) next to the observed value with its error bar
//!    (±1.96 sd; an interval's ends);
//! 4. `calibration_generations`: tolerance and acceptance rate per generation;
//! 5. `score_reliability` (at least `RELIABILITY_MIN` binary forecasts) and `score_pit` (at least 10
//!    numeric ones).

use super::style::*;
use super::{Chart, ChartError, Draw, render};
use crate::outputs::FolderKind;
use crate::outputs::calibration::{
    CalibrationManifest, CalibrationSummary, GenerationRow, ObservationInfo, Particles,
    RELIABILITY_MIN, ScoreManifest, ScoreRow, read_particles, read_score_csv,
};
use crate::outputs::read;
use crate::scenario::Dist;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::path::Path;

/// Everything a calibration folder's charts and report need.
#[derive(Debug, Clone)]
pub struct CalibrationData {
    pub manifest: CalibrationManifest,
    /// None when the calibration finished no generation.
    pub summary: Option<CalibrationSummary>,
    pub prior: Option<Particles>,
    pub posterior: Option<Particles>,
    pub predictive: Option<Particles>,
    pub generations: Vec<GenerationRow>,
}

fn optional<T>(
    p: &Path,
    read: impl Fn(&Path) -> Result<T, String>,
) -> Result<Option<T>, ChartError> {
    if p.is_file() {
        read(p).map(Some).map_err(ChartError::Invalid)
    } else {
        Ok(None)
    }
}

impl CalibrationData {
    pub fn load(dir: &Path) -> Result<CalibrationData, ChartError> {
        let manifest = match read::manifest(dir)? {
            read::Manifest::Calibration(m) => m,
            other => {
                let mp = dir.join("manifest.json");
                return Err(other.wrong_kind(&mp, FolderKind::Calibration).into());
            }
        };
        let summary = read::optional(&dir.join("calibration.json"), read::json)?;
        let generations = read::optional(&dir.join("generations.csv"), read::generations_csv)?
            .unwrap_or_default();
        Ok(CalibrationData {
            summary,
            prior: optional(&dir.join("prior.csv"), read_particles)?,
            posterior: optional(&dir.join("posterior.csv"), read_particles)?,
            predictive: optional(&dir.join("predictive.csv"), read_particles)?,
            generations,
            manifest,
        })
    }

    /// The footer of every chart.
    pub fn footer(&self) -> String {
        let m = &self.manifest;
        format!(
            "crossroads {} · calibration of {} ({}) · seed {} · {} particles · observations up to {} · {}",
            m.crossroads_version,
            m.scenario.name,
            m.scenario.path,
            m.seed,
            m.particles,
            m.until,
            m.status.as_str()
        )
    }
}

/// A score folder's data.
#[derive(Debug, Clone)]
pub struct ScoreData {
    pub manifest: ScoreManifest,
    pub rows: Vec<ScoreRow>,
}

impl ScoreData {
    pub fn load(dir: &Path) -> Result<ScoreData, ChartError> {
        let manifest = match read::manifest(dir)? {
            read::Manifest::Score(m) => m,
            other => {
                let mp = dir.join("manifest.json");
                return Err(other.wrong_kind(&mp, FolderKind::Score).into());
            }
        };
        let rows = read_score_csv(&dir.join("score.csv")).map_err(ChartError::Invalid)?;
        Ok(ScoreData { manifest, rows })
    }

    pub fn footer(&self) -> String {
        let m = &self.manifest;
        format!(
            "crossroads {} · score of {} ({} runs, seed {}) against {}",
            m.crossroads_version, m.forecast, m.runs, m.seed, m.observations_file
        )
    }
}

/// Every chart of a calibration folder, in report order.
pub fn calibration_charts(d: &CalibrationData) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    let (Some(prior), Some(post)) = (&d.prior, &d.posterior) else {
        return Ok(out);
    };
    let name = &d.manifest.scenario.name;
    let dists: Vec<Option<Dist>> = d
        .manifest
        .params
        .iter()
        .map(|p| parse_dist(&p.distribution))
        .collect();
    // 1. Marginals.
    let k = post.columns.len();
    let pages = k.div_ceil(MARGINALS_PER_PAGE);
    for (page, chunk) in (0..k)
        .collect::<Vec<_>>()
        .chunks(MARGINALS_PER_PAGE)
        .enumerate()
    {
        let title = if pages > 1 {
            format!(
                "{name}: what the data did to each parameter ({} of {pages})",
                page + 1
            )
        } else {
            format!("{name}: what the data did to each parameter")
        };
        let panels = chunk
            .iter()
            .map(|&c| Marginal {
                name: post.columns[c].clone(),
                dist: dists.get(c).cloned().flatten(),
                prior: prior.rows.iter().map(|r| r[c]).collect(),
                post: post.rows.iter().map(|r| r[c]).collect(),
                weights: post.weights.clone(),
            })
            .collect();
        out.push(render(
            format!("calibration_marginals_{}", page + 1),
            title.clone(),
            "Grey: the prior (generation 0's draws); blue: the posterior (the last generation, \
             weighted), both as densities on the prior's range; a narrower, shifted blue shape is what \
             the observations taught.",
            (WIDTH, HEIGHT),
            &Marginals {
                title,
                footer: d.footer(),
                panels,
            },
        )?);
    }
    // 2. Pairs of the most-updated parameters.
    if k >= 2 {
        let mut order: Vec<usize> = (0..k).collect();
        let ratio = |c: usize| {
            d.summary
                .as_ref()
                .and_then(|s| s.params.get(c))
                .and_then(|p| p.sd_ratio)
                .unwrap_or(1.0)
        };
        order.sort_by(|a, b| ratio(*a).total_cmp(&ratio(*b)).then(a.cmp(b)));
        let top: Vec<usize> = order.into_iter().take(PAIR_PARAMS).collect();
        let mut pairs = Vec::new();
        for i in 0..top.len() {
            for j in i + 1..top.len() {
                let (a, b) = (top[i], top[j]);
                pairs.push(Pair {
                    x: post.columns[a].clone(),
                    y: post.columns[b].clone(),
                    prior: prior.rows.iter().map(|r| (r[a], r[b])).collect(),
                    post: post.rows.iter().map(|r| (r[a], r[b])).collect(),
                    weights: post.weights.clone(),
                });
            }
        }
        let title = format!("{name}: posterior pairs of the most-updated parameters");
        out.push(render(
            "calibration_pairs",
            title.clone(),
            "Each panel: two of the parameters the data narrowed most; grey dots are prior draws, \
             blue dots posterior particles (darker: more weight); a tilted cloud means the data pin \
             down a combination rather than each parameter.",
            (WIDTH, HEIGHT),
            &Pairs {
                title,
                footer: d.footer(),
                pairs,
            },
        )?);
    }
    // 3. Posterior predictive.
    if let Some(pred) = &d.predictive {
        let last = pred.generation.iter().copied().max().unwrap_or(0);
        let obs = &d.manifest.observations;
        let pages = obs.len().div_ceil(PREDICTIVE_PER_PAGE);
        for (page, chunk) in (0..obs.len())
            .collect::<Vec<_>>()
            .chunks(PREDICTIVE_PER_PAGE)
            .enumerate()
        {
            let title = if pages > 1 {
                format!(
                    "{name}: the model against each observation ({} of {pages})",
                    page + 1
                )
            } else {
                format!("{name}: the model against each observation")
            };
            let panels = chunk
                .iter()
                .map(|&j| {
                    let pick = |g: usize| -> (Vec<f64>, Vec<f64>) {
                        pred.rows
                            .iter()
                            .zip(&pred.generation)
                            .zip(&pred.weights)
                            .filter(|((r, gg), _)| **gg == g && r[j].is_finite())
                            .map(|((r, _), w)| (r[j], *w))
                            .unzip()
                    };
                    Predictive {
                        obs: obs[j].clone(),
                        prior: pick(0),
                        post: if last > 0 {
                            pick(last)
                        } else {
                            (vec![], vec![])
                        },
                    }
                })
                .collect();
            out.push(render(
                format!("calibration_predictive_{}", page + 1),
                title.clone(),
                "Per observation: the model's value (no measurement error) across the prior (grey) and \
                 posterior (blue) particles, median with 50% and 90% ranges, and the observed value \
                 (vermillion) with ±1.96 measurement sd or its interval.",
                (WIDTH, HEIGHT),
                &PredictivePage {
                    title,
                    footer: d.footer(),
                    panels,
                },
            )?);
        }
    }
    // 4. Generations.
    if d.generations.len() >= 2 {
        let title = format!("{name}: tolerance and acceptance by generation");
        out.push(render(
            "calibration_generations",
            title.clone(),
            "Left: each generation's tolerance ε (log scale; generation 0 accepts everything); \
             right: its acceptance rate (log scale) with the --min-acceptance line.",
            (WIDTH, HEIGHT / 2 + 120),
            &Generations {
                title,
                footer: d.footer(),
                rows: d.generations.clone(),
                min_acceptance: d.manifest.min_acceptance,
            },
        )?);
    }
    Ok(out)
}

/// Every chart of a score folder.
pub fn score_charts(d: &ScoreData) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    let name = &d.manifest.scenario.name;
    let binary: Vec<(f64, bool)> = d
        .rows
        .iter()
        .filter(|r| r.kind == "binary")
        .map(|r| (r.forecast, r.observed >= 0.5))
        .collect();
    if binary.len() >= RELIABILITY_MIN {
        let title = format!("{name}: reliability of the binary forecasts");
        out.push(render(
            "score_reliability",
            title.clone(),
            "Forecasts grouped in ten bins of probability: the share of events that happened against \
             the mean forecast of the bin (dot area: number of forecasts); on the diagonal, forecasts \
             are reliable.",
            (WIDTH, HEIGHT),
            &Reliability {
                title,
                footer: d.footer(),
                bins: crate::experiments::score::reliability(&binary, 10),
            },
        )?);
    }
    let pits: Vec<f64> = d.rows.iter().filter_map(|r| r.pit).collect();
    if pits.len() >= PIT_MIN {
        let title = format!("{name}: probability integral transform of the numeric forecasts");
        out.push(render(
            "score_pit",
            title.clone(),
            "Histogram of F(y), each observation's rank in its forecast distribution: flat for \
             calibrated forecasts, U-shaped when they are too narrow, hump-shaped when too wide.",
            (WIDTH, HEIGHT),
            &Pit {
                title,
                footer: d.footer(),
                pits,
            },
        )?);
    }
    Ok(out)
}

const MARGINALS_PER_PAGE: usize = 6;
const PREDICTIVE_PER_PAGE: usize = 12;
/// Parameters in the pairs chart (their pairs: up to 6 panels).
const PAIR_PARAMS: usize = 4;
/// Numeric forecasts needed for a PIT histogram.
pub const PIT_MIN: usize = 10;
const BINS: usize = 24;

/// Parses a distribution as written (`Uniform(0.1, 0.3)`), for the prior's range.
fn parse_dist(s: &str) -> Option<Dist> {
    let n = crate::scenario::tree::parse_value(s, 0).ok()?;
    crate::scenario::de::from_node::<Dist>(&n).ok()
}

fn grid<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    n: usize,
) -> Vec<DrawingArea<DB, Shift>> {
    let (rows, cols) = match n {
        0 | 1 => (1, 1),
        2 => (1, 2),
        3 => (1, 3),
        4 => (2, 2),
        5 | 6 => (2, 3),
        7..=9 => (3, 3),
        _ => (3, 4),
    };
    body.split_evenly((rows, cols))
}

fn panel_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    s: &str,
) -> Result<(), ChartError> {
    let (w, _) = area.dim_in_pixel();
    let t = fit(root, s, &bold(PANEL_TITLE_SIZE - 2.0), w.saturating_sub(16));
    put(
        area,
        &t,
        (8, 4),
        &bold(PANEL_TITLE_SIZE - 2.0),
        HPos::Left,
        VPos::Top,
    )
}

/// A small panel with only an x axis (four labelled ticks, no grid): the marginals' and the
/// predictive panels' frame.
fn x_axis_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    x_label_area: u32,
) -> Result<
    ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    ChartError,
> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(30)
        .margin_right(14)
        .x_label_area_size(x_label_area)
        .y_label_area_size(12)
        .build_cartesian_2d(x, y)
        .d()?;
    let xfmt = |x: &f64| num(*x);
    chart
        .configure_mesh()
        .disable_mesh()
        .y_labels(0)
        .x_labels(4)
        .x_label_formatter(&xfmt)
        .label_style(text(LABEL_SIZE - 3.0))
        .axis_style(C_GREY.stroke_width(1))
        .draw()
        .d()?;
    Ok(chart)
}

fn span(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = v
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 * lo.abs().max(1.0) {
        let d = (lo.abs() * 0.05).max(1e-6);
        return (lo - d, hi + d);
    }
    (lo, hi)
}

/// Weighted density histogram of `x` on `[lo, hi)` in `BINS` bins.
fn density(x: &[f64], w: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let mut h = [0.0; BINS];
    let total: f64 = w.iter().sum();
    let width = (hi - lo) / BINS as f64;
    for (v, wi) in x.iter().zip(w) {
        if !v.is_finite() {
            continue;
        }
        let k = (((v - lo) / width).floor() as isize).clamp(0, BINS as isize - 1) as usize;
        h[k] += wi;
    }
    h.iter().map(|c| c / (total * width).max(1e-300)).collect()
}

struct Marginal {
    name: String,
    dist: Option<Dist>,
    prior: Vec<f64>,
    post: Vec<f64>,
    weights: Vec<f64>,
}

struct Marginals {
    title: String,
    footer: String,
    panels: Vec<Marginal>,
}

impl Draw for Marginals {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Prior (grey) and posterior (blue) density of each calibrated parameter.",
            &self.footer,
        )?;
        for (p, area) in self
            .panels
            .iter()
            .zip(grid(&body, self.panels.len()).iter())
        {
            panel_title(root, area, &p.name)?;
            let (mut lo, mut hi) = span(p.prior.iter().chain(&p.post).copied());
            if let Some(d) = &p.dist {
                let (a, b) = d.support();
                if a.is_finite() && b.is_finite() && b > a {
                    (lo, hi) = (a, b);
                }
            }
            let uniform = vec![1.0; p.prior.len()];
            let hp = density(&p.prior, &uniform, lo, hi);
            let hq = density(&p.post, &p.weights, lo, hi);
            let ymax = hp.iter().chain(&hq).copied().fold(0.0, f64::max).max(1e-12) * 1.1;
            let mut chart = x_axis_panel(area, lo..hi, 0f64..ymax, 30)?;
            let w = (hi - lo) / BINS as f64;
            chart
                .draw_series(hp.iter().enumerate().map(|(k, &v)| {
                    let x0 = lo + k as f64 * w;
                    Rectangle::new([(x0, 0.0), (x0 + w, v)], C_LIGHT.filled())
                }))
                .d()?;
            chart
                .draw_series(
                    hq.iter()
                        .enumerate()
                        .filter(|(_, v)| **v > 0.0)
                        .map(|(k, &v)| {
                            let x0 = lo + k as f64 * w;
                            Rectangle::new([(x0, 0.0), (x0 + w, v)], C_BLUE.mix(0.7).filled())
                        }),
                )
                .d()?;
        }
        Ok(())
    }
}

struct Pair {
    x: String,
    y: String,
    prior: Vec<(f64, f64)>,
    post: Vec<(f64, f64)>,
    weights: Vec<f64>,
}

struct Pairs {
    title: String,
    footer: String,
    pairs: Vec<Pair>,
}

impl Draw for Pairs {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Posterior particles (blue, darker with weight) over prior draws (grey).",
            &self.footer,
        )?;
        for (p, area) in self.pairs.iter().zip(grid(&body, self.pairs.len()).iter()) {
            panel_title(root, area, &format!("{} × {}", short(&p.x), short(&p.y)))?;
            let (x0, x1) = span(p.prior.iter().chain(&p.post).map(|v| v.0));
            let (y0, y1) = span(p.prior.iter().chain(&p.post).map(|v| v.1));
            let mut chart = ChartBuilder::on(area)
                .margin_top(30)
                .margin_right(14)
                .x_label_area_size(30)
                .y_label_area_size(50)
                .build_cartesian_2d(x0..x1, y0..y1)
                .d()?;
            let fmt = |v: &f64| num(*v);
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(4)
                .y_labels(4)
                .x_label_formatter(&fmt)
                .y_label_formatter(&fmt)
                .label_style(text(LABEL_SIZE - 3.0))
                .axis_style(C_GREY.stroke_width(1))
                .draw()
                .d()?;
            chart
                .draw_series(
                    p.prior
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 2, C_LIGHT.filled())),
                )
                .d()?;
            let wmax = p.weights.iter().copied().fold(0.0, f64::max).max(1e-300);
            chart
                .draw_series(p.post.iter().zip(&p.weights).map(|(&(x, y), w)| {
                    let a = 0.15 + 0.75 * (w / wmax);
                    Circle::new((x, y), 2, C_BLUE.mix(a).filled())
                }))
                .d()?;
        }
        Ok(())
    }
}

/// The last segment of a parameter path (`actors.russia.budget` → `russia.budget`).
fn short(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() <= 2 {
        return path.to_string();
    }
    parts[parts.len() - 2..].join(".")
}

struct Predictive {
    obs: ObservationInfo,
    /// (values, weights)
    prior: (Vec<f64>, Vec<f64>),
    post: (Vec<f64>, Vec<f64>),
}

struct PredictivePage {
    title: String,
    footer: String,
    panels: Vec<Predictive>,
}

fn five(v: &(Vec<f64>, Vec<f64>)) -> Option<[f64; 5]> {
    if v.0.is_empty() {
        return None;
    }
    let q = |p: f64| crate::experiments::abc::weighted_quantile(&v.0, &v.1, p);
    Some([q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)])
}

impl Draw for PredictivePage {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Model value across prior (grey) and posterior (blue) particles; observation in vermillion.",
            &self.footer,
        )?;
        for (p, area) in self
            .panels
            .iter()
            .zip(grid(&body, self.panels.len()).iter())
        {
            let o = &p.obs;
            panel_title(
                root,
                area,
                &format!(
                    "{} · {} {} · {}",
                    o.id,
                    o.indicator,
                    o.entity,
                    month_label(&o.month)
                ),
            )?;
            let (olo, ohi) = match (o.lo, o.hi) {
                (Some(a), Some(b)) => (a, b),
                _ => (o.observed - 1.96 * o.sd, o.observed + 1.96 * o.sd),
            };
            let a = five(&p.prior);
            let b = five(&p.post);
            let (mut lo, mut hi) = span(
                a.iter()
                    .chain(b.iter())
                    .flat_map(|q| q.iter().copied())
                    .chain([olo, ohi]),
            );
            let pad = 0.08 * (hi - lo);
            lo -= pad;
            hi += pad;
            let mut chart = x_axis_panel(area, lo..hi, 0f64..4f64, 28)?;
            for (label, y) in [("prior", 3.0), ("posterior", 2.0), ("observed", 1.0)] {
                chart
                    .draw_series(std::iter::once(Text::new(
                        label,
                        (lo, y + 0.45),
                        muted(LABEL_SIZE - 3.0),
                    )))
                    .d()?;
            }
            for (q, y, colour) in [(a, 3.0, C_GREY), (b, 2.0, C_BLUE)] {
                let Some(q) = q else { continue };
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(q[0], y), (q[4], y)],
                        colour.stroke_width(2),
                    )))
                    .d()?;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(q[1], y), (q[3], y)],
                        colour.stroke_width(7),
                    )))
                    .d()?;
                chart
                    .draw_series(std::iter::once(Circle::new((q[2], y), 5, WHITE.filled())))
                    .d()?;
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (q[2], y),
                        5,
                        colour.stroke_width(2),
                    )))
                    .d()?;
            }
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(olo, 1.0), (ohi, 1.0)],
                    C_VERMILLION.stroke_width(2),
                )))
                .d()?;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (o.observed, 1.0),
                    5,
                    C_VERMILLION.filled(),
                )))
                .d()?;
        }
        Ok(())
    }
}

struct Generations {
    title: String,
    footer: String,
    rows: Vec<GenerationRow>,
    min_acceptance: f64,
}

fn log_range(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = span(v.filter(|x| *x > 0.0));
    (lo * 0.7, hi * 1.4)
}

impl Draw for Generations {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Tolerance and acceptance rate of each generation.",
            &self.footer,
        )?;
        let areas = body.split_evenly((1, 2));
        let g_hi = self.rows.iter().map(|r| r.generation).max().unwrap_or(1) as f64 + 0.5;
        type Panel<'a> = (&'a str, Vec<(f64, f64)>, Option<f64>);
        let panels: [Panel; 2] = [
            (
                "tolerance ε",
                self.rows
                    .iter()
                    .filter_map(|r| r.tolerance.map(|t| (r.generation as f64, t)))
                    .collect(),
                None,
            ),
            (
                "acceptance rate",
                self.rows
                    .iter()
                    .map(|r| (r.generation as f64, r.acceptance_rate))
                    .collect(),
                (self.min_acceptance > 0.0).then_some(self.min_acceptance),
            ),
        ];
        for ((label, pts, line), area) in panels.iter().zip(areas.iter()) {
            panel_title(root, area, label)?;
            if pts.is_empty() {
                continue;
            }
            let (lo, hi) = log_range(pts.iter().map(|p| p.1).chain(line.iter().copied()));
            let mut chart = ChartBuilder::on(area)
                .margin_top(30)
                .margin_right(18)
                .x_label_area_size(34)
                .y_label_area_size(64)
                .build_cartesian_2d(-0.5f64..g_hi, (lo..hi).log_scale())
                .d()?;
            let fmt = |v: &f64| num(*v);
            let gfmt = |v: &f64| {
                if v.fract().abs() < 1e-9 && *v >= 0.0 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            };
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(C_LIGHT.stroke_width(1))
                .x_labels(self.rows.len().min(12) + 1)
                .x_label_formatter(&gfmt)
                .y_label_formatter(&fmt)
                .x_desc("generation")
                .label_style(text(LABEL_SIZE - 2.0))
                .axis_desc_style(text(LABEL_SIZE - 1.0))
                .axis_style(C_GREY.stroke_width(1))
                .draw()
                .d()?;
            if let Some(m) = line {
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(-0.5, *m), (g_hi, *m)],
                        8,
                        6,
                        C_VERMILLION.stroke_width(2),
                    ))
                    .d()?;
            }
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), C_BLUE.stroke_width(2)))
                .d()?;
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 4, C_BLUE.filled())))
                .d()?;
        }
        Ok(())
    }
}

struct Reliability {
    title: String,
    footer: String,
    bins: Vec<crate::experiments::score::ReliabilityBin>,
}

impl Draw for Reliability {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Observed frequency against forecast probability, ten bins; the diagonal is perfect reliability.",
            &self.footer,
        )?;
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .d()?;
        let fmt = |v: &f64| pct(*v);
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .x_desc("forecast probability")
            .y_desc("observed frequency")
            .label_style(text(LABEL_SIZE - 1.0))
            .axis_desc_style(text(LABEL_SIZE))
            .axis_style(C_GREY.stroke_width(1))
            .draw()
            .d()?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                8,
                6,
                C_GREY.stroke_width(2),
            ))
            .d()?;
        let max = self.bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
        for b in self.bins.iter().filter(|b| b.count > 0) {
            let r = (4.0 + 14.0 * (b.count as f64 / max).sqrt()) as i32;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (b.mean_forecast, b.observed),
                    r,
                    C_BLUE.mix(0.75).filled(),
                )))
                .d()?;
        }
        Ok(())
    }
}

struct Pit {
    title: String,
    footer: String,
    pits: Vec<f64>,
}

impl Draw for Pit {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(
            root,
            &self.title,
            "Counts of PIT values in ten bins; the dashed line is the count a calibrated forecast expects.",
            &self.footer,
        )?;
        let mut counts = [0usize; 10];
        for p in &self.pits {
            counts[((p * 10.0).floor() as usize).min(9)] += 1;
        }
        let ymax = *counts.iter().max().unwrap_or(&1) as f64 * 1.2 + 1.0;
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..1f64, 0f64..ymax)
            .d()?;
        let fmt = |v: &f64| num(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .x_label_formatter(&fmt)
            .x_desc("PIT")
            .y_desc("forecasts")
            .label_style(text(LABEL_SIZE - 1.0))
            .axis_desc_style(text(LABEL_SIZE))
            .axis_style(C_GREY.stroke_width(1))
            .draw()
            .d()?;
        chart
            .draw_series(counts.iter().enumerate().map(|(k, &c)| {
                let x = k as f64 / 10.0;
                Rectangle::new([(x, 0.0), (x + 0.1, c as f64)], C_SKY.filled())
            }))
            .d()?;
        let e = self.pits.len() as f64 / 10.0;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, e), (1.0, e)],
                8,
                6,
                C_INK.stroke_width(2),
            ))
            .d()?;
        Ok(())
    }
}
