//! The results-folder ownership rule, locks, leftovers, refusals up front and interruption at
//! every phase (docs/robustness.md lists the guarantees these tests hold tierflow to).

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;

use crate::common::{repo, signal, wait_for};

/// Runs tierflow in `cwd`; returns (exit code, stdout, stderr) and asserts it did not panic.
pub fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Process::new(cargo_bin("tierflow"))
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{args:?}: {stderr}"
    );
    let code = out.status.code().unwrap_or(-1);
    (
        code,
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

/// Runs tierflow in `cwd`, asserts it refused (exit 2, no panic) and returns stderr.
pub fn refused_in(cwd: &Path, args: &[&str]) -> String {
    let (code, _, err) = run_in(cwd, args);
    assert_eq!(code, 2, "{args:?}: {err}");
    err
}

/// A scratch folder holding a copy of the reference scenario, small enough to run in a blink.
pub fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("ref.toml");
    std::fs::copy(repo("scenarios/reference.toml"), &scenario).unwrap();
    (dir, scenario)
}

/// A quick run of `scenario` into `out` with extra arguments.
pub fn quick<'a>(scenario: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "run",
        scenario,
        "-r",
        "1",
        "--set",
        "population.scale=0.05",
        "--no-charts",
        "-q",
        "--out",
        out,
    ];
    a.extend(extra);
    a
}

/// Every file under `dir` with its bytes, for "nothing changed" checks.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fifos_links_and_files_are_never_replaced() {
    let (dir, scenario) = workspace();
    let s = scenario.to_str().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: creating a FIFO at a path in our own temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let link = dir.path().join("devnull");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    for (target, what) in [
        (&fifo, "a FIFO"),
        (&link, "a symbolic link"),
        (&file, "a file"),
    ] {
        for force in [false, true] {
            let extra: &[&str] = if force { &["--force"] } else { &[] };
            let err = refused_in(dir.path(), &quick(s, target.to_str().unwrap(), extra));
            assert!(err.contains(what) && err.contains("not a folder"), "{err}");
        }
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    // The device itself, named directly, is refused the same way (and left alone).
    let err = refused_in(dir.path(), &quick(s, "/dev/null", &["--force"]));
    assert!(err.contains("is a device, not a folder"), "{err}");
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_users_folder_is_never_deleted_even_with_a_manifest() {
    let (dir, scenario) = workspace();
    let web = dir.path().join("webapp");
    std::fs::create_dir_all(web.join("static")).unwrap();
    std::fs::write(web.join("manifest.json"), "{\"name\": \"my app\"}").unwrap();
    std::fs::write(web.join("static/index.html"), "<html></html>").unwrap();
    let before = snapshot(&web);
    let err = refused_in(
        dir.path(),
        &quick(scenario.to_str().unwrap(), "webapp", &["--force"]),
    );
    assert!(err.contains("tierflow did not write"), "{err}");
    assert_eq!(snapshot(&web), before);

    // A folder tierflow wrote, with one file of the user's added, is not tierflow's alone.
    let (code, _, err) = run_in(dir.path(), &quick(scenario.to_str().unwrap(), "res", &[]));
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.path().join("res/my-notes.md"), "keep me").unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &quick(scenario.to_str().unwrap(), "res", &["--force"]),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("my-notes.md") && err.contains("did not write"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("res/my-notes.md")).unwrap(),
        "keep me"
    );
    // Without the user's file, --force replaces it.
    std::fs::remove_file(dir.path().join("res/my-notes.md")).unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &quick(scenario.to_str().unwrap(), "res", &["--force"]),
    );
    assert_eq!(code, 0, "{err}");
    let marker = std::fs::read_to_string(dir.path().join("res/.tierflow-results.json")).unwrap();
    assert!(marker.contains("\"kind\": \"run\"") && marker.contains("metrics.csv"));
}

#[test]
fn inputs_inside_the_results_folder_are_refused() {
    let (dir, _) = workspace();
    // A results folder that also holds the scenario being run, and one holding a file it extends.
    let res = dir.path().join("res");
    std::fs::create_dir(&res).unwrap();
    std::fs::copy(repo("scenarios/reference.toml"), res.join("ref.toml")).unwrap();
    let (code, _, err) = run_in(dir.path(), &quick("res/ref.toml", "res", &["--force"]));
    assert_eq!(code, 2);
    assert!(err.contains("which this command reads"), "{err}");
    std::fs::write(
        dir.path().join("child.toml"),
        "extends = \"res/ref.toml\"\nname = \"child\"\n",
    )
    .unwrap();
    let err = refused_in(dir.path(), &quick("child.toml", "res", &["--force"]));
    assert!(
        err.contains("res/ref.toml") && err.contains("which this command reads"),
        "{err}"
    );
    // Sweeps and sensitivity analyses hold to the same rule.
    let err = refused_in(
        dir.path(),
        &[
            "sweep",
            "child.toml",
            "--vary",
            "behaviour.habit=0,1",
            "-o",
            "res",
            "--force",
        ],
    );
    assert!(err.contains("which this command reads"), "{err}");
    assert!(res.join("ref.toml").is_file());
}

#[test]
fn scenario_names_are_names_and_default_folders_stay_in_outputs() {
    let (dir, scenario) = workspace();
    let s = scenario.to_str().unwrap();
    for (name, why) in [
        ("\"\"", "empty"),
        ("\"../escape\"", "path separator"),
        ("\"/tmp/abs\"", "path separator"),
        ("\"a\\\\b\"", "path separator"),
        ("\"..\"", "starts with `.`"),
        ("\".hidden\"", "starts with `.`"),
    ] {
        let set = format!("name={name}");
        for args in [
            vec!["check", s, "--set", &set],
            vec!["run", s, "--set", &set, "-r", "1"],
        ] {
            let err = refused_in(dir.path(), &args);
            assert!(err.contains("`name`") && err.contains(why), "{name}: {err}");
        }
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written"
    );
    // Chinese and spaces are fine, and land inside outputs/.
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "run",
            s,
            "--set",
            "name=\"绍兴 试点\"",
            "--set",
            "population.scale=0.05",
            "-r",
            "1",
            "--no-charts",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("results: outputs/绍兴 试点"), "{out}");
    assert!(dir.path().join("outputs/绍兴 试点/metrics.csv").is_file());
}

#[test]
fn a_second_command_on_the_same_folder_fails_at_once() {
    let (dir, scenario) = workspace();
    let mut first = Process::new(cargo_bin("tierflow"))
        .current_dir(dir.path())
        .args([
            "run",
            scenario.to_str().unwrap(),
            "-r",
            "40",
            "-t",
            "1",
            "--no-charts",
            "-q",
            "--out",
            "res",
        ])
        .spawn()
        .unwrap();
    let lock = dir.path().join(".res.tierflow-lock");
    wait_for(&lock, "the first run's lock");
    let began = Instant::now();
    let err = refused_in(
        dir.path(),
        &quick(scenario.to_str().unwrap(), "res", &["--force"]),
    );
    assert!(err.contains("another tierflow command is writing"), "{err}");
    assert!(began.elapsed() < Duration::from_secs(5), "fails at once");
    assert!(
        first.wait().unwrap().success(),
        "the first run is undisturbed"
    );
    assert!(dir.path().join("res/metrics.csv").is_file());
    assert!(!lock.exists(), "the lock file goes with the command");
}

#[test]
fn a_crash_between_the_two_renames_is_repaired_by_the_next_command() {
    let (dir, scenario) = workspace();
    let s = scenario.to_str().unwrap();
    let (code, _, err) = run_in(dir.path(), &quick(s, "res", &[]));
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(dir.path().join("res/metrics.csv")).unwrap();
    // As if killed after moving the old folder aside and before moving the new one in.
    std::fs::rename(
        dir.path().join("res"),
        dir.path().join(".res.tierflow-old-99999"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join(".res.tierflow-tmp-99999")).unwrap();
    let (code, _, err) = run_in(dir.path(), &quick(s, "res", &[]));
    assert_eq!(
        code, 2,
        "results are back, so --force is needed again: {err}"
    );
    assert!(err.contains("restored `res`"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("res/metrics.csv")).unwrap(),
        before
    );
    let hidden: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".res."))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    // A backup left after the new results did land is deleted.
    let (code, _, _) = run_in(dir.path(), &quick(s, "res", &["--force"]));
    assert_eq!(code, 0);
    std::fs::create_dir(dir.path().join(".res.tierflow-old-4242")).unwrap();
    std::fs::write(
        dir.path()
            .join(".res.tierflow-old-4242/.tierflow-results.json"),
        r#"{"kind":"run","tierflow_version":"0","files":[]}"#,
    )
    .unwrap();
    let (code, _, err) = run_in(dir.path(), &quick(s, "res", &["--force"]));
    assert_eq!(code, 0, "{err}");
    assert!(!dir.path().join(".res.tierflow-old-4242").exists());
}

#[test]
fn sigterm_while_writing_moves_nothing_into_place() {
    let (dir, scenario) = workspace();
    let s = scenario.to_str().unwrap();
    // Charts make the writing phase long enough to be hit.
    let mut hit = 0;
    for attempt in 0..6 {
        let out = format!("res{attempt}");
        let child = Process::new(cargo_bin("tierflow"))
            .current_dir(dir.path())
            .args([
                "run",
                s,
                "-r",
                "2",
                "--set",
                "population.scale=0.05",
                "-q",
                "--out",
                &out,
            ])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let prefix = format!(".{out}.tierflow-tmp-");
        let started = Instant::now();
        // Wait until the first table is in the staging folder: the writing phase has begun.
        let writing = loop {
            let staged = std::fs::read_dir(dir.path()).unwrap().flatten().find(|e| {
                e.file_name().to_string_lossy().starts_with(&prefix)
                    && e.path().join("metrics.csv").exists()
            });
            if staged.is_some() {
                break true;
            }
            if dir.path().join(&out).exists() || started.elapsed() > Duration::from_secs(30) {
                break false;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        signal(&child, libc::SIGTERM);
        let output = child.wait_with_output().unwrap();
        let code = output.status.code();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match code {
            Some(130) => {
                assert!(!dir.path().join(&out).exists(), "nothing moved into place");
                assert!(stderr.contains("no results were written"), "{stderr}");
                if writing {
                    hit += 1;
                }
            }
            Some(0) => assert!(dir.path().join(&out).join("metrics.csv").is_file()),
            other => panic!("exit {other:?}: {stderr}"),
        }
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!(".{out}."))
            })
            .count();
        assert_eq!(leftovers, 0, "no staging folder or lock is left");
        if hit >= 2 {
            break;
        }
    }
    assert!(
        hit >= 1,
        "the signal never arrived during the writing phase"
    );
}

#[test]
fn a_truncated_sweep_point_is_run_again_not_reused() {
    let (dir, scenario) = workspace();
    let args = [
        "sweep",
        scenario.to_str().unwrap(),
        "--vary",
        "behaviour.habit=0,0.5,1",
        "--set",
        "population.scale=0.05",
        "-r",
        "2",
        "--no-charts",
        "-o",
        "sw",
    ];
    let (code, _, err) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read(dir.path().join("sw/sweep.csv")).unwrap();
    let point = dir.path().join("sw/points/0001/replications.csv");
    let full = std::fs::read(&point).unwrap();
    std::fs::write(&point, &full[..full.len() / 2]).unwrap();
    let (code, out, err) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 point(s) run, 2 reused"), "{out}");
    assert!(
        err.contains("sweep point 1") && err.contains("incomplete or altered"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&point).unwrap(),
        full,
        "the point is rewritten whole"
    );
    assert_eq!(std::fs::read(dir.path().join("sw/sweep.csv")).unwrap(), csv);
}

#[test]
fn a_forced_sweep_keeps_the_old_results_until_it_is_complete() {
    let (dir, scenario) = workspace();
    let s = scenario.to_str().unwrap();
    let sweep = |vary: &str, extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "sweep",
            s,
            "--vary",
            vary,
            "--set",
            "population.scale=0.05",
            "-r",
            "2",
            "-t",
            "1",
            "--no-charts",
            "-q",
            "-o",
            "sw",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };
    let a = sweep("behaviour.habit=0,1", &[]);
    let (code, _, err) = run_in(
        dir.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(code, 0, "{err}");
    let old = std::fs::read(dir.path().join("sw/sweep.csv")).unwrap();
    // A different sweep with --force, stopped after its first point.
    let b = sweep("behaviour.habit=0.1:1.5:0.1", &["--force"]);
    let child = Process::new(cargo_bin("tierflow"))
        .current_dir(dir.path())
        .args(&b)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pending = dir.path().join(".sw.tierflow-pending");
    wait_for(&pending.join("points/0000/point.json"), "the first point");
    signal(&child, libc::SIGINT);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(
        std::fs::read(dir.path().join("sw/sweep.csv")).unwrap(),
        old,
        "the old sweep is untouched while the new one is unfinished"
    );
    // Rerunning the forced sweep resumes it and only then replaces the old one.
    let (code, out, err) = run_in(
        dir.path(),
        &b.iter()
            .map(String::as_str)
            .filter(|a| *a != "-q")
            .collect::<Vec<_>>(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains(", 0 reused"),
        "the finished points are reused: {out}"
    );
    assert_ne!(std::fs::read(dir.path().join("sw/sweep.csv")).unwrap(), old);
    assert!(!pending.exists());
}

#[test]
fn plot_redraws_only_tierflow_folders_and_keeps_their_marker_true() {
    let (dir, scenario) = workspace();
    let s = scenario.to_str().unwrap();
    let (code, _, err) = run_in(dir.path(), &quick(s, "res", &[]));
    assert_eq!(code, 0, "{err}");
    let marker = dir.path().join("res/.tierflow-results.json");
    assert!(
        !std::fs::read_to_string(&marker)
            .unwrap()
            .contains("charts/")
    );
    let (code, _, err) = run_in(dir.path(), &["plot", "res"]);
    assert_eq!(code, 0, "{err}");
    let listed = std::fs::read_to_string(&marker).unwrap();
    assert!(
        listed.contains("charts/series_total_cost.png") && listed.contains("\"kind\": \"run\""),
        "{listed}"
    );
    // So the redrawn folder is still tierflow's alone: --force may replace it.
    let (code, _, err) = run_in(dir.path(), &quick(s, "res", &["--force"]));
    assert_eq!(code, 0, "{err}");
    // A sweep's point is not a folder to plot, and a user's folder is refused untouched.
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "sweep",
            s,
            "--vary",
            "behaviour.habit=0,1",
            "--set",
            "population.scale=0.05",
            "-r",
            "1",
            "--no-charts",
            "-o",
            "sw",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let err = refused_in(dir.path(), &["plot", "sw/points/0000"]);
    assert!(err.contains("one point of a sweep"), "{err}");
    let (code, _, err) = run_in(dir.path(), &["plot", "sw"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("sw/charts").is_dir());
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/metrics.csv"), "year,metric\n").unwrap();
    let err = refused_in(dir.path(), &["plot", "mine"]);
    assert!(err.contains("not a results folder tierflow wrote"), "{err}");
    assert!(!dir.path().join("mine/charts").exists());
}
