//! The whole pipeline for a set of root files: load and parse, check, evaluate every
//! environment, run the AWS and security checks, and emit the environments declared in
//! the root files. Nothing here writes files or prints.

use crate::diagnostics::{sort_and_dedup, Diagnostic};
use crate::emit::{emit, EmittedFile};
use crate::eval::stack::Stack;
use crate::eval::{evaluate_env, EvalCache};
use crate::program::{ItemRef, Program, SourceProvider, Stdlib};
use crate::schema::ProviderSchema;
use crate::syntax::ast::ItemKind;

/// What a compilation needs besides the sources.
pub struct Options<'s> {
    pub stdlib: Stdlib,
    pub schema: &'s ProviderSchema,
    /// Whether to write the stacks' Terraform JSON (`ragc build`), or only check them
    /// (`ragc check`, the language server).
    pub emit: bool,
}

/// One environment, ready to write.
#[derive(Debug)]
pub struct CompiledStack {
    pub name: String,
    pub resource_count: usize,
    /// The Terraform JSON files; empty unless `Options::emit`.
    pub files: Vec<EmittedFile>,
}

pub struct Compilation {
    pub program: Program,
    /// The stacks of the root files' environments, empty when any error was found.
    pub stacks: Vec<CompiledStack>,
    /// Every stack evaluated, the roots' and the imported ones', for tools that inspect
    /// them (the language server's hovers, the parity table).
    pub evaluated: Vec<Stack>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

pub fn compile(
    sources: &dyn SourceProvider,
    options: &Options<'_>,
    roots: &[String],
) -> Compilation {
    let program = Program::load(sources, &options.stdlib, roots);
    let item_diagnostics = sources.item_diagnostics(&program, options.schema);
    compile_loaded(program, item_diagnostics, options)
}

/// The rest of the pipeline for a loaded program whose items are already checked
/// (`SourceProvider::item_diagnostics`): the language server loads and checks items on a
/// snapshot of its database, then lets the snapshot go before this runs.
pub fn compile_loaded(
    program: Program,
    item_diagnostics: Vec<Diagnostic>,
    options: &Options<'_>,
) -> Compilation {
    let mut diagnostics = program.diagnostics.clone();
    diagnostics.extend(item_diagnostics);
    diagnostics.extend(crate::check::top_level_cycles(&program));
    let mut evaluated = Vec::new();
    let mut root_stacks = Vec::new();
    // Evaluation would only repeat what the checks found, less clearly.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let mut cache = EvalCache::default();
        for (item_ref, item) in program.all_items() {
            if !matches!(item.kind, ItemKind::Env(_)) || program.file(item_ref.file).is_stdlib {
                continue;
            }
            let (stack, found) = evaluate_env(&program, options.schema, &mut cache, item_ref);
            diagnostics.extend(found);
            if let Some(stack) = stack {
                if program.roots.contains(&item_ref.file) {
                    root_stacks.push(evaluated.len());
                }
                evaluated.push(stack);
            }
        }
        diagnostics.extend(crate::lint::lint_stacks(&evaluated, &root_stacks));
    }
    sort_and_dedup(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let stacks = if failed {
        Vec::new()
    } else {
        root_stacks
            .iter()
            .map(|&at| {
                let stack = &evaluated[at];
                CompiledStack {
                    name: stack.name.clone(),
                    resource_count: stack.managed_count(),
                    files: if options.emit {
                        emit(stack)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    };
    Compilation {
        program,
        stacks,
        evaluated,
        diagnostics,
    }
}

/// The environments declared in `file`, in source order.
pub fn environments_in(program: &Program, file: crate::diagnostics::FileId) -> Vec<ItemRef> {
    program
        .all_items()
        .filter(|(item_ref, item)| item_ref.file == file && matches!(item.kind, ItemKind::Env(_)))
        .map(|(item_ref, _)| item_ref)
        .collect()
}
