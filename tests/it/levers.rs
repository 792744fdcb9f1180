//! Levers and the override rule: a lever sets all its paths from its date; `--set` and
//! `--lever` win over the scenario's timeline from their date; percentages where the unit is a
//! fraction; every error located.

use std::collections::BTreeMap;

use tierflow::scenario::{self, Scenario};

use crate::common::{repo, tierflow, tierflow_error, tierflow_ok};

const SHAOXING: &str = "scenarios/shaoxing-2014.toml";
const PAYOUT: [&str; 4] = [
    "schemes.residents.outpatient.village.rate",
    "schemes.residents.outpatient.township.rate",
    "schemes.residents_shiqu.outpatient.village.rate",
    "schemes.residents_shiqu.outpatient.township.rate",
];

fn load(overrides: &[&str]) -> Scenario {
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    scenario::load(&repo(SHAOXING), &o).unwrap()
}

/// Every (date, path) → value the timeline sets.
fn changes(s: &Scenario) -> BTreeMap<(String, String), String> {
    s.raw
        .timeline
        .iter()
        .flat_map(|c| {
            c.set
                .iter()
                .map(move |(p, v)| ((c.date.clone(), p.clone()), v.to_string()))
        })
        .collect()
}

#[test]
fn a_lever_sets_all_its_paths_from_its_date_and_replaces_the_timeline_change() {
    let plain = load(&[]);
    let moved = load(&["lever:grassroots_outpatient_payout=80%"]);
    let before = changes(&plain);
    let after = changes(&moved);
    for p in PAYOUT {
        assert_eq!(
            after[&("2015-01-01".to_string(), p.to_string())],
            "0.8",
            "{p}"
        );
    }
    // The file's own change of the shiqu rate is gone; its deductible in the same entry stays.
    assert_eq!(
        before[&(
            "2015-01-01".to_string(),
            "schemes.residents_shiqu.outpatient.township.rate".to_string()
        )],
        "0.5"
    );
    assert!(
        after
            .iter()
            .filter(|((d, p), _)| d == "2015-01-01"
                && p == "schemes.residents_shiqu.outpatient.township.rate")
            .count()
            == 1
    );
    assert_eq!(
        after[&(
            "2015-01-01".to_string(),
            "schemes.residents_shiqu.outpatient.township.deductible_yuan".to_string()
        )],
        "50.0"
    );
    assert_eq!(moved.override_notes.len(), 2, "{:?}", moved.override_notes);
    // Before the lever's date the base values hold.
    let params = moved.params();
    let rate = params
        .iter()
        .find(|p| p.path == "schemes.residents.outpatient.township.rate")
        .unwrap();
    assert_ne!(rate.value, "0.8");
}

#[test]
fn an_override_dated_later_leaves_earlier_timeline_changes_in_force_until_it() {
    let s = load(&["lever:grassroots_outpatient_payout=0.6@2016-01-01"]);
    let c = changes(&s);
    let shiqu = "schemes.residents_shiqu.outpatient.township.rate".to_string();
    assert_eq!(c[&("2015-01-01".to_string(), shiqu.clone())], "0.5");
    assert_eq!(c[&("2016-01-01".to_string(), shiqu)], "0.6");
    assert!(s.override_notes.is_empty(), "{:?}", s.override_notes);
}

#[test]
fn set_holds_for_the_whole_run_and_check_and_run_say_which_timeline_change_it_replaced() {
    let s = load(&["schemes.residents_shiqu.outpatient.township.rate=0.7"]);
    assert!(
        !changes(&s)
            .keys()
            .any(|(_, p)| p == "schemes.residents_shiqu.outpatient.township.rate")
    );
    let out = tierflow_ok(&[
        "check",
        SHAOXING,
        "--set",
        "schemes.residents_shiqu.outpatient.township.rate=70%",
    ]);
    assert!(
        out.contains("replaces the timeline's change of `schemes.residents_shiqu.outpatient.township.rate` on 2015-01-01"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let o = tierflow(&[
        "run",
        SHAOXING,
        "--lever",
        "grassroots_outpatient_payout=50%",
        "--set",
        "population.scale=0.002",
        "-r",
        "2",
        "--no-charts",
        "-o",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("an override wins from its date"),
        "{stdout}"
    );
}

#[test]
fn percentages_are_fractions_only_where_the_unit_is_a_fraction() {
    let s = load(&["schemes.residents.outpatient.township.rate=50%"]);
    let p = s
        .params()
        .into_iter()
        .find(|p| p.path == "schemes.residents.outpatient.township.rate")
        .unwrap();
    assert_eq!(p.value, "0.5");
    let e = tierflow_error(&["check", SHAOXING, "--set", "tiers.county.beds_per_1000=50%"]);
    assert!(e.contains("write a plain number"), "{e}");
    let e = tierflow_error(&["check", SHAOXING, "--lever", "township_beds=50%"]);
    assert!(e.contains("write a plain number"), "{e}");
}

#[test]
fn lever_errors_name_the_lever_the_range_and_the_file_line() {
    let e = tierflow_error(&[
        "check",
        SHAOXING,
        "--lever",
        "grassroots_outpatient_payot=0.5",
    ]);
    assert!(
        e.contains("unknown lever") && e.contains("grassroots_outpatient_payout"),
        "{e}"
    );
    let e = tierflow_error(&[
        "check",
        SHAOXING,
        "--lever",
        "grassroots_outpatient_payout=1.5",
    ]);
    assert!(e.contains("outside the lever's range 0 to 0.95"), "{e}");
    let e = tierflow_error(&[
        "check",
        SHAOXING,
        "--lever",
        "grassroots_outpatient_payout=0.5@2015-13-01",
    ]);
    assert!(e.contains("not a date"), "{e}");
    let e = tierflow_error(&["check", SHAOXING, "--lever", "township_beds=2@2019-01-01"]);
    assert!(
        e.contains("2019-01-01 is after the run (2013-01-01 to 2016-12-31)"),
        "{e}"
    );
    let e = tierflow_error(&["check", SHAOXING, "--lever", "grassroots_outpatient_payout"]);
    assert!(e.contains("expected NAME=VALUE"), "{e}");
    let e = tierflow_error(&["check", "scenarios/reference.toml", "--lever", "x=1"]);
    assert!(e.contains("declares no levers"), "{e}");

    // A declared lever with a misspelt path is located in its file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        format!(
            "extends = \"{}\"\nname = \"bad\"\n\n[levers.payout]\nlabel = \"Payout\"\npaths = [\"schemes.residents.outpatient.township.rat\"]\nunit = \"fraction\"\nmin = 0.0\nmax = 1.0\nstep = 0.05\nsource = \"000 四、1.\"\n",
            repo(SHAOXING).display()
        ),
    )
    .unwrap();
    let e = tierflow_error(&["check", file.to_str().unwrap()]);
    assert!(e.contains("bad.toml:"), "{e}");
    assert!(e.contains("levers.payout.paths"), "{e}");
    assert!(
        e.contains("did you mean `schemes.residents.outpatient.township.rate`"),
        "{e}"
    );
}

#[test]
fn a_whole_run_lever_gives_exactly_the_numbers_of_setting_its_paths() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "run",
            SHAOXING,
            "--set",
            "population.scale=0.002",
            "-r",
            "2",
            "-q",
            "--no-charts",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        tierflow_ok(&args);
        std::fs::read(out.join("metrics.csv")).unwrap()
    };
    let lever = run("lever", &["--lever", "township_beds=2.0"]);
    let set = run("set", &["--set", "tiers.township.beds_per_1000=2.0"]);
    assert!(lever == set, "the lever and its path differ");
    let plain = run("plain", &[]);
    assert!(lever != plain, "the lever changed nothing");
}

#[test]
fn levers_are_listed_with_values_and_vary_takes_a_lever_name() {
    let out = tierflow_ok(&["levers", SHAOXING]);
    assert!(
        out.contains("grassroots_outpatient_payout = mixed (0.4 / 0.35 / 0.5 / 0.5)"),
        "{out}"
    );
    assert!(out.contains("基层门诊报销比例（城乡居民）"), "{out}");
    assert!(out.contains("source: 000 四、1."), "{out}");

    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep");
    tierflow_ok(&[
        "sweep",
        SHAOXING,
        "--vary",
        "grassroots_outpatient_payout=50%,80%",
        "--set",
        "population.scale=0.002",
        "-r",
        "2",
        "-q",
        "--no-charts",
        "-o",
        sweep.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    assert!(
        csv.starts_with("grassroots_outpatient_payout,year"),
        "{}",
        &csv[..80]
    );
    assert!(csv.contains("\n0.5,") && csv.contains("\n0.8,"));
}

#[test]
fn an_extending_file_adds_its_timeline_entries_to_its_bases() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("more.toml");
    std::fs::write(
        &file,
        format!(
            "extends = \"{}\"\nname = \"more\"\n\n[[timeline]]\ndate = \"2016-06-01\"\nset = {{ \"tiers.county.beds_per_1000\" = 3.0 }}\nsource = \"test\"\n\n[lever_values]\ngrassroots_outpatient_payout = \"0.7@2016-01-01\"\n",
            repo(SHAOXING).display()
        ),
    )
    .unwrap();
    let base = load(&[]);
    let more = scenario::load(&file, &[]).unwrap();
    // The base's 8 entries, this file's one, and the lever value's own entry.
    assert_eq!(more.raw.timeline.len(), base.raw.timeline.len() + 2);
    let c = changes(&more);
    assert_eq!(
        c[&(
            "2016-06-01".to_string(),
            "tiers.county.beds_per_1000".to_string()
        )],
        "3.0"
    );
    assert_eq!(
        c[&(
            "2016-01-01".to_string(),
            "schemes.residents.outpatient.township.rate".to_string()
        )],
        "0.7"
    );
}

#[test]
fn setting_a_timeline_entry_s_table_changes_only_the_keys_given() {
    // Entry 4 (2015-01-01) sets six residents_shiqu outpatient values; changing one keeps five.
    let s = load(&["timeline.3.set={\"schemes.residents_shiqu.outpatient.township.rate\" = 0.6}"]);
    let c = changes(&s);
    let at = |p: &str| c.get(&("2015-01-01".to_string(), p.to_string())).cloned();
    assert_eq!(
        at("schemes.residents_shiqu.outpatient.township.rate").as_deref(),
        Some("0.6")
    );
    assert_eq!(
        at("schemes.residents_shiqu.outpatient.village.rate").as_deref(),
        Some("0.5")
    );
    assert_eq!(
        at("schemes.residents_shiqu.outpatient.township.cap_yuan").as_deref(),
        Some("500.0")
    );
}

#[test]
fn compare_moves_a_lever_only_in_the_files_that_declare_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let args = |lever: &'static str| {
        vec![
            "compare".to_string(),
            "scenarios/shaoxing-baseline.toml".to_string(),
            SHAOXING.to_string(),
            "--lever".to_string(),
            lever.to_string(),
            "--set".to_string(),
            "population.scale=0.002".to_string(),
            "-r".to_string(),
            "2".to_string(),
            "-q".to_string(),
            "--no-charts".to_string(),
            "--force".to_string(),
            "-o".to_string(),
            out.to_str().unwrap().to_string(),
        ]
    };
    let a = args("grassroots_outpatient_payout=80%");
    tierflow_ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let b = args("nonexistent=1");
    let e = tierflow_error(&b.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        e.contains("no compared scenario file declares a lever `nonexistent`"),
        "{e}"
    );
}

#[test]
fn a_later_override_beats_an_earlier_dated_lever() {
    // A dated lever, then --set of one of its paths: the --set holds for the whole run.
    let s = load(&[
        "lever:grassroots_outpatient_payout=0.8@2016-01-01",
        "schemes.residents.outpatient.township.rate=0.6",
    ]);
    let c = changes(&s);
    assert!(!c.contains_key(&(
        "2016-01-01".to_string(),
        "schemes.residents.outpatient.township.rate".to_string()
    )));
    assert_eq!(
        c[&(
            "2016-01-01".to_string(),
            "schemes.residents.outpatient.village.rate".to_string()
        )],
        "0.8"
    );
    // Dates order as days, not as text: 2016-7-1 is before 2016-10-01.
    use tierflow::scenario::levers::day_order;
    assert_eq!(
        day_order("2016-7-1", "2016-10-01"),
        std::cmp::Ordering::Less
    );
}
