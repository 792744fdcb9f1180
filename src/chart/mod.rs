//! Charts, PNG and SVG, drawn from the CSV files of a results folder and rendered in memory
//! (`output::folder` writes them).
//!
//! Charts read only what a results folder holds (never in-memory results), so `tierflow plot
//! DIR` redraws exactly what the run drew. Text is rendered with fonts compiled into the binary
//! (plotters' `ab_glyph` feature), so a machine without system fonts or fontconfig draws the
//! same pixels: a DejaVu Sans subset for English, a Noto Sans SC subset holding all of GB 2312
//! for `--lang zh` (and for any English chart whose text needs it), or the user's `--font`.
//! SVG files carry their text as outlines drawn from the same fonts (`svg_text`), so they
//! render the same in every viewer. A character no font has is named in a warning, never left
//! silently blank.

pub mod bars;
pub mod fit;
pub mod labels;
pub mod lines;
pub mod overlay;
pub mod parameter_labels;
pub mod response;
pub mod series;
pub mod svg_text;
pub mod tornado;

use std::path::{Path, PathBuf};

use crate::output::layout::{self, FolderKind};
use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

pub use labels::Lang;

/// The Latin subset of DejaVu Sans (Bitstream Vera licence; assets/fonts/).
pub static LATIN_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-tierflow.ttf");
/// Latin-1 plus every character of GB 2312, from Noto Sans CJK SC (OFL; assets/fonts/).
pub static CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-tierflow.otf");

/// Font family every chart uses; SVG viewers substitute their own sans-serif.
pub const FAMILY: &str = "sans-serif";
/// Pixel size of every chart.
pub const SIZE: (u32, u32) = (1000, 600);

/// Metrics charted for runs and sweeps: the reform's headline outcomes.
pub const CHART_METRICS: &[&str] = &[
    "grassroots_outpatient_share",
    "grassroots_inpatient_share",
    "in_region_rate",
    "bed_occupancy",
    "referrals_up",
    "referrals_down",
    "total_cost",
    "oop_per_capita",
];

/// Colour-blind-safe palette (Okabe–Ito).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];

/// How charts are labelled.
#[derive(Clone, Debug)]
pub struct ChartOptions {
    /// Language of tierflow's own labels.
    pub lang: Lang,
    /// A TrueType/OpenType font to use instead of the embedded ones (for user text such as
    /// Chinese scenario names).
    pub font: Option<PathBuf>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            lang: Lang::En,
            font: None,
        }
    }
}

/// What drawing one chart returns.
pub type DrawResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A chart that can be drawn on any plotters backend.
pub trait Chart {
    /// File name without extension.
    fn stem(&self) -> String;
    /// Draws onto `area`, which is already filled white.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Largest `--font` file read (the largest CJK fonts are about 20 MB).
const MAX_FONT_BYTES: u64 = 64 << 20;

/// The user's `--font`, read once and kept for the life of the process (plotters keeps
/// registered fonts for ever too).
fn user_font(path: &Path) -> Result<&'static [u8]> {
    static READ: std::sync::Mutex<Vec<(PathBuf, &'static [u8])>> =
        std::sync::Mutex::new(Vec::new());
    let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, bytes)) = read.iter().find(|(p, _)| p == path) {
        return Ok(bytes);
    }
    let bytes = read_user_font(path)?;
    if ab_glyph::FontRef::try_from_slice(bytes).is_err() {
        anyhow::bail!(
            "--font: `{}` is not a TrueType or OpenType font",
            path.display()
        );
    }
    read.push((path.to_path_buf(), bytes));
    Ok(bytes)
}

/// The fonts of one chart, most preferred first: the `--font`, then the language's own, then
/// the other embedded one for characters it lacks.
fn font_order(opts: &ChartOptions) -> Result<Vec<&'static [u8]>> {
    let mut order = Vec::new();
    if let Some(path) = &opts.font {
        order.push(user_font(path)?);
    }
    match opts.lang {
        Lang::En => order.extend([LATIN_FONT, CJK_FONT]),
        Lang::Zh => order.extend([CJK_FONT, LATIN_FONT]),
    }
    Ok(order)
}

fn read_user_font(path: &Path) -> Result<&'static [u8]> {
    let unreadable = |e: std::io::Error| {
        anyhow!(
            "--font: cannot read `{}`: {}",
            path.display(),
            crate::io_words::io_reason(&e)
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() || meta.len() > MAX_FONT_BYTES {
        anyhow::bail!(
            "--font: `{}` is not a font file (expected a TrueType or OpenType file under {} MB)",
            path.display(),
            MAX_FONT_BYTES >> 20
        );
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    Ok(Box::leak(bytes.into_boxed_slice()))
}

/// Checks that the chart fonts can be used (reads a `--font`), so a bad font is reported
/// before any work.
pub fn check_font(opts: &ChartOptions) -> Result<()> {
    font_order(opts).map(|_| ())
}

/// A chart file rendered in memory: its name in `charts/` and its bytes.
pub type ChartFile = (String, Vec<u8>);

/// Renders `chart` as `STEM.png` and `STEM.svg`, in memory: charts never write files, so every
/// file of a results folder goes through `output/` (atomic writes, errors in words).
///
/// `fonts` is the order of [`font_order`]; characters none of them has are added to `missing`.
fn render(
    chart: &impl Chart,
    fonts: &[&'static [u8]],
    missing: &mut std::collections::BTreeSet<char>,
) -> Result<[ChartFile; 2]> {
    let stem = chart.stem();
    let failed = |ext: &str, e: Box<dyn std::error::Error + Send + Sync>| {
        anyhow!("cannot draw `{stem}.{ext}`: {e}")
    };
    // The SVG first: its text says which font the bitmap needs (the first that has every
    // character, as plotters draws a bitmap's text from one font).
    // plotters lays out SVG text (legend boxes, label room) with the registered font too.
    plotters::style::register_font(FAMILY, FontStyle::Normal, fonts[0])
        .map_err(|_| anyhow!("cannot draw `{stem}.svg`: its font cannot be read"))?;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        area.fill(&WHITE).map_err(|e| failed("svg", e.into()))?;
        chart.draw(&area).map_err(|e| failed("svg", e))?;
        area.present().map_err(|e| failed("svg", e.into()))?;
    }
    let faces = svg_text::Fonts::new(fonts);
    let (svg, lacking) = svg_text::outline_text(&svg, &faces);
    missing.extend(lacking.iter().copied());
    let text: Vec<char> = svg_text::texts(&svg).collect();
    let bitmap_font = fonts
        .iter()
        .copied()
        .find(|f| {
            let one = svg_text::Fonts::new(&[f]);
            text.iter().all(|&c| one.covers(c) || lacking.contains(&c))
        })
        .unwrap_or(fonts[0]);
    plotters::style::register_font(FAMILY, FontStyle::Normal, bitmap_font)
        .map_err(|_| anyhow!("cannot draw `{stem}.png`: its font cannot be read"))?;
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        area.fill(&WHITE).map_err(|e| failed("png", e.into()))?;
        chart.draw(&area).map_err(|e| failed("png", e))?;
        area.present().map_err(|e| failed("png", e.into()))?;
    }
    let mut png = Vec::new();
    {
        let mut encoder = ::png::Encoder::new(&mut png, w, h);
        encoder.set_color(::png::ColorType::Rgb);
        encoder.set_depth(::png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| failed("png", e.into()))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| failed("png", e.into()))?;
    }
    Ok([
        (format!("{stem}.png"), png),
        (format!("{stem}.svg"), svg.into_bytes()),
    ])
}

/// Renders every chart a results folder's CSV files support, in memory.
///
/// Characters no font can draw are named in a warning on standard error (the chart is still
/// drawn; give `--font` a font that has them).
pub fn render_folder(results: &Path, opts: &ChartOptions) -> Result<Vec<ChartFile>> {
    let fonts = font_order(opts)?;
    let mut missing = std::collections::BTreeSet::new();
    let files = render_kind(results, opts.lang, &fonts, &mut missing)?;
    if !missing.is_empty() {
        let chars: String = missing.iter().collect();
        eprintln!(
            "warning: the charts of `{}` draw {} character(s) that no font has, left blank: {chars} (give --font a font that has them)",
            results.display(),
            missing.len()
        );
    }
    Ok(files)
}

fn render_kind(
    results: &Path,
    lang: Lang,
    fonts: &[&'static [u8]],
    missing: &mut std::collections::BTreeSet<char>,
) -> Result<Vec<ChartFile>> {
    let mut files = Vec::new();
    match FolderKind::detect(results) {
        Some(FolderKind::Sweep) => {
            for c in response::charts(results, lang)? {
                files.extend(render(&c, fonts, missing)?);
            }
        }
        Some(FolderKind::Compare) => {
            for c in overlay::charts(results, lang)? {
                files.extend(render(&c, fonts, missing)?);
            }
            for c in bars::charts(results, lang)? {
                files.extend(render(&c, fonts, missing)?);
            }
        }
        Some(FolderKind::Calibration) => {
            files.extend(render(&fit::chart(results)?, fonts, missing)?)
        }
        Some(FolderKind::Sensitivity) => {
            files.extend(render(&tornado::chart(results, lang)?, fonts, missing)?)
        }
        Some(FolderKind::Run | FolderKind::Point) => {
            for c in series::charts(results, lang)? {
                files.extend(render(&c, fonts, missing)?);
            }
        }
        Some(FolderKind::Shard) => anyhow::bail!(
            "`{}` is one shard of a study; merge the shards first (tierflow merge)",
            results.display()
        ),
        None => anyhow::bail!(
            "`{}` holds no tierflow results (expected {}, {}, {}, {} or {})",
            results.display(),
            layout::METRICS_CSV,
            layout::SWEEP_CSV,
            layout::COMPARE_CSV,
            layout::SENSITIVITY_CSV,
            layout::FIT_CSV
        ),
    }
    if files.is_empty() {
        anyhow::bail!(
            "no chart could be drawn from `{}`: its tables hold none of the charted metrics",
            results.display()
        );
    }
    Ok(files)
}

/// Scales a metric's values for display (fractions as percentages).
pub fn display_scale(metric: &str) -> f64 {
    if labels::is_fraction(metric) {
        100.0
    } else {
        1.0
    }
}

/// Tick label of a value axis: short forms for millions and billions.
pub fn fmt_tick(v: &f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1} bn", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1} M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0} k", v / 1e3)
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// The smallest and largest finite-or-not value (infinite bounds when empty; see [`padded`]).
pub fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// The y-axis labels of a chart with one row per name, the first name on top (row i sits at
/// y = n − 1 − i); other ticks are blank.
pub fn row_labels(names: Vec<String>) -> impl Fn(&f64) -> String {
    move |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < names.len() {
            names[names.len() - 1 - i as usize].clone()
        } else {
            String::new()
        }
    }
}

/// A chart frame in the common layout: `title` on top, room for tick labels and axis names,
/// and `y_label_width` pixels for the value axis.
pub fn frame<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label_width: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    b.caption(title, (FAMILY, 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(y_label_width);
    b
}

/// Width of the legend panel right of the plotting area, so a legend never covers data.
pub const LEGEND_WIDTH: u32 = 220;

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug)]
pub enum Swatch {
    /// A shaded band.
    Band(RGBColor),
    /// A line with a marker.
    Line(RGBColor),
    /// A filled bar.
    Bar(RGBColor),
    /// A target cross.
    Cross(RGBColor),
}

/// A chart frame with room on the right for [`side_legend`].
pub fn frame_with_legend<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label_width: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = frame(area, title, y_label_width);
    b.margin_right(LEGEND_WIDTH + 8);
    b
}

/// Draws a legend in the panel right of the plotting area (see [`frame_with_legend`]); long
/// names are shortened with an ellipsis.
pub fn side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Swatch)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let x0 = (SIZE.0 - LEGEND_WIDTH) as i32;
    let font = (FAMILY, 15).into_font();
    for (i, (name, swatch)) in entries.iter().enumerate() {
        let y = 70 + 26 * i as i32;
        match *swatch {
            Swatch::Band(c) => area.draw(&Rectangle::new(
                [(x0, y - 7), (x0 + 24, y + 7)],
                c.mix(0.2).filled(),
            ))?,
            Swatch::Bar(c) => {
                area.draw(&Rectangle::new([(x0, y - 7), (x0 + 24, y + 7)], c.filled()))?
            }
            Swatch::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(x0, y), (x0 + 24, y)],
                    c.stroke_width(3),
                ))?;
                area.draw(&Circle::new((x0 + 12, y), 4, c.filled()))?;
            }
            Swatch::Cross(c) => area.draw(&Cross::new((x0 + 12, y), 6, c.stroke_width(2)))?,
        }
        let max_chars = 24;
        let text: String = if name.chars().count() > max_chars {
            name.chars().take(max_chars - 1).chain(['…']).collect()
        } else {
            name.clone()
        };
        area.draw(&Text::new(
            text,
            (x0 + 32, y - 8),
            font.clone().color(&BLACK),
        ))?;
    }
    Ok(())
}

/// The value axis of `metric` over data from `lo` to `hi` (display units): padded, and for a
/// share never below 0% nor above 100% when the data are not.
pub fn value_range(metric: &str, lo: f64, hi: f64) -> std::ops::Range<f64> {
    let r = padded(lo, hi);
    if labels::is_fraction(metric) {
        let start = if lo >= 0.0 { r.start.max(0.0) } else { r.start };
        let end = if hi <= 100.0 { r.end.min(100.0) } else { r.end };
        start..end
    } else {
        r
    }
}

/// The value-axis title of `metric`: its unit, and a plain note when a share's axis does not
/// start at zero (so a small change is not read as a large one).
pub fn value_axis_title(metric: &str, lang: Lang, range: &std::ops::Range<f64>) -> String {
    let unit = labels::unit(metric, lang);
    if labels::is_fraction(metric) && range.start > 0.0 {
        let from = tick_format(range)(&range.start);
        match lang {
            Lang::En => format!("{unit} (axis cut: starts at {from}%)"),
            Lang::Zh => format!("{unit}（纵轴截断：起点 {from}%）"),
        }
    } else {
        unit
    }
}

/// Tick labels for an axis over `range`: the unit (k, M, bn) of its largest end and enough
/// decimals that neighbouring ticks (about ten per axis) read differently.
pub fn tick_format(range: &std::ops::Range<f64>) -> impl Fn(&f64) -> String + use<> {
    let big = range.start.abs().max(range.end.abs());
    let (div, suffix) = if big >= 1e9 {
        (1e9, " bn")
    } else if big >= 1e6 {
        (1e6, " M")
    } else if big >= 1e4 {
        (1e3, " k")
    } else {
        (1.0, "")
    };
    let step = (range.end - range.start).abs() / 10.0 / div;
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        1
    };
    move |v: &f64| format!("{:.*}{suffix}", decimals, v / div)
}

/// A value range padded by 8% each side (and widened when flat) so lines clear the frame.
pub fn padded(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.08
    } else {
        lo.abs().max(1.0) * 0.05
    };
    (lo - pad)..(hi + pad)
}

/// A file-name-safe form of a label.
pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_ticks_read_differently() {
        // Ten ticks over 0.4 points of a percentage, and over 50 M of 7 bn yuan.
        let pct = tick_format(&(57.0..57.4));
        assert_ne!(pct(&57.10), pct(&57.14));
        let yuan = tick_format(&(7.0e9..7.05e9));
        assert_ne!(yuan(&7.000e9), yuan(&7.005e9));
        assert!(yuan(&7.0e9).ends_with(" bn"));
        assert_eq!(tick_format(&(0.0..100.0))(&20.0), "20");
    }
}
