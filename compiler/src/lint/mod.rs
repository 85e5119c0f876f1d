//! Checks on evaluated stacks: the AWS constraints Terraform only finds at apply time
//! (`aws`), the security rules (`security`), and agreement between the environments and
//! the global stack (`global_names`). They read resources as Terraform will receive
//! them, so they hold however the standard library is written, and they point at the
//! source line each offending value came from.

mod aws;
pub mod fargate;
mod global_names;
pub mod regions;
mod security;

use std::fmt;

use crate::diagnostics::{Code, Diagnostic};
use crate::eval::stack::{Body, Resource, Stack};
use crate::eval::value::{Origin, ResourceAddress, TemplatePart, Value, ValueKind};

pub use global_names::{check as check_global_names, StackNames};

/// The checks of one stack on its own: AWS constraints and security rules. The names it
/// shares with other stacks are checked across stacks, by [`check_global_names`].
pub fn lint_stack(stack: &Stack, out: &mut Vec<Diagnostic>) {
    aws::check(stack, out);
    security::check(stack, out);
}

/// A diagnostic pointing at where `value` was written.
fn at_value(code: Code, value: &Value, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, value.origin.file, value.origin.span, message)
}

/// Adds "used by this resource" pointing at the declaration, when it is elsewhere.
fn used_by(diagnostic: Diagnostic, resource: &Resource) -> Diagnostic {
    used_at(diagnostic, resource.origin, &resource.address)
}

/// Adds "used by `address`" pointing at `origin`, the resource's declaration, when it is
/// not where the diagnostic points already.
fn used_at(diagnostic: Diagnostic, origin: Origin, address: &dyn fmt::Display) -> Diagnostic {
    let primary = diagnostic.primary().map(|label| Origin {
        file: label.file,
        span: label.span,
    });
    if primary == Some(origin) {
        return diagnostic;
    }
    diagnostic.with_secondary(origin.file, origin.span, format!("used by `{address}`"))
}

/// A resource address borrowing its names from a reference or a resource, so that the
/// sets the checks build copy no text. Orders as `ResourceAddress` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct AddressRef<'a> {
    data: bool,
    type_name: &'a str,
    name: &'a str,
}

impl<'a> AddressRef<'a> {
    fn of(address: &'a ResourceAddress) -> AddressRef<'a> {
        AddressRef {
            data: address.data,
            type_name: &address.type_name,
            name: &address.name,
        }
    }

    /// The address as the stack's resources are keyed.
    fn owned(self) -> ResourceAddress {
        ResourceAddress {
            data: self.data,
            type_name: self.type_name.to_string(),
            name: self.name.to_string(),
        }
    }
}

impl fmt::Display for AddressRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.data {
            write!(f, "data.")?;
        }
        write!(f, "{}.{}", self.type_name, self.name)
    }
}

/// The resource a value refers to: `${aws_vpc.main.id}` gives `aws_vpc.main`.
fn referenced(value: &Value) -> Option<AddressRef<'_>> {
    let ValueKind::Deferred(deferred) = &value.kind else {
        return None;
    };
    let [TemplatePart::Interpolation(expression)] = deferred.parts.as_slice() else {
        return None;
    };
    let (data, rest) = match expression.strip_prefix("data.") {
        Some(rest) => (true, rest),
        None => (false, expression.as_str()),
    };
    let mut parts = rest.split('.');
    let type_name = parts.next()?;
    let name = parts.next()?;
    parts.next()?;
    let valid = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    };
    (valid(type_name) && valid(name)).then_some(AddressRef {
        data,
        type_name,
        name,
    })
}

/// A known number, also when written as a string (`cpu = "512"`).
fn number(value: &Value) -> Option<f64> {
    match &value.kind {
        ValueKind::Number(number) | ValueKind::Quantity(number, _) => Some(*number),
        ValueKind::Str(text) => text.parse().ok(),
        _ => None,
    }
}

/// The first nested block named `name`.
fn block<'b>(body: &'b Body, name: &str) -> Option<&'b Body> {
    body.blocks(name).first()
}

/// The region of the stack's AWS provider, when it is known.
fn region(stack: &Stack) -> Option<&Value> {
    stack
        .providers
        .iter()
        .find(|provider| provider.name == "aws")
        .and_then(|provider| provider.body.value("region"))
        .filter(|value| value.as_str().is_some())
}
