//! The page's quick answer: the scenario as it is (baseline) and with the planner's lever values
//! (what-if), paired replication by replication on a smaller sample, summarised for the charts.
//!
//! The sample is cut so one answer takes about a second on 2 cores: at most [`QUICK_PEOPLE`]
//! simulated people and [`QUICK_REPLICATIONS`] replications. Both runs share the seed, so their
//! difference carries no sampling noise of its own beyond the replications' spread; the page says
//! plainly what was simulated and offers the full run.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::Result;
use serde_json::{Value, json};

use crate::metrics::bands::{self, Band};
use crate::metrics::targets;
use crate::model::Plan;
use crate::monte_carlo::Prepared;
use crate::scenario::{self, levers::LEVER_PREFIX};
use crate::study::{PointValues, by_name, paired_difference, run_points};

/// Most simulated people in a quick answer.
pub const QUICK_PEOPLE: f64 = 20_000.0;
/// Replications of a quick answer.
pub const QUICK_REPLICATIONS: u32 = 8;

/// Measures the page shows, by the whole region.
pub const SHOWN: &[&str] = &[
    "grassroots_outpatient_share",
    "grassroots_inpatient_share",
    "in_region_rate",
    "total_cost",
    "fund_spend",
    "oop_spend",
    "oop_per_capita",
];

/// The overrides that make a quick answer of `path`: a smaller simulated sample and fewer
/// replications (the region's size and every rate are unchanged).
pub fn quick_overrides(path: &Path) -> Result<(Vec<String>, Value)> {
    let sc = scenario::load(path, &[])?;
    let plan = Plan::from_scenario(&sc)?;
    let model = plan.base();
    let people = f64::from(model.n_people_simulated).max(1.0);
    let scale = sc.raw.population.scale * (QUICK_PEOPLE / people).min(1.0);
    let reps = QUICK_REPLICATIONS.min(model.run.replications.max(2));
    let sample = json!({
        "people": (people * (scale / sc.raw.population.scale)).round(),
        "replications": reps,
        "full_people": people,
        "full_replications": model.run.replications,
        "scale": scale,
    });
    Ok((
        vec![
            format!("population.scale={scale}"),
            format!("run.replications={reps}"),
        ],
        sample,
    ))
}

/// Runs the quick baseline and what-if of `path` with `levers` (`NAME` → `VALUE[@DATE]`) and
/// returns the page's JSON; stops early when `cancel` is set.
pub fn answer(
    path: &Path,
    levers: &BTreeMap<String, String>,
    cancel: &AtomicBool,
) -> Result<Value> {
    let started = std::time::Instant::now();
    let (quick, sample) = quick_overrides(path)?;
    let base_sc = scenario::load(path, &quick)?;
    let mut what_if = quick.clone();
    what_if.extend(levers.iter().map(|(n, v)| format!("{LEVER_PREFIX}{n}={v}")));
    let what_sc = scenario::load(path, &what_if)?;
    let notes = what_sc.override_notes.clone();
    let base = Prepared::new(base_sc, false)?;
    let what = Prepared::new(what_sc, false)?;
    let reps: Vec<u32> = (0..base.plan.base().run.replications).collect();
    let ran = run_points(
        &[&base, &what],
        &reps,
        0,
        cancel,
        |_| indicatif::ProgressBar::hidden(),
        |_, _| Ok(()),
    )?;
    let (b_model, w_model) = (base.plan.base(), what.plan.base());
    let b_rows = by_name(b_model, &ran[0]);
    let w_rows = by_name(w_model, &ran[1]);
    let years: Vec<i32> = {
        let mut y: Vec<i32> = b_rows.keys().map(|k| k.0).collect();
        y.dedup();
        y
    };
    let band = |b: Option<Band>| b.map_or(Value::Null, |b| json!([b.mean, b.p5, b.p95]));
    let series = |metric: &str, breakdown: &str| {
        let mut baseline = Vec::new();
        let mut whatif = Vec::new();
        let mut diff = Vec::new();
        for &y in &years {
            let key = (y, metric.to_string(), breakdown.to_string());
            let (a, b) = (b_rows.get(&key), w_rows.get(&key));
            baseline.push(band(a.and_then(|v| crate::study::band_of(v))));
            whatif.push(band(b.and_then(|v| crate::study::band_of(v))));
            diff.push(a.zip(b).and_then(|(a, b)| paired_difference(a, b)).map_or(
                Value::Null,
                |d| {
                    let ci = d.mean_interval();
                    json!([
                        d.mean,
                        ci.map_or(d.mean, |c| c.low),
                        ci.map_or(d.mean, |c| c.high)
                    ])
                },
            ));
        }
        json!({ "baseline": baseline, "whatif": whatif, "diff": diff })
    };
    let mut metrics = serde_json::Map::new();
    for m in SHOWN {
        metrics.insert(m.to_string(), series(m, "all"));
    }
    let mut beds = serde_json::Map::new();
    for t in b_model.present_tiers() {
        if b_model.tiers[t]
            .as_ref()
            .is_some_and(|s| s.beds_per_1000 > 0.0)
        {
            beds.insert(t.name().to_string(), series("bed_occupancy", t.name()));
        }
    }
    Ok(json!({
        "years": years,
        "metrics": metrics,
        "bed_occupancy": beds,
        "targets": judged(b_model, &ran[0], w_model, &ran[1]),
        "sample": sample,
        "notes": notes,
        "seconds": started.elapsed().as_secs_f64(),
    }))
}

/// Each target with its probability of being met in the baseline and the what-if.
fn judged(
    b_model: &crate::model::Model,
    b: &PointValues,
    w_model: &crate::model::Model,
    w: &PointValues,
) -> Value {
    let b_judged = targets::judge(b_model, &bands::collect(b), b.len());
    let w_judged = targets::judge(w_model, &bands::collect(w), w.len());
    Value::Array(
        b_judged
            .iter()
            .zip(&w_judged)
            .map(|(x, y)| {
                json!({
                    "name": x.target.name,
                    "year": x.target.year,
                    "baseline": x.share_meeting,
                    "whatif": y.share_meeting,
                })
            })
            .collect(),
    )
}
