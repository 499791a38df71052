//! The whole engine against broken projects: one file of a working project (alembic.ini,
//! env.py, script.py.mako, models.py or a revision file) edited at random, then what a
//! learner types and what the page reads after every command. Errors are the expected
//! outcome; a panic fails the test (in the page a panic would kill the page).

use crate::playground::learning::examples::{self, EXAMPLES};
use crate::playground::project::PROJECT_DIR;
use crate::playground::session::Session;
use crate::test_support::{mutate, CountingIds, FixedClock, Xorshift};

/// Edits that break Python, INI files and Mako templates in the ways people do.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "\"\"\"",
    "\\",
    "\t",
    ":",
    "\n",
    "    ",
    " ",
    ",",
    "=",
    "#",
    "%",
    "%(",
    "%(here)s",
    "${",
    "${up_revision}",
    "% if ",
    "% endif",
    "<%",
    "\n%",
    "def ",
    "op.",
    "sa.",
    "None",
    "True",
    "0",
    "-1",
    "é",
    "\u{feff}",
    "\r",
    "[alembic]\n",
    "script_location = ",
    "sqlalchemy.url = ",
    "sqlite:///",
    "version_locations = ",
    "revision = ",
    "down_revision = ",
    "('a', 'b')",
    "depends_on = ",
    "branch_labels = ",
    "batch_alter_table(",
    "with ",
    " as ",
    "import ",
    "from ",
    "Column(",
    "ForeignKey(",
    "mapped_column(",
    "__tablename__ = ",
    "class ",
    "nullable=False",
    "server_default=",
];

/// What a learner types, then what the page reads to redraw its panels.
const COMMANDS: &[&str] = &[
    "alembic upgrade heads",
    "alembic history -v",
    "alembic heads --resolve-dependencies",
    "alembic branches",
    "alembic current -v",
    "alembic show head",
    "alembic check",
    "alembic revision --autogenerate -m again",
    "alembic merge heads -m join",
    "alembic downgrade base",
    "alembic stamp heads --purge",
    "alembic upgrade base:heads --sql",
    "lint",
    "reversibility",
];

fn relative_files(session: &Session) -> Vec<(String, String)> {
    let prefix = format!("{PROJECT_DIR}/");
    session
        .files()
        .files()
        .filter_map(|(path, text)| {
            let relative = path.strip_prefix(&prefix)?;
            (!relative.ends_with("README")).then(|| (relative.to_string(), text.clone()))
        })
        .collect()
}

#[test]
fn broken_project_files_give_errors_never_panics() {
    let projects: Vec<Vec<(String, String)>> = EXAMPLES
        .iter()
        .map(|example| {
            let mut ids = CountingIds::new(0x5e0000000000);
            relative_files(&examples::open(example, &FixedClock, &mut ids))
        })
        .collect();
    let mut random = Xorshift(0x0dd5_eed5_1234_5678);
    let (mut failed, mut succeeded) = (0, 0);
    for iteration in 0..96 {
        let mut files = projects[iteration % projects.len()].clone();
        let victim = random.below(files.len());
        let mutated = mutate(&mut random, &files[victim].1, FRAGMENTS);
        files[victim].1 = mutated;
        let path = format!("{PROJECT_DIR}/{}", files[victim].0);
        let mut session = Session::from_files(&files).expect("the example's paths are valid");
        let mut ids = CountingIds::new(0x6e0000000000);
        for command in COMMANDS {
            let output = session.run_line(command, &FixedClock, &mut ids).output;
            if output.exit_code == 0 {
                succeeded += 1;
            } else {
                failed += 1;
            }
            // What the page reads after each command.
            let _ = session.revision_graph();
            let _ = session.version_rows();
            let _ = session.migrations_fingerprint();
            let _ = session.file_problems(&path);
        }
        let _ = session.drift(&FixedClock, &mut ids);
        let _ = session.schema_at("heads", &FixedClock, &mut ids);
        let _ = session.complete("alembic upgrade ");
    }
    // The edits must reach both the error paths and the working ones.
    assert!(failed > 100, "only {failed} commands failed");
    assert!(succeeded > 100, "only {succeeded} commands succeeded");
}

/// Words a command line is made of, valid and not.
const WORDS: &[&str] = &[
    "alembic",
    "sql",
    "lint",
    "reversibility",
    "help",
    "clear",
    "upgrade",
    "downgrade",
    "stamp",
    "revision",
    "merge",
    "history",
    "current",
    "heads",
    "branches",
    "show",
    "check",
    "edit",
    "init",
    "list_templates",
    "ensure_version",
    "head",
    "heads",
    "base",
    "+1",
    "-1",
    "+99",
    "-99",
    "head-1",
    "base+2",
    "@head",
    "a@head",
    "x@base",
    "-r",
    "--rev-range",
    ":",
    "base:",
    ":head",
    "-3:",
    "current:",
    "--sql",
    "--purge",
    "-m",
    "--rev-id",
    "--head",
    "--splice",
    "--branch-label",
    "--depends-on",
    "--version-path",
    "--autogenerate",
    "-c",
    "-n",
    "-x",
    "--raiseerr",
    "-q",
    "-v",
    "-i",
    "--resolve-dependencies",
    "--tag",
    "'",
    "\"",
    "\\",
    "=",
    "SELECT",
    "*",
    "FROM",
    "alembic_version",
    "DROP",
    "TABLE",
    "account",
    ";",
    "--",
    "é",
    "0000",
    "abc",
    "5e00",
    "\t",
];

#[test]
fn random_command_lines_give_errors_never_panics() {
    let mut ids = CountingIds::new(0x5e0000000000);
    let mut session = examples::open(&EXAMPLES[1], &FixedClock, &mut ids);
    let mut random = Xorshift(0x5eed_0000_c0de_0001);
    let mut failed = 0;
    for _ in 0..400 {
        let length = 1 + random.below(6);
        let mut line: Vec<&str> = (0..length)
            .map(|_| WORDS[random.below(WORDS.len())])
            .collect();
        if random.below(2) == 0 {
            line.insert(0, "alembic");
        }
        let output = session
            .run_line(&line.join(" "), &FixedClock, &mut ids)
            .output;
        if output.exit_code != 0 {
            failed += 1;
        }
        let _ = session.complete(&line.join(" "));
    }
    assert!(failed > 100, "only {failed} lines failed");
}
