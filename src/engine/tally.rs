//! Raw yearly counts and sums an engine run accumulates (in the simulated sample, unscaled).

use crate::tier::N_TIERS;

/// Counts and sums for one tier in one year.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// Admissions the patient declined over their out-of-pocket cost.
    pub admissions_declined: u64,
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

/// Counts and sums for one slice of the population (a group, a condition or a signing status):
/// what the `group`, `condition` and `signing` breakdowns of the outputs report.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SliceTally {
    /// Episodes that reached a care decision.
    pub episodes: u64,
    /// Episodes treated at home.
    pub self_care: u64,
    /// Outpatient visits by tier.
    pub visits: [u64; N_TIERS],
    /// Stays begun by tier.
    pub admissions: [u64; N_TIERS],
    /// Cost of care, yuan.
    pub cost_yuan: f64,
    /// Fund payments, yuan.
    pub fund_yuan: f64,
    /// Out-of-pocket payments, yuan.
    pub oop_yuan: f64,
    /// First contacts for a condition a grassroots tier can treat (emergencies excluded).
    pub bypass_eligible: u64,
    /// Of those, first contacts at county level or above.
    pub bypassed: u64,
}

impl SliceTally {
    fn absorb(&mut self, b: &SliceTally) {
        self.episodes += b.episodes;
        self.self_care += b.self_care;
        for i in 0..N_TIERS {
            self.visits[i] += b.visits[i];
            self.admissions[i] += b.admissions[i];
        }
        self.cost_yuan += b.cost_yuan;
        self.fund_yuan += b.fund_yuan;
        self.oop_yuan += b.oop_yuan;
        self.bypass_eligible += b.bypass_eligible;
        self.bypassed += b.bypassed;
    }
}

/// Everything recorded for one simulated year (or month) of one replication.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct YearTally {
    /// Calendar year.
    pub year: i32,
    /// Month 1–12 for a monthly tally, 0 for a whole year.
    pub month: u8,
    /// Days simulated in this period (365, or less for a short final year).
    pub days: f64,
    /// Per-tier counts.
    pub tiers: [TierTally; N_TIERS],
    /// Signing fees, yuan.
    pub programme_cost_yuan: f64,
    /// Signed residents per group at year end.
    pub signed_by_group: Vec<u64>,
    /// Residents per group.
    pub people_by_group: Vec<u64>,
    /// Care by population group.
    pub by_group: Vec<SliceTally>,
    /// Care by condition.
    pub by_condition: Vec<SliceTally>,
    /// Care by signing status at the time of care: `[unsigned, signed]`.
    pub by_signing: [SliceTally; 2],
}

impl YearTally {
    /// An empty tally for `year` with `n_groups` groups and `n_conditions` conditions.
    pub fn new(year: i32, n_groups: usize, n_conditions: usize) -> Self {
        YearTally {
            year,
            signed_by_group: vec![0; n_groups],
            people_by_group: vec![0; n_groups],
            by_group: vec![SliceTally::default(); n_groups],
            by_condition: vec![SliceTally::default(); n_conditions],
            ..Default::default()
        }
    }

    /// Episodes that reached a care decision (every episode is signed or unsigned).
    pub fn episodes(&self) -> u64 {
        self.by_signing.iter().map(|s| s.episodes).sum()
    }

    /// Episodes treated at home.
    pub fn self_care(&self) -> u64 {
        self.by_signing.iter().map(|s| s.self_care).sum()
    }

    /// An empty tally of the same shape for `year`.
    pub fn empty_like(&self, year: i32) -> Self {
        YearTally::new(year, self.by_group.len(), self.by_condition.len())
    }

    /// Adds a later period of the same year: flows add up, end-of-period stocks (beds in use,
    /// queues, signed residents, group sizes) are the later period's.
    pub fn absorb(&mut self, later: &YearTally) {
        self.days += later.days;
        self.programme_cost_yuan += later.programme_cost_yuan;
        self.signed_by_group.clone_from(&later.signed_by_group);
        self.people_by_group.clone_from(&later.people_by_group);
        for (a, b) in self.by_group.iter_mut().zip(&later.by_group) {
            a.absorb(b);
        }
        for (a, b) in self.by_condition.iter_mut().zip(&later.by_condition) {
            a.absorb(b);
        }
        for (a, b) in self.by_signing.iter_mut().zip(&later.by_signing) {
            a.absorb(b);
        }
        for (a, b) in self.tiers.iter_mut().zip(&later.tiers) {
            a.visits += b.visits;
            a.admissions += b.admissions;
            a.discharges += b.discharges;
            a.referrals_up += b.referrals_up;
            a.referrals_down += b.referrals_down;
            a.diversions += b.diversions;
            a.admissions_unplaced += b.admissions_unplaced;
            a.admissions_declined += b.admissions_declined;
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
