//! Why something the learner asked of the session could not be done.

use std::fmt;

use crate::config::ConfigError;
use crate::host::FsError;
use crate::playground::project::{ProjectError, MAX_DATABASES};
use crate::playground::views::schema::SchemaError;
use crate::runtime::DbError;

/// Why a session operation failed; its text is what the page shows.
#[derive(Debug, PartialEq)]
pub enum SessionError {
    /// A path or file of the project.
    Project(ProjectError),
    /// alembic.ini cannot be read as the commands read it.
    Config(ConfigError),
    /// An imported project whose alembic.ini the commands could not use.
    UnusableConfig(ConfigError),
    /// `sqlalchemy.url` names no SQLite file (`replace`: for an imported database file).
    NoDatabase { replace: bool },
    /// alembic.ini names no version directory to put revision files in.
    NoVersionDirectory,
    /// A version directory alembic.ini names does not exist.
    NoDirectory(String),
    /// SQLite failed.
    Database(DbError),
    /// The live schema could not be read.
    Schema(SchemaError),
    /// A database file that SQLite will not open (`name` says which).
    DatabaseFile { name: String, message: String },
    /// A snapshot with more databases than the playground opens.
    TooManyDatabases(usize),
    /// A database in a snapshot that could not be rebuilt.
    Restore { path: String, error: DbError },
    /// The revision files cannot be loaded into a revision graph (as a command would say).
    Revisions(String),
    /// Replaying the migrations into a scratch database failed.
    Replay { target: String, last_line: String },
    /// Undo with no undo point.
    NothingToUndo,
    /// The database switch could not rewrite alembic.ini.
    #[cfg(feature = "postgresql")]
    Switch(crate::playground::dialect::SwitchError),
}

impl fmt::Display for SessionError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Project(error) => std::fmt::Display::fmt(error, formatter),
            #[cfg(feature = "postgresql")]
            SessionError::Switch(error) => std::fmt::Display::fmt(error, formatter),
            SessionError::Config(error) => formatter.write_str(&error.0),
            SessionError::UnusableConfig(error) => write!(
                formatter,
                "the project's alembic.ini cannot be used: {}",
                error.0
            ),
            SessionError::NoDatabase { replace: false } => formatter
                .write_str("sqlalchemy.url in alembic.ini does not name a SQLite file database"),
            SessionError::NoDatabase { replace: true } => formatter
                .write_str("sqlalchemy.url in alembic.ini does not name a SQLite file to replace"),
            SessionError::NoVersionDirectory => {
                formatter.write_str("alembic.ini names no version directory")
            }
            SessionError::NoDirectory(location) => {
                write!(formatter, "{location}: no such directory")
            }
            SessionError::Database(error) => std::fmt::Display::fmt(error, formatter),
            SessionError::Schema(error) => std::fmt::Display::fmt(error, formatter),
            SessionError::DatabaseFile { name, message } => write!(formatter, "{name}: {message}"),
            SessionError::TooManyDatabases(count) => write!(
                formatter,
                "it holds {count} databases; the playground opens at most {MAX_DATABASES}"
            ),
            SessionError::Restore { path, error } => {
                write!(formatter, "could not restore database {path}: {error}")
            }
            SessionError::Revisions(message) => formatter.write_str(message),
            SessionError::Replay { target, last_line } => write!(
                formatter,
                "upgrading an empty database to {target} fails: {last_line}"
            ),
            SessionError::NothingToUndo => formatter.write_str("there is no command to undo"),
        }
    }
}

impl From<ProjectError> for SessionError {
    fn from(error: ProjectError) -> Self {
        SessionError::Project(error)
    }
}

impl From<FsError> for SessionError {
    fn from(error: FsError) -> Self {
        SessionError::Project(ProjectError::Files(error))
    }
}

impl From<ConfigError> for SessionError {
    fn from(error: ConfigError) -> Self {
        SessionError::Config(error)
    }
}

impl From<DbError> for SessionError {
    fn from(error: DbError) -> Self {
        SessionError::Database(error)
    }
}

impl From<SchemaError> for SessionError {
    fn from(error: SchemaError) -> Self {
        SessionError::Schema(error)
    }
}
