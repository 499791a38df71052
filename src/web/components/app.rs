//! The page layout: file tree, editor, terminal and the database panel around one session.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::editor::Editor;
use super::file_tree::FileTree;
use super::side_panel::SidePanel;
use super::splitter::Splitter;
use super::terminal::Terminal;
#[cfg(feature = "postgresql")]
use crate::playground::dialect::Kind;
use crate::playground::project::PROJECT_DIR;
use crate::playground::session::Session;
use crate::playground::warm_up::{WarmUp, WarmUpStep};
use crate::web::host::{BrowserClock, BrowserIds};
use crate::web::storage;
#[cfg(feature = "postgresql")]
use crate::web::store::use_store;
use crate::web::store::{topic, use_subscription, Action, Saving, Store, StoreError};

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
                // Once the page is idle: the offline copy of this release (of the SQLite
                // page: the PostgreSQL page has no service worker of its own yet).
                #[cfg(not(feature = "postgresql"))]
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

/// Offers everything kept aside in storage (unreadable saves, a closed tab's conflicting
/// changes) as files; each opens again with Import.
fn download_kept(store: &Store) {
    let store = store.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match storage::kept_aside().await {
            Ok(records) if records.is_empty() => {
                store.show_error("Nothing is kept aside in this browser.".to_string())
            }
            Ok(records) => {
                for (index, (_, bytes)) in records.iter().enumerate() {
                    let name = format!("alembic-playground-kept-{}.playground", index + 1);
                    if let Err(message) = download(&name, "application/octet-stream", bytes) {
                        store.show_error(format!("Download: {message}"));
                    }
                }
            }
            Err(message) => store.show_error(format!("Download: {message}")),
        }
    });
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
            crate::python::parse_int::<i32>(part, 10).filter(|size| (40..=4000).contains(size))
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
/// starter project. Sets up `store` (this tab's saving) for what was found.
fn initial_session(startup: Startup, store: &Saving) -> (Session, Option<String>, Option<String>) {
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
        if saved
            .as_ref()
            .is_some_and(|saved| crate::web::opens_in_postgresql_page(saved.files()))
        {
            crate::web::open_postgresql_page();
        }
        return (saved.unwrap_or_else(Session::starter), open, message);
    };
    let decoded = crate::playground::transfer::share::decode(&shared);
    // a PostgreSQL project's link (or embed) goes to the PostgreSQL page as it is
    if let Ok(state) = &decoded {
        if crate::playground::project::tree(&state.snapshot.files)
            .is_ok_and(|files| crate::web::opens_in_postgresql_page(&files))
        {
            crate::web::open_postgresql_page();
            return (Session::starter(), None, None);
        }
    }
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
    let state = match decoded {
        Ok(state) => state,
        Err(error) => return refused(&error, saved, open),
    };
    // An embedded or framed page has no saved work of the visitor's to replace.
    let replace = saved.is_none()
        || crate::web::confirm("This link opens a shared example. Replace your work with it? (Cancel keeps your work; after replacing, \"Undo last command\" brings it back.)");
    if !replace {
        return (saved.unwrap_or_else(Session::starter), open, message);
    }
    match Session::from_snapshot(&state.snapshot) {
        Ok(mut session) => {
            if let Some(mut own) = saved {
                if let Ok(before) = own.snapshot() {
                    session.set_undo_point("open the shared link".to_string(), before);
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
fn download(name: &str, mime_type: &str, bytes: &[u8]) -> Result<(), StoreError> {
    offer(name, mime_type, bytes)
        .ok_or_else(|| StoreError::Browser("the browser could not build the file".to_string()))
}

fn offer(name: &str, mime_type: &str, bytes: &[u8]) -> Option<()> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
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
pub fn embed_options() -> Option<crate::playground::transfer::embed::EmbedOptions> {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|query| crate::playground::transfer::embed::parse(&query))
}

/// What the top bar says the page runs.
#[cfg(not(feature = "postgresql"))]
const SUBTITLE: &str = "real Alembic commands on SQLite, in your browser";
#[cfg(feature = "postgresql")]
const SUBTITLE: &str = "real Alembic commands on PostgreSQL (PGlite), in your browser";

/// `pg/?switch`: the SQLite page's switch to PostgreSQL, made here (undoable); the query
/// then leaves the address, so a reload does not switch again.
#[cfg(feature = "postgresql")]
fn switch_from_sqlite_page(handle: &Store) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    if !search
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair == "switch")
    {
        return;
    }
    handle.switch_database(Kind::Postgresql);
    if let (Ok(path), Ok(history)) = (location.pathname(), window.history()) {
        let hash = location.hash().unwrap_or_default();
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{hash}")),
        );
    }
}

/// The database switch ("SQLite | PostgreSQL") in the PostgreSQL page: the database the
/// project's URL names is pressed; choosing the other rewrites alembic.ini (undoable).
#[cfg(feature = "postgresql")]
#[function_component(DatabaseSwitch)]
fn database_switch_buttons() -> Html {
    let Some(handle) = use_store(topic::MIGRATIONS) else {
        return html! {};
    };
    let current = handle.dialect();
    let button = |kind: Kind, title: &'static str| {
        let pressed = current == Some(kind);
        let handle = handle.clone();
        let onclick = Callback::from(move |_: MouseEvent| handle.switch_database(kind));
        html! {
            <button type="button" aria-pressed={pressed.to_string()} {title} {onclick}>{kind.name()}</button>
        }
    };
    html! {
        <div class="toggle dialect-switch" role="group" aria-label="Database">
            { button(Kind::Sqlite, "Run the project on SQLite (alembic.ini's sqlalchemy.url)") }
            { button(Kind::Postgresql, "Run the project on PostgreSQL (PGlite, in this page)") }
        </div>
    }
}

#[cfg(feature = "postgresql")]
fn database_switch(handle: &Store) -> Html {
    if handle.embed().is_some() {
        return html! {};
    }
    html! { <DatabaseSwitch /> }
}

/// The database switch in the SQLite page, a plain link: PostgreSQL opens the PostgreSQL page,
/// which switches the project (`pg/?switch`), carried there by the saved work (leaving a page
/// saves it at once); so the switch's code loads only with PostgreSQL. A page that does not
/// save (embedded, framed, no storage) has no switch: the work would not reach the other page.
#[cfg(not(feature = "postgresql"))]
fn database_switch(handle: &Store) -> Html {
    if handle.saving().off.borrow().is_some() {
        return html! {};
    }
    // "SQLite", pressed, is the stylesheet's `::before`: one element to draw
    html! {
        <a class="dialect-switch" href="pg/?switch" aria-label="Database: SQLite. Switch to PostgreSQL" title="Run the project on PostgreSQL: opens it in the PostgreSQL page (PGlite, 5.6 MB once)">{"PostgreSQL"}</a>
    }
}

/// PGlite's progress while it starts (and the lines waiting for it), or why it failed.
#[cfg(feature = "postgresql")]
fn postgresql_banner(handle: &Store) -> Html {
    use crate::web::store::Postgresql;
    match handle.postgresql() {
        Postgresql::Running => html! {},
        Postgresql::Failed(why) => html! { <div class="banner error" role="alert">{why}</div> },
        Postgresql::Starting { received, total } => {
            let progress = if total > 0.0 && received >= total {
                "downloaded, starting".to_string()
            } else if total > 0.0 {
                format!("{:.1} of {:.1} MB downloaded", received / 1e6, total / 1e6)
            } else {
                "downloading".to_string()
            };
            let waiting = handle.waiting_lines();
            html! {
                <div class="banner postgresql" role="status" aria-live="polite">
                    {format!("Starting PostgreSQL in this page (PGlite, several MB, once): {progress}.")}
                    if !waiting.is_empty() {
                        {format!(" Waiting to run: {}", waiting.join("; "))}
                    }
                </div>
            }
        }
    }
}

#[cfg(not(feature = "postgresql"))]
fn postgresql_banner(_: &Store) -> Html {
    html! {}
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let handle = (*use_memo((), |_| {
        let embed = embed_options().map(Rc::new);
        let saving = Saving::new();
        let startup = props
            .startup
            .0
            .borrow_mut()
            .take()
            .unwrap_or(Startup::Embedded);
        let (session, open, error) = initial_session(startup, &saving);
        let open = open.or_else(|| Some(format!("{PROJECT_DIR}/models.py")));
        Store::new(session, open, error, saving, embed)
    }))
    .clone();
    // The top bar, the banners and the paused dialog redraw with the page's own topic; the
    // panels redraw themselves with theirs.
    use_subscription(Some(handle.clone()), topic::PAGE);
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
    {
        let handle = handle.clone();
        let panels_drawn = panels_drawn.clone();
        let online = online.clone();
        use_effect_with((), move |_| {
            crate::web::api::install(handle.clone());
            #[cfg(feature = "postgresql")]
            {
                handle.start_postgresql();
                switch_from_sqlite_page(&handle);
            }
            gloo::timers::callback::Timeout::new(0, move || panels_drawn.set(true)).forget();
            // Once the page is idle, warm the engine up in small steps (see WarmUp);
            // `window.playground.warmedUp` tells scripts (the benchmark) when it is done.
            warm_up_later(WarmUp::new(), WARM_UP_START_MS);
            // Embedded demos run their commands on load, as if typed.
            if let Some(options) = handle.embed() {
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
                let store = handle.clone();
                gloo::events::EventListener::new_with_options(
                    &window,
                    "beforeunload",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        if store.saving().failed.get() && store.saving().off.borrow().is_none() {
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
            if handle.saving().saves() {
                let watcher = handle.clone();
                storage::watch_other_tabs(move |_, tab| {
                    if tab != watcher.saving().tab {
                        watcher.pause();
                    }
                });
            }
        });
    }
    let on_reset = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| {
            if crate::web::confirm(
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
            handle.act("Undo", Action::Undo);
        })
    };
    let can_undo = handle.can_undo();
    let storage_error = handle.banner();
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
            Err(message) => handle.show_error(format!("Share: {message}")),
        })
    };
    let download_link = {
        let handle = handle.clone();
        let share_link = share_link.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = (*share_link).clone() {
                let saved = download("alembic-playground-link.txt", "text/plain", url.as_bytes());
                if let Err(message) = saved {
                    handle.show_error(format!("Share: {message}"));
                }
            }
        })
    };
    let close_share = {
        let share_link = share_link.clone();
        Callback::from(move |_: MouseEvent| share_link.set(None))
    };
    if let Some(options) = handle.embed() {
        let full_url = web_sys::window()
            .and_then(|window| window.location().pathname().ok())
            .unwrap_or_default();
        let show = |panel: &str| options.panels.iter().any(|wanted| wanted == panel);
        let style = options
            .height
            .map(|height| format!("height: {height}px"))
            .unwrap_or_default();
        return html! {
            <ContextProvider<Store> context={handle.clone()}>
                <div class="playground embed" {style}>
                    <header class="embed-bar">
                        <span>{"Alembic Playground"}</span>
                        <a href={full_url} target="_blank" rel="noopener">{"Open the full playground ↗"}</a>
                    </header>
                    if let Some(message) = storage_error.clone() {
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
            </ContextProvider<Store>>
        };
    }
    let on_use_tab = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| handle.use_this_tab())
    };
    let on_download_kept = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| download_kept(&handle))
    };
    let kept_work = storage_error
        .as_deref()
        .is_some_and(|message| message.contains("Download kept work"));
    let framed = handle.saving().off.borrow().as_deref() == Some("framed");
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
                handle.show_error(format!("Export: {message}"));
            }
        })
    };
    // Import: picked files, a picked folder, or files dropped on the page.
    let on_uploads = {
        let handle = handle.clone();
        Rc::new(
            move |read: Result<Vec<crate::playground::transfer::import::Upload>, StoreError>| {
                let imported =
                    read.and_then(|uploads| super::import::import_uploads(&handle, uploads));
                match imported {
                    Err(message) => handle.show_error(format!("Import: {message}")),
                    Ok(_) => handle.clear_error(),
                }
            },
        )
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
            Err(message) => handle.show_error(format!("Embed: {message}")),
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
        <ContextProvider<Store> context={handle.clone()}>
            <div class="playground" ondragover={on_dragover} ondrop={on_drop}>
                <header class="topbar">
                    <h1>{"Alembic Playground"}</h1>
                    <span class="subtitle">{SUBTITLE}</span>
                    { database_switch(&handle) }
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
                if let Some(message) = storage_error.clone() {
                    <div class="banner error" role="alert">
                        {message}
                        if kept_work { <button type="button" onclick={on_download_kept.clone()}>{"Download kept work"}</button> }
                        if framed { <a href={own_tab.clone()} target="_blank" rel="noopener">{"Open the playground in its own tab"}</a> }
                    </div>
                }
                { postgresql_banner(&handle) }
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
        </ContextProvider<Store>>
    }
}
