//! The behaviour mechanisms added for the evidence (price levels, trends, declined and
//! supply-induced admissions, breakdowns by group, condition and signing), each checked against
//! what it must do exactly or in closed form.

use tierflow::metrics::Breakdown;
use tierflow::tier::Tier;

use crate::common::*;

const REGION: &str = "tests/fixtures/region.toml";

/// Sum over replications of a metric in one year.
fn total(vals: &[Vec<tierflow::metrics::MetricValue>], year: i32, name: &str, b: Breakdown) -> f64 {
    vals.iter()
        .map(|v| value(v, year, name, b).unwrap_or(0.0))
        .sum()
}

/// With prices out of the choice (zero cost weights), an outpatient price index multiplies every
/// visit's cost and changes nothing else: the same draws, the same choices.
#[test]
fn price_index_multiplies_every_cost_and_nothing_else() {
    let neutral = [
        "behaviour.cost_per_yuan=0",
        "behaviour.inpatient_cost_per_yuan=0",
    ];
    let p1 = plan(&repo(REGION), &neutral);
    let mut doubled: Vec<&str> = neutral.to_vec();
    doubled.push("prices.outpatient_index=2");
    doubled.push("prices.inpatient_index=3");
    let p2 = plan(&repo(REGION), &doubled);
    let (a, b) = (values(&p1, &run(&p1, 2)), values(&p2, &run(&p2, 2)));
    for year in 2014..=2016 {
        for t in [Tier::Village, Tier::Township, Tier::County, Tier::Tertiary] {
            let k = Breakdown::Tier(t);
            assert_eq!(
                total(&a, year, "visits", k),
                total(&b, year, "visits", k),
                "visits moved at {t:?}"
            );
            let (ca, cb) = (
                total(&a, year, "cost_per_visit", k),
                total(&b, year, "cost_per_visit", k),
            );
            assert!((cb / ca - 2.0).abs() < 1e-9, "{t:?} {year}: {ca} → {cb}");
            let (ia, ib) = (
                total(&a, year, "cost_per_admission", k),
                total(&b, year, "cost_per_admission", k),
            );
            if ia > 0.0 {
                // Recovery days after a down-referral are priced per day × the index too.
                assert!((ib / ia - 3.0).abs() < 1e-9, "{t:?} {year}: {ia} → {ib}");
            }
        }
    }
}

/// Yearly price growth compounds: the cost per visit of year k is the start year's × (1 + g)^k,
/// within sampling noise.
#[test]
fn price_growth_compounds_year_by_year() {
    let sets = [
        "behaviour.cost_per_yuan=0",
        "behaviour.inpatient_cost_per_yuan=0",
        "prices.growth_per_year=0.1",
        "run.replications=4",
    ];
    let p = plan(&repo(REGION), &sets);
    assert!(p.epochs.len() >= 3, "a trend adds an epoch per year");
    let v = values(&p, &run(&p, 4));
    let c = |y| total(&v, y, "cost_per_visit", Breakdown::Tier(Tier::Township));
    let (r1, r2) = (c(2015) / c(2014), c(2016) / c(2014));
    assert!((r1 - 1.1).abs() < 0.01, "year 1 ratio {r1}");
    assert!((r2 - 1.21).abs() < 0.015, "year 2 ratio {r2}");
}

/// Income growth lowers the weight of money, so care moves up to the dearer tiers year by year;
/// quality growth at a tier draws patients to it.
#[test]
fn income_and_quality_trends_move_choices_over_time() {
    let share = |sets: &[&str], year| {
        let p = plan(&repo(REGION), sets);
        let v = values(&p, &run(&p, 4));
        total(&v, year, "grassroots_outpatient_share", Breakdown::All) / 4.0
    };
    let flat = share(&["behaviour.cost_per_yuan=-0.02"], 2016);
    let richer = share(
        &[
            "behaviour.cost_per_yuan=-0.02",
            "trends.income_growth_per_year=0.3",
        ],
        2016,
    );
    assert!(richer < flat - 0.01, "income growth: {flat} → {richer}");
    let tertiary = |sets: &[&str], year| {
        let p = plan(&repo(REGION), sets);
        let v = values(&p, &run(&p, 4));
        total(&v, year, "visits", Breakdown::Tier(Tier::Tertiary))
    };
    let base = tertiary(&[], 2016);
    let pulled = tertiary(&["tiers.tertiary.quality_growth_per_year=0.3"], 2016);
    assert!(pulled > base * 1.1, "quality growth: {base} → {pulled}");
}

/// A tier's pull of capacity is exactly a quality change of `quality_per_log_beds` × ln(beds ÷
/// reference): draw for draw the same run, and more tertiary visits than without the pull.
#[test]
fn beds_add_pull_as_a_quality_change_of_their_log() {
    let doubled = "tiers.tertiary.beds_per_1000=4";
    let pull = [
        doubled,
        "tiers.tertiary.quality_per_log_beds=0.5",
        "tiers.tertiary.quality_reference_beds_per_1000=2",
    ];
    let same = format!("tiers.tertiary.quality_change={:?}", 0.5 * 2f64.ln());
    let run_of = |sets: &[&str]| run(&plan(&repo(REGION), sets), 2);
    let with_pull = run_of(&pull);
    assert_eq!(with_pull, run_of(&[doubled, &same]));
    let v = |r: &[tierflow::engine::ReplicationResult], sets: &[&str]| {
        let p = plan(&repo(REGION), sets);
        total(
            &values(&p, r),
            2015,
            "visits",
            Breakdown::Tier(Tier::Tertiary),
        )
    };
    let (without, with) = (v(&run_of(&[doubled]), &[doubled]), v(&with_pull, &pull));
    assert!(with > without * 1.1, "pull of beds: {without} → {with}");
    let err = tierflow::scenario::load(&repo(REGION), &[pull[1].to_string()])
        .map_err(|e| e.to_string())
        .and_then(|s| tierflow::model::Plan::from_scenario(&s).map_err(|e| e.to_string()))
        .unwrap_err();
    assert!(
        err.contains("tiers.tertiary.quality_reference_beds_per_1000"),
        "a pull without a reference is located: {err}"
    );
}

/// With a zero acceptance constant and no price weight, a patient accepts an offered admission
/// with probability exactly 1/2: declined ≈ admitted among non-emergency conditions.
#[test]
fn declining_an_admission_follows_its_logit() {
    let p = plan(
        &repo(REGION),
        &[
            "behaviour.admission_decline_enabled=true",
            "behaviour.admission_acceptance_utility=0",
            "behaviour.inpatient_cost_per_yuan=0",
            "conditions.emergency.incidence_per_year=0",
            "referral.down_referral_probability.county=0",
            "referral.down_referral_probability.tertiary=0",
            "tiers.township.beds_per_1000=inf",
            "tiers.county.beds_per_1000=inf",
            "tiers.tertiary.beds_per_1000=inf",
        ],
    );
    let v = values(&p, &run(&p, 4));
    let declined = total(&v, 2015, "admissions_declined", Breakdown::All);
    let admitted = total(&v, 2015, "admissions", Breakdown::All);
    let share = declined / (declined + admitted);
    // About 9,000 offers: the binomial standard error is about 0.005.
    assert!((share - 0.5).abs() < 0.02, "declined share {share}");
}

/// Hospitals fill beds towards their target occupancy: with twice the beds, the admission
/// multiplier closes θ of the log gap each year, so occupancy climbs back towards the target,
/// and with θ = 0 it stays where the beds left it.
#[test]
fn admissions_follow_beds_towards_the_target_occupancy() {
    let run_with = |theta: &str| {
        let sets = [
            "run.years=5",
            "run.replications=2",
            "population.scale=0.5",
            "tiers.county.beds_per_1000=1.6",
            "tiers.county.target_occupancy=0.9",
            "tiers.tertiary.beds_per_1000=inf",
            theta,
        ];
        let p = plan(&repo(REGION), &sets);
        let v = values(&p, &run(&p, 2));
        (2014..=2018)
            .map(|y| total(&v, y, "bed_occupancy", Breakdown::Tier(Tier::County)) / 2.0)
            .collect::<Vec<f64>>()
    };
    let fixed = run_with("behaviour.admission_adjustment_per_year=0");
    let filling = run_with("behaviour.admission_adjustment_per_year=0.7");
    assert!(
        fixed[4] < 0.75,
        "without adjustment the doubled beds stay emptier: {fixed:?}"
    );
    assert!(
        (fixed[4] - fixed[0]).abs() < 0.05,
        "without adjustment occupancy is flat: {fixed:?}"
    );
    assert!(
        filling.windows(2).take(3).all(|w| w[1] > w[0]),
        "{filling:?}"
    );
    // Emergencies (admitted on need alone) hold part of the beds, so the approach is slower than
    // θ alone says; it still gets most of the way in five years.
    assert!(
        filling[4] > 0.8 && filling[4] < 0.95,
        "occupancy approaches 0.9: {filling:?}"
    );
}

/// Every slice adds up to the region: visits, admissions and money by group, by condition and by
/// signing status each sum to the region's total; bypass and grassroots shares exist by slice.
#[test]
fn breakdowns_by_group_condition_and_signing_add_up() {
    let p = plan(&repo(REGION), &[]);
    let m = p.base();
    let v = values(&p, &run(&p, 2));
    for vals in &v {
        for name in [
            "visits",
            "admissions",
            "total_cost",
            "fund_spend",
            "episodes",
        ] {
            let all = value(vals, 2016, name, Breakdown::All).unwrap();
            let by = |keys: Vec<Breakdown>| -> f64 {
                keys.iter()
                    .map(|k| value(vals, 2016, name, *k).unwrap_or(0.0))
                    .sum()
            };
            let groups = by((0..m.groups.len() as u8).map(Breakdown::Group).collect());
            let conditions = by((0..m.conditions.len() as u8)
                .map(Breakdown::Condition)
                .collect());
            let signing = by(vec![Breakdown::Signing(false), Breakdown::Signing(true)]);
            for (what, x) in [
                ("group", groups),
                ("condition", conditions),
                ("signing", signing),
            ] {
                assert!(
                    (x - all).abs() <= 1e-9 * all.abs().max(1.0),
                    "{name} by {what}: {x} vs {all}"
                );
            }
        }
        for k in [
            Breakdown::All,
            Breakdown::Signing(true),
            Breakdown::Signing(false),
            Breakdown::Group(0),
            Breakdown::Condition(0),
        ] {
            let b = value(vals, 2016, "bypass_share", k).unwrap();
            assert!((0.0..=1.0).contains(&b), "{k:?}: {b}");
        }
        // Chronic follow-ups need a township: their grassroots share is township visits only.
        assert!(
            value(
                vals,
                2016,
                "grassroots_outpatient_share",
                Breakdown::Condition(1)
            )
            .is_some()
        );
    }
}

#[test]
fn metrics_csv_has_one_breakdown_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    tierflow_ok(&[
        "run",
        REGION,
        "-q",
        "-r",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "year,metric,tier,group,condition,signing,mean,sd,p5,p50,p95"
    );
    let tiers = [
        "all",
        "village",
        "township",
        "county",
        "tertiary",
        "out_of_region",
    ];
    let mut seen = [false; 3];
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert!(tiers.contains(&f[2]), "tier column holds only tiers: {l}");
        let set = f[2..6].iter().filter(|c| **c != "all").count();
        assert!(set <= 1, "more than one breakdown: {l}");
        seen[0] |= f[1] == "bypass_share" && f[5] == "signed";
        seen[1] |= f[1] == "visits" && f[3] == "rural";
        seen[2] |= f[1] == "admissions" && f[4] == "chronic";
    }
    assert_eq!(seen, [true; 3], "breakdown rows missing");
    let reps = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    assert!(reps.starts_with("replication,year,metric,tier,group,condition,signing,value\n"));
}

#[test]
fn bad_prices_trends_and_clashing_names_are_refused_with_their_path() {
    for (set, path) in [
        ("prices.outpatient_index=0", "prices.outpatient_index"),
        ("prices.inpatient_index=-1", "prices.inpatient_index"),
        ("prices.growth_per_year=0.9", "prices.growth_per_year"),
        (
            "trends.income_growth_per_year=nan",
            "trends.income_growth_per_year",
        ),
        (
            "behaviour.admission_adjustment_per_year=2",
            "behaviour.admission_adjustment_per_year",
        ),
        (
            "tiers.county.target_occupancy=1.5",
            "tiers.county.target_occupancy",
        ),
    ] {
        let err = tierflow_error(&["check", REGION, "--set", set]);
        assert!(err.contains(path), "{set}: {err}");
    }
    let text = std::fs::read_to_string(repo(REGION)).unwrap();
    let clash = text.replace("[conditions.chronic]", "[conditions.signed]");
    let err = error_of(&clash);
    assert!(
        err.contains("conditions.signed") && err.contains("cannot be called"),
        "{err}"
    );
    let clash = text
        .replace("[conditions.chronic]", "[conditions.rural]")
        .replace("incidence_per_year_by_group = { rural = 2.0 }", "");
    let err = error_of(&clash);
    assert!(err.contains("conditions.rural"), "{err}");
}

/// A first-contact rule that refuses unreferred care above the gate leaves no bypassing among the
/// episodes it binds: with full compliance, none at all; with half, about half the bypassing of
/// no rule. Complex cases referred on from county still reach tertiary care.
#[test]
fn a_refusing_first_contact_rule_stops_bypassing_in_proportion_to_compliance() {
    let bypass = |sets: &[&str]| {
        let p = plan(&repo(REGION), sets);
        let v = values(&p, &run(&p, 4));
        let b = total(&v, 2016, "bypass_share", Breakdown::All) / 4.0;
        let tertiary = total(&v, 2016, "visits", Breakdown::Tier(Tier::Tertiary));
        (b, tertiary)
    };
    let (free, _) = bypass(&[]);
    let (_, tertiary_without) = bypass(&["referral.first_contact_rule=\"refuse\""]);
    let (none, tertiary) = bypass(&[
        "referral.first_contact_rule=\"refuse\"",
        "referral.up_referral_probability.county=0.2",
    ]);
    let (half, _) = bypass(&[
        "referral.first_contact_rule=\"refuse\"",
        "referral.first_contact_compliance=0.5",
    ]);
    assert!(free > 0.05, "bypassing without a rule: {free}");
    assert_eq!(none, 0.0, "full compliance leaves no bypassing");
    assert!(
        tertiary > 2.0 * tertiary_without,
        "referred complex cases reach tertiary care: {tertiary_without} → {tertiary}"
    );
    assert!(
        (half / free - 0.5).abs() < 0.08,
        "half compliance: {half} vs {free}"
    );
}

/// A rule that withholds reimbursement changes who pays, not who goes, when prices do not enter
/// the choice: the same visits at every tier, the same costs, less from the fund.
#[test]
fn a_no_reimbursement_rule_moves_bypassers_bills_to_their_pockets() {
    let neutral = [
        "behaviour.cost_per_yuan=0",
        "behaviour.inpatient_cost_per_yuan=0",
    ];
    let p0 = plan(&repo(REGION), &neutral);
    let mut with_rule = neutral.to_vec();
    with_rule.push("referral.first_contact_rule=\"no_reimbursement\"");
    let p1 = plan(&repo(REGION), &with_rule);
    let (a, b) = (values(&p0, &run(&p0, 2)), values(&p1, &run(&p1, 2)));
    for t in [Tier::Village, Tier::Township, Tier::County, Tier::Tertiary] {
        let k = Breakdown::Tier(t);
        assert_eq!(
            total(&a, 2016, "visits", k),
            total(&b, 2016, "visits", k),
            "{t:?}"
        );
        assert_eq!(
            total(&a, 2016, "total_cost", k),
            total(&b, 2016, "total_cost", k),
            "{t:?}"
        );
    }
    let fund = |v: &[Vec<tierflow::metrics::MetricValue>], t| {
        total(v, 2016, "fund_spend", Breakdown::Tier(t))
    };
    assert!(fund(&b, Tier::County) < 0.8 * fund(&a, Tier::County));
}

/// `quality_change` adds to `quality`: the same run, draw for draw.
#[test]
fn a_quality_change_is_the_same_as_a_higher_quality() {
    let base = plan(&repo(REGION), &[]);
    let q = base.base().tiers[Tier::County].as_ref().unwrap().quality;
    let raised = format!("tiers.county.quality={}", q + 0.5);
    let a = plan(&repo(REGION), &[raised.as_str()]);
    let b = plan(&repo(REGION), &["tiers.county.quality_change=0.5"]);
    assert_eq!(values(&a, &run(&a, 2)), values(&b, &run(&b, 2)));
    assert_ne!(values(&base, &run(&base, 2)), values(&b, &run(&b, 2)));
}
