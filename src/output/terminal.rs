//! The text a run prints: last year's key metrics with bands, and each target met or not.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::catalog::{self, METRICS};
use crate::domain::{TargetBasis, TargetOp};
use crate::metrics::Breakdown;
use crate::metrics::bands::{Band, RowKey};
use crate::metrics::targets::TargetResult;
use crate::model::Model;
use crate::scenario::uncertainty::Uncertain;
use crate::tier::Tier;

/// Metrics shown after a run, with the breakdowns shown for each.
pub const KEY_METRICS: &[&str] = &[
    "grassroots_outpatient_share",
    "grassroots_inpatient_share",
    "in_region_rate",
    "visits",
    "admissions",
    "bed_occupancy",
    "bed_wait_days",
    "referrals_up",
    "referrals_down",
    "signing_coverage",
    "total_cost",
    "fund_spend",
    "oop_per_capita",
    "programme_cost",
];

/// The (metric, breakdown) rows of the last year shown after a run.
pub fn key_rows(model: &Model, bands: &BTreeMap<RowKey, Band>) -> Vec<(RowKey, Band)> {
    let Some(last_year) = bands.keys().map(|k| k.0).max() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for name in KEY_METRICS {
        let (mi, _) = catalog::metric(name).expect("key metrics are in the catalogue");
        let mut keys = vec![Breakdown::All];
        if *name == "bed_occupancy" {
            keys.extend(model.present_tiers().map(Breakdown::Tier));
        }
        for k in keys {
            if let Some(b) = bands.get(&(last_year, mi, k)) {
                rows.push(((last_year, mi, k), *b));
            }
        }
    }
    rows
}

/// A value in its unit's usual form: percentages for fractions, M and bn for large numbers.
pub fn fmt_value(unit: &str, x: f64) -> String {
    match unit {
        "fraction" => format!("{:.1}%", x * 100.0),
        _ if x.abs() >= 1e9 => format!("{:.2} bn", x / 1e9),
        _ if x.abs() >= 1e6 => format!("{:.2} M", x / 1e6),
        _ if x.abs() >= 1e4 => format!("{:.0}", x),
        _ => format!("{:.2}", x),
    }
}

/// A signed change: percentage points for fractions, otherwise as [`fmt_value`].
pub fn fmt_change(unit: &str, x: f64) -> String {
    let s = if unit == "fraction" {
        format!("{:.2} pp", x * 100.0)
    } else {
        fmt_value(unit, x)
    };
    if x > 0.0 { format!("+{s}") } else { s }
}

fn unit_label(unit: &str) -> &str {
    if unit == "fraction" { "" } else { unit }
}

/// One line saying which parameters were uncertain and how they were treated (empty if none).
pub fn uncertainty_line(uncertain: &[Uncertain], fixed: bool) -> String {
    if uncertain.is_empty() {
        return String::new();
    }
    let list: Vec<String> = uncertain
        .iter()
        .map(|u| format!("{} ~ {}", u.path, u.dist.describe()))
        .collect();
    if fixed {
        format!(
            "parameter uncertainty off (--fix-parameters): {} held at central values; bands show chance alone\n",
            list.join("; ")
        )
    } else {
        format!(
            "bands include parameter uncertainty: each replication draws {}\n",
            list.join("; ")
        )
    }
}

/// The report printed after a run.
pub fn report(
    model: &Model,
    replications: usize,
    bands: &BTreeMap<RowKey, Band>,
    targets: &[TargetResult],
) -> String {
    let mut s = String::new();
    let rows = key_rows(model, bands);
    if let Some(((year, _, _), _)) = rows.first() {
        let note = if replications < 2 {
            " (one replication: bands are degenerate)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "{year}, mean [5%–95% band] over {replications} replications{note}:"
        );
    }
    for ((_, mi, key), b) in &rows {
        let info = &METRICS[*mi];
        let label = match key {
            Breakdown::All => info.name.to_string(),
            _ => format!("{} {}", info.name, key.label(model)),
        };
        let _ = writeln!(
            s,
            "  {label:<34} {:>12} [{} – {}] {}",
            fmt_value(info.unit, b.mean),
            fmt_value(info.unit, b.p5),
            fmt_value(info.unit, b.p95),
            unit_label(info.unit)
        );
    }
    if !targets.is_empty() {
        let met = targets.iter().filter(|t| t.met).count();
        let _ = writeln!(
            s,
            "Targets ({met} of {} met on the mean projection):",
            targets.len()
        );
        for r in targets {
            let t = &r.target;
            let unit = catalog::metric(&t.metric).map_or("", |(_, i)| i.unit);
            let op = match t.op {
                TargetOp::AtLeast => "≥",
                TargetOp::AtMost => "≤",
            };
            let tier = if t.tier == "all" {
                String::new()
            } else {
                format!(" {}", t.tier)
            };
            // Changes are shown as changes: relative year-on-year in %, absolute in the unit.
            let (unit, what) = match (t.basis, t.base_year) {
                (TargetBasis::YoyChange, Some(b)) => ("fraction", format!(" change from {b}")),
                (TargetBasis::ChangeSince, Some(b)) => (unit, format!(" change since {b}")),
                _ => (unit, String::new()),
            };
            let projected = match &r.projected {
                Some(b) => format!(
                    "{} [{} – {}]",
                    fmt_value(unit, b.mean),
                    fmt_value(unit, b.p5),
                    fmt_value(unit, b.p95)
                ),
                None => "undefined".to_string(),
            };
            let _ = writeln!(
                s,
                "  {} {}: {}{tier} {}{what} {op} {} → {projected}, met in {:.0}% of replications",
                if r.met { "MET    " } else { "NOT MET" },
                t.name,
                t.metric,
                t.year,
                fmt_value(unit, t.value),
                r.share_meeting * 100.0
            );
        }
    }
    s
}

/// Describes the run that `check` would do.
pub fn plan_description(model: &Model, epochs: usize) -> String {
    let mut s = String::new();
    let r = &model.run;
    let last = r.start_year + r.years as i32 - 1;
    let _ = writeln!(s, "scenario `{}` is valid", model.name);
    let _ = writeln!(
        s,
        "  population   {:.0} residents, simulated {} (scale {})",
        model.population_size, model.n_people_simulated, model.scale
    );
    let _ = writeln!(
        s,
        "  years        {}–{last} ({} days) after {} warm-up years",
        r.start_year, r.horizon_days, r.warmup_years
    );
    let _ = writeln!(s, "  replications {} (seed {})", r.replications, r.seed);
    let _ = writeln!(
        s,
        "  groups       {}",
        model
            .groups
            .iter()
            .map(|g| format!("{} ({})", g.name, g.n_people))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "  conditions   {}",
        model
            .conditions
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let tiers: Vec<String> = Tier::ALL
        .iter()
        .filter_map(|t| {
            model.tiers[*t].as_ref().map(|s| match s.beds {
                Some(b) => format!("{} ({b} beds)", t.name()),
                None => format!("{} (unlimited beds)", t.name()),
            })
        })
        .collect();
    let _ = writeln!(s, "  tiers        {}", tiers.join(", "));
    let _ = writeln!(
        s,
        "  policy epochs {epochs}, targets {}",
        model.targets.len()
    );
    let per_year = model.expected_episodes_per_year();
    let total_years = r.warmup_years as f64 + r.horizon_days / 365.0;
    let _ = writeln!(
        s,
        "  events expected ≈ {:.3e} episodes per replication ({:.3e} in all)",
        per_year * total_years,
        per_year * total_years * r.replications as f64
    );
    let estimate = crate::monte_carlo::resources::Estimate::of(model, r.replications as u64);
    let available = crate::monte_carlo::resources::available_bytes();
    let _ = writeln!(
        s,
        "  memory ≈ {} per replication running, {} for results ({} available)",
        crate::monte_carlo::resources::gib(estimate.per_replication_bytes),
        crate::monte_carlo::resources::gib(estimate.results_bytes),
        available.map_or("?".into(), crate::monte_carlo::resources::gib),
    );
    if model.peak_people_simulated() > model.n_people_simulated as u64 {
        let _ = writeln!(
            s,
            "  people       {} simulated at the start, up to {} as groups grow",
            model.n_people_simulated,
            model.peak_people_simulated()
        );
    }
    s
}
