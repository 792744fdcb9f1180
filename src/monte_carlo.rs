//! Replications in parallel: each owns its random streams, so results do not depend on threads.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

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
}

/// Runs the listed replications of `plan` on `threads` worker threads (0 = one per core).
///
/// Results come back in the order of `replications`, whatever thread ran each one.
pub fn run_replications(
    plan: &Plan,
    replications: &[u32],
    threads: usize,
) -> Result<Vec<ReplicationResult>, RunError> {
    run_replications_unless_cancelled(plan, replications, threads, &AtomicBool::new(false))
}

/// As [`run_replications`], but stops soon after `cancel` is set and returns [`RunError::Cancelled`].
pub fn run_replications_unless_cancelled(
    plan: &Plan,
    replications: &[u32],
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Vec<ReplicationResult>, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let results: Option<Vec<ReplicationResult>> = pool.install(|| {
        replications
            .par_iter()
            .map(|&r| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                simulate_unless_cancelled(plan, r, cancel)
            })
            .collect()
    });
    results.ok_or(RunError::Cancelled)
}
