//! Alembic 1.20.1's comparison of model tables against reflected tables, as a pure function:
//! the same operations in the same order (`compare/tables.py`, `types.py`, `constraints.py`,
//! `server_defaults.py`), and the same INFO lines.
//!
//! Where Alembic iterates a Python `set` (removed tables, removed columns, foreign keys,
//! unnamed unique constraints), the order it prints changes from run to run; here it is the
//! reflected (or model) order, which is one of the orders Alembic can produce.

use super::{
    IndexUnique, Name, SchemaColumn, SchemaForeignKey, SchemaIndex, SchemaTable, SchemaUnique,
};
use crate::ops::sqltext::py_repr_str;
use crate::ops::types::Affinity;
use crate::ops::{ServerDefault, SqlType, TypeClass};
use crate::runtime::Dialect;

/// The comparison switches of `context.configure(...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompareOptions {
    pub compare_type: bool,
    pub compare_server_default: bool,
    /// The database's dialect: how types compile for comparing, whether comments compare.
    pub dialect: Dialect,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            compare_type: true,
            compare_server_default: false,
            dialect: Dialect::Sqlite,
        }
    }
}

/// env.py's `compare_type=` / `compare_server_default=` functions, as Alembic's first
/// comparators call them: `Some(true)` is a change, `Some(false)` no change and no further
/// comparison, `None` (or no function) lets the built-in comparison decide.
pub trait UserComparators {
    fn compare_type(
        &mut self,
        conn_column: &SchemaColumn,
        metadata_column: &SchemaColumn,
    ) -> Option<bool>;
    /// `rendered_conn` is the reflected default's text; `rendered_metadata` the model's
    /// default as SQL text (a string default unquoted, as Alembic renders it for comparing).
    fn compare_server_default(
        &mut self,
        conn_column: &SchemaColumn,
        metadata_column: &SchemaColumn,
        rendered_conn: Option<String>,
        rendered_metadata: Option<String>,
    ) -> Option<bool>;
    /// How Alembic's log line names the `compare_server_default` function
    /// (`<function my_compare at 0x...>`).
    fn server_default_function(&self) -> String;
}

/// No functions: the built-in comparison only.
pub struct BuiltInComparison;

impl UserComparators for BuiltInComparison {
    fn compare_type(&mut self, _: &SchemaColumn, _: &SchemaColumn) -> Option<bool> {
        None
    }
    fn compare_server_default(
        &mut self,
        _: &SchemaColumn,
        _: &SchemaColumn,
        _: Option<String>,
        _: Option<String>,
    ) -> Option<bool> {
        None
    }
    fn server_default_function(&self) -> String {
        String::new()
    }
}

/// One INFO line: the logger and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub logger: &'static str,
    pub text: String,
}

pub const TABLES_LOGGER: &str = "alembic.autogenerate.compare.tables";
pub const TYPES_LOGGER: &str = "alembic.autogenerate.compare.types";
pub const CONSTRAINTS_LOGGER: &str = "alembic.autogenerate.compare.constraints";
pub const DEFAULTS_LOGGER: &str = "alembic.autogenerate.compare.server_defaults";
#[cfg(feature = "postgresql")]
pub const COMMENTS_LOGGER: &str = "alembic.autogenerate.compare.comments";
/// Where `PostgresqlImpl.autogen_column_reflect` logs a SERIAL column it recognised.
#[cfg(feature = "postgresql")]
pub const POSTGRESQL_LOGGER: &str = "alembic.ddl.postgresql";

/// Where Python prints the SQLite impl object's address.
pub const FAKE_IMPL_ADDRESS: &str = "0x7f5e3c2b4d10";

/// An operation of the upgrade (or, reversed, the downgrade) stream.
#[derive(Debug, Clone, PartialEq)]
pub enum TopOp {
    CreateTable(SchemaTable),
    DropTable(SchemaTable),
    ModifyTable { table: String, ops: Vec<TableOp> },
}

/// An operation on one table.
#[derive(Debug, Clone, PartialEq)]
pub enum TableOp {
    AddColumn {
        table: String,
        column: SchemaColumn,
    },
    DropColumn {
        table: String,
        column: SchemaColumn,
    },
    AlterColumn(AlterColumn),
    /// `columns` are the indexed columns as their table has them (for `check`'s repr).
    CreateIndex {
        table: String,
        index: SchemaIndex,
        columns: Vec<SchemaColumn>,
    },
    DropIndex {
        table: String,
        index: SchemaIndex,
        columns: Vec<SchemaColumn>,
    },
    AddUnique {
        table: String,
        unique: SchemaUnique,
    },
    DropUnique {
        table: String,
        unique: SchemaUnique,
    },
    AddForeignKey {
        table: String,
        foreign_key: SchemaForeignKey,
    },
    DropForeignKey {
        table: String,
        foreign_key: SchemaForeignKey,
    },
    /// `CreateTableCommentOp` (`comment: None` is `DropTableCommentOp`).
    #[cfg(feature = "postgresql")]
    TableComment {
        table: String,
        comment: Option<String>,
        existing: Option<String>,
    },
}

/// `AlterColumnOp`: `existing_*` describe the column before, `modify_*` what changes.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterColumn {
    pub table: String,
    pub column: String,
    pub existing_type: Option<SqlType>,
    pub existing_nullable: Option<bool>,
    /// `None` is Alembic's `False` (no default).
    pub existing_server_default: Option<ServerDefault>,
    pub modify_type: Option<SqlType>,
    pub modify_nullable: Option<bool>,
    /// `None`: unchanged (`False`); `Some(None)`: dropped; `Some(Some(d))`: set.
    pub modify_server_default: Option<Option<ServerDefault>>,
    pub autoincrement: Option<bool>,
    /// `existing_comment`, and `modify_comment` (`None`: unchanged, Alembic's `False`).
    #[cfg(feature = "postgresql")]
    pub existing_comment: Option<String>,
    #[cfg(feature = "postgresql")]
    pub modify_comment: Option<Option<String>>,
}

impl AlterColumn {
    fn has_changes(&self) -> bool {
        #[cfg(feature = "postgresql")]
        if self.modify_comment.is_some() {
            return true;
        }
        self.modify_type.is_some()
            || self.modify_nullable.is_some()
            || self.modify_server_default.is_some()
    }

    fn reverse(&self) -> AlterColumn {
        let mut reversed = self.clone();
        if let Some(new_type) = &self.modify_type {
            reversed.existing_type = Some(new_type.clone());
            reversed.modify_type = self.existing_type.clone();
        }
        if let Some(new_nullable) = self.modify_nullable {
            reversed.existing_nullable = Some(new_nullable);
            reversed.modify_nullable = self.existing_nullable;
        }
        if let Some(new_default) = &self.modify_server_default {
            reversed.existing_server_default = new_default.clone();
            reversed.modify_server_default = Some(self.existing_server_default.clone());
        }
        #[cfg(feature = "postgresql")]
        if let Some(new_comment) = &self.modify_comment {
            reversed.existing_comment = new_comment.clone();
            reversed.modify_comment = Some(self.existing_comment.clone());
        }
        reversed
    }
}

impl TableOp {
    pub fn reverse(&self) -> TableOp {
        match self {
            TableOp::AddColumn { table, column } => TableOp::DropColumn {
                table: table.clone(),
                column: column.clone(),
            },
            TableOp::DropColumn { table, column } => TableOp::AddColumn {
                table: table.clone(),
                column: column.clone(),
            },
            TableOp::AlterColumn(alter) => TableOp::AlterColumn(alter.reverse()),
            TableOp::CreateIndex {
                table,
                index,
                columns,
            } => TableOp::DropIndex {
                table: table.clone(),
                index: index.clone(),
                columns: columns.clone(),
            },
            TableOp::DropIndex {
                table,
                index,
                columns,
            } => TableOp::CreateIndex {
                table: table.clone(),
                index: index.clone(),
                columns: columns.clone(),
            },
            TableOp::AddUnique { table, unique } => TableOp::DropUnique {
                table: table.clone(),
                unique: unique.clone(),
            },
            TableOp::DropUnique { table, unique } => TableOp::AddUnique {
                table: table.clone(),
                unique: unique.clone(),
            },
            TableOp::AddForeignKey { table, foreign_key } => TableOp::DropForeignKey {
                table: table.clone(),
                foreign_key: foreign_key.clone(),
            },
            TableOp::DropForeignKey { table, foreign_key } => TableOp::AddForeignKey {
                table: table.clone(),
                foreign_key: foreign_key.clone(),
            },
            #[cfg(feature = "postgresql")]
            TableOp::TableComment {
                table,
                comment,
                existing,
            } => TableOp::TableComment {
                table: table.clone(),
                comment: existing.clone(),
                existing: comment.clone(),
            },
        }
    }
}

impl TopOp {
    pub fn reverse(&self) -> TopOp {
        match self {
            TopOp::CreateTable(table) => TopOp::DropTable(table.clone()),
            TopOp::DropTable(table) => TopOp::CreateTable(table.clone()),
            TopOp::ModifyTable { table, ops } => TopOp::ModifyTable {
                table: table.clone(),
                ops: ops.iter().rev().map(TableOp::reverse).collect(),
            },
        }
    }
}

/// The result of comparing: the upgrade ops and the lines logged while finding them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    pub upgrade_ops: Vec<TopOp>,
    pub log: Vec<LogLine>,
    /// The dialect compared against (the renderer writes its server defaults).
    pub dialect: Dialect,
}

impl Comparison {
    /// `UpgradeOps.reverse_into(downgrade_ops)`.
    pub fn downgrade_ops(&self) -> Vec<TopOp> {
        self.upgrade_ops.iter().rev().map(TopOp::reverse).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.upgrade_ops.is_empty()
    }

    fn info(&mut self, logger: &'static str, text: String) {
        self.log.push(LogLine { logger, text });
    }

    /// The lines reflecting `table` logged.
    #[cfg(feature = "postgresql")]
    fn reflection_log(&mut self, table: &SchemaTable) {
        for line in &table.reflection_log {
            self.info(POSTGRESQL_LOGGER, line.clone());
        }
    }
}

/// Python's `repr()` of a tuple of strings: `('a',)`, `('a', 'b')`.
pub fn tuple_repr(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|item| py_repr_str(item)).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

/// `compare_metadata`: model tables (in `sorted_tables` order) against the database's.
pub fn compare_metadata(
    metadata_tables: &[SchemaTable],
    conn_tables: &[SchemaTable],
    options: CompareOptions,
) -> Comparison {
    compare_metadata_with(
        metadata_tables,
        conn_tables,
        options,
        &mut BuiltInComparison,
    )
}

/// [`compare_metadata`] with env.py's comparison functions.
pub fn compare_metadata_with(
    metadata_tables: &[SchemaTable],
    conn_tables: &[SchemaTable],
    options: CompareOptions,
    user: &mut dyn UserComparators,
) -> Comparison {
    let mut comparison = Comparison {
        dialect: options.dialect,
        ..Comparison::default()
    };
    for table in metadata_tables {
        if conn_tables.iter().any(|t| t.name == table.name) {
            continue;
        }
        comparison
            .upgrade_ops
            .push(TopOp::CreateTable(table.clone()));
        comparison.info(
            TABLES_LOGGER,
            format!("Detected added table {}", py_repr_str(&table.name)),
        );
        let mut ops = Vec::new();
        compare_indexes_and_uniques(&mut comparison, &mut ops, &table.name, None, Some(table));
        if !ops.is_empty() {
            comparison.upgrade_ops.push(TopOp::ModifyTable {
                table: table.name.clone(),
                ops,
            });
        }
    }
    for table in conn_tables {
        if metadata_tables.iter().any(|t| t.name == table.name) {
            continue;
        }
        #[cfg(feature = "postgresql")]
        comparison.reflection_log(table);
        let mut ops = Vec::new();
        compare_indexes_and_uniques(&mut comparison, &mut ops, &table.name, Some(table), None);
        if !ops.is_empty() {
            comparison.upgrade_ops.push(TopOp::ModifyTable {
                table: table.name.clone(),
                ops,
            });
        }
        comparison.upgrade_ops.push(TopOp::DropTable(table.clone()));
        comparison.info(
            TABLES_LOGGER,
            format!("Detected removed table {}", py_repr_str(&table.name)),
        );
    }
    let mut existing: Vec<&SchemaTable> = conn_tables
        .iter()
        .filter(|t| metadata_tables.iter().any(|m| m.name == t.name))
        .collect();
    crate::sort::sort_by(&mut existing, |a, b| a.name.cmp(&b.name));
    // (Alembic reflects them all before comparing any, in set order)
    #[cfg(feature = "postgresql")]
    for conn_table in &existing {
        comparison.reflection_log(conn_table);
    }
    for conn_table in existing {
        let Some(metadata_table) = metadata_tables.iter().find(|m| m.name == conn_table.name)
        else {
            continue;
        };
        let name = &conn_table.name;
        let mut ops = Vec::new();
        for column in &metadata_table.columns {
            if conn_table.column(&column.name).is_none() {
                ops.push(TableOp::AddColumn {
                    table: name.clone(),
                    column: column.clone(),
                });
                comparison.info(
                    TABLES_LOGGER,
                    format!("Detected added column '{name}.{}'", column.name),
                );
            }
        }
        for column in &metadata_table.columns {
            let Some(conn_column) = conn_table.column(&column.name) else {
                continue;
            };
            let alter = compare_column(
                &mut comparison,
                options,
                user,
                metadata_table,
                conn_column,
                column,
            );
            if alter.has_changes() {
                ops.push(TableOp::AlterColumn(alter));
            }
        }
        compare_indexes_and_uniques(
            &mut comparison,
            &mut ops,
            name,
            Some(conn_table),
            Some(metadata_table),
        );
        compare_foreign_keys(&mut comparison, &mut ops, name, conn_table, metadata_table);
        #[cfg(feature = "postgresql")]
        if options.dialect == Dialect::Postgresql {
            compare_table_comment(&mut ops, conn_table, metadata_table);
        }
        for column in &conn_table.columns {
            if metadata_table.column(&column.name).is_none() {
                ops.push(TableOp::DropColumn {
                    table: name.clone(),
                    column: column.clone(),
                });
                comparison.info(
                    TABLES_LOGGER,
                    format!("Detected removed column '{name}.{}'", column.name),
                );
            }
        }
        if !ops.is_empty() {
            comparison.upgrade_ops.push(TopOp::ModifyTable {
                table: name.clone(),
                ops,
            });
        }
    }
    comparison
}

/// The type's repr without the module prefix (`VARCHAR(length=50)`), as `%r` logs it.
pub fn type_repr(sql_type: &SqlType) -> String {
    sql_type.plain_repr()
}

/// `DefaultImpl._tokenize_column_type`: (first word, other words, parenthesised args).
/// (first word, other words, parenthesised args, `key=value` args).
type TypeTokens = (String, Vec<String>, Vec<String>, Vec<(String, String)>);

fn tokenize_type(sql_type: &SqlType, dialect: Dialect) -> TypeTokens {
    let definition = match dialect {
        Dialect::Sqlite => sql_type.ddl(),
        #[cfg(feature = "postgresql")]
        Dialect::Postgresql => crate::ops::postgresql::type_ddl(sql_type),
    };
    let definition = definition.unwrap_or_default().to_lowercase();
    let mut tokens: Vec<String> = Vec::new();
    let chars: Vec<char> = definition.chars().collect();
    let mut index = 0;
    // re.findall(r"[\w\-_]+|\(.+?\)", definition)
    while index < chars.len() {
        let c = chars[index];
        if c.is_alphanumeric() || c == '_' || c == '-' {
            let start = index;
            while index < chars.len()
                && (chars[index].is_alphanumeric() || chars[index] == '_' || chars[index] == '-')
            {
                index += 1;
            }
            tokens.push(chars[start..index].iter().collect());
        } else if c == '(' {
            match chars[index + 1..].iter().position(|&d| d == ')') {
                Some(offset) if offset > 0 => {
                    let end = index + 1 + offset;
                    tokens.push(chars[index..=end].iter().collect());
                    index = end + 1;
                }
                _ => index += 1,
            }
        } else {
            index += 1;
        }
    }
    let mut terms = Vec::new();
    let mut paren = None;
    for token in tokens {
        if token.starts_with('(') && token.ends_with(')') {
            paren = Some(token);
        } else {
            terms.push(token);
        }
    }
    let first = terms.first().cloned().unwrap_or_default();
    let rest = terms.iter().skip(1).cloned().collect();
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    if let Some(paren) = paren {
        for term in paren.split(['(', ')', ',']).filter(|t| !t.is_empty()) {
            if let Some((key, value)) = term.split_once('=') {
                kwargs.push((key.trim().to_string(), value.trim().to_string()));
            } else {
                args.push(term.trim().to_string());
            }
        }
    }
    (first, rest, args, kwargs)
}

/// `DefaultImpl.compare_type`: whether the two types differ.
pub fn types_differ(conn_type: &SqlType, metadata_type: &SqlType, dialect: Dialect) -> bool {
    let (conn_first, conn_rest, conn_args, _) = tokenize_type(conn_type, dialect);
    let (meta_first, meta_rest, meta_args, _) = tokenize_type(metadata_type, dialect);
    let synonym_sets: &[&[&str]] = match dialect {
        Dialect::Sqlite => &[&["numeric", "decimal"]],
        #[cfg(feature = "postgresql")]
        Dialect::Postgresql => &[&["numeric", "decimal"], &["float", "double precision"]],
    };
    // A type's words joined ("double precision"), made only when the first words differ.
    let joined = |first: &str, rest: &[String]| {
        let mut all = first.to_string();
        for word in rest {
            all.push(' ');
            all.push_str(word);
        }
        all
    };
    let types_match = conn_first == meta_first || {
        let conn_all = joined(&conn_first, &conn_rest);
        let meta_all = joined(&meta_first, &meta_rest);
        synonym_sets.iter().any(|synonyms| {
            (synonyms.contains(&conn_all.as_str()) && synonyms.contains(&meta_all.as_str()))
                || (synonyms.contains(&conn_first.as_str())
                    && synonyms.contains(&meta_first.as_str()))
        })
    };
    if !types_match {
        return true;
    }
    if meta_rest.len() == conn_rest.len() && meta_rest != conn_rest {
        return true;
    }
    if meta_args.len() == conn_args.len() && meta_args != conn_args {
        return true;
    }
    false
}

/// `Table._autoincrement_column` is this column.
fn is_autoincrement_column(table: &SchemaTable, column: &SchemaColumn) -> bool {
    if table.primary_key.len() != 1 || table.primary_key[0] != column.name {
        return false;
    }
    match column.autoincrement {
        Some(true) => true,
        Some(false) => false,
        None => {
            column.type_.class.affinity() == Affinity::Integer
                && column.default_repr.is_none()
                && column.server_default.is_none()
                && column.foreign_keys.is_empty()
        }
    }
}

/// A model's server default as `_render_server_default_for_compare` writes it: a string as
/// given, an expression compiled for the dialect.
fn rendered_for_compare(default: &ServerDefault, dialect: Dialect) -> String {
    match (default, dialect) {
        (ServerDefault::Str(s), _) => s.clone(),
        (other, Dialect::Sqlite) => other.sql(),
        #[cfg(feature = "postgresql")]
        (other, Dialect::Postgresql) => crate::ops::postgresql::default_sql(other),
    }
}

/// What `PostgresqlImpl.compare_server_default` decides without the server, or the query
/// it sends to decide (`SELECT <reflected default> = <model default>`).
#[cfg(feature = "postgresql")]
pub enum DefaultQuestion {
    Answered(bool),
    AskServer(String),
}

/// `PostgresqlImpl.compare_server_default` up to its query: no comparison for the SERIAL
/// column, equal texts are equal, a default on one side only differs; otherwise the server
/// compares the two expressions (a string default of a non-numeric column quoted first).
#[cfg(feature = "postgresql")]
pub fn postgresql_default_question(
    metadata_table: &SchemaTable,
    conn_column: &SchemaColumn,
    metadata_column: &SchemaColumn,
) -> DefaultQuestion {
    if metadata_column.primary_key && is_autoincrement_column(metadata_table, metadata_column) {
        return DefaultQuestion::Answered(false);
    }
    let conn = conn_column.server_default.as_ref().map(ServerDefault::sql);
    let metadata = metadata_column
        .server_default
        .as_ref()
        .map(|d| rendered_for_compare(d, Dialect::Postgresql));
    let (Some(conn), Some(metadata)) = (conn, metadata) else {
        return DefaultQuestion::Answered(
            conn_column.server_default.is_some() != metadata_column.server_default.is_some(),
        );
    };
    if conn == metadata {
        return DefaultQuestion::Answered(false);
    }
    let metadata = match &metadata_column.server_default {
        Some(ServerDefault::Str(text))
            if !matches!(
                conn_column.type_.class.affinity(),
                Affinity::Numeric | Affinity::Integer
            ) =>
        {
            let text = text.strip_prefix('\'').unwrap_or(text);
            let text = text.strip_suffix('\'').unwrap_or(text);
            format!("'{text}'")
        }
        _ => metadata,
    };
    DefaultQuestion::AskServer(format!("SELECT {conn} = {metadata}"))
}

/// SQLite's `compare_server_default` on the rendered texts.
fn server_defaults_differ(conn: Option<&ServerDefault>, metadata: Option<&ServerDefault>) -> bool {
    let normalise = |text: Option<String>| {
        text.map(|t| {
            let t = match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                Some(inner) if !inner.is_empty() => inner.to_string(),
                _ => t,
            };
            let trimmed = t.strip_prefix('"').unwrap_or(&t);
            let trimmed = trimmed.strip_suffix('"').unwrap_or(trimmed);
            match trimmed
                .strip_prefix('\'')
                .and_then(|x| x.strip_suffix('\''))
            {
                Some(inner) if !inner.is_empty() => inner.to_string(),
                _ => t,
            }
        })
    };
    let metadata_text = metadata.map(|d| match d {
        ServerDefault::Str(s) => s.clone(),
        other => other.sql(),
    });
    let conn_text = conn.map(ServerDefault::sql);
    normalise(conn_text) != normalise(metadata_text)
}

fn compare_column(
    comparison: &mut Comparison,
    options: CompareOptions,
    user: &mut dyn UserComparators,
    metadata_table: &SchemaTable,
    conn_column: &SchemaColumn,
    metadata_column: &SchemaColumn,
) -> AlterColumn {
    let table = &metadata_table.name;
    let column = &metadata_column.name;
    let mut alter = AlterColumn {
        table: table.clone(),
        column: column.clone(),
        existing_type: None,
        existing_nullable: None,
        existing_server_default: None,
        modify_type: None,
        modify_nullable: None,
        modify_server_default: None,
        autoincrement: None,
        #[cfg(feature = "postgresql")]
        existing_comment: None,
        #[cfg(feature = "postgresql")]
        modify_comment: None,
    };
    let type_setup = |comparison: &mut Comparison, alter: &mut AlterColumn| -> bool {
        alter.existing_type = Some(conn_column.type_.clone());
        if conn_column.type_.class == TypeClass::NullType {
            comparison.info(
                TYPES_LOGGER,
                format!("Couldn't determine database type for column '{table}.{column}'"),
            );
            return false;
        }
        if metadata_column.type_.class == TypeClass::NullType {
            comparison.info(
                TYPES_LOGGER,
                format!("Column '{table}.{column}' has no type within the model; can't compare"),
            );
            return false;
        }
        true
    };
    let type_change = |comparison: &mut Comparison, alter: &mut AlterColumn| {
        alter.modify_type = Some(metadata_column.type_.clone());
        comparison.info(
            TYPES_LOGGER,
            format!(
                "Detected type change from {} to {} on '{table}.{column}'",
                type_repr(&conn_column.type_),
                type_repr(&metadata_column.type_)
            ),
        );
    };
    // FIRST: user compare type, user compare server default.
    let mut types_stopped = false;
    if options.compare_type && type_setup(comparison, &mut alter) {
        match user.compare_type(conn_column, metadata_column) {
            Some(true) => {
                type_change(comparison, &mut alter);
                types_stopped = true;
            }
            Some(false) => types_stopped = true,
            None => {}
        }
    }
    let has_defaults =
        conn_column.server_default.is_some() || metadata_column.server_default.is_some();
    let mut defaults_stopped = false;
    if has_defaults {
        alter.existing_server_default = conn_column.server_default.clone();
        if !options.compare_server_default {
            defaults_stopped = true;
        } else {
            let rendered_metadata = metadata_column
                .server_default
                .as_ref()
                .map(|d| rendered_for_compare(d, options.dialect));
            let rendered_conn = conn_column.server_default.as_ref().map(ServerDefault::sql);
            match user.compare_server_default(
                conn_column,
                metadata_column,
                rendered_conn,
                rendered_metadata,
            ) {
                Some(true) => {
                    alter.modify_server_default = Some(metadata_column.server_default.clone());
                    comparison.info(
                        DEFAULTS_LOGGER,
                        format!(
                            "User defined function {} detected server default on column '{table}.{column}'",
                            user.server_default_function()
                        ),
                    );
                    defaults_stopped = true;
                }
                Some(false) => defaults_stopped = true,
                None => {}
            }
        }
    }
    // MEDIUM: nullable, autoincrement.
    alter.existing_nullable = Some(conn_column.nullable);
    if conn_column.nullable != metadata_column.nullable {
        alter.modify_nullable = Some(metadata_column.nullable);
        comparison.info(
            CONSTRAINTS_LOGGER,
            format!(
                "Detected {} on column '{table}.{column}'",
                if metadata_column.nullable {
                    "NULL"
                } else {
                    "NOT NULL"
                }
            ),
        );
    }
    if !defaults_stopped {
        if is_autoincrement_column(metadata_table, metadata_column)
            || metadata_column.autoincrement == Some(true)
        {
            alter.autoincrement = Some(true);
        } else if metadata_column.autoincrement == Some(false) {
            alter.autoincrement = Some(false);
        }
    }
    // LAST: dialect compare type, dialect compare server default.
    if options.compare_type
        && !types_stopped
        && type_setup(comparison, &mut alter)
        && types_differ(&conn_column.type_, &metadata_column.type_, options.dialect)
    {
        type_change(comparison, &mut alter);
    }
    let dialect_differs = || match options.dialect {
        Dialect::Sqlite => server_defaults_differ(
            conn_column.server_default.as_ref(),
            metadata_column.server_default.as_ref(),
        ),
        #[cfg(feature = "postgresql")]
        Dialect::Postgresql => {
            match postgresql_default_question(metadata_table, conn_column, metadata_column) {
                DefaultQuestion::Answered(differ) => differ,
                // what the server answered `SELECT <reflected> = <model>` (asked beforehand)
                DefaultQuestion::AskServer(_) => conn_column.server_default_equal != Some(true),
            }
        }
    };
    if !defaults_stopped && has_defaults && dialect_differs() {
        alter.modify_server_default = Some(metadata_column.server_default.clone());
        let impl_class = match options.dialect {
            Dialect::Sqlite => "sqlite.SQLiteImpl",
            #[cfg(feature = "postgresql")]
            Dialect::Postgresql => "postgresql.PostgresqlImpl",
        };
        comparison.info(
            DEFAULTS_LOGGER,
            format!("Dialect impl <alembic.ddl.{impl_class} object at {FAKE_IMPL_ADDRESS}> detected server default on column '{table}.{column}'"),
        );
    }
    // The comments plugin's column comparator (dialects that support comments).
    #[cfg(feature = "postgresql")]
    if options.dialect == Dialect::Postgresql
        && (conn_column.comment.is_some() || metadata_column.comment.is_some())
    {
        alter.existing_comment = conn_column.comment.clone();
        if conn_column.comment != metadata_column.comment {
            alter.modify_comment = Some(metadata_column.comment.clone());
            comparison.info(
                COMMENTS_LOGGER,
                format!("Detected column comment '{table}.{column}'"),
            );
        }
    }
    alter
}

/// The comments plugin's table comparator: `CreateTableCommentOp` / `DropTableCommentOp`
/// (it logs nothing).
#[cfg(feature = "postgresql")]
fn compare_table_comment(
    ops: &mut Vec<TableOp>,
    conn_table: &SchemaTable,
    metadata_table: &SchemaTable,
) {
    if conn_table.comment != metadata_table.comment {
        ops.push(TableOp::TableComment {
            table: metadata_table.name.clone(),
            comment: metadata_table.comment.clone(),
            existing: conn_table.comment.clone(),
        });
    }
}

/// A unique constraint or an index, as `_constraint_sig` sees it.
#[derive(Debug, Clone)]
enum Sig {
    Unique(SchemaUnique),
    Index(SchemaIndex),
}

impl Sig {
    fn name(&self) -> Option<&Name> {
        match self {
            Sig::Unique(u) => u.name.as_ref(),
            Sig::Index(i) => Some(&i.name),
        }
    }

    fn column_names(&self) -> Vec<String> {
        match self {
            Sig::Unique(u) => u.columns.clone(),
            Sig::Index(i) => i.columns.clone(),
        }
    }
}

fn sorted_columns(columns: &[String]) -> Vec<String> {
    let mut sorted = columns.to_vec();
    crate::sort::sort(&mut sorted);
    sorted
}

fn index_columns(table: Option<&SchemaTable>, index: &SchemaIndex) -> Vec<SchemaColumn> {
    index
        .columns
        .iter()
        .filter_map(|name| table.and_then(|t| t.column(name)).cloned())
        .collect()
}

fn compare_indexes_and_uniques(
    comparison: &mut Comparison,
    ops: &mut Vec<TableOp>,
    table: &str,
    conn_table: Option<&SchemaTable>,
    metadata_table: Option<&SchemaTable>,
) {
    let is_create_table = conn_table.is_none();
    let is_drop_table = metadata_table.is_none();
    let metadata_uniques: Vec<SchemaUnique> = metadata_table
        .map(|t| t.uniques.clone())
        .unwrap_or_default();
    let metadata_indexes: Vec<SchemaIndex> = metadata_table
        .map(|t| t.indexes.clone())
        .unwrap_or_default();
    let conn_uniques: Vec<SchemaUnique> = if is_drop_table {
        Vec::new()
    } else {
        conn_table.map(|t| t.uniques.clone()).unwrap_or_default()
    };
    // `PostgresqlImpl.adjust_reflected_dialect_options`: an empty `postgresql_include` goes
    #[cfg(feature = "postgresql")]
    let mut conn_uniques = conn_uniques;
    #[cfg(feature = "postgresql")]
    for unique in conn_uniques.iter_mut() {
        unique
            .pg
            .options
            .retain(|(key, value)| !(key == "postgresql_include" && value == "[]"));
    }
    let conn_indexes: Vec<SchemaIndex> = conn_table.map(|t| t.indexes.clone()).unwrap_or_default();

    let mut metadata_names: Vec<(String, Sig)> = Vec::new();
    for unique in &metadata_uniques {
        if let Some(name) = &unique.name {
            metadata_names.push((name.text.clone(), Sig::Unique(unique.clone())));
        }
    }
    for index in &metadata_indexes {
        metadata_names.push((index.name.text.clone(), Sig::Index(index.clone())));
    }
    let mut conn_names: Vec<(String, Sig)> = Vec::new();
    for unique in &conn_uniques {
        if let Some(name) = &unique.name {
            conn_names.push((name.text.clone(), Sig::Unique(unique.clone())));
        }
    }
    for index in &conn_indexes {
        conn_names.push((index.name.text.clone(), Sig::Index(index.clone())));
    }
    let unnamed_metadata_uniques: Vec<&SchemaUnique> = metadata_uniques
        .iter()
        .filter(|u| u.name.is_none())
        .collect();

    // Alembic names the columns of what it adds and the table of what it removes.
    let change = |comparison: &mut Comparison, ops: &mut Vec<TableOp>, sig: &Sig, added: bool| {
        let (what, name, columns) = match sig {
            Sig::Index(index) => {
                let (table, index_op) = (table.to_string(), index.clone());
                ops.push(if added {
                    let columns = index_columns(metadata_table, index);
                    TableOp::CreateIndex {
                        table,
                        index: index_op,
                        columns,
                    }
                } else {
                    let columns = index_columns(conn_table, index);
                    TableOp::DropIndex {
                        table,
                        index: index_op,
                        columns,
                    }
                });
                ("index", py_repr_str(&index.name.text), &index.columns)
            }
            Sig::Unique(unique) => {
                if is_create_table || is_drop_table {
                    return;
                }
                let (table, unique_op) = (table.to_string(), unique.clone());
                ops.push(if added {
                    TableOp::AddUnique {
                        table,
                        unique: unique_op,
                    }
                } else {
                    TableOp::DropUnique {
                        table,
                        unique: unique_op,
                    }
                });
                let name = match &unique.name {
                    Some(name) => py_repr_str(&name.text),
                    None => "None".to_string(),
                };
                ("unique constraint", name, &unique.columns)
            }
        };
        let (verb, on) = if added {
            ("added", format!("'{}'", tuple_repr(columns)))
        } else {
            ("removed", py_repr_str(table))
        };
        comparison.info(
            CONSTRAINTS_LOGGER,
            format!("Detected {verb} {what} {name} on {on}"),
        );
    };
    let added = |comparison: &mut Comparison, ops: &mut Vec<TableOp>, sig: &Sig| {
        change(comparison, ops, sig, true)
    };
    let removed = |comparison: &mut Comparison, ops: &mut Vec<TableOp>, sig: &Sig| {
        change(comparison, ops, sig, false)
    };

    let mut removed_names: Vec<&(String, Sig)> = conn_names
        .iter()
        .filter(|(n, _)| !metadata_names.iter().any(|(m, _)| m == n))
        .collect();
    crate::sort::sort_by(&mut removed_names, |a, b| a.0.cmp(&b.0));
    for (_, sig) in removed_names {
        if let Sig::Unique(unique) = sig {
            let signature = sorted_columns(&unique.columns);
            if unnamed_metadata_uniques
                .iter()
                .any(|u| sorted_columns(&u.columns) == signature)
            {
                continue;
            }
        }
        removed(comparison, ops, sig);
    }
    let mut existing_names: Vec<&(String, Sig)> = metadata_names
        .iter()
        .filter(|(n, _)| conn_names.iter().any(|(c, _)| c == n))
        .collect();
    crate::sort::sort_by(&mut existing_names, |a, b| a.0.cmp(&b.0));
    for (name, metadata_sig) in existing_names {
        let Some((_, conn_sig)) = conn_names.iter().find(|(c, _)| c == name) else {
            continue;
        };
        match (metadata_sig, conn_sig) {
            (Sig::Index(metadata_index), Sig::Index(conn_index)) => {
                let mut messages = Vec::new();
                let conn_unique = conn_index.unique.is_unique();
                let meta_unique = metadata_index.unique.is_unique();
                if conn_unique != meta_unique {
                    messages.push(format!(
                        "unique={} to unique={}",
                        python_bool(conn_unique),
                        python_bool(meta_unique)
                    ));
                }
                let (conn_elements, metadata_elements) =
                    (index_elements(conn_index), index_elements(metadata_index));
                if metadata_elements != conn_elements {
                    messages.push(format!(
                        "expression {} to {}",
                        tuple_repr(&conn_elements),
                        tuple_repr(&metadata_elements)
                    ));
                }
                if !messages.is_empty() {
                    comparison.info(
                        CONSTRAINTS_LOGGER,
                        format!(
                            "Detected changed index {} on {}: {}",
                            py_repr_str(name),
                            py_repr_str(table),
                            messages.join(", ")
                        ),
                    );
                    ops.push(TableOp::DropIndex {
                        table: table.to_string(),
                        index: conn_index.clone(),
                        columns: index_columns(conn_table, conn_index),
                    });
                    ops.push(TableOp::CreateIndex {
                        table: table.to_string(),
                        index: metadata_index.clone(),
                        columns: index_columns(metadata_table, metadata_index),
                    });
                }
            }
            (Sig::Unique(metadata_unique), Sig::Unique(conn_unique)) => {
                let meta_sig = sorted_columns(&metadata_unique.columns);
                let conn_sig = sorted_columns(&conn_unique.columns);
                if meta_sig != conn_sig {
                    comparison.info(
                        CONSTRAINTS_LOGGER,
                        format!(
                            "Detected changed unique constraint {} on {}: expression {} to {}",
                            py_repr_str(name),
                            py_repr_str(table),
                            tuple_repr(&conn_sig),
                            tuple_repr(&meta_sig)
                        ),
                    );
                    ops.push(TableOp::DropUnique {
                        table: table.to_string(),
                        unique: conn_unique.clone(),
                    });
                    ops.push(TableOp::AddUnique {
                        table: table.to_string(),
                        unique: metadata_unique.clone(),
                    });
                }
            }
            (metadata_sig, conn_sig) => {
                removed(comparison, ops, conn_sig);
                added(comparison, ops, metadata_sig);
            }
        }
    }
    let mut added_names: Vec<&(String, Sig)> = metadata_names
        .iter()
        .filter(|(n, _)| !conn_names.iter().any(|(c, _)| c == n))
        .collect();
    crate::sort::sort_by(&mut added_names, |a, b| a.0.cmp(&b.0));
    for (_, sig) in added_names {
        added(comparison, ops, sig);
    }
    let conn_signatures: Vec<Vec<String>> = conn_uniques
        .iter()
        .map(|u| sorted_columns(&u.columns))
        .collect();
    let mut seen: Vec<Vec<String>> = Vec::new();
    for unique in unnamed_metadata_uniques {
        let signature = sorted_columns(&unique.columns);
        if seen.contains(&signature) {
            continue;
        }
        seen.push(signature.clone());
        if !conn_signatures.contains(&signature) {
            added(comparison, ops, &Sig::Unique(unique.clone()));
        }
    }
    let _ = Sig::name;
    let _ = Sig::column_names;
    let _ = IndexUnique::Bool(false);
}

/// An index's elements as its signature compares them: the columns, and on PostgreSQL the
/// expressions in their places, cleaned up as `PostgresqlImpl._cleanup_index_expr` does.
fn index_elements(index: &SchemaIndex) -> Vec<String> {
    #[cfg(feature = "postgresql")]
    if !index.pg.expressions.is_empty() {
        return index
            .parts()
            .into_iter()
            .map(|part| match part {
                super::IndexPart::Column(column) => column.to_string(),
                super::IndexPart::Expression(expression) => cleanup_index_expression(expression),
            })
            .collect();
    }
    index.columns.clone()
}

/// `PostgresqlImpl._cleanup_index_expr`: lower case, no quotes, no `::type` casts, no outer
/// parentheses.
#[cfg(feature = "postgresql")]
fn cleanup_index_expression(expression: &str) -> String {
    let lowered: String = expression
        .to_lowercase()
        .chars()
        .filter(|c| *c != '"' && *c != '\'')
        .collect();
    // re.sub(r"(::[\w ]+\w)", "", expr)
    let chars: Vec<char> = lowered.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut index = 0;
    while index < chars.len() {
        if chars[index] == ':' && chars.get(index + 1) == Some(&':') {
            let mut end = index + 2;
            while end < chars.len() && (word(chars[end]) || chars[end] == ' ') {
                end += 1;
            }
            // the match ends on a word character (backtracking over trailing spaces)
            let mut last = end;
            while last > index + 2 && chars[last - 1] == ' ' {
                last -= 1;
            }
            if last >= index + 4 && word(chars[last - 1]) {
                index = last;
                continue;
            }
        }
        out.push(chars[index]);
        index += 1;
    }
    let mut text = out.as_str();
    while text.len() >= 2 && text.starts_with('(') && text.ends_with(')') {
        text = &text[1..text.len() - 1];
    }
    text.to_string()
}

fn python_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

/// The options-aware signature of a foreign key (`_fk_constraint_sig.unnamed`).
/// (table, columns, referred table, referred columns, onupdate, ondelete, deferrability).
type ForeignKeySignature = (
    String,
    Vec<String>,
    String,
    Vec<String>,
    Option<String>,
    Option<String>,
    &'static str,
);

fn fk_signature(table: &str, fk: &SchemaForeignKey) -> ForeignKeySignature {
    let normalise = |value: &Option<String>| {
        value.as_ref().and_then(|v| {
            let lower = v.to_lowercase();
            if lower == "no action" {
                None
            } else {
                Some(lower)
            }
        })
    };
    let deferrable = if fk
        .initially
        .as_deref()
        .is_some_and(|i| i.eq_ignore_ascii_case("deferred"))
    {
        "initially_deferrable"
    } else if fk.deferrable == Some(true) {
        "deferrable"
    } else {
        "not deferrable"
    };
    (
        table.to_string(),
        fk.columns.clone(),
        fk.referent_table.clone(),
        fk.referent_columns.clone(),
        normalise(&fk.onupdate),
        normalise(&fk.ondelete),
        deferrable,
    )
}

fn compare_foreign_keys(
    comparison: &mut Comparison,
    ops: &mut Vec<TableOp>,
    table: &str,
    conn_table: &SchemaTable,
    metadata_table: &SchemaTable,
) {
    let with_options = !conn_table.foreign_keys.is_empty();
    let sig = |fk: &SchemaForeignKey| {
        let full = fk_signature(table, fk);
        if with_options {
            full
        } else {
            (full.0, full.1, full.2, full.3, None, None, "")
        }
    };
    let describe = |fk: &SchemaForeignKey| {
        format!(
            "({})({}) on table {table}",
            fk.columns.join(", "),
            fk.referent_columns.join(", ")
        )
    };
    for fk in &conn_table.foreign_keys {
        if !metadata_table
            .foreign_keys
            .iter()
            .any(|m| sig(m) == sig(fk))
        {
            ops.push(TableOp::DropForeignKey {
                table: table.to_string(),
                foreign_key: fk.clone(),
            });
            comparison.info(
                CONSTRAINTS_LOGGER,
                format!("Detected removed foreign key {}", describe(fk)),
            );
        }
    }
    let mut seen = Vec::new();
    for fk in &metadata_table.foreign_keys {
        let signature = sig(fk);
        if seen.contains(&signature) {
            continue;
        }
        seen.push(signature.clone());
        if !conn_table.foreign_keys.iter().any(|c| sig(c) == signature) {
            ops.push(TableOp::AddForeignKey {
                table: table.to_string(),
                foreign_key: fk.clone(),
            });
            comparison.info(
                CONSTRAINTS_LOGGER,
                format!("Detected added foreign key {}", describe(fk)),
            );
        }
    }
}

#[cfg(all(test, feature = "postgresql"))]
mod postgresql_tests {
    use super::cleanup_index_expression;

    #[test]
    fn index_expressions_are_cleaned_up_as_postgresql_impl_does() {
        assert_eq!(cleanup_index_expression("lower(name::text)"), "lower(name)");
        assert_eq!(cleanup_index_expression("(\"Name\")"), "name");
        assert_eq!(
            cleanup_index_expression("(x::character varying = 'a')"),
            "x = a"
        );
        assert_eq!(cleanup_index_expression("a::b"), "a::b");
    }
}
