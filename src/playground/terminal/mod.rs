//! The terminal's own commands beside `alembic` (help, ls, cat, sqlite3, undo...) and tab
//! completion.

mod completion;

pub use completion::{complete, Completion};

use crate::commands;

/// What `help` prints.
pub const HELP_TEXT: &str = "\
Commands:
  alembic <command> [options]   run Alembic (try: alembic --help)
  sql <statement>               run SQL against the project's database
  lint                          point out SQLite ALTER limits, data loss and irreversible
                                downgrades in the revision files
  reversibility                 upgrade, downgrade, upgrade every revision in a scratch copy
                                and report which ones do not come back the same
  clear                         clear the terminal
  help                          show this help

Try the tutorial's first steps:
  alembic revision -m \"create account table\"
  (edit the new file in alembic/versions/, then)
  alembic upgrade head
  alembic history
";

/// `alembic` command lines that change neither files nor the database (`history` without
/// `-i`, `current`, `heads`, `branches`, `show`, `list_templates`, help and version).
pub fn is_read_only_command(line: &str) -> bool {
    let words = commands::args::split_command_line(line).unwrap_or_default();
    let Some(command) = words.iter().skip(1).find(|word| !word.starts_with('-')) else {
        return true;
    };
    let has = |flag: &str| words.iter().any(|word| word == flag);
    match command.as_str() {
        "current" | "heads" | "branches" | "show" | "list_templates" => true,
        "history" => {
            !has("-i")
                && !has("--indicate-current")
                && !words.iter().any(|word| word.contains("current"))
        }
        _ => has("--help") || has("-h"),
    }
}
