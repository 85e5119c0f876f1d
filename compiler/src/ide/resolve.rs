//! Name resolution for editor features: every name written in a file, with the
//! declaration it refers to. Go to definition, find references, rename and hover all
//! read this index, so they agree on what a name means.
//!
//! Scopes follow the checker's: a file sees its own declarations, its imports' and the
//! standard library's (the earlier import before a later one: `Program::lookup`); a
//! module body sees its parameters and every `let` of the body; loops and comprehensions
//! add their variables; a `let` of a `for` or `if` body is seen after it in that body; a
//! bare variant is that of the one visible enum that has it, except in a `match` arm.
//! Beyond the checker, a field after `.` is resolved through the type of what precedes
//! it, and the keys of an environment, a record or a module instance are resolved to the
//! parameters or fields they set.

use crate::diagnostics::FileId;
use crate::eval::BUILTINS;
use crate::program::{normalize, ItemRef, Program};
use crate::schema::ProviderSchema;
use crate::source::Span;
use crate::syntax::ast::*;

use super::types::{member, ty_of_type_expr, type_text, MemberKind, Ty};

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Def {
    /// A declaration in a source file, identified by the span of its name.
    Source {
        file: FileId,
        span: Span,
        kind: DeclKind,
    },
    Builtin(&'static str),
    BuiltinType(String),
    ResourceType {
        data: bool,
        type_name: String,
    },
    /// An argument, attribute or nested block of a resource type (`path` from the
    /// resource body inwards).
    Attribute {
        data: bool,
        type_name: String,
        path: Vec<String>,
    },
    File(FileId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DeclKind {
    Let,
    Fn,
    Enum,
    Variant,
    Type,
    Field,
    Module,
    Param,
    FnParam,
    Env,
    ModuleLet,
    LoopVar,
    Output,
    Variable,
    Resource,
    DataSource,
}

impl DeclKind {
    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Let => "let",
            DeclKind::Fn => "function",
            DeclKind::Enum => "enum",
            DeclKind::Variant => "enum variant",
            DeclKind::Type => "record type",
            DeclKind::Field => "field",
            DeclKind::Module => "module",
            DeclKind::Param => "module parameter",
            DeclKind::FnParam => "function parameter",
            DeclKind::Env => "environment",
            DeclKind::ModuleLet => "let",
            DeclKind::LoopVar => "loop variable",
            DeclKind::Output => "module output",
            DeclKind::Variable => "Terraform variable",
            DeclKind::Resource => "resource",
            DeclKind::DataSource => "data source",
        }
    }
}

/// One name written in a file.
#[derive(Debug, Clone)]
pub(crate) struct Occurrence {
    pub span: Span,
    pub def: Def,
    /// This occurrence is the declaration itself.
    pub is_decl: bool,
}

/// What hover shows about a declaration.
#[derive(Debug, Clone)]
pub(crate) struct DeclInfo {
    pub span: Span,
    /// The declaration as it would be written, in the language.
    pub signature: String,
    pub doc: Option<String>,
    /// The module, type, enum or function it belongs to.
    pub container: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct FileIndex {
    pub occurrences: Vec<Occurrence>,
    pub decls: Vec<DeclInfo>,
}

impl FileIndex {
    /// The innermost name at `offset` (a cursor right after a name is on it).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|occurrence| occurrence.span.contains(offset))
            .min_by_key(|occurrence| occurrence.span.end - occurrence.span.start)
    }

    pub fn decl(&self, span: Span) -> Option<&DeclInfo> {
        self.decls.iter().find(|decl| decl.span == span)
    }
}

/// Resolves the names of the item of `file` whose span holds `span` (a declaration's
/// name), which is all a hover needs to describe that declaration.
pub(crate) fn index_item_at(
    program: &Program,
    schema: &ProviderSchema,
    file: FileId,
    span: Span,
) -> FileIndex {
    let mut resolver = Resolver::new(program, schema, file);
    resolver.declarations_only = true;
    let items = &program.file(file).parsed.file.items;
    if let Some((index, item)) = items
        .iter()
        .enumerate()
        .find(|(_, item)| item.span.start <= span.start && span.end <= item.span.end)
    {
        resolver.item(ItemRef { file, index }, item);
    }
    FileIndex {
        occurrences: resolver.occurrences,
        decls: resolver.decls,
    }
}

/// Resolves every name of `file`.
pub(crate) fn index_file(program: &Program, schema: &ProviderSchema, file: FileId) -> FileIndex {
    let mut resolver = Resolver::new(program, schema, file);
    for (index, item) in program.file(file).parsed.file.items.iter().enumerate() {
        resolver.item(ItemRef { file, index }, item);
    }
    FileIndex {
        occurrences: resolver.occurrences,
        decls: resolver.decls,
    }
}

/// Type inference gives up past this depth (modules whose outputs refer to each other).
const MAX_DEPTH: usize = 6;

#[derive(Debug, Clone)]
struct Local {
    name: String,
    def: Def,
    ty: Ty,
}

pub(crate) struct Resolver<'a> {
    program: &'a Program,
    schema: &'a ProviderSchema,
    file: FileId,
    scopes: Vec<Vec<Local>>,
    module: Option<&'a ModuleDecl>,
    /// The name of the item being walked, for `DeclInfo::container`.
    container: Option<String>,
    occurrences: Vec<Occurrence>,
    decls: Vec<DeclInfo>,
    depth: usize,
    /// Record declarations only, without resolving the expressions around them.
    declarations_only: bool,
}

impl<'a> Resolver<'a> {
    pub fn new(program: &'a Program, schema: &'a ProviderSchema, file: FileId) -> Self {
        Resolver {
            program,
            schema,
            file,
            scopes: Vec::new(),
            module: None,
            container: None,
            occurrences: Vec::new(),
            decls: Vec::new(),
            depth: 0,
            declarations_only: false,
        }
    }

    /// A resolver for type inference `depth` steps away from the expression asked about.
    pub fn with_depth(
        program: &'a Program,
        schema: &'a ProviderSchema,
        file: FileId,
        depth: usize,
    ) -> Self {
        let mut resolver = Resolver::new(program, schema, file);
        resolver.depth = depth;
        resolver
    }

    fn nested(&self, file: FileId) -> Resolver<'a> {
        Resolver::with_depth(self.program, self.schema, file, self.depth + 1)
    }

    fn text(&self, span: Span) -> &'a str {
        self.program
            .file(self.file)
            .text
            .get(span.range())
            .unwrap_or("")
    }

    fn occurrence(&mut self, span: Span, def: Def) {
        self.occurrences.push(Occurrence {
            span,
            def,
            is_decl: false,
        });
    }

    fn declare(
        &mut self,
        name: &Ident,
        kind: DeclKind,
        signature: String,
        doc: &Option<String>,
    ) -> Def {
        let def = Def::Source {
            file: self.file,
            span: name.span,
            kind,
        };
        self.occurrences.push(Occurrence {
            span: name.span,
            def: def.clone(),
            is_decl: true,
        });
        self.decls.push(DeclInfo {
            span: name.span,
            signature,
            doc: doc.clone(),
            container: self.container.clone(),
        });
        def
    }

    fn item_def(&self, item: ItemRef) -> Option<Def> {
        let found = self.program.item(item);
        let name = found.name()?;
        let kind = match found.kind {
            ItemKind::Import(_) => return None,
            ItemKind::Let(_) => DeclKind::Let,
            ItemKind::Fn(_) => DeclKind::Fn,
            ItemKind::Enum(_) => DeclKind::Enum,
            ItemKind::Type(_) => DeclKind::Type,
            ItemKind::Module(_) => DeclKind::Module,
            ItemKind::Env(_) => DeclKind::Env,
        };
        Some(Def::Source {
            file: item.file,
            span: name.span,
            kind,
        })
    }

    // ------------------------------------------------------------------ items

    fn item(&mut self, item_ref: ItemRef, item: &'a Item) {
        self.container = None;
        match &item.kind {
            ItemKind::Import(import) => {
                let base = std::path::Path::new(&self.program.file(self.file).path)
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default();
                let target = normalize(&base.join(&import.path));
                if let Some(target) = self.program.file_by_path(&target) {
                    self.occurrence(import.path_span, Def::File(target));
                }
            }
            ItemKind::Let(decl) => {
                let signature = format!("let {}", self.let_signature(decl));
                self.declare(&decl.name, DeclKind::Let, signature, &item.doc);
                let expected = self.type_annotation(decl.ty.as_ref());
                self.expr(&decl.value, &expected);
            }
            ItemKind::Fn(decl) => {
                let signature = format!(
                    "fn {}({}): {}",
                    decl.name.name,
                    params_text(&decl.params, ", "),
                    type_text(&decl.result)
                );
                self.declare(&decl.name, DeclKind::Fn, signature, &item.doc);
                self.container = Some(format!("fn {}", decl.name.name));
                let scope = self.params(&decl.params, DeclKind::FnParam);
                self.scopes.push(scope);
                for param in &decl.params {
                    if let Some(default) = &param.default {
                        let ty = ty_of_type_expr(self.program, self.file, &param.ty);
                        self.expr(default, &ty);
                    }
                }
                let expected = self.type_expr(&decl.result);
                self.expr(&decl.body, &expected);
                self.scopes.pop();
            }
            ItemKind::Enum(decl) => {
                let variants: Vec<&str> =
                    decl.variants.iter().map(|v| v.name.name.as_str()).collect();
                let signature = format!("enum {} {{ {} }}", decl.name.name, variants.join(", "));
                self.declare(&decl.name, DeclKind::Enum, signature, &item.doc);
                self.container = Some(format!("enum {}", decl.name.name));
                for variant in &decl.variants {
                    let signature = format!("{}.{}", decl.name.name, variant.name.name);
                    self.declare(&variant.name, DeclKind::Variant, signature, &variant.doc);
                }
            }
            ItemKind::Type(decl) => {
                let signature = format!(
                    "type {} {{\n{}\n}}",
                    decl.name.name,
                    params_text(&decl.fields, "\n")
                        .lines()
                        .map(|line| format!("  {line}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                self.declare(&decl.name, DeclKind::Type, signature, &item.doc);
                self.container = Some(format!("type {}", decl.name.name));
                let _ = self.params(&decl.fields, DeclKind::Field);
                for field in &decl.fields {
                    if let Some(default) = &field.default {
                        let ty = ty_of_type_expr(self.program, self.file, &field.ty);
                        self.expr(default, &ty);
                    }
                }
            }
            ItemKind::Module(decl) => {
                let signature = if decl.params.is_empty() {
                    format!("module {}()", decl.name.name)
                } else {
                    format!(
                        "module {}(\n{}\n)",
                        decl.name.name,
                        decl.params
                            .iter()
                            .map(|p| format!("  {},", param_text(p)))
                            .collect::<Vec<_>>()
                            .join("\n")
                    )
                };
                self.declare(&decl.name, DeclKind::Module, signature, &item.doc);
                self.container = Some(format!("module {}", decl.name.name));
                self.module(decl);
            }
            ItemKind::Env(decl) => {
                let signature = format!("env {} = {}", decl.name.name, decl.module.name);
                self.declare(&decl.name, DeclKind::Env, signature, &item.doc);
                let module = self.program.lookup(self.file, &decl.module.name);
                if let Some(def) = module.and_then(|m| self.item_def(m)) {
                    self.occurrence(decl.module.span, def);
                }
                let target = module.map_or(Ty::Unknown, |m| match self.program.item(m).kind {
                    ItemKind::Module(_) => Ty::Module(m),
                    _ => Ty::Unknown,
                });
                self.field_inits(&decl.fields, &target);
            }
        }
        let _ = item_ref;
    }

    fn let_signature(&self, decl: &LetDecl) -> String {
        let value = self.text(decl.value.span);
        let ty = match &decl.ty {
            Some(ty) => Some(type_text(ty)),
            None => self.ty_of(&decl.value).display(self.program),
        };
        let short_value = value.lines().count() == 1 && value.len() <= 60;
        match (ty, short_value) {
            (Some(ty), true) if decl.ty.is_some() => {
                format!("{}: {ty} = {value}", decl.name.name)
            }
            (_, true) => format!("{} = {value}", decl.name.name),
            (Some(ty), false) => format!("{}: {ty}", decl.name.name),
            (None, false) => decl.name.name.clone(),
        }
    }

    fn type_annotation(&mut self, ty: Option<&TypeExpr>) -> Ty {
        match ty {
            Some(ty) => self.type_expr(ty),
            None => Ty::Unknown,
        }
    }

    /// Declares parameters or fields and resolves their types; returns them as locals.
    fn params(&mut self, params: &'a [FieldDecl], kind: DeclKind) -> Vec<Local> {
        let mut locals = Vec::new();
        for param in params {
            let def = self.declare(&param.name, kind, param_text(param), &param.doc);
            let ty = self.type_expr(&param.ty);
            locals.push(Local {
                name: param.name.name.clone(),
                def,
                ty,
            });
        }
        locals
    }

    fn type_expr(&mut self, ty: &TypeExpr) -> Ty {
        for arg in &ty.args {
            self.type_expr(arg);
        }
        let name = &ty.name;
        if crate::eval::BUILTIN_TYPES.contains(&name.name.as_str()) {
            self.occurrence(name.span, Def::BuiltinType(name.name.clone()));
        } else if let Some(item) = self.program.lookup(self.file, &name.name) {
            if let Some(def) = self.item_def(item) {
                self.occurrence(name.span, def);
            }
        }
        ty_of_type_expr(self.program, self.file, ty)
    }

    // ------------------------------------------------------------------ modules

    /// Puts a module's parameters and body-level `let`s in scope (for type inference
    /// from outside the module, without declaring anything).
    pub fn enter_module_scope(&mut self, decl: &'a ModuleDecl) {
        self.module = Some(decl);
        let params: Vec<Local> = decl
            .params
            .iter()
            .map(|param| Local {
                name: param.name.name.clone(),
                def: Def::Source {
                    file: self.file,
                    span: param.name.span,
                    kind: DeclKind::Param,
                },
                ty: ty_of_type_expr(self.program, self.file, &param.ty),
            })
            .collect();
        self.scopes.push(params);
        let bindings = self.body_bindings(&decl.body);
        self.scopes.push(bindings);
        self.infer_binding_types(&decl.body);
    }

    fn module(&mut self, decl: &'a ModuleDecl) {
        self.module = Some(decl);
        let params = self.params(&decl.params, DeclKind::Param);
        self.scopes.push(params);
        for param in &decl.params {
            if let Some(default) = &param.default {
                let ty = ty_of_type_expr(self.program, self.file, &param.ty);
                self.expr(default, &ty);
            }
        }
        let bindings = self.body_bindings(&decl.body);
        self.scopes.push(bindings);
        self.infer_binding_types(&decl.body);
        self.stmts(&decl.body);
        self.scopes.pop();
        self.scopes.pop();
        self.module = None;
    }

    /// The `let`s and variables of a body, as locals whose types are not known yet.
    fn body_bindings(&self, body: &[Stmt]) -> Vec<Local> {
        body.iter()
            .filter_map(|stmt| match &stmt.kind {
                StmtKind::Let(decl) => Some((&decl.name, DeclKind::ModuleLet)),
                StmtKind::Variable(decl) => Some((&decl.name, DeclKind::Variable)),
                _ => None,
            })
            .map(|(name, kind)| Local {
                name: name.name.clone(),
                def: Def::Source {
                    file: self.file,
                    span: name.span,
                    kind,
                },
                ty: Ty::Unknown,
            })
            .collect()
    }

    /// Infers the types of the innermost scope's bindings from their values, twice so
    /// that a `let` may use one declared after it.
    fn infer_binding_types(&mut self, body: &[Stmt]) {
        if self.declarations_only {
            return;
        }
        for _ in 0..2 {
            for stmt in body {
                let Some((name, ty)) = self.binding_ty(stmt) else {
                    continue;
                };
                if let Some(local) = self
                    .scopes
                    .last_mut()
                    .and_then(|scope| scope.iter_mut().find(|l| l.name == name.name))
                {
                    local.ty = ty;
                }
            }
        }
    }

    /// The name a `let` or variable binds, and its type as the names in scope give it.
    fn binding_ty<'s>(&self, stmt: &'s Stmt) -> Option<(&'s Ident, Ty)> {
        match &stmt.kind {
            StmtKind::Let(decl) => Some((
                &decl.name,
                match &decl.ty {
                    Some(ty) => ty_of_type_expr(self.program, self.file, ty),
                    None => self.ty_of(&decl.value),
                },
            )),
            StmtKind::Variable(decl) => Some((
                &decl.name,
                ty_of_type_expr(self.program, self.file, &decl.ty),
            )),
            _ => None,
        }
    }

    fn stmts(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        match &stmt.kind {
            StmtKind::Let(decl) => {
                let signature = format!("let {}", self.let_signature(decl));
                self.declare(&decl.name, DeclKind::ModuleLet, signature, &stmt.doc);
                let expected = self.type_annotation(decl.ty.as_ref());
                self.expr(&decl.value, &expected);
            }
            StmtKind::Resource(decl) | StmtKind::Data(decl) => {
                let data = matches!(stmt.kind, StmtKind::Data(_));
                self.occurrence(
                    decl.type_name.span,
                    Def::ResourceType {
                        data,
                        type_name: decl.type_name.name.clone(),
                    },
                );
                match &decl.name {
                    ResourceName::Plain(name) => {
                        let kind = if data {
                            DeclKind::DataSource
                        } else {
                            DeclKind::Resource
                        };
                        let signature = format!(
                            "{} {} {}",
                            if data { "data" } else { "resource" },
                            decl.type_name.name,
                            name.name
                        );
                        self.declare(name, kind, signature, &stmt.doc);
                    }
                    ResourceName::Template(expr) => self.expr(expr, &Ty::Unknown),
                }
                self.block(&decl.body, data, &decl.type_name.name, &mut Vec::new());
            }
            StmtKind::Provider(config) | StmtKind::Backend(config) => {
                self.block_values(&config.body);
            }
            StmtKind::For(for_stmt) => {
                self.expr(&for_stmt.iterable, &Ty::Unknown);
                let element = self.ty_of(&for_stmt.iterable).element();
                let mut scope = Vec::new();
                let signature = format!(
                    "for {} in {}",
                    for_stmt.var.name,
                    self.text(for_stmt.iterable.span)
                );
                let def = self.declare(&for_stmt.var, DeclKind::LoopVar, signature, &None);
                scope.push(Local {
                    name: for_stmt.var.name.clone(),
                    def,
                    ty: element,
                });
                if let Some(index) = &for_stmt.index {
                    let def = self.declare(
                        index,
                        DeclKind::LoopVar,
                        format!("{}: Int", index.name),
                        &None,
                    );
                    scope.push(Local {
                        name: index.name.clone(),
                        def,
                        ty: Ty::Builtin("Int".into()),
                    });
                }
                self.scopes.push(scope);
                self.nested_body(&for_stmt.body);
                self.scopes.pop();
            }
            StmtKind::If(if_stmt) => {
                self.expr(&if_stmt.condition, &Ty::Unknown);
                self.scopes.push(Vec::new());
                self.nested_body(&if_stmt.body);
                self.scopes.pop();
            }
            StmtKind::Assert(assert) => {
                self.expr(&assert.condition, &Ty::Unknown);
                self.expr(&assert.message, &Ty::Unknown);
            }
            StmtKind::Output(output) => {
                let value = self.text(output.value.span);
                let signature = if value.lines().count() == 1 && value.len() <= 60 {
                    format!("output {} = {value}", output.name.name)
                } else {
                    format!("output {}", output.name.name)
                };
                self.declare(&output.name, DeclKind::Output, signature, &stmt.doc);
                self.expr(&output.value, &Ty::Unknown);
            }
            StmtKind::Variable(variable) => {
                let mut signature = format!(
                    "variable {}: {}",
                    variable.name.name,
                    type_text(&variable.ty)
                );
                if let Some(default) = &variable.default {
                    signature.push_str(&format!(" = {}", self.text(default.span)));
                }
                self.declare(&variable.name, DeclKind::Variable, signature, &stmt.doc);
                self.type_expr(&variable.ty);
                if let Some(default) = &variable.default {
                    self.expr(default, &Ty::Unknown);
                }
            }
        }
    }

    /// A `for` or `if` body: each `let` joins the innermost scope after its statement, as
    /// the checker and the evaluator read these bodies in order.
    fn nested_body(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            self.stmt(stmt);
            let Some(mut local) = self.body_bindings(std::slice::from_ref(stmt)).pop() else {
                continue;
            };
            if !self.declarations_only {
                local.ty = self.binding_ty(stmt).map_or(Ty::Unknown, |(_, ty)| ty);
            }
            if let Some(scope) = self.scopes.last_mut() {
                scope.push(local);
            }
        }
    }

    fn block(&mut self, block: &'a Block, data: bool, type_name: &str, path: &mut Vec<String>) {
        for entry in &block.entries {
            match entry {
                BlockEntry::Attribute { name, value } => {
                    let meta = path.is_empty() && name.name == "depends_on";
                    if !meta {
                        let mut attribute_path = path.clone();
                        attribute_path.push(name.name.clone());
                        self.occurrence(
                            name.span,
                            Def::Attribute {
                                data,
                                type_name: type_name.to_string(),
                                path: attribute_path,
                            },
                        );
                    }
                    if name.name != "ignore_changes" {
                        self.expr(value, &Ty::Unknown);
                    }
                }
                BlockEntry::Block { name, body } => {
                    if path.is_empty() && name.name == "lifecycle" {
                        self.block_values(body);
                        continue;
                    }
                    path.push(name.name.clone());
                    self.occurrence(
                        name.span,
                        Def::Attribute {
                            data,
                            type_name: type_name.to_string(),
                            path: path.clone(),
                        },
                    );
                    self.block(body, data, type_name, path);
                    path.pop();
                }
            }
        }
    }

    fn block_values(&mut self, block: &'a Block) {
        for entry in &block.entries {
            match entry {
                BlockEntry::Attribute { name, value } if name.name != "ignore_changes" => {
                    self.expr(value, &Ty::Unknown)
                }
                BlockEntry::Attribute { .. } => {}
                BlockEntry::Block { body, .. } => self.block_values(body),
            }
        }
    }

    // ------------------------------------------------------------------ expressions

    fn local(&self, name: &str) -> Option<&Local> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|local| local.name == name)
    }

    /// A name in a resource reference: a resource type, unless something in scope has
    /// that name.
    fn is_resource_type(&self, name: &str, data: bool) -> bool {
        self.local(name).is_none()
            && self.program.lookup(self.file, name).is_none()
            && if data {
                self.schema.has_data_source(name)
            } else {
                self.schema.has_resource(name)
            }
    }

    /// The resource `type_name.name` declared in the enclosing module.
    fn resource_decl(&self, data: bool, type_name: &str, name: &str) -> Option<Def> {
        let module = self.module?;
        let mut found = Vec::new();
        super::types::collect_resources(&module.body, &mut found);
        found
            .into_iter()
            .find_map(|(is_data, decl, _)| match &decl.name {
                ResourceName::Plain(ident)
                    if is_data == data
                        && decl.type_name.name == type_name
                        && ident.name == name =>
                {
                    Some(Def::Source {
                        file: self.file,
                        span: ident.span,
                        kind: if data {
                            DeclKind::DataSource
                        } else {
                            DeclKind::Resource
                        },
                    })
                }
                _ => None,
            })
    }

    /// The variant a bare `name` means: of `scrutinee`'s enum in a `match` arm, else of
    /// the one visible enum that has it (none when several have it: the checker reports
    /// it, whatever type is expected).
    fn variant(&self, name: &str, scrutinee: &Ty) -> Option<Def> {
        let variant_of = |item: ItemRef| -> Option<Def> {
            let ItemKind::Enum(decl) = &self.program.item(item).kind else {
                return None;
            };
            decl.variants
                .iter()
                .find(|variant| variant.name.name == name)
                .map(|variant| Def::Source {
                    file: item.file,
                    span: variant.name.span,
                    kind: DeclKind::Variant,
                })
        };
        if let Ty::Enum(item) = scrutinee {
            if let Some(found) = variant_of(*item) {
                return Some(found);
            }
        }
        self.program
            .enum_of_variant(self.file, name)
            .and_then(variant_of)
    }

    fn resolve_name(&self, name: &str) -> Option<Def> {
        if let Some(local) = self.local(name) {
            return Some(local.def.clone());
        }
        if let Some(item) = self.program.lookup(self.file, name) {
            return self.item_def(item);
        }
        self.variant(name, &Ty::Unknown)
    }

    fn expr(&mut self, expr: &'a Expr, expected: &Ty) {
        if self.declarations_only {
            return;
        }
        match &expr.kind {
            ExprKind::Name(ident) => {
                if let Some(def) = self.resolve_name(&ident.name) {
                    self.occurrence(ident.span, def);
                }
            }
            ExprKind::DataType(ident) => self.occurrence(
                ident.span,
                Def::ResourceType {
                    data: true,
                    type_name: ident.name.clone(),
                },
            ),
            ExprKind::Field { target, field } => self.field(target, field),
            ExprKind::Index { target, index } => {
                match &target.kind {
                    ExprKind::Name(type_name) if self.is_resource_type(&type_name.name, false) => {
                        self.occurrence(
                            type_name.span,
                            Def::ResourceType {
                                data: false,
                                type_name: type_name.name.clone(),
                            },
                        );
                    }
                    _ => self.expr(target, &Ty::Unknown),
                }
                self.expr(index, &Ty::Unknown);
            }
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interpolation(inner) = part {
                        self.expr(inner, &Ty::Unknown);
                    }
                }
            }
            ExprKind::List(items) => {
                let element = expected.element();
                for item in items {
                    self.expr(item, &element);
                }
            }
            ExprKind::Record(fields) => self.field_inits(fields, expected),
            ExprKind::Construct { name, fields } => {
                let target = match self.program.lookup(self.file, &name.name) {
                    Some(item) => {
                        if let Some(def) = self.item_def(item) {
                            self.occurrence(name.span, def);
                        }
                        match self.program.item(item).kind {
                            ItemKind::Type(_) => Ty::Record(item),
                            ItemKind::Module(_) => Ty::Module(item),
                            _ => Ty::Unknown,
                        }
                    }
                    None => Ty::Unknown,
                };
                self.field_inits(fields, &target);
            }
            ExprKind::Call { function, args } => self.call(function, args),
            ExprKind::Unary { operand, .. } => self.expr(operand, &Ty::Unknown),
            ExprKind::Binary { left, right, .. }
            | ExprKind::Range {
                start: left,
                end: right,
            } => {
                self.expr(left, &Ty::Unknown);
                self.expr(right, &Ty::Unknown);
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                self.expr(condition, &Ty::Unknown);
                self.expr(then, expected);
                self.expr(otherwise, expected);
            }
            ExprKind::Match { scrutinee, arms } => {
                self.expr(scrutinee, &Ty::Unknown);
                let scrutinee_ty = self.ty_of(scrutinee);
                for arm in arms {
                    if let Some(pattern) = &arm.pattern {
                        if let Some(def) = self.variant(&pattern.name, &scrutinee_ty) {
                            self.occurrence(pattern.span, def);
                        }
                    }
                    self.expr(&arm.value, expected);
                }
            }
            ExprKind::Comprehension {
                var,
                index,
                iterable,
                body,
                filter,
            } => {
                self.expr(iterable, &Ty::Unknown);
                let element = self.ty_of(iterable).element();
                let mut scope = Vec::new();
                let signature = format!("for {} in {}", var.name, self.text(iterable.span));
                let def = self.declare(var, DeclKind::LoopVar, signature, &None);
                scope.push(Local {
                    name: var.name.clone(),
                    def,
                    ty: element,
                });
                if let Some(index) = index {
                    let def = self.declare(
                        index,
                        DeclKind::LoopVar,
                        format!("{}: Int", index.name),
                        &None,
                    );
                    scope.push(Local {
                        name: index.name.clone(),
                        def,
                        ty: Ty::Builtin("Int".into()),
                    });
                }
                self.scopes.push(scope);
                self.expr(body, &expected.element());
                if let Some(filter) = filter {
                    self.expr(filter, &Ty::Unknown);
                }
                self.scopes.pop();
            }
            ExprKind::Paren(inner) => self.expr(inner, expected),
            ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Number(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Cidr(_) => {}
        }
    }

    fn field(&mut self, target: &'a Expr, field: &Ident) {
        // `aws_vpc.main` and `data.aws_caller_identity.current`: a resource of this module.
        let resource = match &target.kind {
            ExprKind::Name(type_name) if self.is_resource_type(&type_name.name, false) => {
                Some((false, type_name))
            }
            ExprKind::DataType(type_name) => Some((true, type_name)),
            _ => None,
        };
        if let Some((data, type_name)) = resource {
            self.occurrence(
                type_name.span,
                Def::ResourceType {
                    data,
                    type_name: type_name.name.clone(),
                },
            );
            if let Some(def) = self.resource_decl(data, &type_name.name, &field.name) {
                self.occurrence(field.span, def);
            }
            return;
        }
        self.expr(target, &Ty::Unknown);
        let target_ty = self.ty_of(target);
        if let Some(def) = self.member_def(&target_ty, &field.name) {
            self.occurrence(field.span, def);
        }
    }

    /// What `.name` names on a value of type `ty`.
    fn member_def(&self, ty: &Ty, name: &str) -> Option<Def> {
        let module = self.module.map(|m| (self.file, m));
        let found = member(self.program, self.schema, ty, module, self.depth, name)?;
        Some(match (found.decl, found.kind) {
            (Some((file, span)), kind) => Def::Source {
                file,
                span,
                kind: match kind {
                    MemberKind::Field => match ty {
                        Ty::Module(_) => DeclKind::Param,
                        _ => DeclKind::Field,
                    },
                    MemberKind::Output => DeclKind::Output,
                    MemberKind::Variant => DeclKind::Variant,
                    MemberKind::ResourceName => DeclKind::Resource,
                    MemberKind::Attribute | MemberKind::DataSourceType => return None,
                },
            },
            (None, MemberKind::Attribute) => match ty {
                Ty::Resource { data, type_name } => Def::Attribute {
                    data: *data,
                    type_name: type_name.clone(),
                    path: vec![name.to_string()],
                },
                _ => return None,
            },
            (None, _) => return None,
        })
    }

    /// The keys of an environment, a record or a module instance, resolved to the
    /// parameters or fields of `target`; each value is resolved with the key's type.
    fn field_inits(&mut self, fields: &'a [FieldInit], target: &Ty) {
        let declared: Vec<(&FieldDecl, FileId)> = match target {
            Ty::Module(item) => match &self.program.item(*item).kind {
                ItemKind::Module(decl) => decl.params.iter().map(|p| (p, item.file)).collect(),
                _ => Vec::new(),
            },
            Ty::Record(item) => match &self.program.item(*item).kind {
                ItemKind::Type(decl) => decl.fields.iter().map(|f| (f, item.file)).collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let kind = if matches!(target, Ty::Module(_)) {
            DeclKind::Param
        } else {
            DeclKind::Field
        };
        for field in fields {
            let found = declared
                .iter()
                .find(|(decl, _)| decl.name.name == field.key.name);
            let expected = match found {
                Some((decl, file)) => {
                    self.occurrence(
                        field.key.span,
                        Def::Source {
                            file: *file,
                            span: decl.name.span,
                            kind,
                        },
                    );
                    ty_of_type_expr(self.program, *file, &decl.ty)
                }
                None => match target {
                    Ty::Map(element) => (**element).clone(),
                    _ => Ty::Unknown,
                },
            };
            self.expr(&field.value, &expected);
        }
    }

    fn call(&mut self, function: &'a Ident, args: &'a [Argument]) {
        let user_fn = self
            .program
            .lookup(self.file, &function.name)
            .filter(|item| matches!(self.program.item(*item).kind, ItemKind::Fn(_)));
        match user_fn {
            Some(item) => {
                if let Some(def) = self.item_def(item) {
                    self.occurrence(function.span, def);
                }
                let ItemKind::Fn(decl) = &self.program.item(item).kind else {
                    return;
                };
                for (at, arg) in args.iter().enumerate() {
                    let param = match &arg.name {
                        Some(name) => {
                            let param = decl.params.iter().find(|p| p.name.name == name.name);
                            if let Some(param) = param {
                                self.occurrence(
                                    name.span,
                                    Def::Source {
                                        file: item.file,
                                        span: param.name.span,
                                        kind: DeclKind::FnParam,
                                    },
                                );
                            }
                            param
                        }
                        None => decl.params.get(at),
                    };
                    let expected = param.map_or(Ty::Unknown, |p| {
                        ty_of_type_expr(self.program, item.file, &p.ty)
                    });
                    self.expr(&arg.value, &expected);
                }
            }
            None => {
                if let Some(builtin) = BUILTINS.iter().find(|b| b.name == function.name) {
                    self.occurrence(function.span, Def::Builtin(builtin.name));
                }
                for arg in args {
                    self.expr(&arg.value, &Ty::Unknown);
                }
            }
        }
    }

    // ------------------------------------------------------------------ types

    /// The type of an expression, as far as it can be seen without evaluating.
    pub fn ty_of(&self, expr: &Expr) -> Ty {
        if self.depth > MAX_DEPTH {
            return Ty::Unknown;
        }
        match &expr.kind {
            ExprKind::Name(ident) => {
                if let Some(local) = self.local(&ident.name) {
                    return local.ty.clone();
                }
                if let Some(item) = self.program.lookup(self.file, &ident.name) {
                    return match &self.program.item(item).kind {
                        ItemKind::Let(decl) => match &decl.ty {
                            Some(ty) => ty_of_type_expr(self.program, item.file, ty),
                            None => self.nested(item.file).ty_of(&decl.value),
                        },
                        ItemKind::Enum(_) => Ty::Enum(item),
                        _ => Ty::Unknown,
                    };
                }
                if self.module.is_some() && self.is_resource_type(&ident.name, false) {
                    return Ty::ResourceType {
                        data: false,
                        type_name: ident.name.clone(),
                    };
                }
                match self.variant(&ident.name, &Ty::Unknown) {
                    Some(Def::Source { file, span, .. }) => self.enum_of_variant(file, span),
                    _ => Ty::Unknown,
                }
            }
            ExprKind::DataType(ident) => Ty::ResourceType {
                data: true,
                type_name: ident.name.clone(),
            },
            ExprKind::Construct { name, .. } => match self.program.lookup(self.file, &name.name) {
                Some(item) => match self.program.item(item).kind {
                    ItemKind::Type(_) => Ty::Record(item),
                    ItemKind::Module(_) => Ty::Module(item),
                    _ => Ty::Unknown,
                },
                None => Ty::Unknown,
            },
            ExprKind::Call { function, .. } => match self.program.lookup(self.file, &function.name)
            {
                Some(item) => match &self.program.item(item).kind {
                    ItemKind::Fn(decl) => ty_of_type_expr(self.program, item.file, &decl.result),
                    _ => Ty::Unknown,
                },
                None => match function.name.as_str() {
                    "availability_zones" => Ty::List(Box::new(Ty::Builtin("Zone".into()))),
                    "cidrsubnet" => Ty::Builtin("Cidr".into()),
                    "take" | "concat" => Ty::Unknown,
                    _ => Ty::Unknown,
                },
            },
            ExprKind::Field { target, field } => {
                let target_ty = match &target.kind {
                    ExprKind::Name(type_name) if self.is_resource_type(&type_name.name, false) => {
                        Ty::ResourceType {
                            data: false,
                            type_name: type_name.name.clone(),
                        }
                    }
                    _ => self.ty_of(target),
                };
                match target_ty {
                    Ty::ResourceType { data, type_name } => Ty::Resource { data, type_name },
                    other => {
                        let module = self.module.map(|m| (self.file, m));
                        member(
                            self.program,
                            self.schema,
                            &other,
                            module,
                            self.depth,
                            &field.name,
                        )
                        .map_or(Ty::Unknown, |member| member.ty)
                    }
                }
            }
            ExprKind::Index { target, .. } => match &target.kind {
                ExprKind::Name(type_name) if self.is_resource_type(&type_name.name, false) => {
                    Ty::Resource {
                        data: false,
                        type_name: type_name.name.clone(),
                    }
                }
                _ => self.ty_of(target).element(),
            },
            ExprKind::List(items) => Ty::List(Box::new(
                items.first().map_or(Ty::Unknown, |first| self.ty_of(first)),
            )),
            ExprKind::Paren(inner) => self.ty_of(inner),
            ExprKind::If { then, .. } => self.ty_of(then),
            ExprKind::Match { arms, .. } => arms
                .first()
                .map_or(Ty::Unknown, |arm| self.ty_of(&arm.value)),
            ExprKind::Bool(_) => Ty::Builtin("Bool".into()),
            ExprKind::Number(number) if number.fract() == 0.0 => Ty::Builtin("Int".into()),
            ExprKind::Number(_) => Ty::Builtin("Number".into()),
            ExprKind::Str(_) => Ty::Builtin("String".into()),
            ExprKind::Cidr(_) => Ty::Builtin("Cidr".into()),
            ExprKind::Range { .. } => Ty::Builtin("Range".into()),
            ExprKind::Quantity { unit, .. } => Ty::Builtin(
                match unit {
                    Unit::Vcpu => "Cpu",
                    Unit::Megabytes | Unit::Gigabytes | Unit::Mebibytes | Unit::Gibibytes => {
                        "Memory"
                    }
                    Unit::Days => "Duration",
                    Unit::Percent => "Percent",
                }
                .into(),
            ),
            _ => Ty::Unknown,
        }
    }

    fn enum_of_variant(&self, file: FileId, span: Span) -> Ty {
        let items = &self.program.file(file).parsed.file.items;
        items
            .iter()
            .enumerate()
            .find_map(|(index, item)| match &item.kind {
                ItemKind::Enum(decl) if decl.variants.iter().any(|v| v.name.span == span) => {
                    Some(Ty::Enum(ItemRef { file, index }))
                }
                _ => None,
            })
            .unwrap_or(Ty::Unknown)
    }
}

/// `name: Type = default`, for signatures.
pub(crate) fn param_text(param: &FieldDecl) -> String {
    let mut text = format!("{}: {}", param.name.name, type_text(&param.ty));
    if let Some(default) = &param.default {
        text.push_str(" = ");
        text.push_str(&expr_text(default));
    }
    text
}

fn params_text(params: &[FieldDecl], separator: &str) -> String {
    params
        .iter()
        .map(param_text)
        .collect::<Vec<_>>()
        .join(separator)
}

/// A short rendering of a default value: literals as written, anything else elided.
pub(crate) fn expr_text(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Bool(value) => value.to_string(),
        ExprKind::Null => "null".into(),
        ExprKind::Number(number) => crate::eval::value::format_number(*number),
        ExprKind::Quantity { value, unit } => {
            let number = crate::eval::value::format_number(*value);
            match unit {
                Unit::Percent => format!("{number}%"),
                unit => format!("{number} {}", unit.suffix()),
            }
        }
        ExprKind::Cidr(cidr) => cidr.clone(),
        ExprKind::Str(parts) => match parts.as_slice() {
            [] => "\"\"".into(),
            [StrPart::Text(text)] => format!("{text:?}"),
            _ => "\"...\"".into(),
        },
        ExprKind::Name(ident) => ident.name.clone(),
        ExprKind::List(items) if items.is_empty() => "[]".into(),
        ExprKind::Record(fields) if fields.is_empty() => "{}".into(),
        ExprKind::Binary { op, left, right } => {
            format!("{} {} {}", expr_text(left), op.symbol(), expr_text(right))
        }
        _ => "...".into(),
    }
}
