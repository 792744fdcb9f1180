//! Studies: many scenarios run together with common random numbers. A sweep runs a grid of
//! parameter values, a comparison runs several scenario files, a sensitivity analysis moves
//! parameters one at a time. Each hands all its replications to [`crate::monte_carlo::run_jobs`]
//! as one job list, so points share the worker threads, and replication k of every point uses
//! the same random streams: the differences between points are the parameters, not luck.

pub mod compare;
pub mod grid;
pub mod run;
pub mod sensitivity;
pub mod sweep;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use crate::chart::ChartOptions;

use crate::catalog::METRICS;
use crate::metrics::bands::Band;
use crate::metrics::{self, MetricValue};
use crate::model::Model;
use crate::monte_carlo::{self, Job, Prepared, RunError, run_jobs};

/// How a study runs and where it writes: the options every study command shares.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Keep uncertain parameters at their central values.
    pub fix_parameters: bool,
    /// Results folder (default: under outputs/, named after the scenario and study).
    pub out: Option<PathBuf>,
    /// Replace an existing results folder tierflow wrote.
    pub force: bool,
    /// Charts to draw (None: no charts).
    pub charts: Option<ChartOptions>,
    /// Run only this shard of the study's jobs and write a shard folder (`--shard I/N`).
    pub shard: Option<crate::cluster::shard::ShardRequest>,
}

impl RunOptions {
    /// Runs only this command's shard of `jobs` into a shard folder (`--out`, or
    /// `outputs/<default_name>-shard-I-of-N`), if a shard was asked for.
    pub fn run_shard(
        &self,
        default_name: &str,
        jobs: &[crate::monte_carlo::Job],
        cancel: &AtomicBool,
    ) -> Result<Option<(PathBuf, String)>> {
        let Some(req) = &self.shard else {
            return Ok(None);
        };
        let out = self.out.clone().unwrap_or_else(|| {
            PathBuf::from("outputs").join(format!(
                "{default_name}-shard-{}-of-{}",
                req.spec.index, req.spec.count
            ))
        });
        crate::cluster::shard::run_shard(req, jobs, &out, self.force, self.threads, cancel)
            .map(Some)
    }
}

impl RunOptions {
    /// The results folder: `--out`, or `outputs/<default_name>`.
    pub fn dir(&self, default_name: &str) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("outputs").join(default_name))
    }

    /// Claims the results folder under the ownership rule ([`crate::output::folder`]): refused
    /// if it is not tierflow's, holds results without `--force`, is one of `inputs`, or another
    /// command is writing it.
    pub fn claim(&self, default_name: &str, inputs: &[PathBuf]) -> Result<crate::output::Claim> {
        crate::output::Claim::new(&self.dir(default_name), self.force, inputs)
    }

    /// Claims the results folder like [`RunOptions::claim`] but also when it holds results
    /// without `--force` (a sweep decides itself whether it resumes or replaces them).
    pub fn claim_any(
        &self,
        default_name: &str,
        inputs: &[PathBuf],
    ) -> Result<crate::output::Claim> {
        crate::output::Claim::new(&self.dir(default_name), true, inputs)
    }

    /// Draws the charts of results folder `dir`, held by this command, if charts are wanted.
    pub fn draw_charts(&self, dir: &std::path::Path, cancel: &AtomicBool) -> Result<()> {
        if let Some(opts) = &self.charts {
            crate::output::amend::replace_charts(
                dir,
                |d| crate::chart::render_folder(d, opts),
                cancel,
            )?;
        }
        Ok(())
    }
}

/// The end every command that writes a results folder shares: its files written into a staged
/// folder, its charts drawn from those files (when `charts` is set), and the folder committed
/// whole as `kind` unless `cancel` was set. Returns the folder.
pub fn finish(
    claim: crate::output::Claim,
    kind: crate::output::FolderKind,
    files: Vec<(&str, Vec<u8>)>,
    charts: Option<&ChartOptions>,
    cancel: &AtomicBool,
) -> Result<PathBuf> {
    let staging = claim.stage()?;
    for (name, bytes) in &files {
        staging.write(name, bytes)?;
    }
    // tables.xlsx beside the CSV files, in the charts' language.
    let lang = charts.map_or(crate::chart::Lang::En, |c| c.lang);
    let xlsx = crate::report::xlsx::tables(staging.staged(), lang)?;
    staging.write(crate::report::xlsx::TABLES_XLSX, &xlsx)?;
    if let Some(opts) = charts {
        staging.draw_charts(|d| crate::chart::render_folder(d, opts))?;
    }
    staging.commit(kind, cancel)
}

/// A study stopped by Ctrl-C or SIGTERM; the message says what was kept.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);

/// The yearly metric values of one point, one list per replication (in replication order).
pub type PointValues = Vec<Vec<MetricValue>>;

/// A metric row named as the CSV files name it: (year, metric, tier label).
pub type RowName = (i32, String, String);

/// Runs replications `replications` of every point as one job list, with a progress bar from
/// `bar` (given the number of jobs). `on_point` is called on a worker thread as soon as a
/// point's last replication finishes (sweeps save it there, so an interrupted sweep keeps its
/// finished points).
pub fn run_points(
    points: &[&Prepared],
    replications: &[u32],
    threads: usize,
    cancel: &AtomicBool,
    bar: impl Fn(u64) -> indicatif::ProgressBar,
    on_point: impl Fn(usize, &PointValues) -> Result<()> + Sync,
) -> Result<Vec<PointValues>, RunError> {
    let per_point = replications.len();
    let jobs: Vec<Job> = points
        .iter()
        .flat_map(|p| monte_carlo::jobs(p, replications))
        .collect();
    let progress = bar(jobs.len() as u64);
    let slots: Vec<Mutex<Vec<Option<Vec<MetricValue>>>>> = points
        .iter()
        .map(|_| Mutex::new(vec![None; per_point]))
        .collect();
    let ran = run_jobs(&jobs, threads, cancel, |i, plan, result| {
        progress.inc(1);
        let (p, k) = (i / per_point, i % per_point);
        let values = metrics::metric_values(plan.base(), &result);
        let mut slot = slots[p].lock().unwrap_or_else(|e| e.into_inner());
        slot[k] = Some(values);
        if slot.iter().all(Option::is_some) {
            let done: PointValues = slot.iter().flatten().cloned().collect();
            on_point(p, &done)?;
        }
        Ok(())
    });
    progress.finish_and_clear();
    ran?;
    Ok(slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .into_iter()
                .map(|v| v.expect("every job finished"))
                .collect()
        })
        .collect())
}

/// A point's values by row name: for each row, (replication position, value) where defined.
pub fn by_name(model: &Model, values: &PointValues) -> BTreeMap<RowName, Vec<(usize, f64)>> {
    let mut rows: BTreeMap<RowName, Vec<(usize, f64)>> = BTreeMap::new();
    for (k, rep) in values.iter().enumerate() {
        for v in rep {
            rows.entry((
                v.year,
                METRICS[v.metric].name.to_string(),
                v.breakdown.label(model),
            ))
            .or_default()
            .push((k, v.value));
        }
    }
    rows
}

/// The band of `b − a` over the replications where both are defined (paired by replication).
pub fn paired_difference(a: &[(usize, f64)], b: &[(usize, f64)]) -> Option<Band> {
    let a: BTreeMap<usize, f64> = a.iter().copied().collect();
    let diffs: Vec<f64> = b
        .iter()
        .filter_map(|(k, vb)| a.get(k).map(|va| vb - va))
        .collect();
    (!diffs.is_empty()).then(|| Band::of(&diffs))
}

/// The band of a row's values.
pub fn band_of(values: &[(usize, f64)]) -> Option<Band> {
    let v: Vec<f64> = values.iter().map(|x| x.1).collect();
    (!v.is_empty()).then(|| Band::of(&v))
}
