//! `tierflow sweep`: a grid of parameter values, each point with the same replications.
//!
//! The folder is built in place so an interrupted sweep can be resumed: `sweep.json` states
//! what the sweep is (scenario, overrides, grid, seed, replications, version) and whether it
//! is complete; each finished point is moved into `points/NNNN/` whole (so a point folder is
//! either complete or absent). Rerunning the same command skips finished points. The grid's
//! tables and charts are written last, each file atomically.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::grid::{self, Vary};
use super::{Interrupted, PointValues, num, run_points};
use crate::chart::{self, ChartOptions, read};
use crate::metrics::bands::{self, Band};
use crate::metrics::{Breakdown, MetricValue, catalog, targets};
use crate::model::Model;
use crate::monte_carlo::{Prepared, RunError};
use crate::output::{self, Staging, tables};
use crate::scenario::{self, load::check_known_path};

/// What a sweep is asked to do.
#[derive(Clone, Debug)]
pub struct SweepSettings {
    /// Scenario file.
    pub scenario: PathBuf,
    /// `--set` overrides (with -r and --seed folded in) applied to every point.
    pub overrides: Vec<String>,
    /// `--vary` arguments as given.
    pub vary: Vec<String>,
    /// Keep uncertain parameters at central values.
    pub fix_parameters: bool,
    /// Results folder (default outputs/<scenario>-sweep).
    pub out: Option<PathBuf>,
    /// Replace a folder holding anything but this same sweep.
    pub force: bool,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Charts to draw (None: no charts).
    pub charts: Option<ChartOptions>,
}

/// What the sweep did, for the terminal.
pub struct SweepOutcome {
    /// The results folder.
    pub dir: PathBuf,
    /// Points run now.
    pub points_run: usize,
    /// Points found finished from an earlier run.
    pub points_reused: usize,
    /// A table: one line per point with the headline metric and targets met.
    pub table: String,
    /// Cautions for the reader (e.g. a varied path the timeline resets).
    pub note: Option<String>,
}

/// Identity of a sweep: a folder is resumed only when this matches exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SweepSpec {
    tierflow_version: String,
    scenario_file: String,
    overrides: Vec<String>,
    varied_paths: Vec<String>,
    points: Vec<Vec<String>>,
    seed: u64,
    replications: u32,
    fix_parameters: bool,
    /// The base scenario as resolved, so editing the file between runs starts afresh.
    resolved_base: String,
}

#[derive(Serialize, Deserialize)]
struct SweepJson {
    spec: SweepSpec,
    complete: bool,
}

#[derive(Serialize, Deserialize, PartialEq)]
struct PointJson {
    values: Vec<String>,
    replications: Vec<u32>,
    seed: u64,
}

const HEADLINE: &str = "grassroots_outpatient_share";

/// Runs (or resumes) a sweep.
pub fn sweep(
    s: &SweepSettings,
    cancel: &AtomicBool,
    bar: impl Fn(u64) -> indicatif::ProgressBar,
) -> Result<SweepOutcome> {
    let base = scenario::load(&s.scenario, &s.overrides)?;
    let known: Vec<String> = base.params().into_iter().map(|p| p.path).collect();
    let mut varies: Vec<Vary> = Vec::new();
    for spec in &s.vary {
        let v = grid::parse_vary(spec)?;
        if let Some(root) = ["run.", "timeline.", "targets."]
            .iter()
            .find(|r| v.path.starts_with(**r))
        {
            anyhow::bail!(
                "--vary `{spec}`: `{root}*` cannot be varied (every point shares the run settings, timeline and targets; use -r and --seed for the run)"
            );
        }
        check_known_path(&v.path, &known).map_err(|e| {
            let mut e = e;
            e.message = format!("--vary `{spec}`: {}", e.message);
            e.path = None;
            e
        })?;
        if varies.iter().any(|w| w.path == v.path) {
            anyhow::bail!("--vary `{spec}`: `{}` is varied twice", v.path);
        }
        varies.push(v);
    }
    if varies.is_empty() {
        anyhow::bail!("a sweep needs at least one --vary PATH=V1,V2,… or PATH=START:END:STEP");
    }
    let points = grid::expand(&varies)?;
    let paths: Vec<String> = varies.iter().map(|v| v.path.clone()).collect();
    let note = base.timeline_note(&paths);

    // Validate every point before running any.
    let mut prepared = Vec::with_capacity(points.len());
    for values in &points {
        let mut overrides = s.overrides.clone();
        overrides.extend(paths.iter().zip(values).map(|(p, v)| format!("{p}={v}")));
        let sc =
            scenario::load(&s.scenario, &overrides).map_err(|e| point_error(&paths, values, e))?;
        prepared
            .push(Prepared::new(sc, s.fix_parameters).map_err(|e| point_error(&paths, values, e))?);
    }
    let model0 = prepared[0].plan.base();
    let reps: Vec<u32> = (0..model0.run.replications).collect();
    let spec = SweepSpec {
        tierflow_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_file: s.scenario.display().to_string(),
        overrides: s.overrides.clone(),
        varied_paths: paths.clone(),
        points: points.clone(),
        seed: model0.run.seed,
        replications: model0.run.replications,
        fix_parameters: s.fix_parameters,
        resolved_base: toml::to_string(&base.tree_with_distributions())
            .context("cannot record the resolved scenario")?,
    };
    let dir = s
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(format!("{}-sweep", model0.name)));
    output::check_not_input(&dir, &[s.scenario.as_path()])?;
    prepare_folder(&dir, &spec, s.force)?;

    // Points finished by an earlier run of the same sweep.
    let mut results: Vec<Option<PointValues>> = (0..points.len())
        .map(|i| load_point(&dir, i, &points[i], &reps, &spec, prepared[i].plan.base()))
        .collect();
    let reused = results.iter().filter(|r| r.is_some()).count();
    let pending: Vec<usize> = (0..points.len())
        .filter(|&i| results[i].is_none())
        .collect();
    let pending_prepared: Vec<&Prepared> = pending.iter().map(|&i| &prepared[i]).collect();

    let progress = bar((pending.len() * reps.len()) as u64);
    let ran = run_points(
        &pending_prepared,
        &reps,
        s.threads,
        cancel,
        &progress,
        |j, values| {
            let i = pending[j];
            save_point(
                &dir,
                i,
                &points[i],
                &reps,
                spec.seed,
                prepared[i].plan.base(),
                values,
            )
        },
    );
    progress.finish_and_clear();
    let ran = match ran {
        Ok(r) => r,
        Err(RunError::Cancelled) => {
            let done = (0..points.len())
                .filter(|&i| point_dir(&dir, i).join("point.json").is_file())
                .count();
            return Err(Interrupted(format!(
                "interrupted: {done} of {} points are finished and kept in `{}`; rerun the same command to run the rest",
                points.len(),
                dir.display()
            ))
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    for (j, values) in pending.iter().zip(ran) {
        results[*j] = Some(values);
    }
    let results: Vec<PointValues> = results
        .into_iter()
        .map(|r| r.expect("all points done"))
        .collect();

    // Tables, charts, and the sweep marked complete.
    let models: Vec<&Model> = prepared.iter().map(|p| p.plan.base()).collect();
    output::write_atomic(
        &dir.join("sweep.csv"),
        &sweep_csv(&paths, &points, &models, &results),
    )?;
    output::write_atomic(
        &dir.join("sweep_targets.csv"),
        &targets_csv(&paths, &points, &models, &results),
    )?;
    if let Some(opts) = &s.charts {
        chart::draw_folder(&dir, opts)?;
    }
    write_sweep_json(&dir, &spec, true)?;
    Ok(SweepOutcome {
        table: table(&paths, &points, &models, &results),
        dir,
        points_run: pending.len(),
        points_reused: reused,
        note,
    })
}

fn point_error(paths: &[String], values: &[String], e: impl std::fmt::Display) -> anyhow::Error {
    let at: Vec<String> = paths
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{p}={v}"))
        .collect();
    anyhow::anyhow!("sweep point {}: {e}", at.join(", "))
}

fn point_dir(dir: &Path, i: usize) -> PathBuf {
    dir.join("points").join(format!("{i:04}"))
}

fn write_sweep_json(dir: &Path, spec: &SweepSpec, complete: bool) -> Result<()> {
    let json = SweepJson {
        spec: spec.clone(),
        complete,
    };
    output::write_atomic(
        &dir.join("sweep.json"),
        &serde_json::to_vec_pretty(&json).expect("sweep.json serialises"),
    )
}

/// Makes `dir` ready: resumes this sweep, starts a new one, or refuses to touch other results.
fn prepare_folder(dir: &Path, spec: &SweepSpec, force: bool) -> Result<()> {
    if dir.is_file() {
        anyhow::bail!("output folder `{}` is a file, not a folder", dir.display());
    }
    let has_content = dir.read_dir().is_ok_and(|mut d| d.next().is_some());
    if has_content {
        let same = read::json::<SweepJson>(&dir.join("sweep.json")).is_ok_and(|j| j.spec == *spec);
        if same {
            return write_sweep_json(dir, spec, false);
        }
        if !output::is_results_folder(dir) {
            anyhow::bail!(
                "`{}` holds files tierflow did not write; choose an empty or new folder with --out DIR",
                dir.display()
            );
        }
        if !force {
            anyhow::bail!(
                "`{}` holds other results (not this same sweep, which would be resumed); pass --force to replace them, or --out DIR to write elsewhere",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("cannot replace `{}`", dir.display()))?;
    }
    std::fs::create_dir_all(dir.join("points"))
        .with_context(|| format!("cannot create output folder `{}`", dir.display()))?;
    write_sweep_json(dir, spec, false)
}

fn save_point(
    dir: &Path,
    i: usize,
    values: &[String],
    reps: &[u32],
    seed: u64,
    model: &Model,
    results: &PointValues,
) -> Result<()> {
    let staging = Staging::new(&point_dir(dir, i))?;
    staging.write(
        "replications.csv",
        &tables::replications_csv(model, reps, results),
    )?;
    let json = PointJson {
        values: values.to_vec(),
        replications: reps.to_vec(),
        seed,
    };
    staging.write(
        "point.json",
        &serde_json::to_vec_pretty(&json).expect("point.json serialises"),
    )?;
    staging.commit()?;
    Ok(())
}

/// A finished point of an earlier run, if its folder is complete and matches.
fn load_point(
    dir: &Path,
    i: usize,
    values: &[String],
    reps: &[u32],
    spec: &SweepSpec,
    model: &Model,
) -> Option<PointValues> {
    let pd = point_dir(dir, i);
    let json: PointJson = read::json(&pd.join("point.json")).ok()?;
    let expected = PointJson {
        values: values.to_vec(),
        replications: reps.to_vec(),
        seed: spec.seed,
    };
    if json != expected {
        return None;
    }
    let rows: Vec<read::ReplicationRow> = read::csv_rows(&pd.join("replications.csv")).ok()?;
    let mut out: PointValues = vec![Vec::new(); reps.len()];
    for r in rows {
        let k = reps.iter().position(|&x| x == r.replication)?;
        out[k].push(MetricValue {
            year: r.year,
            month: 0,
            metric: catalog::metric(&r.metric)?.0,
            breakdown: Breakdown::parse(&r.tier, model)?,
            value: r.value,
        });
    }
    Some(out)
}

fn sweep_csv(
    paths: &[String],
    points: &[Vec<String>],
    models: &[&Model],
    results: &[PointValues],
) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .chain(["year", "metric", "tier", "mean", "sd", "p5", "p50", "p95"])
        .collect();
    w.write_record(&header)
        .expect("writing to memory cannot fail");
    for ((values, model), res) in points.iter().zip(models).zip(results) {
        for ((year, mi, key), b) in bands::summarise(res) {
            let mut rec = values.clone();
            rec.extend([
                year.to_string(),
                catalog::METRICS[mi].name.to_string(),
                key.label(model),
            ]);
            rec.extend([b.mean, b.sd, b.p5, b.p50, b.p95].map(num));
            w.write_record(&rec).expect("writing to memory cannot fail");
        }
    }
    w.into_inner().expect("writing to memory cannot fail")
}

fn targets_csv(
    paths: &[String],
    points: &[Vec<String>],
    models: &[&Model],
    results: &[PointValues],
) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .chain([
            "target",
            "metric",
            "tier",
            "year",
            "op",
            "value",
            "projected_mean",
            "share_of_replications_meeting",
            "met",
        ])
        .collect();
    w.write_record(&header)
        .expect("writing to memory cannot fail");
    for ((values, model), res) in points.iter().zip(models).zip(results) {
        for t in targets::judge(model, &bands::collect(res), res.len()) {
            let mut rec = values.clone();
            rec.extend([
                t.target.name.clone(),
                t.target.metric.clone(),
                t.target.tier.clone(),
                t.target.year.to_string(),
                t.target.op.symbol().to_string(),
                num(t.target.value),
                t.projected.map_or(String::new(), |b| num(b.mean)),
                num(t.share_meeting),
                t.met.to_string(),
            ]);
            w.write_record(&rec).expect("writing to memory cannot fail");
        }
    }
    w.into_inner().expect("writing to memory cannot fail")
}

fn table(
    paths: &[String],
    points: &[Vec<String>],
    models: &[&Model],
    results: &[PointValues],
) -> String {
    let (mi, _) = catalog::metric(HEADLINE).expect("headline metric is in the catalogue");
    let mut out = format!(
        "{} | {HEADLINE} (last year, mean [5–95%]) | targets met\n",
        paths.join(" | ")
    );
    for ((values, model), res) in points.iter().zip(models).zip(results) {
        let b = bands::summarise(res);
        let last = b.keys().map(|k| k.0).max();
        let head = last.and_then(|y| b.get(&(y, mi, Breakdown::All))).map_or(
            "-".to_string(),
            |b: &Band| {
                format!(
                    "{:.1}% [{:.1}–{:.1}]",
                    b.mean * 100.0,
                    b.p5 * 100.0,
                    b.p95 * 100.0
                )
            },
        );
        let judged = targets::judge(model, &bands::collect(res), res.len());
        let met = judged.iter().filter(|t| t.met).count();
        out.push_str(&format!(
            "{} | {head} | {met} of {}\n",
            values.join(" | "),
            judged.len()
        ));
    }
    out
}
