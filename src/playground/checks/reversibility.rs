//! The reversibility check: upgrade → downgrade → upgrade each revision in a scratch copy of
//! the project, and report per revision whether the schema (and the rows) come back equal.
//!
//! Owns: the walk along the revision chain and the schema comparison. Runs every command
//! through a [`Scratch`] copy of the project (the session gives one), exactly as typed
//! commands run, so what it reports is what the learner would see. Does not: touch the
//! learner's own database.

use crate::output::Output;
use crate::runtime::{Database, SqlValue};

/// A scratch copy of the learner's project: its files, an empty database.
pub trait Scratch {
    /// Runs an `alembic ...` line as the terminal runs it.
    fn run(&mut self, line: &str) -> Output;
    /// The version table's name.
    fn version_table(&self) -> String;
    /// The project's main database, if `sqlalchemy.url` names a SQLite file.
    fn database(&mut self) -> Option<&mut dyn Database>;
}

/// What the database looks like, in a comparable form (schema objects and row counts).
fn schema(scratch: &mut dyn Scratch) -> Vec<String> {
    let version_table = scratch.version_table();
    let Some(database) = scratch.database() else {
        return Vec::new();
    };
    let Ok((_, objects)) = database.query(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != ? ORDER BY type, name",
        &[SqlValue::Text(version_table)],
    ) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for object in objects {
        let text: Vec<String> = object.iter().map(SqlValue::display).collect();
        let kind = text.first().cloned().unwrap_or_default();
        let name = text.get(1).cloned().unwrap_or_default();
        let sql = text.get(2).cloned().unwrap_or_default().replace('\"', "");
        lines.push(format!(
            "{kind} {name}: {}",
            sql.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        if kind == "table" {
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            if let Ok((_, rows)) = database.query(&format!("SELECT count(*) FROM {quoted}"), &[]) {
                let count = rows
                    .first()
                    .and_then(|row| row.first())
                    .map(SqlValue::display)
                    .unwrap_or_default();
                lines.push(format!("rows in {name}: {count}"));
            }
        }
    }
    lines
}

fn diff(before: &[String], after: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    for line in before {
        if !after.contains(line) {
            lines.push(format!("  - {line}"));
        }
    }
    for line in after {
        if !before.contains(line) {
            lines.push(format!("  + {line}"));
        }
    }
    lines
}

/// Why the check cannot follow the project's revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// `alembic heads` failed: what it printed.
    Unreadable(String),
    SeveralHeads,
    MergePoints,
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Unreadable(printed) => {
                write!(formatter, "the revision graph cannot be read:\n{printed}")
            }
            CheckError::SeveralHeads => formatter.write_str("the reversibility check follows one line of revisions, and this project has several heads; merge them first (alembic merge heads)"),
            CheckError::MergePoints => formatter.write_str("the reversibility check follows one line of revisions, and this project has merge points"),
        }
    }
}

/// Checks every revision from base to head in `scratch`.
pub fn check(scratch: &mut dyn Scratch) -> Result<String, CheckError> {
    let heads = scratch.run("alembic heads");
    if heads.exit_code != 0 {
        let printed = format!("{}{}", heads.stdout_text(), heads.stderr_text());
        return Err(CheckError::Unreadable(printed));
    }
    if heads.stdout_text().lines().count() > 1 {
        return Err(CheckError::SeveralHeads);
    }
    let history = scratch.run("alembic history").stdout_text();
    let mut chain: Vec<String> = history
        .lines()
        .filter_map(|line| line.split_once(" -> ").map(|(_, rest)| rest))
        .filter_map(|rest| rest.split([' ', ',']).next().map(str::to_string))
        .collect();
    if history.lines().any(|line| line.contains("(mergepoint)")) {
        return Err(CheckError::MergePoints);
    }
    chain.reverse();
    let mut report = Vec::new();
    let mut failures = 0;
    for revision in &chain {
        let before = schema(scratch);
        let up = scratch.run(&format!("alembic upgrade {revision}"));
        if up.exit_code != 0 {
            report.push(format!(
                "{revision}: upgrade failed, stopping here:\n{}{}",
                up.stdout_text(),
                up.stderr_text()
            ));
            failures += 1;
            break;
        }
        let after_up = schema(scratch);
        let down = scratch.run("alembic downgrade -1");
        if down.exit_code != 0 {
            report.push(format!(
                "{revision}: downgrade failed:\n{}{}",
                down.stdout_text(),
                down.stderr_text()
            ));
            failures += 1;
            break;
        }
        let after_down = schema(scratch);
        let again = scratch.run(&format!("alembic upgrade {revision}"));
        let after_again = schema(scratch);
        let down_differs = diff(&before, &after_down);
        let up_differs = diff(&after_up, &after_again);
        if down_differs.is_empty() && up_differs.is_empty() && again.exit_code == 0 {
            report.push(format!("{revision}: reversible"));
            continue;
        }
        failures += 1;
        let mut text = format!("{revision}: NOT reversible");
        if !down_differs.is_empty() {
            text.push_str(&format!(
                "\n  after downgrade the database differs from before the upgrade (- before, + after):\n{}",
                down_differs.join("\n")
            ));
        }
        if again.exit_code != 0 {
            let last = again
                .stderr_text()
                .lines()
                .rev()
                .find(|line| !line.starts_with('[') && !line.starts_with('('))
                .unwrap_or("")
                .to_string();
            text.push_str(&format!("\n  upgrading again fails: {last}"));
            report.push(text);
            break;
        }
        if !up_differs.is_empty() {
            text.push_str(&format!(
                "\n  upgrading again gives a different database (- first time, + second time):\n{}",
                up_differs.join("\n")
            ));
        }
        report.push(text);
    }
    let summary = if chain.is_empty() {
        "No revisions to check.".to_string()
    } else if failures == 0 {
        format!("All {} revision(s) are reversible (upgrade, downgrade, upgrade give the same schema and row counts).", chain.len())
    } else {
        format!(
            "{failures} of {} revision(s) are not reversible.",
            chain.len()
        )
    };
    Ok(format!(
        "Checked in a scratch copy; your database is unchanged.\n{}\n{summary}\n",
        report.join("\n")
    ))
}

#[cfg(test)]
mod tests {
    use crate::playground::session::Session;

    use crate::test_support::{CountingIds, FixedClock};

    fn revision(
        session: &mut Session,
        ids: &mut CountingIds,
        message: &str,
        upgrade: &str,
        downgrade: &str,
    ) {
        let arguments = format!("-m \"{message}\"");
        crate::playground::learning::lessons::add_revision(
            session,
            &FixedClock,
            ids,
            &arguments,
            upgrade,
            downgrade,
        );
    }

    #[test]
    fn finds_a_downgrade_that_forgets_an_index_and_passes_a_correct_chain() {
        let mut session = Session::starter();
        let mut ids = CountingIds::new(0xfeed0000);
        revision(&mut session, &mut ids, "create account", "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50)))", "    op.drop_table('account')");
        revision(
            &mut session,
            &mut ids,
            "index name",
            "    op.create_index('ix_account_name', 'account', ['name'])",
            "    op.drop_index('ix_account_name', table_name='account')",
        );
        let report = session.reversibility(&FixedClock, &mut ids).unwrap();
        assert!(
            report.contains("All 2 revision(s) are reversible"),
            "{report}"
        );

        revision(&mut session, &mut ids, "email index", "    op.add_column('account', sa.Column('email', sa.String(100)))\n    op.create_index('ix_account_email', 'account', ['email'])", "    pass");
        let report = session.reversibility(&FixedClock, &mut ids).unwrap();
        assert!(report.contains("NOT reversible"), "{report}");
        assert!(report.contains("+ index ix_account_email"), "{report}");
        assert!(
            report.contains("1 of 3 revision(s) are not reversible"),
            "{report}"
        );
        // The learner's own database was not touched.
        assert!(session
            .run_sql("SELECT name FROM sqlite_master WHERE name = 'account'")
            .stdout_text()
            .contains("(0 rows)"));
    }
}
