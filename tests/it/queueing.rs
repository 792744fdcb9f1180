//! Analytic queueing results: one tier, Poisson admissions, exponential stays, c beds.

use crate::common::*;

const BEDS: f64 = 20.0;
const ARRIVALS_PER_DAY: f64 = 3.0;
const MEAN_STAY_DAYS: f64 = 5.0;

fn one_tier(mode: &str) -> String {
    let population = 100_000.0;
    format!(
        r#"
name = "erlang-{mode}"
[run]
start_year = 2000
years = 200
warmup_years = 1
replications = 40
seed = 11
[population]
size = {population}
[groups.everyone]
share = 1.0
area = "urban"
scheme = "none"
[conditions.illness]
incidence_per_year = {incidence}
lowest_tier = "county"
admission_probability = {{ county = 1.0 }}
los_days = {{ county = {MEAN_STAY_DAYS} }}
[tiers.county]
beds_per_1000 = {beds_per_1000}
[schemes.none]
[referral]
when_beds_full = "{mode}"
"#,
        incidence = ARRIVALS_PER_DAY * 365.0 / population,
        beds_per_1000 = BEDS * 1000.0 / population,
    )
}

/// Erlang B blocking probability for `c` servers and offered load `a`.
fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (k as f64 + a * b))
}

/// Erlang C probability of waiting.
fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    c as f64 * b / (c as f64 - a * (1.0 - b))
}

struct Totals {
    admissions: f64,
    diversions: f64,
    wait_days: f64,
    busy: f64,
    available: f64,
}

fn totals(mode: &str) -> Totals {
    let p = plan_from_str(&one_tier(mode), &[]);
    let mut t = Totals {
        admissions: 0.0,
        diversions: 0.0,
        wait_days: 0.0,
        busy: 0.0,
        available: 0.0,
    };
    for r in run(&p, 40) {
        for y in &r.years {
            let c = &y.tiers[tierflow::tier::Tier::County.index()];
            t.admissions += c.admissions as f64;
            t.diversions += c.diversions as f64;
            t.wait_days += c.wait_days;
            t.busy += c.busy_bed_days;
            t.available += c.available_bed_days;
        }
    }
    t
}

#[test]
fn diversion_matches_erlang_b() {
    let a = ARRIVALS_PER_DAY * MEAN_STAY_DAYS;
    let b = erlang_b(BEDS as u32, a);
    let t = totals("divert");
    let blocking = t.diversions / (t.diversions + t.admissions);
    assert!(
        (blocking / b - 1.0).abs() < 0.02,
        "blocking {blocking:.5} vs Erlang B {b:.5}"
    );
    let occupancy = t.busy / t.available;
    let expected = a * (1.0 - b) / BEDS;
    assert!(
        (occupancy / expected - 1.0).abs() < 0.02,
        "occupancy {occupancy:.4} vs {expected:.4}"
    );
}

#[test]
fn waiting_matches_erlang_c() {
    let a = ARRIVALS_PER_DAY * MEAN_STAY_DAYS;
    let c = erlang_c(BEDS as u32, a);
    let expected_wait = c / (BEDS / MEAN_STAY_DAYS - ARRIVALS_PER_DAY);
    let t = totals("wait");
    assert_eq!(t.diversions, 0.0);
    let wait = t.wait_days / t.admissions;
    assert!(
        (wait / expected_wait - 1.0).abs() < 0.05,
        "mean wait {wait:.4} vs Erlang C {expected_wait:.4}"
    );
    let occupancy = t.busy / t.available;
    assert!(
        (occupancy / (a / BEDS) - 1.0).abs() < 0.02,
        "occupancy {occupancy:.4} vs {:.4}",
        a / BEDS
    );
}
