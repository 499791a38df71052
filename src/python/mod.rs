//! Python source reader for revision scripts and `models.py`.
//!
//! Owns: turning Python 3.11 source text into tokens ([`tokenize`]) and into a syntax tree
//! ([`parse_module`], [`parse_expression`]) whose statements and expressions all carry
//! 1-based line/column [`Span`]s, and CPython-like [`SyntaxError`]s that point where CPython points.
//!
//! Deliberately absent:
//! - it executes nothing and resolves no names: `sa.Column` is an attribute of a name, nothing more;
//! - it does no I/O: callers pass text, and prefix the file name when they print an error;
//! - `match` statements are reported as unsupported (a located error at `match`);
//! - f-strings follow Python 3.11 (PEP 701 nesting of the same quote is not accepted);
//! - identifiers are not NFKC-normalized and `\N{...}` escapes are kept literally.
//!
//! Invariant: no input makes it panic or recurse without bound.
//! Brackets deeper than 200, indentation deeper than 100 levels and expressions nested deeper
//! than [`MAX_NESTING_DEPTH`] are syntax errors, so the tree handed out is shallow enough for
//! recursive consumers (and `Drop`) on a 1 MB wasm stack.

mod ast;
mod fstring;
mod lexer;
mod parser;
mod strings;
mod token;

#[cfg(test)]
mod tests;

use std::fmt;

pub use ast::{
    Alias, BinaryOperator, BoolOperator, ClassDef, CompareOperator, Comprehension,
    ConditionalBranch, Constant, DictEntry, ExceptHandler, Expr, ExprKind, FStringExpression,
    FStringPart, FunctionDef, Keyword, Module, Parameter, Parameters, Pos, Span, Stmt, StmtKind,
    UnaryOperator, WithItem,
};
pub use parser::MAX_NESTING_DEPTH;
pub use token::{Operator, ReservedWord, StringPrefix, StringToken, Token, TokenKind};

/// Which Python exception CPython would raise for this error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// `SyntaxError`
    Syntax,
    /// `IndentationError` (unexpected indent, expected an indented block, unindent mismatch)
    Indentation,
    /// `TabError` (inconsistent use of tabs and spaces)
    Tab,
}

impl SyntaxErrorKind {
    /// The Python exception class name, e.g. `IndentationError`.
    pub fn python_name(self) -> &'static str {
        match self {
            SyntaxErrorKind::Syntax => "SyntaxError",
            SyntaxErrorKind::Indentation => "IndentationError",
            SyntaxErrorKind::Tab => "TabError",
        }
    }
}

/// A syntax error at a 1-based line and column (column counted in characters).
///
/// Displays as `<line>:<column>: <message>`; the caller prefixes the file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub line: u32,
    pub column: u32,
    pub kind: SyntaxErrorKind,
}

impl SyntaxError {
    pub(crate) fn new(message: impl Into<String>, position: Pos) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            line: position.line,
            column: position.column,
            kind: SyntaxErrorKind::Syntax,
        }
    }

    pub(crate) fn indentation(message: impl Into<String>, position: Pos) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::Indentation,
            ..SyntaxError::new(message, position)
        }
    }

    pub(crate) fn tab(message: impl Into<String>, position: Pos) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::Tab,
            ..SyntaxError::new(message, position)
        }
    }

    /// Where the error points.
    pub fn position(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole file (a revision script, `env.py`, `models.py`).
///
/// Accepts a leading BOM, `\n`, `\r\n` and `\r` line endings and a missing final newline.
pub fn parse_module(source: &str) -> Result<Module, SyntaxError> {
    parser::parse_module_source(source)
}

/// Parses one expression (newlines are insignificant, as inside brackets), e.g. `sa.String(30)`.
pub fn parse_expression(source: &str) -> Result<Expr, SyntaxError> {
    parser::parse_expression_source(source)
}

/// Splits a file into tokens, ending with [`TokenKind::EndOfFile`], or returns the first lexical error.
///
/// String tokens are not decoded here; useful for syntax highlighting.
pub fn tokenize(source: &str) -> Result<Vec<Token>, SyntaxError> {
    let normalized = lexer::normalize_newlines(source);
    let lexed = lexer::lex(
        &normalized,
        Pos { line: 1, column: 1 },
        lexer::LexMode::Module,
    );
    match lexed.error {
        Some(error) => Err(error.syntax_error),
        None => Ok(lexed.tokens),
    }
}

/// An integer in `radix` (an optional sign, then digits), as `T` when it fits.
///
/// The crate's one integer parser: every integer type parses through `i128`, so the page
/// compiles one `from_str_radix` instead of one per type.
pub fn parse_int<T: TryFrom<i128>>(text: &str, radix: u32) -> Option<T> {
    i128::from_str_radix(text, radix)
        .ok()
        .and_then(|value| T::try_from(value).ok())
}

/// Python's `repr()` of a `str`.
pub fn repr_str(value: &str) -> String {
    let quote_char = if value.contains('\'') && !value.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote_char);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote_char => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote_char);
    out
}
