//! The `alembic` command line, parsed the way Python's `argparse` parses it.
//!
//! Owns: the global options, the fifteen sub-commands with their options, argparse's rules
//! (long-option prefixes, `--opt=value`, bundled short flags, `-xVALUE`, options that look like
//! negative numbers, `nargs='+'`) and argparse's exact error texts and exit status 2.
//! Does not: resolve revisions, read config, or run anything.

use super::help;

/// Options given before the sub-command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalOptions {
    pub config: Vec<String>,
    pub name: Option<String>,
    pub x: Vec<String>,
    pub raiseerr: bool,
    pub quiet: bool,
}

/// A parsed command line: global options, the sub-command name, and its arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedArgs {
    pub global: GlobalOptions,
    pub command: String,
    /// Flags that were given (by their long name, e.g. `sql`, `verbose`).
    pub flags: Vec<&'static str>,
    /// Values of options that take one (by long name); repeated options keep every value.
    pub values: Vec<(&'static str, String)>,
    /// Positional values, in order.
    pub positionals: Vec<String>,
}

impl ParsedArgs {
    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    /// The last value given for an option (argparse's `store`).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value given for an option (argparse's `append`).
    pub fn all_values(&self, name: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    pub fn positional(&self) -> Option<&str> {
        self.positionals.first().map(String::as_str)
    }
}

/// What parsing produced besides a command to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgsOutcome {
    Run(ParsedArgs),
    /// `-h`, `--help`, `--version`: print this to stdout, exit 0.
    Print(String),
    /// An argparse error: print this to stderr, exit 2.
    Error(String),
}

#[derive(Debug, Clone, Copy)]
struct OptionSpec {
    short: Option<&'static str>,
    long: &'static str,
    takes_value: bool,
}

#[derive(Debug, Clone, Copy)]
enum Positionals {
    None,
    One(&'static str),
    OneOrMore(&'static str),
}

struct CommandSpec {
    name: &'static str,
    options: &'static [OptionSpec],
    positionals: Positionals,
}

const fn flag(short: Option<&'static str>, long: &'static str) -> OptionSpec {
    OptionSpec {
        short,
        long,
        takes_value: false,
    }
}

const fn valued(short: Option<&'static str>, long: &'static str) -> OptionSpec {
    OptionSpec {
        short,
        long,
        takes_value: true,
    }
}

const SQL: OptionSpec = flag(None, "sql");
const TAG: OptionSpec = valued(None, "tag");
const VERBOSE: OptionSpec = flag(Some("v"), "verbose");
const MESSAGE: OptionSpec = valued(Some("m"), "message");
const BRANCH_LABEL: OptionSpec = valued(None, "branch-label");
const REV_ID: OptionSpec = valued(None, "rev-id");
const SPLICE: OptionSpec = flag(None, "splice");

/// The sub-commands in `alembic --help` order.
const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "branches",
        options: &[VERBOSE],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "check",
        options: &[],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "current",
        options: &[flag(Some("c"), "check-heads"), VERBOSE],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "downgrade",
        options: &[SQL, TAG],
        positionals: Positionals::One("revision"),
    },
    CommandSpec {
        name: "edit",
        options: &[],
        positionals: Positionals::One("rev"),
    },
    CommandSpec {
        name: "ensure_version",
        options: &[SQL],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "heads",
        options: &[VERBOSE, flag(None, "resolve-dependencies")],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "history",
        options: &[
            valued(Some("r"), "rev-range"),
            VERBOSE,
            flag(Some("i"), "indicate-current"),
        ],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "init",
        options: &[valued(Some("t"), "template"), flag(None, "package")],
        positionals: Positionals::One("directory"),
    },
    CommandSpec {
        name: "list_templates",
        options: &[],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "merge",
        options: &[MESSAGE, BRANCH_LABEL, REV_ID, SPLICE],
        positionals: Positionals::OneOrMore("revisions"),
    },
    CommandSpec {
        name: "revision",
        options: &[
            MESSAGE,
            flag(None, "autogenerate"),
            SQL,
            valued(None, "head"),
            SPLICE,
            BRANCH_LABEL,
            valued(None, "version-path"),
            REV_ID,
            valued(None, "depends-on"),
        ],
        positionals: Positionals::None,
    },
    CommandSpec {
        name: "show",
        options: &[],
        positionals: Positionals::One("rev"),
    },
    CommandSpec {
        name: "stamp",
        options: &[SQL, TAG, flag(None, "purge")],
        positionals: Positionals::OneOrMore("revisions"),
    },
    CommandSpec {
        name: "upgrade",
        options: &[SQL, TAG],
        positionals: Positionals::One("revision"),
    },
];

const GLOBAL_OPTIONS: &[OptionSpec] = &[
    flag(Some("h"), "help"),
    flag(None, "version"),
    valued(Some("c"), "config"),
    valued(Some("n"), "name"),
    valued(Some("x"), "x"),
    flag(None, "raiseerr"),
    flag(Some("q"), "quiet"),
];

/// The names of every sub-command, in `--help` order.
pub fn command_names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|spec| spec.name)
}

/// The long option names a sub-command accepts (for completion in the page).
pub fn command_options(command: &str) -> Vec<String> {
    COMMANDS
        .iter()
        .find(|spec| spec.name == command)
        .map(|spec| {
            let mut names: Vec<String> = spec
                .options
                .iter()
                .map(|option| format!("--{}", option.long))
                .collect();
            names.push("--help".to_string());
            names
        })
        .unwrap_or_default()
}

fn main_usage() -> &'static str {
    let end = help::MAIN_HELP
        .find("\n\n")
        .unwrap_or(help::MAIN_HELP.len());
    &help::MAIN_HELP[..end]
}

fn command_usage(command: &str) -> String {
    let text = help::command_help(command).unwrap_or("");
    let end = text.find("\n\n").unwrap_or(text.len());
    text[..end].trim_end().to_string()
}

fn main_error(message: &str) -> ArgsOutcome {
    ArgsOutcome::Error(format!("{}\nalembic: error: {message}\n", main_usage()))
}

fn command_error(command: &str, message: &str) -> ArgsOutcome {
    ArgsOutcome::Error(format!(
        "{}\nalembic {command}: error: {message}\n",
        command_usage(command)
    ))
}

fn looks_like_option(argument: &str) -> bool {
    if !argument.starts_with('-') || argument == "-" {
        return false;
    }
    if argument.contains(' ') && !argument.starts_with("--") {
        return false;
    }
    let rest = &argument[1..];
    let negative_number = !rest.is_empty()
        && (rest.chars().all(|c| c.is_ascii_digit())
            || (rest.contains('.')
                && rest.chars().filter(|c| *c == '.').count() == 1
                && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
                && !rest.ends_with('.')));
    !negative_number
}

/// How an option string matched a spec: the spec, and an inline value if one was attached.
type OptionMatch = (OptionSpec, Option<String>);

fn match_option(argument: &str, specs: &[OptionSpec]) -> Result<Option<OptionMatch>, String> {
    if let Some(long) = argument.strip_prefix("--") {
        let (name, inline) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (long, None),
        };
        let specs: Vec<OptionSpec> = specs
            .iter()
            .filter(|spec| spec.short != Some(spec.long))
            .copied()
            .collect();
        if let Some(spec) = specs.iter().find(|spec| spec.long == name) {
            return Ok(Some((*spec, inline)));
        }
        let candidates: Vec<&OptionSpec> = specs
            .iter()
            .filter(|spec| spec.long.starts_with(name))
            .collect();
        return match candidates.as_slice() {
            [] => Ok(None),
            [only] => Ok(Some((**only, inline))),
            many => {
                let names: Vec<String> =
                    many.iter().map(|spec| format!("--{}", spec.long)).collect();
                Err(format!(
                    "ambiguous option: --{name} could match {}",
                    names.join(", ")
                ))
            }
        };
    }
    let body = &argument[1..];
    let Some(first) = body.chars().next() else {
        return Ok(None);
    };
    let short = &body[..first.len_utf8()];
    let rest = &body[first.len_utf8()..];
    let Some(spec) = specs.iter().find(|spec| spec.short == Some(short)) else {
        return Ok(None);
    };
    if rest.is_empty() {
        return Ok(Some((*spec, None)));
    }
    if spec.takes_value {
        let value = rest.strip_prefix('=').unwrap_or(rest);
        return Ok(Some((*spec, Some(value.to_string()))));
    }
    Ok(Some((*spec, None)))
}

fn option_display(spec: &OptionSpec) -> String {
    match spec.short {
        // `-x` has no long form.
        Some(short) if short == spec.long => format!("-{short}"),
        Some(short) => format!("-{short}/--{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

/// Parses `argv` (without the program name) as `alembic` would.
pub fn parse(argv: &[String]) -> ArgsOutcome {
    let mut global = GlobalOptions::default();
    let mut index = 0;
    let mut unrecognized: Vec<String> = Vec::new();
    // Global options, up to the sub-command.
    let command = loop {
        let Some(argument) = argv.get(index) else {
            return main_error("too few arguments");
        };
        index += 1;
        if argument == "--" {
            continue;
        }
        if !looks_like_option(argument) {
            break argument.clone();
        }
        let matched = match match_option(argument, GLOBAL_OPTIONS) {
            Ok(matched) => matched,
            Err(message) => return main_error(&message),
        };
        let Some((spec, inline)) = matched else {
            unrecognized.push(argument.clone());
            continue;
        };
        match spec.long {
            "help" => return ArgsOutcome::Print(help::MAIN_HELP.to_string()),
            "version" => return ArgsOutcome::Print("alembic 1.20.1\n".to_string()),
            "raiseerr" => global.raiseerr = true,
            "quiet" => global.quiet = true,
            _ => {
                let value = match inline {
                    Some(value) => value,
                    None => match argv.get(index) {
                        Some(next) if !looks_like_option(next) => {
                            index += 1;
                            next.clone()
                        }
                        _ => {
                            return main_error(&format!(
                                "argument {}: expected one argument",
                                option_display(&spec)
                            ))
                        }
                    },
                };
                match spec.long {
                    "config" => global.config.push(value),
                    "name" => global.name = Some(value),
                    _ => global.x.push(value),
                }
            }
        }
        // Bundled short flags such as `-qq` are rare for the global parser; argparse would
        // accept them, and so do we for `-q`.
        if spec.short.is_some() && !spec.takes_value && !argument.starts_with("--") {
            for extra in argument.chars().skip(2) {
                if extra == 'q' {
                    global.quiet = true;
                } else if extra == 'h' {
                    return ArgsOutcome::Print(help::MAIN_HELP.to_string());
                }
            }
        }
    };
    let Some(spec) = COMMANDS.iter().find(|spec| spec.name == command) else {
        let choices: Vec<String> = COMMANDS
            .iter()
            .map(|spec| format!("'{}'", spec.name))
            .collect();
        let names: Vec<&str> = COMMANDS.iter().map(|spec| spec.name).collect();
        return main_error(&format!(
            "argument {{{}}}: invalid choice: '{command}' (choose from {})",
            names.join(","),
            choices.join(", ")
        ));
    };
    let mut parsed = ParsedArgs {
        global,
        command: command.clone(),
        ..ParsedArgs::default()
    };
    let mut command_specs: Vec<OptionSpec> = spec.options.to_vec();
    command_specs.push(flag(Some("h"), "help"));
    let mut positional_runs: Vec<Vec<String>> = Vec::new();
    let mut current_run: Vec<String> = Vec::new();
    let mut only_positionals = false;
    while let Some(argument) = argv.get(index) {
        index += 1;
        if !only_positionals && argument == "--" {
            only_positionals = true;
            continue;
        }
        if only_positionals || !looks_like_option(argument) {
            current_run.push(argument.clone());
            continue;
        }
        if !current_run.is_empty() {
            positional_runs.push(std::mem::take(&mut current_run));
        }
        let matched = match match_option(argument, &command_specs) {
            Ok(matched) => matched,
            Err(message) => return command_error(&command, &message),
        };
        let Some((option, inline)) = matched else {
            unrecognized.push(argument.clone());
            continue;
        };
        if option.long == "help" {
            return ArgsOutcome::Print(help::command_help(&command).unwrap_or("").to_string());
        }
        if option.takes_value {
            let value = match inline {
                Some(value) => value,
                None => match argv.get(index) {
                    Some(next) if !looks_like_option(next) => {
                        index += 1;
                        next.clone()
                    }
                    _ => {
                        return command_error(
                            &command,
                            &format!(
                                "argument {}: expected one argument",
                                option_display(&option)
                            ),
                        )
                    }
                },
            };
            parsed.values.push((option.long, value));
        } else {
            if !parsed.flags.contains(&option.long) {
                parsed.flags.push(option.long);
            }
            // Bundled short flags: `-vi`.
            if !argument.starts_with("--") {
                for extra in argument.chars().skip(2) {
                    let extra = extra.to_string();
                    match command_specs
                        .iter()
                        .find(|spec| spec.short == Some(extra.as_str()))
                    {
                        Some(found) if found.long == "help" => {
                            return ArgsOutcome::Print(
                                help::command_help(&command).unwrap_or("").to_string(),
                            )
                        }
                        Some(found) if !found.takes_value => {
                            if !parsed.flags.contains(&found.long) {
                                parsed.flags.push(found.long);
                            }
                        }
                        _ => {
                            return command_error(
                                &command,
                                &format!(
                                    "argument {}: ignored explicit argument '{}'",
                                    option_display(&option),
                                    &argument[2..]
                                ),
                            )
                        }
                    }
                }
            }
        }
    }
    if !current_run.is_empty() {
        positional_runs.push(current_run);
    }
    // argparse fills positionals from the first run of plain arguments; later runs can only
    // fill positionals still missing, the rest is unrecognized.
    let mut runs = positional_runs.into_iter();
    match spec.positionals {
        Positionals::None => {
            for run in runs {
                unrecognized.extend(run);
            }
        }
        Positionals::One(name) => {
            let mut filled = false;
            for run in runs.by_ref() {
                let mut values = run.into_iter();
                if !filled {
                    if let Some(first) = values.next() {
                        parsed.positionals.push(first);
                        filled = true;
                    }
                }
                unrecognized.extend(values);
            }
            if !filled {
                return command_error(
                    &command,
                    &format!("the following arguments are required: {name}"),
                );
            }
        }
        Positionals::OneOrMore(name) => {
            let mut filled = false;
            for run in runs.by_ref() {
                if !filled {
                    parsed.positionals.extend(run);
                    filled = true;
                } else {
                    unrecognized.extend(run);
                }
            }
            if !filled {
                return command_error(
                    &command,
                    &format!("the following arguments are required: {name}"),
                );
            }
        }
    }
    if !unrecognized.is_empty() {
        return main_error(&format!(
            "unrecognized arguments: {}",
            unrecognized.join(" ")
        ));
    }
    ArgsOutcome::Run(parsed)
}

/// Splits a terminal line into words the way a POSIX shell would for simple cases: quotes,
/// backslash escapes, whitespace. Returns an error for an unterminated quote.
pub fn split_command_line(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(character) = chars.next() {
        match character {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(other) => current.push(other),
                        None => {
                            return Err("unterminated quoted string: add the closing '".to_string())
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(escaped @ ('"' | '\\' | '$' | '`')) => current.push(escaped),
                            Some(other) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => {
                                return Err(
                                    "unterminated quoted string: add the closing \"".to_string()
                                )
                            }
                        },
                        Some(other) => current.push(other),
                        None => {
                            return Err("unterminated quoted string: add the closing \"".to_string())
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(escaped) = chars.next() {
                    current.push(escaped);
                }
            }
            whitespace if whitespace.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            other => {
                in_word = true;
                current.push(other);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        split_command_line(line).unwrap()
    }

    fn run(line: &str) -> ParsedArgs {
        match parse(&args(line)) {
            ArgsOutcome::Run(parsed) => parsed,
            other => panic!("expected a command for {line:?}, got {other:?}"),
        }
    }

    fn error(line: &str) -> String {
        match parse(&args(line)) {
            ArgsOutcome::Error(text) => text,
            other => panic!("expected an error for {line:?}, got {other:?}"),
        }
    }

    #[test]
    fn parses_global_options_and_subcommand_arguments() {
        let parsed = run("-q -c other.ini -x a=1 -xb=2 upgrade --sql head");
        assert!(parsed.global.quiet);
        assert_eq!(parsed.global.config, vec!["other.ini"]);
        assert_eq!(parsed.global.x, vec!["a=1", "b=2"]);
        assert_eq!(parsed.command, "upgrade");
        assert!(parsed.flag("sql"));
        assert_eq!(parsed.positional(), Some("head"));

        let parsed =
            run("revision -m 'add users' --auto --depends-on a --depends-on=b --rev-id=x1");
        assert_eq!(parsed.value("message"), Some("add users"));
        assert!(parsed.flag("autogenerate"));
        assert_eq!(parsed.all_values("depends-on"), vec!["a", "b"]);
        assert_eq!(parsed.value("rev-id"), Some("x1"));

        let parsed = run("history -r=-3: -vi");
        assert_eq!(parsed.value("rev-range"), Some("-3:"));
        assert!(parsed.flag("verbose") && parsed.flag("indicate-current"));

        let parsed = run("stamp a b --purge");
        assert_eq!(parsed.positionals, vec!["a", "b"]);
        assert!(parsed.flag("purge"));

        let parsed = run("downgrade -1");
        assert_eq!(parsed.positional(), Some("-1"));
    }

    #[test]
    fn reproduces_argparse_errors() {
        assert!(error("").ends_with("alembic: error: too few arguments\n"));
        assert!(error("foo").contains("alembic: error: argument {branches,check,current,downgrade,edit,ensure_version,heads,history,init,list_templates,merge,revision,show,stamp,upgrade}: invalid choice: 'foo' (choose from 'branches', 'check',"));
        assert_eq!(
            error("upgrade"),
            "usage: alembic upgrade [-h] [--sql] [--tag TAG] revision\nalembic upgrade: error: the following arguments are required: revision\n"
        );
        assert!(error("upgrade a b").ends_with("alembic: error: unrecognized arguments: b\n"));
        assert!(error("upgrade --bogus x")
            .ends_with("alembic: error: unrecognized arguments: --bogus\n"));
        assert_eq!(
            error("history -r -3:"),
            "usage: alembic history [-h] [-r REV_RANGE] [-v] [-i]\nalembic history: error: argument -r/--rev-range: expected one argument\n"
        );
        assert!(error("-x").ends_with("alembic: error: argument -x: expected one argument\n"));
        assert!(error("stamp").contains("usage: alembic stamp [-h] [--sql] [--tag TAG] [--purge]\n                     revisions [revisions ...]\nalembic stamp: error: the following arguments are required: revisions\n"));
        assert!(error("revision --s").contains("ambiguous option: --s could match --sql, --splice"));
    }

    #[test]
    fn help_and_version_print() {
        assert_eq!(
            parse(&args("--version")),
            ArgsOutcome::Print("alembic 1.20.1\n".to_string())
        );
        match parse(&args("upgrade -h")) {
            ArgsOutcome::Print(text) => assert!(text.starts_with("usage: alembic upgrade")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn splits_command_lines_like_a_shell() {
        assert_eq!(
            args("alembic revision -m \"add \\\"x\\\"\" 'a b'"),
            vec!["alembic", "revision", "-m", "add \"x\"", "a b"]
        );
        assert!(split_command_line("revision -m 'open").is_err());
        assert_eq!(args("   "), Vec::<String>::new());
    }
}
