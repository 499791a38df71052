//! Saving the session in the browser (localStorage), and reporting when that fails.

use crate::session::SessionSnapshot;

const KEY: &str = "alembic-playground/session/v1";

/// Saves the snapshot; the error says why it could not be saved (quota, private mode).
pub fn save(snapshot: &SessionSnapshot) -> Result<(), String> {
    let storage = local_storage()?;
    let value = serde_wasm_bindgen::to_value(snapshot).map_err(|error| error.to_string())?;
    let text = js_sys::JSON::stringify(&value)
        .map_err(|_| "could not serialize the session".to_string())?
        .as_string()
        .unwrap_or_default();
    storage.set_item(KEY, &text).map_err(|error| {
        format!(
            "browser storage refused the save ({}); your work stays in this tab until you reload",
            describe(&error)
        )
    })
}

/// The saved snapshot, if there is one and it can be read.
pub fn load() -> Result<Option<SessionSnapshot>, String> {
    let storage = local_storage()?;
    let Some(text) = storage.get_item(KEY).map_err(|error| describe(&error))? else {
        return Ok(None);
    };
    let value = js_sys::JSON::parse(&text)
        .map_err(|_| "the saved session is not valid JSON".to_string())?;
    serde_wasm_bindgen::from_value(value)
        .map(Some)
        .map_err(|error| format!("the saved session could not be read: {error}"))
}

/// Forgets the saved session.
pub fn clear() -> Result<(), String> {
    local_storage()?
        .remove_item(KEY)
        .map_err(|error| describe(&error))
}

fn local_storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or_else(|| "no window".to_string())?
        .local_storage()
        .map_err(|error| describe(&error))?
        .ok_or_else(|| "browser storage is not available (private mode?)".to_string())
}

fn describe(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|message| message.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
