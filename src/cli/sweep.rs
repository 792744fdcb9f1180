//! `tierflow sweep`: runs a grid of parameter values with common random numbers.

use anyhow::Result;

use super::{RunnerArgs, ScenarioArgs, interrupt, print};
use crate::study::sweep::{SweepSettings, sweep as run_sweep};

/// Options of `tierflow sweep`. Rerunning the same sweep into the same folder resumes it.
#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// A parameter and its values: PATH=V1,V2,… or PATH=START:END:STEP (repeatable; the grid
    /// is every combination, the first --vary changing slowest).
    #[arg(long = "vary", value_name = "PATH=VALUES", required = true)]
    vary: Vec<String>,
    #[command(flatten)]
    runner: RunnerArgs,
}

/// Runs or resumes a sweep.
pub fn sweep(a: SweepArgs) -> Result<()> {
    let settings = SweepSettings {
        scenario: a.scenario.scenario.clone(),
        overrides: a.runner.overrides(&a.scenario.overrides()),
        vary: a.vary.clone(),
        options: a.runner.study()?,
    };
    let outcome = run_sweep(
        &settings,
        &interrupt::STOP,
        a.runner.progress("point replications"),
    )?;
    if !a.runner.quiet {
        let mut text = format!(
            "sweep: {} point(s) run, {} reused from an earlier run\n",
            outcome.points_run, outcome.points_reused
        );
        text.push_str(&outcome.table);
        if let Some(note) = &outcome.note {
            text.push_str(note);
            text.push('\n');
        }
        text.push_str(&format!("results: {}\n", outcome.dir.display()));
        print(&text)?;
    }
    Ok(())
}
