//! Unit tests for autogenerate. Expected texts were measured with Alembic 1.20.1 /
//! SQLAlchemy 2.1.9 (`/work/scratch/autogen-lab`), unless a test says otherwise.

use super::check::diffs_repr;
use super::compare::{compare_metadata, types_differ, CompareOptions};
use super::reflect::reflect_database;
use super::render::render_migration;
use super::SchemaTable;
use crate::host::{FileSystem, MemoryFs};
use crate::ops::{SqlType, TypeClass};
use crate::python;
use crate::runtime::{Database, Dialect};
use crate::script::exec::env::{EnvProgram, EnvSettings};
use crate::script::exec::models::merge_lists_w_ordering;
use crate::script::exec::ExecError;
use crate::sqlite::SqliteDatabase;

const ENV: &str = "from models import Base\ntarget_metadata = Base.metadata\n";

fn load_with(files: &[(&str, &str)], env: &str) -> Result<Vec<SchemaTable>, ExecError> {
    let mut fs = MemoryFs::new();
    for (path, text) in files {
        fs.write(&format!("/p/{path}"), text).unwrap();
    }
    // env.py hands its target_metadata to context.configure(), as Alembic's template does
    let env = format!(
        "from alembic import context\n{env}context.configure(target_metadata=target_metadata)\n"
    );
    let env = env.as_str();
    let module = std::rc::Rc::new(python::parse_module(env).unwrap());
    let program = EnvProgram::new(
        &fs,
        vec!["/p".to_string()],
        "/p/migrations/env.py",
        env,
        &module,
        EnvSettings::default(),
    );
    let (run, result) = program.run();
    result.map_err(|error| program.relative(error))?;
    run.target_tables().unwrap_or(Ok(Vec::new()))
}

fn load(models: &str) -> Vec<SchemaTable> {
    load_with(&[("models.py", models)], ENV).unwrap()
}

fn database(sql: &str) -> SqliteDatabase {
    let mut db = SqliteDatabase::open(":memory:").unwrap();
    for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
        db.execute(statement, &[]).unwrap();
    }
    db
}

fn reflect(sql: &str) -> Vec<SchemaTable> {
    let mut db = database(sql);
    reflect_database(&mut db, "alembic_version").unwrap()
}

fn columns(table: &SchemaTable) -> Vec<(String, String, bool)> {
    table
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.type_.python_repr(), c.nullable))
        .collect()
}

fn col(name: &str, type_: &str, nullable: bool) -> (String, String, bool) {
    (name.to_string(), type_.to_string(), nullable)
}

const TYPED_V1: &str = r#"
from typing import Optional
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[Optional[str]] = mapped_column(String(100))
"#;

const TYPED_V2: &str = r#"
from typing import Optional
from sqlalchemy import String, ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(100), index=True)
    age: Mapped[Optional[int]]

class Post(Base):
    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
"#;

const USER_DDL: &str = "CREATE TABLE user (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, email VARCHAR(100), PRIMARY KEY (id))";

#[test]
fn typed_models_infer_types_and_nullability() {
    let tables = load(TYPED_V1);
    assert_eq!(
        columns(&tables[0]),
        vec![
            col("id", "sa.Integer()", false),
            col("name", "sa.String(length=50)", false),
            col("email", "sa.String(length=100)", true),
        ]
    );
    assert_eq!(tables[0].primary_key, vec!["id"]);
}

#[test]
fn mapped_annotation_table_matches_sqlalchemy() {
    let tables = load(
        r#"
import datetime, decimal, enum, uuid
from typing import Optional
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Color(enum.Enum):
    red = 1
    green = 2

class Base(DeclarativeBase):
    pass

class T(Base):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(primary_key=True)
    a_str: Mapped[str]
    a_opt: Mapped[Optional[str]]
    a_union: Mapped[str | None]
    a_bool: Mapped[bool]
    a_float: Mapped[float]
    a_dt: Mapped[datetime.datetime]
    a_td: Mapped[datetime.timedelta]
    a_dec: Mapped[decimal.Decimal]
    a_bytes: Mapped[bytes]
    a_uuid: Mapped[uuid.UUID]
    a_enum: Mapped[Color]
"#,
    );
    assert_eq!(
        columns(&tables[0]),
        vec![
            col("id", "sa.Integer()", false),
            col("a_str", "sa.String()", false),
            col("a_opt", "sa.String()", true),
            col("a_union", "sa.String()", true),
            col("a_bool", "sa.Boolean()", false),
            col("a_float", "sa.Double()", false),
            col("a_dt", "sa.DateTime()", false),
            col("a_td", "sa.Interval()", false),
            col("a_dec", "sa.Numeric()", false),
            col("a_bytes", "sa.LargeBinary()", false),
            col("a_uuid", "sa.Uuid()", false),
            col("a_enum", "sa.Enum('red', 'green', name='color')", false),
        ]
    );
}

#[test]
fn declarative_column_order_follows_merge_lists_w_ordering() {
    // Measured: ['a', 'id', 'c', 'b', 'd'] for annotation-only a and c, Column b.
    let tables = load(
        r#"
from typing import Optional
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class T(Base):
    __tablename__ = 't'
    a: Mapped[int]
    id: Mapped[int] = mapped_column(primary_key=True)
    b = Column(Integer)
    c: Mapped[Optional[str]]
    d: Mapped[str] = mapped_column(String(3))
"#,
    );
    let names: Vec<&str> = tables[0].columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["a", "id", "c", "b", "d"]);
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        merge_lists_w_ordering(
            &strings(&["__tablename__", "id", "x", "created_at"]),
            &strings(&["id", "name", "data", "y", "created_at"])
        ),
        strings(&[
            "__tablename__",
            "id",
            "name",
            "data",
            "y",
            "x",
            "created_at"
        ])
    );
}

#[test]
fn classic_declarative_with_table_args_and_relationships() {
    let tables = load(
        r#"
from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint, CheckConstraint
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import relationship

Base = declarative_base()

class User(Base):
    __tablename__ = 'user'
    __table_args__ = (
        Index('ix_user_email', 'email', unique=True),
        UniqueConstraint('name', name='uq_user_name'),
        CheckConstraint('length(name) > 1', name='ck_name'),
        {'comment': 'people'},
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    email = Column(String(100))
    posts = relationship('Post')

class Post(Base):
    __tablename__ = 'post'
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey('user.id', ondelete='CASCADE'), index=True)
"#,
    );
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["user", "post"],
        "sorted_tables puts the parent first"
    );
    let user = &tables[0];
    assert_eq!(user.indexes[0].name.text, "ix_user_email");
    assert!(!user.indexes[0].name.conv);
    assert_eq!(user.uniques[0].name.as_ref().unwrap().text, "uq_user_name");
    assert_eq!(user.comment.as_deref(), Some("people"));
    let post = &tables[1];
    // An untyped foreign key column takes the referred column's type.
    assert_eq!(post.columns[1].type_, SqlType::new(TypeClass::Integer));
    assert_eq!(post.foreign_keys[0].ondelete.as_deref(), Some("CASCADE"));
    assert_eq!(post.indexes[0].name.text, "ix_post_user_id");
    assert!(
        post.indexes[0].name.conv,
        "index=True names come from the naming convention"
    );
}

#[test]
fn core_tables_with_naming_convention() {
    let tables = load_with(
        &[(
            "models.py",
            r#"
import sqlalchemy as sa
metadata = sa.MetaData(naming_convention={
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ix": "ix_%(column_0_label)s",
})
account = sa.Table("account", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("login", sa.String(40), unique=True))
session = sa.Table("session", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.ForeignKey("account.id")))
sa.Index("ix_login_upper", account.c.login)
"#,
        )],
        "from models import metadata\ntarget_metadata = metadata\n",
    )
    .unwrap();
    let account = &tables[0];
    assert_eq!(
        account.primary_key_name.as_ref().unwrap().text,
        "pk_account"
    );
    assert_eq!(
        account.uniques[0].name.as_ref().unwrap().text,
        "uq_account_login"
    );
    assert_eq!(account.indexes[0].name.text, "ix_login_upper");
    let session = &tables[1];
    assert_eq!(
        session.foreign_keys[0].name.as_ref().unwrap().text,
        "fk_session_account_id_account"
    );
}

#[test]
fn package_modules_and_metadata_lists() {
    let tables = load_with(
        &[
            ("myapp/__init__.py", ""),
            ("myapp/models.py", "import sqlalchemy as sa\na = sa.MetaData()\nsa.Table('x', a, sa.Column('id', sa.Integer, primary_key=True))\nb = sa.MetaData()\nsa.Table('y', b, sa.Column('id', sa.Integer, primary_key=True))\n"),
        ],
        "from myapp import models\ntarget_metadata = [models.a, models.b]\n",
    )
    .unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["x", "y"]);
}

#[test]
fn a_missing_module_is_module_not_found() {
    let error = load_with(&[], ENV).unwrap_err();
    assert!(
        matches!(error, ExecError::Python { ref exception, ref message, .. }
        if exception == "ModuleNotFoundError" && message == "No module named 'models'")
    );
    let error = load_with(
        &[("myapp/__init__.py", "")],
        "from myapp.models import Base\ntarget_metadata = Base.metadata\n",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ModuleNotFoundError: No module named 'myapp.models'"
    );
}

#[test]
fn unsupported_code_is_located() {
    let error = load_with(
        &[("models.py", "from sqlalchemy.orm import declarative_base\nimport dataclasses\nBase = declarative_base()\n@dataclasses.dataclass\nclass Point:\n    x: int\n")],
        ENV,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "models.py:4:2: the playground cannot run decorated classes"
    );
    let error = load_with(
        &[("models.py", "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\nclass Base(DeclarativeBase):\n    pass\nclass T(Base):\n    __tablename__ = 't'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    data: Mapped[dict]\n")],
        ENV,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "models.py:7:11: the playground cannot find the SQL type for Mapped[dict]; give mapped_column() a type"
    );
}

#[test]
fn reflection_reads_uniques_indexes_and_foreign_keys() {
    let tables = reflect(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);
         CREATE TABLE user (id INTEGER NOT NULL, name VARCHAR(50) DEFAULT 'x', data JSON, PRIMARY KEY (id), CONSTRAINT uq_user_name UNIQUE (name));
         CREATE UNIQUE INDEX ix_user_data ON user (data);
         CREATE TABLE post (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES user (id) ON DELETE CASCADE)",
    );
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["post", "user"]);
    let user = &tables[1];
    assert_eq!(
        columns(user),
        vec![
            col("id", "sa.INTEGER()", false),
            col("name", "sa.VARCHAR(length=50)", true),
            col("data", "sqlite.JSON()", true),
        ]
    );
    assert_eq!(user.uniques[0].name.as_ref().unwrap().text, "uq_user_name");
    assert!(user.uniques[0].name.as_ref().unwrap().conv);
    assert_eq!(user.indexes[0].unique, super::IndexUnique::Int(1));
    // Measured: SQLAlchemy reads ON DELETE only from table-level FOREIGN KEY clauses; an
    // inline REFERENCES ... ON DELETE CASCADE reflects with no options.
    assert_eq!(tables[0].foreign_keys[0].ondelete, None);
    assert_eq!(tables[0].foreign_keys[0].referent_table, "user");
    assert!(
        tables[0].columns[0].nullable,
        "INTEGER PRIMARY KEY without NOT NULL reflects nullable"
    );
}

fn render(models: &str, ddl: &str, batch: bool) -> (String, String, Vec<String>) {
    let comparison = compare_metadata(&load(models), &reflect(ddl), CompareOptions::default());
    let rendered = render_migration(&comparison, batch);
    let log = comparison
        .log
        .iter()
        .map(|l| format!("[{}] {}", l.logger, l.text))
        .collect();
    (rendered.upgrades, rendered.downgrades, log)
}

#[test]
fn first_revision_creates_the_table() {
    let (up, down, log) = render(TYPED_V1, "", false);
    assert_eq!(
        up,
        "# ### commands auto generated by Alembic - please adjust! ###\n    op.create_table('user',\n    sa.Column('id', sa.Integer(), nullable=False),\n    sa.Column('name', sa.String(length=50), nullable=False),\n    sa.Column('email', sa.String(length=100), nullable=True),\n    sa.PrimaryKeyConstraint('id')\n    )\n    # ### end Alembic commands ###"
    );
    assert_eq!(
        down,
        "# ### commands auto generated by Alembic - please adjust! ###\n    op.drop_table('user')\n    # ### end Alembic commands ###"
    );
    assert_eq!(
        log,
        vec!["[alembic.autogenerate.compare.tables] Detected added table 'user'"]
    );
}

#[test]
fn no_changes_render_pass() {
    let (up, down, log) = render(TYPED_V1, USER_DDL, false);
    let pass = "# ### commands auto generated by Alembic - please adjust! ###\n    pass\n    # ### end Alembic commands ###";
    assert_eq!((up.as_str(), down.as_str()), (pass, pass));
    assert!(log.is_empty());
}

#[test]
fn each_change_of_the_tutorial_renders_like_alembic() {
    let (up, down, log) = render(TYPED_V2, USER_DDL, false);
    assert_eq!(
        up,
        r#"# ### commands auto generated by Alembic - please adjust! ###
    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('title')
    )
    op.create_index(op.f('ix_post_user_id'), 'post', ['user_id'], unique=False)
    op.add_column('user', sa.Column('age', sa.Integer(), nullable=True))
    op.alter_column('user', 'name',
               existing_type=sa.VARCHAR(length=50),
               type_=sa.String(length=100),
               existing_nullable=False)
    op.alter_column('user', 'email',
               existing_type=sa.VARCHAR(length=100),
               nullable=False)
    op.create_index(op.f('ix_user_email'), 'user', ['email'], unique=False)
    # ### end Alembic commands ###"#
    );
    assert_eq!(
        down,
        r#"# ### commands auto generated by Alembic - please adjust! ###
    op.drop_index(op.f('ix_user_email'), table_name='user')
    op.alter_column('user', 'email',
               existing_type=sa.VARCHAR(length=100),
               nullable=True)
    op.alter_column('user', 'name',
               existing_type=sa.String(length=100),
               type_=sa.VARCHAR(length=50),
               existing_nullable=False)
    op.drop_column('user', 'age')
    op.drop_index(op.f('ix_post_user_id'), table_name='post')
    op.drop_table('post')
    # ### end Alembic commands ###"#
    );
    assert_eq!(
        log,
        vec![
            "[alembic.autogenerate.compare.tables] Detected added table 'post'",
            "[alembic.autogenerate.compare.constraints] Detected added index 'ix_post_user_id' on '('user_id',)'",
            "[alembic.autogenerate.compare.tables] Detected added column 'user.age'",
            "[alembic.autogenerate.compare.types] Detected type change from VARCHAR(length=50) to String(length=100) on 'user.name'",
            "[alembic.autogenerate.compare.constraints] Detected NOT NULL on column 'user.email'",
            "[alembic.autogenerate.compare.constraints] Detected added index 'ix_user_email' on '('email',)'",
        ]
    );
}

#[test]
fn render_as_batch_wraps_table_ops() {
    let (up, _, _) = render(TYPED_V2, USER_DDL, true);
    assert!(up.contains(
        "    with op.batch_alter_table('post', schema=None) as batch_op:\n        batch_op.create_index(batch_op.f('ix_post_user_id'), ['user_id'], unique=False)\n\n    with op.batch_alter_table('user', schema=None) as batch_op:\n        batch_op.add_column(sa.Column('age', sa.Integer(), nullable=True))\n        batch_op.alter_column('name',\n               existing_type=sa.VARCHAR(length=50),\n               type_=sa.String(length=100),\n               existing_nullable=False)\n"
    ), "{up}");
    assert!(
        up.ends_with("unique=False)\n\n    # ### end Alembic commands ###"),
        "{up}"
    );
}

#[test]
fn removals_render_reflected_forms() {
    let (up, down, _) = render(
        TYPED_V1,
        "CREATE TABLE user (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER, PRIMARY KEY (id));
         CREATE UNIQUE INDEX ix_user_age ON user (age);
         CREATE TABLE legacy (id INTEGER PRIMARY KEY, data JSON)",
        false,
    );
    assert!(up.contains("op.drop_table('legacy')\n    op.drop_index(op.f('ix_user_age'), table_name='user')\n    op.drop_column('user', 'age')"), "{up}");
    assert!(
        down.contains("op.create_index(op.f('ix_user_age'), 'user', ['age'], unique=1)"),
        "{down}"
    );
    assert!(down.contains("op.create_table('legacy',\n    sa.Column('id', sa.INTEGER(), nullable=True),\n    sa.Column('data', sqlite.JSON(), nullable=True),\n    sa.PrimaryKeyConstraint('id')\n    )"), "{down}");
    let comparison = compare_metadata(
        &load(TYPED_V1),
        &reflect("CREATE TABLE legacy (id INTEGER PRIMARY KEY, data JSON)"),
        CompareOptions::default(),
    );
    assert_eq!(
        render_migration(&comparison, false).imports,
        "from sqlalchemy.dialects import sqlite"
    );
}

#[test]
fn compare_type_ignores_spelling_differences() {
    let same = [
        (TypeClass::INTEGER, TypeClass::Integer),
        (TypeClass::VARCHAR, TypeClass::String),
        (TypeClass::BOOLEAN, TypeClass::Boolean),
        (TypeClass::DATETIME, TypeClass::DateTime),
        (TypeClass::DATETIME, TypeClass::Interval),
        (TypeClass::TEXT, TypeClass::UnicodeText),
        (TypeClass::NUMERIC, TypeClass::Numeric),
        (TypeClass::DECIMAL, TypeClass::Numeric),
        (TypeClass::SqliteJSON, TypeClass::JSON),
        (TypeClass::DOUBLE, TypeClass::Double),
    ];
    for (conn, meta) in same {
        assert!(
            !types_differ(&SqlType::new(conn), &SqlType::new(meta), Dialect::Sqlite),
            "{conn:?} vs {meta:?}"
        );
    }
    let varchar = |n| SqlType::with_length(TypeClass::VARCHAR, n);
    let string = |n| SqlType::with_length(TypeClass::String, n);
    assert!(!types_differ(&varchar(50), &string(50), Dialect::Sqlite));
    assert!(types_differ(&varchar(50), &string(100), Dialect::Sqlite));
    // A length on one side only is "less specific", not different.
    assert!(!types_differ(
        &varchar(50),
        &SqlType::new(TypeClass::String),
        Dialect::Sqlite
    ));
    assert!(types_differ(
        &SqlType::new(TypeClass::INTEGER),
        &SqlType::new(TypeClass::BigInteger),
        Dialect::Sqlite
    ));
    assert!(types_differ(
        &SqlType::new(TypeClass::DATETIME),
        &SqlType::new(TypeClass::Integer),
        Dialect::Sqlite
    ));
}

#[test]
fn compare_type_false_skips_type_changes() {
    let models = load(TYPED_V2);
    let conn = reflect(USER_DDL);
    let options = CompareOptions {
        compare_type: false,
        compare_server_default: false,
        dialect: Dialect::Sqlite,
    };
    let comparison = compare_metadata(&models, &conn, options);
    let up = render_migration(&comparison, false).upgrades;
    assert!(!up.contains("type_="), "{up}");
    assert!(
        up.contains("op.alter_column('user', 'email',\n               nullable=False)"),
        "{up}"
    );
}

#[test]
fn check_repr_matches_alembic() {
    let comparison = compare_metadata(&load(TYPED_V1), &[], CompareOptions::default());
    assert_eq!(
        diffs_repr(&comparison),
        "[('add_table', Table('user', MetaData(), Column('id', Integer(), table=<user>, primary_key=True, nullable=False), Column('name', String(length=50), table=<user>, nullable=False), Column('email', String(length=100), table=<user>), schema=None))]"
    );
    let comparison = compare_metadata(
        &load(TYPED_V2),
        &reflect(USER_DDL),
        CompareOptions::default(),
    );
    assert_eq!(
        diffs_repr(&comparison),
        "[('add_table', Table('post', MetaData(), Column('id', Integer(), table=<post>, primary_key=True, nullable=False), Column('user_id', Integer(), ForeignKey('user.id'), table=<post>, nullable=False), Column('title', String(length=200), table=<post>, nullable=False), schema=None)), ('add_index', Index('ix_post_user_id', Column('user_id', Integer(), table=<post>, nullable=False))), ('add_column', None, 'user', Column('age', Integer(), table=<user>)), [('modify_type', None, 'user', 'name', {'existing_nullable': False, 'existing_server_default': False, 'existing_comment': None}, VARCHAR(length=50), String(length=100))], [('modify_nullable', None, 'user', 'email', {'existing_type': VARCHAR(length=100), 'existing_server_default': False, 'existing_comment': None}, True, False)], ('add_index', Index('ix_user_email', Column('email', String(length=100), table=<user>, nullable=False)))]"
    );
}

#[test]
fn models_run_as_python_helpers_mixins_declared_attr_and_loops() {
    // Measured with SQLAlchemy 2.1.9: the mapped class's columns first, then the mixin's;
    // the metadata's naming convention names the primary key and the unique constraint.
    let tables = load(
        r#"import datetime
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, declared_attr

class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s"})

def name_column(length):
    return mapped_column(sa.String(length), nullable=False)

class Timestamps:
    created: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())

class Named:
    @declared_attr.directive
    def __tablename__(cls):
        return cls.__name__.lower()

class Tag(Named, Timestamps, Base):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = name_column(30)
    code: Mapped[str] = mapped_column(sa.String(5), unique=True)

for n in ("a", "b"):
    sa.Table(f"extra_{n}", Base.metadata, sa.Column("id", sa.Integer, primary_key=True))

sa.Index("ix_tag_name_code", Tag.name, Tag.code)
"#,
    );
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["extra_a", "extra_b", "tag"]);
    let tag = &tables[2];
    assert_eq!(
        columns(tag),
        [
            col("id", "sa.Integer()", false),
            col("name", "sa.String(length=30)", false),
            col("code", "sa.String(length=5)", false),
            col("created", "sa.DateTime()", false),
        ]
    );
    assert_eq!(tag.primary_key_name, Some(super::Name::conv("pk_tag")));
    assert_eq!(
        tables[0].primary_key_name,
        Some(super::Name::conv("pk_extra_a"))
    );
    assert_eq!(tag.uniques[0].name, Some(super::Name::conv("uq_tag_code")));
    assert_eq!(tag.indexes.len(), 1);
    assert_eq!(tag.indexes[0].name, super::Name::plain("ix_tag_name_code"));
    assert_eq!(tag.indexes[0].columns, ["name", "code"]);
}
