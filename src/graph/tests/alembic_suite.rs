use super::*;

// ----- test_revision.py: APITest ---------------------------------------------

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
