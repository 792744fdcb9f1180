//! The command line as a user meets it.

use assert_cmd::Command;
use clap::CommandFactory;

use crate::common::{repo, tierflow_ok as stdout_of};

fn tierflow() -> Command {
    let mut c = Command::cargo_bin("tierflow").unwrap();
    c.current_dir(repo(""));
    c
}

#[test]
fn cli_definition_is_consistent() {
    tierflow::cli::Cli::command().debug_assert();
}

#[test]
fn run_writes_every_result_file_and_same_numbers_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let out = |t: &str| dir.path().join(format!("t{t}"));
    for t in ["1", "2"] {
        tierflow()
            .args([
                "run",
                "tests/fixtures/region.toml",
                "-r",
                "3",
                "--threads",
                t,
                "--out",
            ])
            .arg(out(t))
            .assert()
            .success();
    }
    for f in [
        "metrics.csv",
        "replications.csv",
        "summary.json",
        "manifest.json",
        "scenario.resolved.toml",
    ] {
        assert!(
            out("1").join(f).metadata().unwrap().len() > 0,
            "{f} missing"
        );
    }
    let a = std::fs::read(out("1").join("metrics.csv")).unwrap();
    let b = std::fs::read(out("2").join("metrics.csv")).unwrap();
    assert_eq!(a, b, "metrics.csv differs between 1 and 2 threads");
    let head = String::from_utf8(a).unwrap();
    assert!(head.starts_with("year,metric,tier,group,condition,signing,mean,sd,p5,p50,p95\n"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out("1").join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["targets"].as_array().unwrap().len(), 2);
    assert!(summary["targets"][0]["share_of_replications_meeting"].is_number());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out("1").join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["resolved_scenario"]["run"]["replications"], 3);
}

#[test]
fn one_replication_rerun_alone_writes_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let one = dir.path().join("one");
    tierflow()
        .args([
            "run",
            "tests/fixtures/region.toml",
            "-r",
            "3",
            "-q",
            "--out",
        ])
        .arg(&full)
        .assert()
        .success();
    tierflow()
        .args([
            "run",
            "tests/fixtures/region.toml",
            "-r",
            "3",
            "-q",
            "--replication",
            "1",
            "--out",
        ])
        .arg(&one)
        .assert()
        .success();
    let rows = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p.join("replications.csv"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("1,"))
            .map(String::from)
            .collect()
    };
    assert!(!rows(&one).is_empty());
    assert_eq!(rows(&full), rows(&one));
}

#[test]
fn run_prints_key_metrics_and_targets() {
    let dir = tempfile::tempdir().unwrap();
    let out = tierflow()
        .args(["run", "tests/fixtures/region.toml", "-r", "2", "--out"])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("grassroots_outpatient_share"), "{text}");
    assert!(
        text.contains("Targets (") && text.contains("rural signing"),
        "{text}"
    );
}

#[test]
fn params_lists_paths_values_and_units_and_set_overrides_them() {
    let text = stdout_of(&["params", "scenarios/reference.toml"]);
    let line = text
        .lines()
        .find(|l| l.starts_with("tiers.county.beds_per_1000 "))
        .expect("beds listed");
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[1], "2.0");
    assert_eq!(
        line.split("  ")
            .filter(|s| !s.is_empty())
            .last()
            .unwrap()
            .trim(),
        "beds/1000 people"
    );
    // Defaults are listed too, with their units.
    assert!(
        text.lines()
            .any(|l| l.starts_with("referral.rehab_cost_per_day_yuan ") && l.ends_with("yuan/day"))
    );
    let text = stdout_of(&[
        "params",
        "scenarios/reference.toml",
        "--set",
        "tiers.county.beds_per_1000=3.5",
    ]);
    assert!(
        text.lines()
            .any(|l| l.starts_with("tiers.county.beds_per_1000 ") && l.contains("3.5"))
    );
}

#[test]
fn check_describes_the_run_without_running() {
    let text = stdout_of(&["check", "tests/fixtures/region.toml"]);
    assert!(
        text.contains("is valid") && text.contains("simulated 20000") && text.contains("episodes"),
        "{text}"
    );
}
