//! What only a browser can show: SQLite compiled to wasm (sqlite-wasm-rs under rusqlite),
//! browser storage, and a whole command through the session inside the page.
//! Run by scripts/test in headless Chromium (wasm-bindgen-test-runner + chromedriver).

#![cfg(target_arch = "wasm32")]

use alembic_playground::runtime::{Database, SqlValue};
use alembic_playground::session::Session;
use alembic_playground::sqlite::SqliteDatabase;
use alembic_playground::web::storage;
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

#[wasm_bindgen_test]
fn session_survives_a_round_trip_through_local_storage() {
    let mut session = Session::starter();
    session.run_sql("CREATE TABLE t (a INTEGER)");
    session.run_sql("INSERT INTO t VALUES (42)");
    let snapshot = session.snapshot().expect("snapshot");
    storage::save(&snapshot).expect("save to localStorage");
    let loaded = storage::load().expect("load").expect("a saved session");
    assert_eq!(loaded, snapshot);
    let mut restored = Session::from_snapshot(&loaded).expect("restore");
    assert!(restored
        .run_sql("SELECT a FROM t")
        .stdout_text()
        .contains("42"));
    storage::clear().expect("clear");
    assert!(storage::load().expect("load after clear").is_none());
}
