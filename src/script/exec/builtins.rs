//! The Python builtins and the `str` / `list` / `dict` methods migrations use, with Python's
//! results and error messages. `print` writes to stdout, where Python's would go (between the
//! SQL in `--sql` mode).

use crate::python::Span;

use super::args::{Arg, Call};
use super::eval::Evaluator;
use super::value::Value;
use super::ExecError;

type EvalResult<T> = Result<T, ExecError>;

/// The builtins run here; other builtin names stay unsupported.
pub(super) const BUILTINS: &[&str] = &[
    "print",
    "isinstance",
    "super",
    "type",
    "any",
    "all",
    "sum",
    "len",
    "range",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "tuple",
    "dict",
    "enumerate",
    "zip",
    "sorted",
    "min",
    "max",
    "repr",
    "format",
    "object",
    "classmethod",
    "staticmethod",
    "property",
];

/// Methods of `str`, `list` and `dict` run here.
pub(super) fn has_method(value: &Value, name: &str) -> bool {
    match value {
        Value::Str(_) => matches!(
            name,
            "upper"
                | "lower"
                | "strip"
                | "lstrip"
                | "rstrip"
                | "replace"
                | "split"
                | "join"
                | "startswith"
                | "endswith"
                | "isdigit"
                | "isalpha"
                | "isalnum"
                | "isspace"
        ),
        Value::List(_) => matches!(name, "append" | "extend" | "pop" | "clear" | "insert"),
        Value::Dict(_) => matches!(name, "get" | "update" | "pop"),
        _ => false,
    }
}

/// `isinstance(value, class)` for the builtin types, the program's classes, SQLAlchemy's
/// type classes (`isinstance(t, sa.String)` is true of a `VARCHAR(20)`) and the schema
/// objects revision files build; a class the playground does not model is a located error.
fn isinstance(ev: &Evaluator, value: &Value, class: &Value, span: Span) -> EvalResult<bool> {
    Ok(match class {
        Value::Tuple(classes) => {
            for class in classes {
                if isinstance(ev, value, class, span)? {
                    return Ok(true);
                }
            }
            false
        }
        Value::Builtin(name) => match (*name, value) {
            ("object", _) => true,
            ("str", Value::Str(_)) | ("bool", Value::Bool(_)) | ("float", Value::Float(_)) => true,
            ("int", Value::Int(_) | Value::Bool(_)) => true,
            ("list", Value::List(_)) | ("dict", Value::Dict(_)) => true,
            ("tuple", Value::Tuple(_) | Value::Row(..)) => true,
            ("str" | "bool" | "float" | "int" | "list" | "dict" | "tuple", _) => false,
            _ => {
                return Err(type_error(
                    ev,
                    span,
                    "isinstance() arg 2 must be a type, a tuple of types, or a union".to_string(),
                ))
            }
        },
        Value::Class(_) => match value {
            Value::Instance(id) => ev
                .instance_class(*id)
                .is_some_and(|own| ev.class_derives_from(own, class)),
            _ => false,
        },
        Value::TypeClass(name) => match value {
            Value::Type(sql_type) => {
                let short = name.rsplit('.').next().unwrap_or(name);
                match crate::ops::SqlType::from_python_call(name, &[], &[]) {
                    Ok(target) => sql_type.class.derives_from(target.class),
                    Err(_) => short == "TypeEngine",
                }
            }
            Value::Instance(id) => ev
                .instance_class(*id)
                .is_some_and(|own| ev.class_derives_from(own, class)),
            _ => false,
        },
        Value::Foreign(name) | Value::Function(name) => {
            let short = name.rsplit('.').next().unwrap_or(name);
            match (short, value) {
                ("Column", v) => matches!(v, Value::Column(_) | Value::MappedColumn(_)),
                ("Table", v) => matches!(v, Value::Table(_) | Value::LightTable(_)),
                ("Index", v) => matches!(v, Value::Index(_)),
                ("MetaData", v) => matches!(v, Value::MetaData(_)),
                ("TypeEngine", v) => matches!(v, Value::Type(_)),
                (_, Value::Instance(id)) => ev
                    .instance_class(*id)
                    .is_some_and(|own| ev.class_derives_from(own, class)),
                _ => {
                    return Err(ev.unsupported(
                        span,
                        format!("the playground cannot check isinstance() against {name}"),
                    ))
                }
            }
        }
        other => {
            return Err(type_error(
                ev,
                span,
                format!(
                    "isinstance() arg 2 must be a type, a tuple of types, or a union, not {}",
                    other.kind_name()
                ),
            ))
        }
    })
}

fn type_error(ev: &Evaluator, span: Span, message: String) -> ExecError {
    ev.python(span, "TypeError", message)
}

pub(super) fn text(value: &Value) -> String {
    value.python_str().unwrap_or_else(|| value.kind_name())
}

/// `name(args...)` for a builtin of [`BUILTINS`].
pub(super) fn call(ev: &mut Evaluator, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    if name == "print" {
        if let Some(keyword) = keywords.first() {
            return Err(ev.unsupported(
                keyword.span,
                "the playground supports print(...) without keywords",
            ));
        }
        let line: Vec<String> = args.iter().map(|arg| text(&arg.value)).collect();
        ev.print(&format!("{}\n", line.join(" ")));
        return Ok(Value::None);
    }
    if let Some(keyword) = keywords.first() {
        if name == "sorted" && keyword.name != "reverse" {
            return Err(ev.unsupported(
                keyword.span,
                "the playground supports sorted(..., reverse=...) only",
            ));
        }
        if name != "sorted" && name != "dict" {
            return Err(type_error(
                ev,
                keyword.span,
                format!("{name}() takes no keyword arguments"),
            ));
        }
    }
    let mut values: Vec<Value> = args.into_iter().map(|arg| arg.value).collect();
    let first = values.first().cloned();
    Ok(match (name, first) {
        ("isinstance", Some(value)) => match values.get(1) {
            Some(class) => Value::Bool(isinstance(ev, &value, class, span)?),
            None => {
                return Err(type_error(
                    ev,
                    span,
                    "isinstance expected 2 arguments, got 1".to_string(),
                ))
            }
        },
        ("len", Some(value)) => {
            let count = match &value {
                Value::Str(s) => s.chars().count(),
                Value::List(items) | Value::Tuple(items) | Value::Row(_, items) => items.len(),
                Value::Dict(items) => items.len(),
                Value::Rows(rows) => rows.rows.len(),
                other => {
                    return Err(type_error(
                        ev,
                        span,
                        format!("object of type {} has no len()", other.kind_name()),
                    ))
                }
            };
            Value::Int(count as i64)
        }
        ("range", Some(_)) => {
            let mut bounds = Vec::new();
            for value in &values {
                match value {
                    Value::Int(i) => bounds.push(*i),
                    other => {
                        return Err(type_error(
                            ev,
                            span,
                            format!(
                                "{} object cannot be interpreted as an integer",
                                other.kind_name()
                            ),
                        ))
                    }
                }
            }
            let (start, stop, step) = match bounds.as_slice() {
                [stop] => (0, *stop, 1),
                [start, stop] => (*start, *stop, 1),
                [start, stop, step] if *step != 0 => (*start, *stop, *step),
                _ => return Err(ev.python(span, "ValueError", "range() arg 3 must not be zero")),
            };
            let mut out = Vec::new();
            let mut at = start;
            while (step > 0 && at < stop) || (step < 0 && at > stop) {
                ev.check_len(out.len() + 1, span)?;
                out.push(Value::Int(at));
                match at.checked_add(step) {
                    Some(next) => at = next,
                    None => break,
                }
            }
            Value::List(out)
        }
        ("str", None) => Value::Str(String::new()),
        ("str", Some(value)) => Value::Str(text(&value)),
        ("format", Some(value)) => {
            let spec = match values.get(1) {
                Some(Value::Str(spec)) => spec.clone(),
                Some(other) => {
                    return Err(type_error(
                        ev,
                        span,
                        format!("format() argument 2 must be str, not {}", other.kind_name()),
                    ))
                }
                None => String::new(),
            };
            Value::Str(
                super::format::format_value(&value, &spec)
                    .map_err(|failure| ev.format_failure(span, failure))?,
            )
        }
        ("repr", Some(value)) => {
            Value::Str(value.python_repr().unwrap_or_else(|| value.kind_name()))
        }
        ("int", None) => Value::Int(0),
        ("int", Some(value)) => match value {
            Value::Int(i) => Value::Int(i),
            Value::Bool(b) => Value::Int(i64::from(b)),
            Value::Float(f) if f.is_finite() => Value::Int(f.trunc() as i64),
            Value::Str(s) => {
                match crate::python::parse_int::<i64>(&s.trim().replace('_', ""), 10) {
                    Some(i) => Value::Int(i),
                    None => {
                        return Err(ev.python(
                            span,
                            "ValueError",
                            format!(
                                "invalid literal for int() with base 10: {}",
                                crate::ops::Literal::Str(s).python_repr()
                            ),
                        ))
                    }
                }
            }
            other => {
                return Err(type_error(
                    ev,
                    span,
                    format!(
                        "int() argument must be a string or a number, not {}",
                        other.kind_name()
                    ),
                ))
            }
        },
        ("float", Some(value)) => match value {
            Value::Int(i) => Value::Float(i as f64),
            Value::Float(f) => Value::Float(f),
            Value::Str(s) => match s.trim().parse::<f64>() {
                Ok(f) => Value::Float(f),
                Err(_) => {
                    return Err(ev.python(
                        span,
                        "ValueError",
                        format!(
                            "could not convert string to float: {}",
                            crate::ops::Literal::Str(s).python_repr()
                        ),
                    ))
                }
            },
            other => {
                return Err(type_error(
                    ev,
                    span,
                    format!(
                        "float() argument must be a string or a real number, not {}",
                        other.kind_name()
                    ),
                ))
            }
        },
        ("bool", value) => Value::Bool(match value {
            Some(value) => ev.truth(&value, span)?,
            None => false,
        }),
        ("list" | "tuple", value) => {
            let out = match value {
                Some(value) => ev.iterate(value, span)?,
                None => Vec::new(),
            };
            if name == "list" {
                Value::List(out)
            } else {
                Value::Tuple(out)
            }
        }
        ("dict", value) => {
            let mut out = match value {
                Some(Value::Dict(items)) => items,
                Some(other) => {
                    let mut pairs = Vec::new();
                    for pair in ev.iterate(other, span)? {
                        match ev.iterate(pair, span)?.as_slice() {
                            [key, value] => pairs.push((key.clone(), value.clone())),
                            _ => {
                                return Err(ev.python(
                                    span,
                                    "ValueError",
                                    "dictionary update sequence element has the wrong length",
                                ))
                            }
                        }
                    }
                    pairs
                }
                None => Vec::new(),
            };
            for keyword in keywords {
                super::eval::dict_insert(&mut out, Value::Str(keyword.name), keyword.value);
            }
            Value::Dict(out)
        }
        ("enumerate", Some(value)) => {
            let start = match values.get(1) {
                Some(Value::Int(i)) => *i,
                _ => 0,
            };
            let out = ev
                .iterate(value, span)?
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    Value::Tuple(vec![Value::Int(start.saturating_add(index as i64)), item])
                })
                .collect();
            Value::List(out)
        }
        ("zip", _) => {
            let mut columns = Vec::new();
            for value in values {
                columns.push(ev.iterate(value, span)?);
            }
            let shortest = columns.iter().map(Vec::len).min().unwrap_or(0);
            Value::List(
                (0..shortest)
                    .map(|index| Value::Tuple(columns.iter().map(|c| c[index].clone()).collect()))
                    .collect(),
            )
        }
        ("sorted" | "min" | "max", Some(value)) => {
            let mut out = if values.len() > 1 && matches!(name, "min" | "max") {
                std::mem::take(&mut values)
            } else {
                ev.iterate(value, span)?
            };
            let mut failed = false;
            crate::sort::sort_by(&mut out, |a, b| match order(a, b) {
                Some(ordering) => ordering,
                None => {
                    failed = true;
                    std::cmp::Ordering::Equal
                }
            });
            if failed {
                return Err(type_error(
                    ev,
                    span,
                    "'<' not supported between these values".to_string(),
                ));
            }
            let reverse = keywords
                .iter()
                .any(|k| k.name == "reverse" && k.value.truthy() == Some(true));
            if reverse {
                out.reverse();
            }
            match name {
                "sorted" => Value::List(out),
                _ => {
                    let picked = if name == "min" {
                        out.first()
                    } else {
                        out.last()
                    };
                    match picked {
                        Some(value) => value.clone(),
                        None => {
                            return Err(ev.python(
                                span,
                                "ValueError",
                                format!("{name}() iterable argument is empty"),
                            ))
                        }
                    }
                }
            }
        }
        ("any" | "all", Some(value)) if values.len() == 1 => {
            let want = name == "any";
            let mut found = !want;
            for item in ev.iterate(value, span)? {
                if ev.truth(&item, span)? == want {
                    found = want;
                    break;
                }
            }
            Value::Bool(found)
        }
        ("sum", Some(value)) if values.len() == 1 => {
            let mut total = Value::Int(0);
            for item in ev.iterate(value, span)? {
                total = match (total, item) {
                    (Value::Int(a), Value::Int(b)) => match a.checked_add(b) {
                        Some(sum) => Value::Int(sum),
                        None => return Err(ev.python(span, "OverflowError", "int too large")),
                    },
                    (Value::Int(a), Value::Float(b)) => Value::Float(a as f64 + b),
                    (Value::Float(a), Value::Int(b)) => Value::Float(a + b as f64),
                    (Value::Float(a), Value::Float(b)) => Value::Float(a + b),
                    (_, other) => {
                        return Err(type_error(
                            ev,
                            span,
                            format!(
                                "unsupported operand type(s) for +: 'int' and {}",
                                other.kind_name()
                            ),
                        ))
                    }
                };
            }
            total
        }
        (_, _) => {
            return Err(type_error(
                ev,
                span,
                format!("{name}() got arguments the playground cannot use"),
            ))
        }
    })
}

/// Python's `<` between two plain values.
fn order(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            super::eval::as_float(a).partial_cmp(&super::eval::as_float(b))
        }
        (Value::Tuple(x), Value::Tuple(y)) | (Value::List(x), Value::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                match order(p, q)? {
                    std::cmp::Ordering::Equal => continue,
                    other => return Some(other),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

/// A `str`, `list` or `dict` method. Returns the value and, for methods that change a list
/// or dict, the receiver afterwards (stored back into its variable).
pub(super) fn method(
    ev: &mut Evaluator,
    receiver: Value,
    name: &str,
    args: Vec<Arg>,
    span: Span,
) -> EvalResult<(Value, Option<Value>)> {
    let mut values: Vec<Value> = args.into_iter().map(|arg| arg.value).collect();
    let arg = |index: usize| values.get(index).cloned();
    let str_arg = |index: usize| match values.get(index) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let value = match (receiver, name) {
        (Value::Str(s), "upper") => Value::Str(s.to_uppercase()),
        (Value::Str(s), "lower") => Value::Str(s.to_lowercase()),
        (Value::Str(s), "strip" | "lstrip" | "rstrip") => {
            let set = str_arg(0);
            let strip = |c: char| match &set {
                Some(set) => set.contains(c),
                None => c.is_whitespace(),
            };
            Value::Str(
                match name {
                    "strip" => s.trim_matches(strip),
                    "lstrip" => s.trim_start_matches(strip),
                    _ => s.trim_end_matches(strip),
                }
                .to_string(),
            )
        }
        (Value::Str(s), "replace") => match (str_arg(0), str_arg(1)) {
            (Some(old), Some(new)) => {
                // the length is checked before the string is made
                let length = s.chars().count();
                let count = if old.is_empty() {
                    length + 1
                } else {
                    s.matches(old.as_str()).count()
                };
                ev.check_len(
                    (length - count * old.chars().count())
                        .saturating_add(count.saturating_mul(new.chars().count())),
                    span,
                )?;
                Value::Str(s.replace(&old, &new))
            }
            _ => {
                return Err(type_error(
                    ev,
                    span,
                    "replace expected 2 str arguments".into(),
                ))
            }
        },
        (Value::Str(s), "split") => Value::List(match str_arg(0) {
            Some(separator) if !separator.is_empty() => s
                .split(separator.as_str())
                .map(|p| Value::Str(p.to_string()))
                .collect(),
            Some(_) => return Err(ev.python(span, "ValueError", "empty separator")),
            None => s
                .split_whitespace()
                .map(|p| Value::Str(p.to_string()))
                .collect(),
        }),
        (Value::Str(s), "join") => {
            let mut parts = Vec::new();
            for item in ev.iterate(arg(0).unwrap_or(Value::List(Vec::new())), span)? {
                match item {
                    Value::Str(part) => parts.push(part),
                    other => {
                        return Err(type_error(
                            ev,
                            span,
                            format!(
                                "sequence item {}: expected str instance, {} found",
                                parts.len(),
                                other.kind_name()
                            ),
                        ))
                    }
                }
            }
            let separators = parts.len().saturating_sub(1) * s.chars().count();
            let length = parts.iter().map(|part| part.chars().count()).sum::<usize>();
            ev.check_len(length.saturating_add(separators), span)?;
            Value::Str(parts.join(&s))
        }
        // true of a non-empty string whose every character is of the kind
        (Value::Str(s), "isdigit" | "isalpha" | "isalnum" | "isspace") => {
            let kind = |c: char| match name {
                "isdigit" => c.is_numeric(),
                "isalpha" => c.is_alphabetic(),
                "isalnum" => c.is_alphanumeric(),
                _ => c.is_whitespace(),
            };
            Value::Bool(!s.is_empty() && s.chars().all(kind))
        }
        (Value::Str(s), "startswith" | "endswith") => {
            let candidates = match arg(0) {
                Some(Value::Str(one)) => vec![one],
                Some(Value::Tuple(many)) => many.iter().filter_map(|v| v.python_str()).collect(),
                _ => {
                    return Err(type_error(
                        ev,
                        span,
                        format!("{name} first arg must be str or a tuple of str"),
                    ))
                }
            };
            Value::Bool(candidates.iter().any(|c| {
                if name == "startswith" {
                    s.starts_with(c.as_str())
                } else {
                    s.ends_with(c.as_str())
                }
            }))
        }
        (Value::List(mut items), "append" | "extend" | "pop" | "clear" | "insert") => {
            let value = match name {
                "append" => {
                    items.push(arg(0).unwrap_or(Value::None));
                    Value::None
                }
                "clear" => {
                    items.clear();
                    Value::None
                }
                "insert" => {
                    let len = items.len() as i64;
                    let at = match arg(0) {
                        Some(Value::Int(i)) if i < 0 => (i + len).max(0),
                        Some(Value::Int(i)) => i.min(len),
                        other => {
                            let kind = match other {
                                Some(Value::Str(_)) => "str",
                                Some(Value::Float(_)) => "float",
                                None => {
                                    return Err(type_error(
                                        ev,
                                        span,
                                        "insert expected 2 arguments, got 0".to_string(),
                                    ))
                                }
                                _ => "object",
                            };
                            return Err(type_error(
                                ev,
                                span,
                                format!("'{kind}' object cannot be interpreted as an integer"),
                            ));
                        }
                    };
                    items.insert(at as usize, arg(1).unwrap_or(Value::None));
                    Value::None
                }
                "extend" => {
                    let more = ev.iterate(arg(0).unwrap_or(Value::List(Vec::new())), span)?;
                    items.extend(more);
                    Value::None
                }
                _ => {
                    let len = items.len() as i64;
                    let at = match arg(0) {
                        Some(Value::Int(i)) => {
                            if i < 0 {
                                i + len
                            } else {
                                i
                            }
                        }
                        _ => len - 1,
                    };
                    if items.is_empty() {
                        return Err(ev.python(span, "IndexError", "pop from empty list"));
                    }
                    match usize::try_from(at).ok().filter(|at| *at < items.len()) {
                        Some(at) => items.remove(at),
                        None => {
                            return Err(ev.python(span, "IndexError", "pop index out of range"))
                        }
                    }
                }
            };
            ev.check_len(items.len(), span)?;
            return Ok((value, Some(Value::List(items))));
        }
        (Value::Dict(items), "get") => {
            let key = arg(0).unwrap_or(Value::None);
            items
                .iter()
                .find(|(k, _)| k.python_eq(&key) == Some(true))
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| arg(1).unwrap_or(Value::None))
        }
        (Value::Dict(mut items), "update" | "pop") => {
            let key = arg(0).unwrap_or(Value::None);
            let found = items
                .iter()
                .position(|(k, _)| k.python_eq(&key) == Some(true));
            let value = match name {
                "update" => {
                    match values.drain(..).next() {
                        Some(Value::Dict(more)) => {
                            for (k, v) in more {
                                super::eval::dict_insert(&mut items, k, v);
                            }
                        }
                        Some(other) => {
                            return Err(type_error(
                                ev,
                                span,
                                format!(
                                    "the playground updates a dict from a dict, not {}",
                                    other.kind_name()
                                ),
                            ))
                        }
                        None => {}
                    }
                    Value::None
                }
                _ => match found {
                    Some(at) => items.remove(at).1,
                    None => match arg(1) {
                        Some(default) => default,
                        None => {
                            return Err(ev.python(
                                span,
                                "KeyError",
                                key.to_literal()
                                    .map(|l| l.python_repr())
                                    .unwrap_or_else(|| key.kind_name()),
                            ))
                        }
                    },
                },
            };
            return Ok((value, Some(Value::Dict(items))));
        }
        (receiver, _) => {
            return Err(ev.unsupported(
                span,
                format!(
                    "the playground cannot call .{name}() of {}",
                    receiver.kind_name()
                ),
            ))
        }
    };
    Ok((value, None))
}
