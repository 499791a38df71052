//! SQLAlchemy 2.1.9's SQLite reflection, as used by batch mode
//! (`Table(name, MetaData(), autoload_with=conn)` plus Alembic's
//! `autogen_column_reflect` listener), as a pure function.
//!
//! The runtime fetches plain rows (`sqlite_master.sql`, `PRAGMA
//! table_xinfo`, `PRAGMA foreign_key_list`, `PRAGMA index_list` +
//! `index_info` + each index's `sql`) and this module builds the `Table`
//! SQLAlchemy would: constraint names are recovered by running the dialect's
//! own regular expressions over the `CREATE TABLE` text, so unnamed or
//! unparseable constraints stay unnamed (or get lost) exactly as upstream.
//! No database access happens here.

use super::ddl::ReflectedTable;
use super::regex::Regex;
use super::schema::{
    CheckConstraint, Column, Constraint, ForeignKeyConstraint, Index, IndexElement,
    PrimaryKeyConstraint, ServerDefault, Table, UniqueConstraint,
};
use super::types::SqlType;

/// One row of `PRAGMA table_xinfo(<t>)` (use `hidden: 0` with `table_info`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PragmaColumn {
    pub cid: i64,
    pub name: String,
    pub type_: String,
    pub notnull: bool,
    pub dflt_value: Option<String>,
    pub pk: i64,
    pub hidden: i64,
}

/// One row of `PRAGMA foreign_key_list(<t>)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PragmaForeignKey {
    pub id: i64,
    pub seq: i64,
    pub table: String,
    pub from: String,
    /// `None` when the DDL named no referred column
    pub to: Option<String>,
    pub on_update: String,
    pub on_delete: String,
    pub match_: String,
}

/// One row of `PRAGMA index_list(<t>)` with its `PRAGMA index_info` names
/// (`None` for an expression) and its `sqlite_master.sql`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PragmaIndex {
    pub name: String,
    pub unique: bool,
    pub origin: String,
    pub partial: bool,
    pub columns: Vec<Option<String>>,
    pub sql: Option<String>,
}

/// Everything reflection of one table reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SqliteTableData {
    pub name: String,
    /// `sqlite_master.sql` of the table
    pub sql: Option<String>,
    pub columns: Vec<PragmaColumn>,
    pub foreign_keys: Vec<PragmaForeignKey>,
    /// all rows of `index_list`, `sqlite_autoindex_*` included
    pub indexes: Vec<PragmaIndex>,
    /// primary keys of referred tables, needed only for foreign keys whose
    /// `to` is NULL (`REFERENCES parent` without a column list)
    pub referred_primary_keys: Vec<(String, Vec<String>)>,
}

fn re(pattern: &str, ignore_case: bool) -> Option<Regex> {
    Regex::new(pattern, ignore_case, false)
}

/// Alembic's `_guess_if_default_is_unparenthesized_sql_expr`.
fn default_needs_parens(expr: &str) -> bool {
    if expr.is_empty() {
        return false;
    }
    let matches = |p: &str| re(p, false).and_then(|r| r.match_start(expr)).is_some();
    !(matches(r"^[0-9\.]$") || matches(r"^'.+'$") || matches(r"^\(.+\)$"))
}

/// `_find_cols_in_sig`
fn find_cols_in_sig(sig: &str) -> Vec<String> {
    let Some(r) = re(r#"(?:"(.+?)")|([a-z0-9_]+)"#, true) else {
        return Vec::new();
    };
    r.find_iter(sig)
        .into_iter()
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .collect()
}

/// `util.find_matching_paren` (char index).
fn find_matching_paren(text: &[char], start: usize) -> Option<usize> {
    let mut depth = 0i64;
    let mut in_single = false;
    let mut in_double = false;
    let mut i = start;
    while let Some(&ch) = text.get(i) {
        if in_single {
            if ch == '\'' {
                if text.get(i + 1) == Some(&'\'') {
                    i += 2;
                    continue;
                }
                in_single = false;
            }
        } else if in_double {
            if ch == '"' {
                if text.get(i + 1) == Some(&'"') {
                    i += 2;
                    continue;
                }
                in_double = false;
            }
        } else if ch == '\'' {
            in_single = true;
        } else if ch == '"' {
            in_double = true;
        } else if ch == '(' {
            depth += 1;
        } else if ch == ')' {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

const FK_PATTERN: &str = concat!(
    r#"(?:CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+)?"#,
    r"FOREIGN\s+KEY\s*\(\s*(.+?)\s*\)\s+",
    r#"REFERENCES\s+(?:(?:"(.+?)")|([a-z0-9_]+))\s*\(\s*((?:"[^"]+"|[a-z0-9_]+)(?:(?:\s*,\s*|\s+)(?:"[^"]+"|[a-z0-9_]+))*\s*)\)\s*"#,
    r"((?:ON\s+(?:DELETE|UPDATE)\s+",
    r"(?:SET\s+NULL|SET\s+DEFAULT|CASCADE|RESTRICT|",
    r"NO\s+ACTION)\s*)*)",
    r"((?:NOT\s+)?DEFERRABLE)?",
    r"(?:\s+INITIALLY\s+(DEFERRED|IMMEDIATE))?",
);

const CHECK_PATTERN: &str = concat!(
    r"(?<![A-Za-z0-9_])",
    r#"(?:CONSTRAINT\s+("(?:[^"]|"")+"|'(?:[^']|'')+'|\[(?:[^\]]|\]\])+\]|`(?:[^`]|``)+`|\S+)\s+)?"#,
    r"CHECK\s*\(",
);

struct ParsedFk {
    name: Option<String>,
    constrained: Vec<String>,
    referred_table: String,
    referred: Vec<String>,
    ondelete: Option<String>,
    onupdate: Option<String>,
    deferrable: Option<bool>,
    initially: Option<String>,
}

fn parse_fks(sql: &str) -> Vec<ParsedFk> {
    let Some(r) = re(FK_PATTERN, true) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for caps in r.find_iter(sql) {
        let name = caps.get(1).or_else(|| caps.get(2));
        let constrained = find_cols_in_sig(&caps.get(3).unwrap_or_default());
        let referred = match caps.get(6) {
            Some(r) if !r.is_empty() => find_cols_in_sig(&r),
            _ => constrained.clone(),
        };
        let referred_table = caps.get(4).or_else(|| caps.get(5)).unwrap_or_default();
        let on = caps.get(7).unwrap_or_default().to_uppercase();
        let on = on.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut ondelete = None;
        let mut onupdate = None;
        for token in on.split("ON").map(str::trim) {
            if let Some(rest) = token.strip_prefix("DELETE") {
                let v = rest.trim();
                if !v.is_empty() && v != "NO ACTION" {
                    ondelete = Some(v.to_string());
                }
            } else if let Some(rest) = token.strip_prefix("UPDATE") {
                let v = rest.trim();
                if !v.is_empty() && v != "NO ACTION" {
                    onupdate = Some(v.to_string());
                }
            }
        }
        let deferrable = caps.get(8).map(|d| !d.to_uppercase().contains("NOT"));
        let initially = caps.get(9).map(|i| i.to_uppercase());
        out.push(ParsedFk {
            name,
            constrained,
            referred_table,
            referred,
            ondelete,
            onupdate,
            deferrable,
            initially,
        });
    }
    out
}

/// Reflect one table as SQLAlchemy + Alembic's batch mode would.
pub fn reflect_table(data: &SqliteTableData) -> ReflectedTable {
    let mut warnings = Vec::new();
    let sql = data.sql.clone().unwrap_or_default();
    let mut table = Table::new(&data.name, Vec::new());

    // columns
    let mut pk_cols: Vec<(i64, String)> = Vec::new();
    for row in &data.columns {
        if row.hidden == 1 {
            continue;
        }
        let declared = if row.hidden > 1 {
            row.type_
                .to_uppercase()
                .replace("GENERATED", "")
                .replace("ALWAYS", "")
                .trim()
                .to_string()
        } else {
            row.type_.to_uppercase()
        };
        let (type_, warning) = SqlType::from_sqlite_declared(&declared);
        if let Some(w) = warning {
            warnings.push(w);
        }
        let mut column = Column::new(&row.name, type_).nullable(!row.notnull);
        if let Some(default) = &row.dflt_value {
            let text = if default_needs_parens(default) {
                format!("({default})")
            } else {
                default.clone()
            };
            column.server_default = Some(ServerDefault::Text(text));
        }
        if row.pk > 0 {
            column.primary_key = true;
            pk_cols.push((row.pk, row.name.clone()));
        }
        table.columns.push(column);
    }

    // primary key
    crate::sort::sort_by_key(&mut pk_cols, |(i, _)| *i);
    if !pk_cols.is_empty() {
        let name = re(r#"CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+PRIMARY\s+KEY"#, true)
            .and_then(|r| r.search(&sql))
            .and_then(|c| c.get(1).or_else(|| c.get(2)));
        table
            .constraints
            .push(Constraint::PrimaryKey(PrimaryKeyConstraint {
                name,
                columns: pk_cols.into_iter().map(|(_, n)| n).collect(),
            }));
    }

    // foreign keys
    let mut fks: Vec<(i64, ForeignKeyConstraint)> = Vec::new();
    for row in &data.foreign_keys {
        let position = fks.iter().position(|(id, _)| *id == row.id);
        let index = match position {
            Some(i) => i,
            None => {
                let referred = if row.to.is_none() {
                    data.referred_primary_keys
                        .iter()
                        .find(|(t, _)| *t == row.table)
                        .map(|(_, cols)| cols.clone())
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                fks.push((
                    row.id,
                    ForeignKeyConstraint {
                        referent_table: row.table.clone(),
                        referent_columns: referred,
                        ..ForeignKeyConstraint::default()
                    },
                ));
                fks.len() - 1
            }
        };
        if let Some((_, fk)) = fks.get_mut(index) {
            fk.columns.push(row.from.clone());
            if let Some(to) = &row.to {
                fk.referent_columns.push(to.clone());
            }
        }
    }
    let mut remaining: Vec<ForeignKeyConstraint> = fks.into_iter().map(|(_, fk)| fk).collect();
    let mut ordered_fks = Vec::new();
    if data.sql.is_some() {
        for parsed in parse_fks(&sql) {
            let position = remaining.iter().position(|fk| {
                fk.columns == parsed.constrained
                    && fk.referent_table == parsed.referred_table
                    && fk.referent_columns == parsed.referred
            });
            match position {
                Some(i) => {
                    let mut fk = remaining.remove(i);
                    fk.name = parsed.name;
                    fk.ondelete = parsed.ondelete;
                    fk.onupdate = parsed.onupdate;
                    fk.deferrable = parsed.deferrable;
                    fk.initially = parsed.initially;
                    ordered_fks.push(fk);
                }
                None => {
                    let mut sig: Vec<String> = parsed.constrained.clone();
                    sig.push(parsed.referred_table.clone());
                    sig.extend(parsed.referred.iter().cloned());
                    let shown: Vec<String> =
                        sig.iter().map(|s| super::sqltext::py_repr_str(s)).collect();
                    warnings.push(format!(
                        "WARNING: SQL-parsed foreign key constraint '({})' could not be located in PRAGMA foreign_keys for table {}",
                        shown.join(", ") + if shown.len() == 1 { "," } else { "" },
                        data.name
                    ));
                }
            }
        }
    }
    ordered_fks.extend(remaining);
    table
        .constraints
        .extend(ordered_fks.into_iter().map(Constraint::ForeignKey));

    // indexes
    let partial_re = re(r"\)\s+where\s+(.+)", true);
    let mut indexes = Vec::new();
    for row in &data.indexes {
        if row.name.starts_with("sqlite_autoindex") {
            continue;
        }
        if row.columns.iter().any(Option::is_none) {
            warnings.push(format!(
                "Skipped unsupported reflection of expression-based index {}",
                row.name
            ));
            continue;
        }
        let mut index = Index {
            name: Some(row.name.clone()),
            table: Some(data.name.clone()),
            elements: row
                .columns
                .iter()
                .flatten()
                .map(|c| IndexElement::Column(c.clone()))
                .collect(),
            unique: row.unique,
            sqlite_where: None,
        };
        if row.partial {
            let predicate = row
                .sql
                .as_deref()
                .and_then(|s| partial_re.as_ref().and_then(|r| r.search(s)))
                .and_then(|c| c.get(1));
            match predicate {
                Some(p) => index.sqlite_where = Some(p),
                None => warnings.push(format!(
                    "Failed to look up filter predicate of partial index {}",
                    row.name
                )),
            }
        }
        indexes.push(index);
    }
    crate::sort::sort_by(&mut indexes, |a, b| a.name.cmp(&b.name));

    // unique constraints
    let mut auto_by_sig: Vec<Vec<String>> = data
        .indexes
        .iter()
        .filter(|i| i.name.starts_with("sqlite_autoindex"))
        .map(|i| i.columns.iter().flatten().cloned().collect())
        .collect();
    let mut parsed_uqs: Vec<(Option<String>, Vec<String>)> = Vec::new();
    if data.sql.is_some() {
        if let Some(r) = re(
            r#"(?:CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+)?UNIQUE\s*\((.+?)\)"#,
            true,
        ) {
            for caps in r.find_iter(&sql) {
                let name = caps.get(1).or_else(|| caps.get(2));
                parsed_uqs.push((name, find_cols_in_sig(&caps.get(3).unwrap_or_default())));
            }
        }
        if let Some(r) = re(
            r#"(?:(".+?")|(?:[\[`])?([a-z0-9_]+)(?:[\]`])?)[\t ]+[a-z0-9_]+(?:[\t ]+[a-z0-9_]+)*?[\t ]+UNIQUE"#,
            true,
        ) {
            for caps in r.find_iter(&sql) {
                let cols =
                    find_cols_in_sig(&caps.get(1).or_else(|| caps.get(2)).unwrap_or_default());
                parsed_uqs.push((None, cols));
            }
        }
    }
    for (name, cols) in parsed_uqs {
        if let Some(position) = auto_by_sig.iter().position(|sig| *sig == cols) {
            auto_by_sig.remove(position);
            table.constraints.push(Constraint::Unique(UniqueConstraint {
                name,
                columns: cols,
            }));
        }
    }

    // check constraints
    let mut checks: Vec<CheckConstraint> = Vec::new();
    if let Some(r) = re(CHECK_PATTERN, true) {
        let chars: Vec<char> = sql.chars().collect();
        for caps in r.find_iter(&sql) {
            let Some((_, end)) = caps.span(0) else {
                continue;
            };
            let name = caps.get(1).map(|n| unquote_name(&n));
            if end == 0 {
                continue;
            }
            if let Some(close) = find_matching_paren(&chars, end - 1) {
                let body: String = chars.get(end..close).unwrap_or(&[]).iter().collect();
                checks.push(CheckConstraint {
                    name,
                    sqltext: body.trim().to_string(),
                });
            }
        }
    }
    crate::sort::sort_by(&mut checks, |a, b| {
        let key = |c: &CheckConstraint| c.name.clone().unwrap_or_else(|| "~".to_string());
        key(a).cmp(&key(b))
    });
    table
        .constraints
        .extend(checks.into_iter().map(Constraint::Check));
    table.indexes = indexes;
    ReflectedTable { table, warnings }
}

fn unquote_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() >= 3 {
        let first = chars.first().copied();
        let last = chars.last().copied();
        let inner = || {
            chars
                .get(1..chars.len() - 1)
                .unwrap_or(&[])
                .iter()
                .collect::<String>()
        };
        match (first, last) {
            (Some(a), Some(b)) if a == b && (a == '"' || a == '\'' || a == '`') => return inner(),
            (Some('['), Some(']')) => return inner(),
            _ => {}
        }
    }
    name.to_string()
}
