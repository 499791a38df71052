//! The file editor: a text area with line numbers; every edit is saved.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::app::SessionHandle;
use crate::fs::FileSystem;
use crate::session::PROJECT_DIR;

#[function_component(Editor)]
pub fn editor() -> Html {
    let Some(handle) = use_context::<SessionHandle>() else {
        return html! {};
    };
    let Some(path) = handle.open_file() else {
        return html! { <section class="editor empty">{"Open a file on the left."}</section> };
    };
    let text = handle
        .session()
        .files
        .read_to_string(&path)
        .unwrap_or_default();
    let line_count = text.lines().count().max(1) + usize::from(text.ends_with('\n'));
    let oninput = {
        let handle = handle.clone();
        let path = path.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            handle.write_file(&path, &area.value());
        })
    };
    let label = path
        .strip_prefix(&format!("{PROJECT_DIR}/"))
        .unwrap_or(&path)
        .to_string();
    // Lint findings for a revision file, shown under the title (the same as `lint` prints).
    let findings = if path.contains("/versions/") {
        handle
            .session
            .borrow_mut()
            .lint(Some(&path))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    html! {
        <section class="editor">
            <div class="editor-title">{label.clone()}</div>
            if !findings.is_empty() {
                <ul class="findings" aria-label="Lint findings">
                    { for findings.iter().map(|finding| html! {
                        <li><span class="where">{format!("line {}:{}", finding.line, finding.column)}</span>{" "}<span class="rule">{finding.rule}</span>{" "}{finding.message.clone()}</li>
                    }) }
                </ul>
            }
            <div class="editor-body">
                <pre class="gutter" aria-hidden="true">{ (1..=line_count).map(|n| format!("{n}\n")).collect::<String>() }</pre>
                <textarea
                    class="code"
                    rows={line_count.to_string()}
                    wrap="off"
                    spellcheck="false"
                    aria-label={format!("Contents of {label}")}
                    value={text}
                    readonly={handle.embed.as_ref().is_some_and(|options| options.read_only)}
                    {oninput} />
            </div>
        </section>
    }
}
