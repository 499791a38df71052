//! The shells that drive the engine: the command line here; the page is `crate::web`.

pub mod native;
#[cfg(all(feature = "postgresql", not(target_arch = "wasm32")))]
pub mod postgres;
