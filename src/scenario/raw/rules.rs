//! The rules part of a scenario file: insurance schemes, referral, signing, behaviour, timeline
//! and targets (shape and defaults only; src/model validates them).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{RawPerTier, one};
use crate::domain::{
    Care, FirstContactRule, GatekeepingCare, TargetBasis, TargetOp, UpwardDeductible, WhenBedsFull,
};
use crate::tier::Tier;

/// Benefits of one scheme for one care type at one tier.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBenefit {
    /// Reimbursement rate above the deductible, 0–1.
    #[serde(default)]
    pub rate: f64,
    /// Deductible (起付线), yuan: annual for outpatient care, per admission for inpatient care.
    #[serde(default)]
    pub deductible_yuan: f64,
    /// Annual cap on fund payments (封顶线), yuan; inf = none.
    #[serde(default = "infinity")]
    pub cap_yuan: f64,
    /// Rate points lost when care here was not referred (e.g. 0.05 for "−5 points").
    #[serde(default)]
    pub unreferred_rate_cut: f64,
}

impl Default for RawBenefit {
    fn default() -> Self {
        RawBenefit {
            rate: 0.0,
            deductible_yuan: 0.0,
            cap_yuan: f64::INFINITY,
            unreferred_rate_cut: 0.0,
        }
    }
}

fn infinity() -> f64 {
    f64::INFINITY
}

/// An insurance scheme.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScheme {
    /// Outpatient benefits by tier.
    #[serde(default)]
    pub outpatient: RawPerTier<RawBenefit>,
    /// Inpatient benefits by tier.
    #[serde(default)]
    pub inpatient: RawPerTier<RawBenefit>,
    /// Inpatient deductible after an upward referral.
    #[serde(default = "default_upward")]
    pub upward_referral_deductible: UpwardDeductible,
    /// Whether a patient referred down pays no inpatient deductible.
    #[serde(default)]
    pub downward_referral_deductible_waived: bool,
    /// Conditions reimbursed at a special rate at one tier and another rate elsewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_lists: Vec<RawConditionList>,
}

fn default_upward() -> UpwardDeductible {
    UpwardDeductible::Full
}

/// A condition reimbursed at `rate` at `tier` and `rate_elsewhere` at every other tier.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConditionList {
    /// Condition key.
    pub condition: String,
    /// Care type the list applies to.
    pub care: Care,
    /// The tier where the condition is reimbursed at `rate`.
    pub tier: Tier,
    /// Rate at that tier, 0–1.
    pub rate: f64,
    /// Rate at every other tier, 0–1.
    pub rate_elsewhere: f64,
}

/// Referral and capacity rules.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawReferral {
    /// Gatekeeping: unreferred care above grassroots loses `gatekeeping_rate_cut` rate points.
    #[serde(default)]
    pub gatekeeping: bool,
    /// Rate points lost by unreferred care above grassroots under gatekeeping (1 = no cover).
    #[serde(default = "one")]
    pub gatekeeping_rate_cut: f64,
    /// Which care gatekeeping applies to.
    #[serde(default = "default_gatekeeping_care")]
    pub gatekeeping_care: GatekeepingCare,
    /// Whether referred patients go ahead of unreferred ones in the bed queue.
    #[serde(default)]
    pub referred_bed_priority: bool,
    /// Wait or divert when a tier's beds are full.
    #[serde(default = "default_when_full")]
    pub when_beds_full: WhenBedsFull,
    /// Probability that an inpatient at the tier is referred down to township for recovery.
    #[serde(default)]
    pub down_referral_probability: RawPerTier<f64>,
    /// Fraction of the stay after which a down-referral happens.
    #[serde(default = "half")]
    pub down_referral_at_stay_fraction: f64,
    /// Cost of a recovery day at township after a down-referral, yuan.
    #[serde(default = "default_rehab_cost")]
    pub rehab_cost_per_day_yuan: f64,
    /// Probability that a chronic follow-up visit at county or above refers the patient down.
    #[serde(default)]
    pub chronic_down_referral_probability: f64,
    /// A first-contact rule (基层首诊): what happens to unreferred care above `first_contact_gate`.
    #[serde(default = "default_first_contact_rule")]
    pub first_contact_rule: FirstContactRule,
    /// The highest tier a patient bound by the rule may visit without a referral.
    #[serde(default = "default_gate")]
    pub first_contact_gate: Tier,
    /// Share of non-emergency episodes the rule binds (enforcement and compliance).
    #[serde(default = "one")]
    pub first_contact_compliance: f64,
    /// Probability that a patient treated at the tier is referred one tier up (a complex case).
    #[serde(default)]
    pub up_referral_probability: RawPerTier<f64>,
}

fn default_first_contact_rule() -> FirstContactRule {
    FirstContactRule::None
}

fn default_gate() -> Tier {
    Tier::Township
}

fn default_gatekeeping_care() -> GatekeepingCare {
    GatekeepingCare::Both
}

fn default_when_full() -> WhenBedsFull {
    WhenBedsFull::Wait
}
fn half() -> f64 {
    0.5
}
fn default_rehab_cost() -> f64 {
    150.0
}

impl Default for RawReferral {
    fn default() -> Self {
        RawReferral {
            gatekeeping: false,
            gatekeeping_rate_cut: 1.0,
            gatekeeping_care: GatekeepingCare::Both,
            referred_bed_priority: false,
            when_beds_full: WhenBedsFull::Wait,
            down_referral_probability: RawPerTier::default(),
            down_referral_at_stay_fraction: 0.5,
            rehab_cost_per_day_yuan: 150.0,
            chronic_down_referral_probability: 0.0,
            first_contact_rule: FirstContactRule::None,
            first_contact_gate: Tier::Township,
            first_contact_compliance: 1.0,
            up_referral_probability: RawPerTier::default(),
        }
    }
}

/// Family-doctor signing programme.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigning {
    /// Fee paid per signed resident per year, yuan (a programme cost).
    #[serde(default)]
    pub fee_yuan_per_signed_per_year: f64,
    /// Whether signed residents go ahead of unsigned ones in the bed queue (green channel).
    #[serde(default)]
    pub signed_bed_priority: bool,
    /// Multiplier on chronic follow-up visits for signed residents (long prescriptions), 0–1.
    #[serde(default = "one")]
    pub chronic_visit_multiplier: f64,
}

impl Default for RawSigning {
    fn default() -> Self {
        RawSigning {
            fee_yuan_per_signed_per_year: 0.0,
            signed_bed_priority: false,
            chronic_visit_multiplier: 1.0,
        }
    }
}

/// Coefficients of the multinomial-logit tier choice (utility units).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBehaviour {
    /// Utility per yuan of expected out-of-pocket cost (negative).
    #[serde(default = "default_cost_coef")]
    pub cost_per_yuan: f64,
    /// Utility per yuan of expected out-of-pocket cost of the admission a choice may lead to.
    #[serde(default = "default_inpatient_cost_coef")]
    pub inpatient_cost_per_yuan: f64,
    /// Utility per hour of travel (negative).
    #[serde(default = "default_travel_coef")]
    pub travel_per_hour: f64,
    /// Utility of the tier where the person's signed family doctor practises.
    #[serde(default = "default_signed_coef")]
    pub signed_doctor: f64,
    /// Utility of the tier used last time, when that went well.
    #[serde(default = "default_habit_coef")]
    pub habit: f64,
    /// Utility of the tier used last time, when it referred the patient on or made them wait long.
    #[serde(default = "default_bad_coef")]
    pub bad_experience: f64,
    /// Wait beyond which an admission counts as a bad experience, days.
    #[serde(default = "default_bad_wait")]
    pub bad_wait_days: f64,
    /// Utility of a tier below the condition's lowest capable tier (perceived lack of capability).
    #[serde(default = "default_below_coef")]
    pub below_capability: f64,
    /// Utility per day of last year's mean bed wait at the tier, weighted by admission probability.
    #[serde(default = "default_wait_coef")]
    pub wait_per_day: f64,
    /// Whether "no care / self-treatment" is an option.
    #[serde(default)]
    pub self_care_enabled: bool,
    /// Utility of self-treatment when enabled.
    #[serde(default)]
    pub self_care_utility: f64,
    /// Extra utility per yuan out of pocket at village clinics (their own-price response).
    #[serde(default)]
    pub village_cost_per_yuan: f64,
    /// Whether a patient may decline an admission over its out-of-pocket cost.
    #[serde(default)]
    pub admission_decline_enabled: bool,
    /// Utility of accepting an admission before its price (a logit with the inpatient cost).
    #[serde(default)]
    pub admission_acceptance_utility: f64,
    /// Share of the gap between a tier's occupancy and its `target_occupancy` that hospitals
    /// close each year by admitting more readily (or less): supply-induced admissions.
    #[serde(default)]
    pub admission_adjustment_per_year: f64,
}

/// Price levels: every tier's costs of a care type are multiplied by its index.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrices {
    /// Multiplier of every outpatient cost.
    #[serde(default = "one")]
    pub outpatient_index: f64,
    /// Multiplier of every inpatient cost (and recovery days).
    #[serde(default = "one")]
    pub inpatient_index: f64,
    /// Nominal price growth per year from the start year on (both indices).
    #[serde(default)]
    pub growth_per_year: f64,
}

impl Default for RawPrices {
    fn default() -> Self {
        RawPrices {
            outpatient_index: 1.0,
            inpatient_index: 1.0,
            growth_per_year: 0.0,
        }
    }
}

/// Yearly trends other than prices.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrends {
    /// Nominal income growth per year: the weight on each yuan falls in proportion.
    #[serde(default)]
    pub income_growth_per_year: f64,
}

fn default_cost_coef() -> f64 {
    -0.01
}
fn default_inpatient_cost_coef() -> f64 {
    -0.001
}
fn default_travel_coef() -> f64 {
    -2.06
}
fn default_signed_coef() -> f64 {
    0.545
}
fn default_habit_coef() -> f64 {
    0.5
}
fn default_bad_coef() -> f64 {
    -0.5
}
fn default_bad_wait() -> f64 {
    3.0
}
fn default_below_coef() -> f64 {
    -1.0
}
fn default_wait_coef() -> f64 {
    -0.1
}

impl Default for RawBehaviour {
    fn default() -> Self {
        RawBehaviour {
            cost_per_yuan: default_cost_coef(),
            inpatient_cost_per_yuan: default_inpatient_cost_coef(),
            travel_per_hour: default_travel_coef(),
            signed_doctor: default_signed_coef(),
            habit: default_habit_coef(),
            bad_experience: default_bad_coef(),
            bad_wait_days: default_bad_wait(),
            below_capability: default_below_coef(),
            wait_per_day: default_wait_coef(),
            self_care_enabled: false,
            self_care_utility: 0.0,
            village_cost_per_yuan: 0.0,
            admission_decline_enabled: false,
            admission_acceptance_utility: 0.0,
            admission_adjustment_per_year: 0.0,
        }
    }
}

/// Parameter changes taking effect on a date.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicyChange {
    /// Date the change takes effect, "YYYY-MM-DD".
    pub date: String,
    /// Parameter path (as `tierflow params` lists it) → new value.
    pub set: BTreeMap<String, toml::Value>,
    /// Where the change comes from (document and clause).
    #[serde(default)]
    pub source: String,
}

/// A target a document sets.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// Short label shown in reports.
    pub name: String,
    /// Metric name, as in metrics.csv.
    pub metric: String,
    /// Tier (or group, for signing_coverage), default "all".
    #[serde(default = "default_all")]
    pub tier: String,
    /// Year the target applies to.
    pub year: i32,
    /// ">=" or "<=".
    pub op: TargetOp,
    /// Target value in the metric's unit (or a change, see `basis`).
    pub value: f64,
    /// What is compared: the level, the change from the previous year, or from `since`.
    #[serde(default = "default_basis")]
    pub basis: TargetBasis,
    /// Base year for `basis = "change_since"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i32>,
    /// Document and clause.
    #[serde(default)]
    pub source: String,
}

fn default_basis() -> TargetBasis {
    TargetBasis::Level
}

fn default_all() -> String {
    "all".to_string()
}
