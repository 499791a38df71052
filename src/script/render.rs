//! Rendering new revision files from the project's own `script.py.mako`.
//!
//! Owns: the part of Mako that revision templates use — `${expression}` with the default
//! `str` filter and the `n`, `comma`, `h`, `trim` filters; expressions that are a name, a
//! string literal, `repr(name)`, `name if name else "literal"`, `not name`; `% if`/`% elif`/
//! `% else`/`% endif` control lines; `##` comments; `\` line continuations; `%%` escapes —
//! and Python's `repr` of the values Alembic passes in.
//! Does not: write files, or evaluate arbitrary Python (anything else is a located error).

use crate::python::repr_str as python_str_repr;

/// A value passed to the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateValue {
    None,
    Str(String),
    Tuple(Vec<String>),
}

impl TemplateValue {
    fn truthy(&self) -> bool {
        match self {
            TemplateValue::None => false,
            TemplateValue::Str(text) => !text.is_empty(),
            TemplateValue::Tuple(items) => !items.is_empty(),
        }
    }

    /// Python's `str()`.
    fn to_str(&self) -> String {
        match self {
            TemplateValue::None => "None".to_string(),
            TemplateValue::Str(text) => text.clone(),
            TemplateValue::Tuple(_) => self.to_repr(),
        }
    }

    /// Python's `repr()`.
    pub fn to_repr(&self) -> String {
        match self {
            TemplateValue::None => "None".to_string(),
            TemplateValue::Str(text) => python_str_repr(text),
            TemplateValue::Tuple(items) => {
                let parts: Vec<String> = items.iter().map(|item| python_str_repr(item)).collect();
                if parts.len() == 1 {
                    format!("({},)", parts.join(""))
                } else {
                    format!("({})", parts.join(", "))
                }
            }
        }
    }
}

/// A template error, with the template line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: usize,
    pub message: String,
}

/// The template's names and values (a handful: found by a scan).
type Context = [(String, TemplateValue)];

fn lookup(context: &Context, name: &str, line: usize) -> Result<TemplateValue, TemplateError> {
    let found = context.iter().find(|(key, _)| key == name);
    found
        .map(|(_, value)| value.clone())
        .ok_or_else(|| TemplateError {
            line,
            message: format!("NameError: '{name}' is not defined in the template"),
        })
}

fn string_literal(text: &str) -> Option<String> {
    let text = text.trim();
    for quote in ['"', '\''] {
        if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
            return Some(text[1..text.len() - 1].to_string());
        }
    }
    None
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Evaluates the small expression language revision templates use.
fn evaluate(
    expression: &str,
    context: &Context,
    line: usize,
) -> Result<TemplateValue, TemplateError> {
    let expression = expression.trim();
    if let Some(literal) = string_literal(expression) {
        return Ok(TemplateValue::Str(literal));
    }
    if let Some((value, rest)) = split_keyword(expression, " if ") {
        let Some((condition, otherwise)) = split_keyword(rest, " else ") else {
            return Err(unsupported(expression, line));
        };
        return if evaluate(condition, context, line)?.truthy() {
            evaluate(value, context, line)
        } else {
            evaluate(otherwise, context, line)
        };
    }
    if let Some(operand) = expression.strip_prefix("not ") {
        let value = evaluate(operand, context, line)?;
        return Ok(if value.truthy() {
            TemplateValue::None
        } else {
            TemplateValue::Str("True".to_string())
        });
    }
    if let Some(inner) = expression
        .strip_prefix("repr(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        return Ok(TemplateValue::Str(
            evaluate(inner, context, line)?.to_repr(),
        ));
    }
    if is_identifier(expression) {
        return lookup(context, expression, line);
    }
    Err(unsupported(expression, line))
}

fn unsupported(expression: &str, line: usize) -> TemplateError {
    TemplateError {
        line,
        message: format!(
            "the playground cannot evaluate the template expression ${{{expression}}}"
        ),
    }
}

/// Splits at the first occurrence of a keyword outside quotes.
fn split_keyword<'a>(text: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let index = find_outside_quotes(text, |rest| rest.starts_with(keyword))?;
    Some((&text[..index], &text[index + keyword.len()..]))
}

/// Where the first `rest` for which `found` holds starts, outside '...' and "..." quotes.
fn find_outside_quotes(text: &str, found: impl Fn(&str) -> bool) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (index, character) in text.char_indices() {
        match quote {
            Some(open) if character == open => quote = None,
            Some(_) => {}
            None if character == '"' || character == '\'' => quote = Some(character),
            None if found(&text[index..]) => return Some(index),
            None => {}
        }
    }
    None
}

fn apply_filters(
    value: TemplateValue,
    filters: &[&str],
    line: usize,
) -> Result<String, TemplateError> {
    let mut text: Option<String> = None;
    let mut value = value;
    for filter in filters {
        match filter.trim() {
            "n" => {}
            "comma" => {
                value = TemplateValue::Str(match &value {
                    TemplateValue::None => String::new(),
                    TemplateValue::Str(text) => text.clone(),
                    TemplateValue::Tuple(items) => items.join(", "),
                });
            }
            "trim" => text = Some(text.unwrap_or_else(|| value.to_str()).trim().to_string()),
            "h" => {
                text = Some(
                    text.unwrap_or_else(|| value.to_str())
                        .replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;")
                        .replace('"', "&#34;")
                        .replace('\'', "&#39;"),
                )
            }
            "str" | "unicode" => {}
            other => {
                return Err(TemplateError {
                    line,
                    message: format!("the playground does not know the Mako filter '{other}'"),
                })
            }
        }
    }
    Ok(text.unwrap_or_else(|| value.to_str()))
}

fn substitute(line_text: &str, context: &Context, line: usize) -> Result<String, TemplateError> {
    let mut output = String::new();
    let mut rest = line_text;
    while let Some(start) = rest.find("${") {
        output.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = find_closing_brace(after) else {
            return Err(TemplateError {
                line,
                message: "unterminated ${ expression".to_string(),
            });
        };
        let body = &after[..end];
        let mut parts = body.splitn(2, '|');
        let expression = parts.next().unwrap_or("");
        let filters: Vec<&str> = parts
            .next()
            .map(|text| text.split(',').collect())
            .unwrap_or_default();
        let value = evaluate(expression, context, line)?;
        output.push_str(&apply_filters(value, &filters, line)?);
        rest = &after[end + 1..];
    }
    output.push_str(rest);
    Ok(output)
}

fn find_closing_brace(text: &str) -> Option<usize> {
    find_outside_quotes(text, |rest| rest.starts_with('}'))
}

/// Renders a Mako template with the given variables.
pub fn render_template(template: &str, context: &Context) -> Result<String, TemplateError> {
    // Stack of (this branch is active, some branch of this `if` was taken).
    let mut conditions: Vec<(bool, bool)> = Vec::new();
    let mut output = String::new();
    let active = |conditions: &Vec<(bool, bool)>| conditions.iter().all(|(on, _)| *on);
    let mut pending_continuation = false;
    for (index, raw_line) in template.split_inclusive('\n').enumerate() {
        let line_number = index + 1;
        let content = raw_line.trim_end_matches('\n');
        let stripped = content.trim_start();
        if stripped.starts_with("##") {
            continue;
        }
        if stripped.starts_with('%') && !stripped.starts_with("%%") && !pending_continuation {
            let control = stripped[1..].trim();
            let keyword = control.split_whitespace().next().unwrap_or("");
            match keyword {
                "if" => {
                    let condition = control["if".len()..].trim().trim_end_matches(':');
                    let value = if active(&conditions) {
                        evaluate(condition, context, line_number)?.truthy()
                    } else {
                        false
                    };
                    conditions.push((value, value));
                }
                "elif" => {
                    let condition = control["elif".len()..].trim().trim_end_matches(':');
                    let Some(&(_, taken)) = conditions.last() else {
                        return Err(TemplateError {
                            line: line_number,
                            message: "% elif without % if".to_string(),
                        });
                    };
                    conditions.pop();
                    let value = !taken
                        && active(&conditions)
                        && evaluate(condition, context, line_number)?.truthy();
                    conditions.push((value, taken || value));
                }
                "else" | "else:" => {
                    let Some((_, taken)) = conditions.pop() else {
                        return Err(TemplateError {
                            line: line_number,
                            message: "% else without % if".to_string(),
                        });
                    };
                    conditions.push((!taken, true));
                }
                "endif" => {
                    if conditions.pop().is_none() {
                        return Err(TemplateError {
                            line: line_number,
                            message: "% endif without % if".to_string(),
                        });
                    }
                }
                _ => {
                    return Err(TemplateError {
                        line: line_number,
                        message: format!(
                            "the playground cannot run the Mako control line '% {control}'"
                        ),
                    })
                }
            }
            continue;
        }
        if !active(&conditions) {
            continue;
        }
        let content = if stripped.starts_with("%%") {
            content.replacen("%%", "%", 1)
        } else {
            content.to_string()
        };
        let rendered = substitute(&content, context, line_number)?;
        if let Some(joined) = rendered.strip_suffix('\\') {
            output.push_str(joined);
            pending_continuation = true;
        } else {
            output.push_str(&rendered);
            if raw_line.ends_with('\n') {
                output.push('\n');
            }
            pending_continuation = false;
        }
    }
    if !conditions.is_empty() {
        return Err(TemplateError {
            line: template.lines().count(),
            message: "% if without % endif".to_string(),
        });
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::GENERIC_SCRIPT_MAKO;

    fn context(pairs: &[(&str, TemplateValue)]) -> Vec<(String, TemplateValue)> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.clone()))
            .collect()
    }

    #[test]
    fn renders_the_generic_template_byte_for_byte() {
        let variables = context(&[
            ("message", TemplateValue::Str("create account table".into())),
            ("up_revision", TemplateValue::Str("0bfd2e10e9b1".into())),
            ("down_revision", TemplateValue::None),
            ("branch_labels", TemplateValue::None),
            ("depends_on", TemplateValue::None),
            (
                "create_date",
                TemplateValue::Str("2026-11-28 00:43:46.094752".into()),
            ),
            ("imports", TemplateValue::Str(String::new())),
            ("upgrades", TemplateValue::Str(String::new())),
            ("downgrades", TemplateValue::Str(String::new())),
        ]);
        let expected = "\"\"\"create account table\n\nRevision ID: 0bfd2e10e9b1\nRevises: \nCreate Date: 2026-11-28 00:43:46.094752\n\n\"\"\"\nfrom typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\nrevision: str = '0bfd2e10e9b1'\ndown_revision: Union[str, Sequence[str], None] = None\nbranch_labels: Union[str, Sequence[str], None] = None\ndepends_on: Union[str, Sequence[str], None] = None\n\n\ndef upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    pass\n\n\ndef downgrade() -> None:\n    \"\"\"Downgrade schema.\"\"\"\n    pass\n";
        assert_eq!(
            render_template(GENERIC_SCRIPT_MAKO, &variables).unwrap(),
            expected
        );
    }

    #[test]
    fn merges_and_labels_render_as_python_reprs() {
        let variables = context(&[
            (
                "down_revision",
                TemplateValue::Tuple(vec!["3000cccc0003".into(), "4000dddd0004".into()]),
            ),
            (
                "branch_labels",
                TemplateValue::Tuple(vec!["feature".into()]),
            ),
        ]);
        let rendered = render_template(
            "Revises: ${down_revision | comma,n}\ndown = ${repr(down_revision)}\nlabels = ${repr(branch_labels)}\n",
            &variables,
        )
        .unwrap();
        assert_eq!(
            rendered,
            "Revises: 3000cccc0003, 4000dddd0004\ndown = ('3000cccc0003', '4000dddd0004')\nlabels = ('feature',)\n"
        );
    }

    #[test]
    fn control_lines_comments_and_errors() {
        let variables = context(&[
            ("flag", TemplateValue::Str("x".into())),
            ("empty", TemplateValue::Str(String::new())),
        ]);
        let template = "## a comment\n% if flag:\nyes\n% else:\nno\n% endif\n% if empty:\nA\n% elif flag:\nB\n% endif\njoined \\\nline\n%% literal\n";
        assert_eq!(
            render_template(template, &variables).unwrap(),
            "yes\nB\njoined line\n% literal\n"
        );
        let error = render_template("a\n${os.getcwd()}\n", &variables).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(render_template("% if flag:\n", &variables).is_err());
        assert!(render_template("${missing}\n", &variables)
            .unwrap_err()
            .message
            .contains("'missing'"));
    }

    #[test]
    fn python_repr_of_strings() {
        assert_eq!(python_str_repr("abc"), "'abc'");
        assert_eq!(python_str_repr("it's"), "\"it's\"");
        assert_eq!(python_str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(python_str_repr("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(python_str_repr("ünïcode"), "'ünïcode'");
    }
}
