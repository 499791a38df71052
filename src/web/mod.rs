//! The page: a Yew app over a [`Session`](crate::playground::session::Session), held by one store
//! (`store.rs`): components read its view models and dispatch its actions.
//!
//! Owns: components, browser storage, the browser's clock and random ids, and the
//! `window.playground` scripting API. Contains no migration logic: every command goes through
//! `Session::run_line`, the same path the CLI's commands take.

mod api;
mod components;
mod host;
#[cfg(feature = "postgresql")]
mod pglite;
pub mod storage;
mod store;

pub use components::app::App;
use components::app::{AppProps, Startup, StartupProps};

/// Asks the learner a yes/no question with the browser's dialog (no when it cannot be shown).
fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|window| window.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// How much heap the page takes from the browser before it starts (bytes).
const HEAP_RESERVE: usize = 24 << 20;

/// Grows the WebAssembly memory up front to [`HEAP_RESERVE`]: a later growth (`memory.grow`)
/// can stall the page for milliseconds in Chromium on this machine (traced: up to 5 ms each,
/// about ten of them in a learner's first commands and redraws), while
/// pages of a reserved but untouched heap cost nothing until used. The reserve is taken in
/// chunks well below the allocator's large-block size and freed at once, so it stays in the
/// allocator's free space rather than being handed back.
fn reserve_heap() {
    const CHUNK: usize = 64 << 10;
    let mut chunks: Vec<Vec<u8>> = Vec::with_capacity(HEAP_RESERVE / CHUNK);
    for _ in 0..HEAP_RESERVE / CHUNK {
        // A browser short of memory refuses a growth: then the page simply grows later.
        let mut chunk = Vec::new();
        if chunk.try_reserve_exact(CHUNK).is_err() {
            break;
        }
        chunks.push(chunk);
    }
    std::hint::black_box(&chunks);
}

/// Whether this page is shown inside another page's frame.
fn is_framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window),
        // A top window that cannot be read is another origin's: framed.
        _ => true,
    }
}

/// Starts the page: reads the saved work (IndexedDB answers asynchronously), then mounts the
/// app into `#app` and removes the loading indicator.
pub fn start() {
    reserve_heap();
    if components::app::embed_options().is_some() {
        return mount(Startup::Embedded);
    }
    if is_framed() {
        return mount(Startup::Framed);
    }
    wasm_bindgen_futures::spawn_local(async {
        mount(Startup::Saved(storage::load().await));
    });
}

/// Whether the SQLite page hands the project in `files` to the PostgreSQL page (it names
/// PostgreSQL): only a project that uses PostgreSQL downloads it.
fn opens_in_postgresql_page(files: &dyn crate::host::FileSystem) -> bool {
    !cfg!(feature = "postgresql")
        && crate::playground::dialect::of_project(files, crate::playground::project::PROJECT_DIR)
            == Some(crate::playground::dialect::Kind::Postgresql)
}

/// Opens the PostgreSQL page (`pg/`) in place of this one, with the same query (`?embed`) and
/// link (`#s=`).
fn open_postgresql_page() {
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return;
    };
    let address = String::from("pg/")
        + &location.search().unwrap_or_default()
        + &location.hash().unwrap_or_default();
    let _ = location.replace(&address);
}

fn mount(startup: Startup) {
    let document = web_sys::window().and_then(|window| window.document());
    let Some(document) = document else {
        return;
    };
    // The theme chosen with the Theme button (else the system's).
    let saved_theme = web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item("alembic-playground/theme").ok().flatten());
    if let (Some(theme), Some(root)) = (saved_theme, document.document_element()) {
        let _ = root.set_attribute("data-theme", &theme);
    }
    if let Some(loader) = document.get_element_by_id("loading") {
        loader.remove();
    }
    let props = AppProps {
        startup: StartupProps(std::rc::Rc::new(std::cell::RefCell::new(Some(startup)))),
    };
    match document.get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<App>::with_root_and_props(root, props).render();
        }
        None => {
            yew::Renderer::<App>::with_props(props).render();
        }
    }
}
