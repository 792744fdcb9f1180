//! Evaluating one candidate: the scenario at the candidate's values and each variant a target
//! needs (the change made on 1 January of its year), every variant on the same replications
//! and seed, so two candidates differ only by their parameters (common random numbers, exact:
//! each episode's draws are keyed to it).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use super::{Calibration, Target};
use crate::catalog;
use crate::metrics::bands::Band;
use crate::metrics::{Breakdown, MetricValue};
use crate::monte_carlo::{Prepared, RunError};
use crate::scenario::raw::CalibrationTargetKind as Kind;
use crate::scenario::{self, Scenario};
use crate::study::run_points;

/// Objective contribution of a target whose simulated value is undefined (e.g. a share of
/// nothing): large, so the search moves away, but finite, so the simplex stays ordered.
const UNDEFINED_PENALTY: f64 = 1e6;

/// How one target fared at one candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Simulated value (from the replications' means; NaN if undefined).
    pub simulated: f64,
    /// Band of the per-replication values (paired per replication for responses).
    pub band: Option<Band>,
    /// Whether |simulated − value| ≤ tolerance.
    pub met: bool,
}

/// One evaluated candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Parameter values, in the calibration's order.
    pub values: Vec<f64>,
    /// Σ weight × ((simulated − value) ÷ tolerance)².
    pub objective: f64,
    /// One fit per target, in the calibration's order.
    pub fits: Vec<Fit>,
}

impl Evaluation {
    /// Targets met.
    pub fn met(&self) -> usize {
        self.fits.iter().filter(|f| f.met).count()
    }
}

/// A variant of the scenario a target is read in: the change made on 1 January of `year`
/// (none: the scenario as it is).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Variant {
    year: i32,
    change: Vec<String>,
    /// The change holds for the whole run (as `--set`), not from 1 January of `year`.
    from_start: bool,
}

/// Evaluates candidates of one calibration.
pub struct Evaluator<'a> {
    calibration: &'a Calibration,
    file: PathBuf,
    overrides: Vec<String>,
    /// Variant 0 is the scenario as it is.
    variants: Vec<Variant>,
    replications: Vec<u32>,
    threads: usize,
}

type Lookup = HashMap<(i32, usize, Breakdown), f64>;

impl<'a> Evaluator<'a> {
    /// An evaluator of `calibration` for the scenario `scenario` was loaded as (its file and
    /// overrides; the candidate's values are added to the overrides).
    pub fn new(calibration: &'a Calibration, scenario: &Scenario, threads: usize) -> Self {
        let mut variants = vec![Variant {
            year: 0,
            change: Vec::new(),
            from_start: false,
        }];
        for t in &calibration.targets {
            let v = variant_of(t);
            if !v.change.is_empty() && !variants.contains(&v) {
                variants.push(v);
            }
        }
        Evaluator {
            calibration,
            file: scenario.main_file().to_path_buf(),
            overrides: scenario.overrides.clone(),
            variants,
            replications: (0..calibration.replications).collect(),
            threads,
        }
    }

    /// The scenario at `values`, with the candidate's overrides.
    fn scenario_at(&self, values: &[f64]) -> Result<Scenario> {
        let mut overrides = self.overrides.clone();
        overrides.extend(self.calibration.overrides(values));
        Ok(scenario::load(&self.file, &overrides)?)
    }

    /// Runs every variant at `values` and scores each target. Cancelled runs return
    /// [`RunError::Cancelled`].
    pub fn evaluate(&self, values: &[f64], cancel: &AtomicBool) -> Result<Evaluation> {
        let base = self.scenario_at(values)?;
        let mut prepared = Vec::with_capacity(self.variants.len());
        for v in &self.variants {
            let s = if v.change.is_empty() {
                base.clone()
            } else if v.from_start {
                let mut overrides = self.overrides.clone();
                overrides.extend(self.calibration.overrides(values));
                overrides.extend(v.change.iter().cloned());
                scenario::load(&self.file, &overrides)?
            } else {
                base.with_timeline_entry(&format!("{}-01-01", v.year), &v.change, "calibration")?
            };
            prepared.push(Prepared::new(s, true)?);
        }
        let refs: Vec<&Prepared> = prepared.iter().collect();
        let ran = run_points(
            &refs,
            &self.replications,
            self.threads,
            cancel,
            |_| indicatif::ProgressBar::hidden(),
            |_, _| Ok(()),
        );
        let ran = match ran {
            Ok(r) => r,
            Err(RunError::Cancelled) => return Err(RunError::Cancelled.into()),
            Err(e) => return Err(e.into()),
        };
        let lookups: Vec<Vec<Lookup>> = ran
            .iter()
            .map(|point| point.iter().map(|rep| lookup(rep)).collect())
            .collect();
        let fits: Vec<Fit> = self
            .calibration
            .targets
            .iter()
            .map(|t| self.fit(t, &lookups))
            .collect();
        let objective = self
            .calibration
            .targets
            .iter()
            .zip(&fits)
            .map(|(t, f)| {
                let z = (f.simulated - t.value) / t.tolerance;
                if z.is_finite() {
                    t.weight * z * z
                } else {
                    t.weight.max(1.0) * UNDEFINED_PENALTY
                }
            })
            .sum();
        Ok(Evaluation {
            values: values.to_vec(),
            objective,
            fits,
        })
    }

    fn fit(&self, t: &Target, lookups: &[Vec<Lookup>]) -> Fit {
        let metric = catalog::metric(t.metric).expect("validated").0;
        let variant = self
            .variants
            .iter()
            .position(|v| *v == variant_of(t))
            .unwrap_or(0);
        let series = |v: usize, b: Breakdown| -> Vec<Option<f64>> {
            lookups[v]
                .iter()
                .map(|l| {
                    l.get(&(t.year, metric, b))
                        .copied()
                        .filter(|x| x.is_finite())
                })
                .collect()
        };
        let odds = |p: f64| p / (1.0 - p);
        let (simulated, per_rep): (f64, Vec<f64>) = match t.kind {
            Kind::Level => {
                let xs: Vec<f64> = series(variant, t.breakdown).into_iter().flatten().collect();
                (mean(&xs), xs)
            }
            Kind::RelativeChange | Kind::Elasticity => {
                let per = if t.kind == Kind::Elasticity {
                    t.parameter_change
                } else {
                    1.0
                };
                let before = series(0, t.breakdown);
                let after = series(variant, t.breakdown);
                let pairs: Vec<(f64, f64)> = before
                    .iter()
                    .zip(&after)
                    .filter_map(|(b, a)| Some(((*b)?, (*a)?)))
                    .collect();
                let (mb, ma) = (
                    mean(&pairs.iter().map(|p| p.0).collect::<Vec<_>>()),
                    mean(&pairs.iter().map(|p| p.1).collect::<Vec<_>>()),
                );
                let xs = pairs.iter().map(|(b, a)| (a / b - 1.0) / per).collect();
                ((ma / mb - 1.0) / per, xs)
            }
            Kind::OddsRatio => {
                let versus = t.versus.expect("validated: odds ratios have versus");
                let pairs: Vec<(f64, f64)> = series(variant, t.breakdown)
                    .iter()
                    .zip(&series(variant, versus))
                    .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
                    .collect();
                let (mx, my) = (
                    mean(&pairs.iter().map(|p| p.0).collect::<Vec<_>>()),
                    mean(&pairs.iter().map(|p| p.1).collect::<Vec<_>>()),
                );
                let xs = pairs.iter().map(|(x, y)| odds(*x) / odds(*y)).collect();
                (odds(mx) / odds(my), xs)
            }
        };
        let per_rep: Vec<f64> = per_rep.into_iter().filter(|x| x.is_finite()).collect();
        let simulated = if simulated.is_finite() {
            simulated
        } else {
            f64::NAN
        };
        Fit {
            simulated,
            band: (!per_rep.is_empty()).then(|| Band::of(&per_rep)),
            met: (simulated - t.value).abs() <= t.tolerance,
        }
    }
}

fn variant_of(t: &Target) -> Variant {
    match (t.change.is_empty(), t.change_from_start) {
        (true, _) => Variant {
            year: 0,
            change: Vec::new(),
            from_start: false,
        },
        (false, true) => Variant {
            year: 0,
            change: t.change.clone(),
            from_start: true,
        },
        (false, false) => Variant {
            year: t.year,
            change: t.change.clone(),
            from_start: false,
        },
    }
}

fn lookup(values: &[MetricValue]) -> Lookup {
    values
        .iter()
        .filter(|v| v.month == 0)
        .map(|v| ((v.year, v.metric, v.breakdown), v.value))
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        f64::NAN
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}
