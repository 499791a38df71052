//! The `alembic` commands: argv in, [`Output`] out, with Alembic's exact text and exit codes.
//!
//! Owns: the argv grammar (`args`), one function per verb (`init.rs`, `revision.rs`,
//! `migrate.rs`, `inspect.rs`), and how failures print: `FAILED: <message>` on stdout plus
//! `ERROR [alembic.util.messaging] <message>` on stderr once env.py has configured logging
//! (exit 255), Python-style tracebacks for errors Alembic does not catch (exit 1), argparse
//! usage errors (exit 2).
//! Does not: know whether it runs in a terminal or a page; touch anything but the [`Host`].

pub mod args;
mod autogenerate;
mod directory;
mod environment;
pub mod help;
mod init;
mod inspect;
mod migrate;
mod revision;

pub use directory::{last_load, Scripts};

use crate::host::Host;

use crate::config::Config;
use crate::output::Output;

use args::{ArgsOutcome, ParsedArgs};

/// How a command failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A `CommandError` (or a graph error Alembic catches): `FAILED: <message>`, exit 255.
    Command(String),
    /// Something the playground itself cannot do (valid Python it cannot run, a feature not
    /// built yet): `alembic-playground: error: <message>` on stderr, exit 1. Never printed in
    /// place of an Alembic message.
    Playground(String),
    /// An exception Alembic does not catch: a traceback, exit 1. `frames` are the
    /// `File "...", line N, in f` / source-line pairs worth showing (may be empty).
    Unhandled {
        frames: Vec<String>,
        exception: String,
        message: String,
    },
    /// Nothing more happens and nothing is printed, exit 0: env.py never called
    /// `context.run_migrations()`, inside which Alembic does the command's work.
    Done,
}

impl Failure {
    pub fn command(message: impl Into<String>) -> Failure {
        Failure::Command(message.into())
    }

    pub fn unhandled(exception: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure::Unhandled {
            frames: Vec::new(),
            exception: exception.into(),
            message: message.into(),
        }
    }
}

pub type CommandResult = Result<(), Failure>;

/// A running command: its arguments, its host, and what it has printed so far.
pub struct Invocation<'h, 'a> {
    pub host: &'h mut Host<'a>,
    pub args: ParsedArgs,
    pub out: Output,
    /// Set once env.py "runs" (it calls `fileConfig`): from then on log lines print.
    pub logging: bool,
    /// `[logger_alembic] level` allows INFO lines.
    pub info_enabled: bool,
}

impl Invocation<'_, '_> {
    /// A result line (`msg()` in Alembic): stdout, suppressed by `-q`.
    pub fn message(&mut self, text: &str) {
        if !self.args.global.quiet {
            self.out.stdout(format!("{text}\n"));
        }
    }

    /// Listing output (`history`, `heads`, ...): stdout, suppressed by `-q` like everything
    /// printed through Alembic's `config.print_stdout`.
    pub fn print(&mut self, text: &str) {
        self.message(text);
    }

    /// An INFO log line from `logger`, once logging is configured.
    pub fn info(&mut self, logger: &str, text: &str) {
        if self.logging && self.info_enabled {
            self.out.stderr(format!("INFO  [{logger}] {text}\n"));
        }
    }

    /// A Python `UserWarning` as the `warnings` module prints it.
    pub fn warn(&mut self, module_path: &str, line: u32, text: &str) {
        self.out.stderr(format!(
            "{}/{module_path}:{line}: UserWarning: {text}\n  util.warn(\n",
            PYTHON_SITE_PACKAGES
        ));
    }

    /// `util.open_in_editor`.
    pub fn open_in_editor(&mut self, path: &str) -> Result<(), Failure> {
        self.out.touched_files.push(path.to_string());
        if let Some(editor) = self.host.editor.as_mut() {
            editor(path).map_err(|message| {
                Failure::Command(format!("Error executing editor ({message})"))
            })?;
        }
        Ok(())
    }

    /// Loads the config, as every command but `init` and `list_templates` does first.
    pub fn config(&self) -> Result<Config, Failure> {
        Config::load(
            &*self.host.files,
            &self.host.cwd,
            &self.args.global.config,
            self.host.alembic_config.as_deref(),
            self.args.global.name.as_deref(),
            &self.args.global.x,
        )
        .map_err(|error| Failure::unhandled("configparser.ParsingError", error.0))
    }

    /// Marks env.py as having run: logging is configured from the ini file.
    pub fn configure_logging(&mut self, config: &Config) {
        self.logging = config.ini.has_section("loggers");
        let level = config
            .ini
            .get("logger_alembic", "level")
            .ok()
            .flatten()
            .or_else(|| config.ini.get("logger_root", "level").ok().flatten())
            .unwrap_or_else(|| "WARNING".to_string());
        self.info_enabled = matches!(
            level.trim().to_uppercase().as_str(),
            "INFO" | "DEBUG" | "NOTSET"
        );
    }
}

/// Where Python's warnings say Alembic lives; only the part after it is Alembic's.
pub const PYTHON_SITE_PACKAGES: &str = "/usr/lib/python3/site-packages";

/// Where Python's standard library lives, for warnings raised from it.
pub const PYTHON_STDLIB: &str = "/usr/lib/python3.11";

/// Runs one `alembic` command line (without the program name).
pub fn run(argv: &[String], host: &mut Host<'_>) -> Output {
    let parsed = match args::parse(argv) {
        ArgsOutcome::Print(text) => {
            let mut output = Output::default();
            output.stdout(text);
            return output;
        }
        ArgsOutcome::Error(text) => {
            let mut output = Output::default();
            output.stderr(text);
            output.exit_code = 2;
            return output;
        }
        ArgsOutcome::Run(parsed) => parsed,
    };
    let mut invocation = Invocation {
        host,
        args: parsed,
        out: Output::default(),
        logging: false,
        info_enabled: true,
    };
    let result = dispatch(&mut invocation);
    let raiseerr = invocation.args.global.raiseerr;
    let quiet = invocation.args.global.quiet;
    let mut output = invocation.out;
    match result {
        Ok(()) | Err(Failure::Done) => {}
        Err(Failure::Command(message)) if raiseerr => {
            output.stderr(format!(
                "Traceback (most recent call last):\n  File \"alembic/command.py\", in {}\nalembic.util.exc.CommandError: {message}\n",
                invocation.args.command
            ));
            output.exit_code = 1;
        }
        Err(Failure::Command(message)) => {
            if invocation.logging {
                output.stderr(format!("ERROR [alembic.util.messaging] {message}\n"));
            }
            if !quiet {
                output.stdout(format!("FAILED: {message}\n"));
            }
            output.exit_code = 255;
        }
        Err(Failure::Playground(message)) => {
            output.stderr(format!("alembic-playground: error: {message}\n"));
            output.exit_code = 1;
        }
        Err(Failure::Unhandled {
            frames,
            exception,
            message,
        }) => {
            let mut text = String::from("Traceback (most recent call last):\n");
            for frame in frames {
                text.push_str(&frame);
                text.push('\n');
            }
            text.push_str(&format!("{exception}: {message}\n"));
            output.stderr(text);
            output.exit_code = 1;
        }
    }
    output
}

fn dispatch(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    match invocation.args.command.as_str() {
        "init" => init::init(invocation),
        "list_templates" => init::list_templates(invocation),
        "revision" => revision::revision(invocation),
        "merge" => revision::merge(invocation),
        "upgrade" => migrate::upgrade(invocation),
        "downgrade" => migrate::downgrade(invocation),
        "stamp" => migrate::stamp(invocation),
        "ensure_version" => migrate::ensure_version(invocation),
        "edit" => migrate::edit(invocation),
        "check" => migrate::check(invocation),
        "heads" => inspect::heads(invocation),
        "branches" => inspect::branches(invocation),
        "history" => inspect::history(invocation),
        "show" => inspect::show(invocation),
        "current" => inspect::current(invocation),
        other => Err(Failure::command(format!(
            "the '{other}' command is not available yet"
        ))),
    }
}
