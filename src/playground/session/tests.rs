use super::*;

use crate::test_support::{CountingIds, FixedClock};

#[test]
fn starter_project_has_the_tutorial_files() {
    let session = Session::starter();
    for file in [
        "alembic.ini",
        "alembic/env.py",
        "alembic/script.py.mako",
        "models.py",
    ] {
        assert!(
            session.files.is_file(&format!("{PROJECT_DIR}/{file}")),
            "{file}"
        );
    }
    assert!(session
        .files
        .is_dir(&format!("{PROJECT_DIR}/alembic/versions")));
    assert_eq!(session.database_path().unwrap(), "/project/app.db");
}

#[test]
fn from_files_keeps_files_inside_the_project() {
    let session = Session::from_files(&[("migrations/versions/".into(), String::new())]).unwrap();
    assert!(session.files.is_dir("/project/migrations/versions"));
    assert!(Session::from_files(&[("../etc/passwd".into(), String::new())]).is_err());
    assert!(Session::from_files(&[("/etc/passwd".into(), String::new())]).is_err());
}

#[test]
fn files_are_created_renamed_and_deleted_inside_the_project_only() {
    let mut session = Session::starter();
    let created = session.create_file("alembic/versions/notes.txt").unwrap();
    assert_eq!(created, "/project/alembic/versions/notes.txt");
    assert_eq!(session.files.read_to_string(&created).unwrap(), "");
    assert_eq!(
        session
            .create_file("alembic/versions/notes.txt")
            .unwrap_err()
            .to_string(),
        "alembic/versions/notes.txt: already exists"
    );
    for (typed, error) in [
        ("", "a file needs a name"),
        ("   ", "a file needs a name"),
        (
            "../etc/passwd",
            "../etc/passwd: files must stay inside the project",
        ),
        (
            "/etc/passwd",
            "/etc/passwd: files must stay inside the project",
        ),
        ("alembic/", "alembic/: not a file name"),
        ("alembic", "alembic: already exists"),
    ] {
        assert_eq!(
            session.create_file(typed).unwrap_err().to_string(),
            error,
            "{typed:?}"
        );
    }

    let renamed = session.rename_file(&created, "docs/notes.md").unwrap();
    assert_eq!(renamed, "/project/docs/notes.md");
    assert!(!session.files.is_file(&created));
    assert_eq!(
        session
            .rename_file(&renamed, "models.py")
            .unwrap_err()
            .to_string(),
        "models.py: already exists"
    );
    session.undo_last_command().unwrap();
    assert!(session.files.is_file(&created));
    assert!(!session.files.is_file(&renamed));

    session.delete_file("/project/models.py").unwrap();
    assert!(!session.files.is_file("/project/models.py"));
    assert!(session.delete_file("/project/models.py").is_err());
    let undone = session.undo_last_command().unwrap();
    assert_eq!(
        undone,
        "Undid `delete models.py`: the files and the database are as they were before it."
    );
    assert!(session.files.is_file("/project/models.py"));
}

#[test]
fn commands_on_unchanged_files_print_what_the_first_printed() {
    // The revisions are loaded once per change of the files (ScriptDirectory keeps the
    // last load): a warning, a broken file and a fix must each show as if loaded anew.
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    let revision = |id: &str| {
        format!("revision = '{id}'\ndown_revision = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n")
    };
    let versions = format!("{PROJECT_DIR}/alembic/versions");
    session
        .files
        .write(&format!("{versions}/one.py"), &revision("aaa"))
        .unwrap();
    session
        .files
        .write(&format!("{versions}/two.py"), &revision("aaa"))
        .unwrap();
    let mut run = |session: &mut Session, line: &str| {
        let output = session.run_line(line, &FixedClock, &mut ids).output;
        (output.exit_code, output.stdout_text(), output.stderr_text())
    };
    let first = run(&mut session, "alembic history");
    assert!(
        first.2.contains("Revision aaa is present more than once"),
        "{first:?}"
    );
    assert_eq!(run(&mut session, "alembic history"), first);
    session
        .files
        .write(&format!("{versions}/two.py"), "revision = (")
        .unwrap();
    let broken = run(&mut session, "alembic heads");
    assert_ne!(broken.0, 0);
    assert!(broken.2.contains("two.py"), "{broken:?}");
    assert_eq!(run(&mut session, "alembic heads"), broken);
    session
        .files
        .remove_file(&format!("{versions}/two.py"))
        .unwrap();
    let fixed = run(&mut session, "alembic heads");
    assert_eq!(
        (fixed.0, fixed.1.as_str()),
        (0, "aaa (head)\n"),
        "{fixed:?}"
    );
}

#[test]
fn undo_restores_the_database_and_files_of_the_last_command() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    assert!(session.undo_last_command().is_err());
    let created = session.run_line("alembic revision -m first", &FixedClock, &mut ids);
    assert_eq!(created.output.exit_code, 0, "{:?}", created.output);
    let path = created.output.touched_files[0].clone();
    assert!(session.files.is_file(&path));
    session.undo_last_command().unwrap();
    assert!(!session.files.is_file(&path));
    assert!(
        matches!(session.transcript.last(), Some(TranscriptEntry::Note(note)) if note.contains("Undid"))
    );
    session.run_line("alembic revision -m first", &FixedClock, &mut ids);
    session.run_line("alembic upgrade head", &FixedClock, &mut ids);
    assert!(session
        .run_sql("SELECT * FROM alembic_version")
        .stdout_text()
        .contains("(1 row)"));
    session.undo_last_command().unwrap();
    assert!(session
        .run_sql("SELECT * FROM alembic_version")
        .stderr_text()
        .contains("no such table"));
    let graph = session.revision_graph().unwrap();
    assert_eq!(graph.nodes.len(), 1);
    assert!(!graph.nodes[0].is_current);
}

#[test]
fn a_custom_version_table_is_the_one_read_and_left_out_of_the_schema() {
    let mut session = Session::starter();
    let env_path = format!("{PROJECT_DIR}/alembic/env.py");
    let env = session.files.read_to_string(&env_path).unwrap().replace(
        "connection=connection, target_metadata=target_metadata",
        "connection=connection, target_metadata=target_metadata, version_table='schema_versions'",
    );
    session.files.write(&env_path, &env).unwrap();
    assert_eq!(session.version_table_name(), "schema_versions");
    let mut ids = CountingIds::new(0);
    session.run_line("alembic revision -m first", &FixedClock, &mut ids);
    assert_eq!(session.version_table_rows("schema_versions"), None);
    let upgraded = session.run_line("alembic upgrade head", &FixedClock, &mut ids);
    assert_eq!(upgraded.output.exit_code, 0, "{:?}", upgraded.output);
    let head = session.version_rows();
    assert_eq!(head.len(), 1);
    assert_eq!(
        session.version_table_rows("schema_versions"),
        Some(head.clone())
    );
    assert_eq!(session.version_table_rows("alembic_version"), None);
    let (target, changes) = session.drift(&FixedClock, &mut ids).unwrap().unwrap();
    assert_eq!((target, changes.len()), (head[0].clone(), 0));
    assert!(session.revision_graph().unwrap().nodes[0].is_current);
}

#[test]
fn unsupported_python_stops_the_command_where_it_is_reached_and_earlier_revisions_stay() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    let first = session
        .run_line("alembic revision -m one", &FixedClock, &mut ids)
        .output
        .touched_files[0]
        .clone();
    let second = session
        .run_line("alembic revision -m two", &FixedClock, &mut ids)
        .output
        .touched_files[0]
        .clone();
    let text = session.files.read_to_string(&first).unwrap().replace(
        "    \"\"\"Upgrade schema.\"\"\"\n    pass",
        "    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('t1', sa.Column('id', sa.Integer, primary_key=True))",
    );
    session.files.write(&first, &text).unwrap();
    let text = session.files.read_to_string(&second).unwrap().replace(
        "    \"\"\"Upgrade schema.\"\"\"\n    pass",
        "    \"\"\"Upgrade schema.\"\"\"\n    open('notes.txt')",
    );
    session.files.write(&second, &text).unwrap();
    let output = session
        .run_line("alembic upgrade head", &FixedClock, &mut ids)
        .output;
    assert_eq!(output.exit_code, 1);
    let stderr = output.stderr_text();
    assert!(
        stderr.contains(&format!(
            "alembic-playground: error: {second}:23:5: the playground cannot run 'open(...)'"
        )),
        "{stderr}"
    );
    // As Alembic runs upgrade() functions: the first revision ran and committed, the
    // second started and stopped at the call.
    assert_eq!(stderr.matches("Running upgrade").count(), 2, "{stderr}");
    let tables = session.run_sql("SELECT name FROM sqlite_master WHERE name = 't1'");
    assert!(
        tables.stdout_text().contains("(1 row)"),
        "{}",
        tables.stdout_text()
    );
    let version = session.run_sql("SELECT version_num FROM alembic_version");
    let first_id = first.rsplit('/').next().unwrap().split('_').next().unwrap();
    assert!(
        version.stdout_text().contains(first_id),
        "{}",
        version.stdout_text()
    );
}

#[test]
fn lint_flags_an_applied_revision_that_changed() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    let path = session
        .run_line("alembic revision -m one", &FixedClock, &mut ids)
        .output
        .touched_files[0]
        .clone();
    session.run_line("alembic upgrade head", &FixedClock, &mut ids);
    assert!(session
        .lint(None)
        .unwrap()
        .iter()
        .all(|finding| finding.rule != "changed-after-apply"));
    let text = session.files.read_to_string(&path).unwrap().replace("    \"\"\"Upgrade schema.\"\"\"\n    pass", "    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('t', sa.Column('id', sa.Integer, primary_key=True))");
    session.files.write(&path, &text).unwrap();
    let findings = session.lint(None).unwrap();
    assert!(
        findings
            .iter()
            .any(|finding| finding.rule == "changed-after-apply"),
        "{findings:?}"
    );
    // After downgrading, the revision is no longer applied: no finding.
    session.run_line("alembic downgrade base", &FixedClock, &mut ids);
    assert!(session
        .lint(None)
        .unwrap()
        .iter()
        .all(|finding| finding.rule != "changed-after-apply"));
}

#[test]
fn terminal_commands_and_sql() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    let help = session.run_line("help", &FixedClock, &mut ids);
    assert!(help.output.stdout_text().contains("alembic <command>"));
    assert!(session.run_line("clear", &FixedClock, &mut ids).clear);
    let unknown = session.run_line("ls -l", &FixedClock, &mut ids);
    assert_eq!(unknown.output.exit_code, 127);
    let created = session.run_line("sql CREATE TABLE t (a INTEGER)", &FixedClock, &mut ids);
    assert_eq!(created.output.exit_code, 0, "{:?}", created.output);
    session.run_line("sql INSERT INTO t VALUES (1)", &FixedClock, &mut ids);
    let selected = session.run_line("sql SELECT a FROM t", &FixedClock, &mut ids);
    assert_eq!(selected.output.stdout_text(), "a\n-\n1\n(1 row)\n");
    let bad = session.run_line("sql SELEC 1", &FixedClock, &mut ids);
    assert_eq!(bad.output.exit_code, 1);
    assert!(bad.output.stderr_text().contains("syntax error"));
    let unterminated = session.run_line("alembic revision -m 'x", &FixedClock, &mut ids);
    assert_eq!(unterminated.output.exit_code, 2);
}

#[test]
fn snapshot_round_trip_restores_files_and_data() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    session.run_line("sql CREATE TABLE t (a INTEGER)", &FixedClock, &mut ids);
    session.run_line("sql INSERT INTO t VALUES (7)", &FixedClock, &mut ids);
    session
        .files
        .write("/project/models.py", "# changed\n")
        .unwrap();
    let snapshot = session.snapshot().unwrap();
    let mut restored = Session::from_snapshot(&snapshot).unwrap();
    assert_eq!(
        restored.files.read_to_string("/project/models.py").unwrap(),
        "# changed\n"
    );
    let output = restored.run_sql("SELECT a FROM t");
    assert!(output.stdout_text().contains('7'));
    assert_eq!(restored.history, session.history);
}

/// The project's PostgreSQL database travels in a snapshot as its journal, whether or not
/// PostgreSQL runs here: a save, a link and an undo point carry it, and a session restored
/// from one gives it back.
#[test]
fn snapshots_carry_the_postgresql_journal() {
    let journal = vec![
        "CREATE TABLE t (n int)".to_string(),
        "INSERT INTO t VALUES (1)".to_string(),
    ];
    let mut session = Session::starter();
    let mut snapshot = session.snapshot().unwrap();
    assert!(snapshot
        .databases
        .iter()
        .all(|(name, _)| name != POSTGRESQL_IMAGE));
    snapshot.databases.push((
        POSTGRESQL_IMAGE.to_string(),
        DatabaseImage::Statements(journal.clone()),
    ));
    let mut restored = Session::from_snapshot(&snapshot).unwrap();
    let image = |snapshot: SessionSnapshot| {
        snapshot
            .databases
            .into_iter()
            .find(|(name, _)| name == POSTGRESQL_IMAGE)
            .map(|(_, image)| image)
    };
    assert_eq!(
        image(restored.snapshot().unwrap()),
        Some(DatabaseImage::Statements(journal.clone()))
    );
    assert_eq!(
        image(restored.link_snapshot().unwrap()),
        Some(DatabaseImage::Statements(journal.clone()))
    );
    // through a save's bytes and a link's text
    let state = crate::playground::transfer::share::SharedState {
        snapshot: restored.link_snapshot().unwrap(),
        open_file: None,
    };
    let link = crate::playground::transfer::share::encode(&state);
    let opened = crate::playground::transfer::share::decode(&link).unwrap();
    assert_eq!(
        image(opened.snapshot),
        Some(DatabaseImage::Statements(journal.clone()))
    );
    let saved = crate::playground::transfer::share::encode_save(&state);
    let opened = crate::playground::transfer::share::decode_save(&saved).unwrap();
    assert_eq!(
        image(opened.snapshot),
        Some(DatabaseImage::Statements(journal))
    );
}

/// What SQL text cannot carry (the bug that lost saved work): generated columns, an
/// infinite REAL, a view and a trigger survive a save and a load, with the lesson.
#[test]
fn saved_sessions_round_trip_the_database_exactly() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    for line in [
        "sql CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a + 1))",
        "sql INSERT INTO g (a) VALUES (1)",
        "sql CREATE TABLE r (x REAL)",
        "sql INSERT INTO r VALUES (9e999)",
        "sql CREATE VIEW v AS SELECT a, b FROM g",
        "sql CREATE TRIGGER tr AFTER INSERT ON r BEGIN INSERT INTO g (a) VALUES (5); END",
    ] {
        assert_eq!(
            session
                .run_line(line, &FixedClock, &mut ids)
                .output
                .exit_code,
            0,
            "{line}"
        );
    }
    session.lesson = Some(("first-migration".to_string(), vec![true, false]));
    let state = crate::playground::transfer::share::SharedState {
        snapshot: session.snapshot().unwrap(),
        open_file: Some("/project/models.py".to_string()),
    };
    let bytes = crate::playground::transfer::share::encode_save(&state);
    let decoded = crate::playground::transfer::share::decode_save(&bytes).unwrap();
    assert_eq!(decoded, state);
    let mut restored = Session::from_snapshot(&decoded.snapshot).unwrap();
    assert_eq!(restored.lesson, session.lesson);
    assert!(restored
        .run_sql("SELECT a, b FROM v")
        .stdout_text()
        .contains('2'));
    assert!(restored
        .run_sql("SELECT x FROM r")
        .stdout_text()
        .contains("inf"));
    restored.run_sql("INSERT INTO r VALUES (1)");
    assert!(restored
        .run_sql("SELECT count(*) FROM g")
        .stdout_text()
        .contains('2'));
    // A damaged save is refused with a message, never half-read.
    for cut in [0, 4, 5, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            crate::playground::transfer::share::decode_save(&bytes[..cut]).is_err(),
            "cut at {cut}"
        );
    }
}

#[test]
fn the_transcript_keeps_the_newest_entries_within_its_caps() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0);
    // Each line leaves two entries: the command and its output.
    let lines = MAX_TRANSCRIPT_ENTRIES / 2 + 10;
    for n in 0..lines {
        session.run_line(&format!("sql SELECT {n}"), &FixedClock, &mut ids);
    }
    assert_eq!(session.transcript.len(), MAX_TRANSCRIPT_ENTRIES);
    assert_eq!(
        session.transcript.first(),
        Some(&TranscriptEntry::Command("sql SELECT 10".to_string()))
    );
    let big = "x".repeat(MAX_TRANSCRIPT_BYTES / 8);
    for _ in 0..5 {
        session.run_line(&format!("sql SELECT '{big}'"), &FixedClock, &mut ids);
    }
    let bytes: usize = session
        .transcript
        .iter()
        .map(|entry| entry.text().len())
        .sum();
    assert!(bytes <= MAX_TRANSCRIPT_BYTES, "{bytes}");
    assert!(matches!(
        session.transcript.last(),
        Some(TranscriptEntry::Output { text, .. }) if text.contains(&big)
    ));
}
