//! The command line: argument parsing and dispatch only; each subcommand is one file.
//!
//! Exit codes: 0 success, 2 bad input or an error (with a message naming what and where),
//! 130 interrupted by Ctrl-C or SIGTERM (nothing written).
//! A closed stdout (e.g. `tierflow params … | head`) ends quietly with 0.

mod calibrate;
mod compare;
mod interrupt;
mod merge;
mod params;
mod plot;
mod progress;
mod report;
mod run;
mod sensitivity;
mod serve;
mod slurm;
mod sweep;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Parallel Monte Carlo simulator of patient flow in a tiered health system.
#[derive(Parser, Debug)]
#[command(name = "tierflow", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command that reads a scenario takes.
#[derive(clap::Args, Debug, Clone)]
pub struct ScenarioArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a parameter: PATH=VALUE, as `tierflow params` lists paths (repeatable); a
    /// fraction may be written as a percentage (50%). It holds for the whole run: a timeline
    /// change of the same path is dropped (an override wins from its date).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Move a lever the scenario declares: `NAME=VALUE[@YYYY-MM-DD]` (repeatable; `tierflow
    /// levers SCENARIO` lists them). It holds from its date (the lever's own by default); a
    /// timeline change of its paths on or after that date is dropped. Applied after --set.
    #[arg(long = "lever", value_name = "NAME=VALUE[@DATE]")]
    pub lever: Vec<String>,
}

impl ScenarioArgs {
    /// The overrides in the order applied: every --set, then every --lever.
    pub fn overrides(&self) -> Vec<String> {
        lever_overrides(&self.set, &self.lever)
    }
}

/// `--set` overrides followed by `--lever` ones (recorded as `lever:NAME=VALUE[@DATE]`).
pub fn lever_overrides(set: &[String], lever: &[String]) -> Vec<String> {
    set.iter()
        .cloned()
        .chain(
            lever
                .iter()
                .map(|l| format!("{}{l}", crate::scenario::levers::LEVER_PREFIX)),
        )
        .collect()
}

/// Chart options every command that writes results takes.
#[derive(clap::Args, Debug, Clone)]
pub struct ChartArgs {
    /// Language of chart labels.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: crate::chart::Lang,
    /// TrueType/OpenType font for chart text (e.g. for Chinese scenario or group names).
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// Write no charts (CSV and JSON only; `tierflow plot DIR` can draw them later).
    #[arg(long)]
    pub no_charts: bool,
}

impl ChartArgs {
    /// The chart options these arguments ask for.
    pub fn options(&self) -> crate::chart::ChartOptions {
        crate::chart::ChartOptions {
            lang: self.lang,
            font: self.font.clone(),
        }
    }

    /// The charts to draw (none with `--no-charts`), with the font checked now so that a bad
    /// `--font` is reported before any simulation runs.
    pub fn checked(&self) -> anyhow::Result<Option<crate::chart::ChartOptions>> {
        if self.no_charts {
            return Ok(None);
        }
        let opts = self.options();
        crate::chart::check_font(&opts)?;
        Ok(Some(opts))
    }
}

/// Most worker threads per core `--threads` may ask for before it is capped.
pub const MAX_THREADS_PER_CORE: usize = 8;

/// Options every command that runs replications and writes a results folder takes.
#[derive(clap::Args, Debug, Clone)]
pub struct RunnerArgs {
    /// Replications (overrides run.replications; every point or scenario of a study runs the
    /// same ones).
    #[arg(short = 'r', long)]
    pub replications: Option<u32>,
    /// Base seed (overrides run.seed; shared by every point or scenario of a study), 0 to
    /// 2^63 − 1 (TOML integers are signed 64-bit).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core); results are identical for any value.
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
    /// Results folder (default: a folder under outputs/ named after the scenario).
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
    /// Replace an existing results folder (never a folder tierflow did not write).
    #[arg(long)]
    pub force: bool,
    /// Keep uncertain parameters at their central values (bands then show chance alone).
    #[arg(long)]
    pub fix_parameters: bool,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Run only shard I of N of the study's jobs (points × replications) and write a shard
    /// folder; `tierflow merge` turns all N into the ordinary results folder (run, sweep and
    /// sensitivity).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::cluster::shard::ShardSpec>,
    /// Chart language, font, or none.
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// This process's command line from the subcommand on, without what does not change a study's
/// numbers or is the shard's own (`--shard`, `--out`, `--force`, `--threads`, `--quiet`): what
/// a shard records for `merge` to rerun.
pub fn study_command() -> Vec<String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    crate::cluster::shard::study_args(&args)
}

impl RunnerArgs {
    /// `set` with `-r` and `--seed` folded in as overrides.
    pub fn overrides(&self, set: &[String]) -> Vec<String> {
        let mut o = set.to_vec();
        if let Some(r) = self.replications {
            o.push(format!("run.replications={r}"));
        }
        if let Some(s) = self.seed {
            o.push(format!("run.seed={s}"));
        }
        o
    }

    /// How a study runs and where it writes (fails on a bad `--font`).
    pub fn study(&self) -> anyhow::Result<crate::study::RunOptions> {
        Ok(crate::study::RunOptions {
            threads: self.threads(),
            fix_parameters: self.fix_parameters,
            out: self.out.clone(),
            force: self.force,
            charts: self.charts.checked()?,
            shard: self.shard.map(|spec| crate::cluster::shard::ShardRequest {
                spec,
                command: study_command(),
            }),
        })
    }

    /// Worker threads: one per core by default; more than [`MAX_THREADS_PER_CORE`] per core is
    /// capped with a note (results are the same on any thread count, and thousands of threads
    /// only cost memory and make the process slow to stop).
    pub fn threads(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cap = cores * MAX_THREADS_PER_CORE;
        match self.threads {
            0 => cores,
            t if t > cap => {
                if !self.quiet {
                    eprintln!(
                        "note: --threads {t} capped at {cap} ({MAX_THREADS_PER_CORE} per core on this machine's {cores}); results do not depend on the thread count"
                    );
                }
                cap
            }
            t => t,
        }
    }

    /// A progress bar factory counting `what` (hidden with `--quiet`).
    pub fn progress(&self, what: &'static str) -> impl Fn(u64) -> indicatif::ProgressBar {
        let quiet = self.quiet;
        move |n| progress::bar(n, what, quiet)
    }
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the scenario's replications and write results.
    Run(run::RunArgs),
    /// List every settable parameter: path, resolved value, unit.
    Params(ScenarioArgs),
    /// Validate a scenario without running it and describe what would run.
    Check(ScenarioArgs),
    /// List the scenario's named policy levers with their values, ranges and clauses.
    Levers(ScenarioArgs),
    /// Run a grid of parameter values (common random numbers; resumable).
    Sweep(sweep::SweepArgs),
    /// Compare scenarios with paired replications: side-by-side table, differences, charts.
    Compare(compare::CompareArgs),
    /// Move parameters one at a time down and up; tornado chart of the effects.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Redraw the charts of a results folder from its CSV files, without rerunning.
    Plot(plot::PlotArgs),
    /// Fit the scenario's parameters to its calibration targets (levels and responses).
    Calibrate(calibrate::CalibrateArgs),
    /// Write one self-contained HTML report (tables, charts, sources) of results folders.
    Report(report::ReportArgs),
    /// Open the local what-if page: move lever sliders, see projections against the baseline.
    Serve(serve::ServeArgs),
    /// Merge the shards of a study (`--shard I/N`) into its ordinary results folder, exactly.
    Merge(merge::MergeArgs),
    /// Write (and with --submit, submit) a Slurm job array of shards and its merge job.
    Slurm(slurm::SlurmArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    // A bug should read as one, not as a Rust backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: internal error in tierflow ({info}); please report it with the scenario that caused it"
        );
    }));
    // Ctrl-C and SIGTERM are honoured from the first step to the last.
    interrupt::install();
    let cli = Cli::parse();
    let reads_only = matches!(
        cli.command,
        Command::Params(_) | Command::Check(_) | Command::Levers(_)
    );
    let result = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Params(a) => params::params(a),
        Command::Check(a) => params::check(a),
        Command::Levers(a) => params::levers(a),
        Command::Plot(a) => plot::plot(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Compare(a) => compare::compare(a),
        Command::Sensitivity(a) => sensitivity::sensitivity(a),
        Command::Calibrate(a) => calibrate::calibrate(a),
        Command::Report(a) => report::report(a),
        Command::Serve(a) => serve::serve(a),
        Command::Merge(a) => merge::merge(a),
        Command::Slurm(a) => slurm::slurm(a),
    };
    match result {
        // A command that writes nothing still reports that it was interrupted.
        Ok(()) if reads_only && interrupt::STOP.load(std::sync::atomic::Ordering::SeqCst) => {
            eprintln!("interrupted");
            ExitCode::from(interrupt::EXIT_INTERRUPTED)
        }
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            if e.downcast_ref::<crate::monte_carlo::RunError>()
                .is_some_and(|r| matches!(r, crate::monte_carlo::RunError::Cancelled))
            {
                eprintln!(
                    "interrupted: no results were written; any earlier results are untouched"
                );
                return ExitCode::from(interrupt::EXIT_INTERRUPTED);
            }
            if let Some(i) = e.downcast_ref::<crate::study::Interrupted>() {
                eprintln!("{i}");
                return ExitCode::from(interrupt::EXIT_INTERRUPTED);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes to stdout, reporting a closed pipe as an error the caller turns into exit 0.
pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
