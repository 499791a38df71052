//! env.py's syntax tree (parsed once per source), and what the page's panels read of it
//! without running it: the version table's name.
//!
//! Owns: [`parse_env`]; finding `version_table='...'` in env.py's `context.configure(...)`
//! calls, as written.
//! Does not: run env.py — commands do that (`exec::env`), and what a run configured is what
//! the migration context uses; the panels, redrawn on every change, read this instead, so an
//! env.py that computes the name gets the default here.

use std::rc::Rc;

use crate::python::{Expr, Module, Stmt, StmtKind, SyntaxError};

/// env.py parsed (kept while its source is unchanged, as the project's modules are).
pub fn parse_env(source: &str) -> Result<Rc<Module>, SyntaxError> {
    // (one env.py per project: callers that have no path share one entry)
    crate::script::exec::modules::parse_kept("<env.py>", source)
}

/// The version table env.py names (`alembic_version` unless a `configure(...)` call passes a
/// string `version_table`).
pub fn version_table_name(source: &str) -> String {
    parse_env(source)
        .ok()
        .and_then(|module| {
            let mut calls = Vec::new();
            collect_configure_calls(&module.body, &mut calls);
            calls.iter().find_map(|call| {
                call.keyword_argument("version_table")
                    .and_then(Expr::as_str_constant)
                    .map(str::to_string)
            })
        })
        .unwrap_or_else(|| "alembic_version".to_string())
}

/// `context.configure(...)` calls made as statements, at any depth.
fn collect_configure_calls<'a>(statements: &'a [Stmt], calls: &mut Vec<&'a Expr>) {
    for statement in statements {
        match &statement.kind {
            StmtKind::Expr(expression) => {
                let called = expression.called_function_name().unwrap_or_default();
                if called == "context.configure" || called.ends_with(".configure") {
                    calls.push(expression);
                }
            }
            _ => statement.for_each_block(&mut |block| collect_configure_calls(block, calls)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::GENERIC_ENV_PY;

    #[test]
    fn the_version_table_as_written() {
        assert_eq!(version_table_name(GENERIC_ENV_PY), "alembic_version");
        let custom = GENERIC_ENV_PY.replace(
            "connection=connection, target_metadata=target_metadata",
            "connection=connection, target_metadata=target_metadata, version_table='my_versions'",
        );
        assert_eq!(version_table_name(&custom), "my_versions");
        assert_eq!(version_table_name("if True\n"), "alembic_version");
    }
}
