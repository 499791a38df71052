//! The database panel: what `alembic_version` says beside what the tables are (drift), the
//! schema as a list or an ER diagram, live or at any revision, and the changes between two
//! points. Rows of the live tables are shown under each table.

use yew::prelude::*;

use crate::playground::session::SessionError;
use crate::playground::views::schema::{Change, Schema};
use crate::web::store::{topic, use_store, Store, TableRows};

/// How many tables get their rows read for the data view.
const ROWS_FOR_TABLES: usize = 30;

/// How many rows the data view shows per table.
const SHOWN_ROWS: usize = 20;

/// Up to this many revisions, drift is checked after every change; beyond, on request.
const AUTO_DRIFT_REVISIONS: usize = 100;

/// Beyond this many revisions, the two revision pickers list every revision only while one
/// has focus (two lists of 1,000 options were three quarters of the page's elements and a
/// good part of every redraw).
const FULL_PICKER_REVISIONS: usize = 100;

/// "The live database" in the revision pickers.
const LIVE: &str = "live";

/// The schema at `target`: a revision, `base`, or the live database (`live`, already without
/// its version table).
fn schema_for(handle: &Store, target: &str, live: &Schema) -> Result<Schema, SessionError> {
    if target == LIVE {
        return Ok(live.clone());
    }
    handle.schema_at(target)
}

#[function_component(SidePanel)]
pub fn side_panel() -> Html {
    let at = use_state(|| LIVE.to_string());
    let compare = use_state(String::new);
    let picker_open = use_state(|| false);
    let diagram = use_state(|| false);
    let schema_ref = use_node_ref();
    let drift_requested = use_state(|| false);
    let handle = use_store(topic::MIGRATIONS | topic::DATABASE);
    // What the views below derive from: each is computed again only when its inputs move.
    let database = handle
        .as_ref()
        .map(Store::database_generation)
        .unwrap_or_default();
    let migrations = handle
        .as_ref()
        .map(Store::migrations_generation)
        .unwrap_or_default();
    // env.py names the version table.
    let version_table = {
        let handle = handle.clone();
        use_memo(migrations, move |_| {
            handle
                .map(|handle| handle.version_table_name())
                .unwrap_or_default()
        })
    };
    let live = {
        let handle = handle.clone();
        use_memo(
            (database, (*version_table).clone()),
            move |(_, version_table)| {
                handle.map(|handle| handle.live(version_table, ROWS_FOR_TABLES, SHOWN_ROWS))
            },
        )
    };
    let revisions = {
        let handle = handle.clone();
        use_memo((migrations, database), move |_| {
            handle
                .and_then(|handle| handle.revision_graph().ok())
                .map(|view| {
                    view.nodes
                        .iter()
                        .map(|node| (node.id.clone(), node.doc.clone()))
                        .collect::<Vec<(String, String)>>()
                })
                .unwrap_or_default()
        })
    };
    // Drift replays every migration: automatic on projects of usual size, on request on
    // very large ones (so a command on 1,000 revisions is not followed by a second replay).
    let drift_wanted = revisions.len() <= AUTO_DRIFT_REVISIONS || *drift_requested;
    let drift = {
        let handle = handle.clone();
        use_memo(
            (migrations, database, drift_wanted),
            move |(_, _, wanted)| {
                if !wanted {
                    return None;
                }
                handle.as_ref().and_then(Store::drift)
            },
        )
    };
    let shown = {
        let handle = handle.clone();
        let live = live.clone();
        let version_table = version_table.clone();
        use_memo(
            ((*at).clone(), (*compare).clone(), migrations, database),
            move |(at, compare, _, _)| {
                let handle = handle.as_ref()?;
                let live_schema = live
                    .as_ref()
                    .as_ref()
                    .map(|live| live.schema.clone().without_version_table(&version_table))
                    .unwrap_or_default();
                let schema = schema_for(handle, at, &live_schema);
                // When the schema at `at` cannot be built, its error shows, and no changes.
                let changes = match (&schema, compare.is_empty()) {
                    (Ok(to), false) => Some(
                        schema_for(handle, compare, &live_schema)
                            .map(|from| crate::playground::views::schema::diff(&from, to)),
                    ),
                    _ => None,
                };
                Some((schema, changes))
            },
        )
    };
    let (Some(handle), Some(live)) = (handle, live.as_ref().as_ref()) else {
        return html! {};
    };
    let last_sql = handle.last_sql();
    let request_drift = {
        let drift_requested = drift_requested.clone();
        Callback::from(move |_: MouseEvent| drift_requested.set(true))
    };
    let list_all = revisions.len() <= FULL_PICKER_REVISIONS || *picker_open;
    let picker = |selected: &str, with_none: bool| {
        html! {
            <>
                if with_none { <option value="" selected={selected.is_empty()}>{"(nothing)"}</option> }
                <option value={LIVE} selected={selected == LIVE}>{"the live database"}</option>
                <option value="base" selected={selected == "base"}>{"base (empty)"}</option>
                { for revisions.iter().filter(|(id, _)| list_all || selected == id).map(|(id, doc)| html! {
                    <option value={id.clone()} selected={selected == id}>{format!("{id} {doc}")}</option>
                }) }
            </>
        }
    };
    // Focus (Tab or a click: mousedown comes first) lists every revision before the list
    // opens; leaving the picker shortens it again. Moving from one picker to the other blurs
    // the first after the second's mousedown, so focus sets the state again.
    let open_picker = {
        let picker_open = picker_open.clone();
        Callback::from(move |_: ()| picker_open.set(true))
    };
    let close_picker = {
        let picker_open = picker_open.clone();
        Callback::from(move |_: FocusEvent| picker_open.set(false))
    };
    let on_at = {
        let at = at.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            at.set(select.value());
        })
    };
    let on_compare = {
        let compare = compare.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            compare.set(select.value());
        })
    };
    let set_view = |as_diagram: bool| {
        let diagram = diagram.clone();
        Callback::from(move |_: MouseEvent| diagram.set(as_diagram))
    };
    let is_live = *at == LIVE;
    // As many diagram columns as fit the panel's width (measured at the last render).
    let diagram_columns = schema_ref
        .cast::<web_sys::Element>()
        .map(|element| ((element.client_width() - 20).max(0) / 250).max(1) as usize)
        .unwrap_or(1);
    html! {
        <aside class="side-panel" aria-label="Revision graph and database">
            <super::revision_graph::RevisionGraph />
            <section class="version-table">
                <h2>{"Version table"}</h2>
                { match &live.version_rows {
                    None => html! { <p class="muted">{format!("No {version_table} table yet: the database has never been migrated.")}</p> },
                    Some(rows) if rows.is_empty() => html! { <p class="muted">{format!("{version_table} is empty: the database is at base.")}</p> },
                    Some(rows) => html! {
                        <ul class="version-rows">{ for rows.iter().map(|row| html! { <li><code>{row.clone()}</code></li> }) }</ul>
                    },
                } }
                if drift_wanted {
                    { drift_view(drift.as_ref().as_ref()) }
                } else if live.version_rows.is_some() {
                    <button type="button" class="drift-check" onclick={request_drift}>{"Compare the tables with the migrations"}</button>
                }
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
            <section class="schema" ref={schema_ref}>
                <h2>{"Schema"}</h2>
                <div class="schema-controls">
                    <label>{"At "}<select aria-label="Show the schema at" onchange={on_at} onfocus={open_picker.reform(|_: FocusEvent| ())} onmousedown={open_picker.reform(|_: MouseEvent| ())} onblur={close_picker.clone()}>{ picker(&at, false) }</select></label>
                    <div class="toggle" role="group" aria-label="Schema view">
                        <button type="button" aria-pressed={(!*diagram).to_string()} onclick={set_view(false)}>{"List"}</button>
                        <button type="button" aria-pressed={(*diagram).to_string()} onclick={set_view(true)}>{"Diagram"}</button>
                    </div>
                </div>
                <label class="compare">{"Changes since "}<select aria-label="Show the changes since" onchange={on_compare} onfocus={open_picker.reform(|_: FocusEvent| ())} onmousedown={open_picker.reform(|_: MouseEvent| ())} onblur={close_picker}>{ picker(&compare, true) }</select></label>
                { match shown.as_ref() {
                    Some((schema, changes)) => html! {
                        <>
                            { changes_view(changes.as_ref()) }
                            { match schema {
                                Err(message) => html! { <p class="error-text">{message.to_string()}</p> },
                                Ok(schema) if *diagram => diagram_view(schema, diagram_columns),
                                Ok(schema) if is_live => list_view(&live.schema, Some(&live.rows), &version_table),
                                Ok(schema) => list_view(schema, None, &version_table),
                            } }
                        </>
                    },
                    None => html! {},
                } }
            </section>
        </aside>
    }
}

type DriftResult = Result<(String, Vec<Change>), SessionError>;

fn drift_view(drift: Option<&DriftResult>) -> Html {
    match drift {
        None => html! {},
        Some(Err(message)) => html! {
            <p class="drift muted">{format!("The migrations cannot be replayed to compare: {message}")}</p>
        },
        Some(Ok((target, changes))) if changes.is_empty() => html! {
            <p class="drift ok">{format!("The tables match what the migrations build up to {target}.")}</p>
        },
        Some(Ok((target, changes))) => html! {
            <div class="drift differs" role="status">
                <p>{format!("Drift: the tables differ from what the migrations build up to {target}:")}</p>
                { changes_list(changes) }
            </div>
        },
    }
}

fn changes_list(changes: &[Change]) -> Html {
    html! {
        <ul class="changes">
            { for changes.iter().map(|change| html! {
                <li class={match change.sign { '+' => "added", '-' => "removed", _ => "changed" }}>
                    <span class="sign" aria-hidden="true">{change.sign}</span>{" "}{change.text.clone()}
                </li>
            }) }
        </ul>
    }
}

fn changes_view(changes: Option<&Result<Vec<Change>, SessionError>>) -> Html {
    match changes {
        None => html! {},
        Some(Err(message)) => html! { <p class="error-text">{message.to_string()}</p> },
        Some(Ok(changes)) if changes.is_empty() => html! { <p class="muted">{"No changes."}</p> },
        Some(Ok(changes)) => changes_list(changes),
    }
}

fn list_view(schema: &Schema, rows: Option<&[TableRows]>, version_table: &str) -> Html {
    if schema.tables.is_empty() {
        return html! { <p class="muted">{"No tables yet."}</p> };
    }
    html! {
        <>
            { for schema.tables.iter().enumerate().map(|(index, table)| {
                let table_rows = rows.and_then(|rows| rows.get(index));
                html! {
                    <details class="table" open={table.name != version_table}>
                        <summary><code>{table.name.clone()}</code></summary>
                        <table>
                            <tbody>
                                { for table.columns.iter().map(|column| html! {
                                    <tr>
                                        <td class="column-name">{column.name.clone()}if column.primary_key { <abbr class="pk" title="primary key">{"PK"}</abbr> }</td>
                                        <td class="column-type">{column.type_.clone()}</td>
                                        <td class="column-null">{ if column.not_null { "NOT NULL" } else { "" } }</td>
                                        <td class="column-default">{ column.default.clone().map(|default| format!("= {default}")).unwrap_or_default() }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                        if !table.indexes.is_empty() || !table.foreign_keys.is_empty() {
                            <ul class="constraints">
                                { for table.indexes.iter().map(|index| html! {
                                    <li>{ if index.unique { if index.explicit { "unique index " } else { "unique " } } else { "index " } }<code>{format!("({})", index.columns.join(", "))}</code>if index.explicit { <span class="muted">{format!(" {}", index.name)}</span> }</li>
                                }) }
                                { for table.foreign_keys.iter().map(|key| html! {
                                    <li>{"FK "}<code>{format!("({}) → {}({})", key.columns.join(", "), key.referred_table, key.referred_columns.join(", "))}</code></li>
                                }) }
                            </ul>
                        }
                        { match table_rows {
                            Some((count, shown)) if *count > 0 => html! {
                                <details class="rows">
                                    <summary>{format!("{count} row{}", if *count == 1 { "" } else { "s" })}</summary>
                                    <table class="data">
                                        <thead><tr>{ for table.columns.iter().map(|column| html! { <th>{column.name.clone()}</th> }) }</tr></thead>
                                        <tbody>
                                            { for shown.iter().map(|row| html! {
                                                <tr>{ for row.iter().map(|value| html! { <td>{value.clone()}</td> }) }</tr>
                                            }) }
                                        </tbody>
                                    </table>
                                    if *count > SHOWN_ROWS as i64 {
                                        <p class="muted">{format!("First {SHOWN_ROWS}; type sql SELECT * FROM {} in the terminal for all.", table.name)}</p>
                                    }
                                </details>
                            },
                            Some(_) => html! { <p class="muted small">{"no rows"}</p> },
                            None => html! {},
                        } }
                    </details>
                }
            }) }
        </>
    }
}

fn diagram_view(schema: &Schema, columns: usize) -> Html {
    if schema.tables.is_empty() {
        return html! { <p class="muted">{"No tables yet."}</p> };
    }
    let picture = crate::playground::views::schema::diagram(schema, columns);
    let row_height = crate::playground::views::schema::ROW_HEIGHT;
    let header = crate::playground::views::schema::HEADER_HEIGHT;
    let description = format!(
        "Entity-relationship diagram of {} tables and {} foreign keys",
        picture.boxes.len(),
        picture.edges.len()
    );
    html! {
        <figure class="er-diagram">
            <svg viewBox={format!("-4 -4 {} {}", picture.width + 8.0, picture.height + 8.0)}
                width={(picture.width + 8.0).to_string()} height={(picture.height + 8.0).to_string()}
                role="img" aria-label={description}>
                { for picture.edges.iter().map(|edge| {
                    let ((x1, y1), (x2, y2)) = (edge.from, edge.to);
                    let bend = if (x1 - x2).abs() < 1.0 { 40.0 } else { (x2 - x1) / 2.0 };
                    let (c1, c2) = if (x1 - x2).abs() < 1.0 { (x1 + bend, x2 + bend) } else { (x1 + bend, x2 - bend) };
                    html! {
                        <path class="er-edge" d={format!("M{x1},{y1} C{c1},{y1} {c2},{y2} {x2},{y2}")}>
                            <title>{edge.label.clone()}</title>
                        </path>
                    }
                }) }
                { for picture.boxes.iter().map(|table| html! {
                    <g class="er-table" transform={format!("translate({},{})", table.x, table.y)}>
                        <title>{table.table.clone()}</title>
                        <rect class="er-box" width={table.width.to_string()} height={table.height.to_string()} rx="4" />
                        <rect class="er-head" width={table.width.to_string()} height={header.to_string()} rx="4" />
                        <text class="er-name" x="8" y="16">{table.table.clone()}</text>
                        { for table.rows.iter().enumerate().map(|(index, (name, type_, primary, foreign))| {
                            let y = header + row_height * index as f64 + 13.0;
                            html! {
                                <>
                                    <text class={classes!("er-column", primary.then_some("pk"), foreign.then_some("fk"))} x="8" y={y.to_string()}>
                                        if *primary { <tspan class="er-tag">{"PK "}</tspan> } else if *foreign { <tspan class="er-tag">{"FK "}</tspan> }
                                        {name.clone()}
                                    </text>
                                    <text class="er-type" x={(table.width - 8.0).to_string()} y={y.to_string()} text-anchor="end">{type_.clone()}</text>
                                </>
                            }
                        }) }
                    </g>
                }) }
            </svg>
        </figure>
    }
}
