//! Evaluating expressions: names, literals, comprehensions, slices, operators, f-strings
//! and call arguments.

use super::*;

impl<'a> Evaluator<'a> {
    pub fn iterate(&mut self, value: Value, span: Span) -> EvalResult<Vec<Value>> {
        match value {
            Value::List(items) | Value::Tuple(items) => Ok(items),
            Value::Dict(items) => Ok(items.into_iter().map(|(k, _)| k).collect()),
            Value::Str(text) => Ok(text.chars().map(|c| Value::Str(c.to_string())).collect()),
            Value::Rows(rows) => Ok(rows.items()),
            Value::Row(_, values) => Ok(values),
            Value::OrmQuery(query) => super::super::orm::results(self, &query, span),
            Value::TableColumns(table, columns) => Ok(columns
                .into_iter()
                .map(|name| {
                    Value::Sql(SqlExpr::Column {
                        table: table.clone(),
                        name,
                    })
                })
                .collect()),
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
    pub(super) fn lookup(&mut self, name: &str, span: Span) -> EvalResult<Value> {
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
    pub(super) fn load_global(&mut self, name: &str, span: Span) -> EvalResult<Value> {
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
    pub(super) fn load_global_expr(&mut self, name: &str, expr: &'a Expr) -> EvalResult<Value> {
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
    pub(super) fn load_global_function(
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
    pub(super) fn load_global_import(&mut self, imported: Imported, at: Span) -> EvalResult<Value> {
        let saved = self.enter(Frame::Function, None, true);
        let value = self.resolve_import(imported, at);
        self.leave(saved);
        value
    }

    #[inline(never)]
    pub(super) fn load_global_class(
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
    pub(in crate::script::exec) fn now(&self) -> crate::host::CreateDate {
        match &self.live {
            Some(live) => live.now(),
            None => crate::host::CreateDate::from_unix_micros(0),
        }
    }

    /// 128 bits for `uuid.uuid4()`, from a splitmix64 generator seeded by the clock.
    pub(in crate::script::exec) fn new_uuid(&mut self) -> u128 {
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
    pub(super) fn str_format(
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
        let text = super::super::format::str_format(&template, &args, &keywords)
            .map_err(|failure| self.format_failure(span, failure))?;
        self.check_len(text.chars().count(), span)?;
        Ok(Value::Str(text))
    }

    /// A formatting error: Python's exception, or the playground's limitation.
    pub(in crate::script::exec) fn format_failure(
        &self,
        span: Span,
        (exception, message): super::super::format::FormatError,
    ) -> ExecError {
        if exception == super::super::format::UNSUPPORTED {
            self.unsupported(span, message)
        } else {
            self.python(span, exception, message)
        }
    }

    pub(super) fn builtin(&self, name: &str, span: Span) -> EvalResult<Value> {
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
    pub(super) fn eval_inner(&mut self, expr: &'a Expr) -> EvalResult<Value> {
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
    pub(super) fn eval_comprehension(
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

    pub(super) fn comprehend(
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
    pub(super) fn cannot_evaluate(&self, expr: &'a Expr) -> ExecError {
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
    pub(super) fn eval_attribute(
        &mut self,
        value: &'a Expr,
        attr: &str,
        span: Span,
    ) -> EvalResult<Value> {
        let value = self.eval(value)?;
        self.attribute(value, attr, span)
    }

    #[inline(never)]
    pub(super) fn eval_subscript(
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
    pub(super) fn slice_positions(
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
    pub(super) fn slice_bounds(
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

    pub(super) fn sliced(
        &self,
        value: Value,
        positions: &[usize],
        span: Span,
    ) -> EvalResult<Value> {
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
    pub(super) fn eval_call(
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
    pub(super) fn call_and_store(
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
    pub(super) fn eval_sequence(
        &mut self,
        items: &'a [Expr],
        tuple: bool,
        span: Span,
    ) -> EvalResult<Value> {
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
    pub(super) fn eval_dict(
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
    pub(super) fn eval_binop(
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
    pub(super) fn eval_unary(
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
    pub(super) fn eval_boolop(
        &mut self,
        operator: BoolOperator,
        values: &'a [Expr],
    ) -> EvalResult<Value> {
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
    pub(super) fn eval_compare(
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
    pub(super) fn eval_ifexp(
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
    pub(super) fn eval_items(&mut self, items: &'a [Expr]) -> EvalResult<Vec<Value>> {
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
    pub(super) fn eval_starred(&mut self, inner: &'a Expr, out: &mut Vec<Value>) -> EvalResult<()> {
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

    pub(super) fn constant(&self, constant: &Constant, span: Span) -> EvalResult<Value> {
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

    pub(super) fn fstring(&mut self, parts: &'a [FStringPart], span: Span) -> EvalResult<Value> {
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
                    let text = super::super::format::format_value(&value, &spec)
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
}
