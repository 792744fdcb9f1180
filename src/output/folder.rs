//! The results-folder ownership rule, in one place.
//!
//! tierflow replaces or deletes a folder only when all of these hold:
//! - it is a real directory: not a symbolic link, file, device, FIFO or socket;
//! - it carries tierflow's marker ([`MARKER`]), which records the kind of folder and every file
//!   tierflow wrote into it, and nothing else is inside it (besides tierflow's own temporary
//!   leftovers, named `….tierflow-tmp-PID`);
//! - it is not, does not hold and does not lie inside any input of the command (the scenario
//!   and every file it `extends`, compared folders);
//! - `--force` was given (or the folder is empty).
//!
//! Otherwise the command stops with exit 2 before any work, saying why and what to do. An empty
//! directory may be written into. A command holds an advisory lock on its destination
//! ([`Claim`]) from the check until the results are in place, so two commands never write the
//! same folder. Replacing moves the old folder aside under a name unique to the process
//! (`.NAME.tierflow-old-PID`) and deletes it once the new one is in place; a crash between the two
//! renames leaves that backup, which the next command on the destination restores (or deletes,
//! if the new results did land) and says so.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::io_error;

/// The marker file: what kind of folder this is and which files tierflow wrote into it.
pub const MARKER: &str = ".tierflow-results.json";

/// Largest marker read (a sweep's lists a few files; a huge one is not tierflow's).
const MAX_MARKER_BYTES: u64 = 64 << 20;

/// Infix of temporary files and folders tierflow writes before moving them into place.
pub const TMP_INFIX: &str = ".tierflow-tmp-";
/// Infix of a previous folder moved aside while it is replaced.
const OLD_INFIX: &str = ".tierflow-old-";
pub use super::layout::{CHARTS, FolderKind};

/// A rendered chart file: its name inside `charts/` and its bytes. Charts are drawn by the
/// caller's renderer (`chart::render_folder`) from the folder's tables; this module only
/// writes them, so the results folder does not depend on the chart code.
pub type Rendered = (String, Vec<u8>);
/// Suffix of the lock file kept beside a destination.
const LOCK_SUFFIX: &str = ".tierflow-lock";

/// The marker's contents.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Marker {
    /// What the folder is.
    pub kind: FolderKind,
    /// tierflow version that wrote it.
    pub tierflow_version: String,
    /// Every file tierflow wrote, relative to the folder, with `/` separators.
    pub files: BTreeSet<String>,
    /// Subfolders whose entries are themselves tierflow folders with their own markers
    /// (a sweep's `points`).
    #[serde(default)]
    pub folders: BTreeSet<String>,
}

impl Marker {
    /// A marker for `kind` listing every file now under `dir` (the marker itself excluded).
    pub fn listing(kind: FolderKind, dir: &Path, folders: &[&str]) -> Result<Marker> {
        let folders: BTreeSet<String> = folders.iter().map(|f| f.to_string()).collect();
        let mut files = BTreeSet::new();
        list_files(dir, "", &folders, &mut files)?;
        Ok(Marker {
            kind,
            tierflow_version: env!("CARGO_PKG_VERSION").to_string(),
            files,
            folders,
        })
    }

    /// Writes the marker into `dir`, atomically.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).expect("a marker serialises");
        super::write_atomic(&dir.join(MARKER), &bytes)
    }

    /// The marker of `dir`, if it has a readable one.
    pub fn read(dir: &Path) -> Option<Marker> {
        let meta = std::fs::symlink_metadata(dir.join(MARKER)).ok()?;
        if !meta.file_type().is_file() || meta.len() > MAX_MARKER_BYTES {
            return None;
        }
        serde_json::from_slice(&std::fs::read(dir.join(MARKER)).ok()?).ok()
    }
}

fn list_files(
    dir: &Path,
    rel: &str,
    folders: &BTreeSet<String>,
    out: &mut BTreeSet<String>,
) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read folder `{}`", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("cannot read folder `{}`", dir.display()))?;
        let name = e.file_name().to_string_lossy().to_string();
        let path = join_rel(rel, &name);
        if name == MARKER && rel.is_empty() || name.contains(TMP_INFIX) || folders.contains(&path) {
            continue;
        }
        let ft = e.file_type()?;
        if ft.is_dir() {
            list_files(&e.path(), &path, folders, out)?;
        } else if ft.is_file() {
            out.insert(path);
        }
    }
    Ok(())
}

fn join_rel(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    }
}

/// Why `dir` is not a folder tierflow may replace, or `None` if it may.
pub fn not_owned(dir: &Path) -> Option<String> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(_) => return None,
    };
    if let Some(what) = not_a_folder(&meta) {
        return Some(format!("`{}` is {what}, not a folder", dir.display()));
    }
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return Some(format!("`{}` cannot be read", dir.display()));
    };
    // An empty folder may be written into.
    let _first = entries.next()?;
    let Some(marker) = Marker::read(dir) else {
        return Some(format!(
            "`{}` holds files tierflow did not write (it has no {MARKER} marker)",
            dir.display()
        ));
    };
    foreign_entry(dir, "", &marker).map(|f| {
        format!(
            "`{}` holds `{f}`, which tierflow did not write",
            dir.display()
        )
    })
}

/// What kind of thing other than a directory `meta` describes.
pub(crate) fn not_a_folder(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    if ft.is_dir() {
        None
    } else if ft.is_symlink() {
        Some("a symbolic link")
    } else if ft.is_file() {
        Some("a file")
    } else if ft.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if ft.is_char_device() || ft.is_block_device() {
        Some("a device")
    } else if ft.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular folder")
    }
}

/// The first entry under `dir` (relative path) that the marker does not account for.
fn foreign_entry(dir: &Path, rel: &str, marker: &Marker) -> Option<String> {
    let entries = std::fs::read_dir(dir).ok()?;
    for e in entries {
        let Ok(e) = e else {
            return Some(join_rel(rel, "?"));
        };
        let name = e.file_name().to_string_lossy().to_string();
        let path = join_rel(rel, &name);
        let Ok(ft) = e.file_type() else {
            return Some(path);
        };
        if rel.is_empty() && name == MARKER && ft.is_file() {
            continue;
        }
        // Leftovers of tierflow's own interrupted writes.
        if name.contains(TMP_INFIX) && (ft.is_file() || ft.is_dir()) {
            continue;
        }
        if ft.is_file() && marker.files.contains(&path) {
            continue;
        }
        if ft.is_dir() && marker.folders.contains(&path) {
            let Ok(children) = std::fs::read_dir(e.path()) else {
                return Some(path);
            };
            for c in children {
                let Ok(c) = c else { return Some(path) };
                let child = c.path();
                let cname = c.file_name().to_string_lossy().to_string();
                if cname.contains(TMP_INFIX) {
                    continue;
                }
                let is_dir = c.file_type().is_ok_and(|t| t.is_dir());
                if !is_dir || Marker::read(&child).is_none() || not_owned(&child).is_some() {
                    return Some(join_rel(&path, &cname));
                }
            }
            continue;
        }
        let prefix = format!("{path}/");
        if ft.is_dir() && marker.files.iter().any(|f| f.starts_with(&prefix)) {
            if let Some(f) = foreign_entry(&e.path(), &path, marker) {
                return Some(f);
            }
            continue;
        }
        return Some(path);
    }
    None
}

/// An absolute, lexically normalised form of `p` with symbolic links in its existing part
/// resolved (a destination that does not exist yet still compares correctly with inputs).
pub fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    // Resolve links in the longest existing prefix.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.as_os_str().is_empty() {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match existing.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    clean
}

/// Refuses a destination that is, holds, or lies inside one of the command's inputs.
pub fn check_not_input(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let out_abs = absolute(out);
    for input in inputs {
        let i = absolute(input);
        if out_abs == i || out_abs.starts_with(&i) || i.starts_with(&out_abs) {
            bail!(
                "--out `{}` would overwrite `{}`, which this command reads; choose another folder with --out DIR",
                out.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// A destination this process has the right to write: checked, locked, leftovers dealt with.
/// The lock is released when the claim is dropped.
pub struct Claim {
    dest: PathBuf,
    parent: PathBuf,
    name: String,
    _lock: File,
    lock_path: PathBuf,
}

impl Claim {
    /// Checks `out` under the ownership rule, locks it and tidies what killed commands left.
    /// `force` allows replacing a folder tierflow wrote.
    pub fn new(out: &Path, force: bool, inputs: &[PathBuf]) -> Result<Claim> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .filter(|n| !n.is_empty())
            .with_context(|| {
                format!(
                    "`{}` cannot be a results folder: it names no folder (give a path such as outputs/NAME)",
                    out.display()
                )
            })?;
        if matches!(
            out.components().next_back(),
            Some(Component::ParentDir | Component::CurDir | Component::RootDir)
        ) {
            bail!(
                "`{}` cannot be a results folder: give a path ending in a folder name, such as outputs/NAME",
                out.display()
            );
        }
        check_not_input(out, inputs)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(meta) = std::fs::symlink_metadata(out)
            && let Some(what) = not_a_folder(&meta)
        {
            bail!(
                "`{}` is {what}, not a folder; tierflow writes results only into folders it creates (choose another --out)",
                out.display()
            );
        }
        if let Some(blocker) = parent
            .ancestors()
            .find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        {
            bail!(
                "cannot create folder `{}`: `{}` is a file, not a folder",
                parent.display(),
                blocker.display()
            );
        }
        std::fs::create_dir_all(&parent).map_err(io_error("cannot create folder", &parent))?;
        let lock_path = parent.join(format!(".{name}{LOCK_SUFFIX}"));
        let lock = lock(&lock_path, out)?;
        let claim = Claim {
            dest: out.to_path_buf(),
            parent,
            name,
            _lock: lock,
            lock_path,
        };
        claim.tidy_leftovers();
        if let Some(why) = not_owned(out) {
            bail!(
                "{why}; tierflow replaces only folders it wrote itself, so choose an empty or new folder with --out DIR"
            );
        }
        if !force && out.read_dir().is_ok_and(|mut d| d.next().is_some()) {
            bail!(
                "`{}` already holds results; pass --force to replace them, or --out DIR to write elsewhere",
                out.display()
            );
        }
        Ok(claim)
    }

    /// The destination.
    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Name of a sibling of the destination: `.NAME<suffix>`, in its parent.
    pub fn sibling(&self, suffix: &str) -> PathBuf {
        self.parent.join(format!(".{}{suffix}", self.name))
    }

    /// Restores a previous folder a killed command had moved aside, or deletes it when the new
    /// results did land; deletes temporary folders of killed commands. Safe because the lock is
    /// held: nothing else is writing these.
    fn tidy_leftovers(&self) {
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return;
        };
        let tmp_prefix = format!(".{}{TMP_INFIX}", self.name);
        let old_prefix = format!(".{}{OLD_INFIX}", self.name);
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if n.starts_with(&tmp_prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            } else if n.starts_with(&old_prefix) && not_owned(&e.path()).is_none() {
                if std::fs::symlink_metadata(&self.dest).is_err() {
                    if std::fs::rename(e.path(), &self.dest).is_ok() {
                        eprintln!(
                            "note: restored `{}`: an earlier command was stopped while replacing it",
                            self.dest.display()
                        );
                    }
                } else {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }

    /// Starts writing a new folder that will replace the destination when committed.
    pub fn stage(self) -> Result<Staging> {
        let tmp = self.sibling(&format!("{TMP_INFIX}{}", std::process::id()));
        std::fs::create_dir(&tmp).map_err(io_error("cannot write in folder", &self.parent))?;
        Ok(Staging { tmp, claim: self })
    }

    /// Replaces the destination with the finished folder `ready` (a sibling written under this
    /// claim), keeping the previous one aside until the new one is in place.
    pub fn replace_with(&self, ready: &Path) -> Result<()> {
        let old = self.sibling(&format!("{OLD_INFIX}{}", std::process::id()));
        let exists = std::fs::symlink_metadata(&self.dest).is_ok();
        if exists {
            // Recheck under the lock: something may have been added since the claim.
            if let Some(why) = not_owned(&self.dest) {
                bail!("{why}; it was left as it is and the new results were not moved in");
            }
            std::fs::rename(&self.dest, &old).map_err(io_error("cannot replace", &self.dest))?;
        }
        if let Err(e) = std::fs::rename(ready, &self.dest) {
            if exists {
                let _ = std::fs::rename(&old, &self.dest);
            }
            return Err(io_error("cannot move results into", &self.dest)(e));
        }
        if exists {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Removed while still held, so a waiting command never locks a file that is gone.
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

fn lock(lock_path: &Path, out: &Path) -> Result<File> {
    use std::os::unix::fs::MetadataExt;
    for _ in 0..3 {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path)
            .map_err(io_error(
                "cannot write in folder",
                lock_path.parent().unwrap_or(Path::new(".")),
            ))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another tierflow command is writing `{}` now; wait for it to finish or choose another --out",
                out.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(io_error("cannot lock", out)(e));
            }
        }
        // The holder before us may have removed the file after we opened it: make sure the
        // file we locked is still the one at the path.
        let same = match (file.metadata(), std::fs::metadata(lock_path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        };
        if same {
            return Ok(file);
        }
    }
    bail!(
        "another tierflow command is writing `{}` now; wait for it to finish or choose another --out",
        out.display()
    )
}

/// A results folder being written: a temporary sibling of the destination, moved into place
/// whole by [`Staging::commit`], or removed if dropped uncommitted.
pub struct Staging {
    tmp: PathBuf,
    claim: Claim,
}

impl Staging {
    /// Draws the folder's charts from the tables already written into `charts/`.
    pub fn draw_charts(&self, render: impl FnOnce(&Path) -> Result<Vec<Rendered>>) -> Result<()> {
        for (name, bytes) in render(&self.tmp)? {
            self.write(&format!("{CHARTS}/{name}"), &bytes)?;
        }
        Ok(())
    }

    /// The staging folder, to read back what was written (tables derived from the CSV files).
    pub fn staged(&self) -> &Path {
        &self.tmp
    }

    /// Writes one file (a name relative to the folder) into the staging folder; errors name
    /// the file as it will be named.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.tmp.join(name);
        let shown = self.claim.path().join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_error("cannot write", &shown))?;
        }
        std::fs::write(&path, bytes).map_err(io_error("cannot write", &shown))
    }

    /// Marks the folder as tierflow's `kind` and moves it into place, replacing the previous
    /// one, unless `cancel` was set (then nothing is moved and the error is
    /// [`crate::monte_carlo::RunError::Cancelled`]).
    pub fn commit(self, kind: FolderKind, cancel: &AtomicBool) -> Result<PathBuf> {
        let marker = Marker::listing(kind, &self.tmp, &[])?;
        marker.write(&self.tmp)?;
        if cancel.load(Ordering::SeqCst) {
            return Err(crate::monte_carlo::RunError::Cancelled.into());
        }
        self.claim.replace_with(&self.tmp)?;
        Ok(self.claim.path().to_path_buf())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if std::fs::symlink_metadata(&self.tmp).is_ok() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Creates (or reopens) a results folder built in place, with its `subfolders` and `files`
/// (each written atomically), then marks it as tierflow's `kind`, listing them (a sweep:
/// resumable, so it is not staged).
pub fn open_in_place(
    dir: &Path,
    kind: FolderKind,
    subfolders: &[&str],
    files: &[(&str, &[u8])],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io_error("cannot create folder", dir))?;
    for sub in subfolders {
        std::fs::create_dir_all(dir.join(sub)).map_err(io_error("cannot create folder", dir))?;
    }
    for (name, bytes) in files {
        super::write_atomic(&dir.join(name), bytes)?;
    }
    Marker::listing(kind, dir, subfolders)?.write(dir)
}

/// Writes `files` as the folder `parent/name` of `kind`, whole or not at all: into a temporary
/// sibling, marked, then renamed over any previous folder of that name (a sweep's point).
pub fn write_folder_whole(
    parent: &Path,
    name: &str,
    kind: FolderKind,
    files: &[(&str, &[u8])],
) -> Result<()> {
    let dest = parent.join(name);
    let tmp = parent.join(format!(".{name}{TMP_INFIX}{}", std::process::id()));
    let written = (|| -> Result<()> {
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(io_error("cannot write", &dest))?;
        for (file, bytes) in files {
            super::write_atomic(&tmp.join(file), bytes)?;
        }
        Marker::listing(kind, &tmp, &[])?.write(&tmp)?;
        if std::fs::symlink_metadata(&dest).is_ok() {
            std::fs::remove_dir_all(&dest).map_err(io_error("cannot replace", &dest))?;
        }
        std::fs::rename(&tmp, &dest).map_err(io_error("cannot write", &dest))
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written
}

/// Removes a folder tierflow wrote (refused, naming why, if it is not tierflow's).
pub fn remove_owned(dir: &Path, what: &str) -> Result<()> {
    if let Some(why) = not_owned(dir) {
        bail!("{why}; remove it or choose another --out");
    }
    std::fs::remove_dir_all(dir).map_err(io_error(what, dir))
}
