//! Alembic Playground's engine: an Alembic 1.20.1-compatible migration tool over SQLite.
//!
//! The map, from the bottom up:
//! - ports: [`host`] (what a command may touch: files, databases, clock, ids), [`output`]
//!   (what it prints), [`sqlite`] (the SQLite database behind the `Database` port);
//! - [`config`]: `alembic.ini` and `Config`;
//! - the engine: [`python`] (parser), [`graph`] (revision map and plans), [`ops`] (the SQL
//!   each `op` emits), [`runtime`] (migration context, version table), [`script`] (revision
//!   files, the interpreter that runs them and env.py), [`autogen`], [`templates`];
//! - [`commands`]: Alembic's commands, argv in, output out;
//! - [`playground`]: the learner's session around the engine (databases, terminal, views,
//!   checks, lessons, share/export/import), compiled natively and tested with the engine;
//! - the shells: [`shell`] (the command line) off wasm32, `web` (the Yew page, wasm32 only) on it. Both
//!   call [`commands::run`] with a [`host::Host`] and print the [`output::Output`] it returns.

pub mod autogen;
pub mod commands;
pub mod config;
pub mod graph;
pub mod host;
pub mod ops;
pub mod output;
pub mod playground;
pub mod python;
pub mod runtime;
pub mod script;
pub mod sort;
pub mod sorted_map;
pub mod sqlite;
pub mod templates;

#[cfg(test)]
mod test_support;

#[cfg(not(target_arch = "wasm32"))]
pub mod shell;

#[cfg(target_arch = "wasm32")]
pub mod web;
