//! What the page draws from a session, computed from files and databases: the live schema and
//! its diagram, drift against models.py, the revision graph's layout, syntax highlighting.

pub mod graph_layout;
pub mod highlight;
pub mod schema;
