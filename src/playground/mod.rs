//! The playground around the engine: the learner's session (files, databases, terminal,
//! undo), the views the page draws, the checks it shows, lessons, and moving a project in and
//! out (share links, zip export and import, embeds).
//!
//! Owns: everything the page needs that Alembic itself does not do. Compiles natively (its
//! tests run with the engine's); only `crate::web` draws it.
//! Does not: run Alembic's commands itself (it calls `crate::commands::run`), or touch the DOM.

pub mod checks;
pub mod databases;
pub mod dialect;
pub mod learning;
pub mod project;
pub mod session;
pub mod terminal;
pub mod transfer;
pub mod views;
pub mod warm_up;

#[cfg(test)]
mod robustness_tests;
