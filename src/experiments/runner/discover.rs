//! `crossroads discover`'s orchestration: a run folder verified against its manifest, its runs.csv
//! read (the uncertain parameters and whether each run is a case of interest), PRIM's peeling and
//! pasting trajectory with the quasi-p-values and the recommended box ([`crate::experiments::prim`]),
//! written as boxes.csv with the manifest (docs/outputs.md, "Experiment folders"). File-only work:
//! no stop flag (Ctrl-C ends the folder `failed`, as for `merge`).

use super::{Error, output_error};
use crate::experiments::prim;
use crate::outputs::OutputDir;
use crate::outputs::experiment::{CsvStream, DiscoverManifest, ScenarioRef, num};
use crate::outputs::manifest::{Status, now_utc};
use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The run folder.
    pub dir: PathBuf,
    pub outcome: String,
    pub value: Option<f64>,
    pub peel: f64,
    pub min_support: f64,
    pub paste: f64,
    pub out: Option<PathBuf>,
}

/// A discovery made in memory, ready to be written.
pub struct Discovery {
    /// The output folder (`--out`, else DIR-discover-<outcome> next to DIR).
    pub out: PathBuf,
    manifest: DiscoverManifest,
    header: Vec<String>,
    traj: Vec<prim::PrimBox>,
    peeled: usize,
    full: Vec<(f64, f64)>,
    qps: Vec<Vec<Option<f64>>>,
    recommended: Option<usize>,
}

/// Reads and checks the run folder, runs PRIM. Every problem is a usage error (or the folder's own).
pub fn prepare(args: &Request) -> Result<Discovery, Error> {
    let started_at = now_utc();
    let bad = |m: String| Error::Usage(m);
    // The folder must be a batch and what its manifest says (runs.csv's rows, 0/1 in binary columns,
    // numbers in parameter columns) before PRIM reads it.
    let v = crate::outputs::verify::folder(&args.dir).map_err(output_error)?;
    let mpath = args.dir.join("manifest.json");
    let Some(m) = v.batch else {
        return Err(bad(format!(
            "{}: a {} folder; discover reads the folder of `crossroads run` (or `merge`)",
            args.dir.display(),
            v.kind.as_str()
        )));
    };
    let params: Vec<String> = m.uncertain_params.iter().map(|p| p.path.clone()).collect();
    if params.is_empty() {
        return Err(bad(format!(
            "{}: the batch sampled no uncertain parameters",
            args.dir.display()
        )));
    }
    let outcome = m
        .outcomes
        .iter()
        .find(|o| o.id == args.outcome)
        .ok_or_else(|| {
            bad(format!(
                "--outcome {:?}: no such outcome in {}",
                args.outcome,
                mpath.display()
            ))
        })?;
    let binary = outcome.is_binary();
    check_settings(args, binary)?;
    let scenario = Some(ScenarioRef {
        path: m.scenario.path.clone(),
        name: m.scenario.name.clone(),
        description: m.scenario.description.clone(),
        sha256: m.scenario.sha256.clone(),
    });
    let (x, y) = read_cases(args, &params, binary)?;
    let mut traj = prim::peel(&x, &y, args.peel, args.min_support);
    let peeled = traj.len();
    if args.paste > 0.0
        && let Some(last) = traj.last()
    {
        let pasted = prim::paste(&x, &y, last, args.paste);
        if pasted != *last {
            traj.push(pasted);
        }
    }
    // Quasi-p-values of every restriction of every box, and the recommended box
    // (experiments::prim, "Choosing a box").
    let full = traj.first().map(|b| b.limits.clone()).unwrap_or_default();
    let qps: Vec<Vec<Option<f64>>> = traj
        .iter()
        .map(|b| {
            (0..params.len())
                .map(|j| prim::quasi_p(&x, &y, b, &full, j))
                .collect()
        })
        .collect();
    let recommended = prim::recommend(&traj, &qps);
    let mut header = vec![
        "step".to_string(),
        "stage".into(),
        "coverage".into(),
        "density".into(),
        "support".into(),
        "n".into(),
        "restricted".into(),
        "recommended".into(),
    ];
    for p in &params {
        header.push(format!("{p}.lo"));
        header.push(format!("{p}.hi"));
    }
    for p in &params {
        header.push(format!("{p}.qp"));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let mut name = args.dir.file_name().unwrap_or_default().to_os_string();
        name.push(format!("-discover-{}", args.outcome));
        args.dir.with_file_name(name)
    });
    let manifest = DiscoverManifest {
        kind: "discover".into(),
        crossroads_version: env!("CARGO_PKG_VERSION").into(),
        status: Status::Running,
        source: args.dir.display().to_string(),
        scenario,
        outcome: args.outcome.clone(),
        outcome_label: outcome.label.clone(),
        value: args.value,
        cases_of_interest: y.iter().filter(|&&b| b).count() as u64,
        cases: y.len() as u64,
        peel_alpha: args.peel,
        min_support: args.min_support,
        paste_alpha: args.paste,
        pasted: traj.len() > peeled,
        params,
        boxes: 0,
        recommended: None,
        started_at,
        finished_at: None,
        error: None,
        files: vec![],
    };
    Ok(Discovery {
        out,
        manifest,
        header,
        traj,
        peeled,
        full,
        qps,
        recommended,
    })
}

/// `--value` against the outcome's kind, and PRIM's settings.
fn check_settings(args: &Request, binary: bool) -> Result<(), Error> {
    let bad = |m: String| Error::Usage(m);
    match (binary, args.value) {
        (false, None) => {
            return Err(bad(format!(
                "--outcome {:?} is numeric: give --value V (cases of interest: value >= V)",
                args.outcome
            )));
        }
        (true, Some(_)) => {
            return Err(bad(format!(
                "--value applies to numeric outcomes; {:?} is binary (its cases of interest are the \
                 runs where it happened): leave --value out",
                args.outcome
            )));
        }
        (false, Some(x)) if !x.is_finite() => {
            return Err(bad(format!("--value {x}: expected a finite number")));
        }
        _ => {}
    }
    if !(0.0 < args.peel
        && args.peel < 0.5
        && (0.0..1.0).contains(&args.min_support)
        && (0.0..0.5).contains(&args.paste))
    {
        return Err(bad(
            "--peel must be in (0, 0.5), --paste in [0, 0.5) and --min-support in [0, 1)".into(),
        ));
    }
    Ok(())
}

/// runs.csv's parameter values per run (runs without every parameter left out) and whether each is
/// a case of interest.
fn read_cases(
    args: &Request,
    params: &[String],
    binary: bool,
) -> Result<(Vec<Vec<f64>>, Vec<bool>), Error> {
    let bad = |m: String| Error::Usage(m);
    let rpath = args.dir.join("runs.csv");
    let mut rd =
        csv::Reader::from_path(&rpath).map_err(|e| bad(format!("{}: {e}", rpath.display())))?;
    let head = rd
        .headers()
        .map_err(|e| bad(format!("{}: {e}", rpath.display())))?
        .clone();
    let col = |name: &str| head.iter().position(|h| h == name);
    let pcols: Vec<usize> = params
        .iter()
        .map(|p| col(p).ok_or_else(|| bad(format!("{}:1: no column {p}", rpath.display()))))
        .collect::<Result<_, _>>()?;
    let ocol = col(&args.outcome)
        .ok_or_else(|| bad(format!("{}:1: no column {}", rpath.display(), args.outcome)))?;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for rec in rd.records() {
        let rec = rec.map_err(|e| bad(format!("{}: {e}", rpath.display())))?;
        // Verified: parameter cells are numbers or empty (a parameter a run did not report).
        let row: Option<Vec<f64>> = pcols.iter().map(|&c| rec[c].parse().ok()).collect();
        let Some(row) = row else { continue };
        let v = &rec[ocol];
        let hit = if binary {
            v == "1"
        } else {
            v.parse::<f64>()
                .is_ok_and(|z| z >= args.value.unwrap_or(f64::INFINITY))
        };
        x.push(row);
        y.push(hit);
    }
    if x.is_empty() {
        return Err(bad(format!("{}: no runs", rpath.display())));
    }
    Ok((x, y))
}

impl Discovery {
    /// Writes the manifest, boxes.csv and the final manifest into `dir` (opened by the caller at
    /// [`Discovery::out`]). Returns the number of boxes and the last box's coverage, density and
    /// support.
    pub fn write(mut self, dir: &OutputDir) -> Result<(usize, (f64, f64, f64)), Error> {
        let (traj, peeled, full, qps) = (&self.traj, self.peeled, &self.full, &self.qps);
        let recommended = self.recommended;
        let manifest = &mut self.manifest;
        dir.manifest(manifest).map_err(output_error)?;
        let mut table = CsvStream::create(dir, "boxes.csv", &self.header).map_err(output_error)?;
        for (i, b) in traj.iter().enumerate() {
            let mut r = vec![
                i.to_string(),
                if i < peeled { "peel" } else { "paste" }.to_string(),
                num(b.coverage),
                num(b.density),
                num(b.support),
                b.n.to_string(),
                prim::restricted(b, full).len().to_string(),
                u8::from(recommended == Some(i)).to_string(),
            ];
            for (lo, hi) in &b.limits {
                r.push(num(*lo));
                r.push(num(*hi));
            }
            for q in &qps[i] {
                r.push(q.map_or(String::new(), num));
            }
            table.row(&r).map_err(output_error)?;
        }
        table.finish().map_err(output_error)?;
        manifest.status = Status::Complete;
        manifest.boxes = traj.len() as u64;
        manifest.recommended = recommended.map(|r| r as u64);
        manifest.finished_at = Some(now_utc());
        dir.manifest(manifest).map_err(output_error)?;
        let last = traj
            .last()
            .map(|b| (b.coverage, b.density, b.support))
            .unwrap_or_default();
        Ok((traj.len(), last))
    }
}
