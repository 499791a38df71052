//! What a playground project is, as data: where it lives, what its terminal shows, and a
//! snapshot of a whole session (files, databases, transcript) for saves, links and undo.
//!
//! A leaf: the session, the transfers and the page all use these types, and this module
//! uses none of them.

use crate::host::{FileSystem, MemoryFs};
use crate::output::{Channel, Output};

/// Where the project lives in the page's file tree.
pub const PROJECT_DIR: &str = "/project";

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

/// A path the learner typed (relative to the project, or absolute inside it) as an absolute
/// path inside the project, or why it cannot be one.
pub fn project_path(typed: &str) -> Result<String, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("a file needs a name".to_string());
    }
    if typed.ends_with('/') {
        return Err(format!("{typed}: not a file name"));
    }
    check_path_characters(typed)?;
    let path = crate::host::join(PROJECT_DIR, typed.strip_prefix("./").unwrap_or(typed));
    if !path.starts_with(&format!("{PROJECT_DIR}/")) {
        return Err(format!("{typed}: files must stay inside the project"));
    }
    Ok(path)
}

/// Refuses a path with a backslash (a Windows separator that a zip writer would keep in the
/// name), a NUL or any other control character.
pub fn check_path_characters(path: &str) -> Result<(), String> {
    match path.chars().find(|c| *c == '\\' || c.is_control()) {
        Some(bad) => Err(format!(
            "the path {}, which contains {} (not accepted in a file name)",
            crate::ops::sqltext::py_repr_str(&path),
            crate::ops::sqltext::py_repr_str(&bad.to_string())
        )),
        None => Ok(()),
    }
}

/// The project tree for these files (paths relative to the project directory; a path ending
/// in `/` is an empty directory), refusing any path that would leave the project.
pub fn tree(files: &[(String, String)]) -> Result<MemoryFs, String> {
    let mut tree = MemoryFs::new();
    tree.create_dir_all(PROJECT_DIR)
        .map_err(|error| error.to_string())?;
    for (path, contents) in files {
        let absolute = crate::host::join(PROJECT_DIR, path);
        if !absolute.starts_with(&format!("{PROJECT_DIR}/")) {
            return Err(format!("{path}: files must stay inside the project"));
        }
        if path.ends_with('/') {
            tree.create_dir_all(&absolute)
                .map_err(|error| error.to_string())?;
        } else {
            tree.write(&absolute, contents)
                .map_err(|error| error.to_string())?;
        }
    }
    Ok(tree)
}
