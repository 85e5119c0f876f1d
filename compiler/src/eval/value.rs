//! Values of the language. Every value remembers where it was written (`Origin`), so a
//! check that fails deep inside the standard library can point at the environment line
//! the value came from.

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use super::cidr::Cidr;
use crate::diagnostics::FileId;
use crate::source::Span;

/// Where a value was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub file: FileId,
    pub span: Span,
}

/// What a quantity measures; each is stored in one canonical unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// CPU units: 1 vcpu = 1024 units, as ECS counts them.
    Cpu,
    /// Mebibytes: `1 GB` is 1024 MiB, as the Fargate tables write it.
    Memory,
    /// Days.
    Duration,
    /// Percent.
    Percent,
}

impl Dimension {
    pub fn type_name(self) -> &'static str {
        match self {
            Dimension::Cpu => "Cpu",
            Dimension::Memory => "Memory",
            Dimension::Duration => "Duration",
            Dimension::Percent => "Percent",
        }
    }
}

/// A value the compiler cannot compute, such as `aws_vpc.main.id`: a Terraform string
/// template whose interpolations are Terraform expressions. A lone interpolation is an
/// expression of any type; anything else is a string.
#[derive(Debug, Clone, PartialEq)]
pub struct Deferred {
    pub parts: Vec<TemplatePart>,
    /// True when the value is certainly a string (a template with text, an attribute
    /// the schema types as a string), so it may sit inside a JSON string.
    pub is_string: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    /// A Terraform expression in HCL syntax.
    Interpolation(String),
}

impl Deferred {
    pub fn expression(expression: impl Into<String>) -> Deferred {
        Deferred {
            parts: vec![TemplatePart::Interpolation(expression.into())],
            is_string: false,
        }
    }

    /// The value as a Terraform expression in HCL syntax.
    pub fn to_hcl(&self) -> String {
        match self.parts.as_slice() {
            [TemplatePart::Interpolation(expression)] => expression.clone(),
            parts => {
                let mut text = String::from("\"");
                for part in parts {
                    match part {
                        TemplatePart::Literal(literal) => {
                            text.push_str(&escape_hcl_literal(literal))
                        }
                        TemplatePart::Interpolation(expression) => {
                            text.push_str("${");
                            text.push_str(expression);
                            text.push('}');
                        }
                    }
                }
                text.push('"');
                text
            }
        }
    }

    /// The value as a string of Terraform's JSON syntax, where strings are templates.
    pub fn to_json_template(&self) -> String {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(literal) => text.push_str(&escape_template(literal)),
                TemplatePart::Interpolation(expression) => {
                    text.push_str("${");
                    text.push_str(expression);
                    text.push('}');
                }
            }
        }
        text
    }
}

/// Escapes the template sequences `${` and `%{`, so that no user text is ever read by
/// Terraform as an interpolation or a directive.
pub fn escape_template(text: &str) -> String {
    if !text.contains(['$', '%']) {
        return text.to_string();
    }
    text.replace("${", "$${").replace("%{", "%%{")
}

/// A literal inside an HCL quoted string.
pub fn escape_hcl_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in escape_template(text).chars() {
        match ch {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// A resource or data source declared in some module instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceAddress {
    pub data: bool,
    pub type_name: String,
    pub name: String,
}

impl fmt::Display for ResourceAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.data {
            write!(f, "data.")?;
        }
        write!(f, "{}.{}", self.type_name, self.name)
    }
}

/// The fields of a record or the outputs of a module instance. Keys are shared: most are
/// names written in the program, interned once per compilation (see `Evaluator::name`),
/// so copying a record copies no text. `Rc<str>` orders as `String` does.
pub type Fields = BTreeMap<Rc<str>, Value>;

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(Rc<str>),
    Quantity(f64, Dimension),
    Cidr(Cidr),
    Range(i64, i64),
    List(Rc<Vec<Value>>),
    /// A record; `type_name` is set for records of a declared type.
    Record {
        type_name: Option<Rc<str>>,
        fields: Rc<Fields>,
    },
    Enum {
        enum_name: Rc<str>,
        variant: Rc<str>,
    },
    Deferred(Rc<Deferred>),
    /// A reference to a whole resource: `aws_vpc.main`.
    Resource(Rc<ResourceAddress>),
    /// `jsonencode(value)`: a string holding the value as JSON. The structure is kept
    /// so that checks can read policies and container definitions; the text is made by
    /// the compiler, or by Terraform when the value holds what only Terraform knows.
    Json(Rc<Value>),
    /// A module instance: its outputs, read with `.`.
    Module {
        module: Rc<str>,
        outputs: Rc<Fields>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub origin: Origin,
}

impl Value {
    pub fn new(kind: ValueKind, origin: Origin) -> Value {
        Value { kind, origin }
    }

    pub fn string(text: impl Into<Rc<str>>, origin: Origin) -> Value {
        Value::new(ValueKind::Str(text.into()), origin)
    }

    pub fn list(items: Vec<Value>, origin: Origin) -> Value {
        Value::new(ValueKind::List(Rc::new(items)), origin)
    }

    pub fn record(fields: Fields, origin: Origin) -> Value {
        Value::new(
            ValueKind::Record {
                type_name: None,
                fields: Rc::new(fields),
            },
            origin,
        )
    }

    /// A Terraform expression known to give a string.
    pub fn deferred_string(expression: String, origin: Origin) -> Value {
        let mut deferred = Deferred::expression(expression);
        deferred.is_string = true;
        Value::new(ValueKind::Deferred(Rc::new(deferred)), origin)
    }

    pub fn deferred(expression: String, origin: Origin) -> Value {
        Value::new(
            ValueKind::Deferred(Rc::new(Deferred::expression(expression))),
            origin,
        )
    }

    /// The same value, said to come from somewhere else.
    pub fn at(mut self, origin: Origin) -> Value {
        self.origin = origin;
        self
    }

    /// True when Terraform, not the compiler, knows this value or a part of it.
    pub fn is_deferred(&self) -> bool {
        match &self.kind {
            ValueKind::Deferred(_) => true,
            ValueKind::List(items) => items.iter().any(Value::is_deferred),
            ValueKind::Record { fields, .. } => fields.values().any(Value::is_deferred),
            ValueKind::Json(inner) => inner.is_deferred(),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self.kind {
            ValueKind::Number(number) => Some(number),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn field(&self, name: &str) -> Option<&Value> {
        match &self.kind {
            ValueKind::Record { fields, .. } => fields.get(name),
            ValueKind::Module { outputs, .. } => outputs.get(name),
            _ => None,
        }
    }

    /// The name of the value's type, as diagnostics print it.
    pub fn type_name(&self) -> String {
        match &self.kind {
            ValueKind::Null => "Null".into(),
            ValueKind::Bool(_) => "Bool".into(),
            ValueKind::Number(number) if number.fract() == 0.0 => "Int".into(),
            ValueKind::Number(_) => "Number".into(),
            ValueKind::Str(_) | ValueKind::Json(_) => "String".into(),
            ValueKind::Quantity(_, dimension) => dimension.type_name().into(),
            ValueKind::Cidr(_) => "Cidr".into(),
            ValueKind::Range(..) => "Range".into(),
            ValueKind::List(items) => match items.first() {
                Some(first) => format!("List<{}>", first.type_name()),
                None => "List".into(),
            },
            ValueKind::Record { type_name, .. } => {
                type_name.as_deref().unwrap_or("Record").to_string()
            }
            ValueKind::Enum { enum_name, .. } => enum_name.to_string(),
            ValueKind::Deferred(_) => "a value known only to Terraform".into(),
            ValueKind::Resource(address) => format!("resource {}", address.type_name),
            ValueKind::Module { module, .. } => format!("module {module}"),
        }
    }
}

impl fmt::Display for Value {
    /// The value as the language would write it, for messages and hovers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ValueKind::Null => write!(f, "null"),
            ValueKind::Bool(value) => write!(f, "{value}"),
            ValueKind::Number(number) => write!(f, "{}", format_number(*number)),
            ValueKind::Str(text) => write!(f, "{text:?}"),
            ValueKind::Quantity(amount, dimension) => match dimension {
                Dimension::Cpu => write!(f, "{} vcpu", format_number(amount / 1024.0)),
                Dimension::Memory if amount % 1024.0 == 0.0 => {
                    write!(f, "{} GB", format_number(amount / 1024.0))
                }
                Dimension::Memory => write!(f, "{} MB", format_number(*amount)),
                Dimension::Duration => write!(f, "{} days", format_number(*amount)),
                Dimension::Percent => write!(f, "{}%", format_number(*amount)),
            },
            ValueKind::Cidr(cidr) => write!(f, "{cidr}"),
            ValueKind::Range(start, end) => write!(f, "{start}..{end}"),
            ValueKind::List(items) => {
                write!(f, "[")?;
                for (at, item) in items.iter().enumerate() {
                    if at > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, "]")
            }
            ValueKind::Record { type_name, fields } => {
                if let Some(name) = type_name {
                    write!(f, "{name} ")?;
                }
                write!(f, "{{")?;
                for (at, (key, value)) in fields.iter().enumerate() {
                    write!(f, "{}{key} = {value}", if at > 0 { ", " } else { " " })?;
                }
                write!(f, " }}")
            }
            ValueKind::Enum { variant, .. } => write!(f, "{variant}"),
            ValueKind::Deferred(deferred) => write!(f, "${{{}}}", deferred.to_hcl()),
            ValueKind::Resource(address) => write!(f, "{address}"),
            ValueKind::Module { module, .. } => write!(f, "<instance of {module}>"),
            ValueKind::Json(inner) => write!(f, "jsonencode({inner})"),
        }
    }
}

/// Integers without a fractional part, other numbers as Rust prints them.
pub fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}
