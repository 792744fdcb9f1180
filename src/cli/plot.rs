//! `tierflow plot DIR`: redraws a results folder's charts from its CSV files.

use std::path::PathBuf;

use anyhow::Result;

use super::interrupt::STOP;
use super::{ChartArgs, print};

/// Options of `tierflow plot`.
#[derive(clap::Args, Debug)]
pub struct PlotArgs {
    /// Results folder written by run, sweep, compare or sensitivity.
    dir: PathBuf,
    #[command(flatten)]
    charts: ChartArgs,
    /// Write the charts to this folder instead of DIR/charts (to keep, say, English and Chinese
    /// charts side by side); it must be new, empty, or an earlier `plot --out` folder.
    #[arg(long, short = 'o', value_name = "DIR2")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
}

/// Redraws the charts.
pub fn plot(a: PlotArgs) -> Result<()> {
    if a.charts.no_charts {
        anyhow::bail!("--no-charts: `plot` only draws charts");
    }
    let opts = a.charts.options();
    let charts_dir = a.out.clone().unwrap_or_else(|| a.dir.join("charts"));
    let written = match &a.out {
        Some(out) => {
            if crate::output::folder::absolute(out) == crate::output::folder::absolute(&a.dir) {
                anyhow::bail!("--out: give a folder other than the results folder itself");
            }
            if crate::output::layout::FolderKind::detect(&a.dir).is_none() {
                anyhow::bail!(
                    "`{}` holds no tierflow results (run, sweep, compare, sensitivity or calibrate writes them)",
                    a.dir.display()
                );
            }
            let files = crate::chart::render_folder(&a.dir, &opts)?;
            crate::output::amend::write_chart_folder(out, &files)?
        }
        None => {
            let written = crate::output::amend::redraw_charts(
                &a.dir,
                |d| crate::chart::render_folder(d, &opts),
                &STOP,
            )?;
            // The Excel tables follow the charts' language.
            let xlsx = crate::report::xlsx::tables(&a.dir, opts.lang)?;
            crate::output::amend::add_file(&a.dir, crate::report::xlsx::TABLES_XLSX, &xlsx)?;
            written
        }
    };
    if !a.quiet {
        let mut text = format!(
            "{} chart files in {}\n",
            written.len(),
            charts_dir.display()
        );
        for w in &written {
            text.push_str(&format!("  {}\n", w.display()));
        }
        print(&text)?;
    }
    Ok(())
}
