//! A stress test: many commands on hostile inputs, with signals, against the guarantees of
//! docs/robustness.md.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;

use super::robustness::snapshot;
use crate::common::{repo, signal};

/// 200 commands mixing every command with hostile inputs, destinations, flags and signals:
/// every exit is 0, 2 or 130, nothing panics, and nothing outside the test's folder changes
/// (nor the FIFO, file, link, user folder and inputs inside it).
#[test]
fn two_hundred_mixed_commands_never_panic_or_touch_what_is_not_theirs() {
    use rand::{RngExt, SeedableRng};
    let (dir, _) = super::robustness::workspace();
    let d = dir.path();
    let c = std::ffi::CString::new(d.join("pipe").to_str().unwrap()).unwrap();
    // SAFETY: creating a FIFO at a path in our own temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/null", d.join("devlink")).unwrap();
    std::fs::write(d.join("notes.txt"), "mine").unwrap();
    std::fs::create_dir(d.join("webapp")).unwrap();
    std::fs::write(d.join("webapp/manifest.json"), "{}").unwrap();
    std::fs::write(d.join("junk.toml"), [0x80, 0xFF, b'=', b'\n', 0]).unwrap();
    std::fs::write(
        d.join("child.toml"),
        "extends = \"ref.toml\"\nname = \"child\"\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("inputs")).unwrap();
    std::fs::copy(repo("scenarios/reference.toml"), d.join("inputs/ref.toml")).unwrap();
    let protected = [
        "notes.txt",
        "webapp",
        "junk.toml",
        "child.toml",
        "inputs",
        "ref.toml",
    ];
    let before: Vec<_> = protected
        .iter()
        .map(|p| snapshot_or_file(&d.join(p)))
        .collect();
    let repo_before = (snapshot(&repo("scenarios")), listing(&repo("outputs")));

    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
    let pick = |rng: &mut rand_xoshiro::Xoshiro256PlusPlus, xs: &[&'static str]| {
        xs[rng.random_range(0..xs.len())]
    };
    let sets = [
        "behaviour.habit=nan",
        "behaviour.habit=1e308",
        "behaviour.habit={dist=\"uniform\",low=-1e308,high=1e308}",
        "behaviour.habit={dist=\"uniform\",low=0,high=1}",
        "population.size=2e9",
        "population.scale=5e-324",
        "run.replications=0",
        "run.horizon_days=1e-320",
        "name=\"../escape\"",
        "name=\"\"",
        "name=\"ok name\"",
        "groups.everyone.growth_per_year=0.5",
        "run.years=3",
        "conditions.illness.incidence_per_year=1e-320",
        "tiers.county.beds_per_1000=inf",
        "no.such.key=1",
        "=",
    ];
    let outs = [
        "pipe",
        "devlink",
        "notes.txt",
        "webapp",
        "inputs",
        "/dev/null",
        ".",
        "..",
        "res-a",
        "res-b",
        "res-c",
        "sub/res-d",
        "",
    ];
    let scenarios = [
        "ref.toml",
        "child.toml",
        "junk.toml",
        "missing.toml",
        "inputs/ref.toml",
    ];
    let varies = [
        "behaviour.habit=0,1",
        "behaviour.habit=0:1:1e-300",
        "behaviour.habit=0:1:0.5",
        "run.seed=1,2",
        "no.such=1,2",
        "behaviour.habit=",
    ];
    let mut codes = std::collections::BTreeMap::new();
    for i in 0..200 {
        let cmd = pick(
            &mut rng,
            &[
                "check",
                "params",
                "run",
                "run",
                "run",
                "sweep",
                "compare",
                "sensitivity",
                "plot",
            ],
        );
        let mut args: Vec<String> = vec![cmd.to_string()];
        if cmd == "plot" {
            args.push(pick(&mut rng, &outs).to_string());
        } else if cmd == "compare" {
            args.push(pick(&mut rng, &scenarios).to_string());
            args.push(pick(&mut rng, &["res-a", "res-b", "ref.toml", "child.toml"]).to_string());
        } else {
            args.push(pick(&mut rng, &scenarios).to_string());
        }
        if cmd != "plot" {
            args.extend(["--set".into(), "population.scale=0.02".into()]);
            if cmd != "compare" && cmd != "sensitivity" {
                args.extend(["--set".into(), "run.horizon_days=60".into()]);
            }
            for _ in 0..rng.random_range(0..3) {
                args.extend(["--set".into(), pick(&mut rng, &sets).to_string()]);
            }
        }
        if cmd == "sweep" {
            args.extend(["--vary".into(), pick(&mut rng, &varies).to_string()]);
        }
        if cmd == "sensitivity" {
            args.extend(["--params".into(), "behaviour.habit".into()]);
        }
        if !matches!(cmd, "check" | "params" | "plot") {
            args.extend(["-r".into(), pick(&mut rng, &["1", "2", "0"]).into()]);
            args.extend(["-t".into(), pick(&mut rng, &["1", "2", "100000"]).into()]);
            args.extend(["--out".into(), pick(&mut rng, &outs).into()]);
            if rng.random_bool(0.5) {
                args.push("--force".into());
            }
            if rng.random_bool(0.7) {
                args.push("--no-charts".into());
            }
        }
        if matches!(cmd, "run" | "plot") && rng.random_bool(0.1) {
            args.extend([
                "--font".into(),
                pick(&mut rng, &["junk.toml", "/dev/zero"]).into(),
            ]);
        }
        let signal_after = rng
            .random_bool(0.15)
            // After the process has reached main (exec and the loader come first).
            .then(|| Duration::from_millis(rng.random_range(15..150)));
        let mut child = Process::new(cargo_bin("tierflow"))
            .current_dir(d)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(after) = signal_after {
            std::thread::sleep(after);
            signal(&child, libc::SIGTERM);
        }
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "command {i} hangs: {args:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut stderr = String::new();
        use std::io::Read;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let code = status.code();
        assert!(
            matches!(code, Some(0 | 2 | 130)),
            "command {i} {args:?} exited {code:?} ({status}): {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "command {i} {args:?}: {stderr}"
        );
        *codes.entry(code.unwrap()).or_insert(0) += 1;
    }
    // The mix exercised successes and refusals alike.
    assert!(codes.get(&0).copied().unwrap_or(0) >= 10, "{codes:?}");
    assert!(codes.get(&2).copied().unwrap_or(0) >= 50, "{codes:?}");

    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(d.join("pipe"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(d.join("devlink"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let after: Vec<_> = protected
        .iter()
        .map(|p| snapshot_or_file(&d.join(p)))
        .collect();
    assert!(before == after, "a protected file or folder changed");
    assert!(
        (snapshot(&repo("scenarios")), listing(&repo("outputs"))) == repo_before,
        "the repository changed"
    );
}

fn snapshot_or_file(p: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    if p.is_dir() {
        snapshot(p)
    } else {
        vec![(p.to_path_buf(), std::fs::read(p).unwrap())]
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
