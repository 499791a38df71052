//! The terminal: type `alembic <command>`; stdout, log lines (stderr) and errors look different.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::output::Channel;
use crate::playground::project::TranscriptEntry;
use crate::web::store::{topic, use_store};

/// How one output line looks: results, log lines, and errors are told apart.
fn line_class(channel: Channel, line: &str) -> &'static str {
    let error = line.starts_with("FAILED:")
        || line.starts_with("ERROR [")
        || line.starts_with("Traceback (most recent call last):")
        || line.starts_with("alembic-playground: error:")
        || line.contains(": error: ")
        || (channel == Channel::Stderr
            && !line.starts_with("INFO ")
            && !line.starts_with(' ')
            && line.contains("Error"));
    match (error, channel) {
        (true, _) => "error",
        (false, Channel::Stdout) => "result",
        (false, Channel::Stderr) if line.contains("UserWarning") => "warning",
        (false, Channel::Stderr) => "log",
    }
}

#[function_component(Terminal)]
pub fn terminal() -> Html {
    let Some(handle) = use_store(topic::TERMINAL) else {
        return html! {};
    };
    let input = use_node_ref();
    let scroll = use_node_ref();
    // Position in the command history while browsing with up/down (None = editing a new line).
    let history_position = use_mut_ref(|| None::<usize>);
    // Completion candidates shown under the prompt after an ambiguous Tab.
    let candidates = use_state(String::new);
    // The line being run: shown (with a spinner) until it finishes, so a long upgrade is
    // visibly working. The command runs after the browser has painted that.
    let running = use_state(|| None::<String>);
    {
        let scroll = scroll.clone();
        let length = handle.transcript().len();
        use_effect_with(length, move |_| {
            if let Some(element) = scroll.cast::<web_sys::Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    let onkeydown = {
        let handle = handle.clone();
        let input = input.clone();
        let history_position = history_position.clone();
        let candidates = candidates.clone();
        let running = running.clone();
        Callback::from(move |event: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match event.key().as_str() {
                "Enter" => {
                    if running.is_some() {
                        return;
                    }
                    let line = field.value();
                    field.set_value("");
                    *history_position.borrow_mut() = None;
                    if !line.trim().starts_with("alembic") {
                        handle.run(&line);
                        return;
                    }
                    running.set(Some(line.trim().to_string()));
                    let handle = handle.clone();
                    let running = running.clone();
                    // Two frames: the first paints the "running" line, the second runs.
                    let frame = gloo::render::request_animation_frame(move |_| {
                        gloo::timers::callback::Timeout::new(0, move || {
                            handle.run(&line);
                            running.set(None);
                        })
                        .forget();
                    });
                    std::mem::forget(frame);
                }
                "ArrowUp" | "ArrowDown" => {
                    event.prevent_default();
                    let history = handle.history();
                    if history.is_empty() {
                        return;
                    }
                    let mut position = history_position.borrow_mut();
                    let next = match (event.key().as_str(), *position) {
                        ("ArrowUp", None) => Some(history.len() - 1),
                        ("ArrowUp", Some(index)) => Some(index.saturating_sub(1)),
                        ("ArrowDown", Some(index)) if index + 1 < history.len() => Some(index + 1),
                        _ => None,
                    };
                    *position = next;
                    field.set_value(
                        next.and_then(|index| history.get(index))
                            .map(String::as_str)
                            .unwrap_or(""),
                    );
                }
                "Tab" => {
                    event.prevent_default();
                    let line = field.value();
                    let completion = handle.complete(&line);
                    let prefix = completion.common_prefix();
                    if completion.candidates.len() == 1 {
                        field.set_value(&format!("{}{} ", &line[..completion.start], prefix));
                    } else if prefix.len() > line.len() - completion.start {
                        field.set_value(&format!("{}{}", &line[..completion.start], prefix));
                    } else if completion.candidates.len() > 1 {
                        candidates.set(completion.candidates.join("  "));
                    }
                }
                _ => candidates.set(String::new()),
            }
        })
    };
    let focus = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        })
    };
    let transcript = handle.transcript();
    html! {
        <section class="terminal" aria-label="Terminal" onclick={focus}>
            <div class="terminal-scroll" ref={scroll} role="log" aria-live="polite">
                if transcript.is_empty() {
                    <div class="note">{"Type alembic commands here, e.g. alembic revision -m \"create account table\", then alembic upgrade head. Type help for more."}</div>
                }
                { for transcript.iter().map(|entry| match entry {
                    TranscriptEntry::Command(line) => html! { <div class="line command"><span class="prompt">{"$ "}</span>{line}</div> },
                    TranscriptEntry::Output { channel, text } => html! {
                        <pre class={classes!("line", if *channel == Channel::Stdout { "stdout" } else { "stderr" })}>
                            { for text.split_inclusive('\n').map(|line| html! {
                                <span class={line_class(*channel, line)}>{line}</span>
                            }) }
                        </pre>
                    },
                    TranscriptEntry::Note(text) => html! {
                        <aside class="playground-note" aria-label="Note from the playground">{text}</aside>
                    },
                    TranscriptEntry::Explanation(text) => html! {
                        <aside class="explain" aria-label="Explanation from the playground">
                            <strong>{"Why this happened: "}</strong>{text}
                        </aside>
                    },
                }) }
                if let Some(line) = (*running).clone() {
                    <div class="line running-line" role="status">
                        <span class="prompt">{"$ "}</span>{line}
                        <span class="spinner small" aria-hidden="true"></span>
                        <span class="muted">{" running…"}</span>
                    </div>
                }
            </div>
            if !candidates.is_empty() {
                <div class="completions" aria-live="polite">{ (*candidates).clone() }</div>
            }
            <div class="terminal-input">
                <span class="prompt" aria-hidden="true">{"$"}</span>
                <input ref={input} id="terminal-input" type="text" spellcheck="false" autocomplete="off"
                    aria-label="Terminal command" placeholder="alembic upgrade head" {onkeydown} />
            </div>
        </section>
    }
}
