//! Sweeps, comparisons and sensitivity analyses: grids, resumption, pairing, errors.

use std::path::Path;

use crate::common::{repo, tierflow_error as failure, tierflow_ok as ok};
use tierflow::monte_carlo::Prepared;
use tierflow::scenario;
use tierflow::study::{by_name, paired_difference, run_points};

/// Shaoxing at a tenth of its default sample, so each point takes a fraction of a second.
const SMALL: [&str; 2] = ["--set", "population.scale=0.002"];

fn sweep_args(out: &str) -> Vec<&str> {
    let mut a = vec![
        "sweep",
        "scenarios/shaoxing-2014.toml",
        "--vary",
        "schemes.residents.outpatient.village.rate=0.5:0.7:0.2",
        "--vary",
        "behaviour.habit=0.5,1",
        "-r",
        "3",
        "--no-charts",
        "-o",
        out,
    ];
    a.extend(SMALL);
    a
}

#[test]
fn sweep_writes_every_grid_point_and_a_rerun_resumes_without_rerunning() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sw");
    let out_s = out.to_str().unwrap();
    let first = ok(&sweep_args(out_s));
    assert!(first.contains("4 point(s) run, 0 reused"), "{first}");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with(
        "schemes.residents.outpatient.village.rate,behaviour.habit,year,metric,tier,group,condition,signing,mean,sd,p5,p50,p95"
    ));
    let mut grid: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    grid.dedup();
    assert_eq!(grid, ["0.5,0.5", "0.5,1", "0.7,0.5", "0.7,1"]);
    let sweep_json = std::fs::read_to_string(out.join("sweep.json")).unwrap();
    assert!(sweep_json.contains("\"complete\": true"));

    // Lose one point (as if the sweep had been stopped before it) and rerun.
    let kept = out.join("points/0000/replications.csv");
    let kept_before = std::fs::metadata(&kept).unwrap().modified().unwrap();
    std::fs::remove_dir_all(out.join("points/0002")).unwrap();
    std::fs::remove_file(out.join("sweep.csv")).unwrap();
    let second = ok(&sweep_args(out_s));
    assert!(second.contains("1 point(s) run, 3 reused"), "{second}");
    assert_eq!(std::fs::read_to_string(out.join("sweep.csv")).unwrap(), csv);
    assert_eq!(
        std::fs::metadata(&kept).unwrap().modified().unwrap(),
        kept_before
    );

    let third = ok(&sweep_args(out_s));
    assert!(third.contains("0 point(s) run, 4 reused"), "{third}");

    // A different sweep into the same folder is refused rather than mixed in.
    let mut other = sweep_args(out_s);
    other[5] = "behaviour.habit=0.5,2";
    assert!(failure(&other).contains("pass --force"));
}

#[test]
fn a_sweep_point_has_the_numbers_of_a_plain_run_at_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let sw = dir.path().join("sw");
    ok(&sweep_args(sw.to_str().unwrap()));
    let run = dir.path().join("run");
    let mut args = vec![
        "run",
        "scenarios/shaoxing-2014.toml",
        "--set",
        "schemes.residents.outpatient.village.rate=0.7",
        "--set",
        "behaviour.habit=1",
        "-r",
        "3",
        "-q",
        "--no-charts",
        "-o",
        run.to_str().unwrap(),
    ];
    args.extend(SMALL);
    ok(&args);
    assert_eq!(
        std::fs::read_to_string(sw.join("points/0003/replications.csv")).unwrap(),
        std::fs::read_to_string(run.join("replications.csv")).unwrap()
    );
}

#[test]
fn vary_errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let o = out.to_str().unwrap();
    let base = ["sweep", "scenarios/shaoxing-2014.toml", "-o", o, "--vary"];
    let with = |v: &'static str| [&base[..], &[v]].concat();
    let e = failure(&with("schemes.residents.outpatient.village.rat=0.5,0.6"));
    assert!(
        e.contains("did you mean `schemes.residents.outpatient.village.rate`"),
        "{e}"
    );
    let e = failure(&with("behaviour.habit=1:2:0"));
    assert!(e.contains("step 0 never goes"), "{e}");
    let e = failure(&with("behaviour.habit=1,[oops"));
    assert!(e.contains("is not a value"), "{e}");
    let e = failure(&with("behaviour.habit"));
    assert!(e.contains("expected PATH=V1,V2"), "{e}");
    let e = failure(&with("tiers.county.beds_per_1000=-1,2"));
    assert!(
        e.contains("sweep point tiers.county.beds_per_1000=-1"),
        "{e}"
    );
    let e = failure(&with("run.replications=2,4"));
    assert!(e.contains("only model parameters"), "{e}");
    assert!(!out.exists(), "a sweep that cannot start writes nothing");
    // --force never deletes a folder tierflow did not write.
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let e = failure(&[&with("behaviour.habit=1,2")[..], &["--force"]].concat());
    assert!(e.contains("tierflow did not write"), "{e}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// Bands of `b − a` over replications: paired (same seed) against unpaired (other seed).
#[test]
fn common_random_numbers_make_paired_differences_tighter_than_unpaired_ones() {
    let file = repo("scenarios/shaoxing-2014.toml");
    let load = |extra: &[&str]| {
        let mut o: Vec<String> = vec![
            "population.scale=0.002".into(),
            "run.replications=12".into(),
        ];
        o.extend(extra.iter().map(|s| s.to_string()));
        Prepared::new(scenario::load(&file, &o).unwrap(), false).unwrap()
    };
    let a = load(&["run.seed=1"]);
    let b = load(&[
        "run.seed=1",
        "schemes.residents.outpatient.village.rate=0.75",
    ]);
    let b_other_seed = load(&[
        "run.seed=999",
        "schemes.residents.outpatient.village.rate=0.75",
    ]);
    let reps: Vec<u32> = (0..12).collect();
    let hidden = |_| indicatif::ProgressBar::hidden();
    let never = std::sync::atomic::AtomicBool::new(false);
    let ran = run_points(
        &[&a, &b, &b_other_seed],
        &reps,
        2,
        &never,
        hidden,
        |_, _| Ok(()),
    )
    .unwrap();
    let key = (
        2016,
        "grassroots_outpatient_share".to_string(),
        "all".to_string(),
    );
    let rows: Vec<_> = ran
        .iter()
        .zip([&a, &b, &b_other_seed])
        .map(|(v, p)| by_name(p.plan.base(), v).remove(&key).unwrap())
        .collect();
    let paired = paired_difference(&rows[0], &rows[1]).unwrap();
    let unpaired = paired_difference(&rows[0], &rows[2]).unwrap();
    assert!(
        paired.mean > 0.0,
        "raising the village payout raises the grassroots share"
    );
    eprintln!(
        "paired band {:.5}, unpaired {:.5}",
        paired.p95 - paired.p5,
        unpaired.p95 - unpaired.p5
    );
    assert!(
        (paired.p95 - paired.p5) < 0.5 * (unpaired.p95 - unpaired.p5),
        "paired band {:?} should be far narrower than unpaired {:?}",
        paired,
        unpaired
    );
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn compare_pairs_files_and_finished_runs_alike_and_refuses_unpairable_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let (base_run, from_files, from_run) = (d("base"), d("files"), d("mixed"));
    let small = ["--set", "population.scale=0.002", "-r", "4"];
    let run = [
        &[
            "run",
            "scenarios/shaoxing-baseline.toml",
            "-q",
            "--no-charts",
            "-o",
            &base_run,
        ][..],
        &small[..],
    ]
    .concat();
    ok(&run);
    let table = ok(&[
        &[
            "compare",
            "scenarios/shaoxing-baseline.toml",
            "scenarios/shaoxing-2014.toml",
            "--no-charts",
            "-o",
            &from_files,
        ][..],
        &small[..],
    ]
    .concat());
    assert!(
        table.contains("| shaoxing-2014 − shaoxing-baseline |"),
        "{table}"
    );
    ok(&[
        &[
            "compare",
            &base_run,
            "scenarios/shaoxing-2014.toml",
            "--no-charts",
            "-o",
            &from_run,
        ][..],
        &small[..],
    ]
    .concat());
    // The same folder against a file run without its --set is paired, with a note.
    let noted = ok(&[
        "compare",
        &base_run,
        "scenarios/shaoxing-2014.toml",
        "-r",
        "4",
        "--no-charts",
        "-o",
        &d("noted"),
    ]);
    assert!(
        noted.contains(
            "was run with --set [population.scale=0.002]; the scenario files here with []"
        ),
        "{noted}"
    );
    let a = read(&dir.path().join("files/compare.csv"));
    let b = read(&dir.path().join("mixed/compare.csv"));
    assert_eq!(
        a, b,
        "a finished run pairs exactly as its scenario file does"
    );
    let diff_row = a
        .lines()
        .find(|l| l.starts_with("shaoxing-2014,2016,grassroots_outpatient_share,all,"))
        .unwrap();
    let diff_mean: f64 = diff_row.split(',').nth(9).unwrap().parse().unwrap();
    assert!(
        diff_mean > 0.02,
        "the 2014 policy raises the grassroots share: {diff_row}"
    );
    let e = failure(
        &[
            &[
                "compare",
                &base_run,
                "scenarios/shaoxing-2014.toml",
                "--seed",
                "7",
                "-o",
                &d("bad"),
            ][..],
            &small[..],
        ]
        .concat(),
    );
    assert!(e.contains("pairing needs seed 7"), "{e}");
    let e = failure(
        &[
            &[
                "compare",
                "scenarios/shaoxing-2014.toml",
                &base_run,
                "--force",
                "-o",
                &base_run,
            ][..],
            &small[..],
        ]
        .concat(),
    );
    assert!(e.contains("which this command reads"), "{e}");
    assert!(
        dir.path().join("base/manifest.json").is_file(),
        "the input folder is untouched"
    );
    let e = failure(&[
        "compare",
        "scenarios/shaoxing-baseline.toml",
        "scenarios/shaoxing-2014.toml",
        "--metrics",
        "grassroots_share",
    ]);
    assert!(e.contains("not a tierflow metric"), "{e}");
    let e = failure(&[
        "compare",
        &base_run,
        &base_run,
        "--set",
        "behaviour.habit=1",
    ]);
    assert!(e.contains("--set applies to scenario files"), "{e}");
    // Runs that share no year cannot be compared.
    let later = dir.path().join("later.toml");
    let base = repo("scenarios/shaoxing-baseline.toml");
    std::fs::write(
        &later,
        format!(
            "extends = {:?}\n[run]\nstart_year = 2030\n",
            base.to_str().unwrap()
        ),
    )
    .unwrap();
    let e = failure(
        &[
            &[
                "compare",
                "scenarios/shaoxing-baseline.toml",
                later.to_str().unwrap(),
                "-o",
                &d("none"),
            ][..],
            &small[..],
        ]
        .concat(),
    );
    assert!(e.contains("share no reported year"), "{e}");
}

#[test]
fn a_sweep_says_when_its_values_replace_the_timeline_s_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sw");
    let text = ok(&[
        &[
            "sweep",
            "scenarios/shaoxing-2014.toml",
            "--vary",
            "tiers.township.quality_change=0.3,0.4",
            "--no-charts",
            "-r",
            "2",
            "-o",
            out.to_str().unwrap(),
        ][..],
        &SMALL[..],
    ]
    .concat());
    assert!(
        text.contains("replace the scenario's timeline changes of `tiers.township.quality_change` on 2014-11-01, 2016-01-01 (an override wins from its date)"),
        "{text}"
    );
}

#[test]
fn sensitivity_moves_each_parameter_down_and_up_and_sorts_by_swing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sens");
    let text = ok(&[
        &[
            "sensitivity",
            "scenarios/shaoxing-2014.toml",
            "--params",
            "behaviour.cost_per_yuan,behaviour.habit",
            "--range",
            "50%",
            "-r",
            "3",
            "-o",
            out.to_str().unwrap(),
        ][..],
        &SMALL[..],
    ]
    .concat());
    assert!(text.contains("±50%"), "{text}");
    let csv = read(&out.join("sensitivity.csv"));
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2);
    let swings: Vec<f64> = rows.iter().map(|r| r[17].parse().unwrap()).collect();
    assert!(swings[0] >= swings[1], "rows sorted by swing: {swings:?}");
    assert_eq!(
        rows[0][0], "behaviour.cost_per_yuan",
        "cost moves the share most"
    );
    let cost = rows
        .iter()
        .find(|r| r[0] == "behaviour.cost_per_yuan")
        .unwrap();
    let (base, low, high): (f64, f64, f64) = (
        cost[2].parse().unwrap(),
        cost[3].parse().unwrap(),
        cost[4].parse().unwrap(),
    );
    assert!(
        (low - base * 1.5).abs() < 1e-12 && (high - base * 0.5).abs() < 1e-12,
        "{cost:?}"
    );
    // A stronger dislike of cost (lower, more negative) sends people to cheaper grassroots care.
    let low_effect: f64 = cost[11].parse().unwrap();
    let high_effect: f64 = cost[14].parse().unwrap();
    assert!(low_effect > 0.0 && high_effect < 0.0, "{cost:?}");
    assert!(out.join("charts/tornado.png").is_file() && out.join("charts/tornado.svg").is_file());
    let e = failure(&[
        "sensitivity",
        "scenarios/shaoxing-2014.toml",
        "--range",
        "150%",
    ]);
    assert!(e.contains("below 100%"), "{e}");
    let e = failure(&[
        "sensitivity",
        "scenarios/shaoxing-2014.toml",
        "--params",
        "behaviour.self_care_enabled",
    ]);
    assert!(e.contains("not a number"), "{e}");
    let e = failure(&[
        "sensitivity",
        "scenarios/shaoxing-2014.toml",
        "--params",
        "run.years",
    ]);
    assert!(e.contains("not a model parameter"), "{e}");
    let e = failure(&[
        "sensitivity",
        "scenarios/shaoxing-2014.toml",
        "--params",
        "behaviour.habit,behaviour.habit",
    ]);
    assert!(e.contains("listed twice"), "{e}");
    let e = failure(&[
        "sensitivity",
        "scenarios/shaoxing-2014.toml",
        "--set",
        "behaviour.habit={dist=\"uniform\",low=0.4,high=0.6}",
        "--params",
        "behaviour.habit",
    ]);
    assert!(
        e.contains("is uncertain") && e.contains("--fix-parameters"),
        "{e}"
    );
}
