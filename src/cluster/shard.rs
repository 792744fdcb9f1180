//! `--shard I/N`: which jobs a shard runs, and the shard folder it writes.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::monte_carlo::{Job, run_jobs, stored};
use crate::output::layout::{self, FolderKind};

/// Shard `index` (1 to `count`) of a study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSpec {
    /// This shard, from 1.
    pub index: u32,
    /// Shards in all.
    pub count: u32,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}`: expected I/N, shard I of N (1 ≤ I ≤ N), e.g. 3/8");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(ShardSpec { index, count })
    }
}

impl ShardSpec {
    /// Whether job `j` (0-based, in the study's canonical order) is this shard's.
    pub fn owns(&self, j: usize) -> bool {
        j % self.count as usize == (self.index - 1) as usize
    }
}

/// A command asked to run one shard: which, and the command line that defines the study
/// (without `--shard`, `--out` and `--force`), recorded for `merge`.
#[derive(Clone, Debug)]
pub struct ShardRequest {
    /// The shard.
    pub spec: ShardSpec,
    /// The study's command line, from the subcommand on.
    pub command: Vec<String>,
}

/// A study's arguments without what does not change its numbers or is a shard's own
/// (`--shard`, `--out`/`-o`, `--force`, `--threads`/`-t`, `--quiet`/`-q`).
pub fn study_args(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip_next = false;
    for a in args {
        if skip_next {
            skip_next = false;
            continue;
        }
        match a.as_str() {
            "--shard" | "--out" | "-o" | "--threads" | "-t" => skip_next = true,
            "--force" | "--quiet" | "-q" => {}
            _ if a.starts_with("--shard=")
                || a.starts_with("--out=")
                || a.starts_with("--threads=")
                || (a.starts_with("-o") && a.len() > 2 && !a.starts_with("--"))
                || (a.starts_with("-t") && a.len() > 2 && !a.starts_with("--")) => {}
            _ => out.push(a.clone()),
        }
    }
    out
}

/// shard.json: what a shard holds, of which whole.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardJson {
    /// tierflow version that ran it.
    pub tierflow_version: String,
    /// The study's command line (from the subcommand on), as `merge` reruns it.
    pub command: Vec<String>,
    /// This shard.
    pub shard: ShardSpec,
    /// Jobs in the whole study.
    pub total_jobs: usize,
    /// The fingerprint of every job of the study, in order (so shards of different studies,
    /// versions or scenario files never merge).
    pub fingerprints: Vec<String>,
    /// The jobs this shard ran (indices into the study's list).
    pub jobs: Vec<usize>,
}

/// Runs this shard's share of `jobs` and writes the shard folder `out`; returns the account.
pub fn run_shard(
    req: &ShardRequest,
    jobs: &[Job],
    out: &Path,
    force: bool,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<(PathBuf, String)> {
    if jobs.is_empty() {
        bail!("the study has no jobs to shard");
    }
    let mine: Vec<usize> = (0..jobs.len()).filter(|&j| req.spec.owns(j)).collect();
    let claim = crate::output::Claim::new(out, force, &[])?;
    let subset: Vec<Job> = mine
        .iter()
        .map(|&j| Job {
            scenario: jobs[j].scenario,
            replication: jobs[j].replication,
        })
        .collect();
    let results = if subset.is_empty() {
        Vec::new()
    } else {
        run_jobs(&subset, threads, cancel, |_, _, r| Ok(r))?
    };
    let json = ShardJson {
        tierflow_version: env!("CARGO_PKG_VERSION").to_string(),
        command: req.command.clone(),
        shard: req.spec,
        total_jobs: jobs.len(),
        fingerprints: stored::fingerprints(jobs),
        jobs: mine.clone(),
    };
    let pairs: Vec<(usize, crate::engine::ReplicationResult)> =
        mine.iter().copied().zip(results).collect();
    // postcard: a compact binary form that keeps every f64 bit (JSON cannot hold the infinite
    // bed-days of an unlimited tier, and parses floats back only approximately by default).
    let bin = postcard::to_allocvec(&pairs)
        .map_err(|e| anyhow::anyhow!("cannot encode the shard's results: {e}"))?;
    let staging = claim.stage()?;
    staging.write(
        layout::SHARD_JSON,
        &serde_json::to_vec_pretty(&json).expect("serialises"),
    )?;
    staging.write(layout::SHARD_RESULTS, &bin)?;
    let dir = staging.commit(FolderKind::Shard, cancel)?;
    let text = format!(
        "shard {} of {}: {} of the study's {} jobs (replications) in {}\nmerge all {} shards with: tierflow merge SHARD_DIR… --out DIR\n",
        req.spec.index,
        req.spec.count,
        mine.len(),
        jobs.len(),
        dir.display(),
        req.spec.count
    );
    Ok((dir, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_belongs_to_exactly_one_shard() {
        for n in 1..9u32 {
            for j in 0..50usize {
                let owners = (1..=n)
                    .filter(|&i| ShardSpec { index: i, count: n }.owns(j))
                    .count();
                assert_eq!(owners, 1, "job {j} of {n} shards");
            }
        }
        assert!("0/3".parse::<ShardSpec>().is_err());
        assert!("4/3".parse::<ShardSpec>().is_err());
        assert!("x".parse::<ShardSpec>().is_err());
        assert_eq!(
            "2/3".parse::<ShardSpec>(),
            Ok(ShardSpec { index: 2, count: 3 })
        );
    }
}
