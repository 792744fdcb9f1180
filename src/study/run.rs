//! `tierflow run` as a library function: one scenario's replications in parallel, its results
//! folder written and committed whole, and the terminal's account returned (the CLI prints it).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{Context, Result};

use super::RunOptions;
use crate::metrics::{self, bands, targets};
use crate::monte_carlo::{Job, Prepared, jobs, run_jobs};
use crate::output::layout;
use crate::output::report::{self, KeyMetric, Manifest};
use crate::output::{FolderKind, tables, terminal};
use crate::scenario;

/// What a run is asked to do.
#[derive(Clone, Debug)]
pub struct RunSettings {
    /// Scenario file.
    pub scenario: PathBuf,
    /// `--set` overrides with -r, --seed and --monthly folded in.
    pub overrides: Vec<String>,
    /// The overrides the user gave as `--set` (for the note on timeline resets).
    pub set: Vec<String>,
    /// Run only this replication (its numbers are those it has inside the full run).
    pub replication: Option<u32>,
    /// Threads, output folder, charts, fixed parameters.
    pub options: RunOptions,
}

/// What a run did.
pub struct RunOutcome {
    /// The results folder.
    pub dir: PathBuf,
    /// The terminal's account: headline metrics, targets, notes.
    pub report: String,
}

/// Runs a scenario, writes its results folder, and returns the account of it.
pub fn run(
    s: &RunSettings,
    cancel: &AtomicBool,
    bar: impl Fn(u64) -> indicatif::ProgressBar,
) -> Result<RunOutcome> {
    let overrides = &s.overrides;
    let charts = &s.options.charts;
    let sc = scenario::load(&s.scenario, overrides)?;
    let prepared = Prepared::new(sc.clone(), s.options.fix_parameters)?;
    let model = prepared.plan.base();
    let reps: Vec<u32> = match s.replication {
        Some(k) if k >= model.run.replications => {
            anyhow::bail!(
                "--replication {k}: the run has replications 0 to {}; a replication outside them belongs to no full run",
                model.run.replications - 1
            );
        }
        Some(k) => vec![k],
        None => (0..model.run.replications).collect(),
    };
    let default_name = match s.replication {
        Some(k) => format!("{}-replication-{k}", model.name),
        None => model.name.clone(),
    };
    if let Some((dir, report)) = s.options.run_shard(
        &default_name,
        &jobs(&prepared, &reps).collect::<Vec<_>>(),
        cancel,
    )? {
        return Ok(RunOutcome { dir, report });
    }
    let inputs: Vec<PathBuf> = sc.files.iter().map(|f| f.path.clone()).collect();
    let claim = s.options.claim(&default_name, &inputs)?;
    let threads = s.options.threads;

    let started = Instant::now();
    let jobs: Vec<Job> = jobs(&prepared, &reps).collect();
    let bar = bar(jobs.len() as u64);
    let results = run_jobs(&jobs, threads, cancel, |_, _, r| {
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

    let mut files = vec![(layout::METRICS_CSV, tables::metrics_csv(model, &band_rows))];
    files.push((
        layout::REPLICATIONS_CSV,
        tables::replications_csv(model, &reps, &values),
    ));
    if !prepared.uncertain().is_empty() {
        let draws = reps
            .iter()
            .map(|&k| prepared.draws(k).map(|d| (k, d)))
            .collect::<Result<Vec<_>, _>>()?;
        files.push((layout::PARAMETER_DRAWS_CSV, tables::draws_csv(&draws)));
    }
    if model.run.monthly_outputs {
        let monthly: Vec<_> = results
            .iter()
            .map(|r| metrics::monthly_metric_values(model, r))
            .collect();
        files.push((
            layout::METRICS_MONTHLY_CSV,
            tables::monthly_metrics_csv(model, &bands::summarise_monthly(&monthly)),
        ));
    }
    files.push((
        layout::SUMMARY_JSON,
        report::summary_json(&model.name, reps.len(), &judged, key),
    ));
    let resolved = sc.tree_with_distributions();
    let manifest = Manifest {
        tierflow_version: env!("CARGO_PKG_VERSION"),
        scenario: &model.name,
        scenario_files: sc
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect(),
        overrides,
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
        uncertain_parameters: report::uncertainty_json(&sc.uncertain, s.options.fix_parameters),
    };
    files.push((layout::MANIFEST_JSON, report::manifest_json(&manifest)));
    files.push((
        layout::RESOLVED_SCENARIO_TOML,
        toml::to_string_pretty(&resolved)
            .context("cannot write the resolved scenario")?
            .into_bytes(),
    ));
    let dest = super::finish(claim, FolderKind::Run, files, charts.as_ref(), cancel)?;

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
        &sc.uncertain,
        s.options.fix_parameters,
    ));
    for note in &sc.override_notes {
        text.push_str(note);
        text.push('\n');
    }
    text.push_str(&terminal::report(model, reps.len(), &band_rows, &judged));
    Ok(RunOutcome {
        dir: dest,
        report: text,
    })
}
