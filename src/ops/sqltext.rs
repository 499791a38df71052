//! Text primitives shared by the renderers: SQLite identifier quoting as
//! SQLAlchemy's `SQLiteIdentifierPreparer` does it, SQL string literals, and
//! Python `repr()` of strings and floats.
//!
//! Nothing here knows about operations or tables.

/// SQLite reserved words as listed by SQLAlchemy 2.1.9's SQLite dialect.
const RESERVED_WORDS: &[&str] = &[
    "add",
    "after",
    "all",
    "alter",
    "analyze",
    "and",
    "as",
    "asc",
    "attach",
    "autoincrement",
    "before",
    "begin",
    "between",
    "by",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "commit",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_time",
    "current_timestamp",
    "database",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "drop",
    "each",
    "else",
    "end",
    "escape",
    "except",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "false",
    "for",
    "foreign",
    "from",
    "full",
    "glob",
    "group",
    "having",
    "if",
    "ignore",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "left",
    "like",
    "limit",
    "match",
    "natural",
    "not",
    "notnull",
    "null",
    "of",
    "offset",
    "on",
    "or",
    "order",
    "outer",
    "plan",
    "pragma",
    "primary",
    "query",
    "raise",
    "references",
    "reindex",
    "rename",
    "replace",
    "restrict",
    "right",
    "rollback",
    "row",
    "select",
    "set",
    "table",
    "temp",
    "temporary",
    "then",
    "to",
    "transaction",
    "trigger",
    "true",
    "union",
    "unique",
    "update",
    "using",
    "vacuum",
    "values",
    "view",
    "virtual",
    "when",
    "where",
];

/// Whether SQLAlchemy would quote `name` (`IdentifierPreparer._requires_quotes`).
pub fn requires_quotes(name: &str) -> bool {
    requires_quotes_among(name, RESERVED_WORDS)
}

/// `_requires_quotes` with a dialect's reserved words (lower case).
pub fn requires_quotes_among(name: &str, reserved_words: &[&str]) -> bool {
    let Some(first) = name.chars().next() else {
        return true;
    };
    let lower = name.to_lowercase();
    reserved_words.contains(&lower.as_str())
        || first.is_ascii_digit()
        || first == '$'
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        || lower != name
}

/// `preparer.quote(name)`: double-quote when required, doubling inner quotes.
pub fn quote(name: &str) -> String {
    if requires_quotes(name) {
        quote_identifier(name)
    } else {
        name.to_string()
    }
}

/// How a dialect spells what the statements both renderers share (DML, literals) differ in:
/// identifier quoting, boolean literals and type names (in error messages).
pub trait Spelling {
    fn quote(name: &str) -> String;
    fn boolean(value: bool) -> &'static str;
    fn type_ddl(type_: &super::SqlType) -> Result<String, super::OpsError>;
}

/// SQLite's spelling: [`quote`], `1`/`0`, [`super::SqlType::ddl`].
pub struct SqliteSpelling;

impl Spelling for SqliteSpelling {
    fn quote(name: &str) -> String {
        quote(name)
    }

    fn boolean(value: bool) -> &'static str {
        if value {
            "1"
        } else {
            "0"
        }
    }

    fn type_ddl(type_: &super::SqlType) -> Result<String, super::OpsError> {
        type_.ddl()
    }
}

/// Unconditional quoting (`quote_identifier`).
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQL string literal as SQLAlchemy's String literal processor renders it.
pub fn sql_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

pub use crate::python::repr_str as py_repr_str;

/// Python's `repr()` of a `float` (shortest round-trip digits; scientific
/// notation below 1e-4 and from 1e16 on).
pub fn py_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_string();
    }
    // `{:e}` gives the shortest round-trip digits, e.g. "1.2345e-5".
    let sci = format!("{value:e}");
    let (mantissa, exponent) = match sci.split_once('e') {
        Some((m, e)) => (
            m.to_string(),
            crate::python::parse_int::<i32>(e, 10).unwrap_or(0),
        ),
        None => (sci.clone(), 0),
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // digits before the decimal point
        if point <= 0 {
            let zeros = "0".repeat(point.unsigned_abs() as usize);
            format!("{sign}0.{zeros}{digits}")
        } else {
            let point = point as usize;
            if digits.len() <= point {
                let zeros = "0".repeat(point - digits.len());
                format!("{sign}{digits}{zeros}.0")
            } else {
                let (int_part, frac_part) = digits.split_at(point);
                format!("{sign}{int_part}.{frac_part}")
            }
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        let exp_abs = exponent.unsigned_abs();
        if rest.is_empty() {
            format!("{sign}{first}e{exp_sign}{exp_abs:02}")
        } else {
            format!("{sign}{first}.{rest}e{exp_sign}{exp_abs:02}")
        }
    }
}
