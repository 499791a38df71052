//! The operations layer: what the `op.*` calls of a revision file mean, and
//! the exact SQLite SQL Alembic 1.20.1 (on SQLAlchemy 2.1.9) emits for each.
//!
//! It owns:
//! * [`types::SqlType`]: SQLAlchemy types, their SQLite DDL text and their
//!   Python repr as autogenerate writes it;
//! * [`schema`]: columns, constraints, indexes and tables;
//! * [`operation::Operation`]: one value per `op.*` call (batch included);
//! * [`ddl::statements`]: the statement sequence an operation emits online
//!   or offline (`--sql`), as [`ddl::Step`]s, including warnings and errors
//!   that Alembic raises *after* executing part of an operation;
//! * [`batch`]: the "move and copy" recreate of `batch_alter_table`;
//! * [`reflect::reflect_table`]: SQLAlchemy's SQLite reflection, as a pure
//!   function of the PRAGMA rows and `sqlite_master.sql` the runtime fetches.
//!
//! It deliberately does not parse Python, touch a database, decide which
//! revisions run, or manage transactions: the evaluator builds the values,
//! the runtime executes or prints the statements.

pub mod batch;
pub mod ddl;
pub mod naming;
pub mod operation;
#[cfg(feature = "postgresql")]
pub mod postgresql;
pub mod reflect;
pub(crate) mod regex;
pub mod schema;
pub mod sqltext;
pub mod types;

#[cfg(test)]
mod tests;

pub use batch::{requires_recreate, table_to_reflect};
pub use ddl::{
    create_table_text, offline_text, render_sql_expr, statements, Params, ReflectedTable,
    RenderContext, Statement, Step,
};
pub use operation::{
    BatchOp, BulkInsertTable, ExecuteSql, Join, Operation, Recreate, Select, SqlExpr,
};
pub use reflect::{reflect_table, PragmaColumn, PragmaForeignKey, PragmaIndex, SqliteTableData};
pub use schema::{
    CheckConstraint, Column, Constraint, ForeignKey, ForeignKeyConstraint, Index, IndexElement,
    PrimaryKeyConstraint, ServerDefault, Table, UniqueConstraint,
};
pub use sqltext::quote;
pub use types::{SqlType, TypeClass};

use std::fmt;

/// A Python literal value as the evaluator hands it over (arguments of type
/// constructors, bulk_insert rows, bound parameters).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `None`
    None,
    /// `True` / `False`
    Bool(bool),
    /// an `int`
    Int(i64),
    /// a `float`
    Float(f64),
    /// a `str`
    Str(String),
}

impl Literal {
    /// The value as Python's `repr()` prints it.
    pub fn python_repr(&self) -> String {
        match self {
            Literal::None => "None".to_string(),
            Literal::Bool(true) => "True".to_string(),
            Literal::Bool(false) => "False".to_string(),
            Literal::Int(i) => i.to_string(),
            Literal::Float(f) => sqltext::py_float_repr(*f),
            Literal::Str(s) => sqltext::py_repr_str(s),
        }
    }
}

/// The fixed address printed in `UnsupportedCompilationError` messages, where
/// Python prints the memory address of its compiler object.
pub const FAKE_COMPILER_ADDRESS: &str = "0x7f5e3c2a1d90";

/// The message of SQLite's refusal to ALTER constraints.
pub const NO_ALTER_CONSTRAINTS: &str = "No support for ALTER of constraints in SQLite dialect. Please refer to the batch mode feature which allows for SQLite migrations using a copy-and-move strategy.";

/// The warning for implicit (type-bound) constraints outside batch mode.
pub const SKIP_IMPLICIT_CONSTRAINT: &str = "Skipping unsupported ALTER for creation of implicit constraint. Please refer to the batch mode feature which allows for SQLite migrations using a copy-and-move strategy.";

/// Errors raised while turning an operation into SQL, one variant per Python
/// exception class Alembic/SQLAlchemy raise; the text is theirs, verbatim.
#[derive(Debug, Clone, PartialEq)]
pub enum OpsError {
    /// `NotImplementedError`
    NotImplemented(String),
    /// `sqlalchemy.exc.UnsupportedCompilationError`; the payload is the
    /// element class, e.g. `alembic.ddl.base.ColumnComment`.
    UnsupportedCompilation(String),
    /// `sqlalchemy.exc.CompileError`
    Compile(String),
    /// `sqlalchemy.exc.ArgumentError`
    Argument(String),
    /// `sqlalchemy.exc.StatementError` raised before execution (missing bind values).
    Statement(String),
    /// `alembic.util.exc.CommandError`
    Command(String),
    /// `ValueError`
    Value(String),
    /// `TypeError`
    Type(String),
    /// `KeyError` (payload already repr'd, e.g. `'mail'`)
    Key(String),
    /// `sqlalchemy.exc.NoSuchTableError` (batch reflection of a missing table)
    NoSuchTable(String),
}

impl OpsError {
    /// The qualified exception class as a traceback's last line shows it.
    pub fn python_class(&self) -> &'static str {
        match self {
            OpsError::NotImplemented(_) => "NotImplementedError",
            OpsError::UnsupportedCompilation(_) => "sqlalchemy.exc.UnsupportedCompilationError",
            OpsError::Compile(_) => "sqlalchemy.exc.CompileError",
            OpsError::Argument(_) => "sqlalchemy.exc.ArgumentError",
            OpsError::Statement(_) => "sqlalchemy.exc.StatementError",
            OpsError::Command(_) => "alembic.util.exc.CommandError",
            OpsError::Value(_) => "ValueError",
            OpsError::Type(_) => "TypeError",
            OpsError::Key(_) => "KeyError",
            OpsError::NoSuchTable(_) => "sqlalchemy.exc.NoSuchTableError",
        }
    }

    /// Whether Alembic's CLI reports this as a handled `FAILED:` error
    /// (CommandError) rather than a traceback.
    pub fn is_command_error(&self) -> bool {
        matches!(self, OpsError::Command(_))
    }

    /// The exception message (what `str(exc)` gives).
    pub fn message(&self) -> String {
        match self {
            OpsError::UnsupportedCompilation(element) => format!(
                "Compiler <sqlalchemy.dialects.sqlite.base.SQLiteDDLCompiler object at {FAKE_COMPILER_ADDRESS}> can't render element of type <class '{element}'>: <class '{element}'> construct has no default compilation handler. (Background on this error at: https://sqlalche.me/e/21/l7de)"
            ),
            OpsError::NotImplemented(m)
            | OpsError::Compile(m)
            | OpsError::Argument(m)
            | OpsError::Statement(m)
            | OpsError::Command(m)
            | OpsError::Value(m)
            | OpsError::Type(m)
            | OpsError::Key(m)
            | OpsError::NoSuchTable(m) => m.clone(),
        }
    }
}

impl fmt::Display for OpsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.python_class(), self.message())
    }
}

impl std::error::Error for OpsError {}
