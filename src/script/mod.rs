//! Revision scripts: loading `versions/*.py` (`load`), running their `upgrade()` and
//! `downgrade()` (`exec`), and rendering new ones from `script.py.mako` (`render`, `naming`).

pub mod load;
pub mod naming;
pub mod render;
