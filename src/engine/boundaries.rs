//! The precomputed boundaries of a run: year ends, epoch switches, monthly signing updates.

use crate::model::{DAYS_PER_YEAR, Plan};

/// What happens at a boundary.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub(super) enum BoundaryKind {
    YearEnd { last: bool },
    MonthEnd,
    Epoch(usize),
    Signing,
}

impl BoundaryKind {
    pub(super) fn order(self) -> u8 {
        match self {
            BoundaryKind::YearEnd { .. } | BoundaryKind::MonthEnd => 0,
            BoundaryKind::Epoch(_) => 1,
            BoundaryKind::Signing => 2,
        }
    }
}

/// Year ends, epoch switches and monthly signing updates, in processing order.
pub(super) fn boundaries(plan: &Plan) -> Vec<(f64, BoundaryKind)> {
    let run = &plan.base().run;
    let t0 = -(run.warmup_years as f64) * DAYS_PER_YEAR;
    let mut out = Vec::new();
    for k in 1..=run.warmup_years {
        out.push((
            t0 + k as f64 * DAYS_PER_YEAR,
            BoundaryKind::YearEnd { last: false },
        ));
    }
    let n_years = (run.horizon_days / DAYS_PER_YEAR).ceil() as u32;
    for y in 1..=n_years {
        let end = (y as f64 * DAYS_PER_YEAR).min(run.horizon_days);
        out.push((end, BoundaryKind::YearEnd { last: y == n_years }));
    }
    if run.monthly_outputs {
        for y in 0..n_years {
            for m in 1..12 {
                let t = y as f64 * DAYS_PER_YEAR + m as f64 * DAYS_PER_YEAR / 12.0;
                if t < run.horizon_days {
                    out.push((t, BoundaryKind::MonthEnd));
                }
            }
        }
    }
    for (k, e) in plan.epochs.iter().enumerate().skip(1) {
        out.push((e.start_day, BoundaryKind::Epoch(k)));
    }
    let signing_used = plan.epochs.iter().any(|e| {
        e.model
            .groups
            .iter()
            .any(|g| g.signing_path.iter().any(|(_, c)| *c > 0.0))
    });
    if signing_used {
        let month = DAYS_PER_YEAR / 12.0;
        let mut k = 1;
        while t0 + k as f64 * month < run.horizon_days {
            out.push((t0 + k as f64 * month, BoundaryKind::Signing));
            k += 1;
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.order().cmp(&b.1.order())));
    out
}
