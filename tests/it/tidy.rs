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

/// Every `crate::X` a source file under `src/X…` uses, by top-level module.
fn import_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&repo("src"), &mut files);
    let mut graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for f in files {
        let rel = f
            .strip_prefix(repo("src"))
            .unwrap()
            .to_string_lossy()
            .to_string();
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let edges = graph.entry(top.clone()).or_default();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    edges.insert(name);
                }
            }
        }
    }
    graph
}

#[test]
fn top_level_modules_import_each_other_without_a_cycle() {
    let graph = import_graph();
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) {
        if done.contains(n) {
            return;
        }
        if let Some(i) = path.iter().position(|p| p == n) {
            panic!("import cycle: {} → {n}", path[i..].join(" → "));
        }
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            visit(m, graph, path, done);
        }
        path.pop();
        done.insert(n.to_string());
    }
    let mut done = Default::default();
    for n in graph.keys() {
        visit(n, &graph, &mut Vec::new(), &mut done);
    }
    // The layers the architecture promises.
    for (low, high) in [
        ("engine", "metrics"),
        ("scenario", "output"),
        ("engine", "scenario"),
    ] {
        assert!(
            !graph[low].contains(high),
            "`{low}` must not import `{high}`"
        );
    }
}

#[test]
fn every_file_and_name_docs_architecture_mentions_exists() {
    let doc = std::fs::read_to_string(repo("docs/architecture.md")).unwrap();
    let mut files = Vec::new();
    rust_files(&repo("src"), &mut files);
    let code: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let is_word = |w: &str| {
        code.match_indices(w).any(|(i, _)| {
            let before = code[..i].chars().next_back();
            let after = code[i + w.len()..].chars().next();
            let edge = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            edge(before) && edge(after)
        })
    };
    let mut fenced = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (k, span) in line.split('`').enumerate() {
            if k % 2 == 0 {
                continue;
            }
            // A call names its function: `scenario::load(path, overrides)` → scenario::load.
            let t = span.trim().split('(').next().unwrap_or("");
            if t.ends_with(".rs") || t.ends_with(".py") || t.ends_with(".sh") {
                let name = t.rsplit('/').next().unwrap();
                let found = files
                    .iter()
                    .any(|f| f.ends_with(t) || f.file_name().is_some_and(|n| n == name))
                    || repo(t).exists()
                    || repo("scripts").join(name).exists();
                assert!(
                    found,
                    "docs/architecture.md names `{t}`, which does not exist"
                );
            } else if t.contains("::")
                || (t.contains('_') && t.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                || (t.len() > 1
                    && t.starts_with(|c: char| c.is_ascii_uppercase())
                    && t.chars().all(|c| c.is_ascii_alphanumeric()))
            {
                let last = t.rsplit("::").next().unwrap();
                assert!(
                    is_word(last),
                    "docs/architecture.md names `{t}`, which is not in src/"
                );
            }
        }
    }
}

/// docs/scenario.md's unit columns say what the one unit catalogue says, key by key.
#[test]
fn the_scenario_reference_states_the_catalogues_units() {
    let doc = std::fs::read_to_string(repo("docs/scenario.md")).unwrap();
    let mut has_unit_column = false;
    let mut checked = 0;
    for line in doc.lines() {
        if line.starts_with("| key |") {
            has_unit_column = line.split('|').nth(2).is_some_and(|c| c.trim() == "unit");
            continue;
        }
        if !(has_unit_column && line.starts_with("| `")) {
            continue;
        }
        let cells: Vec<&str> = line.split('|').collect();
        let doc_unit = cells[2].trim().replace('`', "");
        let doc_unit = doc_unit.trim_end_matches(" per tier");
        for key in cells[1].split('`').skip(1).step_by(2) {
            let unit = tierflow::catalog::parameter_unit(key);
            assert_eq!(
                unit, doc_unit,
                "docs/scenario.md gives `{key}` the unit {doc_unit:?}, the catalogue {unit:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 70, "only {checked} keys had a unit column");
}
