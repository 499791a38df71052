//! The lessons panel: pick a lesson, start it (on its own project), and see each step's goal
//! checked against the real state after every command and edit. Progress lives in the
//! session (so it is saved, shared and restored with it); finished lessons are remembered in
//! browser storage; `#lesson=<id>` links start a lesson. Below it, the example gallery
//! (`#example=<id>` links open one). Both replace the project; "Undo last command" brings it back.

use yew::prelude::*;

use crate::playground::learning::lessons::{start, LESSONS};
use crate::web::confirm;
use crate::web::host::{BrowserClock, BrowserIds};
use crate::web::store::{topic, use_store, Action, Store};

const DONE_KEY: &str = "alembic-playground/lessons-done";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn completed() -> Vec<String> {
    local_storage()
        .and_then(|storage| storage.get_item(DONE_KEY).ok().flatten())
        .map(|text| {
            text.split(',')
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn mark_completed(id: &str) {
    let mut done = completed();
    if !done.iter().any(|existing| existing == id) {
        done.push(id.to_string());
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(DONE_KEY, &done.join(","));
        }
    }
}

/// Starts a lesson on its own project after asking (the learner's files are replaced).
fn begin(handle: &Store, id: &str) {
    if !confirm("Start this lesson on its own project? Your current files and database will be replaced (Undo last command brings them back).") {
        return;
    }
    if let Some(lesson) = LESSONS.iter().find(|lesson| lesson.id == id) {
        handle.replace_session(
            start(lesson, &BrowserClock, &mut BrowserIds),
            &format!("start lesson {}", lesson.title),
        );
    }
}

/// Opens an example project after asking (the learner's files are replaced; undoable).
fn open_example(handle: &Store, id: &str) {
    let Some(example) = crate::playground::learning::examples::find(id) else {
        return;
    };
    if confirm(&format!("Open the example \"{}\"? Your current files and database will be replaced (Undo last command brings them back).", example.title)) {
        handle.replace_session(
            crate::playground::learning::examples::open(example, &BrowserClock, &mut BrowserIds),
            &format!("open example {}", example.title),
        );
    }
}

#[function_component(LessonsPanel)]
pub fn lessons_panel() -> Html {
    let Some(handle) = use_store(topic::LESSON) else {
        return html! {};
    };
    // A link to a lesson (`#lesson=<id>`) starts it.
    {
        let handle = handle.clone();
        use_effect_with((), move |_| {
            let hash = web_sys::window()
                .and_then(|window| window.location().hash().ok())
                .unwrap_or_default();
            let lesson_link = hash.strip_prefix("#lesson=");
            let example_link = hash.strip_prefix("#example=");
            if lesson_link.is_some() || example_link.is_some() {
                if let Some(id) =
                    lesson_link.filter(|id| LESSONS.iter().any(|lesson| lesson.id == *id))
                {
                    begin(&handle, id);
                }
                if let Some(id) = example_link {
                    open_example(&handle, id);
                }
                if let Some(window) = web_sys::window() {
                    let path = window.location().pathname().unwrap_or_default();
                    if let Ok(history) = window.history() {
                        let _ = history.replace_state_with_url(
                            &wasm_bindgen::JsValue::NULL,
                            "",
                            Some(&path),
                        );
                    }
                }
            }
        });
    }
    // Move the progress forward from the current state (sticky, in order).
    let active = handle.advance_lesson();
    if let Some((lesson, _, true)) = &active {
        mark_completed(lesson.id);
    }
    let done_lessons = completed();
    let choices = LESSONS.iter().map(|lesson| {
        let on_start = {
            let handle = handle.clone();
            let id = lesson.id;
            Callback::from(move |_: MouseEvent| begin(&handle, id))
        };
        let finished = done_lessons.iter().any(|done| done == lesson.id);
        html! {
            <li>
                <button type="button" class="lesson-start" onclick={on_start}>
                    {lesson.title}
                    if finished { <span class="check" aria-label="completed">{" ✓"}</span> }
                </button>
            </li>
        }
    });
    let current = active.map(|(lesson, done, finished)| {
        let first_open = done.iter().position(|step_done| !step_done);
        let restart = {
            let handle = handle.clone();
            let id = lesson.id;
            Callback::from(move |_: MouseEvent| begin(&handle, id))
        };
        let close = {
            let handle = handle.clone();
            Callback::from(move |_: MouseEvent| {
                let _ = handle.dispatch(Action::CloseLesson);
            })
        };
        html! {
            <div class="lesson" aria-live="polite">
                <h3>{lesson.title}</h3>
                <p>{lesson.introduction}</p>
                <ol>
                    { for lesson.steps.iter().zip(done.iter()).enumerate().map(|(index, (step, step_done))| html! {
                        <li class={classes!(step_done.then_some("done"), (Some(index) == first_open).then_some("next"))}>
                            <span class="check" aria-label={if *step_done { "done" } else { "not done yet" }}>{ if *step_done { "✓" } else { "○" } }</span>
                            {" "}{step.text}
                        </li>
                    }) }
                </ol>
                if finished {
                    <p class="lesson-done">{"Lesson complete."}</p>
                }
                <div class="lesson-actions">
                    <button type="button" onclick={restart}>{"Restart lesson"}</button>
                    <button type="button" onclick={close}>{"Close lesson"}</button>
                </div>
            </div>
        }
    });
    let examples = crate::playground::learning::examples::EXAMPLES.iter().map(|example| {
        let on_open = {
            let handle = handle.clone();
            let id = example.id;
            Callback::from(move |_: MouseEvent| open_example(&handle, id))
        };
        html! {
            <li>
                <button type="button" class="lesson-start" title={example.description} onclick={on_open}>
                    {example.title}
                </button>
            </li>
        }
    });
    html! {
        <>
            <section class="lessons" aria-label="Lessons">
                <h2>{"Lessons"}</h2>
                if let Some(current) = current {
                    { current }
                } else {
                    <ul class="lesson-list">{ for choices }</ul>
                }
            </section>
            <section class="lessons examples" aria-label="Examples">
                <h2>{"Examples"}</h2>
                <ul class="lesson-list">{ for examples }</ul>
            </section>
        </>
    }
}
