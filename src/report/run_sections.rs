//! The report's parts for a run and for a comparison of runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::Part;
use super::page::{Body, Cell, number, number2, text, text2};
use super::provenance::{self, Provenance, command_line};
use crate::catalog;
use crate::chart::bars::CompareRow;
use crate::chart::labels::{breakdown, metric};
use crate::output::layout;
use crate::output::read::{self, BandRow, CompareJson};
use crate::output::terminal::{KEY_METRICS, fmt_change, fmt_value};

/// The parts of manifest.json a report shows.
#[derive(Deserialize)]
struct Manifest {
    tierflow_version: String,
    scenario: String,
    scenario_files: Vec<String>,
    overrides: Vec<String>,
    seed: u64,
    replications_run: Vec<u32>,
    finished_unix_seconds: Option<i64>,
}

/// A target as summary.json reports it.
#[derive(Deserialize)]
struct JudgedTarget {
    name: String,
    metric: String,
    tier: String,
    year: i32,
    op: String,
    value: f64,
    basis: String,
    source: Option<String>,
    projected: Option<ProjectedBand>,
    share_of_replications_meeting: Option<f64>,
    met: Option<bool>,
}

#[derive(Deserialize)]
struct ProjectedBand {
    mean: f64,
    p5: f64,
    p95: f64,
}

#[derive(Deserialize)]
struct Summary {
    targets: Vec<JudgedTarget>,
}

pub(crate) fn unit(m: &str) -> &'static str {
    catalog::metric(m).map_or("", |(_, i)| i.unit)
}

/// "mean [p5, p95]" in the metric's unit.
pub(crate) fn band_text(m: &str, mean: f64, p5: f64, p95: f64) -> String {
    let u = unit(m);
    format!(
        "{} [{}, {}]",
        fmt_value(u, mean),
        fmt_value(u, p5),
        fmt_value(u, p95)
    )
}

fn date_of(unix: Option<i64>) -> String {
    unix.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map_or_else(String::new, |d| d.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// Writes "what was run" and the levers for one scenario.
pub(crate) fn scenario_facts(
    part: &Part,
    body: &mut Body,
    p: &Provenance,
    facts: Vec<(&str, String)>,
) {
    let w = part.words;
    body.heading(3, w.what_was_run);
    let mut all = facts;
    if !p.description.is_empty() {
        all.insert(1, (w.description, p.description.clone()));
    }
    all.push((w.files, p.files.join(" → ")));
    body.facts(&all);
    body.heading(3, w.levers);
    if p.levers.is_empty() {
        body.note(w.no_levers);
    } else {
        body.note(w.levers_intro);
        scenario_levers(part, body, p);
    }
}

/// The assumptions section: the scenario file's header notes.
pub(crate) fn assumptions(part: &Part, body: &mut Body, notes: &[(String, String)]) {
    let notes: Vec<&(String, String)> = notes.iter().filter(|(_, n)| !n.is_empty()).collect();
    if notes.is_empty() {
        return;
    }
    body.heading(3, part.words.assumptions);
    body.note(part.words.assumptions_intro);
    for (file, n) in notes {
        body.para(file);
        body.pre(n);
    }
}

/// The reproduce section.
pub(crate) fn reproduce(part: &Part, body: &mut Body, args: &[String]) {
    body.heading(3, part.words.reproduce);
    body.note(part.words.reproduce_intro);
    body.pre(&command_line(args));
}

/// A run's part; returns its title.
pub(crate) fn run(part: &Part, body: &mut Body) -> Result<String> {
    let w = part.words;
    let dir = part.dir;
    let m: Manifest = read::json(&dir.join(layout::MANIFEST_JSON))
        .context("a run's report needs its manifest.json")?;
    let resolved_path = dir.join(layout::RESOLVED_SCENARIO_TOML);
    let resolved: toml::Table = std::fs::read_to_string(&resolved_path)
        .ok()
        .and_then(|t| t.parse().ok())
        .with_context(|| format!("cannot read `{}`", resolved_path.display()))?;
    let p = provenance::describe(&resolved, &m.scenario_files, part.lang);
    if part.several {
        body.heading(2, &m.scenario);
    }
    let mut facts = vec![
        (w.scenario, m.scenario.clone()),
        (w.replications, m.replications_run.len().to_string()),
        (w.seed, m.seed.to_string()),
        (w.version, m.tierflow_version.clone()),
        (w.date, date_of(m.finished_unix_seconds)),
    ];
    if !m.overrides.is_empty() {
        facts.push((w.overrides, m.overrides.join(", ")));
    }
    scenario_facts(part, body, &p, facts);

    // Headline projections: every year, the key metrics over all of the population.
    let rows: Vec<BandRow> = read::csv_rows(&dir.join(layout::METRICS_CSV))?;
    let years: BTreeSet<i32> = rows.iter().map(|r| r.year).collect();
    let shown_years: Vec<i32> = years.iter().copied().rev().take(8).rev().collect();
    let all: BTreeMap<(i32, &str), &BandRow> = rows
        .iter()
        .filter(|r| r.key() == "all")
        .map(|r| ((r.year, r.metric.as_str()), r))
        .collect();
    body.heading(3, w.headline);
    let mut head: Vec<String> = vec![w.metric.to_string()];
    head.extend(shown_years.iter().map(|y| y.to_string()));
    let mut table = Vec::new();
    for name in KEY_METRICS {
        if !shown_years.iter().any(|y| all.contains_key(&(*y, *name))) {
            continue;
        }
        let mut row = vec![text(metric(name, part.lang))];
        for y in &shown_years {
            row.push(number(
                all.get(&(*y, *name))
                    .map_or("–".to_string(), |r| band_text(name, r.mean, r.p5, r.p95)),
            ));
        }
        table.push(row);
    }
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    body.table(&head_refs, &table);
    body.note(w.headline_note);

    targets(part, body)?;
    part.chart_section(body)?;
    let notes = vec![(
        m.scenario_files.last().cloned().unwrap_or_default(),
        p.header_notes.clone(),
    )];
    assumptions(part, body, &notes);
    let mut args: Vec<String> = vec![
        "tierflow".into(),
        "run".into(),
        m.scenario_files.last().cloned().unwrap_or_default(),
        "-r".into(),
        m.replications_run.len().to_string(),
        "--seed".into(),
        m.seed.to_string(),
    ];
    for o in &m.overrides {
        args.extend(["--set".to_string(), o.clone()]);
    }
    if part.lang == crate::chart::Lang::Zh {
        args.extend(["--lang".to_string(), "zh".to_string()]);
    }
    reproduce(part, body, &args);
    Ok(m.scenario)
}

fn targets(part: &Part, body: &mut Body) -> Result<()> {
    let w = part.words;
    body.heading(3, w.targets);
    let path = part.dir.join(layout::SUMMARY_JSON);
    let summary: Summary = if path.is_file() {
        read::json(&path)?
    } else {
        Summary { targets: vec![] }
    };
    if summary.targets.is_empty() {
        body.note(w.no_targets);
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = summary
        .targets
        .iter()
        .map(|t| {
            let u = unit(&t.metric);
            let threshold = match t.basis.as_str() {
                "level" => fmt_value(u, t.value),
                _ => fmt_change(u, t.value),
            };
            vec![
                text2(
                    t.name.clone(),
                    format!(
                        "{} ({}) {} {threshold}",
                        metric(&t.metric, part.lang),
                        breakdown(&t.tier, part.lang),
                        t.op
                    ),
                ),
                number(t.year.to_string()),
                number(t.projected.as_ref().map_or("–".to_string(), |b| {
                    band_text(&t.metric, b.mean, b.p5, b.p95)
                })),
                number(
                    t.share_of_replications_meeting
                        .map_or("–".to_string(), |s| format!("{:.0}%", s * 100.0)),
                ),
                text(match t.met {
                    Some(true) => w.yes,
                    Some(false) => w.no,
                    None => "–",
                }),
                text(t.source.clone().unwrap_or_default()),
            ]
        })
        .collect();
    body.table(
        &[
            w.target,
            w.year,
            w.projected,
            w.probability_met,
            w.met,
            w.source,
        ],
        &rows,
    );
    Ok(())
}

/// A comparison's part; returns its title.
pub(crate) fn compare(part: &Part, body: &mut Body) -> Result<String> {
    let w = part.words;
    let j: CompareJson = read::json(&part.dir.join(layout::COMPARE_JSON))?;
    let rows: Vec<CompareRow> = read::csv_rows(&part.dir.join(layout::COMPARE_CSV))?;
    let title = j.scenarios.join(" · ");
    if part.several {
        body.heading(2, &format!("{}: {title}", w.comparison));
    }
    body.heading(3, w.what_was_run);
    body.facts(&[
        (w.scenario, j.scenarios.join(", ")),
        (w.files, j.inputs.join(", ")),
        (w.replications, j.replications.to_string()),
        (w.seed, j.seed.to_string()),
        (w.version, j.tierflow_version.clone()),
    ]);
    let by: BTreeMap<(&str, i32, &str), &CompareRow> = rows
        .iter()
        .filter(|r| r.breakdown == "all")
        .map(|r| ((r.scenario.as_str(), r.year, r.metric.as_str()), r))
        .collect();
    let reference = j.scenarios.first().cloned().unwrap_or_default();
    body.heading(3, &format!("{} {}", w.comparison, j.table_year));
    for other in j.scenarios.iter().skip(1) {
        let mut table = Vec::new();
        for m in &j.chart_metrics {
            let (Some(a), Some(b)) = (
                by.get(&(reference.as_str(), j.table_year, m.as_str())),
                by.get(&(other.as_str(), j.table_year, m.as_str())),
            ) else {
                continue;
            };
            let u = unit(m);
            table.push(vec![
                text(metric(m, part.lang)),
                number(band_text(m, a.mean, a.p5, a.p95)),
                number(band_text(m, b.mean, b.p5, b.p95)),
                number2(
                    b.diff_mean.map_or("–".into(), |d| fmt_change(u, d)),
                    interval(u, b.diff_ci95_low, b.diff_ci95_high),
                ),
                number(interval(u, b.diff_p5, b.diff_p95)),
            ]);
        }
        let diff_head = format!("{} ({other} − {reference}); {}", w.difference, w.ci95);
        body.table(&[w.metric, &reference, other, &diff_head, w.spread], &table);
    }
    body.note(w.effect_note);

    // The mean difference and its interval in every year.
    let years: BTreeSet<i32> = rows.iter().map(|r| r.year).collect();
    for other in j.scenarios.iter().skip(1) {
        body.heading(
            3,
            &format!("{}: {other} − {reference}", w.difference_by_year),
        );
        let mut head = vec![w.metric.to_string()];
        head.extend(years.iter().map(|y| y.to_string()));
        let mut table = Vec::new();
        for m in &j.chart_metrics {
            let u = unit(m);
            let mut row = vec![text(metric(m, part.lang))];
            for y in &years {
                row.push(match by.get(&(other.as_str(), *y, m.as_str())) {
                    Some(r) => number2(
                        r.diff_mean.map_or("–".into(), |d| fmt_change(u, d)),
                        interval(u, r.diff_ci95_low, r.diff_ci95_high),
                    ),
                    None => number("–"),
                });
            }
            table.push(row);
        }
        let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
        body.table(&head_refs, &table);
    }
    body.note(w.effect_note);
    part.chart_section(body)?;
    // Each compared scenario: its description, and for every scenario after the reference the
    // settings it changes from the scenario it extends (the policy, when it extends the
    // reference), with the clauses its file cites.
    let mut notes = Vec::new();
    for (i, input) in j.inputs.iter().enumerate() {
        let path = PathBuf::from(input);
        if !path.is_file() {
            continue;
        }
        if let Ok(sc) = crate::scenario::load(&path, &[]) {
            let files: Vec<String> = sc
                .files
                .iter()
                .map(|f| f.path.display().to_string())
                .collect();
            let p = provenance::describe(&sc.tree, &files, part.lang);
            let label = j
                .scenarios
                .get(i)
                .cloned()
                .unwrap_or_else(|| sc.raw.name.clone());
            let heading = if label == sc.raw.name {
                format!("{} — {label}", w.scenario)
            } else {
                format!("{} — {label} ({})", w.scenario, sc.raw.name)
            };
            body.heading(3, &heading);
            if !p.description.is_empty() {
                body.para(&p.description);
            }
            if i > 0 && !p.levers.is_empty() {
                body.note(w.levers_intro);
                scenario_levers(part, body, &p);
            }
            notes.push((input.clone(), p.header_notes));
        }
    }
    assumptions(part, body, &notes);
    let mut args = vec!["tierflow".to_string(), "compare".to_string()];
    args.extend(j.inputs.iter().cloned());
    args.extend([
        "-r".to_string(),
        j.replications.to_string(),
        "--seed".to_string(),
        j.seed.to_string(),
    ]);
    reproduce(part, body, &args);
    Ok(title)
}

fn scenario_levers(part: &Part, body: &mut Body, p: &Provenance) {
    let w = part.words;
    // A note shared by consecutive settings (one clause setting several rates) is written once.
    let as_above = match part.lang {
        crate::chart::Lang::En => "〃 (as above)",
        crate::chart::Lang::Zh => "〃（同上）",
    };
    let rows: Vec<Vec<Cell>> = p
        .levers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let repeated = i > 0 && !l.note.is_empty() && p.levers[i - 1].note == l.note;
            vec![
                text2(l.label.clone(), l.path.clone()),
                number(l.base.clone()),
                number(l.value.clone()),
                text(if repeated {
                    as_above.to_string()
                } else {
                    l.note.clone()
                }),
            ]
        })
        .collect();
    body.table(&[w.parameter, w.base_value, w.this_value, w.source], &rows);
}

/// "[low, high]" in a unit's change form.
pub(crate) fn interval(u: &str, low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("[{}, {}]", fmt_change(u, l), fmt_change(u, h)),
        _ => "–".to_string(),
    }
}
