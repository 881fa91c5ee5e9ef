//! Charts from an output folder: reads manifest.json, runs.csv, series.csv and summary.json
//! ([`data::OutputData`]) and draws, for what the folder contains:
//!
//! 1. `outcome_probabilities*`, `outcome_classes`: probability bars with Wilson 95% intervals and
//!    ICD 203 words ([`outcomes`]);
//! 2. `distributions_N`: histograms of numeric outcomes with mean and median ([`distributions`]);
//! 3. `fan_<indicator>`: fan charts over time, median with 50% and 90% bands ([`fans`]);
//! 4. `election_<id>`: vote-share box plots and win probabilities per party ([`elections`]);
//! 5. `timing`: cumulative probability of phase/project months ([`timing`]);
//! 6. `split_by_outcome`: with per-run series, fans of the runs where a binary outcome happened
//!    against the others ([`split`]);
//! 7. `actor_activity*`: heat map of actions per actor over time ([`activity`]).
//!
//! A comparison folder (`crossroads compare`) has its own charts ([`comparison`] reads the folder):
//! the forest plot of paired differences ([`forest`]) and the overlaid fan charts of the scenarios
//! ([`overlay`]).
//!
//! Experiment folders (sweep, sensitivity, discover) are read by [`experiment_data`] and drawn by
//! [`experiments`].
//!
//! Each chart is drawn twice in memory (SVG string and RGB buffer encoded as PNG) and only
//! [`write_charts`] touches the disk, writing each file under a temporary name and renaming it.
//! Output is deterministic: the same folder gives byte-identical files. Text comes from the DejaVu
//! Sans faces embedded in the binary ([`style::FONT`]), so no system fonts are needed.

pub mod activity;
pub mod calibration;
pub mod comparison;
pub mod data;
pub mod distributions;
pub mod elections;
pub mod experiment_data;
pub mod experiments;
pub mod fans;
pub mod forest;
pub mod names;
pub mod outcomes;
pub mod overlay;
pub mod split;
pub mod stats;
pub mod style;
pub mod timing;

use data::OutputData;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};
use style::OrDraw;

/// Why charts could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartError {
    /// The folder does not exist or is not an output folder (no manifest.json).
    NotOutputFolder(String),
    /// A file of the folder could not be parsed.
    Invalid(String),
    /// Reading or writing failed.
    Io(String),
    /// Drawing failed (font, backend).
    Draw(String),
}

impl ChartError {
    /// True for errors in the user's input (exit code 2), false for internal failures (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            ChartError::NotOutputFolder(_) | ChartError::Invalid(_)
        )
    }
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::NotOutputFolder(m) | ChartError::Invalid(m) | ChartError::Io(m) => {
                write!(f, "{m}")
            }
            ChartError::Draw(m) => write!(f, "drawing a chart failed: {m}"),
        }
    }
}

impl std::error::Error for ChartError {}

/// One rendered chart, in memory.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem in charts/ (`outcome_probabilities`, `fan_opinion`, ...).
    pub stem: String,
    /// The chart's title as drawn.
    pub title: String,
    /// One line telling a reader how to read it (for the report).
    pub caption: String,
    pub width: u32,
    pub height: u32,
    pub svg: String,
    pub png: Vec<u8>,
}

/// What a chart module hands to [`render`]: the drawing, generic over the backend.
pub trait Draw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>;
}

/// Draws `d` as SVG and as PNG.
pub fn render(
    stem: impl Into<String>,
    title: impl Into<String>,
    caption: impl Into<String>,
    (width, height): (u32, u32),
    d: &impl Draw,
) -> Result<Chart, ChartError> {
    style::ensure_fonts()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        d.draw(&root)?;
        root.present().d()?;
    }
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        d.draw(&root)?;
        root.present().d()?;
    }
    let png = encode_png(&rgb, width, height)?;
    Ok(Chart {
        stem: stem.into(),
        title: title.into(),
        caption: caption.into(),
        width,
        height,
        svg,
        png,
    })
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Default);
        let mut w = enc.write_header().d()?;
        w.write_image_data(rgb).d()?;
        w.finish().d()?;
    }
    Ok(out)
}

/// Every chart the folder's data allows, in report order.
pub fn build_all(data: &OutputData) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    out.extend(outcomes::charts(data)?);
    out.extend(distributions::charts(data)?);
    out.extend(timing::charts(data)?);
    out.extend(elections::charts(data)?);
    out.extend(fans::charts(data)?);
    out.extend(split::charts(data)?);
    out.extend(activity::charts(data)?);
    Ok(out)
}

/// Reads the output folder `dir` and writes charts/<stem>.png and charts/<stem>.svg for every chart;
/// returns the paths written (PNG then SVG per chart, in report order).
pub fn render_all(dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    let data = OutputData::load(dir)?;
    let charts = build_all(&data)?;
    write_charts(dir, &charts)
}

/// Writes rendered charts into `dir`/charts/ (each file atomically: temporary name, then rename).
pub fn write_charts(dir: &Path, charts: &[Chart]) -> Result<Vec<PathBuf>, ChartError> {
    let cdir = dir.join("charts");
    std::fs::create_dir_all(&cdir)
        .map_err(|e| ChartError::Io(format!("{}: {e}", cdir.display())))?;
    let mut paths = Vec::new();
    for c in charts {
        let png = cdir.join(format!("{}.png", c.stem));
        write_atomic(&png, &c.png)?;
        let svg = cdir.join(format!("{}.svg", c.stem));
        write_atomic(&svg, c.svg.as_bytes())?;
        paths.push(png);
        paths.push(svg);
    }
    Ok(paths)
}

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ChartError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let io = |e: std::io::Error, p: &Path| ChartError::Io(format!("{}: {e}", p.display()));
    std::fs::write(&tmp, bytes).map_err(|e| io(e, &tmp))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e, path)
    })
}

impl From<crate::outputs::read::ReadError> for ChartError {
    fn from(e: crate::outputs::read::ReadError) -> ChartError {
        use crate::outputs::read::ReadErrorKind as K;
        match e.kind {
            K::NotOutputFolder => ChartError::NotOutputFolder(e.to_string()),
            K::Invalid => ChartError::Invalid(e.to_string()),
            K::Io => ChartError::Io(e.to_string()),
        }
    }
}
