//! Alembic's `ScriptDirectory` as the commands use it: where the scripts live, the loaded
//! revision files, and the revision map built from them on first use (as Alembic does lazily).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::{Failure, Invocation};
use crate::config::Config;
use crate::graph::{GraphError, GraphWarning, RevisionMap};
use crate::host::FileSystem;
use crate::python::{Stmt, StmtKind};
use crate::script::exec::modules::{self, ModuleSet, ProjectFiles};
use crate::script::load::{self, RevisionScript, ScriptError};

pub struct ScriptDirectory {
    /// The script directory (`script_location`), absolute.
    pub dir: String,
    pub version_locations: Vec<String>,
    /// `prepend_sys_path`: where the project's own modules are found.
    search_paths: Vec<String>,
    scripts: Option<Rc<Scripts>>,
    /// The map the last load built from the same files, not yet taken by [`Self::map`].
    kept_map: Option<Built>,
    map: Option<Built>,
}

/// The loaded revision files, and where each revision id's (last) file is among them.
pub struct Scripts {
    pub list: Vec<RevisionScript>,
    by_id: HashMap<String, usize>,
}

/// The revision files and map the last command loaded and built from these very files and
/// version locations, if it did (the page reads them again after each command).
pub fn last_load(
    files: &dyn FileSystem,
    version_locations: &[String],
) -> Option<(Rc<Scripts>, Rc<RevisionMap>)> {
    let stamp = files.stamp()?;
    LAST_LOAD.with(|last| {
        let last = last.borrow();
        let last = last
            .as_ref()
            .filter(|last| last.is_for(stamp, version_locations))?;
        match (&last.scripts, &last.map) {
            (Ok(scripts), Some((Ok(map), _))) => Some((scripts.clone(), map.clone())),
            _ => None,
        }
    })
}

impl Scripts {
    fn new(list: Vec<RevisionScript>) -> Scripts {
        let by_id = list
            .iter()
            .enumerate()
            .map(|(at, script)| (script.id.clone(), at))
            .collect();
        Scripts { list, by_id }
    }
}

/// A revision map as built, with the warnings building it printed.
type Built = (Result<Rc<RevisionMap>, GraphError>, Rc<Vec<GraphWarning>>);

/// The last load, for a file tree that says when it changed ([`FileSystem::stamp`]): the
/// page runs a command per line on files that mostly did not change, and each would load the
/// same revisions and build the same map again. What each command prints is unchanged: the
/// warnings are kept and printed again, a failure is returned again.
struct LastLoad {
    stamp: u64,
    version_locations: Vec<String>,
    search_paths: Vec<String>,
    scripts: Result<Rc<Scripts>, Failure>,
    map: Option<Built>,
}

impl LastLoad {
    /// Whether this load read the revision files of `version_locations` in a tree stamped `stamp`.
    fn is_for(&self, stamp: u64, version_locations: &[String]) -> bool {
        self.stamp == stamp && self.version_locations == version_locations
    }
}

thread_local! {
    static LAST_LOAD: RefCell<Option<LastLoad>> = const { RefCell::new(None) };
}

/// A revision map loaded without printing anything yet: Alembic builds its map lazily, so
/// env-running commands print its warnings, and fail on its errors, only after env.py ran.
pub struct DeferredMap {
    pub result: Result<Rc<RevisionMap>, MapError>,
    pub warnings: Vec<String>,
}

/// Why the map could not be built.
#[derive(Debug, Clone)]
pub enum MapError {
    /// A file could not be loaded (a syntax error: a traceback).
    Load(Failure),
    /// The graph is broken (caught or not depending on the command).
    Graph(GraphError),
}

impl DeferredMap {
    /// Prints the warnings (once).
    pub fn emit_warnings(&mut self, out: &mut crate::output::Output) {
        for warning in self.warnings.drain(..) {
            out.stderr(warning);
        }
    }

    /// The map, with graph errors caught (`FAILED: ...`).
    pub fn caught(&self) -> Result<&RevisionMap, Failure> {
        match &self.result {
            Ok(map) => Ok(map),
            Err(MapError::Load(failure)) => Err(failure.clone()),
            Err(MapError::Graph(error)) => Err(Failure::Command(error.to_command_error().message)),
        }
    }
}

/// A Python-style traceback frame for a line of a file, with CPython's caret.
pub fn syntax_frames(path: &str, line: u32, column: u32, source_line: &str) -> Vec<String> {
    let stripped = source_line.trim_start();
    let removed = source_line.chars().count() - stripped.chars().count();
    let caret_offset = (column as usize).saturating_sub(1).saturating_sub(removed);
    vec![
        format!("  File \"{path}\", line {line}"),
        format!("    {stripped}"),
        format!("    {}^", " ".repeat(caret_offset)),
    ]
}

/// How a script-loading error prints.
pub fn script_failure(error: ScriptError) -> Failure {
    match error {
        ScriptError::Command(message) => Failure::Command(message),
        ScriptError::Syntax {
            path,
            line,
            column,
            message,
            exception,
            source_line,
        } => Failure::Unhandled {
            frames: syntax_frames(&path, line, column, &source_line),
            exception: exception.to_string(),
            message,
        },
        ScriptError::Unsupported {
            path,
            line,
            column,
            message,
        } => Failure::Unhandled {
            frames: vec![format!("  File \"{path}\", line {line}, column {column}")],
            exception: "PlaygroundUnsupported".to_string(),
            message,
        },
    }
}

impl ScriptDirectory {
    /// `ScriptDirectory.from_config`.
    pub fn from_config(
        invocation: &Invocation<'_, '_>,
        config: &Config,
    ) -> Result<ScriptDirectory, Failure> {
        let cwd = invocation.host.cwd.clone();
        let dir = config
            .script_location(&cwd)
            .map_err(|error| Failure::Command(error.0))?;
        if !invocation.host.files.is_dir(&dir) {
            return Err(Failure::Command(format!(
                "Path doesn't exist: '{dir}'.  Please use the 'init' command to create a new scripts folder."
            )));
        }
        let version_locations = config
            .version_locations(&cwd, &dir)
            .map_err(|error| Failure::Command(error.0))?;
        // where the revisions' imports of the project's own modules are found (an entry
        // outside the project folder holds none of them: the playground reads only the project)
        let search_paths = config.prepend_sys_path(&cwd).unwrap_or_default();
        Ok(ScriptDirectory {
            dir,
            version_locations,
            search_paths,
            scripts: None,
            kept_map: None,
            map: None,
        })
    }

    /// The default version directory (`<script_location>/versions` unless configured).
    pub fn versions(&self) -> &str {
        self.version_locations
            .first()
            .map(String::as_str)
            .unwrap_or(&self.dir)
    }

    fn ensure_loaded(&mut self, invocation: &mut Invocation<'_, '_>) -> Result<(), Failure> {
        if self.scripts.is_some() {
            return Ok(());
        }
        let files = &*invocation.host.files;
        let stamp = files.stamp();
        let kept = stamp.and_then(|stamp| {
            LAST_LOAD.with(|last| {
                let last = last.borrow();
                let last = last.as_ref().filter(|last| self.loaded_by(last, stamp))?;
                Some((last.scripts.clone(), last.map.clone()))
            })
        });
        let scripts = match kept {
            Some((scripts, map)) => {
                self.kept_map = map;
                scripts
            }
            None => {
                let scripts = load::load_revisions(files, &self.version_locations)
                    .map_err(script_failure)
                    .and_then(|scripts| {
                        self.check_imports(files, &scripts)?;
                        Ok(Rc::new(Scripts::new(scripts)))
                    });
                if let Some(stamp) = stamp {
                    LAST_LOAD.with(|last| {
                        *last.borrow_mut() = Some(LastLoad {
                            stamp,
                            version_locations: self.version_locations.clone(),
                            search_paths: self.search_paths.clone(),
                            scripts: scripts.clone(),
                            map: None,
                        })
                    });
                }
                scripts
            }
        };
        self.scripts = Some(scripts?);
        Ok(())
    }

    /// Whether `last` loaded what this directory would load from a tree stamped `stamp`.
    fn loaded_by(&self, last: &LastLoad, stamp: u64) -> bool {
        last.is_for(stamp, &self.version_locations) && last.search_paths == self.search_paths
    }

    /// Alembic imports every revision file when it loads them: a top-level import of a module
    /// that is neither a library nor the project's fails the command there, as Python's
    /// `ModuleNotFoundError`.
    fn check_imports(
        &self,
        files: &dyn crate::host::FileSystem,
        scripts: &[RevisionScript],
    ) -> Result<(), Failure> {
        if self.search_paths.is_empty() {
            return Ok(());
        }
        let project = ProjectFiles {
            files,
            search_paths: self.search_paths.clone(),
        };
        let mut modules = ModuleSet::new();
        for script in scripts {
            let imports: Vec<&Stmt> = script
                .module
                .body
                .iter()
                .filter(|statement| {
                    matches!(
                        statement.kind,
                        StmtKind::Import { .. } | StmtKind::ImportFrom { .. }
                    )
                })
                .collect();
            // the file's modules are found once (the search reads the whole file), and only
            // when an import may name one (a library is never missing)
            if imports
                .iter()
                .any(|statement| modules::may_import_project(statement))
            {
                modules.discover(&project, &script.module, "");
            }
            for statement in imports {
                if let Some(missing) = modules.missing_import(statement, None) {
                    let line = statement.span.start.line;
                    return Err(Failure::Unhandled {
                        frames: vec![
                            format!("  File \"{}\", line {line}, in <module>", script.path),
                            format!(
                                "    {}",
                                crate::script::exec::source_line(&script.source, line)
                            ),
                        ],
                        exception: "ModuleNotFoundError".to_string(),
                        message: format!("No module named '{missing}'"),
                    });
                }
            }
        }
        Ok(())
    }

    /// Loads the files and builds the map without printing; see [`DeferredMap`].
    pub fn deferred_map(&mut self, invocation: &mut Invocation<'_, '_>) -> DeferredMap {
        let mut scratch = Invocation {
            host: &mut *invocation.host,
            args: invocation.args.clone(),
            out: crate::output::Output::default(),
            logging: invocation.logging,
            info_enabled: invocation.info_enabled,
        };
        let result = match self.build_map(&mut scratch) {
            Err(failure) => Err(MapError::Load(failure)),
            Ok((Ok(map), _)) => Ok(map.clone()),
            Ok((Err(error), _)) => Err(MapError::Graph(error.clone())),
        };
        let warnings = scratch
            .out
            .pieces
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        DeferredMap { result, warnings }
    }

    /// The revision map; a file that cannot be loaded fails the command. Graph errors are
    /// returned as they are, because whether Alembic catches them depends on the command.
    pub fn map(
        &mut self,
        invocation: &mut Invocation<'_, '_>,
    ) -> Result<Result<&RevisionMap, GraphError>, Failure> {
        Ok(match self.build_map(invocation)? {
            (Ok(map), _) => Ok(map),
            (Err(error), _) => Err(error.clone()),
        })
    }

    /// Builds the map on first use (or takes the last load's), printing its warnings.
    fn build_map(&mut self, invocation: &mut Invocation<'_, '_>) -> Result<&Built, Failure> {
        self.ensure_loaded(invocation)?;
        if self.map.is_none() {
            let built = match self.kept_map.take() {
                Some(built) => built,
                None => {
                    let revisions = self
                        .scripts
                        .as_deref()
                        .map(|scripts| scripts.list.as_slice())
                        .unwrap_or(&[])
                        .iter()
                        .map(RevisionScript::to_revision)
                        .collect();
                    let (map, warnings) = RevisionMap::build(revisions);
                    let built = (map.map(Rc::new), Rc::new(warnings));
                    self.keep_map(&*invocation.host.files, &built);
                    built
                }
            };
            for warning in built.1.iter() {
                self.print_warning(invocation, warning);
            }
            self.map = Some(built);
        }
        self.map
            .as_ref()
            .ok_or_else(|| Failure::unhandled("RuntimeError", "revision map missing"))
    }

    /// Keeps a built map beside the load it was built from.
    fn keep_map(&self, files: &dyn FileSystem, built: &Built) {
        let Some(stamp) = files.stamp() else {
            return;
        };
        LAST_LOAD.with(|last| {
            if let Some(last) = last
                .borrow_mut()
                .as_mut()
                .filter(|last| self.loaded_by(last, stamp))
            {
                last.map = Some(built.clone());
            }
        });
    }

    /// The map, with graph errors caught (`_catch_revision_errors`): `FAILED: ...`.
    pub fn caught_map(
        &mut self,
        invocation: &mut Invocation<'_, '_>,
    ) -> Result<&RevisionMap, Failure> {
        match self.map(invocation)? {
            Ok(map) => Ok(map),
            Err(error) => Err(Failure::Command(error.to_command_error().message)),
        }
    }

    /// The map, with graph errors uncaught: a traceback, as `alembic heads` shows them.
    pub fn uncaught_map(
        &mut self,
        invocation: &mut Invocation<'_, '_>,
    ) -> Result<&RevisionMap, Failure> {
        match self.map(invocation)? {
            Ok(map) => Ok(map),
            Err(error) => Err(graph_traceback(&error)),
        }
    }

    /// The loaded script of a revision id.
    pub fn script(&self, id: &str) -> Option<&RevisionScript> {
        let scripts = self.scripts.as_deref()?;
        scripts.by_id.get(id).and_then(|&at| scripts.list.get(at))
    }

    /// The first paragraph of a revision's docstring.
    pub fn doc(&self, id: &str) -> String {
        self.script(id).map(RevisionScript::doc).unwrap_or_default()
    }

    pub fn print_warning(&self, invocation: &mut Invocation<'_, '_>, warning: &GraphWarning) {
        let (line, text) = match warning {
            GraphWarning::DuplicateRevision { .. } => (208, warning.message()),
            GraphWarning::MissingReference {
                referenced_from, ..
            } => {
                let doc = self.doc(referenced_from);
                (
                    236,
                    warning.message_with_doc(if doc.is_empty() { None } else { Some(&doc) }),
                )
            }
            GraphWarning::AmbiguousRelativeDowngrade => (1168, warning.message()),
        };
        invocation.warn("alembic/script/revision.py", line, &text);
    }

    /// Reloads after a new file was written (`revision`, `merge`).
    pub fn forget(&mut self) {
        self.scripts = None;
        self.kept_map = None;
        self.map = None;
    }
}

/// A graph error as the uncaught exception Alembic would show.
pub fn graph_traceback(error: &GraphError) -> Failure {
    let name = error.exception_name();
    let exception = match name {
        "KeyError" | "AssertionError" => name.to_string(),
        revision_error => format!("alembic.script.revision.{revision_error}"),
    };
    Failure::Unhandled {
        frames: Vec::new(),
        exception,
        message: error.message(),
    }
}
