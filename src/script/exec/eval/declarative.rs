//! Declarative mapping as SQLAlchemy 2.1 does it when a class statement runs: a declarative
//! base (`declarative_base()`, `class Base(DeclarativeBase)`) owns a `MetaData`; a class
//! deriving from it with a `__tablename__` becomes a `Table` in that metadata — its
//! `Column` / `mapped_column()` attributes and `Mapped[...]` annotations, in the order
//! `merge_lists_w_ordering(vars(cls), cls.__annotations__)` gives (then its mixins'
//! columns), with `__table_args__`.
//!
//! `Mapped[...]` annotations are read as SQLAlchemy reads them: `Optional[X]`, `X | None`,
//! `Union[X, None]` make the column nullable, `X` picks the type from the base's
//! `type_annotation_map`, then SQLAlchemy's default map (`int` → `Integer`, an `enum.Enum`
//! class → `Enum(...)` of its member names...).

use std::collections::HashMap;

use crate::ops::{SqlType, Table, TypeClass};
use crate::python::{BinaryOperator, ClassDef, Constant, Expr, ExprKind, Span, StmtKind};

use super::super::args::{Arg, KwArg};
use super::super::schema_calls;
use super::super::value::Value;
use super::objects::ClassObject;
use super::{EvalResult, Evaluator};

/// Library classes that start a declarative hierarchy (their direct subclass is the base).
const DECLARATIVE_ROOTS: &[&str] = &["DeclarativeBase", "DeclarativeBaseNoMeta"];

/// SQLAlchemy's `MetaData.naming_convention` default.
pub(in crate::script::exec) fn default_naming_convention() -> Vec<(String, String)> {
    vec![("ix".to_string(), "ix_%(column_0_label)s".to_string())]
}

/// One `Mapped[...]` annotation: the Python type it names and whether it admits `None`.
struct Annotation {
    python_type: Option<Value>,
    optional: bool,
}

impl<'a> Evaluator<'a> {
    /// `declarative_base(metadata=None, cls=object, name='Base', type_annotation_map=None)`:
    /// a base class owning its `MetaData`.
    pub(in crate::script::exec) fn make_declarative_base(
        &mut self,
        keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<Value> {
        let mut namespace = HashMap::new();
        let mut bases = vec![Value::Foreign("sqlalchemy.orm.DeclarativeBase".to_string())];
        let mut name = "Base".to_string();
        for keyword in keywords {
            match (keyword.name.as_str(), keyword.value) {
                ("metadata", value @ Value::MetaData(_)) => {
                    namespace.insert("metadata".to_string(), value);
                }
                ("type_annotation_map", value @ Value::Dict(_)) => {
                    namespace.insert("type_annotation_map".to_string(), value);
                }
                ("cls", value @ Value::Class(_)) => bases.insert(0, value),
                ("name", Value::Str(text)) => name = text,
                ("metadata" | "type_annotation_map" | "cls" | "name", Value::None)
                | ("metaclass" | "mapper" | "class_registry" | "constructor", _) => {}
                (other, _) => {
                    return Err(self.unsupported(
                        keyword.span,
                        format!("the playground does not support declarative_base({other}=...)"),
                    ))
                }
            }
        }
        if !namespace.contains_key("metadata") {
            let metadata = self.new_metadata(default_naming_convention());
            namespace.insert("metadata".to_string(), metadata);
        }
        self.check_class_count(span)?;
        self.classes.push(ClassObject {
            name,
            bases,
            namespace,
            order: Vec::new(),
        });
        Ok(Value::Class(self.classes.len() as u32 - 1))
    }

    /// After a class body ran: a declarative base gets its `MetaData`, a mapped class its
    /// `Table` in its base's metadata.
    pub(in crate::script::exec) fn declare(
        &mut self,
        class: u32,
        definition: &'a ClassDef,
        span: Span,
    ) -> EvalResult<()> {
        self.class_definitions.insert(class, definition);
        let Some(object) = self.classes.get(class as usize) else {
            return Ok(());
        };
        let root = object
            .bases
            .iter()
            .any(|base| DECLARATIVE_ROOTS.contains(&library_name(base)));
        if root {
            if !object.namespace.contains_key("metadata") {
                let metadata = self.new_metadata(default_naming_convention());
                self.classes[class as usize]
                    .namespace
                    .insert("metadata".to_string(), metadata);
            }
            return Ok(());
        }
        let own = |name: &str| object.namespace.get(name).cloned();
        if matches!(own("__abstract__"), Some(Value::Bool(true))) || own("__table__").is_some() {
            return Ok(());
        }
        let Some(Value::MetaData(metadata)) = self.class_lookup(class, "metadata") else {
            return Ok(());
        };
        let table_name = match self.mixin_attribute(class, "__tablename__", span)? {
            Some(Value::Str(name)) => name,
            None | Some(Value::None) => {
                // SQLAlchemy would add these columns to a mapped parent's table (single-table
                // inheritance): not modelled, so not silently dropped either
                let declares_columns = self.classes[class as usize]
                    .namespace
                    .values()
                    .any(|value| value.as_column().is_some());
                if declares_columns {
                    return Err(self.unsupported(
                        span,
                        format!(
                            "class {} declares columns without a __tablename__ (single-table inheritance is not supported by the playground)",
                            definition.name
                        ),
                    ));
                }
                return Ok(());
            }
            Some(other) => {
                return Err(self.unsupported(
                    span,
                    format!(
                        "the playground cannot read the __tablename__ of class {}: it is {}",
                        definition.name,
                        other.kind_name()
                    ),
                ))
            }
        };
        let table_args = self.mixin_attribute(class, "__table_args__", span)?;
        let columns = self.declared_columns(class)?;
        let mut table = Table::new(&table_name, Vec::new());
        let keys: Vec<(String, String)> = columns
            .iter()
            .map(|(key, column)| (key.clone(), column.name.clone()))
            .collect();
        for (_, column) in columns {
            if table.column(&column.name).is_some() {
                return Err(self.python(
                    span,
                    "sqlalchemy.exc.DuplicateColumnError",
                    format!(
                        "A column with name '{}' is already present in table '{table_name}'.",
                        column.name
                    ),
                ));
            }
            table.columns.push(column);
        }
        if let Some(args) = table_args {
            let (items, options) = match args {
                Value::Tuple(mut items) | Value::List(mut items) => {
                    let options = match items.last() {
                        Some(Value::Dict(_)) => items.pop(),
                        _ => None,
                    };
                    (items, options)
                }
                dict @ Value::Dict(_) => (Vec::new(), Some(dict)),
                other => {
                    return Err(self.python(
                        span,
                        "sqlalchemy.exc.ArgumentError",
                        format!(
                            "__table_args__ value must be a tuple, dict, or None, not {}",
                            other.kind_name()
                        ),
                    ))
                }
            };
            let items = items.into_iter().map(|value| Arg { value, span }).collect();
            schema_calls::add_table_items(self, &mut table, items)?;
            if let Some(Value::Dict(entries)) = options {
                let mut keywords = Vec::new();
                for (key, value) in entries {
                    let Value::Str(name) = key else {
                        return Err(self.unsupported(span, "__table_args__ keys must be strings"));
                    };
                    keywords.push(KwArg { name, value, span });
                }
                schema_calls::table_keywords(self, &mut table, keywords, "__table_args__")?;
            }
        }
        let state = &mut self.metadatas[metadata as usize];
        if state.tables.iter().any(|t| t.name == table_name) {
            return Err(self.python(
                span,
                "sqlalchemy.exc.InvalidRequestError",
                format!("Table '{table_name}' is already defined for this MetaData instance.  Specify 'extend_existing=True' to redefine options and columns on an existing Table object."),
            ));
        }
        state.tables.push(table);
        self.declared_tables
            .insert(class, (metadata, table_name, keys));
        Ok(())
    }

    /// The table a declared class maps: its columns by attribute key.
    pub(in crate::script::exec) fn declared_table(
        &self,
        class: u32,
    ) -> Option<(String, Vec<(String, crate::ops::Column)>)> {
        let (metadata, name, keys) = self.declared_tables.get(&class)?;
        let table = self
            .metadatas
            .get(*metadata as usize)?
            .tables
            .iter()
            .find(|t| t.name == *name)?;
        let columns = keys
            .iter()
            .filter_map(|(key, column)| Some((key.clone(), table.column(column)?.clone())))
            .collect();
        Some((name.clone(), columns))
    }

    /// The classes declarative reads a mapped class from: the class, then its mixins depth
    /// first — not a mapped parent nor what is above it (that is inheritance).
    fn declarative_lineage(&self, class: u32) -> Vec<u32> {
        self.lineage_skipping(class, |base| self.declared_tables.contains_key(&base))
    }

    /// A class attribute as declarative reads it: the class's own, else a mixin's; a
    /// `@declared_attr` is called with the class.
    fn mixin_attribute(&mut self, class: u32, name: &str, span: Span) -> EvalResult<Option<Value>> {
        let found = self
            .declarative_lineage(class)
            .into_iter()
            .find_map(|id| self.classes[id as usize].namespace.get(name).cloned());
        match found {
            Some(Value::UserFunction(function))
                if self.function_kind(function) == super::FunctionKind::DeclaredAttr =>
            {
                self.call_method(function, Value::Class(class), Vec::new(), Vec::new(), span)
                    .map(Some)
            }
            other => Ok(other),
        }
    }

    /// The columns of a mapped class by attribute key: the class's own in declaration order
    /// (`merge_lists_w_ordering` of its assignments and annotations), then its mixins'.
    fn declared_columns(&mut self, class: u32) -> EvalResult<Vec<(String, crate::ops::Column)>> {
        let mut columns = Vec::new();
        for id in self.declarative_lineage(class) {
            let Some(definition) = self.class_definitions.get(&id).copied() else {
                continue;
            };
            for (key, column) in self.class_columns(class, id, definition)? {
                if !columns.iter().any(|(k, _)| *k == key) {
                    columns.push((key, column));
                }
            }
        }
        Ok(columns)
    }

    /// The columns one class body declares, in SQLAlchemy's order.
    fn class_columns(
        &mut self,
        mapped: u32,
        class: u32,
        definition: &'a ClassDef,
    ) -> EvalResult<Vec<(String, crate::ops::Column)>> {
        let mut assigned: Vec<String> = Vec::new();
        let mut annotations: Vec<(String, &'a Expr)> = Vec::new();
        for statement in &definition.body {
            let name = match &statement.kind {
                StmtKind::Assign { targets, .. } => targets.first().and_then(|t| t.as_name()),
                StmtKind::AnnAssign {
                    target,
                    annotation,
                    value,
                    ..
                } => {
                    if let Some(name) = target.as_name() {
                        annotations.push((name.to_string(), annotation));
                    }
                    value.as_ref().and(target.as_name())
                }
                StmtKind::FunctionDef(function) => Some(function.name.as_str()),
                StmtKind::ClassDef(nested) => Some(nested.name.as_str()),
                _ => None,
            };
            if let Some(name) = name {
                if !assigned.iter().any(|a| a == name) {
                    assigned.push(name.to_string());
                }
            }
        }
        let annotated: Vec<String> = annotations.iter().map(|(n, _)| n.clone()).collect();
        let mut out = Vec::new();
        for key in merge_lists_w_ordering(&assigned, &annotated) {
            if key.starts_with("__") {
                continue;
            }
            let mut value = self.classes[class as usize].namespace.get(&key).cloned();
            if let Some(Value::UserFunction(function)) = value {
                if self.function_kind(function) == super::FunctionKind::DeclaredAttr {
                    let span = definition.body.first().map(|s| s.span).unwrap_or_default();
                    value = Some(self.call_method(
                        function,
                        Value::Class(mapped),
                        Vec::new(),
                        Vec::new(),
                        span,
                    )?);
                }
            }
            let annotation = annotations.iter().find(|(n, _)| *n == key).map(|(_, a)| *a);
            let mut column = match value {
                Some(Value::Column(column)) => *column,
                Some(Value::MappedColumn(column)) => {
                    let mut column = *column;
                    if let Some(annotation) = annotation {
                        self.apply_annotation(class, &mut column, annotation)?;
                    }
                    column
                }
                Some(_) => continue,
                None => {
                    let Some(annotation) = annotation else {
                        continue;
                    };
                    let mut column = crate::ops::Column::new("", SqlType::new(TypeClass::NullType));
                    if !self.apply_annotation(class, &mut column, annotation)? {
                        continue;
                    }
                    column
                }
            };
            if column.name.is_empty() {
                column.name = key.clone();
            }
            out.push((key, column));
        }
        Ok(out)
    }

    /// Completes a `mapped_column()` from its `Mapped[...]` annotation; false when the
    /// annotation is not `Mapped[...]`.
    fn apply_annotation(
        &mut self,
        class: u32,
        column: &mut crate::ops::Column,
        annotation: &Expr,
    ) -> EvalResult<bool> {
        let Some(found) = self.read_annotation(annotation, 0) else {
            return Ok(false);
        };
        if column.type_.class == TypeClass::NullType {
            let mapped = found.python_type.as_ref().and_then(|python_type| {
                self.annotation_map_type(class, python_type)
                    .or_else(|| self.default_annotation_type(python_type))
            });
            match mapped {
                Some(sql_type) => column.type_ = sql_type,
                None if !column.foreign_keys.is_empty() => {}
                None => {
                    return Err(self.unsupported(
                        annotation.span,
                        format!(
                            "the playground cannot find the SQL type for Mapped[{}]; give mapped_column() a type",
                            describe_annotation(annotation)
                        ),
                    ))
                }
            }
        }
        if column.nullable.is_none() && !column.primary_key {
            column.nullable = Some(found.optional);
        }
        Ok(true)
    }

    /// `Mapped[X]` → `X` (and whether it is optional); `None` for another annotation.
    fn read_annotation(&mut self, annotation: &Expr, depth: u32) -> Option<Annotation> {
        if let Some(text) = annotation.as_str_constant() {
            let parsed = crate::python::parse_expression(text).ok()?;
            return (depth < 5)
                .then(|| self.read_annotation(&parsed, depth + 1))
                .flatten();
        }
        let ExprKind::Subscript { value, index } = &annotation.kind else {
            return None;
        };
        let head = self.annotation_value(value)?;
        if library_name(&head) != "Mapped" {
            return None;
        }
        let (inner, optional) = self.strip_optional(index, 0);
        Some(Annotation {
            python_type: inner,
            optional,
        })
    }

    /// `Optional[X]`, `X | None`, `Union[X, None]` → (the value of `X`, true).
    fn strip_optional(&mut self, expr: &Expr, depth: u32) -> (Option<Value>, bool) {
        if depth > 10 {
            return (None, false);
        }
        if let Some(text) = expr.as_str_constant() {
            return match crate::python::parse_expression(text) {
                Ok(parsed) => self.strip_optional(&parsed, depth + 1),
                Err(_) => (None, false),
            };
        }
        match &expr.kind {
            ExprKind::BinOp {
                left,
                operator: BinaryOperator::BitOr,
                right,
            } => {
                let is_none = |e: &Expr| matches!(e.kind, ExprKind::Constant(Constant::None));
                match (is_none(left), is_none(right)) {
                    (false, true) => (self.annotation_value(left), true),
                    (true, false) => (self.annotation_value(right), true),
                    _ => (None, false),
                }
            }
            ExprKind::Subscript { value, index } => {
                let head = self.annotation_value(value);
                match (head.as_ref().map(library_name).unwrap_or(""), &index.kind) {
                    ("Optional", _) => (self.annotation_value(index), true),
                    ("Union", ExprKind::Tuple(items)) => {
                        let rest: Vec<&Expr> = items
                            .iter()
                            .filter(|e| !matches!(e.kind, ExprKind::Constant(Constant::None)))
                            .collect();
                        match rest.as_slice() {
                            [one] if rest.len() < items.len() => (self.annotation_value(one), true),
                            [one] => (self.annotation_value(one), false),
                            _ => (None, false),
                        }
                    }
                    _ => (self.annotation_value(expr), false),
                }
            }
            _ => (self.annotation_value(expr), false),
        }
    }

    /// The value of a name or dotted name in an annotation (`None` for anything else, or a
    /// name that is not bound).
    fn annotation_value(&mut self, expr: &Expr) -> Option<Value> {
        match &expr.kind {
            ExprKind::Name(name) => match self.lookup(name, expr.span) {
                Ok(value) => Some(value),
                // a builtin type the interpreter has no function for
                Err(_) => Some(Value::Foreign(name.clone())),
            },
            ExprKind::Attribute { value, attr } => {
                let value = self.annotation_value(value)?;
                self.attribute(value, attr, expr.span).ok()
            }
            ExprKind::Constant(Constant::Str(text)) => {
                let parsed = crate::python::parse_expression(text).ok()?;
                matches!(parsed.kind, ExprKind::Name(_) | ExprKind::Attribute { .. })
                    .then(|| self.annotation_value(&parsed))
                    .flatten()
            }
            _ => None,
        }
    }

    /// The type the base's `type_annotation_map` gives a Python type.
    fn annotation_map_type(&mut self, class: u32, python_type: &Value) -> Option<SqlType> {
        let Some(Value::Dict(entries)) = self.class_lookup(class, "type_annotation_map") else {
            return None;
        };
        let (_, mapped) = entries
            .into_iter()
            .find(|(key, _)| same_type(key, python_type))?;
        match mapped {
            Value::Type(sql_type) => Some(sql_type),
            Value::TypeClass(name) => SqlType::from_python_call(&name, &[], &[]).ok(),
            _ => None,
        }
    }

    /// SQLAlchemy's default `type_annotation_map`.
    fn default_annotation_type(&mut self, python_type: &Value) -> Option<SqlType> {
        let class = match python_type {
            Value::Builtin(name) => match *name {
                "int" => TypeClass::Integer,
                "str" => TypeClass::String,
                "bool" => TypeClass::Boolean,
                "float" => TypeClass::Double,
                _ => return None,
            },
            Value::Foreign(name) => match name.as_str() {
                "datetime.datetime" => TypeClass::DateTime,
                "datetime.date" => TypeClass::Date,
                "datetime.time" => TypeClass::Time,
                "datetime.timedelta" => TypeClass::Interval,
                "decimal.Decimal" => TypeClass::Numeric,
                "bytes" => TypeClass::LargeBinary,
                "uuid.UUID" => TypeClass::Uuid,
                _ => return None,
            },
            // what `sa.Enum(PythonEnumClass)` makes
            Value::Class(class)
                if self.derives_from(*class, &["Enum", "IntEnum", "StrEnum"], false) =>
            {
                let arg = Arg {
                    value: python_type.clone(),
                    span: Span::default(),
                };
                let call =
                    super::super::args::Call::new("Enum", vec![arg], Vec::new(), Span::default());
                return match schema_calls::type_call(self, call) {
                    Ok(Value::Type(sql_type)) => Some(sql_type),
                    _ => None,
                };
            }
            _ => return None,
        };
        Some(SqlType::new(class))
    }

    /// A new `MetaData` with this naming convention.
    pub(in crate::script::exec) fn new_metadata(
        &mut self,
        naming_convention: Vec<(String, String)>,
    ) -> Value {
        self.metadatas.push(super::super::metadata::MetaDataState {
            tables: Vec::new(),
            naming_convention,
        });
        Value::MetaData(self.metadatas.len() as u32 - 1)
    }
}

/// The last part of a library name (`Mapped` for `sqlalchemy.orm.Mapped`); empty for a
/// value that is not a library's.
fn library_name(value: &Value) -> &str {
    match value {
        Value::Foreign(name) | Value::Module(name) => name.rsplit('.').next().unwrap_or(name),
        _ => "",
    }
}

/// The annotation as written, for messages (`dict`, `Optional[str]`).
fn describe_annotation(annotation: &Expr) -> String {
    fn inner(expr: &Expr) -> Option<&Expr> {
        match &expr.kind {
            ExprKind::Subscript { index, .. } => Some(index),
            _ => None,
        }
    }
    fn text(expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Name(name) => name.clone(),
            ExprKind::Attribute { value, attr } => format!("{}.{attr}", text(value)),
            ExprKind::Subscript { value, index } => format!("{}[{}]", text(value), text(index)),
            ExprKind::Constant(Constant::Str(s)) => s.clone(),
            ExprKind::Constant(Constant::None) => "None".to_string(),
            ExprKind::BinOp { left, right, .. } => format!("{} | {}", text(left), text(right)),
            ExprKind::Tuple(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
            _ => "...".to_string(),
        }
    }
    text(inner(annotation).unwrap_or(annotation))
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

/// Whether two values name the same Python type (a `type_annotation_map` key).
fn same_type(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        (Value::Foreign(x), Value::Foreign(y)) | (Value::TypeClass(x), Value::TypeClass(y)) => {
            x == y
        }
        (Value::Class(x), Value::Class(y)) => x == y,
        _ => a.python_eq(b) == Some(true),
    }
}
