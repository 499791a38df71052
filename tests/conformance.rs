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

/// Bad input: a syntax error in a revision file, broken graphs, an unknown command.
#[test]
fn broken_revision_files_and_graphs() {
    assert_conformant(
        "broken_input",
        &[
            Step::Run("revision -m one --rev-id 0a0a0a0a0a01"),
            Step::Write(
                "migrations/versions/0a0a0a0a0a02_two.py",
                "\"\"\"two\"\"\"\nrevision = '0a0a0a0a0a02'\ndown_revision = '0a0a0a0a0a01'\n\ndef upgrade(:\n    pass\n".to_string(),
            ),
            Step::Run("heads"),
            Step::Run("history"),
            Step::Run("upgrade head"),
            Step::Write(
                "migrations/versions/0a0a0a0a0a02_two.py",
                "\"\"\"two\"\"\"\nrevision = '0a0a0a0a0a02'\ndown_revision = '0a0a0a0a0a02'\n".to_string(),
            ),
            Step::Run("heads"),
            Step::Run("history"),
            Step::Write(
                "migrations/versions/0a0a0a0a0a02_two.py",
                "\"\"\"two\"\"\"\nrevision = '0a0a0a0a0a02'\ndown_revision = '0a0a0a0a0a01'\n".to_string(),
            ),
            Step::Replace {
                path: "migrations/versions/0a0a0a0a0a01_one.py",
                from: "down_revision: Union[str, Sequence[str], None] = None",
                to: "down_revision: Union[str, Sequence[str], None] = '0a0a0a0a0a02'",
            },
            Step::Run("heads"),
            Step::Run("history"),
            Step::Run("upgrade head"),
            Step::Remove("migrations/versions/0a0a0a0a0a02_two.py"),
            Step::Write("migrations/versions/0a0a0a0a0a03_three.py", "\tx = 1\n".to_string()),
            Step::Run("history"),
            Step::Write("migrations/versions/0a0a0a0a0a03_three.py", "revision = 'x'\ndown_revision = None\ndef upgrade():\n  pass\n pass\n".to_string()),
            Step::Run("history"),
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

/// The `pg` project of the reference: branches, a merge, branch labels, a second root and
/// `depends_on` across roots (bodies are empty: this is about the graph and the version table).
fn branched_project() -> Vec<Step> {
    vec![
        Step::Run("revision -m root --rev-id 1000aaaa0001"),
        Step::Run("revision -m second --rev-id 2000bbbb0002"),
        Step::Run("revision -m \"branch A\" --rev-id 3000cccc0003"),
        Step::Run("revision -m \"branch B\" --rev-id 4000dddd0004 --head 2000bbbb0002"),
        Step::Run("revision -m \"branch B\" --rev-id 4000dddd0004 --head 2000bbbb0002 --splice"),
        Step::Run("heads"),
        Step::Run("branches"),
        Step::Run("revision -m x"),
        Step::Run("upgrade head"),
        Step::Run("upgrade 3000"),
        Step::Run("current"),
        Step::Run("upgrade heads"),
        Step::Run("current"),
        Step::Run("history"),
        Step::Run("merge -m \"merge a and b\" --rev-id 5000eeee0005"),
        Step::Run("merge heads -m \"merge a and b\" --rev-id 5000eeee0005"),
        Step::Run("branches -v"),
        Step::Run("upgrade heads"),
        Step::Run("current"),
        Step::Run("history -v -r 2000:"),
        Step::Run("downgrade -1"),
        Step::Run("downgrade 3000"),
        Step::Run("current"),
        Step::Run("revision -m \"feature root\" --head base --branch-label feature --rev-id 6000ffff0006"),
        Step::Run("revision -m \"feature two\" --head feature@head --rev-id 7000abab0007"),
        Step::Run("revision -m \"feature three depends\" --head feature@head --depends-on 3000 --rev-id 8000cdcd0008"),
        Step::Run("upgrade feature@+1"),
        Step::Run("current"),
        Step::Run("upgrade feature@head"),
        Step::Run("current"),
        Step::Run("upgrade heads"),
        Step::Run("history"),
        Step::Run("heads -v"),
        Step::Run("heads --resolve-dependencies"),
        Step::Run("show feature"),
        Step::Run("show feat"),
        Step::Run("show feature@head"),
        Step::Run("show 9"),
        Step::Run("show base"),
        Step::Run("show heads"),
        Step::Run("upgrade feature@3000"),
        Step::Run("upgrade nosuch@head"),
        Step::Run("downgrade 2000"),
        Step::Run("current"),
        Step::Run("history -i -r current:"),
        Step::Run("stamp heads"),
        Step::Run("current"),
        Step::Run("stamp 2000"),
        Step::Run("stamp base"),
        Step::Run("stamp 3000 4000 6000"),
        Step::Run("stamp 3000 2000"),
        Step::Run("stamp head"),
        Step::Run("stamp --purge 1000"),
        Step::Run("stamp 2000:5000 --sql"),
        Step::Run("stamp 5000:base --sql"),
        Step::Run("stamp 3000 2000 --sql"),
        Step::Run("stamp --purge heads --sql"),
        Step::Run("stamp 1000:3000 2000:4000 --sql"),
        Step::Run("downgrade 5000:1000 --sql"),
        Step::Run("upgrade heads --sql"),
        Step::Run("downgrade base"),
        Step::Run("current"),
        Step::Run("revision -m \"lib root\" --head base --branch-label lib --rev-id 9000aaaa0009"),
        Step::Run("revision -m \"uses lib\" --head 5000 --depends-on lib --rev-id 9100bbbb0010"),
        Step::Run("heads"),
        Step::Run("history"),
        Step::Run("upgrade 9100bbbb0010"),
        Step::Run("current"),
        Step::Run("downgrade lib@base"),
        Step::Run("current"),
        Step::Run("revision -m \"bad id\" --rev-id ab:c@d+"),
        Step::Run("revision --sql -m sqlrev --rev-id 9999"),
        Step::Run("merge aaaaaaaaaaa1 bbbbbbbbbbb1 -m m"),
        Step::Run("merge"),
    ]
}

#[test]
fn branches_merges_labels_and_dependencies_match_alembic() {
    assert_conformant("branched", &branched_project());
}

/// Prefixes, relative identifiers and every history range form of the reference's table.
#[test]
fn identifiers_and_history_ranges_match_alembic() {
    let mut steps = vec![
        Step::Run("revision -m one --rev-id 1975ea83b712"),
        Step::Run("revision -m two --rev-id ae1027a6acf0"),
        Step::Run("revision -m three --rev-id 27c6a30d7c24"),
        Step::Run("revision -m four --rev-id 4e5d00000004"),
        Step::Run("revision -m five --rev-id 5f6e7d8c9b01"),
        Step::Run("revision -m amb1 --rev-id abc123000001 --head base --branch-label amb"),
        Step::Run("revision -m amb2 --rev-id abc123000002 --head amb@head"),
        Step::Run("revision -m amb3 --rev-id abd999000003 --head amb@head"),
        Step::Run("upgrade ae10"),
    ];
    for range in [
        "base:head",
        "base:",
        ":head",
        "1975:27c6",
        "1975ea83b712:1975ea83b712",
        "current:",
        "current:head",
        ":current",
        "heads:",
        "-1:",
        "-3:",
        "-3:head",
        "-3:5f6e7d8c9b01",
        "-2:27c6",
        "-1:27c6a30d7c24",
        "-9:27c6",
        "-9:",
        "1975:+2",
        "1975:+9",
        ":+1",
        "base:+2",
        ":-2",
        "-2:-1",
        "27c6:1975",
        "base:base",
        "+1:+2",
        "head-1:",
        "27c6+1:",
        "ae10+2:",
        "1975",
        "zzzz:",
        ":zzzz",
        "amb@head:",
    ] {
        let line: &'static str = Box::leak(format!("history -r={range}").into_boxed_str());
        steps.push(Step::Run(line));
    }
    for target in [
        "abc",
        "ab",
        "abc1230",
        "abd",
        "abc123000002",
        "a",
        "1",
        "amb",
        "amb@base",
        "amb@-1",
        "5f6e-2",
        "head-1",
        "heads-1",
    ] {
        let line: &'static str = Box::leak(format!("show {target}").into_boxed_str());
        steps.push(Step::Run(line));
    }
    steps.extend([
        Step::Run("upgrade 1975+2"),
        Step::Run("current"),
        Step::Run("downgrade 27c6-1"),
        Step::Run("current"),
        Step::Run("downgrade 27c6-9"),
        Step::Run("upgrade amb@+1"),
        Step::Run("current"),
        Step::Run("downgrade -1"),
        Step::Run("current"),
        Step::Run("upgrade head"),
        Step::Run("upgrade heads"),
        Step::Run("current"),
        Step::Run("downgrade amb@-1"),
        Step::Run("current"),
        Step::Run("downgrade amb@base"),
        Step::Run("downgrade base"),
        Step::Run("upgrade base+2"),
        Step::Run("current"),
    ]);
    assert_conformant("identifiers", &steps);
}
