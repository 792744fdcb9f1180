//! `tierflow compare`: scenarios side by side with paired differences from the first.

use std::path::PathBuf;

use anyhow::Result;

use super::{RunnerArgs, interrupt, print};
use crate::study::compare::{CompareSettings, compare as run_compare};

/// Options of `tierflow compare`. Without -r and --seed, the first input's are used.
#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Scenario files or `tierflow run` results folders; the first is the reference.
    #[arg(required = true, num_args = 2..)]
    inputs: Vec<PathBuf>,
    /// Override a parameter in every scenario file: PATH=VALUE (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Move a lever in every scenario file that declares it: `NAME=VALUE[@DATE]` (repeatable).
    #[arg(long = "lever", value_name = "NAME=VALUE[@DATE]")]
    lever: Vec<String>,
    /// Metrics for the table and charts, comma-separated (default: the headline outcomes).
    #[arg(long, value_delimiter = ',')]
    metrics: Vec<String>,
    /// Names for the inputs in tables, charts and reports, in input order (repeatable, or
    /// comma-separated), e.g. --label 基线 --label 报销80. Default: each scenario's name.
    #[arg(long = "label", value_name = "NAME", value_delimiter = ',')]
    labels: Vec<String>,
    #[command(flatten)]
    runner: RunnerArgs,
}

/// Runs a comparison.
pub fn compare(a: CompareArgs) -> Result<()> {
    if a.runner.shard.is_some() {
        anyhow::bail!(
            "--shard: compare is not sharded (it reads whole scenarios or finished folders); shard each `tierflow run` and compare the merged folders"
        );
    }
    let settings = CompareSettings {
        inputs: a.inputs.clone(),
        set: super::lever_overrides(&a.set, &a.lever),
        replications: a.runner.replications,
        seed: a.runner.seed,
        metrics: a.metrics.clone(),
        labels: a.labels.clone(),
        options: a.runner.study()?,
    };
    let outcome = run_compare(
        &settings,
        &interrupt::STOP,
        a.runner.progress("scenario replications"),
    )?;
    if !a.runner.quiet {
        print(&format!(
            "{}\nresults: {}\n",
            outcome.table,
            outcome.dir.display()
        ))?;
    }
    Ok(())
}
