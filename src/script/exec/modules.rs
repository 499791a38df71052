//! The project's own Python modules a revision file imports (`from myapp.db import types`),
//! found on `sys.path` as Alembic sets it (`prepend_sys_path`), and parsed once per run.
//!
//! The interpreter runs a module's body when the program first imports it (see
//! `eval::Evaluator::load_module`); this only finds and parses the files. Which modules a
//! revision can import is read from its import statements (anywhere in the file, and again in
//! each module found), before the revision runs: the interpreter holds their syntax trees for
//! the whole run. A module imported another way (`importlib`, `__import__`) is not found.

use std::cell::RefCell;
use std::rc::Rc;

use crate::host::FileSystem;
use crate::python::{self, Module, Stmt, StmtKind, SyntaxError};

/// Where project modules are looked for.
pub struct ProjectFiles<'f> {
    pub files: &'f dyn FileSystem,
    /// `sys.path` entries holding the project's modules, in order (`prepend_sys_path`).
    pub search_paths: Vec<String>,
}

/// One module of the project.
pub struct ProjectModule {
    /// Dotted name (`myapp.db.types`).
    pub name: String,
    /// Its file (`.../myapp/db/types.py` or `.../__init__.py`); empty for a namespace package.
    pub path: String,
    pub source: String,
    pub parsed: Result<std::rc::Rc<Module>, SyntaxError>,
    /// A package (`__init__.py`, or a folder without one): relative imports start from it.
    pub package: bool,
}

/// The project modules found so far in a run.
#[derive(Default)]
pub struct ModuleSet {
    pub modules: Vec<ProjectModule>,
    /// Dotted names looked for and not found.
    missing: Vec<String>,
    /// Whether the project was searched (a run with `sys.path` entries): only then is a
    /// module that is neither a library nor the project's a `ModuleNotFoundError`.
    searched: bool,
}

/// At most this many project modules are read in one run.
const MAX_MODULES: usize = 500;

/// Top-level modules Python finds outside the project: the standard library (Python 3.11's
/// `sys.stdlib_module_names`) and what real Alembic's environment installs (Alembic,
/// SQLAlchemy and their dependencies). An `alembic/` folder beside `alembic.ini` is the
/// migration environment, not the `alembic` package.
const LIBRARIES: &[&str] = &[
    "__future__",
    "abc",
    "aifc",
    "alembic",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "greenlet",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "mako",
    "markupsafe",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pip",
    "pipes",
    "pkg_resources",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "setuptools",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlalchemy",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "typing_extensions",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// Whether a top-level module name is a library's (`LIBRARIES` is sorted).
fn is_library(top: &str) -> bool {
    LIBRARIES.binary_search(&top).is_ok()
}

/// A file's parse, kept per path while its source is unchanged: the page runs env.py, and the
/// `models.py` it imports, for every command, and its panels read env.py on every change.
pub(crate) fn parse_kept(path: &str, source: &str) -> Result<Rc<Module>, SyntaxError> {
    type Kept = Vec<(String, String, Result<Rc<Module>, SyntaxError>)>;
    thread_local! {
        static KEPT: RefCell<Kept> = const { RefCell::new(Vec::new()) };
    }
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        let at = kept.iter().position(|(kept_path, _, _)| kept_path == path);
        match at {
            Some(at) if kept[at].1 == source => return kept[at].2.clone(),
            Some(at) => {
                let _stale = kept.swap_remove(at);
            }
            None if kept.len() >= MAX_MODULES => kept.clear(),
            None => {}
        }
        let parsed = python::parse_module(source).map(Rc::new);
        kept.push((path.to_string(), source.to_string(), parsed.clone()));
        parsed
    })
}

/// `a` of `a.b.c`.
fn top_level(dotted: &str) -> &str {
    dotted.split('.').next().unwrap_or(dotted)
}

/// Whether an import statement may name one of the project's modules: an absolute import of
/// something that is not a library (only those need the project searched).
pub fn may_import_project(statement: &Stmt) -> bool {
    match &statement.kind {
        StmtKind::Import { names } => names
            .iter()
            .any(|alias| !is_library(top_level(&alias.name))),
        StmtKind::ImportFrom {
            module: Some(module),
            level: 0,
            ..
        } => !is_library(top_level(module)),
        _ => false,
    }
}

impl ModuleSet {
    pub fn new() -> ModuleSet {
        ModuleSet::default()
    }

    /// The index of module `name`, if the project has it.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.modules.iter().position(|module| module.name == name)
    }

    /// Finds the project modules `module` imports (from package `package` for relative
    /// imports), and the ones those import, parsing each once.
    pub fn discover(&mut self, project: &ProjectFiles, module: &Module, package: &str) {
        self.searched = true;
        let mut wanted = Vec::new();
        imports_in(&module.body, package, &mut wanted);
        while let Some(name) = wanted.pop() {
            if self.find(&name).is_some() || self.missing.contains(&name) {
                continue;
            }
            if self.modules.len() >= MAX_MODULES {
                return;
            }
            match locate(project, &name) {
                Some((path, package)) => {
                    let source = if path.is_empty() {
                        String::new()
                    } else {
                        project.files.read_to_string(&path).unwrap_or_default()
                    };
                    let parsed = parse_kept(&path, &source);
                    let own_package = if package {
                        name.clone()
                    } else {
                        parent(&name).to_string()
                    };
                    if let Ok(parsed) = &parsed {
                        imports_in(&parsed.body, &own_package, &mut wanted);
                    }
                    self.modules.push(ProjectModule {
                        name,
                        path,
                        source,
                        parsed,
                        package,
                    });
                }
                None => self.missing.push(name),
            }
        }
    }
}

impl ModuleSet {
    /// For an import of `dotted`, the module Python would report missing
    /// (`No module named '...'`): the first prefix that is neither a library nor the
    /// project's. `None` when it can be imported, or when the project was not searched.
    pub fn missing_module(&self, dotted: &str) -> Option<String> {
        if !self.searched || is_library(top_level(dotted)) {
            return None;
        }
        let mut prefix = String::new();
        for part in dotted.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            if self.find(&prefix).is_none() {
                return Some(prefix);
            }
        }
        None
    }
}

impl ModuleSet {
    /// The module an import statement (in package `package`) cannot find, as Python names it.
    pub fn missing_import(&self, statement: &Stmt, package: Option<&str>) -> Option<String> {
        match &statement.kind {
            StmtKind::Import { names } => names
                .iter()
                .find_map(|alias| self.missing_module(&alias.name)),
            StmtKind::ImportFrom { module, level, .. } => {
                let name = match package {
                    Some(package) => absolute(package, *level, module.as_deref()),
                    None if *level == 0 => module.clone(),
                    None => None,
                };
                self.missing_module(&name?)
            }
            _ => None,
        }
    }
}

fn parent(name: &str) -> &str {
    name.rsplit_once('.')
        .map(|(parent, _)| parent)
        .unwrap_or("")
}

/// `from ..x import y` in package `package`: the absolute module name (`None` when the dots
/// go above the top-level package).
pub fn absolute(package: &str, level: u32, module: Option<&str>) -> Option<String> {
    if level == 0 {
        return module.map(str::to_string);
    }
    let mut base = package.to_string();
    for _ in 1..level {
        if base.is_empty() {
            return None;
        }
        base = parent(&base).to_string();
    }
    if base.is_empty() {
        return None;
    }
    Some(match module {
        Some(module) => format!("{base}.{module}"),
        None => base,
    })
}

/// Every module an import statement in `body` (at any depth) may load: each prefix of a
/// dotted name, and `from m import n`'s `m.n` (which may be a submodule).
fn imports_in(body: &[Stmt], package: &str, out: &mut Vec<String>) {
    let add = |dotted: &str, out: &mut Vec<String>| {
        if is_library(top_level(dotted)) {
            return;
        }
        let mut prefix = String::new();
        for part in dotted.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            if !out.contains(&prefix) {
                out.push(prefix.clone());
            }
        }
    };
    for statement in body {
        match &statement.kind {
            StmtKind::Import { names } => {
                for alias in names {
                    add(&alias.name, out);
                }
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                let Some(base) = absolute(package, *level, module.as_deref()) else {
                    continue;
                };
                if is_library(top_level(&base)) {
                    continue; // (nor are its names: `from alembic import op`)
                }
                add(&base, out);
                for alias in names {
                    if alias.name != "*" {
                        add(&format!("{base}.{}", alias.name), out);
                    }
                }
            }
            _ => {}
        }
        statement.for_each_block(&mut |block| imports_in(block, package, out));
    }
}

/// `a.b` → (`<root>/a/b.py`, false) or (`<root>/a/b/__init__.py`, true), in the first
/// search path that has it; a folder without `__init__.py` is a namespace package (no file).
fn locate(project: &ProjectFiles, dotted: &str) -> Option<(String, bool)> {
    let relative = dotted.replace('.', "/");
    let mut namespace = None;
    for root in &project.search_paths {
        let base = crate::host::join(root, &relative);
        let init = format!("{base}/__init__.py");
        if project.files.is_file(&init) {
            return Some((init, true));
        }
        let file = format!("{base}.py");
        if project.files.is_file(&file) {
            return Some((file, false));
        }
        if namespace.is_none() && project.files.is_dir(&base) {
            namespace = Some((String::new(), true));
        }
    }
    namespace
}
