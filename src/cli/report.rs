//! `tierflow report DIR…`: one self-contained HTML report of results folders.

use std::path::PathBuf;

use anyhow::Result;

use super::print;

/// Options of `tierflow report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Results folders of run, sweep, compare, sensitivity or calibrate, in report order.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Language of the report.
    #[arg(long, value_enum, default_value = "en")]
    lang: crate::chart::Lang,
    /// Report file (default: report.html, or report.zh.html for --lang zh, in the one folder).
    #[arg(long, short = 'o', value_name = "FILE.html")]
    out: Option<PathBuf>,
    /// TrueType/OpenType font for chart text the embedded fonts lack.
    #[arg(long, value_name = "PATH")]
    font: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
}

/// Writes the report.
pub fn report(a: ReportArgs) -> Result<()> {
    let out = crate::report::report(&crate::report::ReportSettings {
        dirs: a.dirs,
        lang: a.lang,
        out: a.out,
        font: a.font,
    })?;
    if !a.quiet {
        print(&format!(
            "report: {}\nopen it in a browser; print to PDF for an A4 document\n",
            out.display()
        ))?;
    }
    Ok(())
}
