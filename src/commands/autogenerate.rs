//! The command side of autogenerate, shared by `revision --autogenerate` and `check`:
//! importing the models as env.py does (before its banner lines), logging the plugin set-up
//! and detection lines, reflecting the database through the migration context, and turning
//! the interpreter's errors (`ExecError`) into what Python would print.

use super::directory::{DeferredMap, ScriptDirectory};
use super::environment::{self, with_context, Environment};
use super::{Failure, Invocation};
use crate::autogen::{
    self, compare_metadata_with, reflect_database, CompareOptions, Comparison, SchemaColumn,
    SchemaTable,
};
use crate::script::exec::env::{EnvRun, HookArg};
use crate::script::exec::ExecError;

/// What `revision --autogenerate` and `check` do before comparing, once env.py ran: the
/// database must be at the heads ("Target database is not up to date."), the plugins log,
/// and env.py must have passed a `target_metadata`; its tables are returned, with the
/// database's heads.
pub fn target_tables(
    invocation: &mut Invocation<'_, '_>,
    environment: &Environment<'_>,
    directory: &ScriptDirectory,
    deferred: &mut DeferredMap,
) -> Result<(Vec<String>, Vec<SchemaTable>), Failure> {
    let rows = environment::current_rows(invocation, environment)?;
    deferred.emit_warnings(&mut invocation.out);
    let map = deferred.caught()?;
    let mut heads = map.heads();
    let mut current = rows.clone();
    crate::sort::sort(&mut heads);
    crate::sort::sort(&mut current);
    if heads != current {
        return Err(Failure::command("Target database is not up to date."));
    }
    log_plugins(invocation);
    match environment.run.target_tables() {
        Some(tables) => tables
            .map(|tables| (rows, tables))
            .map_err(|error| environment::exec_failure(error, "<module>")),
        None => Err(Failure::command(format!(
            "Can't proceed with --autogenerate option; environment script {}/env.py does not provide a MetaData object or sequence of objects to the context.",
            directory.dir
        ))),
    }
}

/// The plugin set-up lines `AutogenContext` logs (before it checks `target_metadata`).
pub fn log_plugins(invocation: &mut Invocation<'_, '_>) {
    for plugin in autogen::PLUGINS {
        invocation.info(
            autogen::PLUGIN_LOGGER,
            &format!("setting up autogenerate plugin {plugin}"),
        );
    }
}

/// Reflects the database and compares; logs what was detected.
pub fn compare(
    invocation: &mut Invocation<'_, '_>,
    environment: &mut Environment<'_>,
    models: &[SchemaTable],
) -> Result<Comparison, Failure> {
    let version_table = environment.options.version_table.clone();
    let dialect = environment.database.dialect();
    #[cfg(feature = "postgresql")]
    let ask_server = environment.options.compare_server_default;
    #[cfg(feature = "postgresql")]
    if dialect == crate::runtime::Dialect::Sqlite {
        let expression_index = models.iter().find_map(|table| {
            let index = table
                .indexes
                .iter()
                .find(|i| !i.pg.expressions.is_empty())?;
            Some((table.name.clone(), index.name.text.clone()))
        });
        if let Some((table, index)) = expression_index {
            return Err(Failure::Playground(format!(
                "index '{index}' of table '{table}' is on an expression: the playground compares those on PostgreSQL only"
            )));
        }
    }
    let conn_tables = with_context(invocation, environment, false, |context| {
        let Some(database) = context.database() else {
            return Ok(Vec::new());
        };
        let reflected = match dialect {
            crate::runtime::Dialect::Sqlite => reflect_database(database, &version_table),
            #[cfg(feature = "postgresql")]
            crate::runtime::Dialect::Postgresql => {
                autogen::reflect_postgresql(database, &version_table).and_then(|mut tables| {
                    if ask_server {
                        compare_defaults_on_server(database, models, &mut tables)?;
                    }
                    Ok(tables)
                })
            }
        };
        reflected.map_err(|error| {
            environment::database_failure(
                &crate::runtime::RuntimeError::Database {
                    error,
                    sql: String::new(),
                    params: Vec::new(),
                },
                Vec::new(),
            )
        })
    })?;
    let options = CompareOptions {
        compare_type: environment.options.compare_type,
        compare_server_default: environment.options.compare_server_default,
        dialect,
    };
    let filtered = filter_objects(&mut environment.run, models.to_vec(), conn_tables);
    environment::print_env_output(invocation, &mut environment.run);
    let (models, conn_tables) =
        filtered.map_err(|error| environment::exec_failure(error, "<module>"))?;
    let mut user = EnvComparators {
        run: &mut environment.run,
        error: None,
    };
    let comparison = compare_metadata_with(&models, &conn_tables, options, &mut user);
    let error = user.error.take();
    environment::print_env_output(invocation, &mut environment.run);
    if let Some((error, function)) = error {
        return Err(environment::exec_failure(error, function));
    }
    for line in &comparison.log {
        invocation.info(line.logger, &line.text);
    }
    Ok(comparison)
}

/// PostgreSQL compares a reflected server default with the model's on the server
/// (`PostgresqlImpl.compare_server_default`): each answer is kept on the reflected column.
#[cfg(feature = "postgresql")]
fn compare_defaults_on_server(
    database: &mut dyn crate::runtime::Database,
    models: &[SchemaTable],
    tables: &mut [SchemaTable],
) -> Result<(), crate::runtime::DbError> {
    use crate::autogen::compare::{postgresql_default_question, DefaultQuestion};
    for table in tables.iter_mut() {
        let Some(model) = models.iter().find(|m| m.name == table.name) else {
            continue;
        };
        for column in table.columns.iter_mut() {
            let Some(model_column) = model.column(&column.name) else {
                continue;
            };
            if let DefaultQuestion::AskServer(sql) =
                postgresql_default_question(model, column, model_column)
            {
                let (_, rows) = database.query(&sql, &[])?;
                column.server_default_equal = Some(matches!(
                    rows.first().and_then(|row| row.first()),
                    Some(crate::runtime::SqlValue::Bool(true))
                ));
            }
        }
    }
    Ok(())
}

/// env.py's `compare_type` / `compare_server_default` functions, called with what Alembic
/// passes them; the first error they raise stops the command after the comparison.
struct EnvComparators<'r, 'p> {
    run: &'r mut EnvRun<'p>,
    error: Option<(ExecError, &'static str)>,
}

impl EnvComparators<'_, '_> {
    fn call(&mut self, name: &'static str, args: &[HookArg]) -> Option<bool> {
        if self.error.is_some() {
            return None;
        }
        match self.run.call_comparator(name, args)? {
            Ok(answer) => answer,
            Err(error) => {
                self.error = Some((error, name));
                None
            }
        }
    }
}

impl autogen::UserComparators for EnvComparators<'_, '_> {
    fn compare_type(&mut self, conn: &SchemaColumn, metadata: &SchemaColumn) -> Option<bool> {
        self.call(
            "compare_type",
            &[
                HookArg::Context,
                HookArg::Column(conn.clone()),
                HookArg::Column(metadata.clone()),
                HookArg::Type(conn.type_.clone()),
                HookArg::Type(metadata.type_.clone()),
            ],
        )
    }

    fn compare_server_default(
        &mut self,
        conn: &SchemaColumn,
        metadata: &SchemaColumn,
        rendered_conn: Option<String>,
        rendered_metadata: Option<String>,
    ) -> Option<bool> {
        let text = |value: Option<String>| value.map(HookArg::Str).unwrap_or(HookArg::None);
        self.call(
            "compare_server_default",
            &[
                HookArg::Context,
                HookArg::Column(conn.clone()),
                HookArg::Column(metadata.clone()),
                text(rendered_conn),
                HookArg::ServerDefault(metadata.server_default.clone()),
                text(rendered_metadata),
            ],
        )
    }

    fn server_default_function(&self) -> String {
        // Deviation: Python prints the function's memory address, which differs per run.
        let name = self
            .run
            .function_name("compare_server_default")
            .unwrap_or_default();
        format!(
            "<function {name} at {}>",
            autogen::compare::FAKE_IMPL_ADDRESS
        )
    }
}

/// env.py's `render_item` function, asked first for each item the renderer writes; the
/// first error it raises stops the command once the rendering is done.
pub struct EnvRenderer<'r, 'p> {
    pub run: &'r mut EnvRun<'p>,
    pub error: Option<ExecError>,
}

impl autogen::UserRenderer for EnvRenderer<'_, '_> {
    fn render_item(&mut self, item: autogen::RenderItem<'_>) -> Option<Option<String>> {
        if self.error.is_some() {
            return None;
        }
        let object = match &item {
            autogen::RenderItem::Column(column) => HookArg::Column((*column).clone()),
            autogen::RenderItem::Type(sql_type) => HookArg::Type((*sql_type).clone()),
            autogen::RenderItem::ServerDefault(default) => {
                HookArg::ServerDefault(Some((*default).clone()))
            }
            autogen::RenderItem::Constraint(_, class) => HookArg::Object(class),
        };
        match self.run.render_item(item.kind(), &object)? {
            Ok(rendered) => rendered,
            Err(error) => {
                self.error = Some(error);
                None
            }
        }
    }

    fn imports(&mut self) -> Vec<String> {
        self.run.take_render_imports()
    }
}

/// env.py's `include_name` (reflected names) and `include_object` (both sides) hooks, as
/// Alembic's comparison consults them: a table either hook refuses is not compared; within a
/// table both sides have, neither is a column, index, unique or foreign key they refuse.
#[allow(clippy::result_large_err)]
fn filter_objects(
    run: &mut EnvRun<'_>,
    models: Vec<SchemaTable>,
    reflected: Vec<SchemaTable>,
) -> Result<(Vec<SchemaTable>, Vec<SchemaTable>), ExecError> {
    const TABLE: (&str, &str) = ("table", "Table");
    let model_names: Vec<String> = models.iter().map(|t| t.name.clone()).collect();
    let reflected_names: Vec<String> = reflected.iter().map(|t| t.name.clone()).collect();
    let mut reflected = retain_included(reflected, |name| {
        let other = model_names.iter().any(|n| Some(n.as_str()) == name);
        include(run, name, TABLE, true, other, None)
    })?;
    let mut models = retain_included(models, |name| {
        let other = reflected_names.iter().any(|n| Some(n.as_str()) == name);
        include(run, name, TABLE, false, other, None)
    })?;
    for model in &mut models {
        let Some(found) = reflected.iter_mut().find(|t| t.name == model.name) else {
            continue;
        };
        let table = model.name.clone();
        for (side, is_reflected) in [(&mut *model, false), (&mut *found, true)] {
            let mut hook = |what: (&'static str, &'static str), name: Option<&str>| {
                include(run, name, what, is_reflected, true, Some(&table))
            };
            side.columns = retain_included(std::mem::take(&mut side.columns), |name| {
                hook(("column", "Column"), name)
            })?;
            side.indexes = retain_included(std::mem::take(&mut side.indexes), |name| {
                hook(("index", "Index"), name)
            })?;
            side.uniques = retain_included(std::mem::take(&mut side.uniques), |name| {
                hook(("unique_constraint", "UniqueConstraint"), name)
            })?;
            side.foreign_keys = retain_included(std::mem::take(&mut side.foreign_keys), |name| {
                hook(("foreign_key_constraint", "ForeignKeyConstraint"), name)
            })?;
        }
    }
    Ok((models, reflected))
}

/// A schema object's name, as the hooks receive it.
trait Named {
    fn hook_name(&self) -> Option<&str>;
}

impl Named for SchemaTable {
    fn hook_name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Named for autogen::SchemaColumn {
    fn hook_name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Named for autogen::SchemaIndex {
    fn hook_name(&self) -> Option<&str> {
        Some(&self.name.text)
    }
}

impl Named for autogen::SchemaUnique {
    fn hook_name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.text.as_str())
    }
}

impl Named for autogen::SchemaForeignKey {
    fn hook_name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.text.as_str())
    }
}

/// The items whose hooks accept them, in order.
#[allow(clippy::result_large_err)]
fn retain_included<T: Named>(
    items: Vec<T>,
    mut accepts: impl FnMut(Option<&str>) -> Result<bool, ExecError>,
) -> Result<Vec<T>, ExecError> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        if accepts(item.hook_name())? {
            kept.push(item);
        }
    }
    Ok(kept)
}

/// `include_name` (for a reflected object) then `include_object`: whether both accept the
/// object called `name`, of `what` (the hook's `type_`, the object's class); `other`: the
/// other side has one of that name (`compare_to`); `parent`: the table of a column, index or
/// constraint.
#[allow(clippy::result_large_err)]
fn include(
    run: &mut EnvRun<'_>,
    name: Option<&str>,
    what: (&'static str, &'static str),
    is_reflected: bool,
    other: bool,
    parent: Option<&str>,
) -> Result<bool, ExecError> {
    let (kind, object) = what;
    let text = |name: Option<&str>| name.map_or(HookArg::None, |n| HookArg::Str(n.to_string()));
    if is_reflected {
        let parents = match parent {
            None => vec![("schema_name", None)],
            Some(table) => vec![
                ("table_name", Some(table.to_string())),
                ("schema_name", None),
                ("schema_qualified_table_name", Some(table.to_string())),
            ],
        };
        let args = [
            text(name),
            HookArg::Str(kind.to_string()),
            HookArg::Names(parents),
        ];
        if let Some(result) = run.call_hook("include_name", &args) {
            if !result? {
                return Ok(false);
            }
        }
    }
    let compare_to = if other {
        HookArg::Object(object)
    } else {
        HookArg::None
    };
    let args = [
        HookArg::Object(object),
        text(name),
        HookArg::Str(kind.to_string()),
        HookArg::Bool(is_reflected),
        compare_to,
    ];
    run.call_hook("include_object", &args).unwrap_or(Ok(true))
}
