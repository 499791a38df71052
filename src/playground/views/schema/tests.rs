use super::*;
use crate::playground::session::Session;
use crate::sqlite::SqliteDatabase;
use crate::test_support::{CountingIds, FixedClock};

fn database(statements: &[&str]) -> SqliteDatabase {
    let mut database = SqliteDatabase::open_in_memory().unwrap();
    for statement in statements {
        database.execute(statement, &[]).unwrap();
    }
    database
}

const SHOP: &[&str] = &[
    "CREATE TABLE account (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, email VARCHAR(100), PRIMARY KEY (id), UNIQUE (email))",
    "CREATE TABLE address (id INTEGER NOT NULL, account_id INTEGER, street VARCHAR(100) DEFAULT 'unknown', PRIMARY KEY (id), FOREIGN KEY(account_id) REFERENCES account (id))",
    "CREATE INDEX ix_address_street ON address (street)",
    "CREATE TABLE line (order_id INTEGER NOT NULL, address_id INTEGER, FOREIGN KEY(address_id) REFERENCES address (id))",
];

#[test]
fn reads_columns_indexes_unique_constraints_and_foreign_keys() {
    let schema = read(&mut database(SHOP)).unwrap();
    let names: Vec<&str> = schema
        .tables
        .iter()
        .map(|table| table.name.as_str())
        .collect();
    assert_eq!(names, ["account", "address", "line"]);
    let account = schema.table("account").unwrap();
    assert_eq!(
        account.columns[1],
        Column {
            name: "name".to_string(),
            type_: "VARCHAR(50)".to_string(),
            not_null: true,
            default: None,
            primary_key: false,
        }
    );
    assert!(account.columns[0].primary_key);
    assert_eq!(
        account.indexes,
        [Index {
            name: "sqlite_autoindex_account_1".to_string(),
            columns: vec!["email".to_string()],
            unique: true,
            explicit: false,
        }]
    );
    let address = schema.table("address").unwrap();
    assert_eq!(address.columns[2].default.as_deref(), Some("'unknown'"));
    assert_eq!(
        address.foreign_keys,
        [ForeignKey {
            columns: vec!["account_id".to_string()],
            referred_table: "account".to_string(),
            referred_columns: vec!["id".to_string()],
        }]
    );
    assert!(address
        .indexes
        .iter()
        .any(|index| index.name == "ix_address_street" && index.explicit));
}

#[test]
fn diff_names_every_kind_of_change() {
    let old = read(&mut database(SHOP)).unwrap();
    let new = read(&mut database(&[
        "CREATE TABLE account (id INTEGER NOT NULL, name VARCHAR(80), created DATETIME, PRIMARY KEY (id))",
        "CREATE TABLE address (id INTEGER NOT NULL, account_id INTEGER, street VARCHAR(100) DEFAULT 'unknown', PRIMARY KEY (id))",
        "CREATE TABLE audit (id INTEGER NOT NULL, PRIMARY KEY (id))",
    ]))
    .unwrap();
    let shown: Vec<String> = diff(&old, &new)
        .iter()
        .map(|change| format!("{} {}", change.sign, change.text))
        .collect();
    assert_eq!(
        shown,
        [
            "- table line",
            "- column account.email",
            "~ column account.name: VARCHAR(50) NOT NULL -> VARCHAR(80) NULL",
            "+ column account.created DATETIME NULL",
            "- unique index sqlite_autoindex_account_1 on account (email)",
            "- index ix_address_street on address (street)",
            "- foreign key address(account_id) -> account(id)",
            "+ table audit (id INTEGER)",
        ]
    );
    assert!(diff(&old, &old).is_empty());
}

#[test]
fn diagram_puts_referred_tables_left_of_the_tables_that_refer_to_them() {
    let schema = read(&mut database(SHOP)).unwrap();
    let picture = diagram(&schema, 4);
    let x = |name: &str| picture.boxes.iter().find(|b| b.table == name).unwrap().x;
    assert!(x("account") < x("address") && x("address") < x("line"));
    assert_eq!(picture.edges.len(), 2);
    let edge = &picture.edges[0];
    assert_eq!(edge.label, "foreign key address(account_id) -> account(id)");
    // From the left side of address's account_id row to the right side of account's id row.
    let address = picture.boxes.iter().find(|b| b.table == "address").unwrap();
    assert_eq!(
        edge.from,
        (address.x, address.y + HEADER_HEIGHT + ROW_HEIGHT * 1.5)
    );
    assert_eq!(edge.to.0, x("account") + 190.0);
    // A self-reference and a cycle still lay out.
    let cyclic = read(&mut database(&[
        "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id), parent INTEGER REFERENCES a (id))",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id))",
    ]))
    .unwrap();
    assert_eq!(diagram(&cyclic, 4).boxes.len(), 2);
    assert_eq!(diagram(&Schema::default(), 4).boxes.len(), 0);
    // One column (a narrow panel): referred tables above, every box at x = 0.
    let narrow = diagram(&schema, 1);
    let y = |name: &str| narrow.boxes.iter().find(|b| b.table == name).unwrap().y;
    assert!(narrow.boxes.iter().all(|b| b.x == 0.0));
    assert!(y("account") < y("address") && y("address") < y("line"));
    assert_eq!(narrow.edges.len(), 2);
}

#[test]
fn schema_at_a_revision_replays_the_migrations_in_a_scratch_copy() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0x5c0000000000);
    let mut revisions = Vec::new();
    for (message, body) in [
        (
            "account",
            "op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))",
        ),
        (
            "email",
            "op.add_column('account', sa.Column('email', sa.String(100)))",
        ),
    ] {
        let made = session.run_line(
            &format!("alembic revision -m {message}"),
            &FixedClock,
            &mut ids,
        );
        let path = made.output.touched_files[0].clone();
        let source = crate::host::FileSystem::read_to_string(session.files(), &path)
            .unwrap()
            .replacen("    pass", &format!("    {body}"), 1);
        session.write_file(&path, &source).unwrap();
        revisions.push(crate::host::file_name(&path)[..12].to_string());
    }
    let first = session
        .schema_at(&revisions[0], &FixedClock, &mut ids)
        .unwrap();
    let second = session.schema_at("head", &FixedClock, &mut ids).unwrap();
    assert_eq!(first.tables.len(), 1, "the version table is left out");
    let shown: Vec<String> = diff(&first, &second)
        .iter()
        .map(|c| c.text.clone())
        .collect();
    assert_eq!(shown, ["column account.email VARCHAR(100) NULL"]);
    assert_eq!(
        session.schema_at("base", &FixedClock, &mut ids).unwrap(),
        Schema::default()
    );
    // The real database was never touched.
    assert_eq!(
        read(session.main_database().unwrap()).unwrap(),
        Schema::default()
    );
    let error = session
        .schema_at("ffff", &FixedClock, &mut ids)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("upgrading an empty database to ffff fails: "),
        "{error}"
    );
}

#[test]
fn drift_shows_what_a_stamp_did_not_build() {
    let mut session = Session::starter();
    let mut ids = CountingIds::new(0xd1f700000000);
    let made = session.run_line("alembic revision -m account", &FixedClock, &mut ids);
    let path = made.output.touched_files[0].clone();
    let source = crate::host::FileSystem::read_to_string(session.files(), &path)
        .unwrap()
        .replacen(
            "    pass",
            "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True))",
            1,
        );
    session.write_file(&path, &source).unwrap();
    // Nothing applied, nothing there: nothing to compare.
    assert_eq!(session.drift(&FixedClock, &mut ids).unwrap(), None);
    // Stamped without building the table: the table is missing.
    session.run_line("alembic stamp head", &FixedClock, &mut ids);
    let (target, changes) = session.drift(&FixedClock, &mut ids).unwrap().unwrap();
    assert_eq!(target, "d1f700000001");
    assert_eq!(
        changes,
        [Change {
            sign: '-',
            text: "table account".to_string()
        }]
    );
    let before = session.migrations_fingerprint();
    session.run_line("alembic downgrade base", &FixedClock, &mut ids);
    assert_eq!(
        session.migrations_fingerprint(),
        before,
        "the database is not part of it"
    );
    session.write_file(&path, &format!("{source}\n")).unwrap();
    assert_ne!(session.migrations_fingerprint(), before);
}
