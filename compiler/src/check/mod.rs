//! Checks that need no evaluation, over every item of every file, whether or not an
//! environment uses it: every name refers to a declaration, every type annotation to a
//! type, every resource block matches the provider schema, module bodies have no
//! dependency cycles, and no `let` or parameter is left unused.

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::eval::{BUILTINS, BUILTIN_TYPES};
use crate::program::Program;
use crate::resolve::graph::{cycle_order, module_graph, names_in};
use crate::schema::{suggest, BlockProblem, BlockSchema, CheckBlock, ProviderSchema, WrittenItem};
use crate::scope::{DeclKind, Scope};
use crate::source::Span;
use crate::syntax::ast::*;

/// Terraform meta-arguments allowed in every resource, outside the provider schema.
const META_ARGUMENTS: &[&str] = &["depends_on", "lifecycle"];

/// The checks that look at one item at a time (`check_item`), over every item.
pub fn check_items(program: &Program, schema: &ProviderSchema) -> Vec<Diagnostic> {
    let files = program.files.iter();
    files
        .flat_map(|file| check_file(program, schema, file.id))
        .collect()
}

/// `check_item` over every item of `file`.
pub fn check_file(program: &Program, schema: &ProviderSchema, file: FileId) -> Vec<Diagnostic> {
    let scope = program.scope(file);
    let items = &program.file(file).parsed.file.items;
    items
        .iter()
        .flat_map(|item| check_item(scope, schema, file, item))
        .collect()
}

/// The checks of one item of `file`, which sees the names of `scope`. They read nothing
/// of other items but what `scope` says, so the salsa database runs them again only when
/// the item or the scope changed.
pub fn check_item(
    scope: &Scope,
    schema: &ProviderSchema,
    file: FileId,
    item: &Item,
) -> Vec<Diagnostic> {
    let mut checker = Checker {
        scope,
        schema,
        diagnostics: Vec::new(),
        file,
        locals: Vec::new(),
    };
    checker.item(item);
    checker.diagnostics
}

/// Cycles between top-level `let`s, whether or not an environment uses them: the one
/// check across items.
pub fn top_level_cycles(program: &Program) -> Vec<Diagnostic> {
    let mut graph: petgraph::graphmap::DiGraphMap<(u32, usize), (), std::hash::RandomState> =
        Default::default();
    for (item_ref, item) in program.all_items() {
        let ItemKind::Let(decl) = &item.kind else {
            continue;
        };
        let node = (item_ref.file.0, item_ref.index);
        graph.add_node(node);
        for name in names_in(&decl.value) {
            let Some(used) = program.lookup(item_ref.file, &name) else {
                continue;
            };
            if matches!(program.item(used).kind, ItemKind::Let(_)) {
                graph.add_edge(node, (used.file.0, used.index), ());
            }
        }
    }
    let mut diagnostics = Vec::new();
    for component in petgraph::algo::tarjan_scc(&graph) {
        if component.len() == 1 && !graph.contains_edge(component[0], component[0]) {
            continue;
        }
        let component = cycle_order(
            &component,
            |node| node,
            |node| graph.neighbors(node).collect(),
        );
        let item_of = |(file, index): (u32, usize)| {
            program.item(crate::program::ItemRef {
                file: FileId(file),
                index,
            })
        };
        let names: Vec<String> = component
            .iter()
            .filter_map(|node| item_of(*node).name().map(|name| name.name.clone()))
            .collect();
        let (file, index) = component[0];
        let Some(first) = item_of((file, index)).name() else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            Code::DependencyCycle,
            FileId(file),
            first.span,
            format!("dependency cycle: {} -> {}", names.join(" -> "), names[0]),
        )
        .with_label("this declaration depends on itself");
        for node in &component[1..] {
            if let Some(name) = item_of(*node).name() {
                diagnostic =
                    diagnostic.with_secondary(FileId(node.0), name.span, "part of the cycle");
            }
        }
        diagnostics.push(diagnostic.with_help("compute one of them from other values"));
    }
    diagnostics
}

struct Checker<'p> {
    scope: &'p Scope,
    schema: &'p ProviderSchema,
    diagnostics: Vec<Diagnostic>,
    file: FileId,
    /// Local names: parameters, module-level bindings, loop variables.
    locals: Vec<Vec<String>>,
}

impl Checker<'_> {
    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Import(_) => {}
            ItemKind::Let(decl) => {
                if let Some(ty) = &decl.ty {
                    self.type_expr(ty);
                }
                self.expr(&decl.value);
            }
            ItemKind::Fn(decl) => {
                self.duplicates(decl.params.iter().map(|param| &param.name), "parameter");
                self.params(&decl.params);
                self.type_expr(&decl.result);
                self.locals
                    .push(decl.params.iter().map(|p| p.name.name.clone()).collect());
                self.expr(&decl.body);
                self.locals.pop();
            }
            ItemKind::Enum(decl) => {
                self.duplicates(decl.variants.iter().map(|variant| &variant.name), "variant");
            }
            ItemKind::Type(decl) => {
                self.duplicates(decl.fields.iter().map(|field| &field.name), "field");
                self.params(&decl.fields);
            }
            ItemKind::Module(decl) => self.module(decl),
            ItemKind::Env(decl) => {
                self.name(&decl.module, "a module");
                for field in &decl.fields {
                    self.expr(&field.value);
                }
            }
        }
    }

    fn params(&mut self, params: &[FieldDecl]) {
        for param in params {
            self.type_expr(&param.ty);
            if let Some(default) = &param.default {
                self.expr(default);
            }
        }
    }

    /// Reports every name declared again after its first declaration in one scope.
    fn duplicates<'i>(&mut self, names: impl Iterator<Item = &'i Ident>, what: &str) {
        let mut first: BTreeMap<&str, &Ident> = BTreeMap::new();
        for name in names {
            match first.get(name.name.as_str()) {
                Some(earlier) => self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        self.file,
                        name.span,
                        format!("{what} `{}` is declared twice", name.name),
                    )
                    .with_label("declared again here")
                    .with_secondary(self.file, earlier.span, "first declared here")
                    .with_help("rename or remove one of them"),
                ),
                None => {
                    first.insert(&name.name, name);
                }
            }
        }
    }

    fn module(&mut self, decl: &ModuleDecl) {
        self.locals
            .push(decl.params.iter().map(|p| p.name.name.clone()).collect());
        self.params(&decl.params);
        let mut bindings: Vec<&Ident> = Vec::new();
        for stmt in &decl.body {
            match &stmt.kind {
                StmtKind::Let(let_decl) => bindings.push(&let_decl.name),
                StmtKind::Variable(variable) => bindings.push(&variable.name),
                _ => {}
            }
        }
        // A `let` may not reuse a parameter's name either.
        let params_and_bindings = decl
            .params
            .iter()
            .map(|param| &param.name)
            .chain(bindings.iter().copied());
        self.duplicates(params_and_bindings, "name");
        self.locals
            .push(bindings.iter().map(|b| b.name.clone()).collect());
        for stmt in &decl.body {
            self.stmt(stmt);
        }
        self.locals.pop();
        self.locals.pop();

        let graph = module_graph(&decl.body, &decl.params, |name| {
            self.schema.has_resource(name)
        });
        if let Err(cycles) = &graph.order {
            for cycle in cycles {
                self.cycle(&decl.body, cycle);
            }
        }
        let unused = decl
            .params
            .iter()
            .map(|param| (&param.name, "parameter"))
            .chain(decl.body.iter().filter_map(|stmt| match &stmt.kind {
                StmtKind::Let(let_decl) => Some((&let_decl.name, "let")),
                _ => None,
            }))
            .filter(|(name, _)| {
                !name.name.starts_with('_') && !graph.used_names.contains(&name.name)
            });
        for (name, what) in unused.collect::<Vec<_>>() {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnusedBinding,
                    self.file,
                    name.span,
                    format!(
                        "{what} `{}` of module `{}` is never used",
                        name.name, decl.name.name
                    ),
                )
                .with_help(format!("remove it, or name it `_{}` to keep it", name.name)),
            );
        }
    }

    fn cycle(&mut self, body: &[Stmt], cycle: &[usize]) {
        let names: Vec<String> = cycle
            .iter()
            .map(|&index| statement_label(&body[index]))
            .collect();
        let first = &body[cycle[0]];
        let mut diagnostic = Diagnostic::new(
            Code::DependencyCycle,
            self.file,
            statement_name_span(first),
            format!("dependency cycle: {} -> {}", names.join(" -> "), names[0]),
        )
        .with_label("this depends on itself through the others");
        for &index in &cycle[1..] {
            diagnostic = diagnostic.with_secondary(
                self.file,
                statement_name_span(&body[index]),
                "part of the cycle",
            );
        }
        self.diagnostics.push(
            diagnostic
                .with_help("Terraform cannot create these in any order; remove one reference"),
        );
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Let(decl) => {
                if let Some(ty) = &decl.ty {
                    self.type_expr(ty);
                }
                self.expr(&decl.value);
            }
            StmtKind::Resource(decl) | StmtKind::Data(decl) => {
                self.resource(decl, matches!(stmt.kind, StmtKind::Data(_)))
            }
            StmtKind::Provider(config) | StmtKind::Backend(config) => {
                self.block_exprs(&config.body)
            }
            StmtKind::For(for_stmt) => {
                self.expr(&for_stmt.iterable);
                let mut names = vec![for_stmt.var.name.clone()];
                names.extend(for_stmt.index.iter().map(|index| index.name.clone()));
                self.locals.push(names);
                self.nested_body(&for_stmt.body);
                self.locals.pop();
            }
            StmtKind::If(if_stmt) => {
                self.expr(&if_stmt.condition);
                self.locals.push(Vec::new());
                self.nested_body(&if_stmt.body);
                self.locals.pop();
            }
            StmtKind::Assert(assert) => {
                self.expr(&assert.condition);
                self.expr(&assert.message);
            }
            StmtKind::Output(output) => self.expr(&output.value),
            StmtKind::Variable(variable) => {
                self.type_expr(&variable.ty);
                if let Some(default) = &variable.default {
                    self.expr(default);
                }
            }
        }
    }

    /// A `for` or `if` body: each `let` is visible to the statements after it.
    fn nested_body(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.stmt(stmt);
            match &stmt.kind {
                StmtKind::Let(decl) => self.bind(&decl.name.name),
                StmtKind::Variable(decl) => self.bind(&decl.name.name),
                _ => {}
            }
        }
    }

    fn bind(&mut self, name: &str) {
        if let Some(scope) = self.locals.last_mut() {
            scope.push(name.to_string());
        }
    }

    fn resource(&mut self, decl: &ResourceDecl, data: bool) {
        if let ResourceName::Template(expr) = &decl.name {
            self.expr(expr);
        }
        self.block_exprs(&decl.body);
        let type_name = &decl.type_name;
        let schema = if data {
            self.schema.data_source(&type_name.name)
        } else {
            self.schema.resource(&type_name.name)
        };
        let Some(schema) = schema else {
            let suggestion = if data {
                self.schema.suggest_data_source(&type_name.name)
            } else {
                self.schema.suggest_resource(&type_name.name)
            };
            let kind = if data { "data source" } else { "resource" };
            let mut diagnostic = Diagnostic::new(
                Code::UnknownResourceType,
                self.file,
                type_name.span,
                format!("the AWS provider has no {kind} type `{}`", type_name.name),
            );
            if let Some(found) = suggestion {
                diagnostic = diagnostic.with_suggestion(found);
            }
            self.diagnostics.push(diagnostic);
            return;
        };
        self.block_schema(&decl.body, schema, &type_name.name, decl.name.span(), true);
    }

    /// Checks the names of a block's entries against its schema, and recurses into
    /// nested blocks.
    fn block_schema(
        &mut self,
        block: &Block,
        schema: &BlockSchema,
        owner: &str,
        owner_span: Span,
        top: bool,
    ) {
        let written: Vec<WrittenItem<'_>> = block
            .entries
            .iter()
            .filter(|entry| !(top && META_ARGUMENTS.contains(&entry.name().name.as_str())))
            .map(|entry| match entry {
                BlockEntry::Attribute { name, .. } => WrittenItem::attribute(&name.name),
                BlockEntry::Block { name, .. } => WrittenItem::block(&name.name),
            })
            .collect();
        for problem in schema.check_block(&written) {
            // The first block too many, or else the first entry of that name.
            let skip = match &problem {
                BlockProblem::TooManyBlocks { max, .. } => usize::try_from(*max).unwrap_or(0),
                _ => 0,
            };
            let span = block
                .entries
                .iter()
                .filter(|entry| entry.name().name == problem.name())
                .nth(skip)
                .map_or(owner_span, |entry| entry.name().span);
            let diagnostic = match problem {
                // A nested block may be given as a record or a list of records; the
                // evaluator checks the value's shape.
                BlockProblem::BlockWrittenAsAttribute { .. } => continue,
                BlockProblem::UnknownArgument { name, suggestion } => {
                    let diagnostic = Diagnostic::new(
                        Code::UnknownArgument,
                        self.file,
                        span,
                        format!("`{owner}` has no argument `{name}`"),
                    );
                    match suggestion {
                        Some(found) => diagnostic.with_suggestion(&found),
                        None => diagnostic,
                    }
                }
                BlockProblem::ComputedOnly { name } => Diagnostic::new(
                    Code::UnknownArgument,
                    self.file,
                    span,
                    format!("`{name}` of `{owner}` is computed by the provider and cannot be set"),
                )
                .with_help("remove it; read it as an attribute instead"),
                BlockProblem::MissingRequired { name } => {
                    let is_block = schema.block(&name).is_some();
                    let example = if is_block {
                        format!("{name} {{ ... }}")
                    } else {
                        format!("{name} = ...")
                    };
                    Diagnostic::new(
                        Code::MissingArgument,
                        self.file,
                        owner_span,
                        format!("`{owner}` requires `{name}`"),
                    )
                    .with_label(format!("`{name}` is missing"))
                    .with_help(format!("add `{example}`"))
                }
                BlockProblem::AttributeWrittenAsBlock { name } => Diagnostic::new(
                    Code::BlockShape,
                    self.file,
                    span,
                    format!("`{name}` is an argument, not a nested block"),
                )
                .with_help(format!("write `{name} = {{ ... }}`")),
                BlockProblem::TooManyBlocks { name, max } => Diagnostic::new(
                    Code::BlockShape,
                    self.file,
                    span,
                    format!("`{owner}` takes at most {max} `{name}` block(s)"),
                ),
                BlockProblem::TooFewBlocks { name, min } => Diagnostic::new(
                    Code::BlockShape,
                    self.file,
                    span,
                    format!("`{owner}` needs at least {min} `{name}` blocks"),
                ),
            };
            self.diagnostics.push(diagnostic);
        }
        for entry in &block.entries {
            if let BlockEntry::Block { name, body } = entry {
                if let Some(nested) = schema.block(&name.name) {
                    self.block_schema(body, &nested.block, &name.name, name.span, false);
                }
            }
        }
    }

    fn block_exprs(&mut self, block: &Block) {
        for entry in &block.entries {
            match entry {
                BlockEntry::Attribute { name, value } => {
                    // `ignore_changes` names attributes, and `depends_on` resources.
                    if name.name != "ignore_changes" {
                        self.expr(value);
                    }
                }
                BlockEntry::Block { body, .. } => self.block_exprs(body),
            }
        }
    }

    fn type_expr(&mut self, ty: &TypeExpr) {
        for arg in &ty.args {
            self.type_expr(arg);
        }
        let name = &ty.name.name;
        if BUILTIN_TYPES.contains(&name.as_str()) {
            return;
        }
        let is_type = |kind| matches!(kind, DeclKind::Type | DeclKind::Enum);
        if self.scope.kind_of(name).is_some_and(is_type) {
            return;
        }
        let mut candidates: Vec<&str> = BUILTIN_TYPES.to_vec();
        candidates.extend(
            self.scope
                .names()
                .filter(|(_, declared)| is_type(declared.kind))
                .map(|(name, _)| name),
        );
        let mut diagnostic = Diagnostic::new(
            Code::UnknownType,
            self.file,
            ty.name.span,
            format!("cannot find type `{name}`"),
        );
        if let Some(found) = suggest(name, candidates) {
            diagnostic = diagnostic.with_suggestion(found);
        }
        self.diagnostics.push(diagnostic);
    }

    fn is_local(&self, name: &str) -> bool {
        self.locals
            .iter()
            .any(|scope| scope.iter().any(|local| local == name))
    }

    /// Reports `ident` unless it names a local, a top-level declaration or the variant of
    /// the one visible enum that has it.
    fn name(&mut self, ident: &Ident, expected: &str) {
        let name = ident.name.as_str();
        if self.is_local(name)
            || self.scope.get(name).is_some()
            || self.scope.enum_of_variant(name).is_some()
            || self.scope.is_broken(name)
        {
            return;
        }
        let enums: Vec<&str> = self.scope.enums_of_variant(name).collect();
        if enums.len() > 1 {
            let qualified: Vec<String> = enums.iter().map(|e| format!("`{e}.{name}`")).collect();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnknownName,
                    self.file,
                    ident.span,
                    format!("`{name}` is a variant of several enums"),
                )
                .with_label(format!("`{name}` could be {}", qualified.join(" or ")))
                .with_help(format!("name the enum: {}", qualified.join(" or "))),
            );
            return;
        }
        let mut candidates: Vec<String> = self.locals.iter().flatten().cloned().collect();
        for (visible, declared) in self.scope.names() {
            candidates.push(visible.to_string());
            candidates.extend(declared.variants.iter().cloned());
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnknownName,
            self.file,
            ident.span,
            format!("cannot find `{name}` in this scope"),
        )
        .with_label(format!("expected {expected}"));
        if let Some(found) = suggest(name, candidates.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_suggestion(found);
        }
        self.diagnostics.push(diagnostic);
    }

    fn is_resource_type(&self, name: &str) -> bool {
        !self.is_local(name) && self.scope.get(name).is_none() && self.schema.has_resource(name)
    }

    fn children(&mut self, expr: &Expr) {
        for child in expr.children() {
            self.expr(child);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Name(ident) => self.name(ident, "a value"),
            ExprKind::DataType(ident) => {
                if !self.schema.has_data_source(&ident.name) {
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownResourceType,
                        self.file,
                        ident.span,
                        format!("the AWS provider has no data source type `{}`", ident.name),
                    );
                    if let Some(found) = self.schema.suggest_data_source(&ident.name) {
                        diagnostic = diagnostic.with_help(format!("did you mean `{found}`?"));
                    }
                    self.diagnostics.push(diagnostic);
                }
            }
            ExprKind::Field { target, .. } => match &target.kind {
                ExprKind::Name(type_name) if self.is_resource_type(&type_name.name) => {}
                ExprKind::Name(enum_name)
                    if self.scope.kind_of(&enum_name.name) == Some(DeclKind::Enum) => {}
                _ => self.expr(target),
            },
            ExprKind::Index { target, index } => {
                match &target.kind {
                    ExprKind::Name(type_name) if self.is_resource_type(&type_name.name) => {}
                    _ => self.expr(target),
                }
                self.expr(index);
            }
            ExprKind::Construct { name, .. } => {
                self.name(name, "a record type or a module");
                self.children(expr);
            }
            ExprKind::Call { function, .. } => {
                let known = BUILTINS.iter().any(|builtin| builtin.name == function.name)
                    || self.scope.kind_of(&function.name) == Some(DeclKind::Fn);
                if !known {
                    let diagnostic = unknown_function(self.scope, self.file, function);
                    self.diagnostics.push(diagnostic);
                }
                self.children(expr);
            }
            ExprKind::Comprehension {
                var,
                index,
                iterable,
                body,
                filter,
            } => {
                self.expr(iterable);
                let mut names = vec![var.name.clone()];
                names.extend(index.iter().map(|index| index.name.clone()));
                self.locals.push(names);
                self.expr(body);
                if let Some(filter) = filter {
                    self.expr(filter);
                }
                self.locals.pop();
            }
            _ => self.children(expr),
        }
    }
}

/// "There is no function", with the nearest built-in or `fn` as a suggestion.
pub(crate) fn unknown_function(scope: &Scope, file: FileId, function: &Ident) -> Diagnostic {
    let functions = scope
        .names()
        .filter(|(_, declared)| declared.kind == DeclKind::Fn)
        .map(|(name, _)| name);
    let names = BUILTINS.iter().map(|builtin| builtin.name).chain(functions);
    let mut diagnostic = Diagnostic::new(
        Code::UnknownFunction,
        file,
        function.span,
        format!("there is no function `{}`", function.name),
    );
    if let Some(found) = suggest(&function.name, names) {
        diagnostic = diagnostic.with_suggestion(found);
    }
    diagnostic
}

fn statement_label(stmt: &Stmt) -> String {
    match &stmt.kind {
        StmtKind::Let(decl) => decl.name.name.clone(),
        StmtKind::Variable(decl) => format!("var.{}", decl.name.name),
        StmtKind::Resource(decl) | StmtKind::Data(decl) => {
            let prefix = if matches!(stmt.kind, StmtKind::Data(_)) {
                "data."
            } else {
                ""
            };
            match &decl.name {
                ResourceName::Plain(name) => {
                    format!("{prefix}{}.{}", decl.type_name.name, name.name)
                }
                ResourceName::Template(_) => format!("{prefix}{}[...]", decl.type_name.name),
            }
        }
        StmtKind::Output(output) => format!("output {}", output.name.name),
        StmtKind::For(_) => "for loop".into(),
        StmtKind::If(_) => "if block".into(),
        StmtKind::Assert(_) => "assert".into(),
        StmtKind::Provider(config) => format!("provider {}", config.name.name),
        StmtKind::Backend(config) => format!("backend {}", config.name.name),
    }
}

fn statement_name_span(stmt: &Stmt) -> Span {
    match &stmt.kind {
        StmtKind::Let(decl) => decl.name.span,
        StmtKind::Variable(decl) => decl.name.span,
        StmtKind::Resource(decl) | StmtKind::Data(decl) => decl.name.span(),
        StmtKind::Output(output) => output.name.span,
        _ => stmt.span,
    }
}
