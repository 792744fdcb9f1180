//! tierflow: a parallel Monte Carlo discrete-event simulator of patient flow through a tiered
//! health system (China's 分级诊疗 reform).
//!
//! Data flows one way: [`scenario`] (TOML) → [`model`] (validated) → [`engine`] (one
//! replication) run in parallel by [`monte_carlo`] → [`metrics`] (bands, targets) → [`output`] and [`chart`]. [`study`] runs many
//! scenarios at once (sweeps, comparisons, sensitivity).
//! docs/architecture.md has the code map.

pub mod behaviour;
pub mod calibration;
pub mod care_path;
pub mod catalog;
pub mod chart;
pub mod cli;
pub mod cluster;
pub mod domain;
pub mod engine;
pub mod insurance;
pub mod io_words;
pub mod metrics;
pub mod model;
pub mod monte_carlo;
pub mod output;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod study;
pub mod tier;
