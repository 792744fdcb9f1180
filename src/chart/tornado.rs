//! The tornado chart of a sensitivity analysis: each parameter's effect on one metric when
//! moved down and up, largest swing on top, with 5–95% whiskers of the paired effect.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Deserialize;

use super::labels::{self, Lang, Word};
use super::{
    Chart, DrawResult, FAMILY, PALETTE, Swatch, display_scale, fmt_tick, padded, parameter_labels,
    tick_format,
};
use crate::output::layout;
use crate::output::read;

/// A row of sensitivity.csv.
#[derive(Clone, Debug, Deserialize)]
pub struct SensitivityRow {
    /// Parameter path.
    pub parameter: String,
    /// Central value.
    pub base_value: f64,
    /// Value moved down.
    pub low_value: f64,
    /// Value moved up.
    pub high_value: f64,
    /// Metric name.
    pub metric: String,
    /// Breakdown label.
    pub tier: String,
    /// Year.
    pub year: i32,
    /// Mean metric at central values.
    pub base_mean: f64,
    /// Mean paired effect of moving down.
    pub low_effect_mean: f64,
    /// 5th percentile of that effect.
    pub low_effect_p5: f64,
    /// 95th percentile of that effect.
    pub low_effect_p95: f64,
    /// Mean paired effect of moving up.
    pub high_effect_mean: f64,
    /// 5th percentile of that effect.
    pub high_effect_p5: f64,
    /// 95th percentile of that effect.
    pub high_effect_p95: f64,
    /// |high − low| effect: the sort key.
    pub swing: f64,
    /// 95% confidence interval of the mean effect of moving down: low end.
    #[serde(default)]
    pub low_effect_ci95_low: Option<f64>,
    /// …and high end.
    #[serde(default)]
    pub low_effect_ci95_high: Option<f64>,
    /// 95% confidence interval of the mean effect of moving up: low end.
    #[serde(default)]
    pub high_effect_ci95_low: Option<f64>,
    /// …and high end.
    #[serde(default)]
    pub high_effect_ci95_high: Option<f64>,
}

/// The tornado chart.
pub struct Tornado {
    rows: Vec<SensitivityRow>,
    lang: Lang,
    /// The relative move of every parameter (0.2 for ±20%), from sensitivity.json.
    range: Option<f64>,
}

/// The tornado chart of a sensitivity folder (sensitivity.csv).
pub fn chart(dir: &Path, lang: Lang) -> Result<Tornado> {
    let mut rows: Vec<SensitivityRow> = read::csv_rows(&dir.join(layout::SENSITIVITY_CSV))?;
    rows.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    #[derive(Deserialize)]
    struct Moved {
        range: f64,
    }
    let range = read::json::<Moved>(&dir.join(layout::SENSITIVITY_JSON))
        .ok()
        .map(|m| m.range);
    Ok(Tornado { rows, lang, range })
}

impl Chart for Tornado {
    fn stem(&self) -> String {
        "tornado".to_string()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let Some(first) = self.rows.first() else {
            return Ok(());
        };
        let lang = self.lang;
        let k = display_scale(&first.metric);
        let all = self
            .rows
            .iter()
            .flat_map(|r| {
                [
                    r.low_effect_p5,
                    r.low_effect_p95,
                    r.high_effect_p5,
                    r.high_effect_p95,
                ]
            })
            .map(|v| v * k)
            .chain([0.0]);
        let (lo, hi) = super::extent(all);
        let n = self.rows.len();
        let x_range = padded(lo, hi);
        let moved = self.range.map_or(String::new(), |r| match lang {
            Lang::En => format!(" · each parameter ±{}%", (r * 1000.0).round() / 10.0),
            Lang::Zh => format!(" · 各参数 ±{}%", (r * 1000.0).round() / 10.0),
        });
        let title = format!(
            "{} ({}) · {} {}{}{moved}",
            labels::metric_in_year(&first.metric, first.year, lang),
            labels::breakdown(&first.tier, lang),
            labels::word(Word::Mean, lang),
            fmt_tick(&(first.base_mean * k)),
            if k == 100.0 { "%" } else { "" }
        );
        let names: Vec<String> = self
            .rows
            .iter()
            .map(|r| parameter_labels::parameter(&r.parameter, lang))
            .collect();
        // About 7 px per Latin character and 14 per Chinese one at the label size.
        let label_width = names
            .iter()
            .map(|n| {
                n.chars()
                    .map(|c| if c.is_ascii() { 7 } else { 14 })
                    .sum::<u32>()
            })
            .max()
            .unwrap_or(80)
            .clamp(80, 380);
        let mut chart = super::frame_with_legend(area, &title, label_width + 20)
            .build_cartesian_2d(x_range.clone(), -0.5..(n as f64 - 0.5))?;
        // Largest swing at the top: row i sits at y = n − 1 − i.
        let y_fmt = super::row_labels(names);
        chart
            .configure_mesh()
            .x_desc(format!(
                "{} {} ({})",
                labels::word(Word::ChangeIn, lang),
                labels::metric(&first.metric, lang),
                if k == 100.0 {
                    "pp".to_string()
                } else {
                    labels::unit(&first.metric, lang)
                }
            ))
            .y_labels(n + 1)
            .y_label_formatter(&y_fmt)
            .x_label_formatter(&tick_format(&x_range))
            .disable_y_mesh()
            .label_style((FAMILY, 14))
            .axis_desc_style((FAMILY, 17))
            .light_line_style(WHITE)
            .draw()?;
        let y_of = |i: usize| (n - 1 - i) as f64;
        let mut legend = Vec::new();
        for (side, colour, word) in [(0, PALETTE[0], Word::Lower), (1, PALETTE[1], Word::Higher)] {
            let effect = |r: &SensitivityRow| {
                if side == 0 {
                    (r.low_effect_mean, r.low_effect_p5, r.low_effect_p95)
                } else {
                    (r.high_effect_mean, r.high_effect_p5, r.high_effect_p95)
                }
            };
            let offset = if side == 0 { 0.17 } else { -0.17 };
            chart.draw_series(self.rows.iter().enumerate().map(|(i, r)| {
                let (m, _, _) = effect(r);
                let y = y_of(i) + offset;
                Rectangle::new([(0.0, y - 0.15), (m * k, y + 0.15)], colour.filled())
            }))?;
            legend.push((labels::word(word, lang).to_string(), Swatch::Bar(colour)));
            chart.draw_series(self.rows.iter().enumerate().map(|(i, r)| {
                let (m, p5, p95) = effect(r);
                ErrorBar::new_horizontal(
                    y_of(i) + offset,
                    p5 * k,
                    m * k,
                    p95 * k,
                    BLACK.stroke_width(1),
                    6,
                )
            }))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))?;
        super::side_legend(area, &legend)?;
        Ok(())
    }
}
