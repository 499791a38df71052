//! env.py running as a program, as Alembic's `script.run_env()` runs it: its module body
//! executes top to bottom in the interpreter, with the names Alembic and SQLAlchemy give it —
//! `alembic.context` (`config`, `is_offline_mode()`, `configure(...)`, `begin_transaction()`,
//! `run_migrations()`, `get_x_argument()`), the `Config` object (`get_main_option`,
//! `get_section`, `set_main_option`, `config_ini_section`, `config_file_name`, `attributes`,
//! `cmd_opts`), `engine_from_config` / `create_engine` and the engine's `connect()`,
//! `logging.config.fileConfig` and `logging.getLogger(...)`, `sys.modules`, `os.environ`.
//!
//! Owns: [`EnvProgram`] (env.py and the project modules it imports, parsed once), [`EnvRun`]
//! (the finished run: what `configure(...)` received, whether `run_migrations()` was called,
//! what env.py printed, and the interpreter kept alive so the command can call env.py's own
//! functions — `include_object`, `include_name`, callable `compare_type`).
//!
//! Deliberately: `context.run_migrations()` records that it was called; the command runs the
//! migrations right after env.py returns, with what `configure(...)` set. Everything env.py does
//! before that call happens before the migrations, as under Alembic; what it does after the call
//! (rare: a log line after the `with` block) happens before them here. The process environment
//! is empty (`os.environ.get(...)` gives its default), in the page and in the CLI, so a run does
//! not depend on the machine.

use std::rc::Rc;

use crate::host::FileSystem;
use crate::python::{Module, Span};
use crate::script::load::RevisionScript;

use super::args::{Arg, Call, KwArg};
use super::eval::Evaluator;
use super::modules::{ModuleSet, ProjectFiles, ProjectModule};
use super::value::Value;
use super::ExecError;

/// What Alembic's `Config` and command line give env.py.
#[derive(Debug, Clone, Default)]
pub struct EnvSettings {
    /// `context.is_offline_mode()` (`--sql`).
    pub offline: bool,
    /// `config.config_file_name`, as given on the command line (`alembic.ini`).
    pub config_file_name: String,
    /// `config.config_ini_section` (`-n`, default `alembic`).
    pub ini_section: String,
    /// The ini file (`config.get_section`, `get_main_option`: read when env.py asks).
    pub ini: std::rc::Rc<crate::config::ini::Ini>,
    /// `-x` arguments, as given.
    pub x_arguments: Vec<String>,
    /// `config.cmd_opts.autogenerate` (`None`: the command has no such option).
    pub autogenerate: Option<bool>,
}

/// What env.py did so far in a run (the interpreter's state for it).
#[derive(Default)]
pub(super) struct EnvState<'a> {
    pub settings: Option<&'a EnvSettings>,
    /// the keyword arguments of the last `context.configure(...)`, with where each was written
    pub configured: Option<Vec<KwArg>>,
    pub run_migrations: bool,
    pub file_config: bool,
    /// `config.set_main_option(...)` / `set_section_option(...)`: (section, key, value)
    pub overrides: Vec<(String, String, String)>,
    /// the URL of each engine made (`Value::Foreign("sqlalchemy.Engine#<i>")`)
    pub engines: Vec<String>,
    /// what env.py printed: (to stderr, text)
    pub output: Vec<(bool, String)>,
    /// what `render_item` added to `autogen_context.imports`
    pub render_imports: Vec<String>,
}

const CONTEXT: &str = "alembic.context";
const CONFIG: &str = "alembic.context.config";
const CMD_OPTS: &str = "alembic.context.config.cmd_opts";
const ENGINE: &str = "sqlalchemy.Engine#";
/// `op.get_bind().engine`
pub(super) const BIND_ENGINE: &str = "sqlalchemy.Engine#bind";
const LOGGER: &str = "logging.Logger#";
/// `event.listens_for(...)`: a decorator keeping the function as it is
const LISTENER: &str = "sqlalchemy.event.listens_for()";
/// `render_item`'s third argument
const AUTOGEN_CONTEXT: &str = "alembic.autogenerate.api.AutogenContext";
const AUTOGEN_IMPORTS_ADD: &str = "alembic.autogenerate.api.AutogenContext.imports.add";
pub(super) const TRANSACTION: &str = "alembic.context.begin_transaction()";

/// env.py and the project modules it imports, parsed and found once per command.
pub struct EnvProgram {
    script: RevisionScript,
    modules: ModuleSet,
    settings: EnvSettings,
    search_paths: Vec<String>,
}

impl EnvProgram {
    pub fn new(
        files: &dyn FileSystem,
        search_paths: Vec<String>,
        path: &str,
        source: &str,
        module: &Rc<Module>,
        settings: EnvSettings,
    ) -> EnvProgram {
        let project = ProjectFiles {
            files,
            search_paths: search_paths.clone(),
        };
        let mut modules = ModuleSet::new();
        modules.discover(&project, module, "");
        // env.py itself is a module of the run, as `load_python_file` makes it (`env_py`)
        modules.modules.push(ProjectModule {
            name: "env_py".to_string(),
            path: path.to_string(),
            source: source.to_string(),
            parsed: Ok(Rc::clone(module)),
            package: false,
        });
        EnvProgram {
            script: RevisionScript {
                id: String::new(),
                path: path.to_string(),
                down_revisions: Vec::new(),
                branch_labels: Vec::new(),
                dependencies: Vec::new(),
                longdoc: String::new(),
                source: source.to_string(),
                module: Rc::clone(module),
            },
            modules,
            settings,
            search_paths,
        }
    }

    /// `error` with a located file named relative to the project (`models.py:3:1: ...`).
    pub fn relative(&self, mut error: ExecError) -> ExecError {
        if let ExecError::Unsupported { path, .. } = &mut error {
            if let Some(short) = self
                .search_paths
                .iter()
                .find_map(|root| path.strip_prefix(&format!("{root}/")))
            {
                *path = short.to_string();
            }
        }
        error
    }

    /// Runs env.py's module body. The run is returned even when env.py raised, with the error:
    /// what it printed before the error is part of the output.
    pub fn run(&self) -> (EnvRun<'_>, Result<(), ExecError>) {
        let mut evaluator = Evaluator::new(&self.script, super::eval::MODULE, &self.modules, None);
        evaluator.env.settings = Some(&self.settings);
        let index = (self.modules.modules.len() - 1) as u32;
        let result = evaluator.load_module(index, Span::default());
        (EnvRun { evaluator }, result)
    }
}

/// A finished env.py run.
pub struct EnvRun<'p> {
    evaluator: Evaluator<'p>,
}

/// The `configure(...)` options the migration context and autogenerate honour.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvOptions {
    pub transactional_ddl: Option<bool>,
    pub transaction_per_migration: bool,
    pub render_as_batch: bool,
    pub compare_type: bool,
    pub compare_server_default: bool,
    pub version_table: String,
    pub version_table_pk: bool,
    /// `target_metadata=` was passed and is not `None`.
    pub has_target_metadata: bool,
    /// its `naming_convention`, when it is one `MetaData` (Alembic reads the attribute; a
    /// list has none)
    pub naming_convention: Vec<(String, String)>,
    /// the command line's `-x` arguments
    pub x_arguments: Vec<String>,
}

/// What the command reads of a `configure(...)` keyword.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvOption {
    Bool(bool),
    Str(String),
    /// a function of env.py (or another callable)
    Callable,
    /// anything else (`None` included)
    Other,
}

impl<'p> EnvRun<'p> {
    /// Whether env.py called `context.configure(...)`.
    pub fn configured(&self) -> bool {
        self.evaluator.env.configured.is_some()
    }

    pub fn ran_migrations(&self) -> bool {
        self.evaluator.env.run_migrations
    }

    /// Whether env.py called `fileConfig(...)` (only then do Alembic's log lines print).
    pub fn configures_logging(&self) -> bool {
        self.evaluator.env.file_config
    }

    /// What env.py printed, in order: (to stderr, text).
    pub fn take_output(&mut self) -> Vec<(bool, String)> {
        std::mem::take(&mut self.evaluator.env.output)
    }

    fn keyword(&self, name: &str) -> Option<&KwArg> {
        self.evaluator
            .env
            .configured
            .as_ref()?
            .iter()
            .rev()
            .find(|keyword| keyword.name == name)
    }

    /// The options of the last `configure(...)` (Alembic's defaults where not passed).
    pub fn options(&self) -> EnvOptions {
        let flag = |name: &str| match self.option(name) {
            Some(EnvOption::Bool(b)) => Some(b),
            // a callable compares as Alembic's default does where it returns None
            Some(EnvOption::Callable) => Some(true),
            _ => None,
        };
        EnvOptions {
            transactional_ddl: flag("transactional_ddl"),
            transaction_per_migration: flag("transaction_per_migration").unwrap_or(false),
            render_as_batch: flag("render_as_batch").unwrap_or(false),
            compare_type: flag("compare_type").unwrap_or(true),
            compare_server_default: flag("compare_server_default").unwrap_or(false),
            version_table: match self.option("version_table") {
                Some(EnvOption::Str(name)) => name,
                _ => "alembic_version".to_string(),
            },
            version_table_pk: flag("version_table_pk").unwrap_or(true),
            has_target_metadata: self
                .keyword("target_metadata")
                .is_some_and(|k| !matches!(k.value, Value::None)),
            naming_convention: match self.keyword("target_metadata").map(|k| &k.value) {
                Some(Value::MetaData(id)) => self
                    .evaluator
                    .metadatas
                    .get(*id as usize)
                    .map(|m| m.naming_convention.clone())
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
            x_arguments: self.evaluator.x_arguments(),
        }
    }

    /// A `configure(...)` keyword (`None`: not passed).
    pub fn option(&self, name: &str) -> Option<EnvOption> {
        let keyword = self.keyword(name)?;
        Some(match &keyword.value {
            Value::Bool(b) => EnvOption::Bool(*b),
            Value::Str(s) => EnvOption::Str(s.clone()),
            Value::UserFunction(_) | Value::BoundMethod(..) => EnvOption::Callable,
            _ => EnvOption::Other,
        })
    }

    /// The URL migrations run against: `configure(url=...)`, else the engine the
    /// `connection=` came from, else `None` (the ini's).
    pub fn url(&self) -> Option<String> {
        if let Some(EnvOption::Str(url)) = self.option("url") {
            return Some(url);
        }
        match self.keyword("connection").map(|k| &k.value) {
            Some(Value::Connection) => self.evaluator.env.engines.last().cloned(),
            _ => None,
        }
    }

    /// The value of `target_metadata=` as autogenerate reads it: the tables, in
    /// `MetaData.sorted_tables` order. `None` when it is not passed or is `None`.
    pub fn target_tables(&self) -> Option<Result<Vec<crate::autogen::SchemaTable>, ExecError>> {
        let keyword = self.keyword("target_metadata")?;
        if matches!(keyword.value, Value::None) {
            return None;
        }
        Some(super::models::tables_of(
            &keyword.value,
            &self.evaluator.metadatas,
            &self.evaluator.script.path,
            &self.evaluator.script.source,
            keyword.span,
        ))
    }

    /// Calls env.py's `compare_type` / `compare_server_default` function `name`: `None` when
    /// it returned `None` (Alembic goes on with its own comparison), else its truth. The outer
    /// `None`: no such function was configured.
    pub fn call_comparator(
        &mut self,
        name: &str,
        args: &[HookArg],
    ) -> Option<Result<Option<bool>, ExecError>> {
        if !self.has_hook(name) {
            return None;
        }
        let keyword = self.keyword(name)?.clone();
        let args = args
            .iter()
            .map(|arg| Arg {
                value: hook_value(arg),
                span: keyword.span,
            })
            .collect();
        let result = self
            .evaluator
            .call(keyword.value, args, Vec::new(), keyword.span)
            .and_then(|value| match value {
                Value::None => Ok(None),
                value => self.evaluator.truth(&value, keyword.span).map(Some),
            });
        Some(result)
    }

    /// Calls env.py's `render_item(type_, obj, autogen_context)` as Alembic's renderer does:
    /// `None` without one; else `Ok(None)` when it returned `False`, `Ok(Some(None))` for
    /// `None`, else the text of what it returned (`"%s" % rendered`).
    #[allow(clippy::type_complexity)]
    pub fn render_item(
        &mut self,
        kind: &str,
        object: &HookArg,
    ) -> Option<Result<Option<Option<String>>, ExecError>> {
        if !self.has_hook("render_item") {
            return None;
        }
        let keyword = self.keyword("render_item")?.clone();
        let span = keyword.span;
        let args = [
            Value::Str(kind.to_string()),
            hook_value(object),
            Value::Foreign(AUTOGEN_CONTEXT.to_string()),
        ]
        .map(|value| Arg { value, span });
        let result = self
            .evaluator
            .call(keyword.value, args.into(), Vec::new(), span);
        Some(result.map(|value| match value {
            Value::Bool(false) => None,
            Value::None => Some(None),
            other => Some(Some(super::builtins::text(&other))),
        }))
    }

    /// What `render_item` added to `autogen_context.imports` so far.
    pub fn take_render_imports(&mut self) -> Vec<String> {
        std::mem::take(&mut self.evaluator.env.render_imports)
    }

    /// The name `<function NAME at 0x...>` of a configured function (for Alembic's log line).
    pub fn function_name(&self, name: &str) -> Option<String> {
        match self.keyword(name)?.value {
            Value::UserFunction(id) | Value::BoundMethod(_, id) => self.evaluator.function_name(id),
            _ => None,
        }
    }

    /// Calls env.py's `include_object` / `include_name` style hook `name` with `args` (strings,
    /// booleans and `None`): its truth. `None` when no such callable was configured.
    pub fn call_hook(&mut self, name: &str, args: &[HookArg]) -> Option<Result<bool, ExecError>> {
        // `None` returned is false, as Python's truth of it
        self.call_comparator(name, args)
            .map(|result| result.map(|answer| answer.unwrap_or(false)))
    }
}

/// The one `MigrationScript` a revision command makes, as env.py's
/// `process_revision_directives(context, revision, directives)` sees it and may change it.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectiveScript {
    pub rev_id: String,
    pub message: Option<String>,
    pub head: String,
    pub splice: bool,
    pub branch_label: Option<String>,
    pub version_path: Option<String>,
    pub depends_on: Vec<String>,
    /// how many operations autogenerate put in `upgrade_ops` (and so in `downgrade_ops`,
    /// their reverse)
    pub upgrade_ops: usize,
}

const MIGRATION_SCRIPT: &str = "MigrationScript";
const UPGRADE_OPS: &str = "alembic.operations.ops.UpgradeOps#";
const DOWNGRADE_OPS: &str = "alembic.operations.ops.DowngradeOps#";

impl EnvRun<'_> {
    /// Whether `configure(...)` was given a function for the hook `name`.
    pub fn has_hook(&self, name: &str) -> bool {
        self.keyword(name).is_some_and(|keyword| {
            matches!(
                keyword.value,
                Value::UserFunction(_) | Value::BoundMethod(..)
            )
        })
    }

    /// Calls env.py's `process_revision_directives` as `RevisionContext` does, with the
    /// database's current heads and a one-item `directives` list. `None` when none was
    /// configured; else the scripts left in the list (none: no file is written), with what
    /// the hook set on them. Operations the hook adds to or removes from `upgrade_ops` are
    /// not read back (the rendered file is autogenerate's).
    pub fn process_revision_directives(
        &mut self,
        heads: &[String],
        script: &DirectiveScript,
    ) -> Option<Result<Vec<DirectiveScript>, ExecError>> {
        if !self.has_hook("process_revision_directives") {
            return None;
        }
        let keyword = self.keyword("process_revision_directives")?.clone();
        Some(self.run_directives_hook(keyword.value, keyword.span, heads, script))
    }

    fn run_directives_hook(
        &mut self,
        hook: Value,
        span: Span,
        heads: &[String],
        script: &DirectiveScript,
    ) -> Result<Vec<DirectiveScript>, ExecError> {
        let optional =
            |value: &Option<String>| value.clone().map(Value::Str).unwrap_or(Value::None);
        let depends_on = match script.depends_on.as_slice() {
            [] => Value::None,
            [one] => Value::Str(one.clone()),
            many => Value::Tuple(many.iter().cloned().map(Value::Str).collect()),
        };
        let upgrade_ops = Value::Foreign(format!("{UPGRADE_OPS}{}", script.upgrade_ops));
        let downgrade_ops = Value::Foreign(format!("{DOWNGRADE_OPS}{}", script.upgrade_ops));
        let object = self.evaluator.library_object(
            MIGRATION_SCRIPT,
            vec![
                ("rev_id", Value::Str(script.rev_id.clone())),
                ("message", optional(&script.message)),
                ("head", Value::Str(script.head.clone())),
                ("splice", Value::Bool(script.splice)),
                ("branch_label", optional(&script.branch_label)),
                ("version_path", optional(&script.version_path)),
                ("depends_on", depends_on),
                ("upgrade_ops_list", Value::List(vec![upgrade_ops.clone()])),
                (
                    "downgrade_ops_list",
                    Value::List(vec![downgrade_ops.clone()]),
                ),
                ("upgrade_ops", upgrade_ops),
                ("downgrade_ops", downgrade_ops),
            ],
            span,
        )?;
        let arg = |value: Value| Arg { value, span };
        let args = vec![
            arg(Value::Context),
            arg(Value::Tuple(
                heads.iter().cloned().map(Value::Str).collect(),
            )),
            arg(Value::List(vec![object])),
        ];
        let (result, directives) = self.evaluator.call_reading_back(hook, args, 2, span);
        result?;
        let items = match directives {
            Some(Value::List(items)) => items,
            // rebound to something else: Alembic goes on with its own list, unchanged
            _ => return Ok(vec![script.clone()]),
        };
        let mut scripts = Vec::new();
        for item in &items {
            match self.read_directive(item, script) {
                Some(read) => scripts.push(read),
                None => {
                    return Err(self.evaluator.unsupported(
                        span,
                        "process_revision_directives() left something other than a MigrationScript in directives; the playground writes the MigrationScript it was given",
                    ))
                }
            }
        }
        Ok(scripts)
    }

    /// A `MigrationScript` of the list after the hook, with what the hook set on it (`None`:
    /// something else was put in the list).
    fn read_directive(&self, item: &Value, script: &DirectiveScript) -> Option<DirectiveScript> {
        let Value::Instance(id) = item else {
            return None;
        };
        let attrs = self.evaluator.instance_attrs(*id)?;
        let text = |name: &str| match attrs.get(name) {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let depends_on = match attrs.get("depends_on") {
            Some(Value::Tuple(items) | Value::List(items)) => items.clone(),
            Some(one) => vec![one.clone()],
            None => Vec::new(),
        };
        Some(DirectiveScript {
            rev_id: text("rev_id").unwrap_or_else(|| script.rev_id.clone()),
            message: text("message"),
            head: text("head").unwrap_or_else(|| script.head.clone()),
            splice: matches!(attrs.get("splice"), Some(Value::Bool(true))),
            branch_label: text("branch_label"),
            version_path: text("version_path"),
            depends_on: depends_on
                .into_iter()
                .filter_map(|item| match item {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect(),
            ..script.clone()
        })
    }
}

fn hook_value(arg: &HookArg) -> Value {
    match arg {
        HookArg::Str(s) => Value::Str(s.clone()),
        HookArg::Bool(b) => Value::Bool(*b),
        HookArg::None => Value::None,
        HookArg::Object(kind) => Value::Foreign(format!("sqlalchemy.{kind}")),
        HookArg::Names(names) => Value::Dict(
            names
                .iter()
                .map(|(k, v)| {
                    let v = v.clone().map(Value::Str).unwrap_or(Value::None);
                    (Value::Str(k.to_string()), v)
                })
                .collect(),
        ),
        HookArg::Context => Value::Context,
        HookArg::Column(column) => {
            let mut made = crate::ops::Column::new(&column.name, column.type_.clone());
            made.nullable = Some(column.nullable);
            made.primary_key = column.primary_key;
            made.server_default = column.server_default.clone();
            made.autoincrement = column.autoincrement;
            made.comment = column.comment.clone();
            Value::Column(Box::new(made))
        }
        HookArg::Type(sql_type) => Value::Type(sql_type.clone()),
        HookArg::ServerDefault(default) => default
            .clone()
            .map(Value::SqlDefault)
            .unwrap_or(Value::None),
    }
}

/// An argument of an env.py hook.
#[derive(Debug, Clone)]
pub enum HookArg {
    Str(String),
    Bool(bool),
    None,
    /// the migration context
    Context,
    /// a column of the models or of the database, as a `Column` object
    Column(crate::autogen::SchemaColumn),
    Type(crate::ops::SqlType),
    ServerDefault(Option<crate::ops::ServerDefault>),
    /// the schema object (`Table`, `Column`...), opaque to the hook
    Object(&'static str),
    /// `include_name`'s `parent_names`
    Names(Vec<(&'static str, Option<String>)>),
}

impl EnvState<'_> {
    fn option(&self, section: &str, key: &str) -> Option<String> {
        if let Some((_, _, value)) = self
            .overrides
            .iter()
            .rev()
            .find(|(s, k, _)| s == section && k == key)
        {
            return Some(value.clone());
        }
        self.settings?.ini.get(section, key).ok().flatten()
    }

    fn section(&self, section: &str) -> Option<Vec<(String, String)>> {
        let ini = &self.settings?.ini;
        if !ini.has_section(section) {
            return None;
        }
        let mut options = ini.items(section).unwrap_or_default();
        for (s, key, value) in &self.overrides {
            if s != section {
                continue;
            }
            match options.iter_mut().find(|(k, _)| k == key) {
                Some(found) => found.1 = value.clone(),
                None => options.push((key.clone(), value.clone())),
            }
        }
        Some(options)
    }

    fn ini_section(&self) -> String {
        self.settings
            .map(|s| s.ini_section.clone())
            .unwrap_or_else(|| "alembic".to_string())
    }
}

fn str_dict(options: Vec<(String, String)>) -> Value {
    Value::Dict(
        options
            .into_iter()
            .map(|(k, v)| (Value::Str(k), Value::Str(v)))
            .collect(),
    )
}

/// `<name>.<attr>` for the names env.py gets from Alembic and the libraries it configures
/// (`None`: an opaque name, as for any library).
pub(super) fn attribute(ev: &Evaluator, name: &str, attr: &str) -> Option<Value> {
    let env = &ev.env;
    Some(match (name, attr) {
        (CONFIG, "config_ini_section") => Value::Str(env.ini_section()),
        (CONFIG, "config_file_name") => Value::Str(
            env.settings
                .map(|s| s.config_file_name.clone())
                .unwrap_or_default(),
        ),
        // nothing is handed in by a calling program (`config.attributes.get("connection")`)
        (CONFIG, "attributes") => Value::Dict(Vec::new()),
        (CMD_OPTS, "autogenerate") => Value::Bool(env.settings.and_then(|s| s.autogenerate)?),
        (CMD_OPTS, "x") => Value::List(
            env.settings
                .map(|s| s.x_arguments.iter().cloned().map(Value::Str).collect())
                .unwrap_or_default(),
        ),
        ("sys", "modules") => Value::Dict(
            ev.loaded_module_names()
                .into_iter()
                .map(|name| (Value::Str(name.clone()), Value::Foreign(name)))
                .collect(),
        ),
        ("os", "environ") => Value::Dict(Vec::new()),
        (logger, "handlers") if logger.starts_with(LOGGER) => Value::List(Vec::new()),
        (logger, "name") if logger.starts_with(LOGGER) => {
            Value::Str(logger.strip_prefix(LOGGER).unwrap_or(logger).to_string())
        }
        (engine, "url") if engine.starts_with(ENGINE) => Value::Str(engine_url(ev, engine)?),
        (engine, "name") if engine.starts_with(ENGINE) => Value::Str("sqlite".to_string()),
        (engine, "dialect") if engine.starts_with(ENGINE) => Value::Dialect,
        (ops, "ops") if ops.starts_with(UPGRADE_OPS) || ops.starts_with(DOWNGRADE_OPS) => {
            let count = crate::python::parse_int(ops.rsplit('#').next()?, 10)?;
            Value::List(vec![
                Value::Foreign(
                    "alembic.operations.ops.MigrateOperation".to_string()
                );
                count
            ])
        }
        _ => return None,
    })
}

/// The AttributeError Python raises for `<name>.<attr>`, where Alembic's object lacks it:
/// `config.cmd_opts.autogenerate` outside `revision` (argparse's `Namespace` has only the
/// command's own options).
pub(super) fn missing_attribute(ev: &Evaluator, name: &str, attr: &str) -> Option<String> {
    let settings = ev.env.settings?;
    (name == CMD_OPTS && attr == "autogenerate" && settings.autogenerate.is_none())
        .then(|| format!("'Namespace' object has no attribute '{attr}'"))
}

fn engine_url(ev: &Evaluator, engine: &str) -> Option<String> {
    let index: usize = crate::python::parse_int(engine.strip_prefix(ENGINE)?, 10)?;
    ev.env.engines.get(index).cloned()
}

/// Whether `name` is a callable this module runs.
pub(super) fn handles(name: &str) -> bool {
    matches!(
        name,
        "sqlalchemy.engine_from_config"
            | "sqlalchemy.create_engine"
            | "sqlalchemy.engine.engine_from_config"
            | "sqlalchemy.engine.create_engine"
            | "logging.config.fileConfig"
            | "logging.getLogger"
            | "os.getenv"
            | "sqlalchemy.event.listens_for"
            | LISTENER
            | AUTOGEN_IMPORTS_ADD
    ) || name.rsplit_once('.').is_some_and(|(owner, _)| {
        owner == CONTEXT
            || owner == CONFIG
            || owner.starts_with(ENGINE)
            || owner.starts_with(LOGGER)
            || owner.starts_with(UPGRADE_OPS)
            || owner.starts_with(DOWNGRADE_OPS)
    })
}

fn positional_str(args: &[Arg], at: usize) -> Option<String> {
    match args.get(at).map(|arg| &arg.value) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

fn keyword_or_positional(args: &[Arg], keywords: &[KwArg], at: usize, name: &str) -> Value {
    keywords
        .iter()
        .find(|k| k.name == name)
        .map(|k| k.value.clone())
        .or_else(|| args.get(at).map(|arg| arg.value.clone()))
        .unwrap_or(Value::None)
}

/// Calls one of the names [`handles`] accepts.
pub(super) fn call(ev: &mut Evaluator, call: Call<'_>) -> Result<Value, ExecError> {
    let (name, args, keywords, span) = call.parts();
    // engine events (the pysqlite recipe for real transactional DDL: `BEGIN` on "begin"):
    // the migration context already runs SQLite's transactions as configured
    if name == "sqlalchemy.event.listens_for" {
        return Ok(Value::Foreign(LISTENER.to_string()));
    }
    if name == AUTOGEN_IMPORTS_ADD {
        if let Some(Value::Str(import)) = args.first().map(|arg| &arg.value) {
            ev.env.render_imports.push(import.clone());
        }
        return Ok(Value::None);
    }
    if name == LISTENER {
        return Ok(args
            .into_iter()
            .next()
            .map(|arg| arg.value)
            .unwrap_or(Value::None));
    }
    let (owner, method) = name.rsplit_once('.').unwrap_or(("", name));
    if let Some(logger) = owner.strip_prefix(LOGGER) {
        return log(ev, logger, method, args, span);
    }
    if owner.starts_with(UPGRADE_OPS) || owner.starts_with(DOWNGRADE_OPS) {
        return match method {
            "is_empty" => Ok(Value::Bool(owner.rsplit('#').next() == Some("0"))),
            _ => Err(ev.unsupported(
                span,
                format!("the playground cannot call UpgradeOps.{method}() in env.py"),
            )),
        };
    }
    if owner.starts_with(ENGINE) {
        return match method {
            "connect" | "begin" => Ok(Value::Connection),
            "dispose" => Ok(Value::None),
            _ => Err(ev.unsupported(
                span,
                format!("the playground cannot call Engine.{method}() in env.py"),
            )),
        };
    }
    match (owner, method) {
        (CONTEXT, "configure") => {
            ev.env.configured = Some(keywords);
            Ok(Value::None)
        }
        (CONTEXT, "run_migrations") => {
            ev.env.run_migrations = true;
            Ok(Value::None)
        }
        (CONTEXT, "begin_transaction") => Ok(Value::Foreign(TRANSACTION.to_string())),
        (CONTEXT, "is_offline_mode") => Ok(Value::Bool(ev.env.settings.is_some_and(|s| s.offline))),
        (CONTEXT, "get_x_argument") => {
            let arguments = ev.x_arguments();
            let as_dictionary = ev.truth(
                &keyword_or_positional(&args, &keywords, 0, "as_dictionary"),
                span,
            )?;
            Ok(if as_dictionary {
                Value::Dict(
                    arguments
                        .iter()
                        .map(|argument| {
                            let (key, value) = argument.split_once('=').unwrap_or((argument, ""));
                            (Value::Str(key.to_string()), Value::Str(value.to_string()))
                        })
                        .collect(),
                )
            } else {
                Value::List(arguments.into_iter().map(Value::Str).collect())
            })
        }
        (CONTEXT, "get_context") => Ok(Value::Context),
        (CONFIG, "get_main_option" | "get_section_option") => {
            let (section, key_at) = if method == "get_main_option" {
                (ev.env.ini_section(), 0)
            } else {
                (positional_str(&args, 0).unwrap_or_default(), 1)
            };
            let Some(key) = positional_str(&args, key_at) else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    format!("Config.{method}() missing 1 required positional argument: 'name'"),
                ));
            };
            Ok(match ev.env.option(&section, &key) {
                Some(value) => Value::Str(value),
                None => keyword_or_positional(&args, &keywords, key_at + 1, "default"),
            })
        }
        (CONFIG, "get_section") => {
            let section = positional_str(&args, 0).unwrap_or_default();
            Ok(match ev.env.section(&section) {
                Some(options) => str_dict(options),
                None => keyword_or_positional(&args, &keywords, 1, "default"),
            })
        }
        (CONFIG, "set_main_option" | "set_section_option") => {
            let (section, at) = if method == "set_main_option" {
                (ev.env.ini_section(), 0)
            } else {
                (positional_str(&args, 0).unwrap_or_default(), 1)
            };
            match (positional_str(&args, at), positional_str(&args, at + 1)) {
                (Some(key), Some(value)) => {
                    ev.env.overrides.push((section, key, value));
                    Ok(Value::None)
                }
                _ => Err(ev.unsupported(
                    span,
                    format!("the playground runs config.{method}() with string arguments"),
                )),
            }
        }
        (_, "engine_from_config") => {
            let prefix = match keywords.iter().find(|k| k.name == "prefix") {
                Some(KwArg {
                    value: Value::Str(prefix),
                    ..
                }) => prefix.clone(),
                _ => positional_str(&args, 1).unwrap_or_else(|| "sqlalchemy.".to_string()),
            };
            let key = format!("{prefix}url");
            let url = match args.first().map(|arg| &arg.value) {
                Some(Value::Dict(items)) => items.iter().find_map(|(k, v)| match (k, v) {
                    (Value::Str(k), Value::Str(v)) if *k == key => Some(v.clone()),
                    _ => None,
                }),
                _ => None,
            };
            match url {
                Some(url) => Ok(new_engine(ev, url)),
                None => Err(ev.python(span, "KeyError", "'url'")),
            }
        }
        (_, "create_engine") => match positional_str(&args, 0) {
            Some(url) => Ok(new_engine(ev, url)),
            None => Err(ev.unsupported(
                span,
                "the playground runs create_engine() with a URL string",
            )),
        },
        (_, "fileConfig") => {
            ev.env.file_config = true;
            Ok(Value::None)
        }
        (_, "getLogger") => {
            let name = positional_str(&args, 0).unwrap_or_else(|| "root".to_string());
            Ok(Value::Foreign(format!("{LOGGER}{name}")))
        }
        (_, "getenv") => Ok(keyword_or_positional(&args, &keywords, 1, "default")),
        _ => Err(ev.unsupported(
            span,
            format!("the playground cannot call '{name}(...)' in env.py"),
        )),
    }
}

fn new_engine(ev: &mut Evaluator, url: String) -> Value {
    ev.env.engines.push(url);
    Value::Foreign(format!("{ENGINE}{}", ev.env.engines.len() - 1))
}

/// `logger.info(msg, *args)` and its siblings, as `fileConfig` of Alembic's ini sets logging
/// up: the `alembic` loggers at INFO, everything else at WARNING, `%(levelname)-5.5s
/// [%(name)s] %(message)s` to stderr. Nothing prints before `fileConfig` is called.
fn log(
    ev: &mut Evaluator,
    logger: &str,
    method: &str,
    args: Vec<Arg>,
    span: Span,
) -> Result<Value, ExecError> {
    let level = match method {
        "debug" => 10,
        "info" => 20,
        "warning" | "warn" => 30,
        "error" | "exception" => 40,
        "critical" => 50,
        "setLevel" | "addHandler" | "removeHandler" => return Ok(Value::None),
        _ => {
            return Err(ev.unsupported(
                span,
                format!("the playground cannot call Logger.{method}()"),
            ))
        }
    };
    let mut args = args.into_iter();
    let Some(message) = args.next() else {
        return Err(ev.python(
            span,
            "TypeError",
            format!("Logger.{method}() missing 1 required positional argument: 'msg'"),
        ));
    };
    let rest: Vec<Value> = args.map(|arg| arg.value).collect();
    let text = match (message.value, rest.is_empty()) {
        (Value::Str(text), true) => text,
        // `msg % args` as logging applies it (a lone dict is the mapping); a message the
        // arguments do not fit is printed as it is
        (Value::Str(text), false) => {
            let args = match rest.as_slice() {
                [Value::Dict(_)] => rest[0].clone(),
                _ => Value::Tuple(rest),
            };
            super::format::percent(&text, &args).unwrap_or(text)
        }
        (other, _) => super::builtins::text(&other),
    };
    let threshold = if logger == "alembic" || logger.starts_with("alembic.") {
        20
    } else {
        30
    };
    if ev.env.file_config && level >= threshold {
        let name = match level {
            10 => "DEBUG",
            20 => "INFO ",
            30 => "WARNI",
            40 => "ERROR",
            _ => "CRITI",
        };
        ev.env
            .output
            .push((true, format!("{name} [{logger}] {text}\n")));
    }
    Ok(Value::None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::MemoryFs;

    fn run_env(source: &str, offline: bool) -> (EnvProgram, Result<(), ExecError>) {
        let files = MemoryFs::new();
        let module = Rc::new(crate::python::parse_module(source).unwrap());
        let settings = EnvSettings {
            offline,
            config_file_name: "/p/alembic.ini".to_string(),
            ini_section: "alembic".to_string(),
            ini: Rc::new(
                crate::config::ini::Ini::parse(
                    "[alembic]\nsqlalchemy.url = sqlite:///app.db\n",
                    &[],
                )
                .unwrap(),
            ),
            x_arguments: vec!["tenant=acme".to_string()],
            autogenerate: Some(false),
        };
        let program = EnvProgram::new(
            &files,
            Vec::new(),
            "/p/migrations/env.py",
            source,
            &module,
            settings,
        );
        let result = program.run().1;
        (program, result)
    }

    const ENV: &str = r#"
import logging
from logging.config import fileConfig
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
fileConfig(config.config_file_name)
log = logging.getLogger("alembic.env")
tenant = context.get_x_argument(as_dictionary=True).get("tenant")
config.set_main_option("sqlalchemy.url", f"sqlite:///{tenant}.db")
log.info("tenant %s", tenant)
print("offline" if context.is_offline_mode() else "online")

def include_object(object, name, type_, reflected, compare_to):
    return not name.startswith("tmp_")

def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), version_table="versions")
    with context.begin_transaction():
        context.run_migrations()

def run_migrations_online():
    engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, include_object=include_object, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"#;

    #[test]
    fn env_py_runs_and_what_it_configured_is_read() {
        for offline in [false, true] {
            let (program, result) = run_env(ENV, offline);
            result.unwrap();
            let (mut run, result) = program.run();
            result.unwrap();
            assert!(run.configured() && run.ran_migrations() && run.configures_logging());
            assert_eq!(run.url().as_deref(), Some("sqlite:///acme.db"));
            let output = run.take_output();
            assert_eq!(
                output[0],
                (true, "INFO  [alembic.env] tenant acme\n".to_string())
            );
            let mode = if offline { "offline\n" } else { "online\n" };
            assert_eq!(output[1], (false, mode.to_string()));
            let options = run.options();
            assert_eq!(options.render_as_batch, !offline);
            let table = if offline {
                "versions"
            } else {
                "alembic_version"
            };
            assert_eq!(options.version_table, table);
            assert_eq!(options.x_arguments, vec!["tenant=acme".to_string()]);
            let hook = |name: &str| {
                vec![
                    HookArg::Object("Table"),
                    HookArg::Str(name.to_string()),
                    HookArg::Str("table".to_string()),
                    HookArg::Bool(true),
                    HookArg::None,
                ]
            };
            let kept = run
                .call_hook("include_object", &hook("account"))
                .map(Result::unwrap);
            let skipped = run
                .call_hook("include_object", &hook("tmp_x"))
                .map(Result::unwrap);
            if offline {
                assert_eq!((kept, skipped), (None, None));
            } else {
                assert_eq!((kept, skipped), (Some(true), Some(false)));
            }
        }
    }

    #[test]
    fn errors_in_env_py_are_located_in_it() {
        let (_, result) = run_env(
            "from alembic import context\nx = 1\nundefined_name\n",
            false,
        );
        let error = result.unwrap_err();
        assert_eq!(
            error,
            ExecError::Python {
                exception: "NameError".to_string(),
                message: "name 'undefined_name' is not defined".to_string(),
                path: "/p/migrations/env.py".to_string(),
                line: 3,
                source_line: "undefined_name".to_string(),
            }
        );
        let (_, result) = run_env("while True:\n    pass\n", false);
        assert!(result
            .unwrap_err()
            .located()
            .unwrap()
            .starts_with("/p/migrations/env.py:2:5: "));
        let (_, result) = run_env("from sqlalchemy import engine_from_config\nengine_from_config({}, prefix='sqlalchemy.')\n", false);
        assert!(
            matches!(result.unwrap_err(), ExecError::Python { exception, .. } if exception == "KeyError")
        );
    }
}
