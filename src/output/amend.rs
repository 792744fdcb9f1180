//! Changing a finished results folder: redrawing its charts, adding a report or tables, and
//! writing charts to a folder of their own (`plot --out`). Every change is made whole, under the
//! folder's lock, and its marker then lists what is there.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};

use super::folder::{CHARTS, Claim, FolderKind, MARKER, Marker, Rendered, TMP_INFIX, not_a_folder};
use super::io_error;

/// Redraws the charts of results folder `dir` in place (`tierflow plot`): only a folder
/// tierflow wrote, under its lock, and its marker then lists the new charts.
pub fn redraw_charts(
    dir: &Path,
    render: impl FnOnce(&Path) -> Result<Vec<Rendered>>,
    cancel: &AtomicBool,
) -> Result<Vec<PathBuf>> {
    let meta = std::fs::symlink_metadata(dir).map_err(io_error("cannot read", dir))?;
    if let Some(what) = not_a_folder(&meta) {
        bail!("`{}` is {what}, not a results folder", dir.display());
    }
    let Some(marker) = Marker::read(dir) else {
        bail!(
            "`{}` is not a results folder tierflow wrote (it has no {MARKER} marker); run, sweep, compare or sensitivity writes one",
            dir.display()
        );
    };
    if marker.kind == FolderKind::Point {
        bail!(
            "`{}` is one point of a sweep; plot the sweep's folder instead",
            dir.display()
        );
    }
    let _claim = Claim::new(dir, true, &[])?;
    replace_charts(dir, render, cancel)
}

/// Adds (or replaces) one file of a finished results folder, such as a report or tables.xlsx:
/// only in a folder tierflow wrote, under its lock, written whole, and listed in its marker.
pub fn add_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let Some(marker) = Marker::read(dir) else {
        bail!(
            "`{}` is not a results folder tierflow wrote (it has no {MARKER} marker)",
            dir.display()
        );
    };
    if name.contains('/') || name.starts_with('.') || name == MARKER {
        bail!("`{name}` is not a file name tierflow adds to a results folder");
    }
    let _claim = Claim::new(dir, true, &[])?;
    super::write_atomic(&dir.join(name), bytes)?;
    let folders: Vec<&str> = marker.folders.iter().map(String::as_str).collect();
    let mut updated = Marker::listing(marker.kind, dir, &folders)?;
    updated.tierflow_version = marker.tierflow_version;
    updated.write(dir)
}

/// Draws the charts of `dir`, an existing results folder this command holds (a sweep built in
/// place, or `plot`), into `dir/charts/`: the previous charts are replaced only once every new
/// one is written, and not at all if `cancel` is set. The marker then lists the new charts.
pub fn replace_charts(
    dir: &Path,
    render: impl FnOnce(&Path) -> Result<Vec<Rendered>>,
    cancel: &AtomicBool,
) -> Result<Vec<PathBuf>> {
    let files = render(dir)?;
    let charts = dir.join(CHARTS);
    let tmp = dir.join(format!(".{CHARTS}{TMP_INFIX}{}", std::process::id()));
    let written = (|| -> Result<Vec<PathBuf>> {
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(io_error("cannot write", &charts))?;
        for (name, bytes) in &files {
            std::fs::write(tmp.join(name), bytes)
                .map_err(io_error("cannot write", &charts.join(name)))?;
        }
        if cancel.load(Ordering::SeqCst) {
            return Err(crate::monte_carlo::RunError::Cancelled.into());
        }
        if std::fs::symlink_metadata(&charts).is_ok() {
            std::fs::remove_dir_all(&charts).map_err(io_error("cannot replace", &charts))?;
        }
        std::fs::rename(&tmp, &charts).map_err(io_error("cannot write", &charts))?;
        Ok(files.iter().map(|(name, _)| charts.join(name)).collect())
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let written = written?;
    let marker = Marker::read(dir).context("the results folder lost its marker")?;
    let folders: Vec<&str> = marker.folders.iter().map(String::as_str).collect();
    let mut updated = Marker::listing(marker.kind, dir, &folders)?;
    updated.tierflow_version = marker.tierflow_version;
    updated.write(dir)?;
    Ok(written)
}

/// Marker of a folder of charts written by `plot --out` (so a later `plot --out` may replace it).
pub const CHARTS_MARKER: &str = ".tierflow-charts";

/// Writes rendered charts as the folder `out` (`plot DIR --out OUT`), whole: `out` must be new,
/// empty, or a charts folder an earlier `plot --out` wrote; it is then replaced.
pub fn write_chart_folder(out: &Path, files: &[Rendered]) -> Result<Vec<PathBuf>> {
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        if let Some(what) = not_a_folder(&meta) {
            bail!("--out: `{}` is {what}, not a folder", out.display());
        }
        let entries: Vec<String> = std::fs::read_dir(out)
            .map_err(io_error("cannot read", out))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        let ours = entries.iter().any(|e| e == CHARTS_MARKER)
            && entries.iter().all(|e| {
                e == CHARTS_MARKER
                    || e.ends_with(".png")
                    || e.ends_with(".svg")
                    || e.contains(TMP_INFIX)
            });
        if !entries.is_empty() && !ours {
            bail!(
                "--out: `{}` holds files tierflow did not write; choose a new or empty folder (plot never replaces other files)",
                out.display()
            );
        }
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .with_context(|| format!("--out: `{}` has no folder name", out.display()))?
        .to_string_lossy()
        .to_string();
    std::fs::create_dir_all(parent).map_err(io_error("cannot create folder", parent))?;
    let tmp = parent.join(format!(".{name}{TMP_INFIX}{}", std::process::id()));
    let written = (|| -> Result<()> {
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(io_error("cannot write", out))?;
        for (file, bytes) in files {
            std::fs::write(tmp.join(file), bytes)
                .map_err(io_error("cannot write", &out.join(file)))?;
        }
        std::fs::write(
            tmp.join(CHARTS_MARKER),
            b"charts drawn by tierflow plot --out\n",
        )
        .map_err(io_error("cannot write", out))?;
        if std::fs::symlink_metadata(out).is_ok() {
            std::fs::remove_dir_all(out).map_err(io_error("cannot replace", out))?;
        }
        std::fs::rename(&tmp, out).map_err(io_error("cannot write", out))
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written?;
    Ok(files.iter().map(|(f, _)| out.join(f)).collect())
}
