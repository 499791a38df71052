//! What a playground project is, as data: where it lives, what its terminal shows, and a
//! snapshot of a whole session (files, databases, transcript) for saves, links and undo.
//!
//! A leaf: the session, the transfers and the page all use these types, and this module
//! uses none of them.

use std::fmt;

use crate::host::{FileSystem, FsError, MemoryFs};
use crate::ops::sqltext::py_repr_str;
use crate::output::{Channel, Output};

/// Where the project lives in the page's file tree.
pub const PROJECT_DIR: &str = "/project";

/// The name a snapshot gives the project's PostgreSQL database among its databases; its image
/// is the statements that built it (`MemoryDatabases::postgresql_journal`).
pub const POSTGRESQL_IMAGE: &str = "postgresql://";

/// One entry of the terminal transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriptEntry {
    /// What the user typed.
    Command(String),
    /// What came back, in order.
    Output { channel: Channel, text: String },
    /// The playground's own notes (help text, explanations), never Alembic's output.
    Note(String),
    /// Why a command failed or what it did, in plain words (the explainers under errors).
    Explanation(String),
}

impl TranscriptEntry {
    /// The entry's text, whatever its kind.
    pub fn text(&self) -> &str {
        match self {
            TranscriptEntry::Command(text)
            | TranscriptEntry::Output { text, .. }
            | TranscriptEntry::Note(text)
            | TranscriptEntry::Explanation(text) => text,
        }
    }
}

/// What running one terminal line produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineResult {
    pub output: Output,
    /// The terminal should be cleared.
    pub clear: bool,
}

/// A database in a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub enum DatabaseImage {
    /// SQLite's own file bytes: an exact copy (saves and undo points), whatever the schema
    /// holds (generated columns, infinite REALs, views, triggers).
    File(Vec<u8>),
    /// SQL statements that rebuild it (share links: much shorter, and run under the page's
    /// step budget when opened).
    Statements(Vec<String>),
}

/// Most databases a snapshot may hold (a project has one or two; a link with more is refused
/// rather than opening a connection for each).
pub const MAX_DATABASES: usize = 16;

/// The terminal keeps at most this many entries and this much text (bytes); older entries
/// go first, so a long session neither fills the browser's storage nor slows every save.
pub const MAX_TRANSCRIPT_ENTRIES: usize = 2_000;
pub const MAX_TRANSCRIPT_BYTES: usize = 1 << 20;

/// A saved session: everything needed to restore it exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSnapshot {
    pub files: Vec<(String, String)>,
    pub dirs: Vec<String>,
    pub databases: Vec<(String, DatabaseImage)>,
    pub history: Vec<String>,
    pub transcript: Vec<TranscriptEntry>,
    /// The source of each applied revision as it was when applied (for the lint rule).
    pub applied_sources: Vec<(String, String)>,
    /// The lesson being followed and which of its steps are done.
    pub lesson: Option<(String, Vec<bool>)>,
}

/// Why a path or a file cannot be part of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectError {
    /// An empty name.
    NoName,
    /// A name that ends in `/`.
    NotAFileName(String),
    /// A backslash (a Windows separator a zip writer would keep in the name), a NUL or
    /// another control character.
    Character { path: String, character: char },
    /// A path that leaves the project (`..`, or absolute elsewhere).
    Outside(String),
    /// A name already taken by a file or a folder.
    Exists(String),
    /// No file at this path.
    Missing(String),
    /// The file tree refused (a file where a folder should be...).
    Files(FsError),
}

impl fmt::Display for ProjectError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::NoName => formatter.write_str("a file needs a name"),
            ProjectError::NotAFileName(typed) => write!(formatter, "{typed}: not a file name"),
            ProjectError::Character { path, character } => write!(
                formatter,
                "the path {}, which contains {} (not accepted in a file name)",
                py_repr_str(path),
                py_repr_str(&character.to_string())
            ),
            ProjectError::Outside(path) => {
                write!(formatter, "{path}: files must stay inside the project")
            }
            ProjectError::Exists(typed) => write!(formatter, "{typed}: already exists"),
            ProjectError::Missing(path) => write!(formatter, "{path}: no such file"),
            ProjectError::Files(error) => std::fmt::Display::fmt(error, formatter),
        }
    }
}

impl From<FsError> for ProjectError {
    fn from(error: FsError) -> Self {
        ProjectError::Files(error)
    }
}

/// A path the learner typed (relative to the project, or absolute inside it) as an absolute
/// path inside the project, or why it cannot be one.
pub fn project_path(typed: &str) -> Result<String, ProjectError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(ProjectError::NoName);
    }
    if typed.ends_with('/') {
        return Err(ProjectError::NotAFileName(typed.to_string()));
    }
    check_path_characters(typed)?;
    let path = crate::host::join(PROJECT_DIR, typed.strip_prefix("./").unwrap_or(typed));
    if !path.starts_with(&format!("{PROJECT_DIR}/")) {
        return Err(ProjectError::Outside(typed.to_string()));
    }
    Ok(path)
}

/// Refuses a path with a backslash, a NUL or any other control character.
pub fn check_path_characters(path: &str) -> Result<(), ProjectError> {
    match path.chars().find(|c| *c == '\\' || c.is_control()) {
        Some(character) => Err(ProjectError::Character {
            path: path.to_string(),
            character,
        }),
        None => Ok(()),
    }
}

/// The project tree for these files (paths relative to the project directory; a path ending
/// in `/` is an empty directory), refusing any path that would leave the project.
pub fn tree(files: &[(String, String)]) -> Result<MemoryFs, ProjectError> {
    let mut tree = MemoryFs::new();
    tree.create_dir_all(PROJECT_DIR)?;
    for (path, contents) in files {
        let absolute = crate::host::join(PROJECT_DIR, path);
        if !absolute.starts_with(&format!("{PROJECT_DIR}/")) {
            return Err(ProjectError::Outside(path.to_string()));
        }
        if path.ends_with('/') {
            tree.create_dir_all(&absolute)?;
        } else {
            tree.write(&absolute, contents)?;
        }
    }
    Ok(tree)
}
