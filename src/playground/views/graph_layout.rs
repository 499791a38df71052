//! The revision graph as a picture: where each revision goes (row and lane), the edges
//! between them, and what to mark (heads, current, branch and merge points, labels).
//!
//! Owns: the layout (newest on top, in Alembic's `history` order; lanes assigned the way
//! `git log --graph` does). Does not: draw (the page renders SVG from this), or read a database
//! (the caller passes the version table's rows).

use crate::graph::RevisionMap;

/// One revision in the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    pub id: String,
    pub doc: String,
    /// Row from the top (0 = newest).
    pub row: usize,
    /// Lane from the left.
    pub lane: usize,
    pub is_head: bool,
    pub is_current: bool,
    pub is_branch_point: bool,
    pub is_merge_point: bool,
    pub labels: Vec<String>,
}

/// A line from a revision down to one of its parents (or dependencies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    /// Index of the child node.
    pub from: usize,
    /// Index of the parent node.
    pub to: usize,
    /// A `depends_on` edge rather than a `down_revision` one.
    pub dependency: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphView {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    pub lanes: usize,
}

/// Lays out the map. `docs` gives each revision's message; `current_rows` the version table.
pub fn layout(
    map: &RevisionMap,
    docs: &dyn Fn(&str) -> String,
    current_rows: &[String],
) -> GraphView {
    let order = match map.history(None, &[]) {
        Ok(order) => order,
        Err(_) => map.ids(),
    };
    let row_of: std::collections::HashMap<String, usize> = order
        .iter()
        .enumerate()
        .map(|(row, id)| (id.clone(), row))
        .collect();
    // Each lane holds the revision it is waiting to draw next (a parent of something above).
    let mut lanes: Vec<Option<String>> = Vec::new();
    let mut nodes = Vec::with_capacity(order.len());
    for (row, id) in order.iter().enumerate() {
        let waiting: Vec<usize> = lanes
            .iter()
            .enumerate()
            .filter(|(_, expected)| expected.as_deref() == Some(id.as_str()))
            .map(|(lane, _)| lane)
            .collect();
        let lane = match waiting.first() {
            Some(&lane) => lane,
            None => match lanes.iter().position(Option::is_none) {
                Some(free) => free,
                None => {
                    lanes.push(None);
                    lanes.len() - 1
                }
            },
        };
        for &other in waiting.iter().skip(1) {
            lanes[other] = None;
        }
        let info = map.revision(id);
        let parents: Vec<String> = info
            .as_ref()
            .map(|info| info.down_revisions().to_vec())
            .unwrap_or_default();
        lanes[lane] = parents.first().cloned();
        for parent in parents.iter().skip(1) {
            if lanes
                .iter()
                .any(|expected| expected.as_deref() == Some(parent.as_str()))
            {
                continue;
            }
            match lanes.iter().position(Option::is_none) {
                Some(free) => lanes[free] = Some(parent.clone()),
                None => lanes.push(Some(parent.clone())),
            }
        }
        nodes.push(GraphNode {
            id: id.clone(),
            doc: docs(id),
            row,
            lane,
            is_head: info.as_ref().is_some_and(|info| info.is_head()),
            is_current: current_rows.contains(id),
            is_branch_point: info.as_ref().is_some_and(|info| info.is_branch_point()),
            is_merge_point: info.as_ref().is_some_and(|info| info.is_merge_point()),
            labels: info
                .as_ref()
                .map(|info| info.branch_labels().to_vec())
                .unwrap_or_default(),
        });
    }
    let mut edges = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        let Some(info) = map.revision(&node.id) else {
            continue;
        };
        for parent in info.down_revisions() {
            if let Some(&to) = row_of.get(parent.as_str()) {
                edges.push(GraphEdge {
                    from: index,
                    to,
                    dependency: false,
                });
            }
        }
        for dependency in info.resolved_dependencies() {
            if let Some(&to) = row_of.get(dependency.as_str()) {
                edges.push(GraphEdge {
                    from: index,
                    to,
                    dependency: true,
                });
            }
        }
    }
    let lanes = nodes.iter().map(|node| node.lane + 1).max().unwrap_or(0);
    GraphView {
        nodes,
        edges,
        lanes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Revision;

    fn map(revisions: &[(&str, &[&str])]) -> RevisionMap {
        RevisionMap::new(
            revisions
                .iter()
                .map(|(id, downs)| Revision::new(id, downs))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn linear_chain_is_one_lane_newest_on_top() {
        let map = map(&[("a", &[]), ("b", &["a"]), ("c", &["b"])]);
        let view = layout(&map, &|id| format!("doc {id}"), &["b".to_string()]);
        let ids: Vec<&str> = view.nodes.iter().map(|node| node.id.as_str()).collect();
        assert_eq!(ids, vec!["c", "b", "a"]);
        assert!(view.nodes.iter().all(|node| node.lane == 0));
        assert_eq!(view.lanes, 1);
        assert!(view.nodes[0].is_head && !view.nodes[1].is_head);
        assert!(view.nodes[1].is_current);
        assert_eq!(view.edges.len(), 2);
    }

    #[test]
    fn branches_and_merges_use_two_lanes() {
        let map = map(&[
            ("a", &[]),
            ("b", &["a"]),
            ("c1", &["b"]),
            ("c2", &["b"]),
            ("m", &["c1", "c2"]),
        ]);
        let view = layout(&map, &|_| String::new(), &[]);
        assert_eq!(view.lanes, 2);
        let merge = view.nodes.iter().find(|node| node.id == "m").unwrap();
        assert!(merge.is_merge_point && merge.row == 0);
        let branch = view.nodes.iter().find(|node| node.id == "b").unwrap();
        assert!(branch.is_branch_point);
        let lanes: Vec<usize> = ["c1", "c2"]
            .iter()
            .map(|id| view.nodes.iter().find(|node| node.id == *id).unwrap().lane)
            .collect();
        assert_ne!(lanes[0], lanes[1]);
        assert_eq!(view.edges.iter().filter(|edge| !edge.dependency).count(), 5);
    }

    #[test]
    fn a_thousand_revisions_lay_out() {
        let ids: Vec<String> = (0..1000).map(|n| format!("r{n:04}")).collect();
        let revisions: Vec<Revision> = ids
            .iter()
            .enumerate()
            .map(|(n, id)| Revision {
                id: id.clone(),
                down_revisions: if n == 0 {
                    vec![]
                } else {
                    vec![ids[n - 1].clone()]
                },
                ..Revision::default()
            })
            .collect();
        let map = RevisionMap::new(revisions).unwrap();
        let view = layout(&map, &|_| String::new(), &[]);
        assert_eq!(view.nodes.len(), 1000);
        assert_eq!(view.nodes[0].id, "r0999");
    }
}
