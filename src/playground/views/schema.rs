//! The database's schema as the page shows it: tables, columns (type, nullable, default,
//! primary key), indexes, unique constraints and foreign keys, read with the same PRAGMAs
//! SQLAlchemy's reflection uses; the differences between two schemas; and an ER diagram
//! laid out for drawing.
//!
//! Owns: reading, comparing, laying out. Does not: run migrations (the session replays them
//! into a scratch database for "the schema at a revision").

use crate::runtime::{Database, DbError, RuntimeError, SqlValue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub type_: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub primary_key: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// Made by `CREATE INDEX` (else a UNIQUE or PRIMARY KEY constraint's own index).
    pub explicit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub referred_table: String,
    pub referred_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
}

/// Every table of a database (SQLite's own excluded), by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: Vec<Table>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| table.name == name)
    }

    /// The same schema without the version table (what comparisons between revisions show).
    pub fn without_version_table(mut self, version_table: &str) -> Schema {
        self.tables.retain(|table| table.name != version_table);
        self
    }
}

/// Why a live database's schema could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaError {
    /// Listing the tables failed.
    Database(DbError),
    /// Reflecting a table failed.
    Reflection(RuntimeError),
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::Database(error) => std::fmt::Display::fmt(error, formatter),
            SchemaError::Reflection(error) => std::fmt::Display::fmt(error, formatter),
        }
    }
}

impl From<DbError> for SchemaError {
    fn from(error: DbError) -> Self {
        SchemaError::Database(error)
    }
}

/// Reads the schema of a live database.
pub fn read(database: &mut dyn Database) -> Result<Schema, SchemaError> {
    let (_, rows) = database
        .query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            &[],
        )?;
    let mut tables = Vec::new();
    for row in rows {
        let Some(SqlValue::Text(name)) = row.into_iter().next() else {
            continue;
        };
        let Some(data) = crate::runtime::reflect::fetch_table(database, &name)
            .map_err(SchemaError::Reflection)?
        else {
            continue;
        };
        let columns = data
            .columns
            .iter()
            .filter(|column| column.hidden == 0)
            .map(|column| Column {
                name: column.name.clone(),
                type_: column.type_.clone(),
                not_null: column.notnull,
                default: column.dflt_value.clone(),
                primary_key: column.pk > 0,
            })
            .collect();
        let indexes = data
            .indexes
            .iter()
            .filter(|index| index.origin != "pk")
            .map(|index| Index {
                name: index.name.clone(),
                columns: index
                    .columns
                    .iter()
                    .map(|column| column.clone().unwrap_or_else(|| "(expression)".to_string()))
                    .collect(),
                unique: index.unique,
                explicit: index.origin == "c",
            })
            .collect();
        // PRAGMA foreign_key_list gives one row per column pair, grouped by id.
        let mut foreign_keys: Vec<(i64, ForeignKey)> = Vec::new();
        for key in &data.foreign_keys {
            let referred = key.to.clone().unwrap_or_else(|| {
                data.referred_primary_keys
                    .iter()
                    .find(|(table, _)| *table == key.table)
                    .and_then(|(_, columns)| columns.get(key.seq as usize).cloned())
                    .unwrap_or_default()
            });
            match foreign_keys.iter_mut().find(|(id, _)| *id == key.id) {
                Some((_, existing)) => {
                    existing.columns.push(key.from.clone());
                    existing.referred_columns.push(referred);
                }
                None => foreign_keys.push((
                    key.id,
                    ForeignKey {
                        columns: vec![key.from.clone()],
                        referred_table: key.table.clone(),
                        referred_columns: vec![referred],
                    },
                )),
            }
        }
        // SQLite lists foreign keys last-declared first.
        foreign_keys.reverse();
        tables.push(Table {
            name,
            columns,
            indexes,
            foreign_keys: foreign_keys.into_iter().map(|(_, key)| key).collect(),
        });
    }
    Ok(Schema { tables })
}

/// Reads the schema of a live PostgreSQL database (its current schema, `public` unless the
/// session's `search_path` says otherwise) from `pg_catalog`, in four queries: tables, columns
/// (types as `format_type` prints them), indexes other than primary keys, foreign keys.
#[cfg(feature = "postgresql")]
pub fn read_postgresql(database: &mut dyn Database) -> Result<Schema, SchemaError> {
    const TABLES: &str = "SELECT c.oid::int8, c.relname FROM pg_catalog.pg_class c \
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname";
    const COLUMNS: &str = "SELECT a.attrelid::int8, a.attname, \
        pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, \
        pg_catalog.pg_get_expr(d.adbin, d.adrelid), \
        EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid \
            AND i.indisprimary AND a.attnum = ANY (i.indkey)) \
        FROM pg_catalog.pg_attribute a \
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
        LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
        WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() \
        AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum";
    const INDEXES: &str = "SELECT i.indrelid::int8, ic.relname, i.indisunique, \
        NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid), \
        (SELECT string_agg(COALESCE(a.attname, '(expression)'), ',' ORDER BY k.n) \
            FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
            LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) \
        FROM pg_catalog.pg_index i \
        JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
        JOIN pg_catalog.pg_class c ON c.oid = i.indrelid \
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
        WHERE n.nspname = current_schema() AND NOT i.indisprimary ORDER BY ic.relname";
    const FOREIGN_KEYS: &str = "SELECT k.conrelid::int8, \
        (SELECT string_agg(a.attname, ',' ORDER BY u.n) FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, n) \
            JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum), \
        r.relname, \
        (SELECT string_agg(a.attname, ',' ORDER BY u.n) FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, n) \
            JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum) \
        FROM pg_catalog.pg_constraint k \
        JOIN pg_catalog.pg_class r ON r.oid = k.confrelid \
        JOIN pg_catalog.pg_class c ON c.oid = k.conrelid \
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
        WHERE k.contype = 'f' AND n.nspname = current_schema() ORDER BY k.conname";
    let text = |value: Option<&SqlValue>| match value {
        Some(SqlValue::Text(text)) => Some(text.clone()),
        _ => None,
    };
    let id = |value: Option<&SqlValue>| match value {
        Some(SqlValue::Integer(id)) => *id,
        _ => -1,
    };
    let yes = |value: Option<&SqlValue>| matches!(value, Some(SqlValue::Bool(true)));
    let list = |value: Option<&SqlValue>| -> Vec<String> {
        text(value)
            .map(|joined| joined.split(',').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let mut tables: Vec<(i64, Table)> = database
        .query(TABLES, &[])?
        .1
        .iter()
        .map(|row| {
            let table = Table {
                name: text(row.get(1)).unwrap_or_default(),
                columns: Vec::new(),
                indexes: Vec::new(),
                foreign_keys: Vec::new(),
            };
            (id(row.first()), table)
        })
        .collect();
    fn table(tables: &mut [(i64, Table)], oid: i64) -> Option<&mut Table> {
        tables
            .iter_mut()
            .find(|(id, _)| *id == oid)
            .map(|(_, table)| table)
    }
    for row in database.query(COLUMNS, &[])?.1 {
        if let Some(table) = table(&mut tables, id(row.first())) {
            table.columns.push(Column {
                name: text(row.get(1)).unwrap_or_default(),
                type_: text(row.get(2)).unwrap_or_default(),
                not_null: yes(row.get(3)),
                default: text(row.get(4)),
                primary_key: yes(row.get(5)),
            });
        }
    }
    for row in database.query(INDEXES, &[])?.1 {
        if let Some(table) = table(&mut tables, id(row.first())) {
            table.indexes.push(Index {
                name: text(row.get(1)).unwrap_or_default(),
                columns: list(row.get(4)),
                unique: yes(row.get(2)),
                explicit: yes(row.get(3)),
            });
        }
    }
    for row in database.query(FOREIGN_KEYS, &[])?.1 {
        if let Some(table) = table(&mut tables, id(row.first())) {
            table.foreign_keys.push(ForeignKey {
                columns: list(row.get(1)),
                referred_table: text(row.get(2)).unwrap_or_default(),
                referred_columns: list(row.get(3)),
            });
        }
    }
    Ok(Schema {
        tables: tables.into_iter().map(|(_, table)| table).collect(),
    })
}

fn describe_column(column: &Column) -> String {
    let mut text = format!(
        "{} {}",
        column.type_,
        if column.not_null { "NOT NULL" } else { "NULL" }
    );
    if let Some(default) = &column.default {
        text.push_str(&format!(" DEFAULT {default}"));
    }
    if column.primary_key {
        text.push_str(" PRIMARY KEY");
    }
    text
}

fn describe_index(table: &str, index: &Index) -> String {
    format!(
        "{}index {} on {table} ({})",
        if index.unique { "unique " } else { "" },
        index.name,
        index.columns.join(", ")
    )
}

fn describe_key(table: &str, key: &ForeignKey) -> String {
    format!(
        "foreign key {table}({}) -> {}({})",
        key.columns.join(", "),
        key.referred_table,
        key.referred_columns.join(", ")
    )
}

/// One difference between two schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `+` added, `-` removed, `~` changed.
    pub sign: char,
    pub text: String,
}

/// What changed from `old` to `new`, table by table.
pub fn diff(old: &Schema, new: &Schema) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |sign: char, text: String| changes.push(Change { sign, text });
    for table in &old.tables {
        if new.table(&table.name).is_none() {
            push('-', format!("table {}", table.name));
        }
    }
    for table in &new.tables {
        let Some(before) = old.table(&table.name) else {
            let columns: Vec<String> = table
                .columns
                .iter()
                .map(|column| format!("{} {}", column.name, column.type_))
                .collect();
            push(
                '+',
                format!("table {} ({})", table.name, columns.join(", ")),
            );
            continue;
        };
        for column in &before.columns {
            if !table.columns.iter().any(|now| now.name == column.name) {
                push('-', format!("column {}.{}", table.name, column.name));
            }
        }
        for column in &table.columns {
            match before.columns.iter().find(|then| then.name == column.name) {
                None => push(
                    '+',
                    format!(
                        "column {}.{} {}",
                        table.name,
                        column.name,
                        describe_column(column)
                    ),
                ),
                Some(then) if then != column => push(
                    '~',
                    format!(
                        "column {}.{}: {} -> {}",
                        table.name,
                        column.name,
                        describe_column(then),
                        describe_column(column)
                    ),
                ),
                Some(_) => {}
            }
        }
        for index in &before.indexes {
            if !table.indexes.contains(index) {
                push('-', describe_index(&table.name, index));
            }
        }
        for index in &table.indexes {
            if !before.indexes.contains(index) {
                push('+', describe_index(&table.name, index));
            }
        }
        for key in &before.foreign_keys {
            if !table.foreign_keys.contains(key) {
                push('-', describe_key(&table.name, key));
            }
        }
        for key in &table.foreign_keys {
            if !before.foreign_keys.contains(key) {
                push('+', describe_key(&table.name, key));
            }
        }
    }
    changes
}

/// A table's box in the ER diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagramBox {
    pub table: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// `(column name, type, primary key, foreign key)`, one per row under the header.
    pub rows: Vec<(String, String, bool, bool)>,
}

/// A foreign key as a line from the referring column's row to the referred table's box.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagramEdge {
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    pub boxes: Vec<DiagramBox>,
    pub edges: Vec<DiagramEdge>,
    pub width: f64,
    pub height: f64,
}

/// Diagram metrics (SVG user units; the page scales the picture to the panel).
pub const ROW_HEIGHT: f64 = 18.0;
pub const HEADER_HEIGHT: f64 = 24.0;
const BOX_WIDTH: f64 = 190.0;
const GAP_X: f64 = 60.0;
const GAP_Y: f64 = 28.0;

/// Lays the tables out in columns by foreign-key depth (referred tables to the left of the
/// tables that refer to them), so most lines run left to right; with room for fewer columns
/// (`max_columns`, at least one) the deeper levels share the last column.
pub fn diagram(schema: &Schema, max_columns: usize) -> Diagram {
    // Depth: 0 for tables that refer to nothing; else one more than what they refer to
    // (cycles and self-references are cut after as many rounds as there are tables).
    let count = schema.tables.len();
    let mut depth = vec![0usize; count];
    for _ in 0..count {
        let mut changed = false;
        for (index, table) in schema.tables.iter().enumerate() {
            for key in &table.foreign_keys {
                if key.referred_table == table.name {
                    continue;
                }
                if let Some(parent) = schema
                    .tables
                    .iter()
                    .position(|other| other.name == key.referred_table)
                {
                    if depth[index] < depth[parent] + 1 && depth[parent] + 1 < count.max(1) {
                        depth[index] = depth[parent] + 1;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut boxes = Vec::new();
    let mut column_bottom: Vec<f64> = Vec::new();
    // Referred tables first, so a narrow (one-column) diagram reads top to bottom.
    let mut order: Vec<usize> = (0..count).collect();
    crate::sort::sort_by_key(&mut order, |&index| depth[index]);
    let mut placed: Vec<Option<DiagramBox>> = vec![None; count];
    for index in order {
        let table = &schema.tables[index];
        let column = depth[index].min(max_columns.max(1) - 1);
        if column_bottom.len() <= column {
            column_bottom.resize(column + 1, 0.0);
        }
        let rows: Vec<(String, String, bool, bool)> = table
            .columns
            .iter()
            .map(|column| {
                let is_foreign = table
                    .foreign_keys
                    .iter()
                    .any(|key| key.columns.contains(&column.name));
                (
                    column.name.clone(),
                    column.type_.clone(),
                    column.primary_key,
                    is_foreign,
                )
            })
            .collect();
        let height = HEADER_HEIGHT + ROW_HEIGHT * rows.len().max(1) as f64;
        let y = column_bottom[column];
        column_bottom[column] = y + height + GAP_Y;
        placed[index] = Some(DiagramBox {
            table: table.name.clone(),
            x: column as f64 * (BOX_WIDTH + GAP_X),
            y,
            width: BOX_WIDTH,
            height,
            rows,
        });
    }
    boxes.extend(placed.into_iter().flatten());
    let mut edges = Vec::new();
    for (index, table) in schema.tables.iter().enumerate() {
        let child = &boxes[index];
        for key in &table.foreign_keys {
            let Some(parent) = boxes
                .iter()
                .find(|candidate| candidate.table == key.referred_table)
            else {
                continue;
            };
            let row = child
                .rows
                .iter()
                .position(|(name, ..)| key.columns.first() == Some(name))
                .unwrap_or(0);
            let row_y = child.y + HEADER_HEIGHT + ROW_HEIGHT * (row as f64 + 0.5);
            let target_row = parent
                .rows
                .iter()
                .position(|(name, ..)| key.referred_columns.first() == Some(name))
                .unwrap_or(0);
            let target_y = parent.y + HEADER_HEIGHT + ROW_HEIGHT * (target_row as f64 + 0.5);
            let (from, to) = if parent.x < child.x {
                ((child.x, row_y), (parent.x + parent.width, target_y))
            } else if parent.x > child.x {
                ((child.x + child.width, row_y), (parent.x, target_y))
            } else {
                // Same column (or a self-reference): leave and enter on the right.
                (
                    (child.x + child.width, row_y),
                    (parent.x + parent.width, target_y),
                )
            };
            edges.push(DiagramEdge {
                from,
                to,
                label: describe_key(&table.name, key),
            });
        }
    }
    let columns = column_bottom.len().max(1) as f64;
    let width = columns * BOX_WIDTH + (columns - 1.0) * GAP_X + 40.0;
    let height = column_bottom
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .max(HEADER_HEIGHT);
    Diagram {
        boxes,
        edges,
        width,
        height,
    }
}

#[cfg(test)]
mod tests;
