//! `batch_alter_table`: Alembic's decision between plain ALTERs and
//! SQLite "move and copy", and the statement sequence of the copy
//! (`CREATE TABLE _alembic_tmp_<t>`, `INSERT ... SELECT`, `DROP`, `RENAME`,
//! re-create indexes), following `alembic/operations/batch.py`.
//!
//! The table to copy is either `copy_from` or a reflected table the runtime
//! put into the [`RenderContext`]; this module never reflects by itself.
//!
//! Where Python iterates a `set` of constraints (so the order of unnamed
//! constraints in the new table varies from run to run in real Alembic), we
//! use SQLAlchemy's creation order: explicit constraints, then those derived
//! from columns; for reflected tables PK, foreign keys, unique, check.

use super::ddl::{
    self, add_column_sql, alter_column_steps, create_index_sql, create_table_sql, drop_index_sql,
    drop_table_sql, rename_table_sql, type_bound_check, CreateTableSpec, RenderContext, Statement,
    Step,
};
use super::operation::{AddColumn, AlterColumn, BatchOp, Operation, Recreate};
use super::schema::{
    CheckConstraint, Column, Constraint, ForeignKeyConstraint, Index, IndexElement,
    PrimaryKeyConstraint, ServerDefault, Table, UniqueConstraint,
};
use super::sqltext::{py_repr_str, quote};
use super::types::{Affinity, SqlType};
use super::{OpsError, NO_ALTER_CONSTRAINTS, SKIP_IMPLICIT_CONSTRAINT};

/// One entry of `BatchOperationsImpl.batch`, after the `Operations`
/// front-end expanded a `batch_op.*` call.
#[derive(Debug, Clone)]
enum Entry {
    AddColumn(AddColumn),
    AlterColumn(AlterColumn),
    DropColumn {
        column_name: String,
        existing_type: Option<SqlType>,
    },
    AddConstraint {
        constraint: Constraint,
        type_bound: bool,
    },
    DropConstraint {
        name: String,
        type_bound: bool,
    },
    CreateIndex(Index, bool),
    DropIndex(String, bool),
    TableComment(Option<String>),
}

fn requires_recreate_entries(entries: &[Entry]) -> bool {
    entries.iter().any(|e| match e {
        Entry::AddColumn(add) => add
            .column
            .server_default
            .as_ref()
            .is_some_and(ServerDefault::is_sql_expression),
        Entry::CreateIndex(..) | Entry::DropIndex(..) => false,
        _ => true,
    })
}

/// `SQLiteImpl.requires_recreate_in_batch` for `recreate='auto'`: true
/// unless every op is `add_column` (without a SQL-expression server
/// default), `create_index` or `drop_index`.
pub fn requires_recreate(ops: &[BatchOp]) -> bool {
    let mut entries = Vec::new();
    for op in ops {
        entries.extend(expand(op));
    }
    requires_recreate_entries(&entries)
}

/// The table the runtime must reflect before rendering `op` online (`None`
/// when no reflection is needed: not a batch, no recreate, `copy_from`
/// given, or offline).
pub fn table_to_reflect(op: &Operation, ctx: &RenderContext) -> Option<String> {
    if let Operation::BatchAlterTable {
        table_name,
        recreate,
        copy_from,
        ops,
        ..
    } = op
    {
        let recreate = match recreate {
            Recreate::Always => true,
            Recreate::Never => false,
            Recreate::Auto => requires_recreate(ops),
        };
        if recreate && copy_from.is_none() && !ctx.as_sql {
            return Some(table_name.clone());
        }
    }
    None
}

/// What the `op` front-end turns a `batch_op` call into (see
/// `alembic/operations/toimpl.py`): constraints produced by a new column or
/// a new type become their own entries.
fn expand(op: &BatchOp) -> Vec<Entry> {
    match op {
        BatchOp::AddColumn(add) => {
            let column = &add.column;
            let mut out = vec![Entry::AddColumn(add.clone())];
            let single_inline_fk = add.inline_references && column.foreign_keys.len() == 1;
            if column.unique && !column.index {
                out.push(Entry::AddConstraint {
                    constraint: Constraint::Unique(UniqueConstraint {
                        name: None,
                        columns: vec![column.name.clone()],
                    }),
                    type_bound: false,
                });
            }
            if let Some(check) = type_bound_check(&column.name, &column.type_) {
                out.push(Entry::AddConstraint {
                    constraint: Constraint::Check(check),
                    type_bound: true,
                });
            }
            if !single_inline_fk {
                for fk in &column.foreign_keys {
                    out.push(Entry::AddConstraint {
                        constraint: Constraint::ForeignKey(ForeignKeyConstraint::from_column_fk(
                            &column.name,
                            fk,
                        )),
                        type_bound: false,
                    });
                }
            }
            if column.index {
                out.push(Entry::CreateIndex(
                    Index {
                        name: None, // named by the caller with the table name
                        table: None,
                        elements: vec![IndexElement::Column(column.name.clone())],
                        unique: column.unique,
                        sqlite_where: None,
                    },
                    false,
                ));
            }
            out
        }
        BatchOp::AlterColumn(alter) => {
            let mut out = Vec::new();
            if let (Some(existing), Some(_)) = (&alter.existing_type, &alter.type_) {
                if existing.creates_constraint() {
                    out.push(Entry::DropConstraint {
                        name: existing.schema_type_name().unwrap_or("").to_string(),
                        type_bound: true,
                    });
                }
            }
            out.push(Entry::AlterColumn(alter.clone()));
            if let Some(new_type) = &alter.type_ {
                let column_name = alter
                    .new_column_name
                    .clone()
                    .unwrap_or_else(|| alter.column_name.clone());
                if let Some(check) = type_bound_check(&column_name, new_type) {
                    out.push(Entry::AddConstraint {
                        constraint: Constraint::Check(check),
                        type_bound: true,
                    });
                }
            }
            out
        }
        BatchOp::DropColumn {
            column_name,
            existing_type,
        } => vec![Entry::DropColumn {
            column_name: column_name.clone(),
            existing_type: existing_type.clone(),
        }],
        BatchOp::CreateIndex {
            index,
            if_not_exists,
        } => vec![Entry::CreateIndex(index.clone(), *if_not_exists)],
        BatchOp::DropIndex {
            index_name,
            if_exists,
        } => vec![Entry::DropIndex(index_name.clone(), *if_exists)],
        BatchOp::CreateUniqueConstraint { name, columns } => vec![Entry::AddConstraint {
            constraint: Constraint::Unique(UniqueConstraint {
                name: name.clone(),
                columns: columns.clone(),
            }),
            type_bound: false,
        }],
        BatchOp::CreateForeignKey(fk) => vec![Entry::AddConstraint {
            constraint: fk.constraint(),
            type_bound: false,
        }],
        BatchOp::CreateCheckConstraint { name, condition } => vec![Entry::AddConstraint {
            constraint: Constraint::Check(CheckConstraint {
                name: name.clone(),
                sqltext: condition.clone(),
            }),
            type_bound: false,
        }],
        BatchOp::CreatePrimaryKey { name, columns } => vec![Entry::AddConstraint {
            constraint: Constraint::PrimaryKey(PrimaryKeyConstraint {
                name: name.clone(),
                columns: columns.clone(),
            }),
            type_bound: false,
        }],
        BatchOp::DropConstraint { name, .. } => vec![Entry::DropConstraint {
            name: name.clone(),
            type_bound: false,
        }],
        BatchOp::CreateTableComment { comment } => vec![Entry::TableComment(Some(comment.clone()))],
        BatchOp::DropTableComment => vec![Entry::TableComment(None)],
    }
}

fn name_index(index: &Index, table_name: &str) -> Index {
    let mut index = index.clone();
    if index.name.is_none() {
        if let Some(IndexElement::Column(c)) = index.elements.first() {
            index.name = Some(format!("ix_{table_name}_{c}"));
        }
    }
    index.table = Some(table_name.to_string());
    index
}

fn command_error_offline(table_name: &str) -> OpsError {
    OpsError::Command(format!(
        "This operation cannot proceed in --sql mode; batch mode with dialect sqlite requires a live database connection with which to reflect the table \"{table_name}\". To generate a batch SQL migration script using table \"move and copy\", a complete Table object should be passed to the \"copy_from\" argument of the batch_alter_table() method so that table reflection can be skipped."
    ))
}

/// Render a whole `batch_alter_table` block.
pub(crate) fn batch_steps(op: &Operation, ctx: &RenderContext) -> Result<Vec<Step>, OpsError> {
    let Operation::BatchAlterTable {
        table_name,
        recreate,
        copy_from,
        table_args,
        naming_convention,
        ops,
    } = op
    else {
        return Ok(Vec::new());
    };
    // Collect entries as the `with` block runs, raising the insert_before /
    // insert_after error at the add_column call, as Alembic does.
    let mut entries: Vec<Entry> = Vec::new();
    for batch_op in ops {
        if let BatchOp::AddColumn(add) = batch_op {
            if add.insert_before.is_some() || add.insert_after.is_some() {
                let should = match recreate {
                    Recreate::Always => true,
                    Recreate::Never => false,
                    Recreate::Auto => requires_recreate_entries(&entries),
                };
                if !should {
                    return Err(OpsError::Command("Can't specify insert_before or insert_after when using ALTER; please specify recreate='always'".to_string()));
                }
            }
        }
        let mut expanded = expand(batch_op);
        for entry in &mut expanded {
            if let Entry::CreateIndex(index, _) = entry {
                *index = name_index(index, table_name);
            }
        }
        entries.extend(expanded);
    }
    let should_recreate = match recreate {
        Recreate::Always => true,
        Recreate::Never => false,
        Recreate::Auto => requires_recreate_entries(&entries),
    };
    if !should_recreate {
        return plain_steps(table_name, &entries);
    }
    let mut steps = Vec::new();
    let (existing, reflected) = match copy_from {
        Some(table) => (table.clone(), false),
        None => {
            if ctx.as_sql {
                return Err(command_error_offline(table_name));
            }
            let found = ctx.reflected.iter().find(|r| r.table.name == *table_name);
            let Some(found) = found else {
                return Err(OpsError::NoSuchTable(table_name.clone()));
            };
            for w in &found.warnings {
                steps.push(Step::Warn(w.clone()));
            }
            let mut table = found.table.clone();
            if !naming_convention.is_empty() {
                apply_naming_convention(&mut table, naming_convention)?;
            }
            (table, true)
        }
    };
    let mut apply = ApplyBatch::new(existing, table_args.clone(), reflected, &mut steps);
    let applied = entries.iter().try_for_each(|entry| apply.apply(entry));
    let created = applied.and_then(|()| apply.create(&mut steps));
    if let Err(error) = created {
        // Reflection warnings were issued (and printed by Python) before the error.
        steps.retain(|step| matches!(step, Step::Warn(_)));
        if steps.is_empty() {
            return Err(error);
        }
        steps.push(Step::Fail(error));
    }
    Ok(steps)
}

/// `recreate` not needed: each entry goes to the plain SQLite impl.
fn plain_steps(table_name: &str, entries: &[Entry]) -> Result<Vec<Step>, OpsError> {
    let mut steps = Vec::new();
    for entry in entries {
        match entry {
            Entry::AddColumn(add) => {
                let plain = AddColumn {
                    insert_before: None,
                    insert_after: None,
                    ..add.clone()
                };
                steps.push(Step::Execute(statement_ddl(add_column_sql(
                    table_name, &plain,
                )?)));
            }
            Entry::AlterColumn(alter) => {
                // the type-bound CHECK handling is a separate entry here
                for step in alter_column_steps(table_name, alter)? {
                    match step {
                        Step::Warn(w) if w == SKIP_IMPLICIT_CONSTRAINT => {}
                        Step::Fail(e) => {
                            steps.push(Step::Fail(e));
                            return Ok(steps);
                        }
                        other => steps.push(other),
                    }
                }
            }
            Entry::DropColumn { column_name, .. } => {
                steps.push(Step::Execute(statement_ddl(format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    quote(table_name),
                    quote(column_name)
                ))));
            }
            Entry::AddConstraint { type_bound, .. } => {
                if *type_bound {
                    steps.push(Step::Warn(SKIP_IMPLICIT_CONSTRAINT.to_string()));
                } else {
                    steps.push(Step::Fail(OpsError::NotImplemented(
                        NO_ALTER_CONSTRAINTS.to_string(),
                    )));
                    return Ok(steps);
                }
            }
            Entry::DropConstraint { type_bound, .. } => {
                if !*type_bound {
                    steps.push(Step::Fail(OpsError::NotImplemented(
                        NO_ALTER_CONSTRAINTS.to_string(),
                    )));
                    return Ok(steps);
                }
            }
            Entry::CreateIndex(index, if_not_exists) => {
                steps.push(Step::Execute(statement_ddl(create_index_sql(
                    index,
                    Some(table_name),
                    *if_not_exists,
                )?)));
            }
            Entry::DropIndex(name, if_exists) => {
                steps.push(Step::Execute(statement_ddl(drop_index_sql(
                    name, *if_exists,
                ))));
            }
            Entry::TableComment(comment) => {
                let sql = match comment {
                    Some(c) => format!(
                        "COMMENT ON TABLE {} IS {}",
                        quote(table_name),
                        super::sqltext::sql_string(c)
                    ),
                    None => format!("COMMENT ON TABLE {} IS NULL", quote(table_name)),
                };
                steps.push(Step::Execute(statement_ddl(sql)));
            }
        }
    }
    Ok(steps)
}

fn statement_ddl(sql: String) -> Statement {
    Statement {
        sql,
        params: ddl::Params::None,
        is_ddl: true,
        on_error: Vec::new(),
    }
}

/// Name unnamed constraints of a reflected table with the batch
/// `naming_convention` (`Table.to_metadata(MetaData(naming_convention=...))`).
fn apply_naming_convention(
    table: &mut Table,
    convention: &[(String, String)],
) -> Result<(), OpsError> {
    let table_name = table.name.clone();
    for constraint in &mut table.constraints {
        if constraint.name().is_some() {
            continue;
        }
        let key = match constraint {
            Constraint::PrimaryKey(_) => "pk",
            Constraint::ForeignKey(_) => "fk",
            Constraint::Unique(_) => "uq",
            Constraint::Check(_) => "ck",
        };
        let Some((_, template)) = convention.iter().find(|(k, _)| k == key) else {
            continue;
        };
        let columns = constraint.column_names();
        let (ref_table, ref_cols) = match constraint {
            Constraint::ForeignKey(fk) => (fk.referent_table.clone(), fk.referent_columns.clone()),
            _ => (String::new(), Vec::new()),
        };
        let name = expand_convention(template, &table_name, &columns, &ref_table, &ref_cols)?;
        match constraint {
            Constraint::PrimaryKey(c) => c.name = Some(name),
            Constraint::ForeignKey(c) => c.name = Some(name),
            Constraint::Unique(c) => c.name = Some(name),
            Constraint::Check(c) => c.name = Some(name),
        }
    }
    Ok(())
}

fn expand_convention(
    template: &str,
    table_name: &str,
    columns: &[String],
    ref_table: &str,
    ref_cols: &[String],
) -> Result<String, OpsError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("%(") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find(")s") else {
            out.push_str(rest.get(start..).unwrap_or(""));
            rest = "";
            break;
        };
        let token = after.get(..end).unwrap_or("");
        let first = |v: &[String]| v.first().cloned().unwrap_or_default();
        let value = match token {
            "table_name" => table_name.to_string(),
            "column_0_name" => first(columns),
            "column_0_label" => format!("{table_name}_{}", first(columns)),
            "column_0N_name" => columns.concat(),
            "column_0_N_name" => columns.join("_"),
            "referred_table_name" => ref_table.to_string(),
            "referred_column_0_name" => first(ref_cols),
            other => {
                return Err(OpsError::Key(py_repr_str(other)));
            }
        };
        out.push_str(&value);
        rest = after.get(end + 2..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

#[derive(Debug, Clone)]
struct ConstraintEntry {
    constraint: Constraint,
    type_bound: bool,
}

#[derive(Debug, Clone)]
struct BatchColumn {
    /// the original name (SQLAlchemy's `.key`), kept across renames
    key: String,
    column: Column,
    /// `Some(cast)` when the column is copied; `cast` is the new type when
    /// the affinity changed
    transfer: Option<Option<SqlType>>,
    /// whether the type still generates its own CHECK on the new table
    type_events: bool,
}

struct ApplyBatch {
    table: Table,
    table_args: Vec<Constraint>,
    temp_name: String,
    columns: Vec<BatchColumn>,
    existing_ordering: Vec<String>,
    add_col_ordering: Vec<(String, String)>,
    named: Vec<(String, ConstraintEntry)>,
    unnamed: Vec<ConstraintEntry>,
    /// column-level named CHECKs of a `copy_from` table: name → column key
    col_named: Vec<(String, String)>,
    indexes: Vec<(String, Index)>,
    new_indexes: Vec<(String, Index)>,
}

/// All constraints of a table in creation order (explicit, then derived),
/// with a flag for type-bound CHECKs.
fn materialize_constraints(table: &Table) -> Vec<ConstraintEntry> {
    let mut out = Vec::new();
    let pk = table.primary_key();
    if !pk.columns.is_empty() || pk.name.is_some() {
        out.push(ConstraintEntry {
            constraint: Constraint::PrimaryKey(pk),
            type_bound: false,
        });
    }
    for c in &table.constraints {
        if !matches!(c, Constraint::PrimaryKey(_)) {
            out.push(ConstraintEntry {
                constraint: c.clone(),
                type_bound: false,
            });
        }
    }
    for column in &table.columns {
        if column.unique && !column.index {
            out.push(ConstraintEntry {
                constraint: Constraint::Unique(UniqueConstraint {
                    name: None,
                    columns: vec![column.name.clone()],
                }),
                type_bound: false,
            });
        }
        if let Some(check) = type_bound_check(&column.name, &column.type_) {
            out.push(ConstraintEntry {
                constraint: Constraint::Check(check),
                type_bound: true,
            });
        }
        for fk in &column.foreign_keys {
            out.push(ConstraintEntry {
                constraint: Constraint::ForeignKey(ForeignKeyConstraint::from_column_fk(
                    &column.name,
                    fk,
                )),
                type_bound: false,
            });
        }
    }
    out
}

/// Topological sort as `sqlalchemy.util.topological.sort` does it.
fn topological_sort(pairs: &[(String, String)], all: &[String]) -> Result<Vec<String>, OpsError> {
    let parents_of = |node: &String| -> Vec<&String> {
        pairs
            .iter()
            .filter(|(_, child)| child == node)
            .map(|(parent, _)| parent)
            .collect()
    };
    let mut todo: Vec<String> = all.to_vec();
    let mut out = Vec::new();
    while !todo.is_empty() {
        let ready: Vec<String> = todo
            .iter()
            .filter(|node| parents_of(node).iter().all(|p| !todo.contains(p)))
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(OpsError::Value("Circular dependency detected.".to_string()));
        }
        todo.retain(|t| !ready.contains(t));
        out.extend(ready);
    }
    Ok(out)
}

impl ApplyBatch {
    fn new(
        table: Table,
        table_args: Vec<Constraint>,
        reflected: bool,
        steps: &mut Vec<Step>,
    ) -> ApplyBatch {
        let temp_name: String = format!("_alembic_tmp_{}", table.name)
            .chars()
            .take(50)
            .collect();
        let pk = table.primary_key();
        let columns: Vec<BatchColumn> = table
            .columns
            .iter()
            .map(|c| {
                let mut column = c.clone();
                column.unique = false;
                column.index = false;
                column.foreign_keys.clear();
                if pk.columns.contains(&column.name) {
                    column.primary_key = true;
                }
                BatchColumn {
                    key: c.name.clone(),
                    column,
                    transfer: Some(None),
                    type_events: true,
                }
            })
            .collect();
        let existing_ordering = columns.iter().map(|c| c.key.clone()).collect();
        let mut named = Vec::new();
        let mut unnamed = Vec::new();
        let checks_in_args = table_args.iter().any(|c| matches!(c, Constraint::Check(_)));
        for entry in materialize_constraints(&table) {
            if entry.type_bound {
                continue;
            }
            let name = entry.constraint.name().map(str::to_string);
            match name {
                None if reflected && matches!(entry.constraint, Constraint::Check(_)) => {
                    if !checks_in_args {
                        steps.push(Step::Warn(format!("Unnamed CHECK constraint on reflected table '{}' is being omitted from the table recreate; pass the constraint explicitly using batch_alter_table.table_args.  Naming CHECK constraints avoids this going forward.", table.name)));
                    }
                }
                Some(n) => named.push((n, entry)),
                None => unnamed.push(entry),
            }
        }
        let mut col_named = Vec::new();
        if !reflected {
            for c in &table.columns {
                for check in &c.checks {
                    if let Some(n) = &check.name {
                        col_named.push((n.clone(), c.name.clone()));
                    }
                }
            }
        }
        // `_column_flag` indexes (index=True) are not carried over.
        let indexes = table
            .indexes
            .iter()
            .filter_map(|i| i.name.clone().map(|n| (n, i.clone())))
            .collect();
        ApplyBatch {
            table,
            table_args,
            temp_name,
            columns,
            existing_ordering,
            add_col_ordering: Vec::new(),
            named,
            unnamed,
            col_named,
            indexes,
            new_indexes: Vec::new(),
        }
    }

    fn column_mut(&mut self, key: &str) -> Result<&mut BatchColumn, OpsError> {
        self.columns
            .iter_mut()
            .find(|c| c.key == key)
            .ok_or_else(|| OpsError::Key(py_repr_str(key)))
    }

    fn pop_named(&mut self, name: &str) -> Option<ConstraintEntry> {
        let position = self.named.iter().position(|(n, _)| n == name)?;
        Some(self.named.remove(position).1)
    }

    fn apply(&mut self, entry: &Entry) -> Result<(), OpsError> {
        match entry {
            Entry::AddColumn(add) => {
                self.setup_add_column_ordering(
                    &add.column.name,
                    add.insert_before.clone(),
                    add.insert_after.clone(),
                )?;
                let mut column = add.column.clone();
                column.foreign_keys.clear();
                column.unique = add.column.unique;
                let batch_column = BatchColumn {
                    key: column.name.clone(),
                    column,
                    transfer: None,
                    type_events: false,
                };
                match self.columns.iter_mut().find(|c| c.key == add.column.name) {
                    Some(existing) => *existing = batch_column,
                    None => self.columns.push(batch_column),
                }
            }
            Entry::AlterColumn(alter) => self.alter_column(alter)?,
            Entry::DropColumn {
                column_name,
                existing_type,
            } => {
                let position = self
                    .columns
                    .iter()
                    .position(|c| c.key == *column_name)
                    .ok_or_else(|| OpsError::Key(py_repr_str(column_name)))?;
                self.columns.remove(position);
                self.existing_ordering.retain(|c| c != column_name);
                if let Some(t) = existing_type {
                    if t.creates_constraint() || t.schema_type_name().is_some() {
                        if let Some(n) = t.schema_type_name() {
                            let n = n.to_string();
                            self.pop_named(&n);
                        }
                    }
                }
            }
            Entry::AddConstraint {
                constraint,
                type_bound,
            } => {
                if constraint.name().is_none() && !*type_bound {
                    return Err(OpsError::Value("Constraint must have a name".to_string()));
                }
                if matches!(constraint, Constraint::PrimaryKey(_)) {
                    self.unnamed
                        .retain(|c| !matches!(c.constraint, Constraint::PrimaryKey(_)));
                }
                let entry = ConstraintEntry {
                    constraint: constraint.clone(),
                    type_bound: *type_bound,
                };
                match constraint.name() {
                    Some(n) => {
                        let n = n.to_string();
                        match self.named.iter_mut().find(|(k, _)| *k == n) {
                            Some(slot) => slot.1 = entry,
                            None => self.named.push((n, entry)),
                        }
                    }
                    None => self.unnamed.push(entry),
                }
            }
            Entry::DropConstraint { name, type_bound } => {
                if name.is_empty() && !*type_bound {
                    return Err(OpsError::Value("Constraint must have a name".to_string()));
                }
                if let Some(position) = self.col_named.iter().position(|(n, _)| n == name) {
                    let (_, key) = self.col_named.remove(position);
                    if let Ok(col) = self.column_mut(&key) {
                        col.column
                            .checks
                            .retain(|c| c.name.as_deref() != Some(name.as_str()));
                    }
                } else if let Some(popped) = self.pop_named(name) {
                    if let Constraint::PrimaryKey(pk) = &popped.constraint {
                        for c in &pk.columns {
                            if let Ok(col) = self.column_mut(c) {
                                col.column.primary_key = false;
                            }
                        }
                    }
                } else if !*type_bound {
                    return Err(OpsError::Value(format!("No such constraint: '{name}'")));
                }
            }
            Entry::CreateIndex(index, _) => {
                let name = index.name.clone().unwrap_or_default();
                match self.new_indexes.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = index.clone(),
                    None => self.new_indexes.push((name, index.clone())),
                }
            }
            Entry::DropIndex(name, _) => {
                let position = self
                    .indexes
                    .iter()
                    .position(|(n, _)| n == name)
                    .ok_or_else(|| OpsError::Value(format!("No such index: '{name}'")))?;
                self.indexes.remove(position);
            }
            Entry::TableComment(_) => {}
        }
        Ok(())
    }

    fn alter_column(&mut self, alter: &AlterColumn) -> Result<(), OpsError> {
        let column_name = alter.column_name.clone();
        let mut pop_type_name: Option<String> = None;
        {
            let existing = self.column_mut(&column_name)?;
            if let Some(new_name) = &alter.new_column_name {
                if *new_name != column_name {
                    existing.column.name = new_name.clone();
                    if let Some(t) = &alter.existing_type {
                        if let Some(n) = t.schema_type_name() {
                            if matches!(
                                t.class,
                                super::types::TypeClass::Boolean
                                    | super::types::TypeClass::BOOLEAN
                                    | super::types::TypeClass::Enum
                            ) {
                                pop_type_name = Some(n.to_string());
                            }
                        }
                    }
                }
            }
            if let Some(new_type) = &alter.type_ {
                existing.type_events = false;
                let old_affinity = existing.column.type_.class.affinity();
                let new_affinity = new_type.class.affinity();
                if old_affinity != new_affinity && new_affinity != Affinity::Json {
                    if let Some(transfer) = &mut existing.transfer {
                        *transfer = Some(new_type.clone());
                    }
                }
                existing.column.type_ = new_type.clone();
            }
            if let Some(nullable) = alter.nullable {
                existing.column.nullable = Some(nullable);
            }
            if let Some(default) = &alter.server_default {
                existing.column.server_default = default.clone();
            }
            if let Some(autoincrement) = alter.autoincrement {
                existing.column.autoincrement = Some(autoincrement);
            }
            if let Some(comment) = &alter.comment {
                existing.column.comment = comment.clone();
            }
        }
        if let Some(n) = pop_type_name {
            self.pop_named(&n);
        }
        Ok(())
    }

    fn setup_add_column_ordering(
        &mut self,
        colname: &str,
        insert_before: Option<String>,
        insert_after: Option<String>,
    ) -> Result<(), OpsError> {
        let index_cols = self.existing_ordering.clone();
        let position = |name: &str| index_cols.iter().position(|c| c == name);
        let mut before = insert_before;
        let mut after = insert_after;
        if let Some(a) = &after {
            if before.is_none() {
                match position(a) {
                    Some(i) => before = index_cols.get(i + 1).cloned(),
                    None => {
                        // insert after a column that is also new
                        let found = self
                            .add_col_ordering
                            .iter()
                            .rev()
                            .find(|(x, _)| x == a)
                            .map(|(_, b)| b.clone());
                        before = Some(found.ok_or_else(|| OpsError::Key(py_repr_str(a)))?);
                    }
                }
            }
        }
        if let Some(b) = &before {
            if after.is_none() {
                match position(b) {
                    Some(i) => {
                        if i >= 1 {
                            after = index_cols.get(i - 1).cloned();
                        }
                    }
                    None => {
                        let found = self
                            .add_col_ordering
                            .iter()
                            .rev()
                            .find(|(_, y)| y == b)
                            .map(|(a, _)| a.clone());
                        after = Some(found.ok_or_else(|| OpsError::Key(py_repr_str(b)))?);
                    }
                }
            }
        }
        if let Some(b) = &before {
            self.add_col_ordering.push((colname.to_string(), b.clone()));
        }
        if let Some(a) = &after {
            self.add_col_ordering.push((a.clone(), colname.to_string()));
        }
        if before.is_none() && after.is_none() {
            if let Some(last) = index_cols.last() {
                self.add_col_ordering
                    .push((last.clone(), colname.to_string()));
            }
        }
        Ok(())
    }

    fn reorder(&mut self) -> Result<(), OpsError> {
        let col_by_idx: Vec<String> = self.columns.iter().map(|c| c.key.clone()).collect();
        let mut pairs: Vec<(String, String)> = Vec::new();
        // Alembic pairs `col_by_idx[index - 1]` with `existing_ordering[index]`
        for (index, elem) in self.existing_ordering.iter().enumerate() {
            if index > 0 {
                if let Some(prev) = col_by_idx.get(index - 1) {
                    pairs.push((prev.clone(), elem.clone()));
                }
            }
        }
        pairs.extend(self.add_col_ordering.iter().cloned());
        pairs.retain(|(a, b)| a != b);
        let sorted = topological_sort(&pairs, &col_by_idx)?;
        let mut reordered = Vec::new();
        for key in sorted {
            if let Some(c) = self.columns.iter().find(|c| c.key == key) {
                reordered.push(c.clone());
            }
        }
        self.columns = reordered;
        Ok(())
    }

    fn rename_map(&self) -> impl Fn(&str) -> String + '_ {
        move |key: &str| {
            self.columns
                .iter()
                .find(|c| c.key == key)
                .map(|c| c.column.name.clone())
                .unwrap_or_else(|| key.to_string())
        }
    }

    fn create(mut self, steps: &mut Vec<Step>) -> Result<(), OpsError> {
        if !self.add_col_ordering.is_empty() {
            self.reorder()?;
        }
        let keys: Vec<String> = self.columns.iter().map(|c| c.key.clone()).collect();
        // constraints of the new table in creation order
        let mut constraints: Vec<Constraint> = Vec::new();
        let mut primary_key = PrimaryKeyConstraint {
            name: None,
            columns: self
                .columns
                .iter()
                .filter(|c| c.column.primary_key)
                .map(|c| c.key.clone())
                .collect(),
        };
        constraints.extend(self.table_args.iter().cloned());
        for c in &self.columns {
            if c.type_events {
                if let Some(check) = type_bound_check(&c.column.name, &c.column.type_) {
                    constraints.push(Constraint::Check(check));
                }
            }
        }
        let copies: Vec<ConstraintEntry> = self
            .named
            .iter()
            .map(|(_, e)| e.clone())
            .chain(self.unnamed.iter().cloned())
            .collect();
        for entry in copies {
            let mut constraint = entry.constraint.clone();
            if let Constraint::PrimaryKey(pk) = &mut constraint {
                pk.columns.retain(|c| keys.contains(c));
                primary_key = pk.clone();
                continue;
            }
            let cols = constraint.column_names();
            if !cols.iter().all(|c| keys.contains(c)) {
                continue;
            }
            constraints.push(constraint);
        }
        let rename = self.rename_map();
        let pk_keys = primary_key.columns.clone();
        let columns: Vec<Column> = self
            .columns
            .iter()
            .map(|c| {
                let mut column = c.column.clone();
                column.primary_key = pk_keys.contains(&c.key);
                if !c.type_events {
                    // the type no longer generates its CHECK
                    column.type_ = strip_create_constraint(&column.type_);
                }
                column.unique = false;
                column
            })
            .collect();
        let rendered_pk = PrimaryKeyConstraint {
            name: primary_key.name.clone(),
            columns: primary_key.columns.iter().map(|k| rename(k)).collect(),
        };
        let spec = CreateTableSpec {
            name: &self.temp_name,
            columns,
            primary_key: rendered_pk,
            constraints,
            sqlite_autoincrement: false,
            if_not_exists: false,
        };
        let create_sql = create_table_sql(&spec, &rename)?;
        let drop_temp = statement_ddl(drop_table_sql(&self.temp_name, false));
        steps.push(Step::Execute(statement_ddl(create_sql)));
        // `index=True` on a column added in this batch creates an index on
        // the temporary table right away (then again under the real name)
        for c in &self.columns {
            if c.transfer.is_none() && c.column.index {
                let index = Index {
                    name: Some(format!("ix_{}_{}", self.temp_name, c.column.name)),
                    table: Some(self.temp_name.clone()),
                    elements: vec![IndexElement::Column(c.column.name.clone())],
                    unique: c.column.unique,
                    sqlite_where: None,
                };
                steps.push(Step::Execute(statement_ddl(create_index_sql(
                    &index, None, false,
                )?)));
            }
        }
        let source = quote(&self.table.name);
        let mut insert_cols = Vec::new();
        let mut select_exprs = Vec::new();
        for c in &self.columns {
            let Some(cast) = &c.transfer else { continue };
            insert_cols.push(quote(&c.column.name));
            let expr = format!("{source}.{}", quote(&c.key));
            match cast {
                None => select_exprs.push(expr),
                Some(t) => {
                    select_exprs.push(format!("CAST({expr} AS {}) AS {}", t.ddl()?, quote(&c.key)))
                }
            }
        }
        let insert = format!(
            "INSERT INTO {} ({}) SELECT {} \nFROM {}",
            quote(&self.temp_name),
            insert_cols.join(", "),
            select_exprs.join(", "),
            source
        );
        let mut insert_statement = Statement {
            sql: insert,
            params: ddl::Params::None,
            is_ddl: false,
            on_error: vec![drop_temp.clone()],
        };
        insert_statement.is_ddl = false;
        steps.push(Step::Execute(insert_statement));
        let mut drop_original = statement_ddl(drop_table_sql(&self.table.name, false));
        drop_original.on_error = vec![drop_temp];
        steps.push(Step::Execute(drop_original));
        steps.push(Step::Execute(statement_ddl(rename_table_sql(
            &self.temp_name,
            &self.table.name,
        ))));
        // indexes: existing ones (columns follow renames; dropped columns
        // keep their old name and make SQLite fail), then new ones
        let mut index_statements = Vec::new();
        for (_, index) in &self.indexes {
            let mut copy = index.clone();
            copy.elements = index
                .elements
                .iter()
                .map(|e| match e {
                    IndexElement::Column(c) => IndexElement::Column(rename(c)),
                    other => other.clone(),
                })
                .collect();
            index_statements.push(create_index_sql(&copy, Some(&self.table.name), false)?);
        }
        for (_, index) in &self.new_indexes {
            let mut elements = Vec::new();
            for e in &index.elements {
                if let IndexElement::Column(c) = e {
                    if !keys.contains(c) {
                        steps.push(Step::Fail(OpsError::Key(py_repr_str(c))));
                        return Ok(());
                    }
                    elements.push(IndexElement::Column(rename(c)));
                }
            }
            let copy = Index {
                elements,
                ..index.clone()
            };
            index_statements.push(create_index_sql(&copy, Some(&self.table.name), false)?);
        }
        for sql in index_statements {
            steps.push(Step::Execute(statement_ddl(sql)));
        }
        Ok(())
    }
}

fn strip_create_constraint(type_: &SqlType) -> SqlType {
    let mut t = type_.clone();
    t.args.retain(|(k, _)| k != "create_constraint");
    t
}
