//! Calibration: fitting a scenario's parameters to observed levels and responses at once.
//!
//! A `[calibration]` block (in the scenario, or a file given with `--calibration`) names the
//! parameters to search, each within a box, and the targets: a metric's level in a year, its
//! relative change or elasticity under a change made on 1 January of that year, or the odds
//! ratio of a share between two breakdowns. [`Calibration::of`] validates the block against the
//! scenario with located errors; [`objective`] evaluates a candidate (every candidate on the
//! same replications and seed, so the objective is smooth in the parameters: common random
//! numbers); [`search`] runs Nelder–Mead over the box; [`report`] writes the results folder.

pub mod command;
pub mod objective;
pub mod report;
pub mod search;
mod validate;

use validate::{parameter, target};

use std::path::Path;

use crate::metrics::Breakdown;
use crate::model::Plan;
use crate::scenario::raw::{CalibrationTargetKind, RawCalibration, Tie};
use crate::scenario::{ErrorKind, Scenario, ScenarioError, SourceFile, load::locate_in};

/// Most replications an evaluation may run.
const MAX_REPLICATIONS: u32 = 10_000;
/// Most evaluations a search may make.
const MAX_EVALUATIONS: u32 = 100_000;

/// One searched parameter: a value acting on one path or several tied paths.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Label in tables (the path, or the block's `name`).
    pub name: String,
    /// The paths it moves, with their values in the scenario.
    pub paths: Vec<(String, f64)>,
    /// How the value acts on each path.
    pub tie: Tie,
    /// Lowest value searched.
    pub low: f64,
    /// Highest value searched.
    pub high: f64,
    /// Where the search starts: the scenario's value (1 for a scale, 0 for a shift), moved
    /// into the box.
    pub start: f64,
}

impl Parameter {
    /// Each path's value when the parameter is `v`.
    pub fn path_values(&self, v: f64) -> Vec<(&str, f64)> {
        self.paths
            .iter()
            .map(|(p, base)| {
                let x = match self.tie {
                    Tie::Set => v,
                    Tie::Scale => base * v,
                    Tie::Shift => base + v,
                };
                (p.as_str(), x)
            })
            .collect()
    }
}

/// One validated target.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// Label in the fit table.
    pub name: String,
    /// Metric name.
    pub metric: &'static str,
    /// Year it is read in.
    pub year: i32,
    /// Level, relative change, elasticity or odds ratio.
    pub kind: CalibrationTargetKind,
    /// Breakdown the metric is read for.
    pub breakdown: Breakdown,
    /// For an odds ratio: the breakdown whose odds divide.
    pub versus: Option<Breakdown>,
    /// `PATH=VALUE` changes made on 1 January of `year` (empty: the scenario as it is).
    pub change: Vec<String>,
    /// The change holds for the whole run instead (levels and odds ratios only).
    pub change_from_start: bool,
    /// For an elasticity: the relative change of the changed parameter (new ÷ old − 1).
    pub parameter_change: f64,
    /// Published value.
    pub value: f64,
    /// Largest distance from `value` that counts as met.
    pub tolerance: f64,
    /// Weight in the objective.
    pub weight: f64,
    /// Where the value comes from.
    pub source: String,
}

/// A validated calibration: what to search and what to fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// Replications per evaluation.
    pub replications: u32,
    /// Most evaluations.
    pub max_evaluations: u32,
    /// Parameters searched.
    pub parameters: Vec<Parameter>,
    /// Targets.
    pub targets: Vec<Target>,
}

/// Where a calibration block was read from, for locating its errors.
enum Origin<'a> {
    Scenario(&'a Scenario),
    File(&'a SourceFile),
}

impl Origin<'_> {
    fn locate(&self, err: ScenarioError) -> ScenarioError {
        match self {
            Origin::Scenario(s) => s.locate(err),
            Origin::File(f) => locate_in(&f.path, &f.text, err),
        }
    }
}

pub(crate) fn err(kind: ErrorKind, path: String, message: String) -> ScenarioError {
    ScenarioError::new(kind, message).at_path(path)
}

impl Calibration {
    /// Validates the calibration block of `scenario`, or the one read from a `--calibration`
    /// file, against the scenario: every path settable and numeric, every box non-empty with
    /// both corners valid scenarios, every target's metric, breakdown, year and change valid.
    pub fn of(
        scenario: &Scenario,
        file: Option<&(RawCalibration, SourceFile)>,
    ) -> Result<Calibration, ScenarioError> {
        let (raw, origin) = match file {
            Some((raw, f)) => (raw, Origin::File(f)),
            None => match &scenario.raw.calibration {
                Some(raw) => (raw, Origin::Scenario(scenario)),
                None => {
                    return Err(ScenarioError::new(
                        ErrorKind::Shape,
                        "no [calibration] block: add one to the scenario, or give --calibration FILE (docs/calibration.md shows one)",
                    )
                    .in_file(scenario.main_file()));
                }
            },
        };
        Self::validate(scenario, raw).map_err(|e| origin.locate(e))
    }

    fn validate(scenario: &Scenario, raw: &RawCalibration) -> Result<Calibration, ScenarioError> {
        let plan = Plan::from_scenario(scenario)?;
        let model = plan.base();
        if !(1..=MAX_REPLICATIONS).contains(&raw.replications) {
            return Err(err(
                ErrorKind::OutOfRange,
                "calibration.replications".into(),
                format!(
                    "expected 1 to {MAX_REPLICATIONS} replications per evaluation, found {}",
                    raw.replications
                ),
            ));
        }
        if raw.parameters.is_empty() {
            return Err(err(
                ErrorKind::Shape,
                "calibration.parameters".into(),
                "expected at least one [[calibration.parameters]] (path, low, high): an empty box has nothing to fit".into(),
            ));
        }
        if raw.targets.is_empty() {
            return Err(err(
                ErrorKind::Shape,
                "calibration.targets".into(),
                "expected at least one [[calibration.targets]]".into(),
            ));
        }
        let need = raw.parameters.len() as u32 + 1;
        if !(need..=MAX_EVALUATIONS).contains(&raw.max_evaluations) {
            return Err(err(
                ErrorKind::OutOfRange,
                "calibration.max_evaluations".into(),
                format!(
                    "expected {need} to {MAX_EVALUATIONS} evaluations (the first simplex alone takes parameters + 1 = {need}), found {}",
                    raw.max_evaluations
                ),
            ));
        }
        let params = scenario.params();
        let mut parameters = Vec::new();
        for (i, p) in raw.parameters.iter().enumerate() {
            parameters.push(parameter(scenario, &params, i, p, &parameters)?);
        }
        let mut targets = Vec::new();
        for (i, t) in raw.targets.iter().enumerate() {
            targets.push(target(scenario, model, i, t)?);
        }
        Ok(Calibration {
            replications: raw.replications,
            max_evaluations: raw.max_evaluations,
            parameters,
            targets,
        })
    }

    /// The parameters' values at unit coordinates `u` (0 = low, 1 = high, clamped to the box),
    /// rounded to 10 significant digits: far finer than any fit needs, and the values read
    /// as written (1.2, not 1.2000000000000002) in calibrated.toml and trace.csv.
    pub fn values_at(&self, u: &[f64]) -> Vec<f64> {
        self.parameters
            .iter()
            .zip(u)
            .map(|(p, &x)| {
                let v = p.low + x.clamp(0.0, 1.0) * (p.high - p.low);
                format!("{v:.9e}")
                    .parse::<f64>()
                    .unwrap_or(v)
                    .clamp(p.low, p.high)
            })
            .collect()
    }

    /// The unit coordinates of `values`.
    pub fn unit_of(&self, values: &[f64]) -> Vec<f64> {
        self.parameters
            .iter()
            .zip(values)
            .map(|(p, &v)| (v - p.low) / (p.high - p.low))
            .collect()
    }

    /// `PATH=VALUE` overrides that set the parameters to `values` (exact: `{:?}` round-trips).
    pub fn overrides(&self, values: &[f64]) -> Vec<String> {
        self.parameters
            .iter()
            .zip(values)
            .flat_map(|(p, &v)| p.path_values(v))
            .map(|(path, x)| format!("{path}={x:?}"))
            .collect()
    }
}

/// Every file a calibration reads (the scenario chain and a `--calibration` file): what its
/// results folder may never be.
pub fn input_files(scenario: &Scenario, file: Option<&Path>) -> Vec<std::path::PathBuf> {
    let mut v: Vec<std::path::PathBuf> = scenario.files.iter().map(|f| f.path.clone()).collect();
    v.extend(file.map(Path::to_path_buf));
    v
}
