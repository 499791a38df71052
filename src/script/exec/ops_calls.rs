//! `op.*` and `batch_op.*` calls: Alembic 1.20.1's signatures (reference §6.1), bound as
//! Python binds them, turned into [`Operation`]s / [`BatchOp`]s.

use crate::ops::operation::{AddColumn, AlterColumn, CreateForeignKey};
use crate::ops::{
    BatchOp, Constraint, ExecuteSql, Index, Literal, Operation, Recreate, ServerDefault, SqlExpr,
    Table,
};
use crate::python::Span;

use super::args::{Arg, Bound, Call, KwArg, Signature};
use super::eval::Evaluator;
use super::schema_args::{
    bind_call, bulk_table, condition_text, dialect_keywords, expect_str, flag, index_elements,
    opt_bool, opt_str, opt_type, str_list, to_server_default, where_text,
};
use super::schema_calls::{add_table_items, table_keywords};
use super::value::{DmlKind, Value};
use super::ExecError;

type EvalResult<T> = Result<T, ExecError>;

/// The names `op.<name>` resolves to (alembic.op's module functions).
pub(super) const OP_FUNCTIONS: &[&str] = &[
    "add_column",
    "alter_column",
    "batch_alter_table",
    "bulk_insert",
    "create_check_constraint",
    "create_exclude_constraint",
    "create_foreign_key",
    "create_index",
    "create_primary_key",
    "create_table",
    "create_table_comment",
    "create_unique_constraint",
    "drop_column",
    "drop_constraint",
    "drop_index",
    "drop_table",
    "drop_table_comment",
    "execute",
    "f",
    "get_bind",
    "get_context",
    "implementation_for",
    "inline_literal",
    "invoke",
    "register_operation",
    "rename_table",
    "run_async",
];

/// The names `batch_op.<name>` resolves to.
pub(super) const BATCH_FUNCTIONS: &[&str] = &[
    "add_column",
    "alter_column",
    "drop_column",
    "create_index",
    "drop_index",
    "create_unique_constraint",
    "create_foreign_key",
    "create_check_constraint",
    "create_primary_key",
    "create_exclude_constraint",
    "drop_constraint",
    "create_table_comment",
    "drop_table_comment",
    "execute",
    "f",
    "inline_literal",
    "get_bind",
    "get_context",
    "invoke",
];

const fn sig(
    name: &'static str,
    positional: &'static [&'static str],
    required: usize,
    keyword_only: &'static [&'static str],
    var_keyword: bool,
) -> Signature {
    Signature {
        name,
        positional,
        required,
        var_positional: false,
        keyword_only,
        var_keyword,
        method: false,
    }
}

const ALTER_KEYWORDS: &[&str] = &[
    "nullable",
    "comment",
    "server_default",
    "new_column_name",
    "type_",
    "existing_type",
    "existing_server_default",
    "existing_nullable",
    "existing_comment",
    "schema",
];

const BATCH_ALTER_KEYWORDS: &[&str] = &[
    "nullable",
    "comment",
    "server_default",
    "new_column_name",
    "type_",
    "existing_type",
    "existing_server_default",
    "existing_nullable",
    "existing_comment",
    "insert_before",
    "insert_after",
];

const FK_KEYWORDS: &[&str] = &[
    "onupdate",
    "ondelete",
    "deferrable",
    "initially",
    "match",
    "source_schema",
    "referent_schema",
];

const BATCH_FK_KEYWORDS: &[&str] = &[
    "referent_schema",
    "onupdate",
    "ondelete",
    "deferrable",
    "initially",
    "match",
];

fn signature(name: &str) -> Option<Signature> {
    Some(match name {
        "create_table" => Signature {
            var_positional: true,
            ..sig("create_table", &["table_name"], 1, &["if_not_exists"], true)
        },
        "drop_table" => sig(
            "drop_table",
            &["table_name"],
            1,
            &["schema", "if_exists"],
            true,
        ),
        "add_column" => sig(
            "add_column",
            &["table_name", "column"],
            2,
            &[
                "schema",
                "if_not_exists",
                "inline_references",
                "inline_primary_key",
            ],
            false,
        ),
        "drop_column" => sig(
            "drop_column",
            &["table_name", "column_name"],
            2,
            &["schema"],
            true,
        ),
        "alter_column" => sig(
            "alter_column",
            &["table_name", "column_name"],
            2,
            ALTER_KEYWORDS,
            true,
        ),
        "rename_table" => sig(
            "rename_table",
            &["old_table_name", "new_table_name"],
            2,
            &["schema"],
            false,
        ),
        "create_index" => sig(
            "create_index",
            &["index_name", "table_name", "columns"],
            3,
            &["schema", "unique", "if_not_exists"],
            true,
        ),
        "drop_index" => sig(
            "drop_index",
            &["index_name", "table_name"],
            1,
            &["schema", "if_exists"],
            true,
        ),
        "create_unique_constraint" => sig(
            "create_unique_constraint",
            &["constraint_name", "table_name", "columns"],
            3,
            &["schema"],
            true,
        ),
        "create_foreign_key" => sig(
            "create_foreign_key",
            &[
                "constraint_name",
                "source_table",
                "referent_table",
                "local_cols",
                "remote_cols",
            ],
            5,
            FK_KEYWORDS,
            true,
        ),
        "create_check_constraint" => sig(
            "create_check_constraint",
            &["constraint_name", "table_name", "condition"],
            3,
            &["schema"],
            true,
        ),
        "create_primary_key" => sig(
            "create_primary_key",
            &["constraint_name", "table_name", "columns"],
            3,
            &["schema"],
            false,
        ),
        "drop_constraint" => sig(
            "drop_constraint",
            &["constraint_name", "table_name", "type_"],
            2,
            &["schema", "if_exists"],
            false,
        ),
        "create_table_comment" => sig(
            "create_table_comment",
            &["table_name", "comment"],
            2,
            &["existing_comment", "schema"],
            false,
        ),
        "drop_table_comment" => sig(
            "drop_table_comment",
            &["table_name"],
            1,
            &["existing_comment", "schema"],
            false,
        ),
        "execute" => sig("execute", &["sqltext"], 1, &["execution_options"], false),
        "bulk_insert" => sig(
            "bulk_insert",
            &["table", "rows"],
            2,
            &["multiinsert"],
            false,
        ),
        "inline_literal" => sig("inline_literal", &["value", "type_"], 1, &[], false),
        "f" => sig("f", &["name"], 1, &[], false),
        "batch_alter_table" => sig(
            "batch_alter_table",
            &[
                "table_name",
                "schema",
                "recreate",
                "partial_reordering",
                "copy_from",
                "table_args",
                "table_kwargs",
                "reflect_args",
                "reflect_kwargs",
                "naming_convention",
            ],
            1,
            &[],
            false,
        ),
        _ => return None,
    })
}

/// `batch_op.<name>`'s signature: a method of `BatchOperations` (its `self` is bound).
fn batch_signature(name: &str) -> Option<Signature> {
    let signature = match name {
        "add_column" => sig(
            "BatchOperations.add_column",
            &["column"],
            1,
            &["insert_before", "insert_after", "if_not_exists"],
            false,
        ),
        "alter_column" => sig(
            "BatchOperations.alter_column",
            &["column_name"],
            1,
            BATCH_ALTER_KEYWORDS,
            true,
        ),
        "drop_column" => sig(
            "BatchOperations.drop_column",
            &["column_name"],
            1,
            &[],
            true,
        ),
        "create_index" => sig(
            "BatchOperations.create_index",
            &["index_name", "columns"],
            2,
            &[],
            true,
        ),
        "drop_index" => sig("BatchOperations.drop_index", &["index_name"], 1, &[], true),
        "create_unique_constraint" => sig(
            "BatchOperations.create_unique_constraint",
            &["constraint_name", "columns"],
            2,
            &[],
            true,
        ),
        "create_foreign_key" => sig(
            "BatchOperations.create_foreign_key",
            &[
                "constraint_name",
                "referent_table",
                "local_cols",
                "remote_cols",
            ],
            4,
            BATCH_FK_KEYWORDS,
            true,
        ),
        "create_check_constraint" => sig(
            "BatchOperations.create_check_constraint",
            &["constraint_name", "condition"],
            2,
            &[],
            true,
        ),
        "create_primary_key" => sig(
            "BatchOperations.create_primary_key",
            &["constraint_name", "columns"],
            2,
            &[],
            false,
        ),
        "drop_constraint" => sig(
            "BatchOperations.drop_constraint",
            &["constraint_name", "type_"],
            1,
            &[],
            false,
        ),
        "create_table_comment" => sig(
            "BatchOperations.create_table_comment",
            &["comment"],
            1,
            &["existing_comment"],
            false,
        ),
        "drop_table_comment" => sig(
            "BatchOperations.drop_table_comment",
            &[],
            0,
            &["existing_comment"],
            false,
        ),
        "inline_literal" => sig(
            "BatchOperations.inline_literal",
            &["value", "type_"],
            1,
            &[],
            false,
        ),
        "f" => sig("BatchOperations.f", &["name"], 1, &[], false),
        _ => return None,
    };
    Some(Signature {
        method: true,
        ..signature
    })
}

fn required<'b>(ev: &Evaluator, bound: &'b Bound, name: &str, span: Span) -> EvalResult<&'b Arg> {
    // binding guarantees required parameters; this only guards against a signature typo
    bound
        .get(name)
        .ok_or_else(|| ev.unsupported(span, format!("missing argument '{name}'")))
}

fn req_str(ev: &Evaluator, bound: &Bound, name: &str, span: Span) -> EvalResult<String> {
    expect_str(ev, required(ev, bound, name, span)?, name)
}

/// `schema=` (`name`): PostgreSQL qualifies the operation's tables with it; SQLite, which
/// has one database here, refuses it.
/// (`create_table` takes it among its `**kw`.)
#[cfg(feature = "postgresql")]
fn schema_keyword(ev: &Evaluator, bound: &mut Bound, name: &str) -> EvalResult<Option<String>> {
    if ev.dialect() == crate::runtime::Dialect::Postgresql {
        if let Some(keyword) = bound.take_extra(name) {
            let arg = Arg {
                value: keyword.value,
                span: keyword.span,
            };
            return opt_str(ev, Some(&arg), name);
        }
        return opt_str(ev, bound.get(name), name);
    }
    no_schema(ev, bound, name).map(|_| None)
}

/// The `postgresql_*` keywords PostgreSQL reads of `create_index`, `drop_index` and
/// `alter_column` (taken out of `bound`; other dialects ignore them, as SQLAlchemy does).
#[cfg(feature = "postgresql")]
fn postgresql_keywords(
    ev: &Evaluator,
    bound: &mut Bound,
    name: &str,
) -> EvalResult<crate::ops::postgresql::PgOptions> {
    let mut options = crate::ops::postgresql::PgOptions::default();
    if ev.dialect() != crate::runtime::Dialect::Postgresql
        || !matches!(name, "create_index" | "drop_index" | "alter_column")
    {
        return Ok(options);
    }
    for keyword in std::mem::take(&mut bound.extra) {
        if !keyword.name.starts_with("postgresql_") {
            bound.extra.push(keyword);
            continue;
        }
        let arg = Arg {
            value: keyword.value.clone(),
            span: keyword.span,
        };
        match (name, keyword.name.as_str()) {
            ("create_index" | "alter_column", "postgresql_using") => {
                options.using = opt_str(ev, Some(&arg), "postgresql_using")?;
            }
            ("create_index", "postgresql_where") => {
                options.where_clause = Some(where_text(ev, &keyword)?);
            }
            ("create_index" | "drop_index", "postgresql_concurrently") => {
                options.concurrently = flag(ev, Some(&arg), "postgresql_concurrently")?;
            }
            ("create_index", "postgresql_include") => {
                options.include = str_list(ev, &arg, "postgresql_include")?;
            }
            (_, other) => {
                return Err(ev.unsupported(
                    keyword.span,
                    format!("the playground does not support {other}= in {name}()"),
                ))
            }
        }
    }
    Ok(options)
}

/// The operation with what only PostgreSQL reads, when there is any.
#[cfg(feature = "postgresql")]
fn for_postgresql(
    operation: Operation,
    schema: Option<String>,
    mut options: crate::ops::postgresql::PgOptions,
) -> Operation {
    options.schema = schema;
    if options.is_plain() {
        return operation;
    }
    Operation::Postgresql {
        options,
        operation: Box::new(operation),
    }
}

fn no_schema(ev: &Evaluator, bound: &Bound, name: &str) -> EvalResult<()> {
    if let Some(arg) = bound.get(name) {
        if !matches!(arg.value, Value::None) {
            return Err(ev.unsupported(
                arg.span,
                format!("the playground has one SQLite database: {name}= is not supported"),
            ));
        }
    }
    Ok(())
}

fn unsupported_op(ev: &Evaluator, name: &str, span: Span) -> ExecError {
    ev.unsupported(
        span,
        format!(
            "the playground cannot run 'op.{name}()' inside {}()",
            ev.function
        ),
    )
}

/// `op.<name>(...)`.
pub(super) fn op_call(ev: &mut Evaluator, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    if name == "batch_alter_table" {
        return Err(ev.unsupported(
            span,
            "op.batch_alter_table(...) is supported as 'with op.batch_alter_table(...) as batch_op:'",
        ));
    }
    if name == "get_bind" {
        return Ok(Value::Connection);
    }
    if name == "get_context" {
        return Ok(Value::Context);
    }
    let Some(signature) = signature(name) else {
        return Err(unsupported_op(ev, name, span));
    };
    let mut bound = bind_call(ev, &signature, args, keywords, span)?;
    #[cfg(feature = "postgresql")]
    let schema = {
        let keyword = if name == "create_foreign_key" {
            "source_schema"
        } else {
            "schema"
        };
        schema_keyword(ev, &mut bound, keyword)?
    };
    // (SQLite: `create_foreign_key` checks its two schema keywords below)
    #[cfg(not(feature = "postgresql"))]
    no_schema(ev, &bound, "schema")?;
    #[cfg(feature = "postgresql")]
    let options = postgresql_keywords(ev, &mut bound, name)?;
    #[cfg(feature = "postgresql")]
    if options.using.is_some() && name == "alter_column" && bound.get("type_").is_none() {
        return Err(ev.python(
            span,
            "alembic.util.exc.CommandError",
            "postgresql_using must be used with the type_ parameter",
        ));
    }
    #[cfg(feature = "postgresql")]
    let finish = |operation| for_postgresql(operation, schema.clone(), options.clone());
    #[cfg(not(feature = "postgresql"))]
    let finish = |operation| operation;
    let operation = match name {
        "f" => return Ok(Value::Str(req_str(ev, &bound, "name", span)?)),
        "inline_literal" => return inline_literal(ev, &bound, span),
        "create_table" => {
            let table_name = req_str(ev, &bound, "table_name", span)?;
            let mut table = Table::new(&table_name, Vec::new());
            add_table_items(ev, &mut table, std::mem::take(&mut bound.rest))?;
            table_keywords(
                ev,
                &mut table,
                std::mem::take(&mut bound.extra),
                "create_table",
            )?;
            let if_not_exists = flag(ev, bound.get("if_not_exists"), "if_not_exists")?;
            let mut created = table.clone();
            crate::ops::naming::name_table(&mut created, &ev.naming_convention()).map_err(
                |error| match error {
                    crate::ops::naming::NamingError::Python(exception, message) => {
                        ev.python(span, exception, message)
                    }
                    crate::ops::naming::NamingError::Unsupported(message) => {
                        ev.unsupported(span, message)
                    }
                },
            )?;
            ev.push_op(
                finish(Operation::CreateTable {
                    table: created,
                    if_not_exists,
                }),
                span,
            )?;
            return Ok(Value::Table(table));
        }
        "drop_table" => {
            let table_name = req_str(ev, &bound, "table_name", span)?;
            let mut scratch = Table::new(&table_name, Vec::new());
            table_keywords(
                ev,
                &mut scratch,
                std::mem::take(&mut bound.extra),
                "drop_table",
            )?;
            Operation::DropTable {
                table_name,
                if_exists: flag(ev, bound.get("if_exists"), "if_exists")?,
            }
        }
        "add_column" => {
            let table_name = req_str(ev, &bound, "table_name", span)?;
            let column = required(ev, &bound, "column", span)?;
            let mut add = AddColumn::new(new_column(ev, column)?);
            add.if_not_exists = flag(ev, bound.get("if_not_exists"), "if_not_exists")?;
            add.inline_references = flag(ev, bound.get("inline_references"), "inline_references")?;
            add.inline_primary_key =
                flag(ev, bound.get("inline_primary_key"), "inline_primary_key")?;
            Operation::AddColumn { table_name, add }
        }
        "drop_column" => {
            let if_exists = bound.take_extra("if_exists");
            let if_exists = flag(
                ev,
                if_exists
                    .map(|k| Arg {
                        value: k.value,
                        span: k.span,
                    })
                    .as_ref(),
                "if_exists",
            )?;
            Operation::DropColumn {
                table_name: req_str(ev, &bound, "table_name", span)?,
                column_name: req_str(ev, &bound, "column_name", span)?,
                if_exists,
            }
        }
        "alter_column" => {
            let table_name = req_str(ev, &bound, "table_name", span)?;
            let column_name = req_str(ev, &bound, "column_name", span)?;
            Operation::AlterColumn {
                table_name,
                alter: alter_column(ev, &mut bound, column_name)?,
            }
        }
        "rename_table" => Operation::RenameTable {
            old_table_name: req_str(ev, &bound, "old_table_name", span)?,
            new_table_name: req_str(ev, &bound, "new_table_name", span)?,
        },
        "create_index" => {
            let table_name = req_str(ev, &bound, "table_name", span)?;
            let index = index_from(ev, &mut bound, Some(table_name), "create_index", span)?;
            Operation::CreateIndex {
                index,
                if_not_exists: flag(ev, bound.get("if_not_exists"), "if_not_exists")?,
            }
        }
        "drop_index" => Operation::DropIndex {
            index_name: req_str(ev, &bound, "index_name", span)?,
            table_name: opt_str(ev, bound.get("table_name"), "table_name")?,
            if_exists: flag(ev, bound.get("if_exists"), "if_exists")?,
        },
        "create_unique_constraint" => Operation::CreateUniqueConstraint {
            name: opt_str(ev, bound.get("constraint_name"), "constraint_name")?,
            table_name: req_str(ev, &bound, "table_name", span)?,
            columns: str_list(ev, required(ev, &bound, "columns", span)?, "columns")?,
        },
        "create_foreign_key" => {
            #[cfg(not(feature = "postgresql"))]
            {
                no_schema(ev, &bound, "source_schema")?;
                no_schema(ev, &bound, "referent_schema")?;
            }
            #[allow(unused_mut)]
            let mut fk = foreign_key(ev, &bound, span)?;
            #[cfg(feature = "postgresql")]
            if let Some(referent_schema) = schema_keyword(ev, &mut bound, "referent_schema")? {
                // PostgreSQL's renderer reads `schema.table`
                fk.referent_table = format!("{referent_schema}.{}", fk.referent_table);
            }
            Operation::CreateForeignKey {
                source_table: req_str(ev, &bound, "source_table", span)?,
                fk,
            }
        }
        "create_check_constraint" => Operation::CreateCheckConstraint {
            name: opt_str(ev, bound.get("constraint_name"), "constraint_name")?,
            table_name: req_str(ev, &bound, "table_name", span)?,
            condition: condition_text(ev, required(ev, &bound, "condition", span)?)?,
        },
        "create_primary_key" => Operation::CreatePrimaryKey {
            name: opt_str(ev, bound.get("constraint_name"), "constraint_name")?,
            table_name: req_str(ev, &bound, "table_name", span)?,
            columns: str_list(ev, required(ev, &bound, "columns", span)?, "columns")?,
        },
        "drop_constraint" => Operation::DropConstraint {
            name: req_str(ev, &bound, "constraint_name", span)?,
            table_name: req_str(ev, &bound, "table_name", span)?,
            type_: opt_str(ev, bound.get("type_"), "type_")?,
            if_exists: flag(ev, bound.get("if_exists"), "if_exists")?,
        },
        "create_table_comment" => Operation::CreateTableComment {
            table_name: req_str(ev, &bound, "table_name", span)?,
            comment: req_str(ev, &bound, "comment", span)?,
            existing_comment: opt_str(ev, bound.get("existing_comment"), "existing_comment")?,
        },
        "drop_table_comment" => Operation::DropTableComment {
            table_name: req_str(ev, &bound, "table_name", span)?,
            existing_comment: opt_str(ev, bound.get("existing_comment"), "existing_comment")?,
        },
        "execute" => {
            if bound.value("execution_options").is_some() {
                // execution options change nothing SQLite-visible
            }
            Operation::Execute(execute_sql(ev, required(ev, &bound, "sqltext", span)?)?)
        }
        "bulk_insert" => {
            let table = bulk_table(ev, required(ev, &bound, "table", span)?)?;
            let rows_arg = required(ev, &bound, "rows", span)?;
            let rows = bulk_rows(ev, rows_arg)?;
            let multiinsert = match bound.get("multiinsert") {
                Some(arg) => arg.value.truthy().unwrap_or(true),
                None => true,
            };
            Operation::BulkInsert {
                table,
                rows,
                multiinsert,
            }
        }
        _ => return Err(unsupported_op(ev, name, span)),
    };
    ev.push_op(finish(operation), span)?;
    Ok(Value::None)
}

/// `batch_op.<name>(...)` inside the active batch block.
pub(super) fn batch_call(ev: &mut Evaluator, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    // Measured with Alembic 1.20.1: these act at once, not when the batch block ends
    // (`batch_op.execute(...)` runs before the block's ALTER / move-and-copy).
    if matches!(name, "execute" | "get_bind" | "get_context") {
        return op_call(ev, Call::new(name, args, keywords, span));
    }
    let Some(signature) = batch_signature(name) else {
        return Err(ev.unsupported(
            span,
            format!(
                "the playground cannot run 'batch_op.{name}()' inside {}()",
                ev.function
            ),
        ));
    };
    let mut bound = bind_call(ev, &signature, args, keywords, span)?;
    let op = match name {
        "f" => return Ok(Value::Str(req_str(ev, &bound, "name", span)?)),
        "inline_literal" => return inline_literal(ev, &bound, span),
        "add_column" => {
            let column = required(ev, &bound, "column", span)?;
            let mut add = AddColumn::new(new_column(ev, column)?);
            add.if_not_exists = flag(ev, bound.get("if_not_exists"), "if_not_exists")?;
            add.insert_before = opt_str(ev, bound.get("insert_before"), "insert_before")?;
            add.insert_after = opt_str(ev, bound.get("insert_after"), "insert_after")?;
            BatchOp::AddColumn(add)
        }
        "alter_column" => {
            let column_name = req_str(ev, &bound, "column_name", span)?;
            BatchOp::AlterColumn(alter_column(ev, &mut bound, column_name)?)
        }
        "drop_column" => {
            let existing_type = bound.take_extra("existing_type").map(|k| Arg {
                value: k.value,
                span: k.span,
            });
            BatchOp::DropColumn {
                column_name: req_str(ev, &bound, "column_name", span)?,
                existing_type: opt_type(ev, existing_type.as_ref(), "existing_type")?,
            }
        }
        "create_index" => {
            let keyword = bound.take_extra("if_not_exists").map(|k| Arg {
                value: k.value,
                span: k.span,
            });
            let if_not_exists = flag(ev, keyword.as_ref(), "if_not_exists")?;
            BatchOp::CreateIndex {
                index: index_from(ev, &mut bound, None, "create_index", span)?,
                if_not_exists,
            }
        }
        "drop_index" => {
            let keyword = bound.take_extra("if_exists").map(|k| Arg {
                value: k.value,
                span: k.span,
            });
            BatchOp::DropIndex {
                index_name: req_str(ev, &bound, "index_name", span)?,
                if_exists: flag(ev, keyword.as_ref(), "if_exists")?,
            }
        }
        "create_unique_constraint" => BatchOp::CreateUniqueConstraint {
            name: opt_str(ev, bound.get("constraint_name"), "constraint_name")?,
            columns: str_list(ev, required(ev, &bound, "columns", span)?, "columns")?,
        },
        "create_foreign_key" => {
            no_schema(ev, &bound, "referent_schema")?;
            BatchOp::CreateForeignKey(foreign_key(ev, &bound, span)?)
        }
        "create_check_constraint" => BatchOp::CreateCheckConstraint {
            name: opt_str(ev, bound.get("constraint_name"), "constraint_name")?,
            condition: condition_text(ev, required(ev, &bound, "condition", span)?)?,
        },
        "create_primary_key" => BatchOp::CreatePrimaryKey {
            name: opt_str(ev, bound.get("constraint_name"), "constraint_name")?,
            columns: str_list(ev, required(ev, &bound, "columns", span)?, "columns")?,
        },
        "drop_constraint" => BatchOp::DropConstraint {
            name: req_str(ev, &bound, "constraint_name", span)?,
            type_: opt_str(ev, bound.get("type_"), "type_")?,
        },
        "create_table_comment" => BatchOp::CreateTableComment {
            comment: req_str(ev, &bound, "comment", span)?,
        },
        "drop_table_comment" => BatchOp::DropTableComment,
        _ => {
            return Err(ev.unsupported(
                span,
                format!("the playground cannot run 'batch_op.{name}()'"),
            ))
        }
    };
    match ev.batch.as_mut() {
        Some(batch) => batch.ops.push(op),
        None => {
            return Err(ev.unsupported(
                span,
                "batch_op is used outside its 'with op.batch_alter_table(...)' block",
            ))
        }
    }
    Ok(Value::None)
}

/// The arguments of `op.batch_alter_table(...)`, waiting for the block's ops.
pub(super) struct PendingBatch {
    table_name: String,
    recreate: Recreate,
    copy_from: Option<Table>,
    table_args: Vec<Constraint>,
    naming_convention: Vec<(String, String)>,
}

impl PendingBatch {
    pub fn into_operation(self, ops: Vec<BatchOp>) -> Operation {
        Operation::BatchAlterTable {
            table_name: self.table_name,
            recreate: self.recreate,
            copy_from: self.copy_from,
            table_args: self.table_args,
            naming_convention: self.naming_convention,
            ops,
        }
    }
}

fn is_empty_container(value: &Value) -> bool {
    match value {
        Value::None => true,
        Value::Tuple(items) | Value::List(items) => items.is_empty(),
        Value::Dict(items) => items.is_empty(),
        _ => false,
    }
}

pub(super) fn batch_alter_table(
    ev: &mut Evaluator,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<PendingBatch> {
    let Some(signature) = signature("batch_alter_table") else {
        return Err(ev.unsupported(span, "batch_alter_table"));
    };
    let bound = bind_call(ev, &signature, args, keywords, span)?;
    no_schema(ev, &bound, "schema")?;
    let table_name = req_str(ev, &bound, "table_name", span)?;
    let recreate = match opt_str(ev, bound.get("recreate"), "recreate")?.as_deref() {
        None | Some("auto") => Recreate::Auto,
        Some("always") => Recreate::Always,
        Some("never") => Recreate::Never,
        Some(_) => {
            return Err(ev.python(
                span,
                "ValueError",
                "recreate may be one of 'auto', 'always', or 'never'.",
            ))
        }
    };
    for unsupported in [
        "partial_reordering",
        "reflect_args",
        "reflect_kwargs",
        "table_kwargs",
    ] {
        if let Some(arg) = bound.get(unsupported) {
            if !is_empty_container(&arg.value) {
                return Err(ev.unsupported(
                    arg.span,
                    format!(
                        "the playground does not support {unsupported}= in batch_alter_table()"
                    ),
                ));
            }
        }
    }
    let copy_from = match bound.get("copy_from") {
        None => None,
        Some(Arg {
            value: Value::None, ..
        }) => None,
        Some(Arg {
            value: Value::Table(table),
            ..
        }) => Some(table.clone()),
        Some(arg) => {
            return Err(ev.unsupported(
                arg.span,
                format!(
                    "copy_from= must be a sa.Table(...) built in this file, not {}",
                    arg.value.kind_name()
                ),
            ))
        }
    };
    let mut table_args = Vec::new();
    if let Some(arg) = bound.get("table_args") {
        match &arg.value {
            Value::Tuple(items) | Value::List(items) => {
                for item in items {
                    match item {
                        Value::Constraint(c) => table_args.push(c.clone()),
                        other => {
                            return Err(ev.unsupported(
                                arg.span,
                                format!(
                                    "the playground supports constraints in table_args=, not {}",
                                    other.kind_name()
                                ),
                            ))
                        }
                    }
                }
            }
            other => {
                return Err(ev.unsupported(
                    arg.span,
                    format!(
                        "table_args= must be a tuple of constraints, not {}",
                        other.kind_name()
                    ),
                ))
            }
        }
    }
    let mut naming_convention = Vec::new();
    if let Some(arg) = bound.get("naming_convention") {
        match &arg.value {
            Value::None => {}
            Value::Dict(items) => {
                for (key, value) in items {
                    match (key, value) {
                        (Value::Str(k), Value::Str(v)) => {
                            naming_convention.push((k.clone(), v.clone()))
                        }
                        _ => {
                            return Err(ev.unsupported(
                                arg.span,
                                "the playground supports naming_convention= with string keys and templates only",
                            ))
                        }
                    }
                }
            }
            other => {
                return Err(ev.unsupported(
                    arg.span,
                    format!(
                        "naming_convention= must be a dict, not {}",
                        other.kind_name()
                    ),
                ))
            }
        }
    }
    Ok(PendingBatch {
        table_name,
        recreate,
        copy_from,
        table_args,
        naming_convention,
    })
}

// ---------------------------------------------------------------- helpers

fn inline_literal(ev: &Evaluator, bound: &Bound, span: Span) -> EvalResult<Value> {
    let arg = required(ev, bound, "value", span)?;
    match arg.value.to_literal() {
        Some(literal) => Ok(Value::Sql(SqlExpr::InlineLiteral(literal))),
        None => Err(ev.unsupported(
            arg.span,
            format!(
                "the playground supports inline_literal() of plain values, not {}",
                arg.value.kind_name()
            ),
        )),
    }
}

fn new_column(ev: &Evaluator, arg: &Arg) -> EvalResult<crate::ops::Column> {
    match &arg.value {
        Value::Column(column) if column.name.is_empty() => Err(ev.python(
            arg.span,
            "sqlalchemy.exc.ArgumentError",
            "Column must be constructed with a non-blank name or assign a non-blank .name before adding to a Table.",
        )),
        Value::Column(column) => Ok((**column).clone()),
        other => Err(ev.unsupported(
            arg.span,
            format!("the playground expects sa.Column(...) here, not {}", other.kind_name()),
        )),
    }
}

/// `comment=`/`server_default=`-style keywords where `False` means "not given".
fn tri_state<T>(
    ev: &Evaluator,
    arg: Option<&Arg>,
    convert: impl Fn(&Evaluator, &Arg) -> EvalResult<Option<T>>,
) -> EvalResult<Option<Option<T>>> {
    match arg {
        None
        | Some(Arg {
            value: Value::Bool(false),
            ..
        }) => Ok(None),
        Some(Arg {
            value: Value::None, ..
        }) => Ok(Some(None)),
        Some(arg) => convert(ev, arg).map(Some),
    }
}

fn alter_column(ev: &Evaluator, bound: &mut Bound, column_name: String) -> EvalResult<AlterColumn> {
    let extra_bool = |bound: &mut Bound, name: &str| -> EvalResult<Option<bool>> {
        let arg = bound.take_extra(name).map(|k| Arg {
            value: k.value,
            span: k.span,
        });
        opt_bool(ev, arg.as_ref(), name)
    };
    let autoincrement = extra_bool(bound, "autoincrement")?;
    let existing_autoincrement = extra_bool(bound, "existing_autoincrement")?;
    let server_default = |ev: &Evaluator, arg: &Arg| -> EvalResult<Option<ServerDefault>> {
        to_server_default(ev, arg)
    };
    Ok(AlterColumn {
        column_name,
        nullable: opt_bool(ev, bound.get("nullable"), "nullable")?,
        comment: tri_state(ev, bound.get("comment"), |ev, arg| {
            expect_str(ev, arg, "comment").map(Some)
        })?,
        server_default: tri_state(ev, bound.get("server_default"), server_default)?,
        new_column_name: opt_str(ev, bound.get("new_column_name"), "new_column_name")?,
        type_: opt_type(ev, bound.get("type_"), "type_")?,
        existing_type: opt_type(ev, bound.get("existing_type"), "existing_type")?,
        existing_server_default: tri_state(
            ev,
            bound.get("existing_server_default"),
            server_default,
        )?,
        existing_nullable: opt_bool(ev, bound.get("existing_nullable"), "existing_nullable")?,
        existing_comment: opt_str(ev, bound.get("existing_comment"), "existing_comment")?,
        autoincrement,
        existing_autoincrement,
        insert_before: opt_str(ev, bound.get("insert_before"), "insert_before")?,
        insert_after: opt_str(ev, bound.get("insert_after"), "insert_after")?,
    })
}

fn index_from(
    ev: &Evaluator,
    bound: &mut Bound,
    table: Option<String>,
    function: &str,
    span: Span,
) -> EvalResult<Index> {
    let unique_extra = bound.take_extra("unique").map(|k| Arg {
        value: k.value,
        span: k.span,
    });
    let unique = match bound.get("unique") {
        Some(arg) => flag(ev, Some(arg), "unique")?,
        None => flag(ev, unique_extra.as_ref(), "unique")?,
    };
    let dialect = dialect_keywords(ev, bound, function, &["sqlite_where"])?;
    let mut sqlite_where = None;
    for keyword in &dialect {
        sqlite_where = Some(where_text(ev, keyword)?);
    }
    Ok(Index {
        name: opt_str(ev, bound.get("index_name"), "index_name")?,
        table,
        elements: index_elements(ev, required(ev, bound, "columns", span)?)?,
        unique,
        sqlite_where,
    })
}

fn foreign_key(ev: &Evaluator, bound: &Bound, span: Span) -> EvalResult<CreateForeignKey> {
    Ok(CreateForeignKey {
        name: opt_str(ev, bound.get("constraint_name"), "constraint_name")?,
        referent_table: req_str(ev, bound, "referent_table", span)?,
        local_cols: str_list(ev, required(ev, bound, "local_cols", span)?, "local_cols")?,
        remote_cols: str_list(ev, required(ev, bound, "remote_cols", span)?, "remote_cols")?,
        onupdate: opt_str(ev, bound.get("onupdate"), "onupdate")?,
        ondelete: opt_str(ev, bound.get("ondelete"), "ondelete")?,
        deferrable: opt_bool(ev, bound.get("deferrable"), "deferrable")?,
        initially: opt_str(ev, bound.get("initially"), "initially")?,
        match_: opt_str(ev, bound.get("match"), "match")?,
    })
}

pub(super) fn execute_sql(ev: &Evaluator, arg: &Arg) -> EvalResult<ExecuteSql> {
    match &arg.value {
        Value::Str(sql) => Ok(ExecuteSql::Text {
            sql: sql.clone(),
            binds: Vec::new(),
        }),
        Value::Text { sql, binds } => Ok(ExecuteSql::Text {
            sql: sql.clone(),
            binds: binds.clone(),
        }),
        Value::Select(select) => Ok(ExecuteSql::Select((**select).clone())),
        Value::Dml(builder) => {
            let where_clause = match builder.where_clauses.as_slice() {
                [] => None,
                [single] => Some(single.clone()),
                many => Some(SqlExpr::And(many.to_vec())),
            };
            Ok(match builder.kind {
                DmlKind::Update => ExecuteSql::Update {
                    table: builder.table.clone(),
                    table_columns: builder.table_columns.clone(),
                    values: builder.values.clone(),
                    where_clause,
                },
                DmlKind::Delete => ExecuteSql::Delete {
                    table: builder.table.clone(),
                    where_clause,
                },
                DmlKind::Insert => {
                    if where_clause.is_some() {
                        return Err(ev.unsupported(arg.span, "an INSERT has no .where()"));
                    }
                    ExecuteSql::Insert {
                        table: builder.table.clone(),
                        table_columns: builder.table_columns.clone(),
                        values: builder.values.clone(),
                    }
                }
            })
        }
        other => Err(ev.unsupported(
            arg.span,
            format!(
                "the playground can execute a SQL string, text(...) or a table's update()/insert()/delete(), not {}",
                other.kind_name()
            ),
        )),
    }
}

fn bulk_rows(ev: &Evaluator, arg: &Arg) -> EvalResult<Vec<Vec<(String, Literal)>>> {
    let items = match &arg.value {
        Value::List(items) | Value::Tuple(items) => items,
        other => {
            return Err(ev.unsupported(
                arg.span,
                format!(
                    "bulk_insert() rows must be a list of dicts, not {}",
                    other.kind_name()
                ),
            ))
        }
    };
    let mut rows = Vec::new();
    for item in items {
        let Value::Dict(entries) = item else {
            return Err(ev.unsupported(
                arg.span,
                format!(
                    "each bulk_insert() row must be a dict, not {}",
                    item.kind_name()
                ),
            ));
        };
        let mut row = Vec::new();
        for (key, value) in entries {
            let Value::Str(key) = key else {
                return Err(ev.unsupported(arg.span, "bulk_insert() row keys must be column names"));
            };
            let literal = match value {
                Value::Sql(SqlExpr::InlineLiteral(l)) => l.clone(),
                other => match other.to_literal() {
                    Some(l) => l,
                    None => {
                        return Err(ev.unsupported(
                            arg.span,
                            format!(
                                "the playground supports plain values in bulk_insert() rows, not {} (for '{key}')",
                                other.kind_name()
                            ),
                        ))
                    }
                },
            };
            row.push((key.clone(), literal));
        }
        rows.push(row);
    }
    Ok(rows)
}
