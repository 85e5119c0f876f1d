//! Items and statements: the parts of a file that always take lines of their own.

use super::printer::{closing, end, start, width, Align, Printer};
use super::trivia;
use crate::syntax::ast::{
    Block, BlockEntry, ConfigBlock, EnumDecl, Expr, ExprKind, FieldDecl, File, Ident, Item,
    ItemKind, LetDecl, ModuleDecl, ResourceDecl, ResourceName, Stmt, StmtKind, TypeExpr,
};

impl Printer<'_> {
    /// Prints the items of a file with exactly one blank line between them.
    pub(super) fn file(&mut self, file: &File) {
        for (position, item) in file.items.iter().enumerate() {
            // An item's span starts at its keyword; its doc comment comes before.
            let start = start(item.span);
            self.flush_trailing(start);
            self.newline();
            // Imports form one paragraph; every other item is a paragraph of its own.
            let import_group = matches!(item.kind, ItemKind::Import(_))
                && position > 0
                && matches!(
                    file.items.get(position - 1).map(|item| &item.kind),
                    Some(ItemKind::Import(_))
                );
            if position > 0 && !import_group {
                self.blank_line();
            }
            self.flush_before(start);
            if trivia::blank_before_leading(self.text, start) {
                self.blank_line();
            }
            if let Some(doc) = &item.doc {
                self.docs(doc);
            }
            self.item(item);
        }
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Import(import) => {
                self.write("import ");
                self.flush_before(start(import.path_span));
                self.write(self.source(import.path_span));
            }
            ItemKind::Let(decl) => self.let_decl(decl),
            ItemKind::Fn(decl) => {
                self.write("fn ");
                self.ident(&decl.name);
                // The parameters are followed by `: Result = ` and the body's opening on
                // their line.
                let result = self.flat_type(&decl.result);
                let suffix = width(&result) + 5 + opening_width(&decl.body);
                self.params(&decl.name, &decl.params, suffix);
                self.write(": ");
                self.type_expr(&decl.result);
                self.write(" = ");
                self.expr(&decl.body);
            }
            ItemKind::Enum(decl) => self.enum_decl(decl, closing(item.span)),
            ItemKind::Type(decl) => {
                self.write("type ");
                self.ident(&decl.name);
                self.write(" ");
                self.bracketed(
                    ("{", "}"),
                    closing(item.span),
                    &decl.fields,
                    "",
                    Printer::field_decl,
                );
            }
            ItemKind::Module(decl) => self.module(decl, closing(item.span)),
            ItemKind::Env(decl) => {
                self.write("env ");
                self.ident(&decl.name);
                self.write(" = ");
                self.ident(&decl.module);
                self.write(" ");
                self.record_body(closing(decl.body_span), &decl.fields);
            }
        }
    }

    fn let_decl(&mut self, decl: &LetDecl) {
        self.write("let ");
        self.ident(&decl.name);
        if let Some(ty) = &decl.ty {
            self.write(": ");
            self.type_expr(ty);
        }
        self.write(" = ");
        self.expr(&decl.value);
    }

    /// `enum Name { a, b }` when written on one line and it fits, else one variant per line
    /// (without commas, like the fields of a record).
    fn enum_decl(&mut self, decl: &EnumDecl, close_at: usize) {
        self.write("enum ");
        self.ident(&decl.name);
        self.write(" ");
        let flat = self.flat_variants(decl, close_at);
        match flat {
            Some(flat) if self.fits(width(&flat)) => self.write(&flat),
            _ => self.bracketed(("{", "}"), close_at, &decl.variants, "", |p, variant| {
                p.ident(&variant.name);
                None
            }),
        }
    }

    fn flat_variants(&self, decl: &EnumDecl, close_at: usize) -> Option<String> {
        let body = self.text.get(end(decl.name.span)..close_at).unwrap_or("");
        let plain = !body.contains('\n')
            && !self.has_comment_in(end(decl.name.span), close_at)
            && decl.variants.iter().all(|variant| variant.doc.is_none());
        if !plain {
            return None;
        }
        if decl.variants.is_empty() {
            return Some("{}".to_string());
        }
        let names: Vec<&str> = decl.variants.iter().map(|v| v.name.name.as_str()).collect();
        Some(format!("{{ {} }}", names.join(", ")))
    }

    fn module(&mut self, decl: &ModuleDecl, close_at: usize) {
        self.write("module ");
        self.ident(&decl.name);
        // The parameters are followed by ` {` on their line.
        self.params(&decl.name, &decl.params, 2);
        self.write(" ");
        self.stmt_body(close_at, &decl.body);
    }

    /// `(a: T, b: U = default)` when it fits with `suffix` more characters after it, else
    /// one parameter per line with a trailing comma.
    fn params(&mut self, name: &Ident, params: &[FieldDecl], suffix: usize) {
        let open = trivia::skip_trivia(self.text, end(name.span));
        let close_at = self.params_close(open, params);
        let flat = if self.has_comment_in(open, close_at) {
            None
        } else {
            self.flat_params(params)
        };
        match flat {
            Some(flat) if self.fits(width(&flat) + suffix) => self.write(&flat),
            _ => self.bracketed(("(", ")"), close_at, params, ",", Printer::field_decl),
        }
    }

    /// The offset of the `)` closing a parameter list that opens at `open`.
    fn params_close(&self, open: usize, params: &[FieldDecl]) -> usize {
        let after = params.last().map_or(open + 1, field_decl_end);
        let mut at = trivia::skip_trivia(self.text, after);
        if self.text.as_bytes().get(at) == Some(&b',') {
            at = trivia::skip_trivia(self.text, at + 1);
        }
        at
    }

    fn flat_params(&self, params: &[FieldDecl]) -> Option<String> {
        let mut parts = Vec::new();
        for param in params {
            if param.doc.is_some() {
                return None;
            }
            let mut part = format!("{}: {}", param.name.name, self.flat_type(&param.ty));
            if let Some(default) = &param.default {
                part.push_str(" = ");
                part.push_str(&self.flat(default)?);
            }
            parts.push(part);
        }
        Some(format!("({})", parts.join(", ")))
    }

    /// `name: Type` or `name: Type = default`: a parameter or a field of a record type.
    fn field_decl(&mut self, field: &FieldDecl) -> Option<Align> {
        self.ident(&field.name);
        self.write(": ");
        self.type_expr(&field.ty);
        if let Some(default) = &field.default {
            self.write(" = ");
            self.expr(default);
        }
        None
    }

    fn type_expr(&mut self, ty: &TypeExpr) {
        self.ident(&ty.name);
        if !ty.args.is_empty() {
            self.write("<");
            for (position, arg) in ty.args.iter().enumerate() {
                if position > 0 {
                    self.write(", ");
                }
                self.type_expr(arg);
            }
            self.write(">");
        }
        if ty.optional {
            self.write("?");
        }
    }

    fn flat_type(&self, ty: &TypeExpr) -> String {
        let mut text = ty.name.name.clone();
        if !ty.args.is_empty() {
            let args: Vec<String> = ty.args.iter().map(|arg| self.flat_type(arg)).collect();
            text.push('<');
            text.push_str(&args.join(", "));
            text.push('>');
        }
        if ty.optional {
            text.push('?');
        }
        text
    }

    pub(super) fn ident(&mut self, ident: &Ident) {
        self.flush_before(start(ident.span));
        self.write(&ident.name);
    }

    /// The statements of a module, `for` or `if`, one per line.
    fn stmt_body(&mut self, close_at: usize, body: &[Stmt]) {
        self.bracketed(("{", "}"), close_at, body, "", |p, stmt| {
            p.stmt(stmt);
            None
        });
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Let(decl) => self.let_decl(decl),
            StmtKind::Resource(decl) => self.resource("resource ", decl),
            StmtKind::Data(decl) => self.resource("data ", decl),
            StmtKind::Provider(config) => self.config("provider ", config),
            StmtKind::Backend(config) => self.config("backend ", config),
            StmtKind::For(each) => {
                self.write("for ");
                self.ident(&each.var);
                if let Some(index) = &each.index {
                    self.write(", ");
                    self.ident(index);
                }
                self.write(" in ");
                self.expr(&each.iterable);
                self.write(" ");
                self.stmt_body(closing(stmt.span), &each.body);
            }
            StmtKind::If(branch) => {
                self.write("if ");
                self.expr(&branch.condition);
                self.write(" ");
                self.stmt_body(closing(stmt.span), &branch.body);
            }
            StmtKind::Assert(assert) => {
                self.write("assert ");
                self.expr(&assert.condition);
                self.write(", ");
                self.expr(&assert.message);
            }
            StmtKind::Output(output) => {
                self.write("output ");
                self.ident(&output.name);
                self.write(" = ");
                self.expr(&output.value);
            }
            StmtKind::Variable(variable) => {
                self.write("variable ");
                self.ident(&variable.name);
                self.write(": ");
                self.type_expr(&variable.ty);
                if let Some(default) = &variable.default {
                    self.write(" = ");
                    self.expr(default);
                }
            }
        }
    }

    fn resource(&mut self, keyword: &str, decl: &ResourceDecl) {
        self.write(keyword);
        self.ident(&decl.type_name);
        self.write(" ");
        match &decl.name {
            ResourceName::Plain(name) => self.ident(name),
            ResourceName::Template(name) => self.expr(name),
        }
        self.write(" ");
        self.block(&decl.body);
    }

    fn config(&mut self, keyword: &str, config: &ConfigBlock) {
        self.write(keyword);
        self.ident(&config.name);
        self.write(" ");
        self.block(&config.body);
    }

    /// A resource body or nested block: one entry per line, `=` aligned.
    fn block(&mut self, block: &Block) {
        self.bracketed(
            ("{", "}"),
            closing(block.span),
            &block.entries,
            "",
            |p, entry| match entry {
                BlockEntry::Attribute { name, value } => {
                    let align = p.aligned_key(&name.name, " = ");
                    p.expr(value);
                    Some(align)
                }
                BlockEntry::Block { name, body } => {
                    p.ident(name);
                    p.write(" ");
                    p.block(body);
                    None
                }
            },
        );
    }
}

/// The width of what a breakable expression puts on its first line when broken (`Name {`,
/// `name(`, `[`), from the tree alone so that the layout before it does not depend on how
/// the expression happens to be written.
fn opening_width(expr: &Expr) -> usize {
    match &expr.kind {
        ExprKind::Construct { name, .. } => width(&name.name) + 2,
        ExprKind::Call { function, .. } => width(&function.name) + 1,
        ExprKind::List(_) | ExprKind::Record(_) | ExprKind::Comprehension { .. } => 1,
        ExprKind::If { .. } => 2,
        ExprKind::Match { .. } => 5,
        _ => 0,
    }
}

fn field_decl_end(field: &FieldDecl) -> usize {
    end(field
        .default
        .as_ref()
        .map_or(field.ty.span, |default| default.span))
}
