//! The layout of a results folder: every file's name, and the kinds of folder. Commands write
//! these names, and charts, studies and the report read them, from here alone.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The subfolder holding a results folder's charts.
pub const CHARTS: &str = "charts";
/// A sweep's finished points, `points/NNNN/`.
pub const POINTS: &str = "points";
/// Bands of every metric by year and breakdown (a run; a sweep point).
pub const METRICS_CSV: &str = "metrics.csv";
/// Every replication's metric values (a run; a sweep point).
pub const REPLICATIONS_CSV: &str = "replications.csv";
/// Bands by month, when a run asks for monthly outputs.
pub const METRICS_MONTHLY_CSV: &str = "metrics_monthly.csv";
/// Each replication's draws of the uncertain parameters.
pub const PARAMETER_DRAWS_CSV: &str = "parameter_draws.csv";
/// Headline metrics and targets of a run.
pub const SUMMARY_JSON: &str = "summary.json";
/// What made a run: files, overrides, seed, replications, timing.
pub const MANIFEST_JSON: &str = "manifest.json";
/// The scenario as run: every default filled, overrides applied.
pub const RESOLVED_SCENARIO_TOML: &str = "scenario.resolved.toml";
/// One row per sweep point and headline metric.
pub const SWEEP_CSV: &str = "sweep.csv";
/// Each sweep point's targets.
pub const SWEEP_TARGETS_CSV: &str = "sweep_targets.csv";
/// A sweep's identity and whether it is complete.
pub const SWEEP_JSON: &str = "sweep.json";
/// A finished sweep point's values and checksums.
pub const POINT_JSON: &str = "point.json";
/// Paired differences between compared scenarios.
pub const COMPARE_CSV: &str = "compare.csv";
/// What was compared.
pub const COMPARE_JSON: &str = "compare.json";
/// The comparison table as the terminal shows it.
pub const COMPARE_MD: &str = "compare.md";
/// Each moved parameter's effect (the tornado's rows).
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";
/// What a sensitivity analysis moved.
pub const SENSITIVITY_JSON: &str = "sensitivity.json";
/// A calibration's fit at its best point.
pub const FIT_CSV: &str = "fit.csv";
/// What a shard of a study holds and of which whole (`--shard I/N`).
pub const SHARD_JSON: &str = "shard.json";
/// A shard's replication results, for `tierflow merge`.
pub const SHARD_RESULTS: &str = "results.bin";
/// Every evaluation of a calibration.
pub const TRACE_CSV: &str = "trace.csv";
/// The scenario a calibration fitted (extends its input).
pub const CALIBRATED_TOML: &str = "calibrated.toml";
/// A calibration's settings and outcome.
pub const CALIBRATION_JSON: &str = "calibration.json";

/// What a results folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FolderKind {
    /// `tierflow run`.
    Run,
    /// `tierflow sweep`.
    Sweep,
    /// One finished point of a sweep (`points/NNNN/`).
    Point,
    /// `tierflow compare`.
    Compare,
    /// `tierflow sensitivity`.
    Sensitivity,
    /// `tierflow calibrate`.
    Calibration,
    /// One shard of a study (`--shard I/N`), for `tierflow merge`.
    Shard,
}

impl FolderKind {
    /// The table that marks a folder of this kind: charts are drawn from it, and a folder being
    /// written (before its marker) is recognised by it.
    pub fn main_table(self) -> &'static str {
        match self {
            FolderKind::Run | FolderKind::Point => METRICS_CSV,
            FolderKind::Sweep => SWEEP_CSV,
            FolderKind::Compare => COMPARE_CSV,
            FolderKind::Sensitivity => SENSITIVITY_CSV,
            FolderKind::Calibration => FIT_CSV,
            FolderKind::Shard => SHARD_JSON,
        }
    }

    /// The kind of the folder at `dir`, from its main table (studies first: a sweep point
    /// folder inside a sweep also holds metrics.csv).
    pub fn detect(dir: &Path) -> Option<FolderKind> {
        [
            FolderKind::Sweep,
            FolderKind::Compare,
            FolderKind::Sensitivity,
            FolderKind::Calibration,
            FolderKind::Shard,
            FolderKind::Run,
        ]
        .into_iter()
        .find(|k| dir.join(k.main_table()).is_file())
    }
}
