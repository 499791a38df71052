//! The argument conversions SQLAlchemy's constructors and the `op` calls share: strings,
//! flags, types, server defaults, index elements, `postgresql_where`-style dialect keywords,
//! the tables of `bulk_insert`.

use crate::ops::sqltext::{py_float_repr, quote, sql_string};
use crate::ops::{
    BulkInsertTable, IndexElement, Literal, OpsError, ServerDefault, SqlExpr, SqlType,
};
use crate::python::Span;

use super::args::{bind, Arg, Bound, KwArg, Signature};
use super::eval::Evaluator;
use super::value::Value;
use super::ExecError;

type EvalResult<T> = Result<T, ExecError>;

/// Dialect prefixes SQLAlchemy accepts on `**dialect_kw`.
pub(super) const DIALECTS: &[&str] = &[
    "sqlite",
    "postgresql",
    "mysql",
    "mariadb",
    "mssql",
    "oracle",
];

/// Binds arguments, turning a binding failure into Python's `TypeError` at `span`.
pub(super) fn bind_call(
    ev: &Evaluator,
    signature: &Signature,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Bound> {
    bind(signature, args, keywords).map_err(|message| ev.python(span, "TypeError", message))
}

/// An `OpsError` raised while building a value, as the Python exception.
pub(super) fn ops_error(ev: &Evaluator, error: OpsError, span: Span) -> ExecError {
    ev.python(span, error.python_class(), error.message())
}

pub(super) fn wrong(
    ev: &Evaluator,
    span: Span,
    what: &str,
    expected: &str,
    got: &Value,
) -> ExecError {
    ev.unsupported(
        span,
        format!(
            "the playground expects {expected} for {what}, not {}",
            got.kind_name()
        ),
    )
}

pub(super) fn expect_str(ev: &Evaluator, arg: &Arg, what: &str) -> EvalResult<String> {
    match &arg.value {
        Value::Str(s) => Ok(s.clone()),
        other => Err(wrong(ev, arg.span, what, "a string", other)),
    }
}

/// A string parameter that may be omitted or `None`.
pub(super) fn opt_str(ev: &Evaluator, arg: Option<&Arg>, what: &str) -> EvalResult<Option<String>> {
    match arg {
        None => Ok(None),
        Some(Arg {
            value: Value::None, ..
        }) => Ok(None),
        Some(arg) => expect_str(ev, arg, what).map(Some),
    }
}

/// A flag: Python truthiness of a plain value (`None` when omitted or `None`).
pub(super) fn opt_bool(ev: &Evaluator, arg: Option<&Arg>, what: &str) -> EvalResult<Option<bool>> {
    match arg {
        None
        | Some(Arg {
            value: Value::None, ..
        }) => Ok(None),
        Some(arg) => match &arg.value {
            Value::Bool(_) | Value::Int(_) | Value::Str(_) => Ok(arg.value.truthy()),
            other => Err(wrong(ev, arg.span, what, "True or False", other)),
        },
    }
}

pub(super) fn flag(ev: &Evaluator, arg: Option<&Arg>, what: &str) -> EvalResult<bool> {
    Ok(opt_bool(ev, arg, what)?.unwrap_or(false))
}

/// The name of a column given as a string or a column object.
pub(super) fn column_name_of(value: &Value) -> Option<String> {
    match value {
        Value::Str(s) => Some(s.clone()),
        Value::Column(c) => Some(c.name.clone()),
        Value::MappedColumn(c) => Some(c.name.clone()),
        Value::LightColumn(name, _) => Some(name.clone()),
        Value::Sql(SqlExpr::Column { name, .. }) => Some(name.clone()),
        _ => None,
    }
}

/// A list of column names (`['a', 'b']`); a bare string is iterated, as Python would.
pub(super) fn str_list(ev: &Evaluator, arg: &Arg, what: &str) -> EvalResult<Vec<String>> {
    match &arg.value {
        Value::List(items) | Value::Tuple(items) => {
            let mut names = Vec::with_capacity(items.len());
            for item in items {
                match column_name_of(item) {
                    Some(name) => names.push(name),
                    None => return Err(wrong(ev, arg.span, what, "column names", item)),
                }
            }
            Ok(names)
        }
        Value::Str(s) => Ok(s.chars().map(|c| c.to_string()).collect()),
        other => Err(wrong(ev, arg.span, what, "a list of column names", other)),
    }
}

/// A type given as a class (`sa.Integer`) or an instance (`sa.String(50)`).
pub(super) fn to_type(
    ev: &Evaluator,
    value: &Value,
    span: Span,
    what: &str,
) -> EvalResult<SqlType> {
    match value {
        Value::Type(t) => Ok(t.clone()),
        Value::TypeClass(name) => {
            SqlType::from_python_call(name, &[], &[]).map_err(|e| ops_error(ev, e, span))
        }
        other => Err(wrong(ev, span, what, "a SQLAlchemy type", other)),
    }
}

pub(super) fn opt_type(
    ev: &Evaluator,
    arg: Option<&Arg>,
    what: &str,
) -> EvalResult<Option<SqlType>> {
    match arg {
        None
        | Some(Arg {
            value: Value::None, ..
        }) => Ok(None),
        Some(arg) => to_type(ev, &arg.value, arg.span, what).map(Some),
    }
}

/// `server_default=`: a string, `text(...)`, `func.now()`, `true()`/`false()` (`None` → `None`).
pub(super) fn to_server_default(ev: &Evaluator, arg: &Arg) -> EvalResult<Option<ServerDefault>> {
    match &arg.value {
        Value::None => Ok(None),
        Value::Str(s) => Ok(Some(ServerDefault::Str(s.clone()))),
        Value::Text { sql, .. } => Ok(Some(ServerDefault::Text(sql.clone()))),
        Value::SqlDefault(d) => Ok(Some(d.clone())),
        Value::Sql(SqlExpr::Text(t)) => Ok(Some(ServerDefault::Text(t.clone()))),
        other => {
            let class = match other {
                Value::Int(_) => "int",
                Value::Float(_) => "float",
                Value::Bool(_) => "bool",
                _ => "",
            };
            if class.is_empty() {
                Err(wrong(
                    ev,
                    arg.span,
                    "server_default",
                    "a string, text() or func.now()",
                    other,
                ))
            } else {
                Err(ev.python(
                    arg.span,
                    "sqlalchemy.exc.ArgumentError",
                    format!("Argument 'arg' is expected to be one of type '<class 'str'>' or '<class 'sqlalchemy.sql.elements.ClauseElement'>' or '<class 'sqlalchemy.sql.elements.TextClause'>', got '<class '{class}'>'"),
                ))
            }
        }
    }
}

/// A literal for SQL rendering inside DDL (CHECK text).
pub(super) fn inline_sql_literal(literal: &Literal) -> String {
    match literal {
        Literal::None => "NULL".into(),
        Literal::Bool(b) => if *b { "1" } else { "0" }.into(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => py_float_repr(*f),
        Literal::Str(s) => sql_string(s),
    }
}

/// A SQL expression as DDL renders it (columns unqualified, literals inline).
pub(super) fn ddl_expression(expr: &SqlExpr) -> String {
    match expr {
        SqlExpr::Column { name, .. } => quote(name),
        SqlExpr::InlineLiteral(l) | SqlExpr::Value(l) => inline_sql_literal(l),
        SqlExpr::Text(t) => t.clone(),
        SqlExpr::Binary {
            left,
            operator,
            right,
        } => format!(
            "{} {operator} {}",
            ddl_expression(left),
            ddl_expression(right)
        ),
        SqlExpr::And(items) => items
            .iter()
            .map(ddl_expression)
            .collect::<Vec<_>>()
            .join(" AND "),
        SqlExpr::Or(items) => {
            let joined = items
                .iter()
                .map(ddl_expression)
                .collect::<Vec<_>>()
                .join(" OR ");
            format!("({joined})")
        }
    }
}

/// A CHECK condition: a string, `text(...)` or a column comparison.
pub(super) fn condition_text(ev: &Evaluator, arg: &Arg) -> EvalResult<String> {
    match &arg.value {
        Value::Str(s) => Ok(s.clone()),
        Value::Text { sql, .. } => Ok(sql.clone()),
        Value::Sql(expr) => Ok(ddl_expression(expr)),
        other => Err(wrong(
            ev,
            arg.span,
            "the condition",
            "a string, text() or a column comparison",
            other,
        )),
    }
}

/// An index element: a column name, `text('lower(name)')` or a column object.
pub(super) fn index_element(ev: &Evaluator, value: &Value, span: Span) -> EvalResult<IndexElement> {
    match value {
        Value::Text { sql, .. } | Value::Sql(SqlExpr::Text(sql)) => {
            Ok(IndexElement::Expression(sql.clone()))
        }
        other => match column_name_of(other) {
            Some(name) => Ok(IndexElement::Column(name)),
            None => Err(wrong(
                ev,
                span,
                "an index column",
                "a column name or text()",
                other,
            )),
        },
    }
}

/// `op.create_index(..., columns)`: a list of names / `text()`; a bare string is iterated.
pub(super) fn index_elements(ev: &Evaluator, arg: &Arg) -> EvalResult<Vec<IndexElement>> {
    match &arg.value {
        Value::List(items) | Value::Tuple(items) => {
            let mut elements = Vec::with_capacity(items.len());
            for item in items {
                elements.push(index_element(ev, item, arg.span)?);
            }
            Ok(elements)
        }
        Value::Str(s) => Ok(s
            .chars()
            .map(|c| IndexElement::Column(c.to_string()))
            .collect()),
        other => Ok(vec![index_element(ev, other, arg.span)?]),
    }
}

/// `sqlite_where=text(...)` (other dialects' keywords are ignored, as on SQLite).
pub(super) fn dialect_keywords(
    ev: &Evaluator,
    bound: &mut Bound,
    function: &str,
    allowed_sqlite: &[&str],
) -> EvalResult<Vec<KwArg>> {
    let mut kept = Vec::new();
    for keyword in std::mem::take(&mut bound.extra) {
        let dialect = keyword.name.split_once('_').map(|(d, _)| d);
        match dialect {
            Some("sqlite") if allowed_sqlite.contains(&keyword.name.as_str()) => kept.push(keyword),
            Some("sqlite") => {
                return Err(ev.unsupported(
                    keyword.span,
                    format!(
                        "the playground does not support {}= in {function}()",
                        keyword.name
                    ),
                ))
            }
            Some(d) if DIALECTS.contains(&d) => {}
            _ => {
                return Err(ev.python(
                    keyword.span,
                    "TypeError",
                    format!(
                        "Additional arguments should be named <dialectname>_<argument>, got '{}'",
                        keyword.name
                    ),
                ))
            }
        }
    }
    Ok(kept)
}

/// `sqlite_where=` value.
pub(super) fn where_text(ev: &Evaluator, keyword: &KwArg) -> EvalResult<String> {
    condition_text(
        ev,
        &Arg {
            value: keyword.value.clone(),
            span: keyword.span,
        },
    )
}

/// A table for `bulk_insert`: `sa.table(...)` or a `sa.Table` (also `op.create_table`'s result).
pub(super) fn bulk_table(ev: &Evaluator, arg: &Arg) -> EvalResult<BulkInsertTable> {
    match &arg.value {
        Value::LightTable(t) => Ok(t.clone()),
        Value::Table(t) => Ok(BulkInsertTable {
            name: t.name.clone(),
            columns: t
                .columns
                .iter()
                .map(|c| (c.name.clone(), Some(c.type_.clone())))
                .collect(),
        }),
        other => Err(wrong(
            ev,
            arg.span,
            "the table",
            "sa.table(...) or a Table",
            other,
        )),
    }
}

/// The `:name` bound parameters of a `text()` (SQLAlchemy's `(?<![:\w\\]):(\w+)(?!:)`).
pub(super) fn text_bind_names(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let prev_ok = i == 0
            || chars
                .get(i - 1)
                .is_some_and(|p| !(*p == ':' || *p == '\\' || is_word(*p)));
        if c == ':' && prev_ok {
            let mut end = i + 1;
            while chars.get(end).is_some_and(|c| is_word(*c)) {
                end += 1;
            }
            let mut stop = end;
            while stop > i + 1 && chars.get(stop) == Some(&':') {
                stop -= 1;
            }
            if stop > i + 1 && chars.get(stop) != Some(&':') {
                names.push(chars.get(i + 1..stop).unwrap_or(&[]).iter().collect());
                i = stop;
                continue;
            }
        }
        i += 1;
    }
    names
}
