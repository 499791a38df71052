//! Reading a live table the way SQLAlchemy's SQLite reflection does (sqlite_master and the
//! PRAGMAs), as plain data for `ops::reflect_table`. Used by batch mode and by autogenerate.

use crate::ops::{PragmaColumn, PragmaForeignKey, PragmaIndex, SqliteTableData};
use crate::runtime::{Database, RuntimeError, SqlValue};

fn query(
    database: &mut dyn Database,
    sql: &str,
    params: &[SqlValue],
) -> Result<Vec<Vec<SqlValue>>, RuntimeError> {
    database
        .query(sql, params)
        .map(|(_, rows)| rows)
        .map_err(|error| RuntimeError::Database {
            error,
            sql: sql.to_string(),
            params: vec![params.to_vec()],
        })
}

fn text(value: Option<&SqlValue>) -> Option<String> {
    match value {
        Some(SqlValue::Text(t)) => Some(t.clone()),
        Some(SqlValue::Integer(i)) => Some(i.to_string()),
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

/// The rows SQLAlchemy's SQLite reflection reads for `table`; `None` when it does not exist.
pub fn fetch_table(
    database: &mut dyn Database,
    table: &str,
) -> Result<Option<SqliteTableData>, RuntimeError> {
    let name = SqlValue::Text(table.to_string());
    let master = query(
        database,
        "SELECT sql FROM (SELECT * FROM sqlite_master UNION ALL SELECT * FROM sqlite_temp_master) WHERE name = ? AND type in ('table', 'view')",
        std::slice::from_ref(&name),
    )?;
    let Some(row) = master.first() else {
        return Ok(None);
    };
    let sql = text(row.first());
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
        crate::sort::sort(&mut pk);
        referred_primary_keys.push((fk.table.clone(), pk.into_iter().map(|p| p.1).collect()));
    }
    Ok(Some(SqliteTableData {
        name: table.to_string(),
        sql,
        columns,
        foreign_keys,
        indexes,
        referred_primary_keys,
    }))
}
