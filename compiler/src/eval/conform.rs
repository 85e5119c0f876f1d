//! Type checking of values where they flow into typed places: parameters, record
//! fields, annotated `let`s and function results. A value that does not fit is reported
//! where it was written, with the declared type as a secondary label.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::value::{Dimension, Value, ValueKind};
use super::{Eval, Evaluator, Reported};
use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::syntax::ast::{ItemKind, TypeExpr};

/// The built-in type names, for "did you mean" and the language server.
pub const BUILTIN_TYPES: &[&str] = &[
    "Any", "Bool", "Cidr", "Cpu", "Duration", "Int", "List", "Map", "Memory", "Number", "Percent",
    "Range", "String", "Zone",
];

impl<'p> Evaluator<'p> {
    /// Checks `value` against `ty` (written in `file`) and converts anonymous records
    /// into records of the declared type.
    pub(crate) fn conform(&mut self, value: Value, ty: &'p TypeExpr, file: FileId) -> Eval<Value> {
        if matches!(value.kind, ValueKind::Null) && ty.optional {
            return Ok(value);
        }
        let deferred = matches!(value.kind, ValueKind::Deferred(_));
        let fits = match (ty.name.name.as_str(), &value.kind) {
            ("Any", _) => true,
            ("String" | "Zone", ValueKind::Str(_)) | ("String", ValueKind::Json(_)) => true,
            ("Int", ValueKind::Number(n)) => n.fract() == 0.0,
            ("Number", ValueKind::Number(_)) | ("Bool", ValueKind::Bool(_)) => true,
            ("String" | "Zone" | "Int" | "Number" | "Bool", _) => deferred,
            ("Cpu", ValueKind::Quantity(_, Dimension::Cpu))
            | ("Memory", ValueKind::Quantity(_, Dimension::Memory))
            | ("Duration", ValueKind::Quantity(_, Dimension::Duration))
            | ("Percent", ValueKind::Quantity(_, Dimension::Percent))
            | ("Cidr", ValueKind::Cidr(_))
            | ("Range", ValueKind::Range(..)) => true,
            ("List", ValueKind::List(items)) => {
                let Some(element) = ty.args.first() else {
                    return Ok(value);
                };
                if only_checks(element) {
                    self.check_each(items.iter(), element, file)?;
                    return Ok(value);
                }
                let mut converted = Vec::with_capacity(items.len());
                for item in items.iter() {
                    converted.push(self.conform(item.clone(), element, file)?);
                }
                return Ok(Value::new(
                    ValueKind::List(Rc::new(converted)),
                    value.origin,
                ));
            }
            (
                "Map",
                ValueKind::Record {
                    type_name: None,
                    fields,
                },
            ) => {
                let Some(element) = ty.args.first() else {
                    return Ok(value);
                };
                if only_checks(element) {
                    self.check_each(fields.values(), element, file)?;
                    return Ok(value);
                }
                let mut converted = BTreeMap::new();
                for (key, field) in fields.iter() {
                    converted.insert(key.clone(), self.conform(field.clone(), element, file)?);
                }
                return Ok(Value::record(converted, value.origin));
            }
            ("List" | "Map", _) => deferred,
            (name, _) if BUILTIN_TYPES.contains(&name) => false,
            (_, _) => return self.conform_declared(value, ty, file),
        };
        if fits {
            Ok(value)
        } else {
            Err(self.type_mismatch(&value, ty, file))
        }
    }

    /// Checks each of `values` against `ty`, which `only_checks`.
    fn check_each<'v>(
        &mut self,
        values: impl Iterator<Item = &'v Value>,
        ty: &'p TypeExpr,
        file: FileId,
    ) -> Eval<()> {
        for value in values {
            self.conform(value.clone(), ty, file)?;
        }
        Ok(())
    }

    fn conform_declared(&mut self, value: Value, ty: &'p TypeExpr, file: FileId) -> Eval<Value> {
        let name = ty.name.name.as_str();
        let Some(item_ref) = self.global_name(file, &ty.name).item else {
            return Err(self.report(
                Diagnostic::new(
                    Code::UnknownType,
                    file,
                    ty.name.span,
                    format!("cannot find type `{name}`"),
                )
                .with_help(
                    match crate::schema::suggest(name, BUILTIN_TYPES.iter().copied()) {
                        Some(found) => format!("did you mean `{found}`?"),
                        None => "declare it with `type` or `enum`".into(),
                    },
                ),
            ));
        };
        match (&self.program.item(item_ref).kind, &value.kind) {
            (
                ItemKind::Type(_),
                ValueKind::Record {
                    type_name: Some(actual),
                    ..
                },
            ) if **actual == *name => Ok(value),
            (
                ItemKind::Type(_),
                ValueKind::Record {
                    type_name: None,
                    fields,
                },
            ) => {
                let given = fields
                    .iter()
                    .map(|(key, field)| (&**key, field.clone(), field.origin.span))
                    .collect();
                let origin = value.origin;
                self.build_record(item_ref, given, origin, origin.file)
            }
            (ItemKind::Enum(_), ValueKind::Enum { enum_name, .. }) if **enum_name == *name => {
                Ok(value)
            }
            (ItemKind::Type(_) | ItemKind::Enum(_), _) => Err(self.type_mismatch(&value, ty, file)),
            _ => Err(self.report(Diagnostic::new(
                Code::UnknownType,
                file,
                ty.name.span,
                format!("`{name}` is not a type"),
            ))),
        }
    }

    fn type_mismatch(&mut self, value: &Value, ty: &TypeExpr, file: FileId) -> Reported {
        let expected = super::module::type_text(ty);
        self.report(
            Diagnostic::new(
                Code::TypeMismatch,
                value.origin.file,
                value.origin.span,
                format!("expected {expected}, found {}", value.type_name()),
            )
            .with_label(format!("this is {}", value.type_name()))
            .with_secondary(file, ty.span, format!("{expected} is required here"))
            .with_help(type_hint(&ty.name.name)),
        )
    }
}

/// True when conforming to `ty` only checks values and never converts them: a built-in
/// type whose values hold no records (as `List` and `Map` values may).
fn only_checks(ty: &TypeExpr) -> bool {
    let name = ty.name.name.as_str();
    BUILTIN_TYPES.contains(&name) && !matches!(name, "List" | "Map")
}

fn type_hint(name: &str) -> String {
    match name {
        "Cpu" => "write CPU with its unit: `0.5 vcpu`, `1 vcpu`".into(),
        "Memory" => "write memory with its unit: `512 MB`, `2 GB`".into(),
        "Duration" => "write a duration with its unit: `7 days`".into(),
        "Percent" => "write a percentage with `%`: `60%`".into(),
        "Cidr" => "write a CIDR block without quotes: `10.0.0.0/16`".into(),
        "Range" => "write a range as `min..max`: `2..4`".into(),
        other => format!("give a value of type {other}"),
    }
}

/// The Terraform type constraint of a variable's declared type.
pub(crate) fn terraform_type(ty: &TypeExpr) -> String {
    let element = || ty.args.first().map_or("any".to_string(), terraform_type);
    match ty.name.name.as_str() {
        "String" | "Zone" | "Cidr" => "string".into(),
        "Int" | "Number" => "number".into(),
        "Bool" => "bool".into(),
        "List" => format!("list({})", element()),
        "Map" => format!("map({})", element()),
        _ => "any".into(),
    }
}
