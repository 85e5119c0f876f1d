//! What an evaluation found out about the fields of each environment, for hovers:
//! the subnets (zone and CIDR) a `zones` or `cidr` field produced, and the resource
//! arguments whose values were written in the field; with what each environment
//! resolves to (`resolved`: its hover and inlay hints). Computed once per compilation,
//! as plain data that outlives it (the evaluated stacks cannot cross threads).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::resolved::{env_facts, InlayHint};
use crate::compile::Compilation;
use crate::eval::stack::{Body, Entry, Stack};
use crate::eval::value::{Value, ValueKind};
use crate::source::Span;
use crate::syntax::ast::{EnvDecl, ItemKind};

/// A note about the source at `span` of the file `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueNote {
    pub path: String,
    pub span: Span,
    pub markdown: String,
}

/// The notes and inlay hints of one compilation, with the texts they were computed
/// from: a note or hint only applies while its file is unchanged.
#[derive(Debug, Clone, Default)]
pub struct ValueNotes {
    pub notes: Vec<ValueNote>,
    pub hints: Vec<InlayHint>,
    pub texts: BTreeMap<String, Arc<str>>,
}

impl ValueNotes {
    /// The notes covering `offset` of `path`, if the file still reads `text`.
    pub fn at<'n>(
        &'n self,
        path: &str,
        text: &str,
        offset: usize,
    ) -> impl Iterator<Item = &'n ValueNote> + 'n {
        let current = self.current(path, text);
        let path = path.to_string();
        self.notes
            .iter()
            .filter(move |note| current && note.path == path && note.span.contains(offset))
    }

    /// The hints within `range` of `path`, if the file still reads `text`.
    pub fn hints_in<'n>(
        &'n self,
        path: &str,
        text: &str,
        range: Span,
    ) -> impl Iterator<Item = &'n InlayHint> + 'n {
        let current = self.current(path, text);
        let path = path.to_string();
        self.hints.iter().filter(move |hint| {
            current
                && hint.path == path
                && range.start as usize <= hint.offset
                && hint.offset <= range.end as usize
        })
    }

    fn current(&self, path: &str, text: &str) -> bool {
        self.texts.get(path).is_some_and(|known| **known == *text)
    }
}

/// Most resource arguments listed under one field.
const MAX_ARGUMENTS: usize = 8;

pub fn value_notes(compilation: &Compilation) -> ValueNotes {
    let program = &compilation.program;
    let mut notes = ValueNotes::default();
    for file in &program.files {
        if !file.is_stdlib {
            notes.texts.insert(file.path.clone(), file.text.clone());
        }
    }
    for stack in &compilation.evaluated {
        let file = program.file(stack.origin.file);
        let env = file
            .parsed
            .file
            .items
            .iter()
            .find_map(|item| match &item.kind {
                ItemKind::Env(decl) if decl.name.span == stack.origin.span => Some(decl),
                _ => None,
            });
        let Some(env) = env else { continue };
        env_notes(stack, env, &file.path, &mut notes.notes);
    }
    env_facts(compilation, &mut notes);
    notes
}

fn env_notes(stack: &Stack, env: &EnvDecl, path: &str, notes: &mut Vec<ValueNote>) {
    for field in &env.fields {
        let span = field.key.span.to(field.value.span);
        let mut lines = Vec::new();
        if matches!(field.key.name.as_str(), "zones" | "cidr") {
            lines.extend(subnet_lines(stack));
        }
        let mut arguments = Vec::new();
        for resource in stack.resources.values() {
            let mut found = Vec::new();
            body_values_from(
                &resource.body,
                "",
                stack.origin.file,
                field.value.span,
                &mut found,
            );
            for (name, value) in found {
                arguments.push(format!("- `{}`.{name} = `{value}`", resource.address));
            }
        }
        if !arguments.is_empty() {
            let total = arguments.len();
            arguments.truncate(MAX_ARGUMENTS);
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!("Sets {total} resource argument(s):"));
            lines.extend(arguments);
            if total > MAX_ARGUMENTS {
                lines.push(format!("- and {} more", total - MAX_ARGUMENTS));
            }
        }
        if !lines.is_empty() {
            notes.push(ValueNote {
                path: path.to_string(),
                span,
                markdown: format!("**In `{}`:**\n\n{}", stack.name, lines.join("\n")),
            });
        }
    }
}

/// The stack's subnets: tier, zone and CIDR block.
fn subnet_lines(stack: &Stack) -> Vec<String> {
    let mut lines = Vec::new();
    for subnet in stack.of_type("aws_subnet") {
        let zone = subnet.body.value("availability_zone").map(plain);
        let cidr = subnet.body.value("cidr_block").map(plain);
        let tier = subnet
            .body
            .value("tags")
            .and_then(|tags| tags.field("Tier"))
            .map(plain)
            .unwrap_or_else(|| subnet.address.name.clone());
        if let (Some(zone), Some(cidr)) = (zone, cidr) {
            lines.push(format!("- {tier} subnet in `{zone}`: `{cidr}`"));
        }
    }
    if !lines.is_empty() {
        lines.insert(0, format!("{} subnets:", lines.len()));
    }
    lines
}

fn plain(value: &Value) -> String {
    match &value.kind {
        ValueKind::Str(text) => text.to_string(),
        _ => value.to_string(),
    }
}

/// The arguments of `body` whose value was written inside `span` of `file`.
fn body_values_from(
    body: &Body,
    prefix: &str,
    file: crate::diagnostics::FileId,
    span: Span,
    found: &mut Vec<(String, String)>,
) {
    for (name, entry) in &body.entries {
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match entry {
            Entry::Value(value) => {
                if written_in(value, file, span) {
                    found.push((path, plain(value)));
                }
            }
            Entry::Blocks(blocks) => {
                for block in blocks {
                    body_values_from(block, &path, file, span, found);
                }
            }
        }
    }
}

/// Whether the value, or a part of it, was written inside `span`.
fn written_in(value: &Value, file: crate::diagnostics::FileId, span: Span) -> bool {
    let inside = value.origin.file == file
        && span.start <= value.origin.span.start
        && value.origin.span.end <= span.end;
    inside
        || match &value.kind {
            ValueKind::List(items) => items.iter().any(|item| written_in(item, file, span)),
            ValueKind::Record { fields, .. } => fields.values().any(|v| written_in(v, file, span)),
            _ => false,
        }
}
