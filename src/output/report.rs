//! JSON exporters: summary.json (targets judged, key metrics) and manifest.json (what made the run).

use serde::Serialize;

use crate::domain::TargetOp;
use crate::metrics::bands::Band;
use crate::metrics::targets::TargetResult;
use crate::scenario::uncertainty::Uncertain;

/// A band as written to JSON.
#[derive(Serialize)]
pub struct BandJson {
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Replications the band is over.
    pub n: usize,
}

impl From<&Band> for BandJson {
    fn from(b: &Band) -> Self {
        BandJson {
            mean: b.mean,
            sd: b.sd,
            p5: b.p5,
            p50: b.p50,
            p95: b.p95,
            n: b.n,
        }
    }
}

#[derive(Serialize)]
struct TargetJson<'a> {
    name: &'a str,
    metric: &'a str,
    tier: &'a str,
    year: i32,
    op: &'static str,
    value: f64,
    basis: crate::domain::TargetBasis,
    compared_with_year: Option<i32>,
    source: &'a str,
    projected: Option<BandJson>,
    share_of_replications_meeting: f64,
    met: bool,
}

/// A key metric of the last year, for summary.json.
#[derive(Serialize)]
pub struct KeyMetric {
    /// Metric name.
    pub metric: String,
    /// Breakdown label.
    pub tier: String,
    /// Year.
    pub year: i32,
    /// Band.
    pub band: BandJson,
}

/// summary.json.
pub fn summary_json(
    scenario: &str,
    replications: usize,
    targets: &[TargetResult],
    key_metrics: Vec<KeyMetric>,
) -> Vec<u8> {
    #[derive(Serialize)]
    struct Summary<'a> {
        scenario: &'a str,
        replications: usize,
        degenerate_bands: bool,
        targets: Vec<TargetJson<'a>>,
        last_year: Vec<KeyMetric>,
    }
    let targets = targets
        .iter()
        .map(|r| TargetJson {
            name: &r.target.name,
            metric: &r.target.metric,
            tier: &r.target.tier,
            year: r.target.year,
            op: match r.target.op {
                TargetOp::AtLeast => ">=",
                TargetOp::AtMost => "<=",
            },
            value: r.target.value,
            basis: r.target.basis,
            compared_with_year: r.target.base_year,
            source: &r.target.source,
            projected: r.projected.as_ref().map(BandJson::from),
            share_of_replications_meeting: r.share_meeting,
            met: r.met,
        })
        .collect();
    let s = Summary {
        scenario,
        replications,
        degenerate_bands: replications < 2,
        targets,
        last_year: key_metrics,
    };
    serde_json::to_vec_pretty(&s).expect("summary serialises")
}

/// What made a run, for manifest.json.
#[derive(Serialize)]
pub struct Manifest<'a> {
    /// tierflow version.
    pub tierflow_version: &'static str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Scenario files, base first.
    pub scenario_files: Vec<String>,
    /// `--set` overrides.
    pub overrides: &'a [String],
    /// Base seed.
    pub seed: u64,
    /// Replications in the scenario.
    pub replications: u32,
    /// Replication indices run.
    pub replications_run: &'a [u32],
    /// Worker threads (results do not depend on it).
    pub threads: usize,
    /// People simulated per replication.
    pub people_simulated: u32,
    /// Wall-clock seconds of the simulation.
    pub wall_seconds: f64,
    /// Unix time the run finished.
    pub finished_unix_seconds: u64,
    /// The scenario as resolved: every default filled, overrides applied.
    pub resolved_scenario: &'a toml::Table,
    /// Parameters given as distributions, and whether replications drew them.
    pub uncertain_parameters: UncertaintyJson<'a>,
}

/// The uncertain parameters of a run, for manifest.json and summary files.
#[derive(Serialize)]
pub struct UncertaintyJson<'a> {
    /// `drawn per replication`, `fixed at central values`, or `none`.
    pub treatment: &'static str,
    /// Each uncertain parameter with its distribution.
    pub parameters: &'a [Uncertain],
}

/// Describes the uncertain parameters and whether `--fix-parameters` held them at centre.
pub fn uncertainty_json(uncertain: &[Uncertain], fixed: bool) -> UncertaintyJson<'_> {
    UncertaintyJson {
        treatment: match (uncertain.is_empty(), fixed) {
            (true, _) => "none",
            (false, true) => "fixed at central values",
            (false, false) => "drawn per replication",
        },
        parameters: uncertain,
    }
}

/// manifest.json.
pub fn manifest_json(m: &Manifest) -> Vec<u8> {
    serde_json::to_vec_pretty(m).expect("manifest serialises")
}
