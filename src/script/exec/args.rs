//! Binding call arguments to a Python signature, with Python's own `TypeError` messages
//! (`add_column() got an unexpected keyword argument 'x'`).

use crate::python::Span;

use super::value::Value;

/// A call as the evaluator hands it to a library function: the name it was called by, the
/// evaluated arguments, and where the call is in the source.
pub struct Call<'n> {
    pub name: &'n str,
    pub args: Vec<Arg>,
    pub keywords: Vec<KwArg>,
    pub span: Span,
}

impl<'n> Call<'n> {
    pub fn new(name: &'n str, args: Vec<Arg>, keywords: Vec<KwArg>, span: Span) -> Self {
        Call {
            name,
            args,
            keywords,
            span,
        }
    }

    /// The name, the positional and keyword arguments, and the span.
    pub fn parts(self) -> (&'n str, Vec<Arg>, Vec<KwArg>, Span) {
        (self.name, self.args, self.keywords, self.span)
    }
}

/// An argument value with where it was written.
#[derive(Debug, Clone)]
pub(super) struct Arg {
    pub value: Value,
    pub span: Span,
}

/// A keyword argument.
#[derive(Debug, Clone)]
pub(super) struct KwArg {
    pub name: String,
    pub value: Value,
    pub span: Span,
}

/// A Python signature: `name(positional..., *args, keyword_only..., **kwargs)`.
pub(super) struct Signature {
    /// `__qualname__`: `create_table`, `BatchOperations.add_column`.
    pub name: &'static str,
    /// positional-or-keyword parameters, in order
    pub positional: &'static [&'static str],
    /// how many of `positional` have no default
    pub required: usize,
    pub var_positional: bool,
    pub keyword_only: &'static [&'static str],
    pub var_keyword: bool,
    /// a method: Python counts `self` in "takes N positional arguments"
    pub method: bool,
}

/// Arguments bound to a signature.
#[derive(Debug, Default)]
pub(super) struct Bound {
    named: Vec<(&'static str, Arg)>,
    /// beyond the positional parameters (`*args`)
    pub rest: Vec<Arg>,
    /// not a declared parameter (`**kwargs`)
    pub extra: Vec<KwArg>,
}

impl Bound {
    /// The argument bound to parameter `name`, if given.
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.named.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    /// The value of parameter `name` when given and not `None`.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.get(name)
            .map(|arg| &arg.value)
            .filter(|value| !matches!(value, Value::None))
    }

    /// Removes and returns a `**kwargs` entry.
    pub fn take_extra(&mut self, name: &str) -> Option<KwArg> {
        let index = self.extra.iter().position(|kw| kw.name == name)?;
        Some(self.extra.remove(index))
    }
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted.concat(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// Binds `args`/`keywords` as Python would, or returns the `TypeError` message.
pub(super) fn bind(
    signature: &Signature,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
) -> Result<Bound, String> {
    let offset = usize::from(signature.method);
    let mut bound = Bound::default();
    let given_positional = args.len();
    for (index, arg) in args.into_iter().enumerate() {
        match signature.positional.get(index) {
            Some(name) => bound.named.push((name, arg)),
            None if signature.var_positional => bound.rest.push(arg),
            None => {
                let max = signature.positional.len() + offset;
                let min = signature.required + offset;
                let takes = if min == max {
                    plural(max, "positional argument")
                } else {
                    format!("from {min} to {max} positional arguments")
                };
                let were = if given_positional + offset == 1 {
                    "was"
                } else {
                    "were"
                };
                return Err(format!(
                    "{}() takes {takes} but {} {were} given",
                    signature.name,
                    given_positional + offset
                ));
            }
        }
    }
    for keyword in keywords {
        let declared = signature
            .positional
            .iter()
            .chain(signature.keyword_only)
            .find(|name| **name == keyword.name);
        match declared {
            Some(name) => {
                if bound.named.iter().any(|(n, _)| n == name) {
                    return Err(format!(
                        "{}() got multiple values for argument '{name}'",
                        signature.name
                    ));
                }
                bound.named.push((
                    name,
                    Arg {
                        value: keyword.value,
                        span: keyword.span,
                    },
                ));
            }
            None if signature.var_keyword => {
                if bound.extra.iter().any(|kw| kw.name == keyword.name) {
                    return Err(format!(
                        "{}() got multiple values for keyword argument '{}'",
                        signature.name, keyword.name
                    ));
                }
                bound.extra.push(keyword);
            }
            None => {
                return Err(format!(
                    "{}() got an unexpected keyword argument '{}'",
                    signature.name, keyword.name
                ))
            }
        }
    }
    let missing: Vec<&str> = signature.positional
        [..signature.required.min(signature.positional.len())]
        .iter()
        .copied()
        .filter(|name| bound.get(name).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{}() missing {} required positional {}: {}",
            signature.name,
            missing.len(),
            if missing.len() == 1 {
                "argument"
            } else {
                "arguments"
            },
            quoted_list(&missing)
        ));
    }
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DROP_TABLE: Signature = Signature {
        name: "drop_table",
        positional: &["table_name"],
        required: 1,
        var_positional: false,
        keyword_only: &["schema", "if_exists"],
        var_keyword: true,
        method: false,
    };

    fn arg(value: Value) -> Arg {
        Arg {
            value,
            span: Span::default(),
        }
    }

    fn kw(name: &str) -> KwArg {
        KwArg {
            name: name.into(),
            value: Value::None,
            span: Span::default(),
        }
    }

    #[test]
    fn python_type_errors() {
        assert_eq!(
            bind(&DROP_TABLE, vec![], vec![]).unwrap_err(),
            "drop_table() missing 1 required positional argument: 'table_name'"
        );
        assert_eq!(
            bind(
                &DROP_TABLE,
                vec![arg(Value::Int(1)), arg(Value::Int(2))],
                vec![]
            )
            .unwrap_err(),
            "drop_table() takes 1 positional argument but 2 were given"
        );
        assert_eq!(
            bind(
                &DROP_TABLE,
                vec![arg(Value::Int(1))],
                vec![kw("table_name")]
            )
            .unwrap_err(),
            "drop_table() got multiple values for argument 'table_name'"
        );
        let bound = bind(&DROP_TABLE, vec![arg(Value::Int(1))], vec![kw("x")]).unwrap();
        assert_eq!(bound.extra.len(), 1);
        let strict = Signature {
            var_keyword: false,
            method: true,
            name: "BatchOperations.drop_table",
            ..DROP_TABLE
        };
        assert_eq!(
            bind(&strict, vec![arg(Value::Int(1))], vec![kw("x")]).unwrap_err(),
            "BatchOperations.drop_table() got an unexpected keyword argument 'x'"
        );
        assert_eq!(quoted_list(&["a", "b", "c"]), "'a', 'b', and 'c'");
    }
}
