use super::*;

// ------------------------------------------------------------ §6.3 chain

#[test]
fn pops_chain_offline() {
    let mut out = String::new();
    let mut run = |op: Operation| out.push_str(&offline(&op));
    // c0ffee000001
    run(Operation::CreateTable {
        table: Table::new(
            "user",
            vec![
                Column::new("id", t(TypeClass::Integer)).primary_key(),
                Column::new("name", string(50)).not_null(),
                Column::new("email", string(100)),
                Column::new("age", t(TypeClass::Integer)),
            ],
        ),
        if_not_exists: false,
    });
    run(Operation::CreateTable {
        table: Table::new(
            "address",
            vec![
                Column::new("id", t(TypeClass::Integer)).primary_key(),
                Column::new("user_id", t(TypeClass::Integer))
                    .foreign_key(ForeignKey::new("user.id")),
                Column::new("street", string(100))
                    .not_null()
                    .server_default(ServerDefault::Str(String::new())),
            ],
        ),
        if_not_exists: false,
    });
    // c0ffee000002
    run(add_col("user", Column::new("nickname", string(30))));
    run(add_col(
        "user",
        Column::new("status", string(10))
            .not_null()
            .server_default(ServerDefault::Str("new".into())),
    ));
    run(Operation::DropColumn {
        table_name: "user".into(),
        column_name: "age".into(),
        if_exists: false,
    });
    // c0ffee000003
    run(Operation::CreateIndex {
        index: Index::on_columns("ix_user_email", "user", &["email"], true),
        if_not_exists: false,
    });
    run(Operation::CreateIndex {
        index: Index::on_columns("ix_address_user_id", "address", &["user_id"], false),
        if_not_exists: false,
    });
    // c0ffee000004
    run(Operation::RenameTable {
        old_table_name: "address".into(),
        new_table_name: "addresses".into(),
    });
    let mut a = alter("name");
    a.new_column_name = Some("full_name".into());
    run(alter_op("user", a));
    // c0ffee000005
    let typed = BulkInsertTable {
        name: "user".into(),
        columns: vec![
            ("id".into(), Some(t(TypeClass::Integer))),
            ("full_name".into(), Some(t(TypeClass::String))),
            ("status".into(), Some(t(TypeClass::String))),
        ],
    };
    run(Operation::BulkInsert {
        table: typed,
        rows: vec![
            row(&[
                ("id", Literal::Int(1)),
                ("full_name", Literal::Str("Ann".into())),
                ("status", Literal::Str("new".into())),
            ]),
            row(&[
                ("id", Literal::Int(2)),
                ("full_name", Literal::Str("O'Neil".into())),
                ("status", Literal::Str("old".into())),
            ]),
        ],
        multiinsert: true,
    });
    run(Operation::Execute(ExecuteSql::Text {
        sql: "UPDATE user SET status = 'active' WHERE id = 1".into(),
        binds: vec![],
    }));
    run(Operation::Execute(ExecuteSql::Update {
        table: "user".into(),
        table_columns: vec!["id".into(), "status".into()],
        values: vec![(
            "status".into(),
            SqlExpr::InlineLiteral(Literal::Str("gone".into())),
        )],
        where_clause: Some(SqlExpr::Binary {
            left: Box::new(SqlExpr::Column {
                table: "user".into(),
                name: "id".into(),
            }),
            operator: "=".into(),
            right: Box::new(SqlExpr::InlineLiteral(Literal::Int(2))),
        }),
    }));
    // c0ffee000006
    let mut copy_from = Table::new(
        "user",
        vec![
            Column::new("id", t(TypeClass::Integer)).primary_key(),
            Column::new("full_name", string(50)).not_null(),
            Column::new("email", string(100)),
            Column::new("nickname", string(30)),
            Column::new("status", string(10))
                .not_null()
                .server_default(ServerDefault::Str("new".into())),
        ],
    );
    copy_from
        .indexes
        .push(Index::on_columns("ix_user_email", "user", &["email"], true));
    let mut email = alter("email");
    email.nullable = Some(false);
    email.existing_type = Some(string(100));
    let mut nick = alter("nickname");
    nick.type_ = Some(string(60));
    nick.existing_type = Some(string(30));
    run(Operation::BatchAlterTable {
        table_name: "user".into(),
        recreate: Recreate::Auto,
        copy_from: Some(copy_from),
        table_args: vec![],
        naming_convention: vec![],
        ops: vec![
            BatchOp::AlterColumn(email),
            BatchOp::AlterColumn(nick),
            BatchOp::CreateUniqueConstraint {
                name: Some("uq_user_full_name".into()),
                columns: vec!["full_name".into()],
            },
            BatchOp::CreateCheckConstraint {
                name: Some("ck_user_status".into()),
                condition: "status IN ('new','active','gone','old')".into(),
            },
        ],
    });
    let expected = "CREATE TABLE user (
    id INTEGER NOT NULL, 
    name VARCHAR(50) NOT NULL, 
    email VARCHAR(100), 
    age INTEGER, 
    PRIMARY KEY (id)
);

CREATE TABLE address (
    id INTEGER NOT NULL, 
    user_id INTEGER, 
    street VARCHAR(100) DEFAULT '' NOT NULL, 
    PRIMARY KEY (id), 
    FOREIGN KEY(user_id) REFERENCES user (id)
);

ALTER TABLE user ADD COLUMN nickname VARCHAR(30);

ALTER TABLE user ADD COLUMN status VARCHAR(10) DEFAULT 'new' NOT NULL;

ALTER TABLE user DROP COLUMN age;

CREATE UNIQUE INDEX ix_user_email ON user (email);

CREATE INDEX ix_address_user_id ON address (user_id);

ALTER TABLE address RENAME TO addresses;

ALTER TABLE user RENAME COLUMN name TO full_name;

INSERT INTO user (id, full_name, status) VALUES (1, 'Ann', 'new');

INSERT INTO user (id, full_name, status) VALUES (2, 'O''Neil', 'old');

UPDATE user SET status = 'active' WHERE id = 1;

UPDATE user SET status='gone' WHERE user.id = 2;

CREATE TABLE _alembic_tmp_user (
    id INTEGER NOT NULL, 
    full_name VARCHAR(50) NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nickname VARCHAR(60), 
    status VARCHAR(10) DEFAULT 'new' NOT NULL, 
    PRIMARY KEY (id), 
    CONSTRAINT uq_user_full_name UNIQUE (full_name), 
    CONSTRAINT ck_user_status CHECK (status IN ('new','active','gone','old'))
);

INSERT INTO _alembic_tmp_user (id, full_name, email, nickname, status) SELECT user.id, user.full_name, user.email, user.nickname, user.status 
FROM user;

DROP TABLE user;

ALTER TABLE _alembic_tmp_user RENAME TO user;

CREATE UNIQUE INDEX ix_user_email ON user (email);

";
    assert_eq!(out, expected);
}

// ------------------------------------------------------------------ §6.4

#[test]
fn batch_online_capture() {
    let mut age = alter("age");
    age.type_ = Some(t(TypeClass::BigInteger));
    let mut email = alter("email");
    email.nullable = Some(false);
    let mut name = alter("name");
    name.new_column_name = Some("full_name".into());
    let op = batch(
        "user",
        Recreate::Auto,
        vec![
            BatchOp::AlterColumn(age),
            BatchOp::AlterColumn(email),
            BatchOp::AlterColumn(name),
            BatchOp::DropColumn {
                column_name: "age".into(),
                existing_type: None,
            },
            BatchOp::AddColumn(AddColumn::new(
                Column::new("nickname", string(30)).server_default(ServerDefault::Str("x".into())),
            )),
        ],
    );
    assert_eq!(
        table_to_reflect(&op, &RenderContext::online()),
        Some("user".to_string())
    );
    let steps = online_steps_with(&op, &fixture_ctx());
    assert_eq!(
        render_online(&steps),
        vec![
            "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tfull_name VARCHAR(50) NOT NULL, \n\temail VARCHAR(100) NOT NULL, \n\tnickname VARCHAR(30) DEFAULT 'x', \n\tPRIMARY KEY (id)\n)\n\n",
            "INSERT INTO _alembic_tmp_user (id, full_name, email) SELECT user.id, user.name, user.email \nFROM user",
            "\nDROP TABLE user",
            "ALTER TABLE _alembic_tmp_user RENAME TO user",
            "CREATE INDEX ix_user_email ON user (email)",
        ]
    );
    // measured: when the copy fails Alembic drops the temporary table
    match steps.get(1) {
        Some(Step::Execute(st)) => {
            assert!(!st.is_ddl);
            assert_eq!(
                render_online(&[Step::Execute(st.on_error[0].clone())]),
                vec!["\nDROP TABLE _alembic_tmp_user"]
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn batch_without_recreate() {
    let op = batch(
        "user",
        Recreate::Auto,
        vec![BatchOp::AddColumn(AddColumn::new(Column::new(
            "nickname",
            string(30),
        )))],
    );
    assert_eq!(table_to_reflect(&op, &RenderContext::online()), None);
    assert_eq!(
        batch_online(&op),
        vec!["ALTER TABLE user ADD COLUMN nickname VARCHAR(30)"]
    );
    let op = batch(
        "user",
        Recreate::Auto,
        vec![
            BatchOp::CreateIndex {
                index: Index::on_columns("ix_user_name", "", &["name"], false),
                if_not_exists: false,
            },
            BatchOp::DropIndex {
                index_name: "ix_user_email".into(),
                if_exists: false,
            },
        ],
    );
    assert_eq!(
        batch_online(&op),
        vec![
            "CREATE INDEX ix_user_name ON user (name)",
            "\nDROP INDEX ix_user_email"
        ]
    );
    // measured: an indexed new column without recreate
    let op = batch(
        "address",
        Recreate::Auto,
        vec![BatchOp::AddColumn(AddColumn::new(
            Column::new("code", t(TypeClass::Integer)).index(),
        ))],
    );
    assert_eq!(
        batch_online(&op),
        vec![
            "ALTER TABLE address ADD COLUMN code INTEGER",
            "CREATE INDEX ix_address_code ON address (code)"
        ]
    );
}

#[test]
fn batch_new_constraints() {
    let op = batch(
        "address",
        Recreate::Auto,
        vec![
            BatchOp::CreateUniqueConstraint {
                name: Some("uq_address_street".into()),
                columns: vec!["street".into()],
            },
            BatchOp::CreateForeignKey(CreateForeignKey {
                name: Some("fk_address_user".into()),
                referent_table: "user".into(),
                local_cols: vec!["user_id".into()],
                remote_cols: vec!["id".into()],
                ondelete: Some("CASCADE".into()),
                ..CreateForeignKey::default()
            }),
            BatchOp::CreateCheckConstraint {
                name: Some("ck_street_len".into()),
                condition: "length(street) > 0".into(),
            },
        ],
    );
    assert_eq!(
        batch_online(&op),
        vec![
            "\nCREATE TABLE _alembic_tmp_address (\n\tid INTEGER NOT NULL, \n\tuser_id INTEGER, \n\tstreet VARCHAR(100), \n\tPRIMARY KEY (id), \n\tCONSTRAINT uq_address_street UNIQUE (street), \n\tCONSTRAINT fk_address_user FOREIGN KEY(user_id) REFERENCES user (id) ON DELETE CASCADE, \n\tCONSTRAINT ck_street_len CHECK (length(street) > 0)\n)\n\n",
            "INSERT INTO _alembic_tmp_address (id, user_id, street) SELECT address.id, address.user_id, address.street \nFROM address",
            "\nDROP TABLE address",
            "ALTER TABLE _alembic_tmp_address RENAME TO address",
        ]
    );
}

#[test]
fn batch_primary_key() {
    let op = batch(
        "nopk",
        Recreate::Auto,
        vec![BatchOp::CreatePrimaryKey {
            name: Some("pk_nopk".into()),
            columns: vec!["a".into(), "b".into()],
        }],
    );
    assert_eq!(
        batch_online(&op),
        vec![
            "\nCREATE TABLE _alembic_tmp_nopk (\n\ta INTEGER, \n\tb INTEGER, \n\tCONSTRAINT pk_nopk PRIMARY KEY (a, b)\n)\n\n",
            "INSERT INTO _alembic_tmp_nopk (a, b) SELECT nopk.a, nopk.b \nFROM nopk",
            "\nDROP TABLE nopk",
            "ALTER TABLE _alembic_tmp_nopk RENAME TO nopk",
        ]
    );
}

#[test]
fn batch_server_defaults() {
    let mut age = alter("age");
    age.server_default = Some(Some(ServerDefault::Str("18".into())));
    let sql = batch_online(&batch(
        "user",
        Recreate::Auto,
        vec![BatchOp::AlterColumn(age)],
    ));
    assert_eq!(
        sql[0],
        "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER DEFAULT '18', \n\tPRIMARY KEY (id)\n)\n\n"
    );
    assert_eq!(
        sql[1],
        "INSERT INTO _alembic_tmp_user (id, name, email, age) SELECT user.id, user.name, user.email, user.age \nFROM user"
    );
    let created = BatchOp::AddColumn(AddColumn::new(
        Column::new("created", t(TypeClass::DateTime)).server_default(ServerDefault::FuncNow),
    ));
    assert!(requires_recreate(std::slice::from_ref(&created)));
    let sql = batch_online(&batch("user", Recreate::Auto, vec![created]));
    assert_eq!(
        sql,
        vec![
            "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER, \n\tcreated DATETIME DEFAULT CURRENT_TIMESTAMP, \n\tPRIMARY KEY (id)\n)\n\n",
            "INSERT INTO _alembic_tmp_user (id, name, email, age) SELECT user.id, user.name, user.email, user.age \nFROM user",
            "\nDROP TABLE user",
            "ALTER TABLE _alembic_tmp_user RENAME TO user",
            "CREATE INDEX ix_user_email ON user (email)",
        ]
    );
}

#[test]
fn batch_insert_before_after() {
    let mut first = AddColumn::new(Column::new("first", string(5)));
    first.insert_before = Some("id".into());
    let op = batch(
        "user",
        Recreate::Auto,
        vec![BatchOp::AddColumn(first.clone())],
    );
    assert_eq!(
        batch_online(&op),
        vec![
            "!alembic.util.exc.CommandError: Can't specify insert_before or insert_after when using ALTER; please specify recreate='always'"
        ]
    );
    let mut middle = AddColumn::new(Column::new("middle", string(5)));
    middle.insert_after = Some("name".into());
    let op = batch(
        "user",
        Recreate::Always,
        vec![BatchOp::AddColumn(first), BatchOp::AddColumn(middle)],
    );
    assert_eq!(
        batch_online(&op)[0],
        "\nCREATE TABLE _alembic_tmp_user (\n\tfirst VARCHAR(5), \n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\tmiddle VARCHAR(5), \n\temail VARCHAR(100), \n\tage INTEGER, \n\tPRIMARY KEY (id)\n)\n\n"
    );
}

#[test]
fn batch_mixed_add_and_alter_column_order() {
    let mut name = alter("name");
    name.type_ = Some(string(100));
    let mut email = alter("email");
    email.nullable = Some(false);
    let op = batch(
        "user",
        Recreate::Auto,
        vec![
            BatchOp::AddColumn(AddColumn::new(Column::new("nickname", string(30)))),
            BatchOp::AlterColumn(name),
            BatchOp::AlterColumn(email),
            BatchOp::DropColumn {
                column_name: "age".into(),
                existing_type: None,
            },
        ],
    );
    let sql = batch_online(&op);
    assert_eq!(
        sql[0],
        "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tnickname VARCHAR(30), \n\tname VARCHAR(100) NOT NULL, \n\temail VARCHAR(100) NOT NULL, \n\tPRIMARY KEY (id)\n)\n\n"
    );
    assert_eq!(
        sql[1],
        "INSERT INTO _alembic_tmp_user (id, name, email) SELECT user.id, user.name, user.email \nFROM user"
    );
}

#[test]
fn batch_missing_constraint_and_index() {
    let op = batch(
        "user",
        Recreate::Auto,
        vec![BatchOp::DropConstraint {
            name: "uq_something".into(),
            type_: Some("unique".into()),
        }],
    );
    assert_eq!(
        batch_online(&op),
        vec!["!ValueError: No such constraint: 'uq_something'"]
    );
    let op = batch(
        "user",
        Recreate::Always,
        vec![BatchOp::DropIndex {
            index_name: "ix_nope".into(),
            if_exists: false,
        }],
    );
    assert_eq!(
        batch_online(&op),
        vec!["!ValueError: No such index: 'ix_nope'"]
    );
}

#[test]
fn batch_cast_on_affinity_change_measured() {
    let mut name = alter("name");
    name.type_ = Some(t(TypeClass::Integer));
    let mut age = alter("age");
    age.type_ = Some(string(10));
    let mut email = alter("email");
    email.type_ = Some(t(TypeClass::JSON));
    let sql = batch_online(&batch(
        "user",
        Recreate::Auto,
        vec![
            BatchOp::AlterColumn(name),
            BatchOp::AlterColumn(age),
            BatchOp::AlterColumn(email),
        ],
    ));
    assert_eq!(
        sql[0],
        "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tname INTEGER NOT NULL, \n\temail JSON, \n\tage VARCHAR(10), \n\tPRIMARY KEY (id)\n)\n\n"
    );
    assert_eq!(
        sql[1],
        "INSERT INTO _alembic_tmp_user (id, name, email, age) SELECT user.id, CAST(user.name AS INTEGER) AS name, user.email, CAST(user.age AS VARCHAR(10)) AS age \nFROM user"
    );
}

#[test]
fn batch_table_comment_forces_recreate() {
    let sql = batch_online(&batch(
        "user",
        Recreate::Auto,
        vec![BatchOp::CreateTableComment {
            comment: "hello".into(),
        }],
    ));
    assert_eq!(sql.len(), 5);
    assert_eq!(sql[4], "CREATE INDEX ix_user_email ON user (email)");
}

#[test]
fn batch_dropping_indexed_column_recreates_old_index_measured() {
    let sql = batch_online(&batch(
        "user",
        Recreate::Auto,
        vec![BatchOp::DropColumn {
            column_name: "email".into(),
            existing_type: None,
        }],
    ));
    assert_eq!(
        sql,
        vec![
            "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\tage INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            "INSERT INTO _alembic_tmp_user (id, name, age) SELECT user.id, user.name, user.age \nFROM user",
            "\nDROP TABLE user",
            "ALTER TABLE _alembic_tmp_user RENAME TO user",
            "CREATE INDEX ix_user_email ON user (email)",
        ]
    );
}

#[test]
fn batch_new_index_on_renamed_column_measured() {
    let mut email = alter("email");
    email.new_column_name = Some("mail".into());
    let sql = batch_online(&batch(
        "user",
        Recreate::Auto,
        vec![
            BatchOp::AlterColumn(email),
            BatchOp::CreateIndex {
                index: Index::on_columns("ix_x", "", &["mail", "name"], true),
                if_not_exists: false,
            },
        ],
    ));
    assert_eq!(sql.len(), 5);
    assert_eq!(
        sql[1],
        "INSERT INTO _alembic_tmp_user (id, name, mail, age) SELECT user.id, user.name, user.email, user.age \nFROM user"
    );
    assert_eq!(sql[4], "!KeyError: 'mail'");
}

#[test]
fn batch_add_column_constraints_measured() {
    let fk = batch(
        "address",
        Recreate::Auto,
        vec![BatchOp::AddColumn(AddColumn::new(
            Column::new("owner_id", t(TypeClass::Integer)).foreign_key(ForeignKey::new("user.id")),
        ))],
    );
    assert_eq!(
        batch_online(&fk),
        vec!["!ValueError: Constraint must have a name"]
    );
    let flag = batch(
        "address",
        Recreate::Auto,
        vec![BatchOp::AddColumn(AddColumn::new(Column::new(
            "flag",
            t(TypeClass::Boolean).with("create_constraint", Literal::Bool(true)),
        )))],
    );
    assert_eq!(
        batch_online(&flag)[0],
        "\nCREATE TABLE _alembic_tmp_address (\n\tid INTEGER NOT NULL, \n\tuser_id INTEGER, \n\tstreet VARCHAR(100), \n\tflag BOOLEAN, \n\tPRIMARY KEY (id), \n\tCHECK (flag IN (0, 1))\n)\n\n"
    );
    let mut age = alter("age");
    age.server_default = Some(Some(ServerDefault::Str("1".into())));
    let indexed = batch(
        "user",
        Recreate::Auto,
        vec![
            BatchOp::AddColumn(AddColumn::new(
                Column::new("code", t(TypeClass::Integer)).index().unique(),
            )),
            BatchOp::AlterColumn(age),
        ],
    );
    assert_eq!(
        batch_online(&indexed),
        vec![
            "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER DEFAULT '1', \n\tcode INTEGER, \n\tPRIMARY KEY (id)\n)\n\n",
            "CREATE UNIQUE INDEX ix__alembic_tmp_user_code ON _alembic_tmp_user (code)",
            "INSERT INTO _alembic_tmp_user (id, name, email, age) SELECT user.id, user.name, user.email, user.age \nFROM user",
            "\nDROP TABLE user",
            "ALTER TABLE _alembic_tmp_user RENAME TO user",
            "CREATE INDEX ix_user_email ON user (email)",
            "CREATE UNIQUE INDEX ix_user_code ON user (code)",
        ]
    );
}

#[test]
fn batch_recreate_never_measured() {
    let mut email = alter("email");
    email.new_column_name = Some("mail".into());
    let op = batch(
        "user",
        Recreate::Never,
        vec![
            BatchOp::AlterColumn(email),
            BatchOp::DropColumn {
                column_name: "age".into(),
                existing_type: None,
            },
            BatchOp::CreateUniqueConstraint {
                name: Some("uq".into()),
                columns: vec!["name".into()],
            },
        ],
    );
    assert_eq!(
        batch_online(&op),
        vec![
            "ALTER TABLE user RENAME COLUMN email TO mail".to_string(),
            "ALTER TABLE user DROP COLUMN age".to_string(),
            not_impl(),
        ]
    );
}

#[test]
fn batch_naming_convention_measured() {
    let mut age = alter("age");
    age.server_default = Some(Some(ServerDefault::Str("1".into())));
    let op = Operation::BatchAlterTable {
        table_name: "user".into(),
        recreate: Recreate::Auto,
        copy_from: None,
        table_args: vec![],
        naming_convention: vec![
            ("uq".into(), "uq_%(table_name)s_%(column_0_name)s".into()),
            ("pk".into(), "pk_%(table_name)s".into()),
        ],
        ops: vec![BatchOp::AlterColumn(age)],
    };
    assert_eq!(
        batch_online(&op)[0],
        "\nCREATE TABLE _alembic_tmp_user (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tage INTEGER DEFAULT '1', \n\tCONSTRAINT pk_user PRIMARY KEY (id)\n)\n\n"
    );
    let thing = reflect_table(&SqliteTableData {
        name: "thing".into(),
        sql: Some("CREATE TABLE thing (id INTEGER NOT NULL, code VARCHAR(5), PRIMARY KEY (id), UNIQUE (code))".into()),
        columns: vec![
            pragma_col(0, "id", "INTEGER", true, None, 1),
            pragma_col(1, "code", "VARCHAR(5)", false, None, 0),
        ],
        indexes: vec![PragmaIndex {
            name: "sqlite_autoindex_thing_1".into(),
            unique: true,
            origin: "u".into(),
            partial: false,
            columns: vec![Some("code".into())],
            sql: None,
        }],
        ..SqliteTableData::default()
    });
    let drop = |convention: Vec<(String, String)>| Operation::BatchAlterTable {
        table_name: "thing".into(),
        recreate: Recreate::Auto,
        copy_from: None,
        table_args: vec![],
        naming_convention: convention,
        ops: vec![BatchOp::DropConstraint {
            name: "uq_thing_code".into(),
            type_: Some("unique".into()),
        }],
    };
    let ctx = RenderContext::online().with_reflected(thing);
    assert_eq!(
        render_online(&online_steps_with(&drop(vec![]), &ctx)),
        vec!["!ValueError: No such constraint: 'uq_thing_code'"]
    );
    let sql = render_online(&online_steps_with(
        &drop(vec![(
            "uq".into(),
            "uq_%(table_name)s_%(column_0_name)s".into(),
        )]),
        &ctx,
    ));
    assert_eq!(
        sql[0],
        "\nCREATE TABLE _alembic_tmp_thing (\n\tid INTEGER NOT NULL, \n\tcode VARCHAR(5), \n\tPRIMARY KEY (id)\n)\n\n"
    );
    assert_eq!(sql.len(), 4);
}

#[test]
fn batch_copy_from_constraints_measured() {
    // measured offline; the unnamed constraints' relative order varies between
    // runs in real Alembic (Python set iteration): we keep creation order.
    let mut age = Column::new("age", t(TypeClass::Integer));
    age.checks.push(CheckConstraint {
        name: Some("ck_age".into()),
        sqltext: "age > 0".into(),
    });
    let mut copy_from = Table::new(
        "user",
        vec![
            Column::new("id", t(TypeClass::Integer)).primary_key(),
            Column::new("name", string(50)).not_null().unique(),
            Column::new("email", string(100)).index(),
            Column::new(
                "flag",
                t(TypeClass::Boolean)
                    .with("create_constraint", Literal::Bool(true))
                    .with("name", Literal::Str("ck_flag".into())),
            ),
            age,
            Column::new("ref", t(TypeClass::Integer)).foreign_key(ForeignKey::new("address.id")),
        ],
    );
    copy_from.constraints = vec![
        Constraint::Check(CheckConstraint {
            name: None,
            sqltext: "age < 200".into(),
        }),
        Constraint::Unique(UniqueConstraint {
            name: Some("uq_ea".into()),
            columns: vec!["email".into(), "age".into()],
        }),
    ];
    copy_from.indexes = vec![Index::on_columns(
        "ix_name_email",
        "user",
        &["name", "email"],
        false,
    )];
    let mut rename = alter("age");
    rename.new_column_name = Some("years".into());
    let op = Operation::BatchAlterTable {
        table_name: "user".into(),
        recreate: Recreate::Auto,
        copy_from: Some(copy_from),
        table_args: vec![Constraint::Check(CheckConstraint {
            name: Some("ck_targ".into()),
            sqltext: "name != \"\"".into(),
        })],
        naming_convention: vec![],
        ops: vec![
            BatchOp::AlterColumn(rename),
            BatchOp::DropConstraint {
                name: "ck_age".into(),
                type_: None,
            },
            BatchOp::CreateUniqueConstraint {
                name: Some("uq_new".into()),
                columns: vec!["email".into()],
            },
        ],
    };
    assert_eq!(
        offline(&op),
        "CREATE TABLE _alembic_tmp_user (\n    id INTEGER NOT NULL, \n    name VARCHAR(50) NOT NULL, \n    email VARCHAR(100), \n    flag BOOLEAN, \n    years INTEGER, \n    ref INTEGER, \n    PRIMARY KEY (id), \n    CONSTRAINT ck_targ CHECK (name != \"\"), \n    CONSTRAINT ck_flag CHECK (flag IN (0, 1)), \n    CONSTRAINT uq_ea UNIQUE (email, years), \n    CONSTRAINT uq_new UNIQUE (email), \n    CHECK (age < 200), \n    UNIQUE (name), \n    FOREIGN KEY(ref) REFERENCES address (id)\n);\n\nINSERT INTO _alembic_tmp_user (id, name, email, flag, years, ref) SELECT user.id, user.name, user.email, user.flag, user.age, user.ref \nFROM user;\n\nDROP TABLE user;\n\nALTER TABLE _alembic_tmp_user RENAME TO user;\n\nCREATE INDEX ix_name_email ON user (name, email);\n\n"
    );
}

#[test]
fn batch_offline_needs_copy_from() {
    let mut age = alter("age");
    age.server_default = Some(Some(ServerDefault::Str("1".into())));
    let op = batch("user", Recreate::Auto, vec![BatchOp::AlterColumn(age)]);
    assert_eq!(table_to_reflect(&op, &RenderContext::offline()), None);
    assert_eq!(
        offline(&op),
        "!alembic.util.exc.CommandError: This operation cannot proceed in --sql mode; batch mode with dialect sqlite requires a live database connection with which to reflect the table \"user\". To generate a batch SQL migration script using table \"move and copy\", a complete Table object should be passed to the \"copy_from\" argument of the batch_alter_table() method so that table reflection can be skipped."
    );
}

// ------------------------------------------------------------- reflection

#[test]
fn reflection_warnings_come_before_a_failing_batch_op() {
    let reflected = reflect_table(&complex_table_data());
    let op = batch(
        "t",
        Recreate::Auto,
        vec![BatchOp::DropConstraint {
            name: "ck_missing".into(),
            type_: None,
        }],
    );
    let steps = online_steps_with(&op, &RenderContext::online().with_reflected(reflected));
    let rendered = render_online(&steps);
    assert_eq!(
        rendered.first().map(String::as_str),
        Some("?Skipped unsupported reflection of expression-based index ix_expr")
    );
    assert_eq!(
        rendered.last().map(String::as_str),
        Some("!ValueError: No such constraint: 'ck_missing'")
    );
    assert!(!steps.iter().any(|step| matches!(step, Step::Execute(_))));
}

#[test]
fn reflect_complex_table_and_batch_measured() {
    let reflected = reflect_table(&complex_table_data());
    assert_eq!(
        reflected.warnings,
        vec!["Skipped unsupported reflection of expression-based index ix_expr".to_string()]
    );
    let mut g = alter("g");
    g.server_default = Some(Some(ServerDefault::Str("5".into())));
    let op = batch("t", Recreate::Auto, vec![BatchOp::AlterColumn(g)]);
    let steps = online_steps_with(&op, &RenderContext::online().with_reflected(reflected));
    let unnamed_check = "?Unnamed CHECK constraint on reflected table 't' is being omitted from the table recreate; pass the constraint explicitly using batch_alter_table.table_args.  Naming CHECK constraints avoids this going forward.".to_string();
    // Column text and named constraints measured; the unnamed constraints
    // come in creation order (real Alembic: varies run to run), and the named
    // ones in reflection order (measured runs showed ck_a before uq_ab).
    assert_eq!(
        render_online(&steps),
        vec![
            "?Skipped unsupported reflection of expression-based index ix_expr".to_string(),
            unnamed_check.clone(),
            unnamed_check,
            "\nCREATE TABLE _alembic_tmp_t (\n\tid INTEGER NOT NULL, \n\ta INTEGER DEFAULT (10), \n\tb VARCHAR(20) DEFAULT 'q' NOT NULL, \n\tc DATETIME DEFAULT (CURRENT_TIMESTAMP), \n\td INTEGER DEFAULT 1, \n\te BOOLEAN DEFAULT (datetime('now')), \n\tf TEXT, \n\tg INTEGER DEFAULT '5', \n\tCONSTRAINT pk_t PRIMARY KEY (id), \n\tCONSTRAINT fk_g FOREIGN KEY(g, a) REFERENCES p (x, y) ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED, \n\tCONSTRAINT uq_ab UNIQUE (a, b), \n\tCONSTRAINT ck_a CHECK (a > 0), \n\tFOREIGN KEY(a) REFERENCES p (x), \n\tFOREIGN KEY(d) REFERENCES p (x), \n\tUNIQUE (c, d)\n)\n\n".to_string(),
            "INSERT INTO _alembic_tmp_t (id, a, b, c, d, e, f, g) SELECT t.id, t.a, t.b, t.c, t.d, t.e, t.f, t.g \nFROM t".to_string(),
            "\nDROP TABLE t".to_string(),
            "ALTER TABLE _alembic_tmp_t RENAME TO t".to_string(),
            "CREATE INDEX \"Ix Multi\" ON t (g, a)".to_string(),
            "CREATE UNIQUE INDEX ix_t_a ON t (a) WHERE a > 5".to_string(),
            "CREATE INDEX ix_t_g ON t (g)".to_string(),
        ]
    );
}

#[test]
fn batch_missing_table_is_no_such_table() {
    let op = batch("ghost", Recreate::Always, vec![]);
    assert_eq!(
        batch_online(&op),
        vec!["!sqlalchemy.exc.NoSuchTableError: ghost"]
    );
}
