//! Targets: levels, year-on-year changes and changes since a base year, judged per replication.

use tierflow::metrics::bands::collect;
use tierflow::metrics::targets::judge;

use crate::common::*;

fn with_targets(targets: &str) -> tierflow::model::Plan {
    let text = std::fs::read_to_string(repo("tests/fixtures/region.toml")).unwrap();
    let start = text.find("[[targets]]").unwrap();
    plan_from_str(&format!("{}{targets}", &text[..start]), &[])
}

#[test]
fn change_targets_compare_paired_replications() {
    let p = with_targets(
        r#"
[[targets]]
name = "rural signing grows 0.15 points from 2014 to 2016"
metric = "signing_coverage"
tier = "rural"
year = 2016
op = ">="
value = 0.15
basis = "change_since"
since = 2014

[[targets]]
name = "visits fall 50% in 2015"
metric = "visits"
year = 2015
op = "<="
value = -0.5
basis = "yoy_change"

[[targets]]
name = "signed residents"
metric = "signed_residents"
year = 2014
op = ">="
value = 1000
"#,
    );
    let results = run(&p, 3);
    let vals = values(&p, &results);
    let rows = collect(&vals);
    let judged = judge(p.base(), &rows, 3);
    // Rural coverage: 0.2 (start of 2014) → 0.5 (end-2015) → 0.8 (end-2016), linear in between:
    // end-2014 ≈ 0.2 + 0.3 × 365/729 ≈ 0.35, so the change to end-2016 is ≈ +0.45.
    let growth = judged[0].projected.unwrap();
    assert!((growth.mean - 0.45).abs() < 0.02, "{growth:?}");
    assert!(judged[0].met && judged[0].share_meeting == 1.0);
    // Visits change little from year to year: a −50% target is missed in every replication.
    let yoy = judged[1].projected.unwrap();
    assert!(yoy.mean.abs() < 0.05, "{yoy:?}");
    assert!(!judged[1].met && judged[1].share_meeting == 0.0);
    // Signed residents are a count at full scale (200,000 people, coverage ≈ 0.3).
    let signed = judged[2].projected.unwrap();
    assert!(
        signed.mean > 40_000.0 && signed.mean < 90_000.0,
        "{signed:?}"
    );
}

#[test]
fn change_targets_need_their_base_year_in_the_run() {
    let text = std::fs::read_to_string(repo("tests/fixtures/region.toml")).unwrap();
    let start = text.find("[[targets]]").unwrap();
    let bad = format!(
        "{}[[targets]]\nname = \"x\"\nmetric = \"visits\"\nyear = 2014\nop = \"<=\"\nvalue = -0.1\nbasis = \"yoy_change\"\n",
        &text[..start]
    );
    let e = error_of(&bad);
    assert!(
        e.contains("targets.0.year") && e.contains("comparison year within the run"),
        "{e}"
    );
}
