//! The live PostgreSQL database as autogenerate's inspector sees it: SQLAlchemy 2.1's
//! PostgreSQL reflection (tables of the current schema, their columns with
//! `format_type()`'s types, defaults, comments and identities, primary, unique, foreign key
//! and check constraints, and the indexes that back no constraint), read from `pg_catalog`,
//! plus Alembic's additions: `PostgresqlImpl.autogen_column_reflect` (a SERIAL column's
//! `nextval(...)` default is dropped, and logged) and every reflected constraint and index
//! name wrapped in `conv()`.
//!
//! What is not reflected yet: other schemas, domains, range and other types SQLAlchemy maps
//! but the playground has no class for (they come back as `NullType`, without SQLAlchemy's
//! "Did not recognize type" warning), index column sorting (`DESC`, `NULLS FIRST`) and
//! `NOT VALID` checks.

use super::{
    IndexPart, IndexUnique, Name, PgExtras, SchemaCheck, SchemaColumn, SchemaForeignKey,
    SchemaIndex, SchemaTable, SchemaUnique,
};
use crate::ops::postgresql::Identity;
use crate::ops::regex::Regex;
use crate::ops::sqltext::{py_repr_str, sql_string};
use crate::ops::{Literal, ServerDefault, SqlType, TypeClass};
use crate::runtime::{Database, DbError, SqlValue};

fn query(database: &mut dyn Database, sql: &str) -> Result<Vec<Vec<SqlValue>>, DbError> {
    database.query(sql, &[]).map(|(_, rows)| rows)
}

fn text(row: &[SqlValue], index: usize) -> Option<String> {
    match row.get(index) {
        Some(SqlValue::Text(text)) => Some(text.clone()),
        Some(SqlValue::Integer(i)) => Some(i.to_string()),
        Some(SqlValue::Bool(b)) => Some(if *b { "t" } else { "f" }.to_string()),
        _ => None,
    }
}

/// The rows grouped by their first column (a constraint's or an index's name), in order.
fn by_name(rows: &[Vec<SqlValue>]) -> Vec<(String, &[Vec<SqlValue>])> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let name = text(&rows[start], 0).unwrap_or_default();
        let mut end = start + 1;
        while end < rows.len() && text(&rows[end], 0).as_deref() == Some(name.as_str()) {
            end += 1;
        }
        groups.push((name, &rows[start..end]));
        start = end;
    }
    groups
}

/// A Python list of strings: `['a', 'b']`.
fn python_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| py_repr_str(item)).collect();
    format!("[{}]", items.join(", "))
}

fn int(row: &[SqlValue], index: usize) -> i64 {
    match row.get(index) {
        Some(SqlValue::Integer(i)) => *i,
        Some(SqlValue::Text(text)) => text.parse().unwrap_or(0),
        _ => 0,
    }
}

fn boolean(row: &[SqlValue], index: usize) -> bool {
    match row.get(index) {
        Some(SqlValue::Bool(b)) => *b,
        Some(SqlValue::Text(text)) => text == "t" || text == "true",
        _ => false,
    }
}

/// The enum types the search path sees: `format_type()`'s name → (name, labels).
struct Enums(Vec<(String, String, Vec<String>)>);

impl Enums {
    fn load(database: &mut dyn Database) -> Result<Enums, DbError> {
        let rows = query(
            database,
            "SELECT pg_catalog.format_type(t.oid, NULL), t.typname, e.enumlabel \
             FROM pg_catalog.pg_type t JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid \
             WHERE pg_catalog.pg_type_is_visible(t.oid) ORDER BY t.oid, e.enumsortorder",
        )?;
        let mut enums: Vec<(String, String, Vec<String>)> = Vec::new();
        for row in rows {
            let (Some(formatted), Some(name), Some(label)) =
                (text(&row, 0), text(&row, 1), text(&row, 2))
            else {
                continue;
            };
            match enums.last_mut() {
                Some(last) if last.0 == formatted => last.2.push(label),
                _ => enums.push((formatted, name, vec![label])),
            }
        }
        Ok(Enums(enums))
    }

    fn find(&self, formatted: &str) -> Option<(&str, &[String])> {
        self.0
            .iter()
            .find(|(f, _, _)| f == formatted)
            .map(|(_, name, labels)| (name.as_str(), labels.as_slice()))
    }
}

/// SQLAlchemy's `PGDialect._reflect_type`: the class and arguments for what
/// `format_type()` printed.
fn reflected_type(formatted: &str, enums: &Enums) -> SqlType {
    let dimensions = formatted.matches("[]").count();
    let base = formatted.replace("[]", "");
    // `re.sub(r"\(.*\)", "", format_type)`
    let attype = match (base.find('('), base.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            format!("{}{}", &base[..open], &base[close + 1..])
        }
        _ => base.clone(),
    };
    let charlen = match (base.find('('), base.find(')')) {
        (Some(open), Some(close)) if close > open => Some(base[open + 1..close].to_string()),
        _ => None,
    };
    let number = |text: &str| text.trim().parse::<i64>().ok();
    let length = || charlen.as_deref().and_then(number);
    use TypeClass::*;
    let with_length = |class: TypeClass| match length() {
        Some(n) => SqlType::new(class).with("length", Literal::Int(n)),
        None => SqlType::new(class),
    };
    let zoned = |class: TypeClass, timezone: bool| {
        let mut type_ = SqlType::new(class).with("timezone", Literal::Bool(timezone));
        if let Some(precision) = length() {
            type_ = type_.with("precision", Literal::Int(precision));
        }
        type_
    };
    let item = match attype.as_str() {
        "integer" => SqlType::new(INTEGER),
        "bigint" => SqlType::new(BIGINT),
        "smallint" => SqlType::new(SMALLINT),
        "character varying" => with_length(VARCHAR),
        "character" => with_length(CHAR),
        "text" => SqlType::new(TEXT),
        "boolean" => SqlType::new(BOOLEAN),
        "numeric" => {
            let parts: Vec<i64> = charlen
                .as_deref()
                .map(|c| c.split(',').filter_map(number).collect())
                .unwrap_or_default();
            match parts.as_slice() {
                [precision, scale] => SqlType::new(NUMERIC)
                    .with("precision", Literal::Int(*precision))
                    .with("scale", Literal::Int(*scale)),
                _ => SqlType::new(NUMERIC),
            }
        }
        "double precision" => SqlType::new(DOUBLE_PRECISION).with("precision", Literal::Int(53)),
        "real" => SqlType::new(REAL),
        "date" => SqlType::new(DATE),
        "timestamp with time zone" => zoned(PgTIMESTAMP, true),
        "timestamp without time zone" | "timestamp" => zoned(PgTIMESTAMP, false),
        "time with time zone" => zoned(PgTIME, true),
        "time without time zone" | "time" => zoned(PgTIME, false),
        "bytea" => SqlType::new(BYTEA),
        "json" => SqlType::new(PgJSON),
        "jsonb" => SqlType::new(JSONB),
        "uuid" => SqlType::new(UUID),
        "inet" => SqlType::new(INET),
        "cidr" => SqlType::new(CIDR),
        "macaddr" => SqlType::new(MACADDR),
        "money" => SqlType::new(MONEY),
        "tsvector" => SqlType::new(TSVECTOR),
        "hstore" => SqlType::new(HSTORE),
        interval if interval.starts_with("interval") => {
            let mut type_ = SqlType::new(PgINTERVAL);
            if let Some(precision) = length() {
                type_ = type_.with("precision", Literal::Int(precision));
            }
            if let Some(fields) = interval.strip_prefix("interval ") {
                type_ = type_.with("fields", Literal::Str(fields.trim().to_string()));
            }
            type_
        }
        other => match enums.find(other) {
            Some((name, labels)) => {
                let mut type_ = SqlType::new(ENUM).with("name", Literal::Str(name.to_string()));
                type_.enum_values = labels.to_vec();
                type_
            }
            None => SqlType::new(NullType),
        },
    };
    if dimensions == 0 || item.class == NullType {
        return item;
    }
    crate::ops::postgresql::array(item, (dimensions > 1).then_some(dimensions as i64))
}

/// `PostgresqlImpl.autogen_column_reflect`'s test: the column's default is `nextval()` of a
/// sequence this very column owns (a SERIAL), so Alembic drops it and logs.
fn serial_sequence(
    database: &mut dyn Database,
    default: &str,
    column: &str,
) -> Result<Option<String>, DbError> {
    let Some(rest) = default.strip_prefix("nextval('") else {
        return Ok(None);
    };
    let Some((sequence, _)) = rest.split_once("'::regclass)") else {
        return Ok(None);
    };
    let rows = query(
        database,
        &format!(
            "select c.relname, a.attname from pg_class as c join pg_depend d on d.objid=c.oid and d.classid='pg_class'::regclass and d.refclassid='pg_class'::regclass join pg_class t on t.oid=d.refobjid join pg_attribute a on a.attrelid=t.oid and a.attnum=d.refobjsubid where c.relkind='S' and c.oid=cast({} as regclass)",
            sql_string(sequence)
        ),
    )?;
    Ok(rows.first().and_then(|row| {
        let owner = text(row, 1)?;
        (owner == column).then(|| text(row, 0)).flatten()
    }))
}

/// `check`'s text from `pg_get_constraintdef`: `CHECK ((a > 0))` → `a > 0`.
fn check_text(definition: &str) -> Option<String> {
    let pattern = Regex::new(r"^CHECK *\((.+)\)( NO INHERIT)?( NOT VALID)?$", false, true)?;
    let inner = pattern.match_start(definition)?.get(1)?;
    let outer = Regex::new(r"^[\s\n]*\((.+)\)[\s\n]*$", false, true)?;
    Some(match outer.match_start(&inner).and_then(|m| m.get(1)) {
        Some(stripped) => stripped,
        None => inner,
    })
}

/// A foreign key action letter of `pg_constraint` as SQLAlchemy reports it.
fn action(letter: Option<String>) -> Option<String> {
    Some(
        match letter.as_deref()? {
            "r" => "RESTRICT",
            "c" => "CASCADE",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            _ => return None,
        }
        .to_string(),
    )
}

/// The tables of the current schema, (oid, name, comment), in creation order (how
/// `pg_class` usually lists them; SQLAlchemy's query has no `ORDER BY`).
fn tables(database: &mut dyn Database) -> Result<Vec<(i64, String, Option<String>)>, DbError> {
    Ok(query(
        database,
        "SELECT c.oid, c.relname, pg_catalog.obj_description(c.oid, 'pg_class') \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.oid",
    )?
    .into_iter()
    .filter_map(|row| Some((int(&row, 0), text(&row, 1)?, text(&row, 2))))
    .collect())
}

/// `Inspector.get_table_names()`: every table of the current schema.
pub fn table_names(database: &mut dyn Database) -> Result<Vec<String>, DbError> {
    Ok(tables(database)?
        .into_iter()
        .map(|(_, name, _)| name)
        .collect())
}

/// What reflecting needs once per inspection: the server's version and its enum types.
struct Catalog {
    version: i64,
    enums: Enums,
}

impl Catalog {
    fn load(database: &mut dyn Database) -> Result<Catalog, DbError> {
        let version = query(
            database,
            "SELECT current_setting('server_version_num')::int",
        )?
        .first()
        .map(|row| int(row, 0))
        .unwrap_or(0);
        Ok(Catalog {
            version,
            enums: Enums::load(database)?,
        })
    }

    /// One table; `autogenerate`: with Alembic's `autogen_column_reflect` (a SERIAL's
    /// default dropped and logged), as autogenerate reflects.
    fn table(
        &self,
        database: &mut dyn Database,
        (oid, name, comment): (i64, String, Option<String>),
        autogenerate: bool,
    ) -> Result<SchemaTable, DbError> {
        let mut table = SchemaTable {
            name,
            comment,
            ..SchemaTable::default()
        };
        reflect_columns(database, &mut table, oid, &self.enums, autogenerate)?;
        reflect_constraints(database, &mut table, oid, self.version)?;
        reflect_indexes(database, &mut table, oid, self.version, autogenerate)?;
        Ok(table)
    }
}

/// Every table of the current schema (but the version table), by name, as autogenerate
/// reflects them.
pub fn reflect_postgresql(
    database: &mut dyn Database,
    version_table: &str,
) -> Result<Vec<SchemaTable>, DbError> {
    let catalog = Catalog::load(database)?;
    let mut out = Vec::new();
    let mut entries = tables(database)?;
    crate::sort::sort_by(&mut entries, |a, b| a.1.cmp(&b.1));
    for entry in entries {
        if entry.1 != version_table {
            out.push(catalog.table(database, entry, true)?);
        }
    }
    Ok(out)
}

/// One table as SQLAlchemy's reflection gives it to a revision (`autoload_with=`,
/// `MetaData.reflect()`, the inspector); `None` when the current schema has no such table.
pub fn reflect_table(
    database: &mut dyn Database,
    name: &str,
) -> Result<Option<SchemaTable>, DbError> {
    let Some(entry) = tables(database)?.into_iter().find(|(_, n, _)| n == name) else {
        return Ok(None);
    };
    let catalog = Catalog::load(database)?;
    catalog.table(database, entry, false).map(Some)
}

/// The reflected table as the operations' `Table` (what a revision's reflected `Table`
/// holds).
pub fn to_ops_table(table: &SchemaTable) -> crate::ops::Table {
    use crate::ops::{
        CheckConstraint, Column, Constraint, ForeignKeyConstraint, Index, IndexElement,
        PrimaryKeyConstraint, UniqueConstraint,
    };
    let columns = table
        .columns
        .iter()
        .map(|column| {
            let mut out = Column::new(&column.name, column.type_.clone());
            out.nullable = Some(column.nullable);
            out.primary_key = table.primary_key.contains(&column.name);
            out.server_default = column.server_default.clone();
            out.comment = column.comment.clone();
            out.identity = column.identity.as_deref().cloned();
            out.autoincrement = column.autoincrement;
            out
        })
        .collect();
    let mut constraints = Vec::new();
    if !table.primary_key.is_empty() {
        constraints.push(Constraint::PrimaryKey(PrimaryKeyConstraint {
            name: table.primary_key_name.as_ref().map(|n| n.text.clone()),
            columns: table.primary_key.clone(),
        }));
    }
    for key in &table.foreign_keys {
        constraints.push(Constraint::ForeignKey(ForeignKeyConstraint {
            name: key.name.as_ref().map(|n| n.text.clone()),
            columns: key.columns.clone(),
            referent_table: key.referent_table.clone(),
            referent_columns: key.referent_columns.clone(),
            ondelete: key.ondelete.clone(),
            onupdate: key.onupdate.clone(),
            deferrable: key.deferrable,
            initially: key.initially.clone(),
            match_: key.match_.clone(),
        }));
    }
    for unique in &table.uniques {
        constraints.push(Constraint::Unique(UniqueConstraint {
            name: unique.name.as_ref().map(|n| n.text.clone()),
            columns: unique.columns.clone(),
        }));
    }
    for check in &table.checks {
        constraints.push(Constraint::Check(CheckConstraint {
            name: check.name.as_ref().map(|n| n.text.clone()),
            sqltext: check.sqltext.clone(),
        }));
    }
    let indexes = table
        .indexes
        .iter()
        .filter(|index| !index.pg.duplicates_constraint)
        .map(|index| {
            let elements = index
                .parts()
                .into_iter()
                .map(|part| match part {
                    IndexPart::Column(column) => IndexElement::Column(column.to_string()),
                    IndexPart::Expression(expression) => {
                        IndexElement::Expression(expression.to_string())
                    }
                })
                .collect();
            Index {
                name: Some(index.name.text.clone()),
                table: Some(table.name.clone()),
                elements,
                unique: index.unique.is_unique(),
                sqlite_where: None,
            }
        })
        .collect();
    crate::ops::Table {
        name: table.name.clone(),
        columns,
        constraints,
        indexes,
        comment: table.comment.clone(),
        sqlite_autoincrement: false,
    }
}

fn reflect_columns(
    database: &mut dyn Database,
    table: &mut SchemaTable,
    oid: i64,
    enums: &Enums,
    autogenerate: bool,
) -> Result<(), DbError> {
    let rows = query(
        database,
        &format!(
            "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, \
             pg_catalog.pg_get_expr(d.adbin, d.adrelid), pg_catalog.col_description(a.attrelid, a.attnum), \
             a.attidentity, \
             (SELECT s.seqstart || ',' || s.seqincrement || ',' || s.seqmin || ',' || s.seqmax || ',' || s.seqcache || ',' || s.seqcycle \
              FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid \
              WHERE dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' LIMIT 1) \
             FROM pg_catalog.pg_attribute a \
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef \
             WHERE a.attrelid = {oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
        ),
    )?;
    for row in rows {
        let Some(name) = text(&row, 0) else { continue };
        let type_ = reflected_type(&text(&row, 1).unwrap_or_default(), enums);
        let mut column = SchemaColumn::new(&name, type_);
        column.nullable = !boolean(&row, 2);
        let mut default = text(&row, 3);
        column.comment = text(&row, 4);
        let identity = text(&row, 5).filter(|kind| kind == "a" || kind == "d");
        let mut autoincrement = false;
        if let Some(text) = &default {
            if text.contains("nextval('")
                && column.type_.class.affinity() == crate::ops::types::Affinity::Integer
            {
                autoincrement = true;
            }
        }
        if let Some(kind) = identity {
            let options: Vec<String> = text(&row, 6)
                .unwrap_or_default()
                .split(',')
                .map(str::to_string)
                .collect();
            let number = |index: usize| options.get(index).and_then(|v| v.parse::<i64>().ok());
            column.identity = Some(Box::new(Identity {
                always: kind == "a",
                start: number(0),
                increment: number(1),
                minvalue: number(2),
                maxvalue: number(3),
                cache: number(4),
                cycle: options.get(5).map(|v| v == "true" || v == "t"),
                ..Identity::default()
            }));
            autoincrement = true;
        }
        if let Some(text) = default.clone().filter(|_| autogenerate) {
            if matches!(column.type_.class, TypeClass::INTEGER | TypeClass::BIGINT) {
                if let Some(sequence) = serial_sequence(database, &text, &name)? {
                    table.reflection_log.push(format!(
                        "Detected sequence named {} as owned by integer column '{}({name})', assuming SERIAL and omitting",
                        py_repr_str(&sequence),
                        table.name
                    ));
                    default = None;
                }
            }
        }
        column.server_default = default.map(ServerDefault::Text);
        column.autoincrement = Some(autoincrement);
        table.columns.push(column);
    }
    Ok(())
}

fn reflect_constraints(
    database: &mut dyn Database,
    table: &mut SchemaTable,
    oid: i64,
    version: i64,
) -> Result<(), DbError> {
    let nulls = if version >= 150000 {
        "i.indnullsnotdistinct"
    } else {
        "NULL"
    };
    let rows = query(
        database,
        &format!(
            "SELECT con.conname, con.contype, a.attname, fa.attname, fc.relname, \
             con.confupdtype, con.confdeltype, con.condeferrable, con.condeferred, con.confmatchtype, \
             pg_catalog.pg_get_constraintdef(con.oid, true), {nulls}, \
             (SELECT string_agg(ia.attname, ',' ORDER BY ik.n) FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS ik(attnum, n) \
              JOIN pg_catalog.pg_attribute ia ON ia.attrelid = i.indrelid AND ia.attnum = ik.attnum WHERE ik.n > i.indnkeyatts) \
             FROM pg_catalog.pg_constraint con \
             LEFT JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord) ON true \
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
             LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.refnum \
             LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid \
             LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid \
             WHERE con.conrelid = {oid} AND con.contype IN ('p', 'u', 'f', 'c') \
             ORDER BY con.conname, k.ord"
        ),
    )?;
    for (name, group) in by_name(&rows) {
        let first = &group[0];
        let columns: Vec<String> = group.iter().filter_map(|row| text(row, 2)).collect();
        let name = Some(Name::conv(&name));
        match text(first, 1).as_deref() {
            Some("p") => {
                table.primary_key = columns.clone();
                table.primary_key_name = name;
                for column in table.columns.iter_mut() {
                    if columns.contains(&column.name) {
                        column.primary_key = true;
                    }
                }
            }
            Some("u") => {
                let include: Vec<String> = text(first, 12)
                    .map(|list| list.split(',').map(str::to_string).collect())
                    .unwrap_or_default();
                let mut options = vec![("postgresql_include".to_string(), python_list(&include))];
                if version >= 150000 {
                    options.push((
                        "postgresql_nulls_not_distinct".to_string(),
                        if boolean(first, 11) { "True" } else { "False" }.to_string(),
                    ));
                }
                table.uniques.push(SchemaUnique {
                    name,
                    columns,
                    pg: PgExtras {
                        options,
                        ..PgExtras::default()
                    },
                });
            }
            Some("f") => {
                let referent_columns: Vec<String> =
                    group.iter().filter_map(|row| text(row, 3)).collect();
                let referent_table = text(first, 4).unwrap_or_default();
                for (column, referred) in columns.iter().zip(&referent_columns) {
                    if let Some(c) = table.columns.iter_mut().find(|c| c.name == *column) {
                        c.foreign_keys.push(format!("{referent_table}.{referred}"));
                    }
                }
                table.foreign_keys.push(SchemaForeignKey {
                    name,
                    columns,
                    referent_table,
                    referent_columns,
                    onupdate: action(text(first, 5)),
                    ondelete: action(text(first, 6)),
                    deferrable: boolean(first, 7).then_some(true),
                    initially: boolean(first, 8).then(|| "DEFERRED".to_string()),
                    match_: (text(first, 9).as_deref() == Some("f")).then(|| "FULL".to_string()),
                });
            }
            Some("c") => {
                if let Some(sqltext) = text(first, 10).as_deref().and_then(check_text) {
                    table.checks.push(SchemaCheck { name, sqltext });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The table's indexes but its primary key's. An index behind a unique (or exclusion)
/// constraint is SQLAlchemy's `duplicates_constraint`: the inspector lists it, autogenerate
/// (`correct_for_autogen_constraints`) and a reflected `Table` leave it out.
fn reflect_indexes(
    database: &mut dyn Database,
    table: &mut SchemaTable,
    oid: i64,
    version: i64,
    autogenerate: bool,
) -> Result<(), DbError> {
    let nulls = if version >= 150000 {
        "i.indnullsnotdistinct"
    } else {
        "false"
    };
    let inspector = !autogenerate;
    let rows = query(
        database,
        &format!(
            "SELECT ic.relname, i.indisunique, i.indnkeyatts, am.amname, \
             pg_catalog.pg_get_expr(i.indpred, i.indrelid), k.n, a.attname, \
             pg_catalog.pg_get_indexdef(i.indexrelid, k.n::int, true), {nulls}, \
             EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) \
             FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_catalog.pg_am am ON am.oid = ic.relam \
             CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum <> 0 \
             WHERE i.indrelid = {oid} AND NOT i.indisprimary \
             AND ({inspector} OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))) \
             ORDER BY ic.relname, k.n"
        ),
    )?;
    for (name, group) in by_name(&rows) {
        let first = &group[0];
        let key_count = int(first, 2);
        let mut columns = Vec::new();
        let mut extras = PgExtras::default();
        let mut include = Vec::new();
        for (position, row) in group.iter().enumerate() {
            let element = text(row, 6).or_else(|| text(row, 7)).unwrap_or_default();
            if int(row, 5) > key_count {
                include.push(element);
            } else if text(row, 6).is_some() {
                columns.push(element);
            } else {
                extras.expressions.push((position, element));
            }
        }
        if !include.is_empty() {
            extras
                .options
                .push(("postgresql_include".to_string(), python_list(&include)));
        }
        if boolean(first, 8) {
            extras.options.push((
                "postgresql_nulls_not_distinct".to_string(),
                "True".to_string(),
            ));
        }
        if let Some(method) = text(first, 3).filter(|m| m != "btree") {
            extras
                .options
                .push(("postgresql_using".to_string(), py_repr_str(&method)));
        }
        if let Some(predicate) = text(first, 4) {
            extras
                .options
                .push(("postgresql_where".to_string(), py_repr_str(&predicate)));
        }
        crate::sort::sort_by(&mut extras.options, |a, b| a.0.cmp(&b.0));
        extras.duplicates_constraint = boolean(first, 9);
        table.indexes.push(SchemaIndex {
            name: Name::conv(&name),
            columns,
            unique: IndexUnique::Bool(boolean(first, 1)),
            sqlite_where: None,
            pg: extras,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_type_texts_become_the_classes_sqlalchemy_reflects() {
        let enums = Enums(vec![(
            "kind".to_string(),
            "kind".to_string(),
            vec!["a".to_string(), "b".to_string()],
        )]);
        let repr = |text: &str| reflected_type(text, &enums).python_repr();
        assert_eq!(repr("character varying(30)"), "sa.VARCHAR(length=30)");
        assert_eq!(repr("character varying"), "sa.VARCHAR()");
        assert_eq!(repr("numeric(8,3)"), "sa.NUMERIC(precision=8, scale=3)");
        assert_eq!(
            repr("double precision"),
            "sa.DOUBLE_PRECISION(precision=53)"
        );
        assert_eq!(
            repr("timestamp with time zone"),
            "postgresql.TIMESTAMP(timezone=True)"
        );
        assert_eq!(
            repr("timestamp(3) without time zone"),
            "postgresql.TIMESTAMP(precision=3)"
        );
        assert_eq!(repr("jsonb"), "postgresql.JSONB(astext_type=sa.Text())");
        assert_eq!(repr("integer[]"), "postgresql.ARRAY(sa.INTEGER())");
        assert_eq!(repr("kind"), "postgresql.ENUM('a', 'b', name='kind')");
        assert_eq!(repr("interval day"), "postgresql.INTERVAL(fields='day')");
        assert_eq!(repr("geometry"), "sa.NullType()");
        assert_eq!(
            reflected_type("jsonb", &enums).plain_repr(),
            "JSONB(astext_type=Text())"
        );
    }

    #[test]
    fn check_definitions_lose_their_check_and_outer_parentheses() {
        assert_eq!(check_text("CHECK ((sm > 0))").as_deref(), Some("sm > 0"));
        assert_eq!(
            check_text("CHECK (((a > 1) AND (a < 5)))").as_deref(),
            Some("(a > 1) AND (a < 5)")
        );
        assert_eq!(
            check_text("CHECK (a > 0) NOT VALID").as_deref(),
            Some("a > 0")
        );
    }
}
