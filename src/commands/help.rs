//! Help texts, exactly as `alembic <command> --help` prints them at 80 columns (measured).

/// `alembic --help`.
pub const MAIN_HELP: &str = r#"usage: alembic [-h] [--version] [-c CONFIG] [-n NAME] [-x X] [--raiseerr] [-q]
               {branches,check,current,downgrade,edit,ensure_version,heads,history,init,list_templates,merge,revision,show,stamp,upgrade}
               ...

positional arguments:
  {branches,check,current,downgrade,edit,ensure_version,heads,history,init,list_templates,merge,revision,show,stamp,upgrade}
    branches            Show current branch points.
    check               Check if revision command with autogenerate has
                        pending upgrade ops.
    current             Display the current revision for a database.
    downgrade           Revert to a previous version.
    edit                Edit revision script(s) using $EDITOR.
    ensure_version      Create the alembic version table if it doesn't exist
                        already .
    heads               Show current available heads in the script directory.
    history             List changeset scripts in chronological order.
    init                Initialize a new scripts directory.
    list_templates      List available templates.
    merge               Merge two revisions together. Creates a new migration
                        file.
    revision            Create a new revision file.
    show                Show the revision(s) denoted by the given symbol.
    stamp               'stamp' the revision table with the given revision;
                        don't run any migrations.
    upgrade             Upgrade to a later version.

options:
  -h, --help            show this help message and exit
  --version             show program's version number and exit
  -c CONFIG, --config CONFIG
                        Alternate config file; defaults to value of
                        ALEMBIC_CONFIG environment variable, or "alembic.ini".
                        May also refer to pyproject.toml file. May be
                        specified twice to reference both files separately
  -n NAME, --name NAME  Name of section in .ini file to use for Alembic config
                        (only applies to configparser config, not toml)
  -x X                  Additional arguments consumed by custom env.py
                        scripts, e.g. -x setting1=somesetting -x
                        setting2=somesetting
  --raiseerr            Raise a full stack trace on error
  -q, --quiet           Do not log to std output.
"#;

/// `upgrade` and `downgrade` take the same arguments.
macro_rules! migrate_help {
    ($command:literal) => {
        concat!(
            "usage: alembic ",
            $command,
            r#" [-h] [--sql] [--tag TAG] revision

positional arguments:
  revision    revision identifier

options:
  -h, --help  show this help message and exit
  --sql       Don't emit SQL to database - dump to standard output/file
              instead. See docs on offline mode.
  --tag TAG   Arbitrary 'tag' name - can be used by custom env.py scripts.
"#
        )
    };
}

/// `alembic <command> --help`, by command.
pub fn command_help(command: &str) -> Option<&'static str> {
    Some(match command {
        "branches" => {
            r#"usage: alembic branches [-h] [-v]

options:
  -h, --help     show this help message and exit
  -v, --verbose  Use more verbose output
"#
        }
        "check" => {
            r#"usage: alembic check [-h]

options:
  -h, --help  show this help message and exit
"#
        }
        "current" => {
            r#"usage: alembic current [-h] [-c] [-v]

options:
  -h, --help         show this help message and exit
  -c, --check-heads  Check if all head revisions are applied to the database.
                     Exit with an error code if this is not the case.
  -v, --verbose      Use more verbose output
"#
        }
        "downgrade" => migrate_help!("downgrade"),
        "edit" => {
            r#"usage: alembic edit [-h] rev

positional arguments:
  rev

options:
  -h, --help  show this help message and exit
"#
        }
        "ensure_version" => {
            r#"usage: alembic ensure_version [-h] [--sql]

options:
  -h, --help  show this help message and exit
  --sql       Don't emit SQL to database - dump to standard output/file
              instead. See docs on offline mode.
"#
        }
        "heads" => {
            r#"usage: alembic heads [-h] [-v] [--resolve-dependencies]

options:
  -h, --help            show this help message and exit
  -v, --verbose         Use more verbose output
  --resolve-dependencies
                        Treat dependency versions as down revisions
"#
        }
        "history" => {
            r#"usage: alembic history [-h] [-r REV_RANGE] [-v] [-i]

options:
  -h, --help            show this help message and exit
  -r REV_RANGE, --rev-range REV_RANGE
                        Specify a revision range; format is [start]:[end]
  -v, --verbose         Use more verbose output
  -i, --indicate-current
                        Indicate the current revision
"#
        }
        "init" => {
            r#"usage: alembic init [-h] [-t TEMPLATE] [--package] directory

positional arguments:
  directory             location of scripts directory

options:
  -h, --help            show this help message and exit
  -t TEMPLATE, --template TEMPLATE
                        Setup template for use with 'init'
  --package             Write empty __init__.py files to the environment and
                        version locations
"#
        }
        "list_templates" => {
            r#"usage: alembic list_templates [-h]

options:
  -h, --help  show this help message and exit
"#
        }
        "merge" => {
            r#"usage: alembic merge [-h] [-m MESSAGE] [--branch-label BRANCH_LABEL]
                     [--rev-id REV_ID] [--splice]
                     revisions [revisions ...]

positional arguments:
  revisions             one or more revisions, or 'heads' for all heads

options:
  -h, --help            show this help message and exit
  -m MESSAGE, --message MESSAGE
                        Message string to use with 'revision'
  --branch-label BRANCH_LABEL
                        Specify a branch label to apply to the new revision
  --rev-id REV_ID       Specify a hardcoded revision id instead of generating
                        one
  --splice              Allow a non-head revision as the 'head' to splice onto
"#
        }
        "revision" => {
            r#"usage: alembic revision [-h] [-m MESSAGE] [--autogenerate] [--sql]
                        [--head HEAD] [--splice] [--branch-label BRANCH_LABEL]
                        [--version-path VERSION_PATH] [--rev-id REV_ID]
                        [--depends-on DEPENDS_ON]

options:
  -h, --help            show this help message and exit
  -m MESSAGE, --message MESSAGE
                        Message string to use with 'revision'
  --autogenerate        Populate revision script with candidate migration
                        operations, based on comparison of database to model.
  --sql                 Don't emit SQL to database - dump to standard
                        output/file instead. See docs on offline mode.
  --head HEAD           Specify head revision or <branchname>@head to base new
                        revision on.
  --splice              Allow a non-head revision as the 'head' to splice onto
  --branch-label BRANCH_LABEL
                        Specify a branch label to apply to the new revision
  --version-path VERSION_PATH
                        Specify specific path from config for version file
  --rev-id REV_ID       Specify a hardcoded revision id instead of generating
                        one
  --depends-on DEPENDS_ON
                        Specify one or more revision identifiers which this
                        revision should depend on.
"#
        }
        "show" => {
            r#"usage: alembic show [-h] rev

positional arguments:
  rev

options:
  -h, --help  show this help message and exit
"#
        }
        "stamp" => {
            r#"usage: alembic stamp [-h] [--sql] [--tag TAG] [--purge]
                     revisions [revisions ...]

positional arguments:
  revisions   one or more revisions, or 'heads' for all heads

options:
  -h, --help  show this help message and exit
  --sql       Don't emit SQL to database - dump to standard output/file
              instead. See docs on offline mode.
  --tag TAG   Arbitrary 'tag' name - can be used by custom env.py scripts.
  --purge     Unconditionally erase the version table before stamping
"#
        }
        "upgrade" => migrate_help!("upgrade"),
        _ => return None,
    })
}
