//! The live database as autogenerate's inspector sees it: SQLAlchemy's SQLite reflection
//! (`ops::reflect_table` over the PRAGMA rows) plus Alembic's additions — SQL-expression
//! defaults parenthesised (`autogen_column_reflect`) and every reflected constraint and index
//! name wrapped in `conv()` (1.20's `_InspectorConv`), so it renders as `op.f(...)`.
//!
//! Skips `sqlite_*` tables (as `get_table_names` does) and the version table.

use super::{
    IndexUnique, Name, SchemaCheck, SchemaColumn, SchemaForeignKey, SchemaIndex, SchemaTable,
    SchemaUnique,
};
use crate::ops::{
    reflect_table, Constraint, IndexElement, PragmaColumn, PragmaForeignKey, PragmaIndex,
    SqliteTableData,
};
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

fn int(value: Option<&SqlValue>) -> i64 {
    match value {
        Some(SqlValue::Integer(i)) => *i,
        _ => 0,
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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
        let data = fetch_table(database, &name)?;
        tables.push(to_schema_table(&data));
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
                for (column, referred) in fk.columns.iter().zip(&fk.referent_columns) {
                    if let Some(c) = table.columns.iter_mut().find(|c| c.name == *column) {
                        c.foreign_keys
                            .push(format!("{}.{referred}", fk.referent_table));
                    }
                }
                table.foreign_keys.push(SchemaForeignKey {
                    name: fk.name.as_deref().map(Name::conv),
                    columns: fk.columns.clone(),
                    referent_table: fk.referent_table.clone(),
                    referent_columns: fk.referent_columns.clone(),
                    onupdate: fk.onupdate.clone(),
                    ondelete: fk.ondelete.clone(),
                    deferrable: fk.deferrable,
                    initially: fk.initially.clone(),
                    match_: fk.match_.clone(),
                });
            }
            Constraint::Unique(unique) => table.uniques.push(SchemaUnique {
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

/// The rows SQLAlchemy's SQLite reflection reads for `table`.
fn fetch_table(database: &mut dyn Database, table: &str) -> Result<SqliteTableData, DbError> {
    let name = SqlValue::Text(table.to_string());
    let master = query(
        database,
        "SELECT sql FROM (SELECT * FROM sqlite_master UNION ALL SELECT * FROM sqlite_temp_master) WHERE name = ? AND type in ('table', 'view')",
        std::slice::from_ref(&name),
    )?;
    let sql = master.first().and_then(|row| text(row.first()));
    let columns = query(
        database,
        &format!("PRAGMA main.table_xinfo({})", quoted(table)),
        &[],
    )?
    .iter()
    .map(|row| PragmaColumn {
        cid: int(row.first()),
        name: text(row.get(1)).unwrap_or_default(),
        type_: text(row.get(2)).unwrap_or_default(),
        notnull: int(row.get(3)) != 0,
        dflt_value: text(row.get(4)),
        pk: int(row.get(5)),
        hidden: int(row.get(6)),
    })
    .collect();
    let foreign_keys: Vec<PragmaForeignKey> = query(
        database,
        &format!("PRAGMA main.foreign_key_list({})", quoted(table)),
        &[],
    )?
    .iter()
    .map(|row| PragmaForeignKey {
        id: int(row.first()),
        seq: int(row.get(1)),
        table: text(row.get(2)).unwrap_or_default(),
        from: text(row.get(3)).unwrap_or_default(),
        to: text(row.get(4)),
        on_update: text(row.get(5)).unwrap_or_default(),
        on_delete: text(row.get(6)).unwrap_or_default(),
        match_: text(row.get(7)).unwrap_or_default(),
    })
    .collect();
    let mut indexes = Vec::new();
    for row in query(
        database,
        &format!("PRAGMA main.index_list({})", quoted(table)),
        &[],
    )? {
        let index_name = text(row.get(1)).unwrap_or_default();
        let columns = query(
            database,
            &format!("PRAGMA main.index_info({})", quoted(&index_name)),
            &[],
        )?
        .iter()
        .map(|info| text(info.get(2)))
        .collect();
        let index_sql = query(
            database,
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
            &[SqlValue::Text(index_name.clone())],
        )?
        .first()
        .and_then(|r| text(r.first()));
        indexes.push(PragmaIndex {
            name: index_name,
            unique: int(row.get(2)) != 0,
            origin: text(row.get(3)).unwrap_or_default(),
            partial: int(row.get(4)) != 0,
            columns,
            sql: index_sql,
        });
    }
    let mut referred_primary_keys = Vec::new();
    for fk in foreign_keys.iter().filter(|fk| fk.to.is_none()) {
        if referred_primary_keys
            .iter()
            .any(|(t, _): &(String, Vec<String>)| *t == fk.table)
        {
            continue;
        }
        let mut pk: Vec<(i64, String)> = query(
            database,
            &format!("PRAGMA main.table_info({})", quoted(&fk.table)),
            &[],
        )?
        .iter()
        .filter(|r| int(r.get(5)) > 0)
        .map(|r| (int(r.get(5)), text(r.get(1)).unwrap_or_default()))
        .collect();
        pk.sort();
        referred_primary_keys.push((fk.table.clone(), pk.into_iter().map(|p| p.1).collect()));
    }
    Ok(SqliteTableData {
        name: table.to_string(),
        sql,
        columns,
        foreign_keys,
        indexes,
        referred_primary_keys,
    })
}
