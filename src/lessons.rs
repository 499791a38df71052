//! Guided lessons: short sequences of steps whose goals are checked from the real state of the
//! playground (files, database, version table, last command), never from button clicks.
//!
//! Owns: the lesson texts, how each lesson's project is set up, and each step's check.
//! Does not: render anything (the page shows the steps and calls [`progress`]).

use crate::commands::{Clock, IdSource};
use crate::fs::FileSystem;
use crate::ops::Operation;
use crate::runtime::{Database, SqlValue};
use crate::script::exec::plan_function;
use crate::script::load::{load_revisions, RevisionScript};
use crate::session::{Session, TranscriptEntry};

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
    let Ok(config) =
        crate::config::Config::load(&session.files, &session.cwd, &[], None, None, &[])
    else {
        return Vec::new();
    };
    let Ok(location) = config.script_location(&session.cwd) else {
        return Vec::new();
    };
    let Ok(versions) = config.version_locations(&session.cwd, &location) else {
        return Vec::new();
    };
    load_revisions(&session.files, &versions).unwrap_or_default()
}

fn heads(session: &Session) -> Vec<String> {
    let revisions = scripts(session)
        .iter()
        .map(RevisionScript::to_revision)
        .collect();
    crate::graph::RevisionMap::new(revisions)
        .map(|map| map.heads())
        .unwrap_or_default()
}

fn query(session: &mut Session, sql: &str) -> Option<Vec<Vec<SqlValue>>> {
    let path = session.database_path()?;
    let database = session.databases.get(&path).ok()?;
    database.query(sql, &[]).ok().map(|(_, rows)| rows)
}

/// The version table's rows, or None when the table does not exist.
fn version_rows(session: &mut Session) -> Option<Vec<String>> {
    query(session, "SELECT version_num FROM alembic_version").map(|rows| {
        rows.iter()
            .filter_map(|row| row.first().map(SqlValue::display))
            .collect()
    })
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
        .transcript
        .iter()
        .rposition(|entry| matches!(entry, TranscriptEntry::Command(_)))?;
    let TranscriptEntry::Command(line) = &session.transcript[position] else {
        return None;
    };
    let output: String = session.transcript[position + 1..]
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
fn add_revision(
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
    let Ok(text) = session.files.read_to_string(&path) else {
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
    let _ = session.files.write(&path, &text);
}

fn setup_nothing(_: &mut Session, _: &dyn Clock, _: &mut dyn IdSource) {}

fn setup_three_revisions(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
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
    session.transcript.clear();
}

fn setup_two_heads(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
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
    session.transcript.clear();
}

fn setup_existing_database(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    add_revision(session, clock, ids, "-m \"create account table\"", "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))", "    op.drop_table('account')");
    // The database was made by `metadata.create_all()`: the table exists, Alembic never ran.
    session.run_sql("CREATE TABLE account (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\tPRIMARY KEY (id)\n)");
    session.run_sql("INSERT INTO account (id, name) VALUES (1, 'Ann')");
    session.transcript.clear();
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
];

/// How far the learner is in a lesson: one flag per step, in order.
pub fn progress(lesson: &Lesson, session: &mut Session) -> Vec<bool> {
    lesson
        .steps
        .iter()
        .map(|step| (step.check)(session))
        .collect()
}

/// A fresh session set up for the lesson.
pub fn start(lesson: &Lesson, clock: &dyn Clock, ids: &mut dyn IdSource) -> Session {
    let mut session = Session::starter();
    (lesson.setup)(&mut session, clock, ids);
    session.history.clear();
    session.undo_point = None;
    session
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::naming::CreateDate;

    struct FixedClock;
    impl Clock for FixedClock {
        fn now(&self) -> CreateDate {
            CreateDate::from_unix_micros(1_795_826_626_094_752)
        }
    }

    struct CountingIds(u32);
    impl IdSource for CountingIds {
        fn new_revision_id(&mut self) -> String {
            self.0 += 1;
            format!("{:012x}", 0xbeef0000u64 + u64::from(self.0))
        }
    }

    fn lesson(id: &str) -> &'static Lesson {
        LESSONS.iter().find(|lesson| lesson.id == id).unwrap()
    }

    #[test]
    fn first_lesson_is_completed_by_doing_what_it_asks_and_not_by_stamping() {
        let mut ids = CountingIds(0);
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
        let text = session.files.read_to_string(&path).unwrap()
            .replace("    \"\"\"Upgrade schema.\"\"\"\n    pass", "    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))")
            .replace("    \"\"\"Downgrade schema.\"\"\"\n    pass", "    \"\"\"Downgrade schema.\"\"\"\n    op.drop_table('account')");
        session.files.write(&path, &text).unwrap();
        assert_eq!(progress(lesson, &mut session), vec![true, true, false]);
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session), vec![true, true, true]);
    }

    #[test]
    fn downgrade_lesson_needs_the_relative_commands() {
        let mut ids = CountingIds(0);
        let lesson = lesson("downgrade");
        let mut session = start(lesson, &FixedClock, &mut ids);
        assert!(table_exists(&mut session, "item"));
        session.run_line("alembic downgrade -1", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session)[0], true);
        session.run_line("alembic upgrade +1", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session)[1], true);
        session.run_line("alembic downgrade base", &FixedClock, &mut ids);
        assert_eq!(progress(lesson, &mut session), vec![false, false, true]);
    }

    #[test]
    fn stamp_and_two_heads_lessons() {
        let mut ids = CountingIds(0);
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
