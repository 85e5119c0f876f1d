//! Environments find the global stack's resources by name: the ECR repository through a
//! data source, the state bucket through their backend. When the global stack is part
//! of the compilation, the names must be ones it creates.

use super::{at_value, used_by};
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::stack::Stack;
use crate::eval::value::Value;

/// What the global stacks of a compilation create, found once for all environments.
pub struct GlobalNames<'s> {
    stacks: Vec<&'s Stack>,
    repositories: Vec<(&'s str, &'s Value)>,
    buckets: Vec<(&'s str, &'s Value)>,
}

impl<'s> GlobalNames<'s> {
    /// The stacks that create an ECR repository are the global ones.
    pub fn of(all: &'s [Stack]) -> GlobalNames<'s> {
        let stacks: Vec<&Stack> = all
            .iter()
            .filter(|other| other.of_type("aws_ecr_repository").next().is_some())
            .collect();
        GlobalNames {
            repositories: created(&stacks, "aws_ecr_repository", "name"),
            buckets: created(&stacks, "aws_s3_bucket", "bucket"),
            stacks,
        }
    }
}

pub fn check(stack: &Stack, globals: &GlobalNames<'_>, out: &mut Vec<Diagnostic>) {
    if globals.stacks.is_empty()
        || globals
            .stacks
            .iter()
            .any(|global| global.name == stack.name)
    {
        return;
    }
    let repositories = &globals.repositories;
    for lookup in stack
        .resources
        .values()
        .filter(|r| r.address.data && r.address.type_name == "aws_ecr_repository")
    {
        let Some(value) = lookup.body.value("name") else {
            continue;
        };
        let Some(name) = value.as_str() else { continue };
        if repositories.iter().any(|(created, _)| *created == name) {
            continue;
        }
        out.push(used_by(
            mismatch(value, name, "ECR repository", repositories),
            lookup,
        ));
    }
    let buckets = &globals.buckets;
    if let Some(backend) = stack
        .backend
        .as_ref()
        .filter(|backend| backend.name == "s3")
    {
        if let Some(value) = backend.body.value("bucket") {
            let name = value.as_str().unwrap_or_default();
            if !buckets.iter().any(|(created, _)| *created == name) {
                out.push(mismatch(value, name, "state bucket", buckets));
            }
        }
    }
}

/// The names, and the values that give them, of `argument` of every `type_name` resource
/// of the global stacks.
fn created<'s>(
    globals: &[&'s Stack],
    type_name: &'s str,
    argument: &str,
) -> Vec<(&'s str, &'s Value)> {
    globals
        .iter()
        .flat_map(|global| global.of_type(type_name).collect::<Vec<_>>())
        .filter_map(|resource| resource.body.value(argument))
        .filter_map(|value| value.as_str().map(|name| (name, value)))
        .collect()
}

fn mismatch(value: &Value, name: &str, what: &str, created: &[(&str, &Value)]) -> Diagnostic {
    let mut diagnostic = at_value(
        Code::GlobalNameMismatch,
        value,
        format!("the global stack creates no {what} named `{name}`"),
    )
    .with_label("this environment looks it up by this name");
    let names: Vec<&str> = created.iter().map(|(name, _)| *name).collect();
    if let Some(found) = crate::schema::suggest(name, names.iter().copied()) {
        diagnostic = diagnostic.with_help(format!("did you mean `{found}`?"));
    }
    for (created_name, created_value) in created.iter().take(3) {
        diagnostic = diagnostic.with_secondary(
            created_value.origin.file,
            created_value.origin.span,
            format!("the global stack creates `{created_name}`"),
        );
    }
    diagnostic
}
