//! Explainers for Alembic's classic errors: a short paragraph and the command that usually
//! fixes it, shown by the page under Alembic's own output (which stays exactly as Alembic
//! prints it).
//!
//! Does not: change any output; it only reads it.

use crate::output::Output;

/// An explanation of what went wrong and what usually fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub text: String,
}

/// Looks at a command's output and explains the classic mistakes it shows, if any.
pub fn explain(command_line: &str, output: &Output) -> Vec<Explanation> {
    let stdout = output.stdout_text();
    let stderr = output.stderr_text();
    let all = format!("{stdout}{stderr}");
    let mut explanations = Vec::new();
    let mut add = |text: &str| {
        explanations.push(Explanation {
            text: text.to_string(),
        })
    };
    if all.contains("Multiple head revisions are present for given argument 'head'")
        || all.contains("Multiple heads are present;")
    {
        add("Your revision graph has more than one head: two revisions were created on the same parent (often by two developers on two branches). `head` has to mean one revision, so Alembic refuses. See them with `alembic heads` and `alembic branches`; join them with `alembic merge heads -m \"merge\"` and then `alembic upgrade head` (or run `alembic upgrade heads` to apply both without merging).");
    }
    if all.contains("Can't locate revision identified by") {
        if stdout.contains("Can't locate revision identified by")
            && (stderr.contains("Context impl") || command_line.contains("current"))
        {
            add("Alembic could not find that revision. Either the identifier is mistyped, is a prefix shared by two revisions (Alembic says the same thing for both), or the database's alembic_version table names a revision whose file no longer exists (deleted, or on another git branch). `alembic history` lists the revisions that exist; if the database points at a missing one, restore the file or move the database to a known revision with `alembic stamp --purge <revision>`.");
        } else {
            add("Alembic could not find that revision: the identifier is mistyped, or it is a prefix shared by two revisions (Alembic gives the same message for both). `alembic history` lists the revisions that exist; type more characters of the id.");
        }
    }
    if all.contains("Target database is not up to date.") {
        add("Autogenerate compares your models with the database, so the database must first be at the latest revision; otherwise the new revision would repeat changes that earlier revisions already make. Run `alembic upgrade head` first, or, if the tables already match the latest revision (for example they were made by `create_all()`), mark them as such with `alembic stamp head`.");
    }
    if all.contains("No support for ALTER of constraints in SQLite dialect") {
        add("SQLite cannot add or drop constraints with ALTER TABLE. Alembic's batch mode works around this by building a new table and copying the rows: put the operation inside `with op.batch_alter_table('<table>') as batch_op:` and call it on `batch_op` (and set `render_as_batch=True` in env.py's context.configure so autogenerate writes batch blocks for you). Note that the statements before the failing one in this revision already ran.");
    }
    if all.contains("near \"ALTER\": syntax error") {
        add("SQLite has no ALTER COLUMN: changing a column's type, nullability or default needs batch mode, which recreates the table. Rewrite the call as `with op.batch_alter_table('<table>') as batch_op: batch_op.alter_column(...)`. On SQLite each revision's DDL is committed as it runs, so anything this revision did before the failing statement is already in the database while alembic_version still names the previous revision: check the schema before retrying.");
    }
    if all.contains("table _alembic_tmp_") && all.contains("already exists") {
        add("A previous batch migration failed half-way and left its temporary table `_alembic_tmp_...` behind (SQLite does not roll back that DDL). Drop it (`sql DROP TABLE _alembic_tmp_<table>`), fix the cause of the first failure (often a NOT NULL column without a server default on a table with rows), and run the upgrade again.");
    }
    if all.contains("Cannot add a NOT NULL column with default value NULL") {
        add("The table already has rows, and a new NOT NULL column needs a value for them. Give the column a `server_default=...`, or add it as nullable, fill it with `op.execute(\"UPDATE ...\")`, then make it NOT NULL in batch mode.");
    }
    // Autogenerate cannot see renames: a column (or table) removed and another added in the
    // same table looks like one.
    let detected = |kind: &str| -> Vec<String> {
        stderr
            .lines()
            .filter_map(|line| {
                line.split_once(&format!("Detected {kind} column '"))
                    .map(|(_, rest)| rest)
            })
            .filter_map(|rest| rest.split_once('\'').map(|(name, _)| name.to_string()))
            .collect()
    };
    let added = detected("added");
    let removed = detected("removed");
    let table_of = |name: &String| {
        name.rsplit_once('.')
            .map(|(table, _)| table.to_string())
            .unwrap_or_default()
    };
    let renamed: Vec<String> = removed
        .iter()
        .filter(|old| added.iter().any(|new| table_of(new) == table_of(old)))
        .cloned()
        .collect();
    if !renamed.is_empty() {
        add(&format!("Autogenerate cannot see renames, CHECK constraints or server-default changes. Here a column was removed and another added in the same table ({}): if you renamed it, review the new revision and replace the add_column/drop_column pair with `op.alter_column('<table>', '<old>', new_column_name='<new>')` (in a batch block on SQLite), or the column's data is lost.", renamed.join(", ")));
    }
    let failed_step = stderr.contains("Traceback (most recent call last):")
        && (stderr.contains("] Running upgrade") || stderr.contains("] Running downgrade"));
    if failed_step {
        if stderr.contains("Will assume transactional DDL.") {
            add("What happened to the database: with transactional DDL the failing step was rolled back as a whole (and, without transaction_per_migration, every earlier step of this command too); alembic_version names the last revision that committed.");
        } else {
            add("What happened to the database: on SQLite Alembic commits each revision on its own, so the revisions before the failing one are applied; of the failing revision, the DDL that ran before its first INSERT/UPDATE/DELETE stayed in the database (SQLite's Python driver runs it outside the transaction) while alembic_version still names the previous revision. Look at the schema before you retry: a retry may fail on what is already there.");
        }
    }
    if all.contains("Relative revision") && all.contains("didn't produce") {
        add("A relative target (`+N`/`-N`) counts steps from the current revision, and there are not that many in that direction. `alembic current` shows where the database is and `alembic history` what lies above and below it.");
    }
    if all.contains("does not provide a MetaData object") {
        add("Autogenerate needs to know your models: in env.py, import them and set `target_metadata = Base.metadata` (instead of `None`).");
    }
    explanations
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(stdout: &str, stderr: &str) -> Output {
        let mut output = Output::default();
        output.stderr(stderr);
        output.stdout(stdout);
        output
    }

    #[test]
    fn explains_the_classic_errors_and_nothing_else() {
        let multiple = output("FAILED: Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads\n", "");
        assert!(explain("alembic upgrade head", &multiple)[0]
            .text
            .contains("alembic merge heads"));
        let missing = output(
            "FAILED: Can't locate revision identified by 'deadbeef0000'\n",
            "INFO  [alembic.runtime.migration] Context impl SQLiteImpl.\n",
        );
        assert!(explain("alembic current", &missing)[0]
            .text
            .contains("stamp --purge"));
        let not_up_to_date = output("FAILED: Target database is not up to date.\n", "");
        assert!(explain("alembic check", &not_up_to_date)[0]
            .text
            .contains("alembic upgrade head"));
        let alter = output("", "NotImplementedError: No support for ALTER of constraints in SQLite dialect. Please refer to the batch mode feature which allows for SQLite migrations using a copy-and-move strategy.\n");
        assert!(explain("alembic upgrade head", &alter)[0]
            .text
            .contains("batch_alter_table"));
        let failed = output("", "INFO  [alembic.runtime.migration] Will assume non-transactional DDL.\nINFO  [alembic.runtime.migration] Running upgrade a -> b, x\nTraceback (most recent call last):\nsqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: t\n");
        assert!(explain("alembic upgrade head", &failed)[0]
            .text
            .contains("alembic_version still names the previous revision"));
        let rename = output("Generating /p/x.py ...  done\n", "INFO  [alembic.autogenerate.compare.tables] Detected added column 'post.headline'\nINFO  [alembic.autogenerate.compare.tables] Detected removed column 'post.title'\n");
        assert!(explain("alembic revision --autogenerate -m x", &rename)[0]
            .text
            .contains("post.title"));
        let fine = output(
            "ae1027a6acf0 (head)\n",
            "INFO  [alembic.runtime.migration] Context impl SQLiteImpl.\n",
        );
        assert!(explain("alembic current", &fine).is_empty());
    }
}
