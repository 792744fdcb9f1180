//! `tierflow params` and `tierflow check`.

use anyhow::Result;

use super::{ScenarioArgs, print};
use crate::model::Plan;
use crate::output::terminal;
use crate::scenario;

/// Lists every parameter with its resolved value and unit, one per line.
pub fn params(a: ScenarioArgs) -> Result<()> {
    let s = scenario::load(&a.scenario, &a.overrides())?;
    Plan::from_scenario(&s)?;
    let params = s.params();
    let width = params.iter().map(|p| p.path.len()).max().unwrap_or(0);
    let vwidth = params
        .iter()
        .map(|p| p.value.len())
        .max()
        .unwrap_or(0)
        .min(24);
    let mut text = String::new();
    for p in &params {
        // An uncertain parameter shows its central value and what replications draw.
        let drawn = s
            .uncertain
            .iter()
            .find(|u| u.path == p.path)
            .map_or(String::new(), |u| format!("  ~ {}", u.dist.describe()));
        text.push_str(&format!(
            "{:<width$}  {:<vwidth$}  {}{drawn}\n",
            p.path, p.value, p.unit
        ));
    }
    print(&text)
}

/// Validates a scenario and prints what would run.
pub fn check(a: ScenarioArgs) -> Result<()> {
    let s = scenario::load(&a.scenario, &a.overrides())?;
    let plan = Plan::from_scenario(&s)?;
    // What `run` would refuse for want of memory, `check` refuses too.
    let model = plan.base();
    crate::monte_carlo::resources::Estimate::of(model, model.run.replications as u64)
        .threads_that_fit(1, crate::monte_carlo::resources::available_bytes())
        .map_err(anyhow::Error::msg)?;
    let mut text = terminal::plan_description(plan.base(), plan.epochs.len());
    text.push_str(&terminal::uncertainty_line(&s.uncertain, false));
    for note in &s.override_notes {
        text.push_str(note);
        text.push('\n');
    }
    if s.raw.calibration.is_some() {
        let cal = crate::calibration::Calibration::of(&s, None)?;
        text.push_str(&format!(
            "  calibration block valid: {} parameter(s), {} target(s), {} replication(s) per evaluation, at most {} evaluations (`tierflow calibrate` uses it; other commands ignore it)\n",
            cal.parameters.len(),
            cal.targets.len(),
            cal.replications,
            cal.max_evaluations
        ));
    }
    print(&text)
}

/// Lists the levers the scenario declares, with their values in effect.
pub fn levers(a: ScenarioArgs) -> Result<()> {
    let s = scenario::load(&a.scenario, &a.overrides())?;
    Plan::from_scenario(&s)?;
    if s.raw.levers.is_empty() {
        return print(&format!(
            "`{}` declares no levers; add [levers.NAME] tables (docs/scenario.md#levers), or use --set PATH=VALUE with the paths `tierflow params` lists\n",
            a.scenario.display()
        ));
    }
    let mut text = String::new();
    for (name, l) in &s.raw.levers {
        let value = crate::scenario::levers::current_value(&s.tree, &s.raw, l);
        let shown = match (l.unit.as_str(), value.parse::<f64>()) {
            ("fraction", Ok(v)) => format!("{value} ({}%)", crate::study::grid::tidy(v * 100.0)),
            _ => value,
        };
        text.push_str(&format!(
            "{name} = {shown}  [{} to {}, step {}] {}{}\n  {} / {}\n  sets: {}\n  source: {}\n",
            l.min,
            l.max,
            l.step,
            l.unit,
            l.from
                .as_deref()
                .map_or(String::new(), |d| format!(", from {d}")),
            l.label,
            if l.label_zh.is_empty() {
                "–"
            } else {
                &l.label_zh
            },
            l.paths.join(", "),
            l.source
        ));
    }
    text.push_str(
        "move one with --lever NAME=VALUE[@YYYY-MM-DD] (a fraction may be given as 50%)\n",
    );
    print(&text)
}
