//! Bundled scenarios: each loads, validates, runs and judges every target; each policy moves its
//! headline metric the way its document intends, relative to its baseline.

use std::path::{Path, PathBuf};

use tierflow::catalog::metric;
use tierflow::metrics::bands::collect;
use tierflow::metrics::targets::judge;
use tierflow::metrics::{Breakdown, MetricValue};

use crate::common::*;

/// Policy scenario, headline metric, breakdown, and whether the document wants it higher.
const POLICIES: &[(&str, &str, &str, bool)] = &[
    ("shaoxing-2014", "grassroots_outpatient_share", "all", true),
    ("xinmi-2016", "in_region_rate", "all", true),
    ("liaoning-2017", "signing_coverage", "all", true),
    ("zhengzhou-2016", "grassroots_outpatient_share", "all", true),
    // The lists keep listed conditions at the listed tier: township-listed conditions are
    // reimbursed 95% at township and 10% elsewhere, so more of their admissions are at township.
    // (Out-of-pocket spending no longer moves measurably: patients now weigh declining an
    // admission and self-care, and the lists cover 1% of minor illness.)
    (
        "heilongjiang",
        "grassroots_inpatient_share",
        "listed_township",
        true,
    ),
    // The chain is for admissions: unreferred tertiary admissions lose reimbursement.
    ("qinghai", "admissions", "tertiary", false),
    ("shanghai-1-1-1", "signing_coverage", "all", true),
    ("xiamen", "grassroots_outpatient_share", "all", true),
    ("national-2015", "grassroots_outpatient_share", "all", true),
];

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_bundled_scenario_loads_runs_and_judges_every_target() {
    for path in scenario_files() {
        // A smoke run: large scenarios (city-5m) are sampled down to about 150,000 people.
        let full = plan(&path, &[]);
        let n = full.base().n_people_simulated as f64;
        let scale = format!(
            "population.scale={}",
            full.base().scale * (150_000.0 / n).min(1.0)
        );
        let p = plan(&path, &[scale.as_str()]);
        let results = run(&p, 2);
        let vals = values(&p, &results);
        for v in vals.iter().flatten() {
            assert!(v.value.is_finite(), "{}: non-finite value", path.display());
        }
        let judged = judge(p.base(), &collect(&vals), 2);
        for j in &judged {
            assert!(
                j.projected.is_some(),
                "{}: target `{}` has no projection",
                path.display(),
                j.target.name
            );
        }
        // 004's regional examples (Heilongjiang, Qinghai, Shanghai, Xiamen) report results but set
        // no targets of their own; every other policy document sets targets.
        let name = path.file_stem().unwrap().to_string_lossy();
        let no_targets_in_document = ["heilongjiang", "qinghai", "shanghai-1-1-1", "xiamen"];
        if POLICIES.iter().any(|(n, ..)| *n == name)
            && !no_targets_in_document.contains(&name.as_ref())
        {
            assert!(
                !judged.is_empty(),
                "{name}: a policy scenario should carry its document's targets"
            );
        }
    }
}

fn extends_of(path: &Path) -> PathBuf {
    let table: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    let base = table["extends"]
        .as_str()
        .expect("a policy scenario extends its baseline");
    path.parent().unwrap().join(base)
}

fn headline(vals: &[Vec<MetricValue>], year: i32, name: &str, key: Breakdown) -> Vec<f64> {
    let (mi, _) = metric(name).unwrap();
    vals.iter()
        .map(|v| {
            v.iter()
                .find(|x| x.year == year && x.metric == mi && x.breakdown == key)
                .unwrap()
                .value
        })
        .collect()
}

#[test]
fn every_policy_moves_its_headline_metric_the_intended_way() {
    for (name, metric_name, tier, higher) in POLICIES {
        let path = repo(&format!("scenarios/{name}.toml"));
        let baseline_path = extends_of(&path);
        assert!(
            baseline_path
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .ends_with("baseline"),
            "{name} should extend a baseline"
        );
        let policy = plan(&path, &[]);
        let baseline = plan(&baseline_path, &[]);
        assert_eq!(
            policy.base().run.seed,
            baseline.base().run.seed,
            "{name}: same seed, so replications pair up"
        );
        let year = policy.base().run.start_year + policy.base().run.years as i32 - 1;
        let key = Breakdown::parse(tier, policy.base()).unwrap();
        let a = headline(&values(&policy, &run(&policy, 8)), year, metric_name, key);
        let b = headline(
            &values(&baseline, &run(&baseline, 8)),
            year,
            metric_name,
            key,
        );
        let diffs: Vec<f64> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| if *higher { x - y } else { y - x })
            .collect();
        let (m, se) = mean_se(&diffs);
        assert!(
            m > 0.0 && m > 2.0 * se,
            "{name}: {metric_name} {year} moved {m:+.4} ± {se:.4} (policy {a:?}, baseline {b:?})"
        );
    }
}
