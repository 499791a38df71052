//! Errors and warnings of the revision graph, with Alembic's exact texts, and
//! the translation into command-level messages that
//! `ScriptDirectory._catch_revision_errors` performs.
//!
//! Owns: message texts. Never does: printing, deciding exit codes.

use crate::python::repr_str;
use std::fmt;

/// A `UserWarning` Alembic prints while loading or planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphWarning {
    /// `Revision X is present more than once` (the later file wins).
    DuplicateRevision { revision: String },
    /// `Revision X referenced from <short form> is not present`.
    ///
    /// `referenced_from_short` is `Script.__str__` without the trailing
    /// `, <doc>` (e.g. `ffffffffffff -> 0a0a0a0a0a02 (head)`); the caller
    /// knows the doc and can use [`GraphWarning::message_with_doc`].
    MissingReference {
        missing: String,
        referenced_from: String,
        referenced_from_short: String,
    },
    /// `downgrade -1 from multiple heads is ambiguous; ...`.
    AmbiguousRelativeDowngrade,
}

impl GraphWarning {
    /// The warning text, without a revision doc.
    pub fn message(&self) -> String {
        self.message_with_doc(None)
    }

    /// The warning text; `doc` completes the short form of the referencing
    /// revision the way Alembic's `str(script)` does (`..., <doc>`).
    pub fn message_with_doc(&self, doc: Option<&str>) -> String {
        match self {
            GraphWarning::DuplicateRevision { revision } => {
                format!("Revision {revision} is present more than once")
            }
            GraphWarning::MissingReference {
                missing,
                referenced_from_short,
                ..
            } => match doc {
                Some(doc) => format!(
                    "Revision {missing} referenced from {referenced_from_short}, {doc} is not present"
                ),
                None => {
                    format!("Revision {missing} referenced from {referenced_from_short} is not present")
                }
            },
            GraphWarning::AmbiguousRelativeDowngrade => "downgrade -1 from multiple heads is ambiguous; this usage will be disallowed in a future release.".to_string(),
        }
    }
}

/// An error of the revision graph (Alembic's `RevisionError` family, plus
/// clean replacements for the places where Alembic crashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// `LoopDetected`: a revision names itself as down revision.
    SelfLoop { revision: String },
    /// `DependencyLoopDetected`: a revision depends on itself.
    DependencySelfLoop { revision: String },
    /// `CycleDetected` over down revisions.
    Cycle { revisions: Vec<String> },
    /// `DependencyCycleDetected` over down revisions plus `depends_on`.
    DependencyCycle { revisions: Vec<String> },
    /// A branch label used twice (or equal to a revision id).
    DuplicateBranchLabel {
        label: String,
        revision: String,
        used_by: String,
    },
    /// `Character(s) '@' not allowed in revision identifier 'a@b'`.
    IllegalCharacters { chars: String, revision: String },
    /// A `down_revision` that names no revision. Upstream crash: Alembic
    /// warns and then dies with `KeyError`; we stop with this message.
    MissingDownRevision {
        missing: String,
        referenced_from: String,
    },
    /// A `depends_on` entry that names no revision or label. Upstream
    /// crash: Alembic dies with `KeyError`.
    MissingDependency {
        missing: String,
        referenced_from: String,
    },
    /// `MultipleHeads`.
    MultipleHeads {
        heads: Vec<String>,
        argument: String,
    },
    /// `ResolutionError` (the CLI shows `Can't locate revision identified by '<argument>'`).
    Resolution { message: String, argument: String },
    /// `RangeNotAncestorError`; `lower` / `upper` are Python `%s` renderings,
    /// `None` when the value was falsy.
    RangeNotAncestor {
        lower: Option<String>,
        upper: Option<String>,
    },
    /// Any other `RevisionError` (`Ambiguous walk`, `Walked too far`,
    /// `Relative revision +5 didn't produce 5 migrations`, ...).
    Revision { message: String },
    /// A place where Alembic fails with a bare `AssertionError` / `KeyError`
    /// traceback. We return a readable message instead.
    UpstreamCrash { message: String },
}

impl GraphError {
    pub(crate) fn revision(message: impl Into<String>) -> GraphError {
        GraphError::Revision {
            message: message.into(),
        }
    }

    pub(crate) fn crash(message: impl Into<String>) -> GraphError {
        GraphError::UpstreamCrash {
            message: message.into(),
        }
    }

    /// The exception message as Alembic would show it (`str(exc)`).
    pub fn message(&self) -> String {
        match self {
            GraphError::SelfLoop { revision } => {
                format!("Self-loop is detected in revisions ({revision})")
            }
            GraphError::DependencySelfLoop { revision } => {
                format!("Dependency self-loop is detected in revisions ({revision})")
            }
            GraphError::Cycle { revisions } => {
                format!("Cycle is detected in revisions ({})", revisions.join(", "))
            }
            GraphError::DependencyCycle { revisions } => format!(
                "Dependency cycle is detected in revisions ({})",
                revisions.join(", ")
            ),
            GraphError::DuplicateBranchLabel {
                label,
                revision,
                used_by,
            } => format!(
                "Branch name '{label}' in revision {revision} already used by revision {used_by}"
            ),
            GraphError::IllegalCharacters { chars, revision } => format!(
                "Character(s) '{chars}' not allowed in revision identifier '{revision}'"
            ),
            GraphError::MissingDownRevision {
                missing,
                referenced_from,
            } => format!(
                "Revision {missing} referenced from {referenced_from} is not present; \
                 fix its down_revision or add the missing revision file"
            ),
            GraphError::MissingDependency {
                missing,
                referenced_from,
            } => format!(
                "Revision {referenced_from} depends on {missing}, which is neither a revision nor a branch label; \
                 fix its depends_on"
            ),
            GraphError::MultipleHeads { heads, argument } => format!(
                "Multiple heads are present for given argument '{argument}'; {}",
                heads.join(", ")
            ),
            GraphError::Resolution { message, .. } => message.clone(),
            GraphError::RangeNotAncestor { lower, upper } => format!(
                "Revision {} is not an ancestor of revision {}",
                lower.as_deref().unwrap_or("base"),
                upper.as_deref().unwrap_or("base")
            ),
            GraphError::Revision { message } => message.clone(),
            GraphError::UpstreamCrash { message } => message.clone(),
        }
    }

    /// The Python exception class Alembic raises here, for callers that
    /// render tracebacks (`alembic.script.revision.CycleDetected: ...`).
    pub fn exception_name(&self) -> &'static str {
        match self {
            GraphError::SelfLoop { .. } => "LoopDetected",
            GraphError::DependencySelfLoop { .. } => "DependencyLoopDetected",
            GraphError::Cycle { .. } => "CycleDetected",
            GraphError::DependencyCycle { .. } => "DependencyCycleDetected",
            GraphError::DuplicateBranchLabel { .. } => "RevisionError",
            GraphError::IllegalCharacters { .. } => "RevisionError",
            GraphError::MissingDownRevision { .. } => "KeyError",
            GraphError::MissingDependency { .. } => "KeyError",
            GraphError::MultipleHeads { .. } => "MultipleHeads",
            GraphError::Resolution { .. } => "ResolutionError",
            GraphError::RangeNotAncestor { .. } => "RangeNotAncestorError",
            GraphError::Revision { .. } => "RevisionError",
            GraphError::UpstreamCrash { .. } => "AssertionError",
        }
    }

    /// The CLI text (`FAILED: <text>`) this error becomes in a plain
    /// `_catch_revision_errors()` block, e.g. `show`, `current`.
    pub fn to_command_error(&self) -> CommandError {
        Catch::default().command_error(self.clone())
    }

    /// True for errors raised while loading the map (what `alembic heads`
    /// shows as a traceback and `alembic history` as `FAILED: ...`).
    pub fn is_load_error(&self) -> bool {
        matches!(
            self,
            GraphError::SelfLoop { .. }
                | GraphError::DependencySelfLoop { .. }
                | GraphError::Cycle { .. }
                | GraphError::DependencyCycle { .. }
                | GraphError::DuplicateBranchLabel { .. }
                | GraphError::IllegalCharacters { .. }
                | GraphError::MissingDownRevision { .. }
                | GraphError::MissingDependency { .. }
        )
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for GraphError {}

/// Alembic's `util.CommandError`: the text after `FAILED: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub message: String,
    /// Warnings Alembic issued (and Python printed) before it raised.
    pub warnings: Vec<GraphWarning>,
}

impl CommandError {
    pub(crate) fn new(message: impl Into<String>) -> CommandError {
        CommandError {
            message: message.into(),
            warnings: Vec::new(),
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

/// The parameters of one `with self._catch_revision_errors(...)` block.
#[derive(Debug, Default, Clone)]
pub(crate) struct Catch {
    pub ancestor: Option<&'static str>,
    pub multiple_heads: Option<&'static str>,
    pub start: Option<String>,
    pub end: Option<String>,
}

impl Catch {
    /// Translate a graph error the way `_catch_revision_errors` does.
    pub(crate) fn command_error(&self, error: GraphError) -> CommandError {
        match error {
            GraphError::RangeNotAncestor { lower, upper } => {
                let start = self
                    .start
                    .clone()
                    .unwrap_or_else(|| lower.unwrap_or_else(|| "None".to_string()));
                let end = self
                    .end
                    .clone()
                    .unwrap_or_else(|| upper.unwrap_or_else(|| "None".to_string()));
                let template = self.ancestor.unwrap_or(
                    "Requested range %(start)s:%(end)s does not refer to \
                     ancestor/descendant revisions along the same branch",
                );
                CommandError::new(
                    template
                        .replace("%(start)s", &start)
                        .replace("%(end)s", &end),
                )
            }
            GraphError::MultipleHeads { heads, argument } => {
                let template = self.multiple_heads.unwrap_or(
                    "Multiple head revisions are present for given argument \
                     '%(head_arg)s'; please specify a specific target revision, \
                     '<branchname>@%(head_arg)s' to narrow to a specific head, \
                     or 'heads' for all heads",
                );
                let head_arg = match &self.end {
                    Some(end) if !end.is_empty() => end.clone(),
                    _ => argument,
                };
                CommandError::new(
                    template
                        .replace("%(head_arg)s", &head_arg)
                        .replace("%(heads)s", &heads.join(", ")),
                )
            }
            GraphError::Resolution { argument, .. } => {
                CommandError::new(format!("Can't locate revision identified by '{argument}'"))
            }
            other => CommandError::new(other.message()),
        }
    }
}

/// Python `str()` of a tuple of strings: `('a',)`, `('a', 'b')`, `()`.
pub(crate) fn py_tuple_repr(items: &[String]) -> String {
    match items {
        [] => "()".to_string(),
        [one] => format!("({},)", repr_str(one)),
        many => format!(
            "({})",
            many.iter()
                .map(|s| repr_str(s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
