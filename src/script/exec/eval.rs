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

use super::args::{Arg, KwArg};
use super::modules::ModuleSet;
use super::value::Value;
use super::{
    builtins, connection, metadata, names, ops_calls, schema_calls, source_line, stdlib, ExecError,
    PlannedOp,
};

mod declarative;
mod mapped;
mod objects;

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
}

pub(super) struct Evaluator<'a> {
    pub script: &'a RevisionScript,
    live: Option<&'a mut dyn LiveOps>,
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
    let (planned, result) = execute_partial(script, function, modules, live);
    result.map(|()| planned)
}

/// As [`execute`], also returning the operations made before an error.
pub(super) fn execute_partial<'a>(
    script: &'a RevisionScript,
    function: &'a str,
    modules: &'a ModuleSet,
    live: Option<&'a mut dyn LiveOps>,
) -> (Vec<PlannedOp>, Result<(), ExecError>) {
    let mut evaluator = Evaluator::new(script, function, modules, live);
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
        let for_sqlite = args.any(|arg| matches!(&arg.value, Value::Str(name) if name == "sqlite"));
        let chosen = if for_sqlite { variant.value } else { receiver };
        schema_calls::to_type(self, &chosen, variant.span, "with_variant").map(Value::Type)
    }

    /// The live connection, when migrating online.
    pub fn database(&mut self) -> Option<&mut dyn crate::runtime::Database> {
        self.live.as_deref_mut()?.database()
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

    // -------------------------------------------------------- statements

    fn exec_block(&mut self, body: &'a [Stmt]) -> EvalResult<Flow> {
        for statement in body {
            match self.exec_stmt(statement)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    /// One statement. As in [`Evaluator::eval_inner`], each kind runs in its own non-inlined
    /// function to keep the frame on the block-recursion path small.
    fn exec_stmt(&mut self, statement: &'a Stmt) -> EvalResult<Flow> {
        self.tick(statement.span)?;
        let span = statement.span;
        match &statement.kind {
            StmtKind::Pass => Ok(Flow::Next),
            StmtKind::Expr(expr) => self.exec_expression_statement(expr).map(|()| Flow::Next),
            StmtKind::Assign { targets, value } => self.exec_assign(targets, value),
            StmtKind::AnnAssign { target, value, .. } => match value {
                Some(value) => self.exec_assign(std::slice::from_ref(target), value),
                None => Ok(Flow::Next),
            },
            StmtKind::AugAssign {
                target,
                operator,
                value,
            } => self.exec_aug_assign(target, *operator, value, span),
            StmtKind::If { branches, orelse } => self.exec_if(branches, orelse),
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => self.exec_for(target, iter, body, orelse, *is_async, span),
            StmtKind::With {
                items,
                body,
                is_async,
            } => self.exec_with(span, items, body, *is_async),
            StmtKind::Return(value) => {
                let value = match value {
                    Some(value) => self.eval(value)?,
                    None => Value::None,
                };
                self.returned = Some(value);
                Ok(Flow::Return)
            }
            StmtKind::FunctionDef(definition) => self.exec_def(definition, span),
            StmtKind::ClassDef(definition) => {
                let class = self.build_class(definition, span)?;
                self.bind(definition.name.clone(), class);
                Ok(Flow::Next)
            }
            StmtKind::While { test, body, orelse } => self.exec_while(test, body, orelse, span),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                is_star: false,
            } => self.exec_try(body, handlers, orelse, finalbody),
            StmtKind::Raise { exception, .. } => Err(self.raise(exception.as_ref(), span)),
            StmtKind::Assert { test, message } => self.exec_assert(test, message.as_ref(), span),
            StmtKind::Delete(targets) => self.exec_delete(targets),
            StmtKind::Import { .. } | StmtKind::ImportFrom { .. } => self.exec_import(statement),
            StmtKind::Break => Ok(Flow::Break),
            StmtKind::Continue => Ok(Flow::Continue),
            _ => Err(self.cannot_run_statement(statement)),
        }
    }

    #[inline(never)]
    fn cannot_run_statement(&self, statement: &'a Stmt) -> ExecError {
        let what = match &statement.kind {
            StmtKind::Import { .. } | StmtKind::ImportFrom { .. } => {
                "'import' statements (import at the top of the file instead)"
            }
            StmtKind::While { .. } => "'while' loops",
            StmtKind::Try { .. } => "'try' blocks",
            StmtKind::Raise { .. } => "'raise'",
            StmtKind::FunctionDef(_) => "nested function definitions",
            StmtKind::ClassDef(_) => "class definitions",
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => "'global' / 'nonlocal'",
            StmtKind::Delete(_) => "'del'",
            StmtKind::Assert { .. } => "'assert'",
            _ => "this statement",
        };
        self.cannot_run(statement.span, what)
    }

    #[inline(never)]
    fn exec_assign(&mut self, targets: &'a [Expr], value: &'a Expr) -> EvalResult<Flow> {
        let value = self.eval(value)?;
        for target in targets {
            self.assign(target, value.clone())?;
        }
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn exec_aug_assign(
        &mut self,
        target: &'a Expr,
        operator: BinaryOperator,
        value: &'a Expr,
        span: Span,
    ) -> EvalResult<Flow> {
        let Some(name) = target.as_name() else {
            return Err(self.cannot_run(span, "augmented assignment to this target"));
        };
        let current = self.lookup(name, target.span)?;
        let right = self.eval(value)?;
        let result = self.binary(current, operator, right, span)?;
        self.bind(name.to_string(), result);
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn exec_if(
        &mut self,
        branches: &'a [crate::python::ConditionalBranch],
        orelse: &'a [Stmt],
    ) -> EvalResult<Flow> {
        for branch in branches {
            let test = self.eval(&branch.test)?;
            if self.truth(&test, branch.test.span)? {
                return self.exec_block(&branch.body);
            }
        }
        self.exec_block(orelse)
    }

    #[inline(never)]
    fn exec_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
        is_async: bool,
        span: Span,
    ) -> EvalResult<Flow> {
        if is_async {
            return Err(self.cannot_run(span, "'async for'"));
        }
        let iterable = self.eval(iter)?;
        let items = self.iterate(iterable, iter.span)?;
        for item in items {
            self.tick(span)?;
            self.assign(target, item)?;
            match self.exec_block(body)? {
                Flow::Break => return Ok(Flow::Next),
                Flow::Return => return Ok(Flow::Return),
                Flow::Next | Flow::Continue => {}
            }
        }
        self.exec_block(orelse)
    }

    #[inline(never)]
    fn exec_def(&mut self, definition: &'a FunctionDef, span: Span) -> EvalResult<Flow> {
        // a method does not see its class body's names; a module-level function finds its
        // module's globals when it runs
        let captured = match self.frame {
            Frame::Function => self.locals.clone(),
            Frame::Module | Frame::Class => HashMap::new(),
        };
        let function = self.define(definition, captured, span)?;
        if let (Value::UserFunction(id), Frame::Function) = (&function, self.frame) {
            // a nested function sees itself (recursion)
            if let Some(closure) = self.functions.get_mut(*id as usize) {
                closure
                    .captured
                    .insert(definition.name.clone(), function.clone());
            }
        }
        self.bind(definition.name.clone(), function);
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn exec_assert(
        &mut self,
        test: &'a Expr,
        message: Option<&'a Expr>,
        span: Span,
    ) -> EvalResult<Flow> {
        let value = self.eval(test)?;
        if self.truth(&value, test.span)? {
            return Ok(Flow::Next);
        }
        let message = match message {
            Some(message) => {
                let value = self.eval(message)?;
                value.python_str().unwrap_or_else(|| value.kind_name())
            }
            None => String::new(),
        };
        Err(self.python(span, "AssertionError", message))
    }

    #[inline(never)]
    fn exec_delete(&mut self, targets: &'a [Expr]) -> EvalResult<Flow> {
        for target in targets {
            let Some(name) = target.as_name() else {
                return Err(self.cannot_run(target.span, "'del' of this target"));
            };
            let removed = match (self.frame, self.current_module) {
                (Frame::Module, Some(module)) => self.module_globals[module as usize].remove(name),
                _ => self.locals.remove(name),
            };
            if removed.is_none() {
                return Err(self.python(
                    target.span,
                    "UnboundLocalError",
                    format!("cannot access local variable '{name}' where it is not associated with a value"),
                ));
            }
        }
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn exec_import(&mut self, statement: &'a Stmt) -> EvalResult<Flow> {
        if let Some(error) = self.missing_import(statement) {
            return Err(error);
        }
        for (name, imported) in self.import_bindings(statement) {
            let value = self.resolve_import(imported, statement.span)?;
            self.bind(name, value);
        }
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn eval_lambda(
        &mut self,
        parameters: &'a Parameters,
        body: &'a Expr,
        span: Span,
    ) -> EvalResult<Value> {
        let captured = self.locals.clone();
        self.make_function("<lambda>", parameters, Body::Expr(body), captured, span)
    }

    #[inline(never)]
    fn exec_while(
        &mut self,
        test: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
        span: Span,
    ) -> EvalResult<Flow> {
        loop {
            self.tick(span)?;
            let value = self.eval(test)?;
            if !self.truth(&value, test.span)? {
                return self.exec_block(orelse);
            }
            match self.exec_block(body)? {
                Flow::Break => return Ok(Flow::Next),
                Flow::Return => return Ok(Flow::Return),
                Flow::Next | Flow::Continue => {}
            }
        }
    }

    /// `try`: Python's exceptions (and the database's, as SQLAlchemy raises them) can be
    /// caught; what the playground cannot run cannot.
    #[inline(never)]
    fn exec_try(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> EvalResult<Flow> {
        let result = match self.exec_block(body) {
            Ok(Flow::Next) => self.exec_block(orelse),
            Err(error) if !matches!(error, ExecError::Unsupported { .. }) => {
                let class = exception_class(&error);
                let mut outcome = Err(error.clone());
                for handler in handlers {
                    let caught = match &handler.exception_type {
                        None => true,
                        Some(types) => {
                            let names: Vec<&'a Expr> = match &types.kind {
                                ExprKind::Tuple(items) => items.iter().collect(),
                                _ => vec![types],
                            };
                            names.iter().any(|name| {
                                name.dotted_name()
                                    .is_some_and(|dotted| catches(&dotted, &class))
                            })
                        }
                    };
                    if caught {
                        if let Some(name) = &handler.name {
                            let message = match &error {
                                ExecError::Python { message, .. } => message.clone(),
                                other => other.to_string(),
                            };
                            self.bind(name.clone(), Value::Exception(class.clone(), message));
                        }
                        self.handling.push(error.clone());
                        outcome = self.exec_block(&handler.body);
                        self.handling.pop();
                        break;
                    }
                }
                outcome
            }
            other => other,
        };
        match self.exec_block(finalbody)? {
            Flow::Next => result,
            flow => Ok(flow),
        }
    }

    /// `raise`, `raise X`, `raise X("message")`, `raise error` (a caught exception).
    #[inline(never)]
    fn raise(&mut self, exception: Option<&'a Expr>, span: Span) -> ExecError {
        let Some(exception) = exception else {
            return match self.handling.last() {
                Some(error) => error.clone(),
                None => self.python(span, "RuntimeError", "No active exception to reraise"),
            };
        };
        let (class_expr, message) = match &exception.kind {
            ExprKind::Call { func, args, .. } => {
                let message = match args.first() {
                    Some(arg) => match self.eval(arg) {
                        Ok(value) => value.python_str().unwrap_or_else(|| value.kind_name()),
                        Err(error) => return error,
                    },
                    None => String::new(),
                };
                (&**func, message)
            }
            _ => (exception, String::new()),
        };
        if let Ok(Value::Exception(class, message)) = self.eval(class_expr) {
            return self.python(span, class, message);
        }
        match class_expr.dotted_name() {
            Some(dotted) => {
                let class = dotted.rsplit('.').next().unwrap_or(&dotted).to_string();
                self.python(span, class, message)
            }
            None => self.cannot_run(span, "this 'raise'"),
        }
    }

    /// Makes a function of `def` (or, through `lambda`, an expression) seeing `captured`.
    fn define(
        &mut self,
        definition: &'a FunctionDef,
        captured: HashMap<String, Value>,
        span: Span,
    ) -> EvalResult<Value> {
        // decorators are evaluated before the function is made, applied innermost first
        let mut decorators = Vec::new();
        for decorator in &definition.decorators {
            decorators.push((self.eval(decorator)?, decorator.span));
        }
        let function = self.make_function(
            &definition.name,
            &definition.parameters,
            Body::Block(&definition.body),
            captured,
            span,
        )?;
        if let (true, Value::UserFunction(id)) = (definition.is_async, &function) {
            if let Some(closure) = self.functions.get_mut(*id as usize) {
                closure.is_async = true;
            }
        }
        let mut function = function;
        for (decorator, at) in decorators.into_iter().rev() {
            // SQLAlchemy's `@declared_attr` (and `@declared_attr.directive`)
            if let (Value::Module(name) | Value::Foreign(name), Value::UserFunction(id)) =
                (&decorator, &function)
            {
                if matches!(name.rsplit('.').next(), Some("declared_attr" | "directive")) {
                    if let Some(closure) = self.functions.get_mut(*id as usize) {
                        closure.kind = FunctionKind::DeclaredAttr;
                    }
                    continue;
                }
            }
            let argument = vec![Arg {
                value: function,
                span: at,
            }];
            function = self.call(decorator, argument, Vec::new(), at)?;
        }
        Ok(function)
    }

    #[inline(never)]
    fn make_function(
        &mut self,
        name: &str,
        parameters: &'a Parameters,
        body: Body<'a>,
        captured: HashMap<String, Value>,
        span: Span,
    ) -> EvalResult<Value> {
        if self.functions.len() >= MAX_FUNCTIONS {
            return Err(self.unsupported(
                span,
                format!("the playground creates at most {MAX_FUNCTIONS} functions per run"),
            ));
        }
        let mut defaults = HashMap::new();
        for parameter in parameters
            .positional_only
            .iter()
            .chain(&parameters.positional)
            .chain(&parameters.keyword_only)
        {
            if let Some(default) = &parameter.default {
                let value = self.eval(default)?;
                defaults.insert(parameter.name.clone(), value);
            }
        }
        let captured = captured
            .into_iter()
            .map(|(name, value)| Ok((name, self.check_built(value, span)?)))
            .collect::<EvalResult<HashMap<String, Value>>>()?;
        let class = match self.frame {
            Frame::Class => self.building_class,
            Frame::Function | Frame::Module => None,
        };
        self.functions.push(Closure {
            name: name.to_string(),
            module: self.current_module,
            class,
            parameters,
            defaults,
            body,
            captured,
            is_async: false,
            kind: FunctionKind::Plain,
        });
        Ok(Value::UserFunction(self.functions.len() as u32 - 1))
    }

    /// The new frame of a call to a function the revision defined: its captured names and
    /// its parameters bound to the arguments as Python binds them (with its TypeError
    /// messages).
    #[inline(never)]
    fn bind_arguments(
        &mut self,
        id: u32,
        args: Vec<Arg>,
        keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<(HashMap<String, Value>, Body<'a>)> {
        let Some(closure) = self.functions.get(id as usize) else {
            return Err(self.unsupported(span, "unknown function"));
        };
        let parameters = closure.parameters;
        let body = closure.body;
        let name = closure.name.clone();
        let mut frame = closure.captured.clone();
        let defaults = closure.defaults.clone();
        let type_error = |this: &Self, message: String| {
            this.python(span, "TypeError", format!("{name}() {message}"))
        };
        let positional: Vec<&crate::python::Parameter> = parameters
            .positional_only
            .iter()
            .chain(&parameters.positional)
            .collect();
        let given = args.len();
        let mut extra = Vec::new();
        let mut bound: Vec<&str> = Vec::new();
        for (index, arg) in args.into_iter().enumerate() {
            match positional.get(index) {
                Some(parameter) => {
                    frame.insert(parameter.name.clone(), arg.value);
                    bound.push(&parameter.name);
                }
                None => extra.push(arg.value),
            }
        }
        match &parameters.var_positional {
            Some(rest) => {
                frame.insert(rest.name.clone(), Value::Tuple(extra));
            }
            None if !extra.is_empty() => {
                let takes = positional.len();
                return Err(type_error(
                    self,
                    format!(
                        "takes {takes} positional argument{} but {given} {} given",
                        if takes == 1 { "" } else { "s" },
                        if given == 1 { "was" } else { "were" }
                    ),
                ));
            }
            None => {}
        }
        let mut rest_keywords = Vec::new();
        for keyword in keywords {
            let named = parameters
                .positional
                .iter()
                .chain(&parameters.keyword_only)
                .find(|p| p.name == keyword.name);
            match named {
                Some(parameter) => {
                    if bound.contains(&parameter.name.as_str()) {
                        return Err(type_error(
                            self,
                            format!("got multiple values for argument '{}'", keyword.name),
                        ));
                    }
                    bound.push(&parameter.name);
                    frame.insert(keyword.name, keyword.value);
                }
                None if parameters.var_keyword.is_some() => {
                    rest_keywords.push((Value::Str(keyword.name), keyword.value));
                }
                None => {
                    return Err(type_error(
                        self,
                        format!("got an unexpected keyword argument '{}'", keyword.name),
                    ))
                }
            }
        }
        if let Some(rest) = &parameters.var_keyword {
            frame.insert(rest.name.clone(), Value::Dict(rest_keywords));
        }
        for (kind, list) in [
            ("positional", positional),
            ("keyword-only", parameters.keyword_only.iter().collect()),
        ] {
            let mut missing = Vec::new();
            for parameter in list {
                if bound.contains(&parameter.name.as_str()) {
                    continue;
                }
                match defaults.get(&parameter.name) {
                    Some(value) => {
                        frame.insert(parameter.name.clone(), value.clone());
                    }
                    None => missing.push(format!("'{}'", parameter.name)),
                }
            }
            if !missing.is_empty() {
                let count = missing.len();
                let names = match missing.split_last() {
                    Some((last, [])) => last.clone(),
                    Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                    None => String::new(),
                };
                return Err(type_error(
                    self,
                    format!(
                        "missing {count} required {kind} argument{}: {names}",
                        if count == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
        Ok((frame, body))
    }

    #[inline(never)]
    fn call_user(
        &mut self,
        id: u32,
        args: Vec<Arg>,
        keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<Value> {
        if self.call_depth >= MAX_CALL_DEPTH {
            return Err(self.python(span, "RecursionError", "maximum recursion depth exceeded"));
        }
        let (class, is_async) = match self.functions.get(id as usize) {
            Some(closure) => (closure.class, closure.is_async),
            None => (None, false),
        };
        let receiver = match class {
            Some(_) => args.first().map(|arg| arg.value.clone()),
            None => None,
        };
        let (frame, body) = self.bind_arguments(id, args, keywords, span)?;
        if is_async {
            return Ok(Value::Coroutine(Box::new(super::value::Coroutine {
                function: id,
                frame,
                receiver,
            })));
        }
        self.run_frame(id, frame, receiver, body)
    }

    /// How a function of the program binds in a class (`@classmethod`...).
    pub(in crate::script::exec) fn function_kind(&self, id: u32) -> FunctionKind {
        self.functions
            .get(id as usize)
            .map(|closure| closure.kind)
            .unwrap_or(FunctionKind::Plain)
    }

    /// `await coroutine` / `asyncio.run(coroutine)`: runs the `async def`'s body now (there is
    /// no event loop: nothing else runs concurrently in a migration).
    pub(in crate::script::exec) fn run_coroutine(
        &mut self,
        value: Value,
        span: Span,
    ) -> EvalResult<Value> {
        let Value::Coroutine(coroutine) = value else {
            return Err(self.python(
                span,
                "TypeError",
                format!(
                    "object {} can't be used in 'await' expression",
                    value.kind_name()
                ),
            ));
        };
        if self.call_depth >= MAX_CALL_DEPTH {
            return Err(self.python(span, "RecursionError", "maximum recursion depth exceeded"));
        }
        let super::value::Coroutine {
            function,
            frame,
            receiver,
        } = *coroutine;
        let Some(body) = self.functions.get(function as usize).map(|c| c.body) else {
            return Err(self.unsupported(span, "unknown function"));
        };
        self.run_frame(function, frame, receiver, body)
    }

    fn run_frame(
        &mut self,
        id: u32,
        frame: HashMap<String, Value>,
        receiver: Option<Value>,
        body: Body<'a>,
    ) -> EvalResult<Value> {
        let (module, class) = match self.functions.get(id as usize) {
            Some(closure) => (closure.module, closure.class),
            None => (None, None),
        };
        let saved = self.enter(Frame::Function, module, false);
        self.locals = frame;
        self.current_class = class;
        self.current_self = receiver;
        self.call_depth += 1;
        let result = match body {
            Body::Block(statements) => self
                .exec_block(statements)
                .map(|_| self.returned.take().unwrap_or(Value::None)),
            Body::Expr(expr) => self.eval(expr),
        };
        if self.keep_locals_at == self.call_depth {
            self.kept_locals = Some(self.locals.clone());
        }
        self.call_depth -= 1;
        self.leave(saved);
        result
    }

    /// Calls `callee` with positional `args` and returns, beside its result, what its
    /// parameter at `position` is bound to when it returns (Python's lists are shared: a
    /// hook's `directives[:] = []` changes the caller's list; here values are copied, so the
    /// caller reads the callee's binding back).
    pub(in crate::script::exec) fn call_reading_back(
        &mut self,
        callee: Value,
        args: Vec<Arg>,
        position: usize,
        span: Span,
    ) -> (EvalResult<Value>, Option<Value>) {
        let (id, position) = match &callee {
            Value::UserFunction(id) => (*id, position),
            Value::BoundMethod(_, id) => (*id, position + 1),
            _ => return (self.call(callee, args, Vec::new(), span), None),
        };
        let name = self.functions.get(id as usize).and_then(|closure| {
            let parameters = closure.parameters;
            parameters
                .positional_only
                .iter()
                .chain(&parameters.positional)
                .nth(position)
                .map(|parameter| parameter.name.clone())
        });
        let outer = std::mem::replace(&mut self.keep_locals_at, self.call_depth + 1);
        let result = self.call(callee, args, Vec::new(), span);
        self.keep_locals_at = outer;
        let kept = self.kept_locals.take();
        let bound = name.and_then(|name| kept?.remove(&name));
        (result, bound)
    }

    /// The name a function of the program was defined with.
    pub(in crate::script::exec) fn function_name(&self, id: u32) -> Option<String> {
        self.functions
            .get(id as usize)
            .map(|closure| closure.name.clone())
    }

    /// An object of a library class Alembic hands to a hook (`MigrationScript`): an instance
    /// with these attributes, which the hook may read and set.
    pub(in crate::script::exec) fn library_object(
        &mut self,
        class_name: &str,
        attrs: Vec<(&str, Value)>,
        span: Span,
    ) -> EvalResult<Value> {
        self.classes.push(ClassObject {
            name: class_name.to_string(),
            bases: Vec::new(),
            namespace: HashMap::new(),
            order: Vec::new(),
        });
        let class = self.classes.len() as u32 - 1;
        let object = self.new_instance(class, span)?;
        if let Value::Instance(id) = object {
            for (attr, value) in attrs {
                self.set_instance_attr(id, attr, value);
            }
        }
        Ok(object)
    }

    #[inline(never)]
    fn exec_expression_statement(&mut self, expr: &'a Expr) -> EvalResult<()> {
        match &expr.kind {
            // docstrings and other bare constants do nothing
            ExprKind::Constant(_) | ExprKind::FString(_) => Ok(()),
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let callee = self.eval(func)?;
                if matches!(&callee, Value::Foreign(name) if !super::env::handles(name) && !stdlib::handles(name))
                    && !self.importing
                {
                    let what = match func.dotted_name() {
                        Some(name) => format!("'{name}(...)'"),
                        None => "this call".to_string(),
                    };
                    return Err(self.cannot_run(expr.span, &what));
                }
                let (args, keywords) = self.eval_arguments(args, keywords)?;
                self.call_and_store(func, callee, args, keywords, expr.span)?;
                Ok(())
            }
            _ => self.eval(expr).map(drop),
        }
    }

    /// `with op.get_context().autocommit_block():` — the body outside the step's transaction.
    #[inline(never)]
    fn exec_autocommit_block(&mut self, span: Span, body: &'a [Stmt]) -> EvalResult<Flow> {
        self.autocommit(true, span)?;
        let flow = self.exec_block(body)?;
        self.autocommit(false, span)?;
        Ok(flow)
    }

    fn autocommit(&mut self, entering: bool, span: Span) -> EvalResult<()> {
        let Some(live) = self.live.as_deref_mut() else {
            return Ok(());
        };
        live.autocommit(entering)
            .map_err(|error| ExecError::Database {
                error,
                path: self.script.path.clone(),
                line: span.start.line,
                source_line: source_line(&self.script.source, span.start.line),
            })
    }

    #[inline(never)]
    fn exec_with(
        &mut self,
        span: Span,
        items: &'a [crate::python::WithItem],
        body: &'a [Stmt],
        is_async: bool,
    ) -> EvalResult<Flow> {
        let not_batch = || "'with' blocks other than 'with op.batch_alter_table(...) as batch_op:'";
        let [item] = items else {
            return Err(self.cannot_run(span, not_batch()));
        };
        if is_async {
            return Err(self.cannot_run(span, not_batch()));
        }
        let ExprKind::Call {
            func,
            args,
            keywords,
        } = &item.context.kind
        else {
            return Err(self.cannot_run(span, not_batch()));
        };
        let callee = self.eval(func)?;
        if matches!(&callee, Value::Method(receiver, name) if matches!(**receiver, Value::Context) && name == "autocommit_block")
        {
            return self.exec_autocommit_block(item.context.span, body);
        }
        if !matches!(&callee, Value::Function(name) if name == "op.batch_alter_table") {
            // a context manager whose `__enter__` gives the value itself and whose `__exit__`
            // has nothing to undo here: a connection (`with engine.connect() as connection:`),
            // env.py's `context.begin_transaction()`, an ORM `Session`
            let manager = match &callee {
                Value::Foreign(name) | Value::Module(name) => {
                    super::env::handles(name) || super::orm::is_session_class(name)
                }
                _ => false,
            };
            if !manager {
                return Err(self.cannot_run(span, not_batch()));
            }
            let (args, keywords) = self.eval_arguments(args, keywords)?;
            let value = self.call(callee, args, keywords, item.context.span)?;
            let entered = match &value {
                Value::Connection | Value::OrmSession(_) => true,
                Value::Foreign(name) => name == super::env::TRANSACTION,
                _ => false,
            };
            if !entered {
                return Err(self.cannot_run(span, not_batch()));
            }
            if let Some(target) = &item.target {
                self.assign(target, value)?;
            }
            return self.exec_block(body);
        }
        if self.batch.is_some() {
            return Err(self.unsupported(
                item.context.span,
                "a batch_alter_table block cannot be nested inside another one",
            ));
        }
        let call_span = item.context.span;
        let (args, keywords) = self.eval_arguments(args, keywords)?;
        let pending = ops_calls::batch_alter_table(self, args, keywords, call_span)?;
        let id = self.next_batch_id;
        self.next_batch_id += 1;
        if let Some(target) = &item.target {
            self.assign(target, Value::BatchOp(id))?;
        }
        self.batch = Some(ActiveBatch {
            id,
            ops: Vec::new(),
        });
        let flow = self.exec_block(body);
        let batch = self.batch.take();
        let flow = flow?;
        let ops = batch.map(|b| b.ops).unwrap_or_default();
        self.push_op(pending.into_operation(ops), call_span)?;
        Ok(flow)
    }

    fn assign(&mut self, target: &'a Expr, value: Value) -> EvalResult<()> {
        match &target.kind {
            ExprKind::Name(name) => {
                self.bind(name.clone(), value);
                Ok(())
            }
            ExprKind::Attribute {
                value: object,
                attr,
            } => {
                let object = self.eval(object)?;
                self.set_attribute(object, attr, value, target.span)
            }
            ExprKind::Tuple(targets) | ExprKind::List(targets) => {
                let items = match value {
                    Value::Tuple(items) | Value::List(items) | Value::Row(_, items) => items,
                    other => {
                        return Err(self.unsupported(
                            target.span,
                            format!(
                                "the playground can only unpack a tuple or list here, not {}",
                                other.kind_name()
                            ),
                        ))
                    }
                };
                if items.len() != targets.len() {
                    let message = if items.len() > targets.len() {
                        format!("too many values to unpack (expected {})", targets.len())
                    } else {
                        format!(
                            "not enough values to unpack (expected {}, got {})",
                            targets.len(),
                            items.len()
                        )
                    };
                    return Err(self.python(target.span, "ValueError", message));
                }
                for (target, item) in targets.iter().zip(items) {
                    self.assign(target, item)?;
                }
                Ok(())
            }
            ExprKind::Subscript {
                value: object,
                index,
            } if object.as_name().is_some() => {
                let name = object.as_name().unwrap_or_default();
                let container = self.lookup(name, object.span)?;
                if let ExprKind::Slice { lower, upper, step } = &index.kind {
                    let updated =
                        self.set_slice(container, [lower, upper, step], value, target.span)?;
                    let updated = self.check_built(updated, target.span)?;
                    self.bind(name.to_string(), updated);
                    return Ok(());
                }
                let key = self.eval(index)?;
                let updated = self.set_item(container, key, value, target.span)?;
                let updated = self.check_built(updated, target.span)?;
                self.bind(name.to_string(), updated);
                Ok(())
            }
            _ => Err(self.cannot_run(
                target.span,
                &format!("assignment to a {}", target.description()),
            )),
        }
    }

    /// `items[lower:upper] = value` on a list (`directives[:] = []`): the slice's items are
    /// replaced by what `value` iterates to. An extended slice (`step`) is not supported.
    fn set_slice(
        &mut self,
        container: Value,
        bounds: [&'a Option<Box<Expr>>; 3],
        value: Value,
        span: Span,
    ) -> EvalResult<Value> {
        let Value::List(mut items) = container else {
            let kind = container.kind_name();
            return Err(self.python(
                span,
                "TypeError",
                format!("'{kind}' object does not support item assignment"),
            ));
        };
        if bounds[2].is_some() {
            return Err(self.cannot_run(span, "an assignment to an extended slice"));
        }
        let (lower, upper, _) = self.slice_bounds(bounds, span)?;
        let replacement = self.iterate(value, span)?;
        let len = items.len() as i64;
        let clip = |at: Option<i64>, default: i64| match at {
            None => default,
            Some(i) if i < 0 => (i + len).max(0),
            Some(i) => i.min(len),
        };
        let start = clip(lower, 0) as usize;
        let end = (clip(upper, len) as usize).max(start);
        items.splice(start..end, replacement);
        Ok(Value::List(items))
    }

    /// `container[key] = value` (containers are values here: the caller binds the result).
    #[inline(never)]
    fn set_item(
        &self,
        container: Value,
        key: Value,
        value: Value,
        span: Span,
    ) -> EvalResult<Value> {
        match (container, key) {
            (Value::Dict(mut items), key) => {
                match items
                    .iter_mut()
                    .find(|(k, _)| k.python_eq(&key) == Some(true))
                {
                    Some(entry) => entry.1 = value,
                    None => items.push((key, value)),
                }
                Ok(Value::Dict(items))
            }
            (Value::List(mut items), Value::Int(i)) => {
                let at = if i < 0 { i + items.len() as i64 } else { i };
                match usize::try_from(at).ok().filter(|at| *at < items.len()) {
                    Some(at) => {
                        items[at] = value;
                        Ok(Value::List(items))
                    }
                    None => {
                        Err(self.python(span, "IndexError", "list assignment index out of range"))
                    }
                }
            }
            (Value::List(_), _) => {
                Err(self.python(span, "TypeError", "list indices must be integers or slices"))
            }
            (other, _) => {
                let kind = match other {
                    Value::Tuple(_) => "tuple".to_string(),
                    Value::Str(_) => "str".to_string(),
                    Value::Int(_) => "int".to_string(),
                    other => other.kind_name(),
                };
                Err(self.python(
                    span,
                    "TypeError",
                    format!("'{kind}' object does not support item assignment"),
                ))
            }
        }
    }

    pub fn iterate(&mut self, value: Value, span: Span) -> EvalResult<Vec<Value>> {
        match value {
            Value::List(items) | Value::Tuple(items) => Ok(items),
            Value::Dict(items) => Ok(items.into_iter().map(|(k, _)| k).collect()),
            Value::Str(text) => Ok(text.chars().map(|c| Value::Str(c.to_string())).collect()),
            Value::Rows(rows) => Ok(rows.items()),
            Value::Row(_, values) => Ok(values),
            Value::OrmQuery(query) => super::orm::results(self, &query, span),
            other => Err(self.unsupported(
                span,
                format!(
                    "the playground can loop over literal lists, tuples and dicts, not {}",
                    other.kind_name()
                ),
            )),
        }
    }

    pub fn truth(&self, value: &Value, span: Span) -> EvalResult<bool> {
        match value.truthy() {
            Some(b) => Ok(b),
            None => Err(self.python(
                span,
                "TypeError",
                "Boolean value of this clause is not defined",
            )),
        }
    }

    // ------------------------------------------------------- expressions

    #[inline(never)]
    fn lookup(&mut self, name: &str, span: Span) -> EvalResult<Value> {
        if let Some(value) = self.locals.get(name) {
            return Ok(value.clone());
        }
        if let Some(module) = self.current_module {
            if let Some(value) = self.module_globals[module as usize].get(name) {
                return Ok(value.clone());
            }
            return self.builtin(name, span);
        }
        if let Some(value) = self.evaluated_globals.get(name) {
            return Ok(value.clone());
        }
        self.load_global(name, span)
    }

    /// A module-level name's first use. Each kind is loaded by its own non-inlined function:
    /// `A = [B]; B = [C]; ...` recurses through here, and unoptimised builds give every
    /// branch's temporaries their own slot in one frame.
    #[inline(never)]
    fn load_global(&mut self, name: &str, span: Span) -> EvalResult<Value> {
        let value = match self.find_global(&self.script.module.body, name) {
            Some(Global::Value(value)) => value,
            Some(Global::Expr(expr)) => self.load_global_expr(name, expr)?,
            Some(Global::Function(definition)) => self.load_global_function(definition, span)?,
            Some(Global::Import(module, imported, at)) => {
                self.load_global_import(Imported::From(module, imported), at)?
            }
            Some(Global::Class(definition)) => self.load_global_class(definition, span)?,
            None => return self.builtin(name, span),
        };
        self.evaluated_globals
            .insert(name.to_string(), value.clone());
        Ok(value)
    }

    #[inline(never)]
    fn load_global_expr(&mut self, name: &str, expr: &'a Expr) -> EvalResult<Value> {
        if self.evaluating_globals.iter().any(|g| g == name) {
            return Err(self.unsupported(
                expr.span,
                format!("the module-level value of '{name}' refers to itself"),
            ));
        }
        // module-level code sees only module-level names, and runs as on import
        let saved = self.enter(Frame::Function, None, true);
        self.evaluating_globals.push(name.to_string());
        let result = self.eval(expr);
        self.evaluating_globals.pop();
        self.leave(saved);
        result
    }

    #[inline(never)]
    fn load_global_function(
        &mut self,
        definition: &'a FunctionDef,
        span: Span,
    ) -> EvalResult<Value> {
        let saved_locals = std::mem::take(&mut self.locals);
        let function = self.define(definition, HashMap::new(), span);
        self.locals = saved_locals;
        function
    }

    #[inline(never)]
    fn load_global_import(&mut self, imported: Imported, at: Span) -> EvalResult<Value> {
        let saved = self.enter(Frame::Function, None, true);
        let value = self.resolve_import(imported, at);
        self.leave(saved);
        value
    }

    #[inline(never)]
    fn load_global_class(
        &mut self,
        definition: &'a crate::python::ClassDef,
        span: Span,
    ) -> EvalResult<Value> {
        let saved = self.enter(Frame::Function, None, true);
        let class = self.build_class(definition, span);
        self.leave(saved);
        class
    }

    /// The command's clock; the Unix epoch when the revision is read without a migration
    /// (lint).
    pub(super) fn now(&self) -> crate::host::CreateDate {
        match &self.live {
            Some(live) => live.now(),
            None => crate::host::CreateDate::from_unix_micros(0),
        }
    }

    /// 128 bits for `uuid.uuid4()`, from a splitmix64 generator seeded by the clock.
    pub(super) fn new_uuid(&mut self) -> u128 {
        let state = match self.uuid_state {
            Some(state) => state,
            None => {
                let now = self.now();
                (now.epoch as u64).wrapping_mul(1_000_000) ^ u64::from(now.microsecond)
            }
        };
        let next = |state: &mut u64| {
            *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut state = state;
        let bits = (u128::from(next(&mut state)) << 64) | u128::from(next(&mut state));
        self.uuid_state = Some(state);
        stdlib::uuid_v4(bits)
    }

    /// `template.format(*args, **kwargs)`.
    #[inline(never)]
    fn str_format(
        &mut self,
        template: Value,
        args: Vec<Arg>,
        keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<Value> {
        let template = template.python_str().unwrap_or_default();
        let args: Vec<Value> = args.into_iter().map(|arg| arg.value).collect();
        let keywords: Vec<(String, Value)> =
            keywords.into_iter().map(|k| (k.name, k.value)).collect();
        let text = super::format::str_format(&template, &args, &keywords)
            .map_err(|failure| self.format_failure(span, failure))?;
        self.check_len(text.chars().count(), span)?;
        Ok(Value::Str(text))
    }

    /// A formatting error: Python's exception, or the playground's limitation.
    pub(super) fn format_failure(
        &self,
        span: Span,
        (exception, message): super::format::FormatError,
    ) -> ExecError {
        if exception == super::format::UNSUPPORTED {
            self.unsupported(span, message)
        } else {
            self.python(span, exception, message)
        }
    }

    fn builtin(&self, name: &str, span: Span) -> EvalResult<Value> {
        match builtins::BUILTINS.iter().find(|b| **b == name) {
            Some(builtin) => Ok(Value::Builtin(builtin)),
            None if UNSUPPORTED_BUILTINS.contains(&name) => Ok(Value::Foreign(name.to_string())),
            None => Err(self.python(span, "NameError", format!("name '{name}' is not defined"))),
        }
    }

    pub fn eval(&mut self, expr: &'a Expr) -> EvalResult<Value> {
        if self.eval_depth >= MAX_EVAL_DEPTH {
            return Err(self.unsupported(
                expr.span,
                "this expression is nested too deeply for the playground",
            ));
        }
        self.eval_depth += 1;
        let result = self.eval_inner(expr);
        self.eval_depth -= 1;
        result
    }

    /// One level of evaluation. Each kind is its own non-inlined function so that the frame
    /// on the recursion path stays small (unoptimised builds give every temporary its own slot).
    fn eval_inner(&mut self, expr: &'a Expr) -> EvalResult<Value> {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Name(name) => self.lookup(name, span),
            ExprKind::Constant(constant) => self.constant(constant, span),
            ExprKind::FString(parts) => self.fstring(parts, span),
            ExprKind::Attribute { value, attr } => self.eval_attribute(value, attr, span),
            ExprKind::Subscript { value, index } => self.eval_subscript(value, index, span),
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.eval_call(func, args, keywords, span),
            ExprKind::Tuple(items) => self.eval_sequence(items, true, span),
            ExprKind::List(items) => self.eval_sequence(items, false, span),
            ExprKind::Dict(entries) => self.eval_dict(entries, span),
            ExprKind::BinOp {
                left,
                operator,
                right,
            } => self.eval_binop(left, *operator, right, span),
            ExprKind::UnaryOp { operator, operand } => self.eval_unary(*operator, operand, span),
            ExprKind::BoolOp { operator, values } => self.eval_boolop(*operator, values),
            ExprKind::Compare { left, comparisons } => self.eval_compare(left, comparisons, span),
            ExprKind::IfExp { test, body, orelse } => self.eval_ifexp(test, body, orelse),
            ExprKind::Lambda { parameters, body } => self.eval_lambda(parameters, body, span),
            // a generator is consumed at once (what it yields, not when)
            ExprKind::ListComp {
                element,
                generators,
            }
            | ExprKind::GeneratorExp {
                element,
                generators,
            } => self.eval_comprehension(element, None, generators, span),
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.eval_comprehension(key, Some(value), generators, span),
            ExprKind::Await(awaited) => {
                let value = self.eval(awaited)?;
                self.run_coroutine(value, span)
            }
            _ => Err(self.cannot_evaluate(expr)),
        }
    }

    /// A list or dict comprehension (or a generator expression, as a list), in its own scope:
    /// its loop names do not leak.
    #[inline(never)]
    fn eval_comprehension(
        &mut self,
        element: &'a Expr,
        value: Option<&'a Expr>,
        generators: &'a [crate::python::Comprehension],
        span: Span,
    ) -> EvalResult<Value> {
        let inner = match self.frame {
            Frame::Function => self.locals.clone(),
            Frame::Module | Frame::Class => HashMap::new(),
        };
        let saved = self.enter(Frame::Function, self.current_module, self.importing);
        self.locals = inner;
        let mut out = Vec::new();
        let result = self.comprehend(element, value, generators, &mut out, span);
        self.leave(saved);
        result?;
        let built = match value {
            Some(_) => {
                let mut items = Vec::new();
                for (key, value) in out {
                    dict_insert(&mut items, key, value.unwrap_or(Value::None));
                }
                Value::Dict(items)
            }
            None => Value::List(out.into_iter().map(|(item, _)| item).collect()),
        };
        self.check_built(built, span)
    }

    fn comprehend(
        &mut self,
        element: &'a Expr,
        value: Option<&'a Expr>,
        generators: &'a [crate::python::Comprehension],
        out: &mut Vec<(Value, Option<Value>)>,
        span: Span,
    ) -> EvalResult<()> {
        let Some((first, rest)) = generators.split_first() else {
            let item = self.eval(element)?;
            let value = match value {
                Some(value) => Some(self.eval(value)?),
                None => None,
            };
            out.push((item, value));
            return self.check_len(out.len(), span);
        };
        if first.is_async {
            return Err(self.cannot_run(span, "'async for' in a comprehension"));
        }
        let iterable = self.eval(&first.iter)?;
        let items = self.iterate(iterable, first.iter.span)?;
        'items: for item in items {
            self.tick(span)?;
            self.assign(&first.target, item)?;
            for condition in &first.conditions {
                let test = self.eval(condition)?;
                if !self.truth(&test, condition.span)? {
                    continue 'items;
                }
            }
            self.comprehend(element, value, rest, out, span)?;
        }
        Ok(())
    }

    #[inline(never)]
    fn cannot_evaluate(&self, expr: &'a Expr) -> ExecError {
        if matches!(expr.kind, ExprKind::Starred(_)) {
            return self.unsupported(
                expr.span,
                "a starred expression is only supported as a call argument",
            );
        }
        self.unsupported(
            expr.span,
            format!(
                "the playground cannot evaluate a {} inside {}(); use literal values, SQLAlchemy constructs and op.* calls",
                expr.description(),
                self.function
            ),
        )
    }

    #[inline(never)]
    fn eval_attribute(&mut self, value: &'a Expr, attr: &str, span: Span) -> EvalResult<Value> {
        let value = self.eval(value)?;
        self.attribute(value, attr, span)
    }

    #[inline(never)]
    fn eval_subscript(
        &mut self,
        value: &'a Expr,
        index: &'a Expr,
        span: Span,
    ) -> EvalResult<Value> {
        let value = self.eval(value)?;
        if let ExprKind::Slice { lower, upper, step } = &index.kind {
            let picked = self.slice_positions(&value, [lower, upper, step], span)?;
            return self.sliced(value, &picked, span);
        }
        let index = self.eval(index)?;
        self.subscript(value, index, span)
    }

    /// The positions `value[lower:upper:step]` picks, as Python computes them (out-of-range
    /// bounds are clipped; a step of 0 is a ValueError).
    fn slice_positions(
        &mut self,
        value: &Value,
        bounds: [&'a Option<Box<Expr>>; 3],
        span: Span,
    ) -> EvalResult<Vec<usize>> {
        let len = match value {
            Value::List(items) | Value::Tuple(items) => items.len(),
            Value::Str(text) => text.chars().count(),
            other => {
                return Err(self.python(
                    span,
                    "TypeError",
                    format!("'{}' object is not subscriptable", other.kind_name()),
                ))
            }
        } as i64;
        let (lower, upper, step) = self.slice_bounds(bounds, span)?;
        let clip = |at: Option<i64>, default: i64| -> i64 {
            match at {
                None => default,
                Some(i) if i < 0 => (i + len).max(if step < 0 { -1 } else { 0 }),
                Some(i) => i.min(if step < 0 { len - 1 } else { len }),
            }
        };
        let (start, stop) = if step > 0 {
            (clip(lower, 0), clip(upper, len))
        } else {
            (clip(lower, len - 1), clip(upper, -1))
        };
        let mut positions = Vec::new();
        let mut at = start;
        while (step > 0 && at < stop) || (step < 0 && at > stop) {
            positions.push(at as usize);
            at += step;
        }
        Ok(positions)
    }

    /// A slice's `lower`, `upper` and `step` (1 when not given).
    fn slice_bounds(
        &mut self,
        [lower, upper, step]: [&'a Option<Box<Expr>>; 3],
        span: Span,
    ) -> EvalResult<(Option<i64>, Option<i64>, i64)> {
        let bound = |ev: &mut Self, expr: &'a Option<Box<Expr>>| -> EvalResult<Option<i64>> {
            let Some(expr) = expr else { return Ok(None) };
            match ev.eval(expr)? {
                Value::None => Ok(None),
                Value::Int(i) => Ok(Some(i)),
                Value::Bool(b) => Ok(Some(b as i64)),
                _ => Err(ev.python(
                    expr.span,
                    "TypeError",
                    "slice indices must be integers or None or have an __index__ method",
                )),
            }
        };
        let lower = bound(self, lower)?;
        let upper = bound(self, upper)?;
        let step = bound(self, step)?.unwrap_or(1);
        if step == 0 {
            return Err(self.python(span, "ValueError", "slice step cannot be zero"));
        }
        Ok((lower, upper, step))
    }

    fn sliced(&self, value: Value, positions: &[usize], span: Span) -> EvalResult<Value> {
        let pick = |items: &[Value]| -> Vec<Value> {
            positions
                .iter()
                .filter_map(|&p| items.get(p).cloned())
                .collect()
        };
        Ok(match value {
            Value::List(items) => Value::List(pick(&items)),
            Value::Tuple(items) => Value::Tuple(pick(&items)),
            Value::Str(text) => {
                let chars: Vec<char> = text.chars().collect();
                Value::Str(positions.iter().filter_map(|&p| chars.get(p)).collect())
            }
            other => {
                return Err(self.python(
                    span,
                    "TypeError",
                    format!("'{}' object is not subscriptable", other.kind_name()),
                ))
            }
        })
    }

    #[inline(never)]
    fn eval_call(
        &mut self,
        func: &'a Expr,
        args: &'a [Expr],
        keywords: &'a [crate::python::Keyword],
        span: Span,
    ) -> EvalResult<Value> {
        let callee = self.eval(func)?;
        let (args, keywords) = self.eval_arguments(args, keywords)?;
        self.call_and_store(func, callee, args, keywords, span)
    }

    /// A call whose method consumed rows of a variable (`row = result.fetchone()`) stores the
    /// receiver back, as Python's result object would have advanced.
    fn call_and_store(
        &mut self,
        func: &'a Expr,
        callee: Value,
        args: Vec<Arg>,
        keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<Value> {
        let value = self.call(callee, args, keywords, span)?;
        if let Some(updated) = self.updated_receiver.take() {
            if let ExprKind::Attribute {
                value: receiver, ..
            } = &func.kind
            {
                if let Some(name) = receiver.as_name() {
                    self.bind(name.to_string(), updated);
                }
            }
        }
        Ok(value)
    }

    #[inline(never)]
    fn eval_sequence(&mut self, items: &'a [Expr], tuple: bool, span: Span) -> EvalResult<Value> {
        let items = self.eval_items(items)?;
        self.check_built(
            if tuple {
                Value::Tuple(items)
            } else {
                Value::List(items)
            },
            span,
        )
    }

    #[inline(never)]
    fn eval_dict(
        &mut self,
        entries: &'a [crate::python::DictEntry],
        span: Span,
    ) -> EvalResult<Value> {
        let mut out: Vec<(Value, Value)> = Vec::new();
        for entry in entries {
            let value = self.eval(&entry.value)?;
            match &entry.key {
                Some(key) => {
                    let key = self.eval(key)?;
                    dict_insert(&mut out, key, value);
                }
                None => match value {
                    Value::Dict(items) => {
                        for (k, v) in items {
                            dict_insert(&mut out, k, v);
                        }
                    }
                    other => {
                        return Err(self.unsupported(
                            entry.value.span,
                            format!("cannot unpack {} into a dict", other.kind_name()),
                        ))
                    }
                },
            }
        }
        self.check_built(Value::Dict(out), span)
    }

    #[inline(never)]
    fn eval_binop(
        &mut self,
        left: &'a Expr,
        operator: BinaryOperator,
        right: &'a Expr,
        span: Span,
    ) -> EvalResult<Value> {
        let left = self.eval(left)?;
        let right = self.eval(right)?;
        self.binary(left, operator, right, span)
    }

    #[inline(never)]
    fn eval_unary(
        &mut self,
        operator: UnaryOperator,
        operand: &'a Expr,
        span: Span,
    ) -> EvalResult<Value> {
        let value = self.eval(operand)?;
        match (operator, value) {
            (UnaryOperator::Negative, Value::Int(i)) => i
                .checked_neg()
                .map(Value::Int)
                .ok_or_else(|| self.unsupported(span, "integer too large")),
            (UnaryOperator::Negative, Value::Float(f)) => Ok(Value::Float(-f)),
            (UnaryOperator::Positive, v @ (Value::Int(_) | Value::Float(_))) => Ok(v),
            (UnaryOperator::Not, v) => Ok(Value::Bool(!self.truth(&v, span)?)),
            (_, v) => Err(self.unsupported(
                span,
                format!(
                    "the playground cannot apply this operator to {}",
                    v.kind_name()
                ),
            )),
        }
    }

    #[inline(never)]
    fn eval_boolop(&mut self, operator: BoolOperator, values: &'a [Expr]) -> EvalResult<Value> {
        let mut last = Value::None;
        for value in values {
            last = self.eval(value)?;
            let truth = self.truth(&last, value.span)?;
            match operator {
                BoolOperator::And if !truth => return Ok(last),
                BoolOperator::Or if truth => return Ok(last),
                _ => {}
            }
        }
        Ok(last)
    }

    #[inline(never)]
    fn eval_compare(
        &mut self,
        left: &'a Expr,
        comparisons: &'a [(CompareOperator, Expr)],
        span: Span,
    ) -> EvalResult<Value> {
        let mut left_value = self.eval(left)?;
        if let [(operator, right)] = comparisons {
            let right = self.eval(right)?;
            return self.compare(left_value, *operator, right, span);
        }
        for (operator, right) in comparisons {
            let right_value = self.eval(right)?;
            let result = self.compare(left_value, *operator, right_value.clone(), span)?;
            if !self.truth(&result, span)? {
                return Ok(Value::Bool(false));
            }
            left_value = right_value;
        }
        Ok(Value::Bool(true))
    }

    #[inline(never)]
    fn eval_ifexp(
        &mut self,
        test: &'a Expr,
        body: &'a Expr,
        orelse: &'a Expr,
    ) -> EvalResult<Value> {
        let test_value = self.eval(test)?;
        if self.truth(&test_value, test.span)? {
            self.eval(body)
        } else {
            self.eval(orelse)
        }
    }

    #[inline(never)]
    fn eval_items(&mut self, items: &'a [Expr]) -> EvalResult<Vec<Value>> {
        let mut out = Vec::new();
        for item in items {
            if let ExprKind::Starred(inner) = &item.kind {
                self.eval_starred(inner, &mut out)?;
            } else {
                out.push(self.eval(item)?);
            }
        }
        Ok(out)
    }

    /// `*inner` in a list, tuple or set display: its items, appended to `out`. Apart from
    /// `eval_items` so that the frame on the nesting path (`[[[...]]]`) stays small.
    #[inline(never)]
    fn eval_starred(&mut self, inner: &'a Expr, out: &mut Vec<Value>) -> EvalResult<()> {
        let value = self.eval(inner)?;
        out.extend(self.iterate(value, inner.span)?);
        Ok(())
    }

    pub fn eval_arguments(
        &mut self,
        args: &'a [Expr],
        keywords: &'a [crate::python::Keyword],
    ) -> EvalResult<(Vec<Arg>, Vec<KwArg>)> {
        let mut positional = Vec::new();
        for arg in args {
            if let ExprKind::Starred(inner) = &arg.kind {
                let value = self.eval(inner)?;
                for item in self.iterate(value, inner.span)? {
                    positional.push(Arg {
                        value: item,
                        span: inner.span,
                    });
                }
            } else {
                positional.push(Arg {
                    value: self.eval(arg)?,
                    span: arg.span,
                });
            }
        }
        let mut named = Vec::new();
        for keyword in keywords {
            let value = self.eval(&keyword.value)?;
            match &keyword.name {
                Some(name) => named.push(KwArg {
                    name: name.clone(),
                    value,
                    span: keyword.span,
                }),
                None => match value {
                    Value::Dict(items) => {
                        for (key, value) in items {
                            let Value::Str(name) = key else {
                                return Err(self.python(
                                    keyword.span,
                                    "TypeError",
                                    "keywords must be strings",
                                ));
                            };
                            named.push(KwArg {
                                name,
                                value,
                                span: keyword.span,
                            });
                        }
                    }
                    other => {
                        return Err(self.unsupported(
                            keyword.span,
                            format!("cannot unpack {} as keyword arguments", other.kind_name()),
                        ))
                    }
                },
            }
        }
        Ok((positional, named))
    }

    fn constant(&self, constant: &Constant, span: Span) -> EvalResult<Value> {
        Ok(match constant {
            Constant::None => Value::None,
            Constant::Bool(b) => Value::Bool(*b),
            Constant::Int(i) => Value::Int(i64::try_from(*i).map_err(|_| {
                self.unsupported(span, "the playground supports integers of at most 64 bits")
            })?),
            Constant::Float(f) => Value::Float(*f),
            Constant::Str(s) => Value::Str(s.clone()),
            Constant::BigInt(_) => {
                return Err(
                    self.unsupported(span, "the playground supports integers of at most 64 bits")
                )
            }
            Constant::Imaginary(_) | Constant::Bytes(_) | Constant::Ellipsis => {
                return Err(self.unsupported(
                    span,
                    "the playground cannot use complex numbers, bytes or '...' here",
                ))
            }
        })
    }

    fn fstring(&mut self, parts: &'a [FStringPart], span: Span) -> EvalResult<Value> {
        let mut out = String::new();
        for part in parts {
            match part {
                FStringPart::Literal(text) => out.push_str(text),
                FStringPart::Expression(field) => {
                    if field.debug_text.is_some() {
                        return Err(self.unsupported(
                            field.span,
                            "the playground supports f-string fields without '=' only",
                        ));
                    }
                    let value = self.eval(&field.value)?;
                    let value = match field.conversion {
                        Some('r') | Some('a') => match value.python_repr() {
                            Some(text) => Value::Str(text),
                            None => {
                                return Err(self.unsupported(
                                    field.span,
                                    format!(
                                        "the playground cannot format {} in an f-string",
                                        value.kind_name()
                                    ),
                                ))
                            }
                        },
                        _ => value,
                    };
                    let spec = match &field.format_spec {
                        Some(spec) => match self.fstring(spec, field.span)? {
                            Value::Str(spec) => spec,
                            _ => String::new(),
                        },
                        None => String::new(),
                    };
                    let text = super::format::format_value(&value, &spec)
                        .map_err(|failure| self.format_failure(field.span, failure))?;
                    out.push_str(&text);
                }
            }
        }
        self.check_len(out.chars().count(), span)?;
        Ok(Value::Str(out))
    }

    /// A list, tuple or dict just built (or a closure's captured value): within
    /// `MAX_VALUE_NODES` and `MAX_VALUE_DEPTH`, and counted against `BUILD_BUDGET`.
    pub fn check_built(&mut self, value: Value, span: Span) -> EvalResult<Value> {
        let mut nodes = 0;
        if !value.within(MAX_VALUE_NODES, MAX_VALUE_DEPTH, &mut nodes) {
            return Err(self.unsupported(
                span,
                format!(
                    "the playground limits a value to {MAX_VALUE_NODES} items, nested at most {MAX_VALUE_DEPTH} deep"
                ),
            ));
        }
        self.built += nodes;
        if self.built > BUILD_BUDGET {
            return Err(self.unsupported(
                span,
                format!(
                    "{}() builds more than {BUILD_BUDGET} values; the playground stops here",
                    self.function
                ),
            ));
        }
        Ok(value)
    }

    pub fn check_len(&self, len: usize, span: Span) -> EvalResult<()> {
        if len > MAX_VALUE_LEN {
            return Err(self.unsupported(
                span,
                format!(
                    "the playground limits built values to {MAX_VALUE_LEN} items or characters"
                ),
            ));
        }
        Ok(())
    }

    fn attribute(&mut self, value: Value, attr: &str, span: Span) -> EvalResult<Value> {
        let no_attribute = |this: &Self, what: String| {
            this.python(
                span,
                "AttributeError",
                format!("{what} has no attribute '{attr}'"),
            )
        };
        match value {
            Value::Library(library) => stdlib::attribute(&library, attr).ok_or_else(|| {
                no_attribute(self, format!("'{}' object", stdlib::type_name(&library)))
            }),
            Value::Module(path) => match names::member(&path, attr) {
                Some(v) => Ok(v),
                None => Err(no_attribute(self, format!("module '{path}'"))),
            },
            Value::Op => {
                if ops_calls::OP_FUNCTIONS.contains(&attr) {
                    Ok(Value::Function(format!("op.{attr}")))
                } else {
                    Err(no_attribute(self, "module 'alembic.op'".to_string()))
                }
            }
            Value::BatchOp(id) => {
                if self.batch.as_ref().map(|b| b.id) != Some(id) {
                    return Err(self.unsupported(
                        span,
                        "batch_op is used outside its 'with op.batch_alter_table(...)' block",
                    ));
                }
                if ops_calls::BATCH_FUNCTIONS.contains(&attr) {
                    Ok(Value::Function(format!("batch_op.{attr}")))
                } else {
                    Err(no_attribute(self, "'BatchOperations' object".to_string()))
                }
            }
            Value::Foreign(name) => {
                if let Some(constant) = stdlib::constant(&name, attr) {
                    return Ok(constant);
                }
                match super::env::missing_attribute(self, &name, attr) {
                    Some(message) => Err(self.python(span, "AttributeError", message)),
                    None => Ok(super::env::attribute(self, &name, attr)
                        .unwrap_or_else(|| Value::Foreign(format!("{name}.{attr}")))),
                }
            }
            value @ (Value::OrmSession(_) | Value::OrmQuery(_)) => {
                super::orm::attribute(self, &value, attr, span)
            }
            Value::MetaData(id) => match metadata::attribute(self, id, attr) {
                Some(value) => Ok(value),
                None => Err(self.unsupported(
                    span,
                    format!("the playground cannot read '.{attr}' of a MetaData"),
                )),
            },
            Value::Inspector(_) => match connection::inspector_attribute(&value, attr) {
                Some(method) => Ok(method),
                None => Err(no_attribute(self, "'Inspector' object".to_string())),
            },
            // `sa.Enum(...).create(bind, checkfirst=True)`: SQLite has no types to create
            other @ Value::Type(_) if matches!(attr, "create" | "drop") => {
                Ok(Value::Method(Box::new(other), attr.to_string()))
            }
            other @ (Value::Type(_) | Value::TypeClass(_)) if attr == "with_variant" => {
                Ok(Value::Method(Box::new(other), attr.to_string()))
            }
            Value::Dialect if attr == "type_descriptor" => {
                Ok(Value::Method(Box::new(Value::Dialect), attr.to_string()))
            }
            other @ (Value::ProjectModule(_)
            | Value::Class(_)
            | Value::Instance(_)
            | Value::Super(..)) => match self.object_attribute(&other, attr, span) {
                Some(result) => result,
                None => Err(no_attribute(self, other.kind_name())),
            },
            other
                if builtins::has_method(&other, attr)
                    || (attr == "format" && matches!(other, Value::Str(_))) =>
            {
                Ok(Value::Method(Box::new(other), attr.to_string()))
            }
            other => match connection::attribute(self, &other, attr, span) {
                Some(result) => result,
                None => schema_calls::attribute(self, other, attr, span),
            },
        }
    }

    fn subscript(&mut self, value: Value, index: Value, span: Span) -> EvalResult<Value> {
        match (value, index) {
            (Value::Dict(items), key) => {
                for (k, v) in items {
                    if k.python_eq(&key) == Some(true) {
                        return Ok(v);
                    }
                }
                let repr = key
                    .to_literal()
                    .map(|l| l.python_repr())
                    .unwrap_or_else(|| key.kind_name());
                Err(self.python(span, "KeyError", repr))
            }
            (Value::List(items) | Value::Tuple(items) | Value::Row(_, items), Value::Int(i)) => {
                let len = items.len() as i64;
                let position = if i < 0 { i + len } else { i };
                usize::try_from(position)
                    .ok()
                    .and_then(|p| items.get(p).cloned())
                    .ok_or_else(|| self.python(span, "IndexError", "list index out of range"))
            }
            (Value::Str(text), Value::Int(i)) => {
                let len = text.chars().count() as i64;
                let position = if i < 0 { i + len } else { i };
                usize::try_from(position)
                    .ok()
                    .and_then(|p| text.chars().nth(p))
                    .map(|c| Value::Str(c.to_string()))
                    .ok_or_else(|| self.python(span, "IndexError", "string index out of range"))
            }
            (Value::TableColumns(table, columns), Value::Str(name)) => {
                if columns.contains(&name) {
                    Ok(Value::Sql(SqlExpr::Column { table, name }))
                } else {
                    Err(self.python(span, "KeyError", format!("'{name}'")))
                }
            }
            // a type annotation (`Dict[str, List[Union[...]]]`, `list[int]`): harmless until
            // used, like the names it is made of
            (Value::Foreign(name), _) if name.starts_with("typing.") => {
                Ok(Value::Foreign(format!("{name}[...]")))
            }
            (Value::Builtin(name @ ("list" | "dict" | "tuple" | "type")), _) => {
                Ok(Value::Foreign(format!("{name}[...]")))
            }
            (value, _) => Err(self.unsupported(
                span,
                format!("the playground cannot index {}", value.kind_name()),
            )),
        }
    }

    pub fn call(
        &mut self,
        callee: Value,
        mut args: Vec<Arg>,
        mut keywords: Vec<KwArg>,
        span: Span,
    ) -> EvalResult<Value> {
        let core = match &callee {
            Value::Function(name) => Some(name.starts_with("sa.")),
            Value::Method(receiver, _) => {
                Some(matches!(**receiver, Value::Select(_) | Value::Dml(_)))
            }
            Value::TypeClass(_) => Some(false),
            _ => None,
        };
        if let Some(tables) = core {
            self.resolve_program_types(&mut args, &mut keywords, tables)?;
        }
        match callee {
            Value::Class(class) => self.instantiate(class, args, keywords, span),
            Value::BoundMethod(receiver, function) => {
                self.call_method(function, *receiver, args, keywords, span)
            }
            Value::Builtin("super") => self.super_object(span),
            Value::Builtin(name @ ("classmethod" | "staticmethod" | "property")) => {
                let kind = match name {
                    "classmethod" => FunctionKind::ClassMethod,
                    "staticmethod" => FunctionKind::StaticMethod,
                    _ => FunctionKind::Property,
                };
                match args.first().map(|arg| &arg.value) {
                    Some(Value::UserFunction(id)) => {
                        let id = *id;
                        if let Some(closure) = self.functions.get_mut(id as usize) {
                            closure.kind = kind;
                        }
                        Ok(Value::UserFunction(id))
                    }
                    _ => Err(self.cannot_run(span, &format!("{name}() of this value"))),
                }
            }
            Value::Builtin("type") => self.type_builtin(args, span),
            Value::Method(receiver, name)
                if name == "with_variant"
                    && matches!(*receiver, Value::Type(_) | Value::TypeClass(_)) =>
            {
                self.with_variant(*receiver, args, span)
            }
            Value::Function(name) if name == "sa.inspect" => connection::inspect(self, args, span),
            Value::Foreign(name) | Value::Module(name) if super::env::handles(&name) => {
                super::env::call(self, &name, args, keywords, span)
            }
            Value::Foreign(name) if stdlib::handles(&name) => {
                stdlib::call(self, &name, args, keywords, span)
            }
            Value::Library(library) => stdlib::call_object(self, *library, args, keywords, span),
            Value::Method(receiver, name) if matches!(*receiver, Value::Library(_)) => {
                match *receiver {
                    Value::Library(library) => {
                        stdlib::method(self, *library, &name, args, keywords, span)
                    }
                    _ => Ok(Value::None),
                }
            }
            Value::Method(receiver, name)
                if matches!(*receiver, Value::Type(_))
                    && matches!(name.as_str(), "create" | "drop") =>
            {
                match args.first().map(|arg| &arg.value) {
                    Some(Value::Connection) => Ok(Value::None),
                    _ => Err(self.unsupported(
                        span,
                        format!("the playground runs {name}(op.get_bind()) of a type only"),
                    )),
                }
            }
            Value::Method(receiver, name)
                if matches!(*receiver, Value::OrmSession(_) | Value::OrmQuery(_)) =>
            {
                super::orm::method_call(self, *receiver, &name, args, keywords, span)
            }
            Value::Method(receiver, name) if matches!(*receiver, Value::MetaData(_)) => {
                let id = match *receiver {
                    Value::MetaData(id) => id,
                    _ => 0,
                };
                metadata::call(self, id, &name, args, keywords, span)
            }
            Value::Method(receiver, name) if matches!(*receiver, Value::Inspector(_)) => {
                let id = match *receiver {
                    Value::Inspector(id) => id,
                    _ => 0,
                };
                connection::inspector_call(self, id, &name, args, span)
            }
            // a library base's method called through super(): nothing to model
            Value::Method(receiver, _) if matches!(*receiver, Value::Super(..)) => Ok(Value::None),
            Value::Method(receiver, name)
                if matches!(*receiver, Value::Dialect) && name == "type_descriptor" =>
            {
                Ok(args
                    .into_iter()
                    .next()
                    .map(|arg| arg.value)
                    .unwrap_or(Value::None))
            }
            // a project module's top level configuring a library (`declarative_base()`,
            // `logging.getLogger(__name__)`): an opaque value, harmless until used
            // a dialect's type (`postgresql.JSONB()`), harmless until SQLite would compile it
            Value::Foreign(name) | Value::Module(name)
                if self.importing || name.starts_with("sqlalchemy.dialects.") =>
            {
                Ok(Value::Foreign(format!("{name}()")))
            }
            Value::Function(name) => {
                if let Some(op_name) = name.strip_prefix("op.") {
                    let op_name = op_name.to_string();
                    ops_calls::op_call(self, &op_name, args, keywords, span)
                } else if let Some(op_name) = name.strip_prefix("batch_op.") {
                    let op_name = op_name.to_string();
                    ops_calls::batch_call(self, &op_name, args, keywords, span)
                } else {
                    schema_calls::function_call(self, &name, args, keywords, span)
                }
            }
            Value::TypeClass(name) => schema_calls::type_call(self, &name, args, keywords, span),
            Value::UserFunction(id) => self.call_user(id, args, keywords, span),
            Value::Builtin(name) => {
                let value = builtins::call(self, name, args, keywords, span)?;
                self.check_built(value, span)
            }
            Value::Method(receiver, name)
                if name == "format" && matches!(*receiver, Value::Str(_)) =>
            {
                self.str_format(*receiver, args, keywords, span)
            }
            Value::Method(receiver, name) if builtins::has_method(&receiver, &name) => {
                let (value, updated) = builtins::method(self, *receiver, &name, args, span)?;
                self.updated_receiver = match updated {
                    Some(updated) => Some(self.check_built(updated, span)?),
                    None => None,
                };
                Ok(value)
            }
            Value::Method(receiver, name)
                if matches!(
                    *receiver,
                    Value::Connection | Value::Rows(_) | Value::Row(..)
                ) =>
            {
                let (value, updated) =
                    connection::method_call(self, *receiver, &name, args, keywords, span)?;
                self.updated_receiver = updated;
                Ok(value)
            }
            Value::Method(receiver, name) => {
                schema_calls::method_call(self, *receiver, &name, args, keywords, span)
            }
            Value::Foreign(name) | Value::Module(name) if super::orm::is_session_class(&name) => {
                super::orm::new_session(self, args, keywords, span)
            }
            Value::Foreign(name) if name == "json.dumps" || name == "json.loads" => {
                super::json::call(self, &name, args, keywords, span)
            }
            Value::Foreign(name) if name == "asyncio.run" => match args.into_iter().next() {
                Some(arg) => self.run_coroutine(arg.value, span),
                None => Err(self.python(
                    span,
                    "TypeError",
                    "run() missing 1 required positional argument: 'main'",
                )),
            },
            Value::Foreign(name) => Err(self.unsupported(
                span,
                format!(
                    "the playground cannot call '{name}(...)' inside {}(); {SUPPORTED}",
                    self.function
                ),
            )),
            other => Err(self.python(
                span,
                "TypeError",
                format!("{} is not callable", other.kind_name()),
            )),
        }
    }

    // --------------------------------------------------------- operators

    fn binary(
        &mut self,
        left: Value,
        operator: BinaryOperator,
        right: Value,
        span: Span,
    ) -> EvalResult<Value> {
        use BinaryOperator::*;
        let overflow = |this: &Self| this.unsupported(span, "integer overflow");
        match (left, operator, right) {
            (Value::Str(template), Modulo, args) => super::format::percent(&template, &args)
                .map(Value::Str)
                .map_err(|failure| self.format_failure(span, failure)),
            (Value::Library(a), op @ (Add | Subtract), Value::Library(b)) => {
                stdlib::arithmetic(&a, op == Subtract, &b).ok_or_else(|| {
                    self.python(
                        span,
                        "TypeError",
                        format!(
                            "unsupported operand type(s) for {}: '{}' and '{}'",
                            if op == Subtract { "-" } else { "+" },
                            stdlib::type_name(&a),
                            stdlib::type_name(&b)
                        ),
                    )
                })
            }
            (Value::Int(a), Add, Value::Int(b)) => a
                .checked_add(b)
                .map(Value::Int)
                .ok_or_else(|| overflow(self)),
            (Value::Int(a), Subtract, Value::Int(b)) => a
                .checked_sub(b)
                .map(Value::Int)
                .ok_or_else(|| overflow(self)),
            (Value::Int(a), Multiply, Value::Int(b)) => a
                .checked_mul(b)
                .map(Value::Int)
                .ok_or_else(|| overflow(self)),
            (Value::Int(a), FloorDivide | Modulo, Value::Int(0)) => {
                let _ = a;
                Err(self.python(
                    span,
                    "ZeroDivisionError",
                    "integer division or modulo by zero",
                ))
            }
            (Value::Int(a), FloorDivide, Value::Int(b)) => a
                .checked_div_euclid(b)
                .map(Value::Int)
                .ok_or_else(|| overflow(self)),
            (Value::Int(a), Modulo, Value::Int(b)) => a
                .checked_rem_euclid(b)
                .map(Value::Int)
                .ok_or_else(|| overflow(self)),
            (
                a @ (Value::Int(_) | Value::Float(_)),
                op @ (Add | Subtract | Multiply | Divide),
                b @ (Value::Int(_) | Value::Float(_)),
            ) => {
                let x = as_float(&a);
                let y = as_float(&b);
                Ok(Value::Float(match op {
                    Add => x + y,
                    Subtract => x - y,
                    Multiply => x * y,
                    _ => {
                        if y == 0.0 {
                            return Err(self.python(span, "ZeroDivisionError", "division by zero"));
                        }
                        x / y
                    }
                }))
            }
            (Value::Str(a), Add, Value::Str(b)) => {
                self.check_len(a.chars().count() + b.chars().count(), span)?;
                Ok(Value::Str(a + &b))
            }
            (Value::List(mut a), Add, Value::List(b)) => {
                self.check_len(a.len() + b.len(), span)?;
                a.extend(b);
                self.check_built(Value::List(a), span)
            }
            (Value::Tuple(mut a), Add, Value::Tuple(b)) => {
                self.check_len(a.len() + b.len(), span)?;
                a.extend(b);
                self.check_built(Value::Tuple(a), span)
            }
            (Value::Str(a), Multiply, Value::Int(n)) | (Value::Int(n), Multiply, Value::Str(a)) => {
                let count = usize::try_from(n).unwrap_or(0);
                self.check_len(a.chars().count().saturating_mul(count), span)?;
                Ok(Value::Str(a.repeat(count)))
            }
            (left, op, right) => {
                let sql_left = schema_calls::as_sql_operand(&left);
                let sql_right = schema_calls::as_sql_operand(&right);
                if let (Some(l), Some(r)) = (sql_left, sql_right) {
                    let either_sql = matches!(left, Value::Sql(_) | Value::LightColumn(..))
                        || matches!(right, Value::Sql(_) | Value::LightColumn(..));
                    if either_sql {
                        return Ok(Value::Sql(match op {
                            BitAnd => SqlExpr::And(vec![l, r]),
                            BitOr => SqlExpr::Or(vec![l, r]),
                            Add | Subtract | Multiply | Divide | Modulo => SqlExpr::Binary {
                                left: Box::new(l),
                                operator: op.as_str().to_string(),
                                right: Box::new(r),
                            },
                            _ => {
                                return Err(self.unsupported(
                                    span,
                                    format!(
                                        "the playground cannot use '{}' in SQL expressions",
                                        op.as_str()
                                    ),
                                ))
                            }
                        }));
                    }
                }
                Err(self.unsupported(
                    span,
                    format!(
                        "the playground cannot compute {} {} {}",
                        left.kind_name(),
                        op.as_str(),
                        right.kind_name()
                    ),
                ))
            }
        }
    }

    fn compare(
        &mut self,
        left: Value,
        operator: CompareOperator,
        right: Value,
        span: Span,
    ) -> EvalResult<Value> {
        use CompareOperator::*;
        if matches!(left, Value::Sql(_) | Value::LightColumn(..)) {
            return schema_calls::sql_comparison(self, left, operator, right, span);
        }
        let result = match operator {
            Equal => left.python_eq(&right),
            NotEqual => left.python_eq(&right).map(|b| !b),
            Is => identical(&left, &right),
            IsNot => identical(&left, &right).map(|same| !same),
            In | NotIn => {
                let found = match &right {
                    Value::List(items) | Value::Tuple(items) => {
                        Some(items.iter().any(|i| i.python_eq(&left) == Some(true)))
                    }
                    Value::Dict(items) => {
                        Some(items.iter().any(|(k, _)| k.python_eq(&left) == Some(true)))
                    }
                    Value::Str(haystack) => match &left {
                        Value::Str(needle) => Some(haystack.contains(needle.as_str())),
                        _ => None,
                    },
                    _ => None,
                };
                found.map(|f| if operator == In { f } else { !f })
            }
            Less | LessEqual | Greater | GreaterEqual => {
                let ordering = match (&left, &right) {
                    (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
                    (Value::Library(a), Value::Library(b)) => stdlib::ordering(a, b),
                    (
                        a @ (Value::Int(_) | Value::Float(_)),
                        b @ (Value::Int(_) | Value::Float(_)),
                    ) => as_float(a).partial_cmp(&as_float(b)),
                    _ => None,
                };
                ordering.map(|o| match operator {
                    Less => o.is_lt(),
                    LessEqual => o.is_le(),
                    Greater => o.is_gt(),
                    _ => o.is_ge(),
                })
            }
        };
        match result {
            Some(b) => Ok(Value::Bool(b)),
            None => Err(self.unsupported(
                span,
                format!(
                    "the playground cannot compare {} with {}",
                    left.kind_name(),
                    right.kind_name()
                ),
            )),
        }
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
