//! `sa.MetaData()` as revision files use it: a collection of `Table`s, filled by
//! `sa.Table(name, metadata, ...)` and by reflection from the live connection
//! (`metadata.reflect(bind)`, `sa.Table(name, metadata, autoload_with=bind)`), read back
//! through `metadata.tables[...]` and `metadata.sorted_tables`.
//!
//! Reflection is SQLAlchemy 2.1.9's SQLite reflection (`ops::reflect_table`, the one batch
//! mode uses) over the rows `runtime::reflect::fetch_table` reads. Offline the bind is
//! Alembic's mock connection, which SQLAlchemy cannot inspect: the same
//! `NoInspectionAvailable` as `sa.inspect(bind)`.

use crate::ops::{Constraint, Table};
use crate::python::Span;

use super::args::{Arg, KwArg};
use super::eval::Evaluator;
use super::value::Value;

type EvalResult<T> = Result<T, super::ExecError>;

/// One `sa.MetaData()`: its tables and its `naming_convention` (key, template), in order.
#[derive(Debug, Clone, Default)]
pub(super) struct MetaDataState {
    pub tables: Vec<Table>,
    pub naming_convention: Vec<(String, String)>,
}

/// The methods of a `MetaData` the playground runs.
const METHODS: &[&str] = &["reflect"];

/// `metadata.<attr>`: its tables, or a method to call.
pub(super) fn attribute(ev: &Evaluator, id: u32, attr: &str) -> Option<Value> {
    let tables = &ev.metadatas.get(id as usize)?.tables;
    match attr {
        "tables" => Some(Value::Dict(
            tables
                .iter()
                .map(|table| (Value::Str(table.name.clone()), Value::Table(table.clone())))
                .collect(),
        )),
        "sorted_tables" => Some(Value::List(
            sorted(tables).into_iter().map(Value::Table).collect(),
        )),
        _ if METHODS.contains(&attr) => Some(Value::Method(
            Box::new(Value::MetaData(id)),
            attr.to_string(),
        )),
        _ => None,
    }
}

/// Adds (or replaces, as `extend_existing` would) a table of the metadata.
pub(super) fn register(ev: &mut Evaluator, id: u32, table: &Table) {
    if let Some(tables) = ev.metadatas.get_mut(id as usize).map(|m| &mut m.tables) {
        match tables.iter_mut().find(|t| t.name == table.name) {
            Some(existing) => *existing = table.clone(),
            None => tables.push(table.clone()),
        }
    }
}

/// An `Index` made on the columns of a table of a metadata joins that table.
pub(super) fn attach_index(ev: &mut Evaluator, table: &str, index: &crate::ops::Index) {
    for metadata in ev.metadatas.iter_mut() {
        if let Some(found) = metadata.tables.iter_mut().find(|t| t.name == table) {
            let mut index = index.clone();
            index.table = Some(table.to_string());
            found.indexes.push(index);
            return;
        }
    }
}

/// `metadata.reflect(bind, only=None, views=False)`.
pub(super) fn call(
    ev: &mut Evaluator,
    id: u32,
    name: &str,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    debug_assert_eq!(name, "reflect");
    let bind = bind_argument(&args, &keywords);
    check_bind(ev, bind.as_ref(), "MetaData.reflect", span)?;
    let only: Option<Vec<String>> = match keyword(&keywords, "only") {
        None | Some(Value::None) => None,
        Some(Value::List(items) | Value::Tuple(items)) => Some(
            items
                .into_iter()
                .filter_map(|item| match item {
                    Value::Str(name) => Some(name),
                    _ => None,
                })
                .collect(),
        ),
        Some(other) => {
            return Err(ev.unsupported(
                span,
                format!(
                    "the playground supports only= as a list of table names, not {}",
                    other.kind_name()
                ),
            ))
        }
    };
    for keyword in &keywords {
        if !matches!(
            keyword.name.as_str(),
            "bind" | "only" | "views" | "extend_existing" | "autoload_replace" | "resolve_fks"
        ) {
            return Err(ev.unsupported(
                keyword.span,
                format!(
                    "the playground does not support {}= in MetaData.reflect()",
                    keyword.name
                ),
            ));
        }
    }
    let names = table_names(ev, span)?;
    if let Some(only) = &only {
        let missing: Vec<&String> = only.iter().filter(|n| !names.contains(n)).collect();
        if !missing.is_empty() {
            // SQLAlchemy's message (sqlalchemy/sql/schema.py, MetaData.reflect)
            let list: Vec<String> = missing.iter().map(|n| format!("'{n}'")).collect();
            return Err(ev.python(
                span,
                "sqlalchemy.exc.InvalidRequestError",
                format!(
                    "Could not reflect: requested table(s) not available in Engine(sqlite): ({})",
                    list.join(", ")
                ),
            ));
        }
    }
    for table in names {
        if only.as_ref().is_some_and(|only| !only.contains(&table)) {
            continue;
        }
        let reflected = reflect(ev, &table, span)?;
        register(ev, id, &reflected);
    }
    Ok(Value::None)
}

/// `sa.Table(name, metadata, autoload_with=bind)`: the table as the database has it.
pub(super) fn autoload(
    ev: &mut Evaluator,
    name: &str,
    bind: &Value,
    span: Span,
) -> EvalResult<Table> {
    check_bind(ev, Some(bind), "Table", span)?;
    reflect(ev, name, span)
}

/// The connection a call is given: its first argument, or `bind=`.
pub(super) fn bind_argument(args: &[Arg], keywords: &[KwArg]) -> Option<Value> {
    args.first()
        .map(|arg| arg.value.clone())
        .or_else(|| keyword(keywords, "bind"))
}

fn keyword(keywords: &[KwArg], name: &str) -> Option<Value> {
    keywords
        .iter()
        .find(|k| k.name == name)
        .map(|k| k.value.clone())
}

fn check_bind(ev: &Evaluator, bind: Option<&Value>, function: &str, span: Span) -> EvalResult<()> {
    match bind {
        Some(Value::Connection) => {}
        Some(other) => {
            return Err(ev.unsupported(
                span,
                format!(
                    "the playground reflects only through op.get_bind(), not {}",
                    other.kind_name()
                ),
            ))
        }
        None => {
            return Err(ev.python(
                span,
                "TypeError",
                format!("{function}() missing 1 required positional argument: 'bind'"),
            ))
        }
    }
    super::connection::inspectable(ev, span)
}

fn operational(ev: &Evaluator, span: Span, error: impl std::fmt::Display) -> super::ExecError {
    ev.python(span, "sqlalchemy.exc.OperationalError", error.to_string())
}

/// Whether the revision runs against PostgreSQL (reflection reads `pg_catalog` there).
pub(super) fn on_postgresql(ev: &Evaluator) -> bool {
    #[cfg(feature = "postgresql")]
    if ev.dialect() == crate::runtime::Dialect::Postgresql {
        return true;
    }
    let _ = ev;
    false
}

/// The database's tables, as SQLAlchemy's dialect lists them (`get_table_names`).
pub(super) fn table_names(ev: &mut Evaluator, span: Span) -> EvalResult<Vec<String>> {
    let postgresql = on_postgresql(ev);
    let Some(database) = ev.database() else {
        return Err(ev.unsupported(span, super::NEEDS_DATABASE));
    };
    #[cfg(feature = "postgresql")]
    if postgresql {
        return crate::autogen::reflect_postgresql::table_names(database)
            .map_err(|error| operational(ev, span, error));
    }
    let _ = postgresql;
    let rows = database.query(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name",
        &[],
    );
    match rows {
        Ok((_, rows)) => Ok(rows
            .into_iter()
            .filter_map(|row| match row.into_iter().next() {
                Some(crate::runtime::SqlValue::Text(name)) => Some(name),
                _ => None,
            })
            .collect()),
        Err(error) => Err(operational(ev, span, error)),
    }
}

fn reflect(ev: &mut Evaluator, name: &str, span: Span) -> EvalResult<Table> {
    let postgresql = on_postgresql(ev);
    let Some(database) = ev.database() else {
        return Err(ev.unsupported(span, super::NEEDS_DATABASE));
    };
    #[cfg(feature = "postgresql")]
    if postgresql {
        return match crate::autogen::reflect_postgresql::reflect_table(database, name) {
            Ok(Some(table)) => Ok(crate::autogen::reflect_postgresql::to_ops_table(&table)),
            Ok(None) => Err(ev.python(span, "sqlalchemy.exc.NoSuchTableError", name.to_string())),
            Err(error) => Err(operational(ev, span, error)),
        };
    }
    let _ = postgresql;
    match crate::runtime::reflect::fetch_table(database, name) {
        Ok(Some(data)) => Ok(crate::ops::reflect_table(&data).table),
        Ok(None) => Err(ev.python(span, "sqlalchemy.exc.NoSuchTableError", name.to_string())),
        Err(error) => Err(operational(ev, span, error)),
    }
}

/// Tables in dependency order (referred tables first), then by name, as
/// `MetaData.sorted_tables` orders them.
fn sorted(tables: &[Table]) -> Vec<Table> {
    sort_layers(tables, |table| table.name.as_str(), referred_tables)
        .into_iter()
        .map(|i| tables[i].clone())
        .collect()
}

/// SQLAlchemy's `sort_tables`: by name, then in dependency layers (`topological.sort`, which
/// yields `sort_as_subsets`' layers in turn); a cycle's tables follow unsorted, as SQLAlchemy
/// emits them after its warning. Returns indexes into `tables`.
pub(super) fn sort_layers<T>(
    tables: &[T],
    name: impl Fn(&T) -> &str,
    referred: impl Fn(&T) -> Vec<String>,
) -> Vec<usize> {
    let mut todo: Vec<usize> = (0..tables.len()).collect();
    crate::sort::sort_by(&mut todo, |a, b| name(&tables[*a]).cmp(name(&tables[*b])));
    let parents: Vec<Vec<String>> = tables
        .iter()
        .map(|table| {
            referred(table)
                .into_iter()
                .filter(|parent| parent != name(table) && tables.iter().any(|t| name(t) == parent))
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    while !todo.is_empty() {
        let waiting = |parent: &String| todo.iter().any(|i| name(&tables[*i]) == parent);
        let ready: Vec<usize> = todo
            .iter()
            .copied()
            .filter(|i| !parents[*i].iter().any(waiting))
            .collect();
        if ready.is_empty() {
            out.append(&mut todo);
            break;
        }
        todo.retain(|i| !ready.contains(i));
        out.extend(ready);
    }
    out
}

fn referred_tables(table: &Table) -> Vec<String> {
    let mut names: Vec<String> = table
        .constraints
        .iter()
        .filter_map(|constraint| match constraint {
            Constraint::ForeignKey(key) => Some(key.referent_table.clone()),
            _ => None,
        })
        .collect();
    for column in &table.columns {
        for key in &column.foreign_keys {
            let mut parts: Vec<&str> = key.target.rsplitn(2, '.').collect();
            if let Some(table) = parts.pop().filter(|_| parts.len() == 1) {
                names.push(table.rsplit('.').next().unwrap_or(table).to_string());
            }
        }
    }
    names
}
