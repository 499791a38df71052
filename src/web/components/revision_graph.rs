//! The revision graph panel: the DAG as SVG, newest on top, heads / current / branch and
//! merge points / labels / depends_on edges marked; choosing a revision offers upgrade,
//! downgrade and stamp to it, run through the terminal like typed commands. "Open large"
//! shows the whole graph over the page (Escape or "Close" returns to the panel).

use yew::prelude::*;

use crate::web::store::{topic, use_store};

const ROW: f64 = 34.0;
const LANE: f64 = 22.0;
const LEFT: f64 = 14.0;
const TOP: f64 = 16.0;
/// Rows drawn below the first visible one (enough for a tall embedded panel) and above it.
const DRAWN_ROWS: usize = 70;
const OVERSCAN_ROWS: usize = 20;

fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

#[function_component(RevisionGraph)]
pub fn revision_graph() -> Html {
    let Some(handle) = use_store(topic::MIGRATIONS | topic::DATABASE) else {
        return html! {};
    };
    let selected = use_state(|| None::<String>);
    let large = use_state(|| false);
    // Only the rows near the visible part are drawn (a 1,000-revision graph would otherwise
    // be thousands of SVG elements); the picture keeps its full height for the scroll bar.
    let first_row = use_state(|| 0usize);
    let view = handle.revision_graph();
    let view = match view {
        Ok(view) => view,
        Err(message) => {
            return html! {
                <section class="revision-graph" aria-label="Revision graph">
                    <h2>{"Revision graph"}</h2>
                    <p class="muted">{format!("The graph cannot be drawn: {message}")}</p>
                </section>
            }
        }
    };
    if view.nodes.is_empty() {
        return html! {
            <section class="revision-graph" aria-label="Revision graph">
                <h2>{"Revision graph"}</h2>
                <p class="muted">{"No revisions yet: alembic revision -m \"...\" creates the first one."}</p>
            </section>
        };
    }
    let text_x = LEFT + view.lanes as f64 * LANE + 8.0;
    let height = TOP * 2.0 + view.nodes.len() as f64 * ROW;
    // wide enough for the longest label (11px monospace: about 6.7px a character), so a
    // label is never cut off: the panel scrolls sideways, the large view has room
    // (bytes, not characters: a label with non-ASCII text gets a little room to spare)
    let longest = view
        .nodes
        .iter()
        .map(|node| {
            27 + node
                .labels
                .iter()
                .map(|label| label.len() + 3)
                .sum::<usize>()
                + node.doc.len()
        })
        .max()
        .unwrap_or(0);
    let width = text_x + (longest as f64 * 6.7).max(260.0) + 12.0;
    let position = |row: usize, lane: usize| (LEFT + lane as f64 * LANE, TOP + row as f64 * ROW);
    let window_start = first_row.saturating_sub(OVERSCAN_ROWS);
    let window_end = *first_row + DRAWN_ROWS;
    let in_window = |row: usize| row >= window_start && row < window_end;
    let onscroll = {
        let first_row = first_row.clone();
        Callback::from(move |event: Event| {
            let element: web_sys::Element = event.target_unchecked_into();
            let row = (f64::from(element.scroll_top()) / ROW) as usize;
            // Redraw in steps of ten rows, not on every pixel.
            let step = row / 10 * 10;
            if *first_row != step {
                first_row.set(step);
            }
        })
    };
    let edges = view.edges.iter().filter_map(|edge| {
        let from = view.nodes.get(edge.from)?;
        let to = view.nodes.get(edge.to)?;
        let (low, high) = (from.row.min(to.row), from.row.max(to.row));
        if high < window_start || low >= window_end {
            return None;
        }
        let (x1, y1) = position(from.row, from.lane);
        let (x2, y2) = position(to.row, to.lane);
        let path = if (x1 - x2).abs() < 0.5 {
            format!("M{x1},{y1} L{x2},{y2}")
        } else {
            format!("M{x1},{y1} C{x1},{} {x2},{} {x2},{y2}", y1 + ROW * 0.6, y2 - ROW * 0.6)
        };
        Some(html! { <path d={path} class={classes!("edge", edge.dependency.then_some("dependency"))} /> })
    });
    let on_action = {
        let handle = handle.clone();
        let selected = selected.clone();
        move |verb: &'static str, id: String| {
            let handle = handle.clone();
            let selected = selected.clone();
            Callback::from(move |_: MouseEvent| {
                handle.run(&format!("alembic {verb} {id}"));
                selected.set(None);
            })
        }
    };
    let nodes = view.nodes.iter().filter(|node| in_window(node.row)).map(|node| {
        let (x, y) = position(node.row, node.lane);
        let choose = {
            let selected = selected.clone();
            let id = node.id.clone();
            Callback::from(move |_: MouseEvent| selected.set(Some(id.clone())))
        };
        let on_key = {
            let selected = selected.clone();
            let id = node.id.clone();
            Callback::from(move |event: KeyboardEvent| {
                if event.key() == "Enter" || event.key() == " " {
                    event.prevent_default();
                    selected.set(Some(id.clone()));
                }
            })
        };
        let mut markers = Vec::new();
        if node.is_head {
            markers.push("head");
        }
        if node.is_current {
            markers.push("current");
        }
        if node.is_merge_point {
            markers.push("mergepoint");
        }
        if node.is_branch_point {
            markers.push("branchpoint");
        }
        let label = format!(
            "{}{}{} {}",
            short(&node.id),
            if node.labels.is_empty() { String::new() } else { format!(" ({})", node.labels.join(", ")) },
            if markers.is_empty() { String::new() } else { format!(" [{}]", markers.join(", ")) },
            node.doc
        );
        html! {
            <g class={classes!("node", node.is_head.then_some("head"), node.is_current.then_some("current"), (selected.as_deref() == Some(node.id.as_str())).then_some("selected"))}
               tabindex="0" role="button" aria-label={format!("Revision {label}")}
               onclick={choose} onkeydown={on_key}>
                <title>{label.clone()}</title>
                <circle cx={x.to_string()} cy={y.to_string()} r={if node.is_merge_point { "7" } else { "6" }} />
                <text x={text_x.to_string()} y={(y + 4.0).to_string()}>
                    <tspan class="rev">{short(&node.id)}</tspan>
                    { for node.labels.iter().map(|label| html! { <tspan class="label">{format!(" ({label})")}</tspan> }) }
                    if node.is_head { <tspan class="marker">{" head"}</tspan> }
                    if node.is_current { <tspan class="marker current">{" current"}</tspan> }
                    <tspan class="doc">{format!(" {}", node.doc)}</tspan>
                </text>
            </g>
        }
    });
    let toggle_large = {
        let large = large.clone();
        Callback::from(move |_: MouseEvent| large.set(!*large))
    };
    let on_escape = {
        let large = large.clone();
        Callback::from(move |event: KeyboardEvent| {
            if *large && event.key() == "Escape" {
                large.set(false);
            }
        })
    };
    html! {
        <section class={classes!("revision-graph", large.then_some("large"))} aria-label="Revision graph"
            role={large.then_some("dialog")} aria-modal={large.then_some("true")} onkeydown={on_escape}>
            <div class="graph-head">
                <h2>{"Revision graph"}</h2>
                <button type="button" class="graph-size" onclick={toggle_large}
                    title={if *large { "Back to the panel (Escape)" } else { "Show the whole graph over the page" }}>
                    { if *large { "Close" } else { "Open large" } }
                </button>
            </div>
            if let Some(id) = (*selected).clone() {
                <div class="graph-actions" role="group" aria-label={format!("Actions for {}", short(&id))}>
                    <span>{format!("{}: ", short(&id))}</span>
                    <button type="button" onclick={on_action("upgrade", id.clone())}>{"upgrade to"}</button>
                    <button type="button" onclick={on_action("downgrade", id.clone())}>{"downgrade to"}</button>
                    <button type="button" onclick={on_action("stamp", id.clone())}>{"stamp"}</button>
                    <button type="button" onclick={{ let selected = selected.clone(); Callback::from(move |_: MouseEvent| selected.set(None)) }}>{"close"}</button>
                </div>
            }
            <div class="graph-scroll" {onscroll}>
                <svg width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")} role="img" aria-label="Revisions, newest on top">
                    { for edges }
                    { for nodes }
                </svg>
            </div>
        </section>
    }
}
