//! SQLAlchemy column types: how each renders as SQLite DDL, how autogenerate
//! writes it in Python (`sa.String(length=50)`), how the evaluator builds it
//! from a call such as `sa.String(50)`, and how SQLite reflection maps a
//! declared type string back to a type.
//!
//! A type is its class plus the constructor arguments that differ from the
//! defaults, kept in the class's signature order, which is exactly what
//! SQLAlchemy's `generic_repr` prints; DDL reads the arguments it needs.

use super::sqltext::{py_repr_str, quote, sql_string};
use super::{Literal, OpsError};

/// The SQLAlchemy type classes this playground knows.
#[allow(clippy::upper_case_acronyms, non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeClass {
    Integer,
    BigInteger,
    SmallInteger,
    String,
    Unicode,
    Text,
    UnicodeText,
    Boolean,
    Float,
    Double,
    Numeric,
    Date,
    DateTime,
    Time,
    Interval,
    LargeBinary,
    Enum,
    /// `sa.JSON`
    JSON,
    /// `sqlite.JSON` (what reflection returns)
    SqliteJSON,
    Uuid,
    PickleType,
    VARCHAR,
    CHAR,
    NVARCHAR,
    NCHAR,
    INTEGER,
    BIGINT,
    SMALLINT,
    TEXT,
    CLOB,
    BOOLEAN,
    FLOAT,
    REAL,
    DOUBLE,
    DOUBLE_PRECISION,
    NUMERIC,
    DECIMAL,
    DATE,
    DATETIME,
    TIME,
    TIMESTAMP,
    BLOB,
    BINARY,
    VARBINARY,
    UUID,
    /// PostgreSQL's own types (`sqlalchemy.dialects.postgresql`; `ARRAY` is also `sa.ARRAY`).
    #[cfg(feature = "postgresql")]
    JSONB,
    #[cfg(feature = "postgresql")]
    INET,
    #[cfg(feature = "postgresql")]
    CIDR,
    #[cfg(feature = "postgresql")]
    MACADDR,
    #[cfg(feature = "postgresql")]
    MONEY,
    #[cfg(feature = "postgresql")]
    TSVECTOR,
    #[cfg(feature = "postgresql")]
    HSTORE,
    #[cfg(feature = "postgresql")]
    BYTEA,
    #[cfg(feature = "postgresql")]
    ARRAY,
    /// `postgresql.ENUM`: an `Enum` that may skip its `CREATE TYPE` (`create_type=False`).
    #[cfg(feature = "postgresql")]
    ENUM,
    /// `postgresql.JSON`, `postgresql.TIMESTAMP`, `postgresql.TIME`, `postgresql.INTERVAL`:
    /// the classes PostgreSQL's reflection returns (their reprs differ from `sa.`'s).
    #[cfg(feature = "postgresql")]
    PgJSON,
    #[cfg(feature = "postgresql")]
    PgTIMESTAMP,
    #[cfg(feature = "postgresql")]
    PgTIME,
    #[cfg(feature = "postgresql")]
    PgINTERVAL,
    /// `NullType`: an untyped `sa.column('x')`, or a reflected column with no
    /// declared type.
    NullType,
}

/// SQLAlchemy's `_type_affinity`: decides whether batch mode CASTs on copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    Integer,
    String,
    Boolean,
    Float,
    Numeric,
    Date,
    DateTime,
    Time,
    Interval,
    Binary,
    Json,
    Uuid,
    Null,
}

const STRING_SIG: &[(&str, Literal)] = &[
    ("length", Literal::None),
    ("collation", Literal::None),
    ("collation_schema", Literal::None),
];
const FLOAT_SIG: &[(&str, Literal)] = &[
    ("precision", Literal::None),
    ("asdecimal", Literal::Bool(false)),
    ("decimal_return_scale", Literal::None),
];
const NUMERIC_SIG: &[(&str, Literal)] = &[
    ("precision", Literal::None),
    ("scale", Literal::None),
    ("decimal_return_scale", Literal::None),
    ("asdecimal", Literal::Bool(true)),
];
const BOOLEAN_SIG: &[(&str, Literal)] = &[
    ("create_constraint", Literal::Bool(false)),
    ("name", Literal::None),
];
const TZ_SIG: &[(&str, Literal)] = &[("timezone", Literal::Bool(false))];
const BINARY_SIG: &[(&str, Literal)] = &[("length", Literal::None)];
const INTERVAL_SIG: &[(&str, Literal)] = &[
    ("native", Literal::Bool(true)),
    ("second_precision", Literal::None),
    ("day_precision", Literal::None),
];
const JSON_SIG: &[(&str, Literal)] = &[("none_as_null", Literal::Bool(false))];
const UUID_SIG: &[(&str, Literal)] = &[
    ("as_uuid", Literal::Bool(true)),
    ("native_uuid", Literal::Bool(true)),
];
const UPPER_UUID_SIG: &[(&str, Literal)] = &[("as_uuid", Literal::Bool(true))];
#[cfg(feature = "postgresql")]
const ARRAY_SIG: &[(&str, Literal)] = &[
    ("as_tuple", Literal::Bool(false)),
    ("dimensions", Literal::None),
    ("zero_indexes", Literal::Bool(false)),
];
#[cfg(feature = "postgresql")]
const PG_ENUM_SIG: &[(&str, Literal)] = &[
    ("name", Literal::None),
    ("native_enum", Literal::Bool(true)),
    ("create_constraint", Literal::Bool(false)),
    ("length", Literal::None),
    ("validate_strings", Literal::Bool(false)),
    ("inherit_schema", Literal::Bool(false)),
    ("create_type", Literal::Bool(true)),
];
#[cfg(feature = "postgresql")]
const PG_TZ_SIG: &[(&str, Literal)] = &[
    ("timezone", Literal::Bool(false)),
    ("precision", Literal::None),
];
#[cfg(feature = "postgresql")]
const PG_INTERVAL_SIG: &[(&str, Literal)] =
    &[("precision", Literal::None), ("fields", Literal::None)];
/// PostgreSQL's classes, found by name in `sqlalchemy.dialects.postgresql`.
#[cfg(feature = "postgresql")]
pub(crate) const POSTGRESQL_CLASSES: &[TypeClass] = &[
    TypeClass::JSONB,
    TypeClass::INET,
    TypeClass::CIDR,
    TypeClass::MACADDR,
    TypeClass::MONEY,
    TypeClass::TSVECTOR,
    TypeClass::HSTORE,
    TypeClass::BYTEA,
    TypeClass::ARRAY,
    TypeClass::ENUM,
    TypeClass::PgJSON,
    TypeClass::PgTIMESTAMP,
    TypeClass::PgTIME,
    TypeClass::PgINTERVAL,
];
/// Enum keywords in the order `Enum.__repr__` prints them.
const ENUM_SIG: &[(&str, Literal)] = &[
    ("name", Literal::None),
    ("native_enum", Literal::Bool(true)),
    ("create_constraint", Literal::Bool(false)),
    ("length", Literal::None),
    ("validate_strings", Literal::Bool(false)),
    ("inherit_schema", Literal::Bool(false)),
];

const ALL_CLASSES: &[TypeClass] = &[
    TypeClass::Integer,
    TypeClass::BigInteger,
    TypeClass::SmallInteger,
    TypeClass::String,
    TypeClass::Unicode,
    TypeClass::Text,
    TypeClass::UnicodeText,
    TypeClass::Boolean,
    TypeClass::Float,
    TypeClass::Double,
    TypeClass::Numeric,
    TypeClass::Date,
    TypeClass::DateTime,
    TypeClass::Time,
    TypeClass::Interval,
    TypeClass::LargeBinary,
    TypeClass::Enum,
    TypeClass::JSON,
    TypeClass::Uuid,
    TypeClass::PickleType,
    TypeClass::VARCHAR,
    TypeClass::CHAR,
    TypeClass::NVARCHAR,
    TypeClass::NCHAR,
    TypeClass::INTEGER,
    TypeClass::BIGINT,
    TypeClass::SMALLINT,
    TypeClass::TEXT,
    TypeClass::CLOB,
    TypeClass::BOOLEAN,
    TypeClass::FLOAT,
    TypeClass::REAL,
    TypeClass::DOUBLE,
    TypeClass::DOUBLE_PRECISION,
    TypeClass::NUMERIC,
    TypeClass::DECIMAL,
    TypeClass::DATE,
    TypeClass::DATETIME,
    TypeClass::TIME,
    TypeClass::TIMESTAMP,
    TypeClass::BLOB,
    TypeClass::BINARY,
    TypeClass::VARBINARY,
    TypeClass::UUID,
    TypeClass::NullType,
];

impl TypeClass {
    /// The SQLAlchemy class this one derives from (`VARCHAR` from `String`, `Enum` from
    /// `String`), as far as `isinstance` needs it; `None` for the generic roots.
    pub fn parent(self) -> Option<TypeClass> {
        use TypeClass::*;
        Some(match self {
            BigInteger | SmallInteger | INTEGER => Integer,
            BIGINT => BigInteger,
            SMALLINT => SmallInteger,
            Unicode | Text | Enum | VARCHAR | CHAR => String,
            UnicodeText | TEXT | CLOB => Text,
            NVARCHAR | NCHAR => Unicode,
            BOOLEAN => Boolean,
            Float | NUMERIC | DECIMAL => Numeric,
            Double | FLOAT | REAL => Float,
            DOUBLE | DOUBLE_PRECISION => Double,
            DATE => Date,
            DATETIME | TIMESTAMP => DateTime,
            TIME => Time,
            BLOB => LargeBinary,
            SqliteJSON => JSON,
            UUID => Uuid,
            #[cfg(feature = "postgresql")]
            JSONB => JSON,
            #[cfg(feature = "postgresql")]
            BYTEA => LargeBinary,
            #[cfg(feature = "postgresql")]
            ENUM => Enum,
            #[cfg(feature = "postgresql")]
            PgJSON => JSON,
            #[cfg(feature = "postgresql")]
            PgTIMESTAMP => TIMESTAMP,
            #[cfg(feature = "postgresql")]
            PgTIME => TIME,
            #[cfg(feature = "postgresql")]
            PgINTERVAL => Interval,
            _ => return None,
        })
    }

    /// `sa.Enum`, or PostgreSQL's `ENUM`.
    pub fn is_enum(self) -> bool {
        #[cfg(feature = "postgresql")]
        if self == TypeClass::ENUM {
            return true;
        }
        self == TypeClass::Enum
    }

    /// `issubclass(self, other)` among SQLAlchemy's type classes.
    pub fn derives_from(self, other: TypeClass) -> bool {
        let mut class = Some(self);
        while let Some(current) = class {
            if current == other {
                return true;
            }
            class = current.parent();
        }
        false
    }

    /// The Python class name (`sa.<name>`).
    pub fn python_name(self) -> &'static str {
        use TypeClass::*;
        match self {
            Integer => "Integer",
            BigInteger => "BigInteger",
            SmallInteger => "SmallInteger",
            String => "String",
            Unicode => "Unicode",
            Text => "Text",
            UnicodeText => "UnicodeText",
            Boolean => "Boolean",
            Float => "Float",
            Double => "Double",
            Numeric => "Numeric",
            Date => "Date",
            DateTime => "DateTime",
            Time => "Time",
            Interval => "Interval",
            LargeBinary => "LargeBinary",
            Enum => "Enum",
            JSON | SqliteJSON => "JSON",
            Uuid => "Uuid",
            PickleType => "PickleType",
            VARCHAR => "VARCHAR",
            CHAR => "CHAR",
            NVARCHAR => "NVARCHAR",
            NCHAR => "NCHAR",
            INTEGER => "INTEGER",
            BIGINT => "BIGINT",
            SMALLINT => "SMALLINT",
            TEXT => "TEXT",
            CLOB => "CLOB",
            BOOLEAN => "BOOLEAN",
            FLOAT => "FLOAT",
            REAL => "REAL",
            DOUBLE => "DOUBLE",
            DOUBLE_PRECISION => "DOUBLE_PRECISION",
            NUMERIC => "NUMERIC",
            DECIMAL => "DECIMAL",
            DATE => "DATE",
            DATETIME => "DATETIME",
            TIME => "TIME",
            TIMESTAMP => "TIMESTAMP",
            BLOB => "BLOB",
            BINARY => "BINARY",
            VARBINARY => "VARBINARY",
            UUID => "UUID",
            #[cfg(feature = "postgresql")]
            JSONB => "JSONB",
            #[cfg(feature = "postgresql")]
            INET => "INET",
            #[cfg(feature = "postgresql")]
            CIDR => "CIDR",
            #[cfg(feature = "postgresql")]
            MACADDR => "MACADDR",
            #[cfg(feature = "postgresql")]
            MONEY => "MONEY",
            #[cfg(feature = "postgresql")]
            TSVECTOR => "TSVECTOR",
            #[cfg(feature = "postgresql")]
            HSTORE => "HSTORE",
            #[cfg(feature = "postgresql")]
            BYTEA => "BYTEA",
            #[cfg(feature = "postgresql")]
            ARRAY => "ARRAY",
            #[cfg(feature = "postgresql")]
            ENUM => "ENUM",
            #[cfg(feature = "postgresql")]
            PgJSON => "JSON",
            #[cfg(feature = "postgresql")]
            PgTIMESTAMP => "TIMESTAMP",
            #[cfg(feature = "postgresql")]
            PgTIME => "TIME",
            #[cfg(feature = "postgresql")]
            PgINTERVAL => "INTERVAL",
            NullType => "NullType",
        }
    }

    fn signature(self) -> &'static [(&'static str, Literal)] {
        use TypeClass::*;
        match self {
            String | Unicode | Text | UnicodeText | VARCHAR | CHAR | NVARCHAR | NCHAR | TEXT
            | CLOB => STRING_SIG,
            Boolean | BOOLEAN => BOOLEAN_SIG,
            Float | Double | FLOAT | REAL | DOUBLE | DOUBLE_PRECISION => FLOAT_SIG,
            Numeric | NUMERIC | DECIMAL => NUMERIC_SIG,
            DateTime | Time | DATETIME | TIME | TIMESTAMP => TZ_SIG,
            Interval => INTERVAL_SIG,
            LargeBinary | BLOB | BINARY | VARBINARY => BINARY_SIG,
            JSON | SqliteJSON => JSON_SIG,
            Uuid => UUID_SIG,
            UUID => UPPER_UUID_SIG,
            Enum => ENUM_SIG,
            #[cfg(feature = "postgresql")]
            JSONB | PgJSON => JSON_SIG,
            #[cfg(feature = "postgresql")]
            PgTIMESTAMP | PgTIME => PG_TZ_SIG,
            #[cfg(feature = "postgresql")]
            PgINTERVAL => PG_INTERVAL_SIG,
            #[cfg(feature = "postgresql")]
            ARRAY => ARRAY_SIG,
            #[cfg(feature = "postgresql")]
            ENUM => PG_ENUM_SIG,
            #[cfg(feature = "postgresql")]
            INET | CIDR | MACADDR | MONEY | TSVECTOR | HSTORE | BYTEA => &[],
            Integer | BigInteger | SmallInteger | Date | PickleType | INTEGER | BIGINT
            | SMALLINT | DATE | NullType => &[],
        }
    }

    /// SQLAlchemy's `_type_affinity`.
    pub fn affinity(self) -> Affinity {
        use TypeClass::*;
        match self {
            Integer | BigInteger | SmallInteger | INTEGER | BIGINT | SMALLINT => Affinity::Integer,
            String | Unicode | Text | UnicodeText | Enum | VARCHAR | CHAR | NVARCHAR | NCHAR
            | TEXT | CLOB => Affinity::String,
            Boolean | BOOLEAN => Affinity::Boolean,
            Float | Double | FLOAT | REAL | DOUBLE | DOUBLE_PRECISION => Affinity::Float,
            Numeric | NUMERIC | DECIMAL => Affinity::Numeric,
            Date | DATE => Affinity::Date,
            DateTime | DATETIME | TIMESTAMP => Affinity::DateTime,
            Time | TIME => Affinity::Time,
            Interval => Affinity::Interval,
            LargeBinary | PickleType | BLOB | BINARY | VARBINARY => Affinity::Binary,
            JSON | SqliteJSON => Affinity::Json,
            Uuid | UUID => Affinity::Uuid,
            #[cfg(feature = "postgresql")]
            ENUM => Affinity::String,
            #[cfg(feature = "postgresql")]
            JSONB | PgJSON => Affinity::Json,
            #[cfg(feature = "postgresql")]
            PgTIMESTAMP => Affinity::DateTime,
            #[cfg(feature = "postgresql")]
            PgTIME => Affinity::Time,
            #[cfg(feature = "postgresql")]
            PgINTERVAL => Affinity::Interval,
            #[cfg(feature = "postgresql")]
            BYTEA => Affinity::Binary,
            #[cfg(feature = "postgresql")]
            INET | CIDR | MACADDR | MONEY | TSVECTOR | HSTORE | ARRAY => Affinity::Null,
            NullType => Affinity::Null,
        }
    }
}

/// A column type: class, non-default constructor arguments (signature order)
/// and, for `Enum`, the values.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlType {
    pub class: TypeClass,
    /// Constructor keywords that differ from the class defaults, in the
    /// order `generic_repr` prints them.
    pub args: Vec<(String, Literal)>,
    /// `Enum` values (positional arguments).
    pub enum_values: Vec<String>,
    /// An `ARRAY`'s item type.
    #[cfg(feature = "postgresql")]
    pub item: Option<Box<SqlType>>,
}

fn literal_int(value: &Literal) -> Option<i64> {
    match value {
        Literal::Int(i) => Some(*i),
        _ => None,
    }
}

impl SqlType {
    /// A type with all-default arguments, e.g. `sa.Integer()`.
    pub fn new(class: TypeClass) -> SqlType {
        SqlType {
            class,
            args: Vec::new(),
            enum_values: Vec::new(),
            #[cfg(feature = "postgresql")]
            item: None,
        }
    }

    /// A type with one keyword set (keeps signature order).
    pub fn with(mut self, key: &str, value: Literal) -> SqlType {
        self.set_arg(key, value);
        self
    }

    /// `String(length)`-style shorthand.
    pub fn with_length(class: TypeClass, length: i64) -> SqlType {
        SqlType::new(class).with("length", Literal::Int(length))
    }

    /// `Enum('a', 'b', name=...)`.
    pub fn enumeration(values: &[&str], name: Option<&str>) -> SqlType {
        let mut t = SqlType::new(TypeClass::Enum);
        t.enum_values = values.iter().map(|v| v.to_string()).collect();
        if let Some(name) = name {
            t.set_arg("name", Literal::Str(name.to_string()));
        }
        t
    }

    fn set_arg(&mut self, key: &str, value: Literal) {
        let signature = self.class.signature();
        let default = signature.iter().find(|(k, _)| *k == key).map(|(_, d)| d);
        self.args.retain(|(k, _)| k != key);
        // `length` on Enum is shown whenever it was passed explicitly.
        let keep = match default {
            Some(d) => *d != value || (self.class.is_enum() && key == "length"),
            None => true,
        };
        if keep {
            self.args.push((key.to_string(), value));
        }
        let order = |k: &str| {
            signature
                .iter()
                .position(|(name, _)| *name == k)
                .unwrap_or(usize::MAX)
        };
        crate::sort::sort_by_key(&mut self.args, |(k, _)| order(k));
    }

    /// The value of keyword `key` if given.
    pub fn arg(&self, key: &str) -> Option<&Literal> {
        self.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn int_arg(&self, key: &str) -> Option<i64> {
        self.arg(key).and_then(literal_int)
    }

    fn bool_arg(&self, key: &str) -> bool {
        matches!(self.arg(key), Some(Literal::Bool(true)))
    }

    /// The `name=` of a Boolean/Enum (used for its CHECK constraint).
    pub fn schema_type_name(&self) -> Option<&str> {
        match self.arg("name") {
            Some(Literal::Str(s)) => Some(s.as_str()),
            _ => None,
        }
    }

    /// Whether the type generates its own CHECK constraint
    /// (`Boolean(create_constraint=True)` / `Enum(..., create_constraint=True)`).
    pub fn creates_constraint(&self) -> bool {
        matches!(
            self.class,
            TypeClass::Boolean | TypeClass::BOOLEAN | TypeClass::Enum
        ) && self.bool_arg("create_constraint")
    }

    /// The body of the type's CHECK for column `column` (already quoted by the caller).
    pub fn constraint_check_sql(&self, quoted_column: &str) -> String {
        if self.class.is_enum() {
            let values: Vec<String> = self.enum_values.iter().map(|v| sql_string(v)).collect();
            format!("{quoted_column} IN ({})", values.join(", "))
        } else {
            format!("{quoted_column} IN (0, 1)")
        }
    }

    /// The effective string length (Enum: explicit or longest value).
    pub fn length(&self) -> Option<i64> {
        if self.class.is_enum() {
            if let Some(arg) = self.arg("length") {
                return literal_int(arg);
            }
            let longest = self
                .enum_values
                .iter()
                .map(|v| v.chars().count() as i64)
                .max()
                .unwrap_or(0);
            return Some(longest);
        }
        self.int_arg("length")
    }

    /// SQLite DDL text, e.g. `VARCHAR(50)`, `NUMERIC(10, 2)`.
    pub fn ddl(&self) -> Result<String, OpsError> {
        use TypeClass::*;
        let with_len = |base: &str| match self.length() {
            Some(n) if n != 0 => format!("{base}({n})"),
            _ => base.to_string(),
        };
        let collate = |text: std::string::String| match self.arg("collation") {
            Some(Literal::Str(c)) => format!("{text} COLLATE {}", quote(c)),
            _ => text,
        };
        let numeric = |base: &str| match (self.int_arg("precision"), self.int_arg("scale")) {
            (Some(p), Some(s)) => format!("{base}({p}, {s})"),
            (Some(p), None) => format!("{base}({p})"),
            _ => base.to_string(),
        };
        Ok(match self.class {
            Integer | INTEGER => "INTEGER".to_string(),
            BigInteger | BIGINT => "BIGINT".to_string(),
            SmallInteger | SMALLINT => "SMALLINT".to_string(),
            String | Unicode | VARCHAR | Enum => collate(with_len("VARCHAR")),
            NVARCHAR => collate(with_len("NVARCHAR")),
            CHAR => collate(with_len("CHAR")),
            NCHAR => collate(with_len("NCHAR")),
            Text | UnicodeText | TEXT => collate(with_len("TEXT")),
            CLOB => collate(with_len("CLOB")),
            Boolean | BOOLEAN => "BOOLEAN".to_string(),
            Float | FLOAT => "FLOAT".to_string(),
            REAL => "REAL".to_string(),
            Double | DOUBLE => "DOUBLE".to_string(),
            DOUBLE_PRECISION => "DOUBLE PRECISION".to_string(),
            Numeric | NUMERIC => numeric("NUMERIC"),
            DECIMAL => numeric("DECIMAL"),
            Date | DATE => "DATE".to_string(),
            DateTime | DATETIME | Interval => "DATETIME".to_string(),
            Time | TIME => "TIME".to_string(),
            TIMESTAMP => "TIMESTAMP".to_string(),
            LargeBinary | BLOB | PickleType => "BLOB".to_string(),
            BINARY => with_len("BINARY"),
            VARBINARY => with_len("VARBINARY"),
            JSON | SqliteJSON => "JSON".to_string(),
            Uuid => "CHAR(32)".to_string(),
            UUID => "UUID".to_string(),
            #[cfg(feature = "postgresql")]
            ENUM => collate(with_len("VARCHAR")),
            #[cfg(feature = "postgresql")]
            PgJSON => "JSON".to_string(),
            #[cfg(feature = "postgresql")]
            PgTIMESTAMP => "TIMESTAMP".to_string(),
            #[cfg(feature = "postgresql")]
            PgTIME => "TIME".to_string(),
            #[cfg(feature = "postgresql")]
            JSONB | PgINTERVAL | INET | CIDR | MACADDR | MONEY | TSVECTOR | HSTORE | BYTEA | ARRAY => {
                return Err(OpsError::Compile(format!(
                    "Compiler <sqlalchemy.dialects.sqlite.base.SQLiteTypeCompiler> can't render element of type {} (a PostgreSQL type)",
                    self.class.python_name()
                )))
            }
            NullType => {
                return Err(OpsError::Compile(
                    "Can't generate DDL for NullType(); did you forget to specify a type on this Column?"
                        .to_string(),
                ))
            }
        })
    }

    /// The type as autogenerate renders it: `sa.String(length=50)`,
    /// `sa.Enum('a', 'bb', name='e')`, `sqlite.JSON()`.
    pub fn python_repr(&self) -> String {
        self.repr_with(true)
    }

    /// The type's `repr()` as Python logs it: [`python_repr`](Self::python_repr) without
    /// the module prefixes (`VARCHAR(length=50)`, `JSONB(astext_type=Text())`).
    pub fn plain_repr(&self) -> String {
        self.repr_with(false)
    }

    fn repr_with(&self, modules: bool) -> String {
        let prefix = if !modules {
            ""
        } else if self.class == TypeClass::SqliteJSON {
            "sqlite."
        } else {
            "sa."
        };
        #[cfg(feature = "postgresql")]
        let prefix = if modules && crate::ops::postgresql::is_dialect_class(self.class) {
            "postgresql."
        } else {
            prefix
        };
        let mut parts: Vec<String> = self.enum_values.iter().map(|v| py_repr_str(v)).collect();
        #[cfg(feature = "postgresql")]
        if let Some(item) = &self.item {
            parts.push(item.repr_with(modules));
        }
        if self.class != TypeClass::Interval {
            for (key, value) in &self.args {
                if key == "validate_strings" || key == "inherit_schema" {
                    continue;
                }
                parts.push(format!("{key}={}", value.python_repr()));
            }
        }
        // PostgreSQL's JSON types always hold an `astext_type` (`Text()` unless given).
        #[cfg(feature = "postgresql")]
        if matches!(self.class, TypeClass::JSONB | TypeClass::PgJSON) {
            parts.push(format!(
                "astext_type={}Text()",
                if modules { "sa." } else { "" }
            ));
        }
        format!("{prefix}{}({})", self.class.python_name(), parts.join(", "))
    }

    /// Build a type from a call the evaluator saw: `name` is the dotted callee
    /// (`sa.String`, `String`, `sqlalchemy.types.VARCHAR`, `sqlite.JSON`);
    /// a bare class reference (`String`) is a call with no arguments.
    pub fn from_python_call(
        name: &str,
        positional: &[Literal],
        keywords: &[(String, Literal)],
    ) -> Result<SqlType, OpsError> {
        let (module, short) = match name.rsplit_once('.') {
            Some((m, s)) => (m, s),
            None => ("", name),
        };
        #[cfg(feature = "postgresql")]
        let postgresql =
            (module == "postgresql" || module.ends_with(".postgresql") || short == "ARRAY")
                .then(|| {
                    POSTGRESQL_CLASSES
                        .iter()
                        .copied()
                        .find(|c| c.python_name() == short)
                })
                .flatten();
        #[cfg(not(feature = "postgresql"))]
        let postgresql = None;
        let class = if postgresql.is_some() {
            postgresql
        } else if short == "JSON" && (module == "sqlite" || module.ends_with(".sqlite")) {
            Some(TypeClass::SqliteJSON)
        } else if short == "Enum" {
            Some(TypeClass::Enum)
        } else {
            ALL_CLASSES
                .iter()
                .copied()
                .find(|c| c.python_name() == short && *c != TypeClass::NullType)
        };
        let class =
            class.ok_or_else(|| OpsError::Argument(format!("unknown SQLAlchemy type '{name}'")))?;
        let mut t = SqlType::new(class);
        let signature = class.signature();
        if class.is_enum() {
            for value in positional {
                match value {
                    Literal::Str(s) => t.enum_values.push(s.clone()),
                    other => {
                        return Err(OpsError::Type(format!(
                            "object of type '{}' has no len()",
                            python_type_name(other)
                        )));
                    }
                }
            }
        } else {
            if positional.len() > signature.len() {
                return Err(OpsError::Type(format!(
                    "{}.__init__() takes from 1 to {} positional arguments but {} were given",
                    class.python_name(),
                    signature.len() + 1,
                    positional.len() + 1
                )));
            }
            for ((key, _), value) in signature.iter().zip(positional) {
                t.set_arg(key, value.clone());
            }
        }
        for (key, value) in keywords {
            if !signature.iter().any(|(k, _)| k == key) {
                return Err(OpsError::Type(format!(
                    "{}.__init__() got an unexpected keyword argument '{key}'",
                    class.python_name()
                )));
            }
            t.set_arg(key, value.clone());
        }
        if class.is_enum() {
            if let Some(Literal::Int(len)) = t.arg("length") {
                let longest = t
                    .enum_values
                    .iter()
                    .map(|v| v.chars().count() as i64)
                    .max()
                    .unwrap_or(0);
                if *len < longest {
                    return Err(OpsError::Value(format!(
                        "When provided, length must be larger or equal than the length of the longest enum value. {len} < {longest}"
                    )));
                }
            }
        }
        Ok(t)
    }

    /// The type SQLAlchemy's SQLite dialect reflects from a declared type
    /// (`_resolve_type_affinity`), e.g. `VARCHAR(50)` → `VARCHAR(length=50)`.
    /// Returns the type and an optional warning text.
    pub fn from_sqlite_declared(declared: &str) -> (SqlType, Option<String>) {
        let declared = declared.to_uppercase();
        // ([\w ]+)(\(.*?\))?
        let chars: Vec<char> = declared.chars().collect();
        let word_end = chars
            .iter()
            .position(|c| !(c.is_alphanumeric() || *c == '_' || *c == ' '))
            .unwrap_or(chars.len());
        let (coltype, args): (std::string::String, Option<std::string::String>) = if word_end == 0 {
            (std::string::String::new(), None)
        } else {
            let coltype: std::string::String = chars.iter().take(word_end).collect();
            let rest: std::string::String = chars.iter().skip(word_end).collect();
            let args = if rest.starts_with('(') {
                rest.find(')')
                    .map(|end| rest.get(..=end).unwrap_or("").to_string())
            } else {
                None
            };
            (coltype, args)
        };
        use TypeClass::*;
        let class = match coltype.as_str() {
            "BIGINT" => BIGINT,
            "BLOB" => BLOB,
            "BOOL" | "BOOLEAN" => BOOLEAN,
            "CHAR" => CHAR,
            "DATE" | "DATE_CHAR" => DATE,
            "DATETIME" | "DATETIME_CHAR" => DATETIME,
            "DOUBLE" => DOUBLE,
            "DECIMAL" => DECIMAL,
            "FLOAT" => FLOAT,
            "INT" | "INTEGER" => INTEGER,
            "JSON" => SqliteJSON,
            "NUMERIC" => NUMERIC,
            "REAL" => REAL,
            "SMALLINT" => SMALLINT,
            "TEXT" => TEXT,
            "TIME" | "TIME_CHAR" => TIME,
            "TIMESTAMP" => TIMESTAMP,
            "VARCHAR" => VARCHAR,
            "NVARCHAR" => NVARCHAR,
            "NCHAR" => NCHAR,
            c if c.contains("INT") => INTEGER,
            c if c.contains("CHAR") || c.contains("CLOB") || c.contains("TEXT") => TEXT,
            c if c.contains("BLOB") || c.is_empty() => NullType,
            c if c.contains("REAL") || c.contains("FLOA") || c.contains("DOUB") => REAL,
            _ => NUMERIC,
        };
        let numbers: Vec<i64> = match &args {
            Some(a) => a
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .filter_map(|s| crate::python::parse_int(s, 10))
                .collect(),
            None => Vec::new(),
        };
        let positional: Vec<Literal> = numbers.iter().map(|n| Literal::Int(*n)).collect();
        let mut t = SqlType::new(class);
        let signature = class.signature();
        // Python passes the numbers positionally; a type that takes none
        // (or fewer) warns and is built without arguments.
        let usable = match class {
            Boolean | BOOLEAN => 0,
            _ => signature.len(),
        };
        if positional.len() > usable {
            let shown: Vec<std::string::String> =
                numbers.iter().map(|n| format!("'{n}'")).collect();
            let warning = format!(
                "Could not instantiate type <class 'sqlalchemy.sql.sqltypes.{}'> with reflected arguments [{}]; using no arguments.",
                class.python_name(),
                shown.join(", ")
            );
            return (t, Some(warning));
        }
        for ((key, _), value) in signature.iter().zip(positional) {
            t.set_arg(key, value);
        }
        (t, None)
    }
}

fn python_type_name(value: &Literal) -> &'static str {
    match value {
        Literal::None => "NoneType",
        Literal::Bool(_) => "bool",
        Literal::Int(_) => "int",
        Literal::Float(_) => "float",
        Literal::Str(_) => "str",
    }
}
