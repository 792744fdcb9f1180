//! The care path a first contact implies, and the bill of each step: the one owner of these
//! rules. The engine bills actual (sampled) costs along the path; the choice model prices the
//! expected path at mean costs; both go through [`CarePath::of`], [`outpatient_bill`] and
//! [`inpatient_bill`], so they cannot disagree on who pays what.
//!
//! A path: a visit at the first tier; when that tier is below the condition's lowest capable
//! tier, a referral up and a second visit there; for a complex case (probability
//! `referral.up_referral_probability` of the treating tier), a referral one tier further up and a
//! visit there; then, perhaps, an admission at the treating tier, billed with the deductible and
//! rate of how the patient arrived. A patient bound by a first-contact rule that withholds
//! reimbursement arrives above the gate as [`Arrival::Bypassed`] (the fund pays nothing).

use crate::domain::{Care, FirstContactRule};
use crate::insurance::{self, Arrival, Split};
use crate::model::Model;
use crate::tier::Tier;

/// Where an episode's care happens once the first tier is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CarePath {
    /// The first tier and how the patient arrived there (on their own, or as an emergency).
    pub first: (Tier, Arrival),
    /// The tier referred to when the first cannot treat the condition.
    pub referred_to: Option<Tier>,
    /// The tier that treats (and may admit).
    pub treating: Tier,
    /// How the patient arrived at the treating tier.
    pub arrival: Arrival,
    /// The tier a complex case is referred on to from the treating tier, and the probability.
    pub escalation: Option<(Tier, f64)>,
}

impl CarePath {
    /// The path of condition `condition` from `first`; `bound` says whether the episode is
    /// bound by the scenario's first-contact rule.
    pub fn of(model: &Model, condition: usize, first: Tier, bound: bool) -> CarePath {
        let cond = &model.conditions[condition];
        let rf = &model.referral;
        let own = if cond.emergency {
            Arrival::Emergency
        } else if bound
            && rf.first_contact_rule == FirstContactRule::NoReimbursement
            && first > rf.first_contact_gate
        {
            Arrival::Bypassed
        } else {
            Arrival::Unreferred
        };
        let (referred_to, treating, arrival) = if first < cond.lowest_tier {
            let arrival = Arrival::ReferredUp { from: first };
            (Some(cond.lowest_tier), cond.lowest_tier, arrival)
        } else {
            (None, first, own)
        };
        let p = rf.up_referral_probability[treating];
        let escalation = (p > 0.0)
            .then(|| {
                Tier::ALL[treating.index() + 1..]
                    .iter()
                    .find(|t| model.tiers[**t].is_some())
                    .map(|&t| (t, p))
            })
            .flatten();
        CarePath {
            first: (first, own),
            referred_to,
            treating,
            arrival,
            escalation,
        }
    }
}

/// The group's scheme and the rate it pays for `care` of `condition` at `tier` after `arrival`.
fn scheme_rate(
    model: &Model,
    group: usize,
    condition: usize,
    care: Care,
    tier: Tier,
    arrival: Arrival,
) -> (&crate::model::Scheme, f64) {
    let scheme = &model.schemes[model.groups[group].scheme];
    let rate = insurance::rate_for(scheme, &model.referral, care, condition, tier, arrival);
    (scheme, rate)
}

/// The bill of a visit costing `cost_yuan` at `tier`, updating the person's annual outpatient
/// deductible progress and fund payments.
#[allow(clippy::too_many_arguments)]
pub fn outpatient_bill(
    model: &Model,
    group: usize,
    condition: usize,
    tier: Tier,
    arrival: Arrival,
    cost_yuan: f64,
    progress_yuan: &mut f32,
    fund_paid_yuan: &mut f32,
) -> Split {
    let (scheme, rate) = scheme_rate(model, group, condition, Care::Outpatient, tier, arrival);
    insurance::split_outpatient(
        cost_yuan,
        rate,
        scheme.benefit(Care::Outpatient, tier),
        progress_yuan,
        fund_paid_yuan,
    )
}

/// The bill of an admission costing `cost_yuan` at `tier`, with the per-admission deductible for
/// how the patient arrived, updating the person's annual inpatient fund payments.
pub fn inpatient_bill(
    model: &Model,
    group: usize,
    condition: usize,
    tier: Tier,
    arrival: Arrival,
    cost_yuan: f64,
    fund_paid_yuan: &mut f32,
) -> Split {
    let (scheme, rate) = scheme_rate(model, group, condition, Care::Inpatient, tier, arrival);
    insurance::split_inpatient(
        cost_yuan,
        rate,
        insurance::inpatient_deductible(scheme, tier, arrival),
        scheme.benefit(Care::Inpatient, tier).cap_yuan,
        fund_paid_yuan,
    )
}

/// Out-of-pocket cost of an admission at its mean price at `tier`, for a person whose fund has
/// paid `fund_paid_yuan` for inpatient care this year: what a patient weighs when choosing a
/// tier (with nothing paid yet) and when deciding whether to accept the admission.
pub fn admission_out_of_pocket(
    model: &Model,
    group: usize,
    condition: usize,
    tier: Tier,
    arrival: Arrival,
    fund_paid_yuan: f32,
) -> f64 {
    let mut fund = fund_paid_yuan;
    let cost = model.conditions[condition].inpatient_cost_yuan[tier];
    inpatient_bill(model, group, condition, tier, arrival, cost, &mut fund).oop_yuan
}

/// Expected out-of-pocket cost of a care path, yuan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpectedOutOfPocket {
    /// The visit, and the referred visit when the first tier cannot treat.
    pub outpatient_yuan: f64,
    /// The admissions the path may lead to: (probability, out-of-pocket cost if admitted), at
    /// the treating tier and, for a complex case referred on, at the next tier.
    pub admissions: [(f64, f64); 2],
}

impl ExpectedOutOfPocket {
    /// The admissions' out-of-pocket cost weighted by their probabilities.
    pub fn inpatient_yuan(&self) -> f64 {
        self.admissions.iter().map(|(p, oop)| p * oop).sum()
    }
}

/// Expected out-of-pocket cost of the path that starts at `first`, at mean prices, for a person
/// at `progress_yuan` of their outpatient deductible with `fund_paid_yuan` paid by the fund
/// (`bound`: by the first-contact rule).
pub fn expected_out_of_pocket(
    model: &Model,
    group: usize,
    condition: usize,
    first: Tier,
    progress_yuan: f32,
    fund_paid_yuan: f32,
    bound: bool,
) -> ExpectedOutOfPocket {
    let cond = &model.conditions[condition];
    let path = CarePath::of(model, condition, first, bound);
    let (mut progress, mut fund) = (progress_yuan, fund_paid_yuan);
    let mut visit = |tier: Tier, arrival: Arrival| {
        let cost = cond.outpatient_cost_yuan[tier];
        outpatient_bill(
            model,
            group,
            condition,
            tier,
            arrival,
            cost,
            &mut progress,
            &mut fund,
        )
        .oop_yuan
    };
    let mut outpatient = visit(path.first.0, path.first.1);
    if let Some(up) = path.referred_to {
        outpatient += visit(up, path.arrival);
    }
    let admission = |tier: Tier, arrival: Arrival| {
        let p_admit = cond.admission_probability[tier];
        if p_admit > 0.0 {
            let oop = admission_out_of_pocket(model, group, condition, tier, arrival, 0.0);
            (p_admit, oop)
        } else {
            (0.0, 0.0)
        }
    };
    let mut admissions = [admission(path.treating, path.arrival), (0.0, 0.0)];
    if let Some((next, p)) = path.escalation {
        let arrival = Arrival::ReferredUp {
            from: path.treating,
        };
        outpatient += p * visit(next, arrival);
        let (p_next, oop_next) = admission(next, arrival);
        admissions[0].0 *= 1.0 - p;
        admissions[1] = (p * p_next, oop_next);
    }
    ExpectedOutOfPocket {
        outpatient_yuan: outpatient,
        admissions,
    }
}
