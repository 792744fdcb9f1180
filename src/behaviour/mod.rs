//! How people decide: first-contact tier choice (multinomial logit) and signing.

pub mod choice;
pub mod signing;
