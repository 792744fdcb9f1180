//! Replications in parallel: each owns its random streams, so results do not depend on threads.
//!
//! A *job* is one replication of one prepared scenario. Runs, sweeps, comparisons and
//! sensitivity analyses all hand their jobs to [`run_jobs`] as one flat list, so every point
//! and every replication shares the worker threads. Replication k of every scenario uses the
//! same seed-derived streams, so points differ by their parameters, not by their luck (common
//! random numbers).

pub mod draws;
pub mod resources;
pub mod stored;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

pub use draws::Prepared;

use crate::engine::{ReplicationResult, simulate_unless_cancelled};
use crate::model::Plan;

/// Why a set of replications did not finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Occurs when the worker threads cannot be started.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// Occurs when the cancel flag was set (Ctrl-C or SIGTERM).
    #[error("interrupted")]
    Cancelled,
    /// Occurs when the jobs would need more memory than the machine has.
    #[error("{0}")]
    Memory(String),
    /// Occurs when a replication's drawn parameters are invalid or its results cannot be saved.
    #[error("{0:#}")]
    Failed(anyhow::Error),
}

/// One replication of one prepared scenario.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    /// The scenario, validated, with its parameter draws.
    pub scenario: &'a Prepared,
    /// Replication index.
    pub replication: u32,
}

/// The jobs of `replications` of one scenario, in order.
pub fn jobs<'a>(scenario: &'a Prepared, replications: &'a [u32]) -> impl Iterator<Item = Job<'a>> {
    replications.iter().map(move |&replication| Job {
        scenario,
        replication,
    })
}

/// Runs `jobs` on `threads` worker threads (0 = one per core), calling `on_done` on the worker
/// as each finishes, and returns what `on_done` returned, in the order of `jobs`.
///
/// Stops soon after `cancel` is set ([`RunError::Cancelled`]) or after the first failure
/// ([`RunError::Failed`]); jobs already running finish first. Progress is the caller's: a
/// terminal bar, a log line or nothing, advanced from `on_done` (the runner knows no terminal).
pub fn run_jobs<T: Send>(
    jobs: &[Job],
    threads: usize,
    cancel: &AtomicBool,
    on_done: impl Fn(usize, &Plan, ReplicationResult) -> anyhow::Result<T> + Sync,
) -> Result<Vec<T>, RunError> {
    let threads = threads_that_fit(jobs, threads)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let failed = AtomicBool::new(false);
    let fail = |e: anyhow::Error| {
        failed.store(true, Ordering::Relaxed);
        let mut f = failure.lock().unwrap_or_else(|p| p.into_inner());
        f.get_or_insert(e);
    };
    // A merge checks each job against the shard that ran it (fingerprints computed once).
    let expected = match stored::installed() {
        Some(_) => stored::fingerprints(jobs),
        None => Vec::new(),
    };
    let results: Vec<Option<T>> = pool.install(|| {
        jobs.par_iter()
            .enumerate()
            .map(|(i, job)| {
                if cancel.load(Ordering::Relaxed) || failed.load(Ordering::Relaxed) {
                    return None;
                }
                let plan = match job.scenario.plan(job.replication) {
                    Ok(p) => p,
                    Err(e) => {
                        fail(e.into());
                        return None;
                    }
                };
                // A merge: the result a shard computed for this very job.
                let result = match stored::installed() {
                    Some(store) => match store_result(store, i, job, &expected) {
                        Ok(r) => r,
                        Err(e) => {
                            fail(e);
                            return None;
                        }
                    },
                    None => simulate_unless_cancelled(&plan, job.replication, cancel)?,
                };
                match on_done(i, &plan, result) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        fail(e);
                        None
                    }
                }
            })
            .collect()
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(RunError::Failed(e));
    }
    results
        .into_iter()
        .collect::<Option<Vec<T>>>()
        .ok_or(RunError::Cancelled)
}

/// Job `i`'s result from the merged shards, refused unless the shard ran this very job.
fn store_result(
    store: &stored::Stored,
    i: usize,
    job: &Job,
    expected: &[String],
) -> anyhow::Result<ReplicationResult> {
    match (store.fingerprints.get(i), store.results.get(i)) {
        (Some(f), Some(r)) if Some(f) == expected.get(i) => Ok(r.clone()),
        _ => anyhow::bail!(
            "the shards do not hold job {i} of this study as the command now defines it (replication {} of `{}`); the scenario files or tierflow changed since the shards ran",
            job.replication,
            job.scenario.plan.base().name
        ),
    }
}

/// The worker threads `jobs` can run on within the machine's memory: `threads` (0 = one per
/// core, never more than there are jobs), fewer with a note when only fewer fit, or
/// [`RunError::Memory`] when not even one does.
fn threads_that_fit(jobs: &[Job], threads: usize) -> Result<usize, RunError> {
    let asked = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let asked = asked.min(jobs.len()).max(1);
    // Runs of jobs sharing a scenario; however the list is split, the estimate is the same
    // (the largest replication, all results).
    let estimate = jobs
        .chunk_by(|a, b| std::ptr::eq(a.scenario, b.scenario))
        .map(|run| resources::Estimate::of(run[0].scenario.plan.base(), run.len() as u64))
        .fold(resources::Estimate::default(), resources::Estimate::and);
    let available = resources::available_bytes();
    let fit = estimate
        .threads_that_fit(asked, available)
        .map_err(RunError::Memory)?;
    if fit < asked {
        eprintln!(
            "note: running {fit} replication(s) at a time instead of {asked}: each needs about {}, and this machine has {} available",
            resources::gib(estimate.per_replication_bytes),
            available.map_or("?".into(), resources::gib)
        );
    }
    Ok(fit)
}

/// Runs the listed replications of `plan` on `threads` worker threads (0 = one per core).
///
/// Results come back in the order of `replications`, whatever thread ran each one.
pub fn run_replications(
    plan: &Plan,
    replications: &[u32],
    threads: usize,
) -> Result<Vec<ReplicationResult>, RunError> {
    let prepared = Prepared::from_plan(plan.clone());
    let jobs: Vec<Job> = jobs(&prepared, replications).collect();
    run_jobs(&jobs, threads, &AtomicBool::new(false), |_, _, r| Ok(r))
}
