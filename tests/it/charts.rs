//! Charts: every file valid PNG/SVG with content, redrawn identically from a folder alone,
//! Chinese labels covered by the embedded font.

use std::path::{Path, PathBuf};

use crate::common::{repo, tierflow_error, tierflow_ok};

fn chart_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Asserts a PNG decodes at the chart size and is not blank, and an SVG parses with text in it.
fn assert_valid(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(!bytes.is_empty(), "{} is empty", path.display());
    match path.extension().and_then(|e| e.to_str()) {
        Some("png") => {
            let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .to_rgb8();
            assert_eq!(
                img.dimensions(),
                tierflow::chart::SIZE,
                "{}",
                path.display()
            );
            let coloured = img.pixels().filter(|p| p.0 != [255, 255, 255]).count();
            assert!(coloured > 5_000, "{} is nearly blank", path.display());
        }
        Some("svg") => {
            let text = String::from_utf8(bytes).unwrap();
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
            // Text is drawn as outlines (renders the same in every viewer), each carrying its
            // words in an aria-label; no <text> is left to the viewer's fonts.
            let labels = doc
                .descendants()
                .filter(|n| n.has_tag_name("path") && n.attribute("aria-label").is_some())
                .count();
            assert!(labels > 5, "{} has no labels", path.display());
            assert!(
                !doc.descendants().any(|n| n.has_tag_name("text")),
                "{} leaves text to the viewer's fonts",
                path.display()
            );
        }
        other => panic!("unexpected chart file {} ({other:?})", path.display()),
    }
}

const SMALL: [&str; 4] = ["--set", "population.scale=0.002", "-r", "3"];

fn with(args: &[&str]) -> Vec<String> {
    args.iter().chain(&SMALL).map(|s| s.to_string()).collect()
}

fn call(args: &[String]) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    tierflow_ok(&refs);
}

#[test]
fn every_command_writes_valid_png_and_svg_charts_and_plot_redraws_them_from_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let s = |n: &str| p(n).to_str().unwrap().to_string();
    call(&with(&[
        "run",
        "scenarios/shaoxing-2014.toml",
        "-q",
        "-o",
        &s("run"),
    ]));
    call(&with(&[
        "sweep",
        "scenarios/shaoxing-2014.toml",
        "--vary",
        "behaviour.habit=0.5,1",
        "-q",
        "-o",
        &s("sweep"),
    ]));
    call(&with(&[
        "compare",
        "scenarios/shaoxing-baseline.toml",
        "scenarios/shaoxing-2014.toml",
        "-q",
        "-o",
        &s("compare"),
    ]));
    call(&with(&[
        "sensitivity",
        "scenarios/shaoxing-2014.toml",
        "--params",
        "behaviour.habit",
        "-q",
        "-o",
        &s("sens"),
    ]));
    let expected_stems = [
        ("run", "series_grassroots_outpatient_share"),
        ("sweep", "response_grassroots_outpatient_share"),
        ("compare", "difference_total_cost"),
        ("sens", "tornado"),
    ];
    for (folder, stem) in expected_stems {
        let files = chart_files(&p(folder));
        for ext in ["png", "svg"] {
            assert!(
                files.contains(&p(folder).join("charts").join(format!("{stem}.{ext}"))),
                "{folder}: {files:?}"
            );
        }
        for f in &files {
            assert_valid(f);
        }
        // Redraw from a copy holding only the tables: same files, same bytes.
        let copy = p(&format!("{folder}-copy"));
        std::fs::create_dir(&copy).unwrap();
        for e in std::fs::read_dir(p(folder)).unwrap() {
            let e = e.unwrap();
            if e.path().is_file() {
                std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
            }
        }
        tierflow_ok(&["plot", copy.to_str().unwrap(), "-q"]);
        let redrawn = chart_files(&copy);
        assert_eq!(redrawn.len(), files.len(), "{folder}");
        for (a, b) in files.iter().zip(&redrawn) {
            assert_eq!(a.file_name(), b.file_name());
            assert!(
                std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
                "{} differs when redrawn",
                b.display()
            );
        }
    }
}

#[test]
fn chinese_labels_render_with_the_embedded_font_and_bad_fonts_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("zh");
    call(&with(&[
        "run",
        "scenarios/shaoxing-2014.toml",
        "-q",
        "--lang",
        "zh",
        "-o",
        out.to_str().unwrap(),
    ]));
    let svg =
        std::fs::read_to_string(out.join("charts/series_grassroots_outpatient_share.svg")).unwrap();
    assert!(
        svg.contains("基层诊疗量占比") && svg.contains("年份"),
        "Chinese title and axis"
    );
    for f in chart_files(&out) {
        assert_valid(&f);
    }
    let e = tierflow_error(&["plot", out.to_str().unwrap(), "--font", "Cargo.toml"]);
    assert!(e.contains("is not a TrueType or OpenType font"), "{e}");
    assert!(
        out.join("charts/series_total_cost.png").exists(),
        "a failed redraw keeps the old charts"
    );
    let e = tierflow_error(&["plot", dir.path().to_str().unwrap()]);
    assert!(e.contains("is not a results folder tierflow wrote"), "{e}");
    let e = tierflow_error(&["plot", out.to_str().unwrap(), "--no-charts"]);
    assert!(e.contains("only draws charts"), "{e}");
    // A table with none of the charted metrics is an error, not zero charts and success.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(
        empty.join("metrics.csv"),
        "year,metric,tier,mean,sd,p5,p50,p95\n",
    )
    .unwrap();
    std::fs::write(
        empty.join(".tierflow-results.json"),
        r#"{"kind":"run","tierflow_version":"0.1.0","files":["metrics.csv"]}"#,
    )
    .unwrap();
    let e = tierflow_error(&["plot", empty.to_str().unwrap()]);
    assert!(e.contains("no chart could be drawn"), "{e}");
}

#[test]
fn embedded_fonts_hold_every_character_of_the_chart_labels() {
    use ab_glyph::{Font, FontRef};
    let mut labels = String::new();
    for f in [
        "src/chart/labels.rs",
        "src/chart/parameter_labels.rs",
        "src/report/words.rs",
    ] {
        labels.push_str(&std::fs::read_to_string(repo(f)).unwrap());
    }
    // GB 2312's first and last hanzi, common place names and scenario words.
    labels.push_str("啊齄绍兴试点报销郑州厦门青海黑龙江辽宁新密");
    let cjk = std::fs::read(repo("assets/fonts/NotoSansSC-tierflow.otf")).unwrap();
    let latin = std::fs::read(repo("assets/fonts/DejaVuSans-tierflow.ttf")).unwrap();
    let cjk = FontRef::try_from_slice(&cjk).unwrap();
    let latin = FontRef::try_from_slice(&latin).unwrap();
    let missing: String = labels
        .chars()
        .filter(|c| !c.is_control())
        .filter(|&c| cjk.glyph_id(c).0 == 0)
        .collect();
    assert!(
        missing.is_empty(),
        "run scripts/subset_fonts.py: the CJK subset lacks {missing:?}"
    );
    for c in "AZaz09%–≥≤×·".chars() {
        assert_ne!(latin.glyph_id(c).0, 0, "the Latin subset lacks {c:?}");
    }
    for (f, limit) in [
        ("assets/fonts/NotoSansSC-tierflow.otf", 2_000_000),
        ("assets/fonts/DejaVuSans-tierflow.ttf", 100_000),
    ] {
        let size = std::fs::metadata(repo(f)).unwrap().len();
        assert!(
            size < limit,
            "{f} is {size} bytes; keep embedded fonts small"
        );
    }
}

/// metrics.csv and replications.csv are written and read through the same row types: reading
/// a run's tables and writing the rows back gives the same bytes.
#[test]
fn results_tables_read_back_into_the_rows_they_were_written_from() {
    use tierflow::output::read::{BandRow, ReplicationRow, csv_rows};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    tierflow_ok(&[
        "run",
        "scenarios/reference.toml",
        "-r",
        "2",
        "-q",
        "--no-charts",
        "-o",
        out.to_str().unwrap(),
    ]);
    fn rewrite<const N: usize>(header: [&str; N], records: Vec<[String; N]>) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header).unwrap();
        for r in records {
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    }
    let metrics = out.join("metrics.csv");
    let rows: Vec<BandRow> = csv_rows(&metrics).unwrap();
    assert!(rows.len() > 20);
    let again = rewrite(BandRow::HEADER, rows.iter().map(BandRow::record).collect());
    assert_eq!(again, std::fs::read(&metrics).unwrap());
    let reps = out.join("replications.csv");
    let rows: Vec<ReplicationRow> = csv_rows(&reps).unwrap();
    let again = rewrite(
        ReplicationRow::HEADER,
        rows.iter().map(ReplicationRow::record).collect(),
    );
    assert_eq!(again, std::fs::read(&reps).unwrap());
}
