//! The [`Database`] port over rusqlite: the same SQLite natively (bundled) and in the page
//! (sqlite-wasm-rs underneath rusqlite).
//!
//! Owns: binding values, stepping statements, mapping SQLite errors to the DB-API exception
//! classes Python's sqlite3 would raise, and serializing a database to bytes and back.
//! Does not: decide what to run.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, ErrorCode};

use crate::runtime::{Database, DbError, DbErrorKind, SqlValue};

/// A SQLite connection the engine can use.
pub struct SqliteDatabase {
    /// Declared before `budget`: the connection (which holds a pointer to the budget in its
    /// progress handler) is closed first.
    pub connection: Connection,
    budget: Box<StepBudget>,
}

/// How much work one statement may do before SQLite stops it, counted in progress-handler
/// calls (each [`STEPS_PER_CALL`] virtual-machine steps). `None`: no limit (the CLI, like
/// Python's sqlite3). A statement that runs past its budget fails with [`INTERRUPTED`].
struct StepBudget {
    limit: std::cell::Cell<Option<u64>>,
    left: std::cell::Cell<u64>,
    /// Set while a restore runs: its statements share one budget instead of one each.
    shared: std::cell::Cell<bool>,
}

/// SQLite calls the progress handler every this many virtual-machine steps.
const STEPS_PER_CALL: i32 = 10_000;

/// Steps a statement may take in a contained database: a few tenths of a second in the page
/// (a recursive query that never ends stops here, and the page stays usable), far more than
/// any migration of a learner's tables needs.
pub const CONTAINED_STEPS: u64 = 100_000_000;

/// The message of a statement stopped by its step budget. Python's sqlite3 would wait
/// forever; the page cannot, so this says why the statement stopped.
pub const INTERRUPTED: &str =
    "interrupted: the statement ran past the playground's limit of 100,000,000 SQLite steps (a query that never ends?)";

/// Called by SQLite every [`STEPS_PER_CALL`] steps; a non-zero answer interrupts the statement.
unsafe extern "C" fn on_progress(budget: *mut std::ffi::c_void) -> std::ffi::c_int {
    // SAFETY: the pointer is the connection's own boxed budget, which outlives the connection.
    let budget = unsafe { &*(budget as *const StepBudget) };
    let left = budget.left.get();
    if left == 0 {
        return 1;
    }
    budget.left.set(left - 1);
    0
}

/// Settings every connection gets so SQLite behaves as it does under Python's sqlite3:
/// rusqlite's bundled SQLite turns foreign-key enforcement on by default, Python's does not
/// (and Alembic's batch mode relies on that when it drops and renames referenced tables).
fn configure(connection: Connection) -> Result<SqliteDatabase, DbError> {
    connection
        .execute_batch("PRAGMA foreign_keys = OFF")
        .map_err(map_error)?;
    Ok(SqliteDatabase {
        connection,
        budget: Box::new(StepBudget {
            limit: std::cell::Cell::new(None),
            left: std::cell::Cell::new(0),
            shared: std::cell::Cell::new(false),
        }),
    })
}

impl SqliteDatabase {
    pub fn open_in_memory() -> Result<SqliteDatabase, DbError> {
        configure(Connection::open_in_memory().map_err(map_error)?)
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn open(path: &str) -> Result<SqliteDatabase, DbError> {
        configure(Connection::open(path).map_err(map_error)?)
    }

    /// The database as a SQLite file's bytes (for export).
    pub fn file_bytes(&mut self) -> Result<Vec<u8>, DbError> {
        self.connection
            .serialize(rusqlite::MAIN_DB)
            .map(|data| data.to_vec())
            .map_err(map_error)
    }

    /// A database read from a SQLite file's bytes (an imported `.db`), checked before use:
    /// a damaged file is refused here rather than failing later, half-way through a command.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<SqliteDatabase, DbError> {
        let refuse = |message: &str| DbError {
            kind: DbErrorKind::Other,
            message: message.to_string(),
        };
        if bytes.len() < 512 || !bytes.starts_with(b"SQLite format 3\0") {
            return Err(refuse("not a SQLite database file"));
        }
        let mut database = SqliteDatabase::open_in_memory()?;
        database.contain()?;
        database.load_file_bytes(bytes)?;
        // WAL-mode files cannot be read from memory; the page keeps rollback journals only.
        let (_, rows) = database.query("PRAGMA quick_check", &[])?;
        let verdict = rows
            .first()
            .and_then(|row| row.first())
            .map(SqlValue::display)
            .unwrap_or_default();
        if verdict != "ok" {
            return Err(refuse(&format!("the database file is damaged ({verdict})")));
        }
        database.dump()?;
        Ok(database)
    }

    /// Contains a database whose contents may come from someone else (a share link, an
    /// imported file, the page's own databases): defensive mode (no writes to the schema
    /// tables, no corrupting pragmas), `trusted_schema = OFF` (functions in views and
    /// triggers must be harmless), and a step budget per statement.
    pub fn contain(&mut self) -> Result<(), DbError> {
        self.connection
            .set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
            .map_err(map_error)?;
        self.connection
            .execute_batch("PRAGMA trusted_schema = OFF")
            .map_err(map_error)?;
        self.budget
            .limit
            .set(Some(CONTAINED_STEPS / STEPS_PER_CALL as u64));
        // SAFETY: the handle is this connection's; the budget is boxed (a stable address)
        // and dropped after the connection (field order), so the pointer stays valid for as
        // long as SQLite can call the handler.
        unsafe {
            rusqlite::ffi::sqlite3_progress_handler(
                self.connection.handle(),
                STEPS_PER_CALL,
                Some(on_progress),
                &*self.budget as *const StepBudget as *mut std::ffi::c_void,
            );
        }
        Ok(())
    }

    /// Gives the next statement its whole budget (unless a restore is sharing one).
    fn start_statement(&self) {
        if let (Some(limit), false) = (self.budget.limit.get(), self.budget.shared.get()) {
            self.budget.left.set(limit);
        }
    }

    /// The error of a failed statement: SQLite's, or [`INTERRUPTED`] when the budget ran out.
    fn failed(&self, error: rusqlite::Error) -> DbError {
        let interrupted = matches!(&error, rusqlite::Error::SqliteFailure(failure, _) if failure.code == ErrorCode::OperationInterrupted);
        if interrupted && self.budget.limit.get().is_some() && self.budget.left.get() == 0 {
            return DbError {
                kind: DbErrorKind::Operational,
                message: INTERRUPTED.to_string(),
            };
        }
        map_error(error)
    }

    /// Replaces the database with a SQLite file's bytes (a saved session or an undo point),
    /// keeping this connection and its settings.
    pub fn load_file_bytes(&mut self, bytes: &[u8]) -> Result<(), DbError> {
        self.connection
            .deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), false)
            .map_err(map_error)
    }

    /// Whether `sql` is one statement that cannot change the database (SQLite's own verdict;
    /// a statement that does not compile counts as one that may write).
    pub fn is_read_only(&self, sql: &str) -> bool {
        self.connection
            .prepare(sql)
            .is_ok_and(|statement| statement.readonly())
    }

    /// The triggers of the database (name and table), which run when rows change: the page
    /// shows them before an imported database can fire them.
    pub fn triggers(&mut self) -> Result<Vec<(String, String)>, DbError> {
        let (_, rows) = self.query(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut fields = row.iter().map(SqlValue::display);
                (
                    fields.next().unwrap_or_default(),
                    fields.next().unwrap_or_default(),
                )
            })
            .collect())
    }

    pub fn sqlite_version() -> &'static str {
        rusqlite::version()
    }

    /// The whole database as a list of SQL statements that rebuild it (schema and rows), for
    /// snapshots and persistence without file access.
    pub fn dump(&mut self) -> Result<Vec<String>, DbError> {
        let (_, objects) = self.query(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid",
            &[],
        )?;
        let mut statements = Vec::new();
        let mut tables = Vec::new();
        let mut later = Vec::new();
        for object in objects {
            let mut fields = object.into_iter();
            let (Some(SqlValue::Text(kind)), Some(SqlValue::Text(name)), Some(SqlValue::Text(sql))) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if name.starts_with("sqlite_") {
                continue;
            }
            if kind == "table" {
                statements.push(sql);
                tables.push(name);
            } else {
                later.push(sql);
            }
        }
        for table in tables {
            let quoted = format!("\"{}\"", table.replace('"', "\"\""));
            let (_, rows) = self.query(&format!("SELECT * FROM {quoted}"), &[])?;
            for row in rows {
                let values: Vec<String> = row.iter().map(SqlValue::literal).collect();
                statements.push(format!(
                    "INSERT INTO {quoted} VALUES ({})",
                    values.join(", ")
                ));
            }
        }
        statements.extend(later);
        Ok(statements)
    }

    /// Replaces the database's contents with what `dump` produced.
    pub fn restore(&mut self, statements: &[String]) -> Result<(), DbError> {
        let (_, objects) = self.query(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type DESC",
            &[],
        )?;
        if self.in_transaction() {
            self.execute("ROLLBACK", &[])?;
        }
        self.execute("BEGIN", &[])?;
        // The statements may come from a share link: together they get one statement's
        // budget, so neither one endless statement nor many slow ones can hold the page.
        self.start_statement();
        self.budget.shared.set(true);
        let result = (|| {
            for object in objects {
                let mut fields = object.into_iter();
                if let (Some(SqlValue::Text(kind)), Some(SqlValue::Text(name))) =
                    (fields.next(), fields.next())
                {
                    if kind == "table" || kind == "view" || kind == "index" || kind == "trigger" {
                        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
                        // Indexes and triggers go away with their table; ignore "no such" errors.
                        let _ = self.execute(
                            &format!("DROP {} IF EXISTS {quoted}", kind.to_uppercase()),
                            &[],
                        );
                    }
                }
            }
            for statement in statements {
                self.execute(statement, &[])?;
            }
            Ok(())
        })();
        self.budget.shared.set(false);
        match result {
            Ok(()) => self.execute("COMMIT", &[]).map(|_| ()),
            Err(error) => {
                let _ = self.execute("ROLLBACK", &[]);
                Err(error)
            }
        }
    }
}

fn map_error(error: rusqlite::Error) -> DbError {
    match &error {
        rusqlite::Error::SqliteFailure(failure, message) => DbError {
            kind: if failure.code == ErrorCode::ConstraintViolation {
                DbErrorKind::Integrity
            } else {
                DbErrorKind::Operational
            },
            message: message.clone().unwrap_or_else(|| failure.to_string()),
        },
        rusqlite::Error::SqlInputError {
            error: failure,
            msg,
            ..
        } => DbError {
            kind: if failure.code == ErrorCode::ConstraintViolation {
                DbErrorKind::Integrity
            } else {
                DbErrorKind::Operational
            },
            message: msg.clone(),
        },
        rusqlite::Error::MultipleStatement => DbError {
            kind: DbErrorKind::Programming,
            message: "You can only execute one statement at a time.".to_string(),
        },
        other => DbError {
            kind: DbErrorKind::Other,
            message: other.to_string(),
        },
    }
}

fn to_value(value: &SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(number) => Value::Integer(*number),
        SqlValue::Real(number) => Value::Real(*number),
        SqlValue::Text(text) => Value::Text(text.clone()),
        SqlValue::Blob(bytes) => Value::Blob(bytes.clone()),
        #[cfg(feature = "postgresql")]
        SqlValue::Bool(value) => Value::Integer(i64::from(*value)),
    }
}

fn from_value_ref(value: ValueRef<'_>) -> SqlValue {
    match value {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(number) => SqlValue::Integer(number),
        ValueRef::Real(number) => SqlValue::Real(number),
        ValueRef::Text(bytes) => SqlValue::Text(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(bytes) => SqlValue::Blob(bytes.to_vec()),
    }
}

/// SQLite 3.40 — what Python 3.11's sqlite3 links and what the reference was measured with —
/// has no `ALTER TABLE ... ALTER COLUMN`; the SQLite we bundle (3.5x) accepts some forms of it.
/// Alembic's non-batch `alter_column` emits exactly these statements, and learning that SQLite
/// rejects them is the point of batch mode, so they fail here as they do under Alembic.
fn reject_like_sqlite_3_40(sql: &str) -> Result<(), DbError> {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(5)
        .map(|word| word.to_ascii_uppercase())
        .collect();
    if words.first().map(String::as_str) == Some("ALTER")
        && words.get(1).map(String::as_str) == Some("TABLE")
        && words.get(3).map(String::as_str) == Some("ALTER")
    {
        return Err(DbError {
            kind: DbErrorKind::Operational,
            message: "near \"ALTER\": syntax error".to_string(),
        });
    }
    Ok(())
}

impl Database for SqliteDatabase {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<usize, DbError> {
        reject_like_sqlite_3_40(sql)?;
        self.start_statement();
        let mut statement = self.connection.prepare(sql).map_err(map_error)?;
        let values: Vec<Value> = params.iter().map(to_value).collect();
        let stepped = statement
            .query(rusqlite::params_from_iter(values.iter()))
            .and_then(|mut rows| {
                while rows.next()?.is_some() {}
                Ok(())
            });
        drop(statement);
        stepped.map_err(|error| self.failed(error))?;
        Ok(self.connection.changes() as usize)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<(Vec<String>, Vec<Vec<SqlValue>>), DbError> {
        self.start_statement();
        let mut statement = self.connection.prepare(sql).map_err(map_error)?;
        let columns: Vec<String> = statement
            .column_names()
            .map(|name| name.to_string())
            .collect();
        let width = columns.len();
        let values: Vec<Value> = params.iter().map(to_value).collect();
        let mut result = Vec::new();
        let stepped = statement
            .query(rusqlite::params_from_iter(values.iter()))
            .and_then(|mut rows| {
                while let Some(row) = rows.next()? {
                    let mut record = Vec::with_capacity(width);
                    for index in 0..width {
                        record.push(from_value_ref(row.get_ref(index)?));
                    }
                    result.push(record);
                }
                Ok(())
            });
        drop(statement);
        stepped.map_err(|error| self.failed(error))?;
        Ok((columns, result))
    }

    fn in_transaction(&self) -> bool {
        !self.connection.is_autocommit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executes_returning_and_reports_sqlite_errors() {
        let mut database = SqliteDatabase::open_in_memory().unwrap();
        database
            .execute("CREATE TABLE t (a VARCHAR(32) NOT NULL PRIMARY KEY)", &[])
            .unwrap();
        let changed = database
            .execute(
                "INSERT INTO t (a) VALUES (?) RETURNING a",
                &[SqlValue::Text("x".into())],
            )
            .unwrap();
        assert_eq!(changed, 1);
        let error = database
            .execute("INSERT INTO nonexistent VALUES (1)", &[])
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "(sqlite3.OperationalError) no such table: nonexistent"
        );
        let error = database
            .execute(
                "INSERT INTO t (a) VALUES (?)",
                &[SqlValue::Text("x".into())],
            )
            .unwrap_err();
        assert_eq!(error.kind, DbErrorKind::Integrity);
        let error = database.execute("SELECT 1; SELECT 2", &[]).unwrap_err();
        assert_eq!(error.kind, DbErrorKind::Programming);
        let error = database.execute("SELEC 1", &[]).unwrap_err();
        assert_eq!(error.message, "near \"SELEC\": syntax error");
        let error = database
            .execute("ALTER TABLE t ALTER COLUMN a SET NOT NULL", &[])
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "(sqlite3.OperationalError) near \"ALTER\": syntax error"
        );
    }

    #[test]
    fn foreign_keys_are_not_enforced_as_under_python() {
        let mut database = SqliteDatabase::open_in_memory().unwrap();
        let (_, rows) = database.query("PRAGMA foreign_keys", &[]).unwrap();
        assert_eq!(rows, vec![vec![SqlValue::Integer(0)]]);
    }

    #[test]
    fn dump_and_restore_round_trip() {
        let mut database = SqliteDatabase::open_in_memory().unwrap();
        database
            .execute("CREATE TABLE t (a INTEGER, b TEXT)", &[])
            .unwrap();
        database
            .execute("CREATE INDEX ix_t_a ON t (a)", &[])
            .unwrap();
        database
            .execute("INSERT INTO t VALUES (1, 'it''s')", &[])
            .unwrap();
        let dump = database.dump().unwrap();
        let mut other = SqliteDatabase::open_in_memory().unwrap();
        other.execute("CREATE TABLE stale (x)", &[]).unwrap();
        other.restore(&dump).unwrap();
        let (_, rows) = other
            .query("SELECT name FROM sqlite_master ORDER BY name", &[])
            .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![SqlValue::Text("ix_t_a".into())],
                vec![SqlValue::Text("t".into())]
            ]
        );
        let (_, rows) = other.query("SELECT b FROM t", &[]).unwrap();
        assert_eq!(rows, vec![vec![SqlValue::Text("it's".into())]]);
    }

    #[test]
    fn a_contained_database_stops_a_statement_that_never_ends() {
        let mut database = SqliteDatabase::open_in_memory().unwrap();
        database.contain().unwrap();
        let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
        let error = database.query(endless, &[]).unwrap_err();
        assert_eq!(error.message, INTERRUPTED);
        assert_eq!(error.kind, DbErrorKind::Operational);
        // The next statement gets a whole budget again, and the connection still works.
        let (_, rows) = database
            .query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c", &[])
            .unwrap();
        assert_eq!(rows, vec![vec![SqlValue::Integer(100000)]]);
        // Restoring statements shares one budget: many slow statements stop too.
        let slow = "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT count(*) FROM c".to_string();
        let mut statements = vec!["CREATE TABLE t (n)".to_string()];
        statements.extend(vec![slow; 50]);
        let error = database.restore(&statements).unwrap_err();
        assert_eq!(error.message, INTERRUPTED);
        // Defensive mode and untrusted schemas.
        assert!(database.execute("PRAGMA writable_schema = ON", &[]).is_ok());
        let error = database
            .execute("UPDATE sqlite_master SET sql = 'x'", &[])
            .unwrap_err();
        assert!(
            error.message.contains("may not be modified"),
            "{}",
            error.message
        );
        let (_, rows) = database.query("PRAGMA trusted_schema", &[]).unwrap();
        assert_eq!(rows, vec![vec![SqlValue::Integer(0)]]);
        // An uncontained database (the CLI's) has no budget, as under Python's sqlite3.
        let long = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000) SELECT count(*) FROM c";
        assert_eq!(database.query(long, &[]).unwrap_err().message, INTERRUPTED);
        let mut free = SqliteDatabase::open_in_memory().unwrap();
        let (_, rows) = free.query(long, &[]).unwrap();
        assert_eq!(rows, vec![vec![SqlValue::Integer(15000000)]]);
    }

    #[test]
    fn file_bytes_round_trip_what_statements_cannot() {
        let mut database = SqliteDatabase::open_in_memory().unwrap();
        for sql in [
            "CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a + 1))",
            "INSERT INTO g (a) VALUES (1)",
            "CREATE TABLE r (x REAL)",
            "INSERT INTO r VALUES (9e999)",
            "CREATE VIEW v AS SELECT a, b FROM g",
            "CREATE TRIGGER tr AFTER INSERT ON r BEGIN INSERT INTO g (a) VALUES (2); END",
        ] {
            database.execute(sql, &[]).unwrap();
        }
        let bytes = database.file_bytes().unwrap();
        let mut copy = SqliteDatabase::from_file_bytes(&bytes).unwrap();
        let (_, rows) = copy.query("SELECT a, b FROM v", &[]).unwrap();
        assert_eq!(rows, vec![vec![SqlValue::Integer(1), SqlValue::Integer(2)]]);
        let (_, rows) = copy.query("SELECT x FROM r", &[]).unwrap();
        assert_eq!(rows, vec![vec![SqlValue::Real(f64::INFINITY)]]);
        assert_eq!(
            copy.triggers().unwrap(),
            vec![("tr".to_string(), "r".to_string())]
        );
    }
}
