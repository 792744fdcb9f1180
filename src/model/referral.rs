//! Referral and capacity rules: validated from `[referral]`.

use super::Referral;
use super::build::per_tier;
use super::checks::*;
use crate::domain::FirstContactRule;
use crate::scenario::ScenarioError;
use crate::scenario::raw::RawScenario;
use crate::tier::{N_TIERS, Tier};

/// The validated referral rules of `raw`, for the tiers `present`.
pub(super) fn build_referral(
    raw: &RawScenario,
    present: &[bool; N_TIERS],
) -> Result<Referral, ScenarioError> {
    let rf = &raw.referral;
    let referral = Referral {
        gatekeeping: rf.gatekeeping,
        gatekeeping_care: rf.gatekeeping_care,
        gatekeeping_rate_cut: check_fraction(
            "referral.gatekeeping_rate_cut",
            rf.gatekeeping_rate_cut,
        )?,
        referred_bed_priority: rf.referred_bed_priority,
        when_beds_full: rf.when_beds_full,
        down_referral_probability: {
            let down = per_tier(
                "referral.down_referral_probability",
                &rf.down_referral_probability,
                present,
                |pp, v| check_fraction(pp, v),
            )?;
            if let Some(t) = Tier::ALL
                .into_iter()
                .find(|t| t.is_grassroots() && down[*t] > 0.0)
            {
                return Err(out_of_range(
                    format!("referral.down_referral_probability.{}", t.name()),
                    "0: down-referral is from county, tertiary or out_of_region to township",
                    down[t],
                ));
            }
            down
        },
        down_referral_at_stay_fraction: {
            let f = rf.down_referral_at_stay_fraction;
            if f > 0.0 && f < 1.0 {
                f
            } else {
                return Err(out_of_range(
                    "referral.down_referral_at_stay_fraction",
                    "a fraction strictly between 0 and 1",
                    f,
                ));
            }
        },
        rehab_cost_per_day_yuan: check_at_most_yuan(
            "referral.rehab_cost_per_day_yuan",
            rf.rehab_cost_per_day_yuan,
        )?,
        chronic_down_referral_probability: check_fraction(
            "referral.chronic_down_referral_probability",
            rf.chronic_down_referral_probability,
        )?,
        first_contact_rule: rf.first_contact_rule,
        first_contact_gate: rf.first_contact_gate,
        first_contact_compliance: check_fraction(
            "referral.first_contact_compliance",
            rf.first_contact_compliance,
        )?,
        up_referral_probability: per_tier(
            "referral.up_referral_probability",
            &rf.up_referral_probability,
            present,
            |pp, v| check_fraction(pp, v),
        )?,
    };
    if referral
        .down_referral_probability
        .0
        .iter()
        .any(|&p| p > 0.0)
        && !present[Tier::Township.index()]
    {
        return Err(reference(
            "referral.down_referral_probability",
            "down-referral needs a `township` tier to receive patients".into(),
        ));
    }
    if referral.first_contact_rule != FirstContactRule::None
        && !present[referral.first_contact_gate.index()]
    {
        return Err(reference(
            "referral.first_contact_gate",
            format!(
                "the gate `{}` is not a tier of this scenario",
                referral.first_contact_gate.name()
            ),
        ));
    }
    Ok(referral)
}
