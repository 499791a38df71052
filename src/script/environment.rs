//! Reading `env.py`: the options its `context.configure(...)` call passes and what
//! `target_metadata` is, without running it.
//!
//! Owns: finding `target_metadata = ...`, the `context.configure(...)` call of the online and
//! offline branches, and the keyword options the playground honours (`transactional_ddl`,
//! `transaction_per_migration`, `render_as_batch`, `compare_type`, `compare_server_default`,
//! `version_table`, `version_table_pk`).
//! Does not: execute env.py (the playground runs its migrations itself), or read models.py.

use crate::python::{self, Expr, ExprKind, Module, Stmt, StmtKind};

/// What env.py configures.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvOptions {
    /// The expression assigned to `target_metadata` (None when it is `None` or missing).
    pub target_metadata: Option<Expr>,
    pub transactional_ddl: Option<bool>,
    pub transaction_per_migration: bool,
    pub render_as_batch: bool,
    pub compare_type: bool,
    pub compare_server_default: bool,
    pub version_table: String,
    pub version_table_pk: bool,
    /// Whether env.py calls `fileConfig(...)` (at module level): only then do Alembic's log
    /// lines print (an env.py without it, such as MLflow's, runs silently).
    pub configures_logging: bool,
    /// The parsed module (for autogenerate's import resolution).
    pub module: std::rc::Rc<Module>,
}

/// env.py could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError {
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub exception: &'static str,
    pub source_line: String,
}

fn collect_configure_calls<'a>(statements: &'a [Stmt], calls: &mut Vec<&'a Expr>) {
    collect_calls(statements, "context.configure", calls)
}

/// Calls of `function` (a dotted name, or its last part after a `.`) made as statements in
/// `statements`, inside `if`/`with`/`try` blocks too.
fn collect_calls<'a>(statements: &'a [Stmt], function: &str, calls: &mut Vec<&'a Expr>) {
    for statement in statements {
        match &statement.kind {
            StmtKind::Expr(expression) => {
                let called = expression.called_function_name().unwrap_or_default();
                if called == function || called.ends_with(&format!(".{function}")) {
                    calls.push(expression);
                }
            }
            StmtKind::With { body, .. } => collect_calls(body, function, calls),
            StmtKind::If { branches, orelse } => {
                for branch in branches {
                    collect_calls(&branch.body, function, calls);
                }
                collect_calls(orelse, function, calls);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            } => {
                collect_calls(body, function, calls);
                for handler in handlers {
                    collect_calls(&handler.body, function, calls);
                }
                collect_calls(orelse, function, calls);
                collect_calls(finalbody, function, calls);
            }
            _ => {}
        }
    }
}

fn bool_keyword(call: &Expr, name: &str) -> Option<bool> {
    call.keyword_argument(name).and_then(Expr::as_bool_constant)
}

/// Reads env.py's source. `offline` selects the `run_migrations_offline` branch's configure call.
pub fn read_env(source: &str, offline: bool) -> Result<EnvOptions, EnvError> {
    // The page asks for env.py's options many times per redraw (the version table's name for
    // the panels and the lesson checks): the last answer per mode is kept while the source
    // is unchanged, as `script::load` keeps parsed revision files.
    thread_local! {
        static LAST: std::cell::RefCell<Vec<(String, bool, Result<EnvOptions, EnvError>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let cached = LAST.with(|last| {
        last.borrow()
            .iter()
            .find(|(text, mode, _)| *mode == offline && text == source)
            .map(|(_, _, result)| result.clone())
    });
    if let Some(result) = cached {
        return result;
    }
    let result = read_env_uncached(source, offline);
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        last.retain(|(_, mode, _)| *mode != offline);
        last.push((source.to_string(), offline, result.clone()));
    });
    result
}

fn read_env_uncached(source: &str, offline: bool) -> Result<EnvOptions, EnvError> {
    let module = python::parse_module(source).map_err(|error| EnvError {
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
    let target_metadata = match module.assigned_value("target_metadata") {
        Some(expression) if !expression.is_none_constant() => Some(expression.clone()),
        _ => None,
    };
    let preferred = if offline {
        "run_migrations_offline"
    } else {
        "run_migrations_online"
    };
    let mut calls: Vec<&Expr> = Vec::new();
    if let Some(function) = module.function(preferred) {
        collect_configure_calls(&function.body, &mut calls);
    }
    if calls.is_empty() {
        collect_configure_calls(&module.body, &mut calls);
        for statement in &module.body {
            if let StmtKind::FunctionDef(function) = &statement.kind {
                collect_configure_calls(&function.body, &mut calls);
            }
        }
    }
    let call = calls.first().copied();
    let option = |name: &str| call.and_then(|call| bool_keyword(call, name));
    let version_table = call
        .and_then(|call| call.keyword_argument("version_table"))
        .and_then(Expr::as_str_constant)
        .unwrap_or("alembic_version")
        .to_string();
    Ok(EnvOptions {
        target_metadata,
        transactional_ddl: option("transactional_ddl"),
        transaction_per_migration: option("transaction_per_migration").unwrap_or(false),
        render_as_batch: option("render_as_batch").unwrap_or(false),
        compare_type: option("compare_type").unwrap_or(true),
        compare_server_default: option("compare_server_default").unwrap_or(false),
        version_table,
        version_table_pk: option("version_table_pk").unwrap_or(true),
        configures_logging: {
            let mut found = Vec::new();
            collect_calls(&module.body, "fileConfig", &mut found);
            !found.is_empty()
        },
        module: std::rc::Rc::new(module),
    })
}

/// The target_metadata expression as source-like text (`Base.metadata`), for messages.
pub fn describe_expression(expression: &Expr) -> String {
    match &expression.kind {
        ExprKind::List(items) | ExprKind::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(describe_expression).collect();
            format!("[{}]", parts.join(", "))
        }
        _ => expression
            .dotted_name()
            .unwrap_or_else(|| "<expression>".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::GENERIC_ENV_PY;

    #[test]
    fn reads_the_generic_env_py() {
        let options = read_env(GENERIC_ENV_PY, false).unwrap();
        assert!(options.target_metadata.is_none());
        assert_eq!(options.transactional_ddl, None);
        assert!(options.compare_type);
        assert!(!options.render_as_batch);
        assert_eq!(options.version_table, "alembic_version");
    }

    #[test]
    fn reads_configure_options_and_metadata() {
        let source = GENERIC_ENV_PY
            .replace("target_metadata = None", "from models import Base\ntarget_metadata = Base.metadata")
            .replace(
                "connection=connection, target_metadata=target_metadata",
                "connection=connection, target_metadata=target_metadata, render_as_batch=True, transactional_ddl=True, version_table='my_versions'",
            );
        let online = read_env(&source, false).unwrap();
        assert_eq!(
            describe_expression(online.target_metadata.as_ref().unwrap()),
            "Base.metadata"
        );
        assert!(online.render_as_batch);
        assert_eq!(online.transactional_ddl, Some(true));
        assert_eq!(online.version_table, "my_versions");
        let offline = read_env(&source, true).unwrap();
        assert!(!offline.render_as_batch);
    }

    #[test]
    fn syntax_errors_are_located() {
        let error = read_env("import x\nif True\n", false).unwrap_err();
        assert_eq!((error.line, error.exception), (2, "SyntaxError"));
    }
}
