//! Import: what the learner drops or picks (a zip of an Alembic project, a folder, loose
//! revision files, a SQLite database file) turned into changes to the session.
//!
//! Owns: telling the kinds of upload apart, a small zip reader (stored and deflated entries,
//! CRC-checked, size-capped) and the checks that keep a bad upload from half-changing the
//! project. Does not: touch the browser (the page reads the files and asks before replacing).

use super::share;
use super::zip::{unzip, EMPTY_ZIP_MAGIC, MAX_FILES, MAX_TOTAL_BYTES, ZIP_MAGIC};
use crate::playground::project::{self, ProjectError, PROJECT_DIR};

/// One file the learner gave: its name (with the folder path when a folder was picked) and
/// its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an upload turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Import {
    /// A whole project (it has an `alembic.ini`): replaces the files, and the database when
    /// the project carries one. Paths are relative to the project directory.
    Project {
        files: Vec<(String, String)>,
        database: Option<(String, Vec<u8>)>,
    },
    /// Revision files to add to the project's first version directory (file name, source).
    Revisions(Vec<(String, String)>),
    /// A SQLite database file to use as the project's database.
    Database(Vec<u8>),
    /// A saved share link (the file the Share button offers when a link is too long to
    /// paste): replaces the whole playground, as opening the link would.
    Shared(Box<crate::playground::transfer::share::SharedState>),
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Text files a project carries; anything else in a zip or folder is skipped.
fn is_project_text(path: &str) -> bool {
    let name = crate::host::file_name(path);
    name.ends_with(".py")
        || name.ends_with(".ini")
        || name.ends_with(".mako")
        || name.ends_with(".toml")
        || name.ends_with(".cfg")
        || name == "README"
        || name.ends_with(".md")
        || name.ends_with(".txt")
}

/// The `1.<data>` part of a saved share link (the whole link, or only its code).
fn shared_link_code(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let code = match text.split_once("#s=") {
        Some((_, code)) => code,
        None => text,
    };
    let is_code = code.starts_with("1.")
        && code[2..]
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    (is_code && code.len() > 2).then_some(code)
}

fn is_database(bytes: &[u8]) -> bool {
    bytes.starts_with(SQLITE_MAGIC)
}

/// Skips what tools leave beside a project: caches, virtualenvs, hidden folders.
fn is_noise(path: &str) -> bool {
    path.split('/').any(|part| {
        part == "__pycache__"
            || part == "__MACOSX"
            || part == "node_modules"
            || part == ".venv"
            || part == "venv"
            || (part.starts_with('.') && part != "." && part != "..")
    })
}

/// What was wrong with an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportErrorKind {
    Nothing,
    /// Over [`MAX_TOTAL_BYTES`] in all.
    TooLarge,
    /// Over [`MAX_FILES`] files.
    TooManyFiles,
    /// A zip that cannot be read.
    Zip,
    /// A saved session or link that cannot be opened.
    Shared,
    /// A `.zip` name on something else.
    NotAZip,
    /// A database file among revision files.
    DatabaseAmongRevisions,
    /// A file that is not a `.py` among revision files.
    NotARevision,
    /// Neither an alembic.ini nor a revision file.
    Empty,
    /// A path leaving the project, or one the project refuses.
    Path,
    /// A text file that is not UTF-8.
    NotText,
}

/// Why an upload cannot be imported: the kind, and the text the learner reads (naming the
/// file where there is one), made where the problem is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub kind: ImportErrorKind,
    message: String,
}

impl ImportError {
    fn new(kind: ImportErrorKind, message: impl Into<String>) -> Self {
        ImportError {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl From<ProjectError> for ImportError {
    fn from(error: ProjectError) -> Self {
        ImportError::new(ImportErrorKind::Path, error.to_string())
    }
}

/// Works out what the uploads are. Never changes anything; errors say which file and why.
pub fn classify(uploads: Vec<Upload>) -> Result<Import, ImportError> {
    if uploads.is_empty() {
        return Err(ImportError::new(
            ImportErrorKind::Nothing,
            "nothing to import",
        ));
    }
    let total: usize = uploads.iter().map(|upload| upload.bytes.len()).sum();
    if total > MAX_TOTAL_BYTES {
        let message = format!(
            "the upload is {} MB; the playground takes at most {} MB",
            total / (1024 * 1024),
            MAX_TOTAL_BYTES / (1024 * 1024)
        );
        return Err(ImportError::new(ImportErrorKind::TooLarge, message));
    }
    if uploads.len() > MAX_FILES {
        let message = format!(
            "the upload has {} files; the playground takes at most {MAX_FILES}",
            uploads.len()
        );
        return Err(ImportError::new(ImportErrorKind::TooManyFiles, message));
    }
    if let [upload] = uploads.as_slice() {
        if upload.bytes.starts_with(ZIP_MAGIC) || upload.bytes.starts_with(EMPTY_ZIP_MAGIC) {
            let entries = unzip(&upload.bytes).map_err(|error| {
                ImportError::new(ImportErrorKind::Zip, format!("{}: {error}", upload.name))
            })?;
            return classify_tree(entries, &upload.name);
        }
        if is_database(&upload.bytes) {
            return Ok(Import::Database(upload.bytes.clone()));
        }
        // A saved session kept aside by the page ("Download kept work").
        let opened = if upload.bytes.starts_with(b"APGS") {
            Some(share::decode_save(&upload.bytes))
        } else {
            shared_link_code(&upload.bytes).map(share::decode)
        };
        if let Some(opened) = opened {
            return opened
                .map(|state| Import::Shared(Box::new(state)))
                .map_err(|error| {
                    ImportError::new(ImportErrorKind::Shared, format!("{}: {error}", upload.name))
                });
        }
        if upload.name.to_ascii_lowercase().ends_with(".zip") {
            let message = format!("{}: not a zip file", upload.name);
            return Err(ImportError::new(ImportErrorKind::NotAZip, message));
        }
    }
    let entries = uploads
        .into_iter()
        .map(|upload| (upload.name.replace('\\', "/"), upload.bytes))
        .collect();
    classify_tree(entries, "the upload")
}

/// A set of files with paths: a project when one of them is `alembic.ini`, else revision
/// files (and nothing else).
fn classify_tree(entries: Vec<(String, Vec<u8>)>, origin: &str) -> Result<Import, ImportError> {
    let entries: Vec<(String, Vec<u8>)> = entries
        .into_iter()
        .filter(|(path, _)| !path.ends_with('/') && !is_noise(path))
        .collect();
    // The shallowest alembic.ini names the project's folder.
    let root = entries
        .iter()
        .filter(|(path, _)| crate::host::file_name(path) == "alembic.ini")
        .map(|(path, _)| path[..path.len() - "alembic.ini".len()].to_string())
        .min_by_key(|prefix| prefix.matches('/').count());
    let Some(root) = root else {
        let mut revisions = Vec::new();
        for (path, bytes) in entries {
            let name = crate::host::file_name(&path).to_string();
            project::check_path_characters(&name)?;
            if !name.ends_with(".py") {
                if is_database(&bytes) {
                    let message = format!("{path}: import a database file on its own");
                    return Err(ImportError::new(
                        ImportErrorKind::DatabaseAmongRevisions,
                        message,
                    ));
                }
                let message = format!(
                    "{path}: not a revision file (.py); a whole project needs its alembic.ini"
                );
                return Err(ImportError::new(ImportErrorKind::NotARevision, message));
            }
            let source = text(&path, bytes)?;
            revisions.push((name, source));
        }
        if revisions.is_empty() {
            let message = format!("{origin} has no alembic.ini and no revision files");
            return Err(ImportError::new(ImportErrorKind::Empty, message));
        }
        return Ok(Import::Revisions(revisions));
    };
    let mut files = Vec::new();
    let mut databases = Vec::new();
    for (path, bytes) in entries {
        let Some(relative) = path.strip_prefix(&root) else {
            continue;
        };
        let relative = relative.to_string();
        if relative.split('/').any(|part| part == "..") {
            let message = format!("{path}: paths must stay inside the project");
            return Err(ImportError::new(ImportErrorKind::Path, message));
        }
        project::check_path_characters(&relative)?;
        if is_database(&bytes) {
            databases.push((relative, bytes));
        } else if is_project_text(&relative) {
            files.push((relative.clone(), text(&path, bytes)?));
        }
    }
    let database = pick_database(&files, databases)?;
    Ok(Import::Project { files, database })
}

/// The database the project's `sqlalchemy.url` names, when the upload carries it (or the only
/// database file it carries).
fn pick_database(
    files: &[(String, String)],
    mut databases: Vec<(String, Vec<u8>)>,
) -> Result<Option<(String, Vec<u8>)>, ProjectError> {
    if databases.is_empty() {
        return Ok(None);
    }
    let tree = project::tree(files)?;
    let wanted = crate::playground::databases::database_path(&tree, PROJECT_DIR).and_then(|path| {
        path.strip_prefix(&format!("{PROJECT_DIR}/"))
            .map(str::to_string)
    });
    if let Some(wanted) = wanted {
        if let Some(index) = databases.iter().position(|(path, _)| *path == wanted) {
            return Ok(Some(databases.swap_remove(index)));
        }
    }
    if databases.len() == 1 {
        return Ok(databases.pop());
    }
    Ok(None)
}

fn text(path: &str, bytes: Vec<u8>) -> Result<String, ImportError> {
    let text = String::from_utf8(bytes).map_err(|error| {
        let message = format!(
            "{path}: not UTF-8 text (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        );
        ImportError::new(ImportErrorKind::NotText, message)
    })?;
    // Windows line endings read the same to Python; the editor wants one kind.
    Ok(text.replace("\r\n", "\n"))
}

/// The triggers of the database an import brings (name, table): they run when rows change, so
/// the page names them before the learner accepts the database.
pub fn triggers(import: &Import) -> Vec<(String, String)> {
    let bytes = match import {
        Import::Database(bytes) => bytes,
        Import::Project {
            database: Some((_, bytes)),
            ..
        } => bytes,
        _ => return Vec::new(),
    };
    crate::sqlite::SqliteDatabase::from_file_bytes(bytes)
        .and_then(|mut database| database.triggers())
        .unwrap_or_default()
}

/// A one-line account of an import, for the terminal.
pub fn describe(import: &Import) -> String {
    match import {
        Import::Project { files, database } => format!(
            "Imported a project: {} file{}{}.",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            match database {
                Some((path, _)) => format!(" and its database {path}"),
                None => String::new(),
            }
        ),
        Import::Revisions(revisions) => format!(
            "Imported {} revision file{}: {}.",
            revisions.len(),
            if revisions.len() == 1 { "" } else { "s" },
            revisions
                .iter()
                .map(|(name, _)| name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Import::Shared(state) => format!(
            "Opened a saved share link: {} files.",
            state.snapshot.files.len()
        ),
        Import::Database(bytes) => format!(
            "Imported a SQLite database ({} bytes) as the project's database.",
            bytes.len()
        ),
    }
}

#[cfg(test)]
mod tests;
