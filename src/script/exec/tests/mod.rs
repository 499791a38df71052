use super::modules::ModuleSet;
use super::*;
use crate::ops::operation::{AddColumn, AlterColumn};
use crate::ops::{
    BatchOp, BulkInsertTable, Column, ExecuteSql, Literal, Operation, Recreate, ServerDefault,
    SqlExpr, SqlType, Table, TypeClass,
};
use crate::runtime::{Database, MigrationContext, SqlValue, VersionChange};
use crate::script::load::load_revision;
use crate::sqlite::SqliteDatabase;

mod projects;
mod running;

const HEADER: &str = "\"\"\"test revision\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\ndown_revision = None\n\n";

fn script_from(source: &str) -> RevisionScript {
    load_revision("versions/x.py", source)
        .expect("test source parses")
        .expect("test source is a revision")
}

/// The clock the tests' migrations read (`datetime.now()`): 2026-11-28 00:43:46.094752.
fn now() -> crate::host::CreateDate {
    crate::host::CreateDate::from_unix_micros(1_795_826_626_094_752)
}

/// A revision whose `upgrade()` body is `body` (indented by the caller).
fn script(body: &str) -> RevisionScript {
    script_from(&format!("{HEADER}def upgrade():\n{body}"))
}

fn plan(body: &str) -> Result<Vec<Operation>, ExecError> {
    plan_function(&script(body), "upgrade")
        .map(|ops| ops.into_iter().map(|p| p.operation).collect())
}

fn t(class: TypeClass) -> SqlType {
    SqlType::new(class)
}

/// Runs `upgrade()` of each source offline; stdout, or the error's display.
fn offline(body: &str) -> String {
    let script = script(body);
    let mut context = MigrationContext::offline();
    let result = run_function(
        &script,
        "upgrade",
        &ModuleSet::new(),
        &mut context,
        &mut Vec::new(),
        now(),
    );
    match result {
        Ok(_) => context.out.stdout_text(),
        Err(error) => format!("!{error}"),
    }
}

fn run_online(db: &mut SqliteDatabase, body: &str) -> Result<Vec<String>, ExecError> {
    run_source(db, &format!("{HEADER}def upgrade():\n{body}"))
}

/// Runs the `upgrade()` of a whole revision file online, committing unless it fails.
fn run_source(db: &mut SqliteDatabase, source: &str) -> Result<Vec<String>, ExecError> {
    let script = script_from(source);
    let mut context = MigrationContext::online(db);
    let mut warnings = Vec::new();
    let result = run_function(
        &script,
        "upgrade",
        &ModuleSet::new(),
        &mut context,
        &mut warnings,
        now(),
    )
    .map(|()| warnings);
    match &result {
        Ok(_) => context.commit_step().expect("commit"),
        Err(_) => context.rollback_step(),
    }
    result
}

fn master_sql(db: &mut SqliteDatabase, name: &str) -> Option<String> {
    let (_, rows) = db
        .query(
            "SELECT sql FROM sqlite_master WHERE name = ?",
            &[SqlValue::Text(name.into())],
        )
        .expect("query");
    match rows.into_iter().next().and_then(|r| r.into_iter().next()) {
        Some(SqlValue::Text(sql)) => Some(sql),
        _ => None,
    }
}

fn rows(db: &mut SqliteDatabase, sql: &str) -> Vec<Vec<SqlValue>> {
    db.query(sql, &[]).expect("query").1
}

fn table_names(db: &mut SqliteDatabase) -> Vec<String> {
    rows(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .into_iter()
    .filter_map(|r| match r.into_iter().next() {
        Some(SqlValue::Text(t)) => Some(t),
        _ => None,
    })
    .collect()
}

fn python_error(body: &str) -> (String, String, u32, String) {
    match plan(body) {
        Err(ExecError::Python {
            exception,
            message,
            line,
            source_line,
            ..
        }) => (exception, message, line, source_line),
        other => panic!("expected a Python error, got {other:?}"),
    }
}

const BLOCK_A: &str = "    op.create_table(
        'account',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String(50), nullable=False),
        sa.Column('description', sa.Unicode(200)),
        sa.Column('is_active', sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column('balance', sa.Numeric(10, 2), server_default='0'),
        sa.Column('created_at', sa.DateTime, server_default=sa.func.now()),
        sa.Column('kind', sa.Enum('a', 'b', name='kind_enum')),
        sa.Column('user_id', sa.Integer, sa.ForeignKey('user.id', ondelete='CASCADE')),
        sa.Column('code', sa.String(10), unique=True),
        sa.Column('score', sa.Float, index=True),
        sa.CheckConstraint('balance >= 0', name='ck_balance_positive'),
        sa.UniqueConstraint('name', 'user_id', name='uq_name_user'),
        comment='accounts table',
    )
";

const USER_TABLE: &str = "    op.create_table('user', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False), sa.Column('email', sa.String(100)), sa.Column('age', sa.Integer))\n    op.create_index('ix_user_email', 'user', ['email'])\n";

const CHAIN: &[(&str, &str)] = &[
    (
        "c0ffee000001",
        "def upgrade():
    op.create_table(
        'user',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('email', sa.String(length=100), nullable=True),
        sa.Column('age', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'address',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('user_id', sa.Integer, sa.ForeignKey('user.id')),
        sa.Column('street', sa.String(100), nullable=False, server_default=''),
    )
",
    ),
    (
        "c0ffee000002",
        "def upgrade():
    op.add_column('user', sa.Column('nickname', sa.String(30)))
    op.add_column('user', sa.Column('status', sa.String(10), nullable=False, server_default='new'))
    op.drop_column('user', 'age')
",
    ),
    (
        "c0ffee000003",
        "def upgrade():
    op.create_index('ix_user_email', 'user', ['email'], unique=True)
    op.create_index(op.f('ix_address_user_id'), 'address', ['user_id'], unique=False)
",
    ),
    (
        "c0ffee000004",
        "def upgrade():
    op.rename_table('address', 'addresses')
    op.alter_column('user', 'name', new_column_name='full_name')
",
    ),
    (
        "c0ffee000005",
        "from sqlalchemy.sql import table, column

def upgrade():
    user = table('user', column('id', sa.Integer), column('full_name', sa.String), column('status', sa.String))
    op.bulk_insert(user, [
        {'id': 1, 'full_name': 'Ann', 'status': 'new'},
        {'id': 2, 'full_name': \"O'Neil\", 'status': 'old'},
    ])
    op.execute(\"UPDATE user SET status = 'active' WHERE id = 1\")
    op.execute(
        user.update()
        .where(user.c.id == op.inline_literal(2))
        .values({'status': op.inline_literal('gone')})
    )
",
    ),
    (
        "c0ffee000006",
        "user_table = sa.Table(
    'user',
    sa.MetaData(),
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('full_name', sa.String(50), nullable=False),
    sa.Column('email', sa.String(100)),
    sa.Column('nickname', sa.String(30)),
    sa.Column('status', sa.String(10), nullable=False, server_default='new'),
    sa.Index('ix_user_email', 'email', unique=True),
)

def upgrade():
    with op.batch_alter_table('user', copy_from=user_table) as batch_op:
        batch_op.alter_column('email', nullable=False, existing_type=sa.String(100))
        batch_op.alter_column('nickname', type_=sa.String(60), existing_type=sa.String(30))
        batch_op.create_unique_constraint('uq_user_full_name', ['full_name'])
        batch_op.create_check_constraint('ck_user_status', \"status IN ('new','active','gone','old')\")
",
    ),
];

const CHAIN_OUTPUT: &str = "CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> c0ffee000001

CREATE TABLE user (
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

INSERT INTO alembic_version (version_num) VALUES ('c0ffee000001') RETURNING version_num;

-- Running upgrade c0ffee000001 -> c0ffee000002

ALTER TABLE user ADD COLUMN nickname VARCHAR(30);

ALTER TABLE user ADD COLUMN status VARCHAR(10) DEFAULT 'new' NOT NULL;

ALTER TABLE user DROP COLUMN age;

UPDATE alembic_version SET version_num='c0ffee000002' WHERE alembic_version.version_num = 'c0ffee000001';

-- Running upgrade c0ffee000002 -> c0ffee000003

CREATE UNIQUE INDEX ix_user_email ON user (email);

CREATE INDEX ix_address_user_id ON address (user_id);

UPDATE alembic_version SET version_num='c0ffee000003' WHERE alembic_version.version_num = 'c0ffee000002';

-- Running upgrade c0ffee000003 -> c0ffee000004

ALTER TABLE address RENAME TO addresses;

ALTER TABLE user RENAME COLUMN name TO full_name;

UPDATE alembic_version SET version_num='c0ffee000004' WHERE alembic_version.version_num = 'c0ffee000003';

-- Running upgrade c0ffee000004 -> c0ffee000005

INSERT INTO user (id, full_name, status) VALUES (1, 'Ann', 'new');

INSERT INTO user (id, full_name, status) VALUES (2, 'O''Neil', 'old');

UPDATE user SET status = 'active' WHERE id = 1;

UPDATE user SET status='gone' WHERE user.id = 2;

UPDATE alembic_version SET version_num='c0ffee000005' WHERE alembic_version.version_num = 'c0ffee000004';

-- Running upgrade c0ffee000005 -> c0ffee000006

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

UPDATE alembic_version SET version_num='c0ffee000006' WHERE alembic_version.version_num = 'c0ffee000005';

";

fn chain_scripts() -> Vec<RevisionScript> {
    let mut previous: Option<&str> = None;
    CHAIN
        .iter()
        .map(|(id, body)| {
            let down = previous.map(|p| format!("'{p}'")).unwrap_or("None".into());
            previous = Some(id);
            script_from(&format!(
                "\"\"\"step\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '{id}'\ndown_revision = {down}\n\n{body}"
            ))
        })
        .collect()
}

const BACKFILL: &str = "    op.create_table('user', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(20)), sa.Column('tag', sa.String(20)))
    conn = op.get_bind()
    conn.execute(sa.text('INSERT INTO user (name) VALUES (:n)'), [{'n': 'ann'}, {'n': 'bob'}])
    users = sa.table('user', sa.column('id'), sa.column('name'))
    conn.execute(users.insert(), [{'name': 'cy'}])
    result = conn.execute(sa.text('SELECT id, name FROM user ORDER BY id'))
    first = result.fetchone()
    for row in result:
        conn.execute(sa.text('UPDATE user SET tag = :t WHERE id = :i'), {'t': row.name + '!', 'i': row[0]})
    count = conn.execute(sa.text('SELECT count(*) FROM user')).scalar()
    names = conn.execute(sa.text('SELECT name FROM user ORDER BY id')).scalars().all()
    if count == 3 and names == ['ann', 'bob', 'cy'] and first.name == 'ann':
        op.execute(\"UPDATE user SET tag = 'first' WHERE id = 1\")
";

/// Statement lines random programs are made of: the interpreter's whole surface, used right
/// and wrong (wrong types, missing names, endless loops, recursion, database errors).
const PROGRAM_LINES: &[&str] = &[
    "x = 1",
    "x = x + 1",
    "x = 'a' * 3",
    "x = [1, 2, x]",
    "x = {'k': x}",
    "x = len(x)",
    "x = x['k']",
    "x = x[0]",
    "x = str(x) + 'b'",
    "x = int('12')",
    "x = int(x)",
    "x = sorted([3, 1, x])",
    "x = range(x)",
    "x = ', '.join(x)",
    "x = f'{x}-2'",
    "x.append(1)",
    "x.update({'a': 1})",
    "print(x, 'y')",
    "def f(a, b=2, *rest, **kw):\n    return a",
    "def g(n):\n    return g(n + 1)",
    "x = f(x)",
    "x = f()",
    "x = f(1, 2, 3, z=4)",
    "x = g(0)",
    "h = lambda v: v + 1",
    "x = h(x)",
    "while x:\n    x = x - 1",
    "while True:\n    pass",
    "for i in x:\n    x = i",
    "for i in range(3):\n    break",
    "try:\n    x = {}['missing']\nexcept KeyError as e:\n    x = str(e)",
    "try:\n    raise ValueError('v')\nexcept Exception:\n    raise",
    "try:\n    op.drop_table('nope')\nexcept sa.exc.OperationalError:\n    pass\nfinally:\n    x = 0",
    "assert x, 'x is false'",
    "del x",
    "import json",
    "from sqlalchemy import text",
    "conn = op.get_bind()",
    "x = conn.execute(sa.text('SELECT 1 AS one')).scalar()",
    "x = conn.execute(sa.text('SELECT * FROM t')).fetchall()",
    "r = conn.execute(sa.text('SELECT id FROM t'))",
    "x = r.fetchone()",
    "x = x.id",
    "x = x[0]",
    "conn.execute(sa.text('INSERT INTO t (id) VALUES (:i)'), [{'i': 1}, {'i': 2}])",
    "conn.execute(sa.text('INSERT INTO t (id) VALUES (:i)'), {'j': 1})",
    "conn.execute('SELECT 1')",
    "conn.execute(sa.table('t', sa.column('id')).insert(), [{'id': 3}])",
    "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True))",
    "op.add_column('t', sa.Column('c', sa.String(5)))",
    "op.execute('UPDATE t SET id = id + 1')",
    "with op.batch_alter_table('t') as batch_op:\n    batch_op.drop_column('c')",
    "op.drop_table('t')",
    "x = undefined_name",
    "x = x.nothing",
    "x = x()",
    "class C:\n    pass",
];

fn random_program(random: &mut crate::test_support::Xorshift) -> String {
    let mut body = String::from("    x = 1\n");
    for _ in 0..1 + random.below(8) {
        let line = PROGRAM_LINES[random.below(PROGRAM_LINES.len())];
        for part in line.lines() {
            body.push_str("    ");
            body.push_str(part);
            body.push('\n');
        }
    }
    format!("{HEADER}def upgrade():\n{body}")
}

/// Runs `upgrade()` of `body` offline with the project modules in `files` (under `/p`).
fn offline_with_modules(files: &[(&str, &str)], imports: &str, body: &str) -> String {
    let mut fs = crate::host::MemoryFs::new();
    for (path, text) in files {
        crate::host::FileSystem::write(&mut fs, &format!("/p/{path}"), text).unwrap();
    }
    let script = script_from(&format!("{HEADER}{imports}\ndef upgrade():\n{body}"));
    let project = modules::ProjectFiles {
        files: &fs,
        search_paths: vec!["/p".to_string()],
    };
    let mut set = ModuleSet::new();
    set.discover(&project, &script.module, "");
    let mut context = MigrationContext::offline();
    match run_function(
        &script,
        "upgrade",
        &set,
        &mut context,
        &mut Vec::new(),
        now(),
    ) {
        Ok(()) => context.out.stdout_text(),
        Err(error) => format!("!{error} at {}", error_path(&error)),
    }
}

fn error_path(error: &ExecError) -> String {
    match error {
        ExecError::Unsupported { path, line, .. } | ExecError::Python { path, line, .. } => {
            format!("{path}:{line}")
        }
        ExecError::Database { path, line, .. } => format!("{path}:{line}"),
    }
}

const TYPES_MODULE: &str = r#"import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator, CHAR

PREFIX = 'tbl_'

class GUID(TypeDecorator):
    impl = CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.Uuid())
        return dialect.type_descriptor(CHAR(32))

class JSONText(TypeDecorator):
    impl = sa.Text

class Money(TypeDecorator):
    impl = sa.Numeric

class Wrapped(TypeDecorator):
    impl = JSONText

    def __init__(self, inner=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if inner is not None:
            self.impl = inner

def table_name(name):
    return PREFIX + name
"#;

const MODELS: &str = "from sqlalchemy import orm\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\n\nclass Kind:\n    pass\n\nclass User(Base):\n    __tablename__ = 'user'\n    id = sa.Column(sa.Integer, primary_key=True)\n    full_name = sa.Column('name', sa.String(20))\n    tag = sa.Column(sa.String(20))\n\n    @property\n    def label(self):\n        return self.full_name + '/' + str(self.tag)\n\n    @classmethod\n    def table(cls):\n        return cls.__tablename__\n\n    @staticmethod\n    def twice(n):\n        return n * 2\n\n";

fn run_with_models(db: &mut SqliteDatabase, body: &str) -> Result<Vec<String>, ExecError> {
    run_source(db, &format!("{HEADER}{MODELS}def upgrade():\n{body}"))
}
