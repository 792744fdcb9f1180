//! The calibrated national baseline reproduces published responses, not just levels: price
//! elasticities (Zhou et al. 2011; 2009), the signed-doctor odds ratio of bypassing (Feng et al.
//! 2017) and beds that fill (Roemer's law). Paired runs: both arms use the same seed and
//! replications. Price responses are measured in the year prices change (a timeline change on
//! 1 January of the reported year): the patients' response, before hospitals adjust their
//! admission thresholds to their beds a year later. docs/validation.md shows the same numbers
//! with the command that measures them.

use tierflow::metrics::{Breakdown, MetricValue};
use tierflow::tier::Tier;

use crate::common::*;

const BASE: &str = "scenarios/national-base.toml";
const REPLICATIONS: &str = "run.replications=16";

fn run_values(scenario: &str, sets: &[&str]) -> (i32, Vec<Vec<MetricValue>>) {
    let mut all = vec![REPLICATIONS];
    all.extend_from_slice(sets);
    let p = plan(&repo(scenario), &all);
    // (`repo` leaves an absolute path as it is.)
    let last = p.base().run.start_year + p.base().run.years as i32 - 1;
    let n = p.base().run.replications;
    (last, values(&p, &run(&p, n)))
}

/// The same runs with `changes` taking effect on 1 January of the first reported year.
fn run_changed(scenario: &str, changes: &[(String, f64)]) -> (i32, Vec<Vec<MetricValue>>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("changed.toml");
    let year = plan(&repo(scenario), &[]).base().run.start_year;
    let body: Vec<String> = changes
        .iter()
        .map(|(k, v)| format!("\"{k}\" = {v}"))
        .collect();
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\nname = \"changed\"\n[[timeline]]\ndate = \"{year}-01-01\"\nset = {{ {} }}\n",
            repo(scenario).to_str().unwrap(),
            body.join(", ")
        ),
    )
    .unwrap();
    run_values(path.to_str().unwrap(), &[])
}

fn sum(vals: &[Vec<MetricValue>], year: i32, name: &str, b: Breakdown) -> f64 {
    vals.iter()
        .map(|v| value(v, year, name, b).unwrap_or(0.0))
        .sum()
}

/// First contacts: episodes that did not end in self-care.
fn first_contacts(vals: &[Vec<MetricValue>], year: i32) -> f64 {
    sum(vals, year, "episodes", Breakdown::All) - sum(vals, year, "self_care", Breakdown::All)
}

/// Relative change per 10% price rise.
fn elasticity(before: f64, after: f64) -> f64 {
    (after / before - 1.0) / 0.1
}

#[test]
fn outpatient_and_inpatient_price_elasticities_match_zhou_2011() {
    let (y, base) = run_values(BASE, &[]);
    let (_, outpatient) = run_changed(BASE, &[("prices.outpatient_index".into(), 1.1)]);
    let (_, inpatient) = run_changed(BASE, &[("prices.inpatient_index".into(), 1.1)]);
    let visits = elasticity(first_contacts(&base, y), first_contacts(&outpatient, y));
    assert!(
        (-0.70..=-0.34).contains(&visits) && (visits + 0.52).abs() < 0.08,
        "first-visit elasticity {visits:.3}: Zhou et al. 2011 give −0.52 (−0.70 to −0.34)"
    );
    let a = |v: &[Vec<MetricValue>]| sum(v, y, "admissions", Breakdown::All);
    let admissions = elasticity(a(&base), a(&inpatient));
    assert!(
        (-0.52..=-0.23).contains(&admissions) && (admissions + 0.37).abs() < 0.07,
        "admission elasticity {admissions:.3}: Zhou et al. 2011 give −0.37 (−0.52 to −0.23)"
    );
}

#[test]
fn village_clinic_visits_have_the_published_own_price_elasticity() {
    let p = plan(&repo(BASE), &[]);
    let changes: Vec<(String, f64)> = p
        .base()
        .conditions
        .iter()
        .filter(|c| c.outpatient_cost_yuan[Tier::Village] > 0.0)
        .map(|c| {
            (
                format!("conditions.{}.outpatient_cost_yuan.village", c.name),
                c.outpatient_cost_yuan[Tier::Village] * 1.1,
            )
        })
        .collect();
    let (y, base) = run_values(BASE, &[]);
    let (_, dearer) = run_changed(BASE, &changes);
    let v = |x: &[Vec<MetricValue>]| sum(x, y, "visits", Breakdown::Tier(Tier::Village));
    let e = elasticity(v(&base), v(&dearer));
    assert!(
        (e + 1.5).abs() < 0.25,
        "village own-price elasticity {e:.3}: Zhou et al. 2009 give −1.5"
    );
}

#[test]
fn signed_residents_bypass_less_with_the_published_odds_ratio() {
    let (y, v) = run_values("scenarios/national-2015.toml", &[]);
    let n = v.len() as f64;
    let share = |s| sum(&v, y, "bypass_share", Breakdown::Signing(s)) / n;
    let (signed, unsigned) = (share(true), share(false));
    let odds = |p: f64| p / (1.0 - p);
    let or = odds(signed) / odds(unsigned);
    assert!(
        (or - 0.58).abs() <= 0.04,
        "odds ratio of bypassing, signed vs unsigned, {or:.3} (signed {signed:.3}, unsigned {unsigned:.3}): Feng et al. 2017 give 0.58"
    );
}

#[test]
fn doubling_tertiary_beds_fills_them_within_five_years() {
    let p = plan(&repo(BASE), &[]);
    let beds = p.base().tiers[Tier::Tertiary]
        .as_ref()
        .unwrap()
        .beds_per_1000;
    let doubled = format!("tiers.tertiary.beds_per_1000={}", 2.0 * beds);
    let five = ["run.years=5", "run.replications=6"];
    let (y, base) = run_values(BASE, &five);
    let mut sets = five.to_vec();
    sets.push(&doubled);
    let (_, more) = run_values(BASE, &sets);
    let tertiary = Breakdown::Tier(Tier::Tertiary);
    let (a0, a1) = (
        sum(&base, y, "admissions", tertiary),
        sum(&more, y, "admissions", tertiary),
    );
    assert!(a1 > a0 * 1.3, "tertiary admissions {a0} → {a1}");
    let occupancy = sum(&more, y, "bed_occupancy", tertiary) / more.len() as f64;
    assert!(
        occupancy > 0.8,
        "tertiary occupancy after doubling its beds: {occupancy:.3} (DATA.md: near 100% while beds grew)"
    );
}
