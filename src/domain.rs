//! The domain's vocabulary that is neither a tier nor a number: where people live, kinds of
//! care, what happens when beds are full, how referral rules and deductibles work, how targets
//! compare. Scenario files name these words (serde derives spell them as the files do), and
//! the model, engine, insurance, choice and metrics use them; they live here so that none of
//! those depends on the file mirror (`scenario::raw`).

use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

/// Whether a group lives in a city district or a rural county (sets travel times).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// City districts.
    Urban,
    /// Rural townships and villages.
    Rural,
}

/// How the inpatient deductible is charged after an upward referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpwardDeductible {
    /// The receiving tier's full deductible.
    Full,
    /// Only the difference from the sending tier's deductible (补齐起付线差额).
    Difference,
}

/// Outpatient or inpatient care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Care {
    /// Outpatient and emergency visits.
    Outpatient,
    /// Admissions.
    Inpatient,
}

/// What happens when an admission finds every bed at its tier taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenBedsFull {
    /// Wait first-come first-served (referred or signed patients first where priority is set).
    Wait,
    /// Go to the next tier up with a free bed (a diversion); if none has one, the admission is
    /// also counted as unplaced.
    Divert,
}

/// What a first-contact rule does to unreferred care above the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstContactRule {
    /// No rule.
    None,
    /// Such care is not offered to a patient the rule binds: they start at or below the gate.
    Refuse,
    /// Such care is offered but the fund pays nothing for it (visits and the admission).
    NoReimbursement,
}

/// The care a referral rule covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GatekeepingCare {
    /// Outpatient visits and admissions.
    Both,
    /// Outpatient visits only.
    Outpatient,
    /// Admissions only (Qinghai's chain is for inpatients).
    Inpatient,
}

impl GatekeepingCare {
    /// Whether the rule covers `care`.
    pub fn covers(self, care: Care) -> bool {
        match self {
            GatekeepingCare::Both => true,
            GatekeepingCare::Outpatient => care == Care::Outpatient,
            GatekeepingCare::Inpatient => care == Care::Inpatient,
        }
    }
}

/// Comparison a target makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum TargetOp {
    /// At least the value.
    #[serde(rename = ">=")]
    AtLeast,
    /// At most the value.
    #[serde(rename = "<=")]
    AtMost,
}

impl TargetOp {
    /// `>=` or `<=`, as scenario files write it.
    pub fn symbol(self) -> &'static str {
        match self {
            TargetOp::AtLeast => ">=",
            TargetOp::AtMost => "<=",
        }
    }
}

/// What a target compares with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetBasis {
    /// The metric's value in `year`.
    Level,
    /// Relative change from the previous year: value(year) / value(year − 1) − 1 (e.g. −0.10).
    YoyChange,
    /// Absolute change from year `since`: value(year) − value(since) (points for fractions).
    ChangeSince,
}

/// One value per care type (outpatient, inpatient), indexed by [`Care`].
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct PerCare<T>(pub [T; 2]);

impl<T: Copy> PerCare<T> {
    /// The same value for both care types.
    pub fn splat(x: T) -> Self {
        PerCare([x; 2])
    }
}

impl<T> Index<Care> for PerCare<T> {
    type Output = T;
    fn index(&self, care: Care) -> &T {
        &self.0[care as usize]
    }
}

impl<T> IndexMut<Care> for PerCare<T> {
    fn index_mut(&mut self, care: Care) -> &mut T {
        &mut self.0[care as usize]
    }
}
