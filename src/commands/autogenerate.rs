//! The command side of autogenerate, shared by `revision --autogenerate` and `check`:
//! importing the models as env.py does (before its banner lines), logging the plugin set-up
//! and detection lines, reflecting the database through the migration context, and turning
//! [`AutogenError`]s into what Python would print.

use super::directory::{DeferredMap, ScriptDirectory};
use super::environment::{self, with_context, Environment};
use super::{Failure, Invocation};
use crate::autogen::{
    self, compare_metadata, reflect_database, CompareOptions, Comparison, SchemaTable,
};
use crate::script::exec::env::{EnvRun, HookArg};
use crate::script::exec::ExecError;

/// What `revision --autogenerate` and `check` do before comparing, once env.py ran: the
/// database must be at the heads ("Target database is not up to date."), the plugins log,
/// and env.py must have passed a `target_metadata`; its tables are returned.
pub fn target_tables(
    invocation: &mut Invocation<'_, '_>,
    environment: &Environment<'_>,
    directory: &ScriptDirectory,
    deferred: &mut DeferredMap,
) -> Result<Vec<SchemaTable>, Failure> {
    let rows = environment::current_rows(invocation, environment)?;
    deferred.emit_warnings(&mut invocation.out);
    let map = deferred.caught()?;
    let mut heads = map.heads();
    let mut current = rows;
    crate::sort::sort(&mut heads);
    crate::sort::sort(&mut current);
    if heads != current {
        return Err(Failure::command("Target database is not up to date."));
    }
    log_plugins(invocation);
    match environment.run.target_tables() {
        Some(tables) => tables.map_err(|error| environment::exec_failure(error, "<module>")),
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
    let conn_tables = with_context(invocation, environment, false, |context| {
        let Some(database) = context.database() else {
            return Ok(Vec::new());
        };
        reflect_database(database, &version_table).map_err(|error| {
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
    };
    let (models, conn_tables) = filter_objects(&mut environment.run, models.to_vec(), conn_tables)
        .map_err(|error| environment::exec_failure(error, "<module>"))?;
    let comparison = compare_metadata(&models, &conn_tables, options);
    for line in &comparison.log {
        invocation.info(line.logger, &line.text);
    }
    Ok(comparison)
}

/// env.py's `include_name` (reflected names) and `include_object` (both sides) hooks, as
/// Alembic's comparison consults them: a table either hook refuses is not compared; within a
/// table both sides have, neither is a column, index, unique or foreign key they refuse.
#[allow(clippy::result_large_err)]
fn filter_objects(
    run: &mut EnvRun<'_>,
    mut models: Vec<SchemaTable>,
    mut reflected: Vec<SchemaTable>,
) -> Result<(Vec<SchemaTable>, Vec<SchemaTable>), ExecError> {
    let mut include = |name: Option<&str>,
                       kind: &'static str,
                       object: &'static str,
                       is_reflected: bool,
                       other: bool,
                       parent: Option<&str>|
     -> Result<bool, ExecError> {
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
        let args = [
            HookArg::Object(object),
            text(name),
            HookArg::Str(kind.to_string()),
            HookArg::Bool(is_reflected),
            if other {
                HookArg::Object(object)
            } else {
                HookArg::None
            },
        ];
        run.call_hook("include_object", &args).unwrap_or(Ok(true))
    };
    let model_names: Vec<String> = models.iter().map(|t| t.name.clone()).collect();
    let reflected_names: Vec<String> = reflected.iter().map(|t| t.name.clone()).collect();
    let mut kept = Vec::new();
    for table in reflected {
        let other = model_names.contains(&table.name);
        if include(Some(&table.name), "table", "Table", true, other, None)? {
            kept.push(table);
        }
    }
    reflected = kept;
    let mut kept = Vec::new();
    for table in models {
        let other = reflected_names.contains(&table.name);
        if include(Some(&table.name), "table", "Table", false, other, None)? {
            kept.push(table);
        }
    }
    models = kept;
    for model in &mut models {
        let Some(found) = reflected.iter_mut().find(|t| t.name == model.name) else {
            continue;
        };
        let table = model.name.clone();
        for (side, is_reflected) in [(&mut *model, false), (&mut *found, true)] {
            let mut columns = Vec::new();
            for column in std::mem::take(&mut side.columns) {
                if include(
                    Some(&column.name),
                    "column",
                    "Column",
                    is_reflected,
                    true,
                    Some(&table),
                )? {
                    columns.push(column);
                }
            }
            side.columns = columns;
            let mut indexes = Vec::new();
            for index in std::mem::take(&mut side.indexes) {
                if include(
                    Some(&index.name.text),
                    "index",
                    "Index",
                    is_reflected,
                    true,
                    Some(&table),
                )? {
                    indexes.push(index);
                }
            }
            side.indexes = indexes;
            let mut uniques = Vec::new();
            for unique in std::mem::take(&mut side.uniques) {
                let name = unique.name.as_ref().map(|n| n.text.clone());
                if include(
                    name.as_deref(),
                    "unique_constraint",
                    "UniqueConstraint",
                    is_reflected,
                    true,
                    Some(&table),
                )? {
                    uniques.push(unique);
                }
            }
            side.uniques = uniques;
            let mut keys = Vec::new();
            for key in std::mem::take(&mut side.foreign_keys) {
                let name = key.name.as_ref().map(|n| n.text.clone());
                if include(
                    name.as_deref(),
                    "foreign_key_constraint",
                    "ForeignKeyConstraint",
                    is_reflected,
                    true,
                    Some(&table),
                )? {
                    keys.push(key);
                }
            }
            side.foreign_keys = keys;
        }
    }
    Ok((models, reflected))
}
