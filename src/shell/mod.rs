//! The shells that drive the engine: the command line here; the page is `crate::web`.

pub mod native;
