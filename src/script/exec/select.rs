//! `sa.select(...)` as data migrations build it: columns of `sa.table()` / `sa.Table()` /
//! reflected tables (or a whole table), `.where()` / `.filter()`, `.select_from()`,
//! `.order_by()` (with `.desc()` / `.asc()`), `.group_by()`, `.limit()`, `.offset()`,
//! `.distinct()`. The statement runs through `connection.execute(...)` or `op.execute(...)`
//! like the other Core statements; `ops` renders it as SQLAlchemy's SQLite compiler does.

use crate::ops::{Select, SqlExpr};
use crate::python::Span;

use super::args::{Arg, Call, KwArg};
use super::eval::Evaluator;
use super::schema_calls::as_sql_operand;
use super::value::Value;

type EvalResult<T> = Result<T, super::ExecError>;

/// The methods of a select the playground runs.
pub(super) const METHODS: &[&str] = &[
    "where",
    "filter",
    "select_from",
    "order_by",
    "group_by",
    "limit",
    "offset",
    "distinct",
    "execution_options",
    "join",
    "outerjoin",
];

/// `sa.select(*columns)`.
pub(super) fn select(
    ev: &Evaluator,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    if let Some(keyword) = keywords.first() {
        return Err(ev.python(
            keyword.span,
            "TypeError",
            format!(
                "select() got an unexpected keyword argument '{}'",
                keyword.name
            ),
        ));
    }
    if args.is_empty() {
        // SQLAlchemy builds it, and fails when it is compiled; say so where it is made
        return Err(ev.unsupported(span, "the playground needs at least one column in select()"));
    }
    let mut select = Select::default();
    for arg in args {
        for column in columns_of(ev, &arg)? {
            column.tables(&mut select.froms);
            select.columns.push(column);
        }
    }
    Ok(Value::Select(Box::new(select)))
}

/// What one argument of `select()` selects: a table's columns, or one expression.
fn columns_of(ev: &Evaluator, arg: &Arg) -> EvalResult<Vec<SqlExpr>> {
    let column = |table: &str, name: &str| SqlExpr::Column {
        table: table.to_string(),
        name: name.to_string(),
    };
    Ok(match &arg.value {
        Value::Table(table) => table
            .columns
            .iter()
            .map(|c| column(&table.name, &c.name))
            .collect(),
        Value::LightTable(table) => table
            .columns
            .iter()
            .map(|(name, _)| column(&table.name, name))
            .collect(),
        Value::LightColumn(name, _) => vec![column("", name)],
        Value::Int(i) => vec![SqlExpr::Text(i.to_string())],
        other => match as_sql_operand(other) {
            Some(expr) if matches!(other, Value::Sql(_) | Value::Text { .. }) => vec![expr],
            _ => {
                return Err(ev.unsupported(
                    arg.span,
                    format!(
                        "the playground selects columns, tables and SQL expressions, not {}",
                        other.kind_name()
                    ),
                ))
            }
        },
    })
}

fn table_name(value: &Value) -> Option<String> {
    match value {
        Value::Table(table) => Some(table.name.clone()),
        Value::LightTable(table) => Some(table.name.clone()),
        _ => None,
    }
}

/// `select.<method>(...)`: a new select.
pub(super) fn method_call(ev: &Evaluator, mut select: Select, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    if name == "execution_options" {
        return Ok(Value::Select(Box::new(select)));
    }
    if let Some(keyword) = keywords.first() {
        return Err(ev.unsupported(
            keyword.span,
            format!("the playground supports .{name}() without keywords"),
        ));
    }
    let integer = |ev: &Evaluator, args: &[Arg]| match args {
        [Arg {
            value: Value::Int(n),
            ..
        }] => Ok(Some(*n)),
        [Arg {
            value: Value::None, ..
        }] => Ok(None),
        _ => Err(ev.unsupported(
            span,
            format!("the playground supports .{name}(n) with one integer"),
        )),
    };
    match name {
        "where" | "filter" => {
            for arg in args {
                let condition = match as_sql_operand(&arg.value) {
                    Some(expr) if matches!(arg.value, Value::Sql(_) | Value::Text { .. }) => expr,
                    _ => {
                        return Err(ev.unsupported(
                            arg.span,
                            format!(
                                "the playground expects a SQL condition in .{name}(), not {}",
                                arg.value.kind_name()
                            ),
                        ))
                    }
                };
                condition.tables(&mut select.froms);
                select.where_clauses.push(condition);
            }
        }
        "select_from" => {
            let mut explicit = Vec::new();
            for arg in &args {
                match table_name(&arg.value) {
                    Some(table) => explicit.push(table),
                    None => {
                        return Err(ev.unsupported(
                            arg.span,
                            format!(
                                "the playground selects from tables, not {}",
                                arg.value.kind_name()
                            ),
                        ))
                    }
                }
            }
            select.froms.retain(|table| !explicit.contains(table));
            explicit.append(&mut select.froms);
            select.froms = explicit;
        }
        "order_by" | "group_by" => {
            for arg in args {
                let term = match &arg.value {
                    Value::LightColumn(column, _) => SqlExpr::Column {
                        table: String::new(),
                        name: column.clone(),
                    },
                    // a label names a selected column (`order_by('name')`)
                    Value::Str(label) => select
                        .columns
                        .iter()
                        .find(|c| matches!(c, SqlExpr::Column { name, .. } if name == label))
                        .cloned()
                        .unwrap_or_else(|| SqlExpr::Text(crate::ops::quote(label))),
                    other => match as_sql_operand(other) {
                        Some(expr) if matches!(other, Value::Sql(_) | Value::Text { .. }) => expr,
                        _ => {
                            return Err(ev.unsupported(
                                arg.span,
                                format!(
                                    "the playground expects columns in .{name}(), not {}",
                                    other.kind_name()
                                ),
                            ))
                        }
                    },
                };
                if name == "order_by" {
                    select.order_by.push(term);
                } else {
                    select.group_by.push(term);
                }
            }
        }
        "join" | "outerjoin" => {
            let mut args = args.into_iter();
            let (Some(target), Some(on)) = (args.next(), args.next()) else {
                return Err(ev.unsupported(
                    span,
                    format!("the playground supports .{name}(table, onclause)"),
                ));
            };
            let Some(table) = table_name(&target.value) else {
                return Err(ev.unsupported(
                    target.span,
                    format!(
                        "the playground joins tables, not {}",
                        target.value.kind_name()
                    ),
                ));
            };
            let on = match as_sql_operand(&on.value) {
                Some(expr) if matches!(on.value, Value::Sql(_) | Value::Text { .. }) => expr,
                _ => {
                    return Err(ev.unsupported(
                        on.span,
                        format!("the playground expects a SQL condition in .{name}()"),
                    ))
                }
            };
            if select.froms.is_empty() {
                return Err(ev.unsupported(span, "the playground joins to a select with a FROM"));
            }
            on.tables(&mut select.froms);
            if !select.froms.contains(&table) {
                select.froms.push(table.clone());
            }
            select.joins.push(crate::ops::Join {
                table,
                on,
                outer: name == "outerjoin",
            });
        }
        "limit" => select.limit = integer(ev, &args)?,
        "offset" => select.offset = integer(ev, &args)?,
        "distinct" => {
            if !args.is_empty() {
                return Err(ev.unsupported(
                    span,
                    "the playground supports .distinct() without arguments",
                ));
            }
            select.distinct = true;
        }
        _ => {
            return Err(ev.unsupported(
                span,
                format!("the playground cannot call .{name}() of a select"),
            ))
        }
    }
    Ok(Value::Select(Box::new(select)))
}

/// `column.desc()` / `column.asc()`: the ORDER BY term.
pub(super) fn ordering(ev: &Evaluator, value: &Value, name: &str, span: Span) -> EvalResult<Value> {
    let Some(expr) = as_sql_operand(value) else {
        return Err(ev.unsupported(
            span,
            format!("the playground cannot order by {}", value.kind_name()),
        ));
    };
    let mut params = Vec::new();
    let rendered = crate::ops::render_sql_expr(&expr, false, &mut params);
    if !params.is_empty() {
        return Err(ev.unsupported(span, "the playground orders by columns only"));
    }
    Ok(Value::Sql(SqlExpr::Text(format!(
        "{rendered} {}",
        name.to_uppercase()
    ))))
}
