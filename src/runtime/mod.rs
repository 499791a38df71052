//! The migration runtime: the database port, the `alembic_version` table, and running or
//! printing statements with Alembic-on-SQLite transaction behaviour.
//!
//! Owns: the [`Database`] trait (the only way the engine reaches SQLite), the version table's
//! exact SQL (online with bound parameters, offline with literals), and pysqlite's legacy
//! transaction rules (DDL autocommits until the first DML opens a transaction; every step
//! commits on its own; a failure rolls back only what that transaction holds — reference §7).
//! Does not: parse text, decide which revisions run (that is `graph`), or render DDL (`ops`).

use std::fmt;

#[cfg(feature = "postgresql")]
pub mod postgres;
pub mod reflect;

use crate::output::Output;

/// The SQL dialect a `sqlalchemy.url` names: which DDL the operations compile to, which
/// `Impl` the banner names, whether DDL is transactional by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    #[default]
    Sqlite,
    #[cfg(feature = "postgresql")]
    Postgresql,
}

/// A value bound to, or read from, SQLite.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    /// PostgreSQL's boolean (SQLite stores 0 and 1)
    #[cfg(feature = "postgresql")]
    Bool(bool),
}

impl SqlValue {
    /// The value as SQLAlchemy renders a literal bind on SQLite (`'o''neil'`, `NULL`, `1`).
    pub fn literal(&self) -> String {
        match self {
            SqlValue::Null => "NULL".to_string(),
            SqlValue::Integer(value) => value.to_string(),
            SqlValue::Real(value) => python_float_repr(*value),
            SqlValue::Text(text) => format!("'{}'", text.replace('\'', "''")),
            SqlValue::Blob(bytes) => {
                let hex: String = bytes.iter().map(|byte| format!("{byte:02X}")).collect();
                format!("X'{hex}'")
            }
            #[cfg(feature = "postgresql")]
            SqlValue::Bool(value) => value.to_string(),
        }
    }

    /// The value as a terminal shows it in a result grid.
    pub fn display(&self) -> String {
        match self {
            SqlValue::Null => "NULL".to_string(),
            SqlValue::Integer(value) => value.to_string(),
            SqlValue::Real(value) => python_float_repr(*value),
            SqlValue::Text(text) => text.clone(),
            SqlValue::Blob(bytes) => format!("<{} bytes>", bytes.len()),
            #[cfg(feature = "postgresql")]
            SqlValue::Bool(true) => "True".to_string(),
            #[cfg(feature = "postgresql")]
            SqlValue::Bool(false) => "False".to_string(),
        }
    }
}

/// Python's `repr(float)`: shortest round-trip form, always with a `.` or exponent.
pub fn python_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let text = format!("{value}");
    if text.contains('.') || text.contains('e') {
        text
    } else {
        format!("{text}.0")
    }
}

/// The DB-API exception class Python's sqlite3 would raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    Operational,
    Integrity,
    Programming,
    Other,
    /// An error a PostgreSQL driver raised: SQLAlchemy's class for it (`ProgrammingError`),
    /// the error page's code (`f405`) and the driver's own class
    /// (`psycopg2.errors.UndefinedTable`, `psycopg.OperationalError`).
    #[cfg(feature = "postgresql")]
    Postgresql(&'static DriverError),
}

/// What a PostgreSQL driver's exception is called (see [`DbErrorKind::Postgresql`]).
#[cfg(feature = "postgresql")]
#[derive(Debug, PartialEq, Eq)]
pub struct DriverError {
    /// SQLAlchemy's class for it (`ProgrammingError`)
    pub sqlalchemy: &'static str,
    /// the code of its page on sqlalche.me (`f405`)
    pub background: &'static str,
    /// the driver's class (`psycopg2.errors.UndefinedTable`, `psycopg.OperationalError`)
    pub driver_class: String,
}

impl DbErrorKind {
    pub fn python_name(self) -> &'static str {
        match self {
            DbErrorKind::Operational => "OperationalError",
            DbErrorKind::Integrity => "IntegrityError",
            DbErrorKind::Programming => "ProgrammingError",
            DbErrorKind::Other => "DatabaseError",
            #[cfg(feature = "postgresql")]
            DbErrorKind::Postgresql(driver) => driver.sqlalchemy,
        }
    }
}

/// An error from SQLite, with SQLite's own message (`no such table: t`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    pub kind: DbErrorKind,
    pub message: String,
}

impl fmt::Display for DbError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(feature = "postgresql")]
        if let DbErrorKind::Postgresql(driver) = self.kind {
            return write!(formatter, "({}) {}", driver.driver_class, self.message);
        }
        write!(
            formatter,
            "(sqlite3.{}) {}",
            self.kind.python_name(),
            self.message
        )
    }
}

/// The database port: a SQLite connection. Implemented over rusqlite in `sqlite.rs`.
pub trait Database {
    /// Runs one statement; rows it returns (e.g. `RETURNING`) are discarded. Returns the
    /// number of rows changed.
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<usize, DbError>;
    /// Runs one query and returns its column names and rows.
    fn query(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<(Vec<String>, Vec<Vec<SqlValue>>), DbError>;
    /// Whether a transaction is open (SQLite is not in autocommit mode).
    fn in_transaction(&self) -> bool;
    /// The rows the last statement changed, where the connection counts them itself
    /// (PostgreSQL; SQLite's come from `changes()`).
    #[cfg(feature = "postgresql")]
    fn rowcount(&mut self) -> Option<i64> {
        None
    }
}

/// A statement as the runtime executes it online and prints it offline.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The text SQLAlchemy sends to SQLite (tabs, `?` parameters).
    pub sql: String,
    pub params: Vec<SqlValue>,
    /// The text `--sql` prints, without the trailing `;`.
    pub offline_sql: String,
}

impl Statement {
    /// A statement without parameters: offline text is the online text with tabs as four
    /// spaces, stripped (what Alembic's offline mode does to compiled DDL).
    pub fn plain(sql: impl Into<String>) -> Statement {
        let sql = sql.into();
        let offline_sql = sql.replace('\t', "    ").trim().to_string();
        Statement {
            sql,
            params: Vec::new(),
            offline_sql,
        }
    }
}

/// The version table's names (`context.configure(version_table=..., version_table_pk=...)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTable {
    pub name: String,
    pub pk: bool,
}

impl Default for VersionTable {
    fn default() -> Self {
        VersionTable {
            name: "alembic_version".to_string(),
            pk: true,
        }
    }
}

impl VersionTable {
    pub fn create_statement(&self) -> Statement {
        let constraint = if self.pk {
            format!(
                ", \n\tCONSTRAINT {}_pkc PRIMARY KEY (version_num)",
                self.name
            )
        } else {
            String::new()
        };
        Statement::plain(format!(
            "\nCREATE TABLE {} (\n\tversion_num VARCHAR(32) NOT NULL{}\n)\n\n",
            self.name, constraint
        ))
    }

    /// The INSERT of a new row; SQLAlchemy's PostgreSQL compiler qualifies the RETURNING
    /// column with the table, SQLite's does not.
    pub fn insert_statement(&self, revision: &str, dialect: Dialect) -> Statement {
        let returning = match dialect {
            Dialect::Sqlite => "version_num".to_string(),
            #[cfg(feature = "postgresql")]
            Dialect::Postgresql => format!("{}.version_num", self.name),
        };
        Statement {
            sql: format!(
                "INSERT INTO {} (version_num) VALUES (?) RETURNING {returning}",
                self.name
            ),
            params: vec![SqlValue::Text(revision.to_string())],
            offline_sql: format!(
                "INSERT INTO {} (version_num) VALUES ({}) RETURNING {returning}",
                self.name,
                SqlValue::Text(revision.to_string()).literal()
            ),
        }
    }

    pub fn update_statement(&self, from: &str, to: &str) -> Statement {
        Statement {
            sql: format!(
                "UPDATE {name} SET version_num=? WHERE {name}.version_num = ?",
                name = self.name
            ),
            params: vec![
                SqlValue::Text(to.to_string()),
                SqlValue::Text(from.to_string()),
            ],
            offline_sql: format!(
                "UPDATE {name} SET version_num={} WHERE {name}.version_num = {}",
                SqlValue::Text(to.to_string()).literal(),
                SqlValue::Text(from.to_string()).literal(),
                name = self.name
            ),
        }
    }

    pub fn delete_statement(&self, revision: &str) -> Statement {
        Statement {
            sql: format!(
                "DELETE FROM {name} WHERE {name}.version_num = ?",
                name = self.name
            ),
            params: vec![SqlValue::Text(revision.to_string())],
            offline_sql: format!(
                "DELETE FROM {name} WHERE {name}.version_num = {}",
                SqlValue::Text(revision.to_string()).literal(),
                name = self.name
            ),
        }
    }

    pub fn purge_statement(&self) -> Statement {
        Statement::plain(format!("DELETE FROM {}", self.name))
    }
}

/// A change to one row of the version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionChange {
    Insert(String),
    Update { from: String, to: String },
    Delete(String),
}

/// Why running a statement failed.
#[derive(Debug, Clone, PartialEq)]
pub enum RuntimeError {
    /// SQLite refused a statement; `sql` is what was sent, `params` its parameter sets
    /// (one for an execute, one per row for an executemany).
    Database {
        error: DbError,
        sql: String,
        params: Vec<Vec<SqlValue>>,
    },
    /// Alembic's own consistency check on the version table.
    VersionRowCount(String),
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::Database { error, sql, params } => {
                write!(formatter, "{error}\n[SQL: {sql}]")?;
                if let Some(shown) = params_repr(params) {
                    write!(formatter, "\n[parameters: {shown}]")?;
                }
                Ok(())
            }
            RuntimeError::VersionRowCount(message) => write!(formatter, "{message}"),
        }
    }
}

/// SQLAlchemy's `_repr_params(params, 10, ismulti=...)` for the `[parameters: ...]` line of
/// an error: a tuple for one execute, a list of tuples for an executemany (the first 8 and
/// the last 2 sets beyond 10), long values and long tuples shortened. None when there are no
/// parameters (no line).
fn params_repr(sets: &[Vec<SqlValue>]) -> Option<String> {
    const BATCHES: usize = 10;
    match sets {
        [] => None,
        [single] if single.is_empty() => None,
        [single] => Some(tuple_repr(single)),
        many if many.len() > BATCHES => {
            let head: Vec<String> = many[..BATCHES - 2]
                .iter()
                .map(|set| tuple_repr(set))
                .collect();
            let tail: Vec<String> = many[many.len() - 2..]
                .iter()
                .map(|set| tuple_repr(set))
                .collect();
            Some(format!(
                "[{}  ... displaying {BATCHES} of {} total bound parameter sets ...  {}]",
                head.join(", "),
                many.len(),
                tail.join(", ")
            ))
        }
        many => {
            let all: Vec<String> = many.iter().map(|set| tuple_repr(set)).collect();
            Some(format!("[{}]", all.join(", ")))
        }
    }
}

/// `_repr_param_tuple`: more than 100 values show the first and last 50.
fn tuple_repr(values: &[SqlValue]) -> String {
    const MAX_PARAMS: usize = 100;
    let shown = |values: &[SqlValue]| -> String {
        values.iter().map(value_repr).collect::<Vec<_>>().join(", ")
    };
    if values.len() > MAX_PARAMS {
        let half = MAX_PARAMS / 2;
        format!(
            "({} ... {} parameters truncated ... {})",
            shown(&values[..half]),
            values.len() - MAX_PARAMS,
            shown(&values[values.len() - half..])
        )
    } else if values.len() == 1 {
        format!("({},)", shown(values))
    } else {
        format!("({})", shown(values))
    }
}

/// Python's `repr()` of a bound value, cut to 300 characters as `_repr_base.trunc` does.
fn value_repr(value: &SqlValue) -> String {
    const MAX_CHARS: usize = 300;
    let text = match value {
        SqlValue::Null => "None".to_string(),
        SqlValue::Text(text) => crate::ops::sqltext::py_repr_str(text),
        SqlValue::Real(number) => crate::ops::sqltext::py_float_repr(*number),
        other => other.literal(),
    };
    let characters: Vec<char> = text.chars().collect();
    if characters.len() <= MAX_CHARS {
        return text;
    }
    let segment = MAX_CHARS / 2;
    format!(
        "{} ... ({} characters truncated) ... {}",
        characters[..segment].iter().collect::<String>(),
        characters.len() - MAX_CHARS,
        characters[characters.len() - segment..]
            .iter()
            .collect::<String>()
    )
}

/// Is this statement one that makes Python's sqlite3 (legacy transaction control) open a
/// transaction first? Only INSERT, UPDATE, DELETE and REPLACE do.
pub fn opens_transaction(sql: &str) -> bool {
    let keyword: String = sql
        .trim_start()
        .chars()
        .take_while(|character| character.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    matches!(keyword.as_str(), "INSERT" | "UPDATE" | "DELETE" | "REPLACE")
}

/// What a query returned: column names, rows, and the DB-API `rowcount` (-1 for a `SELECT`,
/// as pysqlite reports it).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
    pub rowcount: i64,
}

/// Runs statements against a database, or collects them as `--sql` text.
///
/// The context owns the output of the migration run (offline SQL on stdout, log lines the
/// caller writes to `out` on stderr) so both stay in the order they happened.
pub struct MigrationContext<'a> {
    target: Target<'a>,
    pub out: Output,
    /// The URL's dialect (the DDL the operations compile to).
    pub dialect: Dialect,
    pub version_table: VersionTable,
    /// `context.configure(transactional_ddl=True)`: BEGIN at the start of each step.
    pub transactional_ddl: bool,
    /// `context.configure(transaction_per_migration=...)`: with transactional DDL, one
    /// transaction per step (True) or one around the whole run (False, the default).
    pub transaction_per_migration: bool,
    /// `target_metadata`'s `naming_convention` (key, template): the one the tables
    /// `op.create_table` builds are named by, as Alembic builds them in a `MetaData` with it.
    pub naming_convention: Vec<(String, String)>,
    /// The command line's `-x` arguments (`context.get_x_argument()` in a revision file).
    pub x_arguments: Vec<String>,
    /// The enum types this run has created (PostgreSQL creates each once per run).
    #[cfg(feature = "postgresql")]
    pub type_memo: Vec<String>,
    /// Inside `autocommit_block()` on PostgreSQL: statements run without a transaction (the
    /// driver's AUTOCOMMIT isolation level), as `CREATE INDEX CONCURRENTLY` needs.
    #[cfg(feature = "postgresql")]
    autocommit: bool,
    /// Every statement executed online, as SQLAlchemy's engine log would show it (for the
    /// page's "SQL of the last command").
    pub executed: Vec<Statement>,
}

enum Target<'a> {
    Online(&'a mut dyn Database),
    Offline,
}

impl<'a> MigrationContext<'a> {
    pub fn online(database: &'a mut dyn Database) -> Self {
        MigrationContext::on(Target::Online(database))
    }

    pub fn offline() -> Self {
        MigrationContext::on(Target::Offline)
    }

    fn on(target: Target<'a>) -> Self {
        MigrationContext {
            target,
            out: Output::default(),
            dialect: Dialect::Sqlite,
            version_table: VersionTable::default(),
            transactional_ddl: false,
            transaction_per_migration: false,
            naming_convention: Vec::new(),
            x_arguments: Vec::new(),
            #[cfg(feature = "postgresql")]
            type_memo: Vec::new(),
            #[cfg(feature = "postgresql")]
            autocommit: false,
            executed: Vec::new(),
        }
    }

    pub fn is_offline(&self) -> bool {
        matches!(self.target, Target::Offline)
    }

    /// PostgreSQL: every statement runs in a transaction (the driver begins one), and
    /// statements carry their values written in.
    fn on_postgresql(&self) -> bool {
        #[cfg(feature = "postgresql")]
        if self.dialect == Dialect::Postgresql {
            return true;
        }
        false
    }

    /// The text and parameters a statement is sent with: on PostgreSQL its values are
    /// written in (its offline text), as psycopg2 interpolates them on the client.
    fn sent<'s>(&self, statement: &'s Statement) -> (&'s str, &'s [SqlValue]) {
        if self.on_postgresql() && !statement.params.is_empty() {
            (&statement.offline_sql, &[])
        } else {
            (&statement.sql, &statement.params)
        }
    }

    /// Whether a statement needs a transaction begun first: any statement on PostgreSQL
    /// (outside an autocommit block), DML on SQLite (pysqlite's rule).
    fn begins_transaction(&self, sql: &str) -> bool {
        #[cfg(feature = "postgresql")]
        if self.on_postgresql() {
            return !self.autocommit;
        }
        opens_transaction(sql)
    }

    /// The database, when online (for reflection and `op.get_bind()` reads).
    pub fn database(&mut self) -> Option<&mut dyn Database> {
        match &mut self.target {
            Target::Online(database) => Some(&mut **database),
            Target::Offline => None,
        }
    }

    /// Executes a statement online (opening a transaction first for DML, as pysqlite does),
    /// or prints it offline followed by a blank line.
    pub fn execute(&mut self, statement: &Statement) -> Result<usize, RuntimeError> {
        let (begins, sent) = (
            self.begins_transaction(&statement.sql),
            self.sent(statement),
        );
        match &mut self.target {
            Target::Offline => {
                self.out.stdout(format!("{};\n\n", statement.offline_sql));
                Ok(1)
            }
            Target::Online(database) => {
                if begins && !database.in_transaction() {
                    database
                        .execute("BEGIN", &[])
                        .map_err(|error| RuntimeError::Database {
                            error,
                            sql: "BEGIN".to_string(),
                            params: Vec::new(),
                        })?;
                }
                self.executed.push(statement.clone());
                let (sql, params) = sent;
                database
                    .execute(sql, params)
                    .map_err(|error| RuntimeError::Database {
                        error,
                        sql: statement.sql.clone(),
                        params: vec![statement.params.clone()],
                    })
            }
        }
    }

    /// Runs a statement for its rows (`connection.execute(...)` in a revision): online the
    /// columns, rows and rowcount (pysqlite's transaction rule as in [`Self::execute`]);
    /// offline the statement is printed, as Alembic's mock connection does, and there are
    /// no rows.
    pub fn query(&mut self, statement: &Statement) -> Result<Option<QueryRows>, RuntimeError> {
        let (begins, sent) = (
            self.begins_transaction(&statement.sql),
            self.sent(statement),
        );
        let Target::Online(database) = &mut self.target else {
            self.execute(statement)?;
            return Ok(None);
        };
        let failed = |error| RuntimeError::Database {
            error,
            sql: statement.sql.clone(),
            params: vec![statement.params.clone()],
        };
        if begins && !database.in_transaction() {
            database.execute("BEGIN", &[]).map_err(failed)?;
        }
        self.executed.push(statement.clone());
        let (columns, rows) = database.query(sent.0, sent.1).map_err(failed)?;
        #[cfg(feature = "postgresql")]
        let counted = database.rowcount();
        #[cfg(not(feature = "postgresql"))]
        let counted = None;
        let rowcount = if let Some(count) = counted {
            count
        } else if columns.is_empty() {
            match database
                .query("SELECT changes()", &[])
                .map_err(failed)?
                .1
                .first()
            {
                Some(row) => match row.first() {
                    Some(SqlValue::Integer(count)) => *count,
                    _ => -1,
                },
                None => -1,
            }
        } else {
            -1
        };
        Ok(Some(QueryRows {
            columns,
            rows,
            rowcount,
        }))
    }

    /// Prints a comment line offline (`-- Running upgrade a -> b`); nothing online.
    pub fn comment(&mut self, text: &str) {
        if let Target::Offline = self.target {
            self.out.stdout(format!("-- {text}\n\n"));
        }
    }

    /// Whether one transaction spans the whole run (transactional DDL without
    /// `transaction_per_migration`).
    fn whole_run_transaction(&self) -> bool {
        self.transactional_ddl && !self.transaction_per_migration
    }

    fn begin(&mut self) -> Result<(), RuntimeError> {
        if matches!(self.target, Target::Offline) && self.transactional_ddl {
            self.out.stdout("BEGIN;\n\n".to_string());
        }
        if let Target::Online(database) = &mut self.target {
            if !database.in_transaction() {
                database
                    .execute("BEGIN", &[])
                    .map_err(|error| RuntimeError::Database {
                        error,
                        sql: "BEGIN".to_string(),
                        params: Vec::new(),
                    })?;
            }
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), RuntimeError> {
        if matches!(self.target, Target::Offline) && self.transactional_ddl {
            self.out.stdout("COMMIT;\n\n".to_string());
        }
        if let Target::Online(database) = &mut self.target {
            if database.in_transaction() {
                database
                    .execute("COMMIT", &[])
                    .map_err(|error| RuntimeError::Database {
                        error,
                        sql: "COMMIT".to_string(),
                        params: Vec::new(),
                    })?;
            }
        }
        Ok(())
    }

    /// `with op.get_context().autocommit_block():` entered (`entering`) or left. Online the open
    /// transaction is committed on entry, and with transactional DDL a new one begins on exit;
    /// offline with transactional DDL `COMMIT;` and `BEGIN;` are printed (Alembic's
    /// `MigrationContext.autocommit_block`).
    pub fn autocommit_block(&mut self, entering: bool) -> Result<(), RuntimeError> {
        #[cfg(feature = "postgresql")]
        if self.on_postgresql() {
            self.autocommit = entering;
        }
        match (&self.target, entering) {
            (Target::Offline, _) if self.transactional_ddl => {
                let text = if entering {
                    "COMMIT;\n\n"
                } else {
                    "BEGIN;\n\n"
                };
                self.out.stdout(text.to_string());
                Ok(())
            }
            (Target::Offline, _) => Ok(()),
            (Target::Online(_), true) => self.commit(),
            (Target::Online(_), false) if self.transactional_ddl => self.begin(),
            (Target::Online(_), false) => Ok(()),
        }
    }

    /// Starts a run (env.py's `with context.begin_transaction():`): with transactional DDL and
    /// no `transaction_per_migration`, a real BEGIN that lasts until [`Self::end_run`].
    pub fn begin_run(&mut self) -> Result<(), RuntimeError> {
        if self.whole_run_transaction() {
            self.begin()?;
        }
        Ok(())
    }

    /// Ends a run: commits the whole-run transaction, if any.
    pub fn end_run(&mut self) -> Result<(), RuntimeError> {
        if self.whole_run_transaction() {
            self.commit()?;
        }
        Ok(())
    }

    /// Starts a step: with transactional DDL per migration, a real BEGIN; otherwise nothing
    /// (SQLAlchemy's "BEGIN (implicit)" sends nothing to SQLite under pysqlite).
    pub fn begin_step(&mut self) -> Result<(), RuntimeError> {
        if self.transactional_ddl && self.transaction_per_migration {
            self.begin()?;
        }
        Ok(())
    }

    /// Commits the step's transaction, if one is open (not inside a whole-run transaction).
    pub fn commit_step(&mut self) -> Result<(), RuntimeError> {
        if self.whole_run_transaction() {
            return Ok(());
        }
        self.commit()
    }

    /// Rolls back whatever transaction is open after a failure; DDL that ran in autocommit
    /// mode stays, exactly as with Alembic on pysqlite.
    pub fn rollback_step(&mut self) {
        if let Target::Online(database) = &mut self.target {
            if database.in_transaction() {
                // A failed ROLLBACK leaves nothing more to undo; the original error is what the
                // user needs to see.
                let _ = database.execute("ROLLBACK", &[]);
            }
        }
    }

    /// Does the version table exist? (Offline: never consulted.)
    pub fn has_version_table(&mut self) -> Result<bool, RuntimeError> {
        let name = self.version_table.name.clone();
        let sql = if self.on_postgresql() {
            // SQLAlchemy's PostgreSQL `has_table`: a visible table of the search path
            format!(
                "SELECT pg_catalog.pg_class.relname FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace WHERE pg_catalog.pg_class.relname = '{}' AND pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog'",
                name.replace('\'', "''")
            )
        } else {
            format!("PRAGMA main.table_info(\"{name}\")")
        };
        match &mut self.target {
            Target::Offline => Ok(false),
            Target::Online(database) => {
                let (_, rows) =
                    database
                        .query(&sql, &[])
                        .map_err(|error| RuntimeError::Database {
                            error,
                            sql,
                            params: Vec::new(),
                        })?;
                Ok(!rows.is_empty())
            }
        }
    }

    /// Creates the version table when it is missing (what every env.py-running command but
    /// `current` does), or prints its DDL offline when starting from base.
    pub fn ensure_version_table(&mut self) -> Result<(), RuntimeError> {
        if self.is_offline() || !self.has_version_table()? {
            let statement = self.version_table.create_statement();
            self.execute(&statement)?;
            self.commit_step()?;
        }
        Ok(())
    }

    /// The version table's rows, in table order; empty when the table does not exist.
    pub fn current_heads(&mut self) -> Result<Vec<String>, RuntimeError> {
        if self.is_offline() || !self.has_version_table()? {
            return Ok(Vec::new());
        }
        let name = self.version_table.name.clone();
        let sql = format!("SELECT {name}.version_num \nFROM {name}");
        let Target::Online(database) = &mut self.target else {
            return Ok(Vec::new());
        };
        let (_, rows) = database
            .query(&sql, &[])
            .map_err(|error| RuntimeError::Database {
                error,
                sql,
                params: Vec::new(),
            })?;
        Ok(rows
            .into_iter()
            .filter_map(|row| match row.into_iter().next() {
                Some(SqlValue::Text(text)) => Some(text),
                Some(SqlValue::Integer(value)) => Some(value.to_string()),
                _ => None,
            })
            .collect())
    }

    /// Applies one version-table change, with Alembic's one-row check online.
    pub fn apply_version_change(&mut self, change: &VersionChange) -> Result<(), RuntimeError> {
        let statement = match change {
            VersionChange::Insert(revision) => {
                self.version_table.insert_statement(revision, self.dialect)
            }
            VersionChange::Update { from, to } => self.version_table.update_statement(from, to),
            VersionChange::Delete(revision) => self.version_table.delete_statement(revision),
        };
        let changed = self.execute(&statement)?;
        if self.is_offline() {
            return Ok(());
        }
        let table = self.version_table.name.clone();
        match change {
            VersionChange::Update { from, to } if changed != 1 => Err(RuntimeError::VersionRowCount(format!(
                "Online migration expected to match one row when updating '{from}' to '{to}' in '{table}'; {changed} found"
            ))),
            VersionChange::Delete(revision) if changed != 1 => Err(RuntimeError::VersionRowCount(format!(
                "Online migration expected to match one row when deleting '{revision}' in '{table}'; {changed} found"
            ))),
            _ => Ok(()),
        }
    }

    /// `stamp --purge`: empties the version table.
    pub fn purge_version_table(&mut self) -> Result<(), RuntimeError> {
        let statement = self.version_table.purge_statement();
        self.execute(&statement)?;
        self.commit_step()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures from SQLAlchemy 2.1.9's `util._repr_params(..., 10, ismulti=...)`.
    #[test]
    fn error_parameters_are_shown_as_sqlalchemy_shows_them() {
        let text = |value: &str| SqlValue::Text(value.to_string());
        let sets: Vec<Vec<SqlValue>> = (1..13)
            .map(|n| vec![SqlValue::Integer(n), text(if n == 2 { "o'n" } else { "x" })])
            .collect();
        assert_eq!(
            params_repr(&sets).unwrap(),
            "[(1, 'x'), (2, \"o'n\"), (3, 'x'), (4, 'x'), (5, 'x'), (6, 'x'), (7, 'x'), (8, 'x')  ... displaying 10 of 12 total bound parameter sets ...  (11, 'x'), (12, 'x')]"
        );
        assert_eq!(params_repr(&sets[..2]).unwrap(), "[(1, 'x'), (2, \"o'n\")]");
        assert_eq!(params_repr(&[vec![SqlValue::Integer(1)]]).unwrap(), "(1,)");
        assert_eq!(params_repr(&[]), None);
        assert_eq!(params_repr(&[Vec::new()]), None);
        let long = params_repr(&[vec![
            text(&"a".repeat(400)),
            SqlValue::Real(2.5),
            SqlValue::Null,
            SqlValue::Real(1e16),
        ]])
        .unwrap();
        assert_eq!(
            long,
            format!(
                "('{}', 2.5, None, 1e+16)",
                format!(
                    "{} ... (102 characters truncated) ... {}",
                    "a".repeat(149),
                    "a".repeat(149)
                )
            )
        );
        let wide: Vec<SqlValue> = (0..105).map(SqlValue::Integer).collect();
        let shown = params_repr(&[wide]).unwrap();
        assert!(shown.starts_with("(0, 1, 2,"));
        assert!(shown.contains(", 49 ... 5 parameters truncated ... 55, 56,"));
        assert!(shown.ends_with(", 104)"));
    }

    #[test]
    fn version_table_sql_matches_alembic() {
        let table = VersionTable::default();
        assert_eq!(
            table.create_statement().offline_sql,
            "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
        );
        assert_eq!(
            table.insert_statement("1975ea83b712", Dialect::Sqlite).offline_sql,
            "INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712') RETURNING version_num"
        );
        assert_eq!(
            table.update_statement("1975ea83b712", "ae1027a6acf0").offline_sql,
            "UPDATE alembic_version SET version_num='ae1027a6acf0' WHERE alembic_version.version_num = '1975ea83b712'"
        );
        assert_eq!(
            table.delete_statement("1975ea83b712").offline_sql,
            "DELETE FROM alembic_version WHERE alembic_version.version_num = '1975ea83b712'"
        );
    }

    #[test]
    fn only_dml_opens_a_transaction() {
        assert!(opens_transaction("  insert into t values (1)"));
        assert!(opens_transaction("UPDATE t SET a = 1"));
        assert!(!opens_transaction("\nCREATE TABLE t (a INTEGER)"));
        assert!(!opens_transaction("ALTER TABLE t ADD COLUMN b INTEGER"));
        assert!(!opens_transaction("SELECT 1"));
    }

    #[test]
    fn literals_render_like_sqlalchemy() {
        assert_eq!(SqlValue::Text("o'neil".into()).literal(), "'o''neil'");
        assert_eq!(SqlValue::Null.literal(), "NULL");
        assert_eq!(SqlValue::Real(2.0).literal(), "2.0");
        assert_eq!(SqlValue::Integer(-3).literal(), "-3");
    }
}
