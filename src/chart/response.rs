//! Response curves of a sweep: a metric in the last year against the first varied parameter,
//! one line (with its 5–95% band) per combination of the other varied parameters.

use std::path::Path;

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::labels::{self, Lang, Word};
use super::lines::{self, BandLine, push_point};
use super::{
    CHART_METRICS, Chart, DrawResult, FAMILY, display_scale, padded, parameter_labels, tick_format,
    value_axis_title, value_range,
};
use crate::output::layout;

/// One metric's response to the first varied parameter.
pub struct ResponseChart {
    metric: String,
    year: i32,
    x_path: String,
    /// Tick labels when the varied values are not numbers (then x is their index).
    x_names: Option<Vec<String>>,
    /// One line per combination of the other varied values, in display units.
    lines: Vec<BandLine>,
    lang: Lang,
}

struct SweepRow {
    varied: Vec<String>,
    year: i32,
    metric: String,
    tier: String,
    mean: f64,
    p5: f64,
    p95: f64,
}

fn read_sweep(path: &Path) -> Result<(Vec<String>, Vec<SweepRow>)> {
    let mut r = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let n_varied = header
        .iter()
        .position(|h| h == "year")
        .with_context(|| format!("`{}` has no `year` column", path.display()))?;
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("`{}` has no `{name}` column", path.display()))
    };
    let others = [col("group")?, col("condition")?, col("signing")?];
    let (metric, tier, mean, p5, p95) = (
        col("metric")?,
        col("tier")?,
        col("mean")?,
        col("p5")?,
        col("p95")?,
    );
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("`{}` line {}", path.display(), i + 2))?;
        let num = |c: usize| -> Result<f64> {
            rec.get(c).unwrap_or("").parse().with_context(|| {
                format!(
                    "`{}` line {}: `{}` is not a number",
                    path.display(),
                    i + 2,
                    header[c]
                )
            })
        };
        rows.push(SweepRow {
            varied: (0..n_varied).map(|c| rec[c].to_string()).collect(),
            year: rec[n_varied]
                .parse()
                .with_context(|| format!("`{}` line {}: bad year", path.display(), i + 2))?,
            metric: rec[metric].to_string(),
            tier: if others.iter().all(|&c| &rec[c] == "all") {
                rec[tier].to_string()
            } else {
                "?".to_string()
            },
            mean: num(mean)?,
            p5: num(p5)?,
            p95: num(p95)?,
        });
    }
    Ok((header[..n_varied].to_vec(), rows))
}

/// The response charts of a sweep folder (sweep.csv).
pub fn charts(dir: &Path, lang: Lang) -> Result<Vec<ResponseChart>> {
    let (varied, rows) = read_sweep(&dir.join(layout::SWEEP_CSV))?;
    let Some(x_path) = varied.first().cloned() else {
        anyhow::bail!(
            "`{}` names no varied parameter",
            dir.join(layout::SWEEP_CSV).display()
        );
    };
    let Some(year) = rows.iter().map(|r| r.year).max() else {
        return Ok(Vec::new());
    };
    // x values in first-seen (grid) order.
    let mut x_values: Vec<String> = Vec::new();
    for r in &rows {
        if !x_values.contains(&r.varied[0]) {
            x_values.push(r.varied[0].clone());
        }
    }
    let numeric: Option<Vec<f64>> = x_values.iter().map(|v| v.parse().ok()).collect();
    let x_of = |v: &str| match &numeric {
        Some(n) => n[x_values.iter().position(|x| x == v).expect("seen")],
        None => x_values.iter().position(|x| x == v).expect("seen") as f64,
    };
    let mut out = Vec::new();
    for metric in CHART_METRICS {
        let k = display_scale(metric);
        let mut lines: Vec<BandLine> = Vec::new();
        for r in rows
            .iter()
            .filter(|r| r.year == year && r.metric == *metric && r.tier == "all")
        {
            let name = varied[1..]
                .iter()
                .zip(&r.varied[1..])
                .map(|(p, v)| format!("{} = {v}", parameter_labels::parameter(p, lang)))
                .collect::<Vec<_>>()
                .join(", ");
            // A sweep of one parameter has one line: the mean.
            let name = if varied.len() == 1 {
                labels::word(Word::Mean, lang).to_string()
            } else {
                name
            };
            push_point(
                &mut lines,
                &name,
                (x_of(&r.varied[0]), r.mean * k, r.p5 * k, r.p95 * k),
            );
        }
        if lines.is_empty() {
            continue;
        }
        for l in &mut lines {
            l.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        out.push(ResponseChart {
            metric: metric.to_string(),
            year,
            x_path: x_path.clone(),
            x_names: numeric.is_none().then(|| x_values.clone()),
            lines,
            lang,
        });
    }
    Ok(out)
}

impl Chart for ResponseChart {
    fn stem(&self) -> String {
        format!("response_{}", self.metric)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let ((x_lo, x_hi), (y_lo, y_hi)) = lines::extents(&self.lines);
        let (x_range, y_range) = (padded(x_lo, x_hi), value_range(&self.metric, y_lo, y_hi));
        let x_ticks = tick_format(&x_range);
        let lang = self.lang;
        let x_name = parameter_labels::parameter(&self.x_path, lang);
        let title = format!(
            "{} {} {x_name}",
            labels::metric_in_year(&self.metric, self.year, lang),
            labels::word(Word::Versus, lang),
        );
        let mut chart = super::frame_with_legend(area, &title, 80)
            .build_cartesian_2d(x_range.clone(), y_range.clone())?;
        let names = self.x_names.clone();
        let x_fmt = move |x: &f64| match &names {
            Some(n) if (x - x.round()).abs() < 1e-9 && *x >= 0.0 => {
                n.get(x.round() as usize).cloned().unwrap_or_default()
            }
            Some(_) => String::new(),
            None => x_ticks(x),
        };
        chart
            .configure_mesh()
            .x_desc(&x_name)
            .y_desc(value_axis_title(&self.metric, lang, &y_range))
            .x_label_formatter(&x_fmt)
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
