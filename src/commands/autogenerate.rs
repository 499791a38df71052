//! The command side of autogenerate, shared by `revision --autogenerate` and `check`:
//! importing the models as env.py does (before its banner lines), logging the plugin set-up
//! and detection lines, reflecting the database through the migration context, and turning
//! [`AutogenError`]s into what Python would print.

use super::environment::{self, with_context, Environment};
use super::{Failure, Invocation};
use crate::autogen::{
    self, compare_metadata, reflect_database, CompareOptions, Comparison, ModelSource, SchemaTable,
};
use crate::config::Config;
use crate::script::environment::read_env;

/// Imports what env.py's `target_metadata` refers to, as running env.py would (so before the
/// banner). `None` when env.py sets no metadata, or cannot be read (then
/// `environment::start` reports that).
pub fn load_models(
    invocation: &Invocation<'_, '_>,
    config: &Config,
    script_dir: &str,
) -> Result<Option<Vec<SchemaTable>>, Failure> {
    let env_path = format!("{script_dir}/env.py");
    let Ok(source) = invocation.host.files.read_to_string(&env_path) else {
        return Ok(None);
    };
    let Ok(options) = read_env(&source, false) else {
        return Ok(None);
    };
    let Some(target) = &options.target_metadata else {
        return Ok(None);
    };
    let model_source = ModelSource {
        files: &*invocation.host.files,
        search_paths: config
            .prepend_sys_path(&invocation.host.cwd)
            .map_err(|error| Failure::Command(error.0))?,
    };
    autogen::load_target_metadata(&model_source, &env_path, &source, &options.module, target)
        .map(Some)
        .map_err(|error| environment::exec_failure(error, "<module>"))
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
    environment: &Environment,
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
    let comparison = compare_metadata(models, &conn_tables, options);
    for line in &comparison.log {
        invocation.info(line.logger, &line.text);
    }
    Ok(comparison)
}
