//! Conformance scenarios: each `tests/scenarios/*.scenario` runs through real Alembic 1.20.1
//! and through `alembic-playground`, and must match on exit code, stdout, stderr, schema,
//! version-table rows and files (see `conformance/harness.rs`). The browser tests run the
//! same files through the page (`tests/e2e/conformance.test.mjs`).

#[path = "conformance/harness.rs"]
mod harness;

use harness::{assert_conformant, parse_scenario};

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
