use super::*;

// ---------------------------------------------------------------- Block A

#[test]
fn block_a_offline() {
    let op = Operation::CreateTable {
        table: block_a_table(),
        if_not_exists: false,
    };
    let expected = "CREATE TABLE account (
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

";
    assert_eq!(offline(&op), expected);
}

#[test]
fn block_a_online_measured() {
    let op = Operation::CreateTable {
        table: block_a_table(),
        if_not_exists: false,
    };
    assert_eq!(
        online(&op),
        vec![
            "\nCREATE TABLE account (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\tdescription VARCHAR(200), \n\tis_active BOOLEAN DEFAULT 1 NOT NULL, \n\tbalance NUMERIC(10, 2) DEFAULT '0', \n\tcreated_at DATETIME DEFAULT CURRENT_TIMESTAMP, \n\tkind VARCHAR(1), \n\tuser_id INTEGER, \n\tcode VARCHAR(10), \n\tscore FLOAT, \n\tPRIMARY KEY (id), \n\tCONSTRAINT ck_balance_positive CHECK (balance >= 0), \n\tCONSTRAINT uq_name_user UNIQUE (name, user_id), \n\tFOREIGN KEY(user_id) REFERENCES user (id) ON DELETE CASCADE, \n\tUNIQUE (code)\n)\n\n",
            "CREATE INDEX ix_account_score ON account (score)",
        ]
    );
    let steps = online_steps(&op);
    assert!(steps
        .iter()
        .all(|s| matches!(s, Step::Execute(st) if st.is_ddl)));
}

#[test]
fn create_table_derived_constraint_order_measured() {
    // measured: explicit constraints first (argument order), then per column
    // unique=True, the type's CHECK, the ForeignKey; index=True → CREATE INDEX
    let mut fk_d = ForeignKey::new("other.z");
    fk_d.name = Some("fk_d".into());
    fk_d.onupdate = Some("SET NULL".into());
    let mut c = Column::new("c", t(TypeClass::Integer)).index();
    c.checks.push(CheckConstraint {
        name: None,
        sqltext: "c > 0".into(),
    });
    let mut enum_type = SqlType::enumeration(&["x", "yy"], Some("en"));
    enum_type = enum_type.with("create_constraint", Literal::Bool(true));
    let table = Table {
        name: "t".into(),
        columns: vec![
            Column::new("a", t(TypeClass::Integer))
                .foreign_key(ForeignKey::new("user.id"))
                .unique()
                .index(),
            Column::new(
                "b",
                t(TypeClass::Boolean)
                    .with("create_constraint", Literal::Bool(true))
                    .with("name", Literal::Str("ck_b".into())),
            )
            .unique(),
            c,
            Column::new("d", enum_type).foreign_key(fk_d),
        ],
        constraints: vec![
            Constraint::Unique(UniqueConstraint {
                name: None,
                columns: vec!["a".into(), "b".into()],
            }),
            Constraint::PrimaryKey(PrimaryKeyConstraint {
                name: Some("pk_t".into()),
                columns: vec!["a".into(), "c".into()],
            }),
            Constraint::ForeignKey(ForeignKeyConstraint::from_colspecs(
                Some("fkc"),
                &["a", "c"],
                &["p.x", "p.y"],
            )),
        ],
        indexes: vec![Index::on_columns("ix_t_ab", "t", &["a", "b"], true)],
        comment: None,
        sqlite_autoincrement: false,
    };
    let op = Operation::CreateTable {
        table,
        if_not_exists: false,
    };
    assert_eq!(
        offline(&op),
        "CREATE TABLE t (\n    a INTEGER NOT NULL, \n    b BOOLEAN, \n    c INTEGER NOT NULL CHECK (c > 0), \n    d VARCHAR(2), \n    CONSTRAINT pk_t PRIMARY KEY (a, c), \n    UNIQUE (a, b), \n    CONSTRAINT fkc FOREIGN KEY(a, c) REFERENCES p (x, y), \n    FOREIGN KEY(a) REFERENCES user (id), \n    UNIQUE (b), \n    CONSTRAINT ck_b CHECK (b IN (0, 1)), \n    CONSTRAINT en CHECK (d IN ('x', 'yy')), \n    CONSTRAINT fk_d FOREIGN KEY(d) REFERENCES other (z) ON UPDATE SET NULL\n);\n\nCREATE UNIQUE INDEX ix_t_ab ON t (a, b);\n\nCREATE UNIQUE INDEX ix_t_a ON t (a);\n\nCREATE INDEX ix_t_c ON t (c);\n\n"
    );
}

#[test]
fn sqlite_autoincrement_measured() {
    let mut table = Table::new(
        "t",
        vec![Column::new("id", t(TypeClass::Integer)).primary_key()],
    );
    table.sqlite_autoincrement = true;
    let op = Operation::CreateTable {
        table,
        if_not_exists: false,
    };
    assert_eq!(
        online(&op),
        vec!["\nCREATE TABLE t (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT\n)\n\n"]
    );
}

#[test]
fn composite_autoincrement_is_compile_error_measured() {
    let mut x = Column::new("x", t(TypeClass::Integer)).primary_key();
    x.autoincrement = Some(true);
    let table = Table::new(
        "t",
        vec![Column::new("id", t(TypeClass::Integer)).primary_key(), x],
    );
    let op = Operation::CreateTable {
        table,
        if_not_exists: false,
    };
    assert_eq!(
        online(&op),
        vec![
            "!sqlalchemy.exc.CompileError: (in table 't', column 'x'): SQLite does not support autoincrement for composite primary keys"
        ]
    );
}

#[test]
fn server_default_parenthesising() {
    let table = Table::new(
        "t",
        vec![
            Column::new("a", t(TypeClass::String))
                .server_default(ServerDefault::Text("datetime('now')".into())),
            Column::new("b", t(TypeClass::Integer))
                .server_default(ServerDefault::Text("-1".into())),
            Column::new("c", t(TypeClass::Boolean)).server_default(ServerDefault::False),
            Column::new("d", t(TypeClass::String))
                .server_default(ServerDefault::Str("it's".into())),
            Column::new("e", t(TypeClass::DateTime))
                .server_default(ServerDefault::Text("CURRENT_TIMESTAMP".into())),
            Column::new("order", t(TypeClass::Integer)),
            Column::new("Mixed", t(TypeClass::Integer)),
        ],
    );
    assert_eq!(
        create_table_text(&table, false),
        Ok("\nCREATE TABLE t (\n\ta VARCHAR DEFAULT (datetime('now')), \n\tb INTEGER DEFAULT (-1), \n\tc BOOLEAN DEFAULT 0, \n\td VARCHAR DEFAULT 'it''s', \n\te DATETIME DEFAULT CURRENT_TIMESTAMP, \n\t\"order\" INTEGER, \n\t\"Mixed\" INTEGER\n)\n\n".to_string())
    );
}
