//! Time series of a run's key metrics: mean line, 5–95% band, and the scenario's level targets.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::labels::{self, Lang, Word};
use super::read::{self, BandRow, TargetRow};
use super::{CHART_METRICS, Chart, DrawResult, FAMILY, PALETTE, display_scale, fmt_tick, padded};

/// One metric over the years, one line per breakdown.
pub struct SeriesChart {
    metric: String,
    lang: Lang,
    /// (breakdown label, rows in year order).
    lines: Vec<(String, Vec<BandRow>)>,
    targets: Vec<TargetRow>,
    scenario: String,
}

/// The time-series charts of a run folder (metrics.csv, summary.json).
pub fn charts(dir: &Path, lang: Lang) -> Result<Vec<SeriesChart>> {
    let rows: Vec<BandRow> = read::csv_rows(&dir.join("metrics.csv"))?;
    let targets = read::targets(dir)?;
    let scenario = read::scenario_name(dir);
    let mut out = Vec::new();
    for metric in CHART_METRICS {
        let of_metric: Vec<&BandRow> = rows.iter().filter(|r| r.metric == *metric).collect();
        // Bed occupancy differs by tier far more than in total, so it is drawn per tier.
        let wanted = |tier: &str| {
            if *metric == "bed_occupancy" {
                tier != "all"
            } else {
                tier == "all"
            }
        };
        let mut lines: Vec<(String, Vec<BandRow>)> = Vec::new();
        for r in of_metric.iter().filter(|r| wanted(&r.tier)) {
            match lines.iter_mut().find(|(t, _)| *t == r.tier) {
                Some((_, v)) => v.push((*r).clone()),
                None => lines.push((r.tier.clone(), vec![(*r).clone()])),
            }
        }
        if lines.is_empty() {
            continue;
        }
        let targets = targets
            .iter()
            .filter(|t| t.metric == *metric && t.basis == "level")
            .filter(|t| lines.iter().any(|(tier, _)| *tier == t.tier))
            .cloned()
            .collect();
        out.push(SeriesChart {
            metric: metric.to_string(),
            lang,
            lines,
            targets,
            scenario: scenario.clone(),
        });
    }
    Ok(out)
}

impl Chart for SeriesChart {
    fn stem(&self) -> String {
        format!("series_{}", self.metric)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let k = display_scale(&self.metric);
        let years = self
            .lines
            .iter()
            .flat_map(|(_, v)| v.iter().map(|r| r.year));
        let (y0, y1) = (years.clone().min().unwrap_or(0), years.max().unwrap_or(0));
        let values = self
            .lines
            .iter()
            .flat_map(|(_, v)| v.iter().flat_map(|r| [r.p5, r.p95, r.mean]))
            .chain(self.targets.iter().map(|t| t.value))
            .map(|v| v * k);
        let lo = values.clone().fold(f64::INFINITY, f64::min);
        let hi = values.fold(f64::NEG_INFINITY, f64::max);
        let lang = self.lang;
        let title = format!("{} · {}", labels::metric(&self.metric, lang), self.scenario);
        let mut chart = ChartBuilder::on(area)
            .caption(&title, (FAMILY, 26))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d((y0 as f64 - 0.5)..(y1 as f64 + 0.5), padded(lo, hi))?;
        chart
            .configure_mesh()
            .x_desc(labels::word(Word::Year, lang))
            .y_desc(labels::unit(&self.metric, lang))
            .x_labels((y1 - y0 + 1).clamp(2, 12) as usize)
            .x_label_formatter(&|x| format!("{}", x.round() as i64))
            .y_label_formatter(&fmt_tick)
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .light_line_style(WHITE)
            .draw()?;
        for (i, (tier, rows)) in self.lines.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let band: Vec<(f64, f64)> = rows
                .iter()
                .map(|r| (r.year as f64, r.p95 * k))
                .chain(rows.iter().rev().map(|r| (r.year as f64, r.p5 * k)))
                .collect();
            let drawn = chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.2))))?;
            if i == 0 {
                drawn
                    .label(labels::word(Word::Band, lang))
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 20, y + 6)], colour.mix(0.2).filled())
                    });
            }
            let mean: Vec<(f64, f64)> = rows.iter().map(|r| (r.year as f64, r.mean * k)).collect();
            let name = if tier == "all" {
                labels::word(Word::Mean, lang).to_string()
            } else {
                format!(
                    "{} {}",
                    labels::breakdown(tier, lang),
                    labels::word(Word::Mean, lang)
                )
            };
            chart
                .draw_series(LineSeries::new(mean.clone(), colour.stroke_width(3)))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                });
            chart.draw_series(mean.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
        }
        if !self.targets.is_empty() {
            let red = RGBColor(200, 30, 30);
            chart
                .draw_series(
                    self.targets
                        .iter()
                        .map(|t| Cross::new((t.year as f64, t.value * k), 9, red.stroke_width(3))),
                )?
                .label(labels::word(Word::Target, lang))
                .legend(move |(x, y)| Cross::new((x + 10, y), 6, red.stroke_width(2)));
            chart.draw_series(self.targets.iter().map(|t| {
                let text = format!(
                    "{} {}",
                    t.op.replace(">=", "≥").replace("<=", "≤"),
                    fmt_tick(&(t.value * k))
                );
                EmptyElement::at((t.year as f64, t.value * k))
                    + Text::new(text, (12, 4), (FAMILY, 16).into_font().color(&red))
            }))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FAMILY, 15))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
        Ok(())
    }
}
