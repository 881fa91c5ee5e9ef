//! `crossroads compare`: runs scenarios (or reads output folders) on common random numbers and writes
//! paired differences from the first one (compare.csv, compare.json), each scenario's series
//! (series.csv), then the charts and report.html from those files (`report::compare`, the code path
//! `crossroads plot` takes on a comparison folder).

use super::run::{install_stop_handler, outcome_infos, output_error, progress_bar, threads_arg};
use super::{CliError, CompareArgs, EXIT_INTERRUPTED, term};
use crate::batch::budget::Plan;
use crate::batch::{BatchSpec, Stop, run_batch};
use crate::experiments::compare::{
    CompareManifest, Comparison, FolderRuns, InputInfo, MultiSim, Row, SeriesFold, csv_bytes,
    json_bytes, series_csv,
};
use crate::model::{OutcomeValue, RunOptions};
use crate::outputs::FolderKind;
use crate::outputs::manifest::{Status, now_utc};
use crate::scenario::Resolved;
use std::path::PathBuf;

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

pub fn exec(args: CompareArgs) -> Result<(), CliError> {
    if args.inputs.len() < 2 {
        return Err(CliError::usage(
            "compare needs at least two scenarios or output folders",
        ));
    }
    let threads = threads_arg(args.threads)?;
    if !args.sets.is_empty()
        && let Some(d) = args.inputs.iter().find(|p| p.is_dir())
    {
        return Err(CliError::usage(format!(
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
                FolderRuns::open(p).map_err(CliError::usage)?,
            )));
            read.push(p.clone());
        } else {
            let sources = crate::scenario::Sources::read(p)?;
            inputs.push(Input::Scenario(Box::new(sources.load(&args.sets)?)));
            read.extend(sources.paths());
        }
    }
    // Seed and runs: the flags, else the folders' (which must agree), else the reference scenario's.
    let mut seed = args.seed;
    let mut runs = args.runs;
    for (p, i) in args.inputs.iter().zip(&inputs) {
        if let Input::Folder(f) = i {
            let m = &f.manifest;
            for (what, want, got) in [("seed", &mut seed, m.seed), ("runs", &mut runs, m.runs)] {
                match want {
                    Some(w) if *w != got => {
                        return Err(CliError::usage(format!(
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
        return Err(CliError::usage("--runs must be at least 1"));
    }
    let mut plan = Plan::default();
    for i in &inputs {
        if let Input::Scenario(r) = i {
            plan = plan.and(Plan::batch(&r.scenario, runs, threads, true));
        }
    }
    plan.check("compare", args.allow_large)
        .map_err(CliError::usage)?;

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
    let mut cmp = Comparison::new(
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
    let posterior = match &args.posterior {
        Some(d) => {
            read.push(d.clone());
            Some(crate::experiments::posterior::Posterior::load(d).map_err(CliError::usage)?)
        }
        None => None,
    };
    let posterior_unused = match &posterior {
        Some(p) => {
            let all: Vec<_> = inputs.iter().zip(&names).collect();
            posterior_sims(&all, p)?.1
        }
        None => Vec::new(),
    };
    let out: PathBuf = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("outputs").join(format!("compare-{}", names.join("-vs-")))
    });
    let mut m = CompareManifest {
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
    // Ctrl-C from here on stops the batch: the finished runs are written as a partial comparison
    // (exit 130).
    let stop = install_stop_handler();
    let dir = super::open_folder(&out, FolderKind::Compare, args.force, &read)?;
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
            let ran: Vec<_> = scenarios.iter().map(|(k, i)| (i, &names[*k])).collect();
            sim.with_posterior(posterior_sims(&ran, p)?.0)
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
    let bar = progress_bar(runs, args.quiet);
    let end = run_batch(&sim, &spec, stop, |run, output| {
        let parts = sim.split(&output);
        let mut from_folders: Vec<(usize, Vec<OutcomeValue>)> = Vec::with_capacity(folders.len());
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
        bar.set_position(run + 1);
        Ok(())
    });
    bar.finish_and_clear();
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
                .find(|s| s.source == "scenario" && f.message.starts_with(&format!("{}: ", s.path)))
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
        series_parts.push((*k, f.series_csv().map_err(CliError::usage)?));
    }
    series_parts.sort_by_key(|(k, _)| *k);
    let named: Vec<(String, Vec<u8>)> = series_parts
        .into_iter()
        .map(|(k, b)| (names[k].clone(), b))
        .collect();
    let series = series_csv(&named).map_err(CliError::failure)?;
    drop(named);
    dir.write("series.csv", &series).map_err(output_error)?;
    drop(series);
    let rows = cmp.rows();
    dir.write("compare.csv", &csv_bytes(&rows))
        .map_err(output_error)?;
    dir.write("compare.json", &json_bytes(&m, &rows))
        .map_err(output_error)?;
    dir.manifest(&mut m).map_err(output_error)?;
    // Charts and report.html from the files just written: what `crossroads plot DIR` does.
    if !args.no_charts {
        let drawn = crate::report::compare::plot_compare_folder(dir.path()).map_err(|e| {
            CliError::failure(format!("{}: writing charts and report: {e}", out.display()))
        })?;
        super::record_drawn(&dir, &drawn)?;
    }
    if !args.quiet {
        term::out(&table(&rows, &m))?;
        term::outln(&format!(
            "\noutputs: {} ({})",
            out.display(),
            m.status.as_str()
        ))?;
    }
    match m.status {
        Status::Complete => Ok(()),
        Status::Partial => Err(CliError {
            code: EXIT_INTERRUPTED,
            message: format!(
                "interrupted: {} of {runs} runs compared in {} (manifest status partial)",
                m.completed_runs,
                out.display()
            ),
        }),
        _ => Err(CliError::failure(format!(
            "{}\n{} runs before it are in {} (manifest status failed)",
            m.error.clone().unwrap_or_default(),
            m.completed_runs,
            out.display()
        ))),
    }
}

/// `compare --posterior`: the scenario inputs among `inputs` (with their names) matched to the
/// posterior.
#[allow(clippy::type_complexity)]
fn posterior_sims<'a>(
    inputs: &[(&'a Input, &String)],
    p: &'a crate::experiments::posterior::Posterior,
) -> Result<
    (
        Vec<Option<crate::experiments::posterior::PosteriorSim<'a>>>,
        Vec<(String, String)>,
    ),
    CliError,
> {
    let scenarios: Vec<(&Resolved, &str)> = inputs
        .iter()
        .filter_map(|(i, n)| match i {
            Input::Scenario(r) => Some((&**r, n.as_str())),
            Input::Folder(_) => None,
        })
        .collect();
    crate::experiments::posterior::for_compare(&scenarios, p).map_err(CliError::usage)
}

fn show(r: &Row, x: Option<f64>, signed: bool) -> String {
    match x {
        None => "n/a".into(),
        Some(x) if r.kind == "binary" && signed => format!("{:+.1}pp", 100.0 * x),
        Some(x) if r.kind == "binary" => format!("{:.1}%", 100.0 * x),
        Some(x) if signed => format!("{x:+.3}"),
        Some(x) => format!("{x:.3}"),
    }
}

/// The end-of-run table: per outcome and scenario, the difference with its paired and unpaired
/// 95% intervals.
fn table(rows: &[Row], m: &CompareManifest) -> String {
    let w = rows
        .iter()
        .map(|r| r.outcome.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let sw = rows
        .iter()
        .map(|r| r.scenario.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut t = format!(
        "\n{} runs per scenario, seed {}, reference {}\n\n{:w$}  {:sw$}  {:>9}  {:>10}  {:>21}  {:>21}  {}\n",
        m.completed_runs,
        m.seed,
        m.scenarios[0].name,
        "outcome",
        "scenario",
        "value",
        "difference",
        "paired 95%",
        "unpaired 95%",
        "distinguishable"
    );
    for r in rows {
        let iv = |a, b| {
            if r.diff.is_none() {
                String::new()
            } else {
                format!("{} to {}", show(r, a, true), show(r, b, true))
            }
        };
        t += &format!(
            "{:w$}  {:sw$}  {:>9}  {:>10}  {:>21}  {:>21}  {}\n",
            r.outcome,
            r.scenario,
            show(r, r.value, false),
            if r.diff.is_some() {
                show(r, r.diff, true)
            } else {
                "(reference)".into()
            },
            iv(r.diff_low, r.diff_high),
            iv(r.unpaired_low, r.unpaired_high),
            match r.distinguishable {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
        );
    }
    t
}
