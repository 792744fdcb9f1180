//! `tierflow sensitivity`: one-at-a-time moves of parameters, a tornado of their effects.

use std::path::PathBuf;

use anyhow::Result;

use super::{ChartArgs, ScenarioArgs, interrupt, print, progress, study_overrides};
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
    /// Replications per point (overrides run.replications).
    #[arg(short = 'r', long)]
    replications: Option<u32>,
    /// Seed shared by every point (overrides run.seed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Worker threads (default: one per core); results are identical for any value.
    #[arg(short = 't', long, default_value_t = 0)]
    threads: usize,
    /// Results folder (default: outputs/<scenario name>-sensitivity/).
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
        overrides: study_overrides(&a.scenario.set, a.replications, a.seed),
        params: a.params.clone(),
        range: a.range,
        metric: a.metric.clone(),
        tier: a.tier.clone(),
        year: a.year,
        fix_parameters: a.fix_parameters,
        out: a.out.clone(),
        force: a.force,
        threads: a.threads,
        charts: (!a.charts.no_charts).then(|| a.charts.options()),
    };
    interrupt::install();
    let outcome = run_sensitivity(&settings, &interrupt::STOP, |n| {
        progress::bar(n, "point replications", a.quiet)
    })?;
    if !a.quiet {
        print(&format!(
            "{}results: {}\n",
            outcome.table,
            outcome.dir.display()
        ))?;
    }
    Ok(())
}
