//! Tests for the Python reader: real Alembic files, expression shapes as compact
//! S-expressions, CPython's error messages and positions, and no-panic fuzzing.

use super::*;
use crate::test_support::{mutate, Xorshift};

mod files_and_expressions;
mod statements_and_errors;

fn parse(source: &str) -> Module {
    match parse_module(source) {
        Ok(module) => module,
        Err(error) => panic!("expected {source:?} to parse, got {error}"),
    }
}

fn pos(line: u32, column: u32) -> Pos {
    Pos { line, column }
}

fn span(start: (u32, u32), end: (u32, u32)) -> Span {
    Span::new(pos(start.0, start.1), pos(end.0, end.1))
}

/// Compact, unambiguous rendering of an expression used by the data-driven tests.
fn show(expression: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(show).collect::<Vec<_>>().join(" ");
    let optional =
        |item: &Option<Box<Expr>>| item.as_deref().map(show).unwrap_or_else(|| "_".to_string());
    match &expression.kind {
        ExprKind::Name(name) => name.clone(),
        ExprKind::Constant(constant) => show_constant(constant),
        ExprKind::FString(parts) => format!("(f {})", show_parts(parts)),
        ExprKind::Attribute { value, attr } => format!("(. {} {attr})", show(value)),
        ExprKind::Subscript { value, index } => format!("([] {} {})", show(value), show(index)),
        ExprKind::Slice { lower, upper, step } => {
            format!(
                "(: {} {} {})",
                optional(lower),
                optional(upper),
                optional(step)
            )
        }
        ExprKind::Call {
            func,
            args,
            keywords,
        } => {
            let mut rendered = format!("(call {}", show(func));
            for argument in args {
                rendered.push(' ');
                rendered.push_str(&show(argument));
            }
            for keyword in keywords {
                match &keyword.name {
                    Some(name) => rendered.push_str(&format!(" {name}={}", show(&keyword.value))),
                    None => rendered.push_str(&format!(" **{}", show(&keyword.value))),
                }
            }
            rendered.push(')');
            rendered
        }
        ExprKind::Tuple(elements) => {
            format!("(tuple {})", list(elements)).replace("(tuple )", "(tuple)")
        }
        ExprKind::List(elements) => {
            format!("(list {})", list(elements)).replace("(list )", "(list)")
        }
        ExprKind::Set(elements) => format!("(set {})", list(elements)),
        ExprKind::Dict(entries) => {
            let rendered: Vec<String> = entries
                .iter()
                .map(|entry| match &entry.key {
                    Some(key) => format!("{}:{}", show(key), show(&entry.value)),
                    None => format!("**{}", show(&entry.value)),
                })
                .collect();
            format!("(dict {})", rendered.join(" ")).replace("(dict )", "(dict)")
        }
        ExprKind::BinOp {
            left,
            operator,
            right,
        } => {
            format!("({} {} {})", operator.as_str(), show(left), show(right))
        }
        ExprKind::UnaryOp { operator, operand } => {
            let name = match operator {
                UnaryOperator::Not => "not",
                UnaryOperator::Negative => "neg",
                UnaryOperator::Positive => "pos",
                UnaryOperator::Invert => "~",
            };
            format!("({name} {})", show(operand))
        }
        ExprKind::BoolOp { operator, values } => {
            let name = match operator {
                BoolOperator::And => "and",
                BoolOperator::Or => "or",
            };
            format!("({name} {})", list(values))
        }
        ExprKind::Compare { left, comparisons } => {
            let mut rendered = format!("(cmp {}", show(left));
            for (operator, right) in comparisons {
                let name = match operator {
                    CompareOperator::Equal => "==",
                    CompareOperator::NotEqual => "!=",
                    CompareOperator::Less => "<",
                    CompareOperator::LessEqual => "<=",
                    CompareOperator::Greater => ">",
                    CompareOperator::GreaterEqual => ">=",
                    CompareOperator::Is => "is",
                    CompareOperator::IsNot => "is-not",
                    CompareOperator::In => "in",
                    CompareOperator::NotIn => "not-in",
                };
                rendered.push_str(&format!(" {name} {}", show(right)));
            }
            rendered.push(')');
            rendered
        }
        ExprKind::IfExp { test, body, orelse } => {
            format!("(if {} {} {})", show(test), show(body), show(orelse))
        }
        ExprKind::Lambda { parameters, body } => {
            format!("(lambda ({}) {})", show_parameters(parameters), show(body))
        }
        ExprKind::ListComp {
            element,
            generators,
        } => {
            format!(
                "(listcomp {}{})",
                show(element),
                show_generators(generators)
            )
        }
        ExprKind::SetComp {
            element,
            generators,
        } => {
            format!("(setcomp {}{})", show(element), show_generators(generators))
        }
        ExprKind::GeneratorExp {
            element,
            generators,
        } => {
            format!("(genexp {}{})", show(element), show_generators(generators))
        }
        ExprKind::DictComp {
            key,
            value,
            generators,
        } => format!(
            "(dictcomp {}:{}{})",
            show(key),
            show(value),
            show_generators(generators)
        ),
        ExprKind::Starred(value) => format!("(* {})", show(value)),
        ExprKind::NamedExpr { target, value } => format!("(:= {} {})", show(target), show(value)),
        ExprKind::Await(value) => format!("(await {})", show(value)),
        ExprKind::Yield(value) => format!("(yield {})", optional(value)),
        ExprKind::YieldFrom(value) => format!("(yield-from {})", show(value)),
    }
}

fn show_constant(constant: &Constant) -> String {
    match constant {
        Constant::None => "None".to_string(),
        Constant::Bool(value) => if *value { "True" } else { "False" }.to_string(),
        Constant::Int(value) => value.to_string(),
        Constant::BigInt(text) => format!("big:{text}"),
        Constant::Float(value) => format!("{value:?}"),
        Constant::Imaginary(value) => format!("{value:?}j"),
        Constant::Str(text) => format!("{text:?}"),
        Constant::Bytes(bytes) => format!("b{:?}", String::from_utf8_lossy(bytes)),
        Constant::Ellipsis => "...".to_string(),
    }
}

fn show_parts(parts: &[FStringPart]) -> String {
    parts
        .iter()
        .map(|part| match part {
            FStringPart::Literal(text) => format!("{text:?}"),
            FStringPart::Expression(field) => {
                let mut rendered = format!("{{{}", show(&field.value));
                if let Some(debug) = &field.debug_text {
                    rendered.push_str(&format!(" debug={debug:?}"));
                }
                if let Some(conversion) = field.conversion {
                    rendered.push_str(&format!(" !{conversion}"));
                }
                if let Some(spec) = &field.format_spec {
                    rendered.push_str(&format!(" :{}", show_parts(spec)));
                }
                rendered.push('}');
                rendered
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn show_generators(generators: &[Comprehension]) -> String {
    let mut rendered = String::new();
    for generator in generators {
        let keyword = if generator.is_async {
            "async-for"
        } else {
            "for"
        };
        rendered.push_str(&format!(
            " ({keyword} {} {}",
            show(&generator.target),
            show(&generator.iter)
        ));
        for condition in &generator.conditions {
            rendered.push_str(&format!(" (if {})", show(condition)));
        }
        rendered.push(')');
    }
    rendered
}

fn show_parameter(prefix: &str, parameter: &Parameter) -> String {
    let mut rendered = format!("{prefix}{}", parameter.name);
    if let Some(annotation) = &parameter.annotation {
        rendered.push_str(&format!(":{}", show(annotation)));
    }
    if let Some(default) = &parameter.default {
        rendered.push_str(&format!("={}", show(default)));
    }
    rendered
}

fn show_parameters(parameters: &Parameters) -> String {
    let mut rendered = Vec::new();
    for parameter in &parameters.positional_only {
        rendered.push(show_parameter("", parameter));
    }
    if !parameters.positional_only.is_empty() {
        rendered.push("/".to_string());
    }
    for parameter in &parameters.positional {
        rendered.push(show_parameter("", parameter));
    }
    match &parameters.var_positional {
        Some(parameter) => rendered.push(show_parameter("*", parameter)),
        None if !parameters.keyword_only.is_empty() => rendered.push("*".to_string()),
        None => {}
    }
    for parameter in &parameters.keyword_only {
        rendered.push(show_parameter("", parameter));
    }
    if let Some(parameter) = &parameters.var_keyword {
        rendered.push(show_parameter("**", parameter));
    }
    rendered.join(" ")
}

fn check_expressions(cases: &[(&str, &str)]) {
    for (source, expected) in cases {
        match parse_expression(source) {
            Ok(expression) => assert_eq!(show(&expression), *expected, "for {source:?}"),
            Err(error) => panic!("expected {source:?} to parse, got {error}"),
        }
    }
}

fn check_errors(cases: &[(&str, &str)]) {
    for (source, expected) in cases {
        match parse_module(source) {
            Ok(_) => panic!("expected {source:?} to fail with {expected}"),
            Err(error) => assert_eq!(error.to_string(), *expected, "for {source:?}"),
        }
    }
}

fn first_expression(module: &Module) -> &Expr {
    match module.body.first().map(|statement| &statement.kind) {
        Some(StmtKind::Expr(expression)) => expression,
        other => panic!("expected an expression statement, got {other:?}"),
    }
}

fn only_call(statement: &Stmt) -> &Expr {
    match &statement.kind {
        StmtKind::Expr(
            expression @ Expr {
                kind: ExprKind::Call { .. },
                ..
            },
        ) => expression,
        other => panic!("expected a call statement, got {other:?}"),
    }
}

fn call_arguments(expression: &Expr) -> (&[Expr], &[Keyword]) {
    match &expression.kind {
        ExprKind::Call { args, keywords, .. } => (args, keywords),
        other => panic!("expected a call, got {other:?}"),
    }
}

const ALEMBIC_1_20_REVISION: &str = r#""""create account table

Revision ID: 0bfd2e10e9b1
Revises: 
Create Date: 2026-11-28 00:43:46.094752

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0bfd2e10e9b1'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
"#;

fn yield_function(module: &Module) -> Option<&FunctionDef> {
    module.function("g")
}

fn check_statement(source: &str, check: impl Fn(&StmtKind) -> bool) {
    let module = parse(source);
    let Some(statement) = module.body.first() else {
        panic!("no statement in {source:?}")
    };
    assert!(
        check(&statement.kind),
        "unexpected shape for {source:?}: {:?}",
        statement.kind
    );
}

fn show_aliases(aliases: &[Alias]) -> String {
    aliases
        .iter()
        .map(|alias| match &alias.asname {
            Some(asname) => format!("{} as {asname}", alias.name),
            None => alias.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

const FUZZ_SEEDS: &[&str] = &[
    ALEMBIC_1_20_REVISION,
    "with op.batch_alter_table('user', schema=None) as batch_op:\n    batch_op.add_column(sa.Column('email', sa.String(length=120), nullable=True))\n",
    "class User(Base):\n    __tablename__ = \"user\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    tags: Mapped[list[\"Tag\"]] = relationship(back_populates=\"user\")\n",
    "def f(a, /, b=1, *c, d, **e) -> int:\n    return [x async for x in y if x] or {k: v for k, v in z} or f'{a!r:>{b}}'\n",
    "try:\n    x = (yield from g)\nexcept* E as e:\n    raise X from e\nfinally:\n    del a[1:2, ::3]\n",
    "if a:\n\tb = lambda x: x if x else -x ** 2\nelif c := d:\n    pass\nelse:\n    e = 0x_ff + 1_0.5e-3j\n",
];

const FUZZ_FRAGMENTS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", "\"\"\"", "'''", "'", "\"", "\\", "\t", ":", "\n", "    ", " ",
    "f'", "b'", "rb'", "{x", "}", "=", ":=", "*", "**", ",", "#", "@", "def ", "class ", "if ",
    "else", "lambda", "yield", "await ", "async ", "not ", "in ", "is ", "é", "\r", "\u{feff}",
    "0x", "1e", "1_", ".", "...", "->", "!", "$", "\0", "match ", "case ", "except* ", "from ",
    "import ", "\\\n", "\u{a0}",
];

#[test]
fn parse_int_reads_a_sign_and_digits_and_refuses_what_does_not_fit() {
    assert_eq!(parse_int::<i64>("42", 10), Some(42));
    assert_eq!(parse_int::<i64>("+7", 10), Some(7));
    assert_eq!(parse_int::<i32>("-12", 10), Some(-12));
    assert_eq!(parse_int::<u8>("ff", 16), Some(255));
    assert_eq!(parse_int::<u32>("00e9", 16), Some(0xe9));
    // out of the target type's range
    assert_eq!(parse_int::<u8>("100", 16), None);
    assert_eq!(parse_int::<usize>("-1", 10), None);
    assert_eq!(parse_int::<i64>("9223372036854775808", 10), None);
    // not a number at all
    assert_eq!(parse_int::<i64>("", 10), None);
    assert_eq!(parse_int::<i64>(" 1", 10), None);
    assert_eq!(parse_int::<i64>("1_000", 10), None);
    assert_eq!(parse_int::<u32>("0x10", 16), None);
}
