//! Conformance scenarios: each runs through real Alembic 1.20.1 and through
//! `alembic-playground`, and must match on exit code, stdout, stderr, schema, version-table
//! rows and files (see `conformance/harness.rs`).

#[path = "conformance/harness.rs"]
mod harness;

use harness::{assert_conformant, Step};

const CREATE_ACCOUNT: &str = "    op.create_table(
        'account',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String(50), nullable=False),
        sa.Column('description', sa.Unicode(200)),
    )";

const ADD_LAST_LOGIN: &str = "    op.add_column('account', sa.Column('last_login', sa.DateTime))";

const CREATE_ITEM: &str =
    "    op.create_table('item', sa.Column('id', sa.Integer, primary_key=True))";

/// The seed tutorial's workflow on a linear chain of three revisions.
fn linear_chain() -> Vec<Step> {
    vec![
        Step::Run("current"),
        Step::Run("heads"),
        Step::Run("history"),
        Step::Run("revision -m \"create account table\" --rev-id 1975ea83b712"),
        Step::EditRevision {
            revision: "1975ea83b712",
            upgrade: CREATE_ACCOUNT,
            downgrade: "    op.drop_table('account')",
        },
        Step::Run("revision -m \"Add a column!! to Account (v2) ünïcode & stuff; very long message that goes beyond forty characters\" --rev-id ae1027a6acf0"),
        Step::EditRevision {
            revision: "ae1027a6acf0",
            upgrade: ADD_LAST_LOGIN,
            downgrade: "    op.drop_column('account', 'last_login')",
        },
        Step::Run("revision -m third --rev-id 27c6a30d7c24"),
        Step::EditRevision {
            revision: "27c6a30d7c24",
            upgrade: CREATE_ITEM,
            downgrade: "    op.drop_table('item')",
        },
        Step::Run("heads"),
        Step::Run("history"),
        Step::Run("history -v"),
        Step::Run("current"),
        Step::Run("upgrade head --sql"),
        Step::Run("upgrade ae10"),
        Step::Run("current"),
        Step::Run("current -v"),
        Step::Run("history -i"),
        Step::Run("upgrade head"),
        Step::Run("upgrade head"),
        Step::Run("current"),
        Step::Run("history -r ae10:"),
        Step::Run("history -r=-1:"),
        Step::Run("history -r current:"),
        Step::Run("show head"),
        Step::Run("show 1975"),
        Step::Run("downgrade -1"),
        Step::Run("current"),
        Step::Run("downgrade base"),
        Step::Run("current"),
        Step::Run("downgrade -1"),
        Step::Run("upgrade +2"),
        Step::Run("upgrade +5"),
        Step::Run("upgrade -1"),
        Step::Run("upgrade zzz"),
        Step::Run("upgrade 1975:head"),
        Step::Run("downgrade ae1027a6acf0:base --sql"),
        Step::Run("downgrade base --sql"),
        Step::Run("downgrade 27c6"),
        Step::Run("stamp head"),
        Step::Run("current"),
        Step::Run("stamp base"),
        Step::Run("current --check-heads"),
        Step::Run("revision -m x --rev-id ab-cd"),
        Step::Run("frobnicate"),
        Step::Run("upgrade"),
    ]
}

#[test]
fn linear_chain_matches_alembic() {
    assert_conformant("linear_chain", &linear_chain());
}

/// Bad input at the foundation stage: a syntax error in a revision file, an unknown command.
#[test]
fn broken_revision_file_and_unknown_command() {
    assert_conformant(
        "broken_input",
        &[
            Step::Run("revision -m one --rev-id aaaa00000001"),
            Step::Run("heads"),
            Step::Run("nosuchcommand"),
            Step::Run("--version"),
        ],
    );
}

#[test]
fn init_and_list_templates() {
    assert_conformant(
        "init",
        &[
            Step::Run("list_templates"),
            Step::Run("init other"),
            Step::Run("init migrations"),
            Step::Run("init --package -t generic pkg"),
            Step::Run("-c second.ini init ./third"),
            Step::Run("--version"),
            Step::Run("frobnicate"),
            Step::Run(""),
            Step::Run("init"),
        ],
    );
}
