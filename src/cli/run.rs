//! `tierflow run`: replications in parallel, results into a folder, a report on the terminal.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};

use super::{RunnerArgs, ScenarioArgs, interrupt, print, progress};
use crate::metrics::{self, bands, targets};
use crate::monte_carlo::{Job, Prepared, jobs, run_jobs};
use crate::output::report::{self, KeyMetric, Manifest};
use crate::output::{Claim, FolderKind, tables, terminal};
use crate::scenario;

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
    let mut overrides = a.runner.overrides(&a.scenario.set);
    if a.monthly {
        overrides.push("run.monthly_outputs=true".to_string());
    }
    // Cheap options first, so a bad --font is found before any simulation.
    let charts = a.runner.charts.checked()?;
    let s = scenario::load(&a.scenario.scenario, &overrides)?;
    let prepared = Prepared::new(s.clone(), a.runner.fix_parameters)?;
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
    let out = a.runner.out.clone().unwrap_or_else(|| {
        let name = match a.replication {
            Some(k) => format!("{}-replication-{k}", model.name),
            None => model.name.clone(),
        };
        PathBuf::from("outputs").join(name)
    });
    let inputs: Vec<PathBuf> = s.files.iter().map(|f| f.path.clone()).collect();
    let staging = Claim::new(&out, a.runner.force, &inputs)?.stage()?;
    let threads = a.runner.threads();

    let started = Instant::now();
    let jobs: Vec<Job> = jobs(&prepared, &reps).collect();
    let bar = progress::bar(jobs.len() as u64, "replications", a.runner.quiet);
    let results = run_jobs(&jobs, threads, &interrupt::STOP, |_, _, r| {
        bar.inc(1);
        Ok(r)
    });
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
            metric: crate::catalog::METRICS[mi].name.to_string(),
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
        uncertain_parameters: report::uncertainty_json(&s.uncertain, a.runner.fix_parameters),
    };
    staging.write("manifest.json", &report::manifest_json(&manifest))?;
    staging.write(
        "scenario.resolved.toml",
        toml::to_string_pretty(&resolved)
            .context("cannot write the resolved scenario")?
            .as_bytes(),
    )?;
    if let Some(opts) = &charts {
        staging.draw_charts(opts)?;
    }
    let dest = staging.commit(FolderKind::Run, &interrupt::STOP)?;

    if !a.runner.quiet {
        let episodes: u64 = results
            .iter()
            .flat_map(|r| r.years.iter())
            .map(|y| y.episodes())
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
        text.push_str(&terminal::uncertainty_line(
            &s.uncertain,
            a.runner.fix_parameters,
        ));
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
