//! What editor features know about the type of an expression: enough to list the
//! fields after a `.` (a record's fields, a module instance's outputs, a resource's
//! attributes) and the values a field expects (an enum's variants). It is a sketch of
//! the evaluator's types, computed without evaluating.

use crate::diagnostics::FileId;
use crate::eval::BUILTIN_TYPES;
use crate::program::{ItemRef, Program};
use crate::schema::{ProviderSchema, TfType};
use crate::source::Span;
use crate::syntax::ast::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ty {
    Unknown,
    /// `Int`, `String`, `Cidr`, `Zone`...
    Builtin(String),
    List(Box<Ty>),
    Map(Box<Ty>),
    /// A record of a declared `type`.
    Record(ItemRef),
    Enum(ItemRef),
    /// An instance of a module: its outputs are read with `.`.
    Module(ItemRef),
    /// A resource type used as a value (`aws_subnet`): `.name` picks a resource.
    ResourceType {
        data: bool,
        type_name: String,
    },
    /// One resource (`aws_vpc.main`): `.attribute` reads an attribute.
    Resource {
        data: bool,
        type_name: String,
    },
    /// `data`, before `.TYPE`.
    DataRoot,
}

impl Ty {
    /// The element type of a list or map.
    pub fn element(&self) -> Ty {
        match self {
            Ty::List(inner) | Ty::Map(inner) => (**inner).clone(),
            Ty::ResourceType { data, type_name } => Ty::Resource {
                data: *data,
                type_name: type_name.clone(),
            },
            Ty::Builtin(name) if name == "Range" || name == "Int" => Ty::Builtin("Int".into()),
            _ => Ty::Unknown,
        }
    }

    /// The type as the language writes it, when it has a name.
    pub fn display(&self, program: &Program) -> Option<String> {
        let name_of = |item: &ItemRef| program.item(*item).name().map(|n| n.name.clone());
        match self {
            Ty::Unknown | Ty::DataRoot => None,
            Ty::Builtin(name) => Some(name.clone()),
            Ty::List(inner) => Some(format!("List<{}>", inner.display(program)?)),
            Ty::Map(inner) => Some(format!("Map<{}>", inner.display(program)?)),
            Ty::Record(item) | Ty::Enum(item) => name_of(item),
            Ty::Module(item) => name_of(item).map(|name| format!("module {name}")),
            Ty::ResourceType { data, type_name } | Ty::Resource { data, type_name } => Some(
                format!("{}{type_name}", if *data { "data " } else { "resource " }),
            ),
        }
    }
}

/// The type named by a written type, seen from `file`.
pub(crate) fn ty_of_type_expr(program: &Program, file: FileId, ty: &TypeExpr) -> Ty {
    let args: Vec<Ty> = ty
        .args
        .iter()
        .map(|arg| ty_of_type_expr(program, file, arg))
        .collect();
    ty_of_type_name(program, file, &ty.name.name, args)
}

pub(crate) fn ty_of_type_name(program: &Program, file: FileId, name: &str, args: Vec<Ty>) -> Ty {
    let first = || Box::new(args.first().cloned().unwrap_or(Ty::Unknown));
    match name {
        "List" => return Ty::List(first()),
        "Map" => return Ty::Map(first()),
        _ => {}
    }
    if BUILTIN_TYPES.contains(&name) {
        return Ty::Builtin(name.to_string());
    }
    match program.lookup(file, name) {
        Some(item) => match program.item(item).kind {
            ItemKind::Type(_) => Ty::Record(item),
            ItemKind::Enum(_) => Ty::Enum(item),
            ItemKind::Module(_) => Ty::Module(item),
            _ => Ty::Unknown,
        },
        None => Ty::Unknown,
    }
}

/// The language's view of a Terraform attribute type.
fn ty_of_terraform(ty: &TfType) -> Ty {
    match ty {
        TfType::String => Ty::Builtin("String".into()),
        TfType::Number => Ty::Builtin("Number".into()),
        TfType::Bool => Ty::Builtin("Bool".into()),
        TfType::List(inner) | TfType::Set(inner) => Ty::List(Box::new(ty_of_terraform(inner))),
        TfType::Map(inner) => Ty::Map(Box::new(ty_of_terraform(inner))),
        TfType::Dynamic | TfType::Object(_) | TfType::Tuple(_) => Ty::Unknown,
    }
}

/// A written type as text: `List<Zone>`, `String?`.
pub(crate) fn type_text(ty: &TypeExpr) -> String {
    let mut text = ty.name.name.clone();
    if !ty.args.is_empty() {
        let args: Vec<String> = ty.args.iter().map(type_text).collect();
        text.push('<');
        text.push_str(&args.join(", "));
        text.push('>');
    }
    if ty.optional {
        text.push('?');
    }
    text
}

/// Parses a type written as text, for files that do not parse (`List<Zone>?`).
pub(crate) fn parse_type_text(text: &str) -> Option<TypeExpr> {
    fn parse(tokens: &[&str], at: &mut usize) -> Option<TypeExpr> {
        let name = *tokens.get(*at)?;
        if !name
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
        {
            return None;
        }
        *at += 1;
        let mut args = Vec::new();
        if tokens.get(*at) == Some(&"<") {
            *at += 1;
            loop {
                args.push(parse(tokens, at)?);
                match tokens.get(*at) {
                    Some(&",") => *at += 1,
                    Some(&">") => {
                        *at += 1;
                        break;
                    }
                    _ => break,
                }
            }
        }
        let optional = tokens.get(*at) == Some(&"?");
        if optional {
            *at += 1;
        }
        Some(TypeExpr {
            name: Ident {
                name: name.to_string(),
                span: Span::default(),
            },
            args,
            optional,
            span: Span::default(),
        })
    }
    let tokens: Vec<&str> = super::lexer::tokenize(text)
        .into_iter()
        .map(|token| token.text)
        .collect();
    parse(&tokens, &mut 0)
}

/// Something read with `.`: a record field, a module output, a resource attribute, an
/// enum variant, a resource name or a data source type.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub name: String,
    pub kind: MemberKind,
    /// The member's type as written (`List<String>`) or as the schema prints it.
    pub ty_text: Option<String>,
    pub doc: Option<String>,
    /// Where it is declared, when it is declared in a source file.
    pub decl: Option<(FileId, Span)>,
    pub ty: Ty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemberKind {
    Field,
    Output,
    Attribute,
    Variant,
    ResourceName,
    DataSourceType,
}

/// The members of a value of type `ty`. `module` is the module body the expression is
/// written in, which declares the resources `aws_vpc.` may name.
pub(crate) fn members<'p>(
    program: &'p Program,
    schema: &'p ProviderSchema,
    ty: &Ty,
    module: Option<(FileId, &'p ModuleDecl)>,
    depth: usize,
) -> Vec<Member> {
    members_named(program, schema, ty, module, depth, None)
}

/// The member `name` of a value of type `ty`.
pub(crate) fn member<'p>(
    program: &'p Program,
    schema: &'p ProviderSchema,
    ty: &Ty,
    module: Option<(FileId, &'p ModuleDecl)>,
    depth: usize,
    name: &str,
) -> Option<Member> {
    members_named(program, schema, ty, module, depth, Some(name))
        .into_iter()
        .find(|member| member.name == name)
}

/// The members, or only those named `only`: a module output's type is inferred from
/// its value, which is worth doing only for the one asked about.
fn members_named<'p>(
    program: &'p Program,
    schema: &'p ProviderSchema,
    ty: &Ty,
    module: Option<(FileId, &'p ModuleDecl)>,
    depth: usize,
    only: Option<&str>,
) -> Vec<Member> {
    match ty {
        Ty::Record(item) => {
            let ItemKind::Type(decl) = &program.item(*item).kind else {
                return Vec::new();
            };
            decl.fields
                .iter()
                .map(|field| Member {
                    name: field.name.name.clone(),
                    kind: MemberKind::Field,
                    ty_text: Some(type_text(&field.ty)),
                    doc: field.doc.clone(),
                    decl: Some((item.file, field.name.span)),
                    ty: ty_of_type_expr(program, item.file, &field.ty),
                })
                .collect()
        }
        Ty::Enum(item) => {
            let ItemKind::Enum(decl) = &program.item(*item).kind else {
                return Vec::new();
            };
            decl.variants
                .iter()
                .map(|variant| Member {
                    name: variant.name.name.clone(),
                    kind: MemberKind::Variant,
                    ty_text: Some(decl.name.name.clone()),
                    doc: variant.doc.clone(),
                    decl: Some((item.file, variant.name.span)),
                    ty: Ty::Enum(*item),
                })
                .collect()
        }
        Ty::Module(item) => {
            let ItemKind::Module(decl) = &program.item(*item).kind else {
                return Vec::new();
            };
            let mut outputs = Vec::new();
            collect_outputs(&decl.body, &mut outputs);
            outputs
                .into_iter()
                .filter(|(_, output)| only.is_none_or(|name| output.name.name == name))
                .map(|(doc, output)| {
                    let ty = output_ty(program, schema, item.file, decl, &output.value, depth);
                    Member {
                        name: output.name.name.clone(),
                        kind: MemberKind::Output,
                        ty_text: ty.display(program),
                        doc: doc.clone(),
                        decl: Some((item.file, output.name.span)),
                        ty,
                    }
                })
                .collect()
        }
        Ty::Resource { data, type_name } => {
            let block = if *data {
                schema.data_source(type_name)
            } else {
                schema.resource(type_name)
            };
            let Some(block) = block else {
                return Vec::new();
            };
            block
                .exported_attributes()
                .map(|(name, attribute)| Member {
                    name: name.to_string(),
                    kind: MemberKind::Attribute,
                    ty_text: Some(attribute.ty.to_string()),
                    doc: attribute.description.clone(),
                    decl: None,
                    ty: ty_of_terraform(&attribute.ty),
                })
                .collect()
        }
        Ty::ResourceType { data, type_name } => {
            let Some((file, module)) = module else {
                return Vec::new();
            };
            let mut found = Vec::new();
            collect_resources(&module.body, &mut found);
            let mut members: Vec<Member> = Vec::new();
            for (is_data, decl, doc) in found {
                let ResourceName::Plain(name) = &decl.name else {
                    continue;
                };
                if is_data != *data
                    || decl.type_name.name != *type_name
                    || members.iter().any(|m| m.name == name.name)
                {
                    continue;
                }
                members.push(Member {
                    name: name.name.clone(),
                    kind: MemberKind::ResourceName,
                    ty_text: Some(format!("{}{}", if *data { "data " } else { "" }, type_name)),
                    doc: doc.clone(),
                    decl: Some((file, name.span)),
                    ty: Ty::Resource {
                        data: *data,
                        type_name: type_name.clone(),
                    },
                });
            }
            members
        }
        Ty::DataRoot => {
            let Some((_, module)) = module else {
                return Vec::new();
            };
            let mut found = Vec::new();
            collect_resources(&module.body, &mut found);
            let mut members: Vec<Member> = Vec::new();
            for (is_data, decl, _) in found {
                if !is_data || members.iter().any(|m| m.name == decl.type_name.name) {
                    continue;
                }
                members.push(Member {
                    name: decl.type_name.name.clone(),
                    kind: MemberKind::DataSourceType,
                    ty_text: Some("data source".into()),
                    doc: None,
                    decl: None,
                    ty: Ty::ResourceType {
                        data: true,
                        type_name: decl.type_name.name.clone(),
                    },
                });
            }
            members
        }
        Ty::Unknown | Ty::Builtin(_) | Ty::List(_) | Ty::Map(_) => Vec::new(),
    }
}

/// Every `output` of a module body, in `for` and `if` bodies too, with its doc comment.
pub(crate) fn collect_outputs<'m>(
    body: &'m [Stmt],
    out: &mut Vec<(&'m Option<String>, &'m OutputDecl)>,
) {
    for stmt in body {
        match &stmt.kind {
            StmtKind::Output(output) => out.push((&stmt.doc, output)),
            StmtKind::For(for_stmt) => collect_outputs(&for_stmt.body, out),
            StmtKind::If(if_stmt) => collect_outputs(&if_stmt.body, out),
            _ => {}
        }
    }
}

/// Every resource and data source of a module body: (is data, declaration, doc).
pub(crate) fn collect_resources<'m>(
    body: &'m [Stmt],
    out: &mut Vec<(bool, &'m ResourceDecl, &'m Option<String>)>,
) {
    for stmt in body {
        match &stmt.kind {
            StmtKind::Resource(decl) => out.push((false, decl, &stmt.doc)),
            StmtKind::Data(decl) => out.push((true, decl, &stmt.doc)),
            StmtKind::For(for_stmt) => collect_resources(&for_stmt.body, out),
            StmtKind::If(if_stmt) => collect_resources(&if_stmt.body, out),
            _ => {}
        }
    }
}

/// The type of a module output's value, as far as it can be seen without evaluating:
/// a resource, a parameter, or a `let` bound to a module instance or a record.
fn output_ty<'p>(
    program: &'p Program,
    schema: &'p ProviderSchema,
    file: FileId,
    module: &'p ModuleDecl,
    value: &Expr,
    depth: usize,
) -> Ty {
    let mut resolver = super::resolve::Resolver::with_depth(program, schema, file, depth + 1);
    resolver.enter_module_scope(module);
    resolver.ty_of(value)
}
