//! The models autogenerate compares against: the `target_metadata` env.py passed to
//! `context.configure(...)` (env.py and the project modules it imports ran in the interpreter,
//! see `env`), read as SQLAlchemy 2.1 would hand them to Alembic — `MetaData.sorted_tables`, each
//! constraint named by the metadata's naming convention, `index=True` / `unique=True`
//! columns as their index / constraint, a `ForeignKey` column without a type typed as the
//! column it refers to.

use crate::autogen::{
    IndexUnique, Name, SchemaCheck, SchemaColumn, SchemaIndex, SchemaTable, SchemaUnique,
};
use crate::ops::naming::NamingError;
use crate::ops::schema::split_colspec;
use crate::ops::{
    CheckConstraint, Constraint, ForeignKeyConstraint, IndexElement, Table, TypeClass,
};
use crate::python::Span;

use super::metadata::MetaDataState;
use super::value::Value;
use super::ExecError;

pub use super::eval::merge_lists_w_ordering;

/// The tables of `target_metadata` (the value env.py passed to `configure`, written at
/// `span`), in `MetaData.sorted_tables` order (metadata after metadata for a list).
pub(super) fn tables_of(
    value: &Value,
    metadatas: &[MetaDataState],
    env_path: &str,
    env_source: &str,
    span: Span,
) -> Result<Vec<SchemaTable>, ExecError> {
    let value = value.clone();
    let items = match value {
        Value::List(items) | Value::Tuple(items) => items,
        other => vec![other],
    };
    // what SQLAlchemy raises while Alembic reads the metadata, at env.py's target_metadata
    let raised = |exception: &str, message: String| ExecError::Python {
        exception: exception.to_string(),
        message,
        path: env_path.to_string(),
        line: span.start.line,
        source_line: super::source_line(env_source, span.start.line),
    };
    let located = |message: String| ExecError::Unsupported {
        path: "env.py".to_string(),
        line: span.start.line,
        column: span.start.column,
        message,
    };
    let mut tables: Vec<SchemaTable> = Vec::new();
    for item in items {
        let Value::MetaData(id) = item else {
            return Err(located(format!(
                "target_metadata must be a MetaData (or a list of them); it is {}",
                item.kind_name()
            )));
        };
        let Some(metadata) = metadatas.get(id as usize) else {
            continue;
        };
        let mut converted = Vec::new();
        for table in &metadata.tables {
            converted.push(schema_table(table, metadata).map_err(|error| match error {
                ModelError::Python(exception, message) => raised(exception, message),
                ModelError::Unsupported(message) => located(message),
            })?);
        }
        type_untyped_foreign_keys(&mut converted);
        for table in sorted_tables(&converted) {
            if tables.iter().any(|t| t.name == table.name) {
                return Err(raised(
                    "ValueError",
                    format!(
                        "Duplicate table keys across multiple MetaData objects: \"{}\"",
                        table.name
                    ),
                ));
            }
            tables.push(table);
        }
    }
    Ok(tables)
}

/// Why a table of the models cannot be read.
enum ModelError {
    /// What SQLAlchemy raises: exception class, message.
    Python(&'static str, String),
    Unsupported(String),
}

/// A model table as autogenerate sees it (SQLAlchemy's `Table` after its constraints are
/// attached and named).
fn schema_table(table: &Table, metadata: &MetaDataState) -> Result<SchemaTable, ModelError> {
    let mut out = SchemaTable {
        name: table.name.clone(),
        comment: table.comment.clone(),
        ..SchemaTable::default()
    };
    let namer = Namer {
        table: &table.name,
        convention: &metadata.naming_convention,
    };
    let mut derived_uniques = Vec::new();
    let mut derived_indexes = Vec::new();
    for column in &table.columns {
        let mut schema_column = SchemaColumn::new(&column.name, column.type_.clone());
        schema_column.primary_key = column.primary_key;
        schema_column.nullable = column.is_nullable(false);
        schema_column.server_default = column.server_default.clone();
        schema_column.autoincrement = column.autoincrement;
        schema_column.comment = column.comment.clone();
        schema_column.default_repr = column.default.clone();
        #[cfg(feature = "postgresql")]
        {
            schema_column.identity = column.identity.clone().map(Box::new);
        }
        for check in &column.checks {
            out.checks.push(namer.check(check)?);
        }
        if column.primary_key {
            out.primary_key.push(column.name.clone());
        }
        if column.index {
            derived_indexes.push((column.name.clone(), column.unique));
        } else if column.unique {
            derived_uniques.push(column.name.clone());
        }
        out.columns.push(schema_column);
        for key in &column.foreign_keys {
            let constraint = ForeignKeyConstraint::from_column_fk(&column.name, key);
            out.add_foreign_key(&constraint, key.name.as_deref().map(Name::plain));
        }
    }
    for column in derived_uniques {
        let columns = vec![column];
        out.uniques.push(SchemaUnique {
            #[cfg(feature = "postgresql")]
            pg: Default::default(),
            name: namer.name(&["uq", "unique_constraint"], None, &columns, None)?,
            columns,
        });
    }
    for (column, unique) in derived_indexes {
        let columns = vec![column];
        out.indexes.push(SchemaIndex {
            #[cfg(feature = "postgresql")]
            pg: Default::default(),
            name: namer.index_name(None, &columns)?,
            columns,
            unique: IndexUnique::Bool(unique),
            sqlite_where: None,
        });
    }
    let mut pk_name = None;
    for constraint in &table.constraints {
        for column in constraint.column_names() {
            if out.column(&column).is_none() {
                return Err(ModelError::Python("KeyError", format!("'{column}'")));
            }
        }
        match constraint {
            Constraint::Unique(unique) => out.uniques.push(SchemaUnique {
                #[cfg(feature = "postgresql")]
                pg: Default::default(),
                name: namer.name(
                    &["uq", "unique_constraint"],
                    unique.name.as_deref(),
                    &unique.columns,
                    None,
                )?,
                columns: unique.columns.clone(),
            }),
            Constraint::Check(check) => out.checks.push(namer.check(check)?),
            Constraint::PrimaryKey(key) => {
                out.primary_key = key.columns.clone();
                for column in out.columns.iter_mut() {
                    if key.columns.contains(&column.name) {
                        column.primary_key = true;
                        column.nullable = false;
                    }
                }
                pk_name = key.name.clone();
            }
            Constraint::ForeignKey(key) => {
                out.add_foreign_key(key, key.name.as_deref().map(Name::plain))
            }
        }
    }
    for index in &table.indexes {
        let mut columns = Vec::new();
        #[cfg(feature = "postgresql")]
        let mut expressions = Vec::new();
        for (position, element) in index.elements.iter().enumerate() {
            let _ = position;
            match element {
                IndexElement::Column(name) if out.column(name).is_some() => {
                    columns.push(name.clone())
                }
                IndexElement::Column(name) => {
                    return Err(ModelError::Python("KeyError", format!("'{name}'")))
                }
                // (compared on PostgreSQL only: the command refuses them on SQLite)
                #[cfg(feature = "postgresql")]
                IndexElement::Expression(text) => expressions.push((position, text.clone())),
                #[cfg(not(feature = "postgresql"))]
                IndexElement::Expression(_) => {
                    return Err(ModelError::Unsupported(
                        "an index on an expression is not supported in models by the playground"
                            .to_string(),
                    ))
                }
            }
        }
        out.indexes.push(SchemaIndex {
            #[cfg(feature = "postgresql")]
            pg: crate::autogen::PgExtras {
                expressions,
                ..Default::default()
            },
            name: namer.index_name(index.name.as_deref(), &columns)?,
            columns,
            unique: IndexUnique::Bool(index.unique),
            sqlite_where: index.sqlite_where.clone(),
        });
    }
    out.primary_key_name = if out.primary_key.is_empty() {
        pk_name.as_deref().map(Name::plain)
    } else {
        namer.name(
            &["pk", "primary_key"],
            pk_name.as_deref(),
            &out.primary_key,
            None,
        )?
    };
    for key in out.foreign_keys.iter_mut() {
        let explicit = key.name.as_ref().map(|n| n.text.clone());
        key.name = namer.name(
            &["fk", "foreign_key"],
            explicit.as_deref(),
            &key.columns,
            Some((&key.referent_table, &key.referent_columns)),
        )?;
    }
    Ok(out)
}

/// SQLAlchemy's naming conventions (`sqlalchemy.sql.naming`) for one table.
struct Namer<'a> {
    table: &'a str,
    convention: &'a [(String, String)],
}

impl Namer<'_> {
    fn check(&self, check: &CheckConstraint) -> Result<SchemaCheck, ModelError> {
        Ok(SchemaCheck {
            name: self.name(
                &["ck", "check_constraint"],
                check.name.as_deref(),
                &[],
                None,
            )?,
            sqltext: check.sqltext.clone(),
        })
    }

    /// An index needs a name: its own or the `ix` convention's.
    fn index_name(&self, explicit: Option<&str>, columns: &[String]) -> Result<Name, ModelError> {
        self.name(&["ix", "index"], explicit, columns, None)?.ok_or_else(|| {
            ModelError::Unsupported(
                "an index without a name (and no 'ix' naming convention) is not supported by the playground"
                    .to_string(),
            )
        })
    }

    /// Explicit names stay plain; a convention makes a `conv()` name.
    fn name(
        &self,
        keys: &[&str],
        explicit: Option<&str>,
        columns: &[String],
        referred: Option<(&str, &[String])>,
    ) -> Result<Option<Name>, ModelError> {
        let named = crate::ops::naming::convention_name(
            self.convention,
            keys,
            self.table,
            explicit,
            columns,
            referred,
        )
        .map_err(|error| match error {
            NamingError::Python(exception, message) => ModelError::Python(exception, message),
            NamingError::Unsupported(message) => ModelError::Unsupported(message),
        })?;
        Ok(match named {
            Some(text) => Some(Name::conv(&text)),
            None => explicit.map(Name::plain),
        })
    }
}

/// `Column(ForeignKey('user.id'))` with no type takes the referred column's type.
fn type_untyped_foreign_keys(tables: &mut [SchemaTable]) {
    let mut updates = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        for (c, column) in table.columns.iter().enumerate() {
            if column.type_.class != TypeClass::NullType {
                continue;
            }
            let Some(target) = column.foreign_keys.first() else {
                continue;
            };
            let (referred_table, referred_column) = split_colspec(target);
            let referred = tables
                .iter()
                .find(|t| t.name == referred_table)
                .and_then(|t| t.column(&referred_column));
            if let Some(referred) = referred {
                updates.push((t, c, referred.type_.clone()));
            }
        }
    }
    for (t, c, sql_type) in updates {
        tables[t].columns[c].type_ = sql_type;
    }
}

/// `MetaData.sorted_tables`: by name, then dependency layers (SQLAlchemy's
/// `sort_tables` → `topological.sort_as_subsets`).
pub fn sorted_tables(tables: &[SchemaTable]) -> Vec<SchemaTable> {
    let order = super::metadata::sort_layers(
        tables,
        |table| table.name.as_str(),
        |table| {
            table
                .foreign_keys
                .iter()
                .map(|key| key.referent_table.clone())
                .collect()
        },
    );
    order.into_iter().map(|i| tables[i].clone()).collect()
}
