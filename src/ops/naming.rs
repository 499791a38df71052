//! SQLAlchemy's naming conventions (`sqlalchemy.sql.naming`): the name a `MetaData`'s
//! `naming_convention` gives a constraint or index — for the models autogenerate reads, and
//! for the tables `op.create_table` builds in a `MetaData` with `target_metadata`'s convention,
//! as Alembic does.

/// Why a convention cannot name a constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamingError {
    /// What SQLAlchemy raises: exception class, message.
    Python(&'static str, String),
    /// A token the playground does not expand.
    Unsupported(String),
}

/// The name the first convention of `keys` (`["uq", "unique_constraint"]`) gives a constraint
/// of `table` over `columns` (referring to `referred` for a foreign key). `None`: no such
/// convention, or an explicit name the convention leaves alone (one without
/// `%(constraint_name)s`); the caller keeps the explicit name then.
pub fn convention_name(
    convention: &[(String, String)],
    keys: &[&str],
    table: &str,
    explicit: Option<&str>,
    columns: &[String],
    referred: Option<(&str, &[String])>,
) -> Result<Option<String>, NamingError> {
    let template = keys.iter().find_map(|key| {
        convention
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    });
    let Some(template) = template else {
        return Ok(None);
    };
    let wants_name = template.contains("%(constraint_name)s");
    match explicit {
        Some(_) if !wants_name => return Ok(None),
        None if wants_name => {
            return Err(NamingError::Python(
                "sqlalchemy.exc.InvalidRequestError",
                "Naming convention including %(constraint_name)s token requires that constraint is explicitly named.".to_string(),
            ))
        }
        _ => {}
    }
    let first = columns.first().map(String::as_str).unwrap_or("");
    let labels = || columns.iter().map(|c| format!("{table}_{c}"));
    let mut text = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("%(") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find(")s") else {
            text.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let value = match &after[..end] {
            "table_name" => table.to_string(),
            "constraint_name" => explicit.unwrap_or("").to_string(),
            "column_0_name" | "column_0_key" => first.to_string(),
            "column_0_label" => format!("{table}_{first}"),
            "column_0N_name" | "column_0N_key" => columns.concat(),
            "column_0_N_name" | "column_0_N_key" => columns.join("_"),
            "column_0N_label" => labels().collect::<Vec<_>>().concat(),
            "column_0_N_label" => labels().collect::<Vec<_>>().join("_"),
            "referred_table_name" => referred.map(|r| r.0.to_string()).unwrap_or_default(),
            "referred_column_0_name" => referred
                .and_then(|r| r.1.first().cloned())
                .unwrap_or_default(),
            "referred_column_0N_name" => referred.map(|r| r.1.concat()).unwrap_or_default(),
            "referred_column_0_N_name" => referred.map(|r| r.1.join("_")).unwrap_or_default(),
            other => {
                return Err(NamingError::Unsupported(format!(
                    "the naming convention token %({other})s is not supported by the playground"
                )))
            }
        };
        text.push_str(&value);
        rest = &after[end + 2..];
    }
    text.push_str(rest);
    Ok(Some(text))
}

/// Names the unnamed constraints and indexes of a table `op.create_table` builds, as its
/// `MetaData(naming_convention=...)` would: explicit constraints, the primary key its columns
/// make, `unique=True`, `index=True` and `ForeignKey` columns. Explicit names are kept as
/// written (an `op.f()` name is final; a `%(constraint_name)s` convention is not applied to
/// names here).
pub fn name_table(
    table: &mut super::Table,
    convention: &[(String, String)],
) -> Result<(), NamingError> {
    use super::{Constraint, IndexElement, PrimaryKeyConstraint};
    if convention.is_empty() {
        return Ok(());
    }
    let table_name = table.name.clone();
    let name = |keys: &[&str], columns: &[String], referred: Option<(&str, &[String])>| {
        convention_name(convention, keys, &table_name, None, columns, referred)
    };
    let has_primary_key = table
        .constraints
        .iter()
        .any(|c| matches!(c, Constraint::PrimaryKey(_)));
    for constraint in &mut table.constraints {
        match constraint {
            Constraint::PrimaryKey(c) if c.name.is_none() => {
                c.name = name(&["pk", "primary_key"], &c.columns, None)?
            }
            Constraint::Unique(c) if c.name.is_none() => {
                c.name = name(&["uq", "unique_constraint"], &c.columns, None)?
            }
            Constraint::ForeignKey(c) if c.name.is_none() => {
                c.name = name(
                    &["fk", "foreign_key_constraint"],
                    &c.columns,
                    Some((&c.referent_table, &c.referent_columns)),
                )?
            }
            Constraint::Check(c) if c.name.is_none() => {
                c.name = name(&["ck", "check_constraint"], &[], None)?
            }
            _ => {}
        }
    }
    let primary_key: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.clone())
        .collect();
    if !has_primary_key && !primary_key.is_empty() {
        if let Some(pk_name) = name(&["pk", "primary_key"], &primary_key, None)? {
            table
                .constraints
                .push(Constraint::PrimaryKey(PrimaryKeyConstraint {
                    name: Some(pk_name),
                    columns: primary_key,
                }));
        }
    }
    for column in &mut table.columns {
        let columns = [column.name.clone()];
        if column.index {
            if let Some(index_name) = name(&["ix", "index"], &columns, None)? {
                table.indexes.push(super::Index {
                    name: Some(index_name),
                    table: Some(table_name.clone()),
                    elements: vec![IndexElement::Column(column.name.clone())],
                    unique: column.unique,
                    sqlite_where: None,
                });
                column.index = false;
                column.unique = false;
            }
        }
        if column.unique && column.unique_name.is_none() {
            column.unique_name = name(&["uq", "unique_constraint"], &columns, None)?;
        }
        for key in &mut column.foreign_keys {
            if key.name.is_none() {
                let (referred_table, referred_column) = key.target_parts();
                key.name = name(
                    &["fk", "foreign_key_constraint"],
                    &columns,
                    Some((&referred_table, &[referred_column])),
                )?;
            }
        }
    }
    Ok(())
}
