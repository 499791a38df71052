//! The values the evaluator computes: Python literals and containers, and the handful of
//! SQLAlchemy / Alembic objects revision files build (columns, types, constraints, `text()`,
//! lightweight tables and the statements made from them).

use crate::ops::{
    BulkInsertTable, Column, Constraint, ForeignKey, Index, Literal, ServerDefault, SqlExpr,
    SqlType, Table,
};

/// `t.update()`, `t.delete()` or `t.insert()` being built up by `.where()` / `.values()`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DmlBuilder {
    pub kind: DmlKind,
    pub table: String,
    pub table_columns: Vec<String>,
    pub values: Vec<(String, SqlExpr)>,
    pub where_clauses: Vec<SqlExpr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DmlKind {
    Update,
    Delete,
    Insert,
}

/// A call of an `async def`, not yet awaited: the function, its bound arguments and `self`.
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct Coroutine {
    pub function: u32,
    pub frame: std::collections::HashMap<String, Value>,
    pub receiver: Option<Value>,
}

/// How a result yields its rows: `Row`s, `.scalars()` or `.mappings()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ResultShape {
    Rows,
    Scalars,
    Mappings,
}

/// The rows a `connection.execute(...)` returned and not yet fetched.
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub rowcount: i64,
    pub shape: ResultShape,
}

// no `==` outside the tests: `python_eq` is Python's equality (a derived one compiled 3 KB of
// wasm for nothing)
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// An imported module (dotted path), e.g. `sqlalchemy`, `sqlalchemy.dialects.sqlite`.
    Module(String),
    /// Something callable, by canonical name: `sa.Column`, `op.create_table`, `batch_op.add_column`.
    Function(String),
    /// A method of a value, e.g. `text(...).bindparams`, `t.update`, `t.c.name.like`.
    Method(Box<Value>, String),
    /// A bare type class (`sa.Integer`): callable, and usable as a type as it is; the
    /// dotted name `SqlType::from_python_call` understands (`Integer`, `sqlite.JSON`).
    TypeClass(String),
    /// A type instance (`sa.String(50)`).
    Type(SqlType),
    Column(Box<Column>),
    /// `mapped_column(...)`: a column whose type and nullability a `Mapped[...]` annotation
    /// may complete (a type of `NullType` means none was given).
    MappedColumn(Box<Column>),
    ForeignKey(ForeignKey),
    Constraint(Constraint),
    Index(Index),
    /// `sa.text('...')`, with `.bindparams(...)` values.
    Text {
        sql: String,
        binds: Vec<(String, Literal)>,
    },
    /// `sa.func.now()`, `sa.true()`, `sa.false()`.
    SqlDefault(ServerDefault),
    /// `sa.Sequence(...)`, ignored in a column (SQLite has no sequences).
    Sequence,
    /// `sa.Identity(...)`: an identity column's options.
    #[cfg(feature = "postgresql")]
    Identity(crate::ops::postgresql::Identity),
    /// `sa.MetaData()`: its tables are the evaluator's `metadatas[id]`
    MetaData(u32),
    /// `sa.Table(...)` or the result of `op.create_table(...)`.
    Table(Table),
    /// `sa.table('user', sa.column('id'), ...)`
    LightTable(BulkInsertTable),
    /// `sa.column('id', sa.Integer)` on its own.
    LightColumn(String, Option<SqlType>),
    /// `t.c` of a table: its name and column names.
    TableColumns(String, Vec<String>),
    /// A SQL expression: `t.c.name`, `t.c.id == 2`, `op.inline_literal('x')`.
    Sql(SqlExpr),
    Dml(DmlBuilder),
    /// an ORM `Session` (the evaluator's `orm_sessions[id]`) and a query of one
    OrmSession(u32),
    OrmQuery(Box<super::orm::OrmQuery>),
    /// a call of an `async def`
    Coroutine(Box<Coroutine>),
    /// `sa.select(...)` being built up
    Select(Box<crate::ops::Select>),
    /// `op` (from `from alembic import op`).
    Op,
    /// The `batch_op` of the `with` block with this id.
    BatchOp(u32),
    /// A Python builtin the evaluator runs (`len`, `print`...).
    Builtin(&'static str),
    /// A function the revision defines (index into the evaluator's functions).
    UserFunction(u32),
    /// A caught exception (`except ValueError as error:`): its class and message.
    Exception(String, String),
    /// `op.get_bind()`
    Connection,
    /// `op.get_context()`: the migration context.
    Context,
    /// `connection.dialect`
    Dialect,
    /// A `CursorResult`.
    Rows(Box<Rows>),
    /// A `Row`: column names and values.
    Row(Vec<String>, Vec<Value>),
    /// `sa.inspect(bind)` (index of its cache in the evaluator).
    Inspector(u32),
    /// A module of the project (index into the run's `ModuleSet`).
    ProjectModule(u32),
    /// A class the program defines, and an instance of one (handles into the evaluator).
    Class(u32),
    Instance(u32),
    /// `obj.method`: a function of the program with its first argument bound.
    BoundMethod(Box<Value>, u32),
    /// `super()` in a method of this class, with its `self`.
    Super(u32, Box<Value>),
    /// a standard-library object (`datetime`, `uuid.UUID`, `re.Match`...)
    Library(Box<super::stdlib::Library>),
    /// A name imported from a module the playground does not model (`typing.Sequence`,
    /// `myapp.models.Base`): harmless until used.
    Foreign(String),
}

impl Value {
    /// How the value is described in messages ("a str", "a Column").
    pub fn kind_name(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(_) => "a bool".into(),
            Value::Int(_) => "an int".into(),
            Value::Float(_) => "a float".into(),
            Value::Str(_) => "a str".into(),
            Value::Tuple(_) => "a tuple".into(),
            Value::List(_) => "a list".into(),
            Value::Dict(_) => "a dict".into(),
            Value::Module(name) => format!("the module '{name}'"),
            Value::Function(name) | Value::TypeClass(name) => format!("'{name}'"),
            Value::Method(_, name) => format!("the method '{name}'"),
            Value::Type(_) => "a type".into(),
            Value::Column(_) | Value::MappedColumn(_) => "a Column".into(),
            Value::ForeignKey(_) => "a ForeignKey".into(),
            Value::Constraint(_) => "a constraint".into(),
            Value::Index(_) => "an Index".into(),
            Value::Text { .. } => "a text() construct".into(),
            Value::SqlDefault(_) => "a SQL function".into(),
            Value::Sequence => "a Sequence".into(),
            #[cfg(feature = "postgresql")]
            Value::Identity(_) => "an Identity".into(),
            Value::Select(_) => "a Select".into(),
            Value::Coroutine(_) => "a coroutine".into(),
            Value::OrmSession(_) => "a Session".into(),
            Value::OrmQuery(_) => "a Query".into(),
            Value::MetaData(_) => "a MetaData".into(),
            Value::Table(_) => "a Table".into(),
            Value::LightTable(_) => "a table()".into(),
            Value::LightColumn(..) => "a column()".into(),
            Value::TableColumns(..) => "a column collection".into(),
            Value::Sql(_) => "a SQL expression".into(),
            Value::Dml(_) => "a SQL statement".into(),
            Value::Op => "'op'".into(),
            Value::BatchOp(_) => "'batch_op'".into(),
            Value::UserFunction(_) => "a function".into(),
            Value::Builtin(name) => format!("'{name}'"),
            Value::Exception(class, _) => format!("a {class}"),
            Value::Connection => "a Connection".into(),
            Value::Context => "a MigrationContext".into(),
            Value::Dialect => "a Dialect".into(),
            Value::Rows(_) => "a CursorResult".into(),
            Value::Row(..) => "a Row".into(),
            Value::Foreign(name) => format!("'{name}'"),
            Value::ProjectModule(_) => "a module".into(),
            Value::Inspector(_) => "an Inspector".into(),
            Value::Class(_) => "a class".into(),
            Value::Instance(_) => "an object".into(),
            Value::BoundMethod(..) => "a method".into(),
            Value::Super(..) => "super()".into(),
            Value::Library(library) => format!("a {}", super::stdlib::type_name(library)),
        }
    }

    /// The column of a `Column(...)` or a `mapped_column(...)`.
    pub fn as_column(&self) -> Option<&Column> {
        match self {
            Value::Column(column) => Some(column),
            Value::MappedColumn(column) => Some(column),
            _ => None,
        }
    }

    /// The value as an `ops::Literal`, for scalars.
    pub fn to_literal(&self) -> Option<Literal> {
        match self {
            Value::None => Some(Literal::None),
            Value::Bool(b) => Some(Literal::Bool(*b)),
            Value::Int(i) => Some(Literal::Int(*i)),
            Value::Float(f) => Some(Literal::Float(*f)),
            Value::Str(s) => Some(Literal::Str(s.clone())),
            Value::Library(library) => super::stdlib::literal(library).map(Literal::Str),
            _ => None,
        }
    }

    /// Python truthiness, where it is defined without running user code.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::None => Some(false),
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Float(f) => Some(*f != 0.0),
            Value::Str(s) => Some(!s.is_empty()),
            Value::Tuple(items) | Value::List(items) | Value::Row(_, items) => {
                Some(!items.is_empty())
            }
            Value::Dict(items) => Some(!items.is_empty()),
            Value::Sql(_) | Value::Column(_) | Value::MappedColumn(_) | Value::Dml(_) => None,
            _ => Some(true),
        }
    }

    /// Counts the values in this one (itself included) into `nodes`; false as soon as there
    /// are more than `max_nodes` or they nest deeper than `max_depth`. Recursion stops at
    /// `max_depth`, and no value deeper than that is ever built.
    pub fn within(&self, max_nodes: usize, max_depth: usize, nodes: &mut usize) -> bool {
        *nodes += 1;
        if *nodes > max_nodes || max_depth == 0 {
            return false;
        }
        let inner =
            |value: &Value, nodes: &mut usize| value.within(max_nodes, max_depth - 1, nodes);
        match self {
            Value::List(items) | Value::Tuple(items) | Value::Row(_, items) => {
                items.iter().all(|item| inner(item, nodes))
            }
            Value::Dict(pairs) => pairs
                .iter()
                .all(|(key, value)| inner(key, nodes) && inner(value, nodes)),
            Value::Method(receiver, _) => inner(receiver, nodes),
            _ => true,
        }
    }

    /// Python's `str()` of a plain value (for f-strings and `print`).
    pub fn python_str(&self) -> Option<String> {
        match self {
            Value::Str(s) | Value::Exception(_, s) => Some(s.clone()),
            Value::Library(library) => Some(super::stdlib::text(library)),
            other => other.python_repr(),
        }
    }

    /// Python's `repr()` of a plain value or container of them.
    pub fn python_repr(&self) -> Option<String> {
        let join = |items: &[Value]| -> Option<String> {
            let parts: Option<Vec<String>> = items.iter().map(Value::python_repr).collect();
            parts.map(|parts| parts.join(", "))
        };
        match self {
            Value::List(items) => Some(format!("[{}]", join(items)?)),
            Value::Tuple(items) | Value::Row(_, items) if items.len() == 1 => {
                Some(format!("({},)", join(items)?))
            }
            Value::Tuple(items) | Value::Row(_, items) => Some(format!("({})", join(items)?)),
            Value::Dict(items) => {
                let mut parts = Vec::new();
                for (key, value) in items {
                    parts.push(format!("{}: {}", key.python_repr()?, value.python_repr()?));
                }
                Some(format!("{{{}}}", parts.join(", ")))
            }
            // SQLAlchemy's repr of a type is the class and its arguments (`VARCHAR(length=5)`)
            Value::Type(sql_type) => Some(sql_type.plain_repr()),
            Value::Library(library) => Some(super::stdlib::repr(library)),
            other => other.to_literal().map(|literal| literal.python_repr()),
        }
    }

    /// Python `==` between two plain values (`None` when not comparable here).
    pub fn python_eq(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => {
                Some((*a as f64) == *b)
            }
            (Value::Bool(a), Value::Int(b)) | (Value::Int(b), Value::Bool(a)) => {
                Some(i64::from(*a) == *b)
            }
            // a Row compares as the tuple of its values
            (Value::Tuple(a), Value::Tuple(b))
            | (Value::List(a), Value::List(b))
            | (Value::Row(_, a), Value::Tuple(b) | Value::Row(_, b))
            | (Value::Tuple(a), Value::Row(_, b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (x, y) in a.iter().zip(b) {
                    if !x.python_eq(y)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            (Value::Dict(a), Value::Dict(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (key, x) in a {
                    let Some((_, y)) = b.iter().find(|(k, _)| k.python_eq(key) == Some(true))
                    else {
                        return Some(false);
                    };
                    if !x.python_eq(y)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            (Value::Library(a), Value::Library(b)) => Some(super::stdlib::equal(a, b)),
            (Value::Library(_), _) | (_, Value::Library(_)) => Some(false),
            (a, b) if a.to_literal().is_some() && b.to_literal().is_some() => {
                Some(a.to_literal() == b.to_literal())
            }
            (Value::Type(a), Value::Type(b)) => Some(a == b),
            // objects compare by identity
            (Value::Class(a), Value::Class(b)) | (Value::Instance(a), Value::Instance(b)) => {
                Some(a == b)
            }
            (a, b) if a.is_plain() && b.is_plain() => Some(false),
            _ => None,
        }
    }

    /// A literal or a container: `==` between two of different kinds is False.
    fn is_plain(&self) -> bool {
        self.to_literal().is_some()
            || matches!(self, Value::List(_) | Value::Tuple(_) | Value::Dict(_))
    }
}
