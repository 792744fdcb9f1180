//! Code and docs cannot drift: file docs, file sizes, and every scenario key and metric documented.

use tierflow::catalog::METRICS;
use tierflow::scenario;
use tierflow::tier::Tier;

use crate::common::repo;

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_source_file_opens_with_what_it_owns_and_stays_small() {
    let mut files = Vec::new();
    rust_files(&repo("src"), &mut files);
    rust_files(&repo("tests"), &mut files);
    rust_files(&repo("benches"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} has no //! module doc",
            f.display()
        );
        assert!(
            text.lines().count() <= 650,
            "{} is over 650 lines; split it",
            f.display()
        );
    }
}

#[test]
fn every_scenario_key_and_metric_is_documented() {
    let doc = std::fs::read_to_string(repo("docs/scenario.md")).unwrap();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.push(repo("tests/fixtures/region.toml"));
    for path in files {
        let s = scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        let user_keys: Vec<String> = s
            .raw
            .groups
            .keys()
            .chain(s.raw.conditions.keys())
            .chain(s.raw.schemes.keys())
            .cloned()
            .collect();
        for p in s.params() {
            for seg in p.path.split('.') {
                let is_name = seg.parse::<usize>().is_ok()
                    || user_keys.iter().any(|k| k == seg)
                    || Tier::from_name(seg).is_some()
                    || seg.contains(' ');
                if !is_name {
                    let forms = [
                        format!("`{seg}`"),
                        format!("[{seg}]"),
                        format!("[{seg}."),
                        format!("`{seg}."),
                    ];
                    assert!(
                        forms.iter().any(|f| doc.contains(f.as_str())),
                        "docs/scenario.md does not document `{seg}` (from {} in {})",
                        p.path,
                        path.display()
                    );
                }
            }
        }
    }
    for m in METRICS {
        assert!(
            doc.contains(&format!("`{}`", m.name)),
            "docs/scenario.md does not document metric `{}`",
            m.name
        );
    }
}
