//! Building the revision map (`RevisionMap._revision_map`) and the plain
//! queries on it: heads, bases, children, labels, ancestors, descendants.
//!
//! Owns: the node table, label inheritance, `depends_on` normalisation,
//! cycle detection. Never does: identifier parsing (see `resolve`),
//! ordering of steps (see `iterate`).

use std::collections::HashMap;

use super::errors::{GraphError, GraphWarning};
use super::Revision;

/// One loaded revision. Node indices are positions in `RevisionMap::nodes`
/// (load order); every index stored anywhere in the map is produced by
/// `RevisionMap::build` and is therefore in bounds.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub id: String,
    /// `down_revision` as written (may repeat an id; Alembic keeps it).
    pub down_revisions: Vec<String>,
    /// `depends_on` as written.
    pub dependencies: Vec<String>,
    /// `branch_labels` as written (`_orig_branch_labels`).
    pub own_labels: Vec<String>,
    /// Labels after inheritance (`branch_labels` once the map is built).
    pub branch_labels: Vec<String>,
    /// False for an earlier file whose id was redefined by a later one.
    pub live: bool,
    /// `_resolved_dependencies`: depends_on entries resolved to ids.
    pub resolved_dependencies: Vec<usize>,
    /// `_normalized_resolved_dependencies`.
    pub normalized_dependencies: Vec<usize>,
    /// `_versioned_down_revisions` as node indices (as written).
    pub versioned_down: Vec<usize>,
    /// `_all_down_revisions` (deduplicated).
    pub all_down: Vec<usize>,
    /// `_normalized_down_revisions` (deduplicated).
    pub normalized_down: Vec<usize>,
    /// `nextrev`: children through `down_revision` (load order).
    pub nextrev: Vec<usize>,
    /// `_all_nextrev`: children through `down_revision` or `depends_on`.
    pub all_nextrev: Vec<usize>,
}

/// Which edges a traversal follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edge {
    VersionedDown,
    NormalizedDown,
    AllDown,
    NextRev,
    AllNextRev,
}

/// Alembic's `RevisionMap`, built once from the loaded revisions.
#[derive(Debug, Clone)]
pub struct RevisionMap {
    pub(crate) nodes: Vec<Node>,
    /// Map keys: live revision ids and branch labels.
    pub(crate) by_key: HashMap<String, usize>,
    /// Key order of the Python dict: ids by first appearance, then labels.
    pub(crate) key_order: Vec<String>,
    /// Position of each live node's id in `key_order` (`inserted_order.index`).
    pub(crate) order_pos: Vec<usize>,
    pub(crate) heads: Vec<usize>,
    pub(crate) real_heads: Vec<usize>,
    pub(crate) bases: Vec<usize>,
    pub(crate) real_bases: Vec<usize>,
    warnings: Vec<GraphWarning>,
}

/// Read-only view of one revision, for rendering `history`, `show`, etc.
#[derive(Debug, Clone, Copy)]
pub struct RevisionInfo<'a> {
    map: &'a RevisionMap,
    index: usize,
}

const ILLEGAL_CHARACTERS: [char; 4] = ['@', '-', '+', ':'];

impl RevisionMap {
    /// Build the map in load order. Warnings are kept in [`RevisionMap::warnings`].
    pub fn new(revisions: Vec<Revision>) -> Result<RevisionMap, GraphError> {
        RevisionMap::build(revisions).0
    }

    /// Build the map and also return the warnings printed on the way, which
    /// matter when the build fails (Alembic warns about a missing down
    /// revision right before crashing on it).
    pub fn build(revisions: Vec<Revision>) -> (Result<RevisionMap, GraphError>, Vec<GraphWarning>) {
        let mut warnings = Vec::new();
        let result = build_inner(revisions, &mut warnings);
        match result {
            Ok(mut map) => {
                map.warnings = warnings.clone();
                (Ok(map), warnings)
            }
            Err(error) => (Err(error), warnings),
        }
    }

    /// The `UserWarning`s raised while loading, in order.
    pub fn warnings(&self) -> &[GraphWarning] {
        &self.warnings
    }

    pub(crate) fn node(&self, index: usize) -> &Node {
        // Invariant: indices come from `build` (see `Node`).
        &self.nodes[index]
    }

    pub(crate) fn id_of(&self, index: usize) -> &str {
        &self.node(index).id
    }

    pub(crate) fn ids_of(&self, indices: &[usize]) -> Vec<String> {
        indices.iter().map(|&i| self.id_of(i).to_string()).collect()
    }

    /// Exact lookup of a live revision id (no labels, no prefixes).
    pub(crate) fn live_index(&self, id: &str) -> Option<usize> {
        let index = *self.by_key.get(id)?;
        if self.node(index).id == id {
            Some(index)
        } else {
            None
        }
    }

    pub(crate) fn neighbors(&self, index: usize, edge: Edge) -> &[usize] {
        let node = self.node(index);
        match edge {
            Edge::VersionedDown => &node.versioned_down,
            Edge::NormalizedDown => &node.normalized_down,
            Edge::AllDown => &node.all_down,
            Edge::NextRev => &node.nextrev,
            Edge::AllNextRev => &node.all_nextrev,
        }
    }

    /// `_iterate_related_revisions` without `check`: the nodes reachable from
    /// `targets` (targets included) in Alembic's depth-first yield order.
    pub(crate) fn related_order(&self, targets: &[usize], edge: Edge) -> Vec<usize> {
        let mut seen = vec![false; self.nodes.len()];
        let mut order = Vec::new();
        let mut todo: Vec<usize> = Vec::new();
        for &target in targets {
            todo.push(target);
            while let Some(rev) = todo.pop() {
                if seen[rev] {
                    continue;
                }
                seen[rev] = true;
                todo.extend_from_slice(self.neighbors(rev, edge));
                order.push(rev);
            }
        }
        order
    }

    /// Membership vector of `related_order`.
    pub(crate) fn reach(&self, targets: &[usize], edge: Edge) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut todo: Vec<usize> = targets.to_vec();
        while let Some(rev) = todo.pop() {
            if seen[rev] {
                continue;
            }
            seen[rev] = true;
            todo.extend_from_slice(self.neighbors(rev, edge));
        }
        seen
    }

    /// `_iterate_related_revisions(..., check=True)`: like `reach`, but fails
    /// when one requested revision is reachable from another.
    pub(crate) fn reach_checked(
        &self,
        targets: &[usize],
        edge: Edge,
    ) -> Result<Vec<bool>, GraphError> {
        let mut seen = vec![false; self.nodes.len()];
        let mut is_target = vec![false; self.nodes.len()];
        for &t in targets {
            is_target[t] = true;
        }
        for &target in targets {
            let mut todo = vec![target];
            let mut per_target: Vec<usize> = Vec::new();
            let mut in_per_target = vec![false; self.nodes.len()];
            while let Some(rev) = todo.pop() {
                if !std::mem::replace(&mut in_per_target[rev], true) {
                    per_target.push(rev);
                }
                if seen[rev] {
                    continue;
                }
                seen[rev] = true;
                todo.extend_from_slice(self.neighbors(rev, edge));
            }
            let mut overlaps: Vec<usize> = per_target
                .into_iter()
                .filter(|&r| is_target[r] && r != target)
                .collect();
            if !overlaps.is_empty() {
                // A Python set is joined here; we list in load order.
                crate::sort::sort(&mut overlaps);
                return Err(GraphError::revision(format!(
                    "Requested revision {} overlaps with other requested revisions {}",
                    self.id_of(target),
                    self.ids_of(&overlaps).join(", ")
                )));
            }
        }
        Ok(seen)
    }

    /// Live nodes in load order.
    pub(crate) fn live_nodes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(move |&i| self.node(i).live)
    }

    // ----- public queries -------------------------------------------------

    /// All live revision ids in load order.
    pub fn ids(&self) -> Vec<String> {
        self.live_nodes()
            .map(|i| self.id_of(i).to_string())
            .collect()
    }

    /// Number of live revisions.
    pub fn len(&self) -> usize {
        self.live_nodes().count()
    }

    /// True when no revisions are loaded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The revision with exactly this id.
    pub fn revision(&self, id: &str) -> Option<RevisionInfo<'_>> {
        self.live_index(id)
            .map(|index| RevisionInfo { map: self, index })
    }

    /// `RevisionMap.heads`: revisions no `down_revision` points at (load
    /// order); includes effective heads. What `alembic heads` lists.
    pub fn heads(&self) -> Vec<String> {
        self.ids_of(&self.heads)
    }

    /// `RevisionMap._real_heads`: heads that nothing depends on either
    /// (`heads --resolve-dependencies`, and what `heads` resolves to).
    pub fn real_heads(&self) -> Vec<String> {
        self.ids_of(&self.real_heads)
    }

    /// Heads only because nothing *versioned* descends from them.
    pub fn effective_heads(&self) -> Vec<String> {
        self.live_nodes()
            .filter(|&i| self.node(i).nextrev.is_empty() && !self.node(i).all_nextrev.is_empty())
            .map(|i| self.id_of(i).to_string())
            .collect()
    }

    /// `RevisionMap.bases`: revisions without `down_revision` (load order).
    pub fn bases(&self) -> Vec<String> {
        self.ids_of(&self.bases)
    }

    /// `RevisionMap._real_bases`: bases that have no `depends_on` either.
    pub fn real_bases(&self) -> Vec<String> {
        self.ids_of(&self.real_bases)
    }

    /// Ancestors of `id` (itself included), following down revisions and,
    /// if asked, `depends_on` (normalised). Load order. Empty if unknown.
    pub fn ancestors(&self, id: &str, include_dependencies: bool) -> Vec<String> {
        let edge = if include_dependencies {
            Edge::NormalizedDown
        } else {
            Edge::VersionedDown
        };
        self.collect_reach(id, edge)
    }

    /// Descendants of `id` (itself included), following children and, if
    /// asked, dependents. Load order. Empty if unknown.
    pub fn descendants(&self, id: &str, include_dependencies: bool) -> Vec<String> {
        let edge = if include_dependencies {
            Edge::AllNextRev
        } else {
            Edge::NextRev
        };
        self.collect_reach(id, edge)
    }

    fn collect_reach(&self, id: &str, edge: Edge) -> Vec<String> {
        match self.live_index(id) {
            None => Vec::new(),
            Some(index) => {
                let seen = self.reach(&[index], edge);
                self.live_nodes()
                    .filter(|&i| seen[i])
                    .map(|i| self.id_of(i).to_string())
                    .collect()
            }
        }
    }
}

impl<'a> RevisionInfo<'a> {
    fn node(&self) -> &'a Node {
        self.map.node(self.index)
    }

    /// The revision id.
    pub fn id(&self) -> &'a str {
        &self.node().id
    }

    /// `down_revision` as written.
    pub fn down_revisions(&self) -> &'a [String] {
        &self.node().down_revisions
    }

    /// `depends_on` as written (labels stay labels).
    pub fn dependencies(&self) -> &'a [String] {
        &self.node().dependencies
    }

    /// `depends_on` resolved to revision ids (`_resolved_dependencies`).
    pub fn resolved_dependencies(&self) -> Vec<String> {
        self.map.ids_of(&self.node().resolved_dependencies)
    }

    /// `_normalized_down_revisions`: down revisions, then the dependencies
    /// not already required by an ancestor.
    pub fn normalized_down_revisions(&self) -> Vec<String> {
        self.map.ids_of(&self.node().normalized_down)
    }

    /// Branch labels as shown by `history` / `show`: the revision's own
    /// labels plus those inherited along its branch. Alembic keeps these in a
    /// set; we list own labels first, then inherited ones in load order of
    /// the revisions declaring them.
    pub fn branch_labels(&self) -> &'a [String] {
        &self.node().branch_labels
    }

    /// `nextrev`: revisions whose `down_revision` names this one. Alembic
    /// uses a frozenset; we list them in load order.
    pub fn children(&self) -> Vec<String> {
        self.map.ids_of(&self.node().nextrev)
    }

    /// `_all_nextrev`: children and dependents, load order.
    pub fn children_and_dependents(&self) -> Vec<String> {
        self.map.ids_of(&self.node().all_nextrev)
    }

    /// `is_head`: no revision names this one as `down_revision`.
    pub fn is_head(&self) -> bool {
        self.node().nextrev.is_empty()
    }

    /// `_is_real_head`: no child and no dependent.
    pub fn is_real_head(&self) -> bool {
        self.node().all_nextrev.is_empty()
    }

    /// A head only because the revisions pointing at it merely depend on it.
    pub fn is_effective_head(&self) -> bool {
        self.is_head() && !self.is_real_head()
    }

    /// `is_base`: no `down_revision`.
    pub fn is_base(&self) -> bool {
        self.node().down_revisions.is_empty()
    }

    /// `is_branch_point`: two or more children.
    pub fn is_branch_point(&self) -> bool {
        self.node().nextrev.len() > 1
    }

    /// `is_merge_point`: two or more down revisions.
    pub fn is_merge_point(&self) -> bool {
        self.node().down_revisions.len() > 1
    }

    /// `Script._format_down_revision`: `<base>` or the comma-joined down revisions.
    pub fn format_down_revision(&self) -> String {
        if self.node().down_revisions.is_empty() {
            "<base>".to_string()
        } else {
            self.node().down_revisions.join(", ")
        }
    }

    /// The markers `Script._head_only` appends after the id, in Alembic's
    /// order: ` (labels)` (if `include_branches`), ` (head)`,
    /// ` (effective head)`, ` (current)`, then (if `tree_indicators`)
    /// ` (branchpoint)`, ` (mergepoint)`.
    ///
    /// `history` uses `include_branches = true, tree_indicators = true`;
    /// `heads` uses `true, false`; `current` uses `false, true`.
    pub fn head_only_markers(
        &self,
        include_branches: bool,
        is_current: bool,
        tree_indicators: bool,
    ) -> String {
        let mut text = String::new();
        if include_branches && !self.branch_labels().is_empty() {
            text.push_str(&format!(" ({})", self.branch_labels().join(", ")));
        }
        if self.is_real_head() {
            text.push_str(" (head)");
        }
        if self.is_effective_head() {
            text.push_str(" (effective head)");
        }
        if is_current {
            text.push_str(" (current)");
        }
        if tree_indicators {
            if self.is_branch_point() {
                text.push_str(" (branchpoint)");
            }
            if self.is_merge_point() {
                text.push_str(" (mergepoint)");
            }
        }
        text
    }

    /// `<down> [(<depends_on>)] -> <rev><markers>` as in `history` (the
    /// caller appends `, <doc>`).
    pub fn history_line_prefix(&self, is_current: bool) -> String {
        let parents = if self.dependencies().is_empty() {
            format!("{} -> ", self.format_down_revision())
        } else {
            format!(
                "{} ({}) -> ",
                self.format_down_revision(),
                self.dependencies().join(", ")
            )
        };
        format!(
            "{parents}{}{}",
            self.id(),
            self.head_only_markers(true, is_current, true)
        )
    }

    /// The first line of `Script.log_entry` (verbose output):
    /// `Rev: <rev> (head) (branchpoint) (mergepoint) (current)`. Note that
    /// here `(head)` means `is_head`, so an effective head shows `(head)`.
    pub fn log_entry_header(&self, is_current: bool) -> String {
        let mut text = format!("Rev: {}", self.id());
        if self.is_head() {
            text.push_str(" (head)");
        }
        if self.is_branch_point() {
            text.push_str(" (branchpoint)");
        }
        if self.is_merge_point() {
            text.push_str(" (mergepoint)");
        }
        if is_current {
            text.push_str(" (current)");
        }
        text
    }
}

// ----- building -------------------------------------------------------------

fn build_inner(
    revisions: Vec<Revision>,
    warnings: &mut Vec<GraphWarning>,
) -> Result<RevisionMap, GraphError> {
    let mut nodes: Vec<Node> = Vec::with_capacity(revisions.len());
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut key_order: Vec<String> = Vec::new();

    // `Revision.__init__` checks, then the loading loop, file by file.
    for revision in revisions {
        if !revision.down_revisions.is_empty() && revision.down_revisions.contains(&revision.id) {
            return Err(GraphError::SelfLoop {
                revision: revision.id,
            });
        }
        if revision.dependencies.contains(&revision.id) {
            return Err(GraphError::DependencySelfLoop {
                revision: revision.id,
            });
        }
        let mut illegal: Vec<char> = ILLEGAL_CHARACTERS
            .iter()
            .copied()
            .filter(|c| revision.id.contains(*c))
            .collect();
        if !illegal.is_empty() {
            crate::sort::sort(&mut illegal);
            return Err(GraphError::IllegalCharacters {
                chars: illegal
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                revision: revision.id,
            });
        }
        let index = nodes.len();
        match by_key.get(&revision.id) {
            Some(&previous) => {
                warnings.push(GraphWarning::DuplicateRevision {
                    revision: revision.id.clone(),
                });
                nodes[previous].live = false;
            }
            None => key_order.push(revision.id.clone()),
        }
        by_key.insert(revision.id.clone(), index);
        nodes.push(Node {
            id: revision.id,
            down_revisions: revision.down_revisions,
            dependencies: revision.dependencies,
            own_labels: revision.branch_labels.clone(),
            branch_labels: revision.branch_labels,
            live: true,
            resolved_dependencies: Vec::new(),
            normalized_dependencies: Vec::new(),
            versioned_down: Vec::new(),
            all_down: Vec::new(),
            normalized_down: Vec::new(),
            nextrev: Vec::new(),
            all_nextrev: Vec::new(),
        });
    }
    let id_count = key_order.len();

    // `_map_branch_labels`. Alembic walks a set of revisions here; we use
    // load order, so the later revision is the one reported.
    for index in 0..nodes.len() {
        for label in nodes[index].own_labels.clone() {
            if let Some(&used) = by_key.get(&label) {
                return Err(GraphError::DuplicateBranchLabel {
                    label,
                    revision: nodes[index].id.clone(),
                    used_by: nodes[used].id.clone(),
                });
            }
            by_key.insert(label.clone(), index);
            key_order.push(label);
        }
    }

    // `_add_depends_on`: names are looked up exactly (ids or labels).
    for node in nodes.iter_mut() {
        let mut resolved = Vec::new();
        for dependency in &node.dependencies {
            match by_key.get(dependency) {
                Some(&target) => resolved.push(target),
                None => {
                    // Upstream crash: KeyError in `_add_depends_on`.
                    return Err(GraphError::MissingDependency {
                        missing: dependency.clone(),
                        referenced_from: node.id.clone(),
                    });
                }
            }
        }
        node.resolved_dependencies = resolved;
    }

    let mut in_heads = vec![true; nodes.len()];
    let mut in_real_heads = vec![true; nodes.len()];

    // The `for rev in map_.values()` loop: link children, discard heads.
    // It visits ids, then label entries again (harmless repeats).
    let mut visit_order: Vec<usize> = Vec::with_capacity(key_order.len());
    for key in &key_order {
        if let Some(&index) = by_key.get(key) {
            visit_order.push(index);
        }
    }
    // Shadowed duplicates are not in the dict but still need their edges
    // resolved (Alembic's cycle check walks them from `heads`).
    let shadowed: Vec<usize> = (0..nodes.len()).filter(|&i| !nodes[i].live).collect();
    for (position, &index) in visit_order.iter().chain(shadowed.iter()).enumerate() {
        let is_live_visit = position < visit_order.len();
        let mut all_down_names: Vec<String> = Vec::new();
        for name in nodes[index].down_revisions.iter().cloned().chain(
            nodes[index]
                .resolved_dependencies
                .iter()
                .map(|&d| nodes[d].id.clone()),
        ) {
            if !all_down_names.contains(&name) {
                all_down_names.push(name);
            }
        }
        for name in all_down_names {
            let target = match by_key.get(&name) {
                Some(&t) if nodes[t].id == name => t,
                found => {
                    if found.is_none() && is_live_visit {
                        warnings.push(GraphWarning::MissingReference {
                            missing: name.clone(),
                            referenced_from: nodes[index].id.clone(),
                            referenced_from_short: short_form(&nodes, index),
                        });
                    }
                    // Upstream crash: KeyError right after the warning (or,
                    // for a label used as down_revision, in the cycle check).
                    return Err(GraphError::MissingDownRevision {
                        missing: name,
                        referenced_from: nodes[index].id.clone(),
                    });
                }
            };
            if !is_live_visit {
                continue;
            }
            if !nodes[target].all_nextrev.contains(&index) {
                nodes[target].all_nextrev.push(index);
            }
            let versioned = nodes[index].down_revisions.contains(&nodes[target].id);
            if versioned && !nodes[target].nextrev.contains(&index) {
                nodes[target].nextrev.push(index);
            }
            if nodes[index].down_revisions.contains(&name) {
                in_heads[target] = false;
            }
            in_real_heads[target] = false;
        }
    }
    for node in nodes.iter_mut() {
        crate::sort::sort(&mut node.nextrev);
        crate::sort::sort(&mut node.all_nextrev);
    }

    // Down-edge lists as indices (all names are known to resolve now).
    for node in nodes.iter_mut() {
        let versioned: Vec<usize> = node
            .down_revisions
            .iter()
            .filter_map(|name| by_key.get(name).copied())
            .collect();
        let mut all_down: Vec<usize> = Vec::new();
        for &d in versioned.iter().chain(node.resolved_dependencies.iter()) {
            if !all_down.contains(&d) {
                all_down.push(d);
            }
        }
        node.versioned_down = versioned;
        node.all_down = all_down;
    }

    let mut map = RevisionMap {
        nodes,
        by_key,
        key_order,
        order_pos: Vec::new(),
        heads: Vec::new(),
        real_heads: Vec::new(),
        bases: Vec::new(),
        real_bases: Vec::new(),
        warnings: Vec::new(),
    };

    normalize_depends_on(&mut map);

    map.heads = (0..map.nodes.len()).filter(|&i| in_heads[i]).collect();
    map.real_heads = (0..map.nodes.len()).filter(|&i| in_real_heads[i]).collect();
    map.bases = (0..map.nodes.len())
        .filter(|&i| map.nodes[i].down_revisions.is_empty())
        .collect();
    map.real_bases = (0..map.nodes.len())
        .filter(|&i| map.nodes[i].down_revisions.is_empty() && map.nodes[i].dependencies.is_empty())
        .collect();

    detect_cycles(&map, id_count)?;

    add_branches(&mut map);

    let mut order_pos = vec![usize::MAX; map.nodes.len()];
    for (position, key) in map.key_order.iter().enumerate().take(id_count) {
        if let Some(&index) = map.by_key.get(key) {
            order_pos[index] = position;
        }
    }
    map.order_pos = order_pos;
    Ok(map)
}

/// `str(script)` without the doc, with the markers as they stand while the
/// map is half built (which is when Alembic formats it).
fn short_form(nodes: &[Node], index: usize) -> String {
    let node = &nodes[index];
    let down = if node.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        node.down_revisions.join(", ")
    };
    let mut text = format!("{down} -> {}", node.id);
    if node.nextrev.is_empty() {
        text.push_str(" (head)");
    }
    if node.nextrev.len() > 1 {
        text.push_str(" (branchpoint)");
    }
    if node.down_revisions.len() > 1 {
        text.push_str(" (mergepoint)");
    }
    text
}

/// `_normalize_depends_on`: drop dependencies that an ancestor (through
/// down revisions) already depends on. Alembic builds the result as a set;
/// we keep the order of `depends_on` as written.
fn normalize_depends_on(map: &mut RevisionMap) {
    for index in 0..map.nodes.len() {
        let resolved = map.nodes[index].resolved_dependencies.clone();
        let normalized: Vec<usize> = if resolved.is_empty() {
            Vec::new()
        } else {
            let ancestors = map.related_order(&[index], Edge::VersionedDown);
            let mut removed = vec![false; map.nodes.len()];
            for ancestor in ancestors {
                if ancestor == index {
                    continue;
                }
                for &d in &map.nodes[ancestor].resolved_dependencies {
                    removed[d] = true;
                }
            }
            let mut out = Vec::new();
            for d in resolved {
                if !removed[d] && !out.contains(&d) {
                    out.push(d);
                }
            }
            out
        };
        let mut normalized_down: Vec<usize> = Vec::new();
        for &d in map.nodes[index]
            .versioned_down
            .iter()
            .chain(normalized.iter())
        {
            if !normalized_down.contains(&d) {
                normalized_down.push(d);
            }
        }
        map.nodes[index].normalized_dependencies = normalized;
        map.nodes[index].normalized_down = normalized_down;
    }
}

/// `_detect_cycles`: every revision must be reachable downwards from a head
/// and upwards from a base, first over down revisions, then including
/// dependencies.
fn detect_cycles(map: &RevisionMap, id_count: usize) -> Result<(), GraphError> {
    if id_count == 0 {
        return Ok(());
    }
    let ids_in_map_order =
        || -> Vec<String> { map.key_order.iter().take(id_count).cloned().collect() };
    let passes = [
        (
            &map.heads,
            &map.bases,
            Edge::VersionedDown,
            Edge::NextRev,
            false,
        ),
        (
            &map.real_heads,
            &map.real_bases,
            Edge::AllDown,
            Edge::AllNextRev,
            true,
        ),
    ];
    for (heads, bases, down, up, dependency_pass) in passes {
        let make_error = |revisions: Vec<String>| {
            if dependency_pass {
                GraphError::DependencyCycle { revisions }
            } else {
                GraphError::Cycle { revisions }
            }
        };
        if heads.is_empty() || bases.is_empty() {
            return Err(make_error(ids_in_map_order()));
        }
        let from_heads = map.reach(heads, down);
        let from_bases = map.reach(bases, up);
        // a revision is in the space when both a head and a base reach it
        let in_space = |id: &str| {
            map.live_index(id)
                .is_some_and(|i| from_heads[i] && from_bases[i])
        };
        let mut deleted: Vec<String> = map
            .key_order
            .iter()
            .take(id_count)
            .filter(|id| !in_space(id))
            .cloned()
            .collect();
        if !deleted.is_empty() {
            crate::sort::sort(&mut deleted);
            return Err(make_error(deleted));
        }
    }
    Ok(())
}

/// `_add_branches`: labels spread to all descendants (down revisions only),
/// then from the last descendant visited back down the branch until a
/// branch point (children or dependents) or merge point.
fn add_branches(map: &mut RevisionMap) {
    for index in 0..map.nodes.len() {
        if map.nodes[index].own_labels.is_empty() {
            continue;
        }
        let labels = map.nodes[index].branch_labels.clone();
        let descendants = map.related_order(&[index], Edge::NextRev);
        for &d in &descendants {
            add_labels(&mut map.nodes[d].branch_labels, &labels);
        }
        let mut parent = match descendants.last() {
            Some(&last) => last,
            None => continue,
        };
        // Bounded: each step goes to a down revision of an acyclic graph.
        for _ in 0..map.nodes.len() {
            let node = &map.nodes[parent];
            if node.all_nextrev.len() > 1 || node.down_revisions.len() > 1 {
                break;
            }
            add_labels(&mut map.nodes[parent].branch_labels, &labels);
            match map.nodes[parent].versioned_down.first() {
                Some(&down) => parent = down,
                None => break,
            }
        }
    }
}

fn add_labels(target: &mut Vec<String>, labels: &[String]) {
    for label in labels {
        if !target.contains(label) {
            target.push(label.clone());
        }
    }
}
