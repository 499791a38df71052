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

/// Lints one revision. `database`, when given, is used to tell whether tables have rows.
pub fn lint_revision(
    script: &RevisionScript,
    mut database: Option<&mut dyn Database>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let upgrade = match plan_until_error(script, "upgrade") {
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
    for planned in &upgrade {
        match &planned.operation {
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
                    findings.push(finding(
                        script,
                        planned,
                        "not-null-without-default",
                        format!("a NOT NULL column without a server_default: SQLite needs a value for existing rows, and {when} (\"Cannot add a NOT NULL column with default value NULL\"). Add `server_default=...`, or add it nullable, fill it, then make it NOT NULL in batch mode."),
                    ));
                }
                if !column.foreign_keys.is_empty() && !add.inline_references {
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
        assert!(lint_revision(&create, None).is_empty());
        let add = revision(
            "    op.add_column('account', sa.Column('last_login', sa.DateTime))",
            "    op.drop_column('account', 'last_login')",
        );
        assert!(lint_revision(&add, None).is_empty());
        let batch = revision(
            "    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', nullable=True)",
            "    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', nullable=False)",
        );
        assert!(lint_revision(&batch, None).is_empty());
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
            rules(&lint_revision(&script, None)),
            vec!["sqlite-alter", "irreversible"]
        );
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
        let findings = lint_revision(&script, Some(&mut database));
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
