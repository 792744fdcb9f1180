//! The fit chart of a calibration: each target's simulated value as a distance from its
//! published value in tolerances, with the 5–95% band of the replications, against the shaded
//! band of a met target (−1 to 1). One scale for every target, whatever its unit.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Deserialize;

use super::{Chart, DrawResult, FAMILY, PALETTE, padded, tick_format};
use crate::output::layout;
use crate::output::read;

/// A row of fit.csv.
#[derive(Clone, Debug, Deserialize)]
pub struct FitRow {
    /// Target name.
    pub target: String,
    /// Published value.
    pub value: f64,
    /// Simulated value.
    pub simulated_mean: f64,
    /// 5th percentile over replications.
    pub p5: f64,
    /// 95th percentile over replications.
    pub p95: f64,
    /// Tolerance.
    pub tolerance: f64,
    /// Whether it is within tolerance.
    pub met: bool,
}

/// The fit chart.
pub struct FitChart {
    rows: Vec<FitRow>,
}

/// The fit chart of a calibration folder (fit.csv).
pub fn chart(dir: &Path) -> Result<FitChart> {
    Ok(FitChart {
        rows: read::csv_rows(&dir.join(layout::FIT_CSV))?,
    })
}

/// Distance from the published value in tolerances (0 when undefined, drawn hollow).
fn z(x: f64, r: &FitRow) -> f64 {
    let v = (x - r.value) / r.tolerance;
    if v.is_finite() { v } else { 0.0 }
}

impl Chart for FitChart {
    fn stem(&self) -> String {
        "fit".to_string()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let n = self.rows.len();
        if n == 0 {
            return Ok(());
        }
        let all = self
            .rows
            .iter()
            .flat_map(|r| [z(r.simulated_mean, r), z(r.p5, r), z(r.p95, r)])
            .chain([-1.5, 1.5]);
        let (lo, hi) = super::extent(all);
        let x_range = padded(lo.max(-20.0), hi.min(20.0));
        let label_width = self
            .rows
            .iter()
            .map(|r| r.target.chars().count())
            .max()
            .unwrap_or(10)
            .clamp(10, 56) as u32
            * 7;
        let met = self.rows.iter().filter(|r| r.met).count();
        let title = format!("Calibration fit: {met} of {n} targets within tolerance");
        let mut chart = super::frame(area, &title, label_width + 20)
            .build_cartesian_2d(x_range.clone(), -0.5..(n as f64 - 0.5))?;
        let names: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let s: String = r.target.chars().take(56).collect();
                s
            })
            .collect();
        let y_fmt = super::row_labels(names);
        chart
            .configure_mesh()
            .x_desc("(simulated − published) ÷ tolerance; shaded: within tolerance")
            .y_labels(n + 1)
            .y_label_formatter(&y_fmt)
            .x_label_formatter(&tick_format(&x_range))
            .disable_y_mesh()
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 16))
            .light_line_style(WHITE)
            .draw()?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(-1.0, -0.5), (1.0, n as f64 - 0.5)],
            PALETTE[2].mix(0.18).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))?;
        let y_of = |i: usize| (n - 1 - i) as f64;
        chart.draw_series(self.rows.iter().enumerate().map(|(i, r)| {
            ErrorBar::new_horizontal(
                y_of(i),
                z(r.p5, r),
                z(r.simulated_mean, r),
                z(r.p95, r),
                BLACK.stroke_width(1),
                8,
            )
        }))?;
        chart.draw_series(self.rows.iter().enumerate().map(|(i, r)| {
            let colour = if r.met { PALETTE[2] } else { PALETTE[3] };
            let style = if r.simulated_mean.is_finite() {
                colour.filled()
            } else {
                colour.stroke_width(2)
            };
            Circle::new((z(r.simulated_mean, r), y_of(i)), 6, style)
        }))?;
        Ok(())
    }
}
