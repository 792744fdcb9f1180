//! Lines with 5–95% bands, shared by run time series and sweep response curves.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::labels::{self, Lang, Word};
use super::{PALETTE, Swatch};

/// The chart of `metric` over the years `years` (first, last) with value axis `y_range`: the
/// common frame with room for the legend panel, and the year and value axes (run series and
/// the overlay of compared scenarios share it).
pub fn year_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    metric: &str,
    lang: Lang,
    years: (i32, i32),
    y_range: std::ops::Range<f64>,
) -> Result<
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error + Send + Sync>,
>
where
    DB::ErrorType: 'static,
{
    let (y0, y1) = years;
    let mut chart = super::frame_with_legend(area, title, 80)
        .build_cartesian_2d((y0 as f64 - 0.5)..(y1 as f64 + 0.5), y_range.clone())?;
    chart
        .configure_mesh()
        .x_desc(labels::word(Word::Year, lang))
        .y_desc(super::value_axis_title(metric, lang, &y_range))
        .x_labels((y1 - y0 + 1).clamp(2, 12) as usize)
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&super::tick_format(&y_range))
        .label_style((super::FAMILY, 15))
        .axis_desc_style((super::FAMILY, 17))
        .light_line_style(WHITE)
        .draw()?;
    Ok(chart)
}

/// One point of a banded line, in display units: (x, mean, p5, p95).
pub type BandPoint = (f64, f64, f64, f64);

/// A named line with its band, points in x order.
pub struct BandLine {
    /// Legend text.
    pub name: String,
    /// Points in x order.
    pub points: Vec<BandPoint>,
}

/// Adds `point` to the line called `name`, starting a new line for a new name.
pub fn push_point(lines: &mut Vec<BandLine>, name: &str, point: BandPoint) {
    match lines.iter_mut().find(|l| l.name == name) {
        Some(l) => l.points.push(point),
        None => lines.push(BandLine {
            name: name.to_string(),
            points: vec![point],
        }),
    }
}

/// The smallest and largest of the x values and of the band values of `lines`.
pub fn extents(lines: &[BandLine]) -> ((f64, f64), (f64, f64)) {
    let points = || lines.iter().flat_map(|l| l.points.iter());
    (
        super::extent(points().map(|p| p.0)),
        super::extent(points().flat_map(|p| [p.1, p.2, p.3])),
    )
}

/// Draws each line as a shaded band, a mean line and point markers; returns the legend entries
/// (each line, then one "5–95% band" entry).
pub fn draw<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    lines: &[BandLine],
    lang: Lang,
) -> Result<Vec<(String, Swatch)>, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let mut legend = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let pts = &line.points;
        let band: Vec<(f64, f64)> = pts
            .iter()
            .map(|p| (p.0, p.3))
            .chain(pts.iter().rev().map(|p| (p.0, p.2)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.2))))?;
        let mean: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
        chart.draw_series(LineSeries::new(mean.clone(), colour.stroke_width(3)))?;
        chart.draw_series(mean.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
        legend.push((line.name.clone(), Swatch::Line(colour)));
    }
    if !lines.is_empty() {
        legend.push((
            labels::word(Word::Band, lang).to_string(),
            Swatch::Band(PALETTE[0]),
        ));
    }
    Ok(legend)
}
