//! `alembic history -r <range>` (`command.history` and
//! `ScriptDirectory.walk_revisions`).
//!
//! Owns: range parsing, `current` substitution, the newest-first list.
//! Never does: line formatting (see `RevisionInfo::history_line_prefix`).

use super::errors::{Catch, CommandError};
use super::iterate::IterateOptions;
use super::map::RevisionMap;
use super::RevSpec;

/// True when `history` with this range reads the database because the range
/// mentions `current` (the caller also reads it for `-i`).
pub fn history_uses_current(rev_range: Option<&str>) -> bool {
    match rev_range {
        None => false,
        Some(range) => match split_range(range) {
            Ok((base, head)) => base == "current" || head == "current",
            Err(_) => false,
        },
    }
}

fn split_range(range: &str) -> Result<(String, String), CommandError> {
    if !range.contains(':') {
        return Err(CommandError::new(
            "History range requires [start]:[end], [start]:, or :[end]",
        ));
    }
    let parts: Vec<&str> = range.trim().split(':').collect();
    match parts.as_slice() {
        [base, head] => Ok((base.to_string(), head.to_string())),
        // Upstream crash: `ValueError: too many values to unpack`.
        _ => Err(CommandError::new(format!(
            "History range '{range}' has more than one ':'; use [start]:[end], [start]:, or :[end]"
        ))),
    }
}

impl RevisionMap {
    /// The revisions `alembic history [-r range]` prints, newest first.
    /// `current_rows` are the version-table rows, used when the range says
    /// `current` (pass an empty slice otherwise).
    pub fn history(
        &self,
        rev_range: Option<&str>,
        current_rows: &[String],
    ) -> Result<Vec<String>, CommandError> {
        let (base, head) = match rev_range {
            None => (String::new(), String::new()),
            Some(range) => split_range(range)?,
        };
        let rows = RevSpec::Many(current_rows.to_vec());
        let (base_spec, head_spec) = if head == "current" {
            (RevSpec::One(base), rows)
        } else if base == "current" {
            (rows, RevSpec::One(head))
        } else {
            (RevSpec::One(base), RevSpec::One(head))
        };
        // `base or "base"`, `head or "heads"`.
        let base_spec = if base_spec.is_truthy() {
            base_spec
        } else {
            RevSpec::one("base")
        };
        let head_spec = if head_spec.is_truthy() {
            head_spec
        } else {
            RevSpec::one("heads")
        };
        let catch = Catch {
            start: Some(base_spec.py_str()),
            end: Some(head_spec.py_str()),
            ..Catch::default()
        };
        let options = IterateOptions {
            inclusive: true,
            assert_relative_length: false,
            ..IterateOptions::default()
        };
        let mut warnings = Vec::new();
        let order = self
            .iterate_revisions_inner(&head_spec, &base_spec, options, &mut warnings)
            .map_err(|e| catch.command_error(e))?;
        Ok(self.ids_of(&order))
    }
}
