//! Experiment folders (`sweep`, `sensitivity`, `discover`, `drivers`; docs/outputs.md, "Experiment folders"):
//! the manifest.json of each kind, written by the commands and read back by the charts and the
//! report, and [`CsvStream`], the table (points.csv, samples.csv) written row by row as evaluations
//! finish, under `<name>.tmp` until it is finished, so a file that exists is whole.

use super::export::fmt_num;
use super::files::FileRecord;
use super::manifest::{ParamInfo, Status, rows_of};
use super::writer::{OutputDir, Stream};
use super::{OutputError, io_err};
use serde::{Deserialize, Serialize};

/// The `kind` values of experiment manifests (slurm folders are not experiments).
pub const KINDS: [&str; 4] = ["sweep", "sensitivity", "discover", "drivers"];

/// The scenario an experiment ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRef {
    /// The scenario file as given on the command line.
    pub path: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Hex SHA-256 of the resolved scenario text (after `extends` and `--set`).
    pub sha256: String,
}

/// One outcome of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRef {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub units: String,
    /// `binary` or `numeric`.
    #[serde(rename = "type")]
    pub kind_type: String,
}

impl OutcomeRef {
    pub fn is_binary(&self) -> bool {
        self.kind_type == "binary"
    }
}

/// One swept parameter and its range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepParam {
    pub path: String,
    pub lo: f64,
    pub hi: f64,
}

/// manifest.json of a sweep folder. Field order is the file's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    /// Always `sweep`.
    pub kind: String,
    pub crossroads_version: String,
    pub status: Status,
    /// Points whose rows are in points.csv (the first ones in design order).
    pub completed_points: u64,
    /// Points in the design.
    pub points: u64,
    pub scenario: ScenarioRef,
    pub sets: Vec<String>,
    pub seed: u64,
    /// Where the settings came from: `flags`, `scenario` (the file's `sweep:` block) or
    /// `scenario+flags` (the block with some fields overridden by flags).
    pub settings_from: String,
    /// The `sweep:` block's description (empty when the parameters came from `--param`).
    pub description: String,
    /// `grid`, `lhs` or `sobol`.
    pub design: String,
    pub samples: usize,
    pub runs_per_point: u64,
    pub params: Vec<SweepParam>,
    pub outcomes: Vec<OutcomeRef>,
    pub threads: usize,
    pub started_at: String,
    /// Null while running.
    pub finished_at: Option<String>,
    /// Why the sweep failed (status `failed`).
    pub error: Option<String>,
    /// `sweep --posterior DIR`: the calibration the points' unswept uncertain parameters were drawn
    /// from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<crate::outputs::manifest::PosteriorRef>,
    /// Posterior parameters the points do not draw (swept, or fixed by `--set`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posterior_unused: Vec<String>,
    /// The files written (docs/outputs.md, "files").
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

/// manifest.json of a sensitivity folder. Field order is the file's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityManifest {
    /// Always `sensitivity`.
    pub kind: String,
    pub crossroads_version: String,
    pub status: Status,
    /// Evaluations whose rows are in samples.csv (the first ones in design order).
    pub completed_evaluations: u64,
    /// Evaluations in the design.
    pub evaluations: u64,
    pub scenario: ScenarioRef,
    pub sets: Vec<String>,
    pub seed: u64,
    /// `sobol` or `morris`.
    pub method: String,
    pub samples: usize,
    pub runs_per_point: u64,
    /// Null for morris.
    pub bootstrap_resamples: Option<usize>,
    /// The uncertain parameters, in the column order of samples.csv.
    pub params: Vec<ParamInfo>,
    pub outcomes: Vec<OutcomeRef>,
    pub threads: usize,
    /// Whether sensitivity.csv was written (only when every evaluation of the design is done).
    pub indices: bool,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Why sensitivity.csv is missing, when it is.
    pub note: Option<String>,
    pub error: Option<String>,
    /// The files written (docs/outputs.md, "files").
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

/// manifest.json of a discover folder. Field order is the file's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoverManifest {
    /// Always `discover`.
    pub kind: String,
    pub crossroads_version: String,
    pub status: Status,
    /// The output folder of `crossroads run` whose runs.csv was read.
    pub source: String,
    /// The scenario of the source folder (from its manifest).
    pub scenario: Option<ScenarioRef>,
    pub outcome: String,
    /// The outcome's label (from the source's manifest).
    #[serde(default)]
    pub outcome_label: String,
    /// For a numeric outcome: cases of interest are runs with a value `>= value`.
    pub value: Option<f64>,
    pub cases_of_interest: u64,
    pub cases: u64,
    pub peel_alpha: f64,
    pub min_support: f64,
    /// Pasting share (0: no pasting).
    #[serde(default)]
    pub paste_alpha: f64,
    /// Whether pasting widened the last peeled box (then boxes.csv's last row, `stage` `paste`).
    #[serde(default)]
    pub pasted: bool,
    /// The uncertain parameters (inputs of PRIM), in the column order of boxes.csv.
    pub params: Vec<String>,
    /// Rows of boxes.csv.
    pub boxes: u64,
    /// The step of the recommended box (experiments::prim, "Choosing a box").
    #[serde(default)]
    pub recommended: Option<u64>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    /// The files written (docs/outputs.md, "files").
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

/// manifest.json of a drivers folder (`crossroads drivers`: given-data PAWN on a run folder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriversManifest {
    /// Always `drivers`.
    pub kind: String,
    pub crossroads_version: String,
    pub status: Status,
    /// The output folder of `crossroads run` whose runs.csv was read.
    pub source: String,
    /// The scenario of the source folder (from its manifest).
    pub scenario: Option<ScenarioRef>,
    /// Runs in the source's runs.csv.
    pub runs: u64,
    /// The source's root seed.
    pub source_seed: u64,
    /// Seed of the bootstrap and the dummy input.
    pub seed: u64,
    pub slices: usize,
    pub bootstrap_resamples: usize,
    /// The uncertain parameters (inputs), in the order of drivers.csv.
    pub params: Vec<ParamInfo>,
    pub outcomes: Vec<OutcomeRef>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    /// The files written (docs/outputs.md, "files").
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

/// manifest.json of a slurm folder (the scripts of `crossroads slurm`; docs/cluster.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlurmManifest {
    /// Always `slurm`.
    pub kind: String,
    pub crossroads_version: String,
    pub status: Status,
    /// The scenario file (absolute path).
    pub scenario: String,
    pub runs: u64,
    pub shards: u64,
    pub seed: u64,
    pub sets: Vec<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    /// The scripts written (docs/outputs.md, "files").
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

crate::manifest_doc!(SweepManifest, |m| {
    m.completed_points = rows_of(&m.files, "points.csv").unwrap_or(0);
});
crate::manifest_doc!(SensitivityManifest, |m| {
    m.completed_evaluations = rows_of(&m.files, "samples.csv").unwrap_or(0);
    m.indices = m.files.iter().any(|f| f.name == "sensitivity.csv");
});
crate::manifest_doc!(DiscoverManifest, |m| {
    m.boxes = rows_of(&m.files, "boxes.csv").unwrap_or(0);
});
crate::manifest_doc!(DriversManifest, |_| {});
crate::manifest_doc!(SlurmManifest, |_| {});

/// A CSV number of an experiment table: shortest round-trip decimal, empty when not finite.
pub fn num(x: f64) -> String {
    fmt_num(Some(x))
}

/// The columns of points.csv per outcome: `<id>.<column>`.
pub fn sweep_columns(binary: bool) -> &'static [&'static str] {
    if binary {
        &["probability", "ci_low", "ci_high"]
    } else {
        &["mean", "p05", "p50", "p95"]
    }
}

/// The header of points.csv.
pub fn points_header(params: &[SweepParam], outcomes: &[OutcomeRef]) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(params.iter().map(|p| p.path.clone()));
    for o in outcomes {
        h.extend(
            sweep_columns(o.is_binary())
                .iter()
                .map(|c| format!("{}.{c}", o.id)),
        );
    }
    h
}

/// A CSV table written row by row into an output folder: each row is flushed to `<name>.tmp` as it
/// is written, and [`CsvStream::finish`] renames the file when the table is done (complete or not).
pub struct CsvStream {
    w: csv::Writer<Stream>,
    rows: u64,
}

impl CsvStream {
    /// Opens `name` in `dir` and writes the header.
    pub fn create(
        dir: &OutputDir,
        name: &str,
        header: &[String],
    ) -> Result<CsvStream, OutputError> {
        let stream = dir.stream(name)?;
        let mut s = CsvStream {
            w: csv::Writer::from_writer(stream),
            rows: 0,
        };
        s.write(header)?;
        Ok(s)
    }

    fn write(&mut self, rec: &[String]) -> Result<(), OutputError> {
        let path = self.w.get_ref().path().to_path_buf();
        self.w
            .write_record(rec)
            .map_err(|e| OutputError::Io(format!("{}: {e}", path.display())))?;
        // csv's flush also flushes the stream's buffer: the row is in the file.
        self.w.flush().map_err(|e| io_err(&path, e))
    }

    /// Writes one row and flushes it to the file.
    pub fn row(&mut self, rec: &[String]) -> Result<(), OutputError> {
        self.write(rec)?;
        self.rows += 1;
        Ok(())
    }

    /// Rows written (header excluded).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes, syncs and renames the table to its final name.
    pub fn finish(self) -> Result<(), OutputError> {
        let path = self.w.get_ref().path().to_path_buf();
        let stream = self
            .w
            .into_inner()
            .map_err(|e| OutputError::Io(format!("{}: {}", path.display(), e.error())))?;
        stream.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_a_tmp_file_until_finished_and_holds_every_row_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = OutputDir::prepare(&tmp.path().join("x"), false).unwrap();
        let mut s = CsvStream::create(&dir, "t.csv", &["a".into(), "b".into()]).unwrap();
        s.row(&["1".into(), num(0.5)]).unwrap();
        s.row(&["2".into(), num(f64::NAN)]).unwrap();
        let tmpf = dir.path().join("t.csv.tmp");
        assert_eq!(std::fs::read_to_string(&tmpf).unwrap(), "a,b\n1,0.5\n2,\n");
        assert!(!dir.path().join("t.csv").exists());
        assert_eq!(s.rows(), 2);
        s.finish().unwrap();
        assert!(!tmpf.exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("t.csv")).unwrap(),
            "a,b\n1,0.5\n2,\n"
        );
    }

    #[test]
    fn points_header_names_the_columns() {
        let p = [SweepParam {
            path: "actors.a.budget".into(),
            lo: 0.0,
            hi: 1.0,
        }];
        let o = |id: &str, t: &str| OutcomeRef {
            id: id.into(),
            label: String::new(),
            units: String::new(),
            kind_type: t.into(),
        };
        assert_eq!(
            points_header(&p, &[o("deal", "binary"), o("m", "numeric")]),
            [
                "point",
                "actors.a.budget",
                "deal.probability",
                "deal.ci_low",
                "deal.ci_high",
                "m.mean",
                "m.p05",
                "m.p50",
                "m.p95"
            ]
        );
    }
}
