//! Running a revision's `upgrade()` / `downgrade()` as Alembic runs it: a Python program whose
//! `op.*` calls execute (online) or print (`--sql`) through the migration context at the moment
//! the program makes them.
//!
//! Owns:
//! * the interpreter (`eval`): statements and expressions over [`value::Value`]s — the
//!   revision's own module-level and nested functions and lambdas, `if`/`for`/`while`/`try`/
//!   `raise`/`assert`/`del`/`with op.batch_alter_table(...)`, decorators (`@classmethod`,
//!   `@staticmethod`, `@property`, the program's own), `async def` run by `await` /
//!   `asyncio.run`, imports, the builtins and `str`/`list`/`dict` methods migrations use
//!   (`builtins`), SQLAlchemy constructs (`schema_calls`), `sa.select(...)` (`select`),
//!   `MetaData` and reflection (`metadata`), `op.*` / `batch_op.*` with Alembic's signatures
//!   (`ops_calls`), `op.get_bind()`'s connection and results (`connection`), and an ORM
//!   `Session` over declarative classes (`orm`); bounded by a statement budget, an expression
//!   depth and a call depth (RecursionError);
//! * [`run_function`]: the live run — each operation goes through `run` (render with `ops`,
//!   execute through the [`MigrationContext`], batch-mode reflection) when it is made, so a
//!   failure leaves what Alembic leaves: the operations before it;
//! * [`plan_function`]: the same interpreter without a database, collecting the operations
//!   (lint and lessons read them; `op.get_bind()` is not available there).
//!
//! Also owns the project's own modules (`modules`: found on `prepend_sys_path`, run on first
//! import) and classes and instances (`eval::objects`).
//!
//! Deliberately absent:
//! * class decorators, generators (a generator expression is consumed at once), set
//!   comprehensions, `global`, ORM relationships, and calls into libraries the playground does
//!   not model are a located [`ExecError::Unsupported`] where the program reaches them (what
//!   ran before stays, as it would have under Alembic); they cannot be caught by `try`. At a
//!   module's top level (import time) such a library call gives an opaque value instead, which
//!   is an error only where it is used;
//! * an import of an installed library (the standard library, Alembic, SQLAlchemy and their
//!   dependencies) binds opaque names, an error only where used; a module that is neither a
//!   library nor the project's is Python's `ModuleNotFoundError` at the import;
//! * it renders no SQL (that is `ops`) and manages no transactions (that is `runtime`).

// `ExecError` (with the runtime's `RuntimeError` inside) is the shape the command layer
// consumes; errors end a run, so their size costs nothing that matters.
#![allow(clippy::result_large_err)]

mod args;
mod builtins;
mod connection;
pub mod env;
mod eval;
mod format;
mod json;
mod metadata;
pub mod models;
pub mod modules;
mod names;
mod ops_calls;
mod orm;
mod run;
mod schema_args;
mod schema_calls;
mod select;
mod stdlib;
mod value;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::ops::Operation;
use crate::runtime::{MigrationContext, RuntimeError};
use crate::script::load::RevisionScript;

/// One operation of a revision function, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedOp {
    pub operation: Operation,
    /// 1-based position of the `op.<name>(` call (for a batch, of `op.batch_alter_table(`).
    pub line: u32,
    pub column: u32,
    /// That line of the file, stripped (as a traceback prints it).
    pub source_line: String,
}

/// Why a revision function could not be planned or run.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecError {
    /// Valid Python outside the supported surface (or a missing function): located, nothing
    /// executed.
    Unsupported {
        path: String,
        line: u32,
        column: u32,
        message: String,
    },
    /// A Python exception Alembic/SQLAlchemy (or Python itself) would raise at an op call:
    /// `exception` is the qualified class as a traceback's last line shows it
    /// (`NotImplementedError`, `alembic.util.exc.CommandError`, `TypeError`...), plus the frame
    /// of the call in the revision file (`source_line` stripped).
    Python {
        exception: String,
        message: String,
        path: String,
        line: u32,
        source_line: String,
    },
    /// SQLite refused a statement (the `RuntimeError` carries the SQL); plus the op call's frame.
    Database {
        error: RuntimeError,
        path: String,
        line: u32,
        source_line: String,
    },
}

impl ExecError {
    /// `path:line:column: message` for an unsupported construct; `None` for the others, which
    /// print as tracebacks.
    pub fn located(&self) -> Option<String> {
        match self {
            ExecError::Unsupported {
                path,
                line,
                column,
                message,
            } => Some(format!("{path}:{line}:{column}: {message}")),
            _ => None,
        }
    }

    /// Whether Alembic's CLI prints this as `FAILED: <message>` (a `CommandError`) rather than
    /// a traceback.
    pub fn is_command_error(&self) -> bool {
        matches!(self, ExecError::Python { exception, .. } if exception == "alembic.util.exc.CommandError")
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecError::Unsupported { .. } => {
                formatter.write_str(&self.located().unwrap_or_default())
            }
            ExecError::Python {
                exception, message, ..
            } => write!(formatter, "{exception}: {message}"),
            ExecError::Database { error, .. } => write!(formatter, "{error}"),
        }
    }
}

impl std::error::Error for ExecError {}

/// Evaluates `upgrade()` or `downgrade()` of a revision into operations, without touching a
/// database. Anything the playground cannot run is an error naming file:line:column and what
/// is not supported — and then nothing at all is executed.
pub fn plan_function(script: &RevisionScript, function: &str) -> Result<Vec<PlannedOp>, ExecError> {
    eval::execute(script, function, &modules::ModuleSet::new(), None)
}

/// Why collecting (without a database) stops at a query: lint and lessons read revision files,
/// only a migration has a database.
pub const NEEDS_DATABASE: &str =
    "this reads the database, which only a migration has (lint reads revision files without one)";

/// As [`plan_function`], also returning the operations collected before an error (lint checks
/// those of a data migration up to its first query); `postgresql`: collected for PostgreSQL,
/// with its `postgresql_*` keywords.
pub fn plan_until_error(
    script: &RevisionScript,
    function: &str,
    postgresql: bool,
) -> (Vec<PlannedOp>, Option<ExecError>) {
    let (planned, result) = eval::execute_partial(
        script,
        function,
        &modules::ModuleSet::new(),
        None,
        postgresql,
    );
    (planned, result.err())
}

/// Runs `upgrade()` or `downgrade()` as Alembic does: each operation executes (online) or
/// prints (`--sql`) through the context when the function makes it, so on an error the
/// operations before it have run. Collects in `warnings` the warning messages to print on
/// stderr (identical ones once), also those issued before a failure: Python prints a warning
/// when it is issued.
pub fn run_function(
    script: &RevisionScript,
    function: &str,
    modules: &modules::ModuleSet,
    context: &mut MigrationContext,
    warnings: &mut Vec<String>,
    now: crate::host::CreateDate,
) -> Result<(), ExecError> {
    let mut live = run::Live {
        context,
        warnings,
        now,
    };
    eval::execute(script, function, modules, Some(&mut live)).map(drop)
}

/// Line `line` (1-based) of `source`, stripped.
pub(crate) fn source_line(source: &str, line: u32) -> String {
    source
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim()
        .to_string()
}
