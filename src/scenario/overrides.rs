//! Applying a command's overrides to a resolved tree: `--set PATH=VALUE` (a percentage such as
//! `50%` where the path is a fraction) and `--lever NAME=VALUE[@DATE]` (recorded as
//! `lever:NAME=VALUE[@DATE]`), in the order given, with what each one reaches, so the timeline
//! rule of [`super::levers`] can be applied.

use std::collections::BTreeMap;

use super::error::{ErrorKind, ScenarioError};
use super::levers::{self, LEVER_PREFIX, Reach};
use super::load::check_known_path;
use super::paths;
use super::raw::{RawPolicyChange, RawScenario};
use super::uncertainty::{self, Uncertain};

/// What applying the overrides gives besides the changed tree.
pub struct Applied {
    /// Each overridden path with the date from which the override holds.
    pub reaches: Vec<Reach>,
    /// Dated lever overrides, as timeline entries to add.
    pub dated: Vec<RawPolicyChange>,
}

/// The value of `--set PATH=TEXT`: TOML, or a percentage when PATH is a fraction.
pub fn set_value(path: &str, text: &str) -> Result<toml::Value, ScenarioError> {
    let unit = crate::catalog::parameter_unit(path);
    if text.ends_with('%') {
        return levers::number(text, unit)
            .map(toml::Value::Float)
            .map_err(|m| {
                ScenarioError::new(ErrorKind::Override, format!("--set: {m}")).at_path(path)
            });
    }
    paths::parse_value(text)
        .map_err(|m| ScenarioError::new(ErrorKind::Override, format!("--set: {m}")).at_path(path))
}

/// Applies `overrides` to `tree` (resolved from `raw`, whose levers they may name); `known`
/// lists every settable path; distributions given by `--set` go to `uncertain`.
pub fn apply(
    tree: &mut toml::Table,
    raw: &RawScenario,
    overrides: &[String],
    known: &[String],
    uncertain: &mut Vec<Uncertain>,
) -> Result<Applied, ScenarioError> {
    let start = format!("{}-01-01", raw.run.start_year);
    let mut applied = Applied {
        reaches: Vec::new(),
        dated: Vec::new(),
    };
    for arg in overrides {
        if let Some(text) = arg.strip_prefix(LEVER_PREFIX) {
            apply_lever(tree, raw, text, &start, &mut applied, uncertain)?;
            continue;
        }
        let (p, v) = arg.split_once('=').ok_or_else(|| {
            ScenarioError::new(
                ErrorKind::Override,
                format!("--set `{arg}`: expected PATH=VALUE, e.g. tiers.county.beds_per_1000=2.5"),
            )
        })?;
        let (p, v) = (p.trim(), v.trim());
        check_known_path(p, known).map_err(|e| e.with_origin(&format!("--set {arg}")))?;
        let mut value = set_value(p, v)?;
        // A later value for a path replaces any earlier distribution for it.
        uncertain.retain(|u| u.path != p);
        if let Some(dist) = uncertainty::parse(p, &value) {
            let dist = dist.map_err(|e| e.with_origin(&format!("--set {arg}")))?;
            value = toml::Value::Float(dist.central());
            uncertain.push(Uncertain {
                path: p.to_string(),
                dist,
            });
        }
        // A table given for a table merges into it (`--set 'timeline.3.set={"x" = 1}'` changes
        // one key of that entry and keeps the others), as a file that extends another does.
        if let toml::Value::Table(given) = &value
            && let Some(toml::Value::Table(existing)) = get_path(tree, p)
        {
            let mut merged = existing.clone();
            merged.extend(given.clone());
            value = toml::Value::Table(merged);
        }
        paths::set_path(tree, p, value)
            .map_err(|m| ScenarioError::new(ErrorKind::Override, format!("--set: {m}")))?;
        // A later override beats an earlier dated lever too.
        levers::drop_reached(&mut applied.dated, p, None);
        applied.reaches.push(Reach {
            path: p.to_string(),
            from: None,
            origin: format!("--set {arg}"),
        });
    }
    Ok(applied)
}

fn apply_lever(
    tree: &mut toml::Table,
    raw: &RawScenario,
    text: &str,
    start: &str,
    applied: &mut Applied,
    uncertain: &mut Vec<Uncertain>,
) -> Result<(), ScenarioError> {
    let o = levers::parse_lever(text)?;
    let err = |m: String| ScenarioError::new(ErrorKind::Override, format!("--lever {text}: {m}"));
    let Some(lever) = raw.levers.get(&o.name) else {
        let names: Vec<&str> = raw.levers.keys().map(String::as_str).collect();
        let hint = match paths::suggest(&o.name, names.iter().copied()) {
            Some(s) => format!("; did you mean `{s}`?"),
            None if names.is_empty() => {
                "; this scenario declares no levers ([levers.NAME] tables)".to_string()
            }
            None => format!(
                "; `tierflow levers SCENARIO` lists them: {}",
                names.join(", ")
            ),
        };
        return Err(err(format!("unknown lever `{}`{hint}", o.name)));
    };
    let value = if lever.unit == "true/false" {
        match o.value.as_str() {
            "true" | "on" | "yes" => toml::Value::Boolean(true),
            "false" | "off" | "no" => toml::Value::Boolean(false),
            v => return Err(err(format!("`{v}` is not true or false"))),
        }
    } else {
        let v = levers::number(&o.value, &lever.unit).map_err(err)?;
        if !(lever.min..=lever.max).contains(&v) {
            return Err(err(format!(
                "{v} is outside the lever's range {} to {} ({})",
                lever.min, lever.max, lever.unit
            )));
        }
        toml::Value::Float(v)
    };
    let date = o.date.clone().or_else(|| lever.from.clone());
    if let Some(d) = &date {
        let end = format!(
            "{}-12-31",
            raw.run.start_year + raw.run.years.max(1) as i32 - 1
        );
        if levers::day_order(d, &end) == std::cmp::Ordering::Greater {
            return Err(err(format!(
                "{d} is after the run ({start} to {end}); give a date within it"
            )));
        }
    }
    let whole_run = date
        .as_deref()
        .is_none_or(|d| levers::day_order(d, start) != std::cmp::Ordering::Greater);
    let mut set = BTreeMap::new();
    for p in &lever.paths {
        if whole_run {
            paths::set_path(tree, p, value.clone()).map_err(err)?;
            // The lever's value, not a draw, holds for the whole run.
            uncertain.retain(|u| &u.path != p);
        }
        levers::drop_reached(
            &mut applied.dated,
            p,
            if whole_run { None } else { date.as_deref() },
        );
        set.insert(p.clone(), value.clone());
        applied.reaches.push(Reach {
            path: p.clone(),
            from: if whole_run { None } else { date.clone() },
            origin: format!("--lever {text}"),
        });
    }
    if !whole_run && let Some(date) = date {
        applied.dated.push(RawPolicyChange {
            date,
            set,
            source: format!("--lever {text} ({})", lever.source),
        });
    }
    Ok(())
}

/// The value at dotted `path`, if there is one (numbers index arrays).
fn get_path<'a>(tree: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let mut segs = path.split('.');
    let mut cur = tree.get(segs.next()?)?;
    for seg in segs {
        cur = match cur {
            toml::Value::Table(t) => t.get(seg)?,
            toml::Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}
