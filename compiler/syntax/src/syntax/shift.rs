//! Moving a tree by a number of bytes. Items are parsed on their own, with spans counted
//! from the item's first byte, so that an unchanged item parses to an equal tree wherever
//! it sits in its file (what lets the compiler's salsa database keep its checks); the
//! file's tree is those items moved to where they are.

use super::ast::*;
use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// Something holding spans, all of which move by the same number of bytes.
pub trait Shift {
    fn shift(&mut self, by: u32);
}

impl Shift for Span {
    fn shift(&mut self, by: u32) {
        self.start = self.start.saturating_add(by);
        self.end = self.end.saturating_add(by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: u32) {
        if let Some(inner) = self {
            inner.shift(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: u32) {
        for inner in self {
            inner.shift(by);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, by: u32) {
        (**self).shift(by);
    }
}

impl Shift for Diagnostic {
    fn shift(&mut self, by: u32) {
        for label in &mut self.labels {
            label.span.shift(by);
        }
        if let Some(fix) = &mut self.fix {
            fix.span.shift(by);
        }
    }
}

impl Shift for Ident {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
    }
}

impl Shift for Item {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
        match &mut self.kind {
            ItemKind::Import(import) => import.path_span.shift(by),
            ItemKind::Let(decl) => decl.shift(by),
            ItemKind::Fn(decl) => {
                decl.name.shift(by);
                decl.params.shift(by);
                decl.result.shift(by);
                decl.body.shift(by);
            }
            ItemKind::Enum(decl) => {
                decl.name.shift(by);
                for variant in &mut decl.variants {
                    variant.name.shift(by);
                }
            }
            ItemKind::Type(decl) => {
                decl.name.shift(by);
                decl.fields.shift(by);
            }
            ItemKind::Module(decl) => {
                decl.name.shift(by);
                decl.params.shift(by);
                decl.body.shift(by);
            }
            ItemKind::Env(decl) => {
                decl.name.shift(by);
                decl.module.shift(by);
                decl.fields.shift(by);
                decl.body_span.shift(by);
            }
        }
    }
}

impl Shift for LetDecl {
    fn shift(&mut self, by: u32) {
        self.name.shift(by);
        self.ty.shift(by);
        self.value.shift(by);
    }
}

impl Shift for FieldDecl {
    fn shift(&mut self, by: u32) {
        self.name.shift(by);
        self.ty.shift(by);
        self.default.shift(by);
    }
}

impl Shift for Stmt {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
        match &mut self.kind {
            StmtKind::Let(decl) => decl.shift(by),
            StmtKind::Resource(decl) | StmtKind::Data(decl) => {
                decl.type_name.shift(by);
                match &mut decl.name {
                    ResourceName::Plain(name) => name.shift(by),
                    ResourceName::Template(expr) => expr.shift(by),
                }
                decl.body.shift(by);
            }
            StmtKind::Provider(config) | StmtKind::Backend(config) => {
                config.name.shift(by);
                config.body.shift(by);
            }
            StmtKind::For(for_stmt) => {
                for_stmt.var.shift(by);
                for_stmt.index.shift(by);
                for_stmt.iterable.shift(by);
                for_stmt.body.shift(by);
            }
            StmtKind::If(if_stmt) => {
                if_stmt.condition.shift(by);
                if_stmt.body.shift(by);
            }
            StmtKind::Assert(assert) => {
                assert.condition.shift(by);
                assert.message.shift(by);
            }
            StmtKind::Output(output) => {
                output.name.shift(by);
                output.value.shift(by);
            }
            StmtKind::Variable(variable) => {
                variable.name.shift(by);
                variable.ty.shift(by);
                variable.default.shift(by);
            }
        }
    }
}

impl Shift for Block {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
        for entry in &mut self.entries {
            match entry {
                BlockEntry::Attribute { name, value } => {
                    name.shift(by);
                    value.shift(by);
                }
                BlockEntry::Block { name, body } => {
                    name.shift(by);
                    body.shift(by);
                }
            }
        }
    }
}

impl Shift for TypeExpr {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
        self.name.shift(by);
        self.args.shift(by);
    }
}

impl Shift for FieldInit {
    fn shift(&mut self, by: u32) {
        self.key.shift(by);
        self.value.shift(by);
    }
}

impl Shift for Expr {
    fn shift(&mut self, by: u32) {
        self.span.shift(by);
        match &mut self.kind {
            ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Number(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Cidr(_) => {}
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interpolation(inner) = part {
                        inner.shift(by);
                    }
                }
            }
            ExprKind::Name(ident) | ExprKind::DataType(ident) => ident.shift(by),
            ExprKind::List(items) => items.shift(by),
            ExprKind::Record(fields) => fields.shift(by),
            ExprKind::Construct { name, fields } => {
                name.shift(by);
                fields.shift(by);
            }
            ExprKind::Field { target, field } => {
                target.shift(by);
                field.shift(by);
            }
            ExprKind::Index { target, index } => {
                target.shift(by);
                index.shift(by);
            }
            ExprKind::Call { function, args } => {
                function.shift(by);
                for arg in args {
                    arg.name.shift(by);
                    arg.value.shift(by);
                }
            }
            ExprKind::Unary { operand, .. } | ExprKind::Paren(operand) => operand.shift(by),
            ExprKind::Binary { left, right, .. }
            | ExprKind::Range {
                start: left,
                end: right,
            } => {
                left.shift(by);
                right.shift(by);
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                condition.shift(by);
                then.shift(by);
                otherwise.shift(by);
            }
            ExprKind::Match { scrutinee, arms } => {
                scrutinee.shift(by);
                for arm in arms {
                    arm.pattern.shift(by);
                    arm.pattern_span.shift(by);
                    arm.value.shift(by);
                }
            }
            ExprKind::Comprehension {
                var,
                index,
                iterable,
                body,
                filter,
            } => {
                var.shift(by);
                index.shift(by);
                iterable.shift(by);
                body.shift(by);
                filter.shift(by);
            }
        }
    }
}
