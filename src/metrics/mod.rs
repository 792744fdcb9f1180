//! From raw tallies to reported metrics: scaling, derived ratios, bands over replications,
//! and target judgements.
//!
//! **Invariant:** metrics never run the engine or write files; they turn
//! [`crate::engine::ReplicationResult`]s into numbers.

pub mod bands;
pub mod targets;

use crate::catalog::METRICS;
use crate::engine::ReplicationResult;
use crate::engine::tally::{SliceTally, TierTally, YearTally};
use crate::model::Model;
use crate::tier::{N_TIERS, Tier};

/// Which slice of the region a metric row is about: the whole region, or one tier, group,
/// condition or signing status (the outputs' `tier`, `group`, `condition` and `signing`
/// columns; at most one of them is not `all`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Breakdown {
    /// The whole region.
    All,
    /// One tier.
    Tier(Tier),
    /// One population group (index into the model's groups).
    Group(u8),
    /// One condition (index into the model's conditions).
    Condition(u8),
    /// Signed (true) or unsigned (false) residents, at the time of care.
    Signing(bool),
}

/// The names of the breakdown columns, in output order.
pub const BREAKDOWN_COLUMNS: [&str; 4] = ["tier", "group", "condition", "signing"];

impl Breakdown {
    /// The one label that names the breakdown ("all", a tier, group or condition name,
    /// "signed" or "unsigned"); names are unique across kinds, so it reads back.
    pub fn label(self, model: &Model) -> String {
        match self {
            Breakdown::All => "all".to_string(),
            Breakdown::Tier(t) => t.name().to_string(),
            Breakdown::Group(g) => model.groups[g as usize].name.clone(),
            Breakdown::Condition(c) => model.conditions[c as usize].name.clone(),
            Breakdown::Signing(s) => if s { "signed" } else { "unsigned" }.to_string(),
        }
    }

    /// The values of the `tier,group,condition,signing` columns.
    pub fn columns(self, model: &Model) -> [String; 4] {
        let mut cols = ["all", "all", "all", "all"].map(String::from);
        let at = match self {
            Breakdown::All => return cols,
            Breakdown::Tier(_) => 0,
            Breakdown::Group(_) => 1,
            Breakdown::Condition(_) => 2,
            Breakdown::Signing(_) => 3,
        };
        cols[at] = self.label(model);
        cols
    }

    /// Parses a label written by [`Breakdown::label`].
    pub fn parse(label: &str, model: &Model) -> Option<Breakdown> {
        match label {
            "all" => return Some(Breakdown::All),
            "signed" => return Some(Breakdown::Signing(true)),
            "unsigned" => return Some(Breakdown::Signing(false)),
            _ => {}
        }
        if let Some(t) = Tier::from_name(label) {
            return Some(Breakdown::Tier(t));
        }
        if let Some(g) = model.groups.iter().position(|g| g.name == label) {
            return Some(Breakdown::Group(g as u8));
        }
        model
            .conditions
            .iter()
            .position(|c| c.name == label)
            .map(|c| Breakdown::Condition(c as u8))
    }

    /// Whether a metric with `breakdowns` is reported for this breakdown.
    pub fn is_reported_by(self, breakdowns: crate::catalog::Breakdowns) -> bool {
        match self {
            Breakdown::All => true,
            Breakdown::Tier(_) => breakdowns.tiers,
            Breakdown::Group(_) => breakdowns.groups,
            Breakdown::Condition(_) => breakdowns.conditions,
            Breakdown::Signing(_) => breakdowns.signing,
        }
    }
}

/// The single breakdown label of a row's `tier,group,condition,signing` columns: the one that
/// is not `all`, or `all` (None when more than one is set).
pub fn label_of_columns(columns: [&str; 4]) -> Option<&str> {
    let mut set = columns.into_iter().filter(|c| *c != "all");
    match (set.next(), set.next()) {
        (None, _) => Some("all"),
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// One metric value of one replication in one year (or month).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricValue {
    /// Calendar year.
    pub year: i32,
    /// Month 1–12 for monthly values, 0 for yearly ones.
    pub month: u8,
    /// Index into [`METRICS`].
    pub metric: usize,
    /// Breakdown.
    pub breakdown: Breakdown,
    /// Value at full scale.
    pub value: f64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Every defined yearly metric value of one replication, in catalogue order (undefined ratios
/// are left out).
pub fn metric_values(model: &Model, result: &ReplicationResult) -> Vec<MetricValue> {
    let mut out = Vec::new();
    for y in &result.years {
        year_values(model, y, &mut out);
    }
    out
}

/// Every defined monthly metric value of one replication (empty unless months were recorded).
/// Flows are per month ("visits" is visits in that month).
pub fn monthly_metric_values(model: &Model, result: &ReplicationResult) -> Vec<MetricValue> {
    let mut out = Vec::new();
    for m in &result.months {
        year_values(model, m, &mut out);
    }
    out
}

/// How a per-tier metric is computed from a tier's tally, and aggregated over tiers.
#[derive(Clone, Copy)]
enum TierDefinition {
    /// A count or sum: the aggregate is the sum over tiers.
    Sum(fn(&TierTally) -> f64),
    /// A ratio: the aggregate divides the summed numerators by the summed denominators.
    Ratio(fn(&TierTally) -> f64, fn(&TierTally) -> f64),
}

impl TierDefinition {
    fn of(name: &str) -> Option<Self> {
        use TierDefinition::{Ratio, Sum};
        Some(match name {
            "visits" => Sum(|x| x.visits as f64),
            "admissions" => Sum(|x| x.admissions as f64),
            "discharges" => Sum(|x| x.discharges as f64),
            "in_bed_at_year_end" => Sum(|x| x.in_bed_at_end as f64),
            "waiting_at_year_end" => Sum(|x| x.waiting_at_end as f64),
            "bed_occupancy" => Ratio(|x| x.busy_bed_days, |x| x.available_bed_days),
            "bed_wait_days" => Ratio(|x| x.wait_days, |x| x.admissions as f64),
            "los_days" => Ratio(|x| x.stay_days, |x| x.discharges as f64),
            "referrals_up" => Sum(|x| x.referrals_up as f64),
            "referrals_down" => Sum(|x| x.referrals_down as f64),
            "diversions" => Sum(|x| x.diversions as f64),
            "admissions_unplaced" => Sum(|x| x.admissions_unplaced as f64),
            "admissions_declined" => Sum(|x| x.admissions_declined as f64),
            "declined_share" => Ratio(
                |x| x.admissions_declined as f64,
                |x| (x.admissions_declined + x.admissions) as f64,
            ),
            "total_cost" => Sum(|x| x.outpatient_cost_yuan + x.inpatient_cost_yuan),
            "fund_spend" => Sum(|x| x.fund_yuan),
            "oop_spend" => Sum(|x| x.oop_yuan),
            "cost_per_visit" => Ratio(|x| x.outpatient_cost_yuan, |x| x.visits as f64),
            "cost_per_admission" => Ratio(|x| x.inpatient_cost_yuan, |x| x.admissions as f64),
            _ => return None,
        })
    }

    fn at(self, t: &TierTally) -> f64 {
        match self {
            TierDefinition::Sum(f) => f(t),
            TierDefinition::Ratio(n, d) => ratio(n(t), d(t)),
        }
    }

    fn over(self, tallies: &[TierTally; N_TIERS], tiers: &[Tier]) -> f64 {
        let total =
            |f: fn(&TierTally) -> f64| tiers.iter().map(|x| f(&tallies[x.index()])).sum::<f64>();
        match self {
            TierDefinition::Sum(f) => total(f),
            TierDefinition::Ratio(n, d) => ratio(total(n), total(d)),
        }
    }
}

fn year_values(model: &Model, y: &YearTally, out: &mut Vec<MetricValue>) {
    let up = 1.0 / model.scale;
    let tiers: Vec<Tier> = model.present_tiers().collect();
    let t = &y.tiers;
    let count = |f: fn(&TierTally) -> u64, keep: &dyn Fn(Tier) -> bool| {
        tiers
            .iter()
            .filter(|x| keep(**x))
            .map(|x| f(&t[x.index()]) as f64)
            .sum::<f64>()
    };
    let all_visits = count(|x| x.visits, &|_| true);
    let all_admissions = count(|x| x.admissions, &|_| true);
    let people: f64 = y.people_by_group.iter().sum::<u64>() as f64;
    let mut whole = SliceTally::default();
    for s in &y.by_signing {
        whole.bypass_eligible += s.bypass_eligible;
        whole.bypassed += s.bypassed;
    }
    let slices = y
        .by_group
        .iter()
        .enumerate()
        .map(|(g, s)| (Breakdown::Group(g as u8), s))
        .chain(
            y.by_condition
                .iter()
                .enumerate()
                .map(|(c, s)| (Breakdown::Condition(c as u8), s)),
        )
        .chain(
            y.by_signing
                .iter()
                .enumerate()
                .map(|(k, s)| (Breakdown::Signing(k == 1), s)),
        );
    let slices: Vec<(Breakdown, &SliceTally)> = slices.collect();
    for (mi, info) in METRICS.iter().enumerate() {
        let scale = if info.scales_with_population { up } else { 1.0 };
        let mut push = |breakdown: Breakdown, value: f64| {
            if value.is_finite() {
                out.push(MetricValue {
                    year: y.year,
                    month: y.month,
                    metric: mi,
                    breakdown,
                    value: value * scale,
                });
            }
        };
        let b = info.breakdowns;
        if b.tiers {
            let def =
                TierDefinition::of(info.name).expect("every per-tier metric has a definition");
            // Occupancy is only defined where beds are finite.
            let reported: Vec<Tier> = if info.name == "bed_occupancy" {
                tiers
                    .iter()
                    .copied()
                    .filter(|x| t[x.index()].available_bed_days > 0.0)
                    .collect()
            } else {
                tiers.clone()
            };
            if !reported.is_empty() {
                push(Breakdown::All, def.over(t, &reported));
            }
            for x in &reported {
                push(Breakdown::Tier(*x), def.at(&t[x.index()]));
            }
        } else if info.name == "signing_coverage" || info.name == "signed_residents" {
            let signed: u64 = y.signed_by_group.iter().sum();
            let count = info.name == "signed_residents";
            let of = |s: u64, n: f64| if count { s as f64 } else { ratio(s as f64, n) };
            push(Breakdown::All, of(signed, people));
            for (g, (&s, &n)) in y.signed_by_group.iter().zip(&y.people_by_group).enumerate() {
                push(Breakdown::Group(g as u8), of(s, n as f64));
            }
        } else {
            let v = match info.name {
                "grassroots_outpatient_share" => {
                    ratio(count(|x| x.visits, &Tier::is_grassroots), all_visits)
                }
                "grassroots_inpatient_share" => ratio(
                    count(|x| x.admissions, &Tier::is_grassroots),
                    all_admissions,
                ),
                "in_region_rate" => {
                    let inside = |t: Tier| model.tiers[t].as_ref().is_some_and(|s| s.in_region);
                    ratio(count(|x| x.visits, &inside), all_visits)
                }
                "episodes" => y.episodes() as f64,
                "self_care" => y.self_care() as f64,
                "first_contacts" => (y.episodes() - y.self_care()) as f64,
                "self_care_share" => ratio(y.self_care() as f64, y.episodes() as f64),
                "bypass_share" => slice_value(info.name, &whole),
                "oop_per_capita" => ratio(t.iter().map(|x| x.oop_yuan).sum(), people),
                "programme_cost" => y.programme_cost_yuan,
                other => unreachable!("metric {other} has no region-wide definition"),
            };
            push(Breakdown::All, v);
        }
        let by_signing_programme =
            info.name == "signing_coverage" || info.name == "signed_residents";
        if !by_signing_programme {
            for (key, s) in &slices {
                if key.is_reported_by(b) {
                    push(*key, slice_value(info.name, s));
                }
            }
        }
    }
}

/// A slice metric's value from a slice's tally.
fn slice_value(name: &str, s: &SliceTally) -> f64 {
    let grassroots = |a: &[u64; N_TIERS]| {
        Tier::ALL
            .iter()
            .filter(|t| t.is_grassroots())
            .map(|t| a[t.index()])
            .sum::<u64>() as f64
    };
    let total = |a: &[u64; N_TIERS]| a.iter().sum::<u64>() as f64;
    match name {
        "grassroots_outpatient_share" => ratio(grassroots(&s.visits), total(&s.visits)),
        "grassroots_inpatient_share" => ratio(grassroots(&s.admissions), total(&s.admissions)),
        "episodes" => s.episodes as f64,
        "self_care" => s.self_care as f64,
        "first_contacts" => (s.episodes - s.self_care) as f64,
        "self_care_share" => ratio(s.self_care as f64, s.episodes as f64),
        "visits" => total(&s.visits),
        "admissions" => total(&s.admissions),
        "total_cost" => s.cost_yuan,
        "fund_spend" => s.fund_yuan,
        "oop_spend" => s.oop_yuan,
        "bypass_share" => ratio(s.bypassed as f64, s.bypass_eligible as f64),
        other => unreachable!("metric {other} has no slice definition"),
    }
}
