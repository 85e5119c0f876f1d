//! Completion: the cursor's context comes from the text (`context`), the candidates from
//! the program (declarations, their parameters and fields, enum variants), the provider
//! schema (resource types and their arguments) and the built-in tables (functions,
//! units, keywords).

use std::path::Path;

use super::context::{
    cursor_context, ChainPart, Expected, LocalKind, LocalTy, Owner, Position, TextLocal,
};
use super::resolve::{expr_text, Resolver};
use super::types::{members, parse_type_text, ty_of_type_expr, type_text, MemberKind, Ty};
use super::{Analysis, CompletionItem, CompletionKind, Completions};
use crate::diagnostics::FileId;
use crate::eval::{BUILTINS, BUILTIN_TYPES};
use crate::program::{ItemRef, STDLIB_PREFIX};
use crate::schema::BlockSchema;
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind, FieldDecl, Ident, ItemKind};

const ITEM_KEYWORDS: &[&str] = &["import", "let", "fn", "enum", "type", "module", "env"];
const STATEMENT_KEYWORDS: &[&str] = &[
    "let", "resource", "data", "provider", "backend", "for", "if", "assert", "output", "variable",
];
const VALUE_KEYWORDS: &[&str] = &["true", "false", "null", "if", "match"];
/// Units, with what each means.
const UNITS: &[(&str, &str)] = &[
    ("vcpu", "CPU: 1 vcpu = 1024 CPU units"),
    (
        "GB",
        "memory: 1 GB = 1024 MiB, as the Fargate tables count it",
    ),
    ("MB", "memory: 1 MB = 1 MiB, as the Fargate tables count it"),
    ("MiB", "memory, in mebibytes"),
    ("GiB", "memory, in gibibytes"),
    ("days", "a duration in days"),
    ("%", "a percentage"),
];
/// Terraform meta-arguments allowed in every resource block.
const META_ARGUMENTS: &[(&str, &str)] = &[
    ("depends_on", "resources this one waits for"),
    ("lifecycle", "block"),
];
/// More resource types than this are cut, and the client asked to ask again.
const MAX_RESOURCE_TYPES: usize = 200;

pub(crate) fn completions(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Completions {
    let text = analysis.program.file(file).text.clone();
    let context = cursor_context(&text, offset);
    let replace = Span::new(context.replace.0, context.replace.1);
    let mut builder = Builder {
        analysis,
        file,
        replace,
        items: Vec::new(),
        incomplete: false,
        locals: &context.locals,
        resources: &context.resources,
    };
    match &context.position {
        Position::Nothing => {}
        Position::ImportPath { typed } => builder.import_paths(typed),
        Position::TopLevel => builder.keywords(ITEM_KEYWORDS),
        Position::Statement => builder.keywords(STATEMENT_KEYWORDS),
        Position::ResourceType { data } => builder.resource_types(*data, &context.prefix),
        Position::ModuleName => builder.visible(|kind| matches!(kind, ItemKind::Module(_)), "1"),
        Position::TypeName => builder.type_names(),
        Position::Keys { owner, set } => builder.keys(owner, set),
        Position::Value { expected } => {
            let expected = builder.expected_ty(expected);
            builder.values(&expected, context.in_module);
        }
        Position::AfterDot { chain } => builder.after_dot(chain),
        Position::Unit => builder.units(),
    }
    let mut items = builder.items;
    let incomplete = builder.incomplete;
    items.sort_by(|a, b| {
        a.sort_text
            .cmp(&b.sort_text)
            .then_with(|| a.label.cmp(&b.label))
    });
    items.dedup_by(|a, b| a.label == b.label);
    Completions { items, incomplete }
}

struct Builder<'a, 'c> {
    analysis: &'c Analysis<'a>,
    file: FileId,
    replace: Span,
    items: Vec<CompletionItem>,
    incomplete: bool,
    locals: &'c [TextLocal],
    resources: &'c [(bool, String, String)],
}

impl<'a> Builder<'a, '_> {
    fn push(
        &mut self,
        label: impl Into<String>,
        kind: CompletionKind,
        detail: Option<String>,
        documentation: Option<String>,
        rank: &str,
    ) -> &mut CompletionItem {
        let label = label.into();
        self.items.push(CompletionItem {
            sort_text: format!("{rank}{label}"),
            label,
            kind,
            detail,
            documentation,
            insert_text: None,
            replace: self.replace,
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    fn keywords(&mut self, keywords: &[&str]) {
        for keyword in keywords {
            self.push(*keyword, CompletionKind::Keyword, None, None, "1");
        }
    }

    fn import_paths(&mut self, typed: &str) {
        let here = &self.analysis.program.file(self.file).path;
        let dir = Path::new(here)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut seen = Vec::new();
        for known in self.analysis.known_files {
            if known == here || known.starts_with(STDLIB_PREFIX) {
                continue;
            }
            let Some(relative) = relative_path(&dir, Path::new(known)) else {
                continue;
            };
            if !relative.starts_with(typed) && !typed.is_empty() && !relative.contains(typed) {
                continue;
            }
            if seen.contains(&relative) {
                continue;
            }
            seen.push(relative.clone());
            self.push(
                relative,
                CompletionKind::File,
                Some("file".into()),
                None,
                "1",
            );
        }
    }

    fn resource_types(&mut self, data: bool, prefix: &str) {
        let schema = self.analysis.schema;
        let names: Vec<&str> = if data {
            schema.data_source_names().collect()
        } else {
            schema.resource_type_names().collect()
        };
        let matching: Vec<&str> = names
            .into_iter()
            .filter(|name| prefix.is_empty() || name.starts_with(prefix) || name.contains(prefix))
            .collect();
        self.incomplete = matching.len() > MAX_RESOURCE_TYPES;
        let detail = if data { "data source" } else { "resource type" };
        // Prefix matches first, so that `aws_s3` lists the S3 resources before others.
        let (mut first, rest): (Vec<&str>, Vec<&str>) = matching
            .into_iter()
            .partition(|name| name.starts_with(prefix));
        first.extend(rest);
        for (rank, name) in first.into_iter().take(MAX_RESOURCE_TYPES).enumerate() {
            let rank = format!("{rank:04}");
            self.push(
                name,
                CompletionKind::ResourceType,
                Some(detail.into()),
                None,
                &rank,
            );
        }
    }

    /// Top-level declarations visible from the file whose kind passes `filter`.
    fn visible(&mut self, filter: impl Fn(&ItemKind) -> bool, rank: &str) {
        let program = self.analysis.program;
        for (name, item_ref) in program.visible_names(self.file) {
            let item = program.item(item_ref);
            if !filter(&item.kind) {
                continue;
            }
            let (kind, detail) = item_summary(program, item_ref);
            self.push(name, kind, Some(detail), item.doc.clone(), rank);
        }
    }

    fn type_names(&mut self) {
        for name in BUILTIN_TYPES {
            self.push(
                *name,
                CompletionKind::Type,
                Some("built-in type".into()),
                None,
                "2",
            );
        }
        self.visible(
            |kind| matches!(kind, ItemKind::Type(_) | ItemKind::Enum(_)),
            "1",
        );
    }

    fn units(&mut self) {
        for (unit, meaning) in UNITS {
            self.push(
                *unit,
                CompletionKind::Unit,
                Some((*meaning).into()),
                None,
                "1",
            );
        }
    }

    // ---------------------------------------------------------------- keys

    fn keys(&mut self, owner: &Owner, set: &[String]) {
        match owner {
            Owner::Env { module } => {
                let params = self.module_params(module);
                for (param, file) in params {
                    // The blueprint learns the environment's name by itself.
                    if param.name.name == crate::eval::ENVIRONMENT_PARAM {
                        continue;
                    }
                    self.field_key(param, file, set);
                }
            }
            Owner::Construct { name } => {
                for (field, file) in self.declared_fields(name) {
                    self.field_key(field, file, set);
                }
            }
            Owner::Record { expected } => {
                let ty = self.expected_ty(expected);
                if let Ty::Record(item) = ty {
                    if let ItemKind::Type(decl) = &self.analysis.program.item(item).kind {
                        for field in &decl.fields {
                            self.field_key(field, item.file, set);
                        }
                    }
                }
            }
            Owner::Resource {
                data,
                type_name,
                path,
            } => {
                let Some(block) = self.schema_block(*data, type_name, path) else {
                    return;
                };
                self.schema_keys(block, set);
                if path.is_empty() && !data {
                    for (name, meaning) in META_ARGUMENTS {
                        if !set.iter().any(|s| s == name) {
                            self.push(
                                *name,
                                CompletionKind::Keyword,
                                Some((*meaning).into()),
                                None,
                                "3",
                            );
                        }
                    }
                }
            }
            Owner::Provider => {
                if let Some(block) = self.analysis.schema.provider_config() {
                    self.schema_keys(block, set);
                }
            }
            Owner::Backend => {}
        }
    }

    fn field_key(&mut self, field: &FieldDecl, file: FileId, set: &[String]) {
        let _ = file;
        let name = &field.name.name;
        if set.iter().any(|s| s == name) {
            return;
        }
        let required = field.default.is_none() && !field.ty.optional;
        let mut documentation = field.doc.clone().unwrap_or_default();
        if let Some(default) = &field.default {
            if !documentation.is_empty() {
                documentation.push_str("\n\n");
            }
            documentation.push_str(&format!("Default: `{}`", expr_text(default)));
        }
        let rank = if required { "0" } else { "1" };
        let item = self.push(
            name.clone(),
            CompletionKind::Field,
            Some(type_text(&field.ty)),
            (!documentation.is_empty()).then_some(documentation),
            rank,
        );
        item.insert_text = Some(format!("{name} = "));
    }

    fn schema_keys(&mut self, block: &BlockSchema, set: &[String]) {
        for (name, attribute) in block.arguments() {
            if set.iter().any(|s| s == name) || attribute.deprecated {
                continue;
            }
            let need = if attribute.required {
                "required"
            } else {
                "optional"
            };
            let rank = if attribute.required { "0" } else { "1" };
            let item = self.push(
                name,
                CompletionKind::Property,
                Some(format!("{} ({need})", attribute.ty)),
                attribute.description.clone(),
                rank,
            );
            item.insert_text = Some(format!("{name} = "));
        }
        for (name, nested) in &block.blocks {
            if set.iter().any(|s| s == name) && nested.effective_max_items() == 1 {
                continue;
            }
            let need = if nested.min_items > 0 {
                "required"
            } else {
                "optional"
            };
            let rank = if nested.min_items > 0 { "0" } else { "2" };
            self.push(
                name.clone(),
                CompletionKind::Property,
                Some(format!("block ({need})")),
                nested.block.description.clone(),
                rank,
            );
        }
    }

    fn schema_block(
        &self,
        data: bool,
        type_name: &str,
        path: &[String],
    ) -> Option<&'a BlockSchema> {
        let schema = self.analysis.schema;
        let mut block = if data {
            schema.data_source(type_name)?
        } else {
            schema.resource(type_name)?
        };
        for name in path {
            block = &block.block(name)?.block;
        }
        Some(block)
    }

    /// The parameters of module `name`, with the file declaring them.
    fn module_params(&self, name: &str) -> Vec<(&'a FieldDecl, FileId)> {
        let program = self.analysis.program;
        match program.lookup(self.file, name) {
            Some(item) => match &program.item(item).kind {
                ItemKind::Module(decl) => decl.params.iter().map(|p| (p, item.file)).collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    /// The fields of record type `name`, or the parameters of module `name`.
    fn declared_fields(&self, name: &str) -> Vec<(&'a FieldDecl, FileId)> {
        let program = self.analysis.program;
        match program.lookup(self.file, name) {
            Some(item) => match &program.item(item).kind {
                ItemKind::Module(decl) => decl.params.iter().map(|p| (p, item.file)).collect(),
                ItemKind::Type(decl) => decl.fields.iter().map(|f| (f, item.file)).collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    // ---------------------------------------------------------------- values

    /// The type `expected` describes.
    fn expected_ty(&self, expected: &Expected) -> Ty {
        let program = self.analysis.program;
        match expected {
            Expected::None => Ty::Unknown,
            Expected::Annotation(text) => match parse_type_text(text) {
                Some(ty) => ty_of_type_expr(program, self.file, &ty),
                None => Ty::Unknown,
            },
            Expected::Element(inner) => self.expected_ty(inner).element(),
            Expected::Key { owner, key } => {
                let fields = match owner {
                    Owner::Env { module } => self.module_params(module),
                    Owner::Construct { name } => self.declared_fields(name),
                    Owner::Record { expected } => match self.expected_ty(expected) {
                        Ty::Record(item) => match &program.item(item).kind {
                            ItemKind::Type(decl) => {
                                decl.fields.iter().map(|f| (f, item.file)).collect()
                            }
                            _ => Vec::new(),
                        },
                        Ty::Map(element) => return *element,
                        _ => Vec::new(),
                    },
                    Owner::Resource { .. } | Owner::Provider | Owner::Backend => Vec::new(),
                };
                fields
                    .into_iter()
                    .find(|(field, _)| field.name.name == *key)
                    .map_or(Ty::Unknown, |(field, file)| {
                        ty_of_type_expr(program, file, &field.ty)
                    })
            }
            Expected::Argument {
                function,
                index,
                name,
            } => match program.lookup(self.file, function) {
                Some(item) => match &program.item(item).kind {
                    ItemKind::Fn(decl) => {
                        let param = match name {
                            Some(name) => decl.params.iter().find(|p| p.name.name == *name),
                            None => decl.params.get(*index),
                        };
                        param.map_or(Ty::Unknown, |p| ty_of_type_expr(program, item.file, &p.ty))
                    }
                    _ => Ty::Unknown,
                },
                None => Ty::Unknown,
            },
        }
    }

    fn values(&mut self, expected: &Ty, in_module: bool) {
        let program = self.analysis.program;
        // The expected enum's variants come first; otherwise every visible variant.
        let expected_enum = match expected {
            Ty::Enum(item) => Some(*item),
            _ => None,
        };
        for (_, item_ref) in program.visible_names(self.file) {
            let ItemKind::Enum(decl) = &program.item(item_ref).kind else {
                continue;
            };
            if expected_enum.is_some_and(|wanted| wanted != item_ref) {
                continue;
            }
            let rank = if expected_enum.is_some() { "0" } else { "2" };
            for variant in &decl.variants {
                // A variant of several visible enums is written with its enum's name.
                let bare = &variant.name.name;
                let label = if program.enum_of_variant(self.file, bare) == Some(item_ref) {
                    bare.clone()
                } else {
                    format!("{}.{bare}", decl.name.name)
                };
                self.push(
                    label,
                    CompletionKind::Variant,
                    Some(decl.name.name.clone()),
                    variant.doc.clone(),
                    rank,
                );
            }
        }
        if expected_enum.is_some() {
            return;
        }
        for local in self.locals {
            let (kind, detail) = match local.kind {
                LocalKind::Param => (CompletionKind::Parameter, "parameter"),
                LocalKind::Let => (CompletionKind::Variable, "let"),
                LocalKind::LoopVar => (CompletionKind::Variable, "loop variable"),
                LocalKind::Variable => (CompletionKind::Variable, "variable"),
            };
            let detail = match &local.ty {
                LocalTy::Written(ty) if !ty.is_empty() => format!("{detail}: {ty}"),
                LocalTy::Construct(name) => format!("{detail}: {name}"),
                _ => detail.to_string(),
            };
            self.push(local.name.clone(), kind, Some(detail), None, "0");
        }
        let expected_name = expected.display(program);
        for (name, item_ref) in program.visible_names(self.file) {
            let item = program.item(item_ref);
            let rank = match &item.kind {
                ItemKind::Env(_) | ItemKind::Import(_) => continue,
                // Functions returning the expected type come first: `capacity = fixed(`.
                ItemKind::Fn(decl)
                    if expected_name.as_deref() == Some(&type_text(&decl.result)) =>
                {
                    "0"
                }
                ItemKind::Let(_) => "1",
                _ => "2",
            };
            let (kind, detail) = item_summary(program, item_ref);
            self.push(name, kind, Some(detail), item.doc.clone(), rank);
        }
        for builtin in BUILTINS {
            self.push(
                builtin.name,
                CompletionKind::Function,
                Some(builtin.signature.to_string()),
                Some(builtin.doc.to_string()),
                "3",
            );
        }
        self.keywords_ranked(VALUE_KEYWORDS, "4");
        if in_module {
            let mut types: Vec<(bool, &str)> = self
                .resources
                .iter()
                .map(|(data, type_name, _)| (*data, type_name.as_str()))
                .filter(|(data, _)| !data)
                .collect();
            types.dedup();
            for (_, type_name) in types {
                self.push(
                    type_name,
                    CompletionKind::ResourceType,
                    Some("resource type".into()),
                    None,
                    "3",
                );
            }
            if self.resources.iter().any(|(data, _, _)| *data) {
                self.keywords_ranked(&["data"], "4");
            }
        }
    }

    fn keywords_ranked(&mut self, keywords: &[&str], rank: &str) {
        for keyword in keywords {
            self.push(*keyword, CompletionKind::Keyword, None, None, rank);
        }
    }

    // ---------------------------------------------------------------- after a dot

    fn after_dot(&mut self, chain: &[ChainPart]) {
        let Some(ChainPart::Name(root)) = chain.first() else {
            return;
        };
        let mut ty = self.root_ty(root);
        for part in &chain[1..] {
            ty = match (part, ty) {
                (ChainPart::Index, ty) => ty.element(),
                (ChainPart::Name(_), Ty::DataRoot) => match part {
                    ChainPart::Name(name) => Ty::ResourceType {
                        data: true,
                        type_name: name.clone(),
                    },
                    ChainPart::Index => Ty::Unknown,
                },
                (ChainPart::Name(_), Ty::ResourceType { data, type_name }) => {
                    Ty::Resource { data, type_name }
                }
                (ChainPart::Name(name), ty) => super::types::member(
                    self.analysis.program,
                    self.analysis.schema,
                    &ty,
                    None,
                    0,
                    name,
                )
                .map_or(Ty::Unknown, |member| member.ty),
            };
        }
        match &ty {
            Ty::ResourceType { data, type_name } => {
                let names: Vec<String> = self
                    .resources
                    .iter()
                    .filter(|(d, t, n)| d == data && t == type_name && !n.is_empty())
                    .map(|(_, _, name)| name.clone())
                    .collect();
                for name in names {
                    self.push(
                        name,
                        CompletionKind::Variable,
                        Some(type_name.clone()),
                        None,
                        "1",
                    );
                }
            }
            Ty::DataRoot => {
                let types: Vec<String> = self
                    .resources
                    .iter()
                    .filter(|(data, _, _)| *data)
                    .map(|(_, type_name, _)| type_name.clone())
                    .collect();
                for type_name in types {
                    self.push(
                        type_name,
                        CompletionKind::ResourceType,
                        Some("data source".into()),
                        None,
                        "1",
                    );
                }
            }
            ty => {
                for member in self.members_of(ty) {
                    let kind = match member.kind {
                        MemberKind::Field => CompletionKind::Field,
                        MemberKind::Output => CompletionKind::Property,
                        MemberKind::Attribute => CompletionKind::Property,
                        MemberKind::Variant => CompletionKind::Variant,
                        MemberKind::ResourceName => CompletionKind::Variable,
                        MemberKind::DataSourceType => CompletionKind::ResourceType,
                    };
                    self.push(member.name, kind, member.ty_text, member.doc, "1");
                }
            }
        }
    }

    fn members_of(&self, ty: &Ty) -> Vec<super::types::Member> {
        members(self.analysis.program, self.analysis.schema, ty, None, 0)
    }

    /// The type of the first name of a `.` chain.
    fn root_ty(&self, root: &str) -> Ty {
        let program = self.analysis.program;
        if root == "data" {
            return Ty::DataRoot;
        }
        if let Some(local) = self.locals.iter().find(|local| local.name == root) {
            return match &local.ty {
                LocalTy::Unknown => Ty::Unknown,
                LocalTy::Written(text) => match parse_type_text(text) {
                    Some(ty) => ty_of_type_expr(program, self.file, &ty),
                    None => Ty::Unknown,
                },
                LocalTy::Construct(name) | LocalTy::Call(name) => {
                    self.resolver_ty(name, matches!(local.ty, LocalTy::Call(_)))
                }
            };
        }
        if self
            .resources
            .iter()
            .any(|(data, type_name, _)| !data && type_name == root)
            || (program.lookup(self.file, root).is_none()
                && self.analysis.schema.has_resource(root))
        {
            return Ty::ResourceType {
                data: false,
                type_name: root.to_string(),
            };
        }
        let name = Expr {
            kind: ExprKind::Name(Ident {
                name: root.to_string(),
                span: Span::default(),
            }),
            span: Span::default(),
        };
        Resolver::new(program, self.analysis.schema, self.file).ty_of(&name)
    }

    /// The type of `NAME { ... }` or `NAME(...)`.
    fn resolver_ty(&self, name: &str, call: bool) -> Ty {
        let ident = Ident {
            name: name.to_string(),
            span: Span::default(),
        };
        let kind = if call {
            ExprKind::Call {
                function: ident,
                args: Vec::new(),
            }
        } else {
            ExprKind::Construct {
                name: ident,
                fields: Vec::new(),
            }
        };
        let expr = Expr {
            kind,
            span: Span::default(),
        };
        Resolver::new(self.analysis.program, self.analysis.schema, self.file).ty_of(&expr)
    }
}

/// The completion kind and detail line of a top-level declaration.
fn item_summary(program: &crate::program::Program, item_ref: ItemRef) -> (CompletionKind, String) {
    let item = program.item(item_ref);
    match &item.kind {
        ItemKind::Let(decl) => (
            CompletionKind::Variable,
            match &decl.ty {
                Some(ty) => format!("let: {}", type_text(ty)),
                None => "let".into(),
            },
        ),
        ItemKind::Fn(decl) => (
            CompletionKind::Function,
            format!(
                "fn({}): {}",
                decl.params
                    .iter()
                    .map(|p| format!("{}: {}", p.name.name, type_text(&p.ty)))
                    .collect::<Vec<_>>()
                    .join(", "),
                type_text(&decl.result)
            ),
        ),
        ItemKind::Enum(_) => (CompletionKind::Enum, "enum".into()),
        ItemKind::Type(_) => (CompletionKind::Type, "type".into()),
        ItemKind::Module(_) => (CompletionKind::Module, "module".into()),
        ItemKind::Env(_) => (CompletionKind::Variable, "env".into()),
        ItemKind::Import(_) => (CompletionKind::File, "import".into()),
    }
}

/// `target` relative to the folder `dir`, with `/` separators, when it is inside it or
/// one level up.
fn relative_path(dir: &Path, target: &Path) -> Option<String> {
    if let Ok(inside) = target.strip_prefix(dir) {
        return Some(inside.to_string_lossy().replace('\\', "/"));
    }
    let parent = dir.parent()?;
    let inside = target.strip_prefix(parent).ok()?;
    Some(format!(
        "../{}",
        inside.to_string_lossy().replace('\\', "/")
    ))
}
