//! Policy levers move outcomes in the intended direction, beyond noise.

use tierflow::metrics::Breakdown;

use crate::common::*;

fn metric_by_replication(overrides: &[&str], scenario: &str, year: i32, name: &str) -> Vec<f64> {
    let p = plan(&repo(scenario), overrides);
    let n = p.base().run.replications;
    values(&p, &run(&p, n))
        .iter()
        .map(|v| value(v, year, name, Breakdown::All).unwrap())
        .collect()
}

#[test]
fn raising_grassroots_reimbursement_raises_grassroots_share() {
    let low = metric_by_replication(
        &["run.replications=6"],
        "scenarios/reference.toml",
        2024,
        "grassroots_outpatient_share",
    );
    let high = metric_by_replication(
        &[
            "run.replications=6",
            "schemes.reference.outpatient.township.rate=0.8",
            "schemes.reference.outpatient.village.rate=0.9",
        ],
        "scenarios/reference.toml",
        2024,
        "grassroots_outpatient_share",
    );
    let min_high = high.iter().copied().fold(f64::INFINITY, f64::min);
    let max_low = low.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(min_high > max_low + 0.01, "high {high:?} vs low {low:?}");
}

#[test]
fn unreferred_penalty_lowers_out_of_region_care() {
    // Bring out-of-region care within reach so the penalty has something to act on.
    let base = [
        "tiers.out_of_region.travel_minutes_urban=30",
        "tiers.out_of_region.travel_minutes_rural=40",
        "tiers.out_of_region.quality=2.5",
    ];
    let with_penalty: Vec<&str> = base
        .iter()
        .copied()
        .chain([
            "schemes.employees.outpatient.out_of_region.unreferred_rate_cut=0.3",
            "schemes.employees.inpatient.out_of_region.unreferred_rate_cut=0.3",
        ])
        .collect();
    let scenario = "tests/fixtures/region.toml";
    let without: Vec<f64> = metric_by_replication(&base, scenario, 2016, "in_region_rate");
    let with: Vec<f64> = metric_by_replication(&with_penalty, scenario, 2016, "in_region_rate");
    assert!(
        without.iter().all(|x| *x < 0.999),
        "out-of-region care should be used: {without:?}"
    );
    // Paired replications share their illness draws, so each pair's difference is informative.
    let diffs: Vec<f64> = with.iter().zip(&without).map(|(a, b)| a - b).collect();
    let (m, se) = mean_se(&diffs);
    assert!(m > 0.0 && m > 3.0 * se, "in-region change {m} ± {se}");
}

#[test]
fn signing_targets_are_reached_and_cost_fees() {
    let p = plan(&repo("tests/fixtures/region.toml"), &[]);
    let vals = values(&p, &run(&p, 2));
    for v in &vals {
        let rural = value(v, 2016, "signing_coverage", Breakdown::Group(0)).unwrap();
        assert!((rural - 0.8).abs() < 1e-3, "rural coverage {rural}");
        let urban = value(v, 2016, "signing_coverage", Breakdown::Group(1)).unwrap();
        assert!((urban - 0.4).abs() < 1e-3, "urban coverage {urban}");
        let fees = value(v, 2016, "programme_cost", Breakdown::All).unwrap();
        // Coverage grows through the year, so fees lie between start and end coverage × fee.
        let people = 200_000.0;
        assert!(
            fees > 0.3 * people * 120.0 && fees < 0.7 * people * 120.0,
            "fees {fees}"
        );
    }
}
