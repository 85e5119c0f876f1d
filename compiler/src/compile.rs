//! The whole pipeline for a set of root files: load and parse, check, evaluate every
//! environment, run the AWS and security checks, and emit the environments declared in
//! the root files. Nothing here writes files or prints.
//!
//! Environments are evaluated one at a time, each checked and emitted at once and then
//! dropped (unless `Options::keep_evaluated`), so that memory holds one stack per thread
//! rather than every stack of the compilation; unless `Options::jobs` is 1, enough of
//! them are shared out among threads. Results are put back in source order, so the
//! output does not depend on the number of threads.

use crate::diagnostics::{sort_and_dedup, Diagnostic};
use crate::emit::{emit, EmittedFile};
use crate::eval::stack::Stack;
use crate::eval::{evaluate_env, EvalCache};
use crate::lint::{check_global_names, lint_stack, StackNames};
use crate::parallel::map_in_order;
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
    /// Whether to keep every evaluated stack in `Compilation::evaluated` (the language
    /// server's hovers read them). Evaluated stacks cannot cross threads, so this
    /// evaluates on the calling thread whatever `jobs` says.
    pub keep_evaluated: bool,
    /// How many threads evaluate environments; 0: one per available core
    /// (`parallel::threads`).
    pub jobs: usize,
}

impl<'s> Options<'s> {
    /// Check only, on the calling thread, keeping nothing: change the fields as needed.
    pub fn new(stdlib: Stdlib, schema: &'s ProviderSchema) -> Options<'s> {
        Options {
            stdlib,
            schema,
            emit: false,
            keep_evaluated: false,
            jobs: 1,
        }
    }
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
    /// With `Options::keep_evaluated`, every stack evaluated, the roots' and the imported
    /// ones', for tools that inspect them (the language server's hovers).
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
    sources.parse_ahead(&options.stdlib, roots, options.jobs);
    let program = Program::load(sources, &options.stdlib, roots);
    let item_diagnostics = sources.item_diagnostics(&program, options.schema, options.jobs);
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
    let mut outcomes = Vec::new();
    // Evaluation would only repeat what the checks found, less clearly.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let envs: Vec<EnvToEvaluate> = program
            .all_items()
            .filter(|(item_ref, item)| {
                matches!(item.kind, ItemKind::Env(_)) && !program.file(item_ref.file).is_stdlib
            })
            .map(|(item_ref, _)| EnvToEvaluate {
                item: item_ref,
                root: program.roots.contains(&item_ref.file),
            })
            .collect();
        // An environment takes about a millisecond: for a few, starting threads (and
        // asking how many cores there are) costs more than it saves.
        const MIN_ENVS_FOR_THREADS: usize = 4;
        let one_thread = options.jobs == 1 || envs.len() < MIN_ENVS_FOR_THREADS;
        outcomes = if options.keep_evaluated || one_thread {
            let mut cache = EvalCache::default();
            let mut keep = |stack: Stack| {
                if options.keep_evaluated {
                    evaluated.push(stack);
                }
            };
            envs.iter()
                .map(|env| evaluate_one(&program, options, &mut cache, env, &mut keep))
                .collect()
        } else {
            map_in_order(&envs, options.jobs, EvalCache::default, |cache, env| {
                evaluate_one(&program, options, cache, env, &mut drop)
            })
        };
    }
    let mut names = Vec::new();
    let mut roots = Vec::new();
    let mut stacks = Vec::new();
    for outcome in outcomes {
        diagnostics.extend(outcome.diagnostics);
        if let Some(stack_names) = outcome.names {
            if let Some(compiled) = outcome.compiled {
                roots.push(names.len());
                stacks.push(compiled);
            }
            names.push(stack_names);
        }
    }
    check_global_names(&names, &roots, &mut diagnostics);
    sort_and_dedup(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        stacks.clear();
    }
    Compilation {
        program,
        stacks,
        evaluated,
        diagnostics,
    }
}

struct EnvToEvaluate {
    item: ItemRef,
    /// Declared in a root file: checked and emitted, not only evaluated.
    root: bool,
}

/// What evaluating one environment gave, without the stack itself.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    /// `None` when evaluation did not complete.
    names: Option<StackNames>,
    /// The root environments' stacks, emitted when `Options::emit`.
    compiled: Option<CompiledStack>,
}

/// Evaluates `env`, checks and emits its stack, then gives the stack to `keep`.
fn evaluate_one<'p>(
    program: &'p Program,
    options: &Options<'p>,
    cache: &mut EvalCache<'p>,
    env: &EnvToEvaluate,
    keep: &mut dyn FnMut(Stack),
) -> Outcome {
    let (stack, mut diagnostics) = evaluate_env(program, options.schema, cache, env.item);
    let Some(stack) = stack else {
        return Outcome {
            diagnostics,
            names: None,
            compiled: None,
        };
    };
    let compiled = env.root.then(|| {
        lint_stack(&stack, &mut diagnostics);
        // A stack with errors is never written; the others are emitted now, while
        // their values are in the cache, and dropped if another stack fails.
        let emit_now = options.emit && !diagnostics.iter().any(Diagnostic::is_error);
        CompiledStack {
            name: stack.name.clone(),
            resource_count: stack.managed_count(),
            files: if emit_now { emit(&stack) } else { Vec::new() },
        }
    });
    let names = Some(StackNames::of(&stack));
    keep(stack);
    Outcome {
        diagnostics,
        names,
        compiled,
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
