//! `tierflow run`: replications in parallel, results into a folder, a report on the terminal.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};

use super::{ChartArgs, ScenarioArgs, interrupt, print, progress};
use crate::metrics::{self, bands, targets};
use crate::monte_carlo::{Job, Prepared, run_jobs};
use crate::output::report::{self, KeyMetric, Manifest};
use crate::output::{Staging, tables, terminal};
use crate::scenario;

/// Options of `tierflow run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Replications (overrides run.replications).
    #[arg(short = 'r', long)]
    replications: Option<u32>,
    /// Base seed (overrides run.seed), 0 to 2^63 − 1 (TOML integers are signed 64-bit).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Worker threads (default: one per core); results are identical for any value.
    #[arg(short = 't', long, default_value_t = 0)]
    threads: usize,
    /// Results folder (default: outputs/<scenario name>/).
    #[arg(short = 'o', long)]
    out: Option<PathBuf>,
    /// Rerun only replication K (0-based) and get the numbers it has inside the full run.
    #[arg(long, value_name = "K")]
    replication: Option<u32>,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Replace an existing results folder.
    #[arg(long)]
    force: bool,
    /// Also write metrics per month (metrics_monthly.csv; sets run.monthly_outputs).
    #[arg(long)]
    monthly: bool,
    /// Keep uncertain parameters at their central values (bands then show chance alone).
    #[arg(long)]
    fix_parameters: bool,
    #[command(flatten)]
    charts: ChartArgs,
}

/// Runs a scenario.
pub fn run(a: RunArgs) -> Result<()> {
    let mut overrides = a.scenario.set.clone();
    if let Some(r) = a.replications {
        overrides.push(format!("run.replications={r}"));
    }
    if let Some(s) = a.seed {
        overrides.push(format!("run.seed={s}"));
    }
    if a.monthly {
        overrides.push("run.monthly_outputs=true".to_string());
    }
    let s = scenario::load(&a.scenario.scenario, &overrides)?;
    let prepared = Prepared::new(s.clone(), a.fix_parameters)?;
    let model = prepared.plan.base();
    let reps: Vec<u32> = match a.replication {
        Some(k) if k >= model.run.replications => {
            anyhow::bail!(
                "--replication {k}: the run has replications 0 to {}; a replication outside them belongs to no full run",
                model.run.replications - 1
            );
        }
        Some(k) => vec![k],
        None => (0..model.run.replications).collect(),
    };
    let out = a.out.clone().unwrap_or_else(|| {
        let name = match a.replication {
            Some(k) => format!("{}-replication-{k}", model.name),
            None => model.name.clone(),
        };
        PathBuf::from("outputs").join(name)
    });
    crate::output::check_destination(&out, a.force)?;
    let staging = Staging::new(&out)?;
    let threads = if a.threads == 0 {
        rayon::current_num_threads()
    } else {
        a.threads
    };

    let started = Instant::now();
    interrupt::install();
    let jobs: Vec<Job> = reps
        .iter()
        .map(|&replication| Job {
            scenario: &prepared,
            replication,
        })
        .collect();
    let bar = progress::bar(jobs.len() as u64, "replications", a.quiet);
    let results = run_jobs(&jobs, threads, &interrupt::STOP, &bar, |_, _, r| Ok(r));
    bar.finish_and_clear();
    let results = results?;
    let wall_seconds = started.elapsed().as_secs_f64();

    let values: Vec<_> = results
        .iter()
        .map(|r| metrics::metric_values(model, r))
        .collect();
    let per_row = bands::collect(&values);
    let band_rows = bands::summarise(&values);
    let judged = targets::judge(model, &per_row, reps.len());
    let key: Vec<KeyMetric> = terminal::key_rows(model, &band_rows)
        .into_iter()
        .map(|((year, mi, k), b)| KeyMetric {
            metric: metrics::catalog::METRICS[mi].name.to_string(),
            tier: k.label(model),
            year,
            band: (&b).into(),
        })
        .collect();

    staging.write("metrics.csv", &tables::metrics_csv(model, &band_rows))?;
    staging.write(
        "replications.csv",
        &tables::replications_csv(model, &reps, &values),
    )?;
    if !prepared.uncertain().is_empty() {
        let draws = reps
            .iter()
            .map(|&k| prepared.draws(k).map(|d| (k, d)))
            .collect::<Result<Vec<_>, _>>()?;
        staging.write("parameter_draws.csv", &tables::draws_csv(&draws))?;
    }
    if model.run.monthly_outputs {
        let monthly: Vec<_> = results
            .iter()
            .map(|r| metrics::monthly_metric_values(model, r))
            .collect();
        staging.write(
            "metrics_monthly.csv",
            &tables::monthly_metrics_csv(model, &bands::summarise_monthly(&monthly)),
        )?;
    }
    staging.write(
        "summary.json",
        &report::summary_json(&model.name, reps.len(), &judged, key),
    )?;
    let resolved = s.tree_with_distributions();
    let manifest = Manifest {
        tierflow_version: env!("CARGO_PKG_VERSION"),
        scenario: &model.name,
        scenario_files: s
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect(),
        overrides: &overrides,
        seed: model.run.seed,
        replications: model.run.replications,
        replications_run: &reps,
        threads,
        people_simulated: model.n_people_simulated,
        wall_seconds,
        finished_unix_seconds: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        resolved_scenario: &resolved,
        uncertain_parameters: report::uncertainty_json(&s.uncertain, a.fix_parameters),
    };
    staging.write("manifest.json", &report::manifest_json(&manifest))?;
    staging.write(
        "scenario.resolved.toml",
        toml::to_string_pretty(&resolved)
            .context("cannot write the resolved scenario")?
            .as_bytes(),
    )?;
    a.charts.draw(staging.path())?;
    let dest = staging.commit()?;

    if !a.quiet {
        let episodes: u64 = results
            .iter()
            .flat_map(|r| r.years.iter())
            .map(|y| y.episodes)
            .sum();
        let mut text = format!(
            "tierflow {}: `{}`, {} replication(s) × {} simulated people, {:.2e} episodes in {:.1} s on {threads} thread(s)\n",
            env!("CARGO_PKG_VERSION"),
            model.name,
            reps.len(),
            model.n_people_simulated,
            episodes as f64,
            wall_seconds
        );
        text.push_str(&terminal::uncertainty_line(&s.uncertain, a.fix_parameters));
        let set_paths: Vec<String> = a
            .scenario
            .set
            .iter()
            .filter_map(|o| o.split_once('=').map(|(p, _)| p.trim().to_string()))
            .collect();
        if let Some(note) = s.timeline_note(&set_paths) {
            text.push_str(&note);
            text.push('\n');
        }
        text.push_str(&terminal::report(model, reps.len(), &band_rows, &judged));
        text.push_str(&format!("results: {}\n", dest.display()));
        print(&text)?;
    }
    Ok(())
}
