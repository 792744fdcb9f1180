//! Scenario files: what a planner writes, read into a resolved tree with every default filled.
//!
//! **Invariant:** nothing outside this module knows TOML syntax or file layout; the rest of
//! tierflow sees [`RawScenario`] (shape) and then [`crate::model::Model`] (validated meaning).

pub mod calibration_file;
pub mod error;
pub mod levers;
pub mod load;
pub mod overrides;
pub mod paths;
pub mod raw;
pub mod uncertainty;

pub use error::{ErrorKind, ScenarioError};
pub use load::{Scenario, SourceFile, load};
pub use raw::RawScenario;
