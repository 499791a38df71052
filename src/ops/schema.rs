//! Schema objects as a revision file builds them: `sa.Column`,
//! `sa.ForeignKey`, the four constraint kinds, `sa.Index` and `sa.Table`.
//!
//! These are plain values: names stay optional exactly where SQLAlchemy
//! allows it, and derived things (the constraints produced by `unique=True`,
//! `ForeignKey(...)` or `Boolean(create_constraint=True)`) are computed by the
//! renderer, not stored, so a `Table` round-trips to what the user wrote.

use super::types::SqlType;

/// `server_default=` of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerDefault {
    /// a plain string: rendered as a quoted SQL string
    Str(String),
    /// `sa.text('...')` (also reflected defaults): rendered verbatim
    Text(String),
    /// `sa.func.now()`: `CURRENT_TIMESTAMP` on SQLite
    FuncNow,
    /// `sa.true()`: `1` on SQLite
    True,
    /// `sa.false()`: `0` on SQLite
    False,
}

impl ServerDefault {
    /// Whether Alembic's SQLite impl treats it as a SQL expression (forces a
    /// batch recreate when used in `add_column`).
    pub fn is_sql_expression(&self) -> bool {
        !matches!(self, ServerDefault::Str(_))
    }

    /// The default as the base DDL compiler renders it
    /// (`get_column_default_string`), without SQLite's parenthesising.
    pub fn sql(&self) -> String {
        match self {
            ServerDefault::Str(s) => super::sqltext::sql_string(s),
            ServerDefault::Text(t) => t.clone(),
            ServerDefault::FuncNow => "CURRENT_TIMESTAMP".to_string(),
            ServerDefault::True => "1".to_string(),
            ServerDefault::False => "0".to_string(),
        }
    }
}

/// `sa.ForeignKey('user.id', ondelete=..., onupdate=..., name=...)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForeignKey {
    /// the column spec, `table.column` (or `schema.table.column`)
    pub target: String,
    pub name: Option<String>,
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
    pub deferrable: Option<bool>,
    pub initially: Option<String>,
    pub match_: Option<String>,
}

impl ForeignKey {
    pub fn new(target: &str) -> ForeignKey {
        ForeignKey {
            target: target.to_string(),
            ..ForeignKey::default()
        }
    }

    /// Split `table.column` (the part before the last dot is the table;
    /// a leading schema is dropped, as SQLite renders no schema).
    pub fn target_parts(&self) -> (String, String) {
        split_colspec(&self.target)
    }
}

/// Split a `table.column` spec; without a dot the whole text is the table.
pub fn split_colspec(spec: &str) -> (String, String) {
    match spec.rsplit_once('.') {
        Some((table, column)) => {
            let table = table.rsplit('.').next().unwrap_or(table);
            (table.to_string(), column.to_string())
        }
        None => (spec.to_string(), String::new()),
    }
}

/// `sa.Column(...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub type_: SqlType,
    /// `nullable=` as written; `None` means "not given" (then a primary key
    /// column is NOT NULL and any other column is nullable).
    pub nullable: Option<bool>,
    pub primary_key: bool,
    /// `autoincrement=`; `None` means SQLAlchemy's `"auto"`.
    pub autoincrement: Option<bool>,
    pub server_default: Option<ServerDefault>,
    pub unique: bool,
    /// the name a naming convention gives the `unique=True` constraint
    pub unique_name: Option<String>,
    pub index: bool,
    pub comment: Option<String>,
    pub foreign_keys: Vec<ForeignKey>,
    /// column-level `CheckConstraint(...)` arguments (rendered inline)
    pub checks: Vec<CheckConstraint>,
    /// `default=` (Python-side, never rendered) as `Column.__repr__` shows it
    /// (`ScalarElementColumnDefault('x')`): autogenerate's `check` prints it.
    pub default: Option<String>,
    /// `sa.Identity(...)` (PostgreSQL's identity columns; not null unless said otherwise)
    #[cfg(feature = "postgresql")]
    pub identity: Option<super::postgresql::Identity>,
}

impl Column {
    pub fn new(name: &str, type_: SqlType) -> Column {
        Column {
            name: name.to_string(),
            type_,
            nullable: None,
            primary_key: false,
            autoincrement: None,
            server_default: None,
            unique: false,
            unique_name: None,
            index: false,
            comment: None,
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            default: None,
            #[cfg(feature = "postgresql")]
            identity: None,
        }
    }

    pub fn primary_key(mut self) -> Column {
        self.primary_key = true;
        self
    }

    pub fn not_null(mut self) -> Column {
        self.nullable = Some(false);
        self
    }

    pub fn nullable(mut self, nullable: bool) -> Column {
        self.nullable = Some(nullable);
        self
    }

    pub fn server_default(mut self, default: ServerDefault) -> Column {
        self.server_default = Some(default);
        self
    }

    pub fn unique(mut self) -> Column {
        self.unique = true;
        self
    }

    pub fn index(mut self) -> Column {
        self.index = true;
        self
    }

    pub fn foreign_key(mut self, fk: ForeignKey) -> Column {
        self.foreign_keys.push(fk);
        self
    }

    /// Effective nullability given whether the column ends up in the
    /// table's primary key.
    pub fn is_nullable(&self, in_primary_key: bool) -> bool {
        #[cfg(feature = "postgresql")]
        if self.identity.is_some() {
            return self.nullable.unwrap_or(false);
        }
        self.nullable
            .unwrap_or(!(in_primary_key || self.primary_key))
    }
}

/// `sa.PrimaryKeyConstraint(...)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrimaryKeyConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

/// `sa.ForeignKeyConstraint([...], [...])`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForeignKeyConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub referent_table: String,
    pub referent_columns: Vec<String>,
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
    pub deferrable: Option<bool>,
    pub initially: Option<String>,
    pub match_: Option<String>,
}

impl ForeignKeyConstraint {
    /// From SQLAlchemy's argument form: local names and `table.col` specs.
    pub fn from_colspecs(
        name: Option<&str>,
        columns: &[&str],
        refcolumns: &[&str],
    ) -> ForeignKeyConstraint {
        let parts: Vec<(String, String)> = refcolumns.iter().map(|s| split_colspec(s)).collect();
        ForeignKeyConstraint {
            name: name.map(str::to_string),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            referent_table: parts.first().map(|p| p.0.clone()).unwrap_or_default(),
            referent_columns: parts.into_iter().map(|p| p.1).collect(),
            ..ForeignKeyConstraint::default()
        }
    }

    /// The table-level constraint a column's `ForeignKey` becomes.
    pub fn from_column_fk(column: &str, fk: &ForeignKey) -> ForeignKeyConstraint {
        let (table, col) = fk.target_parts();
        ForeignKeyConstraint {
            name: fk.name.clone(),
            columns: vec![column.to_string()],
            referent_table: table,
            referent_columns: vec![col],
            ondelete: fk.ondelete.clone(),
            onupdate: fk.onupdate.clone(),
            deferrable: fk.deferrable,
            initially: fk.initially.clone(),
            match_: fk.match_.clone(),
        }
    }
}

/// `sa.UniqueConstraint(...)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UniqueConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

/// `sa.CheckConstraint('sql', name=...)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckConstraint {
    pub name: Option<String>,
    pub sqltext: String,
}

/// Any table-level constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    PrimaryKey(PrimaryKeyConstraint),
    ForeignKey(ForeignKeyConstraint),
    Unique(UniqueConstraint),
    Check(CheckConstraint),
}

impl Constraint {
    pub fn name(&self) -> Option<&str> {
        match self {
            Constraint::PrimaryKey(c) => c.name.as_deref(),
            Constraint::ForeignKey(c) => c.name.as_deref(),
            Constraint::Unique(c) => c.name.as_deref(),
            Constraint::Check(c) => c.name.as_deref(),
        }
    }

    /// Local column names the constraint covers (none for CHECK, whose text
    /// SQLAlchemy does not parse).
    pub fn column_names(&self) -> Vec<String> {
        match self {
            Constraint::PrimaryKey(c) => c.columns.clone(),
            Constraint::ForeignKey(c) => c.columns.clone(),
            Constraint::Unique(c) => c.columns.clone(),
            Constraint::Check(_) => Vec::new(),
        }
    }
}

/// One element of an index: a column name or a `text()` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexElement {
    Column(String),
    Expression(String),
}

/// `sa.Index(...)` / `op.create_index(...)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Index {
    pub name: Option<String>,
    pub table: Option<String>,
    pub elements: Vec<IndexElement>,
    pub unique: bool,
    /// `sqlite_where=text(...)`
    pub sqlite_where: Option<String>,
}

impl Index {
    /// The name and table `CREATE INDEX` needs (`table`: instead of the index's own), or
    /// SQLAlchemy's compile error without one.
    pub fn name_and_table<'a>(
        &'a self,
        table: Option<&'a str>,
    ) -> Result<(&'a str, &'a str), super::OpsError> {
        let name = self.name.as_deref().ok_or_else(|| {
            super::OpsError::Compile("CREATE INDEX requires that the index have a name".to_string())
        })?;
        let table = table.or(self.table.as_deref()).ok_or_else(|| {
            super::OpsError::Compile(format!("Index '{name}' is not associated with any table."))
        })?;
        Ok((name, table))
    }

    /// The indexed columns (quoted by `quote`) and expressions, as `CREATE INDEX` lists them.
    pub fn elements_sql(&self, quote: fn(&str) -> String) -> Vec<String> {
        self.elements
            .iter()
            .map(|element| match element {
                IndexElement::Column(column) => quote(column),
                IndexElement::Expression(sql) => sql.clone(),
            })
            .collect()
    }

    pub fn on_columns(name: &str, table: &str, columns: &[&str], unique: bool) -> Index {
        Index {
            name: Some(name.to_string()),
            table: Some(table.to_string()),
            elements: columns
                .iter()
                .map(|c| IndexElement::Column(c.to_string()))
                .collect(),
            unique,
            sqlite_where: None,
        }
    }
}

/// `sa.Table(...)`, also the shape of `op.create_table(...)` and of a
/// reflected table. `indexes` holds explicit `Index` objects (and, for a
/// reflected table, the reflected indexes); `index=True` columns are derived.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// explicit table-level constraints, in argument order
    pub constraints: Vec<Constraint>,
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
    /// `sqlite_autoincrement=True`
    pub sqlite_autoincrement: bool,
}

impl Table {
    pub fn new(name: &str, columns: Vec<Column>) -> Table {
        Table {
            name: name.to_string(),
            columns,
            ..Table::default()
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key: an explicit `PrimaryKeyConstraint` wins, otherwise
    /// the `primary_key=True` columns in column order.
    pub fn primary_key(&self) -> PrimaryKeyConstraint {
        for c in &self.constraints {
            if let Constraint::PrimaryKey(pk) = c {
                return pk.clone();
            }
        }
        PrimaryKeyConstraint {
            name: None,
            columns: self
                .columns
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.clone())
                .collect(),
        }
    }
}
