//! Parameter uncertainty: distributions in place of values, drawn once per replication.

use crate::common::{error_of, repo, tierflow_ok as run};
use tierflow::monte_carlo::Prepared;
use tierflow::scenario;

const UNCERTAIN: &str = r#"
extends = "SCENARIOS/shaoxing-2014.toml"
[population]
scale = 0.002
[run]
replications = 8
[behaviour]
# Calibrated −0.01 ± 0.002 (illustrative spread for the test).
cost_per_yuan = { dist = "normal", mean = -0.01, sd = 0.002, max = -0.001 }
[tiers.county]
quality = { dist = "triangular", low = 0.7, mode = 1.71, high = 2.7 }
"#;

fn write_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("uncertain.toml");
    let text = UNCERTAIN.replace("SCENARIOS", repo("scenarios").to_str().unwrap());
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn each_replication_draws_its_own_values_reproducibly() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario::load(&write_scenario(dir.path()), &[]).unwrap();
    assert_eq!(s.uncertain.len(), 2);
    let central = s.params();
    let cost = central
        .iter()
        .find(|p| p.path == "behaviour.cost_per_yuan")
        .unwrap();
    assert_eq!(cost.value, "-0.01", "params lists the central value");
    let p = Prepared::new(s.clone(), false).unwrap();
    let draws: Vec<Vec<(String, f64)>> = (0..200).map(|k| p.draws(k).unwrap()).collect();
    assert_eq!(
        draws[3],
        p.draws(3).unwrap(),
        "same replication, same draws"
    );
    assert_ne!(draws[3], draws[4]);
    let costs: Vec<f64> = draws.iter().map(|d| d[0].1).collect();
    let quality: Vec<f64> = draws.iter().map(|d| d[1].1).collect();
    assert!(costs.iter().all(|&c| c <= -0.001), "truncation holds");
    let mean = costs.iter().sum::<f64>() / 200.0;
    assert!((mean + 0.01).abs() < 0.0005, "normal mean {mean}");
    assert!(quality.iter().all(|&q| (0.7..=2.7).contains(&q)));
    let fixed = Prepared::new(s, true).unwrap();
    assert!(fixed.uncertain().is_empty() && fixed.draws(0).unwrap().is_empty());
}

fn sd_of(metrics_csv: &str, year: &str, metric: &str) -> f64 {
    let line = metrics_csv
        .lines()
        .find(|l| l.starts_with(&format!("{year},{metric},all,all,all,all,")))
        .unwrap();
    line.split(',').nth(7).unwrap().parse().unwrap()
}

#[test]
fn runs_report_uncertain_parameters_and_can_fix_them_at_central_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_scenario(dir.path());
    let f = file.to_str().unwrap();
    let (drawn, fixed) = (dir.path().join("drawn"), dir.path().join("fixed"));
    let listed = run(&["params", f]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("tiers.county.quality ")
                && l.contains("1.71")
                && l.contains("~ triangular(0.7, mode 1.71, 2.7)")),
        "params shows the central value and the distribution"
    );
    let text = run(&["run", f, "--no-charts", "-o", drawn.to_str().unwrap()]);
    assert!(
        text.contains("bands include parameter uncertainty"),
        "{text}"
    );
    assert!(
        text.contains("behaviour.cost_per_yuan ~ normal(mean -0.01, sd 0.002"),
        "{text}"
    );
    let draws = std::fs::read_to_string(drawn.join("parameter_draws.csv")).unwrap();
    assert_eq!(draws.lines().count(), 1 + 8 * 2);
    let manifest = std::fs::read_to_string(drawn.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"treatment\": \"drawn per replication\""));
    let resolved = std::fs::read_to_string(drawn.join("scenario.resolved.toml")).unwrap();
    assert!(
        resolved.contains("dist = \"triangular\""),
        "the resolved scenario keeps its distributions"
    );

    let text = run(&[
        "run",
        f,
        "--no-charts",
        "--fix-parameters",
        "-o",
        fixed.to_str().unwrap(),
    ]);
    assert!(text.contains("parameter uncertainty off"));
    assert!(!fixed.join("parameter_draws.csv").exists());
    let a = std::fs::read_to_string(drawn.join("metrics.csv")).unwrap();
    let b = std::fs::read_to_string(fixed.join("metrics.csv")).unwrap();
    let (sd_drawn, sd_fixed) = (
        sd_of(&a, "2016", "grassroots_outpatient_share"),
        sd_of(&b, "2016", "grassroots_outpatient_share"),
    );
    assert!(
        sd_drawn > 3.0 * sd_fixed,
        "parameter uncertainty widens bands: {sd_drawn} vs {sd_fixed}"
    );

    // Same seed, any thread count: the same draws and numbers.
    let one = dir.path().join("one");
    run(&[
        "run",
        f,
        "--no-charts",
        "-t",
        "1",
        "-o",
        one.to_str().unwrap(),
    ]);
    assert_eq!(a, std::fs::read_to_string(one.join("metrics.csv")).unwrap());
}

#[test]
fn bad_distributions_are_located_and_explained() {
    let base = r#"
[run]
replications = 2
[behaviour]
habit = { dist = "normal", mean = 0.5, sd = -1 }
"#;
    let e = error_of(base);
    assert!(
        e.contains("s.toml:5") && e.contains("`behaviour.habit`") && e.contains("sd > 0"),
        "{e}"
    );
    let e = error_of("[behaviour]\nhabit = { dist = \"lognormal\", mean = 1, sd = 1 }\n");
    assert!(e.contains("unknown variant `lognormal`"), "{e}");
    let e = error_of("[run]\nyears = { dist = \"uniform\", low = 1, high = 3 }\n");
    assert!(e.contains("only model parameters can be uncertain"), "{e}");
    let e = error_of("[behaviour]\nhabit = { dist = \"uniform\", low = 1 }\n");
    assert!(e.contains("missing field `high`"), "{e}");
}
