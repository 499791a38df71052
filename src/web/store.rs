//! The page's one store: the [`Session`] behind a handle that every component shares.
//!
//! Components never touch the session: they read view models through the store's readers and
//! change things with [`Store::dispatch`] and one [`Action`] enum. Every action that replaces
//! files or the database leaves an undo point (the session's own methods take it), is saved
//! and redraws, whether it comes from a button, the terminal or `window.playground`.
//!
//! Redraws are narrow: each component subscribes to the [`topic`]s it shows
//! ([`use_store`]), and an action redraws only the subscribers of what it changed. A keystroke
//! in the editor (`Action::Type`) redraws the editor alone, inside the input event;
//! once typing pauses, its lint findings, the lesson being followed and, when the file is a
//! migration (`alembic.ini`, env.py, a revision file), the revision graph and the database
//! panel follow. The file list, the terminal and the rest of the page are not redrawn. The
//! derived views are keyed on [`Store::database_generation`],
//! [`Store::migrations_generation`] and [`Store::settled_generation`], which move only when
//! their inputs change. Saving waits for a pause in typing too.

use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use super::host::{BrowserClock, BrowserIds};
use super::storage;
use crate::host::{FileSystem, FsError};
use crate::output::Output;
#[cfg(feature = "postgresql")]
use crate::playground::dialect::Kind;
use crate::playground::project::{TranscriptEntry, PROJECT_DIR};
use crate::playground::session::{Session, SessionError};
use crate::playground::transfer::import::ImportError;
use crate::runtime::{DbError, SqlValue};

/// Why an action, a view or an export of the page failed; its text is what the banner (or
/// the panel) shows.
#[derive(Debug, PartialEq)]
pub enum StoreError {
    Session(SessionError),
    Files(FsError),
    Database(DbError),
    Import(ImportError),
    /// The learner said no when asked to confirm.
    Cancelled,
    /// The browser would not do what the page asked (what it was).
    Browser(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Session(error) => std::fmt::Display::fmt(error, formatter),
            StoreError::Files(error) => std::fmt::Display::fmt(error, formatter),
            StoreError::Database(error) => std::fmt::Display::fmt(error, formatter),
            StoreError::Import(error) => std::fmt::Display::fmt(error, formatter),
            StoreError::Cancelled => formatter.write_str("cancelled; nothing changed"),
            StoreError::Browser(what) => formatter.write_str(what),
        }
    }
}

impl From<SessionError> for StoreError {
    fn from(error: SessionError) -> Self {
        StoreError::Session(error)
    }
}

impl From<FsError> for StoreError {
    fn from(error: FsError) -> Self {
        StoreError::Files(error)
    }
}

impl From<DbError> for StoreError {
    fn from(error: DbError) -> Self {
        StoreError::Database(error)
    }
}

impl From<ImportError> for StoreError {
    fn from(error: ImportError) -> Self {
        StoreError::Import(error)
    }
}

/// What a change touched; components subscribe to the topics they draw.
pub mod topic {
    /// The open file's text, findings and colouring.
    pub const EDITOR: u8 = 1;
    /// The list of files and which one is open.
    pub const FILES: u8 = 1 << 1;
    /// The terminal's transcript.
    pub const TERMINAL: u8 = 1 << 2;
    /// What the migrations are: alembic.ini, env.py, the revision files.
    pub const MIGRATIONS: u8 = 1 << 3;
    /// The live database (and its version table).
    pub const DATABASE: u8 = 1 << 4;
    /// The lesson being followed.
    pub const LESSON: u8 = 1 << 5;
    /// The page's own bars: undo, banners, the paused dialog.
    pub const PAGE: u8 = 1 << 6;
    pub const ALL: u8 = u8::MAX;
}

/// How long after a change the session is saved to browser storage (milliseconds); while the
/// learner types, a second after the last keystroke, but never more than
/// [`LONGEST_SAVE_WAIT_MS`] after the first unsaved change (a save serializes the whole
/// session and its databases: a few milliseconds no keystroke should wait for). Leaving the
/// page saves at once.
const SAVE_DELAY_MS: u32 = 250;
const TYPING_SAVE_DELAY_MS: u32 = 1_000;
const LONGEST_SAVE_WAIT_MS: f64 = 5_000.0;

/// How long typing must pause before the editor's findings, the lesson and, for a migration
/// file, the revision graph and the database panel follow it (milliseconds): linting a
/// revision runs it, and the panels re-read every revision and replay the migrations.
const SETTLE_MS: u32 = 300;

/// Everything the page can do to its state.
pub enum Action {
    /// A terminal line (`alembic ...`, `sql ...`, `help`, `clear`).
    Run(String),
    /// One file's new text (`writeFile`).
    WriteFile { path: String, text: String },
    /// A keystroke in the editor: the file's new text. The editor is redrawn inside the input
    /// event, while the browser waits for the next frame anyway; redrawn at the start of that
    /// frame instead, its work delayed the frame (keystroke to next frame: the frame's task
    /// took 5.8 ms, 3.5 ms now, in Chromium's trace on the 50-revision chain).
    Type { path: String, text: String },
    /// Several files written at once (`writeFiles`), saved once.
    WriteFiles(Vec<(String, String)>),
    /// Opens a file in the editor.
    Open(String),
    /// Creates an empty file from a path the learner typed, and opens it.
    CreateFile(String),
    /// Renames (moves) a file; the editor follows it.
    RenameFile { from: String, to: String },
    /// Deletes a file (undoable).
    DeleteFile(String),
    /// Replaces the whole session (a lesson, an example, a loaded project, reset); the
    /// learner's work is one undo away.
    Replace {
        session: Box<Session>,
        label: String,
    },
    /// Applies an import (a project, revision files, a database or a saved session).
    Import(Box<crate::playground::transfer::import::Import>),
    /// SQL from the scripting API: a statement that writes leaves an undo point.
    Query(String),
    /// Undoes the last command (files and database).
    Undo,
    /// Stops following the current lesson (the project stays).
    CloseLesson,
    /// Switches the project to the other database (alembic.ini's URL; undoable). In the
    /// PostgreSQL page only: the SQLite page opens that page for it (`Store::switch_database`).
    #[cfg(feature = "postgresql")]
    SwitchDatabase(Kind),
}

/// What an action gives back.
pub enum Outcome {
    Done,
    /// A terminal line's output.
    Ran(Output),
    /// A message to show (what an import did).
    Message(String),
    /// A query's columns and rows.
    Rows(Vec<String>, Vec<Vec<SqlValue>>),
}

/// The PostgreSQL page's database, PGlite: downloading and starting (bytes received of the
/// total), running, or failed to start (why).
#[cfg(feature = "postgresql")]
#[derive(Debug, Clone, PartialEq)]
pub enum Postgresql {
    Starting { received: f64, total: f64 },
    Running,
    Failed(String),
}

/// `window.playground.postgresql`'s value for a state: `starting`, `running`, or
/// `failed: why`.
#[cfg(feature = "postgresql")]
pub fn postgresql_label(state: &Postgresql) -> wasm_bindgen::JsValue {
    wasm_bindgen::JsValue::from_str(&match state {
        Postgresql::Starting { .. } => "starting".to_string(),
        Postgresql::Running => "running".to_string(),
        Postgresql::Failed(why) => format!("failed: {why}"),
    })
}

/// This tab's side of saving: which generation of the saved work it holds, and whether and
/// how it saves.
pub struct Saving {
    /// This tab's id (random), written beside each save.
    pub tab: String,
    pub generation: Cell<f64>,
    /// Why this page does not save (embedded, framed, storage unavailable, an unreadable save
    /// that could not be kept aside); `None` while it saves.
    pub off: RefCell<Option<String>>,
    /// A save is under way; `again`: another change came in meanwhile.
    writing: Cell<bool>,
    again: Cell<bool>,
    /// The last save failed: leaving the page warns first.
    pub failed: Cell<bool>,
    /// Another tab saved newer work: this tab waits until the learner chooses it again.
    paused: Cell<bool>,
    /// The work came from an earlier release's localStorage: removed there after a save.
    pub legacy: Cell<bool>,
    /// The save scheduled after a change (dropping it cancels it).
    timer: RefCell<Option<gloo::timers::callback::Timeout>>,
    /// A change waits to be saved, since this time (`Date.now()`).
    pending: Cell<bool>,
    pending_since: Cell<f64>,
}

impl Saving {
    pub fn new() -> Saving {
        let tab = format!(
            "{:012x}",
            (js_sys::Math::random() * 281_474_976_710_656.0) as u64
        );
        Saving {
            tab,
            generation: Cell::new(0.0),
            off: RefCell::new(None),
            writing: Cell::new(false),
            again: Cell::new(false),
            failed: Cell::new(false),
            paused: Cell::new(false),
            legacy: Cell::new(false),
            timer: RefCell::new(None),
            pending: Cell::new(false),
            pending_since: Cell::new(0.0),
        }
    }

    pub fn saves(&self) -> bool {
        self.off.borrow().is_none() && !self.paused.get()
    }
}

struct Inner {
    session: RefCell<Session>,
    open_file: RefCell<Option<String>>,
    /// The message in the page's error banner.
    banner: RefCell<Option<String>>,
    /// Who redraws on what: `(id, topics, redraw)`.
    subscribers: RefCell<Vec<(u32, u8, UseForceUpdateHandle)>>,
    next_subscriber: Cell<u32>,
    database_generation: Cell<u64>,
    migrations_generation: Cell<u64>,
    /// Moves with every change but a keystroke, and once typing pauses: the editor's lint
    /// findings follow it (linting a revision runs it: too slow for every keystroke).
    settled_generation: Cell<u64>,
    /// What follows typing once it pauses (dropping the timer cancels it).
    settle: RefCell<Option<gloo::timers::callback::Timeout>>,
    saving: Saving,
    embed: Option<Rc<crate::playground::transfer::embed::EmbedOptions>>,
    /// PGlite's state, and the terminal lines waiting for it to start.
    #[cfg(feature = "postgresql")]
    postgresql: RefCell<(Postgresql, Vec<String>)>,
}

/// The handle every component shares (a context that never changes: redraws come from
/// subscriptions, not from the context).
#[derive(Clone)]
pub struct Store(Rc<Inner>);

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The store, redrawing this component when one of `topics` changes.
#[hook]
pub fn use_store(topics: u8) -> Option<Store> {
    let store = use_context::<Store>();
    use_subscription(store.clone(), topics);
    store
}

/// Redraws this component when one of `topics` of `store` changes (for as long as it is
/// mounted).
#[hook]
pub fn use_subscription(store: Option<Store>, topics: u8) {
    let redraw = use_force_update();
    use_effect_with((), move |_| {
        let id = store.as_ref().map(|store| store.subscribe(topics, redraw));
        move || {
            if let (Some(store), Some(id)) = (store, id) {
                store.unsubscribe(id);
            }
        }
    });
}

impl Store {
    pub fn new(
        session: Session,
        open_file: Option<String>,
        banner: Option<String>,
        saving: Saving,
        embed: Option<Rc<crate::playground::transfer::embed::EmbedOptions>>,
    ) -> Store {
        Store(Rc::new(Inner {
            session: RefCell::new(session),
            open_file: RefCell::new(open_file),
            banner: RefCell::new(banner),
            subscribers: RefCell::new(Vec::new()),
            next_subscriber: Cell::new(0),
            database_generation: Cell::new(0),
            migrations_generation: Cell::new(0),
            settled_generation: Cell::new(0),
            settle: RefCell::new(None),
            saving,
            embed,
            #[cfg(feature = "postgresql")]
            postgresql: RefCell::new((
                Postgresql::Starting {
                    received: 0.0,
                    total: 0.0,
                },
                Vec::new(),
            )),
        }))
    }

    /// Downloads and starts PGlite; the terminal's lines wait for it, and run once it has
    /// started. If it cannot start, commands say why and SQLite projects keep working.
    #[cfg(feature = "postgresql")]
    pub fn start_postgresql(&self) {
        use crate::playground::databases::PostgresqlSlot;
        let starting = |received: f64, total: f64| {
            format!(
                "PostgreSQL (PGlite) is still starting in this page ({:.1} of {:.1} MB downloaded); run the command again once it has started",
                received / 1e6,
                total / 1e6
            )
        };
        self.session_mut()
            .set_postgresql(PostgresqlSlot::Unavailable(starting(0.0, 0.0)));
        let store = self.clone();
        let progress = move |received: f64, total: f64| {
            store.0.postgresql.borrow_mut().0 = Postgresql::Starting { received, total };
            store
                .session_mut()
                .set_postgresql(PostgresqlSlot::Unavailable(starting(received, total)));
            store.notify(topic::PAGE);
        };
        let store = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let state = match super::pglite::start(progress).await {
                Ok(pglite) => {
                    let transport: Box<dyn crate::runtime::postgres::Transport> = Box::new(pglite);
                    store.session_mut().set_postgresql(PostgresqlSlot::Running(
                        crate::runtime::postgres::WireDatabase::new(transport, "psycopg"),
                    ));
                    Postgresql::Running
                }
                Err(why) => {
                    let message = format!(
                        "PostgreSQL (PGlite) could not start in this page: {why}. SQLite still works here (sqlalchemy.url = sqlite:///app.db)."
                    );
                    store
                        .session_mut()
                        .set_postgresql(PostgresqlSlot::Unavailable(message.clone()));
                    Postgresql::Failed(message)
                }
            };
            super::api::publish("postgresql", &postgresql_label(&state));
            let waiting = {
                let mut postgresql = store.0.postgresql.borrow_mut();
                postgresql.0 = state;
                std::mem::take(&mut postgresql.1)
            };
            store.notify(topic::PAGE);
            for line in waiting {
                store.run(&line);
            }
        });
    }

    /// PGlite's state.
    #[cfg(feature = "postgresql")]
    pub fn postgresql(&self) -> Postgresql {
        self.0.postgresql.borrow().0.clone()
    }

    /// The terminal lines waiting for PGlite to start.
    #[cfg(feature = "postgresql")]
    pub fn waiting_lines(&self) -> Vec<String> {
        self.0.postgresql.borrow().1.clone()
    }

    fn subscribe(&self, topics: u8, redraw: UseForceUpdateHandle) -> u32 {
        let id = self.0.next_subscriber.get();
        self.0.next_subscriber.set(id.wrapping_add(1));
        self.0.subscribers.borrow_mut().push((id, topics, redraw));
        id
    }

    fn unsubscribe(&self, id: u32) {
        self.0
            .subscribers
            .borrow_mut()
            .retain(|(subscriber, _, _)| *subscriber != id);
    }

    /// Redraws the subscribers of `topics`.
    fn notify(&self, topics: u8) {
        let redraws: Vec<UseForceUpdateHandle> = self
            .0
            .subscribers
            .borrow()
            .iter()
            .filter(|(_, wanted, _)| wanted & topics != 0)
            .map(|(_, _, redraw)| redraw.clone())
            .collect();
        for redraw in redraws {
            redraw.force_update();
        }
    }

    /// A change to the state: redraws what it touched and schedules a save.
    fn changed(&self, topics: u8) {
        self.touched(topics);
        self.schedule_save(false);
    }

    /// Moves the generations of what a change touched and redraws their subscribers.
    fn touched(&self, topics: u8) {
        let settled = &self.0.settled_generation;
        settled.set(settled.get().wrapping_add(1));
        if topics & topic::DATABASE != 0 {
            let generation = &self.0.database_generation;
            generation.set(generation.get().wrapping_add(1));
        }
        if topics & topic::MIGRATIONS != 0 {
            let generation = &self.0.migrations_generation;
            generation.set(generation.get().wrapping_add(1));
        }
        self.notify(topics);
    }

    /// Saves shortly after a change, off the path of the redraw the change causes; several
    /// changes in a row are saved once.
    fn schedule_save(&self, typing: bool) {
        let saving = &self.0.saving;
        let now = js_sys::Date::now();
        if !saving.pending.replace(true) {
            saving.pending_since.set(now);
        }
        let overdue = now - saving.pending_since.get() > LONGEST_SAVE_WAIT_MS;
        if overdue && saving.timer.borrow().is_some() {
            return;
        }
        let delay = if typing && !overdue {
            TYPING_SAVE_DELAY_MS
        } else {
            SAVE_DELAY_MS
        };
        let store = self.clone();
        *saving.timer.borrow_mut() = Some(gloo::timers::callback::Timeout::new(delay, move || {
            store.0.saving.timer.borrow_mut().take();
            store.save_now()
        }));
    }

    /// After typing pauses, the editor's findings and the lesson follow it, and for a
    /// migration file the revision graph and the database panel (the save is already
    /// scheduled).
    fn settle_later(&self, topics: u8) {
        let store = self.clone();
        *self.0.settle.borrow_mut() =
            Some(gloo::timers::callback::Timeout::new(SETTLE_MS, move || {
                store.0.settle.borrow_mut().take();
                store.touched(topics);
            }));
    }

    /// Does `action`, then redraws what it changed and schedules a save.
    pub fn dispatch(&self, action: Action) -> Result<Outcome, StoreError> {
        match action {
            Action::Run(line) => {
                let result = self
                    .session_mut()
                    .run_line(&line, &BrowserClock, &mut BrowserIds);
                if let Some(path) = result.output.touched_files.last() {
                    *self.0.open_file.borrow_mut() = Some(path.clone());
                }
                self.changed(topic::ALL);
                Ok(Outcome::Ran(result.output))
            }
            Action::WriteFile { path, text } => self.write(path, text, false),
            Action::Type { path, text } => self.write(path, text, true),
            Action::WriteFiles(files) => {
                let mut failed = None;
                for (path, text) in &files {
                    if let Err(error) = self.session_mut().write_file(path, text) {
                        failed = Some(error.into());
                        break;
                    }
                }
                self.changed(topic::ALL);
                failed.map_or(Ok(Outcome::Done), Err)
            }
            Action::Open(path) => {
                *self.0.open_file.borrow_mut() = Some(path);
                self.notify(topic::EDITOR | topic::FILES);
                Ok(Outcome::Done)
            }
            Action::CreateFile(typed) => {
                let created = self.session_mut().create_file(&typed)?;
                *self.0.open_file.borrow_mut() = Some(created);
                self.changed(topic::ALL);
                Ok(Outcome::Done)
            }
            Action::RenameFile { from, to } => {
                let renamed = self.session_mut().rename_file(&from, &to)?;
                if self.open_file().as_deref() == Some(from.as_str()) {
                    *self.0.open_file.borrow_mut() = Some(renamed);
                }
                self.changed(topic::ALL);
                Ok(Outcome::Done)
            }
            Action::DeleteFile(path) => {
                self.session_mut().delete_file(&path)?;
                if self.open_file().as_deref() == Some(path.as_str()) {
                    *self.0.open_file.borrow_mut() = None;
                }
                self.changed(topic::ALL);
                Ok(Outcome::Done)
            }
            Action::Replace { mut session, label } => {
                if let Ok(before) = self.session_mut().snapshot() {
                    session.set_undo_point(label, before);
                }
                let first_file = session.first_file();
                #[cfg(feature = "postgresql")]
                session.set_postgresql(self.session_mut().take_postgresql());
                *self.session_mut() = *session;
                *self.0.open_file.borrow_mut() = first_file;
                self.changed(topic::ALL);
                Ok(Outcome::Done)
            }
            Action::Import(import) => {
                let applied = self.session_mut().apply_import(&import);
                if applied.is_ok() {
                    let models = format!("{PROJECT_DIR}/models.py");
                    let shared_open = match &*import {
                        crate::playground::transfer::import::Import::Shared(state) => {
                            state.open_file.clone()
                        }
                        _ => None,
                    };
                    let keep_open = shared_open
                        .or_else(|| self.open_file())
                        .filter(|path| self.session().files().is_file(path));
                    *self.0.open_file.borrow_mut() = keep_open.or(Some(models));
                }
                self.changed(topic::ALL);
                applied.map(Outcome::Message).map_err(StoreError::from)
            }
            Action::Query(sql) => {
                let (answer, wrote) = {
                    let mut session = self.session_mut();
                    let reads_only = session.main_database()?.is_read_only(&sql);
                    let before = if reads_only {
                        None
                    } else {
                        session.snapshot().ok()
                    };
                    let database = session.main_database()?;
                    let changes_before = database.connection.total_changes();
                    let answer = crate::runtime::Database::query(database, &sql, &[])?;
                    let wrote = database.connection.total_changes() != changes_before
                        || !database.connection.is_autocommit()
                        || answer.0.is_empty();
                    if wrote {
                        if let Some(before) = before {
                            session.set_undo_point(format!("sql {sql}"), before);
                        }
                    }
                    (answer, wrote)
                };
                if wrote {
                    self.changed(topic::ALL);
                }
                Ok(Outcome::Rows(answer.0, answer.1))
            }
            Action::Undo => {
                let undone = self.session_mut().undo_last_command();
                self.changed(topic::ALL);
                undone.map(|_| Outcome::Done).map_err(StoreError::from)
            }
            Action::CloseLesson => {
                self.session_mut().close_lesson();
                self.changed(topic::LESSON | topic::PAGE);
                Ok(Outcome::Done)
            }
            #[cfg(feature = "postgresql")]
            Action::SwitchDatabase(kind) => {
                let switched = self.session_mut().switch_database(kind);
                self.changed(topic::ALL);
                switched.map(|_| Outcome::Done).map_err(StoreError::from)
            }
        }
    }

    /// The database the project's `sqlalchemy.url` names (`None`: another one, or none).
    #[cfg(feature = "postgresql")]
    pub fn dialect(&self) -> Option<Kind> {
        let session = self.session();
        crate::playground::dialect::of_project(session.files(), session.cwd())
    }

    /// The database switch: in the PostgreSQL page, the project switched to `kind` (unless it
    /// names it already; the page runs both databases).
    #[cfg(feature = "postgresql")]
    pub fn switch_database(&self, kind: Kind) {
        if self.dialect() != Some(kind) {
            if let Err(error) = self.dispatch(Action::SwitchDatabase(kind)) {
                self.show_error(format!("Switch: {error}"));
            }
        }
    }

    /// Writes a file. A new file redraws everything; new text in an existing one redraws
    /// what shows it (its editor, the lesson, a migration's panels): at once for a script's
    /// write, and for a keystroke (`typed`) the editor at once and the rest once typing
    /// pauses.
    fn write(&self, path: String, text: String, typed: bool) -> Result<Outcome, StoreError> {
        let existed = self.session().files().is_file(&path);
        self.session_mut().write_file(&path, &text)?;
        if !existed {
            self.changed(topic::ALL);
            return Ok(Outcome::Done);
        }
        let mut topics = topic::EDITOR | topic::LESSON;
        if self.is_migration(&path) {
            topics |= topic::MIGRATIONS;
        }
        if typed {
            self.notify(topic::EDITOR);
            self.schedule_save(true);
            self.settle_later(topics);
        } else {
            self.changed(topics);
        }
        Ok(Outcome::Done)
    }

    /// Whether the migrations read this file: `alembic.ini`, env.py, a revision file.
    fn is_migration(&self, path: &str) -> bool {
        path.ends_with("/alembic.ini")
            || path.ends_with("/env.py")
            || self
                .session()
                .version_locations()
                .unwrap_or_default()
                .iter()
                .any(|location| path.starts_with(location.as_str()))
    }

    fn session(&self) -> Ref<'_, Session> {
        self.0.session.borrow()
    }

    fn session_mut(&self) -> std::cell::RefMut<'_, Session> {
        self.0.session.borrow_mut()
    }

    // ---- the actions' short forms, for callers that only need success or a message ----

    /// Runs a terminal line; files the command created open in the editor. In the PostgreSQL
    /// page, a command waits while PGlite starts (and runs once it has).
    pub fn run(&self, line: &str) -> Output {
        #[cfg(feature = "postgresql")]
        {
            let mut postgresql = self.0.postgresql.borrow_mut();
            let is_command =
                line.trim_start().starts_with("alembic") || line.trim_start().starts_with("sql");
            if matches!(postgresql.0, Postgresql::Starting { .. }) && is_command {
                postgresql.1.push(line.to_string());
                drop(postgresql);
                self.notify(topic::PAGE);
                return Output::default();
            }
        }
        self.run_now(line)
    }

    /// Runs a terminal line at once (`window.playground.run`: a command that needs PGlite
    /// before it has started says so).
    pub fn run_now(&self, line: &str) -> Output {
        match self.dispatch(Action::Run(line.to_string())) {
            Ok(Outcome::Ran(output)) => output,
            _ => Output::default(),
        }
    }

    /// Writes one file; a failure shows in the banner.
    pub fn write_file(&self, path: &str, text: &str) {
        let written = self.dispatch(Action::WriteFile {
            path: path.to_string(),
            text: text.to_string(),
        });
        if let Err(message) = written {
            self.show_error(message.to_string());
        }
    }

    /// Does `action`; a failure shows in the banner, prefixed with `what`.
    pub fn act(&self, what: &str, action: Action) {
        if let Err(message) = self.dispatch(action) {
            self.show_error(format!("{what}: {message}"));
        }
    }

    pub fn open(&self, path: &str) {
        let _ = self.dispatch(Action::Open(path.to_string()));
    }

    pub fn replace_session(&self, session: Session, label: &str) {
        let _ = self.dispatch(Action::Replace {
            session: Box::new(session),
            label: label.to_string(),
        });
    }

    /// Starts over from the starter project; "Undo last command" brings the work back until
    /// the page is reloaded. Saved work is replaced by the next save, like any change, and
    /// never by an embedded playground (which does not save).
    pub fn reset(&self) {
        self.replace_session(Session::starter(), "reset");
    }

    // ---- the banner ----

    /// Shows a message in the page's error banner.
    pub fn show_error(&self, message: String) {
        *self.0.banner.borrow_mut() = Some(message);
        self.notify(topic::PAGE);
    }

    pub fn clear_error(&self) {
        if self.0.banner.borrow_mut().take().is_some() {
            self.notify(topic::PAGE);
        }
    }

    pub fn banner(&self) -> Option<String> {
        self.0.banner.borrow().clone()
    }

    // ---- readers: what the components draw ----

    pub fn embed(&self) -> Option<Rc<crate::playground::transfer::embed::EmbedOptions>> {
        self.0.embed.clone()
    }

    pub fn read_only(&self) -> bool {
        self.0
            .embed
            .as_ref()
            .is_some_and(|options| options.read_only)
    }

    pub fn open_file(&self) -> Option<String> {
        self.0.open_file.borrow().clone()
    }

    pub fn read_file(&self, path: &str) -> Option<String> {
        self.session().files().read_to_string(path).ok()
    }

    /// Every file's path (absolute, in the project).
    pub fn file_paths(&self) -> Vec<String> {
        self.session()
            .files()
            .files()
            .map(|(path, _)| path.clone())
            .collect()
    }

    /// What the editor marks in a file (lint findings, a syntax error).
    pub fn file_problems(&self, path: &str) -> Vec<crate::playground::checks::lint::Finding> {
        self.session_mut().file_problems(path)
    }

    pub fn transcript(&self) -> Ref<'_, [TranscriptEntry]> {
        Ref::map(self.session(), |session| session.transcript())
    }

    pub fn history(&self) -> Vec<String> {
        self.session().history().to_vec()
    }

    pub fn complete(&self, line: &str) -> crate::playground::terminal::Completion {
        self.session().complete(line)
    }

    pub fn can_undo(&self) -> bool {
        self.session().undo_label().is_some()
    }

    pub fn last_sql(&self) -> String {
        self.session().last_sql().join("\n\n")
    }

    pub fn revision_graph(
        &self,
    ) -> Result<crate::playground::views::graph_layout::GraphView, SessionError> {
        self.session_mut().revision_graph()
    }

    pub fn version_table_name(&self) -> String {
        self.session().version_table_name()
    }

    /// Moves with every change to the live database (a command, a query, an import, undo).
    pub fn database_generation(&self) -> u64 {
        self.0.database_generation.get()
    }

    /// Moves with every change but a keystroke, and when typing pauses.
    pub fn settled_generation(&self) -> u64 {
        self.0.settled_generation.get()
    }

    /// Moves with every change to what the migrations are (alembic.ini, env.py, revisions).
    pub fn migrations_generation(&self) -> u64 {
        self.0.migrations_generation.get()
    }

    /// The live database: the version table's rows (None without the table), the schema, and
    /// the first rows of the first `tables` tables (`shown` rows each, with their count).
    pub fn live(&self, version_table: &str, tables: usize, shown: usize) -> LiveState {
        let mut session = self.session_mut();
        let version_rows = session.version_table_rows(version_table);
        let Some((database, postgresql)) = session.live_database() else {
            return LiveState {
                version_rows,
                ..LiveState::default()
            };
        };
        #[cfg(feature = "postgresql")]
        let schema = if postgresql {
            crate::playground::views::schema::read_postgresql(database)
        } else {
            crate::playground::views::schema::read(database)
        };
        #[cfg(not(feature = "postgresql"))]
        let schema = {
            let _ = postgresql;
            crate::playground::views::schema::read(database)
        };
        let schema = schema.unwrap_or_default();
        // Large schemas (hundreds of tables) would make every redraw slow: rows are read for
        // the first tables only; `sql SELECT ...` reaches the rest.
        let rows = schema
            .tables
            .iter()
            .take(tables)
            .map(|table| {
                let quoted = format!("\"{}\"", table.name.replace('"', "\"\""));
                let count = crate::runtime::Database::query(
                    database,
                    &format!("SELECT count(*) FROM {quoted}"),
                    &[],
                )
                .ok()
                .and_then(|(_, rows)| match rows.first().and_then(|row| row.first()) {
                    Some(SqlValue::Integer(count)) => Some(*count),
                    _ => None,
                })
                .unwrap_or(0);
                let first = crate::runtime::Database::query(
                    database,
                    &format!("SELECT * FROM {quoted} LIMIT {shown}"),
                    &[],
                )
                .map(|(_, rows)| {
                    rows.iter()
                        .map(|row| row.iter().map(SqlValue::display).collect())
                        .collect()
                })
                .unwrap_or_default();
                (count, first)
            })
            .collect();
        LiveState {
            version_rows,
            schema,
            rows,
        }
    }

    /// The schema the migrations build up to `target` (a revision or `base`).
    pub fn schema_at(
        &self,
        target: &str,
    ) -> Result<crate::playground::views::schema::Schema, SessionError> {
        self.session()
            .schema_at(target, &BrowserClock, &mut BrowserIds)
    }

    /// The live tables compared with what the migrations build (see `Session::drift`).
    pub fn drift(
        &self,
    ) -> Option<Result<(String, Vec<crate::playground::views::schema::Change>), SessionError>> {
        self.session_mut()
            .drift(&BrowserClock, &mut BrowserIds)
            .transpose()
    }

    /// Moves the lesson's progress forward from the current state (sticky, in order): the
    /// lesson, which steps are done, and whether all are.
    pub fn advance_lesson(
        &self,
    ) -> Option<(
        &'static crate::playground::learning::lessons::Lesson,
        Vec<bool>,
        bool,
    )> {
        let mut session = self.session_mut();
        let (id, mut done) = session.lesson().cloned()?;
        let lesson = crate::playground::learning::lessons::LESSONS
            .iter()
            .find(|lesson| lesson.id == id)?;
        let finished =
            crate::playground::learning::lessons::advance(lesson, &mut done, &mut session);
        session.set_lesson_progress(done.clone());
        Some((lesson, done, finished))
    }

    pub fn import_conflicts(
        &self,
        import: &crate::playground::transfer::import::Import,
    ) -> Vec<String> {
        self.session().import_conflicts(import)
    }

    // ---- saving ----

    pub fn saving(&self) -> &Saving {
        &self.0.saving
    }

    /// The bytes of a save: the session with its databases as SQLite files, and the open file.
    fn save_bytes(&self) -> Result<Vec<u8>, DbError> {
        let snapshot = self.session_mut().snapshot()?;
        Ok(crate::playground::transfer::share::encode_save(
            &crate::playground::transfer::share::SharedState {
                snapshot,
                open_file: self.open_file(),
            },
        ))
    }

    /// Saves the session if a save is pending, unless this page does not save (embedded,
    /// framed, storage off) or another tab holds newer work. One save runs at a time.
    pub fn save_now(&self) {
        let saving = &self.0.saving;
        if !saving.saves() || !saving.pending.replace(false) {
            return;
        }
        if saving.writing.get() {
            saving.again.set(true);
            return;
        }
        let bytes = match self.save_bytes() {
            Ok(bytes) => bytes,
            Err(message) => return self.save_failed(&message),
        };
        saving.writing.set(true);
        let store = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let saving = &store.0.saving;
            match storage::save(&bytes, saving.generation.get(), &saving.tab).await {
                Ok(storage::Written::Saved(generation)) => {
                    saving.generation.set(generation);
                    if saving.failed.replace(false) {
                        store.clear_error();
                    }
                    if saving.legacy.replace(false) {
                        storage::forget_legacy();
                    }
                }
                Ok(storage::Written::Conflict) => store.pause(),
                Err(message) => store.save_failed(&message),
            }
            saving.writing.set(false);
            if saving.again.replace(false) {
                saving.pending.set(true);
                store.save_now();
            }
        });
    }

    fn save_failed(&self, message: &dyn std::fmt::Display) {
        self.0.saving.failed.set(true);
        self.0.saving.pending.set(true);
        self.show_error(format!("Your latest changes could not be saved in this browser ({message}). They stay in this tab: keep it open, or use Export to keep a copy."));
    }

    /// Leaving the page: a pending change is written at once, without the generation check
    /// (there is no time for its read); the next load applies it unless another tab saved
    /// newer work meanwhile, in which case it is kept aside.
    pub fn save_on_leaving(&self) {
        let saving = &self.0.saving;
        let pending = saving.pending.get() || saving.writing.get();
        if !saving.saves() || !pending {
            return;
        }
        if let Ok(bytes) = self.save_bytes() {
            storage::save_while_closing(&bytes, saving.generation.get(), &saving.tab);
            saving.pending.set(false);
        }
    }

    /// Another tab saved newer work: this tab stops saving until the learner picks it again.
    pub fn pause(&self) {
        if !self.0.saving.paused.replace(true) {
            self.notify(topic::PAGE);
        }
    }

    pub fn paused(&self) -> bool {
        self.0.saving.paused.get()
    }

    /// How saving stands, for `window.playground.saveState()`: the generation this tab holds,
    /// whether a change waits to be saved (or is being saved), whether the tab is paused, why
    /// it does not save (`None` when it does), and whether the last save failed.
    pub fn save_state(&self) -> (f64, bool, bool, Option<String>, bool) {
        let saving = &self.0.saving;
        (
            saving.generation.get(),
            saving.pending.get() || saving.writing.get(),
            saving.paused.get(),
            saving.off.borrow().clone(),
            saving.failed.get(),
        )
    }

    /// "Use this tab": loads the newest saved work here (this tab's own state stays one undo
    /// away) and saves from here on; the other tab pauses at this tab's next save.
    pub fn use_this_tab(&self) {
        let store = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let saving = &store.0.saving;
            match storage::load().await {
                storage::Saved::Found {
                    session,
                    generation,
                    open_file,
                    ..
                } => {
                    saving.generation.set(generation);
                    saving.paused.set(false);
                    store.replace_session(*session, "load the other tab's work");
                    store.open(&open_file.unwrap_or_else(|| format!("{PROJECT_DIR}/models.py")));
                }
                storage::Saved::Nothing { generation }
                | storage::Saved::Unreadable {
                    generation,
                    saving: true,
                    ..
                } => {
                    saving.generation.set(generation);
                    saving.paused.set(false);
                    store.changed(topic::PAGE);
                }
                storage::Saved::Unreadable { message, .. }
                | storage::Saved::Unavailable(message) => store.show_error(message),
            }
        });
    }

    // ---- what leaves the page: links, files ----

    /// The address that reproduces this state.
    pub fn share_url(&self) -> Result<String, StoreError> {
        let snapshot = self.session_mut().link_snapshot()?;
        let code = crate::playground::transfer::share::encode(
            &crate::playground::transfer::share::SharedState {
                snapshot,
                open_file: self.open_file(),
            },
        );
        let browser = |what: &str| StoreError::Browser(what.to_string());
        let window = web_sys::window().ok_or_else(|| browser("no window"))?;
        let location = window.location();
        let base = format!(
            "{}{}",
            location.origin().map_err(|_| browser("no origin"))?,
            location.pathname().map_err(|_| browser("no path"))?
        );
        Ok(format!("{base}#s={code}"))
    }

    /// The project as a zip real Alembic runs unchanged (optionally with `app.db`).
    pub fn export_zip(&self, include_database: bool) -> Result<Vec<u8>, StoreError> {
        use crate::playground::transfer::export;
        let mut session = self.session_mut();
        let database = if include_database && session.database_path().is_some() {
            let bytes = session.main_database()?.file_bytes()?;
            Some(bytes)
        } else {
            None
        };
        #[cfg_attr(not(feature = "postgresql"), allow(unused_mut))]
        let mut entries = export::project_entries(session.files(), database);
        // a PostgreSQL project's database: the script that rebuilds it on a real server
        #[cfg(feature = "postgresql")]
        if include_database
            && crate::playground::dialect::of_project(session.files(), session.cwd())
                == Some(Kind::Postgresql)
        {
            let journal = session.postgresql_journal();
            if !journal.is_empty() {
                entries.push((
                    "alembic-project/postgresql.sql".to_string(),
                    export::postgresql_script(&journal).into_bytes(),
                ));
            }
        }
        Ok(crate::playground::transfer::zip::zip(&entries))
    }

    /// An `<iframe>` snippet embedding this exact state (editor and terminal).
    pub fn embed_code(&self) -> Result<String, StoreError> {
        let url = self.share_url()?;
        let (page, code) = url
            .split_once("#s=")
            .ok_or_else(|| StoreError::Browser("no share link".to_string()))?;
        Ok(crate::playground::transfer::embed::snippet(
            page,
            &crate::playground::transfer::embed::EmbedOptions::default(),
            Some(code),
        ))
    }
}

/// Rows of one live table: `(row count, first rows)`.
pub type TableRows = (i64, Vec<Vec<String>>);

/// The live database as the panel shows it.
#[derive(Default)]
pub struct LiveState {
    pub version_rows: Option<Vec<String>>,
    pub schema: crate::playground::views::schema::Schema,
    pub rows: Vec<TableRows>,
}
