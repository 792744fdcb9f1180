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
    /// Diverted admissions that found no bed anywhere above.
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

/// Everything recorded for one simulated year of one replication.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearTally {
    /// Calendar year.
    pub year: i32,
    /// Days simulated in this year (365, or less for a short final year).
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
}
