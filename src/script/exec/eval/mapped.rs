//! Declarative classes as SQLAlchemy maps them (a `__tablename__` on a class deriving from
//! a library base such as `declarative_base()`), and the handles `orm` uses on classes and
//! instances.

use std::collections::HashMap;

use crate::ops::{Column, Table};
use crate::python::Span;

use super::super::orm::Mapping;
use super::super::value::Value;
use super::objects::Instance;
use super::{EvalResult, Evaluator, MAX_FUNCTIONS};

/// How deep class hierarchies are followed.
const MAX_DEPTH: usize = 50;

impl Evaluator<'_> {
    /// The classes whose namespaces a mapped class's columns come from: the class, then its
    /// bases depth first (mixins included), each once.
    fn lineage(&self, class: u32) -> Vec<u32> {
        self.lineage_skipping(class, |_| false)
    }

    /// As [`Self::lineage`], leaving out the bases `skip` names and everything above them.
    pub(super) fn lineage_skipping(&self, class: u32, skip: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut out = Vec::new();
        let mut pending = vec![(class, 0)];
        while let Some((class, depth)) = pending.pop() {
            if out.contains(&class) || (!out.is_empty() && skip(class)) {
                continue;
            }
            let Some(object) = self.classes.get(class as usize) else {
                continue;
            };
            out.push(class);
            if depth < MAX_DEPTH {
                for base in object.bases.iter().rev() {
                    if let Value::Class(base) = base {
                        pending.push((*base, depth + 1));
                    }
                }
            }
        }
        out
    }

    /// The mapped columns of a class, by attribute name, in declaration order (the class's
    /// own first, then its bases').
    fn mapped_columns(&self, class: u32) -> Option<(String, Vec<(String, Column)>)> {
        if let Some(declared) = self.declared_table(class) {
            return Some(declared);
        }
        let Some(Value::Str(table)) = self.class_lookup(class, "__tablename__") else {
            return None;
        };
        if !self.has_library_base(class) {
            return None;
        }
        let mut columns: Vec<(String, Column)> = Vec::new();
        for id in self.lineage(class) {
            let object = &self.classes[id as usize];
            for attribute in &object.order {
                if columns.iter().any(|(a, _)| a == attribute) {
                    continue;
                }
                if let Some(column) = object.namespace.get(attribute).and_then(Value::as_column) {
                    let mut column = column.clone();
                    if column.name.is_empty() {
                        column.name = attribute.clone();
                    }
                    columns.push((attribute.clone(), column));
                }
            }
        }
        Some((table, columns))
    }

    /// The table a mapped class maps, or `None` for a class that is not mapped.
    pub(in crate::script::exec) fn mapping(&self, class: u32) -> Option<Mapping> {
        let (table, columns) = self.mapped_columns(class)?;
        Some(Mapping {
            table,
            primary_key: columns
                .iter()
                .filter(|(_, c)| c.primary_key)
                .map(|(a, _)| a.clone())
                .collect(),
            columns: columns
                .into_iter()
                .map(|(attribute, column)| (attribute, column.name))
                .collect(),
        })
    }

    /// `Model.__table__`.
    pub(in crate::script::exec) fn mapped_table(&self, class: u32) -> Option<Table> {
        let (table, columns) = self.mapped_columns(class)?;
        Some(Table::new(
            &table,
            columns.into_iter().map(|(_, c)| c).collect(),
        ))
    }

    /// The member names of an `enum.Enum` class of the program, in definition order.
    pub(in crate::script::exec) fn enum_member_names(&self, class: u32) -> Vec<String> {
        let Some(object) = self.classes.get(class as usize) else {
            return Vec::new();
        };
        object
            .order
            .iter()
            .filter(|name| !name.starts_with('_'))
            .filter(|name| {
                !matches!(
                    object.namespace.get(*name),
                    None | Some(Value::UserFunction(_) | Value::Class(_))
                )
            })
            .cloned()
            .collect()
    }

    pub(in crate::script::exec) fn class_name(&self, class: u32) -> String {
        self.classes
            .get(class as usize)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }

    pub(in crate::script::exec) fn has_class_attribute(&self, class: u32, name: &str) -> bool {
        self.class_lookup(class, name).is_some()
    }

    pub(in crate::script::exec) fn instance_class(&self, instance: u32) -> Option<u32> {
        self.instances.get(instance as usize).map(|i| i.class)
    }

    pub(in crate::script::exec) fn instance_attrs(
        &self,
        instance: u32,
    ) -> Option<&HashMap<String, Value>> {
        self.instances.get(instance as usize).map(|i| &i.attrs)
    }

    pub(in crate::script::exec) fn set_instance_attr(
        &mut self,
        instance: u32,
        attr: &str,
        value: Value,
    ) {
        if let Some(object) = self.instances.get_mut(instance as usize) {
            object.attrs.insert(attr.to_string(), value);
        }
    }

    /// An instance of a class made without running `__init__` (as the ORM loads rows).
    pub(in crate::script::exec) fn new_instance(
        &mut self,
        class: u32,
        span: Span,
    ) -> EvalResult<Value> {
        if self.instances.len() >= MAX_FUNCTIONS * 10 {
            return Err(self.unsupported(
                span,
                format!(
                    "the playground creates at most {} objects per run",
                    MAX_FUNCTIONS * 10
                ),
            ));
        }
        self.instances.push(Instance {
            class,
            attrs: HashMap::new(),
            args: Vec::new(),
            keywords: Vec::new(),
        });
        Ok(Value::Instance(self.instances.len() as u32 - 1))
    }
}
