use super::*;

// ----- statements --------------------------------------------------------------------------

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
