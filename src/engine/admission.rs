//! The admission decision beyond the clinical draw: beds that pull admissions in (supply-induced
//! demand) and patients who decline an admission over its price.

use rand::RngExt;

use super::Sim;
use crate::care_path::admission_out_of_pocket;
use crate::insurance::Arrival;
use crate::tier::Tier;

impl Sim<'_> {
    /// The probability that condition `c` seen at `tier` is admitted: the scenario's probability
    /// (at a full ward), raised in proportion to the tier's free-bed share when supply induces
    /// demand (Roemer's law). Emergencies are admitted on need alone.
    pub(super) fn admission_probability(&self, c: usize, tier: Tier) -> f64 {
        let model = self.model();
        let cond = &model.conditions[c];
        let p = cond.admission_probability[tier];
        let k = model.behaviour.supply_induced_admissions;
        if k == 0.0 || p == 0.0 || cond.emergency {
            return p;
        }
        let pool = &self.beds[tier.index()];
        match pool.capacity() {
            Some(cap) if cap > 0 => {
                let free = cap.saturating_sub(pool.busy()) as f64 / cap as f64;
                (p * (1.0 + k * free)).min(1.0)
            }
            _ => p,
        }
    }

    /// Whether the patient declines an admission over its expected out-of-pocket cost (a binary
    /// logit on the same utility per yuan as the choice of tier); emergencies never decline.
    pub(super) fn declines_admission(&mut self, idx: u32, c: usize, tier: Tier, arrival: Arrival) -> bool {
        let model = self.model();
        let Some(accept) = model.behaviour.admission_acceptance_utility else {
            return false;
        };
        if model.conditions[c].emergency {
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
        let v = accept + model.behaviour.inpatient_cost_per_yuan * oop;
        let p_accept = 1.0 / (1.0 + (-v).exp());
        self.clinical_rng.random::<f64>() >= p_accept
    }
}
