//! `tierflow merge SHARD_DIR…`: checks that shards are of one study and cover every job once,
//! then installs their results so the recorded command, rerun, writes the ordinary folder.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::shard::ShardJson;
use crate::engine::ReplicationResult;
use crate::monte_carlo::stored::{self, Stored};
use crate::output::layout;
use crate::output::read;

/// Largest results file read from a shard.
const MAX_RESULTS_BYTES: u64 = 8 << 30;

fn read_shard(dir: &Path) -> Result<(ShardJson, Vec<(usize, ReplicationResult)>)> {
    if crate::output::layout::FolderKind::detect(dir)
        != Some(crate::output::layout::FolderKind::Shard)
    {
        bail!(
            "`{}` is not a shard folder (no {}); give the folders that `--shard I/N` wrote",
            dir.display(),
            layout::SHARD_JSON
        );
    }
    let json: ShardJson = read::json(&dir.join(layout::SHARD_JSON))?;
    let path = dir.join(layout::SHARD_RESULTS);
    let len = std::fs::metadata(&path)
        .map_err(crate::output::io_error("cannot read", &path))?
        .len();
    if len > MAX_RESULTS_BYTES {
        bail!("`{}` is too large to be a shard's results", path.display());
    }
    let bytes = std::fs::read(&path).map_err(crate::output::io_error("cannot read", &path))?;
    let pairs: Vec<(usize, ReplicationResult)> = postcard::from_bytes(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "`{}` is damaged or not a tierflow shard's results: {e}",
            path.display()
        )
    })?;
    let listed: Vec<usize> = pairs.iter().map(|p| p.0).collect();
    if listed != json.jobs {
        bail!(
            "`{}`: its results do not match the jobs its {} lists; run that shard again",
            dir.display(),
            layout::SHARD_JSON
        );
    }
    Ok((json, pairs))
}

/// Reads and checks `dirs`; installs their results for this process and returns the study's
/// command line (from the subcommand on) to rerun.
pub fn gather(dirs: &[PathBuf]) -> Result<Vec<String>> {
    if dirs.is_empty() {
        bail!("merge needs the shard folders (tierflow merge SHARD_DIR… --out DIR)");
    }
    let mut first: Option<(PathBuf, ShardJson)> = None;
    let mut results: Vec<Option<ReplicationResult>> = Vec::new();
    let mut from: Vec<Option<PathBuf>> = Vec::new();
    let mut seen_shards: Vec<u32> = Vec::new();
    for dir in dirs {
        let (json, pairs) = read_shard(dir)?;
        match &first {
            None => {
                results = vec![None; json.total_jobs];
                from = vec![None; json.total_jobs];
                first = Some((dir.clone(), json.clone()));
            }
            Some((d0, j0)) => {
                let what = if j0.tierflow_version != json.tierflow_version {
                    Some(format!(
                        "tierflow {} against {}",
                        json.tierflow_version, j0.tierflow_version
                    ))
                } else if j0.command != json.command {
                    Some(format!(
                        "command `{}` against `{}`",
                        json.command.join(" "),
                        j0.command.join(" ")
                    ))
                } else if j0.shard.count != json.shard.count {
                    Some(format!(
                        "{} shards against {}",
                        json.shard.count, j0.shard.count
                    ))
                } else if j0.fingerprints != json.fingerprints {
                    Some(
                        "the scenario as resolved (its files changed between the shards' runs)"
                            .to_string(),
                    )
                } else {
                    None
                };
                if let Some(what) = what {
                    bail!(
                        "`{}` and `{}` are shards of different studies: {what}",
                        dir.display(),
                        d0.display()
                    );
                }
            }
        }
        if seen_shards.contains(&json.shard.index) {
            bail!(
                "shard {} of {} is given twice (`{}`)",
                json.shard.index,
                json.shard.count,
                dir.display()
            );
        }
        seen_shards.push(json.shard.index);
        for (j, r) in pairs {
            let Some(slot) = results.get_mut(j) else {
                bail!(
                    "`{}` lists job {j} of a study of {} jobs",
                    dir.display(),
                    from.len()
                );
            };
            if let Some(other) = &from[j] {
                bail!(
                    "job {j} is in both `{}` and `{}`",
                    other.display(),
                    dir.display()
                );
            }
            *slot = Some(r);
            from[j] = Some(dir.clone());
        }
    }
    let (_, j0) = first.expect("at least one shard");
    let missing: Vec<u32> = (1..=j0.shard.count)
        .filter(|i| !seen_shards.contains(i))
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|i| format!("{i}/{}", j0.shard.count))
            .collect();
        bail!(
            "shard(s) {} missing: run them (tierflow {} --shard I/{}), or resubmit those array tasks, then merge all {}",
            list.join(", "),
            j0.command.join(" "),
            j0.shard.count,
            j0.shard.count
        );
    }
    if let Some(j) = results.iter().position(Option::is_none) {
        bail!("job {j} of the study is in no shard; the shards are incomplete");
    }
    stored::install(Stored {
        fingerprints: j0.fingerprints.clone(),
        results: results.into_iter().map(|r| r.expect("checked")).collect(),
    })
    .map_err(anyhow::Error::msg)?;
    Ok(j0.command)
}
