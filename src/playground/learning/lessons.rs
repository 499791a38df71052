//! Guided lessons: short sequences of steps whose goals are checked from the real state of the
//! playground (files, database, version table, last command), never from button clicks.
//!
//! Owns: the lesson texts, how each lesson's project is set up, and each step's check.
//! Does not: render anything (the page shows the steps and calls [`progress`]).

use crate::host::FileSystem;
use crate::host::{Clock, IdSource};
use crate::ops::Operation;
use crate::playground::project::TranscriptEntry;
use crate::playground::session::Session;
use crate::runtime::{Database, SqlValue};
use crate::script::exec::plan_function;
use crate::script::load::RevisionScript;

/// One step: what to do, and how the playground knows it is done.
pub struct LessonStep {
    pub text: &'static str,
    pub check: fn(&mut Session) -> bool,
}

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub introduction: &'static str,
    pub steps: &'static [LessonStep],
    /// Prepares the lesson's project in a fresh starter session.
    pub setup: fn(&mut Session, &dyn Clock, &mut dyn IdSource),
}

// ---- reading the state --------------------------------------------------------------------

fn scripts(session: &Session) -> Vec<RevisionScript> {
    session.revision_scripts()
}

fn heads(session: &Session) -> Vec<String> {
    Session::head_ids(&scripts(session))
}

fn query(session: &mut Session, sql: &str) -> Option<Vec<Vec<SqlValue>>> {
    let database = session.main_database().ok()?;
    database.query(sql, &[]).ok().map(|(_, rows)| rows)
}

/// The version table's rows, or None when the table does not exist.
fn version_rows(session: &mut Session) -> Option<Vec<String>> {
    let version_table = session.version_table_name();
    session.version_table_rows(&version_table)
}

fn table_exists(session: &mut Session, table: &str) -> bool {
    query(
        session,
        &format!(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{}'",
            table.replace('\'', "''")
        ),
    )
    .is_some_and(|rows| !rows.is_empty())
}

/// The last command typed and everything it printed.
fn last_command(session: &Session) -> Option<(String, String)> {
    let position = session
        .transcript()
        .iter()
        .rposition(|entry| matches!(entry, TranscriptEntry::Command(_)))?;
    let TranscriptEntry::Command(line) = &session.transcript()[position] else {
        return None;
    };
    let output: String = session.transcript()[position + 1..]
        .iter()
        .filter_map(|entry| match entry {
            TranscriptEntry::Output { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    Some((line.clone(), output))
}

fn ran(session: &Session, words: &[&str], output_contains: &str) -> bool {
    let Some((line, output)) = last_command(session) else {
        return false;
    };
    let typed: Vec<&str> = line.split_whitespace().collect();
    typed.len() >= words.len() && typed[..words.len()] == *words && output.contains(output_contains)
}

fn operations(script: &RevisionScript, function: &str) -> Vec<Operation> {
    plan_function(script, function)
        .map(|planned| planned.into_iter().map(|op| op.operation).collect())
        .unwrap_or_default()
}

fn creates_table(script: &RevisionScript, name: &str) -> bool {
    operations(script, "upgrade").iter().any(
        |operation| matches!(operation, Operation::CreateTable { table, .. } if table.name == name),
    )
}

fn drops_table(script: &RevisionScript, name: &str) -> bool {
    operations(script, "downgrade")
        .iter()
        .any(|operation| matches!(operation, Operation::DropTable { table_name, .. } if table_name == name))
}

// ---- setting up ---------------------------------------------------------------------------

/// Creates a revision through the terminal and fills its bodies.
pub(crate) fn add_revision(
    session: &mut Session,
    clock: &dyn Clock,
    ids: &mut dyn IdSource,
    arguments: &str,
    upgrade: &str,
    downgrade: &str,
) {
    let output = session
        .run_line(&format!("alembic revision {arguments}"), clock, ids)
        .output;
    let Some(path) = output.touched_files.first().cloned() else {
        return;
    };
    let Ok(text) = session.files().read_to_string(&path) else {
        return;
    };
    let text = text
        .replace(
            "    \"\"\"Upgrade schema.\"\"\"\n    pass",
            &format!("    \"\"\"Upgrade schema.\"\"\"\n{upgrade}"),
        )
        .replace(
            "    \"\"\"Downgrade schema.\"\"\"\n    pass",
            &format!("    \"\"\"Downgrade schema.\"\"\"\n{downgrade}"),
        );
    let _ = session.write_file(&path, &text);
}

fn setup_nothing(_: &mut Session, _: &dyn Clock, _: &mut dyn IdSource) {}

pub(crate) fn setup_three_revisions(
    session: &mut Session,
    clock: &dyn Clock,
    ids: &mut dyn IdSource,
) {
    add_revision(session, clock, ids, "-m \"create account table\"", "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))", "    op.drop_table('account')");
    add_revision(
        session,
        clock,
        ids,
        "-m \"add last_login\"",
        "    op.add_column('account', sa.Column('last_login', sa.DateTime))",
        "    op.drop_column('account', 'last_login')",
    );
    add_revision(
        session,
        clock,
        ids,
        "-m \"create item table\"",
        "    op.create_table('item', sa.Column('id', sa.Integer, primary_key=True))",
        "    op.drop_table('item')",
    );
    session.run_line("alembic upgrade head", clock, ids);
    session.reset_transcript(Vec::new());
}

pub(crate) fn setup_two_heads(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    add_revision(
        session,
        clock,
        ids,
        "-m \"create account table\"",
        "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))",
        "    op.drop_table('account')",
    );
    let base = heads(session);
    let parent = base.first().cloned().unwrap_or_default();
    add_revision(
        session,
        clock,
        ids,
        "-m \"alice adds email\"",
        "    op.add_column('account', sa.Column('email', sa.String(100)))",
        "    op.drop_column('account', 'email')",
    );
    add_revision(
        session,
        clock,
        ids,
        &format!("-m \"bob adds phone\" --head {parent} --splice"),
        "    op.add_column('account', sa.Column('phone', sa.String(20)))",
        "    op.drop_column('account', 'phone')",
    );
    session.run_line(&format!("alembic upgrade {parent}"), clock, ids);
    session.reset_transcript(Vec::new());
}

pub(crate) fn setup_existing_database(
    session: &mut Session,
    clock: &dyn Clock,
    ids: &mut dyn IdSource,
) {
    add_revision(session, clock, ids, "-m \"create account table\"", "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))", "    op.drop_table('account')");
    // The database was made by `metadata.create_all()`: the table exists, Alembic never ran.
    session.run_sql("CREATE TABLE account (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\tPRIMARY KEY (id)\n)");
    session.run_sql("INSERT INTO account (id, name) VALUES (1, 'Ann')");
    session.reset_transcript(Vec::new());
}

pub(crate) fn setup_applied_account(
    session: &mut Session,
    clock: &dyn Clock,
    ids: &mut dyn IdSource,
) {
    add_revision(session, clock, ids, "-m \"create account table\"", "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50)))", "    op.drop_table('account')");
    session.run_line("alembic upgrade head", clock, ids);
    session.reset_transcript(Vec::new());
}

fn setup_half_applied(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    add_revision(
        session,
        clock,
        ids,
        "-m \"create account table\"",
        "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))",
        "    op.drop_table('account')",
    );
    session.run_line("alembic upgrade head", clock, ids);
    add_revision(session, clock, ids, "-m \"audit table and seed\"", "    op.create_table('audit', sa.Column('id', sa.Integer, primary_key=True))\n    op.execute(\"INSERT INTO audit_log (id) VALUES (1)\")", "    op.drop_table('audit')");
    session.reset_transcript(Vec::new());
}

fn columns_of(session: &mut Session, table: &str) -> Vec<(String, bool)> {
    query(
        session,
        &format!("PRAGMA table_info('{}')", table.replace('\'', "''")),
    )
    .unwrap_or_default()
    .iter()
    .map(|row| {
        // cid, name, type, notnull, dflt_value, pk
        let name = row.get(1).map(SqlValue::display).unwrap_or_default();
        let not_null = matches!(row.get(3), Some(SqlValue::Integer(value)) if *value != 0);
        (name, not_null)
    })
    .collect()
}

fn at_head(session: &mut Session) -> bool {
    let heads = heads(session);
    !heads.is_empty() && version_rows(session).is_some_and(|rows| rows == heads)
}

fn adds_column(script: &RevisionScript, table: &str, column: &str) -> bool {
    operations(script, "upgrade").iter().any(|operation| match operation {
        Operation::AddColumn { table_name, add } => table_name == table && add.column.name == column,
        Operation::BatchAlterTable { table_name, ops, .. } => {
            table_name == table
                && ops.iter().any(|op| matches!(op, crate::ops::BatchOp::AddColumn(add) if add.column.name == column))
        }
        _ => false,
    })
}

fn autogenerate_first(session: &mut Session) -> bool {
    scripts(session)
        .iter()
        .any(|script| creates_table(script, "account"))
        && session
            .history()
            .iter()
            .any(|line| line.contains("--autogenerate"))
}

fn autogenerate_applied(session: &mut Session) -> bool {
    table_exists(session, "account") && at_head(session)
}

fn autogenerate_model_changed(session: &mut Session) -> bool {
    let models = format!("{}/models.py", session.cwd());
    session
        .files()
        .read_to_string(&models)
        .is_ok_and(|text| text.contains("email") && crate::python::parse_module(&text).is_ok())
}

fn autogenerate_second(session: &mut Session) -> bool {
    scripts(session)
        .iter()
        .any(|script| adds_column(script, "account", "email"))
}

fn autogenerate_second_applied(session: &mut Session) -> bool {
    columns_of(session, "account")
        .iter()
        .any(|(name, _)| name == "email")
        && at_head(session)
}

fn batch_refused(session: &mut Session) -> bool {
    ran(
        session,
        &["alembic", "upgrade"],
        "near \"ALTER\": syntax error",
    )
}

fn batch_applied(session: &mut Session) -> bool {
    columns_of(session, "account")
        .iter()
        .any(|(name, not_null)| name == "name" && *not_null)
        && at_head(session)
}

fn setup_data_migration(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    setup_applied_account(session, clock, ids);
    session.run_line(
        "sql INSERT INTO account (name) VALUES ('ada'), ('grace')",
        clock,
        ids,
    );
    session.reset_transcript(Vec::new());
}

/// Every account row has a display_name, and none was lost.
fn display_names_filled(session: &mut Session) -> bool {
    query(session, "SELECT count(*), count(display_name) FROM account").is_some_and(|rows| {
        rows.first()
            .is_some_and(|row| row.len() == 2 && row[0] == row[1] && row[0] == SqlValue::Integer(2))
    })
}

fn data_migration_backfilled(session: &mut Session) -> bool {
    display_names_filled(session) && at_head(session)
}

fn data_migration_not_null(session: &mut Session) -> bool {
    columns_of(session, "account")
        .iter()
        .any(|(name, not_null)| name == "display_name" && *not_null)
        && display_names_filled(session)
        && at_head(session)
}

fn half_applied_seen(session: &mut Session) -> bool {
    ran(session, &["alembic", "upgrade"], "no such table: audit_log")
}

fn half_applied_recovered(session: &mut Session) -> bool {
    table_exists(session, "audit")
        && at_head(session)
        && scripts(session)
            .iter()
            .all(|script| !script.source.contains("audit_log"))
}

fn edited_applied_nothing_happens(session: &mut Session) -> bool {
    let edited = scripts(session).iter().any(|script| {
        operations(script, "upgrade").iter().any(|operation| {
            matches!(operation, Operation::CreateTable { table, .. } if table.name == "account" && table.columns.len() > 2)
        })
    });
    let Some((line, output)) = last_command(session) else {
        return false;
    };
    edited
        && line.starts_with("alembic upgrade")
        && !output.contains("Running upgrade")
        && columns_of(session, "account").len() == 2
}

fn edited_applied_fixed(session: &mut Session) -> bool {
    scripts(session).len() >= 2 && columns_of(session, "account").len() > 2 && at_head(session)
}

// ---- the lessons --------------------------------------------------------------------------

fn first_lesson_revision(session: &mut Session) -> bool {
    !scripts(session).is_empty()
}

fn first_lesson_edit(session: &mut Session) -> bool {
    scripts(session)
        .iter()
        .any(|script| creates_table(script, "account") && drops_table(script, "account"))
}

fn first_lesson_upgrade(session: &mut Session) -> bool {
    let heads = heads(session);
    table_exists(session, "account")
        && version_rows(session).is_some_and(|rows| !rows.is_empty() && rows == heads)
}

fn second_lesson_down_one(session: &mut Session) -> bool {
    ran(
        session,
        &["alembic", "downgrade", "-1"],
        "Running downgrade",
    ) && !table_exists(session, "item")
}

fn second_lesson_up_one(session: &mut Session) -> bool {
    ran(session, &["alembic", "upgrade", "+1"], "Running upgrade") && table_exists(session, "item")
}

fn second_lesson_base(session: &mut Session) -> bool {
    version_rows(session).is_some_and(|rows| rows.is_empty()) && !table_exists(session, "account")
}

fn third_lesson_history(session: &mut Session) -> bool {
    ran(session, &["alembic", "history"], "(head)")
}

fn third_lesson_current(session: &mut Session) -> bool {
    ran(session, &["alembic", "current"], "(head)")
}

fn stamp_lesson_fails(session: &mut Session) -> bool {
    ran(
        session,
        &["alembic", "upgrade"],
        "table account already exists",
    )
}

fn stamp_lesson_stamp(session: &mut Session) -> bool {
    let heads = heads(session);
    ran(session, &["alembic", "stamp"], "Running stamp_revision")
        && version_rows(session).is_some_and(|rows| !rows.is_empty() && rows == heads)
        && query(session, "SELECT count(*) FROM account").is_some_and(|rows| {
            rows.first().and_then(|row| row.first()) == Some(&SqlValue::Integer(1))
        })
}

fn heads_lesson_fail(session: &mut Session) -> bool {
    ran(
        session,
        &["alembic", "upgrade", "head"],
        "Multiple head revisions are present",
    )
}

fn heads_lesson_merge(session: &mut Session) -> bool {
    heads(session).len() == 1
        && scripts(session)
            .iter()
            .any(|script| script.down_revisions.len() == 2)
}

fn heads_lesson_upgrade(session: &mut Session) -> bool {
    let heads = heads(session);
    heads.len() == 1 && version_rows(session).is_some_and(|rows| rows == heads)
}

pub static LESSONS: &[Lesson] = &[
    Lesson {
        id: "first-revision",
        title: "1. Your first revision",
        introduction: "A revision is a Python file with an upgrade() and a downgrade(). Alembic runs upgrade() to move the database forward and records where it is in the alembic_version table.",
        setup: setup_nothing,
        steps: &[
            LessonStep { text: "Create a revision: alembic revision -m \"create account table\"", check: first_lesson_revision },
            LessonStep { text: "In the new file (it opened in the editor), make upgrade() create an `account` table with op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), ...) and make downgrade() call op.drop_table('account').", check: first_lesson_edit },
            LessonStep { text: "Apply it: alembic upgrade head. The schema panel shows `account`, and the version table your revision.", check: first_lesson_upgrade },
        ],
    },
    Lesson {
        id: "downgrade",
        title: "2. Going down and back up",
        introduction: "This project has three revisions, all applied. Relative targets move from where the database is: -1 is one step down, +1 one step up, base is before the first revision.",
        setup: setup_three_revisions,
        steps: &[
            LessonStep { text: "Undo the last revision: alembic downgrade -1 (the `item` table goes away).", check: second_lesson_down_one },
            LessonStep { text: "Apply it again: alembic upgrade +1.", check: second_lesson_up_one },
            LessonStep { text: "Go all the way down: alembic downgrade base. The version table stays, empty.", check: second_lesson_base },
        ],
    },
    Lesson {
        id: "history",
        title: "3. Reading history and current",
        introduction: "history lists the revisions newest first; current shows where the database is.",
        setup: setup_three_revisions,
        steps: &[
            LessonStep { text: "List the revisions: alembic history (the newest is marked (head)).", check: third_lesson_history },
            LessonStep { text: "See where the database is: alembic current.", check: third_lesson_current },
        ],
    },
    Lesson {
        id: "autogenerate",
        title: "4. Autogenerate from models.py",
        introduction: "The tutorial's workflow: change the models, let Alembic write the revision, review it, apply it. models.py maps an `account` table; the database is empty.",
        setup: setup_nothing,
        steps: &[
            LessonStep { text: "Generate the first revision from the models: alembic revision --autogenerate -m \"create account table\". Review the file it opens.", check: autogenerate_first },
            LessonStep { text: "Apply it: alembic upgrade head.", check: autogenerate_applied },
            LessonStep { text: "In models.py, add a column to Account: email: Mapped[Optional[str]] = mapped_column(String(100)) (and `from typing import Optional`).", check: autogenerate_model_changed },
            LessonStep { text: "Generate the next revision: alembic revision --autogenerate -m \"add email\", and read what it wrote.", check: autogenerate_second },
            LessonStep { text: "Apply it: alembic upgrade head.", check: autogenerate_second_applied },
        ],
    },
    Lesson {
        id: "stamp",
        title: "5. Stamping an existing database",
        introduction: "This database already has the `account` table (made by create_all(), not by Alembic) and one row in it. Alembic does not know that yet.",
        setup: setup_existing_database,
        steps: &[
            LessonStep { text: "Try alembic upgrade head: it fails, because the revision tries to create a table that exists.", check: stamp_lesson_fails },
            LessonStep { text: "Tell Alembic the database is already at the latest revision without running it: alembic stamp head. The row in `account` stays.", check: stamp_lesson_stamp },
        ],
    },
    Lesson {
        id: "two-heads",
        title: "6. Two developers, two heads",
        introduction: "Alice and Bob each added a revision on top of the same parent: the graph has two heads, and `head` no longer means one revision.",
        setup: setup_two_heads,
        steps: &[
            LessonStep { text: "Try alembic upgrade head and read the error.", check: heads_lesson_fail },
            LessonStep { text: "Join the two heads with a merge revision: alembic merge heads -m \"merge alice and bob\".", check: heads_lesson_merge },
            LessonStep { text: "Now alembic upgrade head works: run it.", check: heads_lesson_upgrade },
        ],
    },
    Lesson {
        id: "batch",
        title: "7. SQLite's ALTER limits and batch mode",
        introduction: "`account.name` is nullable and you want it NOT NULL. On most databases that is one ALTER; SQLite has no ALTER COLUMN.",
        setup: setup_applied_account,
        steps: &[
            LessonStep { text: "Create a revision (alembic revision -m \"name not null\") whose upgrade() is op.alter_column('account', 'name', nullable=False, existing_type=sa.String(50)), and run alembic upgrade head: SQLite refuses.", check: batch_refused },
            LessonStep { text: "Rewrite upgrade() in batch mode: with op.batch_alter_table('account') as batch_op: batch_op.alter_column('name', nullable=False, existing_type=sa.String(50)); then alembic upgrade head. Alembic copies the table into a new one.", check: batch_applied },
        ],
    },
    Lesson {
        id: "half-applied",
        title: "8. A migration that fails half-way",
        introduction: "The newest revision creates an `audit` table and then inserts into a table that does not exist.",
        setup: setup_half_applied,
        steps: &[
            LessonStep { text: "Run alembic upgrade head and read the error. Then look at the schema panel: `audit` exists, but the version table did not move (SQLite committed the DDL).", check: half_applied_seen },
            LessonStep { text: "Recover: fix the revision (remove the INSERT into audit_log), drop the leftover table (sql DROP TABLE audit), and run alembic upgrade head again.", check: half_applied_recovered },
        ],
    },
    Lesson {
        id: "edit-applied",
        title: "9. Editing a revision that was already applied",
        introduction: "The `create account table` revision has been applied. What happens if you change it now?",
        setup: setup_applied_account,
        steps: &[
            LessonStep { text: "Add a column to its create_table (e.g. sa.Column('email', sa.String(100))) and run alembic upgrade head: nothing happens, because the database is already at that revision.", check: edited_applied_nothing_happens },
            LessonStep { text: "Do it properly: undo your edit, create a new revision (alembic revision -m \"add email\") with op.add_column('account', sa.Column('email', sa.String(100))), and alembic upgrade head.", check: edited_applied_fixed },
        ],
    },
    Lesson {
        id: "data-migration",
        title: "10. A data migration",
        introduction: "`account` has two rows. You want a required `display_name` column: a NOT NULL column cannot be added to a table with rows, so add it nullable, fill it from the data, then make it required.",
        setup: setup_data_migration,
        steps: &[
            LessonStep { text: "Create a revision (alembic revision -m \"add display name\") whose upgrade() runs op.add_column('account', sa.Column('display_name', sa.String(50))), then fills it through the connection: conn = op.get_bind(), and for row in conn.execute(sa.text('SELECT id, name FROM account')): conn.execute(sa.text('UPDATE account SET display_name = :d WHERE id = :i'), {'d': row.name.upper(), 'i': row.id}). Run alembic upgrade head and look at the rows.", check: data_migration_backfilled },
            LessonStep { text: "Make it required in a new revision, in batch mode: with op.batch_alter_table('account') as batch_op: batch_op.alter_column('display_name', nullable=False, existing_type=sa.String(50)); then alembic upgrade head. The rows keep their values.", check: data_migration_not_null },
        ],
    },
];

/// How far the learner is in a lesson: one flag per step, in order.
pub fn progress(lesson: &Lesson, session: &mut Session) -> Vec<bool> {
    lesson
        .steps
        .iter()
        .map(|step| (step.check)(session))
        .collect()
}

/// Moves a learner's progress forward: steps are done in order, and a step once done stays
/// done (later commands may change what its check sees). Returns whether all steps are done.
pub fn advance(lesson: &Lesson, done: &mut Vec<bool>, session: &mut Session) -> bool {
    done.resize(lesson.steps.len(), false);
    for (index, step) in lesson.steps.iter().enumerate() {
        if done[index] {
            continue;
        }
        if (step.check)(session) {
            done[index] = true;
        } else {
            break;
        }
    }
    done.iter().all(|step_done| *step_done)
}

/// A fresh session set up for the lesson.
pub fn start(lesson: &Lesson, clock: &dyn Clock, ids: &mut dyn IdSource) -> Session {
    let mut session = Session::starter();
    (lesson.setup)(&mut session, clock, ids);
    session.start_fresh(Some((
        lesson.id.to_string(),
        vec![false; lesson.steps.len()],
    )));
    session
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_support::{CountingIds, FixedClock};

    fn lesson(id: &str) -> &'static Lesson {
        LESSONS.iter().find(|lesson| lesson.id == id).unwrap()
    }

    #[test]
    fn a_lesson_opens_on_its_newest_revision_else_models_py() {
        let mut ids = CountingIds::new(0xbeef0000);
        let fresh = start(lesson("first-revision"), &FixedClock, &mut ids);
        assert_eq!(fresh.first_file().as_deref(), Some("/project/models.py"));
        // the revision the learner must fix, not the applied one before it
        let failing = start(lesson("half-applied"), &FixedClock, &mut ids);
        let first = failing.first_file().unwrap();
        assert!(first.starts_with("/project/alembic/versions/"), "{first}");
        assert!(failing
            .files()
            .read_to_string(&first)
            .unwrap()
            .contains("audit_log"));
    }

    #[test]
    fn first_lesson_is_completed_by_doing_what_it_asks_and_not_by_stamping() {
        let mut ids = CountingIds::new(0xbeef0000);
        let lesson = lesson("first-revision");
        let mut session = start(lesson, &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session), vec![false, false, false]);
        let path = session
            .run_line(
                "alembic revision -m \"create account table\"",
                &FixedClock,
                &mut ids,
            )
            .output
            .touched_files[0]
            .clone();
        assert_eq!(progress(lesson, &mut session), vec![true, false, false]);
        // Stamping head marks the version without creating the table: not the goal.
        session.run_line("alembic stamp head", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session)[2], false);
        session.run_line("alembic stamp base", &FixedClock, &mut ids);
        let text = session.files().read_to_string(&path).unwrap()
            .replace("    \"\"\"Upgrade schema.\"\"\"\n    pass", "    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))")
            .replace("    \"\"\"Downgrade schema.\"\"\"\n    pass", "    \"\"\"Downgrade schema.\"\"\"\n    op.drop_table('account')");
        session.write_file(&path, &text).unwrap();
        assert_eq!(progress(lesson, &mut session), vec![true, true, false]);
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session), vec![true, true, true]);
    }

    #[test]
    fn downgrade_lesson_needs_the_relative_commands() {
        let mut ids = CountingIds::new(0xbeef0000);
        let lesson = lesson("downgrade");
        let mut session = start(lesson, &FixedClock, &mut ids);
        assert!(table_exists(&mut session, "item"));
        session.run_line("alembic downgrade -1", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session)[0], true);
        session.run_line("alembic upgrade +1", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session)[1], true);
        session.run_line("alembic downgrade base", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session), vec![false, false, true]);
        // Progress as the page keeps it: sticky and in order.
        let mut session = start(lesson, &FixedClock, &mut ids);
        let mut done = Vec::new();
        session.run_line("alembic downgrade base", &FixedClock, &mut ids);
        assert!(!advance(lesson, &mut done, &mut session));
        assert_eq!(
            done,
            vec![false, false, false],
            "skipping ahead does not count"
        );
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        for line in [
            "alembic downgrade -1",
            "alembic upgrade +1",
            "alembic downgrade base",
        ] {
            session.run_line(line, &FixedClock, &mut ids);
            advance(lesson, &mut done, &mut session);
        }
        assert_eq!(done, vec![true, true, true]);
    }

    fn edit(session: &mut Session, path: &str, from: &str, to: &str) {
        let text = session
            .files()
            .read_to_string(path)
            .unwrap()
            .replace(from, to);
        session.write_file(path, &text).unwrap();
    }

    fn newest(session: &Session) -> String {
        let scripts = scripts(session);
        let heads = heads(session);
        scripts
            .iter()
            .find(|script| heads.contains(&script.id))
            .map(|script| script.path.clone())
            .unwrap()
    }

    #[test]
    fn autogenerate_lesson() {
        let mut ids = CountingIds::new(0xbeef0000);
        let lesson = lesson("autogenerate");
        let mut session = start(lesson, &FixedClock, &mut ids);
        session.run_line(
            "alembic revision --autogenerate -m \"create account table\"",
            &FixedClock,
            &mut ids,
        );
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(
            progress(lesson, &mut session),
            vec![true, true, false, false, false]
        );
        edit(&mut session, "/project/models.py", "    name: Mapped[str] = mapped_column(String(50))\n", "    name: Mapped[str] = mapped_column(String(50))\n    email: Mapped[Optional[str]] = mapped_column(String(100))\n");
        edit(
            &mut session,
            "/project/models.py",
            "from sqlalchemy import String\n",
            "from typing import Optional\n\nfrom sqlalchemy import String\n",
        );
        session.run_line(
            "alembic revision --autogenerate -m \"add email\"",
            &FixedClock,
            &mut ids,
        );
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(
            progress(lesson, &mut session),
            vec![true, true, true, true, true]
        );
    }

    #[test]
    fn data_migration_lesson() {
        let mut ids = CountingIds::new(0xbeef0000);
        let lesson = lesson("data-migration");
        let mut session = start(lesson, &FixedClock, &mut ids);
        session.run_line(
            "alembic revision -m \"add display name\"",
            &FixedClock,
            &mut ids,
        );
        let path = newest(&session);
        // the column alone is not the step: its rows must be filled
        edit(&mut session, &path, "    \"\"\"Upgrade schema.\"\"\"\n    pass", "    \"\"\"Upgrade schema.\"\"\"\n    op.add_column('account', sa.Column('display_name', sa.String(50)))\n    conn = op.get_bind()\n    for row in conn.execute(sa.text('SELECT id, name FROM account')):\n        conn.execute(sa.text('UPDATE account SET display_name = :d WHERE id = :i'), {'d': row.name.upper(), 'i': row.id})");
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session), vec![true, false]);
        assert_eq!(
            query(&mut session, "SELECT display_name FROM account ORDER BY id").unwrap(),
            vec![
                vec![SqlValue::Text("ADA".into())],
                vec![SqlValue::Text("GRACE".into())]
            ]
        );
        session.run_line(
            "alembic revision -m \"display name required\"",
            &FixedClock,
            &mut ids,
        );
        let path = newest(&session);
        edit(&mut session, &path, "    \"\"\"Upgrade schema.\"\"\"\n    pass", "    \"\"\"Upgrade schema.\"\"\"\n    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('display_name', nullable=False, existing_type=sa.String(50))");
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session), vec![true, true]);
    }

    #[test]
    fn batch_half_applied_and_edit_applied_lessons() {
        let mut ids = CountingIds::new(0xbeef0000);
        let batch = lesson("batch");
        let mut session = start(batch, &FixedClock, &mut ids);
        session.run_line(
            "alembic revision -m \"name not null\"",
            &FixedClock,
            &mut ids,
        );
        let path = newest(&session);
        edit(&mut session, &path, "    \"\"\"Upgrade schema.\"\"\"\n    pass", "    \"\"\"Upgrade schema.\"\"\"\n    op.alter_column('account', 'name', nullable=False, existing_type=sa.String(50))");
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(batch, &mut session), vec![true, false]);
        edit(&mut session, &path, "    op.alter_column('account', 'name', nullable=False, existing_type=sa.String(50))", "    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', nullable=False, existing_type=sa.String(50))");
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(batch, &mut session), vec![false, true]);

        let half = lesson("half-applied");
        let mut session = start(half, &FixedClock, &mut ids);
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(half, &mut session), vec![true, false]);
        assert!(table_exists(&mut session, "audit"));
        let path = newest(&session);
        edit(
            &mut session,
            &path,
            "\n    op.execute(\"INSERT INTO audit_log (id) VALUES (1)\")",
            "",
        );
        // Retrying without dropping the leftover table fails again.
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(half, &mut session)[1], false);
        session.run_line("sql DROP TABLE audit", &FixedClock, &mut ids);
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(half, &mut session)[1], true);

        let applied = lesson("edit-applied");
        let mut session = start(applied, &FixedClock, &mut ids);
        let path = newest(&session);
        edit(
            &mut session,
            &path,
            "sa.Column('name', sa.String(50)))",
            "sa.Column('name', sa.String(50)), sa.Column('email', sa.String(100)))",
        );
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(applied, &mut session), vec![true, false]);
        edit(
            &mut session,
            &path,
            "sa.Column('name', sa.String(50)), sa.Column('email', sa.String(100)))",
            "sa.Column('name', sa.String(50)))",
        );
        session.run_line("alembic revision -m \"add email\"", &FixedClock, &mut ids);
        let second = newest(&session);
        edit(&mut session, &second, "    \"\"\"Upgrade schema.\"\"\"\n    pass", "    \"\"\"Upgrade schema.\"\"\"\n    op.add_column('account', sa.Column('email', sa.String(100)))");
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(applied, &mut session)[1], true);
    }

    #[test]
    fn stamp_and_two_heads_lessons() {
        let mut ids = CountingIds::new(0xbeef0000);
        let stamp = lesson("stamp");
        let mut session = start(stamp, &FixedClock, &mut ids);
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(stamp, &mut session)[0], true);
        session.run_line("alembic stamp head", &FixedClock, &mut ids);
        assert_eq!(progress(stamp, &mut session)[1], true);

        let two = lesson("two-heads");
        let mut session = start(two, &FixedClock, &mut ids);
        assert_eq!(heads(&session).len(), 2);
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(two, &mut session)[0], true);
        // `upgrade heads` reaches both heads but is not the merge the lesson asks for.
        session.run_line("alembic upgrade heads", &FixedClock, &mut ids);
        assert_eq!(progress(two, &mut session)[1], false);
        session.run_line(
            "alembic merge heads -m \"merge alice and bob\"",
            &FixedClock,
            &mut ids,
        );
        assert_eq!(progress(two, &mut session)[1], true);
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(two, &mut session)[2], true);
    }
}
