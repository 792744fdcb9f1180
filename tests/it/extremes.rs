//! Extreme but valid input gives sensible results or a clear explanation.

use tierflow::metrics::Breakdown;
use tierflow::tier::Tier;

use crate::common::*;

fn reference(overrides: &[&str]) -> tierflow::model::Plan {
    plan(&repo("scenarios/reference.toml"), overrides)
}

#[test]
fn a_tier_without_beds_refers_its_admissions_up() {
    let p = reference(&["tiers.county.beds_per_1000=0", "run.replications=2"]);
    for r in run(&p, 2) {
        let y = &r.years[0];
        assert_eq!(y.tiers[Tier::County.index()].admissions, 0);
        assert!(y.tiers[Tier::County.index()].referrals_up > 0);
        assert!(y.tiers[Tier::Tertiary.index()].admissions > 0);
    }
}

#[test]
fn full_reimbursement_means_no_out_of_pocket_there() {
    let p = reference(&[
        "schemes.reference.outpatient.township.rate=1.0",
        "run.replications=1",
    ]);
    let y = &run(&p, 1)[0].years[0];
    let t = &y.tiers[Tier::Township.index()];
    assert!(t.visits > 0);
    assert_eq!(t.oop_yuan, 0.0);
    assert_eq!(t.fund_yuan, t.outpatient_cost_yuan + t.inpatient_cost_yuan);
}

#[test]
fn an_empty_group_is_simulated_as_nobody() {
    let p = plan(
        &repo("tests/fixtures/region.toml"),
        &["groups.urban.share=0", "groups.rural.share=1"],
    );
    assert_eq!(
        p.base()
            .groups
            .iter()
            .find(|g| g.name == "urban")
            .unwrap()
            .n_people,
        0
    );
    let vals = values(&p, &run(&p, 1));
    // Coverage of an empty group is undefined, so it is left out rather than reported as 0 or NaN.
    assert!(value(&vals[0], 2016, "signing_coverage", Breakdown::Group(1)).is_none());
    assert!(value(&vals[0], 2016, "signing_coverage", Breakdown::Group(0)).is_some());
}

#[test]
fn a_one_day_horizon_reports_one_partial_year() {
    let p = reference(&["run.horizon_days=1", "run.years=3"]);
    let r = &run(&p, 1)[0];
    assert_eq!(r.years.len(), 1);
    assert_eq!(r.years[0].days, 1.0);
    // About 6 × 100,000 / 365 episodes in a day.
    let e = r.years[0].episodes() as f64;
    assert!((e - 1644.0).abs() < 200.0, "{e}");
}

#[test]
fn one_replication_says_its_bands_are_degenerate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("one");
    let o = assert_cmd::Command::cargo_bin("tierflow")
        .unwrap()
        .current_dir(repo(""))
        .args(["run", "scenarios/reference.toml", "-r", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("bands are degenerate"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["degenerate_bands"], true);
}

#[test]
fn a_population_of_one_runs_or_explains_why_not() {
    let sets: Vec<String> = vec!["population.size=1".into()];
    let s = tierflow::scenario::load(&repo("scenarios/reference.toml"), &sets).unwrap();
    let e = tierflow::model::Plan::from_scenario(&s)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("1 simulated people") && e.contains("inf (unlimited)"),
        "{e}"
    );
    let p = reference(&[
        "population.size=1",
        "tiers.township.beds_per_1000=inf",
        "tiers.county.beds_per_1000=inf",
        "tiers.tertiary.beds_per_1000=inf",
    ]);
    let r = &run(&p, 3);
    assert!(r.iter().all(|x| x.years[0].episodes() < 40));
}
