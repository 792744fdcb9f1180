//! tables.xlsx: a results folder's tables for Word and Excel, beside the tidy CSV files (which
//! stay as they are for pandas and R): shares formatted as percentages, money in yuan with
//! thousands separators, names and column headers in the chosen language.
//!
//! Written with `rust_xlsxwriter` (the maintained Rust port of Python's XlsxWriter); the
//! document's creation time is fixed, so the same folder gives the same bytes.

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};
use serde::Deserialize;

use crate::catalog;
use crate::chart::Lang;
use crate::chart::bars::CompareRow;
use crate::chart::fit::FitRow;
use crate::chart::labels::{breakdown, metric};
use crate::chart::parameter_labels::parameter;
use crate::chart::tornado::SensitivityRow;
use crate::output::layout::{self, FolderKind};
use crate::output::read::{self, BandRow};
use crate::output::terminal::KEY_METRICS;

/// The workbook's file name in a results folder.
pub const TABLES_XLSX: &str = "tables.xlsx";

/// Column headers in one language.
struct Heads {
    metric: &'static str,
    breakdown: &'static str,
    year: &'static str,
    scenario: &'static str,
    mean: &'static str,
    p5: &'static str,
    p95: &'static str,
    difference: &'static str,
    ci_low: &'static str,
    ci_high: &'static str,
    target: &'static str,
    threshold: &'static str,
    probability: &'static str,
    met: &'static str,
    source: &'static str,
    parameter: &'static str,
    path: &'static str,
    value: &'static str,
    headline: &'static str,
    targets: &'static str,
    comparison: &'static str,
    sweep: &'static str,
    sensitivity: &'static str,
    fit: &'static str,
}

fn heads(lang: Lang) -> Heads {
    match lang {
        Lang::En => Heads {
            metric: "Measure",
            breakdown: "Breakdown",
            year: "Year",
            scenario: "Scenario",
            mean: "Mean",
            p5: "5th percentile",
            p95: "95th percentile",
            difference: "Mean difference from the first scenario",
            ci_low: "95% CI of the mean difference, low",
            ci_high: "95% CI of the mean difference, high",
            target: "Target",
            threshold: "Threshold",
            probability: "Probability met",
            met: "Met",
            source: "Source",
            parameter: "Setting",
            path: "Parameter path",
            value: "Value",
            headline: "Headline",
            targets: "Targets",
            comparison: "Comparison",
            sweep: "Sweep",
            sensitivity: "Sensitivity",
            fit: "Calibration fit",
        },
        Lang::Zh => Heads {
            metric: "指标",
            breakdown: "分类",
            year: "年份",
            scenario: "情景",
            mean: "均值",
            p5: "第5百分位数",
            p95: "第95百分位数",
            difference: "与首个情景的均值差",
            ci_low: "均值差95%置信区间下限",
            ci_high: "均值差95%置信区间上限",
            target: "目标",
            threshold: "目标值",
            probability: "达标概率",
            met: "是否达标",
            source: "来源",
            parameter: "设置",
            path: "参数路径",
            value: "数值",
            headline: "主要结果",
            targets: "政策目标",
            comparison: "情景比较",
            sweep: "参数扫描",
            sensitivity: "敏感性分析",
            fit: "校准拟合",
        },
    }
}

/// The number formats a metric's values take.
struct Formats {
    header: Format,
    percent: Format,
    change_percent: Format,
    whole: Format,
    decimal: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_text_wrap(),
            percent: Format::new().set_num_format("0.0%"),
            change_percent: Format::new().set_num_format("+0.00%;-0.00%;0.00%"),
            whole: Format::new().set_num_format("#,##0"),
            decimal: Format::new().set_num_format("#,##0.00"),
        }
    }

    /// The format of a level of `metric` (a difference when `change`).
    fn of(&self, metric: &str, change: bool) -> &Format {
        let unit = catalog::metric(metric).map_or("", |(_, m)| m.unit);
        match unit {
            "fraction" if change => &self.change_percent,
            "fraction" => &self.percent,
            "days" | "yuan" | "yuan/person/year" => &self.decimal,
            _ => &self.whole,
        }
    }
}

/// The workbook of the results folder at `dir`, by its kind.
pub fn tables(dir: &Path, lang: Lang) -> Result<Vec<u8>> {
    let h = heads(lang);
    let f = Formats::new();
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).expect("a valid date");
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    match FolderKind::detect(dir) {
        Some(FolderKind::Run | FolderKind::Point) => run_sheets(&mut book, dir, lang, &h, &f)?,
        Some(FolderKind::Compare) => compare_sheet(&mut book, dir, lang, &h, &f)?,
        Some(FolderKind::Sweep) => sweep_sheet(&mut book, dir, lang, &h, &f)?,
        Some(FolderKind::Sensitivity) => sensitivity_sheet(&mut book, dir, lang, &h, &f)?,
        Some(FolderKind::Calibration) => fit_sheet(&mut book, dir, &h, &f)?,
        Some(FolderKind::Shard) => anyhow::bail!("`{}` is a shard; merge it first", dir.display()),
        None => anyhow::bail!("`{}` holds no tierflow results", dir.display()),
    }
    book.save_to_buffer()
        .map_err(|e| anyhow::anyhow!("cannot write {TABLES_XLSX}: {e}"))
}

fn sheet<'a>(
    book: &'a mut Workbook,
    name: &str,
    head: &[&str],
    f: &Formats,
) -> Result<&'a mut Worksheet> {
    let ws = book.add_worksheet();
    ws.set_name(name).context("sheet name")?;
    for (c, title) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *title, &f.header)?;
        ws.set_column_width(c as u16, if c == 0 { 34 } else { 16 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(ws)
}

fn run_sheets(book: &mut Workbook, dir: &Path, lang: Lang, h: &Heads, f: &Formats) -> Result<()> {
    let rows: Vec<BandRow> = read::csv_rows(&dir.join(layout::METRICS_CSV))?;
    let ws = sheet(
        book,
        h.headline,
        &[h.metric, h.breakdown, h.year, h.mean, h.p5, h.p95],
        f,
    )?;
    let mut r = 1u32;
    for name in KEY_METRICS {
        for row in rows
            .iter()
            .filter(|x| x.metric == *name && x.key() == "all")
        {
            ws.write_string(r, 0, metric(name, lang))?;
            ws.write_string(r, 1, breakdown("all", lang))?;
            ws.write_number(r, 2, row.year)?;
            for (c, v) in [row.mean, row.p5, row.p95].into_iter().enumerate() {
                ws.write_number_with_format(r, 3 + c as u16, v, f.of(name, false))?;
            }
            r += 1;
        }
    }
    #[derive(Deserialize)]
    struct Judged {
        name: String,
        metric: String,
        year: i32,
        op: String,
        value: f64,
        basis: String,
        source: Option<String>,
        projected: Option<Projected>,
        share_of_replications_meeting: Option<f64>,
        met: Option<bool>,
    }
    #[derive(Deserialize)]
    struct Projected {
        mean: f64,
        p5: f64,
        p95: f64,
    }
    #[derive(Deserialize)]
    struct Summary {
        targets: Vec<Judged>,
    }
    let path = dir.join(layout::SUMMARY_JSON);
    if !path.is_file() {
        return Ok(());
    }
    let s: Summary = read::json(&path)?;
    let ws = sheet(
        book,
        h.targets,
        &[
            h.target,
            h.metric,
            h.year,
            h.threshold,
            h.mean,
            h.p5,
            h.p95,
            h.probability,
            h.met,
            h.source,
        ],
        f,
    )?;
    for (i, t) in s.targets.iter().enumerate() {
        let r = i as u32 + 1;
        let change = t.basis != "level";
        ws.write_string(r, 0, &t.name)?;
        ws.write_string(r, 1, format!("{} {}", metric(&t.metric, lang), t.op))?;
        ws.write_number(r, 2, t.year)?;
        ws.write_number_with_format(r, 3, t.value, f.of(&t.metric, change))?;
        if let Some(p) = &t.projected {
            for (c, v) in [p.mean, p.p5, p.p95].into_iter().enumerate() {
                ws.write_number_with_format(r, 4 + c as u16, v, f.of(&t.metric, change))?;
            }
        }
        if let Some(p) = t.share_of_replications_meeting {
            ws.write_number_with_format(r, 7, p, &f.percent)?;
        }
        if let Some(m) = t.met {
            ws.write_boolean(r, 8, m)?;
        }
        ws.write_string(r, 9, t.source.clone().unwrap_or_default())?;
    }
    Ok(())
}

fn compare_sheet(
    book: &mut Workbook,
    dir: &Path,
    lang: Lang,
    h: &Heads,
    f: &Formats,
) -> Result<()> {
    let rows: Vec<CompareRow> = read::csv_rows(&dir.join(layout::COMPARE_CSV))?;
    let info: read::CompareJson = read::json(&dir.join(layout::COMPARE_JSON))?;
    let ws = sheet(
        book,
        h.comparison,
        &[
            h.metric,
            h.scenario,
            h.year,
            h.mean,
            h.p5,
            h.p95,
            h.difference,
            h.ci_low,
            h.ci_high,
        ],
        f,
    )?;
    let mut r = 1u32;
    for m in &info.chart_metrics {
        for row in rows
            .iter()
            .filter(|x| &x.metric == m && x.breakdown == "all")
        {
            ws.write_string(r, 0, metric(m, lang))?;
            ws.write_string(r, 1, &row.scenario)?;
            ws.write_number(r, 2, row.year)?;
            for (c, v) in [row.mean, row.p5, row.p95].into_iter().enumerate() {
                ws.write_number_with_format(r, 3 + c as u16, v, f.of(m, false))?;
            }
            for (c, v) in [row.diff_mean, row.diff_ci95_low, row.diff_ci95_high]
                .into_iter()
                .enumerate()
            {
                if let Some(v) = v {
                    ws.write_number_with_format(r, 6 + c as u16, v, f.of(m, true))?;
                }
            }
            r += 1;
        }
    }
    Ok(())
}

fn sweep_sheet(book: &mut Workbook, dir: &Path, lang: Lang, h: &Heads, f: &Formats) -> Result<()> {
    let path = dir.join(layout::SWEEP_CSV);
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let header = reader.headers()?.clone();
    // The varied paths come first, then year, metric, tier, group, condition, signing, band.
    let n = header.len().saturating_sub(11);
    let mut head: Vec<String> = header.iter().take(n).map(|p| parameter(p, lang)).collect();
    head.extend([h.metric, h.year, h.mean, h.p5, h.p95].map(String::from));
    let refs: Vec<&str> = head.iter().map(String::as_str).collect();
    let ws = sheet(book, h.sweep, &refs, f)?;
    let mut r = 1u32;
    for rec in reader.records() {
        let rec = rec.with_context(|| format!("cannot read `{}`", path.display()))?;
        let field = |i: usize| rec.get(i).unwrap_or("");
        let name = field(n + 1);
        if !(n + 2..n + 6).all(|i| field(i) == "all") || !KEY_METRICS.contains(&name) {
            continue;
        }
        for c in 0..n {
            match field(c).parse::<f64>() {
                Ok(v) => ws.write_number(r, c as u16, v)?,
                Err(_) => ws.write_string(r, c as u16, field(c))?,
            };
        }
        ws.write_string(r, n as u16, metric(name, lang))?;
        ws.write_number(r, n as u16 + 1, field(n).parse::<f64>().unwrap_or(f64::NAN))?;
        for (c, i) in [n + 6, n + 8, n + 10].into_iter().enumerate() {
            if let Ok(v) = field(i).parse::<f64>() {
                ws.write_number_with_format(r, (n + 2 + c) as u16, v, f.of(name, false))?;
            }
        }
        r += 1;
    }
    Ok(())
}

fn sensitivity_sheet(
    book: &mut Workbook,
    dir: &Path,
    lang: Lang,
    h: &Heads,
    f: &Formats,
) -> Result<()> {
    let rows: Vec<SensitivityRow> = read::csv_rows(&dir.join(layout::SENSITIVITY_CSV))?;
    let (low, high, effect) = match lang {
        Lang::En => ("lowered to", "raised to", "effect"),
        Lang::Zh => ("下调至", "上调至", "影响"),
    };
    let cols = [
        h.parameter.to_string(),
        h.path.to_string(),
        h.value.to_string(),
        low.to_string(),
        format!("{effect} ({low})"),
        format!("{} ({low})", h.ci_low),
        format!("{} ({low})", h.ci_high),
        high.to_string(),
        format!("{effect} ({high})"),
        format!("{} ({high})", h.ci_low),
        format!("{} ({high})", h.ci_high),
    ];
    let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let ws = sheet(book, h.sensitivity, &refs, f)?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let fmt = f.of(&row.metric, true);
        ws.write_string(r, 0, parameter(&row.parameter, lang))?;
        ws.write_string(r, 1, &row.parameter)?;
        ws.write_number(r, 2, row.base_value)?;
        ws.write_number(r, 3, row.low_value)?;
        ws.write_number_with_format(r, 4, row.low_effect_mean, fmt)?;
        ws.write_number(r, 7, row.high_value)?;
        ws.write_number_with_format(r, 8, row.high_effect_mean, fmt)?;
        for (c, v) in [
            (5, row.low_effect_ci95_low),
            (6, row.low_effect_ci95_high),
            (9, row.high_effect_ci95_low),
            (10, row.high_effect_ci95_high),
        ] {
            if let Some(v) = v {
                ws.write_number_with_format(r, c, v, fmt)?;
            }
        }
    }
    Ok(())
}

fn fit_sheet(book: &mut Workbook, dir: &Path, h: &Heads, f: &Formats) -> Result<()> {
    let rows: Vec<FitRow> = read::csv_rows(&dir.join(layout::FIT_CSV))?;
    let ws = sheet(
        book,
        h.fit,
        &[h.target, h.threshold, h.mean, h.p5, h.p95, "±", h.met],
        f,
    )?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &row.target)?;
        for (c, v) in [
            row.value,
            row.simulated_mean,
            row.p5,
            row.p95,
            row.tolerance,
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_number_with_format(r, 1 + c as u16, v, &f.decimal)?;
        }
        ws.write_boolean(r, 6, row.met)?;
    }
    Ok(())
}
