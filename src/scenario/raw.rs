//! The scenario file as written: serde structs mirroring the TOML, with defaults.
//!
//! These types only describe shape and defaults; the ranges and cross-references are checked by
//! [`crate::model::Model::from_raw`]. Every field is documented in docs/scenario.md (a tidy test
//! keeps the two in step). Defaults cite their source there and in the comments below.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::domain::Area;
use crate::tier::{N_TIERS, Tier};

mod calibration;
mod rules;
pub use calibration::*;
pub use rules::*;

/// A whole scenario after `extends` has been merged.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Short name; the default output folder is `outputs/<name>/`.
    pub name: String,
    /// One paragraph for planners: what this scenario represents.
    #[serde(default)]
    pub description: String,
    /// Run length, warm-up, replications and seed.
    pub run: RawRun,
    /// Region size and the simulated sample.
    pub population: RawPopulation,
    /// Population groups by key.
    pub groups: BTreeMap<String, RawGroup>,
    /// Condition catalogue by key.
    pub conditions: BTreeMap<String, RawCondition>,
    /// Care tiers present in the region (a tier absent here does not exist in the scenario).
    pub tiers: RawTiers,
    /// Insurance schemes by key.
    pub schemes: BTreeMap<String, RawScheme>,
    /// Referral and capacity rules.
    #[serde(default)]
    pub referral: RawReferral,
    /// Family-doctor signing programme.
    #[serde(default)]
    pub signing: RawSigning,
    /// Coefficients of the tier-choice model.
    #[serde(default)]
    pub behaviour: RawBehaviour,
    /// Price levels and their growth.
    #[serde(default)]
    pub prices: RawPrices,
    /// Yearly trends other than prices.
    #[serde(default)]
    pub trends: RawTrends,
    /// Dated parameter changes, in any order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<RawPolicyChange>,
    /// Targets judged after a run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<RawTarget>,
    /// What `tierflow calibrate` fits (ignored by every other command).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<RawCalibration>,
    /// Named policy levers (`--lever NAME=VALUE[@DATE]`, `tierflow levers`, `serve`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub levers: BTreeMap<String, super::levers::RawLever>,
    /// Lever values this file moves, applied like `--lever NAME=VALUE[@DATE]` before the
    /// command line's (a number, true/false, or "VALUE@YYYY-MM-DD").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lever_values: BTreeMap<String, toml::Value>,
}

/// Run length and Monte Carlo settings.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    /// First reported calendar year.
    pub start_year: i32,
    /// Number of reported years.
    pub years: u32,
    /// Length of the reported horizon in days; 0 = the whole `years` × 365 (one-day runs use 1).
    #[serde(default)]
    pub horizon_days: f64,
    /// Years simulated before start_year and discarded, so beds and habits start warm.
    #[serde(default)]
    pub warmup_years: u32,
    /// Monte Carlo replications.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Also report metrics per month (metrics_monthly.csv).
    #[serde(default)]
    pub monthly_outputs: bool,
    /// Base seed; replication k uses streams derived from (seed, k).
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_replications() -> u32 {
    20
}
fn default_seed() -> u64 {
    1
}

/// Region size and sampling.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    /// Residents of the region at full scale.
    pub size: f64,
    /// Fraction of residents simulated; beds scale with it and results are reported at full scale.
    #[serde(default = "one")]
    pub scale: f64,
}

pub(crate) fn one() -> f64 {
    1.0
}

/// A population group.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// Share of the population, 0–1; shares sum to 1.
    pub share: f64,
    /// Urban or rural: selects the tiers' travel times.
    pub area: Area,
    /// Insurance scheme key.
    pub scheme: String,
    /// Tier where this group's family doctors practise.
    #[serde(default = "default_signing_tier")]
    pub signing_tier: Tier,
    /// Share of the group signed with a family doctor at the start.
    #[serde(default)]
    pub signing_coverage: f64,
    /// Yearly growth of the group's size from start_year on (ageing, migration; −0.05 = −5% a year).
    #[serde(default)]
    pub growth_per_year: f64,
    /// Coverage targets; coverage grows linearly towards each in turn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_targets: Vec<RawSigningTarget>,
}

fn default_signing_tier() -> Tier {
    Tier::Township
}

/// A dated signing coverage level.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigningTarget {
    /// Date by which the coverage is reached, "YYYY-MM-DD".
    pub date: String,
    /// Coverage, 0–1.
    pub coverage: f64,
}

/// A condition in the catalogue.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    /// Episodes per person-year for every group not listed in incidence_per_year_by_group.
    pub incidence_per_year: f64,
    /// Per-group incidence overrides, episodes per person-year.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub incidence_per_year_by_group: BTreeMap<String, f64>,
    /// Lowest tier able to treat it; a patient who starts lower is referred up.
    #[serde(default = "default_lowest_tier")]
    pub lowest_tier: Tier,
    /// Emergencies skip the choice and go to the nearest capable tier.
    #[serde(default)]
    pub emergency: bool,
    /// Chronic follow-up: eligible for down-referral of stable patients and long prescriptions.
    #[serde(default)]
    pub chronic: bool,
    /// Probability that a visit at the tier ends in admission.
    #[serde(default)]
    pub admission_probability: RawPerTier<f64>,
    /// Mean length of stay by tier, days.
    #[serde(default)]
    pub los_days: RawPerTier<f64>,
    /// Coefficient of variation of the stay (1 = exponential, otherwise gamma).
    #[serde(default = "one")]
    pub los_cv: f64,
    /// Mean cost of an outpatient visit by tier, yuan.
    #[serde(default)]
    pub outpatient_cost_yuan: RawPerTier<f64>,
    /// Mean cost of an admission by tier, yuan.
    #[serde(default)]
    pub inpatient_cost_yuan: RawPerTier<f64>,
    /// Coefficient of variation of costs (0 = fixed, otherwise lognormal).
    #[serde(default)]
    pub cost_cv: f64,
    /// Added to the tier's perceived quality for this condition (utility units).
    #[serde(default)]
    pub quality_shift: RawPerTier<f64>,
    /// Added to the utility of self-treatment for this condition (e.g. negative for serious ones).
    #[serde(default)]
    pub self_care_shift: f64,
}

fn default_lowest_tier() -> Tier {
    Tier::Village
}

/// A care tier's supply side.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// Perceived quality (utility units; village 0 is the usual anchor).
    #[serde(default)]
    pub quality: f64,
    /// Beds per 1,000 residents; 0 = no beds, inf = unlimited.
    #[serde(default)]
    pub beds_per_1000: f64,
    /// Travel time for urban residents, minutes.
    #[serde(default)]
    pub travel_minutes_urban: f64,
    /// Travel time for rural residents, minutes.
    #[serde(default)]
    pub travel_minutes_rural: f64,
    /// Change of perceived quality from `quality` (utility): what policies and regional files set,
    /// so that they stay right when a baseline's calibrated quality is refitted.
    #[serde(default)]
    pub quality_change: f64,
    /// Growth of perceived quality per year from the start year on (investment, reputation).
    #[serde(default)]
    pub quality_growth_per_year: f64,
    /// Change of perceived quality per unit of ln(beds ÷ the reference beds): hospitals that
    /// grow draw patients (utility; 0 = beds do not change quality).
    #[serde(default)]
    pub quality_per_log_beds: f64,
    /// Beds per 1,000 at which `quality_per_log_beds` adds nothing (usually the baseline
    /// year's beds).
    #[serde(default)]
    pub quality_reference_beds_per_1000: f64,
    /// Occupancy the tier's hospitals fill their beds towards (0: admissions do not follow beds).
    #[serde(default)]
    pub target_occupancy: f64,
    /// Whether care here counts as inside the region for `in_region_rate` (default: every tier
    /// but out_of_region). A county scenario sets `tertiary.in_region = false` to measure the
    /// in-county rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_region: Option<bool>,
}

/// The tier table: one optional entry per known tier.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTiers {
    /// Village clinics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<RawTier>,
    /// Township / community health centres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township: Option<RawTier>,
    /// County / secondary hospitals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<RawTier>,
    /// City tertiary hospitals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tertiary: Option<RawTier>,
    /// Care outside the region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_region: Option<RawTier>,
}

impl RawTiers {
    /// Entries in tier order.
    pub fn entries(&self) -> [Option<&RawTier>; N_TIERS] {
        [
            self.village.as_ref(),
            self.township.as_ref(),
            self.county.as_ref(),
            self.tertiary.as_ref(),
            self.out_of_region.as_ref(),
        ]
    }
}

/// A value per tier, each optional; missing tiers take the field's default.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerTier<T> {
    /// Village value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<T>,
    /// Township value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township: Option<T>,
    /// County value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<T>,
    /// Tertiary value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tertiary: Option<T>,
    /// Out-of-region value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_region: Option<T>,
}

impl<T: Clone> RawPerTier<T> {
    fn slots(&mut self) -> [&mut Option<T>; N_TIERS] {
        [
            &mut self.village,
            &mut self.township,
            &mut self.county,
            &mut self.tertiary,
            &mut self.out_of_region,
        ]
    }

    /// Fills present tiers with `default` where unset, so the resolved scenario lists them.
    pub fn fill(&mut self, present: &[bool; N_TIERS], default: T) {
        for (slot, &p) in self.slots().into_iter().zip(present) {
            if p && slot.is_none() {
                *slot = Some(default.clone());
            }
        }
    }

    /// The value at a tier, if set.
    pub fn get(&self, t: Tier) -> Option<&T> {
        match t {
            Tier::Village => self.village.as_ref(),
            Tier::Township => self.township.as_ref(),
            Tier::County => self.county.as_ref(),
            Tier::Tertiary => self.tertiary.as_ref(),
            Tier::OutOfRegion => self.out_of_region.as_ref(),
        }
    }
}
