//! Conformance scenarios: each `tests/scenarios/*.scenario` runs through real Alembic 1.20.1
//! and through `alembic-playground`, and must match on exit code, stdout, stderr, schema,
//! version-table rows and files (see `conformance/harness.rs`). The browser tests run the
//! same files through the page (`tests/e2e/conformance.test.mjs`).

#[path = "conformance/harness.rs"]
mod harness;

use harness::{
    assert_conformant, assert_conformant_or_clear_error, differential_random, parse_scenario,
};

macro_rules! scenario {
    ($(#[$doc:meta])* $test:ident, $name:literal) => {
        $(#[$doc])*
        #[test]
        fn $test() {
            let steps = parse_scenario(include_str!(concat!("scenarios/", $name, ".scenario")));
            assert_conformant($name, &steps);
        }
    };
}

scenario!(
    /// env.py as a program: print and logging at its top level, `-x`, config options,
    /// `include_object` / `include_name`, `configure(**options)`, an error at its top level.
    env_py_runs_as_a_program,
    "env_program"
);

scenario!(
    /// env.py's revision hooks: `process_revision_directives` (dropping an empty revision,
    /// renaming one), `compare_type` / `compare_server_default` functions, slices.
    env_py_revision_hooks,
    "env_hooks"
);

scenario!(
    /// env.py's `render_item` (text, False and None answers, `autogen_context.imports`) and
    /// the standard library in a revision: datetime, uuid, re, textwrap, functools, decimal.
    env_py_render_item_and_the_standard_library,
    "render_stdlib"
);

scenario!(
    /// `target_metadata`'s naming convention names the constraints and indexes of the
    /// tables `op.create_table` builds; a convention needing a name fails as SQLAlchemy does.
    naming_convention_names_created_tables,
    "naming_convention"
);

scenario!(
    /// The seed tutorial's workflow on a linear chain of three revisions: revision, upgrade,
    /// current, history (every form), show, downgrade -1 / base, relative targets, --sql.
    linear_chain_matches_alembic,
    "linear_chain"
);

scenario!(
    /// The reference's `pg` project: branches, merge, branch labels, a second root,
    /// `depends_on` across roots, stamp (one, several, base, --purge, --sql).
    branches_merges_labels_and_dependencies_match_alembic,
    "branched"
);

scenario!(
    /// Prefixes, relative identifiers and every history range form of the reference's table.
    identifiers_and_history_ranges_match_alembic,
    "identifiers"
);

scenario!(
    /// Bad input: a syntax error in a revision file, broken graphs, an unknown command.
    broken_revision_files_and_graphs,
    "broken_input"
);

scenario!(
    /// Imports: the project's own modules through prepend_sys_path, an unknown module at the
    /// top of a revision file and inside upgrade().
    imports_of_project_and_unknown_modules,
    "imports"
);

scenario!(
    /// `init` into existing and new folders, `list_templates`, argparse errors.
    init_and_list_templates,
    "init"
);

scenario!(
    /// The op API: create/drop table, add/drop/alter column, indexes, renames, execute,
    /// bulk_insert, batch recreate with data, online and `--sql` over ranges.
    operations_match_alembic,
    "ops"
);

scenario!(
    /// Batch mode with constraints, primary keys, naming conventions, insert_before/after,
    /// indexes and renames; batch errors; offline batch without copy_from.
    batch_constraints_match_alembic,
    "batch_constraints"
);

scenario!(
    /// Every type of reference §12, in sqlite_master and in `--sql`.
    types_match_alembic,
    "types"
);

scenario!(
    /// Failing steps: half-applied DDL, retries, NotImplementedError, ALTER COLUMN.
    failing_steps_leave_the_database_as_alembic_does,
    "failures"
);

scenario!(
    /// A failing batch copy leaves `_alembic_tmp_<table>` behind; offline batch needs copy_from.
    failing_batch_leaves_the_temporary_table,
    "batch_failure"
);

scenario!(
    /// transactional_ddl with the engine-event recipe: failing steps roll back.
    transactional_ddl_rolls_back,
    "transactional"
);

scenario!(
    /// Autogenerate with SQLAlchemy 2.0 typed models: the tutorial loop (add table, column,
    /// index, NOT NULL, type change), `check` in all three states, a no-change revision.
    autogenerate_typed_models_match_alembic,
    "autogen_typed"
);

scenario!(
    /// Autogenerate with classic declarative models and `render_as_batch=True`: the
    /// reference's many-changes revision and its second round, run through batch mode.
    autogenerate_batch_mode_matches_alembic,
    "autogen_batch"
);

scenario!(
    /// Autogenerate with core `Table`s, naming conventions, two metadata, `myapp.models`,
    /// `sqlite.JSON`, Enum, every `Mapped[...]` inference, `compare_type=False`, and a missing
    /// models module.
    autogenerate_core_tables_and_types_match_alembic,
    "autogen_core"
);

scenario!(
    /// Autogenerate against a hand-made database: removed table/index/unique constraint,
    /// a changed foreign key (unnamed drop_constraint warning), Enum, existing server default.
    autogenerate_removals_match_alembic,
    "autogen_removals"
);

#[test]
fn scenario_files_round_trip_through_the_parser() {
    for text in [
        include_str!("scenarios/linear_chain.scenario"),
        include_str!("scenarios/branched.scenario"),
        include_str!("scenarios/broken_input.scenario"),
    ] {
        let steps = parse_scenario(text);
        assert!(!steps.is_empty());
        assert_eq!(harness::format_scenario(&steps), text);
    }
}

scenario!(
    /// PostgreSQL offline (`--sql`): the DDL each op emits there, enum types, comments,
    /// ALTER COLUMN and constraints, batch mode as plain ALTERs, DML literals, the version
    /// table's SQL and the transactional framing (autocommit blocks,
    /// `transaction_per_migration`, `transactional_ddl=False`).
    postgresql_offline_sql_matches_alembic,
    "postgresql_offline"
);

scenario!(
    /// PostgreSQL offline (`--sql`), what only PostgreSQL has: its own types, enum types
    /// created and dropped explicitly, Identity columns, `schema=`, `postgresql_using`,
    /// partial, covering and concurrent indexes, `with_variant`.
    postgresql_dialect_matches_alembic,
    "postgresql_dialect"
);

scenario!(
    /// PostgreSQL online against a real server (`scripts/pg-cluster`, or `$ALEMBIC_PG_URL`):
    /// tables with enums and comments, data and a data migration through `op.get_bind()`,
    /// ALTERs with `USING`, a failing migration rolled back as a whole (transactional DDL,
    /// then `transaction_per_migration`), stamp, wrong credentials; the schema compared from
    /// `pg_catalog`.
    postgresql_online_matches_alembic,
    "postgresql_online"
);

scenario!(
    /// PostgreSQL autogenerate and `check` against a real server: SERIAL keys, JSONB, ARRAY,
    /// enums, comments, identity columns, named constraints and partial or expression
    /// indexes reflected from `pg_catalog`; type, nullability and comment changes.
    postgresql_autogen_matches_alembic,
    "postgresql_autogen"
);

scenario!(
    /// PostgreSQL servers that cannot be reached (psycopg's and psycopg2's wording, TCP and a
    /// Unix socket), an unknown driver, `postgres://`: Alembic's errors, `--sql` unaffected.
    postgresql_connection_errors_match_alembic,
    "postgresql_errors"
);

scenario!(
    /// PostgreSQL offline: identity columns added later, a sequence default, the primary key
    /// dropped, `insert().values()`, batch `recreate='always'` (Alembic's "needs a live
    /// database" error), `--tag`, `stamp --purge`.
    postgresql_more_matches_alembic,
    "postgresql_more"
);

/// A SQLite scenario run again against a real PostgreSQL server (a fresh database per tool).
macro_rules! on_postgresql {
    ($(#[$doc:meta])* $test:ident, $name:literal) => {
        $(#[$doc])*
        #[test]
        fn $test() {
            let mut steps = vec![harness::Step::Postgresql];
            steps.extend(parse_scenario(include_str!(concat!(
                "scenarios/",
                $name,
                ".scenario"
            ))));
            assert_conformant(concat!($name, "_on_postgresql"), &steps);
        }
    };
}

on_postgresql!(
    /// The seed tutorial's linear chain on PostgreSQL.
    linear_chain_on_postgresql,
    "linear_chain"
);

on_postgresql!(
    /// Branches, merges, labels and dependencies on PostgreSQL.
    branched_on_postgresql,
    "branched"
);

on_postgresql!(
    /// Identifiers and history ranges on PostgreSQL.
    identifiers_on_postgresql,
    "identifiers"
);

on_postgresql!(
    /// Transactional options on PostgreSQL (where DDL is transactional by default).
    transactional_on_postgresql,
    "transactional"
);

on_postgresql!(
    /// Broken revision files, env.py and ini files on PostgreSQL.
    broken_input_on_postgresql,
    "broken_input"
);

on_postgresql!(
    /// Naming conventions on created tables on PostgreSQL.
    naming_convention_on_postgresql,
    "naming_convention"
);

on_postgresql!(
    /// Failing steps on PostgreSQL.
    failures_on_postgresql,
    "failures"
);

/// Random command lines, the same in both tools, on a project with two roots, a merge, a
/// branch label and `depends_on`: every command and option mixed with valid, relative,
/// ambiguous, unknown and malformed identifiers. Whatever Alembic answers (output, error,
/// exit code, database, files), the playground must answer the same.
/// `DIFFERENTIAL_SEED` picks another sequence (for hunting; the default is fixed).
#[test]
fn random_command_lines_match_alembic() {
    use harness::Step;
    let mut steps: Vec<Step> = [
        "revision -m root --rev-id 1000aaaa0001",
        "revision -m second --rev-id 2000bbbb0002",
        "revision -m \"branch A\" --rev-id 3000cccc0003",
        "revision -m \"branch B\" --rev-id 3000dddd0004 --head 2000bbbb0002 --splice",
        "merge heads -m join --rev-id 5000eeee0005",
        "revision -m after --rev-id 6000ffff0006",
        "revision -m \"lib root\" --head base --branch-label lib --rev-id 7000abab0007",
        "revision -m \"lib two\" --head lib@head --rev-id 7100cdcd0008",
        "revision -m \"uses lib\" --head 6000 --depends-on 7000 --rev-id 8000efef0009",
    ]
    .iter()
    .map(|line| Step::Run(line.to_string()))
    .collect();

    const TARGETS: &[&str] = &[
        "head",
        "heads",
        "base",
        "+1",
        "-1",
        "+2",
        "-2",
        "+9",
        "-9",
        "1000",
        "2000",
        "3000",
        "3000c",
        "3000d",
        "5000",
        "6000",
        "7000",
        "7100",
        "8000",
        "8000efef0009",
        "lib@head",
        "lib@base",
        "lib@+1",
        "lib@-1",
        "lib",
        "6000@head",
        "3000c@head",
        "1000+2",
        "5000-1",
        "nosuch",
        "9",
        "0",
        "x@head",
        "head-1",
        "base+1",
        "heads+1",
        "@head",
        "lib@",
        "1000aaaa0001@base",
        "current",
    ];
    const SINGLE: &[&str] = &[
        "head", "heads", "base", "1000", "6000", "8000", "lib@head", "-1",
    ];
    const RANGES: &[&str] = &[
        "base:head",
        "base:heads",
        "-2:",
        "current:",
        ":head",
        "1000:6000",
        "2000:8000",
        "lib@base:lib@head",
        "3000c:",
        ":3000d",
        "5000:1000",
        "heads:base",
        "nosuch:",
        "base:",
        "-1:current",
        "1000:nosuch",
    ];
    let (seed, mut below) = differential_random(0x0123_4567_89ab_cdef_u64);
    let mut fresh = 0;
    for _ in 0..60 {
        let pick = |list: &[&str], n: usize| list[n % list.len()].to_string();
        let target = pick(TARGETS, below(TARGETS.len()));
        let line = match below(14) {
            0 | 1 => format!("upgrade {target}"),
            2 | 3 => format!("downgrade {target}"),
            4 => format!(
                "{} {} --sql",
                ["upgrade", "downgrade"][below(2)],
                pick(RANGES, below(RANGES.len()))
            ),
            5 => format!(
                "stamp {target}{}",
                [" ", " --purge", " --sql", " 1000"][below(4)]
            )
            .trim_end()
            .to_string(),
            6 => [
                "current",
                "current -v",
                "heads",
                "heads -v",
                "heads --resolve-dependencies",
                "branches",
                "branches -v",
            ][below(7)]
            .to_string(),
            7 | 8 => {
                format!(
                    "history{}{}",
                    [" -r ", " --rev-range="][below(2)],
                    pick(RANGES, below(RANGES.len()))
                ) + ["", " -v", " -i", " -v -i"][below(4)]
            }
            9 => format!("show {target}"),
            10 => {
                fresh += 1;
                let head = pick(SINGLE, below(SINGLE.len()));
                format!("revision -m r{fresh} --rev-id a{fresh:03}ffff --head {head}")
            }
            11 => {
                fresh += 1;
                format!(
                    "merge {} -m m{fresh} --rev-id b{fresh:03}eeee",
                    ["heads", "3000c 3000d", "8000 7100", "head", "1000 nosuch"][below(5)]
                )
            }
            12 => format!(
                "{} {target} {}",
                ["upgrade", "downgrade", "stamp"][below(3)],
                pick(TARGETS, below(TARGETS.len()))
            ),
            _ => format!(
                "history -r {target}:{}",
                pick(TARGETS, below(TARGETS.len()))
            ),
        };
        steps.push(Step::Run(line));
    }
    assert_conformant_or_clear_error(&format!("random_{seed:x}"), &steps);
}

/// Random walks up and down the `ops` scenario's six revisions (tables, columns, indexes,
/// renames, data, batch recreate), online and `--sql`, with stamps in between: the SQL,
/// data, schema and version table after each step must be Alembic's.
#[test]
fn random_walks_through_operations_match_alembic() {
    use harness::Step;
    let scenario = parse_scenario(include_str!("scenarios/ops.scenario"));
    // The revisions and their bodies: everything before the first upgrade.
    let mut steps: Vec<Step> = scenario
        .into_iter()
        .take_while(|step| !matches!(step, Step::Run(line) if line.starts_with("upgrade")))
        .collect();
    const TARGETS: &[&str] = &[
        "head",
        "base",
        "+1",
        "-1",
        "+2",
        "-2",
        "+3",
        "-3",
        "c0ffee000001",
        "c0ffee000002",
        "c0ffee000003",
        "c0ffee000004",
        "c0ffee000005",
        "c0ffee000006",
        "c0ffee00000",
        "heads",
    ];
    let (seed, mut below) = differential_random(0x0fed_cba9_8765_4321_u64);
    for _ in 0..40 {
        let target = TARGETS[below(TARGETS.len())];
        let other = TARGETS[below(TARGETS.len())];
        let line = match below(9) {
            0..=2 => format!("upgrade {target}"),
            3..=4 => format!("downgrade {target}"),
            5 => format!("upgrade {other}:{target} --sql"),
            6 => format!("downgrade {other}:{target} --sql"),
            7 => format!("stamp {target}"),
            _ => ["current", "history -r current:", "heads -v"][below(3)].to_string(),
        };
        steps.push(Step::Run(line));
    }
    assert_conformant_or_clear_error(&format!("walk_{seed:x}"), &steps);
}

/// Random changes to a models.py of core tables (tables, columns, types, nullability,
/// defaults, indexes, unique flags, foreign keys), each followed by
/// `revision --autogenerate`, `upgrade head`, and now and then `check` or a downgrade and
/// upgrade again, with `render_as_batch=True`: the generated revision files, the schema
/// and the data must be Alembic's.
#[test]
fn random_model_changes_autogenerate_like_alembic() {
    use harness::Step;
    #[derive(Clone)]
    struct Column {
        name: String,
        type_: &'static str,
        nullable: bool,
        index: bool,
        unique: bool,
        default: Option<&'static str>,
        references: Option<String>,
    }
    struct Table {
        name: String,
        columns: Vec<Column>,
    }
    const TYPES: &[&str] = &[
        "sa.Integer()",
        "sa.String(50)",
        "sa.String(100)",
        "sa.Text()",
        "sa.Boolean()",
        "sa.DateTime()",
        "sa.Float()",
        "sa.Numeric(10, 2)",
        "sa.Date()",
        "sa.BigInteger()",
    ];
    const DEFAULTS: &[&str] = &["'x'", "sa.text('0')", "'0'", "sa.func.now()"];
    let (seed, mut below) = differential_random(0x5a5a_1234_abcd_0001_u64);
    let render = |tables: &[Table]| -> String {
        let mut text = String::from(
            "import sqlalchemy as sa\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
        );
        for table in tables {
            text.push_str(&format!(
                "\n\nt_{0} = sa.Table(\n    \"{0}\",\n    Base.metadata,\n    sa.Column(\"id\", sa.Integer(), primary_key=True),\n",
                table.name
            ));
            for column in &table.columns {
                let mut arguments = vec![format!("\"{}\"", column.name), column.type_.to_string()];
                if let Some(target) = &column.references {
                    arguments.push(format!("sa.ForeignKey(\"{target}.id\")"));
                }
                arguments.push(format!(
                    "nullable={}",
                    if column.nullable { "True" } else { "False" }
                ));
                if column.index {
                    arguments.push("index=True".to_string());
                }
                if column.unique {
                    arguments.push("unique=True".to_string());
                }
                if let Some(default) = column.default {
                    arguments.push(format!("server_default={default}"));
                }
                text.push_str(&format!("    sa.Column({}),\n", arguments.join(", ")));
            }
            text.push_str(")\n");
        }
        text
    };
    let mut steps: Vec<Step> = vec![
        Step::Replace {
            path: "migrations/env.py".into(),
            from: "target_metadata = None".into(),
            to: "from models import Base\ntarget_metadata = Base.metadata".into(),
        },
        Step::Replace {
            path: "migrations/env.py".into(),
            from: "connection=connection, target_metadata=target_metadata".into(),
            to: "connection=connection, target_metadata=target_metadata, render_as_batch=True"
                .into(),
        },
    ];
    let mut tables: Vec<Table> = Vec::new();
    let mut names = 0;
    for round in 0..10 {
        for _ in 0..1 + below(3) {
            let referenced = |tables: &[Table], name: &str| {
                tables.iter().any(|table| {
                    table
                        .columns
                        .iter()
                        .any(|column| column.references.as_deref() == Some(name))
                })
            };
            names += 1;
            let new_column =
                |below: &mut dyn FnMut(usize) -> usize, tables: &[Table], name: String| Column {
                    name,
                    type_: TYPES[below(TYPES.len())],
                    nullable: below(3) != 0,
                    index: below(4) == 0,
                    unique: below(6) == 0,
                    default: (below(4) == 0).then(|| DEFAULTS[below(DEFAULTS.len())]),
                    references: (below(4) == 0 && !tables.is_empty())
                        .then(|| tables[below(tables.len())].name.clone()),
                };
            match below(8) {
                0 | 1 if tables.len() < 5 || tables.is_empty() => {
                    let mut columns = Vec::new();
                    for n in 0..1 + below(3) {
                        let mut column = new_column(&mut below, &tables, format!("c{names}_{n}"));
                        if column.references.is_some() {
                            column.type_ = "sa.Integer()";
                        }
                        columns.push(column);
                    }
                    tables.push(Table {
                        name: format!("t{names}"),
                        columns,
                    });
                }
                2 if !tables.is_empty() => {
                    let victim = below(tables.len());
                    if !referenced(&tables, &tables[victim].name) {
                        tables.remove(victim);
                    }
                }
                3 if !tables.is_empty() => {
                    let at = below(tables.len());
                    let mut column = new_column(&mut below, &tables[..at], format!("c{names}"));
                    column.nullable = true;
                    if column.references.is_some() {
                        column.type_ = "sa.Integer()";
                    }
                    tables[at].columns.push(column);
                }
                4 if !tables.is_empty() => {
                    let at = below(tables.len());
                    if !tables[at].columns.is_empty() {
                        let victim = below(tables[at].columns.len());
                        tables[at].columns.remove(victim);
                    }
                }
                5..=7 if !tables.is_empty() => {
                    let at = below(tables.len());
                    let count = tables[at].columns.len();
                    if count > 0 {
                        let which = below(count);
                        let column = &mut tables[at].columns[which];
                        match below(5) {
                            0 if column.references.is_none() => {
                                column.type_ = TYPES[below(TYPES.len())]
                            }
                            1 => column.nullable = !column.nullable,
                            2 => column.index = !column.index,
                            3 => column.unique = !column.unique,
                            _ => {
                                column.default = match column.default {
                                    Some(_) => None,
                                    None => Some(DEFAULTS[below(DEFAULTS.len())]),
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        steps.push(Step::Write("models.py".into(), render(&tables)));
        steps.push(Step::Run(format!(
            "revision --autogenerate -m \"round {round}\" --rev-id {:012x}",
            0xa0a0_0000_0000_u64 + round
        )));
        steps.push(Step::Run("upgrade head".into()));
        match below(4) {
            0 => steps.push(Step::Run("check".into())),
            1 => {
                steps.push(Step::Run("downgrade -1".into()));
                steps.push(Step::Run("upgrade head".into()));
            }
            _ => {}
        }
    }
    assert_conformant_or_clear_error(&format!("models_{seed:x}"), &steps);
}

/// What the PostgreSQL page builds on, against the real server: the schema panel read from
/// `pg_catalog` (tables, columns with types, defaults and keys, indexes, foreign keys), and
/// the journal the page saves its database as (reads left out), from which a database that
/// has changed since is rebuilt to what the journal built.
#[test]
fn postgresql_schema_panel_and_journal_rebuild_on_a_real_server() {
    use alembic_playground::playground::views::schema::{
        read_postgresql, Column, ForeignKey, Index,
    };
    use alembic_playground::runtime::{Database, SqlValue};
    let name = "page_views";
    let mut admin = harness::postgres_client("postgres");
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let url = match alembic_playground::config::parse_url(&format!(
        "{}/{name}",
        harness::postgres_server()
    )) {
        Ok(alembic_playground::config::DatabaseUrl::Postgresql(url)) => url,
        _ => panic!("not a PostgreSQL URL"),
    };
    let mut database = alembic_playground::shell::postgres::connect(&url).unwrap();
    database.keep_journal(Vec::new());
    for sql in [
        "CREATE TABLE account (id serial PRIMARY KEY, name varchar(50) NOT NULL UNIQUE, age int DEFAULT 3)",
        "CREATE TABLE note (id int PRIMARY KEY, account_id int REFERENCES account (id), body text)",
        "CREATE INDEX ix_note_body ON note (body)",
        "INSERT INTO account (name) VALUES ('ada')",
    ] {
        database.execute(sql, &[]).unwrap();
    }
    database.query("SELECT * FROM account", &[]).unwrap();
    assert_eq!(database.journal().len(), 4, "{:?}", database.journal());
    let schema = read_postgresql(&mut database).unwrap();
    let names: Vec<&str> = schema
        .tables
        .iter()
        .map(|table| table.name.as_str())
        .collect();
    assert_eq!(names, ["account", "note"]);
    let column =
        |name: &str, type_: &str, not_null: bool, default: Option<&str>, primary_key: bool| {
            Column {
                name: name.to_string(),
                type_: type_.to_string(),
                not_null,
                default: default.map(str::to_string),
                primary_key,
            }
        };
    assert_eq!(
        schema.tables[0].columns,
        [
            column(
                "id",
                "integer",
                true,
                Some("nextval('account_id_seq'::regclass)"),
                true
            ),
            column("name", "character varying(50)", true, None, false),
            column("age", "integer", false, Some("3"), false),
        ]
    );
    assert_eq!(
        schema.tables[0].indexes,
        [Index {
            name: "account_name_key".to_string(),
            columns: vec!["name".to_string()],
            unique: true,
            explicit: false,
        }]
    );
    assert_eq!(
        schema.tables[1].indexes,
        [Index {
            name: "ix_note_body".to_string(),
            columns: vec!["body".to_string()],
            unique: false,
            explicit: true,
        }]
    );
    assert_eq!(
        schema.tables[1].foreign_keys,
        [ForeignKey {
            columns: vec!["account_id".to_string()],
            referred_table: "account".to_string(),
            referred_columns: vec!["id".to_string()],
        }]
    );

    // changed since: a table gone, another schema, a session setting; the rebuild undoes all
    let journal = database.journal().to_vec();
    for sql in [
        "DROP TABLE note",
        "CREATE SCHEMA other",
        "CREATE TABLE other.x (n int)",
        "SET search_path TO other",
    ] {
        database.execute(sql, &[]).unwrap();
    }
    database.rebuild(&journal, false).unwrap();
    assert_eq!(read_postgresql(&mut database).unwrap(), schema);
    let (_, rows) = database
        .query(
            "SELECT name, (SELECT count(*) FROM pg_namespace WHERE nspname = 'other') FROM account",
            &[],
        )
        .unwrap();
    assert_eq!(
        rows,
        [[SqlValue::Text("ada".to_string()), SqlValue::Integer(0)]]
    );
    assert_eq!(database.journal(), journal.as_slice());
    drop(database);
    admin
        .batch_execute(&format!("DROP DATABASE {name}"))
        .unwrap();
}
