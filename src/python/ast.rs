//! The syntax tree produced by the parser.
//!
//! Owns the node types and small read-only helpers for consumers such as the revision loader
//! and the `models.py` reader (`Expr::dotted_name`, `Expr::keyword_argument`, `Module::assigned_value`).
//! It holds no behaviour of Python values: nothing here evaluates, imports or resolves names.
//!
//! Shape follows CPython's `ast` module where that is pleasant to pattern-match, with three
//! deliberate differences: `if`/`elif` chains are one flat [`StmtKind::If`], parameter defaults
//! sit on their [`Parameter`], and dictionary unpacking (`**d`) is a [`DictEntry`] without a key.

/// A 1-based position; `column` counts characters (a tab is one column).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A source range; `end` is exclusive (the position just after the last character).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn new(start: Pos, end: Pos) -> Span {
        Span { start, end }
    }
}

/// A parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub body: Vec<Stmt>,
    /// The value of the first statement when it is a plain string (kept in `body` too), uncleaned.
    pub docstring: Option<String>,
}

impl Module {
    /// The value last bound to `name` at top level by `name = value`, `a = name = value`
    /// or `name: annotation = value` (how Alembic reads `revision` and `down_revision`).
    pub fn assigned_value(&self, name: &str) -> Option<&Expr> {
        self.body
            .iter()
            .rev()
            .find_map(|statement| statement.assigned_value(name))
    }

    /// The top-level function called `name`.
    pub fn function(&self, name: &str) -> Option<&FunctionDef> {
        self.body
            .iter()
            .find_map(|statement| match &statement.kind {
                StmtKind::FunctionDef(function) if function.name == name => Some(&**function),
                _ => None,
            })
    }

    /// The top-level classes, in source order.
    pub fn classes(&self) -> impl Iterator<Item = &ClassDef> {
        self.body
            .iter()
            .filter_map(|statement| match &statement.kind {
                StmtKind::ClassDef(class) => Some(&**class),
                _ => None,
            })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

impl Stmt {
    /// The statement blocks nested in a statement, each given to `visit` (no list is built:
    /// the search runs over every revision file for every command).
    pub fn for_each_block<'a>(&'a self, visit: &mut dyn FnMut(&'a [Stmt])) {
        match &self.kind {
            StmtKind::FunctionDef(definition) => visit(&definition.body),
            StmtKind::ClassDef(definition) => visit(&definition.body),
            StmtKind::If { branches, orelse } => {
                for branch in branches {
                    visit(&branch.body);
                }
                visit(orelse);
            }
            StmtKind::For { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                visit(body);
                visit(orelse);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            } => {
                visit(body);
                for handler in handlers {
                    visit(&handler.body);
                }
                visit(orelse);
                visit(finalbody);
            }
            StmtKind::With { body, .. } => visit(body),
            _ => {}
        }
    }

    /// The value this statement binds to `name`, if it is an assignment to that plain name.
    pub fn assigned_value(&self, name: &str) -> Option<&Expr> {
        match &self.kind {
            StmtKind::Assign { targets, value }
                if targets.iter().any(|target| target.as_name() == Some(name)) =>
            {
                Some(value)
            }
            StmtKind::AnnAssign {
                target,
                value: Some(value),
                ..
            } if target.as_name() == Some(name) => Some(value),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effect, e.g. `op.drop_table('user')`.
    Expr(Expr),
    /// `a = b = value`: `targets` holds `a` and `b` in source order.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    /// `target: annotation [= value]`; `simple` is true for an unparenthesized name.
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
        simple: bool,
    },
    /// `target op= value`
    AugAssign {
        target: Expr,
        operator: BinaryOperator,
        value: Expr,
    },
    /// `import a.b as c, d`
    Import {
        names: Vec<Alias>,
    },
    /// `from ..module import a as b`: `level` counts the leading dots; `names` is `*` for a star import.
    ImportFrom {
        module: Option<String>,
        names: Vec<Alias>,
        level: u32,
    },
    FunctionDef(Box<FunctionDef>),
    ClassDef(Box<ClassDef>),
    /// `if`, then every `elif`, in order; `orelse` is the `else` block (empty if none).
    If {
        branches: Vec<ConditionalBranch>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
        is_async: bool,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `try`; `is_star` is true for `except*` handlers.
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
        is_star: bool,
    },
    With {
        items: Vec<WithItem>,
        body: Vec<Stmt>,
        is_async: bool,
    },
    Return(Option<Expr>),
    Raise {
        exception: Option<Expr>,
        cause: Option<Expr>,
    },
    Pass,
    Break,
    Continue,
    Global(Vec<String>),
    Nonlocal(Vec<String>),
    Delete(Vec<Expr>),
    Assert {
        test: Expr,
        message: Option<Expr>,
    },
}

/// One `if` or `elif` test with its block; the span runs from the keyword to the block's end.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionalBranch {
    pub test: Expr,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// `def` or `async def`. The statement span starts at `def` (or `async`), as in CPython.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    pub name: String,
    pub parameters: Parameters,
    pub returns: Option<Expr>,
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
    pub is_async: bool,
    /// The first statement's value when it is a plain string (kept in `body` too), uncleaned.
    pub docstring: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub name: String,
    /// Positional class arguments, e.g. `Base` in `class User(Base)`.
    pub bases: Vec<Expr>,
    /// Keyword class arguments, e.g. `metaclass=M`.
    pub keywords: Vec<Keyword>,
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
    /// The first statement's value when it is a plain string (kept in `body` too), uncleaned.
    pub docstring: Option<String>,
}

/// The parameters of a `def` or `lambda`, grouped by kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parameters {
    /// Before `/`.
    pub positional_only: Vec<Parameter>,
    /// Between `/` and `*`.
    pub positional: Vec<Parameter>,
    /// `*args`
    pub var_positional: Option<Parameter>,
    /// After `*` or `*args`.
    pub keyword_only: Vec<Parameter>,
    /// `**kwargs`
    pub var_keyword: Option<Parameter>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub annotation: Option<Expr>,
    pub default: Option<Expr>,
    /// The name and its annotation (not the default).
    pub span: Span,
}

/// `name as asname` in an import; `name` may be dotted, or `*`.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    pub name: String,
    pub asname: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExceptHandler {
    pub exception_type: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    pub context: Expr,
    pub target: Option<Expr>,
}

/// A keyword argument `name=value`; `name` is `None` for `**value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    pub name: Option<String>,
    pub value: Expr,
    pub span: Span,
}

/// One `for ... in ... if ...` clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    pub target: Expr,
    pub iter: Expr,
    pub conditions: Vec<Expr>,
    pub is_async: bool,
}

/// A dictionary display entry; `key` is `None` for `**value`.
#[derive(Clone, Debug, PartialEq)]
pub struct DictEntry {
    pub key: Option<Expr>,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Name(String),
    Constant(Constant),
    /// An f-string (or an implicit concatenation containing one); adjacent literal text is merged.
    FString(Vec<FStringPart>),
    Attribute {
        value: Box<Expr>,
        attr: String,
    },
    /// `value[index]`; `index` is a `Slice` or a `Tuple` for `a[1:2, ::3]`.
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// A call; positional `*x` arguments appear in `args` as `Starred`.
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    },
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Set(Vec<Expr>),
    Dict(Vec<DictEntry>),
    BinOp {
        left: Box<Expr>,
        operator: BinaryOperator,
        right: Box<Expr>,
    },
    UnaryOp {
        operator: UnaryOperator,
        operand: Box<Expr>,
    },
    /// `a and b and c`: one node with all values.
    BoolOp {
        operator: BoolOperator,
        values: Vec<Expr>,
    },
    /// `a < b <= c`: `left` is `a`, `comparisons` is `[(<, b), (<=, c)]`.
    Compare {
        left: Box<Expr>,
        comparisons: Vec<(CompareOperator, Expr)>,
    },
    /// `body if test else orelse`
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Lambda {
        parameters: Box<Parameters>,
        body: Box<Expr>,
    },
    ListComp {
        element: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    SetComp {
        element: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    DictComp {
        key: Box<Expr>,
        value: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    GeneratorExp {
        element: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    Starred(Box<Expr>),
    /// `target := value`
    NamedExpr {
        target: Box<Expr>,
        value: Box<Expr>,
    },
    Await(Box<Expr>),
    Yield(Option<Box<Expr>>),
    YieldFrom(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    None,
    Bool(bool),
    Int(i128),
    /// An integer too large for `i128`: its literal text without underscores (e.g. `0xFFFF...`).
    BigInt(String),
    Float(f64),
    /// The imaginary part of `3j`.
    Imaginary(f64),
    Str(String),
    Bytes(Vec<u8>),
    Ellipsis,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FStringPart {
    Literal(String),
    Expression(FStringExpression),
}

/// A replacement field `{value!conversion:format_spec}`.
#[derive(Clone, Debug, PartialEq)]
pub struct FStringExpression {
    pub value: Expr,
    /// The text before and including `=` in `f"{x = }"` (then `conversion` defaults to `r`).
    pub debug_text: Option<String>,
    /// `s`, `r` or `a`.
    pub conversion: Option<char>,
    pub format_spec: Option<Vec<FStringPart>>,
    /// From `{` to `}` inclusive.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOperator {
    Add,
    Subtract,
    Multiply,
    MatrixMultiply,
    Divide,
    FloorDivide,
    Modulo,
    Power,
    LeftShift,
    RightShift,
    BitOr,
    BitXor,
    BitAnd,
}

impl BinaryOperator {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOperator::Add => "+",
            BinaryOperator::Subtract => "-",
            BinaryOperator::Multiply => "*",
            BinaryOperator::MatrixMultiply => "@",
            BinaryOperator::Divide => "/",
            BinaryOperator::FloorDivide => "//",
            BinaryOperator::Modulo => "%",
            BinaryOperator::Power => "**",
            BinaryOperator::LeftShift => "<<",
            BinaryOperator::RightShift => ">>",
            BinaryOperator::BitOr => "|",
            BinaryOperator::BitXor => "^",
            BinaryOperator::BitAnd => "&",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOperator {
    /// `not`
    Not,
    /// `-`
    Negative,
    /// `+`
    Positive,
    /// `~`
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolOperator {
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOperator {
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Is,
    IsNot,
    In,
    NotIn,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// The text of a plain (non-f, non-bytes) string literal.
    pub fn as_str_constant(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Constant(Constant::Str(text)) => Some(text),
            _ => None,
        }
    }

    /// The identifier of a bare name.
    pub fn as_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Name(name) => Some(name),
            _ => None,
        }
    }

    /// The value of an integer literal that fits `i128` (`-5` counts, as a negated literal).
    pub fn as_int_constant(&self) -> Option<i128> {
        match &self.kind {
            ExprKind::Constant(Constant::Int(value)) => Some(*value),
            ExprKind::UnaryOp {
                operator: UnaryOperator::Negative,
                operand,
            } => match &operand.kind {
                ExprKind::Constant(Constant::Int(value)) => value.checked_neg(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value of `True` or `False`.
    pub fn as_bool_constant(&self) -> Option<bool> {
        match &self.kind {
            ExprKind::Constant(Constant::Bool(value)) => Some(*value),
            _ => None,
        }
    }

    /// Whether this is the literal `None`.
    pub fn is_none_constant(&self) -> bool {
        matches!(self.kind, ExprKind::Constant(Constant::None))
    }

    /// `sa.Column` → `"sa.Column"`, `Mapped` → `"Mapped"`; `None` unless names joined by dots.
    pub fn dotted_name(&self) -> Option<String> {
        let mut attributes: Vec<&str> = Vec::new();
        let mut current = self;
        loop {
            match &current.kind {
                ExprKind::Name(name) => {
                    let mut dotted = name.clone();
                    for attribute in attributes.iter().rev() {
                        dotted.push('.');
                        dotted.push_str(attribute);
                    }
                    return Some(dotted);
                }
                ExprKind::Attribute { value, attr } => {
                    attributes.push(attr.as_str());
                    current = value;
                }
                _ => return None,
            }
        }
    }

    /// For a call, the value of keyword argument `name` (e.g. `nullable` in `sa.Column(..., nullable=False)`).
    pub fn keyword_argument(&self, name: &str) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Call { keywords, .. } => keywords
                .iter()
                .rev()
                .find(|keyword| keyword.name.as_deref() == Some(name))
                .map(|keyword| &keyword.value),
            _ => None,
        }
    }

    /// For a call, the dotted name of the function called (`op.create_table`).
    pub fn called_function_name(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Call { func, .. } => func.dotted_name(),
            _ => None,
        }
    }

    /// The elements of a tuple or list display.
    pub fn as_sequence(&self) -> Option<&[Expr]> {
        match &self.kind {
            ExprKind::Tuple(elements) | ExprKind::List(elements) => Some(elements),
            _ => None,
        }
    }

    /// How CPython names this kind of expression in messages such as `cannot assign to function call`.
    pub fn description(&self) -> &'static str {
        match &self.kind {
            ExprKind::Attribute { .. } => "attribute",
            ExprKind::Subscript { .. } => "subscript",
            ExprKind::Starred(_) => "starred",
            ExprKind::Name(_) => "name",
            ExprKind::List(_) => "list",
            ExprKind::Tuple(_) => "tuple",
            ExprKind::Lambda { .. } => "lambda",
            ExprKind::Call { .. } => "function call",
            ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => {
                "expression"
            }
            ExprKind::GeneratorExp { .. } => "generator expression",
            ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
            ExprKind::Await(_) => "await expression",
            ExprKind::ListComp { .. } => "list comprehension",
            ExprKind::SetComp { .. } => "set comprehension",
            ExprKind::DictComp { .. } => "dict comprehension",
            ExprKind::Dict(_) => "dict literal",
            ExprKind::Set(_) => "set display",
            ExprKind::FString(_) => "f-string expression",
            ExprKind::Constant(Constant::None) => "None",
            ExprKind::Constant(Constant::Bool(true)) => "True",
            ExprKind::Constant(Constant::Bool(false)) => "False",
            ExprKind::Constant(Constant::Ellipsis) => "ellipsis",
            ExprKind::Constant(_) => "literal",
            ExprKind::Compare { .. } => "comparison",
            ExprKind::IfExp { .. } => "conditional expression",
            ExprKind::NamedExpr { .. } => "named expression",
            ExprKind::Slice { .. } => "slice",
        }
    }
}

impl Keyword {
    /// The keyword's string value, e.g. `"user"` for `back_populates="user"`.
    pub fn value_str(&self) -> Option<&str> {
        self.value.as_str_constant()
    }
}
