//! `tierflow slurm SUBCOMMAND ARGS… --shards N`: Slurm scripts for a sharded study.

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::print;

/// Options of `tierflow slurm`; they may come before or after the study's own arguments.
#[derive(clap::Args, Debug)]
#[command(trailing_var_arg = true)]
pub struct SlurmArgs {
    /// The study: `run`, `sweep` or `sensitivity` with its arguments, then --shards N and the
    /// options below.
    #[arg(required = true, allow_hyphen_values = true, num_args = 1..)]
    command: Vec<String>,
}

/// The value of option `name` in `args`, removed from them.
fn take(args: &mut Vec<String>, name: &str) -> Result<Option<String>> {
    if let Some(i) = args.iter().position(|a| a == name) {
        if i + 1 >= args.len() {
            bail!("{name} needs a value");
        }
        let v = args.remove(i + 1);
        args.remove(i);
        return Ok(Some(v));
    }
    let prefix = format!("{name}=");
    if let Some(i) = args.iter().position(|a| a.starts_with(&prefix)) {
        return Ok(Some(args.remove(i)[prefix.len()..].to_string()));
    }
    Ok(None)
}

/// Writes the scripts (and submits them with --submit).
pub fn slurm(a: SlurmArgs) -> Result<()> {
    let mut command = a.command;
    let shards: u32 = take(&mut command, "--shards")?
        .ok_or_else(|| anyhow::anyhow!("--shards N: how many array tasks (shards) to run"))?
        .parse()
        .map_err(|_| anyhow::anyhow!("--shards: expected a whole number of shards"))?;
    let partition = take(&mut command, "--partition")?;
    let time = take(&mut command, "--time")?.unwrap_or_else(|| "04:00:00".to_string());
    let mem = take(&mut command, "--mem")?;
    let cpus: u32 = take(&mut command, "--cpus-per-task")?
        .map_or(Ok(2), |c| c.parse())
        .map_err(|_| anyhow::anyhow!("--cpus-per-task: expected a whole number"))?;
    let dir = take(&mut command, "--dir")?.map(PathBuf::from);
    let submit = match command.iter().position(|a| a == "--submit") {
        Some(i) => {
            command.remove(i);
            true
        }
        None => false,
    };
    let name = command
        .get(1)
        .map(|s| {
            std::path::Path::new(s)
                .file_stem()
                .map_or("study".to_string(), |x| x.to_string_lossy().to_string())
        })
        .unwrap_or_else(|| "study".to_string());
    let dir = dir.unwrap_or_else(|| {
        PathBuf::from("outputs").join(format!(
            "slurm-{}-{name}",
            command.first().map_or("study", String::as_str)
        ))
    });
    let settings = crate::cluster::slurm::SlurmSettings {
        command,
        shards,
        cpus_per_task: cpus,
        partition,
        time,
        mem,
        dir,
    };
    let w = crate::cluster::slurm::write(&settings)?;
    let mut text = format!(
        "wrote {} (an array of {shards} shards, {cpus} CPUs and {} MB each) and {} (the merge, after them)\nresults will be in {}\n",
        w.array.display(),
        w.mem_mb,
        w.merge.display(),
        w.results.display()
    );
    if submit {
        let (array, merge) = crate::cluster::slurm::submit(&w)?;
        text.push_str(&format!(
            "submitted: array job {array}, merge job {merge} (afterok:{array})\n"
        ));
    } else {
        text.push_str(&format!(
            "submit with: tierflow slurm … --submit, or: sbatch {} and then sbatch --dependency=afterok:ARRAY_ID {}\n",
            w.array.display(),
            w.merge.display()
        ));
    }
    print(&text)
}
