//! The report page: HTML escaping, tables, figures, and the one self-contained document (CSS and
//! fonts inline, a content security policy that forbids every network request).

use std::fmt::Write;

use base64::Engine;

use crate::chart::{CJK_FONT, LATIN_FONT};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: text, an optional second line in small type, and whether it holds a number
/// (right-aligned).
pub struct Cell {
    /// The cell's text (escaped when written).
    pub text: String,
    /// A smaller second line (a raw parameter path under its name).
    pub sub: Option<String>,
    /// Numbers are right-aligned and use tabular figures.
    pub numeric: bool,
}

/// A text cell.
pub fn text(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        sub: None,
        numeric: false,
    }
}

/// A text cell with a second line in small type.
pub fn text2(s: impl Into<String>, sub: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        sub: Some(sub.into()),
        numeric: false,
    }
}

/// A numeric cell with a second line in small type (an interval under its mean).
pub fn number2(s: impl Into<String>, sub: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        sub: Some(sub.into()),
        numeric: true,
    }
}

/// A numeric cell.
pub fn number(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        sub: None,
        numeric: true,
    }
}

/// The report body, built section by section.
#[derive(Default)]
pub struct Body {
    html: String,
}

impl Body {
    /// A section heading (`level` 2 or 3).
    pub fn heading(&mut self, level: u8, title: &str) {
        let _ = writeln!(self.html, "<h{level}>{}</h{level}>", esc(title));
    }

    /// A paragraph of plain text.
    pub fn para(&mut self, s: &str) {
        let _ = writeln!(self.html, "<p>{}</p>", esc(s));
    }

    /// A small explanatory note.
    pub fn note(&mut self, s: &str) {
        let _ = writeln!(self.html, "<p class=\"note\">{}</p>", esc(s));
    }

    /// A list of label: value facts.
    pub fn facts(&mut self, rows: &[(&str, String)]) {
        self.html.push_str("<dl class=\"facts\">\n");
        for (k, v) in rows {
            let _ = writeln!(self.html, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        }
        self.html.push_str("</dl>\n");
    }

    /// A table with a header row.
    pub fn table(&mut self, head: &[&str], rows: &[Vec<Cell>]) {
        self.html
            .push_str("<div class=\"table\"><table>\n<thead><tr>");
        for h in head {
            let _ = write!(self.html, "<th>{}</th>", esc(h));
        }
        self.html.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            self.html.push_str("<tr>");
            for c in row {
                let class = if c.numeric { " class=\"num\"" } else { "" };
                let sub = c
                    .sub
                    .as_deref()
                    .map_or(String::new(), |s| format!("<br><code>{}</code>", esc(s)));
                let _ = write!(self.html, "<td{class}>{}{sub}</td>", esc(&c.text));
            }
            self.html.push_str("</tr>\n");
        }
        self.html.push_str("</tbody></table></div>\n");
    }

    /// Preformatted text (a command, a file's notes).
    pub fn pre(&mut self, s: &str) {
        let _ = writeln!(self.html, "<pre>{}</pre>", esc(s));
    }

    /// A chart: an SVG document inline (tierflow's own, text already outlined), in a figure.
    pub fn figure(&mut self, svg: &str, caption: &str) {
        // Drop the XML prolog and give the chart a view box so it scales with the page.
        let start = svg.find("<svg").unwrap_or(0);
        let svg = svg[start..].replacen(
            "<svg ",
            "<svg viewBox=\"0 0 1000 600\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" ",
            1,
        );
        let _ = writeln!(
            self.html,
            "<figure>{svg}<figcaption>{}</figcaption></figure>",
            esc(caption)
        );
    }

    /// Appends another body's content.
    pub fn extend(&mut self, other: Body) {
        self.html.push_str(&other.html);
    }

    /// The body's HTML.
    pub fn html(&self) -> &str {
        &self.html
    }
}

const CSS: &str = r#"
:root { --ink: #1b1f24; --muted: #5b6570; --rule: #d5dae0; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font-family: "tierflow-sans", sans-serif; color: var(--ink); margin: 0 auto;
  max-width: 68rem; padding: 2rem 1.5rem 4rem; line-height: 1.5; font-size: 15px; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid var(--accent);
  padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p.lead { color: var(--muted); margin-top: 0; }
p.note { color: var(--muted); font-size: .88rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
div.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .84rem; margin: .4rem 0 .8rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f1f4f7; font-weight: 600; }
td:first-child { min-width: 12rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre { background: #f6f8fa; border: 1px solid var(--rule); padding: .6rem .8rem;
  white-space: pre-wrap; word-break: break-word; font-size: .85rem; }
figure { margin: 1rem 0 1.6rem; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
td.num code { font-family: inherit; font-size: .8rem; white-space: nowrap; }
td code { color: var(--muted); font-size: .78rem; word-break: break-all; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, dl.facts { break-inside: avoid; }
  div.table { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Whether the Latin font draws every character of `text` (else the Chinese one is embedded).
fn latin_covers(text: &str) -> bool {
    let fonts = crate::chart::svg_text::Fonts::new(&[LATIN_FONT]);
    text.chars().all(|c| fonts.covers(c))
}

/// The whole document: title, body and footer, with CSS and the fonts it needs inline.
pub fn document(lang_attr: &str, title: &str, lead: &str, body: &Body, footer: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let all_text = format!("{title}{lead}{}{footer}", body.html());
    // The Chinese font (GB 2312, about 2 MB inline) only when the page needs it.
    let mut faces = format!(
        "@font-face {{ font-family: \"tierflow-sans\"; src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}\n",
        b64.encode(LATIN_FONT)
    );
    if !latin_covers(&all_text) {
        let _ = writeln!(
            faces,
            "@font-face {{ font-family: \"tierflow-sans-cjk\"; src: url(data:font/otf;base64,{}) format(\"opentype\"); }}",
            b64.encode(CJK_FONT)
        );
        faces.push_str(
            "body { font-family: \"tierflow-sans\", \"tierflow-sans-cjk\", sans-serif; }\n",
        );
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang_attr}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tierflow {version}">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:">
<title>{title_esc}</title>
<style>
{faces}{CSS}</style>
</head>
<body>
<header><h1>{title_esc}</h1><p class="lead">{lead_esc}</p></header>
<main>
{body_html}</main>
<footer>{footer_esc}</footer>
</body>
</html>
"#,
        version = env!("CARGO_PKG_VERSION"),
        title_esc = esc(title),
        lead_esc = esc(lead),
        body_html = body.html(),
        footer_esc = esc(footer),
    )
}

/// Marks a file as a tierflow report (so `report` may replace it, and nothing else).
pub const GENERATOR_MARK: &str = "<meta name=\"generator\" content=\"tierflow ";
