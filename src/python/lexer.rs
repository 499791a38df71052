//! Lexer: source text to [`Token`]s, the way CPython 3.11's tokenizer cuts it.
//!
//! Owns indentation (INDENT/DEDENT and tab consistency), implicit line joining inside brackets,
//! backslash continuation, bracket matching, number literals and where string literals end.
//! It does not decode string bodies or split f-strings (the parser does, as CPython's does),
//! and it never looks at grammar.
//!
//! On the first error it stops, appends a [`TokenKind::Error`] token and reports the error
//! separately: the parser decides whether its own error or the lexer's wins.

use super::ast::{Constant, Pos, Span};
use super::token::{Operator, ReservedWord, StringPrefix, StringToken, Token, TokenKind};
use super::SyntaxError;

/// CPython's `MAXLEVEL`: deeper bracket nesting is `too many nested parentheses`.
pub(crate) const MAX_BRACKET_DEPTH: usize = 200;
/// CPython's `MAXINDENT`.
pub(crate) const MAX_INDENTATION_LEVELS: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LexMode {
    /// A whole file: NEWLINE, INDENT and DEDENT tokens are produced.
    Module,
    /// One expression (an f-string field or `parse_expression`): newlines never matter.
    Joined,
}

#[derive(Clone, Debug)]
pub(crate) struct LexError {
    pub syntax_error: SyntaxError,
    /// For `'(' was never closed`: the line of that bracket. CPython reports it only when the
    /// parser's own error lies on a later line.
    pub unclosed_bracket_line: Option<u32>,
}

pub(crate) struct LexedSource {
    pub tokens: Vec<Token>,
    pub error: Option<LexError>,
}

/// Drops a leading BOM and turns `\r\n` and lone `\r` into `\n`, as Python's universal newlines do.
pub(crate) fn normalize_newlines(source: &str) -> String {
    let without_bom = source.strip_prefix('\u{feff}').unwrap_or(source);
    if !without_bom.contains('\r') {
        return without_bom.to_string();
    }
    let mut normalized = String::with_capacity(without_bom.len());
    let mut characters = without_bom.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '\r' {
            if characters.peek() == Some(&'\n') {
                characters.next();
            }
            normalized.push('\n');
        } else {
            normalized.push(character);
        }
    }
    normalized
}

/// Tokenizes `text`, whose first character sits at `start`.
pub(crate) fn lex(text: &str, start: Pos, mode: LexMode) -> LexedSource {
    let mut lexer = Lexer {
        characters: text.chars().collect(),
        index: 0,
        line: start.line,
        column: start.column,
        last_consumed_line: start.line,
        mode,
        tokens: Vec::new(),
        indentation: vec![IndentationLevel {
            width: 0,
            alternate_width: 0,
        }],
        brackets: Vec::new(),
        at_line_start: mode == LexMode::Module,
    };
    match lexer.lex_all() {
        Ok(()) => LexedSource {
            tokens: lexer.tokens,
            error: None,
        },
        Err(error) => {
            let stop = lexer.position();
            lexer.tokens.push(Token {
                kind: TokenKind::Error,
                span: Span::new(stop, stop),
            });
            LexedSource {
                tokens: lexer.tokens,
                error: Some(error),
            }
        }
    }
}

/// Indentation measured twice, like CPython: with tabs to multiples of 8 and with tabs as 1,
/// so that indentation whose meaning depends on the tab size is rejected.
#[derive(Clone, Copy, Debug)]
struct IndentationLevel {
    width: u32,
    alternate_width: u32,
}

struct Lexer {
    characters: Vec<char>,
    index: usize,
    line: u32,
    column: u32,
    last_consumed_line: u32,
    mode: LexMode,
    tokens: Vec<Token>,
    indentation: Vec<IndentationLevel>,
    brackets: Vec<(char, Pos)>,
    at_line_start: bool,
}

fn plain_error(message: impl Into<String>, position: Pos) -> LexError {
    LexError {
        syntax_error: SyntaxError::new(message, position),
        unclosed_bracket_line: None,
    }
}

pub(crate) fn is_identifier_start(character: char) -> bool {
    character == '_'
        || character.is_ascii_alphabetic()
        || (!character.is_ascii() && character.is_alphabetic())
}

pub(crate) fn is_identifier_continue(character: char) -> bool {
    is_identifier_start(character)
        || character.is_ascii_digit()
        || (!character.is_ascii() && (character.is_alphanumeric() || is_combining_mark(character)))
}

fn is_combining_mark(character: char) -> bool {
    matches!(character,
        '\u{0300}'..='\u{036f}'
        | '\u{0483}'..='\u{0487}'
        | '\u{0591}'..='\u{05bd}'
        | '\u{0610}'..='\u{061a}'
        | '\u{064b}'..='\u{065f}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093a}'..='\u{094f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{200c}'..='\u{200d}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{fe20}'..='\u{fe2f}')
}

fn is_printable(character: char) -> bool {
    !(character.is_control()
        || (character.is_whitespace() && character != ' ')
        || matches!(character,
            '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}' | '\u{feff}'))
}

fn matching_opening_bracket(closing: char) -> char {
    match closing {
        ')' => '(',
        ']' => '[',
        _ => '{',
    }
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.characters.get(self.index).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.characters
            .get(self.index.saturating_add(offset))
            .copied()
    }

    fn position(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn advance(&mut self) -> Option<char> {
        let character = self.peek()?;
        self.index += 1;
        self.last_consumed_line = self.line;
        if character == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(character)
    }

    fn push_token(&mut self, kind: TokenKind, start: Pos) {
        let end = self.position();
        self.tokens.push(Token {
            kind,
            span: Span::new(start, end),
        });
    }

    fn lex_all(&mut self) -> Result<(), LexError> {
        loop {
            if self.at_line_start {
                self.lex_indentation()?;
                if self.at_line_start {
                    // A blank or comment-only line was consumed.
                    continue;
                }
            }
            while matches!(self.peek(), Some(' ' | '\t' | '\x0c')) {
                self.advance();
            }
            let start = self.position();
            let Some(character) = self.peek() else {
                return self.finish();
            };
            match character {
                '#' => self.skip_comment(),
                '\n' => {
                    self.advance();
                    if self.mode == LexMode::Module && self.brackets.is_empty() {
                        self.tokens.push(Token {
                            kind: TokenKind::Newline,
                            span: Span::new(
                                start,
                                Pos {
                                    line: start.line,
                                    column: start.column.saturating_add(1),
                                },
                            ),
                        });
                        self.at_line_start = true;
                    }
                }
                '\\' => {
                    self.advance();
                    match self.peek() {
                        Some('\n') => {
                            self.advance();
                        }
                        None => return Err(plain_error("unexpected EOF while parsing", start)),
                        Some(_) => {
                            return Err(plain_error(
                                "unexpected character after line continuation character",
                                self.position(),
                            ))
                        }
                    }
                }
                _ => self.lex_token(character, start)?,
            }
        }
    }

    fn skip_comment(&mut self) {
        while let Some(character) = self.peek() {
            if character == '\n' {
                break;
            }
            self.advance();
        }
    }

    /// Measures the indentation of a new line and emits INDENT/DEDENT; leaves `at_line_start`
    /// set when the line turned out blank.
    fn lex_indentation(&mut self) -> Result<(), LexError> {
        let mut width: u32 = 0;
        let mut alternate_width: u32 = 0;
        loop {
            match self.peek() {
                Some(' ') => {
                    width = width.saturating_add(1);
                    alternate_width = alternate_width.saturating_add(1);
                }
                Some('\t') => {
                    width = (width / 8).saturating_add(1).saturating_mul(8);
                    alternate_width = alternate_width.saturating_add(1);
                }
                Some('\x0c') => {
                    width = 0;
                    alternate_width = 0;
                }
                _ => break,
            }
            self.advance();
        }
        match self.peek() {
            None => {
                self.at_line_start = false;
                return Ok(());
            }
            Some('\n') => {
                self.advance();
                return Ok(());
            }
            Some('#') => {
                self.skip_comment();
                return Ok(());
            }
            Some(_) => {}
        }
        self.at_line_start = false;
        let position = self.position();
        let current = self
            .indentation
            .last()
            .copied()
            .unwrap_or(IndentationLevel {
                width: 0,
                alternate_width: 0,
            });
        let inconsistent = || LexError {
            syntax_error: SyntaxError::tab(
                "inconsistent use of tabs and spaces in indentation",
                position,
            ),
            unclosed_bracket_line: None,
        };
        if width == current.width {
            if alternate_width != current.alternate_width {
                return Err(inconsistent());
            }
        } else if width > current.width {
            if alternate_width <= current.alternate_width {
                return Err(inconsistent());
            }
            if self.indentation.len() >= MAX_INDENTATION_LEVELS {
                return Err(LexError {
                    syntax_error: SyntaxError::indentation(
                        "too many levels of indentation",
                        position,
                    ),
                    unclosed_bracket_line: None,
                });
            }
            self.indentation.push(IndentationLevel {
                width,
                alternate_width,
            });
            self.tokens.push(Token {
                kind: TokenKind::Indent,
                span: Span::new(position, position),
            });
        } else {
            while self.indentation.len() > 1
                && self
                    .indentation
                    .last()
                    .is_some_and(|level| width < level.width)
            {
                self.indentation.pop();
                self.tokens.push(Token {
                    kind: TokenKind::Dedent,
                    span: Span::new(position, position),
                });
            }
            let level = self.indentation.last().copied().unwrap_or(current);
            if width != level.width {
                return Err(LexError {
                    syntax_error: SyntaxError::indentation(
                        "unindent does not match any outer indentation level",
                        position,
                    ),
                    unclosed_bracket_line: None,
                });
            }
            if alternate_width != level.alternate_width {
                return Err(inconsistent());
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), LexError> {
        if let Some(&(bracket, opened_at)) = self.brackets.last() {
            return Err(LexError {
                syntax_error: SyntaxError::new(format!("'{bracket}' was never closed"), opened_at),
                unclosed_bracket_line: Some(opened_at.line),
            });
        }
        let end = self.position();
        if self.mode == LexMode::Module {
            let needs_newline = self.tokens.last().is_some_and(|token| {
                !matches!(
                    token.kind,
                    TokenKind::Newline | TokenKind::Indent | TokenKind::Dedent
                )
            });
            if needs_newline {
                self.tokens.push(Token {
                    kind: TokenKind::Newline,
                    span: Span::new(end, end),
                });
            }
            while self.indentation.len() > 1 {
                self.indentation.pop();
                self.tokens.push(Token {
                    kind: TokenKind::Dedent,
                    span: Span::new(end, end),
                });
            }
        }
        self.tokens.push(Token {
            kind: TokenKind::EndOfFile,
            span: Span::new(end, end),
        });
        Ok(())
    }

    fn lex_token(&mut self, character: char, start: Pos) -> Result<(), LexError> {
        if character.is_ascii_digit()
            || (character == '.' && self.peek_at(1).is_some_and(|next| next.is_ascii_digit()))
        {
            let kind = self.lex_number(start)?;
            self.push_token(kind, start);
            return Ok(());
        }
        if is_identifier_start(character) {
            let mut word = String::new();
            while let Some(next) = self.peek() {
                if !is_identifier_continue(next) {
                    break;
                }
                word.push(next);
                self.advance();
            }
            if matches!(self.peek(), Some('\'' | '"')) {
                if let Some(prefix) = StringPrefix::from_letters(&word) {
                    let kind = self.lex_string(prefix, start)?;
                    self.push_token(kind, start);
                    return Ok(());
                }
            }
            let kind = match ReservedWord::from_identifier(&word) {
                Some(word) => TokenKind::Keyword(word),
                None => TokenKind::Name(word),
            };
            self.push_token(kind, start);
            return Ok(());
        }
        if character == '\'' || character == '"' {
            let kind = self.lex_string(StringPrefix::default(), start)?;
            self.push_token(kind, start);
            return Ok(());
        }
        self.lex_operator(character, start)
    }

    fn lex_operator(&mut self, character: char, start: Pos) -> Result<(), LexError> {
        use Operator as O;
        let next = self.peek_at(1);
        let after_next = self.peek_at(2);
        let (operator, length) = match (character, next, after_next) {
            ('.', Some('.'), Some('.')) => (O::Ellipsis, 3),
            ('*', Some('*'), Some('=')) => (O::DoubleStarEqual, 3),
            ('/', Some('/'), Some('=')) => (O::DoubleSlashEqual, 3),
            ('<', Some('<'), Some('=')) => (O::LeftShiftEqual, 3),
            ('>', Some('>'), Some('=')) => (O::RightShiftEqual, 3),
            ('*', Some('*'), _) => (O::DoubleStar, 2),
            ('/', Some('/'), _) => (O::DoubleSlash, 2),
            ('<', Some('<'), _) => (O::LeftShift, 2),
            ('>', Some('>'), _) => (O::RightShift, 2),
            ('<', Some('='), _) => (O::LessEqual, 2),
            ('>', Some('='), _) => (O::GreaterEqual, 2),
            ('=', Some('='), _) => (O::EqualEqual, 2),
            ('!', Some('='), _) => (O::NotEqual, 2),
            ('-', Some('>'), _) => (O::Arrow, 2),
            (':', Some('='), _) => (O::ColonEqual, 2),
            ('+', Some('='), _) => (O::PlusEqual, 2),
            ('-', Some('='), _) => (O::MinusEqual, 2),
            ('*', Some('='), _) => (O::StarEqual, 2),
            ('/', Some('='), _) => (O::SlashEqual, 2),
            ('%', Some('='), _) => (O::PercentEqual, 2),
            ('@', Some('='), _) => (O::AtEqual, 2),
            ('&', Some('='), _) => (O::AmpersandEqual, 2),
            ('|', Some('='), _) => (O::PipeEqual, 2),
            ('^', Some('='), _) => (O::CaretEqual, 2),
            ('(', _, _) => (O::LeftParenthesis, 1),
            (')', _, _) => (O::RightParenthesis, 1),
            ('[', _, _) => (O::LeftBracket, 1),
            (']', _, _) => (O::RightBracket, 1),
            ('{', _, _) => (O::LeftBrace, 1),
            ('}', _, _) => (O::RightBrace, 1),
            (',', _, _) => (O::Comma, 1),
            (':', _, _) => (O::Colon, 1),
            (';', _, _) => (O::Semicolon, 1),
            ('.', _, _) => (O::Dot, 1),
            ('@', _, _) => (O::At, 1),
            ('=', _, _) => (O::Equal, 1),
            ('+', _, _) => (O::Plus, 1),
            ('-', _, _) => (O::Minus, 1),
            ('*', _, _) => (O::Star, 1),
            ('/', _, _) => (O::Slash, 1),
            ('%', _, _) => (O::Percent, 1),
            ('&', _, _) => (O::Ampersand, 1),
            ('|', _, _) => (O::Pipe, 1),
            ('^', _, _) => (O::Caret, 1),
            ('~', _, _) => (O::Tilde, 1),
            ('<', _, _) => (O::Less, 1),
            ('>', _, _) => (O::Greater, 1),
            _ => return Err(invalid_character_error(character, start)),
        };
        for _ in 0..length {
            self.advance();
        }
        match character {
            '(' | '[' | '{' => {
                if self.brackets.len() >= MAX_BRACKET_DEPTH {
                    return Err(plain_error("too many nested parentheses", start));
                }
                self.brackets.push((character, start));
            }
            ')' | ']' | '}' => match self.brackets.pop() {
                None => return Err(plain_error(format!("unmatched '{character}'"), start)),
                Some((opening, opened_at)) if opening != matching_opening_bracket(character) => {
                    let message = if opened_at.line == start.line {
                        format!(
                            "closing parenthesis '{character}' does not match opening parenthesis '{opening}'"
                        )
                    } else {
                        format!(
                            "closing parenthesis '{character}' does not match opening parenthesis '{opening}' on line {}",
                            opened_at.line
                        )
                    };
                    return Err(plain_error(message, start));
                }
                Some(_) => {}
            },
            _ => {}
        }
        self.push_token(TokenKind::Operator(operator), start);
        Ok(())
    }

    /// Scans a string literal up to its closing quote; the opening quote is next.
    fn lex_string(&mut self, prefix: StringPrefix, start: Pos) -> Result<TokenKind, LexError> {
        let quote = self.advance().unwrap_or('\'');
        let triple_quoted = self.peek() == Some(quote) && self.peek_at(1) == Some(quote);
        if triple_quoted {
            self.advance();
            self.advance();
        }
        let body_start = self.position();
        let mut body = String::new();
        loop {
            match self.peek() {
                None => return Err(self.unterminated_string_error(start, triple_quoted)),
                Some('\n') if !triple_quoted => {
                    return Err(self.unterminated_string_error(start, triple_quoted))
                }
                Some('\\') => {
                    self.advance();
                    body.push('\\');
                    if let Some(escaped) = self.advance() {
                        body.push(escaped);
                    }
                }
                Some(character) if character == quote => {
                    if !triple_quoted {
                        self.advance();
                        break;
                    }
                    if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                        self.advance();
                        self.advance();
                        self.advance();
                        break;
                    }
                    self.advance();
                    body.push(character);
                }
                Some(character) => {
                    self.advance();
                    body.push(character);
                }
            }
        }
        Ok(TokenKind::String(StringToken {
            prefix,
            body,
            body_start,
            triple_quoted,
            quote,
        }))
    }

    fn unterminated_string_error(&self, start: Pos, triple_quoted: bool) -> LexError {
        let message = if triple_quoted {
            format!(
                "unterminated triple-quoted string literal (detected at line {})",
                self.last_consumed_line
            )
        } else {
            format!(
                "unterminated string literal (detected at line {})",
                self.line
            )
        };
        plain_error(message, start)
    }

    fn lex_number(&mut self, start: Pos) -> Result<TokenKind, LexError> {
        if self.peek() == Some('0')
            && matches!(self.peek_at(1), Some('x' | 'X' | 'o' | 'O' | 'b' | 'B'))
        {
            return self.lex_radix_number();
        }
        let mut integer_digits = String::new();
        self.read_decimal_digits(&mut integer_digits)?;
        let mut literal = integer_digits.clone();
        let mut is_float = false;
        if self.peek() == Some('.') {
            is_float = true;
            self.advance();
            literal.push('.');
            if self.peek().is_some_and(|next| next.is_ascii_digit()) {
                self.read_decimal_digits(&mut literal)?;
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let exponent_follows = match self.peek_at(1) {
                Some(digit) if digit.is_ascii_digit() => true,
                Some('+' | '-') => self.peek_at(2).is_some_and(|digit| digit.is_ascii_digit()),
                _ => false,
            };
            if exponent_follows {
                is_float = true;
                self.advance();
                literal.push('e');
                if let Some(sign @ ('+' | '-')) = self.peek() {
                    self.advance();
                    literal.push(sign);
                }
                self.read_decimal_digits(&mut literal)?;
            } else if !self.keyword_follows() {
                self.advance();
                return Err(self.invalid_number_literal("decimal"));
            }
        }
        if matches!(self.peek(), Some('j' | 'J')) {
            self.advance();
            self.verify_end_of_number("imaginary")?;
            let value = literal
                .parse::<f64>()
                .map_err(|_| self.invalid_number_literal("imaginary"))?;
            return Ok(TokenKind::Number(Constant::Imaginary(value)));
        }
        self.verify_end_of_number("decimal")?;
        if is_float {
            let value = literal
                .parse::<f64>()
                .map_err(|_| self.invalid_number_literal("decimal"))?;
            return Ok(TokenKind::Number(Constant::Float(value)));
        }
        if integer_digits.starts_with('0') && integer_digits.chars().any(|digit| digit != '0') {
            return Err(plain_error(
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                start,
            ));
        }
        Ok(TokenKind::Number(match integer_digits.parse::<i128>() {
            Ok(value) => Constant::Int(value),
            Err(_) => Constant::BigInt(integer_digits),
        }))
    }

    fn read_decimal_digits(&mut self, digits: &mut String) -> Result<(), LexError> {
        loop {
            match self.peek() {
                Some(digit) if digit.is_ascii_digit() => {
                    digits.push(digit);
                    self.advance();
                }
                Some('_') => {
                    self.advance();
                    if !self.peek().is_some_and(|digit| digit.is_ascii_digit()) {
                        return Err(self.invalid_number_literal("decimal"));
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn lex_radix_number(&mut self) -> Result<TokenKind, LexError> {
        self.advance();
        let marker = self.advance().unwrap_or('x');
        let (radix, kind) = match marker {
            'x' | 'X' => (16, "hexadecimal"),
            'o' | 'O' => (8, "octal"),
            _ => (2, "binary"),
        };
        let mut digits = String::new();
        loop {
            match self.peek() {
                Some('_') => {
                    self.advance();
                    if !self.peek().is_some_and(|digit| digit.is_digit(radix)) {
                        return Err(self.invalid_number_literal(kind));
                    }
                }
                Some(digit) if digit.is_digit(radix) => {
                    digits.push(digit);
                    self.advance();
                }
                Some(digit) if digit.is_ascii_digit() => {
                    return Err(plain_error(
                        format!("invalid digit '{digit}' in {kind} literal"),
                        self.position(),
                    ));
                }
                _ => break,
            }
        }
        if digits.is_empty() {
            return Err(self.invalid_number_literal(kind));
        }
        self.verify_end_of_number(kind)?;
        Ok(TokenKind::Number(
            match i128::from_str_radix(&digits, radix) {
                Ok(value) => Constant::Int(value),
                Err(_) => Constant::BigInt(format!("0{marker}{digits}")),
            },
        ))
    }

    /// CPython lets a number touch a keyword that may follow it (`1if x else 2`).
    fn keyword_follows(&self) -> bool {
        ["and", "else", "for", "if", "in", "is", "or", "not"]
            .iter()
            .any(|keyword| {
                keyword
                    .chars()
                    .enumerate()
                    .all(|(offset, letter)| self.peek_at(offset) == Some(letter))
            })
    }

    fn verify_end_of_number(&self, kind: &str) -> Result<(), LexError> {
        match self.peek() {
            Some(next) if is_identifier_continue(next) && !self.keyword_follows() => {
                Err(self.invalid_number_literal(kind))
            }
            _ => Ok(()),
        }
    }

    /// CPython points at the last character it accepted.
    fn invalid_number_literal(&self, kind: &str) -> LexError {
        plain_error(
            format!("invalid {kind} literal"),
            Pos {
                line: self.line,
                column: self.column.saturating_sub(1).max(1),
            },
        )
    }
}

fn invalid_character_error(character: char, position: Pos) -> LexError {
    let code = u32::from(character);
    let message = if character.is_ascii() && !character.is_ascii_control() {
        "invalid syntax".to_string()
    } else if !is_printable(character) {
        format!("invalid non-printable character U+{code:04X}")
    } else {
        format!("invalid character '{character}' (U+{code:04X})")
    };
    plain_error(message, position)
}
