use super::*;

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
