//! Upgrade / downgrade planning (`ScriptDirectory._upgrade_revs`,
//! `_downgrade_revs`), the offline start revision, and the `current`
//! command's display set.
//!
//! Owns: the step list of a command and its CLI error texts. Never does:
//! run a step, read the version table (rows are parameters).

use super::errors::{Catch, CommandError, GraphWarning};
use super::heads::MigrationStep;
use super::iterate::IterateOptions;
use super::map::RevisionMap;
use super::RevSpec;

/// The result of planning `upgrade` / `downgrade`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Steps in execution order.
    pub steps: Vec<MigrationStep>,
    /// `UserWarning`s Alembic prints while planning.
    pub warnings: Vec<GraphWarning>,
}

impl Plan {
    /// The revision ids of the steps, in execution order.
    pub fn revisions(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter_map(|s| s.revision.clone())
            .collect()
    }
}

impl RevisionMap {
    /// `alembic upgrade <destination>` from the given version-table rows
    /// (table order). Online, `current_heads` are the rows; offline they come
    /// from [`RevisionMap::offline_start`] (empty for base).
    ///
    /// A `start:end` range is the caller's to split (`Range revision not
    /// allowed` without `--sql`).
    pub fn plan_upgrade(
        &self,
        destination: &str,
        current_heads: &[String],
    ) -> Result<Plan, CommandError> {
        let catch = Catch {
            ancestor: Some(
                "Destination %(end)s is not a valid upgrade target from current head(s)",
            ),
            end: Some(destination.to_string()),
            ..Catch::default()
        };
        let mut warnings = Vec::new();
        let options = IterateOptions {
            implicit_base: true,
            ..IterateOptions::default()
        };
        let order = self
            .iterate_revisions_inner(
                &RevSpec::One(destination.to_string()),
                &RevSpec::Many(current_heads.to_vec()),
                options,
                &mut warnings,
            )
            .map_err(|e| catch.command_error(e))?;
        let steps = order
            .iter()
            .rev()
            .map(|&i| self.revision_step(i, true))
            .collect();
        Ok(Plan { steps, warnings })
    }

    /// `alembic downgrade <destination>` from the given rows. Offline, pass
    /// the resolved start (`downgrade head:-1 --sql` resolves `-1` relative
    /// to it).
    pub fn plan_downgrade(
        &self,
        destination: &str,
        current_heads: &[String],
    ) -> Result<Plan, CommandError> {
        let catch = Catch {
            ancestor: Some(
                "Destination %(end)s is not a valid downgrade target from current head(s)",
            ),
            end: Some(destination.to_string()),
            ..Catch::default()
        };
        let mut warnings = Vec::new();
        let options = IterateOptions {
            select_for_downgrade: true,
            ..IterateOptions::default()
        };
        let order = self
            .iterate_revisions_inner(
                &RevSpec::Many(current_heads.to_vec()),
                &RevSpec::One(destination.to_string()),
                options,
                &mut warnings,
            )
            .map_err(|e| CommandError {
                warnings: std::mem::take(&mut warnings),
                ..catch.command_error(e)
            })?;
        let steps = order
            .iter()
            .map(|&i| self.revision_step(i, false))
            .collect();
        Ok(Plan { steps, warnings })
    }

    /// The "current heads" of an offline (`--sql`) run with explicit
    /// `start:` (`MigrationContext.get_current_heads` in `as_sql` mode):
    /// empty for `base` or an empty start, else the one revision `start`
    /// resolves to.
    pub fn offline_start(&self, start: &str) -> Result<Vec<String>, CommandError> {
        if start == "base" {
            return Ok(Vec::new());
        }
        // Upstream crash: `get_revision('')` fails an assertion for `:<end>`.
        if start.is_empty() {
            return Err(CommandError::new(
                "The range has no starting revision: write base:<end> rather than :<end> \
                 (Alembic 1.20.1 stops here with an AssertionError)",
            ));
        }
        match self.resolve_one_for_command(start)? {
            Some(id) => Ok(vec![id]),
            // Upstream crash: `None.revision` (AttributeError) for e.g. `lib@base:`.
            None => Err(CommandError::new(format!(
                "Starting revision '{start}' resolves to base; use 'base' instead"
            ))),
        }
    }

    /// What `alembic current` lists (`ScriptDirectory.get_all_current`):
    /// the rows plus their ancestors, reduced to branch heads. Alembic
    /// prints a set; we use load order. Render each id with
    /// `revision(id).head_only_markers(false, false, true)`.
    pub fn current_display(&self, rows: &[String]) -> Result<Vec<String>, CommandError> {
        let catch = Catch::default();
        let current = self
            .get_all_current(rows)
            .map_err(|e| catch.command_error(e))?;
        Ok(self.ids_of(&current))
    }

    /// `current --check-heads`: the rows must equal the script heads as a
    /// set. Alembic compares with `get_heads()`, which includes effective
    /// heads, so a project whose head only exists through `depends_on`
    /// never passes (kept as is).
    pub fn check_heads(&self, rows: &[String]) -> Result<(), CommandError> {
        let heads = self.heads();
        let same = rows.iter().all(|r| heads.contains(r)) && heads.iter().all(|h| rows.contains(h));
        if same {
            Ok(())
        } else {
            Err(CommandError::new("Database is not on all head revisions"))
        }
    }
}
