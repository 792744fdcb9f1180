//! Levers: named, labelled policy controls a scenario declares, each setting one or more
//! parameter paths together from a date (`[levers.NAME]`), and the one rule for overrides
//! and the timeline.
//!
//! **The rule: an override wins from its date.** A `--set PATH=VALUE` holds for the whole run,
//! and a `--lever NAME=VALUE[@DATE]` from its date (the lever's `from`, or the start of the run);
//! a timeline entry of the scenario that would change the same path on or after that date is
//! dropped for that path, and the drop is reported (`check` and `run` print it). Entries before
//! the override's date still apply until it.

use serde::{Deserialize, Serialize};

use super::error::{ErrorKind, ScenarioError};
use super::raw::{RawPolicyChange, RawScenario};

/// The prefix of a lever override in a scenario's override list (`--lever X=V` is recorded as
/// `lever:X=V`, beside `--set` overrides, so manifests and studies carry both alike).
pub const LEVER_PREFIX: &str = "lever:";

/// A lever as a scenario file declares it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawLever {
    /// Name for people, in English.
    pub label: String,
    /// Name for people, in Chinese.
    #[serde(default)]
    pub label_zh: String,
    /// Parameter paths it sets together (as `tierflow params` lists them).
    pub paths: Vec<String>,
    /// Unit of its value: "fraction", "yuan", "beds/1000 people", "true/false", …
    pub unit: String,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Step of a slider.
    pub step: f64,
    /// Date from which it applies ("YYYY-MM-DD"; default the start of the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The policy clause that names it.
    pub source: String,
}

/// A lever override parsed from `lever:NAME=VALUE[@DATE]`.
#[derive(Clone, Debug, PartialEq)]
pub struct LeverOverride {
    /// Lever name.
    pub name: String,
    /// Value as written.
    pub value: String,
    /// Date, if given.
    pub date: Option<String>,
}

/// Parses the text after `--lever`: `NAME=VALUE[@DATE]`.
pub fn parse_lever(text: &str) -> Result<LeverOverride, ScenarioError> {
    let bad = || {
        ScenarioError::new(
            ErrorKind::Override,
            format!(
                "--lever `{text}`: expected NAME=VALUE or NAME=VALUE@YYYY-MM-DD, e.g. grassroots_outpatient_payout=50%@2015-01-01"
            ),
        )
    };
    let (name, rest) = text.split_once('=').ok_or_else(bad)?;
    let (value, date) = match rest.split_once('@') {
        Some((v, d)) => (v.trim(), Some(d.trim().to_string())),
        None => (rest.trim(), None),
    };
    if name.trim().is_empty() || value.is_empty() {
        return Err(bad());
    }
    if let Some(d) = &date {
        check_date(d).map_err(|m| {
            ScenarioError::new(ErrorKind::Override, format!("--lever `{text}`: {m}"))
        })?;
    }
    Ok(LeverOverride {
        name: name.trim().to_string(),
        value: value.to_string(),
        date,
    })
}

/// Orders two "YYYY-MM-DD" dates as days (so `2016-7-1` sorts before `2016-10-01`, as the
/// engine reads it); text order when either is not a date.
pub fn day_order(a: &str, b: &str) -> std::cmp::Ordering {
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok();
    match (day(a), day(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.trim().cmp(b.trim()),
    }
}

/// Removes `path` from the dated lever entries an override reaching it from `from` (None: the
/// whole run) replaces; entries left empty go.
pub fn drop_reached(dated: &mut Vec<RawPolicyChange>, path: &str, from: Option<&str>) {
    for c in dated.iter_mut() {
        if from.is_none_or(|f| day_order(&c.date, f) != std::cmp::Ordering::Less) {
            c.set.remove(path);
        }
    }
    dated.retain(|c| !c.set.is_empty());
}

/// Checks a "YYYY-MM-DD" date.
pub fn check_date(d: &str) -> Result<(), String> {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| format!("`{d}` is not a date (expected YYYY-MM-DD, e.g. 2015-01-01)"))
}

/// Parses a number that may be written as a percentage (`50%` → 0.5) when `unit` is a
/// fraction; a percentage for another unit is refused, naming the unit.
pub fn number(text: &str, unit: &str) -> Result<f64, String> {
    let t = text.trim();
    if let Some(pct) = t.strip_suffix('%') {
        if unit != "fraction" {
            return Err(format!(
                "`{t}` is a percentage, but this value is in {unit}; write a plain number"
            ));
        }
        return pct
            .trim()
            .parse::<f64>()
            .map(|v| v / 100.0)
            .map_err(|_| format!("`{t}` is not a percentage (e.g. 50%)"));
    }
    t.parse::<f64>().map_err(|_| {
        if unit == "fraction" {
            format!("`{t}` is not a number (expected a fraction such as 0.5, or a percentage such as 50%)")
        } else {
            format!("`{t}` is not a number (in {unit})")
        }
    })
}

/// Checks the levers a scenario declares against its parameters (`known`: every settable path).
pub fn validate(raw: &RawScenario, known: &[String]) -> Result<(), ScenarioError> {
    for (name, l) in &raw.levers {
        let at = |field: &str| format!("levers.{name}.{field}");
        let err =
            |field: &str, m: String| ScenarioError::new(ErrorKind::Shape, m).at_path(at(field));
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(err(
                "label",
                format!(
                    "lever name `{name}` should be letters, digits and underscores (it is typed on the command line)"
                ),
            ));
        }
        if l.paths.is_empty() {
            return Err(err(
                "paths",
                "a lever sets at least one parameter path".into(),
            ));
        }
        for p in &l.paths {
            super::load::check_known_path(p, known).map_err(|e| ScenarioError {
                path: Some(at("paths")),
                message: format!("`{p}`: {}", e.message),
                ..e
            })?;
        }
        if !(l.min.is_finite() && l.max.is_finite() && l.min < l.max) {
            return Err(err(
                "max",
                format!("expected min < max, found min {} and max {}", l.min, l.max),
            ));
        }
        if !(l.step > 0.0 && l.step <= l.max - l.min) {
            return Err(err(
                "step",
                format!(
                    "expected a step above 0 and at most max − min ({}), found {}",
                    l.max - l.min,
                    l.step
                ),
            ));
        }
        if let Some(d) = &l.from {
            check_date(d).map_err(|m| err("from", m))?;
        }
        if l.source.trim().is_empty() {
            return Err(err(
                "source",
                "a lever cites the clause that names it".into(),
            ));
        }
    }
    Ok(())
}

/// An override's reach: a path set from a date (None: the whole run), by whom.
pub struct Reach {
    /// The parameter path.
    pub path: String,
    /// From when it holds (None: from the start).
    pub from: Option<String>,
    /// The override as given (`--set …` or `--lever …`), for notes.
    pub origin: String,
}

/// Applies the rule "an override wins from its date" to `raw`'s timeline: drops each change of
/// an overridden path dated on or after the override's date (entries left empty go); adds each
/// dated lever override as its own entry. Returns a note per drop.
pub fn resolve(
    raw: &mut RawScenario,
    reaches: &[Reach],
    dated: Vec<RawPolicyChange>,
) -> Vec<String> {
    let mut notes = Vec::new();
    for change in raw.timeline.iter_mut() {
        let date = change.date.clone();
        let source = change.source.clone();
        change.set.retain(|key, _| {
            let winner = reaches.iter().rev().find(|r| {
                r.path == *key
                    && r.from
                        .as_deref()
                        .is_none_or(|f| day_order(&date, f) != std::cmp::Ordering::Less)
            });
            match winner {
                Some(r) => {
                    notes.push(format!(
                        "note: {} replaces the timeline's change of `{key}` on {date}{} (an override wins from its date)",
                        r.origin,
                        if source.is_empty() { String::new() } else { format!(" ({source})") }
                    ));
                    false
                }
                None => true,
            }
        });
    }
    raw.timeline.retain(|c| !c.set.is_empty());
    raw.timeline.extend(dated);
    notes
}

/// The value of `lever` in effect on its `from` date (the start when none): its first path's
/// value after the timeline entries up to that date, "mixed" when its paths disagree.
pub fn current_value(tree: &toml::Table, raw: &RawScenario, lever: &RawLever) -> String {
    let params = super::paths::flatten(tree);
    let at = |p: &str| -> Option<String> {
        let mut v = params.iter().find(|x| x.path == p).map(|x| x.value.clone());
        let mut changes: Vec<&RawPolicyChange> = raw.timeline.iter().collect();
        changes.sort_by(|a, b| day_order(&a.date, &b.date));
        for c in changes {
            if lever
                .from
                .as_deref()
                .is_some_and(|f| day_order(&c.date, f) != std::cmp::Ordering::Greater)
                && let Some(x) = c.set.get(p)
            {
                v = Some(x.to_string());
            }
        }
        v
    };
    let values: Vec<String> = lever
        .paths
        .iter()
        .map(|p| at(p).unwrap_or_else(|| "–".to_string()))
        .collect();
    let mut distinct = values.clone();
    distinct.dedup();
    match distinct.as_slice() {
        [] => "–".to_string(),
        [one] => one.clone(),
        _ => format!("mixed ({})", values.join(" / ")),
    }
}
