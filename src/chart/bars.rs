//! Grouped bars of a comparison: each scenario's value by year, and each scenario's paired
//! difference from the first, with 5–95% whiskers.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Deserialize;

use super::labels::{self, Lang, Word};
use super::{Chart, DrawResult, FAMILY, PALETTE, Swatch, display_scale, padded, tick_format};
use crate::output::layout;
use crate::output::read::{self, CompareJson};

/// A bar: (mean, p5, p95) in display units.
type Bar = (f64, f64, f64);

/// Bars grouped by year, one colour per scenario.
pub struct GroupedBars {
    stem: String,
    title: String,
    unit: String,
    groups: Vec<String>,
    series: Vec<(String, Vec<Option<Bar>>)>,
    lang: Lang,
    /// Levels of a share (the axis ends at 100%).
    share: bool,
}

/// A row of compare.csv.
#[derive(Clone, Debug, Deserialize)]
pub struct CompareRow {
    /// Scenario name.
    pub scenario: String,
    /// Calendar year.
    pub year: i32,
    /// Metric name.
    pub metric: String,
    /// Breakdown label (`all`, a tier, group, condition, `signed` or `unsigned`).
    pub breakdown: String,
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean paired difference from the first scenario (empty for the first).
    pub diff_mean: Option<f64>,
    /// 5th percentile of the paired difference.
    pub diff_p5: Option<f64>,
    /// 95th percentile of the paired difference.
    pub diff_p95: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean difference.
    #[serde(default)]
    pub diff_ci95_low: Option<f64>,
    /// Upper end of that interval.
    #[serde(default)]
    pub diff_ci95_high: Option<f64>,
}

/// At most this many year groups per chart; longer runs show every k-th year, ending with the last.
const MAX_GROUPS: usize = 10;

/// The charts of a comparison folder (compare.csv, compare.json).
pub fn charts(dir: &Path, lang: Lang) -> Result<Vec<GroupedBars>> {
    let rows: Vec<CompareRow> = read::csv_rows(&dir.join(layout::COMPARE_CSV))?;
    let info: CompareJson = read::json(&dir.join(layout::COMPARE_JSON))?;
    let mut years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    let step = years.len().div_ceil(MAX_GROUPS).max(1);
    let years: Vec<i32> = years.iter().rev().step_by(step).rev().copied().collect();
    let mut out = Vec::new();
    for metric in &info.chart_metrics {
        let k = display_scale(metric);
        let find = |s: &str, y: i32| {
            rows.iter().find(|r| {
                r.scenario == s && r.year == y && r.metric == *metric && r.breakdown == "all"
            })
        };
        let levels = info
            .scenarios
            .iter()
            .map(|s| {
                let bars = years
                    .iter()
                    .map(|&y| find(s, y).map(|r| (r.mean * k, r.p5 * k, r.p95 * k)))
                    .collect();
                (s.clone(), bars)
            })
            .collect();
        let diffs = info.scenarios[1..]
            .iter()
            .map(|s| {
                let bars = years
                    .iter()
                    .map(|&y| {
                        find(s, y)
                            .and_then(|r| Some((r.diff_mean? * k, r.diff_p5? * k, r.diff_p95? * k)))
                    })
                    .collect();
                (s.clone(), bars)
            })
            .collect();
        let groups: Vec<String> = years.iter().map(i32::to_string).collect();
        let name = labels::metric(metric, lang);
        out.push(GroupedBars {
            stem: format!("compare_{metric}"),
            title: name.clone(),
            unit: labels::unit(metric, lang),
            groups: groups.clone(),
            series: levels,
            lang,
            share: labels::is_fraction(metric),
        });
        if info.scenarios.len() > 1 {
            out.push(GroupedBars {
                stem: format!("difference_{metric}"),
                title: format!(
                    "{name}: {} {}",
                    labels::word(Word::DifferenceFrom, lang),
                    info.scenarios[0]
                ),
                // A difference of percentages is in percentage points.
                unit: if labels::is_fraction(metric) {
                    "pp".to_string()
                } else {
                    labels::unit(metric, lang)
                },
                groups,
                series: diffs,
                lang,
                share: false,
            });
        }
    }
    Ok(out)
}

impl Chart for GroupedBars {
    fn stem(&self) -> String {
        self.stem.clone()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let all = self
            .series
            .iter()
            .flat_map(|(_, b)| b.iter().flatten().flat_map(|&(m, lo, hi)| [m, lo, hi]))
            .chain([0.0]);
        let (lo, hi) = super::extent(all);
        let n_groups = self.groups.len().max(1);
        // Bars start at zero; a share's axis ends at 100% (the legend sits beside the plot).
        let padded_range = padded(lo, hi);
        let y_range = if self.share && hi <= 100.0 {
            padded_range.start..padded_range.end.min(100.0)
        } else {
            padded_range
        };
        let mut chart = super::frame_with_legend(area, &self.title, 80)
            .build_cartesian_2d(-0.5..(n_groups as f64 - 0.5), y_range.clone())?;
        let groups = self.groups.clone();
        let x_fmt = move |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-9 && i >= 0.0 {
                groups.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(labels::word(Word::Year, self.lang))
            .y_desc(format!(
                "{} ({})",
                self.unit,
                labels::word(Word::Whiskers, self.lang)
            ))
            .x_labels(n_groups + 1)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&tick_format(&y_range))
            .disable_x_mesh()
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .light_line_style(WHITE)
            .draw()?;
        let n = self.series.len().max(1) as f64;
        let mut legend = Vec::new();
        let width = 0.8 / n;
        for (i, (name, bars)) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let x_of = |g: usize| g as f64 - 0.4 + width * i as f64;
            chart.draw_series(bars.iter().enumerate().filter_map(|(g, b)| {
                b.map(|(m, _, _)| {
                    Rectangle::new(
                        [(x_of(g) + 0.1 * width, 0.0), (x_of(g) + 0.9 * width, m)],
                        colour.filled(),
                    )
                })
            }))?;
            legend.push((name.clone(), Swatch::Bar(colour)));
            chart.draw_series(bars.iter().enumerate().filter_map(|(g, b)| {
                b.map(|(m, lo, hi)| {
                    ErrorBar::new_vertical(
                        x_of(g) + 0.5 * width,
                        lo,
                        m,
                        hi,
                        BLACK.stroke_width(2),
                        8,
                    )
                })
            }))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(-0.5, 0.0), (n_groups as f64 - 0.5, 0.0)],
            BLACK.stroke_width(1),
        )))?;
        super::side_legend(area, &legend)?;
        Ok(())
    }
}
