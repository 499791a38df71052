use super::*;

// ------------------------------------------------------------- planning

#[test]
fn plans_operations_from_the_usual_call_forms() {
    let ops = plan(
        "    \"\"\"Upgrade schema.\"\"\"\n    # a comment\n    op.create_table('user', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(length=50), nullable=False))\n    op.add_column('user', sa.Column('nick', sa.String(30)))\n    op.drop_column(table_name='user', column_name='age')\n    op.drop_table('old', if_exists=True)\n    pass\n",
    )
    .unwrap();
    assert_eq!(
        ops,
        vec![
            Operation::CreateTable {
                table: Table::new(
                    "user",
                    vec![
                        Column::new("id", t(TypeClass::Integer)).primary_key(),
                        Column::new("name", SqlType::with_length(TypeClass::String, 50)).not_null(),
                    ]
                ),
                if_not_exists: false,
            },
            Operation::AddColumn {
                table_name: "user".into(),
                add: AddColumn::new(Column::new(
                    "nick",
                    SqlType::with_length(TypeClass::String, 30)
                )),
            },
            Operation::DropColumn {
                table_name: "user".into(),
                column_name: "age".into(),
                if_exists: false,
            },
            Operation::DropTable {
                table_name: "old".into(),
                if_exists: true,
            },
        ]
    );
}

#[test]
fn names_come_from_the_module_imports_and_constants() {
    let source = format!(
        "{HEADER}from sqlalchemy import Column, Integer, String as Str\nfrom sqlalchemy.dialects import sqlite\nfrom sqlalchemy.sql import table, column\nfrom typing import Sequence, Union\nimport sqlalchemy\nTABLE = 'user'\nCOLS = ['a', 'b']\n\ndef upgrade() -> None:\n    op.create_table(TABLE, Column('id', Integer(), primary_key=True), Column('doc', sqlite.JSON()), Column('x', sqlalchemy.Numeric(10, 2)), Column('s', Str))\n    op.create_index(op.f('ix_' + TABLE + '_ab'), TABLE, COLS)\n    t = table(TABLE, column('id', Integer))\n    op.bulk_insert(t, [{{'id': i}} for i in [1]] if False else [{{'id': 1}}])\n"
    );
    let planned = plan_function(&script_from(&source), "upgrade").unwrap();
    let Operation::CreateTable { table, .. } = &planned[0].operation else {
        panic!("{planned:?}")
    };
    assert_eq!(table.name, "user");
    assert_eq!(table.columns[1].type_.class, TypeClass::SqliteJSON);
    assert_eq!(
        table.columns[2].type_,
        t(TypeClass::Numeric)
            .with("precision", Literal::Int(10))
            .with("scale", Literal::Int(2))
    );
    assert_eq!(table.columns[3].type_, t(TypeClass::String));
    let Operation::CreateIndex { index, .. } = &planned[1].operation else {
        panic!("{planned:?}")
    };
    assert_eq!(index.name.as_deref(), Some("ix_user_ab"));
    assert_eq!(planned[1].line, 18);
    assert_eq!(planned[1].column, 5);
    assert_eq!(
        planned[1].source_line,
        "op.create_index(op.f('ix_' + TABLE + '_ab'), TABLE, COLS)"
    );
    assert!(matches!(
        &planned[2].operation,
        Operation::BulkInsert { table: BulkInsertTable { name, .. }, rows, multiinsert: true }
            if name == "user" && rows == &vec![vec![("id".to_string(), Literal::Int(1))]]
    ));
}

#[test]
fn loops_conditions_and_locals_over_literal_data() {
    let ops = plan(
        "    names = ['a', 'b']\n    for n in names:\n        if n == 'b':\n            continue\n        op.drop_table(n)\n    for key, value in {'x': 1}.items():\n        op.drop_table(key + str_suffix if False else key)\n",
    );
    // `str_suffix` is never evaluated: the conditional picks the other branch
    assert_eq!(
        ops.unwrap(),
        vec![
            Operation::DropTable {
                table_name: "a".into(),
                if_exists: false
            },
            Operation::DropTable {
                table_name: "x".into(),
                if_exists: false
            },
        ]
    );
}

#[test]
fn batch_blocks_collect_their_ops() {
    let ops = plan(
        "    with op.batch_alter_table('user', recreate='always', naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'}) as batch_op:\n        batch_op.alter_column('name', new_column_name='full_name', existing_type=sa.String(50), server_default=None)\n        batch_op.add_column(sa.Column('first', sa.Integer), insert_before='id')\n        batch_op.drop_column('age')\n        batch_op.drop_constraint('uq_user_code', type_='unique')\n",
    )
    .unwrap();
    let [Operation::BatchAlterTable {
        table_name,
        recreate,
        naming_convention,
        ops,
        ..
    }] = ops.as_slice()
    else {
        panic!("{ops:?}")
    };
    assert_eq!(table_name, "user");
    assert_eq!(*recreate, Recreate::Always);
    assert_eq!(naming_convention[0].0, "uq");
    assert_eq!(
        ops[0],
        BatchOp::AlterColumn(AlterColumn {
            column_name: "name".into(),
            new_column_name: Some("full_name".into()),
            existing_type: Some(SqlType::with_length(TypeClass::String, 50)),
            server_default: Some(None),
            ..AlterColumn::default()
        })
    );
    let mut first = AddColumn::new(Column::new("first", t(TypeClass::Integer)));
    first.insert_before = Some("id".into());
    assert_eq!(ops[1], BatchOp::AddColumn(first));
    assert_eq!(ops.len(), 4);
}

#[test]
fn sql_expressions_for_execute() {
    let ops = plan(
        "    t = sa.table('user', sa.column('id', sa.Integer), sa.column('name', sa.String))\n    op.execute(t.update().where(t.c.name == op.inline_literal('ann')).values({'name': op.inline_literal('anne')}))\n    op.execute(t.delete().where(t.c.id != None))\n    op.execute(sa.text('UPDATE user SET age = :a WHERE id = :i').bindparams(a=5, i=1))\n",
    )
    .unwrap();
    assert_eq!(
        ops[0],
        Operation::Execute(ExecuteSql::Update {
            table: "user".into(),
            table_columns: vec!["id".into(), "name".into()],
            values: vec![(
                "name".into(),
                SqlExpr::InlineLiteral(Literal::Str("anne".into()))
            )],
            where_clause: Some(SqlExpr::Binary {
                left: Box::new(SqlExpr::Column {
                    table: "user".into(),
                    name: "name".into()
                }),
                operator: "=".into(),
                right: Box::new(SqlExpr::InlineLiteral(Literal::Str("ann".into()))),
            }),
        })
    );
    assert_eq!(
        ops[2],
        Operation::Execute(ExecuteSql::Text {
            sql: "UPDATE user SET age = :a WHERE id = :i".into(),
            binds: vec![("a".into(), Literal::Int(5)), ("i".into(), Literal::Int(1))],
        })
    );
}

#[test]
fn offline_sql_of_single_calls() {
    // (body, expected stdout or !error)
    let cases: &[(&str, &str)] = &[
        (
            "    op.execute(sa.text('UPDATE user SET age = :a WHERE id = :i').bindparams(a=5, i=1))\n",
            "UPDATE user SET age = 5 WHERE id = 1;\n\n",
        ),
        (
            "    t = sa.table('user', sa.column('id'), sa.column('name'))\n    op.execute(t.update().where(t.c.name == op.inline_literal('ann')).values({'name': op.inline_literal('anne')}))\n",
            "UPDATE user SET name='anne' WHERE user.name = 'ann';\n\n",
        ),
        (
            "    op.create_index('ix_adults', 'user', ['age'], sqlite_where=sa.text('age >= 18'))\n    op.create_index('ix_lower_name', 'user', [sa.text('lower(name)')], unique=True, if_not_exists=True)\n",
            "CREATE INDEX ix_adults ON user (age) WHERE age >= 18;\n\nCREATE UNIQUE INDEX IF NOT EXISTS ix_lower_name ON user (lower(name));\n\n",
        ),
        (
            "    op.drop_index('ix_nope', table_name='user', if_exists=True)\n    op.rename_table('address', 'addresses')\n    op.alter_column('user', 'name', new_column_name='full_name')\n",
            "DROP INDEX IF EXISTS ix_nope;\n\nALTER TABLE address RENAME TO addresses;\n\nALTER TABLE user RENAME COLUMN name TO full_name;\n\n",
        ),
        (
            "    op.add_column('address', sa.Column('owner_id', sa.Integer, sa.ForeignKey('user.id')), inline_references=True)\n",
            "ALTER TABLE address ADD COLUMN owner_id INTEGER REFERENCES user (id);\n\n",
        ),
        (
            "    op.create_unique_constraint('uq_user_email', 'user', ['email'])\n",
            "!NotImplementedError: No support for ALTER of constraints in SQLite dialect. Please refer to the batch mode feature which allows for SQLite migrations using a copy-and-move strategy.",
        ),
        (
            "    with op.batch_alter_table('user') as batch_op:\n        batch_op.drop_column('age')\n",
            "!alembic.util.exc.CommandError: This operation cannot proceed in --sql mode; batch mode with dialect sqlite requires a live database connection with which to reflect the table \"user\". To generate a batch SQL migration script using table \"move and copy\", a complete Table object should be passed to the \"copy_from\" argument of the batch_alter_table() method so that table reflection can be skipped.",
        ),
        (
            "    op.alter_column('user', 'age', comment='years', existing_type=sa.Integer)\n",
            "!sqlalchemy.exc.UnsupportedCompilationError: Compiler <sqlalchemy.dialects.sqlite.base.SQLiteDDLCompiler object at 0x7f5e3c2a1d90> can't render element of type <class 'alembic.ddl.base.ColumnComment'>: <class 'alembic.ddl.base.ColumnComment'> construct has no default compilation handler. (Background on this error at: https://sqlalche.me/e/21/l7de)",
        ),
        (
            "    op.create_table('e', sa.Column('k', sa.Enum('a', 'bb', name='e', create_constraint=True)), sa.Column('j', sa.JSON()), sqlite_autoincrement=False)\n",
            "CREATE TABLE e (\n    k VARCHAR(2), \n    j JSON, \n    CONSTRAINT e CHECK (k IN ('a', 'bb'))\n);\n\n",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(offline(body), *expected, "for:\n{body}");
    }
}

// --------------------------------------------------------------- errors

#[test]
fn unsupported_python_is_located_and_the_calls_before_it_ran() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    let error = run_online(
        &mut db,
        "    op.create_table('t', sa.Column('id', sa.Integer, primary_key=True))\n    open('notes.txt')\n",
    )
    .unwrap_err();
    assert_eq!(
        error.located().unwrap(),
        "versions/x.py:10:5: the playground cannot run 'open(...)' inside upgrade(); it runs op.* calls, batch_alter_table blocks and simple assignments"
    );
    // as in Alembic, op.create_table ran when upgrade() called it (SQLite autocommits DDL)
    assert_eq!(table_names(&mut db), vec!["t".to_string()]);

    let cases: &[(&str, &str)] = &[
        ("    global counter\n", "versions/x.py:9:5: the playground cannot run 'global' / 'nonlocal' inside upgrade(); it runs op.* calls, batch_alter_table blocks and simple assignments"),
        ("    op.get_bind().execute(sa.text('SELECT 1'))\n", "versions/x.py:9:5: this reads the database, which only a migration has (lint reads revision files without one)"),
        ("    op.run_async(None)\n", "versions/x.py:9:5: the playground cannot run 'op.run_async()' inside upgrade()"),
        ("    op.drop_table({x for x in 'ab'})\n", "versions/x.py:9:19: the playground cannot evaluate a set comprehension inside upgrade(); use literal values, SQLAlchemy constructs and op.* calls"),
        ("    with open('f') as f:\n        pass\n", "versions/x.py:9:5: the playground cannot run 'with' blocks other than 'with op.batch_alter_table(...) as batch_op:' inside upgrade(); it runs op.* calls, batch_alter_table blocks and simple assignments"),
    ];
    for (body, expected) in cases {
        let error = plan(body).unwrap_err();
        assert_eq!(error.located().as_deref(), Some(*expected), "for:\n{body}");
    }
    let error = plan_function(&script("    pass\n"), "downgrade").unwrap_err();
    assert!(error
        .located()
        .unwrap()
        .starts_with("versions/x.py:1:1: this revision file has no downgrade() function"));
}

#[test]
fn wrong_calls_are_type_errors_at_plan_time() {
    let (exception, message, line, source_line) = python_error(
        "    op.drop_table('a')\n    op.add_column('user', sa.Column('x', sa.Integer), nulable=True)\n",
    );
    assert_eq!(exception, "TypeError");
    assert_eq!(
        message,
        "add_column() got an unexpected keyword argument 'nulable'"
    );
    assert_eq!(line, 10);
    assert_eq!(
        source_line,
        "op.add_column('user', sa.Column('x', sa.Integer), nulable=True)"
    );

    let cases: &[(&str, &str, &str)] = &[
        ("    op.drop_table()\n", "TypeError", "drop_table() missing 1 required positional argument: 'table_name'"),
        ("    op.rename_table('a', 'b', 'c')\n", "TypeError", "rename_table() takes 2 positional arguments but 3 were given"),
        ("    with op.batch_alter_table('t') as batch_op:\n        batch_op.drop_column('a', 'b')\n", "TypeError", "BatchOperations.drop_column() takes 2 positional arguments but 3 were given"),
        ("    op.add_column('t', sa.Column('x', sa.String(50, lenght=3)))\n", "TypeError", "String.__init__() got an unexpected keyword argument 'lenght'"),
        ("    op.create_table('t', sa.Column('x', sa.Integer, nulable=False))\n", "TypeError", "Additional arguments should be named <dialectname>_<argument>, got 'nulable'"),
        ("    op.drop_table(missing_name)\n", "NameError", "name 'missing_name' is not defined"),
        ("    with op.batch_alter_table('t', recreate='sometimes') as batch_op:\n        pass\n", "ValueError", "recreate may be one of 'auto', 'always', or 'never'."),
    ];
    for (body, exception, message) in cases {
        let (got_exception, got_message, _, _) = python_error(body);
        assert_eq!(
            (got_exception.as_str(), got_message.as_str()),
            (*exception, *message),
            "for:\n{body}"
        );
    }
}

// ------------------------------------------------------------ execution

#[test]
fn block_a_create_table_online_and_offline() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    assert_eq!(run_online(&mut db, BLOCK_A).unwrap(), Vec::<String>::new());
    assert_eq!(
        master_sql(&mut db, "account").unwrap(),
        "CREATE TABLE account (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\tdescription VARCHAR(200), \n\tis_active BOOLEAN DEFAULT 1 NOT NULL, \n\tbalance NUMERIC(10, 2) DEFAULT '0', \n\tcreated_at DATETIME DEFAULT CURRENT_TIMESTAMP, \n\tkind VARCHAR(1), \n\tuser_id INTEGER, \n\tcode VARCHAR(10), \n\tscore FLOAT, \n\tPRIMARY KEY (id), \n\tCONSTRAINT ck_balance_positive CHECK (balance >= 0), \n\tCONSTRAINT uq_name_user UNIQUE (name, user_id), \n\tFOREIGN KEY(user_id) REFERENCES user (id) ON DELETE CASCADE, \n\tUNIQUE (code)\n)"
    );
    assert_eq!(
        master_sql(&mut db, "ix_account_score").unwrap(),
        "CREATE INDEX ix_account_score ON account (score)"
    );
    assert_eq!(
        offline(BLOCK_A),
        "CREATE TABLE account (
    id INTEGER NOT NULL, 
    name VARCHAR(50) NOT NULL, 
    description VARCHAR(200), 
    is_active BOOLEAN DEFAULT 1 NOT NULL, 
    balance NUMERIC(10, 2) DEFAULT '0', 
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP, 
    kind VARCHAR(1), 
    user_id INTEGER, 
    code VARCHAR(10), 
    score FLOAT, 
    PRIMARY KEY (id), 
    CONSTRAINT ck_balance_positive CHECK (balance >= 0), 
    CONSTRAINT uq_name_user UNIQUE (name, user_id), 
    FOREIGN KEY(user_id) REFERENCES user (id) ON DELETE CASCADE, 
    UNIQUE (code)
);

CREATE INDEX ix_account_score ON account (score);

"
    );
}

#[test]
fn columns_indexes_and_renames_online() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(&mut db, USER_TABLE).unwrap();
    run_online(
        &mut db,
        "    op.add_column('user', sa.Column('status', sa.String(10), nullable=False, server_default='new'))\n    op.drop_column('user', 'age')\n    op.create_index('uq_user_name', 'user', ['name'], unique=True)\n    op.drop_index('ix_user_email', table_name='user')\n    op.rename_table('user', 'person')\n    op.alter_column('person', 'name', new_column_name='full_name')\n",
    )
    .unwrap();
    assert_eq!(
        master_sql(&mut db, "person").unwrap(),
        "CREATE TABLE \"person\" (\n\tid INTEGER NOT NULL, \n\tfull_name VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tstatus VARCHAR(10) DEFAULT 'new' NOT NULL, \n\tPRIMARY KEY (id)\n)"
    );
    assert_eq!(
        master_sql(&mut db, "uq_user_name").unwrap(),
        "CREATE UNIQUE INDEX uq_user_name ON \"person\" (full_name)"
    );
    assert_eq!(master_sql(&mut db, "ix_user_email"), None);
    // a SQLite refusal carries the op call's frame
    let error = run_online(&mut db, "    op.drop_table('nonexistent')\n").unwrap_err();
    let ExecError::Database {
        error,
        line,
        source_line,
        ..
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!(line, 9);
    assert_eq!(source_line, "op.drop_table('nonexistent')");
    assert_eq!(
        error.to_string(),
        "(sqlite3.OperationalError) no such table: nonexistent\n[SQL: \nDROP TABLE nonexistent]"
    );
}

#[test]
fn execute_and_bulk_insert_rows_online() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(&mut db, USER_TABLE).unwrap();
    run_online(
        &mut db,
        "    t = sa.table('user', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('age', sa.Integer))\n    op.bulk_insert(t, [{'id': 10, 'name': 'bob', 'age': 20}, {'id': 11, 'name': \"o'neil\", 'age': None}])\n    op.bulk_insert(t, [{'id': 12, 'name': 'cy'}], multiinsert=False)\n    op.execute(\"UPDATE user SET age = age + 1 WHERE name = 'bob'\")\n    op.execute(sa.text('UPDATE user SET age = :a WHERE id = :i').bindparams(a=5, i=12))\n    op.execute(t.update().where(t.c.id == 11).values(name='anne'))\n    op.execute(t.delete().where(t.c.age == None))\n",
    )
    .unwrap();
    assert_eq!(
        rows(&mut db, "SELECT id, name, age FROM user ORDER BY id"),
        vec![
            vec![
                SqlValue::Integer(10),
                SqlValue::Text("bob".into()),
                SqlValue::Integer(21)
            ],
            vec![
                SqlValue::Integer(12),
                SqlValue::Text("cy".into()),
                SqlValue::Integer(5)
            ],
        ]
    );
}

#[test]
fn create_table_result_feeds_bulk_insert() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(
        &mut db,
        "    account = op.create_table('account', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(20)))\n    op.bulk_insert(account, [{'id': 1, 'name': 'a'}])\n",
    )
    .unwrap();
    assert_eq!(
        rows(&mut db, "SELECT count(*) FROM account"),
        vec![vec![SqlValue::Integer(1)]]
    );
}

#[test]
fn batch_recreate_preserves_rows_online() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(&mut db, USER_TABLE).unwrap();
    run_online(
        &mut db,
        "    op.execute(\"INSERT INTO user (id, name, email, age) VALUES (1, 'ann', 'a@x', 30)\")\n",
    )
    .unwrap();
    let warnings = run_online(
        &mut db,
        "    with op.batch_alter_table('user') as batch_op:\n        batch_op.alter_column('age', type_=sa.BigInteger)\n        batch_op.alter_column('email', nullable=False)\n        batch_op.alter_column('name', new_column_name='full_name')\n        batch_op.add_column(sa.Column('nickname', sa.String(30), server_default='x'))\n",
    )
    .unwrap();
    assert!(warnings.is_empty());
    assert_eq!(
        master_sql(&mut db, "user").unwrap(),
        "CREATE TABLE \"user\" (\n\tid INTEGER NOT NULL, \n\tfull_name VARCHAR(50) NOT NULL, \n\temail VARCHAR(100) NOT NULL, \n\tage BIGINT, \n\tnickname VARCHAR(30) DEFAULT 'x', \n\tPRIMARY KEY (id)\n)"
    );
    assert_eq!(
        rows(
            &mut db,
            "SELECT id, full_name, email, age, nickname FROM user"
        ),
        vec![vec![
            SqlValue::Integer(1),
            SqlValue::Text("ann".into()),
            SqlValue::Text("a@x".into()),
            SqlValue::Integer(30),
            SqlValue::Text("x".into()),
        ]]
    );
    assert_eq!(table_names(&mut db), vec!["user"]);
    assert_eq!(
        master_sql(&mut db, "ix_user_email").unwrap(),
        "CREATE INDEX ix_user_email ON user (email)"
    );
    // a batch on a missing table: SQLAlchemy's NoSuchTableError
    let error = run_online(
        &mut db,
        "    with op.batch_alter_table('nope') as batch_op:\n        batch_op.drop_column('x')\n",
    )
    .unwrap_err();
    assert!(
        matches!(&error, ExecError::Python { exception, message, line: 9, .. } if exception == "sqlalchemy.exc.NoSuchTableError" && message == "nope"),
        "{error:?}"
    );
}

#[test]
fn failed_batch_copy_leaves_the_temporary_table_like_pysqlite() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(&mut db, USER_TABLE).unwrap();
    run_online(
        &mut db,
        "    op.execute(\"INSERT INTO user (id, name) VALUES (1, 'ann')\")\n",
    )
    .unwrap();
    let error = run_online(
        &mut db,
        "    with op.batch_alter_table('user') as batch_op:\n        batch_op.alter_column('email', nullable=False)\n",
    )
    .unwrap_err();
    assert!(error.to_string().starts_with(
        "(sqlite3.IntegrityError) NOT NULL constraint failed: _alembic_tmp_user.email"
    ));
    assert_eq!(table_names(&mut db), vec!["_alembic_tmp_user", "user"]);
}

#[test]
fn constraint_ops_raise_not_implemented_after_earlier_ddl() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(&mut db, USER_TABLE).unwrap();
    let error = run_online(
        &mut db,
        "    op.create_table('address', sa.Column('id', sa.Integer, primary_key=True))\n    op.add_column('address', sa.Column('owner_id', sa.Integer, sa.ForeignKey('user.id')))\n    op.drop_table('user')\n",
    )
    .unwrap_err();
    assert_eq!(
        error,
        ExecError::Python {
            exception: "NotImplementedError".into(),
            message: crate::ops::NO_ALTER_CONSTRAINTS.into(),
            path: "versions/x.py".into(),
            line: 10,
            source_line: "op.add_column('address', sa.Column('owner_id', sa.Integer, sa.ForeignKey('user.id')))".into(),
        }
    );
    // the ALTER ran (DDL autocommits), the later drop_table did not
    assert_eq!(
        master_sql(&mut db, "address").unwrap(),
        "CREATE TABLE address (\n\tid INTEGER NOT NULL, owner_id INTEGER, \n\tPRIMARY KEY (id)\n)"
    );
    assert_eq!(table_names(&mut db), vec!["address", "user"]);

    let error = run_online(
        &mut db,
        "    op.create_unique_constraint('uq_user_email', 'user', ['email'])\n",
    )
    .unwrap_err();
    assert!(
        matches!(&error, ExecError::Python { exception, .. } if exception == "NotImplementedError")
    );
}

#[test]
fn implicit_constraint_warnings_are_reported_once() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(&mut db, USER_TABLE).unwrap();
    let warnings = run_online(
        &mut db,
        "    op.add_column('user', sa.Column('f', sa.Boolean(create_constraint=True, name='ck_f')))\n    op.add_column('user', sa.Column('g', sa.Boolean(create_constraint=True, name='ck_g')))\n",
    )
    .unwrap();
    assert_eq!(
        warnings,
        vec![crate::ops::SKIP_IMPLICIT_CONSTRAINT.to_string()]
    );
}

// ------------------------------------------------------ §6.3 chain offline

#[test]
fn pops_chain_offline_prints_the_reference_text() {
    let scripts = chain_scripts();
    let output;
    {
        let mut context = MigrationContext::offline();
        context.ensure_version_table().unwrap();
        let mut previous: Option<String> = None;
        for script in &scripts {
            context.comment(&format!(
                "Running upgrade {} -> {}",
                previous.as_deref().unwrap_or(""),
                script.id
            ));
            let mut warnings = Vec::new();
            run_function(
                script,
                "upgrade",
                &ModuleSet::new(),
                &mut context,
                &mut warnings,
                now(),
            )
            .unwrap();
            assert!(warnings.is_empty());
            let change = match &previous {
                None => VersionChange::Insert(script.id.clone()),
                Some(from) => VersionChange::Update {
                    from: from.clone(),
                    to: script.id.clone(),
                },
            };
            context.apply_version_change(&change).unwrap();
            previous = Some(script.id.clone());
        }
        output = std::mem::take(&mut context.out);
    }
    assert_eq!(output.stdout_text(), CHAIN_OUTPUT);
}

#[test]
fn pops_chain_online_fails_at_the_batch_like_alembic() {
    let scripts = chain_scripts();
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    let mut context = MigrationContext::online(&mut db);
    for script in &scripts[..5] {
        run_function(
            script,
            "upgrade",
            &ModuleSet::new(),
            &mut context,
            &mut Vec::new(),
            now(),
        )
        .unwrap();
        context.commit_step().unwrap();
    }
    let error = run_function(
        &scripts[5],
        "upgrade",
        &ModuleSet::new(),
        &mut context,
        &mut Vec::new(),
        now(),
    )
    .unwrap_err();
    context.rollback_step();
    assert!(
        matches!(&error, ExecError::Database { line: 20, .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with(
        "(sqlite3.IntegrityError) NOT NULL constraint failed: _alembic_tmp_user.email"
    ));
    drop(context);
    assert_eq!(
        table_names(&mut db),
        vec!["_alembic_tmp_user", "addresses", "user"]
    );
    assert_eq!(
        rows(&mut db, "SELECT id, status FROM user ORDER BY id"),
        vec![
            vec![SqlValue::Integer(1), SqlValue::Text("active".into())],
            vec![SqlValue::Integer(2), SqlValue::Text("gone".into())],
        ]
    );
}

#[test]
fn module_constants_cannot_loop_forever() {
    let source = format!("{HEADER}A = B\nB = A\n\ndef upgrade():\n    op.drop_table(A)\n");
    let error = plan_function(&script_from(&source), "upgrade").unwrap_err();
    assert!(
        error.located().unwrap().contains("refers to itself"),
        "{error}"
    );
    let error = plan("    while True:\n        pass\n").unwrap_err();
    assert_eq!(
        error.located().unwrap(),
        "versions/x.py:10:9: upgrade() runs more than 100000 statements; the playground stops here"
    );
    let _ = ServerDefault::True;
}

#[test]
fn deep_nesting_is_bounded_on_a_small_stack() {
    // the page runs on a 1 MB wasm stack; debug frames are larger than release ones
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let depth = 35;
            let nested = format!("{}'a'{}", "[".repeat(depth), "]".repeat(depth));
            let mut globals = String::new();
            for i in 0..40 {
                globals.push_str(&format!("G{i} = [G{}]\n", i + 1));
            }
            globals.push_str(&format!("G40 = {nested}\n"));
            let source = format!("{HEADER}{globals}\ndef upgrade():\n    op.drop_table(G0)\n");
            let error = plan_function(&script_from(&source), "upgrade").unwrap_err();
            error.to_string()
        })
        .unwrap();
    let message = handle.join().unwrap();
    assert!(message.contains("nested too deeply"), "{message}");
}

#[test]
fn deep_blocks_run_on_a_small_stack() {
    // statements nest as deep as the parser allows blocks
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let mut body = String::new();
            for level in 1..95 {
                body.push_str(&format!("{}if True:\n", " ".repeat(level)));
            }
            body.push_str(&format!("{}op.drop_table('t')\n", " ".repeat(95)));
            plan(&body).map(|ops| ops.len())
        })
        .unwrap();
    assert_eq!(handle.join().unwrap().unwrap(), 1);
}

// ------------------------------------------------------ data migrations

#[test]
fn a_data_migration_reads_and_writes_through_the_connection_as_it_runs() {
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    run_online(&mut db, BACKFILL).unwrap();
    // the loop saw the rows after the one fetchone() consumed
    assert_eq!(
        rows(&mut db, "SELECT id, name, tag FROM user ORDER BY id"),
        vec![
            vec![
                SqlValue::Integer(1),
                SqlValue::Text("ann".into()),
                SqlValue::Text("first".into())
            ],
            vec![
                SqlValue::Integer(2),
                SqlValue::Text("bob".into()),
                SqlValue::Text("bob!".into())
            ],
            vec![
                SqlValue::Integer(3),
                SqlValue::Text("cy".into()),
                SqlValue::Text("cy!".into())
            ],
        ]
    );
}

#[test]
fn offline_the_connection_prints_each_statement_once_and_returns_none() {
    // Measured with Alembic 1.20.1: the mock connection ignores parameters (binds render as
    // NULL, an insert without values names its columns) and execute() returns None.
    let out = offline(
        "    conn = op.get_bind()
    conn.execute(sa.text('INSERT INTO user (name) VALUES (:n)'), [{'n': 'ann'}, {'n': 'bob'}])
    conn.execute(sa.table('user', sa.column('id'), sa.column('name')).insert(), [{'name': 'cy'}])
    conn.execute(sa.text('SELECT 1')).fetchall()
",
    );
    assert_eq!(
        out,
        "!AttributeError: 'NoneType' object has no attribute 'fetchall'"
    );
    let out = offline(
        "    conn = op.get_bind()
    conn.execute(sa.text('INSERT INTO user (name) VALUES (:n)'), [{'n': 'ann'}, {'n': 'bob'}])
    conn.execute(sa.table('user', sa.column('id'), sa.column('name')).insert(), [{'name': 'cy'}])
",
    );
    assert_eq!(
        out,
        "INSERT INTO user (name) VALUES (NULL);\n\nINSERT INTO user (id, name) VALUES (:id, :name);\n\n"
    );
}

#[test]
fn functions_loops_and_exceptions_run_as_python_runs_them() {
    let source = format!(
        "{HEADER}NAMES = ['a', 'b']\n\n\ndef make(name, *extra, pk=True, **kw):\n    cols = [sa.Column('id', sa.Integer, primary_key=pk)]\n    for e in extra:\n        cols.append(sa.Column(e, sa.String(5)))\n    op.create_table(name, *cols, **kw)\n\n\ndef upgrade():\n    def twice(x, y=2):\n        return x * y\n    inc = lambda v: v + 1\n    i = 0\n    while i < twice(2):\n        i = inc(i)\n    for n in NAMES:\n        make(n + str(i), 'c')\n    try:\n        op.drop_table('missing')\n    except sa.exc.OperationalError as error:\n        op.create_table('caught', sa.Column('id', sa.Integer))\n    try:\n        {{}}['k']\n    except (ValueError, LookupError):\n        pass\n    finally:\n        op.create_table('finally', sa.Column('id', sa.Integer))\n"
    );
    let script = script_from(&source);
    let mut db = SqliteDatabase::open_in_memory().unwrap();
    let mut context = MigrationContext::online(&mut db);
    run_function(
        &script,
        "upgrade",
        &ModuleSet::new(),
        &mut context,
        &mut Vec::new(),
        now(),
    )
    .unwrap();
    drop(context);
    assert_eq!(table_names(&mut db), vec!["a4", "b4", "caught", "finally"]);
    let cases: &[(&str, &str)] = &[
        (
            "    def f(a, b):\n        pass\n    f(1)\n",
            "TypeError: f() missing 1 required positional argument: 'b'",
        ),
        (
            "    def f(a):\n        pass\n    f(1, 2)\n",
            "TypeError: f() takes 1 positional argument but 2 were given",
        ),
        (
            "    def f(a):\n        pass\n    f(1, b=2)\n",
            "TypeError: f() got an unexpected keyword argument 'b'",
        ),
        ("    raise ValueError('boom')\n", "ValueError: boom"),
        (
            "    try:\n        int('x')\n    except KeyError:\n        pass\n",
            "ValueError: invalid literal for int() with base 10: 'x'",
        ),
        (
            "    try:\n        [][1]\n    except IndexError:\n        raise\n",
            "IndexError: list index out of range",
        ),
        ("    assert 1 == 2, 'no'\n", "AssertionError: no"),
        (
            "    def f(n):\n        return f(n + 1)\n    f(0)\n",
            "RecursionError: maximum recursion depth exceeded",
        ),
    ];
    for (body, expected) in cases {
        let error = plan(body).unwrap_err();
        assert_eq!(error.to_string(), *expected, "for:\n{body}");
    }
}

#[test]
fn a_recursion_bomb_is_bounded_on_a_small_stack() {
    // the page runs on a 1 MB wasm stack; debug frames are larger than release ones
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let body = "    def f(n):\n        return [f(n + 1)]\n    f(0)\n";
            plan(body).unwrap_err().to_string()
        })
        .unwrap();
    let message = handle.join().unwrap();
    assert!(
        message.contains("RecursionError") || message.contains("nested too deeply"),
        "{message}"
    );
}
