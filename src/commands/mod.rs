//! The `alembic` commands: argv in, [`Output`] out, with Alembic's exact text and exit codes.
//!
//! Owns: the argv grammar (`args`), one function per verb, Alembic's messages.
//! Does not: know whether it runs in a terminal or a page; touch anything but the [`Host`].

pub mod args;
pub mod help;

use crate::config::SqliteTarget;
use crate::fs::FileSystem;
use crate::output::Output;
use crate::runtime::Database;
use crate::script::naming::CreateDate;

/// Opens the SQLite database a `sqlalchemy.url` points to.
pub trait DatabaseProvider {
    fn connect(&mut self, target: &SqliteTarget, cwd: &str) -> Result<&mut dyn Database, String>;
}

/// The current local time (injected so tests and the page control it).
pub trait Clock {
    fn now(&self) -> CreateDate;
}

/// New revision ids (injected so tests are deterministic).
pub trait IdSource {
    fn new_revision_id(&mut self) -> String;
}

/// Everything a command may touch.
pub struct Host<'a> {
    pub files: &'a mut dyn FileSystem,
    pub databases: &'a mut dyn DatabaseProvider,
    pub clock: &'a dyn Clock,
    pub ids: &'a mut dyn IdSource,
    /// The working directory (where `alembic.ini` is looked for).
    pub cwd: String,
    /// `$ALEMBIC_CONFIG`.
    pub alembic_config: Option<String>,
}

/// Runs one `alembic` command line (without the program name).
pub fn run(argv: &[String], host: &mut Host<'_>) -> Output {
    let mut output = Output::default();
    match args::parse(argv) {
        args::ArgsOutcome::Print(text) => output.stdout(text),
        args::ArgsOutcome::Error(text) => {
            output.stderr(text);
            output.exit_code = 2;
        }
        args::ArgsOutcome::Run(parsed) => {
            let _ = (parsed, host);
            output.stdout("FAILED: not implemented yet\n");
            output.exit_code = 255;
        }
    }
    output
}
