//! Lint for revision files: the mistakes that hurt on SQLite and in production, found before
//! the learner runs the revision. Each finding says where, why it matters and what to do.
//!
//! Owns: the rules. Reads a revision through the same evaluator `upgrade` uses (so it sees
//! exactly the operations that would run) and, optionally, the live database (row counts).
//! Does not: change files, or run anything against the database but read-only queries.

use crate::ops::{BatchOp, Operation};
use crate::python::StmtKind;
use crate::runtime::{Database, SqlValue};
use crate::script::exec::{plan_until_error, ExecError, PlannedOp, NEEDS_DATABASE};
use crate::script::load::RevisionScript;

/// One lint finding, located in its revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// A short name for the rule (`sqlite-alter`, `destructive`, ...).
    pub rule: &'static str,
    pub message: String,
}

impl Finding {
    /// `path:line:column: [rule] message`, as the terminal prints it.
    pub fn render(&self) -> String {
        format!(
            "{}:{}:{}: [{}] {}",
            self.path, self.line, self.column, self.rule, self.message
        )
    }
}

fn finding(
    script: &RevisionScript,
    planned: &PlannedOp,
    rule: &'static str,
    message: String,
) -> Finding {
    Finding {
        path: script.path.clone(),
        line: planned.line,
        column: planned.column,
        rule,
        message,
    }
}

/// Is this function body only `pass` (and a docstring)?
fn body_is_pass(script: &RevisionScript, function: &str) -> Option<(u32, u32)> {
    let definition = script.module.function(function)?;
    let meaningful: Vec<_> = definition
        .body
        .iter()
        .filter(|statement| !matches!(&statement.kind, StmtKind::Expr(expression) if expression.as_str_constant().is_some()))
        .collect();
    match meaningful.as_slice() {
        [only] if matches!(only.kind, StmtKind::Pass) => {
            Some((only.span.start.line, only.span.start.column))
        }
        [] => definition
            .body
            .first()
            .map(|statement| (statement.span.start.line, statement.span.start.column)),
        _ => None,
    }
}

fn row_count(database: &mut Option<&mut dyn Database>, table: &str) -> Option<i64> {
    let database = database.as_mut()?;
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let (_, rows) = database
        .query(&format!("SELECT count(*) FROM {quoted}"), &[])
        .ok()?;
    match rows.first()?.first()? {
        SqlValue::Integer(count) => Some(*count),
        _ => None,
    }
}

const SQLITE_CONSTRAINT_WHY: &str = "SQLite cannot ALTER constraints: Alembic raises NotImplementedError here (after running what came before in this revision). Do it inside `with op.batch_alter_table('<table>') as batch_op:`, which recreates the table.";

/// Lints one revision for the database the project uses (`postgresql`: PostgreSQL's rules
/// in place of SQLite's ALTER limits). `database`, when given, is used to tell whether tables
/// have rows.
pub fn lint_revision(
    script: &RevisionScript,
    mut database: Option<&mut dyn Database>,
    postgresql: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let upgrade = match plan_until_error(script, "upgrade", postgresql) {
        (planned, None) => planned,
        (planned, Some(error)) if matches!(&error, ExecError::Unsupported { message, .. } if message == NEEDS_DATABASE) =>
        {
            // a data migration: what it does before its first query is checked
            planned
        }
        (_, Some(error)) => {
            if let Some(located) = error.located() {
                findings.push(Finding {
                    path: script.path.clone(),
                    line: 1,
                    column: 1,
                    rule: "cannot-run",
                    message: format!("the playground cannot evaluate upgrade(): {located}"),
                });
            }
            Vec::new()
        }
    };
    #[cfg(feature = "postgresql")]
    if postgresql {
        postgresql_rules(script, &upgrade, &mut database, &mut findings);
    }
    // the SQLite page has no PostgreSQL projects: none of their rules in its build
    #[cfg(not(feature = "postgresql"))]
    let postgresql = {
        let _ = postgresql;
        false
    };
    for planned in &upgrade {
        match &planned.operation {
            _ if postgresql && is_sqlite_rule(&planned.operation) => {}
            Operation::CreateUniqueConstraint { table_name, .. }
            | Operation::CreateCheckConstraint { table_name, .. }
            | Operation::CreatePrimaryKey { table_name, .. }
            | Operation::DropConstraint { table_name, .. } => findings.push(finding(
                script,
                planned,
                "sqlite-alter",
                format!("this changes a constraint of '{table_name}' outside batch mode. {SQLITE_CONSTRAINT_WHY}"),
            )),
            Operation::CreateForeignKey { source_table, .. } => findings.push(finding(
                script,
                planned,
                "sqlite-alter",
                format!("this adds a foreign key to '{source_table}' outside batch mode. {SQLITE_CONSTRAINT_WHY}"),
            )),
            Operation::AlterColumn { table_name, alter } => {
                if alter.type_.is_some() || alter.nullable.is_some() || alter.server_default.is_some() {
                    findings.push(finding(
                        script,
                        planned,
                        "sqlite-alter",
                        format!("SQLite has no ALTER COLUMN, so changing the type, nullability or default of '{table_name}.{}' fails with a syntax error. Use `with op.batch_alter_table('{table_name}') as batch_op: batch_op.alter_column(...)`.", alter.column_name),
                    ));
                }
            }
            Operation::DropTable { table_name, .. } => findings.push(finding(
                script,
                planned,
                "destructive",
                format!("dropping '{table_name}' deletes its rows for good, and downgrade() can recreate the table but not the data. Make sure nothing still needs it (and back it up in production)."),
            )),
            Operation::DropColumn { table_name, column_name, .. } => findings.push(finding(
                script,
                planned,
                "destructive",
                format!("dropping '{table_name}.{column_name}' deletes that column's data; downgrade() can add the column back, empty."),
            )),
            Operation::AddColumn { table_name, add } => {
                let column = &add.column;
                let not_null = column.nullable == Some(false) || (column.nullable.is_none() && column.primary_key);
                if not_null && column.server_default.is_none() {
                    let rows = row_count(&mut database, table_name);
                    let when = match rows {
                        Some(count) if count > 0 => format!("'{table_name}' has {count} row(s) now, so this will fail"),
                        _ => format!("this fails as soon as '{table_name}' has rows"),
                    };
                    let message = if postgresql {
                        format!("a NOT NULL column without a server_default: PostgreSQL needs a value for existing rows, and {when} (column \"{}\" of relation \"{table_name}\" contains null values). Add `server_default=...`, or add it nullable, fill it, then make it NOT NULL.", column.name)
                    } else {
                        format!("a NOT NULL column without a server_default: SQLite needs a value for existing rows, and {when} (\"Cannot add a NOT NULL column with default value NULL\"). Add `server_default=...`, or add it nullable, fill it, then make it NOT NULL in batch mode.")
                    };
                    findings.push(finding(script, planned, "not-null-without-default", message));
                }
                if !column.foreign_keys.is_empty() && !add.inline_references && !postgresql {
                    findings.push(finding(
                        script,
                        planned,
                        "sqlite-alter",
                        format!("add_column with a ForeignKey on SQLite adds the column, then raises NotImplementedError for the constraint. Use batch mode, or pass inline_references=True. {SQLITE_CONSTRAINT_WHY}"),
                    ));
                }
            }
            Operation::BatchAlterTable { table_name, ops, .. } => {
                for op in ops {
                    if let BatchOp::DropColumn { column_name, .. } = op {
                        findings.push(finding(
                            script,
                            planned,
                            "destructive",
                            format!("dropping '{table_name}.{column_name}' deletes that column's data; downgrade() can add the column back, empty. (In batch mode, drop any index on the column first: the copy re-creates indexes.)"),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if !upgrade.is_empty() {
        if let Some((line, column)) = body_is_pass(script, "downgrade") {
            findings.push(Finding {
                path: script.path.clone(),
                line,
                column,
                rule: "irreversible",
                message: "upgrade() changes the database but downgrade() does nothing: `alembic downgrade` past this revision will leave its changes behind. Write the reverse operations (autogenerate writes them for you).".to_string(),
            });
        }
    }
    findings
}

/// The SQLite rules that do not hold on PostgreSQL, which ALTERs constraints and columns.
fn is_sqlite_rule(operation: &Operation) -> bool {
    matches!(
        operation,
        Operation::CreateUniqueConstraint { .. }
            | Operation::CreateCheckConstraint { .. }
            | Operation::CreatePrimaryKey { .. }
            | Operation::DropConstraint { .. }
            | Operation::CreateForeignKey { .. }
            | Operation::AlterColumn { .. }
    )
}

/// PostgreSQL's rules: what locks or rewrites a table in use, and what cannot be undone.
#[cfg(feature = "postgresql")]
fn postgresql_rules(
    script: &RevisionScript,
    upgrade: &[PlannedOp],
    database: &mut Option<&mut dyn Database>,
    findings: &mut Vec<Finding>,
) {
    // tables this revision creates are new: nothing uses them yet
    let mut created: Vec<&str> = Vec::new();
    for planned in upgrade {
        let (options, operation) = match &planned.operation {
            Operation::Postgresql { options, operation } => (Some(options), &**operation),
            other => (None, other),
        };
        let rows = |database: &mut Option<&mut dyn Database>, table: &str| match row_count(
            database, table,
        ) {
            Some(count) => format!(" ('{table}' has {count} row(s) now)"),
            None => String::new(),
        };
        match operation {
            Operation::CreateTable { table, .. } => created.push(&table.name),
            Operation::AlterColumn { table_name, alter } if alter.type_.is_some() => {
                let using = if options.is_some_and(|options| options.using.is_some()) {
                    ""
                } else {
                    " If PostgreSQL cannot cast the old values by itself, it refuses (\"cannot be cast automatically\"): say how with `postgresql_using='<column>::<type>'`."
                };
                findings.push(finding(
                    script,
                    planned,
                    "postgresql-rewrite",
                    format!("changing the type of '{table_name}.{}' rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of '{table_name}' waits until it is done{}. Only a few changes skip the rewrite (a longer VARCHAR, VARCHAR to TEXT).{using}", alter.column_name, rows(database, table_name)),
                ));
            }
            Operation::CreateIndex { index, .. }
                if !options.is_some_and(|options| options.concurrently)
                    && index
                        .table
                        .as_deref()
                        .is_some_and(|table| !created.contains(&table)) =>
            {
                let table = index.table.as_deref().unwrap_or_default();
                findings.push(finding(
                    script,
                    planned,
                    "postgresql-lock",
                    format!("CREATE INDEX blocks every write to '{table}' (INSERT, UPDATE, DELETE) until the index is built{}. On a table in use, build it with `postgresql_concurrently=True` inside `with op.get_context().autocommit_block():` (CONCURRENTLY cannot run in a transaction).", rows(database, table)),
                ));
            }
            Operation::Execute(crate::ops::ExecuteSql::Text { sql, .. })
                if sql.to_ascii_uppercase().contains("ADD VALUE") =>
            {
                findings.push(finding(
                    script,
                    planned,
                    "postgresql-enum",
                    "PostgreSQL can add a value to an enum type but never remove one: downgrade() cannot take it back out (it has to create the type again without the value, move the columns to it with `postgresql_using`, and drop the old type).".to_string(),
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::load::load_revision;
    use crate::sqlite::SqliteDatabase;

    fn revision(upgrade: &str, downgrade: &str) -> RevisionScript {
        let source = format!(
            "\"\"\"x\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'abc'\ndown_revision = None\n\n\ndef upgrade():\n{upgrade}\n\n\ndef downgrade():\n{downgrade}\n"
        );
        load_revision("/project/alembic/versions/abc_x.py", &source)
            .unwrap()
            .unwrap()
    }

    fn rules(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|finding| finding.rule).collect()
    }

    #[test]
    fn the_tutorial_revisions_are_clean() {
        let create = revision(
            "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))",
            "    op.drop_table('account')",
        );
        assert!(lint_revision(&create, None, false).is_empty());
        let add = revision(
            "    op.add_column('account', sa.Column('last_login', sa.DateTime))",
            "    op.drop_column('account', 'last_login')",
        );
        assert!(lint_revision(&add, None, false).is_empty());
        let batch = revision(
            "    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', nullable=True)",
            "    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', nullable=False)",
        );
        assert!(lint_revision(&batch, None, false).is_empty());
    }

    #[test]
    fn a_data_migration_is_checked_up_to_its_first_query() {
        // lint has no database: it checks what upgrade() does before reading data, and the
        // query itself is not a finding (the migration runs it)
        let script = revision(
            "    op.alter_column('account', 'name', nullable=False)\n    conn = op.get_bind()\n    for row in conn.execute(sa.text('SELECT id FROM account')):\n        pass",
            "    pass",
        );
        assert_eq!(
            rules(&lint_revision(&script, None, false)),
            vec!["sqlite-alter", "irreversible"]
        );
    }

    /// On PostgreSQL, SQLite's ALTER limits give way to what locks, rewrites or cannot be
    /// undone there.
    #[cfg(feature = "postgresql")]
    #[test]
    fn postgresql_projects_get_postgresql_rules() {
        let script = revision(
            "    op.create_table('note', sa.Column('id', sa.Integer, primary_key=True))\n    op.create_index('ix_note_id', 'note', ['id'])\n    op.create_index('ix_account_name', 'account', ['name'])\n    op.create_index('ix_account_age', 'account', ['age'], postgresql_concurrently=True)\n    op.alter_column('account', 'age', type_=sa.BigInteger)\n    op.alter_column('account', 'name', type_=sa.Integer, postgresql_using='name::integer')\n    op.create_unique_constraint('uq_a', 'account', ['name'])\n    op.execute(\"ALTER TYPE mood ADD VALUE 'calm'\")",
            "    pass",
        );
        let findings = lint_revision(&script, None, true);
        assert_eq!(
            findings
                .iter()
                .map(|finding| (finding.rule, finding.line))
                .collect::<Vec<_>>(),
            [
                ("postgresql-lock", 12),
                ("postgresql-rewrite", 14),
                ("postgresql-rewrite", 15),
                ("postgresql-enum", 17),
                ("irreversible", 21),
            ]
        );
        assert!(findings[1]
            .message
            .contains("postgresql_using='<column>::<type>'"));
        assert!(!findings[2].message.contains("postgresql_using='<column>"));
        // the same revision on SQLite: its ALTER limits, none of PostgreSQL's
        let sqlite = rules(&lint_revision(&script, None, false));
        assert!(sqlite.iter().all(|rule| !rule.starts_with("postgresql")));
        assert!(sqlite.contains(&"sqlite-alter"));
    }

    #[test]
    fn finds_each_rule_with_its_location() {
        let script = revision(
            "    op.create_unique_constraint('uq_a', 'account', ['name'])\n    op.alter_column('account', 'name', nullable=False)\n    op.drop_column('account', 'age')\n    op.add_column('account', sa.Column('status', sa.String(10), nullable=False))",
            "    pass",
        );
        let mut database = SqliteDatabase::open_in_memory().unwrap();
        database
            .execute(
                "CREATE TABLE account (id INTEGER, name VARCHAR(50), age INTEGER)",
                &[],
            )
            .unwrap();
        database
            .execute("INSERT INTO account VALUES (1, 'a', 3)", &[])
            .unwrap();
        let findings = lint_revision(&script, Some(&mut database), false);
        assert_eq!(
            rules(&findings),
            vec![
                "sqlite-alter",
                "sqlite-alter",
                "destructive",
                "not-null-without-default",
                "irreversible"
            ]
        );
        assert_eq!((findings[0].line, findings[0].column), (10, 5));
        assert!(findings[3].message.contains("has 1 row(s) now"));
        assert_eq!(findings[4].line, 17);
        assert!(findings[0]
            .render()
            .starts_with("/project/alembic/versions/abc_x.py:10:5: [sqlite-alter] "));
    }
}
