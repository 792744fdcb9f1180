//! `tierflow run`: parses the command's options and calls [`crate::study::run::run`].

use anyhow::Result;

use super::{RunnerArgs, ScenarioArgs, interrupt, print};
use crate::study::run::{RunSettings, run as run_scenario};

/// Options of `tierflow run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Rerun only replication K (0-based) and get the numbers it has inside the full run.
    #[arg(long, value_name = "K")]
    replication: Option<u32>,
    /// Also write metrics per month (metrics_monthly.csv; sets run.monthly_outputs).
    #[arg(long)]
    monthly: bool,
    #[command(flatten)]
    runner: RunnerArgs,
}

/// Runs a scenario.
pub fn run(a: RunArgs) -> Result<()> {
    let mut overrides = a.runner.overrides(&a.scenario.overrides());
    if a.monthly {
        overrides.push("run.monthly_outputs=true".to_string());
    }
    // Cheap options first (study() checks --font), so a bad one is found before any simulation.
    let settings = RunSettings {
        scenario: a.scenario.scenario.clone(),
        overrides,
        set: a.scenario.overrides(),
        replication: a.replication,
        options: a.runner.study()?,
    };
    let outcome = run_scenario(
        &settings,
        &interrupt::STOP,
        a.runner.progress("replications"),
    )?;
    if !a.runner.quiet {
        print(&format!(
            "{}results: {}\n",
            outcome.report,
            outcome.dir.display()
        ))?;
    }
    Ok(())
}
