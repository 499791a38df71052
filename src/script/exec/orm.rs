//! A plain ORM `Session` over declarative classes, as data migrations use one:
//! `orm.Session(bind=op.get_bind())`, `session.query(Model)` / `session.query(Model.a,
//! Model.b)` with `filter` / `filter_by` / `order_by` / `limit` / `offset` / `yield_per`,
//! then `all` / `first` / `one` / `one_or_none` / `scalar` / `count` / `get` / `delete` /
//! `update` or iteration; `add`, `add_all`, `merge`, `delete`, `flush`, `commit`,
//! `rollback`, `close`, `execute`, `get`, `bulk_save_objects`, `bulk_insert_mappings`,
//! `bulk_update_mappings`.
//!
//! A class is mapped when it has a `__tablename__` and derives from a library base (the
//! `declarative_base()` the program made): its `Column` attributes (and its bases') are the
//! table. Loaded objects are instances of the class with their row's values as attributes,
//! one per primary key (the identity map); a flush (before a query, at `flush()` /
//! `commit()`) inserts added objects and updates the attributes changed since loading, in
//! the order SQLAlchemy's unit of work uses for a single table (inserts, updates, deletes).
//! The session works inside Alembic's transaction on the migration's connection, as
//! `Session(bind=connection)` joins it: `commit()` flushes and commits nothing else.
//!
//! Deliberately absent: relationships, `Mapped[]` / `mapped_column()` annotations, Python-side
//! column defaults and reading back generated primary keys (a flushed object without one
//! keeps `None`), expiry after `rollback()`.
//!
//! Offline the bind is Alembic's mock connection: the first statement fails as SQLAlchemy
//! fails there (measured with Alembic 1.20.1: `'MockConnection' object has no attribute
//! 'close'`).

use std::collections::HashMap;

use crate::ops::{ExecuteSql, Operation, Select, SqlExpr};
use crate::python::Span;

use super::args::{Arg, Call, KwArg};
use super::eval::Evaluator;
use super::value::{Rows, Value};

type EvalResult<T> = Result<T, super::ExecError>;

/// A mapped class's table: its name and each column's attribute and column names.
pub(super) struct Mapping {
    pub table: String,
    /// (attribute, column) in declaration order
    pub columns: Vec<(String, String)>,
    /// attribute names of the primary key
    pub primary_key: Vec<String>,
}

impl Mapping {
    fn column_of(&self, attribute: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(a, _)| a == attribute)
            .map(|(_, c)| c.as_str())
    }

    fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|(_, c)| c.clone()).collect()
    }

    fn expr(&self, column: &str) -> SqlExpr {
        SqlExpr::Column {
            table: self.table.clone(),
            name: column.to_string(),
        }
    }
}

/// One session's unit of work.
#[derive(Default)]
pub(super) struct OrmSession {
    /// objects added and not flushed yet
    pending: Vec<u32>,
    /// objects loaded or flushed, in that order, with their attributes as last flushed
    persistent: Vec<Persistent>,
    /// where each persistent object is in `persistent`, by [`instance_key`]
    positions: HashMap<String, usize>,
    /// the identity map: [`identity_entry`] (class and primary key) to the persistent object
    /// (the maps are keyed by strings: one map type for the crate's string-keyed lookups, not
    /// a hash table compiled per key type into the page)
    identities: HashMap<String, usize>,
    /// objects marked for deletion
    deleted: Vec<u32>,
}

struct Persistent {
    instance: u32,
    class: u32,
    /// its entry in the identity map
    identity: Option<String>,
    committed: HashMap<String, Value>,
}

fn instance_key(instance: u32) -> String {
    instance.to_string()
}

/// The identity map's key for a class and a primary key (from [`identity_key`]).
fn identity_entry(class: u32, identity: &str) -> String {
    format!("{class}\u{0}{identity}")
}

/// A primary key as the identity map's key (`None`: a key with no value, or not a plain one).
fn identity_key(key: &[Value]) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    let parts: Option<Vec<String>> = key
        .iter()
        .map(|value| value.to_literal().map(|literal| literal.python_repr()))
        .collect();
    parts.map(|parts| parts.join("\u{0}"))
}

impl OrmSession {
    fn committed(&self, instance: u32) -> Option<&HashMap<String, Value>> {
        let position = *self.positions.get(&instance_key(instance))?;
        self.persistent.get(position).map(|p| &p.committed)
    }

    /// Records an object as persistent with these attributes and primary key.
    fn remember(
        &mut self,
        instance: u32,
        class: u32,
        key: &[Value],
        committed: HashMap<String, Value>,
    ) {
        let identity = identity_key(key);
        if let Some(identity) = &identity {
            self.identities
                .insert(identity_entry(class, identity), instance as usize);
        }
        let known = Persistent {
            instance,
            class,
            identity,
            committed,
        };
        match self.positions.get(&instance_key(instance)) {
            Some(&position) => {
                let old = std::mem::replace(&mut self.persistent[position], known);
                // a primary key that changed leaves its old entry
                if old.identity != self.persistent[position].identity {
                    if let Some(identity) = old.identity {
                        self.identities.remove(&identity_entry(class, &identity));
                    }
                }
            }
            None => {
                self.positions
                    .insert(instance_key(instance), self.persistent.len());
                self.persistent.push(known);
            }
        }
    }

    fn forget(&mut self, instance: u32) {
        let Some(position) = self.positions.remove(&instance_key(instance)) else {
            return;
        };
        let old = self.persistent.remove(position);
        if let Some(identity) = old.identity {
            self.identities
                .remove(&identity_entry(old.class, &identity));
        }
        for (index, p) in self.persistent.iter().enumerate().skip(position) {
            self.positions.insert(instance_key(p.instance), index);
        }
    }

    fn forget_all(&mut self) {
        self.persistent.clear();
        self.positions.clear();
        self.identities.clear();
    }
}

/// `session.query(...)` being built up.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OrmQuery {
    pub session: u32,
    /// the mapped class the query loads objects of, or `None` for rows of columns
    pub model: Option<u32>,
    /// for rows: their labels
    pub labels: Vec<String>,
    pub select: Select,
}

const SESSION_METHODS: &[&str] = &[
    "query",
    "add",
    "add_all",
    "merge",
    "delete",
    "flush",
    "commit",
    "rollback",
    "close",
    "execute",
    "get",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
    "expunge_all",
    "begin",
];

const QUERY_METHODS: &[&str] = &[
    "join",
    "outerjoin",
    "filter",
    "filter_by",
    "where",
    "order_by",
    "limit",
    "offset",
    "yield_per",
    "distinct",
    "execution_options",
    "all",
    "first",
    "one",
    "one_or_none",
    "scalar",
    "count",
    "get",
    "delete",
    "update",
];

/// Whether a library name is SQLAlchemy's `Session` class.
pub(super) fn is_session_class(name: &str) -> bool {
    matches!(
        name,
        "sqlalchemy.orm.Session" | "sqlalchemy.orm.session.Session"
    )
}

/// `Session(bind=connection)`.
pub(super) fn new_session(
    ev: &mut Evaluator,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    match super::metadata::bind_argument(&args, &keywords) {
        Some(Value::Connection) => {}
        Some(other) => {
            return Err(ev.unsupported(
                span,
                format!(
                    "the playground binds a Session to op.get_bind() only, not {}",
                    other.kind_name()
                ),
            ))
        }
        None => {
            return Err(ev.unsupported(
                span,
                "the playground needs Session(bind=op.get_bind()): it has no other engine",
            ))
        }
    }
    if ev.orm_sessions.len() >= 1000 {
        return Err(ev.unsupported(span, "the playground opens at most 1000 sessions per run"));
    }
    ev.orm_sessions.push(OrmSession::default());
    Ok(Value::OrmSession(ev.orm_sessions.len() as u32 - 1))
}

/// `session.<name>` / `query.<name>`: a method to call.
pub(super) fn attribute(
    ev: &Evaluator,
    value: &Value,
    attr: &str,
    span: Span,
) -> EvalResult<Value> {
    let (methods, what) = match value {
        Value::OrmSession(_) => (SESSION_METHODS, "Session"),
        _ => (QUERY_METHODS, "Query"),
    };
    if methods.contains(&attr) {
        Ok(Value::Method(Box::new(value.clone()), attr.to_string()))
    } else {
        Err(ev.unsupported(
            span,
            format!("the playground cannot read '.{attr}' of a {what}"),
        ))
    }
}

fn positional(args: Vec<Arg>) -> Vec<Value> {
    args.into_iter().map(|arg| arg.value).collect()
}

/// `session.<name>(...)` / `query.<name>(...)`.
pub(super) fn method(ev: &mut Evaluator, receiver: Value, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    match receiver {
        Value::OrmSession(session) => session_call(ev, session, name, args, keywords, span),
        Value::OrmQuery(query) => query_call(ev, *query, name, args, keywords, span),
        other => Err(ev.unsupported(
            span,
            format!(
                "the playground cannot call .{name}() of {}",
                other.kind_name()
            ),
        )),
    }
}

fn session_call(
    ev: &mut Evaluator,
    session: u32,
    name: &str,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    match name {
        "query" => {
            let values = positional(args);
            build_query(ev, session, values, span)
        }
        "add" | "merge" | "delete" => {
            let Some(object) = args.first() else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    format!("Session.{name}() missing 1 required positional argument"),
                ));
            };
            let instance = instance_of(ev, &object.value, object.span)?;
            match name {
                "add" => {
                    add(ev, session, instance);
                    Ok(Value::None)
                }
                "delete" => {
                    if let Some(state) = ev.orm_sessions.get_mut(session as usize) {
                        state.pending.retain(|i| *i != instance);
                        if !state.deleted.contains(&instance) {
                            state.deleted.push(instance);
                        }
                    }
                    Ok(Value::None)
                }
                _ => merge(ev, session, instance, span),
            }
        }
        "add_all" | "bulk_save_objects" => {
            let Some(arg) = args.into_iter().next() else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    format!("Session.{name}() missing 1 required positional argument"),
                ));
            };
            let objects = ev.iterate(arg.value, arg.span)?;
            let mut instances = Vec::new();
            for object in objects {
                instances.push(instance_of(ev, &object, arg.span)?);
            }
            if name == "add_all" {
                for instance in instances {
                    add(ev, session, instance);
                }
            } else {
                bulk_save(ev, session, instances, span)?;
            }
            Ok(Value::None)
        }
        "bulk_insert_mappings" | "bulk_update_mappings" => {
            let mut values = positional(args).into_iter();
            let (Some(Value::Class(class)), Some(rows)) = (values.next(), values.next()) else {
                return Err(ev.unsupported(
                    span,
                    format!("the playground supports session.{name}(Model, [dict, ...])"),
                ));
            };
            let mapping = mapping_or_error(ev, class, span)?;
            let rows = ev.iterate(rows, span)?;
            for row in rows {
                let Value::Dict(items) = row else {
                    return Err(ev.unsupported(span, format!("{name}() takes a list of dicts")));
                };
                let mut attributes = Vec::new();
                for (key, value) in items {
                    if let Value::Str(key) = key {
                        attributes.push((key, value));
                    }
                }
                if name == "bulk_insert_mappings" {
                    insert(ev, &mapping, &attributes, span)?;
                } else {
                    let (key, changed): (Vec<_>, Vec<_>) = attributes
                        .into_iter()
                        .partition(|(a, _)| mapping.primary_key.contains(a));
                    update(ev, &mapping, &key, &changed, span)?;
                }
            }
            Ok(Value::None)
        }
        "flush" | "commit" => {
            flush(ev, session, span)?;
            Ok(Value::None)
        }
        "rollback" | "close" | "expunge_all" => {
            if let Some(state) = ev.orm_sessions.get_mut(session as usize) {
                state.pending.clear();
                state.deleted.clear();
                if name != "rollback" {
                    state.forget_all();
                }
            }
            Ok(Value::None)
        }
        "begin" => Err(ev.unsupported(
            span,
            "the playground's Session runs inside the migration's transaction: session.begin() is not supported",
        )),
        "get" => {
            let mut values = positional(args).into_iter();
            let (Some(Value::Class(class)), Some(key)) = (values.next(), values.next()) else {
                return Err(ev.unsupported(span, "the playground supports session.get(Model, key)"));
            };
            get(ev, session, class, key, span)
        }
        // "execute"
        _ => {
            connection_use(ev, span)?;
            flush(ev, session, span)?;
            super::connection::execute(ev, Call::new("execute", args, keywords, span))
        }
    }
}

/// Fails as SQLAlchemy fails on Alembic's mock connection (offline).
fn connection_use(ev: &Evaluator, span: Span) -> EvalResult<()> {
    super::connection::needs_live(
        ev,
        span,
        "AttributeError",
        "'MockConnection' object has no attribute 'close'",
    )
}

fn mapping_or_error(ev: &Evaluator, class: u32, span: Span) -> EvalResult<Mapping> {
    ev.mapping(class).ok_or_else(|| {
        ev.python(
            span,
            "sqlalchemy.orm.exc.UnmappedClassError",
            format!("Class '{}' is not mapped", ev.class_name(class)),
        )
    })
}

fn mapped_instance(ev: &Evaluator, instance: u32, span: Span) -> EvalResult<(u32, Mapping)> {
    let class = ev.instance_class(instance).unwrap_or(u32::MAX);
    match ev.mapping(class) {
        Some(mapping) => Ok((class, mapping)),
        None => Err(ev.python(
            span,
            "sqlalchemy.orm.exc.UnmappedInstanceError",
            format!("Class '{}' is not mapped", ev.class_name(class)),
        )),
    }
}

/// An object given to the session: an instance of a mapped class.
fn instance_of(ev: &Evaluator, value: &Value, span: Span) -> EvalResult<u32> {
    let Value::Instance(instance) = value else {
        return Err(ev.unsupported(
            span,
            format!(
                "the playground's Session takes objects of mapped classes, not {}",
                value.kind_name()
            ),
        ));
    };
    mapped_instance(ev, *instance, span)?;
    Ok(*instance)
}

fn add(ev: &mut Evaluator, session: u32, instance: u32) {
    if let Some(state) = ev.orm_sessions.get_mut(session as usize) {
        let known = state.pending.contains(&instance)
            || state.positions.contains_key(&instance_key(instance));
        if !known {
            state.pending.push(instance);
        }
        state.deleted.retain(|i| *i != instance);
    }
}

/// The attribute values of an instance for the mapped columns it has set.
fn set_attributes(ev: &Evaluator, instance: u32, mapping: &Mapping) -> Vec<(String, Value)> {
    let attrs = ev.instance_attrs(instance);
    mapping
        .columns
        .iter()
        .filter_map(|(attribute, _)| {
            attrs
                .and_then(|attrs| attrs.get(attribute))
                .map(|value| (attribute.clone(), value.clone()))
        })
        .collect()
}

fn key_of(attributes: &[(String, Value)], mapping: &Mapping) -> Option<Vec<Value>> {
    let mut key = Vec::with_capacity(mapping.primary_key.len());
    for attribute in &mapping.primary_key {
        let (_, value) = attributes.iter().find(|(a, _)| a == attribute)?;
        if matches!(value, Value::None) {
            return None;
        }
        key.push(value.clone());
    }
    Some(key)
}

fn literal(ev: &Evaluator, value: &Value, span: Span) -> EvalResult<SqlExpr> {
    match value.to_literal() {
        Some(literal) => Ok(SqlExpr::Value(literal)),
        None => Err(ev.unsupported(
            span,
            format!(
                "the playground stores plain values in mapped columns, not {}",
                value.kind_name()
            ),
        )),
    }
}

fn run(ev: &mut Evaluator, sql: ExecuteSql, span: Span) -> EvalResult<Option<Rows>> {
    connection_use(ev, span)?;
    Ok(ev
        .query(Operation::Execute(sql), span)?
        .map(Rows::from_query))
}

/// Attribute values as the statement's column values.
fn column_values(
    ev: &Evaluator,
    mapping: &Mapping,
    attributes: &[(String, Value)],
    span: Span,
) -> EvalResult<Vec<(String, SqlExpr)>> {
    let mut values = Vec::new();
    for (attribute, value) in attributes {
        if let Some(column) = mapping.column_of(attribute) {
            values.push((column.to_string(), literal(ev, value, span)?));
        }
    }
    Ok(values)
}

/// The attributes whose values differ from what was last flushed.
fn changed_since(
    attributes: &[(String, Value)],
    committed: &HashMap<String, Value>,
) -> Vec<(String, Value)> {
    attributes
        .iter()
        .filter(|(a, v)| committed.get(a).and_then(|c| c.python_eq(v)) != Some(true))
        .cloned()
        .collect()
}

/// The primary key as last flushed (what the UPDATE's WHERE names).
fn committed_key(committed: &HashMap<String, Value>, mapping: &Mapping) -> Vec<(String, Value)> {
    mapping
        .primary_key
        .iter()
        .filter_map(|a| committed.get(a).map(|v| (a.clone(), v.clone())))
        .collect()
}

fn insert(
    ev: &mut Evaluator,
    mapping: &Mapping,
    attributes: &[(String, Value)],
    span: Span,
) -> EvalResult<()> {
    let values = column_values(ev, mapping, attributes, span)?;
    let sql = ExecuteSql::Insert {
        table: mapping.table.clone(),
        table_columns: mapping.column_names(),
        values,
    };
    run(ev, sql, span).map(drop)
}

fn key_condition(
    ev: &Evaluator,
    mapping: &Mapping,
    key: &[(String, Value)],
    span: Span,
) -> EvalResult<Option<SqlExpr>> {
    let mut terms = Vec::new();
    for (attribute, value) in key {
        let Some(column) = mapping.column_of(attribute) else {
            continue;
        };
        terms.push(SqlExpr::Binary {
            left: Box::new(mapping.expr(column)),
            operator: "=".into(),
            right: Box::new(literal(ev, value, span)?),
        });
    }
    Ok(match terms.len() {
        0 => None,
        1 => terms.pop(),
        _ => Some(SqlExpr::And(terms)),
    })
}

fn update(
    ev: &mut Evaluator,
    mapping: &Mapping,
    key: &[(String, Value)],
    changed: &[(String, Value)],
    span: Span,
) -> EvalResult<()> {
    if changed.is_empty() {
        return Ok(());
    }
    if key.len() != mapping.primary_key.len() {
        // SQLAlchemy's message for a mapping without its primary key
        return Err(ev.python(
            span,
            "sqlalchemy.exc.InvalidRequestError",
            format!(
                "No primary key value supplied for column(s) {}; per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values",
                mapping
                    .primary_key
                    .iter()
                    .map(|a| format!("{}.{}", mapping.table, mapping.column_of(a).unwrap_or(a)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let values = column_values(ev, mapping, changed, span)?;
    let sql = ExecuteSql::Update {
        table: mapping.table.clone(),
        table_columns: mapping.column_names(),
        values,
        where_clause: key_condition(ev, mapping, key, span)?,
    };
    run(ev, sql, span).map(drop)
}

fn primary_key_attributes(
    attributes: &[(String, Value)],
    mapping: &Mapping,
) -> Vec<(String, Value)> {
    attributes
        .iter()
        .filter(|(a, _)| mapping.primary_key.contains(a))
        .cloned()
        .collect()
}

/// Writes the session's changes: inserts of added objects, updates of the attributes of
/// loaded objects changed since, deletes.
fn flush(ev: &mut Evaluator, session: u32, span: Span) -> EvalResult<()> {
    let Some(state) = ev.orm_sessions.get_mut(session as usize) else {
        return Ok(());
    };
    let pending = std::mem::take(&mut state.pending);
    let deleted = std::mem::take(&mut state.deleted);
    // the objects persistent before this flush (those it inserts are unchanged since)
    let loaded: Vec<(u32, u32)> = state
        .persistent
        .iter()
        .map(|p| (p.instance, p.class))
        .collect();
    for instance in pending {
        let (class, mapping) = mapped_instance(ev, instance, span)?;
        let attributes = set_attributes(ev, instance, &mapping);
        insert(ev, &mapping, &attributes, span)?;
        remember(ev, session, instance, class, &mapping, attributes);
    }
    let mut mappings: Vec<(u32, Mapping)> = Vec::new();
    for (instance, class) in loaded {
        if deleted.contains(&instance) {
            continue;
        }
        if !mappings.iter().any(|(c, _)| *c == class) {
            let Some(mapping) = ev.mapping(class) else {
                continue;
            };
            mappings.push((class, mapping));
        }
        let Some((_, mapping)) = mappings.iter().find(|(c, _)| *c == class) else {
            continue;
        };
        let attributes = set_attributes(ev, instance, mapping);
        let Some(committed) = ev.orm_sessions[session as usize].committed(instance) else {
            continue;
        };
        let changed = changed_since(&attributes, committed);
        if changed.is_empty() {
            continue;
        }
        let key = committed_key(committed, mapping);
        update(ev, mapping, &key, &changed, span)?;
        remember(ev, session, instance, class, mapping, attributes);
    }
    for instance in deleted {
        let (_, mapping) = mapped_instance(ev, instance, span)?;
        let attributes = set_attributes(ev, instance, &mapping);
        let key = primary_key_attributes(&attributes, &mapping);
        let sql = ExecuteSql::Delete {
            table: mapping.table.clone(),
            where_clause: key_condition(ev, &mapping, &key, span)?,
        };
        run(ev, sql, span)?;
        if let Some(state) = ev.orm_sessions.get_mut(session as usize) {
            state.forget(instance);
        }
    }
    Ok(())
}

/// Records an object as persistent in the session with its attributes as they are now.
fn remember(
    ev: &mut Evaluator,
    session: u32,
    instance: u32,
    class: u32,
    mapping: &Mapping,
    attributes: Vec<(String, Value)>,
) {
    let key = key_of(&attributes, mapping).unwrap_or_default();
    if let Some(state) = ev.orm_sessions.get_mut(session as usize) {
        state.remember(instance, class, &key, attributes.into_iter().collect());
    }
}

/// `bulk_save_objects(objects)`: inserts the new ones, updates the changed attributes of the
/// persistent ones; the objects do not join the session.
fn bulk_save(ev: &mut Evaluator, session: u32, instances: Vec<u32>, span: Span) -> EvalResult<()> {
    for instance in instances {
        let (class, mapping) = mapped_instance(ev, instance, span)?;
        let attributes = set_attributes(ev, instance, &mapping);
        let committed = ev
            .orm_sessions
            .get(session as usize)
            .and_then(|state| state.committed(instance));
        let Some(committed) = committed else {
            insert(ev, &mapping, &attributes, span)?;
            continue;
        };
        let changed = changed_since(&attributes, committed);
        let key = committed_key(committed, &mapping);
        update(ev, &mapping, &key, &changed, span)?;
        remember(ev, session, instance, class, &mapping, attributes);
    }
    Ok(())
}

/// `session.merge(obj)`: the persistent object with its primary key (loaded if needed) takes
/// `obj`'s attributes; without one, a copy of `obj` is added.
fn merge(ev: &mut Evaluator, session: u32, instance: u32, span: Span) -> EvalResult<Value> {
    let (class, mapping) = mapped_instance(ev, instance, span)?;
    let attributes = set_attributes(ev, instance, &mapping);
    let found = match key_of(&attributes, &mapping) {
        Some(key) => {
            let key_value = if key.len() == 1 {
                key[0].clone()
            } else {
                Value::Tuple(key)
            };
            get(ev, session, class, key_value, span)?
        }
        None => Value::None,
    };
    let target = match found {
        Value::Instance(target) => target,
        _ => {
            let Value::Instance(copy) = ev.new_instance(class, span)? else {
                return Ok(Value::None);
            };
            add(ev, session, copy);
            copy
        }
    };
    for (attribute, value) in attributes {
        ev.set_instance_attr(target, &attribute, value);
    }
    Ok(Value::Instance(target))
}

/// `session.get(Model, key)`: from the identity map, else loaded.
fn get(ev: &mut Evaluator, session: u32, class: u32, key: Value, span: Span) -> EvalResult<Value> {
    let mapping = mapping_or_error(ev, class, span)?;
    let key: Vec<Value> = match key {
        Value::Tuple(items) | Value::List(items) => items,
        single => vec![single],
    };
    if key.len() != mapping.primary_key.len() {
        return Err(ev.python(
            span,
            "sqlalchemy.exc.InvalidRequestError",
            format!(
                "Incorrect number of values in identifier formed from argument to get(). Primary key for class {} must have {} values",
                ev.class_name(class),
                mapping.primary_key.len()
            ),
        ));
    }
    if let Some(found) = identity(ev, session, class, &key) {
        return Ok(Value::Instance(found));
    }
    let mut select = model_select(class, &mapping);
    let pairs: Vec<(String, Value)> = mapping.primary_key.iter().cloned().zip(key).collect();
    if let Some(condition) = key_condition(ev, &mapping, &pairs, span)? {
        select.where_clauses.push(condition);
    }
    let query = OrmQuery {
        session,
        model: Some(class),
        labels: Vec::new(),
        select,
    };
    let mut loaded = load(ev, &query, span)?;
    Ok(if loaded.is_empty() {
        Value::None
    } else {
        loaded.remove(0)
    })
}

fn identity(ev: &Evaluator, session: u32, class: u32, key: &[Value]) -> Option<u32> {
    let state = ev.orm_sessions.get(session as usize)?;
    state
        .identities
        .get(&identity_entry(class, &identity_key(key)?))
        .map(|&instance| instance as u32)
}

fn model_select(_class: u32, mapping: &Mapping) -> Select {
    Select {
        columns: mapping
            .columns
            .iter()
            .map(|(_, c)| mapping.expr(c))
            .collect(),
        froms: vec![mapping.table.clone()],
        ..Select::default()
    }
}

/// `session.query(Model)` or `session.query(Model.a, Model.b, ...)`.
fn build_query(
    ev: &mut Evaluator,
    session: u32,
    entities: Vec<Value>,
    span: Span,
) -> EvalResult<Value> {
    if let [Value::Class(class)] = entities.as_slice() {
        let mapping = mapping_or_error(ev, *class, span)?;
        return Ok(Value::OrmQuery(Box::new(OrmQuery {
            session,
            model: Some(*class),
            labels: Vec::new(),
            select: model_select(*class, &mapping),
        })));
    }
    let mut select = Select::default();
    let mut labels = Vec::new();
    for entity in entities {
        match entity {
            Value::Sql(expr @ SqlExpr::Column { .. }) => {
                if let SqlExpr::Column { name, .. } = &expr {
                    labels.push(name.clone());
                }
                expr.tables(&mut select.froms);
                select.columns.push(expr);
            }
            Value::Sql(expr) => {
                labels.push(String::new());
                expr.tables(&mut select.froms);
                select.columns.push(expr);
            }
            Value::Class(class) => {
                return Err(ev.unsupported(
                    span,
                    format!(
                        "the playground queries one model, or columns, not {} with other entities",
                        ev.class_name(class)
                    ),
                ))
            }
            other => {
                return Err(ev.unsupported(
                    span,
                    format!(
                        "the playground queries a model or its columns, not {}",
                        other.kind_name()
                    ),
                ))
            }
        }
    }
    if select.columns.is_empty() {
        return Err(ev.unsupported(span, "the playground needs something to query"));
    }
    Ok(Value::OrmQuery(Box::new(OrmQuery {
        session,
        model: None,
        labels,
        select,
    })))
}

fn query_call(
    ev: &mut Evaluator,
    mut query: OrmQuery,
    name: &str,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    match name {
        "filter" | "where" | "order_by" | "limit" | "offset" | "distinct" | "join"
        | "outerjoin" => {
            let mut args = args;
            if let Some(Arg {
                value: Value::Class(class),
                span: at,
            }) = args.first()
            {
                let (class, at) = (*class, *at);
                args[0] = Arg {
                    value: Value::Table(ev.mapped_table(class).ok_or_else(|| {
                        ev.python(
                            at,
                            "sqlalchemy.exc.InvalidRequestError",
                            "Class is not mapped",
                        )
                    })?),
                    span: at,
                };
            }
            let built = super::select::method_call(
                ev,
                query.select,
                Call::new(name, args, keywords, span),
            )?;
            let Value::Select(select) = built else {
                return Err(ev.unsupported(span, "not a select"));
            };
            query.select = *select;
            Ok(Value::OrmQuery(Box::new(query)))
        }
        "filter_by" => {
            let Some(class) = query.model else {
                return Err(
                    ev.unsupported(span, "the playground supports filter_by() on a model query")
                );
            };
            let mapping = mapping_or_error(ev, class, span)?;
            for keyword in keywords {
                let Some(column) = mapping.column_of(&keyword.name) else {
                    return Err(ev.python(
                        keyword.span,
                        "sqlalchemy.exc.InvalidRequestError",
                        format!(
                            "Entity namespace for \"{}\" has no property \"{}\"",
                            mapping.table, keyword.name
                        ),
                    ));
                };
                let condition = match &keyword.value {
                    Value::None => SqlExpr::Binary {
                        left: Box::new(mapping.expr(column)),
                        operator: "IS".into(),
                        right: Box::new(SqlExpr::Text("NULL".into())),
                    },
                    value => SqlExpr::Binary {
                        left: Box::new(mapping.expr(column)),
                        operator: "=".into(),
                        right: Box::new(literal(ev, value, keyword.span)?),
                    },
                };
                query.select.where_clauses.push(condition);
            }
            Ok(Value::OrmQuery(Box::new(query)))
        }
        "yield_per" | "execution_options" => Ok(Value::OrmQuery(Box::new(query))),
        "all" => Ok(Value::List(results(ev, &query, span)?)),
        "first" => {
            query.select.limit = Some(1);
            let mut found = results(ev, &query, span)?;
            Ok(if found.is_empty() {
                Value::None
            } else {
                found.remove(0)
            })
        }
        "one" | "one_or_none" | "scalar" => {
            let mut found = results(ev, &query, span)?;
            match found.len() {
                0 if name == "one" => Err(ev.python(
                    span,
                    "sqlalchemy.exc.NoResultFound",
                    "No row was found when one was required",
                )),
                0 => Ok(Value::None),
                1 => {
                    let item = found.remove(0);
                    Ok(match (name, item) {
                        ("scalar", Value::Row(_, values)) => {
                            values.into_iter().next().unwrap_or(Value::None)
                        }
                        (_, item) => item,
                    })
                }
                _ => Err(ev.python(
                    span,
                    "sqlalchemy.exc.MultipleResultsFound",
                    "Multiple rows were found when one or none was required",
                )),
            }
        }
        "count" => {
            flush(ev, query.session, span)?;
            let select = &query.select;
            let counted = if select.distinct || select.limit.is_some() || select.offset.is_some() {
                return Err(ev.unsupported(
                    span,
                    "the playground counts queries without distinct(), limit() or offset()",
                ));
            } else {
                Select {
                    columns: vec![SqlExpr::Text("count(*) AS count_1".into())],
                    froms: select.froms.clone(),
                    where_clauses: select.where_clauses.clone(),
                    ..Select::default()
                }
            };
            let rows = run(ev, ExecuteSql::Select(counted), span)?;
            Ok(rows
                .and_then(|rows| rows.rows.into_iter().next())
                .and_then(|row| row.into_iter().next())
                .unwrap_or(Value::Int(0)))
        }
        "get" => {
            let (Some(class), Some(key)) = (query.model, args.into_iter().next()) else {
                return Err(ev.unsupported(span, "the playground supports query(Model).get(key)"));
            };
            get(ev, query.session, class, key.value, span)
        }
        "delete" | "update" => {
            flush(ev, query.session, span)?;
            let [table] = query.select.froms.as_slice() else {
                return Err(ev.unsupported(
                    span,
                    format!("the playground runs query.{name}() on one table"),
                ));
            };
            let where_clause = match query.select.where_clauses.len() {
                0 => None,
                1 => query.select.where_clauses.pop(),
                _ => Some(SqlExpr::And(query.select.where_clauses.clone())),
            };
            let sql = if name == "delete" {
                ExecuteSql::Delete {
                    table: table.clone(),
                    where_clause,
                }
            } else {
                let Some(Arg {
                    value: Value::Dict(items),
                    span: at,
                }) = args.into_iter().next()
                else {
                    return Err(ev.unsupported(
                        span,
                        "the playground supports query.update({column: value})",
                    ));
                };
                let mapping = query.model.and_then(|class| ev.mapping(class));
                let mut values = Vec::new();
                for (key, value) in items {
                    let column = match (&key, &mapping) {
                        (Value::Str(attribute), Some(mapping)) => mapping
                            .column_of(attribute)
                            .unwrap_or(attribute)
                            .to_string(),
                        (Value::Str(attribute), None) => attribute.clone(),
                        (Value::Sql(SqlExpr::Column { name, .. }), _) => name.clone(),
                        _ => {
                            return Err(ev.unsupported(at, "the playground updates columns by name"))
                        }
                    };
                    values.push((column, literal(ev, &value, at)?));
                }
                ExecuteSql::Update {
                    table: table.clone(),
                    table_columns: mapping.map(|m| m.column_names()).unwrap_or_default(),
                    values,
                    where_clause,
                }
            };
            let rows = run(ev, sql, span)?;
            Ok(Value::Int(rows.map(|rows| rows.rowcount).unwrap_or(0)))
        }
        _ => Err(ev.unsupported(
            span,
            format!("the playground cannot call .{name}() of a Query"),
        )),
    }
}

/// A query's results: objects of its model (through the identity map) or rows.
pub(super) fn results(ev: &mut Evaluator, query: &OrmQuery, span: Span) -> EvalResult<Vec<Value>> {
    if query.model.is_some() {
        return load(ev, query, span);
    }
    flush(ev, query.session, span)?;
    let rows = run(ev, ExecuteSql::Select(query.select.clone()), span)?;
    let Some(rows) = rows else {
        return Ok(Vec::new());
    };
    Ok(rows
        .rows
        .into_iter()
        .map(|values| Value::Row(query.labels.clone(), values))
        .collect())
}

fn load(ev: &mut Evaluator, query: &OrmQuery, span: Span) -> EvalResult<Vec<Value>> {
    let Some(class) = query.model else {
        return Ok(Vec::new());
    };
    flush(ev, query.session, span)?;
    let mapping = mapping_or_error(ev, class, span)?;
    let Some(rows) = run(ev, ExecuteSql::Select(query.select.clone()), span)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for values in rows.rows {
        let attributes: Vec<(String, Value)> = mapping
            .columns
            .iter()
            .map(|(attribute, _)| attribute.clone())
            .zip(values)
            .collect();
        let key = key_of(&attributes, &mapping).unwrap_or_default();
        if let Some(known) = identity(ev, query.session, class, &key) {
            out.push(Value::Instance(known));
            continue;
        }
        let Value::Instance(instance) = ev.new_instance(class, span)? else {
            continue;
        };
        for (attribute, value) in &attributes {
            ev.set_instance_attr(instance, attribute, value.clone());
        }
        remember(ev, query.session, instance, class, &mapping, attributes);
        out.push(Value::Instance(instance));
    }
    Ok(out)
}

/// The keyword arguments of a mapped class's default constructor.
pub(super) fn check_constructor_keywords(
    ev: &Evaluator,
    class: u32,
    mapping: &Mapping,
    keywords: &[KwArg],
) -> EvalResult<()> {
    for keyword in keywords {
        let known = mapping.column_of(&keyword.name).is_some()
            || ev.has_class_attribute(class, &keyword.name);
        if !known {
            return Err(ev.python(
                keyword.span,
                "TypeError",
                format!(
                    "'{}' is an invalid keyword argument for {}",
                    keyword.name,
                    ev.class_name(class)
                ),
            ));
        }
    }
    Ok(())
}
