//! Bad input: each error names the file, line, parameter and what was expected, exit code 2.

use assert_cmd::Command;

use crate::common::{repo, tierflow_error, tierflow_ok};

/// Writes `text` as a scenario (replacing `from` with `to` in reference.toml) and checks it.
fn check_edit(from: &str, to: &str, extra: &[&str]) -> (i32, String) {
    let reference = std::fs::read_to_string(repo("scenarios/reference.toml")).unwrap();
    assert!(reference.contains(from), "fixture text `{from}` not found");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, reference.replacen(from, to, 1)).unwrap();
    let out = Command::cargo_bin("tierflow")
        .unwrap()
        .arg("check")
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        stderr.replace(&path.display().to_string(), "bad.toml"),
    )
}

fn line_of(text: &str, needle: &str) -> usize {
    let reference = std::fs::read_to_string(repo("scenarios/reference.toml")).unwrap();
    let _ = text;
    reference.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    let (code, err) = check_edit("size = 100_000", "size = 100_000 oops", &[]);
    assert_eq!(code, 2);
    let line = line_of("", "size = 100_000");
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
    assert!(err.contains("invalid TOML"), "{err}");
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let (code, err) = check_edit("beds_per_1000 = 2.0", "bed_per_1000 = 2.0", &[]);
    assert_eq!(code, 2);
    let line = line_of("", "beds_per_1000 = 2.0");
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
    assert!(
        err.contains("tiers.county.bed_per_1000") && err.contains("did you mean `beds_per_1000`"),
        "{err}"
    );
}

#[test]
fn wrong_type_names_the_path() {
    let (code, err) = check_edit("beds_per_1000 = 2.0", "beds_per_1000 = \"two\"", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("tiers.county.beds_per_1000") && err.contains("wrong type"),
        "{err}"
    );
    assert!(
        err.contains(&format!("bad.toml:{}:", line_of("", "beds_per_1000 = 2.0"))),
        "{err}"
    );
}

#[test]
fn out_of_range_values_are_located() {
    let (code, err) = check_edit(
        "township = { rate = 0.5 }",
        "township = { rate = 1.5 }",
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("schemes.reference.outpatient.township.rate"),
        "{err}"
    );
    assert!(
        err.contains("expected a fraction between 0 and 1, found 1.5"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "bad.toml:{}:",
            line_of("", "township = { rate = 0.5 }")
        )),
        "{err}"
    );
    let (code, err) = check_edit("beds_per_1000 = 2.0", "beds_per_1000 = -2.0", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("tiers.county.beds_per_1000") && err.contains("expected a value ≥ 0"),
        "{err}"
    );
    let (_, err) = check_edit("size = 100_000", "size = -5", &[]);
    assert!(
        err.contains("population.size") && err.contains("expected 1 to 1e10 residents"),
        "{err}"
    );
}

#[test]
fn shares_must_sum_to_one() {
    let (code, err) = check_edit("share = 1.0", "share = 0.9", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("group shares summing to 1") && err.contains("0.9"),
        "{err}"
    );
}

#[test]
fn undefined_references_are_named() {
    let (code, err) = check_edit("scheme = \"reference\"", "scheme = \"residents\"", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("groups.everyone.scheme") && err.contains("scheme `residents` is not defined"),
        "{err}"
    );
    let (_, err) = check_edit(
        "lowest_tier = \"village\"",
        "lowest_tier = \"county_hospital\"",
        &[],
    );
    assert!(
        err.contains("conditions.illness.lowest_tier") && err.contains("county_hospital"),
        "{err}"
    );
}

#[test]
fn timeline_date_outside_the_run() {
    let (code, err) = check_edit(
        "[referral]",
        "[[timeline]]\ndate = \"2031-01-01\"\nset = { \"tiers.county.beds_per_1000\" = 3.0 }\n\n[referral]",
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("timeline.0.date") && err.contains("within the run"),
        "{err}"
    );
}

#[test]
fn target_on_unknown_metric() {
    let (code, err) = check_edit(
        "[referral]",
        "[[targets]]\nname = \"x\"\nmetric = \"grassroots_share\"\nyear = 2024\nop = \">=\"\nvalue = 0.6\n\n[referral]",
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("targets.0.metric") && err.contains("did you mean `grassroots_"),
        "{err}"
    );
}

#[test]
fn set_with_unknown_path_or_bad_value() {
    let (code, err) = check_edit(
        "seed = 1",
        "seed = 1",
        &["--set", "tiers.county.beds_per_100=3"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `tiers.county.beds_per_1000`"),
        "{err}"
    );
    let (code, err) = check_edit(
        "seed = 1",
        "seed = 1",
        &["--set", "tiers.county.beds_per_1000=[lots"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("is not a value"), "{err}");
    let (code, err) = check_edit(
        "seed = 1",
        "seed = 1",
        &["--set", "tiers.county.beds_per_1000=many"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("tiers.county.beds_per_1000") && err.contains("wrong type"),
        "{err}"
    );
}

#[test]
fn missing_file_and_unwritable_output() {
    let err = tierflow_error(&["run", "no/such/scenario.toml"]);
    assert!(
        err.contains("no/such/scenario.toml") && err.contains("cannot read"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let results = blocker.join("results");
    let err = tierflow_error(&[
        "run",
        "scenarios/reference.toml",
        "-r",
        "1",
        "--out",
        results.to_str().unwrap(),
    ]);
    assert!(
        err.contains("cannot create folder") && err.contains("is a file, not a folder"),
        "{err}"
    );
}

#[test]
fn extends_lists_only_changes_and_loops_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("scenarios/reference.toml"),
        dir.path().join("base.toml"),
    )
    .unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "extends = \"base.toml\"\nname = \"policy\"\n[schemes.reference.outpatient.township]\nrate = 0.7\n").unwrap();
    let text = tierflow_ok(&["params", policy.to_str().unwrap()]);
    assert!(text.lines().any(
        |l| l.starts_with("schemes.reference.outpatient.township.rate ") && l.contains("0.7")
    ));
    assert!(
        text.lines()
            .any(|l| l.starts_with("tiers.county.beds_per_1000 ") && l.contains("2.0"))
    );
    // A base that does not exist is reported at the `extends` line that names it.
    let orphan = dir.path().join("orphan.toml");
    std::fs::write(&orphan, "name = \"x\"\nextends = \"missing.toml\"\n").unwrap();
    let err = tierflow_error(&["check", orphan.to_str().unwrap()]);
    assert!(
        err.contains("orphan.toml:2:1")
            && err.contains("cannot read the base scenario")
            && err.contains("missing.toml"),
        "{err}"
    );
    let a = dir.path().join("a.toml");
    std::fs::write(&a, "extends = \"b.toml\"\n").unwrap();
    std::fs::write(dir.path().join("b.toml"), "extends = \"a.toml\"\n").unwrap();
    assert!(tierflow_error(&["check", a.to_str().unwrap()]).contains("loops back"));
}

#[test]
fn a_bad_value_from_the_command_line_is_blamed_on_the_command_line() {
    let e = tierflow_error(&["run", "scenarios/reference.toml", "-r", "0"]);
    assert!(
        e.contains("--set run.replications=0: expected 1 to 100000")
            && !e.contains("reference.toml:"),
        "{e}"
    );
    let e = tierflow_error(&[
        "check",
        "scenarios/reference.toml",
        "--set",
        "tiers.county.beds_per_1000=-2",
    ]);
    assert!(
        e.contains("--set tiers.county.beds_per_1000=-2: expected a value ≥ 0"),
        "{e}"
    );
}
