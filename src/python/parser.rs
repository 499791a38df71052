//! Parser: hand-written recursive descent (precedence climbing for operators) from tokens to `ast`.
//!
//! Owns the statement and expression grammar of Python 3.11 (without `match`), assignment-target
//! checks, implicit string concatenation, and the choice of CPython's message and position
//! for each error, including whether the lexer's error or the parser's wins.
//! It does not read files, evaluate anything, or know what `op.create_table` means.
//!
//! Every recursion goes through `enter`, and every loop that nests the tree it builds
//! (`a.b.c`, `a + b + c`) counts too, so the depth of both the call stack and the tree stays
//! below [`MAX_NESTING_DEPTH`].

use super::ast::{
    Alias, BinaryOperator, BoolOperator, ClassDef, CompareOperator, Comprehension,
    ConditionalBranch, Constant, DictEntry, ExceptHandler, Expr, ExprKind, FStringPart,
    FunctionDef, Keyword, Module, Parameter, Parameters, Pos, Span, Stmt, StmtKind, UnaryOperator,
    WithItem,
};
use super::fstring::{parse_fstring_token, push_part};
use super::lexer::{lex, normalize_newlines, LexError, LexMode};
use super::strings::{decode_bytes, decode_text_escapes};
use super::token::{Operator, ReservedWord, Token, TokenKind};
use super::SyntaxError;

/// How deeply expressions and blocks may nest, in units of roughly one per block, two per
/// bracket and one per operator or trailer that nests the tree (about 70 nested brackets).
/// Deeper input is a syntax error instead of a stack overflow: at this limit a release build
/// uses about 250 KB of stack, an unoptimized one under 1 MB.
pub const MAX_NESTING_DEPTH: u32 = 150;

type ParseResult<T> = Result<T, SyntaxError>;

static FALLBACK_TOKEN: Token = Token {
    kind: TokenKind::EndOfFile,
    span: Span {
        start: Pos { line: 1, column: 1 },
        end: Pos { line: 1, column: 1 },
    },
};

const PRECEDENCE_OR: u8 = 1;
const PRECEDENCE_AND: u8 = 2;
const PRECEDENCE_NOT: u8 = 3;
const PRECEDENCE_COMPARISON: u8 = 4;
const PRECEDENCE_BIT_OR: u8 = 5;
const PRECEDENCE_BIT_XOR: u8 = 6;
const PRECEDENCE_BIT_AND: u8 = 7;
const PRECEDENCE_SHIFT: u8 = 8;
const PRECEDENCE_ARITHMETIC: u8 = 9;
const PRECEDENCE_TERM: u8 = 10;
const PRECEDENCE_UNARY: u8 = 11;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Infix {
    Or,
    And,
    /// The operator and how many tokens spell it (`not in`, `is not` take two).
    Comparison(CompareOperator, usize),
    Binary(BinaryOperator),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TargetContext {
    Assign,
    Delete,
}

pub(crate) fn parse_module_source(source: &str) -> Result<Module, SyntaxError> {
    let normalized = normalize_newlines(source);
    let lexed = lex(&normalized, Pos { line: 1, column: 1 }, LexMode::Module);
    let mut parser = Parser::new(lexed.tokens, 0);
    match parser.parse_file() {
        Ok(body) => match lexed.error {
            Some(error) => Err(error.syntax_error),
            None => Ok(Module {
                docstring: docstring_of(&body),
                body,
            }),
        },
        Err(error) => Err(choose_error(error, lexed.error, &parser)),
    }
}

pub(crate) fn parse_expression_source(source: &str) -> Result<Expr, SyntaxError> {
    let normalized = normalize_newlines(source);
    let lexed = lex(&normalized, Pos { line: 1, column: 1 }, LexMode::Joined);
    let mut parser = Parser::new(lexed.tokens, 0);
    let result = parser.parse_standalone_expression(false);
    match (result, lexed.error) {
        (Ok(_), Some(error)) => Err(error.syntax_error),
        (Ok(expression), None) => Ok(expression),
        (Err(error), lexed_error) => Err(choose_error(error, lexed_error, &parser)),
    }
}

/// Parses the expression of an f-string replacement field whose text starts at `start`.
pub(crate) fn parse_fstring_field_expression(
    text: &str,
    start: Pos,
    depth: u32,
) -> Result<Expr, SyntaxError> {
    let lexed = lex(text, start, LexMode::Joined);
    let mut parser = Parser::new(lexed.tokens, depth.saturating_add(1));
    let result = parser.parse_standalone_expression(true);
    let outcome = match (result, lexed.error) {
        (Ok(_), Some(error)) => Err(error.syntax_error),
        (Ok(expression), None) => Ok(expression),
        (Err(error), lexed_error) => Err(choose_error(error, lexed_error, &parser)),
    };
    outcome.map_err(|mut error| {
        if !error.message.starts_with("f-string") {
            error.message = format!("f-string: {}", error.message);
        }
        error
    })
}

/// CPython tokenizes the rest of the file after a parser error, and a tokenizer error found
/// there wins; an unclosed bracket wins only if the parser got past the bracket's line.
fn choose_error(
    parse_error: SyntaxError,
    lex_error: Option<LexError>,
    parser: &Parser,
) -> SyntaxError {
    let Some(lex_error) = lex_error else {
        return parse_error;
    };
    if matches!(parser.kind(), TokenKind::Error) {
        return lex_error.syntax_error;
    }
    match lex_error.unclosed_bracket_line {
        Some(bracket_line) if parser.current().span.start.line <= bracket_line => parse_error,
        _ => lex_error.syntax_error,
    }
}

fn docstring_of(body: &[Stmt]) -> Option<String> {
    match body.first().map(|statement| &statement.kind) {
        Some(StmtKind::Expr(expression)) => expression.as_str_constant().map(str::to_string),
        _ => None,
    }
}

fn token_starts_expression(kind: &TokenKind) -> bool {
    match kind {
        TokenKind::Name(_) | TokenKind::Number(_) | TokenKind::String(_) => true,
        TokenKind::Keyword(word) => matches!(
            word,
            ReservedWord::None
                | ReservedWord::True
                | ReservedWord::False
                | ReservedWord::Not
                | ReservedWord::Lambda
                | ReservedWord::Await
        ),
        TokenKind::Operator(operator) => matches!(
            operator,
            Operator::LeftParenthesis
                | Operator::LeftBracket
                | Operator::LeftBrace
                | Operator::Minus
                | Operator::Plus
                | Operator::Tilde
                | Operator::Ellipsis
        ),
        _ => false,
    }
}

fn augmented_operator(operator: Operator) -> Option<BinaryOperator> {
    Some(match operator {
        Operator::PlusEqual => BinaryOperator::Add,
        Operator::MinusEqual => BinaryOperator::Subtract,
        Operator::StarEqual => BinaryOperator::Multiply,
        Operator::AtEqual => BinaryOperator::MatrixMultiply,
        Operator::SlashEqual => BinaryOperator::Divide,
        Operator::DoubleSlashEqual => BinaryOperator::FloorDivide,
        Operator::PercentEqual => BinaryOperator::Modulo,
        Operator::DoubleStarEqual => BinaryOperator::Power,
        Operator::LeftShiftEqual => BinaryOperator::LeftShift,
        Operator::RightShiftEqual => BinaryOperator::RightShift,
        Operator::PipeEqual => BinaryOperator::BitOr,
        Operator::CaretEqual => BinaryOperator::BitXor,
        Operator::AmpersandEqual => BinaryOperator::BitAnd,
        _ => return None,
    })
}

fn binary_precedence(operator: BinaryOperator) -> u8 {
    match operator {
        BinaryOperator::BitOr => PRECEDENCE_BIT_OR,
        BinaryOperator::BitXor => PRECEDENCE_BIT_XOR,
        BinaryOperator::BitAnd => PRECEDENCE_BIT_AND,
        BinaryOperator::LeftShift | BinaryOperator::RightShift => PRECEDENCE_SHIFT,
        BinaryOperator::Add | BinaryOperator::Subtract => PRECEDENCE_ARITHMETIC,
        BinaryOperator::Power => PRECEDENCE_UNARY + 1,
        _ => PRECEDENCE_TERM,
    }
}

/// Whether CPython's `bitwise_or` rule could have produced this expression (used to pick
/// the "Maybe you meant '=='" messages, which CPython only gives in that case).
fn is_bitwise_or_level(expression: &Expr) -> bool {
    !matches!(
        expression.kind,
        ExprKind::Compare { .. }
            | ExprKind::BoolOp { .. }
            | ExprKind::UnaryOp {
                operator: UnaryOperator::Not,
                ..
            }
            | ExprKind::IfExp { .. }
            | ExprKind::Lambda { .. }
            | ExprKind::NamedExpr { .. }
            | ExprKind::Starred(_)
            | ExprKind::Yield(_)
            | ExprKind::YieldFrom(_)
    )
}

/// The innermost sub-expression that cannot be assigned to (or deleted).
fn invalid_target(expression: &Expr, context: TargetContext) -> Option<&Expr> {
    match &expression.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
        ExprKind::Starred(inner) if context == TargetContext::Assign => {
            invalid_target(inner, context)
        }
        ExprKind::Tuple(elements) | ExprKind::List(elements) => elements
            .iter()
            .find_map(|element| invalid_target(element, context)),
        _ => Some(expression),
    }
}

/// What the arguments of one call have shown so far.
#[derive(Default)]
struct CallArguments {
    args: Vec<Expr>,
    keywords: Vec<Keyword>,
    seen_keyword: bool,
    seen_double_star: bool,
    /// Whether the last argument parsed was a keyword (`Some(true)`) or positional.
    last_was_keyword: Option<bool>,
}

impl CallArguments {
    fn last_value(&self) -> Option<&Expr> {
        match self.last_was_keyword {
            Some(true) => self.keywords.last().map(|keyword| &keyword.value),
            Some(false) => self.args.last(),
            None => None,
        }
    }
}

fn walrus_target_error(expression: &Expr) -> SyntaxError {
    SyntaxError::new(
        format!(
            "cannot use assignment expressions with {}",
            expression.description()
        ),
        expression.span.start,
    )
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
    depth: u32,
}

impl Parser {
    fn new(tokens: Vec<Token>, depth: u32) -> Parser {
        Parser {
            tokens,
            position: 0,
            depth,
        }
    }

    // ----- token access -------------------------------------------------------------------

    fn current(&self) -> &Token {
        self.tokens
            .get(self.position)
            .or_else(|| self.tokens.last())
            .unwrap_or(&FALLBACK_TOKEN)
    }

    fn kind(&self) -> &TokenKind {
        &self.current().kind
    }

    fn peek_kind(&self, offset: usize) -> &TokenKind {
        self.tokens
            .get(self.position.saturating_add(offset))
            .or_else(|| self.tokens.last())
            .map(|token| &token.kind)
            .unwrap_or(&FALLBACK_TOKEN.kind)
    }

    fn start(&self) -> Pos {
        self.current().span.start
    }

    /// Consumes the current token (never moving past the final one) and returns its span.
    fn bump(&mut self) -> Span {
        let span = self.current().span;
        if self.position + 1 < self.tokens.len() {
            self.position += 1;
        }
        span
    }

    fn previous_end(&self) -> Pos {
        match self
            .position
            .checked_sub(1)
            .and_then(|index| self.tokens.get(index))
        {
            Some(token) => token.span.end,
            None => self.start(),
        }
    }

    fn span_from(&self, start: Pos) -> Span {
        Span::new(start, self.previous_end())
    }

    fn at_operator(&self, operator: Operator) -> bool {
        matches!(self.kind(), TokenKind::Operator(current) if *current == operator)
    }

    fn at_word(&self, word: ReservedWord) -> bool {
        matches!(self.kind(), TokenKind::Keyword(current) if *current == word)
    }

    fn at_newline(&self) -> bool {
        matches!(self.kind(), TokenKind::Newline)
    }

    fn eat_operator(&mut self, operator: Operator) -> bool {
        let found = self.at_operator(operator);
        if found {
            self.bump();
        }
        found
    }

    fn eat_word(&mut self, word: ReservedWord) -> bool {
        let found = self.at_word(word);
        if found {
            self.bump();
        }
        found
    }

    fn expect_operator(&mut self, operator: Operator) -> ParseResult<Span> {
        if self.at_operator(operator) {
            Ok(self.bump())
        } else {
            Err(self.invalid_syntax())
        }
    }

    fn expect_word(&mut self, word: ReservedWord) -> ParseResult<Span> {
        if self.at_word(word) {
            Ok(self.bump())
        } else {
            Err(self.invalid_syntax())
        }
    }

    fn expect_name(&mut self) -> ParseResult<(String, Span)> {
        match self.kind() {
            TokenKind::Name(name) => {
                let name = name.clone();
                let span = self.bump();
                Ok((name, span))
            }
            _ => Err(self.invalid_syntax()),
        }
    }

    /// The generic error at the current token (CPython's `invalid syntax`, or the indentation
    /// error an unexpected INDENT token means).
    fn invalid_syntax(&self) -> SyntaxError {
        match self.kind() {
            TokenKind::Indent => SyntaxError::indentation("unexpected indent", self.start()),
            TokenKind::Dedent => SyntaxError::indentation("unexpected unindent", self.start()),
            _ => SyntaxError::new("invalid syntax", self.start()),
        }
    }

    fn enter(&mut self) -> ParseResult<()> {
        self.depth = self.depth.saturating_add(1);
        if self.depth > MAX_NESTING_DEPTH {
            return Err(SyntaxError::new(
                "too many nested parentheses or expressions",
                self.start(),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ----- files and blocks -----------------------------------------------------------------

    fn parse_file(&mut self) -> ParseResult<Vec<Stmt>> {
        let mut body = Vec::new();
        loop {
            match self.kind() {
                TokenKind::EndOfFile => return Ok(body),
                TokenKind::Newline => {
                    self.bump();
                }
                TokenKind::Dedent => return Err(self.invalid_syntax()),
                _ => self.parse_statement_into(&mut body)?,
            }
        }
    }

    /// `parenthesized` is true for f-string fields, which CPython parses as `(field)`.
    fn parse_standalone_expression(&mut self, parenthesized: bool) -> ParseResult<Expr> {
        let expression = if self.at_word(ReservedWord::Yield) {
            self.parse_yield()?
        } else {
            self.parse_star_named_expressions()?
        };
        if !matches!(self.kind(), TokenKind::EndOfFile) {
            if parenthesized {
                return Err(self.missing_comma_error(Some(&expression)));
            }
            return Err(self.invalid_syntax());
        }
        Ok(expression)
    }

    fn parse_statement_into(&mut self, body: &mut Vec<Stmt>) -> ParseResult<()> {
        match self.kind() {
            TokenKind::Indent => Err(self.invalid_syntax()),
            TokenKind::Keyword(
                ReservedWord::Def
                | ReservedWord::Class
                | ReservedWord::If
                | ReservedWord::For
                | ReservedWord::While
                | ReservedWord::Try
                | ReservedWord::With
                | ReservedWord::Async,
            )
            | TokenKind::Operator(Operator::At) => {
                let statement = self.parse_compound_statement()?;
                body.push(statement);
                Ok(())
            }
            TokenKind::Name(name) if name == "match" && self.looks_like_match_statement() => Err(
                SyntaxError::new("match statements are not supported", self.start()),
            ),
            _ => self.parse_simple_statements(body),
        }
    }

    /// `match` is a soft keyword: only `match <subject>:` followed by an indented block is one.
    fn looks_like_match_statement(&self) -> bool {
        if !token_starts_expression(self.peek_kind(1)) {
            return false;
        }
        let mut offset = 1;
        loop {
            match self.peek_kind(offset) {
                TokenKind::Newline => {
                    return matches!(
                        self.peek_kind(offset - 1),
                        TokenKind::Operator(Operator::Colon)
                    ) && matches!(self.peek_kind(offset + 1), TokenKind::Indent);
                }
                TokenKind::EndOfFile | TokenKind::Error => return false,
                _ => offset += 1,
            }
        }
    }

    /// The block after a compound statement header's `:`.
    fn parse_block(&mut self, construct: &str, header_line: u32) -> ParseResult<Vec<Stmt>> {
        if !self.at_newline() {
            let mut body = Vec::new();
            self.parse_simple_statements(&mut body)?;
            return Ok(body);
        }
        self.bump();
        if !matches!(self.kind(), TokenKind::Indent) {
            return Err(SyntaxError::indentation(
                format!("expected an indented block after {construct} on line {header_line}"),
                self.start(),
            ));
        }
        self.bump();
        self.enter()?;
        let mut body = Vec::new();
        loop {
            match self.kind() {
                TokenKind::Dedent => {
                    self.bump();
                    break;
                }
                TokenKind::EndOfFile => break,
                _ => self.parse_statement_into(&mut body)?,
            }
        }
        self.leave();
        Ok(body)
    }

    fn expect_header_colon(&mut self) -> ParseResult<()> {
        if self.eat_operator(Operator::Colon) {
            return Ok(());
        }
        if self.at_newline() {
            return Err(SyntaxError::new("expected ':'", self.start()));
        }
        Err(self.invalid_syntax())
    }

    /// After a condition, `=` where `==` was probably meant.
    fn check_equals_after_condition(&self, condition: &Expr) -> ParseResult<()> {
        if self.at_operator(Operator::Equal) {
            return Err(self.equals_instead_of_comparison_error(condition));
        }
        Ok(())
    }

    fn equals_instead_of_comparison_error(&self, expression: &Expr) -> SyntaxError {
        match &expression.kind {
            ExprKind::Name(_) => SyntaxError::new(
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                expression.span.start,
            ),
            ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::GeneratorExp { .. }
            | ExprKind::Constant(Constant::Bool(_) | Constant::None) => self.invalid_syntax(),
            _ if is_bitwise_or_level(expression) => SyntaxError::new(
                format!(
                    "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                    expression.description()
                ),
                expression.span.start,
            ),
            _ => self.invalid_syntax(),
        }
    }

    // ----- simple statements --------------------------------------------------------------

    fn parse_simple_statements(&mut self, body: &mut Vec<Stmt>) -> ParseResult<()> {
        loop {
            let statement = self.parse_simple_statement()?;
            body.push(statement);
            if self.eat_operator(Operator::Semicolon) {
                if self.at_newline() {
                    break;
                }
                continue;
            }
            break;
        }
        if self.at_newline() {
            self.bump();
            return Ok(());
        }
        Err(self.statement_end_error(body.last()))
    }

    fn statement_end_error(&self, last: Option<&Stmt>) -> SyntaxError {
        if let Some(Stmt {
            kind: StmtKind::Expr(expression),
            ..
        }) = last
        {
            if let Some(name @ ("print" | "exec")) = expression.as_name() {
                if token_starts_expression(self.kind()) {
                    return SyntaxError::new(
                        format!(
                            "Missing parentheses in call to '{name}'. Did you mean {name}(...)?"
                        ),
                        expression.span.start,
                    );
                }
            }
        }
        self.invalid_syntax()
    }

    fn parse_simple_statement(&mut self) -> ParseResult<Stmt> {
        let start = self.start();
        let kind = match self.kind() {
            TokenKind::Keyword(ReservedWord::Pass) => {
                self.bump();
                StmtKind::Pass
            }
            TokenKind::Keyword(ReservedWord::Break) => {
                self.bump();
                StmtKind::Break
            }
            TokenKind::Keyword(ReservedWord::Continue) => {
                self.bump();
                StmtKind::Continue
            }
            TokenKind::Keyword(ReservedWord::Return) => {
                self.bump();
                if self.at_statement_end() {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.parse_star_expressions()?))
                }
            }
            TokenKind::Keyword(ReservedWord::Raise) => {
                self.bump();
                if self.at_statement_end() {
                    StmtKind::Raise {
                        exception: None,
                        cause: None,
                    }
                } else {
                    let exception = self.parse_test()?;
                    let cause = if self.eat_word(ReservedWord::From) {
                        Some(self.parse_test()?)
                    } else {
                        None
                    };
                    StmtKind::Raise {
                        exception: Some(exception),
                        cause,
                    }
                }
            }
            TokenKind::Keyword(word @ (ReservedWord::Global | ReservedWord::Nonlocal)) => {
                let word = *word;
                self.bump();
                let mut names = vec![self.expect_name()?.0];
                while self.eat_operator(Operator::Comma) {
                    names.push(self.expect_name()?.0);
                }
                if word == ReservedWord::Global {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            TokenKind::Keyword(ReservedWord::Del) => {
                self.bump();
                let mut targets = vec![self.parse_target_element()?];
                while self.eat_operator(Operator::Comma) {
                    if self.at_statement_end() {
                        break;
                    }
                    targets.push(self.parse_target_element()?);
                }
                for target in &targets {
                    if let Some(invalid) = invalid_target(target, TargetContext::Delete) {
                        return Err(SyntaxError::new(
                            format!("cannot delete {}", invalid.description()),
                            invalid.span.start,
                        ));
                    }
                }
                StmtKind::Delete(targets)
            }
            TokenKind::Keyword(ReservedWord::Assert) => {
                self.bump();
                let test = self.parse_test()?;
                let message = if self.eat_operator(Operator::Comma) {
                    Some(self.parse_test()?)
                } else {
                    None
                };
                StmtKind::Assert { test, message }
            }
            TokenKind::Keyword(ReservedWord::Import) => {
                self.bump();
                let mut names = Vec::new();
                loop {
                    let alias_start = self.start();
                    let name = self.parse_dotted_name()?;
                    let asname = self.parse_optional_as_name()?;
                    names.push(Alias {
                        name,
                        asname,
                        span: self.span_from(alias_start),
                    });
                    if !self.eat_operator(Operator::Comma) {
                        break;
                    }
                }
                StmtKind::Import { names }
            }
            TokenKind::Keyword(ReservedWord::From) => self.parse_import_from()?,
            _ => return self.parse_expression_statement(),
        };
        Ok(Stmt {
            kind,
            span: self.span_from(start),
        })
    }

    fn at_statement_end(&self) -> bool {
        matches!(
            self.kind(),
            TokenKind::Newline | TokenKind::EndOfFile | TokenKind::Operator(Operator::Semicolon)
        )
    }

    fn parse_dotted_name(&mut self) -> ParseResult<String> {
        let mut name = self.expect_name()?.0;
        while self.at_operator(Operator::Dot) {
            self.bump();
            name.push('.');
            name.push_str(&self.expect_name()?.0);
        }
        Ok(name)
    }

    fn parse_optional_as_name(&mut self) -> ParseResult<Option<String>> {
        if self.eat_word(ReservedWord::As) {
            Ok(Some(self.expect_name()?.0))
        } else {
            Ok(None)
        }
    }

    fn parse_import_from(&mut self) -> ParseResult<StmtKind> {
        self.bump();
        let mut level: u32 = 0;
        loop {
            if self.eat_operator(Operator::Dot) {
                level = level.saturating_add(1);
            } else if self.eat_operator(Operator::Ellipsis) {
                level = level.saturating_add(3);
            } else {
                break;
            }
        }
        let module = if matches!(self.kind(), TokenKind::Name(_)) {
            Some(self.parse_dotted_name()?)
        } else if level == 0 {
            return Err(self.invalid_syntax());
        } else {
            None
        };
        self.expect_word(ReservedWord::Import)?;
        let mut names = Vec::new();
        if self.at_operator(Operator::Star) {
            let span = self.bump();
            names.push(Alias {
                name: "*".to_string(),
                asname: None,
                span,
            });
        } else {
            let parenthesized = self.eat_operator(Operator::LeftParenthesis);
            loop {
                let alias_start = self.start();
                let name = self.expect_name()?.0;
                let asname = self.parse_optional_as_name()?;
                names.push(Alias {
                    name,
                    asname,
                    span: self.span_from(alias_start),
                });
                if !self.eat_operator(Operator::Comma) {
                    break;
                }
                if parenthesized && self.at_operator(Operator::RightParenthesis) {
                    break;
                }
                if !parenthesized && self.at_statement_end() {
                    return Err(SyntaxError::new(
                        "trailing comma not allowed without surrounding parentheses",
                        self.start(),
                    ));
                }
            }
            if parenthesized {
                self.expect_operator(Operator::RightParenthesis)?;
            }
        }
        Ok(StmtKind::ImportFrom {
            module,
            names,
            level,
        })
    }

    fn parse_expression_statement(&mut self) -> ParseResult<Stmt> {
        let start = self.start();
        let starts_with_parenthesis = self.at_operator(Operator::LeftParenthesis);
        let first = if self.at_word(ReservedWord::Yield) {
            self.parse_yield()?
        } else {
            self.parse_star_expressions()?
        };
        let kind = match self.kind() {
            TokenKind::Operator(Operator::Colon) => {
                self.bump();
                match &first.kind {
                    ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
                    }
                    ExprKind::Tuple(_) => {
                        return Err(SyntaxError::new(
                            "only single target (not tuple) can be annotated",
                            first.span.start,
                        ))
                    }
                    ExprKind::List(_) => {
                        return Err(SyntaxError::new(
                            "only single target (not list) can be annotated",
                            first.span.start,
                        ))
                    }
                    _ => {
                        return Err(SyntaxError::new(
                            "illegal target for annotation",
                            first.span.start,
                        ))
                    }
                }
                let annotation = self.parse_test()?;
                let value = if self.eat_operator(Operator::Equal) {
                    Some(self.parse_assigned_value()?)
                } else {
                    None
                };
                let simple = matches!(first.kind, ExprKind::Name(_)) && !starts_with_parenthesis;
                StmtKind::AnnAssign {
                    target: first,
                    annotation,
                    value,
                    simple,
                }
            }
            TokenKind::Operator(Operator::Equal) => {
                let mut items = vec![first];
                while self.eat_operator(Operator::Equal) {
                    items.push(self.parse_assigned_value()?);
                }
                let Some(value) = items.pop() else {
                    return Err(self.invalid_syntax());
                };
                let targets = items;
                for (index, target) in targets.iter().enumerate() {
                    self.check_assignment_target(target, index == 0 && targets.len() == 1, &value)?;
                }
                StmtKind::Assign { targets, value }
            }
            TokenKind::Operator(operator) if augmented_operator(*operator).is_some() => {
                let operator = augmented_operator(*operator).unwrap_or(BinaryOperator::Add);
                if !matches!(
                    first.kind,
                    ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. }
                ) {
                    return Err(SyntaxError::new(
                        format!(
                            "'{}' is an illegal expression for augmented assignment",
                            first.description()
                        ),
                        first.span.start,
                    ));
                }
                self.bump();
                let value = self.parse_assigned_value()?;
                StmtKind::AugAssign {
                    target: first,
                    operator,
                    value,
                }
            }
            _ => {
                if matches!(first.kind, ExprKind::Starred(_)) {
                    return Err(SyntaxError::new(
                        "can't use starred expression here",
                        first.span.start,
                    ));
                }
                StmtKind::Expr(first)
            }
        };
        Ok(Stmt {
            kind,
            span: self.span_from(start),
        })
    }

    fn parse_assigned_value(&mut self) -> ParseResult<Expr> {
        if self.at_word(ReservedWord::Yield) {
            self.parse_yield()
        } else {
            self.parse_star_expressions()
        }
    }

    /// `only_target` is true for `target = value` with a single `=`, where CPython suggests `==`.
    fn check_assignment_target(
        &self,
        target: &Expr,
        only_target: bool,
        value: &Expr,
    ) -> ParseResult<()> {
        if let ExprKind::Starred(_) = target.kind {
            return Err(SyntaxError::new(
                "starred assignment target must be in a list or tuple",
                target.span.start,
            ));
        }
        let Some(invalid) = invalid_target(target, TargetContext::Assign) else {
            return Ok(());
        };
        let value_head = match &value.kind {
            ExprKind::Tuple(elements) => elements.first().unwrap_or(value),
            _ => value,
        };
        let suggest_comparison = only_target
            && std::ptr::eq(invalid, target)
            && is_bitwise_or_level(target)
            && is_bitwise_or_level(value_head)
            && !matches!(
                target.kind,
                ExprKind::Tuple(_)
                    | ExprKind::List(_)
                    | ExprKind::GeneratorExp { .. }
                    | ExprKind::Constant(Constant::Bool(_) | Constant::None)
            );
        let message = if suggest_comparison {
            format!(
                "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                invalid.description()
            )
        } else {
            format!("cannot assign to {}", invalid.description())
        };
        Err(SyntaxError::new(message, invalid.span.start))
    }

    fn check_target(&self, target: &Expr) -> ParseResult<()> {
        match invalid_target(target, TargetContext::Assign) {
            Some(invalid) => Err(SyntaxError::new(
                format!("cannot assign to {}", invalid.description()),
                invalid.span.start,
            )),
            None => Ok(()),
        }
    }

    // ----- compound statements ----------------------------------------------------------------

    fn parse_compound_statement(&mut self) -> ParseResult<Stmt> {
        let start = self.start();
        match self.kind() {
            TokenKind::Operator(Operator::At) => {
                let mut decorators = Vec::new();
                while self.eat_operator(Operator::At) {
                    decorators.push(self.parse_named_expression()?);
                    if !self.at_newline() {
                        return Err(self.invalid_syntax());
                    }
                    self.bump();
                }
                let definition_start = self.start();
                match self.kind() {
                    TokenKind::Keyword(ReservedWord::Def) => {
                        self.parse_function_definition(decorators, definition_start, false)
                    }
                    TokenKind::Keyword(ReservedWord::Class) => {
                        self.parse_class_definition(decorators, definition_start)
                    }
                    TokenKind::Keyword(ReservedWord::Async)
                        if matches!(self.peek_kind(1), TokenKind::Keyword(ReservedWord::Def)) =>
                    {
                        self.bump();
                        self.parse_function_definition(decorators, definition_start, true)
                    }
                    _ => Err(self.invalid_syntax()),
                }
            }
            TokenKind::Keyword(ReservedWord::Def) => {
                self.parse_function_definition(Vec::new(), start, false)
            }
            TokenKind::Keyword(ReservedWord::Class) => {
                self.parse_class_definition(Vec::new(), start)
            }
            TokenKind::Keyword(ReservedWord::Async) => {
                self.bump();
                match self.kind() {
                    TokenKind::Keyword(ReservedWord::Def) => {
                        self.parse_function_definition(Vec::new(), start, true)
                    }
                    TokenKind::Keyword(ReservedWord::For) => self.parse_for(start, true),
                    TokenKind::Keyword(ReservedWord::With) => self.parse_with(start, true),
                    _ => Err(self.invalid_syntax()),
                }
            }
            TokenKind::Keyword(ReservedWord::If) => self.parse_if(start),
            TokenKind::Keyword(ReservedWord::For) => self.parse_for(start, false),
            TokenKind::Keyword(ReservedWord::While) => self.parse_while(start),
            TokenKind::Keyword(ReservedWord::Try) => self.parse_try(start),
            TokenKind::Keyword(ReservedWord::With) => self.parse_with(start, false),
            _ => Err(self.invalid_syntax()),
        }
    }

    fn block_end(&self, start: Pos, blocks: &[&[Stmt]]) -> Span {
        let end = blocks
            .iter()
            .rev()
            .find_map(|block| block.last())
            .map(|statement| statement.span.end)
            .unwrap_or_else(|| self.previous_end());
        Span::new(start, end)
    }

    fn parse_function_definition(
        &mut self,
        decorators: Vec<Expr>,
        start: Pos,
        is_async: bool,
    ) -> ParseResult<Stmt> {
        let header_line = self.expect_word(ReservedWord::Def)?.start.line;
        let (name, _) = self.expect_name()?;
        self.expect_operator(Operator::LeftParenthesis)?;
        let parameters = self.parse_parameters(true, Operator::RightParenthesis)?;
        self.expect_operator(Operator::RightParenthesis)?;
        let returns = if self.eat_operator(Operator::Arrow) {
            Some(self.parse_test()?)
        } else {
            None
        };
        self.expect_header_colon()?;
        let body = self.parse_block("function definition", header_line)?;
        let span = self.block_end(start, &[&body]);
        Ok(Stmt {
            kind: StmtKind::FunctionDef(Box::new(FunctionDef {
                name,
                parameters,
                returns,
                docstring: docstring_of(&body),
                body,
                decorators,
                is_async,
            })),
            span,
        })
    }

    fn parse_class_definition(&mut self, decorators: Vec<Expr>, start: Pos) -> ParseResult<Stmt> {
        let header_line = self.expect_word(ReservedWord::Class)?.start.line;
        let (name, _) = self.expect_name()?;
        let (bases, keywords) = if self.eat_operator(Operator::LeftParenthesis) {
            self.parse_call_arguments()?
        } else {
            (Vec::new(), Vec::new())
        };
        self.expect_header_colon()?;
        let body = self.parse_block("class definition", header_line)?;
        let span = self.block_end(start, &[&body]);
        Ok(Stmt {
            kind: StmtKind::ClassDef(Box::new(ClassDef {
                name,
                bases,
                keywords,
                docstring: docstring_of(&body),
                body,
                decorators,
            })),
            span,
        })
    }

    fn parse_if(&mut self, start: Pos) -> ParseResult<Stmt> {
        let mut branches = Vec::new();
        let mut construct = "'if' statement";
        loop {
            let branch_start = self.bump().start;
            let test = self.parse_named_expression()?;
            self.check_equals_after_condition(&test)?;
            self.expect_header_colon()?;
            let body = self.parse_block(construct, branch_start.line)?;
            let span = self.block_end(branch_start, &[&body]);
            branches.push(ConditionalBranch { test, body, span });
            if !self.at_word(ReservedWord::Elif) {
                break;
            }
            construct = "'elif' statement";
        }
        let orelse = self.parse_optional_else()?;
        let last_branch_body: &[Stmt] = branches
            .last()
            .map(|branch| &branch.body[..])
            .unwrap_or(&[]);
        let span = self.block_end(start, &[last_branch_body, &orelse]);
        Ok(Stmt {
            kind: StmtKind::If { branches, orelse },
            span,
        })
    }

    fn parse_optional_else(&mut self) -> ParseResult<Vec<Stmt>> {
        if !self.at_word(ReservedWord::Else) {
            return Ok(Vec::new());
        }
        let line = self.bump().start.line;
        self.expect_header_colon()?;
        self.parse_block("'else' statement", line)
    }

    fn parse_for(&mut self, start: Pos, is_async: bool) -> ParseResult<Stmt> {
        let header_line = self.expect_word(ReservedWord::For)?.start.line;
        let target = self.parse_target_list()?;
        self.check_target(&target)?;
        self.expect_word(ReservedWord::In)?;
        let iter = self.parse_star_expressions()?;
        self.expect_header_colon()?;
        let body = self.parse_block("'for' statement", header_line)?;
        let orelse = self.parse_optional_else()?;
        let span = self.block_end(start, &[&body, &orelse]);
        Ok(Stmt {
            kind: StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            },
            span,
        })
    }

    fn parse_while(&mut self, start: Pos) -> ParseResult<Stmt> {
        let header_line = self.bump().start.line;
        let test = self.parse_named_expression()?;
        self.check_equals_after_condition(&test)?;
        self.expect_header_colon()?;
        let body = self.parse_block("'while' statement", header_line)?;
        let orelse = self.parse_optional_else()?;
        let span = self.block_end(start, &[&body, &orelse]);
        Ok(Stmt {
            kind: StmtKind::While { test, body, orelse },
            span,
        })
    }

    fn parse_try(&mut self, start: Pos) -> ParseResult<Stmt> {
        let header_line = self.bump().start.line;
        self.expect_header_colon()?;
        let body = self.parse_block("'try' statement", header_line)?;
        let mut handlers: Vec<ExceptHandler> = Vec::new();
        let mut star_handlers = None;
        while self.at_word(ReservedWord::Except) {
            let handler_start = self.bump().start;
            let is_star = self.eat_operator(Operator::Star);
            match star_handlers {
                Some(previous) if previous != is_star => {
                    return Err(SyntaxError::new(
                        "cannot have both 'except' and 'except*' on the same 'try'",
                        handler_start,
                    ))
                }
                _ => star_handlers = Some(is_star),
            }
            if let Some(previous) = handlers.last() {
                if previous.exception_type.is_none() {
                    return Err(SyntaxError::new(
                        "default 'except:' must be last",
                        previous.span.start,
                    ));
                }
            }
            let (exception_type, name) = if self.at_operator(Operator::Colon) {
                if is_star {
                    return Err(SyntaxError::new(
                        "expected one or more exception types",
                        self.start(),
                    ));
                }
                (None, None)
            } else {
                let exception_type = self.parse_test()?;
                if self.at_operator(Operator::Comma) {
                    return Err(SyntaxError::new(
                        "multiple exception types must be parenthesized",
                        exception_type.span.start,
                    ));
                }
                (Some(exception_type), self.parse_optional_as_name()?)
            };
            self.expect_header_colon()?;
            let construct = if is_star {
                "'except*' statement"
            } else {
                "'except' statement"
            };
            let handler_body = self.parse_block(construct, handler_start.line)?;
            let span = self.block_end(handler_start, &[&handler_body]);
            handlers.push(ExceptHandler {
                exception_type,
                name,
                body: handler_body,
                span,
            });
        }
        let orelse = if handlers.is_empty() {
            Vec::new()
        } else {
            self.parse_optional_else()?
        };
        let mut finalbody = Vec::new();
        let mut has_finally = false;
        if self.at_word(ReservedWord::Finally) {
            let line = self.bump().start.line;
            self.expect_header_colon()?;
            finalbody = self.parse_block("'finally' statement", line)?;
            has_finally = true;
        }
        if handlers.is_empty() && !has_finally {
            return Err(SyntaxError::new(
                "expected 'except' or 'finally' block",
                self.start(),
            ));
        }
        let last_handler_body: &[Stmt] = handlers
            .last()
            .map(|handler| &handler.body[..])
            .unwrap_or(&[]);
        let span = self.block_end(start, &[&body, last_handler_body, &orelse, &finalbody]);
        Ok(Stmt {
            kind: StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                is_star: star_handlers.unwrap_or(false),
            },
            span,
        })
    }

    fn parse_with(&mut self, start: Pos, is_async: bool) -> ParseResult<Stmt> {
        let header_line = self.expect_word(ReservedWord::With)?.start.line;
        let items = if self.at_operator(Operator::LeftParenthesis) {
            // `with (a as b, c):` lists items in parentheses, but `with (a, b) as c:` and
            // `with (yield x):` are ordinary expressions: try the first reading, then the second.
            let saved_position = self.position;
            let saved_depth = self.depth;
            match self.parse_parenthesized_with_items() {
                Ok(items) if self.at_operator(Operator::Colon) => items,
                _ => {
                    self.position = saved_position;
                    self.depth = saved_depth;
                    self.parse_with_items()?
                }
            }
        } else {
            self.parse_with_items()?
        };
        self.expect_header_colon()?;
        let body = self.parse_block("'with' statement", header_line)?;
        let span = self.block_end(start, &[&body]);
        Ok(Stmt {
            kind: StmtKind::With {
                items,
                body,
                is_async,
            },
            span,
        })
    }

    fn parse_parenthesized_with_items(&mut self) -> ParseResult<Vec<WithItem>> {
        self.expect_operator(Operator::LeftParenthesis)?;
        let mut items = Vec::new();
        loop {
            items.push(self.parse_with_item()?);
            if !self.eat_operator(Operator::Comma) || self.at_operator(Operator::RightParenthesis) {
                break;
            }
        }
        self.expect_operator(Operator::RightParenthesis)?;
        Ok(items)
    }

    fn parse_with_items(&mut self) -> ParseResult<Vec<WithItem>> {
        let mut items = vec![self.parse_with_item()?];
        while self.eat_operator(Operator::Comma) {
            items.push(self.parse_with_item()?);
        }
        Ok(items)
    }

    fn parse_with_item(&mut self) -> ParseResult<WithItem> {
        let context = self.parse_test()?;
        let target = if self.eat_word(ReservedWord::As) {
            let target = self.parse_target_element()?;
            self.check_target(&target)?;
            Some(target)
        } else {
            None
        };
        Ok(WithItem { context, target })
    }

    // ----- parameters and arguments ---------------------------------------------------------

    fn parse_parameters(
        &mut self,
        allow_annotations: bool,
        closing: Operator,
    ) -> ParseResult<Parameters> {
        let mut parameters = Parameters::default();
        let mut seen_slash = false;
        let mut seen_star = false;
        let mut seen_default = false;
        let mut bare_star_at = None;
        let mut names: Vec<String> = Vec::new();
        loop {
            if self.at_operator(closing) {
                break;
            }
            let item_start = self.start();
            let mut new_name = None;
            if self.eat_operator(Operator::Slash) {
                if seen_slash {
                    return Err(SyntaxError::new("/ may appear only once", item_start));
                }
                if seen_star {
                    return Err(SyntaxError::new("/ must be ahead of *", item_start));
                }
                if parameters.positional.is_empty() {
                    return Err(SyntaxError::new(
                        "at least one argument must precede /",
                        item_start,
                    ));
                }
                parameters.positional_only = std::mem::take(&mut parameters.positional);
                seen_slash = true;
            } else if self.eat_operator(Operator::Star) {
                if seen_star {
                    return Err(SyntaxError::new(
                        "* argument may appear only once",
                        item_start,
                    ));
                }
                seen_star = true;
                if self.at_operator(Operator::Comma) || self.at_operator(closing) {
                    bare_star_at = Some(item_start);
                } else {
                    let parameter = self.parse_single_parameter(allow_annotations)?;
                    if self.at_operator(Operator::Equal) {
                        return Err(SyntaxError::new(
                            "var-positional argument cannot have default value",
                            self.start(),
                        ));
                    }
                    new_name = Some(parameter.name.clone());
                    parameters.var_positional = Some(parameter);
                }
            } else if self.eat_operator(Operator::DoubleStar) {
                let parameter = self.parse_single_parameter(allow_annotations)?;
                if self.at_operator(Operator::Equal) {
                    return Err(SyntaxError::new(
                        "var-keyword argument cannot have default value",
                        self.start(),
                    ));
                }
                if names.contains(&parameter.name) {
                    return Err(SyntaxError::new(
                        format!(
                            "duplicate argument '{}' in function definition",
                            parameter.name
                        ),
                        parameter.span.start,
                    ));
                }
                parameters.var_keyword = Some(parameter);
                self.eat_operator(Operator::Comma);
                if !self.at_operator(closing) {
                    return Err(SyntaxError::new(
                        "arguments cannot follow var-keyword argument",
                        self.start(),
                    ));
                }
                break;
            } else {
                let mut parameter = self.parse_single_parameter(allow_annotations)?;
                if self.eat_operator(Operator::Equal) {
                    parameter.default = Some(self.parse_test()?);
                    if !seen_star {
                        seen_default = true;
                    }
                } else if seen_default && !seen_star {
                    return Err(SyntaxError::new(
                        "non-default argument follows default argument",
                        item_start,
                    ));
                }
                new_name = Some(parameter.name.clone());
                if seen_star {
                    parameters.keyword_only.push(parameter);
                } else {
                    parameters.positional.push(parameter);
                }
            }
            if let Some(name) = new_name {
                if names.contains(&name) {
                    return Err(SyntaxError::new(
                        format!("duplicate argument '{name}' in function definition"),
                        item_start,
                    ));
                }
                names.push(name);
            }
            if !self.eat_operator(Operator::Comma) {
                break;
            }
        }
        if let Some(position) = bare_star_at {
            if parameters.keyword_only.is_empty() {
                return Err(SyntaxError::new(
                    "named arguments must follow bare *",
                    position,
                ));
            }
        }
        Ok(parameters)
    }

    fn parse_single_parameter(&mut self, allow_annotations: bool) -> ParseResult<Parameter> {
        let (name, name_span) = self.expect_name()?;
        let annotation = if allow_annotations && self.eat_operator(Operator::Colon) {
            Some(self.parse_star_expression()?)
        } else {
            None
        };
        Ok(Parameter {
            name,
            annotation,
            default: None,
            span: self.span_from(name_span.start),
        })
    }

    /// Arguments after `(` up to and including `)`.
    ///
    /// Each argument is parsed by a separate small function: nested calls recurse through
    /// here, and in unoptimized builds every local of a function occupies its frame.
    fn parse_call_arguments(&mut self) -> ParseResult<(Vec<Expr>, Vec<Keyword>)> {
        let mut arguments = CallArguments::default();
        loop {
            if self.at_operator(Operator::RightParenthesis) {
                break;
            }
            let generator_ends_arguments = self.parse_call_argument(&mut arguments)?;
            if generator_ends_arguments {
                break;
            }
            if !self.eat_operator(Operator::Comma) {
                if self.at_operator(Operator::RightParenthesis) {
                    break;
                }
                return Err(self.missing_comma_error(arguments.last_value()));
            }
        }
        self.expect_operator(Operator::RightParenthesis)?;
        Ok((arguments.args, arguments.keywords))
    }

    /// One argument; returns true after an unparenthesized generator expression (the only argument).
    fn parse_call_argument(&mut self, arguments: &mut CallArguments) -> ParseResult<bool> {
        match (self.kind(), self.peek_kind(1)) {
            (TokenKind::Operator(Operator::Star), _) => {
                self.parse_unpacked_positional_argument(arguments)?;
                Ok(false)
            }
            (TokenKind::Operator(Operator::DoubleStar), _) => {
                self.parse_unpacked_keyword_argument(arguments)?;
                Ok(false)
            }
            (TokenKind::Name(_), TokenKind::Operator(Operator::Equal)) => {
                self.parse_keyword_argument(arguments)?;
                Ok(false)
            }
            (TokenKind::Keyword(word), TokenKind::Operator(Operator::Equal)) => {
                if matches!(
                    word,
                    ReservedWord::True | ReservedWord::False | ReservedWord::None
                ) {
                    return Err(SyntaxError::new(
                        format!("cannot assign to {}", word.as_str()),
                        self.start(),
                    ));
                }
                Err(self.invalid_syntax())
            }
            _ => {
                let value = self.parse_named_expression()?;
                self.finish_positional_argument(arguments, value)
            }
        }
    }

    fn parse_unpacked_positional_argument(
        &mut self,
        arguments: &mut CallArguments,
    ) -> ParseResult<()> {
        let start = self.bump().start;
        let value = self.parse_test()?;
        if arguments.seen_double_star {
            return Err(SyntaxError::new(
                "iterable argument unpacking follows keyword argument unpacking",
                start,
            ));
        }
        let span = Span::new(start, value.span.end);
        arguments
            .args
            .push(Expr::new(ExprKind::Starred(Box::new(value)), span));
        arguments.last_was_keyword = Some(false);
        Ok(())
    }

    fn parse_unpacked_keyword_argument(
        &mut self,
        arguments: &mut CallArguments,
    ) -> ParseResult<()> {
        let start = self.bump().start;
        let value = self.parse_test()?;
        let span = Span::new(start, value.span.end);
        arguments.keywords.push(Keyword {
            name: None,
            value,
            span,
        });
        arguments.seen_double_star = true;
        arguments.last_was_keyword = Some(true);
        Ok(())
    }

    fn parse_keyword_argument(&mut self, arguments: &mut CallArguments) -> ParseResult<()> {
        let (name, name_span) = self.expect_name()?;
        self.bump();
        let value = self.parse_test()?;
        if arguments
            .keywords
            .iter()
            .any(|keyword| keyword.name.as_deref() == Some(name.as_str()))
        {
            return Err(SyntaxError::new(
                format!("keyword argument repeated: {name}"),
                name_span.start,
            ));
        }
        let span = Span::new(name_span.start, value.span.end);
        arguments.keywords.push(Keyword {
            name: Some(name),
            value,
            span,
        });
        arguments.seen_keyword = true;
        arguments.last_was_keyword = Some(true);
        Ok(())
    }

    fn finish_positional_argument(
        &mut self,
        arguments: &mut CallArguments,
        value: Expr,
    ) -> ParseResult<bool> {
        if self.at_comprehension_start() {
            let generators = self.parse_comprehension_clauses()?;
            let span = self.span_from(value.span.start);
            if !arguments.args.is_empty()
                || !arguments.keywords.is_empty()
                || !self.at_operator(Operator::RightParenthesis)
            {
                return Err(SyntaxError::new(
                    "Generator expression must be parenthesized",
                    span.start,
                ));
            }
            arguments.args.push(Expr::new(
                ExprKind::GeneratorExp {
                    element: Box::new(value),
                    generators,
                },
                span,
            ));
            return Ok(true);
        }
        if self.at_operator(Operator::Equal) {
            return Err(SyntaxError::new(
                "expression cannot contain assignment, perhaps you meant \"==\"?",
                value.span.start,
            ));
        }
        if arguments.seen_double_star {
            return Err(SyntaxError::new(
                "positional argument follows keyword argument unpacking",
                value.span.start,
            ));
        }
        if arguments.seen_keyword {
            return Err(SyntaxError::new(
                "positional argument follows keyword argument",
                value.span.start,
            ));
        }
        arguments.args.push(value);
        arguments.last_was_keyword = Some(false);
        Ok(false)
    }

    /// Inside brackets, an element followed by something that starts another expression.
    fn missing_comma_error(&self, previous: Option<&Expr>) -> SyntaxError {
        if let Some(previous) = previous {
            let name_then_string = matches!(previous.kind, ExprKind::Name(_))
                && matches!(self.kind(), TokenKind::String(_));
            let soft_keyword = matches!(previous.as_name(), Some("match" | "case" | "_"));
            let juxtaposable = !matches!(
                previous.kind,
                ExprKind::IfExp { .. } | ExprKind::Lambda { .. } | ExprKind::Starred(_)
            );
            if token_starts_expression(self.kind())
                && !name_then_string
                && !soft_keyword
                && juxtaposable
            {
                return SyntaxError::new(
                    "invalid syntax. Perhaps you forgot a comma?",
                    previous.span.start,
                );
            }
            if self.at_operator(Operator::Equal) {
                return self.equals_instead_of_comparison_error(previous);
            }
        }
        self.invalid_syntax()
    }

    fn expect_closing(&mut self, closing: Operator, previous: Option<&Expr>) -> ParseResult<Span> {
        if self.at_operator(closing) {
            return Ok(self.bump());
        }
        Err(self.missing_comma_error(previous))
    }

    // ----- expressions --------------------------------------------------------------------
    //
    // Functions on the recursion path of nested brackets keep only the common path inline and
    // move everything else into helpers: unoptimized builds give every local its own stack slot.

    /// Statement-level expression list: `a, *b` becomes a tuple; no walrus.
    fn parse_star_expressions(&mut self) -> ParseResult<Expr> {
        let first = self.parse_star_expression()?;
        if !self.at_operator(Operator::Comma) {
            return Ok(first);
        }
        self.parse_tuple_rest(first, Parser::parse_star_expression)
    }

    /// The `, element` items after the first element of an unparenthesized tuple.
    fn parse_tuple_rest(
        &mut self,
        first: Expr,
        parse_element: fn(&mut Parser) -> ParseResult<Expr>,
    ) -> ParseResult<Expr> {
        let start = first.span.start;
        let mut elements = vec![first];
        while self.eat_operator(Operator::Comma) {
            if !(token_starts_expression(self.kind()) || self.at_operator(Operator::Star)) {
                break;
            }
            elements.push(parse_element(self)?);
        }
        Ok(Expr::new(ExprKind::Tuple(elements), self.span_from(start)))
    }

    fn parse_star_expression(&mut self) -> ParseResult<Expr> {
        if self.at_operator(Operator::Star) {
            return self.parse_starred();
        }
        self.parse_test()
    }

    /// `*value` with `value` at `bitwise_or` level.
    fn parse_starred(&mut self) -> ParseResult<Expr> {
        let start = self.bump().start;
        let value = self.parse_bitwise_or()?;
        let span = Span::new(start, value.span.end);
        Ok(Expr::new(ExprKind::Starred(Box::new(value)), span))
    }

    /// A list with walrus allowed (f-string fields, parenthesized contents).
    fn parse_star_named_expressions(&mut self) -> ParseResult<Expr> {
        let first = self.parse_star_named_expression()?;
        if !self.at_operator(Operator::Comma) {
            return Ok(first);
        }
        self.parse_tuple_rest(first, Parser::parse_star_named_expression)
    }

    fn parse_star_named_expression(&mut self) -> ParseResult<Expr> {
        if self.at_operator(Operator::Star) {
            return self.parse_starred();
        }
        self.parse_named_expression()
    }

    fn parse_named_expression(&mut self) -> ParseResult<Expr> {
        if matches!(self.kind(), TokenKind::Name(_))
            && matches!(self.peek_kind(1), TokenKind::Operator(Operator::ColonEqual))
        {
            return self.parse_walrus();
        }
        let expression = self.parse_test()?;
        if self.at_operator(Operator::ColonEqual) {
            return Err(walrus_target_error(&expression));
        }
        Ok(expression)
    }

    fn parse_walrus(&mut self) -> ParseResult<Expr> {
        let (name, name_span) = self.expect_name()?;
        self.bump();
        let value = self.parse_test()?;
        let span = Span::new(name_span.start, value.span.end);
        Ok(Expr::new(
            ExprKind::NamedExpr {
                target: Box::new(Expr::new(ExprKind::Name(name), name_span)),
                value: Box::new(value),
            },
            span,
        ))
    }

    /// CPython's `expression`: a conditional expression, a lambda, or a disjunction.
    ///
    /// Like the other recursive entry points, this restores `depth` only on success: an error
    /// ends the parse (the one backtracking site, `with`, restores the depth itself).
    fn parse_test(&mut self) -> ParseResult<Expr> {
        let depth_before = self.depth;
        self.enter()?;
        let expression = if self.at_word(ReservedWord::Lambda) {
            self.parse_lambda()?
        } else {
            let body = self.parse_binary(PRECEDENCE_OR)?;
            if self.at_word(ReservedWord::If) {
                self.parse_conditional_rest(body)?
            } else {
                body
            }
        };
        self.depth = depth_before;
        Ok(expression)
    }

    /// `if test else orelse` after the body of a conditional expression.
    fn parse_conditional_rest(&mut self, body: Expr) -> ParseResult<Expr> {
        self.bump();
        let test = self.parse_binary(PRECEDENCE_OR)?;
        if !self.eat_word(ReservedWord::Else) {
            if self.at_operator(Operator::Colon) {
                return Err(self.invalid_syntax());
            }
            return Err(SyntaxError::new(
                "expected 'else' after 'if' expression",
                body.span.start,
            ));
        }
        let orelse = self.parse_test()?;
        let span = Span::new(body.span.start, orelse.span.end);
        Ok(Expr::new(
            ExprKind::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
            span,
        ))
    }

    fn parse_lambda(&mut self) -> ParseResult<Expr> {
        let start = self.bump().start;
        let parameters = self.parse_lambda_parameters()?;
        let body = self.parse_test()?;
        let span = Span::new(start, body.span.end);
        Ok(Expr::new(
            ExprKind::Lambda {
                parameters,
                body: Box::new(body),
            },
            span,
        ))
    }

    /// Kept apart from `parse_lambda`, which is on the recursion path of `lambda: lambda: ...`.
    fn parse_lambda_parameters(&mut self) -> ParseResult<Box<Parameters>> {
        let parameters = self.parse_parameters(false, Operator::Colon)?;
        self.expect_operator(Operator::Colon)?;
        Ok(Box::new(parameters))
    }

    fn parse_bitwise_or(&mut self) -> ParseResult<Expr> {
        self.parse_binary(PRECEDENCE_BIT_OR)
    }

    fn current_infix(&self) -> Option<(Infix, u8)> {
        let comparison =
            |operator, tokens| Some((Infix::Comparison(operator, tokens), PRECEDENCE_COMPARISON));
        match self.kind() {
            TokenKind::Keyword(ReservedWord::Or) => Some((Infix::Or, PRECEDENCE_OR)),
            TokenKind::Keyword(ReservedWord::And) => Some((Infix::And, PRECEDENCE_AND)),
            TokenKind::Keyword(ReservedWord::In) => comparison(CompareOperator::In, 1),
            TokenKind::Keyword(ReservedWord::Not)
                if matches!(self.peek_kind(1), TokenKind::Keyword(ReservedWord::In)) =>
            {
                comparison(CompareOperator::NotIn, 2)
            }
            TokenKind::Keyword(ReservedWord::Is) => {
                if matches!(self.peek_kind(1), TokenKind::Keyword(ReservedWord::Not)) {
                    comparison(CompareOperator::IsNot, 2)
                } else {
                    comparison(CompareOperator::Is, 1)
                }
            }
            TokenKind::Operator(operator) => {
                let binary = match operator {
                    Operator::Less => return comparison(CompareOperator::Less, 1),
                    Operator::Greater => return comparison(CompareOperator::Greater, 1),
                    Operator::LessEqual => return comparison(CompareOperator::LessEqual, 1),
                    Operator::GreaterEqual => return comparison(CompareOperator::GreaterEqual, 1),
                    Operator::EqualEqual => return comparison(CompareOperator::Equal, 1),
                    Operator::NotEqual => return comparison(CompareOperator::NotEqual, 1),
                    Operator::Pipe => BinaryOperator::BitOr,
                    Operator::Caret => BinaryOperator::BitXor,
                    Operator::Ampersand => BinaryOperator::BitAnd,
                    Operator::LeftShift => BinaryOperator::LeftShift,
                    Operator::RightShift => BinaryOperator::RightShift,
                    Operator::Plus => BinaryOperator::Add,
                    Operator::Minus => BinaryOperator::Subtract,
                    Operator::Star => BinaryOperator::Multiply,
                    Operator::Slash => BinaryOperator::Divide,
                    Operator::DoubleSlash => BinaryOperator::FloorDivide,
                    Operator::Percent => BinaryOperator::Modulo,
                    Operator::At => BinaryOperator::MatrixMultiply,
                    _ => return None,
                };
                Some((Infix::Binary(binary), binary_precedence(binary)))
            }
            _ => None,
        }
    }

    fn prefix_operator(&self, minimum_precedence: u8) -> Option<(UnaryOperator, u8)> {
        match self.kind() {
            TokenKind::Keyword(ReservedWord::Not) if minimum_precedence <= PRECEDENCE_NOT => {
                Some((UnaryOperator::Not, PRECEDENCE_NOT))
            }
            TokenKind::Operator(Operator::Minus) => {
                Some((UnaryOperator::Negative, PRECEDENCE_UNARY))
            }
            TokenKind::Operator(Operator::Plus) => {
                Some((UnaryOperator::Positive, PRECEDENCE_UNARY))
            }
            TokenKind::Operator(Operator::Tilde) => Some((UnaryOperator::Invert, PRECEDENCE_UNARY)),
            _ => None,
        }
    }

    /// Precedence climbing over `or` … `*`, with prefix `not` and unary `+ - ~`.
    fn parse_binary(&mut self, minimum_precedence: u8) -> ParseResult<Expr> {
        let depth_before = self.depth;
        self.enter()?;
        let left = match self.prefix_operator(minimum_precedence) {
            Some((operator, precedence)) => self.parse_unary(operator, precedence)?,
            None => self.parse_power()?,
        };
        let continues = self
            .current_infix()
            .is_some_and(|(_, precedence)| precedence >= minimum_precedence);
        let expression = if continues {
            self.parse_infix_operations(left, minimum_precedence)?
        } else {
            left
        };
        self.depth = depth_before;
        Ok(expression)
    }

    fn parse_unary(&mut self, operator: UnaryOperator, precedence: u8) -> ParseResult<Expr> {
        let start = self.bump().start;
        let operand = self.parse_binary(precedence)?;
        let span = Span::new(start, operand.span.end);
        Ok(Expr::new(
            ExprKind::UnaryOp {
                operator,
                operand: Box::new(operand),
            },
            span,
        ))
    }

    /// The operators after `left` binding at least as tightly as `minimum_precedence`.
    fn parse_infix_operations(
        &mut self,
        mut left: Expr,
        minimum_precedence: u8,
    ) -> ParseResult<Expr> {
        let start = left.span.start;
        while let Some((infix, precedence)) = self.current_infix() {
            if precedence < minimum_precedence {
                break;
            }
            let kind = match infix {
                Infix::Or | Infix::And => {
                    let operator = if infix == Infix::Or {
                        BoolOperator::Or
                    } else {
                        BoolOperator::And
                    };
                    let mut values = vec![left];
                    while self.current_infix().map(|(found, _)| found) == Some(infix) {
                        self.bump();
                        values.push(self.parse_binary(precedence + 1)?);
                    }
                    ExprKind::BoolOp { operator, values }
                }
                Infix::Comparison(..) => {
                    let mut comparisons = Vec::new();
                    while let Some((Infix::Comparison(operator, token_count), _)) =
                        self.current_infix()
                    {
                        for _ in 0..token_count {
                            self.bump();
                        }
                        comparisons.push((operator, self.parse_binary(PRECEDENCE_BIT_OR)?));
                    }
                    ExprKind::Compare {
                        left: Box::new(left),
                        comparisons,
                    }
                }
                Infix::Binary(operator) => {
                    self.bump();
                    let right = self.parse_binary(precedence + 1)?;
                    ExprKind::BinOp {
                        left: Box::new(left),
                        operator,
                        right: Box::new(right),
                    }
                }
            };
            // Left-associative chains nest the tree; count them like recursion.
            self.enter()?;
            left = Expr::new(kind, self.span_from(start));
        }
        Ok(left)
    }

    /// `await`, a primary, and a right-associative `**` whose exponent may be unary.
    fn parse_power(&mut self) -> ParseResult<Expr> {
        let base = if self.at_word(ReservedWord::Await) {
            self.parse_await()?
        } else {
            self.parse_primary()?
        };
        if self.at_operator(Operator::DoubleStar) {
            return self.parse_power_rest(base);
        }
        Ok(base)
    }

    fn parse_await(&mut self) -> ParseResult<Expr> {
        let start = self.bump().start;
        let value = self.parse_primary()?;
        let span = Span::new(start, value.span.end);
        Ok(Expr::new(ExprKind::Await(Box::new(value)), span))
    }

    fn parse_power_rest(&mut self, base: Expr) -> ParseResult<Expr> {
        self.bump();
        let exponent = self.parse_binary(PRECEDENCE_UNARY)?;
        let span = Span::new(base.span.start, exponent.span.end);
        Ok(Expr::new(
            ExprKind::BinOp {
                left: Box::new(base),
                operator: BinaryOperator::Power,
                right: Box::new(exponent),
            },
            span,
        ))
    }

    fn parse_primary(&mut self) -> ParseResult<Expr> {
        let atom = self.parse_atom()?;
        if matches!(
            self.kind(),
            TokenKind::Operator(Operator::Dot | Operator::LeftParenthesis | Operator::LeftBracket)
        ) {
            return self.parse_trailers(atom);
        }
        Ok(atom)
    }

    /// `.name`, `(arguments)` and `[index]` after an atom; each one nests the tree.
    fn parse_trailers(&mut self, mut expression: Expr) -> ParseResult<Expr> {
        let depth_before = self.depth;
        let start = expression.span.start;
        loop {
            expression = match self.kind() {
                TokenKind::Operator(Operator::Dot) => self.parse_attribute_trailer(expression)?,
                TokenKind::Operator(Operator::LeftParenthesis) => {
                    self.parse_call_trailer(expression)?
                }
                TokenKind::Operator(Operator::LeftBracket) => {
                    self.parse_subscript_trailer(expression)?
                }
                _ => {
                    self.depth = depth_before;
                    return Ok(expression);
                }
            };
            self.enter()?;
            expression.span.start = start;
        }
    }

    fn parse_attribute_trailer(&mut self, value: Expr) -> ParseResult<Expr> {
        self.bump();
        let (attr, attr_span) = self.expect_name()?;
        let span = Span::new(value.span.start, attr_span.end);
        Ok(Expr::new(
            ExprKind::Attribute {
                value: Box::new(value),
                attr,
            },
            span,
        ))
    }

    fn parse_call_trailer(&mut self, func: Expr) -> ParseResult<Expr> {
        self.bump();
        self.enter()?;
        let (args, keywords) = self.parse_call_arguments()?;
        let span = self.span_from(func.span.start);
        Ok(Expr::new(
            ExprKind::Call {
                func: Box::new(func),
                args,
                keywords,
            },
            span,
        ))
    }

    fn parse_subscript_trailer(&mut self, value: Expr) -> ParseResult<Expr> {
        self.bump();
        self.enter()?;
        let index = self.parse_slices()?;
        self.expect_closing(Operator::RightBracket, Some(&index))?;
        let span = self.span_from(value.span.start);
        Ok(Expr::new(
            ExprKind::Subscript {
                value: Box::new(value),
                index: Box::new(index),
            },
            span,
        ))
    }

    fn parse_slices(&mut self) -> ParseResult<Expr> {
        let start = self.start();
        let first = self.parse_slice()?;
        if !self.at_operator(Operator::Comma) {
            return Ok(first);
        }
        let mut elements = vec![first];
        while self.eat_operator(Operator::Comma) {
            if self.at_operator(Operator::RightBracket) {
                break;
            }
            elements.push(self.parse_slice()?);
        }
        Ok(Expr::new(ExprKind::Tuple(elements), self.span_from(start)))
    }

    fn parse_slice(&mut self) -> ParseResult<Expr> {
        let start = self.start();
        if self.at_operator(Operator::Star) {
            return self.parse_star_named_expression();
        }
        let lower = if self.at_operator(Operator::Colon) {
            None
        } else {
            let lower = self.parse_named_expression()?;
            if !self.at_operator(Operator::Colon) {
                return Ok(lower);
            }
            Some(Box::new(lower))
        };
        self.expect_operator(Operator::Colon)?;
        let ends_slice = |parser: &Parser| {
            matches!(
                parser.kind(),
                TokenKind::Operator(Operator::Colon | Operator::Comma | Operator::RightBracket)
            )
        };
        let upper = if ends_slice(self) {
            None
        } else {
            Some(Box::new(self.parse_test()?))
        };
        let step = if self.eat_operator(Operator::Colon) {
            if ends_slice(self) {
                None
            } else {
                Some(Box::new(self.parse_test()?))
            }
        } else {
            None
        };
        Ok(Expr::new(
            ExprKind::Slice { lower, upper, step },
            self.span_from(start),
        ))
    }

    fn parse_atom(&mut self) -> ParseResult<Expr> {
        let start = self.start();
        let kind = match self.kind() {
            TokenKind::Name(name) => ExprKind::Name(name.clone()),
            TokenKind::Number(number) => ExprKind::Constant(number.clone()),
            TokenKind::Keyword(ReservedWord::None) => ExprKind::Constant(Constant::None),
            TokenKind::Keyword(ReservedWord::True) => ExprKind::Constant(Constant::Bool(true)),
            TokenKind::Keyword(ReservedWord::False) => ExprKind::Constant(Constant::Bool(false)),
            TokenKind::Operator(Operator::Ellipsis) => ExprKind::Constant(Constant::Ellipsis),
            TokenKind::String(_) => return self.parse_strings(),
            TokenKind::Operator(Operator::LeftParenthesis) => return self.parse_parenthesized(),
            TokenKind::Operator(Operator::LeftBracket) => return self.parse_list_display(),
            TokenKind::Operator(Operator::LeftBrace) => return self.parse_brace_display(),
            _ => return Err(self.invalid_syntax()),
        };
        self.bump();
        Ok(Expr::new(kind, self.span_from(start)))
    }

    fn parse_strings(&mut self) -> ParseResult<Expr> {
        let start = self.start();
        let mut pieces = Vec::new();
        while let TokenKind::String(token) = self.kind() {
            let token = token.clone();
            let span = self.bump();
            pieces.push((token, span));
        }
        let is_bytes = pieces.first().is_some_and(|(token, _)| token.prefix.bytes);
        if pieces
            .iter()
            .any(|(token, _)| token.prefix.bytes != is_bytes)
        {
            return Err(SyntaxError::new(
                "cannot mix bytes and nonbytes literals",
                start,
            ));
        }
        let kind = if is_bytes {
            let mut bytes = Vec::new();
            for (token, span) in &pieces {
                let decoded = decode_bytes(&token.body, token.prefix.raw)
                    .map_err(|message| SyntaxError::new(message, span.start))?;
                bytes.extend(decoded);
            }
            ExprKind::Constant(Constant::Bytes(bytes))
        } else if pieces.iter().any(|(token, _)| token.prefix.formatted) {
            let mut parts = Vec::new();
            for (token, span) in &pieces {
                if token.prefix.formatted {
                    for part in parse_fstring_token(token, span.start, self.depth)? {
                        push_part(&mut parts, part);
                    }
                } else {
                    let text = self.decode_text(&token.body, token.prefix.raw, span.start)?;
                    push_part(&mut parts, FStringPart::Literal(text));
                }
            }
            ExprKind::FString(parts)
        } else {
            let mut text = String::new();
            for (token, span) in &pieces {
                text.push_str(&self.decode_text(&token.body, token.prefix.raw, span.start)?);
            }
            ExprKind::Constant(Constant::Str(text))
        };
        Ok(Expr::new(kind, self.span_from(start)))
    }

    fn decode_text(&self, body: &str, raw: bool, position: Pos) -> ParseResult<String> {
        if raw {
            return Ok(body.to_string());
        }
        decode_text_escapes(body).map_err(|message| SyntaxError::new(message, position))
    }

    fn at_comprehension_start(&self) -> bool {
        self.at_word(ReservedWord::For)
            || (self.at_word(ReservedWord::Async)
                && matches!(self.peek_kind(1), TokenKind::Keyword(ReservedWord::For)))
    }

    fn parse_comprehension_clauses(&mut self) -> ParseResult<Vec<Comprehension>> {
        let mut generators = Vec::new();
        while self.at_comprehension_start() {
            let is_async = self.eat_word(ReservedWord::Async);
            self.expect_word(ReservedWord::For)?;
            let target = self.parse_target_list()?;
            self.check_target(&target)?;
            self.expect_word(ReservedWord::In)?;
            let iter = self.parse_binary(PRECEDENCE_OR)?;
            let mut conditions = Vec::new();
            while self.eat_word(ReservedWord::If) {
                conditions.push(self.parse_binary(PRECEDENCE_OR)?);
            }
            generators.push(Comprehension {
                target,
                iter,
                conditions,
                is_async,
            });
        }
        Ok(generators)
    }

    /// Targets of `for` and comprehensions: `bitwise_or` level, so `in` ends them.
    fn parse_target_list(&mut self) -> ParseResult<Expr> {
        let first = self.parse_target_element()?;
        if !self.at_operator(Operator::Comma) {
            return Ok(first);
        }
        let start = first.span.start;
        let mut elements = vec![first];
        while self.eat_operator(Operator::Comma) {
            if !(token_starts_expression(self.kind()) || self.at_operator(Operator::Star)) {
                break;
            }
            elements.push(self.parse_target_element()?);
        }
        Ok(Expr::new(ExprKind::Tuple(elements), self.span_from(start)))
    }

    fn parse_target_element(&mut self) -> ParseResult<Expr> {
        if self.at_operator(Operator::Star) {
            let start = self.bump().start;
            let value = self.parse_bitwise_or()?;
            let span = Span::new(start, value.span.end);
            return Ok(Expr::new(ExprKind::Starred(Box::new(value)), span));
        }
        self.parse_bitwise_or()
    }

    fn parse_yield(&mut self) -> ParseResult<Expr> {
        let start = self.bump().start;
        if self.eat_word(ReservedWord::From) {
            let value = self.parse_test()?;
            let span = Span::new(start, value.span.end);
            return Ok(Expr::new(ExprKind::YieldFrom(Box::new(value)), span));
        }
        if token_starts_expression(self.kind()) || self.at_operator(Operator::Star) {
            let value = self.parse_star_expressions()?;
            let span = Span::new(start, value.span.end);
            return Ok(Expr::new(ExprKind::Yield(Some(Box::new(value))), span));
        }
        Ok(Expr::new(ExprKind::Yield(None), self.span_from(start)))
    }

    fn parse_parenthesized(&mut self) -> ParseResult<Expr> {
        let start = self.bump().start;
        if self.at_operator(Operator::RightParenthesis) {
            self.bump();
            return Ok(Expr::new(
                ExprKind::Tuple(Vec::new()),
                self.span_from(start),
            ));
        }
        if self.at_word(ReservedWord::Yield) {
            return self.parse_parenthesized_yield();
        }
        let first = self.parse_star_named_expression()?;
        self.finish_parenthesized(start, first)
    }

    fn parse_parenthesized_yield(&mut self) -> ParseResult<Expr> {
        let value = self.parse_yield()?;
        self.expect_closing(Operator::RightParenthesis, Some(&value))?;
        Ok(value)
    }

    /// A generator expression, a tuple or a parenthesized expression, after its first element.
    fn finish_parenthesized(&mut self, start: Pos, first: Expr) -> ParseResult<Expr> {
        if self.at_comprehension_start() {
            let generators = self.parse_comprehension_clauses()?;
            self.expect_operator(Operator::RightParenthesis)?;
            return Ok(Expr::new(
                ExprKind::GeneratorExp {
                    element: Box::new(first),
                    generators,
                },
                self.span_from(start),
            ));
        }
        if !self.at_operator(Operator::Comma) {
            self.expect_closing(Operator::RightParenthesis, Some(&first))?;
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(SyntaxError::new(
                    "cannot use starred expression here",
                    first.span.start,
                ));
            }
            return Ok(first);
        }
        let elements = self.parse_display_elements(first, Operator::RightParenthesis)?;
        Ok(Expr::new(ExprKind::Tuple(elements), self.span_from(start)))
    }

    /// The remaining `, element` items of a tuple, list or set display, and its closing bracket.
    fn parse_display_elements(&mut self, first: Expr, closing: Operator) -> ParseResult<Vec<Expr>> {
        let mut elements = vec![first];
        while self.eat_operator(Operator::Comma) {
            if self.at_operator(closing) {
                break;
            }
            elements.push(self.parse_star_named_expression()?);
        }
        self.expect_closing(closing, elements.last())?;
        Ok(elements)
    }

    fn parse_list_display(&mut self) -> ParseResult<Expr> {
        let start = self.bump().start;
        if self.at_operator(Operator::RightBracket) {
            self.bump();
            return Ok(Expr::new(ExprKind::List(Vec::new()), self.span_from(start)));
        }
        let first = self.parse_star_named_expression()?;
        self.finish_list_display(start, first)
    }

    fn finish_list_display(&mut self, start: Pos, first: Expr) -> ParseResult<Expr> {
        if self.at_comprehension_start() {
            let generators = self.parse_comprehension_clauses()?;
            self.expect_operator(Operator::RightBracket)?;
            return Ok(Expr::new(
                ExprKind::ListComp {
                    element: Box::new(first),
                    generators,
                },
                self.span_from(start),
            ));
        }
        let elements = self.parse_display_elements(first, Operator::RightBracket)?;
        Ok(Expr::new(ExprKind::List(elements), self.span_from(start)))
    }

    fn parse_brace_display(&mut self) -> ParseResult<Expr> {
        let start = self.bump().start;
        if self.at_operator(Operator::RightBrace) {
            self.bump();
            return Ok(Expr::new(ExprKind::Dict(Vec::new()), self.span_from(start)));
        }
        if self.at_operator(Operator::DoubleStar) {
            let first_entry = self.parse_dict_unpacking()?;
            return self.finish_dict_display(start, first_entry);
        }
        let first = self.parse_star_named_expression()?;
        if self.at_operator(Operator::Colon) {
            return self.finish_dict_after_first_key(start, first);
        }
        self.finish_set_display(start, first)
    }

    fn parse_dict_unpacking(&mut self) -> ParseResult<DictEntry> {
        self.bump();
        Ok(DictEntry {
            key: None,
            value: self.parse_bitwise_or()?,
        })
    }

    fn finish_set_display(&mut self, start: Pos, first: Expr) -> ParseResult<Expr> {
        if self.at_comprehension_start() {
            let generators = self.parse_comprehension_clauses()?;
            self.expect_operator(Operator::RightBrace)?;
            return Ok(Expr::new(
                ExprKind::SetComp {
                    element: Box::new(first),
                    generators,
                },
                self.span_from(start),
            ));
        }
        let elements = self.parse_display_elements(first, Operator::RightBrace)?;
        Ok(Expr::new(ExprKind::Set(elements), self.span_from(start)))
    }

    /// A dict display or comprehension whose first key has been parsed; `:` is next.
    fn finish_dict_after_first_key(&mut self, start: Pos, key: Expr) -> ParseResult<Expr> {
        if matches!(key.kind, ExprKind::Starred(_)) {
            return Err(SyntaxError::new(
                "cannot use a starred expression in a dictionary key",
                key.span.start,
            ));
        }
        self.bump();
        let value = self.parse_test()?;
        if self.at_comprehension_start() {
            let generators = self.parse_comprehension_clauses()?;
            self.expect_operator(Operator::RightBrace)?;
            return Ok(Expr::new(
                ExprKind::DictComp {
                    key: Box::new(key),
                    value: Box::new(value),
                    generators,
                },
                self.span_from(start),
            ));
        }
        let first_entry = DictEntry {
            key: Some(key),
            value,
        };
        self.finish_dict_display(start, first_entry)
    }

    fn finish_dict_display(&mut self, start: Pos, first_entry: DictEntry) -> ParseResult<Expr> {
        let mut entries = vec![first_entry];
        while self.eat_operator(Operator::Comma) {
            if self.at_operator(Operator::RightBrace) {
                break;
            }
            if self.at_operator(Operator::DoubleStar) {
                entries.push(self.parse_dict_unpacking()?);
                continue;
            }
            let key = self.parse_test()?;
            if !self.at_operator(Operator::Colon) {
                if self.at_operator(Operator::Comma) || self.at_operator(Operator::RightBrace) {
                    return Err(SyntaxError::new(
                        "':' expected after dictionary key",
                        key.span.start,
                    ));
                }
                return Err(self.missing_comma_error(Some(&key)));
            }
            self.bump();
            let value = self.parse_test()?;
            entries.push(DictEntry {
                key: Some(key),
                value,
            });
        }
        if !self.at_operator(Operator::RightBrace) {
            return Err(self.missing_comma_error(entries.last().map(|entry| &entry.value)));
        }
        self.bump();
        Ok(Expr::new(ExprKind::Dict(entries), self.span_from(start)))
    }
}
