//! `tierflow sensitivity`: one parameter at a time moved down and up by a relative range; the
//! paired effect of each move on one metric in one year, sorted into a tornado.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Result;
use serde::Serialize;

use super::{RunOptions, band_of, by_name, paired_difference, run_points};
use crate::output::tables::num;

use crate::catalog;
use crate::metrics::Breakdown;
use crate::metrics::bands::Band;
use crate::monte_carlo::Prepared;
use crate::output::layout;
use crate::output::{FolderKind, terminal};
use crate::scenario::paths::{Param, is_model_parameter};
use crate::scenario::{self, load::check_known_path};

/// Columns of sensitivity.csv (rows sorted by swing, largest first).
const COLUMNS: [&str; 22] = [
    "parameter",
    "unit",
    "base_value",
    "low_value",
    "high_value",
    "metric",
    "tier",
    "year",
    "base_mean",
    "low_mean",
    "high_mean",
    "low_effect_mean",
    "low_effect_p5",
    "low_effect_p95",
    "high_effect_mean",
    "high_effect_p5",
    "high_effect_p95",
    "swing",
    "low_effect_ci95_low",
    "low_effect_ci95_high",
    "high_effect_ci95_low",
    "high_effect_ci95_high",
];

/// What a sensitivity analysis is asked to do.
#[derive(Clone, Debug)]
pub struct SensitivitySettings {
    /// Scenario file.
    pub scenario: PathBuf,
    /// `--set` overrides (with -r and --seed folded in).
    pub overrides: Vec<String>,
    /// Parameters to move (empty: every behavioural coefficient and tier quality).
    pub params: Vec<String>,
    /// Relative move, e.g. 0.2 for ±20%.
    pub range: f64,
    /// Metric judged.
    pub metric: String,
    /// Breakdown of the metric (`all`, a tier or a group).
    pub tier: String,
    /// Year judged (default: the last reported year).
    pub year: Option<i32>,
    /// Threads, output folder, charts.
    pub options: RunOptions,
}

/// What the analysis produced, for the terminal.
pub struct SensitivityOutcome {
    /// The results folder.
    pub dir: PathBuf,
    /// Parameters by swing, largest first.
    pub table: String,
}

/// The default parameters: the calibrated choice coefficients and tier qualities, the numbers
/// with the least direct evidence behind them.
fn default_params(params: &[Param]) -> Vec<String> {
    params
        .iter()
        .filter(|p| {
            let behavioural = p.path.starts_with("behaviour.");
            let quality = p.path.starts_with("tiers.") && p.path.ends_with(".quality");
            (behavioural || quality) && p.value.parse::<f64>().is_ok()
        })
        .map(|p| p.path.clone())
        .collect()
}

#[derive(Serialize)]
struct Moved {
    parameter: String,
    unit: &'static str,
    base_value: f64,
    low_value: f64,
    high_value: f64,
}

#[derive(Serialize)]
struct SensitivityJson<'a> {
    tierflow_version: &'static str,
    scenario: &'a str,
    scenario_file: String,
    overrides: &'a [String],
    metric: &'a str,
    tier: &'a str,
    year: i32,
    range: f64,
    seed: u64,
    replications: u32,
    parameters: &'a [Moved],
    skipped_zero_valued: &'a [String],
}

/// Runs the analysis.
pub fn sensitivity(
    s: &SensitivitySettings,
    cancel: &AtomicBool,
    bar: impl Fn(u64) -> indicatif::ProgressBar,
) -> Result<SensitivityOutcome> {
    if !(s.range > 0.0 && s.range < 1.0) {
        anyhow::bail!(
            "--range: expected a relative move between 0% and 100% (e.g. 20%), found {}",
            s.range
        );
    }
    let Some((metric_index, _)) = catalog::metric(&s.metric) else {
        let hint = scenario::paths::suggest(&s.metric, catalog::METRICS.iter().map(|m| m.name))
            .map_or(String::new(), |x| format!("; did you mean `{x}`?"));
        anyhow::bail!("--metric: `{}` is not a tierflow metric{hint}", s.metric);
    };
    let base_scenario = scenario::load(&s.scenario, &s.overrides)?;
    let (moved, skipped) = choose_moves(s, &base_scenario)?;

    let moved_paths: Vec<String> = moved.iter().map(|m| m.parameter.clone()).collect();
    let timeline_note = base_scenario.timeline_note(&moved_paths);
    let base = Prepared::new(base_scenario, s.options.fix_parameters)?;
    let model = base.plan.base();
    if Breakdown::parse(&s.tier, model).is_none() {
        anyhow::bail!(
            "--tier: `{}` is not `all`, a tier or a population group of this scenario",
            s.tier
        );
    }
    let first_year = model.run.start_year;
    let last_year = first_year + model.run.years as i32 - 1;
    let year = s.year.unwrap_or(last_year);
    if !(first_year..=last_year).contains(&year) {
        anyhow::bail!("--year: {year} is outside the run ({first_year}–{last_year})");
    }
    let points = prepare_points(s, &base, &moved)?;
    {
        let reps: Vec<u32> = (0..model.run.replications).collect();
        let all: Vec<crate::monte_carlo::Job> = points
            .iter()
            .flat_map(|p| crate::monte_carlo::jobs(p, &reps).collect::<Vec<_>>())
            .collect();
        if let Some((dir, table)) =
            s.options
                .run_shard(&format!("{}-sensitivity", model.name), &all, cancel)?
        {
            return Ok(SensitivityOutcome { dir, table });
        }
    }
    let claim = s.options.claim(
        &format!("{}-sensitivity", model.name),
        &base.scenario_files(),
    )?;
    let reps: Vec<u32> = (0..model.run.replications).collect();
    let refs: Vec<&Prepared> = points.iter().collect();
    let ran = run_points(&refs, &reps, s.options.threads, cancel, bar, |_, _| Ok(()))?;
    let key = (
        year,
        catalog::METRICS[metric_index].name.to_string(),
        s.tier.clone(),
    );
    let series: Vec<Vec<(usize, f64)>> = ran
        .iter()
        .zip(&points)
        .map(|(values, p)| {
            by_name(p.plan.base(), values)
                .remove(&key)
                .unwrap_or_default()
        })
        .collect();
    let Some(base_band) = band_of(&series[0]) else {
        anyhow::bail!(
            "`{}` ({}) is not defined in {year} in this scenario",
            s.metric,
            s.tier
        );
    };

    // Paired effects of each move, largest swing first.
    let mut effects: Vec<Effect> = moved
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let (low, high) = (&series[1 + 2 * i], &series[2 + 2 * i]);
            Some((
                m,
                band_of(low)?,
                band_of(high)?,
                paired_difference(&series[0], low)?,
                paired_difference(&series[0], high)?,
            ))
        })
        .collect();
    effects.sort_by(|a, b| swing(b).total_cmp(&swing(a)));

    let unit = catalog::METRICS[metric_index].unit;
    let (csv_bytes, lines) = effects_table(s, year, unit, &base_band, &effects);
    let mut table = format!(
        "{} ({}) in {year}: {} {}; ±{}% one at a time, paired effects, largest swing first\nparameter (central → low / high) | effect of low (95% CI of the mean) [5–95% of replications] | effect of high\n",
        s.metric,
        s.tier,
        terminal::fmt_value(unit, base_band.mean),
        if base.uncertain().is_empty() {
            "at central values"
        } else {
            "mean over parameter draws (uncertain parameters are drawn at every point)"
        },
        s.range * 100.0
    );
    for l in &lines {
        table.push_str(l);
        table.push('\n');
    }
    if let Some(note) = timeline_note {
        table.push_str(&note);
        table.push('\n');
    }
    if !skipped.is_empty() {
        table.push_str(&format!(
            "skipped (zero central value): {}\n",
            skipped.join(", ")
        ));
    }

    let json = SensitivityJson {
        tierflow_version: env!("CARGO_PKG_VERSION"),
        scenario: &model.name,
        scenario_file: s.scenario.display().to_string(),
        overrides: &s.overrides,
        metric: &s.metric,
        tier: &s.tier,
        year,
        range: s.range,
        seed: model.run.seed,
        replications: model.run.replications,
        parameters: &moved,
        skipped_zero_valued: &skipped,
    };
    let files = vec![
        (layout::SENSITIVITY_CSV, csv_bytes),
        (
            layout::SENSITIVITY_JSON,
            serde_json::to_vec_pretty(&json).expect("serialises"),
        ),
    ];
    let dir = super::finish(
        claim,
        FolderKind::Sensitivity,
        files,
        s.options.charts.as_ref(),
        cancel,
    )?;
    Ok(SensitivityOutcome { dir, table })
}

/// The parameters to move (each with its low and high value) and those skipped because their
/// central value is zero: `--params`, or every numeric model parameter.
fn choose_moves(
    s: &SensitivitySettings,
    base_scenario: &scenario::Scenario,
) -> Result<(Vec<Moved>, Vec<String>)> {
    let params = base_scenario.params();
    let known: Vec<String> = params.iter().map(|p| p.path.clone()).collect();
    let chosen = if s.params.is_empty() {
        default_params(&params)
    } else {
        s.params.clone()
    };
    let mut moved = Vec::new();
    let mut skipped = Vec::new();
    for path in &chosen {
        check_known_path(path, &known).map_err(|e| anyhow::anyhow!("--params: {e}"))?;
        if !is_model_parameter(path) {
            anyhow::bail!(
                "--params: `{path}` is a run setting, not a model parameter; sensitivity moves model parameters"
            );
        }
        if moved.iter().any(|m: &Moved| m.parameter == *path) || skipped.contains(path) {
            anyhow::bail!("--params: `{path}` is listed twice");
        }
        if !s.options.fix_parameters && base_scenario.uncertain.iter().any(|u| u.path == *path) {
            anyhow::bail!(
                "--params: `{path}` is uncertain (a distribution); moving it would also remove its uncertainty. Pass --fix-parameters to analyse every parameter at central values"
            );
        }
        let p = params.iter().find(|p| p.path == *path).expect("known path");
        let v: f64 = p.value.parse().map_err(|_| {
            anyhow::anyhow!(
                "--params: `{path}` is `{}`, not a number; sensitivity moves numbers",
                p.value
            )
        })?;
        if v == 0.0 {
            skipped.push(path.clone());
            continue;
        }
        // Short decimals, so the table shows 0.44 rather than 0.44000000000000006.
        let clamp = |x: f64| {
            let x = if p.unit == "fraction" {
                x.clamp(0.0, 1.0)
            } else {
                x
            };
            super::grid::tidy(x)
                .parse::<f64>()
                .expect("tidy prints a number")
        };
        moved.push(Moved {
            parameter: path.clone(),
            unit: p.unit,
            base_value: v,
            low_value: clamp(v - v.abs() * s.range),
            high_value: clamp(v + v.abs() * s.range),
        });
    }
    if moved.is_empty() {
        anyhow::bail!(
            "no parameter to move (all chosen parameters are zero; a relative move of zero is no move)"
        );
    }
    Ok((moved, skipped))
}

/// The base and each move down and up, validated before anything runs.
fn prepare_points(
    s: &SensitivitySettings,
    base: &Prepared,
    moved: &[Moved],
) -> Result<Vec<Prepared>> {
    let mut points = vec![base.clone()];
    for m in moved {
        for v in [m.low_value, m.high_value] {
            let mut o = s.overrides.clone();
            o.push(format!("{}={v}", m.parameter));
            let sc = scenario::load(&s.scenario, &o)?;
            let p = Prepared::new(sc, s.options.fix_parameters).map_err(|e| {
                anyhow::anyhow!(
                    "moving `{}` to {v} makes the scenario invalid: {e}",
                    m.parameter
                )
            })?;
            points.push(p);
        }
    }
    Ok(points)
}

/// One move's bands: the metric at low and high, and the paired effects of moving down and up.
type Effect<'a> = (&'a Moved, Band, Band, Band, Band);

/// |effect of high − effect of low|: the tornado's sort key.
fn swing(e: &Effect) -> f64 {
    (e.4.mean - e.3.mean).abs()
}

/// The 95% confidence interval of an effect's mean, as two CSV cells (empty with one replication).
fn ci(b: &Band) -> (String, String) {
    b.mean_interval()
        .map_or((String::new(), String::new()), |i| {
            (num(i.low), num(i.high))
        })
}

/// sensitivity.csv's bytes and the terminal table's lines, one per move.
fn effects_table(
    s: &SensitivitySettings,
    year: i32,
    unit: &str,
    base_band: &Band,
    effects: &[Effect],
) -> (Vec<u8>, Vec<String>) {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)
        .expect("writing to memory cannot fail");
    let mut lines = Vec::new();
    for e in effects {
        let (m, lb, hb, le, he) = e;
        w.write_record([
            m.parameter.clone(),
            m.unit.to_string(),
            num(m.base_value),
            num(m.low_value),
            num(m.high_value),
            s.metric.clone(),
            s.tier.clone(),
            year.to_string(),
            num(base_band.mean),
            num(lb.mean),
            num(hb.mean),
            num(le.mean),
            num(le.p5),
            num(le.p95),
            num(he.mean),
            num(he.p5),
            num(he.p95),
            num(swing(e)),
            ci(le).0,
            ci(le).1,
            ci(he).0,
            ci(he).1,
        ])
        .expect("writing to memory cannot fail");
        let change = |b: &Band| {
            let interval = b.mean_interval().map_or(String::new(), |i| {
                format!(
                    " (95% CI {} … {})",
                    terminal::fmt_change(unit, i.low),
                    terminal::fmt_change(unit, i.high)
                )
            });
            format!(
                "{}{interval} [{}, {}]",
                terminal::fmt_change(unit, b.mean),
                terminal::fmt_change(unit, b.p5),
                terminal::fmt_change(unit, b.p95)
            )
        };
        lines.push(format!(
            "{} ({} → {} / {}) | {} | {}",
            m.parameter,
            m.base_value,
            m.low_value,
            m.high_value,
            change(le),
            change(he)
        ));
    }
    (
        w.into_inner().expect("writing to memory cannot fail"),
        lines,
    )
}
