//! Validating one calibration parameter and one target against the scenario, each error at
//! its path in the block (the caller adds file and line).

use super::{Parameter, Target, err};
use crate::catalog::{self, MetricInfo};
use crate::metrics::{Breakdown, label_of_columns};
use crate::model::Plan;
use crate::scenario::raw::{CalibrationTargetKind, Tie};
use crate::scenario::{self, ErrorKind, Scenario, ScenarioError};

pub(super) fn parameter(
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

pub(super) fn target(
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
