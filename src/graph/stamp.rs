//! `stamp` planning: `ScriptDirectory._stamp_revs` (reference §2.11).
//!
//! Owns: which stamp steps a `stamp` command produces. Never does: the
//! `--purge` delete or the `--sql` argument checks beyond the start revision.

use super::errors::{Catch, CommandError, GraphError};
use super::heads::{MigrationStep, StepKind};
use super::map::{Edge, RevisionMap};
use super::resolve::{LineageTarget, Ref};
use super::RevSpec;

impl RevisionMap {
    /// The steps of `alembic stamp <destinations>` given the current rows.
    ///
    /// `destinations` are the command's arguments as given (`heads`, `base`,
    /// `lib@head`, ids, ...); with `--sql` pass the part after `start:` and
    /// use [`RevisionMap::offline_start`] for `current_heads`.
    ///
    /// Upstream crash (reference §11 #1): when two destinations share the
    /// same current rows, Alembic applies the first step and then dies with
    /// `KeyError`. We simulate the steps against the rows first and return
    /// an error instead, before anything is applied.
    pub fn plan_stamp(
        &self,
        destinations: &[String],
        current_heads: &[String],
    ) -> Result<Vec<MigrationStep>, CommandError> {
        let catch = Catch {
            multiple_heads: Some(
                "Multiple heads are present; please specify a single target revision",
            ),
            ..Catch::default()
        };
        let steps = self
            .stamp_revs(destinations, current_heads)
            .map_err(|e| catch.command_error(e))?;
        let mut rows: Vec<String> = current_heads.to_vec();
        for step in &steps {
            if let Err(error) = self.update_to_step(&mut rows, step) {
                return Err(CommandError::new(format!(
                    "Can't stamp {} in one command: after the earlier target(s) the step {} no longer \
                     matches the version table ({}); stamp the revisions one at a time \
                     (Alembic 1.20.1 applies the first step and then crashes here)",
                    destinations.join(", "),
                    step.short_log(),
                    error.message()
                )));
            }
        }
        Ok(steps)
    }

    fn stamp_revs(
        &self,
        destinations: &[String],
        current_heads: &[String],
    ) -> Result<Vec<MigrationStep>, GraphError> {
        let head_refs = self.get_revisions_ref(&RevSpec::Many(current_heads.to_vec()))?;
        let heads_revs: Vec<usize> = head_refs
            .iter()
            .filter_map(|r| match r {
                Ref::Rev(i) => Some(*i),
                _ => None,
            })
            .collect();
        // `if not revision: revision = "base"`.
        let destinations: Vec<String> = if destinations.is_empty() {
            vec!["base".to_string()]
        } else {
            destinations.to_vec()
        };

        let mut filtered_heads: Vec<usize> = Vec::new();
        for rev in destinations.iter().filter(|d| !d.is_empty()) {
            let targets: Vec<LineageTarget> =
                heads_revs.iter().map(|&i| LineageTarget::Node(i)).collect();
            for p in self.filter_for_lineage(&targets, &RevSpec::One(rev.clone()), true)? {
                if let Some(&h) = heads_revs.get(p) {
                    if !filtered_heads.contains(&h) {
                        filtered_heads.push(h);
                    }
                }
            }
        }

        let dests = self.get_revisions_ref(&RevSpec::Many(destinations.clone()))?;
        let dests = if dests.is_empty() {
            vec![Ref::Nil]
        } else {
            dests
        };

        let mut steps = Vec::new();
        for dest in dests {
            let dest = match dest {
                Ref::Nil => {
                    // base: delete every applicable row.
                    for &head in &filtered_heads {
                        steps.push(MigrationStep {
                            kind: StepKind::Stamp {
                                is_upgrade: false,
                                branch_move: true,
                            },
                            revision: None,
                            from_revisions: vec![self.id_of(head).to_string()],
                            to_revisions: Vec::new(),
                        });
                    }
                    continue;
                }
                Ref::BaseMarker => {
                    // Upstream crash: `_get_descendant_nodes(["base"])`.
                    return Err(GraphError::crash(
                        "the relative stamp target resolves to base; use 'base' instead",
                    ));
                }
                Ref::Rev(i) => i,
            };
            if filtered_heads.contains(&dest) {
                continue;
            }
            let descendants = self.reach(&[dest], Edge::AllNextRev);
            let ancestors = self.reach(&[dest], Edge::NormalizedDown);
            let todo_heads: Vec<String> = self.ids_of(&filtered_heads);
            let dest_id = vec![self.id_of(dest).to_string()];
            let kind = if filtered_heads.iter().any(|&h| descendants[h]) {
                // Upstream crash: `assert not ancestors.intersection(filtered_heads)`, rows
                // on both sides of the target. Nothing has been stamped yet at that point.
                if let Some(&below) = filtered_heads.iter().find(|&&h| ancestors[h]) {
                    let above = filtered_heads
                        .iter()
                        .find(|&&h| descendants[h])
                        .map(|&h| self.id_of(h).to_string())
                        .unwrap_or_default();
                    return Err(GraphError::crash(format!(
                        "Can't stamp {}: the version table has {} below it and {above} above it; \
                         stamp --purge to replace every row, or stamp one row's branch at a time \
                         (Alembic 1.20.1 stops here with an AssertionError)",
                        self.id_of(dest),
                        self.id_of(below)
                    )));
                }
                StepKind::Stamp {
                    is_upgrade: false,
                    branch_move: false,
                }
            } else if filtered_heads.iter().any(|&h| ancestors[h]) {
                StepKind::Stamp {
                    is_upgrade: true,
                    branch_move: false,
                }
            } else {
                steps.push(MigrationStep {
                    kind: StepKind::Stamp {
                        is_upgrade: true,
                        branch_move: true,
                    },
                    revision: None,
                    from_revisions: Vec::new(),
                    to_revisions: dest_id,
                });
                continue;
            };
            steps.push(MigrationStep {
                kind,
                revision: None,
                from_revisions: todo_heads,
                to_revisions: dest_id,
            });
        }
        Ok(steps)
    }
}
