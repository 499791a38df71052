use super::*;
use crate::host::FileSystem;
use crate::playground::project::TranscriptEntry;
use crate::playground::session::Session;
use crate::runtime::Database;
use crate::test_support::{CountingIds, FixedClock};

fn upload(name: &str, bytes: &[u8]) -> Upload {
    Upload {
        name: name.to_string(),
        bytes: bytes.to_vec(),
    }
}

/// A session with two applied revisions creating `account` and `address`.
fn tutorial_session() -> Session {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0xc0de_0000_0000);
    for (message, table) in [("create account", "account"), ("create address", "address")] {
        let created = session.run_line(
            &format!("alembic revision -m \"{message}\""),
            &FixedClock,
            &mut ids,
        );
        let path = created.output.touched_files[0].clone();
        let source = session.files().read_to_string(&path).unwrap().replace(
            "def upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    pass",
            &format!("def upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('{table}', sa.Column('id', sa.Integer, primary_key=True))"),
        );
        session.write_file(&path, &source).unwrap();
    }
    let upgraded = session.run_line("alembic upgrade head", &FixedClock, &mut ids);
    assert_eq!(upgraded.output.exit_code, 0, "{:?}", upgraded.output);
    session
}

fn tables(session: &mut Session) -> Vec<String> {
    let (_, rows) = session
        .main_database()
        .unwrap()
        .query(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            &[],
        )
        .unwrap();
    rows.iter().map(|row| row[0].display()).collect()
}

fn database_bytes(session: &mut Session) -> Vec<u8> {
    session.main_database().unwrap().file_bytes().unwrap()
}

/// A zip with one deflated entry, written the way zip tools write it.
fn deflated_zip(name: &str, data: &[u8]) -> Vec<u8> {
    let packed = miniz_oxide::deflate::compress_to_vec(data, 6);
    let crc = crate::playground::transfer::zip::crc32(data);
    let mut local = Vec::new();
    local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    local.extend_from_slice(&20u16.to_le_bytes());
    local.extend_from_slice(&0u16.to_le_bytes());
    local.extend_from_slice(&8u16.to_le_bytes());
    local.extend_from_slice(&[0; 4]);
    local.extend_from_slice(&crc.to_le_bytes());
    local.extend_from_slice(&(packed.len() as u32).to_le_bytes());
    local.extend_from_slice(&(data.len() as u32).to_le_bytes());
    local.extend_from_slice(&(name.len() as u16).to_le_bytes());
    local.extend_from_slice(&0u16.to_le_bytes());
    let mut archive = local.clone();
    archive.extend_from_slice(name.as_bytes());
    archive.extend_from_slice(&packed);
    let directory_offset = archive.len() as u32;
    let mut central = Vec::new();
    central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    central.extend_from_slice(&20u16.to_le_bytes());
    central.extend_from_slice(&local[4..30]);
    central.extend_from_slice(&[0; 10]);
    central.extend_from_slice(&0u32.to_le_bytes());
    central.extend_from_slice(name.as_bytes());
    archive.extend_from_slice(&central);
    archive.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    archive.extend_from_slice(&[0; 4]);
    archive.extend_from_slice(&1u16.to_le_bytes());
    archive.extend_from_slice(&1u16.to_le_bytes());
    archive.extend_from_slice(&(central.len() as u32).to_le_bytes());
    archive.extend_from_slice(&directory_offset.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes());
    archive
}

#[test]
fn an_exported_zip_imports_as_the_same_project_and_database() {
    let mut original = tutorial_session();
    let bytes = database_bytes(&mut original);
    let archive = crate::playground::transfer::zip::zip(
        &crate::playground::transfer::export::project_entries(original.files(), Some(bytes)),
    );
    let import = classify(vec![upload("alembic-project.zip", &archive)]).unwrap();
    let Import::Project { files, database } = &import else {
        panic!("expected a project, got {import:?}");
    };
    assert!(files.iter().any(|(path, _)| path == "alembic.ini"));
    assert_eq!(database.as_ref().unwrap().0, "app.db");

    let mut session = Session::starter();
    let note = session.apply_import(&import).unwrap();
    assert!(note.starts_with("Imported a project:"), "{note}");
    assert!(note.ends_with("and its database app.db."), "{note}");
    let original_files: Vec<_> = original.files().files().collect();
    let imported_files: Vec<_> = session.files().files().collect();
    assert_eq!(original_files, imported_files);
    assert_eq!(
        tables(&mut session),
        ["account", "address", "alembic_version"]
    );
    let current = session.run_line("alembic current", &FixedClock, &mut CountingIds::new(0));
    assert_eq!(current.output.stdout_text(), "c0de00000002 (head)\n");
}

#[test]
fn deflated_entries_are_read_and_checked() {
    let ini = crate::templates::starter_project("")
        .into_iter()
        .find(|(path, _)| path.ends_with("alembic.ini"))
        .unwrap()
        .1;
    let archive = deflated_zip("proj/alembic.ini", ini.as_bytes());
    assert_eq!(
        unzip(&archive).unwrap(),
        [("proj/alembic.ini".to_string(), ini.as_bytes().to_vec())]
    );
    // One flipped byte in the compressed data: refused, not imported half-read.
    let mut damaged = archive.clone();
    damaged[46 + 10] ^= 0x55;
    let error = unzip(&damaged).unwrap_err().to_string();
    assert!(error.starts_with("proj/alembic.ini: "), "{error}");
}

#[test]
fn a_zip_bomb_and_broken_archives_are_refused_with_messages() {
    // Declares 1 GB unpacked: refused before inflating anything.
    let mut bomb = deflated_zip("big.py", &vec![b'#'; 4096]);
    let central = bomb.len() - 22 - 46 - "big.py".len();
    bomb[central + 24..central + 28].copy_from_slice(&(1u32 << 30).to_le_bytes());
    assert!(unzip(&bomb)
        .unwrap_err()
        .to_string()
        .contains("unpacks to more than 16 MB"));

    assert_eq!(
        classify(vec![upload(
            "x.zip",
            b"PK\x03\x04 not really a zip file, only its first bytes"
        )])
        .unwrap_err()
        .to_string(),
        "x.zip: not a zip file (no end of central directory)"
    );
    assert_eq!(
        classify(vec![upload("notes.zip", b"hello")])
            .unwrap_err()
            .to_string(),
        "notes.zip: not a zip file"
    );
    let mut encrypted = deflated_zip("a.py", b"x = 1\n");
    let central = encrypted.len() - 22 - 46 - "a.py".len();
    encrypted[central + 8] |= 1;
    assert_eq!(
        unzip(&encrypted).unwrap_err().to_string(),
        "a.py: encrypted zip entries are not supported"
    );
}

#[test]
fn mutated_archives_never_panic() {
    let session = tutorial_session();
    let archive = crate::playground::transfer::zip::zip(
        &crate::playground::transfer::export::project_entries(session.files(), None),
    );
    let mut random = crate::test_support::Xorshift(0x2545_F491_4F6C_DD1D);
    let mut next = move || random.next();
    for _ in 0..3_000 {
        let mut mutated = archive.clone();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % mutated.len();
            mutated[at] = next() as u8;
        }
        if next() % 4 == 0 {
            let keep = (next() as usize) % mutated.len();
            mutated.truncate(keep);
        }
        let _ = classify(vec![upload("fuzz.zip", &mutated)]);
    }
}

#[test]
fn loose_revision_files_join_the_versions_directory() {
    let mut source = tutorial_session();
    let revisions: Vec<Upload> = source
        .files()
        .files()
        .filter(|(path, _)| path.contains("/versions/"))
        .map(|(path, text)| upload(crate::host::file_name(path), text.as_bytes()))
        .collect();
    assert_eq!(revisions.len(), 2);
    let import = classify(revisions).unwrap();
    assert!(matches!(&import, Import::Revisions(files) if files.len() == 2));

    let mut session = Session::starter();
    assert!(session.import_conflicts(&import).is_empty());
    session.apply_import(&import).unwrap();
    let history = session.run_line("alembic history", &FixedClock, &mut CountingIds::new(0));
    assert_eq!(
        history.output.stdout_text(),
        "c0de00000001 -> c0de00000002 (head), create address\n<base> -> c0de00000001, create account\n"
    );
    // The same names with other contents would replace files: the page asks first.
    let changed = Import::Revisions(vec![(
        crate::host::file_name(&history_file(&mut source)).to_string(),
        "# changed\n".to_string(),
    )]);
    assert_eq!(session.import_conflicts(&changed).len(), 1);
    // A non-revision file among them is refused, naming it.
    assert_eq!(
        classify(vec![
            upload("a.py", b"x = 1\n"),
            upload("notes.docx", b"\xd0\xcf")
        ])
        .unwrap_err()
        .to_string(),
        "notes.docx: not a revision file (.py); a whole project needs its alembic.ini"
    );
    assert_eq!(
        classify(vec![upload("bad.py", b"x = '\xff'\n")])
            .unwrap_err()
            .to_string(),
        "bad.py: not UTF-8 text (invalid byte at offset 5)"
    );
}

fn history_file(session: &mut Session) -> String {
    session
        .files()
        .files()
        .map(|(path, _)| path.clone())
        .find(|path| path.contains("/versions/"))
        .unwrap()
}

#[test]
fn a_folder_with_an_alembic_ini_is_a_project_and_skips_caches() {
    let source = tutorial_session();
    let mut uploads: Vec<Upload> = source
        .files()
        .files()
        .map(|(path, text)| upload(&path.replace("/project/", "my-app/"), text.as_bytes()))
        .collect();
    uploads.push(upload(
        "my-app/alembic/__pycache__/env.cpython-311.pyc",
        b"\x00\x01",
    ));
    uploads.push(upload("my-app/.git/HEAD", b"ref: refs/heads/main\n"));
    let import = classify(uploads).unwrap();
    let Import::Project { files, database } = &import else {
        panic!("{import:?}");
    };
    assert!(database.is_none());
    assert_eq!(files.len(), source.files().files().count());
    assert!(files
        .iter()
        .all(|(path, _)| !path.contains("__pycache__") && !path.contains(".git")));
}

#[test]
fn a_database_file_replaces_the_database_and_undo_brings_the_old_one_back() {
    // A database made outside Alembic (create_all), with a row: then `stamp` is meaningful.
    let mut outside = crate::sqlite::SqliteDatabase::open_in_memory().unwrap();
    outside
        .execute(
            "CREATE TABLE account (id INTEGER NOT NULL, name VARCHAR(50), PRIMARY KEY (id))",
            &[],
        )
        .unwrap();
    outside
        .execute("INSERT INTO account VALUES (1, 'alice')", &[])
        .unwrap();
    let bytes = outside.file_bytes().unwrap();

    let mut session = tutorial_session();
    let import = classify(vec![upload("legacy.db", &bytes)]).unwrap();
    assert_eq!(import, Import::Database(bytes.clone()));
    session.apply_import(&import).unwrap();
    assert_eq!(tables(&mut session), ["account"]);
    let current = session.run_line("alembic current", &FixedClock, &mut CountingIds::new(0));
    assert_eq!(current.output.stdout_text(), "");
    assert!(matches!(
        session.transcript().iter().rev().nth(2),
        Some(TranscriptEntry::Note(note)) if note.starts_with("Imported a SQLite database")
    ));

    session.undo_last_command().unwrap();
    assert_eq!(
        tables(&mut session),
        ["account", "address", "alembic_version"]
    );
}

#[test]
fn a_damaged_database_file_changes_nothing() {
    let mut session = tutorial_session();
    let before = session.snapshot().unwrap();
    let mut bytes = database_bytes(&mut session);
    // Keep the header, scribble over the schema page.
    for byte in bytes.iter_mut().skip(100).take(2_000) {
        *byte = 0xA5;
    }
    let import = classify(vec![upload("app.db", &bytes)]).unwrap();
    let error = session.apply_import(&import).unwrap_err().to_string();
    assert!(error.starts_with("the database file: "), "{error}");
    assert_eq!(session.snapshot().unwrap(), before);

    let short = Import::Database(b"SQLite format 3\0tiny".to_vec());
    assert_eq!(
        session.apply_import(&short).unwrap_err().to_string(),
        "the database file: not a SQLite database file"
    );
    assert_eq!(session.snapshot().unwrap(), before);
}

#[test]
fn a_saved_share_link_opens_the_shared_playground() {
    let mut shared = tutorial_session();
    let state = crate::playground::transfer::share::SharedState {
        snapshot: shared.link_snapshot().unwrap(),
        open_file: Some("/project/models.py".to_string()),
    };
    let link = format!(
        "http://127.0.0.1:8080/#s={}\n",
        crate::playground::transfer::share::encode(&state)
    );
    for contents in [link.clone(), link.split_once("#s=").unwrap().1.to_string()] {
        let import = classify(vec![upload(
            "alembic-playground-link.txt",
            contents.as_bytes(),
        )])
        .unwrap();
        assert_eq!(import, Import::Shared(Box::new(state.clone())));
        let mut session = Session::starter();
        session.apply_import(&import).unwrap();
        assert_eq!(
            tables(&mut session),
            ["account", "address", "alembic_version"]
        );
        let mut reopened = session.link_snapshot().unwrap();
        assert!(matches!(
            reopened.transcript.pop(),
            Some(TranscriptEntry::Note(_))
        ));
        assert_eq!(reopened, state.snapshot);
    }
    // A damaged saved link: the share decoder's message, naming the file.
    let error = classify(vec![upload("link.txt", b"1.AAAA")])
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("link.txt: "), "{error}");
}
