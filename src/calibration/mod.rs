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

use std::path::Path;

use crate::catalog::{self, MetricInfo};
use crate::metrics::{Breakdown, label_of_columns};
use crate::model::Plan;
use crate::scenario::raw::{CalibrationTargetKind, RawCalibration, Tie};
use crate::scenario::{self, ErrorKind, Scenario, ScenarioError, SourceFile, load::locate_in};

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

fn err(kind: ErrorKind, path: String, message: String) -> ScenarioError {
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

fn parameter(
    scenario: &Scenario,
    params: &[scenario::paths::Param],
    i: usize,
    p: &scenario::raw::RawCalibrationParameter,
    earlier: &[Parameter],
) -> Result<Parameter, ScenarioError> {
    let at = |k: &str| format!("calibration.parameters.{i}.{k}");
    let listed: Vec<String> = match (p.path.is_empty(), p.paths.is_empty()) {
        (false, true) => vec![p.path.clone()],
        (true, false) => p.paths.clone(),
        _ => {
            return Err(err(
                ErrorKind::Shape,
                at("path"),
                "expected either `path` (one parameter) or `paths` (several tied together), not both or neither".into(),
            ));
        }
    };
    let field = if p.paths.is_empty() { "path" } else { "paths" };
    let fixed = [
        "run.",
        "population.",
        "timeline.",
        "targets.",
        "calibration.",
    ];
    let known: Vec<String> = params.iter().map(|q| q.path.clone()).collect();
    let mut paths = Vec::new();
    for path in &listed {
        if fixed.iter().any(|f| path.starts_with(f)) {
            return Err(err(
                ErrorKind::Override,
                at(field),
                format!(
                    "`{path}` cannot be calibrated: run settings, the population, the timeline, targets and the calibration block are not model parameters"
                ),
            ));
        }
        scenario::load::check_known_path(path, &known).map_err(|e| ScenarioError {
            path: Some(at(field)),
            message: format!("`{path}`: {}", e.message),
            ..e
        })?;
        let current = params
            .iter()
            .find(|q| &q.path == path)
            .and_then(|q| q.value.parse::<f64>().ok())
            .filter(|x| x.is_finite())
            .ok_or_else(|| {
                err(
                    ErrorKind::Override,
                    at(field),
                    format!("`{path}` is not a finite number, so it cannot be searched"),
                )
            })?;
        let taken = earlier
            .iter()
            .flat_map(|q| q.paths.iter())
            .chain(paths.iter())
            .any(|(q, _)| q == path);
        if taken {
            return Err(err(
                ErrorKind::Shape,
                at(field),
                format!("`{path}` is searched twice"),
            ));
        }
        paths.push((path.clone(), current));
    }
    if !(p.low.is_finite() && p.high.is_finite() && p.low < p.high) {
        return Err(err(
            ErrorKind::OutOfRange,
            at("high"),
            format!(
                "expected finite bounds with low < high (a box with room to search), found low = {} and high = {}",
                p.low, p.high
            ),
        ));
    }
    if p.tie == Tie::Scale
        && let Some((path, _)) = paths.iter().find(|(_, v)| *v == 0.0)
    {
        return Err(err(
            ErrorKind::OutOfRange,
            at(field),
            format!("`{path}` is 0, so scaling it moves nothing; use tie = \"set\" or \"shift\""),
        ));
    }
    let name = if !p.name.is_empty() {
        p.name.clone()
    } else if paths.len() == 1 {
        paths[0].0.clone()
    } else {
        format!("{} and {} more", paths[0].0, paths.len() - 1)
    };
    let start = match p.tie {
        Tie::Set => paths[0].1,
        Tie::Scale => 1.0,
        Tie::Shift => 0.0,
    }
    .clamp(p.low, p.high);
    let parameter = Parameter {
        name,
        paths,
        tie: p.tie,
        low: p.low,
        high: p.high,
        start,
    };
    // Both corners must be valid scenarios, or the search would stop on the first bad point.
    for (k, v) in [("low", p.low), ("high", p.high)] {
        let mut overrides = scenario.overrides.clone();
        overrides.extend(
            parameter
                .path_values(v)
                .into_iter()
                .map(|(path, x)| format!("{path}={x:?}")),
        );
        let checked = scenario::load(scenario.main_file(), &overrides)
            .and_then(|s| Plan::from_scenario(&s).map(|_| ()));
        if let Err(e) = checked {
            return Err(err(
                ErrorKind::OutOfRange,
                at(k),
                format!(
                    "the scenario is invalid with `{}` at {k} = {v}: {}",
                    parameter.name, e.message
                ),
            ));
        }
    }
    Ok(parameter)
}

fn target(
    scenario: &Scenario,
    model: &crate::model::Model,
    i: usize,
    t: &scenario::raw::RawCalibrationTarget,
) -> Result<Target, ScenarioError> {
    let at = |k: &str| format!("calibration.targets.{i}.{k}");
    let (_, info): (usize, &'static MetricInfo) = catalog::metric(&t.metric).ok_or_else(|| {
        let names = catalog::METRICS.iter().map(|m| m.name);
        let hint = scenario::paths::suggest(&t.metric, names)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        err(
            ErrorKind::UnknownKey,
            at("metric"),
            format!("unknown metric `{}`{hint}", t.metric),
        )
    })?;
    let columns = [
        t.tier.as_str(),
        t.group.as_str(),
        t.condition.as_str(),
        t.signing.as_str(),
    ];
    let label = label_of_columns(columns).ok_or_else(|| {
        err(
            ErrorKind::Shape,
            at("tier"),
            "expected at most one of tier, group, condition and signing to be other than \"all\" (metrics are broken down one way at a time)".into(),
        )
    })?;
    let kinds = ["tier", "group", "condition", "signing"];
    let field = kinds[columns.iter().position(|c| *c != "all").unwrap_or(0)];
    let breakdown = breakdown_of(model, info, label, &at(field))?;
    if label != "all" && column_of(breakdown) != field {
        return Err(err(
            ErrorKind::Shape,
            at(field),
            format!(
                "`{label}` is a {}, so it belongs in `{}`, not `{field}`",
                column_of(breakdown),
                column_of(breakdown)
            ),
        ));
    }
    let versus = match (&t.versus, t.kind) {
        (Some(v), CalibrationTargetKind::OddsRatio) => {
            let other = breakdown_of(model, info, v, &at("versus"))?;
            if column_of(other) != column_of(breakdown) || other == breakdown {
                return Err(err(
                    ErrorKind::Shape,
                    at("versus"),
                    format!(
                        "an odds ratio compares two breakdowns of one kind: `{v}` against the target's `{label}`"
                    ),
                ));
            }
            Some(other)
        }
        (None, CalibrationTargetKind::OddsRatio) => {
            return Err(err(
                ErrorKind::Shape,
                at("versus"),
                "an odds ratio needs `versus`: the breakdown whose odds divide (e.g. \"unsigned\")"
                    .into(),
            ));
        }
        (Some(_), _) => {
            return Err(err(
                ErrorKind::Shape,
                at("versus"),
                "`versus` belongs to kind = \"odds_ratio\" only".into(),
            ));
        }
        (None, _) => None,
    };
    if t.kind == CalibrationTargetKind::OddsRatio && info.unit != "fraction" {
        return Err(err(
            ErrorKind::Shape,
            at("metric"),
            format!(
                "an odds ratio needs a share (unit fraction); `{}` is in {}",
                info.name, info.unit
            ),
        ));
    }
    let run = &model.run;
    let last = run.start_year + run.years as i32 - 1;
    if !(run.start_year..=last).contains(&t.year) {
        return Err(err(
            ErrorKind::OutOfRange,
            at("year"),
            format!(
                "expected a reported year, {} to {last}, found {}",
                run.start_year, t.year
            ),
        ));
    }
    for (k, x, ok) in [
        ("value", t.value, t.value.is_finite()),
        (
            "tolerance",
            t.tolerance,
            t.tolerance.is_finite() && t.tolerance > 0.0,
        ),
        ("weight", t.weight, t.weight.is_finite() && t.weight >= 0.0),
    ] {
        if !ok {
            let what = match k {
                "value" => "a finite number",
                "tolerance" => "a finite number above 0",
                _ => "a finite number, 0 or more",
            };
            return Err(err(
                ErrorKind::OutOfRange,
                at(k),
                format!("expected {what}, found {x}"),
            ));
        }
    }
    let change = t.change.list();
    let is_response = matches!(
        t.kind,
        CalibrationTargetKind::RelativeChange | CalibrationTargetKind::Elasticity
    );
    if is_response && change.is_empty() {
        return Err(err(
            ErrorKind::Shape,
            at("change"),
            "a response needs `change`: the PATH=VALUE change it responds to".into(),
        ));
    }
    let parameter_change = if t.kind == CalibrationTargetKind::Elasticity {
        elasticity_base(scenario, &change, &at("change"))?
    } else {
        f64::NAN
    };
    if t.change_from_start && (is_response || change.is_empty()) {
        return Err(err(
            ErrorKind::Shape,
            at("change_from_start"),
            "`change_from_start` belongs to a level or odds ratio read with a `change` (a response's change starts on 1 January of its year)".into(),
        ));
    }
    if t.change_from_start {
        let mut overrides = scenario.overrides.clone();
        overrides.extend(change.iter().cloned());
        scenario::load(scenario.main_file(), &overrides)
            .and_then(|s| Plan::from_scenario(&s).map(|_| ()))
            .map_err(|e| err(ErrorKind::Override, at("change"), e.message))?;
    } else if !change.is_empty() {
        scenario
            .with_timeline_entry(&format!("{}-01-01", t.year), &change, "calibration")
            .and_then(|s| Plan::from_scenario(&s).map(|_| ()))
            .map_err(|e| err(ErrorKind::Override, at("change"), e.message))?;
    }
    let name = if t.name.is_empty() {
        default_name(t, info.name, label)
    } else {
        t.name.clone()
    };
    Ok(Target {
        name,
        metric: info.name,
        year: t.year,
        kind: t.kind,
        breakdown,
        versus,
        change,
        change_from_start: t.change_from_start,
        parameter_change,
        value: t.value,
        tolerance: t.tolerance,
        weight: t.weight,
        source: t.source.clone(),
    })
}

/// The column (`tier`, `group`, `condition`, `signing`) a breakdown is written in.
fn column_of(b: Breakdown) -> &'static str {
    match b {
        Breakdown::All | Breakdown::Tier(_) => "tier",
        Breakdown::Group(_) => "group",
        Breakdown::Condition(_) => "condition",
        Breakdown::Signing(_) => "signing",
    }
}

fn breakdown_of(
    model: &crate::model::Model,
    info: &MetricInfo,
    label: &str,
    path: &str,
) -> Result<Breakdown, ScenarioError> {
    Breakdown::parse(label, model)
        .filter(|b| b.is_reported_by(info.breakdowns))
        .ok_or_else(|| {
            err(
                ErrorKind::Shape,
                path.to_string(),
                format!(
                    "`{}` is reported for {}, not \"{label}\"",
                    info.name,
                    info.breakdowns.describe()
                ),
            )
        })
}

/// new ÷ old − 1 of the one numeric parameter an elasticity's change sets.
fn elasticity_base(
    scenario: &Scenario,
    change: &[String],
    path: &str,
) -> Result<f64, ScenarioError> {
    let bad = |m: String| err(ErrorKind::Shape, path.to_string(), m);
    let [one] = change else {
        return Err(bad(format!(
            "an elasticity needs exactly one numeric change (found {}); use kind = \"relative_change\" for several",
            change.len()
        )));
    };
    let (p, v) = one
        .split_once('=')
        .ok_or_else(|| bad(format!("`{one}`: expected PATH=VALUE")))?;
    let new: f64 = v
        .trim()
        .parse()
        .map_err(|_| bad(format!("`{one}`: an elasticity needs a number")))?;
    let old = scenario
        .params()
        .into_iter()
        .find(|q| q.path == p.trim())
        .and_then(|q| q.value.parse::<f64>().ok())
        .ok_or_else(|| bad(format!("`{}` is not a numeric parameter", p.trim())))?;
    let rel = new / old - 1.0;
    if !(rel.is_finite() && rel != 0.0) {
        return Err(bad(format!(
            "`{one}`: the change must move the parameter from its value {old} (new ÷ old − 1 must be a finite number other than 0)"
        )));
    }
    Ok(rel)
}

fn default_name(t: &scenario::raw::RawCalibrationTarget, metric: &str, label: &str) -> String {
    let what = if label == "all" {
        metric.to_string()
    } else {
        format!("{metric} ({label})")
    };
    let change = t.change.list().join(", ");
    match t.kind {
        CalibrationTargetKind::Level if change.is_empty() => format!("{what} {}", t.year),
        CalibrationTargetKind::Level => format!("{what} {} with {change}", t.year),
        CalibrationTargetKind::RelativeChange => {
            format!("relative change of {what} {} under {change}", t.year)
        }
        CalibrationTargetKind::Elasticity => {
            format!("elasticity of {what} {} to {change}", t.year)
        }
        CalibrationTargetKind::OddsRatio => format!(
            "odds ratio of {what} vs {} {}{}",
            t.versus.as_deref().unwrap_or("?"),
            t.year,
            if change.is_empty() {
                String::new()
            } else {
                format!(" with {change}")
            }
        ),
    }
}

/// Every file a calibration reads (the scenario chain and a `--calibration` file): what its
/// results folder may never be.
pub fn input_files(scenario: &Scenario, file: Option<&Path>) -> Vec<std::path::PathBuf> {
    let mut v: Vec<std::path::PathBuf> = scenario.files.iter().map(|f| f.path.clone()).collect();
    v.extend(file.map(Path::to_path_buf));
    v
}
