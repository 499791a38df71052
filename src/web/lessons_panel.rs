//! The lessons panel: pick a lesson, start it (on its own project), and see each step's goal
//! checked against the real state after every command and edit.

use yew::prelude::*;

use super::app::SessionHandle;
use super::host::{BrowserClock, BrowserIds};
use crate::lessons::{progress, start, LESSONS};

const ACTIVE_KEY: &str = "alembic-playground/lesson";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[function_component(LessonsPanel)]
pub fn lessons_panel() -> Html {
    let Some(handle) = use_context::<SessionHandle>() else {
        return html! {};
    };
    let active = use_state(|| {
        local_storage().and_then(|storage| storage.get_item(ACTIVE_KEY).ok().flatten())
    });
    let lesson = active
        .as_deref()
        .and_then(|id| LESSONS.iter().find(|lesson| lesson.id == id));
    let choices = LESSONS.iter().map(|lesson| {
        let on_start = {
            let handle = handle.clone();
            let active = active.clone();
            let id = lesson.id;
            Callback::from(move |_: MouseEvent| {
                let confirmed = web_sys::window()
                    .and_then(|window| window.confirm_with_message("Start this lesson on its own project? Your current files and database will be replaced (use Share first to keep a link to them).").ok())
                    .unwrap_or(false);
                if !confirmed {
                    return;
                }
                if let Some(lesson) = LESSONS.iter().find(|lesson| lesson.id == id) {
                    let session = start(lesson, &BrowserClock, &mut BrowserIds);
                    handle.replace_session(session);
                    if let Some(storage) = local_storage() {
                        let _ = storage.set_item(ACTIVE_KEY, id);
                    }
                    active.set(Some(id.to_string()));
                }
            })
        };
        html! { <li><button type="button" class="lesson-start" onclick={on_start}>{lesson.title}</button></li> }
    });
    let current = lesson.map(|lesson| {
        let done = progress(lesson, &mut handle.session.borrow_mut());
        let first_open = done.iter().position(|step_done| !step_done);
        let finished = first_open.is_none();
        let close = {
            let active = active.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(storage) = local_storage() {
                    let _ = storage.remove_item(ACTIVE_KEY);
                }
                active.set(None);
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
                <button type="button" onclick={close}>{"Close lesson"}</button>
            </div>
        }
    });
    html! {
        <section class="lessons" aria-label="Lessons">
            <h2>{"Lessons"}</h2>
            if let Some(current) = current {
                { current }
            } else {
                <ul class="lesson-list">{ for choices }</ul>
            }
        </section>
    }
}
