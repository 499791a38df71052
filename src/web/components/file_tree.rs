//! The project's files, as a tree the learner clicks to open, with New, Rename and Delete
//! (the last two act on the open file and can be undone with "Undo last command").

use yew::prelude::*;

use crate::playground::project::PROJECT_DIR;
use crate::web::confirm;
use crate::web::store::{topic, use_store, Action};

fn prompt(message: &str, default: &str) -> Option<String> {
    web_sys::window()?
        .prompt_with_message_and_default(message, default)
        .ok()
        .flatten()
}

/// Folders with more files than this start folded.
const FOLD_ABOVE: usize = 40;

enum Row {
    /// A folder's name, once, above its files; folders with many files fold.
    Folder {
        dir: String,
        count: usize,
        foldable: bool,
        open: bool,
    },
    File(String),
}

#[function_component(FileTree)]
pub fn file_tree() -> Html {
    // The folders the learner unfolded (a few: a plain list).
    let expanded = use_state(Vec::<String>::new);
    let Some(handle) = use_store(topic::FILES) else {
        return html! {};
    };
    let open = handle.open_file();
    let paths: Vec<String> = handle
        .file_paths()
        .into_iter()
        .filter(|path| !path.ends_with("/README"))
        .collect();
    let prefix = format!("{PROJECT_DIR}/");
    let relative = |path: &str| path.strip_prefix(&prefix).unwrap_or(path).to_string();
    let read_only = handle.read_only();
    let on_new = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(typed) = prompt(
                "New file (path inside the project, e.g. alembic/versions/0001_first.py):",
                "alembic/versions/",
            ) else {
                return;
            };
            handle.act("New file", Action::CreateFile(typed));
        })
    };
    let on_rename = {
        let handle = handle.clone();
        let open = open.clone();
        let current = open.as_deref().map(relative).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let Some(from) = open.clone() else {
                return;
            };
            let Some(typed) = prompt("Rename (or move) the file to:", &current) else {
                return;
            };
            handle.act("Rename", Action::RenameFile { from, to: typed });
        })
    };
    let on_delete = {
        let handle = handle.clone();
        let open = open.clone();
        let current = open.as_deref().map(relative).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let Some(path) = open.clone() else {
                return;
            };
            if !confirm(&format!(
                "Delete {current}? (Undo last command brings it back.)"
            )) {
                return;
            }
            handle.act("Delete", Action::DeleteFile(path));
        })
    };
    let open_name = open.as_deref().map(relative);
    // Folders with many files (a long revision history) are folded, showing only the open
    // file, until the learner unfolds them: a thousand buttons help nobody and draw slowly.
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for path in &paths {
        *counts.entry(crate::host::parent(path)).or_default() += 1;
    }
    let mut rows = Vec::new();
    let mut announced = crate::sorted_map::SortedSet::new();
    for path in paths {
        let dir = crate::host::parent(&path);
        // Every folder between the project and the file gets its row the first time.
        let mut ancestors = Vec::new();
        let mut current = dir.clone();
        while current.len() > PROJECT_DIR.len() && current.starts_with(&prefix) {
            ancestors.push(current.clone());
            current = crate::host::parent(&current);
        }
        for folder in ancestors.into_iter().rev() {
            if announced.add(folder.clone()) {
                let count = counts.get(&folder).copied().unwrap_or(0);
                rows.push(Row::Folder {
                    open: count <= FOLD_ABOVE || expanded.contains(&folder),
                    foldable: count > FOLD_ABOVE,
                    dir: folder,
                    count,
                });
            }
        }
        let count = counts.get(&dir).copied().unwrap_or(0);
        if count > FOLD_ABOVE && !expanded.contains(&dir) && open.as_deref() != Some(path.as_str())
        {
            continue;
        }
        rows.push(Row::File(path));
    }
    // 0.5rem + 0.9rem per level, in tenths (no float formatting in the page for this).
    let indent = |depth: usize| {
        let tenths = 5 + 9 * depth;
        format!("padding-left: {}.{}rem", tenths / 10, tenths % 10)
    };
    html! {
        <nav class="file-tree" aria-label="Project files">
            <div class="file-tree-head">
                <h2>{"Files"}</h2>
                if !read_only {
                    <div class="file-actions">
                        <button type="button" onclick={on_new} aria-label="New file" title="New file">{"New"}</button>
                        <button type="button" onclick={on_rename} disabled={open_name.is_none()}
                            aria-label={format!("Rename {}", open_name.clone().unwrap_or_default())} title="Rename the open file">{"Rename"}</button>
                        <button type="button" onclick={on_delete} disabled={open_name.is_none()}
                            aria-label={format!("Delete {}", open_name.clone().unwrap_or_default())} title="Delete the open file">{"Delete"}</button>
                    </div>
                }
            </div>
            <ul id="file-list">
                { for rows.into_iter().map(|row| {
                    let path = match row {
                        Row::Folder { dir, count, foldable, open: is_open } => {
                            let label = relative(&dir);
                            let depth = label.matches('/').count();
                            let name = label.rsplit('/').next().unwrap_or(&label).to_string();
                            if !foldable {
                                return html! {
                                    <li class="folder-name" style={indent(depth)} title={format!("{label}/")}>{format!("{name}/")}</li>
                                };
                            }
                            let toggle = {
                                let expanded = expanded.clone();
                                let dir = dir.clone();
                                Callback::from(move |_: MouseEvent| {
                                    let mut next = (*expanded).clone();
                                    match next.iter().position(|folder| *folder == dir) {
                                        Some(index) => {
                                            next.remove(index);
                                        }
                                        None => next.push(dir.clone()),
                                    }
                                    expanded.set(next);
                                })
                            };
                            return html! {
                                <li>
                                    <button type="button" class="file folder" style={indent(depth)}
                                        title={format!("{label}/")} aria-expanded={is_open.to_string()} onclick={toggle}>
                                        {format!("{} {name}/ ({count} files)", if is_open { "▾" } else { "▸" })}
                                    </button>
                                </li>
                            };
                        }
                        Row::File(path) => path,
                    };
                    let label = relative(&path);
                    let depth = label.matches('/').count();
                    let name = label.rsplit('/').next().unwrap_or(&label).to_string();
                    let selected = open.as_deref() == Some(path.as_str());
                    let onclick = {
                        let handle = handle.clone();
                        let path = path.clone();
                        Callback::from(move |_: MouseEvent| handle.open(&path))
                    };
                    html! {
                        <li>
                            <button type="button"
                                class={classes!("file", selected.then_some("selected"))}
                                style={indent(depth)}
                                title={label.clone()}
                                aria-label={label.clone()}
                                aria-current={selected.then_some("true")}
                                {onclick}>
                                {name}
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
