//! Tokens: what the lexer hands the parser.
//!
//! Owns the token vocabulary (reserved words, operators, string prefixes).
//! Knows nothing about grammar; string bodies stay undecoded source text.

use super::ast::{Constant, Pos, Span};

/// One token with the span of its source text (end exclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// An identifier, including soft keywords such as `match`, `case`, `_`.
    Name(String),
    /// A hard keyword such as `def` or `None`.
    Keyword(ReservedWord),
    /// A number literal, already converted (`Int`, `BigInt`, `Float` or `Imaginary`).
    Number(Constant),
    /// A string literal with its prefix; the body is the raw source text between the quotes.
    String(StringToken),
    Operator(Operator),
    /// The end of a logical line.
    Newline,
    Indent,
    Dedent,
    EndOfFile,
    /// Where the lexer stopped on an error; it is the last token.
    Error,
}

/// A string literal as written: the parser decodes escapes and splits f-strings.
#[derive(Clone, Debug, PartialEq)]
pub struct StringToken {
    pub prefix: StringPrefix,
    /// The source text between the quotes, escapes undecoded.
    pub body: String,
    /// Where the body starts (just after the opening quote or quotes).
    pub body_start: Pos,
    pub triple_quoted: bool,
    pub quote: char,
}

/// The letters before a string's opening quote, in any case and order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StringPrefix {
    pub raw: bool,
    pub bytes: bool,
    pub formatted: bool,
    pub unicode: bool,
}

impl StringPrefix {
    /// The prefix spelled by `letters`, if Python 3 accepts it (`r`, `u`, `b`, `f`, `br`, `rb`, `fr`, `rf`).
    pub(crate) fn from_letters(letters: &str) -> Option<StringPrefix> {
        if letters.chars().count() > 2 {
            return None;
        }
        let lowercase = letters.to_ascii_lowercase();
        let prefix = match lowercase.as_str() {
            "r" => StringPrefix {
                raw: true,
                ..StringPrefix::default()
            },
            "u" => StringPrefix {
                unicode: true,
                ..StringPrefix::default()
            },
            "b" => StringPrefix {
                bytes: true,
                ..StringPrefix::default()
            },
            "f" => StringPrefix {
                formatted: true,
                ..StringPrefix::default()
            },
            "br" | "rb" => StringPrefix {
                raw: true,
                bytes: true,
                ..StringPrefix::default()
            },
            "fr" | "rf" => StringPrefix {
                raw: true,
                formatted: true,
                ..StringPrefix::default()
            },
            _ => return None,
        };
        Some(prefix)
    }
}

macro_rules! spelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            /// The source spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The variant spelled exactly `text`.
            #[allow(dead_code)]
            pub(crate) fn from_spelling(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

spelled_enum! {
    /// Python 3.11's hard keywords (soft keywords are names).
    ReservedWord {
        False => "False",
        None => "None",
        True => "True",
        And => "and",
        As => "as",
        Assert => "assert",
        Async => "async",
        Await => "await",
        Break => "break",
        Class => "class",
        Continue => "continue",
        Def => "def",
        Del => "del",
        Elif => "elif",
        Else => "else",
        Except => "except",
        Finally => "finally",
        For => "for",
        From => "from",
        Global => "global",
        If => "if",
        Import => "import",
        In => "in",
        Is => "is",
        Lambda => "lambda",
        Nonlocal => "nonlocal",
        Not => "not",
        Or => "or",
        Pass => "pass",
        Raise => "raise",
        Return => "return",
        Try => "try",
        While => "while",
        With => "with",
        Yield => "yield",
    }
}

impl ReservedWord {
    pub(crate) fn from_identifier(identifier: &str) -> Option<ReservedWord> {
        ReservedWord::from_spelling(identifier)
    }
}

spelled_enum! {
    /// Operators and delimiters.
    Operator {
        LeftParenthesis => "(",
        RightParenthesis => ")",
        LeftBracket => "[",
        RightBracket => "]",
        LeftBrace => "{",
        RightBrace => "}",
        Comma => ",",
        Colon => ":",
        Semicolon => ";",
        Dot => ".",
        Ellipsis => "...",
        At => "@",
        Equal => "=",
        Arrow => "->",
        ColonEqual => ":=",
        Plus => "+",
        Minus => "-",
        Star => "*",
        DoubleStar => "**",
        Slash => "/",
        DoubleSlash => "//",
        Percent => "%",
        LeftShift => "<<",
        RightShift => ">>",
        Ampersand => "&",
        Pipe => "|",
        Caret => "^",
        Tilde => "~",
        Less => "<",
        Greater => ">",
        LessEqual => "<=",
        GreaterEqual => ">=",
        EqualEqual => "==",
        NotEqual => "!=",
        PlusEqual => "+=",
        MinusEqual => "-=",
        StarEqual => "*=",
        DoubleStarEqual => "**=",
        SlashEqual => "/=",
        DoubleSlashEqual => "//=",
        PercentEqual => "%=",
        AtEqual => "@=",
        AmpersandEqual => "&=",
        PipeEqual => "|=",
        CaretEqual => "^=",
        LeftShiftEqual => "<<=",
        RightShiftEqual => ">>=",
    }
}
