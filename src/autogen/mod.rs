//! Autogenerate: what `alembic revision --autogenerate` and `alembic check` do.
//!
//! Owns:
//! * [`reflect`]: reading the live SQLite database the way SQLAlchemy's inspector reports it;
//! * [`compare`]: Alembic 1.20.1's comparison (its op order, its log lines);
//! * [`render`]: the Python text of the `upgrade()`/`downgrade()` bodies and the `imports`;
//! * [`check`]: the `repr()` of the diff list that `alembic check` prints.
//!
//! Does not: print, read files itself (callers pass a reader), or decide whether the database
//! is up to date (the command layer does that first, as Alembic does).
//!
//! The models themselves come from the interpreter (`script::exec::models`), which runs
//! models.py as importing env.py would.
//!
//! Invariant: anything in models.py the interpreter cannot run is a located
//! an unsupported-construct error of the interpreter (`ExecError::Unsupported`), never a silently different migration.

pub mod check;
pub mod compare;
pub mod reflect;
#[cfg(feature = "postgresql")]
pub mod reflect_postgresql;
pub mod render;

#[cfg(test)]
mod tests;

use crate::ops::{ServerDefault, SqlType};

pub use compare::{
    compare_metadata, compare_metadata_with, CompareOptions, Comparison, LogLine, UserComparators,
};
pub use reflect::reflect_database;
#[cfg(feature = "postgresql")]
pub use reflect_postgresql::reflect_postgresql;
pub use render::{
    render_migration, render_migration_with, RenderItem, RenderedMigration, UserRenderer,
};

/// A constraint or index name; `conv` marks names SQLAlchemy wraps in `conv()` (naming
/// conventions, `index=True`, and every reflected name), which Alembic renders as `op.f(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub conv: bool,
}

impl Name {
    pub fn plain(text: &str) -> Name {
        Name {
            text: text.to_string(),
            conv: false,
        }
    }

    pub fn conv(text: &str) -> Name {
        Name {
            text: text.to_string(),
            conv: true,
        }
    }
}

/// A column of a model table or of a reflected table.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaColumn {
    pub name: String,
    pub type_: SqlType,
    pub nullable: bool,
    pub primary_key: bool,
    pub server_default: Option<ServerDefault>,
    /// `autoincrement=` when given explicitly (`None`: SQLAlchemy's `"auto"`).
    pub autoincrement: Option<bool>,
    pub comment: Option<String>,
    /// `ForeignKey('t.c')` targets (for the `check` repr).
    pub foreign_keys: Vec<String>,
    /// `default=` as `Column.__repr__` shows it (`ScalarElementColumnDefault('x')`).
    pub default_repr: Option<String>,
    /// `sa.Identity(...)`: rendered in the server default's place.
    #[cfg(feature = "postgresql")]
    pub identity: Option<Box<crate::ops::postgresql::Identity>>,
    /// A reflected PostgreSQL default: what the server answered comparing it with the
    /// model's (`SELECT <reflected> = <model>`), when Alembic would ask.
    #[cfg(feature = "postgresql")]
    pub server_default_equal: Option<bool>,
}

impl SchemaColumn {
    pub fn new(name: &str, type_: SqlType) -> SchemaColumn {
        SchemaColumn {
            name: name.to_string(),
            type_,
            nullable: true,
            primary_key: false,
            server_default: None,
            autoincrement: None,
            comment: None,
            foreign_keys: Vec::new(),
            default_repr: None,
            #[cfg(feature = "postgresql")]
            identity: None,
            #[cfg(feature = "postgresql")]
            server_default_equal: None,
        }
    }
}

/// A foreign key constraint (column-level `ForeignKey`s become one each).
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaForeignKey {
    pub name: Option<Name>,
    pub columns: Vec<String>,
    pub referent_table: String,
    pub referent_columns: Vec<String>,
    pub onupdate: Option<String>,
    pub ondelete: Option<String>,
    pub deferrable: Option<bool>,
    pub initially: Option<String>,
    pub match_: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchemaUnique {
    pub name: Option<Name>,
    pub columns: Vec<String>,
    #[cfg(feature = "postgresql")]
    pub pg: PgExtras,
}

/// What only PostgreSQL's reflection gives an index or a unique constraint: an index's
/// expressions (with their places among its elements) and the `postgresql_*` options, as
/// Alembic renders them (sorted by keyword).
#[cfg(feature = "postgresql")]
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PgExtras {
    pub expressions: Vec<(usize, String)>,
    pub options: Vec<(String, String)>,
    /// An index behind a unique constraint (only the inspector lists those).
    pub duplicates_constraint: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchemaCheck {
    pub name: Option<Name>,
    pub sqltext: String,
}

/// `unique=` of an index: models say `True`/`False`, SQLite reflection says `1`/`0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexUnique {
    Bool(bool),
    Int(i64),
}

impl IndexUnique {
    pub fn is_unique(self) -> bool {
        match self {
            IndexUnique::Bool(value) => value,
            IndexUnique::Int(value) => value != 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchemaIndex {
    pub name: Name,
    pub columns: Vec<String>,
    pub unique: IndexUnique,
    /// `sqlite_where=` (reflected partial indexes, or given in the model).
    pub sqlite_where: Option<String>,
    #[cfg(feature = "postgresql")]
    pub pg: PgExtras,
}

/// One element of an index as written: a column's name, or (PostgreSQL) an expression.
#[cfg(feature = "postgresql")]
pub enum IndexPart<'a> {
    Column(&'a str),
    Expression(&'a str),
}

#[cfg(feature = "postgresql")]
impl SchemaIndex {
    /// The index's elements in order: its columns, with the expressions in their places.
    pub fn parts(&self) -> Vec<IndexPart<'_>> {
        let mut columns = self.columns.iter();
        (0..self.columns.len() + self.pg.expressions.len())
            .filter_map(
                |position| match self.pg.expressions.iter().find(|(p, _)| *p == position) {
                    Some((_, expression)) => Some(IndexPart::Expression(expression)),
                    None => columns.next().map(|column| IndexPart::Column(column)),
                },
            )
            .collect()
    }
}

/// A table as autogenerate sees it (from the models or from the database).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchemaTable {
    pub name: String,
    pub columns: Vec<SchemaColumn>,
    pub primary_key_name: Option<Name>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<SchemaForeignKey>,
    pub uniques: Vec<SchemaUnique>,
    pub checks: Vec<SchemaCheck>,
    pub indexes: Vec<SchemaIndex>,
    pub comment: Option<String>,
    /// The lines reflecting the table logs (PostgreSQL's "assuming SERIAL and omitting").
    #[cfg(feature = "postgresql")]
    pub reflection_log: Vec<String>,
}

impl SchemaTable {
    pub fn column(&self, name: &str) -> Option<&SchemaColumn> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// Adds a foreign key constraint, and its targets to its columns' `foreign_keys`.
    pub fn add_foreign_key(&mut self, key: &crate::ops::ForeignKeyConstraint, name: Option<Name>) {
        for (column, referred) in key.columns.iter().zip(&key.referent_columns) {
            if let Some(c) = self.columns.iter_mut().find(|c| c.name == *column) {
                c.foreign_keys
                    .push(format!("{}.{referred}", key.referent_table));
            }
        }
        self.foreign_keys.push(SchemaForeignKey {
            name,
            columns: key.columns.clone(),
            referent_table: key.referent_table.clone(),
            referent_columns: key.referent_columns.clone(),
            onupdate: key.onupdate.clone(),
            ondelete: key.ondelete.clone(),
            deferrable: key.deferrable,
            initially: key.initially.clone(),
            match_: key.match_.clone(),
        });
    }
}

/// The six plugin set-up lines every autogenerate/check run logs first.
pub const PLUGIN_LOGGER: &str = "alembic.runtime.plugins";
pub const PLUGINS: [&str; 6] = [
    "alembic.autogenerate.schemas",
    "alembic.autogenerate.tables",
    "alembic.autogenerate.types",
    "alembic.autogenerate.constraints",
    "alembic.autogenerate.defaults",
    "alembic.autogenerate.comments",
];
