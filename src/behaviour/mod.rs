//! How people decide: the first-contact tier choice (multinomial logit, with self-care).

pub mod choice;
