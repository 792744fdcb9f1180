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
use super::{Interrupted, PointValues, RunOptions, run_points};
use crate::catalog;
use crate::metrics::bands::{self, Band, RowKey};
use crate::metrics::targets::{self, TargetResult};
use crate::metrics::{Breakdown, MetricValue};
use crate::model::Model;
use crate::monte_carlo::{Prepared, RunError};
use crate::output::folder::{self, Claim, FolderKind, Marker};
use crate::output::layout;
use crate::output::read::{self, SweepJson, SweepSpec};
use crate::output::tables::num;
use crate::output::{self, tables};
use crate::scenario::paths::{MODEL_ROOTS, is_model_parameter};
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
    /// Threads, output folder, charts.
    pub options: RunOptions,
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

/// What a finished point holds, with a checksum of each file so a point is reused only whole.
#[derive(Serialize, Deserialize, PartialEq)]
struct PointJson {
    values: Vec<String>,
    replications: Vec<u32>,
    seed: u64,
    checksums: std::collections::BTreeMap<String, Checksum>,
}

const HEADLINE: &str = "grassroots_outpatient_share";

/// Runs (or resumes) a sweep.
pub fn sweep(
    s: &SweepSettings,
    cancel: &AtomicBool,
    bar: impl Fn(u64) -> indicatif::ProgressBar,
) -> Result<SweepOutcome> {
    let base = scenario::load(&s.scenario, &s.overrides)?;
    let varies = parse_varies(s, &base)?;
    let points = grid::expand(&varies)?;
    let paths: Vec<String> = varies.iter().map(|v| v.path.clone()).collect();
    // A lever's note is about the paths it sets.
    let reached: Vec<String> = paths
        .iter()
        .flat_map(|p| match base.raw.levers.get(p) {
            Some(l) => l.paths.clone(),
            None => vec![p.clone()],
        })
        .collect();
    let note = base.timeline_note(&reached);

    // Validate every point before running any.
    let mut prepared = Vec::with_capacity(points.len());
    for values in &points {
        let mut overrides = s.overrides.clone();
        overrides.extend(paths.iter().zip(values).map(|(p, v)| {
            if base.raw.levers.contains_key(p) {
                format!("{}{p}={v}", crate::scenario::levers::LEVER_PREFIX)
            } else {
                format!("{p}={v}")
            }
        }));
        let sc =
            scenario::load(&s.scenario, &overrides).map_err(|e| point_error(&paths, values, e))?;
        prepared.push(
            Prepared::new(sc, s.options.fix_parameters)
                .map_err(|e| point_error(&paths, values, e))?,
        );
    }
    let model0 = prepared[0].plan.base();
    let reps: Vec<u32> = (0..model0.run.replications).collect();
    {
        let all: Vec<crate::monte_carlo::Job> = prepared
            .iter()
            .flat_map(|p| crate::monte_carlo::jobs(p, &reps).collect::<Vec<_>>())
            .collect();
        if let Some((dir, table)) =
            s.options
                .run_shard(&format!("{}-sweep", model0.name), &all, cancel)?
        {
            return Ok(SweepOutcome {
                dir,
                points_run: 0,
                points_reused: 0,
                table,
                note,
            });
        }
    }
    let spec = SweepSpec {
        tierflow_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_file: s.scenario.display().to_string(),
        overrides: s.overrides.clone(),
        varied_paths: paths.clone(),
        points: points.clone(),
        seed: model0.run.seed,
        replications: model0.run.replications,
        fix_parameters: s.options.fix_parameters,
        resolved_base: toml::to_string(&base.tree_with_distributions())
            .context("cannot record the resolved scenario")?,
    };
    let claim = s
        .options
        .claim_any(&format!("{}-sweep", model0.name), &base_files(&base))?;
    let (dir, in_place) = prepare_folder(&claim, &spec, s.options.force)?;
    let dir = dir.as_path();

    // Points finished by an earlier run of the same sweep.
    let mut results: Vec<Option<PointValues>> = Vec::with_capacity(points.len());
    for (i, values) in points.iter().enumerate() {
        let point = load_point(dir, i, values, &reps, &spec, prepared[i].plan.base());
        if point.is_none() && std::fs::symlink_metadata(point_dir(dir, i)).is_ok() {
            eprintln!(
                "note: sweep point {} in `{}` is incomplete or altered; running it again",
                i,
                point_dir(dir, i).display()
            );
        }
        results.push(point);
    }
    let reused = results.iter().filter(|r| r.is_some()).count();
    let pending: Vec<usize> = (0..points.len())
        .filter(|&i| results[i].is_none())
        .collect();
    let pending_prepared: Vec<&Prepared> = pending.iter().map(|&i| &prepared[i]).collect();

    let ran = run_points(
        &pending_prepared,
        &reps,
        s.options.threads,
        cancel,
        bar,
        |j, values| {
            let i = pending[j];
            save_point(
                dir,
                i,
                &points[i],
                &reps,
                spec.seed,
                prepared[i].plan.base(),
                values,
            )
        },
    );
    let ran = match ran {
        Ok(r) => r,
        Err(RunError::Cancelled) => {
            let done = (0..points.len())
                .filter(|&i| point_dir(dir, i).join(layout::POINT_JSON).is_file())
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
    let summaries: Vec<PointSummary> = prepared
        .iter()
        .zip(&points)
        .zip(&results)
        .map(|((p, values), res)| PointSummary::of(values, p.plan.base(), res))
        .collect();
    output::write_atomic(&dir.join(layout::SWEEP_CSV), &sweep_csv(&paths, &summaries))?;
    output::write_atomic(
        &dir.join(layout::SWEEP_TARGETS_CSV),
        &targets_csv(&paths, &summaries),
    )?;
    let lang = s
        .options
        .charts
        .as_ref()
        .map_or(crate::chart::Lang::En, |c| c.lang);
    output::write_atomic(
        &dir.join(crate::report::xlsx::TABLES_XLSX),
        &crate::report::xlsx::tables(dir, lang)?,
    )?;
    let charts = s.options.draw_charts(dir, cancel);
    if cancel.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(Interrupted(format!(
            "interrupted: all {} points are finished and kept in `{}`, but the sweep's tables are not marked complete; rerun the same command to finish it",
            points.len(),
            dir.display()
        ))
        .into());
    }
    charts?;
    write_sweep_json(dir, &spec, true)?;
    Marker::listing(FolderKind::Sweep, dir, &["points"])?.write(dir)?;
    if !in_place {
        claim.replace_with(dir)?;
    }
    Ok(SweepOutcome {
        table: table(&paths, &summaries),
        dir: claim.path().to_path_buf(),
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
    dir.join(layout::POINTS).join(format!("{i:04}"))
}

fn write_sweep_json(dir: &Path, spec: &SweepSpec, complete: bool) -> Result<()> {
    let json = SweepJson {
        spec: spec.clone(),
        complete,
    };
    output::write_atomic(
        &dir.join(layout::SWEEP_JSON),
        &serde_json::to_vec_pretty(&json).expect("sweep.json serialises"),
    )
}

/// Every scenario file the sweep reads.
fn base_files(base: &scenario::Scenario) -> Vec<PathBuf> {
    base.files.iter().map(|f| f.path.clone()).collect()
}

/// Suffix of the folder a forced sweep is built in while the previous results stay in place.
const PENDING_SUFFIX: &str = ".tierflow-pending";

/// Chooses where the sweep is built and makes it ready: the destination itself when it is new,
/// empty or holds this same sweep (resumed); with `--force` over other results, a pending
/// sibling (itself resumable) that replaces the destination only once the sweep is complete.
/// Returns the folder and whether it is the destination.
fn prepare_folder(claim: &Claim, spec: &SweepSpec, force: bool) -> Result<(PathBuf, bool)> {
    let dest = claim.path();
    let same = |dir: &Path| {
        read::json::<SweepJson>(&dir.join(layout::SWEEP_JSON)).is_ok_and(|j| j.spec == *spec)
    };
    let has_content = dest.read_dir().is_ok_and(|mut d| d.next().is_some());
    if !has_content || same(dest) {
        start_folder(dest, spec)?;
        return Ok((dest.to_path_buf(), true));
    }
    if !force {
        anyhow::bail!(
            "`{}` holds other results (not this same sweep, which would be resumed); pass --force to replace them once the new sweep is complete, or --out DIR to write elsewhere",
            dest.display()
        );
    }
    let pending = claim.sibling(PENDING_SUFFIX);
    if std::fs::symlink_metadata(&pending).is_ok() && !same(&pending) {
        folder::remove_owned(&pending, "cannot remove the unfinished sweep")?;
    }
    start_folder(&pending, spec)?;
    Ok((pending, false))
}

/// Creates (or reopens) a sweep folder marked as tierflow's and not yet complete.
fn start_folder(dir: &Path, spec: &SweepSpec) -> Result<()> {
    let json = SweepJson {
        spec: spec.clone(),
        complete: false,
    };
    let json = serde_json::to_vec_pretty(&json).expect("sweep.json serialises");
    folder::open_in_place(
        dir,
        FolderKind::Sweep,
        &[layout::POINTS],
        &[(layout::SWEEP_JSON, &json)],
    )
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
    let csv = tables::replications_csv(model, reps, results);
    let json = PointJson {
        values: values.to_vec(),
        replications: reps.to_vec(),
        seed,
        checksums: [(layout::REPLICATIONS_CSV.to_string(), Checksum::of(&csv))].into(),
    };
    let json = serde_json::to_vec_pretty(&json).expect("point.json serialises");
    folder::write_folder_whole(
        &dir.join(layout::POINTS),
        &format!("{i:04}"),
        FolderKind::Point,
        &[
            (layout::REPLICATIONS_CSV, &csv),
            (layout::POINT_JSON, &json),
        ],
    )
}

/// Size and SHA-256 of a file, to tell a complete point file from a truncated or edited one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Checksum {
    bytes: u64,
    sha256: String,
}

impl Checksum {
    fn of(bytes: &[u8]) -> Checksum {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(bytes);
        Checksum {
            bytes: bytes.len() as u64,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
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
    if folder::not_owned(&pd).is_some() || Marker::read(&pd)?.kind != FolderKind::Point {
        return None;
    }
    let json: PointJson = read::json(&pd.join(layout::POINT_JSON)).ok()?;
    if json.values != values
        || json.replications != reps
        || json.seed != spec.seed
        || !json.checksums.contains_key(layout::REPLICATIONS_CSV)
    {
        return None;
    }
    for (name, sum) in &json.checksums {
        let bytes = std::fs::read(pd.join(name)).ok()?;
        if Checksum::of(&bytes) != *sum {
            return None;
        }
    }
    let rows: Vec<read::ReplicationRow> =
        read::csv_rows(&pd.join(layout::REPLICATIONS_CSV)).ok()?;
    let mut out: PointValues = vec![Vec::new(); reps.len()];
    for r in rows {
        let k = reps.iter().position(|&x| x == r.replication)?;
        out.get_mut(k)?.push(MetricValue {
            year: r.year,
            month: 0,
            metric: catalog::metric(&r.metric)?.0,
            breakdown: Breakdown::parse(r.key(), model)?,
            value: r.value,
        });
    }
    // Every replication must have rows (the checksum guards the file as written).
    out.iter().all(|r| !r.is_empty()).then_some(out)
}

/// What the sweep's tables show of one point, computed once.
struct PointSummary<'a> {
    /// The point's varied values, in `--vary` order.
    values: &'a [String],
    /// Bands of every (year, metric, breakdown) row, labelled.
    bands: Vec<(Vec<String>, Band)>,
    /// The headline metric in the last year.
    headline: Option<Band>,
    /// Every target judged.
    judged: Vec<TargetResult>,
}

impl<'a> PointSummary<'a> {
    fn of(values: &'a [String], model: &Model, results: &PointValues) -> Self {
        let per_row = bands::collect(results);
        let (headline_index, _) =
            catalog::metric(HEADLINE).expect("headline metric is in the catalogue");
        let last = per_row.keys().map(|k| k.0).max();
        let bands: Vec<(RowKey, Band)> = per_row.iter().map(|(k, v)| (*k, Band::of(v))).collect();
        let headline = bands
            .iter()
            .find(|(k, _)| Some(k.0) == last && k.1 == headline_index && k.2 == Breakdown::All)
            .map(|(_, b)| *b);
        PointSummary {
            values,
            judged: targets::judge(model, &per_row, results.len()),
            headline,
            bands: bands
                .into_iter()
                .map(|(key, b)| {
                    let mut leading = values.to_vec();
                    leading.extend(tables::row_labels(model, &key));
                    (leading, b)
                })
                .collect(),
        }
    }
}

fn sweep_csv(paths: &[String], summaries: &[PointSummary]) -> Vec<u8> {
    let header: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .chain(tables::ROW_COLUMNS)
        .collect();
    tables::bands_csv(
        &header,
        summaries.iter().flat_map(|p| p.bands.iter().cloned()),
    )
}

fn targets_csv(paths: &[String], summaries: &[PointSummary]) -> Vec<u8> {
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
    for p in summaries {
        for t in &p.judged {
            let mut rec = p.values.to_vec();
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

fn table(paths: &[String], summaries: &[PointSummary]) -> String {
    let mut out = format!(
        "{} | {HEADLINE} (last year, mean [5–95%]) | targets met\n",
        paths.join(" | ")
    );
    for p in summaries {
        let head = p.headline.map_or("-".to_string(), |b| {
            format!(
                "{:.1}% [{:.1}–{:.1}]",
                b.mean * 100.0,
                b.p5 * 100.0,
                b.p95 * 100.0
            )
        });
        let met = p.judged.iter().filter(|t| t.met).count();
        out.push_str(&format!(
            "{} | {head} | {met} of {}\n",
            p.values.join(" | "),
            p.judged.len()
        ));
    }
    out
}

/// The `--vary` arguments, checked: model parameters or the population, known paths, each once.
fn parse_varies(s: &SweepSettings, base: &scenario::Scenario) -> Result<Vec<Vary>> {
    let known: Vec<String> = base.params().into_iter().map(|p| p.path).collect();
    let mut varies: Vec<Vary> = Vec::new();
    for spec in &s.vary {
        let mut v = grid::parse_vary(spec)?;
        // A lever's name varies every path it sets (from its date).
        let lever = base.raw.levers.get(&v.path);
        let unit = lever.map_or_else(
            || crate::catalog::parameter_unit(&v.path).to_string(),
            |l| l.unit.clone(),
        );
        for x in &mut v.values {
            if x.ends_with('%') {
                let f = crate::scenario::levers::number(x, &unit)
                    .map_err(|m| anyhow::anyhow!("--vary `{spec}`: {m}"))?;
                *x = grid::tidy(f);
            }
        }
        if lever.is_some() {
            if varies.iter().any(|w| w.path == v.path) {
                anyhow::bail!("--vary `{spec}`: `{}` is varied twice", v.path);
            }
            varies.push(v);
            continue;
        }
        // Points differ in the model or the population; they share the run, timeline and targets.
        if !(is_model_parameter(&v.path) || v.path.starts_with("population.")) {
            anyhow::bail!(
                "--vary `{spec}`: only model parameters ({}) and population.* can be varied; every point shares the run settings, timeline and targets (use -r and --seed for the run)",
                MODEL_ROOTS.join(", ")
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
    Ok(varies)
}
