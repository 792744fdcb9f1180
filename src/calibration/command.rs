//! `tierflow calibrate` as a library function: the block validated against the scenario, the
//! search run with a progress bar and Ctrl-C, and the results folder written (the CLI prints the
//! account it returns).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use super::objective::Evaluator;
use super::report::{self, Settings};
use super::search::{Stop, search};
use super::{Calibration, input_files};
use crate::monte_carlo::RunError;
use crate::output::FolderKind;
use crate::output::folder::absolute;
use crate::output::layout;
use crate::scenario;
use crate::study::RunOptions;

/// What a calibration is asked to do.
#[derive(Clone, Debug)]
pub struct CalibrateSettings {
    /// Scenario file.
    pub scenario: PathBuf,
    /// `--set` overrides as given (kept in calibrated.toml).
    pub set: Vec<String>,
    /// The overrides the scenario is loaded with (`--set` and `--seed`).
    pub overrides: Vec<String>,
    /// A file holding the `[calibration]` block, instead of the scenario's own.
    pub calibration_file: Option<PathBuf>,
    /// Replications per evaluation, overriding the block's.
    pub replications: Option<u32>,
    /// Most evaluations, overriding the block's.
    pub max_evaluations: Option<u32>,
    /// Threads, output folder, charts.
    pub options: RunOptions,
}

/// What a calibration did.
pub struct CalibrateOutcome {
    /// The results folder.
    pub dir: PathBuf,
    /// The terminal's account: fitted values and the fit.
    pub report: String,
    /// Evaluations made before Ctrl-C, if the search was interrupted (its best point is written).
    pub interrupted_after: Option<usize>,
}

/// Runs a calibration and writes its results folder.
pub fn calibrate(
    s: &CalibrateSettings,
    cancel: &AtomicBool,
    bar: impl Fn(u64) -> indicatif::ProgressBar,
) -> Result<CalibrateOutcome> {
    let sc = scenario::load(&s.scenario, &s.overrides)?;
    let file = match &s.calibration_file {
        Some(p) => Some(scenario::calibration_file::load(p)?),
        None => None,
    };
    let mut cal = Calibration::of(&sc, file.as_ref())?;
    if let Some(r) = s.replications {
        if !(1..=10_000).contains(&r) {
            anyhow::bail!("-r {r}: expected 1 to 10000 replications per evaluation");
        }
        cal.replications = r;
    }
    if let Some(n) = s.max_evaluations {
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
    let claim = s.options.claim(
        &format!("{name}-calibration"),
        &input_files(&sc, s.calibration_file.as_deref()),
    )?;
    let evaluator = Evaluator::new(&cal, &sc, s.options.threads);
    let bar = bar(cal.max_evaluations as u64);
    let mut best = f64::INFINITY;
    let outcome = search(&cal, cal.max_evaluations as usize, cancel, |values| {
        let e = evaluator.evaluate(values, cancel)?;
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
    })?;
    bar.finish_and_clear();
    let Some(outcome) = outcome else {
        return Err(RunError::Cancelled.into());
    };
    let dest = absolute(claim.path());
    let scenario_abs = absolute(&s.scenario);
    let extends = pathdiff::diff_paths(&scenario_abs, &dest)
        .unwrap_or(scenario_abs)
        .to_string_lossy()
        .into_owned();
    let settings = Settings {
        scenario_file: &s.scenario,
        extends,
        name: &name,
        overrides: &s.set,
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
        s.options.charts.as_ref(),
        if interrupted { &never } else { cancel },
    )?;
    Ok(CalibrateOutcome {
        dir,
        report: report::terminal(&cal, &outcome, &name),
        interrupted_after: interrupted.then_some(outcome.trace.len()),
    })
}
