//! tierflow's integration tests: one binary, one module per theme.

mod choice;
mod cli;
mod common;
mod conservation;
mod determinism;
mod errors;
mod insurance;
mod policy;
mod queueing;
mod regressions;
mod tidy;
