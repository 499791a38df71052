//! The page's Yew components: each reads view models from the store and dispatches actions.

pub mod app;
pub mod editor;
pub mod file_tree;
pub mod import;
pub mod lessons_panel;
pub mod revision_graph;
pub mod side_panel;
pub mod splitter;
pub mod terminal;
