//! The one verifying reader of output folders: `merge`, `plot`, `discover`, `drivers`, `compare` (on
//! folder inputs), `run --posterior` and `score` call [`folder`] before they read anything else, and
//! refuse (exit 2) a folder that is not what its manifest says, naming the file and, where there is
//! one, the line.
//!
//! Checked: manifest.json is crossroads's (a `crossroads_version`, a known `kind`, a known `status`,
//! the kind's fields), not `running` (then another process writes it, or the one that did was
//! killed); every data file the manifest lists (charts/ and report.html aside: they are drawn from
//! the data) exists with its size, SHA-256 and, for tables, its number of data rows; every table is
//! well-formed CSV (one header, the same number of fields on every line, a final line break: a file
//! cut mid-row is refused). Per kind: a batch's runs.csv has the columns the manifest names,
//! `completed_runs` rows numbered `first_run, first_run + 1, ...`, `0`/`1` in binary outcome
//! columns, numbers (or empty) in parameter and numeric columns and a known class; its series.csv has
//! the documented columns and one row per series and tick; its runs_series.csv (when the manifest
//! names per-run series) has the documented columns and one row per run, per-run series and tick, in
//! run order, with a number (or empty) as value; an experiment's table has the rows its manifest
//! counts (a complete drivers.csv: one row per outcome and parameter, and the dummy's; a
//! calibration's generations.csv its `generations_completed` and its posterior.csv its `particles`;
//! a score's score.csv its `scored`). Folders of older versions (no `files` in the manifest) get the
//! per-kind checks only.

use super::OutputError;
use super::experiment::DriversManifest;
use super::export::SERIES_COLUMNS;
use super::files::{FileRecord, Tally, is_table};
use super::manifest::{Manifest, Status};
use super::read::{Manifest as M, ReadError};
use super::replace::{FolderKind, MAX_MANIFEST_BYTES, read_capped};
use super::runs_series::RUNS_SERIES_COLUMNS;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A folder that passed [`folder`].
#[derive(Debug, Clone)]
pub struct Verified {
    pub dir: PathBuf,
    pub kind: FolderKind,
    pub status: Status,
    /// manifest.json, typed by its kind.
    pub manifest: super::read::Manifest,
    /// The manifest of a batch folder (`run`, `merge`): `manifest`'s batch variant.
    pub batch: Option<Manifest>,
    pub files: Vec<FileRecord>,
}

/// The fields every manifest has.
#[derive(Deserialize)]
struct Common {
    status: Status,
    #[serde(default)]
    files: Vec<FileRecord>,
}

fn invalid(m: String) -> OutputError {
    OutputError::Invalid(m)
}

/// A serde_json error as `PATH:LINE:COL: message`.
fn json_error(p: &Path, e: &serde_json::Error) -> OutputError {
    ReadError::json(p, e).into()
}

/// Typed manifest of `text` or a located error.
fn typed<T: serde::de::DeserializeOwned>(p: &Path, text: &str) -> Result<T, OutputError> {
    serde_json::from_str(text).map_err(|e| json_error(p, &e))
}

/// Checks the folder `dir` (see the module doc).
pub fn folder(dir: &Path) -> Result<Verified, OutputError> {
    let d = dir.display();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(invalid(format!(
                "{d}: not an output folder of crossroads (not a folder)"
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid(format!(
                "{d}: not an output folder of crossroads (no such folder)"
            )));
        }
        Err(e) => {
            return Err(invalid(format!(
                "{d}: not an output folder of crossroads ({e})"
            )));
        }
    }
    let mp = dir.join("manifest.json");
    let bytes = match read_capped(&mp, MAX_MANIFEST_BYTES) {
        Ok(b) => b,
        Err(why) => {
            return Err(invalid(format!(
                "{d}: not an output folder of crossroads ({}: {why})",
                mp.display()
            )));
        }
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| invalid(format!("{}: not UTF-8 text", mp.display())))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| json_error(&mp, &e))?;
    if !v.get("crossroads_version").is_some_and(|x| x.is_string()) {
        return Err(invalid(format!(
            "{}: not a crossroads output folder (no crossroads_version)",
            mp.display()
        )));
    }
    let kind = super::read::kind_of(&mp, &v)?;
    let common: Common = typed(&mp, &text)?;
    if common.status == Status::Running {
        if let Some(h) = super::lock::holder(dir).filter(|h| h.alive()) {
            return Err(OutputError::Locked(format!(
                "{d}: being written by {}; wait for it to finish",
                h.describe()
            )));
        }
        return Err(invalid(format!(
            "{d}: manifest.json says `running` but no process is writing it (the command was killed); \
             its files are incomplete: run the command again with --force"
        )));
    }
    // Charts and report.html are drawn from the data (and redrawn by `plot`): not inputs, not checked.
    for f in common.files.iter().filter(|f| !is_drawn(&f.name)) {
        check_listed(dir, f)?;
    }
    let manifest = super::read::Manifest::parse_as(&mp, &text, kind)?;
    let mut batch = None;
    match &manifest {
        M::Batch(m) => {
            check_batch(dir, m)?;
            batch = Some(m.clone());
        }
        M::Sweep(m) => check_rows(dir, "points.csv", m.completed_points, "completed_points")?,
        M::Sensitivity(m) => check_rows(
            dir,
            "samples.csv",
            m.completed_evaluations,
            "completed_evaluations",
        )?,
        M::Discover(m) => check_rows(dir, "boxes.csv", m.boxes, "boxes")?,
        M::Drivers(m) => check_drivers(dir, m)?,
        M::Calibration(m) => {
            check_rows(
                dir,
                "generations.csv",
                m.generations_completed as u64,
                "generations_completed",
            )?;
            if m.generations_completed > 0 {
                check_rows(dir, "posterior.csv", m.particles as u64, "particles")?;
            }
        }
        M::Score(m) => check_rows(dir, "score.csv", m.scored as u64, "scored")?,
        M::Compare(_) | M::Slurm(_) => {}
    }
    Ok(Verified {
        dir: dir.to_path_buf(),
        kind,
        status: common.status,
        manifest,
        batch,
        files: common.files,
    })
}

/// Whether a file of a folder is drawn from its data (charts/, report.html).
pub fn is_drawn(name: &str) -> bool {
    name.starts_with("charts/") || name == "report.html"
}

/// Hashes what is read through it.
struct TallyReader<R> {
    inner: R,
    tally: Tally,
    last: Option<u8>,
}

impl<R: Read> Read for TallyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.tally.add(&buf[..n]);
            self.last = Some(buf[n - 1]);
        }
        Ok(n)
    }
}

fn open(p: &Path) -> Result<std::fs::File, OutputError> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(invalid(format!("{}: not a regular file", p.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid(format!(
                "{}: missing (manifest.json lists it)",
                p.display()
            )));
        }
        Err(e) => return Err(invalid(format!("{}: {e}", p.display()))),
    }
    std::fs::File::open(p).map_err(|e| invalid(format!("{}: {e}", p.display())))
}

/// Walks a CSV table: `row(line, record)` for each data row. Refuses a malformed table (uneven
/// fields) and one that does not end with a line break (cut mid-row). Returns the data rows and the
/// tally of the bytes.
fn walk_csv(
    p: &Path,
    mut row: impl FnMut(u64, &csv::StringRecord) -> Result<(), OutputError>,
) -> Result<(u64, Tally), OutputError> {
    let f = open(p)?;
    let mut tr = TallyReader {
        inner: std::io::BufReader::with_capacity(1 << 16, f),
        tally: Tally::default(),
        last: None,
    };
    let mut rows = 0u64;
    let mut last_line = 1u64;
    {
        // Flexible: uneven rows are reported below, with the line and the counts.
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&mut tr);
        let mut rec = csv::StringRecord::new();
        let mut width = None;
        loop {
            match rd.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(last_line, |p| p.line());
                    return Err(invalid(format!(
                        "{}:{line}: not valid CSV: {e}",
                        p.display()
                    )));
                }
            }
            let line = rec.position().map_or(last_line + 1, |p| p.line());
            last_line = line;
            match width {
                None => width = Some(rec.len()),
                Some(w) if w != rec.len() => {
                    return Err(invalid(format!(
                        "{}:{line}: {} fields, the header has {w} (a malformed or cut row)",
                        p.display(),
                        rec.len()
                    )));
                }
                Some(_) => {
                    rows += 1;
                    row(line, &rec)?;
                }
            }
        }
    }
    if tr.last.is_some_and(|b| b != b'\n') {
        return Err(invalid(format!(
            "{}:{last_line}: ends mid-row, without a final line break (the file was cut)",
            p.display()
        )));
    }
    Ok((rows, tr.tally))
}

/// Checks one file the manifest lists: present, its rows (tables: well-formed), size and SHA-256.
fn check_listed(dir: &Path, f: &FileRecord) -> Result<(), OutputError> {
    let p = dir.join(&f.name);
    let tally = if is_table(&f.name) {
        let (rows, tally) = walk_csv(&p, |_, _| Ok(()))?;
        if let Some(want) = f.rows {
            rows_match(&p, rows, want, "manifest.json records")?;
        }
        tally
    } else {
        let mut tr = TallyReader {
            inner: open(&p)?,
            tally: Tally::default(),
            last: None,
        };
        std::io::copy(&mut tr, &mut std::io::sink())
            .map_err(|e| invalid(format!("{}: {e}", p.display())))?;
        tr.tally
    };
    let now = tally.record(&f.name);
    if now.bytes != f.bytes || now.sha256 != f.sha256 {
        return Err(invalid(format!(
            "{}: changed since crossroads wrote it ({} bytes, SHA-256 {}; manifest.json records {} bytes, {})",
            p.display(),
            now.bytes,
            &now.sha256[..12],
            f.bytes,
            &f.sha256[..f.sha256.len().min(12)]
        )));
    }
    Ok(())
}

/// `rows` data rows where `want` are expected: the line where they part.
fn rows_match(p: &Path, rows: u64, want: u64, says: &str) -> Result<(), OutputError> {
    use std::cmp::Ordering::*;
    match rows.cmp(&want) {
        Equal => Ok(()),
        Less => Err(invalid(format!(
            "{}:{}: ends after {rows} data rows; {says} {want} (truncated, or rows deleted)",
            p.display(),
            rows + 2
        ))),
        Greater => Err(invalid(format!(
            "{}:{}: a row beyond the {want} {says}",
            p.display(),
            want + 2
        ))),
    }
}

/// A table of an experiment folder: its data rows equal the manifest's count (when it exists).
fn check_rows(dir: &Path, name: &str, want: u64, field: &str) -> Result<(), OutputError> {
    let p = dir.join(name);
    if !p.exists() {
        return Ok(());
    }
    let (rows, _) = walk_csv(&p, |line, rec| numbers(&p, line, rec))?;
    rows_match(&p, rows, want, &format!("manifest.json's {field} is"))
}

/// Every cell that looks numeric parses as a finite number (labels and empty cells pass).
fn numbers(p: &Path, line: u64, rec: &csv::StringRecord) -> Result<(), OutputError> {
    for cell in rec.iter() {
        if let Ok(x) = cell.parse::<f64>()
            && !x.is_finite()
        {
            return Err(invalid(format!(
                "{}:{line}: `{cell}` is not a finite number",
                p.display()
            )));
        }
    }
    Ok(())
}

/// A number cell: empty or a finite number.
fn number_cell(p: &Path, line: u64, col: &str, cell: &str) -> Result<(), OutputError> {
    if cell.is_empty() || cell.parse::<f64>().is_ok_and(|x| x.is_finite()) {
        Ok(())
    } else {
        Err(invalid(format!(
            "{}:{line}: column `{col}`: `{cell}` is not a number",
            p.display()
        )))
    }
}

fn check_batch(dir: &Path, m: &Manifest) -> Result<(), OutputError> {
    let (first, end) = m.range();
    let runs_path = dir.join("runs.csv");
    let listed = |n: &str| m.files.iter().any(|f| f.name == n);
    let needed = m.files.is_empty() && m.status == Status::Complete;
    if runs_path.exists() || needed || listed("runs.csv") {
        let p = &runs_path;
        let header = csv_header(p)?;
        let col = |name: &str| header.iter().position(|h| h == name);
        if header.first().map(String::as_str) != Some("run")
            || header.last().map(String::as_str) != Some("class")
        {
            return Err(invalid(format!(
                "{}:1: the header must start with `run` and end with `class`",
                p.display()
            )));
        }
        let mut outcome_cols = Vec::new();
        for o in &m.outcomes {
            let c = col(&o.id).ok_or_else(|| {
                invalid(format!(
                    "{}:1: no column for outcome `{}`",
                    p.display(),
                    o.id
                ))
            })?;
            outcome_cols.push((c, o.is_binary()));
        }
        let mut param_cols = Vec::new();
        for q in &m.uncertain_params {
            let c = col(&q.path).ok_or_else(|| {
                invalid(format!(
                    "{}:1: no column for uncertain parameter `{}`",
                    p.display(),
                    q.path
                ))
            })?;
            param_cols.push(c);
        }
        let classes: Vec<&str> = m.outcome_classes.iter().map(|c| c.id.as_str()).collect();
        let class_col = header.len() - 1;
        let mut next = first;
        let (rows, _) = walk_csv(p, |line, rec| {
            let run = &rec[0];
            if run != next.to_string() {
                return Err(invalid(format!(
                    "{}:{line}: run `{run}` where run {next} was expected (rows must be the runs {first}, {}, ... in order)",
                    p.display(),
                    first + 1
                )));
            }
            next += 1;
            for &(c, binary) in &outcome_cols {
                let cell = &rec[c];
                if binary {
                    if cell != "0" && cell != "1" {
                        return Err(invalid(format!(
                            "{}:{line}: column `{}`: `{cell}` is not 0 or 1 (a binary outcome)",
                            p.display(),
                            &header[c]
                        )));
                    }
                } else {
                    number_cell(p, line, &header[c], cell)?;
                }
            }
            for &c in &param_cols {
                number_cell(p, line, &header[c], &rec[c])?;
            }
            let class = &rec[class_col];
            if !class.is_empty() && !classes.contains(&class) {
                return Err(invalid(format!(
                    "{}:{line}: class `{class}` is not one of the manifest's outcome classes",
                    p.display()
                )));
            }
            Ok(())
        })?;
        if end < first {
            return Err(invalid(format!("{}: shard range is empty", dir.display())));
        }
        rows_match(
            p,
            rows,
            m.completed_runs,
            "manifest.json's completed_runs is",
        )?;
    }
    let series_path = dir.join("series.csv");
    if series_path.exists() || needed || listed("series.csv") {
        let p = &series_path;
        let header = csv_header(p)?;
        if header != SERIES_COLUMNS {
            return Err(invalid(format!(
                "{}:1: the header must be {}",
                p.display(),
                SERIES_COLUMNS.join(",")
            )));
        }
        let (rows, _) = walk_csv(p, |line, rec| {
            for (c, cell) in rec.iter().enumerate() {
                if c == 0 || c >= 4 {
                    number_cell(p, line, SERIES_COLUMNS[c], cell)?;
                }
            }
            Ok(())
        })?;
        let want = m.series.len() as u64 * (m.scenario.horizon as u64 + 1);
        rows_match(
            p,
            rows,
            want,
            "manifest.json's series × (horizon + 1) ticks are",
        )?;
    }
    let rs_path = dir.join("runs_series.csv");
    if rs_path.exists() || (needed && !m.per_run_series.is_empty()) || listed("runs_series.csv") {
        check_runs_series(&rs_path, m)?;
    }
    let summary = dir.join("summary.json");
    if summary.exists() {
        let b = read_capped(&summary, 1 << 30)
            .map_err(|e| invalid(format!("{}: {e}", summary.display())))?;
        serde_json::from_slice::<serde_json::Value>(&b).map_err(|e| json_error(&summary, &e))?;
    }
    Ok(())
}

/// runs_series.csv of a batch: the documented header; per run (in order, from the folder's first run),
/// one row per per-run series and tick, the series in the manifest's `per_run_series` order and the
/// ticks 0..=horizon; the value a number or empty.
fn check_runs_series(p: &Path, m: &Manifest) -> Result<(), OutputError> {
    let header = csv_header(p)?;
    if header != RUNS_SERIES_COLUMNS {
        return Err(invalid(format!(
            "{}:1: the header must be {}",
            p.display(),
            RUNS_SERIES_COLUMNS.join(",")
        )));
    }
    let ticks = m.scenario.horizon as u64 + 1;
    let per_run = m.per_run_series.len() as u64 * ticks;
    if per_run == 0 {
        return Err(invalid(format!(
            "{}: manifest.json names no per-run series, yet the file is there",
            p.display()
        )));
    }
    let (first, _) = m.range();
    let mut k = 0u64;
    let (rows, _) = walk_csv(p, |line, rec| {
        let run = first + k / per_run;
        let s = &m.per_run_series[((k % per_run) / ticks) as usize];
        let tick = k % ticks;
        k += 1;
        let want = [run.to_string(), tick.to_string()];
        if rec[0] != want[0] || rec[1] != want[1] || rec[3] != s.indicator || rec[4] != s.entity {
            return Err(invalid(format!(
                "{}:{line}: `{},{},{},{}` where run {run}, tick {tick} of {}:{} was expected",
                p.display(),
                &rec[0],
                &rec[1],
                &rec[3],
                &rec[4],
                s.indicator,
                s.entity
            )));
        }
        number_cell(p, line, "value", &rec[5])
    })?;
    rows_match(
        p,
        rows,
        m.completed_runs * per_run,
        "manifest.json's completed_runs × per-run series × (horizon + 1) ticks are",
    )
}

/// drivers.csv of a drivers folder: numbers where numbers belong and, when complete, one row per
/// outcome and parameter plus the dummy's per outcome.
fn check_drivers(dir: &Path, m: &DriversManifest) -> Result<(), OutputError> {
    let p = dir.join("drivers.csv");
    if !p.exists() {
        if m.status == Status::Complete {
            return Err(invalid(format!(
                "{}: missing (the manifest says complete)",
                p.display()
            )));
        }
        return Ok(());
    }
    let (rows, _) = walk_csv(&p, |line, rec| numbers(&p, line, rec))?;
    if m.status == Status::Complete {
        let want = (m.outcomes.len() * (m.params.len() + 1)) as u64;
        rows_match(
            &p,
            rows,
            want,
            "manifest.json's outcomes × (parameters + the dummy) are",
        )?;
    }
    Ok(())
}

/// The header of a CSV file.
fn csv_header(p: &Path) -> Result<Vec<String>, OutputError> {
    let f = open(p)?;
    let mut rd = csv::ReaderBuilder::new().has_headers(false).from_reader(f);
    let mut rec = csv::StringRecord::new();
    match rd.read_record(&mut rec) {
        Ok(true) => Ok(rec.iter().map(String::from).collect()),
        Ok(false) => Err(invalid(format!(
            "{}:1: empty file (no header)",
            p.display()
        ))),
        Err(e) => Err(invalid(format!("{}:1: not valid CSV: {e}", p.display()))),
    }
}
