//! Reading an output folder back (docs/outputs.md is the contract): the other half of the writers in
//! this module. [`Manifest`] is every manifest crossroads writes, told apart by its `kind`; [`runs_csv`],
//! [`series_csv`], [`summary_json`], [`table`] (an experiment's CSV tables) and [`generations_csv`]
//! read the data files into the types the charts, the report and the commands use. Every failure is
//! one [`ReadError`] naming the file and, where there is one, the line.
//!
//! The readers are lenient where folders of older versions or partial folders differ, and only there
//! (once, here): an absent optional file is the caller's `None` ([`optional`]), a runs.csv row with
//! fewer fields reads the missing cells as empty, a cell that is not a finite number is `None`, a
//! series.csv row without a median is skipped and missing quantiles fall back to the median, fields
//! that later versions added to summary.json default. [`super::verify::folder`] checks a folder
//! against its manifest before any command reads it this way.

use super::calibration::{CalibrationManifest, GenerationRow, ScoreManifest};
use super::compare::CompareManifest;
use super::experiment::{
    DiscoverManifest, DriversManifest, SensitivityManifest, SlurmManifest, SweepManifest,
};
use super::export::Summary;
use super::manifest::Manifest as BatchManifest;
use super::replace::{FolderKind, MAX_MANIFEST_BYTES, read_capped};
use super::{ManifestDoc, OutputError};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What kind of failure a [`ReadError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// The folder or its manifest.json is missing: not an output folder (a usage error).
    NotOutputFolder,
    /// A file is there but is not what the contract says (a usage error).
    Invalid,
    /// Reading failed (an IO error).
    Io,
}

/// Why a file of an output folder could not be read: `PATH:LINE:COL: message` (line and column
/// where known; lines count from 1, the header being line 1 of a CSV table).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub kind: ReadErrorKind,
    pub path: PathBuf,
    pub line: Option<u64>,
    pub col: Option<u64>,
    pub message: String,
}

impl ReadError {
    fn new(kind: ReadErrorKind, path: &Path, message: impl std::fmt::Display) -> ReadError {
        ReadError {
            kind,
            path: path.to_path_buf(),
            line: None,
            col: None,
            message: message.to_string(),
        }
    }

    /// The file is not what the contract says.
    pub fn invalid(path: &Path, message: impl std::fmt::Display) -> ReadError {
        ReadError::new(ReadErrorKind::Invalid, path, message)
    }

    /// The same error at `line`.
    pub fn at(mut self, line: u64) -> ReadError {
        self.line = Some(line);
        self
    }

    fn io(path: &Path, e: std::io::Error) -> ReadError {
        ReadError::new(ReadErrorKind::Io, path, e)
    }

    /// A serde_json error, located.
    pub fn json(path: &Path, e: &serde_json::Error) -> ReadError {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let mut r = ReadError::invalid(path, msg);
        if e.line() > 0 {
            r.line = Some(e.line() as u64);
            r.col = Some(e.column() as u64);
        }
        r
    }

    /// A csv error, located at its record's line.
    pub fn from_csv(path: &Path, e: &csv::Error) -> ReadError {
        let line = e.position().map(|p| p.line());
        let msg = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} fields where the header has {expected_len}"),
            csv::ErrorKind::Io(io) => {
                return ReadError::io(path, std::io::Error::new(io.kind(), io.to_string()));
            }
            _ => e.to_string(),
        };
        let mut r = ReadError::invalid(path, msg);
        r.line = line;
        r
    }

    /// True for errors in the user's input (exit 2), false for IO failures (exit 1).
    pub fn is_usage(&self) -> bool {
        self.kind != ReadErrorKind::Io
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.col {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for OutputError {
    fn from(e: ReadError) -> OutputError {
        match e.kind {
            ReadErrorKind::Io => OutputError::Io(e.to_string()),
            _ => OutputError::Invalid(e.to_string()),
        }
    }
}

/// Every manifest.json crossroads writes, tagged by its top-level `kind` (a batch of `run` or
/// `merge` has none). Each kind's type keeps its own `kind` field, so writing a variant gives the
/// bytes its command writes; reading dispatches on `kind` first and then parses the text as that
/// kind, so an error is located in the file ([`Manifest::parse`]).
// One manifest is read per folder and matched at once: boxing the large variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Manifest {
    Batch(BatchManifest),
    Compare(CompareManifest),
    Sweep(SweepManifest),
    Sensitivity(SensitivityManifest),
    Discover(DiscoverManifest),
    Drivers(DriversManifest),
    Slurm(SlurmManifest),
    Calibration(CalibrationManifest),
    Score(ScoreManifest),
}

/// The kinds a manifest's `kind` may name, for messages.
const KIND_NAMES: &str = "compare, sweep, sensitivity, discover, drivers, slurm, calibration or score; a batch's \
     manifest has no kind";

impl Manifest {
    /// The manifest in `text` (read from `path`): its `kind` (an unknown one is refused, naming the
    /// kinds), then the fields of that kind.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, ReadError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ReadError::json(path, &e))?;
        Manifest::parse_as(path, text, kind_of(path, &v)?)
    }

    /// The manifest in `text` read as a manifest of `kind` (its `kind` field already known).
    pub fn parse_as(path: &Path, text: &str, kind: FolderKind) -> Result<Manifest, ReadError> {
        fn typed<T: serde::de::DeserializeOwned>(p: &Path, t: &str) -> Result<T, ReadError> {
            serde_json::from_str(t).map_err(|e| ReadError::json(p, &e))
        }
        Ok(match kind {
            FolderKind::Batch => Manifest::Batch(typed(path, text)?),
            FolderKind::Compare => Manifest::Compare(typed(path, text)?),
            FolderKind::Sweep => Manifest::Sweep(typed(path, text)?),
            FolderKind::Sensitivity => Manifest::Sensitivity(typed(path, text)?),
            FolderKind::Discover => Manifest::Discover(typed(path, text)?),
            FolderKind::Drivers => Manifest::Drivers(typed(path, text)?),
            FolderKind::Slurm => Manifest::Slurm(typed(path, text)?),
            FolderKind::Calibration => Manifest::Calibration(typed(path, text)?),
            FolderKind::Score => Manifest::Score(typed(path, text)?),
        })
    }

    /// The folder kind.
    pub fn kind(&self) -> FolderKind {
        match self {
            Manifest::Batch(_) => FolderKind::Batch,
            Manifest::Compare(_) => FolderKind::Compare,
            Manifest::Sweep(_) => FolderKind::Sweep,
            Manifest::Sensitivity(_) => FolderKind::Sensitivity,
            Manifest::Discover(_) => FolderKind::Discover,
            Manifest::Drivers(_) => FolderKind::Drivers,
            Manifest::Slurm(_) => FolderKind::Slurm,
            Manifest::Calibration(_) => FolderKind::Calibration,
            Manifest::Score(_) => FolderKind::Score,
        }
    }

    /// The manifest as the writer takes it (to rewrite it, e.g. with the charts `plot` drew).
    pub fn doc(&self) -> Box<dyn ManifestDoc> {
        match self {
            Manifest::Batch(m) => m.boxed(),
            Manifest::Compare(m) => m.boxed(),
            Manifest::Sweep(m) => m.boxed(),
            Manifest::Sensitivity(m) => m.boxed(),
            Manifest::Discover(m) => m.boxed(),
            Manifest::Drivers(m) => m.boxed(),
            Manifest::Slurm(m) => m.boxed(),
            Manifest::Calibration(m) => m.boxed(),
            Manifest::Score(m) => m.boxed(),
        }
    }

    /// The error for a manifest of another kind than `want` (the command's input), naming both.
    pub fn wrong_kind(&self, path: &Path, want: FolderKind) -> ReadError {
        wrong_kind(path, self.kind(), want)
    }
}

/// The error for a manifest (`path`) of kind `got` where one of kind `want` is read, naming both.
pub fn wrong_kind(path: &Path, got: FolderKind, want: FolderKind) -> ReadError {
    ReadError::invalid(
        path,
        format!(
            "a {} folder's manifest, expected a {} folder's",
            got.as_str(),
            want.as_str()
        ),
    )
}

/// The kind a manifest (`v`, read from `path`) names in its `kind` field: none is a batch; an unknown
/// one (or one that is not a string) is refused, naming the kinds.
pub fn kind_of(path: &Path, v: &serde_json::Value) -> Result<FolderKind, ReadError> {
    match v.get("kind") {
        None => Some(FolderKind::Batch),
        Some(serde_json::Value::String(k)) => FolderKind::from_field(Some(k)),
        Some(_) => None,
    }
    .ok_or_else(|| {
        ReadError::invalid(
            path,
            format!(
                "unknown kind {} (expected {KIND_NAMES})",
                v.get("kind").map_or(String::new(), |k| k.to_string())
            ),
        )
    })
}

/// Reads `dir`/manifest.json: [`ReadErrorKind::NotOutputFolder`] when the folder or the manifest is
/// missing, else the typed [`Manifest`] or a located error.
pub fn manifest(dir: &Path) -> Result<Manifest, ReadError> {
    let not_ours = |why: &str| ReadError::new(ReadErrorKind::NotOutputFolder, dir, why);
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(not_ours("not a folder")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_ours("no such folder"));
        }
        Err(e) => return Err(ReadError::io(dir, e)),
    }
    let mp = dir.join("manifest.json");
    if !mp.is_file() {
        return Err(not_ours("not an output folder (no manifest.json)"));
    }
    let bytes = read_capped(&mp, MAX_MANIFEST_BYTES).map_err(|why| ReadError::invalid(&mp, why))?;
    let text = String::from_utf8(bytes).map_err(|_| ReadError::invalid(&mp, "not UTF-8 text"))?;
    match Manifest::parse(&mp, &text) {
        Err(e) if e.message.starts_with("missing field") => lenient_batch(&mp, &text).ok_or(e),
        other => other,
    }
}

/// A batch manifest with fields missing (a hand-made one, or of an early version) read as charts
/// read it: each absent field (in `scenario` and in the items of the lists too) takes its default,
/// an absent `completed_runs` is `runs`. None when it is not a batch's or still does not read.
fn lenient_batch(path: &Path, text: &str) -> Option<Manifest> {
    use super::manifest::{ClassInfo, OutcomeInfo, ParamInfo, SeriesInfo};
    let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
    if kind_of(path, &v).ok()? != FolderKind::Batch {
        return None;
    }
    fn fill(v: &mut serde_json::Value, template: &serde_json::Value) {
        if let (Some(v), Some(t)) = (v.as_object_mut(), template.as_object()) {
            for (k, d) in t {
                match v.get_mut(k) {
                    Some(x) => fill(x, d),
                    None => {
                        v.insert(k.clone(), d.clone());
                    }
                }
            }
        }
    }
    fn json<T: Serialize>(x: &T) -> serde_json::Value {
        serde_json::to_value(x).unwrap_or_default()
    }
    let obj = v.as_object_mut()?;
    if !obj.contains_key("completed_runs") {
        let runs = obj.get("runs").cloned().unwrap_or(0.into());
        obj.insert("completed_runs".into(), runs);
    }
    for (list, item) in [
        ("outcomes", json(&OutcomeInfo::default())),
        ("outcome_classes", json(&ClassInfo::default())),
        ("uncertain_params", json(&ParamInfo::default())),
        ("series", json(&SeriesInfo::default())),
        ("per_run_series", json(&SeriesInfo::default())),
    ] {
        for x in obj
            .get_mut(list)
            .and_then(|l| l.as_array_mut())
            .into_iter()
            .flatten()
        {
            fill(x, &item);
        }
    }
    fill(&mut v, &json(&BatchManifest::default()));
    serde_json::from_value(v).ok().map(Manifest::Batch)
}

/// `read(path)` when the file is there, else `None` (optional files: series.csv, summary.json, the
/// tables of a partial experiment).
pub fn optional<T>(
    path: &Path,
    read: impl FnOnce(&Path) -> Result<T, ReadError>,
) -> Result<Option<T>, ReadError> {
    if path.is_file() {
        read(path).map(Some)
    } else {
        Ok(None)
    }
}

fn text(path: &Path) -> Result<String, ReadError> {
    std::fs::read_to_string(path).map_err(|e| ReadError::io(path, e))
}

/// A JSON file of a folder (summary.json, calibration.json, compare.json), typed.
pub fn json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ReadError> {
    serde_json::from_str(&text(path)?).map_err(|e| ReadError::json(path, &e))
}

/// summary.json.
pub fn summary_json(path: &Path) -> Result<Summary, ReadError> {
    json(path)
}

/// runs.csv as columns.
#[derive(Debug, Clone, Default)]
pub struct RunsTable {
    pub headers: Vec<String>,
    /// Numeric cells per column (None when empty or not a finite number).
    columns: HashMap<String, Vec<Option<f64>>>,
    /// The `class` column (None when empty).
    pub classes: Vec<Option<String>>,
    pub rows: usize,
}

impl RunsTable {
    pub fn column(&self, name: &str) -> Option<&[Option<f64>]> {
        self.columns.get(name).map(Vec::as_slice)
    }

    /// Per run (row index), the values of `cols` when every one is a number; runs with an empty
    /// cell among them are left out (a parameter a run did not report).
    pub fn complete_rows<'a>(
        &self,
        cols: &'a [&'a [Option<f64>]],
    ) -> impl Iterator<Item = (usize, Vec<f64>)> + 'a {
        (0..self.rows).filter_map(move |i| {
            Some((i, cols.iter().map(|c| c[i]).collect::<Option<Vec<f64>>>()?))
        })
    }
}

/// runs.csv (rows with fewer fields than the header read the missing cells as empty).
pub fn runs_csv(path: &Path) -> Result<RunsTable, ReadError> {
    let bad = |e: csv::Error| ReadError::from_csv(path, &e);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(bad)?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(bad)?
        .iter()
        .map(String::from)
        .collect();
    let mut cols: Vec<Vec<Option<f64>>> = vec![Vec::new(); headers.len()];
    let class_idx = headers.iter().position(|h| h == "class");
    let mut classes = Vec::new();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(bad)?;
        rows += 1;
        for (i, col) in cols.iter_mut().enumerate() {
            let cell = rec.get(i).unwrap_or("").trim();
            col.push(cell.parse::<f64>().ok().filter(|x| x.is_finite()));
        }
        if let Some(ci) = class_idx {
            let c = rec.get(ci).unwrap_or("").trim();
            classes.push(if c.is_empty() {
                None
            } else {
                Some(c.to_string())
            });
        }
    }
    let columns = headers.iter().cloned().zip(cols).collect();
    Ok(RunsTable {
        headers,
        columns,
        classes,
        rows,
    })
}

/// One (indicator, entity) series of series.csv.
#[derive(Debug, Clone)]
pub struct Series {
    pub indicator: String,
    pub entity: String,
    pub points: Vec<SeriesPoint>,
}

/// One tick of a series: mean and quantiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    pub tick: u32,
    pub mean: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// The columns of a series table a reader needs, by index.
pub struct SeriesColumns {
    /// tick, indicator, entity.
    pub key: [usize; 3],
    /// mean, p05, p25, p50, p75, p95.
    pub values: [usize; 6],
}

impl SeriesColumns {
    /// Finds the columns in `headers` (a missing one is an error at line 1).
    pub fn find(path: &Path, headers: &csv::StringRecord) -> Result<SeriesColumns, ReadError> {
        let idx = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| ReadError::invalid(path, format!("missing column `{name}`")).at(1))
        };
        Ok(SeriesColumns {
            key: [idx("tick")?, idx("indicator")?, idx("entity")?],
            values: [
                idx("mean")?,
                idx("p05")?,
                idx("p25")?,
                idx("p50")?,
                idx("p75")?,
                idx("p95")?,
            ],
        })
    }

    /// The row's point and its (indicator, entity); None for a row without a tick or a median
    /// (missing quantiles fall back to the median).
    pub fn point<'r>(&self, rec: &'r csv::StringRecord) -> Option<(SeriesPoint, &'r str, &'r str)> {
        let tick = rec.get(self.key[0])?.trim().parse::<u32>().ok()?;
        let num = |i: usize| {
            rec.get(i)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|x| x.is_finite())
        };
        let vals: Vec<Option<f64>> = self.values.iter().map(|&i| num(i)).collect();
        let p50 = vals[3]?;
        let v = |k: usize| vals[k].unwrap_or(p50);
        let point = SeriesPoint {
            tick,
            mean: v(0),
            p05: v(1),
            p25: v(2),
            p50,
            p75: v(4),
            p95: v(5),
        };
        Some((
            point,
            rec.get(self.key[1]).unwrap_or(""),
            rec.get(self.key[2]).unwrap_or(""),
        ))
    }
}

/// Series keyed by (group, indicator, entity) in first-seen order, points sorted by tick.
#[derive(Default)]
pub struct SeriesSet {
    index: HashMap<(usize, String, String), usize>,
    /// Per group, its series.
    pub groups: Vec<Vec<Series>>,
}

impl SeriesSet {
    pub fn with_groups(n: usize) -> SeriesSet {
        SeriesSet {
            index: HashMap::new(),
            groups: vec![Vec::new(); n],
        }
    }

    pub fn push(&mut self, group: usize, indicator: &str, entity: &str, point: SeriesPoint) {
        let key = (group, indicator.to_string(), entity.to_string());
        let g = &mut self.groups[group];
        let at = *self.index.entry(key).or_insert_with(|| {
            g.push(Series {
                indicator: indicator.to_string(),
                entity: entity.to_string(),
                points: Vec::new(),
            });
            g.len() - 1
        });
        g[at].points.push(point);
    }

    /// The groups, each series' points sorted by tick (one point a tick).
    pub fn finish(mut self) -> Vec<Vec<Series>> {
        for s in self.groups.iter_mut().flatten() {
            s.points.sort_by_key(|p| p.tick);
            s.points.dedup_by_key(|p| p.tick);
        }
        self.groups
    }
}

/// series.csv of a batch folder: one entry per (indicator, entity) in file order.
pub fn series_csv(path: &Path) -> Result<Vec<Series>, ReadError> {
    let bad = |e: csv::Error| ReadError::from_csv(path, &e);
    let mut rdr = csv::Reader::from_path(path).map_err(bad)?;
    let cols = SeriesColumns::find(path, rdr.headers().map_err(bad)?)?;
    let mut set = SeriesSet::with_groups(1);
    for rec in rdr.records() {
        let rec = rec.map_err(bad)?;
        if let Some((p, ind, ent)) = cols.point(&rec) {
            set.push(0, ind, ent, p);
        }
    }
    Ok(set.finish().pop().unwrap_or_default())
}

/// A CSV table of an experiment folder: header and rows of numbers (an empty or unreadable field is
/// NaN), plus the text columns named when reading kept as strings.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<f64>>,
    pub text: Vec<Vec<String>>,
}

impl Table {
    /// The index of a column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The index of a column the contract requires (`path` names the file in the error).
    pub fn need(&self, path: &Path, name: &str) -> Result<usize, ReadError> {
        self.col(name)
            .ok_or_else(|| ReadError::invalid(path, format!("no column {name}")).at(1))
    }
}

/// Reads a CSV table (points.csv, samples.csv, sensitivity.csv, boxes.csv, drivers.csv); `text`
/// columns are kept as strings, the others parsed as numbers.
pub fn table(path: &Path, text: &[&str]) -> Result<Table, ReadError> {
    let bad = |e: csv::Error| ReadError::from_csv(path, &e);
    let mut r = csv::Reader::from_path(path).map_err(bad)?;
    let header: Vec<String> = r.headers().map_err(bad)?.iter().map(String::from).collect();
    let is_text: Vec<bool> = header.iter().map(|h| text.contains(&h.as_str())).collect();
    let mut t = Table {
        header,
        ..Table::default()
    };
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        let mut nums = Vec::with_capacity(rec.len());
        let mut strs = Vec::new();
        for (v, &s) in rec.iter().zip(&is_text) {
            if s {
                strs.push(v.to_string());
                nums.push(f64::NAN);
            } else {
                nums.push(v.parse().unwrap_or(f64::NAN));
            }
        }
        t.rows.push(nums);
        t.text.push(strs);
    }
    Ok(t)
}

/// generations.csv of a calibration folder (a cell that is not a number reads as missing, NaN or 0).
pub fn generations_csv(path: &Path) -> Result<Vec<GenerationRow>, ReadError> {
    let bad = |e: csv::Error| ReadError::from_csv(path, &e);
    let mut r = csv::Reader::from_path(path).map_err(bad)?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        let f = |j: usize| rec.get(j).and_then(|x| x.parse::<f64>().ok());
        let u = |j: usize| rec.get(j).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
        out.push(GenerationRow {
            generation: u(0) as usize,
            tolerance: f(1),
            accepted: u(2) as usize,
            proposals: u(3),
            simulations: u(4),
            simulations_run: u(5),
            acceptance_rate: f(6).unwrap_or(f64::NAN),
            ess: f(7).unwrap_or(f64::NAN),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_line_and_column() {
        let p = Path::new("d/manifest.json");
        let e = Manifest::parse(p, "{\n  \"kind\": \"sweep\",\n  \"status\": 3\n}").unwrap_err();
        assert_eq!(e.path, p);
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.to_string().starts_with("d/manifest.json:3:"), "{e}");
        let e = Manifest::parse(p, r#"{"kind": "nonsense"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown kind \"nonsense\""), "{e}");
    }
}
