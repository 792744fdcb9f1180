//! Refusals up front: huge values, cheap options, thread counts, bad bytes and duplicates are
//! caught before any simulation, with messages that read well.

use std::time::{Duration, Instant};

use super::robustness::{quick, refused_in, run_in, workspace};

#[test]
fn huge_values_are_refused_up_front_by_check_and_run() {
    let (dir, scenario) = workspace();
    let s = scenario.to_str().unwrap();
    for (set, expect) in [
        (
            "behaviour.habit={dist=\"uniform\",low=-1e308,high=1e308}",
            "high − low to be a finite number",
        ),
        ("run.horizon_days=5e-322", "[1, 365] days"),
        (
            "conditions.illness.incidence_per_year=1e-320",
            "0 or from 1e-9",
        ),
        ("population.size=2e9", "at most 500000000 simulated people"),
        ("population.size=1e308", "1 to 1e10 residents"),
        ("run.replications=4000000000", "1 to 100000 replications"),
        ("signing.fee_yuan_per_signed_per_year=1e308", "yuan"),
    ] {
        for cmd in ["check", "run"] {
            let err = refused_in(dir.path(), &[cmd, s, "--set", set]);
            assert!(err.contains(expect), "{set}: {err}");
            assert!(
                !err.contains("00000000000000000000"),
                "compact numbers: {err}"
            );
        }
    }
    // Growth that compounds past the limit names the override that caused it.
    let err = refused_in(
        dir.path(),
        &[
            "check",
            s,
            "--set",
            "groups.everyone.growth_per_year=0.5",
            "--set",
            "run.years=40",
        ],
    );
    assert!(
        err.contains("--set groups.everyone.growth_per_year=0.5") && err.contains("reach"),
        "{err}"
    );
    for vary in [
        "behaviour.habit=0:1:1e-300",
        "behaviour.habit=-1e308:1e308:1",
        "behaviour.habit=1:0:-5e-324",
    ] {
        let err = refused_in(dir.path(), &["sweep", s, "--vary", vary]);
        assert!(err.contains("at most 10000 values"), "{vary}: {err}");
    }
    // The timeline cannot grow a group whose memory is sized at the start.
    let tl = dir.path().join("tl.toml");
    std::fs::write(
        &tl,
        "extends = \"ref.toml\"\nname = \"tl\"\n[[timeline]]\ndate = \"2024-06-01\"\nset = { \"groups.everyone.growth_per_year\" = 0.1 }\n",
    )
    .unwrap();
    let err = refused_in(dir.path(), &["check", tl.to_str().unwrap()]);
    assert!(
        err.contains("cannot change `groups.everyone.growth_per_year`"),
        "{err}"
    );
    // Memory: check shows the estimate.
    let (code, out, _) = run_in(dir.path(), &["check", s]);
    assert_eq!(code, 0);
    assert!(
        out.contains("memory ≈") && out.contains("available"),
        "{out}"
    );
}

#[test]
fn cheap_options_are_checked_before_any_simulation() {
    let (dir, scenario) = workspace();
    let began = Instant::now();
    let err = refused_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "-r",
            "2000",
            "--font",
            scenario.to_str().unwrap(),
            "--out",
            "res",
        ],
    );
    assert!(
        err.contains("--font") && err.contains("not a TrueType"),
        "{err}"
    );
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "refused before running"
    );
    assert!(!dir.path().join("res").exists());
    let err = refused_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--font",
            "/dev/zero",
            "-r",
            "1",
        ],
    );
    assert!(err.contains("not a font file"), "{err}");
}

#[test]
fn thousands_of_threads_are_capped_with_a_note() {
    let (dir, scenario) = workspace();
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "-r",
            "2",
            "--set",
            "population.scale=0.05",
            "-t",
            "100000",
            "--no-charts",
            "--out",
            "res",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("--threads 100000 capped"), "{err}");
}

#[test]
fn bad_bytes_duplicate_targets_and_disk_errors_read_well() {
    let (dir, scenario) = workspace();
    let text = std::fs::read_to_string(&scenario).unwrap();
    // A GBK byte on line 3.
    let mut bytes = b"# tierflow\nname = \"x\"\ndescription = \"".to_vec();
    bytes.extend([0xC4, 0xE3, b'"', b'\n']);
    let bad = dir.path().join("gbk.toml");
    std::fs::write(&bad, bytes).unwrap();
    let (code, _, err) = run_in(dir.path(), &["check", "gbk.toml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("gbk.toml:3:16") && err.contains("not valid UTF-8"),
        "{err}"
    );
    // UTF-16 with a byte-order mark.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    std::fs::write(dir.path().join("u16.toml"), utf16).unwrap();
    let err = refused_in(dir.path(), &["check", "u16.toml"]);
    assert!(err.contains("UTF-16") && err.contains("UTF-8"), "{err}");
    // The same target twice.
    let dup = dir.path().join("dup.toml");
    let target = "[[targets]]\nname = \"share\"\nmetric = \"grassroots_outpatient_share\"\nyear = 2024\nop = \">=\"\nvalue = 0.5\n";
    let target2 = target.replace("\"share\"", "\"share again\"");
    std::fs::write(
        &dup,
        format!("extends = \"ref.toml\"\nname = \"dup\"\n{target}{target2}"),
    )
    .unwrap();
    let err = refused_in(dir.path(), &["check", "dup.toml"]);
    assert!(
        err.contains("target 2 `share again` repeats target 1 `share`"),
        "{err}"
    );
    // An unwritable place: the message names the folder in plain words, no OS error codes.
    let err = refused_in(
        dir.path(),
        &quick(scenario.to_str().unwrap(), "/proc/tierflow-results", &[]),
    );
    assert!(err.contains("/proc") && !err.contains("os error"), "{err}");
}

#[test]
fn scenario_files_are_regular_utf8_files_with_distinct_targets() {
    let (dir, scenario) = workspace();
    let err = refused_in(dir.path(), &["check", "/dev/zero"]);
    assert!(err.contains("not a regular file"), "{err}");
    // A byte-order mark, as some Windows editors write, is fine.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(std::fs::read(&scenario).unwrap());
    std::fs::write(dir.path().join("bom.toml"), bom).unwrap();
    let (code, _, err) = run_in(dir.path(), &["check", "bom.toml"]);
    assert_eq!(code, 0, "{err}");
    // Two targets under one name.
    let target = |value: &str| {
        format!(
            "[[targets]]\nname = \"share\"\nmetric = \"grassroots_outpatient_share\"\nyear = 2024\nop = \">=\"\nvalue = {value}\n"
        )
    };
    std::fs::write(
        dir.path().join("same-name.toml"),
        format!(
            "extends = \"ref.toml\"\nname = \"same\"\n{}{}",
            target("0.5"),
            target("0.6")
        ),
    )
    .unwrap();
    let err = refused_in(dir.path(), &["check", "same-name.toml"]);
    assert!(
        err.contains("target 2 `share` has the same name as target 1 `share`"),
        "{err}"
    );
}
