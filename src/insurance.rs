//! The exact split of one episode's cost into insurance fund spend and out-of-pocket payment.
//!
//! Rules (docs/scenario.md has the planner's version):
//! - **Outpatient** deductibles are annual. A person's covered outpatient spending this year
//!   accumulates in one counter; a tier reimburses only the part of a bill above its own
//!   deductible, so tiers with different deductibles share the counter.
//! - **Inpatient** deductibles are charged per admission (起付线), as Chinese schemes do; an
//!   upward referral may pay only the difference from the sending tier's deductible, a downward
//!   referral may pay none.
//! - **Caps** limit the fund's payments per person per year, per care type.
//! - **Penalties** cut the rate by points when care was not referred (floored at 0).
//! - **First-contact rules** withholding reimbursement pay nothing for care bypassing the gate.
//!
//! The fund share is computed first and out-of-pocket is the rest, so fund + oop = cost.

use crate::domain::Care;
use crate::domain::UpwardDeductible;
use crate::model::{Benefit, Referral, Scheme};
use crate::tier::Tier;

/// How a patient reached the tier that is billing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Came on their own.
    Unreferred,
    /// Referred (or diverted) up from a lower tier.
    ReferredUp {
        /// The referring tier.
        from: Tier,
    },
    /// Referred down from a higher tier.
    ReferredDown,
    /// An emergency: exempt from referral penalties, full deductible.
    Emergency,
    /// Came on their own above the gate of a first-contact rule that withholds reimbursement:
    /// the fund pays nothing.
    Bypassed,
}

impl Arrival {
    /// Whether the arrival is exempt from unreferred-care penalties (referred or emergency).
    pub fn is_referred(self) -> bool {
        !matches!(self, Arrival::Unreferred | Arrival::Bypassed)
    }
}

/// Fund and out-of-pocket parts of one bill, yuan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split {
    /// Paid by the insurance fund.
    pub fund_yuan: f64,
    /// Paid by the patient.
    pub oop_yuan: f64,
}

/// Rate after penalties for unreferred care (`gatekeeping_cut` applies above grassroots only).
pub fn effective_rate(
    rate: f64,
    benefit: &Benefit,
    tier: Tier,
    arrival: Arrival,
    gatekeeping_cut: Option<f64>,
) -> f64 {
    if arrival.is_referred() {
        return rate;
    }
    let mut cut = benefit.unreferred_rate_cut;
    if let Some(g) = gatekeeping_cut
        && !tier.is_grassroots()
    {
        cut = cut.max(g);
    }
    (rate - cut).max(0.0)
}

/// The rate `scheme` pays for `care` of `condition` at `tier`: condition lists applied, then
/// unreferred-care penalties and gatekeeping for how the patient arrived.
pub fn rate_for(
    scheme: &Scheme,
    referral: &Referral,
    care: Care,
    condition: usize,
    tier: Tier,
    arrival: Arrival,
) -> f64 {
    if arrival == Arrival::Bypassed {
        return 0.0;
    }
    effective_rate(
        scheme.rate_by_condition[condition][care][tier],
        scheme.benefit(care, tier),
        tier,
        arrival,
        referral.gatekeeping_cut(care),
    )
}

/// Splits an outpatient bill, updating the person's annual deductible progress and fund total.
pub fn split_outpatient(
    cost_yuan: f64,
    rate: f64,
    benefit: &Benefit,
    deductible_progress_yuan: &mut f32,
    fund_paid_yuan: &mut f32,
) -> Split {
    if rate <= 0.0 || cost_yuan <= 0.0 {
        return Split {
            fund_yuan: 0.0,
            oop_yuan: cost_yuan,
        };
    }
    let remaining = (benefit.deductible_yuan - *deductible_progress_yuan as f64).max(0.0);
    let deductible_part = cost_yuan.min(remaining);
    *deductible_progress_yuan = (*deductible_progress_yuan as f64 + cost_yuan) as f32;
    let cap_left = (benefit.cap_yuan - *fund_paid_yuan as f64).max(0.0);
    let fund = (rate * (cost_yuan - deductible_part)).min(cap_left);
    *fund_paid_yuan = (*fund_paid_yuan as f64 + fund) as f32;
    Split {
        fund_yuan: fund,
        oop_yuan: cost_yuan - fund,
    }
}

/// The inpatient deductible an admission pays at `tier` given how the patient arrived.
pub fn inpatient_deductible(scheme: &Scheme, tier: Tier, arrival: Arrival) -> f64 {
    let own = scheme.benefit(Care::Inpatient, tier).deductible_yuan;
    match arrival {
        Arrival::ReferredUp { from }
            if scheme.upward_referral_deductible == UpwardDeductible::Difference =>
        {
            (own - scheme.benefit(Care::Inpatient, from).deductible_yuan).max(0.0)
        }
        Arrival::ReferredDown if scheme.downward_referral_deductible_waived => 0.0,
        _ => own,
    }
}

/// Splits an inpatient bill with a per-admission `deductible_yuan`, updating the annual fund total.
pub fn split_inpatient(
    cost_yuan: f64,
    rate: f64,
    deductible_yuan: f64,
    cap_yuan: f64,
    fund_paid_yuan: &mut f32,
) -> Split {
    if rate <= 0.0 || cost_yuan <= 0.0 {
        return Split {
            fund_yuan: 0.0,
            oop_yuan: cost_yuan,
        };
    }
    let cap_left = (cap_yuan - *fund_paid_yuan as f64).max(0.0);
    let fund = (rate * (cost_yuan - deductible_yuan).max(0.0)).min(cap_left);
    *fund_paid_yuan = (*fund_paid_yuan as f64 + fund) as f32;
    Split {
        fund_yuan: fund,
        oop_yuan: cost_yuan - fund,
    }
}
