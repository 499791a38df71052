//! Modules, classes and instances: the project's own modules run when first imported, `class`
//! statements build class objects (their bodies run once, as Python runs them), and calling a
//! class makes an instance, with `__init__`, methods, `super()` and attributes set on `self`.
//!
//! Classes and instances are handles into the evaluator (Python's reference semantics:
//! `self.impl = x` changes the one object every name refers to). A class may derive from a
//! library class the playground does not model (`TypeDecorator`, a declarative `Base`,
//! `enum.Enum`): that base is kept by name. A `TypeDecorator` (or any class derived from a
//! SQLAlchemy type) used as a column type becomes the type SQLAlchemy compiles on SQLite:
//! what its `load_dialect_impl(dialect)` returns, else its `impl`.

use std::collections::HashMap;

use crate::ops::SqlType;
use crate::python::{ClassDef, Span, Stmt, StmtKind};

use super::super::args::{Arg, KwArg};
use super::super::modules::absolute;
use super::super::value::Value;
use super::super::{names, schema_calls};
use super::{EvalResult, Evaluator, Frame, FunctionKind, MAX_CALL_DEPTH, MAX_FUNCTIONS};

/// A class: its bases (classes of the program, or library classes by name) and the names its
/// body bound.
pub(in crate::script::exec) struct ClassObject {
    pub name: String,
    pub bases: Vec<Value>,
    pub namespace: HashMap<String, Value>,
    /// the names the body assigned, in order (a mapped class's columns follow it)
    pub order: Vec<String>,
}

/// An instance: its class, the attributes set on it, and the arguments it was made with
/// (a `TypeDecorator` passes them to its `impl`).
pub(in crate::script::exec) struct Instance {
    pub class: u32,
    pub attrs: HashMap<String, Value>,
    pub args: Vec<Arg>,
    pub keywords: Vec<KwArg>,
}

/// Library classes a user-defined SQLAlchemy type derives from.
const TYPE_BASES: &[&str] = &["TypeDecorator", "UserDefinedType", "TypeEngine"];

/// Attributes a library base class gives its subclasses (a declarative base's, a type's),
/// opaque here; any other name missing from a class is Python's AttributeError.
const LIBRARY_ATTRIBUTES: &[&str] = &[
    "metadata",
    "__table__",
    "__mapper__",
    "registry",
    "query",
    "impl",
    "cache_ok",
    "value",
    "name",
];

/// How deep class hierarchies and `impl` chains are followed.
const MAX_HIERARCHY: usize = 50;

/// What an import statement binds to one name, before anything runs.
pub(in crate::script::exec) enum Imported {
    Value(Value),
    /// `from <project module> import <name>`
    From(u32, String),
}

impl<'a> Evaluator<'a> {
    // ------------------------------------------------------------ modules

    /// The package relative imports of the code running now start from.
    fn current_package(&self) -> Option<String> {
        let module = self.modules.modules.get(self.current_module? as usize)?;
        Some(if module.package {
            module.name.clone()
        } else {
            module
                .name
                .rsplit_once('.')
                .map(|(parent, _)| parent.to_string())
                .unwrap_or_default()
        })
    }

    fn project_module(&self, name: &str) -> Option<Value> {
        self.modules
            .find(name)
            .map(|index| Value::ProjectModule(index as u32))
    }

    /// The names an import statement binds: project modules as such, everything else as
    /// `names` models it.
    pub(in crate::script::exec) fn import_bindings(
        &self,
        statement: &Stmt,
    ) -> Vec<(String, Imported)> {
        let mut out = Vec::new();
        match &statement.kind {
            StmtKind::Import { names: aliases } => {
                for alias in aliases {
                    let (bound, path) = match &alias.asname {
                        Some(asname) => (asname.clone(), alias.name.as_str()),
                        None => {
                            let top = alias.name.split('.').next().unwrap_or(&alias.name);
                            (top.to_string(), top)
                        }
                    };
                    let value = self
                        .project_module(path)
                        .unwrap_or_else(|| names::module_value(path));
                    out.push((bound, Imported::Value(value)));
                }
            }
            StmtKind::ImportFrom {
                module,
                names: imported,
                level,
            } => {
                let absolute_name = match self.current_package() {
                    Some(package) => absolute(&package, *level, module.as_deref()),
                    None if *level == 0 => module.clone(),
                    None => None,
                };
                let project = absolute_name
                    .as_deref()
                    .and_then(|name| self.modules.find(name));
                let fallback = match (level, module) {
                    (0, Some(m)) => m.clone(),
                    (_, m) => format!(".{}", m.clone().unwrap_or_default()),
                };
                for alias in imported {
                    if alias.name == "*" {
                        continue;
                    }
                    let bound = alias.asname.clone().unwrap_or_else(|| alias.name.clone());
                    let value = match project {
                        Some(index) => Imported::From(index as u32, alias.name.clone()),
                        None => Imported::Value(names::import_from(&fallback, &alias.name)),
                    };
                    out.push((bound, value));
                }
            }
            _ => {}
        }
        out
    }

    /// Python's `ModuleNotFoundError` for an import statement of a module that is neither a
    /// library nor the project's (`None` when everything it names can be imported).
    pub(in crate::script::exec) fn missing_import(
        &self,
        statement: &Stmt,
    ) -> Option<super::super::ExecError> {
        let package = self.current_package();
        let missing = self.modules.missing_import(statement, package.as_deref())?;
        Some(self.python(
            statement.span,
            "ModuleNotFoundError",
            format!("No module named '{missing}'"),
        ))
    }

    /// The value of an import binding, running the module it comes from if needed.
    pub(in crate::script::exec) fn resolve_import(
        &mut self,
        imported: Imported,
        span: Span,
    ) -> EvalResult<Value> {
        match imported {
            Imported::Value(value) => Ok(value),
            Imported::From(module, name) => {
                self.load_module(module, span)?;
                if let Some(value) = self.module_globals[module as usize].get(&name) {
                    return Ok(value.clone());
                }
                let dotted = format!("{}.{name}", self.modules.modules[module as usize].name);
                if let Some(Value::ProjectModule(sub)) = self.project_module(&dotted) {
                    self.load_module(sub, span)?;
                    return Ok(Value::ProjectModule(sub));
                }
                let found = &self.modules.modules[module as usize];
                let partly = if self.module_state[module as usize] == LOADING {
                    " (most likely due to a circular import)"
                } else {
                    ""
                };
                Err(self.python(
                    span,
                    "ImportError",
                    format!(
                        "cannot import name '{name}' from '{}'{partly} ({})",
                        found.name, found.path
                    ),
                ))
            }
        }
    }

    /// Runs a project module's body, once per run (its package first).
    pub(in crate::script::exec) fn load_module(
        &mut self,
        index: u32,
        span: Span,
    ) -> EvalResult<()> {
        let i = index as usize;
        if self.module_state[i] != NOT_LOADED {
            return Ok(());
        }
        let modules = self.modules;
        let module = &modules.modules[i];
        let parent = module
            .name
            .rsplit_once('.')
            .and_then(|(parent, last)| Some((modules.find(parent)?, last)));
        if let Some((parent, _)) = parent {
            self.load_module(parent as u32, span)?;
        }
        let body = match &module.parsed {
            Ok(parsed) => &parsed.body,
            Err(error) => {
                return Err(super::super::ExecError::Python {
                    exception: error.kind.python_name().to_string(),
                    message: error.message.clone(),
                    path: module.path.clone(),
                    line: error.line,
                    source_line: super::super::source_line(&module.source, error.line),
                })
            }
        };
        // nested imports deepen the evaluator's own stack, as calls do
        if self.call_depth >= MAX_CALL_DEPTH {
            return Err(self.python(span, "RecursionError", "maximum recursion depth exceeded"));
        }
        self.module_state[i] = LOADING;
        self.module_globals[i].insert("__name__".to_string(), Value::Str(module.name.clone()));
        let saved = self.enter(Frame::Module, Some(index), true);
        self.call_depth += 1;
        let result = self.exec_block(body);
        self.call_depth -= 1;
        self.leave(saved);
        if let Err(error) = result {
            self.module_state[i] = NOT_LOADED;
            return Err(error);
        }
        self.module_state[i] = LOADED;
        if let Some((parent, last)) = parent {
            self.module_globals[parent]
                .entry(last.to_string())
                .or_insert(Value::ProjectModule(index));
        }
        Ok(())
    }

    /// `module.name`: a name the module bound, or a submodule.
    fn module_attribute(&mut self, index: u32, attr: &str, span: Span) -> EvalResult<Value> {
        self.load_module(index, span)?;
        if let Some(value) = self.module_globals[index as usize].get(attr) {
            return Ok(value.clone());
        }
        let name = self.modules.modules[index as usize].name.clone();
        if let Some(Value::ProjectModule(sub)) = self.project_module(&format!("{name}.{attr}")) {
            self.load_module(sub, span)?;
            return Ok(Value::ProjectModule(sub));
        }
        Err(self.python(
            span,
            "AttributeError",
            format!("module '{name}' has no attribute '{attr}'"),
        ))
    }

    // ------------------------------------------------------------ classes

    /// `class Name(bases): body`: runs the body and binds the class.
    pub(in crate::script::exec) fn build_class(
        &mut self,
        definition: &'a ClassDef,
        span: Span,
    ) -> EvalResult<Value> {
        if let Some(decorator) = definition.decorators.first() {
            return Err(self.cannot_run(decorator.span, "decorated classes"));
        }
        self.check_class_count(span)?;
        let mut bases = Vec::new();
        for base in &definition.bases {
            bases.push(self.eval(base)?);
        }
        let id = self.classes.len() as u32;
        let mut order = Vec::new();
        for statement in &definition.body {
            let targets: Vec<&crate::python::Expr> = match &statement.kind {
                StmtKind::Assign { targets, .. } => targets.iter().collect(),
                StmtKind::AnnAssign { target, .. } => vec![target],
                _ => Vec::new(),
            };
            for target in targets {
                if let crate::python::ExprKind::Name(name) = &target.kind {
                    if !order.contains(name) {
                        order.push(name.clone());
                    }
                }
            }
        }
        self.classes.push(ClassObject {
            name: definition.name.clone(),
            bases,
            namespace: HashMap::new(),
            order,
        });
        let saved_class = self.building_class.replace(id);
        let importing = self.importing;
        let saved = self.enter(Frame::Class, self.current_module, importing);
        let result = self.exec_block(&definition.body);
        let namespace = std::mem::take(&mut self.locals);
        self.leave(saved);
        self.building_class = saved_class;
        result?;
        self.classes[id as usize].namespace = namespace;
        self.declare(id, definition, span)?;
        Ok(Value::Class(id))
    }

    pub(in crate::script::exec) fn check_class_count(&self, span: Span) -> EvalResult<()> {
        if self.classes.len() >= MAX_FUNCTIONS {
            return Err(self.unsupported(
                span,
                format!("the playground creates at most {MAX_FUNCTIONS} classes per run"),
            ));
        }
        Ok(())
    }

    /// A name looked up on a class and its bases, in order.
    pub(in crate::script::exec) fn class_lookup(&self, class: u32, name: &str) -> Option<Value> {
        let mut pending = vec![(class, 0)];
        while let Some((class, depth)) = pending.pop() {
            let object = self.classes.get(class as usize)?;
            if let Some(value) = object.namespace.get(name) {
                return Some(value.clone());
            }
            if depth < MAX_HIERARCHY {
                for base in object.bases.iter().rev() {
                    if let Value::Class(base) = base {
                        pending.push((*base, depth + 1));
                    }
                }
            }
        }
        None
    }

    /// Whether a class derives (directly or not) from a library class whose name ends with
    /// one of `names`, or from a SQLAlchemy type class when `types` is set.
    pub(in crate::script::exec) fn derives_from(
        &self,
        class: u32,
        names: &[&str],
        types: bool,
    ) -> bool {
        let mut pending = vec![(class, 0)];
        while let Some((class, depth)) = pending.pop() {
            let Some(object) = self.classes.get(class as usize) else {
                continue;
            };
            for base in &object.bases {
                match base {
                    Value::Class(base) if depth < MAX_HIERARCHY => pending.push((*base, depth + 1)),
                    Value::Foreign(name) | Value::Module(name) => {
                        let last = name.rsplit('.').next().unwrap_or(name);
                        if names.contains(&last) {
                            return true;
                        }
                    }
                    Value::TypeClass(_) if types => return true,
                    _ => {}
                }
            }
        }
        false
    }

    /// `Name(...)` of a class: a new instance, initialised by its `__init__`.
    pub(in crate::script::exec) fn instantiate(
        &mut self,
        class: u32,
        args: Vec<Arg>,
        keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<Value> {
        let init = self.class_lookup(class, "__init__");
        if init.is_none() {
            if let Some(mapping) = self.mapping(class) {
                // the declarative constructor: keyword arguments become attributes
                if !args.is_empty() {
                    return Err(self.python(
                        span,
                        "TypeError",
                        format!(
                            "__init__() takes 1 positional argument but {} were given",
                            args.len() + 1
                        ),
                    ));
                }
                super::super::orm::check_constructor_keywords(self, class, &mapping, &keywords)?;
                let instance = self.new_instance(class, span)?;
                if let Value::Instance(created) = instance {
                    for keyword in keywords {
                        self.set_instance_attr(created, &keyword.name, keyword.value);
                    }
                }
                return Ok(instance);
            }
        }
        let instance = self.new_instance(class, span)?;
        if let (None, Value::Instance(id)) = (&init, &instance) {
            // kept for a TypeDecorator's impl
            let made = &mut self.instances[*id as usize];
            made.args = args.clone();
            made.keywords = keywords.clone();
        }
        if let Some(Value::UserFunction(function)) = init {
            self.call_method(function, instance.clone(), args, keywords, span)?;
        }
        Ok(instance)
    }

    /// Calls a function with `receiver` as its first argument.
    pub(in crate::script::exec) fn call_method(
        &mut self,
        function: u32,
        receiver: Value,
        mut args: Vec<Arg>,
        keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<Value> {
        args.insert(
            0,
            Arg {
                value: receiver,
                span,
            },
        );
        self.call_user(function, args, keywords, span)
    }

    /// `obj.attr` for modules, classes, instances and `super()`; `None` for other values.
    pub(in crate::script::exec) fn object_attribute(
        &mut self,
        value: &Value,
        attr: &str,
        span: Span,
    ) -> Option<EvalResult<Value>> {
        Some(match value {
            Value::ProjectModule(index) => self.module_attribute(*index, attr, span),
            Value::Class(class) => self.attribute_of_class(*class, attr, span),
            Value::Instance(id) => {
                let Some(instance) = self.instances.get(*id as usize) else {
                    return None;
                };
                let class = instance.class;
                if let Some(value) = instance.attrs.get(attr) {
                    return Some(Ok(value.clone()));
                }
                match self.class_lookup(class, attr) {
                    Some(Value::UserFunction(function)) => match self.function_kind(function) {
                        FunctionKind::Plain => {
                            Ok(Value::BoundMethod(Box::new(Value::Instance(*id)), function))
                        }
                        FunctionKind::ClassMethod => {
                            Ok(Value::BoundMethod(Box::new(Value::Class(class)), function))
                        }
                        FunctionKind::StaticMethod => Ok(Value::UserFunction(function)),
                        FunctionKind::DeclaredAttr => self.call_method(
                            function,
                            Value::Class(class),
                            Vec::new(),
                            Vec::new(),
                            span,
                        ),
                        FunctionKind::Property => {
                            let id = *id;
                            self.call_method(
                                function,
                                Value::Instance(id),
                                Vec::new(),
                                Vec::new(),
                                span,
                            )
                        }
                    },
                    // a mapped column the object has no value for yet
                    Some(Value::Column(_) | Value::MappedColumn(_))
                        if self.mapping(class).is_some() =>
                    {
                        Ok(Value::None)
                    }
                    Some(value) => Ok(value),
                    None if attr == "__class__" => Ok(Value::Class(class)),
                    None if LIBRARY_ATTRIBUTES.contains(&attr) && self.has_library_base(class) => {
                        Ok(Value::Foreign(format!(
                            "{}.{attr}",
                            self.classes[class as usize].name
                        )))
                    }
                    None => Err(self.python(
                        span,
                        "AttributeError",
                        format!(
                            "'{}' object has no attribute '{attr}'",
                            self.classes[class as usize].name
                        ),
                    )),
                }
            }
            Value::Super(class, receiver) => {
                let bases = self
                    .classes
                    .get(*class as usize)
                    .map(|object| object.bases.clone())
                    .unwrap_or_default();
                for base in bases {
                    if let Value::Class(base) = base {
                        if let Some(found) = self.class_lookup(base, attr) {
                            return Some(Ok(match found {
                                Value::UserFunction(function) => {
                                    Value::BoundMethod(receiver.clone(), function)
                                }
                                other => other,
                            }));
                        }
                    }
                }
                // A library base's method (`TypeDecorator.__init__`): nothing the playground
                // models, so calling it does nothing.
                Ok(Value::Method(Box::new(value.clone()), attr.to_string()))
            }
            _ => return None,
        })
    }

    /// `issubclass(class, target)`: `target` is the class, one of its bases, or a library
    /// base (kept by name: `TypeDecorator`, `Enum`) whose last dotted part is `target`'s.
    pub(in crate::script::exec) fn class_derives_from(&self, class: u32, target: &Value) -> bool {
        let short = |value: &Value| match value {
            Value::Foreign(name)
            | Value::Module(name)
            | Value::TypeClass(name)
            | Value::Function(name) => Some(name.rsplit('.').next().unwrap_or(name).to_string()),
            _ => None,
        };
        let wanted = short(target);
        self.any_in_hierarchy(class, |class, library_base| match library_base {
            None => matches!(target, Value::Class(id) if *id == class),
            Some(base) => wanted.is_some() && short(base) == wanted,
        })
    }

    /// Whether `visit` holds for `class`, a class of the program it derives from
    /// (`visit(id, None)`), or a library base of one of them (`visit(id, Some(base))`).
    fn any_in_hierarchy(
        &self,
        class: u32,
        mut visit: impl FnMut(u32, Option<&Value>) -> bool,
    ) -> bool {
        let mut pending = vec![(class, 0)];
        while let Some((class, depth)) = pending.pop() {
            if visit(class, None) {
                return true;
            }
            let Some(object) = self.classes.get(class as usize) else {
                continue;
            };
            for base in &object.bases {
                match base {
                    Value::Class(base) if depth < MAX_HIERARCHY => pending.push((*base, depth + 1)),
                    Value::Class(_) => {}
                    other if visit(class, Some(other)) => return true,
                    _ => {}
                }
            }
        }
        false
    }

    pub(in crate::script::exec) fn has_library_base(&self, class: u32) -> bool {
        self.any_in_hierarchy(class, |_, library_base| library_base.is_some())
    }

    fn attribute_of_class(&mut self, class: u32, attr: &str, span: Span) -> EvalResult<Value> {
        if let Some(value) = self.class_lookup(class, attr) {
            if let Value::UserFunction(function) = value {
                match self.function_kind(function) {
                    FunctionKind::ClassMethod => {
                        return Ok(Value::BoundMethod(Box::new(Value::Class(class)), function))
                    }
                    FunctionKind::DeclaredAttr => {
                        return self.call_method(
                            function,
                            Value::Class(class),
                            Vec::new(),
                            Vec::new(),
                            span,
                        )
                    }
                    _ => {}
                }
            }
            // `Model.column` of a mapped class: the column in SQL expressions
            if let Some(column) = value.as_column() {
                if let Some(mapping) = self.mapping(class) {
                    let name = if column.name.is_empty() {
                        attr.to_string()
                    } else {
                        column.name.clone()
                    };
                    return Ok(Value::Sql(crate::ops::SqlExpr::Column {
                        table: mapping.table,
                        name,
                    }));
                }
            }
            return Ok(value);
        }
        // an annotation-only column (`age: Mapped[int]`) of a mapped class
        if let Some((table, columns)) = self.declared_table(class) {
            if let Some((_, column)) = columns.iter().find(|(key, _)| key == attr) {
                return Ok(Value::Sql(crate::ops::SqlExpr::Column {
                    table,
                    name: column.name.clone(),
                }));
            }
        }
        let name = self.classes[class as usize].name.clone();
        match attr {
            "__name__" | "__qualname__" => Ok(Value::Str(name)),
            "__table__" => match self.mapped_table(class) {
                Some(table) => Ok(Value::Table(table)),
                None => Ok(Value::Foreign(format!("{name}.{attr}"))),
            },
            // what a library base provides (a declarative model's table and metadata)
            _ if LIBRARY_ATTRIBUTES.contains(&attr) && self.has_library_base(class) => {
                Ok(Value::Foreign(format!("{name}.{attr}")))
            }
            _ => Err(self.python(
                span,
                "AttributeError",
                format!("type object '{name}' has no attribute '{attr}'"),
            )),
        }
    }

    /// `obj.attr = value` on an instance or a class.
    pub(in crate::script::exec) fn set_attribute(
        &mut self,
        object: Value,
        attr: &str,
        value: Value,
        span: Span,
    ) -> EvalResult<()> {
        match object {
            Value::Instance(id) if (id as usize) < self.instances.len() => {
                self.instances[id as usize]
                    .attrs
                    .insert(attr.to_string(), value);
                Ok(())
            }
            Value::Class(id) if (id as usize) < self.classes.len() => {
                self.classes[id as usize]
                    .namespace
                    .insert(attr.to_string(), value);
                Ok(())
            }
            other => Err(self.cannot_run(
                span,
                &format!("setting an attribute of {}", other.kind_name()),
            )),
        }
    }

    /// `type(obj)` of an object of the program, and `type(name, bases, namespace)`, which
    /// makes a class (as a `class` statement would).
    pub(in crate::script::exec) fn type_builtin(
        &mut self,
        args: Vec<Arg>,
        span: Span,
    ) -> EvalResult<Value> {
        let mut values = args.into_iter().map(|arg| arg.value);
        match (values.next(), values.next(), values.next(), values.next()) {
            (Some(Value::Instance(id)), None, None, None) => {
                match self.instances.get(id as usize) {
                    Some(instance) => Ok(Value::Class(instance.class)),
                    None => Err(self.cannot_run(span, "type() of this object")),
                }
            }
            (Some(Value::Str(name)), Some(Value::Tuple(bases)), Some(Value::Dict(items)), None) => {
                if self.classes.len() >= MAX_FUNCTIONS {
                    return Err(self.unsupported(
                        span,
                        format!("the playground creates at most {MAX_FUNCTIONS} classes per run"),
                    ));
                }
                let mut namespace = HashMap::new();
                let mut order = Vec::new();
                for (key, value) in items {
                    let Value::Str(key) = key else {
                        return Err(self.python(
                            span,
                            "TypeError",
                            "type.__new__() argument 3 must be a dict of str keys",
                        ));
                    };
                    order.push(key.clone());
                    namespace.insert(key, value);
                }
                self.classes.push(ClassObject {
                    name,
                    bases,
                    namespace,
                    order,
                });
                Ok(Value::Class(self.classes.len() as u32 - 1))
            }
            _ => Err(self.cannot_run(span, "'type(...)' of this value")),
        }
    }

    /// `super()` in a method: the method's class and its first argument.
    pub(in crate::script::exec) fn super_object(&self, span: Span) -> EvalResult<Value> {
        match (self.current_class, &self.current_self) {
            (Some(class), Some(receiver)) => Ok(Value::Super(class, Box::new(receiver.clone()))),
            _ => Err(self.python(span, "RuntimeError", "super(): no arguments")),
        }
    }

    // ------------------------------------------------------------ types

    /// A class or instance of the program that is a SQLAlchemy type (a `TypeDecorator` and
    /// the like) as the type it compiles to on SQLite; `None` for anything else.
    pub(in crate::script::exec) fn program_type(
        &mut self,
        value: &Value,
        span: Span,
    ) -> EvalResult<Option<SqlType>> {
        let mut value = value.clone();
        for _ in 0..MAX_HIERARCHY {
            value = match value {
                Value::Class(class) if self.derives_from(class, TYPE_BASES, true) => {
                    self.instantiate(class, Vec::new(), Vec::new(), span)?
                }
                Value::Instance(id) => {
                    let Some(instance) = self.instances.get(id as usize) else {
                        return Ok(None);
                    };
                    let class = instance.class;
                    if !self.derives_from(class, TYPE_BASES, true) {
                        return Ok(None);
                    }
                    let (args, keywords) = (instance.args.clone(), instance.keywords.clone());
                    if let Some(Value::UserFunction(function)) =
                        self.class_lookup(class, "load_dialect_impl")
                    {
                        let dialect = vec![Arg {
                            value: Value::Dialect,
                            span,
                        }];
                        self.call_method(function, Value::Instance(id), dialect, Vec::new(), span)?
                    } else if let Some(implementation) = self
                        .instances
                        .get(id as usize)
                        .and_then(|instance| instance.attrs.get("impl").cloned())
                        .or_else(|| self.class_lookup(class, "impl"))
                    {
                        match implementation {
                            // `TypeDecorator.__init__` passes its arguments to the impl class
                            Value::TypeClass(name) => schema_calls::type_call(
                                self,
                                super::super::args::Call::new(&name, args, keywords, span),
                            )?,
                            other => other,
                        }
                    } else {
                        // `class CIText(sa.Text)`: the SQLAlchemy type it derives from
                        let base = self.classes[class as usize]
                            .bases
                            .iter()
                            .find(|base| matches!(base, Value::TypeClass(_)))
                            .cloned();
                        match base {
                            Some(Value::TypeClass(name)) => schema_calls::type_call(
                                self,
                                super::super::args::Call::new(&name, args, keywords, span),
                            )?,
                            _ => return Ok(None),
                        }
                    }
                }
                Value::Type(sql_type) => return Ok(Some(sql_type)),
                Value::TypeClass(name) => {
                    let Value::Type(sql_type) = schema_calls::type_call(
                        self,
                        super::super::args::Call::new(&name, Vec::new(), Vec::new(), span),
                    )?
                    else {
                        return Ok(None);
                    };
                    return Ok(Some(sql_type));
                }
                _ => return Ok(None),
            };
        }
        Ok(None)
    }

    /// Arguments of a call into SQLAlchemy or Alembic with the program's types replaced by
    /// the types they compile to, and (with `tables`, for Core statements) mapped classes by
    /// their tables.
    pub(in crate::script::exec) fn resolve_program_types(
        &mut self,
        args: &mut [Arg],
        keywords: &mut [KwArg],
        tables: bool,
    ) -> EvalResult<()> {
        let values = args.iter_mut().map(|arg| (&mut arg.value, arg.span)).chain(
            keywords
                .iter_mut()
                .map(|keyword| (&mut keyword.value, keyword.span)),
        );
        for (value, span) in values {
            if matches!(value, Value::Class(_) | Value::Instance(_)) {
                if let Some(sql_type) = self.program_type(value, span)? {
                    *value = Value::Type(sql_type);
                } else if let (true, Value::Class(class)) = (tables, &*value) {
                    if let Some(table) = self.mapped_table(*class) {
                        *value = Value::Table(table);
                    }
                }
            }
        }
        Ok(())
    }
}

pub(in crate::script::exec) const NOT_LOADED: u8 = 0;
pub(in crate::script::exec) const LOADING: u8 = 1;
pub(in crate::script::exec) const LOADED: u8 = 2;
