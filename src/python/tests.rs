//! Tests for the Python reader: real Alembic files, expression shapes as compact
//! S-expressions, CPython's error messages and positions, and no-panic fuzzing.

use super::*;
use crate::test_support::{mutate, Xorshift};

// ----- helpers ---------------------------------------------------------------------------

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

// ----- real files --------------------------------------------------------------------------

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

#[test]
fn alembic_generated_revision_file() {
    let module = parse(ALEMBIC_1_20_REVISION);
    assert_eq!(
        module.docstring.as_deref(),
        Some("create account table\n\nRevision ID: 0bfd2e10e9b1\nRevises: \nCreate Date: 2026-11-28 00:43:46.094752\n\n")
    );
    assert_eq!(module.body.len(), 10);
    assert_eq!(
        module
            .assigned_value("revision")
            .and_then(Expr::as_str_constant),
        Some("0bfd2e10e9b1")
    );
    for name in ["down_revision", "branch_labels", "depends_on"] {
        assert!(
            module
                .assigned_value(name)
                .is_some_and(Expr::is_none_constant),
            "{name}"
        );
    }

    let Some(revision) = module.body.get(4) else {
        panic!("missing statement")
    };
    assert_eq!(revision.span, span((15, 1), (15, 31)));
    match &revision.kind {
        StmtKind::AnnAssign {
            target,
            annotation,
            value: Some(value),
            simple: true,
        } => {
            assert_eq!(target.as_name(), Some("revision"));
            assert_eq!(annotation.as_name(), Some("str"));
            assert_eq!(value.span, span((15, 17), (15, 31)));
        }
        other => panic!("unexpected {other:?}"),
    }
    match module.body.get(5).map(|statement| &statement.kind) {
        Some(StmtKind::AnnAssign { annotation, .. }) => {
            assert_eq!(
                show(annotation),
                "([] Union (tuple str ([] Sequence str) None))"
            );
            assert_eq!(annotation.span, span((16, 16), (16, 47)));
        }
        other => panic!("unexpected {other:?}"),
    }
    match module.body.get(1).map(|statement| &statement.kind) {
        Some(StmtKind::ImportFrom {
            module,
            names,
            level: 0,
        }) => {
            assert_eq!(module.as_deref(), Some("typing"));
            let names: Vec<&str> = names.iter().map(|alias| alias.name.as_str()).collect();
            assert_eq!(names, ["Sequence", "Union"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    match module.body.get(3).map(|statement| &statement.kind) {
        Some(StmtKind::Import { names }) => {
            assert_eq!(names.len(), 1);
            assert_eq!(names[0].name, "sqlalchemy");
            assert_eq!(names[0].asname.as_deref(), Some("sa"));
            assert_eq!(names[0].span, span((11, 8), (11, 24)));
        }
        other => panic!("unexpected {other:?}"),
    }

    let Some(upgrade) = module.function("upgrade") else {
        panic!("no upgrade()")
    };
    assert_eq!(upgrade.docstring.as_deref(), Some("Upgrade schema."));
    assert!(upgrade.returns.as_ref().is_some_and(Expr::is_none_constant));
    assert_eq!(upgrade.parameters, Parameters::default());
    assert_eq!(upgrade.body.len(), 2);
    assert!(matches!(upgrade.body[1].kind, StmtKind::Pass));
    let upgrade_statement = module.body.get(8).map(|statement| statement.span);
    assert_eq!(upgrade_statement, Some(span((21, 1), (23, 9))));
    let downgrade = module
        .function("downgrade")
        .map(|function| function.docstring.clone());
    assert_eq!(downgrade, Some(Some("Downgrade schema.".to_string())));
    assert_eq!(
        module.body.last().map(|statement| statement.span),
        Some(span((26, 1), (28, 9)))
    );
}

#[test]
fn alembic_revision_with_windows_line_endings_bom_and_no_final_newline() {
    let windows = format!("\u{feff}{}", ALEMBIC_1_20_REVISION.replace('\n', "\r\n"));
    let module = parse(windows.trim_end());
    assert_eq!(module, parse(ALEMBIC_1_20_REVISION));
    let old_mac = ALEMBIC_1_20_REVISION.replace('\n', "\r");
    assert_eq!(parse(&old_mac), parse(ALEMBIC_1_20_REVISION));
}

#[test]
fn older_style_revision() {
    let source = r#""""add last transaction date

Revision ID: ae1027a6acf
Revises:
Create Date: 2011-11-08 11:40:27.089406

"""

# revision identifiers, used by Alembic.
revision = 'ae1027a6acf'
down_revision = None

from alembic import op
import sqlalchemy as sa


def upgrade():
    op.add_column('account', sa.Column('last_transaction_date', sa.DateTime))


def downgrade():
    op.drop_column('account', 'last_transaction_date')
"#;
    let module = parse(source);
    assert_eq!(
        module
            .assigned_value("revision")
            .and_then(Expr::as_str_constant),
        Some("ae1027a6acf")
    );
    assert!(module
        .assigned_value("down_revision")
        .is_some_and(Expr::is_none_constant));
    let Some(upgrade) = module.function("upgrade") else {
        panic!("no upgrade()")
    };
    assert_eq!(upgrade.docstring, None);
    let Some(statement) = upgrade.body.first() else {
        panic!("empty upgrade()")
    };
    let call = only_call(statement);
    assert_eq!(
        call.called_function_name().as_deref(),
        Some("op.add_column")
    );
    assert_eq!(call.span, span((18, 5), (18, 78)));
    let (args, keywords) = call_arguments(call);
    assert!(keywords.is_empty());
    assert_eq!(args[0].as_str_constant(), Some("account"));
    assert_eq!(args[1].called_function_name().as_deref(), Some("sa.Column"));
    let (column_args, _) = call_arguments(&args[1]);
    assert_eq!(
        column_args[0].as_str_constant(),
        Some("last_transaction_date")
    );
    assert_eq!(column_args[1].dotted_name().as_deref(), Some("sa.DateTime"));
    assert_eq!(column_args[1].span, span((18, 65), (18, 76)));
}

#[test]
fn merge_revision() {
    let source = "\"\"\"merge heads\n\nRevision ID: 3c1b\nRevises: 1a2b, 2b3c\n\"\"\"\nrevision = '3c1b'\ndown_revision = ('1a2b', '2b3c')\nbranch_labels = None\ndepends_on: Union[str, Sequence[str], None] = ('x',)\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n";
    let module = parse(source);
    let Some(down_revision) = module.assigned_value("down_revision") else {
        panic!("no down_revision")
    };
    let parents: Vec<Option<&str>> = down_revision
        .as_sequence()
        .unwrap_or(&[])
        .iter()
        .map(Expr::as_str_constant)
        .collect();
    assert_eq!(parents, [Some("1a2b"), Some("2b3c")]);
    assert_eq!(down_revision.span, span((7, 17), (7, 33)));
    let depends_on = module.assigned_value("depends_on").map(show);
    assert_eq!(depends_on.as_deref(), Some("(tuple \"x\")"));
}

#[test]
fn batch_alter_table_blocks() {
    let source = "def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_email'), ['email'], unique=False)

    # ### end Alembic commands ###
";
    let module = parse(source);
    let Some(upgrade) = module.function("upgrade") else {
        panic!("no upgrade()")
    };
    let Some(Stmt {
        kind:
            StmtKind::With {
                items,
                body,
                is_async: false,
            },
        span: with_span,
    }) = upgrade.body.first()
    else {
        panic!("expected a with statement")
    };
    assert_eq!(*with_span, span((3, 5), (5, 84)));
    assert_eq!(items.len(), 1);
    let context = &items[0].context;
    assert_eq!(
        context.called_function_name().as_deref(),
        Some("op.batch_alter_table")
    );
    assert_eq!(
        show(context),
        "(call (. op batch_alter_table) \"user\" schema=None)"
    );
    assert!(context
        .keyword_argument("schema")
        .is_some_and(Expr::is_none_constant));
    assert_eq!(
        items[0].target.as_ref().and_then(Expr::as_name),
        Some("batch_op")
    );
    assert_eq!(body.len(), 2);
    assert_eq!(
        show(only_call(&body[0])),
        "(call (. batch_op add_column) (call (. sa Column) \"email\" (call (. sa String) length=120) nullable=True))"
    );
    let create_index = only_call(&body[1]);
    assert_eq!(
        show(create_index),
        "(call (. batch_op create_index) (call (. batch_op f) \"ix_user_email\") (list \"email\") unique=False)"
    );
    assert_eq!(
        create_index
            .keyword_argument("unique")
            .and_then(Expr::as_bool_constant),
        Some(false)
    );
}

#[test]
fn autogenerated_create_table() {
    let source = "def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    # ### end Alembic commands ###
";
    let module = parse(source);
    let Some(upgrade) = module.function("upgrade") else {
        panic!("no upgrade()")
    };
    assert_eq!(upgrade.body.len(), 1);
    let call = only_call(&upgrade.body[0]);
    assert_eq!(call.span, span((3, 5), (7, 6)));
    let (args, keywords) = call_arguments(call);
    assert!(keywords.is_empty());
    assert_eq!(args.len(), 4);
    assert_eq!(args[0].as_str_constant(), Some("user"));
    assert_eq!(args[1].span, span((4, 5), (4, 50)));
    assert_eq!(
        show(&args[1]),
        "(call (. sa Column) \"id\" (call (. sa Integer)) nullable=False)"
    );
    assert_eq!(
        args[1]
            .keyword_argument("nullable")
            .and_then(Expr::as_bool_constant),
        Some(false)
    );
    let (name_args, _) = call_arguments(&args[2]);
    assert_eq!(
        name_args[1]
            .keyword_argument("length")
            .and_then(Expr::as_int_constant),
        Some(30)
    );
    assert_eq!(
        args[3].called_function_name().as_deref(),
        Some("sa.PrimaryKeyConstraint")
    );
    let (_, keywords) = call_arguments(&args[1]);
    assert_eq!(keywords[0].span, span((4, 35), (4, 49)));
}

#[test]
fn sqlalchemy_2_models_file() {
    let source = r#"from typing import List, Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    """A user."""
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Optional[str]] = mapped_column(String(30))
    tags: Mapped[list["Tag"]] = relationship(back_populates="user")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, name={self.name!r})"
"#;
    let module = parse(source);
    let classes: Vec<&ClassDef> = module.classes().collect();
    assert_eq!(classes.len(), 2);
    assert_eq!(classes[0].name, "Base");
    assert_eq!(classes[0].bases[0].as_name(), Some("DeclarativeBase"));
    let user = classes[1];
    assert_eq!(user.name, "User");
    assert_eq!(user.docstring.as_deref(), Some("A user."));
    assert_eq!(user.bases.iter().map(show).collect::<Vec<_>>(), ["Base"]);
    assert_eq!(user.body.len(), 6);
    assert_eq!(
        user.body
            .iter()
            .find_map(|statement| statement.assigned_value("__tablename__"))
            .and_then(Expr::as_str_constant),
        Some("user")
    );
    let columns: Vec<(String, String, String)> = user
        .body
        .iter()
        .filter_map(|statement| match &statement.kind {
            StmtKind::AnnAssign {
                target,
                annotation,
                value: Some(value),
                ..
            } => Some((show(target), show(annotation), show(value))),
            _ => None,
        })
        .collect();
    let expected = [
        (
            "id",
            "([] Mapped int)",
            "(call mapped_column primary_key=True)",
        ),
        (
            "name",
            "([] Mapped ([] Optional str))",
            "(call mapped_column (call String 30))",
        ),
        (
            "tags",
            "([] Mapped ([] list \"Tag\"))",
            "(call relationship back_populates=\"user\")",
        ),
    ];
    for ((target, annotation, value), (expected_target, expected_annotation, expected_value)) in
        columns.iter().zip(expected)
    {
        assert_eq!(
            (target.as_str(), annotation.as_str(), value.as_str()),
            (expected_target, expected_annotation, expected_value)
        );
    }
    assert_eq!(columns.len(), 3);
    match &user.body[4].kind {
        StmtKind::AnnAssign {
            annotation,
            value: Some(value),
            ..
        } => {
            assert_eq!(user.body[4].span, span((17, 5), (17, 68)));
            assert_eq!(annotation.span, span((17, 11), (17, 30)));
            assert_eq!(
                value
                    .keyword_argument("back_populates")
                    .and_then(Expr::as_str_constant),
                Some("user")
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let Some(Stmt {
        kind: StmtKind::FunctionDef(repr),
        ..
    }) = user.body.last()
    else {
        panic!("no __repr__")
    };
    assert_eq!(show_parameters(&repr.parameters), "self");
    match repr.body.first().map(|statement| &statement.kind) {
        Some(StmtKind::Return(Some(value))) => {
            assert_eq!(
                show(value),
                "(f \"User(id=\" {(. self id) !r} \", name=\" {(. self name) !r} \")\")"
            );
            let ExprKind::FString(parts) = &value.kind else {
                panic!("not an f-string")
            };
            let FStringPart::Expression(field) = &parts[1] else {
                panic!("not a field")
            };
            assert_eq!(field.value.span, span((20, 27), (20, 34)));
            assert_eq!(field.span, span((20, 26), (20, 37)));
        }
        other => panic!("unexpected {other:?}"),
    }
}

// ----- expressions -------------------------------------------------------------------------

#[test]
fn operator_precedence_and_associativity() {
    check_expressions(&[
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a ** b ** c", "(** a (** b c))"),
        ("-a ** b", "(neg (** a b))"),
        ("a ** -b", "(** a (neg b))"),
        ("~a + -b", "(+ (~ a) (neg b))"),
        ("a // b % c @ d / e", "(/ (@ (% (// a b) c) d) e)"),
        ("a << b + c >> d", "(>> (<< a (+ b c)) d)"),
        ("a | b ^ c & d", "(| a (^ b (& c d)))"),
        ("a < b <= c != d", "(cmp a < b <= c != d)"),
        (
            "a in b not in c is d is not e",
            "(cmp a in b not-in c is d is-not e)",
        ),
        ("a | b < c & d", "(cmp (| a b) < (& c d))"),
        ("not a == b", "(not (cmp a == b))"),
        ("not not a", "(not (not a))"),
        ("a or b and c or d", "(or a (and b c) d)"),
        ("a and not b", "(and a (not b))"),
        ("x if c else y", "(if c x y)"),
        ("a if b else c if d else e", "(if b a (if d c e))"),
        ("lambda: 1", "(lambda () 1)"),
        (
            "lambda x, *a, y=1, **k: x + y",
            "(lambda (x *a y=1 **k) (+ x y))",
        ),
        (
            "lambda a, /, b: a if b else a",
            "(lambda (a / b) (if b a a))",
        ),
        ("await x ** 2", "(** (await x) 2)"),
        ("-await f()", "(neg (await (call f)))"),
        ("(a, b)", "(tuple a b)"),
        ("a, b", "(tuple a b)"),
        ("(a,)", "(tuple a)"),
        ("()", "(tuple)"),
        ("(a)", "a"),
        ("[]", "(list)"),
        ("[1, *rest, 2,]", "(list 1 (* rest) 2)"),
        ("{}", "(dict)"),
        (
            "{'a': 1, **other, 'b': 2}",
            "(dict \"a\":1 **other \"b\":2)",
        ),
        ("{1, 2}", "(set 1 2)"),
        ("{*a}", "(set (* a))"),
        (
            "[x for x in y if x if not z]",
            "(listcomp x (for x y (if x) (if (not z))))",
        ),
        (
            "[x * y for x in a for y in b]",
            "(listcomp (* x y) (for x a) (for y b))",
        ),
        (
            "{k: v for k, v in d.items()}",
            "(dictcomp k:v (for (tuple k v) (call (. d items))))",
        ),
        ("{x for x in s}", "(setcomp x (for x s))"),
        ("(x async for x in y)", "(genexp x (async-for x y))"),
        ("sum(x for x in y)", "(call sum (genexp x (for x y)))"),
        ("f(a, *b, c=1, **d)", "(call f a (* b) c=1 **d)"),
        ("f(*a, *b, **c, d=1)", "(call f (* a) (* b) **c d=1)"),
        ("f(x)(y)[z].w", "(. ([] (call (call f x) y) z) w)"),
        ("a[1:2, ::3]", "([] a (tuple (: 1 2 _) (: _ _ 3)))"),
        ("a[:]", "([] a (: _ _ _))"),
        ("a[i, j]", "([] a (tuple i j))"),
        ("a[x:=1]", "([] a (:= x 1))"),
        ("Mapped[Optional[str]]", "([] Mapped ([] Optional str))"),
        ("(y := f(x))", "(:= y (call f x))"),
        ("[y := 1, y ** 2]", "(list (:= y 1) (** y 2))"),
        ("f(a := 1)", "(call f (:= a 1))"),
        ("*a, b", "(tuple (* a) b)"),
        ("x[1:-1]", "([] x (: 1 (neg 1) _))"),
        ("a.b.c", "(. (. a b) c)"),
        ("'a'.join(x)", "(call (. \"a\" join) x)"),
        ("1 .real", "(. 1 real)"),
        ("1if x else 2", "(if x 1 2)"),
        ("...", "..."),
        ("None, True, False", "(tuple None True False)"),
    ]);
    let yields = parse(
        "def g():\n    yield\n    yield 1, 2\n    x = yield from h()\n    y = (yield)\n    await z\n",
    );
    let Some(g) = yield_function(&yields) else {
        panic!("no g")
    };
    let rendered: Vec<String> = g
        .body
        .iter()
        .map(|statement| match &statement.kind {
            StmtKind::Expr(value) => show(value),
            StmtKind::Assign { value, .. } => show(value),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "(yield _)",
            "(yield (tuple 1 2))",
            "(yield-from (call h))",
            "(yield _)",
            "(await z)"
        ]
    );
}

fn yield_function(module: &Module) -> Option<&FunctionDef> {
    module.function("g")
}

#[test]
fn expression_spans() {
    let Ok(expression) = parse_expression("foo.bar(1, key=[2])[0] + x") else {
        panic!("parse failed")
    };
    assert_eq!(expression.span, span((1, 1), (1, 27)));
    let ExprKind::BinOp { left, right, .. } = &expression.kind else {
        panic!("not a binop")
    };
    assert_eq!(left.span, span((1, 1), (1, 23)));
    assert_eq!(right.span, span((1, 26), (1, 27)));
    let ExprKind::Subscript { value: call, .. } = &left.kind else {
        panic!("not a subscript")
    };
    assert_eq!(call.span, span((1, 1), (1, 20)));
    let (_, keywords) = call_arguments(call);
    assert_eq!(keywords[0].span, span((1, 12), (1, 19)));
    assert_eq!(keywords[0].value.span, span((1, 16), (1, 19)));
    // Columns count characters, not bytes; a tab is one column.
    let module = parse("é = 'ünïcode'\nif x:\n\ty = é\n");
    assert_eq!(module.body[0].span, span((1, 1), (1, 14)));
    let StmtKind::If { branches, .. } = &module.body[1].kind else {
        panic!("not an if")
    };
    assert_eq!(branches[0].body[0].span, span((3, 2), (3, 7)));
    assert_eq!(module.body[1].span, span((2, 1), (3, 7)));
}

#[test]
fn numbers() {
    check_expressions(&[
        ("1_000", "1000"),
        ("0xFF", "255"),
        ("0o17", "15"),
        ("0b1010_1010", "170"),
        ("0_0", "0"),
        ("00", "0"),
        ("1.5", "1.5"),
        ("1.", "1.0"),
        (".5", "0.5"),
        ("1e3", "1000.0"),
        ("1_0.2_5e-1_0", "1.025e-9"),
        ("2j", "2.0j"),
        ("1.5J", "1.5j"),
        (
            "170141183460469231731687303715884105727",
            "170141183460469231731687303715884105727",
        ),
        (
            "170141183460469231731687303715884105728",
            "big:170141183460469231731687303715884105728",
        ),
        (
            "0x1_0000_0000_0000_0000_0000_0000_0000_0000",
            "big:0x100000000000000000000000000000000",
        ),
        ("1e999", "inf"),
    ]);
}

#[test]
fn strings_and_escapes() {
    check_expressions(&[
        (r#"'a' "b" '''c''' """d""""#, "\"abcd\""),
        (r"'tab\there\n'", "\"tab\\there\\n\""),
        (r#"'\x41\101\u00e9\U0001F600\\\'\"'"#, "\"AAé😀\\\\'\\\"\""),
        (r"'\d\N{DASH}'", "\"\\\\d\\\\N{DASH}\""),
        (r"r'\d\n'", "\"\\\\d\\\\n\""),
        (r"R'\''", "\"\\\\'\""),
        (r"b'\x00ab\n'", "b\"\\0ab\\n\""),
        (r"rb'\x00'", "b\"\\\\x00\""),
        (r"Br'a' b'c'", "b\"ac\""),
        ("u'x'", "\"x\""),
        ("'a\\\nb'", "\"ab\""),
        ("'''line\nbreak'''", "\"line\\nbreak\""),
        ("'é' 'ü'", "\"éü\""),
    ]);
}

#[test]
fn f_strings() {
    check_expressions(&[
        ("f'x={x}'", "(f \"x=\" {x})"),
        (
            "f'{x!r:>{width}} {{literal}}'",
            "(f {x !r :\">\" {width}} \" {literal}\")",
        ),
        ("f\"{d['key']}\"", "(f {([] d \"key\")})"),
        ("f'{x=}'", "(f {x debug=\"x=\" !r})"),
        ("f'{x = :>5}'", "(f {x debug=\"x = \" :\">5\"})"),
        ("f'{a if b else c}'", "(f {(if b a c)})"),
        ("f'{x:{\"\"}}'", "(f {x :{\"\"}})"),
        ("f'{a, b}'", "(f {(tuple a b)})"),
        ("f'{3!=4}'", "(f {(cmp 3 != 4)})"),
        ("f'{f\"{x}\"}'", "(f {(f {x})})"),
        ("'a' f'{b}' 'c'", "(f \"a\" {b} \"c\")"),
        ("f'\\n{x}\\t'", "(f \"\\n\" {x} \"\\t\")"),
        ("rf'\\n{x}'", "(f \"\\\\n\" {x})"),
        ("f'''{\nx\n}'''", "(f {x})"),
        ("f'{x:%H:%M}'", "(f {x :\"%H:%M\"})"),
        ("f'{(lambda: 1)}'", "(f {(lambda () 1)})"),
    ]);
    let Ok(expression) = parse_expression("f'a{ b.c }'") else {
        panic!("parse failed")
    };
    let ExprKind::FString(parts) = &expression.kind else {
        panic!("not an f-string")
    };
    let FStringPart::Expression(field) = &parts[1] else {
        panic!("not a field")
    };
    assert_eq!(field.value.span, span((1, 6), (1, 9)));
    assert_eq!(field.span, span((1, 4), (1, 11)));
}

// ----- statements --------------------------------------------------------------------------

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

#[test]
fn simple_statements() {
    let module = parse("a = b = c\nx, *y = z\n(p, q), [r] = t\nn += 1\nm **= 2\nk //= 3\nmat @= m\nx: int\n(x): int = 1\nself.y: List[int] = []\n");
    let rendered: Vec<String> = module
        .body
        .iter()
        .map(|statement| match &statement.kind {
            StmtKind::Assign { targets, value } => {
                format!(
                    "{} = {}",
                    targets.iter().map(show).collect::<Vec<_>>().join(" = "),
                    show(value)
                )
            }
            StmtKind::AugAssign {
                target,
                operator,
                value,
            } => {
                format!("{} {}= {}", show(target), operator.as_str(), show(value))
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => format!(
                "{}: {} = {} simple={simple}",
                show(target),
                show(annotation),
                value.as_ref().map(show).unwrap_or_default()
            ),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "a = b = c",
            "(tuple x (* y)) = z",
            "(tuple (tuple p q) (list r)) = t",
            "n += 1",
            "m **= 2",
            "k //= 3",
            "mat @= m",
            "x: int =  simple=true",
            "x: int = 1 simple=false",
            "(. self y): ([] List int) = (list) simple=false",
        ]
    );

    let module = parse("import a.b.c as d, e\nfrom . import x\nfrom ..pkg.mod import (a, b as c,)\nfrom x import *\nfrom ... import y\n");
    let rendered: Vec<String> = module
        .body
        .iter()
        .map(|statement| match &statement.kind {
            StmtKind::Import { names } => format!("import {}", show_aliases(names)),
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                format!(
                    "from {level} {} import {}",
                    module.as_deref().unwrap_or("-"),
                    show_aliases(names)
                )
            }
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "import a.b.c as d, e",
            "from 1 - import x",
            "from 2 pkg.mod import a, b as c",
            "from 0 x import *",
            "from 3 - import y",
        ]
    );

    let module = parse("def f():\n    global a, b\n    nonlocal c\n    del x, y[0], z.w\n    assert x, 'message'\n    raise E from e\n    raise\n    return\n    return 1, 2\n    x = 1; y = 2;\n    pass; break; continue\n");
    let Some(function) = module.function("f") else {
        panic!("no f")
    };
    let kinds: Vec<String> = function
        .body
        .iter()
        .map(|statement| match &statement.kind {
            StmtKind::Global(names) => format!("global {}", names.join(",")),
            StmtKind::Nonlocal(names) => format!("nonlocal {}", names.join(",")),
            StmtKind::Delete(targets) => format!(
                "del {}",
                targets.iter().map(show).collect::<Vec<_>>().join(" ")
            ),
            StmtKind::Assert { test, message } => format!(
                "assert {} {}",
                show(test),
                message.as_ref().map(show).unwrap_or_default()
            ),
            StmtKind::Raise { exception, cause } => format!(
                "raise {} {}",
                exception.as_ref().map(show).unwrap_or_default(),
                cause.as_ref().map(show).unwrap_or_default()
            ),
            StmtKind::Return(value) => {
                format!("return {}", value.as_ref().map(show).unwrap_or_default())
            }
            StmtKind::Assign { targets, value } => {
                format!("{} = {}", show(&targets[0]), show(value))
            }
            StmtKind::Pass => "pass".to_string(),
            StmtKind::Break => "break".to_string(),
            StmtKind::Continue => "continue".to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "global a,b",
            "nonlocal c",
            "del x ([] y 0) (. z w)",
            "assert x \"message\"",
            "raise E e",
            "raise  ",
            "return ",
            "return (tuple 1 2)",
            "x = 1",
            "y = 2",
            "pass",
            "break",
            "continue",
        ]
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

#[test]
fn function_and_class_definitions() {
    let module = parse(
        "@decorator\n@pkg.deco(arg=1)\nasync def f(a, b: int = 1, /, c=2, *args: str, d, e=3, **kwargs) -> Dict[str, int]:\n    '''Doc.'''\n    return a\n\nclass C(Base, metaclass=Meta, **extra):\n    x = 1\n\ndef one_line(): pass\nclass Empty: ...\n",
    );
    let Some(function) = module.function("f") else {
        panic!("no f")
    };
    assert!(function.is_async);
    assert_eq!(function.docstring.as_deref(), Some("Doc."));
    assert_eq!(
        show_parameters(&function.parameters),
        "a b:int=1 / c=2 *args:str d e=3 **kwargs"
    );
    assert_eq!(
        function.decorators.iter().map(show).collect::<Vec<_>>(),
        ["decorator", "(call (. pkg deco) arg=1)"]
    );
    assert_eq!(
        function.returns.as_ref().map(show).as_deref(),
        Some("([] Dict (tuple str int))")
    );
    assert_eq!(module.body[0].span, span((3, 1), (5, 13)));
    assert_eq!(
        function.parameters.positional_only[1].span,
        span((3, 16), (3, 22))
    );

    let classes: Vec<&ClassDef> = module.classes().collect();
    assert_eq!(classes[0].name, "C");
    assert_eq!(
        classes[0].bases.iter().map(show).collect::<Vec<_>>(),
        ["Base"]
    );
    let keywords: Vec<String> = classes[0]
        .keywords
        .iter()
        .map(|keyword| format!("{:?}={}", keyword.name, show(&keyword.value)))
        .collect();
    assert_eq!(keywords, ["Some(\"metaclass\")=Meta", "None=extra"]);
    assert!(matches!(
        module
            .function("one_line")
            .map(|function| &function.body[..]),
        Some([Stmt {
            kind: StmtKind::Pass,
            ..
        }])
    ));
    assert_eq!(classes[1].name, "Empty");
    assert_eq!(module.body[2].span, span((10, 1), (10, 21)));

    let keyword_only = parse("def g(*, key): pass\n");
    assert_eq!(
        keyword_only
            .function("g")
            .map(|function| show_parameters(&function.parameters))
            .as_deref(),
        Some("* key")
    );
}

#[test]
fn compound_statements() {
    check_statement(
        "if a:\n    x\nelif b:\n    y\nelif c: z\nelse:\n    w\n",
        |kind| match kind {
            StmtKind::If { branches, orelse } => {
                branches
                    .iter()
                    .map(|branch| show(&branch.test))
                    .collect::<Vec<_>>()
                    == ["a", "b", "c"]
                    && branches[1].span == span((3, 1), (4, 6))
                    && orelse.len() == 1
            }
            _ => false,
        },
    );
    check_statement(
        "for i, x in enumerate(xs):\n    pass\nelse:\n    pass\n",
        |kind| matches!(kind, StmtKind::For { target, orelse, is_async: false, .. } if show(target) == "(tuple i x)" && orelse.len() == 1),
    );
    check_statement(
        "while (n := n - 1) > 0:\n    continue\nelse:\n    pass\n",
        |kind| matches!(kind, StmtKind::While { test, .. } if show(test) == "(cmp (:= n (- n 1)) > 0)"),
    );
    check_statement("try:\n    x\nexcept (A, B) as e:\n    y\nexcept C:\n    pass\nexcept:\n    raise\nelse:\n    z\nfinally:\n    w\n", |kind| match kind {
        StmtKind::Try { handlers, orelse, finalbody, is_star: false, .. } => {
            handlers.len() == 3
                && handlers[0].name.as_deref() == Some("e")
                && handlers[0].exception_type.as_ref().map(show).as_deref() == Some("(tuple A B)")
                && handlers[2].exception_type.is_none()
                && orelse.len() == 1
                && finalbody.len() == 1
        }
        _ => false,
    });
    check_statement(
        "try:\n    x\nexcept* ValueError:\n    pass\n",
        |kind| matches!(kind, StmtKind::Try { is_star: true, handlers, .. } if handlers.len() == 1),
    );
    check_statement(
        "try:\n    x\nfinally:\n    y\n",
        |kind| matches!(kind, StmtKind::Try { handlers, finalbody, .. } if handlers.is_empty() && finalbody.len() == 1),
    );
    check_statement(
        "with a as b, c as (d, e), f:\n    pass\n",
        |kind| match kind {
            StmtKind::With { items, .. } => {
                items
                    .iter()
                    .map(|item| {
                        format!(
                            "{}>{}",
                            show(&item.context),
                            item.target.as_ref().map(show).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    == ["a>b", "c>(tuple d e)", "f>"]
            }
            _ => false,
        },
    );
    check_statement(
        "with (\n    open(a) as f,\n    open(b) as g,\n):\n    pass\n",
        |kind| matches!(kind, StmtKind::With { items, .. } if items.len() == 2 && items[1].target.as_ref().and_then(Expr::as_name) == Some("g")),
    );
    check_statement(
        "with (a, b) as c:\n    pass\n",
        |kind| matches!(kind, StmtKind::With { items, .. } if items.len() == 1 && show(&items[0].context) == "(tuple a b)"),
    );
    check_statement(
        "with (yield x):\n    pass\n",
        |kind| matches!(kind, StmtKind::With { items, .. } if items.len() == 1 && show(&items[0].context) == "(yield x)"),
    );
    check_statement("async def f():\n    async for x in y:\n        pass\n    async with a as b:\n        pass\n", |kind| match kind {
        StmtKind::FunctionDef(function) => {
            matches!(function.body[0].kind, StmtKind::For { is_async: true, .. })
                && matches!(function.body[1].kind, StmtKind::With { is_async: true, .. })
        }
        _ => false,
    });
    // Soft keywords stay names outside a real match statement.
    check_statement("match = re.match(p, s)\n", |kind| {
        matches!(kind, StmtKind::Assign { .. })
    });
    check_statement("match(x)\n", |kind| matches!(kind, StmtKind::Expr(_)));
    check_statement(
        "_ = case = type = 1\n",
        |kind| matches!(kind, StmtKind::Assign { targets, .. } if targets.len() == 3),
    );
}

#[test]
fn layout_edge_cases() {
    assert_eq!(parse("").body.len(), 0);
    assert_eq!(parse("\n\n   \n# only a comment").body.len(), 0);
    assert_eq!(parse("\u{feff}").body.len(), 0);
    assert_eq!(parse("x = 1").body.len(), 1);
    assert_eq!(parse("if x:\n    y = 1").body.len(), 1);
    assert_eq!(parse("x = 1 + \\\n    2\n").body.len(), 1);
    let module = parse("x = [\n    1,  # one\n\n    2,\n]\ny = {'a':\n  1}\n");
    assert_eq!(module.body.len(), 2);
    assert_eq!(module.body[0].span, span((1, 1), (5, 2)));
    // Comment lines and blank lines never affect indentation.
    let module = parse(
        "def f():\n    x = 1\n# dedented comment\n\n        # indented comment\n    return x\n",
    );
    assert_eq!(
        module.function("f").map(|function| function.body.len()),
        Some(2)
    );
    // Tabs and spaces may mix when consistent.
    let module = parse("if a:\n\tif b:\n\t\tx\n\ty\n");
    assert_eq!(module.body.len(), 1);
    let module = parse("if a:\r\n    b\r\nelse:\r\n    c");
    assert!(matches!(&module.body[0].kind, StmtKind::If { orelse, .. } if orelse.len() == 1));
    let module = parse("名前 = 'データ'\nclass Ünïcode: pass\n");
    assert_eq!(
        module
            .assigned_value("名前")
            .and_then(Expr::as_str_constant),
        Some("データ")
    );
    let module = parse("x = 1;\n");
    assert_eq!(module.body.len(), 1);
    assert_eq!(
        first_expression(&parse("'''doc'''")).as_str_constant(),
        Some("doc")
    );
    assert_eq!(parse("'''doc'''").docstring.as_deref(), Some("doc"));
    assert_eq!(parse("f'''doc'''").docstring, None);
}

#[test]
fn tokenize_reports_tokens_and_lexical_errors() {
    let Ok(tokens) = tokenize("if x:\n    y = 'a'\n") else {
        panic!("tokenize failed")
    };
    let kinds: Vec<String> = tokens
        .iter()
        .map(|token| match &token.kind {
            TokenKind::Name(name) => name.clone(),
            TokenKind::Keyword(word) => word.as_str().to_string(),
            TokenKind::Operator(operator) => operator.as_str().to_string(),
            TokenKind::String(string) => format!("str:{}", string.body),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "if",
            "x",
            ":",
            "Newline",
            "Indent",
            "y",
            "=",
            "str:a",
            "Newline",
            "Dedent",
            "EndOfFile"
        ]
    );
    assert_eq!(tokens[7].span, span((2, 9), (2, 12)));
    let Err(error) = tokenize("x = (") else {
        panic!("expected an error")
    };
    assert_eq!(error.to_string(), "1:5: '(' was never closed");
}

// ----- errors ------------------------------------------------------------------------------

#[test]
fn cpython_error_messages_and_positions() {
    check_errors(&[
        ("x = 1\n    y = 2\n", "2:5: unexpected indent"),
        ("  x = 1\n", "1:3: unexpected indent"),
        ("def f():\nreturn 1\n", "2:1: expected an indented block after function definition on line 1"),
        ("class A:\n\nx = 1\n", "3:1: expected an indented block after class definition on line 1"),
        ("if x:\n", "2:1: expected an indented block after 'if' statement on line 1"),
        ("if x:\n    pass\nelif y:\npass\n", "4:1: expected an indented block after 'elif' statement on line 3"),
        ("for x in y:\nz\n", "2:1: expected an indented block after 'for' statement on line 1"),
        ("while x:\nz\n", "2:1: expected an indented block after 'while' statement on line 1"),
        ("try:\nz\n", "2:1: expected an indented block after 'try' statement on line 1"),
        ("with x:\nz\n", "2:1: expected an indented block after 'with' statement on line 1"),
        ("if x:\n    a\n  b\n", "3:3: unindent does not match any outer indentation level"),
        ("if x:\n\tpass\n        pass\n", "3:9: inconsistent use of tabs and spaces in indentation"),
        ("x = 'abc\n", "1:5: unterminated string literal (detected at line 1)"),
        ("x = b'abc", "1:5: unterminated string literal (detected at line 1)"),
        ("x = 1\ny = \"\"\"abc\n\nz\n", "2:5: unterminated triple-quoted string literal (detected at line 4)"),
        ("foo(1,\n2\n", "1:4: '(' was never closed"),
        ("x = [1, {2: (3,\n", "1:13: '(' was never closed"),
        ("x = 1)\n", "1:6: unmatched ')'"),
        ("x = (1]\n", "1:7: closing parenthesis ']' does not match opening parenthesis '('"),
        ("x = (1,\n]\n", "2:1: closing parenthesis ']' does not match opening parenthesis '(' on line 1"),
        ("x = 1abc\n", "1:5: invalid decimal literal"),
        ("x = 123abc\n", "1:7: invalid decimal literal"),
        ("x = 1_\n", "1:6: invalid decimal literal"),
        ("x = 1e\n", "1:6: invalid decimal literal"),
        ("x = 0x\n", "1:6: invalid hexadecimal literal"),
        ("x = 0o8\n", "1:7: invalid digit '8' in octal literal"),
        ("x = 0b12\n", "1:8: invalid digit '2' in binary literal"),
        ("x = 0777\n", "1:5: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"),
        ("def f()\n    pass\n", "1:8: expected ':'"),
        ("class A\n    pass\n", "1:8: expected ':'"),
        ("if x  # comment\n    pass\n", "1:16: expected ':'"),
        ("f() = 1\n", "1:1: cannot assign to function call here. Maybe you meant '==' instead of '='?"),
        ("a + 1 = 2\n", "1:1: cannot assign to expression here. Maybe you meant '==' instead of '='?"),
        ("1 = x\n", "1:1: cannot assign to literal here. Maybe you meant '==' instead of '='?"),
        ("x = f() = 1\n", "1:5: cannot assign to function call"),
        ("(a, f()) = 1\n", "1:5: cannot assign to function call"),
        ("None = 1\n", "1:1: cannot assign to None"),
        ("a < b = 1\n", "1:1: cannot assign to comparison"),
        ("for f() in x: pass\n", "1:5: cannot assign to function call"),
        ("with a as f(): pass\n", "1:11: cannot assign to function call"),
        ("[x for 1 in y]\n", "1:8: cannot assign to literal"),
        ("del f()\n", "1:5: cannot delete function call"),
        ("*a = 1\n", "1:1: starred assignment target must be in a list or tuple"),
        ("a + 1 += 2\n", "1:1: 'expression' is an illegal expression for augmented assignment"),
        ("a, b: int\n", "1:1: only single target (not tuple) can be annotated"),
        ("[a]: int\n", "1:1: only single target (not list) can be annotated"),
        ("f(): int\n", "1:1: illegal target for annotation"),
        ("f(a=1, b)\n", "1:8: positional argument follows keyword argument"),
        ("f(**k, b)\n", "1:8: positional argument follows keyword argument unpacking"),
        ("f(**k, *b)\n", "1:8: iterable argument unpacking follows keyword argument unpacking"),
        ("f(a=1, a=2)\n", "1:8: keyword argument repeated: a"),
        ("f(a.b=1)\n", "1:3: expression cannot contain assignment, perhaps you meant \"==\"?"),
        ("f(True=1)\n", "1:3: cannot assign to True"),
        ("f(x for x in y, 1)\n", "1:3: Generator expression must be parenthesized"),
        ("f(1, x for x in y)\n", "1:6: Generator expression must be parenthesized"),
        ("x = = 1\n", "1:5: invalid syntax"),
        ("x := 1\n", "1:3: invalid syntax"),
        ("else:\n    pass\n", "1:1: invalid syntax"),
        ("x = 1 2\n", "1:7: invalid syntax"),
        ("x = [1, 2 3]\n", "1:9: invalid syntax. Perhaps you forgot a comma?"),
        ("f(a b)\n", "1:3: invalid syntax. Perhaps you forgot a comma?"),
        ("print 'hello'\n", "1:1: Missing parentheses in call to 'print'. Did you mean print(...)?"),
        ("if x = 1:\n    pass\n", "1:4: invalid syntax. Maybe you meant '==' or ':=' instead of '='?"),
        ("while f() = 1:\n    pass\n", "1:7: cannot assign to function call here. Maybe you meant '==' instead of '='?"),
        ("x = 1 if y\n", "1:5: expected 'else' after 'if' expression"),
        ("x = 'a' b'b'\n", "1:5: cannot mix bytes and nonbytes literals"),
        ("x = b'é'\n", "1:5: bytes can only contain ASCII literal characters"),
        ("x = '\\x4'\n", "1:5: (unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape"),
        ("x = 'é\\u12'\n", "1:5: (unicode error) 'unicodeescape' codec can't decode bytes in position 2-5: truncated \\uXXXX escape"),
        ("x = b'\\x'\n", "1:5: (value error) invalid \\x escape at position 0"),
        ("x = $\n", "1:5: invalid syntax"),
        ("x = a € b\n", "1:7: invalid character '€' (U+20AC)"),
        ("x = a\u{a0}b\n", "1:6: invalid non-printable character U+00A0"),
        ("x = 1 \\ 2\n", "1:8: unexpected character after line continuation character"),
        ("x = 1 \\", "1:7: unexpected EOF while parsing"),
        ("try:\n    pass\nx = 1\n", "3:1: expected 'except' or 'finally' block"),
        ("try:\n    pass\nexcept E, F:\n    pass\n", "3:8: multiple exception types must be parenthesized"),
        ("try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n", "3:1: default 'except:' must be last"),
        ("try:\n    pass\nexcept E:\n    pass\nexcept* F:\n    pass\n", "5:1: cannot have both 'except' and 'except*' on the same 'try'"),
        ("def f(a=1, b): pass\n", "1:12: non-default argument follows default argument"),
        ("def f(a, a): pass\n", "1:10: duplicate argument 'a' in function definition"),
        ("def f(*): pass\n", "1:7: named arguments must follow bare *"),
        ("def f(/, a): pass\n", "1:7: at least one argument must precede /"),
        ("def f(**k, a): pass\n", "1:12: arguments cannot follow var-keyword argument"),
        ("from x import a,\n", "1:17: trailing comma not allowed without surrounding parentheses"),
        ("match x:\n    case 1:\n        pass\n", "1:1: match statements are not supported"),
        ("x = f'{}'\n", "1:5: f-string: empty expression not allowed"),
        ("x = f'{a b}'\n", "1:8: f-string: invalid syntax. Perhaps you forgot a comma?"),
        ("x = f'{a!x}'\n", "1:5: f-string: invalid conversion character: expected 's', 'r', or 'a'"),
        ("x = f'{a'\n", "1:5: f-string: expecting '}'"),
        ("x = f'a}'\n", "1:5: f-string: single '}' is not allowed"),
        ("x = f'{a[\"b\\n\"]}'\n", "1:5: f-string expression part cannot include a backslash"),
        ("x = f'{a # b}'\n", "1:5: f-string expression part cannot include '#'"),
        ("x = f'{x:{y:{z}}}'\n", "1:5: f-string: expressions nested too deeply"),
        ("x = f'{)}'\n", "1:5: f-string: unmatched ')'"),
        ("x = (1 +\n", "1:5: '(' was never closed"),
        ("{'a' 1}\n", "1:2: invalid syntax. Perhaps you forgot a comma?"),
        ("{'a', 'b': 1}\n", "1:10: invalid syntax"),
        ("{'a': 1, 'b'}\n", "1:10: ':' expected after dictionary key"),
    ]);
}

#[test]
fn later_lexical_errors_override_parser_errors_like_cpython() {
    check_errors(&[
        // A parser error, then an unterminated string further down: CPython reports the string.
        (
            "x = = 1\ny = 'abc\n",
            "2:5: unterminated string literal (detected at line 2)",
        ),
        // An unclosed bracket wins when the parser failed on a later line ...
        ("print(\"hello\"\nx = 1\n", "1:6: '(' was never closed"),
        // ... but not when the parser failed on the bracket's own line.
        (
            "x = [1, 2 3\n",
            "1:9: invalid syntax. Perhaps you forgot a comma?",
        ),
        // Errors before any lexical error are reported as they are.
        ("def f()\n    pass\n", "1:8: expected ':'"),
    ]);
}

#[test]
fn error_kinds_and_display() {
    let Err(error) = parse_module("x = 1\n    y = 2\n") else {
        panic!("expected an error")
    };
    assert_eq!(error.kind, SyntaxErrorKind::Indentation);
    assert_eq!(error.kind.python_name(), "IndentationError");
    assert_eq!(error.position(), pos(2, 5));
    assert_eq!(
        format!("versions/ab12_x.py:{error}"),
        "versions/ab12_x.py:2:5: unexpected indent"
    );
    let Err(error) = parse_module("if x:\n\tpass\n        pass\n") else {
        panic!("expected an error")
    };
    assert_eq!(error.kind, SyntaxErrorKind::Tab);
    let Err(error) = parse_module("x = = 1") else {
        panic!("expected an error")
    };
    assert_eq!(error.kind, SyntaxErrorKind::Syntax);
    let Err(error) = parse_expression("a b") else {
        panic!("expected an error")
    };
    assert_eq!(error.to_string(), "1:3: invalid syntax");
}

// ----- robustness --------------------------------------------------------------------------

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
fn mutated_sources_never_panic() {
    let mut random = Xorshift(0x9e37_79b9_7f4a_7c15);
    let mut failures = 0;
    for iteration in 0..4000 {
        let Some(seed) = FUZZ_SEEDS.get(iteration % FUZZ_SEEDS.len()) else {
            continue;
        };
        let mutated = mutate(&mut random, seed, FUZZ_FRAGMENTS);
        if parse_module(&mutated).is_err() {
            failures += 1;
        }
        let _ = parse_expression(&mutated);
        let _ = tokenize(&mutated);
    }
    // The mutations must actually exercise the error paths.
    assert!(
        failures > 1000,
        "only {failures} mutated sources failed to parse"
    );
}

#[test]
fn random_bytes_never_panic() {
    let mut random = Xorshift(0x1234_5678_9abc_def1);
    for _ in 0..2000 {
        let length = random.below(200);
        let bytes: Vec<u8> = (0..length)
            .map(|_| {
                // Bias towards ASCII punctuation and whitespace, where the grammar lives.
                if random.below(3) == 0 {
                    random.below(256) as u8
                } else {
                    let alphabet = b" \t\n()[]{}'\"\\:=,.#*@fbrx0123456789_aeijn";
                    alphabet[random.below(alphabet.len())]
                }
            })
            .collect();
        let source = String::from_utf8_lossy(&bytes);
        let _ = parse_module(&source);
        let _ = parse_expression(&source);
    }
}

#[test]
fn hostile_nesting_is_an_error_not_a_stack_overflow() {
    let error_cases = [
        "(".repeat(100_000),
        format!("{}{}", "[".repeat(1000), "]".repeat(1000)),
        format!("x = {}1{}\n", "(".repeat(199), ")".repeat(199)),
        format!("x = {}1{}\n", "(".repeat(80), ")".repeat(80)),
        format!("x = {}1\n", "-".repeat(100_000)),
        format!("x = {}1\n", "not ".repeat(100_000)),
        format!("x = {}1\n", "1 + ".repeat(100_000)),
        format!("x = {}1\n", "lambda: ".repeat(100_000)),
        format!("x = {}1\n", "a if b else ".repeat(100_000)),
        format!("x = a{}\n", ".b".repeat(100_000)),
        format!("x = a{}\n", "[0]".repeat(100_000)),
        format!("x = a{}\n", "()".repeat(100_000)),
        format!("x = {}1\n", "f(".repeat(150)),
        format!("x = {}1{}\n", "f'{".repeat(300), "}'".repeat(300)),
        (0..150)
            .map(|level| format!("{}if x:\n", " ".repeat(level)))
            .collect::<String>()
            + &" ".repeat(150)
            + "pass\n",
    ];
    let run = move || {
        for source in &error_cases {
            assert!(
                parse_module(source).is_err(),
                "expected an error for {:?}...",
                source.get(..40)
            );
            assert!(parse_expression(source).is_err());
        }
        // Nesting just inside the limits still parses, on a small stack.
        let nested_brackets = format!("x = {}1{}\n", "([{".repeat(20), "}])".repeat(20));
        assert!(parse_module(&nested_brackets).is_ok());
        // The deepest indentation CPython allows, with a deep expression inside: either parses
        // or is rejected, within the stack.
        let deepest_blocks = (0..99)
            .map(|level| format!("{}if x:\n", " ".repeat(level)))
            .collect::<String>();
        for brackets in [10, 20, 40, 100] {
            let source = format!(
                "{deepest_blocks}{}x = {}1{}\n",
                " ".repeat(99),
                "f(".repeat(brackets),
                ")".repeat(brackets)
            );
            let _ = parse_module(&source);
        }
        let lambdas = format!("x = {}1\n", "lambda: ".repeat(70));
        assert!(parse_module(&lambdas).is_ok());
        let nested_blocks = (0..60)
            .map(|level| format!("{}if x:\n", " ".repeat(level)))
            .collect::<String>()
            + &" ".repeat(60)
            + "pass\n";
        assert!(parse_module(&nested_blocks).is_ok());
        let long_chain = format!("x = {}1\n", "a + ".repeat(100));
        assert!(parse_module(&long_chain).is_ok());
        let many_elifs = format!("if a:\n    pass\n{}", "elif b:\n    pass\n".repeat(10_000));
        assert!(parse_module(&many_elifs).is_ok());
        let long_list = format!("x = [{}]\n", "1, ".repeat(100_000));
        assert!(parse_module(&long_list).is_ok());
        let long_concatenation = format!("x = {}\n", "'a' ".repeat(10_000));
        assert!(parse_module(&long_concatenation).is_ok());
    };
    // 1 MB, like a wasm stack; debug builds use far bigger frames than release.
    let handle = std::thread::Builder::new().stack_size(1 << 20).spawn(run);
    let Ok(handle) = handle else {
        panic!("could not spawn the test thread")
    };
    assert!(handle.join().is_ok());
}
