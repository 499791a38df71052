//! Alembic Playground's engine: an Alembic 1.20.1-compatible migration tool over SQLite.
//!
//! The core modules below compile natively with no web crate; `web` (the Yew page) exists only
//! on wasm32, and `native` (the command-line shell) only off it. Both shells call
//! [`commands::run`] with a [`commands::Host`] and print the [`output::Output`] it returns.

pub mod autogen;
pub mod commands;
pub mod config;
pub mod deflate;
pub mod embed;
pub mod examples;
pub mod explain;
pub mod export;
pub mod fs;
pub mod graph;
pub mod graph_view;
pub mod highlight;
pub mod import;
pub mod ini;
pub mod lessons;
pub mod lint;
pub mod ops;
pub mod output;
pub mod python;
pub mod reversibility;
pub mod runtime;
pub mod schema;
pub mod script;
pub mod session;
pub mod share;
pub mod sort;
pub mod sorted_map;
pub mod sqlite;
pub mod templates;

#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod test_support;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

#[cfg(target_arch = "wasm32")]
pub mod web;
