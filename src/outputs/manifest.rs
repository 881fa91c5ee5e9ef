//! manifest.json: what ran (docs/outputs.md).

use super::files::FileRecord;
use serde::{Deserialize, Serialize};

/// Batch status.
#[derive(Debug, Clone, Default, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written at the start: the batch is running (or the process was killed).
    Running,
    /// (Also what `outputs::read` takes a manifest without a status for.)
    #[default]
    Complete,
    /// Interrupted (Ctrl-C): `completed_runs` runs are in the files.
    Partial,
    /// A run failed (see `error`): the runs before it are in the files.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Complete => "complete",
            Status::Partial => "partial",
            Status::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub path: String,
    /// Hex SHA-256 of scenario.ron.
    pub sha256: String,
    pub name: String,
    pub description: String,
    pub start: String,
    pub horizon: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub index: u64,
    pub count: u64,
    pub first_run: u64,
    pub end_run: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParamInfo {
    pub path: String,
    pub distribution: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeInfo {
    pub id: String,
    pub label: String,
    pub units: String,
    /// `binary` or `numeric`.
    #[serde(rename = "type")]
    pub kind_type: String,
    /// The outcome's kind as written in the scenario (JSON of the schema type, keys sorted).
    pub kind: serde_json::Value,
}

impl OutcomeInfo {
    pub fn is_binary(&self) -> bool {
        self.kind_type == "binary"
    }
    /// The label, or the id when the label is empty.
    pub fn title(&self) -> &str {
        if self.label.trim().is_empty() {
            &self.id
        } else {
            &self.label
        }
    }
    /// The outcome kind's variant name (`PhaseReached`, `VoteShare`, ...), as serde writes enums.
    pub fn kind_name(&self) -> &str {
        match &self.kind {
            serde_json::Value::String(s) => s,
            serde_json::Value::Object(m) => m.keys().next().map(String::as_str).unwrap_or(""),
            _ => "",
        }
    }
    /// A string field of the kind's payload, e.g. `election` or `party` of `VoteShare`.
    pub fn kind_field(&self, field: &str) -> Option<&str> {
        self.kind.as_object()?.values().next()?.get(field)?.as_str()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassInfo {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesInfo {
    pub indicator: String,
    pub entity: String,
}

/// manifest.json. Field order is the file's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub crossroads_version: String,
    pub status: Status,
    /// Runs whose rows are in runs.csv (all of the shard's when complete).
    pub completed_runs: u64,
    /// The version of the draws (`model::rng::STREAMS_VERSION`): the same seed gives the same runs
    /// only under the same streams version. 0 in folders written before it was recorded.
    #[serde(default)]
    pub streams: u32,
    pub scenario: ScenarioInfo,
    pub sets: Vec<String>,
    pub seed: u64,
    /// Runs in the whole batch (all shards).
    pub runs: u64,
    /// Null when not sharded (and in a merged folder).
    pub shard: Option<ShardInfo>,
    /// Worker threads; null in a merged folder.
    pub threads: Option<usize>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub uncertain_params: Vec<ParamInfo>,
    pub outcomes: Vec<OutcomeInfo>,
    pub outcome_classes: Vec<ClassInfo>,
    pub series: Vec<SeriesInfo>,
    /// Whether events.csv was written (`--events`; absent in the earliest manifests: false).
    #[serde(default)]
    pub events: bool,
    pub error: Option<String>,
    /// Display names of the scenario's entities, keyed `kind:id` ([`super::labels`]); absent in
    /// folders written before they were recorded.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<String, String>,
    /// The series written per run to runs_series.csv (`record.per_run`, `--per-run-series`); absent
    /// when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_run_series: Vec<SeriesInfo>,
    /// `crossroads run --until-ci W`: how the number of runs was chosen (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_ci: Option<UntilCi>,
    /// `crossroads run --split-by OUTCOME`: the binary outcome whose runs the split fan charts set
    /// against the rest (absent: the first binary outcome that happened in 5-95% of the runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_by: Option<String>,
    /// `crossroads run --posterior DIR`: the calibration whose posterior gave the runs' parameters
    /// (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRef>,
    /// Every file crossroads wrote into the folder (manifest.json aside), by name: size, SHA-256 and,
    /// for tables, data rows (docs/outputs.md, "files"). Empty in folders of older versions.
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

/// The posterior a batch drew its uncertain parameters from (`run --posterior DIR`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosteriorRef {
    /// The calibration folder as given.
    pub path: String,
    /// Hex SHA-256 of its posterior.csv.
    pub sha256: String,
    /// Particles in posterior.csv.
    pub particles: usize,
    /// The parameters drawn from it (the others from their priors).
    pub params: Vec<String>,
    /// The calibration's cutoff month: observations up to it were used.
    pub until: String,
}

/// The data rows of `name` as recorded in `files`.
pub fn rows_of(files: &[FileRecord], name: &str) -> Option<u64> {
    files.iter().find(|f| f.name == name).and_then(|f| f.rows)
}

/// Implements [`super::ManifestDoc`] and [`super::Export`] (as manifest.json) for a manifest type
/// with `status`, `error`, `finished_at` and `files` fields: the one manifest writer of every kind.
/// `$end` sets the type's own counters from the files (`|m, files| ...`).
#[macro_export]
#[doc(hidden)]
macro_rules! manifest_doc {
    ($t:ty, $end:expr) => {
        impl $crate::outputs::ManifestDoc for $t {
            fn status(&self) -> $crate::outputs::Status {
                self.status
            }
            fn files(&self) -> &[$crate::outputs::files::FileRecord] {
                &self.files
            }
            fn set_files(&mut self, files: Vec<$crate::outputs::files::FileRecord>) {
                self.files = files;
            }
            fn end(&mut self, status: $crate::outputs::Status, error: &str) {
                self.status = status;
                self.error = Some(error.to_string());
                self.finished_at = Some($crate::outputs::manifest::now_utc());
                let end: fn(&mut $t) = $end;
                end(self);
            }
            fn to_bytes(&self) -> Vec<u8> {
                $crate::outputs::export::json_bytes(self)
            }
            fn boxed(&self) -> Box<dyn $crate::outputs::ManifestDoc> {
                Box::new(self.clone())
            }
        }
        impl $crate::outputs::Export for $t {
            fn file_name(&self) -> &str {
                "manifest.json"
            }
            fn bytes(&self) -> Vec<u8> {
                $crate::outputs::export::json_bytes(self)
            }
        }
    };
}

manifest_doc!(Manifest, |m| {
    m.completed_runs = rows_of(&m.files, "runs.csv").unwrap_or(0);
});

/// How `--until-ci` chose the number of runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UntilCi {
    /// The target: every binary outcome's 95% Wilson interval narrower than this.
    pub width: f64,
    /// Runs are added in blocks of this many.
    pub block: u64,
    /// The most runs allowed (`--runs`, else the scenario's).
    pub cap: u64,
    /// Whether the target was met (false: the cap was reached first).
    pub reached: bool,
    /// The widest binary interval at the stopping point.
    pub widest: f64,
}

impl Manifest {
    /// The run indices `[first, end)` this folder covers.
    pub fn range(&self) -> (u64, u64) {
        match self.shard {
            Some(s) => (s.first_run, s.end_run),
            None => (0, self.runs),
        }
    }
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    rfc3339(secs)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, H. Hinnant).
pub fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_known_values() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(1_795_910_340), "2026-11-28T23:59:00Z");
    }
}
