//! Revision scripts: loading `versions/*.py` (`load`), running their `upgrade()` and
//! `downgrade()` (`exec`), reading `env.py` (`environment`), and rendering new ones from
//! `script.py.mako` (`render`, `naming`).

pub mod environment;
pub mod exec;
pub mod load;
pub mod naming;
pub mod render;
