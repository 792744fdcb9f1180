//! The results folder: what a run writes, written atomically.
//!
//! **Invariant:** only this module writes results to disk. Files are written into a temporary
//! folder beside the destination and moved into place when complete, so a results folder is
//! never half-written; a previous folder at the destination is replaced only after the new one
//! is complete.

pub mod report;
pub mod tables;
pub mod terminal;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Files that mark a folder as tierflow's results (one per command that writes a folder).
pub const RESULT_MARKERS: [&str; 4] = [
    "manifest.json",
    "sweep.json",
    "compare.json",
    "sensitivity.json",
];

/// Whether `dir` is a results folder tierflow wrote.
pub fn is_results_folder(dir: &Path) -> bool {
    RESULT_MARKERS.iter().any(|m| dir.join(m).is_file())
}

/// Refuses to replace existing results unless `force`, and never replaces a folder tierflow
/// did not write (`--force` must not delete a user's own files), before any work is done.
pub fn check_destination(out: &Path, force: bool) -> Result<()> {
    if out.is_file() {
        anyhow::bail!("output folder `{}` is a file, not a folder", out.display());
    }
    let has_content = out.read_dir().is_ok_and(|mut d| d.next().is_some());
    if has_content && !is_results_folder(out) {
        anyhow::bail!(
            "`{}` holds files tierflow did not write; choose an empty or new folder with --out DIR",
            out.display()
        );
    }
    if has_content && !force {
        anyhow::bail!(
            "`{}` already holds results; pass --force to replace them, or --out DIR to write elsewhere",
            out.display()
        );
    }
    Ok(())
}

/// Refuses an output folder that is, or lies inside, one of the inputs, or holds one: replacing
/// it would destroy what is being read.
pub fn check_not_input(out: &Path, inputs: &[&Path]) -> Result<()> {
    let abs = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let out_abs = abs(out);
    for input in inputs {
        let i = abs(input);
        if out_abs == i || out_abs.starts_with(&i) || i.starts_with(&out_abs) {
            anyhow::bail!(
                "--out `{}` would overwrite the input `{}`; choose another folder",
                out.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// Writes one file whole or not at all: into a temporary file beside it, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("`{}` has no file name", path.display()))?
        .to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write `{}`", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write `{}`", path.display())
    })
}

/// A results folder being written.
pub struct Staging {
    tmp: PathBuf,
    dest: PathBuf,
}

impl Staging {
    /// Prepares a temporary folder beside `dest`, removing leftovers of killed runs.
    pub fn new(dest: &Path) -> Result<Self> {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .with_context(|| format!("output folder `{}` has no name", dest.display()))?
            .to_string_lossy()
            .to_string();
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create output folder `{}`", parent.display()))?;
        let prefix = format!(".{name}.tmp-");
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let tmp = parent.join(format!("{prefix}{}", std::process::id()));
        std::fs::create_dir_all(&tmp)
            .with_context(|| format!("cannot write in output folder `{}`", parent.display()))?;
        Ok(Staging {
            tmp,
            dest: dest.to_path_buf(),
        })
    }

    /// The temporary folder being written (charts are drawn from the files already in it).
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Writes one file into the staging folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.tmp.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write `{}`", path.display()))
    }

    /// Moves the finished folder into place, replacing any previous one.
    pub fn commit(self) -> Result<PathBuf> {
        let old = self.tmp.with_extension("old");
        if self.dest.exists() {
            std::fs::rename(&self.dest, &old)
                .with_context(|| format!("cannot replace `{}`", self.dest.display()))?;
        }
        std::fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("cannot move results into `{}`", self.dest.display()))?;
        if old.exists() {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.dest.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.tmp.exists() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
