//! CSV exporters: pure functions from results to bytes.

use std::collections::BTreeMap;

use crate::catalog::METRICS;
use crate::metrics::MetricValue;
use crate::metrics::bands::{Band, MonthKey, RowKey};
use crate::model::Model;

use super::read::{BandRow, ReplicationRow};

/// A number as CSV files write it: the shortest decimal that reads back exactly.
pub fn num(x: f64) -> String {
    format!("{x}")
}

const BAND_COLUMNS: [&str; 5] = ["mean", "sd", "p5", "p50", "p95"];

/// A bands table: the `header` columns (e.g. period, metric, tier), each row's values for them,
/// then the five band columns.
pub fn bands_csv(header: &[&str], rows: impl Iterator<Item = (Vec<String>, Band)>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header.iter().chain(&BAND_COLUMNS))
        .expect("writing to memory cannot fail");
    for (mut leading, b) in rows {
        leading.extend([b.mean, b.sd, b.p5, b.p50, b.p95].map(num));
        w.write_record(&leading)
            .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// The header of a yearly row's leading columns: `year,metric,tier,group,condition,signing`.
pub const ROW_COLUMNS: [&str; 6] = ["year", "metric", "tier", "group", "condition", "signing"];

/// The `year,metric,tier,group,condition,signing` columns of a yearly row.
pub fn row_labels(model: &Model, (year, metric, key): &RowKey) -> Vec<String> {
    let mut row = vec![year.to_string(), METRICS[*metric].name.to_string()];
    row.extend(key.columns(model));
    row
}

/// metrics.csv: one [`BandRow`] per year, metric and breakdown.
pub fn metrics_csv(model: &Model, bands: &BTreeMap<RowKey, Band>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(BandRow::HEADER)
        .expect("writing to memory cannot fail");
    for ((year, metric, key), b) in bands {
        let [tier, group, condition, signing] = key.columns(model);
        let row = BandRow {
            year: *year,
            metric: METRICS[*metric].name.to_string(),
            tier,
            group,
            condition,
            signing,
            mean: b.mean,
            sd: b.sd,
            p5: b.p5,
            p50: b.p50,
            p95: b.p95,
        };
        w.write_record(row.record())
            .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// metrics_monthly.csv: `year,month,metric,tier,group,condition,signing,mean,sd,p5,p50,p95`
/// (flows per month).
pub fn monthly_metrics_csv(model: &Model, bands: &BTreeMap<MonthKey, Band>) -> Vec<u8> {
    let rows = bands.iter().map(|((year, month, metric, key), b)| {
        let mut row = vec![
            year.to_string(),
            month.to_string(),
            METRICS[*metric].name.to_string(),
        ];
        row.extend(key.columns(model));
        (row, *b)
    });
    let mut header = vec!["year", "month"];
    header.extend(&ROW_COLUMNS[1..]);
    bands_csv(&header, rows)
}

/// replications.csv: one [`ReplicationRow`] per replication, year, metric and breakdown.
pub fn replications_csv(
    model: &Model,
    replications: &[u32],
    values: &[Vec<MetricValue>],
) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(ReplicationRow::HEADER)
        .expect("writing to memory cannot fail");
    for (r, vals) in replications.iter().zip(values) {
        for v in vals {
            let [tier, group, condition, signing] = v.breakdown.columns(model);
            let row = ReplicationRow {
                replication: *r,
                year: v.year,
                metric: METRICS[v.metric].name.to_string(),
                tier,
                group,
                condition,
                signing,
                value: v.value,
            };
            w.write_record(row.record())
                .expect("writing to memory cannot fail");
        }
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// parameter_draws.csv: `replication,path,value`, the values each replication drew.
pub fn draws_csv(draws: &[(u32, Vec<(String, f64)>)]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["replication", "path", "value"])
        .expect("writing to memory cannot fail");
    for (r, values) in draws {
        for (path, v) in values {
            w.write_record([r.to_string(), path.clone(), num(*v)])
                .expect("writing to memory cannot fail");
        }
    }
    w.into_inner().expect("writing to memory cannot fail")
}
