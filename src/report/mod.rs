//! `tierflow report`: one self-contained HTML document for report writers, from any results
//! folders (run, sweep, compare, sensitivity, calibration).
//!
//! A report reads only what the folders hold (their CSV and JSON files, and the scenario files
//! their manifests name, for descriptions and source notes), like `plot`. Charts are redrawn in
//! the report's language and inlined as SVG with their text outlined; the page's own text uses
//! the embedded fonts inline; a content security policy forbids any network request. A print
//! stylesheet lays it out on A4, so the browser's "print to PDF" gives a finished document.

pub mod page;
pub mod provenance;
mod run_sections;
mod study_sections;
pub mod words;
pub mod xlsx;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::chart::{ChartOptions, Lang};
use crate::output::layout::FolderKind;
use page::Body;

/// What `tierflow report` is asked to do.
#[derive(Clone, Debug)]
pub struct ReportSettings {
    /// Results folders, in the order they appear in the report.
    pub dirs: Vec<PathBuf>,
    /// Language of the report.
    pub lang: Lang,
    /// Output file (default: `report.html` or `report.zh.html` in the one folder).
    pub out: Option<PathBuf>,
    /// A font for text the embedded fonts lack (charts).
    pub font: Option<PathBuf>,
}

/// The default file name of a report in `lang`.
pub fn default_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "report.html",
        Lang::Zh => "report.zh.html",
    }
}

/// Builds the report and writes it; returns where.
pub fn report(s: &ReportSettings) -> Result<PathBuf> {
    if s.dirs.is_empty() {
        bail!("report needs at least one results folder");
    }
    let out = match (&s.out, s.dirs.as_slice()) {
        (Some(o), _) => o.clone(),
        (None, [one]) => one.join(default_name(s.lang)),
        (None, _) => bail!(
            "--out: a report of several folders needs a file name (for example --out outputs/report.html)"
        ),
    };
    if out.extension().is_none_or(|e| e != "html") {
        bail!(
            "--out: `{}` should end in .html (the report is one HTML file)",
            out.display()
        );
    }
    let html = build(s)?;
    write_report(&out, &s.dirs, html.as_bytes())?;
    Ok(out)
}

/// The report's HTML.
pub fn build(s: &ReportSettings) -> Result<String> {
    let w = words::words(s.lang);
    let chart_opts = ChartOptions {
        lang: s.lang,
        font: s.font.clone(),
    };
    let mut body = Body::default();
    let mut titles = Vec::new();
    for dir in &s.dirs {
        let kind = folder_kind(dir)?;
        let part = Part {
            dir,
            lang: s.lang,
            words: w,
            charts: &chart_opts,
            several: s.dirs.len() > 1,
        };
        let title = match kind {
            FolderKind::Run | FolderKind::Point => run_sections::run(&part, &mut body)?,
            FolderKind::Compare => run_sections::compare(&part, &mut body)?,
            FolderKind::Sweep => study_sections::sweep(&part, &mut body)?,
            FolderKind::Sensitivity => study_sections::sensitivity(&part, &mut body)?,
            FolderKind::Calibration => study_sections::calibration(&part, &mut body)?,
            FolderKind::Shard => bail!(
                "`{}` is one shard of a study; merge the shards first (tierflow merge SHARD_DIR… --out DIR) and report the merged folder",
                dir.display()
            ),
        };
        titles.push(title);
    }
    let title = format!("{}: {}", w.report, titles.join(" · "));
    let lead = s
        .dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(" · ");
    // No generation time: the same folders give the same report, byte for byte.
    let footer = format!("{} {}", w.generated_by, env!("CARGO_PKG_VERSION"));
    Ok(page::document(w.html_lang, &title, &lead, &body, &footer))
}

/// One folder's part of the report.
pub(crate) struct Part<'a> {
    /// The results folder.
    pub dir: &'a Path,
    /// Language.
    pub lang: Lang,
    /// Fixed words.
    pub words: &'static words::Words,
    /// How to redraw its charts.
    pub charts: &'a ChartOptions,
    /// Whether the report has several parts (each then gets its own top heading).
    pub several: bool,
}

impl Part<'_> {
    /// The folder's charts redrawn in the report's language, as (caption, SVG) in drawing order.
    pub fn charts(&self) -> Result<Vec<(String, String)>> {
        let files = crate::chart::render_folder(self.dir, self.charts)?;
        Ok(files
            .into_iter()
            .filter(|(name, _)| name.ends_with(".svg"))
            .map(|(name, bytes)| {
                let caption = caption(name.trim_end_matches(".svg"), self.lang);
                (caption, String::from_utf8_lossy(&bytes).into_owned())
            })
            .collect())
    }

    /// Adds every chart of the folder under a "Charts" heading.
    pub fn chart_section(&self, body: &mut Body) -> Result<()> {
        let charts = self.charts()?;
        if charts.is_empty() {
            return Ok(());
        }
        body.heading(3, self.words.charts);
        for (caption, svg) in charts {
            body.figure(&svg, &caption);
        }
        Ok(())
    }
}

/// A chart's caption from its file stem (`overlay_total_cost` → "Scenarios over the years:
/// Total cost").
fn caption(stem: &str, lang: Lang) -> String {
    let kinds: [(&str, &str, &str); 7] = [
        ("overlay_", "Scenarios over the years", "各情景逐年对比"),
        (
            "compare_",
            "Each scenario by year (whiskers: 5–95% band)",
            "各情景分年数值（误差线：5–95%区间）",
        ),
        (
            "difference_",
            "Paired difference from the reference scenario",
            "与参照情景的配对差值",
        ),
        (
            "series_",
            "Projection with its 5–95% band",
            "预测值及其5–95%区间",
        ),
        ("response_", "Response across the sweep", "参数扫描响应"),
        (
            "tornado",
            "Effect of each setting moved down and up",
            "各设置上下调整的影响",
        ),
        (
            "fit",
            "Calibration targets: distance from each target in tolerances",
            "校准目标：与目标的距离（以容差计）",
        ),
    ];
    for (prefix, en, zh) in kinds {
        if let Some(metric) = stem.strip_prefix(prefix) {
            let kind = match lang {
                Lang::En => en,
                Lang::Zh => zh,
            };
            return if metric.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}: {}", crate::chart::labels::metric(metric, lang))
            };
        }
    }
    stem.replace('_', " ")
}

fn folder_kind(dir: &Path) -> Result<FolderKind> {
    if !dir.is_dir() {
        bail!(
            "`{}` is not a folder (report reads the results folder of run, sweep, compare, sensitivity or calibrate)",
            dir.display()
        );
    }
    FolderKind::detect(dir).ok_or_else(|| {
        anyhow::anyhow!(
            "`{}` holds no tierflow results (no metrics.csv, sweep.csv, compare.csv, sensitivity.csv or fit.csv)",
            dir.display()
        )
    })
}

/// Writes the report whole: into a results folder (its marker then lists it), or to a file of
/// the user's, which it replaces only when that file is itself a tierflow report.
fn write_report(out: &Path, dirs: &[PathBuf], html: &[u8]) -> Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        let ours = meta.is_file()
            && std::fs::read(out)
                .map(|b| {
                    String::from_utf8_lossy(&b[..b.len().min(4096)]).contains(page::GENERATOR_MARK)
                })
                .unwrap_or(false);
        if !ours {
            bail!(
                "`{}` exists and is not a tierflow report; choose another --out (report never replaces other files)",
                out.display()
            );
        }
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Some(dir) = dirs
        .iter()
        .find(|d| crate::output::folder::absolute(d) == crate::output::folder::absolute(parent))
    {
        return crate::output::amend::add_file(
            dir,
            &out.file_name().unwrap_or_default().to_string_lossy(),
            html,
        );
    }
    if !parent.is_dir() {
        bail!("--out: the folder `{}` does not exist", parent.display());
    }
    crate::output::write_atomic(out, html)
}
