//! First-contact shares against the closed-form multinomial logit.

use tierflow::metrics::Breakdown;
use tierflow::tier::Tier;

use crate::common::*;

/// The reference model's constants (../shared/peers/simpy_tiers.py).
const QUALITY: [f64; 4] = [0.0, 0.6, 1.4, 2.2];
const COST: [f64; 4] = [30.0, 80.0, 200.0, 350.0];
const REIMB: [f64; 4] = [0.6, 0.5, 0.35, 0.2];

fn closed_form() -> [f64; 4] {
    let w: Vec<f64> = (0..4)
        .map(|j| (QUALITY[j] - 0.01 * COST[j] * (1.0 - REIMB[j])).exp())
        .collect();
    let total: f64 = w.iter().sum();
    std::array::from_fn(|j| w[j] / total)
}

#[test]
fn shares_match_the_closed_form_logit_without_capacity_limits() {
    let expected = closed_form();
    assert!(((expected[0] + expected[1]) - 0.5604).abs() < 5e-5);
    let p = plan(
        &repo("scenarios/reference.toml"),
        &[
            "tiers.township.beds_per_1000=inf",
            "tiers.county.beds_per_1000=inf",
            "tiers.tertiary.beds_per_1000=inf",
            "run.replications=8",
        ],
    );
    let vals = values(&p, &run(&p, 8));
    let mean = |f: &dyn Fn(&[tierflow::metrics::MetricValue]) -> f64| {
        vals.iter().map(|v| f(v)).sum::<f64>() / vals.len() as f64
    };
    let grassroots =
        mean(&|v| value(v, 2024, "grassroots_outpatient_share", Breakdown::All).unwrap());
    assert!(
        (grassroots / 0.5604 - 1.0).abs() < 0.01,
        "grassroots share {grassroots}"
    );
    for (j, t) in [Tier::Village, Tier::Township, Tier::County, Tier::Tertiary]
        .into_iter()
        .enumerate()
    {
        let share = mean(&|v| {
            value(v, 2024, "visits", Breakdown::Tier(t)).unwrap()
                / value(v, 2024, "visits", Breakdown::All).unwrap()
        });
        assert!(
            (share / expected[j] - 1.0).abs() < 0.01,
            "{}: {share} vs {}",
            t.name(),
            expected[j]
        );
    }
}

/// Checks the reference model's mean occupancy by tier (6 replications) against `expected`.
fn assert_occupancy(warmup_years: u32, expected: [f64; 3], tolerance: f64) {
    let warmup = format!("run.warmup_years={warmup_years}");
    let p = plan(
        &repo("scenarios/reference.toml"),
        &["run.replications=6", warmup.as_str()],
    );
    let vals = values(&p, &run(&p, 6));
    for (t, expected) in [Tier::Township, Tier::County, Tier::Tertiary]
        .into_iter()
        .zip(expected)
    {
        let occ = vals
            .iter()
            .map(|v| value(v, 2024, "bed_occupancy", Breakdown::Tier(t)).unwrap())
            .sum::<f64>()
            / vals.len() as f64;
        assert!(
            (occ - expected).abs() < tolerance,
            "warm-up {warmup_years}: {}: {occ}",
            t.name()
        );
    }
}

#[test]
fn reference_occupancy_matches_the_peer_model() {
    // Starting empty, one year: about 0.52 township, 0.74 county, 0.56 tertiary (issue #2).
    assert_occupancy(0, [0.52, 0.74, 0.56], 0.02);
    // With a year of warm-up the occupancy approaches the steady state 0.534, 0.772, 0.576.
    assert_occupancy(1, [0.534, 0.772, 0.576], 0.015);
}
