//! Running statements: blocks, assignment, `if`/`for`/`while`/`try`/`with`, `import`,
//! `del`, `assert`, and the targets values are stored into.

use super::*;

impl<'a> Evaluator<'a> {
    // -------------------------------------------------------- statements

    pub(super) fn exec_block(&mut self, body: &'a [Stmt]) -> EvalResult<Flow> {
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
    pub(super) fn exec_stmt(&mut self, statement: &'a Stmt) -> EvalResult<Flow> {
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
    pub(super) fn cannot_run_statement(&self, statement: &'a Stmt) -> ExecError {
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
    pub(super) fn exec_assign(&mut self, targets: &'a [Expr], value: &'a Expr) -> EvalResult<Flow> {
        let value = self.eval(value)?;
        for target in targets {
            self.assign(target, value.clone())?;
        }
        Ok(Flow::Next)
    }

    #[inline(never)]
    pub(super) fn exec_aug_assign(
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
    pub(super) fn exec_if(
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
    pub(super) fn exec_for(
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
    pub(super) fn exec_def(&mut self, definition: &'a FunctionDef, span: Span) -> EvalResult<Flow> {
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
    pub(super) fn exec_assert(
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
    pub(super) fn exec_delete(&mut self, targets: &'a [Expr]) -> EvalResult<Flow> {
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
    pub(super) fn exec_import(&mut self, statement: &'a Stmt) -> EvalResult<Flow> {
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
    pub(super) fn eval_lambda(
        &mut self,
        parameters: &'a Parameters,
        body: &'a Expr,
        span: Span,
    ) -> EvalResult<Value> {
        let captured = self.locals.clone();
        self.make_function("<lambda>", parameters, Body::Expr(body), captured, span)
    }

    #[inline(never)]
    pub(super) fn exec_while(
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
    pub(super) fn exec_try(
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
    pub(super) fn raise(&mut self, exception: Option<&'a Expr>, span: Span) -> ExecError {
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

    #[inline(never)]
    pub(super) fn exec_expression_statement(&mut self, expr: &'a Expr) -> EvalResult<()> {
        match &expr.kind {
            // docstrings and other bare constants do nothing
            ExprKind::Constant(_) | ExprKind::FString(_) => Ok(()),
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let callee = self.eval(func)?;
                if matches!(&callee, Value::Foreign(name) if !super::super::env::handles(name) && !stdlib::handles(name))
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
    pub(super) fn exec_autocommit_block(
        &mut self,
        span: Span,
        body: &'a [Stmt],
    ) -> EvalResult<Flow> {
        self.autocommit(true, span)?;
        let flow = self.exec_block(body)?;
        self.autocommit(false, span)?;
        Ok(flow)
    }

    pub(super) fn autocommit(&mut self, entering: bool, span: Span) -> EvalResult<()> {
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
    pub(super) fn exec_with(
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
                    super::super::env::handles(name) || super::super::orm::is_session_class(name)
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
                Value::Foreign(name) => name == super::super::env::TRANSACTION,
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

    pub(super) fn assign(&mut self, target: &'a Expr, value: Value) -> EvalResult<()> {
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
    pub(super) fn set_slice(
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
    pub(super) fn set_item(
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
}
