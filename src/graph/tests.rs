//! Data-driven tests: graphs and expectations ported from Alembic's
//! `tests/test_revision.py` and `tests/test_version_traversal.py`, the
//! measured transcripts of the reference (`pg` and `p1` projects), and a
//! no-panic property test over random graphs and identifiers.

use super::*;

// ----- helpers ---------------------------------------------------------------

fn r(id: &str, down: &[&str]) -> Revision {
    Revision::new(id, down)
}

fn build(revisions: Vec<Revision>) -> RevisionMap {
    match RevisionMap::new(revisions) {
        Ok(map) => map,
        Err(e) => panic!("map failed to build: {e}"),
    }
}

fn one(s: &str) -> RevSpec {
    RevSpec::one(s)
}

fn many(items: &[&str]) -> RevSpec {
    RevSpec::many(items)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[derive(Clone, Copy, Default)]
struct Opts {
    exclusive: bool,
    implicit_base: bool,
    downgrade: bool,
}

const INCL: Opts = Opts {
    exclusive: false,
    implicit_base: false,
    downgrade: false,
};

fn iterate(
    map: &RevisionMap,
    upper: RevSpec,
    lower: RevSpec,
    opts: Opts,
) -> Result<Vec<String>, GraphError> {
    map.iterate_revisions(
        &upper,
        &lower,
        IterateOptions {
            implicit_base: opts.implicit_base,
            inclusive: !opts.exclusive,
            assert_relative_length: true,
            select_for_downgrade: opts.downgrade,
        },
    )
}

/// `_assert_iteration`: exact order, and the order must be a valid
/// topological order of the normalized down revisions.
fn assert_iteration(
    map: &RevisionMap,
    upper: RevSpec,
    lower: RevSpec,
    expected: &[&str],
    opts: Opts,
) {
    let result = match iterate(map, upper.clone(), lower.clone(), opts) {
        Ok(result) => result,
        Err(e) => panic!("iterate({upper:?}, {lower:?}) failed: {e}"),
    };
    assert_eq!(result, strings(expected), "iterate({upper:?}, {lower:?})");
    // Oldest first must respect every edge.
    let oldest_first: Vec<&String> = result.iter().rev().collect();
    for (position, id) in oldest_first.iter().enumerate() {
        if let Some(info) = map.revision(id) {
            for parent in info.normalized_down_revisions() {
                if let Some(parent_position) = oldest_first.iter().position(|p| **p == parent) {
                    assert!(parent_position < position, "{parent} must come before {id}");
                }
            }
        }
    }
}

fn assert_iteration_error(
    map: &RevisionMap,
    upper: RevSpec,
    lower: RevSpec,
    opts: Opts,
    expected_prefix: &str,
) {
    match iterate(map, upper.clone(), lower.clone(), opts) {
        Ok(result) => panic!("iterate({upper:?}, {lower:?}) should fail, got {result:?}"),
        Err(e) => assert!(
            e.message().starts_with(expected_prefix),
            "iterate({upper:?}, {lower:?}): {:?} does not start with {expected_prefix:?}",
            e.message()
        ),
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// `_assert_upgrade`: exact steps, then the rows after replaying them.
fn assert_upgrade(
    map: &RevisionMap,
    destination: &str,
    source: &[&str],
    steps: &[&str],
    heads: &[&str],
) {
    let plan = match map.plan_upgrade(destination, &strings(source)) {
        Ok(plan) => plan,
        Err(e) => panic!("upgrade {destination} from {source:?} failed: {e}"),
    };
    assert_eq!(
        plan.revisions(),
        strings(steps),
        "upgrade {destination} from {source:?}"
    );
    assert!(plan.steps.iter().all(|s| s.kind == StepKind::Upgrade));
    let mut rows = strings(source);
    for step in &plan.steps {
        if let Err(e) = map.update_to_step(&mut rows, step) {
            panic!("update_to_step {step:?} failed: {e}");
        }
    }
    assert_eq!(
        sorted(rows),
        sorted(strings(heads)),
        "rows after upgrade {destination}"
    );
}

fn assert_downgrade(
    map: &RevisionMap,
    destination: &str,
    source: &[&str],
    steps: &[&str],
    heads: &[&str],
) {
    let plan = match map.plan_downgrade(destination, &strings(source)) {
        Ok(plan) => plan,
        Err(e) => panic!("downgrade {destination} from {source:?} failed: {e}"),
    };
    assert_eq!(
        plan.revisions(),
        strings(steps),
        "downgrade {destination} from {source:?}"
    );
    assert!(plan.steps.iter().all(|s| s.kind == StepKind::Downgrade));
    let mut rows = strings(source);
    for step in &plan.steps {
        if let Err(e) = map.update_to_step(&mut rows, step) {
            panic!("update_to_step {step:?} failed: {e}");
        }
    }
    assert_eq!(
        sorted(rows),
        sorted(strings(heads)),
        "rows after downgrade {destination}"
    );
}

fn upgrade_error(map: &RevisionMap, destination: &str, source: &[&str]) -> String {
    match map.plan_upgrade(destination, &strings(source)) {
        Ok(plan) => panic!(
            "upgrade {destination} should fail, got {:?}",
            plan.revisions()
        ),
        Err(e) => e.message,
    }
}

fn downgrade_error(map: &RevisionMap, destination: &str, source: &[&str]) -> String {
    match map.plan_downgrade(destination, &strings(source)) {
        Ok(plan) => panic!(
            "downgrade {destination} should fail, got {:?}",
            plan.revisions()
        ),
        Err(e) => e.message,
    }
}

fn get_revision(map: &RevisionMap, ident: &str) -> Option<String> {
    match map.get_revision(ident) {
        Ok(found) => found,
        Err(e) => panic!("get_revision({ident}) failed: {e}"),
    }
}

fn get_revision_error(map: &RevisionMap, ident: &str) -> String {
    match map.get_revision(ident) {
        Ok(found) => panic!("get_revision({ident}) should fail, got {found:?}"),
        Err(e) => e.message(),
    }
}

fn build_error(revisions: Vec<Revision>) -> String {
    match RevisionMap::new(revisions) {
        Ok(_) => panic!("map should not build"),
        Err(e) => e.message(),
    }
}

// ----- test_revision.py: APITest ---------------------------------------------

fn abc() -> RevisionMap {
    build(vec![r("a", &[]), r("b", &["a"]), r("c", &["b"])])
}

fn two_heads() -> RevisionMap {
    build(vec![
        r("a", &[]),
        r("b", &["a"]),
        r("c1", &["b"]),
        r("c2", &["b"]),
    ])
}

#[test]
fn api_heads_and_symbols() {
    assert_eq!(abc().heads(), strings(&["c"]));
    assert_eq!(two_heads().heads(), strings(&["c1", "c2"]));
    assert_eq!(get_revision(&abc(), "head"), Some("c".to_string()));
    assert_eq!(get_revision(&abc(), "base"), None);
    let base_multiple = build(vec![
        r("a", &[]),
        r("b", &["a"]),
        r("c", &[]),
        r("d", &["c"]),
    ]);
    assert_eq!(get_revision(&base_multiple, "base"), None);
    assert_eq!(base_multiple.bases(), strings(&["a", "c"]));
}

#[test]
fn api_multiple_heads_errors() {
    let map = two_heads();
    assert!(get_revision_error(&map, "head").starts_with("Multiple heads are present"));
    assert!(get_revision_error(&map, "heads").starts_with("Multiple heads are present"));
    match map.get_revisions("head") {
        Err(e) => assert!(e
            .message()
            .starts_with("Multiple heads are present for given argument 'head'; c1, c2")),
        Ok(v) => panic!("expected MultipleHeads, got {v:?}"),
    }
    assert_eq!(
        map.get_revisions("heads").ok(),
        Some(vec![Some("c1".to_string()), Some("c2".to_string())])
    );
}

#[test]
fn api_iterate_tolerates_dupe_targets() {
    assert_iteration(
        &abc(),
        many(&["c", "c"]),
        one("a"),
        &["c", "b"],
        Opts {
            exclusive: true,
            ..INCL
        },
    );
}

// ----- DiamondTest, EmptyMapTest, LongShortBranchTest -----------------------

#[test]
fn diamond() {
    let map = build(vec![
        r("a", &[]),
        r("b1", &["a"]),
        r("b2", &["a"]),
        r("c", &["b1", "b2"]),
        r("d", &["c"]),
    ]);
    assert_iteration(&map, one("d"), one("a"), &["d", "c", "b1", "b2", "a"], INCL);
}

#[test]
fn empty_map() {
    let map = build(vec![]);
    assert_iteration(&map, one("head"), one("base"), &[], INCL);
    assert!(map.heads().is_empty());
    assert_eq!(map.history(None, &[]).ok(), Some(vec![]));
}

#[test]
fn long_short_branch() {
    let map = build(vec![
        r("a", &[]),
        r("b1", &["a"]),
        r("b2", &["a"]),
        r("c1", &["b1"]),
        r("d11", &["c1"]),
        r("d12", &["c1"]),
    ]);
    assert_iteration(
        &map,
        one("heads"),
        one("base"),
        &["b2", "d11", "d12", "c1", "b1", "a"],
        INCL,
    );
}

// ----- LabeledBranchTest -----------------------------------------------------

fn labeled() -> RevisionMap {
    build(vec![
        r("a", &[]).labels(&["abranch"]),
        r("b", &["a"]),
        r("somelongername", &["b"]),
        r("c", &["somelongername"]),
        r("d", &[]),
        r("e", &["d"]).labels(&["ebranch"]),
        r("someothername", &["e"]),
        r("f", &["someothername"]),
    ])
}

#[test]
fn labeled_dupe_branch_label() {
    let message = build_error(vec![
        r("a", &[]),
        r("b", &["a"]),
        r("c", &["b"]).labels(&["xy1"]),
        r("d", &[]),
        r("e", &["d"]).labels(&["xy1"]),
        r("f", &["e"]),
    ]);
    assert_eq!(
        message,
        "Branch name 'xy1' in revision e already used by revision c"
    );
}

#[test]
fn labeled_label_inheritance() {
    let map = labeled();
    let labels = |id: &str| {
        map.revision(id)
            .map(|i| i.branch_labels().to_vec())
            .unwrap_or_default()
    };
    assert_eq!(labels("f"), strings(&["ebranch"]));
    assert_eq!(labels("someothername"), strings(&["ebranch"]));
    // Spread downwards past the labelled revision until a branch point.
    assert_eq!(labels("d"), strings(&["ebranch"]));
    assert_eq!(labels("c"), strings(&["abranch"]));
}

#[test]
fn labeled_iterations() {
    let map = labeled();
    assert_iteration(
        &map,
        one("heads"),
        one("ebranch@base"),
        &["f", "someothername", "e", "d"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("abranch@base"),
        &["c", "somelongername", "b", "a"],
        INCL,
    );
    assert_iteration(
        &map,
        one("ebranch@head"),
        one("base"),
        &["f", "someothername", "e", "d"],
        INCL,
    );
    assert_iteration(
        &map,
        one("abranch@head"),
        one("base"),
        &["c", "somelongername", "b", "a"],
        INCL,
    );
    assert_iteration(&map, one("heads"), one("ebranch@head"), &["f"], INCL);
    assert_iteration(
        &map,
        one("heads"),
        one("ebranch@d"),
        &["f", "someothername", "e", "d"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("e@base"),
        &["f", "someothername", "e", "d"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("c@base"),
        &["c", "somelongername", "b", "a"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("ebranch@-2"),
        &["f", "someothername", "e"],
        INCL,
    );
    assert_iteration(&map, one("ebranch@+2"), one("base"), &["e", "d"], INCL);
}

#[test]
fn labeled_resolution() {
    let map = labeled();
    let get = |s: &str| get_revision(&map, s);
    assert_eq!(get("ebranch@head").as_deref(), Some("f"));
    assert_eq!(get("ebranch@some").as_deref(), Some("someothername"));
    assert_eq!(get("abranch@some").as_deref(), Some("somelongername"));
    assert_eq!(get("abranch@heads").as_deref(), Some("c"));
    assert_eq!(get("abranch@head").as_deref(), Some("c"));
    assert_eq!(get("abranch@base"), None);
    assert_eq!(get("ebranch@d").as_deref(), Some("d"));
    assert_eq!(get("ebranch@ebranch").as_deref(), Some("e"));
    assert_eq!(get("abranch").as_deref(), Some("a"));
    assert_eq!(get("ebranch").as_deref(), Some("e"));
    assert_eq!(get("e").as_deref(), Some("e"));
    assert_eq!(get("e@d").as_deref(), Some("d"));
    assert_eq!(get("someoth@d").as_deref(), Some("d"));
}

#[test]
fn labeled_resolution_errors() {
    let map = labeled();
    assert_eq!(
        get_revision_error(&map, "ebranch@sos"),
        "No such revision or branch 'sos'; please ensure at least four characters are present for partial revision identifier matches"
    );
    assert_eq!(
        get_revision_error(&map, "ebranch@b"),
        "Revision b is not a member of branch 'ebranch'"
    );
    assert_eq!(
        get_revision_error(&map, "abranch@d"),
        "Revision d is not a member of branch 'abranch'"
    );
    assert_eq!(
        get_revision_error(&map, "abranch@qprstuv"),
        "No such revision or branch 'qprstuv'"
    );
    assert_eq!(
        get_revision_error(&map, "abranch@qpr"),
        "No such revision or branch 'qpr'; please ensure at least four characters are present for partial revision identifier matches"
    );
    assert_eq!(get_revision_error(&map, "x@d"), "No such branch: 'x'");
}

#[test]
fn labeled_filter_for_lineage_across_merge() {
    let map = build(vec![
        r("a", &[]),
        r("b", &["a"]),
        r("c1", &["b"]).labels(&["c1branch"]),
        r("c2", &["b"]),
        r("d", &["c1", "c2"]),
    ]);
    // c1branch@head is d, which shares lineage with c1, c2 and d.
    assert_eq!(get_revision(&map, "c1branch@head").as_deref(), Some("d"));
    let targets = [
        super::resolve::LineageTarget::Id("c1"),
        super::resolve::LineageTarget::Id("c2"),
        super::resolve::LineageTarget::Id("d"),
    ];
    assert_eq!(
        map.filter_for_lineage(&targets, &one("c1branch@head"), false)
            .ok(),
        Some(vec![0, 1, 2])
    );
    assert_eq!(
        get_revision_error(&map, "c1branch@c2"),
        "Revision c2 is not a member of branch 'c1branch'"
    );
}

// ----- MultipleBranchTest ----------------------------------------------------

fn multiple_branch() -> RevisionMap {
    build(vec![
        r("a", &[]),
        r("b1", &["a"]),
        r("b2", &["a"]),
        r("cb1", &["b1"]),
        r("cb2", &["b2"]),
        r("d1cb1", &["cb1"]),
        r("d2cb1", &["cb1"]),
        r("d1cb2", &["cb2"]),
        r("d2cb2", &["cb2"]),
        r("d3cb2", &["cb2"]),
        r("d1d2cb2", &["d1cb2", "d2cb2"]),
    ])
}

#[test]
fn multiple_branch_iterations() {
    let map = multiple_branch();
    assert_iteration(
        &map,
        one("d1d2cb2"),
        one("a"),
        &["d1d2cb2", "d1cb2", "d2cb2", "cb2", "b2", "a"],
        INCL,
    );
    assert_iteration(
        &map,
        many(&["d2cb2", "d3cb2"]),
        one("a"),
        &["d2cb2", "d3cb2", "cb2", "b2", "a"],
        INCL,
    );
    assert_iteration(
        &map,
        one("d3cb2"),
        one("a"),
        &["d3cb2", "cb2", "b2", "a"],
        INCL,
    );
    assert_iteration(
        &map,
        one("d3cb2"),
        one("base"),
        &["d3cb2", "cb2", "b2", "a"],
        INCL,
    );
    assert_iteration(
        &map,
        many(&["d3cb2", "cb1"]),
        one("base"),
        &["cb1", "b1", "d3cb2", "cb2", "b2", "a"],
        INCL,
    );
    assert_iteration(
        &map,
        many(&["d1cb1", "d2cb2", "d3cb2"]),
        one("b2"),
        &["d2cb2", "d3cb2", "cb2", "b2"],
        INCL,
    );
}

#[test]
fn multiple_branch_wrong_direction() {
    let map = multiple_branch();
    assert_iteration_error(
        &map,
        one("b1"),
        one("d1cb1"),
        INCL,
        "Revision d1cb1 is not an ancestor of revision b1",
    );
    assert_iteration_error(
        &map,
        one("d2cb2"),
        one("b1"),
        INCL,
        "Revision b1 is not an ancestor of revision d2cb2",
    );
    assert_iteration_error(
        &map,
        RevSpec::Nil,
        one("d1cb1"),
        INCL,
        "Revision d1cb1 is not an ancestor of revision base",
    );
    assert_iteration_error(
        &map,
        many(&[]),
        one("d1cb1"),
        INCL,
        "Revision d1cb1 is not an ancestor of revision base",
    );
}

// ----- MultipleBranchEffectiveHead --------------------------------------------

#[test]
fn multiple_branch_effective_head() {
    let map = build(vec![
        r("y1", &[]).labels(&["y"]),
        r("x1", &[]).labels(&["x"]),
        r("y2", &["y1"]).depends_on(&["x1"]),
        r("x2", &["x1"]),
    ]);
    let down = Opts {
        exclusive: true,
        downgrade: true,
        ..INCL
    };
    assert_iteration(&map, many(&["x2", "y2"]), one("x@-1"), &["x2"], down);
    assert_iteration(&map, many(&["x1", "y2"]), one("x@-1"), &["y2", "x1"], down);
    assert_iteration(&map, one("y2"), one("x@-1"), &["y2", "x1"], down);
}

// ----- BranchTravellingTest ----------------------------------------------------

fn branch_travelling() -> RevisionMap {
    build(vec![
        r("a1", &[]),
        r("a2", &["a1"]),
        r("a3", &["a2"]),
        r("b1", &["a3"]),
        r("b2", &["a3"]),
        r("cb1", &["b1"]),
        r("cb2", &["b2"]),
        r("db1", &["cb1"]),
        r("db2", &["cb2"]),
        r("e1b1", &["db1"]),
        r("fe1b1", &["e1b1"]),
        r("e2b1", &["db1"]),
        r("e2b2", &["db2"]),
        r("merge", &["e2b1", "e2b2"]),
    ])
}

#[test]
fn branch_travelling_iterations() {
    let map = branch_travelling();
    let implicit = Opts {
        implicit_base: true,
        ..INCL
    };
    let exclusive = Opts {
        exclusive: true,
        ..INCL
    };
    assert_iteration(
        &map,
        one("merge"),
        one("db1"),
        &["merge", "e2b1", "db1", "e2b2", "db2", "cb2", "b2"],
        implicit,
    );
    assert_iteration(
        &map,
        many(&["merge", "fe1b1"]),
        one("a3"),
        &[
            "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3",
        ],
        INCL,
    );
    assert_iteration(
        &map,
        one("merge"),
        one("a1"),
        &[
            "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3", "a2", "a1",
        ],
        INCL,
    );
    assert_iteration(
        &map,
        one("merge"),
        one("b1"),
        &["merge", "e2b1", "db1", "cb1", "b1"],
        INCL,
    );
    assert_iteration(
        &map,
        one("merge"),
        one("a2"),
        &[
            "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3", "a2",
        ],
        INCL,
    );
    assert_iteration(
        &map,
        many(&["merge", "fe1b1"]),
        one("a1"),
        &[
            "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3",
            "a2", "a1",
        ],
        INCL,
    );
    assert_iteration(
        &map,
        many(&["merge", "fe1b1"]),
        many(&["cb1", "cb2"]),
        &[
            "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "e2b2", "db2", "cb2",
        ],
        INCL,
    );
    assert_iteration(
        &map,
        many(&["merge", "fe1b1"]),
        many(&["cb1", "cb2"]),
        &["fe1b1", "e1b1", "merge", "e2b1", "db1", "e2b2", "db2"],
        exclusive,
    );
    assert_iteration(
        &map,
        many(&["e2b1", "b2", "fe1b1"]),
        many(&[]),
        &[
            "b2", "fe1b1", "e1b1", "e2b1", "db1", "cb1", "b1", "a3", "a2", "a1",
        ],
        exclusive,
    );
    assert_iteration(
        &map,
        many(&["fe1b1"]),
        one("base"),
        &["fe1b1", "e1b1", "db1", "cb1", "b1", "a3", "a2", "a1"],
        exclusive,
    );
}

#[test]
fn branch_travelling_invalid_head_selection() {
    let map = branch_travelling();
    assert_iteration_error(
        &map,
        many(&["db1", "b2", "fe1b1"]),
        many(&[]),
        INCL,
        "Requested revision fe1b1 overlaps with other requested revisions db1",
    );
}

#[test]
fn branch_travelling_ancestor_nodes() {
    let map = branch_travelling();
    assert_eq!(
        sorted(map.ancestors("merge", true)),
        sorted(strings(&[
            "a1", "e2b2", "e2b1", "cb2", "merge", "a3", "a2", "b1", "b2", "db1", "db2", "cb1"
        ]))
    );
}

// ----- MultipleBaseTest --------------------------------------------------------

fn multiple_base() -> RevisionMap {
    build(vec![
        r("base1", &[]),
        r("base2", &[]),
        r("base3", &[]),
        r("a1a", &["base1"]),
        r("a1b", &["base1"]),
        r("a2", &["base2"]),
        r("a3", &["base3"]),
        r("b1a", &["a1a"]),
        r("b1b", &["a1b"]),
        r("b2", &["a2"]),
        r("b3", &["a3"]),
        r("c2", &["b2"]),
        r("d2", &["c2"]),
        r("mergeb3d2", &["b3", "d2"]),
    ])
}

const MULTIPLE_BASE_ALL: [&str; 14] = [
    "b1a",
    "a1a",
    "b1b",
    "a1b",
    "base1",
    "mergeb3d2",
    "b3",
    "a3",
    "base3",
    "d2",
    "c2",
    "b2",
    "a2",
    "base2",
];

#[test]
fn multiple_base_iterations() {
    let map = multiple_base();
    assert_iteration(&map, one("heads"), one("base"), &MULTIPLE_BASE_ALL, INCL);
    assert_iteration(
        &map,
        one("heads"),
        one("base"),
        &MULTIPLE_BASE_ALL,
        Opts {
            exclusive: true,
            ..INCL
        },
    );
    assert_iteration(&map, one("heads"), RevSpec::Nil, &MULTIPLE_BASE_ALL, INCL);
    assert_iteration(
        &map,
        one("heads"),
        many(&["c2"]),
        &[
            "b1a",
            "a1a",
            "b1b",
            "a1b",
            "base1",
            "mergeb3d2",
            "b3",
            "a3",
            "base3",
            "d2",
        ],
        Opts {
            exclusive: true,
            implicit_base: true,
            ..INCL
        },
    );
    assert_iteration(
        &map,
        one("heads"),
        many(&["c2"]),
        &["mergeb3d2", "d2"],
        Opts {
            exclusive: true,
            ..INCL
        },
    );
    assert_iteration(
        &map,
        one("heads"),
        many(&["c2"]),
        &[
            "b1a",
            "a1a",
            "b1b",
            "a1b",
            "base1",
            "mergeb3d2",
            "b3",
            "a3",
            "base3",
            "d2",
            "c2",
        ],
        Opts {
            implicit_base: true,
            ..INCL
        },
    );
    assert_iteration(&map, one("b3"), one("base3"), &["b3", "a3", "base3"], INCL);
    assert_iteration(
        &map,
        many(&["b3", "b2"]),
        one("base3"),
        &["b2", "a2", "base2", "b3", "a3"],
        Opts {
            exclusive: true,
            implicit_base: true,
            ..INCL
        },
    );
}

#[test]
fn multiple_base_invalid_base_selection() {
    assert_iteration_error(
        &multiple_base(),
        many(&["c2"]),
        many(&["a2", "b2"]),
        INCL,
        "Requested revision b2 overlaps with other requested revisions a2",
    );
}

// ----- MultipleBaseCrossDependency tests ------------------------------------

fn cross_one() -> RevisionMap {
    build(vec![
        r("base1", &[]).labels(&["b_1"]),
        r("a1a", &["base1"]),
        r("a1b", &["base1"]),
        r("b1a", &["a1a"]),
        r("b1b", &["a1b"]).depends_on(&["a3"]),
        r("base2", &[]).labels(&["b_2"]),
        r("a2", &["base2"]),
        r("b2", &["a2"]),
        r("c2", &["b2"]).depends_on(&["a3"]),
        r("d2", &["c2"]),
        r("base3", &[]).labels(&["b_3"]),
        r("a3", &["base3"]),
        r("b3", &["a3"]),
    ])
}

#[test]
fn cross_dependency_one() {
    let map = cross_one();
    let down = Opts {
        downgrade: true,
        ..INCL
    };
    assert_eq!(map.heads(), strings(&["b1a", "b1b", "d2", "b3"]));
    let all = [
        "b1a", "a1a", "b1b", "a1b", "base1", "d2", "c2", "b2", "a2", "base2", "b3", "a3", "base3",
    ];
    assert_iteration(&map, one("heads"), one("base"), &all, INCL);
    assert_iteration(&map, one("heads"), one("base"), &all, down);
    assert_iteration_error(
        &map,
        one("b2"),
        one("d2"),
        INCL,
        "Revision d2 is not an ancestor of revision b2",
    );
    assert_iteration_error(
        &map,
        one("b3"),
        one("d2"),
        INCL,
        "Revision d2 is not an ancestor of revision b3",
    );
    assert_iteration(
        &map,
        one("b_2@head"),
        one("base"),
        &["d2", "c2", "b2", "a2", "base2", "a3", "base3"],
        INCL,
    );
    assert_iteration(
        &map,
        one("b_2@head"),
        one("b_2@base"),
        &["d2", "c2", "b2", "a2", "base2"],
        down,
    );
    assert_iteration(
        &map,
        one("b_3@head"),
        one("base"),
        &["b3", "a3", "base3"],
        INCL,
    );
    assert_iteration(
        &map,
        one("b_3@head"),
        one("base"),
        &["b3", "a3", "base3"],
        down,
    );
    assert_iteration(
        &map,
        one("b1b@head"),
        one("base"),
        &["b1b", "a1b", "base1", "a3", "base3"],
        INCL,
    );
    assert_iteration(
        &map,
        one("b1b@head"),
        one("b1b@base"),
        &["b1b", "a1b", "base1"],
        down,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("b_2@base"),
        &["d2", "c2", "b2", "a2", "base2", "a3", "base3"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("b_2@base"),
        &["d2", "c2", "b2", "a2", "base2"],
        down,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("b_3@base"),
        &["b3", "a3", "base3"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("b_3@base"),
        &["b1b", "d2", "c2", "b3", "a3", "base3"],
        down,
    );
}

#[test]
fn cross_dependency_two() {
    let map = build(vec![
        r("base1", &[]).labels(&["b_1"]),
        r("a1", &["base1"]),
        r("b1", &["a1"]),
        r("c1", &["b1"]),
        r("base2", &[]).depends_on(&["b_1"]).labels(&["b_2"]),
        r("a2", &["base2"]),
        r("b2", &["a2"]),
        r("c2", &["b2"]),
        r("d2", &["c2"]),
        r("base3", &[]).labels(&["b_3"]),
        r("a3", &["base3"]),
        r("b3", &["a3"]),
        r("c3", &["b3"]).depends_on(&["b2"]),
        r("d3", &["c3"]),
    ]);
    assert_eq!(map.heads(), strings(&["c1", "d2", "d3"]));
    assert_iteration(
        &map,
        one("heads"),
        one("base"),
        &[
            "c1", "b1", "a1", "d2", "c2", "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2",
            "base1",
        ],
        INCL,
    );
    assert_iteration(
        &map,
        one("b_2@head"),
        one("base"),
        &["d2", "c2", "b2", "a2", "base2", "base1"],
        INCL,
    );
    assert_iteration(
        &map,
        one("b_3@head"),
        one("base"),
        &[
            "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2", "base1",
        ],
        INCL,
    );
    assert_iteration(
        &map,
        one("b_1@head"),
        one("base"),
        &["c1", "b1", "a1", "base1"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("b_1@base"),
        &["c1", "b1", "a1", "base1"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("b_2@base"),
        &["d2", "c2", "b2", "a2", "base2", "base1"],
        INCL,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("b_3@base"),
        &[
            "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2", "base1",
        ],
        INCL,
    );
}

#[test]
fn cross_dependency_three() {
    let map = build(vec![
        r("base1", &[]),
        r("a1", &["base1"]),
        r("b1", &["a1"]),
        r("c2", &[]).depends_on(&["a1"]),
        r("c3", &["c2"]),
    ]);
    assert_iteration(
        &map,
        one("heads"),
        one("base"),
        &["b1", "c3", "c2", "a1", "base1"],
        INCL,
    );
}

// ----- GraphWithLoopTest / GraphWithCycleTest --------------------------------

#[test]
fn loops_in_down_revisions() {
    assert_eq!(
        build_error(vec![r("a", &["a"])]),
        "Self-loop is detected in revisions (a)"
    );
    assert_eq!(
        build_error(vec![r("a", &["a"]), r("b", &["a"]), r("c", &["b"])]),
        "Self-loop is detected in revisions (a)"
    );
    assert_eq!(
        build_error(vec![r("a", &[]), r("b", &["a"]), r("c", &["b", "c"])]),
        "Self-loop is detected in revisions (c)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]),
            r("b", &["a", "b"]),
            r("c1", &["b"]),
            r("c2", &["b"])
        ]),
        "Self-loop is detected in revisions (b)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]),
            r("b1", &["a"]),
            r("b2", &["a"]),
            r("c", &["b1", "b2", "c"])
        ]),
        "Self-loop is detected in revisions (c)"
    );
}

#[test]
fn loops_in_dependencies() {
    assert_eq!(
        build_error(vec![r("a", &[]).depends_on(&["a"])]),
        "Dependency self-loop is detected in revisions (a)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]).depends_on(&["a"]),
            r("b", &["a"]),
            r("c", &["b"])
        ]),
        "Dependency self-loop is detected in revisions (a)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]),
            r("b", &["a"]),
            r("c", &["b"]).depends_on(&["c"])
        ]),
        "Dependency self-loop is detected in revisions (c)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]),
            r("b", &["a"]).depends_on(&["b"]),
            r("c1", &["b"]),
            r("c2", &["b"])
        ]),
        "Dependency self-loop is detected in revisions (b)"
    );
}

#[test]
fn loop_overlapping_substrings_are_fine() {
    let map = build(vec![
        r("user_foo", &[]),
        r("user", &["user_foo"]).depends_on(&["user_foo"]),
    ]);
    assert_iteration(
        &map,
        one("heads"),
        RevSpec::Nil,
        &["user", "user_foo"],
        INCL,
    );
    let map = build(vec![r("user_foo", &[]), r("user", &["user_foo"])]);
    assert_iteration(
        &map,
        one("heads"),
        RevSpec::Nil,
        &["user", "user_foo"],
        INCL,
    );
    let map = build(vec![
        r("user_foo", &[]),
        r("user", &[]).depends_on(&["user_foo"]),
    ]);
    assert_iteration(
        &map,
        one("heads"),
        RevSpec::Nil,
        &["user", "user_foo"],
        INCL,
    );
}

#[test]
fn cycles() {
    assert_eq!(
        build_error(vec![r("a", &["c"]), r("b", &["a"]), r("c", &["b"])]),
        "Cycle is detected in revisions (a, b, c)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &["c"]),
            r("b", &["a"]),
            r("c", &["b"]),
            r("d", &[]),
            r("e", &["d"])
        ]),
        "Cycle is detected in revisions (a, b, c)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &["c"]),
            r("b", &["a"]),
            r("c", &["b"]),
            r("d", &["c"]),
            r("e", &["d"])
        ]),
        "Cycle is detected in revisions (a, b, c, d, e)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]),
            r("b", &["a"]),
            r("c", &["b", "e"]),
            r("d", &["c"]),
            r("e", &["d"])
        ]),
        "Cycle is detected in revisions (a, b, c, d, e)"
    );
}

#[test]
fn dependency_cycles() {
    assert_eq!(
        build_error(vec![
            r("a", &[]).depends_on(&["c"]),
            r("b", &["a"]),
            r("c", &["b"])
        ]),
        "Dependency cycle is detected in revisions (a, b, c)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]).depends_on(&["c"]),
            r("b", &["a"]),
            r("c", &["b"]),
            r("d", &[]),
            r("e", &["d"])
        ]),
        "Dependency cycle is detected in revisions (a, b, c)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]).depends_on(&["c"]),
            r("b", &["a"]),
            r("c", &["b"]),
            r("d", &["c"]),
            r("e", &["d"])
        ]),
        "Dependency cycle is detected in revisions (a, b, c, d, e)"
    );
    assert_eq!(
        build_error(vec![
            r("a", &[]),
            r("b", &["a"]),
            r("c", &["b"]).depends_on(&["e"]),
            r("d", &["c"]),
            r("e", &["d"])
        ]),
        "Dependency cycle is detected in revisions (a, b, c, d, e)"
    );
}

#[test]
fn broken_references_and_ids() {
    let (result, warnings) = RevisionMap::build(vec![r("0a0a0a0a0a02", &["ffffffffffff"])]);
    assert!(matches!(
        result,
        Err(GraphError::MissingDownRevision { .. })
    ));
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0].message_with_doc(Some("two")),
        "Revision ffffffffffff referenced from ffffffffffff -> 0a0a0a0a0a02 (head), two is not present"
    );
    assert!(matches!(
        RevisionMap::new(vec![r("a", &[]).depends_on(&["nosuch"])]),
        Err(GraphError::MissingDependency { .. })
    ));
    assert_eq!(
        build_error(vec![r("a@b", &[])]),
        "Character(s) '@' not allowed in revision identifier 'a@b'"
    );
    let (result, warnings) = RevisionMap::build(vec![r("a", &[]), r("a", &[]), r("b", &["a"])]);
    assert!(result.is_ok());
    assert_eq!(
        warnings[0].message(),
        "Revision a is present more than once"
    );
    // A label that collides with a revision id.
    assert_eq!(
        build_error(vec![r("abcd", &[]), r("b", &["abcd"]).labels(&["abcd"])]),
        "Branch name 'abcd' in revision b already used by revision abcd"
    );
}

// ----- NormalizedDownRevTest --------------------------------------------------

fn normalized() -> RevisionMap {
    build(vec![
        r("a1", &[]),
        r("a2", &["a1"]),
        r("a3", &["a2"]),
        r("b1", &[]),
        r("b2", &["b1"]).depends_on(&["a3"]),
        r("b3", &["b2"]),
        r("b4", &["b3"]).depends_on(&["a3"]),
        r("b5", &["b4"]).depends_on(&["b4"]),
    ])
}

#[test]
fn normalized_down_revisions() {
    let map = normalized();
    let b4 = map.revision("b4").map(|i| i.normalized_down_revisions());
    assert_eq!(b4, Some(strings(&["b3"])));
    let b5 = map.revision("b5").map(|i| i.normalized_down_revisions());
    assert_eq!(b5, Some(strings(&["b4"])));
    let down = Opts {
        downgrade: true,
        ..INCL
    };
    assert_iteration(
        &map,
        one("b4"),
        one("b1@base"),
        &["b4", "b3", "b2", "b1"],
        down,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("base"),
        &["b5", "b4", "b3", "b2", "b1", "a3", "a2", "a1"],
        down,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("a2"),
        &["b5", "b4", "b3", "b2", "a3", "a2"],
        down,
    );
    assert_iteration(
        &map,
        one("heads"),
        one("a2"),
        &["b5", "b4", "b3", "b2", "b1", "a3", "a2"],
        Opts {
            downgrade: true,
            implicit_base: true,
            ..INCL
        },
    );
    assert_iteration(
        &map,
        one("b5"),
        many(&["b1"]),
        &["b5", "b4", "b3", "b2", "b1", "a3", "a2", "a1"],
        Opts {
            implicit_base: true,
            ..INCL
        },
    );
    let map = build(vec![
        r("c1", &[]),
        r("a1", &[]),
        r("a2", &["a1"]).depends_on(&["c1"]),
        r("a3", &["a2"]).depends_on(&["c1"]),
        r("b1", &[]),
        r("b2", &["b1"]).depends_on(&["a3"]),
        r("b3", &["b2"]),
        r("b4", &["b3"]).depends_on(&["a3"]),
        r("b5", &["b4"]),
    ]);
    assert_iteration(
        &map,
        one("b5"),
        many(&["b1"]),
        &["b5", "b4", "b3", "b2", "b1", "a3", "a2", "a1", "c1"],
        Opts {
            implicit_base: true,
            ..INCL
        },
    );
}

// ----- test_version_traversal.py: RevisionPathTest ----------------------------

const A: &str = "e6239818bb3a";
const B: &str = "548bbb905360";
const C: &str = "b7ea43dc85e4";
const D: &str = "1bbe33445780";
const E: &str = "3975fb1a0125";

fn revision_path() -> RevisionMap {
    build(vec![
        r(A, &[]),
        r(B, &[A]),
        r(C, &[B]),
        r(D, &[C]),
        r(E, &[D]),
    ])
}

#[test]
fn revision_path_upgrades() {
    let map = revision_path();
    assert_downgrade(&map, "base", &[], &[], &[]);
    assert_downgrade(&map, A, &[A], &[], &[A]);
    assert_downgrade(&map, E, &[E], &[], &[E]);
    assert_upgrade(&map, E, &[C], &[D, E], &[E]);
    assert_upgrade(&map, C, &[], &[A, B, C], &[C]);
    assert_upgrade(&map, "+2", &[A], &[B, C], &[C]);
    assert_upgrade(&map, "+1", &[A], &[B], &[B]);
    assert_upgrade(&map, "+3", &[B], &[C, D, E], &[E]);
    assert_upgrade(&map, &format!("{B}+2"), &[A], &[B, C, D], &[D]);
    assert_upgrade(&map, &format!("{D}-2"), &[A], &[B], &[B]);
}

#[test]
fn revision_path_invalid_relative_upgrade() {
    let map = revision_path();
    assert_eq!(
        upgrade_error(&map, "-2", &[B]),
        "Relative revision -2 didn't produce 2 migrations"
    );
    assert_eq!(
        upgrade_error(&map, "+5", &[B]),
        "Relative revision +5 didn't produce 5 migrations"
    );
}

#[test]
fn revision_path_downgrades() {
    let map = revision_path();
    assert_downgrade(&map, C, &[E], &[E, D], &[C]);
    assert_downgrade(&map, "base", &[C], &[C, B, A], &[]);
    assert_downgrade(&map, "-1", &[C], &[C], &[B]);
    assert_downgrade(&map, "-3", &[E], &[E, D, C], &[B]);
    assert_downgrade(&map, &format!("{A}+2"), &[D], &[D], &[C]);
    assert_downgrade(&map, &format!("{C}-2"), &[D], &[D, C, B], &[A]);
}

#[test]
fn revision_path_invalid_downgrades() {
    let map = revision_path();
    assert_eq!(
        downgrade_error(&map, "-5", &[B]),
        "Relative revision -5 didn't produce 5 migrations"
    );
    assert_eq!(
        downgrade_error(&map, "+2", &[B]),
        "Relative revision +2 didn't produce 2 migrations"
    );
    assert_eq!(
        downgrade_error(&map, "548", &[]),
        "Destination 548 is not a valid downgrade target from current head(s)"
    );
    assert_eq!(
        downgrade_error(&map, "b7ea", &[B]),
        "Destination b7ea is not a valid downgrade target from current head(s)"
    );
}

#[test]
fn stamp_between_rows_and_empty_range_starts_are_errors_not_crashes() {
    let map = revision_path();
    // Rows below (A) and above (E) the target: Alembic's `assert not ancestors...` fails.
    let error = map
        .plan_stamp(&strings(&[C]), &strings(&[A, E]))
        .map_err(|e| e.message)
        .err()
        .unwrap_or_default();
    assert!(
        error.starts_with(&format!(
            "Can't stamp {C}: the version table has {A} below it and {E} above it"
        )),
        "{error}"
    );
    // One side only still stamps.
    assert_eq!(
        map.plan_stamp(&strings(&[C]), &strings(&[A]))
            .map(|s| s.len()),
        Ok(1)
    );
    // `:<end>` with --sql: `get_revision('')` fails an assertion in Alembic.
    let error = map
        .offline_start("")
        .map_err(|e| e.message)
        .err()
        .unwrap_or_default();
    assert!(
        error.starts_with("The range has no starting revision"),
        "{error}"
    );
    assert_eq!(
        map.offline_start("base").map_err(|e| e.message),
        Ok(Vec::new())
    );
}

#[test]
fn relative_symbols_below_a_base_resolve_to_none_for_show_and_edit() {
    let map = revision_path();
    assert_eq!(
        map.resolve_for_command("-2").map_err(|e| e.message),
        Ok(vec![Some(C.to_string())])
    );
    assert_eq!(
        map.resolve_for_command("-9").map_err(|e| e.message),
        Ok(vec![None])
    );
}

#[test]
fn revision_path_stamp_to_base() {
    let map = revision_path();
    let steps = map
        .plan_stamp(&strings(&["base"]), &strings(&[D]))
        .ok()
        .unwrap_or_default();
    assert_eq!(steps.len(), 1);
    let mut rows = strings(&[D]);
    assert_eq!(
        map.update_to_step(&mut rows, &steps[0]).ok(),
        Some(vec![RowChange::Delete(D.to_string())])
    );
    assert!(rows.is_empty());
}

// ----- BranchedPathTest --------------------------------------------------------

fn branched_path() -> RevisionMap {
    build(vec![
        r("a", &[]),
        r("b", &["a"]),
        r("c1", &["b"]).labels(&["c1branch"]),
        r("d1", &["c1"]),
        r("c2", &["b"]).labels(&["c2branch"]),
        r("d2", &["c2"]),
    ])
}

fn stamp_changes(
    map: &RevisionMap,
    destinations: &[&str],
    rows: &[&str],
) -> (Vec<Vec<RowChange>>, Vec<String>) {
    let steps = match map.plan_stamp(&strings(destinations), &strings(rows)) {
        Ok(steps) => steps,
        Err(e) => panic!("stamp {destinations:?} failed: {e}"),
    };
    let mut current = strings(rows);
    let mut all = Vec::new();
    for step in &steps {
        match map.update_to_step(&mut current, step) {
            Ok(changes) => all.push(changes),
            Err(e) => panic!("stamp step failed: {e}"),
        }
    }
    (all, current)
}

fn ins(s: &str) -> RowChange {
    RowChange::Insert(s.to_string())
}
fn del(s: &str) -> RowChange {
    RowChange::Delete(s.to_string())
}
fn upd(from: &str, to: &str) -> RowChange {
    RowChange::Update {
        from: from.to_string(),
        to: to.to_string(),
    }
}

#[test]
fn branched_path_stamps() {
    let map = branched_path();
    let (changes, rows) = stamp_changes(&map, &["b"], &["d1", "c2"]);
    assert_eq!(changes, vec![vec![del("d1"), upd("c2", "b")]]);
    assert_eq!(rows, strings(&["b"]));
    let (changes, _) = stamp_changes(&map, &["c1branch@base"], &["d1", "c2"]);
    assert_eq!(changes, vec![vec![del("d1")]]);
    let (changes, _) = stamp_changes(&map, &["c2branch@head"], &["d1", "c2"]);
    assert_eq!(changes, vec![vec![upd("c2", "d2")]]);
}

#[test]
fn branched_path_upgrades_and_downgrades() {
    let map = branched_path();
    assert_upgrade(&map, "d1", &["b"], &["c1", "d1"], &["d1"]);
    // `_upgrade_revs((d1, d2), a)` takes a tuple destination: iterate directly.
    let order = iterate(
        &map,
        many(&["d1", "d2"]),
        many(&["a"]),
        Opts {
            exclusive: true,
            implicit_base: true,
            ..INCL
        },
    )
    .unwrap_or_default();
    assert_eq!(
        order.into_iter().rev().collect::<Vec<_>>(),
        strings(&["b", "c2", "d2", "c1", "d1"])
    );
    assert_downgrade(
        &map,
        "a",
        &["d1", "d2"],
        &["d1", "c1", "d2", "c2", "b"],
        &["a"],
    );
    assert_upgrade(&map, "c2branch@head-1", &["b"], &["c2"], &["c2"]);
    assert_downgrade(
        &map,
        "base+2",
        &["d2", "d1"],
        &["d1", "c1", "d2", "c2"],
        &["b"],
    );
    assert_downgrade(
        &map,
        "c2branch@base+2",
        &["d2", "d1"],
        &["d2", "c2"],
        &["d1"],
    );
    assert_downgrade(&map, "c2", &["d2", "d1"], &["d2"], &["d1", "c2"]);
    assert_downgrade(
        &map,
        "c2branch@base+3",
        &["d2", "d1"],
        &["d2"],
        &["d1", "c2"],
    );
}

#[test]
fn branched_path_downgrade_once() {
    let map = branched_path();
    assert_downgrade(&map, "-1", &["d2", "d1"], &["d2"], &["d1", "c2"]);
    assert_downgrade(&map, "-1", &["c2", "d1"], &["c2"], &["d1"]);
    assert_downgrade(&map, "-1", &["d1", "d2"], &["d1"], &["d2", "c1"]);
    assert_downgrade(&map, "-1", &["c1", "d2"], &["c1"], &["d2"]);
    let plan = map
        .plan_downgrade("-1", &strings(&["c1", "d2"]))
        .unwrap_or_default();
    assert_eq!(
        plan.warnings,
        vec![GraphWarning::AmbiguousRelativeDowngrade]
    );
    assert_downgrade(&map, "c1branch@-1", &["d1", "d2"], &["d1"], &["c1", "d2"]);
    assert_downgrade(&map, "d2-1", &["d2", "c1"], &["d2"], &["c1", "c2"]);
    assert_downgrade(&map, "d2-1", &["c1", "d2"], &["d2"], &["c1", "c2"]);
}

#[test]
fn branched_path_single_branch_downgrades() {
    let map = branched_path();
    assert_downgrade(&map, "c1branch@b", &["c1", "d2"], &["c1"], &["d2"]);
    assert_downgrade(&map, "c2branch@b", &["c1", "d2"], &["d2", "c2"], &["c1"]);
    assert_downgrade(&map, "c2@b", &["d1", "d2"], &["d2", "c2"], &["d1"]);
    assert_downgrade(&map, "d1@b", &["d1", "d2"], &["d1", "c1"], &["d2"]);
    assert_downgrade(
        &map,
        "c1branch@head-1",
        &["d1", "d2"],
        &["d1"],
        &["c1", "d2"],
    );
}

#[test]
fn branched_path_relative_upgrades() {
    let map = branched_path();
    assert_upgrade(&map, "c2branch@+1", &["c1"], &["c2"], &["c1", "c2"]);
    assert_upgrade(&map, "c2branch@+1", &["c1", "c2"], &["d2"], &["c1", "d2"]);
    assert_eq!(
        upgrade_error(&map, "+1", &["c1", "c2"]),
        "Ambiguous upgrade from multiple current revisions"
    );
    assert_upgrade(&map, "base+1", &[], &["a"], &["a"]);
    assert_upgrade(&map, "+1", &[], &["a"], &["a"]);
    assert_downgrade(&map, "-1", &["a"], &["a"], &[]);
    assert_eq!(
        downgrade_error(&map, "-1", &[]),
        "Relative revision -1 didn't produce 1 migrations"
    );
    assert_downgrade(&map, "c2", &["d1", "c2"], &[], &["d1", "c2"]);
    assert_downgrade(&map, "d1", &["d1", "c2"], &[], &["d1", "c2"]);
}

// ----- BranchFromMergepoint / 3-way -----------------------------------------

#[test]
fn branch_from_mergepoint() {
    let map = build(vec![
        r("a1", &[]),
        r("b1", &["a1"]),
        r("c1", &["b1"]),
        r("a2", &[]),
        r("b2", &["a2"]),
        r("c2", &["b2"]),
        r("d1", &["c1", "c2"]),
        r("d2", &["c2"]),
    ]);
    assert_upgrade(&map, "d1", &["d2", "b1"], &["c1", "d1"], &["d2", "d1"]);
    assert_downgrade(&map, "b1", &["d2", "d1"], &["d1", "c1"], &["d2", "b1"]);
}

#[test]
fn branch_from_three_way_mergepoint() {
    let map = build(vec![
        r("a1", &[]),
        r("b1", &["a1"]),
        r("c1", &["b1"]),
        r("a2", &[]),
        r("b2", &["a2"]),
        r("c2", &["b2"]),
        r("a3", &[]),
        r("b3", &["a3"]),
        r("c3", &["b3"]),
        r("d1", &["c1", "c2", "c3"]),
        r("d2", &["c2"]),
        r("d3", &["c3"]),
    ]);
    assert_upgrade(
        &map,
        "d1",
        &["d3", "d2", "b1"],
        &["c1", "d1"],
        &["d3", "d2", "d1"],
    );
    assert_downgrade(
        &map,
        "b1",
        &["d3", "d2", "d1"],
        &["d1", "c1"],
        &["d3", "d2", "b1"],
    );
    assert_upgrade(
        &map,
        "d1",
        &["d3", "b2", "b1"],
        &["c2", "c1", "d1"],
        &["d3", "d1"],
    );
    assert_upgrade(&map, "d2", &["d3", "d1"], &["d2"], &["d3", "d2", "d1"]);
}

// ----- TwinMergeTest / NotQuiteTwinMergeTest ---------------------------------

fn replay_upgrades(map: &RevisionMap, start: &[&str], expected: &[(&str, &[&str])]) {
    let mut rows = strings(start);
    for (revision, heads) in expected {
        let step = MigrationStep {
            kind: StepKind::Upgrade,
            revision: Some(revision.to_string()),
            from_revisions: Vec::new(),
            to_revisions: Vec::new(),
        };
        if let Err(e) = map.update_to_step(&mut rows, &step) {
            panic!("step {revision} failed: {e}");
        }
        assert_eq!(
            sorted(rows.clone()),
            sorted(strings(heads)),
            "after {revision}"
        );
    }
}

#[test]
fn twin_merge() {
    let map = build(vec![
        r("a", &[]),
        r("b1", &["a"]),
        r("b2", &["a"]),
        r("b3", &["a"]),
        r("c1", &["b1", "b2", "b3"]),
        r("c2", &["b1", "b2", "b3"]),
        r("d1", &["c1"]),
        r("d2", &["c2"]),
    ]);
    replay_upgrades(
        &map,
        &["a"],
        &[
            ("b3", &["b3"]),
            ("b1", &["b1", "b3"]),
            ("b2", &["b1", "b2", "b3"]),
            ("c2", &["c2"]),
            ("d2", &["d2"]),
            ("c1", &["c1", "d2"]),
            ("d1", &["d1", "d2"]),
        ],
    );
}

#[test]
fn not_quite_twin_merge() {
    let map = build(vec![
        r("a", &[]),
        r("b1", &["a"]),
        r("b2", &["a"]),
        r("b3", &["a"]),
        r("c1", &["b1", "b2"]),
        r("c2", &["b2", "b3"]),
        r("d1", &["c1"]),
        r("d2", &["c2"]),
    ]);
    replay_upgrades(
        &map,
        &["a"],
        &[
            ("b2", &["b2"]),
            ("b3", &["b2", "b3"]),
            ("c2", &["c2"]),
            ("d2", &["d2"]),
            ("b1", &["b1", "d2"]),
            ("c1", &["c1", "d2"]),
            ("d1", &["d1", "d2"]),
        ],
    );
}

// ----- DependsOnBranch tests ----------------------------------------------------

#[test]
fn depends_on_branch_one() {
    let map = build(vec![
        r("a1", &[]).labels(&["lib1"]),
        r("b1", &["a1"]),
        r("c1", &["b1"]),
        r("a2", &[]),
        r("b2", &["a2"]),
        r("c2", &["b2"]).depends_on(&["c1"]),
        r("d1", &["c1"]),
        r("e1", &["d1"]),
        r("f1", &["e1"]),
    ]);
    let mut rows = strings(&["c2", "d1"]);
    let step = MigrationStep {
        kind: StepKind::Downgrade,
        revision: Some("d1".to_string()),
        from_revisions: Vec::new(),
        to_revisions: Vec::new(),
    };
    assert_eq!(
        map.update_to_step(&mut rows, &step).ok(),
        Some(vec![del("d1")])
    );
    assert_eq!(rows, strings(&["c2"]));
    let (_, rows) = stamp_changes(&map, &["b1"], &["e1", "c2"]);
    assert_eq!(rows, strings(&["b1"]));
}

#[test]
fn depends_on_branch_two_kaboom() {
    let map = build(vec![
        r("a1", &[]),
        r("a2", &[]),
        r("a3", &[]),
        r("amerge", &["a1", "a2", "a3"]),
        r("b1", &[]),
        r("b2", &[]),
        r("bmerge", &["b1", "b2"]),
        r("c1", &[]),
        r("c2", &[]),
        r("c3", &[]),
        r("cmerge", &["c1", "c2", "c3"]),
        r("d1", &[]).depends_on(&["a3", "b2", "c1"]),
    ]);
    assert_downgrade(
        &map,
        "b2",
        &["amerge", "bmerge", "cmerge", "d1"],
        &["bmerge"],
        &["amerge", "b1", "cmerge", "d1"],
    );
    assert_downgrade(
        &map,
        "d1@base",
        &["amerge", "d1", "b1", "cmerge"],
        &["d1"],
        &["amerge", "b1", "b2", "cmerge"],
    );
    assert_downgrade(
        &map,
        "base",
        &["amerge", "b1", "b2", "cmerge"],
        &[
            "amerge", "a1", "b1", "b2", "cmerge", "c1", "a2", "a3", "c2", "c3",
        ],
        &[],
    );
}

#[test]
fn depends_on_branch_three_crisscross() {
    let map = build(vec![
        r("a1", &[]),
        r("a2", &["a1"]),
        r("b1", &[]),
        r("b2", &["b1"]).depends_on(&["a2"]),
        r("b3", &["b2"]),
        r("a3", &["a2"]).depends_on(&["b1"]),
    ]);
    assert_downgrade(&map, "b1", &["a3", "b2"], &["b2"], &["a3"]);
}

#[test]
fn depends_on_own_downrev() {
    let map = build(vec![r("a1", &[]), r("a2", &["a1"]).depends_on(&["a1"])]);
    assert_upgrade(&map, "a2", &[], &["a1", "a2"], &["a2"]);
    assert_downgrade(&map, "a1", &["a2"], &["a2"], &["a1"]);
}

#[test]
fn depends_on_branch_four_normalized() {
    let map = build(vec![
        r("a1", &[]),
        r("a2", &["a1"]),
        r("a3", &["a2"]),
        r("b1", &[]),
        r("b2", &["b1"]).depends_on(&["a3"]),
        r("b3", &["b2"]),
        r("b4", &["b3"]).depends_on(&["a3"]),
    ]);
    assert_downgrade(&map, "b3", &["b4"], &["b4"], &["b3"]);
}

#[test]
fn depends_on_branch_five() {
    let map = build(vec![
        r("a1", &[]),
        r("b1", &[]).depends_on(&["a1"]),
        r("bmerge", &["a1", "b1"]),
    ]);
    assert_upgrade(&map, "b1", &["a1"], &["b1"], &["b1"]);
    assert_upgrade(&map, "bmerge", &["b1"], &["bmerge"], &["bmerge"]);
    assert_downgrade(&map, "a1", &["bmerge"], &["bmerge"], &["b1"]);
    assert_downgrade(&map, "b1", &["bmerge"], &["bmerge"], &["b1"]);
}

#[test]
fn depends_on_branch_label() {
    let map = build(vec![
        r("a1", &[]).labels(&["lib1"]),
        r("b1", &["a1"]),
        r("c1", &["b1"]).labels(&["c1lib"]),
        r("a2", &[]),
        r("b2", &["a2"]),
        r("c2", &["b2"]).depends_on(&["c1lib"]),
        r("d1", &["c1"]),
        r("e1", &["d1"]),
        r("f1", &["e1"]),
    ]);
    assert_upgrade(
        &map,
        "c2",
        &["a2"],
        &["a1", "b1", "c1", "b2", "c2"],
        &["c2"],
    );
}

#[test]
fn branched_path_cross_dependencies() {
    let map = build(vec![
        r("a", &[]),
        r("b", &["a"]),
        r("c1", &["b"]).labels(&["c1branch"]),
        r("d1", &["c1"]),
        r("c2", &["b"]).labels(&["c2branch"]),
        r("d2", &["c2"]).depends_on(&["c1"]),
    ]);
    assert_downgrade(&map, "c2branch@b", &["d1", "d2"], &["d2", "c2"], &["d1"]);
    let plan = map
        .plan_downgrade("c1branch@b", &strings(&["d1", "d2"]))
        .unwrap_or_default();
    let ids = plan.revisions();
    assert_eq!(sorted(ids.clone()), strings(&["c1", "d1", "d2"]));
    let pos = |s: &str| ids.iter().position(|x| x == s).unwrap_or(usize::MAX);
    assert!(pos("d1") < pos("c1") && pos("d2") < pos("c1"));
    let mut rows = strings(&["d1", "d2"]);
    for step in &plan.steps {
        assert!(map.update_to_step(&mut rows, step).is_ok());
    }
    assert_eq!(rows, strings(&["c2"]));
}

// ----- ForestTest / MergedPathTest -----------------------------------------------

#[test]
fn forest() {
    let map = build(vec![
        r("a1", &[]),
        r("b1", &["a1"]),
        r("a2", &[]),
        r("b2", &["a2"]),
    ]);
    assert_upgrade(&map, "heads", &[], &["a2", "b2", "a1", "b1"], &["b1", "b2"]);
    let steps = map
        .plan_stamp(&strings(&["heads"]), &[])
        .unwrap_or_default();
    assert_eq!(steps.len(), 2);
    let targets: Vec<Vec<String>> = steps.iter().map(|s| s.to_revisions.clone()).collect();
    assert_eq!(targets, vec![strings(&["b1"]), strings(&["b2"])]);
    assert!(map
        .plan_stamp(&strings(&["heads"]), &strings(&["b1", "b2"]))
        .unwrap_or_default()
        .is_empty());
}

fn merged_path() -> RevisionMap {
    build(vec![
        r("a", &[]),
        r("b", &["a"]),
        r("c1", &["b"]),
        r("d1", &["c1"]),
        r("c2", &["b"]).labels(&["c2branch"]),
        r("d2", &["c2"]),
        r("e", &["d1", "d2"]),
        r("f", &["e"]),
    ])
}

#[test]
fn merged_path_stamps() {
    let map = merged_path();
    assert_eq!(
        stamp_changes(&map, &["c2"], &["e"]).0,
        vec![vec![upd("e", "c2")]]
    );
    assert_eq!(
        stamp_changes(&map, &["a"], &["e"]).0,
        vec![vec![upd("e", "a")]]
    );
    assert_eq!(
        stamp_changes(&map, &["e"], &["c2"]).0,
        vec![vec![upd("c2", "e")]]
    );
    assert_eq!(
        stamp_changes(&map, &["c2branch@head"], &["d1", "c2"]).0,
        vec![vec![del("d1"), upd("c2", "f")]]
    );
    assert_eq!(
        stamp_changes(&map, &["e"], &["d1", "c2"]).0,
        vec![vec![del("d1"), upd("c2", "e")]]
    );
    assert_eq!(
        stamp_changes(&map, &["e"], &["b"]).0,
        vec![vec![upd("b", "e")]]
    );
}

#[test]
fn merged_path_upgrade_downgrade() {
    let map = merged_path();
    assert_upgrade(
        &map,
        "f",
        &["b"],
        &["c2", "d2", "c1", "d1", "e", "f"],
        &["f"],
    );
    assert_downgrade(
        &map,
        "b",
        &["f"],
        &["f", "e", "d1", "c1", "d2", "c2"],
        &["b"],
    );
    // Row changes across the merge point, both directions.
    let plan = map.plan_upgrade("f", &strings(&["b"])).unwrap_or_default();
    let mut rows = strings(&["b"]);
    let changes: Vec<Vec<RowChange>> = plan
        .steps
        .iter()
        .map(|s| map.update_to_step(&mut rows, s).unwrap_or_default())
        .collect();
    assert_eq!(
        changes,
        vec![
            vec![upd("b", "c2")],
            vec![upd("c2", "d2")],
            vec![ins("c1")],
            vec![upd("c1", "d1")],
            vec![del("d1"), upd("d2", "e")],
            vec![upd("e", "f")],
        ]
    );
    let plan = map
        .plan_downgrade("b", &strings(&["f"]))
        .unwrap_or_default();
    let mut rows = strings(&["f"]);
    let changes: Vec<Vec<RowChange>> = plan
        .steps
        .iter()
        .map(|s| map.update_to_step(&mut rows, s).unwrap_or_default())
        .collect();
    assert_eq!(
        changes,
        vec![
            vec![upd("f", "e")],
            vec![ins("d1"), upd("e", "d2")],
            vec![upd("d1", "c1")],
            vec![del("c1")],
            vec![upd("d2", "c2")],
            vec![upd("c2", "b")],
        ]
    );
}

// ----- the measured `pg` project (reference §2.5-2.11, §3.6, §5) -------------

const R1000: &str = "1000aaaa0001";
const R2000: &str = "2000bbbb0002";
const R3000: &str = "3000cccc0003";
const R4000: &str = "4000dddd0004";
const R5000: &str = "5000eeee0005";
const R6000: &str = "6000ffff0006";
const R7000: &str = "7000abab0007";
const R8000: &str = "8000cdcd0008";
const R9000: &str = "9000aaaa0009";
const R9100: &str = "9100bbbb0010";

/// The pg project with its first `count` revision files (in file order).
fn pg(count: usize) -> RevisionMap {
    let all = vec![
        r(R1000, &[]),
        r(R2000, &[R1000]),
        r(R3000, &[R2000]),
        r(R4000, &[R2000]),
        r(R5000, &[R3000, R4000]),
        r(R6000, &[]).labels(&["feature"]),
        r(R7000, &[R6000]),
        r(R8000, &[R7000]).depends_on(&[R3000]),
        r(R9000, &[]).labels(&["lib"]),
        r(R9100, &[R5000]).depends_on(&["lib"]),
    ];
    build(all.into_iter().take(count).collect())
}

#[test]
fn pg_upgrade_heads_order() {
    // §3.6: B before A, deterministically.
    assert_upgrade(
        &pg(5),
        "heads",
        &[],
        &[R1000, R2000, R4000, R3000, R5000],
        &[R5000],
    );
    assert_downgrade(&pg(5), "2000", &[R5000], &[R5000, R3000, R4000], &[R2000]);
    // With the later 9100 head the same sub-graph comes out differently.
    let order = pg(10).history(None, &[]).unwrap_or_default();
    assert_eq!(
        order,
        strings(&[R8000, R7000, R6000, R9100, R5000, R4000, R3000, R2000, R1000, R9000])
    );
}

#[test]
fn pg_upgrade_heads_from_2000_and_7000() {
    let map = pg(8);
    let plan = map
        .plan_upgrade("heads", &strings(&[R2000, R7000]))
        .unwrap_or_default();
    assert_eq!(plan.revisions(), strings(&[R4000, R3000, R8000, R5000]));
}

#[test]
fn pg_row_changes_transcript() {
    // §5.3 `upgrade heads` from {2000}.
    let map = pg(5);
    let plan = map
        .plan_upgrade("heads", &strings(&[R2000]))
        .unwrap_or_default();
    let mut rows = strings(&[R2000]);
    let changes: Vec<Vec<RowChange>> = plan
        .steps
        .iter()
        .map(|s| map.update_to_step(&mut rows, s).unwrap_or_default())
        .collect();
    assert_eq!(
        changes,
        vec![
            vec![upd(R2000, R4000)],
            vec![ins(R3000)],
            vec![del(R3000), upd(R4000, R5000)]
        ]
    );
    assert_eq!(
        plan.steps[2].short_log(),
        format!("upgrade {R3000}, {R4000} -> {R5000}")
    );
    // `downgrade 2000` from {3000, 4000}.
    let plan = map
        .plan_downgrade(R2000, &strings(&[R3000, R4000]))
        .unwrap_or_default();
    let mut rows = strings(&[R3000, R4000]);
    let changes: Vec<Vec<RowChange>> = plan
        .steps
        .iter()
        .map(|s| map.update_to_step(&mut rows, s).unwrap_or_default())
        .collect();
    assert_eq!(changes, vec![vec![del(R3000)], vec![upd(R4000, R2000)]]);
    // Offline unmerge `downgrade 5000:1000 --sql`.
    let start = map.offline_start("5000").unwrap_or_default();
    assert_eq!(start, strings(&[R5000]));
    let plan = map.plan_downgrade("1000", &start).unwrap_or_default();
    let mut rows = start.clone();
    let changes: Vec<Vec<RowChange>> = plan
        .steps
        .iter()
        .map(|s| map.update_to_step(&mut rows, s).unwrap_or_default())
        .collect();
    assert_eq!(
        changes,
        vec![
            vec![ins(R3000), upd(R5000, R4000)],
            vec![del(R3000)],
            vec![upd(R4000, R2000)],
            vec![upd(R2000, R1000)],
        ]
    );
    assert_eq!(
        plan.steps[0].short_log(),
        format!("downgrade {R5000} -> {R3000}, {R4000}")
    );
}

#[test]
fn pg_life_cycle_rows() {
    // §5.4, with the scripts present at each stage.
    let mut rows: Vec<String> = Vec::new();
    let run = |map: &RevisionMap, rows: &mut Vec<String>, plan: Result<Plan, CommandError>| {
        let plan = match plan {
            Ok(plan) => plan,
            Err(e) => panic!("plan failed: {e}"),
        };
        for step in &plan.steps {
            if let Err(e) = map.update_to_step(rows, step) {
                panic!("{e}");
            }
        }
    };
    let map = pg(4);
    let planned = map.plan_upgrade("3000", &rows);
    run(&map, &mut rows, planned);
    assert_eq!(rows, strings(&[R3000]));
    let planned = map.plan_upgrade("heads", &rows);
    run(&map, &mut rows, planned);
    assert_eq!(rows, strings(&[R3000, R4000]));
    let map = pg(5);
    let planned = map.plan_upgrade("heads", &rows);
    run(&map, &mut rows, planned);
    assert_eq!(rows, strings(&[R5000]));
    let planned = map.plan_downgrade("3000", &rows);
    run(&map, &mut rows, planned);
    assert_eq!(rows, strings(&[R4000, R3000]));
    let map = pg(8);
    let planned = map.plan_upgrade("feature@+1", &rows);
    run(&map, &mut rows, planned);
    assert_eq!(rows, strings(&[R4000, R3000, R6000]));
    let planned = map.plan_upgrade("feature@head", &rows);
    run(&map, &mut rows, planned);
    assert_eq!(rows, strings(&[R4000, R8000]));
    let planned = map.plan_upgrade("heads", &rows);
    run(&map, &mut rows, planned);
    assert_eq!(rows, strings(&[R5000, R8000]));
    // `downgrade 2000` from {5000, 8000}.
    let plan = map.plan_downgrade("2000", &rows).unwrap_or_default();
    assert_eq!(plan.revisions(), strings(&[R5000, R8000, R3000, R4000]));
    assert_eq!(
        plan.steps[1].short_log(),
        format!("downgrade {R8000} -> {R7000}")
    );
    let mut after = rows.clone();
    run(&map, &mut after, Ok(plan));
    assert_eq!(sorted(after), strings(&[R2000, R7000]));
    let planned = map.plan_downgrade("base", &rows);
    run(&map, &mut rows, planned);
    assert!(rows.is_empty());
}

#[test]
fn pg_lib_downgrade_and_dependency_upgrade() {
    let map = pg(10);
    let plan = map
        .plan_downgrade("lib@base", &strings(&[R8000, R9100]))
        .unwrap_or_default();
    assert_eq!(plan.revisions(), strings(&[R9100, R9000]));
    assert_eq!(plan.steps[1].short_log(), format!("downgrade {R9000} -> "));
    // Upgrading to 9100 first runs the lib root from a separate base.
    let plan = map
        .plan_upgrade(R9100, &strings(&[R5000]))
        .unwrap_or_default();
    assert_eq!(plan.revisions(), strings(&[R9000, R9100]));
    assert_eq!(plan.steps[0].short_log(), format!("upgrade  -> {R9000}"));
}

#[test]
fn pg_heads_and_markers() {
    let map = pg(10);
    assert_eq!(map.heads(), strings(&[R8000, R9000, R9100]));
    assert_eq!(map.real_heads(), strings(&[R8000, R9100]));
    assert_eq!(map.effective_heads(), strings(&[R9000]));
    let heads_line = |id: &str| {
        map.revision(id)
            .map(|i| format!("{}{}", i.id(), i.head_only_markers(true, false, false)))
    };
    assert_eq!(
        heads_line(R8000).as_deref(),
        Some("8000cdcd0008 (feature) (head)")
    );
    assert_eq!(
        heads_line(R9000).as_deref(),
        Some("9000aaaa0009 (lib) (effective head)")
    );
    let history_line =
        |id: &str, current: bool| map.revision(id).map(|i| i.history_line_prefix(current));
    assert_eq!(
        history_line(R8000, true).as_deref(),
        Some("7000abab0007 (3000cccc0003) -> 8000cdcd0008 (feature) (head) (current)")
    );
    assert_eq!(
        history_line(R7000, false).as_deref(),
        Some("6000ffff0006 -> 7000abab0007 (feature)")
    );
    assert_eq!(
        history_line(R9100, false).as_deref(),
        Some("5000eeee0005 (lib) -> 9100bbbb0010 (head)")
    );
    assert_eq!(
        history_line(R5000, false).as_deref(),
        Some("3000cccc0003, 4000dddd0004 -> 5000eeee0005 (mergepoint)")
    );
    assert_eq!(
        history_line(R2000, false).as_deref(),
        Some("1000aaaa0001 -> 2000bbbb0002 (branchpoint)")
    );
    assert_eq!(
        history_line(R1000, false).as_deref(),
        Some("<base> -> 1000aaaa0001")
    );
    assert_eq!(
        map.revision(R5000)
            .map(|i| i.log_entry_header(false))
            .as_deref(),
        Some("Rev: 5000eeee0005 (mergepoint)")
    );
    assert_eq!(
        map.revision(R9000)
            .map(|i| i.log_entry_header(false))
            .as_deref(),
        Some("Rev: 9000aaaa0009 (head)")
    );
}

#[test]
fn pg_current_display() {
    let display = |map: &RevisionMap, rows: &[&str]| -> Vec<String> {
        map.current_display(&strings(rows))
            .unwrap_or_default()
            .iter()
            .filter_map(|id| {
                map.revision(id)
                    .map(|i| format!("{id}{}", i.head_only_markers(false, false, true)))
            })
            .collect()
    };
    // Alembic prints these in set order; we print load order.
    assert_eq!(
        display(&pg(4), &[R3000, R4000]),
        strings(&["3000cccc0003 (head)", "4000dddd0004 (head)"])
    );
    assert_eq!(
        display(&pg(5), &[R5000]),
        strings(&["5000eeee0005 (head) (mergepoint)"])
    );
    assert_eq!(
        display(&pg(8), &[R4000, R8000]),
        strings(&["3000cccc0003", "4000dddd0004", "8000cdcd0008 (head)"])
    );
    assert_eq!(
        display(&pg(10), &[R8000, R9100]),
        strings(&[
            "8000cdcd0008 (head)",
            "9000aaaa0009 (effective head)",
            "9100bbbb0010 (head)"
        ])
    );
    assert_eq!(
        pg(10)
            .current_display(&strings(&["deadbeef0000"]))
            .map_err(|e| e.message),
        Err("Can't locate revision identified by 'deadbeef0000'".to_string())
    );
    assert!(pg(5).check_heads(&strings(&[R5000])).is_ok());
    assert_eq!(
        pg(5).check_heads(&strings(&[R3000])).map_err(|e| e.message),
        Err("Database is not on all head revisions".to_string())
    );
}

#[test]
fn pg_stamps() {
    let map = pg(8);
    let steps = map
        .plan_stamp(&strings(&["2000"]), &strings(&[R5000, R8000]))
        .unwrap_or_default();
    assert_eq!(steps.len(), 1);
    assert_eq!(
        steps[0].short_log(),
        format!("stamp_revision {R5000}, {R8000} -> {R2000}")
    );
    assert_eq!(
        stamp_changes(&map, &["2000"], &[R5000, R8000]).0,
        vec![vec![del(R5000), upd(R8000, R2000)]]
    );
    let (changes, rows) = stamp_changes(&map, &["heads"], &[R2000]);
    assert_eq!(changes, vec![vec![upd(R2000, R5000)], vec![ins(R8000)]]);
    assert_eq!(rows, strings(&[R5000, R8000]));
    let steps = map
        .plan_stamp(&strings(&["base"]), &strings(&[R3000]))
        .unwrap_or_default();
    assert_eq!(steps[0].short_log(), format!("stamp_revision {R3000} -> "));
    let steps = map
        .plan_stamp(&strings(&["3000", "4000", "6000"]), &[])
        .unwrap_or_default();
    let logs: Vec<String> = steps.iter().map(|s| s.short_log()).collect();
    assert_eq!(
        logs,
        vec![
            format!("stamp_revision  -> {R3000}"),
            format!("stamp_revision  -> {R4000}"),
            format!("stamp_revision  -> {R6000}")
        ]
    );
    let (changes, rows) = stamp_changes(&map, &["3000", "2000"], &[R3000, R4000, R6000]);
    assert_eq!(changes, vec![vec![del(R3000), upd(R4000, R2000)]]);
    assert_eq!(rows, strings(&[R2000, R6000]));
    assert_eq!(
        map.plan_stamp(&strings(&["head"]), &[])
            .map_err(|e| e.message),
        Err("Multiple heads are present; please specify a single target revision".to_string())
    );
    // Upstream KeyError crash (§11 #1) becomes an error before anything runs.
    let error = map.plan_stamp(&strings(&["3000", "4000"]), &strings(&[R5000, R8000]));
    assert!(error
        .map_err(|e| e.message)
        .err()
        .unwrap_or_default()
        .starts_with("Can't stamp 3000, 4000 in one command"));
    let duplicate = map.plan_stamp(&strings(&["3000", "3000"]), &[]);
    assert!(duplicate
        .map_err(|e| e.message)
        .err()
        .unwrap_or_default()
        .starts_with("Can't stamp 3000, 3000 in one command"));
    // Offline stamps.
    let start = map.offline_start("2000").unwrap_or_default();
    assert_eq!(
        stamp_changes(&map, &["5000"], &[R2000]).0,
        vec![vec![upd(R2000, R5000)]]
    );
    assert_eq!(start, strings(&[R2000]));
    assert_eq!(
        stamp_changes(&map, &["base"], &[R5000]).0,
        vec![vec![del(R5000)]]
    );
    let (changes, _) = stamp_changes(&map, &["3000", "2000"], &[]);
    assert_eq!(changes, vec![vec![ins(R3000)], vec![ins(R2000)]]);
    assert_eq!(
        map.plan_stamp(&strings(&["heads"]), &strings(&["deadbeef0000"]))
            .map_err(|e| e.message),
        Err("Can't locate revision identified by 'deadbeef0000'".to_string())
    );
}

#[test]
fn pg_resolution_cli_texts() {
    let map = pg(10);
    let cli = |s: &str| {
        map.resolve_for_command(s)
            .map(|ids| ids.into_iter().flatten().collect::<Vec<_>>())
            .map_err(|e| e.message)
    };
    assert_eq!(cli("feat"), Ok(strings(&[R6000])));
    assert_eq!(
        cli("li"),
        Err("Can't locate revision identified by 'li'".to_string())
    );
    assert_eq!(
        cli("9"),
        Err("Can't locate revision identified by '9'".to_string())
    );
    assert_eq!(cli("feature"), Ok(strings(&[R6000])));
    assert_eq!(cli("feature@head"), Ok(strings(&[R8000])));
    assert_eq!(cli("base"), Ok(vec![]));
    assert_eq!(
        cli("1975:27c6"),
        Err("Can't locate revision identified by '1975:27c6'".to_string())
    );
    assert_eq!(
        map.plan_upgrade("head", &[]).map_err(|e| e.message),
        Err("Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads".to_string())
    );
    assert_eq!(
        upgrade_error(&map, "nosuch@head", &[]),
        "Can't locate revision identified by 'nosuch'"
    );
    assert_eq!(
        upgrade_error(&map, "feature@3000", &[]),
        "Can't locate revision identified by '3000'"
    );
    assert_eq!(
        upgrade_error(&map, "deadbeef0000", &[]),
        "Can't locate revision identified by 'deadbeef0000'"
    );
    assert_eq!(
        upgrade_error(&map, "heads", &["deadbeef0000"]),
        "Can't locate revision identified by 'deadbeef0000'"
    );
    assert_eq!(
        upgrade_error(&map, "+1", &[R3000, R4000, R6000]),
        "Ambiguous upgrade from multiple current revisions"
    );
    assert_eq!(
        downgrade_error(&pg(8), "4000", &[R3000]),
        "Destination 4000 is not a valid downgrade target from current head(s)"
    );
    assert_eq!(downgrade_error(&pg(5), "-1", &[R5000]), "Ambiguous walk");
    let plan = pg(8)
        .plan_downgrade("-1", &strings(&[R3000, R4000, R6000]))
        .unwrap_or_default();
    assert_eq!(plan.revisions(), strings(&[R3000]));
    assert_eq!(plan.warnings.len(), 1);
    assert_eq!(
        plan.warnings[0].message(),
        "downgrade -1 from multiple heads is ambiguous; this usage will be disallowed in a future release."
    );
    // Python prints the warning when it is issued, so it comes with the error as well.
    let error = pg(8)
        .plan_downgrade("-9", &strings(&[R3000, R4000, R6000]))
        .unwrap_err();
    assert_eq!(
        error.message,
        "Relative revision -9 didn't produce 9 migrations"
    );
    assert_eq!(
        error.warnings,
        vec![GraphWarning::AmbiguousRelativeDowngrade]
    );
}

#[test]
fn ambiguous_prefixes() {
    let map = build(vec![
        r("abc123000001", &[]),
        r("abc123000002", &["abc123000001"]),
        r("abd999000003", &["abc123000002"]),
    ]);
    let internal = |s: &str| map.get_revision(s).map_err(|e| e.message());
    assert_eq!(
        internal("abc"),
        Err("Multiple revisions start with 'abc': 'abc123000001', 'abc123000002'...".to_string())
    );
    assert_eq!(internal("abd"), Ok(Some("abd999000003".to_string())));
    assert_eq!(
        internal("abc123000002"),
        Ok(Some("abc123000002".to_string()))
    );
    assert_eq!(
        internal("zz"),
        Err("No such revision or branch 'zz'; please ensure at least four characters are present for partial revision identifier matches".to_string())
    );
    for ident in ["abc", "ab", "abc1230", "zzz"] {
        assert_eq!(
            map.plan_upgrade(ident, &[]).map_err(|e| e.message),
            Err(format!("Can't locate revision identified by '{ident}'"))
        );
    }
}

// ----- the linear p1 chain: upgrade/downgrade texts and history ranges --------

const P1: &str = "1975ea83b712";
const P2: &str = "ae1027a6acf0";
const P3: &str = "27c6a30d7c24";
const P4: &str = "4e5d6c7b8a90";
const P5: &str = "5f6e7d8c9b01";

fn p1() -> RevisionMap {
    build(vec![
        r(P1, &[]),
        r(P3, &[P2]),
        r(P4, &[P3]),
        r(P5, &[P4]),
        r(P2, &[P1]),
    ])
}

#[test]
fn p1_upgrade_downgrade_texts() {
    let map = build(vec![r(P1, &[]), r(P3, &[P2]), r(P2, &[P1])]);
    assert_upgrade(&map, "ae1027a6acf0", &[], &[P1, P2], &[P2]);
    assert_upgrade(&map, "head", &[P3], &[], &[P3]);
    assert_upgrade(&map, "+2", &[P1], &[P2, P3], &[P3]);
    assert_upgrade(&map, "a", &[], &[P1, P2], &[P2]);
    assert_upgrade(&map, "1", &[], &[P1], &[P1]);
    assert_eq!(
        upgrade_error(&map, "+5", &[P1]),
        "Relative revision +5 didn't produce 5 migrations"
    );
    assert_eq!(
        upgrade_error(&map, "+1", &[P3]),
        "Relative revision +1 didn't produce 1 migrations"
    );
    assert_eq!(
        upgrade_error(&map, "-1", &[P3]),
        "Relative revision -1 didn't produce 1 migrations"
    );
    assert_eq!(
        upgrade_error(&map, "zzz", &[]),
        "Can't locate revision identified by 'zzz'"
    );
    assert_downgrade(&map, "-1", &[P3], &[P3], &[P2]);
    assert_downgrade(&map, "base", &[P2], &[P2, P1], &[]);
    let plan = map
        .plan_downgrade("base", &strings(&[P2]))
        .unwrap_or_default();
    assert_eq!(plan.steps[1].short_log(), format!("downgrade {P1} -> "));
    assert_eq!(plan.steps[0].short_log(), format!("downgrade {P2} -> {P1}"));
    assert_eq!(
        downgrade_error(&map, "-1", &[]),
        "Relative revision -1 didn't produce 1 migrations"
    );
    assert_downgrade(&map, "base", &[], &[], &[]);
    assert_eq!(
        downgrade_error(&map, "-5", &[P3]),
        "Relative revision -5 didn't produce 5 migrations"
    );
    assert_eq!(
        downgrade_error(&map, "+1", &[P3]),
        "Relative revision +1 didn't produce 1 migrations"
    );
    assert_eq!(
        downgrade_error(&map, P2, &[P1]),
        "Destination ae1027a6acf0 is not a valid downgrade target from current head(s)"
    );
    assert_eq!(downgrade_error(&map, "27c6-9", &[P3]), "Walked too far");
    // Offline ranges.
    let start = map.offline_start("ae1027a6acf0").unwrap_or_default();
    assert_upgrade(&map, "head", &[P2], &[P3], &[P3]);
    assert_eq!(start, strings(&[P2]));
    assert!(map
        .plan_upgrade("1975", &map.offline_start("27c6").unwrap_or_default())
        .map(|p| p.steps.is_empty())
        .unwrap_or(false));
    let head = map.offline_start("head").unwrap_or_default();
    assert_downgrade(
        &map,
        "-1",
        &head.iter().map(String::as_str).collect::<Vec<_>>(),
        &[P3],
        &[P2],
    );
    assert_eq!(
        downgrade_error(
            &map,
            "27c6",
            &map.offline_start("1975")
                .unwrap_or_default()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        ),
        "Destination 27c6 is not a valid downgrade target from current head(s)"
    );
}

#[test]
fn p1_history_ranges() {
    let map = p1();
    let all = strings(&[P5, P4, P3, P2, P1]);
    let h = |range: Option<&str>, rows: &[&str]| {
        map.history(range, &strings(rows)).map_err(|e| e.message)
    };
    for range in [None, Some("base:head"), Some("base:"), Some(":head")] {
        assert_eq!(h(range, &[]), Ok(all.clone()), "{range:?}");
    }
    assert_eq!(h(Some("1975:27c6"), &[]), Ok(strings(&[P3, P2, P1])));
    assert_eq!(
        h(Some("1975ea83b712:1975ea83b712"), &[]),
        Ok(strings(&[P1]))
    );
    assert_eq!(h(Some("current:"), &[P2]), Ok(strings(&[P5, P4, P3, P2])));
    assert_eq!(
        h(Some("current:head"), &[P2]),
        Ok(strings(&[P5, P4, P3, P2]))
    );
    assert_eq!(h(Some(":current"), &[P2]), Ok(strings(&[P2, P1])));
    assert_eq!(h(Some("heads:"), &[]), Ok(strings(&[P5])));
    assert_eq!(h(Some("-1:"), &[]), Ok(strings(&[P5, P4])));
    assert_eq!(h(Some("-3:"), &[]), Ok(strings(&[P5, P4, P3, P2])));
    assert_eq!(h(Some("-3:head"), &[]), Ok(strings(&[P5, P4, P3, P2])));
    assert_eq!(
        h(Some("-3:5f6e7d8c9b01"), &[]),
        Ok(strings(&[P5, P4, P3, P2]))
    );
    assert_eq!(h(Some("-2:27c6"), &[]), Ok(strings(&[P3])));
    assert_eq!(
        h(Some("-1:27c6a30d7c24"), &[]),
        Err("Requested range -1:27c6a30d7c24 does not refer to ancestor/descendant revisions along the same branch".to_string())
    );
    assert_eq!(h(Some("-9:27c6"), &[]), Ok(strings(&[P3, P2, P1])));
    assert_eq!(
        h(Some("-9:"), &[]),
        Err("Can't locate revision identified by 'heads'".to_string())
    );
    assert_eq!(h(Some("1975:+2"), &[]), Ok(strings(&[P3, P2, P1])));
    assert_eq!(h(Some("1975:+9"), &[]), Ok(all.clone()));
    assert_eq!(h(Some(":+1"), &[]), Ok(strings(&[P1])));
    assert_eq!(h(Some("base:+2"), &[]), Ok(strings(&[P2, P1])));
    assert_eq!(
        h(Some(":-2"), &[]),
        Err("Relative revision -2 didn't produce 2 migrations".to_string())
    );
    assert_eq!(
        h(Some("-2:-1"), &[]),
        Err("Relative revision -1 didn't produce 1 migrations".to_string())
    );
    assert_eq!(
        h(Some("27c6:1975"), &[]),
        Err("Requested range 27c6:1975 does not refer to ancestor/descendant revisions along the same branch".to_string())
    );
    assert_eq!(h(Some("base:base"), &[]), Ok(vec![]));
    for start in ["+1", "head-1", "27c6+1", "ae10+2"] {
        assert_eq!(
            h(Some(&format!("{start}:")), &[]),
            Err(format!("Can't locate revision identified by '{start}'"))
        );
    }
    assert_eq!(
        h(Some("+1:+2"), &[]),
        Err("Can't locate revision identified by '+1'".to_string())
    );
    assert_eq!(
        h(Some("1975"), &[]),
        Err("History range requires [start]:[end], [start]:, or :[end]".to_string())
    );
    assert_eq!(
        h(Some("zzzz:"), &[]),
        Err("Can't locate revision identified by 'zzzz'".to_string())
    );
    assert_eq!(
        h(Some(":zzzz"), &[]),
        Err("Can't locate revision identified by 'zzzz'".to_string())
    );
    assert!(history_uses_current(Some("current:")));
    assert!(!history_uses_current(Some("base:heads")));
}

#[test]
fn pg_history_current_range() {
    let map = pg(10);
    let result = map
        .history(Some("current:"), &strings(&[R8000, R5000]))
        .unwrap_or_default();
    assert_eq!(result, strings(&[R8000, R9100, R5000]));
    // §11 #3: a root only reachable through depends_on.
    let error = map.history(Some("9000:"), &[]).map_err(|e| e.message);
    assert!(error.is_err());
}

#[test]
fn relative_destination_grammar() {
    use super::resolve::relative_destination;
    let m = |s: &str| relative_destination(s).map(|m| (m.branch_label, m.symbol, m.relative));
    assert_eq!(m("+2"), Some((None, None, "+2".to_string())));
    assert_eq!(
        m("head-1"),
        Some((None, Some("head".to_string()), "-1".to_string()))
    );
    assert_eq!(
        m("lib@+1"),
        Some((Some("lib".to_string()), None, "+1".to_string()))
    );
    assert_eq!(
        m("a@b@-3"),
        Some((Some("a@b".to_string()), None, "-3".to_string()))
    );
    assert_eq!(
        m("a@b@c-3x"),
        Some((
            Some("a@b".to_string()),
            Some("c".to_string()),
            "-3".to_string()
        ))
    );
    assert_eq!(m("abc"), None);
    assert_eq!(m("c1branch@b"), None);
    assert_eq!(m("@-1"), None);
}

// ----- large graphs -------------------------------------------------------------

#[test]
fn ten_thousand_revision_chain() {
    let ids: Vec<String> = (0..10_000).map(|i| format!("{i:012x}")).collect();
    let revisions: Vec<Revision> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Revision {
            id: id.clone(),
            down_revisions: if i == 0 {
                vec![]
            } else {
                vec![ids[i - 1].clone()]
            },
            ..Revision::default()
        })
        .collect();
    let map = build(revisions);
    let plan = map.plan_upgrade("heads", &[]).unwrap_or_default();
    assert_eq!(plan.steps.len(), 10_000);
    assert_eq!(plan.revisions().first(), ids.first());
    let plan = map
        .plan_downgrade("base", &ids[9_999..])
        .unwrap_or_default();
    assert_eq!(plan.steps.len(), 10_000);
    assert_eq!(map.history(Some("-3:"), &[]).unwrap_or_default().len(), 4);
    assert_eq!(
        map.current_display(&ids[5_000..5_001]).unwrap_or_default(),
        ids[5_000..5_001].to_vec()
    );
}

// ----- no-panic property test ------------------------------------------------

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const ID_POOL: [&str; 12] = [
    "a", "ab", "abcd", "abce", "b1", "b2", "c", "1000", "10001", "feature", "lib", "ü1",
];
const IDENT_POOL: [&str; 40] = [
    "head",
    "heads",
    "base",
    "+1",
    "+3",
    "-1",
    "-2",
    "a@-2",
    "head-9",
    "::",
    "@@",
    "@",
    "",
    "a",
    "ab",
    "abc",
    "abcd",
    "feature@head",
    "feature@heads",
    "feature@base",
    "lib@+1",
    "lib@-1",
    "base+1",
    "base+2",
    "heads-1",
    "c+2",
    "c-1",
    "b1@head",
    "ü",
    "ü1@+1",
    "1000",
    "-0",
    "+0",
    "a@b@c",
    "x@",
    "@x",
    "current",
    "+99999999999999999999",
    "b2@b1",
    "\n@+1",
];

fn random_graph(rng: &mut XorShift) -> Vec<Revision> {
    let count = 1 + rng.below(10);
    let mut revisions: Vec<Revision> = Vec::new();
    for n in 0..count {
        // Mostly distinct ids sharing prefixes; sometimes a duplicate.
        let id = if rng.chance(5) && !revisions.is_empty() {
            revisions[rng.below(revisions.len())].id.clone()
        } else {
            format!("{}{n}", ID_POOL[rng.below(ID_POOL.len())])
        };
        let mut down = Vec::new();
        for _ in 0..rng.below(3) {
            if rng.chance(3) {
                down.push(ID_POOL[rng.below(ID_POOL.len())].to_string());
            } else if rng.chance(3) {
                down.push(id.clone());
            } else if !revisions.is_empty() {
                down.push(revisions[rng.below(revisions.len())].id.clone());
            }
        }
        let mut dependencies = Vec::new();
        if rng.chance(20) && !revisions.is_empty() {
            if rng.chance(30) {
                dependencies.push(["feature", "lib", "x1", "abcdef"][rng.below(4)].to_string());
            } else {
                dependencies.push(revisions[rng.below(revisions.len())].id.clone());
            }
        }
        let mut labels = Vec::new();
        if rng.chance(20) {
            labels.push(["feature", "lib", "x1", "abcdef"][rng.below(4)].to_string());
        }
        revisions.push(Revision {
            id,
            down_revisions: down,
            dependencies,
            branch_labels: labels,
        });
    }
    // Occasionally point an early revision at a later one (cycles).
    if rng.chance(5) && revisions.len() > 1 {
        let last = revisions[revisions.len() - 1].id.clone();
        revisions[0].down_revisions.push(last);
    }
    revisions
}

fn random_ident(rng: &mut XorShift, map: &RevisionMap) -> String {
    let ids = map.ids();
    if rng.chance(30) && !ids.is_empty() {
        let id = ids[rng.below(ids.len())].clone();
        match rng.below(4) {
            0 => id,
            1 => format!("{id}+{}", rng.below(4)),
            2 => format!("{id}-{}", rng.below(4)),
            _ => format!("{}@{id}", IDENT_POOL[rng.below(IDENT_POOL.len())]),
        }
    } else {
        IDENT_POOL[rng.below(IDENT_POOL.len())].to_string()
    }
}

fn random_rows(rng: &mut XorShift, map: &RevisionMap) -> Vec<String> {
    let ids = map.ids();
    let mut rows = Vec::new();
    for _ in 0..rng.below(3) {
        if rng.chance(90) && !ids.is_empty() {
            let id = ids[rng.below(ids.len())].clone();
            if !rows.contains(&id) {
                rows.push(id);
            }
        } else {
            rows.push("deadbeef".to_string());
        }
    }
    rows
}

#[test]
fn no_panics_on_random_graphs_and_identifiers() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut built = 0;
    let mut planned = 0;
    for _ in 0..4000 {
        let revisions = random_graph(&mut rng);
        let map = match RevisionMap::new(revisions) {
            Ok(map) => map,
            Err(e) => {
                assert!(!e.message().is_empty());
                continue;
            }
        };
        built += 1;
        let _ = map.heads();
        let _ = map.effective_heads();
        for _ in 0..6 {
            let ident = random_ident(&mut rng, &map);
            let rows = random_rows(&mut rng, &map);
            let _ = map.get_revisions(&ident);
            let _ = map.get_revision(&ident);
            let _ = map.resolve_for_command(&ident);
            let _ = map.offline_start(&ident);
            if let Ok(plan) = map.plan_upgrade(&ident, &rows) {
                planned += 1;
                let mut current = rows.clone();
                for step in &plan.steps {
                    let _ = step.short_log();
                    if map.update_to_step(&mut current, step).is_err() {
                        break;
                    }
                }
            }
            if let Ok(plan) = map.plan_downgrade(&ident, &rows) {
                let mut current = rows.clone();
                for step in &plan.steps {
                    if map.update_to_step(&mut current, step).is_err() {
                        break;
                    }
                }
            }
            let other = random_ident(&mut rng, &map);
            if let Ok(steps) = map.plan_stamp(&[ident.clone(), other.clone()], &rows) {
                let mut current = rows.clone();
                for step in &steps {
                    let _ = map.update_to_step(&mut current, step);
                }
            }
            let range = format!("{ident}:{other}");
            let _ = map.history(Some(&range), &rows);
            let _ = map.history(Some(&ident), &rows);
            let _ = map.current_display(&rows);
            let _ = map.check_heads(&rows);
            let options = IterateOptions {
                implicit_base: rng.chance(50),
                inclusive: rng.chance(50),
                assert_relative_length: rng.chance(50),
                select_for_downgrade: rng.chance(50),
            };
            let _ = map.iterate_revisions(
                &RevSpec::One(ident.clone()),
                &RevSpec::Many(rows.clone()),
                options,
            );
            let _ = map.iterate_revisions(&RevSpec::Many(rows), &RevSpec::One(other), options);
            for id in map.ids() {
                if let Some(info) = map.revision(&id) {
                    let _ = info.history_line_prefix(true);
                    let _ = info.log_entry_header(false);
                }
            }
        }
    }
    // The generator must exercise the interesting paths, not only errors.
    assert!(built > 500, "only {built} graphs built");
    assert!(planned > 500, "only {planned} plans");
}
