//! `crossroads compare`'s orchestration: scenario files and run folders read and checked (folders
//! verified against their manifests; seed and runs agreed), the scenarios run together per run index
//! on common random numbers ([`MultiSim`]) with the folders' runs read in step ([`FolderRuns`]),
//! paired differences folded as the runs arrive ([`Comparison`]), then series.csv, compare.csv,
//! compare.json and the final manifest (`complete`, `partial` after the stop flag, `failed`).

use super::{Error, Progress, outcome_infos, output_error};
use crate::batch::budget::Plan;
use crate::batch::{BatchSpec, Stop, run_batch};
use crate::experiments::compare::{
    CompareManifest, Comparison, FolderRuns, InputInfo, MultiSim, Row, SeriesFold, csv_bytes,
    json_bytes, series_csv,
};
use crate::experiments::posterior::{Posterior, PosteriorSim};
use crate::model::{OutcomeValue, RunOptions};
use crate::outputs::OutputDir;
use crate::outputs::manifest::{Status, now_utc};
use crate::scenario::Resolved;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Scenario files or run folders; the first is the reference.
    pub inputs: Vec<PathBuf>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub out: Option<PathBuf>,
    pub allow_large: bool,
    pub sets: Vec<String>,
    /// `--posterior`: a calibration folder whose weighted posterior gives the scenarios' uncertain
    /// parameters (those each scenario has; see [`crate::experiments::posterior::for_compare`]).
    pub posterior: Option<PathBuf>,
}

enum Input {
    Scenario(Box<Resolved>),
    Folder(Box<FolderRuns>),
}

fn unique(names: &mut [String]) {
    for i in 1..names.len() {
        if names[..i].contains(&names[i]) {
            let mut k = 2;
            while names.contains(&format!("{}_{k}", names[i])) {
                k += 1;
            }
            names[i] = format!("{}_{k}", names[i]);
        }
    }
}

/// A comparison checked and ready to run.
pub struct Compare {
    inputs: Vec<Input>,
    names: Vec<String>,
    cmp: Comparison,
    manifest: CompareManifest,
    /// Runs per scenario.
    pub runs: u64,
    seed: u64,
    threads: usize,
    /// The output folder (`--out`, else outputs/compare-<A>-vs-<B>...).
    pub out: PathBuf,
    /// Every file and folder read: the output folder may be none of them.
    pub read: Vec<PathBuf>,
    posterior: Option<Posterior>,
}

/// How a comparison ended.
pub struct Finished {
    pub manifest: CompareManifest,
    pub rows: Vec<Row>,
}

/// Reads every input (a folder verified against its manifest first), agrees seed and runs, checks the
/// work against the limits.
fn read_inputs(args: &Request) -> Result<(Vec<Input>, Vec<PathBuf>), Error> {
    if !args.sets.is_empty()
        && let Some(d) = args.inputs.iter().find(|p| p.is_dir())
    {
        return Err(Error::Usage(format!(
            "--set applies to scenario files; {} is an output folder, whose runs are made \
             (run it again with the --set, or compare scenario files)",
            d.display()
        )));
    }
    let mut inputs = Vec::new();
    // Every file and folder read: the output folder may be none of them.
    let mut read: Vec<PathBuf> = Vec::new();
    for p in &args.inputs {
        if p.is_dir() {
            // The folder must be what its manifest says (rows, sizes, SHA-256) before it is paired.
            crate::outputs::verify::folder(p).map_err(output_error)?;
            inputs.push(Input::Folder(Box::new(
                FolderRuns::open(p).map_err(Error::Usage)?,
            )));
            read.push(p.clone());
        } else {
            let sources = crate::scenario::Sources::read(p)?;
            inputs.push(Input::Scenario(Box::new(sources.load(&args.sets)?)));
            read.extend(sources.paths());
        }
    }
    Ok((inputs, read))
}

/// Seed and runs: the flags, else the folders' (which must agree), else the reference scenario's.
fn seed_and_runs(args: &Request, inputs: &[Input]) -> Result<(u64, u64), Error> {
    let mut seed = args.seed;
    let mut runs = args.runs;
    for (p, i) in args.inputs.iter().zip(inputs) {
        if let Input::Folder(f) = i {
            let m = &f.manifest;
            for (what, want, got) in [("seed", &mut seed, m.seed), ("runs", &mut runs, m.runs)] {
                match want {
                    Some(w) if *w != got => {
                        return Err(Error::Usage(format!(
                            "{}: {what} {got} does not match {what} {w} of the comparison; \
                             re-run it with --{what} {w}",
                            p.display()
                        )));
                    }
                    Some(_) => {}
                    None => *want = Some(got),
                }
            }
        }
    }
    let first_scenario = inputs.iter().find_map(|i| match i {
        Input::Scenario(r) => Some(r),
        _ => None,
    });
    let seed = seed
        .or(first_scenario.map(|r| r.scenario.run.seed))
        .unwrap_or(1);
    let runs = runs
        .or(first_scenario.map(|r| r.scenario.run.runs))
        .unwrap_or(1000);
    if runs == 0 {
        return Err(Error::Usage("--runs must be at least 1".into()));
    }
    Ok((seed, runs))
}

/// Reads and checks the inputs and builds the comparison's manifest; no folder is touched.
pub fn prepare(args: &Request) -> Result<Compare, Error> {
    if args.inputs.len() < 2 {
        return Err(Error::Usage(
            "compare needs at least two scenarios or output folders".into(),
        ));
    }
    let threads = args.threads;
    let (inputs, read) = read_inputs(args)?;
    let (seed, runs) = seed_and_runs(args, &inputs)?;
    let mut plan = Plan::default();
    for i in &inputs {
        if let Input::Scenario(r) = i {
            plan = plan.and(Plan::batch(&r.scenario, runs, threads, true));
        }
    }
    plan.check("compare", args.allow_large)
        .map_err(Error::Usage)?;

    let mut names: Vec<String> = inputs
        .iter()
        .map(|i| match i {
            Input::Scenario(r) => r.scenario.run.name.clone(),
            Input::Folder(f) => f.manifest.scenario.name.clone(),
        })
        .collect();
    unique(&mut names);
    let infos: Vec<InputInfo> = args
        .inputs
        .iter()
        .zip(&inputs)
        .zip(&names)
        .map(|((p, i), name)| InputInfo {
            name: name.clone(),
            path: p.display().to_string(),
            source: match i {
                Input::Scenario(_) => "scenario",
                Input::Folder(_) => "folder",
            }
            .into(),
            sha256: match i {
                Input::Scenario(r) => r.sha256.clone(),
                Input::Folder(f) => f.manifest.scenario.sha256.clone(),
            },
        })
        .collect();
    let cmp = Comparison::new(
        &inputs
            .iter()
            .zip(&names)
            .map(|(i, n)| {
                (
                    n.clone(),
                    match i {
                        Input::Scenario(r) => outcome_infos(&r.scenario),
                        Input::Folder(f) => f.manifest.outcomes.clone(),
                    },
                )
            })
            .collect::<Vec<_>>(),
    );
    // --posterior: loaded and matched to the scenarios before the folder is opened.
    let mut read = read;
    let posterior = match &args.posterior {
        Some(d) => {
            read.push(d.clone());
            Some(Posterior::load(d).map_err(Error::Usage)?)
        }
        None => None,
    };
    let posterior_unused = match &posterior {
        Some(p) => posterior_sims(&inputs, &names, p)?.1,
        None => Vec::new(),
    };
    let out: PathBuf = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("outputs").join(format!("compare-{}", names.join("-vs-")))
    });
    let manifest = CompareManifest {
        crossroads_version: env!("CARGO_PKG_VERSION").to_string(),
        kind: "compare".into(),
        status: Status::Running,
        completed_runs: 0,
        scenarios: infos,
        seed,
        runs,
        threads: Some(threads),
        started_at: now_utc(),
        finished_at: None,
        unmatched: cmp.unmatched(),
        error: None,
        posterior: posterior.as_ref().map(|p| p.reference.clone()),
        posterior_unused,
        labels: {
            let mut l = std::collections::BTreeMap::new();
            for i in inputs.iter().rev() {
                l.extend(match i {
                    Input::Scenario(r) => crate::outputs::labels::labels(&r.scenario),
                    Input::Folder(f) => f.manifest.labels.clone(),
                });
            }
            l
        },
        files: vec![],
    };
    Ok(Compare {
        inputs,
        names,
        cmp,
        manifest,
        runs,
        seed,
        threads,
        out,
        read,
        posterior,
    })
}

/// `compare --posterior`: the scenario inputs (with their names) matched to the posterior: one
/// simulator per scenario input (`None`: it takes none of the posterior's parameters) and the
/// posterior's parameters each scenario does not take.
#[allow(clippy::type_complexity)]
fn posterior_sims<'a>(
    inputs: &'a [Input],
    names: &[String],
    p: &'a Posterior,
) -> Result<(Vec<Option<PosteriorSim<'a>>>, Vec<(String, String)>), Error> {
    let scenarios: Vec<(&Resolved, &str)> = inputs
        .iter()
        .zip(names)
        .filter_map(|(i, n)| match i {
            Input::Scenario(r) => Some((&**r, n.as_str())),
            Input::Folder(_) => None,
        })
        .collect();
    crate::experiments::posterior::for_compare(&scenarios, p).map_err(Error::Usage)
}

impl Compare {
    /// Runs the comparison into `dir` (opened by the caller at [`Compare::out`]): the manifest first,
    /// the files and the final manifest when the runs end (all of them, or those before the stop flag
    /// or a failure). Errors are the folder's (and a folder input's series that cannot be read).
    pub fn run(
        self,
        dir: &OutputDir,
        stop: &AtomicBool,
        progress: &mut dyn Progress,
    ) -> Result<Finished, Error> {
        let Compare {
            inputs,
            names,
            mut cmp,
            manifest: mut m,
            runs,
            seed,
            threads,
            posterior,
            ..
        } = self;
        dir.manifest(&mut m).map_err(output_error)?;

        // Scenario inputs run together per run index; folder inputs are read in step.
        let (scenarios, mut folders): (Vec<_>, Vec<_>) = inputs
            .into_iter()
            .enumerate()
            .partition(|(_, i)| matches!(i, Input::Scenario(_)));
        let sim = MultiSim::new(
            scenarios
                .iter()
                .map(|(_, i)| match i {
                    Input::Scenario(r) => &**r,
                    Input::Folder(_) => unreachable!(),
                })
                .collect(),
        );
        let sim = match &posterior {
            Some(p) => {
                let ran: Vec<(&Resolved, &str)> = scenarios
                    .iter()
                    .map(|(k, i)| match i {
                        Input::Scenario(r) => (&**r, names[*k].as_str()),
                        Input::Folder(_) => unreachable!(),
                    })
                    .collect();
                sim.with_posterior(
                    crate::experiments::posterior::for_compare(&ran, p)
                        .map_err(Error::Usage)?
                        .0,
                )
            }
            None => sim,
        };
        let n_inputs = scenarios.len() + folders.len();
        let mut folds: Vec<SeriesFold> = scenarios
            .iter()
            .enumerate()
            .map(|(j, (_, i))| {
                let (keys, ticks) = sim.layout_of(j);
                let start = match i {
                    Input::Scenario(r) => r.scenario.run.start.as_str(),
                    Input::Folder(_) => "",
                };
                SeriesFold::new(start, keys, ticks)
            })
            .collect();
        let spec = BatchSpec {
            seed,
            first: 0,
            end: runs,
            threads,
            window: 0,
            opts: RunOptions::default(),
        };
        progress.start(runs, "runs");
        let end = run_batch(&sim, &spec, stop, |run, output| {
            let parts = sim.split(&output);
            let mut from_folders: Vec<(usize, Vec<OutcomeValue>)> =
                Vec::with_capacity(folders.len());
            for (k, f) in folders.iter_mut() {
                let Input::Folder(f) = f else { unreachable!() };
                from_folders.push((*k, f.next(run)?));
            }
            let mut values: Vec<&[OutcomeValue]> = vec![&[]; n_inputs];
            for (((k, _), part), fold) in scenarios.iter().zip(&parts).zip(&mut folds) {
                values[*k] = part.outcomes;
                fold.fold(run, part.series)?;
            }
            for (k, v) in &from_folders {
                values[*k] = v;
            }
            cmp.fold(&values);
            progress.set(run + 1);
            Ok(())
        });
        progress.finish();
        m.completed_runs = cmp.runs();
        m.finished_at = Some(now_utc());
        m.status = match &end.stop {
            Stop::Complete => Status::Complete,
            Stop::Interrupted => Status::Partial,
            Stop::Failed(f) => {
                // The failing scenario prefixes the message (see `MultiSim`); trace that one.
                let culprit = m
                    .scenarios
                    .iter()
                    .find(|s| {
                        s.source == "scenario" && f.message.starts_with(&format!("{}: ", s.path))
                    })
                    .map_or(m.scenarios[0].path.as_str(), |s| s.path.as_str());
                m.error = Some(f.describe(culprit));
                Status::Failed
            }
        };
        // Series: a scenario's folded here, a folder's from its own series.csv; in input order.
        let mut series_parts: Vec<(usize, Vec<u8>)> = scenarios
            .iter()
            .zip(&folds)
            .map(|((k, _), f)| (*k, f.csv()))
            .collect();
        drop(folds);
        for (k, f) in &folders {
            let Input::Folder(f) = f else { unreachable!() };
            series_parts.push((*k, f.series_csv().map_err(Error::Usage)?));
        }
        series_parts.sort_by_key(|(k, _)| *k);
        let named: Vec<(String, Vec<u8>)> = series_parts
            .into_iter()
            .map(|(k, b)| (names[k].clone(), b))
            .collect();
        let series = series_csv(&named).map_err(Error::Failure)?;
        drop(named);
        dir.write("series.csv", &series).map_err(output_error)?;
        drop(series);
        let rows = cmp.rows();
        dir.write("compare.csv", &csv_bytes(&rows))
            .map_err(output_error)?;
        dir.write("compare.json", &json_bytes(&m, &rows))
            .map_err(output_error)?;
        dir.manifest(&mut m).map_err(output_error)?;
        Ok(Finished { manifest: m, rows })
    }
}
