//! The rows of a results folder's tables, written by `tables.rs` and read back here by charts,
//! comparisons and sweeps: one type per table for both directions.

use std::path::Path;

use super::layout;
use anyhow::{Context, Result};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A row of metrics.csv.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct BandRow {
    /// Calendar year.
    pub year: i32,
    /// Metric name.
    pub metric: String,
    /// Tier column (`all` unless the row is about one tier).
    pub tier: String,
    /// Group column.
    pub group: String,
    /// Condition column.
    pub condition: String,
    /// Signing column.
    pub signing: String,
    /// Mean over replications.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// A target as summary.json states it.
#[derive(Clone, Debug, Deserialize)]
pub struct TargetRow {
    /// Target name.
    pub name: String,
    /// Metric name.
    pub metric: String,
    /// Breakdown label.
    pub tier: String,
    /// Year it applies to.
    pub year: i32,
    /// `>=` or `<=`.
    pub op: String,
    /// Threshold.
    pub value: f64,
    /// `level`, `yoy_change` or `change_since`.
    pub basis: String,
}

/// A row of replications.csv.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReplicationRow {
    /// Replication index.
    pub replication: u32,
    /// Calendar year.
    pub year: i32,
    /// Metric name.
    pub metric: String,
    /// Tier column (`all` unless the row is about one tier).
    pub tier: String,
    /// Group column.
    pub group: String,
    /// Condition column.
    pub condition: String,
    /// Signing column.
    pub signing: String,
    /// Value in that replication.
    pub value: f64,
}

impl BandRow {
    /// metrics.csv's header, in the fields' order.
    pub const HEADER: [&str; 11] = [
        "year",
        "metric",
        "tier",
        "group",
        "condition",
        "signing",
        "mean",
        "sd",
        "p5",
        "p50",
        "p95",
    ];

    /// The row as metrics.csv writes it (numbers as the shortest decimal that reads back).
    pub fn record(&self) -> [String; 11] {
        let n = super::tables::num;
        [
            self.year.to_string(),
            self.metric.clone(),
            self.tier.clone(),
            self.group.clone(),
            self.condition.clone(),
            self.signing.clone(),
            n(self.mean),
            n(self.sd),
            n(self.p5),
            n(self.p50),
            n(self.p95),
        ]
    }
}

impl ReplicationRow {
    /// replications.csv's header, in the fields' order.
    pub const HEADER: [&str; 8] = [
        "replication",
        "year",
        "metric",
        "tier",
        "group",
        "condition",
        "signing",
        "value",
    ];

    /// The row as replications.csv writes it.
    pub fn record(&self) -> [String; 8] {
        [
            self.replication.to_string(),
            self.year.to_string(),
            self.metric.clone(),
            self.tier.clone(),
            self.group.clone(),
            self.condition.clone(),
            self.signing.clone(),
            super::tables::num(self.value),
        ]
    }
}

macro_rules! breakdown_key {
    ($t:ty) => {
        impl $t {
            /// The row's one breakdown label (`all`, or the column that is not `all`); rows with
            /// more than one set are not written by tierflow and read as `?`.
            pub fn key(&self) -> &str {
                crate::metrics::label_of_columns([
                    &self.tier,
                    &self.group,
                    &self.condition,
                    &self.signing,
                ])
                .unwrap_or("?")
            }
        }
    };
}
breakdown_key!(BandRow);
breakdown_key!(ReplicationRow);

/// Reads every row of a CSV file, naming the file and line of the first bad one.
pub fn csv_rows<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let mut r = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    r.deserialize()
        .map(|row| {
            row.map_err(|e| {
                let line = e
                    .position()
                    .map_or(String::new(), |p| format!(":{}", p.line()));
                anyhow::anyhow!("{}{line}: {e}", path.display())
            })
        })
        .collect()
}

/// The level targets of summary.json (empty when the file is absent).
pub fn targets(dir: &Path) -> Result<Vec<TargetRow>> {
    #[derive(Deserialize)]
    struct Summary {
        targets: Vec<TargetRow>,
    }
    let path = dir.join(layout::SUMMARY_JSON);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let s: Summary = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not a tierflow summary", path.display()))?;
    Ok(s.targets)
}

/// Reads a JSON file of a results folder.
pub fn json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not what this tierflow version writes",
            path.display()
        )
    })
}

/// The scenario name summary.json records (the folder's name when absent).
pub fn scenario_name(dir: &Path) -> String {
    #[derive(Deserialize)]
    struct Summary {
        scenario: String,
    }
    json::<Summary>(&dir.join(layout::SUMMARY_JSON)).map_or_else(
        |_| {
            dir.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().to_string())
        },
        |s| s.scenario,
    )
}

/// The part of a run's manifest.json that pairing runs needs (written by
/// [`super::report::Manifest`]; the same field names, read back).
#[derive(Clone, Debug, Deserialize)]
pub struct RunManifest {
    /// Scenario name.
    pub scenario: String,
    /// Base seed.
    pub seed: u64,
    /// Replication indices run.
    pub replications_run: Vec<u32>,
    /// `--set` overrides.
    pub overrides: Vec<String>,
}

/// compare.json: what was compared (`tierflow compare` writes it; charts and reports read it).
#[derive(Clone, Debug, serde::Serialize, Deserialize)]
pub struct CompareJson {
    /// tierflow version.
    pub tierflow_version: String,
    /// Scenario names (or `--label`s), the reference first.
    pub scenarios: Vec<String>,
    /// The inputs as given.
    pub inputs: Vec<String>,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Metrics tabulated and charted.
    pub chart_metrics: Vec<String>,
    /// The year of compare.md's table.
    pub table_year: i32,
}

/// A sweep's identity (in sweep.json): a folder is resumed only when this matches exactly.
#[derive(Clone, Debug, PartialEq, serde::Serialize, Deserialize)]
pub struct SweepSpec {
    /// tierflow version.
    pub tierflow_version: String,
    /// The scenario file as given.
    pub scenario_file: String,
    /// `--set` and `--lever` overrides of every point.
    pub overrides: Vec<String>,
    /// The varied paths (or lever names), in `--vary` order.
    pub varied_paths: Vec<String>,
    /// Every point's values, in grid order.
    pub points: Vec<Vec<String>>,
    /// Seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// Whether uncertain parameters were kept at central values.
    pub fix_parameters: bool,
    /// The base scenario as resolved, so editing the file between runs starts afresh.
    pub resolved_base: String,
}

/// sweep.json: the sweep's identity and whether it is complete.
#[derive(Clone, Debug, serde::Serialize, Deserialize)]
pub struct SweepJson {
    /// What the sweep is.
    pub spec: SweepSpec,
    /// Whether every point and table is written.
    pub complete: bool,
}
