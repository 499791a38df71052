//! "Running env.py": reading it, configuring logging, the banner lines, connecting (or going
//! offline), and Alembic's `MigrationContext.run_migrations` loop over a plan.

use super::directory::{syntax_frames, DeferredMap, ScriptDirectory};
use super::{Failure, Invocation};
use crate::config::{parse_url, Config, DatabaseUrl};
use crate::graph::{MigrationStep, StepKind};
use crate::host::CreateDate;
use crate::host::FileSystem;
use crate::output::Output;
use crate::runtime::Dialect;
use crate::runtime::{MigrationContext, RuntimeError, VersionChange, VersionTable};
use crate::script::exec::env::{EnvOptions, EnvProgram, EnvRun, EnvSettings};
use crate::script::exec::modules::{ModuleSet, ProjectFiles};
use crate::script::exec::{self, ExecError};

pub const MIGRATION_LOGGER: &str = "alembic.runtime.migration";

/// Whether INFO lines print (a copy of the invocation's logging state, usable while the
/// migration context borrows the host).
#[derive(Debug, Clone, Copy)]
pub struct Logger {
    pub enabled: bool,
}

impl Logger {
    pub fn info(self, out: &mut Output, logger: &str, text: &str) {
        if self.enabled {
            out.stderr(format!("INFO  [{logger}] {text}\n"));
        }
    }
}

/// What env.py set up for this run.
pub struct Environment<'p> {
    pub options: EnvOptions,
    pub url: String,
    /// What the URL names (the database to connect to online; its dialect).
    pub database: DatabaseUrl,
    pub logger: Logger,
    /// env.py's finished run (its functions stay callable: `include_object`...).
    pub run: EnvRun<'p>,
}

/// Runs env.py as `script.run_env()` does: its module body executes (logging configured when
/// it calls `fileConfig`, its project modules imported), then what it passed to
/// `context.configure(...)` sets up the migration context and prints the banner. Offline runs
/// need no database. `program` holds env.py for as long as the environment is used.
pub fn start<'p>(
    invocation: &mut Invocation<'_, '_>,
    config: &Config,
    directory: &ScriptDirectory,
    as_sql: bool,
    program: &'p mut Option<EnvProgram>,
) -> Result<Environment<'p>, Failure> {
    let env_path = format!("{}/env.py", directory.dir);
    let source = invocation
        .host
        .files
        .read_to_string(&env_path)
        .map_err(|_| {
            Failure::unhandled(
                "FileNotFoundError",
                format!("[Errno 2] No such file or directory: '{env_path}'"),
            )
        })?;
    let module =
        crate::script::environment::parse_env(&source).map_err(|error| Failure::Unhandled {
            frames: syntax_frames(
                &env_path,
                error.line,
                error.column,
                &exec::source_line(&source, error.line),
            ),
            exception: error.kind.python_name().to_string(),
            message: error.message.clone(),
        })?;
    let search_paths = config
        .prepend_sys_path(&invocation.host.cwd)
        .map_err(|error| Failure::Command(error.0))?;
    let settings = EnvSettings {
        offline: as_sql,
        config_file_name: config.config_file.clone(),
        ini_section: config.section.clone(),
        ini: config.ini.clone(),
        x_arguments: config.x_arguments.clone(),
        // only `revision` has the option: elsewhere `cmd_opts.autogenerate` is an AttributeError
        autogenerate: (invocation.args.command == "revision")
            .then(|| invocation.args.flag("autogenerate")),
    };
    let program = program.insert(EnvProgram::new(
        &*invocation.host.files,
        search_paths,
        &env_path,
        &source,
        &module,
        settings,
    ));
    let (mut run, result) = program.run();
    if run.configures_logging() {
        invocation.configure_logging(config);
    }
    print_env_output(invocation, &mut run);
    result.map_err(|error| exec_failure(program.relative(error), "<module>"))?;
    let url = match run.url() {
        Some(url) => url,
        None => {
            let url = config
                .sqlalchemy_url()
                .map_err(|error| Failure::unhandled("configparser.InterpolationError", error.0))?;
            let Some(url) = url else {
                return Err(Failure::unhandled("KeyError", "'url'"));
            };
            url
        }
    };
    let parsed = parse_url(&url).map_err(|message| {
        if message.starts_with("Could not parse") {
            Failure::unhandled("sqlalchemy.exc.ArgumentError", format!("{message} '{url}'"))
        } else {
            Failure::unhandled("sqlalchemy.exc.NoSuchModuleError", message)
        }
    })?;
    let dialect = parsed.dialect();
    // env.py connects before it configures the context: a server that refuses the
    // connection fails the command before the banner (the connection is kept for the run)
    #[cfg(feature = "postgresql")]
    if let (DatabaseUrl::Postgresql(url), false) = (&parsed, as_sql) {
        if url.driver == "asyncpg" {
            // Alembic's default env.py is synchronous: with asyncpg it stops with a traceback
            // (greenlet or MissingGreenlet); an async env.py (`alembic init -t async`) would be
            // needed, which the playground does not run
            return Err(Failure::Playground(
                "postgresql+asyncpg needs an asynchronous env.py (alembic init -t async), which the playground does not run; use postgresql+psycopg or postgresql+psycopg2, or --sql".to_string(),
            ));
        }
        invocation
            .host
            .databases
            .connect_postgresql(url)
            .map_err(|message| Failure::unhandled("sqlalchemy.exc.OperationalError", message))?;
    }
    let options = run.options();
    if run.configured() {
        invocation.info(MIGRATION_LOGGER, impl_banner(dialect));
        if as_sql {
            invocation.info(MIGRATION_LOGGER, "Generating static SQL");
        }
        let transactional = transactional_ddl(&options, dialect);
        invocation.info(
            MIGRATION_LOGGER,
            if transactional {
                "Will assume transactional DDL."
            } else {
                "Will assume non-transactional DDL."
            },
        );
    }
    Ok(Environment {
        options,
        url,
        database: parsed,
        logger: Logger {
            enabled: invocation.logging && invocation.info_enabled,
        },
        run,
    })
}

/// The banner's `Context impl ...` line.
fn impl_banner(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "Context impl SQLiteImpl.",
        #[cfg(feature = "postgresql")]
        Dialect::Postgresql => "Context impl PostgresqlImpl.",
    }
}

/// `configure(transactional_ddl=...)`, or the dialect's own default (SQLite's is off,
/// PostgreSQL's on).
fn transactional_ddl(options: &EnvOptions, dialect: Dialect) -> bool {
    options
        .transactional_ddl
        .unwrap_or(dialect != Dialect::Sqlite)
}

/// Applies env.py's options to a context.
pub fn configure_context(
    context: &mut MigrationContext<'_>,
    options: &EnvOptions,
    dialect: Dialect,
) {
    context.dialect = dialect;
    context.version_table = VersionTable {
        name: options.version_table.clone(),
        pk: options.version_table_pk,
    };
    context.transactional_ddl = transactional_ddl(options, dialect);
    context.transaction_per_migration = options.transaction_per_migration;
    context.naming_convention = options.naming_convention.clone();
    context.x_arguments = options.x_arguments.clone();
}

/// Runs `body` with a migration context (online: connected to the URL's database), then
/// appends everything the context printed to the invocation's output.
pub fn with_context<T>(
    invocation: &mut Invocation<'_, '_>,
    environment: &Environment<'_>,
    as_sql: bool,
    body: impl FnOnce(&mut MigrationContext<'_>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    with_context_and_files(invocation, environment, as_sql, |context, _| body(context))
}

/// As [`with_context`], also giving `body` the project's files (revisions import modules).
pub fn with_context_and_files<T>(
    invocation: &mut Invocation<'_, '_>,
    environment: &Environment<'_>,
    as_sql: bool,
    body: impl FnOnce(&mut MigrationContext<'_>, &dyn FileSystem) -> Result<T, Failure>,
) -> Result<T, Failure> {
    // the connecting and output handling is compiled once (`run_in_context`), not once per
    // caller's closure
    let mut body = Some(body);
    let mut value = None;
    run_in_context(invocation, environment, as_sql, &mut |context, files| {
        if let Some(body) = body.take() {
            value = Some(body(context, files)?);
        }
        Ok(())
    })?;
    value.ok_or_else(|| Failure::unhandled("RuntimeError", "the migration context did not run"))
}

fn run_in_context(
    invocation: &mut Invocation<'_, '_>,
    environment: &Environment<'_>,
    as_sql: bool,
    body: &mut dyn FnMut(&mut MigrationContext<'_>, &dyn FileSystem) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let cwd = invocation.host.cwd.clone();
    let files: &dyn FileSystem = &*invocation.host.files;
    let (result, output) = if as_sql {
        if !environment.run.ran_migrations() {
            return Err(Failure::Done);
        }
        let mut context = MigrationContext::offline();
        configure_context(
            &mut context,
            &environment.options,
            environment.database.dialect(),
        );
        let result = body(&mut context, files);
        (result, std::mem::take(&mut context.out))
    } else {
        let connected = match &environment.database {
            DatabaseUrl::Sqlite(target) => invocation.host.databases.connect(target, &cwd),
            #[cfg(feature = "postgresql")]
            DatabaseUrl::Postgresql(url) => invocation.host.databases.connect_postgresql(url),
        };
        let database = connected
            .map_err(|message| Failure::unhandled("sqlalchemy.exc.OperationalError", message))?;
        let mut context = MigrationContext::online(database);
        configure_context(
            &mut context,
            &environment.options,
            environment.database.dialect(),
        );
        // env.py connected (the database file exists now) but never ran the migrations
        if !environment.run.ran_migrations() {
            return Err(Failure::Done);
        }
        let result = body(&mut context, files);
        let mut output = std::mem::take(&mut context.out);
        output.executed_sql = context
            .executed
            .iter()
            .map(|statement| format!("{};", statement.offline_sql))
            .collect();
        (result, output)
    };
    invocation.out.append(output);
    result
}

/// The version table's rows, creating the table when there is none (what `current`,
/// `show current`, `check` and `revision --autogenerate` read first).
pub fn current_rows(
    invocation: &mut Invocation<'_, '_>,
    environment: &Environment<'_>,
) -> Result<Vec<String>, Failure> {
    with_context(invocation, environment, false, |context| {
        let failure = |error| database_failure(&error, Vec::new());
        let rows = context.current_heads().map_err(failure)?;
        if rows.is_empty() {
            context.ensure_version_table().map_err(failure)?;
            // env.py's `begin_transaction()` commits it (PostgreSQL's one transaction)
            context.end_run().map_err(failure)?;
        }
        Ok(rows)
    })
}

/// What env.py printed (at its top level, or since in a hook the command called).
pub fn print_env_output(invocation: &mut Invocation<'_, '_>, run: &mut EnvRun<'_>) {
    for (to_stderr, text) in run.take_output() {
        if to_stderr {
            invocation.out.stderr(text);
        } else {
            invocation.out.stdout(text);
        }
    }
}

/// A database error as SQLAlchemy raises it (the last lines of the traceback).
pub fn database_failure(error: &RuntimeError, frames: Vec<String>) -> Failure {
    match error {
        RuntimeError::Database {
            error: database_error,
            ..
        } => {
            let code = match database_error.kind {
                crate::runtime::DbErrorKind::Integrity => "gkpj",
                crate::runtime::DbErrorKind::Programming => "f405",
                crate::runtime::DbErrorKind::Other => "4xp6",
                crate::runtime::DbErrorKind::Operational => "e3q8",
                #[cfg(feature = "postgresql")]
                crate::runtime::DbErrorKind::Postgresql(driver) => driver.background,
            };
            Failure::Unhandled {
                frames,
                exception: format!("sqlalchemy.exc.{}", database_error.kind.python_name()),
                message: format!(
                    "{error}\n(Background on this error at: https://sqlalche.me/e/21/{code})"
                ),
            }
        }
        RuntimeError::VersionRowCount(message) => Failure::Unhandled {
            frames,
            exception: "alembic.util.exc.CommandError".to_string(),
            message: message.clone(),
        },
    }
}

pub(super) fn exec_failure(error: ExecError, function: &str) -> Failure {
    match error {
        ExecError::Unsupported {
            path,
            line,
            column,
            message,
        } => Failure::Playground(format!("{path}:{line}:{column}: {message}")),
        ExecError::Python {
            exception, message, ..
        } if exception == "alembic.util.exc.CommandError" => Failure::Command(message),
        ExecError::Python {
            exception,
            message,
            path,
            line,
            source_line,
        } => Failure::Unhandled {
            frames: vec![
                format!("  File \"{path}\", line {line}, in {function}"),
                format!("    {}", source_line.trim()),
            ],
            exception,
            message,
        },
        ExecError::Database {
            error,
            path,
            line,
            source_line,
        } => database_failure(
            &error,
            vec![
                format!("  File \"{path}\", line {line}, in {function}"),
                format!("    {}", source_line.trim()),
            ],
        ),
    }
}

/// A warning from an operation, as Python's `warnings` module prints it: the module and line
/// that raised it (measured with Alembic 1.20.1 / SQLAlchemy 2.1.9), the category, the
/// message, and the source line.
pub fn python_warning(message: &str) -> String {
    let site = super::PYTHON_SITE_PACKAGES;
    let (location, category, source) =
        if message.starts_with("Skipping unsupported ALTER for creation of implicit constraint") {
            (
                format!("{site}/alembic/ddl/sqlite.py:84"),
                "UserWarning",
                "util.warn(",
            )
        } else if message.starts_with("autoincrement and existing_autoincrement") {
            (
                format!("{site}/alembic/operations/toimpl.py:57"),
                "UserWarning",
                "operations.impl.alter_column(",
            )
        } else if message.starts_with("Unnamed CHECK constraint on reflected table") {
            (
                format!("{site}/alembic/operations/batch.py:298"),
                "UserWarning",
                "util.warn(",
            )
        } else {
            // SQLAlchemy's reflection warnings surface from the context manager that runs it.
            (
                format!("{}/contextlib.py:144", super::PYTHON_STDLIB),
                "SAWarning",
                "next(self.gen)",
            )
        };
    format!("{location}: {category}: {message}\n  {source}\n")
}

/// What a migration run does with its steps.
pub enum Action {
    Upgrade(String),
    Downgrade(String),
    Stamp(Vec<String>),
}

/// Options of one `run_migrations` call.
pub struct RunOptions {
    pub as_sql: bool,
    /// The `start` of an offline `start:end` range.
    pub starting_rev: Option<String>,
    pub purge: bool,
    /// `sys.path` entries of the project (`prepend_sys_path`), where revisions' imports of
    /// the project's own modules are found.
    pub search_paths: Vec<String>,
    /// The command's clock: what `datetime.now()` in a revision reads.
    pub now: CreateDate,
}

/// The log text of a step: `upgrade a -> b, doc` (or without `, doc` when there is none).
pub fn step_text(step: &MigrationStep, directory: &ScriptDirectory) -> String {
    let doc = match (&step.kind, &step.revision) {
        (StepKind::Stamp { .. }, _) | (_, None) => String::new(),
        (_, Some(revision)) => directory.doc(revision),
    };
    if doc.is_empty() {
        step.short_log()
    } else {
        format!("{}, {doc}", step.short_log())
    }
}

/// `MigrationContext.run_migrations` for upgrade, downgrade and stamp.
pub fn run_migrations(
    context: &mut MigrationContext<'_>,
    deferred: &mut DeferredMap,
    directory: &ScriptDirectory,
    logger: Logger,
    action: &Action,
    options: &RunOptions,
    files: &dyn FileSystem,
) -> Result<(), Failure> {
    context
        .begin_run()
        .map_err(|error| database_failure(&error, Vec::new()))?;
    let project = ProjectFiles {
        files,
        search_paths: options.search_paths.clone(),
    };
    let project = &project;
    let result = (|| -> Result<(), Failure> {
        // the project modules the revisions import, parsed once per run
        let mut modules = ModuleSet::new();
        let runtime_failure = |error: RuntimeError| database_failure(&error, Vec::new());
        let heads: Vec<String> = if options.purge {
            if options.as_sql {
                return Err(Failure::command("Can't use --purge with --sql mode"));
            }
            context.ensure_version_table().map_err(runtime_failure)?;
            context.purge_version_table().map_err(runtime_failure)?;
            Vec::new()
        } else if options.as_sql {
            match options.starting_rev.as_deref() {
                None => Vec::new(),
                Some(start) => {
                    deferred.emit_warnings(&mut context.out);
                    let map = deferred.caught()?;
                    map.offline_start(start)
                        .map_err(|error| Failure::Command(error.message))?
                }
            }
        } else {
            let rows = context.current_heads().map_err(runtime_failure)?;
            if rows.is_empty() {
                context.ensure_version_table().map_err(runtime_failure)?;
            }
            rows
        };
        deferred.emit_warnings(&mut context.out);
        let map = deferred.caught()?;
        let steps: Vec<MigrationStep> = match action {
            Action::Upgrade(destination) => {
                let plan = map
                    .plan_upgrade(destination, &heads)
                    .map_err(|error| Failure::Command(error.message))?;
                plan.steps
            }
            Action::Downgrade(destination) => {
                let relative_warning = |warning: &crate::graph::GraphWarning| {
                    format!(
                        "{}/alembic/script/revision.py:1168: UserWarning: {}\n  util.warn(\n",
                        super::PYTHON_SITE_PACKAGES,
                        warning.message()
                    )
                };
                let plan = match map.plan_downgrade(destination, &heads) {
                    Ok(plan) => plan,
                    Err(error) => {
                        for warning in &error.warnings {
                            context.out.stderr(relative_warning(warning));
                        }
                        return Err(Failure::Command(error.message));
                    }
                };
                for warning in &plan.warnings {
                    context.out.stderr(relative_warning(warning));
                }
                plan.steps
            }
            Action::Stamp(destinations) => map
                .plan_stamp(destinations, &heads)
                .map_err(|error| Failure::Command(error.message))?,
        };
        let mut rows = heads;
        for step in &steps {
            context.begin_step().map_err(runtime_failure)?;
            if options.as_sql && rows.is_empty() {
                let create = context.version_table.create_statement();
                context.execute(&create).map_err(runtime_failure)?;
            }
            logger.info(
                &mut context.out,
                MIGRATION_LOGGER,
                &format!("Running {}", step_text(step, directory)),
            );
            if options.as_sql {
                context.comment(&format!("Running {}", step.short_log()));
            }
            let function = match step.kind {
                StepKind::Upgrade => Some("upgrade"),
                StepKind::Downgrade => Some("downgrade"),
                StepKind::Stamp { .. } => None,
            };
            if let (Some(function), Some(script)) = (
                function,
                step.revision.as_deref().and_then(|id| directory.script(id)),
            ) {
                let mut warnings = Vec::new();
                if !project.search_paths.is_empty() {
                    modules.discover(project, &script.module, "");
                }
                let result = exec::run_function(
                    script,
                    function,
                    &modules,
                    context,
                    &mut warnings,
                    options.now,
                );
                for warning in warnings {
                    context.out.stderr(python_warning(&warning));
                }
                if let Err(error) = result {
                    context.rollback_step();
                    return Err(exec_failure(error, function));
                }
            }
            let changes = map
                .update_to_step(&mut rows, step)
                .map_err(|error| Failure::unhandled("KeyError", error.message()))?;
            for change in changes {
                let change = match change {
                    crate::graph::RowChange::Insert(revision) => VersionChange::Insert(revision),
                    crate::graph::RowChange::Update { from, to } => {
                        VersionChange::Update { from, to }
                    }
                    crate::graph::RowChange::Delete(revision) => VersionChange::Delete(revision),
                };
                if let Err(error) = context.apply_version_change(&change) {
                    context.rollback_step();
                    return Err(runtime_failure(error));
                }
            }
            context.commit_step().map_err(runtime_failure)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => context
            .end_run()
            .map_err(|error| database_failure(&error, Vec::new())),
        Err(failure) => {
            context.rollback_step();
            Err(failure)
        }
    }
}
