//! What a calibration writes and prints: `fit.csv` (the best point's fit, target by target),
//! `trace.csv` (every evaluation), `calibrated.toml` (a scenario that extends the input with
//! the fitted values, its header giving the fit), `calibration.json` (the settings and the
//! outcome, for scripts) and the terminal's fit table.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::Calibration;
use super::objective::Evaluation;
use super::search::{Outcome, Stop};
use crate::output::tables::num;
use crate::scenario::raw::Tie;

/// The header of fit.csv (the chart reads it back).
pub const FIT_COLUMNS: [&str; 7] = [
    "target",
    "value",
    "simulated_mean",
    "p5",
    "p95",
    "tolerance",
    "met",
];

/// fit.csv: one row per target at the best point.
pub fn fit_csv(cal: &Calibration, best: &Evaluation) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(FIT_COLUMNS)?;
    for (t, f) in cal.targets.iter().zip(&best.fits) {
        let (p5, p95) = f
            .band
            .as_ref()
            .map_or((f64::NAN, f64::NAN), |b| (b.p5, b.p95));
        w.write_record([
            t.name.clone(),
            num(t.value),
            num(f.simulated),
            num(p5),
            num(p95),
            num(t.tolerance),
            f.met.to_string(),
        ])?;
    }
    Ok(w.into_inner()?)
}

/// trace.csv: every evaluation, its objective, parameter values and simulated targets.
pub fn trace_csv(cal: &Calibration, trace: &[Evaluation]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "evaluation".to_string(),
        "objective".into(),
        "targets_met".into(),
    ];
    header.extend(cal.parameters.iter().map(|p| p.name.clone()));
    header.extend(cal.targets.iter().map(|t| t.name.clone()));
    w.write_record(&header)?;
    for (i, e) in trace.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), num(e.objective), e.met().to_string()];
        row.extend(e.values.iter().map(|v| format!("{v:?}")));
        row.extend(e.fits.iter().map(|f| num(f.simulated)));
        w.write_record(&row)?;
    }
    Ok(w.into_inner()?)
}

/// How the calibration was run, for calibrated.toml's header and calibration.json.
pub struct Settings<'a> {
    /// The scenario file as given.
    pub scenario_file: &'a Path,
    /// Where `extends` points from the results folder.
    pub extends: String,
    /// The input scenario's name.
    pub name: &'a str,
    /// `--set` overrides (the fit holds with them).
    pub overrides: &'a [String],
    /// Base seed.
    pub seed: u64,
}

/// A TOML key path written as dotted keys, quoting segments that are not bare keys.
fn dotted_key(path: &str) -> String {
    path.split('.')
        .map(|seg| {
            let bare = !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if bare {
                seg.to_string()
            } else {
                toml::Value::String(seg.to_string()).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// One line per target: name, value ± tolerance, simulated [band], met.
fn fit_lines(cal: &Calibration, best: &Evaluation, prefix: &str) -> String {
    let mut s = String::new();
    for (t, f) in cal.targets.iter().zip(&best.fits) {
        let band = f.band.as_ref().map_or(String::new(), |b| {
            format!(" [5–95%: {} – {}]", sig(b.p5), sig(b.p95))
        });
        s.push_str(&format!(
            "{prefix}{}: {} ± {}, simulated {}{band}: {}{}\n",
            t.name,
            sig(t.value),
            sig(t.tolerance),
            sig(f.simulated),
            if f.met { "met" } else { "NOT MET" },
            if t.source.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.source)
            }
        ));
    }
    s
}

fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "undefined".into();
    }
    if x.abs() >= 1e5 {
        format!("{x:.4e}")
    } else if x.abs() >= 1000.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.4}")
    }
}

/// calibrated.toml: extends the input and sets the fitted values; the header gives the fit.
pub fn calibrated_toml(cal: &Calibration, outcome: &Outcome, s: &Settings) -> String {
    let best = outcome.best();
    let mut t = String::new();
    if outcome.stop == Stop::Interrupted {
        t.push_str(
            "# INTERRUPTED CALIBRATION: the best point found before Ctrl-C, not a converged fit.\n",
        );
    }
    t.push_str(&format!(
        "# Calibrated by `tierflow calibrate {}` (tierflow {}): seed {}, {} replication(s) per\n\
         # evaluation, {} evaluation(s), {}.\n\
         # Objective {} (Σ weight × ((simulated − value) ÷ tolerance)²); {} of {} targets within tolerance:\n",
        s.scenario_file.display(),
        env!("CARGO_PKG_VERSION"),
        s.seed,
        cal.replications,
        outcome.trace.len(),
        outcome.stop.describe(),
        sig(best.objective),
        best.met(),
        cal.targets.len()
    ));
    t.push_str(&fit_lines(cal, best, "#   "));
    t.push_str(&format!(
        "\nextends = {}\nname = {}\n",
        toml::Value::String(s.extends.clone()),
        toml::Value::String(format!("{}-calibrated", s.name))
    ));
    // The fitted values replace any --set of the same paths (it only moved the start).
    let fitted: Vec<&str> = cal
        .parameters
        .iter()
        .flat_map(|p| p.paths.iter().map(|(q, _)| q.as_str()))
        .collect();
    let kept: Vec<&String> = s
        .overrides
        .iter()
        .filter(|o| {
            let path = o.split_once('=').map_or(o.as_str(), |(p, _)| p).trim();
            !path.starts_with("run.") && !fitted.contains(&path)
        })
        .collect();
    if !kept.is_empty() {
        t.push_str("\n# Set on the command line when calibrating (the fit holds with them):\n");
        for o in kept {
            if let Some(lever) = o.strip_prefix(crate::scenario::levers::LEVER_PREFIX) {
                t.push_str(&format!(
                    "# --lever {lever} was given too: pass it again when running this file\n"
                ));
                continue;
            }
            if let Some((p, v)) = o.split_once('=')
                && let Ok(v) = crate::scenario::overrides::set_value(p.trim(), v.trim())
            {
                t.push_str(&format!("{} = {v}\n", dotted_key(p.trim())));
            }
        }
    }
    t.push_str("\n# Fitted values (box searched; where the search started):\n");
    for (p, &v) in cal.parameters.iter().zip(&best.values) {
        let how = match p.tie {
            Tie::Set => String::new(),
            Tie::Scale => format!("{}: × {v:?}; ", p.name),
            Tie::Shift => format!("{}: + {v:?}; ", p.name),
        };
        for (path, x) in p.path_values(v) {
            t.push_str(&format!(
                "{} = {x:?}   # {how}fitted in [{}, {}], from {}\n",
                dotted_key(path),
                p.low,
                p.high,
                p.start
            ));
        }
    }
    t
}

#[derive(Serialize)]
struct Json<'a> {
    tierflow_version: &'a str,
    scenario_file: String,
    overrides: &'a [String],
    seed: u64,
    replications: u32,
    evaluations: usize,
    max_evaluations: u32,
    stopped: &'a str,
    objective: f64,
    targets_met: usize,
    targets: usize,
    parameters: Vec<JsonParameter<'a>>,
}

#[derive(Serialize)]
struct JsonParameter<'a> {
    name: &'a str,
    paths: Vec<&'a str>,
    low: f64,
    high: f64,
    start: f64,
    fitted: f64,
}

/// calibration.json: the settings and the outcome.
pub fn calibration_json(cal: &Calibration, outcome: &Outcome, s: &Settings) -> Result<Vec<u8>> {
    let best = outcome.best();
    let j = Json {
        tierflow_version: env!("CARGO_PKG_VERSION"),
        scenario_file: s.scenario_file.display().to_string(),
        overrides: s.overrides,
        seed: s.seed,
        replications: cal.replications,
        evaluations: outcome.trace.len(),
        max_evaluations: cal.max_evaluations,
        stopped: outcome.stop.describe(),
        objective: best.objective,
        targets_met: best.met(),
        targets: cal.targets.len(),
        parameters: cal
            .parameters
            .iter()
            .zip(&best.values)
            .map(|(p, &v)| JsonParameter {
                name: &p.name,
                paths: p.paths.iter().map(|(q, _)| q.as_str()).collect(),
                low: p.low,
                high: p.high,
                start: p.start,
                fitted: v,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&j)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The terminal's account: parameters, fit table, verdict.
pub fn terminal(cal: &Calibration, outcome: &Outcome, name: &str) -> String {
    let best = outcome.best();
    let mut s = format!(
        "calibration of `{name}`: {} evaluation(s), {}; objective {}\n",
        outcome.trace.len(),
        outcome.stop.describe(),
        sig(best.objective)
    );
    let width = cal
        .parameters
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    s.push_str(&format!(
        "  {:<width$}  {:>10}  {:>10}  {:>10}  {:>12}\n",
        "parameter", "low", "high", "start", "fitted"
    ));
    for (p, v) in cal.parameters.iter().zip(&best.values) {
        s.push_str(&format!(
            "  {:<width$}  {:>10}  {:>10}  {:>10}  {:>12}\n",
            p.name,
            sig(p.low),
            sig(p.high),
            sig(p.start),
            sig(*v)
        ));
    }
    s.push_str("fit at the best point:\n");
    s.push_str(&fit_lines(cal, best, "  "));
    let missed = cal.targets.len() - best.met();
    if missed == 0 {
        s.push_str("Every target is within its tolerance.\n");
    } else {
        s.push_str(&format!(
            "{missed} of {} targets are outside their tolerance.\n",
            cal.targets.len()
        ));
    }
    s
}
