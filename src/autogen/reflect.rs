//! The live database as autogenerate's inspector sees it: SQLAlchemy's SQLite reflection
//! (`ops::reflect_table` over the PRAGMA rows) plus Alembic's additions — SQL-expression
//! defaults parenthesised (`autogen_column_reflect`) and every reflected constraint and index
//! name wrapped in `conv()` (1.20's `_InspectorConv`), so it renders as `op.f(...)`.
//!
//! Skips `sqlite_*` tables (as `get_table_names` does) and the version table.

use super::{IndexUnique, Name, SchemaCheck, SchemaColumn, SchemaIndex, SchemaTable, SchemaUnique};
use crate::ops::{reflect_table, Constraint, IndexElement, SqliteTableData};
use crate::runtime::{Database, DbError, SqlValue};

fn query(
    database: &mut dyn Database,
    sql: &str,
    params: &[SqlValue],
) -> Result<Vec<Vec<SqlValue>>, DbError> {
    database.query(sql, params).map(|(_, rows)| rows)
}

fn text(value: Option<&SqlValue>) -> Option<String> {
    match value {
        Some(SqlValue::Text(text)) => Some(text.clone()),
        Some(SqlValue::Integer(i)) => Some(i.to_string()),
        Some(SqlValue::Real(f)) => Some(f.to_string()),
        _ => None,
    }
}

/// Every table of the database (but the version table), sorted by name, as reflected.
pub fn reflect_database(
    database: &mut dyn Database,
    version_table: &str,
) -> Result<Vec<SchemaTable>, DbError> {
    let names: Vec<String> = query(
        database,
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name",
        &[],
    )?
    .iter()
    .filter_map(|row| text(row.first()))
    .filter(|name| name != version_table)
    .collect();
    let mut tables = Vec::new();
    for name in names {
        match crate::runtime::reflect::fetch_table(database, &name) {
            Ok(Some(data)) => tables.push(to_schema_table(&data)),
            Ok(None) => {}
            Err(crate::runtime::RuntimeError::Database { error, .. }) => return Err(error),
            Err(other) => {
                return Err(DbError {
                    kind: crate::runtime::DbErrorKind::Other,
                    message: other.to_string(),
                })
            }
        }
    }
    Ok(tables)
}

/// The reflected table in autogenerate's terms.
pub fn to_schema_table(data: &SqliteTableData) -> SchemaTable {
    let reflected = reflect_table(data).table;
    let mut table = SchemaTable {
        name: reflected.name.clone(),
        ..SchemaTable::default()
    };
    for column in &reflected.columns {
        let mut schema_column = SchemaColumn::new(&column.name, column.type_.clone());
        schema_column.nullable = column.nullable.unwrap_or(true);
        schema_column.primary_key = column.primary_key;
        schema_column.server_default = column.server_default.clone();
        table.columns.push(schema_column);
    }
    for constraint in &reflected.constraints {
        match constraint {
            Constraint::PrimaryKey(pk) => {
                table.primary_key = pk.columns.clone();
                table.primary_key_name = pk.name.as_deref().map(Name::conv);
            }
            Constraint::ForeignKey(fk) => {
                table.add_foreign_key(fk, fk.name.as_deref().map(Name::conv))
            }
            Constraint::Unique(unique) => table.uniques.push(SchemaUnique {
                #[cfg(feature = "postgresql")]
                pg: Default::default(),
                name: unique.name.as_deref().map(Name::conv),
                columns: unique.columns.clone(),
            }),
            Constraint::Check(check) => table.checks.push(SchemaCheck {
                name: check.name.as_deref().map(Name::conv),
                sqltext: check.sqltext.clone(),
            }),
        }
    }
    for index in &reflected.indexes {
        let Some(name) = &index.name else { continue };
        let unique = data
            .indexes
            .iter()
            .find(|row| row.name == *name)
            .map(|row| i64::from(row.unique))
            .unwrap_or(i64::from(index.unique));
        table.indexes.push(SchemaIndex {
            #[cfg(feature = "postgresql")]
            pg: Default::default(),
            name: Name::conv(name),
            columns: index
                .elements
                .iter()
                .filter_map(|element| match element {
                    IndexElement::Column(column) => Some(column.clone()),
                    IndexElement::Expression(_) => None,
                })
                .collect(),
            unique: IndexUnique::Int(unique),
            sqlite_where: index.sqlite_where.clone(),
        });
    }
    table
}
