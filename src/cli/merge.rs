//! `tierflow merge SHARD_DIR… [--out DIR]`: the shards of a study into its results folder.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Parser;

use super::{Cli, Command};

/// Options of `tierflow merge`.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The shard folders (`--shard I/N` wrote them), all N of them.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Results folder (default: the study's own, under outputs/).
    #[arg(short = 'o', long)]
    out: Option<PathBuf>,
    /// Replace an existing results folder (never a folder tierflow did not write).
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
}

/// Checks the shards and writes the study's folder from their results.
pub fn merge(a: MergeArgs) -> Result<()> {
    let command = crate::cluster::merge::gather(&a.dirs)?;
    let mut argv = vec!["tierflow".to_string()];
    argv.extend(command.iter().cloned());
    if let Some(o) = &a.out {
        argv.extend(["--out".to_string(), o.display().to_string()]);
    }
    if a.force {
        argv.push("--force".to_string());
    }
    if a.quiet {
        argv.push("--quiet".to_string());
    }
    let cli = Cli::try_parse_from(&argv).map_err(|e| {
        anyhow::anyhow!(
            "the shards' command `{}` no longer parses: {}",
            command.join(" "),
            e.to_string().lines().next().unwrap_or("")
        )
    })?;
    match cli.command {
        Command::Run(x) => super::run::run(x),
        Command::Sweep(x) => super::sweep::sweep(x),
        Command::Sensitivity(x) => super::sensitivity::sensitivity(x),
        _ => bail!(
            "the shards' command `{}` cannot be merged",
            command.join(" ")
        ),
    }
}
