//! The results folder: what a run writes, written atomically.
//!
//! **Invariant:** only this module writes results to disk. Files are written into a temporary
//! folder beside the destination and moved into place when complete, so a results folder is
//! never half-written; a previous folder at the destination is replaced only after the new one
//! is complete, and only if tierflow wrote it ([`folder`] states the rule).

pub mod amend;
pub mod folder;
pub mod layout;
pub mod read;
pub mod report;
pub mod tables;
pub mod terminal;

use std::path::Path;

use anyhow::{Context, Result};

pub use crate::io_words::io_reason;
pub use folder::{Claim, FolderKind, Marker, Staging, check_not_input};

/// A `map_err` adapter for file operations: "ACTION `PATH`: REASON", the reason in words.
pub fn io_error<'a>(
    action: &'a str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> anyhow::Error + 'a {
    move |e| anyhow::anyhow!("{action} `{}`: {}", path.display(), io_reason(&e))
}

/// Writes one file whole or not at all: into a temporary file beside it, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("`{}` has no file name", path.display()))?
        .to_string_lossy();
    let tmp = path.with_file_name(format!(
        ".{name}{}{}",
        folder::TMP_INFIX,
        std::process::id()
    ));
    let failed = |e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("cannot write `{}`: {}", path.display(), io_reason(&e))
    };
    std::fs::write(&tmp, bytes).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(failed)
}
