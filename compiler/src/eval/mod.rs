//! Evaluation: runs an environment's blueprint and every module it instantiates, in
//! dependency order, and produces a `Stack`. Values carry their origin; types are checked
//! where values flow into typed places (parameters, fields, annotated `let`s, function
//! results); evaluation is bounded by a depth limit and a fuel budget.

mod builtins;
mod conform;
mod expr;
mod module;
pub mod stack;
pub mod value;

pub use ragc_syntax::cidr;

pub use builtins::{json_number, to_hcl, to_json, Builtin, BUILTINS};
pub use conform::BUILTIN_TYPES;

use std::collections::HashMap;
use std::rc::Rc;

use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::program::{ItemRef, Program};
use crate::schema::ProviderSchema;
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind, FieldInit, Ident, ItemKind, StrPart};
use stack::Stack;
use value::{Origin, Value};

/// The blueprint parameter that receives the environment's name.
pub const ENVIRONMENT_PARAM: &str = "environment";

/// How deep module instances, function calls and nested expressions may go.
const MAX_DEPTH: usize = 128;
/// How many expression steps one environment may take: about a hundred times what the
/// production stack needs, and little enough to stop a runaway in under a second.
const FUEL: u64 = 2_000_000;

/// An error has been reported; evaluation of the enclosing part stops quietly so that
/// one mistake does not cascade into many messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported;

pub type Eval<T> = Result<T, Reported>;

/// Evaluates the environment declared by `env`, returning its stack (when evaluation
/// completed) and every diagnostic found on the way.
pub fn evaluate_env(
    program: &Program,
    schema: &ProviderSchema,
    orders: &mut StatementOrders,
    env: ItemRef,
) -> (Option<Stack>, Vec<Diagnostic>) {
    let mut evaluator = Evaluator::new(program, schema, orders);
    let stack = evaluator.env(env).ok();
    (stack, evaluator.diagnostics)
}

/// The evaluation order of each module's body, computed once per compilation and shared
/// by every environment (`None`: the body has a cycle).
#[derive(Default)]
pub struct StatementOrders {
    orders: HashMap<ItemRef, Option<Rc<[usize]>>>,
}

/// The names of variables in scope inside a function, loop or comprehension.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locals {
    frame: Option<Rc<Frame>>,
}

#[derive(Debug)]
struct Frame {
    name: String,
    value: Value,
    parent: Option<Rc<Frame>>,
}

impl Locals {
    pub(crate) fn with(&self, name: &str, value: Value) -> Locals {
        Locals {
            frame: Some(Rc::new(Frame {
                name: name.to_string(),
                value,
                parent: self.frame.clone(),
            })),
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        let mut frame = self.frame.as_deref();
        while let Some(current) = frame {
            if current.name == name {
                return Some(&current.value);
            }
            frame = current.parent.as_deref();
        }
        None
    }
}

/// Where an expression is evaluated: its file, its local variables, and the module
/// instance around it, if any.
#[derive(Clone)]
pub(crate) struct Scope {
    pub file: FileId,
    pub locals: Locals,
    pub instance: Option<Rc<module::Instance>>,
}

pub(crate) struct Evaluator<'p> {
    program: &'p Program,
    schema: &'p ProviderSchema,
    orders: &'p mut StatementOrders,
    diagnostics: Vec<Diagnostic>,
    depth: usize,
    fuel: u64,
    /// Top-level `let`s already computed (None: failed).
    globals: HashMap<ItemRef, Option<Value>>,
    /// Top-level `let`s being computed, to report cycles between them.
    computing: Vec<ItemRef>,
    stack: Option<Stack>,
}

impl<'p> Evaluator<'p> {
    fn new(
        program: &'p Program,
        schema: &'p ProviderSchema,
        orders: &'p mut StatementOrders,
    ) -> Self {
        Evaluator {
            program,
            schema,
            orders,
            diagnostics: Vec::new(),
            depth: 0,
            fuel: FUEL,
            globals: HashMap::new(),
            computing: Vec::new(),
            stack: None,
        }
    }

    fn report(&mut self, diagnostic: Diagnostic) -> Reported {
        self.diagnostics.push(diagnostic);
        Reported
    }

    fn error(&mut self, code: Code, file: FileId, span: Span, message: String) -> Reported {
        self.report(Diagnostic::new(code, file, span, message))
    }

    /// Spends one step of fuel and checks the depth, so evaluation always ends.
    fn step(&mut self, file: FileId, span: Span) -> Eval<()> {
        if self.fuel == 0 {
            return Err(self.report(
                Diagnostic::new(
                    Code::EvaluationLimit,
                    file,
                    span,
                    format!("evaluation took more than {FUEL} steps"),
                )
                .with_help("look for a loop or a comprehension over a very large list"),
            ));
        }
        self.fuel -= 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.report(
                Diagnostic::new(
                    Code::EvaluationLimit,
                    file,
                    span,
                    format!("evaluation nested more than {MAX_DEPTH} levels deep"),
                )
                .with_label("while evaluating this")
                .with_help("a module or function probably uses itself"),
            ));
        }
        Ok(())
    }

    fn env(&mut self, env: ItemRef) -> Eval<Stack> {
        let item = self.program.item(env);
        let ItemKind::Env(decl) = &item.kind else {
            return Err(Reported);
        };
        let file = env.file;
        let origin = Origin {
            file,
            span: decl.name.span,
        };
        self.stack = Some(Stack {
            name: decl.name.name.clone(),
            source_path: self.program.file(file).path.clone(),
            origin,
            resources: Default::default(),
            providers: Vec::new(),
            backend: None,
            variables: Default::default(),
            outputs: Default::default(),
        });
        let scope = Scope {
            file,
            locals: Locals::default(),
            instance: None,
        };
        let Some(module) = self.program.lookup(file, &decl.module.name) else {
            return Err(self.unknown_name(file, &decl.module, "a module"));
        };
        // A blueprint learns the environment's name through a parameter `environment`,
        // unless the environment sets it.
        let mut fields = decl.fields.clone();
        let declares_environment = matches!(
            &self.program.item(module).kind,
            ItemKind::Module(module) if module.params.iter().any(|p| p.name.name == ENVIRONMENT_PARAM)
        );
        if declares_environment && !fields.iter().any(|f| f.key.name == ENVIRONMENT_PARAM) {
            fields.push(FieldInit {
                doc: None,
                key: Ident {
                    name: ENVIRONMENT_PARAM.into(),
                    span: decl.name.span,
                },
                value: Expr {
                    kind: ExprKind::Str(vec![StrPart::Text(decl.name.name.clone())]),
                    span: decl.name.span,
                },
            });
        }
        self.instantiate(module, &decl.module, &fields, decl.body_span, &scope, &[])?;
        let stack = self.stack.take().ok_or(Reported)?;
        Ok(stack)
    }
}
