//! The example gallery: ready-made projects for the situations the tutorial covers, built by
//! running real commands (so their files, database and version table are what Alembic would
//! leave), without a lesson's steps.

use crate::host::{Clock, IdSource};
use crate::playground::learning::lessons::{
    add_revision, setup_applied_account, setup_existing_database, setup_three_revisions,
    setup_two_heads,
};
use crate::playground::project::TranscriptEntry;
use crate::playground::session::Session;

pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Builds the project in a fresh starter session.
    build: fn(&mut Session, &dyn Clock, &mut dyn IdSource),
    /// What to try first, shown in the terminal.
    pub try_first: &'static str,
}

fn linear_chain(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    setup_three_revisions(session, clock, ids);
}

fn branches_and_merge(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    setup_two_heads(session, clock, ids);
    session.run_line("alembic merge heads -m \"merge alice and bob\"", clock, ids);
    session.run_line("alembic upgrade head", clock, ids);
}

fn batch_mode(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    setup_applied_account(session, clock, ids);
    add_revision(
        session,
        clock,
        ids,
        "-m \"account name not null\"",
        "    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', existing_type=sa.String(50), nullable=False)",
        "    with op.batch_alter_table('account') as batch_op:\n        batch_op.alter_column('name', existing_type=sa.String(50), nullable=True)",
    );
}

fn stamping(session: &mut Session, clock: &dyn Clock, ids: &mut dyn IdSource) {
    setup_existing_database(session, clock, ids);
}

pub static EXAMPLES: &[Example] = &[
    Example {
        id: "linear",
        title: "A linear chain",
        description: "Three revisions, one after the other, all applied. Move with relative targets and read history.",
        build: linear_chain,
        try_first: "alembic history --indicate-current, then alembic downgrade -1 and alembic upgrade +1",
    },
    Example {
        id: "merge",
        title: "Branches and a merge",
        description: "Two developers each added a revision on the same parent; a merge revision joins the two heads.",
        build: branches_and_merge,
        try_first: "alembic history, alembic heads, then alembic downgrade -1 to step back out of the merge",
    },
    Example {
        id: "batch",
        title: "Batch mode on SQLite",
        description: "SQLite has no ALTER COLUMN: the pending revision makes `account.name` NOT NULL inside op.batch_alter_table, which copies the table.",
        build: batch_mode,
        try_first: "alembic upgrade head, then open \"SQL of the last command\" to see the table copied",
    },
    Example {
        id: "stamp",
        title: "Stamping an existing database",
        description: "The database already has the `account` table, made outside Alembic, with a row in it; the revision would create it again.",
        build: stamping,
        try_first: "alembic upgrade head (it fails), then alembic stamp head",
    },
];

pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|example| example.id == id)
}

/// The example's project, with a note in the terminal saying what it is and what to try.
pub fn open(example: &Example, clock: &dyn Clock, ids: &mut dyn IdSource) -> Session {
    let mut session = Session::starter();
    (example.build)(&mut session, clock, ids);
    session.start_fresh(None);
    session.reset_transcript(vec![TranscriptEntry::Note(format!(
        "Example: {}. {} Try: {}.",
        example.title, example.description, example.try_first
    ))]);
    session
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{CountingIds, FixedClock};

    fn run(session: &mut Session, line: &str) -> crate::output::Output {
        session
            .run_line(line, &FixedClock, &mut CountingIds::new(0xe0000000))
            .output
    }

    #[test]
    fn each_example_is_in_the_state_its_description_promises() {
        let mut ids = CountingIds::new(0xe1000000);
        let mut linear = open(find("linear").unwrap(), &FixedClock, &mut ids);
        assert_eq!(
            run(&mut linear, "alembic history")
                .stdout_text()
                .lines()
                .count(),
            3
        );
        assert!(run(&mut linear, "alembic current")
            .stdout_text()
            .ends_with(" (head)\n"));

        let mut merge = open(find("merge").unwrap(), &FixedClock, &mut ids);
        let history = run(&mut merge, "alembic history").stdout_text();
        assert!(history.contains("(head) (mergepoint)"), "{history}");
        assert_eq!(
            run(&mut merge, "alembic heads")
                .stdout_text()
                .lines()
                .count(),
            1
        );
        assert!(run(&mut merge, "alembic current")
            .stdout_text()
            .contains("(head) (mergepoint)"));

        let mut batch = open(find("batch").unwrap(), &FixedClock, &mut ids);
        let upgraded = run(&mut batch, "alembic upgrade head");
        assert_eq!(upgraded.exit_code, 0, "{upgraded:?}");
        assert!(batch
            .last_sql()
            .iter()
            .any(|sql| sql.starts_with("CREATE TABLE _alembic_tmp_account")));

        let mut stamp = open(find("stamp").unwrap(), &FixedClock, &mut ids);
        assert_eq!(run(&mut stamp, "alembic upgrade head").exit_code, 1);
        assert_eq!(run(&mut stamp, "alembic stamp head").exit_code, 0);
        for example in EXAMPLES {
            let session = open(example, &FixedClock, &mut ids);
            assert!(
                matches!(session.transcript(), [TranscriptEntry::Note(note)] if note.starts_with("Example: "))
            );
        }
    }
}
