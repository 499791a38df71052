//! Reading the models env.py's `target_metadata` points at, as SQLAlchemy 2.1 would build
//! them, without running Python.
//!
//! Owns: resolving `target_metadata` (`Base.metadata`, `metadata`, `models.Base.metadata`, a
//! list of them) through env.py's imports; importing project modules (`models` →
//! `<root>/models.py`, `myapp.models` → `<root>/myapp/models.py`); interpreting the statements
//! models files contain — imports, `MetaData(...)`, `declarative_base()`, `class Base(DeclarativeBase)`,
//! mapped classes (`Column`, `mapped_column`, `Mapped[...]` annotations, `__table_args__`),
//! core `Table(...)`, module-level `Index(...)`, `enum.Enum` classes; declarative column order
//! (`merge_lists_w_ordering`), `Mapped[...]` type inference, naming conventions, and
//! `MetaData.sorted_tables`.
//!
//! Does not: run anything, touch a database, or guess: any construct outside that surface is
//! a located [`AutogenError::Unsupported`] naming it.

use std::collections::HashMap;

use super::{
    AutogenError, IndexUnique, Name, SchemaCheck, SchemaColumn, SchemaForeignKey, SchemaIndex,
    SchemaTable, SchemaUnique,
};
use crate::fs::FileSystem;
use crate::ops::{Literal, ServerDefault, SqlType, TypeClass};
use crate::python::{
    self, BinaryOperator, ClassDef, Constant, Expr, ExprKind, Keyword, Module, Span, Stmt,
    StmtKind, UnaryOperator,
};

/// Where project modules are found.
pub struct ModelSource<'a> {
    pub files: &'a dyn FileSystem,
    /// `sys.path` entries that hold the project's modules (from `prepend_sys_path`).
    pub search_paths: Vec<String>,
}

type Result<T> = std::result::Result<T, AutogenError>;

/// Reads the tables of `target_metadata` (the expression from env.py), in
/// `MetaData.sorted_tables` order (metadata after metadata for a list).
pub fn load_target_metadata(
    source: &ModelSource<'_>,
    env_path: &str,
    env_source: &str,
    env_module: &Module,
    target: &Expr,
) -> Result<Vec<SchemaTable>> {
    let mut loader = Loader {
        source,
        modules: HashMap::new(),
        loading: Vec::new(),
        metadatas: Vec::new(),
        bases: Vec::new(),
        classes: Vec::new(),
    };
    let file = FileContext {
        path: env_path.to_string(),
        display: "env.py".to_string(),
        source: env_source.to_string(),
    };
    let mut scope = Scope::default();
    // env.py's imports are what `target_metadata` can refer to; the rest of env.py is
    // Alembic's own machinery, read by `script::environment`.
    for statement in &env_module.body {
        match &statement.kind {
            StmtKind::Import { .. } | StmtKind::ImportFrom { .. } => {
                loader.exec_import(&file, &mut scope, statement, true)?;
            }
            _ => {}
        }
    }
    let value = loader.eval(&file, &scope, None, target)?;
    let mut metadata_ids = Vec::new();
    let items = match value {
        Value::List(items) | Value::Tuple(items) => items,
        other => vec![other],
    };
    for item in items {
        match item {
            Value::MetaData(id) => metadata_ids.push(id),
            other => {
                return Err(file.unsupported(
                    target.span,
                    format!(
                        "target_metadata must be a MetaData (or a list of them); it is {}",
                        other.describe()
                    ),
                ))
            }
        }
    }
    loader.resolve_foreign_key_types();
    let mut tables = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for id in metadata_ids {
        let Some(metadata) = loader.metadatas.get(id) else {
            continue;
        };
        for table in sorted_tables(&metadata.tables) {
            if seen.contains(&table.name) {
                return Err(file.python(
                    target.span,
                    "ValueError",
                    format!(
                        "Duplicate table keys across multiple MetaData objects: \"{}\"",
                        table.name
                    ),
                ));
            }
            seen.push(table.name.clone());
            tables.push(table);
        }
    }
    Ok(tables)
}

/// `MetaData.sorted_tables`: by name, then dependency layers (SQLAlchemy's
/// `sort_tables` → `topological.sort_as_subsets`).
pub fn sorted_tables(tables: &[SchemaTable]) -> Vec<SchemaTable> {
    let mut by_name: Vec<&SchemaTable> = tables.iter().collect();
    crate::sort::sort_by(&mut by_name, |a, b| a.name.cmp(&b.name));
    let parents = |table: &SchemaTable| -> Vec<String> {
        table
            .foreign_keys
            .iter()
            .map(|fk| fk.referent_table.clone())
            .filter(|parent| *parent != table.name && by_name.iter().any(|t| t.name == *parent))
            .collect()
    };
    let mut todo: Vec<&SchemaTable> = by_name.clone();
    let mut result = Vec::new();
    while !todo.is_empty() {
        let remaining: Vec<String> = todo.iter().map(|t| t.name.clone()).collect();
        let ready: Vec<&SchemaTable> = todo
            .iter()
            .copied()
            .filter(|table| parents(table).iter().all(|p| !remaining.contains(p)))
            .collect();
        if ready.is_empty() {
            // A cycle: SQLAlchemy warns and emits the rest unsorted.
            result.extend(todo.iter().map(|t| (*t).clone()));
            break;
        }
        let ready_names: Vec<String> = ready.iter().map(|t| t.name.clone()).collect();
        result.extend(ready.into_iter().cloned());
        todo.retain(|table| !ready_names.contains(&table.name));
    }
    result
}

/// SQLAlchemy's `merge_lists_w_ordering(vars(cls), cls.__annotations__)`.
pub fn merge_lists_w_ordering(a: &[String], b: &[String]) -> Vec<String> {
    let mut overlap: Vec<String> = a.iter().filter(|x| b.contains(x)).cloned().collect();
    let mut result = Vec::new();
    let lists = [a, b];
    let mut positions = [0usize, 0usize];
    let mut current = 0usize;
    loop {
        let list = lists[current];
        let mut switched = false;
        while positions[current] < list.len() {
            let element = &list[positions[current]];
            positions[current] += 1;
            if let Some(index) = overlap.iter().position(|x| x == element) {
                overlap.remove(index);
                current = 1 - current;
                switched = true;
                break;
            }
            result.push(element.clone());
        }
        if !switched {
            let other = 1 - current;
            result.extend(lists[other][positions[other]..].iter().cloned());
            break;
        }
    }
    result
}

struct FileContext {
    path: String,
    /// The path as messages show it (relative to the project).
    display: String,
    source: String,
}

impl FileContext {
    fn unsupported(&self, span: Span, message: impl Into<String>) -> AutogenError {
        AutogenError::Unsupported {
            path: self.display.clone(),
            line: span.start.line,
            column: span.start.column,
            message: message.into(),
        }
    }

    fn python(&self, span: Span, exception: &str, message: impl Into<String>) -> AutogenError {
        AutogenError::Python {
            exception: exception.to_string(),
            message: message.into(),
            path: self.path.clone(),
            line: span.start.line,
            source_line: self
                .source
                .lines()
                .nth(span.start.line.saturating_sub(1) as usize)
                .unwrap_or("")
                .trim()
                .to_string(),
        }
    }
}

#[derive(Default, Clone)]
struct Scope {
    names: HashMap<String, Value>,
}

/// `ForeignKey('user.id', ondelete=...)`.
#[derive(Debug, Clone, PartialEq)]
struct ForeignKeySpec {
    target: String,
    name: Option<String>,
    onupdate: Option<String>,
    ondelete: Option<String>,
    deferrable: Option<bool>,
    initially: Option<String>,
    match_: Option<String>,
}

/// `Column(...)` / `mapped_column(...)` before it joins a table.
#[derive(Debug, Clone, PartialEq)]
struct ColumnSpec {
    name: Option<String>,
    type_: Option<SqlType>,
    foreign_keys: Vec<ForeignKeySpec>,
    primary_key: bool,
    nullable: Option<bool>,
    unique: Option<bool>,
    index: Option<bool>,
    server_default: Option<ServerDefault>,
    autoincrement: Option<bool>,
    comment: Option<String>,
    default_repr: Option<String>,
    mapped: bool,
    span: Span,
}

/// A column named in a constraint or an index.
#[derive(Debug, Clone, PartialEq)]
enum ColumnTarget {
    Name(String),
    /// A column already in a table: (metadata, table, column name).
    Bound(usize, usize, String),
}

#[derive(Debug, Clone, PartialEq)]
enum ConstraintSpec {
    Unique {
        name: Option<String>,
        columns: Vec<ColumnTarget>,
    },
    Check {
        name: Option<String>,
        sqltext: String,
    },
    PrimaryKey {
        name: Option<String>,
        columns: Vec<ColumnTarget>,
    },
    ForeignKey {
        name: Option<String>,
        columns: Vec<ColumnTarget>,
        refcolumns: Vec<String>,
        onupdate: Option<String>,
        ondelete: Option<String>,
        deferrable: Option<bool>,
        initially: Option<String>,
        match_: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct IndexSpec {
    name: Option<String>,
    columns: Vec<ColumnTarget>,
    unique: bool,
    sqlite_where: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// A library object by dotted name (`sqlalchemy.Column`, `typing.Optional`,
    /// `builtins.int`, a module such as `sqlalchemy.orm`).
    Lib(String),
    Type(SqlType),
    Column(Box<ColumnSpec>),
    ForeignKey(ForeignKeySpec),
    Constraint(ConstraintSpec),
    Index(IndexSpec),
    MetaData(usize),
    /// A table: (metadata, index in it).
    Table(usize, usize),
    /// `t.c`
    TableColumns(usize, usize),
    /// A declarative base (index into `bases`).
    Base(usize),
    /// A mapped class: (metadata, table, attribute key → column name).
    Mapped(usize, usize, Vec<(String, String)>),
    /// A column attribute: (metadata, table, column name).
    ColumnRef(usize, usize, String),
    /// A name bound in the class body being read (a column not yet in a table).
    LocalColumn(String),
    /// A Python `enum.Enum` subclass (index into `classes`).
    EnumClass(usize),
    /// `text('...')`
    Text(String),
    /// `func.now()`, `true()`, `false()`
    SqlDefault(ServerDefault),
    /// `relationship(...)` and other ORM-only constructs that make no column.
    OrmOnly(String),
    /// `Mapped[X]`
    MappedAnnotation(Box<Value>),
    /// `Optional[X]`, `X | None`
    OptionalAnnotation(Box<Value>),
    /// Another generic such as `List[X]`.
    Generic(String),
    /// A `def` (never called here).
    Function(String),
    /// A module of the project.
    ProjectModule(String),
}

impl Value {
    fn describe(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(_) => "a bool".into(),
            Value::Int(_) => "an int".into(),
            Value::Float(_) => "a float".into(),
            Value::Str(_) => "a str".into(),
            Value::Tuple(_) => "a tuple".into(),
            Value::List(_) => "a list".into(),
            Value::Dict(_) => "a dict".into(),
            Value::Lib(name) => format!("'{name}'"),
            Value::Type(_) => "a type".into(),
            Value::Column(_) => "a Column".into(),
            Value::ForeignKey(_) => "a ForeignKey".into(),
            Value::Constraint(_) => "a constraint".into(),
            Value::Index(_) => "an Index".into(),
            Value::MetaData(_) => "a MetaData".into(),
            Value::Table(..) => "a Table".into(),
            Value::TableColumns(..) => "a column collection".into(),
            Value::Base(_) => "a declarative base".into(),
            Value::Mapped(..) => "a mapped class".into(),
            Value::ColumnRef(..) | Value::LocalColumn(_) => "a column".into(),
            Value::EnumClass(_) => "an Enum class".into(),
            Value::Text(_) => "a text() construct".into(),
            Value::SqlDefault(_) => "a SQL function".into(),
            Value::OrmOnly(name) => format!("{name}()"),
            Value::MappedAnnotation(_) => "a Mapped[] annotation".into(),
            Value::OptionalAnnotation(_) => "an Optional[] annotation".into(),
            Value::Generic(name) => format!("'{name}'"),
            Value::Function(name) => format!("the function '{name}'"),
            Value::ProjectModule(name) => format!("the module '{name}'"),
        }
    }

    fn to_literal(&self) -> Option<Literal> {
        match self {
            Value::None => Some(Literal::None),
            Value::Bool(b) => Some(Literal::Bool(*b)),
            Value::Int(i) => Some(Literal::Int(*i)),
            Value::Float(f) => Some(Literal::Float(*f)),
            Value::Str(s) => Some(Literal::Str(s.clone())),
            _ => None,
        }
    }
}

struct MetaDataObject {
    naming_convention: Vec<(String, String)>,
    tables: Vec<SchemaTable>,
    /// Columns declared without a type whose type comes from the column their foreign key
    /// refers to: (table index, column name, target spec).
    untyped_foreign_key_columns: Vec<(usize, String, String)>,
}

struct BaseObject {
    metadata: usize,
    type_annotation_map: Vec<(Value, SqlType)>,
}

struct EnumObject {
    name: String,
    members: Vec<String>,
}

struct Loader<'a> {
    source: &'a ModelSource<'a>,
    modules: HashMap<String, Scope>,
    loading: Vec<String>,
    metadatas: Vec<MetaDataObject>,
    bases: Vec<BaseObject>,
    classes: Vec<EnumObject>,
}

/// Standard-library and third-party modules models files import that are not project files.
fn is_library_module(name: &str) -> bool {
    let top = name.split('.').next().unwrap_or(name);
    matches!(
        top,
        "sqlalchemy"
            | "typing"
            | "typing_extensions"
            | "datetime"
            | "decimal"
            | "enum"
            | "uuid"
            | "__future__"
            | "dataclasses"
            | "os"
            | "sys"
            | "json"
            | "re"
            | "collections"
            | "functools"
            | "pathlib"
            | "logging"
            | "alembic"
    )
}

fn short_name(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

fn is_sqlalchemy(dotted: &str) -> bool {
    dotted == "sqlalchemy" || dotted.starts_with("sqlalchemy.")
}

/// The canonical name of a library object: `sqlalchemy.orm.Mapped` → `sa:Mapped`,
/// `sqlalchemy.dialects.sqlite.JSON` → `sqlite:JSON`, `typing.Optional` → `typing:Optional`.
fn canonical(dotted: &str) -> String {
    if is_sqlalchemy(dotted) {
        if dotted.starts_with("sqlalchemy.dialects.sqlite.") {
            return format!("sqlite:{}", short_name(dotted));
        }
        if dotted.starts_with("sqlalchemy.dialects.") {
            return format!("dialect:{dotted}");
        }
        return format!("sa:{}", short_name(dotted));
    }
    if dotted.starts_with("typing.") || dotted.starts_with("typing_extensions.") {
        return format!("typing:{}", short_name(dotted));
    }
    dotted.to_string()
}

/// The SQLAlchemy type a Python type maps to in `Mapped[...]` (SQLAlchemy's default
/// `type_annotation_map`).
fn python_type_to_sql(value: &Value, classes: &[EnumObject]) -> Option<SqlType> {
    match value {
        Value::Lib(name) => Some(SqlType::new(match name.as_str() {
            "builtins.int" => TypeClass::Integer,
            "builtins.str" => TypeClass::String,
            "builtins.bool" => TypeClass::Boolean,
            "builtins.float" => TypeClass::Double,
            "builtins.bytes" => TypeClass::LargeBinary,
            "datetime.datetime" => TypeClass::DateTime,
            "datetime.date" => TypeClass::Date,
            "datetime.time" => TypeClass::Time,
            "datetime.timedelta" => TypeClass::Interval,
            "decimal.Decimal" => TypeClass::Numeric,
            "uuid.UUID" => TypeClass::Uuid,
            _ => return None,
        })),
        Value::EnumClass(id) => classes.get(*id).map(|class| {
            let values: Vec<&str> = class.members.iter().map(String::as_str).collect();
            SqlType::enumeration(&values, Some(&class.name.to_lowercase()))
        }),
        _ => None,
    }
}

impl Loader<'_> {
    // ----- modules -------------------------------------------------------------------------

    /// Finds a project module's file: `a.b` → `<root>/a/b.py` or `<root>/a/b/__init__.py`.
    /// `Err(missing)` names the first missing package, as `ModuleNotFoundError` does.
    fn find_module(&self, dotted: &str) -> std::result::Result<(String, String), String> {
        let parts: Vec<&str> = dotted.split('.').collect();
        for root in &self.source.search_paths {
            let files = self.source.files;
            let mut dir = root.clone();
            let mut ok = true;
            for (index, part) in parts.iter().enumerate() {
                let last = index + 1 == parts.len();
                let package = crate::fs::join(&dir, part);
                if last {
                    let file = format!("{package}.py");
                    if files.is_file(&file) {
                        return Ok((file, relative(root, dotted, false)));
                    }
                    let init = format!("{package}/__init__.py");
                    if files.is_file(&init) {
                        return Ok((init, relative(root, dotted, true)));
                    }
                    ok = false;
                } else if files.is_dir(&package) {
                    dir = package;
                } else {
                    ok = false;
                    break;
                }
            }
            let _ = ok;
        }
        // The first prefix that does not exist is what Python names.
        let mut missing = String::new();
        for (index, _) in parts.iter().enumerate() {
            let prefix = parts[..=index].join(".");
            let exists = self.source.search_paths.iter().any(|root| {
                let path = crate::fs::join(root, &parts[..=index].join("/"));
                self.source.files.is_dir(&path)
                    || (index + 1 == parts.len()
                        && self.source.files.is_file(&format!("{path}.py")))
            });
            if !exists {
                missing = prefix;
                break;
            }
        }
        if missing.is_empty() {
            missing = dotted.to_string();
        }
        Err(missing)
    }

    fn load_module(&mut self, dotted: &str, from: &FileContext, span: Span) -> Result<Scope> {
        if let Some(scope) = self.modules.get(dotted) {
            return Ok(scope.clone());
        }
        if self.loading.iter().any(|m| m == dotted) {
            return Err(from.unsupported(
                span,
                format!("circular import of '{dotted}' is not supported by the playground"),
            ));
        }
        let (path, display) = match self.find_module(dotted) {
            Ok(found) => found,
            Err(missing) => {
                return Err(from.python(
                    span,
                    "ModuleNotFoundError",
                    format!("No module named '{missing}'"),
                ))
            }
        };
        let text = self.source.files.read_to_string(&path).map_err(|_| {
            from.python(
                span,
                "ModuleNotFoundError",
                format!("No module named '{dotted}'"),
            )
        })?;
        let file = FileContext {
            path: path.clone(),
            display,
            source: text.clone(),
        };
        let module = python::parse_module(&text).map_err(|error| AutogenError::Python {
            exception: error.kind.python_name().to_string(),
            message: error.message.clone(),
            path: path.clone(),
            line: error.line,
            source_line: text
                .lines()
                .nth(error.line.saturating_sub(1) as usize)
                .unwrap_or("")
                .trim()
                .to_string(),
        })?;
        self.loading.push(dotted.to_string());
        let mut scope = Scope::default();
        let result = self.exec_block(&file, &mut scope, &module.body);
        self.loading.pop();
        result?;
        self.modules.insert(dotted.to_string(), scope.clone());
        Ok(scope)
    }

    fn exec_import(
        &mut self,
        file: &FileContext,
        scope: &mut Scope,
        statement: &Stmt,
        lazy_unknown: bool,
    ) -> Result<()> {
        match &statement.kind {
            StmtKind::Import { names } => {
                for alias in names {
                    let dotted = alias.name.clone();
                    if is_library_module(&dotted) {
                        match &alias.asname {
                            Some(asname) => {
                                scope.names.insert(asname.clone(), Value::Lib(dotted));
                            }
                            None => {
                                let top = dotted.split('.').next().unwrap_or(&dotted).to_string();
                                scope.names.insert(top.clone(), Value::Lib(top));
                            }
                        }
                        continue;
                    }
                    if lazy_unknown && self.find_module(&dotted).is_err() && alias.asname.is_none()
                    {
                        // env.py may import things the playground does not model; only a
                        // project module it uses for target_metadata matters.
                    }
                    self.load_module(&dotted, file, alias.span)?;
                    match &alias.asname {
                        Some(asname) => {
                            scope
                                .names
                                .insert(asname.clone(), Value::ProjectModule(dotted.clone()));
                        }
                        None => {
                            let top = dotted.split('.').next().unwrap_or(&dotted).to_string();
                            scope.names.insert(top.clone(), Value::ProjectModule(top));
                        }
                    }
                }
                Ok(())
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                if *level > 0 {
                    return Err(file.unsupported(
                        statement.span,
                        "relative imports in models files are not supported by the playground",
                    ));
                }
                let module_name = module.clone().unwrap_or_default();
                if module_name == "__future__" {
                    return Ok(());
                }
                if is_library_module(&module_name) {
                    for alias in names {
                        if alias.name == "*" {
                            return Err(file.unsupported(
                                alias.span,
                                "`import *` is not supported by the playground",
                            ));
                        }
                        let bound = alias.asname.clone().unwrap_or_else(|| alias.name.clone());
                        scope
                            .names
                            .insert(bound, Value::Lib(format!("{module_name}.{}", alias.name)));
                    }
                    return Ok(());
                }
                if lazy_unknown {
                    // In env.py, only imports from project modules matter; importing an
                    // unknown library there is left alone unless it is used.
                    let exists = self.find_module(&module_name).is_ok();
                    if !exists && names.iter().all(|alias| alias.name != "*") {
                        let first_part = module_name.split('.').next().unwrap_or("");
                        let top_exists = self.source.search_paths.iter().any(|root| {
                            let path = crate::fs::join(root, first_part);
                            self.source.files.is_dir(&path)
                                || self.source.files.is_file(&format!("{path}.py"))
                        });
                        if !top_exists && !looks_like_project_import(&module_name) {
                            for alias in names {
                                let bound =
                                    alias.asname.clone().unwrap_or_else(|| alias.name.clone());
                                scope.names.insert(
                                    bound,
                                    Value::Lib(format!("{module_name}.{}", alias.name)),
                                );
                            }
                            return Ok(());
                        }
                    }
                }
                let module_scope = self.load_module(&module_name, file, statement.span)?;
                for alias in names {
                    if alias.name == "*" {
                        for (name, value) in &module_scope.names {
                            if !name.starts_with('_') {
                                scope.names.insert(name.clone(), value.clone());
                            }
                        }
                        continue;
                    }
                    let value = match module_scope.names.get(&alias.name) {
                        Some(value) => value.clone(),
                        None => {
                            let submodule = format!("{module_name}.{}", alias.name);
                            if self.find_module(&submodule).is_ok() {
                                self.load_module(&submodule, file, alias.span)?;
                                Value::ProjectModule(submodule)
                            } else {
                                return Err(file.python(
                                    alias.span,
                                    "ImportError",
                                    format!(
                                        "cannot import name '{}' from '{module_name}'",
                                        alias.name
                                    ),
                                ));
                            }
                        }
                    };
                    let bound = alias.asname.clone().unwrap_or_else(|| alias.name.clone());
                    scope.names.insert(bound, value);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    // ----- statements ----------------------------------------------------------------------

    fn exec_block(&mut self, file: &FileContext, scope: &mut Scope, body: &[Stmt]) -> Result<()> {
        for statement in body {
            self.exec_statement(file, scope, statement)?;
        }
        Ok(())
    }

    fn exec_statement(
        &mut self,
        file: &FileContext,
        scope: &mut Scope,
        statement: &Stmt,
    ) -> Result<()> {
        match &statement.kind {
            StmtKind::Import { .. } | StmtKind::ImportFrom { .. } => {
                self.exec_import(file, scope, statement, false)
            }
            StmtKind::Pass => Ok(()),
            StmtKind::Expr(expression) => {
                if matches!(expression.kind, ExprKind::Constant(Constant::Str(_))) {
                    return Ok(());
                }
                let value = self.eval(file, scope, None, expression)?;
                self.attach_free_index(file, expression.span, value)
            }
            StmtKind::Assign { targets, value } => {
                let evaluated = self.eval(file, scope, None, value)?;
                self.attach_free_index(file, value.span, evaluated.clone())?;
                for target in targets {
                    match &target.kind {
                        ExprKind::Name(name) => {
                            scope.names.insert(name.clone(), evaluated.clone());
                        }
                        _ => {
                            return Err(file.unsupported(
                                target.span,
                                "only assignments to plain names are supported in models files",
                            ))
                        }
                    }
                }
                Ok(())
            }
            StmtKind::AnnAssign { target, value, .. } => {
                if let (Some(name), Some(value)) = (target.as_name(), value) {
                    let evaluated = self.eval(file, scope, None, value)?;
                    scope.names.insert(name.to_string(), evaluated);
                }
                Ok(())
            }
            StmtKind::FunctionDef(function) => {
                scope.names.insert(
                    function.name.clone(),
                    Value::Function(function.name.clone()),
                );
                Ok(())
            }
            StmtKind::ClassDef(class) => {
                let value = self.exec_class(file, scope, class, statement.span)?;
                scope.names.insert(class.name.clone(), value);
                Ok(())
            }
            StmtKind::If { branches, .. } => {
                // `if __name__ == "__main__":` never runs on import.
                let is_main_guard = branches.len() == 1
                    && matches!(&branches[0].test.kind, ExprKind::Compare { left, comparisons }
                        if left.as_name() == Some("__name__")
                            && comparisons.len() == 1
                            && comparisons[0].1.as_str_constant() == Some("__main__"));
                if is_main_guard {
                    Ok(())
                } else {
                    Err(file.unsupported(
                        statement.span,
                        "`if` statements in models files are not supported by the playground",
                    ))
                }
            }
            _ => Err(file.unsupported(
                statement.span,
                "this statement is not supported in models files by the playground",
            )),
        }
    }

    /// A module-level `Index('ix', User.email)` joins its table.
    fn attach_free_index(&mut self, file: &FileContext, span: Span, value: Value) -> Result<()> {
        let Value::Index(index) = value else {
            return Ok(());
        };
        let bound = index.columns.iter().find_map(|column| match column {
            ColumnTarget::Bound(metadata, table, _) => Some((*metadata, *table)),
            ColumnTarget::Name(_) => None,
        });
        let Some((metadata, table)) = bound else {
            return Err(file.unsupported(
                span,
                "an Index() outside a table must name its columns as table attributes (User.email)",
            ));
        };
        self.add_index(file, span, metadata, table, &index)
    }

    // ----- classes -------------------------------------------------------------------------

    fn exec_class(
        &mut self,
        file: &FileContext,
        scope: &mut Scope,
        class: &ClassDef,
        span: Span,
    ) -> Result<Value> {
        if !class.decorators.is_empty() {
            return Err(file.unsupported(
                span,
                "decorated classes are not supported in models files by the playground",
            ));
        }
        let mut bases = Vec::new();
        for base in &class.bases {
            bases.push(self.eval(file, scope, None, base)?);
        }
        let is_enum = bases.iter().any(|base| {
            matches!(base, Value::Lib(name) if name == "enum.Enum" || name == "enum.IntEnum" || name == "enum.StrEnum")
        });
        if is_enum {
            let mut members = Vec::new();
            for statement in &class.body {
                match &statement.kind {
                    StmtKind::Assign { targets, .. } => {
                        for target in targets {
                            if let Some(name) = target.as_name() {
                                if !name.starts_with('_') {
                                    members.push(name.to_string());
                                }
                            }
                        }
                    }
                    StmtKind::AnnAssign {
                        target,
                        value: Some(_),
                        ..
                    } => {
                        if let Some(name) = target.as_name() {
                            if !name.starts_with('_') {
                                members.push(name.to_string());
                            }
                        }
                    }
                    _ => {}
                }
            }
            self.classes.push(EnumObject {
                name: class.name.clone(),
                members,
            });
            return Ok(Value::EnumClass(self.classes.len() - 1));
        }
        let declarative_root = bases.iter().any(|base| {
            matches!(base, Value::Lib(name) if matches!(canonical(name).as_str(), "sa:DeclarativeBase" | "sa:DeclarativeBaseNoMeta"))
        });
        if declarative_root {
            return self.exec_declarative_base(file, scope, class, &bases);
        }
        let mut base_id = None;
        for base in &bases {
            match base {
                Value::Base(id) => base_id = Some(*id),
                Value::Lib(name)
                    if matches!(canonical(name).as_str(), "sa:MappedAsDataclass") => {}
                other => {
                    return Err(file.unsupported(
                        span,
                        format!(
                            "class {} derives from {}: only declarative bases (and enum.Enum) are supported as base classes by the playground",
                            class.name,
                            other.describe()
                        ),
                    ))
                }
            }
        }
        let Some(base_id) = base_id else {
            return Err(file.unsupported(
                span,
                format!(
                    "class {} is not a mapped class; the playground reads only mapped classes and enums",
                    class.name
                ),
            ));
        };
        self.exec_mapped_class(file, scope, class, span, base_id)
    }

    fn exec_declarative_base(
        &mut self,
        file: &FileContext,
        scope: &Scope,
        class: &ClassDef,
        _bases: &[Value],
    ) -> Result<Value> {
        let mut metadata = None;
        let mut type_annotation_map = Vec::new();
        let mut class_scope = Scope::default();
        for statement in &class.body {
            match &statement.kind {
                StmtKind::Pass => {}
                StmtKind::Expr(expression)
                    if matches!(expression.kind, ExprKind::Constant(Constant::Str(_))) => {}
                StmtKind::Assign { .. } | StmtKind::AnnAssign { value: Some(_), .. } => {
                    let (name, value) = match &statement.kind {
                        StmtKind::Assign { targets, value } => (targets_name(targets), value),
                        StmtKind::AnnAssign {
                            target,
                            value: Some(value),
                            ..
                        } => (target.as_name().map(str::to_string), value),
                        _ => continue,
                    };
                    let evaluated = self.eval(file, scope, Some(&class_scope), value)?;
                    match (name.as_deref(), &evaluated) {
                        (Some("metadata"), Value::MetaData(id)) => metadata = Some(*id),
                        (Some("type_annotation_map"), Value::Dict(entries)) => {
                            for (key, mapped) in entries {
                                let sql_type = self.value_to_type(file, value.span, mapped)?;
                                type_annotation_map.push((key.clone(), sql_type));
                            }
                        }
                        _ => {
                            return Err(file.unsupported(
                                statement.span,
                                "a declarative base may only set `metadata` and `type_annotation_map` in the playground",
                            ))
                        }
                    }
                    if let Some(name) = name {
                        class_scope.names.insert(name, evaluated);
                    }
                }
                StmtKind::AnnAssign { value: None, .. } => {}
                StmtKind::FunctionDef(_) => {}
                _ => {
                    return Err(file.unsupported(
                        statement.span,
                        "this statement is not supported in a declarative base by the playground",
                    ))
                }
            }
        }
        let metadata = match metadata {
            Some(id) => id,
            None => self.new_metadata(Vec::new(), true),
        };
        self.bases.push(BaseObject {
            metadata,
            type_annotation_map,
        });
        Ok(Value::Base(self.bases.len() - 1))
    }

    fn new_metadata(&mut self, naming: Vec<(String, String)>, default_convention: bool) -> usize {
        let naming_convention = if default_convention {
            vec![("ix".to_string(), "ix_%(column_0_label)s".to_string())]
        } else {
            naming
        };
        self.metadatas.push(MetaDataObject {
            naming_convention,
            tables: Vec::new(),
            untyped_foreign_key_columns: Vec::new(),
        });
        self.metadatas.len() - 1
    }

    fn exec_mapped_class(
        &mut self,
        file: &FileContext,
        scope: &Scope,
        class: &ClassDef,
        span: Span,
        base_id: usize,
    ) -> Result<Value> {
        let metadata = self.bases.get(base_id).map(|b| b.metadata).unwrap_or(0);
        let mut class_scope = Scope::default();
        let mut vars: Vec<String> = Vec::new();
        let mut annotations: Vec<(String, Expr)> = Vec::new();
        let mut tablename: Option<String> = None;
        let mut table_args: Option<(Value, Span)> = None;
        let mut explicit_table: Option<Value> = None;
        let mut abstract_class = false;
        for statement in &class.body {
            match &statement.kind {
                StmtKind::Pass => {}
                StmtKind::Expr(expression)
                    if matches!(expression.kind, ExprKind::Constant(Constant::Str(_))) => {}
                StmtKind::FunctionDef(function) => {
                    if !vars.contains(&function.name) {
                        vars.push(function.name.clone());
                    }
                    class_scope.names.insert(
                        function.name.clone(),
                        Value::Function(function.name.clone()),
                    );
                }
                StmtKind::Assign { targets, value } => {
                    let Some(name) = targets_name(targets) else {
                        return Err(file.unsupported(
                            statement.span,
                            "only assignments to plain names are supported in a mapped class",
                        ));
                    };
                    let evaluated = self.eval(file, scope, Some(&class_scope), value)?;
                    self.class_attribute(
                        &name,
                        evaluated,
                        value.span,
                        &mut class_scope,
                        &mut vars,
                        &mut tablename,
                        &mut table_args,
                        &mut explicit_table,
                        &mut abstract_class,
                    );
                }
                StmtKind::AnnAssign {
                    target,
                    annotation,
                    value,
                    ..
                } => {
                    let Some(name) = target.as_name() else {
                        return Err(file.unsupported(
                            statement.span,
                            "only annotations of plain names are supported in a mapped class",
                        ));
                    };
                    if !name.starts_with("__") {
                        annotations.push((name.to_string(), annotation.clone()));
                    }
                    if let Some(value) = value {
                        let evaluated = self.eval(file, scope, Some(&class_scope), value)?;
                        self.class_attribute(
                            name,
                            evaluated,
                            value.span,
                            &mut class_scope,
                            &mut vars,
                            &mut tablename,
                            &mut table_args,
                            &mut explicit_table,
                            &mut abstract_class,
                        );
                    }
                }
                _ => {
                    return Err(file.unsupported(
                        statement.span,
                        "this statement is not supported in a mapped class by the playground",
                    ))
                }
            }
        }
        if abstract_class {
            return Ok(Value::Base(base_id));
        }
        if let Some(Value::Table(table_metadata, table)) = explicit_table {
            let keys = self
                .metadatas
                .get(table_metadata)
                .and_then(|m| m.tables.get(table))
                .map(|t| {
                    t.columns
                        .iter()
                        .map(|c| (c.name.clone(), c.name.clone()))
                        .collect()
                })
                .unwrap_or_default();
            return Ok(Value::Mapped(table_metadata, table, keys));
        }
        let Some(tablename) = tablename else {
            return Err(file.unsupported(
                span,
                format!(
                    "class {} has no __tablename__ (single-table inheritance and mixins are not supported by the playground)",
                    class.name
                ),
            ));
        };
        let annotation_names: Vec<String> = annotations.iter().map(|(n, _)| n.clone()).collect();
        let order = merge_lists_w_ordering(&vars, &annotation_names);
        let mut columns: Vec<(String, ColumnSpec)> = Vec::new();
        for key in order {
            if key.starts_with("__") {
                continue;
            }
            let value = class_scope.names.get(&format!("\u{0}{key}")).cloned();
            let annotation = annotations.iter().find(|(n, _)| *n == key).map(|(_, a)| a);
            let spec = match value {
                Some(Value::Column(spec)) => {
                    let mut spec = *spec;
                    if spec.mapped {
                        if let Some(annotation) = annotation {
                            self.apply_annotation(file, scope, base_id, &mut spec, annotation)?;
                        }
                    }
                    spec
                }
                Some(_) => continue,
                None => {
                    let Some(annotation) = annotation else {
                        continue;
                    };
                    let mut spec = empty_column(annotation.span, true);
                    let is_mapped =
                        self.apply_annotation(file, scope, base_id, &mut spec, annotation)?;
                    if !is_mapped {
                        continue;
                    }
                    spec
                }
            };
            columns.push((key, spec));
        }
        let mut column_keys = Vec::new();
        let mut built = Vec::new();
        for (key, spec) in columns {
            let name = spec.name.clone().unwrap_or_else(|| key.clone());
            column_keys.push((key, name.clone()));
            built.push((name, spec));
        }
        let table_id = self.create_table(file, span, metadata, &tablename, built)?;
        if let Some((args, args_span)) = table_args {
            let items = match args {
                Value::Tuple(items) | Value::List(items) => items,
                Value::Dict(entries) => vec![Value::Dict(entries)],
                other => {
                    return Err(file.unsupported(
                        args_span,
                        format!(
                            "__table_args__ must be a tuple or a dict, not {}",
                            other.describe()
                        ),
                    ))
                }
            };
            for item in items {
                self.add_table_item(file, args_span, metadata, table_id, item, &column_keys)?;
            }
        }
        self.finish_table(metadata, table_id);
        Ok(Value::Mapped(metadata, table_id, column_keys))
    }

    #[allow(clippy::too_many_arguments)]
    fn class_attribute(
        &mut self,
        name: &str,
        value: Value,
        span: Span,
        class_scope: &mut Scope,
        vars: &mut Vec<String>,
        tablename: &mut Option<String>,
        table_args: &mut Option<(Value, Span)>,
        explicit_table: &mut Option<Value>,
        abstract_class: &mut bool,
    ) {
        match name {
            "__tablename__" => {
                if let Value::Str(text) = &value {
                    *tablename = Some(text.clone());
                }
            }
            "__table_args__" => *table_args = Some((value.clone(), span)),
            "__table__" => *explicit_table = Some(value.clone()),
            "__abstract__" => *abstract_class = value == Value::Bool(true),
            _ => {}
        }
        if !vars.iter().any(|v| v == name) {
            vars.push(name.to_string());
        }
        // Inside the class body a column is referred to by its attribute name.
        let bound = match &value {
            Value::Column(_) => Value::LocalColumn(name.to_string()),
            _ => value.clone(),
        };
        class_scope.names.insert(format!("\u{0}{name}"), value);
        class_scope.names.insert(name.to_string(), bound);
    }

    /// Applies a `Mapped[...]` annotation to a `mapped_column()` (or builds one from an
    /// annotation alone). Returns false when the annotation is not `Mapped[...]`.
    fn apply_annotation(
        &mut self,
        file: &FileContext,
        scope: &Scope,
        base_id: usize,
        spec: &mut ColumnSpec,
        annotation: &Expr,
    ) -> Result<bool> {
        let value = self.eval_annotation(file, scope, annotation)?;
        let inner = match value {
            Value::MappedAnnotation(inner) => *inner,
            _ => return Ok(false),
        };
        let (python_type, optional) = match inner {
            Value::OptionalAnnotation(inner) => (*inner, true),
            other => (other, false),
        };
        if spec.type_.is_none() {
            let mapped = self
                .bases
                .get(base_id)
                .and_then(|base| {
                    base.type_annotation_map
                        .iter()
                        .find(|(key, _)| *key == python_type)
                        .map(|(_, t)| t.clone())
                })
                .or_else(|| python_type_to_sql(&python_type, &self.classes));
            match mapped {
                Some(sql_type) => spec.type_ = Some(sql_type),
                None if !spec.foreign_keys.is_empty() && matches!(python_type, Value::Lib(_)) => {}
                None => {
                    return Err(file.unsupported(
                        annotation.span,
                        format!(
                            "the playground cannot find the SQL type for Mapped[{}]; give mapped_column() a type",
                            describe_annotation(&python_type)
                        ),
                    ))
                }
            }
        }
        if spec.nullable.is_none() && !spec.primary_key {
            spec.nullable = Some(optional);
        }
        Ok(true)
    }

    fn eval_annotation(
        &mut self,
        file: &FileContext,
        scope: &Scope,
        annotation: &Expr,
    ) -> Result<Value> {
        if let Some(text) = annotation.as_str_constant() {
            let parsed = python::parse_expression(text).map_err(|_| {
                file.unsupported(annotation.span, "this string annotation cannot be read")
            })?;
            let parsed = relocate(parsed, annotation.span);
            return self.eval_annotation(file, scope, &parsed);
        }
        self.eval(file, scope, None, annotation)
    }

    // ----- tables --------------------------------------------------------------------------

    fn create_table(
        &mut self,
        file: &FileContext,
        span: Span,
        metadata: usize,
        name: &str,
        columns: Vec<(String, ColumnSpec)>,
    ) -> Result<usize> {
        let Some(meta) = self.metadatas.get(metadata) else {
            return Err(file.unsupported(span, "unknown MetaData"));
        };
        if meta.tables.iter().any(|t| t.name == name) {
            return Err(file.python(
                span,
                "sqlalchemy.exc.InvalidRequestError",
                format!("Table '{name}' is already defined for this MetaData instance.  Specify 'extend_existing=True' to redefine options and columns on an existing Table object."),
            ));
        }
        let mut table = SchemaTable {
            name: name.to_string(),
            ..SchemaTable::default()
        };
        let mut untyped = Vec::new();
        let mut derived_uniques = Vec::new();
        let mut derived_indexes = Vec::new();
        for (column_name, spec) in columns {
            if table.column(&column_name).is_some() {
                return Err(file.python(
                    spec.span,
                    "sqlalchemy.exc.DuplicateColumnError",
                    format!(
                        "A column with name '{column_name}' is already present in table '{name}'."
                    ),
                ));
            }
            let type_ = match &spec.type_ {
                Some(t) => t.clone(),
                None => {
                    if let Some(fk) = spec.foreign_keys.first() {
                        untyped.push((column_name.clone(), fk.target.clone()));
                    }
                    SqlType::new(TypeClass::NullType)
                }
            };
            let mut column = SchemaColumn::new(&column_name, type_);
            column.primary_key = spec.primary_key;
            column.nullable = spec.nullable.unwrap_or(!spec.primary_key);
            column.server_default = spec.server_default.clone();
            column.autoincrement = spec.autoincrement;
            column.comment = spec.comment.clone();
            column.default_repr = spec.default_repr.clone();
            column.foreign_keys = spec
                .foreign_keys
                .iter()
                .map(|fk| fk.target.clone())
                .collect();
            for fk in &spec.foreign_keys {
                let (referent_table, referent_column) = split_target(&fk.target);
                table.foreign_keys.push(SchemaForeignKey {
                    name: fk.name.as_deref().map(Name::plain),
                    columns: vec![column_name.clone()],
                    referent_table,
                    referent_columns: vec![referent_column],
                    onupdate: fk.onupdate.clone(),
                    ondelete: fk.ondelete.clone(),
                    deferrable: fk.deferrable,
                    initially: fk.initially.clone(),
                    match_: fk.match_.clone(),
                });
            }
            if spec.primary_key {
                table.primary_key.push(column_name.clone());
            }
            let index = spec.index.unwrap_or(false);
            let unique = spec.unique.unwrap_or(false);
            if index {
                derived_indexes.push((column_name.clone(), unique, spec.span));
            } else if unique {
                derived_uniques.push(column_name.clone());
            }
            table.columns.push(column);
        }
        let Some(meta) = self.metadatas.get_mut(metadata) else {
            return Err(file.unsupported(span, "unknown MetaData"));
        };
        meta.tables.push(table);
        let table_id = meta.tables.len() - 1;
        for (column, target) in untyped {
            meta.untyped_foreign_key_columns
                .push((table_id, column, target));
        }
        for column in derived_uniques {
            self.add_unique(file, span, metadata, table_id, None, vec![column])?;
        }
        for (column, unique, column_span) in derived_indexes {
            let index = IndexSpec {
                name: None,
                columns: vec![ColumnTarget::Name(column)],
                unique,
                sqlite_where: None,
            };
            self.add_index(file, column_span, metadata, table_id, &index)?;
        }
        Ok(table_id)
    }

    /// Names for constraints: explicit ones stay plain, conventions make `conv()` names.
    #[allow(clippy::too_many_arguments)]
    fn convention_name(
        &self,
        file: &FileContext,
        span: Span,
        metadata: usize,
        table: usize,
        keys: &[&str],
        explicit: Option<&str>,
        columns: &[String],
        referred: Option<(&str, &[String])>,
    ) -> Result<Option<Name>> {
        let Some(meta) = self.metadatas.get(metadata) else {
            return Ok(explicit.map(Name::plain));
        };
        let table_name = meta
            .tables
            .get(table)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        let convention = keys.iter().find_map(|key| {
            meta.naming_convention
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        });
        let Some(convention) = convention else {
            return Ok(explicit.map(Name::plain));
        };
        if explicit.is_some() && !convention.contains("%(constraint_name)s") {
            return Ok(explicit.map(Name::plain));
        }
        if explicit.is_none() && convention.contains("%(constraint_name)s") {
            return Err(file.python(
                span,
                "sqlalchemy.exc.InvalidRequestError",
                "Naming convention including %(constraint_name)s token requires that constraint is explicitly named.",
            ));
        }
        let mut text = String::new();
        let mut rest = convention.as_str();
        while let Some(start) = rest.find("%(") {
            text.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find(")s") else {
                text.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let token = &after[..end];
            let value = match token {
                "table_name" => table_name.clone(),
                "constraint_name" => explicit.unwrap_or("").to_string(),
                "column_0_name" | "column_0_key" => columns.first().cloned().unwrap_or_default(),
                "column_0_label" => format!("{table_name}_{}", columns.first().cloned().unwrap_or_default()),
                "column_0N_name" | "column_0N_key" => columns.concat(),
                "column_0_N_name" | "column_0_N_key" => columns.join("_"),
                "column_0N_label" => columns.iter().map(|c| format!("{table_name}_{c}")).collect::<Vec<_>>().concat(),
                "column_0_N_label" => columns.iter().map(|c| format!("{table_name}_{c}")).collect::<Vec<_>>().join("_"),
                "referred_table_name" => referred.map(|r| r.0.to_string()).unwrap_or_default(),
                "referred_column_0_name" => referred.and_then(|r| r.1.first().cloned()).unwrap_or_default(),
                "referred_column_0N_name" => referred.map(|r| r.1.concat()).unwrap_or_default(),
                "referred_column_0_N_name" => referred.map(|r| r.1.join("_")).unwrap_or_default(),
                other => {
                    return Err(file.unsupported(
                        span,
                        format!("the naming convention token %({other})s is not supported by the playground"),
                    ))
                }
            };
            text.push_str(&value);
            rest = &after[end + 2..];
        }
        text.push_str(rest);
        Ok(Some(Name::conv(&text)))
    }

    fn add_unique(
        &mut self,
        file: &FileContext,
        span: Span,
        metadata: usize,
        table: usize,
        name: Option<&str>,
        columns: Vec<String>,
    ) -> Result<()> {
        let name = self.convention_name(
            file,
            span,
            metadata,
            table,
            &["uq", "unique_constraint"],
            name,
            &columns,
            None,
        )?;
        if let Some(t) = self.table_mut(metadata, table) {
            t.uniques.push(SchemaUnique { name, columns });
        }
        Ok(())
    }

    fn add_index(
        &mut self,
        file: &FileContext,
        span: Span,
        metadata: usize,
        table: usize,
        index: &IndexSpec,
    ) -> Result<()> {
        let columns = self.resolve_targets(file, span, metadata, table, &index.columns, &[])?;
        let name = self.convention_name(
            file,
            span,
            metadata,
            table,
            &["ix", "index"],
            index.name.as_deref(),
            &columns,
            None,
        )?;
        let Some(name) = name else {
            return Err(file.unsupported(
                span,
                "an index without a name (and no 'ix' naming convention) is not supported by the playground",
            ));
        };
        if let Some(t) = self.table_mut(metadata, table) {
            t.indexes.push(SchemaIndex {
                name,
                columns,
                unique: IndexUnique::Bool(index.unique),
                sqlite_where: index.sqlite_where.clone(),
            });
        }
        Ok(())
    }

    fn table_mut(&mut self, metadata: usize, table: usize) -> Option<&mut SchemaTable> {
        self.metadatas
            .get_mut(metadata)
            .and_then(|m| m.tables.get_mut(table))
    }

    fn resolve_targets(
        &self,
        file: &FileContext,
        span: Span,
        metadata: usize,
        table: usize,
        targets: &[ColumnTarget],
        column_keys: &[(String, String)],
    ) -> Result<Vec<String>> {
        let table_object = self
            .metadatas
            .get(metadata)
            .and_then(|m| m.tables.get(table));
        let mut names = Vec::new();
        for target in targets {
            let name = match target {
                ColumnTarget::Name(name) => column_keys
                    .iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, column)| column.clone())
                    .unwrap_or_else(|| name.clone()),
                ColumnTarget::Bound(m, t, name) => {
                    if *m != metadata || *t != table {
                        return Err(
                            file.unsupported(span, "a constraint names a column of another table")
                        );
                    }
                    name.clone()
                }
            };
            if table_object.is_some_and(|t| t.column(&name).is_none()) {
                return Err(file.python(span, "KeyError", format!("'{name}'")));
            }
            names.push(name);
        }
        Ok(names)
    }

    fn add_table_item(
        &mut self,
        file: &FileContext,
        span: Span,
        metadata: usize,
        table: usize,
        item: Value,
        column_keys: &[(String, String)],
    ) -> Result<()> {
        match item {
            Value::Constraint(ConstraintSpec::Unique { name, columns }) => {
                let columns =
                    self.resolve_targets(file, span, metadata, table, &columns, column_keys)?;
                self.add_unique(file, span, metadata, table, name.as_deref(), columns)
            }
            Value::Constraint(ConstraintSpec::Check { name, sqltext }) => {
                let name = self.convention_name(
                    file,
                    span,
                    metadata,
                    table,
                    &["ck", "check_constraint"],
                    name.as_deref(),
                    &[],
                    None,
                )?;
                if let Some(t) = self.table_mut(metadata, table) {
                    t.checks.push(SchemaCheck { name, sqltext });
                }
                Ok(())
            }
            Value::Constraint(ConstraintSpec::PrimaryKey { name, columns }) => {
                let columns =
                    self.resolve_targets(file, span, metadata, table, &columns, column_keys)?;
                if let Some(t) = self.table_mut(metadata, table) {
                    t.primary_key = columns.clone();
                    for column in t.columns.iter_mut() {
                        if columns.contains(&column.name) {
                            column.primary_key = true;
                            column.nullable = false;
                        }
                    }
                }
                let _ = name;
                self.pending_pk_name(metadata, table, name);
                Ok(())
            }
            Value::Constraint(ConstraintSpec::ForeignKey {
                name,
                columns,
                refcolumns,
                onupdate,
                ondelete,
                deferrable,
                initially,
                match_,
            }) => {
                let columns =
                    self.resolve_targets(file, span, metadata, table, &columns, column_keys)?;
                let parts: Vec<(String, String)> =
                    refcolumns.iter().map(|r| split_target(r)).collect();
                let referent_table = parts.first().map(|p| p.0.clone()).unwrap_or_default();
                let referent_columns: Vec<String> = parts.into_iter().map(|p| p.1).collect();
                if let Some(t) = self.table_mut(metadata, table) {
                    for (column, target) in columns.iter().zip(&refcolumns) {
                        if let Some(c) = t.columns.iter_mut().find(|c| c.name == *column) {
                            c.foreign_keys.push(target.clone());
                        }
                    }
                    t.foreign_keys.push(SchemaForeignKey {
                        name: name.as_deref().map(Name::plain),
                        columns,
                        referent_table,
                        referent_columns,
                        onupdate,
                        ondelete,
                        deferrable,
                        initially,
                        match_,
                    });
                }
                Ok(())
            }
            Value::Index(index) => {
                let mut index = index;
                index.columns = index
                    .columns
                    .into_iter()
                    .map(|target| match target {
                        ColumnTarget::Name(name) => ColumnTarget::Name(
                            column_keys
                                .iter()
                                .find(|(key, _)| *key == name)
                                .map(|(_, column)| column.clone())
                                .unwrap_or(name),
                        ),
                        other => other,
                    })
                    .collect();
                self.add_index(file, span, metadata, table, &index)
            }
            Value::Column(spec) => {
                let Some(name) = spec.name.clone() else {
                    return Err(file.unsupported(span, "a Column in a Table needs a name"));
                };
                let _ = name;
                Err(file.unsupported(
                    span,
                    "a Column after the table's other arguments is not supported",
                ))
            }
            Value::Dict(entries) => {
                for (key, value) in entries {
                    match (key, value) {
                        (Value::Str(key), Value::Str(comment)) if key == "comment" => {
                            if let Some(t) = self.table_mut(metadata, table) {
                                t.comment = Some(comment);
                            }
                        }
                        (Value::Str(key), _)
                            if key == "extend_existing" || key == "keep_existing" => {}
                        (key, _) => {
                            return Err(file.unsupported(
                                span,
                                format!(
                                    "the table option {} is not supported by the playground",
                                    describe_key(&key)
                                ),
                            ))
                        }
                    }
                }
                Ok(())
            }
            other => Err(file.unsupported(
                span,
                format!(
                    "{} is not supported as a table argument by the playground",
                    other.describe()
                ),
            )),
        }
    }

    fn pending_pk_name(&mut self, metadata: usize, table: usize, name: Option<String>) {
        if let Some(t) = self.table_mut(metadata, table) {
            t.primary_key_name = name.as_deref().map(Name::plain);
        }
    }

    /// After a table is complete: the primary key name from a `pk` convention.
    fn finish_table(&mut self, metadata: usize, table: usize) {
        let Some(meta) = self.metadatas.get(metadata) else {
            return;
        };
        let Some(t) = meta.tables.get(table) else {
            return;
        };
        let convention = meta
            .naming_convention
            .iter()
            .find(|(k, _)| k == "pk" || k == "primary_key")
            .map(|(_, v)| v.clone());
        let fk_convention = meta
            .naming_convention
            .iter()
            .find(|(k, _)| k == "fk" || k == "foreign_key")
            .map(|(_, v)| v.clone());
        let table_name = t.name.clone();
        let pk_columns = t.primary_key.clone();
        let pk_explicit = t.primary_key_name.clone();
        let fks = t.foreign_keys.clone();
        let file = FileContext {
            path: String::new(),
            display: String::new(),
            source: String::new(),
        };
        let span = Span::default();
        let mut pk_name = pk_explicit.clone();
        if convention.is_some() && !pk_columns.is_empty() {
            if let Ok(name) = self.convention_name(
                &file,
                span,
                metadata,
                table,
                &["pk", "primary_key"],
                pk_explicit.as_ref().map(|n| n.text.as_str()),
                &pk_columns,
                None,
            ) {
                pk_name = name;
            }
        }
        let mut new_fks = fks.clone();
        if fk_convention.is_some() {
            for fk in new_fks.iter_mut() {
                if let Ok(name) = self.convention_name(
                    &file,
                    span,
                    metadata,
                    table,
                    &["fk", "foreign_key"],
                    fk.name.as_ref().map(|n| n.text.as_str()),
                    &fk.columns,
                    Some((&fk.referent_table, &fk.referent_columns)),
                ) {
                    fk.name = name;
                }
            }
        }
        let _ = table_name;
        if let Some(t) = self.table_mut(metadata, table) {
            t.primary_key_name = pk_name;
            t.foreign_keys = new_fks;
        }
    }

    /// `Column(ForeignKey('user.id'))` with no type takes the referred column's type.
    fn resolve_foreign_key_types(&mut self) {
        for meta in self.metadatas.iter_mut() {
            let pending = std::mem::take(&mut meta.untyped_foreign_key_columns);
            for (table, column, target) in pending {
                let (referred_table, referred_column) = split_target(&target);
                let referred_type = meta
                    .tables
                    .iter()
                    .find(|t| t.name == referred_table)
                    .and_then(|t| t.column(&referred_column))
                    .map(|c| c.type_.clone());
                if let (Some(sql_type), Some(t)) = (referred_type, meta.tables.get_mut(table)) {
                    if let Some(c) = t.columns.iter_mut().find(|c| c.name == column) {
                        c.type_ = sql_type;
                    }
                }
            }
        }
    }

    // ----- expressions ---------------------------------------------------------------------

    fn lookup(
        &mut self,
        file: &FileContext,
        scope: &Scope,
        class_scope: Option<&Scope>,
        name: &str,
        span: Span,
    ) -> Result<Value> {
        if let Some(value) = class_scope.and_then(|s| s.names.get(name)) {
            return Ok(value.clone());
        }
        if let Some(value) = scope.names.get(name) {
            return Ok(value.clone());
        }
        let builtin = match name {
            "int" | "str" | "bool" | "float" | "bytes" | "dict" | "list" | "set" | "tuple"
            | "object" => Some(Value::Lib(format!("builtins.{name}"))),
            "None" => Some(Value::None),
            "True" => Some(Value::Bool(true)),
            "False" => Some(Value::Bool(false)),
            _ => None,
        };
        builtin
            .ok_or_else(|| file.python(span, "NameError", format!("name '{name}' is not defined")))
    }

    fn eval(
        &mut self,
        file: &FileContext,
        scope: &Scope,
        class_scope: Option<&Scope>,
        expr: &Expr,
    ) -> Result<Value> {
        match &expr.kind {
            ExprKind::Name(name) => self.lookup(file, scope, class_scope, name, expr.span),
            ExprKind::Constant(constant) => {
                match constant {
                    Constant::None => Ok(Value::None),
                    Constant::Bool(b) => Ok(Value::Bool(*b)),
                    Constant::Int(i) => i64::try_from(*i)
                        .map(Value::Int)
                        .map_err(|_| file.unsupported(expr.span, "this integer is too large")),
                    Constant::Float(f) => Ok(Value::Float(*f)),
                    Constant::Str(s) => Ok(Value::Str(s.clone())),
                    _ => Err(file
                        .unsupported(expr.span, "this literal is not supported in models files")),
                }
            }
            ExprKind::UnaryOp {
                operator: UnaryOperator::Negative,
                operand,
            } => match self.eval(file, scope, class_scope, operand)? {
                Value::Int(i) => Ok(Value::Int(-i)),
                Value::Float(f) => Ok(Value::Float(-f)),
                _ => Err(file.unsupported(
                    expr.span,
                    "this expression is not supported in models files",
                )),
            },
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let mut values = Vec::new();
                for item in items {
                    values.push(self.eval(file, scope, class_scope, item)?);
                }
                Ok(if matches!(expr.kind, ExprKind::Tuple(_)) {
                    Value::Tuple(values)
                } else {
                    Value::List(values)
                })
            }
            ExprKind::Dict(entries) => {
                let mut values = Vec::new();
                for entry in entries {
                    let Some(key) = &entry.key else {
                        return Err(file.unsupported(
                            expr.span,
                            "`**` in a dict is not supported in models files",
                        ));
                    };
                    let key = self.eval(file, scope, class_scope, key)?;
                    let value = self.eval(file, scope, class_scope, &entry.value)?;
                    values.retain(|(k, _): &(Value, Value)| *k != key);
                    values.push((key, value));
                }
                Ok(Value::Dict(values))
            }
            ExprKind::Attribute { value, attr } => {
                let base = self.eval(file, scope, class_scope, value)?;
                self.attribute(file, base, attr, expr.span)
            }
            ExprKind::Subscript { value, index } => {
                let base = self.eval(file, scope, class_scope, value)?;
                let index = self.eval(file, scope, class_scope, index)?;
                self.subscript(file, base, index, expr.span)
            }
            ExprKind::BinOp {
                left,
                operator: BinaryOperator::BitOr,
                right,
            } => {
                let left = self.eval(file, scope, class_scope, left)?;
                let right = self.eval(file, scope, class_scope, right)?;
                match (left, right) {
                    (Value::None, other) | (other, Value::None) => {
                        Ok(Value::OptionalAnnotation(Box::new(other)))
                    }
                    _ => Err(file.unsupported(
                        expr.span,
                        "only `X | None` unions are supported in Mapped[] annotations",
                    )),
                }
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let callee = self.eval(file, scope, class_scope, func)?;
                let mut positional = Vec::new();
                for arg in args {
                    if matches!(arg.kind, ExprKind::Starred(_)) {
                        return Err(
                            file.unsupported(arg.span, "`*args` is not supported in models files")
                        );
                    }
                    positional.push((self.eval(file, scope, class_scope, arg)?, arg.span));
                }
                let mut named = Vec::new();
                for keyword in keywords {
                    let Some(name) = &keyword.name else {
                        return Err(file.unsupported(
                            keyword.span,
                            "`**kwargs` is not supported in models files",
                        ));
                    };
                    named.push((
                        name.clone(),
                        self.eval(file, scope, class_scope, &keyword.value)?,
                        keyword.span,
                    ));
                }
                self.call(file, callee, positional, named, keywords, expr.span)
            }
            _ => Err(file.unsupported(
                expr.span,
                format!(
                    "this {} is not supported in models files by the playground",
                    expr.description()
                ),
            )),
        }
    }

    fn attribute(
        &mut self,
        file: &FileContext,
        base: Value,
        attr: &str,
        span: Span,
    ) -> Result<Value> {
        match base {
            Value::Lib(name) => Ok(Value::Lib(format!("{name}.{attr}"))),
            Value::ProjectModule(module) => {
                let dotted = format!("{module}.{attr}");
                let module_scope = self.load_module(&module, file, span)?;
                if let Some(value) = module_scope.names.get(attr) {
                    return Ok(value.clone());
                }
                if self.find_module(&dotted).is_ok() {
                    self.load_module(&dotted, file, span)?;
                    return Ok(Value::ProjectModule(dotted));
                }
                Err(file.python(
                    span,
                    "AttributeError",
                    format!("module '{module}' has no attribute '{attr}'"),
                ))
            }
            Value::Base(id) if attr == "metadata" => Ok(Value::MetaData(
                self.bases.get(id).map(|b| b.metadata).unwrap_or(0),
            )),
            Value::Mapped(metadata, table, keys) => match attr {
                "metadata" => Ok(Value::MetaData(metadata)),
                "__table__" => Ok(Value::Table(metadata, table)),
                _ => match keys.iter().find(|(key, _)| key == attr) {
                    Some((_, column)) => Ok(Value::ColumnRef(metadata, table, column.clone())),
                    None => Err(file.unsupported(
                        span,
                        format!(
                            "the class attribute '{attr}' is not a column the playground knows"
                        ),
                    )),
                },
            },
            Value::Table(metadata, table) => match attr {
                "c" | "columns" => Ok(Value::TableColumns(metadata, table)),
                "metadata" => Ok(Value::MetaData(metadata)),
                _ => Err(file.unsupported(
                    span,
                    format!("Table.{attr} is not supported by the playground"),
                )),
            },
            Value::TableColumns(metadata, table) => {
                self.table_column(file, metadata, table, attr, span)
            }
            Value::EnumClass(id) => {
                let known = self
                    .classes
                    .get(id)
                    .is_some_and(|c| c.members.iter().any(|m| m == attr));
                if known {
                    Ok(Value::Str(attr.to_string()))
                } else {
                    Err(file.unsupported(span, format!("enum attribute '{attr}' is not supported")))
                }
            }
            other => Err(file.unsupported(
                span,
                format!(
                    "attribute '{attr}' of {} is not supported in models files",
                    other.describe()
                ),
            )),
        }
    }

    fn table_column(
        &self,
        file: &FileContext,
        metadata: usize,
        table: usize,
        name: &str,
        span: Span,
    ) -> Result<Value> {
        let exists = self
            .metadatas
            .get(metadata)
            .and_then(|m| m.tables.get(table))
            .is_some_and(|t| t.column(name).is_some());
        if exists {
            Ok(Value::ColumnRef(metadata, table, name.to_string()))
        } else {
            Err(file.python(span, "AttributeError", name.to_string()))
        }
    }

    fn subscript(
        &mut self,
        file: &FileContext,
        base: Value,
        index: Value,
        span: Span,
    ) -> Result<Value> {
        match base {
            Value::Lib(name) => match canonical(&name).as_str() {
                "sa:Mapped" => Ok(Value::MappedAnnotation(Box::new(index))),
                "typing:Optional" => Ok(Value::OptionalAnnotation(Box::new(index))),
                "typing:Union" => {
                    let items = match index {
                        Value::Tuple(items) => items,
                        other => vec![other],
                    };
                    let has_none = items.contains(&Value::None);
                    let rest: Vec<Value> =
                        items.into_iter().filter(|v| *v != Value::None).collect();
                    match (rest.len(), has_none) {
                        (1, true) => Ok(Value::OptionalAnnotation(Box::new(
                            rest.into_iter().next().unwrap_or(Value::None),
                        ))),
                        (1, false) => Ok(rest.into_iter().next().unwrap_or(Value::None)),
                        _ => Err(file.unsupported(
                            span,
                            "Union[...] of several types is not supported in Mapped[]",
                        )),
                    }
                }
                "typing:Annotated" => match index {
                    Value::Tuple(items) => Ok(items.into_iter().next().unwrap_or(Value::None)),
                    other => Ok(other),
                },
                other => Ok(Value::Generic(other.to_string())),
            },
            Value::TableColumns(metadata, table) => match index {
                Value::Str(name) => self.table_column(file, metadata, table, &name, span),
                _ => Err(file.unsupported(span, "t.c[...] needs a column name")),
            },
            other => Err(file.unsupported(
                span,
                format!(
                    "subscript of {} is not supported in models files",
                    other.describe()
                ),
            )),
        }
    }

    fn literal(
        &self,
        file: &FileContext,
        value: &Value,
        span: Span,
        what: &str,
    ) -> Result<Literal> {
        value.to_literal().ok_or_else(|| {
            file.unsupported(
                span,
                format!("{what} must be a literal, not {}", value.describe()),
            )
        })
    }

    fn str_value(
        &self,
        file: &FileContext,
        value: &Value,
        span: Span,
        what: &str,
    ) -> Result<String> {
        match value {
            Value::Str(s) => Ok(s.clone()),
            other => Err(file.unsupported(
                span,
                format!("{what} must be a string, not {}", other.describe()),
            )),
        }
    }

    fn opt_str(
        &self,
        file: &FileContext,
        value: &Value,
        span: Span,
        what: &str,
    ) -> Result<Option<String>> {
        match value {
            Value::None => Ok(None),
            other => self.str_value(file, other, span, what).map(Some),
        }
    }

    fn bool_value(
        &self,
        file: &FileContext,
        value: &Value,
        span: Span,
        what: &str,
    ) -> Result<bool> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::Int(i) => Ok(*i != 0),
            other => Err(file.unsupported(
                span,
                format!("{what} must be True or False, not {}", other.describe()),
            )),
        }
    }

    /// A value used as a column type: a type instance, a type class, an enum class.
    fn value_to_type(&self, file: &FileContext, span: Span, value: &Value) -> Result<SqlType> {
        match value {
            Value::Type(t) => Ok(t.clone()),
            Value::Lib(name) => self.type_call(file, span, name, &[], &[]),
            other => Err(file.unsupported(
                span,
                format!(
                    "{} is not a SQLAlchemy type the playground knows",
                    other.describe()
                ),
            )),
        }
    }

    fn type_call(
        &self,
        file: &FileContext,
        span: Span,
        name: &str,
        positional: &[(Value, Span)],
        keywords: &[(String, Value, Span)],
    ) -> Result<SqlType> {
        let canonical_name = canonical(name);
        let short = match canonical_name.split_once(':') {
            Some(("sa", short)) => short.to_string(),
            Some(("sqlite", "JSON")) => "sqlite.JSON".to_string(),
            _ => {
                return Err(file.unsupported(
                    span,
                    format!("'{name}' is not a SQLAlchemy type the playground knows"),
                ));
            }
        };
        // Enum(SomeEnumClass, ...)
        if short == "Enum" {
            if let Some((Value::EnumClass(id), _)) = positional.first() {
                let class = self.classes.get(*id);
                let values: Vec<Literal> = class
                    .map(|c| c.members.iter().map(|m| Literal::Str(m.clone())).collect())
                    .unwrap_or_default();
                let mut kw: Vec<(String, Literal)> = Vec::new();
                let mut has_name = false;
                for (key, value, value_span) in keywords {
                    if key == "name" {
                        has_name = true;
                    }
                    kw.push((key.clone(), self.literal(file, value, *value_span, key)?));
                }
                if !has_name {
                    kw.insert(
                        0,
                        (
                            "name".to_string(),
                            Literal::Str(class.map(|c| c.name.to_lowercase()).unwrap_or_default()),
                        ),
                    );
                }
                return SqlType::from_python_call("Enum", &values, &kw)
                    .map_err(|error| file.python(span, error.python_class(), error.message()));
            }
        }
        let mut literals = Vec::new();
        for (value, value_span) in positional {
            literals.push(self.literal(file, value, *value_span, "a type argument")?);
        }
        let mut kw = Vec::new();
        for (key, value, value_span) in keywords {
            kw.push((key.clone(), self.literal(file, value, *value_span, key)?));
        }
        SqlType::from_python_call(&short, &literals, &kw).map_err(|error| match error {
            crate::ops::OpsError::Argument(message) => file.unsupported(span, message),
            other => file.python(span, other.python_class(), other.message()),
        })
    }

    fn server_default(
        &self,
        file: &FileContext,
        value: &Value,
        span: Span,
    ) -> Result<Option<ServerDefault>> {
        match value {
            Value::None => Ok(None),
            Value::Str(s) => Ok(Some(ServerDefault::Str(s.clone()))),
            Value::Text(t) => Ok(Some(ServerDefault::Text(t.clone()))),
            Value::SqlDefault(d) => Ok(Some(d.clone())),
            other => Err(file.unsupported(
                span,
                format!(
                    "server_default={} is not supported by the playground",
                    other.describe()
                ),
            )),
        }
    }

    fn column_target(&self, file: &FileContext, value: &Value, span: Span) -> Result<ColumnTarget> {
        match value {
            Value::Str(name) => Ok(ColumnTarget::Name(name.clone())),
            Value::LocalColumn(name) => Ok(ColumnTarget::Name(name.clone())),
            Value::ColumnRef(m, t, name) => Ok(ColumnTarget::Bound(*m, *t, name.clone())),
            other => Err(file.unsupported(span, format!("{} is not a column", other.describe()))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        file: &FileContext,
        callee: Value,
        positional: Vec<(Value, Span)>,
        keywords: Vec<(String, Value, Span)>,
        raw_keywords: &[Keyword],
        span: Span,
    ) -> Result<Value> {
        let _ = raw_keywords;
        let name = match &callee {
            Value::Lib(name) => name.clone(),
            Value::Base(_) | Value::Mapped(..) => {
                return Err(file.unsupported(
                    span,
                    "creating instances of mapped classes is not supported in models files",
                ))
            }
            other => {
                return Err(file.unsupported(
                    span,
                    format!(
                        "calling {} is not supported in models files",
                        other.describe()
                    ),
                ))
            }
        };
        let canonical_name = canonical(&name);
        let keyword = |key: &str| {
            keywords
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, s)| (v, *s))
        };
        let check_keywords = |allowed: &[&str], what: &str| -> Result<()> {
            for (key, _, key_span) in &keywords {
                if !allowed.contains(&key.as_str()) {
                    return Err(file.unsupported(
                        *key_span,
                        format!("{what}({key}=...) is not supported by the playground"),
                    ));
                }
            }
            Ok(())
        };
        match canonical_name.as_str() {
            "sa:Column" | "sa:mapped_column" => {
                let mapped = canonical_name == "sa:mapped_column";
                let mut spec = empty_column(span, mapped);
                let mut rest = positional.as_slice();
                if let Some((Value::Str(column_name), _)) = rest.first() {
                    spec.name = Some(column_name.clone());
                    rest = &rest[1..];
                }
                for (value, value_span) in rest {
                    match value {
                        Value::ForeignKey(fk) => spec.foreign_keys.push(fk.clone()),
                        Value::Type(_) | Value::Lib(_) => {
                            if spec.type_.is_some() {
                                return Err(
                                    file.unsupported(*value_span, "a column takes one type")
                                );
                            }
                            spec.type_ = Some(self.value_to_type(file, *value_span, value)?);
                        }
                        Value::EnumClass(_) => {
                            return Err(file
                                .unsupported(*value_span, "use Enum(MyEnum) as the column type"));
                        }
                        other => {
                            return Err(file.unsupported(
                                *value_span,
                                format!(
                                    "{} is not supported as a Column argument by the playground",
                                    other.describe()
                                ),
                            ));
                        }
                    }
                }
                check_keywords(
                    &[
                        "primary_key",
                        "nullable",
                        "unique",
                        "index",
                        "server_default",
                        "default",
                        "autoincrement",
                        "comment",
                        "name",
                        "type_",
                        "key",
                        "doc",
                        "info",
                        "init",
                        "repr",
                        "default_factory",
                        "kw_only",
                        "insert_default",
                        "onupdate",
                        "sort_order",
                    ],
                    if mapped { "mapped_column" } else { "Column" },
                )?;
                for (key, value, key_span) in &keywords {
                    match key.as_str() {
                        "primary_key" => {
                            spec.primary_key = self.bool_value(file, value, *key_span, key)?
                        }
                        "nullable" => {
                            spec.nullable = Some(self.bool_value(file, value, *key_span, key)?)
                        }
                        "unique" => {
                            spec.unique = Some(self.bool_value(file, value, *key_span, key)?)
                        }
                        "index" => spec.index = Some(self.bool_value(file, value, *key_span, key)?),
                        "server_default" => {
                            spec.server_default = self.server_default(file, value, *key_span)?
                        }
                        "autoincrement" => {
                            spec.autoincrement = match value {
                                Value::Str(s) if s == "auto" => None,
                                other => Some(self.bool_value(file, other, *key_span, key)?),
                            }
                        }
                        "comment" => spec.comment = self.opt_str(file, value, *key_span, key)?,
                        "name" => spec.name = self.opt_str(file, value, *key_span, key)?,
                        "type_" => spec.type_ = Some(self.value_to_type(file, *key_span, value)?),
                        "default" | "insert_default" => {
                            spec.default_repr = match value {
                                Value::None => None,
                                other => match other.to_literal() {
                                    Some(literal) => Some(format!(
                                        "ScalarElementColumnDefault({})",
                                        literal.python_repr()
                                    )),
                                    None => Some("CallableColumnDefault(<function>)".to_string()),
                                },
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Value::Column(Box::new(spec)))
            }
            "sa:ForeignKey" => {
                check_keywords(
                    &[
                        "ondelete",
                        "onupdate",
                        "name",
                        "deferrable",
                        "initially",
                        "match",
                        "use_alter",
                        "link_to_name",
                    ],
                    "ForeignKey",
                )?;
                let target = match positional.first() {
                    Some((Value::Str(target), _)) => target.clone(),
                    Some((Value::ColumnRef(m, t, column), _)) => {
                        let table_name = self
                            .metadatas
                            .get(*m)
                            .and_then(|meta| meta.tables.get(*t))
                            .map(|t| t.name.clone())
                            .unwrap_or_default();
                        format!("{table_name}.{column}")
                    }
                    _ => {
                        return Err(
                            file.unsupported(span, "ForeignKey() needs a 'table.column' string")
                        )
                    }
                };
                let get = |key: &str| -> Result<Option<String>> {
                    match keyword(key) {
                        Some((value, value_span)) => self.opt_str(file, value, value_span, key),
                        None => Ok(None),
                    }
                };
                Ok(Value::ForeignKey(ForeignKeySpec {
                    target,
                    name: get("name")?,
                    onupdate: get("onupdate")?,
                    ondelete: get("ondelete")?,
                    deferrable: match keyword("deferrable") {
                        Some((value, value_span)) => {
                            Some(self.bool_value(file, value, value_span, "deferrable")?)
                        }
                        None => None,
                    },
                    initially: get("initially")?,
                    match_: get("match")?,
                }))
            }
            "sa:UniqueConstraint" | "sa:PrimaryKeyConstraint" => {
                check_keywords(&["name", "deferrable", "initially"], short_name(&name))?;
                let mut columns = Vec::new();
                for (value, value_span) in &positional {
                    columns.push(self.column_target(file, value, *value_span)?);
                }
                let name_value = match keyword("name") {
                    Some((value, value_span)) => self.opt_str(file, value, value_span, "name")?,
                    None => None,
                };
                Ok(Value::Constraint(
                    if canonical_name == "sa:UniqueConstraint" {
                        ConstraintSpec::Unique {
                            name: name_value,
                            columns,
                        }
                    } else {
                        ConstraintSpec::PrimaryKey {
                            name: name_value,
                            columns,
                        }
                    },
                ))
            }
            "sa:CheckConstraint" => {
                check_keywords(&["name"], "CheckConstraint")?;
                let sqltext = match positional.first() {
                    Some((Value::Str(text), _)) | Some((Value::Text(text), _)) => text.clone(),
                    _ => {
                        return Err(
                            file.unsupported(span, "CheckConstraint() needs its SQL as a string")
                        )
                    }
                };
                let name_value = match keyword("name") {
                    Some((value, value_span)) => self.opt_str(file, value, value_span, "name")?,
                    None => None,
                };
                Ok(Value::Constraint(ConstraintSpec::Check {
                    name: name_value,
                    sqltext,
                }))
            }
            "sa:ForeignKeyConstraint" => {
                check_keywords(
                    &[
                        "name",
                        "ondelete",
                        "onupdate",
                        "deferrable",
                        "initially",
                        "match",
                    ],
                    "ForeignKeyConstraint",
                )?;
                let (Some((local, local_span)), Some((remote, remote_span))) =
                    (positional.first(), positional.get(1))
                else {
                    return Err(
                        file.unsupported(span, "ForeignKeyConstraint() needs two lists of columns")
                    );
                };
                let local_items = match local {
                    Value::List(items) | Value::Tuple(items) => items.clone(),
                    _ => {
                        return Err(file.unsupported(
                            *local_span,
                            "ForeignKeyConstraint() needs a list of columns",
                        ))
                    }
                };
                let remote_items = match remote {
                    Value::List(items) | Value::Tuple(items) => items.clone(),
                    _ => {
                        return Err(file.unsupported(
                            *remote_span,
                            "ForeignKeyConstraint() needs a list of referred columns",
                        ))
                    }
                };
                let mut columns = Vec::new();
                for item in &local_items {
                    columns.push(self.column_target(file, item, *local_span)?);
                }
                let mut refcolumns = Vec::new();
                for item in &remote_items {
                    refcolumns.push(self.str_value(
                        file,
                        item,
                        *remote_span,
                        "a referred column",
                    )?);
                }
                let get = |key: &str| -> Result<Option<String>> {
                    match keyword(key) {
                        Some((value, value_span)) => self.opt_str(file, value, value_span, key),
                        None => Ok(None),
                    }
                };
                Ok(Value::Constraint(ConstraintSpec::ForeignKey {
                    name: get("name")?,
                    columns,
                    refcolumns,
                    onupdate: get("onupdate")?,
                    ondelete: get("ondelete")?,
                    deferrable: match keyword("deferrable") {
                        Some((value, value_span)) => {
                            Some(self.bool_value(file, value, value_span, "deferrable")?)
                        }
                        None => None,
                    },
                    initially: get("initially")?,
                    match_: get("match")?,
                }))
            }
            "sa:Index" => {
                check_keywords(&["unique", "sqlite_where"], "Index")?;
                let mut iter = positional.iter();
                let index_name = match iter.next() {
                    Some((value, value_span)) => {
                        self.opt_str(file, value, *value_span, "the index name")?
                    }
                    None => return Err(file.unsupported(span, "Index() needs a name")),
                };
                let mut columns = Vec::new();
                for (value, value_span) in iter {
                    columns.push(self.column_target(file, value, *value_span)?);
                }
                let unique = match keyword("unique") {
                    Some((value, value_span)) => {
                        self.bool_value(file, value, value_span, "unique")?
                    }
                    None => false,
                };
                let sqlite_where = match keyword("sqlite_where") {
                    Some((Value::Text(text), _)) => Some(text.clone()),
                    Some((_, value_span)) => {
                        return Err(file.unsupported(value_span, "sqlite_where= needs text(...)"))
                    }
                    None => None,
                };
                Ok(Value::Index(IndexSpec {
                    name: index_name,
                    columns,
                    unique,
                    sqlite_where,
                }))
            }
            "sa:MetaData" => {
                check_keywords(&["naming_convention"], "MetaData")?;
                let naming = match keyword("naming_convention") {
                    Some((Value::Dict(entries), value_span)) => {
                        let mut naming = Vec::new();
                        for (key, value) in entries {
                            let key =
                                self.str_value(file, key, value_span, "a naming convention key")?;
                            let value =
                                self.str_value(file, value, value_span, "a naming convention")?;
                            naming.push((key, value));
                        }
                        Some(naming)
                    }
                    Some((_, value_span)) => {
                        return Err(file.unsupported(
                            value_span,
                            "naming_convention must be a dict of strings",
                        ))
                    }
                    None => None,
                };
                if !positional.is_empty() {
                    return Err(
                        file.unsupported(span, "MetaData() takes no positional arguments here")
                    );
                }
                Ok(Value::MetaData(match naming {
                    Some(naming) => self.new_metadata(naming, false),
                    None => self.new_metadata(Vec::new(), true),
                }))
            }
            "sa:declarative_base" => {
                check_keywords(&["metadata"], "declarative_base")?;
                let metadata = match keyword("metadata") {
                    Some((Value::MetaData(id), _)) => *id,
                    Some((_, value_span)) => {
                        return Err(file.unsupported(value_span, "metadata= must be a MetaData"))
                    }
                    None => self.new_metadata(Vec::new(), true),
                };
                self.bases.push(BaseObject {
                    metadata,
                    type_annotation_map: Vec::new(),
                });
                Ok(Value::Base(self.bases.len() - 1))
            }
            "sa:Table" => {
                let mut iter = positional.into_iter();
                let table_name = match iter.next() {
                    Some((Value::Str(table_name), _)) => table_name,
                    _ => return Err(file.unsupported(span, "Table() needs a name")),
                };
                let metadata = match iter.next() {
                    Some((Value::MetaData(id), _)) => id,
                    Some((_, value_span)) => {
                        return Err(file.unsupported(
                            value_span,
                            "the second argument of Table() must be a MetaData",
                        ))
                    }
                    None => return Err(file.unsupported(span, "Table() needs a MetaData")),
                };
                check_keywords(
                    &["comment", "extend_existing", "keep_existing", "info"],
                    "Table",
                )?;
                let mut columns = Vec::new();
                let mut items = Vec::new();
                for (value, value_span) in iter {
                    match value {
                        Value::Column(spec) => {
                            if !items.is_empty() {
                                return Err(file.unsupported(value_span, "columns after constraints in Table() are not supported by the playground"));
                            }
                            let Some(column_name) = spec.name.clone() else {
                                return Err(file.python(value_span, "sqlalchemy.exc.ArgumentError", "Column must be constructed with a non-blank name or assign a non-blank .name before adding to a Table."));
                            };
                            columns.push((column_name, *spec));
                        }
                        other => items.push((other, value_span)),
                    }
                }
                let table_id = self.create_table(file, span, metadata, &table_name, columns)?;
                for (item, item_span) in items {
                    self.add_table_item(file, item_span, metadata, table_id, item, &[])?;
                }
                if let Some((value, value_span)) = keyword("comment") {
                    let comment = self.opt_str(file, value, value_span, "comment")?;
                    if let Some(t) = self.table_mut(metadata, table_id) {
                        t.comment = comment;
                    }
                }
                self.finish_table(metadata, table_id);
                Ok(Value::Table(metadata, table_id))
            }
            "sa:text" => match positional.first() {
                Some((Value::Str(text), _)) if positional.len() == 1 && keywords.is_empty() => {
                    Ok(Value::Text(text.clone()))
                }
                _ => Err(file.unsupported(span, "text() needs one string")),
            },
            "sa:func.now" | "sa:now" => Ok(Value::SqlDefault(ServerDefault::FuncNow)),
            "sa:true" => Ok(Value::SqlDefault(ServerDefault::True)),
            "sa:false" => Ok(Value::SqlDefault(ServerDefault::False)),
            "sa:relationship"
            | "sa:backref"
            | "sa:column_property"
            | "sa:deferred"
            | "sa:synonym"
            | "sa:association_proxy"
            | "sa:composite"
            | "sa:declared_attr" => Ok(Value::OrmOnly(short_name(&name).to_string())),
            _ => {
                if name.starts_with("sqlalchemy.func.") || name.contains(".func.") {
                    let function = short_name(&name);
                    if function == "now" || function == "current_timestamp" {
                        return Ok(Value::SqlDefault(ServerDefault::FuncNow));
                    }
                    return Err(file.unsupported(
                        span,
                        format!("func.{function}() is not supported by the playground"),
                    ));
                }
                if canonical_name.starts_with("sa:") || canonical_name.starts_with("sqlite:") {
                    let sql_type = self.type_call(file, span, &name, &positional, &keywords)?;
                    return Ok(Value::Type(sql_type));
                }
                Err(file.unsupported(
                    span,
                    format!("calling '{name}' is not supported in models files by the playground"),
                ))
            }
        }
    }
}

fn looks_like_project_import(module: &str) -> bool {
    module.ends_with("models") || module.ends_with("model") || module.contains("models.")
}

fn relative(_root: &str, dotted: &str, package: bool) -> String {
    let path = dotted.replace('.', "/");
    if package {
        format!("{path}/__init__.py")
    } else {
        format!("{path}.py")
    }
}

fn targets_name(targets: &[Expr]) -> Option<String> {
    match targets {
        [target] => target.as_name().map(str::to_string),
        _ => None,
    }
}

fn empty_column(span: Span, mapped: bool) -> ColumnSpec {
    ColumnSpec {
        name: None,
        type_: None,
        foreign_keys: Vec::new(),
        primary_key: false,
        nullable: None,
        unique: None,
        index: None,
        server_default: None,
        autoincrement: None,
        comment: None,
        default_repr: None,
        mapped,
        span,
    }
}

fn split_target(target: &str) -> (String, String) {
    match target.rsplit_once('.') {
        Some((table, column)) => (
            table.rsplit('.').next().unwrap_or(table).to_string(),
            column.to_string(),
        ),
        None => (target.to_string(), String::new()),
    }
}

fn describe_annotation(value: &Value) -> String {
    match value {
        Value::Lib(name) => short_name(name).to_string(),
        Value::Str(text) => format!("'{text}'"),
        Value::Generic(name) => name.split(':').next_back().unwrap_or(name).to_string(),
        other => other.describe(),
    }
}

fn describe_key(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("'{s}'"),
        other => other.describe(),
    }
}

/// Moves every span of an expression parsed from a string annotation onto the annotation.
fn relocate(mut expr: Expr, span: Span) -> Expr {
    fn walk(expr: &mut Expr, span: Span) {
        expr.span = span;
        match &mut expr.kind {
            ExprKind::Attribute { value, .. } => walk(value, span),
            ExprKind::Subscript { value, index } => {
                walk(value, span);
                walk(index, span);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for item in items {
                    walk(item, span);
                }
            }
            ExprKind::BinOp { left, right, .. } => {
                walk(left, span);
                walk(right, span);
            }
            ExprKind::Call { func, args, .. } => {
                walk(func, span);
                for arg in args {
                    walk(arg, span);
                }
            }
            _ => {}
        }
    }
    walk(&mut expr, span);
    expr
}
