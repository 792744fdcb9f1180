//! Validating the rules people meet: `[schemes]` (benefits, condition lists), `[signing]` and
//! the choice model's `[behaviour]`.

use super::*;
use crate::scenario::ScenarioError;
use crate::scenario::raw::{RawBenefit, RawScenario};
use crate::tier::N_TIERS;

use super::build::per_tier;
use super::checks::*;

/// `[schemes]`: benefits by care type and tier, and condition lists' rates.
pub(super) fn schemes(
    raw: &RawScenario,
    conditions: &[Condition],
    present: &[bool; N_TIERS],
) -> Result<Vec<Scheme>, ScenarioError> {
    let condition_names: Vec<&String> = raw.conditions.keys().collect();
    let mut schemes = Vec::new();
    for (name, s) in &raw.schemes {
        let mut benefits = PerCare::splat(PerTier::splat(Benefit::default()));
        let mut rates = PerCare::splat(PerTier::splat(0.0));
        for (care, table) in [
            (Care::Outpatient, &s.outpatient),
            (Care::Inpatient, &s.inpatient),
        ] {
            let path = format!(
                "schemes.{name}.{}",
                if care == Care::Outpatient {
                    "outpatient"
                } else {
                    "inpatient"
                }
            );
            rates[care] = per_tier(&path, table, present, |pp, b: RawBenefit| {
                check_fraction(format!("{pp}.rate"), b.rate)
            })?;
            benefits[care] = per_tier(&path, table, present, |pp, b: RawBenefit| {
                Ok(Benefit {
                    deductible_yuan: check_at_most_yuan(
                        format!("{pp}.deductible_yuan"),
                        b.deductible_yuan,
                    )?,
                    cap_yuan: check_non_negative(format!("{pp}.cap_yuan"), b.cap_yuan)?,
                    unreferred_rate_cut: check_fraction(
                        format!("{pp}.unreferred_rate_cut"),
                        b.unreferred_rate_cut,
                    )?,
                })
            })?;
        }
        let mut rate_by_condition = vec![rates; conditions.len()];
        for (i, cl) in s.condition_lists.iter().enumerate() {
            let pp = |k: &str| format!("schemes.{name}.condition_lists.{i}.{k}");
            let ci = index_of(
                &condition_names,
                &cl.condition,
                "condition",
                "conditions",
                pp("condition"),
            )?;
            require_tier(present, cl.tier, pp("tier"))?;
            let rate = check_fraction(pp("rate"), cl.rate)?;
            let elsewhere = check_fraction(pp("rate_elsewhere"), cl.rate_elsewhere)?;
            for t in Tier::ALL {
                rate_by_condition[ci][cl.care][t] = if t == cl.tier { rate } else { elsewhere };
            }
        }
        schemes.push(Scheme {
            name: name.clone(),
            benefits,
            rate_by_condition,
            upward_referral_deductible: s.upward_referral_deductible,
            downward_referral_deductible_waived: s.downward_referral_deductible_waived,
        });
    }
    Ok(schemes)
}

/// `[signing]`: the programme's fee and what signing changes.
pub(super) fn signing(raw: &RawScenario) -> Result<Signing, ScenarioError> {
    let signing = Signing {
        fee_yuan_per_signed_per_year: check_at_most(
            "signing.fee_yuan_per_signed_per_year",
            raw.signing.fee_yuan_per_signed_per_year,
            MAX_COST_YUAN,
            "yuan",
        )?,
        signed_bed_priority: raw.signing.signed_bed_priority,
        chronic_visit_multiplier: check_fraction(
            "signing.chronic_visit_multiplier",
            raw.signing.chronic_visit_multiplier,
        )?,
    };
    Ok(signing)
}

/// `[behaviour]`: the choice model's coefficients.
pub(super) fn behaviour(raw: &RawScenario) -> Result<Behaviour, ScenarioError> {
    let b = &raw.behaviour;
    let behaviour = Behaviour {
        cost_per_yuan: check_utility("behaviour.cost_per_yuan", b.cost_per_yuan)?,
        inpatient_cost_per_yuan: check_utility(
            "behaviour.inpatient_cost_per_yuan",
            b.inpatient_cost_per_yuan,
        )?,
        travel_per_hour: check_utility("behaviour.travel_per_hour", b.travel_per_hour)?,
        signed_doctor: check_utility("behaviour.signed_doctor", b.signed_doctor)?,
        habit: check_utility("behaviour.habit", b.habit)?,
        bad_experience: check_utility("behaviour.bad_experience", b.bad_experience)?,
        bad_wait_days: check_non_negative("behaviour.bad_wait_days", b.bad_wait_days)?,
        below_capability: check_utility("behaviour.below_capability", b.below_capability)?,
        wait_per_day: check_utility("behaviour.wait_per_day", b.wait_per_day)?,
        self_care_utility: if b.self_care_enabled {
            Some(check_finite(
                "behaviour.self_care_utility",
                b.self_care_utility,
            )?)
        } else {
            None
        },
        village_cost_per_yuan: check_utility(
            "behaviour.village_cost_per_yuan",
            b.village_cost_per_yuan,
        )?,
        admission_acceptance_utility: if b.admission_decline_enabled {
            Some(check_utility(
                "behaviour.admission_acceptance_utility",
                b.admission_acceptance_utility,
            )?)
        } else {
            None
        },
        admission_adjustment_per_year: check_fraction(
            "behaviour.admission_adjustment_per_year",
            b.admission_adjustment_per_year,
        )?,
    };
    Ok(behaviour)
}
