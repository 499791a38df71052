//! What the names a revision file imports mean: `sqlalchemy` (any of its public modules),
//! `sqlalchemy.dialects.sqlite`, `sqlalchemy.func`, and `alembic.op`. Anything else is a
//! [`Value::Foreign`] name, harmless until the function body uses it.

use crate::ops::SqlType;

use super::value::Value;

/// SQLAlchemy callables the evaluator models (canonical name `sa.<name>`).
const SQLALCHEMY_FUNCTIONS: &[&str] = &[
    "Column",
    "inspect",
    "ForeignKey",
    "Sequence",
    "PrimaryKeyConstraint",
    "ForeignKeyConstraint",
    "UniqueConstraint",
    "CheckConstraint",
    "Index",
    "Table",
    "MetaData",
    "text",
    "table",
    "column",
    "true",
    "false",
    "null",
    "and_",
    "or_",
    "update",
    "delete",
    "insert",
    "literal_column",
    "Identity",
    "Computed",
    "select",
    "mapped_column",
    "declarative_base",
];

/// Sub-modules of `sqlalchemy` a revision may import from.
const SQLALCHEMY_MODULES: &[&str] = &[
    "sql",
    "schema",
    "types",
    "dialects",
    "sqlite",
    "expression",
    "sqltypes",
    "functions",
    "elements",
    "sql.expression",
];

fn is_sqlalchemy(path: &str) -> bool {
    path == "sqlalchemy" || path.starts_with("sqlalchemy.")
}

fn is_type_name(name: &str) -> bool {
    name != "NullType"
        && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && SqlType::from_python_call(name, &[], &[]).is_ok()
}

/// The value of `import <path>` (bound to its full path by `import x.y as z`).
pub(super) fn module_value(path: &str) -> Value {
    if path == "alembic.op" {
        return Value::Op;
    }
    if is_sqlalchemy(path) || path == "alembic" {
        return Value::Module(path.to_string());
    }
    Value::Foreign(path.to_string())
}

/// `<module>.<attr>` for a module the evaluator knows (`None`: no such attribute).
pub(super) fn member(module: &str, attr: &str) -> Option<Value> {
    // the versions the playground behaves as (real Alembic's environment: reference §1)
    if attr == "__version__" && (module == "alembic" || module == "sqlalchemy") {
        let version = if module == "alembic" {
            "1.20.1"
        } else {
            "2.1.9"
        };
        return Some(Value::Str(version.to_string()));
    }
    if module == "alembic" {
        return Some(match attr {
            "op" => Value::Op,
            other => Value::Foreign(format!("alembic.{other}")),
        });
    }
    if module == "sqlalchemy.func" || module.ends_with(".func") {
        return Some(Value::Function(format!("sa.func.{attr}")));
    }
    if !is_sqlalchemy(module) {
        return None;
    }
    #[cfg(feature = "postgresql")]
    if module.ends_with("dialects.postgresql")
        && attr.starts_with(|c: char| c.is_ascii_uppercase())
        && SqlType::from_python_call(&format!("postgresql.{attr}"), &[], &[]).is_ok()
    {
        return Some(Value::TypeClass(format!("postgresql.{attr}")));
    }
    #[cfg(feature = "postgresql")]
    if module.ends_with("dialects") && attr == "postgresql" {
        return Some(Value::Module(format!("{module}.{attr}")));
    }
    let dialect = module.ends_with("dialects.sqlite");
    if dialect && is_type_name(attr) {
        return Some(Value::TypeClass(format!("sqlite.{attr}")));
    }
    if attr == "func" {
        return Some(Value::Module("sqlalchemy.func".to_string()));
    }
    if is_type_name(attr) {
        return Some(Value::TypeClass(attr.to_string()));
    }
    if SQLALCHEMY_FUNCTIONS.contains(&attr) {
        return Some(Value::Function(format!("sa.{attr}")));
    }
    if SQLALCHEMY_MODULES.contains(&attr) {
        return Some(Value::Module(format!("{module}.{attr}")));
    }
    // a real SQLAlchemy name the playground does not model (e.g. `sa.event`)
    Some(Value::Foreign(format!("{module}.{attr}")))
}

/// `from <module> import <name>`.
pub(super) fn import_from(module: &str, name: &str) -> Value {
    if let Some(value) = member(module, name) {
        if !matches!(value, Value::Foreign(_)) {
            return value;
        }
    }
    module_value(&format!("{module}.{name}"))
}
