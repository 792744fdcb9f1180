//! The care path a first contact implies, and the bill of each step: the one owner of these
//! rules. The engine bills actual (sampled) costs along the path; the choice model prices the
//! expected path at mean costs; both go through [`CarePath::of`], [`outpatient_bill`] and
//! [`inpatient_bill`], so they cannot disagree on who pays what.
//!
//! A path: a visit at the first tier; when that tier is below the condition's lowest capable
//! tier, a referral up and a second visit there; then, perhaps, an admission at the treating
//! tier, billed with the deductible and rate of how the patient arrived.

use crate::insurance::{self, Arrival, Split};
use crate::model::Model;
use crate::scenario::raw::Care;
use crate::tier::Tier;

/// Where an episode's care happens once the first tier is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CarePath {
    /// The first tier and how the patient arrived there (on their own, or as an emergency).
    pub first: (Tier, Arrival),
    /// The tier referred to when the first cannot treat the condition.
    pub referred_to: Option<Tier>,
    /// The tier that treats (and may admit).
    pub treating: Tier,
    /// How the patient arrived at the treating tier.
    pub arrival: Arrival,
}

impl CarePath {
    /// The path of condition `condition` from `first`, for an emergency or not.
    pub fn of(model: &Model, condition: usize, first: Tier) -> CarePath {
        let cond = &model.conditions[condition];
        let own = if cond.emergency {
            Arrival::Emergency
        } else {
            Arrival::Unreferred
        };
        if first < cond.lowest_tier {
            let arrival = Arrival::ReferredUp { from: first };
            CarePath {
                first: (first, own),
                referred_to: Some(cond.lowest_tier),
                treating: cond.lowest_tier,
                arrival,
            }
        } else {
            CarePath {
                first: (first, own),
                referred_to: None,
                treating: first,
                arrival: own,
            }
        }
    }
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
    let scheme = &model.schemes[model.groups[group].scheme];
    let rate = insurance::rate_for(
        scheme,
        &model.referral,
        Care::Outpatient,
        condition,
        tier,
        arrival,
    );
    insurance::split_outpatient(
        cost_yuan,
        rate,
        &scheme.benefits[0][tier],
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
    let scheme = &model.schemes[model.groups[group].scheme];
    let rate = insurance::rate_for(
        scheme,
        &model.referral,
        Care::Inpatient,
        condition,
        tier,
        arrival,
    );
    insurance::split_inpatient(
        cost_yuan,
        rate,
        insurance::inpatient_deductible(scheme, tier, arrival),
        scheme.benefits[1][tier].cap_yuan,
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
    /// The admission's out-of-pocket part times the admission probability.
    pub inpatient_yuan: f64,
}

/// Expected out-of-pocket cost of the path that starts at `first`, at mean prices, for a person
/// at `progress_yuan` of their outpatient deductible with `fund_paid_yuan` paid by the fund.
pub fn expected_out_of_pocket(
    model: &Model,
    group: usize,
    condition: usize,
    first: Tier,
    progress_yuan: f32,
    fund_paid_yuan: f32,
) -> ExpectedOutOfPocket {
    let cond = &model.conditions[condition];
    let path = CarePath::of(model, condition, first);
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
    let p_admit = cond.admission_probability[path.treating];
    let inpatient = if p_admit > 0.0 {
        p_admit
            * admission_out_of_pocket(model, group, condition, path.treating, path.arrival, 0.0)
    } else {
        0.0
    };
    ExpectedOutOfPocket {
        outpatient_yuan: outpatient,
        inpatient_yuan: inpatient,
    }
}
