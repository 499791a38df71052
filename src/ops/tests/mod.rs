//! Expected strings come from the reference (§6.2 table, Block A, §6.3
//! chain, §6.4, §12) or were measured with Alembic 1.20.1 + SQLAlchemy 2.1.9
//! on SQLite 3.40 (marked "measured").

use super::ddl::ReflectedTable;
use super::operation::{AddColumn, AlterColumn, CreateForeignKey};
use super::reflect::{PragmaColumn, PragmaForeignKey, PragmaIndex, SqliteTableData};
use super::*;

mod block_a;
mod chains_and_reflection;
mod tables;
mod types;

fn t(class: TypeClass) -> SqlType {
    SqlType::new(class)
}

fn string(n: i64) -> SqlType {
    SqlType::with_length(TypeClass::String, n)
}

fn online_steps(op: &Operation) -> Vec<Step> {
    online_steps_with(op, &RenderContext::online())
}

fn online_steps_with(op: &Operation, ctx: &RenderContext) -> Vec<Step> {
    match statements(op, ctx) {
        Ok(steps) => steps,
        Err(e) => vec![Step::Fail(e)],
    }
}

/// Online SQL texts; a failure is rendered as `!<Class>: <message>`.
fn online(op: &Operation) -> Vec<String> {
    render_online(&online_steps(op))
}

fn render_online(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .map(|s| match s {
            Step::Execute(st) => st.sql.clone(),
            Step::Warn(w) => format!("?{w}"),
            Step::Fail(e) => format!("!{e}"),
        })
        .collect()
}

/// What `--sql` prints for the op: statements + `;` + blank line; a failure
/// is appended as `!<error>`.
fn offline(op: &Operation) -> String {
    let steps = match statements(op, &RenderContext::offline()) {
        Ok(steps) => steps,
        Err(e) => vec![Step::Fail(e)],
    };
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Execute(st) => {
                out.push_str(&offline_text(&st));
                out.push_str("\n\n");
            }
            Step::Warn(_) => {}
            Step::Fail(e) => out.push_str(&format!("!{e}")),
        }
    }
    out
}

fn user_fixture_columns() -> Vec<Column> {
    vec![
        Column::new("id", t(TypeClass::Integer)).primary_key(),
        Column::new("name", string(50)).not_null(),
        Column::new("email", string(100)),
        Column::new("age", t(TypeClass::Integer)),
    ]
}

fn pragma_col(
    cid: i64,
    name: &str,
    type_: &str,
    notnull: bool,
    dflt: Option<&str>,
    pk: i64,
) -> PragmaColumn {
    PragmaColumn {
        cid,
        name: name.to_string(),
        type_: type_.to_string(),
        notnull,
        dflt_value: dflt.map(str::to_string),
        pk,
        hidden: 0,
    }
}

/// The §6.2 fixture `user` table as the runtime would reflect it.
fn reflected_user() -> ReflectedTable {
    reflect_table(&SqliteTableData {
        name: "user".into(),
        sql: Some("CREATE TABLE user (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER, PRIMARY KEY (id))".into()),
        columns: vec![
            pragma_col(0, "id", "INTEGER", true, None, 1),
            pragma_col(1, "name", "VARCHAR(50)", true, None, 0),
            pragma_col(2, "email", "VARCHAR(100)", false, None, 0),
            pragma_col(3, "age", "INTEGER", false, None, 0),
        ],
        foreign_keys: vec![],
        indexes: vec![PragmaIndex {
            name: "ix_user_email".into(),
            unique: false,
            origin: "c".into(),
            partial: false,
            columns: vec![Some("email".into())],
            sql: Some("CREATE INDEX ix_user_email ON user (email)".into()),
        }],
        referred_primary_keys: vec![],
    })
}

fn reflected_address() -> ReflectedTable {
    reflect_table(&SqliteTableData {
        name: "address".into(),
        sql: Some("CREATE TABLE address (id INTEGER NOT NULL, user_id INTEGER, street VARCHAR(100), PRIMARY KEY (id))".into()),
        columns: vec![
            pragma_col(0, "id", "INTEGER", true, None, 1),
            pragma_col(1, "user_id", "INTEGER", false, None, 0),
            pragma_col(2, "street", "VARCHAR(100)", false, None, 0),
        ],
        ..SqliteTableData::default()
    })
}

fn reflected_nopk() -> ReflectedTable {
    reflect_table(&SqliteTableData {
        name: "nopk".into(),
        sql: Some("CREATE TABLE nopk (a INTEGER, b INTEGER)".into()),
        columns: vec![
            pragma_col(0, "a", "INTEGER", false, None, 0),
            pragma_col(1, "b", "INTEGER", false, None, 0),
        ],
        ..SqliteTableData::default()
    })
}

fn fixture_ctx() -> RenderContext {
    RenderContext::online()
        .with_reflected(reflected_user())
        .with_reflected(reflected_address())
        .with_reflected(reflected_nopk())
}

fn batch(table: &str, recreate: Recreate, ops: Vec<BatchOp>) -> Operation {
    Operation::BatchAlterTable {
        table_name: table.into(),
        recreate,
        copy_from: None,
        table_args: vec![],
        naming_convention: vec![],
        ops,
    }
}

fn batch_online(op: &Operation) -> Vec<String> {
    render_online(&online_steps_with(op, &fixture_ctx()))
}

fn alter(column: &str) -> AlterColumn {
    AlterColumn {
        column_name: column.into(),
        ..AlterColumn::default()
    }
}

fn add_col(table: &str, column: Column) -> Operation {
    Operation::AddColumn {
        table_name: table.into(),
        add: AddColumn::new(column),
    }
}

fn alter_op(table: &str, alter: AlterColumn) -> Operation {
    Operation::AlterColumn {
        table_name: table.into(),
        alter,
    }
}

fn not_impl() -> String {
    format!("!NotImplementedError: {NO_ALTER_CONSTRAINTS}")
}

fn block_a_table() -> Table {
    let mut fk = ForeignKey::new("user.id");
    fk.ondelete = Some("CASCADE".into());
    Table {
        name: "account".into(),
        columns: vec![
            Column::new("id", t(TypeClass::Integer)).primary_key(),
            Column::new("name", string(50)).not_null(),
            Column::new("description", SqlType::with_length(TypeClass::Unicode, 200)),
            Column::new("is_active", t(TypeClass::Boolean))
                .not_null()
                .server_default(ServerDefault::True),
            Column::new(
                "balance",
                SqlType::from_python_call("Numeric", &[Literal::Int(10), Literal::Int(2)], &[])
                    .unwrap_or_else(|_| t(TypeClass::Numeric)),
            )
            .server_default(ServerDefault::Str("0".into())),
            Column::new("created_at", t(TypeClass::DateTime))
                .server_default(ServerDefault::FuncNow),
            Column::new("kind", SqlType::enumeration(&["a", "b"], Some("kind_enum"))),
            Column::new("user_id", t(TypeClass::Integer)).foreign_key(fk),
            Column::new("code", string(10)).unique(),
            Column::new("score", t(TypeClass::Float)).index(),
        ],
        constraints: vec![
            Constraint::Check(CheckConstraint {
                name: Some("ck_balance_positive".into()),
                sqltext: "balance >= 0".into(),
            }),
            Constraint::Unique(UniqueConstraint {
                name: Some("uq_name_user".into()),
                columns: vec!["name".into(), "user_id".into()],
            }),
        ],
        indexes: vec![],
        comment: Some("accounts table".into()),
        sqlite_autoincrement: false,
    }
}

fn user_table() -> Table {
    Table::new("user", user_fixture_columns())
}

fn user_bulk_table(typed: bool) -> BulkInsertTable {
    let ty = |class| if typed { Some(t(class)) } else { None };
    BulkInsertTable {
        name: "user".into(),
        columns: vec![
            ("id".into(), ty(TypeClass::Integer)),
            ("name".into(), ty(TypeClass::String)),
            ("age".into(), ty(TypeClass::Integer)),
        ],
    }
}

fn row(items: &[(&str, Literal)]) -> Vec<(String, Literal)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn complex_table_data() -> SqliteTableData {
    let sql = "CREATE TABLE \"t\" (id INTEGER NOT NULL, a INTEGER DEFAULT 10, b VARCHAR(20) DEFAULT 'q' NOT NULL UNIQUE, c DATETIME DEFAULT CURRENT_TIMESTAMP, d INTEGER DEFAULT 1 REFERENCES p(x), e BOOLEAN DEFAULT (datetime('now')), f TEXT CHECK (f != ''), g INTEGER, CONSTRAINT pk_t PRIMARY KEY (id), CONSTRAINT uq_ab UNIQUE (a, b), UNIQUE (c, d), CONSTRAINT ck_a CHECK (a > 0), CHECK (g < 5), CONSTRAINT fk_g FOREIGN KEY(g, a) REFERENCES p (x, y) ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED, FOREIGN KEY(a) REFERENCES p (x))";
    let fk = |id, seq, from: &str, to: &str, upd: &str, del: &str| PragmaForeignKey {
        id,
        seq,
        table: "p".into(),
        from: from.into(),
        to: Some(to.into()),
        on_update: upd.into(),
        on_delete: del.into(),
        match_: "NONE".into(),
    };
    let idx =
        |name: &str, unique, origin: &str, partial, cols: Vec<Option<&str>>, sql: Option<&str>| {
            PragmaIndex {
                name: name.into(),
                unique,
                origin: origin.into(),
                partial,
                columns: cols.into_iter().map(|c| c.map(str::to_string)).collect(),
                sql: sql.map(str::to_string),
            }
        };
    SqliteTableData {
        name: "t".into(),
        sql: Some(sql.into()),
        columns: vec![
            pragma_col(0, "id", "INTEGER", true, None, 1),
            pragma_col(1, "a", "INTEGER", false, Some("10"), 0),
            pragma_col(2, "b", "VARCHAR(20)", true, Some("'q'"), 0),
            pragma_col(3, "c", "DATETIME", false, Some("CURRENT_TIMESTAMP"), 0),
            pragma_col(4, "d", "INTEGER", false, Some("1"), 0),
            pragma_col(5, "e", "BOOLEAN", false, Some("datetime('now')"), 0),
            pragma_col(6, "f", "TEXT", false, None, 0),
            pragma_col(7, "g", "INTEGER", false, None, 0),
        ],
        foreign_keys: vec![
            fk(0, 0, "a", "x", "NO ACTION", "NO ACTION"),
            fk(1, 0, "g", "x", "SET NULL", "CASCADE"),
            fk(1, 1, "a", "y", "SET NULL", "CASCADE"),
            fk(2, 0, "d", "x", "NO ACTION", "NO ACTION"),
        ],
        indexes: vec![
            idx(
                "Ix Multi",
                false,
                "c",
                false,
                vec![Some("g"), Some("a")],
                Some("CREATE INDEX \"Ix Multi\" ON t (g, a DESC)"),
            ),
            idx(
                "ix_expr",
                false,
                "c",
                false,
                vec![None],
                Some("CREATE INDEX ix_expr ON t (lower(f))"),
            ),
            idx(
                "ix_t_a",
                true,
                "c",
                true,
                vec![Some("a")],
                Some("CREATE UNIQUE INDEX ix_t_a ON t (a) WHERE a > 5"),
            ),
            idx(
                "ix_t_g",
                false,
                "c",
                false,
                vec![Some("g")],
                Some("CREATE INDEX ix_t_g ON t (g)"),
            ),
            idx(
                "sqlite_autoindex_t_3",
                true,
                "u",
                false,
                vec![Some("c"), Some("d")],
                None,
            ),
            idx(
                "sqlite_autoindex_t_2",
                true,
                "u",
                false,
                vec![Some("a"), Some("b")],
                None,
            ),
            idx(
                "sqlite_autoindex_t_1",
                true,
                "u",
                false,
                vec![Some("b")],
                None,
            ),
        ],
        referred_primary_keys: vec![],
    }
}

/// (constructor as written, DDL, repr, reflected repr) from §12 / measured.
/// (class, keywords, DDL, repr, reflected repr)
type TypeRow = (
    &'static str,
    &'static [(&'static str, Literal)],
    &'static str,
    &'static str,
    &'static str,
);

const TYPE_TABLE: &[TypeRow] = &[
    ("Integer", &[], "INTEGER", "sa.Integer()", "sa.INTEGER()"),
    (
        "BigInteger",
        &[],
        "BIGINT",
        "sa.BigInteger()",
        "sa.BIGINT()",
    ),
    (
        "SmallInteger",
        &[],
        "SMALLINT",
        "sa.SmallInteger()",
        "sa.SMALLINT()",
    ),
    ("String", &[], "VARCHAR", "sa.String()", "sa.VARCHAR()"),
    (
        "String",
        &[("length", Literal::Int(50))],
        "VARCHAR(50)",
        "sa.String(length=50)",
        "sa.VARCHAR(length=50)",
    ),
    (
        "Unicode",
        &[("length", Literal::Int(20))],
        "VARCHAR(20)",
        "sa.Unicode(length=20)",
        "sa.VARCHAR(length=20)",
    ),
    ("Text", &[], "TEXT", "sa.Text()", "sa.TEXT()"),
    (
        "Text",
        &[("length", Literal::Int(100))],
        "TEXT(100)",
        "sa.Text(length=100)",
        "sa.TEXT(length=100)",
    ),
    ("UnicodeText", &[], "TEXT", "sa.UnicodeText()", "sa.TEXT()"),
    ("Boolean", &[], "BOOLEAN", "sa.Boolean()", "sa.BOOLEAN()"),
    ("Float", &[], "FLOAT", "sa.Float()", "sa.FLOAT()"),
    (
        "Float",
        &[("precision", Literal::Int(53))],
        "FLOAT",
        "sa.Float(precision=53)",
        "sa.FLOAT()",
    ),
    ("Double", &[], "DOUBLE", "sa.Double()", "sa.DOUBLE()"),
    ("Numeric", &[], "NUMERIC", "sa.Numeric()", "sa.NUMERIC()"),
    (
        "Numeric",
        &[("precision", Literal::Int(10)), ("scale", Literal::Int(2))],
        "NUMERIC(10, 2)",
        "sa.Numeric(precision=10, scale=2)",
        "sa.NUMERIC(precision=10, scale=2)",
    ),
    (
        "Numeric",
        &[("precision", Literal::Int(10))],
        "NUMERIC(10)",
        "sa.Numeric(precision=10)",
        "sa.NUMERIC(precision=10)",
    ),
    (
        "DECIMAL",
        &[("precision", Literal::Int(8)), ("scale", Literal::Int(3))],
        "DECIMAL(8, 3)",
        "sa.DECIMAL(precision=8, scale=3)",
        "sa.DECIMAL(precision=8, scale=3)",
    ),
    ("Date", &[], "DATE", "sa.Date()", "sa.DATE()"),
    (
        "DateTime",
        &[],
        "DATETIME",
        "sa.DateTime()",
        "sa.DATETIME()",
    ),
    (
        "DateTime",
        &[("timezone", Literal::Bool(true))],
        "DATETIME",
        "sa.DateTime(timezone=True)",
        "sa.DATETIME()",
    ),
    ("Time", &[], "TIME", "sa.Time()", "sa.TIME()"),
    (
        "Interval",
        &[],
        "DATETIME",
        "sa.Interval()",
        "sa.DATETIME()",
    ),
    ("LargeBinary", &[], "BLOB", "sa.LargeBinary()", "sa.BLOB()"),
    ("JSON", &[], "JSON", "sa.JSON()", "sqlite.JSON()"),
    ("Uuid", &[], "CHAR(32)", "sa.Uuid()", "sa.CHAR(length=32)"),
    (
        "VARCHAR",
        &[("length", Literal::Int(40))],
        "VARCHAR(40)",
        "sa.VARCHAR(length=40)",
        "sa.VARCHAR(length=40)",
    ),
    ("INTEGER", &[], "INTEGER", "sa.INTEGER()", "sa.INTEGER()"),
    (
        "CHAR",
        &[("length", Literal::Int(3))],
        "CHAR(3)",
        "sa.CHAR(length=3)",
        "sa.CHAR(length=3)",
    ),
    (
        "TIMESTAMP",
        &[],
        "TIMESTAMP",
        "sa.TIMESTAMP()",
        "sa.TIMESTAMP()",
    ),
    ("REAL", &[], "REAL", "sa.REAL()", "sa.REAL()"),
    ("BLOB", &[], "BLOB", "sa.BLOB()", "sa.BLOB()"),
    (
        "NVARCHAR",
        &[("length", Literal::Int(9))],
        "NVARCHAR(9)",
        "sa.NVARCHAR(length=9)",
        "sa.NVARCHAR(length=9)",
    ),
    // measured
    (
        "NCHAR",
        &[("length", Literal::Int(2))],
        "NCHAR(2)",
        "sa.NCHAR(length=2)",
        "sa.NCHAR(length=2)",
    ),
    ("CLOB", &[], "CLOB", "sa.CLOB()", "sa.TEXT()"),
    (
        "DOUBLE_PRECISION",
        &[],
        "DOUBLE PRECISION",
        "sa.DOUBLE_PRECISION()",
        "sa.REAL()",
    ),
    ("BINARY", &[], "BINARY", "sa.BINARY()", "sa.NUMERIC()"),
    (
        "VARBINARY",
        &[("length", Literal::Int(10))],
        "VARBINARY(10)",
        "sa.VARBINARY(length=10)",
        "sa.NUMERIC(precision=10)",
    ),
    ("UUID", &[], "UUID", "sa.UUID()", "sa.NUMERIC()"),
    ("PickleType", &[], "BLOB", "sa.PickleType()", "sa.BLOB()"),
    ("BOOLEAN", &[], "BOOLEAN", "sa.BOOLEAN()", "sa.BOOLEAN()"),
    (
        "Numeric",
        &[
            ("precision", Literal::Int(10)),
            ("scale", Literal::Int(2)),
            ("asdecimal", Literal::Bool(false)),
        ],
        "NUMERIC(10, 2)",
        "sa.Numeric(precision=10, scale=2, asdecimal=False)",
        "sa.NUMERIC(precision=10, scale=2)",
    ),
    (
        "String",
        &[
            ("length", Literal::Int(50)),
            ("collation", Literal::Str(String::new())),
        ],
        "",
        "",
        "",
    ),
];
