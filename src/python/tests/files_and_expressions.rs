use super::*;

// ----- real files --------------------------------------------------------------------------

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
