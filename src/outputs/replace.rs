//! `--force`: replacing an output folder deletes only what crossroads wrote there.
//!
//! A folder is crossroads's when its manifest.json is a JSON object with a `crossroads_version` and a
//! `kind` crossroads knows (none for a batch; `compare`, `sweep`, `sensitivity`, `discover`,
//! `drivers`, `slurm`, `calibration`, `score`).
//! Its files are the manifest itself, the entries of the manifest's `files` whose size and SHA-256
//! still match (a listed file changed since is treated as the user's), the temporary files of charts
//! (`charts/.NAME.tmp`, `.report.html.tmp`) and, when the manifest says `running` (the command was
//! killed), the `.tmp` siblings of the kind's files (a finished command leaves none, so in a finished
//! folder a `runs.csv.tmp` is someone else's). A manifest without `files` (older versions, or a
//! command killed before it listed any) falls back to the fixed file names of its kind and, in
//! `charts/`, to `*.png` and `*.svg`. Everything else is foreign: it is never deleted or changed. It
//! stays in place and is named on stderr, unless it sits where the new command writes (a file name
//! of its kind, its `.tmp`, anything in `charts/`): then the command refuses (exit 2) and names it.

use super::OutputError;
use super::files::{FileRecord, record_of_file};
use super::lock::LOCK_NAME;
use std::collections::BTreeSet;
use std::path::Path;

/// The kinds of folder crossroads writes (the manifest's `kind`; a batch has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    Batch,
    Compare,
    Sweep,
    Sensitivity,
    Discover,
    Drivers,
    Slurm,
    /// `crossroads calibrate`.
    Calibration,
    /// `crossroads score`.
    Score,
}

impl FolderKind {
    /// The kind named by a manifest's `kind` field (`None`: a batch of `run` or `merge`).
    pub fn from_field(kind: Option<&str>) -> Option<FolderKind> {
        Some(match kind {
            None => FolderKind::Batch,
            Some("compare") => FolderKind::Compare,
            Some("sweep") => FolderKind::Sweep,
            Some("sensitivity") => FolderKind::Sensitivity,
            Some("discover") => FolderKind::Discover,
            Some("drivers") => FolderKind::Drivers,
            Some("slurm") => FolderKind::Slurm,
            Some("calibration") => FolderKind::Calibration,
            Some("score") => FolderKind::Score,
            Some(_) => return None,
        })
    }

    /// As in messages (`batch` for a folder of `run` or `merge`).
    pub fn as_str(self) -> &'static str {
        match self {
            FolderKind::Batch => "batch",
            FolderKind::Compare => "compare",
            FolderKind::Sweep => "sweep",
            FolderKind::Sensitivity => "sensitivity",
            FolderKind::Discover => "discover",
            FolderKind::Drivers => "drivers",
            FolderKind::Slurm => "slurm",
            FolderKind::Calibration => "calibration",
            FolderKind::Score => "score",
        }
    }

    /// The files a command of this kind writes at the top of its folder, manifest.json aside.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            FolderKind::Batch => &[
                "scenario.ron",
                "runs.csv",
                "events.csv",
                "aggregates.json",
                "series.csv",
                "runs_series.csv",
                "summary.json",
                "report.html",
            ],
            FolderKind::Compare => &["compare.csv", "compare.json", "series.csv", "report.html"],
            FolderKind::Sweep => &["points.csv", "report.html"],
            FolderKind::Sensitivity => &["samples.csv", "sensitivity.csv", "report.html"],
            FolderKind::Discover => &["boxes.csv", "report.html"],
            FolderKind::Drivers => &["drivers.csv", "report.html"],
            FolderKind::Slurm => &["array.sbatch", "merge.sbatch", "submit.sh"],
            FolderKind::Calibration => &[
                "prior.csv",
                "posterior.csv",
                "predictive.csv",
                "generations.csv",
                "calibration.json",
                "report.html",
            ],
            FolderKind::Score => &["score.csv", "report.html"],
        }
    }

    /// Whether the kind draws charts into `charts/`.
    pub fn charts(self) -> bool {
        self != FolderKind::Slurm
    }

    /// Whether `name` (top level) is one this kind writes (its files, their `.tmp`, manifest.json,
    /// `.report.html.tmp`, `charts`).
    fn reserves(self, name: &str) -> bool {
        let base = name.strip_suffix(".tmp").unwrap_or(name);
        base == "manifest.json"
            || self.names().contains(&base)
            || (self.charts() && (name == "charts" || name == ".report.html.tmp"))
    }
}

/// What manifest.json says about a folder crossroads wrote.
#[derive(Debug, Clone)]
pub struct Recognised {
    pub kind: FolderKind,
    /// Whether the manifest says `running` (the command writing it was killed).
    pub running: bool,
    /// The manifest's `files` (empty when absent).
    pub files: Vec<FileRecord>,
}

/// Largest manifest.json read (16 MiB).
pub const MAX_MANIFEST_BYTES: u64 = 16 << 20;

/// Reads a regular file of at most `max` bytes (never to the end of a device or a huge file).
pub fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!("larger than {max} bytes"));
    }
    Ok(bytes)
}

/// Recognises a folder written by crossroads from its manifest.json (see the module doc).
pub fn recognise(dir: &Path) -> Result<Recognised, String> {
    let p = dir.join("manifest.json");
    let bytes = read_capped(&p, MAX_MANIFEST_BYTES)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if !v.get("crossroads_version").is_some_and(|x| x.is_string()) {
        return Err("no crossroads_version".into());
    }
    let kind_field = match v.get("kind") {
        None => None,
        Some(serde_json::Value::String(k)) => Some(k.as_str()),
        Some(other) => return Err(format!("kind {other} is not a name")),
    };
    let kind = FolderKind::from_field(kind_field)
        .ok_or_else(|| format!("unknown kind {:?}", kind_field.unwrap_or_default()))?;
    let files = match v.get("files") {
        None => vec![],
        Some(f) => serde_json::from_value(f.clone()).map_err(|e| format!("files: {e}"))?,
    };
    let running = v.get("status").and_then(|s| s.as_str()) == Some("running");
    Ok(Recognised {
        kind,
        running,
        files,
    })
}

/// How `--force` treats the entries of a folder.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files crossroads wrote (relative names): deleted.
    pub ours: Vec<String>,
    /// Entries crossroads did not write (or that changed since): kept. Folders end with `/`.
    pub foreign: Vec<String>,
}

fn is_chart_tmp(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Sorts the entries of `dir` (a folder `recognised` as crossroads's) into ours and foreign.
pub fn plan(dir: &Path, r: &Recognised) -> Result<Plan, OutputError> {
    let io = |p: &Path, e: std::io::Error| super::io_err(p, e);
    // Names crossroads wrote, as far as the manifest tells.
    let mut ours: BTreeSet<String> = BTreeSet::new();
    let mut changed: BTreeSet<String> = BTreeSet::new();
    ours.insert("manifest.json".into());
    let listed = !r.files.is_empty();
    for f in &r.files {
        let p = dir.join(&f.name);
        let regular = std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file());
        if !regular {
            continue;
        }
        match record_of_file(&p, &f.name) {
            Ok(now) if now.sha256 == f.sha256 && now.bytes == f.bytes => {
                ours.insert(f.name.clone());
            }
            _ => {
                changed.insert(f.name.clone());
            }
        }
    }
    let known: Vec<String> = r
        .kind
        .names()
        .iter()
        .map(|s| s.to_string())
        .chain(r.files.iter().map(|f| f.name.clone()))
        .chain(std::iter::once("manifest.json".to_string()))
        .collect();
    let mut plan = Plan::default();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == LOCK_NAME {
            continue;
        }
        let ft = e.file_type().map_err(|x| io(&e.path(), x))?;
        if ft.is_file() {
            let mine = if changed.contains(&name) {
                false
            } else if ours.contains(&name) || name == ".report.html.tmp" {
                true
            } else if let Some(base) = name.strip_suffix(".tmp") {
                r.running && known.iter().any(|k| k == base)
            } else {
                !listed && r.kind.names().contains(&name.as_str())
            };
            if mine {
                plan.ours.push(name);
            } else {
                plan.foreign.push(name);
            }
        } else if ft.is_dir() && name == "charts" && r.kind.charts() {
            let cdir = e.path();
            let mut inner: Vec<_> = std::fs::read_dir(&cdir)
                .map_err(|x| io(&cdir, x))?
                .filter_map(|x| x.ok())
                .collect();
            inner.sort_by_key(|x| x.file_name());
            for c in inner {
                let cname = c.file_name().to_string_lossy().into_owned();
                let rel = format!("charts/{cname}");
                let cft = c.file_type().map_err(|x| io(&c.path(), x))?;
                let mine = cft.is_file()
                    && !changed.contains(&rel)
                    && (ours.contains(&rel)
                        || is_chart_tmp(&cname)
                        || (!listed && (cname.ends_with(".png") || cname.ends_with(".svg"))));
                if mine {
                    plan.ours.push(rel);
                } else {
                    plan.foreign
                        .push(if cft.is_dir() { rel + "/" } else { rel });
                }
            }
        } else {
            plan.foreign.push(if ft.is_dir() {
                format!("{name}/")
            } else {
                name
            });
        }
    }
    Ok(plan)
}

/// The foreign entries of `plan` that sit where a command of kind `new` writes.
pub fn conflicts(plan: &Plan, new: FolderKind) -> Vec<String> {
    plan.foreign
        .iter()
        .filter(|f| {
            let top = f.split('/').next().unwrap_or(f);
            new.reserves(top)
        })
        .cloned()
        .collect()
}

/// Deletes the files of `plan.ours` (and `charts/` when that leaves it empty).
pub fn delete_ours(dir: &Path, plan: &Plan) -> Result<(), OutputError> {
    for name in &plan.ours {
        let p = dir.join(name);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(super::io_err(&p, e)),
        }
    }
    let charts = dir.join("charts");
    if charts.is_dir()
        && std::fs::read_dir(&charts).is_ok_and(|mut d| d.next().is_none())
        && std::fs::symlink_metadata(&charts).is_ok_and(|m| m.is_dir())
    {
        std::fs::remove_dir(&charts).map_err(|e| super::io_err(&charts, e))?;
    }
    Ok(())
}
