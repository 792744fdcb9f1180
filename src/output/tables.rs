//! CSV exporters: pure functions from results to bytes.

use std::collections::BTreeMap;

use crate::metrics::MetricValue;
use crate::metrics::bands::{Band, MonthKey, RowKey};
use crate::metrics::catalog::METRICS;
use crate::model::Model;

fn num(x: f64) -> String {
    format!("{x}")
}

/// metrics.csv: `year,metric,tier,mean,sd,p5,p50,p95`.
pub fn metrics_csv(model: &Model, bands: &BTreeMap<RowKey, Band>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["year", "metric", "tier", "mean", "sd", "p5", "p50", "p95"])
        .expect("writing to memory cannot fail");
    for ((year, metric, key), b) in bands {
        w.write_record([
            year.to_string(),
            METRICS[*metric].name.to_string(),
            key.label(model),
            num(b.mean),
            num(b.sd),
            num(b.p5),
            num(b.p50),
            num(b.p95),
        ])
        .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// metrics_monthly.csv: `year,month,metric,tier,mean,sd,p5,p50,p95` (flows per month).
pub fn monthly_metrics_csv(model: &Model, bands: &BTreeMap<MonthKey, Band>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "year", "month", "metric", "tier", "mean", "sd", "p5", "p50", "p95",
    ])
    .expect("writing to memory cannot fail");
    for ((year, month, metric, key), b) in bands {
        w.write_record([
            year.to_string(),
            month.to_string(),
            METRICS[*metric].name.to_string(),
            key.label(model),
            num(b.mean),
            num(b.sd),
            num(b.p5),
            num(b.p50),
            num(b.p95),
        ])
        .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// replications.csv: `replication,year,metric,tier,value`.
pub fn replications_csv(
    model: &Model,
    replications: &[u32],
    values: &[Vec<MetricValue>],
) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["replication", "year", "metric", "tier", "value"])
        .expect("writing to memory cannot fail");
    for (r, vals) in replications.iter().zip(values) {
        for v in vals {
            w.write_record([
                r.to_string(),
                v.year.to_string(),
                METRICS[v.metric].name.to_string(),
                v.breakdown.label(model),
                num(v.value),
            ])
            .expect("writing to memory cannot fail");
        }
    }
    w.into_inner().expect("writing to memory cannot fail")
}
