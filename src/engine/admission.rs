//! The admission decision beyond the clinical draw: beds that pull admissions in (supply-induced
//! demand) and patients who decline an admission over its price.

use super::Sim;
use super::episode_draws::{Draw, EpisodeKey};
use crate::care_path::admission_out_of_pocket;
use crate::insurance::Arrival;
use crate::tier::Tier;

/// Bounds of a tier's admission multiplier: hospitals cannot admit more than ten times or less
/// than a tenth as readily as the scenario's probabilities say.
const MIN_MULTIPLIER: f64 = 0.1;
const MAX_MULTIPLIER: f64 = 10.0;

impl Sim<'_> {
    /// The probability that condition `c` seen at `tier` is admitted: the scenario's probability
    /// times the tier's admission multiplier (1 unless the tier fills its beds towards a target
    /// occupancy), at most 1. Emergencies are admitted on need alone.
    pub(super) fn admission_probability(&self, c: usize, tier: Tier) -> f64 {
        let cond = &self.model().conditions[c];
        let p = cond.admission_probability[tier];
        if cond.emergency {
            return p;
        }
        (p * self.admission_multiplier[tier.index()]).min(1.0)
    }

    /// At a year end: each tier with a target occupancy moves its admission multiplier to close
    /// `admission_adjustment_per_year` of the (logarithmic) gap between the year's occupancy
    /// and the target. Admitting more readily when beds stand empty is supply-induced demand
    /// (Roemer's law); the one-year lag means a price change meets this year's thresholds and
    /// the beds' pull follows over the next years.
    pub(super) fn adjust_admission_thresholds(&mut self) {
        let model = self.model();
        let speed = model.behaviour.admission_adjustment_per_year;
        if speed == 0.0 {
            return;
        }
        for t in model.present_tiers() {
            let (Some(target), tt) = (
                model.tiers[t].as_ref().and_then(|s| s.target_occupancy),
                &self.tally.tiers[t.index()],
            ) else {
                continue;
            };
            if tt.available_bed_days > 0.0 {
                let occupancy = (tt.busy_bed_days / tt.available_bed_days).max(0.01);
                let m = &mut self.admission_multiplier[t.index()];
                *m = (*m * (target / occupancy).powf(speed)).clamp(MIN_MULTIPLIER, MAX_MULTIPLIER);
            }
        }
    }

    /// Whether the patient declines an admission over its expected out-of-pocket cost (a binary
    /// logit on the same utility per yuan as the choice of tier); emergencies never decline.
    pub(super) fn declines_admission(
        &mut self,
        idx: u32,
        c: usize,
        tier: Tier,
        arrival: Arrival,
        key: EpisodeKey,
    ) -> bool {
        let model = self.model();
        if model.behaviour.admission_acceptance_utility.is_none() || model.conditions[c].emergency {
            return false;
        }
        let person = &self.people[idx as usize];
        let oop = admission_out_of_pocket(
            model,
            person.group as usize,
            c,
            tier,
            arrival,
            person.inpatient_fund_paid_yuan,
        );
        let v = model
            .behaviour
            .acceptance_utility(oop)
            .expect("declining is enabled");
        let p_accept = 1.0 / (1.0 + (-v).exp());
        key.uniform(Draw::Decline) >= p_accept
    }
}
