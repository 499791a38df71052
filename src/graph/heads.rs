//! Migration steps and version-table maintenance: Alembic's `RevisionStep`,
//! `StampStep` and `HeadMaintainer.update_to_step` as a pure function from
//! (rows, step) to row changes.
//!
//! Owns: which rows a step inserts, updates or deletes, and in which order.
//! Never does: SQL text, database access.

use super::errors::GraphError;
use super::map::{Edge, RevisionMap};
use super::RevSpec;

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// Run `upgrade()` of the revision.
    Upgrade,
    /// Run `downgrade()` of the revision.
    Downgrade,
    /// `stamp`: only the version table changes.
    Stamp { is_upgrade: bool, branch_move: bool },
}

/// One step of a plan: a `RevisionStep` or a `StampStep`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStep {
    pub kind: StepKind,
    /// The revision whose script runs (`None` for stamp steps).
    pub revision: Option<String>,
    /// `from_revisions_no_deps`: for an upgrade the down revisions as
    /// written, for a downgrade the revision itself, for a stamp the rows
    /// it starts from.
    pub from_revisions: Vec<String>,
    /// `to_revisions_no_deps`: for an upgrade the revision, for a downgrade
    /// its down revisions as written, for a stamp the target.
    pub to_revisions: Vec<String>,
}

impl MigrationStep {
    /// `MigrationStep.name`: `upgrade`, `downgrade` or `stamp_revision`.
    pub fn name(&self) -> &'static str {
        match self.kind {
            StepKind::Upgrade => "upgrade",
            StepKind::Downgrade => "downgrade",
            StepKind::Stamp { .. } => "stamp_revision",
        }
    }

    /// True for upgrades and upward stamps.
    pub fn is_upgrade(&self) -> bool {
        match self.kind {
            StepKind::Upgrade => true,
            StepKind::Downgrade => false,
            StepKind::Stamp { is_upgrade, .. } => is_upgrade,
        }
    }

    /// `short_log`: `upgrade 1975ea83b712 -> ae1027a6acf0`,
    /// `downgrade 1975ea83b712 -> ` (a root), `stamp_revision  -> 3000`.
    /// The log line is `Running <short_log>, <doc>` (doc-less steps and
    /// `--sql` comments use `Running <short_log>` / `-- Running <short_log>`).
    pub fn short_log(&self) -> String {
        format!(
            "{} {} -> {}",
            self.name(),
            self.from_revisions.join(", "),
            self.to_revisions.join(", ")
        )
    }
}

/// One change to the `alembic_version` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowChange {
    /// `INSERT INTO alembic_version (version_num) VALUES ('<rev>')`.
    Insert(String),
    /// `UPDATE alembic_version SET version_num='<to>' WHERE version_num = '<from>'`.
    Update { from: String, to: String },
    /// `DELETE FROM alembic_version WHERE version_num = '<rev>'`.
    Delete(String),
}

impl RevisionMap {
    pub(crate) fn revision_step(&self, index: usize, upgrade: bool) -> MigrationStep {
        let node = self.node(index);
        let (kind, from, to) = if upgrade {
            (
                StepKind::Upgrade,
                node.down_revisions.clone(),
                vec![node.id.clone()],
            )
        } else {
            (
                StepKind::Downgrade,
                vec![node.id.clone()],
                node.down_revisions.clone(),
            )
        };
        MigrationStep {
            kind,
            revision: Some(node.id.clone()),
            from_revisions: from,
            to_revisions: to,
        }
    }

    /// Ids of all ancestors (dependencies included) of the given rows.
    fn ancestor_ids_of_rows(&self, rows: &[String]) -> Result<Vec<bool>, GraphError> {
        let mut starts = Vec::new();
        for r in self.get_revisions_ref(&RevSpec::Many(rows.to_vec()))? {
            if let super::resolve::Ref::Rev(i) = r {
                starts.push(i);
            }
        }
        Ok(self.reach(&starts, Edge::NormalizedDown))
    }

    /// `HeadMaintainer.update_to_step`: apply `step` to `rows` (the version
    /// table in table order; inserts append, updates keep their place) and
    /// return the statements in the order Alembic issues them.
    ///
    /// Errors are the cases where Alembic fails with `KeyError` /
    /// `AssertionError` (e.g. stamping two targets that share current heads,
    /// reference §11 #1); `rows` is left unchanged then.
    pub fn update_to_step(
        &self,
        rows: &mut Vec<String>,
        step: &MigrationStep,
    ) -> Result<Vec<RowChange>, GraphError> {
        let mut heads: Vec<String> = Vec::new();
        for r in rows.iter() {
            if !heads.contains(r) {
                heads.push(r.clone());
            }
        }
        let changes = match &step.kind {
            StepKind::Stamp {
                is_upgrade,
                branch_move,
            } => stamp_changes(&heads, step, *is_upgrade, *branch_move)?,
            StepKind::Upgrade | StepKind::Downgrade => self.revision_changes(&heads, step)?,
        };
        // Replay on a copy so that an error leaves `rows` untouched.
        let mut new_rows = heads;
        for change in &changes {
            apply_change(&mut new_rows, change)?;
        }
        *rows = new_rows;
        Ok(changes)
    }

    fn revision_changes(
        &self,
        heads: &[String],
        step: &MigrationStep,
    ) -> Result<Vec<RowChange>, GraphError> {
        let revision_id = step.revision.clone().unwrap_or_default();
        let index = match self.live_index(&revision_id) {
            Some(i) => i,
            None => {
                return Err(GraphError::Resolution {
                    message: format!("No such revision or branch '{revision_id}'"),
                    argument: revision_id,
                })
            }
        };
        let is_upgrade = step.kind == StepKind::Upgrade;
        let node = self.node(index);
        let downrevs: Vec<String> = self.ids_of(&node.normalized_down);
        let in_heads = |id: &String| heads.contains(id);
        let from_revisions: Vec<String> = if is_upgrade {
            downrevs.clone()
        } else {
            vec![revision_id.clone()]
        };
        let to_revisions: Vec<String> = if is_upgrade {
            vec![revision_id.clone()]
        } else {
            downrevs.clone()
        };

        // `_unmerge_to_revisions`: the down revisions not implied by the
        // other rows. A set in Alembic; we keep down-revision order, which
        // matches the measured transcripts.
        let unmerge_to = || -> Result<Vec<String>, GraphError> {
            let other_heads: Vec<String> = heads
                .iter()
                .filter(|h| **h != revision_id)
                .cloned()
                .collect();
            if !other_heads.is_empty() {
                let ancestors = self.ancestor_ids_of_rows(&other_heads)?;
                Ok(to_revisions
                    .iter()
                    .filter(|t| self.live_index(t).map(|i| !ancestors[i]).unwrap_or(true))
                    .cloned()
                    .collect())
            } else {
                let mut implied = vec![false; self.nodes.len()];
                for t in &to_revisions {
                    if let Some(ti) = self.live_index(t) {
                        for a in self.related_order(&[ti], Edge::NormalizedDown) {
                            if a != ti {
                                implied[a] = true;
                            }
                        }
                    }
                }
                Ok(to_revisions
                    .iter()
                    .filter(|t| self.live_index(t).map(|i| !implied[i]).unwrap_or(true))
                    .cloned()
                    .collect())
            }
        };

        // should_delete_branch
        if !is_upgrade
            && in_heads(&revision_id)
            && (downrevs.is_empty() || unmerge_to()?.is_empty())
        {
            return Ok(vec![RowChange::Delete(revision_id)]);
        }
        // should_create_branch
        if is_upgrade && (downrevs.is_empty() || !downrevs.iter().any(in_heads)) {
            return Ok(vec![RowChange::Insert(revision_id)]);
        }
        // should_merge_branches
        if is_upgrade && downrevs.len() > 1 && downrevs.iter().filter(|d| in_heads(d)).count() > 1 {
            // merge_branch_idents: a set difference in Alembic; we keep
            // down-revision order (DELETE 3000, UPDATE 4000 -> 5000 as measured).
            let other_heads: Vec<String> = heads
                .iter()
                .filter(|h| !from_revisions.contains(h))
                .cloned()
                .collect();
            let from: Vec<String> = if other_heads.is_empty() {
                from_revisions.clone()
            } else {
                let ancestors = self.ancestor_ids_of_rows(&other_heads)?;
                from_revisions
                    .iter()
                    .filter(|f| self.live_index(f).map(|i| !ancestors[i]).unwrap_or(true))
                    .cloned()
                    .collect()
            };
            let (last, delete) = match from.split_last() {
                Some(split) => split,
                None => return Err(GraphError::crash("merge step without parents to update")),
            };
            let mut changes: Vec<RowChange> = delete
                .iter()
                .map(|d| RowChange::Delete(d.clone()))
                .collect();
            changes.push(RowChange::Update {
                from: last.clone(),
                to: revision_id,
            });
            return Ok(changes);
        }
        // should_unmerge_branches
        if !is_upgrade && in_heads(&revision_id) && downrevs.len() > 1 {
            let to = unmerge_to()?;
            let (last, insert) = match to.split_last() {
                Some(split) => split,
                None => return Err(GraphError::crash("unmerge step without parents to restore")),
            };
            let mut changes: Vec<RowChange> = insert
                .iter()
                .map(|i| RowChange::Insert(i.clone()))
                .collect();
            changes.push(RowChange::Update {
                from: revision_id,
                to: last.clone(),
            });
            return Ok(changes);
        }
        // update_version_num
        let down_revision = if downrevs.len() == 1 {
            downrevs[0].clone()
        } else {
            let present: Vec<&String> = downrevs.iter().filter(|d| in_heads(d)).collect();
            match present.as_slice() {
                [only] => (*only).clone(),
                _ => {
                    // Upstream crash: "Can't do an UPDATE because downrevision is ambiguous".
                    return Err(GraphError::crash(
                        "Can't do an UPDATE because downrevision is ambiguous",
                    ));
                }
            }
        };
        Ok(vec![if is_upgrade {
            RowChange::Update {
                from: down_revision,
                to: revision_id,
            }
        } else {
            RowChange::Update {
                from: revision_id,
                to: down_revision,
            }
        }])
    }
}

/// `StampStep`'s predicates, in `update_to_step`'s order.
fn stamp_changes(
    heads: &[String],
    step: &MigrationStep,
    is_upgrade: bool,
    branch_move: bool,
) -> Result<Vec<RowChange>, GraphError> {
    let from = &step.from_revisions;
    let to = &step.to_revisions;
    if !is_upgrade && branch_move {
        return match from.as_slice() {
            [only] => Ok(vec![RowChange::Delete(only.clone())]),
            _ => Err(GraphError::crash(
                "stamp branch delete needs exactly one revision",
            )),
        };
    }
    let from_missing = from.iter().any(|f| !heads.contains(f));
    let to_missing = to.iter().any(|t| !heads.contains(t));
    if is_upgrade && (branch_move || from_missing) && to_missing {
        return match to.as_slice() {
            [only] => Ok(vec![RowChange::Insert(only.clone())]),
            _ => Err(GraphError::crash(
                "stamp branch insert needs exactly one revision",
            )),
        };
    }
    // A merge: the rows of every source but the last go, and the last becomes the target.
    // An unmerge: every target but the last gets a row, and the source becomes the last.
    if from.len() > 1 || to.len() > 1 {
        let merge = from.len() > 1;
        let (many, single) = if merge { (from, to) } else { (to, from) };
        let (Some((last, others)), Some(single)) = (many.split_last(), single.first()) else {
            return Err(GraphError::crash(
                "stamp merge without a source or a target",
            ));
        };
        let mut changes: Vec<RowChange> = others
            .iter()
            .map(|id| match merge {
                true => RowChange::Delete(id.clone()),
                false => RowChange::Insert(id.clone()),
            })
            .collect();
        let (from, to) = match merge {
            true => (last.clone(), single.clone()),
            false => (single.clone(), last.clone()),
        };
        changes.push(RowChange::Update { from, to });
        return Ok(changes);
    }
    match (from.as_slice(), to.as_slice()) {
        ([f], [t]) => Ok(vec![RowChange::Update {
            from: f.clone(),
            to: t.clone(),
        }]),
        _ => Err(GraphError::crash(
            "stamp update needs exactly one source and one target",
        )),
    }
}

/// The `HeadMaintainer` bookkeeping (`_insert_version`, `_delete_version`,
/// `_update_version`) including its assertions.
fn apply_change(rows: &mut Vec<String>, change: &RowChange) -> Result<(), GraphError> {
    match change {
        RowChange::Insert(rev) => {
            if rows.contains(rev) {
                return Err(GraphError::crash(format!("revision {rev} is already in the version table")));
            }
            rows.push(rev.clone());
        }
        RowChange::Delete(rev) => match rows.iter().position(|r| r == rev) {
            Some(p) => {
                rows.remove(p);
            }
            None => {
                return Err(GraphError::crash(format!(
                    "revision {rev} is not in the version table (Alembic fails here with KeyError: '{rev}')"
                )))
            }
        },
        RowChange::Update { from, to } => {
            if rows.contains(to) {
                return Err(GraphError::crash(format!("revision {to} is already in the version table")));
            }
            match rows.iter().position(|r| r == from) {
                Some(p) => rows[p] = to.clone(),
                None => {
                    return Err(GraphError::crash(format!(
                        "revision {from} is not in the version table (Alembic fails here with KeyError: '{from}')"
                    )))
                }
            }
        }
    }
    Ok(())
}
