//! The interpreter: statements and expressions of a revision function, evaluated over
//! [`Value`]s. Calls are dispatched to `ops_calls` (`op.*`, `batch_op.*`) and `schema_calls`
//! (SQLAlchemy constructors and methods).
//!
//! Recursion follows the syntax tree (already depth-limited by the parser); module-level
//! constants are evaluated on first use with their own small depth limit (`A = B; B = A`), and
//! a work budget bounds loops.

use std::collections::HashMap;

use crate::ops::{BatchOp, Operation, SqlExpr};
use crate::python::{
    BinaryOperator, BoolOperator, CompareOperator, Constant, ExceptHandler, Expr, ExprKind,
    FStringPart, FunctionDef, Parameters, Span, Stmt, StmtKind, UnaryOperator,
};
use crate::runtime::QueryRows;
use crate::script::load::RevisionScript;

use super::args::{Arg, Call, KwArg};
use super::modules::ModuleSet;
use super::value::Value;
use super::{
    builtins, connection, metadata, names, ops_calls, schema_calls, source_line, stdlib, ExecError,
    PlannedOp,
};

mod declarative;
mod expressions;
mod functions;
mod mapped;
mod objects;
mod operations;
mod statements;

pub(super) use declarative::default_naming_convention;
pub use declarative::merge_lists_w_ordering;

use objects::{ClassObject, Imported, Instance};

/// Statements (and loop iterations) one function may run.
const WORK_BUDGET: usize = 100_000;
/// Longest list or string an expression may build.
const MAX_VALUE_LEN: usize = 10_000;
/// Nested expression evaluations (the parser allows 200 levels in one expression; module-level
/// names add their own): bounds the stack whatever the names refer to.
const MAX_EVAL_DEPTH: u32 = 100;
/// Values one list, tuple or dict may hold (nested ones counted) and how deep they may nest:
/// values are copied, so `x = [x, x]` in a loop would otherwise double until memory runs out,
/// and `x = [x]` would nest until copying or dropping it overflows the stack.
const MAX_VALUE_NODES: usize = 100_000;
const MAX_VALUE_DEPTH: usize = 100;
/// Values all the lists, tuples, dicts and closures of one run may copy in total.
const BUILD_BUDGET: usize = 10_000_000;
/// Nested calls of the revision's own functions (Python's RecursionError, much earlier).
const MAX_CALL_DEPTH: u32 = 20;
/// Functions (`def`, `lambda`) one run may create.
const MAX_FUNCTIONS: usize = 10_000;

/// The function name of a run that evaluates module-level code only (env.py's models).
pub(super) const MODULE: &str = "<module>";

const SUPPORTED: &str = "it runs op.* calls, batch_alter_table blocks and simple assignments";

/// Python builtins a revision might call that the playground does not run (those it runs are
/// `builtins::BUILTINS`): using one is a located "cannot run" error, not a NameError.
const UNSUPPORTED_BUILTINS: &[&str] = &[
    "set",
    "open",
    "input",
    "exec",
    "eval",
    "getattr",
    "setattr",
    "map",
    "filter",
    "super",
    "Exception",
    "ValueError",
    "RuntimeError",
    "NotImplementedError",
    "__import__",
    "globals",
    "locals",
    "vars",
    "id",
    "round",
    "format",
    "hasattr",
    "iter",
    "next",
    "abs",
    "reversed",
];

enum Global<'a> {
    Value(Value),
    /// `from <project module> import <name>` (at this statement), run on first use
    Import(u32, String, Span),
    Expr(&'a Expr),
    /// a `def` at module level
    Function(&'a FunctionDef),
    /// a `class` at module level
    Class(&'a crate::python::ClassDef),
}

/// Values kept per class id (small and dense: indices into `Evaluator::classes`), with the
/// little of a map's interface the evaluator uses.
struct PerClass<T>(Vec<Option<T>>);

impl<T> Default for PerClass<T> {
    fn default() -> Self {
        PerClass(Vec::new())
    }
}

impl<T> PerClass<T> {
    fn insert(&mut self, class: u32, value: T) {
        let at = class as usize;
        if self.0.len() <= at {
            self.0.resize_with(at + 1, || None);
        }
        self.0[at] = Some(value);
    }

    fn get(&self, class: &u32) -> Option<&T> {
        self.0.get(*class as usize)?.as_ref()
    }

    fn contains_key(&self, class: &u32) -> bool {
        self.get(class).is_some()
    }
}

/// What the statements being run bind names in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// a function's locals
    Function,
    /// a project module's globals (its body running on import)
    Module,
    /// a class body's namespace
    Class,
}

/// The part of the evaluator's state a module body, class body or call replaces.
struct Saved {
    locals: HashMap<String, Value>,
    frame: Frame,
    module: Option<u32>,
    importing: bool,
    class: Option<u32>,
    receiver: Option<Value>,
}

/// The body of a function the revision defines.
#[derive(Clone, Copy)]
enum Body<'a> {
    Block(&'a [Stmt]),
    /// a `lambda`
    Expr(&'a Expr),
}

/// A function the revision defines (`def` or `lambda`): its defaults, evaluated where it was
/// defined, and the enclosing function's names it sees.
struct Closure<'a> {
    name: String,
    /// the project module whose globals it sees (`None`: the revision file)
    module: Option<u32>,
    /// the class whose body defined it (for `super()`)
    class: Option<u32>,
    parameters: &'a Parameters,
    defaults: HashMap<String, Value>,
    body: Body<'a>,
    captured: HashMap<String, Value>,
    /// `async def`: a call makes a coroutine, run by `await` or `asyncio.run()`
    is_async: bool,
    /// `@classmethod`, `@staticmethod` or `@property` in a class body
    kind: FunctionKind,
}

/// How a function in a class binds when read through the class or an instance.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::script::exec) enum FunctionKind {
    Plain,
    ClassMethod,
    StaticMethod,
    Property,
    /// `@declared_attr`: read through a class, it is called with the class
    DeclaredAttr,
}

/// The `with op.batch_alter_table(...) as batch_op:` block being evaluated.
pub(super) struct ActiveBatch {
    pub id: u32,
    pub ops: Vec<BatchOp>,
}

/// What a statement did to the flow of control.
enum Flow {
    Next,
    Break,
    Continue,
    Return,
}

/// Where the operations go: executed at once through the migration context (as Alembic runs
/// `upgrade()`), or, without one, collected (lint and lessons read them).
pub(super) trait LiveOps {
    /// Runs (online) or prints (`--sql`) one operation now.
    fn run(&mut self, script: &RevisionScript, op: &PlannedOp) -> Result<(), ExecError>;
    /// Whether this is `--sql` mode.
    fn offline(&self) -> bool;
    /// The command's clock (`datetime.now()`).
    fn now(&self) -> crate::host::CreateDate;
    /// `print(...)`: text for stdout.
    fn print(&mut self, text: &str);
    /// `autocommit_block()` entered or left.
    fn autocommit(&mut self, entering: bool) -> Result<(), crate::runtime::RuntimeError>;
    /// Runs one `Execute` operation for its rows (`None` offline, where it is printed).
    fn query(
        &mut self,
        script: &RevisionScript,
        op: &PlannedOp,
    ) -> Result<Option<QueryRows>, ExecError>;
    /// The live connection (`None` offline), for `sa.inspect(bind)`.
    fn database(&mut self) -> Option<&mut dyn crate::runtime::Database>;
    /// `target_metadata`'s naming convention (empty: none configured).
    fn naming_convention(&self) -> Vec<(String, String)>;
    /// The command line's `-x` arguments.
    fn x_arguments(&self) -> Vec<String>;
    /// The dialect the operations compile to.
    #[cfg(feature = "postgresql")]
    fn dialect(&self) -> crate::runtime::Dialect;
}

pub(super) struct Evaluator<'a> {
    pub script: &'a RevisionScript,
    live: Option<&'a mut dyn LiveOps>,
    /// The dialect operations are collected for when nothing runs (lint).
    #[cfg(feature = "postgresql")]
    pub planning_dialect: crate::runtime::Dialect,
    /// A method that consumes its receiver's rows (`result.fetchone()`) leaves the receiver
    /// as it is afterwards here, for `eval_call` to store back into the variable.
    updated_receiver: Option<Value>,
    functions: Vec<Closure<'a>>,
    /// the value of the `return` being executed
    returned: Option<Value>,
    call_depth: u32,
    /// values copied into built containers and closures so far (see `BUILD_BUDGET`)
    built: usize,
    /// the exceptions being handled (`raise` alone re-raises the last)
    handling: Vec<ExecError>,
    pub function: &'a str,
    evaluated_globals: HashMap<String, Value>,
    locals: HashMap<String, Value>,
    pub planned: Vec<PlannedOp>,
    pub batch: Option<ActiveBatch>,
    next_batch_id: u32,
    work: usize,
    /// module-level names being evaluated (to report `A = B; B = A`)
    evaluating_globals: Vec<String>,
    eval_depth: u32,
    /// the project modules the revision can import, their globals and whether they ran
    modules: &'a ModuleSet,
    module_globals: Vec<HashMap<String, Value>>,
    module_state: Vec<u8>,
    /// the project module whose code runs now (`None`: the revision file's)
    current_module: Option<u32>,
    frame: Frame,
    /// a project module's top level runs (calls into libraries then make opaque values)
    importing: bool,
    classes: Vec<ClassObject>,
    /// the `class` statements that made classes (a mapped class reads its annotations)
    class_definitions: PerClass<&'a crate::python::ClassDef>,
    /// the mapped classes' tables: metadata, table name, (attribute key, column name)
    declared_tables: PerClass<(u32, String, Vec<(String, String)>)>,
    instances: Vec<Instance>,
    building_class: Option<u32>,
    /// the class and `self` of the method running (for `super()`)
    current_class: Option<u32>,
    current_self: Option<Value>,
    /// each `sa.inspect(bind)`'s cache: what its methods answered, by call
    pub inspectors: Vec<Vec<(String, Value)>>,
    /// each `sa.MetaData()`'s tables
    pub metadatas: Vec<metadata::MetaDataState>,
    /// each ORM `Session`'s unit of work
    pub orm_sessions: Vec<super::orm::OrmSession>,
    /// what env.py configured and printed (when the program is env.py)
    pub env: super::env::EnvState<'a>,
    /// a function frame at this call depth leaves its locals in `kept_locals` when it
    /// returns (0: none does): how a hook's changes to a list argument are read back
    keep_locals_at: u32,
    kept_locals: Option<HashMap<String, Value>>,
    /// `uuid.uuid4()`'s generator state (splitmix64), seeded from the clock on first use
    uuid_state: Option<u64>,
}

type EvalResult<T> = Result<T, ExecError>;

/// Runs `function` of the revision: each operation goes to `live` when it is made, or is
/// collected and returned without one.
pub(super) fn execute<'a>(
    script: &'a RevisionScript,
    function: &'a str,
    modules: &'a ModuleSet,
    live: Option<&'a mut dyn LiveOps>,
) -> Result<Vec<PlannedOp>, ExecError> {
    let (planned, result) = execute_partial(script, function, modules, live, false);
    result.map(|()| planned)
}

/// As [`execute`], also returning the operations made before an error.
pub(super) fn execute_partial<'a>(
    script: &'a RevisionScript,
    function: &'a str,
    modules: &'a ModuleSet,
    live: Option<&'a mut dyn LiveOps>,
    #[cfg_attr(not(feature = "postgresql"), allow(unused_variables))] postgresql: bool,
) -> (Vec<PlannedOp>, Result<(), ExecError>) {
    let mut evaluator = Evaluator::new(script, function, modules, live);
    #[cfg(feature = "postgresql")]
    if postgresql {
        evaluator.planning_dialect = crate::runtime::Dialect::Postgresql;
    }
    let result = evaluator.run(function);
    (evaluator.planned, result)
}

impl<'a> Evaluator<'a> {
    fn run(&mut self, function: &'a str) -> Result<(), ExecError> {
        let script = self.script;
        let evaluator = self;
        let Some(definition) = script.module.function(function) else {
            return Err(ExecError::Unsupported {
            path: script.path.clone(),
            line: 1,
            column: 1,
            message: format!(
                "this revision file has no {function}() function; Alembic calls {function}() of every revision it runs"
            ),
        });
        };
        let parameters = &definition.parameters;
        let required: Vec<&str> = parameters
            .positional_only
            .iter()
            .chain(&parameters.positional)
            .filter(|p| p.default.is_none())
            .map(|p| p.name.as_str())
            .collect();
        if let Some(first) = required.first() {
            let line = script
                .module
                .body
                .iter()
                .find(|s| matches!(&s.kind, StmtKind::FunctionDef(f) if f.name == function))
                .map(|s| s.span.start)
                .unwrap_or_default();
            return Err(evaluator.python(
                Span::new(line, line),
                "TypeError",
                format!(
                    "{function}() missing {} required positional argument{}: '{first}'",
                    required.len(),
                    if required.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        if definition.is_async {
            return Err(evaluator.unsupported(
                definition.body.first().map(|s| s.span).unwrap_or_default(),
                format!("the playground cannot run an async {function}()"),
            ));
        }
        evaluator.exec_block(&definition.body)?;
        Ok(())
    }
}

impl<'a> Evaluator<'a> {
    pub(super) fn new(
        script: &'a RevisionScript,
        function: &'a str,
        modules: &'a ModuleSet,
        live: Option<&'a mut dyn LiveOps>,
    ) -> Evaluator<'a> {
        Evaluator {
            script,
            live,
            #[cfg(feature = "postgresql")]
            planning_dialect: crate::runtime::Dialect::Sqlite,
            updated_receiver: None,
            functions: Vec::new(),
            returned: None,
            call_depth: 0,
            built: 0,
            handling: Vec::new(),
            function,
            evaluated_globals: HashMap::new(),
            locals: HashMap::new(),
            planned: Vec::new(),
            batch: None,
            next_batch_id: 0,
            work: 0,
            evaluating_globals: Vec::new(),
            eval_depth: 0,
            uuid_state: None,
            modules,
            module_globals: vec![HashMap::new(); modules.modules.len()],
            module_state: vec![objects::NOT_LOADED; modules.modules.len()],
            current_module: None,
            frame: Frame::Function,
            importing: false,
            classes: Vec::new(),
            class_definitions: PerClass::default(),
            declared_tables: PerClass::default(),
            instances: Vec::new(),
            building_class: None,
            current_class: None,
            current_self: None,
            inspectors: Vec::new(),
            metadatas: Vec::new(),
            orm_sessions: Vec::new(),
            env: super::env::EnvState::default(),
            keep_locals_at: 0,
            kept_locals: None,
        }
    }

    /// What binds `name` at the revision file's top level (evaluated when first used): the
    /// last statement binding it, as after the module ran. A top-level `try:` binds what its
    /// body binds: the imports there are of libraries, which succeed (`try: from
    /// sqlalchemy.orm import declarative_base`). Found on first use, not listed up front: a
    /// revision's `upgrade()` reads two or three of its module's names.
    fn find_global(&self, body: &'a [Stmt], name: &str) -> Option<Global<'a>> {
        for statement in body.iter().rev() {
            let found = match &statement.kind {
                StmtKind::Try {
                    body,
                    orelse,
                    finalbody,
                    ..
                } => self
                    .find_global(finalbody, name)
                    .or_else(|| self.find_global(orelse, name))
                    .or_else(|| self.find_global(body, name)),
                StmtKind::Import { names } => names
                    .iter()
                    .any(|alias| match &alias.asname {
                        Some(asname) => asname == name,
                        None => alias.name.split('.').next() == Some(name),
                    })
                    .then(|| self.imported_global(statement, name))
                    .flatten(),
                StmtKind::ImportFrom { names, .. } => names
                    .iter()
                    .any(|alias| {
                        alias.name == "*" || alias.asname.as_deref().unwrap_or(&alias.name) == name
                    })
                    .then(|| self.imported_global(statement, name))
                    .flatten(),
                StmtKind::Assign { targets, value } => targets
                    .iter()
                    .any(|target| target.as_name() == Some(name))
                    .then_some(Global::Expr(value)),
                StmtKind::AnnAssign {
                    target,
                    value: Some(value),
                    ..
                } => (target.as_name() == Some(name)).then_some(Global::Expr(value)),
                StmtKind::FunctionDef(definition) if definition.name == name => {
                    Some(Global::Function(definition))
                }
                StmtKind::ClassDef(definition) if definition.name == name => {
                    Some(Global::Class(definition))
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// What the import `statement` binds to `name`.
    fn imported_global(&self, statement: &Stmt, name: &str) -> Option<Global<'a>> {
        let (_, imported) = self
            .import_bindings(statement)
            .into_iter()
            .rev()
            .find(|(bound, _)| bound == name)?;
        Some(match imported {
            Imported::Value(value) => Global::Value(value),
            Imported::From(module, name) => Global::Import(module, name, statement.span),
        })
    }

    /// Switches to running a module body, class body or function; `leave` switches back.
    fn enter(&mut self, frame: Frame, module: Option<u32>, importing: bool) -> Saved {
        Saved {
            locals: std::mem::take(&mut self.locals),
            frame: std::mem::replace(&mut self.frame, frame),
            module: std::mem::replace(&mut self.current_module, module),
            importing: std::mem::replace(&mut self.importing, importing),
            class: self.current_class,
            receiver: self.current_self.clone(),
        }
    }

    fn leave(&mut self, saved: Saved) {
        self.locals = saved.locals;
        self.frame = saved.frame;
        self.current_module = saved.module;
        self.importing = saved.importing;
        self.current_class = saved.class;
        self.current_self = saved.receiver;
    }

    /// Binds a name where the running code binds it: a module's globals or the locals.
    fn bind(&mut self, name: String, value: Value) {
        match (self.frame, self.current_module) {
            (Frame::Module, Some(module)) => {
                self.module_globals[module as usize].insert(name, value);
            }
            _ => {
                self.locals.insert(name, value);
            }
        }
    }

    /// The file the running code is in: (path, source).
    fn file(&self) -> (&str, &str) {
        match self
            .current_module
            .and_then(|module| self.modules.modules.get(module as usize))
        {
            Some(module) => (&module.path, &module.source),
            None => (&self.script.path, &self.script.source),
        }
    }

    // ------------------------------------------------------------ errors

    // The error constructors are written once, out of line: they are called from hundreds of
    // places, and inlined copies cost the page kilobytes.

    pub fn unsupported(&self, span: Span, message: impl Into<String>) -> ExecError {
        self.unsupported_at(span, message.into())
    }

    #[cold]
    #[inline(never)]
    fn unsupported_at(&self, span: Span, message: String) -> ExecError {
        ExecError::Unsupported {
            path: self.file().0.to_string(),
            line: span.start.line,
            column: span.start.column,
            message,
        }
    }

    pub fn python(
        &self,
        span: Span,
        exception: impl Into<String>,
        message: impl Into<String>,
    ) -> ExecError {
        self.python_at(span, exception.into(), message.into())
    }

    #[cold]
    #[inline(never)]
    fn python_at(&self, span: Span, exception: String, message: String) -> ExecError {
        let (path, source) = self.file();
        ExecError::Python {
            exception,
            message,
            path: path.to_string(),
            line: span.start.line,
            source_line: source_line(source, span.start.line),
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn cannot_run(&self, span: Span, what: &str) -> ExecError {
        if self.function == MODULE {
            return self.unsupported(span, format!("the playground cannot run {what}"));
        }
        self.unsupported(
            span,
            format!(
                "the playground cannot run {what} inside {}(); {SUPPORTED}",
                self.function
            ),
        )
    }

    fn tick(&mut self, span: Span) -> EvalResult<()> {
        self.work += 1;
        if self.work > WORK_BUDGET {
            return Err(self.unsupported(
                span,
                format!(
                    "{}() runs more than {WORK_BUDGET} statements; the playground stops here",
                    self.function
                ),
            ));
        }
        Ok(())
    }

    /// The operation made at `span`; its source line is read now only when it is recorded
    /// (a live run reads it when the operation fails: [`Evaluator::with_source_line`]).
    fn planned_op(&self, operation: Operation, span: Span) -> PlannedOp {
        PlannedOp {
            operation,
            line: span.start.line,
            column: span.start.column,
            source_line: match self.live {
                Some(_) => String::new(),
                None => source_line(self.file().1, span.start.line),
            },
        }
    }

    /// `error` of the live operation at `line` of the running file, with that line's text.
    fn with_source_line(&self, mut error: ExecError, line: u32) -> ExecError {
        if let ExecError::Python {
            source_line: text, ..
        }
        | ExecError::Database {
            source_line: text, ..
        } = &mut error
        {
            if text.is_empty() {
                *text = source_line(self.file().1, line);
            }
        }
        error
    }

    /// An operation made by the call at `span`: run now when live, else recorded.
    pub fn push_op(&mut self, operation: Operation, span: Span) -> EvalResult<()> {
        let op = self.planned_op(operation, span);
        let result = match self.live.as_deref_mut() {
            Some(live) => live.run(self.script, &op),
            None => {
                self.planned.push(op);
                return Ok(());
            }
        };
        result.map_err(|error| self.with_source_line(error, op.line))
    }

    /// `print(...)` while migrating; nothing while collecting.
    pub fn print(&mut self, text: &str) {
        match self.live.as_deref_mut() {
            Some(live) => live.print(text),
            None if self.env.settings.is_some() => self.env.output.push((false, text.to_string())),
            None => {}
        }
    }

    /// The dotted names of the project modules run so far (`sys.modules`' share of them).
    pub(super) fn loaded_module_names(&self) -> Vec<String> {
        self.modules
            .modules
            .iter()
            .zip(&self.module_state)
            .filter(|(_, state)| **state != objects::NOT_LOADED)
            .map(|(module, _)| module.name.clone())
            .collect()
    }

    /// `type.with_variant(other, *dialect_names)`: on SQLite, `other` when "sqlite" is one of
    /// the names, else the type itself (the variant is for other databases).
    fn with_variant(&mut self, receiver: Value, args: Vec<Arg>, span: Span) -> EvalResult<Value> {
        let mut args = args.into_iter();
        let Some(variant) = args.next() else {
            return Err(self.python(
                span,
                "TypeError",
                "TypeEngine.with_variant() missing 2 required positional arguments: 'type_' and 'dialect_names'",
            ));
        };
        let dialect = "sqlite";
        #[cfg(feature = "postgresql")]
        let dialect = match self.dialect() {
            crate::runtime::Dialect::Sqlite => dialect,
            crate::runtime::Dialect::Postgresql => "postgresql",
        };
        let for_dialect = args.any(|arg| matches!(&arg.value, Value::Str(name) if name == dialect));
        let chosen = if for_dialect { variant.value } else { receiver };
        super::schema_args::to_type(self, &chosen, variant.span, "with_variant").map(Value::Type)
    }

    /// The live connection, when migrating online.
    pub fn database(&mut self) -> Option<&mut dyn crate::runtime::Database> {
        self.live.as_deref_mut()?.database()
    }

    /// The dialect the operations compile to (while collecting them for lint, the project's).
    #[cfg(feature = "postgresql")]
    pub fn dialect(&self) -> crate::runtime::Dialect {
        self.live
            .as_deref()
            .map_or(self.planning_dialect, |live| live.dialect())
    }

    /// The naming convention tables made by `op.create_table` get (`target_metadata`'s).
    pub fn naming_convention(&self) -> Vec<(String, String)> {
        self.live
            .as_deref()
            .map(|live| live.naming_convention())
            .unwrap_or_default()
    }

    /// `-x` arguments: env.py's settings, or the migration context's in a revision file.
    pub fn x_arguments(&self) -> Vec<String> {
        match (self.env.settings, self.live.as_deref()) {
            (Some(settings), _) => settings.x_arguments.clone(),
            (None, Some(live)) => live.x_arguments(),
            (None, None) => Vec::new(),
        }
    }

    /// Whether the evaluator runs a migration (it collects operations otherwise).
    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }

    /// Whether a migration runs in `--sql` mode.
    pub fn is_offline(&self) -> bool {
        self.live.as_deref().is_some_and(|live| live.offline())
    }

    /// Runs an `Execute` operation made at `span` for its rows (`None` offline).
    pub fn query(&mut self, operation: Operation, span: Span) -> EvalResult<Option<QueryRows>> {
        let op = self.planned_op(operation, span);
        let result = match self.live.as_deref_mut() {
            Some(live) => live.query(self.script, &op),
            None => return Err(self.unsupported(span, super::NEEDS_DATABASE)),
        };
        result.map_err(|error| self.with_source_line(error, op.line))
    }
}

/// `a is b`, where the evaluator can tell: `None` and booleans are singletons, classes and
/// instances compare by identity.
fn identical(left: &Value, right: &Value) -> Option<bool> {
    match (left, right) {
        (Value::None, Value::None) => Some(true),
        (Value::None, _) | (_, Value::None) => Some(false),
        (Value::Bool(a), Value::Bool(b)) => Some(a == b),
        (Value::Class(a), Value::Class(b)) | (Value::Instance(a), Value::Instance(b)) => {
            Some(a == b)
        }
        (Value::Class(_) | Value::Instance(_), _) | (_, Value::Class(_) | Value::Instance(_)) => {
            Some(false)
        }
        _ => None,
    }
}

pub(super) fn as_float(value: &Value) -> f64 {
    match value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

pub(super) fn dict_insert(items: &mut Vec<(Value, Value)>, key: Value, value: Value) {
    if let Some(slot) = items
        .iter_mut()
        .find(|(k, _)| k.python_eq(&key) == Some(true))
    {
        slot.1 = value;
    } else {
        items.push((key, value));
    }
}

/// The class name an error is caught by (`KeyError`, `OperationalError`...).
fn exception_class(error: &ExecError) -> String {
    match error {
        ExecError::Python { exception, .. } => exception
            .rsplit('.')
            .next()
            .unwrap_or(exception)
            .to_string(),
        ExecError::Database { error, .. } => match error {
            crate::runtime::RuntimeError::Database { error, .. } => {
                error.kind.python_name().to_string()
            }
            _ => "SQLAlchemyError".to_string(),
        },
        ExecError::Unsupported { .. } => String::new(),
    }
}

/// Whether `except <handler>:` catches an exception of class `class` (Python's and
/// SQLAlchemy's hierarchies, as far as migrations meet them).
fn catches(handler: &str, class: &str) -> bool {
    let handler = handler.rsplit('.').next().unwrap_or(handler);
    let database = matches!(
        class,
        "OperationalError" | "IntegrityError" | "ProgrammingError" | "DatabaseError"
    );
    handler == class
        || matches!(handler, "Exception" | "BaseException")
        || (handler == "LookupError" && matches!(class, "KeyError" | "IndexError"))
        || (handler == "ArithmeticError" && class == "ZeroDivisionError")
        || (handler == "NameError" && class == "UnboundLocalError")
        || (database
            && matches!(
                handler,
                "SQLAlchemyError" | "DBAPIError" | "DatabaseError" | "StatementError"
            ))
        || (handler == "SQLAlchemyError" && class.starts_with("NoResultFound"))
        || (matches!(handler, "SQLAlchemyError" | "InvalidRequestError")
            && matches!(
                class,
                "InvalidRequestError"
                    | "NoSuchTableError"
                    | "NoInspectionAvailable"
                    | "MultipleResultsFound"
                    | "NoResultFound"
            ))
        || (handler == "SQLAlchemyError" && class == "ArgumentError")
}
