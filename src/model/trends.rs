//! Price levels and yearly trends: what moves over time besides the timeline's levers.
//!
//! A price index multiplies every tier's costs of one care type when the model is built, so the
//! engine and the choice model see the same prices. Trends (nominal price growth, income growth,
//! growth of a tier's perceived quality) are applied per reported year: [`super::Plan`] adds an
//! epoch at each 1 January when a trend is set and calls [`super::Model::apply_trends`] on it.
//! Income growth divides the weight of each yuan (utility per yuan) by the income index: a
//! yuan matters less to a richer person.

use super::checks::{check_at_most, check_utility, out_of_range};
use super::{Condition, Model, Referral};
use crate::scenario::ScenarioError;
use crate::scenario::raw::RawScenario;
use crate::tier::{PerTier, Tier};

/// Largest yearly growth rate accepted for prices and incomes (±50% a year).
const MAX_GROWTH_PER_YEAR: f64 = 0.5;
/// Largest price index accepted.
const MAX_PRICE_INDEX: f64 = 100.0;

/// Yearly trends from the start year on.
#[derive(Clone, Debug, PartialEq)]
pub struct Trends {
    /// Nominal price growth per year (every cost).
    pub price_growth_per_year: f64,
    /// Income growth per year (divides the utility per yuan).
    pub income_growth_per_year: f64,
    /// Growth of perceived quality per year, utility.
    pub quality_growth_per_year: PerTier<f64>,
}

fn check_growth(path: &str, x: f64) -> Result<f64, ScenarioError> {
    if x.is_finite() && x.abs() <= MAX_GROWTH_PER_YEAR {
        Ok(x)
    } else {
        Err(out_of_range(
            path,
            &format!("a yearly growth rate from −{MAX_GROWTH_PER_YEAR} to {MAX_GROWTH_PER_YEAR}"),
            x,
        ))
    }
}

impl Trends {
    /// Validated trends of a scenario.
    pub(super) fn from_raw(raw: &RawScenario) -> Result<Trends, ScenarioError> {
        let mut quality = PerTier::splat(0.0);
        for (t, entry) in Tier::ALL.into_iter().zip(raw.tiers.entries()) {
            if let Some(rt) = entry {
                quality[t] = check_utility(
                    format!("tiers.{}.quality_growth_per_year", t.name()),
                    rt.quality_growth_per_year,
                )?;
            }
        }
        Ok(Trends {
            price_growth_per_year: check_growth(
                "prices.growth_per_year",
                raw.prices.growth_per_year,
            )?,
            income_growth_per_year: check_growth(
                "trends.income_growth_per_year",
                raw.trends.income_growth_per_year,
            )?,
            quality_growth_per_year: quality,
        })
    }

    /// Whether anything changes from year to year.
    pub fn is_active(&self) -> bool {
        self.price_growth_per_year != 0.0
            || self.income_growth_per_year != 0.0
            || self.quality_growth_per_year.0.iter().any(|&q| q != 0.0)
    }
}

/// Multiplies every condition's costs (and the recovery-day cost) by the scenario's indices.
pub(super) fn apply_price_index(
    raw: &RawScenario,
    conditions: &mut [Condition],
    referral: &mut Referral,
) -> Result<(), ScenarioError> {
    let index = |path: &str, x: f64| {
        if x > 0.0 {
            check_at_most(path, x, MAX_PRICE_INDEX, "")
        } else {
            Err(out_of_range(
                path,
                &format!("a price index above 0 and at most {MAX_PRICE_INDEX}"),
                x,
            ))
        }
    };
    let outpatient = index("prices.outpatient_index", raw.prices.outpatient_index)?;
    let inpatient = index("prices.inpatient_index", raw.prices.inpatient_index)?;
    scale_prices(conditions, referral, outpatient, inpatient);
    Ok(())
}

fn scale_prices(
    conditions: &mut [Condition],
    referral: &mut Referral,
    outpatient: f64,
    inpatient: f64,
) {
    for c in conditions {
        for t in Tier::ALL {
            c.outpatient_cost_yuan[t] *= outpatient;
            c.inpatient_cost_yuan[t] *= inpatient;
        }
    }
    referral.rehab_cost_per_day_yuan *= inpatient;
}

impl Model {
    /// The model `years` reported years after the start: prices and incomes grown, tier
    /// qualities moved by their yearly growth.
    pub fn apply_trends(&mut self, years: u32) {
        let k = years.min(i32::MAX as u32) as i32;
        let tr = &self.trends;
        let price = (1.0 + tr.price_growth_per_year).powi(k);
        let income = (1.0 + tr.income_growth_per_year).powi(k);
        scale_prices(&mut self.conditions, &mut self.referral, price, price);
        let b = &mut self.behaviour;
        b.cost_per_yuan /= income;
        b.inpatient_cost_per_yuan /= income;
        b.village_cost_per_yuan /= income;
        for t in Tier::ALL {
            if let Some(s) = self.tiers[t].as_mut() {
                s.quality += tr.quality_growth_per_year[t] * k as f64;
            }
        }
    }
}
