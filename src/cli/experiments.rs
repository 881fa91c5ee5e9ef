//! `crossroads sweep`, `crossroads sensitivity` and `crossroads discover`: experiments over many
//! batches (see [`crate::experiments`] for the numerical cores and docs/outputs.md for the files).
//!
//! Every model evaluation is a batch of R runs with root seed S and runs `0..R` (common random
//! numbers: every point shares the same run seeds), with the point's values applied as `--set`
//! overrides on the scenario file.

use super::run::{install_stop_handler, output_error};
use super::{CliError, DiscoverArgs, EXIT_INTERRUPTED, SensitivityArgs, SweepArgs};
use crate::batch::{BatchSpec, ModelSim, Stop, default_threads, run_batch};
use crate::charts::experiments as xcharts;
use crate::experiments::{dist, morris, prim, sensitivity, sweep};
use crate::model::{OutcomeValue, RunOptions};
use crate::outputs::OutputDir;
use crate::stats::{BinaryCount, Summary};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// One outcome's aggregate over the R runs of a point.
#[derive(Debug, Clone)]
pub enum Agg {
    Binary(BinaryCount),
    Numeric(Box<Summary>),
}

impl Agg {
    /// The point's model output: probability, or mean (NaN when no run had a value).
    pub fn value(&self) -> f64 {
        match self {
            Agg::Binary(b) => b.probability().unwrap_or(f64::NAN),
            Agg::Numeric(s) => s.mean().unwrap_or(f64::NAN),
        }
    }
}

/// The scenario's outcomes: `(id, binary?)`.
fn outcomes_of(r: &crate::scenario::Resolved) -> Vec<(String, bool)> {
    r.scenario
        .outcomes
        .iter()
        .map(|o| (o.id.clone(), o.kind.is_binary()))
        .collect()
}

/// Runs one point: the scenario with `sets`, runs `0..runs` of `seed`.
fn evaluate(
    file: &Path,
    sets: &[String],
    seed: u64,
    runs: u64,
    threads: usize,
    stop: &AtomicBool,
) -> Result<Vec<Agg>, CliError> {
    let resolved = crate::scenario::load(file, sets)?;
    let outs = outcomes_of(&resolved);
    let mut aggs: Vec<Agg> = outs
        .iter()
        .map(|(_, b)| {
            if *b {
                Agg::Binary(BinaryCount::new())
            } else {
                Agg::Numeric(Box::new(Summary::new()))
            }
        })
        .collect();
    let sim = ModelSim::new(&resolved);
    let spec = BatchSpec {
        seed,
        first: 0,
        end: runs,
        threads,
        window: 0,
        opts: RunOptions::default(),
    };
    let end = run_batch(&sim, &spec, stop, |_, out| {
        for (a, v) in aggs.iter_mut().zip(&out.outcomes) {
            match (a, v) {
                (Agg::Binary(b), OutcomeValue::Bool(x)) => b.add(*x),
                (Agg::Numeric(s), OutcomeValue::Num(x)) => s.add(*x),
                _ => return Err("outcome of the wrong type".into()),
            }
        }
        Ok(())
    });
    match end.stop {
        Stop::Complete => Ok(aggs),
        Stop::Interrupted => Err(CliError {
            code: EXIT_INTERRUPTED,
            message: "interrupted; the experiment folder is incomplete".into(),
        }),
        Stop::Failed(f) => Err(CliError::failure(format!(
            "{} (with {})",
            f.describe(&file.display().to_string()),
            sets.join(" ")
        ))),
    }
}

fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {what}  ETA {{eta}}  [{{elapsed_precise}}]"
    )) {
        bar.set_style(style);
    }
    bar
}

fn f(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), f)
}

fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, CliError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| CliError::failure(e.to_string());
    w.write_record(header).map_err(e)?;
    for r in rows {
        w.write_record(r).map_err(e)?;
    }
    w.into_inner().map_err(|e| CliError::failure(e.to_string()))
}

fn out_dir(out: &Option<PathBuf>, default: String, force: bool) -> Result<OutputDir, CliError> {
    let p = out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(default));
    OutputDir::prepare(&p, force).map_err(output_error)
}

fn write_json(dir: &OutputDir, name: &str, v: &serde_json::Value) -> Result<(), CliError> {
    let mut s = serde_json::to_string_pretty(v).map_err(|e| CliError::failure(e.to_string()))?;
    s.push('\n');
    dir.write(name, s.as_bytes()).map_err(output_error)
}

fn charts_out(
    dir: &OutputDir,
    charts: Result<Vec<crate::charts::Chart>, crate::charts::ChartError>,
) -> Result<(), CliError> {
    let charts = charts.map_err(|e| CliError::failure(e.to_string()))?;
    crate::charts::write_charts(dir.path(), &charts)
        .map(|_| ())
        .map_err(|e| CliError::failure(e.to_string()))
}

fn check_threads(t: Option<usize>) -> Result<usize, CliError> {
    if t == Some(0) {
        return Err(CliError::usage("--threads must be at least 1"));
    }
    Ok(t.unwrap_or_else(default_threads))
}

/// `crossroads sweep`.
pub fn exec_sweep(args: SweepArgs) -> Result<(), CliError> {
    let params = args
        .params
        .iter()
        .map(|p| sweep::ParamRange::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::usage)?;
    let kind = sweep::DesignKind::parse(&args.design).map_err(CliError::usage)?;
    if args.runs_per_point == 0 {
        return Err(CliError::usage("--runs-per-point must be at least 1"));
    }
    let threads = check_threads(args.threads)?;
    let base = crate::scenario::load(&args.file, &args.sets)?;
    let seed = args.seed.unwrap_or(base.scenario.run.seed);
    let points = sweep::points(&params, kind, args.samples, seed).map_err(CliError::usage)?;
    // Check every path up front (a bad path is a usage error before any run).
    crate::scenario::load(
        &args.file,
        &[args.sets.clone(), sweep::sets(&params, &points[0])].concat(),
    )?;
    let outs = outcomes_of(&base);
    let dir = out_dir(
        &args.out,
        format!("{}-sweep", base.scenario.run.name),
        args.force,
    )?;
    let stop = install_stop_handler();
    let bar = progress_bar(points.len() as u64, "points");
    let mut results = Vec::with_capacity(points.len());
    for p in &points {
        let sets = [args.sets.clone(), sweep::sets(&params, p)].concat();
        results.push(evaluate(
            &args.file,
            &sets,
            seed,
            args.runs_per_point,
            threads,
            stop,
        )?);
        bar.inc(1);
    }
    bar.finish_and_clear();

    let mut header = vec!["point".to_string()];
    header.extend(params.iter().map(|p| p.path.clone()));
    for (id, bin) in &outs {
        let cols: &[&str] = if *bin {
            &["probability", "ci_low", "ci_high"]
        } else {
            &["mean", "p05", "p50", "p95"]
        };
        header.extend(cols.iter().map(|c| format!("{id}.{c}")));
    }
    let mut rows = Vec::new();
    let mut series: Vec<xcharts::SweepPoint> = Vec::new();
    for (i, (p, aggs)) in points.iter().zip(&results).enumerate() {
        let mut r = vec![i.to_string()];
        r.extend(p.iter().map(|v| f(*v)));
        let mut ys = Vec::new();
        for a in aggs {
            match a {
                Agg::Binary(b) => {
                    let (lo, hi) = b.wilson95();
                    r.extend([opt(b.probability()), f(lo), f(hi)]);
                    ys.push((b.probability().unwrap_or(f64::NAN), lo, hi));
                }
                Agg::Numeric(s) => {
                    r.extend([
                        opt(s.mean()),
                        opt(s.quantile(0.05)),
                        opt(s.quantile(0.5)),
                        opt(s.quantile(0.95)),
                    ]);
                    ys.push((
                        s.mean().unwrap_or(f64::NAN),
                        s.quantile(0.05).unwrap_or(f64::NAN),
                        s.quantile(0.95).unwrap_or(f64::NAN),
                    ));
                }
            }
        }
        rows.push(r);
        series.push(xcharts::SweepPoint {
            x: p.clone(),
            y: ys,
        });
    }
    dir.write("points.csv", &csv_bytes(&header, &rows)?)
        .map_err(output_error)?;
    write_json(
        &dir,
        "manifest.json",
        &json!({
            "experiment": "sweep",
            "crossroads_version": env!("CARGO_PKG_VERSION"),
            "status": "complete",
            "scenario": {"path": args.file.display().to_string(), "name": base.scenario.run.name,
                         "sha256": crate::scenario::load::sha256_hex(&base.to_ron())},
            "sets": args.sets,
            "seed": seed,
            "design": kind.as_str(),
            "samples": args.samples,
            "points": points.len(),
            "runs_per_point": args.runs_per_point,
            "params": params.iter().map(|p| json!({"path": p.path, "lo": p.lo, "hi": p.hi})).collect::<Vec<_>>(),
            "outcomes": outs.iter().map(|(id, b)| json!({"id": id, "type": if *b {"binary"} else {"numeric"}})).collect::<Vec<_>>(),
        }),
    )?;
    if !args.no_charts {
        let names: Vec<String> = params.iter().map(|p| p.path.clone()).collect();
        charts_out(
            &dir,
            xcharts::sweep_charts(&base.scenario.run.name, &names, &outs, &series),
        )?;
    }
    eprintln!(
        "{} points × {} runs written to {}",
        points.len(),
        args.runs_per_point,
        dir.path().display()
    );
    Ok(())
}

/// `crossroads sensitivity`.
pub fn exec_sensitivity(args: SensitivityArgs) -> Result<(), CliError> {
    if args.runs_per_point == 0 || args.samples == 0 {
        return Err(CliError::usage(
            "--samples and --runs-per-point must be at least 1",
        ));
    }
    let threads = check_threads(args.threads)?;
    let base = crate::scenario::load(&args.file, &args.sets)?;
    let seed = args.seed.unwrap_or(base.scenario.run.seed);
    let unc = base.uncertain();
    let k = unc.len();
    if k == 0 {
        return Err(CliError::usage(format!(
            "{}: the scenario has no uncertain parameters (write a distribution such as Uniform(lo, hi) in place of a number)",
            args.file.display()
        )));
    }
    let morris_method = match args.method.as_str() {
        "sobol" => false,
        "morris" => true,
        m => {
            return Err(CliError::usage(format!(
                "--method {m:?}: expected sobol or morris"
            )));
        }
    };
    let (unit_rows, saltelli, mdesign) = if morris_method {
        let d = morris::morris_design(args.samples, k, 4 * args.samples, seed);
        (d.rows.clone(), None, Some(d))
    } else {
        let d = sensitivity::saltelli_design(args.samples, k, seed).map_err(CliError::usage)?;
        (d.rows.clone(), Some(d), None)
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
    let outs = outcomes_of(&base);
    let dir = out_dir(
        &args.out,
        format!("{}-sensitivity", base.scenario.run.name),
        args.force,
    )?;
    let stop = install_stop_handler();
    let bar = progress_bar(values.len() as u64, "evaluations");
    let mut y: Vec<Vec<f64>> = vec![Vec::with_capacity(values.len()); outs.len()];
    for v in &values {
        let mut sets = args.sets.clone();
        sets.extend(unc.iter().zip(v).map(|(p, x)| format!("{}={x:?}", p.path)));
        let aggs = evaluate(&args.file, &sets, seed, args.runs_per_point, threads, stop)?;
        for (o, a) in y.iter_mut().zip(&aggs) {
            o.push(a.value());
        }
        bar.inc(1);
    }
    bar.finish_and_clear();

    // samples.csv: one row per evaluation in design order, with the model outputs.
    let mut header = vec![
        "eval".to_string(),
        "base".to_string(),
        "block_row".to_string(),
    ];
    header.extend(unc.iter().map(|p| p.path.clone()));
    header.extend(outs.iter().map(|(id, _)| id.clone()));
    let block = if morris_method { k + 1 } else { k + 2 };
    let rows: Vec<Vec<String>> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut r = vec![
                i.to_string(),
                (i / block).to_string(),
                (i % block).to_string(),
            ];
            r.extend(v.iter().map(|x| f(*x)));
            r.extend(y.iter().map(|o| f(o[i])));
            r
        })
        .collect();
    dir.write("samples.csv", &csv_bytes(&header, &rows)?)
        .map_err(output_error)?;

    let mut srows = Vec::new();
    let mut bars: Vec<xcharts::Tornado> = Vec::new();
    let sheader: Vec<String> = if morris_method {
        &["outcome", "parameter", "mu_star", "mu", "sigma"][..]
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
        ][..]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (o, (id, _)) in outs.iter().enumerate() {
        let mut items = Vec::new();
        if let Some(d) = &mdesign {
            for (p, e) in unc.iter().zip(morris::morris_effects(d, &y[o])) {
                srows.push(vec![
                    id.clone(),
                    p.path.clone(),
                    f(e.mu_star),
                    f(e.mu),
                    f(e.sigma),
                ]);
                items.push((
                    p.path.clone(),
                    e.mu_star,
                    e.mu_star,
                    e.mu_star,
                    f64::NAN,
                    f64::NAN,
                    f64::NAN,
                ));
            }
        } else if let Some(d) = &saltelli {
            for (p, x) in
                unc.iter()
                    .zip(sensitivity::sobol_indices(&y[o], d.k, args.bootstrap, seed))
            {
                srows.push(vec![
                    id.clone(),
                    p.path.clone(),
                    f(x.s1),
                    f(x.s1_low),
                    f(x.s1_high),
                    f(x.st),
                    f(x.st_low),
                    f(x.st_high),
                ]);
                items.push((
                    p.path.clone(),
                    x.s1,
                    x.s1_low,
                    x.s1_high,
                    x.st,
                    x.st_low,
                    x.st_high,
                ));
            }
        }
        bars.push(xcharts::Tornado {
            outcome: id.clone(),
            items,
        });
    }
    dir.write("sensitivity.csv", &csv_bytes(&sheader, &srows)?)
        .map_err(output_error)?;
    write_json(
        &dir,
        "manifest.json",
        &json!({
            "experiment": "sensitivity",
            "crossroads_version": env!("CARGO_PKG_VERSION"),
            "status": "complete",
            "scenario": {"path": args.file.display().to_string(), "name": base.scenario.run.name,
                         "sha256": crate::scenario::load::sha256_hex(&base.to_ron())},
            "sets": args.sets,
            "seed": seed,
            "method": args.method,
            "samples": args.samples,
            "evaluations": values.len(),
            "runs_per_point": args.runs_per_point,
            "bootstrap_resamples": if morris_method { serde_json::Value::Null } else { json!(args.bootstrap) },
            "params": unc.iter().map(|p| json!({"path": p.path, "distribution": p.dist.to_string()})).collect::<Vec<_>>(),
            "outcomes": outs.iter().map(|(id, b)| json!({"id": id, "type": if *b {"binary"} else {"numeric"}})).collect::<Vec<_>>(),
        }),
    )?;
    if !args.no_charts {
        charts_out(
            &dir,
            xcharts::tornado_charts(&base.scenario.run.name, morris_method, &bars),
        )?;
    }
    eprintln!(
        "{} evaluations × {} runs written to {}",
        values.len(),
        args.runs_per_point,
        dir.path().display()
    );
    Ok(())
}

/// `crossroads discover`.
pub fn exec_discover(args: DiscoverArgs) -> Result<(), CliError> {
    let bad = |m: String| CliError::usage(m);
    let mpath = args.dir.join("manifest.json");
    let text = std::fs::read_to_string(&mpath).map_err(|e| {
        bad(format!(
            "{}: {e} (not an output folder of crossroads run?)",
            mpath.display()
        ))
    })?;
    let m: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("{}: {e}", mpath.display())))?;
    let params: Vec<String> = m["uncertain_params"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["path"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if params.is_empty() {
        return Err(bad(format!(
            "{}: the batch sampled no uncertain parameters",
            args.dir.display()
        )));
    }
    let outcome = m["outcomes"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["id"].as_str() == Some(&args.outcome)))
        .ok_or_else(|| {
            bad(format!(
                "--outcome {:?}: no such outcome in {}",
                args.outcome,
                mpath.display()
            ))
        })?;
    let binary = outcome["type"].as_str() == Some("binary");
    if !binary && args.value.is_none() {
        return Err(bad(format!(
            "--outcome {:?} is numeric: give --value V (cases of interest: value >= V)",
            args.outcome
        )));
    }
    if !(0.0 < args.peel && args.peel < 0.5 && (0.0..1.0).contains(&args.min_support)) {
        return Err(bad(
            "--peel must be in (0, 0.5) and --min-support in [0, 1)".into(),
        ));
    }
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
        .map(|p| col(p).ok_or_else(|| bad(format!("{}: no column {p}", rpath.display()))))
        .collect::<Result<_, _>>()?;
    let ocol = col(&args.outcome)
        .ok_or_else(|| bad(format!("{}: no column {}", rpath.display(), args.outcome)))?;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for rec in rd.records() {
        let rec = rec.map_err(|e| bad(format!("{}: {e}", rpath.display())))?;
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
    let traj = prim::peel(&x, &y, args.peel, args.min_support);
    let mut header = vec![
        "step".to_string(),
        "coverage".into(),
        "density".into(),
        "support".into(),
        "n".into(),
    ];
    for p in &params {
        header.push(format!("{p}.lo"));
        header.push(format!("{p}.hi"));
    }
    let rows: Vec<Vec<String>> = traj
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut r = vec![
                i.to_string(),
                f(b.coverage),
                f(b.density),
                f(b.support),
                b.n.to_string(),
            ];
            for (lo, hi) in &b.limits {
                r.push(f(*lo));
                r.push(f(*hi));
            }
            r
        })
        .collect();
    let out = args.out.clone().unwrap_or_else(|| {
        let mut name = args.dir.file_name().unwrap_or_default().to_os_string();
        name.push(format!("-discover-{}", args.outcome));
        args.dir.with_file_name(name)
    });
    let dir = OutputDir::prepare(&out, args.force).map_err(output_error)?;
    dir.write("boxes.csv", &csv_bytes(&header, &rows)?)
        .map_err(output_error)?;
    let what = if binary {
        args.outcome.clone()
    } else {
        format!("{} >= {}", args.outcome, args.value.unwrap_or_default())
    };
    write_json(
        &dir,
        "manifest.json",
        &json!({
            "experiment": "discover",
            "crossroads_version": env!("CARGO_PKG_VERSION"),
            "status": "complete",
            "source": args.dir.display().to_string(),
            "outcome": args.outcome,
            "value": args.value,
            "cases_of_interest": y.iter().filter(|&&b| b).count(),
            "cases": y.len(),
            "peel_alpha": args.peel,
            "min_support": args.min_support,
            "params": params,
            "boxes": traj.len(),
        }),
    )?;
    if !args.no_charts {
        charts_out(&dir, xcharts::peeling_chart(&what, &traj))?;
    }
    let last = traj
        .last()
        .map(|b| (b.coverage, b.density, b.support))
        .unwrap_or_default();
    eprintln!(
        "{} boxes written to {} (last: coverage {:.2}, density {:.2}, support {:.2})",
        traj.len(),
        dir.path().display(),
        last.0,
        last.1,
        last.2
    );
    Ok(())
}
