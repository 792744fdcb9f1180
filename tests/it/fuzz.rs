//! Property tests that fuzz the inputs a user types: `--set` overrides, `--vary` specs and
//! parameter distributions. The loader's own byte- and line-level fuzzing is in properties.rs.
//! The property is the one issue 11 states: whatever validation accepts runs without a panic,
//! and whatever it refuses is refused with a message, never a panic.

use proptest::prelude::*;

use tierflow::model::Plan;
use tierflow::monte_carlo::{resources, run_replications};
use tierflow::scenario;
use tierflow::scenario::uncertainty;
use tierflow::study::grid;

use crate::common::repo;

/// Values a hostile or careless user might type.
const VALUES: &[&str] = &[
    "0",
    "-0.0",
    "1",
    "-1",
    "0.5",
    "2",
    "1e-320",
    "5e-324",
    "1e-9",
    "1e308",
    "-1e308",
    "inf",
    "-inf",
    "nan",
    "1e9",
    "4294967296",
    "-4294967296",
    "\"x\"",
    "\"\"",
    "true",
    "[]",
    "{}",
    "[1, 2]",
    "{ dist = \"uniform\", low = -1e308, high = 1e308 }",
    "{ dist = \"uniform\", low = 0, high = 1 }",
    "{ dist = \"normal\", mean = 0.5, sd = 1e300 }",
    "{ dist = \"normal\", mean = 0.5, sd = 0.1, min = 0.4, max = 0.6 }",
    "{ dist = \"triangular\", low = -1e308, mode = 0, high = 1e308 }",
    "{ dist = \"nope\" }",
    "2015-06-01",
];

fn reference_paths() -> Vec<String> {
    let s = scenario::load(&repo("scenarios/reference.toml"), &[]).unwrap();
    let mut paths: Vec<String> = s.params().into_iter().map(|p| p.path).collect();
    paths.extend(
        [
            "name",
            "population.size",
            "run.replications",
            "nonsense.key",
        ]
        .map(String::from),
    );
    paths
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    /// Up to three overrides of any path with any value: validation accepts or refuses, and an
    /// accepted scenario small enough to run here runs without a panic.
    #[test]
    fn any_overrides_are_refused_cleanly_or_run(
        picks in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(VALUES)), 1..4)
    ) {
        let paths = reference_paths();
        let mut sets: Vec<String> = picks
            .iter()
            .map(|(i, v)| format!("{}={v}", i.get(&paths)))
            .collect();
        // Keep each accepted run short.
        sets.insert(0, "run.horizon_days=20".to_string());
        let Ok(s) = scenario::load(&repo("scenarios/reference.toml"), &sets) else {
            return Ok(());
        };
        let Ok(plan) = Plan::from_scenario(&s) else {
            return Ok(());
        };
        let model = plan.base();
        let estimate = resources::Estimate::of(model, 1);
        prop_assert!(estimate.per_replication_bytes > 0);
        if model.peak_people_simulated() <= 200_000
            && model.expected_episodes_per_year() * (model.run.warmup_years as f64 + 0.1)
                < 5e6
        {
            // Drawn parameters may be refused at run time (an invalid draw), never panic.
            let _ = tierflow::monte_carlo::Prepared::new(s, false).map(|p| {
                let jobs: Vec<_> = tierflow::monte_carlo::jobs(&p, &[0]).collect();
                tierflow::monte_carlo::run_jobs(
                    &jobs,
                    1,
                    &std::sync::atomic::AtomicBool::new(false),
                    |_, _, r| Ok(r.years.len()),
                )
                .map(|_| ())
            });
            let _ = run_replications(&plan, &[0], 1);
        }
    }

    /// Any `--vary` text parses to a bounded grid or is refused with a message.
    #[test]
    fn any_vary_spec_is_bounded_or_refused(
        path in prop::sample::select(vec!["behaviour.habit", "", "a.b", "population.scale"]),
        a in prop::sample::select(VALUES),
        b in prop::sample::select(VALUES),
        c in prop::sample::select(VALUES),
        shape in 0u8..4,
    ) {
        let rhs = match shape {
            0 => format!("{a}:{b}:{c}"),
            1 => format!("{a},{b},{c}"),
            2 => format!("{a}:{b}"),
            _ => a.to_string(),
        };
        let spec = format!("{path}={rhs}");
        if let Ok(v) = grid::parse_vary(&spec) {
            prop_assert!(!v.values.is_empty() && v.values.len() <= grid::MAX_POINTS, "{spec}");
            if let Ok(points) = grid::expand(&[v.clone(), v]) {
                prop_assert!(!points.is_empty() && points.len() <= grid::MAX_POINTS);
            }
        }
    }

    /// Any distribution that validation accepts draws without a panic; each draw is a number
    /// or an honest "never fell within the bounds".
    #[test]
    fn any_accepted_distribution_draws_without_panic(
        kind in prop::sample::select(vec!["normal", "uniform", "triangular"]),
        x in prop::collection::vec(prop_oneof![
            any::<f64>(),
            prop::sample::select(vec![0.0, 1.0, -1.0, 1e308, -1e308, 5e-324, f64::MAX, f64::MIN]),
        ], 4),
        seed in any::<u64>(),
    ) {
        let table: toml::Table = match kind {
            "normal" => toml::toml! { dist = "normal" mean = (x[0]) sd = (x[1]) min = (x[2].min(x[3])) max = (x[2].max(x[3])) },
            "uniform" => toml::toml! { dist = "uniform" low = (x[0]) high = (x[1]) },
            _ => toml::toml! { dist = "triangular" low = (x[0]) mode = (x[1]) high = (x[2]) },
        };
        if let Some(Ok(d)) = uncertainty::parse("behaviour.habit", &toml::Value::Table(table)) {
            use rand::SeedableRng;
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
            for _ in 0..20 {
                if let Some(v) = d.draw(&mut rng) {
                    prop_assert!(!v.is_nan(), "{d:?} drew NaN");
                }
            }
        }
    }
}
