//! `tierflow calibrate`: parses the command's options and calls
//! [`crate::calibration::command::calibrate`].

use std::path::PathBuf;

use anyhow::Result;

use super::{ChartArgs, RunnerArgs, ScenarioArgs, interrupt, print};
use crate::calibration::command::{CalibrateSettings, calibrate as run_calibration};

/// Options of `tierflow calibrate`.
#[derive(clap::Args, Debug)]
pub struct CalibrateArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Refused: calibrate is not sharded (its evaluations depend on each other).
    #[arg(long, hide = true, value_name = "I/N")]
    shard: Option<String>,
    /// A TOML file holding the `[calibration]` block to use instead of the scenario's own.
    #[arg(long, value_name = "FILE")]
    calibration: Option<PathBuf>,
    /// Replications per evaluation (overrides calibration.replications).
    #[arg(short = 'r', long)]
    replications: Option<u32>,
    /// Base seed (overrides run.seed), 0 to 2^63 − 1.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Most evaluations (overrides calibration.max_evaluations).
    #[arg(long)]
    max_evaluations: Option<u32>,
    /// Worker threads (default: one per core); results are identical for any value.
    #[arg(short = 't', long, default_value_t = 0)]
    threads: usize,
    /// Results folder (default: outputs/<name>-calibration).
    #[arg(short = 'o', long)]
    out: Option<PathBuf>,
    /// Replace an existing results folder (never a folder tierflow did not write).
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
    #[command(flatten)]
    charts: ChartArgs,
}

/// Runs a calibration and writes its results folder.
pub fn calibrate(a: CalibrateArgs) -> Result<()> {
    if a.shard.is_some() {
        anyhow::bail!(
            "--shard: calibrate is not sharded: each evaluation depends on the one before (the search moves from point to point); its evaluations already run all their replications in parallel"
        );
    }
    let runner = RunnerArgs {
        shard: None,
        replications: None,
        seed: a.seed,
        threads: a.threads,
        out: a.out.clone(),
        force: a.force,
        fix_parameters: true,
        quiet: a.quiet,
        charts: a.charts.clone(),
    };
    let settings = CalibrateSettings {
        scenario: a.scenario.scenario.clone(),
        set: a.scenario.overrides(),
        overrides: runner.overrides(&a.scenario.overrides()),
        calibration_file: a.calibration.clone(),
        replications: a.replications,
        max_evaluations: a.max_evaluations,
        options: runner.study()?,
    };
    let outcome = run_calibration(&settings, &interrupt::STOP, runner.progress("evaluations"))?;
    if !a.quiet {
        print(&format!(
            "{}results: {}\n",
            outcome.report,
            outcome.dir.display()
        ))?;
    }
    if let Some(n) = outcome.interrupted_after {
        return Err(crate::study::Interrupted(format!(
            "interrupted after {n} evaluation(s): the best point so far is in `{}` (calibrated.toml is marked INTERRUPTED)",
            outcome.dir.display()
        ))
        .into());
    }
    Ok(())
}
