//! The file editor: a text area over a coloured copy of the same text (Python, INI and Mako
//! colouring from [`crate::playground::views::highlight`]), line numbers, and the engine's findings marked on
//! their lines. Every edit is saved. Keys: Tab indents, Shift+Tab or Escape leaves the editor
//! (no keyboard trap), Ctrl/Cmd+S saves now, Ctrl/Cmd+Enter runs the terminal's line.

use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::playground::project::PROJECT_DIR;
use crate::web::store::{topic, use_store, Action, Store};

/// Focuses an element by id (the terminal's input, the file list).
pub fn focus(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(id))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

#[function_component(Editor)]
pub fn editor() -> Html {
    let saved_flash = use_state(|| false);
    let Some(handle) = use_store(topic::EDITOR) else {
        return html! {};
    };
    // Findings (lint for revision files, syntax errors for any Python file), marked on their
    // lines and listed under the title: computed again after every change but a keystroke,
    // and when typing pauses.
    let findings = {
        let handle = handle.clone();
        use_memo(
            (handle.open_file(), handle.settled_generation()),
            move |(path, _)| {
                path.as_ref()
                    .map(|path| handle.file_problems(path))
                    .unwrap_or_default()
            },
        )
    };
    // The editor fills a plain block (`editor-frame`), so the browser can lay it out alone
    // (`contain: strict` in the stylesheet): a keystroke re-lays out the editor, not the page.
    html! { <div class="editor-frame">{ editor_view(&handle, &findings, saved_flash) }</div> }
}

fn editor_view(
    handle: &Store,
    findings: &[crate::playground::checks::lint::Finding],
    saved_flash: UseStateHandle<bool>,
) -> Html {
    let Some(path) = handle.open_file() else {
        return html! { <section class="editor empty">{"Open a file on the left."}</section> };
    };
    let Some(text) = handle.read_file(&path) else {
        return html! { <section class="editor empty">{"This file no longer exists. Open a file on the left."}</section> };
    };
    let line_count = text.split('\n').count();
    let oninput = {
        let handle = handle.clone();
        let path = path.clone();
        let saved_flash = saved_flash.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            handle.act(
                "Edit",
                Action::Type {
                    path: path.clone(),
                    text: area.value(),
                },
            );
            if *saved_flash {
                saved_flash.set(false);
            }
        })
    };
    let read_only = handle.read_only();
    let onkeydown = {
        let handle = handle.clone();
        let path = path.clone();
        let saved_flash = saved_flash.clone();
        Callback::from(move |event: KeyboardEvent| {
            let command = event.ctrl_key() || event.meta_key();
            match event.key().as_str() {
                "s" | "S" if command => {
                    event.prevent_default();
                    handle.save_now();
                    saved_flash.set(true);
                }
                "Enter" if command => {
                    event.prevent_default();
                    focus("terminal-input");
                    let line = web_sys::window()
                        .and_then(|window| window.document())
                        .and_then(|document| document.get_element_by_id("terminal-input"))
                        .and_then(|element| element.dyn_into::<web_sys::HtmlInputElement>().ok());
                    if let Some(input) = line {
                        let typed = input.value();
                        if !typed.trim().is_empty() {
                            handle.run(&typed);
                            input.set_value("");
                        }
                    }
                }
                "Escape" => focus("editor-title"),
                "Tab" if event.shift_key() => {
                    event.prevent_default();
                    focus("editor-title");
                }
                "Tab" if !read_only && !command && !event.alt_key() => {
                    event.prevent_default();
                    let area: HtmlTextAreaElement = event.target_unchecked_into();
                    insert_at_cursor(&area, "    ");
                    handle.act(
                        "Edit",
                        Action::Type {
                            path: path.clone(),
                            text: area.value(),
                        },
                    );
                }
                _ => {}
            }
        })
    };
    let label = path
        .strip_prefix(&format!("{PROJECT_DIR}/"))
        .unwrap_or(&path)
        .to_string();
    let marked: Vec<u32> = findings.iter().map(|finding| finding.line).collect();
    let lines = crate::playground::views::highlight::highlight(&path, &text);
    let gutter = (1..=line_count).map(|number| {
        let marked = marked.contains(&(number as u32));
        html! { <span class={classes!(marked.then_some("marked"))}>{number}{"\n"}</span> }
    });
    let coloured = lines.into_iter().enumerate().map(|(index, pieces)| {
        let marked = marked.contains(&(index as u32 + 1));
        html! {
            <span class={classes!("line", marked.then_some("marked"))}>
                { for pieces.into_iter().map(|(kind, piece)| match kind.class() {
                    Some(class) => html! { <span class={class}>{piece}</span> },
                    None => html! { {piece} },
                }) }
                {"\n"}
            </span>
        }
    });
    html! {
        <section class="editor">
            <div class="editor-title" id="editor-title" tabindex="-1">
                <span>{label.clone()}</span>
                if *saved_flash { <span class="saved" role="status">{"saved"}</span> }
            </div>
            if !findings.is_empty() {
                <ul class="findings" id="editor-findings" aria-label="Problems in this file">
                    { for findings.iter().map(|finding| html! {
                        <li><span class="where">{format!("line {}:{}", finding.line, finding.column)}</span>{" "}<span class="rule">{finding.rule}</span>{" "}{finding.message.clone()}</li>
                    }) }
                </ul>
            }
            <div class="editor-body">
                <pre class="gutter" aria-hidden="true">{ for gutter }</pre>
                <div class="code-stack">
                    <pre class="code coloured" aria-hidden="true">{ for coloured }{" "}</pre>
                    <textarea
                        class="code input"
                        wrap="off"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        aria-label={format!("Contents of {label}")}
                        aria-describedby={(!findings.is_empty()).then_some("editor-findings")}
                        value={text}
                        readonly={read_only}
                        {oninput}
                        {onkeydown} />
                </div>
            </div>
        </section>
    }
}

/// Replaces the selection with `text`, as typing would (the browser's undo keeps working).
fn insert_at_cursor(area: &HtmlTextAreaElement, text: &str) {
    // `insertText` goes through the browser's editing stack, so Ctrl+Z undoes it.
    let inserted = area
        .owner_document()
        .and_then(|document| document.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|document| {
            document
                .exec_command_with_show_ui_and_value("insertText", false, text)
                .ok()
        })
        .unwrap_or(false);
    if !inserted {
        let start = area.selection_start().ok().flatten().unwrap_or(0);
        let end = area.selection_end().ok().flatten().unwrap_or(start);
        let _ = area.set_range_text_with_start_and_end(text, start, end);
        let cursor = start + text.encode_utf16().count() as u32;
        let _ = area.set_selection_range(cursor, cursor);
    }
}
