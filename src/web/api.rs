//! `window.playground`: the scripting API for host pages and tests.
//!
//! `run(line)` → `{stdout, stderr, exitCode}`; `readFile(path)`, `writeFile(path, text)`,
//! `writeFiles({path: text, ...})`, `loadProject({path: text, ...})` (replaces the project), `removeFile(path)`, `saveState()` (how saving stands), `listFiles()`, `query(sql)` → `{columns, rows}` or throws, `undo()` (the last alembic command), `shareUrl()`, `exportZip(includeDatabase)` → bytes of a zip real Alembic runs, `reset()`. Paths are relative to
//! the project (`alembic/versions/x.py`) or absolute (`/project/...`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::store::{Action, Outcome, Store};
use crate::playground::project::PROJECT_DIR;
use crate::playground::session::Session;

fn project_path(path: &str) -> String {
    crate::host::join(PROJECT_DIR, path)
}

fn set(target: &js_sys::Object, name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(name), value);
}

/// Sets a property of `window.playground` (a state the page reports, such as
/// `postgresql`), once it is installed.
#[cfg(feature = "postgresql")]
pub fn publish(name: &str, value: &JsValue) {
    let api = web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window, &JsValue::from_str("playground")).ok())
        .filter(|api| api.is_object());
    if let Some(api) = api {
        let _ = js_sys::Reflect::set(&api, &JsValue::from_str(name), value);
    }
}

/// Installs `window.playground` for this session.
pub fn install(handle: Store) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = js_sys::Object::new();

    let run_handle = handle.clone();
    let run = Closure::<dyn Fn(String) -> JsValue>::new(move |line: String| {
        let output = run_handle.run_now(&line);
        let result = js_sys::Object::new();
        set(&result, "stdout", &JsValue::from_str(&output.stdout_text()));
        set(&result, "stderr", &JsValue::from_str(&output.stderr_text()));
        set(
            &result,
            "exitCode",
            &JsValue::from_f64(output.exit_code as f64),
        );
        result.into()
    });
    set(&api, "run", run.as_ref().unchecked_ref());
    run.forget();

    let read_handle = handle.clone();
    let read_file =
        Closure::<dyn Fn(String) -> JsValue>::new(move |path: String| {
            match read_handle.read_file(&project_path(&path)) {
                Some(text) => JsValue::from_str(&text),
                None => JsValue::NULL,
            }
        });
    set(&api, "readFile", read_file.as_ref().unchecked_ref());
    read_file.forget();

    let write_handle = handle.clone();
    let write_file = Closure::<dyn Fn(String, String) -> Result<(), JsValue>>::new(
        move |path: String, text: String| {
            let path = crate::playground::project::project_path(&path)
                .map_err(|message| js_error(&message))?;
            write_handle.write_file(&path, &text);
            Ok(())
        },
    );
    set(&api, "writeFile", write_file.as_ref().unchecked_ref());
    write_file.forget();

    let write_many_handle = handle.clone();
    let write_files = Closure::<dyn Fn(JsValue)>::new(move |files: JsValue| {
        let entries = js_sys::Object::entries(&js_sys::Object::from(files));
        let mut pairs = Vec::new();
        for entry in entries.iter() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(path), Some(text)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                pairs.push((project_path(&path), text));
            }
        }
        if let Err(message) = write_many_handle.dispatch(Action::WriteFiles(pairs)) {
            write_many_handle.show_error(message.to_string());
        }
    });
    set(&api, "writeFiles", write_files.as_ref().unchecked_ref());
    write_files.forget();

    let load_handle = handle.clone();
    let load_project =
        Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |files: JsValue| {
            let entries = js_sys::Object::entries(&js_sys::Object::from(files));
            let mut pairs = Vec::new();
            for entry in entries.iter() {
                let pair = js_sys::Array::from(&entry);
                if let (Some(path), Some(text)) = (pair.get(0).as_string(), pair.get(1).as_string())
                {
                    pairs.push((path, text));
                }
            }
            let session = Session::from_files(&pairs).map_err(|message| js_error(&message))?;
            load_handle.replace_session(session, "load project");
            Ok(())
        });
    set(&api, "loadProject", load_project.as_ref().unchecked_ref());
    load_project.forget();

    let remove_handle = handle.clone();
    let remove_file = Closure::<dyn Fn(String)>::new(move |path: String| {
        if let Err(message) = remove_handle.dispatch(Action::DeleteFile(project_path(&path))) {
            remove_handle.show_error(message.to_string());
        }
    });
    set(&api, "removeFile", remove_file.as_ref().unchecked_ref());
    remove_file.forget();

    let list_handle = handle.clone();
    let list_files = Closure::<dyn Fn() -> JsValue>::new(move || {
        let prefix = format!("{PROJECT_DIR}/");
        let list = js_sys::Array::new();
        for path in list_handle.file_paths() {
            list.push(&JsValue::from_str(
                path.strip_prefix(&prefix).unwrap_or(&path),
            ));
        }
        list.into()
    });
    set(&api, "listFiles", list_files.as_ref().unchecked_ref());
    list_files.forget();

    let query_handle = handle.clone();
    let query = Closure::<dyn Fn(String) -> Result<JsValue, JsValue>>::new(move |sql: String| {
        let (columns, rows) = match query_handle.dispatch(Action::Query(sql)) {
            Ok(Outcome::Rows(columns, rows)) => (columns, rows),
            Ok(_) => (Vec::new(), Vec::new()),
            Err(error) => return Err(js_error(&error)),
        };
        let result = js_sys::Object::new();
        let column_list = js_sys::Array::new();
        for column in columns {
            column_list.push(&JsValue::from_str(&column));
        }
        let row_list = js_sys::Array::new();
        for row in rows {
            let values = js_sys::Array::new();
            for value in row {
                values.push(&match value {
                    crate::runtime::SqlValue::Null => JsValue::NULL,
                    crate::runtime::SqlValue::Integer(number) => JsValue::from_f64(number as f64),
                    crate::runtime::SqlValue::Real(number) => JsValue::from_f64(number),
                    other => JsValue::from_str(&other.display()),
                });
            }
            row_list.push(&values);
        }
        set(&result, "columns", &column_list);
        set(&result, "rows", &row_list);
        Ok(result.into())
    });
    set(&api, "query", query.as_ref().unchecked_ref());
    query.forget();

    let share_handle = handle.clone();
    let share_url = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || {
        share_handle
            .share_url()
            .map(|url| JsValue::from_str(&url))
            .map_err(|message| js_error(&message))
    });
    set(&api, "shareUrl", share_url.as_ref().unchecked_ref());
    share_url.forget();

    let export_handle = handle.clone();
    let export_zip = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(
        move |include_database: JsValue| {
            export_handle
                .export_zip(include_database.is_truthy())
                .map(|bytes| js_sys::Uint8Array::from(bytes.as_slice()).into())
                .map_err(|message| js_error(&message))
        },
    );
    set(&api, "exportZip", export_zip.as_ref().unchecked_ref());
    export_zip.forget();

    let undo_handle = handle.clone();
    let undo = Closure::<dyn Fn() -> Result<(), JsValue>>::new(move || {
        undo_handle
            .dispatch(Action::Undo)
            .map(|_| ())
            .map_err(|message| js_error(&message))
    });
    set(&api, "undo", undo.as_ref().unchecked_ref());
    undo.forget();

    let state_handle = handle.clone();
    let save_state = Closure::<dyn Fn() -> JsValue>::new(move || {
        let (generation, pending, paused, off, failed) = state_handle.save_state();
        let state = js_sys::Object::new();
        set(&state, "generation", &JsValue::from_f64(generation));
        set(&state, "pending", &JsValue::from_bool(pending));
        set(&state, "paused", &JsValue::from_bool(paused));
        set(
            &state,
            "off",
            &off.map(|why| JsValue::from_str(&why))
                .unwrap_or(JsValue::NULL),
        );
        set(&state, "failed", &JsValue::from_bool(failed));
        state.into()
    });
    set(&api, "saveState", save_state.as_ref().unchecked_ref());
    save_state.forget();

    let handle_embed = handle.embed();
    #[cfg(feature = "postgresql")]
    set(
        &api,
        "postgresql",
        &crate::web::store::postgresql_label(&handle.postgresql()),
    );
    let reset_handle = handle;
    let reset = Closure::<dyn Fn()>::new(move || reset_handle.reset());
    set(&api, "reset", reset.as_ref().unchecked_ref());
    reset.forget();

    let ready_at = web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| performance.now())
        .unwrap_or(0.0);
    set(&api, "readyAt", &JsValue::from_f64(ready_at));
    set(&api, "ready", &JsValue::TRUE);
    set(&window, "playground", &api);
    // The message API exists only in an embed, for the page that frames it.
    if let Some(options) = handle_embed {
        install_post_message(&window, &api, options.origins.clone());
    }
}

/// The same API for cross-origin embeds: the page that frames the embed posts
/// `{id, method, args}` to the iframe and gets `{id, result}` or `{id, error}` back. Only
/// `window.playground`'s methods can be called, with the given arguments; nothing else is
/// reachable. Messages are answered only when they come from `window.parent` (never from
/// another frame, an opener or a popup), only when the page really is framed, and, when the
/// embed names `origin=`, only from those origins. Anything else is ignored without a reply.
fn install_post_message(window: &web_sys::Window, api: &js_sys::Object, origins: Vec<String>) {
    let api = api.clone();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if js_sys::Object::is(&parent, window) {
        return;
    }
    let listener = gloo::events::EventListener::new(window, "message", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let from_parent = event
            .source()
            .is_some_and(|source| js_sys::Object::is(&source, &parent));
        if !from_parent || (!origins.is_empty() && !origins.contains(&event.origin())) {
            return;
        }
        let data = event.data();
        let get = |name: &str| {
            js_sys::Reflect::get(&data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
        };
        let (id, method) = (get("id"), get("method"));
        let Some(method) = method.as_string() else {
            return;
        };
        const METHODS: &[&str] = &[
            "run",
            "readFile",
            "writeFile",
            "listFiles",
            "query",
            "shareUrl",
            "reset",
            "undo",
            "exportZip",
        ];
        let reply = js_sys::Object::new();
        set(&reply, "id", &id);
        if !METHODS.contains(&method.as_str()) {
            set(
                &reply,
                "error",
                &JsValue::from_str(&format!("unknown method '{method}'")),
            );
        } else {
            let args = get("args");
            let args = if js_sys::Array::is_array(&args) {
                js_sys::Array::from(&args)
            } else {
                js_sys::Array::new()
            };
            let function = js_sys::Reflect::get(&api, &JsValue::from_str(&method))
                .ok()
                .and_then(|value| value.dyn_into::<js_sys::Function>().ok());
            match function.map(|function| function.apply(&JsValue::NULL, &args)) {
                Some(Ok(result)) => set(&reply, "result", &result),
                Some(Err(error)) => set(&reply, "error", &error),
                None => set(&reply, "error", &JsValue::from_str("method unavailable")),
            }
        }
        // The reply goes to the parent, addressed to the origin the message came from (a
        // sandboxed parent's origin is "null", which postMessage cannot address: then "*",
        // still only to the parent window).
        let origin = event.origin();
        let target = if origin.is_empty() || origin == "null" {
            "*".to_string()
        } else {
            origin
        };
        let _ = parent.post_message(&reply, &target);
    });
    listener.forget();
}

/// An error as the script calling `window.playground` receives it: its text.
fn js_error(error: &dyn std::fmt::Display) -> JsValue {
    JsValue::from_str(&error.to_string())
}
