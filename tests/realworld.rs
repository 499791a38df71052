//! The real-world corpus (issue 18, item 7): migration folders that published projects ship
//! inside their PyPI packages, run through real Alembic 1.20.1 and through
//! `alembic-playground` with the conformance harness (`conformance/harness.rs`), compared on
//! exit code, stdout, stderr, schema with rows, version-table rows and files.
//!
//! `scripts/corpus` downloads the pinned packages into `target/corpus/` (never committed) and
//! unpacks each migration folder; this test runs it first, so a fresh clone needs only the
//! network and `.venv` (`scripts/setup --tests`).
//!
//! Each project is a folder made by real `alembic init migrations` (`sqlalchemy.url =
//! sqlite:///%(here)s/app.db`) with the project's `versions/` and, where it works under real
//! Alembic, its own `env.py`; where revision files or env.py import the application, minimal
//! stub modules from `tests/realworld/stubs/<project>/` sit beside `alembic.ini` (Alembic's
//! `prepend_sys_path = .`), the same for both programs. The stubs:
//!   prefect: prefect/__init__.py, prefect/server/utilities/database.py (UUID, Timestamp,
//!     JSON, Pydantic as they compile on SQLite), prefect/server/utilities/schemas.py,
//!     prefect/server/schemas/{core,states,schedules}.py, prefect/server/events/actions.py,
//!     prefect/server/events/schemas/{automations,events}.py,
//!     prefect/server/concurrency/lease_storage.py, prefect/blocks/core.py,
//!     prefect/utilities/{slugify,asyncutils}.py, prefect/logging/loggers.py,
//!     prefect/types/_concurrency.py (and empty package `__init__.py` files);
//!   mlflow: mlflow/store/db/base_sql_model.py, mlflow/store/tracking/dbmodels/models.py,
//!     mlflow/store/model_registry/dbmodels/models.py, mlflow/entities/__init__.py,
//!     mlflow/entities/lifecycle_stage.py,
//!     mlflow/entities/model_registry/{model_version_stages,model_version_status}.py,
//!     mlflow/exceptions.py, mlflow/utils/{mlflow_tags,workspace_utils}.py,
//!     packaging/version.py; plus three modules copied unchanged from the wheel by
//!     scripts/corpus (mlflow/store/db/trace_analytics_{schema,backfill}_75868b020152.py and
//!     mlflow/store/tracking/dbmodels/initial_models.py, whose `create_all` makes the
//!     database MLflow's first revision upgrades, as `mlflow.store.db.utils` does);
//!   mlflow-auth: mlflow/server/auth/db/models.py, mlflow/exceptions.py,
//!     mlflow/utils/workspace_utils.py;
//!   jupyterhub: jupyterhub/orm.py (JSONDict, JSONList, the naming convention, the models
//!     one data migration queries), jupyterhub/roles.py;
//!   optuna: optuna/storages/_rdb/models.py, optuna/{study,trial,distributions}.py,
//!     numpy/__init__.py;
//!   buildbot: buildbot/db/model.py, buildbot/util/sautils.py.
//!
//! Per project, from an empty (or seeded) database: `upgrade head`, `history`, `current`,
//! `downgrade base`, `upgrade head --sql`; then every revision in `history` order from its
//! parents' state as real Alembic left it: `upgrade <rev>` and `downgrade -1`. After each
//! check the playground's database is replaced by Alembic's, so every check starts from the
//! same state. The figures must not fall below today's (the floor at the end): the test fails
//! if the engine regresses, and shows what to raise the floor to when it improves. They are
//! deterministic, so this runs in plain `cargo test` (about 3-4 minutes on two cores, most of
//! it real Alembic's start-up); `scripts/realworld` runs it alone.

#[path = "conformance/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Condvar, Mutex};

use harness::Observation;

/// Checks matched (of 484) and revisions whose two checks both matched (of 227), exactly as
/// measured: the figures are deterministic (the same in every run, per project too) since the
/// constraint lines of `CREATE TABLE` text are compared in sorted order (see `Pair::check`);
/// before that they varied by a few checks between runs (300/98, then 301/97).
const CHECKS_FLOOR: usize = 473;
const REVISIONS_FLOOR: usize = 220;

struct Project {
    name: &'static str,
    package: &'static str,
    /// The project's own env.py (true) or the one `alembic init` writes.
    own_env: bool,
    /// Python run in the project folder before anything else, making the database the first
    /// revision expects.
    seed: Option<&'static str>,
}

const PROJECTS: &[Project] = &[
    Project {
        name: "prefect",
        package: "prefect 3.9.1 (server/database/_migrations, versions/sqlite)",
        // Prefect's env.py needs the whole Prefect server (settings, async engine).
        own_env: false,
        seed: None,
    },
    Project {
        name: "mlflow",
        package: "mlflow-skinny 3.17.2 (store/db_migrations)",
        own_env: true,
        seed: Some(
            "import sqlalchemy as sa\n\
             from mlflow.store.tracking.dbmodels.initial_models import Base\n\
             Base.metadata.create_all(sa.create_engine('sqlite:///app.db'))\n",
        ),
    },
    Project {
        name: "mlflow-auth",
        package: "mlflow-skinny 3.17.2 (server/auth/db/migrations)",
        own_env: true,
        seed: None,
    },
    Project {
        name: "jupyterhub",
        package: "jupyterhub 6.1.1 (alembic)",
        own_env: true,
        seed: None,
    },
    Project {
        name: "optuna",
        package: "optuna 5.0.0 (storages/_rdb/alembic)",
        own_env: true,
        seed: None,
    },
    Project {
        name: "buildbot",
        package: "buildbot 4.3.0 (db/migrations)",
        own_env: true,
        seed: None,
    },
];

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one project gave.
#[derive(Default)]
struct Figures {
    checks: usize,
    checks_matched: usize,
    /// Per revision, whether `upgrade <rev>` and `downgrade -1` from it matched.
    upgrades: BTreeMap<String, bool>,
    downgrades: BTreeMap<String, bool>,
    /// (check label, kind of difference)
    differences: Vec<(String, String)>,
    /// The first few full reports, for reading.
    reports: Vec<String>,
}

/// Two copies of one project: real Alembic runs in `real`, the playground in `ours`.
struct Pair {
    real: PathBuf,
    ours: PathBuf,
}

impl Figures {
    fn absorb(&mut self, other: Figures) {
        self.checks += other.checks;
        self.checks_matched += other.checks_matched;
        self.upgrades.extend(other.upgrades);
        self.downgrades.extend(other.downgrades);
        self.differences.extend(other.differences);
        self.reports.extend(other.reports);
    }

    fn revisions(&self) -> usize {
        self.upgrades.len()
    }

    fn revisions_matched(&self) -> usize {
        self.upgrades
            .iter()
            .filter(|(revision, matched)| {
                **matched && self.downgrades.get(*revision) == Some(&true)
            })
            .count()
    }
}

impl Pair {
    /// Fresh copies of `<root>/template` as `<root>/<label>-real` and `<root>/<label>-ours`.
    fn from_template(root: &Path, label: &str) -> Pair {
        let pair = Pair {
            real: root.join(format!("{label}-real")),
            ours: root.join(format!("{label}-ours")),
        };
        harness::copy_tree(&root.join("template"), &pair.real);
        harness::copy_tree(&root.join("template"), &pair.ours);
        pair
    }

    fn database(project: &Path) -> PathBuf {
        project.join("app.db")
    }

    /// The database real Alembic left, or `None` without one.
    fn real_database(&self) -> Option<Vec<u8>> {
        std::fs::read(Self::database(&self.real)).ok()
    }

    /// Puts the same database (or none) in both copies.
    fn set_database(&self, bytes: &Option<Vec<u8>>) {
        for project in [&self.real, &self.ours] {
            let path = Self::database(project);
            match bytes {
                Some(bytes) => std::fs::write(&path, bytes).expect("write app.db"),
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }

    /// Runs one command in both copies, records the check, then gives the playground Alembic's
    /// database so the next check starts from the same state. Returns (matched, Alembic's).
    fn check(&self, figures: &mut Figures, label: &str, line: &str) -> (bool, Observation) {
        let mut expected = harness::run_tool(&harness::alembic_bin(), &self.real, line);
        let mut actual = harness::run_tool(&harness::playground_bin(), &self.ours, line);
        // The one thing normalised beyond the conformance harness: the order of a table's
        // table-level constraint lines (`CONSTRAINT …`, `PRIMARY KEY`, `UNIQUE`, `FOREIGN
        // KEY`, `CHECK`) in `CREATE TABLE` text, sorted in both observations. A batch copy
        // (`batch_alter_table` on SQLite) recreates the table with its constraints in the
        // order Alembic iterates `table.constraints` (alembic/operations/batch.py), a Python
        // set of Constraint objects hashed by identity, so by memory address: PYTHONHASHSEED
        // does not fix it, and real Alembic run twice on the same database writes, say,
        // prefect's `task_run` with its two foreign keys in either order. Which checks matched
        // flipped with it between runs (prefect, optuna, mlflow). Everything else, rows
        // included, is compared as the harness observes it.
        for observation in [&mut expected, &mut actual] {
            observation.schema = observation
                .schema
                .iter()
                .map(|entry| harness::constraints_in_name_order(entry))
                .collect();
        }
        figures.checks += 1;
        let matched = expected == actual;
        if matched {
            figures.checks_matched += 1;
        } else {
            figures
                .differences
                .push((label.to_string(), difference_kind(&expected, &actual)));
            if figures.reports.len() < 3 {
                figures
                    .reports
                    .push(full_report(label, line, &expected, &actual));
            }
        }
        self.set_database(&self.real_database());
        (matched, expected)
    }
}

/// A difference's kind, from the first differing line: the playground's `FAILED:` message
/// where it refused, else the first field that differs and Alembic's line there. Quoted names
/// and numbers are blanked so that one cause is one kind.
fn difference_kind(expected: &Observation, actual: &Observation) -> String {
    // The playground's refusals: `FAILED: ...` or `alembic-playground: error: <file>:L:C: ...`.
    let refusal = |observation: &Observation| {
        observation
            .stdout
            .lines()
            .chain(observation.stderr.lines())
            .find_map(|line| {
                if line.starts_with("FAILED:") {
                    return Some(line.to_string());
                }
                let message = line.strip_prefix("alembic-playground: error: ")?;
                // Drop the location (`<project>/.../file.py:12:5: `).
                Some(match message.split_once(".py:") {
                    Some((_, rest)) => rest
                        .split_once(": ")
                        .map(|(_, text)| text.to_string())
                        .unwrap_or_else(|| rest.to_string()),
                    None => message.to_string(),
                })
            })
    };
    let kind = if let (Some(message), None) = (refusal(actual), refusal(expected)) {
        format!("playground refuses: {message}")
    } else if expected.exit_code != actual.exit_code {
        format!(
            "exit code {} (alembic) vs {} (playground); alembic: {}",
            expected.exit_code,
            actual.exit_code,
            expected
                .stderr
                .lines()
                .chain(expected.stdout.lines())
                .filter(|line| !line.trim().is_empty())
                .last()
                .unwrap_or("")
        )
    } else {
        let fields: [(&str, String, String); 4] = [
            ("stdout", expected.stdout.clone(), actual.stdout.clone()),
            ("stderr", expected.stderr.clone(), actual.stderr.clone()),
            (
                "schema",
                expected.schema.join("\n"),
                actual.schema.join("\n"),
            ),
            (
                "version rows",
                expected.version_rows.join("\n"),
                actual.version_rows.join("\n"),
            ),
        ];
        match fields.iter().find(|(_, left, right)| left != right) {
            Some((field, left, right)) => {
                let left_lines: Vec<&str> = left.lines().collect();
                let right_lines: Vec<&str> = right.lines().collect();
                let at = (0..left_lines.len().max(right_lines.len()))
                    .find(|&index| left_lines.get(index) != right_lines.get(index))
                    .unwrap_or(0);
                let left_line = left_lines.get(at).copied().unwrap_or("<none>");
                let right_line = right_lines.get(at).copied().unwrap_or("<none>");
                if *field == "schema" {
                    // One kind per sort of schema line (a constraint, a column, a row).
                    let shape = |line: &str| {
                        line.split_whitespace()
                            .next()
                            .unwrap_or("<none>")
                            .to_string()
                    };
                    format!(
                        "schema differs: alembic `{} …`, playground `{} …`",
                        shape(left_line),
                        shape(right_line)
                    )
                } else {
                    format!("{field} differs: alembic `{left_line}`, playground `{right_line}`")
                }
            }
            None => "files differ".to_string(),
        }
    };
    blank_specifics(&kind)
}

/// `'user_roles'` → `'…'`, a word with a digit (a revision id, a line number) → `<id>`, and at
/// most 150 characters. With `REALWORLD_NAMES` set, quoted names are kept (to see which calls
/// or attributes a kind is made of).
fn blank_specifics(text: &str) -> String {
    let keep_names = std::env::var_os("REALWORLD_NAMES").is_some();
    let text: Vec<String> = text
        .split(' ')
        .map(|word| {
            if word.chars().any(|character| character.is_ascii_digit()) && !word.contains('\'') {
                let tail: String = word
                    .chars()
                    .rev()
                    .take_while(|character| ",.:)`".contains(*character))
                    .collect();
                format!("<id>{}", tail.chars().rev().collect::<String>())
            } else {
                word.to_string()
            }
        })
        .collect();
    let text = text.join(" ");
    let mut out = String::new();
    let mut in_quote = false;
    for character in text.chars() {
        if in_quote {
            if character == '\'' {
                in_quote = false;
                out.push('\'');
            }
            continue;
        }
        if character == '\'' && !keep_names {
            in_quote = true;
            out.push_str("'…");
        } else {
            out.push(character);
        }
    }
    if out.chars().count() > 150 {
        out = out.chars().take(150).collect::<String>() + "…";
    }
    out
}

fn full_report(label: &str, line: &str, expected: &Observation, actual: &Observation) -> String {
    let mut report = format!("{label}: alembic {line}\n");
    if expected.exit_code != actual.exit_code {
        report.push_str(&format!(
            "  exit code: alembic {} vs playground {}\n",
            expected.exit_code, actual.exit_code
        ));
    }
    for (field, left, right) in [
        ("stdout", &expected.stdout, &actual.stdout),
        ("stderr", &expected.stderr, &actual.stderr),
    ] {
        if left != right {
            let clip = |text: &str| text.lines().take(12).collect::<Vec<_>>().join("\n");
            report.push_str(&format!(
                "  {field}:\n--- alembic\n{}\n--- playground\n{}\n",
                clip(left),
                clip(right)
            ));
        }
    }
    if expected.schema != actual.schema {
        report.push_str("  schema differs\n");
    }
    if expected.version_rows != actual.version_rows {
        report.push_str(&format!(
            "  alembic_version: {:?} vs {:?}\n",
            expected.version_rows, actual.version_rows
        ));
    }
    report
}

/// The revisions of `history` output (newest first) with their parents, oldest first:
/// `<base> -> a, msg`, `a -> b (head), msg`, `(a, b) -> c (mergepoint), msg`.
fn revisions_from_history(stdout: &str) -> Vec<(String, Vec<String>)> {
    let mut revisions = Vec::new();
    for line in stdout.lines() {
        let Some((parents, rest)) = line.split_once(" -> ") else {
            continue;
        };
        let revision = rest
            .split(|character: char| character == ',' || character == ' ')
            .next()
            .unwrap_or("")
            .to_string();
        let parents: Vec<String> = match parents {
            "<base>" => Vec::new(),
            list => list
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(", ")
                .map(str::to_string)
                .collect(),
        };
        if !revision.is_empty() {
            revisions.push((revision, parents));
        }
    }
    revisions.reverse();
    revisions
}

/// Scratch space: in memory where there is some (SQLite's syncs on disk would dominate).
fn scratch_base() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let parent = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let base = parent.join(format!("alembic-realworld-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("create scratch dir");
    base
}

fn build_project(project: &Project, corpus: &Path, template: &Path) {
    std::fs::create_dir_all(template).expect("create template");
    harness::init_project(template);
    let source = corpus.join(project.name);
    let versions = template.join("migrations/versions");
    harness::copy_tree(&source.join("versions"), &versions);
    if project.own_env {
        std::fs::copy(source.join("env.py"), template.join("migrations/env.py"))
            .expect("copy env.py");
    }
    if source.join("script.py.mako").exists() {
        std::fs::copy(
            source.join("script.py.mako"),
            template.join("migrations/script.py.mako"),
        )
        .expect("copy script.py.mako");
    }
    let stubs = repo_root().join("tests/realworld/stubs").join(project.name);
    if stubs.is_dir() {
        harness::copy_tree(&stubs, template);
    }
    if source.join("package").is_dir() {
        harness::copy_tree(&source.join("package"), template);
    }
    if let Some(code) = project.seed {
        let python = harness::alembic_bin()
            .parent()
            .map(|dir| dir.join("python"))
            .expect("python beside alembic");
        let output = Command::new(python)
            .args(["-c", code])
            .current_dir(template)
            .output()
            .expect("run seed");
        assert!(
            output.status.success(),
            "seeding {} failed: {}",
            project.name,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The first phase of a project: the five whole-project checks, then `upgrade <rev>` for each
/// revision in order (each from its parents' state, which needs the earlier ones). Returns the
/// figures and, per revision, the database real Alembic left after upgrading to it.
fn run_project(
    project: &Project,
    corpus: &Path,
    base: &Path,
) -> (Figures, Vec<(String, Option<Vec<u8>>)>) {
    let root = base.join(project.name);
    let template = root.join("template");
    build_project(project, corpus, &template);
    let pair = Pair::from_template(&root, "chain");
    let seed_database = pair.real_database();
    let mut figures = Figures::default();

    pair.check(&mut figures, "upgrade head", "upgrade head");
    let (_, history) = pair.check(&mut figures, "history", "history");
    pair.check(&mut figures, "current", "current");
    pair.check(&mut figures, "downgrade base", "downgrade base");
    pair.check(&mut figures, "upgrade head --sql", "upgrade head --sql");

    let mut after: HashMap<String, Option<Vec<u8>>> = HashMap::new();
    let mut upgraded = Vec::new();
    for (revision, parents) in revisions_from_history(&history.stdout) {
        let start = match parents.split_first() {
            None => seed_database.clone(),
            Some((first, rest)) => {
                let mut state = after.get(first).cloned().unwrap_or(seed_database.clone());
                if !rest.is_empty() {
                    // A merge point: the other parents upgraded on top of the first's state.
                    pair.set_database(&state);
                    for parent in rest {
                        harness::run_tool(
                            &harness::alembic_bin(),
                            &pair.real,
                            &format!("upgrade {parent}"),
                        );
                    }
                    state = pair.real_database();
                }
                state
            }
        };
        pair.set_database(&start);
        let (matched, _) = pair.check(
            &mut figures,
            &format!("upgrade {revision}"),
            &format!("upgrade {revision}"),
        );
        figures.upgrades.insert(revision.clone(), matched);
        after.insert(revision.clone(), pair.real_database());
        upgraded.push((revision.clone(), pair.real_database()));
    }
    (figures, upgraded)
}

/// The second phase, independent per revision (so split over the workers): `downgrade -1`
/// from the state real Alembic left after upgrading to each revision.
fn run_downgrades(
    project: &Project,
    base: &Path,
    part: usize,
    states: &[(String, Option<Vec<u8>>)],
) -> Figures {
    let root = base.join(project.name);
    let pair = Pair::from_template(&root, &format!("downgrades{part}"));
    let mut figures = Figures::default();
    for (revision, state) in states {
        pair.set_database(state);
        let (matched, _) = pair.check(
            &mut figures,
            &format!("downgrade -1 from {revision}"),
            "downgrade -1",
        );
        figures.downgrades.insert(revision.clone(), matched);
    }
    figures
}

enum Job {
    Project(usize),
    Downgrades(usize, usize, Vec<(String, Option<Vec<u8>>)>),
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_string();
    }
    format!("{:.1}%", 100.0 * part as f64 / whole as f64)
}

#[test]
fn real_world_migrations_match_alembic_at_least_as_well_as_today() {
    let started = std::time::Instant::now();
    let alembic = harness::alembic_bin();
    let status = Command::new(repo_root().join("scripts/corpus"))
        .env("ALEMBIC_BIN", &alembic)
        .status()
        .expect("run scripts/corpus");
    assert!(status.success(), "scripts/corpus failed");
    let corpus = repo_root().join("target/corpus");
    // Python's string hashing is randomised per process, and some of Alembic's output follows
    // the order of sets of strings; a fixed seed makes that repeat. (Sets of objects, such as
    // a table's constraints, follow memory addresses instead: see `Pair::check`.)
    std::env::set_var("PYTHONHASHSEED", "0");

    let base = scratch_base();
    // Two workers (real Alembic's start-up dominates; CI machines have two cores). A project's
    // upgrades run in order on one worker; its downgrades, split in two, go to either.
    let state = Mutex::new((
        (0..PROJECTS.len())
            .map(Job::Project)
            .collect::<VecDeque<Job>>(),
        0_usize,
    ));
    let wake = Condvar::new();
    let results: Mutex<BTreeMap<usize, Figures>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let job = {
                    let mut guard = state.lock().expect("jobs");
                    loop {
                        if let Some(job) = guard.0.pop_front() {
                            guard.1 += 1;
                            break Some(job);
                        }
                        if guard.1 == 0 {
                            break None;
                        }
                        guard = wake.wait(guard).expect("jobs");
                    }
                };
                let Some(job) = job else {
                    wake.notify_all();
                    break;
                };
                let (index, figures, follow_up) = match job {
                    Job::Project(index) => {
                        let (figures, upgraded) = run_project(&PROJECTS[index], &corpus, &base);
                        let half = upgraded.len().div_ceil(2);
                        let mut parts = upgraded.into_iter();
                        let first: Vec<_> = parts.by_ref().take(half).collect();
                        let second: Vec<_> = parts.collect();
                        let jobs = vec![
                            Job::Downgrades(index, 0, first),
                            Job::Downgrades(index, 1, second),
                        ];
                        (index, figures, jobs)
                    }
                    Job::Downgrades(index, part, states) => (
                        index,
                        run_downgrades(&PROJECTS[index], &base, part, &states),
                        Vec::new(),
                    ),
                };
                results
                    .lock()
                    .expect("results")
                    .entry(index)
                    .or_default()
                    .absorb(figures);
                let mut guard = state.lock().expect("jobs");
                guard.0.extend(follow_up);
                guard.1 -= 1;
                wake.notify_all();
            });
        }
    });
    let results = results.into_inner().expect("results");

    let mut total = Figures::default();
    let mut total_revisions = 0;
    let mut total_revisions_matched = 0;
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    println!("\nReal-world migrations, real Alembic 1.20.1 vs alembic-playground:");
    println!(
        "{:<13} {:<58} {:>15} {:>15}",
        "project", "package", "checks", "revisions"
    );
    for (index, figures) in &results {
        let project = &PROJECTS[*index];
        println!(
            "{:<13} {:<58} {:>7}/{:<3} {:>5} {:>5}/{:<3} {:>5}",
            project.name,
            project.package,
            figures.checks_matched,
            figures.checks,
            percent(figures.checks_matched, figures.checks),
            figures.revisions_matched(),
            figures.revisions(),
            percent(figures.revisions_matched(), figures.revisions()),
        );
        total.checks += figures.checks;
        total.checks_matched += figures.checks_matched;
        total_revisions += figures.revisions();
        total_revisions_matched += figures.revisions_matched();
        for (label, kind) in &figures.differences {
            kinds
                .entry(kind.clone())
                .or_default()
                .push(format!("{}: {label}", project.name));
        }
    }
    println!(
        "{:<13} {:<58} {:>7}/{:<3} {:>5} {:>5}/{:<3} {:>5}",
        "overall",
        "",
        total.checks_matched,
        total.checks,
        percent(total.checks_matched, total.checks),
        total_revisions_matched,
        total_revisions,
        percent(total_revisions_matched, total_revisions),
    );
    let mut kinds: Vec<(String, Vec<String>)> = kinds.into_iter().collect();
    for (_, checks) in kinds.iter_mut() {
        checks.sort();
    }
    kinds.sort_by(|left, right| right.1.len().cmp(&left.1.len()).then(left.0.cmp(&right.0)));
    println!(
        "\nDifferences by kind ({} in all):",
        total.checks - total.checks_matched
    );
    for (kind, checks) in &kinds {
        println!("{:>4}  {kind}", checks.len());
        for check in checks {
            println!("        {check}");
        }
    }
    println!("\nFirst reports per project:");
    for figures in results.values() {
        for report in &figures.reports {
            println!("{report}");
        }
    }
    println!("took {:.1?}", started.elapsed());
    let _ = std::fs::remove_dir_all(&base);

    assert!(
        total.checks_matched >= CHECKS_FLOOR && total_revisions_matched >= REVISIONS_FLOOR,
        "the real-world corpus regressed: {} checks matched (floor {CHECKS_FLOOR}), {} revisions \
         matched (floor {REVISIONS_FLOOR})",
        total.checks_matched,
        total_revisions_matched
    );
    if total.checks_matched > CHECKS_FLOOR || total_revisions_matched > REVISIONS_FLOOR {
        println!(
            "better than the floor: raise CHECKS_FLOOR to {} and REVISIONS_FLOOR to {}",
            total.checks_matched, total_revisions_matched
        );
    }
}
