//! Environments find the global stack's resources by name: the ECR repository through a
//! data source, the state bucket through their backend. When the global stack is part
//! of the compilation, the names must be ones it creates.
//!
//! Each stack is read once, into [`StackNames`], plain data that outlives the stack: the
//! compilation drops every stack as soon as it is checked and emitted, and evaluates
//! stacks on several threads, so the check across stacks runs on these summaries.

use super::used_at;
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::stack::Stack;
use crate::eval::value::{Origin, Value};

/// What one stack creates for the others, or looks up by name.
#[derive(Debug)]
pub struct StackNames {
    stack: String,
    /// A global stack is one that creates an ECR repository.
    global: bool,
    /// The repositories and state buckets it creates (global stacks only).
    repositories: Vec<Named>,
    buckets: Vec<Named>,
    /// Its `data "aws_ecr_repository"` lookups, with the data source's address and
    /// declaration.
    repository_lookups: Vec<(Named, String, Origin)>,
    /// The bucket of its `s3` backend.
    backend_bucket: Option<Named>,
}

/// A name, and where the value that gives it was written.
#[derive(Debug)]
struct Named {
    name: String,
    origin: Origin,
}

impl Named {
    fn of(value: &Value) -> Option<Named> {
        value.as_str().map(|name| Named {
            name: name.to_string(),
            origin: value.origin,
        })
    }
}

impl StackNames {
    pub fn of(stack: &Stack) -> StackNames {
        let created = |type_name: &str, argument: &str| -> Vec<Named> {
            stack
                .of_type(type_name)
                .filter_map(|resource| resource.body.value(argument))
                .filter_map(Named::of)
                .collect()
        };
        let repository_lookups = stack
            .resources
            .values()
            .filter(|r| r.address.data && r.address.type_name == "aws_ecr_repository")
            .filter_map(|lookup| {
                let named = Named::of(lookup.body.value("name")?)?;
                Some((named, lookup.address.to_string(), lookup.origin))
            })
            .collect();
        let backend_bucket = stack
            .backend
            .as_ref()
            .filter(|backend| backend.name == "s3")
            .and_then(|backend| backend.body.value("bucket"))
            .map(|value| Named {
                // A bucket that is not a string matches no name.
                name: value.as_str().unwrap_or_default().to_string(),
                origin: value.origin,
            });
        let global = stack.of_type("aws_ecr_repository").next().is_some();
        StackNames {
            stack: stack.name.clone(),
            global,
            repositories: if global {
                created("aws_ecr_repository", "name")
            } else {
                Vec::new()
            },
            buckets: if global {
                created("aws_s3_bucket", "bucket")
            } else {
                Vec::new()
            },
            repository_lookups,
            backend_bucket,
        }
    }
}

/// Checks the names each stack of `roots` looks up against what the global stacks among
/// `all` create. Nothing is checked when the compilation has no global stack.
pub fn check(all: &[StackNames], roots: &[usize], out: &mut Vec<Diagnostic>) {
    let globals: Vec<&StackNames> = all.iter().filter(|names| names.global).collect();
    if globals.is_empty() {
        return;
    }
    let repositories: Vec<&Named> = globals.iter().flat_map(|g| &g.repositories).collect();
    let buckets: Vec<&Named> = globals.iter().flat_map(|g| &g.buckets).collect();
    for names in roots.iter().map(|&root| &all[root]) {
        if globals.iter().any(|global| global.stack == names.stack) {
            continue;
        }
        for (lookup, address, declared) in &names.repository_lookups {
            if !repositories
                .iter()
                .any(|created| created.name == lookup.name)
            {
                let diagnostic = mismatch(lookup, "ECR repository", &repositories);
                out.push(used_at(diagnostic, *declared, address));
            }
        }
        if let Some(bucket) = &names.backend_bucket {
            if !buckets.iter().any(|created| created.name == bucket.name) {
                out.push(mismatch(bucket, "state bucket", &buckets));
            }
        }
    }
}

fn mismatch(looked_up: &Named, what: &str, created: &[&Named]) -> Diagnostic {
    let name = &looked_up.name;
    let origin = looked_up.origin;
    let mut diagnostic = Diagnostic::new(
        Code::GlobalNameMismatch,
        origin.file,
        origin.span,
        format!("the global stack creates no {what} named `{name}`"),
    )
    .with_label("this environment looks it up by this name");
    let names = created.iter().map(|created| created.name.as_str());
    if let Some(found) = crate::schema::suggest(name, names) {
        diagnostic = diagnostic.with_help(format!("did you mean `{found}`?"));
    }
    for created in created.iter().take(3) {
        diagnostic = diagnostic.with_secondary(
            created.origin.file,
            created.origin.span,
            format!("the global stack creates `{}`", created.name),
        );
    }
    diagnostic
}
