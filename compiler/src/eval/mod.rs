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
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::rc::Rc;

use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::program::{ItemRef, Program};
use crate::schema::{AttributeSchema, BlockSchema, NestedBlockSchema, ProviderSchema};
use crate::source::Span;
use crate::syntax::ast::{BlockEntry, Ident, ItemKind};
use stack::Stack;
use value::{Deferred, Origin, ResourceAddress, Value};

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
pub fn evaluate_env<'p>(
    program: &'p Program,
    schema: &'p ProviderSchema,
    cache: &mut EvalCache<'p>,
    env: ItemRef,
) -> (Option<Stack>, Vec<Diagnostic>) {
    let mut evaluator = Evaluator::new(program, schema, std::mem::take(cache));
    let stack = evaluator.env(env).ok();
    *cache = evaluator.facts;
    (stack, evaluator.diagnostics)
}

/// What evaluation learns once per compilation and shares with every environment, as
/// every environment runs much the same modules.
#[derive(Default)]
pub struct EvalCache<'p> {
    /// The evaluation order of each module's body (`None`: the body has a cycle).
    orders: FastMap<ItemRef, Option<Rc<[usize]>>>,
    /// What each name written in a file means in the file's top-level scope.
    globals: FastMap<(FileId, Node<'p, Ident>), GlobalName>,
    /// The one visible enum that has a variant of each bare name (`per_zone`).
    variants: FastMap<(FileId, Node<'p, Ident>), Option<ItemRef>>,
    /// Which binding of a module each name written in it means (see `Evaluator::slot`).
    slots: FastMap<(ItemRef, Node<'p, Ident>), Option<usize>>,
    /// The schema of each resource type and data source used.
    resources: FastMap<String, Option<&'p BlockSchema>>,
    data_sources: FastMap<String, Option<&'p BlockSchema>>,
    /// What the schema says of each argument written in a resource.
    arguments: FastMap<Node<'p, BlockEntry>, ArgumentSchema<'p>>,
    /// The attributes of resources referred to (`aws_vpc.main.id`): the same in every
    /// environment that has the resource.
    attributes: FastMap<(Rc<ResourceAddress>, &'p str), Rc<Deferred>>,
    /// The strings written without interpolations.
    literals: FastMap<Node<'p, String>, Rc<str>>,
    /// Names written in the program (fields, arguments, outputs), shared as keys of
    /// records and bodies. By node: hashing an address is cheaper than hashing the text.
    keys: FastMap<Node<'p, String>, Rc<str>>,
}

/// What a name means in a file's top-level scope (local variables and module bindings
/// may hide it).
#[derive(Clone, Copy)]
struct GlobalName {
    /// The declaration it names.
    item: Option<ItemRef>,
    /// True when it is a resource type of the schema.
    resource_type: bool,
}

/// What the schema of a block says of an argument written in it.
#[derive(Clone, Copy)]
pub(crate) enum ArgumentSchema<'p> {
    Block(&'p NestedBlockSchema),
    Attribute(&'p AttributeSchema),
    Unknown,
}

/// A node of the syntax tree, hashed and compared by address: the tree is borrowed for
/// the whole compilation, so an address names one node.
pub(crate) struct Node<'p, T>(&'p T);

impl<T> Hash for Node<'_, T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.0, state);
    }
}

impl<T> PartialEq for Node<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl<T> Eq for Node<'_, T> {}

/// A multiply-and-rotate hasher, as rustc's FxHash, for the evaluator's small keys
/// (names, item references), looked up at almost every step: SipHash's defence against
/// crafted keys buys nothing here and costs a good share of evaluation.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, mut bytes: &[u8]) {
        while let Some((word, rest)) = bytes.split_first_chunk() {
            self.add(u64::from_le_bytes(*word));
            bytes = rest;
        }
        if let Some((word, rest)) = bytes.split_first_chunk() {
            self.add(u64::from(u32::from_le_bytes(*word)));
            bytes = rest;
        }
        for &byte in bytes {
            self.add(u64::from(byte));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiplication mixes into the high bits; the table indexes with the low ones.
        self.0.rotate_left(26)
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The names of variables in scope inside a function, loop or comprehension.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locals<'p> {
    frame: Option<Rc<Frame<'p>>>,
}

#[derive(Debug)]
struct Frame<'p> {
    name: &'p str,
    value: Value,
    parent: Option<Rc<Frame<'p>>>,
}

impl<'p> Locals<'p> {
    pub(crate) fn with(&self, name: &'p str, value: Value) -> Locals<'p> {
        Locals {
            frame: Some(Rc::new(Frame {
                name,
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
pub(crate) struct Scope<'p> {
    pub file: FileId,
    pub locals: Locals<'p>,
    pub instance: Option<Rc<module::Instance<'p>>>,
}

pub(crate) struct Evaluator<'p> {
    program: &'p Program,
    schema: &'p ProviderSchema,
    facts: EvalCache<'p>,
    diagnostics: Vec<Diagnostic>,
    depth: usize,
    fuel: u64,
    /// Top-level `let`s already computed (None: failed).
    globals: FastMap<ItemRef, Option<Value>>,
    /// Top-level `let`s being computed, to report cycles between them.
    computing: Vec<ItemRef>,
    stack: Option<Stack>,
    /// A buffer for the text of strings, reused so that building a string allocates
    /// only the string.
    text: String,
}

impl<'p> Evaluator<'p> {
    fn new(program: &'p Program, schema: &'p ProviderSchema, facts: EvalCache<'p>) -> Self {
        Evaluator {
            program,
            schema,
            facts,
            diagnostics: Vec::new(),
            depth: 0,
            fuel: FUEL,
            globals: FastMap::default(),
            computing: Vec::new(),
            stack: None,
            text: String::new(),
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
    #[inline]
    fn step(&mut self, file: FileId, span: Span) -> Eval<()> {
        if self.fuel > 0 && self.depth < MAX_DEPTH {
            self.fuel -= 1;
            return Ok(());
        }
        Err(self.limit_reached(file, span))
    }

    /// Reports the limit `step` found reached. With fuel left, it is the depth limit, and
    /// the step is spent all the same.
    #[cold]
    fn limit_reached(&mut self, file: FileId, span: Span) -> Reported {
        if self.fuel == 0 {
            return self.report(
                Diagnostic::new(
                    Code::EvaluationLimit,
                    file,
                    span,
                    format!("evaluation took more than {FUEL} steps"),
                )
                .with_help("look for a loop or a comprehension over a very large list"),
            );
        }
        self.fuel -= 1;
        self.report(
            Diagnostic::new(
                Code::EvaluationLimit,
                file,
                span,
                format!("evaluation nested more than {MAX_DEPTH} levels deep"),
            )
            .with_label("while evaluating this")
            .with_help("a module or function probably uses itself"),
        )
    }

    /// What the name written as `ident` means in `file`'s top-level scope, looked up once
    /// per compilation.
    fn global_name(&mut self, file: FileId, ident: &'p Ident) -> GlobalName {
        let (program, schema) = (self.program, self.schema);
        *self
            .facts
            .globals
            .entry((file, Node(ident)))
            .or_insert_with(|| GlobalName {
                item: program.lookup(file, &ident.name),
                resource_type: schema.has_resource(&ident.name),
            })
    }

    /// The one enum visible from `file` that has a variant named as `ident`, looked up
    /// once per compilation.
    fn enum_of_variant(&mut self, file: FileId, ident: &'p Ident) -> Option<ItemRef> {
        let program = self.program;
        *self
            .facts
            .variants
            .entry((file, Node(ident)))
            .or_insert_with(|| program.enum_of_variant(file, &ident.name))
    }

    /// The schema of a resource type (`data`: of a data source), decoded once per
    /// compilation.
    fn resource_schema(&mut self, data: bool, type_name: &str) -> Option<&'p BlockSchema> {
        let schema = self.schema;
        let cache = if data {
            &mut self.facts.data_sources
        } else {
            &mut self.facts.resources
        };
        if let Some(found) = cache.get(type_name) {
            return *found;
        }
        let found = if data {
            schema.data_source(type_name)
        } else {
            schema.resource(type_name)
        };
        cache.insert(type_name.to_string(), found);
        found
    }

    /// `name`, written in the program, as a key of a record or body: allocated once per
    /// compilation.
    fn key(&mut self, name: &'p String) -> Rc<str> {
        self.facts
            .keys
            .entry(Node(name))
            .or_insert_with(|| name.as_str().into())
            .clone()
    }

    /// What `schema`, the schema of the block where `entry` is written, says of it. The
    /// block written around an entry always has the same schema, so one look-up per
    /// compilation does.
    fn argument_schema(
        &mut self,
        entry: &'p BlockEntry,
        schema: Option<&'p BlockSchema>,
    ) -> ArgumentSchema<'p> {
        let Some(schema) = schema else {
            return ArgumentSchema::Unknown;
        };
        *self.facts.arguments.entry(Node(entry)).or_insert_with(|| {
            let name = &entry.name().name;
            match (schema.block(name), schema.attribute(name)) {
                (Some(nested), _) => ArgumentSchema::Block(nested),
                (None, Some(attribute)) => ArgumentSchema::Attribute(attribute),
                (None, None) => ArgumentSchema::Unknown,
            }
        })
    }

    fn env(&mut self, env: ItemRef) -> Eval<Stack> {
        let program = self.program;
        let item = program.item(env);
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
            source_path: program.file(file).path.clone(),
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
        let Some(module) = self.global_name(file, &decl.module).item else {
            return Err(self.unknown_name(file, &decl.module, "a module"));
        };
        // A blueprint learns the environment's name through a parameter `environment`,
        // unless the environment sets it.
        let declares_environment = matches!(
            &program.item(module).kind,
            ItemKind::Module(module) if module.params.iter().any(|p| p.name.name == ENVIRONMENT_PARAM)
        );
        let environment = (declares_environment
            && !decl.fields.iter().any(|f| f.key.name == ENVIRONMENT_PARAM))
        .then_some(&decl.name);
        self.instantiate(
            module,
            &decl.module,
            &decl.fields,
            environment,
            decl.body_span,
            &scope,
            String::new(),
        )?;
        let stack = self.stack.take().ok_or(Reported)?;
        Ok(stack)
    }
}
