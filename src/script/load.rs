//! The script directory: reading `versions/*.py` into revisions the way Alembic imports them.
//!
//! Owns: which files count (`*.py`, not `.#*`, not `__init__*`), their load order (version
//! locations in order, file names sorted), reading `revision`, `down_revision`,
//! `branch_labels`, `depends_on` and the docstring from the parsed module, and the errors a
//! broken file gives (a Python-style `SyntaxError` located by file, line and column).
//! Does not: run `upgrade()`/`downgrade()` (that is `script::exec`), or build the graph.

use crate::graph::Revision;
use crate::host::{self, FileSystem};
use crate::python::{self, Constant, Expr, ExprKind, Module};

/// One revision file, loaded.
#[derive(Debug, Clone)]
pub struct RevisionScript {
    pub id: String,
    /// Absolute path of the file.
    pub path: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub dependencies: Vec<String>,
    /// The module docstring, stripped (Alembic's `Script.longdoc`).
    pub longdoc: String,
    pub source: String,
    /// Shared: scripts are cached between commands (see [`load_revision`]).
    pub module: std::rc::Rc<Module>,
}

impl RevisionScript {
    /// The first paragraph of the docstring (Alembic's `Script.doc`).
    pub fn doc(&self) -> String {
        self.longdoc.split("\n\n").next().unwrap_or("").to_string()
    }

    pub fn to_revision(&self) -> Revision {
        Revision {
            id: self.id.clone(),
            down_revisions: self.down_revisions.clone(),
            dependencies: self.dependencies.clone(),
            branch_labels: self.branch_labels.clone(),
        }
    }
}

/// Why the script directory could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptError {
    /// Alembic's `CommandError`s (printed as `FAILED: ...`).
    Command(String),
    /// A file is not valid Python: Alembic's import raises and a traceback is printed.
    Syntax {
        path: String,
        line: u32,
        column: u32,
        message: String,
        exception: &'static str,
        source_line: String,
    },
    /// Valid Python the playground cannot read as a revision (a located message).
    Unsupported {
        path: String,
        line: u32,
        column: u32,
        message: String,
    },
}

impl ScriptError {
    /// `path:line:column: message`, for editors and the page.
    pub fn located(&self) -> Option<String> {
        match self {
            ScriptError::Command(_) => None,
            ScriptError::Syntax {
                path,
                line,
                column,
                message,
                ..
            }
            | ScriptError::Unsupported {
                path,
                line,
                column,
                message,
            } => Some(format!("{path}:{line}:{column}: {message}")),
        }
    }
}

impl ScriptError {
    /// Line, column and message without the path (for marking the line in an editor).
    pub fn position(&self) -> Option<(u32, u32, String)> {
        match self {
            ScriptError::Command(_) => None,
            ScriptError::Syntax {
                line,
                column,
                message,
                exception,
                ..
            } => Some((*line, *column, format!("{exception}: {message}"))),
            ScriptError::Unsupported {
                line,
                column,
                message,
                ..
            } => Some((*line, *column, message.clone())),
        }
    }
}

/// Lists the revision files of one version directory, sorted by name.
pub fn revision_files(files: &dyn FileSystem, directory: &str) -> Result<Vec<String>, ScriptError> {
    let names = files
        .list_dir(directory)
        .map_err(|_| ScriptError::Command(format!("Path doesn't exist: '{directory}'.  Please use the 'init' command to create a new scripts folder.")))?;
    let mut paths: Vec<String> = names
        .into_iter()
        .filter(|name| {
            name.ends_with(".py") && !name.starts_with(".#") && !name.starts_with("__init__")
        })
        .map(|name| host::join(directory, &name))
        .filter(|path| files.is_file(path))
        .collect();
    crate::sort::sort(&mut paths);
    Ok(paths)
}

/// Loads every revision in the version locations, in Alembic's load order.
pub fn load_revisions(
    files: &dyn FileSystem,
    version_locations: &[String],
) -> Result<Vec<RevisionScript>, ScriptError> {
    let mut sources = Vec::new();
    for location in version_locations {
        for path in revision_files(files, location)? {
            let source = files
                .read_to_string(&path)
                .map_err(|error| ScriptError::Command(error.to_string()))?;
            sources.push((path, source));
        }
    }
    // Files parsed before (and unchanged) come from the cache; the rest are parsed together.
    let mut loaded: Vec<Option<Loaded>> = sources
        .iter()
        .map(|(path, source)| cached_revision(path, source))
        .collect();
    let missing: Vec<(&str, &str)> = sources
        .iter()
        .zip(&loaded)
        .filter(|(_, cached)| cached.is_none())
        .map(|((path, source), _)| (path.as_str(), source.as_str()))
        .collect();
    let mut parsed = parse_modules(&missing).into_iter();
    for ((path, source), slot) in sources.iter().zip(loaded.iter_mut()) {
        if slot.is_none() {
            let module = parsed
                .next()
                .unwrap_or_else(|| python::parse_module(source));
            let result = read_revision(path, source, module);
            remember_revision(path, source, &result);
            *slot = Some(result);
        }
    }
    let mut scripts = Vec::new();
    for result in loaded.into_iter().flatten() {
        if let Some(script) = result? {
            scripts.push(script);
        }
    }
    Ok(scripts)
}

fn unsupported(path: &str, expression: &Expr, message: impl Into<String>) -> ScriptError {
    ScriptError::Unsupported {
        path: path.to_string(),
        line: expression.span.start.line,
        column: expression.span.start.column,
        message: message.into(),
    }
}

/// Reads `None`, `'x'`, `('a', 'b')` or `['a', 'b']` as a list of strings.
fn string_list(path: &str, name: &str, expression: &Expr) -> Result<Vec<String>, ScriptError> {
    match &expression.kind {
        ExprKind::Constant(Constant::None) => Ok(Vec::new()),
        ExprKind::Constant(Constant::Str(text)) => Ok(vec![text.clone()]),
        ExprKind::Tuple(items) | ExprKind::List(items) | ExprKind::Set(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in items {
                let Some(text) = item.as_str_constant() else {
                    return Err(unsupported(
                        path,
                        item,
                        format!("{name} must list revision ids as string literals"),
                    ));
                };
                texts.push(text.to_string());
            }
            Ok(texts)
        }
        _ => Err(unsupported(
            path,
            expression,
            format!("the playground reads {name} only as None, a string, or a tuple of strings"),
        )),
    }
}

/// Parses and reads one revision file; `Ok(None)` for a file that is not a revision.
pub fn load_revision(path: &str, source: &str) -> Result<Option<RevisionScript>, ScriptError> {
    // Parsing is a pure function of (path, source), and the page asks for the same files
    // after every command and redraw (a 1,000-revision project is 1,000 parses): remember
    // the last result per path and reuse it while the source is unchanged.
    if let Some(result) = cached_revision(path, source) {
        return result;
    }
    let result = parse_revision(path, source);
    remember_revision(path, source, &result);
    result
}

type Loaded = Result<Option<RevisionScript>, ScriptError>;

thread_local! {
    /// The last result of loading each path, with the source it came from.
    static PARSED: std::cell::RefCell<crate::sorted_map::SortedMap<(String, Loaded)>> =
        std::cell::RefCell::new(crate::sorted_map::SortedMap::new());
}

fn cached_revision(path: &str, source: &str) -> Option<Loaded> {
    PARSED.with(|parsed| {
        parsed
            .borrow()
            .get(path)
            .filter(|(cached_source, _)| cached_source == source)
            .map(|(_, result)| result.clone())
    })
}

fn remember_revision(path: &str, source: &str, result: &Loaded) {
    const MAX_CACHED: usize = 20_000;
    PARSED.with(|parsed| {
        let mut parsed = parsed.borrow_mut();
        if parsed.len() >= MAX_CACHED {
            parsed.clear();
        }
        parsed.insert(path.to_string(), (source.to_string(), result.clone()));
    });
}

/// Parses many modules: on two threads natively (a fresh CLI process parses every revision
/// file of the project), in order on one in the page (wasm32 has no threads).
fn parse_modules(sources: &[(&str, &str)]) -> Vec<Result<Module, python::SyntaxError>> {
    #[cfg(not(target_arch = "wasm32"))]
    if sources.len() >= 64 {
        let middle = sources.len() / 2;
        let (first, second) = sources.split_at(middle);
        return std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                second
                    .iter()
                    .map(|(_, source)| python::parse_module(source))
                    .collect::<Vec<_>>()
            });
            let mut parsed: Vec<_> = first
                .iter()
                .map(|(_, source)| python::parse_module(source))
                .collect();
            match other.join() {
                Ok(rest) => parsed.extend(rest),
                Err(_) => parsed.extend(
                    second
                        .iter()
                        .map(|(_, source)| python::parse_module(source)),
                ),
            }
            parsed
        });
    }
    sources
        .iter()
        .map(|(_, source)| python::parse_module(source))
        .collect()
}

fn parse_revision(path: &str, source: &str) -> Result<Option<RevisionScript>, ScriptError> {
    read_revision(path, source, python::parse_module(source))
}

/// The revision a parsed module declares (the part of loading after Python parsing).
fn read_revision(
    path: &str,
    source: &str,
    parsed: Result<Module, python::SyntaxError>,
) -> Result<Option<RevisionScript>, ScriptError> {
    let module = parsed.map_err(|error| ScriptError::Syntax {
        path: path.to_string(),
        line: error.line,
        column: error.column,
        message: error.message.clone(),
        exception: error.kind.python_name(),
        source_line: source
            .lines()
            .nth(error.line.saturating_sub(1) as usize)
            .unwrap_or("")
            .to_string(),
    })?;
    let id = match module.assigned_value("revision") {
        Some(expression) => match expression.as_str_constant() {
            Some(text) => text.to_string(),
            None => {
                return Err(unsupported(
                    path,
                    expression,
                    "revision must be a string literal",
                ))
            }
        },
        None => {
            // Alembic's legacy fallback: a file named `<hex>.py`.
            let name = host::file_name(path);
            let stem = name.trim_end_matches(".py");
            let is_legacy_name = !stem.is_empty()
                && stem.chars().all(|character| {
                    character.is_ascii_digit() || ('a'..='f').contains(&character)
                });
            if !is_legacy_name {
                return Err(ScriptError::Command(format!(
                    "Could not determine revision id from filename {name}. Be sure the 'revision' variable is declared inside the script (please see 'Upgrading from Alembic 0.1 to 0.2' in the documentation)."
                )));
            }
            let hex_tail = stem.to_string();
            hex_tail
        }
    };
    let read = |name: &str| -> Result<Vec<String>, ScriptError> {
        match module.assigned_value(name) {
            Some(expression) => string_list(path, name, expression),
            None => Ok(Vec::new()),
        }
    };
    let down_revisions = read("down_revision")?;
    let branch_labels = read("branch_labels")?;
    let dependencies = read("depends_on")?;
    let longdoc = module
        .docstring
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    Ok(Some(RevisionScript {
        id,
        path: path.to_string(),
        down_revisions,
        branch_labels,
        dependencies,
        longdoc,
        source: source.to_string(),
        module: std::rc::Rc::new(module),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::MemoryFs;

    const TYPED: &str = "\"\"\"create account table\n\nRevision ID: 0bfd2e10e9b1\nRevises: \nCreate Date: 2026-11-28 00:43:46.094752\n\n\"\"\"\nfrom typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\nrevision: str = '0bfd2e10e9b1'\ndown_revision: Union[str, Sequence[str], None] = None\nbranch_labels: Union[str, Sequence[str], None] = None\ndepends_on: Union[str, Sequence[str], None] = None\n\n\ndef upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    pass\n\n\ndef downgrade() -> None:\n    \"\"\"Downgrade schema.\"\"\"\n    pass\n";

    #[test]
    fn reads_typed_and_legacy_revision_files() {
        let script = load_revision("/p/v/0bfd_x.py", TYPED).unwrap().unwrap();
        assert_eq!(script.id, "0bfd2e10e9b1");
        assert!(script.down_revisions.is_empty());
        assert_eq!(script.doc(), "create account table");
        assert!(script
            .longdoc
            .ends_with("Create Date: 2026-11-28 00:43:46.094752"));

        let legacy = "\"\"\"merge\"\"\"\nrevision = '5000'\ndown_revision = ('3000', '4000')\nbranch_labels = 'feature'\ndepends_on = ['lib']\ndef upgrade():\n    pass\n";
        let script = load_revision("/p/v/5000.py", legacy).unwrap().unwrap();
        assert_eq!(script.down_revisions, vec!["3000", "4000"]);
        assert_eq!(script.branch_labels, vec!["feature"]);
        assert_eq!(script.dependencies, vec!["lib"]);
    }

    #[test]
    fn broken_files_give_located_errors() {
        let error =
            load_revision("/p/v/bad.py", "revision = 'a'\ndef upgrade(:\n    pass\n").unwrap_err();
        assert_eq!(error.located().unwrap(), "/p/v/bad.py:2:13: invalid syntax");
        let error = load_revision(
            "/p/v/bad.py",
            "revision = 'a'\ndown_revision = some_function()\n",
        )
        .unwrap_err();
        assert!(error.located().unwrap().starts_with("/p/v/bad.py:2:17: "));
        let error = load_revision("/p/v/name.py", "x = 1\n").unwrap_err();
        assert!(
            matches!(error, ScriptError::Command(message) if message.starts_with("Could not determine revision id from filename name.py"))
        );
    }

    #[test]
    fn lists_only_revision_files_in_name_order() {
        let mut files = MemoryFs::new();
        for name in ["b.py", "a.py", "__init__.py", ".#a.py", "notes.txt"] {
            files.write(&format!("/v/{name}"), "").unwrap();
        }
        assert_eq!(
            revision_files(&files, "/v").unwrap(),
            vec!["/v/a.py", "/v/b.py"]
        );
        assert!(matches!(
            revision_files(&files, "/nope"),
            Err(ScriptError::Command(_))
        ));
    }
}
