//! Replications in parallel: each owns its random streams, so results do not depend on threads.

use rayon::prelude::*;

use crate::engine::{ReplicationResult, simulate};
use crate::model::Plan;

/// Runs the listed replications of `plan` on `threads` worker threads (0 = one per core).
///
/// Results come back in the order of `replications`, whatever thread ran each one.
pub fn run_replications(
    plan: &Plan,
    replications: &[u32],
    threads: usize,
) -> Result<Vec<ReplicationResult>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    Ok(pool.install(|| {
        replications
            .par_iter()
            .map(|&r| simulate(plan, r))
            .collect()
    }))
}
