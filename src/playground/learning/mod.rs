//! Guided lessons and the examples a learner can open.

pub mod examples;
pub mod lessons;
