//! Parameter uncertainty: a model parameter written as a distribution instead of a value.
//!
//! ```toml
//! [behaviour]
//! cost_per_yuan = { dist = "normal", mean = -0.004, sd = 0.001 }
//! quality = { dist = "triangular", low = 0.8, mode = 1.0, high = 1.3 }
//! ```
//!
//! Loading replaces each distribution by its central value (normal: mean; uniform: midpoint;
//! triangular: mode, the planner's best guess), so `params`, `check` and `--fix-parameters` see
//! an ordinary scenario; [`Uncertain`] records what each replication should draw instead.

use rand::RngExt;
use rand_distr::{Distribution as _, Normal, Triangular};
use serde::{Deserialize, Serialize};
use toml::Value;

use super::paths::{MODEL_ROOTS, is_model_parameter};
use super::{ErrorKind, ScenarioError};

/// A distribution a parameter's value is drawn from, once per replication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// Normal with `mean` and `sd`, optionally truncated to [`min`, `max`] by redrawing.
    Normal {
        /// Mean (the central value).
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
        /// Lower truncation bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Upper truncation bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// Uniform on [`low`, `high`]; central value the midpoint.
    Uniform {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
    },
    /// Triangular on [`low`, `high`] peaking at `mode`, the central value.
    Triangular {
        /// Lower end.
        low: f64,
        /// Most likely value (the central value).
        mode: f64,
        /// Upper end.
        high: f64,
    },
}

/// One parameter whose value each replication draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Uncertain {
    /// Parameter path, as `tierflow params` lists it.
    pub path: String,
    /// What it is drawn from.
    pub dist: Distribution,
}

/// Redraws of a truncated normal before giving up (a truncation holding under 1e-3 of the mass
/// is a mistake, not a distribution).
const MAX_REDRAWS: usize = 1000;

impl Distribution {
    /// The value used when parameter uncertainty is switched off.
    pub fn central(&self) -> f64 {
        match *self {
            Distribution::Normal { mean, .. } => mean,
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Triangular { mode, .. } => mode,
        }
    }

    /// One draw; `None` when a truncated normal keeps falling outside its bounds.
    pub fn draw(&self, rng: &mut impl rand::Rng) -> Option<f64> {
        match *self {
            Distribution::Normal { mean, sd, min, max } => {
                let n = Normal::new(mean, sd).expect("checked at load");
                let lo = min.unwrap_or(f64::NEG_INFINITY);
                let hi = max.unwrap_or(f64::INFINITY);
                (0..MAX_REDRAWS)
                    .map(|_| n.sample(rng))
                    .find(|x| (lo..=hi).contains(x))
            }
            Distribution::Uniform { low, high } => Some(rng.random_range(low..=high)),
            Distribution::Triangular { low, mode, high } => Some(
                Triangular::new(low, high, mode)
                    .expect("checked at load")
                    .sample(rng),
            ),
        }
    }

    /// A one-line description, e.g. `normal(mean -0.004, sd 0.001)`.
    pub fn describe(&self) -> String {
        match *self {
            Distribution::Normal { mean, sd, min, max } => {
                let mut s = format!("normal(mean {mean}, sd {sd}");
                if let Some(m) = min {
                    s.push_str(&format!(", min {m}"));
                }
                if let Some(m) = max {
                    s.push_str(&format!(", max {m}"));
                }
                s + ")"
            }
            Distribution::Uniform { low, high } => format!("uniform({low}, {high})"),
            Distribution::Triangular { low, mode, high } => {
                format!("triangular({low}, mode {mode}, {high})")
            }
        }
    }

    fn check(&self) -> Result<(), String> {
        let finite = |name: &str, x: f64| {
            if x.is_finite() {
                Ok(())
            } else {
                Err(format!("`{name}` must be a finite number, found {x}"))
            }
        };
        match *self {
            Distribution::Normal { mean, sd, min, max } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd <= 0.0 {
                    return Err(format!("expected sd > 0, found {sd}"));
                }
                let lo = min.unwrap_or(f64::NEG_INFINITY);
                let hi = max.unwrap_or(f64::INFINITY);
                if !(lo..=hi).contains(&mean) {
                    return Err(format!(
                        "expected min ≤ mean ≤ max, found min {lo}, mean {mean}, max {hi}"
                    ));
                }
                Ok(())
            }
            Distribution::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low >= high {
                    return Err(format!("expected low < high, found {low} and {high}"));
                }
                finite_width(low, high)
            }
            Distribution::Triangular { low, mode, high } => {
                finite("low", low)?;
                finite("mode", mode)?;
                finite("high", high)?;
                if !(low < high && (low..=high).contains(&mode)) {
                    return Err(format!(
                        "expected low ≤ mode ≤ high with low < high, found {low}, {mode}, {high}"
                    ));
                }
                finite_width(low, high)
            }
        }
    }
}

/// Reads a `{ dist = … }` table; `None` when `value` is not one.
pub fn parse(path: &str, value: &Value) -> Option<Result<Distribution, ScenarioError>> {
    let Value::Table(t) = value else {
        return None;
    };
    if !t.contains_key("dist") {
        return None;
    }
    let err = |m: String| {
        ScenarioError::new(
            ErrorKind::Shape,
            format!(
                "{m} (a distribution is {{ dist = \"normal\", mean, sd [, min, max] }}, \
                 {{ dist = \"uniform\", low, high }} or {{ dist = \"triangular\", low, mode, high }})"
            ),
        )
        .at_path(path)
    };
    if !is_model_parameter(path) {
        return Some(Err(ScenarioError::new(
            ErrorKind::Shape,
            format!(
                "only model parameters can be uncertain (under {}); run settings, the population, \
                 targets and the timeline are fixed",
                MODEL_ROOTS.join(", ")
            ),
        )
        .at_path(path)));
    }
    // Integers in a distribution table are read as numbers too.
    let floats: toml::Table = t
        .iter()
        .map(|(k, v)| match v {
            Value::Integer(i) => (k.clone(), Value::Float(*i as f64)),
            other => (k.clone(), other.clone()),
        })
        .collect();
    Some(
        Distribution::deserialize(Value::Table(floats))
            .map_err(|e| err(e.message().trim().to_string()))
            .and_then(|d| d.check().map(|()| d).map_err(err)),
    )
}

/// Replaces every distribution in `tree` by its central value and returns what was replaced.
pub fn extract(tree: &mut toml::Table) -> Result<Vec<Uncertain>, ScenarioError> {
    let mut out = Vec::new();
    for (k, v) in tree.iter_mut() {
        walk(k, v, &mut out)?;
    }
    Ok(out)
}

fn walk(path: &str, v: &mut Value, out: &mut Vec<Uncertain>) -> Result<(), ScenarioError> {
    if let Some(parsed) = parse(path, v) {
        let dist = parsed?;
        *v = Value::Float(dist.central());
        out.push(Uncertain {
            path: path.to_string(),
            dist,
        });
        return Ok(());
    }
    match v {
        Value::Table(t) => {
            for (k, child) in t.iter_mut() {
                walk(&format!("{path}.{k}"), child, out)?;
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk(&format!("{path}.{i}"), child, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The width `high − low` must be a finite number, or draws are infinite or not a number.
fn finite_width(low: f64, high: f64) -> Result<(), String> {
    if (high - low).is_finite() {
        Ok(())
    } else {
        Err(format!(
            "expected high − low to be a finite number (at most about 1.8e308), found {} to {}",
            crate::scenario::error::fmt_number(low),
            crate::scenario::error::fmt_number(high)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_values_replace_distributions() {
        let mut t: toml::Table = r#"
            [behaviour]
            cost_per_yuan = { dist = "normal", mean = -0.004, sd = 0.001 }
            [tiers.county]
            quality = { dist = "triangular", low = 0, mode = 1, high = 2 }
        "#
        .parse()
        .unwrap();
        let u = extract(&mut t).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(t["behaviour"]["cost_per_yuan"].as_float(), Some(-0.004));
        assert_eq!(t["tiers"]["county"]["quality"].as_float(), Some(1.0));
    }

    #[test]
    fn bad_distributions_are_named() {
        for (text, needle) in [
            (
                r#"behaviour.x = { dist = "normal", mean = 1, sd = 0 }"#,
                "sd > 0",
            ),
            (
                r#"behaviour.x = { dist = "beta", a = 1 }"#,
                "unknown variant",
            ),
            (
                r#"behaviour.x = { dist = "uniform", low = 2, high = 1 }"#,
                "low < high",
            ),
            (
                r#"run.seed = { dist = "uniform", low = 1, high = 2 }"#,
                "only model",
            ),
        ] {
            let mut t: toml::Table = text.parse().unwrap();
            let e = extract(&mut t).unwrap_err();
            assert!(e.to_string().contains(needle), "{e}");
        }
    }
}
