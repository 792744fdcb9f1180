//! The metric catalogue: every metric tierflow reports, its unit, and how it aggregates.

/// How a metric is broken down in the `tier` column of the outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breakdowns {
    /// Only `all`.
    AllOnly,
    /// `all` and each tier.
    Tiers,
    /// `all` and each population group.
    Groups,
}

/// Static facts about one metric.
#[derive(Clone, Copy, Debug)]
pub struct MetricInfo {
    /// Name as written in metrics.csv.
    pub name: &'static str,
    /// Unit of the value.
    pub unit: &'static str,
    /// Whether it is multiplied by 1/scale when a sample is simulated.
    pub scales_with_population: bool,
    /// Which breakdowns the `tier` column takes.
    pub breakdowns: Breakdowns,
    /// One-line definition.
    pub definition: &'static str,
}

const fn m(
    name: &'static str,
    unit: &'static str,
    scales_with_population: bool,
    breakdowns: Breakdowns,
    definition: &'static str,
) -> MetricInfo {
    MetricInfo {
        name,
        unit,
        scales_with_population,
        breakdowns,
        definition,
    }
}

use Breakdowns::{AllOnly, Groups, Tiers};

/// Every metric, in output order.
pub const METRICS: &[MetricInfo] = &[
    m(
        "grassroots_outpatient_share",
        "fraction",
        false,
        AllOnly,
        "visits at village and township tiers ÷ all visits",
    ),
    m(
        "grassroots_inpatient_share",
        "fraction",
        false,
        AllOnly,
        "admissions at village and township tiers ÷ all admissions",
    ),
    m(
        "in_region_rate",
        "fraction",
        false,
        AllOnly,
        "visits inside the region ÷ all visits",
    ),
    m(
        "episodes",
        "episodes/year",
        true,
        AllOnly,
        "illness episodes that reached a care decision",
    ),
    m(
        "self_care",
        "episodes/year",
        true,
        AllOnly,
        "episodes treated at home (no visit)",
    ),
    m(
        "visits",
        "visits/year",
        true,
        Tiers,
        "outpatient and emergency visits, referred visits included",
    ),
    m(
        "admissions",
        "admissions/year",
        true,
        Tiers,
        "stays begun (a down-referral starts a new stay at township)",
    ),
    m(
        "discharges",
        "discharges/year",
        true,
        Tiers,
        "stays ended, transfers down included",
    ),
    m(
        "in_bed_at_year_end",
        "patients",
        true,
        Tiers,
        "patients occupying a bed at the end of the year",
    ),
    m(
        "waiting_at_year_end",
        "patients",
        true,
        Tiers,
        "patients waiting for a bed at the end of the year",
    ),
    m(
        "bed_occupancy",
        "fraction",
        false,
        Tiers,
        "occupied bed-days ÷ available bed-days (tiers with finite beds)",
    ),
    m(
        "bed_wait_days",
        "days",
        false,
        Tiers,
        "mean wait for a bed per admission begun in the year",
    ),
    m(
        "los_days",
        "days",
        false,
        Tiers,
        "mean length of stay of discharges in the year",
    ),
    m(
        "referrals_up",
        "referrals/year",
        true,
        Tiers,
        "upward referrals, by the referring tier",
    ),
    m(
        "referrals_down",
        "referrals/year",
        true,
        Tiers,
        "downward referrals, by the referring tier",
    ),
    m(
        "diversions",
        "admissions/year",
        true,
        Tiers,
        "admissions turned away by a full tier (divert mode), by the full tier",
    ),
    m(
        "admissions_unplaced",
        "admissions/year",
        true,
        Tiers,
        "admissions that found no bed at any higher tier (divert mode, or no tier above has beds)",
    ),
    m(
        "signing_coverage",
        "fraction",
        false,
        Groups,
        "residents signed with a family doctor ÷ residents, at year end",
    ),
    m(
        "signed_residents",
        "people",
        true,
        Groups,
        "residents signed with a family doctor at year end",
    ),
    m(
        "total_cost",
        "yuan/year",
        true,
        Tiers,
        "outpatient plus inpatient cost of care",
    ),
    m(
        "fund_spend",
        "yuan/year",
        true,
        Tiers,
        "insurance fund share of total_cost",
    ),
    m(
        "oop_spend",
        "yuan/year",
        true,
        Tiers,
        "out-of-pocket share of total_cost",
    ),
    m(
        "oop_per_capita",
        "yuan/person/year",
        false,
        AllOnly,
        "oop_spend ÷ residents",
    ),
    m(
        "cost_per_visit",
        "yuan",
        false,
        Tiers,
        "outpatient cost ÷ visits",
    ),
    m(
        "cost_per_admission",
        "yuan",
        false,
        Tiers,
        "inpatient cost ÷ admissions",
    ),
    m(
        "programme_cost",
        "yuan/year",
        true,
        AllOnly,
        "family-doctor signing fees",
    ),
];

/// Looks a metric up by name.
pub fn metric(name: &str) -> Option<(usize, &'static MetricInfo)> {
    METRICS.iter().enumerate().find(|(_, m)| m.name == name)
}
