//! PostgreSQL behind the engine's `Database` port, spoken through its wire protocol over a
//! [`Transport`]: a socket to a server natively (`shell/postgres`), PGlite's
//! `execProtocolRawSync` in the page. Errors are worded as SQLAlchemy shows what the Python
//! drivers report (psycopg 3 for a bare `postgresql://`, psycopg2 for
//! `postgresql+psycopg2://`).
//!
//! Statements arrive with their values already written in (PostgreSQL renders the engine's
//! DML with literal binds, as psycopg2 interpolates them on the client), so everything runs
//! through the simple query protocol, several statements per text if a revision wrote
//! several; its `RowDescription` gives each column's type, and the backend's `ReadyForQuery`
//! whether a transaction is open.

mod errcodes;
pub mod wire;

use super::{Database, DbError, DbErrorKind, DriverError, SqlValue};
use wire::{Backend, ServerError};

/// Carries frontend messages to a backend and brings its reply back.
pub trait Transport {
    /// Sends `messages` and returns the backend's bytes through the `ReadyForQuery` that ends
    /// the reply; an error (the text to show) when the connection is lost.
    fn round_trip(&mut self, messages: &[u8]) -> Result<Vec<u8>, String>;
}

impl Transport for Box<dyn Transport> {
    fn round_trip(&mut self, messages: &[u8]) -> Result<Vec<u8>, String> {
        (**self).round_trip(messages)
    }
}

/// The driver's module name as its exceptions print it.
pub fn driver_module(driver: &str) -> &'static str {
    match driver {
        "psycopg2" => "psycopg2",
        "psycopg2cffi" => "psycopg2cffi",
        "pg8000" => "pg8000",
        "asyncpg" => "asyncpg",
        _ => "psycopg",
    }
}

/// psycopg2 (and libpq's own text) ends an error message with a newline; psycopg 3 strips it.
pub fn keeps_newline(driver: &str) -> bool {
    driver != "psycopg"
}

/// The line SQLAlchemy ends an `OperationalError` with.
pub const OPERATIONAL_BACKGROUND: &str =
    "(Background on this error at: https://sqlalche.me/e/21/e3q8)";

/// One open connection.
pub struct WireDatabase<T> {
    transport: T,
    driver: &'static str,
    in_transaction: bool,
    rowcount: Option<i64>,
    /// Every text of SQL that may have changed the database, in order, when kept
    /// ([`WireDatabase::keep_journal`]): the page saves its PostgreSQL as this journal and
    /// rebuilds it by replaying it.
    journal: Option<Vec<String>>,
    /// The transport failed or answered with bytes that are not the protocol.
    broken: bool,
}

/// Puts a PostgreSQL database back to a fresh one's state, as far as a learner's project can
/// tell: the transaction and the session's settings gone, every schema but the system's
/// dropped with what it holds (tables, types, sequences, functions), and an empty `public`.
/// Roles and other databases are the cluster's and stay.
const RESET: [&str; 3] = [
    "ROLLBACK",
    "DISCARD ALL",
    "DO $$ DECLARE name text; BEGIN FOR name IN SELECT nspname FROM pg_catalog.pg_namespace \
     WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP \
     EXECUTE format('DROP SCHEMA %I CASCADE', name); END LOOP; END $$; CREATE SCHEMA public",
];

/// Whether a text of SQL that succeeded with these command tags only read: every statement
/// answered rows (`SELECT n`, `SHOW`), and none of them is one of the reads that write
/// (`SELECT ... INTO`, a sequence's `nextval`/`setval`, a lock).
fn only_read(sql: &str, tags: &[String]) -> bool {
    let lower = sql.to_ascii_lowercase();
    !tags.is_empty()
        && tags
            .iter()
            .all(|tag| tag.starts_with("SELECT ") || tag == "SHOW")
        && !["into", "nextval", "setval", "advisory"]
            .iter()
            .any(|word| lower.contains(word))
}

/// What one query text returned.
struct Reply {
    columns: Vec<wire::Field>,
    rows: Vec<Vec<SqlValue>>,
    changed: u64,
}

impl<T: Transport> WireDatabase<T> {
    /// A database over a transport whose connection is already open; `driver` is the
    /// driver's module name ([`driver_module`]).
    pub fn new(transport: T, driver: &'static str) -> WireDatabase<T> {
        WireDatabase {
            transport,
            driver,
            in_transaction: false,
            rowcount: None,
            journal: None,
            broken: false,
        }
    }

    #[cfg(test)]
    fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// From now on, keeps the journal of what may change the database, starting from
    /// `journal` (what built it so far).
    pub fn keep_journal(&mut self, journal: Vec<String>) {
        self.journal = Some(journal);
    }

    /// Whether the journal is kept.
    pub fn keeps_journal(&self) -> bool {
        self.journal.is_some()
    }

    /// What has been written to the database, in order (empty when no journal is kept).
    pub fn journal(&self) -> &[String] {
        self.journal.as_deref().unwrap_or_default()
    }

    /// Makes the database what `journal` builds: resets it to a fresh one's state (see
    /// [`RESET`]; not needed when it is `fresh`) and runs `journal` again, statement texts
    /// that failed failing again as they did. The journal is kept from then on, starting
    /// with `journal`. Only a lost connection stops it.
    pub fn rebuild(&mut self, journal: &[String], fresh: bool) -> Result<(), DbError> {
        self.journal = None;
        let mut outcome = Ok(());
        let reset = if fresh { &RESET[..0] } else { &RESET[..] };
        for sql in reset
            .iter()
            .copied()
            .chain(journal.iter().map(String::as_str))
        {
            match self.run(sql) {
                Err(error) if self.broken => {
                    outcome = Err(error);
                    break;
                }
                _ => {}
            }
        }
        self.journal = Some(journal.to_vec());
        outcome
    }

    /// Words later errors as `driver` does (a project may change its URL's driver).
    pub fn set_driver(&mut self, driver: &'static str) {
        self.driver = driver;
    }

    /// Runs one text of SQL through the simple query protocol.
    fn run(&mut self, sql: &str) -> Result<Reply, DbError> {
        let bytes = match self.transport.round_trip(&wire::query(sql)) {
            Ok(bytes) => bytes,
            Err(message) => {
                self.broken = true;
                return Err(self.lost(message));
            }
        };
        let messages = match wire::messages(&bytes) {
            Ok(messages) => messages,
            Err(error) => {
                self.broken = true;
                return Err(self.lost(error.0));
            }
        };
        let mut reply = Reply {
            columns: Vec::new(),
            rows: Vec::new(),
            changed: 0,
        };
        let mut failed = None;
        let mut described = false;
        let mut tags = Vec::new();
        for message in messages {
            match message {
                Backend::RowDescription(fields) if !described => {
                    described = true;
                    reply.columns = fields;
                }
                Backend::DataRow(values) if reply.columns.len() == values.len() => {
                    let row = reply
                        .columns
                        .iter()
                        .zip(values)
                        .map(|(field, value)| value_of(field.type_oid, value))
                        .collect();
                    reply.rows.push(row);
                }
                Backend::CommandComplete(tag) => {
                    reply.changed += wire::tag_count(tag);
                    if self.journal.is_some() {
                        tags.push(tag.to_string());
                    }
                }
                Backend::Error(error) if failed.is_none() => failed = Some(error),
                Backend::ReadyForQuery(status) => self.in_transaction = status != b'I',
                _ => {}
            }
        }
        if let Some(journal) = &mut self.journal {
            // a text that failed is kept too: in a transaction it made the COMMIT a ROLLBACK
            if failed.is_some() || !only_read(sql, &tags) {
                journal.push(sql.to_string());
            }
        }
        match failed {
            Some(error) => Err(self.failed(&error, sql)),
            None => Ok(reply),
        }
    }

    /// The connection broke (or answered with bytes that are not the protocol).
    fn lost(&self, message: String) -> DbError {
        DbError {
            kind: DbErrorKind::Postgresql(leak_class(
                "OperationalError",
                "e3q8",
                format!("{}.OperationalError", self.driver),
            )),
            message,
        }
    }

    /// A statement's error as the driver reports it through SQLAlchemy.
    fn failed(&self, server: &ServerError, sql: &str) -> DbError {
        let name = errcodes::CONDITIONS
            .iter()
            .find(|(known, _)| *known == server.code)
            .map(|(_, name)| *name)
            .unwrap_or("DatabaseError");
        let (sqlalchemy, background) = sqlalchemy_class(&server.code);
        let mut message = server_text(server, Some(sql));
        if keeps_newline(self.driver) {
            message.push('\n');
        }
        DbError {
            kind: DbErrorKind::Postgresql(leak_class(
                sqlalchemy,
                background,
                format!("{}.errors.{name}", self.driver),
            )),
            message,
        }
    }
}

/// A server error as libpq prints it: the message, where in `sql` it is (`LINE n:` and a
/// caret), `DETAIL:` and `HINT:` lines.
pub fn server_text(server: &ServerError, sql: Option<&str>) -> String {
    let mut lines = vec![server.message.clone()];
    if let (Some(position), Some(sql)) = (server.position, sql) {
        lines.push(error_position(sql, position));
    }
    if let Some(detail) = &server.detail {
        lines.push(format!("DETAIL:  {detail}"));
    }
    if let Some(hint) = &server.hint {
        lines.push(format!("HINT:  {hint}"));
    }
    lines.join("\n")
}

/// The classes of an error, kept for the rest of the process: error kinds are `Copy`, and a
/// command reports at most a few errors.
fn leak_class(
    sqlalchemy: &'static str,
    background: &'static str,
    driver_class: String,
) -> &'static DriverError {
    Box::leak(Box::new(DriverError {
        sqlalchemy,
        background,
        driver_class,
    }))
}

/// SQLAlchemy's exception class for a SQLSTATE (the drivers' class-by-prefix table) and the
/// code of its page on sqlalche.me.
fn sqlalchemy_class(code: &str) -> (&'static str, &'static str) {
    let class = code.get(..2).unwrap_or("");
    match class {
        "0A" => ("NotSupportedError", "tw8g"),
        "22" => ("DataError", "9h9h"),
        "23" => ("IntegrityError", "gkpj"),
        "24" | "25" | "2B" | "2D" | "XX" => ("InternalError", "2j85"),
        "10" | "20" | "21" | "26" | "34" | "3D" | "3F" | "42" | "44" => {
            ("ProgrammingError", "f405")
        }
        _ if class.starts_with('P') => ("ProgrammingError", "f405"),
        "08" | "27" | "28" | "2F" | "38" | "39" | "3B" | "40" | "53" | "54" | "55" | "57"
        | "58" => ("OperationalError", "e3q8"),
        _ if class.starts_with('F') || class.starts_with('H') => ("OperationalError", "e3q8"),
        _ => ("DatabaseError", "4xp6"),
    }
}

/// libpq's `LINE n: ...` and caret lines for an error at `position` (1-based, in
/// characters) of `query`: tabs shown as spaces, a line longer than 60 columns cut with
/// `...` around the caret as `reportErrorPosition` cuts it.
fn error_position(query: &str, position: usize) -> String {
    const DISPLAY_SIZE: usize = 60;
    const MIN_RIGHT_CUT: usize = 10;
    let chars: Vec<char> = query
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let location = position.saturating_sub(1).min(chars.len());
    let mut line_number = 1;
    let mut begin = 0;
    for (index, c) in chars.iter().enumerate().take(location) {
        if *c == '\n' {
            line_number += 1;
            begin = index + 1;
        }
    }
    let mut end = chars
        .iter()
        .skip(begin)
        .position(|c| *c == '\n' || *c == '\r')
        .map_or(chars.len(), |offset| begin + offset);
    let (mut cut_begin, mut cut_end) = (false, false);
    if end - begin > DISPLAY_SIZE {
        if begin + DISPLAY_SIZE >= location + MIN_RIGHT_CUT {
            end = begin + DISPLAY_SIZE;
            cut_end = true;
        } else {
            while location + MIN_RIGHT_CUT < end {
                end -= 1;
                cut_end = true;
            }
            while end - begin > DISPLAY_SIZE {
                begin += 1;
                cut_begin = true;
            }
        }
    }
    let mut prefix = format!("LINE {line_number}: ");
    if cut_begin {
        prefix.push_str("...");
    }
    let mut text = prefix.clone();
    text.extend(&chars[begin..end]);
    if cut_end {
        text.push_str("...");
    }
    text.push('\n');
    let caret = prefix.chars().count() + location.saturating_sub(begin);
    text.push_str(&" ".repeat(caret));
    text.push('^');
    text
}

/// The OIDs of the types whose values the engine reads as numbers, booleans or bytes.
mod oid {
    pub const BOOL: u32 = 16;
    pub const BYTEA: u32 = 17;
    pub const INT8: u32 = 20;
    pub const INT2: u32 = 21;
    pub const INT4: u32 = 23;
    pub const OID: u32 = 26;
    pub const FLOAT4: u32 = 700;
    pub const FLOAT8: u32 = 701;
}

/// A column's text (as the simple query protocol returns it) as the engine's value, by the
/// column's type: numbers, booleans and `bytea` as Python's drivers give them, the rest as
/// PostgreSQL prints it.
fn value_of(type_oid: u32, bytes: Option<&[u8]>) -> SqlValue {
    let Some(bytes) = bytes else {
        return SqlValue::Null;
    };
    let text = String::from_utf8_lossy(bytes);
    let otherwise = || SqlValue::Text(text.to_string());
    match type_oid {
        oid::INT2 | oid::INT4 | oid::INT8 | oid::OID => text
            .parse()
            .map(SqlValue::Integer)
            .unwrap_or_else(|_| otherwise()),
        oid::FLOAT4 | oid::FLOAT8 => match &*text {
            "NaN" => SqlValue::Real(f64::NAN),
            "Infinity" => SqlValue::Real(f64::INFINITY),
            "-Infinity" => SqlValue::Real(f64::NEG_INFINITY),
            _ => text
                .parse()
                .map(SqlValue::Real)
                .unwrap_or_else(|_| otherwise()),
        },
        oid::BOOL => SqlValue::Bool(text == "t"),
        oid::BYTEA => match text.strip_prefix("\\x") {
            Some(hex) => SqlValue::Blob(
                (0..hex.len() / 2)
                    .filter_map(|index| {
                        u8::from_str_radix(hex.get(index * 2..index * 2 + 2)?, 16).ok()
                    })
                    .collect(),
            ),
            None => otherwise(),
        },
        _ => otherwise(),
    }
}

/// The engine writes PostgreSQL's values into its statements (as psycopg2 does on the
/// client); a statement with separate parameters is a mistake of the engine's, reported.
fn refuse_parameters(params: &[SqlValue]) -> Result<(), DbError> {
    if params.is_empty() {
        return Ok(());
    }
    Err(DbError {
        kind: DbErrorKind::Other,
        message: "the playground sends PostgreSQL statements with their values written in, not as parameters".to_string(),
    })
}

impl<T: Transport> Database for WireDatabase<T> {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<usize, DbError> {
        refuse_parameters(params)?;
        let reply = self.run(sql)?;
        self.rowcount = Some(reply.changed as i64);
        Ok(reply.changed as usize)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<(Vec<String>, Vec<Vec<SqlValue>>), DbError> {
        refuse_parameters(params)?;
        let reply = self.run(sql)?;
        // a statement without a result (DDL through `query`) counts what it changed, as
        // psycopg's cursor does; one with rows reports -1, as SQLAlchemy's result does
        self.rowcount = Some(if reply.columns.is_empty() {
            reply.changed as i64
        } else {
            -1
        });
        let columns = reply.columns.into_iter().map(|field| field.name).collect();
        Ok((columns, reply.rows))
    }

    fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    fn rowcount(&mut self) -> Option<i64> {
        self.rowcount
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libpq's own output, read off psql for the same queries.
    #[test]
    fn error_positions_are_shown_as_libpq_shows_them() {
        assert_eq!(
            error_position("SELECT * FROM nope", 15),
            "LINE 1: SELECT * FROM nope\n                      ^"
        );
        assert_eq!(
            error_position("SELECT 1;\nSELEC 2", 11),
            "LINE 2: SELEC 2\n        ^"
        );
        // psql's output for these two (a long line cut on the left, and on the right)
        let long = format!("SELECT {}FROM nope", "a, ".repeat(30));
        let at = long.find("FROM").unwrap() + 1;
        assert_eq!(
            error_position(&long, at),
            format!(
                "LINE 1: ...{}FROM nope\n{}^",
                "a, ".repeat(17),
                " ".repeat(62)
            )
        );
        let long = format!("SELECT 1 FROM nope WHERE {} = 1", "x".repeat(82));
        let at = long.find("nope").unwrap() + 1;
        assert_eq!(
            error_position(&long, at),
            format!(
                "LINE 1: SELECT 1 FROM nope WHERE {}...\n{}^",
                "x".repeat(35),
                " ".repeat(22)
            )
        );
    }

    #[test]
    fn column_text_is_read_by_type() {
        assert_eq!(value_of(oid::INT8, Some(b"-42")), SqlValue::Integer(-42));
        assert_eq!(value_of(oid::FLOAT8, Some(b"2.5")), SqlValue::Real(2.5));
        assert_eq!(value_of(oid::BOOL, Some(b"t")), SqlValue::Bool(true));
        assert_eq!(
            value_of(oid::BYTEA, Some(b"\\x00ff")),
            SqlValue::Blob(vec![0, 255])
        );
        // numeric (1700) stays text, as PostgreSQL prints it
        assert_eq!(
            value_of(1700, Some(b"10.50")),
            SqlValue::Text("10.50".to_string())
        );
        assert_eq!(value_of(25, None), SqlValue::Null);
    }

    /// A backend that answers from a script of replies, recording what it was sent.
    struct Scripted {
        replies: Vec<Vec<u8>>,
        sent: Vec<Vec<u8>>,
    }

    impl Transport for Scripted {
        fn round_trip(&mut self, messages: &[u8]) -> Result<Vec<u8>, String> {
            self.sent.push(messages.to_vec());
            if self.replies.is_empty() {
                return Err("server closed the connection unexpectedly".to_string());
            }
            Ok(self.replies.remove(0))
        }
    }

    use wire::message as backend;

    #[test]
    fn statements_and_queries_read_the_backends_reply() {
        let mut rows = backend(
            b'T',
            b"\0\x02n\0\0\0\0\0\0\x01\0\0\0\x14\0\x08\xff\xff\xff\xff\0\0s\0\0\0\0\0\0\x02\0\0\0\x19\xff\xff\xff\xff\xff\xff\0\0",
        );
        rows.extend(backend(b'D', b"\0\x02\0\0\0\x017\xff\xff\xff\xff"));
        rows.extend(backend(b'C', b"SELECT 1\0"));
        rows.extend(backend(b'Z', b"T"));
        let mut changed = backend(b'C', b"BEGIN\0");
        changed.extend(backend(b'C', b"UPDATE 3\0"));
        changed.extend(backend(b'Z', b"T"));
        let mut database = WireDatabase::new(
            Scripted {
                replies: vec![changed, rows],
                sent: Vec::new(),
            },
            "psycopg",
        );
        assert_eq!(database.execute("BEGIN; UPDATE t SET n = 1", &[]), Ok(3));
        assert!(database.in_transaction());
        assert_eq!(database.rowcount(), Some(3));
        let (columns, rows) = database.query("SELECT n, s FROM t", &[]).unwrap();
        assert_eq!(columns, ["n", "s"]);
        assert_eq!(rows, [[SqlValue::Integer(7), SqlValue::Null]]);
        assert_eq!(database.rowcount(), Some(-1));
        assert_eq!(
            database.transport_mut().sent[1],
            wire::query("SELECT n, s FROM t")
        );
        // the connection gone: an OperationalError with the transport's text
        let lost = database.execute("SELECT 1", &[]).unwrap_err();
        assert_eq!(lost.message, "server closed the connection unexpectedly");
        assert!(
            matches!(lost.kind, DbErrorKind::Postgresql(class) if class.driver_class == "psycopg.OperationalError")
        );
    }

    /// A reply of one command tag (or a server error when `tag` is `None`), then idle.
    fn completed(tag: Option<&str>) -> Vec<u8> {
        let mut reply = match tag {
            Some(tag) => backend(b'C', format!("{tag}\0").as_bytes()),
            None => backend(
                b'E',
                b"SERROR\0C42P01\0Mrelation \"nope\" does not exist\0\0",
            ),
        };
        reply.extend(backend(b'Z', b"I"));
        reply
    }

    #[test]
    fn the_journal_keeps_what_may_write_and_a_rebuild_replays_it() {
        let mut database = WireDatabase::new(
            Scripted {
                replies: vec![
                    completed(Some("CREATE TABLE")),
                    completed(Some("SELECT 0")),
                    completed(Some("SELECT 1")),
                    completed(None),
                    completed(Some("SHOW")),
                ],
                sent: Vec::new(),
            },
            "psycopg",
        );
        // nothing is kept until asked
        database.execute("CREATE TABLE t (n int)", &[]).unwrap();
        assert!(!database.keeps_journal());
        assert!(database.journal().is_empty());
        database.keep_journal(vec!["CREATE TABLE t (n int)".to_string()]);
        database.query("SELECT n FROM t", &[]).unwrap();
        database.query("SELECT setval('s', 5)", &[]).unwrap();
        database
            .execute("INSERT INTO nope VALUES (1)", &[])
            .unwrap_err();
        database.query("SHOW search_path", &[]).unwrap();
        let journal = [
            "CREATE TABLE t (n int)",
            "SELECT setval('s', 5)",
            "INSERT INTO nope VALUES (1)",
        ];
        assert_eq!(database.journal(), journal);

        // a rebuild resets, then replays; a statement that failed fails again and goes on
        let replies = std::iter::repeat_with(|| completed(Some("DO")))
            .take(RESET.len())
            .chain([
                completed(Some("CREATE TABLE")),
                completed(Some("SELECT 1")),
                completed(None),
            ])
            .collect();
        database.transport_mut().replies = replies;
        database.transport_mut().sent.clear();
        let journal: Vec<String> = journal.iter().map(|sql| sql.to_string()).collect();
        assert_eq!(database.rebuild(&journal, false), Ok(()));
        let sent = &database.transport_mut().sent;
        assert_eq!(sent.len(), RESET.len() + 3);
        assert_eq!(sent[0], wire::query("ROLLBACK"));
        assert_eq!(
            sent[RESET.len() + 2],
            wire::query("INSERT INTO nope VALUES (1)")
        );
        assert_eq!(database.journal(), journal.as_slice());
        // on a fresh database there is nothing to reset; a lost connection stops the replay
        database.transport_mut().sent.clear();
        assert!(database.rebuild(&journal, true).is_err());
        assert_eq!(database.transport_mut().sent, [wire::query(&journal[0])]);
    }

    #[test]
    fn server_errors_are_worded_as_the_driver_words_them() {
        let mut reply = backend(
            b'E',
            b"SERROR\0C42P01\0Mrelation \"nope\" does not exist\0P15\0\0",
        );
        reply.extend(backend(b'Z', b"I"));
        for (driver, ending) in [("psycopg2", "\n"), ("psycopg", "")] {
            let mut database = WireDatabase::new(
                Scripted {
                    replies: vec![reply.clone()],
                    sent: Vec::new(),
                },
                driver,
            );
            let error = database.query("SELECT * FROM nope", &[]).unwrap_err();
            assert_eq!(
                error.message,
                format!("relation \"nope\" does not exist\nLINE 1: SELECT * FROM nope\n                      ^{ending}")
            );
            let DbErrorKind::Postgresql(class) = error.kind else {
                panic!("not a driver error: {error:?}");
            };
            assert_eq!(class.sqlalchemy, "ProgrammingError");
            assert_eq!(
                class.driver_class,
                format!("{driver}.errors.UndefinedTable")
            );
            assert!(!database.in_transaction());
        }
        let mut database = WireDatabase::new(
            Scripted {
                replies: vec![b"C\0\0".to_vec()],
                sent: Vec::new(),
            },
            "psycopg",
        );
        assert!(database.execute("SELECT 1", &[]).is_err());
    }
}
