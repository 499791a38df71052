//! Revision scripts: loading `versions/*.py` and rendering new ones from `script.py.mako`.

pub mod naming;
pub mod render;
