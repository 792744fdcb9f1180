//! Replications computed elsewhere: the results `tierflow merge` gathered from a study's shards.
//! While a store is installed, [`super::run_jobs`] takes each job's result from it instead of
//! simulating, after checking that the job is the one the shard ran (its fingerprint), so a
//! merged folder is written by the very code, from the very numbers, of a one-machine run.

use std::sync::OnceLock;

use sha2::Digest;

use super::Job;
use crate::engine::ReplicationResult;

/// Every job's result of a study, in job order, with each job's fingerprint.
pub struct Stored {
    /// Fingerprint of job i ([`fingerprints`]).
    pub fingerprints: Vec<String>,
    /// Result of job i.
    pub results: Vec<ReplicationResult>,
}

static STORE: OnceLock<Stored> = OnceLock::new();

/// Installs the results every later [`super::run_jobs`] of this process uses (once).
pub fn install(store: Stored) -> Result<(), String> {
    STORE
        .set(store)
        .map_err(|_| "results are already installed in this process".to_string())
}

/// The installed results, if any.
pub fn installed() -> Option<&'static Stored> {
    STORE.get()
}

/// Each job's identity: the scenario as resolved (overrides and distributions included), the
/// replication and the tierflow version. Two jobs with the same fingerprint compute the same
/// numbers. The scenario is serialised once per run of jobs sharing it, not once per job.
pub fn fingerprints(jobs: &[Job]) -> Vec<String> {
    let mut out = Vec::with_capacity(jobs.len());
    for run in jobs.chunk_by(|a, b| std::ptr::eq(a.scenario, b.scenario)) {
        let mut scenario = sha2::Sha256::new();
        scenario.update(env!("CARGO_PKG_VERSION").as_bytes());
        scenario.update(run[0].scenario.identity().as_bytes());
        for job in run {
            let mut h = scenario.clone();
            h.update(format!("\nreplication {}", job.replication).as_bytes());
            out.push(
                h.finalize()
                    .iter()
                    .take(12)
                    .map(|b| format!("{b:02x}"))
                    .collect(),
            );
        }
    }
    out
}
