//! `tierflow calibrate`: fits a scenario's parameters to its calibration targets.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use super::{ChartArgs, RunnerArgs, ScenarioArgs, interrupt, print, progress};
use crate::calibration::objective::Evaluator;
use crate::calibration::report::{self, Settings};
use crate::calibration::search::{Stop, search};
use crate::calibration::{Calibration, input_files};
use crate::monte_carlo::RunError;
use crate::output::FolderKind;
use crate::output::folder::absolute;
use crate::output::layout;
use crate::scenario;

/// Options of `tierflow calibrate`.
#[derive(clap::Args, Debug)]
pub struct CalibrateArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// A TOML file holding the `[calibration]` block to use instead of the scenario's own.
    #[arg(long, value_name = "FILE")]
    calibration: Option<PathBuf>,
    /// Replications per evaluation (overrides calibration.replications).
    #[arg(short = 'r', long)]
    replications: Option<u32>,
    /// Base seed (overrides run.seed), 0 to 2^63 − 1.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Most evaluations (overrides calibration.max_evaluations).
    #[arg(long)]
    max_evaluations: Option<u32>,
    /// Worker threads (default: one per core); results are identical for any value.
    #[arg(short = 't', long, default_value_t = 0)]
    threads: usize,
    /// Results folder (default: outputs/<name>-calibration).
    #[arg(short = 'o', long)]
    out: Option<PathBuf>,
    /// Replace an existing results folder (never a folder tierflow did not write).
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(short = 'q', long)]
    quiet: bool,
    #[command(flatten)]
    charts: ChartArgs,
}

/// Runs a calibration and writes its results folder.
pub fn calibrate(a: CalibrateArgs) -> Result<()> {
    let runner = RunnerArgs {
        replications: None,
        seed: a.seed,
        threads: a.threads,
        out: a.out.clone(),
        force: a.force,
        fix_parameters: true,
        quiet: a.quiet,
        charts: a.charts.clone(),
    };
    let options = runner.study()?;
    let overrides = runner.overrides(&a.scenario.set);
    let sc = scenario::load(&a.scenario.scenario, &overrides)?;
    let file = match &a.calibration {
        Some(p) => Some(scenario::calibration_file::load(p)?),
        None => None,
    };
    let mut cal = Calibration::of(&sc, file.as_ref())?;
    if let Some(r) = a.replications {
        if !(1..=10_000).contains(&r) {
            anyhow::bail!("-r {r}: expected 1 to 10000 replications per evaluation");
        }
        cal.replications = r;
    }
    if let Some(n) = a.max_evaluations {
        let need = cal.parameters.len() as u32 + 1;
        if !(need..=100_000).contains(&n) {
            anyhow::bail!(
                "--max-evaluations {n}: expected {need} to 100000 (the first simplex alone takes parameters + 1 = {need})"
            );
        }
        cal.max_evaluations = n;
    }
    let name = sc.raw.name.clone();
    let seed = sc.raw.run.seed;
    let claim = options.claim(
        &format!("{name}-calibration"),
        &input_files(&sc, a.calibration.as_deref()),
    )?;
    let evaluator = Evaluator::new(&cal, &sc, options.threads);
    let bar = progress::bar(cal.max_evaluations as u64, "evaluations", a.quiet);
    let mut best = f64::INFINITY;
    let outcome = search(
        &cal,
        cal.max_evaluations as usize,
        &interrupt::STOP,
        |values| {
            let e = evaluator.evaluate(values, &interrupt::STOP)?;
            bar.inc(1);
            if e.objective < best {
                best = e.objective;
                bar.set_message(format!(
                    "evaluations · best objective {:.3}, {}/{} targets met",
                    e.objective,
                    e.met(),
                    cal.targets.len()
                ));
            }
            Ok(e)
        },
    )?;
    bar.finish_and_clear();
    let Some(outcome) = outcome else {
        return Err(RunError::Cancelled.into());
    };
    let dest = absolute(claim.path());
    let scenario_abs = absolute(&a.scenario.scenario);
    let extends = pathdiff::diff_paths(&scenario_abs, &dest)
        .unwrap_or(scenario_abs)
        .to_string_lossy()
        .into_owned();
    let settings = Settings {
        scenario_file: &a.scenario.scenario,
        extends,
        name: &name,
        overrides: &a.scenario.set,
        seed,
    };
    let best = outcome.best();
    // An interrupted calibration still writes its best point (marked so); a second Ctrl-C
    // exits at once, leaving only a temporary folder the next command removes.
    let interrupted = outcome.stop == Stop::Interrupted;
    let never = AtomicBool::new(false);
    let files = vec![
        (layout::FIT_CSV, report::fit_csv(&cal, best)?),
        (layout::TRACE_CSV, report::trace_csv(&cal, &outcome.trace)?),
        (
            layout::CALIBRATED_TOML,
            report::calibrated_toml(&cal, &outcome, &settings).into_bytes(),
        ),
        (
            layout::CALIBRATION_JSON,
            report::calibration_json(&cal, &outcome, &settings)?,
        ),
    ];
    let dir = crate::study::finish(
        claim,
        FolderKind::Calibration,
        files,
        options.charts.as_ref(),
        if interrupted {
            &never
        } else {
            &interrupt::STOP
        },
    )?;
    if !a.quiet {
        let mut text = report::terminal(&cal, &outcome, &name);
        text.push_str(&format!("results: {}\n", dir.display()));
        print(&text)?;
    }
    if interrupted {
        return Err(crate::study::Interrupted(format!(
            "interrupted after {} evaluation(s): the best point so far is in `{}` (calibrated.toml is marked INTERRUPTED)",
            outcome.trace.len(),
            dir.display()
        ))
        .into());
    }
    Ok(())
}
