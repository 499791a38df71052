//! One value per `op.*` call of a revision file (Alembic 1.20.1's `op` API,
//! §6.1 of the reference), including `batch_alter_table` blocks.
//!
//! Fields mirror Alembic's keyword arguments; Python's "not given" is
//! `None`/`false` (for `alter_column`, `server_default: None` means "not
//! given" and `Some(None)` means `server_default=None`).

use super::schema::ServerDefault;
use super::schema::{Column, Index, Table};
use super::types::SqlType;
use super::Literal;

/// `recreate=` of `batch_alter_table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Recreate {
    #[default]
    Auto,
    Always,
    Never,
}

/// `sa.table('user', sa.column('id', sa.Integer), ...)` as given to
/// `bulk_insert`; a column without a type is `NullType` (offline rendering
/// of its values then fails exactly like SQLAlchemy's).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkInsertTable {
    pub name: String,
    pub columns: Vec<(String, Option<SqlType>)>,
}

/// A small SQL expression language: enough for
/// `t.update().where(t.c.id == op.inline_literal(2)).values(...)`.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlExpr {
    /// `t.c.name` (rendered `table.name` in WHERE clauses)
    Column { table: String, name: String },
    /// `op.inline_literal(value)`: always rendered inline
    InlineLiteral(Literal),
    /// a plain Python value: a bound parameter online, inline offline
    Value(Literal),
    /// `left <op> right`, e.g. `=`, `!=`, `<`, `>=`, `LIKE`
    Binary {
        left: Box<SqlExpr>,
        operator: String,
        right: Box<SqlExpr>,
    },
    /// `and_(...)`
    And(Vec<SqlExpr>),
    /// `or_(...)`
    Or(Vec<SqlExpr>),
    /// `sa.text('...')` inside an expression
    Text(String),
}

/// What `op.execute(...)` was given.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecuteSql {
    /// a string or `sa.text(...)`, with `.bindparams(...)` values
    Text {
        sql: String,
        binds: Vec<(String, Literal)>,
    },
    /// `table.update().where(...).values({...})`
    Update {
        table: String,
        /// the `sa.table(...)` column names: SET follows this order
        table_columns: Vec<String>,
        values: Vec<(String, SqlExpr)>,
        where_clause: Option<SqlExpr>,
    },
    /// `table.delete().where(...)`
    Delete {
        table: String,
        where_clause: Option<SqlExpr>,
    },
    /// `table.insert().values({...})`
    Insert {
        table: String,
        /// the `sa.table(...)` column names: the column list follows this order
        table_columns: Vec<String>,
        values: Vec<(String, SqlExpr)>,
    },
    /// `sa.select(...)`
    Select(Select),
}

/// `sa.select(columns...).select_from(...).where(...).order_by(...).limit(...)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    pub distinct: bool,
    /// the selected columns and expressions, in order
    pub columns: Vec<SqlExpr>,
    /// the FROM list, in the order SQLAlchemy derives it (explicit `select_from` first, then
    /// the tables of the columns, then those of the WHERE clause)
    pub froms: Vec<String>,
    /// `.join(table, on)` / `.outerjoin(...)`, joined to the first FROM in order
    pub joins: Vec<Join>,
    pub where_clauses: Vec<SqlExpr>,
    pub group_by: Vec<SqlExpr>,
    /// the ORDER BY terms (`.desc()` is part of the term)
    pub order_by: Vec<SqlExpr>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// One `JOIN table ON condition` of a select.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    pub table: String,
    pub on: SqlExpr,
    /// `LEFT OUTER JOIN`
    pub outer: bool,
}

impl SqlExpr {
    /// The tables the expression's columns name, in order of appearance.
    pub fn tables(&self, out: &mut Vec<String>) {
        match self {
            SqlExpr::Column { table, .. } => {
                if !table.is_empty() && !out.contains(table) {
                    out.push(table.clone());
                }
            }
            SqlExpr::Binary { left, right, .. } => {
                left.tables(out);
                right.tables(out);
            }
            SqlExpr::And(items) | SqlExpr::Or(items) => {
                for item in items {
                    item.tables(out);
                }
            }
            SqlExpr::InlineLiteral(_) | SqlExpr::Value(_) | SqlExpr::Text(_) => {}
        }
    }
}

/// `alter_column` keywords (shared by the plain and batch forms).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlterColumn {
    pub column_name: String,
    pub nullable: Option<bool>,
    /// `comment=`: `None` = not given, `Some(None)` = `comment=None`
    pub comment: Option<Option<String>>,
    /// `server_default=`: `None` = not given, `Some(None)` = `server_default=None`
    pub server_default: Option<Option<ServerDefault>>,
    pub new_column_name: Option<String>,
    pub type_: Option<SqlType>,
    pub existing_type: Option<SqlType>,
    pub existing_server_default: Option<Option<ServerDefault>>,
    pub existing_nullable: Option<bool>,
    pub existing_comment: Option<String>,
    pub autoincrement: Option<bool>,
    pub existing_autoincrement: Option<bool>,
    /// batch only
    pub insert_before: Option<String>,
    /// batch only
    pub insert_after: Option<String>,
}

/// `add_column` keywords (shared by the plain and batch forms).
#[derive(Debug, Clone, PartialEq)]
pub struct AddColumn {
    pub column: Column,
    pub if_not_exists: bool,
    pub inline_references: bool,
    pub inline_primary_key: bool,
    /// batch only
    pub insert_before: Option<String>,
    /// batch only
    pub insert_after: Option<String>,
}

impl AddColumn {
    pub fn new(column: Column) -> AddColumn {
        AddColumn {
            column,
            if_not_exists: false,
            inline_references: false,
            inline_primary_key: false,
            insert_before: None,
            insert_after: None,
        }
    }
}

/// `create_foreign_key` arguments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateForeignKey {
    pub name: Option<String>,
    pub referent_table: String,
    pub local_cols: Vec<String>,
    pub remote_cols: Vec<String>,
    pub onupdate: Option<String>,
    pub ondelete: Option<String>,
    pub deferrable: Option<bool>,
    pub initially: Option<String>,
    pub match_: Option<String>,
}

impl CreateForeignKey {
    /// The constraint `create_foreign_key` adds.
    pub fn constraint(&self) -> super::schema::Constraint {
        super::schema::Constraint::ForeignKey(super::schema::ForeignKeyConstraint {
            name: self.name.clone(),
            columns: self.local_cols.clone(),
            referent_table: self.referent_table.clone(),
            referent_columns: self.remote_cols.clone(),
            ondelete: self.ondelete.clone(),
            onupdate: self.onupdate.clone(),
            deferrable: self.deferrable,
            initially: self.initially.clone(),
            match_: self.match_.clone(),
        })
    }
}

/// One `op.*` call.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    CreateTable {
        table: Table,
        if_not_exists: bool,
    },
    DropTable {
        table_name: String,
        if_exists: bool,
    },
    AddColumn {
        table_name: String,
        add: AddColumn,
    },
    DropColumn {
        table_name: String,
        column_name: String,
        if_exists: bool,
    },
    AlterColumn {
        table_name: String,
        alter: AlterColumn,
    },
    RenameTable {
        old_table_name: String,
        new_table_name: String,
    },
    /// `index.table` is the table name
    CreateIndex {
        index: Index,
        if_not_exists: bool,
    },
    DropIndex {
        index_name: String,
        table_name: Option<String>,
        if_exists: bool,
    },
    CreateUniqueConstraint {
        name: Option<String>,
        table_name: String,
        columns: Vec<String>,
    },
    CreateForeignKey {
        source_table: String,
        fk: CreateForeignKey,
    },
    CreateCheckConstraint {
        name: Option<String>,
        table_name: String,
        condition: String,
    },
    CreatePrimaryKey {
        name: Option<String>,
        table_name: String,
        columns: Vec<String>,
    },
    DropConstraint {
        name: String,
        table_name: String,
        type_: Option<String>,
        if_exists: bool,
    },
    CreateTableComment {
        table_name: String,
        comment: String,
        existing_comment: Option<String>,
    },
    DropTableComment {
        table_name: String,
        existing_comment: Option<String>,
    },
    Execute(ExecuteSql),
    BulkInsert {
        table: BulkInsertTable,
        /// each row: key/value pairs in dict order
        rows: Vec<Vec<(String, Literal)>>,
        multiinsert: bool,
    },
    /// `sa.Enum(...).create(bind)` / `.drop(bind)`: PostgreSQL's `CREATE TYPE` / `DROP TYPE`
    /// of a native enum (nothing on SQLite).
    #[cfg(feature = "postgresql")]
    EnumType {
        create: bool,
        type_: SqlType,
    },
    /// An operation with what only PostgreSQL reads: `schema=` (its tables' schema) and
    /// `postgresql_*` keywords.
    #[cfg(feature = "postgresql")]
    Postgresql {
        options: super::postgresql::PgOptions,
        operation: Box<Operation>,
    },
    BatchAlterTable {
        table_name: String,
        recreate: Recreate,
        copy_from: Option<Table>,
        /// extra `table_args` constraints for the new table
        table_args: Vec<super::schema::Constraint>,
        /// `naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s', ...}`
        naming_convention: Vec<(String, String)>,
        ops: Vec<BatchOp>,
    },
}

/// One call on `batch_op` inside `with op.batch_alter_table(...)`.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchOp {
    AddColumn(AddColumn),
    AlterColumn(AlterColumn),
    DropColumn {
        column_name: String,
        existing_type: Option<SqlType>,
    },
    /// `index.table` is ignored (the batch table is used); `if_not_exists` is kept when the
    /// batch runs as plain ALTERs (a recreate drops it, as Alembic's `ApplyBatchImpl` does)
    CreateIndex {
        index: Index,
        if_not_exists: bool,
    },
    DropIndex {
        index_name: String,
        if_exists: bool,
    },
    CreateUniqueConstraint {
        name: Option<String>,
        columns: Vec<String>,
    },
    CreateForeignKey(CreateForeignKey),
    CreateCheckConstraint {
        name: Option<String>,
        condition: String,
    },
    CreatePrimaryKey {
        name: Option<String>,
        columns: Vec<String>,
    },
    DropConstraint {
        name: String,
        type_: Option<String>,
    },
    CreateTableComment {
        comment: String,
    },
    DropTableComment,
}
