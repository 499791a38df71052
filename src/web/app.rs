//! The page layout: file tree, editor, terminal and the database panel around one session.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::editor::Editor;
use super::file_tree::FileTree;
use super::host::{BrowserClock, BrowserIds};
use super::side_panel::SidePanel;
use super::splitter::Splitter;
use super::storage;
use super::terminal::Terminal;
use crate::fs::FileSystem;
use crate::session::{Session, WarmUp, WarmUpStep, PROJECT_DIR};

/// When the idle warm-up starts after the page has loaded, and the pause between its steps
/// (milliseconds): each step is one command on a small scratch project (a few milliseconds
/// once compiled), so typing is never held up for long.
const WARM_UP_START_MS: u32 = 200;
const WARM_UP_STEP_MS: u32 = 16;

/// Runs the next warm-up step after `delay`, then schedules the one after it.
fn warm_up_later(mut warm_up: WarmUp, delay: u32) {
    gloo::timers::callback::Timeout::new(delay, move || {
        match warm_up.step(&BrowserClock, &mut BrowserIds) {
            WarmUpStep::More => warm_up_later(warm_up, WARM_UP_STEP_MS),
            WarmUpStep::Done(succeeded) => {
                // Once the page is idle: the offline copy of this release.
                storage::cache_for_offline();
                if let Some(api) = web_sys::window()
                    .and_then(|window| js_sys::Reflect::get(&window, &"playground".into()).ok())
                {
                    let _ = js_sys::Reflect::set(&api, &"warmedUp".into(), &succeeded.into());
                }
            }
        }
    })
    .forget();
}

/// How long after a change the session is saved to browser storage (milliseconds).
const SAVE_DELAY_MS: u32 = 250;

/// What the page starts from, found before the first frame.
pub enum Startup {
    /// The page in its own tab: what storage holds.
    Saved(storage::Saved),
    /// `?embed`: the link's state or the starter project; storage is never touched.
    Embedded,
    /// The full page inside another page's frame: it neither reads nor writes the visitor's
    /// saved work (a page that frames it must not see or change that work).
    Framed,
}

/// The startup state, handed to the app once.
#[derive(Clone)]
pub struct StartupProps(pub Rc<RefCell<Option<Startup>>>);

impl PartialEq for StartupProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub startup: StartupProps,
}

/// This tab's side of saving: which generation of the saved work it holds, and whether and
/// how it saves.
pub struct Store {
    /// This tab's id (random), written beside each save.
    tab: String,
    generation: std::cell::Cell<f64>,
    /// Why this page does not save (embedded, framed, storage unavailable, an unreadable save
    /// that could not be kept aside); `None` while it saves.
    off: RefCell<Option<String>>,
    /// A save is under way; `again`: another change came in meanwhile.
    writing: std::cell::Cell<bool>,
    again: std::cell::Cell<bool>,
    /// The last save failed: leaving the page warns first.
    failed: std::cell::Cell<bool>,
    /// Another tab saved newer work: this tab waits until the learner chooses it again.
    paused: std::cell::Cell<bool>,
    /// The work came from an earlier release's localStorage: removed there after a save.
    legacy: std::cell::Cell<bool>,
    /// A save is scheduled (the timer after a change).
    scheduled: std::cell::Cell<bool>,
}

impl Store {
    fn new(off: Option<String>) -> Store {
        let tab = format!(
            "{:012x}",
            (js_sys::Math::random() * 281_474_976_710_656.0) as u64
        );
        Store {
            tab,
            generation: std::cell::Cell::new(0.0),
            off: RefCell::new(off),
            writing: std::cell::Cell::new(false),
            again: std::cell::Cell::new(false),
            failed: std::cell::Cell::new(false),
            paused: std::cell::Cell::new(false),
            legacy: std::cell::Cell::new(false),
            scheduled: std::cell::Cell::new(false),
        }
    }

    fn saves(&self) -> bool {
        self.off.borrow().is_none() && !self.paused.get()
    }
}

/// The session shared by every component; mutations go through [`SessionHandle`]'s methods,
/// which save the result and ask Yew to re-render.
#[derive(Clone)]
pub struct SessionHandle {
    pub(super) session: Rc<RefCell<Session>>,
    /// Bumped on every change; `version` is its value when this handle was made, so a new
    /// handle compares unequal and the context's consumers re-render.
    counter: Rc<std::cell::Cell<u64>>,
    version: u64,
    force_update: UseForceUpdateHandle,
    pub(super) storage_error: UseStateHandle<Option<String>>,
    open_file: UseStateHandle<Option<String>>,
    /// The open file when this handle was made. Yew's state handles read the live value, so
    /// two handles always agree on `*open_file`; this is what tells the context's consumers
    /// that another file was opened.
    opened: Option<String>,
    /// A save is scheduled: saves run after the current event, coalesced, so a command
    /// returns before the session is serialized (and `pagehide` flushes a pending save).
    save_pending: Rc<std::cell::Cell<bool>>,
    /// Embedded in another page (`?embed`): what to show; nothing is saved.
    pub embed: Option<Rc<crate::embed::EmbedOptions>>,
    pub(super) store: Rc<Store>,
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && self.version == other.version
            && self.opened == other.opened
    }
}

impl SessionHandle {
    pub fn session(&self) -> std::cell::Ref<'_, Session> {
        self.session.borrow()
    }

    fn changed(&self) {
        self.counter.set(self.counter.get().wrapping_add(1));
        self.force_update.force_update();
        self.save_pending.set(true);
        if !self.store.scheduled.replace(true) {
            // Saved shortly after, off the path of the redraw the change causes (several
            // changes in a row are saved once); leaving the page saves at once.
            let handle = self.clone();
            gloo::timers::callback::Timeout::new(SAVE_DELAY_MS, move || {
                handle.store.scheduled.set(false);
                handle.save_now()
            })
            .forget();
        }
    }

    /// The bytes of a save: the session with its databases as SQLite files, and the open file.
    fn save_bytes(&self) -> Result<Vec<u8>, String> {
        let snapshot = self
            .session
            .borrow_mut()
            .snapshot()
            .map_err(|error| error.to_string())?;
        Ok(crate::share::encode_save(&crate::share::SharedState {
            snapshot,
            open_file: self.open_file(),
        }))
    }

    /// Saves the session if a save is pending, unless this page does not save (embedded,
    /// framed, storage off) or another tab holds newer work. One save runs at a time.
    pub fn save_now(&self) {
        if !self.store.saves() || !self.save_pending.replace(false) {
            return;
        }
        if self.store.writing.get() {
            self.store.again.set(true);
            return;
        }
        let bytes = match self.save_bytes() {
            Ok(bytes) => bytes,
            Err(message) => return self.save_failed(&message),
        };
        self.store.writing.set(true);
        let handle = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let store = handle.store.clone();
            match storage::save(&bytes, store.generation.get(), &store.tab).await {
                Ok(storage::Written::Saved(generation)) => {
                    store.generation.set(generation);
                    if store.failed.replace(false) {
                        handle.storage_error.set(None);
                    }
                    if store.legacy.replace(false) {
                        storage::forget_legacy();
                    }
                }
                Ok(storage::Written::Conflict) => handle.pause(),
                Err(message) => handle.save_failed(&message),
            }
            store.writing.set(false);
            if store.again.replace(false) {
                handle.save_pending.set(true);
                handle.save_now();
            }
        });
    }

    fn save_failed(&self, message: &str) {
        self.store.failed.set(true);
        self.save_pending.set(true);
        self.storage_error.set(Some(format!("Your latest changes could not be saved in this browser ({message}). They stay in this tab: keep it open, or use Export to keep a copy.")));
    }

    /// Leaving the page: a pending change is written at once, without the generation check
    /// (there is no time for its read); the next load applies it unless another tab saved
    /// newer work meanwhile, in which case it is kept aside.
    fn save_on_leaving(&self) {
        let pending = self.save_pending.get() || self.store.writing.get();
        if !self.store.saves() || !pending {
            return;
        }
        if let Ok(bytes) = self.save_bytes() {
            storage::save_while_closing(&bytes, self.store.generation.get(), &self.store.tab);
            self.save_pending.set(false);
        }
    }

    /// Another tab saved newer work: this tab stops saving until the learner picks it again.
    fn pause(&self) {
        if !self.store.paused.replace(true) {
            self.force_update.force_update();
        }
    }

    pub fn paused(&self) -> bool {
        self.store.paused.get()
    }

    /// How saving stands, for `window.playground.saveState()`: the generation this tab holds,
    /// whether a change waits to be saved (or is being saved), whether the tab is paused, why
    /// it does not save (`None` when it does), and whether the last save failed.
    pub fn save_state(&self) -> (f64, bool, bool, Option<String>, bool) {
        (
            self.store.generation.get(),
            self.save_pending.get() || self.store.writing.get(),
            self.store.paused.get(),
            self.store.off.borrow().clone(),
            self.store.failed.get(),
        )
    }

    /// "Use this tab": loads the newest saved work here (this tab's own state stays one undo
    /// away) and saves from here on; the other tab pauses at this tab's next save.
    pub fn use_this_tab(&self) {
        let handle = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match storage::load().await {
                storage::Saved::Found {
                    session,
                    generation,
                    open_file,
                    ..
                } => {
                    handle.store.generation.set(generation);
                    handle.store.paused.set(false);
                    handle.replace_session(*session, "load the other tab's work");
                    handle
                        .open_file
                        .set(open_file.or_else(|| Some(format!("{PROJECT_DIR}/models.py"))));
                }
                storage::Saved::Nothing { generation }
                | storage::Saved::Unreadable {
                    generation,
                    saving: true,
                    ..
                } => {
                    handle.store.generation.set(generation);
                    handle.store.paused.set(false);
                    handle.changed();
                }
                storage::Saved::Unreadable { message, .. }
                | storage::Saved::Unavailable(message) => {
                    handle.storage_error.set(Some(message));
                }
            }
        });
    }

    /// Offers everything kept aside in storage (unreadable saves, a closed tab's conflicting
    /// changes) as files; each opens again with Import.
    pub fn download_kept(&self) {
        let handle = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match storage::kept_aside().await {
                Ok(records) if records.is_empty() => handle
                    .storage_error
                    .set(Some("Nothing is kept aside in this browser.".to_string())),
                Ok(records) => {
                    for (index, (_, bytes)) in records.iter().enumerate() {
                        let name = format!("alembic-playground-kept-{}.playground", index + 1);
                        if let Err(message) = download(&name, "application/octet-stream", bytes) {
                            handle
                                .storage_error
                                .set(Some(format!("Download: {message}")));
                        }
                    }
                }
                Err(message) => handle
                    .storage_error
                    .set(Some(format!("Download: {message}"))),
            }
        });
    }

    /// Runs a terminal line; files the command created open in the editor.
    pub fn run(&self, line: &str) -> crate::output::Output {
        let result = self
            .session
            .borrow_mut()
            .run_line(line, &BrowserClock, &mut BrowserIds);
        if let Some(path) = result.output.touched_files.last() {
            self.open_file.set(Some(path.clone()));
        }
        self.changed();
        result.output
    }

    pub fn write_file(&self, path: &str, text: &str) {
        let written = self.session.borrow_mut().files.write(path, text);
        if let Err(error) = written {
            self.storage_error.set(Some(error.to_string()));
            return;
        }
        self.changed();
    }

    /// Removes a file (the scripting API's `removeFile`): undoable like Delete.
    pub fn remove_file(&self, path: &str) {
        let removed = self
            .session
            .borrow_mut()
            .delete_file(path)
            .map_err(|message| message.to_string());
        if let Err(error) = removed {
            self.storage_error.set(Some(error.to_string()));
            return;
        }
        if self.open_file.as_deref() == Some(path) {
            self.open_file.set(None);
        }
        self.changed();
    }

    /// Writes several files and saves once.
    pub fn write_files(&self, files: &[(String, String)]) {
        for (path, text) in files {
            let written = self.session.borrow_mut().files.write(path, text);
            if let Err(error) = written {
                self.storage_error.set(Some(error.to_string()));
                return;
            }
        }
        self.changed();
    }

    /// Replaces the whole session (a lesson's or an example's project); "Undo last command"
    /// brings the learner's own work back.
    pub fn replace_session(&self, mut session: Session, label: &str) {
        if let Ok(before) = self.session.borrow_mut().snapshot() {
            session.undo_point = Some((label.to_string(), before));
        }
        let first_file = session.first_file();
        *self.session.borrow_mut() = session;
        self.open_file.set(first_file);
        self.changed();
    }

    /// Stops following the current lesson (the project stays).
    pub fn close_lesson(&self) {
        self.session.borrow_mut().lesson = None;
        self.changed();
    }

    /// Creates an empty file (path relative to the project) and opens it.
    pub fn create_file(&self, typed: &str) -> Result<(), String> {
        let created = self.session.borrow_mut().create_file(typed)?;
        self.open_file.set(Some(created));
        self.changed();
        Ok(())
    }

    /// Renames a file; the editor follows it.
    pub fn rename_file(&self, from: &str, typed: &str) -> Result<(), String> {
        let renamed = self.session.borrow_mut().rename_file(from, typed)?;
        if self.open_file.as_deref() == Some(from) {
            self.open_file.set(Some(renamed));
        }
        self.changed();
        Ok(())
    }

    /// Deletes a file (undoable with "Undo last command").
    pub fn delete_file(&self, path: &str) -> Result<(), String> {
        self.session.borrow_mut().delete_file(path)?;
        if self.open_file.as_deref() == Some(path) {
            self.open_file.set(None);
        }
        self.changed();
        Ok(())
    }

    /// Shows a message in the page's error banner.
    pub fn show_error(&self, message: String) {
        self.storage_error.set(Some(message));
    }

    /// Applies an import (a project, revision files or a database file).
    pub fn apply_import(&self, import: &crate::import::Import) -> Result<String, String> {
        let applied = self.session.borrow_mut().apply_import(import);
        if applied.is_ok() {
            let models = format!("{PROJECT_DIR}/models.py");
            let shared_open = match import {
                crate::import::Import::Shared(state) => state.open_file.clone(),
                _ => None,
            };
            let keep_open = shared_open
                .or_else(|| self.open_file())
                .filter(|path| self.session().files.is_file(path));
            self.open_file.set(keep_open.or(Some(models)));
        }
        self.changed();
        applied
    }

    /// Replaces the project with these files (empty database and terminal); undoable.
    pub fn load_project(&self, files: &[(String, String)]) -> Result<(), String> {
        let session = Session::from_files(files)?;
        self.replace_session(session, "load project");
        Ok(())
    }

    /// Runs SQL for the scripting API's `query`; a statement that changed the database leaves
    /// an undo point, is saved and redraws the page.
    pub fn query(
        &self,
        sql: &str,
    ) -> Result<(Vec<String>, Vec<Vec<crate::runtime::SqlValue>>), String> {
        let mut session = self.session.borrow_mut();
        let reads_only = session.main_database()?.is_read_only(sql);
        let before = if reads_only {
            None
        } else {
            session.snapshot().ok()
        };
        let database = session.main_database()?;
        let changes_before = database.connection.total_changes();
        let answer = crate::runtime::Database::query(database, sql, &[])
            .map_err(|error| error.to_string())?;
        let wrote = database.connection.total_changes() != changes_before
            || !database.connection.is_autocommit()
            || answer.0.is_empty();
        if wrote {
            if let Some(before) = before {
                session.undo_point = Some((format!("sql {sql}"), before));
            }
            drop(session);
            self.changed();
        }
        Ok(answer)
    }

    pub fn open(&self, path: &str) {
        self.open_file.set(Some(path.to_string()));
    }

    pub fn open_file(&self) -> Option<String> {
        (*self.open_file).clone()
    }

    /// The address that reproduces this state.
    pub fn share_url(&self) -> Result<String, String> {
        let snapshot = self
            .session
            .borrow_mut()
            .link_snapshot()
            .map_err(|error| error.to_string())?;
        let code = crate::share::encode(&crate::share::SharedState {
            snapshot,
            open_file: self.open_file(),
        });
        let window = web_sys::window().ok_or("no window")?;
        let location = window.location();
        let base = format!(
            "{}{}",
            location.origin().map_err(|_| "no origin")?,
            location.pathname().map_err(|_| "no path")?
        );
        Ok(format!("{base}#s={code}"))
    }

    /// The project as a zip real Alembic runs unchanged (optionally with `app.db`).
    pub fn export_zip(&self, include_database: bool) -> Result<Vec<u8>, String> {
        let mut session = self.session.borrow_mut();
        let database = if include_database {
            let bytes = session
                .main_database()?
                .file_bytes()
                .map_err(|error| error.to_string())?;
            Some(bytes)
        } else {
            None
        };
        Ok(crate::export::zip(&crate::export::project_entries(
            &session, database,
        )))
    }

    /// An `<iframe>` snippet embedding this exact state (editor and terminal).
    pub fn embed_code(&self) -> Result<String, String> {
        let url = self.share_url()?;
        let (page, code) = url.split_once("#s=").ok_or("no share link")?;
        Ok(crate::embed::snippet(
            page,
            &crate::embed::EmbedOptions::default(),
            Some(code),
        ))
    }

    /// Undoes the last `alembic` command (files and database).
    pub fn undo(&self) -> Result<(), String> {
        let undone = self.session.borrow_mut().undo_last_command();
        self.changed();
        undone.map(|_| ())
    }

    /// Starts over from the starter project; "Undo last command" brings the work back until
    /// the page is reloaded.
    ///
    /// Saved work is replaced by the next save, like any change, and never by an embedded
    /// playground (which does not save).
    pub fn reset(&self) {
        self.replace_session(Session::starter(), "reset");
    }
}

/// Panel sizes the learner dragged (pixels; `None` keeps the stylesheet's default), kept
/// across reloads.
#[derive(Clone, Copy, Default, PartialEq)]
struct Layout {
    left: Option<i32>,
    editor: Option<i32>,
    right: Option<i32>,
}

const LAYOUT_KEY: &str = "alembic-playground/layout";

impl Layout {
    fn load() -> Layout {
        let saved = web_sys::window()
            .and_then(|window| window.local_storage().ok().flatten())
            .and_then(|storage| storage.get_item(LAYOUT_KEY).ok().flatten())
            .unwrap_or_default();
        let mut sizes = saved.split(',').map(|part| {
            part.parse::<i32>()
                .ok()
                .filter(|size| (40..=4000).contains(size))
        });
        Layout {
            left: sizes.next().flatten(),
            editor: sizes.next().flatten(),
            right: sizes.next().flatten(),
        }
    }

    fn save(&self) {
        let show = |size: Option<i32>| size.map(|size| size.to_string()).unwrap_or_default();
        if let Some(storage) =
            web_sys::window().and_then(|window| window.local_storage().ok().flatten())
        {
            let _ = storage.set_item(
                LAYOUT_KEY,
                &format!(
                    "{},{},{}",
                    show(self.left),
                    show(self.editor),
                    show(self.right)
                ),
            );
        }
    }

    fn style(&self) -> String {
        let mut style = String::new();
        for (name, size) in [
            ("--left-width", self.left),
            ("--editor-height", self.editor),
            ("--right-width", self.right),
        ] {
            if let Some(size) = size {
                style.push_str(&format!("{name}: {size}px; "));
            }
        }
        style
    }
}

/// What the page opens on, and a message to show: a shared link (after asking, when it would
/// replace saved work: the saved work is then one undo away), else the saved session, else the
/// starter project. Sets up `store` for what was found.
fn initial_session(startup: Startup, store: &Store) -> (Session, Option<String>, Option<String>) {
    let (saved, open, message) = match startup {
        Startup::Embedded => {
            *store.off.borrow_mut() = Some("embedded".to_string());
            (None, None, None)
        }
        Startup::Framed => {
            *store.off.borrow_mut() = Some("framed".to_string());
            (None, None, Some("This playground is shown inside another page, so it neither opens nor saves your own work here. Open the playground in its own tab to continue your work.".to_string()))
        }
        Startup::Saved(storage::Saved::Nothing { generation }) => {
            store.generation.set(generation);
            (None, None, None)
        }
        Startup::Saved(storage::Saved::Found {
            session,
            generation,
            legacy,
            note,
            open_file,
        }) => {
            store.generation.set(generation);
            store.legacy.set(legacy);
            (Some(*session), open_file, note)
        }
        Startup::Saved(storage::Saved::Unreadable {
            message,
            generation,
            saving,
        }) => {
            store.generation.set(generation);
            if !saving {
                *store.off.borrow_mut() = Some("unreadable".to_string());
            }
            (None, None, Some(message))
        }
        Startup::Saved(storage::Saved::Unavailable(reason)) => {
            *store.off.borrow_mut() = Some("unavailable".to_string());
            (None, None, Some(format!("Browser storage cannot be used here ({reason}), so nothing is saved: your work stays in this tab while it is open (Export keeps a copy). Everything else works.")))
        }
    };
    let Some(shared) = shared_link() else {
        return (saved.unwrap_or_else(Session::starter), open, message);
    };
    clear_shared_link();
    // A link that cannot be opened: the page goes on with what it had.
    let refused = |error: &dyn std::fmt::Display, saved: Option<Session>, open: Option<String>| {
        let unchanged = if saved.is_some() {
            " Your own work is unchanged."
        } else {
            ""
        };
        let message = format!("The shared link could not be opened: {error}.{unchanged}");
        (saved.unwrap_or_else(Session::starter), open, Some(message))
    };
    let state = match crate::share::decode(&shared) {
        Ok(state) => state,
        Err(error) => return refused(&error, saved, open),
    };
    // An embedded or framed page has no saved work of the visitor's to replace.
    let replace = saved.is_none()
        || super::confirm("This link opens a shared example. Replace your work with it? (Cancel keeps your work; after replacing, \"Undo last command\" brings it back.)");
    if !replace {
        return (saved.unwrap_or_else(Session::starter), open, message);
    }
    match Session::from_snapshot(&state.snapshot) {
        Ok(mut session) => {
            if let Some(mut own) = saved {
                if let Ok(before) = own.snapshot() {
                    session.undo_point = Some(("open the shared link".to_string(), before));
                }
            }
            (session, state.open_file, message)
        }
        Err(error) => refused(&error, saved, open),
    }
}

/// Links longer than this are hard to paste into chat and mail: the page offers them as a
/// file too (Import opens it).
const LONG_LINK: usize = 8_000;

/// Offers bytes as a file download.
fn download(name: &str, mime_type: &str, bytes: &[u8]) -> Result<(), String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "could not build the file")?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "could not build the file")?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no anchor")?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The `#s=...` part of the address, if any.
fn shared_link() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#s=").map(str::to_string)
}

fn clear_shared_link() {
    if let Some(window) = web_sys::window() {
        let path = window.location().pathname().unwrap_or_default()
            + &window.location().search().unwrap_or_default();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}

/// The page's `?embed` options, if it is an embed.
pub fn embed_options() -> Option<crate::embed::EmbedOptions> {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|query| crate::embed::parse(&query))
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let embed = use_memo((), |_| embed_options().map(Rc::new));
    let store = use_memo((), |_| Rc::new(Store::new(None)));
    let startup_error = use_mut_ref(|| None::<String>);
    let startup_file = use_mut_ref(|| None::<String>);
    let session = use_mut_ref(|| {
        let startup = props
            .startup
            .0
            .borrow_mut()
            .take()
            .unwrap_or(Startup::Embedded);
        let (session, open, error) = initial_session(startup, &store);
        *startup_error.borrow_mut() = error;
        *startup_file.borrow_mut() = open;
        session
    });
    let counter = use_memo((), |_| Rc::new(std::cell::Cell::new(0u64)));
    let force_update = use_force_update();
    let storage_error = use_state(|| startup_error.borrow().clone());
    let open_file = use_state(|| {
        startup_file
            .borrow()
            .clone()
            .or_else(|| Some(format!("{PROJECT_DIR}/models.py")))
    });
    let share_link = use_state(|| None::<String>);
    let online = use_state(|| {
        web_sys::window()
            .map(|window| window.navigator().on_line())
            .unwrap_or(true)
    });
    let layout = use_state(Layout::load);
    // The first frame draws the file list, editor and terminal; the lessons and the database
    // panel (which open SQLite and read the schema) follow in the next task, so the terminal
    // takes input sooner.
    let panels_drawn = use_state(|| false);
    let save_pending = use_memo((), |_| Rc::new(std::cell::Cell::new(false)));
    let handle = SessionHandle {
        session,
        counter: (*counter).clone(),
        version: counter.get(),
        force_update,
        storage_error: storage_error.clone(),
        opened: (*open_file).clone(),
        open_file,
        save_pending: (*save_pending).clone(),
        embed: (*embed).clone(),
        store: (*store).clone(),
    };
    {
        let handle = handle.clone();
        let panels_drawn = panels_drawn.clone();
        let online = online.clone();
        use_effect_with((), move |_| {
            super::api::install(handle.clone());
            gloo::timers::callback::Timeout::new(0, move || panels_drawn.set(true)).forget();
            // Once the page is idle, warm the engine up in small steps (see WarmUp);
            // `window.playground.warmedUp` tells scripts (the benchmark) when it is done.
            warm_up_later(WarmUp::new(), WARM_UP_START_MS);
            // Embedded demos run their commands on load, as if typed.
            if let Some(options) = handle.embed.clone() {
                if let Some(theme) = &options.theme {
                    if let Some(root) = web_sys::window()
                        .and_then(|window| window.document())
                        .and_then(|document| document.document_element())
                    {
                        let _ = root.set_attribute("data-theme", theme);
                    }
                }
                for line in &options.run {
                    handle.run(line);
                }
                if let Some(file) = &options.file {
                    handle.open(&format!("{PROJECT_DIR}/{file}"));
                }
            }
            if let Some(window) = web_sys::window() {
                // Leaving the page (reload, close, navigation) writes a pending change at once.
                let leaving = handle.clone();
                gloo::events::EventListener::new(&window, "pagehide", move |_| {
                    leaving.save_on_leaving()
                })
                .forget();
                // A change that could not be saved: the browser asks before the page goes.
                let store = handle.store.clone();
                gloo::events::EventListener::new_with_options(
                    &window,
                    "beforeunload",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        if store.failed.get() && store.off.borrow().is_none() {
                            event.prevent_default();
                        }
                    },
                )
                .forget();
                // Offline and back: a note in the page (everything keeps working offline).
                let online = online.clone();
                gloo::events::EventListener::new(&window, "offline", {
                    let online = online.clone();
                    move |_| online.set(false)
                })
                .forget();
                gloo::events::EventListener::new(&window, "online", move |_| online.set(true))
                    .forget();
            }
            // Another tab saved: this one pauses (it never overwrites newer work).
            if handle.store.saves() {
                let watcher = handle.clone();
                storage::watch_other_tabs(move |_, tab| {
                    if tab != watcher.store.tab {
                        watcher.pause();
                    }
                });
            }
        });
    }
    let on_reset = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| {
            if super::confirm(
                "Start over from the starter project? Your files and database will be lost.",
            ) {
                handle.reset();
            }
        })
    };
    let on_theme = Callback::from(|_: MouseEvent| {
        let root = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element());
        if let Some(root) = root {
            let dark_now = match root.get_attribute("data-theme").as_deref() {
                Some("dark") => true,
                Some("light") => false,
                _ => web_sys::window()
                    .and_then(|window| {
                        window
                            .match_media("(prefers-color-scheme: dark)")
                            .ok()
                            .flatten()
                    })
                    .is_some_and(|query| query.matches()),
            };
            let theme = if dark_now { "light" } else { "dark" };
            let _ = root.set_attribute("data-theme", theme);
            if let Some(storage) =
                web_sys::window().and_then(|window| window.local_storage().ok().flatten())
            {
                let _ = storage.set_item("alembic-playground/theme", theme);
            }
        }
    });
    let on_undo = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| {
            if let Err(message) = handle.undo() {
                handle.storage_error.set(Some(format!("Undo: {message}")));
            }
        })
    };
    let can_undo = handle.session().undo_point.is_some();
    let on_share = {
        let handle = handle.clone();
        let share_link = share_link.clone();
        Callback::from(move |_: MouseEvent| match handle.share_url() {
            Ok(url) => {
                if let Some(window) = web_sys::window() {
                    // Copying can be refused (permissions, no focus): the link is shown anyway.
                    let _ = window.navigator().clipboard().write_text(&url);
                }
                share_link.set(Some(url));
            }
            Err(message) => handle.storage_error.set(Some(format!("Share: {message}"))),
        })
    };
    let download_link = {
        let handle = handle.clone();
        let share_link = share_link.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = (*share_link).clone() {
                let saved = download("alembic-playground-link.txt", "text/plain", url.as_bytes());
                if let Err(message) = saved {
                    handle.storage_error.set(Some(format!("Share: {message}")));
                }
            }
        })
    };
    let close_share = {
        let share_link = share_link.clone();
        Callback::from(move |_: MouseEvent| share_link.set(None))
    };
    if let Some(options) = handle.embed.clone() {
        let full_url = web_sys::window()
            .and_then(|window| window.location().pathname().ok())
            .unwrap_or_default();
        let show = |panel: &str| options.panels.iter().any(|wanted| wanted == panel);
        let style = options
            .height
            .map(|height| format!("height: {height}px"))
            .unwrap_or_default();
        return html! {
            <ContextProvider<SessionHandle> context={handle.clone()}>
                <div class="playground embed" {style}>
                    <header class="embed-bar">
                        <span>{"Alembic Playground"}</span>
                        <a href={full_url} target="_blank" rel="noopener">{"Open the full playground ↗"}</a>
                    </header>
                    if let Some(message) = (*storage_error).clone() {
                        <div class="banner error" role="alert">{message}</div>
                    }
                    <main class="embed-panels">
                        if show("files") { <FileTree /> }
                        if show("editor") { <Editor /> }
                        if show("terminal") { <Terminal /> }
                        if show("graph") { <super::revision_graph::RevisionGraph /> }
                        if show("schema") { <SidePanel /> }
                        if show("lessons") { <super::lessons_panel::LessonsPanel /> }
                    </main>
                </div>
            </ContextProvider<SessionHandle>>
        };
    }
    let on_use_tab = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| handle.use_this_tab())
    };
    let on_download_kept = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| handle.download_kept())
    };
    let kept_work = storage_error
        .as_deref()
        .is_some_and(|message| message.contains("Download kept work"));
    let framed = handle.store.off.borrow().as_deref() == Some("framed");
    let own_tab = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default();
    let on_export = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| {
            let downloaded = handle
                .export_zip(true)
                .and_then(|bytes| download("alembic-project.zip", "application/zip", &bytes));
            if let Err(message) = downloaded {
                handle.storage_error.set(Some(format!("Export: {message}")));
            }
        })
    };
    // Import: picked files, a picked folder, or files dropped on the page.
    let on_uploads = {
        let handle = handle.clone();
        Rc::new(move |read: Result<Vec<crate::import::Upload>, String>| {
            let imported = read.and_then(|uploads| super::import::import_uploads(&handle, uploads));
            if let Err(message) = imported {
                handle.storage_error.set(Some(format!("Import: {message}")));
            } else if handle.storage_error.is_some() {
                handle.storage_error.set(None);
            }
        })
    };
    let on_pick = {
        let on_uploads = on_uploads.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            if let Some(list) = input.files() {
                let on_uploads = on_uploads.clone();
                super::import::read_files(list, move |read| on_uploads(read));
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let click_input = |id: &'static str| {
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = web_sys::window()
                .and_then(|window| window.document())
                .and_then(|document| document.get_element_by_id(id))
                .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
            {
                input.click();
            }
        })
    };
    let on_dragover = Callback::from(|event: DragEvent| event.prevent_default());
    let on_drop = {
        let on_uploads = on_uploads.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            if let Some(list) = event.data_transfer().and_then(|transfer| transfer.files()) {
                let on_uploads = on_uploads.clone();
                super::import::read_files(list, move |read| on_uploads(read));
            }
        })
    };
    let on_embed = {
        let handle = handle.clone();
        let share_link = share_link.clone();
        Callback::from(move |_: MouseEvent| match handle.embed_code() {
            Ok(code) => {
                if let Some(window) = web_sys::window() {
                    let _ = window.navigator().clipboard().write_text(&code);
                }
                share_link.set(Some(code));
            }
            Err(message) => handle.storage_error.set(Some(format!("Embed: {message}"))),
        })
    };
    let set_layout = |which: usize| {
        let layout = layout.clone();
        Callback::from(move |size: i32| {
            let mut next = *layout;
            match which {
                0 => next.left = Some(size),
                1 => next.editor = Some(size),
                _ => next.right = Some(size),
            }
            next.save();
            layout.set(next);
        })
    };
    html! {
        <ContextProvider<SessionHandle> context={handle.clone()}>
            <div class="playground" ondragover={on_dragover} ondrop={on_drop}>
                <header class="topbar">
                    <h1>{"Alembic Playground"}</h1>
                    <span class="subtitle">{"real Alembic commands on SQLite, in your browser"}</span>
                    <div class="actions">
                        <button type="button" onclick={on_theme} aria-label="Switch between dark and light theme">{"Theme"}</button>
                        <button type="button" onclick={click_input("import-files")} title="Open a project zip, revision files (.py) or a SQLite database file; or drop them on the page">{"Import"}</button>
                        <button type="button" onclick={click_input("import-folder")} title="Open a project folder (the one with alembic.ini) or a folder of revision files">{"Import folder"}</button>
                        <input id="import-files" class="hidden-input" type="file" multiple=true accept=".zip,.py,.db,.sqlite,.sqlite3" aria-label="Import files" tabindex="-1" onchange={on_pick.clone()} />
                        <input id="import-folder" class="hidden-input" type="file" webkitdirectory=true aria-label="Import a folder" tabindex="-1" onchange={on_pick} />
                        <button type="button" onclick={on_export.clone()} title="Download the project (and app.db) as a zip that real Alembic runs unchanged">{"Export"}</button>
                        <button type="button" onclick={on_embed} title="An <iframe> snippet that embeds this playground in a documentation page">{"Embed code"}</button>
                        <button type="button" onclick={on_share} title="A link that reproduces this playground exactly">{"Share"}</button>
                        <button type="button" onclick={on_undo} disabled={!can_undo} title="Restore the files and database to before the last alembic command">{"Undo last command"}</button>
                        <button type="button" onclick={on_reset} aria-label="Reset to the starter project">{"Reset"}</button>
                    </div>
                </header>
                if let Some(url) = (*share_link).clone() {
                    <div class="banner share" role="dialog" aria-label="Share link">
                        <label for="share-url">{ if url.starts_with("<iframe") { format!("Embed code copied ({} characters): paste it into any HTML page.", url.len()) } else { format!("Link copied ({} characters): anyone who opens it sees exactly this playground.", url.len()) } }</label>
                        <input id="share-url" type="text" readonly=true value={url.clone()} />
                        if url.len() > LONG_LINK && !url.starts_with("<iframe") {
                            <span class="hint">{"This link is long to paste: "}</span>
                            <button type="button" onclick={download_link}>{"Download it as a file"}</button>
                            <span class="hint">{" (open the file with Import)"}</span>
                        }
                        <button type="button" onclick={close_share}>{"Close"}</button>
                    </div>
                }
                if let Some(message) = (*storage_error).clone() {
                    <div class="banner error" role="alert">
                        {message}
                        if kept_work { <button type="button" onclick={on_download_kept.clone()}>{"Download kept work"}</button> }
                        if framed { <a href={own_tab.clone()} target="_blank" rel="noopener">{"Open the playground in its own tab"}</a> }
                    </div>
                }
                if !*online {
                    <div class="banner offline" role="status">{"You are offline. The playground keeps working, and your work is saved in this browser."}</div>
                }
                if handle.paused() {
                    <div class="paused" role="alertdialog" aria-modal="true" aria-labelledby="paused-title">
                        <div class="paused-box">
                            <h2 id="paused-title">{"This playground was changed in another tab"}</h2>
                            <p>{"To keep the two tabs from overwriting each other's work, this tab has stopped saving. Use this tab to load the newest saved work here (what this tab shows stays one undo away), or download what this tab shows."}</p>
                            <button type="button" class="primary" onclick={on_use_tab}>{"Use this tab"}</button>
                            <button type="button" onclick={on_export.clone()}>{"Download this tab's version"}</button>
                        </div>
                    </div>
                }
                <main class="workspace" style={layout.style()} inert={handle.paused()}>
                    <div class="left">
                        <FileTree />
                        if *panels_drawn { <super::lessons_panel::LessonsPanel /> }
                    </div>
                    <Splitter label="Resize the file list" vertical=true min={140} max={520}
                        value={layout.left} on_change={set_layout(0)} />
                    <section class="center">
                        <Editor />
                        <Splitter label="Resize the editor and the terminal" vertical=false min={80} max={2000}
                            value={layout.editor} on_change={set_layout(1)} />
                        <Terminal />
                    </section>
                    <Splitter label="Resize the database panel" vertical=true after=true min={200} max={760}
                        value={layout.right} on_change={set_layout(2)} />
                    if *panels_drawn {
                        <SidePanel />
                    } else {
                        <aside class="side-panel" aria-label="Revision graph and database" aria-busy="true"></aside>
                    }
                </main>
            </div>
        </ContextProvider<SessionHandle>>
    }
}
