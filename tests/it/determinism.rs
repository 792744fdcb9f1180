//! Same scenario + same seed = same numbers, on any thread count and when rerun alone.

use tierflow::monte_carlo::run_replications;

use crate::common::*;

#[test]
fn thread_count_does_not_change_results() {
    let p = plan(&repo("tests/fixtures/region.toml"), &[]);
    let reps: Vec<u32> = (0..4).collect();
    let one = run_replications(&p, &reps, 1).unwrap();
    let two = run_replications(&p, &reps, 2).unwrap();
    let three = run_replications(&p, &reps, 3).unwrap();
    assert_eq!(one, two);
    assert_eq!(one, three);
}

#[test]
fn a_replication_rerun_alone_matches_the_full_run() {
    let p = plan(&repo("tests/fixtures/region.toml"), &[]);
    let all = run(&p, 4);
    let alone = run_replications(&p, &[2], 1).unwrap();
    assert_eq!(all[2], alone[0]);
}

#[test]
fn seeds_and_replications_differ() {
    let a = plan(&repo("tests/fixtures/region.toml"), &["run.seed=1"]);
    let b = plan(&repo("tests/fixtures/region.toml"), &["run.seed=2"]);
    let ra = run(&a, 2);
    let rb = run(&b, 1);
    assert_ne!(
        ra[0].years, ra[1].years,
        "replications must use different streams"
    );
    assert_ne!(ra[0].years, rb[0].years, "seeds must change results");
}
