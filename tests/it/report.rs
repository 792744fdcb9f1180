//! `tierflow report` and tables.xlsx, as a report writer uses them: every folder kind's report
//! opens in headless Chromium without console errors or network requests, renders (the Chinese
//! title with `--lang zh`), and the Excel tables hold formatted values.

use std::path::{Path, PathBuf};

use crate::browser;
use crate::common::{tierflow, tierflow_error, tierflow_ok};

const SMALL: [&str; 5] = ["--set", "population.scale=0.003", "-r", "3", "-q"];

/// One results folder of every kind, in a temporary directory.
struct Folders {
    _dir: tempfile::TempDir,
    run: PathBuf,
    compare: PathBuf,
    sweep: PathBuf,
    sensitivity: PathBuf,
    calibration: PathBuf,
}

fn folders() -> Folders {
    let dir = tempfile::tempdir().unwrap();
    let at = |n: &str| dir.path().join(n);
    let with = |args: &[&str], out: &Path| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(SMALL);
        all.extend(["-o", out.to_str().unwrap()]);
        tierflow_ok(&all);
    };
    with(&["run", "scenarios/shaoxing-2014.toml"], &at("run"));
    with(
        &[
            "compare",
            "scenarios/shaoxing-baseline.toml",
            "scenarios/shaoxing-2014.toml",
            "--label",
            "基线,试点",
        ],
        &at("compare"),
    );
    with(
        &[
            "sweep",
            "scenarios/shaoxing-2014.toml",
            "--vary",
            "schemes.residents_shiqu.outpatient.township.rate=0.3,0.5",
        ],
        &at("sweep"),
    );
    with(
        &[
            "sensitivity",
            "scenarios/shaoxing-2014.toml",
            "--params",
            "behaviour.cost_per_yuan,tiers.township.quality",
        ],
        &at("sensitivity"),
    );
    tierflow_ok(&[
        "calibrate",
        "scenarios/xinmi-baseline.toml",
        "--max-evaluations",
        "3",
        "-r",
        "2",
        "--set",
        "population.scale=0.003",
        "-q",
        "-o",
        at("calibration").to_str().unwrap(),
    ]);
    Folders {
        run: at("run"),
        compare: at("compare"),
        sweep: at("sweep"),
        sensitivity: at("sensitivity"),
        calibration: at("calibration"),
        _dir: dir,
    }
}

/// Writes the report of `dir` in `lang`, checks the file stands alone, opens it in Chromium and
/// checks what a reader sees; returns the rendered DOM.
fn open_report(dir: &Path, lang: &str) -> String {
    tierflow_ok(&["report", dir.to_str().unwrap(), "--lang", lang, "-q"]);
    let name = if lang == "zh" {
        "report.zh.html"
    } else {
        "report.html"
    };
    let page = dir.join(name);
    let html = std::fs::read_to_string(&page).unwrap();
    for external in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "src=\"//",
        "<script",
    ] {
        assert!(
            !html.contains(external),
            "{}: holds `{external}`",
            page.display()
        );
    }
    assert!(html.contains("<svg"), "{}: no chart inline", page.display());
    assert!(html.contains("@page { size: A4"), "no A4 print style");

    let loaded = browser::load(&page, (1200, 1600));
    assert!(
        loaded.console.is_empty(),
        "{}: console messages {:?}",
        page.display(),
        loaded.console
    );
    assert!(
        loaded.network.is_empty(),
        "{}: network requests {:?}",
        page.display(),
        loaded.network
    );
    let inked = browser::inked_share(&loaded.screenshot);
    assert!(
        inked > 0.02,
        "{}: the screenshot is blank ({inked})",
        page.display()
    );
    loaded.dom
}

#[test]
fn every_kind_of_results_folder_gives_a_report_that_opens_offline_in_chromium() {
    let f = folders();
    let dom = open_report(&f.run, "en");
    assert!(
        dom.contains("<title>tierflow report: shaoxing-2014</title>"),
        "{dom:.400}"
    );
    for section in [
        "What was run",
        "Levers that differ",
        "Headline projections",
        "Targets",
        "Probability met",
        "Assumptions and sources",
        "How to reproduce",
        "tierflow run scenarios/shaoxing-2014.toml -r 3 --seed 2014",
    ] {
        assert!(dom.contains(section), "run report lacks `{section}`");
    }
    // The lever the pilot moves, named in words, with the clause its file cites.
    assert!(dom.contains("Outpatient reimbursement rate (township, residents_shiqu)"));
    assert!(dom.contains("000 四、1."));
    // Lever declarations are not settings the scenario changes.
    assert!(!dom.contains("levers.grassroots_outpatient_payout.label"));

    let dom = open_report(&f.run, "zh");
    assert!(
        dom.contains("<title>tierflow 模拟报告: shaoxing-2014</title>"),
        "{dom:.400}"
    );
    for section in [
        "模拟设置",
        "主要预测结果",
        "政策目标",
        "达标概率",
        "如何重现",
        "基层诊疗量占比",
    ] {
        assert!(dom.contains(section), "zh run report lacks `{section}`");
    }

    let dom = open_report(&f.compare, "zh");
    assert!(dom.contains("基线 · 试点"), "labels name the scenarios");
    assert!(
        dom.contains("均值差的95%置信区间"),
        "the effect's interval is shown"
    );
    assert!(
        dom.contains("各情景逐年对比: 基层诊疗量占比"),
        "overlay chart"
    );

    let dom = open_report(&f.sweep, "en");
    assert!(dom.contains("Outpatient reimbursement rate (township, residents_shiqu)"));
    assert!(dom.contains("--vary schemes.residents_shiqu.outpatient.township.rate=0.3,0.5"));

    let dom = open_report(&f.sensitivity, "zh");
    assert!(
        dom.contains("门诊费用权重"),
        "parameters are named in Chinese"
    );
    assert!(dom.contains("±20%"), "the range is stated");

    let dom = open_report(&f.calibration, "en");
    assert!(dom.contains("Fitted parameters"));
}

#[test]
fn the_browser_check_catches_network_requests_and_console_errors() {
    // A page that fetches an image and runs a failing script: the checks must see both, or the
    // report test above proves nothing.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><h1>bad</h1><img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let loaded = browser::load(&page, (400, 300));
    assert!(
        loaded
            .network
            .iter()
            .any(|u| u.starts_with("http://127.0.0.1:9")),
        "{:?}",
        loaded.network
    );
    assert!(
        loaded.console.iter().any(|l| l.contains("boom")),
        "{:?}",
        loaded.console
    );
}

#[test]
fn the_excel_tables_hold_formatted_values_with_headers_in_the_chosen_language() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let f = folders();
    let mut book: Xlsx<_> = open_workbook(f.run.join("tables.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), vec!["Headline", "Targets"]);
    let headline = book.worksheet_range("Headline").unwrap();
    assert_eq!(headline.get((0, 0)), Some(&Data::String("Measure".into())));
    assert_eq!(
        headline.get((1, 0)),
        Some(&Data::String("Grassroots outpatient share".into()))
    );
    let Some(Data::Float(share)) = headline.get((1, 3)) else {
        panic!("no share value: {:?}", headline.get((1, 3)));
    };
    assert!((0.3..0.8).contains(share), "{share}");
    // Shares carry a percentage format and money a thousands separator.
    let styles = xlsx_part(&f.run.join("tables.xlsx"), "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.0%\""), "{styles:.600}");
    assert!(styles.contains("formatCode=\"#,##0\""), "{styles:.600}");

    let mut book: Xlsx<_> = open_workbook(f.compare.join("tables.xlsx")).unwrap();
    let sheet = book.worksheet_range("Comparison").unwrap();
    assert_eq!(
        sheet.get((0, 6)),
        Some(&Data::String(
            "Mean difference from the first scenario".into()
        ))
    );
    assert!(
        sheet
            .rows()
            .any(|r| r.get(1) == Some(&Data::String("试点".into())))
    );

    // `plot --lang zh` rewrites the tables in Chinese, and the CSVs stay as they were.
    let csv_before = std::fs::read(f.run.join("metrics.csv")).unwrap();
    tierflow_ok(&["plot", f.run.to_str().unwrap(), "--lang", "zh", "-q"]);
    let mut book: Xlsx<_> = open_workbook(f.run.join("tables.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), vec!["主要结果", "政策目标"]);
    let headline = book.worksheet_range("主要结果").unwrap();
    assert_eq!(
        headline.get((1, 0)),
        Some(&Data::String("基层诊疗量占比".into()))
    );
    assert_eq!(
        std::fs::read(f.run.join("metrics.csv")).unwrap(),
        csv_before
    );
    for kind in [&f.sweep, &f.sensitivity, &f.calibration] {
        let book: Xlsx<_> = open_workbook(kind.join("tables.xlsx")).unwrap();
        assert!(!book.sheet_names().is_empty(), "{}", kind.display());
    }
}

fn xlsx_part(path: &Path, part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn reports_and_charts_are_the_same_bytes_when_redrawn_and_never_replace_other_files() {
    let f = folders();
    let charts = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(d.join("charts"))
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = charts(&f.compare);
    tierflow_ok(&["plot", f.compare.to_str().unwrap(), "-q"]);
    assert!(before == charts(&f.compare), "charts changed on redraw");
    tierflow_ok(&["report", f.compare.to_str().unwrap(), "-q"]);
    let first = std::fs::read(f.compare.join("report.html")).unwrap();
    tierflow_ok(&["report", f.compare.to_str().unwrap(), "-q"]);
    assert!(first == std::fs::read(f.compare.join("report.html")).unwrap());

    // `plot --out` keeps a second language beside the first.
    let zh = f.compare.parent().unwrap().join("charts-zh");
    tierflow_ok(&[
        "plot",
        f.compare.to_str().unwrap(),
        "--lang",
        "zh",
        "--out",
        zh.to_str().unwrap(),
        "-q",
    ]);
    assert!(zh.join("overlay_total_cost.svg").is_file());
    assert!(
        before == charts(&f.compare),
        "the folder's own charts were touched"
    );

    // A user's file is never replaced by a report, nor a user's folder by charts.
    let mine = f.compare.parent().unwrap().join("mine.html");
    std::fs::write(&mine, "my notes").unwrap();
    let e = tierflow_error(&[
        "report",
        f.run.to_str().unwrap(),
        "--out",
        mine.to_str().unwrap(),
    ]);
    assert!(e.contains("not a tierflow report"), "{e}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "my notes");
    let e = tierflow_error(&[
        "plot",
        f.run.to_str().unwrap(),
        "--out",
        f.compare.to_str().unwrap(),
    ]);
    assert!(e.contains("did not write"), "{e}");
    // Several folders in one report need a file name.
    let e = tierflow_error(&[
        "report",
        f.run.to_str().unwrap(),
        f.compare.to_str().unwrap(),
    ]);
    assert!(e.contains("--out"), "{e}");
    let both = f.compare.parent().unwrap().join("both.html");
    tierflow_ok(&[
        "report",
        f.run.to_str().unwrap(),
        f.compare.to_str().unwrap(),
        "--out",
        both.to_str().unwrap(),
        "-q",
    ]);
    assert!(std::fs::read_to_string(&both).unwrap().contains("基线"));
    // Not a results folder.
    let e = tierflow_error(&["report", "scenarios"]);
    assert!(e.contains("holds no tierflow results"), "{e}");
}

#[test]
fn a_character_no_font_has_is_named_in_a_warning_not_left_silently_blank() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    // 𪚥 (U+2A6A5) is outside GB 2312 and the embedded fonts.
    let o = tierflow(&[
        "compare",
        "scenarios/shaoxing-baseline.toml",
        "scenarios/shaoxing-2014.toml",
        "--label",
        "基线,试点𪚥",
        "--set",
        "population.scale=0.003",
        "-r",
        "2",
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains('𪚥'),
        "{stderr}"
    );
}

#[test]
fn bad_report_and_label_arguments_are_refused_with_what_was_expected() {
    let e = tierflow_error(&[
        "compare",
        "scenarios/shaoxing-baseline.toml",
        "scenarios/shaoxing-2014.toml",
        "--label",
        "only-one",
    ]);
    assert!(e.contains("--label: 1 label(s) for 2 inputs"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let e = tierflow_error(&[
        "report",
        dir.path().to_str().unwrap(),
        "--out",
        dir.path().join("r.txt").to_str().unwrap(),
    ]);
    assert!(e.contains("should end in .html"), "{e}");
    let e = tierflow_error(&["report", dir.path().join("none").to_str().unwrap()]);
    assert!(e.contains("is not a folder"), "{e}");
}
