//! `crossroads drivers`' orchestration: a run folder verified against its manifest, its runs.csv read
//! (the uncertain parameters and the outcomes), the given-data PAWN index of every parameter on every
//! outcome with bootstrap intervals and a dummy-input threshold ([`crate::experiments::pawn`]),
//! written as drivers.csv with the manifest (docs/outputs.md, "Experiment folders"). File-only work:
//! no stop flag (Ctrl-C ends the folder `failed`, as for `merge`).

use super::{Error, output_error};
use crate::experiments::pawn;
use crate::outputs::OutputDir;
use crate::outputs::experiment::{CsvStream, DriversManifest, OutcomeRef, ScenarioRef, num};
use crate::outputs::manifest::{Manifest, OutcomeInfo, ParamInfo, Status, now_utc};
use std::path::PathBuf;

/// The columns of drivers.csv.
pub const DRIVERS_COLUMNS: [&str; 12] = [
    "outcome",
    "parameter",
    "pawn_median",
    "low",
    "high",
    "pawn_min",
    "pawn_mean",
    "pawn_max",
    "cv",
    "influential",
    "dummy_high",
    "runs",
];

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The run folder.
    pub dir: PathBuf,
    /// Only these outcomes (empty: every outcome).
    pub outcome: Vec<String>,
    pub slices: usize,
    pub bootstrap: usize,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
}

/// A run folder read and checked, ready for the indices.
pub struct Drivers {
    req: Request,
    /// The output folder (`--out`, else DIR-drivers next to DIR).
    pub out: PathBuf,
    m: Manifest,
    /// The outcomes asked for.
    outcomes: Vec<OutcomeInfo>,
    started_at: String,
    x: Vec<Vec<f64>>,
    y: Vec<Vec<Option<f64>>>,
    seed: u64,
}

/// What was written.
pub struct Written {
    pub params: usize,
    pub outcomes: usize,
    pub runs: usize,
}

/// Reads and checks the run folder. Every problem is a usage error (or the folder's own).
pub fn prepare(req: Request) -> Result<Drivers, Error> {
    let started_at = now_utc();
    let args = &req;
    let bad = |m: String| Error::Usage(m);
    if args.slices < 2 {
        return Err(bad("--slices must be at least 2".into()));
    }
    let mpath = args.dir.join("manifest.json");
    // The folder must be a batch and what its manifest says (runs.csv's rows, numbers in parameter
    // and outcome columns) before PAWN reads it.
    let v = crate::outputs::verify::folder(&args.dir).map_err(output_error)?;
    let Some(m) = v.batch else {
        return Err(bad(format!(
            "{}: a {} folder; drivers reads the folder of `crossroads run` (or `merge`)",
            args.dir.display(),
            v.kind.as_str()
        )));
    };
    if m.uncertain_params.is_empty() {
        return Err(bad(format!(
            "{}: the batch sampled no uncertain parameters: nothing can drive its outcomes",
            args.dir.display()
        )));
    }
    for o in &args.outcome {
        if !m.outcomes.iter().any(|x| &x.id == o) {
            return Err(bad(format!(
                "--outcome {o:?}: no such outcome in {} (it has: {})",
                mpath.display(),
                m.outcomes
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let outcomes: Vec<&OutcomeInfo> = m
        .outcomes
        .iter()
        .filter(|o| args.outcome.is_empty() || args.outcome.contains(&o.id))
        .collect();
    // runs.csv: the parameter columns and the outcome columns.
    let rpath = args.dir.join("runs.csv");
    let mut rd =
        csv::Reader::from_path(&rpath).map_err(|e| bad(format!("{}: {e}", rpath.display())))?;
    let head = rd
        .headers()
        .map_err(|e| bad(format!("{}: {e}", rpath.display())))?
        .clone();
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("{}: no column {name}", rpath.display())))
    };
    let pcols = m
        .uncertain_params
        .iter()
        .map(|p| col(&p.path))
        .collect::<Result<Vec<_>, _>>()?;
    let ocols = outcomes
        .iter()
        .map(|o| col(&o.id))
        .collect::<Result<Vec<_>, _>>()?;
    let mut x: Vec<Vec<f64>> = Vec::new();
    let mut y: Vec<Vec<Option<f64>>> = vec![Vec::new(); outcomes.len()];
    for rec in rd.records() {
        let rec = rec.map_err(|e| bad(format!("{}: {e}", rpath.display())))?;
        let row: Option<Vec<f64>> = pcols.iter().map(|&c| rec[c].parse().ok()).collect();
        let Some(row) = row else { continue };
        x.push(row);
        for (v, &c) in y.iter_mut().zip(&ocols) {
            v.push(rec[c].parse::<f64>().ok().filter(|z| z.is_finite()));
        }
    }
    if x.len() < 2 * args.slices {
        return Err(bad(format!(
            "{}: {} runs are too few for {} slices (at least {} needed)",
            rpath.display(),
            x.len(),
            args.slices,
            2 * args.slices
        )));
    }
    let seed = args.seed.unwrap_or(m.seed);
    let out = args.out.clone().unwrap_or_else(|| {
        let mut name = args.dir.file_name().unwrap_or_default().to_os_string();
        name.push("-drivers");
        args.dir.with_file_name(name)
    });
    let outcomes: Vec<OutcomeInfo> = outcomes.into_iter().cloned().collect();
    Ok(Drivers {
        req,
        out,
        m,
        outcomes,
        started_at,
        x,
        y,
        seed,
    })
}

impl Drivers {
    /// Writes the manifest, drivers.csv (the indices computed outcome by outcome) and the final
    /// manifest into `dir` (opened by the caller at [`Drivers::out`]).
    pub fn write(&self, dir: &OutputDir) -> Result<Written, Error> {
        let (args, m, x, y, seed) = (&self.req, &self.m, &self.x, &self.y, self.seed);
        let outcomes = &self.outcomes;
        let started_at = self.started_at.clone();
        let mut manifest = DriversManifest {
            kind: "drivers".into(),
            crossroads_version: env!("CARGO_PKG_VERSION").into(),
            status: Status::Running,
            source: args.dir.display().to_string(),
            scenario: Some(ScenarioRef {
                path: m.scenario.path.clone(),
                name: m.scenario.name.clone(),
                description: m.scenario.description.clone(),
                sha256: m.scenario.sha256.clone(),
            }),
            runs: x.len() as u64,
            source_seed: m.seed,
            seed,
            slices: args.slices,
            bootstrap_resamples: args.bootstrap,
            params: m
                .uncertain_params
                .iter()
                .map(|p| ParamInfo {
                    path: p.path.clone(),
                    distribution: p.distribution.clone(),
                })
                .collect(),
            outcomes: outcomes
                .iter()
                .map(|o| OutcomeRef {
                    id: o.id.clone(),
                    label: o.label.clone(),
                    units: o.units.clone(),
                    kind_type: o.kind_type.clone(),
                })
                .collect(),
            started_at,
            finished_at: None,
            error: None,
            files: vec![],
        };
        dir.manifest(&mut manifest).map_err(output_error)?;
        let mut table = CsvStream::create(dir, "drivers.csv", &DRIVERS_COLUMNS.map(String::from))
            .map_err(output_error)?;
        for (o, ys) in outcomes.iter().zip(y) {
            // Runs without a value (the event never happened) are left out of this outcome's indices.
            let keep: Vec<usize> = (0..ys.len()).filter(|&i| ys[i].is_some()).collect();
            let xo: Vec<Vec<f64>> = keep.iter().map(|&i| x[i].clone()).collect();
            let yo: Vec<f64> = keep.iter().filter_map(|&i| ys[i]).collect();
            let (ds, dummy) = if yo.len() >= 2 * args.slices {
                pawn::drivers(&xo, &yo, args.slices, args.bootstrap, seed)
            } else {
                (vec![None; m.uncertain_params.len()], None)
            };
            let dummy_high = dummy.as_ref().map_or(f64::NAN, |d| d.high);
            let mut row = |name: &str, d: Option<&pawn::Driver>, infl: String| {
                let f = |v: Option<f64>| v.map_or(String::new(), num);
                table.row(&[
                    o.id.clone(),
                    name.to_string(),
                    f(d.map(|d| d.index.median)),
                    f(d.map(|d| d.low)),
                    f(d.map(|d| d.high)),
                    f(d.map(|d| d.index.min)),
                    f(d.map(|d| d.index.mean)),
                    f(d.map(|d| d.index.max)),
                    f(d.map(|d| d.index.cv)),
                    infl,
                    num(dummy_high),
                    yo.len().to_string(),
                ])
            };
            for (p, d) in m.uncertain_params.iter().zip(&ds) {
                let infl = match d {
                    Some(d) => u8::from(pawn::influential(d, dummy.as_ref())).to_string(),
                    None => String::new(),
                };
                row(&p.path, d.as_ref(), infl).map_err(output_error)?;
            }
            row("(dummy)", dummy.as_ref(), String::new()).map_err(output_error)?;
        }
        table.finish().map_err(output_error)?;
        manifest.status = Status::Complete;
        manifest.finished_at = Some(now_utc());
        dir.manifest(&mut manifest).map_err(output_error)?;
        Ok(Written {
            params: m.uncertain_params.len(),
            outcomes: outcomes.len(),
            runs: x.len(),
        })
    }
}
