//! Interrupted runs: nothing half-written, earlier results intact, the next run succeeds.

use std::path::Path;
use std::process::{Child, Command as Process};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;

use crate::common::{repo, signal, wait_for};

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect()
}

fn long_run(out: &Path) -> Child {
    Process::new(cargo_bin("tierflow"))
        .current_dir(repo(""))
        .args([
            "run",
            "scenarios/city-5m.toml",
            "--set",
            "population.scale=0.05",
            "-r",
            "6",
            "-q",
            "--force",
            "--out",
        ])
        .arg(out)
        .spawn()
        .unwrap()
}

fn quick_run(out: &Path, force: bool) -> std::process::Output {
    let mut c = Command::cargo_bin("tierflow").unwrap();
    c.current_dir(repo(""))
        .args(["run", "scenarios/reference.toml", "-r", "1", "-q", "--out"])
        .arg(out);
    if force {
        c.arg("--force");
    }
    c.output().unwrap()
}

#[test]
fn existing_results_need_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("res");
    assert!(quick_run(&out, false).status.success());
    let again = quick_run(&out, false);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("pass --force"));
    assert!(quick_run(&out, true).status.success());
}

#[test]
fn sigterm_and_kill_leave_previous_results_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("res");
    assert!(quick_run(&out, false).status.success());
    let before = std::fs::read(out.join("metrics.csv")).unwrap();

    // SIGTERM: the run stops promptly, writes nothing, removes its temporary folder.
    let mut child = long_run(&out);
    std::thread::sleep(Duration::from_millis(800));
    let signalled = Instant::now();
    signal(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "took {:?} to stop",
        signalled.elapsed()
    );
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(std::fs::read(out.join("metrics.csv")).unwrap(), before);
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );

    // SIGKILL: at most a temporary folder remains, results untouched.
    let mut child = long_run(&out);
    std::thread::sleep(Duration::from_millis(800));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read(out.join("metrics.csv")).unwrap(), before);

    // The next run succeeds and cleans up what the killed one left.
    assert!(quick_run(&out, true).status.success());
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn an_interrupted_sweep_keeps_finished_points_and_a_rerun_runs_only_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let args = [
        "sweep",
        "scenarios/shaoxing-2014.toml",
        "--vary",
        "behaviour.habit=0.2:1.6:0.2",
        "--set",
        "population.scale=0.01",
        "-r",
        "2",
        "-t",
        "1",
        "-q",
        "--no-charts",
        "-o",
    ];
    let child = Process::new(cargo_bin("tierflow"))
        .current_dir(repo(""))
        .args(args)
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Stop once the first point is saved, well before the eighth.
    wait_for(&out.join("points/0000/point.json"), "the first point");
    signal(&child, libc::SIGINT);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("points are finished and kept"), "{stderr}");
    let kept = std::fs::read_dir(out.join("points")).unwrap().count();
    assert!((1..8).contains(&kept), "{kept} points kept");
    assert!(
        !out.join("sweep.csv").exists(),
        "no grid table for an unfinished sweep"
    );

    let mut rerun = Command::cargo_bin("tierflow").unwrap();
    let rerun = rerun
        .current_dir(repo(""))
        .args(
            args.iter()
                .filter(|a| **a != "-q" && **a != "-o" && **a != "--no-charts"),
        )
        .args(["--no-charts", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(rerun.status.success());
    let text = String::from_utf8_lossy(&rerun.stdout);
    assert!(
        text.contains(&format!("{} point(s) run, {kept} reused", 8 - kept)),
        "{text}"
    );
}
