//! The validated model: typed parameters whose invariants hold, one per policy epoch.
//!
//! [`Model::from_raw`] checks every range and reference once; nothing downstream re-checks.
//! A [`Plan`] is the sequence of models a run goes through: the scenario's base parameters and
//! one model per distinct timeline date, each a full copy with the changes applied.

mod build;
mod build_demand;
mod build_rules;
mod checks;
mod plan;
mod referral;
mod targets;
mod trends;

pub use checks::date_to_day;
pub use plan::{Epoch, Plan};
pub use trends::Trends;

use crate::domain::{
    Area, Care, FirstContactRule, GatekeepingCare, PerCare, TargetBasis, TargetOp,
    UpwardDeductible, WhenBedsFull,
};
use crate::tier::{PerTier, Tier};

/// Days in a simulated year (calendar dates map onto 365-day years; 29 February folds into 28).
pub const DAYS_PER_YEAR: f64 = 365.0;

/// One validated parameter set.
#[derive(Clone, Debug)]
pub struct Model {
    /// Scenario name.
    pub name: String,
    /// Run settings.
    pub run: RunSettings,
    /// Residents at full scale.
    pub population_size: f64,
    /// Fraction simulated.
    pub scale: f64,
    /// People simulated (population_size × scale, rounded, at least 1).
    pub n_people_simulated: u32,
    /// Population groups, in key order.
    pub groups: Vec<Group>,
    /// Conditions, in key order.
    pub conditions: Vec<Condition>,
    /// Tiers present in the region.
    pub tiers: PerTier<Option<TierSupply>>,
    /// Insurance schemes, in key order.
    pub schemes: Vec<Scheme>,
    /// Referral and capacity rules.
    pub referral: Referral,
    /// Signing programme.
    pub signing: Signing,
    /// Choice-model coefficients.
    pub behaviour: Behaviour,
    /// Yearly growth of prices, incomes and tier qualities.
    pub trends: Trends,
    /// Targets to judge.
    pub targets: Vec<Target>,
}

/// Run length and Monte Carlo settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    /// First reported year.
    pub start_year: i32,
    /// Reported years (the last may be partial when horizon_days is short).
    pub years: u32,
    /// Reported horizon, days from 1 January of start_year.
    pub horizon_days: f64,
    /// Warm-up years simulated before day 0 and discarded.
    pub warmup_years: u32,
    /// Replications.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Report metrics per month too.
    pub monthly_outputs: bool,
}

/// A population group with its simulated size.
#[derive(Clone, Debug)]
pub struct Group {
    /// Key.
    pub name: String,
    /// Share of the population.
    pub share: f64,
    /// Urban or rural.
    pub area: Area,
    /// Index into [`Model::schemes`].
    pub scheme: usize,
    /// Tier of the group's family doctors.
    pub signing_tier: Tier,
    /// Coverage path: (day, coverage) points, linear in between, flat after the last.
    pub signing_path: Vec<(f64, f64)>,
    /// People simulated in this group at the start.
    pub n_people: u32,
    /// Yearly growth of the group's size from the start year on.
    pub growth_per_year: f64,
}

impl Group {
    /// People simulated in this group in reported year `k` (0 = start_year; warm-up years are
    /// at the start size).
    pub fn n_people_in_year(&self, k: i64) -> u32 {
        self.size_in_year(k) as u32
    }

    /// The group's size in reported year `k`, unbounded (validation compares it with the
    /// limit before anything is sized from it).
    pub fn size_in_year(&self, k: i64) -> f64 {
        let k = k.clamp(0, i32::MAX as i64) as i32;
        (self.n_people as f64 * (1.0 + self.growth_per_year).powi(k)).round()
    }

    /// The most people the group has in any year of a run of `years` years, unbounded.
    pub fn peak_size(&self, years: u32) -> f64 {
        (0..years as i64)
            .map(|k| self.size_in_year(k))
            .fold(self.n_people as f64, f64::max)
    }

    /// The most people the group has in any year of a run of `years` years.
    pub fn max_people(&self, years: u32) -> u32 {
        self.peak_size(years) as u32
    }

    /// Signing coverage the programme aims at on `day`.
    pub fn signing_coverage_at(&self, day: f64) -> f64 {
        let p = &self.signing_path;
        if day <= p[0].0 {
            return p[0].1;
        }
        for w in p.windows(2) {
            let ((d0, c0), (d1, c1)) = (w[0], w[1]);
            if day <= d1 {
                return if d1 > d0 {
                    c0 + (c1 - c0) * (day - d0) / (d1 - d0)
                } else {
                    c1
                };
            }
        }
        p[p.len() - 1].1
    }
}

/// A condition with per-tier clinical and cost parameters.
#[derive(Clone, Debug)]
pub struct Condition {
    /// Key.
    pub name: String,
    /// Incidence per group (index = group), episodes per person-year.
    pub incidence_per_year: Vec<f64>,
    /// Lowest capable tier.
    pub lowest_tier: Tier,
    /// Goes to the nearest capable tier without a choice.
    pub emergency: bool,
    /// Chronic follow-up.
    pub chronic: bool,
    /// Admission probability by tier.
    pub admission_probability: PerTier<f64>,
    /// Mean stay by tier, days.
    pub los_days: PerTier<f64>,
    /// Coefficient of variation of stays.
    pub los_cv: f64,
    /// Mean outpatient cost by tier, yuan.
    pub outpatient_cost_yuan: PerTier<f64>,
    /// Mean inpatient cost by tier, yuan.
    pub inpatient_cost_yuan: PerTier<f64>,
    /// Coefficient of variation of costs.
    pub cost_cv: f64,
    /// Quality shift by tier, utility.
    pub quality_shift: PerTier<f64>,
    /// Shift of the self-treatment utility, utility.
    pub self_care_shift: f64,
}

/// A tier's supply side.
#[derive(Clone, Debug, PartialEq)]
pub struct TierSupply {
    /// Perceived quality, utility.
    pub quality: f64,
    /// Beds per 1,000 residents (inf = unlimited).
    pub beds_per_1000: f64,
    /// Beds in the simulated sample; None = unlimited.
    pub beds: Option<u32>,
    /// Travel minutes for urban and rural residents.
    pub travel_minutes: [f64; 2],
    /// Counts as inside the region for the in-region rate.
    pub in_region: bool,
    /// Occupancy the tier fills its beds towards, if admissions follow beds.
    pub target_occupancy: Option<f64>,
}

/// Benefits for one care type at one tier.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Benefit {
    /// Deductible, yuan (annual outpatient, per admission inpatient).
    pub deductible_yuan: f64,
    /// Annual cap on fund payments, yuan (inf = none).
    pub cap_yuan: f64,
    /// Rate points lost when unreferred.
    pub unreferred_rate_cut: f64,
}

/// An insurance scheme.
#[derive(Clone, Debug)]
pub struct Scheme {
    /// Key.
    pub name: String,
    /// Benefits (deductibles, caps, penalties) by care type and tier.
    pub benefits: PerCare<PerTier<Benefit>>,
    /// Reimbursement rate above the deductible by condition, care type and tier: the scheme's
    /// rate, or a condition list's.
    pub rate_by_condition: Vec<PerCare<PerTier<f64>>>,
    /// Inpatient deductible after an upward referral.
    pub upward_referral_deductible: UpwardDeductible,
    /// No inpatient deductible after a downward referral.
    pub downward_referral_deductible_waived: bool,
}

impl Default for Benefit {
    /// No cover: no deductible, no cap (the rate, 0 by default, is kept by condition).
    fn default() -> Self {
        Benefit {
            deductible_yuan: 0.0,
            cap_yuan: f64::INFINITY,
            unreferred_rate_cut: 0.0,
        }
    }
}

impl Scheme {
    /// Benefit for a care type at a tier.
    pub fn benefit(&self, care: Care, tier: Tier) -> &Benefit {
        &self.benefits[care][tier]
    }
}

/// Referral and capacity rules.
#[derive(Clone, Debug)]
pub struct Referral {
    /// Gatekeeping on.
    pub gatekeeping: bool,
    /// Rate points lost by unreferred care above grassroots under gatekeeping.
    pub gatekeeping_rate_cut: f64,
    /// Which care gatekeeping covers.
    pub gatekeeping_care: GatekeepingCare,
    /// Referred patients first in the bed queue.
    pub referred_bed_priority: bool,
    /// Wait or divert when full.
    pub when_beds_full: WhenBedsFull,
    /// Down-referral probability of inpatients by tier.
    pub down_referral_probability: PerTier<f64>,
    /// Fraction of the stay after which the down-referral happens.
    pub down_referral_at_stay_fraction: f64,
    /// Cost per recovery day at township, yuan.
    pub rehab_cost_per_day_yuan: f64,
    /// Probability a chronic follow-up at county or above refers the patient down.
    pub chronic_down_referral_probability: f64,
    /// What a first-contact rule does to unreferred care above the gate.
    pub first_contact_rule: FirstContactRule,
    /// The highest tier a patient bound by the rule may visit unreferred.
    pub first_contact_gate: Tier,
    /// Share of non-emergency episodes the rule binds.
    pub first_contact_compliance: f64,
    /// Probability that a patient treated at a tier is referred one tier up.
    pub up_referral_probability: PerTier<f64>,
}

impl Referral {
    /// Whether a first-contact rule exists and binds some episodes.
    pub fn has_first_contact_rule(&self) -> bool {
        self.first_contact_rule != FirstContactRule::None && self.first_contact_compliance > 0.0
    }

    /// The gatekeeping rate cut that applies to `care`, if gatekeeping covers it.
    pub fn gatekeeping_cut(&self, care: Care) -> Option<f64> {
        (self.gatekeeping && self.gatekeeping_care.covers(care))
            .then_some(self.gatekeeping_rate_cut)
    }
}

/// Signing programme.
#[derive(Clone, Debug)]
pub struct Signing {
    /// Fee per signed resident per year, yuan.
    pub fee_yuan_per_signed_per_year: f64,
    /// Signed residents first in the bed queue.
    pub signed_bed_priority: bool,
    /// Multiplier on chronic follow-up incidence for signed residents.
    pub chronic_visit_multiplier: f64,
}

/// Choice-model coefficients.
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Utility per yuan out of pocket for visits.
    pub cost_per_yuan: f64,
    /// Utility per yuan of expected out-of-pocket cost of admissions.
    pub inpatient_cost_per_yuan: f64,
    /// Utility per hour of travel.
    pub travel_per_hour: f64,
    /// Utility of the signed doctor's tier.
    pub signed_doctor: f64,
    /// Utility of the last tier used, when it went well.
    pub habit: f64,
    /// Utility of the last tier used, when it went badly.
    pub bad_experience: f64,
    /// Wait that makes an admission a bad experience, days.
    pub bad_wait_days: f64,
    /// Utility of a tier below the condition's lowest capable tier.
    pub below_capability: f64,
    /// Utility per day of expected bed wait.
    pub wait_per_day: f64,
    /// Self-treatment utility, if that option exists.
    pub self_care_utility: Option<f64>,
    /// Extra utility per yuan out of pocket at village clinics.
    pub village_cost_per_yuan: f64,
    /// Utility of accepting an admission before its price, if patients may decline.
    pub admission_acceptance_utility: Option<f64>,
    /// Share of the gap to a tier's target occupancy closed each year by admitting more or less.
    pub admission_adjustment_per_year: f64,
}

/// A target to judge after a run.
#[derive(Clone, Debug)]
pub struct Target {
    /// Label.
    pub name: String,
    /// Metric name.
    pub metric: String,
    /// Breakdown key: "all", a tier or a group.
    pub tier: String,
    /// Year.
    pub year: i32,
    /// Comparison.
    pub op: TargetOp,
    /// Value.
    pub value: f64,
    /// What is compared.
    pub basis: TargetBasis,
    /// The earlier year the comparison needs (year − 1 or `since`), if any.
    pub base_year: Option<i32>,
    /// Source clause.
    pub source: String,
}

impl Behaviour {
    /// Utility of accepting an admission whose out-of-pocket cost is `oop_yuan`, against 0 for
    /// declining, if patients may decline: the same weight per yuan as in the choice of tier.
    pub fn acceptance_utility(&self, oop_yuan: f64) -> Option<f64> {
        self.admission_acceptance_utility
            .map(|a| a + self.inpatient_cost_per_yuan * oop_yuan)
    }
}

impl Target {
    /// Whether `x` meets the target.
    pub fn is_met_by(&self, x: f64) -> bool {
        match self.op {
            TargetOp::AtLeast => x >= self.value,
            TargetOp::AtMost => x <= self.value,
        }
    }
}

impl Model {
    /// The most people simulated in any year of the run (growth compounds), which sizes each
    /// replication's person array.
    pub fn peak_people_simulated(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| g.max_people(self.run.years) as u64)
            .sum()
    }

    /// The tiers present, lowest first.
    pub fn present_tiers(&self) -> impl Iterator<Item = Tier> + '_ {
        Tier::ALL.into_iter().filter(|t| self.tiers[*t].is_some())
    }

    /// Total episodes expected per simulated year (for `check` and progress).
    pub fn expected_episodes_per_year(&self) -> f64 {
        self.conditions
            .iter()
            .map(|c| {
                self.groups
                    .iter()
                    .enumerate()
                    .map(|(g, grp)| grp.n_people as f64 * c.incidence_per_year[g])
                    .sum::<f64>()
            })
            .sum()
    }
}
