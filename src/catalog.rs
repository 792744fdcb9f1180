//! The metric catalogue: every metric tierflow reports, its unit, and how it aggregates.

/// Which breakdowns a metric is reported for besides `all` (one at a time, no cross product).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Breakdowns {
    /// Each tier (the `tier` column).
    pub tiers: bool,
    /// Each population group (the `group` column).
    pub groups: bool,
    /// Each condition (the `condition` column).
    pub conditions: bool,
    /// Signed and unsigned residents (the `signing` column).
    pub signing: bool,
}

impl Breakdowns {
    /// In words, for messages: "all", a tier, …
    pub fn describe(self) -> String {
        let mut parts = vec!["\"all\"".to_string()];
        if self.tiers {
            parts.push("a tier defined in [tiers]".into());
        }
        if self.groups {
            parts.push("a group defined in [groups]".into());
        }
        if self.conditions {
            parts.push("a condition defined in [conditions]".into());
        }
        if self.signing {
            parts.push("\"signed\" or \"unsigned\"".into());
        }
        match parts.len() {
            1 => parts.remove(0),
            n => format!("{} or {}", parts[..n - 1].join(", "), parts[n - 1]),
        }
    }
}

const fn bd(tiers: bool, groups: bool, conditions: bool, signing: bool) -> Breakdowns {
    Breakdowns {
        tiers,
        groups,
        conditions,
        signing,
    }
}

/// Only `all`.
const ALL_ONLY: Breakdowns = bd(false, false, false, false);
/// `all` and each tier.
const TIERS: Breakdowns = bd(true, false, false, false);
/// `all` and each group.
const GROUPS: Breakdowns = bd(false, true, false, false);
/// `all`, each group, each condition, signed and unsigned.
const SLICES: Breakdowns = bd(false, true, true, true);
/// `all`, each tier, and the slices.
const TIERS_AND_SLICES: Breakdowns = bd(true, true, true, true);

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

/// Every metric, in output order.
pub const METRICS: &[MetricInfo] = &[
    m(
        "grassroots_outpatient_share",
        "fraction",
        false,
        SLICES,
        "visits at village and township tiers ÷ all visits",
    ),
    m(
        "grassroots_inpatient_share",
        "fraction",
        false,
        SLICES,
        "admissions at village and township tiers ÷ all admissions",
    ),
    m(
        "in_region_rate",
        "fraction",
        false,
        ALL_ONLY,
        "visits inside the region ÷ all visits",
    ),
    m(
        "episodes",
        "episodes/year",
        true,
        SLICES,
        "illness episodes that reached a care decision",
    ),
    m(
        "self_care",
        "episodes/year",
        true,
        SLICES,
        "episodes treated at home (no visit)",
    ),
    m(
        "self_care_share",
        "fraction",
        false,
        SLICES,
        "episodes treated at home ÷ episodes",
    ),
    m(
        "first_contacts",
        "episodes/year",
        true,
        SLICES,
        "episodes that reached formal care (episodes − self_care): the quantity of the published first-visit price elasticity",
    ),
    m(
        "visits",
        "visits/year",
        true,
        TIERS_AND_SLICES,
        "outpatient and emergency visits, referred visits included",
    ),
    m(
        "admissions",
        "admissions/year",
        true,
        TIERS_AND_SLICES,
        "stays begun (a down-referral starts a new stay at township)",
    ),
    m(
        "discharges",
        "discharges/year",
        true,
        TIERS,
        "stays ended, transfers down included",
    ),
    m(
        "in_bed_at_year_end",
        "patients",
        true,
        TIERS,
        "patients occupying a bed at the end of the year",
    ),
    m(
        "waiting_at_year_end",
        "patients",
        true,
        TIERS,
        "patients waiting for a bed at the end of the year",
    ),
    m(
        "bed_occupancy",
        "fraction",
        false,
        TIERS,
        "occupied bed-days ÷ available bed-days (tiers with finite beds)",
    ),
    m(
        "bed_wait_days",
        "days",
        false,
        TIERS,
        "mean wait for a bed per admission begun in the year",
    ),
    m(
        "los_days",
        "days",
        false,
        TIERS,
        "mean length of stay of discharges in the year",
    ),
    m(
        "referrals_up",
        "referrals/year",
        true,
        TIERS,
        "upward referrals, by the referring tier",
    ),
    m(
        "referrals_down",
        "referrals/year",
        true,
        TIERS,
        "downward referrals, by the referring tier",
    ),
    m(
        "diversions",
        "admissions/year",
        true,
        TIERS,
        "admissions turned away by a full tier (divert mode), by the full tier",
    ),
    m(
        "admissions_unplaced",
        "admissions/year",
        true,
        TIERS,
        "admissions that found no bed at any higher tier (divert mode, or no tier above has beds)",
    ),
    m(
        "signing_coverage",
        "fraction",
        false,
        GROUPS,
        "residents signed with a family doctor ÷ residents, at year end",
    ),
    m(
        "signed_residents",
        "people",
        true,
        GROUPS,
        "residents signed with a family doctor at year end",
    ),
    m(
        "total_cost",
        "yuan/year",
        true,
        TIERS_AND_SLICES,
        "outpatient plus inpatient cost of care",
    ),
    m(
        "fund_spend",
        "yuan/year",
        true,
        TIERS_AND_SLICES,
        "insurance fund share of total_cost",
    ),
    m(
        "oop_spend",
        "yuan/year",
        true,
        TIERS_AND_SLICES,
        "out-of-pocket share of total_cost",
    ),
    m(
        "oop_per_capita",
        "yuan/person/year",
        false,
        ALL_ONLY,
        "oop_spend ÷ residents",
    ),
    m(
        "cost_per_visit",
        "yuan",
        false,
        TIERS,
        "outpatient cost ÷ visits",
    ),
    m(
        "cost_per_admission",
        "yuan",
        false,
        TIERS,
        "inpatient cost ÷ admissions",
    ),
    m(
        "bypass_share",
        "fraction",
        false,
        SLICES,
        "first contacts at county level or above ÷ first contacts, for conditions a grassroots tier can treat (emergencies excluded)",
    ),
    m(
        "admissions_declined",
        "admissions/year",
        true,
        TIERS,
        "admissions a patient declined over their out-of-pocket cost, by the tier offering them",
    ),
    m(
        "declined_share",
        "fraction",
        false,
        TIERS,
        "admissions declined ÷ admissions offered (declined + begun), by the tier offering them",
    ),
    m(
        "programme_cost",
        "yuan/year",
        true,
        ALL_ONLY,
        "family-doctor signing fees",
    ),
];

/// Looks a metric up by name.
pub fn metric(name: &str) -> Option<(usize, &'static MetricInfo)> {
    METRICS.iter().enumerate().find(|(_, m)| m.name == name)
}
