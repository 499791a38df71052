//! What values do: attribute access, subscripts, calls (builtins, classes, methods,
//! library functions) and the binary operators and comparisons.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn attribute(&mut self, value: Value, attr: &str, span: Span) -> EvalResult<Value> {
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
                match super::super::env::missing_attribute(self, &name, attr) {
                    Some(message) => Err(self.python(span, "AttributeError", message)),
                    None => Ok(super::super::env::attribute(self, &name, attr)
                        .unwrap_or_else(|| Value::Foreign(format!("{name}.{attr}")))),
                }
            }
            value @ (Value::OrmSession(_) | Value::OrmQuery(_)) => {
                super::super::orm::attribute(self, &value, attr, span)
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

    pub(super) fn subscript(
        &mut self,
        value: Value,
        index: Value,
        span: Span,
    ) -> EvalResult<Value> {
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
            Value::Foreign(name) | Value::Module(name) if super::super::env::handles(&name) => {
                super::super::env::call(self, Call::new(&name, args, keywords, span))
            }
            Value::Foreign(name) if stdlib::handles(&name) => {
                stdlib::call(self, Call::new(&name, args, keywords, span))
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
                    #[cfg(feature = "postgresql")]
                    Some(Value::Connection)
                        if self.dialect() == crate::runtime::Dialect::Postgresql =>
                    {
                        // PostgreSQL creates (or drops) a native enum's type
                        let Value::Type(type_) = *receiver else {
                            return Ok(Value::None);
                        };
                        self.push_op(
                            crate::ops::Operation::EnumType {
                                create: name == "create",
                                type_,
                            },
                            span,
                        )?;
                        Ok(Value::None)
                    }
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
                super::super::orm::method(self, *receiver, Call::new(&name, args, keywords, span))
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
                    ops_calls::op_call(self, Call::new(&op_name, args, keywords, span))
                } else if let Some(op_name) = name.strip_prefix("batch_op.") {
                    let op_name = op_name.to_string();
                    ops_calls::batch_call(self, Call::new(&op_name, args, keywords, span))
                } else {
                    schema_calls::function_call(self, Call::new(&name, args, keywords, span))
                }
            }
            Value::TypeClass(name) => {
                schema_calls::type_call(self, Call::new(&name, args, keywords, span))
            }
            Value::UserFunction(id) => self.call_user(id, args, keywords, span),
            Value::Builtin(name) => {
                let value = builtins::call(self, Call::new(name, args, keywords, span))?;
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
                let (value, updated) = connection::method_call(
                    self,
                    *receiver,
                    Call::new(&name, args, keywords, span),
                )?;
                self.updated_receiver = updated;
                Ok(value)
            }
            Value::Method(receiver, name) => {
                schema_calls::method(self, *receiver, Call::new(&name, args, keywords, span))
            }
            Value::Foreign(name) | Value::Module(name)
                if super::super::orm::is_session_class(&name) =>
            {
                super::super::orm::new_session(self, args, keywords, span)
            }
            Value::Foreign(name) if name == "json.dumps" || name == "json.loads" => {
                super::super::json::call(self, Call::new(&name, args, keywords, span))
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

    pub(super) fn binary(
        &mut self,
        left: Value,
        operator: BinaryOperator,
        right: Value,
        span: Span,
    ) -> EvalResult<Value> {
        use BinaryOperator::*;
        let overflow = |this: &Self| this.unsupported(span, "integer overflow");
        match (left, operator, right) {
            (Value::Str(template), Modulo, args) => super::super::format::percent(&template, &args)
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

    pub(super) fn compare(
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
