//! Several scenarios' time series on one chart, each with its 5–95% band: the baseline-versus-
//! policy chart a report needs, drawn from a comparison's compare.csv.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::CompareRow;
use super::labels::{self, Lang};
use super::lines::{self, BandLine, push_point};
use super::{Chart, DrawResult, display_scale, value_range};
use crate::output::layout;
use crate::output::read;
use crate::output::read::CompareJson;

/// One metric over the years, one banded line per scenario.
pub struct Overlay {
    metric: String,
    lang: Lang,
    lines: Vec<BandLine>,
}

/// The overlay charts of a comparison folder, one per compared metric.
pub fn charts(dir: &Path, lang: Lang) -> Result<Vec<Overlay>> {
    let rows: Vec<CompareRow> = read::csv_rows(&dir.join(layout::COMPARE_CSV))?;
    let info: CompareJson = read::json(&dir.join(layout::COMPARE_JSON))?;
    let mut out = Vec::new();
    for metric in &info.chart_metrics {
        let k = display_scale(metric);
        let mut lines: Vec<BandLine> = Vec::new();
        for scenario in &info.scenarios {
            for r in rows
                .iter()
                .filter(|r| &r.scenario == scenario && &r.metric == metric && r.breakdown == "all")
            {
                push_point(
                    &mut lines,
                    scenario,
                    (r.year as f64, r.mean * k, r.p5 * k, r.p95 * k),
                );
            }
        }
        if lines.is_empty() {
            continue;
        }
        for l in &mut lines {
            l.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        out.push(Overlay {
            metric: metric.clone(),
            lang,
            lines,
        });
    }
    Ok(out)
}

impl Chart for Overlay {
    fn stem(&self) -> String {
        format!("overlay_{}", self.metric)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let ((x_lo, x_hi), (lo, hi)) = lines::extents(&self.lines);
        let (y0, y1) = (x_lo.round() as i32, x_hi.round() as i32);
        let y_range = value_range(&self.metric, lo, hi);
        let lang = self.lang;
        let mut chart = lines::year_chart(
            area,
            &labels::metric(&self.metric, lang),
            &self.metric,
            lang,
            (y0, y1),
            y_range,
        )?;
        let legend = lines::draw(&mut chart, &self.lines, lang)?;
        super::side_legend(area, &legend)?;
        Ok(())
    }
}
