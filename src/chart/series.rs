//! Time series of a run's key metrics: mean line, 5–95% band, and the scenario's level targets.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::labels::{self, Lang, Word};
use super::lines::{self, BandLine, push_point};
use super::{
    CHART_METRICS, Chart, DrawResult, FAMILY, Swatch, display_scale, fmt_tick, value_range,
};
use crate::output::layout;
use crate::output::read::{self, BandRow, TargetRow};

/// One metric over the years, one line per breakdown.
pub struct SeriesChart {
    metric: String,
    lang: Lang,
    /// One line per breakdown: x is the year, values in display units.
    lines: Vec<BandLine>,
    targets: Vec<TargetRow>,
    scenario: String,
}

/// The time-series charts of a run folder (metrics.csv, summary.json).
pub fn charts(dir: &Path, lang: Lang) -> Result<Vec<SeriesChart>> {
    let rows: Vec<BandRow> = read::csv_rows(&dir.join(layout::METRICS_CSV))?;
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
        let k = display_scale(metric);
        let mut lines: Vec<BandLine> = Vec::new();
        let mut tiers: Vec<&str> = Vec::new();
        // Only the region and its tiers are drawn, not the group, condition or signing rows.
        let of_metric: Vec<&&BandRow> = of_metric
            .iter()
            .filter(|r| r.group == "all" && r.condition == "all" && r.signing == "all")
            .collect();
        for r in of_metric.iter().filter(|r| wanted(&r.tier)) {
            let name = if r.tier == "all" {
                labels::word(Word::Mean, lang).to_string()
            } else {
                format!(
                    "{} {}",
                    labels::breakdown(&r.tier, lang),
                    labels::word(Word::Mean, lang)
                )
            };
            let point = (r.year as f64, r.mean * k, r.p5 * k, r.p95 * k);
            push_point(&mut lines, &name, point);
            if !tiers.contains(&r.tier.as_str()) {
                tiers.push(&r.tier);
            }
        }
        if lines.is_empty() {
            continue;
        }
        let targets = targets
            .iter()
            .filter(|t| t.metric == *metric && t.basis == "level")
            .filter(|t| tiers.contains(&t.tier.as_str()))
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
        let ((x_lo, x_hi), (lo, hi)) = lines::extents(&self.lines);
        let (lo, hi) = super::extent(self.targets.iter().map(|t| t.value * k).chain([lo, hi]));
        let (y0, y1) = (x_lo.round() as i32, x_hi.round() as i32);
        let y_range = value_range(&self.metric, lo, hi);
        let lang = self.lang;
        let title = format!("{} · {}", labels::metric(&self.metric, lang), self.scenario);
        let mut chart = lines::year_chart(area, &title, &self.metric, lang, (y0, y1), y_range)?;
        let mut legend = lines::draw(&mut chart, &self.lines, lang)?;
        if !self.targets.is_empty() {
            let red = RGBColor(200, 30, 30);
            chart.draw_series(
                self.targets
                    .iter()
                    .map(|t| Cross::new((t.year as f64, t.value * k), 9, red.stroke_width(3))),
            )?;
            legend.push((
                labels::word(Word::Target, lang).to_string(),
                Swatch::Cross(red),
            ));
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
        super::side_legend(area, &legend)?;
        Ok(())
    }
}
