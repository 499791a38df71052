//! PostgreSQL: the statements each [`Operation`] emits there, as SQLAlchemy 2.1.9's
//! PostgreSQL compiler and Alembic 1.20.1's `PostgresqlImpl` write them (measured against
//! real Alembic's `--sql` output).
//!
//! What differs from SQLite, and lives here: identifier quoting (PostgreSQL's reserved
//! words), the type names (`TIMESTAMP WITHOUT TIME ZONE`, `BYTEA`, `DOUBLE PRECISION`,
//! native `UUID`, an `Enum` is its own type), `SERIAL`/`BIGSERIAL`/`SMALLSERIAL` for the
//! table's autoincrement column, `CREATE TYPE ... AS ENUM` before the first table that uses
//! an enum (once per migration run, as the `Impl`'s memo keeps it), comments as `COMMENT ON`
//! statements, every `ALTER TABLE` form SQLite lacks (column type with `USING`, nullability,
//! defaults, constraints), and batch mode as those plain statements (no move and copy).
//! The DML (`op.execute`, `bulk_insert`) is the shared renderer's, spelled the PostgreSQL way
//! ([`PostgresqlSpelling`]).

use super::ddl::{bulk_insert_steps, execute_steps, fk_tail, RenderContext, Statement, Step};
use super::operation::{AddColumn, AlterColumn, BatchOp, Operation};
use super::schema::{
    CheckConstraint, Column, Constraint, ForeignKeyConstraint, Index, IndexElement,
    PrimaryKeyConstraint, ServerDefault, Table, UniqueConstraint,
};
use super::sqltext::{quote_identifier, requires_quotes_among, sql_string, Spelling};
use super::types::{Affinity, SqlType, TypeClass};
use super::{Literal, OpsError};

/// What only PostgreSQL reads of an operation: the schema of its tables (`schema=`) and the
/// `postgresql_*` keywords of `create_index` / `drop_index` / `alter_column`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PgOptions {
    pub schema: Option<String>,
    /// `postgresql_using`: an index's method, or a column type change's `USING` expression
    pub using: Option<String>,
    /// `postgresql_where`: a partial index's condition
    pub where_clause: Option<String>,
    /// `postgresql_concurrently`
    pub concurrently: bool,
    /// `postgresql_include`: an index's included columns
    pub include: Vec<String>,
}

impl PgOptions {
    pub fn is_plain(&self) -> bool {
        self.schema.is_none()
            && self.using.is_none()
            && self.where_clause.is_none()
            && !self.concurrently
            && self.include.is_empty()
    }
}

/// `sa.Identity(...)`: `GENERATED ALWAYS|BY DEFAULT AS IDENTITY (options)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Identity {
    pub always: bool,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub minvalue: Option<i64>,
    pub maxvalue: Option<i64>,
    pub nominvalue: Option<bool>,
    pub nomaxvalue: Option<bool>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
}

impl Identity {
    /// SQLAlchemy's `visit_identity_column` (options in `get_identity_options`' order).
    fn sql(&self) -> String {
        let mut options = Vec::new();
        let mut number = |label: &str, value: Option<i64>| {
            if let Some(value) = value {
                options.push(format!("{label} {value}"));
            }
        };
        number("INCREMENT BY", self.increment);
        number("START WITH", self.start);
        number("MINVALUE", self.minvalue);
        number("MAXVALUE", self.maxvalue);
        if self.nominvalue.is_some() {
            options.push("NO MINVALUE".to_string());
        }
        if self.nomaxvalue.is_some() {
            options.push("NO MAXVALUE".to_string());
        }
        if let Some(cache) = self.cache {
            options.push(format!("CACHE {cache}"));
        }
        if let Some(cycle) = self.cycle {
            options.push(if cycle { "CYCLE" } else { "NO CYCLE" }.to_string());
        }
        let mut text = format!(
            "GENERATED {} AS IDENTITY",
            if self.always { "ALWAYS" } else { "BY DEFAULT" }
        );
        if !options.is_empty() {
            text.push_str(&format!(" ({})", options.join(" ")));
        }
        text
    }
}

/// PostgreSQL's reserved words as SQLAlchemy 2.1.9's PostgreSQL dialect lists them.
const RESERVED_WORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "new",
    "not",
    "notnull",
    "null",
    "of",
    "off",
    "offset",
    "old",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "over",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// `PGIdentifierPreparer.quote(name)`: the same rule as SQLite's, with PostgreSQL's words.
pub fn quote(name: &str) -> String {
    if requires_quotes_among(name, RESERVED_WORDS) {
        quote_identifier(name)
    } else {
        name.to_string()
    }
}

/// PostgreSQL's spelling of the shared DML: its quoting, `true`/`false`, its type names.
pub struct PostgresqlSpelling;

impl Spelling for PostgresqlSpelling {
    fn quote(name: &str) -> String {
        quote(name)
    }

    fn boolean(value: bool) -> &'static str {
        if value {
            "true"
        } else {
            "false"
        }
    }

    fn type_ddl(type_: &SqlType) -> Result<String, OpsError> {
        type_ddl(type_)
    }
}

/// Whether the class is one of `sqlalchemy.dialects.postgresql`'s own.
pub fn is_dialect_class(class: TypeClass) -> bool {
    super::types::POSTGRESQL_CLASSES.contains(&class)
}

/// `ARRAY(item_type, dimensions=...)`.
pub fn array(item: SqlType, dimensions: Option<i64>) -> SqlType {
    let mut array = SqlType::new(TypeClass::ARRAY);
    if let Some(dimensions) = dimensions {
        array = array.with("dimensions", Literal::Int(dimensions));
    }
    array.item = Some(Box::new(item));
    array
}

fn flag(type_: &SqlType, key: &str, default: bool) -> bool {
    match type_.arg(key) {
        Some(Literal::Bool(value)) => *value,
        _ => default,
    }
}

/// Whether an `Enum` is PostgreSQL's own type (`native_enum=True`, the default).
fn native_enum(type_: &SqlType) -> bool {
    type_.class.is_enum() && flag(type_, "native_enum", true)
}

/// The type as `PGTypeCompiler` writes it.
pub fn type_ddl(type_: &SqlType) -> Result<String, OpsError> {
    use TypeClass::*;
    let zone = |base: &str| {
        let with = if flag(type_, "timezone", false) {
            "WITH"
        } else {
            "WITHOUT"
        };
        let precision = match type_.arg("precision") {
            Some(Literal::Int(precision)) => format!("({precision})"),
            _ => std::string::String::new(),
        };
        format!("{base}{precision} {with} TIME ZONE")
    };
    Ok(match type_.class {
        DateTime | TIMESTAMP | PgTIMESTAMP => zone("TIMESTAMP"),
        Time | TIME | PgTIME => zone("TIME"),
        PgINTERVAL => {
            let mut text = "INTERVAL".to_string();
            if let Some(Literal::Str(fields)) = type_.arg("fields") {
                text = format!("{text} {fields}");
            }
            if let Some(Literal::Int(precision)) = type_.arg("precision") {
                text = format!("{text} ({precision})");
            }
            text
        }
        PgJSON => "JSON".to_string(),
        Double | DOUBLE_PRECISION => "DOUBLE PRECISION".to_string(),
        Float | FLOAT => match type_.arg("precision") {
            Some(Literal::Int(precision)) if *precision != 0 => format!("FLOAT({precision})"),
            _ => "FLOAT".to_string(),
        },
        LargeBinary | PickleType => "BYTEA".to_string(),
        Interval => "INTERVAL".to_string(),
        Uuid if !flag(type_, "native_uuid", true) => "CHAR(32)".to_string(),
        Uuid | UUID => "UUID".to_string(),
        JSONB => "JSONB".to_string(),
        INET => "INET".to_string(),
        CIDR => "CIDR".to_string(),
        MACADDR => "MACADDR".to_string(),
        MONEY => "MONEY".to_string(),
        TSVECTOR => "TSVECTOR".to_string(),
        HSTORE => "HSTORE".to_string(),
        BYTEA => "BYTEA".to_string(),
        ARRAY => {
            let item = match &type_.item {
                Some(item) => type_ddl(item)?,
                None => return Err(OpsError::Compile("ARRAY needs an item type".to_string())),
            };
            let dimensions = match type_.arg("dimensions") {
                Some(Literal::Int(n)) if *n > 0 => *n as usize,
                _ => 1,
            };
            // the brackets go before a COLLATE clause
            let brackets = "[]".repeat(dimensions);
            match item.split_once(" COLLATE") {
                Some((base, collation)) => format!("{base}{brackets} COLLATE{collation}"),
                None => format!("{item}{brackets}"),
            }
        }
        Enum | ENUM if native_enum(type_) => match type_.schema_type_name() {
            Some(name) => quote(name),
            None => {
                return Err(OpsError::Compile(
                    "PostgreSQL ENUM type requires a name.".to_string(),
                ))
            }
        },
        _ => {
            let ddl = type_.ddl()?;
            // SQLite's text with PostgreSQL's quoting of a collation
            match (type_.arg("collation"), ddl.split_once(" COLLATE ")) {
                (Some(Literal::Str(collation)), Some((base, _))) => {
                    format!("{base} COLLATE {}", quote(collation))
                }
                _ => ddl,
            }
        }
    })
}

/// A server default as PostgreSQL's `get_column_default_string` writes it.
pub fn default_sql(default: &ServerDefault) -> String {
    match default {
        ServerDefault::Str(text) => sql_string(text),
        ServerDefault::Text(text) => text.clone(),
        ServerDefault::FuncNow => "now()".to_string(),
        ServerDefault::True => "true".to_string(),
        ServerDefault::False => "false".to_string(),
    }
}

/// `Table._autoincrement_column`: the primary key's one integer column (unless it opted
/// out, has a default or a foreign key), or the integer column that says
/// `autoincrement=True`.
fn autoincrement_column(table: &Table, primary_key: &PrimaryKeyConstraint) -> Option<String> {
    let integer = |column: &Column| column.type_.class.affinity() == Affinity::Integer;
    let columns: Vec<&Column> = primary_key
        .columns
        .iter()
        .filter_map(|name| table.column(name))
        .collect();
    match columns.as_slice() {
        [column] => {
            let chosen = match column.autoincrement {
                Some(true) => integer(column),
                Some(false) => false,
                None => {
                    integer(column)
                        && column.default.is_none()
                        && column.server_default.is_none()
                        && column.foreign_keys.is_empty()
                }
            };
            chosen.then(|| column.name.clone())
        }
        many => many
            .iter()
            .find(|column| column.autoincrement == Some(true) && integer(column))
            .map(|column| column.name.clone()),
    }
}

/// `get_column_specification` plus the column's inline CHECKs.
fn column_spec(column: &Column, serial: bool, in_primary_key: bool) -> Result<String, OpsError> {
    let mut spec = quote(&column.name);
    let serial = serial && column.identity.is_none();
    if serial {
        spec.push_str(if column.type_.class.derives_from(TypeClass::BigInteger) {
            " BIGSERIAL"
        } else if column.type_.class.derives_from(TypeClass::SmallInteger) {
            " SMALLSERIAL"
        } else {
            " SERIAL"
        });
    } else {
        spec.push(' ');
        spec.push_str(&type_ddl(&column.type_)?);
        if let Some(default) = &column.server_default {
            spec.push_str(" DEFAULT ");
            spec.push_str(&default_sql(default));
        }
    }
    let nullable = column.is_nullable(in_primary_key);
    match &column.identity {
        Some(identity) => {
            spec.push(' ');
            spec.push_str(&identity.sql());
            if nullable {
                spec.push_str(" NULL");
            }
        }
        None if !nullable => spec.push_str(" NOT NULL"),
        None => {}
    }
    for check in &column.checks {
        spec.push(' ');
        spec.push_str(&check_sql(check));
    }
    Ok(spec)
}

/// A table's name, qualified with its schema when it has one.
fn table_ref(schema: Option<&str>, table: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", quote(schema), quote(table)),
        None => quote(table),
    }
}

fn column_error(table: &str, column: &str, error: OpsError) -> OpsError {
    match error {
        OpsError::Compile(message) => OpsError::Compile(format!(
            "(in table '{table}', column '{column}'): {message}"
        )),
        other => other,
    }
}

fn preamble(name: Option<&str>) -> String {
    match name {
        Some(name) => format!("CONSTRAINT {} ", quote(name)),
        None => String::new(),
    }
}

fn join_quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| quote(name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_sql(check: &CheckConstraint) -> String {
    format!(
        "{}CHECK ({})",
        preamble(check.name.as_deref()),
        check.sqltext
    )
}

/// A foreign key's referred table: `schema.table` when the key named a schema.
fn referent(table: &str) -> String {
    match table.split_once('.') {
        Some((schema, table)) => table_ref(Some(schema), table),
        None => quote(table),
    }
}

fn foreign_key_sql(fk: &ForeignKeyConstraint) -> String {
    let mut text = format!(
        "{}FOREIGN KEY({}) REFERENCES {} ({})",
        preamble(fk.name.as_deref()),
        join_quoted(&fk.columns),
        referent(&fk.referent_table),
        join_quoted(&fk.referent_columns)
    );
    text.push_str(&fk_tail(
        &fk.match_,
        &fk.ondelete,
        &fk.onupdate,
        fk.deferrable,
        &fk.initially,
    ));
    text
}

fn constraint_sql(constraint: &Constraint) -> String {
    match constraint {
        Constraint::PrimaryKey(PrimaryKeyConstraint { name, columns }) => format!(
            "{}PRIMARY KEY ({})",
            preamble(name.as_deref()),
            join_quoted(columns)
        ),
        Constraint::Unique(UniqueConstraint { name, columns }) => format!(
            "{}UNIQUE ({})",
            preamble(name.as_deref()),
            join_quoted(columns)
        ),
        Constraint::Check(check) => check_sql(check),
        Constraint::ForeignKey(fk) => foreign_key_sql(fk),
    }
}

/// The constraints a column brings when attached to its table: `unique=True` (without
/// `index=True`), a non-native `Enum`'s CHECK when it asks for one (PostgreSQL's booleans
/// and native enums need none), its foreign keys.
fn column_constraints(column: &Column) -> Vec<Constraint> {
    let mut out = Vec::new();
    if column.unique && !column.index {
        out.push(Constraint::Unique(UniqueConstraint {
            name: column.unique_name.clone(),
            columns: vec![column.name.clone()],
        }));
    }
    let type_ = &column.type_;
    if type_.class.is_enum() && !native_enum(type_) && type_.creates_constraint() {
        out.push(Constraint::Check(CheckConstraint {
            name: type_.schema_type_name().map(str::to_string),
            sqltext: type_.constraint_check_sql(&quote(&column.name)),
        }));
    }
    for fk in &column.foreign_keys {
        let mut constraint = ForeignKeyConstraint::from_column_fk(&column.name, fk);
        // `ForeignKey('schema.table.column')`
        if let [schema, table, _] = fk.target.splitn(3, '.').collect::<Vec<_>>().as_slice() {
            constraint.referent_table = format!("{schema}.{table}");
        }
        out.push(Constraint::ForeignKey(constraint));
    }
    out
}

/// `index=True` columns' indexes (`ix_<table>_<column>`).
fn column_index(table: &str, column: &Column) -> Option<Index> {
    column.index.then(|| Index {
        name: Some(format!("ix_{table}_{}", column.name)),
        table: Some(table.to_string()),
        elements: vec![IndexElement::Column(column.name.clone())],
        unique: column.unique,
        sqlite_where: None,
    })
}

fn ddl(sql: String) -> Step {
    Step::Execute(Statement::ddl(sql))
}

/// The enum types a migration run has created (`CREATE TYPE` once per name, as the
/// `Impl`'s memo of the types its table events created).
pub type TypeMemo = Vec<String>;

/// `CREATE TYPE name AS ENUM (...)` for a native enum not created yet in this run.
/// (A table's enum column: not with `create_type=False`, nor twice in a run.)
fn create_enum_type(type_: &SqlType, memo: &mut TypeMemo) -> Option<Step> {
    if !flag(type_, "create_type", true) {
        return None;
    }
    let name = type_.schema_type_name()?;
    if memo.iter().any(|created| created == name) {
        return None;
    }
    let step = enum_type_sql(type_)?;
    memo.push(name.to_string());
    Some(step)
}

/// `CREATE TYPE name AS ENUM (...)` for a native enum with a name.
fn enum_type_sql(type_: &SqlType) -> Option<Step> {
    let name = type_.schema_type_name().filter(|_| native_enum(type_))?;
    let values: Vec<String> = type_
        .enum_values
        .iter()
        .map(|value| sql_string(value))
        .collect();
    Some(ddl(format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote(name),
        values.join(", ")
    )))
}

fn create_table_steps(
    table: &Table,
    if_not_exists: bool,
    memo: &mut TypeMemo,
    schema: Option<&str>,
) -> Result<Vec<Step>, OpsError> {
    let mut steps: Vec<Step> = table
        .columns
        .iter()
        .filter_map(|column| create_enum_type(&column.type_, memo))
        .collect();
    let primary_key = table.primary_key();
    let serial = autoincrement_column(table, &primary_key);
    let mut lines = Vec::new();
    for column in &table.columns {
        let in_primary_key = primary_key.columns.contains(&column.name);
        let is_serial = serial.as_deref() == Some(column.name.as_str());
        lines.push(
            column_spec(column, is_serial, in_primary_key)
                .map_err(|error| column_error(&table.name, &column.name, error))?,
        );
    }
    if !primary_key.columns.is_empty() {
        lines.push(constraint_sql(&Constraint::PrimaryKey(primary_key)));
    }
    let explicit = table
        .constraints
        .iter()
        .filter(|constraint| !matches!(constraint, Constraint::PrimaryKey(_)))
        .cloned();
    let derived = table.columns.iter().flat_map(column_constraints);
    lines.extend(
        explicit
            .chain(derived)
            .map(|constraint| constraint_sql(&constraint)),
    );
    steps.push(ddl(format!(
        "\nCREATE TABLE {}{} (\n\t{}\n)\n\n",
        if if_not_exists { "IF NOT EXISTS " } else { "" },
        table_ref(schema, &table.name),
        lines.join(", \n\t")
    )));
    let indexes = table.indexes.iter().cloned().chain(
        table
            .columns
            .iter()
            .filter_map(|c| column_index(&table.name, c)),
    );
    for index in indexes {
        let index = Index {
            table: Some(table.name.clone()),
            ..index
        };
        steps.push(ddl(plain_index_sql(&index, schema)?));
    }
    if let Some(comment) = &table.comment {
        steps.push(ddl(table_comment_sql(schema, &table.name, Some(comment))));
    }
    for column in &table.columns {
        if let Some(comment) = &column.comment {
            steps.push(ddl(column_comment_sql(
                schema,
                &table.name,
                &column.name,
                Some(comment),
            )));
        }
    }
    Ok(steps)
}

fn table_comment_sql(schema: Option<&str>, table: &str, comment: Option<&str>) -> String {
    format!(
        "COMMENT ON TABLE {} IS {}",
        table_ref(schema, table),
        comment.map_or_else(|| "NULL".to_string(), sql_string)
    )
}

fn column_comment_sql(
    schema: Option<&str>,
    table: &str,
    column: &str,
    comment: Option<&str>,
) -> String {
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        table_ref(schema, table),
        quote(column),
        comment.map_or_else(|| "NULL".to_string(), sql_string)
    )
}

fn create_index_sql(
    index: &Index,
    if_not_exists: bool,
    schema: Option<&str>,
    pg: &PgOptions,
) -> Result<String, OpsError> {
    let (name, table) = index.name_and_table(None)?;
    let elements = index.elements_sql(quote);
    let mut text = format!(
        "CREATE {}INDEX {}{}{} ON {} ",
        if index.unique { "UNIQUE " } else { "" },
        if pg.concurrently { "CONCURRENTLY " } else { "" },
        if if_not_exists { "IF NOT EXISTS " } else { "" },
        quote(name),
        table_ref(schema, table),
    );
    if let Some(using) = &pg.using {
        text.push_str(&format!("USING {} ", using.to_lowercase()));
    }
    text.push_str(&format!("({})", elements.join(", ")));
    if !pg.include.is_empty() {
        text.push_str(&format!(" INCLUDE ({})", join_quoted(&pg.include)));
    }
    if let Some(condition) = &pg.where_clause {
        text.push_str(" WHERE ");
        text.push_str(condition);
    }
    Ok(text)
}

/// An index a table or a column brings (no PostgreSQL keywords).
fn plain_index_sql(index: &Index, schema: Option<&str>) -> Result<String, OpsError> {
    create_index_sql(index, false, schema, &PgOptions::default())
}

fn drop_index_sql(name: &str, if_exists: bool, pg: &PgOptions) -> String {
    format!(
        "\nDROP INDEX {}{}{}",
        if pg.concurrently { "CONCURRENTLY " } else { "" },
        if if_exists { "IF EXISTS " } else { "" },
        table_ref(pg.schema.as_deref(), name)
    )
}

fn add_constraint_sql(schema: Option<&str>, table: &str, constraint: &Constraint) -> String {
    format!(
        "ALTER TABLE {} ADD {}",
        table_ref(schema, table),
        constraint_sql(constraint)
    )
}

/// `op.add_column`: the `ALTER TABLE ... ADD COLUMN`, then the constraints the column
/// brings, its index, its comment (Alembic's `add_column` in that order).
fn add_column_steps(
    schema: Option<&str>,
    table: &str,
    add: &AddColumn,
) -> Result<Vec<Step>, OpsError> {
    let column = &add.column;
    let mut text = format!(
        "ALTER TABLE {} ADD COLUMN {}",
        table_ref(schema, table),
        if add.if_not_exists {
            "IF NOT EXISTS "
        } else {
            ""
        }
    );
    let bare = Column {
        checks: Vec::new(),
        ..column.clone()
    };
    text.push_str(
        &column_spec(&bare, false, column.primary_key)
            .map_err(|error| column_error(table, &column.name, error))?,
    );
    if add.inline_primary_key && column.primary_key {
        text.push_str(" PRIMARY KEY");
    }
    let inline_fk = add.inline_references && column.foreign_keys.len() == 1;
    if inline_fk {
        if let Some(fk) = column.foreign_keys.first() {
            let (ref_table, ref_column) = fk.target_parts();
            text.push_str(&format!(
                " REFERENCES {} ({}){}",
                quote(&ref_table),
                quote(&ref_column),
                fk_tail(
                    &fk.match_,
                    &fk.ondelete,
                    &fk.onupdate,
                    fk.deferrable,
                    &fk.initially
                )
            ));
        }
    }
    for check in &column.checks {
        text.push(' ');
        text.push_str(&check_sql(check));
    }
    let mut steps = vec![ddl(text)];
    for constraint in column_constraints(column) {
        if inline_fk && matches!(constraint, Constraint::ForeignKey(_)) {
            continue;
        }
        steps.push(ddl(add_constraint_sql(schema, table, &constraint)));
    }
    if let Some(index) = column_index(table, column) {
        steps.push(ddl(plain_index_sql(&index, schema)?));
    }
    if let Some(comment) = &column.comment {
        steps.push(ddl(column_comment_sql(
            schema,
            table,
            &column.name,
            Some(comment),
        )));
    }
    Ok(steps)
}

/// `op.alter_column`: the type first (with `postgresql_using`), then nullability, the
/// default, the comment and the new name, as `PostgresqlImpl.alter_column` runs them.
fn alter_column_steps(
    pg: &PgOptions,
    table: &str,
    alter: &AlterColumn,
) -> Result<Vec<Step>, OpsError> {
    let schema = pg.schema.as_deref();
    let mut steps = Vec::new();
    let prefix = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        table_ref(schema, table),
        quote(&alter.column_name)
    );
    if let Some(type_) = &alter.type_ {
        let using = match &pg.using {
            Some(using) => format!(" USING {using}"),
            None => String::new(),
        };
        steps.push(ddl(format!("{prefix} TYPE {}{using}", type_ddl(type_)?)));
    }
    if alter.autoincrement.is_some() || alter.existing_autoincrement.is_some() {
        steps.push(Step::Warn(
            "autoincrement and existing_autoincrement only make sense for MySQL".to_string(),
        ));
    }
    if let Some(nullable) = alter.nullable {
        let action = if nullable {
            "DROP NOT NULL"
        } else {
            "SET NOT NULL"
        };
        steps.push(ddl(format!("{prefix} {action}")));
    }
    if let Some(default) = &alter.server_default {
        steps.push(ddl(match default {
            Some(default) => format!("{prefix} SET DEFAULT {}", default_sql(default)),
            None => format!("{prefix} DROP DEFAULT"),
        }));
    }
    if let Some(comment) = &alter.comment {
        steps.push(ddl(column_comment_sql(
            schema,
            table,
            &alter.column_name,
            comment.as_deref(),
        )));
    }
    if let Some(new_name) = &alter.new_column_name {
        steps.push(ddl(format!(
            "ALTER TABLE {} RENAME {} TO {}",
            table_ref(schema, table),
            quote(&alter.column_name),
            quote(new_name)
        )));
    }
    Ok(steps)
}

fn drop_constraint_sql(schema: Option<&str>, table: &str, name: &str, if_exists: bool) -> String {
    format!(
        "ALTER TABLE {} DROP CONSTRAINT {}{}",
        table_ref(schema, table),
        if if_exists { "IF EXISTS " } else { "" },
        quote(name)
    )
}

/// The statements `op` emits on PostgreSQL; `memo` holds the enum types this run created.
pub fn statements(
    op: &Operation,
    ctx: &RenderContext,
    memo: &mut TypeMemo,
) -> Result<Vec<Step>, OpsError> {
    statements_in(op, ctx, memo, &PgOptions::default())
}

/// [`statements`] with the schema and keywords of `pg`.
fn statements_in(
    op: &Operation,
    ctx: &RenderContext,
    memo: &mut TypeMemo,
    pg: &PgOptions,
) -> Result<Vec<Step>, OpsError> {
    let schema = pg.schema.as_deref();
    Ok(match op {
        Operation::EnumType {
            create: true,
            type_,
        } => {
            // an explicit create does not enter the run's memo (a later table creates it
            // again) and ignores `create_type`
            enum_type_sql(type_).into_iter().collect()
        }
        Operation::EnumType {
            create: false,
            type_,
        } => match (native_enum(type_), type_.schema_type_name()) {
            (true, Some(name)) => vec![ddl(format!("DROP TYPE {}", quote(name)))],
            _ => Vec::new(),
        },
        Operation::Postgresql { options, operation } => {
            statements_in(operation, ctx, memo, options)?
        }
        Operation::CreateTable {
            table,
            if_not_exists,
        } => create_table_steps(table, *if_not_exists, memo, schema)?,
        Operation::DropTable {
            table_name,
            if_exists,
        } => vec![ddl(format!(
            "\nDROP TABLE {}{}",
            if *if_exists { "IF EXISTS " } else { "" },
            table_ref(schema, table_name)
        ))],
        Operation::AddColumn { table_name, add } => add_column_steps(schema, table_name, add)?,
        Operation::DropColumn {
            table_name,
            column_name,
            if_exists,
        } => vec![ddl(format!(
            "ALTER TABLE {} DROP COLUMN {}{}",
            table_ref(schema, table_name),
            if *if_exists { "IF EXISTS " } else { "" },
            quote(column_name)
        ))],
        Operation::AlterColumn { table_name, alter } => alter_column_steps(pg, table_name, alter)?,
        Operation::RenameTable {
            old_table_name,
            new_table_name,
        } => vec![ddl(format!(
            "ALTER TABLE {} RENAME TO {}",
            table_ref(schema, old_table_name),
            quote(new_table_name)
        ))],
        Operation::CreateIndex {
            index,
            if_not_exists,
        } => vec![ddl(create_index_sql(index, *if_not_exists, schema, pg)?)],
        Operation::DropIndex {
            index_name,
            if_exists,
            ..
        } => vec![ddl(drop_index_sql(index_name, *if_exists, pg))],
        Operation::CreateUniqueConstraint {
            name,
            table_name,
            columns,
        } => {
            let unique = UniqueConstraint {
                name: name.clone(),
                columns: columns.clone(),
            };
            vec![ddl(add_constraint_sql(
                schema,
                table_name,
                &Constraint::Unique(unique),
            ))]
        }
        Operation::CreateForeignKey { source_table, fk } => {
            vec![ddl(add_constraint_sql(
                schema,
                source_table,
                &fk.constraint(),
            ))]
        }
        Operation::CreateCheckConstraint {
            name,
            table_name,
            condition,
        } => vec![ddl(add_constraint_sql(
            schema,
            table_name,
            &Constraint::Check(CheckConstraint {
                name: name.clone(),
                sqltext: condition.clone(),
            }),
        ))],
        Operation::CreatePrimaryKey {
            name,
            table_name,
            columns,
        } => vec![ddl(add_constraint_sql(
            schema,
            table_name,
            &Constraint::PrimaryKey(PrimaryKeyConstraint {
                name: name.clone(),
                columns: columns.clone(),
            }),
        ))],
        Operation::DropConstraint {
            name,
            table_name,
            if_exists,
            ..
        } => vec![ddl(drop_constraint_sql(
            schema, table_name, name, *if_exists,
        ))],
        Operation::CreateTableComment {
            table_name,
            comment,
            ..
        } => vec![ddl(table_comment_sql(schema, table_name, Some(comment)))],
        Operation::DropTableComment { table_name, .. } => {
            vec![ddl(table_comment_sql(schema, table_name, None))]
        }
        Operation::Execute(sql) => execute_steps::<PostgresqlSpelling>(sql, ctx)?,
        Operation::BulkInsert {
            table,
            rows,
            multiinsert,
        } => bulk_insert_steps::<PostgresqlSpelling>(table, rows, *multiinsert, ctx)?,
        Operation::BatchAlterTable {
            table_name, ops, ..
        } => {
            // PostgreSQL alters in place: each batch operation is the plain one
            let mut steps = Vec::new();
            for batch_op in ops {
                let plain = plain_operation(table_name, batch_op);
                steps.extend(statements_in(&plain, ctx, memo, pg)?);
            }
            steps
        }
    })
}

/// A batch operation as the plain operation on the batch's table.
fn plain_operation(table: &str, op: &BatchOp) -> Operation {
    let table_name = table.to_string();
    match op.clone() {
        BatchOp::AddColumn(add) => Operation::AddColumn { table_name, add },
        BatchOp::AlterColumn(alter) => Operation::AlterColumn { table_name, alter },
        BatchOp::DropColumn { column_name, .. } => Operation::DropColumn {
            table_name,
            column_name,
            if_exists: false,
        },
        BatchOp::CreateIndex {
            index,
            if_not_exists,
        } => Operation::CreateIndex {
            index: Index {
                table: Some(table_name),
                ..index
            },
            if_not_exists,
        },
        BatchOp::DropIndex {
            index_name,
            if_exists,
        } => Operation::DropIndex {
            index_name,
            table_name: Some(table_name),
            if_exists,
        },
        BatchOp::CreateUniqueConstraint { name, columns } => Operation::CreateUniqueConstraint {
            name,
            table_name,
            columns,
        },
        BatchOp::CreateForeignKey(fk) => Operation::CreateForeignKey {
            source_table: table_name,
            fk,
        },
        BatchOp::CreateCheckConstraint { name, condition } => Operation::CreateCheckConstraint {
            name,
            table_name,
            condition,
        },
        BatchOp::CreatePrimaryKey { name, columns } => Operation::CreatePrimaryKey {
            name,
            table_name,
            columns,
        },
        BatchOp::DropConstraint { name, type_ } => Operation::DropConstraint {
            name,
            table_name,
            type_,
            if_exists: false,
        },
        BatchOp::CreateTableComment { comment } => Operation::CreateTableComment {
            table_name,
            comment,
            existing_comment: None,
        },
        BatchOp::DropTableComment => Operation::DropTableComment {
            table_name,
            existing_comment: None,
        },
    }
}
