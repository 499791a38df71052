//! Data-driven tests: graphs and expectations ported from Alembic's
//! `tests/test_revision.py` and `tests/test_version_traversal.py`, the
//! measured transcripts of the reference (`pg` and `p1` projects), and a
//! no-panic property test over random graphs and identifiers.

use super::*;

mod alembic_suite;
mod alembic_traversal;
mod measured;

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
