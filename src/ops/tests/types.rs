use super::*;

// ------------------------------------------------------------------ types

#[test]
fn types_ddl_repr_and_reflection() {
    for (name, kwargs, ddl, repr, reflected) in TYPE_TABLE {
        if ddl.is_empty() {
            continue;
        }
        let keywords: Vec<(String, Literal)> = kwargs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let ty = SqlType::from_python_call(&format!("sa.{name}"), &[], &keywords);
        let ty = match ty {
            Ok(ty) => ty,
            Err(e) => panic!("{name}: {e}"),
        };
        assert_eq!(ty.ddl().as_deref(), Ok(*ddl), "ddl of {name}");
        assert_eq!(ty.python_repr(), *repr, "repr of {name}");
        let (back, warning) = SqlType::from_sqlite_declared(ddl);
        assert_eq!(warning, None);
        assert_eq!(back.python_repr(), *reflected, "reflected repr of {name}");
    }
}

#[test]
fn type_calls_positional_and_enum() {
    let s = SqlType::from_python_call("sa.String", &[Literal::Int(50)], &[]);
    assert_eq!(
        s.map(|t| t.python_repr()),
        Ok("sa.String(length=50)".to_string())
    );
    let bare = SqlType::from_python_call("String", &[], &[]);
    assert_eq!(bare.map(|t| t.python_repr()), Ok("sa.String()".to_string()));
    let e = SqlType::from_python_call(
        "sa.Enum",
        &[Literal::Str("a".into()), Literal::Str("bb".into())],
        &[("name".into(), Literal::Str("e".into()))],
    );
    let e = match e {
        Ok(e) => e,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(e.python_repr(), "sa.Enum('a', 'bb', name='e')");
    assert_eq!(e.ddl(), Ok("VARCHAR(2)".to_string()));
    assert_eq!(
        SqlType::from_sqlite_declared("VARCHAR(2)").0.python_repr(),
        "sa.VARCHAR(length=2)"
    );
    // measured
    let e = SqlType::from_python_call(
        "sa.Enum",
        &[Literal::Str("a".into())],
        &[
            ("create_constraint".into(), Literal::Bool(true)),
            ("length".into(), Literal::Int(5)),
            ("native_enum".into(), Literal::Bool(false)),
            ("name".into(), Literal::Str("e".into())),
        ],
    );
    assert_eq!(
        e.map(|t| t.python_repr()),
        Ok(
            "sa.Enum('a', name='e', native_enum=False, create_constraint=True, length=5)"
                .to_string()
        )
    );
    let q = SqlType::from_python_call(
        "sa.Enum",
        &[Literal::Str("it's".into())],
        &[("name".into(), Literal::Str("q".into()))],
    );
    assert_eq!(
        q.map(|t| t.python_repr()),
        Ok("sa.Enum(\"it's\", name='q')".to_string())
    );
    let c = SqlType::from_python_call(
        "sa.String",
        &[Literal::Int(50), Literal::Str("NOCASE".into())],
        &[],
    );
    let c = match c {
        Ok(c) => c,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(c.python_repr(), "sa.String(length=50, collation='NOCASE')");
    assert_eq!(c.ddl(), Ok("VARCHAR(50) COLLATE \"NOCASE\"".to_string()));
    let j = SqlType::from_python_call("sqlite.JSON", &[], &[]);
    assert_eq!(j.map(|t| t.python_repr()), Ok("sqlite.JSON()".to_string()));
    let empty =
        SqlType::from_python_call("sa.Enum", &[], &[("name".into(), Literal::Str("z".into()))]);
    assert_eq!(empty.and_then(|t| t.ddl()), Ok("VARCHAR".to_string()));
    assert!(matches!(
        SqlType::from_python_call("sa.String", &[], &[("size".into(), Literal::Int(1))]),
        Err(OpsError::Type(_))
    ));
    assert_eq!(
        SqlType::from_sqlite_declared("").0.class,
        TypeClass::NullType
    );
    assert_eq!(
        SqlType::from_sqlite_declared("MEDIUMINT").0.python_repr(),
        "sa.INTEGER()"
    );
    assert_eq!(
        SqlType::from_sqlite_declared("STRING").0.python_repr(),
        "sa.NUMERIC()"
    );
}

// ------------------------------------------------------------ primitives

#[test]
fn quoting_and_python_reprs() {
    use super::sqltext::{py_float_repr, py_repr_str, quote};
    assert_eq!(quote("user"), "user");
    assert_eq!(quote("order"), "\"order\"");
    assert_eq!(quote("Mixed"), "\"Mixed\"");
    assert_eq!(quote("Ix Multi"), "\"Ix Multi\"");
    assert_eq!(quote("1abc"), "\"1abc\"");
    assert_eq!(py_repr_str("o'neil"), "\"o'neil\"");
    assert_eq!(py_repr_str("a\"b'c"), "'a\"b\\'c'");
    assert_eq!(py_float_repr(3.7), "3.7");
    assert_eq!(py_float_repr(1e20), "1e+20");
    assert_eq!(py_float_repr(1e16), "1e+16");
    assert_eq!(py_float_repr(1234.5), "1234.5");
    assert_eq!(py_float_repr(5.0), "5.0");
    assert_eq!(py_float_repr(0.0001), "0.0001");
    assert_eq!(py_float_repr(0.00001), "1e-05");
    assert_eq!(py_float_repr(-2.5e-7), "-2.5e-07");
}

#[test]
fn regex_engine_subset() {
    use super::regex::Regex;
    let r = Regex::new(
        r#"(?:CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+)?UNIQUE\s*\((.+?)\)"#,
        true,
        false,
    );
    let Some(r) = r else { panic!("pattern") };
    let found = r.find_iter("x, constraint \"u q\" unique (a, b), UNIQUE(c)");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].get(1).as_deref(), Some("u q"));
    assert_eq!(found[0].get(3).as_deref(), Some("a, b"));
    assert_eq!(found[1].get(1), None);
    let look = Regex::new(r"(?<![a-z])CHECK", true, false);
    let Some(look) = look else { panic!("pattern") };
    assert_eq!(look.find_iter("tablecheck CHECK").len(), 1);
}

#[test]
fn batch_rename_follows_into_constraints_and_indexes_measured() {
    let reflected = reflect_table(&SqliteTableData {
        name: "c".into(),
        sql: Some("CREATE TABLE c (id INTEGER NOT NULL, pid INTEGER, code VARCHAR(5), PRIMARY KEY (id), CONSTRAINT uq_code UNIQUE (code, pid), CONSTRAINT fk_p FOREIGN KEY(pid) REFERENCES p (id))".into()),
        columns: vec![
            pragma_col(0, "id", "INTEGER", true, None, 1),
            pragma_col(1, "pid", "INTEGER", false, None, 0),
            pragma_col(2, "code", "VARCHAR(5)", false, None, 0),
        ],
        foreign_keys: vec![PragmaForeignKey {
            id: 0,
            seq: 0,
            table: "p".into(),
            from: "pid".into(),
            to: Some("id".into()),
            on_update: "NO ACTION".into(),
            on_delete: "NO ACTION".into(),
            match_: "NONE".into(),
        }],
        indexes: vec![
            PragmaIndex {
                name: "ix_c_pid".into(),
                unique: false,
                origin: "c".into(),
                partial: false,
                columns: vec![Some("pid".into())],
                sql: Some("CREATE INDEX ix_c_pid ON c (pid)".into()),
            },
            PragmaIndex {
                name: "sqlite_autoindex_c_1".into(),
                unique: true,
                origin: "u".into(),
                partial: false,
                columns: vec![Some("code".into()), Some("pid".into())],
                sql: None,
            },
        ],
        referred_primary_keys: vec![],
    });
    let mut pid = alter("pid");
    pid.new_column_name = Some("parent_id".into());
    let op = batch("c", Recreate::Auto, vec![BatchOp::AlterColumn(pid)]);
    let steps = online_steps_with(&op, &RenderContext::online().with_reflected(reflected));
    assert_eq!(
        render_online(&steps),
        vec![
            "\nCREATE TABLE _alembic_tmp_c (\n\tid INTEGER NOT NULL, \n\tparent_id INTEGER, \n\tcode VARCHAR(5), \n\tPRIMARY KEY (id), \n\tCONSTRAINT fk_p FOREIGN KEY(parent_id) REFERENCES p (id), \n\tCONSTRAINT uq_code UNIQUE (code, parent_id)\n)\n\n",
            "INSERT INTO _alembic_tmp_c (id, parent_id, code) SELECT c.id, c.pid, c.code \nFROM c",
            "\nDROP TABLE c",
            "ALTER TABLE _alembic_tmp_c RENAME TO c",
            "CREATE INDEX ix_c_pid ON c (parent_id)",
        ]
    );
}
