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

use postgres::types::{FromSql, Type};
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

/// A column value in PostgreSQL's binary form, read whatever its type.
struct Raw(Option<SqlValue>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(
        kind: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(Some(decode(kind, raw))))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(Some(SqlValue::Null)))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

fn be_i64(raw: &[u8]) -> i64 {
    let mut bytes = [0u8; 8];
    let start = 8usize.saturating_sub(raw.len());
    bytes[start..].copy_from_slice(&raw[..raw.len().min(8)]);
    let value = i64::from_be_bytes(bytes);
    // sign-extend 2- and 4-byte integers
    match raw.len() {
        2 => i64::from(value as u16 as i16),
        4 => i64::from(value as u32 as i32),
        _ => value,
    }
}

/// The binary value as the engine's value (the text form for types it has none for).
fn decode(kind: &Type, raw: &[u8]) -> SqlValue {
    match *kind {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => SqlValue::Integer(be_i64(raw)),
        Type::BOOL => SqlValue::Integer(i64::from(raw.first().copied().unwrap_or(0) != 0)),
        Type::FLOAT4 => SqlValue::Real(f64::from(f32::from_bits(be_i64(raw) as u32))),
        Type::FLOAT8 => SqlValue::Real(f64::from_bits(be_i64(raw) as u64)),
        Type::BYTEA => SqlValue::Blob(raw.to_vec()),
        Type::JSONB => {
            SqlValue::Text(String::from_utf8_lossy(raw.get(1..).unwrap_or(&[])).into_owned())
        }
        Type::NUMERIC => SqlValue::Text(numeric_text(raw)),
        Type::UUID if raw.len() == 16 => {
            let hex: String = raw.iter().map(|byte| format!("{byte:02x}")).collect();
            SqlValue::Text(format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            ))
        }
        _ => SqlValue::Text(String::from_utf8_lossy(raw).into_owned()),
    }
}

/// NUMERIC's binary form (base-10000 digits) as its decimal text.
fn numeric_text(raw: &[u8]) -> String {
    let word = |index: usize| -> i64 {
        raw.get(index * 2..index * 2 + 2)
            .map_or(0, |pair| i64::from(u16::from_be_bytes([pair[0], pair[1]])))
    };
    let (count, weight, sign, scale) = (word(0) as usize, word(1) as i16 as i64, word(2), word(3));
    if sign == 0xC000 {
        return "NaN".to_string();
    }
    let digits: Vec<i64> = (0..count).map(|index| word(4 + index)).collect();
    let mut integer = "0".to_string();
    for position in 0..=weight {
        let digit = digits.get(position as usize).copied().unwrap_or(0);
        if position == 0 {
            integer = digit.to_string();
        } else {
            integer.push_str(&format!("{digit:04}"));
        }
    }
    let mut fraction = String::new();
    let mut position = weight + 1;
    while (fraction.len() as i64) < scale {
        let digit = if position < 0 {
            0
        } else {
            digits.get(position as usize).copied().unwrap_or(0)
        };
        fraction.push_str(&format!("{digit:04}"));
        position += 1;
    }
    fraction.truncate(scale.max(0) as usize);
    let sign = if sign == 0x4000 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{fraction}")
    }
}

impl Database for PostgresDatabase {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<usize, DbError> {
        debug_assert!(
            params.is_empty(),
            "PostgreSQL statements arrive with literal binds"
        );
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
        debug_assert!(
            params.is_empty(),
            "PostgreSQL statements arrive with literal binds"
        );
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
        let rows = self
            .client
            .query(&statement, &[])
            .map_err(|error| self.failed(error, sql))?;
        self.rowcount = Some(-1);
        let rows = rows
            .iter()
            .map(|row| {
                (0..columns.len())
                    .map(|index| match row.try_get::<_, Raw>(index) {
                        Ok(Raw(Some(value))) => value,
                        _ => SqlValue::Null,
                    })
                    .collect()
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
    fn numerics_read_as_their_decimal_text() {
        // 12345.678: weight 1, digits [1, 2345, 6780], scale 3
        let raw: Vec<u8> = [3u16, 1, 0, 3, 1, 2345, 6780]
            .iter()
            .flat_map(|word| word.to_be_bytes())
            .collect();
        assert_eq!(numeric_text(&raw), "12345.678");
        // -0.05: weight -1, digits [500], scale 2
        let raw: Vec<u8> = [1u16, 0xFFFF, 0x4000, 2, 500]
            .iter()
            .flat_map(|word| word.to_be_bytes())
            .collect();
        assert_eq!(numeric_text(&raw), "-0.05");
    }
}
