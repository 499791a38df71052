//! The session's SQLite databases, in memory: one per `sqlalchemy.url` path, and the
//! terminal's `sql` command over them.

use crate::config::SqliteTarget;
use crate::host::{DatabaseProvider, FileSystem};
use crate::output::Output;
use crate::runtime::{Database, DbError, SqlValue};
use crate::sqlite::SqliteDatabase;

/// In-memory SQLite databases, one per `sqlalchemy.url` path; and in the PostgreSQL page,
/// the PostgreSQL that runs in it (PGlite), once it has started.
#[derive(Default)]
pub struct MemoryDatabases {
    /// by path, in the order they were first opened (a project has one or two)
    databases: Vec<(String, SqliteDatabase)>,
    #[cfg(feature = "postgresql")]
    postgresql: PostgresqlSlot,
    /// The project's PostgreSQL database as the statements that built it, while no
    /// PostgreSQL runs here to hold it: the SQLite page keeps it as it found it (switching
    /// back to PostgreSQL finds the database as it was), the PostgreSQL page until PGlite has
    /// started. Once PostgreSQL runs, its connection keeps the journal.
    postgresql_journal: Vec<String>,
}

/// What a command says where PostgreSQL was never started (a session outside the page).
#[cfg(feature = "postgresql")]
const NO_POSTGRESQL: &str =
    "PostgreSQL does not run here: open the project in the PostgreSQL playground (pg/)";

/// The page's PostgreSQL: not started, starting (what to say meanwhile), running, or failed
/// to start (why).
#[cfg(feature = "postgresql")]
#[derive(Default)]
pub enum PostgresqlSlot {
    #[default]
    Absent,
    Unavailable(String),
    Running(crate::runtime::postgres::WireDatabase<Box<dyn crate::runtime::postgres::Transport>>),
}

impl MemoryDatabases {
    fn key(target: &SqliteTarget, cwd: &str) -> String {
        match target {
            SqliteTarget::Memory => ":memory:".to_string(),
            SqliteTarget::File(path) => crate::host::join(cwd, path),
        }
    }

    /// The database at `path` (created empty when first asked for). Every database of the
    /// page is contained (`SqliteDatabase::contain`): its contents may come from a link or an
    /// imported file, and a statement that never ends must not hold the page.
    pub fn get(&mut self, path: &str) -> Result<&mut SqliteDatabase, DbError> {
        let at = match self.databases.iter().position(|(key, _)| key == path) {
            Some(at) => at,
            None => {
                let mut database = SqliteDatabase::open_in_memory()?;
                database.contain()?;
                self.databases.push((path.to_string(), database));
                self.databases.len() - 1
            }
        };
        Ok(&mut self.databases[at].1)
    }

    /// Puts `database` at `path`, replacing what was there (an imported file, contained by
    /// `SqliteDatabase::from_file_bytes`).
    pub fn insert(&mut self, path: &str, database: SqliteDatabase) {
        self.databases.retain(|(key, _)| key != path);
        self.databases.push((path.to_string(), database));
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.databases.iter().map(|(path, _)| path)
    }

    /// Takes `other`'s databases in place of these (undo, an import): its SQLite databases,
    /// and its PostgreSQL database, which the page's PostgreSQL connection is rebuilt into
    /// (the connection stays).
    pub fn replace(&mut self, other: MemoryDatabases) {
        self.databases = other.databases;
        self.set_postgresql_journal(other.postgresql_journal);
    }

    /// The statements that built the project's PostgreSQL database (empty: none, or a fresh
    /// one).
    pub fn postgresql_journal(&self) -> Vec<String> {
        #[cfg(feature = "postgresql")]
        if let PostgresqlSlot::Running(database) = &self.postgresql {
            return database.journal().to_vec();
        }
        self.postgresql_journal.clone()
    }

    /// Makes the project's PostgreSQL database the one `journal` builds: the running
    /// PostgreSQL is rebuilt now (when it differs, or is new to journals: then it is a fresh
    /// database, with nothing to reset), else it is built when PostgreSQL starts.
    pub fn set_postgresql_journal(&mut self, journal: Vec<String>) {
        #[cfg(feature = "postgresql")]
        if let PostgresqlSlot::Running(database) = &mut self.postgresql {
            let fresh = !database.keeps_journal();
            if fresh || database.journal() != journal.as_slice() {
                if let Err(error) = database.rebuild(&journal, fresh) {
                    self.postgresql = PostgresqlSlot::Unavailable(error.to_string());
                    self.postgresql_journal = journal;
                }
            }
            return;
        }
        self.postgresql_journal = journal;
    }

    /// Hands the page's PostgreSQL over (to the session that replaces this one), its journal
    /// with it.
    #[cfg(feature = "postgresql")]
    pub fn take_postgresql(&mut self) -> PostgresqlSlot {
        std::mem::take(&mut self.postgresql)
    }

    /// Gives the page's PostgreSQL a connection (PGlite's, once it has started; then it is
    /// rebuilt into this session's PostgreSQL database), or the reason there is none.
    #[cfg(feature = "postgresql")]
    pub fn set_postgresql(&mut self, slot: PostgresqlSlot) {
        let journal = std::mem::take(&mut self.postgresql_journal);
        self.postgresql = slot;
        self.set_postgresql_journal(journal);
    }

    /// The page's PostgreSQL connection, or why there is none.
    #[cfg(feature = "postgresql")]
    pub fn postgresql(&mut self) -> Result<&mut dyn Database, String> {
        match &mut self.postgresql {
            PostgresqlSlot::Running(database) => Ok(database),
            PostgresqlSlot::Unavailable(why) => Err(why.clone()),
            PostgresqlSlot::Absent => Err(NO_POSTGRESQL.to_string()),
        }
    }
}

impl DatabaseProvider for MemoryDatabases {
    fn connect(&mut self, target: &SqliteTarget, cwd: &str) -> Result<&mut dyn Database, String> {
        let key = Self::key(target, cwd);
        // `sqlite://` is a fresh database for every connection in SQLAlchemy; here the command
        // keeps one for its duration and the next command starts over.
        if key == ":memory:" {
            self.databases.retain(|(path, _)| *path != key);
        }
        self.get(&key)
            .map(|database| database as &mut dyn Database)
            .map_err(|error| error.to_string())
    }

    /// Every PostgreSQL URL reaches the one PostgreSQL of the page (PGlite has one database);
    /// errors are worded for the URL's driver.
    #[cfg(feature = "postgresql")]
    fn connect_postgresql(
        &mut self,
        url: &crate::host::PostgresUrl,
    ) -> Result<&mut dyn Database, String> {
        match &mut self.postgresql {
            PostgresqlSlot::Running(database) => {
                database.set_driver(crate::runtime::postgres::driver_module(&url.driver));
                Ok(database)
            }
            PostgresqlSlot::Unavailable(why) => Err(why.clone()),
            PostgresqlSlot::Absent => Err(NO_POSTGRESQL.to_string()),
        }
    }
}

/// A plain-text result grid: header, separator, rows.
pub fn format_table(columns: &[String], rows: &[Vec<SqlValue>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(SqlValue::display).collect())
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|name| name.chars().count()).collect();
    for row in &cells {
        for (index, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(index) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let render = |values: &[String]| -> String {
        let padded: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                // Padded by hand: `format!("{:<width$}")` panics for widths above 65,535
                // (a long text value would kill the page).
                let width = widths.get(index).copied().unwrap_or(0);
                let pad = width.saturating_sub(value.chars().count());
                format!("{value}{}", " ".repeat(pad))
            })
            .collect();
        padded.join(" | ").trim_end().to_string()
    };
    let mut text = render(columns);
    text.push('\n');
    let separator: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
    text.push_str(&separator.join("-+-"));
    text.push('\n');
    for row in &cells {
        text.push_str(&render(row));
        text.push('\n');
    }
    text.push_str(&format!(
        "({} row{})\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    text
}

/// The rows of `version_table` in `database`, or None when it has no such table.
pub fn version_table_rows(
    database: &mut SqliteDatabase,
    version_table: &str,
) -> Option<Vec<String>> {
    let (_, exists) = database
        .query(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            &[SqlValue::Text(version_table.to_string())],
        )
        .ok()?;
    if exists.is_empty() {
        return None;
    }
    let quoted = format!("\"{}\"", version_table.replace('"', "\"\""));
    let (_, found) = database
        .query(&format!("SELECT version_num FROM {quoted}"), &[])
        .ok()?;
    Some(
        found
            .iter()
            .filter_map(|row| row.first().map(SqlValue::display))
            .collect(),
    )
}

/// The terminal's `sql <statement>`: runs it against the project's database, which
/// `database` opens (or says why there is none) and formats the result as a table.
pub fn run_sql<'d, E: std::fmt::Display>(
    database: impl FnOnce() -> Result<&'d mut SqliteDatabase, E>,
    statement: &str,
) -> Output {
    let mut output = Output::default();
    if statement.is_empty() {
        output.stderr("usage: sql <statement>   e.g. sql SELECT * FROM alembic_version\n");
        output.exit_code = 2;
        return output;
    }
    let database = match database() {
        Ok(database) => database,
        Err(error) => {
            output.stderr(format!("sql: {error}\n"));
            output.exit_code = 1;
            return output;
        }
    };
    match database.query(statement, &[]) {
        Ok((columns, rows)) => {
            if columns.is_empty() {
                output.stdout(format!(
                    "OK ({} row(s) changed)\n",
                    database.connection.changes()
                ));
            } else {
                output.stdout(format_table(&columns, &rows));
            }
        }
        Err(error) => {
            output.stderr(format!("sql: {error}\n"));
            output.exit_code = 1;
        }
    }
    output
}

/// The terminal's `sql` command on the page's PostgreSQL (PGlite): a table of the rows, or
/// how many rows a statement changed; `None` when PostgreSQL does not run in the page.
#[cfg(feature = "postgresql")]
pub fn run_sql_postgresql(database: Result<&mut dyn Database, String>, statement: &str) -> Output {
    let mut output = Output::default();
    if statement.is_empty() {
        output.stderr("usage: sql <statement>   e.g. sql SELECT * FROM alembic_version\n");
        output.exit_code = 2;
        return output;
    }
    let database = match database {
        Ok(database) => database,
        Err(why) => {
            output.stderr(format!("sql: {why}\n"));
            output.exit_code = 1;
            return output;
        }
    };
    match database.query(statement, &[]) {
        Ok((columns, _)) if columns.is_empty() => output.stdout(format!(
            "OK ({} row(s) changed)\n",
            database.rowcount().unwrap_or(0).max(0)
        )),
        Ok((columns, rows)) => output.stdout(format_table(&columns, &rows)),
        Err(error) => {
            output.stderr(format!("sql: {error}\n"));
            output.exit_code = 1;
        }
    }
    output
}

/// The rows of `version_table` in the page's PostgreSQL, or None when it has no such table
/// (in the schemas of its search path).
#[cfg(feature = "postgresql")]
pub fn version_table_rows_postgresql(
    database: &mut dyn Database,
    version_table: &str,
) -> Option<Vec<String>> {
    let literal = version_table.replace('\'', "''");
    let (_, exists) = database
        .query(
            &format!("SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = '{literal}' AND schemaname = ANY (current_schemas(false))"),
            &[],
        )
        .ok()?;
    if exists.is_empty() {
        return None;
    }
    let identifier = version_table.replace('"', "\"\"");
    let (_, rows) = database
        .query(&format!("SELECT version_num FROM \"{identifier}\""), &[])
        .ok()?;
    Some(
        rows.iter()
            .filter_map(|row| row.first().map(SqlValue::display))
            .collect(),
    )
}

/// The project's `sqlalchemy.url` (in the project at `cwd`), as the commands read it.
#[inline(never)]
pub fn sqlalchemy_url(files: &dyn FileSystem, cwd: &str) -> Option<String> {
    let config = crate::config::Config::load(files, cwd, &[], None, None, &[]).ok()?;
    config.sqlalchemy_url().ok()?
}

/// Whether the project's `sqlalchemy.url` (in the project at `cwd`) names PostgreSQL.
#[cfg(feature = "postgresql")]
pub fn names_postgresql(files: &dyn FileSystem, cwd: &str) -> bool {
    let url = sqlalchemy_url(files, cwd);
    matches!(
        url.map(|url| crate::config::parse_url(&url)),
        Some(Ok(crate::config::DatabaseUrl::Postgresql(_)))
    )
}

/// The path of the project's main database (from `sqlalchemy.url` in the project at `cwd`),
/// if it is a SQLite file.
pub fn database_path(files: &dyn FileSystem, cwd: &str) -> Option<String> {
    let url = sqlalchemy_url(files, cwd)?;
    match crate::config::parse_sqlite_url(&url).ok()? {
        SqliteTarget::File(path) => Some(crate::host::join(cwd, &path)),
        SqliteTarget::Memory => None,
    }
}
