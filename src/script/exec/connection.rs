//! `op.get_bind()`: the connection a revision reads and writes data through, and the results
//! it gets back — as SQLAlchemy 2.1's `Connection`, `CursorResult` and `Row` behave.
//!
//! Owns: `connection.execute(statement, parameters)` for `text()` and the Core statements
//! `op.execute` accepts (executemany for a list of parameter dicts),
//! `connection.dialect.name`; results (`fetchall`, `fetchone`, `first`, `one`, `scalar`,
//! `scalars`, `mappings`, `all`, iteration, `rowcount`) and rows (by index, by name,
//! `_mapping`, unpacking).
//!
//! Offline (`--sql`) `execute` prints the statement and returns `None`, as Alembic's mock
//! connection does. Statements run through the same `ops` rendering and runtime as `op.execute`,
//! so the SQL and the transaction rules are the ones already measured.

use crate::ops::{ExecuteSql, Literal, Operation};
use crate::python::Span;
use crate::runtime::{QueryRows, SqlValue};

use super::args::{Arg, Call};
use super::eval::Evaluator;
use super::value::{ResultShape, Rows, Value};
use super::{ops_calls, ExecError};

type EvalResult<T> = Result<T, ExecError>;

/// `.name` of a row: the value of that column.
fn row_column(columns: &[String], values: &[Value], name: &str) -> Option<Value> {
    columns
        .iter()
        .position(|column| column == name)
        .and_then(|index| values.get(index).cloned())
}

fn mapping(columns: &[String], values: &[Value]) -> Value {
    Value::Dict(
        columns
            .iter()
            .cloned()
            .map(Value::Str)
            .zip(values.iter().cloned())
            .collect(),
    )
}

fn from_sql(value: &SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::None,
        SqlValue::Integer(i) => Value::Int(*i),
        SqlValue::Real(f) => Value::Float(*f),
        SqlValue::Text(text) => Value::Str(text.clone()),
        SqlValue::Blob(bytes) => Value::Str(String::from_utf8_lossy(bytes).into_owned()),
        #[cfg(feature = "postgresql")]
        SqlValue::Bool(value) => Value::Bool(*value),
    }
}

impl Rows {
    pub(super) fn from_query(found: QueryRows) -> Rows {
        Rows {
            rows: found
                .rows
                .iter()
                .map(|row| row.iter().map(from_sql).collect())
                .collect(),
            columns: found.columns,
            rowcount: found.rowcount,
            shape: ResultShape::Rows,
        }
    }

    /// One row as this result yields it: a `Row`, its first column (`scalars()`) or a dict
    /// (`mappings()`).
    fn item(&self, values: Vec<Value>) -> Value {
        match self.shape {
            ResultShape::Rows => Value::Row(self.columns.clone(), values),
            ResultShape::Scalars => values.into_iter().next().unwrap_or(Value::None),
            ResultShape::Mappings => mapping(&self.columns, &values),
        }
    }

    pub(super) fn items(self) -> Vec<Value> {
        let shaped = Rows {
            rows: Vec::new(),
            ..self.clone()
        };
        self.rows.into_iter().map(|row| shaped.item(row)).collect()
    }
}

/// An attribute of a connection, result or row; `None` when the value is none of these.
pub(super) fn attribute(
    ev: &Evaluator,
    value: &Value,
    attr: &str,
    span: Span,
) -> Option<EvalResult<Value>> {
    let method = || Ok(Value::Method(Box::new(value.clone()), attr.to_string()));
    let missing = |what: &str| {
        Err(ev.python(
            span,
            "AttributeError",
            format!("'{what}' object has no attribute '{attr}'"),
        ))
    };
    Some(match (value, attr) {
        (Value::Connection, "execute") => method(),
        // the connection's Engine (offline, Alembic's MockConnection is its own `engine`):
        // it names its dialect, inspects and connects as the connection does
        (Value::Connection, "engine") => Ok(Value::Foreign(super::env::BIND_ENGINE.to_string())),
        (Value::Connection | Value::Context, "dialect") => Ok(Value::Dialect),
        (Value::Context, "bind" | "connection") => Ok(Value::Connection),
        (Value::Context, "as_sql") => Ok(Value::Bool(ev.is_offline())),
        (Value::Context, "autocommit_block") => method(),
        (Value::Context, _) => missing("MigrationContext"),
        (Value::Connection, _) => missing("Connection"),
        (Value::Dialect, "name" | "driver") => Ok(Value::Str(
            if attr == "name" { "sqlite" } else { "pysqlite" }.into(),
        )),
        (Value::Dialect, _) => missing("SQLiteDialect_pysqlite"),
        (Value::Rows(rows), "rowcount") => Ok(Value::Int(rows.rowcount)),
        (
            Value::Rows(_),
            "fetchall" | "fetchone" | "first" | "one" | "scalar" | "scalar_one" | "scalars"
            | "mappings" | "all",
        ) => method(),
        (Value::Rows(_), _) => missing("CursorResult"),
        (Value::Row(columns, values), "_mapping") => Ok(mapping(columns, values)),
        (Value::Row(..), "_asdict") => method(),
        (Value::Row(columns, values), _) => match row_column(columns, values, attr) {
            Some(found) => Ok(found),
            None => Err(ev.python(span, "AttributeError", attr.to_string())),
        },
        _ => return None,
    })
}

/// A method of a connection, result or row. Returns the call's value and, for the methods
/// that consume rows (`fetchone`), the result as it is afterwards.
pub(super) fn method_call(
    ev: &mut Evaluator,
    receiver: Value,
    call: Call<'_>,
) -> EvalResult<(Value, Option<Value>)> {
    let (name, args, keywords, span) = call.parts();
    match receiver {
        Value::Connection => execute(ev, Call::new(name, args, keywords, span)).map(|v| (v, None)),
        Value::Row(columns, values) => Ok((mapping(&columns, &values), None)),
        Value::Rows(rows) => result_method(ev, *rows, name, span),
        other => Err(ev.unsupported(
            span,
            format!(
                "the playground cannot call .{name}() of {}",
                other.kind_name()
            ),
        )),
    }
}

fn result_method(
    ev: &Evaluator,
    mut rows: Rows,
    name: &str,
    span: Span,
) -> EvalResult<(Value, Option<Value>)> {
    let no_rows = |ev: &Evaluator, message: &str| {
        ev.python(span, "sqlalchemy.exc.NoResultFound", message.to_string())
    };
    let value = match name {
        "fetchone" => {
            let value = if rows.rows.is_empty() {
                Value::None
            } else {
                let row = rows.rows.remove(0);
                rows.item(row)
            };
            return Ok((value, Some(Value::Rows(Box::new(rows)))));
        }
        "fetchall" | "all" => Value::List(rows.items()),
        "first" | "scalar" => {
            if name == "scalar" {
                rows.shape = super::value::ResultShape::Scalars;
            }
            match rows.rows.first().cloned() {
                Some(row) => rows.item(row),
                None => Value::None,
            }
        }
        "one" | "scalar_one" => {
            if name == "scalar_one" {
                rows.shape = ResultShape::Scalars;
            }
            match rows.rows.len() {
                0 => return Err(no_rows(ev, "No row was found when one was required")),
                1 => {
                    let row = rows.rows[0].clone();
                    rows.item(row)
                }
                _ => {
                    return Err(ev.python(
                        span,
                        "sqlalchemy.exc.MultipleResultsFound",
                        "Multiple rows were found when exactly one was required",
                    ))
                }
            }
        }
        "scalars" | "mappings" => {
            rows.shape = if name == "scalars" {
                ResultShape::Scalars
            } else {
                ResultShape::Mappings
            };
            Value::Rows(Box::new(rows))
        }
        _ => Value::None,
    };
    Ok((value, None))
}

/// `connection.execute(statement, parameters)`.
pub(super) fn execute(ev: &mut Evaluator, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    if let Some(keyword) = keywords.first() {
        return Err(ev.unsupported(
            keyword.span,
            format!("the playground supports connection.{name}(statement, parameters) only"),
        ));
    }
    let mut args = args.into_iter();
    let Some(statement) = args.next() else {
        return Err(ev.python(
            span,
            "TypeError",
            format!("Connection.{name}() missing 1 required positional argument: 'statement'"),
        ));
    };
    let statement = match (name, statement) {
        (
            "execute",
            Arg {
                value: Value::Str(sql),
                ..
            },
        ) => {
            return Err(ev.python(
                span,
                "sqlalchemy.exc.ObjectNotExecutableError",
                format!(
                    "Not an executable object: {}",
                    Literal::Str(sql).python_repr()
                ),
            ))
        }
        (_, other) => other,
    };
    let parameter_sets: Vec<Vec<(String, Literal)>> = match args.next().map(|a| (a.value, a.span)) {
        None | Some((Value::None, _)) => vec![Vec::new()],
        Some((Value::Dict(items), at)) => vec![parameters(ev, items, at)?],
        Some((Value::List(sets) | Value::Tuple(sets), at)) => {
            let mut out = Vec::new();
            for set in sets {
                match set {
                    Value::Dict(items) => out.push(parameters(ev, items, at)?),
                    other => {
                        return Err(ev.unsupported(
                            at,
                            format!(
                            "the playground takes parameters as a dict or a list of dicts, not {}",
                            other.kind_name()
                        ),
                        ))
                    }
                }
            }
            if out.is_empty() {
                out.push(Vec::new());
            }
            out
        }
        Some((other, at)) => {
            return Err(ev.unsupported(
                at,
                format!(
                    "the playground takes parameters as a dict or a list of dicts, not {}",
                    other.kind_name()
                ),
            ))
        }
    };
    let mut base = ops_calls::execute_sql(ev, &statement)?;
    let mut parameter_sets = parameter_sets;
    if ev.is_offline() {
        // Alembic's mock connection prints the statement once and ignores the parameters; an
        // insert without values names every column as a bind
        parameter_sets.truncate(1);
        parameter_sets[0].clear();
        if let ExecuteSql::Insert {
            table_columns,
            values,
            ..
        } = &mut base
        {
            if values.is_empty() {
                *values = table_columns
                    .iter()
                    .map(|c| (c.clone(), crate::ops::SqlExpr::Text(format!(":{c}"))))
                    .collect();
            }
        }
    }
    let mut last = Value::None;
    for set in parameter_sets {
        let sql = match base.clone() {
            ExecuteSql::Text { sql, mut binds } => {
                for (key, value) in set {
                    binds.retain(|(k, _)| *k != key);
                    binds.push((key, value));
                }
                ExecuteSql::Text { sql, binds }
            }
            ExecuteSql::Insert {
                table,
                table_columns,
                mut values,
            } => {
                for (key, value) in set {
                    values.retain(|(k, _)| *k != key);
                    values.push((key, crate::ops::SqlExpr::Value(value)));
                }
                ExecuteSql::Insert {
                    table,
                    table_columns,
                    values,
                }
            }
            other => other,
        };
        last = match ev.query(Operation::Execute(sql), span)? {
            Some(found) => Value::Rows(Box::new(Rows::from_query(found))),
            None => Value::None,
        };
    }
    Ok(last)
}

fn parameters(
    ev: &Evaluator,
    items: Vec<(Value, Value)>,
    span: Span,
) -> EvalResult<Vec<(String, Literal)>> {
    let mut out = Vec::new();
    for (key, value) in items {
        let (Value::Str(key), Some(literal)) = (&key, value.to_literal()) else {
            return Err(ev.unsupported(
                span,
                format!(
                    "the playground binds str keys to plain values, not {} to {}",
                    key.kind_name(),
                    value.kind_name()
                ),
            ));
        };
        out.push((key.clone(), literal));
    }
    Ok(out)
}

// ------------------------------------------------------------ sa.inspect(bind)

/// The inspector's methods the playground answers.
const INSPECTOR_METHODS: &[&str] = &[
    "get_table_names",
    "has_table",
    "get_columns",
    "get_indexes",
    "get_foreign_keys",
    "get_pk_constraint",
    "get_unique_constraints",
];

/// `sa.inspect(bind)`: an `Inspector` over the live connection. Offline the bind is Alembic's
/// mock connection, which SQLAlchemy cannot inspect (measured with Alembic 1.20.1).
pub(super) fn inspect(ev: &mut Evaluator, args: Vec<Arg>, span: Span) -> EvalResult<Value> {
    match args.first().map(|arg| &arg.value) {
        Some(Value::Connection) => {}
        Some(Value::Foreign(name)) if name == super::env::BIND_ENGINE => {}
        Some(other) => {
            return Err(ev.unsupported(
                span,
                format!(
                    "the playground inspects only op.get_bind(), not {}",
                    other.kind_name()
                ),
            ))
        }
        None => {
            return Err(ev.python(
                span,
                "TypeError",
                "inspect() missing 1 required positional argument: 'subject'",
            ))
        }
    }
    inspectable(ev, span)?;
    ev.inspectors.push(Vec::new());
    Ok(Value::Inspector(ev.inspectors.len() as u32 - 1))
}

/// Fails where the bind is not a live connection: offline it is Alembic's mock connection,
/// on which SQLAlchemy raises `exception` (measured with Alembic 1.20.1); without a migration
/// (lint, lessons) there is no connection at all.
pub(super) fn needs_live(
    ev: &Evaluator,
    span: Span,
    exception: &str,
    message: &str,
) -> EvalResult<()> {
    if ev.is_offline() {
        return Err(ev.python(span, exception, message));
    }
    if !ev.is_live() {
        return Err(ev.unsupported(span, super::NEEDS_DATABASE));
    }
    Ok(())
}

/// `sa.inspect(bind)` and reflection: SQLAlchemy cannot inspect the mock connection.
pub(super) fn inspectable(ev: &Evaluator, span: Span) -> EvalResult<()> {
    needs_live(
        ev,
        span,
        "sqlalchemy.exc.NoInspectionAvailable",
        "No inspection system is available for object of type <class 'sqlalchemy.engine.mock.MockConnection'>",
    )
}

pub(super) fn inspector_attribute(value: &Value, attr: &str) -> Option<Value> {
    match value {
        Value::Inspector(_) if INSPECTOR_METHODS.contains(&attr) => {
            Some(Value::Method(Box::new(value.clone()), attr.to_string()))
        }
        _ => None,
    }
}

/// An inspector method, answered once per inspector and arguments (SQLAlchemy caches them:
/// a table created after the first `get_table_names()` is not in the second).
pub(super) fn inspector_call(
    ev: &mut Evaluator,
    id: u32,
    name: &str,
    args: Vec<Arg>,
    span: Span,
) -> EvalResult<Value> {
    let table = match args.first().map(|arg| &arg.value) {
        Some(Value::Str(table)) => Some(table.clone()),
        _ => None,
    };
    if name != "get_table_names" && table.is_none() {
        return Err(ev.unsupported(
            span,
            format!("the playground needs the table name as a string in {name}()"),
        ));
    }
    let key = format!("{name}/{}", table.as_deref().unwrap_or(""));
    if let Some((_, value)) = ev
        .inspectors
        .get(id as usize)
        .and_then(|cache| cache.iter().find(|(k, _)| *k == key))
    {
        return Ok(value.clone());
    }
    let value = inspect_now(ev, name, table.as_deref(), span)?;
    if let Some(cache) = ev.inspectors.get_mut(id as usize) {
        cache.push((key, value.clone()));
    }
    Ok(value)
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::Dict(
        entries
            .into_iter()
            .map(|(key, value)| (Value::Str(key.to_string()), value))
            .collect(),
    )
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().cloned().map(Value::Str).collect())
}

fn opt_str(value: &Option<String>) -> Value {
    value.clone().map(Value::Str).unwrap_or(Value::None)
}

fn inspect_now(
    ev: &mut Evaluator,
    name: &str,
    table: Option<&str>,
    span: Span,
) -> EvalResult<Value> {
    let failed = |ev: &Evaluator, error: crate::runtime::RuntimeError| {
        ev.python(span, "sqlalchemy.exc.OperationalError", error.to_string())
    };
    if name == "get_table_names" {
        let names = super::metadata::table_names(ev, span)?;
        return Ok(Value::List(names.into_iter().map(Value::Str).collect()));
    }
    #[cfg(feature = "postgresql")]
    if super::metadata::on_postgresql(ev) {
        return inspect_postgresql(ev, name, table.unwrap_or_default(), span);
    }
    let Some(database) = ev.database() else {
        return Err(ev.unsupported(span, super::NEEDS_DATABASE));
    };
    let table = table.unwrap_or_default();
    let data = crate::runtime::reflect::fetch_table(database, table);
    let data = data.map_err(|error| failed(ev, error))?;
    if name == "has_table" {
        return Ok(Value::Bool(data.is_some()));
    }
    let Some(data) = data else {
        return Err(ev.python(span, "sqlalchemy.exc.NoSuchTableError", table.to_string()));
    };
    let reflected = crate::autogen::reflect::to_schema_table(&data);
    Ok(match name {
        "get_columns" => Value::List(
            data.columns
                .iter()
                .filter(|column| column.hidden != 1)
                .map(|column| {
                    let (sql_type, _) = crate::ops::SqlType::from_sqlite_declared(&column.type_);
                    dict(vec![
                        ("name", Value::Str(column.name.clone())),
                        ("type", Value::Type(sql_type)),
                        ("nullable", Value::Bool(!column.notnull)),
                        ("default", opt_str(&column.dflt_value)),
                        ("primary_key", Value::Int(column.pk)),
                    ])
                })
                .collect(),
        ),
        "get_indexes" => Value::List(
            data.indexes
                .iter()
                .filter(|index| !index.name.starts_with("sqlite_autoindex"))
                .map(|index| {
                    let columns: Vec<Value> =
                        index.columns.iter().map(|column| opt_str(column)).collect();
                    dict(vec![
                        ("name", Value::Str(index.name.clone())),
                        ("column_names", Value::List(columns)),
                        ("unique", Value::Int(index.unique as i64)),
                        ("dialect_options", Value::Dict(Vec::new())),
                    ])
                })
                .collect(),
        ),
        _ => constraints_value(name, &reflected),
    })
}

/// What the inspector's `get_foreign_keys`, `get_pk_constraint` and
/// `get_unique_constraints` return for a reflected table.
fn constraints_value(name: &str, reflected: &crate::autogen::SchemaTable) -> Value {
    match name {
        "get_foreign_keys" => Value::List(
            reflected
                .foreign_keys
                .iter()
                .map(|key| {
                    let mut options = Vec::new();
                    for (option, value) in
                        [("onupdate", &key.onupdate), ("ondelete", &key.ondelete)]
                    {
                        if let Some(value) = value {
                            options
                                .push((Value::Str(option.to_string()), Value::Str(value.clone())));
                        }
                    }
                    dict(vec![
                        (
                            "name",
                            opt_str(&key.name.as_ref().map(|name| name.text.clone())),
                        ),
                        ("constrained_columns", strings(&key.columns)),
                        ("referred_schema", Value::None),
                        ("referred_table", Value::Str(key.referent_table.clone())),
                        ("referred_columns", strings(&key.referent_columns)),
                        ("options", Value::Dict(options)),
                    ])
                })
                .collect(),
        ),
        "get_pk_constraint" => dict(vec![
            ("constrained_columns", strings(&reflected.primary_key)),
            (
                "name",
                opt_str(
                    &reflected
                        .primary_key_name
                        .as_ref()
                        .map(|name| name.text.clone()),
                ),
            ),
        ]),
        _ => Value::List(
            reflected
                .uniques
                .iter()
                .map(|unique| {
                    dict(vec![
                        (
                            "name",
                            opt_str(&unique.name.as_ref().map(|name| name.text.clone())),
                        ),
                        ("column_names", strings(&unique.columns)),
                    ])
                })
                .collect(),
        ),
    }
}

/// The inspector on PostgreSQL: SQLAlchemy's PostgreSQL reflection (`pg_catalog`).
#[cfg(feature = "postgresql")]
fn inspect_postgresql(
    ev: &mut Evaluator,
    name: &str,
    table: &str,
    span: Span,
) -> EvalResult<Value> {
    let Some(database) = ev.database() else {
        return Err(ev.unsupported(span, super::NEEDS_DATABASE));
    };
    let reflected = crate::autogen::reflect_postgresql::reflect_table(database, table)
        .map_err(|error| ev.python(span, "sqlalchemy.exc.OperationalError", error.to_string()))?;
    if name == "has_table" {
        return Ok(Value::Bool(reflected.is_some()));
    }
    let Some(reflected) = reflected else {
        return Err(ev.python(span, "sqlalchemy.exc.NoSuchTableError", table.to_string()));
    };
    Ok(match name {
        "get_columns" => Value::List(
            reflected
                .columns
                .iter()
                .map(|column| {
                    dict(vec![
                        ("name", Value::Str(column.name.clone())),
                        ("type", Value::Type(column.type_.clone())),
                        ("nullable", Value::Bool(column.nullable)),
                        (
                            "default",
                            opt_str(&column.server_default.as_ref().map(|d| d.sql())),
                        ),
                        (
                            "autoincrement",
                            Value::Bool(column.autoincrement == Some(true)),
                        ),
                        ("comment", opt_str(&column.comment)),
                    ])
                })
                .collect(),
        ),
        "get_indexes" => Value::List(
            reflected
                .indexes
                .iter()
                .map(|index| {
                    let columns: Vec<Value> = index
                        .parts()
                        .into_iter()
                        .map(|part| match part {
                            crate::autogen::IndexPart::Column(column) => {
                                Value::Str(column.to_string())
                            }
                            crate::autogen::IndexPart::Expression(_) => Value::None,
                        })
                        .collect();
                    dict(vec![
                        ("name", Value::Str(index.name.text.clone())),
                        ("unique", Value::Bool(index.unique.is_unique())),
                        ("column_names", Value::List(columns)),
                    ])
                })
                .collect(),
        ),
        // PostgreSQL's primary key also tells its comment and `INCLUDE` columns
        "get_pk_constraint" => {
            let Value::Dict(mut entries) = constraints_value(name, &reflected) else {
                return Ok(Value::None);
            };
            entries.push((Value::Str("comment".to_string()), Value::None));
            entries.push((
                Value::Str("dialect_options".to_string()),
                dict(vec![("postgresql_include", Value::List(Vec::new()))]),
            ));
            Value::Dict(entries)
        }
        _ => constraints_value(name, &reflected),
    })
}
