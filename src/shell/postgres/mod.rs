//! The CLI's PostgreSQL connection: the engine's `Database` port over the `postgres` crate,
//! with errors worded as SQLAlchemy shows what libpq and the Python drivers (psycopg 3 for a
//! bare `postgresql://`, psycopg2 for `postgresql+psycopg2://`) report.
//!
//! Statements arrive with their values already written in (PostgreSQL renders the engine's
//! DML with literal binds, as psycopg2 interpolates them on the client), so they run through
//! the simple query protocol, several per text if the revision wrote several; queries that
//! return rows run through a prepared statement so that their column types are known.

mod errcodes;

use std::error::Error as _;

use postgres::types::Type;
use postgres::{Client, NoTls, SimpleQueryMessage};

use crate::host::PostgresUrl;
use crate::runtime::{Database, DbError, DbErrorKind, DriverError, SqlValue};

/// One open connection.
pub struct PostgresDatabase {
    client: Client,
    driver: &'static str,
    in_transaction: bool,
    rowcount: Option<i64>,
}

/// The driver's module name as its exceptions print it.
fn driver_module(driver: &str) -> &'static str {
    match driver {
        "psycopg2" => "psycopg2",
        "psycopg2cffi" => "psycopg2cffi",
        "pg8000" => "pg8000",
        "asyncpg" => "asyncpg",
        _ => "psycopg",
    }
}

/// psycopg2 (and libpq's own text) ends an error message with a newline; psycopg 3 strips it.
fn keeps_newline(driver: &str) -> bool {
    driver != "psycopg"
}

const BACKGROUND: &str = "(Background on this error at: https://sqlalche.me/e/21/e3q8)";

impl PostgresDatabase {
    /// Opens a connection as libpq would for the URL (a Unix socket when no host is given).
    pub fn connect(url: &PostgresUrl) -> Result<PostgresDatabase, String> {
        let driver = driver_module(&url.driver);
        let mut config = postgres::Config::new();
        let query_value = |key: &str| {
            url.query
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        };
        let host = url
            .host
            .clone()
            .or_else(|| query_value("host"))
            .unwrap_or_else(|| "/var/run/postgresql".to_string());
        let port = url
            .port
            .or_else(|| query_value("port").and_then(|port| port.parse().ok()))
            .unwrap_or(5432);
        let user = url
            .user
            .clone()
            .or_else(|| query_value("user"))
            .unwrap_or_else(|| std::env::var("USER").unwrap_or_else(|_| "root".to_string()));
        if host.starts_with('/') {
            config.host_path(&host);
        } else {
            config.host(&host);
        }
        config.port(port);
        config.user(&user);
        config.dbname(
            &url.database
                .clone()
                .or_else(|| query_value("dbname"))
                .unwrap_or_else(|| user.clone()),
        );
        if let Some(password) = url.password.clone().or_else(|| query_value("password")) {
            config.password(password);
        }
        config.application_name("alembic-playground");
        let client = config.connect(NoTls).map_err(|error| {
            let place = if host.starts_with('/') {
                format!("connection to server on socket \"{host}/.s.PGSQL.{port}\" failed")
            } else {
                format!("connection to server at \"{host}\", port {port} failed")
            };
            let reason = match error.as_db_error() {
                Some(server) => format!("{}:  {}", server.severity(), server.message()),
                None => match error
                    .source()
                    .and_then(|source| source.downcast_ref::<std::io::Error>())
                {
                    Some(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                        if host.starts_with('/') {
                            "No such file or directory\n\tIs the server running locally and accepting connections on that socket?".to_string()
                        } else {
                            "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?".to_string()
                        }
                    }
                    Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
                        "No such file or directory\n\tIs the server running locally and accepting connections on that socket?".to_string()
                    }
                    _ => error.to_string(),
                },
            };
            let (prefix, end) = if keeps_newline(driver) {
                ("", "\n")
            } else {
                ("connection failed: ", "")
            };
            format!("({driver}.OperationalError) {prefix}{place}: {reason}{end}\n{BACKGROUND}")
        })?;
        Ok(PostgresDatabase {
            client,
            driver,
            in_transaction: false,
            rowcount: None,
        })
    }

    /// A statement's error as the driver reports it through SQLAlchemy.
    fn failed(&self, error: postgres::Error, sql: &str) -> DbError {
        let Some(server) = error.as_db_error() else {
            let connection_lost = DbErrorKind::Postgresql(leak_class(
                "OperationalError",
                "e3q8",
                format!("{}.OperationalError", self.driver),
            ));
            return DbError {
                kind: connection_lost,
                message: error.to_string(),
            };
        };
        let code = server.code().code();
        let name = errcodes::CONDITIONS
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(_, name)| *name)
            .unwrap_or("DatabaseError");
        let (sqlalchemy, background) = sqlalchemy_class(code);
        let mut lines = vec![server.message().to_string()];
        if let Some(postgres::error::ErrorPosition::Original(position)) = server.position() {
            lines.push(error_position(sql, *position as usize));
        }
        if let Some(detail) = server.detail() {
            lines.push(format!("DETAIL:  {detail}"));
        }
        if let Some(hint) = server.hint() {
            lines.push(format!("HINT:  {hint}"));
        }
        let mut message = lines.join("\n");
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

    fn note_transaction(&mut self, sql: &str) {
        let word: String = sql
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_uppercase();
        match word.as_str() {
            "BEGIN" | "START" => self.in_transaction = true,
            "COMMIT" | "ROLLBACK" | "END" | "ABORT" => self.in_transaction = false,
            _ => {}
        }
    }
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

/// A column's text (as the simple query protocol returns it) as the engine's value, by the
/// column's type: numbers, booleans and `bytea` as Python's drivers give them, the rest as
/// PostgreSQL prints it.
fn value_of(kind: &Type, text: Option<&str>) -> SqlValue {
    let Some(text) = text else {
        return SqlValue::Null;
    };
    let otherwise = || SqlValue::Text(text.to_string());
    match *kind {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => text
            .parse()
            .map(SqlValue::Integer)
            .unwrap_or_else(|_| otherwise()),
        Type::FLOAT4 | Type::FLOAT8 => match text {
            "NaN" => SqlValue::Real(f64::NAN),
            "Infinity" => SqlValue::Real(f64::INFINITY),
            "-Infinity" => SqlValue::Real(f64::NEG_INFINITY),
            _ => text
                .parse()
                .map(SqlValue::Real)
                .unwrap_or_else(|_| otherwise()),
        },
        Type::BOOL => SqlValue::Bool(text == "t"),
        Type::BYTEA => match text.strip_prefix("\\x") {
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

impl Database for PostgresDatabase {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<usize, DbError> {
        refuse_parameters(params)?;
        let messages = self
            .client
            .simple_query(sql)
            .map_err(|error| self.failed(error, sql))?;
        self.note_transaction(sql);
        let changed = messages
            .iter()
            .filter_map(|message| match message {
                SimpleQueryMessage::CommandComplete(count) => Some(*count as usize),
                _ => None,
            })
            .sum();
        self.rowcount = Some(changed as i64);
        Ok(changed)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<(Vec<String>, Vec<Vec<SqlValue>>), DbError> {
        refuse_parameters(params)?;
        let statement = match self.client.prepare(sql) {
            Ok(statement) => statement,
            Err(error) => return Err(self.failed(error, sql)),
        };
        let columns: Vec<String> = statement
            .columns()
            .iter()
            .map(|column| column.name().to_string())
            .collect();
        if columns.is_empty() {
            let changed = self
                .client
                .execute(&statement, &[])
                .map_err(|error| self.failed(error, sql))?;
            self.note_transaction(sql);
            self.rowcount = Some(changed as i64);
            return Ok((columns, Vec::new()));
        }
        let types: Vec<Type> = statement
            .columns()
            .iter()
            .map(|column| column.type_().clone())
            .collect();
        // the rows in text form, typed by the prepared statement's columns
        let messages = self
            .client
            .simple_query(sql)
            .map_err(|error| self.failed(error, sql))?;
        self.note_transaction(sql);
        self.rowcount = Some(-1);
        let rows = messages
            .iter()
            .filter_map(|message| match message {
                SimpleQueryMessage::Row(row) => Some(
                    types
                        .iter()
                        .enumerate()
                        .map(|(index, kind)| value_of(kind, row.get(index)))
                        .collect(),
                ),
                _ => None,
            })
            .collect();
        Ok((columns, rows))
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
        assert_eq!(value_of(&Type::INT8, Some("-42")), SqlValue::Integer(-42));
        assert_eq!(value_of(&Type::FLOAT8, Some("2.5")), SqlValue::Real(2.5));
        assert_eq!(value_of(&Type::BOOL, Some("t")), SqlValue::Bool(true));
        assert_eq!(
            value_of(&Type::BYTEA, Some("\\x00ff")),
            SqlValue::Blob(vec![0, 255])
        );
        assert_eq!(
            value_of(&Type::NUMERIC, Some("10.50")),
            SqlValue::Text("10.50".to_string())
        );
        assert_eq!(value_of(&Type::TEXT, None), SqlValue::Null);
    }
}
