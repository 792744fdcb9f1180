//! The catalogue of units: every metric tierflow reports (its unit, and how it aggregates) and
//! every scenario key's unit.

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

/// The unit of every scenario key, by key name: the one list that `tierflow params`, the
/// calibration tables and docs/scenario.md's unit columns agree with (a tidy test checks the
/// docs). A value inside a per-tier, per-group or per-care table takes its table's unit
/// (`conditions.x.los_days.county` is in days). Keys not listed (names, sources, labels,
/// targets) have no unit.
pub const PARAMETER_UNITS: &[(&str, &str)] = &[
    ("start_year", "calendar year"),
    ("years", "years"),
    ("horizon_days", "days"),
    ("warmup_years", "years"),
    ("replications", "count"),
    ("monthly_outputs", "true/false"),
    ("seed", "integer"),
    ("size", "people"),
    ("scale", "fraction"),
    ("share", "fraction"),
    ("area", r#""urban" / "rural""#),
    ("scheme", "name"),
    ("growth_per_year", "fraction/year"),
    ("signing_tier", "tier"),
    ("signing_coverage", "fraction"),
    ("signing_targets", "list"),
    ("date", "date"),
    ("coverage", "fraction"),
    ("incidence_per_year", "episodes/person/year"),
    ("incidence_per_year_by_group", "episodes/person/year"),
    ("lowest_tier", "tier"),
    ("emergency", "true/false"),
    ("chronic", "true/false"),
    ("admission_probability", "fraction"),
    ("los_days", "days"),
    ("los_cv", "ratio"),
    ("outpatient_cost_yuan", "yuan"),
    ("inpatient_cost_yuan", "yuan"),
    ("cost_cv", "ratio"),
    ("quality_shift", "utility"),
    ("self_care_shift", "utility"),
    ("quality", "utility"),
    ("beds_per_1000", "beds/1000 people"),
    ("travel_minutes_urban", "minutes"),
    ("travel_minutes_rural", "minutes"),
    ("in_region", "true/false"),
    ("target_occupancy", "fraction"),
    ("quality_change", "utility"),
    ("quality_per_log_beds", "utility"),
    ("quality_reference_beds_per_1000", "beds/1000 people"),
    ("quality_growth_per_year", "utility/year"),
    ("rate", "fraction"),
    ("deductible_yuan", "yuan"),
    ("cap_yuan", "yuan"),
    ("unreferred_rate_cut", "fraction"),
    ("upward_referral_deductible", r#""full" / "difference""#),
    ("downward_referral_deductible_waived", "true/false"),
    ("condition", "name"),
    ("care", r#""outpatient" / "inpatient""#),
    ("rate_elsewhere", "fraction"),
    ("gatekeeping", "true/false"),
    ("gatekeeping_rate_cut", "fraction"),
    ("gatekeeping_care", r#""both" / "inpatient" / "outpatient""#),
    ("referred_bed_priority", "true/false"),
    ("when_beds_full", r#""wait" / "divert""#),
    ("down_referral_probability", "fraction"),
    ("down_referral_at_stay_fraction", "fraction"),
    ("rehab_cost_per_day_yuan", "yuan/day"),
    ("chronic_down_referral_probability", "fraction"),
    (
        "first_contact_rule",
        r#""none" / "refuse" / "no_reimbursement""#,
    ),
    ("first_contact_gate", "tier"),
    ("first_contact_compliance", "fraction"),
    ("up_referral_probability", "fraction"),
    ("fee_yuan_per_signed_per_year", "yuan/person/year"),
    ("signed_bed_priority", "true/false"),
    ("chronic_visit_multiplier", "fraction"),
    ("cost_per_yuan", "utility/yuan"),
    ("inpatient_cost_per_yuan", "utility/yuan"),
    ("village_cost_per_yuan", "utility/yuan"),
    ("travel_per_hour", "utility/hour"),
    ("signed_doctor", "utility"),
    ("habit", "utility"),
    ("bad_experience", "utility"),
    ("bad_wait_days", "days"),
    ("below_capability", "utility"),
    ("wait_per_day", "utility/day"),
    ("self_care_enabled", "true/false"),
    ("self_care_utility", "utility"),
    ("admission_decline_enabled", "true/false"),
    ("admission_acceptance_utility", "utility"),
    ("admission_adjustment_per_year", "fraction/year"),
    ("outpatient_index", "ratio"),
    ("inpatient_index", "ratio"),
    ("income_growth_per_year", "fraction/year"),
];

/// The unit of the scenario value at `path` (its key's, else its table's), or "-".
pub fn parameter_unit(path: &str) -> &'static str {
    let mut segments = path.rsplit('.');
    let key = segments.next().unwrap_or(path);
    let parent = segments.next().unwrap_or("");
    let unit_of = |k: &str| {
        PARAMETER_UNITS
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, u)| *u)
    };
    unit_of(key).or_else(|| unit_of(parent)).unwrap_or("-")
}
