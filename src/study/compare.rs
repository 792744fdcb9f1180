//! `tierflow compare`: several scenarios side by side, each paired with the first replication
//! by replication, so the band of a difference shows the policy's effect, not the noise.
//!
//! Inputs are scenario files (run here with one seed and replication count) or finished
//! results folders of `tierflow run` (read back; they must have used the same seed and hold the
//! same replications, or pairing would be meaningless).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};

use super::{RowName, RunOptions, band_of, by_name, paired_difference, run_points};
use crate::catalog;
use crate::chart::Lang;
use crate::metrics::bands::Band;
use crate::monte_carlo::Prepared;
use crate::output::FolderKind;
use crate::output::layout;
use crate::output::read::{self, CompareJson, RunManifest};
use crate::output::tables::num;
use crate::output::terminal::{fmt_change, fmt_value};
use crate::scenario;

/// Metrics charted and tabulated when `--metrics` is not given.
pub const DEFAULT_METRICS: &[&str] = &[
    "grassroots_outpatient_share",
    "grassroots_inpatient_share",
    "in_region_rate",
    "bed_occupancy",
    "total_cost",
    "fund_spend",
    "oop_per_capita",
];

/// What a comparison is asked to do.
#[derive(Clone, Debug)]
pub struct CompareSettings {
    /// Scenario files or results folders; the first is the reference.
    pub inputs: Vec<PathBuf>,
    /// `--set` overrides applied to every scenario file.
    pub set: Vec<String>,
    /// Replications (default: the first input's).
    pub replications: Option<u32>,
    /// Seed (default: the first input's).
    pub seed: Option<u64>,
    /// Metrics for the table and charts (default [`DEFAULT_METRICS`]).
    pub metrics: Vec<String>,
    /// Names for the inputs, in input order (default: each scenario's name).
    pub labels: Vec<String>,
    /// Threads, output folder, charts.
    pub options: RunOptions,
}

/// What the comparison produced, for the terminal.
pub struct CompareOutcome {
    /// The results folder.
    pub dir: PathBuf,
    /// The side-by-side table (Markdown).
    pub table: String,
}

/// The `--set` overrides that change the model (seed and replications are checked apart).
fn model_overrides(overrides: &[String]) -> Vec<String> {
    overrides
        .iter()
        .filter(|o| !o.starts_with("run.seed=") && !o.starts_with("run.replications="))
        .map(|o| o.replace(' ', ""))
        .collect()
}

/// The overrides that apply to the scenario file `p`: every `--set`, and each `--lever` the file
/// declares (a baseline need not declare its policy's levers).
fn declared_only(p: &Path, overrides: &[String]) -> Result<Vec<String>> {
    let prefix = scenario::levers::LEVER_PREFIX;
    if !overrides.iter().any(|o| o.starts_with(prefix)) {
        return Ok(overrides.to_vec());
    }
    let declared = scenario::load(p, &[])?.raw.levers;
    Ok(overrides
        .iter()
        .filter(|o| {
            o.strip_prefix(prefix)
                .is_none_or(|l| declared.contains_key(l.split('=').next().unwrap_or("").trim()))
        })
        .cloned()
        .collect())
}

/// One compared scenario's values by row name.
type Rows = BTreeMap<RowName, Vec<(usize, f64)>>;

enum Input {
    File(PathBuf),
    Folder(PathBuf, RunManifest),
}

/// Runs (or reads) and compares the inputs.
pub fn compare(
    s: &CompareSettings,
    cancel: &AtomicBool,
    bar: impl Fn(u64) -> indicatif::ProgressBar,
) -> Result<CompareOutcome> {
    let inputs = read_inputs(s)?;

    // One seed and replication count for all, from the flags or the first input.
    let (seed, reps) = match &inputs[0] {
        Input::File(p) => {
            let sc = scenario::load(p, &declared_only(p, &s.set)?)?;
            (sc.raw.run.seed, sc.raw.run.replications)
        }
        Input::Folder(_, m) => (m.seed, m.replications_run.len() as u32),
    };
    let seed = s.seed.unwrap_or(seed);
    let reps = s.replications.unwrap_or(reps);
    let rep_ids: Vec<u32> = (0..reps).collect();
    let mut overrides = s.set.clone();
    overrides.push(format!("run.replications={reps}"));
    overrides.push(format!("run.seed={seed}"));

    let mut prepared: Vec<(usize, Prepared)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match input {
            Input::File(p) => {
                let sc = scenario::load(p, &declared_only(p, &overrides)?)?;
                prepared.push((i, Prepared::new(sc, s.options.fix_parameters)?));
            }
            Input::Folder(p, m) => {
                let has_all = rep_ids.iter().all(|k| m.replications_run.contains(k));
                if m.seed != seed || !has_all {
                    anyhow::bail!(
                        "`{}` was run with seed {} and replications {:?}; pairing needs seed {seed} and replications 0–{} (rerun it with --seed {seed} -r {reps}, or give its scenario file)",
                        p.display(),
                        m.seed,
                        m.replications_run,
                        reps.saturating_sub(1)
                    );
                }
            }
        }
    }
    // A lever no compared file declares is a mistake, not a no-op.
    for o in &s.set {
        if let Some(l) = o.strip_prefix(scenario::levers::LEVER_PREFIX) {
            let name = l.split('=').next().unwrap_or("").trim();
            let declared = inputs.iter().any(|i| match i {
                Input::File(p) => {
                    scenario::load(p, &[]).is_ok_and(|sc| sc.raw.levers.contains_key(name))
                }
                Input::Folder(..) => false,
            });
            if !declared {
                anyhow::bail!(
                    "--lever {l}: no compared scenario file declares a lever `{name}` (`tierflow levers FILE` lists them)"
                );
            }
        }
    }
    let names: Vec<String> = inputs.iter().map(input_stem).collect();
    // Every file read: the inputs as given and every scenario file they extend.
    let mut input_paths: Vec<PathBuf> = s.inputs.clone();
    for (_, p) in &prepared {
        input_paths.extend(p.scenario_files());
    }
    let claim = s
        .options
        .claim(&format!("compare-{}", names.join("-vs-")), &input_paths)?;

    let to_run: Vec<&Prepared> = prepared.iter().map(|(_, p)| p).collect();
    let ran = run_points(&to_run, &rep_ids, s.options.threads, cancel, bar, |_, _| {
        Ok(())
    })?;

    let mut names = Vec::new();
    let mut rows: Vec<Rows> = Vec::new();
    let mut ran = ran.into_iter();
    let mut prepared_iter = prepared.iter();
    for input in &inputs {
        let (name, r) = match input {
            Input::File(_) => {
                let (_, p) = prepared_iter.next().expect("one prepared per file");
                let values = ran.next().expect("one result per file");
                (p.plan.base().name.clone(), by_name(p.plan.base(), &values))
            }
            Input::Folder(p, m) => (m.scenario.clone(), read_folder(p, &rep_ids)?),
        };
        let name = s.labels.get(names.len()).cloned().unwrap_or(name);
        // Two inputs of one scenario (say, two run folders) are told apart by the folder name.
        let mut unique = name.clone();
        if names.contains(&unique) {
            unique = format!("{name} ({})", input_stem(input));
        }
        let mut n = 2;
        while names.contains(&unique) {
            unique = format!("{name} ({n})");
            n += 1;
        }
        names.push(unique);
        rows.push(r);
    }
    let metrics: Vec<String> = if s.metrics.is_empty() {
        DEFAULT_METRICS.iter().map(|m| m.to_string()).collect()
    } else {
        s.metrics.clone()
    };
    // The table's year: the last year every input reports.
    let years = |r: &Rows| {
        r.keys()
            .map(|k| k.0)
            .collect::<std::collections::BTreeSet<i32>>()
    };
    let common = rows.iter().skip(1).fold(years(&rows[0]), |acc, r| {
        acc.intersection(&years(r)).copied().collect()
    });
    let Some(&table_year) = common.iter().next_back() else {
        anyhow::bail!(
            "the inputs share no reported year, so there is nothing to compare (check each scenario's run.start_year and run.years)"
        );
    };
    let lang = s.options.charts.as_ref().map_or(Lang::En, |c| c.lang);
    let mut table = markdown(&names, &rows, &metrics, table_year, lang);
    table.push_str(&overrides_note(s, &inputs));

    let json = CompareJson {
        tierflow_version: env!("CARGO_PKG_VERSION").to_string(),
        scenarios: names.clone(),
        inputs: s.inputs.iter().map(|p| p.display().to_string()).collect(),
        seed,
        replications: reps,
        chart_metrics: metrics,
        table_year,
    };
    let files = vec![
        (layout::COMPARE_CSV, compare_csv(&names, &rows)),
        (layout::COMPARE_MD, table.clone().into_bytes()),
        (
            layout::COMPARE_JSON,
            serde_json::to_vec_pretty(&json).expect("serialises"),
        ),
    ];
    let dir = super::finish(
        claim,
        FolderKind::Compare,
        files,
        s.options.charts.as_ref(),
        cancel,
    )?;
    Ok(CompareOutcome { dir, table })
}

fn input_stem(input: &Input) -> String {
    let p = match input {
        Input::File(p) | Input::Folder(p, _) => p,
    };
    p.file_stem()
        .map_or_else(|| "input".to_string(), |s| s.to_string_lossy().to_string())
}

/// A run folder's replications.csv by row name, positions following `reps`.
fn read_folder(dir: &Path, reps: &[u32]) -> Result<Rows> {
    let all: Vec<read::ReplicationRow> = read::csv_rows(&dir.join(layout::REPLICATIONS_CSV))?;
    let mut rows = Rows::new();
    for r in all {
        if let Some(k) = reps.iter().position(|&x| x == r.replication) {
            let key = r.key().to_string();
            rows.entry((r.year, r.metric, key))
                .or_default()
                .push((k, r.value));
        }
    }
    if rows.is_empty() {
        anyhow::bail!(
            "`{}` holds no replications",
            dir.join(layout::REPLICATIONS_CSV).display()
        );
    }
    Ok(rows)
}

fn compare_csv(names: &[String], rows: &[Rows]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "year",
        "metric",
        "breakdown",
        "mean",
        "sd",
        "p5",
        "p50",
        "p95",
        "diff_mean",
        "diff_sd",
        "diff_p5",
        "diff_p50",
        "diff_p95",
        "diff_se",
        "diff_ci95_low",
        "diff_ci95_high",
    ])
    .expect("writing to memory cannot fail");
    for (name, r) in names.iter().zip(rows) {
        for ((year, metric, tier), values) in r {
            let Some(b) = band_of(values) else { continue };
            let diff: Option<Band> = rows[0]
                .get(&(*year, metric.clone(), tier.clone()))
                .filter(|_| !std::ptr::eq(r, &rows[0]))
                .and_then(|a| paired_difference(a, values));
            let mut rec = vec![name.clone(), year.to_string(), metric.clone(), tier.clone()];
            rec.extend([b.mean, b.sd, b.p5, b.p50, b.p95].map(num));
            match diff {
                Some(d) => {
                    rec.extend([d.mean, d.sd, d.p5, d.p50, d.p95].map(num));
                    match d.mean_interval() {
                        Some(ci) => rec.extend([ci.se, ci.low, ci.high].map(num)),
                        None => rec.extend(std::iter::repeat_n(String::new(), 3)),
                    }
                }
                None => rec.extend(std::iter::repeat_n(String::new(), 8)),
            }
            w.write_record(&rec).expect("writing to memory cannot fail");
        }
    }
    w.into_inner().expect("writing to memory cannot fail")
}

fn unit(metric: &str) -> &'static str {
    catalog::metric(metric).map_or("", |(_, m)| m.unit)
}

/// The words of compare.md in one language.
struct TableWords {
    ci: &'static str,
    footnote: &'static str,
}

fn table_words(lang: Lang) -> TableWords {
    match lang {
        Lang::En => TableWords {
            ci: "95% CI",
            footnote: "Cells: mean [5th, 95th percentile] over replications. Differences are taken replication by replication: their mean, then in brackets (95% CI …) how precisely the replications pin that mean down (it narrows with more replications), then [5th, 95th percentile], how much a single replication's difference varies.",
        },
        Lang::Zh => TableWords {
            ci: "95%置信区间",
            footnote: "单元格：各次重复模拟的均值［第5、第95百分位数］。差值按重复次数逐次配对计算：先列差值均值，括号内为其95%置信区间（表示均值本身的精确程度，重复次数越多越窄），方括号内为单次重复差值的第5、第95百分位数（表示单次结果的波动）。",
        },
    }
}

fn markdown(names: &[String], rows: &[Rows], metrics: &[String], year: i32, lang: Lang) -> String {
    let words = table_words(lang);
    let mut head = format!("| {year} | {} |", names[0]);
    let mut rule = "|---|---|".to_string();
    for n in &names[1..] {
        head.push_str(&format!(" {n} | {n} − {} |", names[0]));
        rule.push_str("---|---|");
    }
    let mut out = format!("{head}\n{rule}\n");
    for m in metrics {
        let key = (year, m.clone(), "all".to_string());
        let cell = |r: &Rows| {
            r.get(&key)
                .and_then(|v| band_of(v))
                .map_or("–".to_string(), |b| {
                    format!(
                        "{} [{}, {}]",
                        fmt_value(unit(m), b.mean),
                        fmt_value(unit(m), b.p5),
                        fmt_value(unit(m), b.p95)
                    )
                })
        };
        let label = match lang {
            Lang::En => m.clone(),
            Lang::Zh => crate::chart::labels::metric(m, lang),
        };
        let mut line = format!("| {label} | {} |", cell(&rows[0]));
        for r in &rows[1..] {
            let diff = rows[0]
                .get(&key)
                .zip(r.get(&key))
                .and_then(|(a, b)| paired_difference(a, b))
                .map_or("–".to_string(), |d| {
                    let ci = d.mean_interval().map_or(String::new(), |ci| {
                        format!(
                            " ({} {} … {})",
                            words.ci,
                            fmt_change(unit(m), ci.low),
                            fmt_change(unit(m), ci.high)
                        )
                    });
                    format!(
                        "{}{ci} [{}, {}]",
                        fmt_change(unit(m), d.mean),
                        fmt_change(unit(m), d.p5),
                        fmt_change(unit(m), d.p95)
                    )
                });
            line.push_str(&format!(" {} | {diff} |", cell(r)));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(words.footnote);
    out.push('\n');
    out
}

/// Checks the command's inputs and reads each: a scenario file, or a finished run's folder with
/// its manifest.
fn read_inputs(s: &CompareSettings) -> Result<Vec<Input>> {
    if !s.set.is_empty() && s.inputs.iter().all(|p| p.is_dir()) {
        anyhow::bail!(
            "--set applies to scenario files, and every input is a finished results folder"
        );
    }
    if s.inputs.len() < 2 {
        anyhow::bail!("compare needs at least two scenario files or results folders");
    }
    if !s.labels.is_empty() && s.labels.len() != s.inputs.len() {
        anyhow::bail!(
            "--label: {} label(s) for {} inputs; give one per input, in input order",
            s.labels.len(),
            s.inputs.len()
        );
    }
    for l in &s.labels {
        if l.trim().is_empty() || l.contains(['\n', '\r', ',']) {
            anyhow::bail!("--label: `{l}` is not a usable name (non-empty, one line, no commas)");
        }
    }
    for m in &s.metrics {
        if catalog::metric(m).is_none() {
            let names = catalog::METRICS.iter().map(|m| m.name);
            let hint = scenario::paths::suggest(m, names)
                .map_or(String::new(), |x| format!("; did you mean `{x}`?"));
            anyhow::bail!("--metrics: `{m}` is not a tierflow metric{hint}");
        }
    }
    s.inputs
        .iter()
        .map(|p| {
            if p.is_dir() {
                let m: RunManifest =
                    read::json(&p.join(layout::MANIFEST_JSON)).with_context(|| {
                        format!(
                            "`{}` is a folder but not the results of `tierflow run`",
                            p.display()
                        )
                    })?;
                Ok(Input::Folder(p.clone(), m))
            } else {
                Ok(Input::File(p.clone()))
            }
        })
        .collect::<Result<_>>()
}

/// A note for each finished run made with other `--set` overrides than the scenario files here
/// (still paired, but the reader should know the inputs differ by more than their files).
fn overrides_note(s: &CompareSettings, inputs: &[Input]) -> String {
    let mut text = String::new();
    if inputs.iter().any(|i| matches!(i, Input::File(_))) {
        let here = model_overrides(&s.set);
        for input in inputs {
            if let Input::Folder(p, m) = input
                && model_overrides(&m.overrides) != here
            {
                text.push_str(&format!(
                    "\nNote: `{}` was run with --set [{}]; the scenario files here with [{}].\n",
                    p.display(),
                    model_overrides(&m.overrides).join(", "),
                    here.join(", ")
                ));
            }
        }
    }
    text
}
