//! Sharding and merging: shards of a study merge into exactly the one-machine folder; merge
//! refuses gaps, duplicates and mismatches; and a sharded sweep submitted to a real one-node
//! Slurm cluster (started by scripts/test.sh) merges to the local run byte for byte.

use std::path::{Path, PathBuf};

use crate::common::{tierflow_error, tierflow_ok};

const SWEEP: [&str; 10] = [
    "sweep",
    "scenarios/shaoxing-2014.toml",
    "--vary",
    "grassroots_outpatient_payout=50%,80%",
    "--set",
    "population.scale=0.002",
    "-r",
    "3",
    "--no-charts",
    "-q",
];

fn with(base: &[&str], extra: &[&str]) -> Vec<String> {
    base.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn ok(args: &[String]) {
    tierflow_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
}

/// Every file under `dir` (relative path → bytes), leaving out the manifest's timing lines.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                let mut bytes = std::fs::read(&p).unwrap();
                if rel.ends_with("manifest.json") {
                    let text = String::from_utf8(bytes).unwrap();
                    bytes = text
                        .lines()
                        .filter(|l| {
                            !l.contains("wall_seconds") && !l.contains("finished_unix_seconds")
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                        .into_bytes();
                }
                out.push((rel, bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn assert_same(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb), "different files");
    for ((n, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(
            x == y,
            "{n} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn shards_merge_into_exactly_the_one_machine_folder_and_merge_refuses_what_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let at = |n: &str| dir.path().join(n);
    let s = |n: &str| at(n).display().to_string();
    ok(&with(&SWEEP, &["-o", &s("local")]));
    for i in 1..=3 {
        ok(&with(
            &SWEEP,
            &["--shard", &format!("{i}/3"), "-o", &s(&format!("s{i}"))],
        ));
    }
    ok(&with(
        &[
            "merge",
            &s("s1"),
            &s("s2"),
            &s("s3"),
            "--out",
            &s("merged"),
            "-q",
        ],
        &[],
    ));
    assert_same(&at("local"), &at("merged"));

    // A run too (its manifest's timing aside), with the shards given in any order.
    let run = [
        "run",
        "scenarios/shaoxing-2014.toml",
        "--set",
        "population.scale=0.002",
        "-r",
        "3",
        "-q",
        "--no-charts",
    ];
    ok(&with(&run, &["-o", &s("run-local")]));
    for i in 1..=2 {
        ok(&with(
            &run,
            &["--shard", &format!("{i}/2"), "-o", &s(&format!("r{i}"))],
        ));
    }
    ok(&with(
        &["merge", &s("r2"), &s("r1"), "--out", &s("run-merged"), "-q"],
        &[],
    ));
    assert_same(&at("run-local"), &at("run-merged"));

    // Refusals: a gap, a duplicate, another study, not a shard, damaged results.
    let e = tierflow_error(&["merge", &s("s1"), &s("s3"), "--out", &s("m")]);
    assert!(e.contains("shard(s) 2/3 missing"), "{e}");
    let e = tierflow_error(&[
        "merge",
        &s("s1"),
        &s("s1"),
        &s("s2"),
        &s("s3"),
        "--out",
        &s("m"),
    ]);
    assert!(e.contains("given twice"), "{e}");
    let other = with(
        &SWEEP,
        &["--seed", "7", "--shard", "2/3", "-o", &s("other2")],
    );
    ok(&other);
    let e = tierflow_error(&["merge", &s("s1"), &s("other2"), &s("s3"), "--out", &s("m")]);
    assert!(e.contains("shards of different studies"), "{e}");
    let e = tierflow_error(&["merge", &s("local"), "--out", &s("m")]);
    assert!(e.contains("is not a shard folder"), "{e}");
    std::fs::write(at("s2").join("results.bin"), b"garbage").unwrap();
    let e = tierflow_error(&["merge", &s("s1"), &s("s2"), &s("s3"), "--out", &s("m")]);
    assert!(e.contains("damaged"), "{e}");
    assert!(!at("m").exists(), "a refused merge wrote nothing");
    let e = tierflow_error(&[
        "calibrate",
        "scenarios/xinmi-baseline.toml",
        "--shard",
        "1/2",
    ]);
    assert!(e.contains("calibrate is not sharded"), "{e}");
    let e = tierflow_error(&["run", "scenarios/shaoxing-2014.toml", "--shard", "3/2"]);
    assert!(e.contains("1 ≤ I ≤ N"), "{e}");
}

fn slurm_up() -> bool {
    std::process::Command::new("sinfo")
        .args(["-h", "-o", "%t"])
        .output()
        .is_ok_and(|o| {
            let states = String::from_utf8_lossy(&o.stdout);
            o.status.success() && ["idle", "mix", "alloc"].iter().any(|s| states.contains(s))
        })
}

#[test]
fn a_sharded_sweep_on_a_real_slurm_cluster_merges_to_the_local_run_byte_for_byte() {
    assert!(
        slurm_up(),
        "no Slurm cluster answers on this machine: run the tests with `bash scripts/test.sh`, which starts a one-node cluster (scripts/slurm-local.sh) and sets SLURM_CONF"
    );
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    ok(&with(&SWEEP, &["-o", &local.display().to_string()]));
    let slurm_dir: PathBuf = dir.path().join("slurm");
    let mut args = vec!["slurm".to_string()];
    args.extend(SWEEP.iter().map(|s| s.to_string()));
    args.extend([
        "--shards".to_string(),
        "3".to_string(),
        "--cpus-per-task".to_string(),
        "1".to_string(),
        "--time".to_string(),
        "00:10:00".to_string(),
        "--dir".to_string(),
        slurm_dir.display().to_string(),
        "--submit".to_string(),
    ]);
    let out = tierflow_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.contains("submitted: array job"), "{out}");
    let results = slurm_dir.join("results");
    let marker = results.join(".tierflow-results.json");
    let started = std::time::Instant::now();
    while !marker.is_file() {
        // A failed task fails the test at once, with its log.
        if let Ok(logs) = std::fs::read_dir(slurm_dir.join("logs")) {
            for log in logs.flatten() {
                let text = std::fs::read_to_string(log.path()).unwrap_or_default();
                assert!(!text.contains("error"), "{}: {text}", log.path().display());
            }
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(300),
            "the Slurm jobs did not finish: {}",
            std::fs::read_to_string(slurm_dir.join("logs/merge.out")).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_same(&local, &results);
    let script = std::fs::read_to_string(slurm_dir.join("array.sbatch")).unwrap();
    assert!(
        script.contains("#SBATCH --array=1-3") && script.contains("--mem="),
        "{script}"
    );
    let merge = std::fs::read_to_string(slurm_dir.join("merge.sbatch")).unwrap();
    assert!(merge.contains(" merge "), "{merge}");
}

#[test]
fn slurm_scripts_are_refused_for_what_cannot_be_sharded_and_never_replace_a_users_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let e = tierflow_error(&[
        "slurm",
        "calibrate",
        "scenarios/xinmi-baseline.toml",
        "--shards",
        "2",
        "--dir",
        &d,
    ]);
    assert!(e.contains("cannot be sharded"), "{e}");
    let e = tierflow_error(&[
        "slurm",
        "sweep",
        "scenarios/shaoxing-2014.toml",
        "--dir",
        &d,
    ]);
    assert!(e.contains("--shards N"), "{e}");
    let e = tierflow_error(&[
        "slurm",
        "run",
        "scenarios/shaoxing-2014.toml",
        "--shards",
        "2",
        "--mem",
        "4Q",
        "--dir",
        &d,
    ]);
    assert!(e.contains("--mem `4Q`"), "{e}");
    let e = tierflow_error(&[
        "slurm",
        "run",
        "scenarios/shaoxing-2014.toml",
        "--shards",
        "2",
        "-o",
        "x",
        "--dir",
        &d,
    ]);
    assert!(e.contains("leave --shard and --out"), "{e}");
    // Written without --submit: the scripts, the estimated memory, and a rewrite of its own.
    let out = tierflow_ok(&[
        "slurm",
        "run",
        "scenarios/shaoxing-2014.toml",
        "--shards",
        "2",
        "--dir",
        &d,
        "-q",
    ]);
    assert!(out.contains("an array of 2 shards"), "{out}");
    let array = std::fs::read_to_string(dir.path().join("array.sbatch")).unwrap();
    assert!(
        array.contains("--shard \"${SLURM_ARRAY_TASK_ID}/2\"") && !array.contains(" -q "),
        "{array}"
    );
    tierflow_ok(&[
        "slurm",
        "run",
        "scenarios/shaoxing-2014.toml",
        "--shards",
        "3",
        "--dir",
        &d,
    ]);
    std::fs::write(dir.path().join("merge.sbatch"), "my own job").unwrap();
    let e = tierflow_error(&[
        "slurm",
        "run",
        "scenarios/shaoxing-2014.toml",
        "--shards",
        "3",
        "--dir",
        &d,
    ]);
    assert!(e.contains("was not written by `tierflow slurm`"), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("merge.sbatch")).unwrap(),
        "my own job"
    );
}
