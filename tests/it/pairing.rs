//! Exact pairing (issue 9, item 7): two scenarios with the same seed see the same illnesses with
//! the same severity, stays and costs, whatever people choose, so a change that moves nobody
//! changes no number and a change that moves some people changes nobody else's.

use tierflow::engine::ReplicationResult;

use crate::common::*;

/// National base, small, with every bed unlimited and admissions not following beds: people
/// then meet only through their own choices, never through a queue.
const NO_QUEUES: &[&str] = &[
    "population.scale=0.0005",
    "run.warmup_years=1",
    "run.years=2",
    "tiers.township.beds_per_1000=inf",
    "tiers.county.beds_per_1000=inf",
    "tiers.tertiary.beds_per_1000=inf",
    "behaviour.admission_adjustment_per_year=0",
];

fn national(extra: &[&str]) -> Vec<ReplicationResult> {
    let overrides: Vec<&str> = NO_QUEUES.iter().chain(extra).copied().collect();
    run(&plan(&repo("scenarios/national-base.toml"), &overrides), 3)
}

#[test]
fn changing_one_schemes_payout_leaves_the_other_schemes_people_exactly_as_they_were() {
    let before = national(&[]);
    let after = national(&["schemes.residents.outpatient.township.rate=0.8"]);
    let p = plan(&repo("scenarios/national-base.toml"), NO_QUEUES);
    let group = |name: &str| p.base().groups.iter().position(|g| g.name == name).unwrap();
    let employees = [group("urban_general"), group("urban_key")];
    let rural = group("rural_general");
    let mut residents_moved = false;
    for (b, a) in before.iter().zip(&after) {
        for (yb, ya) in b.years.iter().zip(&a.years) {
            for g in employees {
                assert_eq!(
                    yb.by_group[g], ya.by_group[g],
                    "employees' group {g} in {} changed although only residents' payout did",
                    yb.year
                );
            }
            residents_moved |= yb.by_group[rural] != ya.by_group[rural];
        }
    }
    assert!(
        residents_moved,
        "the residents' payout must move the residents"
    );
}

#[test]
fn a_timeline_entry_that_changes_nothing_changes_no_number() {
    let base = repo("scenarios/national-base.toml");
    let with_entry = format!(
        "extends = {:?}\n\
         [[timeline]]\n\
         date = \"2014-07-01\"\n\
         set = {{ \"schemes.residents.outpatient.township.rate\" = 0.35 }}\n\
         source = \"test: the value it already has\"\n",
        base.to_str().unwrap()
    );
    let overrides = ["population.scale=0.0005", "run.years=2"];
    let plain = run(&plan(&base, &overrides), 2);
    let entry = plan_from_str(&with_entry, &overrides);
    assert!(entry.epochs.len() > 1, "the entry makes an epoch");
    let with = run(&entry, 2);
    assert_eq!(
        plain, with,
        "an epoch that changes no value must change no number"
    );
}
