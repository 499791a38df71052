//! SQLAlchemy as revision files use it: `sa.Column`, the types, `sa.ForeignKey`, the four
//! constraints, `sa.Index`, `sa.Table`, `sa.text`, `sa.table`/`sa.column` and the small
//! expression language of `t.update().where(t.c.x == 1).values(...)`; plus the argument
//! conversions the op calls share.

use crate::ops::sqltext::quote;
use crate::ops::{
    BulkInsertTable, CheckConstraint, Column, Constraint, ForeignKey, ForeignKeyConstraint, Index,
    PrimaryKeyConstraint, ServerDefault, SqlExpr, SqlType, Table, TypeClass, UniqueConstraint,
};
use crate::python::{CompareOperator, Span};

use super::args::{Arg, Call, KwArg, Signature};
use super::eval::Evaluator;
use super::schema_args::*;
use super::value::{DmlBuilder, DmlKind, Value};
use super::ExecError;

type EvalResult<T> = Result<T, ExecError>;

// --------------------------------------------------------- SQL expressions

/// A value usable as an operand of a SQL expression.
pub(super) fn as_sql_operand(value: &Value) -> Option<SqlExpr> {
    match value {
        Value::Sql(e) => Some(e.clone()),
        Value::LightColumn(name, _) => Some(SqlExpr::Text(quote(name))),
        Value::Text { sql, .. } => Some(SqlExpr::Text(sql.clone())),
        Value::SqlDefault(ServerDefault::True) => Some(SqlExpr::Text("1".into())),
        Value::SqlDefault(ServerDefault::False) => Some(SqlExpr::Text("0".into())),
        Value::SqlDefault(ServerDefault::FuncNow) => {
            Some(SqlExpr::Text("CURRENT_TIMESTAMP".into()))
        }
        other => other.to_literal().map(SqlExpr::Value),
    }
}

/// `t.c.x == 1`, `t.c.x != None`, `t.c.x >= op.inline_literal(3)`.
pub(super) fn sql_comparison(
    ev: &Evaluator,
    left: Value,
    operator: CompareOperator,
    right: Value,
    span: Span,
) -> EvalResult<Value> {
    use CompareOperator::*;
    let Some(left_expr) = as_sql_operand(&left) else {
        return Err(ev.unsupported(span, "the playground cannot compare this value"));
    };
    let null = matches!(right, Value::None);
    let symbol = match (operator, null) {
        (Equal | Is, true) => "IS",
        (NotEqual | IsNot, true) => "IS NOT",
        (Equal, false) => "=",
        (NotEqual, false) => "!=",
        (Less, _) => "<",
        (LessEqual, _) => "<=",
        (Greater, _) => ">",
        (GreaterEqual, _) => ">=",
        _ => {
            return Err(ev.unsupported(
                span,
                "the playground supports ==, !=, <, <=, >, >= and 'is None' in SQL expressions",
            ))
        }
    };
    let right_expr = if null {
        SqlExpr::Text("NULL".into())
    } else {
        match as_sql_operand(&right) {
            Some(e) => e,
            None => {
                return Err(ev.unsupported(
                    span,
                    format!(
                        "the playground cannot compare a column with {}",
                        right.kind_name()
                    ),
                ))
            }
        }
    };
    Ok(Value::Sql(SqlExpr::Binary {
        left: Box::new(left_expr),
        operator: symbol.to_string(),
        right: Box::new(right_expr),
    }))
}

fn dml(kind: DmlKind, table: &Value) -> Option<DmlBuilder> {
    let (name, columns) = match table {
        Value::LightTable(t) => (
            t.name.clone(),
            t.columns.iter().map(|c| c.0.clone()).collect(),
        ),
        Value::Table(t) => (
            t.name.clone(),
            t.columns.iter().map(|c| c.name.clone()).collect(),
        ),
        _ => return None,
    };
    Some(DmlBuilder {
        kind,
        table: name,
        table_columns: columns,
        values: Vec::new(),
        where_clauses: Vec::new(),
    })
}

// -------------------------------------------------------------- attributes

pub(super) fn attribute(
    ev: &mut Evaluator,
    value: Value,
    attr: &str,
    span: Span,
) -> EvalResult<Value> {
    let method = |value: Value| Ok(Value::Method(Box::new(value), attr.to_string()));
    match (&value, attr) {
        (Value::LightTable(t), "c" | "columns") => Ok(Value::TableColumns(
            t.name.clone(),
            t.columns.iter().map(|c| c.0.clone()).collect(),
        )),
        (Value::Table(t), "c" | "columns") => Ok(Value::TableColumns(
            t.name.clone(),
            t.columns.iter().map(|c| c.name.clone()).collect(),
        )),
        (Value::LightTable(_) | Value::Table(_), "update" | "delete" | "insert") => method(value),
        (Value::LightTable(BulkInsertTable { name, .. }), "name") => Ok(Value::Str(name.clone())),
        (Value::Table(t), "name") => Ok(Value::Str(t.name.clone())),
        (Value::Column(c), "name" | "key") => Ok(Value::Str(c.name.clone())),
        (Value::Sql(SqlExpr::Column { name, .. }), "name" | "key") => Ok(Value::Str(name.clone())),
        (Value::Column(c), "type") => Ok(Value::Type(c.type_.clone())),
        (Value::Column(c), "nullable") => Ok(Value::Bool(c.nullable.unwrap_or(!c.primary_key))),
        (Value::Column(c), "primary_key") => Ok(Value::Bool(c.primary_key)),
        (Value::Column(c), "comment") => {
            Ok(c.comment.clone().map(Value::Str).unwrap_or(Value::None))
        }
        (Value::Column(c), "server_default") => Ok(c
            .server_default
            .clone()
            .map(Value::SqlDefault)
            .unwrap_or(Value::None)),
        (Value::TableColumns(table, columns), _) => {
            if columns.iter().any(|c| c == attr) {
                Ok(Value::Sql(SqlExpr::Column {
                    table: table.clone(),
                    name: attr.to_string(),
                }))
            } else {
                Err(ev.python(span, "AttributeError", attr.to_string()))
            }
        }
        (Value::Text { .. }, "bindparams") => method(value),
        (
            Value::Sql(_) | Value::LightColumn(..),
            "like" | "notlike" | "is_" | "isnot" | "is_not",
        ) => method(value),
        (Value::Dml(_), "where" | "values" | "execution_options") => method(value),
        (Value::Select(_), name) if super::select::METHODS.contains(&name) => method(value),
        (Value::Sql(_), "desc" | "asc") => method(value),
        (Value::Dict(_), "items" | "keys" | "values") => method(value),
        (Value::None, _) => Err(ev.python(
            span,
            "AttributeError",
            format!("'NoneType' object has no attribute '{attr}'"),
        )),
        // a str, list, dict or tuple without the attribute: Python's AttributeError (one it
        // has and the playground does not model stays a clear "cannot read")
        (value, _) => match builtin_lacks(value, attr) {
            Some(type_name) => Err(ev.python(
                span,
                "AttributeError",
                format!("'{type_name}' object has no attribute '{attr}'"),
            )),
            None => Err(ev.unsupported(
                span,
                format!(
                    "the playground cannot read '.{attr}' of {} inside {}()",
                    value.kind_name(),
                    ev.function
                ),
            )),
        },
    }
}

pub(super) fn method(ev: &mut Evaluator, receiver: Value, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    let no_args = |ev: &Evaluator, args: &[Arg], keywords: &[KwArg]| -> EvalResult<()> {
        if args.is_empty() && keywords.is_empty() {
            Ok(())
        } else {
            Err(ev.unsupported(
                span,
                format!("the playground supports .{name}() without arguments"),
            ))
        }
    };
    match (receiver, name) {
        // options of the ORM and the connection: nothing changes in the statement
        (dml @ Value::Dml(_), "execution_options") => Ok(dml),
        (Value::Select(select), _) => {
            super::select::method_call(ev, *select, Call::new(name, args, keywords, span))
        }
        (value @ Value::Sql(_), "desc" | "asc") => {
            no_args(ev, &args, &keywords)?;
            super::select::ordering(ev, &value, name, span)
        }
        (Value::Text { sql, mut binds }, "bindparams") => {
            if let Some(arg) = args.first() {
                return Err(ev.unsupported(
                    arg.span,
                    "the playground supports .bindparams(name=value, ...) with keyword values only",
                ));
            }
            for keyword in keywords {
                let Some(literal) = keyword.value.to_literal() else {
                    return Err(wrong(
                        ev,
                        keyword.span,
                        "a bound parameter",
                        "a plain value",
                        &keyword.value,
                    ));
                };
                if !text_bind_names(&sql).contains(&keyword.name) {
                    return Err(ev.python(
                        keyword.span,
                        "sqlalchemy.exc.ArgumentError",
                        format!(
                            "This text() construct doesn't define a bound parameter named '{}'",
                            keyword.name
                        ),
                    ));
                }
                binds.retain(|(k, _)| *k != keyword.name);
                binds.push((keyword.name, literal));
            }
            Ok(Value::Text { sql, binds })
        }
        (table @ (Value::LightTable(_) | Value::Table(_)), "update" | "delete" | "insert") => {
            no_args(ev, &args, &keywords)?;
            let kind = match name {
                "update" => DmlKind::Update,
                "delete" => DmlKind::Delete,
                _ => DmlKind::Insert,
            };
            dml(kind, &table)
                .map(Value::Dml)
                .ok_or_else(|| ev.unsupported(span, "not a table"))
        }
        (Value::Dml(mut builder), "where") => {
            if !keywords.is_empty() {
                return Err(
                    ev.unsupported(span, "the playground supports .where(condition, ...) only")
                );
            }
            for arg in args {
                match as_sql_operand(&arg.value) {
                    Some(expr) if matches!(arg.value, Value::Sql(_) | Value::Text { .. }) => {
                        builder.where_clauses.push(expr)
                    }
                    _ => {
                        return Err(wrong(
                            ev,
                            arg.span,
                            ".where()",
                            "a SQL condition",
                            &arg.value,
                        ))
                    }
                }
            }
            Ok(Value::Dml(builder))
        }
        (Value::Dml(mut builder), "values") => {
            let mut pairs: Vec<(String, Value, Span)> = Vec::new();
            for arg in args {
                match arg.value {
                    Value::Dict(items) => {
                        for (key, value) in items {
                            let Some(column) = column_name_of(&key) else {
                                return Err(wrong(
                                    ev,
                                    arg.span,
                                    "a .values() key",
                                    "a column name",
                                    &key,
                                ));
                            };
                            pairs.push((column, value, arg.span));
                        }
                    }
                    other => return Err(wrong(ev, arg.span, ".values()", "a dict", &other)),
                }
            }
            for keyword in keywords {
                pairs.push((keyword.name, keyword.value, keyword.span));
            }
            for (column, value, value_span) in pairs {
                let Some(expr) = as_sql_operand(&value) else {
                    return Err(wrong(
                        ev,
                        value_span,
                        "a value in .values()",
                        "a plain value or SQL expression",
                        &value,
                    ));
                };
                if builder.kind == DmlKind::Delete {
                    return Err(ev.unsupported(value_span, "a DELETE takes no .values()"));
                }
                if !builder.table_columns.contains(&column) {
                    return Err(ev.python(
                        value_span,
                        "sqlalchemy.exc.CompileError",
                        format!("Unconsumed column names: {column}"),
                    ));
                }
                builder.values.retain(|(c, _)| *c != column);
                builder.values.push((column, expr));
            }
            Ok(Value::Dml(builder))
        }
        (
            left @ (Value::Sql(_) | Value::LightColumn(..)),
            "like" | "notlike" | "is_" | "isnot" | "is_not",
        ) => {
            let [arg] = args.as_slice() else {
                return Err(ev.unsupported(
                    span,
                    format!("the playground supports .{name}(value) with one argument"),
                ));
            };
            let operator = match name {
                "like" => CompareOperator::Equal,
                "notlike" => CompareOperator::NotEqual,
                "is_" => CompareOperator::Is,
                _ => CompareOperator::IsNot,
            };
            if name.contains("like") {
                let (Some(l), Some(r)) = (as_sql_operand(&left), as_sql_operand(&arg.value)) else {
                    return Err(ev.unsupported(span, "the playground cannot build this LIKE"));
                };
                return Ok(Value::Sql(SqlExpr::Binary {
                    left: Box::new(l),
                    operator: if name == "like" { "LIKE" } else { "NOT LIKE" }.into(),
                    right: Box::new(r),
                }));
            }
            sql_comparison(ev, left, operator, arg.value.clone(), span)
        }
        (Value::Dict(items), "items" | "keys" | "values") => {
            no_args(ev, &args, &keywords)?;
            Ok(Value::List(
                items
                    .into_iter()
                    .map(|(k, v)| match name {
                        "items" => Value::Tuple(vec![k, v]),
                        "keys" => k,
                        _ => v,
                    })
                    .collect(),
            ))
        }
        (receiver, _) => Err(ev.unsupported(
            span,
            format!(
                "the playground cannot call .{name}() of {}",
                receiver.kind_name()
            ),
        )),
    }
}

// ------------------------------------------------------------------ types

/// `sa.Identity(always=False, on_null=None, start=None, increment=None, ...)` (by keyword).
#[cfg(feature = "postgresql")]
fn identity(ev: &Evaluator, args: &[Arg], keywords: &[KwArg], span: Span) -> EvalResult<Value> {
    if let Some(arg) = args.first() {
        return Err(ev.unsupported(
            arg.span,
            "the playground reads Identity(...)'s options by keyword (always=..., start=...)",
        ));
    }
    let mut identity = crate::ops::postgresql::Identity::default();
    for keyword in keywords {
        let number = || match &keyword.value {
            Value::Int(n) => Ok(Some(*n)),
            Value::None => Ok(None),
            other => Err(wrong(ev, keyword.span, &keyword.name, "an integer", other)),
        };
        let truth = || match &keyword.value {
            Value::Bool(b) => Ok(Some(*b)),
            Value::None => Ok(None),
            other => Err(wrong(
                ev,
                keyword.span,
                &keyword.name,
                "True or False",
                other,
            )),
        };
        match keyword.name.as_str() {
            "always" => identity.always = truth()?.unwrap_or(false),
            "start" => identity.start = number()?,
            "increment" => identity.increment = number()?,
            "minvalue" => identity.minvalue = number()?,
            "maxvalue" => identity.maxvalue = number()?,
            "nominvalue" => identity.nominvalue = truth()?,
            "nomaxvalue" => identity.nomaxvalue = truth()?,
            "cache" => identity.cache = number()?,
            "cycle" => identity.cycle = truth()?,
            "on_null" | "order" => {}
            other => {
                return Err(ev.python(
                    span,
                    "TypeError",
                    format!("Identity.__init__() got an unexpected keyword argument '{other}'"),
                ))
            }
        }
    }
    Ok(Value::Identity(identity))
}

/// `ARRAY(item_type, as_tuple=False, dimensions=None, zero_indexes=False)`: the item is a
/// type (a class or an instance).
#[cfg(feature = "postgresql")]
fn array_type(
    ev: &mut Evaluator,
    name: &str,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    let mut args = args.into_iter();
    let Some(item) = args.next() else {
        return Err(ev.python(
            span,
            "TypeError",
            "ARRAY.__init__() missing 1 required positional argument: 'item_type'",
        ));
    };
    let item_type = match item.value {
        Value::Type(type_) => type_,
        Value::TypeClass(class) => SqlType::from_python_call(&class, &[], &[])
            .map_err(|error| ops_error(ev, error, item.span))?,
        other => return Err(wrong(ev, item.span, &format!("{name}()"), "a type", &other)),
    };
    let mut dimensions = None;
    if args.len() > 3 {
        return Err(ev.python(
            span,
            "TypeError",
            format!(
                "ARRAY.__init__() takes from 2 to 5 positional arguments but {} were given",
                args.len() + 2
            ),
        ));
    }
    let positional: Vec<(String, Value, Span)> = ["as_tuple", "dimensions", "zero_indexes"]
        .iter()
        .zip(args)
        .map(|(key, arg)| (key.to_string(), arg.value, arg.span))
        .chain(keywords.into_iter().map(|k| (k.name, k.value, k.span)))
        .collect();
    for (key, value, at) in positional {
        match (key.as_str(), value) {
            ("dimensions", Value::Int(n)) => dimensions = Some(n),
            ("dimensions", Value::None) | ("as_tuple" | "zero_indexes", Value::Bool(_)) => {}
            (key, value) => {
                return Err(wrong(
                    ev,
                    at,
                    &format!("{name}({key}=...)"),
                    "a plain value",
                    &value,
                ))
            }
        }
    }
    Ok(Value::Type(crate::ops::postgresql::array(
        item_type, dimensions,
    )))
}

pub(super) fn type_call(ev: &mut Evaluator, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    let mut args = args;
    let mut keywords = keywords;
    // `sa.Enum(PythonEnumClass)`: the members' names, as SQLAlchemy stores them, named after
    // the class (lower-cased) unless `name=` says otherwise
    if name.rsplit('.').next() == Some("Enum") {
        if let [Arg {
            value: Value::Class(class),
            span: at,
        }] = args.as_slice()
        {
            let at = *at;
            if !keywords.iter().any(|k| k.name == "name") {
                keywords.push(KwArg {
                    name: "name".to_string(),
                    value: Value::Str(ev.class_name(*class).to_lowercase()),
                    span: at,
                });
            }
            args = ev
                .enum_member_names(*class)
                .into_iter()
                .map(|member| Arg {
                    value: Value::Str(member),
                    span: at,
                })
                .collect();
        }
    }
    #[cfg(feature = "postgresql")]
    if name.rsplit('.').next() == Some("ARRAY") {
        return array_type(ev, name, args, keywords, span);
    }
    // PostgreSQL's JSON types: `astext_type=sa.Text()` is what they hold anyway (and all
    // their reprs show)
    #[cfg(feature = "postgresql")]
    if name.ends_with("postgresql.JSON") || name.ends_with("postgresql.JSONB") {
        let is_text = |value: &Value| match value {
            Value::Type(type_) => {
                type_.class == crate::ops::TypeClass::Text && type_.args.is_empty()
            }
            Value::TypeClass(class) => class.rsplit('.').next() == Some("Text"),
            _ => false,
        };
        if let Some(keyword) = keywords.iter().find(|k| k.name == "astext_type") {
            if !is_text(&keyword.value) {
                return Err(ev.unsupported(
                    keyword.span,
                    format!("the playground supports {name}(astext_type=sa.Text()) only"),
                ));
            }
        }
        keywords.retain(|k| k.name != "astext_type");
    }
    let mut positional = Vec::new();
    for arg in &args {
        match arg.value.to_literal() {
            Some(l) => positional.push(l),
            None => {
                return Err(wrong(
                    ev,
                    arg.span,
                    &format!("{name}()"),
                    "plain values",
                    &arg.value,
                ))
            }
        }
    }
    let mut named = Vec::new();
    for keyword in &keywords {
        match keyword.value.to_literal() {
            Some(l) => named.push((keyword.name.clone(), l)),
            None => {
                return Err(wrong(
                    ev,
                    keyword.span,
                    &format!("{name}({}=...)", keyword.name),
                    "a plain value",
                    &keyword.value,
                ))
            }
        }
    }
    SqlType::from_python_call(name, &positional, &named)
        .map(Value::Type)
        .map_err(|e| ops_error(ev, e, span))
}

// --------------------------------------------------------------- functions

const FOREIGN_KEY: Signature = Signature {
    name: "ForeignKey.__init__",
    positional: &[
        "column",
        "_constraint",
        "use_alter",
        "name",
        "onupdate",
        "ondelete",
        "deferrable",
        "initially",
        "link_to_name",
        "match",
        "info",
        "comment",
    ],
    required: 1,
    var_positional: false,
    keyword_only: &[],
    var_keyword: true,
    method: true,
};

const CHECK: Signature = Signature {
    name: "CheckConstraint.__init__",
    positional: &[
        "sqltext",
        "name",
        "deferrable",
        "initially",
        "table",
        "info",
        "_create_rule",
        "_autoattach",
        "_type_bound",
    ],
    required: 1,
    var_positional: false,
    keyword_only: &[],
    var_keyword: true,
    method: true,
};

const FOREIGN_KEY_CONSTRAINT: Signature = Signature {
    name: "ForeignKeyConstraint.__init__",
    positional: &[
        "columns",
        "refcolumns",
        "name",
        "onupdate",
        "ondelete",
        "deferrable",
        "initially",
        "use_alter",
        "link_to_name",
        "match",
        "table",
        "info",
        "comment",
    ],
    required: 2,
    var_positional: false,
    keyword_only: &[],
    var_keyword: true,
    method: true,
};

const COLUMN_KEYWORDS: &[&str] = &[
    "name",
    "type_",
    "autoincrement",
    "default",
    "insert_default",
    "doc",
    "key",
    "index",
    "info",
    "nullable",
    "onupdate",
    "primary_key",
    "server_default",
    "server_onupdate",
    "quote",
    "system",
    "unique",
    "comment",
    "sort_order",
];

pub(super) fn function_call(ev: &mut Evaluator, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    match name {
        "sa.Column" => column(ev, args, keywords, span).map(|c| Value::Column(Box::new(c))),
        "sa.mapped_column" => {
            column(ev, args, keywords, span).map(|column| Value::MappedColumn(Box::new(column)))
        }
        "sa.declarative_base" => ev.make_declarative_base(keywords, span),
        "sa.ForeignKey" => {
            let bound = bind_call(ev, &FOREIGN_KEY, args, keywords, span)?;
            let column = bound.get("column").map(|a| (&a.value, a.span));
            let target = match column {
                Some((Value::Str(s), _)) => s.clone(),
                Some((Value::Sql(SqlExpr::Column { table, name }), _)) => format!("{table}.{name}"),
                Some((other, arg_span)) => {
                    return Err(wrong(ev, arg_span, "ForeignKey()", "'table.column'", other))
                }
                None => String::new(),
            };
            Ok(Value::ForeignKey(ForeignKey {
                target,
                name: opt_str(ev, bound.get("name"), "name")?,
                ondelete: opt_str(ev, bound.get("ondelete"), "ondelete")?,
                onupdate: opt_str(ev, bound.get("onupdate"), "onupdate")?,
                deferrable: opt_bool(ev, bound.get("deferrable"), "deferrable")?,
                initially: opt_str(ev, bound.get("initially"), "initially")?,
                match_: opt_str(ev, bound.get("match"), "match")?,
            }))
        }
        "sa.Sequence" => Ok(Value::Sequence),
        #[cfg(feature = "postgresql")]
        "sa.Identity" => identity(ev, &args, &keywords, span),
        "sa.MetaData" => {
            let mut convention = super::eval::default_naming_convention();
            for keyword in &keywords {
                match (keyword.name.as_str(), &keyword.value) {
                    ("naming_convention", Value::Dict(entries)) => {
                        convention = naming_convention(ev, entries, keyword.span)?
                    }
                    ("naming_convention", Value::None)
                    | ("schema" | "quote_schema" | "info", _) => {}
                    (other, _) => {
                        return Err(ev.unsupported(
                            keyword.span,
                            format!("the playground does not support MetaData({other}=...)"),
                        ))
                    }
                }
            }
            Ok(ev.new_metadata(convention))
        }
        "sa.PrimaryKeyConstraint" | "sa.UniqueConstraint" => {
            let mut columns = Vec::new();
            for arg in &args {
                match column_name_of(&arg.value) {
                    Some(c) => columns.push(c),
                    None => return Err(wrong(ev, arg.span, name, "column names", &arg.value)),
                }
            }
            let mut constraint_name = None;
            for keyword in &keywords {
                match keyword.name.as_str() {
                    "name" => {
                        constraint_name = opt_str(
                            ev,
                            Some(&Arg {
                                value: keyword.value.clone(),
                                span: keyword.span,
                            }),
                            "name",
                        )?
                    }
                    "deferrable" | "initially" | "info" | "_implicit_generated" => {}
                    other => {
                        let dialect = other.split_once('_').map(|(d, _)| d).unwrap_or("");
                        if !DIALECTS.contains(&dialect) {
                            return Err(ev.python(
                                keyword.span,
                                "TypeError",
                                format!("Additional arguments should be named <dialectname>_<argument>, got '{other}'"),
                            ));
                        }
                    }
                }
            }
            Ok(Value::Constraint(if name == "sa.PrimaryKeyConstraint" {
                Constraint::PrimaryKey(PrimaryKeyConstraint {
                    name: constraint_name,
                    columns,
                })
            } else {
                Constraint::Unique(UniqueConstraint {
                    name: constraint_name,
                    columns,
                })
            }))
        }
        "sa.CheckConstraint" => {
            let bound = bind_call(ev, &CHECK, args, keywords, span)?;
            let Some(sqltext) = bound.get("sqltext") else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    "CheckConstraint.__init__() missing 1 required positional argument: 'sqltext'",
                ));
            };
            Ok(Value::Constraint(Constraint::Check(CheckConstraint {
                name: opt_str(ev, bound.get("name"), "name")?,
                sqltext: condition_text(ev, sqltext)?,
            })))
        }
        "sa.ForeignKeyConstraint" => {
            let bound = bind_call(ev, &FOREIGN_KEY_CONSTRAINT, args, keywords, span)?;
            let (Some(columns), Some(refcolumns)) = (bound.get("columns"), bound.get("refcolumns"))
            else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    "ForeignKeyConstraint.__init__() missing required arguments",
                ));
            };
            let columns = str_list(ev, columns, "columns")?;
            let refcolumns: Vec<String> = match &refcolumns.value {
                Value::List(items) | Value::Tuple(items) => {
                    let mut specs = Vec::with_capacity(items.len());
                    for item in items {
                        specs.push(match item {
                            Value::Str(s) => s.clone(),
                            Value::Sql(SqlExpr::Column { table, name }) => {
                                format!("{table}.{name}")
                            }
                            other => {
                                return Err(wrong(
                                    ev,
                                    refcolumns.span,
                                    "refcolumns",
                                    "'table.column' strings",
                                    other,
                                ))
                            }
                        });
                    }
                    specs
                }
                other => {
                    return Err(wrong(
                        ev,
                        refcolumns.span,
                        "refcolumns",
                        "a list of 'table.column' strings",
                        other,
                    ))
                }
            };
            if columns.len() != refcolumns.len() {
                return Err(ev.python(
                    span,
                    "sqlalchemy.exc.ArgumentError",
                    "ForeignKeyConstraint number of constrained columns must match the number of referenced columns.",
                ));
            }
            let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
            let ref_refs: Vec<&str> = refcolumns.iter().map(String::as_str).collect();
            let mut fk = ForeignKeyConstraint::from_colspecs(
                opt_str(ev, bound.get("name"), "name")?.as_deref(),
                &column_refs,
                &ref_refs,
            );
            fk.ondelete = opt_str(ev, bound.get("ondelete"), "ondelete")?;
            fk.onupdate = opt_str(ev, bound.get("onupdate"), "onupdate")?;
            fk.deferrable = opt_bool(ev, bound.get("deferrable"), "deferrable")?;
            fk.initially = opt_str(ev, bound.get("initially"), "initially")?;
            fk.match_ = opt_str(ev, bound.get("match"), "match")?;
            Ok(Value::Constraint(Constraint::ForeignKey(fk)))
        }
        "sa.Index" => {
            // an index on a table's columns (`Index('ix', User.name)`) joins that table
            let bound = args.get(1).and_then(|arg| match &arg.value {
                Value::Sql(SqlExpr::Column { table, .. }) => Some(table.clone()),
                _ => None,
            });
            let made = index(ev, args, keywords, span, None)?;
            if let Some(table) = bound {
                super::metadata::attach_index(ev, &table, &made);
            }
            Ok(Value::Index(made))
        }
        "sa.Table" => table(ev, args, keywords, span).map(Value::Table),
        "sa.text" => {
            let [arg] = args.as_slice() else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    format!(
                        "text() takes 1 positional argument but {} were given",
                        args.len()
                    ),
                ));
            };
            if !keywords.is_empty() {
                return Err(ev.python(
                    span,
                    "TypeError",
                    "text() got an unexpected keyword argument",
                ));
            }
            Ok(Value::Text {
                sql: expect_str(ev, arg, "text()")?,
                binds: Vec::new(),
            })
        }
        "sa.literal_column" => {
            let Some(arg) = args.first() else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    "literal_column() missing 1 required positional argument: 'text'",
                ));
            };
            Ok(Value::Sql(SqlExpr::Text(expect_str(
                ev,
                arg,
                "literal_column()",
            )?)))
        }
        "sa.table" => {
            let Some((first, rest)) = args.split_first() else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    "table() missing 1 required positional argument: 'name'",
                ));
            };
            let table_name = expect_str(ev, first, "the table name")?;
            for keyword in &keywords {
                if keyword.name != "schema" || !matches!(keyword.value, Value::None) {
                    return Err(ev.unsupported(
                        keyword.span,
                        format!(
                            "the playground does not support {}= in sa.table()",
                            keyword.name
                        ),
                    ));
                }
            }
            let mut columns = Vec::new();
            for arg in rest {
                match &arg.value {
                    Value::LightColumn(name, type_) => columns.push((name.clone(), type_.clone())),
                    other => {
                        return Err(wrong(
                            ev,
                            arg.span,
                            "sa.table()",
                            "sa.column(...) arguments",
                            other,
                        ))
                    }
                }
            }
            Ok(Value::LightTable(BulkInsertTable {
                name: table_name,
                columns,
            }))
        }
        "sa.column" => {
            let mut args = args.into_iter();
            let Some(first) = args.next() else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    "column() missing 1 required positional argument: 'text'",
                ));
            };
            let column_name = expect_str(ev, &first, "the column name")?;
            let mut type_arg = args.next();
            if args.next().is_some() {
                return Err(
                    ev.unsupported(span, "the playground supports sa.column(name, type_) only")
                );
            }
            for keyword in keywords {
                if keyword.name == "type_" && type_arg.is_none() {
                    type_arg = Some(Arg {
                        value: keyword.value,
                        span: keyword.span,
                    });
                } else {
                    return Err(ev.unsupported(
                        keyword.span,
                        format!(
                            "the playground does not support {}= in sa.column()",
                            keyword.name
                        ),
                    ));
                }
            }
            let type_ = opt_type(ev, type_arg.as_ref(), "the column type")?;
            Ok(Value::LightColumn(column_name, type_))
        }
        "sa.true" | "sa.false" => {
            if !args.is_empty() || !keywords.is_empty() {
                return Err(ev.python(
                    span,
                    "TypeError",
                    format!("{}() takes no arguments", &name[3..]),
                ));
            }
            Ok(Value::SqlDefault(if name == "sa.true" {
                ServerDefault::True
            } else {
                ServerDefault::False
            }))
        }
        "sa.null" => Ok(Value::Sql(SqlExpr::Text("NULL".into()))),
        "sa.func.now" | "sa.func.current_timestamp" => {
            if !args.is_empty() || !keywords.is_empty() {
                return Err(
                    ev.unsupported(span, "the playground supports func.now() without arguments")
                );
            }
            Ok(Value::SqlDefault(ServerDefault::FuncNow))
        }
        "sa.and_" | "sa.or_" => {
            let mut items = Vec::new();
            for arg in &args {
                match &arg.value {
                    Value::Sql(e) => items.push(e.clone()),
                    Value::Text { sql, .. } => items.push(SqlExpr::Text(sql.clone())),
                    other => return Err(wrong(ev, arg.span, name, "SQL conditions", other)),
                }
            }
            Ok(Value::Sql(if name == "sa.and_" {
                SqlExpr::And(items)
            } else {
                SqlExpr::Or(items)
            }))
        }
        "sa.select" => super::select::select(ev, args, keywords, span),
        "sa.update" | "sa.delete" | "sa.insert" => {
            let [arg] = args.as_slice() else {
                return Err(ev.unsupported(
                    span,
                    format!("the playground supports {name}(table) with one argument"),
                ));
            };
            let kind = match name {
                "sa.update" => DmlKind::Update,
                "sa.delete" => DmlKind::Delete,
                _ => DmlKind::Insert,
            };
            match dml(kind, &arg.value) {
                Some(builder) => Ok(Value::Dml(builder)),
                None => Err(wrong(ev, arg.span, name, "a table", &arg.value)),
            }
        }
        other => Err(ev.unsupported(
            span,
            format!(
                "the playground does not model '{}(...)'",
                other.trim_start_matches("sa.")
            ),
        )),
    }
}

/// `MetaData(naming_convention={...})`: keys are names (`"uq"`) or the constraint classes
/// they stand for (`UniqueConstraint`).
fn naming_convention(
    ev: &Evaluator,
    entries: &[(Value, Value)],
    span: Span,
) -> EvalResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (key, value) in entries {
        let key = match key {
            Value::Str(key) => key.clone(),
            Value::Function(name) => match name.as_str() {
                "sa.UniqueConstraint" => "uq".to_string(),
                "sa.PrimaryKeyConstraint" => "pk".to_string(),
                "sa.ForeignKeyConstraint" => "fk".to_string(),
                "sa.CheckConstraint" => "ck".to_string(),
                "sa.Index" => "ix".to_string(),
                _ => return Err(wrong(ev, span, "a naming_convention key", "a str", key)),
            },
            other => return Err(wrong(ev, span, "a naming_convention key", "a str", other)),
        };
        match value {
            Value::Str(template) => out.push((key, template.clone())),
            other => {
                return Err(ev.unsupported(
                    span,
                    format!(
                        "the playground supports naming_convention templates as strings, not {}",
                        other.kind_name()
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// `sa.Column(...)`.
fn column(
    ev: &mut Evaluator,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Column> {
    let mut args = args.into_iter().peekable();
    let mut name: Option<String> = None;
    let mut type_: Option<SqlType> = None;
    if let Some(Arg {
        value: Value::Str(s),
        ..
    }) = args.peek()
    {
        name = Some(s.clone());
        args.next();
    }
    if let Some(Arg {
        value: Value::Type(_) | Value::TypeClass(_),
        ..
    }) = args.peek()
    {
        if let Some(arg) = args.next() {
            type_ = Some(to_type(ev, &arg.value, arg.span, "the column type")?);
        }
    }
    let mut col = Column::new("", SqlType::new(TypeClass::NullType));
    for arg in args {
        match arg.value {
            Value::ForeignKey(fk) => col.foreign_keys.push(fk),
            Value::Sequence => {}
            #[cfg(feature = "postgresql")]
            Value::Identity(identity) => col.identity = Some(identity),
            Value::Constraint(Constraint::Check(check)) => col.checks.push(check),
            Value::Str(_) => {
                return Err(ev.python(
                    arg.span,
                    "sqlalchemy.exc.ArgumentError",
                    "May not pass name positionally and as a keyword.",
                ))
            }
            Value::Type(_) | Value::TypeClass(_) => {
                return Err(ev.python(
                    arg.span,
                    "sqlalchemy.exc.ArgumentError",
                    "May not pass type_ positionally and as a keyword.",
                ))
            }
            other => {
                return Err(wrong(
                    ev,
                    arg.span,
                    "a Column argument",
                    "a ForeignKey, Sequence or CheckConstraint",
                    &other,
                ))
            }
        }
    }
    for keyword in keywords {
        let arg = Arg {
            value: keyword.value.clone(),
            span: keyword.span,
        };
        match keyword.name.as_str() {
            "name" => name = opt_str(ev, Some(&arg), "name")?,
            "type_" => type_ = opt_type(ev, Some(&arg), "type_")?,
            "nullable" => col.nullable = opt_bool(ev, Some(&arg), "nullable")?,
            "primary_key" => col.primary_key = flag(ev, Some(&arg), "primary_key")?,
            "autoincrement" => {
                col.autoincrement = match &arg.value {
                    Value::Bool(b) => Some(*b),
                    _ => None,
                }
            }
            "server_default" => col.server_default = to_server_default(ev, &arg)?,
            "unique" => col.unique = flag(ev, Some(&arg), "unique")?,
            "index" => col.index = flag(ev, Some(&arg), "index")?,
            "comment" => col.comment = opt_str(ev, Some(&arg), "comment")?,
            "default" | "insert_default" => {
                col.default = match &arg.value {
                    Value::None => None,
                    other => Some(match other.to_literal() {
                        Some(literal) => {
                            format!("ScalarElementColumnDefault({})", literal.python_repr())
                        }
                        None => "CallableColumnDefault(<function>)".to_string(),
                    }),
                }
            }
            "server_onupdate" | "onupdate" | "doc" | "key" | "info" | "quote" | "system"
            | "sort_order" => {}
            // mapped_column()'s ORM and dataclass options
            "init"
            | "repr"
            | "default_factory"
            | "kw_only"
            | "compare"
            | "hash"
            | "deferred"
            | "deferred_group"
            | "deferred_raiseload"
            | "active_history"
            | "use_existing_column"
            | "dataclass_metadata" => {}
            other => {
                let dialect = other.split_once('_').map(|(d, _)| d).unwrap_or("");
                if !DIALECTS.contains(&dialect) || COLUMN_KEYWORDS.contains(&other) {
                    return Err(ev.python(
                        keyword.span,
                        "TypeError",
                        format!("Additional arguments should be named <dialectname>_<argument>, got '{other}'"),
                    ));
                }
            }
        }
    }
    col.name = name.unwrap_or_default();
    if let Some(t) = type_ {
        col.type_ = t;
    }
    let _ = span;
    Ok(col)
}

/// `sa.Index(name, *expressions, unique=..., sqlite_where=...)`; `table` when known.
fn index(
    ev: &mut Evaluator,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
    table: Option<String>,
) -> EvalResult<Index> {
    let Some((first, rest)) = args.split_first() else {
        return Err(ev.python(
            span,
            "TypeError",
            "Index.__init__() missing 1 required positional argument: 'name'",
        ));
    };
    let name = opt_str(ev, Some(first), "the index name")?;
    let mut elements = Vec::new();
    for arg in rest {
        elements.push(index_element(ev, &arg.value, arg.span)?);
    }
    let mut unique = false;
    let mut sqlite_where = None;
    for keyword in &keywords {
        let arg = Arg {
            value: keyword.value.clone(),
            span: keyword.span,
        };
        match keyword.name.as_str() {
            "unique" => unique = flag(ev, Some(&arg), "unique")?,
            "quote" | "info" => {}
            "sqlite_where" => sqlite_where = Some(where_text(ev, keyword)?),
            other => {
                let dialect = other.split_once('_').map(|(d, _)| d).unwrap_or("");
                if dialect == "sqlite" || !DIALECTS.contains(&dialect) {
                    return Err(ev.python(
                        keyword.span,
                        "TypeError",
                        format!("Additional arguments should be named <dialectname>_<argument>, got '{other}'"),
                    ));
                }
            }
        }
    }
    Ok(Index {
        name,
        table,
        elements,
        unique,
        sqlite_where,
    })
}

/// Adds `Column`s, constraints and `Index`es given positionally to a table.
pub(super) fn add_table_items(
    ev: &Evaluator,
    table: &mut Table,
    items: Vec<Arg>,
) -> EvalResult<()> {
    for arg in items {
        match arg.value {
            Value::Column(column) => {
                if column.name.is_empty() {
                    return Err(ev.python(
                        arg.span,
                        "sqlalchemy.exc.ArgumentError",
                        "Column must be constructed with a non-blank name or assign a non-blank .name before adding to a Table.",
                    ));
                }
                if table.columns.iter().any(|c| c.name == column.name) {
                    return Err(ev.python(
                        arg.span,
                        "sqlalchemy.exc.DuplicateColumnError",
                        format!(
                            "A column with name '{}' is already present in table '{}'.",
                            column.name, table.name
                        ),
                    ));
                }
                table.columns.push(*column);
            }
            Value::Constraint(constraint) => table.constraints.push(constraint),
            Value::Index(mut index) => {
                index.table = Some(table.name.clone());
                table.indexes.push(index);
            }
            other => {
                return Err(wrong(
                    ev,
                    arg.span,
                    "a table item",
                    "a Column, constraint or Index",
                    &other,
                ))
            }
        }
    }
    Ok(())
}

/// Table keywords (`comment`, `sqlite_autoincrement`); returns an error for the rest.
pub(super) fn table_keywords(
    ev: &Evaluator,
    table: &mut Table,
    keywords: Vec<KwArg>,
    function: &str,
) -> EvalResult<()> {
    for keyword in keywords {
        let arg = Arg {
            value: keyword.value.clone(),
            span: keyword.span,
        };
        match keyword.name.as_str() {
            "comment" => table.comment = opt_str(ev, Some(&arg), "comment")?,
            "sqlite_autoincrement" => {
                table.sqlite_autoincrement = flag(ev, Some(&arg), "sqlite_autoincrement")?
            }
            "schema" => {
                if !matches!(keyword.value, Value::None) {
                    return Err(ev.unsupported(
                        keyword.span,
                        "the playground has one SQLite database: schema= is not supported",
                    ));
                }
            }
            "info" | "extend_existing" | "keep_existing" | "quote" | "quote_schema"
            | "must_exist" | "autoload_replace" | "implicit_returning" | "listeners"
            | "prefixes" => {
                if keyword.name == "prefixes"
                    && !matches!(&keyword.value, Value::List(l) | Value::Tuple(l) if l.is_empty())
                {
                    return Err(ev.unsupported(
                        keyword.span,
                        format!("the playground does not support prefixes= in {function}()"),
                    ));
                }
            }
            other => {
                let dialect = other.split_once('_').map(|(d, _)| d).unwrap_or("");
                if dialect == "sqlite" {
                    return Err(ev.unsupported(
                        keyword.span,
                        format!("the playground does not support {other}= in {function}()"),
                    ));
                }
                if !DIALECTS.contains(&dialect) {
                    return Err(ev.python(
                        keyword.span,
                        "TypeError",
                        format!("Additional arguments should be named <dialectname>_<argument>, got '{other}'"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `sa.Table(name, metadata, *items, **kw)`.
fn table(
    ev: &mut Evaluator,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Table> {
    let mut args = args.into_iter();
    let Some(first) = args.next() else {
        return Err(ev.python(
            span,
            "TypeError",
            "Table.__new__() missing 2 required positional arguments: 'name' and 'metadata'",
        ));
    };
    let name = expect_str(ev, &first, "the table name")?;
    let metadata = match args.next() {
        Some(Arg {
            value: Value::MetaData(id),
            ..
        }) => id,
        Some(other) => {
            return Err(wrong(
                ev,
                other.span,
                "sa.Table()",
                "sa.MetaData() as second argument",
                &other.value,
            ))
        }
        None => {
            return Err(ev.python(
                span,
                "TypeError",
                "Table.__new__() missing 1 required positional argument: 'metadata'",
            ))
        }
    };
    let (autoload, keywords): (Vec<KwArg>, Vec<KwArg>) = keywords
        .into_iter()
        .partition(|keyword| keyword.name == "autoload_with");
    let mut table = match autoload.first() {
        Some(bind) => super::metadata::autoload(ev, &name, &bind.value, bind.span)?,
        None => Table::new(&name, Vec::new()),
    };
    add_table_items(ev, &mut table, args.collect())?;
    table_keywords(ev, &mut table, keywords, "sa.Table")?;
    super::metadata::register(ev, metadata, &table);
    Ok(table)
}

/// The type name of a str, list, dict or tuple that has no attribute `attr` in Python 3.11.
fn builtin_lacks(value: &Value, attr: &str) -> Option<&'static str> {
    let (name, attributes) = match value {
        Value::Str(_) => ("str", "capitalize casefold center count encode endswith expandtabs find format format_map index isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join ljust lower lstrip maketrans partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title translate upper zfill"),
        Value::Tuple(_) => ("tuple", "count index"),
        Value::List(_) => ("list", "append clear copy count extend index insert pop remove reverse sort"),
        Value::Dict(_) => ("dict", "clear copy fromkeys get items keys pop popitem setdefault update values"),
        _ => return None,
    };
    (!attr.starts_with("__") && !attributes.split(' ').any(|a| a == attr)).then_some(name)
}
