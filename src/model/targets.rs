//! Validation of a scenario's targets: known metric, breakdown, year and comparison year.

use super::checks::*;
use super::{DAYS_PER_YEAR, RunSettings, Target};
use crate::catalog;
use crate::domain::TargetBasis;
use crate::scenario::raw::RawScenario;
use crate::scenario::{ErrorKind, ScenarioError};
use crate::tier::{N_TIERS, Tier};

/// Validates every target against the catalogue and the run.
pub(super) fn build_targets(
    raw: &RawScenario,
    run: &RunSettings,
    present: &[bool; N_TIERS],
) -> Result<Vec<Target>, ScenarioError> {
    let mut targets = Vec::new();
    // The last year with any simulated day (a short horizon_days ends the run early).
    let last_year = run.start_year + ((run.horizon_days / DAYS_PER_YEAR).ceil() as i32 - 1);
    for (i, t) in raw.targets.iter().enumerate() {
        let p = |k: &str| format!("targets.{i}.{k}");
        let Some((_, info)) = catalog::metric(&t.metric) else {
            let names = catalog::METRICS.iter().map(|m| m.name);
            let hint = crate::scenario::paths::suggest(&t.metric, names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; see docs/scenario.md for metric names".into());
            return Err(reference(
                p("metric"),
                format!("unknown metric `{}`{hint}", t.metric),
            ));
        };
        let b = info.breakdowns;
        let ok_key = t.tier == "all"
            || (b.tiers && Tier::from_name(&t.tier).is_some_and(|x| present[x.index()]))
            || (b.groups && raw.groups.contains_key(&t.tier))
            || (b.conditions && raw.conditions.contains_key(&t.tier))
            || (b.signing && (t.tier == "signed" || t.tier == "unsigned"));
        if !ok_key {
            let what = b.describe();
            return Err(reference(
                p("tier"),
                format!(
                    "metric `{}` is reported for {what}, not `{}`",
                    t.metric, t.tier
                ),
            ));
        }
        if t.year < run.start_year || t.year > last_year {
            return Err(out_of_range(
                p("year"),
                &format!("a year within the run, {}–{last_year}", run.start_year),
                t.year,
            ));
        }
        let first_year = run.start_year;
        let base_year = match (t.basis, t.since) {
            (TargetBasis::Level, _) => None,
            (TargetBasis::YoyChange, _) => Some(t.year - 1),
            (TargetBasis::ChangeSince, Some(y)) => Some(y),
            (TargetBasis::ChangeSince, None) => {
                return Err(ScenarioError::new(
                    ErrorKind::Shape,
                    "basis = \"change_since\" needs `since`, the year to compare with",
                )
                .at_path(p("since")));
            }
        };
        if let Some(b) = base_year
            && (b < first_year || b >= t.year)
        {
            return Err(out_of_range(
                p(if t.basis == TargetBasis::ChangeSince {
                    "since"
                } else {
                    "year"
                }),
                &format!(
                    "a comparison year within the run ({first_year}–{last_year}) and before {}",
                    t.year
                ),
                b,
            ));
        }
        // A target given twice would be counted twice in "N of M met".
        if let Some((j, first)) = raw.targets[..i].iter().enumerate().find(|(_, u)| {
            u.name == t.name
                || (u.metric == t.metric
                    && u.tier == t.tier
                    && u.year == t.year
                    && u.op == t.op
                    && u.value == t.value
                    && u.basis == t.basis
                    && u.since == t.since)
        }) {
            let what = if first.name == t.name {
                "has the same name as"
            } else {
                "repeats"
            };
            return Err(ScenarioError::new(
                ErrorKind::Shape,
                format!(
                    "target {} `{}` {what} target {} `{}` (targets are numbered from 1 in file order); each target must be given once",
                    i + 1,
                    t.name,
                    j + 1,
                    first.name
                ),
            )
            .at_path(format!("targets.{i}.name")));
        }
        targets.push(Target {
            name: t.name.clone(),
            metric: t.metric.clone(),
            tier: t.tier.clone(),
            year: t.year,
            op: t.op,
            value: check_finite(p("value"), t.value)?,
            basis: t.basis,
            base_year,
            source: t.source.clone(),
        });
    }
    Ok(targets)
}
