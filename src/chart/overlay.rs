//! Several scenarios' time series on one chart, each with its 5–95% band: the baseline-versus-
//! policy chart a report needs, drawn from a comparison's compare.csv.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{CompareInfo, CompareRow};
use super::labels::{self, Lang, Word};
use super::lines::{self, BandLine, push_point};
use super::{Chart, DrawResult, FAMILY, display_scale, tick_format, value_axis_title, value_range};
use crate::output::layout;
use crate::output::read;

/// One metric over the years, one banded line per scenario.
pub struct Overlay {
    metric: String,
    lang: Lang,
    lines: Vec<BandLine>,
}

/// The overlay charts of a comparison folder, one per compared metric.
pub fn charts(dir: &Path, lang: Lang) -> Result<Vec<Overlay>> {
    let rows: Vec<CompareRow> = read::csv_rows(&dir.join(layout::COMPARE_CSV))?;
    let info: CompareInfo = read::json(&dir.join(layout::COMPARE_JSON))?;
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
        let mut chart = super::frame_with_legend(area, &labels::metric(&self.metric, lang), 80)
            .build_cartesian_2d((y0 as f64 - 0.5)..(y1 as f64 + 0.5), y_range.clone())?;
        chart
            .configure_mesh()
            .x_desc(labels::word(Word::Year, lang))
            .y_desc(value_axis_title(&self.metric, lang, &y_range))
            .x_labels((y1 - y0 + 1).clamp(2, 12) as usize)
            .x_label_formatter(&|x| format!("{}", x.round() as i64))
            .y_label_formatter(&tick_format(&y_range))
            .label_style((FAMILY, 15))
            .axis_desc_style((FAMILY, 17))
            .light_line_style(WHITE)
            .draw()?;
        let legend = lines::draw(&mut chart, &self.lines, lang)?;
        super::side_legend(area, &legend)?;
        Ok(())
    }
}
