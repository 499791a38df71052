//! What only a browser can show: SQLite compiled to wasm (sqlite-wasm-rs under rusqlite),
//! browser storage, and a whole command through the session inside the page.
//! Run by scripts/test in headless Chromium (wasm-bindgen-test-runner + chromedriver).

#![cfg(target_arch = "wasm32")]

use alembic_playground::host::FileSystem;
use alembic_playground::playground::session::Session;
use alembic_playground::playground::transfer::share::{self, SharedState};
use alembic_playground::runtime::{Database, SqlValue};
use alembic_playground::sqlite::SqliteDatabase;
use alembic_playground::web::storage::{self, Saved, Written};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn sqlite_runs_in_the_page() {
    let mut database = SqliteDatabase::open_in_memory().expect("in-memory database");
    assert!(SqliteDatabase::sqlite_version().starts_with("3."));
    database
        .execute(
            "CREATE TABLE account (id INTEGER NOT NULL, name VARCHAR(50), PRIMARY KEY (id))",
            &[],
        )
        .expect("create table");
    database
        .execute(
            "INSERT INTO account (id, name) VALUES (?, ?) RETURNING id",
            &[SqlValue::Integer(1), SqlValue::Text("ann".into())],
        )
        .expect("insert");
    let (columns, rows) = database
        .query("SELECT id, name FROM account", &[])
        .expect("select");
    assert_eq!(columns, vec!["id", "name"]);
    assert_eq!(
        rows,
        vec![vec![SqlValue::Integer(1), SqlValue::Text("ann".into())]]
    );
    let error = database
        .execute("ALTER TABLE account ALTER COLUMN name TYPE TEXT", &[])
        .unwrap_err();
    assert_eq!(error.message, "near \"ALTER\": syntax error");
}

/// The save path end to end in a real browser: an earlier release's localStorage session is
/// moved to IndexedDB once, saves are compare-and-set by generation (a second tab holding an
/// older generation is refused), and what SQL text could not carry (a generated column, an
/// infinite REAL) comes back from IndexedDB.
#[wasm_bindgen_test]
async fn sessions_round_trip_through_indexeddb_one_writer_at_a_time() {
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    local
        .set_item(
            "alembic-playground/session/v1",
            r#"{"files":[["/project/notes.txt","from the old release\n"]],"dirs":["/project"],"databases":[["/project/app.db",["CREATE TABLE t (a INTEGER)","INSERT INTO t VALUES (7)"]]],"history":["sql SELECT 1"],"transcript":[{"Command":"sql SELECT 1"},{"Output":{"channel":"Stdout","text":"1\n"}},{"Note":"hello"}],"applied_sources":[]}"#,
        )
        .unwrap();
    let Saved::Found {
        session: mut legacy,
        generation,
        legacy: true,
        ..
    } = storage::load().await
    else {
        panic!("the localStorage session was not read");
    };
    assert_eq!(generation, 0.0);
    assert_eq!(
        legacy.files().read_to_string("/project/notes.txt").unwrap(),
        "from the old release\n"
    );
    let (_, rows) = legacy
        .database_at("/project/app.db")
        .expect("the old database")
        .query("SELECT a FROM t", &[])
        .expect("its table");
    assert_eq!(rows, vec![vec![SqlValue::Integer(7)]]);
    assert_eq!(legacy.transcript().len(), 3);

    let mut session = Session::starter();
    session.run_sql("CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a + 1))");
    session.run_sql("INSERT INTO g (a) VALUES (41)");
    session.run_sql("CREATE TABLE r (x REAL)");
    session.run_sql("INSERT INTO r VALUES (9e999)");
    let bytes = share::encode_save(&SharedState {
        snapshot: session.snapshot().expect("snapshot"),
        open_file: Some("/project/models.py".to_string()),
    });
    let Ok(Written::Saved(first)) = storage::save(&bytes, 0.0, "tab-a").await else {
        panic!("the first save failed");
    };
    assert_eq!(first, 1.0);
    // A tab that loaded generation 0 and did not see the save is refused, and writes nothing.
    assert!(matches!(
        storage::save(b"other", 0.0, "tab-b").await,
        Ok(Written::Conflict)
    ));
    let Ok(Written::Saved(second)) = storage::save(&bytes, first, "tab-a").await else {
        panic!("the second save failed");
    };
    assert_eq!(second, 2.0);
    let Saved::Found {
        session: mut restored,
        generation,
        open_file,
        ..
    } = storage::load().await
    else {
        panic!("the save was not read back");
    };
    assert_eq!(generation, 2.0);
    assert_eq!(open_file.as_deref(), Some("/project/models.py"));
    assert!(restored
        .run_sql("SELECT b FROM g")
        .stdout_text()
        .contains("42"));
    assert!(restored
        .run_sql("SELECT x FROM r")
        .stdout_text()
        .contains("inf"));
}
