//! The learner's saved work in the browser: the session as `share::encode_save` bytes (the
//! databases as SQLite's own file bytes) in IndexedDB, written by one tab at a time.
//!
//! Owns: loading at start (with the one-time move of a session saved in localStorage by
//! earlier releases), compare-and-set saves by generation, the record a closing tab writes,
//! keeping unreadable saves aside, and telling the page when another tab saved. The
//! IndexedDB and BroadcastChannel calls are in `storage.js` beside this file.
//! Does not: decide when to save (the app does), or touch the session.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::output::Channel;
use crate::playground::project::{DatabaseImage, SessionSnapshot, TranscriptEntry};
use crate::playground::session::{Session, SessionError};
use crate::playground::transfer::share::ShareError;

#[wasm_bindgen(module = "/src/web/storage.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = loadSave)]
    async fn load_save() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = writeSave)]
    async fn write_save(bytes: &[u8], expected: f64, tab: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = writePending)]
    fn write_pending(bytes: &[u8], base: f64, tab: &str);
    #[wasm_bindgen(catch, js_name = keepAside)]
    async fn keep_aside(bytes: &[u8], reason: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = listAside)]
    async fn list_aside() -> Result<JsValue, JsValue>;
    fn persist();
    #[wasm_bindgen(js_name = cacheForOffline)]
    pub fn cache_for_offline();
    #[wasm_bindgen(js_name = onOtherTabSave)]
    fn on_other_tab_save(callback: &Closure<dyn FnMut(f64, String)>);
}

/// Where earlier releases kept the session (JSON in localStorage); moved once to IndexedDB.
const LEGACY_KEY: &str = "alembic-playground/session/v1";

/// What the page found in storage at start.
pub enum Saved {
    /// Nothing saved yet (or this page does not use storage: see the message).
    Nothing { generation: f64 },
    Found {
        session: Box<Session>,
        open_file: Option<String>,
        generation: f64,
        /// Loaded from localStorage (an earlier release): removed there after the first save.
        legacy: bool,
        /// Something to tell the learner (work of a closed tab kept aside).
        note: Option<String>,
    },
    /// The saved work could not be read; it is kept aside (or, when even that failed, saving
    /// is off so it is never overwritten). The message says which.
    Unreadable {
        message: String,
        generation: f64,
        saving: bool,
    },
    /// Storage cannot be used (private mode, turned off, IndexedDB failing).
    Unavailable(String),
}

/// Why saved work could not be read or written.
#[derive(Debug, PartialEq)]
pub enum StorageError {
    /// The browser's storage refused (its message).
    Browser(String),
    /// A save an earlier release wrote in localStorage that does not parse.
    LegacyDamaged,
    /// A save whose bytes do not decode.
    Damaged(ShareError),
    /// A save that decodes but cannot be opened as a session.
    Session(SessionError),
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageError::Browser(message) => formatter.write_str(message),
            StorageError::LegacyDamaged => {
                formatter.write_str("the saved session (an earlier release's) is damaged")
            }
            StorageError::Damaged(error) => std::fmt::Display::fmt(error, formatter),
            StorageError::Session(error) => std::fmt::Display::fmt(error, formatter),
        }
    }
}

fn browser_error(error: JsValue) -> StorageError {
    StorageError::Browser(describe(&error))
}

fn describe(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|message| message.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A record's `bytes` (none when it has none, or not as bytes).
fn bytes_of(record: &JsValue) -> Vec<u8> {
    field(record, "bytes")
        .dyn_into::<js_sys::Uint8Array>()
        .map(|array| array.to_vec())
        .unwrap_or_default()
}

/// Reads the saved work. Never fails: what went wrong is in the answer.
pub async fn load() -> Saved {
    let record = match load_save().await {
        Ok(record) => record,
        Err(error) => return Saved::Unavailable(describe(&error)),
    };
    let aside = field(&record, "aside");
    let closed_tab_note =
        js_sys::Array::is_array(&aside) && js_sys::Array::from(&aside).length() > 0;
    if record.is_null() || record.is_undefined() {
        return load_legacy().await;
    }
    let generation = field(&record, "generation").as_f64().unwrap_or(0.0);
    let bytes = bytes_of(&record);
    let readable = crate::playground::transfer::share::decode_save(&bytes)
        .map_err(StorageError::Damaged)
        .and_then(|state| {
            Session::from_snapshot(&state.snapshot)
                .map(|session| (session, state.open_file))
                .map_err(StorageError::Session)
        });
    match readable {
        Ok((session, open_file)) => Saved::Found {
            session: Box::new(session),
            open_file,
            generation,
            legacy: false,
            note: closed_tab_note.then(|| "A tab that was closing had changes that another tab's newer save would have replaced; they are kept aside: \"Download kept work\" saves them as a file.".to_string()),
        },
        Err(reason) => unreadable(&bytes, &reason.to_string(), generation).await,
    }
}

/// Keeps unreadable bytes aside and says so.
async fn unreadable(bytes: &[u8], reason: &str, generation: f64) -> Saved {
    match keep_aside(bytes, reason).await {
        Ok(_) => Saved::Unreadable {
            message: format!("Your saved session could not be opened ({reason}). It is kept aside in this browser, untouched: use \"Download kept work\" to save it as a file (Import opens it). This tab starts from the starter project."),
            generation,
            saving: true,
        },
        Err(error) => Saved::Unreadable {
            message: format!("Your saved session could not be opened ({reason}), and it could not be copied aside ({}). This tab will not save, so the saved session stays as it is.", describe(&error)),
            generation,
            saving: false,
        },
    }
}

/// A session an earlier release saved in localStorage, read once.
async fn load_legacy() -> Saved {
    let storage = web_sys::window().and_then(|window| window.local_storage().ok().flatten());
    let Some(text) = storage
        .as_ref()
        .and_then(|storage| storage.get_item(LEGACY_KEY).ok().flatten())
    else {
        return Saved::Nothing { generation: 0.0 };
    };
    let readable = legacy_snapshot(&text)
        .ok_or(StorageError::LegacyDamaged)
        .and_then(|snapshot| Session::from_snapshot(&snapshot).map_err(StorageError::Session));
    match readable {
        Ok(session) => Saved::Found {
            session: Box::new(session),
            open_file: None,
            generation: 0.0,
            legacy: true,
            note: None,
        },
        Err(reason) => {
            let kept = unreadable(text.as_bytes(), &reason.to_string(), 0.0).await;
            if matches!(kept, Saved::Unreadable { saving: true, .. }) {
                if let Some(storage) = storage {
                    let _ = storage.remove_item(LEGACY_KEY);
                }
            }
            kept
        }
    }
}

/// Forgets the localStorage copy once its contents are safely in IndexedDB.
pub fn forget_legacy() {
    if let Some(storage) =
        web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    {
        let _ = storage.remove_item(LEGACY_KEY);
    }
}

/// The JSON earlier releases wrote, or `None` when it is damaged (serde's shape of the old `SessionSnapshot`: databases as
/// SQL statements, transcript entries as `{"Command": text}` and so on).
fn legacy_snapshot(text: &str) -> Option<SessionSnapshot> {
    let value = js_sys::JSON::parse(text).ok()?;
    let list = |value: JsValue| -> Vec<JsValue> {
        if js_sys::Array::is_array(&value) {
            js_sys::Array::from(&value).iter().collect()
        } else {
            Vec::new()
        }
    };
    let text_of = |value: &JsValue| value.as_string();
    // (loops rather than `collect::<Option<_>>()`: each collect compiles a copy of its own)
    let texts = |values: Vec<JsValue>| -> Option<Vec<String>> {
        let mut out = Vec::with_capacity(values.len());
        for value in &values {
            out.push(text_of(value)?);
        }
        Some(out)
    };
    let pair = |value: &JsValue| -> Option<(String, String)> {
        let items = list(value.clone());
        match items.as_slice() {
            [first, second] => Some((text_of(first)?, text_of(second)?)),
            _ => None,
        }
    };
    let pairs = |values: Vec<JsValue>| -> Option<Vec<(String, String)>> {
        let mut out = Vec::with_capacity(values.len());
        for value in &values {
            out.push(pair(value)?);
        }
        Some(out)
    };
    let files = pairs(list(field(&value, "files")))?;
    let dirs = texts(list(field(&value, "dirs")))?;
    let mut databases = Vec::new();
    for database in list(field(&value, "databases")) {
        let items = list(database);
        let [path, statements] = items.as_slice() else {
            return None;
        };
        let statements = texts(list(statements.clone()))?;
        databases.push((text_of(path)?, DatabaseImage::Statements(statements)));
    }
    let history = texts(list(field(&value, "history")))?;
    let mut transcript = Vec::new();
    for entry in list(field(&value, "transcript")) {
        let of = |name: &str| field(&entry, name);
        let item = if let Some(line) = of("Command").as_string() {
            TranscriptEntry::Command(line)
        } else if let Some(note) = of("Note").as_string() {
            TranscriptEntry::Note(note)
        } else if let Some(text) = of("Explanation").as_string() {
            TranscriptEntry::Explanation(text)
        } else {
            let output = of("Output");
            let channel = match field(&output, "channel").as_string().as_deref() {
                Some("Stdout") => Channel::Stdout,
                Some("Stderr") => Channel::Stderr,
                _ => return None,
            };
            TranscriptEntry::Output {
                channel,
                text: text_of(&field(&output, "text"))?,
            }
        };
        transcript.push(item);
    }
    let applied_sources = pairs(list(field(&value, "applied_sources")))?;
    let lesson = {
        let items = list(field(&value, "lesson"));
        match items.as_slice() {
            [id, done] => Some((
                text_of(id)?,
                list(done.clone()).iter().map(JsValue::is_truthy).collect(),
            )),
            _ => None,
        }
    };
    Some(SessionSnapshot {
        files,
        dirs,
        databases,
        history,
        transcript,
        applied_sources,
        lesson,
    })
}

/// How a save ended.
pub enum Written {
    /// Saved as this generation.
    Saved(f64),
    /// Another tab saved newer work since this tab's last load or save: nothing was written.
    Conflict,
}

/// Saves bytes as the generation after `expected`, unless another tab saved since.
pub async fn save(bytes: &[u8], expected: f64, tab: &str) -> Result<Written, StorageError> {
    let answer = write_save(bytes, expected, tab)
        .await
        .map_err(browser_error)?;
    let generation = answer.as_f64().unwrap_or(-1.0);
    persist();
    Ok(if generation < 0.0 {
        Written::Conflict
    } else {
        Written::Saved(generation)
    })
}

/// What a closing tab writes at once (applied on the next load when nothing newer was saved).
pub fn save_while_closing(bytes: &[u8], base: f64, tab: &str) {
    write_pending(bytes, base, tab);
}

/// Everything kept aside, newest first: (reason, bytes).
pub async fn kept_aside() -> Result<Vec<(String, Vec<u8>)>, StorageError> {
    let records = list_aside().await.map_err(browser_error)?;
    Ok(js_sys::Array::from(&records)
        .iter()
        .map(|record| {
            let reason = field(&record, "reason").as_string().unwrap_or_default();
            (reason, bytes_of(&record))
        })
        .collect())
}

/// Calls `on_save(generation, tab)` whenever another tab saves.
pub fn watch_other_tabs(on_save: impl FnMut(f64, String) + 'static) {
    let callback = Closure::<dyn FnMut(f64, String)>::new(on_save);
    on_other_tab_save(&callback);
    callback.forget();
}
