//! Merging shard folders into one folder, byte-identical to the batch run whole (manifest times,
//! threads and shard aside): runs.csv and events.csv concatenated in run order, aggregates merged exactly,
//! series.csv and summary.json regenerated from them.

use super::export::{ScenarioRon, SeriesCsv, Summary};
use super::folder::sha256_hex;
use super::manifest::{Manifest, Status};
use super::replace::{FolderKind, read_capped};
use super::writer::Target;
use super::{OutputDir, OutputError, io_err};
use crate::batch::Aggregates;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

struct ShardDir {
    dir: PathBuf,
    manifest: Manifest,
}

/// A shard's manifest, after the folder passed [`super::verify::folder`] (its files are what its
/// manifest lists: no row deleted, cut, added or edited).
fn read_manifest(dir: &Path) -> Result<Manifest, OutputError> {
    let v = super::verify::folder(dir)?;
    match v.batch {
        Some(m) => Ok(m),
        None => Err(OutputError::Invalid(format!(
            "{}: a {} folder, not a batch of `crossroads run`; nothing to merge",
            dir.display(),
            v.kind.as_str()
        ))),
    }
}

/// Reads a file of a verified shard (bounded: 1 GiB).
fn read_text(p: &Path) -> Result<String, OutputError> {
    let b = read_capped(p, 1 << 30)
        .map_err(|e| OutputError::Invalid(format!("{}: {e}", p.display())))?;
    String::from_utf8(b)
        .map_err(|_| OutputError::Invalid(format!("{}: not UTF-8 text", p.display())))
}

/// Checks that `dirs` are the complete shards of one batch, in any order. All problems are reported
/// together (one per line).
fn check(dirs: &[PathBuf]) -> Result<Vec<ShardDir>, OutputError> {
    let mut shards = Vec::new();
    let mut problems = Vec::new();
    for d in dirs {
        match read_manifest(d) {
            Ok(manifest) => shards.push(ShardDir {
                dir: d.clone(),
                manifest,
            }),
            Err(e) => problems.push(e.to_string()),
        }
    }
    let Some(first) = shards.first() else {
        return Err(OutputError::Invalid(problems.join("\n")));
    };
    let f = &first.manifest;
    let count = f.shard.map_or(0, |s| s.count);
    for s in &shards {
        let m = &s.manifest;
        let d = s.dir.display();
        if m.status != Status::Complete {
            problems.push(format!(
                "{d}: shard is {} ({} runs written); run it again before merging",
                m.status.as_str(),
                m.completed_runs
            ));
        }
        let Some(sh) = m.shard else {
            problems.push(format!(
                "{d}: not a shard (run without --shard); nothing to merge"
            ));
            continue;
        };
        let differs = |what: &str, a: String, b: String| {
            format!(
                "{d}: different {what} ({a}) from {} ({b}): shards of different batches",
                first.dir.display()
            )
        };
        if m.scenario.sha256 != f.scenario.sha256 {
            problems.push(differs(
                "scenario sha256",
                m.scenario.sha256.clone(),
                f.scenario.sha256.clone(),
            ));
        }
        if m.seed != f.seed {
            problems.push(differs("seed", m.seed.to_string(), f.seed.to_string()));
        }
        if m.runs != f.runs {
            problems.push(differs("runs", m.runs.to_string(), f.runs.to_string()));
        }
        if m.crossroads_version != f.crossroads_version {
            problems.push(differs(
                "crossroads version",
                m.crossroads_version.clone(),
                f.crossroads_version.clone(),
            ));
        }
        if m.streams != f.streams {
            problems.push(differs(
                "streams version",
                m.streams.to_string(),
                f.streams.to_string(),
            ));
        }
        if sh.count != count {
            problems.push(differs(
                "shard count",
                sh.count.to_string(),
                count.to_string(),
            ));
        }
        if m.events != f.events {
            problems.push(differs(
                "--events setting",
                m.events.to_string(),
                f.events.to_string(),
            ));
        }
        if m.per_run_series != f.per_run_series {
            let names = |v: &[super::manifest::SeriesInfo]| {
                v.iter()
                    .map(|s| format!("{}:{}", s.indicator, s.entity))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            problems.push(differs(
                "per-run series",
                names(&m.per_run_series),
                names(&f.per_run_series),
            ));
        }
    }
    if problems.is_empty() {
        let shard = crate::batch::Shard { index: 0, count };
        for i in 0..count {
            let have: Vec<&ShardDir> = shards
                .iter()
                .filter(|s| s.manifest.shard.is_some_and(|x| x.index == i))
                .collect();
            let (a, b) = crate::batch::Shard { index: i, ..shard }.range(f.runs);
            match have.len() {
                0 => problems.push(format!("missing shard {i} of {count} (runs {a}..{b})")),
                1 => {}
                _ => problems.push(format!(
                    "duplicate shard {i} of {count}: {}",
                    have.iter()
                        .map(|s| s.dir.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(OutputError::Invalid(problems.join("\n")));
    }
    shards.sort_by_key(|s| s.manifest.shard.map_or(0, |x| x.index));
    Ok(shards)
}

/// Appends `src`'s lines to `out`, skipping its header unless `keep_header`; the header must equal
/// `header` (set from the first file).
fn concat_csv(
    src: &Path,
    out: &mut super::writer::Stream,
    header: &mut Option<String>,
) -> Result<(), OutputError> {
    let f = File::open(src).map_err(|e| io_err(src, e))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    let mut h = String::new();
    r.read_line(&mut h).map_err(|e| io_err(src, e))?;
    let dst = out.path().to_path_buf();
    match header {
        None => {
            out.write_all(h.as_bytes()).map_err(|e| io_err(&dst, e))?;
            *header = Some(h);
        }
        Some(first) if *first != h => {
            return Err(OutputError::Invalid(format!(
                "{}: columns differ from the first shard's",
                src.display()
            )));
        }
        Some(_) => {}
    }
    // Read and write errors apart, so each names its own file.
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = std::io::Read::read(&mut r, &mut buf).map_err(|e| io_err(src, e))?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buf[..n]).map_err(|e| io_err(&dst, e))?;
    }
}

/// Merges the shard folders `dirs` into `out` (replaced if `force`). Returns the merged manifest.
pub fn merge_folders(dirs: &[PathBuf], out: &Path, force: bool) -> Result<Manifest, OutputError> {
    let command = super::lock::this_command();
    merge_to(
        dirs,
        &Target {
            path: out,
            kind: FolderKind::Batch,
            force,
            inputs: dirs,
            command: &command,
        },
    )
    .map(|(m, _)| m)
}

/// Merges the shard folders `dirs` into the folder of `target` (whose `inputs` should hold `dirs`).
/// Returns the merged manifest and the folder (for charts). Every shard is verified first; nothing is
/// written unless all of them pass.
pub fn merge_to(dirs: &[PathBuf], target: &Target) -> Result<(Manifest, OutputDir), OutputError> {
    let shards = check(dirs)?;
    let f = &shards[0].manifest;
    let scenario_path = shards[0].dir.join("scenario.ron");
    let scenario = read_text(&scenario_path)?;
    if sha256_hex(scenario.as_bytes()) != f.scenario.sha256 {
        return Err(OutputError::Invalid(format!(
            "{}: does not match the sha256 in its manifest",
            scenario_path.display()
        )));
    }
    let mut aggs: Option<Aggregates> = None;
    for s in &shards {
        let p = s.dir.join("aggregates.json");
        let text = read_text(&p)?;
        let a: Aggregates = serde_json::from_str(&text)
            .map_err(|e| OutputError::Invalid(format!("{}: unreadable: {e}", p.display())))?;
        match aggs.as_mut() {
            None => aggs = Some(a),
            Some(acc) => acc
                .merge(&a)
                .map_err(|e| OutputError::Invalid(format!("{}: {e}", p.display())))?,
        }
    }
    let Some(aggs) = aggs else {
        return Err(OutputError::Invalid("no shards to merge".into()));
    };

    let mut m = f.clone();
    m.shard = None;
    m.threads = None;
    m.status = Status::Running;
    m.completed_runs = 0;
    m.error = None;
    m.finished_at = None;
    let dir = OutputDir::create(target)?;
    dir.manifest(&mut m)?;
    dir.export(&ScenarioRon(&scenario))?;
    let mut files = vec!["runs.csv"];
    if f.events {
        files.push("events.csv");
    }
    if !f.per_run_series.is_empty() {
        files.push("runs_series.csv");
    }
    for name in files {
        let mut stream = dir.stream(name)?;
        let mut header = None;
        for s in &shards {
            concat_csv(&s.dir.join(name), &mut stream, &mut header)?;
        }
        stream.finish()?;
    }
    m.status = Status::Complete;
    m.completed_runs = aggs.runs();
    m.error = None;
    m.started_at = shards
        .iter()
        .map(|s| s.manifest.started_at.clone())
        .min()
        .unwrap_or_default();
    m.finished_at = shards
        .iter()
        .filter_map(|s| s.manifest.finished_at.clone())
        .max();
    aggs.write_to(&dir)?;
    dir.export(&SeriesCsv {
        aggs: &aggs,
        manifest: &m,
    })?;
    dir.export(&Summary::new(&aggs, &m))?;
    dir.manifest(&mut m)?;
    Ok((m, dir))
}
