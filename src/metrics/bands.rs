//! Bands over replications: mean, standard deviation and percentiles of each metric.
//!
//! Percentiles interpolate linearly between order statistics (Hyndman–Fan type 7, the default
//! of R and NumPy), so planners can reproduce a band from replications.csv with the tools they
//! already use. It is four lines, so it is written here rather than pulling in a statistics
//! crate whose estimator differs.

use std::collections::BTreeMap;

use super::{Breakdown, MetricValue};

/// Summary of one metric over replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// Replications in which the metric was defined.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 with one replication).
    pub sd: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// The uncertainty of a mean over replications: its standard error and 95% confidence interval.
///
/// A band's 5th–95th percentiles say how much one replication varies; this says how well the
/// replications pin down the mean itself, which shrinks as 1/√n. For a paired difference between
/// scenarios it is what tells a real effect from noise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanInterval {
    /// Standard error of the mean: sd / √n.
    pub se: f64,
    /// Lower end of the 95% interval: mean − t(0.975, n − 1) · se.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// The two-sided 95% Student-t quantile with `df` degrees of freedom (statrs' inverse CDF, so
/// small replication counts get the wider interval they need).
pub fn t_quantile_975(df: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// The type-7 quantile of sorted data.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Band {
    /// The 95% confidence interval of the mean (none with fewer than two replications).
    pub fn mean_interval(&self) -> Option<MeanInterval> {
        if self.n < 2 {
            return None;
        }
        let se = self.sd / (self.n as f64).sqrt();
        let half = t_quantile_975(self.n - 1) * se;
        Some(MeanInterval {
            se,
            low: self.mean - half,
            high: self.mean + half,
        })
    }

    /// Summarises values (at least one).
    pub fn of(values: &[f64]) -> Band {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Band {
            n,
            mean,
            sd,
            p5: quantile(&v, 0.05),
            p50: quantile(&v, 0.5),
            p95: quantile(&v, 0.95),
        }
    }
}

/// Identifies a row of metrics.csv: (year, metric, breakdown).
pub type RowKey = (i32, usize, Breakdown);

/// Identifies a row of metrics_monthly.csv: (year, month, metric, breakdown).
pub type MonthKey = (i32, u8, usize, Breakdown);

fn collect_by<K: Ord>(
    per_replication: &[Vec<MetricValue>],
    key: impl Fn(&MetricValue) -> K,
) -> BTreeMap<K, Vec<f64>> {
    let mut rows: BTreeMap<K, Vec<f64>> = BTreeMap::new();
    for values in per_replication {
        for v in values {
            rows.entry(key(v)).or_default().push(v.value);
        }
    }
    rows
}

/// Values of every (year, metric, breakdown) across replications, in output order.
pub fn collect(per_replication: &[Vec<MetricValue>]) -> BTreeMap<RowKey, Vec<f64>> {
    collect_by(per_replication, |v| (v.year, v.metric, v.breakdown))
}

/// Bands for every yearly row.
pub fn summarise(per_replication: &[Vec<MetricValue>]) -> BTreeMap<RowKey, Band> {
    collect(per_replication)
        .into_iter()
        .map(|(k, v)| (k, Band::of(&v)))
        .collect()
}

/// Bands for every monthly row.
pub fn summarise_monthly(per_replication: &[Vec<MetricValue>]) -> BTreeMap<MonthKey, Band> {
    collect_by(per_replication, |v| {
        (v.year, v.month, v.metric, v.breakdown)
    })
    .into_iter()
    .map(|(k, v)| (k, Band::of(&v)))
    .collect()
}
