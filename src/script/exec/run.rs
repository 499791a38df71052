//! Executing planned operations: render each with `ops`, run or print the statements through
//! the [`MigrationContext`], and feed batch mode the live table it must reflect.
//!
//! Follows the ops layer's contract: steps run in order; an `Err` from `ops::statements` is
//! raised before any SQL of that op; `Step::Fail` raises after the earlier steps ran;
//! `Step::Warn` is a `UserWarning` (printed once); a failing statement runs its `on_error`
//! statements (best effort) and then raises.

use crate::ops::{self, Literal, Params, RenderContext, Step};
use crate::runtime::{MigrationContext, QueryRows, RuntimeError, SqlValue, Statement};
use crate::script::load::RevisionScript;

use super::eval::LiveOps;
use super::{ExecError, PlannedOp};

/// A revision function running against a migration context.
pub(super) struct Live<'c, 'db> {
    pub context: &'c mut MigrationContext<'db>,
    pub warnings: &'c mut Vec<String>,
    pub now: crate::host::CreateDate,
}

impl LiveOps for Live<'_, '_> {
    fn run(&mut self, script: &RevisionScript, op: &PlannedOp) -> Result<(), ExecError> {
        run_one(script, op, self.context, self.warnings, false).map(drop)
    }

    fn offline(&self) -> bool {
        self.context.is_offline()
    }

    fn now(&self) -> crate::host::CreateDate {
        self.now
    }

    fn autocommit(&mut self, entering: bool) -> Result<(), RuntimeError> {
        self.context.autocommit_block(entering)
    }

    fn print(&mut self, text: &str) {
        self.context.out.stdout(text.to_string());
    }

    fn query(
        &mut self,
        script: &RevisionScript,
        op: &PlannedOp,
    ) -> Result<Option<QueryRows>, ExecError> {
        run_one(script, op, self.context, self.warnings, true)
    }

    fn database(&mut self) -> Option<&mut dyn crate::runtime::Database> {
        self.context.database()
    }

    fn naming_convention(&self) -> Vec<(String, String)> {
        self.context.naming_convention.clone()
    }

    fn x_arguments(&self) -> Vec<String> {
        self.context.x_arguments.clone()
    }

    #[cfg(feature = "postgresql")]
    fn dialect(&self) -> crate::runtime::Dialect {
        self.context.dialect
    }
}

/// Runs one operation; with `want_rows`, its (last) statement runs as a query and its rows are
/// returned (`None` offline, where it is printed).
fn run_one(
    script: &RevisionScript,
    op: &PlannedOp,
    context: &mut MigrationContext,
    warnings: &mut Vec<String>,
    want_rows: bool,
) -> Result<Option<QueryRows>, ExecError> {
    let mut rows = None;
    {
        let python = |error: ops::OpsError| ExecError::Python {
            exception: error.python_class().to_string(),
            message: error.message(),
            path: script.path.clone(),
            line: op.line,
            source_line: op.source_line.clone(),
        };
        let database_error = |error: RuntimeError| ExecError::Database {
            error,
            path: script.path.clone(),
            line: op.line,
            source_line: op.source_line.clone(),
        };
        // PostgreSQL's statements carry their values written in, as psycopg2 interpolates
        // them on the client
        let literal = context.is_offline() || context.dialect != crate::runtime::Dialect::Sqlite;
        let mut render = if literal {
            RenderContext::offline()
        } else {
            RenderContext::online()
        };
        let reflects = context.dialect == crate::runtime::Dialect::Sqlite;
        if let Some(table_name) = ops::table_to_reflect(&op.operation, &render).filter(|_| reflects)
        {
            if let Some(database) = context.database() {
                if let Some(data) = crate::runtime::reflect::fetch_table(database, &table_name)
                    .map_err(database_error)?
                {
                    render = render.with_reflected(ops::reflect_table(&data));
                }
            }
        }
        let steps = match context.dialect {
            crate::runtime::Dialect::Sqlite => ops::statements(&op.operation, &render),
            #[cfg(feature = "postgresql")]
            crate::runtime::Dialect::Postgresql => match copies_table(&op.operation) {
                Some((table, false)) if context.is_offline() => Err(ops::OpsError::Command(format!(
                    "This operation cannot proceed in --sql mode; batch mode with dialect postgresql requires a live database connection with which to reflect the table \"{table}\". To generate a batch SQL migration script using table \"move and copy\", a complete Table object should be passed to the \"copy_from\" argument of the batch_alter_table() method so that table reflection can be skipped."
                ))),
                Some(_) => {
                    return Err(ExecError::Unsupported {
                        path: script.path.clone(),
                        line: op.line,
                        column: 1,
                        message: "the playground runs batch mode on PostgreSQL as plain ALTER statements; recreate='always' (move and copy) is not supported there yet".to_string(),
                    })
                }
                None => ops::postgresql::statements(&op.operation, &render, &mut context.type_memo),
            },
        }
        .map_err(python)?;
        for step in steps {
            match step {
                Step::Execute(statement) => {
                    for runtime_statement in runtime_statements(&statement) {
                        let result = if want_rows {
                            context.query(&runtime_statement).map(|found| rows = found)
                        } else {
                            context.execute(&runtime_statement).map(drop)
                        };
                        if let Err(error) = result {
                            for cleanup in &statement.on_error {
                                for cleanup in runtime_statements(cleanup) {
                                    // best effort, as Alembic's batch cleanup: the original
                                    // error is what the user must see
                                    let _ = context.execute(&cleanup);
                                }
                            }
                            return Err(database_error(executemany_error(&statement, error)));
                        }
                    }
                }
                Step::Warn(message) => {
                    if !warnings.contains(&message) {
                        warnings.push(message);
                    }
                }
                Step::Fail(error) => return Err(python(error)),
            }
        }
    }
    Ok(rows)
}

/// The table a batch block would move and copy on PostgreSQL (`recreate='always'`; it alters
/// in place otherwise), and whether it was given a `copy_from` table.
#[cfg(feature = "postgresql")]
fn copies_table(operation: &ops::Operation) -> Option<(String, bool)> {
    match operation {
        ops::Operation::BatchAlterTable {
            table_name,
            recreate: ops::Recreate::Always,
            copy_from,
            ..
        } => Some((table_name.clone(), copy_from.is_some())),
        ops::Operation::Postgresql { operation, .. } => copies_table(operation),
        _ => None,
    }
}

fn sql_value(literal: &Literal) -> SqlValue {
    match literal {
        Literal::None => SqlValue::Null,
        Literal::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Literal::Int(i) => SqlValue::Integer(*i),
        Literal::Float(f) => SqlValue::Real(*f),
        Literal::Str(s) => SqlValue::Text(s.clone()),
    }
}

/// A failing row of an `executemany` is reported with every row's parameters, as
/// SQLAlchemy reports the whole executemany call.
fn executemany_error(statement: &ops::Statement, error: RuntimeError) -> RuntimeError {
    match (error, &statement.params) {
        (RuntimeError::Database { error, sql, .. }, Params::Many(rows)) if rows.len() > 1 => {
            RuntimeError::Database {
                error,
                sql,
                params: rows
                    .iter()
                    .map(|row| row.iter().map(sql_value).collect())
                    .collect(),
            }
        }
        (other, _) => other,
    }
}

/// An ops statement as the runtime runs it: one per parameter row for an `executemany`.
fn runtime_statements(statement: &ops::Statement) -> Vec<Statement> {
    let offline = ops::offline_text(statement);
    let offline_sql = offline.strip_suffix(';').unwrap_or(&offline).to_string();
    let make = |params: &[Literal]| Statement {
        sql: statement.sql.clone(),
        params: params.iter().map(sql_value).collect(),
        offline_sql: offline_sql.clone(),
    };
    match &statement.params {
        Params::None => vec![make(&[])],
        Params::Single(values) => vec![make(values)],
        Params::Many(rows) => rows.iter().map(|row| make(row)).collect(),
    }
}
