//! tierflow's integration tests: one binary, one module per theme.

mod charts;
mod choice;
mod cli;
mod common;
mod conservation;
mod determinism;
mod errors;
mod extremes;
mod fuzz;
mod insurance;
mod interrupt;
mod mechanisms;
mod pairing;
mod policy;
mod properties;
mod queueing;
mod refusals;
mod regressions;
mod responses;
mod robustness;
mod scenarios;
mod stress;
mod studies;
mod targets;
mod tidy;
mod uncertainty;
