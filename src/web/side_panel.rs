//! The database panel: what `alembic_version` says, and the tables SQLite really has.

use yew::prelude::*;

use super::app::SessionHandle;
use crate::runtime::{Database, SqlValue};

/// One table as the panel shows it.
struct TableView {
    name: String,
    columns: Vec<(String, String, bool, bool)>, // name, type, not null, primary key
    /// The first rows, for the data view.
    rows: Vec<Vec<String>>,
    row_count: i64,
}

/// How many tables get their rows read for the data view.
const ROWS_FOR_TABLES: usize = 30;

/// How many rows the data view shows per table.
const SHOWN_ROWS: usize = 20;

fn read_schema(handle: &SessionHandle) -> (Option<Vec<String>>, Vec<TableView>) {
    let mut session = handle.session.borrow_mut();
    let Some(path) = session.database_path() else {
        return (None, Vec::new());
    };
    let Ok(database) = session.databases.get(&path) else {
        return (None, Vec::new());
    };
    let tables: Vec<String> = database
        .query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", &[])
        .map(|(_, rows)| {
            rows.into_iter()
                .filter_map(|row| match row.into_iter().next() {
                    Some(SqlValue::Text(name)) => Some(name),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let version_rows = if tables.iter().any(|name| name == "alembic_version") {
        database
            .query("SELECT version_num FROM alembic_version", &[])
            .ok()
            .map(|(_, rows)| {
                rows.into_iter()
                    .filter_map(|row| row.into_iter().next().map(|value| value.display()))
                    .collect()
            })
    } else {
        None
    };
    let mut views = Vec::new();
    // Large schemas (hundreds of tables) would make every redraw slow: rows are read for
    // the first tables only; `sql SELECT ...` reaches the rest.
    for (position, name) in tables.into_iter().enumerate() {
        let read_rows = position < ROWS_FOR_TABLES;
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let columns = database
            .query(&format!("PRAGMA table_info({quoted})"), &[])
            .map(|(_, rows)| {
                rows.into_iter()
                    .map(|row| {
                        let text = |index: usize| row.get(index).map(SqlValue::display).unwrap_or_default();
                        let flag = |index: usize| matches!(row.get(index), Some(SqlValue::Integer(value)) if *value != 0);
                        (text(1), text(2), flag(3), flag(5))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let row_count = if !read_rows {
            0
        } else {
            database
                .query(&format!("SELECT count(*) FROM {quoted}"), &[])
                .ok()
                .and_then(|(_, rows)| match rows.first().and_then(|row| row.first()) {
                    Some(SqlValue::Integer(count)) => Some(*count),
                    _ => None,
                })
                .unwrap_or(0)
        };
        let rows = if !read_rows {
            Vec::new()
        } else {
            database
                .query(&format!("SELECT * FROM {quoted} LIMIT {SHOWN_ROWS}"), &[])
                .map(|(_, rows)| {
                    rows.iter()
                        .map(|row| row.iter().map(SqlValue::display).collect())
                        .collect()
                })
                .unwrap_or_default()
        };
        views.push(TableView {
            name,
            columns,
            rows,
            row_count,
        });
    }
    (version_rows, views)
}

#[function_component(SidePanel)]
pub fn side_panel() -> Html {
    let Some(handle) = use_context::<SessionHandle>() else {
        return html! {};
    };
    let (version_rows, tables) = read_schema(&handle);
    let last_sql = handle.session().last_sql.join("\n\n");
    html! {
        <aside class="side-panel" aria-label="Revision graph and database">
            <super::revision_graph::RevisionGraph />
            <section class="version-table">
                <h2>{"Version table"}</h2>
                { match version_rows {
                    None => html! { <p class="muted">{"No alembic_version table yet: the database has never been migrated."}</p> },
                    Some(rows) if rows.is_empty() => html! { <p class="muted">{"alembic_version is empty: the database is at base."}</p> },
                    Some(rows) => html! {
                        <ul class="version-rows">{ for rows.into_iter().map(|row| html! { <li><code>{row}</code></li> }) }</ul>
                    },
                } }
            </section>
            <section class="last-sql">
                <details>
                    <summary><h2 class="inline">{"SQL of the last command"}</h2></summary>
                    if last_sql.is_empty() {
                        <p class="muted">{"The last command ran no SQL."}</p>
                    } else {
                        <pre class="sql">{last_sql}</pre>
                    }
                </details>
            </section>
            <section class="schema">
                <h2>{"Schema"}</h2>
                if tables.is_empty() {
                    <p class="muted">{"No tables yet."}</p>
                }
                { for tables.into_iter().map(|table| html! {
                    <details class="table" open={table.name != "alembic_version"}>
                        <summary><code>{table.name.clone()}</code></summary>
                        <table>
                            <tbody>
                                { for table.columns.iter().cloned().map(|(name, kind, not_null, primary_key)| html! {
                                    <tr>
                                        <td class="column-name">{name}if primary_key { <abbr class="pk" title="primary key">{"PK"}</abbr> }</td>
                                        <td class="column-type">{kind}</td>
                                        <td class="column-null">{ if not_null { "NOT NULL" } else { "" } }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                        if table.row_count > 0 {
                            <details class="rows">
                                <summary>{format!("{} row{}", table.row_count, if table.row_count == 1 { "" } else { "s" })}</summary>
                                <table class="data">
                                    <tbody>
                                        { for table.rows.iter().map(|row| html! {
                                            <tr>{ for row.iter().map(|value| html! { <td>{value.clone()}</td> }) }</tr>
                                        }) }
                                    </tbody>
                                </table>
                                if table.row_count > SHOWN_ROWS as i64 {
                                    <p class="muted">{format!("First {SHOWN_ROWS}; type sql SELECT * FROM {} in the terminal for all.", table.name)}</p>
                                }
                            </details>
                        } else {
                            <p class="muted small">{"no rows"}</p>
                        }
                    </details>
                }) }
            </section>
        </aside>
    }
}
