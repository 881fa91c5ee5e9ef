//! An experiment folder (`sweep`, `sensitivity`, `discover`, `drivers`; docs/outputs.md, "Experiment
//! folders") as its charts view it: the manifest and the table `outputs::read` reads (points.csv;
//! sensitivity.csv and the row count of samples.csv; boxes.csv; drivers.csv), arranged per chart. The experiment charts and report are drawn from this alone, so
//! `crossroads plot` rebuilds them from the folder's files.

use super::ChartError;
use super::experiments::{SweepPoint, Tornado};
use crate::experiments::prim::PrimBox;
use crate::outputs::FolderKind;
use crate::outputs::experiment::{
    DiscoverManifest, DriversManifest, KINDS, SensitivityManifest, SweepManifest, sweep_columns,
};
use crate::outputs::read;
pub use crate::outputs::read::Table;
use std::path::{Path, PathBuf};

/// An experiment folder in memory.
#[derive(Debug, Clone)]
pub enum ExperimentData {
    Sweep(SweepData),
    Sensitivity(SensitivityData),
    Discover(DiscoverData),
    Drivers(DriversData),
}

/// A drivers folder: manifest and drivers.csv.
#[derive(Debug, Clone)]
pub struct DriversData {
    pub dir: PathBuf,
    pub manifest: DriversManifest,
    /// drivers.csv (`text`: outcome and parameter).
    pub table: Table,
    /// Per outcome (manifest order): the parameters' indices and the dummy's.
    pub outcomes: Vec<DriverSet>,
}

/// One outcome's given-data indices.
#[derive(Debug, Clone, Default)]
pub struct DriverSet {
    pub outcome: String,
    /// `(parameter, PAWN median, low, high, influential)`.
    pub items: Vec<(String, f64, f64, f64, bool)>,
    /// The dummy input's `(median, low, high)`.
    pub dummy: Option<(f64, f64, f64)>,
    /// Runs with a value.
    pub runs: u64,
}

/// A sweep folder: manifest and points.csv.
#[derive(Debug, Clone)]
pub struct SweepData {
    pub dir: PathBuf,
    pub manifest: SweepManifest,
    pub table: Table,
    /// Per row of points.csv: the parameter values and per outcome (estimate, low, high).
    pub points: Vec<SweepPoint>,
}

/// A sensitivity folder: manifest, sensitivity.csv (when written) and the rows of samples.csv.
#[derive(Debug, Clone)]
pub struct SensitivityData {
    pub dir: PathBuf,
    pub manifest: SensitivityManifest,
    /// Rows of samples.csv (0 when the file is absent).
    pub samples: u64,
    /// sensitivity.csv (`text`: outcome and parameter); empty when it was not written.
    pub indices: Table,
    /// The indices per outcome, in manifest order, as the tornado charts take them.
    pub tornado: Vec<Tornado>,
}

fn load_drivers(dir: &Path) -> Result<DriversData, ChartError> {
    let manifest = manifest(dir, FolderKind::Drivers, |m| match m {
        read::Manifest::Drivers(m) => Some(m),
        _ => None,
    })?;
    let path = dir.join("drivers.csv");
    let t = table(&path, &["outcome", "parameter"])?;
    let c = ["pawn_median", "low", "high", "influential", "runs"]
        .iter()
        .map(|n| need(&t, &path, n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut outcomes = Vec::new();
    for o in &manifest.outcomes {
        let mut set = DriverSet {
            outcome: o.id.clone(),
            ..DriverSet::default()
        };
        for (r, s) in t.rows.iter().zip(&t.text) {
            if s.first() != Some(&o.id) {
                continue;
            }
            let p = s.get(1).cloned().unwrap_or_default();
            if r[c[4]].is_finite() {
                set.runs = r[c[4]] as u64;
            }
            if p == "(dummy)" {
                set.dummy = Some((r[c[0]], r[c[1]], r[c[2]]));
            } else {
                set.items
                    .push((p, r[c[0]], r[c[1]], r[c[2]], r[c[3]] == 1.0));
            }
        }
        outcomes.push(set);
    }
    Ok(DriversData {
        dir: dir.to_path_buf(),
        manifest,
        table: t,
        outcomes,
    })
}

impl SensitivityData {
    pub fn morris(&self) -> bool {
        self.manifest.method == "morris"
    }
}

/// A discover folder: manifest and boxes.csv.
#[derive(Debug, Clone)]
pub struct DiscoverData {
    pub dir: PathBuf,
    pub manifest: DiscoverManifest,
    pub boxes: Vec<PrimBox>,
    /// Per box: `peel` (the peeling trajectory) or `paste` (the last box widened by pasting).
    pub stages: Vec<String>,
    /// Per box, per parameter: the restriction's quasi-p-value (NaN: not restricted, or a folder
    /// written before they were computed).
    pub qps: Vec<Vec<f64>>,
    /// The recommended box (its row), when the folder says.
    pub recommended: Option<usize>,
}

impl DiscoverData {
    /// What the cases of interest are: the outcome, or `outcome >= value`.
    pub fn what(&self) -> String {
        let m = &self.manifest;
        let name = if m.outcome_label.is_empty() {
            m.outcome.clone()
        } else {
            super::style::quoted(&m.outcome_label)
        };
        match m.value {
            Some(v) => format!("{name} >= {v}"),
            None => name,
        }
    }
}

/// The typed manifest of `dir` when it is of the kind `pick` takes, else a located error naming
/// both kinds.
fn manifest<T>(
    dir: &Path,
    want: FolderKind,
    pick: impl FnOnce(read::Manifest) -> Option<T>,
) -> Result<T, ChartError> {
    let m = read::manifest(dir)?;
    let got = m.kind();
    pick(m).ok_or_else(|| read::wrong_kind(&dir.join("manifest.json"), got, want).into())
}

fn table(path: &Path, text: &[&str]) -> Result<Table, ChartError> {
    Ok(read::table(path, text)?)
}

fn need(t: &Table, path: &Path, name: &str) -> Result<usize, ChartError> {
    Ok(t.need(path, name)?)
}

fn load_sweep(dir: &Path) -> Result<SweepData, ChartError> {
    let manifest = manifest(dir, FolderKind::Sweep, |m| match m {
        read::Manifest::Sweep(m) => Some(m),
        _ => None,
    })?;
    let path = dir.join("points.csv");
    let table = table(&path, &[])?;
    let pcols = manifest
        .params
        .iter()
        .map(|p| need(&table, &path, &p.path))
        .collect::<Result<Vec<_>, _>>()?;
    // Per outcome: the columns of (estimate, low, high).
    let mut ocols = Vec::new();
    for o in &manifest.outcomes {
        let cols = sweep_columns(o.is_binary());
        let pick = if o.is_binary() { [0, 1, 2] } else { [0, 1, 3] };
        let mut c = [0; 3];
        for (slot, k) in c.iter_mut().zip(pick) {
            *slot = need(&table, &path, &format!("{}.{}", o.id, cols[k]))?;
        }
        ocols.push(c);
    }
    let points = table
        .rows
        .iter()
        .map(|r| SweepPoint {
            x: pcols.iter().map(|&c| r[c]).collect(),
            y: ocols.iter().map(|c| (r[c[0]], r[c[1]], r[c[2]])).collect(),
        })
        .collect();
    Ok(SweepData {
        dir: dir.to_path_buf(),
        manifest,
        table,
        points,
    })
}

fn load_sensitivity(dir: &Path) -> Result<SensitivityData, ChartError> {
    let manifest = manifest(dir, FolderKind::Sensitivity, |m| match m {
        read::Manifest::Sensitivity(m) => Some(m),
        _ => None,
    })?;
    let spath = dir.join("samples.csv");
    let samples = if spath.is_file() {
        table(&spath, &[])?.rows.len() as u64
    } else {
        0
    };
    let ipath = dir.join("sensitivity.csv");
    let mut d = SensitivityData {
        dir: dir.to_path_buf(),
        manifest,
        samples,
        indices: Table::default(),
        tornado: Vec::new(),
    };
    if !(d.manifest.indices && ipath.is_file()) {
        return Ok(d);
    }
    d.indices = table(&ipath, &["outcome", "parameter", "note"])?;
    let cols: &[&str] = if d.morris() {
        &["mu_star"]
    } else {
        &["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
    };
    let c = cols
        .iter()
        .map(|n| need(&d.indices, &ipath, n))
        .collect::<Result<Vec<_>, _>>()?;
    let rcol = d.indices.col("resolved");
    for o in &d.manifest.outcomes {
        let mut items = Vec::new();
        let mut resolved = Vec::new();
        for (r, s) in d.indices.rows.iter().zip(&d.indices.text) {
            if s.first() != Some(&o.id) {
                continue;
            }
            resolved.push(rcol.and_then(|c| r[c].is_finite().then_some(r[c] == 1.0)));
            let param = s.get(1).cloned().unwrap_or_default();
            items.push(if d.morris() {
                let m = r[c[0]];
                (param, m, m, m, f64::NAN, f64::NAN, f64::NAN)
            } else {
                (param, r[c[0]], r[c[1]], r[c[2]], r[c[3]], r[c[4]], r[c[5]])
            });
        }
        d.tornado.push(Tornado {
            outcome: o.id.clone(),
            label: if o.label.is_empty() {
                o.id.clone()
            } else {
                o.label.clone()
            },
            items,
            resolved,
        });
    }
    Ok(d)
}

fn load_discover(dir: &Path) -> Result<DiscoverData, ChartError> {
    let manifest = manifest(dir, FolderKind::Discover, |m| match m {
        read::Manifest::Discover(m) => Some(m),
        _ => None,
    })?;
    let path = dir.join("boxes.csv");
    let t = table(&path, &["stage"])?;
    let base = ["coverage", "density", "support", "n"]
        .iter()
        .map(|n| need(&t, &path, n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut lim = Vec::new();
    for p in &manifest.params {
        lim.push((
            need(&t, &path, &format!("{p}.lo"))?,
            need(&t, &path, &format!("{p}.hi"))?,
        ));
    }
    let boxes = t
        .rows
        .iter()
        .map(|r| PrimBox {
            limits: lim.iter().map(|&(a, b)| (r[a], r[b])).collect(),
            coverage: r[base[0]],
            density: r[base[1]],
            support: r[base[2]],
            n: if r[base[3]].is_finite() {
                r[base[3]] as usize
            } else {
                0
            },
        })
        .collect();
    // Folders written before pasting have no `stage` column: every box was peeled.
    let stages = t
        .text
        .iter()
        .map(|s| s.first().cloned().unwrap_or_else(|| "peel".into()))
        .collect();
    let qcols: Vec<Option<usize>> = manifest
        .params
        .iter()
        .map(|p| t.col(&format!("{p}.qp")))
        .collect();
    let qps = t
        .rows
        .iter()
        .map(|r| qcols.iter().map(|c| c.map_or(f64::NAN, |c| r[c])).collect())
        .collect();
    let recommended = t
        .col("recommended")
        .and_then(|c| t.rows.iter().position(|r| r[c] == 1.0));
    Ok(DiscoverData {
        dir: dir.to_path_buf(),
        manifest,
        boxes,
        stages,
        qps,
        recommended,
    })
}

/// Reads the experiment folder `dir` (its manifest's `kind` says which).
pub fn load(dir: &Path) -> Result<ExperimentData, ChartError> {
    match read::manifest(dir)?.kind() {
        FolderKind::Sweep => load_sweep(dir).map(ExperimentData::Sweep),
        FolderKind::Sensitivity => load_sensitivity(dir).map(ExperimentData::Sensitivity),
        FolderKind::Discover => load_discover(dir).map(ExperimentData::Discover),
        FolderKind::Drivers => load_drivers(dir).map(ExperimentData::Drivers),
        _ => Err(ChartError::Invalid(format!(
            "{}: manifest.json has no experiment `kind` ({})",
            dir.display(),
            KINDS.join(", ")
        ))),
    }
}
