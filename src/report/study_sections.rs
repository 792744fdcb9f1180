//! The report's parts for studies: a sweep, a sensitivity analysis and a calibration.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Deserialize;

use super::Part;
use super::page::{Body, Cell, number, number2, text, text2};
use super::run_sections::{assumptions, band_text, interval, reproduce, unit};
use crate::chart::fit::FitRow;
use crate::chart::labels::{breakdown, metric, metric_in_year};
use crate::chart::parameter_labels::parameter;
use crate::chart::tornado::SensitivityRow;
use crate::output::layout;
use crate::output::read::{self, SweepJson};
use crate::output::terminal::{fmt_change, fmt_value};

/// Headline measures a sweep's table shows, in the last year.
const SWEEP_METRICS: &[&str] = &[
    "grassroots_outpatient_share",
    "grassroots_inpatient_share",
    "bed_occupancy",
    "total_cost",
    "oop_per_capita",
];

/// A band in its year: (year, mean, p5, p95).
type YearBand = (i32, f64, f64, f64);

/// A sweep's part; returns its title.
pub(crate) fn sweep(part: &Part, body: &mut Body) -> Result<String> {
    let w = part.words;
    let j: SweepJson = read::json(&part.dir.join(layout::SWEEP_JSON))?;
    let spec = j.spec;
    let title = format!(
        "{} {}",
        w.sweep,
        spec.varied_paths
            .iter()
            .map(|p| parameter(p, part.lang))
            .collect::<Vec<_>>()
            .join(" × ")
    );
    if part.several {
        body.heading(2, &title);
    }
    body.heading(3, w.what_was_run);
    let mut facts = vec![
        (w.files, spec.scenario_file.clone()),
        (w.replications, spec.replications.to_string()),
        (w.seed, spec.seed.to_string()),
        (w.version, spec.tierflow_version.clone()),
    ];
    if !spec.overrides.is_empty() {
        facts.push((w.overrides, spec.overrides.join(", ")));
    }
    body.facts(&facts);

    // sweep.csv: the varied values, then year, metric, breakdown columns, then the band.
    let path = part.dir.join(layout::SWEEP_CSV);
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))?;
    let n = spec.varied_paths.len();
    let mut last_year = i32::MIN;
    let mut cells: BTreeMap<(Vec<String>, String), YearBand> = BTreeMap::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let field = |i: usize| rec.get(i).unwrap_or("");
        let all = (n + 2..n + 6).all(|i| field(i) == "all");
        let (Ok(year), Ok(mean), Ok(p5), Ok(p95)) = (
            field(n).parse::<i32>(),
            field(n + 6).parse::<f64>(),
            field(n + 8).parse::<f64>(),
            field(n + 10).parse::<f64>(),
        ) else {
            continue;
        };
        if !all || !SWEEP_METRICS.contains(&field(n + 1)) {
            continue;
        }
        last_year = last_year.max(year);
        let key = (
            (0..n).map(|i| field(i).to_string()).collect(),
            field(n + 1).to_string(),
        );
        let entry = cells.entry(key).or_insert((year, mean, p5, p95));
        if year >= entry.0 {
            *entry = (year, mean, p5, p95);
        }
    }
    body.heading(3, &format!("{} {last_year}", w.sweep));
    let mut head: Vec<String> = spec
        .varied_paths
        .iter()
        .map(|p| parameter(p, part.lang))
        .collect();
    head.extend(SWEEP_METRICS.iter().map(|m| metric(m, part.lang)));
    let rows: Vec<Vec<Cell>> = spec
        .points
        .iter()
        .map(|values| {
            let mut row: Vec<Cell> = values.iter().map(|v| number(v.clone())).collect();
            for m in SWEEP_METRICS {
                row.push(number(
                    cells
                        .get(&(values.clone(), m.to_string()))
                        .map_or("–".to_string(), |(_, mean, p5, p95)| {
                            band_text(m, *mean, *p5, *p95)
                        }),
                ));
            }
            row
        })
        .collect();
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    body.table(&head_refs, &rows);
    body.note(w.sweep_note);
    sweep_targets(part, body, n)?;
    part.chart_section(body)?;
    let notes = std::fs::read_to_string(&spec.scenario_file)
        .map(|t| super::provenance::header_notes(&t))
        .unwrap_or_default();
    assumptions(part, body, &[(spec.scenario_file.clone(), notes)]);
    let mut args = vec![
        "tierflow".to_string(),
        "sweep".to_string(),
        spec.scenario_file.clone(),
    ];
    for (i, p) in spec.varied_paths.iter().enumerate() {
        let mut values: Vec<&str> = Vec::new();
        for point in &spec.points {
            if let Some(v) = point.get(i)
                && !values.contains(&v.as_str())
            {
                values.push(v);
            }
        }
        args.extend(["--vary".to_string(), format!("{p}={}", values.join(","))]);
    }
    for o in &spec.overrides {
        args.extend(["--set".to_string(), o.clone()]);
    }
    args.extend([
        "-r".to_string(),
        spec.replications.to_string(),
        "--seed".to_string(),
        spec.seed.to_string(),
    ]);
    reproduce(part, body, &args);
    Ok(title)
}

/// The probability of meeting each target at each point (sweep_targets.csv).
fn sweep_targets(part: &Part, body: &mut Body, n: usize) -> Result<()> {
    let w = part.words;
    let path = part.dir.join(layout::SWEEP_TARGETS_CSV);
    if !path.is_file() {
        return Ok(());
    }
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))?;
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let f = |i: usize| rec.get(i).unwrap_or("").to_string();
        let point = (0..n).map(f).collect::<Vec<_>>().join(", ");
        let share = f(n + 7)
            .parse::<f64>()
            .map_or("–".to_string(), |s| format!("{:.0}%", s * 100.0));
        let met = if f(n + 8) == "true" { w.yes } else { w.no };
        rows.push(vec![
            number(point),
            text2(
                f(n),
                format!("{} {} {}", metric(&f(n + 1), part.lang), f(n + 4), f(n + 5)),
            ),
            number(f(n + 3)),
            number(share),
            text(met),
        ]);
    }
    if rows.is_empty() {
        return Ok(());
    }
    body.heading(3, w.targets);
    body.table(
        &[w.value, w.target, w.year, w.probability_met, w.met],
        &rows,
    );
    Ok(())
}

#[derive(Deserialize)]
struct SensitivityJson {
    tierflow_version: String,
    scenario: String,
    scenario_file: Option<String>,
    #[serde(default)]
    overrides: Vec<String>,
    metric: String,
    tier: String,
    year: i32,
    range: f64,
    seed: u64,
    replications: u32,
}

/// A sensitivity analysis' part; returns its title.
pub(crate) fn sensitivity(part: &Part, body: &mut Body) -> Result<String> {
    let w = part.words;
    let j: SensitivityJson = read::json(&part.dir.join(layout::SENSITIVITY_JSON))?;
    let rows: Vec<SensitivityRow> = read::csv_rows(&part.dir.join(layout::SENSITIVITY_CSV))?;
    let title = format!(
        "{}: {} (±{:.0}%)",
        w.sensitivity,
        metric_in_year(&j.metric, j.year, part.lang),
        j.range * 100.0
    );
    if part.several {
        body.heading(2, &title);
    }
    body.heading(3, w.what_was_run);
    let mut facts = vec![
        (w.scenario, j.scenario.clone()),
        (
            w.metric,
            format!(
                "{} ({})",
                metric(&j.metric, part.lang),
                breakdown(&j.tier, part.lang)
            ),
        ),
        (w.replications, j.replications.to_string()),
        (w.seed, j.seed.to_string()),
        (w.version, j.tierflow_version.clone()),
    ];
    if !j.overrides.is_empty() {
        facts.push((w.overrides, j.overrides.join(", ")));
    }
    body.facts(&facts);
    body.heading(3, &title);
    let u = unit(&j.metric);
    let base = rows
        .first()
        .map_or(String::new(), |r| fmt_value(u, r.base_mean));
    let table: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                text2(parameter(&r.parameter, part.lang), r.parameter.clone()),
                number(format!("{}", r.base_value)),
                number(format!("{}", r.low_value)),
                number2(
                    fmt_change(u, r.low_effect_mean),
                    interval(u, r.low_effect_ci95_low, r.low_effect_ci95_high),
                ),
                number(format!("{}", r.high_value)),
                number2(
                    fmt_change(u, r.high_effect_mean),
                    interval(u, r.high_effect_ci95_low, r.high_effect_ci95_high),
                ),
            ]
        })
        .collect();
    let low_effect = format!("{} ({})", w.effect, w.lowered);
    let high_effect = format!("{} ({})", w.effect, w.raised);
    body.table(
        &[
            w.parameter,
            w.base_value,
            w.lowered,
            &low_effect,
            w.raised,
            &high_effect,
        ],
        &table,
    );
    body.note(&format!("{} {}: {base}.", w.sensitivity_note, w.base_value));
    part.chart_section(body)?;
    if let Some(file) = &j.scenario_file {
        let notes = std::fs::read_to_string(file)
            .map(|t| super::provenance::header_notes(&t))
            .unwrap_or_default();
        assumptions(part, body, &[(file.clone(), notes)]);
        let mut args = vec![
            "tierflow".to_string(),
            "sensitivity".to_string(),
            file.clone(),
            "--metric".to_string(),
            j.metric.clone(),
            "--range".to_string(),
            format!("{}%", j.range * 100.0),
            "--params".to_string(),
            rows.iter()
                .map(|r| r.parameter.clone())
                .collect::<Vec<_>>()
                .join(","),
        ];
        for o in &j.overrides {
            args.extend(["--set".to_string(), o.clone()]);
        }
        args.extend([
            "-r".to_string(),
            j.replications.to_string(),
            "--seed".to_string(),
            j.seed.to_string(),
        ]);
        reproduce(part, body, &args);
    }
    Ok(title)
}

#[derive(Deserialize)]
struct CalibrationJson {
    tierflow_version: String,
    scenario_file: String,
    overrides: Vec<String>,
    seed: u64,
    replications: u32,
    evaluations: usize,
    stopped: String,
    objective: f64,
    targets_met: usize,
    targets: usize,
    parameters: Vec<FittedParameter>,
}

#[derive(Deserialize)]
struct FittedParameter {
    name: String,
    paths: Vec<String>,
    low: f64,
    high: f64,
    start: f64,
    fitted: f64,
}

/// A calibration's part; returns its title.
pub(crate) fn calibration(part: &Part, body: &mut Body) -> Result<String> {
    let w = part.words;
    let j: CalibrationJson = read::json(&part.dir.join(layout::CALIBRATION_JSON))?;
    let fit: Vec<FitRow> = read::csv_rows(&part.dir.join(layout::FIT_CSV))?;
    let title = format!("{}: {}", w.calibration, j.scenario_file);
    if part.several {
        body.heading(2, &title);
    }
    body.heading(3, w.what_was_run);
    body.facts(&[
        (w.files, j.scenario_file.clone()),
        (w.replications, j.replications.to_string()),
        (w.seed, j.seed.to_string()),
        (w.version, j.tierflow_version.clone()),
        (w.targets, format!("{} / {}", j.targets_met, j.targets)),
        (
            "objective",
            format!(
                "{:.4} ({} evaluations; {})",
                j.objective, j.evaluations, j.stopped
            ),
        ),
    ]);
    body.heading(3, w.fitted_parameters);
    let rows: Vec<Vec<Cell>> = j
        .parameters
        .iter()
        .map(|p| {
            let label = if p.paths.len() == 1 && p.paths[0] == p.name {
                parameter(&p.name, part.lang)
            } else {
                p.name.clone()
            };
            vec![
                text2(label, p.paths.join(", ")),
                number(format!("{} … {}", p.low, p.high)),
                number(format!("{}", p.start)),
                number(format!("{}", p.fitted)),
            ]
        })
        .collect();
    body.table(&[w.parameter, w.range, w.start, w.fitted], &rows);
    body.heading(3, w.targets);
    let rows: Vec<Vec<Cell>> = fit
        .iter()
        .map(|r| {
            vec![
                text(r.target.clone()),
                number(format!("{}", r.value)),
                number(format!(
                    "{:.4} [{:.4}, {:.4}]",
                    r.simulated_mean, r.p5, r.p95
                )),
                number(format!("{}", r.tolerance)),
                text(if r.met { w.yes } else { w.no }),
            ]
        })
        .collect();
    body.table(&[w.target, w.value, w.simulated, w.tolerance, w.met], &rows);
    part.chart_section(body)?;
    let mut args = vec![
        "tierflow".to_string(),
        "calibrate".to_string(),
        j.scenario_file.clone(),
        "-r".to_string(),
        j.replications.to_string(),
        "--seed".to_string(),
        j.seed.to_string(),
    ];
    for o in &j.overrides {
        args.extend(["--set".to_string(), o.clone()]);
    }
    reproduce(part, body, &args);
    Ok(title)
}
