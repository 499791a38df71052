//! Python functions: `def` and `lambda` made into values, arguments bound to parameters,
//! and a call run in its own frame.

use super::*;

impl<'a> Evaluator<'a> {
    /// Makes a function of `def` (or, through `lambda`, an expression) seeing `captured`.
    pub(super) fn define(
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
    pub(super) fn make_function(
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
    pub(super) fn bind_arguments(
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
    pub(super) fn call_user(
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
            return Ok(Value::Coroutine(Box::new(super::super::value::Coroutine {
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
        let super::super::value::Coroutine {
            function,
            frame,
            receiver,
        } = *coroutine;
        let Some(body) = self.functions.get(function as usize).map(|c| c.body) else {
            return Err(self.unsupported(span, "unknown function"));
        };
        self.run_frame(function, frame, receiver, body)
    }

    pub(super) fn run_frame(
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
}
