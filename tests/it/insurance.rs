//! Insurance arithmetic: worked cases for deductible, cap, penalty, top-up and waiver.

use tierflow::domain::{PerCare, UpwardDeductible};
use tierflow::insurance::*;
use tierflow::model::{Benefit, Scheme};
use tierflow::tier::{PerTier, Tier};

fn benefit(deductible_yuan: f64, cap_yuan: f64) -> Benefit {
    Benefit {
        deductible_yuan,
        cap_yuan,
        unreferred_rate_cut: 0.0,
    }
}

fn scheme(upward: UpwardDeductible, waived: bool) -> Scheme {
    let mut inpatient = PerTier::splat(Benefit::default());
    inpatient[Tier::Township] = benefit(300.0, f64::INFINITY);
    inpatient[Tier::County] = benefit(800.0, f64::INFINITY);
    Scheme {
        name: "s".into(),
        benefits: PerCare([PerTier::splat(Benefit::default()), inpatient]),
        rate_by_condition: vec![],
        upward_referral_deductible: upward,
        downward_referral_deductible_waived: waived,
    }
}

#[test]
fn annual_outpatient_deductible_then_rate_then_cap() {
    // Shaoxing 2015 grassroots outpatient: 50% above a 50-yuan annual deductible, 500-yuan cap.
    let b = benefit(50.0, 500.0);
    let (mut progress, mut fund) = (0.0f32, 0.0f32);
    // 30 yuan: all under the deductible.
    let s = split_outpatient(30.0, 0.5, &b, &mut progress, &mut fund);
    assert_eq!((s.fund_yuan, s.oop_yuan), (0.0, 30.0));
    // 80 yuan: 20 finishes the deductible, half of the other 60 is reimbursed.
    let s = split_outpatient(80.0, 0.5, &b, &mut progress, &mut fund);
    assert_eq!((s.fund_yuan, s.oop_yuan), (30.0, 50.0));
    // The cap: 490 already paid, a 100-yuan bill gets only the last 10.
    fund = 490.0;
    let s = split_outpatient(100.0, 0.5, &b, &mut progress, &mut fund);
    assert_eq!((s.fund_yuan, s.oop_yuan), (10.0, 90.0));
    assert_eq!(fund, 500.0);
    let s = split_outpatient(100.0, 0.5, &b, &mut progress, &mut fund);
    assert_eq!((s.fund_yuan, s.oop_yuan), (0.0, 100.0));
}

#[test]
fn inpatient_deductible_per_admission() {
    let mut annual = 0.0f32;
    let s = split_inpatient(5000.0, 0.7, 800.0, f64::INFINITY, &mut annual);
    assert!((s.fund_yuan - 2940.0).abs() < 1e-9 && (s.oop_yuan - 2060.0).abs() < 1e-9);
    // A bill under the deductible is all out of pocket.
    let s = split_inpatient(500.0, 0.7, 800.0, f64::INFINITY, &mut annual);
    assert_eq!((s.fund_yuan, s.oop_yuan), (0.0, 500.0));
    // Annual inpatient cap: 100,000 with 99,000 paid leaves 1,000.
    let mut annual = 99_000.0f32;
    let s = split_inpatient(20_000.0, 0.8, 0.0, 100_000.0, &mut annual);
    assert_eq!((s.fund_yuan, s.oop_yuan), (1000.0, 19_000.0));
}

#[test]
fn unreferred_penalty_and_gatekeeping() {
    let mut b = benefit(0.0, f64::INFINITY);
    b.unreferred_rate_cut = 0.05; // Shaoxing: unreferred out-of-region care −5 points
    let up = Arrival::ReferredUp { from: Tier::County };
    assert!(
        (effective_rate(0.6, &b, Tier::OutOfRegion, Arrival::Unreferred, None) - 0.55).abs()
            < 1e-12
    );
    assert_eq!(effective_rate(0.6, &b, Tier::OutOfRegion, up, None), 0.6);
    // Qinghai-style gatekeeping: no cover for unreferred care above grassroots.
    assert_eq!(
        effective_rate(0.6, &b, Tier::County, Arrival::Unreferred, Some(1.0)),
        0.0
    );
    assert!(
        (effective_rate(0.6, &b, Tier::Township, Arrival::Unreferred, Some(1.0)) - 0.55).abs()
            < 1e-12
    );
    assert_eq!(effective_rate(0.6, &b, Tier::County, up, Some(1.0)), 0.6);
}

#[test]
fn top_up_on_upward_referral_and_waiver_on_downward() {
    let from_township = Arrival::ReferredUp {
        from: Tier::Township,
    };
    // 补齐起付线差额: referred up from township (300) to county (800) pays only 500.
    let s = scheme(UpwardDeductible::Difference, true);
    assert_eq!(inpatient_deductible(&s, Tier::County, from_township), 500.0);
    assert_eq!(
        inpatient_deductible(&s, Tier::County, Arrival::Unreferred),
        800.0
    );
    // Down-referral waiver: no deductible at township.
    assert_eq!(
        inpatient_deductible(&s, Tier::Township, Arrival::ReferredDown),
        0.0
    );
    // Without the rules, the full deductible.
    let s = scheme(UpwardDeductible::Full, false);
    assert_eq!(inpatient_deductible(&s, Tier::County, from_township), 800.0);
    assert_eq!(
        inpatient_deductible(&s, Tier::Township, Arrival::ReferredDown),
        300.0
    );
}

#[test]
fn fund_plus_out_of_pocket_is_the_bill() {
    let b = benefit(13.0, 200.0);
    let (mut progress, mut fund) = (0.0f32, 0.0f32);
    for k in 0..200 {
        let cost = 7.3 * k as f64 + 0.11;
        let s = split_outpatient(cost, 0.37, &b, &mut progress, &mut fund);
        assert!((s.fund_yuan + s.oop_yuan - cost).abs() < 1e-9);
        assert!(s.fund_yuan >= 0.0 && s.oop_yuan >= 0.0);
    }
    assert!(fund <= 200.0 + 1e-3);
}
