//! Shared helpers: loading scenarios, running replications, reading metric values.

use std::path::{Path, PathBuf};

use tierflow::catalog::metric;
use tierflow::engine::ReplicationResult;
use tierflow::metrics::{Breakdown, MetricValue, metric_values};
use tierflow::model::Plan;
use tierflow::monte_carlo::run_replications;
use tierflow::scenario;
use tierflow::tier::Tier;

/// Path of a file in the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs the tierflow binary with `args` from the repository root (so `scenarios/…` resolves).
pub fn tierflow(args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("tierflow")
        .unwrap()
        .current_dir(repo(""))
        .args(args)
        .output()
        .unwrap()
}

/// Waits (polling every 5 ms, at most a minute) until `path` exists; `what` names it for the
/// failure message.
pub fn wait_for(path: &Path, what: &str) {
    let started = std::time::Instant::now();
    while !path.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{what} never appeared: {}",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Sends `signal` to a child process of the test.
pub fn signal(child: &std::process::Child, signal: i32) {
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, signal) };
}

/// Runs tierflow, asserts it succeeded and wrote nothing to stderr (progress bars stay off a
/// stderr that is not a terminal), and returns stdout.
pub fn tierflow_ok(args: &[&str]) -> String {
    let out = tierflow(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs tierflow, asserts exit status 2 (bad input, no panic), and returns stderr.
pub fn tierflow_error(args: &[&str]) -> String {
    let out = tierflow(args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Loads a scenario file with `--set` overrides into a plan.
pub fn plan(path: &Path, overrides: &[&str]) -> Plan {
    let sets: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let s = scenario::load(path, &sets).unwrap_or_else(|e| panic!("{e}"));
    Plan::from_scenario(&s).unwrap_or_else(|e| panic!("{e}"))
}

/// Writes `toml` to a temporary file and loads it.
pub fn plan_from_str(toml: &str, overrides: &[&str]) -> Plan {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, toml).unwrap();
    plan(&path, overrides)
}

/// The error a scenario text gives when loaded and validated (panics if it is valid).
pub fn error_of(toml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, toml).unwrap();
    match scenario::load(&path, &[]) {
        Ok(s) => Plan::from_scenario(&s)
            .expect_err("the scenario should be invalid")
            .to_string(),
        Err(e) => e.to_string(),
    }
}

/// Runs replications 0..n on two threads.
pub fn run(plan: &Plan, n: u32) -> Vec<ReplicationResult> {
    let reps: Vec<u32> = (0..n).collect();
    run_replications(plan, &reps, 2).unwrap()
}

/// Metric values of each replication.
pub fn values(plan: &Plan, results: &[ReplicationResult]) -> Vec<Vec<MetricValue>> {
    results
        .iter()
        .map(|r| metric_values(plan.base(), r))
        .collect()
}

/// The value of `name` for `breakdown` in `year` of one replication's values.
pub fn value(vals: &[MetricValue], year: i32, name: &str, breakdown: Breakdown) -> Option<f64> {
    let (mi, _) = metric(name).expect("known metric");
    vals.iter()
        .find(|v| v.year == year && v.metric == mi && v.breakdown == breakdown)
        .map(|v| v.value)
}

/// Mean and standard error over replications.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Asserts that, tier by tier and year by year, in bed at the start + admissions = discharges +
/// in bed at the end; returns the patients in bed at the end of the run by tier.
pub fn assert_beds_conserved(r: &ReplicationResult) -> [u64; 5] {
    let mut in_bed = r.in_bed_at_start;
    for y in &r.years {
        for t in Tier::ALL {
            let tt = &y.tiers[t.index()];
            assert_eq!(
                in_bed[t.index()] + tt.admissions,
                tt.discharges + tt.in_bed_at_end,
                "beds not conserved at {} in {}",
                t.name(),
                y.year
            );
            in_bed[t.index()] = tt.in_bed_at_end;
        }
    }
    in_bed
}
