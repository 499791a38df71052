//! The project's files, as a tree the learner clicks to open.

use yew::prelude::*;

use super::app::SessionHandle;
use crate::session::PROJECT_DIR;

#[function_component(FileTree)]
pub fn file_tree() -> Html {
    let Some(handle) = use_context::<SessionHandle>() else {
        return html! {};
    };
    let open = handle.open_file();
    let paths: Vec<String> = handle
        .session()
        .files
        .files()
        .map(|(path, _)| path.clone())
        .filter(|path| !path.ends_with("/README"))
        .collect();
    let prefix = format!("{PROJECT_DIR}/");
    html! {
        <nav class="file-tree" aria-label="Project files">
            <h2>{"Files"}</h2>
            <ul>
                { for paths.into_iter().map(|path| {
                    let label = path.strip_prefix(&prefix).unwrap_or(&path).to_string();
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
                                style={format!("padding-left: {}rem", 0.5 + depth as f32 * 0.9)}
                                title={label.clone()}
                                aria-current={selected.then_some("true")}
                                {onclick}>
                                if depth > 0 { <span class="dir">{ label.rsplit_once('/').map(|(dir, _)| format!("{dir}/")).unwrap_or_default() }</span> }
                                {name}
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
