//! The command-line shell: maps the real disk, the real clock, a random source and SQLite
//! files onto [`Host`], runs one command and prints its output.
//!
//! Contains no migration logic: everything it does is glue.

use std::collections::HashMap;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::commands;
use crate::config::SqliteTarget;
use crate::host::CreateDate;
use crate::host::{Clock, DatabaseProvider, Host, IdSource};
use crate::host::{FileSystem, FsError};
use crate::output::Channel;
use crate::runtime::Database;
use crate::sqlite::SqliteDatabase;

/// The real file system.
pub struct DiskFs;

fn fs_error(path: &str, error: std::io::Error) -> FsError {
    FsError {
        path: path.to_string(),
        message: error.to_string(),
    }
}

impl FileSystem for DiskFs {
    fn read_to_string(&self, path: &str) -> Result<String, FsError> {
        std::fs::read_to_string(path).map_err(|error| fs_error(path, error))
    }

    fn write(&mut self, path: &str, contents: &str) -> Result<(), FsError> {
        std::fs::write(path, contents).map_err(|error| fs_error(path, error))
    }

    fn is_file(&self, path: &str) -> bool {
        std::path::Path::new(path).is_file()
    }

    fn is_dir(&self, path: &str) -> bool {
        std::path::Path::new(path).is_dir()
    }

    fn create_dir_all(&mut self, path: &str) -> Result<(), FsError> {
        std::fs::create_dir_all(path).map_err(|error| fs_error(path, error))
    }

    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .map_err(|error| fs_error(path, error))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        crate::sort::sort(&mut names);
        Ok(names)
    }

    fn remove_file(&mut self, path: &str) -> Result<(), FsError> {
        std::fs::remove_file(path).map_err(|error| fs_error(path, error))
    }
}

/// SQLite database files, opened on first use and kept open for the command.
#[derive(Default)]
pub struct DiskDatabases {
    open: HashMap<String, SqliteDatabase>,
    /// the command's PostgreSQL connection, once made
    #[cfg(feature = "postgresql")]
    postgres: Option<super::postgres::PostgresDatabase>,
}

impl DatabaseProvider for DiskDatabases {
    fn connect(&mut self, target: &SqliteTarget, cwd: &str) -> Result<&mut dyn Database, String> {
        let key = match target {
            SqliteTarget::Memory => ":memory:".to_string(),
            SqliteTarget::File(path) => crate::host::join(cwd, path),
        };
        if !self.open.contains_key(&key) {
            let database = match target {
                SqliteTarget::Memory => SqliteDatabase::open_in_memory(),
                SqliteTarget::File(_) => SqliteDatabase::open(&key),
            }
            .map_err(|error| {
                format!(
                    "(sqlite3.OperationalError) unable to open database file: {}",
                    error.message
                )
            })?;
            self.open.insert(key.clone(), database);
        }
        match self.open.get_mut(&key) {
            Some(database) => Ok(database),
            None => Err("unable to open database file".to_string()),
        }
    }

    #[cfg(feature = "postgresql")]
    fn connect_postgresql(
        &mut self,
        url: &crate::host::PostgresUrl,
    ) -> Result<&mut dyn Database, String> {
        if self.postgres.is_none() {
            self.postgres = Some(super::postgres::connect(url)?);
        }
        match self.postgres.as_mut() {
            Some(database) => Ok(database),
            None => Err("no PostgreSQL connection".to_string()),
        }
    }
}

/// The system clock, in local time as Python's `datetime.now()` gives it. Without a time-zone
/// database we honour `TZ=UTC` style offsets only; these machines run in UTC.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> CreateDate {
        let micros = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|duration| duration.as_micros() as i64)
            .unwrap_or(0);
        CreateDate::from_unix_micros(micros)
    }
}

/// Random revision ids: the last 12 hex digits of 16 random bytes (like `uuid4().hex[-12:]`).
pub struct RandomIds;

impl IdSource for RandomIds {
    fn new_revision_id(&mut self) -> String {
        let mut bytes = [0u8; 8];
        let from_os = std::fs::File::open("/dev/urandom")
            .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut bytes))
            .is_ok();
        if !from_os {
            // Fall back to the hasher's per-process random keys mixed with the time.
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|duration| duration.as_nanos())
                    .unwrap_or(0),
            );
            bytes = hasher.finish().to_le_bytes();
        }
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        hex[hex.len() - 12..].to_string()
    }
}

/// `alembic edit`: `$EDITOR`, `$VISUAL`, then the usual editors, as Alembic tries them.
fn open_in_editor(path: &str) -> Result<(), String> {
    let mut candidates: Vec<String> = ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .filter(|value| !value.trim().is_empty())
        .collect();
    candidates.extend(["sensible-editor", "editor", "nano", "vim", "code"].map(str::to_string));
    for candidate in candidates {
        let mut words = candidate.split_whitespace();
        let Some(program) = words.next() else {
            continue;
        };
        match std::process::Command::new(program)
            .args(words)
            .arg(path)
            .status()
        {
            Ok(status) if status.success() => return Ok(()),
            Ok(status) => {
                return Err(format!(
                    "Command '['{program}', '{path}']' returned non-zero exit status {}.",
                    status.code().unwrap_or(1)
                ))
            }
            Err(_) => continue,
        }
    }
    Err(
        "No suitable editor found. Please set the \"EDITOR\" or \"VISUAL\" environment variables"
            .to_string(),
    )
}

/// Runs the CLI with the process's arguments and returns the exit status.
pub fn main_with_args(argv: Vec<String>) -> i32 {
    let cwd = std::env::current_dir()
        .map(|path| path.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "/".to_string());
    let mut files = DiskFs;
    let mut databases = DiskDatabases::default();
    let clock = SystemClock;
    let mut ids = RandomIds;
    let mut editor = open_in_editor;
    let mut host = Host {
        files: &mut files,
        databases: &mut databases,
        clock: &clock,
        ids: &mut ids,
        cwd,
        alembic_config: std::env::var("ALEMBIC_CONFIG").ok(),
        editor: Some(&mut editor),
    };
    let output = commands::run(&argv, &mut host);
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    for (channel, text) in &output.pieces {
        // Write errors (a closed pipe) are not worth a panic.
        let _ = match channel {
            Channel::Stdout => stdout
                .lock()
                .write_all(text.as_bytes())
                .and_then(|_| stdout.lock().flush()),
            Channel::Stderr => stderr
                .lock()
                .write_all(text.as_bytes())
                .and_then(|_| stderr.lock().flush()),
        };
    }
    output.exit_code
}
