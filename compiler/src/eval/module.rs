//! Module instances and records of declared types: binding parameters and fields,
//! running a module body's statements in dependency order, and collecting resources,
//! providers, the backend, variables and outputs into the stack.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use super::stack::{Body, Config, Entry, Output, Resource, Variable};
use super::value::{Fields, Origin, ResourceAddress, Value, ValueKind};
use super::{
    ArgumentSchema, Eval, Evaluator, FastMap, Locals, Node, Reported, Scope, ENVIRONMENT_PARAM,
};
use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::program::ItemRef;
use crate::resolve::graph::statement_order;
use crate::schema::{suggest, BlockSchema, TfType};
use crate::source::Span;
use crate::syntax::ast::*;

/// One instantiation of a module: its bindings, the resources it declared, its outputs.
pub(crate) struct Instance<'p> {
    module: ItemRef,
    /// Prefix of the instance's resource names: empty for the environment's blueprint,
    /// `network` for `let network = vpc { ... }` inside it.
    prefix: String,
    /// The values of the module's `binding_names`, once bound; `Err` for those whose
    /// evaluation failed: using them fails quietly, as the failure was reported already.
    bindings: RefCell<Vec<Option<Eval<Value>>>>,
    /// The resources declared so far, by data or not and type.
    resources: RefCell<FastMap<(bool, &'p str), Declared<'p>>>,
    outputs: RefCell<Fields>,
}

/// Resources of one type declared in an instance, by name as written, with the address
/// the stack holds them by.
type Declared<'p> = BTreeMap<Cow<'p, str>, Rc<ResourceAddress>>;

impl<'p> Instance<'p> {
    pub(crate) fn resource(
        &self,
        data: bool,
        type_name: &'p str,
        name: &str,
    ) -> Option<Rc<ResourceAddress>> {
        let resources = self.resources.borrow();
        resources.get(&(data, type_name))?.get(name).cloned()
    }

    pub(crate) fn resource_names(&self, data: bool, type_name: &'p str) -> Vec<String> {
        self.resources
            .borrow()
            .get(&(data, type_name))
            .map(|named| named.keys().map(|name| name.to_string()).collect())
            .unwrap_or_default()
    }

    fn address_name(&self, name: &str) -> String {
        let mut joined = String::with_capacity(self.prefix.len() + 1 + name.len());
        if !self.prefix.is_empty() {
            joined.push_str(&self.prefix);
            joined.push('_');
        }
        joined.push_str(name);
        terraform_name(joined)
    }
}

/// Values given to declared fields or parameters, each with the span to blame; a name
/// given twice keeps its last value.
#[derive(Default)]
pub(crate) struct Given<'a> {
    values: Vec<(&'a str, Value, Span)>,
}

impl<'a> Given<'a> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Given {
            values: Vec::with_capacity(capacity),
        }
    }

    pub(crate) fn insert(&mut self, name: &'a str, value: Value, span: Span) {
        match self.values.iter_mut().find(|(given, ..)| *given == name) {
            Some(slot) => *slot = (name, value, span),
            None => self.values.push((name, value, span)),
        }
    }

    fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self.values.iter().position(|(given, ..)| *given == name)?;
        Some(self.values.swap_remove(at).1)
    }
}

impl<'a> FromIterator<(&'a str, Value, Span)> for Given<'a> {
    fn from_iter<I: IntoIterator<Item = (&'a str, Value, Span)>>(values: I) -> Self {
        let mut given = Given::default();
        for (name, value, span) in values {
            given.insert(name, value, span);
        }
        given
    }
}

/// What declares the fields being bound, as messages name it: module `vpc`.
#[derive(Clone, Copy)]
pub(crate) struct Owner<'a> {
    pub kind: &'static str,
    pub name: &'a str,
}

impl fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind, self.name)
    }
}

/// Names Terraform does not allow for input variables.
const RESERVED_VARIABLE_NAMES: [&str; 8] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

/// The names an instance of a module binds: its parameters, then its top-level `let`s and
/// variables.
fn binding_names(decl: &ModuleDecl) -> impl Iterator<Item = &str> {
    let params = decl.params.iter().map(|param| param.name.name.as_str());
    params.chain(decl.body.iter().filter_map(|stmt| match &stmt.kind {
        StmtKind::Let(LetDecl { name, .. }) | StmtKind::Variable(VariableDecl { name, .. }) => {
            Some(name.name.as_str())
        }
        _ => None,
    }))
}

/// The bytes of Terraform names, as a table: names are checked for every resource.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < table.len() {
        let ch = byte as u8;
        table[byte] = ch.is_ascii_alphanumeric() || ch == b'_' || ch == b'-';
        byte += 1;
    }
    table
};

/// A valid Terraform name: letters, digits, `_` and `-`, not starting with a digit.
fn terraform_name(mut name: String) -> String {
    let valid = |ch: char| u8::try_from(ch).is_ok_and(|byte| NAME_BYTES[usize::from(byte)]);
    if !name.bytes().all(|byte| NAME_BYTES[usize::from(byte)]) {
        name = name
            .chars()
            .map(|ch| if valid(ch) { ch } else { '_' })
            .collect();
    }
    if !name.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_') {
        name.insert(0, '_');
    }
    name
}

impl<'p> Evaluator<'p> {
    /// Where `instance` keeps the binding named as `ident`, if its module binds that
    /// name; found once per compilation.
    fn slot(&mut self, instance: &Instance<'p>, ident: &'p Ident) -> Option<usize> {
        let key = (instance.module, Node(ident));
        if let Some(slot) = self.facts.slots.get(&key) {
            return *slot;
        }
        let slot = match &self.program.item(instance.module).kind {
            ItemKind::Module(decl) => binding_names(decl).position(|name| name == ident.name),
            _ => None,
        };
        self.facts.slots.insert(key, slot);
        slot
    }

    /// The value `instance` binds to the name written as `ident`, if it has bound it:
    /// `Some(Err)` when its evaluation failed.
    pub(crate) fn binding(
        &mut self,
        instance: &Instance<'p>,
        ident: &'p Ident,
    ) -> Option<Eval<Value>> {
        let slot = self.slot(instance, ident)?;
        instance.bindings.borrow()[slot].clone()
    }

    fn bind(&mut self, instance: &Instance<'p>, ident: &'p Ident, value: Eval<Value>) {
        if let Some(slot) = self.slot(instance, ident) {
            instance.bindings.borrow_mut()[slot] = Some(value);
        }
    }

    /// `Name { ... }`: a record of a declared type, or an instance of a module.
    pub(crate) fn construct(
        &mut self,
        name: &'p Ident,
        fields: &'p [FieldInit],
        span: Span,
        scope: &Scope<'p>,
        instance_name: Option<&str>,
    ) -> Eval<Value> {
        let Some(item_ref) = self.global_name(scope.file, name).item else {
            return Err(self.unknown_name(scope.file, name, "a record type or a module"));
        };
        match &self.program.item(item_ref).kind {
            ItemKind::Type(_) => {
                let mut given = Given::with_capacity(fields.len());
                for field in fields {
                    given.insert(&field.key.name, self.expr(&field.value, scope)?, field.key.span);
                }
                let origin = Origin { file: scope.file, span };
                self.build_record(item_ref, given, origin, scope.file)
            }
            ItemKind::Module(_) => {
                let prefix = match &scope.instance {
                    Some(parent) => parent.address_name(instance_name.unwrap_or(&name.name)),
                    None => instance_name.unwrap_or(&name.name).to_string(),
                };
                self.instantiate(item_ref, name, fields, None, span, scope, prefix)
            }
            _ => Err(self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    scope.file,
                    name.span,
                    format!("`{}` is neither a record type nor a module", name.name),
                )
                .with_help("`Name { ... }` builds a record of a declared `type` or instantiates a `module`"),
            )),
        }
    }

    /// A record of type `type_ref` from the given field values, with defaults filled in
    /// and every field converted to its declared type.
    pub(crate) fn build_record(
        &mut self,
        type_ref: ItemRef,
        mut given: Given<'_>,
        origin: Origin,
        file: FileId,
    ) -> Eval<Value> {
        let ItemKind::Type(decl) = &self.program.item(type_ref).kind else {
            return Err(Reported);
        };
        let owner = Owner {
            kind: "type",
            name: &decl.name.name,
        };
        let values = self.bind_fields(
            &decl.fields,
            &mut given,
            owner,
            origin,
            file,
            type_ref.file,
            None,
        )?;
        let fields = decl
            .fields
            .iter()
            .map(|field| self.key(&field.name.name))
            .zip(values)
            .collect();
        Ok(Value::new(
            ValueKind::Record {
                type_name: Some(decl.name.name.as_str().into()),
                fields: Rc::new(fields),
            },
            origin,
        ))
    }

    /// Matches given values against declared fields or parameters: unknown ones, missing
    /// ones, defaults (evaluated in the declaring file), and type conversion. Returns the
    /// values in the declared order; with an `instance`, binds each in it as it goes, as
    /// later defaults may read earlier parameters.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn bind_fields(
        &mut self,
        declared: &'p [FieldDecl],
        given: &mut Given<'_>,
        owner: Owner<'_>,
        origin: Origin,
        file: FileId,
        declaring_file: FileId,
        instance: Option<&Rc<Instance<'p>>>,
    ) -> Eval<Vec<Value>> {
        let mut failed = false;
        let mut values = Vec::with_capacity(declared.len());
        let mut missing = Vec::new();
        for field in declared {
            let value = match given.remove(&field.name.name) {
                Some(value) => value,
                None => match &field.default {
                    Some(default) => {
                        let scope = Scope {
                            file: declaring_file,
                            locals: Locals::default(),
                            instance: instance.cloned(),
                        };
                        match self.expr(default, &scope) {
                            Ok(value) => value,
                            Err(_) => {
                                failed = true;
                                continue;
                            }
                        }
                    }
                    None if field.ty.optional => Value::new(ValueKind::Null, origin),
                    None => {
                        missing.push(field);
                        continue;
                    }
                },
            };
            match self.conform(value, &field.ty, declaring_file) {
                Ok(value) => {
                    if let Some(instance) = instance {
                        self.bind(instance, &field.name, Ok(value.clone()));
                    }
                    values.push(value);
                }
                Err(_) => failed = true,
            }
        }
        // What is left was given but not declared.
        given.values.sort_unstable_by_key(|(name, ..)| *name);
        for (name, _, span) in &given.values {
            let suggestion = suggest(name, declared.iter().map(|field| field.name.name.as_str()));
            let mut diagnostic = Diagnostic::new(
                Code::UnknownField,
                file,
                *span,
                format!("{owner} has no field `{name}`"),
            );
            diagnostic = match suggestion {
                Some(found) => diagnostic.with_suggestion(found),
                None => diagnostic.with_note(format!(
                    "its fields are: {}",
                    declared
                        .iter()
                        .map(|f| f.name.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.report(diagnostic);
            failed = true;
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|field| format!("`{}`", field.name.name))
                .collect();
            let mut diagnostic = Diagnostic::new(
                Code::MissingField,
                file,
                origin.span,
                format!(
                    "{owner} needs {} {}",
                    if names.len() == 1 { "field" } else { "fields" },
                    names.join(", ")
                ),
            )
            .with_label(format!("missing {}", names.join(", ")));
            for field in &missing {
                diagnostic = diagnostic.with_secondary(
                    declaring_file,
                    field.name.span,
                    format!(
                        "`{}: {}` is declared here",
                        field.name.name,
                        type_text(&field.ty)
                    ),
                );
            }
            let example: Vec<String> = missing
                .iter()
                .map(|field| format!("{} = ...", field.name.name))
                .collect();
            self.report(diagnostic.with_help(format!("add {}", example.join(", "))));
            failed = true;
        }
        if failed {
            Err(Reported)
        } else {
            Ok(values)
        }
    }

    /// Instantiates a module and runs its body. `environment`: the name of the
    /// environment, given to a blueprint's `environment` parameter when `fields` does not
    /// set it; `prefix`: the prefix of the instance's resource names.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn instantiate(
        &mut self,
        module_ref: ItemRef,
        name: &'p Ident,
        fields: &'p [FieldInit],
        environment: Option<&'p Ident>,
        body_span: Span,
        caller: &Scope<'p>,
        prefix: String,
    ) -> Eval<Value> {
        let ItemKind::Module(decl) = &self.program.item(module_ref).kind else {
            return Err(self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    caller.file,
                    name.span,
                    format!("`{}` is not a module", name.name),
                )
                .with_help(
                    "an environment instantiates a blueprint module: `env NAME = MODULE { ... }`",
                ),
            ));
        };
        self.step(caller.file, name.span)?;
        self.depth += 1;
        let origin = Origin {
            file: caller.file,
            span: body_span,
        };
        let result = self
            .arguments(fields, environment, caller)
            .and_then(|given| self.run_module(module_ref, decl, given, origin, prefix));
        self.depth -= 1;
        result
    }

    /// The values of a module's arguments, each with the span of its name.
    fn arguments(
        &mut self,
        fields: &'p [FieldInit],
        environment: Option<&'p Ident>,
        caller: &Scope<'p>,
    ) -> Eval<Given<'p>> {
        let mut given = Given::with_capacity(fields.len() + 1);
        let mut failed = false;
        for field in fields {
            match self.expr(&field.value, caller) {
                Ok(value) => given.insert(&field.key.name, value, field.key.span),
                Err(_) => failed = true,
            }
        }
        if let Some(environment) = environment {
            // As if the environment had written `environment = "NAME"`: one step.
            match self.step(caller.file, environment.span) {
                Ok(()) => {
                    let origin = Origin {
                        file: caller.file,
                        span: environment.span,
                    };
                    let value = Value::string(environment.name.as_str(), origin);
                    given.insert(ENVIRONMENT_PARAM, value, environment.span);
                }
                Err(_) => failed = true,
            }
        }
        if failed {
            Err(Reported)
        } else {
            Ok(given)
        }
    }

    fn run_module(
        &mut self,
        module_ref: ItemRef,
        decl: &'p ModuleDecl,
        mut given: Given<'p>,
        origin: Origin,
        prefix: String,
    ) -> Eval<Value> {
        let instance = Rc::new(Instance {
            module: module_ref,
            prefix,
            bindings: RefCell::new(vec![None; binding_names(decl).count()]),
            resources: RefCell::default(),
            outputs: RefCell::default(),
        });
        let owner = Owner {
            kind: "module",
            name: &decl.name.name,
        };
        self.bind_fields(
            &decl.params,
            &mut given,
            owner,
            origin,
            origin.file,
            module_ref.file,
            Some(&instance),
        )?;
        let scope = Scope {
            file: module_ref.file,
            locals: Locals::default(),
            instance: Some(instance.clone()),
        };
        let schema = self.schema;
        let order = self
            .facts
            .orders
            .entry(module_ref)
            .or_insert_with(|| {
                statement_order(&decl.body, |name| schema.has_resource(name)).map(Rc::from)
            })
            .clone();
        // A cycle is reported by the checker.
        let order = order.ok_or(Reported)?;
        let mut failed = false;
        for &index in order.iter() {
            let stmt = &decl.body[index];
            if self.stmt(stmt, &scope, true).is_err() {
                failed = true;
                if let StmtKind::Let(LetDecl { name, .. })
                | StmtKind::Variable(VariableDecl { name, .. }) = &stmt.kind
                {
                    self.bind(&instance, name, Err(Reported));
                }
            }
        }
        if failed {
            return Err(Reported);
        }
        let outputs = std::mem::take(&mut *instance.outputs.borrow_mut());
        Ok(Value::new(
            ValueKind::Module {
                module: decl.name.name.as_str().into(),
                outputs: Rc::new(outputs),
            },
            origin,
        ))
    }

    /// Runs one statement. At module level (`top`), `let`s bind in the instance;
    /// inside `for` and `if` bodies they bind locally, returned as the new scope.
    fn stmt(&mut self, stmt: &'p Stmt, scope: &Scope<'p>, top: bool) -> Eval<Scope<'p>> {
        let instance = scope.instance.clone().ok_or(Reported)?;
        match &stmt.kind {
            StmtKind::Let(decl) => {
                let value = match &decl.value.kind {
                    ExprKind::Construct { name, fields } => {
                        self.construct(name, fields, decl.value.span, scope, Some(&decl.name.name))?
                    }
                    _ => self.expr(&decl.value, scope)?,
                };
                let value = match &decl.ty {
                    Some(ty) => self.conform(value, ty, scope.file)?,
                    None => value,
                };
                if top {
                    self.bind(&instance, &decl.name, Ok(value));
                    return Ok(scope.clone());
                }
                let mut inner = scope.clone();
                inner.locals = inner.locals.with(&decl.name.name, value);
                return Ok(inner);
            }
            StmtKind::Resource(decl) => self.resource(decl, false, scope, &instance)?,
            StmtKind::Data(decl) => self.resource(decl, true, scope, &instance)?,
            StmtKind::Provider(config) | StmtKind::Backend(config) => {
                let body = self.body(&config.body.entries, scope, None, false)?;
                let config_value = Config {
                    name: config.name.name.clone(),
                    body,
                    origin: Origin {
                        file: scope.file,
                        span: config.name.span,
                    },
                };
                let is_backend = matches!(stmt.kind, StmtKind::Backend(_));
                let stack = self.stack.as_mut().ok_or(Reported)?;
                if is_backend {
                    if let Some(previous) = &stack.backend {
                        let previous = previous.origin;
                        return Err(self.report(
                            Diagnostic::new(
                                Code::DuplicateName,
                                scope.file,
                                config.name.span,
                                "a stack has one backend",
                            )
                            .with_secondary(
                                previous.file,
                                previous.span,
                                "the first backend",
                            ),
                        ));
                    }
                    stack.backend = Some(config_value);
                } else {
                    stack.providers.push(config_value);
                }
            }
            StmtKind::For(for_stmt) => {
                let list = self.expr(&for_stmt.iterable, scope)?;
                let items = self.known_list(&list, for_stmt.iterable.span, scope.file)?;
                let mut failed = false;
                for (at, item) in items.iter().enumerate() {
                    let mut inner = scope.clone();
                    inner.locals = inner.locals.with(&for_stmt.var.name, item.clone());
                    if let Some(index) = &for_stmt.index {
                        inner.locals = inner.locals.with(
                            &index.name,
                            Value::new(ValueKind::Number(at as f64), item.origin),
                        );
                    }
                    failed |= self.block_of_statements(&for_stmt.body, inner).is_err();
                }
                if failed {
                    return Err(Reported);
                }
            }
            StmtKind::If(if_stmt) => {
                let condition = self.expr(&if_stmt.condition, scope)?;
                if self.known_bool(&condition, if_stmt.condition.span, scope.file)? {
                    self.block_of_statements(&if_stmt.body, scope.clone())?;
                }
            }
            StmtKind::Assert(assert) => self.assert(assert, stmt.span, scope)?,
            StmtKind::Output(output) => {
                let value = self.expr(&output.value, scope)?;
                if instance.prefix.is_empty() {
                    if let Some(stack) = self.stack.as_mut() {
                        stack.outputs.insert(
                            output.name.name.clone(),
                            Output {
                                value: value.clone(),
                                description: stmt.doc.clone(),
                            },
                        );
                    }
                }
                instance
                    .outputs
                    .borrow_mut()
                    .insert(self.key(&output.name.name), value);
            }
            StmtKind::Variable(variable) => {
                let name = instance.address_name(&variable.name.name);
                if RESERVED_VARIABLE_NAMES.contains(&name.as_str()) {
                    return Err(self.report(
                        Diagnostic::new(
                            Code::ReservedName,
                            scope.file,
                            variable.name.span,
                            format!("Terraform reserves the variable name `{name}`"),
                        )
                        .with_help("choose another name"),
                    ));
                }
                let default = match &variable.default {
                    Some(default) => Some(self.expr(default, scope)?),
                    None => None,
                };
                let origin = Origin {
                    file: scope.file,
                    span: variable.name.span,
                };
                if let Some(stack) = self.stack.as_mut() {
                    stack.variables.insert(
                        name.clone(),
                        Variable {
                            type_constraint: super::conform::terraform_type(&variable.ty),
                            default,
                            description: stmt.doc.clone(),
                            origin,
                        },
                    );
                }
                let expression = format!("var.{name}");
                let value = if variable.ty.name.name == "String" {
                    Value::deferred_string(expression, origin)
                } else {
                    Value::deferred(expression, origin)
                };
                if top {
                    self.bind(&instance, &variable.name, Ok(value));
                } else {
                    let mut inner = scope.clone();
                    inner.locals = inner.locals.with(&variable.name.name, value);
                    return Ok(inner);
                }
            }
        }
        Ok(scope.clone())
    }

    /// The statements of a `for` or `if` body, in order, each seeing the `let`s before it.
    fn block_of_statements(&mut self, body: &'p [Stmt], mut scope: Scope<'p>) -> Eval<()> {
        let mut failed = false;
        for stmt in body {
            match self.stmt(stmt, &scope, false) {
                Ok(next) => scope = next,
                Err(_) => failed = true,
            }
        }
        if failed {
            Err(Reported)
        } else {
            Ok(())
        }
    }

    fn assert(&mut self, assert: &'p AssertStmt, span: Span, scope: &Scope<'p>) -> Eval<()> {
        let condition = self.expr(&assert.condition, scope)?;
        if self.known_bool(&condition, assert.condition.span, scope.file)? {
            return Ok(());
        }
        let message_value = self.expr(&assert.message, scope)?;
        let message = self.text_of(&message_value, assert.message.span, scope.file)?;
        let culprit = condition.origin;
        let mut diagnostic = Diagnostic::new(
            Code::AssertionFailed,
            culprit.file,
            culprit.span,
            message.clone(),
        );
        if culprit.file != scope.file || !span.contains(culprit.span.start as usize) {
            diagnostic = diagnostic
                .with_label("this value fails the assertion")
                .with_secondary(scope.file, assert.condition.span, "asserted here");
        } else {
            diagnostic = diagnostic.with_label("this assertion is false");
        }
        Err(self.report(diagnostic))
    }

    fn resource(
        &mut self,
        decl: &'p ResourceDecl,
        data: bool,
        scope: &Scope<'p>,
        instance: &Instance<'p>,
    ) -> Eval<()> {
        let local_name = match &decl.name {
            ResourceName::Plain(ident) => Cow::Borrowed(ident.name.as_str()),
            ResourceName::Template(expr) => {
                let value = self.expr(expr, scope)?;
                Cow::Owned(self.known_str(&value, expr.span, scope.file)?.to_owned())
            }
        };
        let address = Rc::new(ResourceAddress {
            data,
            type_name: decl.type_name.name.clone(),
            name: instance.address_name(&local_name),
        });
        let origin = Origin {
            file: scope.file,
            span: decl.name.span(),
        };
        if let Some(previous) = self
            .stack
            .as_ref()
            .and_then(|stack| stack.resources.get(&address))
        {
            let previous = previous.origin;
            let here = Origin {
                file: scope.file,
                span: decl.name.span(),
            };
            let diagnostic = Diagnostic::new(
                Code::DuplicateResource,
                scope.file,
                decl.name.span(),
                format!("two resources have the address `{address}`"),
            );
            // The same declaration twice: a loop whose names do not depend on its variable.
            let diagnostic = if previous == here {
                diagnostic
                    .with_label("every pass of the loop gives this name")
                    .with_help("put the loop variable in the name: `\"name-${zone}\"`")
            } else {
                diagnostic
                    .with_label("this one")
                    .with_secondary(previous.file, previous.span, "and this one")
                    .with_help("give each resource a name of its own")
            };
            return Err(self.report(diagnostic));
        }
        instance
            .resources
            .borrow_mut()
            .entry((data, decl.type_name.name.as_str()))
            .or_default()
            .insert(local_name, address.clone());
        let schema = self.resource_schema(data, &decl.type_name.name);
        let mut lifecycle = None;
        let mut depends_on = Vec::new();
        for entry in decl
            .body
            .entries
            .iter()
            .filter(|entry| is_meta_argument(entry))
        {
            match entry {
                BlockEntry::Block { body, .. } => {
                    lifecycle = Some(self.body(&body.entries, scope, None, false)?);
                }
                BlockEntry::Attribute { value, .. } => {
                    let list = self.expr(value, scope)?;
                    for item in list.as_list().unwrap_or_default() {
                        match &item.kind {
                            ValueKind::Resource(address) => depends_on.push(address.clone()),
                            _ => {
                                return Err(self.expected(
                                    "a resource",
                                    item,
                                    value.span,
                                    scope.file,
                                ))
                            }
                        }
                    }
                }
            }
        }
        let body = self.body(&decl.body.entries, scope, schema, true)?;
        if let Some(stack) = self.stack.as_mut() {
            stack.resources.insert(
                address.clone(),
                Resource {
                    address,
                    body,
                    lifecycle,
                    depends_on,
                    origin,
                },
            );
        }
        Ok(())
    }

    /// Evaluates the arguments and nested blocks of a resource (`resource`: leaving out
    /// its meta-arguments), provider or backend.
    fn body(
        &mut self,
        entries: &'p [BlockEntry],
        scope: &Scope<'p>,
        schema: Option<&'p BlockSchema>,
        resource: bool,
    ) -> Eval<Body> {
        let mut body = Body::default();
        let mut failed = false;
        for entry in entries {
            if resource && is_meta_argument(entry) {
                continue;
            }
            let argument = self.argument_schema(entry, schema);
            match entry {
                BlockEntry::Attribute { name, value } => {
                    let Ok(value) = self.expr(value, scope) else {
                        failed = true;
                        continue;
                    };
                    if matches!(value.kind, ValueKind::Null) {
                        continue;
                    }
                    let entry = match argument {
                        ArgumentSchema::Block(nested) => {
                            match self.value_as_blocks(&value, &nested.block, name, scope.file) {
                                Ok(blocks) => Entry::Blocks(blocks),
                                Err(_) => {
                                    failed = true;
                                    continue;
                                }
                            }
                        }
                        ArgumentSchema::Attribute(attribute) if !fits(&value, &attribute.ty) => {
                            self.report(
                                Diagnostic::new(
                                    Code::TypeMismatch,
                                    value.origin.file,
                                    value.origin.span,
                                    format!(
                                        "`{}` takes {}, but it is given {}",
                                        name.name,
                                        attribute.ty,
                                        value.type_name()
                                    ),
                                )
                                .with_label(format!("this is {}", value.type_name()))
                                .with_secondary(
                                    scope.file,
                                    name.span,
                                    format!("{} is required here", attribute.ty),
                                ),
                            );
                            failed = true;
                            continue;
                        }
                        ArgumentSchema::Attribute(_) | ArgumentSchema::Unknown => {
                            Entry::Value(value)
                        }
                    };
                    body.entries.insert(self.key(&name.name), entry);
                }
                BlockEntry::Block { name, body: nested } => {
                    let nested_schema = match argument {
                        ArgumentSchema::Block(nested) => Some(&nested.block),
                        _ => None,
                    };
                    let Ok(nested_body) = self.body(&nested.entries, scope, nested_schema, false)
                    else {
                        failed = true;
                        continue;
                    };
                    match body
                        .entries
                        .entry(self.key(&name.name))
                        .or_insert(Entry::Blocks(Vec::new()))
                    {
                        Entry::Blocks(blocks) => blocks.push(nested_body),
                        Entry::Value(_) => failed = true,
                    }
                }
            }
        }
        if failed {
            Err(Reported)
        } else {
            Ok(body)
        }
    }

    /// `setting = [{ ... }, ...]` for a nested block: the blocks a record or a list of
    /// records stands for. A scalar there is an error.
    fn value_as_blocks(
        &mut self,
        value: &Value,
        schema: &BlockSchema,
        name: &Ident,
        file: FileId,
    ) -> Eval<Vec<Body>> {
        let records: Vec<&Value> = match &value.kind {
            ValueKind::List(items) => items.iter().collect(),
            ValueKind::Record { .. } => vec![value],
            _ => {
                return Err(self.report(
                    Diagnostic::new(
                        Code::BlockShape,
                        file,
                        name.span,
                        format!(
                            "`{}` is a nested block, but it is given {}",
                            name.name,
                            value.type_name()
                        ),
                    )
                    .with_help(format!(
                        "write `{} {{ ... }}`, or give a record or a list of records",
                        name.name
                    )),
                ))
            }
        };
        let mut blocks = Vec::new();
        for record in records {
            let ValueKind::Record { fields, .. } = &record.kind else {
                return Err(self.expected("a record", record, name.span, file));
            };
            let mut body = Body::default();
            for (key, field) in fields.iter() {
                if matches!(field.kind, ValueKind::Null) {
                    continue;
                }
                let entry = match schema.block(key) {
                    Some(nested) => {
                        Entry::Blocks(self.value_as_blocks(field, &nested.block, name, file)?)
                    }
                    None => Entry::Value(field.clone()),
                };
                body.entries.insert(key.clone(), entry);
            }
            blocks.push(body);
        }
        Ok(blocks)
    }
}

/// `lifecycle { ... }` and `depends_on = [...]`: Terraform's meta-arguments of a
/// resource, kept apart from its arguments.
fn is_meta_argument(entry: &BlockEntry) -> bool {
    match entry {
        BlockEntry::Block { name, .. } => name.name == "lifecycle",
        BlockEntry::Attribute { name, .. } => name.name == "depends_on",
    }
}

/// Whether a value can be given to an argument of Terraform type `ty`, with Terraform's
/// own conversions between primitives. Values only Terraform knows are its to check.
fn fits(value: &Value, ty: &TfType) -> bool {
    match (&value.kind, ty) {
        (ValueKind::Deferred(_) | ValueKind::Null, _) | (_, TfType::Dynamic) => true,
        (
            ValueKind::Str(_)
            | ValueKind::Json(_)
            | ValueKind::Cidr(_)
            | ValueKind::Enum { .. }
            | ValueKind::Number(_)
            | ValueKind::Quantity(..)
            | ValueKind::Bool(_)
            | ValueKind::Resource(_),
            TfType::String,
        ) => true,
        (ValueKind::Number(_) | ValueKind::Quantity(..), TfType::Number) => true,
        (ValueKind::Str(text), TfType::Number) => text.parse::<f64>().is_ok(),
        (ValueKind::Bool(_), TfType::Bool) => true,
        (ValueKind::Str(text), TfType::Bool) => matches!(&**text, "true" | "false"),
        (ValueKind::List(items), TfType::List(element) | TfType::Set(element)) => {
            items.iter().all(|item| fits(item, element))
        }
        (ValueKind::List(items), TfType::Tuple(elements)) => {
            items.len() == elements.len()
                && items.iter().zip(elements).all(|(item, ty)| fits(item, ty))
        }
        (ValueKind::Record { fields, .. }, TfType::Map(element)) => {
            fields.values().all(|field| fits(field, element))
        }
        (ValueKind::Record { fields, .. }, TfType::Object(attributes)) => fields
            .iter()
            .all(|(key, field)| attributes.get(&**key).is_some_and(|ty| fits(field, ty))),
        _ => false,
    }
}

pub(crate) fn type_text(ty: &TypeExpr) -> String {
    let mut text = ty.name.name.clone();
    if !ty.args.is_empty() {
        let args: Vec<String> = ty.args.iter().map(type_text).collect();
        text.push_str(&format!("<{}>", args.join(", ")));
    }
    if ty.optional {
        text.push('?');
    }
    text
}
