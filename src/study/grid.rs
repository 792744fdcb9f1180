//! `--vary` specifications and the grid of points they span.

use toml::Value;

use crate::scenario::paths::parse_value;
use crate::scenario::{ErrorKind, ScenarioError};

/// Most points a sweep may have (a typo in a range step should not start a million runs).
pub const MAX_POINTS: usize = 10_000;

/// One varied parameter and its values, in the order given.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    /// Parameter path.
    pub path: String,
    /// Values as TOML text (what `--set` would take), in order.
    pub values: Vec<String>,
}

fn err(spec: &str, msg: impl Into<String>) -> ScenarioError {
    ScenarioError::new(
        ErrorKind::Override,
        format!("--vary `{spec}`: {}", msg.into()),
    )
}

/// A number as a short decimal: ranges step in binary floating point, so 0.1 + 0.2 is shown as
/// 0.3 rather than 0.30000000000000004.
pub fn tidy(x: f64) -> String {
    let rounded: f64 = format!("{x:.12e}").parse().expect("formatted float parses");
    let s = format!("{rounded}");
    if s == "-0" { "0".to_string() } else { s }
}

fn range(spec: &str, text: &str) -> Result<Option<Vec<String>>, ScenarioError> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 3 {
        return Ok(None);
    }
    let num = |s: &str, what: &str| -> Result<f64, ScenarioError> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| {
                err(
                    spec,
                    format!("range {what} `{s}` is not a number (expected START:END:STEP)"),
                )
            })
    };
    let (start, end, step) = (
        num(parts[0], "start")?,
        num(parts[1], "end")?,
        num(parts[2], "step")?,
    );
    if step == 0.0 || (end - start) * step < 0.0 {
        return Err(err(
            spec,
            format!(
                "step {step} never goes from {start} to {end} (expected a step with the sign of END − START)"
            ),
        ));
    }
    // Counted in floating point first: a tiny step gives a quotient too big for any integer.
    let steps = ((end - start) / step + 1e-9).floor();
    if !steps.is_finite() || steps + 1.0 > MAX_POINTS as f64 {
        let count = if steps.is_finite() {
            format!("{:.3e} values", steps + 1.0)
        } else {
            "more values than can be counted".to_string()
        };
        return Err(err(
            spec,
            format!("{count}; at most {MAX_POINTS} values per --vary (is the step too small?)"),
        ));
    }
    let n = steps as usize + 1;
    let integers = [parts[0], parts[1], parts[2]]
        .iter()
        .all(|p| p.trim().parse::<i64>().is_ok());
    Ok(Some(
        (0..n)
            .map(|i| {
                let x = start + step * i as f64;
                // A value a rounding error away from zero is zero.
                let x = if x.abs() < step.abs() * 1e-9 { 0.0 } else { x };
                if integers {
                    format!("{}", x.round() as i64)
                } else {
                    tidy(x)
                }
            })
            .collect(),
    ))
}

/// Parses `PATH=V1,V2,…` or `PATH=START:END:STEP` (END included when the steps reach it).
pub fn parse_vary(spec: &str) -> Result<Vary, ScenarioError> {
    let (path, rhs) = spec
        .split_once('=')
        .ok_or_else(|| err(spec, "expected PATH=V1,V2,… or PATH=START:END:STEP"))?;
    let path = path.trim().to_string();
    let rhs = rhs.trim();
    if path.is_empty() || rhs.is_empty() {
        return Err(err(spec, "expected PATH=V1,V2,… or PATH=START:END:STEP"));
    }
    let values = match range(spec, rhs)? {
        Some(v) => v,
        None => {
            let v: Vec<String> = rhs.split(',').map(|s| s.trim().to_string()).collect();
            for x in &v {
                if x.is_empty() {
                    return Err(err(spec, "an empty value in the list"));
                }
                // A percentage is converted by the caller, which knows the unit.
                let percent = x
                    .strip_suffix('%')
                    .is_some_and(|n| n.trim().parse::<f64>().is_ok());
                if !percent {
                    parse_value(x).map_err(|m| err(spec, m).at_path(&path))?;
                }
            }
            v
        }
    };
    let mut seen = Vec::new();
    for v in &values {
        if seen.contains(v) {
            return Err(err(spec, format!("`{v}` is listed twice")));
        }
        seen.push(v.clone());
    }
    Ok(Vary { path, values })
}

/// Every combination of the varied values; the first `--vary` changes slowest.
pub fn expand(varies: &[Vary]) -> Result<Vec<Vec<String>>, ScenarioError> {
    let total = varies
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.values.len()))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| {
            ScenarioError::new(
                ErrorKind::Override,
                format!("the grid has more than {MAX_POINTS} points; vary fewer values"),
            )
        })?;
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for v in varies {
        points = points
            .into_iter()
            .flat_map(|p| {
                v.values.iter().map(move |x| {
                    let mut q = p.clone();
                    q.push(x.clone());
                    q
                })
            })
            .collect();
    }
    debug_assert_eq!(points.len(), total);
    Ok(points)
}

/// The value of a point's coordinate as TOML, for writing into tables.
pub fn as_value(text: &str) -> Value {
    parse_value(text).expect("checked when parsed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_the_end_and_print_short_decimals() {
        let v = parse_vary("a.b=0.1:0.5:0.1").unwrap();
        assert_eq!(v.values, ["0.1", "0.2", "0.3", "0.4", "0.5"]);
        let v = parse_vary("a.b=10:1:-4").unwrap();
        assert_eq!(v.values, ["10", "6", "2"]);
        let v = parse_vary("a.b=0.3:0:-0.1").unwrap();
        assert_eq!(v.values, ["0.3", "0.2", "0.1", "0"]);
    }

    #[test]
    fn lists_keep_their_order_and_reject_repeats() {
        assert_eq!(
            parse_vary("x.y=0.7, 0.4,0.5").unwrap().values,
            ["0.7", "0.4", "0.5"]
        );
        assert!(parse_vary("x.y=1,1").is_err());
        assert!(parse_vary("x.y=1:2:0").is_err());
        assert!(parse_vary("x.y").is_err());
    }

    #[test]
    fn the_first_vary_changes_slowest() {
        let a = parse_vary("a=1,2").unwrap();
        let b = parse_vary("b=x,y,z").unwrap();
        let g = expand(&[a, b]).unwrap();
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], ["1", "x"]);
        assert_eq!(g[1], ["1", "y"]);
        assert_eq!(g[3], ["2", "x"]);
    }
}
