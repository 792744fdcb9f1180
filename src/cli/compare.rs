//! `tierflow compare`: scenarios side by side with paired differences from the first.

use std::path::PathBuf;

use anyhow::Result;

use super::{ChartArgs, interrupt, print, progress};
use crate::study::compare::{CompareSettings, compare as run_compare};

/// Options of `tierflow compare`.
#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Scenario files or `tierflow run` results folders; the first is the reference.
    #[arg(required = true, num_args = 2..)]
    inputs: Vec<PathBuf>,
    /// Override a parameter in every scenario file: PATH=VALUE (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Metrics for the table and charts, comma-separated (default: the headline outcomes).
    #[arg(long, value_delimiter = ',')]
    metrics: Vec<String>,
    /// Replications, the same for every scenario (default: the first input's).
    #[arg(short = 'r', long)]
    replications: Option<u32>,
    /// Seed shared by every scenario (default: the first input's).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Worker threads (default: one per core); results are identical for any value.
    #[arg(short = 't', long, default_value_t = 0)]
    threads: usize,
    /// Results folder (default: outputs/compare-A-vs-B…/).
    #[arg(short = 'o', long)]
    out: Option<PathBuf>,
    /// Replace an existing results folder.
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

/// Runs a comparison.
pub fn compare(a: CompareArgs) -> Result<()> {
    let settings = CompareSettings {
        inputs: a.inputs.clone(),
        set: a.set.clone(),
        replications: a.replications,
        seed: a.seed,
        metrics: a.metrics.clone(),
        fix_parameters: a.fix_parameters,
        out: a.out.clone(),
        force: a.force,
        threads: a.threads,
        charts: (!a.charts.no_charts).then(|| a.charts.options()),
    };
    interrupt::install();
    let outcome = run_compare(&settings, &interrupt::STOP, |n| {
        progress::bar(n, "scenario replications", a.quiet)
    })?;
    if !a.quiet {
        print(&format!(
            "{}\nresults: {}\n",
            outcome.table,
            outcome.dir.display()
        ))?;
    }
    Ok(())
}
