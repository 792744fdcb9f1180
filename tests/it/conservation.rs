//! Conservation of patients and money, on a scenario with every mechanism switched on.

use tierflow::metrics::Breakdown;
use tierflow::tier::Tier;

use crate::common::*;

#[test]
fn visits_money_and_beds_are_conserved() {
    for mode in ["wait", "divert"] {
        let p = plan(
            &repo("tests/fixtures/region.toml"),
            &[&format!("referral.when_beds_full={mode}")],
        );
        let model = p.base();
        let results = run(&p, 3);
        for r in &results {
            let in_bed = assert_beds_conserved(r);
            for y in &r.years {
                for t in Tier::ALL {
                    let tt = &y.tiers[t.index()];
                    // Fund + out-of-pocket = total cost, exactly up to rounding.
                    let total = tt.outpatient_cost_yuan + tt.inpatient_cost_yuan;
                    assert!((tt.fund_yuan + tt.oop_yuan - total).abs() <= 1e-9 * total.max(1.0));
                    assert!(tt.fund_yuan >= 0.0 && tt.oop_yuan >= 0.0);
                    if let Some(Some(cap)) = model.tiers[t].as_ref().map(|s| s.beds) {
                        assert!(tt.in_bed_at_end <= cap as u64 || p.epochs.len() > 1);
                    }
                }
            }
            let waiting_total: u64 = r
                .years
                .last()
                .unwrap()
                .tiers
                .iter()
                .map(|t| t.waiting_at_end)
                .sum();
            // Nobody lost: everyone flagged in care is in a bed or a queue.
            let in_bed_end: u64 = in_bed.iter().sum();
            assert_eq!(
                r.people_in_care_at_end,
                in_bed_end + waiting_total,
                "{mode}"
            );
            if mode == "divert" {
                assert_eq!(waiting_total, 0);
            }
        }
        // The same identities hold for the reported (scaled) metrics.
        for vals in values(&p, &results) {
            for year in 2014..=2016 {
                let all = value(&vals, year, "visits", Breakdown::All).unwrap();
                let by_tier: f64 = model
                    .present_tiers()
                    .filter_map(|t| value(&vals, year, "visits", Breakdown::Tier(t)))
                    .sum();
                assert!((all - by_tier).abs() < 1e-6 * all);
                let total = value(&vals, year, "total_cost", Breakdown::All).unwrap();
                let fund = value(&vals, year, "fund_spend", Breakdown::All).unwrap();
                let oop = value(&vals, year, "oop_spend", Breakdown::All).unwrap();
                assert!((fund + oop - total).abs() < 1e-9 * total);
                let share =
                    value(&vals, year, "grassroots_outpatient_share", Breakdown::All).unwrap();
                assert!((0.0..=1.0).contains(&share));
            }
        }
    }
}

#[test]
fn warm_up_starts_reporting_with_occupied_beds() {
    let p = plan(&repo("tests/fixtures/region.toml"), &[]);
    let r = &run(&p, 1)[0];
    assert!(
        r.in_bed_at_start.iter().sum::<u64>() > 0,
        "warm-up should leave patients in beds"
    );
    let cold = plan(&repo("tests/fixtures/region.toml"), &["run.warmup_years=0"]);
    let r = &run(&cold, 1)[0];
    assert_eq!(r.in_bed_at_start.iter().sum::<u64>(), 0);
}

#[test]
fn results_scale_to_the_full_population() {
    // Simulating a 10% sample reports visits at full scale: about the same as simulating all.
    let sample = plan(
        &repo("scenarios/reference.toml"),
        &["population.scale=0.1", "run.replications=4"],
    );
    let full = plan(&repo("scenarios/reference.toml"), &["run.replications=2"]);
    let mean_visits = |p| {
        let v = values(p, &run(p, 2));
        v.iter()
            .map(|x| value(x, 2024, "visits", Breakdown::All).unwrap())
            .sum::<f64>()
            / v.len() as f64
    };
    let (a, b) = (mean_visits(&sample), mean_visits(&full));
    assert!((a / b - 1.0).abs() < 0.01, "sample {a} vs full {b}");
    // Beds scale with the sample, so occupancy stays comparable.
    assert_eq!(
        sample.base().tiers[Tier::County].as_ref().unwrap().beds,
        Some(20)
    );
}

#[test]
fn groups_grow_and_shrink_by_year_and_everything_still_balances() {
    let p = plan(
        &repo("tests/fixtures/region.toml"),
        &[
            "groups.rural.growth_per_year=0.1",
            "groups.urban.growth_per_year=-0.05",
        ],
    );
    let results = run(&p, 2);
    for r in &results {
        let sizes: Vec<(u64, u64)> = r
            .years
            .iter()
            .map(|y| (y.people_by_group[0], y.people_by_group[1]))
            .collect();
        // Sample sizes: rural 12,000 and urban 8,000 in 2014, then ×1.1 and ×0.95 a year.
        assert_eq!(
            sizes,
            vec![(12_000, 8_000), (13_200, 7_600), (14_520, 7_220)]
        );
        assert_beds_conserved(r);
    }
    let vals = values(&p, &results);
    let episodes = |y| {
        vals.iter()
            .map(|v| value(v, y, "episodes", Breakdown::All).unwrap())
            .sum::<f64>()
    };
    // People: 20,000 → 21,740 (+8.7%), mostly rural with more chronic follow-ups, so episodes grow
    // by about as much; the signing path holds for the larger group too.
    let growth = episodes(2016) / episodes(2014);
    assert!(growth > 1.05 && growth < 1.12, "{growth}");
    for v in &vals {
        let rural = value(v, 2016, "signing_coverage", Breakdown::Group(0)).unwrap();
        assert!((rural - 0.8).abs() < 1e-3, "{rural}");
    }
}

#[test]
fn months_add_up_to_years_and_do_not_change_them() {
    let yearly = plan(&repo("tests/fixtures/region.toml"), &[]);
    let monthly = plan(
        &repo("tests/fixtures/region.toml"),
        &["run.monthly_outputs=true"],
    );
    let a = run(&yearly, 2);
    let b = run(&monthly, 2);
    for (ra, rb) in a.iter().zip(&b) {
        // Asking for months draws nothing extra: counts are identical, sums equal up to the
        // rounding of adding month by month.
        for (ya, yb) in ra.years.iter().zip(&rb.years) {
            assert_eq!(
                (ya.episodes(), ya.self_care(), &ya.signed_by_group),
                (yb.episodes(), yb.self_care(), &yb.signed_by_group)
            );
            for (ta, tb) in ya.tiers.iter().zip(&yb.tiers) {
                assert_eq!(
                    (ta.visits, ta.admissions, ta.discharges, ta.in_bed_at_end),
                    (tb.visits, tb.admissions, tb.discharges, tb.in_bed_at_end)
                );
                assert!((ta.fund_yuan - tb.fund_yuan).abs() <= 1e-9 * ta.fund_yuan.max(1.0));
                assert!(
                    (ta.busy_bed_days - tb.busy_bed_days).abs() <= 1e-9 * ta.busy_bed_days.max(1.0)
                );
            }
        }
        assert!(ra.months.is_empty());
        assert_eq!(rb.months.len(), 36);
        for y in &rb.years {
            let months: Vec<_> = rb.months.iter().filter(|m| m.year == y.year).collect();
            assert_eq!(
                months.iter().map(|m| m.month).collect::<Vec<_>>(),
                (1..=12).collect::<Vec<u8>>()
            );
            assert!((months.iter().map(|m| m.days).sum::<f64>() - 365.0).abs() < 1e-9);
            for t in Tier::ALL {
                let sum = |f: fn(&tierflow::engine::tally::TierTally) -> f64| {
                    months.iter().map(|m| f(&m.tiers[t.index()])).sum::<f64>()
                };
                let tt = &y.tiers[t.index()];
                assert_eq!(sum(|x| x.visits as f64), tt.visits as f64);
                assert_eq!(sum(|x| x.admissions as f64), tt.admissions as f64);
                assert!(
                    (sum(|x| x.fund_yuan) - tt.fund_yuan).abs() <= 1e-6 * tt.fund_yuan.max(1.0)
                );
                assert!(
                    (sum(|x| x.busy_bed_days) - tt.busy_bed_days).abs()
                        <= 1e-6 * tt.busy_bed_days.max(1.0)
                );
                assert_eq!(
                    months.last().unwrap().tiers[t.index()].in_bed_at_end,
                    tt.in_bed_at_end
                );
            }
        }
    }
}
