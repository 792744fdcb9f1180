//! Raw yearly counts and sums an engine run accumulates (in the simulated sample, unscaled).

use crate::tier::N_TIERS;

/// Counts and sums for one tier in one year.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TierTally {
    /// Outpatient visits.
    pub visits: u64,
    /// Stays begun.
    pub admissions: u64,
    /// Stays ended.
    pub discharges: u64,
    /// Upward referrals made by this tier.
    pub referrals_up: u64,
    /// Downward referrals made by this tier.
    pub referrals_down: u64,
    /// Admissions turned away because this tier was full.
    pub diversions: u64,
    /// Admissions that found no bed at any tier above (divert mode, or no tier above has beds).
    pub admissions_unplaced: u64,
    /// Occupied bed-days.
    pub busy_bed_days: f64,
    /// Available bed-days (finite capacity only).
    pub available_bed_days: f64,
    /// Sum of bed waits of admissions begun, days.
    pub wait_days: f64,
    /// Sum of lengths of stay of discharges, days.
    pub stay_days: f64,
    /// Outpatient cost, yuan.
    pub outpatient_cost_yuan: f64,
    /// Inpatient cost, yuan.
    pub inpatient_cost_yuan: f64,
    /// Fund payments, yuan.
    pub fund_yuan: f64,
    /// Out-of-pocket payments, yuan.
    pub oop_yuan: f64,
    /// Patients in a bed at year end.
    pub in_bed_at_end: u64,
    /// Patients waiting at year end.
    pub waiting_at_end: u64,
}

/// Everything recorded for one simulated year (or month) of one replication.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearTally {
    /// Calendar year.
    pub year: i32,
    /// Month 1–12 for a monthly tally, 0 for a whole year.
    pub month: u8,
    /// Days simulated in this period (365, or less for a short final year).
    pub days: f64,
    /// Per-tier counts.
    pub tiers: [TierTally; N_TIERS],
    /// Episodes that reached a care decision.
    pub episodes: u64,
    /// Episodes treated at home.
    pub self_care: u64,
    /// Signing fees, yuan.
    pub programme_cost_yuan: f64,
    /// Signed residents per group at year end.
    pub signed_by_group: Vec<u64>,
    /// Residents per group.
    pub people_by_group: Vec<u64>,
}

impl YearTally {
    /// An empty tally for `year` with `n_groups` groups.
    pub fn new(year: i32, n_groups: usize) -> Self {
        YearTally {
            year,
            signed_by_group: vec![0; n_groups],
            people_by_group: vec![0; n_groups],
            ..Default::default()
        }
    }

    /// Adds a later period of the same year: flows add up, end-of-period stocks (beds in use,
    /// queues, signed residents, group sizes) are the later period's.
    pub fn absorb(&mut self, later: &YearTally) {
        self.days += later.days;
        self.episodes += later.episodes;
        self.self_care += later.self_care;
        self.programme_cost_yuan += later.programme_cost_yuan;
        self.signed_by_group.clone_from(&later.signed_by_group);
        self.people_by_group.clone_from(&later.people_by_group);
        for (a, b) in self.tiers.iter_mut().zip(&later.tiers) {
            a.visits += b.visits;
            a.admissions += b.admissions;
            a.discharges += b.discharges;
            a.referrals_up += b.referrals_up;
            a.referrals_down += b.referrals_down;
            a.diversions += b.diversions;
            a.admissions_unplaced += b.admissions_unplaced;
            a.busy_bed_days += b.busy_bed_days;
            a.available_bed_days += b.available_bed_days;
            a.wait_days += b.wait_days;
            a.stay_days += b.stay_days;
            a.outpatient_cost_yuan += b.outpatient_cost_yuan;
            a.inpatient_cost_yuan += b.inpatient_cost_yuan;
            a.fund_yuan += b.fund_yuan;
            a.oop_yuan += b.oop_yuan;
            a.in_bed_at_end = b.in_bed_at_end;
            a.waiting_at_end = b.waiting_at_end;
        }
    }
}
