//! SVG text as outlines: every `<text>` plotters writes becomes a `<path>` drawn from the
//! embedded fonts, so an SVG chart renders the same in any viewer, with or without Chinese
//! fonts installed (a `font-family="sans-serif"` text leaves the glyphs to the reader's system).
//!
//! Outlining rather than embedding a font subset: the only Rust subsetters (typst's `subsetter`)
//! drop the character map browsers need, and outlines make each SVG independent of any font.
//! The text stays in an `aria-label`, so screen readers and search still see it.
//!
//! Layout follows plotters' own bitmap layout (its glyph scale, advance widths plus kerning, no
//! shaping), so SVG and PNG text match and fit the room plotters made for it; the vertical
//! anchors follow plotters' SVG `dy` values.

use std::collections::BTreeSet;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, Point};

/// The fonts text is drawn with: the first that has a character's glyph is used.
pub struct Fonts<'a> {
    faces: Vec<FontRef<'a>>,
}

impl<'a> Fonts<'a> {
    /// Fonts in order of preference (unreadable ones are skipped).
    pub fn new(faces: &[&'a [u8]]) -> Fonts<'a> {
        Fonts {
            faces: faces
                .iter()
                .filter_map(|b| FontRef::try_from_slice(b).ok())
                .collect(),
        }
    }

    /// The face and glyph that draw `c`, if any face has it.
    fn glyph(&self, c: char) -> Option<(&FontRef<'a>, GlyphId)> {
        self.faces.iter().find_map(|f| {
            let id = f.glyph_id(c);
            (id.0 != 0).then_some((f, id))
        })
    }

    /// Whether some face has a glyph for `c` (spaces and control characters always count).
    pub fn covers(&self, c: char) -> bool {
        c.is_whitespace() || c.is_control() || self.glyph(c).is_some()
    }
}

/// Replaces every `<text>` element of a plotters SVG by outlines; returns the new SVG and the
/// characters no font could draw (left out of the outline).
pub fn outline_text(svg: &str, fonts: &Fonts) -> (String, BTreeSet<char>) {
    let mut out = String::with_capacity(svg.len() * 2);
    let mut missing = BTreeSet::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        out.push_str(&rest[..start]);
        let element = &rest[start..];
        let (Some(open_end), Some(close)) = (element.find('>'), element.find("</text>")) else {
            out.push_str(element);
            rest = "";
            break;
        };
        let attrs = &element[6..open_end];
        let text = unescape(element[open_end + 1..close].trim_matches('\n'));
        out.push_str(&text_path(attrs, &text, fonts, &mut missing));
        rest = &element[close + "</text>".len()..];
    }
    out.push_str(rest);
    (out, missing)
}

/// The characters of the text an outlined SVG carries (its `aria-label`s).
pub fn texts(svg: &str) -> impl Iterator<Item = char> + '_ {
    svg.split("<path aria-label=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .flat_map(|label| unescape(label).chars().collect::<Vec<_>>())
}

/// The value of attribute `name` in an element's attribute text.
fn attr<'s>(attrs: &'s str, name: &str) -> Option<&'s str> {
    let key = format!(" {name}=\"");
    let padded_start = if attrs.starts_with(&key[1..]) {
        Some(key.len() - 1)
    } else {
        attrs.find(&key).map(|i| i + key.len())
    }?;
    let value = &attrs[padded_start..];
    value.find('"').map(|end| &value[..end])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One `<text>` element as a `<path>`.
fn text_path(attrs: &str, text: &str, fonts: &Fonts, missing: &mut BTreeSet<char>) -> String {
    let num = |name: &str| attr(attrs, name).and_then(|v| v.parse::<f64>().ok());
    let (x, y, size) = (
        num("x").unwrap_or(0.0),
        num("y").unwrap_or(0.0),
        num("font-size").unwrap_or(12.0),
    );
    // plotters' vertical anchors; an ex is taken as half an em, as browsers do for fonts
    // without an x-height (and close to DejaVu's and Noto's own).
    let baseline = y + match attr(attrs, "dy").unwrap_or("") {
        "0.76em" => 0.76 * size,
        "0.5ex" => 0.25 * size,
        "-0.5ex" => -0.25 * size,
        _ => 0.0,
    };

    // Lay the glyphs out in font units scaled to pixels.
    let mut glyphs = Vec::new();
    let mut pen = 0.0f64;
    let mut prev: Option<(usize, GlyphId)> = None;
    for c in text.chars() {
        let Some((face, id)) = fonts.glyph(c) else {
            if !fonts.covers(c) {
                missing.insert(c);
            }
            pen += 0.3 * size;
            prev = None;
            continue;
        };
        let face_index = fonts
            .faces
            .iter()
            .position(|f| std::ptr::eq(f, face))
            .unwrap_or(0);
        // plotters writes font-size = its size ÷ 1.24 and lays text out (legend boxes, label
        // room) at its size over the face's ascent-to-descent height, as its bitmaps draw it.
        let scale = size * 1.24 / f64::from(face.height_unscaled());
        if let Some((pf, pid)) = prev
            && pf == face_index
        {
            pen += f64::from(face.kern_unscaled(pid, id)) * scale;
        }
        glyphs.push((face, id, pen, scale));
        pen += f64::from(face.h_advance_unscaled(id)) * scale;
        prev = Some((face_index, id));
    }
    let x0 = x - match attr(attrs, "text-anchor").unwrap_or("start") {
        "middle" => pen / 2.0,
        "end" => pen,
        _ => 0.0,
    };

    let mut d = String::new();
    for (face, id, offset, scale) in glyphs {
        if let Some(outline) = face.outline(id) {
            let at = |p: Point| {
                (
                    x0 + offset + f64::from(p.x) * scale,
                    baseline - f64::from(p.y) * scale,
                )
            };
            path_data(&outline.curves, at, &mut d);
        }
    }
    let mut element = format!(
        "<path aria-label=\"{}\" d=\"{}\" fill=\"{}\" opacity=\"{}\"",
        escape(text),
        d.trim_end(),
        attr(attrs, "fill").unwrap_or("#000000"),
        attr(attrs, "opacity").unwrap_or("1")
    );
    if let Some(t) = attr(attrs, "transform") {
        element.push_str(&format!(" transform=\"{t}\""));
    }
    element.push_str("/>\n");
    element
}

/// Appends the SVG path commands of one glyph's curves (contours start where a curve does not
/// continue the last one).
fn path_data(curves: &[OutlineCurve], at: impl Fn(Point) -> (f64, f64), d: &mut String) {
    use std::fmt::Write;
    let mut last: Option<Point> = None;
    let mut open = false;
    for curve in curves {
        let (start, end) = match *curve {
            OutlineCurve::Line(a, b)
            | OutlineCurve::Quad(a, _, b)
            | OutlineCurve::Cubic(a, _, _, b) => (a, b),
        };
        if last != Some(start) {
            if open {
                d.push_str("Z ");
            }
            let (x, y) = at(start);
            let _ = write!(d, "M{x:.2} {y:.2} ");
            open = true;
        }
        let _ = match *curve {
            OutlineCurve::Line(_, b) => {
                let (x, y) = at(b);
                write!(d, "L{x:.2} {y:.2} ")
            }
            OutlineCurve::Quad(_, c, b) => {
                let ((cx, cy), (x, y)) = (at(c), at(b));
                write!(d, "Q{cx:.2} {cy:.2} {x:.2} {y:.2} ")
            }
            OutlineCurve::Cubic(_, c1, c2, b) => {
                let ((ax, ay), (bx, by), (x, y)) = (at(c1), at(c2), at(b));
                write!(d, "C{ax:.2} {ay:.2} {bx:.2} {by:.2} {x:.2} {y:.2} ")
            }
        };
        last = Some(end);
    }
    if open {
        d.push_str("Z ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_by_exact_name() {
        let a = r##"x="5" y="7" dy="0.76em" font-size="12" fill="#123456""##;
        assert_eq!(attr(a, "x"), Some("5"));
        assert_eq!(attr(a, "y"), Some("7"));
        assert_eq!(attr(a, "dy"), Some("0.76em"));
        assert_eq!(attr(a, "fill"), Some("#123456"));
        assert_eq!(attr(a, "transform"), None);
    }
}
