//! `crossroads drivers`: what drives each outcome in runs already made. Reads a run folder's
//! manifest.json and runs.csv, computes the given-data PAWN index of every uncertain parameter on
//! every outcome with bootstrap intervals and a dummy-input threshold
//! ([`crate::experiments::pawn`]), and writes an experiment folder (kind `drivers`): manifest.json,
//! drivers.csv, charts/ and report.html (docs/outputs.md, "Experiment folders"). The run folder is
//! verified against its manifest first (`outputs::verify`), and `--out` is never the run folder
//! itself, inside it or holding it (`outputs::place`).

use super::run::output_error;
use super::{CliError, DriversArgs, term};
use crate::experiments::pawn;
use crate::outputs::experiment::{CsvStream, DriversManifest, OutcomeRef, ScenarioRef, num};
use crate::outputs::manifest::{ParamInfo, now_utc};
use crate::outputs::{FolderKind, Status};

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

pub fn exec(args: DriversArgs) -> Result<(), CliError> {
    let started_at = now_utc();
    let bad = |m: String| CliError::usage(m);
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
    let outcomes: Vec<&crate::outputs::manifest::OutcomeInfo> = m
        .outcomes
        .iter()
        .filter(|o| args.outcome.is_empty() || args.outcome.contains(&o.id))
        .collect();
    // runs.csv: the parameter columns and the outcome columns.
    let rpath = args.dir.join("runs.csv");
    let runs = crate::outputs::read::runs_csv(&rpath).map_err(|e| bad(e.to_string()))?;
    let col = |name: &str| {
        runs.column(name)
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
    for (i, row) in runs.complete_rows(&pcols) {
        x.push(row);
        for (v, c) in y.iter_mut().zip(&ocols) {
            v.push(c[i]);
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
    let dir = super::open_folder(
        &out,
        FolderKind::Drivers,
        args.force,
        std::slice::from_ref(&args.dir),
    )?;
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
    let mut table = CsvStream::create(&dir, "drivers.csv", &DRIVERS_COLUMNS.map(String::from))
        .map_err(output_error)?;
    for (o, ys) in outcomes.iter().zip(&y) {
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
    if !args.no_charts {
        let drawn = crate::report::experiments::plot_folder(dir.path()).map_err(|e| {
            CliError::failure(format!(
                "{}: writing charts and report: {e}",
                dir.path().display()
            ))
        })?;
        super::record_drawn(&dir, &drawn)?;
    }
    if !args.quiet {
        term::errln(&format!(
            "PAWN indices of {} parameters on {} outcomes ({} runs) written to {}",
            m.uncertain_params.len(),
            outcomes.len(),
            x.len(),
            dir.path().display()
        ));
    }
    Ok(())
}
