//! The PostgreSQL page's database: PGlite, started once (it is several megabytes), then the
//! engine's wire-protocol `Database` over its synchronous `execProtocolRawSync`.

use wasm_bindgen::prelude::*;

use crate::runtime::postgres::Transport;

#[wasm_bindgen(module = "/src/web/pglite.js")]
extern "C" {
    #[wasm_bindgen(js_name = startPglite)]
    fn start_pglite(on_progress: &Closure<dyn FnMut(f64, f64)>) -> js_sys::Promise;

    #[wasm_bindgen(catch, js_name = execProtocolRawSync)]
    fn exec_protocol_raw_sync(database: &JsValue, message: &[u8]) -> Result<Vec<u8>, JsValue>;
}

/// A started PGlite.
pub struct Pglite {
    database: JsValue,
}

impl Transport for Pglite {
    fn round_trip(&mut self, messages: &[u8]) -> Result<Vec<u8>, String> {
        exec_protocol_raw_sync(&self.database, messages).map_err(|error| describe(&error))
    }
}

/// A JavaScript error's message (an `Error`'s `message`, else the value as text).
pub fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "an unknown error".to_string())
}

/// Fetches, compiles and starts PGlite, calling `progress(received, total)` with the bytes
/// fetched so far.
pub async fn start(progress: impl FnMut(f64, f64) + 'static) -> Result<Pglite, String> {
    let on_progress = Closure::<dyn FnMut(f64, f64)>::new(progress);
    let started = wasm_bindgen_futures::JsFuture::from(start_pglite(&on_progress)).await;
    drop(on_progress);
    started
        .map(|database| Pglite { database })
        .map_err(|error| describe(&error))
}
