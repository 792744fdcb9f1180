//! `tierflow slurm`: an sbatch job array (one shard per task) and a merge job that runs after
//! it (`afterok`), with memory per task estimated from the scenario; `--submit` submits both.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The line that marks a script as `tierflow slurm`'s own (so it may be rewritten).
const MARK: &str = "# Written by `tierflow slurm`";

/// What `tierflow slurm` is asked to write.
#[derive(Clone, Debug)]
pub struct SlurmSettings {
    /// The study's command line from the subcommand on (run, sweep or sensitivity …).
    pub command: Vec<String>,
    /// Shards (array tasks).
    pub shards: u32,
    /// CPUs per task (each shard runs its replications on this many threads).
    pub cpus_per_task: u32,
    /// Partition, if the cluster needs one named.
    pub partition: Option<String>,
    /// Time limit per task, as sbatch takes it.
    pub time: String,
    /// Memory per task (default: estimated from the scenario).
    pub mem: Option<String>,
    /// Folder for the scripts, the shards, the logs and the merged results.
    pub dir: PathBuf,
}

/// What was written.
pub struct Written {
    /// The array job's script.
    pub array: PathBuf,
    /// The merge job's script.
    pub merge: PathBuf,
    /// Where the merged results go.
    pub results: PathBuf,
    /// Memory asked per task, in MB.
    pub mem_mb: u64,
}

/// Memory one task needs: `cpus` replications at once plus results, with a margin, in MB.
fn estimated_mem_mb(command: &[String], cpus: u32) -> Result<u64> {
    let scenario = command
        .get(1)
        .context("the command names no scenario file")?;
    let sc = crate::scenario::load(Path::new(scenario), &[])?;
    let plan = crate::model::Plan::from_scenario(&sc)?;
    let model = plan.base();
    let e = crate::monte_carlo::resources::Estimate::of(model, u64::from(model.run.replications));
    let bytes = e.per_replication_bytes * u64::from(cpus) + e.results_bytes;
    Ok((bytes / (1 << 20)) * 3 / 2 + 512)
}

fn quote(a: &str) -> String {
    if !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,%@+".contains(c))
    {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', r"'\''"))
    }
}

/// Writes the two scripts into `s.dir`.
pub fn write(s: &SlurmSettings) -> Result<Written> {
    let Some(sub) = s.command.first() else {
        bail!("give the study's command: tierflow slurm sweep SCENARIO --vary … --shards N");
    };
    if !matches!(sub.as_str(), "run" | "sweep" | "sensitivity") {
        bail!(
            "`{sub}` cannot be sharded: run, sweep and sensitivity can (calibrate's evaluations depend on each other, and compare reads finished folders)"
        );
    }
    if s.command
        .iter()
        .any(|a| a == "--shard" || a.starts_with("--shard=") || a == "-o" || a == "--out")
    {
        bail!(
            "leave --shard and --out to `tierflow slurm` (it gives each task its shard and folder)"
        );
    }
    // Threads, quietness and --force are each task's own.
    let study = super::shard::study_args(&s.command);
    if s.shards == 0 {
        bail!("--shards: at least 1");
    }
    let mem_mb = match &s.mem {
        Some(m) => parse_mem_mb(m)?,
        None => estimated_mem_mb(&s.command, s.cpus_per_task)?,
    };
    let exe = std::env::current_exe().context("cannot find the tierflow binary")?;
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let dir = crate::output::folder::absolute(&s.dir);
    std::fs::create_dir_all(dir.join("logs"))
        .map_err(crate::output::io_error("cannot create folder", &dir))?;
    std::fs::create_dir_all(dir.join("shards"))
        .map_err(crate::output::io_error("cannot create folder", &dir))?;
    let results = dir.join("results");
    let command: String = study.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ");
    let partition = s.partition.as_ref().map_or(String::new(), |p| {
        format!("#SBATCH --partition={}\n", quote(p))
    });
    let header = |name: &str| {
        format!(
            "#!/bin/bash\n{MARK}: {name} of `tierflow {command}`.\n#SBATCH --job-name=tierflow-{name}\n#SBATCH --chdir={}\n#SBATCH --time={}\n{partition}",
            quote(&cwd.display().to_string()),
            quote(&s.time),
        )
    };
    let array = format!(
        "{}#SBATCH --array=1-{n}\n#SBATCH --cpus-per-task={cpus}\n#SBATCH --mem={mem_mb}M\n#SBATCH --output={logs}/shard-%a.out\n# One shard per task; a failed task can be run again alone: sbatch --array=I {script}\nset -euo pipefail\nexec {exe} {command} --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\" --threads {cpus} --out {shards}/shard-\"${{SLURM_ARRAY_TASK_ID}}\" --force --quiet\n",
        header("shards"),
        n = s.shards,
        cpus = s.cpus_per_task,
        logs = quote(&dir.join("logs").display().to_string()),
        script = quote(&dir.join("array.sbatch").display().to_string()),
        exe = quote(&exe.display().to_string()),
        shards = quote(&dir.join("shards").display().to_string()),
    );
    let merge = format!(
        "{}#SBATCH --cpus-per-task={cpus}\n#SBATCH --mem={mem_mb}M\n#SBATCH --output={logs}/merge.out\n# Runs after every shard succeeded (submitted with --dependency=afterok:ARRAY_JOB).\nset -euo pipefail\nexec {exe} merge {shards}/shard-* --out {results} --force\n",
        header("merge"),
        cpus = s.cpus_per_task,
        logs = quote(&dir.join("logs").display().to_string()),
        exe = quote(&exe.display().to_string()),
        shards = quote(&dir.join("shards").display().to_string()),
        results = quote(&results.display().to_string()),
    );
    let array_path = dir.join("array.sbatch");
    let merge_path = dir.join("merge.sbatch");
    // Replace only scripts an earlier `tierflow slurm` wrote.
    for p in [&array_path, &merge_path] {
        if let Ok(old) = std::fs::read(p)
            && !String::from_utf8_lossy(&old).contains(MARK)
        {
            bail!(
                "`{}` exists and was not written by `tierflow slurm`; choose another --dir",
                p.display()
            );
        }
    }
    crate::output::write_atomic(&array_path, array.as_bytes())?;
    crate::output::write_atomic(&merge_path, merge.as_bytes())?;
    Ok(Written {
        array: array_path,
        merge: merge_path,
        results,
        mem_mb,
    })
}

fn parse_mem_mb(m: &str) -> Result<u64> {
    let t = m.trim().to_ascii_uppercase();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| anyhow::anyhow!("--mem `{m}`: expected a size such as 4000M or 8G"))?;
    Ok(match unit {
        "" | "M" | "MB" => n,
        "G" | "GB" => n * 1024,
        "T" | "TB" => n * 1024 * 1024,
        _ => bail!("--mem `{m}`: expected a size such as 4000M or 8G"),
    })
}

/// Submits the array and the merge after it; returns both job ids.
pub fn submit(w: &Written) -> Result<(String, String)> {
    let sbatch = |args: &[&str]| -> Result<String> {
        let out = std::process::Command::new("sbatch")
            .arg("--parsable")
            .args(args)
            .output()
            .map_err(|e| anyhow::anyhow!("cannot run sbatch (is this a Slurm login node?): {e}"))?;
        if !out.status.success() {
            bail!(
                "sbatch failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .trim()
            .split(';')
            .next()
            .unwrap_or("")
            .to_string())
    };
    let array = sbatch(&[&w.array.display().to_string()])?;
    let merge = sbatch(&[
        &format!("--dependency=afterok:{array}"),
        &w.merge.display().to_string(),
    ])?;
    Ok((array, merge))
}
