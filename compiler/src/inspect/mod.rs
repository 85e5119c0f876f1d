//! What one compilation knows about its environments, for people: what differs between
//! them (`diff`), what depends on what (`graph`) and what each costs a month (`cost`).
//! Each reads the stacks the compilation evaluated and emitted (compiled with
//! `Options::emit` and `Options::keep_evaluated`); none evaluates anything again. The
//! editor's hover on an environment and its inlay hints (`ide::resolved`) read `diff`'s
//! settings and `cost`'s estimate of a compilation that did not emit.

pub mod cost;
pub mod diff;
pub mod graph;
mod table;

use crate::compile::{Compilation, CompiledStack};
use crate::eval::stack::Stack;
use crate::program::{Program, ProgramFile};
use crate::source::Span;
use crate::syntax::ast::{EnvDecl, ItemKind, ModuleDecl};

/// An environment of the root files, as the compilation evaluated and emitted it.
#[derive(Clone, Copy)]
pub struct Environment<'c> {
    pub name: &'c str,
    pub stack: &'c Stack,
    /// Its Terraform JSON files; empty unless the compilation emitted.
    pub compiled: &'c CompiledStack,
    pub decl: &'c EnvDecl,
    /// The file that declares it.
    pub file: &'c ProgramFile,
    /// The module it instantiates, and the file declaring that module.
    pub module: Option<(&'c ModuleDecl, &'c ProgramFile)>,
}

/// `path:line:column` of `span` in `file`, one-based, columns in UTF-16 code units as
/// the diagnostics count them.
pub fn location(file: &ProgramFile, span: Span) -> String {
    let at = file
        .line_index
        .utf16_position(&file.text, span.range().start);
    format!("{}:{}:{}", file.path, at.line + 1, at.col + 1)
}

/// The text of `file` at `span`, on one line: runs of white space become one space.
pub fn source_text(file: &ProgramFile, span: Span) -> String {
    let text = file.text.get(span.range()).unwrap_or_default();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `value` as indented JSON, ending with a newline: the machine formats' layout.
fn pretty_json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The root files' environments in source order, or those named in `only` in the order
/// given. Errors name an unknown environment and list the known ones.
pub fn environments<'c>(
    compilation: &'c Compilation,
    only: &[String],
) -> Result<Vec<Environment<'c>>, String> {
    let all: Vec<Environment<'c>> = compilation
        .stacks
        .iter()
        .filter_map(|compiled| environment(compilation, compiled))
        .collect();
    if only.is_empty() {
        return Ok(all);
    }
    let mut chosen = Vec::new();
    for name in only {
        match all.iter().position(|env| env.name == name) {
            Some(at) => chosen.push(at),
            None => {
                let known: Vec<&str> = all.iter().map(|env| env.name).collect();
                return Err(match known.as_slice() {
                    [] => format!("no environment `{name}`: the files declare none"),
                    _ => format!(
                        "no environment `{name}` in these files; they declare {}",
                        known
                            .iter()
                            .map(|name| format!("`{name}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        }
    }
    let mut all: Vec<Option<Environment<'c>>> = all.into_iter().map(Some).collect();
    Ok(chosen.into_iter().filter_map(|at| all[at].take()).collect())
}

fn environment<'c>(
    compilation: &'c Compilation,
    compiled: &'c CompiledStack,
) -> Option<Environment<'c>> {
    let stack = compilation
        .evaluated
        .iter()
        .find(|stack| stack.name == compiled.name)?;
    let file = compilation.program.file(stack.origin.file);
    let decl = file
        .parsed
        .file
        .items
        .iter()
        .find_map(|item| match &item.kind {
            ItemKind::Env(decl) if decl.name.span == stack.origin.span => Some(decl),
            _ => None,
        })?;
    Some(Environment {
        name: &compiled.name,
        stack,
        compiled,
        decl,
        file,
        module: instantiated_module(&compilation.program, file, decl),
    })
}

fn instantiated_module<'p>(
    program: &'p Program,
    file: &ProgramFile,
    decl: &EnvDecl,
) -> Option<(&'p ModuleDecl, &'p ProgramFile)> {
    let item_ref = program.lookup(file.id, &decl.module.name)?;
    match &program.item(item_ref).kind {
        ItemKind::Module(module) => Some((module, program.file(item_ref.file))),
        _ => None,
    }
}
