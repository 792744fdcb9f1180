//! The policy timeline as a sequence of validated models ("epochs").

use super::{Model, date_to_day};
use crate::scenario::paths::set_path;
use crate::scenario::{ErrorKind, Scenario, ScenarioError};
use crate::tier::Tier;

/// A parameter set in force from `start_day` until the next epoch.
#[derive(Clone, Debug)]
pub struct Epoch {
    /// Day (from 1 January of the start year) the parameters take effect.
    pub start_day: f64,
    /// The parameters.
    pub model: Model,
    /// Where the change comes from (empty for the base epoch).
    pub source: String,
}

/// The models a run goes through, in date order; the first starts at the beginning of warm-up.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Epochs in date order.
    pub epochs: Vec<Epoch>,
}

impl Plan {
    /// Validates the scenario and every timeline state.
    pub fn from_scenario(s: &Scenario) -> Result<Plan, ScenarioError> {
        let base = Model::from_raw(&s.raw).map_err(|e| s.locate(e))?;
        let run = base.run.clone();
        let mut dated = Vec::new();
        for (i, change) in s.raw.timeline.iter().enumerate() {
            let path = format!("timeline.{i}.date");
            let day = date_to_day(&change.date, run.start_year)
                .map_err(|m| s.locate(ScenarioError::new(ErrorKind::Shape, m).at_path(&path)))?;
            if !(0.0..run.horizon_days).contains(&day) {
                let last = run.start_year + run.years as i32 - 1;
                return Err(s.locate(
                    ScenarioError::new(
                        ErrorKind::OutOfRange,
                        format!(
                            "expected a date within the run ({}-01-01 to {last}-12-31), found \"{}\"",
                            run.start_year, change.date
                        ),
                    )
                    .at_path(path),
                ));
            }
            dated.push((day, i));
        }
        dated.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

        let mut epochs = vec![Epoch {
            start_day: -(run.warmup_years as f64) * super::DAYS_PER_YEAR,
            model: base,
            source: String::new(),
        }];
        let mut tree = s.tree.clone();
        let mut k = 0;
        while k < dated.len() {
            let day = dated[k].0;
            let mut sources = Vec::new();
            let mut last_i = dated[k].1;
            while k < dated.len() && dated[k].0 == day {
                let i = dated[k].1;
                last_i = i;
                let change = &s.raw.timeline[i];
                for (path, value) in &change.set {
                    set_path(&mut tree, path, value.clone()).map_err(|m| {
                        s.locate(
                            ScenarioError::new(ErrorKind::Override, m)
                                .at_path(format!("timeline.{i}.set")),
                        )
                    })?;
                }
                if !change.source.is_empty() {
                    sources.push(change.source.clone());
                }
                k += 1;
            }
            let at = |e: ScenarioError| {
                let what = e.path.clone().unwrap_or_default();
                s.locate(ScenarioError {
                    message: format!(
                        "after the change of {}, `{what}`: {}",
                        s.raw.timeline[last_i].date, e.message
                    ),
                    path: Some(format!("timeline.{last_i}.set")),
                    ..e
                })
            };
            let raw = s.raw_from_tree(&tree).map_err(|mut e| {
                e.file = None;
                e.line = None;
                e.column = None;
                at(e)
            })?;
            let model = Model::from_raw(&raw).map_err(at)?;
            check_same_structure(&epochs[0].model, &model)
                .map_err(|m| at(ScenarioError::new(ErrorKind::Override, m)))?;
            epochs.push(Epoch {
                start_day: day,
                model,
                source: sources.join("; "),
            });
        }
        if epochs.iter().any(|e| e.model.trends.is_active()) {
            epochs = with_yearly_trends(epochs, run.horizon_days);
        }
        Ok(Plan { epochs })
    }

    /// The parameters in force at the start.
    pub fn base(&self) -> &Model {
        &self.epochs[0].model
    }
}

/// Adds an epoch at every 1 January of the run (after the first) that no timeline change starts
/// on, and applies each epoch's trends for the year it starts in.
fn with_yearly_trends(epochs: Vec<Epoch>, horizon_days: f64) -> Vec<Epoch> {
    let mut out: Vec<Epoch> = Vec::with_capacity(epochs.len());
    for (i, e) in epochs.iter().enumerate() {
        out.push(e.clone());
        let end = epochs.get(i + 1).map_or(horizon_days, |n| n.start_day);
        let mut k = (e.start_day.max(0.0) / super::DAYS_PER_YEAR).floor() + 1.0;
        while k * super::DAYS_PER_YEAR < end {
            out.push(Epoch {
                start_day: k * super::DAYS_PER_YEAR,
                model: e.model.clone(),
                source: "yearly trends".to_string(),
            });
            k += 1.0;
        }
    }
    for e in &mut out {
        let years = (e.start_day.max(0.0) / super::DAYS_PER_YEAR).floor() as u32;
        e.model.apply_trends(years);
    }
    out
}

fn check_same_structure(a: &Model, b: &Model) -> Result<(), String> {
    let names = |m: &Model| {
        m.groups
            .iter()
            .map(|g| (g.name.clone(), g.n_people))
            .collect::<Vec<_>>()
    };
    if names(a) != names(b) {
        return Err("the timeline cannot add groups or change group shares".into());
    }
    if a.conditions.len() != b.conditions.len() {
        return Err("the timeline cannot add or remove conditions".into());
    }
    for t in Tier::ALL {
        if a.tiers[t].is_some() != b.tiers[t].is_some() {
            return Err(format!(
                "the timeline cannot add or remove the `{}` tier",
                t.name()
            ));
        }
    }
    Ok(())
}
