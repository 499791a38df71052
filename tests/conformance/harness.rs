//! The conformance harness: one project, two tools. Every scenario starts from a folder made
//! by real `alembic init` (with `sqlalchemy.url = sqlite:///%(here)s/app.db`), copies it, and
//! runs each step through real Alembic 1.20.1 (from PyPI, `$ALEMBIC_BIN`, default
//! `.venv/bin/alembic`) in one copy and through `alembic-playground` in the other, comparing
//! after every command: exit code, stdout, stderr (log lines), the SQLite schema
//! (`sqlite_master`), the `alembic_version` rows, and every file in the project.
//!
//! Normalised before comparing: the two project paths (both become `<project>`), the
//! `Create Date:` line of revision files, and Python's install path in warnings.
//! Unhandled errors (exit 1) are Python tracebacks: only their last line is compared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use alembic_playground::runtime::{Database, SqlValue};
use alembic_playground::sqlite::SqliteDatabase;

/// One thing a scenario does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Run `alembic <line>` in both projects and compare.
    Run(String),
    /// Replace the `pass` bodies of a generated revision file (found by id prefix).
    EditRevision {
        revision: String,
        upgrade: String,
        downgrade: String,
    },
    /// Write a file (path relative to the project) in both projects.
    Write(String, String),
    /// Remove a file in both projects.
    Remove(String),
    /// Replace text in a project file (e.g. to change `env.py` or `alembic.ini`).
    Replace {
        path: String,
        from: String,
        to: String,
    },
    /// (First step only) the scenario runs against a real PostgreSQL server: each tool gets
    /// a fresh database, and the schema compared is read from `pg_catalog`.
    Postgresql,
}

/// Reads a `.scenario` file (shared with the browser tests in `tests/e2e/`):
/// `$ <command>` runs `alembic <command>`; `@edit <rev>` + upgrade body + `@downgrade` +
/// downgrade body + `@end` fills a generated revision; `@write <path>` + content + `@end`;
/// `@replace <path>` + old text + `@with` + new text + `@end`; `@remove <path>`; `#` comments.
pub fn parse_scenario(text: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut lines = text.lines();
    let block = |lines: &mut std::str::Lines<'_>, terminators: &[&str]| -> (String, String) {
        let mut collected = Vec::new();
        for line in lines.by_ref() {
            if terminators.contains(&line) {
                return (collected.join("\n"), line.to_string());
            }
            collected.push(line);
        }
        panic!("scenario block not closed by one of {terminators:?}");
    };
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step::Run(command.to_string()));
        } else if line == "$" {
            steps.push(Step::Run(String::new()));
        } else if let Some(revision) = line.strip_prefix("@edit ") {
            let (upgrade, _) = block(&mut lines, &["@downgrade"]);
            let (downgrade, _) = block(&mut lines, &["@end"]);
            steps.push(Step::EditRevision {
                revision: revision.to_string(),
                upgrade,
                downgrade,
            });
        } else if let Some(path) = line.strip_prefix("@write ") {
            let (content, _) = block(&mut lines, &["@end"]);
            steps.push(Step::Write(path.to_string(), format!("{content}\n")));
        } else if let Some(path) = line.strip_prefix("@replace ") {
            let (from, _) = block(&mut lines, &["@with"]);
            let (to, _) = block(&mut lines, &["@end"]);
            steps.push(Step::Replace {
                path: path.to_string(),
                from,
                to,
            });
        } else if let Some(path) = line.strip_prefix("@remove ") {
            steps.push(Step::Remove(path.to_string()));
        } else if line == "@postgresql" {
            steps.push(Step::Postgresql);
        } else {
            panic!("unknown scenario line: {line:?}");
        }
    }
    steps
}

/// Writes steps in the `.scenario` format (the inverse of [`parse_scenario`]).
pub fn format_scenario(steps: &[Step]) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Run(line) if line.is_empty() => text.push_str("$\n"),
            Step::Run(line) => text.push_str(&format!("$ {line}\n")),
            Step::EditRevision {
                revision,
                upgrade,
                downgrade,
            } => text.push_str(&format!(
                "@edit {revision}\n{upgrade}\n@downgrade\n{downgrade}\n@end\n"
            )),
            Step::Write(path, content) => text.push_str(&format!(
                "@write {path}\n{}\n@end\n",
                content.strip_suffix('\n').unwrap_or(content)
            )),
            Step::Remove(path) => text.push_str(&format!("@remove {path}\n")),
            Step::Postgresql => text.push_str("@postgresql\n"),
            Step::Replace { path, from, to } => {
                text.push_str(&format!("@replace {path}\n{from}\n@with\n{to}\n@end\n"))
            }
        }
    }
    text
}

/// What one tool did for one command, normalised for comparison.
#[derive(Debug, PartialEq, Eq)]
pub struct Observation {
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
    pub schema: Vec<String>,
    pub version_rows: Vec<String>,
    pub files: BTreeMap<String, String>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn alembic_bin() -> PathBuf {
    let path = std::env::var_os("ALEMBIC_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/alembic"));
    assert!(
        path.exists(),
        "real Alembic is needed for conformance tests but {} does not exist: run scripts/setup --tests (or set ALEMBIC_BIN)",
        path.display()
    );
    path
}

pub fn playground_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_alembic-playground"))
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn scratch_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "alembic-conformance-{}-{}-{label}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            if entry.file_name() != "__pycache__" {
                copy_tree(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A project made by real `alembic init migrations`, pointed at `app.db`.
pub fn init_project(dir: &Path) {
    let output = Command::new(alembic_bin())
        .args(["init", "migrations"])
        .current_dir(dir)
        .output()
        .expect("run alembic init");
    assert!(output.status.success(), "alembic init failed: {output:?}");
    let ini_path = dir.join("alembic.ini");
    let ini = std::fs::read_to_string(&ini_path).expect("read alembic.ini");
    let ini = ini.replace(
        "sqlalchemy.url = driver://user:pass@localhost/dbname",
        "sqlalchemy.url = sqlite:///%(here)s/app.db",
    );
    std::fs::write(&ini_path, ini).expect("write alembic.ini");
}

/// `/any/python/path/module.py:12: SomeWarning: text` → `<python>/module.py:12: SomeWarning: text`:
/// where Python is installed differs; the module, line and message must not.
fn normalise_warning_path(line: &str) -> String {
    let Some(category_at) = line.find("Warning: ") else {
        return line.to_string();
    };
    let Some(py_at) = line[..category_at].rfind(".py:") else {
        return line.to_string();
    };
    let start = line[..py_at].rfind('/').map(|slash| slash + 1).unwrap_or(0);
    if !line.starts_with('/') {
        return line.to_string();
    }
    format!("<python>/{}", &line[start..])
}

/// Python prints objects it has no repr for with their memory address, which changes from run
/// to run (`<... object at 0x7f4c6e513710>`): the addresses are not compared.
fn mask_addresses(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(index) = rest.find(" at 0x") {
        let (head, tail) = rest.split_at(index + " at 0x".len());
        out.push_str(head);
        let digits = tail
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(tail.len());
        out.push_str("<address>");
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

fn normalise(text: &str, project: &Path) -> String {
    let project = project.to_string_lossy();
    let mut lines = Vec::new();
    for line in text.replace(project.as_ref(), "<project>").lines() {
        // Python's warnings name the installed module's path and line.
        let line = normalise_warning_path(line);
        // Creation times differ between the two runs.
        let line = match line.find("Create Date: ") {
            Some(index) => format!("{}Create Date: <date>", &line[..index]),
            None => line,
        };
        lines.push(mask_addresses(&line));
    }
    let mut joined = lines.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// For unhandled errors Python prints a traceback; keep what precedes it (log lines) and the
/// final exception's own lines (after the last `Traceback` header, unindented).
fn traceback_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let Some(first) = lines
        .iter()
        .position(|line| line.starts_with("Traceback (most recent call last):"))
    else {
        return stderr.to_string();
    };
    let last = lines
        .iter()
        .rposition(|line| line.starts_with("Traceback (most recent call last):"))
        .unwrap_or(first);
    let mut kept: Vec<&str> = lines[..first].to_vec();
    kept.push("Traceback (most recent call last):");
    kept.extend(
        lines[last + 1..]
            .iter()
            .filter(|line| !line.starts_with(' ')),
    );
    kept.join("\n")
}

/// `Running stamp_revision a, b -> c` lists the version table's rows in table order, and after
/// an unmerge that order comes from Python set iteration (reference §5: which parent row is
/// UPDATEd and which INSERTed is set-dependent): sort the list before comparing.
fn canonical_stamp_sources(stderr: &str) -> String {
    // PostgreSQL's "assuming SERIAL" lines come from reflecting the tables autogenerate
    // compares, which Alembic iterates as a set: sort each run of them.
    let serial = "INFO  [alembic.ddl.postgresql] Detected sequence named ";
    let mut lines: Vec<&str> = stderr.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let start = index;
        while index < lines.len() && lines[index].starts_with(serial) {
            index += 1;
        }
        lines[start..index].sort();
        index = index.max(start + 1);
    }
    let mut text: String = lines
        .into_iter()
        .map(|line| {
            let prefix = "INFO  [alembic.runtime.migration] Running stamp_revision ";
            match line
                .strip_prefix(prefix)
                .and_then(|rest| rest.split_once(" -> "))
            {
                Some((sources, target)) if sources.contains(", ") => {
                    let mut revisions: Vec<&str> = sources.split(", ").collect();
                    revisions.sort();
                    format!("{prefix}{} -> {target}", revisions.join(", "))
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    if stderr.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Where Alembic's output order comes from Python set iteration (reference §11 #7), which
/// changes from run to run, put it in a canonical order before comparing:
/// `current` lines, `Branches into:` lists, the children listed by `branches`, and, in
/// `--sql` output, the version-table statements of steps that change two rows (which row is
/// deleted and which updated is set-dependent; the resulting rows are compared separately).
fn canonical_set_order(line: &str, stdout: &str) -> String {
    let mut lines: Vec<String> = stdout
        .lines()
        .map(|text| match text.strip_prefix("Branches into: ") {
            Some(list) => {
                let mut items: Vec<&str> = list.split(", ").collect();
                items.sort();
                format!("Branches into: {}", items.join(", "))
            }
            None => text.to_string(),
        })
        .collect();
    let command = line
        .split_whitespace()
        .find(|word| !word.starts_with('-'))
        .unwrap_or("");
    if command == "current" && !line.contains("-v") {
        lines.sort();
    }
    // `current -v` prints one block per revision, also in set order.
    if command == "current" && line.contains("-v") {
        if let Some(first) = lines.iter().position(|text| text.starts_with("Rev: ")) {
            let mut blocks: Vec<Vec<String>> = Vec::new();
            for text in lines.drain(first..) {
                if text.starts_with("Rev: ") || blocks.is_empty() {
                    blocks.push(Vec::new());
                }
                if let Some(block) = blocks.last_mut() {
                    block.push(text);
                }
            }
            blocks.sort();
            lines.extend(blocks.into_iter().flatten());
        }
    }
    if command == "branches" {
        let mut index = 0;
        while index < lines.len() {
            let start = index;
            while index < lines.len() && lines[index].trim_start().starts_with("-> ") {
                index += 1;
            }
            lines[start..index].sort();
            index += 1;
        }
    }
    if line.contains("--sql") {
        let is_version_statement = |text: &str| {
            text.starts_with("INSERT INTO alembic_version")
                || text.starts_with("UPDATE alembic_version")
                || text.starts_with("DELETE FROM alembic_version")
        };
        let mut block_start = 0;
        for index in 0..=lines.len() {
            if index == lines.len() || lines[index].starts_with("-- Running ") {
                let count = lines[block_start..index]
                    .iter()
                    .filter(|text| is_version_statement(text))
                    .count();
                if count >= 2 {
                    for text in lines[block_start..index].iter_mut() {
                        if is_version_statement(text) {
                            *text = "<alembic_version change chosen by set order>".to_string();
                        }
                    }
                }
                block_start = index;
            }
        }
    }
    let mut joined = lines.join("\n");
    if stdout.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

fn read_files(project: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![project.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "__pycache__" || name == "app.db" || name.ends_with(".pyc") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(project)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                let text =
                    std::fs::read_to_string(&path).unwrap_or_else(|_| "<binary>".to_string());
                files.insert(relative, normalise(&text, project));
            }
        }
    }
    files
}

/// The version table's rows as SQLite returns them (rowid order), or `None` without the table.
fn version_rows_of(database: &mut SqliteDatabase) -> Option<Vec<String>> {
    let (_, rows) = database
        .query("SELECT version_num FROM alembic_version", &[])
        .ok()?;
    Some(
        rows.iter()
            .filter_map(|row| row.first().map(SqlValue::display))
            .collect(),
    )
}

/// The version table's rows in table order, not sorted (empty without a database).
fn version_rows_in_table_order(project: &Path) -> Vec<String> {
    let path = project.join("app.db");
    if !path.exists() {
        return Vec::new();
    }
    SqliteDatabase::open(&path.to_string_lossy())
        .ok()
        .and_then(|mut database| version_rows_of(&mut database))
        .unwrap_or_default()
}

fn read_database(project: &Path) -> (Vec<String>, Vec<String>) {
    let path = project.join("app.db");
    if !path.exists() {
        return (vec!["<no database file>".to_string()], Vec::new());
    }
    let mut database = SqliteDatabase::open(&path.to_string_lossy()).expect("open app.db");
    let (_, rows) = database
        .query(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
            &[],
        )
        .expect("read sqlite_master");
    let mut schema: Vec<String> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(SqlValue::display)
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    // The rows of every table, so data kept or lost by a migration is compared too.
    let tables: Vec<String> = rows
        .iter()
        .filter(|row| matches!(row.first(), Some(SqlValue::Text(kind)) if kind == "table"))
        .filter_map(|row| match row.get(1) {
            // alembic_version's row order comes from Python sets; its rows are compared as a set.
            Some(SqlValue::Text(name))
                if !name.starts_with("sqlite_") && name != "alembic_version" =>
            {
                Some(name.clone())
            }
            _ => None,
        })
        .collect();
    for table in tables {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        if let Ok((_, data)) =
            database.query(&format!("SELECT * FROM {quoted} ORDER BY rowid"), &[])
        {
            for row in data {
                let values: Vec<String> = row.iter().map(SqlValue::literal).collect();
                schema.push(format!("row {table}: {}", values.join(", ")));
            }
        }
    }
    let version_rows = match version_rows_of(&mut database) {
        Some(mut values) => {
            // The row order of several heads comes from Python set iteration (reference §11 #7).
            values.sort();
            values
        }
        None => vec!["<no alembic_version table>".to_string()],
    };
    (schema, version_rows)
}

#[allow(dead_code)] // (the real-world test uses it)
pub fn run_tool(binary: &Path, project: &Path, line: &str) -> Observation {
    run_tool_on(binary, project, line, None)
}

/// [`run_tool`], the database being `postgres`' when there is one.
fn run_tool_on(
    binary: &Path,
    project: &Path,
    line: &str,
    postgres: Option<(&PostgresPair, Side)>,
) -> Observation {
    if let Some((pair, side)) = postgres {
        pair.take(side);
    }
    let words = alembic_playground::commands::args::split_command_line(line)
        .expect("scenario command line");
    let output = Command::new(binary)
        .args(&words)
        .current_dir(project)
        .env_remove("ALEMBIC_CONFIG")
        .env("COLUMNS", "80")
        .output()
        .expect("run tool");
    let exit_code = output.status.code().unwrap_or(-1);
    let stdout = canonical_set_order(
        line,
        &normalise(&String::from_utf8_lossy(&output.stdout), project),
    );
    let mut stderr = canonical_stamp_sources(&normalise(
        &String::from_utf8_lossy(&output.stderr),
        project,
    ));
    if exit_code == 1 {
        stderr = traceback_tail(&stderr);
    }
    let (schema, version_rows) = match postgres {
        Some((pair, side)) => {
            let read = pair.read();
            pair.give_back(side);
            read
        }
        None => read_database(project),
    };
    Observation {
        exit_code,
        stdout,
        stderr,
        schema,
        version_rows,
        files: read_files(project),
    }
}

fn find_revision_file(project: &Path, revision: &str) -> PathBuf {
    let versions = project.join("migrations/versions");
    for entry in std::fs::read_dir(&versions)
        .expect("read versions")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(revision) && name.ends_with(".py") {
            return entry.path();
        }
    }
    panic!(
        "no revision file starting with {revision} in {}",
        versions.display()
    );
}

fn apply_edit(project: &Path, step: &Step) {
    match step {
        Step::EditRevision {
            revision,
            upgrade,
            downgrade,
        } => {
            let path = find_revision_file(project, revision);
            let text = std::fs::read_to_string(&path).expect("read revision");
            let text = text
                .replacen(
                    "    \"\"\"Upgrade schema.\"\"\"\n    pass",
                    &format!("    \"\"\"Upgrade schema.\"\"\"\n{upgrade}"),
                    1,
                )
                .replacen(
                    "    \"\"\"Downgrade schema.\"\"\"\n    pass",
                    &format!("    \"\"\"Downgrade schema.\"\"\"\n{downgrade}"),
                    1,
                );
            std::fs::write(&path, text).expect("write revision");
        }
        Step::Write(path, text) => {
            let target = project.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).expect("create parent");
            }
            std::fs::write(target, text).expect("write file");
        }
        Step::Remove(path) => std::fs::remove_file(project.join(path)).expect("remove file"),
        Step::Replace { path, from, to } => {
            let target = project.join(path);
            let text = std::fs::read_to_string(&target).expect("read file");
            assert!(text.contains(from), "{path} does not contain {from:?}");
            std::fs::write(target, text.replacen(from, to, 1)).expect("write file");
        }
        Step::Run(_) | Step::Postgresql => {}
    }
}

/// Runs a scenario through both tools; returns a report of every mismatch (empty = conformant).
pub fn run_scenario(name: &str, steps: &[Step]) -> Vec<String> {
    run_steps(name, steps, false)
}

/// Where Alembic crashes with a Python traceback the playground gives a clear `FAILED:` error
/// instead (reference §11), and may leave the database as it was where Alembic left it
/// half-changed. With `resync_after_crash`, such a step counts as conformant when the
/// playground fails with a `FAILED:` message, and Alembic's project is then copied over the
/// playground's so that later steps compare from the same state. (A traceback the
/// playground reproduces, such as a failing SQL statement's, is compared as usual.)
fn run_steps(name: &str, steps: &[Step], resync_after_crash: bool) -> Vec<String> {
    let base = scratch_dir(name);
    let template = base.join("template");
    std::fs::create_dir_all(&template).expect("create template dir");
    init_project(&template);
    let postgres = (steps.first() == Some(&Step::Postgresql)).then(|| PostgresPair::new(name));
    if let Some(pair) = &postgres {
        let ini_path = template.join("alembic.ini");
        let ini = std::fs::read_to_string(&ini_path).expect("read alembic.ini");
        let ini = ini.replace(
            "sqlalchemy.url = sqlite:///%(here)s/app.db",
            &format!("sqlalchemy.url = {}", pair.url()),
        );
        std::fs::write(&ini_path, ini).expect("write alembic.ini");
    }
    let real = base.join("real");
    let ours = base.join("ours");
    copy_tree(&template, &real);
    copy_tree(&template, &ours);
    let mut mismatches = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        match step {
            Step::Run(line) => {
                let mut expected = run_tool_on(
                    &alembic_bin(),
                    &real,
                    line,
                    postgres.as_ref().map(|pair| (pair, Side::Real)),
                );
                let mut actual = run_tool_on(
                    &playground_bin(),
                    &ours,
                    line,
                    postgres.as_ref().map(|pair| (pair, Side::Ours)),
                );
                if resync_after_crash {
                    // Random walks reach batch copies of tables that already have several
                    // constraints; Alembic copies them in `table.constraints` (a Python set)
                    // order, which changes from run to run (reference §11 #7).
                    for observation in [&mut expected, &mut actual] {
                        observation.schema = observation
                            .schema
                            .iter()
                            .map(|entry| constraints_in_name_order(entry))
                            .collect();
                    }
                }
                let crashed = expected.exit_code == 1 && expected.stderr.contains("Traceback");
                if resync_after_crash && crashed && expected != actual {
                    // What Alembic printed before crashing may come first (`show -1` prints
                    // the entries before the one it fails on).
                    let failed = actual
                        .stdout
                        .lines()
                        .last()
                        .is_some_and(|last| last.starts_with("FAILED: "));
                    if actual.exit_code == 0 || !failed {
                        mismatches.push(describe_mismatch(name, index, line, &expected, &actual));
                    }
                    let _ = std::fs::remove_dir_all(&ours);
                    copy_tree(&real, &ours);
                } else if expected != actual {
                    mismatches.push(describe_mismatch(name, index, line, &expected, &actual));
                } else if resync_after_crash
                    && version_rows_in_table_order(&real) != version_rows_in_table_order(&ours)
                {
                    // The same rows in another physical order: after an unmerge, which parent
                    // row Alembic UPDATEs and which it INSERTs follows Python set order
                    // (reference §5), and `downgrade -1` from several rows starts at the first
                    // one. Carry on from Alembic's order.
                    let _ = std::fs::remove_dir_all(&ours);
                    copy_tree(&real, &ours);
                }
            }
            edit => {
                apply_edit(&real, edit);
                apply_edit(&ours, edit);
            }
        }
    }
    if mismatches.is_empty() {
        let _ = std::fs::remove_dir_all(&base);
    }
    mismatches
}

fn describe_mismatch(
    name: &str,
    index: usize,
    line: &str,
    expected: &Observation,
    actual: &Observation,
) -> String {
    let mut report = format!("scenario {name}, step {index}: alembic {line}\n");
    if expected.exit_code != actual.exit_code {
        report.push_str(&format!(
            "  exit code: alembic {} vs playground {}\n",
            expected.exit_code, actual.exit_code
        ));
    }
    for (label, left, right) in [
        ("stdout", &expected.stdout, &actual.stdout),
        ("stderr", &expected.stderr, &actual.stderr),
    ] {
        if left != right {
            report.push_str(&format!(
                "  {label} differs:\n--- alembic\n{left}\n--- playground\n{right}\n---\n"
            ));
        }
    }
    if expected.schema != actual.schema {
        report.push_str(&format!(
            "  schema differs:\n--- alembic\n{}\n--- playground\n{}\n---\n",
            expected.schema.join("\n"),
            actual.schema.join("\n")
        ));
    }
    if expected.version_rows != actual.version_rows {
        report.push_str(&format!(
            "  alembic_version: alembic {:?} vs playground {:?}\n",
            expected.version_rows, actual.version_rows
        ));
    }
    if expected.files != actual.files {
        for (path, text) in &expected.files {
            match actual.files.get(path) {
                None => report.push_str(&format!("  file {path} missing in playground project\n")),
                Some(other) if other != text => report.push_str(&format!(
                    "  file {path} differs:\n--- alembic\n{text}\n--- playground\n{other}\n---\n"
                )),
                _ => {}
            }
        }
        for path in actual.files.keys() {
            if !expected.files.contains_key(path) {
                report.push_str(&format!("  file {path} only in playground project\n"));
            }
        }
    }
    report
}

/// `CREATE TABLE` text with its table-level constraint lines sorted (the column lines and
/// everything else unchanged). Also used by tests/realworld.rs.
pub fn constraints_in_name_order(entry: &str) -> String {
    let lines: Vec<&str> = entry.lines().collect();
    let is_constraint = |line: &str| {
        let line = line.trim_start();
        [
            "CONSTRAINT ",
            "PRIMARY KEY",
            "UNIQUE ",
            "FOREIGN KEY",
            "CHECK ",
        ]
        .iter()
        .any(|start| line.starts_with(start))
    };
    let Some(first) = lines.iter().position(|line| is_constraint(line)) else {
        return entry.to_string();
    };
    let end = lines.len() - 1; // the closing `)`
    if first >= end || !lines[first..end].iter().all(|line| is_constraint(line)) {
        return entry.to_string();
    }
    let mut constraints: Vec<&str> = lines[first..end]
        .iter()
        .map(|line| line.trim_end().trim_end_matches(','))
        .collect();
    constraints.sort();
    let mut out: Vec<String> = lines[..first].iter().map(|line| line.to_string()).collect();
    let count = constraints.len();
    for (index, line) in constraints.into_iter().enumerate() {
        out.push(if index + 1 < count {
            format!("{line}, ")
        } else {
            line.to_string()
        });
    }
    out.extend(lines[end..].iter().map(|line| line.to_string()));
    out.join("\n")
}

/// The random source of the differential tests: the seed (`DIFFERENTIAL_SEED`, for hunting,
/// or `default`) and `below(n)`, a number in `0..n` (xorshift64).
pub fn differential_random(default: u64) -> (u64, impl FnMut(usize) -> usize) {
    let seed = std::env::var("DIFFERENTIAL_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default);
    // xorshift needs a state other than zero.
    let mut state = seed.max(1);
    let below = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound.max(1) as u64) as usize
    };
    (seed, below)
}

/// Asserts random steps are conformant, where Alembic's crashes may be clear errors instead
/// (see [`run_steps`]).
pub fn assert_conformant_or_clear_error(name: &str, steps: &[Step]) {
    let mismatches = run_steps(name, steps, true);
    assert!(
        mismatches.is_empty(),
        "\n{}\nThe steps, as a .scenario file:\n{}",
        mismatches.join("\n"),
        format_scenario(steps)
    );
}

/// Asserts a scenario is conformant, printing every mismatch.
pub fn assert_conformant(name: &str, steps: &[Step]) {
    let mismatches = run_scenario(name, steps);
    assert!(mismatches.is_empty(), "\n{}", mismatches.join("\n"));
}

// ------------------------------------------------------------------ PostgreSQL

/// Which tool's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Real,
    Ours,
}

/// The server the PostgreSQL scenarios use: `$ALEMBIC_PG_URL` (no database part), or the
/// throw-away cluster `scripts/pg-cluster start` starts (or finds running).
pub fn postgres_server() -> String {
    static SERVER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SERVER
        .get_or_init(|| {
            if let Ok(url) = std::env::var("ALEMBIC_PG_URL") {
                return url.trim_end_matches('/').to_string();
            }
            let output = Command::new(repo_root().join("scripts/pg-cluster"))
                .arg("start")
                .output()
                .expect("run scripts/pg-cluster start");
            assert!(
                output.status.success(),
                "scripts/pg-cluster start failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).trim().to_string()
        })
        .clone()
}

pub fn postgres_client(database: &str) -> postgres::Client {
    let url = format!("{}/{database}", postgres_server());
    postgres::Client::connect(&url, postgres::NoTls)
        .unwrap_or_else(|error| panic!("connect to {url}: {error}"))
}

/// The two tools' databases of one scenario. Both projects name the same database (so their
/// files, output and errors can be compared as they are); before a tool runs, its own
/// database is renamed to that name, and back afterwards.
struct PostgresPair {
    name: String,
}

impl PostgresPair {
    fn new(scenario: &str) -> PostgresPair {
        let name = format!("conformance_{scenario}");
        let mut admin = postgres_client("postgres");
        for database in [name.clone(), format!("{name}_real"), format!("{name}_ours")] {
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{database}\""))
                .expect("drop database");
        }
        for side in ["real", "ours"] {
            admin
                .batch_execute(&format!("CREATE DATABASE \"{name}_{side}\""))
                .expect("create database");
        }
        PostgresPair { name }
    }

    /// The URL both projects' alembic.ini name (psycopg2, as the issue's `.venv` has it).
    fn url(&self) -> String {
        let server = postgres_server();
        let rest = server.strip_prefix("postgresql://").unwrap_or(&server);
        format!("postgresql+psycopg2://{rest}/{}", self.name)
    }

    fn side_name(&self, side: Side) -> String {
        match side {
            Side::Real => format!("{}_real", self.name),
            Side::Ours => format!("{}_ours", self.name),
        }
    }

    fn rename(&self, from: &str, to: &str) {
        postgres_client("postgres")
            .batch_execute(&format!("ALTER DATABASE \"{from}\" RENAME TO \"{to}\""))
            .unwrap_or_else(|error| panic!("rename database {from} to {to}: {error}"));
    }

    fn take(&self, side: Side) {
        self.rename(&self.side_name(side), &self.name);
    }

    fn give_back(&self, side: Side) {
        self.rename(&self.name, &self.side_name(side));
    }

    /// The database (under the shared name) as text: tables with their comments, columns
    /// (type, nullability, default, identity, comment), constraints and indexes as PostgreSQL
    /// prints their definitions, enum types, sequences, every table's rows; and the version
    /// table's rows, sorted (their order comes from Python sets).
    fn read(&self) -> (Vec<String>, Vec<String>) {
        let mut client = postgres_client(&self.name);
        let mut text = |sql: &str| -> Vec<Vec<String>> {
            client
                .simple_query(sql)
                .unwrap_or_else(|error| panic!("{sql}: {error}"))
                .into_iter()
                .filter_map(|message| match message {
                    postgres::SimpleQueryMessage::Row(row) => Some(
                        (0..row.len())
                            .map(|index| row.get(index).unwrap_or("NULL").to_string())
                            .collect(),
                    ),
                    _ => None,
                })
                .collect()
        };
        const USER: &str = "NOT IN ('pg_catalog', 'information_schema', 'pg_toast')";
        let mut schema = Vec::new();
        let tables = text(&format!(
            "SELECT n.nspname, c.relname, coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname {USER} ORDER BY 1, 2"
        ));
        for table in &tables {
            schema.push(format!(
                "table {}.{} comment={:?}",
                table[0], table[1], table[2]
            ));
        }
        // each kind of object, one line each: what PostgreSQL prints of it
        let kinds = [
            (
                "column",
                "SELECT table_schema, table_name, column_name, data_type, coalesce(character_maximum_length::text, ''), coalesce(numeric_precision::text, '') || ',' || coalesce(numeric_scale::text, ''), udt_name, is_nullable, coalesce(column_default, ''), is_identity, coalesce(identity_generation, ''), coalesce(col_description((quote_ident(table_schema) || '.' || quote_ident(table_name))::regclass, ordinal_position), '') FROM information_schema.columns WHERE table_schema {USER} ORDER BY table_schema, table_name, ordinal_position",
            ),
            (
                "constraint",
                "SELECT n.nspname, cl.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname {USER} ORDER BY 1, 2, 3",
            ),
            (
                "index",
                "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname {USER} ORDER BY 1, 2, 3",
            ),
            (
                "enum",
                "SELECT n.nspname, t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname {USER} GROUP BY 1, 2 ORDER BY 1, 2",
            ),
            (
                "sequence",
                "SELECT sequence_schema, sequence_name, data_type, start_value, increment FROM information_schema.sequences WHERE sequence_schema {USER} ORDER BY 1, 2",
            ),
        ];
        for (label, sql) in kinds {
            for row in text(&sql.replace("{USER}", USER)) {
                schema.push(format!("{label} {}", row.join(" | ")));
            }
        }
        let mut version_rows = vec!["<no alembic_version table>".to_string()];
        for table in &tables {
            let qualified = format!(
                "\"{}\".\"{}\"",
                table[0].replace('"', "\"\""),
                table[1].replace('"', "\"\"")
            );
            if table[1] == "alembic_version" && table[0] == "public" {
                let mut rows: Vec<String> = text(&format!("SELECT version_num FROM {qualified}"))
                    .into_iter()
                    .map(|row| row.join(""))
                    .collect();
                rows.sort();
                version_rows = rows;
                continue;
            }
            for row in text(&format!("SELECT t::text FROM {qualified} AS t ORDER BY 1")) {
                schema.push(format!("row {}.{}: {}", table[0], table[1], row.join("")));
            }
        }
        (schema, version_rows)
    }
}
