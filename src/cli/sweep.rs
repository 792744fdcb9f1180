//! `tierflow sweep`: runs a grid of parameter values with common random numbers.

use std::path::PathBuf;

use anyhow::Result;

use super::{ChartArgs, ScenarioArgs, interrupt, print, progress, study_overrides};
use crate::study::sweep::{SweepSettings, sweep as run_sweep};

/// Options of `tierflow sweep`.
#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// A parameter and its values: PATH=V1,V2,… or PATH=START:END:STEP (repeatable; the grid
    /// is every combination, the first --vary changing slowest).
    #[arg(long = "vary", value_name = "PATH=VALUES", required = true)]
    vary: Vec<String>,
    /// Replications per point (overrides run.replications).
    #[arg(short = 'r', long)]
    replications: Option<u32>,
    /// Base seed shared by every point (overrides run.seed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Worker threads (default: one per core); results are identical for any value.
    #[arg(short = 't', long, default_value_t = 0)]
    threads: usize,
    /// Results folder (default: outputs/<scenario name>-sweep/); rerunning into it resumes.
    #[arg(short = 'o', long)]
    out: Option<PathBuf>,
    /// Replace a folder that holds anything other than this same sweep.
    #[arg(long)]
    force: bool,
    /// Keep uncertain parameters at their central values.
    #[arg(long)]
    fix_parameters: bool,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
    #[command(flatten)]
    charts: ChartArgs,
}

/// Runs or resumes a sweep.
pub fn sweep(a: SweepArgs) -> Result<()> {
    let settings = SweepSettings {
        scenario: a.scenario.scenario.clone(),
        overrides: study_overrides(&a.scenario.set, a.replications, a.seed),
        vary: a.vary.clone(),
        fix_parameters: a.fix_parameters,
        out: a.out.clone(),
        force: a.force,
        threads: a.threads,
        charts: (!a.charts.no_charts).then(|| a.charts.options()),
    };
    interrupt::install();
    let outcome = run_sweep(&settings, &interrupt::STOP, |n| {
        progress::bar(n, "point replications", a.quiet)
    })?;
    if !a.quiet {
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
