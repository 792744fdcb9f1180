//! One test per bug found in review, so each stays fixed.

use tierflow::model::date_to_day;
use tierflow::tier::Tier;

use crate::common::*;

#[test]
fn shares_summing_to_one_within_tolerance_allocate_exactly() {
    let reference = std::fs::read_to_string(repo("scenarios/reference.toml")).unwrap();
    let three = reference.replace(
        "[groups.everyone]\nshare = 1.0 ",
        "[groups.a]\nshare = 0.3333334\narea = \"urban\"\nscheme = \"reference\"\n[groups.b]\nshare = 0.3333334\narea = \"urban\"\nscheme = \"reference\"\n[groups.everyone]\nshare = 0.3333333 ",
    );
    assert_ne!(three, reference);
    let p = plan_from_str(
        &three,
        &["population.size=10000000", "population.scale=0.001"],
    );
    let sizes: u32 = p.base().groups.iter().map(|g| g.n_people).sum();
    assert_eq!(sizes, p.base().n_people_simulated);
}

#[test]
fn closing_a_tiers_beds_moves_its_queue_on() {
    // County beds close mid-run while patients queue there: they are referred on, not stuck.
    let p = plan(
        &repo("tests/fixtures/region.toml"),
        &[
            "tiers.county.beds_per_1000=0.05",
            "referral.when_beds_full=\"wait\"",
        ],
    );
    let text = std::fs::read_to_string(repo("tests/fixtures/region.toml"))
        .unwrap()
        .replace(
            "\"tiers.township.beds_per_1000\" = 0.8 }",
            "\"tiers.township.beds_per_1000\" = 0.8, \"tiers.county.beds_per_1000\" = 0.0 }",
        );
    // Few county beds from the start (in the file: a --set would hold for the whole run and
    // replace the timeline's closing, as an override wins from its date).
    let text = text.replacen(
        "[tiers.county]\n",
        "[tiers.county]\n# few beds, so patients queue\n",
        1,
    );
    let text = {
        let at = text.find("[tiers.county]").unwrap();
        let rel = text[at..].find("beds_per_1000 = 0.8").unwrap();
        let mut t = text.clone();
        t.replace_range(
            at + rel..at + rel + "beds_per_1000 = 0.8".len(),
            "beds_per_1000 = 0.05",
        );
        t
    };
    let closing = plan_from_str(&text, &[]);
    assert_eq!(
        closing.epochs[1].model.tiers[Tier::County]
            .as_ref()
            .unwrap()
            .beds,
        Some(0)
    );
    for r in run(&closing, 2) {
        let last = r.years.last().unwrap();
        assert_eq!(last.tiers[Tier::County.index()].waiting_at_end, 0);
        assert_eq!(last.tiers[Tier::County.index()].in_bed_at_end, 0);
        let in_bed: u64 = last
            .tiers
            .iter()
            .map(|t| t.in_bed_at_end + t.waiting_at_end)
            .sum();
        assert_eq!(r.people_in_care_at_end, in_bed);
    }
    // Without the closure the same scenario does queue at county.
    let open: u64 = run(&p, 2)
        .iter()
        .flat_map(|r| r.years.iter())
        .map(|y| y.tiers[Tier::County.index()].admissions)
        .sum();
    assert!(open > 0);
}

#[test]
fn dates_fold_onto_365_day_years() {
    assert_eq!(date_to_day("2016-01-01", 2016).unwrap(), 0.0);
    assert_eq!(date_to_day("2016-02-29", 2016).unwrap(), 58.0);
    assert_eq!(date_to_day("2016-03-01", 2016).unwrap(), 59.0);
    assert_eq!(date_to_day("2016-12-30", 2016).unwrap(), 363.0);
    assert_eq!(date_to_day("2016-12-31", 2016).unwrap(), 364.0);
    assert_eq!(date_to_day("2017-01-01", 2016).unwrap(), 365.0);
    assert!(date_to_day("2017-02-30", 2016).is_err());
}

fn load_error(overrides: &[&str]) -> String {
    let sets: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    match tierflow::scenario::load(&repo("tests/fixtures/region.toml"), &sets) {
        Ok(s) => tierflow::model::Plan::from_scenario(&s)
            .unwrap_err()
            .to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn invalid_combinations_are_refused_with_reasons() {
    // Township is not a down-referral origin, so it is not even a settable path…
    let e = load_error(&["referral.down_referral_probability.township=0.5"]);
    assert!(e.contains("unknown parameter path"), "{e}");
    // …and written in a file it is refused with the reason.
    let text = std::fs::read_to_string(repo("tests/fixtures/region.toml"))
        .unwrap()
        .replace(
            "down_referral_probability = { county",
            "down_referral_probability = { township = 0.5, county",
        );
    let e = error_of(&text);
    assert!(
        e.contains("down-referral is from county") && e.contains("s.toml:"),
        "{e}"
    );
    let e = load_error(&["population.scale=0.0001"]);
    assert!(e.contains("at least one bed: "), "{e}");
    let e = load_error(&["conditions.minor.los_cv=1e-160"]);
    assert!(e.contains("los_cv"), "{e}");
    let e = load_error(&["conditions.minor.incidence_per_year=1e308"]);
    assert!(e.contains("incidence_per_year"), "{e}");
    let e = load_error(&["run.years=1000000000"]);
    assert!(e.contains("run.years"), "{e}");
}

#[test]
fn a_group_cannot_shadow_a_tier_or_the_region() {
    let text = std::fs::read_to_string(repo("scenarios/reference.toml"))
        .unwrap()
        .replace("[groups.everyone]", "[groups.county]");
    let e = error_of(&text);
    assert!(e.contains("a group cannot be called `county`"), "{e}");
}

#[test]
fn emergencies_are_exempt_from_referral_penalties() {
    use tierflow::insurance::{Arrival, effective_rate};
    use tierflow::model::Benefit;
    let b = Benefit {
        deductible_yuan: 0.0,
        cap_yuan: f64::INFINITY,
        unreferred_rate_cut: 0.05,
    };
    assert_eq!(
        effective_rate(0.6, &b, Tier::County, Arrival::Emergency, Some(1.0)),
        0.6
    );
}

#[test]
fn months_are_labelled_one_to_twelve_without_warm_up() {
    let p = plan(
        &repo("scenarios/reference.toml"),
        &["run.monthly_outputs=true", "run.years=2"],
    );
    let r = &run(&p, 1)[0];
    let labels: Vec<(i32, u8)> = r.months.iter().map(|m| (m.year, m.month)).collect();
    let expected: Vec<(i32, u8)> = [2024, 2025]
        .iter()
        .flat_map(|&y| (1..=12).map(move |m| (y, m)))
        .collect();
    assert_eq!(labels, expected);
}

#[test]
fn the_timeline_cannot_change_what_is_fixed_for_a_run() {
    let text = std::fs::read_to_string(repo("tests/fixtures/region.toml"))
        .unwrap()
        .replace(
            "\"tiers.township.beds_per_1000\" = 0.8 }",
            "\"tiers.tertiary.in_region\" = false }",
        );
    let e = error_of(&text);
    assert!(
        e.contains("the timeline cannot change `tiers.tertiary.in_region`"),
        "{e}"
    );
}

#[test]
fn a_replication_outside_the_run_is_refused() {
    let out = assert_cmd::Command::cargo_bin("tierflow")
        .unwrap()
        .current_dir(repo(""))
        .args([
            "run",
            "scenarios/reference.toml",
            "-r",
            "2",
            "--replication",
            "7",
            "-q",
            "--out",
            "/nonexistent/never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("replications 0 to 1"));
}
