//! A draggable, keyboard-operable separator between two panels (WAI-ARIA "window splitter"):
//! drag it, or focus it and use the arrow keys, Home and End. It resizes the panel before it
//! (or after it, with `after`) and reports the new size in pixels.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    /// What it resizes, for screen readers ("Resize the file list").
    pub label: AttrValue,
    /// Resizes widths (a vertical bar) rather than heights.
    pub vertical: bool,
    /// Resize the panel after the bar instead of the one before it.
    #[prop_or_default]
    pub after: bool,
    pub min: i32,
    pub max: i32,
    /// The current size, when known (for `aria-valuenow` and the keyboard).
    pub value: Option<i32>,
    pub on_change: Callback<i32>,
}

/// The size of the panel the bar resizes, measured now.
fn measure(bar: &web_sys::Element, vertical: bool, after: bool) -> Option<i32> {
    let panel = if after {
        bar.next_element_sibling()?
    } else {
        bar.previous_element_sibling()?
    };
    let rect = panel.get_bounding_client_rect();
    Some(if vertical {
        rect.width()
    } else {
        rect.height()
    } as i32)
}

#[function_component(Splitter)]
pub fn splitter(props: &SplitterProps) -> Html {
    let listeners = use_mut_ref(Vec::<gloo::events::EventListener>::new);
    let bar_ref = use_node_ref();
    let clamp = {
        let (min, max) = (props.min, props.max);
        move |size: i32| size.clamp(min, max)
    };
    let onpointerdown = {
        let listeners = listeners.clone();
        let bar_ref = bar_ref.clone();
        let on_change = props.on_change.clone();
        let (vertical, after) = (props.vertical, props.after);
        Callback::from(move |event: PointerEvent| {
            let Some(bar) = bar_ref.cast::<web_sys::Element>() else {
                return;
            };
            let Some(start_size) = measure(&bar, vertical, after) else {
                return;
            };
            event.prevent_default();
            let start = if vertical {
                event.client_x()
            } else {
                event.client_y()
            };
            let Some(window) = web_sys::window() else {
                return;
            };
            let on_change = on_change.clone();
            let moved = gloo::events::EventListener::new(&window, "pointermove", move |event| {
                if let Some(event) = event.dyn_ref::<web_sys::PointerEvent>() {
                    let now = if vertical {
                        event.client_x()
                    } else {
                        event.client_y()
                    };
                    let delta = if after { start - now } else { now - start };
                    on_change.emit(clamp(start_size + delta));
                }
            });
            let stop_listeners: Rc<RefCell<Vec<gloo::events::EventListener>>> = listeners.clone();
            let released = gloo::events::EventListener::new(&window, "pointerup", move |_| {
                // Dropping the listeners ends the drag (deferred: we are inside one of them).
                let stop_listeners = stop_listeners.clone();
                gloo::timers::callback::Timeout::new(0, move || {
                    stop_listeners.borrow_mut().clear()
                })
                .forget();
            });
            *listeners.borrow_mut() = vec![moved, released];
        })
    };
    let onkeydown = {
        let bar_ref = bar_ref.clone();
        let on_change = props.on_change.clone();
        let (vertical, after, min, max) = (props.vertical, props.after, props.min, props.max);
        Callback::from(move |event: KeyboardEvent| {
            let Some(current) = bar_ref
                .cast::<web_sys::Element>()
                .and_then(|bar| measure(&bar, vertical, after))
            else {
                return;
            };
            let step = if event.shift_key() { 64 } else { 16 };
            let grow = if after { -step } else { step };
            let size = match (event.key().as_str(), vertical) {
                ("ArrowRight", true) | ("ArrowDown", false) => current + grow,
                ("ArrowLeft", true) | ("ArrowUp", false) => current - grow,
                ("Home", _) => min,
                ("End", _) => max,
                _ => return,
            };
            event.prevent_default();
            on_change.emit(clamp(size));
        })
    };
    html! {
        <div
            ref={bar_ref}
            class={classes!("splitter", if props.vertical { "vertical" } else { "horizontal" })}
            role="separator"
            tabindex="0"
            aria-label={props.label.clone()}
            aria-orientation={if props.vertical { "vertical" } else { "horizontal" }}
            aria-valuemin={props.min.to_string()}
            aria-valuemax={props.max.to_string()}
            aria-valuenow={props.value.map(|value| value.to_string())}
            {onpointerdown}
            {onkeydown} />
    }
}
