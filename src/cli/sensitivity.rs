//! `tierflow sensitivity`: one-at-a-time moves of parameters, a tornado of their effects.

use anyhow::Result;

use super::{RunnerArgs, ScenarioArgs, interrupt, print};
use crate::study::sensitivity::{SensitivitySettings, sensitivity as run_sensitivity};

/// Options of `tierflow sensitivity`.
#[derive(clap::Args, Debug)]
pub struct SensitivityArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Parameters to move, comma-separated paths (default: every behavioural coefficient and
    /// tier quality).
    #[arg(long, value_delimiter = ',')]
    params: Vec<String>,
    /// How far each parameter moves down and up, relative to its value: `20%` or `0.2`.
    #[arg(long, default_value = "20%", value_parser = parse_range)]
    range: f64,
    /// Metric whose change is charted.
    #[arg(long, default_value = "grassroots_outpatient_share")]
    metric: String,
    /// Breakdown of the metric: `all`, a tier, or a population group.
    #[arg(long, default_value = "all")]
    tier: String,
    /// Year judged (default: the last year of the run).
    #[arg(long)]
    year: Option<i32>,
    #[command(flatten)]
    runner: RunnerArgs,
}

fn parse_range(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (number, scale) = match t.strip_suffix('%') {
        Some(n) => (n, 0.01),
        None => (t, 1.0),
    };
    let x: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a relative range (expected e.g. 20% or 0.2)"))?;
    let x = x * scale;
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err(format!(
            "`{text}`: expected a range above 0% and below 100%"
        ))
    }
}

/// Runs a sensitivity analysis.
pub fn sensitivity(a: SensitivityArgs) -> Result<()> {
    let settings = SensitivitySettings {
        scenario: a.scenario.scenario.clone(),
        overrides: a.runner.overrides(&a.scenario.overrides()),
        params: a.params.clone(),
        range: a.range,
        metric: a.metric.clone(),
        tier: a.tier.clone(),
        year: a.year,
        options: a.runner.study()?,
    };
    let outcome = run_sensitivity(
        &settings,
        &interrupt::STOP,
        a.runner.progress("point replications"),
    )?;
    if !a.runner.quiet {
        print(&format!(
            "{}results: {}\n",
            outcome.table,
            outcome.dir.display()
        ))?;
    }
    Ok(())
}
