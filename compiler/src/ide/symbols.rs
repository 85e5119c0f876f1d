//! Document symbols: the items of a file and, nested, what each declares (a module's
//! parameters and statements, a type's fields, an enum's variants, an environment's
//! fields), for the editor's outline.

use crate::source::Span;
use crate::syntax::ast::*;

use super::resolve::expr_text;
use super::types::type_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Import,
    Let,
    Function,
    Enum,
    Variant,
    Type,
    Field,
    Module,
    Parameter,
    Env,
    Resource,
    DataSource,
    Output,
    Variable,
    Provider,
    Backend,
    Loop,
    Condition,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub detail: Option<String>,
    /// The whole declaration.
    pub span: Span,
    /// Its name.
    pub selection_span: Span,
    pub children: Vec<Symbol>,
}

fn symbol(
    name: impl Into<String>,
    kind: SymbolKind,
    detail: Option<String>,
    span: Span,
    selection_span: Span,
) -> Symbol {
    Symbol {
        name: name.into(),
        kind,
        detail,
        // Editors require the name inside the whole.
        span: span.to(selection_span),
        selection_span,
        children: Vec::new(),
    }
}

/// The outline of a parsed file.
pub fn document_symbols(file: &File) -> Vec<Symbol> {
    file.items.iter().map(item_symbol).collect()
}

fn item_symbol(item: &Item) -> Symbol {
    match &item.kind {
        ItemKind::Import(import) => symbol(
            format!("import \"{}\"", import.path),
            SymbolKind::Import,
            None,
            item.span,
            import.path_span,
        ),
        ItemKind::Let(decl) => symbol(
            decl.name.name.clone(),
            SymbolKind::Let,
            decl.ty.as_ref().map(type_text),
            item.span,
            decl.name.span,
        ),
        ItemKind::Fn(decl) => {
            let mut found = symbol(
                decl.name.name.clone(),
                SymbolKind::Function,
                Some(format!("fn(...): {}", type_text(&decl.result))),
                item.span,
                decl.name.span,
            );
            found.children = fields(&decl.params, SymbolKind::Parameter);
            found
        }
        ItemKind::Enum(decl) => {
            let mut found = symbol(
                decl.name.name.clone(),
                SymbolKind::Enum,
                None,
                item.span,
                decl.name.span,
            );
            found.children = decl
                .variants
                .iter()
                .map(|variant| {
                    symbol(
                        variant.name.name.clone(),
                        SymbolKind::Variant,
                        None,
                        variant.name.span,
                        variant.name.span,
                    )
                })
                .collect();
            found
        }
        ItemKind::Type(decl) => {
            let mut found = symbol(
                decl.name.name.clone(),
                SymbolKind::Type,
                None,
                item.span,
                decl.name.span,
            );
            found.children = fields(&decl.fields, SymbolKind::Field);
            found
        }
        ItemKind::Module(decl) => {
            let mut found = symbol(
                decl.name.name.clone(),
                SymbolKind::Module,
                None,
                item.span,
                decl.name.span,
            );
            found.children = fields(&decl.params, SymbolKind::Parameter);
            found.children.extend(statements(&decl.body));
            found
        }
        ItemKind::Env(decl) => {
            let mut found = symbol(
                decl.name.name.clone(),
                SymbolKind::Env,
                Some(decl.module.name.clone()),
                item.span,
                decl.name.span,
            );
            found.children = decl
                .fields
                .iter()
                .map(|field| {
                    symbol(
                        field.key.name.clone(),
                        SymbolKind::Field,
                        Some(expr_text(&field.value)),
                        field.key.span.to(field.value.span),
                        field.key.span,
                    )
                })
                .collect();
            found
        }
    }
}

fn fields(fields: &[FieldDecl], kind: SymbolKind) -> Vec<Symbol> {
    fields
        .iter()
        .map(|field| {
            let span = field
                .default
                .as_ref()
                .map_or(field.name.span.to(field.ty.span), |d| {
                    field.name.span.to(d.span)
                });
            symbol(
                field.name.name.clone(),
                kind,
                Some(type_text(&field.ty)),
                span,
                field.name.span,
            )
        })
        .collect()
}

fn statements(body: &[Stmt]) -> Vec<Symbol> {
    body.iter().filter_map(statement).collect()
}

fn statement(stmt: &Stmt) -> Option<Symbol> {
    Some(match &stmt.kind {
        StmtKind::Let(decl) => symbol(
            decl.name.name.clone(),
            SymbolKind::Let,
            decl.ty.as_ref().map(type_text),
            stmt.span,
            decl.name.span,
        ),
        StmtKind::Resource(decl) | StmtKind::Data(decl) => {
            let data = matches!(stmt.kind, StmtKind::Data(_));
            let name = match &decl.name {
                ResourceName::Plain(name) => name.name.clone(),
                ResourceName::Template(_) => "[...]".to_string(),
            };
            let prefix = if data { "data." } else { "" };
            symbol(
                format!("{prefix}{}.{name}", decl.type_name.name),
                if data {
                    SymbolKind::DataSource
                } else {
                    SymbolKind::Resource
                },
                None,
                stmt.span,
                decl.name.span(),
            )
        }
        StmtKind::Provider(config) => symbol(
            format!("provider {}", config.name.name),
            SymbolKind::Provider,
            None,
            stmt.span,
            config.name.span,
        ),
        StmtKind::Backend(config) => symbol(
            format!("backend {}", config.name.name),
            SymbolKind::Backend,
            None,
            stmt.span,
            config.name.span,
        ),
        StmtKind::For(for_stmt) => {
            let mut found = symbol(
                format!("for {}", for_stmt.var.name),
                SymbolKind::Loop,
                None,
                stmt.span,
                for_stmt.var.span,
            );
            found.children = statements(&for_stmt.body);
            found
        }
        StmtKind::If(if_stmt) => {
            let mut found = symbol(
                "if",
                SymbolKind::Condition,
                None,
                stmt.span,
                if_stmt.condition.span,
            );
            found.children = statements(&if_stmt.body);
            found
        }
        StmtKind::Assert(_) => return None,
        StmtKind::Output(output) => symbol(
            output.name.name.clone(),
            SymbolKind::Output,
            None,
            stmt.span,
            output.name.span,
        ),
        StmtKind::Variable(variable) => symbol(
            variable.name.name.clone(),
            SymbolKind::Variable,
            Some(type_text(&variable.ty)),
            stmt.span,
            variable.name.span,
        ),
    })
}
