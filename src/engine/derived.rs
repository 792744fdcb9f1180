//! Per-epoch lookup tables the engine builds from a [`Model`]: samplers and arrival weights.

use rand::Rng;
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal};

use crate::domain::Area;
use crate::model::{DAYS_PER_YEAR, Model};
use crate::tier::{N_TIERS, PerTier, Tier};

/// A length-of-stay distribution.
#[derive(Clone, Copy, Debug)]
pub enum StayDistribution {
    /// Exponential with this mean, days.
    Exponential(f64),
    /// Gamma.
    Gamma(Gamma<f64>),
}

impl StayDistribution {
    fn new(mean_days: f64, cv: f64) -> Self {
        if cv == 1.0 || mean_days <= 0.0 {
            StayDistribution::Exponential(mean_days)
        } else {
            let shape = 1.0 / (cv * cv);
            StayDistribution::Gamma(
                Gamma::new(shape, mean_days / shape)
                    .expect("validated mean and cv give a valid gamma"),
            )
        }
    }

    /// Draws a stay, days.
    #[inline]
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        match self {
            StayDistribution::Exponential(m) => m * Distribution::<f64>::sample(&Exp1, rng),
            StayDistribution::Gamma(g) => g.sample(rng),
        }
    }
}

/// A cost distribution: fixed, or lognormal with a given mean and coefficient of variation.
#[derive(Clone, Copy, Debug)]
pub enum CostDistribution {
    /// Always this many yuan.
    Fixed(f64),
    /// Lognormal.
    LogNormal(LogNormal<f64>),
}

impl CostDistribution {
    fn new(mean_yuan: f64, cv: f64) -> Self {
        if cv == 0.0 || mean_yuan <= 0.0 {
            CostDistribution::Fixed(mean_yuan)
        } else {
            let sigma2 = (1.0 + cv * cv).ln();
            let mu = mean_yuan.ln() - sigma2 / 2.0;
            CostDistribution::LogNormal(
                LogNormal::new(mu, sigma2.sqrt())
                    .expect("validated mean and cv give a valid lognormal"),
            )
        }
    }

    /// Draws a cost, yuan.
    #[inline]
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        match self {
            CostDistribution::Fixed(x) => *x,
            CostDistribution::LogNormal(d) => d.sample(rng),
        }
    }
}

/// The engine's view of one epoch's parameters.
#[derive(Clone, Debug)]
pub struct Derived {
    /// Onsets per day over the whole simulated population.
    pub onset_rate_per_day: f64,
    /// Onsets per day of each (group, condition) pair, in alias order: an epoch that leaves
    /// them unchanged keeps the onsets already drawn.
    pub onset_weights: Vec<f64>,
    /// Samples a (group, condition) pair in proportion to its onset rate.
    pub onset_pairs: Option<WeightedAliasIndex<f64>>,
    /// The (group, condition) of each alias entry.
    pub pair_of: Vec<(u8, u8)>,
    /// Stay samplers by condition and tier.
    pub stay: Vec<[StayDistribution; N_TIERS]>,
    /// Outpatient cost samplers by condition and tier.
    pub outpatient_cost: Vec<[CostDistribution; N_TIERS]>,
    /// Inpatient cost samplers by condition and tier.
    pub inpatient_cost: Vec<[CostDistribution; N_TIERS]>,
    /// Nearest capable tier by area (urban, rural) and condition, for emergencies.
    pub nearest_capable: [Vec<Tier>; 2],
    /// The next tier up with beds (a finite positive number or unlimited), per tier.
    pub next_with_beds: PerTier<Option<Tier>>,
}

impl Derived {
    /// Builds the tables for `model` with `active[g]` people in each group.
    pub fn new(model: &Model, active: &[u32]) -> Self {
        let mut weights = Vec::new();
        let mut pair_of = Vec::new();
        for (ci, c) in model.conditions.iter().enumerate() {
            for (gi, &n) in active.iter().enumerate() {
                weights.push(n as f64 * c.incidence_per_year[gi] / DAYS_PER_YEAR);
                pair_of.push((gi as u8, ci as u8));
            }
        }
        let total: f64 = weights.iter().sum();
        let onset_pairs = (total > 0.0).then(|| {
            WeightedAliasIndex::new(weights.clone())
                .expect("weights are finite, non-negative, not all zero")
        });
        // A patient diverted or referred to a tier the condition gives no stay or cost for is
        // treated as at the nearest tier below that has them (else the nearest above).
        let donor = |c: &crate::model::Condition, i: usize| -> usize {
            if c.los_days.0[i] > 0.0 {
                return i;
            }
            (0..i)
                .rev()
                .chain(i + 1..N_TIERS)
                .find(|&j| c.los_days.0[j] > 0.0)
                .unwrap_or(i)
        };
        let stay = model
            .conditions
            .iter()
            .map(|c| {
                std::array::from_fn(|i| StayDistribution::new(c.los_days.0[donor(c, i)], c.los_cv))
            })
            .collect();
        let outpatient_cost = model
            .conditions
            .iter()
            .map(|c| {
                std::array::from_fn(|i| {
                    CostDistribution::new(c.outpatient_cost_yuan.0[i], c.cost_cv)
                })
            })
            .collect();
        let inpatient_cost = model
            .conditions
            .iter()
            .map(|c| {
                std::array::from_fn(|i| {
                    let j = if c.inpatient_cost_yuan.0[i] > 0.0 || c.los_days.0[i] > 0.0 {
                        i
                    } else {
                        donor(c, i)
                    };
                    CostDistribution::new(c.inpatient_cost_yuan.0[j], c.cost_cv)
                })
            })
            .collect();
        let nearest = |area: Area| -> Vec<Tier> {
            let col = (area == Area::Rural) as usize;
            model
                .conditions
                .iter()
                .map(|c| {
                    model
                        .present_tiers()
                        .filter(|t| *t >= c.lowest_tier)
                        .min_by(|a, b| {
                            let ta = model.tiers[*a]
                                .as_ref()
                                .map_or(f64::INFINITY, |s| s.travel_minutes[col]);
                            let tb = model.tiers[*b]
                                .as_ref()
                                .map_or(f64::INFINITY, |s| s.travel_minutes[col]);
                            ta.total_cmp(&tb).then(a.cmp(b))
                        })
                        .expect("the lowest capable tier is present")
                })
                .collect()
        };
        let next_with_beds = PerTier(std::array::from_fn(|i| {
            Tier::ALL[i + 1..]
                .iter()
                .copied()
                .find(|t| model.tiers[*t].as_ref().is_some_and(|s| s.beds != Some(0)))
        }));
        Derived {
            onset_rate_per_day: total,
            onset_weights: weights,
            onset_pairs,
            pair_of,
            stay,
            outpatient_cost,
            inpatient_cost,
            nearest_capable: [nearest(Area::Urban), nearest(Area::Rural)],
            next_with_beds,
        }
    }
}
