//! The revision graph: Alembic's `RevisionMap` and the planning that
//! `ScriptDirectory` / `command.py` / `HeadMaintainer` do on top of it.
//!
//! Owns: building the map from [`Revision`] values (heads, bases, branch
//! labels, `depends_on`, cycle detection), resolving revision identifiers
//! (`head`, `heads`, `base`, prefixes, `label@head`, `+2`, `ae1@-1`, ...),
//! Alembic's exact step order (the topological sort of
//! `RevisionMap._topological_sort`), upgrade / downgrade / stamp plans,
//! `history` ranges, the `current` display set, and the version-table row
//! changes of each step (`HeadMaintainer.update_to_step`).
//!
//! Never does: I/O of any kind, clocks, randomness, parsing of revision
//! files, rendering of log lines or SQL. Plans are plain values; the caller
//! runs or prints them.
//!
//! Fidelity notes:
//! * Load order (the order of the `Vec<Revision>` given to
//!   [`RevisionMap::new`]) plays the role of Alembic's insertion order.
//! * Where Alembic's result depends on Python `set` / `frozenset` iteration
//!   (which changes from run to run) we pick a stable order and say so at
//!   the place in question; mostly "load order".
//! * Where Alembic crashes (`KeyError`, `AssertionError`) we return a
//!   [`GraphError`] with a clear message instead; each such place is marked
//!   "upstream crash" in a comment.
//! * Every traversal is iterative and visits each revision at most once per
//!   call, so cyclic or huge inputs cannot hang or overflow the stack.

mod errors;
mod heads;
mod history;
mod iterate;
mod map;
mod plan;
mod resolve;
mod stamp;

#[cfg(test)]
mod tests;

pub use errors::{CommandError, GraphError, GraphWarning};
pub use heads::{MigrationStep, RowChange, StepKind};
pub use history::history_uses_current;
pub use iterate::IterateOptions;
pub use map::{RevisionInfo, RevisionMap};
pub use plan::Plan;

/// One revision as written in its file, the input of [`RevisionMap::new`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Revision {
    /// `revision = "..."`.
    pub id: String,
    /// `down_revision` as written, in file order (empty = a root).
    pub down_revisions: Vec<String>,
    /// `depends_on` as written (full ids or branch labels); may be empty.
    pub dependencies: Vec<String>,
    /// `branch_labels` as written.
    pub branch_labels: Vec<String>,
}

impl Revision {
    /// Convenience constructor used by tests and callers.
    pub fn new(id: &str, down_revisions: &[&str]) -> Revision {
        Revision {
            id: id.to_string(),
            down_revisions: down_revisions.iter().map(|s| s.to_string()).collect(),
            dependencies: Vec::new(),
            branch_labels: Vec::new(),
        }
    }

    /// Builder: set `depends_on`.
    pub fn depends_on(mut self, dependencies: &[&str]) -> Revision {
        self.dependencies = dependencies.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Builder: set `branch_labels`.
    pub fn labels(mut self, branch_labels: &[&str]) -> Revision {
        self.branch_labels = branch_labels.iter().map(|s| s.to_string()).collect();
        self
    }
}

/// A revision argument the way Alembic's internals receive it: Python's
/// `None`, a single string, or a tuple of strings. The distinction matters:
/// only a single string is parsed for `@` and relative `+N` / `-N` forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevSpec {
    /// Python `None` (means base).
    Nil,
    /// A single identifier string such as `heads`, `ae10`, `lib@+1`.
    One(String),
    /// A tuple of identifiers, e.g. the current version-table rows.
    Many(Vec<String>),
}

impl RevSpec {
    /// `RevSpec::One` from a `&str`.
    pub fn one(s: &str) -> RevSpec {
        RevSpec::One(s.to_string())
    }

    /// `RevSpec::Many` from string slices.
    pub fn many(items: &[&str]) -> RevSpec {
        RevSpec::Many(items.iter().map(|s| s.to_string()).collect())
    }

    /// Python truthiness (`None`, `""` and `()` are false).
    pub(crate) fn is_truthy(&self) -> bool {
        match self {
            RevSpec::Nil => false,
            RevSpec::One(s) => !s.is_empty(),
            RevSpec::Many(v) => !v.is_empty(),
        }
    }

    /// Python's `"%s" % value` rendering of the argument.
    pub(crate) fn py_str(&self) -> String {
        match self {
            RevSpec::Nil => "None".to_string(),
            RevSpec::One(s) => s.clone(),
            RevSpec::Many(v) => errors::py_tuple_repr(v),
        }
    }

    /// `util.to_tuple(value)`: `None` stays `None`.
    pub(crate) fn to_tuple(&self) -> Option<Vec<String>> {
        match self {
            RevSpec::Nil => None,
            RevSpec::One(s) => Some(vec![s.clone()]),
            RevSpec::Many(v) => Some(v.clone()),
        }
    }
}
