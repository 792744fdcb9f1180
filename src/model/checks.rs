//! Validation helpers: range checks with located messages, bounds, dates, group sizes.

use chrono::{Datelike, NaiveDate};

use super::{DAYS_PER_YEAR, Group};
use crate::scenario::{ErrorKind, ScenarioError};

/// Most groups and conditions a scenario may have (person state keeps the group in a byte).
pub(super) const MAX_KEYS: usize = 64;
/// Longest run or warm-up, years.
pub(super) const MAX_YEARS: u32 = 500;
/// Upper bounds that keep sampling finite (far beyond any real value).
pub(super) const MAX_INCIDENCE_PER_YEAR: f64 = 1000.0;
/// Smallest non-zero incidence: below it the onset sampler's weights underflow.
pub(super) const MIN_INCIDENCE_PER_YEAR: f64 = 1e-9;
/// Most people simulated in any year of one replication (16 bytes of state each, plus
/// buffers: about 12 GB at this limit).
pub const MAX_SIMULATED_PEOPLE: u32 = 500_000_000;
/// Largest population a scenario may describe (more than the world's).
pub(super) const MAX_POPULATION: f64 = 1e10;
/// Most replications of one run (each keeps its yearly results in memory).
pub const MAX_REPLICATIONS: u32 = 100_000;
pub(super) const MAX_COST_YUAN: f64 = 1e9;
pub(super) const MAX_STAY_DAYS: f64 = 3650.0;
pub(super) const MIN_STAY_DAYS: f64 = 1e-3;
pub(super) const MAX_TRAVEL_MINUTES: f64 = 10_000.0;
pub(super) const MAX_UTILITY: f64 = 1e3;

pub(super) fn check_at_most(
    path: impl Into<String>,
    x: f64,
    max: f64,
    unit: &str,
) -> Result<f64, ScenarioError> {
    if x.is_finite() && (0.0..=max).contains(&x) {
        Ok(x)
    } else {
        Err(out_of_range(
            path,
            format!("a value from 0 to {max} {unit}").trim_end(),
            x,
        ))
    }
}

pub(super) fn check_at_most_yuan(path: impl Into<String>, x: f64) -> Result<f64, ScenarioError> {
    check_at_most(path, x, MAX_COST_YUAN, "yuan")
}

pub(super) fn check_utility(path: impl Into<String>, x: f64) -> Result<f64, ScenarioError> {
    if x.is_finite() && x.abs() <= MAX_UTILITY {
        Ok(x)
    } else {
        Err(out_of_range(
            path,
            &format!("a finite number within ±{MAX_UTILITY}"),
            x,
        ))
    }
}

pub(super) fn out_of_range(
    path: impl Into<String>,
    expected: &str,
    found: impl std::fmt::Display,
) -> ScenarioError {
    // A number too large or small for plain digits is shown in e-notation.
    let found = found.to_string();
    let found = match found.parse::<f64>() {
        Ok(x) => crate::scenario::error::fmt_number(x),
        Err(_) => found,
    };
    ScenarioError::new(
        ErrorKind::OutOfRange,
        format!("expected {expected}, found {found}"),
    )
    .at_path(path)
}

pub(super) fn reference(path: impl Into<String>, message: String) -> ScenarioError {
    ScenarioError::new(ErrorKind::Reference, message).at_path(path)
}

/// A tier the scenario names must be one of its `[tiers]`.
pub(super) fn require_tier(
    present: &[bool; crate::tier::N_TIERS],
    tier: crate::tier::Tier,
    path: impl Into<String>,
) -> Result<(), ScenarioError> {
    if present[tier.index()] {
        Ok(())
    } else {
        Err(reference(
            path,
            format!("tier `{}` is not defined in [tiers]", tier.name()),
        ))
    }
}

/// The index of `name` among the keys of table `[table]`, whose entries are `what`s (the one
/// lookup every cross-reference between tables goes through).
pub(super) fn index_of(
    keys: &[&String],
    name: &str,
    what: &str,
    table: &str,
    path: impl Into<String>,
) -> Result<usize, ScenarioError> {
    keys.iter().position(|k| k.as_str() == name).ok_or_else(|| {
        let defined: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        reference(
            path,
            format!(
                "{what} `{name}` is not defined in [{table}] (defined: {})",
                defined.join(", ")
            ),
        )
    })
}

pub(super) fn check_fraction(path: impl Into<String>, x: f64) -> Result<f64, ScenarioError> {
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(out_of_range(path, "a fraction between 0 and 1", x))
    }
}

pub(super) fn check_non_negative(path: impl Into<String>, x: f64) -> Result<f64, ScenarioError> {
    if x >= 0.0 && !x.is_nan() {
        Ok(x)
    } else {
        Err(out_of_range(path, "a value ≥ 0", x))
    }
}

pub(super) fn check_finite(path: impl Into<String>, x: f64) -> Result<f64, ScenarioError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(out_of_range(path, "a finite number", x))
    }
}

/// Day offset of `date` ("YYYY-MM-DD") from 1 January of `start_year`, on 365-day years.
pub fn date_to_day(date: &str, start_year: i32) -> Result<f64, String> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|e| format!("expected a date \"YYYY-MM-DD\", found \"{date}\" ({e})"))?;
    // Day of year on a 365-day calendar: 29 February folds into 28 February.
    let day = if d.month() == 2 && d.day() == 29 {
        28
    } else {
        d.day()
    };
    let common =
        NaiveDate::from_ymd_opt(2023, d.month(), day).expect("every month-day exists in 2023");
    Ok((d.year() - start_year) as f64 * DAYS_PER_YEAR + common.ordinal0() as f64)
}

/// Splits `n` people over groups by share with largest remainders, so sizes sum exactly to `n`.
pub(super) fn allocate_people(groups: &mut [Group], n: u32) {
    // Shares sum to 1 only within 1e-6, so normalise: the floors then never exceed n.
    let total: f64 = groups.iter().map(|g| g.share).sum();
    let exact: Vec<f64> = groups.iter().map(|g| g.share / total * n as f64).collect();
    let mut sizes: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut left = n.saturating_sub(sizes.iter().sum::<u32>());
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if groups[i].share > 0.0 {
            sizes[i] += 1;
            left -= 1;
        }
    }
    for (g, s) in groups.iter_mut().zip(sizes) {
        g.n_people = s;
    }
}

/// Longest scenario name, in bytes: it names the results folder (file systems allow 255 bytes,
/// and studies add suffixes such as `-sensitivity`).
pub const MAX_NAME_BYTES: usize = 200;

/// A scenario name names its default results folder (`outputs/<name>`), so it must be a plain
/// folder name: a scenario file received from someone else must not decide where files land.
/// Chinese, spaces and punctuation are fine.
pub fn check_scenario_name(name: &str) -> Result<(), ScenarioError> {
    let bad = |why: &str| {
        Err(ScenarioError::new(
            ErrorKind::OutOfRange,
            format!(
                "expected a plain folder name for the results (not empty, no `/` or `\\`, not starting with `.`, no control characters, at most {MAX_NAME_BYTES} bytes), found {:?}: {why}",
                name
            ),
        )
        .at_path("name"))
    };
    if name.trim().is_empty() {
        return bad("it is empty");
    }
    if name.contains(['/', '\\']) {
        return bad("it contains a path separator");
    }
    if name == "." || name == ".." || name.starts_with('.') {
        return bad("it starts with `.` (hidden, or a path to another folder)");
    }
    if name.chars().any(char::is_control) {
        return bad("it contains a control character");
    }
    if name.len() > MAX_NAME_BYTES {
        return bad("it is too long");
    }
    Ok(())
}

/// An incidence: 0 (the condition never occurs) or from [`MIN_INCIDENCE_PER_YEAR`] to
/// [`MAX_INCIDENCE_PER_YEAR`] episodes per person per year.
pub(super) fn check_incidence(path: impl Into<String>, x: f64) -> Result<f64, ScenarioError> {
    let path = path.into();
    let x = check_at_most(
        path.clone(),
        x,
        MAX_INCIDENCE_PER_YEAR,
        "episodes/person/year",
    )?;
    if x > 0.0 && x < MIN_INCIDENCE_PER_YEAR {
        return Err(out_of_range(
            path,
            &format!(
                "0 or from {MIN_INCIDENCE_PER_YEAR:e} to {MAX_INCIDENCE_PER_YEAR} episodes/person/year"
            ),
            x,
        ));
    }
    Ok(x)
}
