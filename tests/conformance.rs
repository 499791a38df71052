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
