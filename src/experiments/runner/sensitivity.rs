//! `crossroads sensitivity`'s orchestration: a Saltelli design (Sobol indices) or Morris trajectories
//! over the scenario's uncertain parameters (the unit cube mapped onto their distributions by
//! [`crate::experiments::dist`]), one batch of runs per evaluation (the block of evaluations around
//! one base point shares runs `[b·R, (b+1)·R)`: see [`crate::experiments::sensitivity`]), each
//! finished evaluation a row of samples.csv, sensitivity.csv once every evaluation is done, the
//! manifest `complete`, `partial` (stop flag) or `failed` at the end.

use super::points::{Runs, evaluate, run_design};
use super::{End, Error, Progress, out_path, outcome_refs, output_error, scenario_ref};
use crate::batch::budget::Plan;
use crate::experiments::{dist, morris, sensitivity};
use crate::outputs::OutputDir;
use crate::outputs::experiment::{CsvStream, OutcomeRef, SensitivityManifest, num};
use crate::outputs::manifest::{ParamInfo, Status, now_utc};
use crate::scenario::param::Uncertain;
use crate::scenario::{Resolved, Sources};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// The most model evaluations a sensitivity design may have (`N (k + 2)` or `r (k + 1)`).
pub const MAX_EVALUATIONS: usize = 1_000_000;
/// The most Morris trajectories (`--samples` with `--method morris`): their greedy selection among
/// 4r candidates grows with r³.
pub const MAX_MORRIS_TRAJECTORIES: usize = 500;
/// The most bootstrap resamples (`--bootstrap`).
pub const MAX_BOOTSTRAP: usize = 10_000;

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub file: PathBuf,
    pub samples: usize,
    pub runs_per_point: u64,
    /// `sobol` or `morris`.
    pub method: String,
    pub bootstrap: usize,
    pub seed: Option<u64>,
    pub threads: usize,
    pub out: Option<PathBuf>,
    pub sets: Vec<String>,
    pub allow_large: bool,
}

/// A sensitivity analysis checked and ready to run: its design mapped onto the parameters' values.
pub struct Sensitivity {
    req: Request,
    sources: Sources,
    base: Resolved,
    unc: Vec<Uncertain>,
    pub seed: u64,
    /// The output folder (`--out`, else outputs/<scenario name>-sensitivity), checked.
    pub out: PathBuf,
    saltelli: Option<sensitivity::SaltelliDesign>,
    mdesign: Option<morris::MorrisDesign>,
    /// The parameters' values of every evaluation, in design order.
    pub values: Vec<Vec<f64>>,
}

/// How a sensitivity analysis ended.
pub struct Finished {
    pub manifest: SensitivityManifest,
    pub end: End,
    /// Evaluations written.
    pub done: u64,
}

/// Reads the scenario once and checks everything before a folder exists: uncertain parameters, the
/// method, the design's size, the output folder's place and the work per evaluation; builds the
/// design.
pub fn prepare(req: Request) -> Result<Sensitivity, Error> {
    let (args, threads) = (&req, req.threads);
    // The scenario is read once: every evaluation applies its values to this copy.
    let sources = Sources::read(&args.file)?;
    let base = sources.load(&args.sets)?;
    let seed = args.seed.unwrap_or(base.scenario.run.seed);
    let unc = base.uncertain();
    let k = unc.len();
    if k == 0 {
        return Err(Error::Usage(format!(
            "{}: the scenario has no uncertain parameters (write a distribution such as Uniform(lo, hi) in place of a number)",
            args.file.display()
        )));
    }
    let morris_method = match args.method.as_str() {
        "sobol" => false,
        "morris" => true,
        m => {
            return Err(Error::Usage(format!(
                "--method {m:?}: expected sobol or morris"
            )));
        }
    };
    // Sizes first: the designs are built in memory.
    let per = if morris_method { k + 1 } else { k + 2 };
    if args.samples.saturating_mul(per) > MAX_EVALUATIONS {
        return Err(Error::Usage(format!(
            "--samples {}: {} × {per} evaluations is more than the {MAX_EVALUATIONS} allowed",
            args.samples, args.samples
        )));
    }
    if morris_method && args.samples > MAX_MORRIS_TRAJECTORIES {
        return Err(Error::Usage(format!(
            "--samples {}: Morris screening takes at most {MAX_MORRIS_TRAJECTORIES} trajectories \
             (10 to 50 are usual)",
            args.samples
        )));
    }
    if args.bootstrap > MAX_BOOTSTRAP {
        return Err(Error::Usage(format!(
            "--bootstrap {}: at most {MAX_BOOTSTRAP} resamples (200 to 1000 are usual)",
            args.bootstrap
        )));
    }
    let out = out_path(&args.out, format!("{}-sensitivity", base.scenario.run.name));
    crate::outputs::place::check_out(&out, &sources.paths()).map_err(output_error)?;
    Plan::batch(&base.scenario, args.runs_per_point, threads, false)
        .check(&args.file.display().to_string(), args.allow_large)
        .map_err(Error::Usage)?;
    let (saltelli, mdesign) = if morris_method {
        let candidates = morris::CANDIDATES_PER_TRAJECTORY * args.samples;
        let d = morris::morris_design(args.samples, k, candidates, seed);
        (None, Some(d))
    } else {
        let d = sensitivity::saltelli_design(args.samples, k, seed).map_err(Error::Usage)?;
        (Some(d), None)
    };
    let unit_rows: &[Vec<f64>] = match (&saltelli, &mdesign) {
        (Some(d), _) => &d.rows,
        (None, Some(d)) => &d.rows,
        (None, None) => &[], // not reached: one design is built above
    };
    let values: Vec<Vec<f64>> = unit_rows
        .iter()
        .map(|u| {
            u.iter()
                .zip(&unc)
                .map(|(x, p)| dist::inverse_cdf(&p.dist, *x))
                .collect()
        })
        .collect();
    Ok(Sensitivity {
        req,
        sources,
        base,
        unc,
        seed,
        out,
        saltelli,
        mdesign,
        values,
    })
}

impl Sensitivity {
    /// The files read (the inputs the output folder may not be).
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.sources.paths()
    }

    fn morris(&self) -> bool {
        self.mdesign.is_some()
    }

    /// The running manifest.
    fn manifest(&self, outs: &[OutcomeRef]) -> SensitivityManifest {
        let args = &self.req;
        SensitivityManifest {
            kind: "sensitivity".into(),
            crossroads_version: env!("CARGO_PKG_VERSION").into(),
            status: Status::Running,
            completed_evaluations: 0,
            evaluations: self.values.len() as u64,
            scenario: scenario_ref(&args.file, &self.base),
            sets: args.sets.clone(),
            seed: self.seed,
            method: args.method.clone(),
            samples: args.samples,
            runs_per_point: args.runs_per_point,
            bootstrap_resamples: if self.morris() {
                None
            } else {
                Some(args.bootstrap)
            },
            params: self
                .unc
                .iter()
                .map(|p| ParamInfo {
                    path: p.path.clone(),
                    distribution: p.dist.to_string(),
                })
                .collect(),
            outcomes: outs.to_vec(),
            threads: args.threads,
            indices: false,
            started_at: now_utc(),
            finished_at: None,
            note: None,
            error: None,
            files: vec![],
        }
    }

    /// Runs the evaluations into `dir` (opened by the caller at [`Sensitivity::out`]): the manifest
    /// first, a row of samples.csv per finished evaluation, sensitivity.csv when all are done, the
    /// final manifest last.
    pub fn run(
        &self,
        dir: &OutputDir,
        stop: &AtomicBool,
        progress: &mut dyn Progress,
    ) -> Result<Finished, Error> {
        let (args, unc, values) = (&self.req, &self.unc, &self.values);
        let outs = outcome_refs(&self.base);
        let mut m = self.manifest(&outs);
        dir.manifest(&mut m).map_err(output_error)?;

        // samples.csv: one row per evaluation in design order, with the model outputs.
        let mut header = vec![
            "eval".to_string(),
            "base".to_string(),
            "block_row".to_string(),
            "first_run".to_string(),
        ];
        header.extend(unc.iter().map(|p| p.path.clone()));
        header.extend(outs.iter().map(|o| o.id.clone()));
        let mut table = CsvStream::create(dir, "samples.csv", &header).map_err(output_error)?;
        let k = unc.len();
        let block = if self.morris() { k + 1 } else { k + 2 };
        let mut y: Vec<Vec<f64>> = vec![Vec::with_capacity(values.len()); outs.len()];
        let mut noise: Vec<Vec<f64>> = vec![Vec::with_capacity(values.len()); outs.len()];
        let first_run = |i: usize| sensitivity::first_run(i, block, args.runs_per_point);
        let end = run_design(
            values.len(),
            "evaluations",
            progress,
            stop,
            |i| {
                let mut sets = args.sets.clone();
                sets.extend(
                    unc.iter()
                        .zip(&values[i])
                        .map(|(p, x)| format!("{}={x:?}", p.path)),
                );
                let runs = Runs {
                    seed: self.seed,
                    first: first_run(i),
                    runs: args.runs_per_point,
                    threads: args.threads,
                };
                evaluate(&self.sources, &sets, runs, stop, None)
            },
            |i, aggs| {
                let mut r = vec![
                    i.to_string(),
                    (i / block).to_string(),
                    (i % block).to_string(),
                    first_run(i).to_string(),
                ];
                r.extend(values[i].iter().map(|x| num(*x)));
                for ((o, z), a) in y.iter_mut().zip(noise.iter_mut()).zip(&aggs) {
                    o.push(a.value());
                    z.push(a.noise());
                    r.push(num(a.value()));
                }
                table.row(&r).map_err(output_error)
            },
        )?;
        let done = table.rows();
        table.finish().map_err(output_error)?;

        if let End::Complete = end {
            let bytes = self.indices_csv(&outs, &y, &noise)?;
            dir.write("sensitivity.csv", &bytes).map_err(output_error)?;
            m.indices = true;
        } else {
            m.note = Some(format!(
                "sensitivity.csv not written: the indices need every evaluation of the design ({done} of {} done)",
                values.len()
            ));
        }
        m.completed_evaluations = done;
        m.status = end.status();
        m.error = end.error();
        m.finished_at = Some(now_utc());
        dir.manifest(&mut m).map_err(output_error)?;
        Ok(Finished {
            manifest: m,
            end,
            done,
        })
    }

    /// sensitivity.csv: per outcome and parameter, the Morris effects or the Sobol indices with
    /// their intervals and resolution.
    fn indices_csv(
        &self,
        outs: &[OutcomeRef],
        y: &[Vec<f64>],
        noise: &[Vec<f64>],
    ) -> Result<Vec<u8>, Error> {
        let (args, unc, seed) = (&self.req, &self.unc, self.seed);
        let mut w = csv::Writer::from_writer(Vec::new());
        let cols: &[&str] = if self.morris() {
            &["outcome", "parameter", "mu_star", "mu", "sigma"]
        } else {
            &[
                "outcome",
                "parameter",
                "S1",
                "S1_low",
                "S1_high",
                "ST",
                "ST_low",
                "ST_high",
                "resolved",
                "note",
            ]
        };
        let mut rows = vec![cols.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        for (o, out) in outs.iter().enumerate() {
            if let Some(d) = &self.mdesign {
                for (p, e) in unc.iter().zip(morris::morris_effects(d, &y[o])) {
                    rows.push(vec![
                        out.id.clone(),
                        p.path.clone(),
                        num(e.mu_star),
                        num(e.mu),
                        num(e.sigma),
                    ]);
                }
            } else if let Some(d) = &self.saltelli {
                let ix = sensitivity::sobol_indices(&y[o], d.k, args.bootstrap, seed);
                let res = sensitivity::resolution(&y[o], &noise[o], d.k, &ix, args.runs_per_point);
                for ((p, x), r) in unc.iter().zip(ix).zip(res) {
                    rows.push(vec![
                        out.id.clone(),
                        p.path.clone(),
                        num(x.s1),
                        num(x.s1_low),
                        num(x.s1_high),
                        num(x.st),
                        num(x.st_low),
                        num(x.st_high),
                        u8::from(r.resolved).to_string(),
                        r.note,
                    ]);
                }
            }
        }
        for r in &rows {
            w.write_record(r)
                .map_err(|e| Error::Failure(e.to_string()))?;
        }
        w.into_inner().map_err(|e| Error::Failure(e.to_string()))
    }
}
