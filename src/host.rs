//! The ports: everything a command may touch, injected by the shell that runs it ([`Host`]):
//! the project's files ([`FileSystem`]; [`MemoryFs`] in the page), its databases
//! ([`DatabaseProvider`]), the time ([`Clock`]) and new revision ids ([`IdSource`]).
//!
//! Commands read `alembic.ini`, `env.py`, `script.py.mako` and `versions/*.py`, and write new
//! revision files, only through [`FileSystem`]. The native CLI maps it onto the real disk
//! (see `shell/native.rs`); the page keeps an in-memory tree ([`MemoryFs`]) that it persists itself.
//!
//! Paths are absolute, `/`-separated strings. This module never interprets file contents.

use crate::runtime::Database;
use crate::sorted_map::{SortedMap, SortedSet};
use std::fmt;

/// Where a `sqlite://` URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    Memory,
    /// An absolute path, or a path relative to the working directory (as SQLite opens it).
    File(String),
}

/// A `postgresql[+driver]://user:password@host:port/database?key=value` URL, its parts
/// percent-decoded as `make_url` does.
#[cfg(feature = "postgresql")]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostgresUrl {
    /// `psycopg` (the default), `psycopg2`, `asyncpg`, `pg8000` or `psycopg2cffi`
    pub driver: String,
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    /// the query string's pairs (`host=/run/postgresql`, `sslmode=disable`...)
    pub query: Vec<(String, String)>,
}

/// A local date and time, as Python's `datetime.now()` would give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub microsecond: u32,
    /// Seconds since the Unix epoch (for the `epoch` file_template token).
    pub epoch: i64,
}

impl CreateDate {
    /// `str(datetime)`: `YYYY-MM-DD HH:MM:SS.ffffff`, the fraction omitted when it is zero.
    pub fn to_python_str(&self) -> String {
        let base = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.microsecond == 0 {
            base
        } else {
            format!("{base}.{:06}", self.microsecond)
        }
    }

    /// The civil date and time (UTC) of a Unix timestamp in microseconds.
    pub fn from_unix_micros(micros: i64) -> CreateDate {
        let seconds = micros.div_euclid(1_000_000);
        let microsecond = micros.rem_euclid(1_000_000) as u32;
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400);
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        } as u32;
        let year = (year_of_era + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
        CreateDate {
            year,
            month,
            day,
            hour: (second_of_day / 3600) as u32,
            minute: (second_of_day % 3600 / 60) as u32,
            second: (second_of_day % 60) as u32,
            microsecond,
            epoch: seconds,
        }
    }
}

/// Opens the SQLite database a `sqlalchemy.url` points to.
pub trait DatabaseProvider {
    fn connect(&mut self, target: &SqliteTarget, cwd: &str) -> Result<&mut dyn Database, String>;

    /// Connects to the PostgreSQL server a URL names; the error is the text SQLAlchemy's
    /// `OperationalError` shows (the driver's class and message, the error page's line).
    #[cfg(feature = "postgresql")]
    fn connect_postgresql(&mut self, url: &PostgresUrl) -> Result<&mut dyn Database, String> {
        Err(format!(
            "the playground cannot reach a PostgreSQL server from here ({}); generate the SQL with --sql",
            url.driver
        ))
    }
}

/// The current local time (injected so tests and the page control it).
pub trait Clock {
    fn now(&self) -> CreateDate;
}

/// New revision ids (injected so tests are deterministic).
pub trait IdSource {
    fn new_revision_id(&mut self) -> String;
}

/// Everything a command may touch.
pub struct Host<'a> {
    pub files: &'a mut dyn FileSystem,
    pub databases: &'a mut dyn DatabaseProvider,
    pub clock: &'a dyn Clock,
    pub ids: &'a mut dyn IdSource,
    /// The working directory (where `alembic.ini` is looked for).
    pub cwd: String,
    /// `$ALEMBIC_CONFIG`.
    pub alembic_config: Option<String>,
    /// Opens a file for the user (`alembic edit`): `$EDITOR` natively, the page's editor in
    /// the browser. `None`: the command only reports the file in `Output::touched_files`.
    pub editor: Option<&'a mut dyn FnMut(&str) -> Result<(), String>>,
}

/// Why a file operation failed, phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for FsError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for FsError {}

/// The file operations the engine needs; nothing more.
pub trait FileSystem {
    fn read_to_string(&self, path: &str) -> Result<String, FsError>;
    fn write(&mut self, path: &str, contents: &str) -> Result<(), FsError>;
    fn is_file(&self, path: &str) -> bool;
    fn is_dir(&self, path: &str) -> bool;
    /// Creates the directory and its parents.
    fn create_dir_all(&mut self, path: &str) -> Result<(), FsError>;
    /// Names (not paths) of the entries directly inside `path`, sorted.
    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError>;
    fn remove_file(&mut self, path: &str) -> Result<(), FsError>;
    /// Names the tree's contents: two calls that return the same stamp saw the same files, so
    /// what was read from them can be kept (the page runs a command per line on one tree).
    /// `None` where changes cannot be seen (the disk: another program may write to it).
    fn stamp(&self) -> Option<u64> {
        None
    }
}

/// Joins `base` and `relative` the way `os.path.join` does for absolute `relative` paths.
pub fn join(base: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return normalize(relative);
    }
    if base.is_empty() {
        return normalize(relative);
    }
    normalize(&format!("{}/{}", base.trim_end_matches('/'), relative))
}

/// Collapses `.`, `..` and repeated separators (like `os.path.normpath`).
pub fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// The part of `path` below `root`, both normalised first (`""` when they are the same
/// folder), or `None` when `path` lies outside `root`: `PurePath.relative_to` after
/// `os.path.normpath`. Purely lexical: `..` is resolved against the text, symlinks are not
/// followed (the engine's paths come from the project's own files, not from the disk).
pub fn relative_to(root: &str, path: &str) -> Option<String> {
    let root = normalize(root);
    let path = normalize(path);
    if root.starts_with('/') != path.starts_with('/') {
        return None;
    }
    let components = |text: &str| -> Vec<String> {
        text.split('/')
            .filter(|part| !part.is_empty() && *part != ".")
            .map(str::to_string)
            .collect()
    };
    let root_parts = components(&root);
    let path_parts = components(&path);
    if path_parts.len() < root_parts.len() || path_parts[..root_parts.len()] != root_parts[..] {
        return None;
    }
    let rest = &path_parts[root_parts.len()..];
    // A relative root with fewer leading `..` than the path: the path climbs out of it.
    if rest.first().is_some_and(|part| part == "..") {
        return None;
    }
    Some(rest.join("/"))
}

/// The directory part of a path (`/a/b/c.py` → `/a/b`).
pub fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) => "/".to_string(),
        Some(index) => path[..index].to_string(),
        None => ".".to_string(),
    }
}

/// The last component of a path.
pub fn file_name(path: &str) -> &str {
    match path.rfind('/') {
        Some(index) => &path[index + 1..],
        None => path,
    }
}

/// An in-memory file tree: the page's project, and the tests' fixtures.
#[derive(Debug, Clone, Default)]
pub struct MemoryFs {
    files: SortedMap<String>,
    dirs: SortedSet,
    /// Taken from [`fresh_stamp`] at every change: a stamp never names two different trees
    /// (a clone shares its original's stamp while both hold the same files).
    stamp: u64,
}

impl PartialEq for MemoryFs {
    fn eq(&self, other: &Self) -> bool {
        self.files == other.files && self.dirs == other.dirs
    }
}

impl Eq for MemoryFs {}

/// A stamp no tree has had yet (0 is the empty `Default` tree's).
fn fresh_stamp() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl MemoryFs {
    pub fn new() -> Self {
        let mut dirs = SortedSet::new();
        dirs.add("/".to_string());
        MemoryFs {
            files: SortedMap::new(),
            dirs,
            stamp: fresh_stamp(),
        }
    }

    /// Every file, path and contents, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&String, &String)> {
        self.files.iter()
    }

    /// Every directory that exists, including empty ones.
    pub fn dirs(&self) -> impl Iterator<Item = &String> {
        self.dirs.keys()
    }

    fn ensure_parents(&mut self, path: &str) {
        self.stamp = fresh_stamp();
        let mut current = parent(path);
        loop {
            if !self.dirs.add(current.clone()) || current == "/" || current == "." {
                break;
            }
            current = parent(&current);
        }
    }
}

impl FileSystem for MemoryFs {
    fn read_to_string(&self, path: &str) -> Result<String, FsError> {
        let path = normalize(path);
        self.files.get(&path).cloned().ok_or_else(|| FsError {
            path,
            message: "No such file or directory".to_string(),
        })
    }

    fn write(&mut self, path: &str, contents: &str) -> Result<(), FsError> {
        let path = normalize(path);
        if self.dirs.contains_key(&path) {
            return Err(FsError {
                path,
                message: "Is a directory".to_string(),
            });
        }
        self.ensure_parents(&path);
        self.files.insert(path, contents.to_string());
        Ok(())
    }

    fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(&normalize(path))
    }

    fn is_dir(&self, path: &str) -> bool {
        self.dirs.contains_key(&normalize(path))
    }

    fn create_dir_all(&mut self, path: &str) -> Result<(), FsError> {
        let path = normalize(path);
        if self.files.contains_key(&path) {
            return Err(FsError {
                path,
                message: "File exists".to_string(),
            });
        }
        self.ensure_parents(&path);
        self.dirs.add(path);
        Ok(())
    }

    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let path = normalize(path);
        if !self.dirs.contains_key(&path) {
            return Err(FsError {
                path,
                message: "No such file or directory".to_string(),
            });
        }
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        let mut names = SortedSet::new();
        for entry in self.files.keys().chain(self.dirs.keys()) {
            if let Some(rest) = entry.strip_prefix(&prefix) {
                if !rest.is_empty() && !rest.contains('/') {
                    names.add(rest.to_string());
                }
            }
        }
        Ok(names.keys().cloned().collect())
    }

    fn remove_file(&mut self, path: &str) -> Result<(), FsError> {
        let path = normalize(path);
        match self.files.remove(&path) {
            Some(_) => {
                self.stamp = fresh_stamp();
                Ok(())
            }
            None => Err(FsError {
                path,
                message: "No such file or directory".to_string(),
            }),
        }
    }

    fn stamp(&self) -> Option<u64> {
        Some(self.stamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_takes_a_new_stamp_and_a_clone_keeps_it() {
        let mut files = MemoryFs::new();
        let empty = files.stamp();
        files.write("/p/a.py", "x = 1").unwrap();
        let written = files.stamp();
        assert_ne!(written, empty);
        let copy = files.clone();
        assert_eq!(copy.stamp(), written);
        files.create_dir_all("/p/versions").unwrap();
        let with_dir = files.stamp();
        assert_ne!(with_dir, written);
        files.remove_file("/p/a.py").unwrap();
        assert!(![empty, written, with_dir].contains(&files.stamp()));
        // a failed removal changes nothing
        let before = files.stamp();
        assert!(files.remove_file("/p/a.py").is_err());
        assert_eq!(files.stamp(), before);
        // equality is about the files, not their history
        let mut other = MemoryFs::new();
        other.create_dir_all("/p/versions").unwrap();
        assert_eq!(files, other);
        assert_ne!(files.stamp(), other.stamp());
    }

    #[test]
    fn normalize_and_join_follow_posix_rules() {
        assert_eq!(normalize("/a/./b//c/../d"), "/a/b/d");
        assert_eq!(normalize("/.."), "/");
        assert_eq!(join("/p", "migrations"), "/p/migrations");
        assert_eq!(join("/p", "/abs/x"), "/abs/x");
        assert_eq!(parent("/p/a.py"), "/p");
        assert_eq!(parent("/a.py"), "/");
        assert_eq!(file_name("/p/a.py"), "a.py");
    }

    #[test]
    fn relative_to_keeps_paths_inside_their_root() {
        let cases: [(&str, &str, Option<&str>); 12] = [
            ("/p/versions", "/p/versions/a.py", Some("a.py")),
            ("/p/versions", "/p/versions/2026/a.py", Some("2026/a.py")),
            ("/p/versions", "/p/versions/sub/../a.py", Some("a.py")),
            ("/p/versions/", "/p/./versions//a.py", Some("a.py")),
            ("/p/versions", "/p/versions", Some("")),
            ("/p/versions", "/p/versions/../a.py", None),
            ("/p/versions", "/p/versions/../../../etc/passwd", None),
            ("/p/versions", "/p/versionsX/a.py", None),
            ("/p/versions", "/etc/a.py", None),
            ("/", "/etc/a.py", Some("etc/a.py")),
            ("/p", "p/a.py", None),
            (".", "../a.py", None),
        ];
        for (root, path, expected) in cases {
            assert_eq!(
                relative_to(root, path).as_deref(),
                expected,
                "root {root:?}, path {path:?}"
            );
        }
    }

    #[test]
    fn memory_fs_lists_files_and_empty_dirs_sorted() {
        let mut fs = MemoryFs::new();
        fs.write("/p/b.py", "b").unwrap();
        fs.write("/p/a.py", "a").unwrap();
        fs.create_dir_all("/p/versions").unwrap();
        assert_eq!(fs.list_dir("/p").unwrap(), vec!["a.py", "b.py", "versions"]);
        assert!(fs.is_dir("/p/versions"));
        assert!(fs.list_dir("/nope").is_err());
        assert_eq!(fs.read_to_string("/p/a.py").unwrap(), "a");
        assert!(fs.write("/p/versions", "x").is_err());
    }
}
