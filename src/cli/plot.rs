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
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
}

/// Redraws the charts.
pub fn plot(a: PlotArgs) -> Result<()> {
    if a.charts.no_charts {
        anyhow::bail!("--no-charts: `plot` only draws charts");
    }
    let written = {
        let opts = a.charts.options();
        crate::output::folder::redraw_charts(
            &a.dir,
            |d| crate::chart::render_folder(d, &opts),
            &STOP,
        )?
    };
    if !a.quiet {
        let mut text = format!(
            "{} chart files in {}\n",
            written.len(),
            a.dir.join("charts").display()
        );
        for w in &written {
            text.push_str(&format!("  {}\n", w.display()));
        }
        print(&text)?;
    }
    Ok(())
}
