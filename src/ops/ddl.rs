//! Rendering: the statements each [`Operation`] emits on SQLite, online
//! (SQL text exactly as SQLAlchemy compiles it, tabs and surrounding
//! newlines included, `?` placeholders plus parameters) or offline (the
//! `--sql` form: literals inlined), as a sequence of [`Step`]s.
//!
//! Alembic sometimes raises *after* executing part of an operation (for
//! example `add_column` with a `ForeignKey` runs the `ALTER TABLE` and then
//! raises `NotImplementedError`); that is a [`Step::Fail`] after the
//! statements. An error raised before any SQL is the `Err` of [`statements`].
//!
//! This module does not execute anything and does not know about
//! transactions; [`Statement::is_ddl`] only tells the runtime whether
//! Python's sqlite3 module would open a transaction for the statement.

use super::batch;
use super::operation::{
    AddColumn, AlterColumn, BulkInsertTable, ExecuteSql, Operation, Select, SqlExpr,
};
use super::schema::{
    CheckConstraint, Column, Constraint, ForeignKeyConstraint, Index, IndexElement,
    PrimaryKeyConstraint, Table, UniqueConstraint,
};
use super::sqltext::{py_float_repr, quote, sql_string, Spelling, SqliteSpelling};
use super::types::{Affinity, SqlType, TypeClass};
use super::{Literal, OpsError, NO_ALTER_CONSTRAINTS, SKIP_IMPLICIT_CONSTRAINT};

/// Bound parameters of an online statement.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Params {
    /// no parameters (`()` in the SQLAlchemy log)
    #[default]
    None,
    /// one execute with positional `?` values
    Single(Vec<Literal>),
    /// `executemany`: one value list per row
    Many(Vec<Vec<Literal>>),
}

/// One SQL statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The text SQLAlchemy sends to the driver (online) or compiles with
    /// literals inlined (offline); for `CREATE TABLE` it starts with `\n`
    /// and ends with `\n\n`, as SQLAlchemy produces it.
    pub sql: String,
    pub params: Params,
    /// `false` for INSERT/UPDATE/DELETE/REPLACE, which make Python's sqlite3
    /// module open a transaction; `true` for everything else.
    pub is_ddl: bool,
    /// Statements Alembic runs (best effort) when this one fails, before
    /// re-raising: batch mode drops `_alembic_tmp_<t>` when the copy fails.
    pub on_error: Vec<Statement>,
}

impl Statement {
    pub(crate) fn ddl(sql: String) -> Statement {
        Statement {
            sql,
            params: Params::None,
            is_ddl: true,
            on_error: Vec::new(),
        }
    }

    fn dml(sql: String, params: Params) -> Statement {
        let is_ddl = !starts_with_dml(&sql);
        Statement {
            sql,
            params,
            is_ddl,
            on_error: Vec::new(),
        }
    }
}

/// What an operation does, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// execute (online) or print (offline) this statement
    Execute(Statement),
    /// a Python `UserWarning` printed on stderr; execution continues
    Warn(String),
    /// raise this error now (after the preceding steps ran)
    Fail(OpsError),
}

/// A table reflected for batch mode, plus the warnings reflection printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReflectedTable {
    pub table: Table,
    pub warnings: Vec<String>,
}

/// Rendering mode and the data batch mode needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenderContext {
    /// offline `--sql` mode (`as_sql=True, literal_binds=True`)
    pub as_sql: bool,
    /// tables the runtime reflected (see [`batch::table_to_reflect`]), by name
    pub reflected: Vec<ReflectedTable>,
}

impl RenderContext {
    pub fn online() -> RenderContext {
        RenderContext::default()
    }

    pub fn offline() -> RenderContext {
        RenderContext {
            as_sql: true,
            reflected: Vec::new(),
        }
    }

    pub fn with_reflected(mut self, table: ReflectedTable) -> RenderContext {
        self.reflected.push(table);
        self
    }
}

/// The `--sql` text of an offline statement: tabs become 4 spaces, the text
/// is stripped and `;` appended. The runtime prints it followed by a blank
/// line (Alembic writes `text + "\n\n"`).
pub fn offline_text(statement: &Statement) -> String {
    format!("{};", statement.sql.replace('\t', "    ").trim())
}

/// Python sqlite3 (legacy transaction control) opens a transaction before
/// these statements only.
fn starts_with_dml(sql: &str) -> bool {
    let mut rest = sql.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after
                .split_once('\n')
                .map(|(_, r)| r)
                .unwrap_or("")
                .trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after
                .split_once("*/")
                .map(|(_, r)| r)
                .unwrap_or("")
                .trim_start();
        } else {
            break;
        }
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_uppercase();
    matches!(word.as_str(), "INSERT" | "UPDATE" | "DELETE" | "REPLACE")
}

/// The statements `op` emits. `Err` means Alembic raises before any SQL.
pub fn statements(op: &Operation, ctx: &RenderContext) -> Result<Vec<Step>, OpsError> {
    match op {
        Operation::CreateTable {
            table,
            if_not_exists,
        } => create_table_steps(table, *if_not_exists),
        Operation::DropTable {
            table_name,
            if_exists,
        } => Ok(vec![Step::Execute(Statement::ddl(drop_table_sql(
            table_name, *if_exists,
        )))]),
        Operation::AddColumn { table_name, add } => add_column_steps(table_name, add),
        Operation::DropColumn {
            table_name,
            column_name,
            if_exists,
        } => Ok(vec![Step::Execute(Statement::ddl(drop_column_sql(
            table_name,
            column_name,
            *if_exists,
        )))]),
        Operation::AlterColumn { table_name, alter } => alter_column_steps(table_name, alter),
        Operation::RenameTable {
            old_table_name,
            new_table_name,
        } => Ok(vec![Step::Execute(Statement::ddl(rename_table_sql(
            old_table_name,
            new_table_name,
        )))]),
        Operation::CreateIndex {
            index,
            if_not_exists,
        } => Ok(vec![Step::Execute(Statement::ddl(create_index_sql(
            index,
            None,
            *if_not_exists,
        )?))]),
        Operation::DropIndex {
            index_name,
            if_exists,
            ..
        } => Ok(vec![Step::Execute(Statement::ddl(drop_index_sql(
            index_name, *if_exists,
        )))]),
        Operation::CreateUniqueConstraint { .. }
        | Operation::CreateForeignKey { .. }
        | Operation::CreateCheckConstraint { .. }
        | Operation::CreatePrimaryKey { .. }
        | Operation::DropConstraint { .. } => {
            Err(OpsError::NotImplemented(NO_ALTER_CONSTRAINTS.to_string()))
        }
        Operation::CreateTableComment {
            table_name,
            comment,
            ..
        } => Ok(vec![Step::Execute(Statement::ddl(format!(
            "COMMENT ON TABLE {} IS {}",
            quote(table_name),
            sql_string(comment)
        )))]),
        Operation::DropTableComment { table_name, .. } => Ok(vec![Step::Execute(Statement::ddl(
            format!("COMMENT ON TABLE {} IS NULL", quote(table_name)),
        ))]),
        Operation::Execute(sql) => execute_steps::<SqliteSpelling>(sql, ctx),
        Operation::BulkInsert {
            table,
            rows,
            multiinsert,
        } => bulk_insert_steps::<SqliteSpelling>(table, rows, *multiinsert, ctx),
        Operation::BatchAlterTable { .. } => batch::batch_steps(op, ctx),
        #[cfg(feature = "postgresql")]
        Operation::EnumType { .. } => Ok(Vec::new()),
        // the evaluator refuses `schema=` on SQLite before building one
        #[cfg(feature = "postgresql")]
        Operation::Postgresql { .. } => Err(OpsError::NotImplemented(
            "the playground has one SQLite database: schema= is not supported".to_string(),
        )),
    }
}

// ---------------------------------------------------------------- columns

/// SQLite's `get_column_specification` for a default: parenthesise
/// expressions that are not already quoted/parenthesised.
pub(crate) fn sqlite_default_clause(default_sql: &str) -> String {
    // not re.match(r"^\s*['\"(]", d) and re.match(r".*\W.*", d); the
    // second holds exactly when some character is not a word character
    // (a newline, which `.` cannot cross, is itself one).
    let starts_quoted = default_sql.trim_start().starts_with(['\'', '"', '(']);
    let has_non_word = default_sql
        .chars()
        .any(|c| !(c.is_alphanumeric() || c == '_'));
    if !starts_quoted && has_non_word {
        format!(" DEFAULT ({default_sql})")
    } else {
        format!(" DEFAULT {default_sql}")
    }
}

fn check_sql(check: &CheckConstraint) -> String {
    format!(
        "{}CHECK ({})",
        preamble(check.name.as_deref()),
        check.sqltext
    )
}

fn preamble(name: Option<&str>) -> String {
    match name {
        Some(n) => format!("CONSTRAINT {} ", quote(n)),
        None => String::new(),
    }
}

/// Options for [`column_spec`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SpecOptions {
    pub in_primary_key: bool,
    pub inline_autoincrement: bool,
}

/// `get_column_specification` + inline column constraints, SQLite dialect.
pub(crate) fn column_spec(
    table_name: &str,
    column: &Column,
    options: SpecOptions,
) -> Result<String, OpsError> {
    let type_ddl = column.type_.ddl().map_err(|e| match e {
        OpsError::Compile(m) => OpsError::Compile(format!(
            "(in table '{table_name}', column '{}'): {m}",
            column.name
        )),
        other => other,
    })?;
    let mut spec = format!("{} {}", quote(&column.name), type_ddl);
    if let Some(default) = &column.server_default {
        spec.push_str(&sqlite_default_clause(&default.sql()));
    }
    if !column.is_nullable(options.in_primary_key) {
        spec.push_str(" NOT NULL");
    }
    if options.inline_autoincrement {
        spec.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    let inline: Vec<String> = column.checks.iter().map(check_sql).collect();
    if !inline.is_empty() {
        spec.push(' ');
        spec.push_str(&inline.join(" "));
    }
    Ok(spec)
}

// ------------------------------------------------------------ constraints

/// A foreign key's clauses after `REFERENCES t (c)` (no identifiers: the same in every
/// dialect).
pub(crate) fn fk_tail(
    match_: &Option<String>,
    ondelete: &Option<String>,
    onupdate: &Option<String>,
    deferrable: Option<bool>,
    initially: &Option<String>,
) -> String {
    let mut text = String::new();
    if let Some(m) = match_ {
        text.push_str(&format!(" MATCH {m}"));
    }
    if let Some(d) = ondelete {
        text.push_str(&format!(" ON DELETE {d}"));
    }
    if let Some(u) = onupdate {
        text.push_str(&format!(" ON UPDATE {u}"));
    }
    match deferrable {
        Some(true) => text.push_str(" DEFERRABLE"),
        Some(false) => text.push_str(" NOT DEFERRABLE"),
        None => {}
    }
    if let Some(i) = initially {
        text.push_str(&format!(" INITIALLY {i}"));
    }
    text
}

fn join_quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Render one table-level constraint; `rename` maps old column names to
/// the names they render with (batch renames).
pub(crate) fn constraint_sql(constraint: &Constraint, rename: &dyn Fn(&str) -> String) -> String {
    let names = |cols: &[String]| -> Vec<String> { cols.iter().map(|c| rename(c)).collect() };
    match constraint {
        Constraint::PrimaryKey(PrimaryKeyConstraint { name, columns }) => format!(
            "{}PRIMARY KEY ({})",
            preamble(name.as_deref()),
            join_quoted(&names(columns))
        ),
        Constraint::Unique(UniqueConstraint { name, columns }) => format!(
            "{}UNIQUE ({})",
            preamble(name.as_deref()),
            join_quoted(&names(columns))
        ),
        Constraint::Check(check) => check_sql(check),
        Constraint::ForeignKey(fk) => {
            let ForeignKeyConstraint {
                name,
                columns,
                referent_table,
                referent_columns,
                ondelete,
                onupdate,
                deferrable,
                initially,
                match_,
            } = fk;
            format!(
                "{}FOREIGN KEY({}) REFERENCES {} ({}){}",
                preamble(name.as_deref()),
                join_quoted(&names(columns)),
                quote(referent_table),
                join_quoted(referent_columns),
                fk_tail(match_, ondelete, onupdate, *deferrable, initially)
            )
        }
    }
}

/// The type-bound CHECK a Boolean/Enum column generates, if any.
pub(crate) fn type_bound_check(column_name: &str, type_: &SqlType) -> Option<CheckConstraint> {
    if !type_.creates_constraint() {
        return None;
    }
    Some(CheckConstraint {
        name: type_.schema_type_name().map(str::to_string),
        sqltext: type_.constraint_check_sql(&quote(column_name)),
    })
}

/// Non-PK constraints of a `Table` in SQLAlchemy's creation order: the
/// explicit ones (created by the user before the Table), then per column
/// those produced while attaching it: `unique=True` (unless `index=True`),
/// the type's CHECK, the `ForeignKey`s.
pub(crate) fn ordered_constraints(table: &Table) -> Vec<Constraint> {
    let mut out: Vec<Constraint> = table
        .constraints
        .iter()
        .filter(|c| !matches!(c, Constraint::PrimaryKey(_)))
        .cloned()
        .collect();
    for column in &table.columns {
        out.extend(column_derived_constraints(column));
    }
    out
}

fn column_derived_constraints(column: &Column) -> Vec<Constraint> {
    let mut out = Vec::new();
    if column.unique && !column.index {
        out.push(Constraint::Unique(UniqueConstraint {
            name: column.unique_name.clone(),
            columns: vec![column.name.clone()],
        }));
    }
    if let Some(check) = type_bound_check(&column.name, &column.type_) {
        out.push(Constraint::Check(check));
    }
    for fk in &column.foreign_keys {
        out.push(Constraint::ForeignKey(
            ForeignKeyConstraint::from_column_fk(&column.name, fk),
        ));
    }
    out
}

/// Indexes of a `Table`: explicit `Index` objects, then `index=True`
/// columns (`ix_<table>_<column>`, unique when `unique=True`).
pub(crate) fn table_indexes(table: &Table) -> Vec<Index> {
    let mut out: Vec<Index> = table.indexes.clone();
    for column in &table.columns {
        if column.index {
            out.push(Index {
                name: Some(format!("ix_{}_{}", table.name, column.name)),
                table: Some(table.name.clone()),
                elements: vec![IndexElement::Column(column.name.clone())],
                unique: column.unique,
                sqlite_where: None,
            });
        }
    }
    out
}

/// Everything `CREATE TABLE` needs, already resolved.
pub(crate) struct CreateTableSpec<'a> {
    pub name: &'a str,
    pub columns: Vec<Column>,
    pub primary_key: PrimaryKeyConstraint,
    /// non-PK constraints, in output order
    pub constraints: Vec<Constraint>,
    pub sqlite_autoincrement: bool,
    pub if_not_exists: bool,
}

pub(crate) fn create_table_sql(
    spec: &CreateTableSpec<'_>,
    rename: &dyn Fn(&str) -> String,
) -> Result<String, OpsError> {
    let pk_cols = &spec.primary_key.columns;
    let single_pk = pk_cols.len() == 1;
    let mut text = String::from("\nCREATE TABLE ");
    if spec.if_not_exists {
        text.push_str("IF NOT EXISTS ");
    }
    text.push_str(&quote(spec.name));
    text.push_str(" (");
    let mut separator = "\n";
    let mut pk_inline = false;
    for column in &spec.columns {
        let in_pk = pk_cols.contains(&column.name);
        if in_pk && column.autoincrement == Some(true) && pk_cols.len() != 1 {
            return Err(OpsError::Compile(format!(
                "(in table '{}', column '{}'): SQLite does not support autoincrement for composite primary keys",
                spec.name, column.name
            )));
        }
        let inline_autoincrement = in_pk
            && spec.sqlite_autoincrement
            && single_pk
            && column.type_.class.affinity() == Affinity::Integer
            && column.foreign_keys.is_empty();
        pk_inline |= inline_autoincrement;
        let processed = column_spec(
            spec.name,
            column,
            SpecOptions {
                in_primary_key: in_pk,
                inline_autoincrement,
            },
        )?;
        text.push_str(separator);
        separator = ", \n";
        text.push('\t');
        text.push_str(&processed);
    }
    let mut parts: Vec<String> = Vec::new();
    if !pk_cols.is_empty() && !pk_inline {
        parts.push(constraint_sql(
            &Constraint::PrimaryKey(spec.primary_key.clone()),
            rename,
        ));
    }
    for constraint in &spec.constraints {
        let sql = constraint_sql(constraint, rename);
        parts.push(sql);
    }
    if !parts.is_empty() {
        text.push_str(separator);
        text.push('\t');
        text.push_str(&parts.join(", \n\t"));
    }
    text.push_str("\n)\n\n");
    Ok(text)
}

/// The full `CREATE TABLE` text for a `Table` as `op.create_table` builds it.
pub fn create_table_text(table: &Table, if_not_exists: bool) -> Result<String, OpsError> {
    let spec = table_spec(table, if_not_exists);
    create_table_sql(&spec, &|c: &str| c.to_string())
}

fn table_spec(table: &Table, if_not_exists: bool) -> CreateTableSpec<'_> {
    let primary_key = table.primary_key();
    let columns = table
        .columns
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if primary_key.columns.contains(&c.name) {
                c.primary_key = true;
            }
            c
        })
        .collect();
    CreateTableSpec {
        name: &table.name,
        columns,
        primary_key,
        constraints: ordered_constraints(table),
        sqlite_autoincrement: table.sqlite_autoincrement,
        if_not_exists,
    }
}

// ------------------------------------------------------------- operations

fn create_table_steps(table: &Table, if_not_exists: bool) -> Result<Vec<Step>, OpsError> {
    let mut steps = vec![Step::Execute(Statement::ddl(create_table_text(
        table,
        if_not_exists,
    )?))];
    for index in table_indexes(table) {
        let index = Index {
            table: Some(table.name.clone()),
            ..index
        };
        steps.push(Step::Execute(Statement::ddl(create_index_sql(
            &index, None, false,
        )?)));
    }
    Ok(steps)
}

pub(crate) fn drop_table_sql(table_name: &str, if_exists: bool) -> String {
    format!(
        "\nDROP TABLE {}{}",
        if if_exists { "IF EXISTS " } else { "" },
        quote(table_name)
    )
}

pub(crate) fn rename_table_sql(old: &str, new: &str) -> String {
    format!("ALTER TABLE {} RENAME TO {}", quote(old), quote(new))
}

fn drop_column_sql(table_name: &str, column_name: &str, if_exists: bool) -> String {
    format!(
        "ALTER TABLE {} DROP COLUMN {}{}",
        quote(table_name),
        if if_exists { "IF EXISTS " } else { "" },
        quote(column_name)
    )
}

/// `CREATE INDEX`; `table_override` names the table when the index's own
/// `table` is not the one to use (batch).
pub(crate) fn create_index_sql(
    index: &Index,
    table_override: Option<&str>,
    if_not_exists: bool,
) -> Result<String, OpsError> {
    let (name, table) = index.name_and_table(table_override)?;
    let elements = index.elements_sql(quote);
    let mut text = format!(
        "CREATE {}INDEX {}{} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        if if_not_exists { "IF NOT EXISTS " } else { "" },
        quote(name),
        quote(table),
        elements.join(", ")
    );
    if let Some(where_clause) = &index.sqlite_where {
        text.push_str(" WHERE ");
        text.push_str(where_clause);
    }
    Ok(text)
}

pub(crate) fn drop_index_sql(index_name: &str, if_exists: bool) -> String {
    format!(
        "\nDROP INDEX {}{}",
        if if_exists { "IF EXISTS " } else { "" },
        quote(index_name)
    )
}

/// `ALTER TABLE ... ADD COLUMN ...` only (what `impl.add_column` emits).
pub(crate) fn add_column_sql(table_name: &str, add: &AddColumn) -> Result<String, OpsError> {
    let column = &add.column;
    let mut text = format!(
        "ALTER TABLE {} ADD COLUMN {}",
        quote(table_name),
        if add.if_not_exists {
            "IF NOT EXISTS "
        } else {
            ""
        }
    );
    // the column spec without its inline checks, which come last
    let bare = Column {
        checks: Vec::new(),
        ..column.clone()
    };
    text.push_str(&column_spec(
        table_name,
        &bare,
        SpecOptions {
            in_primary_key: column.primary_key,
            inline_autoincrement: false,
        },
    )?);
    if add.inline_primary_key && column.primary_key {
        text.push_str(" PRIMARY KEY");
    }
    if add.inline_references {
        if let [fk] = column.foreign_keys.as_slice() {
            let (ref_table, ref_col) = fk.target_parts();
            text.push_str(&format!(
                " REFERENCES {} ({})",
                quote(&ref_table),
                quote(&ref_col)
            ));
            text.push_str(&fk_tail(
                &fk.match_,
                &fk.ondelete,
                &fk.onupdate,
                fk.deferrable,
                &fk.initially,
            ));
        }
    }
    let inline: Vec<String> = column.checks.iter().map(check_sql).collect();
    if !inline.is_empty() {
        text.push(' ');
        text.push_str(&inline.join(" "));
    }
    Ok(text)
}

fn add_column_steps(table_name: &str, add: &AddColumn) -> Result<Vec<Step>, OpsError> {
    let column = &add.column;
    let mut steps = vec![Step::Execute(Statement::ddl(add_column_sql(
        table_name, add,
    )?))];
    let single_inline_fk = add.inline_references && column.foreign_keys.len() == 1;
    for constraint in column_derived_constraints(column) {
        match constraint {
            Constraint::ForeignKey(_) if single_inline_fk => {}
            Constraint::Check(_) => steps.push(Step::Warn(SKIP_IMPLICIT_CONSTRAINT.to_string())),
            _ => {
                steps.push(Step::Fail(OpsError::NotImplemented(
                    NO_ALTER_CONSTRAINTS.to_string(),
                )));
                return Ok(steps);
            }
        }
    }
    if column.index {
        let index = Index {
            name: Some(format!("ix_{}_{}", table_name, column.name)),
            table: Some(table_name.to_string()),
            elements: vec![IndexElement::Column(column.name.clone())],
            unique: column.unique,
            sqlite_where: None,
        };
        steps.push(Step::Execute(Statement::ddl(create_index_sql(
            &index, None, false,
        )?)));
    }
    Ok(steps)
}

/// The plain (non-batch) `alter_column` sequence: nullable, default, type,
/// comment, then rename (Alembic does "the new name last").
pub(crate) fn alter_column_steps(
    table_name: &str,
    alter: &AlterColumn,
) -> Result<Vec<Step>, OpsError> {
    let mut steps = Vec::new();
    if alter.autoincrement.is_some() || alter.existing_autoincrement.is_some() {
        steps.push(Step::Warn(
            "autoincrement and existing_autoincrement only make sense for MySQL".to_string(),
        ));
    }
    let prefix = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        quote(table_name),
        quote(&alter.column_name)
    );
    if let Some(nullable) = alter.nullable {
        let action = if nullable {
            "DROP NOT NULL"
        } else {
            "SET NOT NULL"
        };
        steps.push(Step::Execute(Statement::ddl(format!("{prefix} {action}"))));
    }
    if let Some(default) = &alter.server_default {
        let action = match default {
            Some(d) => format!("SET DEFAULT {}", d.sql()),
            None => "DROP DEFAULT".to_string(),
        };
        steps.push(Step::Execute(Statement::ddl(format!("{prefix} {action}"))));
    }
    if let Some(type_) = &alter.type_ {
        steps.push(Step::Execute(Statement::ddl(format!(
            "{prefix} TYPE {}",
            type_.ddl()?
        ))));
    }
    if alter.comment.is_some() {
        steps.push(Step::Fail(OpsError::UnsupportedCompilation(
            "alembic.ddl.base.ColumnComment".to_string(),
        )));
        return Ok(steps);
    }
    if let Some(new_name) = &alter.new_column_name {
        steps.push(Step::Execute(Statement::ddl(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            quote(table_name),
            quote(&alter.column_name),
            quote(new_name)
        ))));
    }
    if let Some(type_) = &alter.type_ {
        if type_.creates_constraint() {
            steps.push(Step::Warn(SKIP_IMPLICIT_CONSTRAINT.to_string()));
        }
    }
    Ok(steps)
}

// ------------------------------------------------------------ literals

/// A literal as SQLAlchemy renders it inline for a value of unknown type
/// (the type is inferred from the Python value).
fn inferred_literal<S: Spelling>(value: &Literal) -> String {
    match value {
        Literal::None => "NULL".to_string(),
        Literal::Bool(b) => S::boolean(*b).to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => py_float_repr(*f),
        Literal::Str(s) => sql_string(s),
    }
}

/// A literal rendered for a column of `type_` (bulk_insert offline).
fn typed_literal<S: Spelling>(value: &Literal, type_: &SqlType) -> Result<String, OpsError> {
    if *value == Literal::None {
        return Ok("NULL".to_string());
    }
    let could_not = || -> Result<String, OpsError> {
        let shown = match value {
            Literal::Str(s) => super::sqltext::py_repr_str(s),
            other => other.python_repr(),
        };
        Err(OpsError::Compile(format!(
            "Could not render literal value \"{shown}\" with datatype {}; see parent stack trace for more detail.",
            S::type_ddl(type_).unwrap_or_else(|_| "NULL".to_string())
        )))
    };
    match type_.class.affinity() {
        Affinity::Integer => match value {
            Literal::Int(i) => Ok(i.to_string()),
            Literal::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
            Literal::Float(f) if f.is_finite() => Ok(format!("{}", f.trunc() as i128)),
            Literal::Str(s) => match s.trim().parse::<i128>() {
                Ok(i) => Ok(i.to_string()),
                Err(_) => could_not(),
            },
            _ => could_not(),
        },
        Affinity::String => match value {
            Literal::Str(s) => Ok(sql_string(s)),
            _ => could_not(),
        },
        Affinity::Boolean => match value {
            Literal::Bool(b) => Ok(S::boolean(*b).to_string()),
            _ => could_not(),
        },
        Affinity::Float | Affinity::Numeric => match value {
            Literal::Int(i) => Ok(i.to_string()),
            Literal::Float(f) => Ok(py_float_repr(*f)),
            Literal::Bool(b) => Ok(if *b { "True" } else { "False" }.to_string()),
            Literal::Str(s) if s.trim().parse::<f64>().is_ok() => Ok(s.clone()),
            _ => could_not(),
        },
        Affinity::Json | Affinity::Null => {
            let shown = match value {
                Literal::Str(s) => super::sqltext::py_repr_str(s),
                other => other.python_repr(),
            };
            Err(OpsError::Compile(format!(
                "No literal value renderer is available for literal value \"{shown}\" with datatype {}",
                if type_.class == TypeClass::NullType {
                    "NULL".to_string()
                } else {
                    S::type_ddl(type_).unwrap_or_default()
                }
            )))
        }
        _ => could_not(),
    }
}

// --------------------------------------------------------------- execute

const BACKGROUND_CD3X: &str = "(Background on this error at: https://sqlalche.me/e/21/cd3x)";

/// Split a `text()` string at its `:name` bind parameters
/// (`(?<![:\w\\]):(\w+)(?!:)`), unescaping `\:`.
fn text_segments(sql: &str) -> Vec<TextPart> {
    let chars: Vec<char> = sql.chars().collect();
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\\' && chars.get(i + 1) == Some(&':') {
            // `\:name` renders as `:name`
            literal.push(':');
            i += 2;
            continue;
        }
        if c == ':' {
            let prev_ok = i == 0
                || chars
                    .get(i - 1)
                    .is_some_and(|p| !(*p == ':' || *p == '\\' || is_word(*p)));
            let mut end = i + 1;
            while chars.get(end).is_some_and(|c| is_word(*c)) {
                end += 1;
            }
            if prev_ok && end > i + 1 {
                // (?!:) with backtracking: give back word chars until the
                // next char is not ':'
                let mut stop = end;
                while stop > i + 1 && chars.get(stop) == Some(&':') {
                    stop -= 1;
                }
                if chars.get(stop) != Some(&':') {
                    if !literal.is_empty() {
                        parts.push(TextPart::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(TextPart::Bind(
                        chars.get(i + 1..stop).unwrap_or(&[]).iter().collect(),
                    ));
                    i = stop;
                    continue;
                }
            }
        }
        literal.push(c);
        i += 1;
    }
    if !literal.is_empty() {
        parts.push(TextPart::Literal(literal));
    }
    parts
}

enum TextPart {
    Literal(String),
    Bind(String),
}

fn execute_text<S: Spelling>(
    sql: &str,
    binds: &[(String, Literal)],
    ctx: &RenderContext,
) -> Result<Statement, OpsError> {
    let mut out = String::new();
    let mut params = Vec::new();
    let mut missing: Option<String> = None;
    for part in text_segments(sql) {
        match part {
            TextPart::Literal(l) => out.push_str(&l),
            TextPart::Bind(name) => {
                let value = binds.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
                if ctx.as_sql {
                    out.push_str(
                        &value
                            .map(inferred_literal::<S>)
                            .unwrap_or_else(|| "NULL".into()),
                    );
                } else {
                    out.push('?');
                    match value {
                        Some(v) => params.push(v.clone()),
                        None => {
                            if missing.is_none() {
                                missing = Some(name.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(name) = missing {
        return Err(OpsError::Statement(format!(
            "(sqlalchemy.exc.InvalidRequestError) A value is required for bind parameter '{name}'\n[SQL: {out}]\n{BACKGROUND_CD3X}"
        )));
    }
    let params = if params.is_empty() {
        Params::None
    } else {
        Params::Single(params)
    };
    Ok(Statement::dml(out, params))
}

/// An expression as it appears inside a statement (`nested`: inside another expression);
/// bound values are pushed to `params` unless `as_sql` renders them inline.
pub fn render_sql_expr(expr: &SqlExpr, as_sql: bool, params: &mut Vec<Literal>) -> String {
    ExprRenderer::<SqliteSpelling>::new(as_sql, params).render(expr, true)
}

struct ExprRenderer<'a, S> {
    as_sql: bool,
    params: &'a mut Vec<Literal>,
    spelling: std::marker::PhantomData<S>,
}

impl<'a, S: Spelling> ExprRenderer<'a, S> {
    fn new(as_sql: bool, params: &'a mut Vec<Literal>) -> Self {
        ExprRenderer {
            as_sql,
            params,
            spelling: std::marker::PhantomData,
        }
    }

    fn render(&mut self, expr: &SqlExpr, nested: bool) -> String {
        match expr {
            // `sa.column('x')` of no table
            SqlExpr::Column { table, name } if table.is_empty() => S::quote(name),
            SqlExpr::Column { table, name } => format!("{}.{}", S::quote(table), S::quote(name)),
            SqlExpr::InlineLiteral(v) => inferred_literal::<S>(v),
            SqlExpr::Value(v) => {
                if self.as_sql {
                    inferred_literal::<S>(v)
                } else {
                    self.params.push(v.clone());
                    "?".to_string()
                }
            }
            SqlExpr::Text(t) => t.clone(),
            SqlExpr::Binary {
                left,
                operator,
                right,
            } => {
                let l = self.render(left, true);
                let r = self.render(right, true);
                format!("{l} {operator} {r}")
            }
            SqlExpr::And(items) => {
                let parts: Vec<String> = items.iter().map(|i| self.render(i, true)).collect();
                parts.join(" AND ")
            }
            SqlExpr::Or(items) => {
                let parts: Vec<String> = items.iter().map(|i| self.render(i, true)).collect();
                if nested {
                    format!("({})", parts.join(" OR "))
                } else {
                    parts.join(" OR ")
                }
            }
        }
    }
}

pub(crate) fn execute_steps<S: Spelling>(
    sql: &ExecuteSql,
    ctx: &RenderContext,
) -> Result<Vec<Step>, OpsError> {
    let statement = match sql {
        ExecuteSql::Text { sql, binds } => execute_text::<S>(sql, binds, ctx)?,
        ExecuteSql::Update {
            table,
            table_columns,
            values,
            where_clause,
        } => {
            let values = &in_table_order(values, table_columns);
            let mut params = Vec::new();
            let mut r = ExprRenderer::<S>::new(ctx.as_sql, &mut params);
            let sets: Vec<String> = values
                .iter()
                .map(|(col, v)| format!("{}={}", S::quote(col), r.render(v, false)))
                .collect();
            let mut text = format!("UPDATE {} SET {}", S::quote(table), sets.join(", "));
            if let Some(w) = where_clause {
                text.push_str(" WHERE ");
                text.push_str(&r.render(w, false));
            }
            Statement::dml(text, single(params))
        }
        ExecuteSql::Delete {
            table,
            where_clause,
        } => {
            let mut params = Vec::new();
            let mut r = ExprRenderer::<S>::new(ctx.as_sql, &mut params);
            let mut text = format!("DELETE FROM {}", S::quote(table));
            if let Some(w) = where_clause {
                text.push_str(" WHERE ");
                text.push_str(&r.render(w, false));
            }
            Statement::dml(text, single(params))
        }
        ExecuteSql::Insert {
            table,
            table_columns,
            values,
        } => {
            let values = &in_table_order(values, table_columns);
            let mut params = Vec::new();
            let mut r = ExprRenderer::<S>::new(ctx.as_sql, &mut params);
            let cols: Vec<String> = values.iter().map(|(c, _)| S::quote(c)).collect();
            let vals: Vec<String> = values.iter().map(|(_, v)| r.render(v, false)).collect();
            let text = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                S::quote(table),
                cols.join(", "),
                vals.join(", ")
            );
            Statement::dml(text, single(params))
        }
        ExecuteSql::Select(select) => {
            let mut params = Vec::new();
            let text = render_select::<S>(select, ctx.as_sql, &mut params);
            Statement::dml(text, single(params))
        }
    };
    Ok(vec![Step::Execute(statement)])
}

/// A SELECT as SQLAlchemy 2.1's SQLite compiler writes it: `SELECT a.x, a.y \nFROM a
/// \nWHERE ... GROUP BY ... ORDER BY ...\n LIMIT ? OFFSET ?`.
fn render_select<S: Spelling>(select: &Select, as_sql: bool, params: &mut Vec<Literal>) -> String {
    let mut r = ExprRenderer::<S>::new(as_sql, params);
    let columns: Vec<String> = select.columns.iter().map(|c| r.render(c, false)).collect();
    let mut text = String::from("SELECT ");
    if select.distinct {
        text.push_str("DISTINCT ");
    }
    text.push_str(&columns.join(", "));
    if !select.froms.is_empty() {
        let mut froms: Vec<String> = Vec::new();
        for (position, from) in select.froms.iter().enumerate() {
            if position > 0 && select.joins.iter().any(|join| join.table == *from) {
                continue;
            }
            let mut item = S::quote(from);
            if position == 0 {
                for join in &select.joins {
                    let on = r.render(&join.on, false);
                    let kind = if join.outer {
                        "LEFT OUTER JOIN"
                    } else {
                        "JOIN"
                    };
                    item.push_str(&format!(" {kind} {} ON {on}", S::quote(&join.table)));
                }
            }
            froms.push(item);
        }
        text.push_str(" \nFROM ");
        text.push_str(&froms.join(", "));
    }
    match select.where_clauses.as_slice() {
        [] => {}
        [single] => {
            text.push_str(" \nWHERE ");
            text.push_str(&r.render(single, false));
        }
        many => {
            text.push_str(" \nWHERE ");
            text.push_str(&r.render(&SqlExpr::And(many.to_vec()), false));
        }
    }
    if !select.group_by.is_empty() {
        let terms: Vec<String> = select.group_by.iter().map(|t| r.render(t, false)).collect();
        text.push_str(" GROUP BY ");
        text.push_str(&terms.join(", "));
    }
    if !select.order_by.is_empty() {
        let terms: Vec<String> = select.order_by.iter().map(|t| r.render(t, false)).collect();
        text.push_str(" ORDER BY ");
        text.push_str(&terms.join(", "));
    }
    // SQLite's compiler writes both clauses: OFFSET 0 after a LIMIT, and LIMIT -1 before an
    // OFFSET, where the -1 stays a bound parameter even with literal binds (measured: Alembic
    // prints `LIMIT :param_1 OFFSET 3`)
    let bound =
        |r: &mut ExprRenderer<S>, value: i64| r.render(&SqlExpr::Value(Literal::Int(value)), false);
    if select.limit.is_some() || select.offset.is_some() {
        text.push_str("\n LIMIT ");
        match select.limit {
            Some(limit) => text.push_str(&bound(&mut r, limit)),
            None if as_sql => text.push_str(":param_1"),
            None => text.push_str(&bound(&mut r, -1)),
        }
        text.push_str(" OFFSET ");
        text.push_str(&bound(&mut r, select.offset.unwrap_or(0)));
    }
    text
}

/// SQLAlchemy emits SET / VALUES columns in table column order.
fn in_table_order(
    values: &[(String, SqlExpr)],
    table_columns: &[String],
) -> Vec<(String, SqlExpr)> {
    let mut out = values.to_vec();
    crate::sort::sort_by_key(&mut out, |(name, _)| {
        table_columns
            .iter()
            .position(|c| c == name)
            .unwrap_or(usize::MAX)
    });
    out
}

fn single(params: Vec<Literal>) -> Params {
    if params.is_empty() {
        Params::None
    } else {
        Params::Single(params)
    }
}

// ----------------------------------------------------------- bulk_insert

fn python_dict_repr(row: &[(String, Literal)]) -> String {
    let items: Vec<String> = row
        .iter()
        .map(|(k, v)| format!("{}: {}", super::sqltext::py_repr_str(k), v.python_repr()))
        .collect();
    format!("{{{}}}", items.join(", "))
}

pub(crate) fn bulk_insert_steps<S: Spelling>(
    table: &BulkInsertTable,
    rows: &[Vec<(String, Literal)>],
    multiinsert: bool,
    ctx: &RenderContext,
) -> Result<Vec<Step>, OpsError> {
    let table_cols: Vec<&(String, Option<SqlType>)> = table.columns.iter().collect();
    // columns of `row` in table order (unknown keys are ignored online)
    let ordered = |row: &[(String, Literal)]| -> Vec<(String, Literal)> {
        table_cols
            .iter()
            .filter_map(|(name, _)| {
                row.iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| (name.clone(), v.clone()))
            })
            .collect()
    };
    let insert_sql = |cols: &[String], values: &[String]| {
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            S::quote(&table.name),
            cols.iter()
                .map(|c| S::quote(c))
                .collect::<Vec<_>>()
                .join(", "),
            values.join(", ")
        )
    };
    let mut steps = Vec::new();
    if ctx.as_sql {
        for row in rows {
            for (key, _) in row {
                if !table_cols.iter().any(|(name, _)| name == key) {
                    return Err(OpsError::Key(super::sqltext::py_repr_str(key)));
                }
            }
            let row = ordered(row);
            let mut values = Vec::new();
            for (name, value) in &row {
                let type_ = table_cols
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, t)| t.clone())
                    .unwrap_or_else(|| SqlType::new(TypeClass::NullType));
                values.push(typed_literal::<S>(value, &type_)?);
            }
            let cols: Vec<String> = row.iter().map(|(n, _)| n.clone()).collect();
            steps.push(Step::Execute(Statement::dml(
                insert_sql(&cols, &values),
                Params::None,
            )));
        }
        return Ok(steps);
    }
    let Some(first) = rows.first() else {
        return Ok(steps);
    };
    if multiinsert {
        let first = ordered(first);
        let cols: Vec<String> = first.iter().map(|(n, _)| n.clone()).collect();
        let placeholders = vec!["?".to_string(); cols.len()];
        let sql = insert_sql(&cols, &placeholders);
        let mut all = Vec::new();
        for (group, row) in rows.iter().enumerate() {
            let mut values = Vec::new();
            for col in &cols {
                match row.iter().find(|(k, _)| k == col) {
                    Some((_, v)) => values.push(v.clone()),
                    None => {
                        let shown: Vec<String> = rows.iter().map(|r| python_dict_repr(r)).collect();
                        return Err(OpsError::Statement(format!(
                            "(sqlalchemy.exc.InvalidRequestError) A value is required for bind parameter '{col}', in parameter group {group}\n[SQL: {sql}]\n[parameters: [{}]]\n{BACKGROUND_CD3X}",
                            shown.join(", ")
                        )));
                    }
                }
            }
            all.push(values);
        }
        steps.push(Step::Execute(Statement::dml(sql, Params::Many(all))));
    } else {
        for row in rows {
            let row = ordered(row);
            let cols: Vec<String> = row.iter().map(|(n, _)| n.clone()).collect();
            let placeholders = vec!["?".to_string(); cols.len()];
            let values: Vec<Literal> = row.into_iter().map(|(_, v)| v).collect();
            steps.push(Step::Execute(Statement::dml(
                insert_sql(&cols, &placeholders),
                single(values),
            )));
        }
    }
    Ok(steps)
}
