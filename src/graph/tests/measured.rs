use super::*;

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
