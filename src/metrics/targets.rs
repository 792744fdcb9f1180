//! Judging targets: the projected value, its band, and the share of replications meeting it.

use std::collections::BTreeMap;

use super::Breakdown;
use super::bands::{Band, RowKey};
use crate::catalog;
use crate::domain::TargetBasis;
use crate::model::{Model, Target};

/// How a run did against one target.
#[derive(Clone, Debug)]
pub struct TargetResult {
    /// The target.
    pub target: Target,
    /// Band of the projected value (None if the metric was never defined, e.g. no admissions).
    pub projected: Option<Band>,
    /// Share of replications meeting the target.
    pub share_meeting: f64,
    /// Whether the mean projection meets it.
    pub met: bool,
}

/// Judges every target of `model` against per-replication values (paired by replication).
pub fn judge(
    model: &Model,
    values: &BTreeMap<RowKey, Vec<f64>>,
    n_replications: usize,
) -> Vec<TargetResult> {
    model
        .targets
        .iter()
        .map(|t| {
            let (mi, _) =
                catalog::metric(&t.metric).expect("targets are validated against the catalogue");
            let key = Breakdown::parse(&t.tier, model).expect("target breakdowns are validated");
            let compared = compared_values(
                t,
                values.get(&(t.year, mi, key)),
                t.base_year.map(|y| values.get(&(y, mi, key))),
            );
            match compared {
                Some(v) if !v.is_empty() => {
                    let band = Band::of(&v);
                    let meeting = v.iter().filter(|x| t.is_met_by(**x)).count();
                    TargetResult {
                        target: t.clone(),
                        met: t.is_met_by(band.mean),
                        projected: Some(band),
                        share_meeting: meeting as f64 / n_replications as f64,
                    }
                }
                _ => TargetResult {
                    target: t.clone(),
                    projected: None,
                    share_meeting: 0.0,
                    met: false,
                },
            }
        })
        .collect()
}

/// The per-replication quantity a target compares: the level, or its change from a base year.
///
/// Replications pair up by index; a replication where the metric is undefined in either year is
/// left out (values are only absent for ratios with a zero denominator).
fn compared_values(
    t: &Target,
    now: Option<&Vec<f64>>,
    base: Option<Option<&Vec<f64>>>,
) -> Option<Vec<f64>> {
    let now = now?;
    match (t.basis, base) {
        (TargetBasis::Level, _) | (_, None) => Some(now.clone()),
        (_, Some(None)) => None,
        (TargetBasis::YoyChange, Some(Some(before))) => Some(
            now.iter()
                .zip(before)
                .filter(|(_, b)| **b != 0.0)
                .map(|(a, b)| a / b - 1.0)
                .collect(),
        ),
        (TargetBasis::ChangeSince, Some(Some(before))) => {
            Some(now.iter().zip(before).map(|(a, b)| a - b).collect())
        }
    }
}
