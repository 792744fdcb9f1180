//! The `[calibration]` block as written (shape and defaults only; `crate::calibration`
//! validates it against the scenario).

use serde::{Deserialize, Serialize};

/// What `tierflow calibrate` fits and to what. Other commands ignore the block.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    /// Replications per evaluation (every evaluation uses the same ones).
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Most evaluations the search may make.
    #[serde(default = "default_max_evaluations")]
    pub max_evaluations: u32,
    /// The parameters searched, each within a box.
    #[serde(default)]
    pub parameters: Vec<RawCalibrationParameter>,
    /// What the fit is judged on.
    #[serde(default)]
    pub targets: Vec<RawCalibrationTarget>,
}

fn default_replications() -> u32 {
    8
}

fn default_max_evaluations() -> u32 {
    200
}

/// One searched parameter: one path, or several tied together.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrationParameter {
    /// Label in the fit table (default: the path).
    #[serde(default)]
    pub name: String,
    /// Settable path, as `tierflow params` lists it.
    #[serde(default)]
    pub path: String,
    /// Several settable paths moved together by one value (instead of `path`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// How the value acts on each path: set it, multiply its own value, or add to it.
    #[serde(default)]
    pub tie: Tie,
    /// Lowest value searched.
    pub low: f64,
    /// Highest value searched.
    pub high: f64,
}

/// How a calibration parameter's value acts on its paths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tie {
    /// Every path takes the value.
    #[default]
    Set,
    /// Every path's own value is multiplied by it (the search starts at 1).
    Scale,
    /// It is added to every path's own value (the search starts at 0).
    Shift,
}

/// What a calibration target compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationTargetKind {
    /// The metric's mean in `year`.
    #[default]
    Level,
    /// after ÷ before − 1 under `change`.
    RelativeChange,
    /// (after ÷ before − 1) ÷ (new ÷ old − 1) of the one parameter `change` sets.
    Elasticity,
    /// Odds of a share in the target's breakdown ÷ odds in the `versus` breakdown.
    OddsRatio,
}

/// One or several `PATH=VALUE` changes.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawChanges {
    /// One change.
    One(String),
    /// Several changes, made together.
    Many(Vec<String>),
}

impl Default for RawChanges {
    fn default() -> Self {
        RawChanges::Many(Vec::new())
    }
}

impl RawChanges {
    /// The changes as a list.
    pub fn list(&self) -> Vec<String> {
        match self {
            RawChanges::One(s) => vec![s.clone()],
            RawChanges::Many(v) => v.clone(),
        }
    }
}

/// One calibration target.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrationTarget {
    /// Label in the fit table (default: built from the metric, breakdown, kind and year).
    #[serde(default)]
    pub name: String,
    /// Metric name, as in metrics.csv.
    pub metric: String,
    /// Year the metric is read in.
    pub year: i32,
    /// Level, relative change, elasticity or odds ratio.
    #[serde(default)]
    pub kind: CalibrationTargetKind,
    /// Tier filter ("all" = not broken down by tier).
    #[serde(default = "all")]
    pub tier: String,
    /// Group filter.
    #[serde(default = "all")]
    pub group: String,
    /// Condition filter.
    #[serde(default = "all")]
    pub condition: String,
    /// Signing filter: "signed", "unsigned" or "all".
    #[serde(default = "all")]
    pub signing: String,
    /// For an odds ratio: the breakdown label whose odds divide (e.g. "unsigned").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<String>,
    /// `PATH=VALUE` changes made on 1 January of `year`: what a response responds to, or the
    /// variant a level or odds ratio is read in.
    #[serde(default)]
    pub change: RawChanges,
    /// For a level or odds ratio: the change holds for the whole run, warm-up included (as
    /// `--set` would), instead of from 1 January of `year`.
    #[serde(default)]
    pub change_from_start: bool,
    /// Published value.
    pub value: f64,
    /// How far the simulated value may be from `value` and still count as met.
    pub tolerance: f64,
    /// Weight in the objective.
    #[serde(default = "one")]
    pub weight: f64,
    /// Where the value comes from.
    #[serde(default)]
    pub source: String,
}

fn all() -> String {
    "all".to_string()
}

fn one() -> f64 {
    1.0
}
