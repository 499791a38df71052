//! `alembic check`'s message: the Python `repr()` of `upgrade_ops.as_diffs()`, built from
//! SQLAlchemy's `__repr__`s (`Table`, `Column`, `Index`, `UniqueConstraint`,
//! `ForeignKeyConstraint`, `DefaultClause`).
//!
//! Where Python prints an object's memory address (text defaults, foreign key column
//! collections) a fixed address stands in (the conformance harness masks addresses: they
//! change from run to run).

use super::compare::{type_repr, AlterColumn, Comparison, TableOp, TopOp};
use super::{SchemaColumn, SchemaForeignKey, SchemaIndex, SchemaTable, SchemaUnique};
use crate::ops::sqltext::py_repr_str;
use crate::ops::ServerDefault;

/// What Python prints instead of addresses it does not know.
pub const FAKE_ADDRESS: &str = "0x7f5e3c2a9e50";

/// `New upgrade operations detected: [...]` without the prefix: the diff list's repr.
pub fn diffs_repr(comparison: &Comparison) -> String {
    let mut items = Vec::new();
    for op in &comparison.upgrade_ops {
        match op {
            TopOp::CreateTable(table) => {
                items.push(format!("('add_table', {})", table_repr(table)))
            }
            TopOp::DropTable(table) => {
                items.push(format!("('remove_table', {})", table_repr(table)))
            }
            TopOp::ModifyTable { ops, .. } => {
                for table_op in ops {
                    items.push(table_op_repr(table_op));
                }
            }
        }
    }
    format!("[{}]", items.join(", "))
}

fn python_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

fn default_repr(default: &ServerDefault) -> String {
    let argument = match default {
        ServerDefault::Str(text) => py_repr_str(text),
        ServerDefault::Text(_) => {
            format!("<sqlalchemy.sql.elements.TextClause object at {FAKE_ADDRESS}>")
        }
        ServerDefault::FuncNow => format!("<sqlalchemy.sql.functions.now at {FAKE_ADDRESS}; now>"),
        ServerDefault::True => format!("<sqlalchemy.sql.elements.True_ object at {FAKE_ADDRESS}>"),
        ServerDefault::False => {
            format!("<sqlalchemy.sql.elements.False_ object at {FAKE_ADDRESS}>")
        }
    };
    format!("DefaultClause({argument}, for_update=False)")
}

/// `Column.__repr__`.
pub fn column_repr(column: &SchemaColumn, table: &str) -> String {
    let mut parts = vec![py_repr_str(&column.name), type_repr(&column.type_)];
    for target in &column.foreign_keys {
        parts.push(format!("ForeignKey({})", py_repr_str(target)));
    }
    parts.push(format!("table=<{table}>"));
    if column.primary_key {
        parts.push("primary_key=True".to_string());
    }
    if !column.nullable {
        parts.push("nullable=False".to_string());
    }
    if let Some(default) = &column.default_repr {
        parts.push(format!("default={default}"));
    }
    if let Some(default) = &column.server_default {
        parts.push(format!("server_default={}", default_repr(default)));
    }
    if let Some(comment) = &column.comment {
        parts.push(format!("comment={}", py_repr_str(comment)));
    }
    format!("Column({})", parts.join(", "))
}

/// `Table.__repr__`.
pub fn table_repr(table: &SchemaTable) -> String {
    let mut parts = vec![py_repr_str(&table.name), "MetaData()".to_string()];
    for column in &table.columns {
        parts.push(column_repr(column, &table.name));
    }
    parts.push("schema=None".to_string());
    format!("Table({})", parts.join(", "))
}

fn index_repr(index: &SchemaIndex, columns: &[SchemaColumn], table: &str) -> String {
    let mut parts = vec![py_repr_str(&index.name.text)];
    for column in columns {
        // The index's columns print without their foreign keys.
        let mut column = column.clone();
        column.foreign_keys.clear();
        parts.push(column_repr(&column, table));
    }
    // PostgreSQL's reflected expressions, in their places (Python prints their address)
    #[cfg(feature = "postgresql")]
    for (position, _) in &index.pg.expressions {
        let element =
            format!("<alembic.util.sqla_compat._textual_index_element object at {FAKE_ADDRESS}>");
        parts.insert((position + 1).min(parts.len()), element);
    }
    if index.unique.is_unique() {
        parts.push("unique=True".to_string());
    }
    format!("Index({})", parts.join(", "))
}

fn unique_repr(unique: &SchemaUnique, table: &str) -> String {
    let parts: Vec<String> = unique
        .columns
        .iter()
        .map(|column| {
            format!(
                "Column({}, NullType(), table=<{table}>)",
                py_repr_str(column)
            )
        })
        .collect();
    format!("UniqueConstraint({})", parts.join(", "))
}

fn foreign_key_repr(fk: &SchemaForeignKey, table: &str) -> String {
    let mut parts = vec![
        format!("<sqlalchemy.sql.base.ReadOnlyColumnCollection object at {FAKE_ADDRESS}>"),
        "None".to_string(),
    ];
    if let Some(name) = &fk.name {
        parts.push(format!("name={}", py_repr_str(&name.text)));
    }
    if let Some(value) = &fk.onupdate {
        parts.push(format!("onupdate={}", py_repr_str(value)));
    }
    if let Some(value) = &fk.ondelete {
        parts.push(format!("ondelete={}", py_repr_str(value)));
    }
    if let Some(value) = fk.deferrable {
        parts.push(format!("deferrable={}", python_bool(value)));
    }
    if let Some(value) = &fk.initially {
        parts.push(format!("initially={}", py_repr_str(value)));
    }
    if let Some(value) = &fk.match_ {
        parts.push(format!("match={}", py_repr_str(value)));
    }
    let columns: Vec<String> = fk
        .columns
        .iter()
        .zip(&fk.referent_columns)
        .map(|(column, referred)| {
            format!(
                "Column({}, NullType(), ForeignKey({}), table=<{table}>)",
                py_repr_str(column),
                py_repr_str(&format!("{}.{referred}", fk.referent_table))
            )
        })
        .collect();
    parts.push(format!(
        "table=Table({}, MetaData(), {}, schema=None)",
        py_repr_str(table),
        columns.join(", ")
    ));
    format!("ForeignKeyConstraint({})", parts.join(", "))
}

fn optional_bool(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "True",
        Some(false) => "False",
        None => "None",
    }
}

fn optional_default(value: &Option<ServerDefault>) -> String {
    match value {
        Some(default) => default_repr(default),
        None => "False".to_string(),
    }
}

fn alter_repr(alter: &AlterColumn) -> String {
    let existing_type = alter
        .existing_type
        .as_ref()
        .map(type_repr)
        .unwrap_or_else(|| "None".to_string());
    let head = format!(
        "None, {}, {}",
        py_repr_str(&alter.table),
        py_repr_str(&alter.column)
    );
    #[cfg(feature = "postgresql")]
    let existing_comment = optional_str(&alter.existing_comment);
    #[cfg(not(feature = "postgresql"))]
    let existing_comment = "None";
    let mut items = Vec::new();
    if let Some(new_type) = &alter.modify_type {
        items.push(format!(
            "('modify_type', {head}, {{'existing_nullable': {}, 'existing_server_default': {}, 'existing_comment': {existing_comment}}}, {existing_type}, {})",
            optional_bool(alter.existing_nullable),
            optional_default(&alter.existing_server_default),
            type_repr(new_type)
        ));
    }
    if let Some(nullable) = alter.modify_nullable {
        items.push(format!(
            "('modify_nullable', {head}, {{'existing_type': {existing_type}, 'existing_server_default': {}, 'existing_comment': {existing_comment}}}, {}, {})",
            optional_default(&alter.existing_server_default),
            optional_bool(alter.existing_nullable),
            python_bool(nullable)
        ));
    }
    if let Some(new_default) = &alter.modify_server_default {
        items.push(format!(
            "('modify_default', {head}, {{'existing_nullable': {}, 'existing_type': {existing_type}, 'existing_comment': {existing_comment}}}, {}, {})",
            optional_bool(alter.existing_nullable),
            optional_default(&alter.existing_server_default),
            new_default.as_ref().map(default_repr).unwrap_or_else(|| "None".to_string())
        ));
    }
    #[cfg(feature = "postgresql")]
    if let Some(new_comment) = &alter.modify_comment {
        items.push(format!(
            "('modify_comment', {head}, {{'existing_nullable': {}, 'existing_type': {existing_type}, 'existing_server_default': {}}}, {existing_comment}, {})",
            optional_bool(alter.existing_nullable),
            optional_default(&alter.existing_server_default),
            optional_str(new_comment)
        ));
    }
    format!("[{}]", items.join(", "))
}

#[cfg(feature = "postgresql")]
fn optional_str(value: &Option<String>) -> String {
    match value {
        Some(text) => py_repr_str(text),
        None => "None".to_string(),
    }
}

fn table_op_repr(op: &TableOp) -> String {
    match op {
        TableOp::AddColumn { table, column } => format!(
            "('add_column', None, {}, {})",
            py_repr_str(table),
            column_repr(column, table)
        ),
        TableOp::DropColumn { table, column } => format!(
            "('remove_column', None, {}, {})",
            py_repr_str(table),
            column_repr(column, table)
        ),
        TableOp::AlterColumn(alter) => alter_repr(alter),
        TableOp::CreateIndex {
            table,
            index,
            columns,
        } => format!("('add_index', {})", index_repr(index, columns, table)),
        TableOp::DropIndex {
            table,
            index,
            columns,
        } => format!("('remove_index', {})", index_repr(index, columns, table)),
        TableOp::AddUnique { table, unique } => {
            format!("('add_constraint', {})", unique_repr(unique, table))
        }
        TableOp::DropUnique { table, unique } => {
            format!("('remove_constraint', {})", unique_repr(unique, table))
        }
        TableOp::AddForeignKey { table, foreign_key } => {
            format!("('add_fk', {})", foreign_key_repr(foreign_key, table))
        }
        TableOp::DropForeignKey { table, foreign_key } => {
            format!("('remove_fk', {})", foreign_key_repr(foreign_key, table))
        }
        // `CreateTableCommentOp.to_diff_tuple` shows the existing comment, not the new one.
        #[cfg(feature = "postgresql")]
        TableOp::TableComment {
            table,
            comment,
            existing,
        } => {
            let table = format!("Table({}, MetaData(), schema=None)", py_repr_str(table));
            match comment {
                Some(_) => format!("('add_table_comment', {table}, {})", optional_str(existing)),
                None => format!("('remove_table_comment', {table})"),
            }
        }
    }
}
