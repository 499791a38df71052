//! Splitting an f-string body into literal text and replacement fields (Python 3.11 rules).
//!
//! Owns brace doubling, `!r`/`!s`/`!a` conversions, `=` debug text, nested format specs and
//! the 3.11 restrictions (no backslash or `#` inside a field).
//! Each field's expression is handed back to the parser with its exact source position, so
//! positions inside f-strings are as precise as anywhere else.

use super::ast::{FStringExpression, FStringPart, Pos, Span};
use super::parser::parse_fstring_field_expression;
use super::strings::decode_text_escapes;
use super::token::StringToken;
use super::SyntaxError;

/// Splits the body of an f-string token. `depth` is the parser's nesting depth at the literal.
pub(crate) fn parse_fstring_token(
    token: &StringToken,
    token_start: Pos,
    depth: u32,
) -> Result<Vec<FStringPart>, SyntaxError> {
    let mut positioned = Vec::with_capacity(token.body.len());
    let mut position = token.body_start;
    for character in token.body.chars() {
        positioned.push((character, position));
        if character == '\n' {
            position = Pos {
                line: position.line.saturating_add(1),
                column: 1,
            };
        } else {
            position.column = position.column.saturating_add(1);
        }
    }
    let mut scanner = FStringScanner {
        characters: &positioned,
        index: 0,
        raw: token.prefix.raw,
        depth,
        token_start,
        body_end: position,
    };
    let parts = scanner.parse_parts(0)?;
    if scanner.index < positioned.len() {
        // Only a stray `}` at top level can stop the top-level scan early.
        return Err(scanner.error("f-string: single '}' is not allowed"));
    }
    Ok(parts)
}

/// Appends `part`, merging adjacent literal text.
pub(crate) fn push_part(parts: &mut Vec<FStringPart>, part: FStringPart) {
    if let FStringPart::Literal(text) = &part {
        if text.is_empty() {
            return;
        }
        if let Some(FStringPart::Literal(previous)) = parts.last_mut() {
            previous.push_str(text);
            return;
        }
    }
    parts.push(part);
}

struct FStringScanner<'a> {
    characters: &'a [(char, Pos)],
    index: usize,
    raw: bool,
    depth: u32,
    token_start: Pos,
    body_end: Pos,
}

impl FStringScanner<'_> {
    fn peek(&self) -> Option<char> {
        self.characters
            .get(self.index)
            .map(|&(character, _)| character)
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.characters
            .get(self.index.saturating_add(offset))
            .map(|&(character, _)| character)
    }

    fn position(&self) -> Pos {
        self.characters
            .get(self.index)
            .map(|&(_, position)| position)
            .unwrap_or(self.body_end)
    }

    /// CPython 3.11 reports f-string errors at the string literal.
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError::new(message, self.token_start)
    }

    fn flush_literal(
        &self,
        raw_text: &mut String,
        parts: &mut Vec<FStringPart>,
    ) -> Result<(), SyntaxError> {
        if raw_text.is_empty() {
            return Ok(());
        }
        let text = if self.raw {
            std::mem::take(raw_text)
        } else {
            let decoded = decode_text_escapes(raw_text)
                .map_err(|message| SyntaxError::new(message, self.token_start))?;
            raw_text.clear();
            decoded
        };
        push_part(parts, FStringPart::Literal(text));
        Ok(())
    }

    /// Literal text and fields until the end of the body, or (inside a format spec, `nesting > 0`)
    /// until the `}` closing the enclosing field, which is left for the caller.
    fn parse_parts(&mut self, nesting: u32) -> Result<Vec<FStringPart>, SyntaxError> {
        let mut parts = Vec::new();
        let mut raw_text = String::new();
        while let Some(character) = self.peek() {
            match character {
                '{' if self.peek_at(1) == Some('{') => {
                    raw_text.push('{');
                    self.index += 2;
                }
                '{' => {
                    self.flush_literal(&mut raw_text, &mut parts)?;
                    if nesting >= 2 {
                        return Err(self.error("f-string: expressions nested too deeply"));
                    }
                    let field = self.parse_replacement_field(nesting)?;
                    parts.push(FStringPart::Expression(field));
                }
                '}' if nesting > 0 => break,
                '}' if self.peek_at(1) == Some('}') => {
                    raw_text.push('}');
                    self.index += 2;
                }
                '}' => break,
                '\\' if !self.raw => {
                    raw_text.push('\\');
                    self.index += 1;
                    match self.peek() {
                        Some('N') if self.peek_at(1) == Some('{') => {
                            while let Some(kept) = self.peek() {
                                raw_text.push(kept);
                                self.index += 1;
                                if kept == '}' {
                                    break;
                                }
                            }
                        }
                        // `\{` keeps the backslash and still opens a field, as in 3.11.
                        Some('{' | '}') | None => {}
                        Some(escaped) => {
                            raw_text.push(escaped);
                            self.index += 1;
                        }
                    }
                }
                _ => {
                    raw_text.push(character);
                    self.index += 1;
                }
            }
        }
        self.flush_literal(&mut raw_text, &mut parts)?;
        Ok(parts)
    }

    fn parse_replacement_field(&mut self, nesting: u32) -> Result<FStringExpression, SyntaxError> {
        let open_position = self.position();
        self.index += 1;
        let expression_start = self.index;
        let mut brackets: Vec<char> = Vec::new();
        let mut debug = false;
        loop {
            let Some(character) = self.peek() else {
                return Err(self.error("f-string: expecting '}'"));
            };
            match character {
                '\\' => {
                    return Err(self.error("f-string expression part cannot include a backslash"))
                }
                '#' => return Err(self.error("f-string expression part cannot include '#'")),
                '\'' | '"' => self.skip_quoted(character)?,
                '(' | '[' | '{' => {
                    brackets.push(character);
                    self.index += 1;
                }
                ')' | ']' | '}' => {
                    let Some(opening) = brackets.pop() else {
                        if character == '}' {
                            break;
                        }
                        return Err(self.error(&format!("f-string: unmatched '{character}'")));
                    };
                    let expected = match opening {
                        '(' => ')',
                        '[' => ']',
                        _ => '}',
                    };
                    if character != expected {
                        return Err(self.error(&format!(
                            "f-string: closing parenthesis '{character}' does not match opening parenthesis '{opening}'"
                        )));
                    }
                    self.index += 1;
                }
                '!' if brackets.is_empty() && self.peek_at(1) != Some('=') => break,
                ':' if brackets.is_empty() => break,
                '=' if brackets.is_empty() && self.peek_at(1) != Some('=') => {
                    debug = true;
                    break;
                }
                '=' | '!' | '<' | '>' if self.peek_at(1) == Some('=') => self.index += 2,
                _ => self.index += 1,
            }
        }
        let expression_end = self.index;
        let expression_characters = self
            .characters
            .get(expression_start..expression_end)
            .unwrap_or(&[]);
        if expression_characters
            .iter()
            .all(|(character, _)| character.is_whitespace())
        {
            return Err(self.error("f-string: empty expression not allowed"));
        }
        let expression_text: String = expression_characters
            .iter()
            .map(|&(character, _)| character)
            .collect();
        let expression_position = expression_characters
            .first()
            .map(|&(_, position)| position)
            .unwrap_or(open_position);

        let mut debug_text = None;
        if debug {
            self.index += 1;
            while self.peek().is_some_and(char::is_whitespace) {
                self.index += 1;
            }
            let text: String = self
                .characters
                .get(expression_start..self.index)
                .unwrap_or(&[])
                .iter()
                .map(|&(character, _)| character)
                .collect();
            debug_text = Some(text);
        }
        let mut conversion = None;
        if self.peek() == Some('!') {
            self.index += 1;
            match self.peek() {
                Some(letter @ ('s' | 'r' | 'a')) => {
                    conversion = Some(letter);
                    self.index += 1;
                }
                _ => {
                    return Err(self.error(
                        "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    ))
                }
            }
            if !matches!(self.peek(), Some(':' | '}')) {
                return Err(self.error("f-string: expecting '}'"));
            }
        }
        let mut format_spec = None;
        if self.peek() == Some(':') {
            self.index += 1;
            format_spec = Some(self.parse_parts(nesting + 1)?);
        }
        if self.peek() != Some('}') {
            return Err(self.error("f-string: expecting '}'"));
        }
        self.index += 1;
        let close_end = self.position_after_previous();
        if debug_text.is_some() && conversion.is_none() && format_spec.is_none() {
            conversion = Some('r');
        }

        let value =
            parse_fstring_field_expression(&expression_text, expression_position, self.depth)?;
        Ok(FStringExpression {
            value,
            debug_text,
            conversion,
            format_spec,
            span: Span::new(open_position, close_end),
        })
    }

    fn position_after_previous(&self) -> Pos {
        match self
            .index
            .checked_sub(1)
            .and_then(|index| self.characters.get(index))
        {
            Some(&(_, position)) => Pos {
                line: position.line,
                column: position.column.saturating_add(1),
            },
            None => self.body_end,
        }
    }

    /// Skips a string literal inside a field (its quote is at the cursor).
    fn skip_quoted(&mut self, quote: char) -> Result<(), SyntaxError> {
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.index += if triple { 3 } else { 1 };
        loop {
            match self.peek() {
                None => return Err(self.error("f-string: unterminated string")),
                Some('\\') => {
                    return Err(self.error("f-string expression part cannot include a backslash"))
                }
                Some(character) if character == quote => {
                    if !triple {
                        self.index += 1;
                        return Ok(());
                    }
                    if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                        self.index += 3;
                        return Ok(());
                    }
                    self.index += 1;
                }
                Some(_) => self.index += 1,
            }
        }
    }
}
