use super::*;

// ------------------------------------------------------------ §6.2 table

#[test]
fn create_table_if_not_exists() {
    let op = Operation::CreateTable {
        table: user_table(),
        if_not_exists: true,
    };
    assert!(
        offline(&op).starts_with("CREATE TABLE IF NOT EXISTS user (\n    id INTEGER NOT NULL, ")
    );
    assert!(
        online(&op)[0].starts_with("\nCREATE TABLE IF NOT EXISTS user (\n\tid INTEGER NOT NULL, ")
    );
}

#[test]
fn drop_table_rows() {
    let op = Operation::DropTable {
        table_name: "address".into(),
        if_exists: false,
    };
    assert_eq!(offline(&op), "DROP TABLE address;\n\n");
    assert_eq!(online(&op), vec!["\nDROP TABLE address"]); // measured
    let op = Operation::DropTable {
        table_name: "nonexistent".into(),
        if_exists: true,
    };
    assert_eq!(offline(&op), "DROP TABLE IF EXISTS nonexistent;\n\n");
}

#[test]
fn add_column_rows() {
    assert_eq!(
        offline(&add_col("user", Column::new("nickname", string(30)))),
        "ALTER TABLE user ADD COLUMN nickname VARCHAR(30);\n\n"
    );
    assert_eq!(
        online(&add_col("user", Column::new("nickname", string(30)))),
        vec!["ALTER TABLE user ADD COLUMN nickname VARCHAR(30)"]
    );
    assert_eq!(
        offline(&add_col(
            "user",
            Column::new("status", string(10))
                .not_null()
                .server_default(ServerDefault::Str("new".into()))
        )),
        "ALTER TABLE user ADD COLUMN status VARCHAR(10) DEFAULT 'new' NOT NULL;\n\n"
    );
    assert_eq!(
        offline(&add_col(
            "user",
            Column::new("status", string(10)).not_null()
        )),
        "ALTER TABLE user ADD COLUMN status VARCHAR(10) NOT NULL;\n\n"
    );
    assert_eq!(
        offline(&add_col(
            "user",
            Column::new("created", t(TypeClass::DateTime)).server_default(ServerDefault::FuncNow)
        )),
        "ALTER TABLE user ADD COLUMN created DATETIME DEFAULT CURRENT_TIMESTAMP;\n\n"
    );
    let mut add = AddColumn::new(Column::new("name", string(50)));
    add.if_not_exists = true;
    assert_eq!(
        offline(&Operation::AddColumn {
            table_name: "user".into(),
            add
        }),
        "ALTER TABLE user ADD COLUMN IF NOT EXISTS name VARCHAR(50);\n\n"
    );
    let pk_col = Column::new("id", t(TypeClass::Integer)).primary_key();
    assert_eq!(
        offline(&add_col("nopk", pk_col.clone())),
        "ALTER TABLE nopk ADD COLUMN id INTEGER NOT NULL;\n\n"
    );
    let mut add = AddColumn::new(pk_col);
    add.inline_primary_key = true;
    assert_eq!(
        offline(&Operation::AddColumn {
            table_name: "nopk".into(),
            add
        }),
        "ALTER TABLE nopk ADD COLUMN id INTEGER NOT NULL PRIMARY KEY;\n\n"
    );
}

#[test]
fn add_column_with_foreign_key_alters_then_raises() {
    let column =
        Column::new("owner_id", t(TypeClass::Integer)).foreign_key(ForeignKey::new("user.id"));
    let op = add_col("address", column.clone());
    assert_eq!(
        online(&op),
        vec![
            "ALTER TABLE address ADD COLUMN owner_id INTEGER".to_string(),
            not_impl()
        ]
    );
    assert_eq!(
        offline(&op),
        format!(
            "ALTER TABLE address ADD COLUMN owner_id INTEGER;\n\n{}",
            not_impl()
        )
    );
    let mut add = AddColumn::new(column);
    add.inline_references = true;
    let op = Operation::AddColumn {
        table_name: "address".into(),
        add,
    };
    assert_eq!(
        offline(&op),
        "ALTER TABLE address ADD COLUMN owner_id INTEGER REFERENCES user (id);\n\n"
    );
}

#[test]
fn add_column_extras_measured() {
    let flag = Column::new(
        "flag",
        t(TypeClass::Boolean)
            .with("create_constraint", Literal::Bool(true))
            .with("name", Literal::Str("ck_flag".into())),
    );
    assert_eq!(
        online(&add_col("user", flag)),
        vec![
            "ALTER TABLE user ADD COLUMN flag BOOLEAN".to_string(),
            format!("?{SKIP_IMPLICIT_CONSTRAINT}")
        ]
    );
    assert_eq!(
        offline(&add_col(
            "user",
            Column::new("u", t(TypeClass::Integer)).unique().index()
        )),
        "ALTER TABLE user ADD COLUMN u INTEGER;\n\nCREATE UNIQUE INDEX ix_user_u ON user (u);\n\n"
    );
    let mut c = Column::new("c", t(TypeClass::Integer));
    c.checks.push(CheckConstraint {
        name: None,
        sqltext: "c > 0".into(),
    });
    assert_eq!(
        offline(&add_col("user", c)),
        "ALTER TABLE user ADD COLUMN c INTEGER CHECK (c > 0);\n\n"
    );
    assert_eq!(
        online(&add_col(
            "user",
            Column::new("u", t(TypeClass::Integer)).unique()
        )),
        vec![
            "ALTER TABLE user ADD COLUMN u INTEGER".to_string(),
            not_impl()
        ]
    );
}

#[test]
fn drop_column_rows() {
    let op = Operation::DropColumn {
        table_name: "user".into(),
        column_name: "age".into(),
        if_exists: false,
    };
    assert_eq!(offline(&op), "ALTER TABLE user DROP COLUMN age;\n\n");
    assert_eq!(online(&op), vec!["ALTER TABLE user DROP COLUMN age"]);
    let op = Operation::DropColumn {
        table_name: "user".into(),
        column_name: "age".into(),
        if_exists: true,
    };
    assert_eq!(
        offline(&op),
        "ALTER TABLE user DROP COLUMN IF EXISTS age;\n\n"
    ); // measured
}

#[test]
fn alter_column_rows() {
    let mut a = alter("name");
    a.new_column_name = Some("full_name".into());
    assert_eq!(
        offline(&alter_op("user", a)),
        "ALTER TABLE user RENAME COLUMN name TO full_name;\n\n"
    );
    let mut a = alter("age");
    a.type_ = Some(t(TypeClass::BigInteger));
    a.existing_type = Some(t(TypeClass::Integer));
    assert_eq!(
        offline(&alter_op("user", a)),
        "ALTER TABLE user ALTER COLUMN age TYPE BIGINT;\n\n"
    );
    let mut a = alter("email");
    a.nullable = Some(false);
    a.existing_type = Some(string(100));
    assert_eq!(
        offline(&alter_op("user", a)),
        "ALTER TABLE user ALTER COLUMN email SET NOT NULL;\n\n"
    );
    let mut a = alter("age");
    a.server_default = Some(Some(ServerDefault::Str("0".into())));
    assert_eq!(
        offline(&alter_op("user", a)),
        "ALTER TABLE user ALTER COLUMN age SET DEFAULT '0';\n\n"
    );
    assert_eq!(offline(&alter_op("user", alter("age"))), "");
    let mut a = alter("age");
    a.comment = Some(Some("years".into()));
    a.existing_type = Some(t(TypeClass::Integer));
    let expected = format!(
        "!sqlalchemy.exc.UnsupportedCompilationError: Compiler <sqlalchemy.dialects.sqlite.base.SQLiteDDLCompiler object at {FAKE_COMPILER_ADDRESS}> can't render element of type <class 'alembic.ddl.base.ColumnComment'>: <class 'alembic.ddl.base.ColumnComment'> construct has no default compilation handler. (Background on this error at: https://sqlalche.me/e/21/l7de)"
    );
    assert_eq!(offline(&alter_op("user", a.clone())), expected);
    assert_eq!(online(&alter_op("user", a)), vec![expected]);
}

#[test]
fn alter_column_full_sequence_measured() {
    let mut a = alter("age");
    a.server_default = Some(Some(ServerDefault::Text("a+b".into())));
    a.nullable = Some(true);
    a.type_ = Some(string(5));
    a.new_column_name = Some("x".into());
    a.existing_type = Some(t(TypeClass::Integer));
    assert_eq!(
        offline(&alter_op("user", a)),
        "ALTER TABLE user ALTER COLUMN age DROP NOT NULL;\n\nALTER TABLE user ALTER COLUMN age SET DEFAULT a+b;\n\nALTER TABLE user ALTER COLUMN age TYPE VARCHAR(5);\n\nALTER TABLE user RENAME COLUMN age TO x;\n\n"
    );
    let mut a = alter("age");
    a.server_default = Some(None);
    assert_eq!(
        online(&alter_op("user", a)),
        vec!["ALTER TABLE user ALTER COLUMN age DROP DEFAULT"]
    );
    let mut a = alter("age");
    a.type_ = Some(
        t(TypeClass::Boolean)
            .with("create_constraint", Literal::Bool(true))
            .with("name", Literal::Str("ckk".into())),
    );
    a.existing_type = Some(
        SqlType::enumeration(&["a"], Some("oldck")).with("create_constraint", Literal::Bool(true)),
    );
    assert_eq!(
        online(&alter_op("user", a)),
        vec![
            "ALTER TABLE user ALTER COLUMN age TYPE BOOLEAN".to_string(),
            format!("?{SKIP_IMPLICIT_CONSTRAINT}")
        ]
    );
}

#[test]
fn rename_table_rows() {
    let op = Operation::RenameTable {
        old_table_name: "address".into(),
        new_table_name: "addresses".into(),
    };
    assert_eq!(offline(&op), "ALTER TABLE address RENAME TO addresses;\n\n");
    let op = Operation::RenameTable {
        old_table_name: "user".into(),
        new_table_name: "order".into(),
    };
    assert_eq!(online(&op), vec!["ALTER TABLE user RENAME TO \"order\""]); // measured
}

#[test]
fn index_rows() {
    let op = |index: Index, if_not_exists: bool| Operation::CreateIndex {
        index,
        if_not_exists,
    };
    assert_eq!(
        offline(&op(
            Index::on_columns("ix_user_name", "user", &["name"], false),
            false
        )),
        "CREATE INDEX ix_user_name ON user (name);\n\n"
    );
    assert_eq!(
        offline(&op(
            Index::on_columns("uq_ix_user_name_age", "user", &["name", "age"], true),
            false
        )),
        "CREATE UNIQUE INDEX uq_ix_user_name_age ON user (name, age);\n\n"
    );
    let lower = Index {
        name: Some("ix_lower_name".into()),
        table: Some("user".into()),
        elements: vec![IndexElement::Expression("lower(name)".into())],
        ..Index::default()
    };
    assert_eq!(
        offline(&op(lower, false)),
        "CREATE INDEX ix_lower_name ON user (lower(name));\n\n"
    );
    let mut adults = Index::on_columns("ix_adults", "user", &["age"], false);
    adults.sqlite_where = Some("age >= 18".into());
    assert_eq!(
        offline(&op(adults, false)),
        "CREATE INDEX ix_adults ON user (age) WHERE age >= 18;\n\n"
    );
    assert_eq!(
        offline(&op(
            Index::on_columns("ix_user_email", "user", &["email"], false),
            true
        )),
        "CREATE INDEX IF NOT EXISTS ix_user_email ON user (email);\n\n"
    );
    assert_eq!(
        online(&op(
            Index::on_columns("ix_user_email", "user", &["email"], false),
            false
        )),
        vec!["CREATE INDEX ix_user_email ON user (email)"]
    );
    // measured
    let all = Index {
        name: Some("ix".into()),
        table: Some("user".into()),
        elements: vec![
            IndexElement::Column("name".into()),
            IndexElement::Expression("lower(email)".into()),
        ],
        unique: true,
        sqlite_where: Some("age > 3".into()),
    };
    assert_eq!(
        online(&op(all, true)),
        vec!["CREATE UNIQUE INDEX IF NOT EXISTS ix ON user (name, lower(email)) WHERE age > 3"]
    );
    let drop = |name: &str, if_exists: bool| Operation::DropIndex {
        index_name: name.into(),
        table_name: Some("user".into()),
        if_exists,
    };
    assert_eq!(
        offline(&drop("ix_user_email", false)),
        "DROP INDEX ix_user_email;\n\n"
    );
    assert_eq!(
        online(&drop("ix_user_email", false)),
        vec!["\nDROP INDEX ix_user_email"]
    ); // measured
    assert_eq!(
        offline(&drop("ix_nope", true)),
        "DROP INDEX IF EXISTS ix_nope;\n\n"
    );
}

#[test]
fn constraint_ops_raise_before_sql() {
    let ops = vec![
        Operation::CreateUniqueConstraint {
            name: Some("uq_user_email".into()),
            table_name: "user".into(),
            columns: vec!["email".into()],
        },
        Operation::CreateForeignKey {
            source_table: "address".into(),
            fk: CreateForeignKey {
                name: Some("fk_address_user".into()),
                referent_table: "user".into(),
                local_cols: vec!["user_id".into()],
                remote_cols: vec!["id".into()],
                ondelete: Some("CASCADE".into()),
                ..CreateForeignKey::default()
            },
        },
        Operation::CreateCheckConstraint {
            name: Some("ck_user_age".into()),
            table_name: "user".into(),
            condition: "age >= 0".into(),
        },
        Operation::CreatePrimaryKey {
            name: Some("pk_nopk".into()),
            table_name: "nopk".into(),
            columns: vec!["a".into(), "b".into()],
        },
        Operation::DropConstraint {
            name: "uq".into(),
            table_name: "user".into(),
            type_: Some("unique".into()),
            if_exists: false,
        },
    ];
    for op in ops {
        assert_eq!(
            statements(&op, &RenderContext::offline()),
            Err(OpsError::NotImplemented(NO_ALTER_CONSTRAINTS.into()))
        );
        assert_eq!(offline(&op), not_impl());
    }
}

#[test]
fn table_comment_rows() {
    let op = Operation::CreateTableComment {
        table_name: "user".into(),
        comment: "the users".into(),
        existing_comment: None,
    };
    assert_eq!(offline(&op), "COMMENT ON TABLE user IS 'the users';\n\n");
    assert_eq!(online(&op), vec!["COMMENT ON TABLE user IS 'the users'"]);
    let op = Operation::DropTableComment {
        table_name: "user".into(),
        existing_comment: Some("the users".into()),
    };
    assert_eq!(offline(&op), "COMMENT ON TABLE user IS NULL;\n\n");
}

#[test]
fn execute_rows() {
    let plain = Operation::Execute(ExecuteSql::Text {
        sql: "UPDATE user SET age = age + 1 WHERE name = 'ann'".into(),
        binds: vec![],
    });
    assert_eq!(
        offline(&plain),
        "UPDATE user SET age = age + 1 WHERE name = 'ann';\n\n"
    );
    let steps = online_steps(&plain);
    assert!(matches!(&steps[..], [Step::Execute(st)] if !st.is_ddl && st.params == Params::None));
    let bound = Operation::Execute(ExecuteSql::Text {
        sql: "UPDATE user SET age = :a WHERE id = :i".into(),
        binds: vec![("a".into(), Literal::Int(5)), ("i".into(), Literal::Int(1))],
    });
    assert_eq!(offline(&bound), "UPDATE user SET age = 5 WHERE id = 1;\n\n");
    match online_steps(&bound).as_slice() {
        [Step::Execute(st)] => {
            assert_eq!(st.sql, "UPDATE user SET age = ? WHERE id = ?");
            assert_eq!(
                st.params,
                Params::Single(vec![Literal::Int(5), Literal::Int(1)])
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let update = Operation::Execute(ExecuteSql::Update {
        table: "user".into(),
        table_columns: vec!["id".into(), "name".into()],
        values: vec![(
            "name".into(),
            SqlExpr::InlineLiteral(Literal::Str("anne".into())),
        )],
        where_clause: Some(SqlExpr::Binary {
            left: Box::new(SqlExpr::Column {
                table: "user".into(),
                name: "name".into(),
            }),
            operator: "=".into(),
            right: Box::new(SqlExpr::InlineLiteral(Literal::Str("ann".into()))),
        }),
    });
    assert_eq!(
        offline(&update),
        "UPDATE user SET name='anne' WHERE user.name = 'ann';\n\n"
    );
    let create = Operation::Execute(ExecuteSql::Text {
        sql: "select 1".into(),
        binds: vec![],
    });
    assert!(matches!(&online_steps(&create)[..], [Step::Execute(st)] if st.is_ddl));
}

#[test]
fn execute_measured_extras() {
    let update = Operation::Execute(ExecuteSql::Update {
        table: "user".into(),
        table_columns: vec!["id".into(), "name".into()],
        values: vec![
            (
                "name".into(),
                SqlExpr::InlineLiteral(Literal::Str("gone".into())),
            ),
            ("id".into(), SqlExpr::Value(Literal::Int(5))),
        ],
        where_clause: Some(SqlExpr::Binary {
            left: Box::new(SqlExpr::Column {
                table: "user".into(),
                name: "id".into(),
            }),
            operator: "=".into(),
            right: Box::new(SqlExpr::Value(Literal::Int(2))),
        }),
    });
    assert_eq!(
        offline(&update),
        "UPDATE user SET id=5, name='gone' WHERE user.id = 2;\n\n"
    );
    match online_steps(&update).as_slice() {
        [Step::Execute(st)] => {
            assert_eq!(
                st.sql,
                "UPDATE user SET id=?, name='gone' WHERE user.id = ?"
            );
            assert_eq!(
                st.params,
                Params::Single(vec![Literal::Int(5), Literal::Int(2)])
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let delete = Operation::Execute(ExecuteSql::Delete {
        table: "user".into(),
        where_clause: Some(SqlExpr::Binary {
            left: Box::new(SqlExpr::Column {
                table: "user".into(),
                name: "id".into(),
            }),
            operator: "=".into(),
            right: Box::new(SqlExpr::InlineLiteral(Literal::Int(2))),
        }),
    });
    assert_eq!(online(&delete), vec!["DELETE FROM user WHERE user.id = 2"]);
    let insert = Operation::Execute(ExecuteSql::Insert {
        table: "user".into(),
        table_columns: vec!["id".into(), "name".into()],
        values: vec![
            ("name".into(), SqlExpr::Value(Literal::Str("x".into()))),
            ("id".into(), SqlExpr::InlineLiteral(Literal::Int(3))),
        ],
    });
    assert_eq!(
        offline(&insert),
        "INSERT INTO user (id, name) VALUES (3, 'x');\n\n"
    );
    assert_eq!(
        online(&insert),
        vec!["INSERT INTO user (id, name) VALUES (3, ?)"]
    );
    let missing = Operation::Execute(ExecuteSql::Text {
        sql: "select :a, :b".into(),
        binds: vec![],
    });
    assert_eq!(offline(&missing), "select NULL, NULL;\n\n");
    assert_eq!(
        online(&missing),
        vec![
            "!sqlalchemy.exc.StatementError: (sqlalchemy.exc.InvalidRequestError) A value is required for bind parameter 'a'\n[SQL: select ?, ?]\n(Background on this error at: https://sqlalche.me/e/21/cd3x)"
        ]
    );
    let escaped = Operation::Execute(ExecuteSql::Text {
        sql: "select '12:30', :x, \\:y".into(),
        binds: vec![("x".into(), Literal::Str("o'neil".into()))],
    });
    assert_eq!(offline(&escaped), "select '12:30', 'o''neil', :y;\n\n");
    assert_eq!(online(&escaped), vec!["select '12:30', ?, :y"]);
}

#[test]
fn bulk_insert_rows() {
    let rows = vec![
        row(&[
            ("id", Literal::Int(10)),
            ("name", Literal::Str("bob".into())),
            ("age", Literal::Int(20)),
        ]),
        row(&[
            ("id", Literal::Int(11)),
            ("name", Literal::Str("o'neil".into())),
            ("age", Literal::None),
        ]),
    ];
    let op = Operation::BulkInsert {
        table: user_bulk_table(true),
        rows: rows.clone(),
        multiinsert: true,
    };
    assert_eq!(
        offline(&op),
        "INSERT INTO user (id, name, age) VALUES (10, 'bob', 20);\n\nINSERT INTO user (id, name, age) VALUES (11, 'o''neil', NULL);\n\n"
    );
    match online_steps(&op).as_slice() {
        [Step::Execute(st)] => {
            assert_eq!(st.sql, "INSERT INTO user (id, name, age) VALUES (?, ?, ?)");
            assert!(!st.is_ddl);
            assert_eq!(
                st.params,
                Params::Many(vec![
                    vec![
                        Literal::Int(10),
                        Literal::Str("bob".into()),
                        Literal::Int(20)
                    ],
                    vec![
                        Literal::Int(11),
                        Literal::Str("o'neil".into()),
                        Literal::None
                    ],
                ])
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let op = Operation::BulkInsert {
        table: user_bulk_table(true),
        rows: rows.clone(),
        multiinsert: false,
    };
    assert_eq!(online(&op).len(), 2);
    // measured: untyped sa.column() cannot be rendered offline
    let op = Operation::BulkInsert {
        table: user_bulk_table(false),
        rows,
        multiinsert: true,
    };
    assert_eq!(
        offline(&op),
        "!sqlalchemy.exc.CompileError: No literal value renderer is available for literal value \"10\" with datatype NULL"
    );
}

#[test]
fn bulk_insert_ragged_rows() {
    let rows = vec![
        row(&[
            ("name", Literal::Str("bob".into())),
            ("id", Literal::Int(10)),
        ]),
        row(&[
            ("id", Literal::Int(11)),
            ("name", Literal::Str("cy".into())),
            ("age", Literal::Int(3)),
        ]),
    ];
    let op = Operation::BulkInsert {
        table: user_bulk_table(true),
        rows,
        multiinsert: true,
    };
    // measured: offline each row has its own column list (table order) ...
    assert_eq!(
        offline(&op),
        "INSERT INTO user (id, name) VALUES (10, 'bob');\n\nINSERT INTO user (id, name, age) VALUES (11, 'cy', 3);\n\n"
    );
    // ... online the first row's keys win and age=3 is dropped
    match online_steps(&op).as_slice() {
        [Step::Execute(st)] => {
            assert_eq!(st.sql, "INSERT INTO user (id, name) VALUES (?, ?)");
            assert_eq!(
                st.params,
                Params::Many(vec![
                    vec![Literal::Int(10), Literal::Str("bob".into())],
                    vec![Literal::Int(11), Literal::Str("cy".into())],
                ])
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    // measured: a later row lacking a key of the first row
    let rows = vec![
        row(&[
            ("id", Literal::Int(11)),
            ("name", Literal::Str("cy".into())),
            ("age", Literal::Int(3)),
        ]),
        row(&[
            ("name", Literal::Str("bob".into())),
            ("id", Literal::Int(10)),
        ]),
    ];
    let op = Operation::BulkInsert {
        table: user_bulk_table(true),
        rows,
        multiinsert: true,
    };
    assert_eq!(
        online(&op),
        vec![
            "!sqlalchemy.exc.StatementError: (sqlalchemy.exc.InvalidRequestError) A value is required for bind parameter 'age', in parameter group 1\n[SQL: INSERT INTO user (id, name, age) VALUES (?, ?, ?)]\n[parameters: [{'id': 11, 'name': 'cy', 'age': 3}, {'name': 'bob', 'id': 10}]]\n(Background on this error at: https://sqlalche.me/e/21/cd3x)"
        ]
    );
    let op = Operation::BulkInsert {
        table: user_bulk_table(true),
        rows: vec![row(&[("id", Literal::Int(11)), ("zz", Literal::Int(3))])],
        multiinsert: true,
    };
    assert_eq!(offline(&op), "!KeyError: 'zz'");
    assert_eq!(online(&op), vec!["INSERT INTO user (id) VALUES (?)"]);
}

#[test]
fn typed_literals_measured() {
    let one = |class: TypeClass, value: Literal| {
        let op = Operation::BulkInsert {
            table: BulkInsertTable {
                name: "t".into(),
                columns: vec![("x".into(), Some(t(class)))],
            },
            rows: vec![row(&[("x", value)])],
            multiinsert: true,
        };
        offline(&op)
            .strip_prefix("INSERT INTO t (x) VALUES (")
            .map(|s| s.trim_end_matches(");\n\n").to_string())
            .unwrap_or_else(|| offline(&op))
    };
    assert_eq!(one(TypeClass::Integer, Literal::Float(3.7)), "3");
    assert_eq!(
        one(TypeClass::Integer, Literal::Float(1e20)),
        "100000000000000000000"
    );
    assert_eq!(one(TypeClass::Integer, Literal::Bool(true)), "1");
    assert_eq!(one(TypeClass::Integer, Literal::Str("5".into())), "5");
    assert_eq!(one(TypeClass::Float, Literal::Float(1e20)), "1e+20");
    assert_eq!(one(TypeClass::Float, Literal::Float(0.1)), "0.1");
    assert_eq!(one(TypeClass::Float, Literal::Bool(true)), "True");
    assert_eq!(one(TypeClass::Boolean, Literal::Bool(false)), "0");
    assert_eq!(
        one(TypeClass::String, Literal::Str("a\\b%c".into())),
        "'a\\b%c'"
    );
    assert_eq!(
        one(TypeClass::String, Literal::Int(5)),
        "!sqlalchemy.exc.CompileError: Could not render literal value \"5\" with datatype VARCHAR; see parent stack trace for more detail."
    );
    assert_eq!(
        one(TypeClass::Integer, Literal::Str("o'neil".into())),
        "!sqlalchemy.exc.CompileError: Could not render literal value \"\"o'neil\"\" with datatype INTEGER; see parent stack trace for more detail."
    );
    assert_eq!(
        one(TypeClass::JSON, Literal::Int(5)),
        "!sqlalchemy.exc.CompileError: No literal value renderer is available for literal value \"5\" with datatype JSON"
    );
}
