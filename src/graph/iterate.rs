//! `RevisionMap.iterate_revisions`: which revisions lie between an upper and
//! a lower identifier (`_collect_upgrade_revisions`,
//! `_collect_downgrade_revisions`) and Alembic's exact newest-first order
//! (`_topological_sort`, reference §3.6).
//!
//! Owns: step selection and order. Never does: version-table rows, CLI
//! messages.

use super::errors::{GraphError, GraphWarning};
use super::map::{Edge, RevisionMap};
use super::resolve::Ref;
use super::RevSpec;

/// The keyword arguments of `iterate_revisions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IterateOptions {
    pub implicit_base: bool,
    pub inclusive: bool,
    pub assert_relative_length: bool,
    pub select_for_downgrade: bool,
}

impl Default for IterateOptions {
    /// Alembic's defaults: all false except `assert_relative_length`.
    fn default() -> Self {
        IterateOptions {
            implicit_base: false,
            inclusive: false,
            assert_relative_length: true,
            select_for_downgrade: false,
        }
    }
}

fn require_revisions(refs: &[Ref]) -> Result<Vec<usize>, GraphError> {
    refs.iter()
        .map(|r| match r {
            Ref::Rev(i) => Ok(*i),
            // Upstream crash: `is_revision()` asserts on None / "base".
            Ref::Nil => Err(GraphError::crash(
                "Walked too far: the relative revision does not name a revision",
            )),
            Ref::BaseMarker => Err(GraphError::crash(
                "the relative revision resolves to base, which is not a revision here; use 'base' instead",
            )),
        })
        .collect()
}

fn falsy_to_none(spec: &RevSpec) -> Option<String> {
    if spec.is_truthy() {
        Some(spec.py_str())
    } else {
        None
    }
}

impl RevisionMap {
    /// `iterate_revisions(upper, lower, ...)`: revision ids newest first.
    pub fn iterate_revisions(
        &self,
        upper: &RevSpec,
        lower: &RevSpec,
        options: IterateOptions,
    ) -> Result<Vec<String>, GraphError> {
        let mut warnings = Vec::new();
        let order = self.iterate_revisions_inner(upper, lower, options, &mut warnings)?;
        Ok(self.ids_of(&order))
    }

    pub(crate) fn iterate_revisions_inner(
        &self,
        upper: &RevSpec,
        lower: &RevSpec,
        options: IterateOptions,
        warnings: &mut Vec<GraphWarning>,
    ) -> Result<Vec<usize>, GraphError> {
        let (revisions, heads) = if options.select_for_downgrade {
            self.collect_downgrade_revisions(upper, lower, options, warnings)?
        } else {
            self.collect_upgrade_revisions(upper, lower, options, warnings)?
        };
        self.topological_sort(&revisions, &heads)
    }

    /// `_collect_downgrade_revisions`: the applied revisions that descend
    /// from the target's children (dependents included).
    fn collect_downgrade_revisions(
        &self,
        upper: &RevSpec,
        lower: &RevSpec,
        options: IterateOptions,
        warnings: &mut Vec<GraphWarning>,
    ) -> Result<(Vec<bool>, Vec<usize>), GraphError> {
        let (branch_label, target) =
            self.parse_downgrade_target(upper, lower, options.assert_relative_length, warnings)?;
        let target = match target {
            Ref::Rev(i) => Some(i),
            Ref::Nil | Ref::BaseMarker => None,
        };
        let mut roots: Vec<usize> = match target {
            None => {
                // `self._revision_map.values()` repeats a revision once per
                // branch label it carries; the repeats matter for the
                // `len(roots) > 1` test below.
                self.key_order
                    .iter()
                    .filter_map(|key| self.by_key.get(key).copied())
                    .filter(|&i| self.node(i).down_revisions.is_empty())
                    .collect()
            }
            Some(t) if options.inclusive => vec![t],
            Some(t) => {
                let refs =
                    self.get_revisions_ref(&RevSpec::Many(self.ids_of(&self.node(t).nextrev)))?;
                require_revisions(&refs)?
            }
        };
        if let Some(label) = branch_label.as_deref().filter(|l| !l.is_empty()) {
            if roots.len() > 1 {
                let branch = self.resolve_branch(label)?;
                let ancestors = self.reach(&[branch], Edge::VersionedDown);
                let mut kept: Vec<usize> =
                    roots.iter().copied().filter(|&r| ancestors[r]).collect();
                crate::sort::sort(&mut kept);
                kept.dedup();
                roots = kept;
                if roots.is_empty() {
                    return Err(GraphError::revision(
                        "Not a valid downgrade target from current heads",
                    ));
                }
            }
        }
        let heads = require_revisions(&self.get_revisions_ref(upper)?)?;
        let descendants = self.reach(&roots, Edge::AllNextRev);
        let active = self.reach(&heads, Edge::NormalizedDown);
        let mut downgrade: Vec<bool> = descendants
            .iter()
            .zip(active.iter())
            .map(|(d, a)| *d && *a)
            .collect();
        if options.implicit_base {
            let root_ancestors = self.reach(&roots, Edge::NormalizedDown);
            for (i, slot) in downgrade.iter_mut().enumerate() {
                if active[i] && !root_ancestors[i] {
                    *slot = true;
                }
            }
        }
        if let Some(t) = target {
            if !downgrade.iter().any(|&b| b) && !heads.contains(&t) {
                return Err(GraphError::RangeNotAncestor {
                    lower: Some("Nothing to drop".to_string()),
                    upper: falsy_to_none(upper),
                });
            }
        }
        Ok((downgrade, heads))
    }

    /// `_collect_upgrade_revisions`: the target and its ancestors, minus
    /// what the lower revisions already imply.
    fn collect_upgrade_revisions(
        &self,
        upper: &RevSpec,
        lower: &RevSpec,
        options: IterateOptions,
        warnings: &mut Vec<GraphWarning>,
    ) -> Result<(Vec<bool>, Vec<usize>), GraphError> {
        let mut targets = require_revisions(&self.parse_upgrade_target(
            lower,
            upper,
            options.assert_relative_length,
        )?)?;

        if let RevSpec::One(lower_text) = lower {
            if let Some(at) = lower_text.find('@') {
                let mut branch = lower_text.get(..at).unwrap_or_default().to_string();
                if let Some(branch_rev) = self.get_revision_ref(&RevSpec::One(branch.clone()))? {
                    if self.id_of(branch_rev) == branch {
                        // A revision was used as a label; use its label.
                        match self.node(branch_rev).branch_labels.as_slice() {
                            [only] => branch = only.clone(),
                            _ => {
                                // Upstream crash: `assert len(branch_labels) == 1`.
                                return Err(GraphError::crash(format!(
                                    "revision {branch} used as a branch must carry exactly one branch label"
                                )));
                            }
                        }
                    }
                }
                // A set in Alembic; the order does not matter (the sort re-sorts).
                targets.retain(|&t| self.node(t).branch_labels.contains(&branch));
                crate::sort::sort(&mut targets);
                targets.dedup();
            }
        }

        let mut required = self.reach_checked(&targets, Edge::NormalizedDown)?;
        for &t in &targets {
            required[t] = true;
        }

        let mut lower = lower.clone();
        let mut current = self.get_revisions_ref(&lower)?;
        if !options.implicit_base {
            let outside = current.iter().any(|r| match r {
                Ref::Rev(i) => !required[*i],
                Ref::Nil => false,
                Ref::BaseMarker => true,
            });
            if outside {
                return Err(GraphError::RangeNotAncestor {
                    lower: falsy_to_none(&lower),
                    upper: falsy_to_none(upper),
                });
            }
        }
        if current.first() == Some(&Ref::Nil) {
            // A relative lower bound that `get_revisions` could not walk.
            let (_, rev) = self.parse_downgrade_target(
                upper,
                &lower,
                options.assert_relative_length,
                warnings,
            )?;
            match rev {
                Ref::Nil => {
                    // Upstream crash: `assert rev`.
                    return Err(GraphError::crash("Walked too far"));
                }
                Ref::BaseMarker => {
                    current = Vec::new();
                    lower = RevSpec::Nil;
                }
                Ref::Rev(i) => {
                    current = vec![Ref::Rev(i)];
                    lower = RevSpec::One(self.id_of(i).to_string());
                }
            }
        }
        let current = require_revisions(&current)?;
        let mut current_nodes = self.reach_checked(&current, Edge::NormalizedDown)?;
        for &c in &current {
            current_nodes[c] = true;
        }
        let mut needs: Vec<bool> = required
            .iter()
            .zip(current_nodes.iter())
            .map(|(r, c)| *r && !*c)
            .collect();
        if options.inclusive {
            for i in require_revisions(&self.get_revisions_ref(&lower)?)? {
                needs[i] = true;
            }
        }
        if !current.is_empty() && !options.implicit_base {
            let lower_descendants = self.reach_checked(&current, Edge::NextRev)?;
            for (slot, keep) in needs.iter_mut().zip(lower_descendants.iter()) {
                *slot = *slot && *keep;
            }
        }
        Ok((needs, targets))
    }

    /// `_topological_sort(revisions, heads)`: newest first, as described in
    /// reference §3.6.
    pub(crate) fn topological_sort(
        &self,
        revisions: &[bool],
        heads: &[usize],
    ) -> Result<Vec<usize>, GraphError> {
        let mut todo: Vec<bool> = revisions.to_vec();
        let mut remaining = todo.iter().filter(|&&b| b).count();

        let mut current_heads: Vec<usize> = Vec::new();
        for &h in heads {
            if todo.get(h).copied().unwrap_or(false) && !current_heads.contains(&h) {
                current_heads.push(h);
            }
        }
        crate::sort::sort_by_key(&mut current_heads, |&h| {
            self.order_pos.get(h).copied().unwrap_or(usize::MAX)
        });
        // each head's ancestors, by node index
        let ancestors_of = |rev: usize| -> Vec<bool> {
            let mut ancestors = vec![false; self.nodes.len()];
            for ancestor in self.related_order(&[rev], Edge::NormalizedDown) {
                ancestors[ancestor] = true;
            }
            ancestors
        };
        let mut ancestors_by_idx: Vec<Vec<bool>> =
            current_heads.iter().map(|&h| ancestors_of(h)).collect();

        let mut output = Vec::new();
        let mut candidate_idx = 0usize;
        // Each round either emits/retires a revision or moves the cursor to a
        // strictly newer tip; this bound is far above what a DAG needs.
        let limit = (self.nodes.len() + 1)
            .saturating_mul(self.nodes.len() + 1)
            .saturating_mul(4);
        let mut rounds = 0usize;
        while !current_heads.is_empty() {
            rounds += 1;
            if rounds > limit {
                return Err(GraphError::crash(
                    "topological sort did not finish (internal error)",
                ));
            }
            let candidate = match current_heads.get(candidate_idx) {
                Some(&c) => c,
                None => {
                    candidate_idx = 0;
                    continue;
                }
            };
            let waiting = ancestors_by_idx
                .iter()
                .enumerate()
                .find(|(j, ancestors)| *j != candidate_idx && ancestors[candidate])
                .map(|(j, _)| j);
            if let Some(j) = waiting {
                candidate_idx = j;
                continue;
            }
            if todo[candidate] {
                output.push(candidate);
                todo[candidate] = false;
                remaining -= 1;
            }
            let node = self.node(candidate);
            let heads_to_add: Vec<usize> = node
                .normalized_down
                .iter()
                .copied()
                .filter(|&r| todo[r] && !current_heads.contains(&r))
                .collect();
            match heads_to_add.split_first() {
                None => {
                    current_heads.remove(candidate_idx);
                    ancestors_by_idx.remove(candidate_idx);
                    candidate_idx = candidate_idx.saturating_sub(1);
                }
                Some((&first, rest)) => {
                    current_heads[candidate_idx] = first;
                    if node.normalized_dependencies.is_empty() && node.down_revisions.len() == 1 {
                        ancestors_by_idx[candidate_idx][candidate] = false;
                    } else {
                        current_heads.extend_from_slice(rest);
                        ancestors_by_idx[candidate_idx] = ancestors_of(first);
                        for &r in rest {
                            ancestors_by_idx.push(ancestors_of(r));
                        }
                    }
                }
            }
        }
        if remaining != 0 {
            // Upstream crash: `assert not todo` (reference §11 #3).
            return Err(GraphError::crash(
                "Alembic cannot order these revisions (its topological sort fails with an AssertionError); \
                 a revision in the range is only reachable through depends_on",
            ));
        }
        Ok(output)
    }
}
