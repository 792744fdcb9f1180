//! Property tests: random valid scenarios keep the invariants; random input never panics.

use proptest::prelude::*;
use tierflow::engine::ReplicationResult;
use tierflow::metrics::metric_values;
use tierflow::model::Plan;
use tierflow::monte_carlo::run_replications;
use tierflow::scenario;
use tierflow::tier::Tier;

use crate::common::repo;

const TIERS: [&str; 5] = ["village", "township", "county", "tertiary", "out_of_region"];

/// Incidence, lowest tier, emergency, chronic, admission probability, stay, visit cost,
/// admission cost, cost cv.
type ConditionSpec = (f64, usize, bool, bool, f64, f64, f64, f64, f64);

/// Random inputs from which a valid scenario is written.
#[derive(Debug, Clone)]
struct Spec {
    tier_mask: u8,
    population: u32,
    years: u32,
    horizon_days: Option<u32>,
    warmup: u32,
    group_weights: Vec<f64>,
    coverage: Vec<f64>,
    conditions: Vec<ConditionSpec>,
    tiers: Vec<(f64, u8, f64)>,
    benefits: Vec<(f64, f64, f64, f64)>,
    divert: bool,
    gatekeeping: bool,
    difference: bool,
    waived: bool,
    down: f64,
    fee: f64,
    self_care: bool,
    seed: u64,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            1u8..32,
            2000u32..5000,
            1u32..3,
            prop::option::of(1u32..400),
            0u32..2,
        ),
        (
            prop::collection::vec(0.05f64..1.0, 1..4),
            prop::collection::vec(0.0f64..1.0, 3),
        ),
        prop::collection::vec(
            (
                0.0f64..6.0,
                0usize..5,
                any::<bool>(),
                any::<bool>(),
                0.0f64..0.4,
                0.5f64..12.0,
                0.0f64..400.0,
                0.0f64..15000.0,
                0.0f64..1.5,
            ),
            1..4,
        ),
        prop::collection::vec((-1.0f64..3.0, 0u8..3, 0.0f64..90.0), 5),
        prop::collection::vec(
            (0.0f64..=1.0, 0.0f64..300.0, 0.0f64..3000.0, 0.0f64..0.3),
            10,
        ),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            0.0f64..0.5,
            0.0f64..200.0,
            any::<bool>(),
            0u64..(i64::MAX as u64),
        ),
    )
        .prop_map(|(run, groups, conditions, tiers, benefits, rules)| Spec {
            tier_mask: run.0,
            population: run.1,
            years: run.2,
            horizon_days: run.3.map(|h| h.min(run.2 * 365)),
            warmup: run.4,
            group_weights: groups.0,
            coverage: groups.1,
            conditions,
            tiers,
            benefits,
            divert: rules.0,
            gatekeeping: rules.1,
            difference: rules.2,
            waived: rules.3,
            down: rules.4,
            fee: rules.5,
            self_care: rules.6,
            seed: rules.7,
        })
}

fn toml_of(s: &Spec) -> String {
    let present: Vec<usize> = (0..5).filter(|i| s.tier_mask & (1 << i) != 0).collect();
    let mut t = format!(
        "name = \"prop\"\n[run]\nstart_year = 2020\nyears = {}\nwarmup_years = {}\nreplications = 2\nseed = {}\n",
        s.years, s.warmup, s.seed
    );
    if let Some(h) = s.horizon_days {
        t += &format!("horizon_days = {h}\n");
    }
    t += &format!("[population]\nsize = {}\n", s.population);
    let total: f64 = s.group_weights.iter().sum();
    for (g, w) in s.group_weights.iter().enumerate() {
        let tier = TIERS[present[g % present.len()]];
        t += &format!(
            "[groups.g{g}]\nshare = {:?}\narea = \"{}\"\nscheme = \"s{}\"\nsigning_tier = \"{tier}\"\nsigning_coverage = {:?}\ngrowth_per_year = {:?}\n",
            w / total,
            if g % 2 == 0 { "urban" } else { "rural" },
            g % 2,
            s.coverage[g % 3],
            (s.coverage[(g + 1) % 3] - 0.5) * 0.3,
        );
    }
    for (c, (inc, lowest, emergency, chronic, p_admit, los, op, ip, cv)) in
        s.conditions.iter().enumerate()
    {
        let lowest = TIERS[present[lowest % present.len()]];
        let per = |v: f64| {
            present
                .iter()
                .map(|&i| format!("{} = {v:?}", TIERS[i]))
                .collect::<Vec<_>>()
                .join(", ")
        };
        t += &format!(
            "[conditions.c{c}]\nincidence_per_year = {inc:?}\nlowest_tier = \"{lowest}\"\nemergency = {emergency}\nchronic = {chronic}\n\
             admission_probability = {{ {} }}\nlos_days = {{ {} }}\noutpatient_cost_yuan = {{ {} }}\ninpatient_cost_yuan = {{ {} }}\ncost_cv = {cv:?}\n",
            per(*p_admit),
            per(*los),
            per(*op),
            per(*ip),
        );
    }
    for &i in &present {
        let (quality, beds, travel) = s.tiers[i];
        let beds = match beds {
            0 => "0.0".to_string(),
            1 => "inf".to_string(),
            _ => "2.5".to_string(),
        };
        t += &format!(
            "[tiers.{}]\nquality = {quality:?}\nbeds_per_1000 = {beds}\ntravel_minutes_urban = {travel:?}\ntravel_minutes_rural = {:?}\n",
            TIERS[i],
            travel * 2.0
        );
    }
    for scheme in 0..2 {
        t += &format!(
            "[schemes.s{scheme}]\nupward_referral_deductible = \"{}\"\ndownward_referral_deductible_waived = {}\n",
            if s.difference { "difference" } else { "full" },
            s.waived
        );
        for &i in &present {
            for (k, care) in ["outpatient", "inpatient"].iter().enumerate() {
                let (rate, ded, cap, cut) = s.benefits[(i + k * 5 + scheme) % 10];
                t += &format!(
                    "{care}.{} = {{ rate = {rate:?}, deductible_yuan = {ded:?}, cap_yuan = {cap:?}, unreferred_rate_cut = {cut:?} }}\n",
                    TIERS[i]
                );
            }
        }
    }
    t += &format!(
        "[referral]\nwhen_beds_full = \"{}\"\ngatekeeping = {}\n",
        if s.divert { "divert" } else { "wait" },
        s.gatekeeping
    );
    if present.contains(&1) {
        let downs: Vec<String> = present
            .iter()
            .filter(|&&i| i >= 2)
            .map(|&i| format!("{} = {:?}", TIERS[i], s.down))
            .collect();
        t += &format!(
            "down_referral_probability = {{ {} }}\nchronic_down_referral_probability = {:?}\n",
            downs.join(", "),
            s.down
        );
    }
    t += &format!(
        "[signing]\nfee_yuan_per_signed_per_year = {:?}\n[behaviour]\nself_care_enabled = {}\n",
        s.fee, s.self_care
    );
    t
}

fn check_invariants(plan: &Plan, r: &ReplicationResult) {
    crate::common::assert_beds_conserved(r);
    for y in &r.years {
        for t in Tier::ALL {
            let tt = &y.tiers[t.index()];
            let total = tt.outpatient_cost_yuan + tt.inpatient_cost_yuan;
            assert!(total >= 0.0 && tt.fund_yuan >= 0.0 && tt.oop_yuan >= 0.0);
            assert!((tt.fund_yuan + tt.oop_yuan - total).abs() <= 1e-9 * total.max(1.0));
            assert!(
                tt.busy_bed_days <= tt.available_bed_days + 1e-6 || tt.available_bed_days == 0.0
            );
        }
    }
    for v in metric_values(plan.base(), r) {
        let info = &tierflow::catalog::METRICS[v.metric];
        assert!(
            v.value.is_finite() && v.value >= 0.0,
            "{} = {}",
            info.name,
            v.value
        );
        if info.unit == "fraction" {
            assert!(v.value <= 1.0 + 1e-9, "{} = {}", info.name, v.value);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_scenarios_keep_the_invariants(s in spec()) {
        let text = toml_of(&s);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prop.toml");
        std::fs::write(&path, &text).unwrap();
        let loaded = scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let plan = Plan::from_scenario(&loaded).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let one = run_replications(&plan, &[0, 1], 1).unwrap();
        let two = run_replications(&plan, &[0, 1], 2).unwrap();
        prop_assert_eq!(&one, &two);
        for r in &one {
            check_invariants(&plan, r);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.toml");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(s) = scenario::load(&path, &[]) {
            let _ = Plan::from_scenario(&s);
        }
    }

    #[test]
    fn mutated_scenarios_load_or_fail_cleanly(line in 0usize..200, token in prop::sample::select(vec![
        "-1", "0", "1e400", "-inf", "inf", "nan", "\"x\"", "[]", "{}", "true", "99999999999",
        "\"village\"", "\"\"", "[[x]]", "= =", "0.5", "2015-01-01", "{ rate = 2 }",
    ]), delete in any::<bool>()) {
        let base = std::fs::read_to_string(repo("tests/fixtures/region.toml")).unwrap();
        let lines: Vec<&str> = base.lines().collect();
        let k = line % lines.len();
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if i != k {
                out.push(l.to_string());
            } else if !delete {
                match l.split_once('=') {
                    Some((key, _)) => out.push(format!("{key}= {token}")),
                    None => out.push(token.to_string()),
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mutated.toml");
        std::fs::write(&path, out.join("\n")).unwrap();
        let loaded = scenario::load(&path, &["run.horizon_days=30".to_string()]);
        if let Ok(plan) = loaded.and_then(|s| Plan::from_scenario(&s))
            && plan.base().n_people_simulated <= 1_000_000
        {
            for r in run_replications(&plan, &[0], 1).unwrap() {
                check_invariants(&plan, &r);
            }
        }
    }
}
